//! GraphQL: the `Organization` type, its settings, verification and metrics, the organization
//! queries and mutations, and role assignment on organization role sets.

use crate::account::Account;
use crate::authorization::require_on;
use crate::authorization::{Authorization, load_policy};
use crate::community::RoleSet;
use crate::context::{actor, data};
use crate::contributor::{Actor, ActorFilterInput, Credential, User};
use crate::loaders::{Loaders, loaded};
use crate::profile::{Profile, UpdateProfileInput};
use crate::storage::StorageAggregator;
use alkemio_authorization::AuthorizationPrivilege;
use alkemio_common::profile::{LocationInput, NewProfile, NewReference, NewTagset};
use alkemio_common::visual::VisualType;
use alkemio_community::{RoleName, RoleSetService, RoleSetType};
use alkemio_contributor::{ActorType, UserService};
use alkemio_kernel::ids::{ActorId, RoleSetId, UserId};
use alkemio_kernel::pagination::{PageInfo, PaginationArgs, limit_and_shuffle};
use alkemio_kernel::scalars::{DateTime, Markdown, NameId, UuidScalar};
use alkemio_kernel::{AppError, AppResult};
use alkemio_organization::groups::GroupParent;
use alkemio_organization::model::OrganizationFilter;
use alkemio_organization::{
    NewOrganization, OrganizationService, OrganizationUpdate, VerificationStatus, model,
    verification,
};
use alkemio_platform::PlatformService;
use alkemio_storage::StorageService;
use async_graphql::{Context, InputObject, Object, Result, SimpleObject};

fn service<'a>(ctx: &Context<'a>) -> AppResult<&'a OrganizationService> {
    data::<OrganizationService>(ctx)
}

/// An organization: a company, institution or group that takes part in the platform.
#[derive(Debug, Clone)]
pub struct Organization(pub model::Organization);

impl Organization {
    async fn can(&self, ctx: &Context<'_>, privilege: AuthorizationPrivilege) -> AppResult<bool> {
        crate::authorization::can(ctx, self.0.authorization_id, privilege).await
    }
}

#[Object(name = "Organization")]
impl Organization {
    /// Its id.
    pub(crate) async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id.0)
    }

    /// Its URL slug.
    #[graphql(name = "nameID")]
    pub(crate) async fn name_id(&self) -> NameId {
        NameId::from_trusted(self.0.name_id.clone())
    }

    /// The kind of actor: always `ORGANIZATION`.
    pub(crate) async fn r#type(&self) -> ActorType {
        ActorType::Organization
    }

    /// Registered legal name.
    async fn legal_entity_name(&self) -> Option<&str> {
        Some(&self.0.legal_entity_name)
    }

    /// The organization's e-mail domain.
    async fn domain(&self) -> Option<&str> {
        Some(&self.0.domain)
    }

    /// Its web site.
    async fn website(&self) -> Option<&str> {
        Some(&self.0.website)
    }

    /// Where to reach it.
    async fn contact_email(&self) -> Option<&str> {
        Some(&self.0.contact_email)
    }

    /// When it was created.
    pub(crate) async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }

    /// When it last changed.
    pub(crate) async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }

    /// Its profile.
    pub(crate) async fn profile(&self, ctx: &Context<'_>) -> Result<Option<Profile>> {
        let Some(id) = self.0.profile_id else {
            return Ok(None);
        };
        Ok(loaded(data::<Loaders>(ctx)?.profiles.load_one(id).await)?.map(Profile))
    }

    /// Its authorization policy.
    pub(crate) async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        let Some(id) = self.0.authorization_id else {
            return Ok(None);
        };
        Ok(load_policy(ctx, id).await?.map(Authorization))
    }

    /// The credentials it holds.
    pub(crate) async fn credentials(&self, ctx: &Context<'_>) -> Result<Option<Vec<Credential>>> {
        let records = data::<UserService>(ctx)?
            .credential_records(self.0.id)
            .await?;
        Ok(Some(records.into_iter().map(Credential).collect()))
    }

    /// The organization as an actor.
    async fn actor(&self, ctx: &Context<'_>) -> Result<Actor> {
        let found = data::<alkemio_contributor::ActorService>(ctx)?
            .actor(self.0.id)
            .await?
            .ok_or_else(|| {
                AppError::internal_msg(format_args!("organization {} has no actor", self.0.id))
            })?;
        Ok(Actor(found))
    }

    /// Its account (only to those who may update the organization).
    async fn account(&self, ctx: &Context<'_>) -> Result<Option<Account>> {
        if !self.can(ctx, AuthorizationPrivilege::Update).await? {
            return Ok(None);
        }
        let Some(id) = self.0.account_id else {
            return Ok(None);
        };
        Ok(loaded(data::<Loaders>(ctx)?.accounts.load_one(id.0).await)?.map(Account))
    }

    /// Its associates, admins and owners.
    async fn role_set(&self, ctx: &Context<'_>) -> Result<RoleSet> {
        let id = self.0.role_set_id.ok_or_else(|| {
            AppError::internal_msg(format_args!("organization {} has no role set", self.0.id))
        })?;
        let set = loaded(data::<Loaders>(ctx)?.role_sets.load_one(id.0).await)?
            .ok_or_else(|| AppError::not_found(format!("Role set {id} not found")))?;
        Ok(RoleSet(set))
    }

    /// Its settings.
    async fn settings(&self) -> OrganizationSettings {
        OrganizationSettings(self.0.settings)
    }

    /// Its verification.
    async fn verification(&self, ctx: &Context<'_>) -> Result<OrganizationVerification> {
        let found = loaded(
            data::<Loaders>(ctx)?
                .verifications
                .load_one(self.0.id.0)
                .await,
        )?
        .ok_or_else(|| {
            AppError::internal_msg(format_args!(
                "organization {} has no verification",
                self.0.id
            ))
        })?;
        Ok(OrganizationVerification(found))
    }

    /// Its user groups (needs READ on the organization).
    pub(crate) async fn groups(&self, ctx: &Context<'_>) -> Result<Option<Vec<UserGroup>>> {
        require_on(
            ctx,
            self.0.authorization_id,
            AuthorizationPrivilege::Read,
            "read an organization's groups",
        )
        .await?;
        let groups = service(ctx)?.groups_of(&[self.0.id.0]).await?;
        Ok(Some(groups.into_iter().map(UserGroup).collect()))
    }

    /// One of its user groups (needs READ on the organization).
    async fn group(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<UserGroup>> {
        require_on(
            ctx,
            self.0.authorization_id,
            AuthorizationPrivilege::Read,
            "read an organization's group",
        )
        .await?;
        let group = service(ctx)?.group(id.0).await?;
        if group.organization_id != Some(self.0.id) {
            return Err(AppError::not_found(format!(
                "User group {id} not found in organization {}",
                self.0.id
            ))
            .into());
        }
        Ok(Some(UserGroup(group)))
    }

    /// Figures about the organization: its number of associates.
    async fn metrics(&self, ctx: &Context<'_>) -> Result<Option<Vec<Nvp>>> {
        let associates = service(ctx)?.associate_count(&self.0).await?;
        Ok(Some(vec![Nvp {
            id: UuidScalar(uuid::Uuid::new_v5(&self.0.id.0, b"associates")),
            name: "associates".to_owned(),
            value: associates.to_string(),
            created_date: DateTime(self.0.created_date),
            updated_date: DateTime(chrono::Utc::now()),
        }]))
    }

    /// Where its files are stored (needs READ on the organization).
    async fn storage_aggregator(&self, ctx: &Context<'_>) -> Result<Option<StorageAggregator>> {
        require_on(
            ctx,
            self.0.authorization_id,
            AuthorizationPrivilege::Read,
            "read an organization's storage",
        )
        .await?;
        let Some(id) = self.0.storage_aggregator_id else {
            return Ok(None);
        };
        Ok(Some(StorageAggregator(
            data::<StorageService>(ctx)?.aggregator(id).await?,
        )))
    }
}

