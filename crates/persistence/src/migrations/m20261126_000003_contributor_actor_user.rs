//! Contributor module: actors (the identity every user, organization, virtual contributor, space
//! and account shares), their credentials, and users.

use sea_orm_migration::prelude::*;

use super::columns::base_columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut actor = Table::create();
        actor.table(Alias::new("actor")).if_not_exists();
        base_columns(&mut actor)
            .col(ColumnDef::new(Alias::new("type")).string_len(64).not_null())
            .col(
                ColumnDef::new(Alias::new("name_id"))
                    .string_len(36)
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null());
        manager.create_table(actor).await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_actor_type_name_id")
                    .table(Alias::new("actor"))
                    .col(Alias::new("type"))
                    .col(Alias::new("name_id"))
                    .unique()
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;

        let mut credential = Table::create();
        credential.table(Alias::new("credential")).if_not_exists();
        base_columns(&mut credential)
            .col(ColumnDef::new(Alias::new("actor_id")).uuid().not_null())
            .col(
                ColumnDef::new(Alias::new("type"))
                    .string_len(128)
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("resource_id"))
                    .string_len(36)
                    .not_null()
                    .default(""),
            )
            .col(ColumnDef::new(Alias::new("issuer")).uuid().null())
            .col(
                ColumnDef::new(Alias::new("expires"))
                    .timestamp_with_time_zone()
                    .null(),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_credential_actor")
                    .from(Alias::new("credential"), Alias::new("actor_id"))
                    .to(Alias::new("actor"), Alias::new("id"))
                    .on_delete(ForeignKeyAction::Cascade),
            );
        manager.create_table(credential).await?;
        // One credential of a kind per actor and resource: granting twice cannot duplicate it.
        manager
            .create_index(
                Index::create()
                    .name("uq_credential_actor_type_resource")
                    .table(Alias::new("credential"))
                    .col(Alias::new("actor_id"))
                    .col(Alias::new("type"))
                    .col(Alias::new("resource_id"))
                    .unique()
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_credential_type_resource")
                    .table(Alias::new("credential"))
                    .col(Alias::new("type"))
                    .col(Alias::new("resource_id"))
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;

        let mut user = Table::create();
        user.table(Alias::new("user")).if_not_exists();
        base_columns(&mut user)
            .col(
                ColumnDef::new(Alias::new("email"))
                    .string_len(512)
                    .not_null()
                    .unique_key(),
            )
            .col(
                ColumnDef::new(Alias::new("first_name"))
                    .string_len(128)
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("last_name"))
                    .string_len(128)
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("phone")).string_len(128).null())
            .col(
                ColumnDef::new(Alias::new("authentication_id"))
                    .string_len(128)
                    .null()
                    .unique_key(),
            )
            .col(ColumnDef::new(Alias::new("account_id")).uuid().null())
            .col(
                ColumnDef::new(Alias::new("service_profile"))
                    .boolean()
                    .not_null()
                    .default(false),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_user_actor")
                    .from(Alias::new("user"), Alias::new("id"))
                    .to(Alias::new("actor"), Alias::new("id"))
                    .on_delete(ForeignKeyAction::Cascade),
            );
        manager.create_table(user).await
    }
}
