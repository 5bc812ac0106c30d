//! Template module (and the collaborations it keeps, marked as templates): what callout, community guidelines and space templates hold (a callout in
//! a collaboration of the template's own, community guidelines, a content space), and the
//! content spaces of space templates (an about kept in the row: why, who, profile and
//! guidelines; a collaboration; settings; level; subspaces).

use sea_orm_migration::prelude::*;

use super::columns::base_columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn nullable_uuid(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).uuid().null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["callout_id", "community_guidelines_id", "content_space_id"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new("template"))
                        .add_column(nullable_uuid(column))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("collaboration"))
                    .add_column(
                        ColumnDef::new(Alias::new("is_template"))
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .to_owned(),
            )
            .await?;
        let mut space = Table::create();
        space
            .table(Alias::new("template_content_space"))
            .if_not_exists();
        base_columns(&mut space)
            .col(ColumnDef::new(Alias::new("level")).integer().not_null())
            .col(nullable_uuid("parent_space_id"))
            .col(
                ColumnDef::new(Alias::new("settings"))
                    .json_binary()
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("about_id")).uuid().not_null())
            .col(ColumnDef::new(Alias::new("why")).text().null())
            .col(ColumnDef::new(Alias::new("who")).text().null())
            .col(nullable_uuid("about_profile_id"))
            .col(nullable_uuid("guidelines_id"))
            .col(nullable_uuid("about_authorization_id"))
            .col(nullable_uuid("collaboration_id"))
            .col(nullable_uuid("authorization_id"));
        manager.create_table(space).await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_template_content_space_parent")
                    .table(Alias::new("template_content_space"))
                    .col(Alias::new("parent_space_id"))
                    .to_owned(),
            )
            .await
    }
}