/// A named group of users within an organization.
#[derive(Debug, Clone)]
pub struct UserGroup(pub alkemio_organization::groups::UserGroup);

#[Object(name = "UserGroup")]
impl UserGroup {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }

    /// Its profile (its name is the profile's display name).
    async fn profile(&self, ctx: &Context<'_>) -> Result<Option<Profile>> {
        let Some(id) = self.0.profile_id else {
            return Ok(None);
        };
        Ok(loaded(data::<Loaders>(ctx)?.profiles.load_one(id).await)?.map(Profile))
    }

    /// Its members (needs READ on the group).
    async fn members(&self, ctx: &Context<'_>) -> Result<Option<Vec<User>>> {
        require_on(
            ctx,
            self.0.authorization_id,
            AuthorizationPrivilege::Read,
            "read a group's members",
        )
        .await?;
        let ids = service(ctx)?.group_members(&self.0).await?;
        let users = data::<UserService>(ctx)?.users(&ids).await?;
        Ok(Some(users.into_iter().map(User).collect()))
    }

    /// What the group belongs to: its organization or its community (needs READ on the group).
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<Groupable>> {
        require_on(
            ctx,
            self.0.authorization_id,
            AuthorizationPrivilege::Read,
            "read a group's parent",
        )
        .await?;
        Ok(match self.0.parent() {
            Some(GroupParent::Organization(id)) => service(ctx)?
                .get(id)
                .await?
                .map(|o| Groupable::Organization(Organization(o))),
            Some(GroupParent::Community(id)) => {
                Some(Groupable::Community(crate::space::Community(
                    data::<alkemio_space::SpaceService>(ctx)?
                        .community_or_fail(id)
                        .await?,
                )))
            }
            None => None,
        })
    }

    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        let Some(id) = self.0.authorization_id else {
            return Ok(None);
        };
        Ok(load_policy(ctx, id).await?.map(Authorization))
    }

    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }

    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }
}

/// Something that holds user groups.
#[derive(async_graphql::Interface)]
#[graphql(field(name = "groups", ty = "Option<Vec<UserGroup>>"))]
pub enum Groupable {
    /// A space's community.
    Community(crate::space::Community),
    /// An organization.
    Organization(Organization),
}

/// A new user group.
#[derive(Debug, InputObject)]
pub struct CreateUserGroupInput {
    /// The organization or community it belongs to.
    #[graphql(name = "parentID")]
    pub parent_id: UuidScalar,
    /// Its profile.
    pub profile: CreateProfileInput,
}

