//! Collaboration module: office documents (word processing, spreadsheets, presentations,
//! drawings) framing callouts or contributed to them, each with a profile and its file.

use sea_orm_migration::prelude::*;

use super::columns::base_columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut doc = Table::create();
        doc.table(Alias::new("collabora_document")).if_not_exists();
        base_columns(&mut doc)
            .col(
                ColumnDef::new(Alias::new("document_type"))
                    .string_len(64)
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("original_mime_type"))
                    .string_len(128)
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("created_by")).uuid().null())
            .col(ColumnDef::new(Alias::new("profile_id")).uuid().not_null())
            .col(ColumnDef::new(Alias::new("document_id")).uuid().null())
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null());
        manager.create_table(doc).await?;
        for table in ["callout_framing", "callout_contribution"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(table))
                        .add_column(
                            ColumnDef::new(Alias::new("collabora_document_id"))
                                .uuid()
                                .null(),
                        )
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
