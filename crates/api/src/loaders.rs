//! DataLoaders: every child list a response needs is read in batches (one query per kind of
//! child per batch), never one query per parent.

use std::collections::HashMap;
use std::sync::Arc;

use alkemio_common::profile::{Location, Profile, ProfileService, Reference, Tagset, Visual};
use alkemio_contributor::{ActorService, ActorType};
use alkemio_kernel::AppError;
use alkemio_storage::{StorageBucket, StorageService};
use async_graphql::dataloader::{DataLoader, Loader};
use uuid::Uuid;

type LoadResult<V> = Result<HashMap<Uuid, V>, Arc<AppError>>;

fn group<T>(items: Vec<T>, key: impl Fn(&T) -> Option<Uuid>) -> HashMap<Uuid, Vec<T>> {
    let mut out: HashMap<Uuid, Vec<T>> = HashMap::new();
    for item in items {
        if let Some(k) = key(&item) {
            out.entry(k).or_default().push(item);
        }
    }
    out
}

macro_rules! loader {
    ($(#[$meta:meta])* $name:ident($service:ty) -> $value:ty, |$svc:ident, $keys:ident| $body:expr) => {
        $(#[$meta])*
        pub struct $name(pub $service);

        impl Loader<Uuid> for $name {
            type Value = $value;
            type Error = Arc<AppError>;

            async fn load(&self, keys: &[Uuid]) -> LoadResult<$value> {
                let $svc = &self.0;
                let $keys = keys;
                $body.map_err(Arc::new)
            }
        }
    };
}

loader!(
    /// Profiles by id.
    ProfileLoader(ProfileService) -> Profile,
    |s, keys| s.profiles(keys).await
);
loader!(
    /// Locations by id.
    LocationLoader(ProfileService) -> Location,
    |s, keys| s.locations(keys).await
);
loader!(
    /// Tagsets by profile id.
    TagsetsLoader(ProfileService) -> Vec<Tagset>,
    |s, keys| s.tagsets_of(keys).await.map(|v| group(v, |t| t.profile_id))
);
loader!(
    /// References by profile id.
    ReferencesLoader(ProfileService) -> Vec<Reference>,
    |s, keys| s.references_of(keys).await.map(|v| group(v, |r| r.profile_id))
);
loader!(
    /// Visuals by profile id.
    VisualsLoader(ProfileService) -> Vec<Visual>,
    |s, keys| s.visuals_of(keys).await.map(|v| group(v, |x| x.profile_id))
);
loader!(
    /// Storage buckets by id.
    BucketLoader(StorageService) -> StorageBucket,
    |s, keys| s.buckets(keys).await.map(|v| v.into_iter().map(|b| (b.id, b)).collect())
);
loader!(
    /// The actor owning a profile (for its URL), by profile id.
    ProfileOwnerLoader(ActorService) -> (ActorType, String),
    |s, keys| s.actors_by_profile(keys).await
);

loader!(
    /// Organization verifications by organization id.
    VerificationLoader(alkemio_organization::OrganizationService) -> alkemio_organization::OrganizationVerification,
    |s, keys| s.verifications_of(keys).await.map(|v| v.into_iter().map(|x| (x.organization_id, x)).collect())
);

loader!(
    /// Accounts by id.
    AccountLoader(alkemio_contributor::UserService) -> alkemio_contributor::account::Account,
    |s, keys| s.accounts(keys).await.map(|v| v.into_iter().map(|a| (a.id.0, a)).collect())
);

loader!(
    /// Role sets by id.
    RoleSetLoader(alkemio_community::RoleSetService) -> alkemio_community::RoleSet,
    |s, keys| s.many(keys).await.map(|v| v.into_iter().map(|r| (r.id.0, r)).collect())
);

loader!(
    /// The credentials held for a resource (a space, an organization, …) with their holders,
    /// by resource id.
    CredentialHoldersLoader(ActorService) -> Vec<(alkemio_authorization::Credential, alkemio_kernel::ids::ActorId)>,
    |s, keys| s.holders_by_resources(keys).await
);

loader!(
    /// Users by id.
    UserLoader(alkemio_contributor::UserService) -> alkemio_contributor::User,
    |s, keys| {
        let ids: Vec<alkemio_kernel::ids::UserId> =
            keys.iter().map(|k| alkemio_kernel::ids::UserId(*k)).collect();
        s.users(&ids).await.map(|v| v.into_iter().map(|u| (u.id.0, u)).collect())
    }
);

loader!(
    /// Organizations by id.
    OrganizationLoader(alkemio_organization::OrganizationService) -> alkemio_organization::Organization,
    |s, keys| s.many(keys).await.map(|v| v.into_iter().map(|o| (o.id.0, o)).collect())
);

loader!(
    /// Space communities by id.
    CommunityLoader(alkemio_space::SpaceService) -> alkemio_space::model::Community,
    |s, keys| s.communities(keys).await
);

loader!(
    /// Spaces by id.
    SpaceLoader(alkemio_space::SpaceService) -> alkemio_space::Space,
    |s, keys| s.many(keys).await.map(|v| v.into_iter().map(|x| (x.id.0, x)).collect())
);

loader!(
    /// Space abouts by id.
    SpaceAboutLoader(alkemio_space::SpaceService) -> alkemio_space::SpaceAbout,
    |s, keys| s.abouts(keys).await
);

loader!(
    /// The client URL path of a space, by space id.
    SpacePathLoader(alkemio_space::SpaceService) -> String,
    |s, keys| s.paths(keys).await
);

loader!(
    /// The space whose community guidelines have this profile, by profile id.
    GuidelinesSpaceLoader(alkemio_space::SpaceService) -> Uuid,
    |s, keys| s.by_guidelines_profiles(keys).await
);

loader!(
    /// The ids of a space's subspaces in display order, by parent id.
    SubspaceIdsLoader(alkemio_space::SpaceService) -> Vec<Uuid>,
    |s, keys| s.subspace_ids_of(keys).await.map(|pairs| {
        let mut out: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for (parent, child) in pairs {
            out.entry(parent).or_default().push(child);
        }
        out
    })
);

loader!(
    /// The L0 space ids of an account, by account id.
    AccountSpaceIdsLoader(alkemio_space::SpaceService) -> Vec<Uuid>,
    |s, keys| s.ids_of_accounts(keys).await.map(|pairs| {
        let mut out: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for (account, space) in pairs {
            out.entry(account).or_default().push(space);
        }
        out
    })
);

loader!(
    /// Virtual contributors by id.
    VirtualContributorLoader(alkemio_virtual_contributor::VirtualContributorService)
        -> alkemio_virtual_contributor::VirtualContributor,
    |s, keys| s.many(keys).await
);
loader!(
    /// Polls with their options and votes, by id.
    PollLoader(alkemio_collaboration::poll::PollService) -> alkemio_collaboration::poll::PollState,
    |s, keys| s.states(keys).await
);
loader!(
    /// AI personas by id.
    PersonaLoader(alkemio_virtual_contributor::VirtualContributorService)
        -> alkemio_virtual_contributor::AiPersona,
    |s, keys| s.personas(keys).await
);

loader!(
    /// Actors by id.
    ActorLoader(ActorService) -> alkemio_contributor::Actor,
    |s, keys| s.many(keys).await
);

loader!(
    /// Rooms by id.
    RoomLoader(alkemio_communication::CommunicationService) -> alkemio_communication::Room,
    |s, keys| s.rooms(keys).await
);

loader!(
    /// The messages of rooms (with reactions), oldest first, by room id.
    RoomMessagesLoader(alkemio_communication::CommunicationService) -> Vec<alkemio_communication::Message>,
    |s, keys| s.messages(keys).await
);

loader!(
    /// The virtual contributors engaged in rooms' threads, by room id.
    VcInteractionsLoader(alkemio_communication::CommunicationService) -> Vec<alkemio_communication::VcInteraction>,
    |s, keys| s.vc_interactions(keys).await
);

loader!(
    /// The newest message of rooms, by room id.
    LastMessageLoader(alkemio_communication::CommunicationService) -> alkemio_communication::Message,
    |s, keys| s.last_messages(keys).await
);

loader!(
    /// The members of conversations, by conversation id.
    ConversationMembersLoader(alkemio_communication::conversation::ConversationService) -> Vec<Uuid>,
    |s, keys| s.members(keys).await
);

/// For (reader, room) pairs: the reader's unread messages by thread key (batched per reader).
pub struct UnreadCountsLoader(pub alkemio_communication::CommunicationService);

impl Loader<(Uuid, Uuid)> for UnreadCountsLoader {
    type Value = HashMap<String, i64>;
    type Error = Arc<AppError>;

    async fn load(
        &self,
        keys: &[(Uuid, Uuid)],
    ) -> Result<HashMap<(Uuid, Uuid), Self::Value>, Self::Error> {
        let mut by_reader: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for (reader, room) in keys {
            by_reader.entry(*reader).or_default().push(*room);
        }
        let mut out = HashMap::new();
        for (reader, rooms) in by_reader {
            let found = self.0.unread(reader, &rooms).await.map_err(Arc::new)?;
            out.extend(found.into_iter().map(|(room, c)| ((reader, room), c)));
        }
        Ok(out)
    }
}

/// For (actor, role set) pairs: whether the actor, not a member there, has an open application
/// or a waiting invitation (batched per actor).
pub struct PendingEntryLoader(pub alkemio_space::EntryService);

impl Loader<(Uuid, Uuid)> for PendingEntryLoader {
    type Value = alkemio_community::entry::CommunityMembershipStatus;
    type Error = Arc<AppError>;

    async fn load(
        &self,
        keys: &[(Uuid, Uuid)],
    ) -> Result<HashMap<(Uuid, Uuid), Self::Value>, Self::Error> {
        let mut by_actor: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for (actor, set) in keys {
            by_actor.entry(*actor).or_default().push(*set);
        }
        let mut out = HashMap::new();
        for (actor, sets) in by_actor {
            let found = self
                .0
                .pending_statuses(alkemio_kernel::ids::ActorId(actor), &sets)
                .await
                .map_err(Arc::new)?;
            out.extend(found.into_iter().map(|(set, s)| ((actor, set), s)));
        }
        Ok(out)
    }
}

loader!(
    /// Callout framings by id.
    FramingLoader(alkemio_collaboration::CollaborationService) -> alkemio_collaboration::CalloutFraming,
    |s, keys| s.framings(keys).await
);

loader!(
    /// Callout contribution defaults by id.
    ContributionDefaultsLoader(alkemio_collaboration::CollaborationService) -> alkemio_collaboration::ContributionDefaults,
    |s, keys| s.contribution_defaults(keys).await
);

loader!(
    /// The contributions of callouts in display order, by callout id.
    ContributionsLoader(alkemio_collaboration::CollaborationService) -> Vec<alkemio_collaboration::Contribution>,
    |s, keys| s.contributions_of(keys).await
);

loader!(
    /// Callouts by id.
    CalloutLoader(alkemio_collaboration::CollaborationService) -> alkemio_collaboration::Callout,
    |s, keys| s.callouts(keys).await
);

loader!(
    /// Posts by id.
    PostLoader(alkemio_collaboration::CollaborationService) -> alkemio_collaboration::Post,
    |s, keys| s.posts(keys).await
);

loader!(
    /// Links by id.
    LinkLoader(alkemio_collaboration::CollaborationService) -> alkemio_collaboration::Link,
    |s, keys| s.links(keys).await
);

loader!(
    /// Whiteboards by id.
    WhiteboardLoader(alkemio_collaboration::CollaborationService) -> alkemio_collaboration::Whiteboard,
    |s, keys| s.whiteboards(keys).await
);

loader!(
    /// Media galleries by id.
    GalleryLoader(ProfileService) -> alkemio_common::profile::MediaGallery,
    |s, keys| s.galleries(keys).await
);

loader!(
    /// The visuals of media galleries by position, by gallery id.
    GalleryVisualsLoader(ProfileService) -> Vec<Visual>,
    |s, keys| s.visuals_by_gallery(keys).await
);

loader!(
    /// Memos by id.
    MemoLoader(alkemio_collaboration::CollaborationService) -> alkemio_collaboration::Memo,
    |s, keys| s.memos(keys).await
);

loader!(
    /// Office documents by id.
    CollaboraDocumentLoader(alkemio_collaboration::CollaborationService) -> alkemio_collaboration::collabora::CollaboraDocument,
    |s, keys| s.collabora_documents(keys).await
);

loader!(
    /// Whether memos are multi-user (their collaboration's license), by memo id.
    MemoMultiUserLoader(alkemio_collaboration::CollaborationService) -> bool,
    |s, keys| s.memos_multi_user(keys).await
);

loader!(
    /// Whether whiteboards are multi-user (their collaboration's license), by whiteboard id.
    WhiteboardMultiUserLoader(alkemio_collaboration::CollaborationService) -> bool,
    |s, keys| s.whiteboards_multi_user(keys).await
);

loader!(
    /// Contributions per kind, by callout id.
    ContributionCountsLoader(alkemio_collaboration::CollaborationService) -> HashMap<alkemio_collaboration::CalloutContributionType, i64>,
    |s, keys| s.contribution_counts(keys).await
);

loader!(
    /// The space owning a calendar, by calendar id.
    CalendarSpaceLoader(alkemio_space::SpaceService) -> alkemio_space::Space,
    |s, keys| s.spaces_of_calendars(keys).await
);

loader!(
    /// The space and the URL path below it of calendar event profiles, by profile id.
    EventPathLoader(alkemio_space::SpaceService) -> (Uuid, String),
    |s, keys| s.event_paths_by_profiles(keys).await
);

loader!(
    /// The states of innovation flows in order, by flow id.
    FlowStatesLoader(alkemio_collaboration::CollaborationService) -> Vec<alkemio_collaboration::innovation_flow::InnovationFlowState>,
    |s, keys| s.states_of(keys).await
);

loader!(
    /// The space and the URL path below it of callout framing and post profiles, by profile id.
    CalloutPathLoader(alkemio_space::SpaceService) -> (Uuid, String),
    |s, keys| crate::collaboration::space_and_path_of_profiles(s, keys, false).await
);

loader!(
    /// The space and the URL path below it of whiteboard and link profiles, by profile id.
    ContentPathLoader(alkemio_space::SpaceService) -> (Uuid, String),
    |s, keys| crate::collaboration::space_and_path_of_profiles(s, keys, true).await
);

/// The loaders of one schema, built with it.
pub struct Loaders {
    /// Profiles.
    pub profiles: DataLoader<ProfileLoader>,
    /// Locations.
    pub locations: DataLoader<LocationLoader>,
    /// Tagsets.
    pub tagsets: DataLoader<TagsetsLoader>,
    /// References.
    pub references: DataLoader<ReferencesLoader>,
    /// Visuals.
    pub visuals: DataLoader<VisualsLoader>,
    /// Buckets.
    pub buckets: DataLoader<BucketLoader>,
    /// Profile owners.
    pub profile_owners: DataLoader<ProfileOwnerLoader>,
    /// User settings.
    pub user_settings: DataLoader<UserSettingsLoader>,
    /// Organization verifications by organization id.
    pub verifications: DataLoader<VerificationLoader>,
    /// Accounts by id.
    pub accounts: DataLoader<AccountLoader>,
    /// Role sets (with their roles) by id.
    pub role_sets: DataLoader<RoleSetLoader>,
    /// Credential holders by resource id.
    pub credential_holders: DataLoader<CredentialHoldersLoader>,
    /// Users by id.
    pub users: DataLoader<UserLoader>,
    /// Organizations by id.
    pub organizations: DataLoader<OrganizationLoader>,
    /// Space communities by id.
    pub communities: DataLoader<CommunityLoader>,
    /// Spaces by id.
    pub spaces: DataLoader<SpaceLoader>,
    /// Space abouts by id.
    pub space_abouts: DataLoader<SpaceAboutLoader>,
    /// Space URL paths by space id.
    pub space_paths: DataLoader<SpacePathLoader>,
    /// The space of community guidelines, by their profile id.
    pub guidelines_spaces: DataLoader<GuidelinesSpaceLoader>,
    /// Subspace ids by parent id.
    pub subspace_ids: DataLoader<SubspaceIdsLoader>,
    /// L0 space ids by account id.
    pub account_spaces: DataLoader<AccountSpaceIdsLoader>,
    /// Pending applications and invitations by (actor, role set).
    pub pending_entries: DataLoader<PendingEntryLoader>,
    /// Actors by id.
    pub actors: DataLoader<ActorLoader>,
    /// Virtual contributors by id.
    pub virtual_contributors: DataLoader<VirtualContributorLoader>,
    /// AI personas by id.
    pub personas: DataLoader<PersonaLoader>,
    /// Polls by id.
    pub polls: DataLoader<PollLoader>,
    /// Rooms by id.
    pub rooms: DataLoader<RoomLoader>,
    /// Messages by room id.
    pub room_messages: DataLoader<RoomMessagesLoader>,
    /// The newest message by room id.
    pub last_messages: DataLoader<LastMessageLoader>,
    /// Virtual contributor interactions by room id.
    pub vc_interactions: DataLoader<VcInteractionsLoader>,
    /// Unread messages by (reader, room).
    pub unread_counts: DataLoader<UnreadCountsLoader>,
    /// Conversation members by conversation id.
    pub conversation_members: DataLoader<ConversationMembersLoader>,
    /// Callout framings by id.
    pub framings: DataLoader<FramingLoader>,
    /// Callout contribution defaults by id.
    pub contribution_defaults: DataLoader<ContributionDefaultsLoader>,
    /// Contributions by callout id.
    pub contributions: DataLoader<ContributionsLoader>,
    /// Posts by id.
    pub posts: DataLoader<PostLoader>,
    /// Callouts by id.
    pub callouts: DataLoader<CalloutLoader>,
    /// Links by id.
    pub links: DataLoader<LinkLoader>,
    /// Whiteboards by id.
    pub whiteboards: DataLoader<WhiteboardLoader>,
    /// Media galleries by id.
    pub galleries: DataLoader<GalleryLoader>,
    /// The visuals of media galleries, by gallery id.
    pub gallery_visuals: DataLoader<GalleryVisualsLoader>,
    /// Memos by id.
    pub memos: DataLoader<MemoLoader>,
    /// Office documents by id.
    pub collabora_documents: DataLoader<CollaboraDocumentLoader>,
    /// Whether memos are multi-user, by memo id.
    pub memos_multi_user: DataLoader<MemoMultiUserLoader>,
    /// Whether whiteboards are multi-user, by whiteboard id.
    pub whiteboards_multi_user: DataLoader<WhiteboardMultiUserLoader>,
    /// Contribution counts by callout id.
    pub contribution_counts: DataLoader<ContributionCountsLoader>,
    /// Space and path of callout framing and post profiles, by profile id.
    pub callout_paths: DataLoader<CalloutPathLoader>,
    /// Space and path of whiteboard and link profiles, by profile id.
    pub content_paths: DataLoader<ContentPathLoader>,
    /// Innovation flow states by flow id.
    pub flow_states: DataLoader<FlowStatesLoader>,
    /// The space owning a calendar, by calendar id.
    pub calendar_spaces: DataLoader<CalendarSpaceLoader>,
    /// Space and path of calendar event profiles, by profile id.
    pub event_paths: DataLoader<EventPathLoader>,
}

impl Loaders {
    /// Loaders over the services (no caching across requests: they batch only). Each collects
    /// keys for `window` before it reads them.
    pub fn new(services: &crate::SchemaServices, window: std::time::Duration) -> Self {
        let profiles = &services.profiles;
        let storage = &services.storage;
        let actors = &services.actors;
        let users = &services.users;
        let organizations = &services.organizations;
        let role_sets = &services.role_sets;
        let spaces = &services.spaces;
        let entry = &services.entry;
        let collaborations = services.spaces.collaborations();
        Self {
            profiles: batched(ProfileLoader(profiles.clone()), window),
            locations: batched(LocationLoader(profiles.clone()), window),
            tagsets: batched(TagsetsLoader(profiles.clone()), window),
            references: batched(ReferencesLoader(profiles.clone()), window),
            visuals: batched(VisualsLoader(profiles.clone()), window),
            buckets: batched(BucketLoader(storage.clone()), window),
            profile_owners: batched(ProfileOwnerLoader(actors.clone()), window),
            user_settings: batched(UserSettingsLoader(users.clone()), window),
            verifications: batched(VerificationLoader(organizations.clone()), window),
            accounts: batched(AccountLoader(users.clone()), window),
            role_sets: batched(RoleSetLoader(role_sets.clone()), window),
            credential_holders: batched(CredentialHoldersLoader(actors.clone()), window),
            users: batched(UserLoader(users.clone()), window),
            organizations: batched(OrganizationLoader(organizations.clone()), window),
            communities: batched(CommunityLoader(spaces.clone()), window),
            spaces: batched(SpaceLoader(spaces.clone()), window),
            space_abouts: batched(SpaceAboutLoader(spaces.clone()), window),
            space_paths: batched(SpacePathLoader(spaces.clone()), window),
            guidelines_spaces: batched(GuidelinesSpaceLoader(spaces.clone()), window),
            subspace_ids: batched(SubspaceIdsLoader(spaces.clone()), window),
            account_spaces: batched(AccountSpaceIdsLoader(spaces.clone()), window),
            pending_entries: batched(PendingEntryLoader(entry.clone()), window),
            actors: batched(ActorLoader(actors.clone()), window),
            virtual_contributors: batched(
                VirtualContributorLoader(services.virtual_contributors.clone()),
                window,
            ),
            personas: batched(PersonaLoader(services.virtual_contributors.clone()), window),
            polls: batched(PollLoader(services.polls.clone()), window),
            rooms: batched(RoomLoader(services.communication.clone()), window),
            room_messages: batched(RoomMessagesLoader(services.communication.clone()), window),
            last_messages: batched(LastMessageLoader(services.communication.clone()), window),
            vc_interactions: batched(VcInteractionsLoader(services.communication.clone()), window),
            unread_counts: batched(UnreadCountsLoader(services.communication.clone()), window),
            conversation_members: batched(
                ConversationMembersLoader(services.conversations.clone()),
                window,
            ),
            framings: batched(FramingLoader(collaborations.clone()), window),
            contribution_defaults: batched(
                ContributionDefaultsLoader(collaborations.clone()),
                window,
            ),
            contributions: batched(ContributionsLoader(collaborations.clone()), window),
            posts: batched(PostLoader(collaborations.clone()), window),
            callouts: batched(CalloutLoader(collaborations.clone()), window),
            links: batched(LinkLoader(collaborations.clone()), window),
            whiteboards: batched(WhiteboardLoader(collaborations.clone()), window),
            galleries: batched(GalleryLoader(profiles.clone()), window),
            gallery_visuals: batched(GalleryVisualsLoader(profiles.clone()), window),
            memos: batched(MemoLoader(collaborations.clone()), window),
            collabora_documents: batched(CollaboraDocumentLoader(collaborations.clone()), window),
            memos_multi_user: batched(MemoMultiUserLoader(collaborations.clone()), window),
            whiteboards_multi_user: batched(
                WhiteboardMultiUserLoader(collaborations.clone()),
                window,
            ),
            contribution_counts: batched(ContributionCountsLoader(collaborations.clone()), window),
            callout_paths: batched(CalloutPathLoader(spaces.clone()), window),
            content_paths: batched(ContentPathLoader(spaces.clone()), window),
            flow_states: batched(FlowStatesLoader(collaborations.clone()), window),
            calendar_spaces: batched(CalendarSpaceLoader(spaces.clone()), window),
            event_paths: batched(EventPathLoader(spaces.clone()), window),
        }
    }
}

/// A loader that collects keys for `window` and reads them in one batch (no caching: the
/// loaders are shared by the requests in flight).
pub fn batched<T: Send + Sync + 'static>(loader: T, window: std::time::Duration) -> DataLoader<T> {
    DataLoader::new(loader, tokio::spawn).delay(window)
}

/// Turns a loader error into the server's error.
pub fn loaded<T>(r: Result<T, Arc<AppError>>) -> Result<T, AppError> {
    r.map_err(|e| AppError::internal_msg(format_args!("batch load failed: {:?}", e)))
}

/// User settings by user id.
pub struct UserSettingsLoader(pub alkemio_contributor::UserService);

impl Loader<Uuid> for UserSettingsLoader {
    type Value = alkemio_contributor::UserSettings;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[Uuid]) -> LoadResult<alkemio_contributor::UserSettings> {
        self.0
            .settings_many(keys)
            .await
            .map(|v| v.into_iter().map(|s| (s.user_id.0, s)).collect())
            .map_err(Arc::new)
    }
}
