//! Activity log (collaboration module): what happened in each space's collaboration (members
//! joining, subspaces created; callouts and posts when they exist). Entries are ordered by their
//! time-ordered ids. Indexes serve the reads: a caller's own latest activity per collaboration
//! (`triggered_by`) and the activity of the last days per collaboration (`collaboration_id`,
//! `created_date`).

use sea_orm_migration::prelude::*;

use super::columns::base_columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut activity = Table::create();
        activity.table(Alias::new("activity")).if_not_exists();
        base_columns(&mut activity)
            .col(ColumnDef::new(Alias::new("triggered_by")).uuid().not_null())
            .col(ColumnDef::new(Alias::new("resource_id")).uuid().not_null())
            .col(ColumnDef::new(Alias::new("parent_id")).uuid().null())
            .col(
                ColumnDef::new(Alias::new("collaboration_id"))
                    .uuid()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("message_id"))
                    .string_len(44)
                    .null(),
            )
            .col(
                ColumnDef::new(Alias::new("visibility"))
                    .boolean()
                    .not_null()
                    .default(true),
            )
            .col(
                ColumnDef::new(Alias::new("description"))
                    .string_len(512)
                    .null(),
            )
            .col(
                ColumnDef::new(Alias::new("type"))
                    .string_len(128)
                    .not_null(),
            );
        manager.create_table(activity).await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_activity_triggered_by")
                    .table(Alias::new("activity"))
                    .col(Alias::new("triggered_by"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_activity_collaboration_created")
                    .table(Alias::new("activity"))
                    .col(Alias::new("collaboration_id"))
                    .col(Alias::new("created_date"))
                    .to_owned(),
            )
            .await
    }
}
