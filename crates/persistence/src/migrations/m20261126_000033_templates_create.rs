//! Template module: templates managers (an L0 space's) with their default templates and a
//! templates set; templates in a set (a profile, and a post description or a whiteboard).

use sea_orm_migration::prelude::*;

use super::columns::base_columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn nullable_uuid(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).uuid().null().to_owned()
}

fn uuid_col(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .uuid()
        .not_null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut set = Table::create();
        set.table(Alias::new("templates_set")).if_not_exists();
        base_columns(&mut set).col(nullable_uuid("authorization_id"));
        manager.create_table(set).await?;

        let mut templates_manager = Table::create();
        templates_manager
            .table(Alias::new("templates_manager"))
            .if_not_exists();
        base_columns(&mut templates_manager)
            .col(uuid_col("templates_set_id"))
            .col(nullable_uuid("authorization_id"));
        manager.create_table(templates_manager).await?;

        let mut default = Table::create();
        default
            .table(Alias::new("template_default"))
            .if_not_exists();
        base_columns(&mut default)
            .col(uuid_col("templates_manager_id"))
            .col(ColumnDef::new(Alias::new("type")).string_len(64).not_null())
            .col(
                ColumnDef::new(Alias::new("allowed_template_type"))
                    .string_len(64)
                    .not_null(),
            )
            .col(nullable_uuid("template_id"))
            .col(nullable_uuid("authorization_id"));
        manager.create_table(default).await?;

        let mut template = Table::create();
        template.table(Alias::new("template")).if_not_exists();
        base_columns(&mut template)
            .col(uuid_col("templates_set_id"))
            .col(
                ColumnDef::new(Alias::new("name_id"))
                    .string_len(36)
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("type")).string_len(64).not_null())
            .col(
                ColumnDef::new(Alias::new("post_default_description"))
                    .text()
                    .null(),
            )
            .col(uuid_col("profile_id"))
            .col(nullable_uuid("whiteboard_id"))
            .col(nullable_uuid("authorization_id"));
        manager.create_table(template).await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_template_set")
                    .table(Alias::new("template"))
                    .col(Alias::new("templates_set_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("space"))
                    .add_column(nullable_uuid("templates_manager_id"))
                    .to_owned(),
            )
            .await
    }
}
