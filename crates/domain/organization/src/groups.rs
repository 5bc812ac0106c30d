//! User groups of an organization: a profile and members (holders of `user-group-member[group]`).
//! A group's policy inherits its organization's and lets its members read it.

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
        profile_id: r.profile_id,
        authorization_id: r.authorization_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    }
}

/// Recomputes a group's policy from its organization's.
pub fn apply_group_policy(
    policy: &mut AuthorizationPolicy,
    organization: &AuthorizationPolicy,
    group: uuid::Uuid,
) {
    policy.inherit_from(organization);
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
    if organizations.is_empty() {
        return Ok(Vec::new());
    }
    Ok(row::Entity::find()
        .filter(row::Column::OrganizationId.is_in(organizations.iter().copied()))
        .order_by_asc(row::Column::CreatedDate)
        .order_by_asc(row::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(to_group)
        .collect())
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
        let name = profile.display_name.trim().to_owned();
        for existing in self.groups_of(&[organization.id.0]).await? {
            if let Some(pid) = existing.profile_id
                && self.profiles().profile(pid).await?.display_name == name
            {
                return Err(AppError::new(
                    ErrorStatus::NotSupported,
                    format!("The organization already has a group named '{name}'"),
                ));
            }
        }
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
        let id = uuid::Uuid::now_v7();
        let mut policy = auth_repo::new_policy(AuthorizationPolicyType::UserGroup);
        apply_group_policy(&mut policy, &org_policy, id);
        let bundle = self.profiles().build(
            profile,
            ProfileType::UserGroup,
            &policy,
            organization.storage_aggregator_id,
        )?;
        let now = Utc::now().trunc_subsecs(6);
        let group = UserGroup {
            id,
            organization_id: Some(organization.id),
            profile_id: Some(bundle.profile.id),
            authorization_id: Some(policy.id),
            created_date: now,
            updated_date: now,
        };
        let txn = self.db().begin().await?;
        self.profiles().insert_in(&txn, &bundle).await?;
        row::Entity::insert(row::ActiveModel {
            id: Set(group.id),
            created_date: Set(now),
            updated_date: Set(now),
            version: Set(1),
            organization_id: Set(Some(organization.id.0)),
            profile_id: Set(group.profile_id),
            authorization_id: Set(group.authorization_id),
        })
        .exec_without_returning(&txn)
        .await?;
        auth_repo::save_all(&txn, &[policy]).await?;
        txn.commit().await?;
        Ok(group)
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

    /// Deletes groups inside the caller's transaction: members lose the membership credential;
    /// the profiles go. Policy ids and changed actors are added to `deleted`.
    pub(crate) async fn delete_groups_in(
        &self,
        conn: &impl ConnectionTrait,
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
                    .extend(self.profiles().delete_in(conn, &[profile]).await?);
            }
            deleted.policies.extend(group.authorization_id);
            row::Entity::delete_by_id(group.id).exec(conn).await?;
        }
        Ok(())
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
        self.delete_groups_in(&txn, std::slice::from_ref(&group), &mut deleted)
            .await?;
        auth_repo::delete(&txn, &deleted.policies).await?;
        txn.commit().await?;
        self.users().finish_deletion(&deleted).await?;
        Ok(group)
    }

    /// The policies of an organization's groups (and their profiles) recomputed from the
    /// organization's.
    pub(crate) async fn group_policies_in(
        &self,
        conn: &impl ConnectionTrait,
        organization: &alkemio_authorization::AuthorizationPolicy,
        organization_id: ActorId,
    ) -> AppResult<Vec<AuthorizationPolicy>> {
        let mut out = Vec::new();
        for group in groups_of(conn, &[organization_id.0]).await? {
            let mut policy = match group.authorization_id {
                Some(id) => auth_repo::load(conn, id).await?.map(|s| s.policy),
                None => None,
            }
            .unwrap_or_else(|| auth_repo::new_policy(AuthorizationPolicyType::UserGroup));
            apply_group_policy(&mut policy, organization, group.id);
            if let Some(profile) = group.profile_id {
                out.extend(
                    self.profiles()
                        .recompute_policies(conn, profile, &policy)
                        .await?,
                );
            }
            out.push(policy);
        }
        Ok(out)
    }
}
