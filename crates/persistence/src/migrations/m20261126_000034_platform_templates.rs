//! Template module: the platform has a templates manager too (its defaults: the templates of
//! new spaces, subspaces, tutorials and knowledge bases).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("platform"))
                    .add_column(
                        ColumnDef::new(Alias::new("templates_manager_id"))
                            .uuid()
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }
}
