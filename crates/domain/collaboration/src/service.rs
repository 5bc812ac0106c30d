//! Collaboration use cases: collaborations with their policies, callouts, contributions and
//! posts. Each mutation checks the caller against the stored policy first, validates all of
//! its input, then writes in one transaction.

use std::collections::HashMap;

use alkemio_authorization::{
    ActorContext, AuthorizationPolicy, AuthorizationPolicyType, AuthorizationPrivilege as P,
    repo as auth_repo,
};
use alkemio_common::profile::{NewProfile, NewTagset, ProfileService, ProfileType, ProfileUpdate};
use alkemio_common::visual::VisualType;
use alkemio_communication::{Room, RoomType};
use alkemio_kernel::{AppError, AppResult, ErrorStatus};
use alkemio_persistence::Database;
use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::authorization::{
    CollaborationAccess, apply_callout_policy, apply_callouts_set_policy,
    apply_collaboration_policy, apply_comments_room_policy, apply_contribution_policy,
    apply_inherited_policy, apply_post_local_rules,
};
use crate::model::{
    Callout, CalloutAllowedActors, CalloutContributionType, CalloutFraming, CalloutFramingType,
    CalloutSettings, CalloutVisibility, CalloutsSet, CalloutsSetType, Collaboration, Contribution,
    ContributionDefaults, Post,
};
use crate::repo;

/// What the owner of a collaboration (a space) lends it: the context of its policies and the
/// storage aggregator its files go to.
#[derive(Debug, Clone, Default)]
pub struct Host {
    /// The context of the policies.
    pub access: CollaborationAccess,
    /// Where profile files go.
    pub aggregator: Option<Uuid>,
    /// The space (notifications name it).
    pub space_id: Option<Uuid>,
}

/// A new collaboration with its callouts set, innovation flow, license and their policies.
#[derive(Debug, Clone)]
pub struct NewCollaboration {
    /// The collaboration.
    pub collaboration: Collaboration,
    /// Its callouts set.
    pub set: CalloutsSet,
    /// Its innovation flow.
    pub flow: crate::innovation_flow::NewFlow,
    /// Its license.
    pub license: alkemio_licensing::License,
    /// Its timeline.
    pub timeline: alkemio_timeline::service::NewTimeline,
    /// The policies of the collaboration, set and license (the flow carries its own).
    pub policies: Vec<AuthorizationPolicy>,
}

/// A template's new collaboration: its callouts set and, for a space template's content, its
/// innovation flow.
#[derive(Debug, Clone)]
pub struct NewTemplateCollaboration {
    /// The collaboration.
    pub collaboration: Collaboration,
    /// Its callouts set.
    pub set: CalloutsSet,
    /// Its innovation flow (space templates).
    pub flow: Option<crate::innovation_flow::NewFlow>,
    /// The policies of the collaboration and set (the flow carries its own).
    pub policies: Vec<AuthorizationPolicy>,
}

/// Where a callout goes in the innovation flow, and filters by flow state.
#[derive(Debug, Clone, Default)]
pub struct ClassificationFilter {
    /// (tagset name, tags) pairs: a callout matches when its tagset of that name (only
    /// `flow-state` exists) has any of the tags, ignoring case; pairs without tags are ignored.
    pub tagsets: Vec<(String, Vec<String>)>,
}

impl ClassificationFilter {
    fn matches(&self, c: &Callout) -> bool {
        let active: Vec<&(String, Vec<String>)> =
            self.tagsets.iter().filter(|(_, t)| !t.is_empty()).collect();
        if active.is_empty() {
            return true;
        }
        let Some(state) = c
            .classification
            .as_ref()
            .and_then(|x| x.flow_state.as_ref())
        else {
            return false;
        };
        active.iter().any(|(name, tags)| {
            is_flow_state_name(name)
                && tags
                    .iter()
                    .any(|t| t.to_lowercase() == state.to_lowercase())
        })
    }
}

/// Whether a tagset name names the flow-state tagset (`flow-state`, or the enum's
/// `FLOW_STATE`).
pub fn is_flow_state_name(name: &str) -> bool {
    let n = name.to_lowercase();
    n == "flow-state" || n == "flow_state"
}

/// Changes to a callout's settings; `None` leaves a value as it is.
#[derive(Debug, Clone, Default)]
pub struct SettingsChanges {
    /// Whether contributions are accepted.
    pub contribution_enabled: Option<bool>,
    /// Which kinds are accepted (replaces the list).
    pub allowed_types: Option<Vec<CalloutContributionType>>,
    /// Who may contribute.
    pub can_add_contributions: Option<CalloutAllowedActors>,
    /// Whether contributions have comments.
    pub contribution_comments_enabled: Option<bool>,
    /// Whether the callout has comments.
    pub framing_comments_enabled: Option<bool>,
    /// Draft or published.
    pub visibility: Option<CalloutVisibility>,
    /// What a CONTRIBUTORS framing shows.
    pub framing_contributors: Option<ContributorsChange>,
    /// A collection framing's selection.
    pub framing_selection: Option<SelectionChange>,
}

/// Changes to a contributor collection's settings; `None` leaves a part as it is.
#[derive(Debug, Clone, Default)]
pub struct ContributorsChange {
    /// The kinds shown (required for a new collection).
    pub contributor_types: Option<Vec<alkemio_contributor::ActorType>>,
    /// The kind shown first.
    pub default_contributor_type: Option<alkemio_contributor::ActorType>,
    /// List or map.
    pub default_view: Option<crate::model::ContributorCollectionView>,
}

/// Changes to a collection's selection; `None` leaves a part as it is.
#[derive(Debug, Clone, Default)]
pub struct SelectionChange {
    /// AUTO or CUSTOM.
    pub mode: Option<crate::model::CalloutSelectionMode>,
    /// The chosen ids (replaces the list).
    pub selected_ids: Option<Vec<Uuid>>,
}

/// Most ids a selection holds.
pub const MAX_SELECTED_IDS: usize = 500;

/// Checks and completes a callout's framing settings for its framing kind: contributor
/// settings only (and always) on CONTRIBUTORS, at least one kind among users, organizations and
/// virtual contributors, the default kind one of them (the first otherwise), MAP only with
/// users or organizations (LIST otherwise); a selection only on CONTRIBUTORS and SPACES (AUTO
/// when absent), at most 500 distinct ids.
fn normalize_framing_settings(
    settings: &mut CalloutSettings,
    framing_type: CalloutFramingType,
) -> AppResult<()> {
    use alkemio_contributor::ActorType as T;
    let f = &mut settings.framing;
    match (framing_type, f.contributors.as_mut()) {
        (CalloutFramingType::Contributors, None) => {
            return Err(AppError::bad_input(
                "A CONTRIBUTORS framing needs its contributors settings",
            ));
        }
        (CalloutFramingType::Contributors, Some(c)) => {
            if c.contributor_types.is_empty() {
                return Err(AppError::bad_input(
                    "A contributor collection shows at least one kind of contributor",
                ));
            }
            if let Some(t) = c
                .contributor_types
                .iter()
                .find(|t| !matches!(t, T::User | T::Organization | T::VirtualContributor))
            {
                return Err(AppError::bad_input(format!(
                    "A contributor collection cannot show actors of type {}",
                    t.as_str()
                )));
            }
            let mut seen = Vec::new();
            c.contributor_types.retain(|t| {
                let fresh = !seen.contains(t);
                seen.push(*t);
                fresh
            });
            if !c.contributor_types.contains(&c.default_contributor_type) {
                c.default_contributor_type = c.contributor_types[0];
            }
            if c.default_view == crate::model::ContributorCollectionView::Map
                && !c
                    .contributor_types
                    .iter()
                    .any(|t| matches!(t, T::User | T::Organization))
            {
                c.default_view = crate::model::ContributorCollectionView::List;
            }
        }
        (_, Some(_)) => {
            return Err(AppError::bad_input(
                "Contributors settings are only for a CONTRIBUTORS framing",
            ));
        }
        (_, None) => {}
    }
    let collection = matches!(
        framing_type,
        CalloutFramingType::Contributors | CalloutFramingType::Spaces
    );
    match f.selection.as_mut() {
        Some(_) if !collection => {
            return Err(AppError::bad_input(
                "A selection is only for a CONTRIBUTORS or SPACES framing",
            ));
        }
        Some(sel) => {
            let mut seen = Vec::new();
            sel.selected_ids.retain(|id| {
                let fresh = !seen.contains(id);
                seen.push(*id);
                fresh
            });
            if sel.selected_ids.len() > MAX_SELECTED_IDS {
                return Err(AppError::bad_input(format!(
                    "A selection holds at most {MAX_SELECTED_IDS} ids"
                )));
            }
        }
        None if collection => {
            f.selection = Some(crate::model::SelectionSettings {
                mode: crate::model::CalloutSelectionMode::Auto,
                selected_ids: Vec::new(),
            });
        }
        None => {}
    }
    Ok(())
}

impl SettingsChanges {
    fn apply(self, s: &mut CalloutSettings) {
        if let Some(c) = self.framing_contributors {
            let current = s.framing.contributors.take();
            let types = c
                .contributor_types
                .or_else(|| current.as_ref().map(|x| x.contributor_types.clone()))
                .unwrap_or_default();
            s.framing.contributors = Some(crate::model::ContributorsSettings {
                default_contributor_type: c
                    .default_contributor_type
                    .or(current.as_ref().map(|x| x.default_contributor_type))
                    .or(types.first().copied())
                    .unwrap_or(alkemio_contributor::ActorType::User),
                default_view: c
                    .default_view
                    .or(current.as_ref().map(|x| x.default_view))
                    .unwrap_or(crate::model::ContributorCollectionView::List),
                contributor_types: types,
            });
        }
        if let Some(c) = self.framing_selection {
            let current = s.framing.selection.take();
            s.framing.selection = Some(crate::model::SelectionSettings {
                mode: c
                    .mode
                    .or(current.as_ref().map(|x| x.mode))
                    .unwrap_or(crate::model::CalloutSelectionMode::Auto),
                selected_ids: c
                    .selected_ids
                    .or(current.map(|x| x.selected_ids))
                    .unwrap_or_default(),
            });
        }
        if let Some(v) = self.contribution_enabled {
            s.contribution.enabled = v;
        }
        if let Some(v) = self.allowed_types {
            s.contribution.allowed_types = v;
        }
        if let Some(v) = self.can_add_contributions {
            s.contribution.can_add_contributions = v;
        }
        if let Some(v) = self.contribution_comments_enabled {
            s.contribution.comments_enabled = v;
        }
        if let Some(v) = self.framing_comments_enabled {
            s.framing.comments_enabled = v;
        }
        if let Some(v) = self.visibility {
            s.visibility = v;
        }
    }
}

/// A new post.
#[derive(Debug, Clone, Default)]
pub struct NewPost {
    /// Its NameID (generated from its display name when absent).
    pub name_id: Option<String>,
    /// Its profile.
    pub profile: NewProfile,
    /// Tags for its default tagset.
    pub tags: Vec<String>,
}

/// A new contribution.
#[derive(Debug, Clone)]
pub struct NewContribution {
    /// Its kind.
    pub contribution_type: CalloutContributionType,
    /// Its post, for a POST contribution.
    pub post: Option<NewPost>,
    /// Its link, for a LINK contribution.
    pub link: Option<crate::content::NewLink>,
    /// Its whiteboard, for a WHITEBOARD contribution.
    pub whiteboard: Option<crate::content::NewWhiteboard>,
    /// Its memo, for a MEMO contribution.
    pub memo: Option<crate::content::NewMemo>,
    /// Its office document, for a COLLABORA_DOCUMENT contribution.
    pub collabora: Option<crate::collabora::NewCollaboraDocument>,
    /// Whether data of other kinds was given too.
    pub other_data: bool,
    /// Its position (before the others when absent).
    pub sort_order: Option<f64>,
}

