//! Notification module: a lease on each e-mail being sent, so that two workers handling copies
//! of the same event (a broker redelivery, several replicas) do not both send it.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("email_delivery"))
                    .add_column(
                        ColumnDef::new(Alias::new("lease_until"))
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }
}
