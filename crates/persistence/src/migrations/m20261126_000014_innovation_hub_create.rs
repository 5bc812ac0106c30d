//! Innovation hub module: account-owned portals on a subdomain, showing either a list of
//! spaces or the spaces of one visibility. Subdomains are unique.

use sea_orm_migration::prelude::*;

use super::columns::base_columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut hub = Table::create();
        hub.table(Alias::new("innovation_hub")).if_not_exists();
        base_columns(&mut hub)
            .col(
                ColumnDef::new(Alias::new("name_id"))
                    .string_len(36)
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("subdomain"))
                    .string_len(63)
                    .not_null()
                    .unique_key(),
            )
            .col(ColumnDef::new(Alias::new("type")).string_len(32).not_null())
            .col(
                ColumnDef::new(Alias::new("space_visibility_filter"))
                    .string_len(32)
                    .null(),
            )
            .col(
                ColumnDef::new(Alias::new("space_list_filter"))
                    .json_binary()
                    .null(),
            )
            .col(
                ColumnDef::new(Alias::new("listed_in_store"))
                    .boolean()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("search_visibility"))
                    .string_len(32)
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("account_id")).uuid().null())
            .col(ColumnDef::new(Alias::new("profile_id")).uuid().null())
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null());
        manager.create_table(hub).await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_innovation_hub_name_id")
                    .table(Alias::new("innovation_hub"))
                    .col(Alias::new("name_id"))
                    .unique()
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_innovation_hub_account_id")
                    .table(Alias::new("innovation_hub"))
                    .col(Alias::new("account_id"))
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }
}
