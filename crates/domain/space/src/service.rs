//! Space use cases: creating spaces and subspaces with everything they own, reading them,
//! changing their about, settings and platform settings (recomputing the subtree's policies in
//! the same transaction), deleting a subtree, ordering subspaces, and the space roles.

use std::collections::{HashMap, HashSet};

use alkemio_authorization::repo::{self as auth_repo};
use alkemio_authorization::{
    ActorContext, ActorKind, AuthorizationPolicy, AuthorizationPolicyType,
    AuthorizationPrivilege as P, Credential, CredentialRule, CredentialType as C,
    grant_access_or_fail,
};
use alkemio_collaboration::activity::{self, ActivityEventType, NewActivity};
use alkemio_common::profile::{NewProfile, NewTagset, ProfileService, ProfileType};
use alkemio_common::visual::VisualType;
use alkemio_communication::CommunicationService;
use alkemio_community::{RoleName, RoleSet, RoleSetService, RoleSetType};
use alkemio_contributor::{Actor, ActorType, UserService, name_id};
use alkemio_kernel::ids::{ActorId, RoleSetId, UserId};
use alkemio_kernel::pagination::{Page, PageRequest, PaginationArgs};
use alkemio_kernel::{AppError, AppResult, ErrorStatus};
use alkemio_licensing::LicenseEntitlementType;
use alkemio_organization::groups::{self, GroupParent, UserGroup};
use alkemio_persistence::Database;
use alkemio_storage::StorageAggregatorType;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::authorization::{
    ParentContext, SpaceContext, about_parent, apply_community_policy, apply_inherited_policy,
    apply_space_policy, apply_space_role_set_policy, collaboration_access, platform_roles_access,
};
use crate::model::{
    Community, CommunityGuidelines, NewSpace, SettingsChange, Space, SpaceAbout, SpaceLevel,
    SpaceSettings, SpaceVisibility,
};
use crate::repo;
use crate::roles::new_space_role_set;

/// NameIDs no L0 space may take: the client's top-level routes.
pub const RESTRICTED_SPACE_NAMES: &[&str] = &[
    "user",
    "home",
    "organization",
    "vc",
    "admin",
    "about",
    "profile",
    "spaces",
    "hub",
    "innovation-library",
    "innovation-packs",
    "identity",
    "forum",
    "restricted",
    "docs",
    "create-space",
    "contributors",
];

/// How many of an account's L0 spaces are on each space level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SpaceUsage {
    /// On the free level.
    pub free: i64,
    /// On the plus level.
    pub plus: i64,
    /// On the premium level.
    pub premium: i64,
}

/// A subspace was created under a space (for live subscribers, in this process).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubspaceCreated {
    /// The parent space.
    pub parent: ActorId,
    /// The new subspace.
    pub subspace: ActorId,
}

/// Whether a role grant is announced as a domain event, and by whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Announce {
    /// Not announced (organizations' roles, as in the reference).
    No,
    /// Announced, caused by this actor (none for system grants).
    By(Option<Uuid>),
}

/// Spaces.
#[derive(Debug, Clone)]
pub struct SpaceService {
    db: Database,
    users: UserService,
    role_sets: RoleSetService,
    collaborations: alkemio_collaboration::CollaborationService,
    templates: alkemio_template::TemplateService,
    subspaces_created: tokio::sync::broadcast::Sender<SubspaceCreated>,
}

/// A space's parent, loaded for computing the space's policies.
pub(crate) struct LoadedParent {
    space: Space,
    policy: AuthorizationPolicy,
    role_set: RoleSet,
    grandparent_member: Option<Credential>,
}

impl LoadedParent {
    pub(crate) fn context(&self) -> ParentContext<'_> {
        ParentContext {
            space: &self.space,
            policy: &self.policy,
            role_set: &self.role_set,
            grandparent_member: self.grandparent_member.as_ref(),
        }
    }
}

/// A wanted NameID, validated as the `NameID` scalar validates it.
fn check_name_id(name_id: &str) -> AppResult<String> {
    alkemio_kernel::scalars::NameId::parse(name_id.trim())
        .map(|n| n.into_inner())
        .map_err(AppError::bad_input)
}

/// Who a new space comes from: the creator, who takes its roles (none when the caller does
/// not qualify), and the caller the creation is logged for.
#[derive(Debug, Clone, Copy)]
struct CreatedBy {
    creator: Option<ActorId>,
    trigger: Option<Uuid>,
}

/// Logs that `actor` became a member of `space`, caused by `trigger` (the reference logs every
/// member grant someone makes in a space, including the creator's own).
async fn record_member_joined(
    conn: &impl ConnectionTrait,
    space: &Space,
    actor: ActorId,
    trigger: Uuid,
) -> AppResult<()> {
    let (Some(collaboration_id), Some(community)) = (space.collaboration_id, space.community_id)
    else {
        return Ok(());
    };
    activity::record(
        conn,
        NewActivity {
            triggered_by: trigger,
            resource_id: actor.0,
            parent_id: Some(community),
            collaboration_id,
            description: actor.0.to_string(),
            message_id: None,
            event_type: ActivityEventType::MemberJoined,
        },
    )
    .await?;
    Ok(())
}

fn member_of(set: &RoleSet) -> Option<Credential> {
    set.role(RoleName::Member).map(|r| r.credential.clone())
}

impl SpaceService {
    /// A service over the database, users (actors, accounts, profiles) and role sets.
    pub fn new(db: Database, users: UserService, role_sets: RoleSetService) -> Self {
        let collaborations = alkemio_collaboration::CollaborationService::new(
            db.clone(),
            users.profiles().clone(),
            users.outbox().clone(),
        );
        let templates = alkemio_template::TemplateService::new(
            db.clone(),
            users.profiles().clone(),
            collaborations.clone(),
        );
        Self {
            db,
            users,
            role_sets,
            collaborations,
            templates,
            subspaces_created: tokio::sync::broadcast::channel(256).0,
        }
    }

    /// A transaction on the service's database.
    pub(crate) async fn begin(&self) -> Result<sea_orm::DatabaseTransaction, sea_orm::DbErr> {
        self.db.begin().await
    }

    /// The role set service.
    pub fn role_sets(&self) -> &alkemio_community::RoleSetService {
        &self.role_sets
    }

    /// The template service.
    pub fn templates(&self) -> &alkemio_template::TemplateService {
        &self.templates
    }

    /// The collaboration service (callouts, contributions, posts).
    pub fn collaborations(&self) -> &alkemio_collaboration::CollaborationService {
        &self.collaborations
    }

    /// Subspaces created from now on (a slow receiver misses the oldest when 256 wait).
    pub fn subspaces_created(&self) -> tokio::sync::broadcast::Receiver<SubspaceCreated> {
        self.subspaces_created.subscribe()
    }

    pub(crate) fn profiles(&self) -> &ProfileService {
        self.users.profiles()
    }

    /// The database connection (for loaders that read through other services' repositories).
    pub fn db_conn(&self) -> &sea_orm::DatabaseConnection {
        self.db.conn()
    }

    /// One space.
    pub async fn get(&self, id: ActorId) -> AppResult<Option<Space>> {
        repo::find(self.db.conn(), id).await
    }

    /// One space, or ENTITY_NOT_FOUND.
    pub async fn get_or_fail(&self, id: ActorId) -> AppResult<Space> {
        self.get(id)
            .await?
            .ok_or_else(|| AppError::not_found(format!("Space {id} not found")))
    }

    /// Spaces by id, in the order asked.
    pub async fn many(&self, ids: &[Uuid]) -> AppResult<Vec<Space>> {
        repo::find_many(self.db.conn(), ids).await
    }

    /// The L0 space with this NameID.
    pub async fn l0_by_name_id(&self, name_id: &str) -> AppResult<Option<Space>> {
        match repo::l0_id_by_name_id(self.db.conn(), name_id).await? {
            Some(id) => self.get(ActorId(id)).await,
            None => Ok(None),
        }
    }

    /// The space of an L0 tree with this NameID (any level).
    pub async fn in_tree_by_name_id(
        &self,
        level_zero: ActorId,
        name_id: &str,
    ) -> AppResult<Option<Space>> {
        match repo::id_in_tree_by_name_id(self.db.conn(), level_zero, name_id).await? {
            Some(id) => self.get(ActorId(id)).await,
            None => Ok(None),
        }
    }

    /// The subspaces of these spaces, as `(parent, child id)` pairs in display order.
    pub async fn subspace_ids_of(&self, parents: &[Uuid]) -> AppResult<Vec<(Uuid, Uuid)>> {
        repo::subspace_ids_of(self.db.conn(), parents).await
    }

    /// L0 spaces with these visibilities, optionally among `restrict`, in creation order.
    pub async fn l0_list(
        &self,
        visibilities: &[SpaceVisibility],
        restrict: Option<&[Uuid]>,
    ) -> AppResult<Vec<Space>> {
        let ids = repo::l0_ids(self.db.conn(), visibilities, restrict).await?;
        self.many(&ids).await
    }

    /// One page of L0 spaces with these visibilities, in creation order, with the total.
    pub async fn l0_page(
        &self,
        visibilities: &[SpaceVisibility],
        args: PaginationArgs,
    ) -> AppResult<(Page<Space>, u64)> {
        let request = args.validate()?;
        let (ids, total) = repo::l0_page_ids(self.db.conn(), visibilities, &request).await?;
        let spaces = self.many(&ids).await?;
        Ok((request.into_page(spaces, |s| s.id.0), total))
    }

    /// The L0 spaces of these accounts, as `(account, space id)` pairs.
    pub async fn ids_of_accounts(&self, accounts: &[Uuid]) -> AppResult<Vec<(Uuid, Uuid)>> {
        repo::ids_of_accounts(self.db.conn(), accounts).await
    }

    /// Recomputes and stores the policies of every space of an account (each L0 space with its
    /// subtree, one transaction per tree; an account's authorization reset); returns the L0
    /// spaces' ids.
    pub async fn reset_authorization_of_account(&self, account: ActorId) -> AppResult<Vec<Uuid>> {
        let ids: Vec<Uuid> = repo::ids_of_accounts(self.db.conn(), &[account.0])
            .await?
            .into_iter()
            .map(|(_, space)| space)
            .collect();
        for id in &ids {
            let txn = self.db.begin().await?;
            if let Some(space) = repo::find(&txn, ActorId(*id)).await? {
                self.recompute_tree(&txn, &space, None).await?;
            }
            txn.commit().await?;
        }
        Ok(ids)
    }

