//! Profile policies: the profile inherits its owner's (as the owner passes it down), its
//! tagsets and references inherit the profile's, its visuals too with CONTRIBUTE → UPDATE, and
//! its bucket with the storage rules.

use alkemio_authorization::{
    AuthorizationPolicy, AuthorizationPrivilege as P, Credential, CredentialRule,
    CredentialType as C, PrivilegeRule,
};

/// The policy an owner passes to a profile anyone may read (users, organizations, virtual
/// contributors): the owner's plus READ for anonymous and registered callers.
pub fn publicly_readable(owner: &AuthorizationPolicy) -> AuthorizationPolicy {
    let mut clone = owner.clone();
    clone.add_credential_rules([CredentialRule::new(
        "credentialRule-anonymousRegisteredRead",
        vec![
            Credential::global(C::GlobalAnonymous),
            Credential::global(C::GlobalRegistered),
        ],
        &[P::Read],
    )]);
    clone
}

/// A profile's policy from the one its owner passes down.
pub fn apply_profile_policy(policy: &mut AuthorizationPolicy, parent: &AuthorizationPolicy) {
    policy.inherit_from(parent);
}

/// A tagset's or reference's policy from its profile's.
pub fn apply_part_policy(policy: &mut AuthorizationPolicy, profile: &AuthorizationPolicy) {
    policy.inherit_from(profile);
}

/// A visual's policy from its profile's: contributors may change it.
pub fn apply_visual_policy(policy: &mut AuthorizationPolicy, profile: &AuthorizationPolicy) {
    policy.inherit_from(profile);
    policy.add_privilege_rules([PrivilegeRule::new(
        "privilegeRule-visualContributeUpdate",
        P::Contribute,
        &[P::Update],
    )]);
}
