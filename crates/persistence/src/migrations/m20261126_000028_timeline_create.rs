//! Timeline module: each collaboration's timeline with its calendar of events (each event with
//! a profile and a comments room).

use sea_orm_migration::prelude::*;

use super::columns::base_columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut calendar = Table::create();
        calendar.table(Alias::new("calendar")).if_not_exists();
        base_columns(&mut calendar)
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null());
        manager.create_table(calendar).await?;

        let mut timeline = Table::create();
        timeline.table(Alias::new("timeline")).if_not_exists();
        base_columns(&mut timeline)
            .col(ColumnDef::new(Alias::new("calendar_id")).uuid().not_null())
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null());
        manager.create_table(timeline).await?;

        let mut event = Table::create();
        event.table(Alias::new("calendar_event")).if_not_exists();
        base_columns(&mut event)
            .col(ColumnDef::new(Alias::new("calendar_id")).uuid().not_null())
            .col(
                ColumnDef::new(Alias::new("name_id"))
                    .string_len(36)
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("type")).string_len(32).not_null())
            .col(ColumnDef::new(Alias::new("created_by")).uuid().null())
            .col(
                ColumnDef::new(Alias::new("start_date"))
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("whole_day")).boolean().not_null())
            .col(
                ColumnDef::new(Alias::new("multiple_days"))
                    .boolean()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("duration_minutes"))
                    .integer()
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("duration_days")).integer().null())
            .col(
                ColumnDef::new(Alias::new("visible_on_parent_calendar"))
                    .boolean()
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("profile_id")).uuid().not_null())
            .col(ColumnDef::new(Alias::new("comments_id")).uuid().not_null())
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null());
        manager.create_table(event).await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ux_calendar_event_name_id")
                    .table(Alias::new("calendar_event"))
                    .col(Alias::new("calendar_id"))
                    .col(Alias::new("name_id"))
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("collaboration"))
                    .add_column(ColumnDef::new(Alias::new("timeline_id")).uuid().null())
                    .to_owned(),
            )
            .await
    }
}
