//! The platform's authorization policy: a root of the forest. It starts from the in-memory
//! root (global admins hold create, read, update, delete and grant) and adds the platform's own
//! rules, as the reference does.

use alkemio_authorization::{
    AuthorizationPolicy, AuthorizationPrivilege as P, Credential, CredentialRule,
    CredentialType as C, root_policy,
};

fn types_only(name: &str, privileges: &[P], credentials: &[C]) -> CredentialRule {
    CredentialRule::new(
        name,
        credentials.iter().map(|c| Credential::global(*c)).collect(),
        privileges,
    )
}

/// The platform's own credential rules (on top of the root policy).
pub fn platform_credential_rules() -> Vec<CredentialRule> {
    vec![
        types_only(
            "platform-admins",
            &[P::PlatformAdmin],
            &[C::GlobalAdmin, C::GlobalSupport, C::GlobalLicenseManager],
        )
        .local(),
        types_only(
            "platform-operations-admins",
            &[P::PlatformOperationsAdmin],
            &[
                C::GlobalAdmin,
                C::GlobalSupport,
                C::GlobalLicenseManager,
                C::PlatformOperationsAdmin,
            ],
        )
        .local(),
        types_only(
            "platform-settings-admins",
            &[P::PlatformSettingsAdmin],
            &[C::GlobalAdmin, C::GlobalPlatformManager],
        )
        .local(),
        // Cascades: global support manages everything inside the platform's own tree.
        types_only(
            "platform-management",
            &[P::Create, P::Read, P::Update, P::Delete],
            &[C::GlobalSupport],
        ),
        types_only(
            "platform-authorization-reset",
            &[P::AuthorizationReset],
            &[
                C::GlobalAdmin,
                C::GlobalSupport,
                C::GlobalLicenseManager,
                C::PlatformOperationsAdmin,
            ],
        )
        .local(),
        types_only(
            "platform-receive-notifications-admin",
            &[P::ReceiveNotificationsAdmin],
            &[
                C::GlobalAdmin,
                C::GlobalSupport,
                C::GlobalPlatformManager,
                C::GlobalLicenseManager,
            ],
        )
        .local(),
        types_only(
            "platform-receive-notifications-organization-admin",
            &[P::ReceiveNotificationsOrganizationAdmin],
            &[C::OrganizationAdmin],
        )
        .local(),
        types_only(
            "platform-receive-notifications-space-admin",
            &[P::ReceiveNotificationsSpaceAdmin],
            &[C::SpaceAdmin],
        )
        .local(),
        types_only(
            "platform-receive-notifications-space-lead",
            &[P::ReceiveNotificationsSpaceLead],
            &[C::SpaceLead],
        )
        .local(),
        types_only(
            "platform-read-users",
            &[P::ReadUsers],
            &[C::GlobalRegistered],
        )
        .local(),
        types_only(
            "platform-create-organization",
            &[P::CreateOrganization],
            &[C::GlobalAdmin, C::GlobalSupport, C::BetaTester],
        )
        .local(),
        types_only(
            "platform-access-guidance",
            &[P::AccessInteractiveGuidance],
            &[C::GlobalRegistered],
        )
        .local(),
        types_only(
            "platform-access-virtual-assistant",
            &[P::AccessVirtualAssistant],
            &[C::GlobalAdmin, C::AssistantAccess],
        )
        .local(),
    ]
}

/// Recomputes the platform policy in place: root rules, then the platform's own.
pub fn apply_platform_policy(policy: &mut AuthorizationPolicy) {
    policy.inherit_from(&root_policy());
    policy.add_credential_rules(platform_credential_rules());
}

#[cfg(test)]
mod tests {
    use super::*;
    use alkemio_authorization::{ActorContext, AuthorizationPolicyType};

    fn platform() -> AuthorizationPolicy {
        let mut p =
            AuthorizationPolicy::new(uuid::Uuid::new_v4(), AuthorizationPolicyType::Platform);
        apply_platform_policy(&mut p);
        p
    }

    #[test]
    fn global_admin_holds_the_basics_and_platform_administration() {
        let granted = platform()
            .granted_privileges(&[Credential::global(C::GlobalAdmin)])
            .unwrap();
        for p in [
            P::Create,
            P::Read,
            P::Update,
            P::Delete,
            P::Grant,
            P::PlatformAdmin,
            P::PlatformSettingsAdmin,
            P::AuthorizationReset,
        ] {
            assert!(granted.contains(&p), "{p}");
        }
    }

    #[test]
    fn anonymous_holds_nothing_and_registered_users_read_users() {
        let p = platform();
        assert!(
            p.granted_privileges(&ActorContext::anonymous().credentials)
                .unwrap()
                .is_empty()
        );
        let registered = p
            .granted_privileges(&[Credential::global(C::GlobalRegistered)])
            .unwrap();
        assert_eq!(
            registered.into_iter().collect::<Vec<_>>(),
            vec![P::AccessInteractiveGuidance, P::ReadUsers]
        );
    }

    #[test]
    fn only_the_support_rule_and_the_root_cascade() {
        let cascading: Vec<_> = platform()
            .credential_rules
            .iter()
            .filter(|r| r.cascade)
            .map(|r| r.name.clone())
            .collect();
        assert_eq!(cascading, vec!["root-global-admin", "platform-management"]);
    }
}