    /// `transferSpaceToAccount`: needs TRANSFER_RESOURCE_OFFER on the space's account and
    /// TRANSFER_RESOURCE_ACCEPT on the target account; the L0 space moves with its subspaces,
    /// its files under the target account's storage, and its tree's policies are recomputed.
    pub async fn transfer_to_account(
        &self,
        caller: &ActorContext,
        id: ActorId,
        target: ActorId,
    ) -> AppResult<Space> {
        let space = self.get_or_fail(id).await?;
        let source = match (space.level, space.account_id) {
            (SpaceLevel::L0, Some(a)) => a,
            _ => {
                return Err(AppError::not_found(format!(
                    "Unable to find Account on Space: {id}"
                )));
            }
        };
        let source = self.users.account_or_fail(source).await?;
        let target = self.users.account_or_fail(target).await?;
        alkemio_contributor::account::require_transfer(
            self.db.conn(),
            caller,
            &source,
            &target,
            "Space",
        )
        .await?;
        let target_aggregator = self
            .users
            .actors()
            .actor(target.id)
            .await?
            .and_then(|a| a.storage_aggregator_id);
        let txn = self.db.begin().await?;
        repo::set_tree_account(&txn, id.0, target.id.0).await?;
        if let Some(aggregator) = space.storage_aggregator_id {
            alkemio_storage::StorageService::set_aggregator_parent_in(
                &txn,
                aggregator,
                target_aggregator,
            )
            .await?;
        }
        let moved = repo::find(&txn, id)
            .await?
            .ok_or_else(|| AppError::internal_msg("a transferred space vanished"))?;
        self.recompute_tree(&txn, &moved, None).await?;
        txn.commit().await?;
        tracing::info!(space.id = %id, account.id = %target.id, "space transferred");
        self.get_or_fail(id).await
    }

    /// How many subspaces (at any depth) each of these L0 spaces has.
    pub async fn subtree_sizes(&self, roots: &[Uuid]) -> AppResult<HashMap<Uuid, usize>> {
        repo::subtree_sizes(self.db.conn(), roots).await
    }

    /// The space whose community holds this role set.
    pub async fn by_role_set(&self, id: RoleSetId) -> AppResult<Option<Space>> {
        match repo::id_by_role_set(self.db.conn(), id).await? {
            Some(id) => self.get(ActorId(id)).await,
            None => Ok(None),
        }
    }

    /// A space's collaboration (absent for spaces created before collaborations existed).
    pub async fn collaboration(
        &self,
        space: &Space,
    ) -> AppResult<Option<alkemio_collaboration::Collaboration>> {
        match space.collaboration_id {
            Some(id) => Ok(self.collaborations.collaborations(&[id]).await?.remove(&id)),
            None => Ok(None),
        }
    }

    /// How many of an account's L0 spaces are on each space level. A space's level is the
    /// highest of premium, plus and free its license has on; a space with none counts nowhere
    /// (as the reference counts them).
    pub async fn usage_of_account(&self, account: ActorId) -> AppResult<SpaceUsage> {
        let conn = self.db.conn();
        let ids: Vec<Uuid> = repo::ids_of_accounts(conn, &[account.0])
            .await?
            .into_iter()
            .map(|(_, s)| s)
            .collect();
        let licenses: Vec<Uuid> = repo::find_many(conn, &ids)
            .await?
            .into_iter()
            .filter_map(|s| s.license_id)
            .collect();
        let mut usage = SpaceUsage::default();
        for license in alkemio_licensing::licenses(conn, &licenses).await?.values() {
            let on = |t: LicenseEntitlementType| {
                license
                    .entitlements
                    .iter()
                    .any(|e| e.entitlement_type == t && e.enabled)
            };
            if on(LicenseEntitlementType::SpacePremium) {
                usage.premium += 1;
            } else if on(LicenseEntitlementType::SpacePlus) {
                usage.plus += 1;
            } else if on(LicenseEntitlementType::SpaceFree) {
                usage.free += 1;
            }
        }
        Ok(usage)
    }

    /// The credentials a space's actor holds.
    pub async fn actor_credentials(&self, id: ActorId) -> AppResult<Vec<Credential>> {
        Ok(self
            .users
            .actors()
            .credentials(id)
            .await?
            .unwrap_or_default())
    }

