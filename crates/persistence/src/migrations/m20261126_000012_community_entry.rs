//! Community module: how actors enter a space's role set. Applications (a user asks to join),
//! invitations (an actor is asked to join), platform invitations (an e-mail address without an
//! account is asked; honoured when that person registers), and each role set's application form.
//! Rows go with their role set; applications and invitations also go with their actor.

use sea_orm_migration::prelude::*;

use super::columns::base_columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn cascade(from: &str, column: &str, to: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from}_{column}"))
        .from(Alias::new(from), Alias::new(column))
        .to(Alias::new(to), Alias::new("id"))
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

async fn index(manager: &SchemaManager<'_>, table: &str, column: &str) -> Result<(), DbErr> {
    manager
        .create_index(
            Index::create()
                .name(format!("ix_{table}_{column}"))
                .table(Alias::new(table))
                .col(Alias::new(column))
                .if_not_exists()
                .to_owned(),
        )
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("role_set"))
                    .add_column(
                        ColumnDef::new(Alias::new("application_form"))
                            .json_binary()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;

        let mut application = Table::create();
        application.table(Alias::new("application")).if_not_exists();
        base_columns(&mut application)
            .col(ColumnDef::new(Alias::new("role_set_id")).uuid().not_null())
            .col(ColumnDef::new(Alias::new("actor_id")).uuid().not_null())
            .col(ColumnDef::new(Alias::new("lifecycle_id")).uuid().not_null())
            .col(
                ColumnDef::new(Alias::new("state"))
                    .string_len(32)
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("questions"))
                    .json_binary()
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null())
            .foreign_key(&mut cascade("application", "role_set_id", "role_set"))
            .foreign_key(&mut cascade("application", "actor_id", "actor"));
        manager.create_table(application).await?;
        index(manager, "application", "role_set_id").await?;
        index(manager, "application", "actor_id").await?;

        let mut invitation = Table::create();
        invitation.table(Alias::new("invitation")).if_not_exists();
        base_columns(&mut invitation)
            .col(ColumnDef::new(Alias::new("role_set_id")).uuid().not_null())
            .col(
                ColumnDef::new(Alias::new("invited_actor_id"))
                    .uuid()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("invitee_account_id"))
                    .uuid()
                    .null(),
            )
            .col(ColumnDef::new(Alias::new("created_by")).uuid().null())
            .col(ColumnDef::new(Alias::new("welcome_message")).text().null())
            .col(
                ColumnDef::new(Alias::new("invited_to_parent"))
                    .boolean()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("extra_roles"))
                    .json_binary()
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("lifecycle_id")).uuid().not_null())
            .col(
                ColumnDef::new(Alias::new("state"))
                    .string_len(32)
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null())
            .foreign_key(&mut cascade("invitation", "role_set_id", "role_set"))
            .foreign_key(&mut cascade("invitation", "invited_actor_id", "actor"));
        manager.create_table(invitation).await?;
        index(manager, "invitation", "role_set_id").await?;
        index(manager, "invitation", "invited_actor_id").await?;

        let mut platform = Table::create();
        platform
            .table(Alias::new("platform_invitation"))
            .if_not_exists();
        base_columns(&mut platform)
            .col(ColumnDef::new(Alias::new("role_set_id")).uuid().not_null())
            .col(
                ColumnDef::new(Alias::new("email"))
                    .string_len(512)
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("first_name"))
                    .string_len(128)
                    .null(),
            )
            .col(
                ColumnDef::new(Alias::new("last_name"))
                    .string_len(128)
                    .null(),
            )
            .col(ColumnDef::new(Alias::new("created_by")).uuid().not_null())
            .col(ColumnDef::new(Alias::new("welcome_message")).text().null())
            .col(
                ColumnDef::new(Alias::new("role_set_invited_to_parent"))
                    .boolean()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("role_set_extra_roles"))
                    .json_binary()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("profile_created"))
                    .boolean()
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null())
            .foreign_key(&mut cascade(
                "platform_invitation",
                "role_set_id",
                "role_set",
            ));
        manager.create_table(platform).await?;
        index(manager, "platform_invitation", "role_set_id").await?;
        index(manager, "platform_invitation", "email").await
    }
}