/// Changes to a user group.
#[derive(Debug, InputObject)]
pub struct UpdateUserGroupInput {
    /// Which group.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
    /// New name.
    pub name: Option<String>,
    /// Profile changes.
    pub profile_data: Option<UpdateProfileInput>,
}

/// Which group to delete.
#[derive(Debug, InputObject)]
pub struct DeleteUserGroupInput {
    /// The group.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
}

/// A user to add to a group.
#[derive(Debug, InputObject)]
pub struct AssignUserGroupMemberInput {
    /// The group.
    #[graphql(name = "groupID")]
    pub group_id: UuidScalar,
    /// The user.
    #[graphql(name = "userID")]
    pub user_id: UuidScalar,
}

/// A user to take out of a group.
#[derive(Debug, InputObject)]
pub struct RemoveUserGroupMemberInput {
    /// The group.
    #[graphql(name = "groupID")]
    pub group_id: UuidScalar,
    /// The user.
    #[graphql(name = "userID")]
    pub user_id: UuidScalar,
}

/// A named value.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "NVP")]
pub struct Nvp {
    /// Stable id of this value (derived from its owner and name).
    pub id: UuidScalar,
    /// Its name.
    pub name: String,
    /// Its value.
    pub value: String,
    /// When its owner was created.
    pub created_date: DateTime,
    /// When it was computed.
    pub updated_date: DateTime,
}

/// An organization's settings.
#[derive(Debug, Clone, Copy)]
pub struct OrganizationSettings(pub model::OrganizationSettings);

#[Object(name = "OrganizationSettings")]
impl OrganizationSettings {
    /// Who may join.
    async fn membership(&self) -> OrganizationSettingsMembership {
        OrganizationSettingsMembership {
            allow_users_matching_domain_to_join: self
                .0
                .membership
                .allow_users_matching_domain_to_join,
        }
    }

    /// What others see.
    async fn privacy(&self) -> OrganizationSettingsPrivacy {
        OrganizationSettingsPrivacy {
            contribution_roles_publicly_visible: self.0.privacy.contribution_roles_publicly_visible,
        }
    }
}

/// Membership settings of an organization.
#[derive(Debug, Clone, SimpleObject)]
pub struct OrganizationSettingsMembership {
    /// Users whose e-mail domain is the organization's join it when they register.
    pub allow_users_matching_domain_to_join: bool,
}

/// Privacy settings of an organization.
#[derive(Debug, Clone, SimpleObject)]
pub struct OrganizationSettingsPrivacy {
    /// The organization's roles in spaces are shown to everyone.
    pub contribution_roles_publicly_visible: bool,
}

/// An organization's verification and where it stands.
#[derive(Debug, Clone)]
pub struct OrganizationVerification(pub verification::OrganizationVerification);

#[Object(name = "OrganizationVerification")]
impl OrganizationVerification {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }

    /// Whether the organization is verified.
    async fn status(&self) -> VerificationStatus {
        self.0.status
    }

    /// The state of the verification process.
    async fn state(&self) -> &'static str {
        self.0.state.as_str()
    }

    /// The events the current state accepts.
    async fn next_events(&self) -> Vec<String> {
        self.0.state.next_events()
    }

    /// Whether the process has ended for good.
    async fn is_finalized(&self) -> bool {
        self.0.state.is_final()
    }

    /// The record of the process's state.
    async fn lifecycle(&self) -> Lifecycle {
        Lifecycle {
            id: UuidScalar(self.0.lifecycle_id),
            created_date: DateTime(self.0.lifecycle_created_date),
            updated_date: DateTime(self.0.lifecycle_updated_date),
        }
    }

    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        let Some(id) = self.0.authorization_id else {
            return Ok(None);
        };
        Ok(load_policy(ctx, id).await?.map(Authorization))
    }

    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }

    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }
}

/// The record of a state machine's state.
#[derive(Debug, Clone, SimpleObject)]
pub struct Lifecycle {
    /// Its id.
    pub id: UuidScalar,
    /// When it was created.
    pub created_date: DateTime,
    /// When its state last changed.
    pub updated_date: DateTime,
}

/// A page of organizations.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "PaginatedOrganization")]
pub struct PaginatedOrganization {
    /// The organizations on this page.
    pub organization: Vec<Organization>,
    /// Where the page sits in the whole list.
    pub page_info: PageInfo,
    /// How many organizations match the filter.
    pub total: f64,
}

/// Filter on organizations: any given field matches as a case-insensitive substring.
#[derive(Debug, Clone, Default, InputObject)]
pub struct OrganizationFilterInput {
    /// Part of the contact e-mail.
    pub contact_email: Option<String>,
    /// Part of the profile's display name.
    pub display_name: Option<String>,
    /// Part of the domain.
    pub domain: Option<String>,
    /// Part of the NameID.
    #[graphql(name = "nameID")]
    pub name_id: Option<String>,
    /// Part of the web site.
    pub website: Option<String>,
}

/// Root query fields of the organization module.
#[derive(Debug, Default)]
pub struct OrganizationQuery;

#[Object]
impl OrganizationQuery {
    /// One organization.
    async fn organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Organization> {
        Ok(Organization(
            service(ctx)?.get_or_fail(ActorId(id.0)).await?,
        ))
    }

