//! Organization authorization: an organization is a root of the forest. Registered users and
//! its associates read it; its admins and owners manage it (and hand out its roles); global
//! support manages every organization; global admins hold everything. Its verification has a
//! policy of its own that inherits nothing: platform staff decide, the organization's account
//! admins may only ask.

use alkemio_authorization::{
    AuthorizationPolicy, AuthorizationPrivilege as P, Credential, CredentialRule,
    CredentialType as C, root_policy,
};
use alkemio_community::model::{Role, RoleName, RolePolicy, RoleSet, RoleSetType};
use alkemio_kernel::ids::{ActorId, RoleId, RoleSetId};
use chrono::{SubsecRound, Utc};

fn global(types: &[C]) -> Vec<Credential> {
    types.iter().map(|c| Credential::global(*c)).collect()
}

/// The credentials of an organization's managers (admins and owners).
pub fn managers(organization: ActorId) -> Vec<Credential> {
    vec![
        Credential::new(C::OrganizationAdmin, organization),
        Credential::new(C::OrganizationOwner, organization),
    ]
}

/// Recomputes an organization's policy.
pub fn apply_organization_policy(policy: &mut AuthorizationPolicy, organization: ActorId) {
    policy.inherit_from(&root_policy());
    policy.add_credential_rules([
        CredentialRule::new(
            "credentialRuleTypes-organizationAuthorizationReset",
            global(&[C::GlobalAdmin, C::GlobalSupport, C::PlatformOperationsAdmin]),
            &[P::AuthorizationReset],
        )
        .local(),
        CredentialRule::new(
            "credentialRuleTypes-organizationGlobalCommunityRead",
            global(&[C::GlobalCommunityRead]),
            &[P::Read],
        ),
        CredentialRule::new(
            "credentialRuleTypes-organizationGlobalSupportManage",
            global(&[C::GlobalSupport]),
            &[P::Create, P::Read, P::Update, P::Delete],
        ),
        // The reference means this rule not to cascade but sets the flag on another variable;
        // keeping it local is what it intends and what its children need (none checks it).
        CredentialRule::new(
            "credentialRuleTypes-organizationPlatformAdmin",
            global(&[C::GlobalAdmin, C::GlobalSupport]),
            &[P::PlatformAdmin],
        )
        .local(),
        CredentialRule::new(
            "credentialRule-organizationRead",
            vec![
                Credential::new(C::OrganizationAssociate, organization),
                Credential::new(C::OrganizationAdmin, organization),
                Credential::new(C::OrganizationOwner, organization),
                Credential::global(C::GlobalRegistered),
                Credential::global(C::GlobalCommunityRead),
            ],
            &[P::Read],
        ),
        CredentialRule::new(
            "credentialRule-organizationAdmin",
            managers(organization),
            &[
                P::Grant,
                P::Create,
                P::Update,
                P::Delete,
                P::ReceiveNotificationsAdmin,
            ],
        ),
    ]);
}

/// The rules an organization passes to its role set, besides its cascading ones.
pub fn role_set_additional_rules(organization: ActorId) -> Vec<CredentialRule> {
    vec![
        CredentialRule::new(
            "credentialRuleTypes-organizationGlobalAdmins",
            global(&[C::GlobalAdmin, C::GlobalSupport]),
            &[P::RolesetEntryRoleAssign],
        )
        .local(),
        CredentialRule::new(
            "credentialRule-organizationAdmin",
            managers(organization),
            &[P::RolesetEntryRoleAssign],
        )
        .local(),
    ]
}

/// Recomputes a verification's policy (it inherits nothing).
pub fn apply_verification_policy(policy: &mut AuthorizationPolicy, account: Option<ActorId>) {
    policy.reset();
    policy.add_credential_rules([CredentialRule::new(
        "credentialRuleTypes-organizationGlobalAdminsAll",
        global(&[C::GlobalAdmin, C::GlobalSupport, C::GlobalCommunityRead]),
        &[P::Create, P::Grant, P::Read, P::Update, P::Delete],
    )]);
    if let Some(account) = account {
        policy.add_credential_rules([CredentialRule::new(
            "credentialRule-organizationVerificationAdmin",
            vec![Credential::new(C::AccountAdmin, account)],
            &[P::Read, P::Update],
        )]);
    }
}

/// A new organization role set: associates (entry role, unlimited), up to three admins and
/// up to three owners (at least one once there is one); only users hold these roles.
pub fn new_role_set(organization: ActorId) -> RoleSet {
    let now = Utc::now().trunc_subsecs(6);
    let role = |name, credential, user_policy, requires_entry_role| Role {
        id: RoleId::new(),
        name,
        credential: Credential::new(credential, organization),
        parent_credentials: Vec::new(),
        requires_entry_role,
        requires_same_role_in_parent_role_set: false,
        user_policy,
        organization_policy: RolePolicy::NONE,
        virtual_contributor_policy: RolePolicy::NONE,
        created_date: now,
        updated_date: now,
    };
    RoleSet {
        id: RoleSetId::new(),
        role_set_type: RoleSetType::Organization,
        entry_role_name: RoleName::Associate,
        authorization_id: None,
        parent_role_set_id: None,
        license_id: None,
        roles: vec![
            role(
                RoleName::Associate,
                C::OrganizationAssociate,
                RolePolicy::UNBOUNDED,
                false,
            ),
            role(
                RoleName::Admin,
                C::OrganizationAdmin,
                RolePolicy {
                    minimum: 0,
                    maximum: 3,
                },
                true,
            ),
            role(
                RoleName::Owner,
                C::OrganizationOwner,
                RolePolicy {
                    minimum: 1,
                    maximum: 3,
                },
                true,
            ),
        ],
        created_date: now,
        updated_date: now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alkemio_authorization::AuthorizationPolicyType;

    #[test]
    fn managers_manage_associates_read_support_cannot_grant() {
        let org = ActorId::new();
        let mut policy =
            AuthorizationPolicy::new(uuid::Uuid::new_v4(), AuthorizationPolicyType::Organization);
        apply_organization_policy(&mut policy, org);
        let can = |c: Credential, p| policy.is_granted(&[c], p).unwrap();
        assert!(can(Credential::new(C::OrganizationAdmin, org), P::Update));
        assert!(can(Credential::new(C::OrganizationOwner, org), P::Grant));
        assert!(can(Credential::new(C::OrganizationAssociate, org), P::Read));
        assert!(!can(
            Credential::new(C::OrganizationAssociate, org),
            P::Update
        ));
        assert!(!can(
            Credential::new(C::OrganizationAdmin, ActorId::new()),
            P::Update
        ));
        assert!(can(Credential::global(C::GlobalSupport), P::Delete));
        assert!(!can(Credential::global(C::GlobalSupport), P::Grant));
        assert!(can(Credential::global(C::GlobalRegistered), P::Read));
        assert!(!can(Credential::global(C::GlobalAnonymous), P::Read));
    }

    #[test]
    fn account_admins_may_only_ask_for_verification() {
        let account = ActorId::new();
        let mut policy = AuthorizationPolicy::new(
            uuid::Uuid::new_v4(),
            AuthorizationPolicyType::OrganizationVerification,
        );
        apply_verification_policy(&mut policy, Some(account));
        let admin = [Credential::new(C::AccountAdmin, account)];
        assert!(policy.is_granted(&admin, P::Update).unwrap());
        assert!(!policy.is_granted(&admin, P::Grant).unwrap());
        assert!(
            policy
                .is_granted(&[Credential::global(C::GlobalSupport)], P::Grant)
                .unwrap()
        );
    }
}
