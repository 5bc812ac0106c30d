//! Authorization module: the `authorization_policy` table, and the platform's link to its policy.

use sea_orm_migration::prelude::*;

use super::columns::base_columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut table = Table::create();
        table
            .table(Alias::new("authorization_policy"))
            .if_not_exists();
        base_columns(&mut table)
            .col(
                ColumnDef::new(Alias::new("credential_rules"))
                    .json_binary()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("privilege_rules"))
                    .json_binary()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("type"))
                    .string_len(128)
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("parent_authorization_policy_id"))
                    .uuid()
                    .null(),
            );
        manager.create_table(table).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_authorization_policy_parent")
                    .table(Alias::new("authorization_policy"))
                    .col(Alias::new("parent_authorization_policy_id"))
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("platform"))
                    .add_column(ColumnDef::new(Alias::new("authorization_id")).uuid().null())
                    .to_owned(),
            )
            .await
    }
}
