//! Community module: role sets and their roles (the platform's now; spaces' and
//! organizations' later), and the platform's link to its role set.

use sea_orm_migration::prelude::*;

use super::columns::base_columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut role_set = Table::create();
        role_set.table(Alias::new("role_set")).if_not_exists();
        base_columns(&mut role_set)
            .col(ColumnDef::new(Alias::new("type")).string_len(32).not_null())
            .col(
                ColumnDef::new(Alias::new("entry_role_name"))
                    .string_len(128)
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null())
            .col(
                ColumnDef::new(Alias::new("parent_role_set_id"))
                    .uuid()
                    .null(),
            );
        manager.create_table(role_set).await?;

        let mut role = Table::create();
        role.table(Alias::new("role")).if_not_exists();
        base_columns(&mut role)
            .col(ColumnDef::new(Alias::new("role_set_id")).uuid().not_null())
            .col(
                ColumnDef::new(Alias::new("name"))
                    .string_len(128)
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("credential"))
                    .json_binary()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("parent_credentials"))
                    .json_binary()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("requires_entry_role"))
                    .boolean()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("requires_same_role_in_parent_role_set"))
                    .boolean()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("user_policy"))
                    .json_binary()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("organization_policy"))
                    .json_binary()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("virtual_contributor_policy"))
                    .json_binary()
                    .not_null(),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_role_role_set")
                    .from(Alias::new("role"), Alias::new("role_set_id"))
                    .to(Alias::new("role_set"), Alias::new("id"))
                    .on_delete(ForeignKeyAction::Cascade),
            );
        manager.create_table(role).await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_role_role_set_name")
                    .table(Alias::new("role"))
                    .col(Alias::new("role_set_id"))
                    .col(Alias::new("name"))
                    .unique()
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("platform"))
                    .add_column(ColumnDef::new(Alias::new("role_set_id")).uuid().null())
                    .to_owned(),
            )
            .await
    }
}
