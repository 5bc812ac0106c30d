//! Column helpers shared by migrations, so every table gets the same base columns.

use sea_orm_migration::prelude::*;

/// The base columns every entity has: `id`, `created_date`, `updated_date`, `version`.
pub fn base_columns(table: &mut TableCreateStatement) -> &mut TableCreateStatement {
    table
        .col(
            ColumnDef::new(Alias::new("id"))
                .uuid()
                .not_null()
                .primary_key(),
        )
        .col(
            ColumnDef::new(Alias::new("created_date"))
                .timestamp_with_time_zone()
                .not_null()
                .default(Expr::current_timestamp()),
        )
        .col(
            ColumnDef::new(Alias::new("updated_date"))
                .timestamp_with_time_zone()
                .not_null()
                .default(Expr::current_timestamp()),
        )
        .col(
            ColumnDef::new(Alias::new("version"))
                .integer()
                .not_null()
                .default(1),
        )
}

/// Gives `table` a `row_id`: a unique, ever-increasing insertion number that cursor pagination
/// orders by (the reference's `rowId`). PostgreSQL fills it from a sequence; SQLite copies the
/// table's own `rowid` in a trigger, since it cannot add an auto-increment column later.
/// Existing rows are numbered in their current storage order.
pub async fn add_row_id(manager: &SchemaManager<'_>, table: &str) -> Result<(), DbErr> {
    let conn = manager.get_connection();
    let statements: Vec<String> = match manager.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => vec![
            format!(r#"ALTER TABLE "{table}" ADD COLUMN row_id BIGSERIAL"#),
            format!(r#"CREATE UNIQUE INDEX "uq_{table}_row_id" ON "{table}" (row_id)"#),
        ],
        sea_orm::DatabaseBackend::Sqlite => vec![
            format!(r#"ALTER TABLE "{table}" ADD COLUMN row_id INTEGER"#),
            format!(r#"UPDATE "{table}" SET row_id = rowid"#),
            format!(
                r#"CREATE TRIGGER "trg_{table}_row_id" AFTER INSERT ON "{table}" BEGIN UPDATE "{table}" SET row_id = NEW.rowid WHERE rowid = NEW.rowid; END"#
            ),
            format!(r#"CREATE UNIQUE INDEX "uq_{table}_row_id" ON "{table}" (row_id)"#),
        ],
        other => {
            return Err(DbErr::Migration(format!(
                "row ids are not supported on {other:?}"
            )));
        }
    };
    for statement in statements {
        conn.execute_unprepared(&statement).await?;
    }
    Ok(())
}
