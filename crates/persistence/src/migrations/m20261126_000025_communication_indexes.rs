//! Indexes for reads and deletions of the communication and activity modules: a room's
//! conversation (`conversation.room_id`, read for every event a conversation subscriber hears),
//! a message's reactions (`message_reaction.message_id`) and the entries about a deleted actor or
//! space (`activity.resource_id`).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: &str,
    col: &str,
) -> Result<(), DbErr> {
    manager
        .create_index(
            Index::create()
                .if_not_exists()
                .name(name)
                .table(Alias::new(table))
                .col(Alias::new(col))
                .to_owned(),
        )
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        index(manager, "ix_conversation_room", "conversation", "room_id").await?;
        index(
            manager,
            "ix_message_reaction_message",
            "message_reaction",
            "message_id",
        )
        .await?;
        index(manager, "ix_activity_resource", "activity", "resource_id").await
    }
}
