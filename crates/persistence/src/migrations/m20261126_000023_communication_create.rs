//! Communication module: a space community's communication and its rooms, with the messages,
//! reactions and read receipts a room holds (the reference keeps these in Matrix; here they are
//! rows). `community.communication_id` points at a community's communication. Message and
//! reaction ids are the 44-character `MessageID`s clients send back; `created_us` (microseconds
//! since the epoch) orders them.

use sea_orm_migration::prelude::*;

use super::columns::base_columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn index(name: &str, table: &str, cols: &[&str]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.if_not_exists().name(name).table(Alias::new(table));
    for c in cols {
        i.col(Alias::new(*c));
    }
    i.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut room = Table::create();
        room.table(Alias::new("room")).if_not_exists();
        base_columns(&mut room)
            .col(ColumnDef::new(Alias::new("type")).string_len(32).not_null())
            .col(
                ColumnDef::new(Alias::new("display_name"))
                    .string_len(512)
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("avatar_url"))
                    .string_len(2048)
                    .null(),
            )
            .col(
                ColumnDef::new(Alias::new("messages_count"))
                    .integer()
                    .not_null()
                    .default(0),
            )
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null());
        manager.create_table(room).await?;

        let mut communication = Table::create();
        communication
            .table(Alias::new("communication"))
            .if_not_exists();
        base_columns(&mut communication)
            .col(
                ColumnDef::new(Alias::new("updates_room_id"))
                    .uuid()
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null());
        manager.create_table(communication).await?;

        manager
            .create_table(
                Table::create()
                    .table(Alias::new("message"))
                    .if_not_exists()
                    .col(
                        ColumnDef::new(Alias::new("id"))
                            .string_len(44)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Alias::new("room_id")).uuid().not_null())
                    .col(ColumnDef::new(Alias::new("sender_id")).uuid().not_null())
                    .col(ColumnDef::new(Alias::new("body")).text().not_null())
                    .col(
                        ColumnDef::new(Alias::new("thread_id"))
                            .string_len(44)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Alias::new("created_us"))
                            .big_integer()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_message_room_created",
                "message",
                &["room_id", "created_us"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Alias::new("message_reaction"))
                    .if_not_exists()
                    .col(
                        ColumnDef::new(Alias::new("id"))
                            .string_len(44)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Alias::new("message_id"))
                            .string_len(44)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Alias::new("room_id")).uuid().not_null())
                    .col(ColumnDef::new(Alias::new("sender_id")).uuid().not_null())
                    .col(
                        ColumnDef::new(Alias::new("emoji"))
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Alias::new("created_us"))
                            .big_integer()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_message_reaction_room",
                "message_reaction",
                &["room_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Alias::new("room_read_receipt"))
                    .if_not_exists()
                    .col(ColumnDef::new(Alias::new("actor_id")).uuid().not_null())
                    .col(ColumnDef::new(Alias::new("room_id")).uuid().not_null())
                    .col(
                        ColumnDef::new(Alias::new("thread_key"))
                            .string_len(44)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Alias::new("read_up_to_us"))
                            .big_integer()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(Alias::new("actor_id"))
                            .col(Alias::new("room_id"))
                            .col(Alias::new("thread_key")),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_room_read_receipt_room",
                "room_read_receipt",
                &["room_id"],
            ))
            .await?;

        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("community"))
                    .add_column(ColumnDef::new(Alias::new("communication_id")).uuid().null())
                    .to_owned(),
            )
            .await
    }
}
