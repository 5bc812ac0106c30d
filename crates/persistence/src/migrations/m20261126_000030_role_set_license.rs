//! Community module: every role set has a license of its own (whether virtual contributors
//! may take roles in it, copied from its space's license).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("role_set"))
                    .add_column(ColumnDef::new(Alias::new("license_id")).uuid().null())
                    .to_owned(),
            )
            .await
    }
}
