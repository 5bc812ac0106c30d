//! User groups of an organization or of a space's community: a profile and members (holders of
//! `user-group-member[group]`). A group's policy inherits its parent's and lets its members read
//! it. The space module creates community groups through the free functions here; every other
//! operation on a group is the same whatever its parent.

use alkemio_authorization::repo::{self as auth_repo};
use alkemio_authorization::{
    ActorContext, AuthorizationPolicy, AuthorizationPolicyType, AuthorizationPrivilege as P,
    Credential, CredentialRule, CredentialType, grant_access_or_fail,
};
use alkemio_common::profile::{NewProfile, ProfileType, ProfileUpdate};
use alkemio_contributor::ActorType;
use alkemio_kernel::ids::{ActorId, UserId};
use alkemio_kernel::{AppError, AppResult, ErrorStatus};
use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::service::OrganizationService;

pub(crate) mod row {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "user_group")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        pub organization_id: Option<Uuid>,
        pub community_id: Option<Uuid>,
        pub profile_id: Option<Uuid>,
        pub authorization_id: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A user group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserGroup {
    /// Its id.
    pub id: uuid::Uuid,
    /// The organization it belongs to.
    pub organization_id: Option<ActorId>,
    /// The community it belongs to.
    pub community_id: Option<uuid::Uuid>,
    /// Its profile.
    pub profile_id: Option<uuid::Uuid>,
    /// Its policy.
    pub authorization_id: Option<uuid::Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

fn to_group(r: row::Model) -> UserGroup {
    UserGroup {
        id: r.id,
        organization_id: r.organization_id.map(ActorId),
        community_id: r.community_id,
        profile_id: r.profile_id,
        authorization_id: r.authorization_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    }
}

/// What a group belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupParent {
    /// An organization.
    Organization(ActorId),
    /// A space's community.
    Community(uuid::Uuid),
}

impl UserGroup {
    /// What it belongs to.
    pub fn parent(&self) -> Option<GroupParent> {
        match (self.organization_id, self.community_id) {
            (Some(o), _) => Some(GroupParent::Organization(o)),
            (None, Some(c)) => Some(GroupParent::Community(c)),
            (None, None) => None,
        }
    }
}

/// Recomputes a group's policy from its parent's.
pub fn apply_group_policy(
    policy: &mut AuthorizationPolicy,
    parent: &AuthorizationPolicy,
    group: uuid::Uuid,
) {
    policy.inherit_from(parent);
    policy.add_credential_rules([CredentialRule::new(
        "credentialRule-userGroupRead",
        vec![Credential::new(CredentialType::UserGroupMember, group)],
        &[P::Read],
    )]);
}

/// The groups of some organizations, oldest first.
pub(crate) async fn groups_of(
    conn: &impl ConnectionTrait,
    organizations: &[uuid::Uuid],
) -> AppResult<Vec<UserGroup>> {
    groups_where(conn, row::Column::OrganizationId, organizations).await
}

/// The groups of some communities, oldest first (one query).
pub async fn groups_of_communities(
    conn: &impl ConnectionTrait,
    communities: &[uuid::Uuid],
) -> AppResult<Vec<UserGroup>> {
    groups_where(conn, row::Column::CommunityId, communities).await
}

