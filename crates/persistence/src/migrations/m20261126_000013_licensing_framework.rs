//! Licensing module: the licensing framework with its plans and its license policy (the rules
//! mapping licensing credentials to entitlements). Seeded at start-up.

use sea_orm_migration::prelude::*;

use super::columns::base_columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut policy = Table::create();
        policy.table(Alias::new("license_policy")).if_not_exists();
        base_columns(&mut policy)
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null())
            .col(
                ColumnDef::new(Alias::new("credential_rules"))
                    .json_binary()
                    .not_null(),
            );
        manager.create_table(policy).await?;

        let mut framework = Table::create();
        framework
            .table(Alias::new("licensing_framework"))
            .if_not_exists();
        base_columns(&mut framework)
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null())
            .col(
                ColumnDef::new(Alias::new("license_policy_id"))
                    .uuid()
                    .not_null(),
            );
        manager.create_table(framework).await?;

        let mut plan = Table::create();
        plan.table(Alias::new("license_plan")).if_not_exists();
        base_columns(&mut plan)
            .col(
                ColumnDef::new(Alias::new("licensing_framework_id"))
                    .uuid()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("name"))
                    .string_len(128)
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("enabled")).boolean().not_null())
            .col(
                ColumnDef::new(Alias::new("sort_order"))
                    .integer()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("type"))
                    .string_len(128)
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("price_per_month"))
                    .double()
                    .null(),
            )
            .col(ColumnDef::new(Alias::new("is_free")).boolean().not_null())
            .col(
                ColumnDef::new(Alias::new("trial_enabled"))
                    .boolean()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("requires_payment_method"))
                    .boolean()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("requires_contact_support"))
                    .boolean()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("license_credential"))
                    .string_len(128)
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("assign_to_new_organization_accounts"))
                    .boolean()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("assign_to_new_user_accounts"))
                    .boolean()
                    .not_null(),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_license_plan_framework")
                    .from(
                        Alias::new("license_plan"),
                        Alias::new("licensing_framework_id"),
                    )
                    .to(Alias::new("licensing_framework"), Alias::new("id"))
                    .on_delete(ForeignKeyAction::Cascade),
            );
        manager.create_table(plan).await
    }
}
