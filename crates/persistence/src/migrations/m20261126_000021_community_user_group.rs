//! Community module: a space's community holds user groups too. `user_group.community_id` names
//! the community of a community's group (its organization column stays empty). The space module
//! deletes a community's groups with its space.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("user_group"))
                    .add_column(ColumnDef::new(Alias::new("community_id")).uuid().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_user_group_community")
                    .table(Alias::new("user_group"))
                    .col(Alias::new("community_id"))
                    .to_owned(),
            )
            .await
    }
}
