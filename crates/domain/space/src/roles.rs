//! The roles of a space's role set: member (the entry role), lead and admin, each with its
//! credential for the space, the same role's credentials up the tree, and limits per actor kind.

use alkemio_authorization::{Credential, CredentialType as C};
use alkemio_community::model::{Role, RoleName, RolePolicy, RoleSet, RoleSetType};
use alkemio_kernel::ids::{ActorId, RoleId, RoleSetId};
use chrono::{SubsecRound, Utc};

const fn limits(minimum: i32, maximum: i32) -> RolePolicy {
    RolePolicy { minimum, maximum }
}

/// The credential type of a space role.
pub fn credential_type(role: RoleName) -> Option<C> {
    match role {
        RoleName::Member => Some(C::SpaceMember),
        RoleName::Lead => Some(C::SpaceLead),
        RoleName::Admin => Some(C::SpaceAdmin),
        _ => None,
    }
}

/// A new role set for `space`. For a subspace, `parent` is the parent space's role set: each
/// role then also records the parent's credential for it and the parent's own ancestry.
pub fn new_space_role_set(space: ActorId, parent: Option<&RoleSet>) -> RoleSet {
    let now = Utc::now().trunc_subsecs(6);
    let is_subspace = parent.is_some();
    let role = |name: RoleName, users: RolePolicy, orgs: RolePolicy, vcs: RolePolicy| {
        let credential_type = credential_type(name).unwrap_or(C::SpaceMember);
        let parent_credentials = parent
            .and_then(|p| p.role(name))
            .map(|r| {
                std::iter::once(r.credential.clone())
                    .chain(r.parent_credentials.iter().cloned())
                    .collect()
            })
            .unwrap_or_default();
        Role {
            id: RoleId::new(),
            name,
            credential: Credential::new(credential_type, space),
            parent_credentials,
            requires_entry_role: name != RoleName::Member,
            requires_same_role_in_parent_role_set: is_subspace && name == RoleName::Member,
            user_policy: users,
            organization_policy: orgs,
            virtual_contributor_policy: vcs,
            created_date: now,
            updated_date: now,
        }
    };
    let org_lead_max = if is_subspace { 9 } else { 2 };
    RoleSet {
        id: RoleSetId::new(),
        role_set_type: RoleSetType::Space,
        entry_role_name: RoleName::Member,
        authorization_id: None,
        parent_role_set_id: parent.map(|p| p.id),
        license_id: None,
        roles: vec![
            role(
                RoleName::Member,
                RolePolicy::UNBOUNDED,
                RolePolicy::UNBOUNDED,
                RolePolicy::UNBOUNDED,
            ),
            role(
                RoleName::Lead,
                limits(0, 2),
                limits(0, org_lead_max),
                limits(0, 1),
            ),
            role(
                RoleName::Admin,
                RolePolicy::UNBOUNDED,
                RolePolicy::NONE,
                RolePolicy::NONE,
            ),
        ],
        created_date: now,
        updated_date: now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subspace_roles_carry_their_ancestors_credentials() {
        let l0 = ActorId::new();
        let l1 = ActorId::new();
        let l2 = ActorId::new();
        let s0 = new_space_role_set(l0, None);
        let s1 = new_space_role_set(l1, Some(&s0));
        let s2 = new_space_role_set(l2, Some(&s1));
        let admin = s2.role(RoleName::Admin).unwrap();
        assert_eq!(admin.credential, Credential::new(C::SpaceAdmin, l2));
        assert_eq!(
            admin.parent_credentials,
            vec![
                Credential::new(C::SpaceAdmin, l1),
                Credential::new(C::SpaceAdmin, l0)
            ]
        );
        assert_eq!(s2.parent_role_set_id, Some(s1.id));
        assert_eq!(
            s0.role(RoleName::Lead).unwrap().organization_policy.maximum,
            2
        );
        assert_eq!(
            s1.role(RoleName::Lead).unwrap().organization_policy.maximum,
            9
        );
    }
}
