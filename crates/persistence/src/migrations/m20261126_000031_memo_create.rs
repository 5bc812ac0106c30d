//! Collaboration module: memos. A callout's framing and a contribution may hold a memo: a
//! Markdown document with a profile, an owner and a content policy.

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
        let mut memo = Table::create();
        memo.table(Alias::new("memo")).if_not_exists();
        base_columns(&mut memo)
            .col(
                ColumnDef::new(Alias::new("name_id"))
                    .string_len(36)
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("markdown")).text().null())
            .col(nullable_uuid("created_by"))
            .col(
                ColumnDef::new(Alias::new("content_update_policy"))
                    .string_len(32)
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("profile_id")).uuid().not_null())
            .col(nullable_uuid("authorization_id"));
        manager.create_table(memo).await?;
        for table in ["callout_framing", "callout_contribution"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(table))
                        .add_column(nullable_uuid("memo_id"))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