    /// The spaces whose communities hold these role sets, by role set id.
    pub async fn by_role_sets(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Space>> {
        let map = repo::ids_by_role_sets(self.db.conn(), ids).await?;
        let space_ids: Vec<Uuid> = map.values().copied().collect();
        let spaces: HashMap<Uuid, Space> = self
            .many(&space_ids)
            .await?
            .into_iter()
            .map(|s| (s.id.0, s))
            .collect();
        Ok(map
            .into_iter()
            .filter_map(|(r, s)| spaces.get(&s).cloned().map(|s| (r, s)))
            .collect())
    }

    /// The space whose about this is.
    pub async fn by_about(&self, about: Uuid) -> AppResult<Option<Space>> {
        match repo::id_by_about(self.db.conn(), about).await? {
            Some(id) => self.get(ActorId(id)).await,
            None => Ok(None),
        }
    }

    /// Spaces by the id of their collaboration.
    pub async fn by_collaborations(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Space>> {
        let map = repo::ids_by_collaborations(self.db.conn(), ids).await?;
        let space_ids: Vec<Uuid> = map.values().copied().collect();
        let spaces: HashMap<Uuid, Space> = self
            .many(&space_ids)
            .await?
            .into_iter()
            .map(|s| (s.id.0, s))
            .collect();
        Ok(map
            .into_iter()
            .filter_map(|(c, s)| spaces.get(&s).cloned().map(|s| (c, s)))
            .collect())
    }

    /// `exploreSpaces`: the active L0 spaces with the most activity in the last `days_old` days,
    /// most active first (as the reference, private spaces are included: what a visitor may
    /// see of them is decided field by field).
    pub async fn explore(&self, days_old: f64, limit: u64) -> AppResult<Vec<Space>> {
        #[allow(
            clippy::cast_possible_truncation,
            reason = "clamped to a day count first"
        )]
        let minutes = (days_old.clamp(0.0, 36_500.0) * 24.0 * 60.0).round() as i64;
        let since = chrono::Utc::now() - chrono::Duration::minutes(minutes);
        let ids = repo::most_active_l0_ids(self.db.conn(), since, limit).await?;
        let mut found: HashMap<Uuid, Space> = self
            .many(&ids)
            .await?
            .into_iter()
            .map(|s| (s.id.0, s))
            .collect();
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    /// `me.mySpaces`: the spaces where the caller was last active, by that activity (newest
    /// first), each with the caller's own latest entry there; only spaces where the caller holds
    /// a role; at most `limit`.
    pub async fn my_spaces(
        &self,
        caller: &ActorContext,
        limit: usize,
    ) -> AppResult<Vec<(Space, alkemio_collaboration::activity::Activity)>> {
        let Some(actor) = caller.authenticated_id() else {
            return Ok(Vec::new());
        };
        let entries = activity::latest_per_collaboration_by(self.db.conn(), actor).await?;
        let collaborations: Vec<Uuid> = entries.iter().map(|a| a.collaboration_id).collect();
        let mut spaces = self.by_collaborations(&collaborations).await?;
        let mine: HashSet<String> = caller
            .credentials
            .iter()
            .filter(|c| {
                matches!(
                    c.credential_type,
                    C::SpaceMember | C::SpaceLead | C::SpaceAdmin | C::SpaceSubspaceAdmin
                )
            })
            .map(|c| c.resource_id.clone())
            .collect();
        Ok(entries
            .into_iter()
            .filter_map(|a| {
                let space = spaces.remove(&a.collaboration_id)?;
                mine.contains(&space.id.0.to_string()).then_some((space, a))
            })
            .take(limit)
            .collect())
    }

    /// The collaborations an activity feed reads for the caller: those of the spaces where the
    /// caller holds a role (narrowed to `space_ids` and to `roles` when given) and of every space
    /// below them, each only when the caller may READ the space.
    pub async fn feed_collaborations(
        &self,
        caller: &ActorContext,
        space_ids: Option<&[Uuid]>,
        roles: &[RoleName],
    ) -> AppResult<Vec<Uuid>> {
        let wanted: Vec<C> = if roles.is_empty() {
            vec![
                C::SpaceAdmin,
                C::SpaceLead,
                C::SpaceMember,
                C::SpaceSubspaceAdmin,
            ]
        } else {
            roles
                .iter()
                .filter_map(|r| match r {
                    RoleName::Admin => Some(C::SpaceAdmin),
                    RoleName::Lead => Some(C::SpaceLead),
                    RoleName::Member => Some(C::SpaceMember),
                    _ => None,
                })
                .collect()
        };
        let mut roots: Vec<Uuid> = caller
            .credentials
            .iter()
            .filter(|c| wanted.contains(&c.credential_type))
            .filter_map(|c| Uuid::parse_str(&c.resource_id).ok())
            .filter(|id| space_ids.is_none_or(|only| only.contains(id)))
            .collect();
        roots.sort_unstable();
        roots.dedup();
        let mut ids: HashSet<Uuid> = roots.iter().copied().collect();
        let mut level = roots;
        while !level.is_empty() {
            let children: Vec<Uuid> = self
                .subspace_ids_of(&level)
                .await?
                .into_iter()
                .map(|(_, child)| child)
                .filter(|c| ids.insert(*c))
                .collect();
            level = children;
        }
        let spaces = self.many(&ids.into_iter().collect::<Vec<_>>()).await?;
        let policy_ids: Vec<Uuid> = spaces.iter().filter_map(|s| s.authorization_id).collect();
        let policies = auth_repo::load_many(self.db.conn(), &policy_ids).await?;
        let mut out = Vec::new();
        for s in spaces {
            let readable = match s.authorization_id.and_then(|id| policies.get(&id)) {
                Some(p) => p.policy.is_granted(&caller.credentials, P::Read)?,
                None => false,
            };
            if readable {
                out.extend(s.collaboration_id);
            }
        }
        Ok(out)
    }

    /// A page of the activity of some collaborations, newest first, with the total.
    pub async fn activity_page(
        &self,
        filter: &activity::FeedFilter,
        page: &PageRequest,
    ) -> AppResult<(Vec<alkemio_collaboration::activity::Activity>, u64)> {
        activity::feed_page(self.db.conn(), filter, page).await
    }

    /// The newest entry per subject, actor and kind in some collaborations.
    pub async fn activity_grouped(
        &self,
        filter: &activity::FeedFilter,
        limit: usize,
    ) -> AppResult<Vec<alkemio_collaboration::activity::Activity>> {
        let scan = u64::try_from(limit.saturating_mul(20).clamp(100, 2000)).unwrap_or(2000);
        activity::feed_grouped(self.db.conn(), filter, limit, scan).await
    }

    /// The visible entries of collaborations newer than `after`, oldest first.
    pub async fn activity_newer_than(
        &self,
        collaborations: &[Uuid],
        types: &[ActivityEventType],
        after: Uuid,
        limit: u64,
    ) -> AppResult<Vec<alkemio_collaboration::activity::Activity>> {
        activity::newer_than(self.db.conn(), collaborations, types, after, limit).await
    }

    /// `sendMessageToRoom` on a space community's updates room: the message, its `UPDATE_SENT`
    /// entry in the space's log and the `communication.update.sent` event are stored in one
    /// transaction. `None` when the room is not an updates room (the caller sends it as any
    /// other message).
    pub async fn send_update(
        &self,
        rooms: &CommunicationService,
        caller: &ActorContext,
        room_id: Uuid,
        body: String,
    ) -> AppResult<Option<alkemio_communication::Message>> {
        let Some(communication) = rooms.communication_of_updates_room(room_id).await? else {
            return Ok(None);
        };
        let (room, message) = rooms.prepare(caller, room_id, body, None).await?;
        let community = repo::community_id_by_communication(self.db.conn(), communication).await?;
        let space = match community {
            Some(c) => self.community_or_fail(c).await?.parent_id,
            None => None,
        };
        let collaboration = match space {
            Some(s) => self.get(ActorId(s)).await?.and_then(|s| s.collaboration_id),
            None => None,
        };
        let txn = self.db.begin().await?;
        CommunicationService::store_in(&txn, &message).await?;
        if let (Some(community), Some(space), Some(collaboration)) =
            (community, space, collaboration)
        {
            activity::record(
                &txn,
                NewActivity {
                    triggered_by: message.sender_id,
                    resource_id: message.room_id,
                    parent_id: Some(community),
                    collaboration_id: collaboration,
                    description: message.body.clone(),
                    message_id: Some(message.id.clone()),
                    event_type: ActivityEventType::UpdateSent,
                },
            )
            .await?;
            self.users
                .outbox()
                .record(
                    &txn,
                    alkemio_events::DomainEvent::UpdateSent {
                        space_id: space,
                        message_id: message.id.clone(),
                        update: message.body.clone(),
                    },
                    Some(message.sender_id),
                )
                .await?;
        }
        txn.commit().await?;
        rooms.announce_sent(&room, &message);
        self.users.outbox().wake();
        Ok(Some(message))
    }

    /// Hides the log entries about a removed message.
    pub async fn hide_activity_of_message(&self, message_id: &str) -> AppResult<()> {
        let txn = self.db.begin().await?;
        activity::hide_of_message(&txn, message_id).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The activity log of collaborations, newest first.
    pub async fn activity_of(
        &self,
        collaborations: &[Uuid],
        types: &[ActivityEventType],
        limit: Option<u64>,
    ) -> AppResult<Vec<alkemio_collaboration::activity::Activity>> {
        activity::of_collaborations(self.db.conn(), collaborations, types, limit).await
    }

    /// The client URL paths of these spaces (`l0`, `l0/challenges/l1`,
    /// `l0/challenges/l1/opportunities/l2`), by space id.
    pub async fn paths(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, String>> {
        // (NameID, parent) by id; ancestors are fetched level by level (at most two more)
        let mut known: HashMap<Uuid, (String, Option<Uuid>)> = HashMap::new();
        let mut asked: HashSet<Uuid> = HashSet::new();
        let mut wanted = ids.to_vec();
        while !wanted.is_empty() {
            asked.extend(wanted.iter().copied());
            for (id, name, parent) in repo::name_links(self.db.conn(), &wanted).await? {
                known.insert(id, (name, parent));
            }
            wanted = known
                .values()
                .filter_map(|(_, p)| *p)
                .filter(|p| !asked.contains(p))
                .collect();
            wanted.sort();
            wanted.dedup();
        }
        let mut out = HashMap::new();
        for id in ids {
            let mut chain = Vec::new();
            let mut next = Some(*id);
            while let Some((name, parent)) = next.and_then(|n| known.get(&n)) {
                chain.push(name.as_str());
                next = *parent;
            }
            if chain.is_empty() {
                continue;
            }
            chain.reverse();
            let mut path = String::new();
            for (i, name) in chain.iter().enumerate() {
                match i {
                    0 => path.push_str(name),
                    1 => path.push_str(&format!("/challenges/{name}")),
                    _ => path.push_str(&format!("/opportunities/{name}")),
                }
            }
            out.insert(*id, path);
        }
        Ok(out)
    }

    /// The spaces whose community guidelines have these profiles, by profile id.
    pub async fn by_guidelines_profiles(
        &self,
        profiles: &[Uuid],
    ) -> AppResult<HashMap<Uuid, Uuid>> {
        repo::ids_by_guidelines_profiles(self.db.conn(), profiles).await
    }

    /// Abouts by id.
    pub async fn abouts(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, SpaceAbout>> {
        repo::abouts(self.db.conn(), ids).await
    }

    /// Guidelines by id.
    pub async fn guidelines(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, CommunityGuidelines>> {
        repo::guidelines(self.db.conn(), ids).await
    }

    /// Communities by id.
    pub async fn communities(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Community>> {
        repo::communities(self.db.conn(), ids).await
    }

    pub(crate) async fn policy_of(
        &self,
        id: Option<Uuid>,
    ) -> AppResult<Option<AuthorizationPolicy>> {
        match id {
            Some(id) => Ok(auth_repo::load(self.db.conn(), id).await?.map(|s| s.policy)),
            None => Ok(None),
        }
    }

    /// Who may be mentioned in a space: `None` for everyone on the platform (a public L0 and
    /// a chain of public subspaces), otherwise the member credentials from the space up to and
    /// including its first private ancestor. (The reference's code keeps only that ancestor's
    /// members; its documentation, which this follows, includes the levels below it.)
    pub async fn mention_scope(&self, space: &Space) -> AppResult<Option<Vec<Credential>>> {
        let mut scope = Vec::new();
        let mut current = space.clone();
        loop {
            let set = self.role_set_of(&current).await?;
            scope.extend(member_of(&set));
            if !current.settings.is_public() {
                return Ok(Some(scope));
            }
            match current.parent_space_id {
                Some(parent) => current = self.get_or_fail(parent).await?,
                None => return Ok(None),
            }
        }
    }

    /// Gives every community made before communications existed its communication and updates
    /// room (at start-up; idempotent). Returns how many were added.
    pub async fn ensure_communications(&self) -> AppResult<usize> {
        let missing = repo::communities_without_communication(self.db.conn()).await?;
        for id in &missing {
            let community = self.community_or_fail(*id).await?;
            let Some(policy) = self.policy_of(community.authorization_id).await? else {
                continue;
            };
            let space = match community.parent_id {
                Some(s) => self.get(ActorId(s)).await?,
                None => None,
            };
            let name = match space.as_ref().and_then(|s| s.profile_id) {
                Some(p) => self.profiles().profile(p).await?.display_name,
                None => String::new(),
            };
            let new = CommunicationService::build(&name, &policy, repo::now());
            let txn = self.db.begin().await?;
            CommunicationService::insert_in(&txn, &new).await?;
            repo::set_communication(&txn, community.id, new.communication.id).await?;
            auth_repo::save_all(&txn, &new.policies).await?;
            txn.commit().await?;
        }
        if !missing.is_empty() {
            tracing::info!(
                communities = missing.len(),
                "communications added to existing communities"
            );
        }
        Ok(missing.len())
    }

    /// A community, or ENTITY_NOT_FOUND.
    pub async fn community_or_fail(&self, id: Uuid) -> AppResult<Community> {
        self.communities(&[id])
            .await?
            .remove(&id)
            .ok_or_else(|| AppError::not_found(format!("Community {id} not found")))
    }

    /// The user groups of communities, oldest first (one query).
    pub async fn community_groups(&self, communities: &[Uuid]) -> AppResult<Vec<UserGroup>> {
        groups::groups_of_communities(self.db.conn(), communities).await
    }

    /// `createGroupOnCommunity`: needs CREATE on the community; names are unique within it. The
    /// group's profile is kept whole (the reference keeps only its display name) and its files
    /// go to the space's storage.
    pub async fn create_community_group(
        &self,
        caller: &ActorContext,
        community: Uuid,
        profile: NewProfile,
    ) -> AppResult<UserGroup> {
        let community = self.community_or_fail(community).await?;
        let policy = self
            .policy_of(community.authorization_id)
            .await?
            .ok_or_else(|| {
                AppError::internal_msg(format_args!("community {} has no policy", community.id))
            })?;
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            Some(&policy),
            P::Create,
            "create a user group in a community",
        )?;
        let aggregator = match community.parent_id {
            Some(space) => self
                .get(ActorId(space))
                .await?
                .and_then(|s| s.storage_aggregator_id),
            None => None,
        };
        groups::create_group_under(
            &self.db,
            &self.users,
            GroupParent::Community(community.id),
            &policy,
            aggregator,
            profile,
        )
        .await
    }

    /// Fails unless the caller holds `privilege` on the space.
    pub async fn require(
        &self,
        caller: &ActorContext,
        space: &Space,
        privilege: P,
        action: &str,
    ) -> AppResult<()> {
        let policy = self.policy_of(space.authorization_id).await?;
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            policy.as_ref(),
            privilege,
            action,
        )
    }

    pub(crate) async fn community_role_set_in(
        &self,
        conn: &impl ConnectionTrait,
        space: &Space,
    ) -> AppResult<RoleSet> {
        let community = space.community_id.ok_or_else(|| {
            AppError::internal_msg(format_args!("space {} has no community", space.id))
        })?;
        let role_set_id = repo::communities(conn, &[community])
            .await?
            .remove(&community)
            .and_then(|c| c.role_set_id)
            .ok_or_else(|| {
                AppError::internal_msg(format_args!("space {} has no role set", space.id))
            })?;
        self.role_sets.get_in(conn, role_set_id).await
    }

    /// The role set of a space.
    pub async fn role_set_of(&self, space: &Space) -> AppResult<RoleSet> {
        self.community_role_set_in(self.db.conn(), space).await
    }

    /// What a child of `parent` needs from it: its stored policy, role set and the
    /// grandparent's member credential, read through `conn`.
    pub(crate) async fn parent_context(
        &self,
        conn: &impl ConnectionTrait,
        parent: Space,
    ) -> AppResult<LoadedParent> {
        let policy = match parent.authorization_id {
            Some(id) => auth_repo::load(conn, id).await?.map(|s| s.policy),
            None => None,
        }
        .ok_or_else(|| AppError::internal_msg(format_args!("space {} has no policy", parent.id)))?;
        let role_set = self.community_role_set_in(conn, &parent).await?;
        let grandparent_member = match parent.parent_space_id {
            Some(gp) => {
                let gp = repo::find(conn, gp)
                    .await?
                    .ok_or_else(|| AppError::internal_msg(format_args!("space {gp} missing")))?;
                member_of(&self.community_role_set_in(conn, &gp).await?)
            }
            None => None,
        };
        Ok(LoadedParent {
            space: parent,
            policy,
            role_set,
            grandparent_member,
        })
    }

    async fn unique_name_id(
        &self,
        wanted: Option<String>,
        display_name: &str,
        tree: Option<ActorId>,
    ) -> AppResult<String> {
        let conn = self.db.conn();
        match wanted {
            Some(wanted) => {
                let n = check_name_id(&wanted)?;
                let taken = match tree {
                    Some(l0) => repo::id_in_tree_by_name_id(conn, l0, &n).await?,
                    None => repo::l0_id_by_name_id(conn, &n).await?,
                };
                let restricted = tree.is_none() && RESTRICTED_SPACE_NAMES.contains(&n.as_str());
                if taken.is_some() || restricted {
                    return Err(AppError::bad_input(format!(
                        "Unable to create entity: the provided nameID is already taken or restricted: {n}"
                    )));
                }
                Ok(n)
            }
            None => {
                let prefix = name_id::generate(display_name);
                let taken = repo::name_ids_with_prefix(conn, tree, &prefix).await?;
                Ok(name_id::generate_unique(display_name, |n| {
                    taken.iter().any(|t| t == n)
                        || (tree.is_none() && RESTRICTED_SPACE_NAMES.contains(&n))
                }))
            }
        }
    }

    /// `createSpace`: needs CREATE_SPACE on the account and, unless the caller is a platform
    /// admin on it, a free space in the account's license. The creator becomes member, lead
    /// and admin.
    pub async fn create_space(
        &self,
        caller: &ActorContext,
        account_id: ActorId,
        new: NewSpace,
    ) -> AppResult<Space> {
        let account = self.users.account(account_id).await?.ok_or_else(|| {
            AppError::new(
                ErrorStatus::AccountNotFound,
                format!("Account {account_id} not found"),
            )
        })?;
        let account_policy = self.policy_of(account.authorization_id).await?;
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            account_policy.as_ref(),
            P::CreateSpace,
            "create a space on an account",
        )?;
        let platform_admin = account_policy
            .as_ref()
            .map(|p| p.is_granted(&caller.credentials, P::PlatformAdmin))
            .transpose()?
            .unwrap_or(false);
        // The plan asked for must be a space plan; its tier says which of the account's
        // entitlements the space uses (the reference always checks the free one and then
        // grants whatever plan was named).
        let tier = match new.license_plan_id {
            Some(plan_id) => {
                let plan = alkemio_licensing::framework::plans(self.db.conn())
                    .await?
                    .into_iter()
                    .find(|p| p.id == plan_id)
                    .ok_or_else(|| {
                        AppError::not_found(format!("License plan {plan_id} not found"))
                    })?;
                if plan.plan_type
                    != alkemio_licensing::framework::LicensingCredentialBasedPlanType::SpacePlan
                {
                    return Err(AppError::bad_input(format!(
                        "License plan {} is not a space plan",
                        plan.name
                    )));
                }
                use alkemio_licensing::framework::LicensingCredentialBasedCredentialType as L;
                match plan.license_credential {
                    L::SpaceLicensePlus => Some(LicenseEntitlementType::AccountSpacePlus),
                    L::SpaceLicensePremium => Some(LicenseEntitlementType::AccountSpacePremium),
                    L::SpaceLicenseFree => Some(LicenseEntitlementType::AccountSpaceFree),
                    _ => None,
                }
            }
            None => Some(LicenseEntitlementType::AccountSpaceFree),
        };
        if !platform_admin {
            let kind = tier.ok_or_else(|| {
                AppError::bad_input("Only platform admins may create spaces of this plan")
            })?;
            let limit = match account.license_id {
                Some(id) => alkemio_licensing::licenses(self.db.conn(), &[id])
                    .await?
                    .remove(&id)
                    .and_then(|l| {
                        l.entitlements
                            .into_iter()
                            .find(|e| e.entitlement_type == kind)
                    }),
                None => None,
            };
            let usage = self.usage_of_account(account_id).await?;
            let used = match kind {
                LicenseEntitlementType::AccountSpacePlus => usage.plus,
                LicenseEntitlementType::AccountSpacePremium => usage.premium,
                _ => usage.free,
            };
            if !limit.as_ref().is_some_and(|e| e.is_available(used)) {
                return Err(AppError::bad_input(format!(
                    "Unable to create {} on account: {account_id}. Entitlement limit of {} of type {} reached",
                    kind.as_str(),
                    limit.map_or(0, |e| e.limit),
                    kind.as_str()
                )));
            }
        }
        let creator = match caller.kind {
            ActorKind::Authenticated { actor_id } => Some(ActorId(actor_id)),
            _ => None,
        };
        let parent_aggregator = self
            .users
            .actors()
            .actor(account_id)
            .await?
            .and_then(|a| a.storage_aggregator_id);
        let space = self
            .build_and_store(
                new,
                SpaceLevel::L0,
                Some(account_id),
                None,
                CreatedBy {
                    creator,
                    trigger: caller.authenticated_id(),
                },
                parent_aggregator,
            )
            .await?;
        tracing::info!(space.id = %space.id, space.name_id = %space.name_id, "space created");
        Ok(space)
    }

    /// `createSubspace`: needs CREATE_SUBSPACE on the parent; spaces nest two levels deep. The
    /// creator becomes member, lead and admin when a member of the parent.
    pub async fn create_subspace(
        &self,
        caller: &ActorContext,
        parent_id: ActorId,
        new: NewSpace,
    ) -> AppResult<Space> {
        let parent = self.get_or_fail(parent_id).await?;
        self.require(caller, &parent, P::CreateSubspace, "create a subspace")
            .await?;
        let level = parent.level.child().ok_or_else(|| {
            AppError::bad_input(format!(
                "Space {parent_id} is at the deepest level; it cannot have subspaces"
            ))
        })?;
        let parent_set = self.role_set_of(&parent).await?;
        let creator = match caller.kind {
            ActorKind::Authenticated { actor_id } => {
                let member = member_of(&parent_set);
                member
                    .filter(|m| caller.credentials.contains(m))
                    .map(|_| ActorId(actor_id))
            }
            _ => None,
        };
        let space = self
            .build_and_store(
                new,
                level,
                parent.account_id,
                Some(parent.clone()),
                CreatedBy {
                    creator,
                    trigger: caller.authenticated_id(),
                },
                parent.storage_aggregator_id,
            )
            .await?;
        tracing::info!(space.id = %space.id, parent.id = %parent_id, "subspace created");
        // Nobody listening is not an error.
        let _ = self.subspaces_created.send(SubspaceCreated {
            parent: parent.id,
            subspace: space.id,
        });
        Ok(space)
    }

    #[allow(clippy::too_many_lines)]
    async fn build_and_store(
        &self,
        new: NewSpace,
        level: SpaceLevel,
        account_id: Option<ActorId>,
        parent: Option<Space>,
        by: CreatedBy,
        parent_aggregator: Option<Uuid>,
    ) -> AppResult<Space> {
        let CreatedBy { creator, trigger } = by;
        let display_name = new.profile.display_name.trim().to_owned();
        let tree = parent.as_ref().map(|p| p.level_zero_space_id);
        let name_id = self
            .unique_name_id(new.name_id, &display_name, tree)
            .await?;
        let loaded_parent = match &parent {
            Some(p) => Some(self.parent_context(self.db.conn(), p.clone()).await?),
            None => None,
        };
        let mut settings = new.base_settings.clone().unwrap_or_else(|| match &parent {
            Some(_) => SpaceSettings::default_subspace(),
            None => SpaceSettings::default_l0(),
        });
        new.settings.apply(&mut settings);
        let visibility = parent
            .as_ref()
            .map(|p| p.visibility)
            .unwrap_or(SpaceVisibility::Active);
        let id = ActorId::new();
        let access = platform_roles_access(
            level,
            &settings,
            visibility,
            parent.as_ref().map(|p| &p.platform_roles_access),
        );
        let role_set_parent = loaded_parent.as_ref().map(|p| &p.role_set);
        let mut role_set = new_space_role_set(id, role_set_parent);
        let sort_order = match &parent {
            // as in the reference, a new subspace sorts before its siblings
            Some(p) => repo::min_sort_order(self.db.conn(), p.id)
                .await?
                .map_or(0, |m| m.min(0).saturating_sub(1)),
            None => 0,
        };
        let now = repo::now();
        let about_id = Uuid::now_v7();
        let community_id = Uuid::now_v7();
        let mut space = Space {
            id,
            name_id: name_id.clone(),
            level,
            level_zero_space_id: parent.as_ref().map_or(id, |p| p.level_zero_space_id),
            parent_space_id: parent.as_ref().map(|p| p.id),
            account_id,
            visibility,
            settings,
            platform_roles_access: access,
            sort_order,
            pinned: false,
            about_id: Some(about_id),
            community_id: Some(community_id),
            license_id: None,
            collaboration_id: None,
            templates_manager_id: None,
            storage_aggregator_id: None,
            profile_id: None,
            authorization_id: None,
            row_id: 0,
            created_date: now,
            updated_date: now,
        };
        let ctx = SpaceContext {
            space: &space,
            role_set: &role_set,
            parent: loaded_parent.as_ref().map(LoadedParent::context),
        };
        let mut policy = auth_repo::new_policy(AuthorizationPolicyType::Space);
        apply_space_policy(&mut policy, &ctx);
        let mut about_policy = auth_repo::new_policy(AuthorizationPolicyType::SpaceAbout);
        apply_inherited_policy(&mut about_policy, &about_parent(&policy, &ctx));
        let mut guidelines_policy =
            auth_repo::new_policy(AuthorizationPolicyType::CommunityGuidelines);
        apply_inherited_policy(&mut guidelines_policy, &about_policy);
        let mut community_policy = auth_repo::new_policy(AuthorizationPolicyType::Community);
        apply_community_policy(&mut community_policy, &policy, &ctx);
        let communication = CommunicationService::build(&display_name, &community_policy, now);
        let mut role_set_policy = auth_repo::new_policy(AuthorizationPolicyType::RoleSet);
        apply_space_role_set_policy(&mut role_set_policy, &community_policy, &ctx);
        let collaboration_access = collaboration_access(&ctx);
        role_set.authorization_id = Some(role_set_policy.id);

        let (aggregator, direct, mut policies) = self.profiles().storage().new_aggregator(
            StorageAggregatorType::Space,
            parent_aggregator,
            &policy,
        );
        let mut profile_input = new.profile;
        if !profile_input.tagsets.iter().any(|t| t.name == "default") {
            profile_input.tagsets.insert(
                0,
                NewTagset {
                    name: "default".to_owned(),
                    tags: Vec::new(),
                },
            );
        }
        for visual in [VisualType::Avatar, VisualType::Banner, VisualType::Card] {
            if !profile_input.visuals.contains(&visual) {
                profile_input.visuals.push(visual);
            }
        }
        let about_profile = self.profiles().build(
            profile_input,
            ProfileType::SpaceAbout,
            &about_policy,
            Some(aggregator.id),
        )?;
        let guidelines_profile = self.profiles().build(
            new.guidelines.unwrap_or_else(|| NewProfile {
                display_name: "Community Guidelines".to_owned(),
                ..Default::default()
            }),
            ProfileType::CommunityGuidelines,
            &guidelines_policy,
            Some(aggregator.id),
        )?;
        // A new L0 space gets the plans meant for new spaces of its account's kind; a subspace
        // is licensed by its ancestors' licensing credentials.
        let license_rules = alkemio_licensing::framework::policy(self.db.conn()).await?;
        let issued: Vec<C> = match (&parent, account_id) {
            (None, Some(account)) => {
                let for_orgs = self.users.account(account).await?.is_some_and(|a| {
                    a.account_type == alkemio_contributor::account::AccountType::Organization
                });
                alkemio_licensing::framework::plans(self.db.conn())
                    .await?
                    .into_iter()
                    .filter(|p| {
                        Some(p.id) == new.license_plan_id
                            || if for_orgs {
                                p.assign_to_new_organization_accounts
                            } else {
                                p.assign_to_new_user_accounts
                            }
                    })
                    .map(|p| p.license_credential.credential_type())
                    .collect()
            }
            _ => Vec::new(),
        };
        let mut held = issued.clone();
        if let Some(p) = &parent {
            held.extend(crate::licensing::licensing_credentials_of_tree(self, p).await?);
        }
        let (license, license_policy) =
            alkemio_licensing::new_space_license(&policy, &held, &license_rules);
        let collaboration = self.collaborations.build(
            &policy,
            &collaboration_access,
            level == SpaceLevel::L0,
            Some(aggregator.id),
            &alkemio_licensing::collaboration_flags(&license.entitlements),
            now,
            new.flow,
        )?;
        let guidelines = CommunityGuidelines {
            id: Uuid::now_v7(),
            profile_id: Some(guidelines_profile.profile.id),
            authorization_id: Some(guidelines_policy.id),
            created_date: now,
            updated_date: now,
        };
        let about = SpaceAbout {
            id: about_id,
            why: new.why,
            who: new.who,
            profile_id: Some(about_profile.profile.id),
            guidelines_id: Some(guidelines.id),
            authorization_id: Some(about_policy.id),
            created_date: now,
            updated_date: now,
        };
        let community = Community {
            id: community_id,
            parent_id: Some(id.0),
            role_set_id: Some(role_set.id),
            communication_id: Some(communication.communication.id),
            authorization_id: Some(community_policy.id),
            created_date: now,
            updated_date: now,
        };
        space.collaboration_id = Some(collaboration.collaboration.id);
        // an L0 space has a templates manager: one default, the template of its subspaces
        let templates = (level == SpaceLevel::L0).then(|| {
            alkemio_template::TemplateService::build_manager(
                &policy,
                &[(
                    alkemio_template::TemplateDefaultType::SpaceSubspace,
                    alkemio_template::TemplateType::Space,
                )],
            )
        });
        space.templates_manager_id = templates.as_ref().map(|t| t.0.id);
        space.license_id = Some(license.id);
        space.storage_aggregator_id = Some(aggregator.id);
        space.profile_id = Some(about_profile.profile.id);
        space.authorization_id = Some(policy.id);

        let txn = self.db.begin().await?;
        alkemio_contributor::repo::insert_actor(
            &txn,
            &Actor {
                id,
                actor_type: ActorType::Space,
                name_id: id.0.to_string(),
                profile_id: space.profile_id,
                storage_aggregator_id: space.storage_aggregator_id,
                authorization_id: None,
                created_date: now,
                updated_date: now,
            },
        )
        .await?;
        repo::insert(&txn, &space).await?;
        self.profiles()
            .storage()
            .insert_aggregator_in(&txn, &aggregator, &direct)
            .await?;
        self.profiles().insert_in(&txn, &about_profile).await?;
        self.profiles().insert_in(&txn, &guidelines_profile).await?;
        repo::insert_guidelines(&txn, &guidelines).await?;
        repo::insert_about(&txn, &about).await?;
        policies.push(
            self.role_sets
                .create_in(
                    &txn,
                    &role_set,
                    Some(&role_set_policy),
                    &alkemio_licensing::role_set_flags(Some(&license.entitlements)),
                )
                .await?,
        );
        repo::insert_community(&txn, &community).await?;
        CommunicationService::insert_in(&txn, &communication).await?;
        policies.extend(communication.policies.iter().cloned());
        alkemio_licensing::insert_license(&txn, &license).await?;
        self.collaborations.insert_in(&txn, &collaboration).await?;
        policies.extend(collaboration.policies.iter().cloned());
        if let Some((manager, set, defaults, template_policies)) = &templates {
            alkemio_template::TemplateService::insert_manager_in(&txn, manager, set, defaults)
                .await?;
            policies.extend(template_policies.iter().cloned());
        }
        policies.extend(about_profile.policies.iter().cloned());
        policies.extend(guidelines_profile.policies.iter().cloned());
        policies.extend([
            policy,
            about_policy,
            guidelines_policy,
            community_policy,
            role_set_policy,
            license_policy,
        ]);
        auth_repo::save_all(&txn, &policies).await?;
        alkemio_contributor::repo::set_actor_authorization_id(
            &txn,
            id,
            space.authorization_id.unwrap_or_default(),
        )
        .await?;
        if level == SpaceLevel::L0 {
            for credential in issued {
                self.users
                    .actors()
                    .grant_in(&txn, id, &Credential::new(credential, id))
                    .await?;
            }
        }
        if let Some(creator) = creator {
            for role in [RoleName::Member, RoleName::Lead, RoleName::Admin] {
                if let Some(r) = role_set.role(role) {
                    self.users
                        .actors()
                        .grant_in(&txn, creator, &r.credential)
                        .await?;
                }
            }
            if let Some(parent) = &parent {
                self.users
                    .actors()
                    .grant_in(
                        &txn,
                        creator,
                        &Credential::new(C::SpaceSubspaceAdmin, parent.id),
                    )
                    .await?;
            }
            if role_set.role(RoleName::Member).is_some() {
                record_member_joined(&txn, &space, creator, creator.0).await?;
            }
        }
        if let (Some(parent), Some(trigger)) = (&parent, trigger)
            && let Some(collaboration_id) = parent.collaboration_id
        {
            activity::record(
                &txn,
                NewActivity {
                    triggered_by: trigger,
                    resource_id: id.0,
                    parent_id: Some(parent.id.0),
                    collaboration_id,
                    description: display_name.clone(),
                    message_id: None,
                    event_type: ActivityEventType::SubspaceCreated,
                },
            )
            .await?;
        }
        if level == SpaceLevel::L0 && account_id.is_some() {
            self.users
                .outbox()
                .record(
                    &txn,
                    alkemio_events::DomainEvent::SpaceCreated { space_id: id.0 },
                    creator.map(|c| c.0),
                )
                .await?;
        }
        txn.commit().await?;
        self.users.outbox().wake();
        if let Some(creator) = creator {
            self.users.actors().invalidate(creator).await?;
            self.refresh_user_policy(creator).await?;
        }
        self.get_or_fail(id).await
    }

    /// Stores `root` and recomputes the policies of it and every space below it (and what each
    /// owns) inside the caller's transaction, after settings or visibility changed; a given
    /// `visibility` is set on the whole tree. Each subspace's derived platform access is
    /// recomputed from its parent's first.
    pub async fn recompute_tree(
        &self,
        conn: &impl ConnectionTrait,
        root: &Space,
        visibility: Option<SpaceVisibility>,
    ) -> AppResult<usize> {
        let parent = match root.parent_space_id {
            Some(id) => {
                let parent = repo::find(conn, id)
                    .await?
                    .ok_or_else(|| AppError::internal_msg(format_args!("space {id} missing")))?;
                Some(self.parent_context(conn, parent).await?)
            }
            None => None,
        };
        let mut stack: Vec<(Space, Option<LoadedParent>)> = vec![(root.clone(), parent)];
        let mut saved = 0;
        while let Some((mut space, parent)) = stack.pop() {
            if let Some(v) = visibility {
                space.visibility = v;
            }
            space.platform_roles_access = platform_roles_access(
                space.level,
                &space.settings,
                space.visibility,
                parent.as_ref().map(|p| &p.space.platform_roles_access),
            );
            repo::update(conn, &space).await?;
            let role_set = self.community_role_set_in(conn, &space).await?;
            let ctx = SpaceContext {
                space: &space,
                role_set: &role_set,
                parent: parent.as_ref().map(LoadedParent::context),
            };
            let policies = self.space_policies(conn, &ctx).await?;
            saved += policies.len();
            let space_policy = policies
                .first()
                .cloned()
                .ok_or_else(|| AppError::internal_msg("space policy missing"))?;
            auth_repo::save_all(conn, &policies).await?;
            let children: Vec<Uuid> = repo::subspace_ids_of(conn, &[space.id.0])
                .await?
                .into_iter()
                .map(|(_, c)| c)
                .collect();
            let grandparent_member = parent.as_ref().and_then(|p| member_of(&p.role_set));
            for child in repo::find_many(conn, &children).await? {
                stack.push((
                    child,
                    Some(LoadedParent {
                        space: space.clone(),
                        policy: space_policy.clone(),
                        role_set: role_set.clone(),
                        grandparent_member: grandparent_member.clone(),
                    }),
                ));
            }
        }
        Ok(saved)
    }

    /// The recomputed policies of one space and what it owns; the space's own comes first.
    async fn space_policies(
        &self,
        conn: &impl ConnectionTrait,
        ctx: &SpaceContext<'_>,
    ) -> AppResult<Vec<AuthorizationPolicy>> {
        let space = ctx.space;
        let about = match space.about_id {
            Some(id) => repo::abouts(conn, &[id]).await?.remove(&id),
            None => None,
        };
        let guidelines = match about.as_ref().and_then(|a| a.guidelines_id) {
            Some(id) => repo::guidelines(conn, &[id]).await?.remove(&id),
            None => None,
        };
        let community = match space.community_id {
            Some(id) => repo::communities(conn, &[id]).await?.remove(&id),
            None => None,
        };
        let license = match space.license_id {
            Some(id) => alkemio_licensing::licenses(conn, &[id]).await?.remove(&id),
            None => None,
        };
        let ids: Vec<Uuid> = [
            space.authorization_id,
            about.as_ref().and_then(|a| a.authorization_id),
            guidelines.as_ref().and_then(|g| g.authorization_id),
            community.as_ref().and_then(|c| c.authorization_id),
            ctx.role_set.authorization_id,
            license.as_ref().and_then(|l| l.authorization_id),
        ]
        .into_iter()
        .flatten()
        .collect();
        let stored = auth_repo::load_many(conn, &ids).await?;
        let load = |id: Option<Uuid>, ty| match id.and_then(|id| stored.get(&id)) {
            Some(s) => s.policy.clone(),
            None => AuthorizationPolicy::new(id.unwrap_or_else(Uuid::now_v7), ty),
        };
        let mut policy = load(space.authorization_id, AuthorizationPolicyType::Space);
        apply_space_policy(&mut policy, ctx);
        let mut out = vec![policy.clone()];
        if let Some(about) = &about {
            let mut about_policy =
                load(about.authorization_id, AuthorizationPolicyType::SpaceAbout);
            apply_inherited_policy(&mut about_policy, &about_parent(&policy, ctx));
            if let Some(profile) = about.profile_id {
                out.extend(
                    self.profiles()
                        .recompute_policies(conn, profile, &about_policy)
                        .await?,
                );
            }
            if let Some(g) = &guidelines {
                let mut gp = load(
                    g.authorization_id,
                    AuthorizationPolicyType::CommunityGuidelines,
                );
                apply_inherited_policy(&mut gp, &about_policy);
                if let Some(profile) = g.profile_id {
                    out.extend(
                        self.profiles()
                            .recompute_policies(conn, profile, &gp)
                            .await?,
                    );
                }
                out.push(gp);
            }
            out.push(about_policy);
        }
        if let Some(c) = &community {
            let mut cp = load(c.authorization_id, AuthorizationPolicyType::Community);
            apply_community_policy(&mut cp, &policy, ctx);
            if let Some(communication) = c.communication_id {
                out.extend(
                    CommunicationService::recompute_policies(conn, communication, &cp).await?,
                );
            }
            let mut rp = load(
                ctx.role_set.authorization_id,
                AuthorizationPolicyType::RoleSet,
            );
            apply_space_role_set_policy(&mut rp, &cp, ctx);
            out.extend(entry_policies(conn, ctx.role_set.id, &rp).await?);
            out.extend(
                self.role_sets
                    .license_policy_in(conn, ctx.role_set, &rp)
                    .await?,
            );
            out.extend(
                groups::group_policies_under(
                    conn,
                    self.profiles(),
                    &cp,
                    GroupParent::Community(c.id),
                )
                .await?,
            );
            out.push(cp);
            out.push(rp);
        }
        if let Some(l) = &license {
            let mut lp = load(l.authorization_id, AuthorizationPolicyType::License);
            apply_inherited_policy(&mut lp, &policy);
            out.push(lp);
        }
        if let Some(aggregator) = space.storage_aggregator_id {
            out.extend(
                self.profiles()
                    .storage()
                    .recompute_aggregator_policies(conn, aggregator, &policy)
                    .await?,
            );
        }
        if let Some(collaboration) = space.collaboration_id {
            out.extend(
                self.collaborations
                    .recompute_policies(conn, collaboration, &policy, &collaboration_access(ctx))
                    .await?,
            );
        }
        if let Some(manager) = space.templates_manager_id {
            out.extend(
                self.templates
                    .recompute_manager_policies(conn, manager, &policy)
                    .await?,
            );
        }
        Ok(out)
    }

    /// `updateSpace`: needs UPDATE on the space; changes the about's why, who and profile.
    pub async fn update(
        &self,
        caller: &ActorContext,
        id: ActorId,
        why: Option<String>,
        who: Option<String>,
        profile: Option<alkemio_common::profile::ProfileUpdate>,
    ) -> AppResult<Space> {
        let space = self.get_or_fail(id).await?;
        self.require(caller, &space, P::Update, "update a space")
            .await?;
        let about_id = space
            .about_id
            .ok_or_else(|| AppError::internal_msg(format_args!("space {id} has no about")))?;
        let mut about = repo::abouts(self.db.conn(), &[about_id])
            .await?
            .remove(&about_id)
            .ok_or_else(|| AppError::internal_msg(format_args!("about {about_id} missing")))?;
        if why.is_some() {
            about.why = why;
        }
        if who.is_some() {
            about.who = who;
        }
        let prepared = match (profile, about.profile_id) {
            (Some(changes), Some(profile_id)) => {
                Some(self.profiles().prepare_update(profile_id, changes).await?)
            }
            _ => None,
        };
        let txn = self.db.begin().await?;
        repo::update_about(&txn, &about).await?;
        if let Some(prepared) = &prepared {
            ProfileService::write_update(&txn, prepared).await?;
        }
        txn.commit().await?;
        Ok(space)
    }

    async fn guidelines_or_fail(&self, id: Uuid) -> AppResult<CommunityGuidelines> {
        repo::guidelines(self.db.conn(), &[id])
            .await?
            .remove(&id)
            .ok_or_else(|| AppError::not_found(format!("Community guidelines {id} not found")))
    }

    /// `updateCommunityGuidelines`: needs UPDATE on the guidelines; changes their profile.
    pub async fn update_guidelines(
        &self,
        caller: &ActorContext,
        id: Uuid,
        changes: alkemio_common::profile::ProfileUpdate,
    ) -> AppResult<CommunityGuidelines> {
        let guidelines = self.guidelines_or_fail(id).await?;
        let policy = self.policy_of(guidelines.authorization_id).await?;
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            policy.as_ref(),
            P::Update,
            "update community guidelines",
        )?;
        let profile = guidelines.profile_id.ok_or_else(|| {
            AppError::internal_msg(format_args!("guidelines {id} have no profile"))
        })?;
        let prepared = self.profiles().prepare_update(profile, changes).await?;
        let txn = self.db.begin().await?;
        ProfileService::write_update(&txn, &prepared).await?;
        txn.commit().await?;
        self.guidelines_or_fail(id).await
    }

    /// `removeCommunityGuidelinesContent`: needs UPDATE on the guidelines; empties their
    /// profile (display name, description, references).
    pub async fn erase_guidelines(
        &self,
        caller: &ActorContext,
        id: Uuid,
    ) -> AppResult<CommunityGuidelines> {
        let guidelines = self.guidelines_or_fail(id).await?;
        let policy = self.policy_of(guidelines.authorization_id).await?;
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            policy.as_ref(),
            P::Update,
            "empty community guidelines",
        )?;
        if let Some(profile) = guidelines.profile_id {
            let txn = self.db.begin().await?;
            self.profiles().erase_in(&txn, profile).await?;
            txn.commit().await?;
        }
        Ok(guidelines)
    }

    /// `updateSpaceSettings`: needs UPDATE on the space. Recomputes the subtree's policies in
    /// the same transaction unless only `allowEventsFromSubspaces` changed.
    pub async fn update_settings(
        &self,
        caller: &ActorContext,
        id: ActorId,
        change: SettingsChange,
    ) -> AppResult<Space> {
        let mut space = self.get_or_fail(id).await?;
        self.require(caller, &space, P::Update, "update a space's settings")
            .await?;
        // As in the reference, L0-only settings are stored on subspaces too and have no effect
        // there (platform support and trusted organizations are read from L0 spaces only).
        if let Some(m) = &change.membership {
            self.check_organizations(&m.trusted_organizations).await?;
        }
        let affects_policies = change.apply(&mut space.settings);
        let txn = self.db.begin().await?;
        if affects_policies {
            // stores the new settings with everything derived from them
            self.recompute_tree(&txn, &space, None).await?;
        } else {
            repo::update(&txn, &space).await?;
        }
        txn.commit().await?;
        self.get_or_fail(id).await
    }

    async fn check_organizations(&self, ids: &[Uuid]) -> AppResult<()> {
        for id in ids {
            let actor = self.users.actors().actor(ActorId(*id)).await?;
            if actor.is_none_or(|a| a.actor_type != ActorType::Organization) {
                return Err(AppError::not_found(format!(
                    "Trusted organization {id} not found"
                )));
            }
        }
        Ok(())
    }

    /// `updateSpacePlatformSettings`: needs PLATFORM_ADMIN on the space. A new NameID must be
    /// free; a new visibility (L0 only) is copied to every subspace, and the tree's policies are
    /// recomputed.
    pub async fn update_platform_settings(
        &self,
        caller: &ActorContext,
        id: ActorId,
        name_id: Option<String>,
        visibility: Option<SpaceVisibility>,
    ) -> AppResult<Space> {
        let mut space = self.get_or_fail(id).await?;
        self.require(
            caller,
            &space,
            P::PlatformAdmin,
            "update a space's platform settings",
        )
        .await?;
        if let Some(wanted) = name_id {
            let n = check_name_id(&wanted)?;
            if n != space.name_id {
                let tree = (space.level != SpaceLevel::L0).then_some(space.level_zero_space_id);
                self.unique_name_id(Some(n.clone()), &n, tree).await?;
                space.name_id = n;
            }
        }
        let visibility = visibility.filter(|v| *v != space.visibility);
        if visibility.is_some() && space.level != SpaceLevel::L0 {
            return Err(AppError::bad_input(format!(
                "Unable to update visibility on Space {id} as it is not a L0 space"
            )));
        }
        let txn = self.db.begin().await?;
        match visibility {
            // the whole tree takes the visibility, and its policies follow
            Some(v) => {
                self.recompute_tree(&txn, &space, Some(v)).await?;
            }
            None => repo::update(&txn, &space).await?,
        }
        txn.commit().await?;
        self.get_or_fail(id).await
    }

    /// `updateSubspacePinned`: needs UPDATE on the parent.
    pub async fn update_pinned(
        &self,
        caller: &ActorContext,
        parent: ActorId,
        subspace: ActorId,
        pinned: bool,
    ) -> AppResult<Space> {
        let parent = self.get_or_fail(parent).await?;
        self.require(caller, &parent, P::Update, "pin a subspace")
            .await?;
        let mut sub = self.get_or_fail(subspace).await?;
        if sub.parent_space_id != Some(parent.id) {
            return Err(AppError::not_found(
                "Subspace not found within parent Space",
            ));
        }
        sub.pinned = pinned;
        repo::update(self.db.conn(), &sub).await?;
        self.get_or_fail(subspace).await
    }

    /// `updateSubspacesSortOrder`: needs UPDATE on the parent; the listed subspaces get
    /// increasing sort orders in the order given (others keep theirs).
    pub async fn update_sort_order(
        &self,
        caller: &ActorContext,
        parent: ActorId,
        subspaces: &[Uuid],
    ) -> AppResult<Vec<Space>> {
        let parent = self.get_or_fail(parent).await?;
        self.require(caller, &parent, P::Update, "order subspaces")
            .await?;
        let mut unique = subspaces.to_vec();
        unique.sort();
        unique.dedup();
        if unique.len() != subspaces.len() {
            return Err(AppError::bad_input("Duplicate subspace IDs provided"));
        }
        let found = self.many(subspaces).await?;
        if found.len() != subspaces.len()
            || found.iter().any(|s| s.parent_space_id != Some(parent.id))
        {
            return Err(AppError::not_found(
                "Subspace not found within parent Space",
            ));
        }
        // As in the reference: from the lowest current value, in steps of ten.
        let base = found.iter().map(|s| s.sort_order).min().unwrap_or(0);
        let txn = self.db.begin().await?;
        for (i, mut s) in found.into_iter().enumerate() {
            let step = i32::try_from(i + 1).unwrap_or(i32::MAX).saturating_mul(10);
            s.sort_order = base.saturating_add(step);
            repo::update(&txn, &s).await?;
        }
        txn.commit().await?;
        self.many(subspaces).await
    }

    /// `deleteSpace`: needs DELETE on the space. Removes the space and every subspace with all
    /// they own (abouts, profiles, guidelines, communities and role sets with every role
    /// credential, storage and files, licenses, policies).
    pub async fn delete(&self, caller: &ActorContext, id: ActorId) -> AppResult<Space> {
        let space = self.get_or_fail(id).await?;
        self.require(caller, &space, P::Delete, "delete a space")
            .await?;
        let mut ids = repo::descendant_ids(self.db.conn(), id).await?;
        ids.reverse();
        ids.push(id.0);
        let spaces = self.many(&ids).await?;
        let about_ids: Vec<Uuid> = spaces.iter().filter_map(|s| s.about_id).collect();
        let abouts = self.abouts(&about_ids).await?;
        let guideline_ids: Vec<Uuid> = abouts.values().filter_map(|a| a.guidelines_id).collect();
        let guidelines = self.guidelines(&guideline_ids).await?;
        let community_ids: Vec<Uuid> = spaces.iter().filter_map(|s| s.community_id).collect();
        let communities = self.communities(&community_ids).await?;
        let mut role_sets = Vec::new();
        for c in communities.values() {
            if let Some(r) = c.role_set_id {
                role_sets.push(self.role_sets.get(r).await?);
            }
        }
        let mut policies: Vec<Uuid> = spaces
            .iter()
            .filter_map(|s| s.authorization_id)
            .chain(abouts.values().filter_map(|a| a.authorization_id))
            .chain(guidelines.values().filter_map(|g| g.authorization_id))
            .chain(communities.values().filter_map(|c| c.authorization_id))
            .collect();
        let profile_ids: Vec<Uuid> = abouts
            .values()
            .filter_map(|a| a.profile_id)
            .chain(guidelines.values().filter_map(|g| g.profile_id))
            .collect();
        let aggregators: Vec<Uuid> = spaces
            .iter()
            .filter_map(|s| s.storage_aggregator_id)
            .collect();
        let licenses: Vec<Uuid> = spaces.iter().filter_map(|s| s.license_id).collect();

        let txn = self.db.begin().await?;
        let mut holders = Vec::new();
        for set in &role_sets {
            let (h, policy) = self.role_sets.delete_in(&txn, set).await?;
            holders.extend(h);
            policies.extend(policy);
        }
        let communications: Vec<Uuid> = communities
            .values()
            .filter_map(|c| c.communication_id)
            .collect();
        policies.extend(CommunicationService::delete_in(&txn, &communications).await?);
        let groups = groups::groups_of_communities(&txn, &community_ids).await?;
        let mut deleted_groups = alkemio_contributor::service::Deleted::default();
        groups::delete_groups_in(&txn, self.profiles(), &groups, &mut deleted_groups).await?;
        holders.extend(deleted_groups.actors);
        policies.extend(deleted_groups.policies);
        for s in &spaces {
            holders.extend(
                alkemio_contributor::repo::revoke_from_all(
                    &txn,
                    &Credential::new(C::SpaceSubspaceAdmin, s.id),
                )
                .await?,
            );
            holders.extend(
                alkemio_contributor::repo::revoke_from_all(
                    &txn,
                    &Credential::new(C::SpaceMemberInvitee, s.id),
                )
                .await?,
            );
        }
        let deleted_profiles = self.profiles().delete_in(&txn, &profile_ids).await?;
        let released = self
            .profiles()
            .storage()
            .delete_aggregators_in(&txn, &aggregators)
            .await?;
        policies.extend(alkemio_licensing::delete_licenses(&txn, &licenses).await?);
        let collaborations: Vec<Uuid> = spaces.iter().filter_map(|s| s.collaboration_id).collect();
        policies.extend(self.collaborations.delete_in(&txn, &collaborations).await?);
        let mut released = released;
        for manager in spaces.iter().filter_map(|s| s.templates_manager_id) {
            let (p, hashes) = self.templates.delete_manager_in(&txn, manager).await?;
            policies.extend(p);
            released.1.extend(hashes);
        }
        activity::delete_for(&txn, &collaborations, &ids).await?;
        repo::delete_rows(&txn, &ids, &about_ids, &guideline_ids, &community_ids).await?;
        for s in &spaces {
            alkemio_contributor::repo::delete_actor(&txn, s.id).await?;
        }
        policies.extend(deleted_profiles);
        policies.extend(released.0);
        auth_repo::delete(&txn, &policies).await?;
        txn.commit().await?;
        self.profiles()
            .storage()
            .release_contents(&released.1)
            .await?;
        holders.sort();
        holders.dedup();
        for h in holders {
            self.users.actors().invalidate(h).await?;
            self.refresh_user_policy(h).await?;
        }
        tracing::info!(space.id = %id, spaces = ids.len(), "space deleted");
        Ok(space)
    }

    pub(crate) async fn refresh_user_policy(&self, actor: ActorId) -> AppResult<()> {
        let user = UserId(actor.0);
        if self.users.user(user).await?.is_some() {
            self.users.reset_authorization(user).await?;
        }
        Ok(())
    }

    pub(crate) async fn space_of_role_set(&self, set: &RoleSet) -> AppResult<Space> {
        if set.role_set_type != RoleSetType::Space {
            return Err(AppError::bad_input(format!(
                "Role set {} does not belong to a space",
                set.id
            )));
        }
        self.by_role_set(set.id)
            .await?
            .ok_or_else(|| AppError::internal_msg(format_args!("role set {} has no space", set.id)))
    }

    /// Gives an actor a role in a space's role set. The member role needs
    /// ROLESET_ENTRY_ROLE_ASSIGN, the others GRANT. An admin of a subspace also becomes a
    /// subspace admin of the parent.
    pub async fn assign_role(
        &self,
        caller: &ActorContext,
        set: &RoleSet,
        role: RoleName,
        actor: ActorId,
    ) -> AppResult<()> {
        let space = self.space_of_role_set(set).await?;
        let policy = self.policy_of(set.authorization_id).await?;
        let privilege = if role == set.entry_role_name {
            P::RolesetEntryRoleAssign
        } else {
            P::Grant
        };
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            policy.as_ref(),
            privilege,
            &format!("assign role '{role}' in a space"),
        )?;
        self.assign_unchecked(
            &space,
            set,
            role,
            actor,
            Announce::By(caller.authenticated_id()),
        )
        .await
    }

