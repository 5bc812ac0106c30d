//! The schema's history: forward-only migrations, one per file, named
//! `mYYYYMMDD_HHMMSS_<module>_<what>.rs`. The module in the name owns the tables it creates.
//! They run on start-up and through `alkemio-server migrate`, on PostgreSQL and SQLite alike.

use sea_orm_migration::{MigrationTrait, MigratorTrait};

mod columns;
mod m20261126_000001_platform_create;
mod m20261126_000002_authorization_create;
mod m20261126_000003_contributor_actor_user;
mod m20261126_000004_community_role_set;
mod m20261126_000005_profile_storage;
mod m20261126_000006_contributor_user_settings;
mod m20261126_000007_account_license;
mod m20261126_000008_contributor_user_row_id;
mod m20261126_000009_organization_create;
mod m20261126_000010_organization_user_group;
mod m20261126_000011_space_create;
mod m20261126_000012_community_entry;
mod m20261126_000013_licensing_framework;
mod m20261126_000014_innovation_hub_create;
mod m20261126_000015_collaboration_create;
mod m20261126_000016_events_outbox;
mod m20261126_000017_notification_create;
mod m20261126_000018_audit_log;
mod m20261126_000019_notification_email_lease;
mod m20261126_000020_scale_indexes;
mod m20261126_000021_community_user_group;
mod m20261126_000022_activity_create;
mod m20261126_000023_communication_create;
mod m20261126_000024_conversation_create;
mod m20261126_000025_communication_indexes;
mod m20261126_000026_callouts_create;
mod m20261126_000027_innovation_flow_create;
mod m20261126_000028_timeline_create;
mod m20261126_000029_callout_content_create;
mod m20261126_000030_role_set_license;
mod m20261126_000031_memo_create;
mod m20261126_000032_media_gallery_create;
mod m20261126_000033_templates_create;
mod m20261126_000034_platform_templates;
mod m20261126_000035_flow_state_default_template;
mod m20261126_000036_library_create;
mod m20261126_000037_virtual_contributor_create;
mod m20261127_000038_vc_interaction;
mod m20261127_000039_poll;
mod m20261127_000040_template_content;
mod m20261127_000041_collabora_document;
mod m20261127_000042_forum;
mod m20261127_000043_platform_role_invitation;

/// All migrations, oldest first.
#[derive(Debug)]
pub struct Migrator;

#[sea_orm_migration::async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_platform_create::Migration),
            Box::new(m20261126_000002_authorization_create::Migration),
            Box::new(m20261126_000003_contributor_actor_user::Migration),
            Box::new(m20261126_000004_community_role_set::Migration),
            Box::new(m20261126_000005_profile_storage::Migration),
            Box::new(m20261126_000006_contributor_user_settings::Migration),
            Box::new(m20261126_000007_account_license::Migration),
            Box::new(m20261126_000008_contributor_user_row_id::Migration),
            Box::new(m20261126_000009_organization_create::Migration),
            Box::new(m20261126_000010_organization_user_group::Migration),
            Box::new(m20261126_000011_space_create::Migration),
            Box::new(m20261126_000012_community_entry::Migration),
            Box::new(m20261126_000013_licensing_framework::Migration),
            Box::new(m20261126_000014_innovation_hub_create::Migration),
            Box::new(m20261126_000015_collaboration_create::Migration),
            Box::new(m20261126_000016_events_outbox::Migration),
            Box::new(m20261126_000017_notification_create::Migration),
            Box::new(m20261126_000018_audit_log::Migration),
            Box::new(m20261126_000019_notification_email_lease::Migration),
            Box::new(m20261126_000020_scale_indexes::Migration),
            Box::new(m20261126_000021_community_user_group::Migration),
            Box::new(m20261126_000022_activity_create::Migration),
            Box::new(m20261126_000023_communication_create::Migration),
            Box::new(m20261126_000024_conversation_create::Migration),
            Box::new(m20261126_000025_communication_indexes::Migration),
            Box::new(m20261126_000026_callouts_create::Migration),
            Box::new(m20261126_000027_innovation_flow_create::Migration),
            Box::new(m20261126_000028_timeline_create::Migration),
            Box::new(m20261126_000029_callout_content_create::Migration),
            Box::new(m20261126_000030_role_set_license::Migration),
            Box::new(m20261126_000031_memo_create::Migration),
            Box::new(m20261126_000032_media_gallery_create::Migration),
            Box::new(m20261126_000033_templates_create::Migration),
            Box::new(m20261126_000034_platform_templates::Migration),
            Box::new(m20261126_000035_flow_state_default_template::Migration),
            Box::new(m20261126_000036_library_create::Migration),
            Box::new(m20261126_000037_virtual_contributor_create::Migration),
            Box::new(m20261127_000038_vc_interaction::Migration),
            Box::new(m20261127_000039_poll::Migration),
            Box::new(m20261127_000040_template_content::Migration),
            Box::new(m20261127_000041_collabora_document::Migration),
            Box::new(m20261127_000042_forum::Migration),
            Box::new(m20261127_000043_platform_role_invitation::Migration),
        ]
    }
}
