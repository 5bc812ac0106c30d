//! Community module: an invitation of an e-mail address to the platform's role set carries the
//! platform role the person receives on registering.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("platform_invitation"))
                    .add_column(
                        ColumnDef::new(Alias::new("platform_role"))
                            .string_len(128)
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }
}