async fn groups_where(
    conn: &impl ConnectionTrait,
    column: row::Column,
    parents: &[uuid::Uuid],
) -> AppResult<Vec<UserGroup>> {
    if parents.is_empty() {
        return Ok(Vec::new());
    }
    Ok(row::Entity::find()
        .filter(column.is_in(parents.iter().copied()))
        .order_by_asc(row::Column::CreatedDate)
        .order_by_asc(row::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(to_group)
        .collect())
}

async fn groups_under(
    conn: &impl ConnectionTrait,
    parent: GroupParent,
) -> AppResult<Vec<UserGroup>> {
    match parent {
        GroupParent::Organization(o) => groups_of(conn, &[o.0]).await,
        GroupParent::Community(c) => groups_of_communities(conn, &[c]).await,
    }
}

/// Creates a group under a parent whose privilege the caller has already been checked for:
/// group names (profile display names) are unique within the parent. The profile's files go
/// to `aggregator`.
pub async fn create_group_under(
    db: &alkemio_persistence::Database,
    users: &alkemio_contributor::UserService,
    parent: GroupParent,
    parent_policy: &AuthorizationPolicy,
    aggregator: Option<uuid::Uuid>,
    profile: NewProfile,
) -> AppResult<UserGroup> {
    let name = profile.display_name.trim().to_owned();
    for existing in groups_under(db.conn(), parent).await? {
        if let Some(pid) = existing.profile_id
            && users.profiles().profile(pid).await?.display_name == name
        {
            return Err(AppError::new(
                ErrorStatus::NotSupported,
                format!("A group named '{name}' already exists there"),
            ));
        }
    }
    let id = uuid::Uuid::now_v7();
    let mut policy = auth_repo::new_policy(AuthorizationPolicyType::UserGroup);
    apply_group_policy(&mut policy, parent_policy, id);
    let bundle = users
        .profiles()
        .build(profile, ProfileType::UserGroup, &policy, aggregator)?;
    let now = Utc::now().trunc_subsecs(6);
    let (organization_id, community_id) = match parent {
        GroupParent::Organization(o) => (Some(o), None),
        GroupParent::Community(c) => (None, Some(c)),
    };
    let group = UserGroup {
        id,
        organization_id,
        community_id,
        profile_id: Some(bundle.profile.id),
        authorization_id: Some(policy.id),
        created_date: now,
        updated_date: now,
    };
    let txn = db.begin().await?;
    users.profiles().insert_in(&txn, &bundle).await?;
    row::Entity::insert(row::ActiveModel {
        id: Set(group.id),
        created_date: Set(now),
        updated_date: Set(now),
        version: Set(1),
        organization_id: Set(organization_id.map(|o| o.0)),
        community_id: Set(community_id),
        profile_id: Set(group.profile_id),
        authorization_id: Set(group.authorization_id),
    })
    .exec_without_returning(&txn)
    .await?;
    auth_repo::save_all(&txn, &[policy]).await?;
    txn.commit().await?;
    Ok(group)
}

/// The policies of a parent's groups (and their profiles) recomputed from the parent's.
pub async fn group_policies_under(
    conn: &impl ConnectionTrait,
    profiles: &alkemio_common::profile::ProfileService,
    parent_policy: &AuthorizationPolicy,
    parent: GroupParent,
) -> AppResult<Vec<AuthorizationPolicy>> {
    let mut out = Vec::new();
    for group in groups_under(conn, parent).await? {
        let mut policy = match group.authorization_id {
            Some(id) => auth_repo::load(conn, id).await?.map(|s| s.policy),
            None => None,
        }
        .unwrap_or_else(|| auth_repo::new_policy(AuthorizationPolicyType::UserGroup));
        apply_group_policy(&mut policy, parent_policy, group.id);
        if let Some(profile) = group.profile_id {
            out.extend(profiles.recompute_policies(conn, profile, &policy).await?);
        }
        out.push(policy);
    }
    Ok(out)
}

/// Deletes groups inside the caller's transaction: members lose the membership credential;
/// the profiles go. Policy ids and changed actors are added to `deleted`.
pub async fn delete_groups_in(
    conn: &impl ConnectionTrait,
    profiles: &alkemio_common::profile::ProfileService,
    groups: &[UserGroup],
    deleted: &mut alkemio_contributor::service::Deleted,
) -> AppResult<()> {
    for group in groups {
        deleted
            .actors
            .extend(alkemio_contributor::repo::revoke_from_all(conn, &member(group.id)).await?);
        if let Some(profile) = group.profile_id {
            deleted
                .policies
                .extend(profiles.delete_in(conn, &[profile]).await?);
        }
        deleted.policies.extend(group.authorization_id);
        row::Entity::delete_by_id(group.id).exec(conn).await?;
    }
    Ok(())
}

fn member(group: uuid::Uuid) -> Credential {
    Credential::new(CredentialType::UserGroupMember, group)
}

impl OrganizationService {
    /// A group, or ENTITY_NOT_FOUND.
    pub async fn group(&self, id: uuid::Uuid) -> AppResult<UserGroup> {
        row::Entity::find_by_id(id)
            .one(self.db().conn())
            .await?
            .map(to_group)
            .ok_or_else(|| AppError::not_found(format!("User group {id} not found")))
    }

    /// The groups of organizations (one query).
    pub async fn groups_of(&self, organizations: &[uuid::Uuid]) -> AppResult<Vec<UserGroup>> {
        groups_of(self.db().conn(), organizations).await
    }

    /// The users in a group.
    pub async fn group_members(&self, group: &UserGroup) -> AppResult<Vec<UserId>> {
        let holders = self
            .users()
            .actors()
            .actors_with(self.db().conn(), &member(group.id))
            .await?;
        Ok(holders.into_iter().map(|a| UserId(a.0)).collect())
    }

    async fn require_on_group(
        &self,
        caller: &ActorContext,
        group: &UserGroup,
        privilege: P,
        action: &str,
    ) -> AppResult<()> {
        let policy = match group.authorization_id {
            Some(id) => auth_repo::load(self.db().conn(), id).await?,
            None => None,
        };
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            policy.as_ref().map(|p| &p.policy),
            privilege,
            action,
        )
    }

    /// `createGroupOnOrganization`: needs CREATE on the organization; group names (profile
    /// display names) are unique within it.
    pub async fn create_group(
        &self,
        caller: &ActorContext,
        organization: ActorId,
        profile: NewProfile,
    ) -> AppResult<UserGroup> {
        let organization = self.get_or_fail(organization).await?;
        self.require(caller, &organization, P::Create, "create a user group")
            .await?;
        let org_policy = match organization.authorization_id {
            Some(id) => auth_repo::load(self.db().conn(), id)
                .await?
                .map(|s| s.policy),
            None => None,
        }
        .ok_or_else(|| {
            AppError::internal_msg(format_args!(
                "organization {} has no policy",
                organization.id
            ))
        })?;
        create_group_under(
            self.db(),
            self.users(),
            GroupParent::Organization(organization.id),
            &org_policy,
            organization.storage_aggregator_id,
            profile,
        )
        .await
    }

    /// `updateUserGroup`: needs UPDATE on the group; `name` renames its profile.
    pub async fn update_group(
        &self,
        caller: &ActorContext,
        id: uuid::Uuid,
        name: Option<String>,
        profile: Option<ProfileUpdate>,
    ) -> AppResult<UserGroup> {
        let group = self.group(id).await?;
        self.require_on_group(caller, &group, P::Update, "update a user group")
            .await?;
        let Some(profile_id) = group.profile_id else {
            return Err(AppError::not_found(format!(
                "Group profile not initialised: {id}"
            )));
        };
        let mut update = profile.unwrap_or_default();
        if let Some(name) = name.filter(|n| !n.trim().is_empty()) {
            if name.chars().count() > 128 {
                return Err(AppError::bad_input(
                    "A group name has at most 128 characters",
                ));
            }
            update.display_name = Some(name);
        }
        let prepared = self.profiles().prepare_update(profile_id, update).await?;
        let txn = self.db().begin().await?;
        alkemio_common::profile::ProfileService::write_update(&txn, &prepared).await?;
        txn.commit().await?;
        self.group(id).await
    }

    /// `assignUserToGroup`: needs GRANT on the group.
    pub async fn assign_to_group(
        &self,
        caller: &ActorContext,
        id: uuid::Uuid,
        user: UserId,
    ) -> AppResult<UserGroup> {
        let group = self.group(id).await?;
        self.require_on_group(caller, &group, P::Grant, "assign a user to a group")
            .await?;
        let actor = self
            .users()
            .actors()
            .actor(user.into())
            .await?
            .filter(|a| a.actor_type == ActorType::User)
            .ok_or_else(|| AppError::not_found(format!("User {user} not found")))?;
        let txn = self.db().begin().await?;
        self.users()
            .actors()
            .grant_in(&txn, actor.id, &member(id))
            .await?;
        txn.commit().await?;
        self.users().actors().invalidate(actor.id).await?;
        Ok(group)
    }

    /// `removeUserFromGroup`: needs DELETE on the group.
    pub async fn remove_from_group(
        &self,
        caller: &ActorContext,
        id: uuid::Uuid,
        user: UserId,
    ) -> AppResult<UserGroup> {
        let group = self.group(id).await?;
        self.require_on_group(caller, &group, P::Delete, "remove a user from a group")
            .await?;
        let txn = self.db().begin().await?;
        self.users()
            .actors()
            .revoke_in(&txn, user.into(), &member(id))
            .await?;
        txn.commit().await?;
        self.users().actors().invalidate(user.into()).await?;
        Ok(group)
    }

    /// `deleteUserGroup`: needs DELETE on the group.
    pub async fn delete_group(
        &self,
        caller: &ActorContext,
        id: uuid::Uuid,
    ) -> AppResult<UserGroup> {
        let group = self.group(id).await?;
        self.require_on_group(caller, &group, P::Delete, "delete a user group")
            .await?;
        let txn = self.db().begin().await?;
        let mut deleted = alkemio_contributor::service::Deleted::default();
        delete_groups_in(
            &txn,
            self.profiles(),
            std::slice::from_ref(&group),
            &mut deleted,
        )
        .await?;
        auth_repo::delete(&txn, &deleted.policies).await?;
        txn.commit().await?;
        self.users().finish_deletion(&deleted).await?;
        Ok(group)
    }
}
