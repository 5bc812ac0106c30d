//! The policy engine on its own (criterion): evaluating a space-like policy for an anonymous
//! caller, a member and an admin; decoding a stored policy's rules from JSON (what every
//! request does per policy it loads); and the in-memory part of resetting a space subtree with
//! 10,000 descendant policies (inherit the parent's cascading rules, add the entity's own,
//! encode for storage).

#![allow(clippy::unwrap_used, reason = "a benchmark")]
#![allow(
    missing_docs,
    reason = "criterion's macros generate undocumented items"
)]

use std::hint::black_box;

use alkemio_authorization::{
    AuthorizationPolicy, AuthorizationPolicyType, AuthorizationPrivilege as P, Credential,
    CredentialRule, CredentialType as C, PrivilegeRule,
};
use criterion::{Criterion, criterion_group, criterion_main};
use uuid::Uuid;

/// A policy shaped like a public L0 space's: roles, platform roles, parent rules, privilege
/// rules.
fn space_policy(space: Uuid, role_set: Uuid) -> AuthorizationPolicy {
    let mut p = AuthorizationPolicy::new(Uuid::now_v7(), AuthorizationPolicyType::Space);
    let role = |t: C| Credential::new(t, role_set);
    p.add_credential_rules([
        CredentialRule::new(
            "globalAdmins",
            vec![Credential::global(C::GlobalAdmin)],
            &[P::Create, P::Read, P::Update, P::Delete, P::Grant],
        ),
        CredentialRule::new(
            "globalSupport",
            vec![Credential::global(C::GlobalSupport)],
            &[P::Read, P::Update],
        ),
        CredentialRule::new(
            "anonymousRead",
            vec![
                Credential::global(C::GlobalAnonymous),
                Credential::global(C::GlobalRegistered),
            ],
            &[P::Read, P::ReadAbout],
        ),
        CredentialRule::new(
            "members",
            vec![role(C::SpaceMember)],
            &[P::Read, P::Contribute],
        ),
        CredentialRule::new(
            "admins",
            vec![
                role(C::SpaceAdmin),
                Credential::new(C::SpaceSubspaceAdmin, space),
            ],
            &[P::Create, P::Read, P::Update, P::Delete, P::Grant],
        ),
        CredentialRule::new(
            "memberNotifications",
            vec![role(C::SpaceMember)],
            &[P::ReceiveNotifications],
        )
        .local(),
        CredentialRule::new(
            "adminNotifications",
            vec![role(C::SpaceLead), role(C::SpaceAdmin)],
            &[P::ReceiveNotificationsAdmin],
        )
        .local(),
        CredentialRule::new(
            "createSubspace",
            vec![role(C::SpaceAdmin)],
            &[P::CreateSubspace],
        )
        .local(),
        CredentialRule::new(
            "join",
            vec![Credential::global(C::GlobalRegistered)],
            &[P::RolesetEntryRoleJoin],
        )
        .local(),
    ]);
    p.add_privilege_rules([
        PrivilegeRule::new("createCallout", P::Contribute, &[P::CreateCallout]),
        PrivilegeRule::new(
            "updateContent",
            P::Update,
            &[P::UpdateContent, P::CreateSubspace],
        ),
        PrivilegeRule::new("readAbout", P::Read, &[P::ReadAbout]),
    ]);
    p
}

fn evaluation(c: &mut Criterion) {
    let (space, role_set) = (Uuid::now_v7(), Uuid::now_v7());
    let policy = space_policy(space, role_set);
    let anonymous = vec![Credential::global(C::GlobalAnonymous)];
    let mut member = vec![Credential::global(C::GlobalRegistered)];
    for _ in 0..30 {
        member.push(Credential::new(C::SpaceMember, Uuid::now_v7()));
    }
    member.push(Credential::new(C::SpaceMember, role_set));
    let mut admin = member.clone();
    admin.push(Credential::new(C::SpaceAdmin, role_set));
    let mut group = c.benchmark_group("evaluate a space policy");
    for (who, credentials) in [
        ("anonymous", &anonymous),
        ("member of 31", &member),
        ("admin", &admin),
    ] {
        group.bench_function(who, |b| {
            b.iter(|| {
                black_box(&policy)
                    .granted_privileges(black_box(credentials))
                    .unwrap()
            });
        });
    }
    group.finish();
}

fn decoding(c: &mut Criterion) {
    let policy = space_policy(Uuid::now_v7(), Uuid::now_v7());
    let rules = serde_json::to_string(&policy.credential_rules).unwrap();
    let privileges = serde_json::to_string(&policy.privilege_rules).unwrap();
    c.bench_function("decode a stored space policy (rules from JSON text)", |b| {
        b.iter(|| {
            let r: Vec<CredentialRule> = serde_json::from_str(black_box(&rules)).unwrap();
            let p: Vec<PrivilegeRule> = serde_json::from_str(black_box(&privileges)).unwrap();
            black_box((r, p))
        });
    });
    let as_value: serde_json::Value = serde_json::from_str(&rules).unwrap();
    c.bench_function(
        "decode a stored space policy (rules from a JSON value)",
        |b| {
            b.iter(|| {
                let r: Vec<CredentialRule> =
                    serde_json::from_value(black_box(as_value.clone())).unwrap();
                black_box(r)
            });
        },
    );
}

fn subtree_reset(c: &mut Criterion) {
    let root = space_policy(Uuid::now_v7(), Uuid::now_v7());
    let mut group = c.benchmark_group("reset a space subtree in memory");
    group.sample_size(10);
    group.bench_function("10,000 descendant policies", |b| {
        b.iter(|| {
            let mut encoded = 0usize;
            let mut parents = vec![root.clone()];
            // 10 subspaces, each with 999 descendant policies (about, community, role set,
            // profiles, callouts, …) inheriting from it: 10 + 9,990 = 10,000
            let mut count = 0;
            for _ in 0..10 {
                let mut sub =
                    AuthorizationPolicy::new(Uuid::now_v7(), AuthorizationPolicyType::Space);
                sub.inherit_from(&parents[0]);
                sub.add_credential_rules(
                    space_policy(Uuid::now_v7(), Uuid::now_v7()).credential_rules,
                );
                count += 1;
                for _ in 0..999 {
                    let mut child =
                        AuthorizationPolicy::new(Uuid::now_v7(), AuthorizationPolicyType::Profile);
                    child.inherit_from(&sub);
                    encoded += serde_json::to_vec(&child.credential_rules).unwrap().len();
                    count += 1;
                }
                encoded += serde_json::to_vec(&sub.credential_rules).unwrap().len();
                parents.push(sub);
            }
            assert_eq!(count, 10_000);
            black_box(encoded)
        });
    });
    group.finish();
}

criterion_group!(benches, evaluation, decoding, subtree_reset);
criterion_main!(benches);
