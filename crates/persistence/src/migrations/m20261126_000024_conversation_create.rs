//! Communication module: user conversations. One platform `messaging` holds every conversation;
//! a conversation owns one room and lists its members (`conversation_membership`, one row per
//! actor).

use sea_orm_migration::prelude::*;

use super::columns::base_columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut messaging = Table::create();
        messaging.table(Alias::new("messaging")).if_not_exists();
        base_columns(&mut messaging)
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null());
        manager.create_table(messaging).await?;

        let mut conversation = Table::create();
        conversation
            .table(Alias::new("conversation"))
            .if_not_exists();
        base_columns(&mut conversation)
            .col(ColumnDef::new(Alias::new("messaging_id")).uuid().not_null())
            .col(ColumnDef::new(Alias::new("room_id")).uuid().not_null())
            .col(ColumnDef::new(Alias::new("kind")).string_len(16).not_null())
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null());
        manager.create_table(conversation).await?;

        manager
            .create_table(
                Table::create()
                    .table(Alias::new("conversation_membership"))
                    .if_not_exists()
                    .col(
                        ColumnDef::new(Alias::new("conversation_id"))
                            .uuid()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Alias::new("actor_id")).uuid().not_null())
                    .col(
                        ColumnDef::new(Alias::new("created_date"))
                            .timestamp_with_time_zone()
                            .not_null()
                            .default(Expr::current_timestamp()),
                    )
                    .primary_key(
                        Index::create()
                            .col(Alias::new("conversation_id"))
                            .col(Alias::new("actor_id")),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_conversation_membership_actor")
                    .table(Alias::new("conversation_membership"))
                    .col(Alias::new("actor_id"))
                    .to_owned(),
            )
            .await
    }
}
