//! The space algorithm: what the platform roles may do on a space (derived from its settings
//! and its parent's), who can see it, and the policies of the space and of what it owns (about,
//! guidelines, community, role set, license). Pure functions; the service loads and saves.
//!
//! Where the reference has a flaw this follows the intent and says so:
//! - trusted organizations: the reference builds the criterion from the organization id wrapped
//!   in quotes, so it never matches; here associates of a trusted organization get JOIN.
//! - archived spaces: the reference keeps the parent-member JOIN/APPLY rules on the role sets of
//!   an archived tree's subspaces; here an archived space admits nobody through its role set.
//! - platform admins: the reference grants PLATFORM_ADMIN only on spaces that restart from the
//!   root (L0 and private subspaces), so not even a global admin may change a public subspace's
//!   platform settings; here every space has the rule.

use alkemio_authorization::{
    AuthorizationPolicy, AuthorizationPrivilege as P, Credential, CredentialRule,
    CredentialType as C, PrivilegeRule, root_policy,
};
use alkemio_community::authorization::apply_role_set_policy;
use alkemio_community::model::{RoleName, RoleSet};

use crate::model::{
    CommunityMembershipPolicy, PlatformAccessRole, PlatformRolesAccess, Space, SpaceLevel,
    SpaceSettings, SpaceVisibility,
};

const CRUD_GRANT: [P; 5] = [P::Create, P::Read, P::Update, P::Delete, P::Grant];

/// The global credential a platform role stands for in space rules.
pub fn platform_role_credential(role: RoleName) -> Option<Credential> {
    let c = match role {
        RoleName::Anonymous => C::GlobalAnonymous,
        RoleName::Registered => C::GlobalRegistered,
        RoleName::Guest => C::GlobalGuest,
        RoleName::GlobalAdmin => C::GlobalAdmin,
        RoleName::GlobalLicenseManager => C::GlobalLicenseManager,
        RoleName::GlobalSupport => C::GlobalSupport,
        RoleName::GlobalSpacesReader => C::GlobalSpacesReader,
        _ => return None,
    };
    Some(Credential::global(c))
}

/// What the platform roles may do on a space: for an L0 from its own settings and visibility,
/// for a subspace also from what its parent gives them.
pub fn platform_roles_access(
    level: SpaceLevel,
    settings: &SpaceSettings,
    visibility: SpaceVisibility,
    parent: Option<&PlatformRolesAccess>,
) -> PlatformRolesAccess {
    let public = settings.is_public();
    let archived = visibility == SpaceVisibility::Archived;
    let sees = |role: RoleName| -> Vec<P> {
        let allowed = match (level, parent) {
            (SpaceLevel::L0, _) | (_, None) => !archived,
            (_, Some(parent)) => parent.has(role, P::Read),
        };
        if !allowed {
            return Vec::new();
        }
        let mut privileges = vec![P::ReadAbout];
        if public {
            privileges.push(P::Read);
        }
        privileges
    };
    let mut guest = sees(RoleName::Guest);
    if public && !guest.is_empty() {
        guest.push(P::ReadUsers);
    }
    let support = match (level, parent) {
        (SpaceLevel::L0, _) | (_, None) => {
            let mut p = vec![P::ReadLicense, P::ReadAbout, P::PlatformAdmin];
            if settings.privacy.allow_platform_support_as_admin {
                p.extend(CRUD_GRANT);
                if settings.collaboration.allow_guest_contributions {
                    p.push(P::PublicShare);
                }
            }
            p
        }
        (_, Some(parent)) => {
            if parent.has(RoleName::GlobalSupport, P::Update) {
                CRUD_GRANT.to_vec()
            } else {
                Vec::new()
            }
        }
    };
    let license_manager = if level == SpaceLevel::L0 {
        vec![P::ReadLicense, P::ReadAbout]
    } else {
        Vec::new()
    };
    let role = |role_name, granted_privileges| PlatformAccessRole {
        role_name,
        granted_privileges,
    };
    PlatformRolesAccess {
        roles: vec![
            role(RoleName::Anonymous, sees(RoleName::Anonymous)),
            role(RoleName::Registered, sees(RoleName::Registered)),
            role(RoleName::Guest, guest),
            role(RoleName::GlobalAdmin, CRUD_GRANT.to_vec()),
            role(RoleName::GlobalLicenseManager, license_manager),
            role(RoleName::GlobalSupport, support),
            role(RoleName::GlobalSpacesReader, vec![P::Read]),
        ],
    }
}

/// The global credentials of the platform roles that have `privilege` on the space.
pub fn platform_credentials_with(access: &PlatformRolesAccess, privilege: P) -> Vec<Credential> {
    access
        .roles
        .iter()
        .filter(|r| r.granted_privileges.contains(&privilege))
        .filter_map(|r| platform_role_credential(r.role_name))
        .collect()
}