    /// Organizations: those holding any of the filter's credential types, or all; `limit`
    /// keeps that many, at random with `shuffle`.
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        filter: Option<ActorFilterInput>,
        limit: Option<f64>,
        shuffle: Option<bool>,
    ) -> Result<Vec<Organization>> {
        let types: Option<Vec<&str>> = filter.and_then(|f| f.credentials).map(|cs| {
            cs.into_iter()
                .map(|c| c.credential_type().as_str())
                .collect()
        });
        let listed = service(ctx)?.list(types.as_deref()).await?;
        Ok(limit_and_shuffle(listed, limit, shuffle.unwrap_or(false))?
            .into_iter()
            .map(Organization)
            .collect())
    }

    /// Organizations page by page in the order they were created.
    #[allow(clippy::too_many_arguments)]
    async fn organizations_paginated(
        &self,
        ctx: &Context<'_>,
        after: Option<UuidScalar>,
        before: Option<UuidScalar>,
        filter: Option<OrganizationFilterInput>,
        first: Option<i32>,
        last: Option<i32>,
        status: Option<VerificationStatus>,
    ) -> Result<PaginatedOrganization> {
        let f = filter.unwrap_or_default();
        let filter = OrganizationFilter {
            display_name: f.display_name,
            name_id: f.name_id,
            contact_email: f.contact_email,
            domain: f.domain,
            website: f.website,
        };
        let args = PaginationArgs {
            first,
            after,
            last,
            before,
        };
        let (page, total) = service(ctx)?.page(&filter, status, args).await?;
        #[allow(clippy::cast_precision_loss)]
        let total = total as f64;
        Ok(PaginatedOrganization {
            organization: page.items.into_iter().map(Organization).collect(),
            page_info: page.page_info,
            total,
        })
    }
}

/// A location for a new profile.
#[derive(Debug, Clone, Default, InputObject)]
pub struct CreateLocationInput {
    /// First address line.
    pub address_line1: Option<String>,
    /// Second address line.
    pub address_line2: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Country.
    pub country: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// State or province.
    pub state_or_province: Option<String>,
}

/// A tagset for a new profile.
#[derive(Debug, Clone, InputObject)]
pub struct CreateTagsetInput {
    /// Its name.
    pub name: String,
    /// Its tags.
    pub tags: Option<Vec<String>>,
    /// How tags are chosen; only free-form tagsets can be created without a template.
    pub r#type: Option<alkemio_common::profile::TagsetType>,
}

/// A reference for a new profile.
#[derive(Debug, Clone, InputObject)]
pub struct CreateReferenceInput {
    /// What it is.
    pub description: Option<String>,
    /// Its name.
    pub name: String,
    /// Where it points.
    pub uri: Option<String>,
}

/// A visual to start a new profile with.
#[derive(Debug, Clone, InputObject)]
pub struct CreateVisualOnProfileInput {
    /// Which visual.
    pub name: VisualType,
    /// The image's address.
    pub uri: String,
}

/// A new profile.
#[derive(Debug, Clone, InputObject)]
pub struct CreateProfileInput {
    /// Description.
    pub description: Option<Markdown>,
    /// The name shown.
    pub display_name: String,
    /// Location.
    pub location: Option<CreateLocationInput>,
    /// References.
    pub references_data: Option<Vec<CreateReferenceInput>>,
    /// One line under the name.
    pub tagline: Option<String>,
    /// Tags (kept in the profile's `keywords` tagset).
    pub tags: Option<Vec<String>>,
    /// Tagsets.
    pub tagsets: Option<Vec<CreateTagsetInput>>,
    /// Visuals to start with.
    pub visuals: Option<Vec<CreateVisualOnProfileInput>>,
}

impl CreateProfileInput {
    /// The profile to build, and the avatar address to start with.
    pub(crate) fn into_new_profile(self) -> AppResult<(NewProfile, Option<String>)> {
        let mut tagsets = Vec::new();
        for t in self.tagsets.unwrap_or_default() {
            if t.r#type
                .is_some_and(|ty| ty != alkemio_common::profile::TagsetType::Freeform)
            {
                return Err(AppError::bad_input(format!(
                    "Tagset '{}': only FREEFORM tagsets can be created without a template",
                    t.name
                )));
            }
            tagsets.push(NewTagset {
                name: t.name,
                tags: t.tags.unwrap_or_default(),
            });
        }
        if let Some(tags) = self.tags.filter(|t| !t.is_empty()) {
            match tagsets.iter_mut().find(|t| t.name == "keywords") {
                Some(keywords) => keywords.tags.extend(tags),
                None => tagsets.push(NewTagset {
                    name: "keywords".to_owned(),
                    tags,
                }),
            }
        }
        let visual_uris: Vec<(VisualType, String)> = self
            .visuals
            .unwrap_or_default()
            .into_iter()
            .filter(|v| !v.uri.trim().is_empty())
            .map(|v| (v.name, v.uri))
            .collect();
        let avatar = visual_uris
            .iter()
            .find(|(kind, _)| *kind == VisualType::Avatar)
            .map(|(_, uri)| uri.clone());
        let location = self.location.unwrap_or_default();
        Ok((
            NewProfile {
                display_name: self.display_name,
                tagline: self.tagline,
                description: self.description.map(|d| d.0),
                location: LocationInput {
                    city: location.city,
                    country: location.country,
                    address_line1: location.address_line1,
                    address_line2: location.address_line2,
                    state_or_province: location.state_or_province,
                    postal_code: location.postal_code,
                },
                references: self
                    .references_data
                    .unwrap_or_default()
                    .into_iter()
                    .map(|r| NewReference {
                        name: r.name,
                        uri: r.uri.unwrap_or_default(),
                        description: r.description,
                    })
                    .collect(),
                tagsets,
                visuals: Vec::new(),
                visual_uris,
            },
            avatar,
        ))
    }
}

