//! Contributor module: users get a `row_id`, the insertion order that `usersPaginated` walks.

use sea_orm_migration::prelude::*;

use super::columns::add_row_id;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_row_id(manager, "user").await
    }
}
