//! Communication module: the virtual contributors engaged in a room's threads (a thread where a
//! virtual contributor was mentioned goes on with it), with the engine's own thread id.

use sea_orm_migration::prelude::*;

use super::columns::base_columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut t = Table::create();
        t.table(Alias::new("vc_interaction")).if_not_exists();
        base_columns(&mut t)
            .col(ColumnDef::new(Alias::new("room_id")).uuid().not_null())
            .col(
                ColumnDef::new(Alias::new("thread_id"))
                    .string_len(64)
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("virtual_contributor_id"))
                    .uuid()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("external_thread_id"))
                    .string_len(255)
                    .null(),
            );
        manager.create_table(t).await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_vc_interaction_room_thread")
                    .table(Alias::new("vc_interaction"))
                    .col(Alias::new("room_id"))
                    .col(Alias::new("thread_id"))
                    .unique()
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }
}