/// Checks that a contribution is of a kind the callout accepts and carries the data of its
/// kind and no other.
fn check_contribution_shape(
    new: &NewContribution,
    allowed: &[CalloutContributionType],
) -> AppResult<()> {
    if !allowed.contains(&new.contribution_type) {
        return Err(AppError::bad_input(format!(
            "Attempted to create a contribution of type '{}', which is not in the allowed types: {}",
            new.contribution_type.graphql_name(),
            allowed
                .iter()
                .map(|t| t.graphql_name())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let given = [
        (CalloutContributionType::Post, new.post.is_some()),
        (CalloutContributionType::Link, new.link.is_some()),
        (
            CalloutContributionType::Whiteboard,
            new.whiteboard.is_some(),
        ),
        (CalloutContributionType::Memo, new.memo.is_some()),
        (
            CalloutContributionType::CollaboraDocument,
            new.collabora.is_some(),
        ),
    ];
    let kind = new.contribution_type.graphql_name();
    match given.iter().find(|(t, _)| *t == new.contribution_type) {
        Some((_, true)) => {}
        Some((_, false)) => {
            return Err(AppError::bad_input(format!(
                "CalloutContribution type is \"{kind}\" but no {} data was provided",
                kind.to_lowercase()
            )));
        }
        None => {
            return Err(AppError::new(
                ErrorStatus::NotSupported,
                format!("Contributions of type {kind} are not supported by this server yet"),
            ));
        }
    }
    if new.other_data
        || given
            .iter()
            .any(|(t, present)| *present && *t != new.contribution_type)
    {
        return Err(AppError::bad_input(format!(
            "CalloutContribution type is \"{kind}\" but data of another kind was provided"
        )));
    }
    Ok(())
}

/// Checks a new callout's framing: a kind this server holds content for, with the data of
/// its kind and no other.
fn check_framing_shape(c: &NewCallout) -> AppResult<()> {
    let t = c.framing_type.unwrap_or(CalloutFramingType::None);
    let given = [
        (CalloutFramingType::Link, c.link.is_some()),
        (CalloutFramingType::Whiteboard, c.whiteboard.is_some()),
        (CalloutFramingType::Memo, c.memo.is_some()),
        (CalloutFramingType::Poll, c.poll.is_some()),
        (CalloutFramingType::CollaboraDocument, c.collabora.is_some()),
    ];
    if let Some((_, false)) = given.iter().find(|(kind, _)| *kind == t) {
        return Err(AppError::bad_input(format!(
            "Callout Framing of type {} requires {} data",
            t.graphql_name(),
            t.graphql_name().to_lowercase()
        )));
    }
    if given.iter().any(|(kind, present)| *present && *kind != t) {
        return Err(AppError::bad_input(format!(
            "Callout Framing of type {} was given data of another type",
            t.graphql_name()
        )));
    }
    Ok(())
}

/// A new callout.
#[derive(Debug, Clone)]
pub struct NewCallout {
    /// Its NameID (generated from its display name when absent).
    pub name_id: Option<String>,
    /// The framing's kind (NONE when absent).
    pub framing_type: Option<CalloutFramingType>,
    /// The framing's profile.
    pub profile: NewProfile,
    /// Tags for the framing profile's default tagset.
    pub tags: Vec<String>,
    /// Settings over the defaults.
    pub settings: SettingsChanges,
    /// The settings to start from instead of the defaults (a copied callout's).
    pub base_settings: Option<CalloutSettings>,
    /// A display name offered to contributors.
    pub default_display_name: Option<String>,
    /// A post description offered to contributors.
    pub post_description: Option<String>,
    /// Its position (before the others when absent or 0).
    pub sort_order: Option<f64>,
    /// The framing's link, for a LINK framing.
    pub link: Option<crate::content::NewLink>,
    /// The framing's whiteboard, for a WHITEBOARD framing.
    pub whiteboard: Option<crate::content::NewWhiteboard>,
    /// The framing's memo, for a MEMO framing.
    pub memo: Option<crate::content::NewMemo>,
    /// The framing's poll, for a POLL framing.
    pub poll: Option<crate::poll::NewPoll>,
    /// The framing's office document, for a COLLABORA_DOCUMENT framing.
    pub collabora: Option<crate::collabora::NewCollaboraDocument>,
    /// Whiteboard content new whiteboard contributions start from.
    pub default_whiteboard_content: Option<String>,
    /// Contributions made with it.
    pub contributions: Vec<NewContribution>,
    /// Whether publishing it notifies the space's members.
    pub send_notification: bool,
    /// Its classification: (tagset name, tags) pairs; the flow-state tagset's one tag places
    /// it in that state (the flow's current state when absent).
    pub classification: Vec<(String, Vec<String>)>,
}

/// Changes to a callout; `None` leaves a part as it is.
#[derive(Debug, Clone, Default)]
pub struct CalloutChanges {
    /// A new NameID (unique in its set; the reference accepts and ignores it).
    pub name_id: Option<String>,
    /// The framing profile.
    pub profile: Option<ProfileUpdate>,
    /// The settings.
    pub settings: SettingsChanges,
    /// New contribution defaults: (display name, post description).
    pub defaults: Option<(Option<String>, Option<String>)>,
    /// New whiteboard content for new whiteboard contributions to start from.
    pub default_whiteboard_content: Option<String>,
    /// Changes to the framing's kind and content.
    pub framing: crate::content::FramingChanges,
    /// Its position (0 leaves it, as in the reference).
    pub sort_order: Option<f64>,
    /// New tags of its classification's tagsets, by tagset id.
    pub classification: Vec<(Uuid, Vec<String>)>,
    /// Whether publishing it (from a draft) notifies the space's members.
    pub send_notification: bool,
}

/// Filters of a callouts set's callout list.
#[derive(Debug, Clone, Default)]
pub struct CalloutFilter {
    /// Only these, in this order (unknown ids fail).
    pub ids: Option<Vec<Uuid>>,
    /// Only callouts accepting any of these kinds.
    pub with_contribution_types: Option<Vec<CalloutContributionType>>,
    /// Only callouts whose framing or posts carry any of these tags (case-sensitive).
    pub with_tags: Option<Vec<String>>,
    /// At most this many.
    pub limit: Option<usize>,
    /// In random order.
    pub shuffle: bool,
    /// Only callouts in these flow states.
    pub classification: ClassificationFilter,
}

pub(crate) fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

fn check_name_id(name_id: &str) -> AppResult<String> {
    alkemio_kernel::scalars::NameId::parse(name_id.trim())
        .map(|n| n.into_inner())
        .map_err(AppError::bad_input)
}

fn unique_name(base: &str, taken: &[String]) -> String {
    alkemio_contributor::name_id::generate_unique(base, |n| taken.iter().any(|t| t == n))
}

fn room(
    room_type: RoomType,
    name: String,
    policy: &AuthorizationPolicy,
    at: DateTime<Utc>,
) -> Room {
    Room {
        id: Uuid::now_v7(),
        room_type,
        display_name: name,
        avatar_url: None,
        messages_count: 0,
        authorization_id: Some(policy.id),
        created_date: at,
        updated_date: at,
    }
}

/// Puts `tags` into the profile's default tagset (made when missing).
fn add_default_tags(profile: &mut NewProfile, tags: Vec<String>) {
    match profile.tagsets.iter_mut().find(|t| t.name == "default") {
        Some(t) => t.tags.extend(tags),
        None => profile.tagsets.push(NewTagset {
            name: "default".to_owned(),
            tags,
        }),
    }
}

fn shuffle<T>(items: &mut [T]) {
    for i in (1..items.len()).rev() {
        let j = (Uuid::new_v4().as_u128() % (i as u128 + 1)) as usize;
        items.swap(i, j);
    }
}

/// An activity description: `[display name] - description`.
pub(crate) fn summary(display_name: &str, description: Option<&str>) -> String {
    format!("[{display_name}] - {}", description.unwrap_or_default())
}

/// The one tag of a flow-state tagset, which must name a state.
fn flow_state_value(
    tags: &[String],
    states: &[crate::innovation_flow::InnovationFlowState],
) -> AppResult<String> {
    let [tag] = tags else {
        return Err(AppError::bad_input(
            "Tags array length should be exactly one",
        ));
    };
    states
        .iter()
        .find(|s| s.display_name == *tag)
        .map(|s| s.display_name.clone())
        .ok_or_else(|| {
            AppError::bad_input(format!("'{tag}' is not a state of the innovation flow"))
        })
}

/// Collaborations, callouts, contributions and posts.
#[derive(Debug, Clone)]
pub struct CollaborationService {
    pub(crate) db: Database,
    pub(crate) profiles: ProfileService,
    timelines: alkemio_timeline::TimelineService,
    outbox: alkemio_events::Outbox,
    posts_created: tokio::sync::broadcast::Sender<PostCreated>,
}

/// A post contributed to a callout (a live event, sent once the post is stored).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PostCreated {
    /// The callout.
    pub callout_id: Uuid,
    /// The contribution.
    pub contribution_id: Uuid,
    /// The post.
    pub post_id: Uuid,
    /// The contribution's position.
    pub sort_order: f64,
}

/// A staged callout with what announcing it needs.
struct StagedCallout {
    callout: Callout,
    display_name: String,
    description: Option<String>,
    published: bool,
    send_notification: bool,
}

/// Everything created with a callout or a contribution, ready to be stored together.
#[derive(Default)]
pub(crate) struct Staged {
    pub(crate) callouts: Vec<(Callout, CalloutFraming, ContributionDefaults)>,
    pub(crate) contributions: Vec<(Contribution, Option<Post>)>,
    pub(crate) links: Vec<crate::model::Link>,
    pub(crate) whiteboards: Vec<crate::model::Whiteboard>,
    pub(crate) memos: Vec<crate::model::Memo>,
    pub(crate) galleries: Vec<(
        alkemio_common::profile::MediaGallery,
        alkemio_storage::StorageBucket,
    )>,
    pub(crate) profiles: Vec<alkemio_common::profile::ProfileBundle>,
    pub(crate) rooms: Vec<Room>,
    pub(crate) polls: Vec<crate::poll::PollState>,
    pub(crate) documents: Vec<alkemio_storage::Document>,
    pub(crate) collabora: Vec<crate::collabora::CollaboraDocument>,
    pub(crate) policies: Vec<AuthorizationPolicy>,
}

impl CollaborationService {
    /// A service over the database, storing profiles through `profiles`.
    pub fn new(db: Database, profiles: ProfileService, outbox: alkemio_events::Outbox) -> Self {
        let timelines = alkemio_timeline::TimelineService::new(db.clone(), profiles.clone());
        Self {
            db,
            profiles,
            timelines,
            outbox,
            posts_created: tokio::sync::broadcast::channel(256).0,
        }
    }

    /// Posts contributed from now on (a slow receiver misses the oldest when 256 wait).
    pub fn posts_created(&self) -> tokio::sync::broadcast::Receiver<PostCreated> {
        self.posts_created.subscribe()
    }

    /// The timeline service (calendars and events).
    pub fn timelines(&self) -> &alkemio_timeline::TimelineService {
        &self.timelines
    }

    /// The collaborations owning timelines, by timeline id.
    pub async fn collaborations_of_timelines(
        &self,
        timelines: &[Uuid],
    ) -> AppResult<HashMap<Uuid, Collaboration>> {
        repo::collaborations_of_timelines(self.db.conn(), timelines).await
    }

    /// A new collaboration with its callouts set, the default innovation flow of a space at
    /// level 0 (`level_zero`) or below, and a license with `flags` (copied from the space's),
    /// their policies computed from the space's.
    #[allow(clippy::too_many_arguments)]
    pub fn build(
        &self,
        space: &AuthorizationPolicy,
        access: &CollaborationAccess,
        level_zero: bool,
        aggregator: Option<Uuid>,
        flags: &[(alkemio_licensing::LicenseEntitlementType, i32, bool)],
        at: DateTime<Utc>,
        flow: Option<crate::innovation_flow::FlowInput>,
    ) -> AppResult<NewCollaboration> {
        let mut cp = auth_repo::new_policy(AuthorizationPolicyType::Collaboration);
        apply_collaboration_policy(&mut cp, space, access);
        let mut sp = auth_repo::new_policy(AuthorizationPolicyType::CalloutsSet);
        apply_callouts_set_policy(&mut sp, &cp, access);
        let flow = self.build_flow(&cp, level_zero, aggregator, at, flow)?;
        let timeline = alkemio_timeline::TimelineService::build(&cp, at);
        let (license, lp) = alkemio_licensing::new_collaboration_license(&cp, flags);
        let set = CalloutsSet {
            id: Uuid::now_v7(),
            set_type: CalloutsSetType::Collaboration,
            authorization_id: Some(sp.id),
            created_date: at,
            updated_date: at,
        };
        Ok(NewCollaboration {
            collaboration: Collaboration {
                id: Uuid::now_v7(),
                callouts_set_id: set.id,
                is_template: false,
                innovation_flow_id: Some(flow.flow.id),
                license_id: Some(license.id),
                timeline_id: Some(timeline.timeline.id),
                authorization_id: Some(cp.id),
                created_date: at,
                updated_date: at,
            },
            set,
            flow,
            license,
            timeline,
            policies: vec![cp, sp, lp],
        })
    }

    /// A new collaboration of a template (a callout template's, or a space template's content
    /// with its innovation flow, `flow` given as `(input, level zero)`): no license, no
    /// timeline, no community roles; its policies inherit the template's. Nothing is stored.
    pub fn build_template(
        &self,
        template: &AuthorizationPolicy,
        flow: Option<(Option<crate::innovation_flow::FlowInput>, bool)>,
        aggregator: Option<Uuid>,
        at: DateTime<Utc>,
    ) -> AppResult<NewTemplateCollaboration> {
        let access = CollaborationAccess::default();
        let mut cp = auth_repo::new_policy(AuthorizationPolicyType::Collaboration);
        apply_collaboration_policy(&mut cp, template, &access);
        let mut sp = auth_repo::new_policy(AuthorizationPolicyType::CalloutsSet);
        apply_callouts_set_policy(&mut sp, &cp, &access);
        let flow = match flow {
            Some((input, level_zero)) => {
                Some(self.build_flow(&cp, level_zero, aggregator, at, input)?)
            }
            None => None,
        };
        let set = CalloutsSet {
            id: Uuid::now_v7(),
            set_type: CalloutsSetType::Collaboration,
            authorization_id: Some(sp.id),
            created_date: at,
            updated_date: at,
        };
        Ok(NewTemplateCollaboration {
            collaboration: Collaboration {
                id: Uuid::now_v7(),
                callouts_set_id: set.id,
                is_template: true,
                innovation_flow_id: flow.as_ref().map(|f| f.flow.id),
                license_id: None,
                timeline_id: None,
                authorization_id: Some(cp.id),
                created_date: at,
                updated_date: at,
            },
            set,
            flow,
            policies: vec![cp, sp],
        })
    }

    /// Stores a template's new collaboration inside the caller's transaction (the policies in
    /// `policies` and the flow's are the caller's to save).
    pub async fn insert_template_in(
        &self,
        conn: &impl ConnectionTrait,
        new: &NewTemplateCollaboration,
    ) -> AppResult<()> {
        if let Some(flow) = &new.flow {
            self.insert_flow_in(conn, flow).await?;
        }
        repo::insert_collaboration(conn, &new.collaboration, &new.set).await
    }

    /// Stores a new collaboration inside the caller's transaction, with its flow and license
    /// (the policies in `policies` are the caller's to save).
    pub async fn insert_in(
        &self,
        conn: &impl ConnectionTrait,
        new: &NewCollaboration,
    ) -> AppResult<()> {
        alkemio_licensing::insert_license(conn, &new.license).await?;
        self.insert_flow_in(conn, &new.flow).await?;
        alkemio_timeline::TimelineService::insert_in(conn, &new.timeline).await?;
        repo::insert_collaboration(conn, &new.collaboration, &new.set).await
    }

    /// Gives a collaboration made before flows and licenses existed what it lacks, inside the
    /// caller's transaction; its policies follow with the space's next recompute.
    pub async fn add_parts_in(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
        flow: Option<&crate::innovation_flow::NewFlow>,
        license: Option<&alkemio_licensing::License>,
        timeline: Option<&alkemio_timeline::service::NewTimeline>,
    ) -> AppResult<()> {
        let c = repo::collaborations(conn, &[id])
            .await?
            .remove(&id)
            .ok_or_else(|| AppError::internal_msg(format_args!("collaboration {id} missing")))?;
        if let Some(f) = flow {
            self.insert_flow_in(conn, f).await?;
        }
        if let Some(l) = license {
            alkemio_licensing::insert_license(conn, l).await?;
        }
        if let Some(t) = timeline {
            alkemio_timeline::TimelineService::insert_in(conn, t).await?;
        }
        repo::set_collaboration_parts(
            conn,
            id,
            flow.map(|f| f.flow.id).or(c.innovation_flow_id),
            license.map(|l| l.id).or(c.license_id),
            timeline.map(|t| t.timeline.id).or(c.timeline_id),
        )
        .await
    }

    /// Collaborations without a flow or license.
    pub async fn without_parts(&self) -> AppResult<Vec<Uuid>> {
        repo::collaborations_without_parts(self.db.conn()).await
    }

    /// Sets the flags of collaborations' licenses (after their space's license changed).
    pub async fn set_license_flags_in(
        conn: &impl ConnectionTrait,
        license: Uuid,
        flags: &[(alkemio_licensing::LicenseEntitlementType, i32, bool)],
    ) -> AppResult<()> {
        alkemio_licensing::set_entitlements(conn, license, flags).await
    }

    pub(crate) fn profiles(&self) -> &ProfileService {
        &self.profiles
    }

    pub(crate) fn conn(&self) -> &sea_orm::DatabaseConnection {
        self.db.conn()
    }

    pub(crate) async fn begin(&self) -> Result<sea_orm::DatabaseTransaction, sea_orm::DbErr> {
        self.db.begin().await
    }

    /// The policies of a collaboration and everything in it recomputed from the space's;
    /// policies never computed (collaborations made before callouts existed) are created.
    pub async fn recompute_policies(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
        space: &AuthorizationPolicy,
        access: &CollaborationAccess,
    ) -> AppResult<Vec<AuthorizationPolicy>> {
        let Some(mut c) = repo::collaborations(conn, &[id]).await?.remove(&id) else {
            return Ok(Vec::new());
        };
        let set = repo::callouts_sets(conn, &[c.callouts_set_id])
            .await?
            .remove(&c.callouts_set_id);
        let ids: Vec<Uuid> = c
            .authorization_id
            .into_iter()
            .chain(set.and_then(|s| s.authorization_id))
            .collect();
        let stored = auth_repo::load_many(conn, &ids).await?;
        let load = |id: Option<Uuid>, ty| match id.and_then(|id| stored.get(&id)) {
            Some(s) => s.policy.clone(),
            None => AuthorizationPolicy::new(id.unwrap_or_else(Uuid::now_v7), ty),
        };
        let mut cp = load(c.authorization_id, AuthorizationPolicyType::Collaboration);
        apply_collaboration_policy(&mut cp, space, access);
        let mut sp = load(
            set.and_then(|s| s.authorization_id),
            AuthorizationPolicyType::CalloutsSet,
        );
        apply_callouts_set_policy(&mut sp, &cp, access);
        if c.authorization_id != Some(cp.id) || set.and_then(|s| s.authorization_id) != Some(sp.id)
        {
            c.authorization_id = Some(cp.id);
            repo::set_collaboration_policies(conn, &c, sp.id).await?;
        }
        let mut out = Vec::new();
        if let Some(flow) = c.innovation_flow_id {
            out.extend(self.flow_policies(conn, flow, &cp).await?);
        }
        if let Some(timeline) = c.timeline_id {
            out.extend(
                self.timelines
                    .recompute_policies(conn, timeline, &cp)
                    .await?,
            );
        }
        if let Some(license) = c.license_id
            && let Some(l) = alkemio_licensing::licenses(conn, &[license])
                .await?
                .remove(&license)
        {
            let mut lp =
                auth_repo::load_or_new(conn, l.authorization_id, AuthorizationPolicyType::License)
                    .await?;
            lp.inherit_from(&cp);
            out.push(lp);
        }
        for callout in repo::callouts_of_sets(conn, &[c.callouts_set_id]).await? {
            out.extend(self.callout_policies(conn, &callout, &cp, access).await?);
        }
        out.push(cp);
        out.push(sp);
        Ok(out)
    }

    /// The recomputed policies of a callout and everything in it.
    async fn callout_policies(
        &self,
        conn: &impl ConnectionTrait,
        callout: &Callout,
        collaboration: &AuthorizationPolicy,
        access: &CollaborationAccess,
    ) -> AppResult<Vec<AuthorizationPolicy>> {
        let framing = repo::framings(conn, &[callout.framing_id])
            .await?
            .remove(&callout.framing_id);
        let contributions = repo::contributions_of(conn, &[callout.id]).await?;
        let posts = repo::posts(
            conn,
            &contributions
                .iter()
                .filter_map(|c| c.post_id)
                .collect::<Vec<_>>(),
        )
        .await?;
        let mut room_ids: Vec<Uuid> = callout.comments_id.into_iter().collect();
        room_ids.extend(posts.values().map(|p| p.comments_id));
        let rooms = alkemio_communication::repo::rooms(conn, &room_ids).await?;
        let ids: Vec<Uuid> = callout
            .authorization_id
            .into_iter()
            .chain(framing.as_ref().and_then(|f| f.authorization_id))
            .chain(contributions.iter().filter_map(|c| c.authorization_id))
            .chain(posts.values().filter_map(|p| p.authorization_id))
            .chain(rooms.values().filter_map(|r| r.authorization_id))
            .collect();
        let stored = auth_repo::load_many(conn, &ids).await?;
        let load = |id: Option<Uuid>, ty| match id.and_then(|id| stored.get(&id)) {
            Some(s) => s.policy.clone(),
            None => AuthorizationPolicy::new(id.unwrap_or_else(Uuid::now_v7), ty),
        };
        let mut policy = load(callout.authorization_id, AuthorizationPolicyType::Callout);
        apply_callout_policy(&mut policy, collaboration, callout, access);
        let mut out = Vec::new();
        if let Some(x) = &callout.classification {
            let mut xp = auth_repo::load_or_new(
                conn,
                x.authorization_id,
                AuthorizationPolicyType::Classification,
            )
            .await?;
            apply_inherited_policy(&mut xp, &policy);
            out.push(xp);
        }
        let link_ids: Vec<Uuid> = framing
            .iter()
            .filter_map(|f| f.link_id)
            .chain(contributions.iter().filter_map(|c| c.link_id))
            .collect();
        let links = repo::links(conn, &link_ids).await?;
        let board_ids: Vec<Uuid> = framing
            .iter()
            .filter_map(|f| f.whiteboard_id)
            .chain(contributions.iter().filter_map(|c| c.whiteboard_id))
            .collect();
        let boards = repo::whiteboards(conn, &board_ids).await?;
        let memo_ids: Vec<Uuid> = framing
            .iter()
            .filter_map(|f| f.memo_id)
            .chain(contributions.iter().filter_map(|c| c.memo_id))
            .collect();
        let memos = repo::memos(conn, &memo_ids).await?;
        let document_ids: Vec<Uuid> = framing
            .iter()
            .filter_map(|f| f.collabora_document_id)
            .chain(contributions.iter().filter_map(|c| c.collabora_document_id))
            .collect();
        let documents = repo::collabora_documents(conn, &document_ids).await?;
        if let Some(f) = &framing {
            let mut fp = load(f.authorization_id, AuthorizationPolicyType::CalloutFraming);
            apply_inherited_policy(&mut fp, &policy);
            out.extend(
                self.profiles
                    .recompute_policies(conn, f.profile_id, &fp)
                    .await?,
            );
            if let Some(l) = f.link_id.and_then(|id| links.get(&id)) {
                out.extend(self.link_policies(conn, l, &fp, None).await?);
            }
            if let Some(w) = f.whiteboard_id.and_then(|id| boards.get(&id)) {
                out.extend(self.whiteboard_policies(conn, w, &fp, access).await?);
            }
            if let Some(m) = f.memo_id.and_then(|id| memos.get(&id)) {
                out.extend(self.memo_policies(conn, m, &fp).await?);
            }
            if let Some(g) = f.media_gallery_id {
                out.extend(
                    self.profiles
                        .recompute_gallery_policies(conn, g, &fp)
                        .await?,
                );
            }
            if let Some(p) = f.poll_id {
                out.extend(crate::poll::recompute_policy(conn, p, &fp).await?);
            }
            if let Some(d) = f.collabora_document_id.and_then(|id| documents.get(&id)) {
                out.extend(self.collabora_policies(conn, d, &fp).await?);
            }
            out.push(fp);
        }
        if let Some(r) = callout.comments_id.and_then(|id| rooms.get(&id)) {
            let mut rp = load(r.authorization_id, AuthorizationPolicyType::Room);
            apply_comments_room_policy(&mut rp, &policy);
            out.push(rp);
        }
        for c in &contributions {
            let mut kp = load(
                c.authorization_id,
                AuthorizationPolicyType::CalloutContribution,
            );
            apply_contribution_policy(&mut kp, &policy, c.created_by, access);
            if let Some(l) = c.link_id.and_then(|id| links.get(&id)) {
                out.extend(self.link_policies(conn, l, &kp, c.created_by).await?);
            }
            if let Some(w) = c.whiteboard_id.and_then(|id| boards.get(&id)) {
                out.extend(self.whiteboard_policies(conn, w, &kp, access).await?);
            }
            if let Some(m) = c.memo_id.and_then(|id| memos.get(&id)) {
                out.extend(self.memo_policies(conn, m, &kp).await?);
            }
            if let Some(d) = c.collabora_document_id.and_then(|id| documents.get(&id)) {
                out.extend(self.collabora_policies(conn, d, &kp).await?);
            }
            if let Some(p) = c.post_id.and_then(|id| posts.get(&id)) {
                let mut pp = load(p.authorization_id, AuthorizationPolicyType::Post);
                apply_inherited_policy(&mut pp, &kp);
                if let Some(r) = rooms.get(&p.comments_id) {
                    let mut rp = load(r.authorization_id, AuthorizationPolicyType::Room);
                    apply_comments_room_policy(&mut rp, &pp);
                    out.push(rp);
                }
                apply_post_local_rules(&mut pp, p.created_by, access);
                out.extend(
                    self.profiles
                        .recompute_policies(conn, p.profile_id, &pp)
                        .await?,
                );
                out.push(pp);
            }
            out.push(kp);
        }
        out.insert(0, policy);
        Ok(out)
    }

    /// Deletes collaborations with everything in them inside the caller's transaction; returns
    /// the ids of the policies to delete.
    pub async fn delete_in(
        &self,
        conn: &impl ConnectionTrait,
        ids: &[Uuid],
    ) -> AppResult<Vec<Uuid>> {
        // (a space's buckets went with its storage aggregator before: nothing to release here)
        Ok(self.delete_with_contents_in(conn, ids).await?.0)
    }

    /// [`Self::delete_in`] for collaborations whose files live on (a template's, kept with its
    /// owner's storage): also returns the content hashes to release once the transaction
    /// committed.
    pub async fn delete_with_contents_in(
        &self,
        conn: &impl ConnectionTrait,
        ids: &[Uuid],
    ) -> AppResult<(Vec<Uuid>, Vec<String>)> {
        if ids.is_empty() {
            return Ok((Vec::new(), Vec::new()));
        }
        let found = repo::collaborations(conn, ids).await?;
        let sets: Vec<Uuid> = found.values().map(|c| c.callouts_set_id).collect();
        let callouts: Vec<Uuid> = repo::callouts_of_sets(conn, &sets)
            .await?
            .iter()
            .map(|c| c.id)
            .collect();
        let (mut policies, mut hashes) = self.delete_callouts_in(conn, &callouts).await?;
        let flows: Vec<Uuid> = found
            .values()
            .filter_map(|c| c.innovation_flow_id)
            .collect();
        let (flow_policies, flow_profiles) = repo::delete_flows(conn, &flows).await?;
        policies.extend(flow_policies);
        let (profile_policies, flow_hashes) = self
            .profiles
            .delete_with_buckets_in(conn, &flow_profiles)
            .await?;
        policies.extend(profile_policies);
        hashes.extend(flow_hashes);
        let timelines: Vec<Uuid> = found.values().filter_map(|c| c.timeline_id).collect();
        policies.extend(self.timelines.delete_in(conn, &timelines).await?);
        let licenses: Vec<Uuid> = found.values().filter_map(|c| c.license_id).collect();
        policies.extend(alkemio_licensing::delete_licenses(conn, &licenses).await?);
        policies.extend(repo::delete_collaborations(conn, ids).await?);
        Ok((policies, hashes))
    }

    /// The ids of the callouts of a set.
    pub async fn callouts_of_set_ids(&self, set: Uuid) -> AppResult<Vec<Uuid>> {
        Ok(repo::callouts_of_sets(self.db.conn(), &[set])
            .await?
            .iter()
            .map(|c| c.id)
            .collect())
    }

    /// The collaboration holding a callout (through its callouts set), read through the
    /// caller's connection or transaction.
    pub async fn collaboration_id_of_callout_in(
        &self,
        conn: &impl ConnectionTrait,
        callout: Uuid,
    ) -> AppResult<Option<Uuid>> {
        let Some(c) = repo::callouts(conn, &[callout]).await?.remove(&callout) else {
            return Ok(None);
        };
        Ok(repo::collaboration_of_set(conn, c.callouts_set_id)
            .await?
            .map(|c| c.id))
    }

    async fn delete_callouts_in(
        &self,
        conn: &impl ConnectionTrait,
        ids: &[Uuid],
    ) -> AppResult<(Vec<Uuid>, Vec<String>)> {
        let left = repo::delete_callouts(conn, ids).await?;
        self.delete_leftovers(conn, left).await
    }

    /// Deletes what deleted callouts, contributions or contents held (profiles with their
    /// storage buckets, galleries, rooms, polls) inside the caller's transaction; returns the
    /// policies to delete and the content hashes to release once it committed.
    pub(crate) async fn delete_leftovers(
        &self,
        conn: &impl ConnectionTrait,
        left: repo::Leftovers,
    ) -> AppResult<(Vec<Uuid>, Vec<String>)> {
        let mut policies = left.policies;
        let (profile_policies, contents) = self
            .profiles
            .delete_with_buckets_in(conn, &left.profiles)
            .await?;
        policies.extend(profile_policies);
        policies.extend(
            self.profiles
                .delete_galleries_in(conn, &left.galleries)
                .await?,
        );
        policies.extend(alkemio_communication::repo::delete_rooms(conn, &left.rooms).await?);
        policies.extend(crate::poll::delete_in(conn, &left.polls).await?);
        Ok((policies, contents))
    }

    // ---- reads ----

    /// A new callouts set for a knowledge base, its policy inheriting the knowledge base's;
    /// nothing is stored.
    pub fn build_knowledge_base_set(
        &self,
        parent: &AuthorizationPolicy,
    ) -> (CalloutsSet, AuthorizationPolicy) {
        let at = now();
        let mut policy = auth_repo::new_policy(AuthorizationPolicyType::CalloutsSet);
        apply_callouts_set_policy(&mut policy, parent, &CollaborationAccess::default());
        let set = CalloutsSet {
            id: Uuid::now_v7(),
            set_type: crate::model::CalloutsSetType::KnowledgeBase,
            authorization_id: Some(policy.id),
            created_date: at,
            updated_date: at,
        };
        (set, policy)
    }

    /// Stores a callouts set no collaboration holds inside the caller's transaction.
    pub async fn insert_standalone_set_in(
        &self,
        conn: &impl ConnectionTrait,
        set: &CalloutsSet,
    ) -> AppResult<()> {
        repo::insert_set(conn, set).await
    }

    /// The recomputed policies of a callouts set no collaboration holds (a knowledge base's)
    /// and of its callouts, which derive from the set's.
    pub async fn standalone_set_policies(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
        parent: &AuthorizationPolicy,
    ) -> AppResult<Vec<AuthorizationPolicy>> {
        let Some(set) = repo::callouts_sets(conn, &[id]).await?.remove(&id) else {
            return Ok(Vec::new());
        };
        let mut policy = auth_repo::load_or_new(
            conn,
            set.authorization_id,
            AuthorizationPolicyType::CalloutsSet,
        )
        .await?;
        apply_callouts_set_policy(&mut policy, parent, &CollaborationAccess::default());
        let mut out = Vec::new();
        for callout in repo::callouts_of_sets(conn, &[id]).await? {
            out.extend(
                self.callout_policies(conn, &callout, &policy, &CollaborationAccess::default())
                    .await?,
            );
        }
        out.push(policy);
        Ok(out)
    }

    /// Deletes a callouts set no collaboration holds, with its callouts, inside the caller's
    /// transaction; returns the policy ids to delete and the content hashes to release once it
    /// committed.
    pub async fn delete_standalone_set_in(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
    ) -> AppResult<(Vec<Uuid>, Vec<String>)> {
        let Some(set) = repo::callouts_sets(conn, &[id]).await?.remove(&id) else {
            return Ok((Vec::new(), Vec::new()));
        };
        let callouts: Vec<Uuid> = repo::callouts_of_sets(conn, &[id])
            .await?
            .iter()
            .map(|c| c.id)
            .collect();
        let (mut policies, hashes) = self.delete_callouts_in(conn, &callouts).await?;
        repo::delete_set(conn, id).await?;
        policies.extend(set.authorization_id);
        Ok((policies, hashes))
    }

    /// Collaborations by id.
    pub async fn collaborations(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Collaboration>> {
        repo::collaborations(self.db.conn(), ids).await
    }

    /// A collaboration, or ENTITY_NOT_FOUND.
    pub async fn collaboration_or_fail(&self, id: Uuid) -> AppResult<Collaboration> {
        self.collaborations(&[id])
            .await?
            .remove(&id)
            .ok_or_else(|| AppError::not_found(format!("Collaboration {id} not found")))
    }

    /// The collaboration owning a callouts set, if one does (a knowledge base's set has none).
    pub async fn holding_collaboration(&self, set: Uuid) -> AppResult<Option<Collaboration>> {
        repo::collaboration_of_set(self.db.conn(), set).await
    }

    /// The collaboration owning a callouts set.
    pub async fn collaboration_of_set(&self, set: Uuid) -> AppResult<Collaboration> {
        repo::collaboration_of_set(self.db.conn(), set)
            .await?
            .ok_or_else(|| AppError::internal_msg(format_args!("callouts set {set} has no owner")))
    }

    /// Collaborations whose policies were never computed.
    pub async fn without_policy(&self) -> AppResult<Vec<Uuid>> {
        repo::collaborations_without_policy(self.db.conn()).await
    }

    /// Callouts sets by id.
    pub async fn callouts_sets(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, CalloutsSet>> {
        repo::callouts_sets(self.db.conn(), ids).await
    }

    /// A callouts set, or ENTITY_NOT_FOUND.
    pub async fn callouts_set_or_fail(&self, id: Uuid) -> AppResult<CalloutsSet> {
        self.callouts_sets(&[id])
            .await?
            .remove(&id)
            .ok_or_else(|| AppError::not_found(format!("CalloutsSet {id} not found")))
    }

    /// Callouts by id.
    pub async fn callouts(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Callout>> {
        repo::callouts(self.db.conn(), ids).await
    }

    /// A callout, or ENTITY_NOT_FOUND.
    pub async fn callout_or_fail(&self, id: Uuid) -> AppResult<Callout> {
        self.callouts(&[id])
            .await?
            .remove(&id)
            .ok_or_else(|| AppError::not_found(format!("Callout {id} not found")))
    }

    /// The callouts of a set the caller may read, filtered and ordered: by `ids` when given
    /// (each must exist and be readable), else by sort order; at most `limit`, shuffled on
    /// request. Callouts the caller may not read (drafts of others) are left out.
    pub async fn callouts_of_set(
        &self,
        caller: &ActorContext,
        set: Uuid,
        filter: CalloutFilter,
    ) -> AppResult<Vec<Callout>> {
        let conn = self.db.conn();
        let all = repo::callouts_of_sets(conn, &[set]).await?;
        let policies = auth_repo::load_many(
            conn,
            &all.iter()
                .filter_map(|c| c.authorization_id)
                .collect::<Vec<_>>(),
        )
        .await?;
        let readable = |c: &Callout| {
            c.authorization_id
                .and_then(|id| policies.get(&id))
                .is_some_and(|p| {
                    p.policy
                        .is_granted(&caller.credentials, P::Read)
                        .unwrap_or(false)
                })
        };
        if let Some(ids) = filter.ids {
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                let c = all
                    .iter()
                    .find(|c| c.id == id)
                    .ok_or_else(|| AppError::not_found(format!("Callout {id} not found")))?;
                if !readable(c) {
                    return Err(AppError::new(
                        ErrorStatus::Forbidden,
                        format!("Callout {id} may not be read by the caller"),
                    ));
                }
                out.push(c.clone());
            }
            return Ok(out);
        }
        let mut out: Vec<Callout> = all
            .into_iter()
            .filter(|c| readable(c))
            .filter(|c| filter.classification.matches(c))
            .filter(|c| match &filter.with_contribution_types {
                Some(types) => types
                    .iter()
                    .any(|t| c.settings.contribution.allowed_types.contains(t)),
                None => true,
            })
            .collect();
        if let Some(tags) = filter.with_tags.filter(|t| !t.is_empty()) {
            let tagged = self.tagged(&out, &tags).await?;
            out.retain(|c| tagged.contains(&c.id));
        }
        if filter.shuffle {
            shuffle(&mut out);
        }
        if let Some(limit) = filter.limit {
            out.truncate(limit);
        }
        Ok(out)
    }

    /// The callouts among `callouts` whose framing profile or posts carry any of `tags`.
    async fn tagged(
        &self,
        callouts: &[Callout],
        tags: &[String],
    ) -> AppResult<std::collections::HashSet<Uuid>> {
        let conn = self.db.conn();
        let framings = repo::framings(
            conn,
            &callouts.iter().map(|c| c.framing_id).collect::<Vec<_>>(),
        )
        .await?;
        let contributions =
            repo::contributions_of(conn, &callouts.iter().map(|c| c.id).collect::<Vec<_>>())
                .await?;
        let posts = repo::posts(
            conn,
            &contributions
                .iter()
                .filter_map(|c| c.post_id)
                .collect::<Vec<_>>(),
        )
        .await?;
        let mut owner: HashMap<Uuid, Uuid> = HashMap::new();
        for c in callouts {
            if let Some(f) = framings.get(&c.framing_id) {
                owner.insert(f.profile_id, c.id);
            }
        }
        for k in &contributions {
            if let Some(p) = k.post_id.and_then(|p| posts.get(&p)) {
                owner.insert(p.profile_id, k.callout_id);
            }
        }
        let profiles: Vec<Uuid> = owner.keys().copied().collect();
        Ok(self
            .profiles
            .tagsets_of(&profiles)
            .await?
            .into_iter()
            .filter(|t| t.tags.iter().any(|x| tags.contains(x)))
            .filter_map(|t| t.profile_id.and_then(|p| owner.get(&p).copied()))
            .collect())
    }

    /// Framings by id.
    pub async fn framings(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, CalloutFraming>> {
        repo::framings(self.db.conn(), ids).await
    }

    /// Contribution defaults by id.
    pub async fn contribution_defaults(
        &self,
        ids: &[Uuid],
    ) -> AppResult<HashMap<Uuid, ContributionDefaults>> {
        repo::contribution_defaults(self.db.conn(), ids).await
    }

    /// The contributions of callouts in display order, grouped by callout.
    pub async fn contributions_of(
        &self,
        callouts: &[Uuid],
    ) -> AppResult<HashMap<Uuid, Vec<Contribution>>> {
        let mut out: HashMap<Uuid, Vec<Contribution>> = HashMap::new();
        for c in repo::contributions_of(self.db.conn(), callouts).await? {
            out.entry(c.callout_id).or_default().push(c);
        }
        Ok(out)
    }

    /// Contributions by id.
    pub async fn contributions(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Contribution>> {
        repo::contributions(self.db.conn(), ids).await
    }

    /// A contribution, or ENTITY_NOT_FOUND.
    pub async fn contribution_or_fail(&self, id: Uuid) -> AppResult<Contribution> {
        self.contributions(&[id])
            .await?
            .remove(&id)
            .ok_or_else(|| AppError::not_found(format!("CalloutContribution {id} not found")))
    }

    /// Posts by id.
    pub async fn posts(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Post>> {
        repo::posts(self.db.conn(), ids).await
    }

    /// A post, or ENTITY_NOT_FOUND.
    pub async fn post_or_fail(&self, id: Uuid) -> AppResult<Post> {
        self.posts(&[id])
            .await?
            .remove(&id)
            .ok_or_else(|| AppError::not_found(format!("Post {id} not found")))
    }

    /// How many contributions of each kind callouts have.
    pub async fn contribution_counts(
        &self,
        callouts: &[Uuid],
    ) -> AppResult<HashMap<Uuid, HashMap<CalloutContributionType, i64>>> {
        Ok(repo::contribution_counts(self.db.conn(), callouts)
            .await?
            .into_iter()
            .map(|(callout, counts)| {
                (
                    callout,
                    counts
                        .into_iter()
                        .filter_map(|(k, n)| k.parse().ok().map(|k| (k, n)))
                        .collect(),
                )
            })
            .collect())
    }

    pub(crate) async fn policy_of(
        &self,
        id: Option<Uuid>,
    ) -> AppResult<Option<AuthorizationPolicy>> {
        self.policy(id).await
    }

    pub(crate) async fn require_on(
        &self,
        caller: &ActorContext,
        policy: Option<Uuid>,
        privilege: P,
        action: &str,
    ) -> AppResult<AuthorizationPolicy> {
        self.require(caller, policy, privilege, action).await
    }

    async fn policy(&self, id: Option<Uuid>) -> AppResult<Option<AuthorizationPolicy>> {
        self.policy_in(self.db.conn(), id).await
    }

    async fn policy_in(
        &self,
        conn: &impl ConnectionTrait,
        id: Option<Uuid>,
    ) -> AppResult<Option<AuthorizationPolicy>> {
        match id {
            Some(id) => Ok(auth_repo::load(conn, id).await?.map(|s| s.policy)),
            None => Ok(None),
        }
    }

    pub(crate) async fn require(
        &self,
        caller: &ActorContext,
        policy: Option<Uuid>,
        privilege: P,
        action: &str,
    ) -> AppResult<AuthorizationPolicy> {
        auth_repo::require(self.db.conn(), caller, policy, privilege, action).await
    }

    /// The policy a set's callouts derive from: its collaboration's, or for a set no
    /// collaboration holds (a knowledge base's) the set's own.
    async fn collaboration_policy(&self, set: Uuid) -> AppResult<AuthorizationPolicy> {
        match repo::collaboration_of_set(self.db.conn(), set).await? {
            Some(c) => self.policy(c.authorization_id).await?.ok_or_else(|| {
                AppError::internal_msg(format_args!("collaboration {} has no policy", c.id))
            }),
            None => {
                let s = self.callouts_set_or_fail(set).await?;
                self.policy(s.authorization_id).await?.ok_or_else(|| {
                    AppError::internal_msg(format_args!("callouts set {set} has no policy"))
                })
            }
        }
    }

    // ---- callouts ----

    /// `createCalloutOnCalloutsSet`: needs CREATE_CALLOUT on the set. The NameID is unique in
    /// the set; a callout without a sort order goes before the others; a published callout
    /// records who published it and when. Contributions made with it are checked as
    /// `createContributionOnCallout` checks them.
    pub async fn create_callout(
        &self,
        caller: &ActorContext,
        set_id: Uuid,
        new: NewCallout,
        host: &Host,
    ) -> AppResult<Callout> {
        let set = self.callouts_set_or_fail(set_id).await?;
        self.require(
            caller,
            set.authorization_id,
            P::CreateCallout,
            "create a callout",
        )
        .await?;
        if new.framing_type == Some(CalloutFramingType::Contributors) {
            self.may_collect_contributors(caller, &set).await?;
        }
        let collaboration = self.collaboration_policy(set.id).await?;
        let mut staged = Staged::default();
        let made = self
            .stage_callout(
                self.db.conn(),
                caller,
                &set,
                new,
                host,
                &collaboration,
                false,
                &mut staged,
            )
            .await?;
        let callout = made.callout;
        let txn = self.db.begin().await?;
        self.store(&txn, &staged).await?;
        if made.published && set.set_type == CalloutsSetType::Collaboration {
            self.record_published(
                &txn,
                &callout,
                &made.display_name,
                made.description.as_deref(),
            )
            .await?;
            if made.send_notification {
                self.announce_published(&txn, &callout, &made.display_name, host)
                    .await?;
            }
        }
        txn.commit().await?;
        self.outbox.wake();
        Ok(callout)
    }

    /// Stores callouts in a template's collaboration inside the caller's transaction, without
    /// a privilege check (the caller may create the template): marked as templates, with no
    /// comments room, no contributions and no author; each NameID unique in the set.
    pub async fn insert_template_callouts_in(
        &self,
        conn: &impl ConnectionTrait,
        caller: &ActorContext,
        set_id: Uuid,
        news: Vec<NewCallout>,
        host: &Host,
    ) -> AppResult<(Vec<Callout>, Vec<AuthorizationPolicy>)> {
        let set = repo::callouts_sets(conn, &[set_id])
            .await?
            .remove(&set_id)
            .ok_or_else(|| AppError::not_found(format!("Callouts set {set_id} not found")))?;
        let c = repo::collaboration_of_set(conn, set_id)
            .await?
            .ok_or_else(|| {
                AppError::internal_msg("a template callouts set without collaboration")
            })?;
        let collaboration = self
            .policy_in(conn, c.authorization_id)
            .await?
            .ok_or_else(|| {
                AppError::internal_msg(format_args!("collaboration {} has no policy", c.id))
            })?;
        let mut out = Vec::new();
        let mut policies = Vec::new();
        for mut new in news {
            new.contributions.clear();
            let mut staged = Staged::default();
            let made = self
                .stage_callout(
                    conn,
                    caller,
                    &set,
                    new,
                    host,
                    &collaboration,
                    true,
                    &mut staged,
                )
                .await?;
            self.store(conn, &staged).await?;
            policies.extend(staged.policies);
            out.push(made.callout);
        }
        Ok((out, policies))
    }

    /// Builds a callout and everything in it into `staged` (reads go through `conn`); its
    /// policies derive from the collaboration's.
    #[allow(clippy::too_many_arguments, clippy::too_many_lines)]
    async fn stage_callout(
        &self,
        conn: &impl ConnectionTrait,
        caller: &ActorContext,
        set: &CalloutsSet,
        new: NewCallout,
        host: &Host,
        collaboration: &AuthorizationPolicy,
        template: bool,
        staged: &mut Staged,
    ) -> AppResult<StagedCallout> {
        let framing_type = new.framing_type.unwrap_or(CalloutFramingType::None);
        check_framing_shape(&new)?;
        let name_id = match &new.name_id {
            Some(n) => {
                let n = check_name_id(n)?;
                if repo::callout_name_taken(conn, set.id, &n, None).await? {
                    return Err(AppError::bad_input(format!(
                        "Unable to create Callout: the provided nameID is already taken: {n}"
                    )));
                }
                n
            }
            None => {
                let base = alkemio_contributor::name_id::generate(&new.profile.display_name);
                let taken = repo::callout_names_like(conn, set.id, "").await?;
                unique_name(&base, &taken)
            }
        };
        let sort_order = match new.sort_order {
            Some(o) if o != 0.0 => o,
            _ => {
                repo::min_sort_order(conn, set.id)
                    .await?
                    .unwrap_or(0.0)
                    .min(0.0)
                    - 1.0
            }
        };
        let mut settings = new.base_settings.clone().unwrap_or_default();
        new.settings.apply(&mut settings);
        normalize_framing_settings(&mut settings, framing_type)?;
        check_whiteboard_default(&settings, new.default_whiteboard_content.as_deref())?;
        let flow = Self::flow_of_set_in(conn, set.id).await?;
        let classification = match &flow {
            Some((f, states)) => {
                let wanted = new
                    .classification
                    .iter()
                    .find(|(name, _)| is_flow_state_name(name))
                    .and_then(|(_, tags)| tags.first().cloned());
                let state = match wanted {
                    Some(w) => states
                        .iter()
                        .find(|s| s.display_name == w)
                        .map(|s| s.display_name.clone())
                        .ok_or_else(|| {
                            AppError::bad_input(format!(
                                "'{w}' is not a state of the innovation flow"
                            ))
                        })?,
                    None => f
                        .current_state_id
                        .and_then(|id| states.iter().find(|s| s.id == id))
                        .or(states.first())
                        .map(|s| s.display_name.clone())
                        .unwrap_or_default(),
                };
                Some(crate::model::Classification {
                    id: Uuid::now_v7(),
                    tagset_id: Uuid::now_v7(),
                    flow_state: Some(state),
                    authorization_id: None,
                })
            }
            None => None,
        };
        let at = now();
        let author = if template {
            None
        } else {
            caller.authenticated_id()
        };
        let published = settings.visibility == CalloutVisibility::Published;
        let mut callout = Callout {
            id: Uuid::now_v7(),
            callouts_set_id: set.id,
            name_id: name_id.clone(),
            is_template: template,
            settings,
            sort_order,
            created_by: author,
            published_by: if published { author } else { None },
            published_date: published.then_some(at),
            framing_id: Uuid::now_v7(),
            contribution_defaults_id: Uuid::now_v7(),
            comments_id: None,
            classification,
            authorization_id: None,
            created_date: at,
            updated_date: at,
        };
        let mut policy = auth_repo::new_policy(AuthorizationPolicyType::Callout);
        callout.authorization_id = Some(policy.id);
        apply_callout_policy(&mut policy, collaboration, &callout, &host.access);
        if let Some(x) = callout.classification.as_mut() {
            let mut xp = auth_repo::new_policy(AuthorizationPolicyType::Classification);
            apply_inherited_policy(&mut xp, &policy);
            x.authorization_id = Some(xp.id);
            staged.policies.push(xp);
        }
        let mut framing_policy = auth_repo::new_policy(AuthorizationPolicyType::CalloutFraming);
        apply_inherited_policy(&mut framing_policy, &policy);
        let mut profile = new.profile;
        let display_name = profile.display_name.clone();
        let description = profile.description.clone();
        add_default_tags(&mut profile, new.tags);
        profile.visuals = vec![VisualType::Banner, VisualType::Card];
        let bundle = self.profiles.build(
            profile,
            ProfileType::CalloutFraming,
            &framing_policy,
            host.aggregator,
        )?;
        let mut framing = CalloutFraming {
            id: callout.framing_id,
            framing_type,
            profile_id: bundle.profile.id,
            link_id: None,
            whiteboard_id: None,
            memo_id: None,
            media_gallery_id: None,
            poll_id: None,
            collabora_document_id: None,
            authorization_id: Some(framing_policy.id),
            created_date: at,
            updated_date: at,
        };
        staged.profiles.push(bundle);
        if let Some(l) = new.link {
            framing.link_id = Some(self.stage_link(l, &framing_policy, None, host, staged)?.id);
        }
        if let Some(w) = new.whiteboard {
            let name = match &w.name_id {
                Some(n) => check_name_id(n)?,
                None => alkemio_contributor::name_id::generate(
                    w.profile
                        .as_ref()
                        .map_or("Whiteboard", |p| p.display_name.as_str()),
                ),
            };
            framing.whiteboard_id = Some(
                self.stage_whiteboard(w, name, &framing_policy, author, host, staged)?
                    .id,
            );
        }
        if let Some(d) = new.collabora {
            framing.collabora_document_id = Some(
                self.stage_collabora(d, &framing_policy, author, host, staged)
                    .await?
                    .id,
            );
        }
        if let Some(p) = new.poll {
            let (state, poll_policy) = crate::poll::build(p, &framing_policy)?;
            framing.poll_id = Some(state.poll.id);
            staged.polls.push(state);
            staged.policies.push(poll_policy);
        }
        if framing_type == CalloutFramingType::MediaGallery {
            let (g, b, policies) =
                self.profiles
                    .build_gallery(author, host.aggregator, &framing_policy);
            framing.media_gallery_id = Some(g.id);
            staged.galleries.push((g, b));
            staged.policies.extend(policies);
        }
        if let Some(m) = new.memo {
            let name = match &m.name_id {
                Some(n) => check_name_id(n)?,
                None => alkemio_contributor::name_id::generate(
                    m.profile
                        .as_ref()
                        .map_or("Memo", |p| p.display_name.as_str()),
                ),
            };
            framing.memo_id = Some(
                self.stage_memo(
                    m,
                    name,
                    &framing_policy,
                    author,
                    host,
                    vec![VisualType::Card, VisualType::Banner],
                    staged,
                )?
                .id,
            );
        }
        if callout.settings.framing.comments_enabled && !template {
            let mut rp = auth_repo::new_policy(AuthorizationPolicyType::Room);
            apply_comments_room_policy(&mut rp, &policy);
            let r = room(
                RoomType::Callout,
                format!("callout-comments-{name_id}"),
                &rp,
                at,
            );
            callout.comments_id = Some(r.id);
            staged.rooms.push(r);
            staged.policies.push(rp);
        }
        let defaults = ContributionDefaults {
            id: callout.contribution_defaults_id,
            default_display_name: new.default_display_name,
            post_description: new.post_description,
            whiteboard_content: new.default_whiteboard_content,
            created_date: at,
            updated_date: at,
        };
        let mut taken_posts = Vec::new();
        for c in new.contributions {
            self.stage_contribution(&callout, &policy, c, caller, host, &mut taken_posts, staged)
                .await?;
        }
        staged.policies.push(framing_policy);
        staged.policies.push(policy);
        staged.callouts.push((callout.clone(), framing, defaults));
        Ok(StagedCallout {
            callout,
            display_name,
            description,
            published,
            send_notification: new.send_notification,
        })
    }

    #[allow(clippy::too_many_arguments)]
    async fn stage_contribution(
        &self,
        callout: &Callout,
        callout_policy: &AuthorizationPolicy,
        new: NewContribution,
        caller: &ActorContext,
        host: &Host,
        taken_posts: &mut Vec<String>,
        staged: &mut Staged,
    ) -> AppResult<()> {
        check_contribution_shape(&new, &callout.settings.contribution.allowed_types)?;
        let at = now();
        let author = caller.authenticated_id();
        let sort_order = new.sort_order.unwrap_or_else(|| {
            let existing = staged
                .contributions
                .iter()
                .map(|(c, _)| c.sort_order)
                .fold(f64::INFINITY, f64::min);
            if existing.is_finite() {
                existing - 1.0
            } else {
                1.0
            }
        });
        let mut contribution = Contribution {
            id: Uuid::now_v7(),
            callout_id: callout.id,
            contribution_type: new.contribution_type,
            sort_order,
            created_by: author,
            post_id: None,
            link_id: None,
            whiteboard_id: None,
            memo_id: None,
            collabora_document_id: None,
            authorization_id: None,
            created_date: at,
            updated_date: at,
        };
        let mut kp = auth_repo::new_policy(AuthorizationPolicyType::CalloutContribution);
        contribution.authorization_id = Some(kp.id);
        apply_contribution_policy(&mut kp, callout_policy, author, &host.access);
        let reserve =
            |name: &Option<String>, display: &str, taken: &mut Vec<String>, what: &str| {
                let n = match name {
                    Some(n) => {
                        let n = check_name_id(n)?;
                        if taken.contains(&n) {
                            return Err(AppError::bad_input(format!(
                                "Unable to create {what}: the provided nameID is already taken: {n}"
                            )));
                        }
                        n
                    }
                    None => unique_name(&alkemio_contributor::name_id::generate(display), taken),
                };
                taken.push(n.clone());
                Ok(n)
            };
        if let Some(d) = new.collabora {
            contribution.collabora_document_id =
                Some(self.stage_collabora(d, &kp, author, host, staged).await?.id);
            staged.policies.push(kp);
            staged.contributions.push((contribution, None));
            return Ok(());
        }
        if let Some(l) = new.link {
            contribution.link_id = Some(self.stage_link(l, &kp, author, host, staged)?.id);
            staged.policies.push(kp);
            staged.contributions.push((contribution, None));
            return Ok(());
        }
        if let Some(w) = new.whiteboard {
            let display = w
                .profile
                .as_ref()
                .map_or("Whiteboard", |p| p.display_name.as_str())
                .to_owned();
            let name_id = reserve(&w.name_id, &display, taken_posts, "Whiteboard")?;
            contribution.whiteboard_id = Some(
                self.stage_whiteboard(w, name_id, &kp, author, host, staged)?
                    .id,
            );
            staged.policies.push(kp);
            staged.contributions.push((contribution, None));
            return Ok(());
        }
        if let Some(m) = new.memo {
            let display = m
                .profile
                .as_ref()
                .map_or("Memo", |p| p.display_name.as_str())
                .to_owned();
            let name_id = reserve(&m.name_id, &display, taken_posts, "Memo")?;
            contribution.memo_id = Some(
                self.stage_memo(
                    m,
                    name_id,
                    &kp,
                    author,
                    host,
                    vec![VisualType::Card],
                    staged,
                )?
                .id,
            );
            staged.policies.push(kp);
            staged.contributions.push((contribution, None));
            return Ok(());
        }
        let new_post = new
            .post
            .ok_or_else(|| AppError::internal_msg("post contribution without post"))?;
        let name_id = reserve(
            &new_post.name_id,
            &new_post.profile.display_name,
            taken_posts,
            "Post",
        )?;
        let mut pp = auth_repo::new_policy(AuthorizationPolicyType::Post);
        apply_inherited_policy(&mut pp, &kp);
        let mut rp = auth_repo::new_policy(AuthorizationPolicyType::Room);
        apply_comments_room_policy(&mut rp, &pp);
        apply_post_local_rules(&mut pp, author, &host.access);
        let comments = room(RoomType::Post, format!("post-comments-{name_id}"), &rp, at);
        let mut profile = new_post.profile;
        add_default_tags(&mut profile, new_post.tags);
        profile.visuals = vec![VisualType::Banner, VisualType::Card];
        let bundle = self
            .profiles
            .build(profile, ProfileType::Post, &pp, host.aggregator)?;
        let post = Post {
            id: Uuid::now_v7(),
            name_id,
            profile_id: bundle.profile.id,
            comments_id: comments.id,
            created_by: author,
            authorization_id: Some(pp.id),
            created_date: at,
            updated_date: at,
        };
        contribution.post_id = Some(post.id);
        staged.profiles.push(bundle);
        staged.rooms.push(comments);
        staged.policies.extend([kp, pp, rp]);
        staged.contributions.push((contribution, Some(post)));
        Ok(())
    }

    pub(crate) async fn store(
        &self,
        conn: &impl ConnectionTrait,
        staged: &Staged,
    ) -> AppResult<()> {
        for b in &staged.profiles {
            self.profiles.insert_in(conn, b).await?;
        }
        for d in &staged.documents {
            alkemio_storage::StorageService::insert_document_in(conn, d).await?;
        }
        for d in &staged.collabora {
            repo::insert_collabora(conn, d).await?;
        }
        for l in &staged.links {
            repo::insert_link(conn, l).await?;
        }
        for w in &staged.whiteboards {
            repo::insert_whiteboard(conn, w).await?;
        }
        for m in &staged.memos {
            repo::insert_memo(conn, m).await?;
        }
        for (g, b) in &staged.galleries {
            self.profiles.insert_gallery_in(conn, g, b).await?;
        }
        for r in &staged.rooms {
            alkemio_communication::repo::insert_room(conn, r).await?;
        }
        for p in &staged.polls {
            crate::poll::insert_in(conn, p).await?;
        }
        for (c, f, d) in &staged.callouts {
            repo::insert_callout(conn, c, f, d).await?;
        }
        for (c, p) in &staged.contributions {
            repo::insert_contribution(conn, c, p.as_ref()).await?;
        }
        auth_repo::save_all(conn, &staged.policies).await
    }

    /// Recomputes one callout's policies (after its settings or visibility changed).
    pub(crate) async fn refresh_callout(
        &self,
        conn: &impl ConnectionTrait,
        callout: &Callout,
        access: &CollaborationAccess,
    ) -> AppResult<()> {
        let collaboration = self.collaboration_policy(callout.callouts_set_id).await?;
        let policies = self
            .callout_policies(conn, callout, &collaboration, access)
            .await?;
        auth_repo::save_all(conn, &policies).await
    }

    /// A contributor collection goes only in a collaboration's callouts set and only by
    /// those with CREATE on it (its admins).
    async fn may_collect_contributors(
        &self,
        caller: &ActorContext,
        set: &CalloutsSet,
    ) -> AppResult<()> {
        if set.set_type != CalloutsSetType::Collaboration {
            return Err(AppError::bad_input(
                "Contributor collections are only for the callouts of a collaboration",
            ));
        }
        self.require(
            caller,
            set.authorization_id,
            P::Create,
            "create a contributor collection",
        )
        .await?;
        Ok(())
    }

    /// `updateCallout`: needs UPDATE on the callout; changes its framing profile, settings
    /// (a list replaces the list), contribution defaults and sort order, and recomputes its
    /// policies. Enabling comments gives a callout without a comments room one.
    pub async fn update_callout(
        &self,
        caller: &ActorContext,
        id: Uuid,
        changes: CalloutChanges,
        host: &Host,
    ) -> AppResult<Callout> {
        let mut callout = self.callout_or_fail(id).await?;
        let policy = self
            .require(
                caller,
                callout.authorization_id,
                P::Update,
                "update a callout",
            )
            .await?;
        let framing = self
            .framings(&[callout.framing_id])
            .await?
            .remove(&callout.framing_id)
            .ok_or_else(|| AppError::internal_msg(format_args!("callout {id} has no framing")))?;
        let prepared = match changes.profile {
            Some(p) => Some(self.profiles.prepare_update(framing.profile_id, p).await?),
            None => None,
        };
        if !changes.classification.is_empty() {
            let states = self
                .flow_of_set(callout.callouts_set_id)
                .await?
                .map(|(_, s)| s)
                .unwrap_or_default();
            for (tagset, tags) in &changes.classification {
                let x = callout
                    .classification
                    .as_mut()
                    .filter(|x| x.tagset_id == *tagset)
                    .ok_or_else(|| {
                        AppError::not_found(format!("Tagset {tagset} not found on the callout"))
                    })?;
                x.flow_state = Some(flow_state_value(tags, &states)?);
            }
        }
        if let Some(n) = &changes.name_id {
            let n = check_name_id(n)?;
            if n != callout.name_id {
                if repo::callout_name_taken(
                    self.db.conn(),
                    callout.callouts_set_id,
                    &n,
                    Some(callout.id),
                )
                .await?
                {
                    return Err(AppError::bad_input(format!(
                        "Unable to update Callout: the provided nameID is already taken: {n}"
                    )));
                }
                callout.name_id = n;
            }
        }
        let was_published = !callout.is_draft();
        let final_type = changes.framing.framing_type.unwrap_or(framing.framing_type);
        changes.settings.apply(&mut callout.settings);
        if final_type != CalloutFramingType::Contributors
            && framing.framing_type == CalloutFramingType::Contributors
        {
            callout.settings.framing.contributors = None;
        }
        if !matches!(
            final_type,
            CalloutFramingType::Contributors | CalloutFramingType::Spaces
        ) && changes.framing.framing_type.is_some()
        {
            callout.settings.framing.selection = None;
        }
        normalize_framing_settings(&mut callout.settings, final_type)?;
        if final_type == CalloutFramingType::Contributors
            && framing.framing_type != CalloutFramingType::Contributors
        {
            let set = self.callouts_set_or_fail(callout.callouts_set_id).await?;
            self.may_collect_contributors(caller, &set).await?;
        }
        if !was_published && !callout.is_draft() {
            callout.published_by = caller.authenticated_id();
            callout.published_date = Some(now());
        }
        if let Some(o) = changes.sort_order
            && o != 0.0
        {
            callout.sort_order = o;
        }
        let mut new_room = None;
        if callout.settings.framing.comments_enabled && callout.comments_id.is_none() {
            let mut rp = auth_repo::new_policy(AuthorizationPolicyType::Room);
            apply_comments_room_policy(&mut rp, &policy);
            let r = room(
                RoomType::Callout,
                format!("callout-comments-{}", callout.name_id),
                &rp,
                now(),
            );
            callout.comments_id = Some(r.id);
            new_room = Some((r, rp));
        }
        let txn = self.db.begin().await?;
        if !changes.framing.is_empty() {
            let mut f = framing.clone();
            self.change_framing(&txn, caller, &mut f, changes.framing, host)
                .await?;
        }
        if let Some((r, rp)) = &new_room {
            alkemio_communication::repo::insert_room(&txn, r).await?;
            auth_repo::save_all(&txn, std::slice::from_ref(rp)).await?;
        }
        if let Some(p) = &prepared {
            ProfileService::write_update(&txn, p).await?;
        }
        if let Some((name, description)) = changes.defaults {
            let mut d = repo::contribution_defaults(&txn, &[callout.contribution_defaults_id])
                .await?
                .remove(&callout.contribution_defaults_id)
                .ok_or_else(|| {
                    AppError::internal_msg(format_args!("callout {id} has no defaults"))
                })?;
            if name.is_some() {
                d.default_display_name = name;
            }
            if description.is_some() {
                d.post_description = description;
            }
            if let Some(c) = changes.default_whiteboard_content.filter(|c| !c.is_empty()) {
                d.whiteboard_content = Some(c);
            }
            repo::update_defaults(&txn, &d).await?;
        }
        repo::update_callout(&txn, &callout).await?;
        self.refresh_callout(&txn, &callout, &host.access).await?;
        if !was_published && !callout.is_draft() {
            let profile = self.profiles.profile(framing.profile_id).await?;
            self.record_published(
                &txn,
                &callout,
                &profile.display_name,
                profile.description.as_deref(),
            )
            .await?;
            if changes.send_notification {
                self.announce_published(&txn, &callout, &profile.display_name, host)
                    .await?;
            }
        }
        txn.commit().await?;
        self.outbox.wake();
        self.callout_or_fail(id).await
    }

    /// `updateCalloutVisibility`: needs UPDATE; publishing records who published and when;
    /// the callout's policies follow (a draft is hidden from members).
    pub async fn update_visibility(
        &self,
        caller: &ActorContext,
        id: Uuid,
        visibility: CalloutVisibility,
        send_notification: bool,
        host: &Host,
    ) -> AppResult<Callout> {
        self.update_callout(
            caller,
            id,
            CalloutChanges {
                settings: SettingsChanges {
                    visibility: Some(visibility),
                    ..Default::default()
                },
                send_notification,
                ..Default::default()
            },
            host,
        )
        .await
    }

    /// `deleteCallout`: needs DELETE; removes the callout with its framing, contributions,
    /// posts, comments and policies.
    pub async fn delete_callout(&self, caller: &ActorContext, id: Uuid) -> AppResult<Callout> {
        let callout = self.callout_or_fail(id).await?;
        self.require(
            caller,
            callout.authorization_id,
            P::Delete,
            "delete a callout",
        )
        .await?;
        let txn = self.db.begin().await?;
        let (policies, contents) = self.delete_callouts_in(&txn, &[id]).await?;
        auth_repo::delete(&txn, &policies).await?;
        txn.commit().await?;
        self.profiles.storage().release_contents(&contents).await?;
        Ok(callout)
    }

    /// Deletes every callout of a collaboration (`updateCollaborationFromSpaceTemplate` with
    /// `deleteExistingCallouts`; the caller has checked UPDATE on the collaboration).
    pub async fn delete_all_callouts(&self, collaboration: Uuid) -> AppResult<usize> {
        let c = self.collaboration_or_fail(collaboration).await?;
        let ids = self.callouts_of_set_ids(c.callouts_set_id).await?;
        let txn = self.db.begin().await?;
        let (policies, contents) = self.delete_callouts_in(&txn, &ids).await?;
        auth_repo::delete(&txn, &policies).await?;
        txn.commit().await?;
        self.profiles.storage().release_contents(&contents).await?;
        Ok(ids.len())
    }

    /// `updateCalloutsSortOrder`: needs UPDATE on the set; the listed callouts (by id or
    /// NameID) take consecutive places from the lowest of their current ones, in the order
    /// given; returns them in that order.
    pub async fn sort_callouts(
        &self,
        caller: &ActorContext,
        set_id: Uuid,
        refs: &[String],
    ) -> AppResult<Vec<Callout>> {
        let set = self.callouts_set_or_fail(set_id).await?;
        self.require(caller, set.authorization_id, P::Update, "sort callouts")
            .await?;
        let all = repo::callouts_of_sets(self.db.conn(), &[set.id]).await?;
        let mut listed = Vec::with_capacity(refs.len());
        for r in refs {
            let found = all
                .iter()
                .find(|c| c.id.to_string() == *r || c.name_id == *r)
                .ok_or_else(|| AppError::not_found(format!("Callout {r} not found in the set")))?;
            listed.push(found.clone());
        }
        let start = listed
            .iter()
            .map(|c| c.sort_order)
            .fold(f64::INFINITY, f64::min);
        let start = if start.is_finite() { start } else { 0.0 };
        let orders: Vec<(Uuid, f64)> = listed
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id, start + 1.0 + i as f64))
            .collect();
        let txn = self.db.begin().await?;
        repo::set_callout_sort_orders(&txn, &orders).await?;
        txn.commit().await?;
        for (c, (_, o)) in listed.iter_mut().zip(&orders) {
            c.sort_order = *o;
        }
        Ok(listed)
    }

    // ---- contributions and posts ----

    /// `createContributionOnCallout`: needs CONTRIBUTE on the callout; the callout must accept
    /// contributions (CALLOUT_CLOSED otherwise; admins only when it says so) of this kind. A
    /// post's NameID is unique in the callout; without a sort order it goes first.
    pub async fn create_contribution(
        &self,
        caller: &ActorContext,
        callout_id: Uuid,
        new: NewContribution,
        host: &Host,
    ) -> AppResult<Contribution> {
        let callout = self.callout_or_fail(callout_id).await?;
        let policy = self
            .require(
                caller,
                callout.authorization_id,
                P::Contribute,
                "contribute to a callout",
            )
            .await?;
        let s = &callout.settings.contribution;
        if !s.enabled || s.can_add_contributions == CalloutAllowedActors::None {
            return Err(AppError::new(
                ErrorStatus::CalloutClosed,
                "New contributions to this Callout are not allowed",
            ));
        }
        if s.can_add_contributions == CalloutAllowedActors::Admins
            && !policy
                .is_granted(&caller.credentials, P::Update)
                .unwrap_or(false)
        {
            return Err(AppError::new(
                ErrorStatus::CalloutClosed,
                "Only admins are allowed to contribute to this Callout",
            ));
        }
        let conn = self.db.conn();
        let mut taken = repo::post_names_like(conn, callout.id, "").await?;
        let mut staged = Staged::default();
        let mut new = new;
        if new.sort_order.is_none() {
            new.sort_order = Some(
                match repo::min_contribution_sort_order(conn, callout.id).await? {
                    Some(min) => min - 1.0,
                    None => 1.0,
                },
            );
        }
        self.stage_contribution(
            &callout,
            &policy,
            new,
            caller,
            host,
            &mut taken,
            &mut staged,
        )
        .await?;
        let contribution = staged
            .contributions
            .first()
            .map(|(c, _)| c.clone())
            .ok_or_else(|| AppError::internal_msg("no contribution staged"))?;
        let txn = self.db.begin().await?;
        self.store(&txn, &staged).await?;
        if !callout.is_draft()
            && let Some(author) = caller.authenticated_id()
            && let Some(c) = repo::collaboration_of_set(&txn, callout.callouts_set_id).await?
        {
            let profile_of = |id: Uuid| {
                staged
                    .profiles
                    .iter()
                    .find(|b| b.profile.id == id)
                    .map(|b| &b.profile)
            };
            use alkemio_activity::ActivityEventType as A;
            let title = match self
                .framings(&[callout.framing_id])
                .await?
                .get(&callout.framing_id)
            {
                Some(f) => self.profiles.profile(f.profile_id).await?.display_name,
                None => String::new(),
            };
            let entry =
                if let Some(post) = staged.contributions.first().and_then(|(_, p)| p.as_ref()) {
                    let profile = profile_of(post.profile_id);
                    Some((
                        post.id,
                        A::CalloutPostCreated,
                        summary(
                            profile.map_or("", |p| p.display_name.as_str()),
                            profile.and_then(|p| p.description.as_deref()),
                        ),
                    ))
                } else if let Some(link) = staged.links.first() {
                    let name = profile_of(link.profile_id).map_or("", |p| p.display_name.as_str());
                    Some((
                        link.id,
                        A::CalloutLinkCreated,
                        format!("[{title}] - {name}"),
                    ))
                } else if let Some(m) = staged.memos.first() {
                    let name = profile_of(m.profile_id).map_or("", |p| p.display_name.as_str());
                    Some((m.id, A::CalloutMemoCreated, format!("[{name}]")))
                } else {
                    staged.whiteboards.first().map(|w| {
                        let name = profile_of(w.profile_id).map_or("", |p| p.display_name.as_str());
                        (w.id, A::CalloutWhiteboardCreated, format!("[{name}]"))
                    })
                };
            if let Some((resource_id, event_type, description)) = entry {
                alkemio_activity::record(
                    &txn,
                    alkemio_activity::NewActivity {
                        triggered_by: author,
                        resource_id,
                        parent_id: Some(callout.id),
                        collaboration_id: c.id,
                        description,
                        message_id: None,
                        event_type,
                    },
                )
                .await?;
            }
            if let Some(space_id) = host.space_id {
                let named = staged
                    .profiles
                    .iter()
                    .find(|b| {
                        Some(b.profile.id)
                            == staged
                                .contributions
                                .first()
                                .and_then(|(_, p)| p.as_ref().map(|p| p.profile_id))
                                .or(staged.links.first().map(|l| l.profile_id))
                                .or(staged.whiteboards.first().map(|w| w.profile_id))
                                .or(staged.memos.first().map(|m| m.profile_id))
                    })
                    .map(|b| b.profile.display_name.clone())
                    .unwrap_or_default();
                self.outbox
                    .record(
                        &txn,
                        alkemio_events::DomainEvent::ContributionCreated {
                            space_id,
                            callout_id: callout.id,
                            contribution_id: contribution.id,
                            contribution_type: contribution
                                .contribution_type
                                .graphql_name()
                                .to_owned(),
                            contribution_name: named,
                            callout_title: title,
                            callout_name_id: callout.name_id.clone(),
                        },
                        Some(author),
                    )
                    .await?;
            }
        }
        txn.commit().await?;
        self.outbox.wake();
        if let Some(post) = contribution.post_id {
            // nobody listening is fine
            let _ = self.posts_created.send(PostCreated {
                callout_id: callout.id,
                contribution_id: contribution.id,
                post_id: post,
                sort_order: contribution.sort_order,
            });
        }
        Ok(contribution)
    }

    /// `deleteContribution`: needs DELETE on the contribution; removes it with its post.
    pub async fn delete_contribution(
        &self,
        caller: &ActorContext,
        id: Uuid,
    ) -> AppResult<Contribution> {
        let c = self.contribution_or_fail(id).await?;
        self.require(
            caller,
            c.authorization_id,
            P::Delete,
            "delete a contribution",
        )
        .await?;
        let txn = self.db.begin().await?;
        let left = repo::delete_contributions(&txn, &[id]).await?;
        let (policies, contents) = self.delete_leftovers(&txn, left).await?;
        auth_repo::delete(&txn, &policies).await?;
        txn.commit().await?;
        self.profiles.storage().release_contents(&contents).await?;
        Ok(c)
    }

    /// `updateContributionsSortOrder`: needs UPDATE on the callout; the listed contributions
    /// take places 1, 2, … in the order given.
    pub async fn sort_contributions(
        &self,
        caller: &ActorContext,
        callout_id: Uuid,
        ids: &[Uuid],
    ) -> AppResult<Vec<Contribution>> {
        let callout = self.callout_or_fail(callout_id).await?;
        self.require(
            caller,
            callout.authorization_id,
            P::Update,
            "sort contributions",
        )
        .await?;
        let all = repo::contributions_of(self.db.conn(), &[callout.id]).await?;
        let mut listed = Vec::with_capacity(ids.len());
        for id in ids {
            let found = all.iter().find(|c| c.id == *id).ok_or_else(|| {
                AppError::not_found(format!("CalloutContribution {id} not found in the callout"))
            })?;
            listed.push(found.clone());
        }
        let orders: Vec<(Uuid, f64)> = listed
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id, 1.0 + i as f64))
            .collect();
        let txn = self.db.begin().await?;
        repo::set_contribution_sort_orders(&txn, &orders).await?;
        txn.commit().await?;
        for (c, (_, o)) in listed.iter_mut().zip(&orders) {
            c.sort_order = *o;
        }
        Ok(listed)
    }

    /// `updatePost`: needs UPDATE on the post; changes its profile and NameID (unique in its
    /// callout).
    pub async fn update_post(
        &self,
        caller: &ActorContext,
        id: Uuid,
        name_id: Option<String>,
        profile: Option<ProfileUpdate>,
    ) -> AppResult<Post> {
        let mut post = self.post_or_fail(id).await?;
        self.require(caller, post.authorization_id, P::Update, "update a post")
            .await?;
        if let Some(n) = name_id {
            let n = check_name_id(&n)?;
            if n != post.name_id {
                let contribution = repo::contribution_of_post(self.db.conn(), id).await?;
                if let Some(c) = contribution {
                    let taken = repo::post_names_like(self.db.conn(), c.callout_id, &n).await?;
                    if taken.contains(&n) {
                        return Err(AppError::bad_input(format!(
                            "Unable to update Post: the provided nameID is already taken: {n}"
                        )));
                    }
                }
                post.name_id = n;
            }
        }
        let prepared = match profile {
            Some(p) => Some(self.profiles.prepare_update(post.profile_id, p).await?),
            None => None,
        };
        let txn = self.db.begin().await?;
        repo::update_post(&txn, &post).await?;
        if let Some(p) = &prepared {
            ProfileService::write_update(&txn, p).await?;
        }
        txn.commit().await?;
        self.post_or_fail(id).await
    }

    /// `deletePost`: needs DELETE on the post; removes the post with its profile and comments
    /// (its contribution goes too: a contribution without content has nothing to show).
    pub async fn delete_post(&self, caller: &ActorContext, id: Uuid) -> AppResult<Post> {
        let post = self.post_or_fail(id).await?;
        self.require(caller, post.authorization_id, P::Delete, "delete a post")
            .await?;
        let contribution = repo::contribution_of_post(self.db.conn(), id)
            .await?
            .ok_or_else(|| AppError::internal_msg(format_args!("post {id} has no contribution")))?;
        let txn = self.db.begin().await?;
        let left = repo::delete_contributions(&txn, &[contribution.id]).await?;
        let (policies, contents) = self.delete_leftovers(&txn, left).await?;
        auth_repo::delete(&txn, &policies).await?;
        txn.commit().await?;
        self.profiles.storage().release_contents(&contents).await?;
        Ok(post)
    }
}

impl CollaborationService {
    /// Where profiles of callout framings and posts live: by profile id, the collaboration and
    /// the URL path below its space.
    pub async fn paths_by_profiles(
        &self,
        profiles: &[Uuid],
        content: bool,
    ) -> AppResult<HashMap<Uuid, (Uuid, String)>> {
        repo::paths_by_profiles(self.db.conn(), profiles, content).await
    }

    /// How active callouts are: the number of contributions where a callout accepts them,
    /// else the number of comments.
    pub async fn activity_of(&self, callouts: &[Callout]) -> AppResult<HashMap<Uuid, i64>> {
        let ids: Vec<Uuid> = callouts.iter().map(|c| c.id).collect();
        let counts = repo::contribution_counts(self.db.conn(), &ids).await?;
        let rooms = alkemio_communication::repo::rooms(
            self.db.conn(),
            &callouts
                .iter()
                .filter_map(|c| c.comments_id)
                .collect::<Vec<_>>(),
        )
        .await?;
        Ok(callouts
            .iter()
            .map(|c| {
                let n = if c.settings.contribution.allowed_types.is_empty() {
                    c.comments_id
                        .and_then(|r| rooms.get(&r))
                        .map_or(0, |r| i64::from(r.messages_count))
                } else {
                    counts.get(&c.id).map_or(0, |m| m.values().sum())
                };
                (c.id, n)
            })
            .collect())
    }
}

impl CollaborationService {
    /// `updateClassificationTagset`: needs UPDATE on the classification; the flow-state
    /// tagset's value must name a state of the flow.
    pub async fn update_classification_tagset(
        &self,
        caller: &ActorContext,
        classification: Uuid,
        tagset_name: &str,
        value: String,
    ) -> AppResult<Callout> {
        let callout = repo::callout_of_classification(self.db.conn(), classification)
            .await?
            .ok_or_else(|| {
                AppError::not_found(format!("Classification {classification} not found"))
            })?;
        let x = callout
            .classification
            .as_ref()
            .ok_or_else(|| AppError::internal_msg("classification vanished"))?;
        self.require(
            caller,
            x.authorization_id,
            P::Update,
            "update a classification",
        )
        .await?;
        if !is_flow_state_name(tagset_name) {
            return Err(AppError::not_found(format!(
                "Tagset {tagset_name} not found on the classification"
            )));
        }
        let states = self
            .flow_of_set(callout.callouts_set_id)
            .await?
            .map(|(_, s)| s)
            .unwrap_or_default();
        let state = flow_state_value(&[value], &states)?;
        let txn = self.db.begin().await?;
        repo::set_flow_state(&txn, callout.id, &state).await?;
        txn.commit().await?;
        self.callout_or_fail(callout.id).await
    }

    /// `updateTagset` on a classification's flow-state tagset: none when no classification has
    /// this tagset; otherwise needs UPDATE on the classification and exactly one tag naming a
    /// state of the flow.
    pub async fn update_flow_state_tagset(
        &self,
        caller: &ActorContext,
        tagset: Uuid,
        tags: &[String],
    ) -> AppResult<Option<Callout>> {
        let Some(callout) = repo::callout_of_classification_tagset(self.db.conn(), tagset).await?
        else {
            return Ok(None);
        };
        let classification = callout
            .classification
            .as_ref()
            .ok_or_else(|| AppError::internal_msg("classification vanished"))?;
        self.require(
            caller,
            classification.authorization_id,
            P::Update,
            "update a tagset",
        )
        .await?;
        let states = self
            .flow_of_set(callout.callouts_set_id)
            .await?
            .map(|(_, s)| s)
            .unwrap_or_default();
        let state = flow_state_value(tags, &states)?;
        repo::set_flow_state(self.db.conn(), callout.id, &state).await?;
        Ok(Some(self.callout_or_fail(callout.id).await?))
    }

    /// The tags of the framings and posts of the readable callouts of a set in the given flow
    /// states, most used first (then alphabetically).
    pub async fn tags_of_set(
        &self,
        caller: &ActorContext,
        set: Uuid,
        classification: ClassificationFilter,
    ) -> AppResult<Vec<String>> {
        let callouts = self
            .callouts_of_set(
                caller,
                set,
                CalloutFilter {
                    classification,
                    ..Default::default()
                },
            )
            .await?;
        let conn = self.db.conn();
        let framings = repo::framings(
            conn,
            &callouts.iter().map(|c| c.framing_id).collect::<Vec<_>>(),
        )
        .await?;
        let contributions =
            repo::contributions_of(conn, &callouts.iter().map(|c| c.id).collect::<Vec<_>>())
                .await?;
        let posts = repo::posts(
            conn,
            &contributions
                .iter()
                .filter_map(|c| c.post_id)
                .collect::<Vec<_>>(),
        )
        .await?;
        let profiles: Vec<Uuid> = framings
            .values()
            .map(|f| f.profile_id)
            .chain(posts.values().map(|p| p.profile_id))
            .collect();
        let mut counts: HashMap<String, usize> = HashMap::new();
        for t in self.profiles.tagsets_of(&profiles).await? {
            for tag in t.tags {
                *counts.entry(tag).or_default() += 1;
            }
        }
        let mut tags: Vec<(String, usize)> = counts.into_iter().collect();
        tags.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(tags.into_iter().map(|(t, _)| t).collect())
    }
}

impl CollaborationService {
    /// A callout of a set by NameID.
    pub async fn callout_by_name(&self, set: Uuid, name_id: &str) -> AppResult<Option<Callout>> {
        repo::callout_by_name(self.db.conn(), set, name_id).await
    }

    /// The contribution of a callout holding the post with this NameID, with the post.
    pub async fn post_contribution_by_name(
        &self,
        callout: Uuid,
        post_name: &str,
    ) -> AppResult<Option<(Contribution, Post)>> {
        repo::post_contribution_by_name(self.db.conn(), callout, post_name).await
    }

    /// A callout's contributed memo by NameID, with its contribution.
    pub async fn memo_contribution_by_name(
        &self,
        callout: Uuid,
        name: &str,
    ) -> AppResult<Option<(Contribution, crate::model::Memo)>> {
        repo::memo_contribution_by_name(self.db.conn(), callout, name).await
    }

    /// A callout's contributed whiteboard by NameID, with its contribution.
    pub async fn whiteboard_contribution_by_name(
        &self,
        callout: Uuid,
        name: &str,
    ) -> AppResult<Option<(Contribution, crate::model::Whiteboard)>> {
        repo::whiteboard_contribution_by_name(self.db.conn(), callout, name).await
    }
}

impl CollaborationService {
    /// Records that a callout of a collaboration was published, inside the caller's
    /// transaction.
    async fn record_published(
        &self,
        conn: &impl ConnectionTrait,
        callout: &Callout,
        display_name: &str,
        description: Option<&str>,
    ) -> AppResult<()> {
        let (Some(publisher), Some(c)) = (
            callout.published_by,
            repo::collaboration_of_set(conn, callout.callouts_set_id).await?,
        ) else {
            return Ok(());
        };
        alkemio_activity::record(
            conn,
            alkemio_activity::NewActivity {
                triggered_by: publisher,
                resource_id: callout.id,
                parent_id: Some(c.id),
                collaboration_id: c.id,
                description: summary(display_name, description),
                message_id: None,
                event_type: alkemio_activity::ActivityEventType::CalloutPublished,
            },
        )
        .await?;
        Ok(())
    }
}

impl CollaborationService {
    /// Asks for the space's members to hear of a published callout, inside the caller's
    /// transaction (the outbox delivers it after the commit).
    async fn announce_published(
        &self,
        conn: &impl ConnectionTrait,
        callout: &Callout,
        title: &str,
        host: &Host,
    ) -> AppResult<()> {
        let Some(space_id) = host.space_id else {
            return Ok(());
        };
        self.outbox
            .record(
                conn,
                alkemio_events::DomainEvent::CalloutPublished {
                    space_id,
                    callout_id: callout.id,
                    title: title.to_owned(),
                    callout_name_id: callout.name_id.clone(),
                },
                callout.published_by,
            )
            .await?;
        Ok(())
    }
}

impl CollaborationService {
    /// Checks new callouts before their space exists, so that a space is not created when
    /// callouts asked for with it would be refused: framing kinds, NameIDs (valid, not given
    /// twice), flow states among `states`, and contributions made with them.
    pub fn check_new_callouts(new: &[NewCallout], states: &[String]) -> AppResult<()> {
        let mut names: Vec<String> = Vec::new();
        for c in new {
            check_framing_shape(c)?;
            if let Some(n) = &c.name_id {
                let n = check_name_id(n)?;
                if names.contains(&n) {
                    return Err(AppError::bad_input(format!(
                        "Unable to create Callout: the provided nameID is already taken: {n}"
                    )));
                }
                names.push(n);
            }
            if let Some((_, tags)) = c.classification.iter().find(|(n, _)| is_flow_state_name(n))
                && let Some(w) = tags.first()
                && !states.contains(w)
            {
                return Err(AppError::bad_input(format!(
                    "'{w}' is not a state of the innovation flow"
                )));
            }
            let mut settings = CalloutSettings::default();
            c.settings.clone().apply(&mut settings);
            normalize_framing_settings(
                &mut settings,
                c.framing_type.unwrap_or(CalloutFramingType::None),
            )?;
            check_whiteboard_default(&settings, c.default_whiteboard_content.as_deref())?;
            for k in &c.contributions {
                check_contribution_shape(k, &settings.contribution.allowed_types)?;
            }
        }
        Ok(())
    }
}

/// A callout taking whiteboards must say what new ones start from (as in the reference).
fn check_whiteboard_default(settings: &CalloutSettings, content: Option<&str>) -> AppResult<()> {
    if settings
        .contribution
        .allowed_types
        .contains(&CalloutContributionType::Whiteboard)
        && content.is_none_or(str::is_empty)
    {
        return Err(AppError::bad_input(
            "Please provide a whiteboard template: a callout taking whiteboards needs the contribution defaults' whiteboardContent",
        ));
    }
    Ok(())
}
