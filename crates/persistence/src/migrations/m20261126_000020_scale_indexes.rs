//! Indexes that keep reads flat as the platform grows, found by a run at 5,000 spaces: the
//! holders of a resource's credentials (`credential.resource_id`, read for every space's leads
//! and members) and the count of a space listing (`space.level`, `space.visibility`). Without
//! them both read every row of their table on every request.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_credential_resource")
                    .table(Alias::new("credential"))
                    .col(Alias::new("resource_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_space_level_visibility")
                    .table(Alias::new("space"))
                    .col(Alias::new("level"))
                    .col(Alias::new("visibility"))
                    .to_owned(),
            )
            .await
    }
}
