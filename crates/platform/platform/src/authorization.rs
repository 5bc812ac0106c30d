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
            "credentialRuleTypes-platformPlatformAdmins",
            &[P::PlatformAdmin],
            &[C::GlobalAdmin, C::GlobalSupport, C::GlobalLicenseManager],
        )
        .local(),
        types_only(
            "credentialRuleTypes-platformPlatformOperationsAdmin",
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
            "credentialRuleTypes-platformPlatformSettingsAdmins",
            &[P::PlatformSettingsAdmin],
            &[C::GlobalAdmin, C::GlobalPlatformManager],
        )
        .local(),
        // Cascades: global support manages everything inside the platform's own tree.
        types_only(
            "credentialRuleTypes-platformPlatformMgmt",
            &[P::Create, P::Read, P::Update, P::Delete],
            &[C::GlobalSupport],
        ),
        types_only(
            "credentialRuleTypes-platformPlatformAuthReset",
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
            "Receive notifications platform admin",
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
            "Receive notifications organization admin",
            &[P::ReceiveNotificationsOrganizationAdmin],
            &[C::OrganizationAdmin],
        )
        .local(),
        types_only(
            "Receive notifications space admin",
            &[P::ReceiveNotificationsSpaceAdmin],
            &[C::SpaceAdmin],
        )
        .local(),
        types_only(
            "Receive notifications space lead",
            &[P::ReceiveNotificationsSpaceLead],
            &[C::SpaceLead],
        )
        .local(),
        types_only(
            "credentialRuleTypes-platformReadRegistered",
            &[P::ReadUsers],
            &[C::GlobalRegistered],
        )
        .local(),
        types_only(
            "credentialRuleTypes-platformCreateOrganization",
            &[P::CreateOrganization],
            &[C::GlobalAdmin, C::GlobalSupport, C::BetaTester],
        )
        .local(),
        types_only(
            "credentialRuleTypes-platformAccessGuidance",
            &[P::AccessInteractiveGuidance],
            &[C::GlobalRegistered],
        )
        .local(),
        types_only(
            "credentialRuleTypes-platformAccessVirtualAssistant",
            &[P::AccessVirtualAssistant],
            &[C::GlobalAdmin, C::AssistantAccess],
        )
        .local(),
    ]
}

/// The rules the platform passes to its role set on top of its cascading ones: global admins may
/// grant global roles, global admins and support may grant the others.
pub fn platform_role_set_rules() -> Vec<CredentialRule> {
    vec![
        types_only(
            "credentialRuleTypes-platformGrantGlobalAdmins",
            &[P::GrantGlobalAdmins],
            &[C::GlobalAdmin],
        )
        .local(),
        types_only(
            "credentialRuleTypes-platformPlatformAdmins",
            &[P::Grant],
            &[C::GlobalAdmin, C::GlobalSupport],
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
        assert_eq!(
            cascading,
            vec![
                "credentialRuleTypes-platformGlobalAdmins",
                "credentialRuleTypes-platformPlatformMgmt"
            ]
        );
    }
}
