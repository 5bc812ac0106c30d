//! The GraphQL layer of the server, independent of any transport and kept apart from domain
//! logic: one module per domain module (`platform`, `contributor`, `community`, …) holding its
//! GraphQL types and resolvers, which read the caller and services from the context, call one
//! service function and map the result.
//!
//! [`build_schema`] merges the root fields of every module, attaches the services resolvers
//! need and sets depth and complexity limits. The [`Api`] it returns runs each request, gives
//! every error the reference's `extensions` and logs one line per operation. [`sdl`] prints
//! the schema that `schema.graphql` at the repository root must equal.

pub mod account;
pub mod activity;
pub mod audit;
pub mod authorization;
pub mod collaboration;
pub mod collection;
pub mod communication;
pub mod community;
pub mod configuration;
pub mod content;
pub mod context;
pub mod contributor;
pub mod entry;
mod executor;
mod extensions;
pub mod forum;
pub mod innovation_hub;
pub mod library;
pub mod licensing;
pub mod loaders;
pub mod lookup;
pub mod membership;
pub mod notification;
pub mod organization;
pub mod platform;
pub mod poll;
pub mod profile;
pub mod search;
pub mod space;
pub mod storage;
pub mod task;
pub mod template;
pub mod timeline;
pub mod url_resolver;
pub mod user_settings_types;
pub mod virtual_contributor;

use std::sync::Arc;

use crate::activity::{ActivityFeedQuery, ActivityLiveEvents, ActivityQuery};
use crate::authorization::{Policies, PolicyLoader};
use crate::collaboration::{CollaborationMutation, InnovationFlowMutation};
use crate::communication::{
    CommunicationLiveEvents, CommunicationMutation, ConversationLiveEvents, ConversationMutation,
    DirectMessageMutation, NotifiedMessageMutation,
};
use crate::contributor::{ContributorMutation, ContributorQuery};
use crate::entry::EntryMutation;
use crate::innovation_hub::InnovationHubMutation;
use crate::licensing::LicensingMutation;
use crate::loaders::Loaders;
use crate::lookup::LookupQuery;
use crate::membership::RolesQuery;
use crate::notification::{NotificationLiveEvents, NotificationMutation};
use crate::organization::{OrganizationMutation, OrganizationQuery};
use crate::platform::{PlatformMutation, PlatformQuery};
use crate::profile::ProfileMutation;
use crate::space::{SpaceLiveEvents, SpaceMutation, SpaceQuery};
use crate::storage::StorageMutation;
use crate::task::TaskQuery;
use crate::url_resolver::UrlResolverQuery;
use alkemio_common::profile::ProfileService;
use alkemio_community::RoleSetService;
use alkemio_configuration::settings::GraphqlSettings;
use alkemio_contributor::{ActorService, UserService};
use alkemio_organization::OrganizationService;
use alkemio_persistence::Database;
use alkemio_platform::PlatformService;
use alkemio_storage::StorageService;
use alkemio_task::TaskService;
use async_graphql::{MergedObject, MergedSubscription, Schema, SchemaBuilder};

pub use executor::Api;
pub use extensions::{MutationFlag, OnMutation};

/// Root query: every module's query fields.
#[derive(Debug, Default, MergedObject)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    PlatformQuery,
    ContributorQuery,
    OrganizationQuery,
    LookupQuery,
    TaskQuery,
    UrlResolverQuery,
    SpaceQuery,
    RolesQuery,
    ActivityQuery,
    ActivityFeedQuery,
    crate::virtual_contributor::VirtualContributorQuery,
    crate::search::SearchQuery,
);

/// Root mutation: every module's mutations.
#[derive(Debug, Default, MergedObject)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    PlatformMutation,
    ProfileMutation,
    StorageMutation,
    ContributorMutation,
    OrganizationMutation,
    SpaceMutation,
    EntryMutation,
    LicensingMutation,
    InnovationHubMutation,
    NotificationMutation,
    CommunicationMutation,
    ConversationMutation,
    DirectMessageMutation,
    NotifiedMessageMutation,
    CollaborationMutation,
    crate::content::ContentMutations,
    crate::library::LibraryMutations,
    InnovationFlowMutation,
    crate::timeline::TimelineMutation,
);

/// Root subscription: every module's live events.
#[derive(Debug, Default, MergedSubscription)]
#[graphql(name = "Subscription")]
pub struct SubscriptionRoot(
    SpaceLiveEvents,
    NotificationLiveEvents,
    CommunicationLiveEvents,
    ConversationLiveEvents,
    ActivityLiveEvents,
    crate::collaboration::CalloutLiveEvents,
    crate::poll::PollLiveEvents,
    crate::virtual_contributor::VirtualContributorLiveEvents,
    crate::forum::ForumLiveEvents,
);

