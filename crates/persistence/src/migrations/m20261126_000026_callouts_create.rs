//! Collaboration module: callouts. Collaborations and callouts sets get policies; a callout
//! belongs to a callouts set and owns its framing (a profile), its contribution defaults and
//! its comments room; contributions belong to a callout and each holds one post (a profile
//! with a comments room).

use sea_orm_migration::prelude::*;

use super::columns::base_columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn add_authorization(table: &str) -> TableAlterStatement {
    Table::alter()
        .table(Alias::new(table))
        .add_column(ColumnDef::new(Alias::new("authorization_id")).uuid().null())
        .to_owned()
}

fn uuid_col(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .uuid()
        .not_null()
        .to_owned()
}

fn nullable_uuid(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).uuid().null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(add_authorization("collaboration"))
            .await?;
        manager
            .alter_table(add_authorization("callouts_set"))
            .await?;

        let mut framing = Table::create();
        framing.table(Alias::new("callout_framing")).if_not_exists();
        base_columns(&mut framing)
            .col(ColumnDef::new(Alias::new("type")).string_len(32).not_null())
            .col(uuid_col("profile_id"))
            .col(nullable_uuid("authorization_id"));
        manager.create_table(framing).await?;

        let mut defaults = Table::create();
        defaults
            .table(Alias::new("callout_contribution_defaults"))
            .if_not_exists();
        base_columns(&mut defaults)
            .col(
                ColumnDef::new(Alias::new("default_display_name"))
                    .string_len(512)
                    .null(),
            )
            .col(ColumnDef::new(Alias::new("post_description")).text().null());
        manager.create_table(defaults).await?;

        let mut callout = Table::create();
        callout.table(Alias::new("callout")).if_not_exists();
        base_columns(&mut callout)
            .col(uuid_col("callouts_set_id"))
            .col(
                ColumnDef::new(Alias::new("name_id"))
                    .string_len(36)
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("is_template"))
                    .boolean()
                    .not_null()
                    .default(false),
            )
            .col(ColumnDef::new(Alias::new("settings")).text().not_null())
            .col(ColumnDef::new(Alias::new("sort_order")).double().not_null())
            .col(nullable_uuid("created_by"))
            .col(nullable_uuid("published_by"))
            .col(
                ColumnDef::new(Alias::new("published_date"))
                    .timestamp_with_time_zone()
                    .null(),
            )
            .col(uuid_col("framing_id"))
            .col(uuid_col("contribution_defaults_id"))
            .col(nullable_uuid("comments_id"))
            .col(nullable_uuid("authorization_id"));
        manager.create_table(callout).await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ux_callout_set_name_id")
                    .table(Alias::new("callout"))
                    .col(Alias::new("callouts_set_id"))
                    .col(Alias::new("name_id"))
                    .unique()
                    .to_owned(),
            )
            .await?;

        let mut post = Table::create();
        post.table(Alias::new("post")).if_not_exists();
        base_columns(&mut post)
            .col(
                ColumnDef::new(Alias::new("name_id"))
                    .string_len(36)
                    .not_null(),
            )
            .col(uuid_col("profile_id"))
            .col(uuid_col("comments_id"))
            .col(nullable_uuid("created_by"))
            .col(nullable_uuid("authorization_id"));
        manager.create_table(post).await?;

        let mut contribution = Table::create();
        contribution
            .table(Alias::new("callout_contribution"))
            .if_not_exists();
        base_columns(&mut contribution)
            .col(uuid_col("callout_id"))
            .col(ColumnDef::new(Alias::new("type")).string_len(32).not_null())
            .col(ColumnDef::new(Alias::new("sort_order")).double().not_null())
            .col(nullable_uuid("created_by"))
            .col(nullable_uuid("post_id"))
            .col(nullable_uuid("authorization_id"));
        manager.create_table(contribution).await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_callout_contribution_callout")
                    .table(Alias::new("callout_contribution"))
                    .col(Alias::new("callout_id"))
                    .to_owned(),
            )
            .await
    }
}