    async fn assign_unchecked(
        &self,
        space: &Space,
        set: &RoleSet,
        role: RoleName,
        actor: ActorId,
        announce: Announce,
    ) -> AppResult<()> {
        let txn = self.db.begin().await?;
        let granted = self
            .grant_role_in(&txn, space, set, role, actor, announce)
            .await?;
        txn.commit().await?;
        self.users.outbox().wake();
        // As in the reference, holding the role already is not an error.
        if granted {
            self.after_grant(actor).await?;
        }
        Ok(())
    }

    /// Gives `actor` a role in a space's role set inside the caller's transaction, with the
    /// role's checks (parent membership, limits) and the credentials it implies; `false` when
    /// the actor held it already. The caller runs [`Self::after_grant`] after committing.
    pub(crate) async fn grant_role_in(
        &self,
        conn: &impl ConnectionTrait,
        space: &Space,
        set: &RoleSet,
        role: RoleName,
        actor: ActorId,
        announce: Announce,
    ) -> AppResult<bool> {
        let implied: Vec<Credential> = match (role, space.parent_space_id) {
            (RoleName::Admin, Some(parent)) => {
                vec![Credential::new(C::SpaceSubspaceAdmin, parent)]
            }
            _ => Vec::new(),
        };
        let granted = self
            .role_sets
            .assign_in(conn, set, role, actor, &implied)
            .await?;
        // A new member is announced (to the member and the space's admins), as the reference
        // does for every member grant made by someone, except to organizations.
        if let Announce::By(Some(trigger)) = announce
            && granted
            && role == RoleName::Member
        {
            record_member_joined(conn, space, actor, trigger).await?;
        }
        if let Announce::By(trigger) = announce
            && granted
            && role == set.entry_role_name
        {
            self.users
                .outbox()
                .record(
                    conn,
                    alkemio_events::DomainEvent::MemberJoined {
                        space_id: space.id.0,
                        actor_id: actor.0,
                    },
                    trigger,
                )
                .await?;
        }
        Ok(granted)
    }

