//! User authorization: a root of the forest. Users read each other (registered users and
//! community readers), each user manages itself, and personal data (e-mail, phone) is visible
//! to the user, global admins, support and community readers, and to the admins of the spaces
//! and organizations the user belongs to.

use alkemio_authorization::{
    AuthorizationPolicy, AuthorizationPrivilege as P, Credential, CredentialRule,
    CredentialType as C, PrivilegeRule, root_policy,
};
use alkemio_kernel::ids::UserId;

/// Recomputes a user's policy from the user's own credentials.
pub fn apply_user_policy(
    policy: &mut AuthorizationPolicy,
    user: UserId,
    credentials: &[Credential],
) {
    let global = |types: &[C]| {
        types
            .iter()
            .map(|c| Credential::global(*c))
            .collect::<Vec<_>>()
    };
    policy.inherit_from(&root_policy());
    let mut pii = vec![
        Credential::new(C::UserSelfManagement, user),
        Credential::global(C::GlobalAdmin),
        Credential::global(C::GlobalSupport),
        Credential::global(C::GlobalCommunityRead),
    ];
    for held in credentials {
        match held.credential_type {
            C::SpaceMember => pii.push(Credential::new(C::SpaceAdmin, &held.resource_id)),
            C::OrganizationAssociate => {
                pii.push(Credential::new(C::OrganizationAdmin, &held.resource_id))
            }
            _ => {}
        }
    }
    policy.add_credential_rules([
        CredentialRule::new(
            "credentialRuleTypes-userAuthorizationReset",
            global(&[C::GlobalAdmin, C::GlobalSupport, C::PlatformOperationsAdmin]),
            &[P::AuthorizationReset],
        )
        .local(),
        CredentialRule::new(
            "credentialRuleTypes-userPlatformAdmin",
            global(&[C::GlobalAdmin, C::GlobalSupport]),
            &[P::PlatformAdmin],
        )
        .local(),
        CredentialRule::new(
            "credentialRuleTypes-userGlobalCommunityRead",
            global(&[C::GlobalCommunityRead]),
            &[P::Read],
        ),
        CredentialRule::new(
            "credentialRuleTypes-userReadGlobalRegistered",
            global(&[C::GlobalRegistered]),
            &[P::Read],
        ),
        CredentialRule::new(
            "credentialRule-userSelfAdmin",
            vec![Credential::new(C::UserSelfManagement, user)],
            &[P::Create, P::Read, P::Update, P::Delete],
        ),
        CredentialRule::new(
            "credentialRule-userRead",
            global(&[C::GlobalCommunityRead, C::GlobalSupport]),
            &[P::Read, P::ReadUserSettings],
        ),
        CredentialRule::new("credentialRule-userReadPii", pii, &[P::ReadUserPii]),
    ]);
    policy.add_privilege_rules([PrivilegeRule::new(
        "privilegeRule-readUserSettings",
        P::Update,
        &[P::ReadUserSettings],
    )]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use alkemio_authorization::AuthorizationPolicyType;

    #[test]
    fn personal_data_follows_memberships() {
        let user = UserId::new();
        let space = uuid::Uuid::new_v4();
        let mut policy =
            AuthorizationPolicy::new(uuid::Uuid::new_v4(), AuthorizationPolicyType::User);
        apply_user_policy(&mut policy, user, &[Credential::new(C::SpaceMember, space)]);
        let can = |creds: &[Credential]| policy.is_granted(creds, P::ReadUserPii).unwrap();
        assert!(can(&[Credential::new(C::UserSelfManagement, user)]));
        assert!(can(&[Credential::global(C::GlobalAdmin)]));
        assert!(can(&[Credential::new(C::SpaceAdmin, space)]));
        assert!(!can(&[Credential::new(
            C::SpaceAdmin,
            uuid::Uuid::new_v4()
        )]));
        assert!(!can(&[Credential::global(C::GlobalRegistered)]));
        let registered = policy
            .granted_privileges(&[Credential::global(C::GlobalRegistered)])
            .unwrap();
        assert_eq!(registered.into_iter().collect::<Vec<_>>(), vec![P::Read]);
        let own = policy
            .granted_privileges(&[Credential::new(C::UserSelfManagement, user)])
            .unwrap();
        assert!(
            own.contains(&P::Update) && own.contains(&P::ReadUserSettings),
            "UPDATE brings READ_USER_SETTINGS"
        );
    }
}