/// A new organization.
#[derive(Debug, Clone, InputObject)]
pub struct CreateOrganizationInput {
    /// Where to reach it.
    pub contact_email: Option<String>,
    /// Its e-mail domain.
    pub domain: Option<String>,
    /// Registered legal name.
    pub legal_entity_name: Option<String>,
    /// URL slug (generated from the display name when absent).
    #[graphql(name = "nameID")]
    pub name_id: Option<NameId>,
    /// Its profile.
    pub profile_data: CreateProfileInput,
    /// Its web site.
    pub website: Option<String>,
}

/// Changes to an organization.
#[derive(Debug, InputObject)]
pub struct UpdateOrganizationInput {
    /// New contact e-mail.
    pub contact_email: Option<String>,
    /// New domain.
    pub domain: Option<String>,
    /// Which organization.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
    /// New legal name.
    pub legal_entity_name: Option<String>,
    /// Accepted for the client's sake; an organization's NameID changes only through the
    /// platform admin settings, as in the reference.
    #[graphql(name = "nameID")]
    pub name_id: Option<NameId>,
    /// Profile changes.
    pub profile_data: Option<UpdateProfileInput>,
    /// New web site.
    pub website: Option<String>,
}

/// New membership settings.
#[derive(Debug, InputObject)]
pub struct UpdateOrganizationSettingsMembershipInput {
    /// See `OrganizationSettingsMembership`.
    pub allow_users_matching_domain_to_join: bool,
}

/// New privacy settings.
#[derive(Debug, InputObject)]
pub struct UpdateOrganizationSettingsPrivacyInput {
    /// See `OrganizationSettingsPrivacy`.
    pub contribution_roles_publicly_visible: bool,
}

/// New settings; absent groups stay as they are.
#[derive(Debug, InputObject)]
pub struct UpdateOrganizationSettingsEntityInput {
    /// Membership settings.
    pub membership: Option<UpdateOrganizationSettingsMembershipInput>,
    /// Privacy settings.
    pub privacy: Option<UpdateOrganizationSettingsPrivacyInput>,
}

/// Platform-managed details of an organization.
#[derive(Debug, InputObject)]
pub struct UpdateOrganizationPlatformSettingsInput {
    /// New URL slug.
    #[graphql(name = "nameID")]
    pub name_id: NameId,
    /// Which organization.
    #[graphql(name = "organizationID")]
    pub organization_id: UuidScalar,
}

/// Which organization to delete.
#[derive(Debug, InputObject)]
pub struct DeleteOrganizationInput {
    /// The organization.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
}

/// Which organization's settings change and how.
#[derive(Debug, InputObject)]
pub struct UpdateOrganizationSettingsInput {
    /// The organization.
    #[graphql(name = "organizationID")]
    pub organization_id: UuidScalar,
    /// The new settings.
    pub settings: UpdateOrganizationSettingsEntityInput,
}

/// An event for an organization's verification.
#[derive(Debug, InputObject)]
pub struct OrganizationVerificationEventInput {
    /// The event's name, one of the verification's `nextEvents`.
    pub event_name: String,
    /// The verification.
    #[graphql(name = "organizationVerificationID")]
    pub organization_verification_id: UuidScalar,
}

/// A role to give in a role set.
#[derive(Debug, InputObject)]
pub struct AssignRoleOnRoleSetInput {
    /// Who gets it.
    #[graphql(name = "actorID")]
    pub actor_id: UuidScalar,
    /// The role.
    pub role: RoleName,
    /// The role set.
    #[graphql(name = "roleSetID")]
    pub role_set_id: UuidScalar,
}

/// A role to take away in a role set.
#[derive(Debug, InputObject)]
pub struct RemoveRoleOnRoleSetInput {
    /// Who loses it.
    #[graphql(name = "actorID")]
    pub actor_id: UuidScalar,
    /// The role.
    pub role: RoleName,
    /// The role set.
    #[graphql(name = "roleSetID")]
    pub role_set_id: UuidScalar,
}

/// The virtual contributor service and the account of a virtual contributor (none when it is
/// not one: the role change then fails with the reference's error).
async fn vc_and_account<'a>(
    ctx: &Context<'a>,
    id: uuid::Uuid,
) -> AppResult<(
    &'a alkemio_virtual_contributor::VirtualContributorService,
    Option<ActorId>,
)> {
    let vcs = data::<alkemio_virtual_contributor::VirtualContributorService>(ctx)?;
    let account = vcs
        .many(&[id])
        .await?
        .remove(&id)
        .and_then(|v| v.account_id);
    Ok((vcs, account))
}

async fn actor_or_fail(ctx: &Context<'_>, id: ActorId) -> AppResult<alkemio_contributor::Actor> {
    data::<alkemio_contributor::ActorService>(ctx)?
        .actor(id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("Actor {id} not found")))
}

