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