/// The server's schema type.
pub type AlkemioSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// What resolvers need at run time.
#[derive(Debug, Clone)]
pub struct SchemaServices {
    /// The database (policy loading).
    pub db: Database,
    /// Platform use cases.
    pub platform: PlatformService,
    /// Actors and credentials.
    pub actors: ActorService,
    /// Users.
    pub users: UserService,
    /// Role sets.
    pub role_sets: RoleSetService,
    /// Organizations.
    pub organizations: OrganizationService,
    /// Spaces.
    pub spaces: alkemio_space::SpaceService,
    /// Applications and invitations.
    pub entry: alkemio_space::EntryService,
    /// Plans and licenses of accounts and spaces.
    pub licenses: alkemio_space::LicenseService,
    /// Innovation hubs.
    pub hubs: alkemio_innovation_hub::InnovationHubService,
    /// Innovation packs and the library.
    pub library: alkemio_library::LibraryService,
    /// Virtual contributors.
    pub virtual_contributors: alkemio_virtual_contributor::VirtualContributorService,
    /// Polls.
    pub polls: alkemio_collaboration::poll::PollService,
    /// In-app notifications.
    pub notifications: alkemio_notification::NotificationService,
    /// Rooms and messages.
    pub communication: alkemio_communication::CommunicationService,
    /// User conversations.
    pub conversations: alkemio_communication::conversation::ConversationService,
    /// The platform's forum.
    pub forum: alkemio_platform::forum::ForumService,
    /// The audit log of critical mutations.
    pub audit: crate::audit::AuditLog,
    /// Background tasks.
    pub tasks: Arc<TaskService>,
    /// Search.
    pub search: alkemio_search::SearchService,
    /// Profiles.
    pub profiles: ProfileService,
    /// Storage.
    pub storage: StorageService,
    /// The identity provider's admin API (identities of deleted users).
    pub kratos: alkemio_authentication::kratos::KratosClient,
    /// Public base URL of the web client (for `Profile.url`).
    pub endpoint_cluster: String,
}

fn builder() -> SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot::default(),
    )
}

/// Builds the executable API over the schema (see [`Api`]).
pub fn build_schema(
    services: SchemaServices,
    limits: &GraphqlSettings,
    on_mutation: Option<Arc<dyn OnMutation>>,
) -> Api {
    let decoded = Arc::new(alkemio_authorization::PolicyCache::new(
        POLICY_CACHE_CAPACITY,
    ));
    let audit = services.audit.clone();
    Api::new(
        schema_with(&services, limits, &decoded).finish(),
        audit,
        on_mutation,
    )
}

/// Decoded policies kept between requests: a few hundred per large read, a few KiB each.
const POLICY_CACHE_CAPACITY: usize = 4096;

fn schema_with(
    services: &SchemaServices,
    limits: &GraphqlSettings,
    decoded: &Arc<alkemio_authorization::PolicyCache>,
) -> SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    let services = services.clone();
    let window = limits.batch_window;
    let policies: Policies = crate::loaders::batched(
        PolicyLoader::new(services.db.conn().clone(), decoded.clone()),
        window,
    );
    builder()
        .data(Loaders::new(&services, window))
        .data(services.clone())
        .data(services.profiles)
        .data(services.storage)
        .data(services.platform)
        .data(services.actors)
        .data(services.users)
        .data(services.role_sets)
        .data(services.organizations)
        .data(services.spaces.collaborations().clone())
        .data(services.spaces)
        .data(services.entry)
        .data(services.licenses)
        .data(services.hubs)
        .data(services.library)
        .data(services.virtual_contributors)
        .data(services.polls)
        .data(services.notifications)
        .data(services.communication)
        .data(services.conversations)
        .data(services.forum)
        .data(services.audit)
        .data(services.tasks)
        .data(services.search)
        .data(policies)
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
}

/// The schema in SDL, types and fields sorted as in the reference schema file.
pub fn sdl() -> String {
    let options = async_graphql::SDLExportOptions::new()
        .sorted_fields()
        .sorted_arguments()
        .sorted_enum_items();
    builder().finish().sdl_with_options(options)
}

#[cfg(test)]
mod tests {
    /// `schema.graphql` at the repository root is the contract file: it must be exactly what
    /// the code produces. Regenerate with `cargo run -q -- print-schema > schema.graphql`.
    #[test]
    fn committed_schema_matches_the_code() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schema.graphql");
        let committed =
            std::fs::read_to_string(path).expect("schema.graphql at the repository root");
        assert!(
            committed == super::sdl(),
            "schema.graphql is out of date: run `cargo run -q -p alkemio-server -- print-schema > schema.graphql`"
        );
    }
}