async fn user_or_fail(ctx: &Context<'_>, id: UuidScalar) -> AppResult<User> {
    data::<UserService>(ctx)?
        .user(UserId(id.0))
        .await?
        .map(User)
        .ok_or_else(|| AppError::not_found(format!("User {id} not found")))
}

/// Organization mutations and role assignment.
#[derive(Debug, Default)]
pub struct OrganizationMutation;

/// Whose policy to recompute.
#[derive(Debug, InputObject)]
pub struct OrganizationAuthorizationResetInput {
    /// Which organization.
    #[graphql(name = "organizationID")]
    pub organization_id: UuidScalar,
}

#[Object]
impl OrganizationMutation {
    /// Creates an organization (needs CREATE_ORGANIZATION on the platform); the caller becomes
    /// its associate and admin.
    async fn create_organization(
        &self,
        ctx: &Context<'_>,
        organization_data: CreateOrganizationInput,
    ) -> Result<Organization> {
        let platform = data::<PlatformService>(ctx)?.authorization().await?;
        let input = organization_data;
        let (profile, avatar_uri) = input.profile_data.into_new_profile()?;
        let created = service(ctx)?
            .create(
                &actor(ctx),
                &platform.policy,
                NewOrganization {
                    name_id: input.name_id.map(|n| n.as_str().to_owned()),
                    profile,
                    avatar_uri,
                    legal_entity_name: input.legal_entity_name,
                    domain: input.domain,
                    website: input.website,
                    contact_email: input.contact_email,
                },
            )
            .await?;
        Ok(Organization(created))
    }

    /// Changes an organization's details and profile (needs UPDATE on it).
    async fn update_organization(
        &self,
        ctx: &Context<'_>,
        organization_data: UpdateOrganizationInput,
    ) -> Result<Organization> {
        let input = organization_data;
        let updated = service(ctx)?
            .update(
                &actor(ctx),
                OrganizationUpdate {
                    id: ActorId(input.id.0),
                    legal_entity_name: input.legal_entity_name,
                    domain: input.domain,
                    website: input.website,
                    contact_email: input.contact_email,
                    profile: input.profile_data.map(Into::into),
                },
            )
            .await?;
        Ok(Organization(updated))
    }

    /// Recomputes an organization's authorization policy and its parts (needs
    /// AUTHORIZATION_RESET on it).
    async fn authorization_policy_reset_on_organization(
        &self,
        ctx: &Context<'_>,
        authorization_reset_data: OrganizationAuthorizationResetInput,
    ) -> Result<Organization> {
        let id = ActorId(authorization_reset_data.organization_id.0);
        let organization = service(ctx)?.get_or_fail(id).await?;
        require_on(
            ctx,
            organization.authorization_id,
            AuthorizationPrivilege::AuthorizationReset,
            "reset the authorization of an organization",
        )
        .await?;
        service(ctx)?.reset_authorization(id).await?;
        Ok(Organization(service(ctx)?.get_or_fail(id).await?))
    }

    /// Deletes an organization with its profile, files, role set, verification and account;
    /// its members lose their roles (needs DELETE on it).
    async fn delete_organization(
        &self,
        ctx: &Context<'_>,
        delete_data: DeleteOrganizationInput,
    ) -> Result<Organization> {
        // The organization's invitations go with it; their policies after it.
        let entry = data::<alkemio_space::EntryService>(ctx)?;
        let left = entry.policies_of_actors(&[delete_data.id.0]).await?;
        let deleted = service(ctx)?
            .delete(&actor(ctx), ActorId(delete_data.id.0))
            .await?;
        entry.delete_policies(&left).await?;
        if let Some(account) = deleted.account_id {
            crate::account::delete_hosted(ctx, account).await?;
        }
        Ok(Organization(deleted))
    }

    /// Changes an organization's NameID (needs PLATFORM_ADMIN on it).
    async fn update_organization_platform_settings(
        &self,
        ctx: &Context<'_>,
        organization_data: UpdateOrganizationPlatformSettingsInput,
    ) -> Result<Organization> {
        let updated = service(ctx)?
            .update_platform_settings(
                &actor(ctx),
                ActorId(organization_data.organization_id.0),
                organization_data.name_id.as_str().to_owned(),
            )
            .await?;
        Ok(Organization(updated))
    }

    /// Creates a user group in an organization (needs CREATE on it).
    async fn create_group_on_organization(
        &self,
        ctx: &Context<'_>,
        group_data: CreateUserGroupInput,
    ) -> Result<UserGroup> {
        let (profile, _) = group_data.profile.into_new_profile()?;
        let group = service(ctx)?
            .create_group(&actor(ctx), ActorId(group_data.parent_id.0), profile)
            .await?;
        Ok(UserGroup(group))
    }

    /// Renames a user group or changes its profile (needs UPDATE on it).
    async fn update_user_group(
        &self,
        ctx: &Context<'_>,
        user_group_data: UpdateUserGroupInput,
    ) -> Result<UserGroup> {
        let group = service(ctx)?
            .update_group(
                &actor(ctx),
                user_group_data.id.0,
                user_group_data.name,
                user_group_data.profile_data.map(Into::into),
            )
            .await?;
        Ok(UserGroup(group))
    }

