//! Space module: spaces at levels 0 to 2 in one table (each also an actor), their about (with
//! community guidelines) and their community, which holds the space's role set. A space's
//! NameID lives in `space.name_id`: unique among L0 spaces and within one L0 tree, not across
//! trees, so the actor row (unique per type and NameID) carries the space's id instead.

use sea_orm_migration::prelude::*;

use super::columns::{add_row_id, base_columns};

#[derive(DeriveMigrationName)]
pub struct Migration;

async fn index(manager: &SchemaManager<'_>, table: &str, column: &str) -> Result<(), DbErr> {
    manager
        .create_index(
            Index::create()
                .name(format!("ix_{table}_{column}"))
                .table(Alias::new(table))
                .col(Alias::new(column))
                .if_not_exists()
                .to_owned(),
        )
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut guidelines = Table::create();
        guidelines
            .table(Alias::new("community_guidelines"))
            .if_not_exists();
        base_columns(&mut guidelines)
            .col(ColumnDef::new(Alias::new("profile_id")).uuid().null())
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null());
        manager.create_table(guidelines).await?;

        let mut about = Table::create();
        about.table(Alias::new("space_about")).if_not_exists();
        base_columns(&mut about)
            .col(ColumnDef::new(Alias::new("why")).text().null())
            .col(ColumnDef::new(Alias::new("who")).text().null())
            .col(ColumnDef::new(Alias::new("profile_id")).uuid().null())
            .col(ColumnDef::new(Alias::new("guidelines_id")).uuid().null())
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null());
        manager.create_table(about).await?;

        let mut community = Table::create();
        community.table(Alias::new("community")).if_not_exists();
        base_columns(&mut community)
            .col(ColumnDef::new(Alias::new("parent_id")).uuid().null())
            .col(ColumnDef::new(Alias::new("role_set_id")).uuid().null())
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null());
        manager.create_table(community).await?;

        let mut space = Table::create();
        space.table(Alias::new("space")).if_not_exists();
        base_columns(&mut space)
            .col(
                ColumnDef::new(Alias::new("name_id"))
                    .string_len(36)
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("level")).integer().not_null())
            .col(
                ColumnDef::new(Alias::new("level_zero_space_id"))
                    .uuid()
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("parent_space_id")).uuid().null())
            .col(ColumnDef::new(Alias::new("account_id")).uuid().null())
            .col(
                ColumnDef::new(Alias::new("visibility"))
                    .string_len(32)
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("settings"))
                    .json_binary()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("platform_roles_access"))
                    .json_binary()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("sort_order"))
                    .integer()
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("pinned")).boolean().not_null())
            .col(ColumnDef::new(Alias::new("about_id")).uuid().null())
            .col(ColumnDef::new(Alias::new("community_id")).uuid().null())
            .col(ColumnDef::new(Alias::new("license_id")).uuid().null())
            .foreign_key(
                ForeignKey::create()
                    .name("fk_space_actor")
                    .from(Alias::new("space"), Alias::new("id"))
                    .to(Alias::new("actor"), Alias::new("id"))
                    .on_delete(ForeignKeyAction::Cascade),
            );
        manager.create_table(space).await?;
        add_row_id(manager, "space").await?;
        index(manager, "space", "parent_space_id").await?;
        index(manager, "space", "account_id").await?;
        index(manager, "space", "level_zero_space_id").await?;
        index(manager, "community", "role_set_id").await
    }
}