    /// What follows a committed grant: the actor's cached credentials go, and a user's own
    /// policy is recomputed (co-members may now read their profile).
    pub(crate) async fn after_grant(&self, actor: ActorId) -> AppResult<()> {
        self.role_sets.invalidate(actor).await?;
        self.refresh_user_policy(actor).await
    }

    /// Gives an organization a role in a space's role set: needs both
    /// ROLESET_ENTRY_ROLE_ASSIGN_ORGANIZATION and GRANT (so plain space admins cannot). The
    /// actor must be an organization (the reference granted first and failed after).
    pub async fn assign_organization_role(
        &self,
        caller: &ActorContext,
        set: &RoleSet,
        role: RoleName,
        organization: ActorId,
    ) -> AppResult<()> {
        let space = self.space_of_role_set(set).await?;
        let policy = self.policy_of(set.authorization_id).await?;
        for privilege in [P::RolesetEntryRoleAssignOrganization, P::Grant] {
            grant_access_or_fail(
                &caller.actor_id(),
                &caller.credentials,
                policy.as_ref(),
                privilege,
                &format!("assign role '{role}' to an organization in a space"),
            )?;
        }
        self.require_organization(organization).await?;
        // As in the reference, an organization's new role is not announced.
        self.assign_unchecked(&space, set, role, organization, Announce::No)
            .await
    }

