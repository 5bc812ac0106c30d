//! Media galleries: a callout framing of kind MEDIA_GALLERY holds a gallery of visuals (images
//! and videos) with a storage bucket of its own.

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
        let mut gallery = Table::create();
        gallery.table(Alias::new("media_gallery")).if_not_exists();
        base_columns(&mut gallery)
            .col(nullable_uuid("created_by"))
            .col(nullable_uuid("storage_bucket_id"))
            .col(nullable_uuid("authorization_id"));
        manager.create_table(gallery).await?;
        for (table, column) in [
            ("visual", "media_gallery_id"),
            ("callout_framing", "media_gallery_id"),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(table))
                        .add_column(nullable_uuid(column))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_visual_media_gallery")
                    .table(Alias::new("visual"))
                    .col(Alias::new("media_gallery_id"))
                    .to_owned(),
            )
            .await
    }
}