    /// Deletes a user group; its members leave it (needs DELETE on it).
    async fn delete_user_group(
        &self,
        ctx: &Context<'_>,
        delete_data: DeleteUserGroupInput,
    ) -> Result<UserGroup> {
        Ok(UserGroup(
            service(ctx)?
                .delete_group(&actor(ctx), delete_data.id.0)
                .await?,
        ))
    }

    /// Adds a user to a group (needs GRANT on it).
    async fn assign_user_to_group(
        &self,
        ctx: &Context<'_>,
        membership_data: AssignUserGroupMemberInput,
    ) -> Result<UserGroup> {
        Ok(UserGroup(
            service(ctx)?
                .assign_to_group(
                    &actor(ctx),
                    membership_data.group_id.0,
                    UserId(membership_data.user_id.0),
                )
                .await?,
        ))
    }

    /// Takes a user out of a group (needs DELETE on it).
    async fn remove_user_from_group(
        &self,
        ctx: &Context<'_>,
        membership_data: RemoveUserGroupMemberInput,
    ) -> Result<UserGroup> {
        Ok(UserGroup(
            service(ctx)?
                .remove_from_group(
                    &actor(ctx),
                    membership_data.group_id.0,
                    UserId(membership_data.user_id.0),
                )
                .await?,
        ))
    }

    /// Changes an organization's settings (needs UPDATE on it).
    async fn update_organization_settings(
        &self,
        ctx: &Context<'_>,
        settings_data: UpdateOrganizationSettingsInput,
    ) -> Result<Organization> {
        let settings = settings_data.settings;
        let updated = service(ctx)?
            .update_settings(
                &actor(ctx),
                ActorId(settings_data.organization_id.0),
                settings
                    .membership
                    .map(|m| m.allow_users_matching_domain_to_join),
                settings
                    .privacy
                    .map(|p| p.contribution_roles_publicly_visible),
            )
            .await?;
        Ok(Organization(updated))
    }

    /// Moves an organization's verification on by one event.
    async fn event_on_organization_verification(
        &self,
        ctx: &Context<'_>,
        event_data: OrganizationVerificationEventInput,
    ) -> Result<OrganizationVerification> {
        let verification = service(ctx)?
            .verification_event(
                &actor(ctx),
                event_data.organization_verification_id.0,
                &event_data.event_name,
            )
            .await?;
        Ok(OrganizationVerification(verification))
    }

    /// Gives a user a role in a role set (needs GRANT on an organization's role set).
    async fn assign_role_to_user(
        &self,
        ctx: &Context<'_>,
        role_data: AssignRoleOnRoleSetInput,
    ) -> Result<User> {
        let set = data::<RoleSetService>(ctx)?
            .get(RoleSetId(role_data.role_set_id.0))
            .await?;
        match set.role_set_type {
            RoleSetType::Organization => {
                service(ctx)?
                    .assign_role(
                        &actor(ctx),
                        &set,
                        role_data.role,
                        ActorId(role_data.actor_id.0),
                    )
                    .await?;
            }
            RoleSetType::Space => {
                data::<alkemio_space::SpaceService>(ctx)?
                    .assign_role(
                        &actor(ctx),
                        &set,
                        role_data.role,
                        ActorId(role_data.actor_id.0),
                    )
                    .await?;
            }
            other => {
                return Err(AppError::bad_input(format!(
                    "Roles on a {} role set are not assigned with this mutation",
                    other.graphql_name()
                ))
                .into());
            }
        }
        Ok(user_or_fail(ctx, role_data.actor_id).await?)
    }

    /// Gives an actor (user, organization or virtual contributor) a role in a role set, with
    /// the checks of `assignRoleToUser`, `assignRoleToOrganization` or
    /// `assignRoleToVirtualContributor` by the actor's kind.
    async fn assign_role(
        &self,
        ctx: &Context<'_>,
        role_data: AssignRoleOnRoleSetInput,
    ) -> Result<crate::contributor::Actor> {
        let id = ActorId(role_data.actor_id.0);
        let found = actor_or_fail(ctx, id).await?;
        match found.actor_type {
            alkemio_contributor::ActorType::User => {
                self.assign_role_to_user(ctx, role_data).await?;
            }
            alkemio_contributor::ActorType::Organization => {
                self.assign_role_to_organization(ctx, role_data).await?;
            }
            alkemio_contributor::ActorType::VirtualContributor => {
                self.assign_role_to_virtual_contributor(ctx, role_data)
                    .await?;
            }
            other => {
                return Err(AppError::bad_input(format!(
                    "Actors of type {} cannot be given roles here",
                    other.as_str()
                ))
                .into());
            }
        }
        Ok(crate::contributor::Actor(actor_or_fail(ctx, id).await?))
    }

    /// Takes a role from an actor (user, organization or virtual contributor), with the checks
    /// of `removeRoleFromUser`, `removeRoleFromOrganization` or
    /// `removeRoleFromVirtualContributor` by the actor's kind.
    async fn remove_role(
        &self,
        ctx: &Context<'_>,
        role_data: RemoveRoleOnRoleSetInput,
    ) -> Result<crate::contributor::Actor> {
        let id = ActorId(role_data.actor_id.0);
        let found = actor_or_fail(ctx, id).await?;
        match found.actor_type {
            alkemio_contributor::ActorType::User => {
                self.remove_role_from_user(ctx, role_data).await?;
            }
            alkemio_contributor::ActorType::Organization => {
                self.remove_role_from_organization(ctx, role_data).await?;
            }
            alkemio_contributor::ActorType::VirtualContributor => {
                self.remove_role_from_virtual_contributor(ctx, role_data)
                    .await?;
            }
            other => {
                return Err(AppError::bad_input(format!(
                    "Actors of type {} hold no roles here",
                    other.as_str()
                ))
                .into());
            }
        }
        Ok(crate::contributor::Actor(actor_or_fail(ctx, id).await?))
    }

