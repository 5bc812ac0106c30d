//! Platform module: the forum and its discussions (a profile, a comments room, a category).

use sea_orm_migration::prelude::*;

use super::columns::base_columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut forum = Table::create();
        forum.table(Alias::new("forum")).if_not_exists();
        base_columns(&mut forum)
            .col(
                ColumnDef::new(Alias::new("discussion_categories"))
                    .json_binary()
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null());
        manager.create_table(forum).await?;
        let mut discussion = Table::create();
        discussion.table(Alias::new("discussion")).if_not_exists();
        base_columns(&mut discussion)
            .col(ColumnDef::new(Alias::new("forum_id")).uuid().not_null())
            .col(
                ColumnDef::new(Alias::new("name_id"))
                    .string_len(36)
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("category"))
                    .string_len(64)
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("created_by")).uuid().null())
            .col(
                ColumnDef::new(Alias::new("privacy"))
                    .string_len(32)
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("profile_id")).uuid().not_null())
            .col(ColumnDef::new(Alias::new("comments_id")).uuid().not_null())
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null());
        manager.create_table(discussion).await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_discussion_forum")
                    .table(Alias::new("discussion"))
                    .col(Alias::new("forum_id"))
                    .to_owned(),
            )
            .await
    }
}
