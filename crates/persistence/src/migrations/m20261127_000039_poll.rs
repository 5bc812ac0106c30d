//! Collaboration module: polls framing callouts, their options and one vote per voter.

use sea_orm_migration::prelude::*;

use super::columns::base_columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut poll = Table::create();
        poll.table(Alias::new("poll")).if_not_exists();
        base_columns(&mut poll)
            .col(
                ColumnDef::new(Alias::new("title"))
                    .string_len(512)
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("status"))
                    .string_len(32)
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("settings"))
                    .json_binary()
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null());
        manager.create_table(poll).await?;

        let mut option = Table::create();
        option.table(Alias::new("poll_option")).if_not_exists();
        base_columns(&mut option)
            .col(ColumnDef::new(Alias::new("poll_id")).uuid().not_null())
            .col(
                ColumnDef::new(Alias::new("text"))
                    .string_len(512)
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("sort_order"))
                    .integer()
                    .not_null(),
            );
        manager.create_table(option).await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_poll_option_poll")
                    .table(Alias::new("poll_option"))
                    .col(Alias::new("poll_id"))
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;

        let mut vote = Table::create();
        vote.table(Alias::new("poll_vote")).if_not_exists();
        base_columns(&mut vote)
            .col(ColumnDef::new(Alias::new("poll_id")).uuid().not_null())
            .col(ColumnDef::new(Alias::new("created_by")).uuid().not_null())
            .col(
                ColumnDef::new(Alias::new("selected_option_ids"))
                    .json_binary()
                    .not_null(),
            );
        manager.create_table(vote).await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_poll_vote_poll_voter")
                    .table(Alias::new("poll_vote"))
                    .col(Alias::new("poll_id"))
                    .col(Alias::new("created_by"))
                    .unique()
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;

        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("callout_framing"))
                    .add_column(ColumnDef::new(Alias::new("poll_id")).uuid().null())
                    .to_owned(),
            )
            .await
    }
}