/// What a subspace's policy needs from its parent.
#[derive(Debug, Clone, Copy)]
pub struct ParentContext<'a> {
    /// The parent space.
    pub space: &'a Space,
    /// The parent's stored policy.
    pub policy: &'a AuthorizationPolicy,
    /// The parent's role set.
    pub role_set: &'a RoleSet,
    /// The member credential of the grandparent, for L2 spaces.
    pub grandparent_member: Option<&'a Credential>,
}

/// Everything the space algorithm reads.
#[derive(Debug, Clone, Copy)]
pub struct SpaceContext<'a> {
    /// The space, with its platform roles' access already computed.
    pub space: &'a Space,
    /// Its role set.
    pub role_set: &'a RoleSet,
    /// Its parent, for subspaces.
    pub parent: Option<ParentContext<'a>>,
}

fn role_credential(set: &RoleSet, name: RoleName) -> Vec<Credential> {
    set.role(name)
        .map(|r| vec![r.credential.clone()])
        .unwrap_or_default()
}

impl SpaceContext<'_> {
    fn member(&self) -> Vec<Credential> {
        role_credential(self.role_set, RoleName::Member)
    }

    fn lead(&self) -> Vec<Credential> {
        role_credential(self.role_set, RoleName::Lead)
    }

    /// The space's admins: its own admin credential and every ancestor's.
    fn admins(&self) -> Vec<Credential> {
        self.role_set
            .role(RoleName::Admin)
            .map(|r| {
                std::iter::once(r.credential.clone())
                    .chain(r.parent_credentials.iter().cloned())
                    .collect()
            })
            .unwrap_or_default()
    }

    fn parent_member(&self) -> Vec<Credential> {
        self.parent
            .map(|p| role_credential(p.role_set, RoleName::Member))
            .unwrap_or_default()
    }

    fn parent_admin(&self) -> Vec<Credential> {
        self.parent
            .map(|p| role_credential(p.role_set, RoleName::Admin))
            .unwrap_or_default()
    }

    fn archived(&self) -> bool {
        self.space.visibility == SpaceVisibility::Archived
    }

    fn public(&self) -> bool {
        self.space.settings.is_public()
    }

    /// The credentials that can see the space (its about): platform roles with READ_ABOUT, its
    /// invitees, and by level the account's admins (L0), the parent's members (L1, L2) and the
    /// grandparent's members when the parent is public (L2).
    pub fn visibility_criteria(&self) -> Vec<Credential> {
        let mut v = platform_credentials_with(&self.space.platform_roles_access, P::ReadAbout);
        v.push(Credential::new(C::SpaceMemberInvitee, self.space.id));
        match (self.space.level, self.parent) {
            (SpaceLevel::L0, _) => {
                if let Some(account) = self.space.account_id {
                    v.push(Credential::new(C::AccountAdmin, account));
                }
            }
            (_, Some(parent)) => {
                v.extend(self.parent_member());
                if self.space.level == SpaceLevel::L2
                    && parent.space.settings.is_public()
                    && let Some(grandparent) = parent.grandparent_member
                {
                    v.push(grandparent.clone());
                }
            }
            (_, None) => {}
        }
        v
    }

    /// Credentials of platform roles with `privilege` on this space.
    fn platform(&self, privilege: P) -> Vec<Credential> {
        platform_credentials_with(&self.space.platform_roles_access, privilege)
    }
}

fn rule(name: &str, criteria: Vec<Credential>, granted: &[P]) -> Option<CredentialRule> {
    (!criteria.is_empty()).then(|| CredentialRule::new(name, criteria, granted))
}

fn local(name: &str, criteria: Vec<Credential>, granted: &[P]) -> Option<CredentialRule> {
    rule(name, criteria, granted).map(CredentialRule::local)
}

