//! Contributor module: each user's settings, one JSON document per user.

use sea_orm_migration::prelude::*;

use super::columns::base_columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut table = Table::create();
        table.table(Alias::new("user_settings")).if_not_exists();
        base_columns(&mut table)
            .col(
                ColumnDef::new(Alias::new("user_id"))
                    .uuid()
                    .not_null()
                    .unique_key(),
            )
            .col(
                ColumnDef::new(Alias::new("settings"))
                    .json_binary()
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null())
            .foreign_key(
                ForeignKey::create()
                    .name("fk_user_settings_user")
                    .from(Alias::new("user_settings"), Alias::new("user_id"))
                    .to(Alias::new("user"), Alias::new("id"))
                    .on_delete(ForeignKeyAction::Cascade),
            );
        manager.create_table(table).await
    }
}
