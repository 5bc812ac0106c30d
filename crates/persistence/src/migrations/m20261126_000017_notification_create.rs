//! Notification module: in-app notifications (`in_app_notification`, the reference's table
//! and columns) and the e-mails to send (`email_delivery`), both written by the notification
//! consumer in the transaction that marks the event processed.

use sea_orm_migration::prelude::*;

use super::columns::{add_row_id, base_columns};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn cascade(column: &str, table: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_in_app_notification_{column}"))
        .from(Alias::new("in_app_notification"), Alias::new(column))
        .to(Alias::new(table), Alias::new("id"))
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let uuid = |name: &str| ColumnDef::new(Alias::new(name)).uuid().null().to_owned();
        let mut table = Table::create();
        table
            .table(Alias::new("in_app_notification"))
            .if_not_exists();
        base_columns(&mut table)
            .col(ColumnDef::new(Alias::new("type")).string_len(96).not_null())
            .col(
                ColumnDef::new(Alias::new("category"))
                    .string_len(32)
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("state"))
                    .string_len(16)
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("triggered_at"))
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .col(uuid("triggered_by_id"))
            .col(ColumnDef::new(Alias::new("receiver_id")).uuid().not_null())
            .col(ColumnDef::new(Alias::new("event_id")).uuid().null())
            .col(
                ColumnDef::new(Alias::new("payload"))
                    .json_binary()
                    .not_null(),
            )
            .col(uuid("space_id"))
            .col(uuid("organization_id"))
            .col(uuid("user_id"))
            .col(uuid("application_id"))
            .col(uuid("invitation_id"))
            .col(uuid("contributor_actor_id"))
            .foreign_key(&mut cascade("receiver_id", "user"))
            .foreign_key(&mut cascade("space_id", "space"))
            .foreign_key(&mut cascade("organization_id", "organization"))
            .foreign_key(&mut cascade("user_id", "user"))
            .foreign_key(&mut cascade("application_id", "application"))
            .foreign_key(&mut cascade("invitation_id", "invitation"))
            .foreign_key(&mut cascade("contributor_actor_id", "actor"));
        manager.create_table(table).await?;
        add_row_id(manager, "in_app_notification").await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_in_app_notification_receiver_state")
                    .table(Alias::new("in_app_notification"))
                    .col(Alias::new("receiver_id"))
                    .col(Alias::new("state"))
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        for column in [
            "space_id",
            "organization_id",
            "user_id",
            "application_id",
            "invitation_id",
            "contributor_actor_id",
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(format!("ix_in_app_notification_{column}"))
                        .table(Alias::new("in_app_notification"))
                        .col(Alias::new(column))
                        .if_not_exists()
                        .to_owned(),
                )
                .await?;
        }
        let mut email = Table::create();
        email.table(Alias::new("email_delivery")).if_not_exists();
        base_columns(&mut email)
            .col(ColumnDef::new(Alias::new("event_id")).uuid().not_null())
            .col(ColumnDef::new(Alias::new("type")).string_len(96).not_null())
            .col(
                ColumnDef::new(Alias::new("recipient"))
                    .string_len(512)
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("subject")).text().not_null())
            .col(ColumnDef::new(Alias::new("text_body")).text().not_null())
            .col(ColumnDef::new(Alias::new("html_body")).text().not_null())
            .col(
                ColumnDef::new(Alias::new("envelope"))
                    .json_binary()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("sent_date"))
                    .timestamp_with_time_zone()
                    .null(),
            )
            .col(
                ColumnDef::new(Alias::new("attempts"))
                    .integer()
                    .not_null()
                    .default(0),
            )
            .col(ColumnDef::new(Alias::new("last_error")).text().null());
        manager.create_table(email).await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_email_delivery_event_type_recipient")
                    .table(Alias::new("email_delivery"))
                    .col(Alias::new("event_id"))
                    .col(Alias::new("type"))
                    .col(Alias::new("recipient"))
                    .unique()
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }
}
