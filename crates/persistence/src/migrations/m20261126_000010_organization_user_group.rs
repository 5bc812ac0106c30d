//! Organization module: user groups (named sets of an organization's users, each with a profile;
//! membership is the `user-group-member` credential).

use sea_orm_migration::prelude::*;

use super::columns::base_columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut group = Table::create();
        group.table(Alias::new("user_group")).if_not_exists();
        base_columns(&mut group)
            .col(ColumnDef::new(Alias::new("organization_id")).uuid().null())
            .col(ColumnDef::new(Alias::new("profile_id")).uuid().null())
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null())
            .foreign_key(
                ForeignKey::create()
                    .name("fk_user_group_organization")
                    .from(Alias::new("user_group"), Alias::new("organization_id"))
                    .to(Alias::new("organization"), Alias::new("id"))
                    .on_delete(ForeignKeyAction::Cascade),
            );
        manager.create_table(group).await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_user_group_organization")
                    .table(Alias::new("user_group"))
                    .col(Alias::new("organization_id"))
                    .to_owned(),
            )
            .await
    }
}