/// Recomputes a space's own policy.
pub fn apply_space_policy(policy: &mut AuthorizationPolicy, ctx: &SpaceContext<'_>) {
    let space = ctx.space;
    let restart = space.level == SpaceLevel::L0 || !ctx.public() || ctx.parent.is_none();
    match ctx.parent {
        Some(parent) if !restart => {
            policy.inherit_from(parent.policy);
            policy.parent = Some(parent.policy.id);
        }
        parent => {
            policy.inherit_from(&root_policy());
            policy.parent = parent.map(|p| p.policy.id);
            policy.add_credential_rules(
                [
                    local(
                        "credentialRule-platformRolesReadAbout",
                        ctx.platform(P::ReadAbout),
                        &[P::ReadAbout],
                    ),
                    rule(
                        "credentialRule-globalSpacesReader",
                        vec![Credential::global(C::GlobalSpacesReader)],
                        &[P::Read],
                    ),
                ]
                .into_iter()
                .flatten(),
            );
            if space.level == SpaceLevel::L0 {
                policy.add_credential_rules(
                    [
                        local(
                            "credentialRule-platformRolesReadLicense",
                            ctx.platform(P::ReadLicense),
                            &[P::ReadLicense],
                        ),
                        local(
                            "credentialRule-accountAdminReadAbout",
                            space
                                .account_id
                                .map(|a| vec![Credential::new(C::AccountAdmin, a)])
                                .unwrap_or_default(),
                            &[P::ReadLicense, P::ReadAbout],
                        ),
                    ]
                    .into_iter()
                    .flatten(),
                );
            }
        }
    }

    // Every space, public subspaces too (the reference adds this only where a space restarts
    // from the root, so nobody is platform admin of a public subspace).
    policy.add_credential_rules([CredentialRule::new(
        "credentialRule-platformAdmin",
        vec![
            Credential::global(C::GlobalAdmin),
            Credential::global(C::GlobalSupport),
        ],
        &[P::PlatformAdmin],
    )
    .local()]);

    if !ctx.archived() {
        let visible = ctx.visibility_criteria();
        let settings = &space.settings;
        let mut rules = vec![if ctx.public() {
            rule("credentialRule-spaceVisibleRead", visible, &[P::Read])
        } else {
            local(
                "credentialRule-spaceVisibleReadAbout",
                visible,
                &[P::ReadAbout],
            )
        }];
        if space.level != SpaceLevel::L0 {
            rules.push(local(
                "credentialRule-parentAdminDelete",
                ctx.parent_admin(),
                &[P::Delete],
            ));
        }
        rules.push(rule("credentialRule-spaceMember", ctx.member(), &[P::Read]));
        let mut admins = ctx.admins();
        admins.extend(ctx.platform(P::Update));
        rules.push(rule("credentialRule-spaceAdmins", admins, &CRUD_GRANT));
        rules.push(local(
            "credentialRule-memberNotifications",
            ctx.member(),
            &[P::ReceiveNotifications],
        ));
        let mut leads_admins = ctx.lead();
        leads_admins.extend(role_credential(ctx.role_set, RoleName::Admin));
        rules.push(local(
            "credentialRule-adminNotifications",
            leads_admins,
            &[P::ReceiveNotificationsAdmin],
        ));
        if settings.collaboration.allow_members_to_create_subspaces {
            let mut creators = ctx.member();
            if settings.collaboration.inherit_membership_rights && ctx.public() {
                creators.extend(ctx.parent_member());
            }
            rules.push(local(
                "credentialRule-membersCreateSubspaces",
                creators,
                &[P::CreateSubspace],
            ));
        }
        policy.add_credential_rules(rules.into_iter().flatten());
    }

    policy.add_privilege_rules([
        PrivilegeRule::new(
            "privilegeRule-readAbout",
            P::Read,
            &[P::ReadAbout, P::ReadLicense],
        ),
        PrivilegeRule::new(
            "privilegeRule-createSubspace",
            P::Create,
            &[P::CreateSubspace],
        ),
    ]);
}

/// The policy a space passes to its about: its own plus READ for everyone who can see it.
pub fn about_parent(
    space_policy: &AuthorizationPolicy,
    ctx: &SpaceContext<'_>,
) -> AuthorizationPolicy {
    let mut clone = space_policy.clone();
    clone.add_credential_rules(rule(
        "credentialRule-aboutVisibleRead",
        ctx.visibility_criteria(),
        &[P::Read],
    ));
    clone
}

/// Recomputes a policy that simply inherits (about, guidelines, license).
pub fn apply_inherited_policy(policy: &mut AuthorizationPolicy, parent: &AuthorizationPolicy) {
    policy.inherit_from(parent);
}

/// Recomputes a space community's policy: the space's, plus registered READ when public.
pub fn apply_community_policy(
    policy: &mut AuthorizationPolicy,
    space_policy: &AuthorizationPolicy,
    ctx: &SpaceContext<'_>,
) {
    policy.inherit_from(space_policy);
    if ctx.public() {
        policy.add_credential_rules([CredentialRule::new(
            "credentialRule-communityRegisteredRead",
            vec![Credential::global(C::GlobalRegistered)],
            &[P::Read],
        )]);
    }
}