    /// Takes a role in a space's role set from an organization (needs GRANT).
    pub async fn remove_organization_role(
        &self,
        caller: &ActorContext,
        set: &RoleSet,
        role: RoleName,
        organization: ActorId,
    ) -> AppResult<()> {
        self.space_of_role_set(set).await?;
        let policy = self.policy_of(set.authorization_id).await?;
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            policy.as_ref(),
            P::Grant,
            &format!("remove role '{role}' from an organization in a space"),
        )?;
        self.require_organization(organization).await?;
        self.remove_role(caller, set, role, organization).await
    }

    async fn require_organization(&self, id: ActorId) -> AppResult<()> {
        self.require_actor_of_type(id, ActorType::Organization)
            .await
    }

    async fn require_actor_of_type(&self, id: ActorId, kind: ActorType) -> AppResult<()> {
        let name = match kind {
            ActorType::Organization => "an organization",
            ActorType::VirtualContributor => "a virtual contributor",
            _ => "of the expected kind",
        };
        match self.role_sets.actor_in(self.db.conn(), id).await? {
            Some(a) if a.actor_type == kind => Ok(()),
            Some(_) => Err(AppError::bad_input(format!("Actor {id} is not {name}"))),
            None => Err(AppError::not_found(format!(
                "Unable to find Actor with ID: {id}"
            ))),
        }
    }

    /// `assignRoleToVirtualContributor`: the member role needs COMMUNITY_ASSIGN_VC_FROM_ACCOUNT
    /// when the virtual contributor's account hosts the space (`account`), otherwise
    /// ROLESET_ENTRY_ROLE_ASSIGN; other roles need GRANT. The space's license must let virtual
    /// contributors in (SPACE_FLAG_VIRTUAL_CONTRIBUTOR_ACCESS).
    pub async fn assign_virtual_contributor_role(
        &self,
        caller: &ActorContext,
        set: &RoleSet,
        role: RoleName,
        virtual_contributor: ActorId,
        account: Option<ActorId>,
    ) -> AppResult<()> {
        let space = self.space_of_role_set(set).await?;
        let privilege = if role == RoleName::Member {
            let host = if space.parent_space_id.is_none() {
                space.account_id
            } else {
                self.get_or_fail(space.level_zero_space_id)
                    .await?
                    .account_id
            };
            if account.is_some() && host == account {
                P::CommunityAssignVcFromAccount
            } else {
                P::RolesetEntryRoleAssign
            }
        } else {
            P::Grant
        };
        let policy = self.policy_of(set.authorization_id).await?;
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            policy.as_ref(),
            privilege,
            &format!("assign virtual community role: {}", set.id),
        )?;
        self.require_actor_of_type(virtual_contributor, ActorType::VirtualContributor)
            .await?;
        let license = match set.license_id {
            Some(id) => alkemio_licensing::licenses(self.db.conn(), &[id])
                .await?
                .remove(&id),
            None => None,
        };
        let allowed = license.as_ref().is_some_and(|l| {
            l.entitlements.iter().any(|e| {
                e.entitlement_type == LicenseEntitlementType::SpaceFlagVirtualContributorAccess
                    && e.enabled
            })
        });
        if !allowed {
            return Err(AppError::new(
                ErrorStatus::LicenseEntitlementNotAvailable,
                format!(
                    "Entitlement space-flag-virtual-contributor-access is not available for License: {}",
                    license.map(|l| l.id.to_string()).unwrap_or_default()
                ),
            ));
        }
        self.assign_unchecked(
            &space,
            set,
            role,
            virtual_contributor,
            Announce::By(caller.authenticated_id()),
        )
        .await
    }

    /// `joinRoleSet`: the caller takes the entry role where the space is open to them
    /// (ROLESET_ENTRY_ROLE_JOIN).
    pub async fn join(&self, caller: &ActorContext, set: &RoleSet) -> AppResult<()> {
        let space = self.space_of_role_set(set).await?;
        let actor = match caller.kind {
            ActorKind::Authenticated { actor_id } => ActorId(actor_id),
            _ => {
                return Err(AppError::forbidden(
                    "Only registered users can join a space",
                ));
            }
        };
        // As in the reference: with an invitation waiting, the invitee accepts it instead.
        let states =
            alkemio_community::entry_repo::states_for_actor(self.db.conn(), actor.0, &[set.id.0])
                .await?;
        if states
            .get(&set.id.0)
            .is_some_and(|(_, invitations)| invitations.iter().any(|s| s == "invited"))
        {
            return Err(AppError::new(
                ErrorStatus::RoleSetRole,
                format!(
                    "Unable to join role set {}: an invitation to join is pending",
                    set.id
                ),
            ));
        }
        let policy = self.policy_of(set.authorization_id).await?;
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            policy.as_ref(),
            P::RolesetEntryRoleJoin,
            "join a space",
        )?;
        self.assign_unchecked(
            &space,
            set,
            set.entry_role_name,
            actor,
            Announce::By(Some(actor.0)),
        )
        .await
    }

    /// Takes a role in a space's role set (needs GRANT; actors may leave on their own). Losing
    /// membership also takes every role in the space's subspaces.
    pub async fn remove_role(
        &self,
        caller: &ActorContext,
        set: &RoleSet,
        role: RoleName,
        actor: ActorId,
    ) -> AppResult<()> {
        // An actor may give up its own roles.
        let rule = CredentialRule::new(
            "credentialRule-roleSetSelfRemoval",
            vec![Credential::new(C::UserSelfManagement, actor)],
            &[P::Grant],
        );
        self.remove_role_allowing(caller, set, role, actor, rule)
            .await
    }

    /// `removeRoleFromVirtualContributor`: needs GRANT on the role set, which the admins of
    /// the virtual contributor's account also have for it.
    pub async fn remove_virtual_contributor_role(
        &self,
        caller: &ActorContext,
        set: &RoleSet,
        role: RoleName,
        virtual_contributor: ActorId,
        account: Option<ActorId>,
    ) -> AppResult<()> {
        self.require_actor_of_type(virtual_contributor, ActorType::VirtualContributor)
            .await?;
        let account = account.ok_or_else(|| {
            AppError::not_found(format!(
                "Unable to find Account for VirtualContributor: {virtual_contributor}"
            ))
        })?;
        let rule = CredentialRule::new(
            "credentialRule-roleSetVirtualRemoval",
            vec![Credential::new(C::AccountAdmin, account)],
            &[P::Grant],
        );
        self.remove_role_allowing(caller, set, role, virtual_contributor, rule)
            .await
    }

    /// Takes a role from an actor, needing GRANT on the role set's policy extended (in
    /// memory, for this request) with `also_allowed`.
    async fn remove_role_allowing(
        &self,
        caller: &ActorContext,
        set: &RoleSet,
        role: RoleName,
        actor: ActorId,
        also_allowed: CredentialRule,
    ) -> AppResult<()> {
        let space = self.space_of_role_set(set).await?;
        let mut policy = self.policy_of(set.authorization_id).await?;
        if let Some(policy) = policy.as_mut() {
            policy.add_credential_rules([also_allowed]);
        }
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            policy.as_ref(),
            P::Grant,
            &format!("remove role '{role}' in a space"),
        )?;
        let mut also = Vec::new();
        if role == set.entry_role_name {
            for d in repo::descendant_ids(self.db.conn(), space.id).await? {
                for ty in [
                    C::SpaceMember,
                    C::SpaceLead,
                    C::SpaceAdmin,
                    C::SpaceSubspaceAdmin,
                ] {
                    also.push(Credential::new(ty, d));
                }
            }
            also.push(Credential::new(C::SpaceSubspaceAdmin, space.id));
        }
        let implied = match (role, space.parent_space_id) {
            (RoleName::Admin | RoleName::Member, Some(parent)) => {
                // Still implied while the actor administers another subspace of the parent.
                let siblings: Vec<Credential> = repo::subspace_ids_of(self.db.conn(), &[parent.0])
                    .await?
                    .into_iter()
                    .filter(|(_, c)| *c != space.id.0)
                    .map(|(_, c)| Credential::new(C::SpaceAdmin, c))
                    .collect();
                Some((Credential::new(C::SpaceSubspaceAdmin, parent), siblings))
            }
            _ => None,
        };
        if role == set.entry_role_name
            && let Some(admin) = set.role(RoleName::Admin)
        {
            also.push(admin.credential.clone());
            if let Some(lead) = set.role(RoleName::Lead) {
                also.push(lead.credential.clone());
            }
        }
        // Not holding the role is not an error (the reference fails here with its min-limit
        // error when nobody of that kind holds the role; nothing is removed either way).
        if self
            .role_sets
            .remove_with(set, role, actor, implied, &also)
            .await?
        {
            self.refresh_user_policy(actor).await?;
        }
        Ok(())
    }
}

