//! Role-set authorization: a role set inherits its owner's cascading rules, adds what the owner
//! passes down, and its own rules for direct assignment.

use alkemio_authorization::{
    AuthorizationPolicy, AuthorizationPrivilege as P, Credential, CredentialRule,
    CredentialType as C, PrivilegeRule,
};

/// Recomputes a role set's policy from its parent's and the owner's additional rules.
pub fn apply_role_set_policy(
    policy: &mut AuthorizationPolicy,
    parent: &AuthorizationPolicy,
    additional: Vec<CredentialRule>,
) {
    policy.inherit_from(parent);
    policy.add_credential_rules(additional);
    policy.add_credential_rules([
        CredentialRule::new(
            "credentialRuleTypes-roleSetEntryRoleAdd",
            vec![
                Credential::global(C::GlobalAdmin),
                Credential::global(C::GlobalSupport),
            ],
            &[P::RolesetEntryRoleAssign],
        ),
        CredentialRule::new(
            "assign-organization-global-admins-beta-testers",
            vec![
                Credential::global(C::GlobalAdmin),
                Credential::global(C::GlobalSupport),
                Credential::global(C::BetaTester),
            ],
            &[P::RolesetEntryRoleAssignOrganization],
        ),
    ]);
    policy.add_privilege_rules([PrivilegeRule::new(
        "policyRule-communityInvite",
        P::RolesetEntryRoleAssign,
        &[P::RolesetEntryRoleInvite],
    )]);
}