/// The rules a space's community adds to its role set: who may invite, join, apply and (on
/// subspaces) assign members directly.
pub fn role_set_rules(ctx: &SpaceContext<'_>) -> Vec<CredentialRule> {
    let space = ctx.space;
    let settings = &space.settings;
    let grant_roles = ctx.platform(P::Grant);
    let mut inviters = ctx.admins();
    inviters.extend(grant_roles.iter().cloned());
    if settings.membership.allow_subspace_admins_to_invite_members {
        inviters.push(Credential::new(C::SpaceSubspaceAdmin, space.id));
    }
    let mut rules = vec![local(
        "credentialRule-roleSetInvite",
        inviters,
        &[P::RolesetEntryRoleInvite],
    )];
    if !ctx.archived() {
        let entrants = match space.level {
            SpaceLevel::L0 => vec![Credential::global(C::GlobalRegistered)],
            _ => ctx.parent_member(),
        };
        match settings.membership.policy {
            CommunityMembershipPolicy::Open => rules.push(local(
                "credentialRule-roleSetJoin",
                entrants,
                &[P::RolesetEntryRoleJoin],
            )),
            CommunityMembershipPolicy::Applications => rules.push(local(
                "credentialRule-roleSetApply",
                entrants,
                &[P::RolesetEntryRoleApply],
            )),
            CommunityMembershipPolicy::Invitations => {}
        }
        if space.level == SpaceLevel::L0 {
            rules.push(local(
                "credentialRule-trustedOrganizationsJoin",
                settings
                    .membership
                    .trusted_organizations
                    .iter()
                    .map(|o| Credential::new(C::OrganizationAssociate, o))
                    .collect(),
                &[P::RolesetEntryRoleJoin],
            ));
        }
    }
    if space.level != SpaceLevel::L0 {
        let mut assigners = ctx.admins();
        assigners.extend(grant_roles);
        rules.push(local(
            "credentialRule-subspaceAssign",
            assigners,
            &[P::RolesetEntryRoleAssign],
        ));
    }
    rules.into_iter().flatten().collect()
}

/// Recomputes a space role set's policy from the community's.
pub fn apply_space_role_set_policy(
    policy: &mut AuthorizationPolicy,
    community_policy: &AuthorizationPolicy,
    ctx: &SpaceContext<'_>,
) {
    apply_role_set_policy(policy, community_policy, role_set_rules(ctx));
    policy.add_privilege_rules([PrivilegeRule::new(
        "privilegeRule-assignVcFromAccount",
        P::Grant,
        &[P::CommunityAssignVcFromAccount],
    )]);
}

/// Recomputes an application's policy: the role set's cascading rules (admins manage, members
/// and readers of a public space read), and the applicant may read, change (withdraw, reopen,
/// archive) and delete it, but not approve it.
pub fn apply_application_policy(
    policy: &mut AuthorizationPolicy,
    role_set_policy: &AuthorizationPolicy,
    applicant: alkemio_kernel::ids::UserId,
) {
    policy.inherit_from(role_set_policy);
    policy.add_credential_rules([CredentialRule::new(
        "credentialRule-roleSetApplication",
        vec![Credential::new(C::UserSelfManagement, applicant)],
        &[P::Read, P::Update, P::Delete],
    )]);
}

/// Recomputes an invitation's policy: the role set's cascading rules, and the admins of the
/// invitee's account (the user themself, an organization's admins and owners) may read it,
/// decline it and accept it.
pub fn apply_invitation_policy(
    policy: &mut AuthorizationPolicy,
    role_set_policy: &AuthorizationPolicy,
    invitee_account: Option<alkemio_kernel::ids::ActorId>,
) {
    policy.inherit_from(role_set_policy);
    if let Some(account) = invitee_account {
        policy.add_credential_rules([CredentialRule::new(
            "credentialRule-roleSetInvitation",
            vec![Credential::new(C::AccountAdmin, account)],
            &[P::Read, P::Update, P::RolesetEntryRoleInviteAccept],
        )]);
    }
}

/// What a space lends its collaboration's policies: its admins (with its ancestors'), who
/// contributes, the platform roles with UPDATE, whether members create callouts and whether it
/// is archived. Ancestors' members contribute when the space inherits membership rights and
/// is public (the reference also gives them CONTRIBUTE in a private subspace, which they cannot
/// read).
pub fn collaboration_access(
    ctx: &SpaceContext<'_>,
) -> alkemio_collaboration::authorization::CollaborationAccess {
    let settings = &ctx.space.settings.collaboration;
    let mut contributors = ctx.member();
    if settings.inherit_membership_rights && ctx.public() {
        contributors.extend(
            ctx.role_set
                .role(RoleName::Member)
                .map(|r| r.parent_credentials.clone())
                .unwrap_or_default(),
        );
    }
    alkemio_collaboration::authorization::CollaborationAccess {
        admins: ctx.admins(),
        contributors,
        platform_updaters: ctx.platform(P::Update),
        members_create_callouts: settings.allow_members_to_create_callouts,
        archived: ctx.archived(),
        guest_contributions: settings.allow_guest_contributions,
    }
}
