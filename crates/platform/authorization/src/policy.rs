//! Stored authorization policies and their evaluation.
//!
//! A policy is a list of credential rules ("whoever holds credential T for resource R gets
//! privileges P") and privilege rules ("whoever got privilege X from this policy's credential
//! rules also gets Y"). Evaluation is a pure function of the actor's credentials and the policy.

use std::collections::BTreeSet;

use alkemio_kernel::{AppError, AppResult, ErrorStatus};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::enums::{AuthorizationPolicyType, AuthorizationPrivilege, CredentialType};

/// A credential an actor holds: a type and the resource it applies to (`""` for global ones).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Credential {
    /// What kind of credential.
    #[serde(rename = "type")]
    pub credential_type: CredentialType,
    /// The resource it is for; empty for global credentials.
    #[serde(rename = "resourceID")]
    pub resource_id: String,
}

impl Credential {
    /// A credential for a resource.
    pub fn new(credential_type: CredentialType, resource_id: impl ToString) -> Self {
        Self {
            credential_type,
            resource_id: resource_id.to_string(),
        }
    }

    /// A global credential (empty resource id).
    pub fn global(credential_type: CredentialType) -> Self {
        Self {
            credential_type,
            resource_id: String::new(),
        }
    }
}

/// One criterion of a credential rule; an empty `resource_id` matches any resource.
pub type Criterion = Credential;

impl Criterion {
    /// Whether this criterion matches a held credential: same type, and the criterion is a
    /// wildcard or names the same resource.
    pub fn matches(&self, held: &Credential) -> bool {
        self.credential_type == held.credential_type
            && (self.resource_id.is_empty() || self.resource_id == held.resource_id)
    }
}

/// "Whoever matches any criterion gets these privileges."
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialRule {
    /// Alternatives: matching any one is enough.
    pub criterias: Vec<Criterion>,
    /// The privileges granted.
    pub granted_privileges: Vec<AuthorizationPrivilege>,
    /// Whether child policies inherit this rule.
    pub cascade: bool,
    /// A name for diagnostics.
    #[serde(default)]
    pub name: String,
}

impl CredentialRule {
    /// A cascading rule (the default, as in the reference's factory helpers).
    pub fn new(name: &str, criterias: Vec<Criterion>, granted: &[AuthorizationPrivilege]) -> Self {
        Self {
            criterias,
            granted_privileges: granted.to_vec(),
            cascade: true,
            name: name.to_owned(),
        }
    }

    /// The same rule, not inherited by children.
    pub fn local(mut self) -> Self {
        self.cascade = false;
        self
    }
}

/// "Whoever got `source_privilege` from this policy's credential rules also gets these."
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrivilegeRule {
    /// The privilege that triggers the rule.
    pub source_privilege: AuthorizationPrivilege,
    /// What it adds.
    pub granted_privileges: Vec<AuthorizationPrivilege>,
    /// A name for diagnostics.
    #[serde(default)]
    pub name: String,
}

impl PrivilegeRule {
    /// A privilege rule.
    pub fn new(
        name: &str,
        source: AuthorizationPrivilege,
        granted: &[AuthorizationPrivilege],
    ) -> Self {
        Self {
            source_privilege: source,
            granted_privileges: granted.to_vec(),
            name: name.to_owned(),
        }
    }
}

/// An entity's stored authorization policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationPolicy {
    /// Its id.
    pub id: Uuid,
    /// The kind of entity it belongs to.
    pub policy_type: AuthorizationPolicyType,
    /// Credential rules.
    pub credential_rules: Vec<CredentialRule>,
    /// Privilege rules.
    pub privilege_rules: Vec<PrivilegeRule>,
    /// The policy it was computed from, where a later recompute needs it (subspaces).
    pub parent: Option<Uuid>,
}

impl AuthorizationPolicy {
    /// An empty policy of a type.
    pub fn new(id: Uuid, policy_type: AuthorizationPolicyType) -> Self {
        Self {
            id,
            policy_type,
            credential_rules: Vec::new(),
            privilege_rules: Vec::new(),
            parent: None,
        }
    }

    /// Clears both rule lists.
    pub fn reset(&mut self) {
        self.credential_rules.clear();
        self.privilege_rules.clear();
    }

    /// Replaces this policy's rules with the parent's cascading credential rules. Privilege rules
    /// are never inherited.
    pub fn inherit_from(&mut self, parent: &AuthorizationPolicy) {
        self.reset();
        self.credential_rules.extend(
            parent
                .credential_rules
                .iter()
                .filter(|r| r.cascade)
                .cloned(),
        );
    }

    /// Appends credential rules.
    pub fn add_credential_rules(&mut self, rules: impl IntoIterator<Item = CredentialRule>) {
        self.credential_rules.extend(rules);
    }

    /// Appends privilege rules.
    pub fn add_privilege_rules(&mut self, rules: impl IntoIterator<Item = PrivilegeRule>) {
        self.privilege_rules.extend(rules);
    }

    fn invalid(&self, why: &str) -> AppError {
        AppError::new(
            ErrorStatus::AuthorizationInvalidPolicy,
            format!(
                "Authorization policy {} of type '{}' is invalid: {why}",
                self.id, self.policy_type
            ),
        )
    }

