//! Collaboration module: links and whiteboards. A callout's framing and a contribution each
//! may hold one link (a profile with a URI) or one whiteboard (a profile with Excalidraw
//! content, its owner, its content policy and preview settings); contribution defaults may
//! carry the content new whiteboards start from.

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
        let mut link = Table::create();
        link.table(Alias::new("link")).if_not_exists();
        base_columns(&mut link)
            .col(ColumnDef::new(Alias::new("uri")).text().not_null())
            .col(ColumnDef::new(Alias::new("profile_id")).uuid().not_null())
            .col(nullable_uuid("authorization_id"));
        manager.create_table(link).await?;

        let mut whiteboard = Table::create();
        whiteboard.table(Alias::new("whiteboard")).if_not_exists();
        base_columns(&mut whiteboard)
            .col(
                ColumnDef::new(Alias::new("name_id"))
                    .string_len(36)
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("content")).text().not_null())
            .col(nullable_uuid("created_by"))
            .col(
                ColumnDef::new(Alias::new("content_update_policy"))
                    .string_len(32)
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("preview_settings"))
                    .text()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("guest_access"))
                    .boolean()
                    .not_null()
                    .default(false),
            )
            .col(ColumnDef::new(Alias::new("profile_id")).uuid().not_null())
            .col(nullable_uuid("authorization_id"));
        manager.create_table(whiteboard).await?;

        for table in ["callout_framing", "callout_contribution"] {
            for column in ["link_id", "whiteboard_id"] {
                manager
                    .alter_table(
                        Table::alter()
                            .table(Alias::new(table))
                            .add_column(nullable_uuid(column))
                            .to_owned(),
                    )
                    .await?;
            }
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("callout_contribution_defaults"))
                    .add_column(
                        ColumnDef::new(Alias::new("whiteboard_content"))
                            .text()
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }
}