/// The recomputed policies of the applications, invitations and platform invitations of a
/// role set, under the role set's policy `parent`.
pub(crate) async fn entry_policies(
    conn: &impl ConnectionTrait,
    set: RoleSetId,
    parent: &AuthorizationPolicy,
) -> AppResult<Vec<AuthorizationPolicy>> {
    use alkemio_community::entry_repo;
    let applications = entry_repo::applications_of(conn, set).await?;
    let invitations = entry_repo::invitations_of(conn, set).await?;
    let platform = entry_repo::platform_invitations_of(conn, set).await?;
    let ids: Vec<Uuid> = applications
        .iter()
        .map(|a| a.authorization_id)
        .chain(invitations.iter().map(|i| i.authorization_id))
        .chain(platform.iter().map(|p| p.authorization_id))
        .flatten()
        .collect();
    let stored = auth_repo::load_many(conn, &ids).await?;
    let load = |id: Option<Uuid>, ty| match id.and_then(|id| stored.get(&id)) {
        Some(s) => s.policy.clone(),
        None => AuthorizationPolicy::new(id.unwrap_or_else(Uuid::now_v7), ty),
    };
    let mut out = Vec::with_capacity(ids.len());
    for a in &applications {
        let mut policy = load(a.authorization_id, AuthorizationPolicyType::Application);
        crate::authorization::apply_application_policy(&mut policy, parent, a.user_id);
        out.push(policy);
    }
    for i in &invitations {
        let mut policy = load(i.authorization_id, AuthorizationPolicyType::Invitation);
        crate::authorization::apply_invitation_policy(&mut policy, parent, i.invitee_account_id);
        out.push(policy);
    }
    for p in &platform {
        let mut policy = load(p.authorization_id, AuthorizationPolicyType::Invitation);
        policy.inherit_from(parent);
        out.push(policy);
    }
    Ok(out)
}