    /// The privileges granted directly by credential rules the credentials match.
    fn direct_privileges(
        &self,
        credentials: &[Credential],
    ) -> AppResult<BTreeSet<AuthorizationPrivilege>> {
        let mut granted = BTreeSet::new();
        for rule in &self.credential_rules {
            if rule.criterias.is_empty() {
                return Err(
                    self.invalid(&format!("credential rule '{}' has no criteria", rule.name))
                );
            }
            if rule
                .criterias
                .iter()
                .any(|c| credentials.iter().any(|held| c.matches(held)))
            {
                granted.extend(rule.granted_privileges.iter().copied());
            }
        }
        Ok(granted)
    }

    /// Every privilege the credentials hold on this policy: the credential rules' privileges,
    /// plus, in one hop, what privilege rules add for those.
    pub fn granted_privileges(
        &self,
        credentials: &[Credential],
    ) -> AppResult<BTreeSet<AuthorizationPrivilege>> {
        let direct = self.direct_privileges(credentials)?;
        let mut all = direct.clone();
        for rule in &self.privilege_rules {
            if direct.contains(&rule.source_privilege) {
                all.extend(rule.granted_privileges.iter().copied());
            }
        }
        Ok(all)
    }

    /// Whether the credentials hold `privilege` on this policy.
    pub fn is_granted(
        &self,
        credentials: &[Credential],
        privilege: AuthorizationPrivilege,
    ) -> AppResult<bool> {
        Ok(self.granted_privileges(credentials)?.contains(&privilege))
    }
}

/// The privileges every global admin holds on every entity: the in-memory root of the forest,
/// from which root entities (platform, users, organizations, accounts, level-zero spaces) start.
pub fn root_policy() -> AuthorizationPolicy {
    use AuthorizationPrivilege::{Create, Delete, Grant, Read, Update};
    let mut root = AuthorizationPolicy::new(Uuid::nil(), AuthorizationPolicyType::InMemory);
    root.add_credential_rules([CredentialRule::new(
        "credentialRuleTypes-platformGlobalAdmins",
        vec![Credential::global(CredentialType::GlobalAdmin)],
        &[Create, Read, Update, Delete, Grant],
    )]);
    root
}