    /// Gives a virtual contributor a role in a space's role set: the member role needs
    /// COMMUNITY_ASSIGN_VC_FROM_ACCOUNT when its account hosts the space, otherwise
    /// ROLESET_ENTRY_ROLE_ASSIGN; other roles need GRANT; the space's license must let virtual
    /// contributors in.
    async fn assign_role_to_virtual_contributor(
        &self,
        ctx: &Context<'_>,
        role_data: AssignRoleOnRoleSetInput,
    ) -> Result<crate::virtual_contributor::VirtualContributor> {
        let set = data::<RoleSetService>(ctx)?
            .get(RoleSetId(role_data.role_set_id.0))
            .await?;
        let (vcs, account) = vc_and_account(ctx, role_data.actor_id.0).await?;
        data::<alkemio_space::SpaceService>(ctx)?
            .assign_virtual_contributor_role(
                &actor(ctx),
                &set,
                role_data.role,
                ActorId(role_data.actor_id.0),
                account,
            )
            .await?;
        Ok(crate::virtual_contributor::VirtualContributor(
            vcs.get(role_data.actor_id.0).await?,
        ))
    }

    /// Takes a role in a space's role set from a virtual contributor (needs GRANT on the role
    /// set, which its account's admins have for it).
    async fn remove_role_from_virtual_contributor(
        &self,
        ctx: &Context<'_>,
        role_data: RemoveRoleOnRoleSetInput,
    ) -> Result<crate::virtual_contributor::VirtualContributor> {
        let set = data::<RoleSetService>(ctx)?
            .get(RoleSetId(role_data.role_set_id.0))
            .await?;
        let (vcs, account) = vc_and_account(ctx, role_data.actor_id.0).await?;
        data::<alkemio_space::SpaceService>(ctx)?
            .remove_virtual_contributor_role(
                &actor(ctx),
                &set,
                role_data.role,
                ActorId(role_data.actor_id.0),
                account,
            )
            .await?;
        Ok(crate::virtual_contributor::VirtualContributor(
            vcs.get(role_data.actor_id.0).await?,
        ))
    }

    /// Gives an organization a role in a space's role set (needs
    /// ROLESET_ENTRY_ROLE_ASSIGN_ORGANIZATION and GRANT on the role set).
    async fn assign_role_to_organization(
        &self,
        ctx: &Context<'_>,
        role_data: AssignRoleOnRoleSetInput,
    ) -> Result<Organization> {
        let set = data::<RoleSetService>(ctx)?
            .get(RoleSetId(role_data.role_set_id.0))
            .await?;
        data::<alkemio_space::SpaceService>(ctx)?
            .assign_organization_role(
                &actor(ctx),
                &set,
                role_data.role,
                ActorId(role_data.actor_id.0),
            )
            .await?;
        Ok(Organization(
            service(ctx)?
                .get_or_fail(ActorId(role_data.actor_id.0))
                .await?,
        ))
    }

    /// Takes a role in a space's role set from an organization (needs GRANT on the role set).
    async fn remove_role_from_organization(
        &self,
        ctx: &Context<'_>,
        role_data: RemoveRoleOnRoleSetInput,
    ) -> Result<Organization> {
        let set = data::<RoleSetService>(ctx)?
            .get(RoleSetId(role_data.role_set_id.0))
            .await?;
        data::<alkemio_space::SpaceService>(ctx)?
            .remove_organization_role(
                &actor(ctx),
                &set,
                role_data.role,
                ActorId(role_data.actor_id.0),
            )
            .await?;
        Ok(Organization(
            service(ctx)?
                .get_or_fail(ActorId(role_data.actor_id.0))
                .await?,
        ))
    }

    /// Takes a role from a user in a role set (needs GRANT on an organization's role set; a
    /// user may leave as an associate on their own).
    async fn remove_role_from_user(
        &self,
        ctx: &Context<'_>,
        role_data: RemoveRoleOnRoleSetInput,
    ) -> Result<User> {
        let set = data::<RoleSetService>(ctx)?
            .get(RoleSetId(role_data.role_set_id.0))
            .await?;
        match set.role_set_type {
            RoleSetType::Organization => {
                service(ctx)?
                    .remove_role(
                        &actor(ctx),
                        &set,
                        role_data.role,
                        ActorId(role_data.actor_id.0),
                    )
                    .await?;
            }
            RoleSetType::Space => {
                data::<alkemio_space::SpaceService>(ctx)?
                    .remove_role(
                        &actor(ctx),
                        &set,
                        role_data.role,
                        ActorId(role_data.actor_id.0),
                    )
                    .await?;
            }
            other => {
                return Err(AppError::bad_input(format!(
                    "Roles on a {} role set are not removed with this mutation",
                    other.graphql_name()
                ))
                .into());
            }
        }
        Ok(user_or_fail(ctx, role_data.actor_id).await?)
    }
}
