//! Licensing and account modules: licenses with their entitlements, and accounts (the actor that
//! owns a user's or organization's spaces and other resources).

use sea_orm_migration::prelude::*;

use super::columns::base_columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut license = Table::create();
        license.table(Alias::new("license")).if_not_exists();
        base_columns(&mut license)
            .col(ColumnDef::new(Alias::new("type")).string_len(64).not_null())
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null());
        manager.create_table(license).await?;

        let mut entitlement = Table::create();
        entitlement
            .table(Alias::new("license_entitlement"))
            .if_not_exists();
        base_columns(&mut entitlement)
            .col(ColumnDef::new(Alias::new("license_id")).uuid().not_null())
            .col(
                ColumnDef::new(Alias::new("type"))
                    .string_len(128)
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("data_type"))
                    .string_len(32)
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("limit")).integer().not_null())
            .col(ColumnDef::new(Alias::new("enabled")).boolean().not_null())
            .foreign_key(
                ForeignKey::create()
                    .name("fk_entitlement_license")
                    .from(Alias::new("license_entitlement"), Alias::new("license_id"))
                    .to(Alias::new("license"), Alias::new("id"))
                    .on_delete(ForeignKeyAction::Cascade),
            );
        manager.create_table(entitlement).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_entitlement_license")
                    .table(Alias::new("license_entitlement"))
                    .col(Alias::new("license_id"))
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;

        let mut account = Table::create();
        account.table(Alias::new("account")).if_not_exists();
        base_columns(&mut account)
            .col(
                ColumnDef::new(Alias::new("account_type"))
                    .string_len(32)
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("baseline_license_plan"))
                    .json_binary()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("external_subscription_id"))
                    .string_len(128)
                    .null(),
            )
            .col(ColumnDef::new(Alias::new("license_id")).uuid().null())
            .foreign_key(
                ForeignKey::create()
                    .name("fk_account_actor")
                    .from(Alias::new("account"), Alias::new("id"))
                    .to(Alias::new("actor"), Alias::new("id"))
                    .on_delete(ForeignKeyAction::Cascade),
            );
        manager.create_table(account).await
    }
}
