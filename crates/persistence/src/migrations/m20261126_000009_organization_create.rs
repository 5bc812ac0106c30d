//! Organization module: organizations (an actor with its own row), their verification and the
//! verification's lifecycle (the state of its state machine).

use sea_orm_migration::prelude::*;

use super::columns::{add_row_id, base_columns};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn text_default_empty(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .string_len(128)
        .not_null()
        .default("")
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut organization = Table::create();
        organization
            .table(Alias::new("organization"))
            .if_not_exists();
        base_columns(&mut organization)
            .col(text_default_empty("legal_entity_name"))
            .col(text_default_empty("domain"))
            .col(text_default_empty("website"))
            .col(text_default_empty("contact_email"))
            .col(
                ColumnDef::new(Alias::new("settings"))
                    .json_binary()
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("account_id")).uuid().null())
            .col(ColumnDef::new(Alias::new("role_set_id")).uuid().null())
            .foreign_key(
                ForeignKey::create()
                    .name("fk_organization_actor")
                    .from(Alias::new("organization"), Alias::new("id"))
                    .to(Alias::new("actor"), Alias::new("id"))
                    .on_delete(ForeignKeyAction::Cascade),
            );
        manager.create_table(organization).await?;
        add_row_id(manager, "organization").await?;

        let mut lifecycle = Table::create();
        lifecycle.table(Alias::new("lifecycle")).if_not_exists();
        base_columns(&mut lifecycle).col(ColumnDef::new(Alias::new("machine_state")).text().null());
        manager.create_table(lifecycle).await?;

        let mut verification = Table::create();
        verification
            .table(Alias::new("organization_verification"))
            .if_not_exists();
        base_columns(&mut verification)
            .col(
                ColumnDef::new(Alias::new("organization_id"))
                    .uuid()
                    .not_null()
                    .unique_key(),
            )
            .col(
                ColumnDef::new(Alias::new("status"))
                    .string_len(64)
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("lifecycle_id")).uuid().not_null())
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null())
            .foreign_key(
                ForeignKey::create()
                    .name("fk_verification_organization")
                    .from(
                        Alias::new("organization_verification"),
                        Alias::new("organization_id"),
                    )
                    .to(Alias::new("organization"), Alias::new("id"))
                    .on_delete(ForeignKeyAction::Cascade),
            );
        manager.create_table(verification).await
    }
}
