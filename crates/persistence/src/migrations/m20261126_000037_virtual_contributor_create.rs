//! Virtual contributor module: virtual contributors (actors hosted by an account, answering
//! through an AI persona from a body of knowledge), their AI personas and knowledge bases;
//! innovation hubs get their curated list of virtual contributors and the platform its
//! well-known virtual contributors.

use sea_orm_migration::prelude::*;

use super::columns::{add_row_id, base_columns};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn text(name: &str, len: u32) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .string_len(len)
        .not_null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut persona = Table::create();
        persona.table(Alias::new("ai_persona")).if_not_exists();
        base_columns(&mut persona)
            .col(text("engine", 64))
            .col(
                ColumnDef::new(Alias::new("prompt"))
                    .json_binary()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("external_config"))
                    .json_binary()
                    .null(),
            )
            .col(
                ColumnDef::new(Alias::new("body_of_knowledge_last_updated"))
                    .timestamp_with_time_zone()
                    .null(),
            )
            .col(
                ColumnDef::new(Alias::new("prompt_graph"))
                    .json_binary()
                    .null(),
            )
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null());
        manager.create_table(persona).await?;

        let mut kb = Table::create();
        kb.table(Alias::new("knowledge_base")).if_not_exists();
        base_columns(&mut kb)
            .col(ColumnDef::new(Alias::new("profile_id")).uuid().null())
            .col(ColumnDef::new(Alias::new("callouts_set_id")).uuid().null())
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null());
        manager.create_table(kb).await?;

        let mut vc = Table::create();
        vc.table(Alias::new("virtual_contributor")).if_not_exists();
        base_columns(&mut vc)
            .col(ColumnDef::new(Alias::new("account_id")).uuid().null())
            .col(
                ColumnDef::new(Alias::new("settings"))
                    .json_binary()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("platform_settings"))
                    .json_binary()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("ai_persona_id"))
                    .uuid()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("body_of_knowledge_id"))
                    .string_len(128)
                    .null(),
            )
            .col(text("body_of_knowledge_type", 64))
            .col(
                ColumnDef::new(Alias::new("body_of_knowledge_description"))
                    .text()
                    .null(),
            )
            .col(
                ColumnDef::new(Alias::new("prompt_graph_definition"))
                    .json_binary()
                    .null(),
            )
            .col(
                ColumnDef::new(Alias::new("listed_in_store"))
                    .boolean()
                    .not_null(),
            )
            .col(text("search_visibility", 32))
            .col(text("data_access_mode", 64))
            .col(
                ColumnDef::new(Alias::new("interaction_modes"))
                    .json_binary()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("knowledge_base_id"))
                    .uuid()
                    .null(),
            );
        manager.create_table(vc).await?;
        add_row_id(manager, "virtual_contributor").await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_virtual_contributor_account_id")
                    .table(Alias::new("virtual_contributor"))
                    .col(Alias::new("account_id"))
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("innovation_hub"))
                    .add_column(
                        ColumnDef::new(Alias::new("virtual_contributor_list_filter"))
                            .json_binary()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("platform"))
                    .add_column(
                        ColumnDef::new(Alias::new("well_known_virtual_contributors"))
                            .json_binary()
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }
}
