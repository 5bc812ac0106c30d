//! Platform module: the `platform` singleton table.

use sea_orm_migration::prelude::*;

use super::columns::base_columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut table = Table::create();
        table.table(Alias::new("platform")).if_not_exists();
        base_columns(&mut table).col(
            ColumnDef::new(Alias::new("settings"))
                .json_binary()
                .not_null(),
        );
        manager.create_table(table).await
    }
}
