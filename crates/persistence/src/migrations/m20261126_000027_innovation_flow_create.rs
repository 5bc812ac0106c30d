//! Collaboration module: innovation flows. A collaboration has one flow with ordered states
//! (its profile, current state and limits); each callout is placed in one state (its
//! classification: the flow-state tagset, kept on the callout row) and the collaboration gets a
//! license of its own.

use sea_orm_migration::prelude::*;

use super::columns::base_columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn nullable_uuid(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).uuid().null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut flow = Table::create();
        flow.table(Alias::new("innovation_flow")).if_not_exists();
        base_columns(&mut flow)
            .col(ColumnDef::new(Alias::new("profile_id")).uuid().not_null())
            .col(nullable_uuid("current_state_id"))
            .col(ColumnDef::new(Alias::new("settings")).text().not_null())
            .col(
                ColumnDef::new(Alias::new("states_tagset_template_id"))
                    .uuid()
                    .not_null(),
            )
            .col(nullable_uuid("authorization_id"));
        manager.create_table(flow).await?;

        let mut state = Table::create();
        state
            .table(Alias::new("innovation_flow_state"))
            .if_not_exists();
        base_columns(&mut state)
            .col(
                ColumnDef::new(Alias::new("innovation_flow_id"))
                    .uuid()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("display_name"))
                    .string_len(128)
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("description")).text().null())
            .col(ColumnDef::new(Alias::new("settings")).text().not_null())
            .col(ColumnDef::new(Alias::new("sort_order")).double().not_null())
            .col(nullable_uuid("authorization_id"));
        manager.create_table(state).await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_innovation_flow_state_flow")
                    .table(Alias::new("innovation_flow_state"))
                    .col(Alias::new("innovation_flow_id"))
                    .to_owned(),
            )
            .await?;

        for column in ["innovation_flow_id", "license_id"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new("collaboration"))
                        .add_column(nullable_uuid(column))
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            "classification_id",
            "classification_tagset_id",
            "classification_authorization_id",
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new("callout"))
                        .add_column(nullable_uuid(column))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("callout"))
                    .add_column(
                        ColumnDef::new(Alias::new("flow_state"))
                            .string_len(128)
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }
}
