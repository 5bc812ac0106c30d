//! Collaboration module: each space's collaboration and its callouts set (their content comes
//! later); spaces point at their collaboration.

use sea_orm_migration::prelude::*;

use super::columns::base_columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut set = Table::create();
        set.table(Alias::new("callouts_set")).if_not_exists();
        base_columns(&mut set).col(ColumnDef::new(Alias::new("type")).string_len(32).not_null());
        manager.create_table(set).await?;
        let mut collaboration = Table::create();
        collaboration
            .table(Alias::new("collaboration"))
            .if_not_exists();
        base_columns(&mut collaboration).col(
            ColumnDef::new(Alias::new("callouts_set_id"))
                .uuid()
                .not_null(),
        );
        manager.create_table(collaboration).await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("space"))
                    .add_column(ColumnDef::new(Alias::new("collaboration_id")).uuid().null())
                    .to_owned(),
            )
            .await
    }
}