/// The one check services call before acting: passes when the actor holds `privilege` on the
/// policy, and otherwise fails with the reference's errors: `FORBIDDEN` when there is no policy,
/// `AUTHORIZATION_INVALID_POLICY` when it has no credential rules (it was never computed), and
/// `FORBIDDEN_POLICY` naming the privilege, the policy and the actor.
pub fn grant_access_or_fail(
    actor_id: &str,
    credentials: &[Credential],
    policy: Option<&AuthorizationPolicy>,
    privilege: AuthorizationPrivilege,
    action: &str,
) -> AppResult<()> {
    let Some(policy) = policy else {
        return Err(AppError::forbidden(format!(
            "Authorization: no authorization policy to check '{privilege}' privilege: {action}"
        )));
    };
    if policy.credential_rules.is_empty() {
        return Err(policy.invalid("it has no credential rules"));
    }
    if policy.is_granted(credentials, privilege)? {
        return Ok(());
    }
    Err(AppError::new(
        ErrorStatus::ForbiddenPolicy,
        format!(
            "Authorization: unable to grant '{privilege}' privilege: {action} user: {actor_id} on authorization {} of type '{}'",
            policy.id, policy.policy_type
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use AuthorizationPrivilege::*;
    use CredentialType::*;

    fn policy(
        rules: Vec<CredentialRule>,
        privilege_rules: Vec<PrivilegeRule>,
    ) -> AuthorizationPolicy {
        let mut p = AuthorizationPolicy::new(Uuid::new_v4(), AuthorizationPolicyType::Space);
        p.add_credential_rules(rules);
        p.add_privilege_rules(privilege_rules);
        p
    }

    // authorization.md §7 test 1
    #[test]
    fn criterion_matching() {
        let s1 = Uuid::new_v4().to_string();
        let s2 = Uuid::new_v4().to_string();
        let wildcard = Credential::global(SpaceAdmin);
        assert!(wildcard.matches(&Credential::new(SpaceAdmin, &s1)));
        assert!(!Credential::new(SpaceAdmin, &s1).matches(&Credential::new(SpaceAdmin, &s2)));
        assert!(Credential::new(SpaceAdmin, &s1).matches(&Credential::new(SpaceAdmin, &s1)));
        assert!(!Credential::new(SpaceAdmin, &s1).matches(&Credential::global(SpaceAdmin)));
        assert!(!wildcard.matches(&Credential::new(SpaceMember, &s1)));
        // OR across criteria
        let p = policy(
            vec![CredentialRule::new(
                "r",
                vec![
                    Credential::new(SpaceAdmin, &s1),
                    Credential::global(GlobalAdmin),
                ],
                &[Update],
            )],
            vec![],
        );
        assert!(
            p.is_granted(&[Credential::global(GlobalAdmin)], Update)
                .unwrap()
        );
        assert!(
            p.is_granted(&[Credential::new(SpaceAdmin, &s1)], Update)
                .unwrap()
        );
        assert!(
            !p.is_granted(&[Credential::new(SpaceAdmin, &s2)], Update)
                .unwrap()
        );
        // an empty criteria list makes evaluation fail
        let broken = policy(vec![CredentialRule::new("empty", vec![], &[Read])], vec![]);
        let err = broken
            .is_granted(&[Credential::global(GlobalAdmin)], Read)
            .unwrap_err();
        assert_eq!(err.status(), ErrorStatus::AuthorizationInvalidPolicy);
    }

    // §7 test 2
    #[test]
    fn privilege_rules_are_one_hop_and_local() {
        let member = Credential::new(SpaceMember, "s");
        let p = policy(
            vec![CredentialRule::new(
                "members",
                vec![member.clone()],
                &[Read],
            )],
            vec![
                PrivilegeRule::new("a", Read, &[ReadAbout]),
                PrivilegeRule::new("b", ReadAbout, &[Update]),
            ],
        );
        let granted = p.granted_privileges(std::slice::from_ref(&member)).unwrap();
        assert_eq!(granted, BTreeSet::from([Read, ReadAbout]));
        assert!(!p.is_granted(&[member], Update).unwrap());
    }

    // §7 test 3
    #[test]
    fn inheritance_copies_only_cascading_credential_rules() {
        let a = CredentialRule::new("A", vec![Credential::global(GlobalRegistered)], &[Read]);
        let b =
            CredentialRule::new("B", vec![Credential::global(GlobalSupport)], &[Update]).local();
        let parent = policy(
            vec![a.clone(), b],
            vec![PrivilegeRule::new("R", Read, &[ReadAbout])],
        );
        let mut child = policy(
            vec![CredentialRule::new(
                "old",
                vec![Credential::global(GlobalAnonymous)],
                &[Delete],
            )],
            vec![PrivilegeRule::new("old", Read, &[Delete])],
        );
        child.inherit_from(&parent);
        assert_eq!(child.credential_rules, vec![a]);
        assert!(child.privilege_rules.is_empty());
    }

    // §7 test 4
    #[test]
    fn errors_are_the_references() {
        let creds = [Credential::global(GlobalRegistered)];
        let err = grant_access_or_fail("actor-1", &creds, None, Read, "read it").unwrap_err();
        assert_eq!(
            (err.status(), err.status().numeric_code()),
            (ErrorStatus::Forbidden, 11103)
        );

        let empty = policy(vec![], vec![]);
        let err =
            grant_access_or_fail("actor-1", &creds, Some(&empty), Read, "read it").unwrap_err();
        assert_eq!(
            (err.status(), err.status().numeric_code()),
            (ErrorStatus::AuthorizationInvalidPolicy, 11106)
        );

        let p = policy(
            vec![CredentialRule::new(
                "anon",
                vec![Credential::global(GlobalAnonymous)],
                &[Read],
            )],
            vec![],
        );
        let err =
            grant_access_or_fail("actor-1", &creds, Some(&p), Update, "update it").unwrap_err();
        assert_eq!(
            (err.status(), err.status().numeric_code()),
            (ErrorStatus::ForbiddenPolicy, 11104)
        );
        assert!(err.message().contains("'update'"), "{}", err.message());
        assert!(err.message().contains(&p.id.to_string()));
        assert!(err.message().contains("actor-1"));
        assert!(
            grant_access_or_fail(
                "",
                &[Credential::global(GlobalAnonymous)],
                Some(&p),
                Read,
                "read"
            )
            .is_ok()
        );
    }

    #[test]
    fn the_root_gives_global_admins_everything_basic() {
        let root = root_policy();
        let ga = [Credential::global(GlobalAdmin)];
        assert_eq!(
            root.granted_privileges(&ga).unwrap(),
            BTreeSet::from([Create, Read, Update, Delete, Grant])
        );
        assert!(
            root.granted_privileges(&[Credential::global(GlobalSupport)])
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn rules_serialize_in_the_reference_shape() {
        let rule = CredentialRule::new(
            "credentialRule-spaceAdmins",
            vec![
                Credential::new(SpaceAdmin, "L1"),
                Credential::global(GlobalAdmin),
            ],
            &[Create, Read],
        );
        let json = serde_json::to_value(&rule).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"criterias": [{"type": "space-admin", "resourceID": "L1"}, {"type": "global-admin", "resourceID": ""}],
                "grantedPrivileges": ["create", "read"], "cascade": true, "name": "credentialRule-spaceAdmins"})
        );
        let back: CredentialRule = serde_json::from_value(json).unwrap();
        assert_eq!(back, rule);
        let pr = serde_json::to_value(PrivilegeRule::new(
            "policyRule-readAbout",
            Read,
            &[ReadAbout, ReadLicense],
        ))
        .unwrap();
        assert_eq!(
            pr,
            serde_json::json!({"sourcePrivilege": "read", "grantedPrivileges": ["read-about", "read-license"], "name": "policyRule-readAbout"})
        );
    }
}
