//! Library module: innovation packs (an account's published set of templates) and the
//! platform's library; innovation hubs get their curated list of packs.

use sea_orm_migration::prelude::*;

use super::columns::base_columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut pack = Table::create();
        pack.table(Alias::new("innovation_pack")).if_not_exists();
        base_columns(&mut pack)
            .col(
                ColumnDef::new(Alias::new("name_id"))
                    .string_len(36)
                    .not_null(),
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
            .col(ColumnDef::new(Alias::new("templates_set_id")).uuid().null())
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null());
        manager.create_table(pack).await?;
        for (name, column, unique) in [
            ("uq_innovation_pack_name_id", "name_id", true),
            ("ix_innovation_pack_account_id", "account_id", false),
            (
                "uq_innovation_pack_templates_set_id",
                "templates_set_id",
                true,
            ),
            ("uq_innovation_pack_profile_id", "profile_id", true),
        ] {
            let mut index = Index::create();
            index
                .name(name)
                .table(Alias::new("innovation_pack"))
                .col(Alias::new(column))
                .if_not_exists();
            if unique {
                index.unique();
            }
            manager.create_index(index.to_owned()).await?;
        }
        let mut library = Table::create();
        library.table(Alias::new("library")).if_not_exists();
        base_columns(&mut library)
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null());
        manager.create_table(library).await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("innovation_hub"))
                    .add_column(
                        ColumnDef::new(Alias::new("innovation_pack_list_filter"))
                            .json_binary()
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }
}
