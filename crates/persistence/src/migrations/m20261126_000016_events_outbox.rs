//! Events module: the transactional outbox (`outbox_event`), written in the same transaction
//! as each change, and the consumers' marks of events already processed (`processed_event`),
//! which make delivery idempotent.

use sea_orm_migration::prelude::*;

use super::columns::add_row_id;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let ts = |name: &str| {
            ColumnDef::new(Alias::new(name))
                .timestamp_with_time_zone()
                .to_owned()
        };
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("outbox_event"))
                    .if_not_exists()
                    .col(
                        ColumnDef::new(Alias::new("id"))
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Alias::new("name")).string_len(96).not_null())
                    .col(
                        ColumnDef::new(Alias::new("payload"))
                            .json_binary()
                            .not_null(),
                    )
                    .col(ts("occurred_date").not_null())
                    .col(ts("published_date").null())
                    .col(
                        ColumnDef::new(Alias::new("attempts"))
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(ts("next_attempt_date").null())
                    .col(ts("dead_date").null())
                    .col(ColumnDef::new(Alias::new("last_error")).text().null())
                    .to_owned(),
            )
            .await?;
        add_row_id(manager, "outbox_event").await?;
        // The relay's scan: events not yet published. Both engines support partial indexes.
        manager
            .get_connection()
            .execute_unprepared(
                r#"CREATE INDEX IF NOT EXISTS "ix_outbox_event_pending" ON "outbox_event" (row_id) WHERE published_date IS NULL"#,
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_outbox_event_published_date")
                    .table(Alias::new("outbox_event"))
                    .col(Alias::new("published_date"))
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("processed_event"))
                    .if_not_exists()
                    .col(
                        ColumnDef::new(Alias::new("consumer"))
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Alias::new("event_id")).uuid().not_null())
                    .col(ts("processed_date").not_null())
                    .primary_key(
                        Index::create()
                            .col(Alias::new("consumer"))
                            .col(Alias::new("event_id")),
                    )
                    .to_owned(),
            )
            .await
    }
}
