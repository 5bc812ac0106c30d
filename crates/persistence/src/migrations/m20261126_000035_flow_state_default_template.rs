//! Collaboration module: an innovation flow state may name the callout template new callouts
//! in it start from.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("innovation_flow_state"))
                    .add_column(
                        ColumnDef::new(Alias::new("default_callout_template_id"))
                            .uuid()
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }
}
