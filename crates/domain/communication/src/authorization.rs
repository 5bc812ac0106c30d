//! Policies of communications and rooms, computed from their parents'. Pure functions; the
//! owner of a communication (a space) loads and saves them.

use alkemio_authorization::{AuthorizationPolicy, AuthorizationPrivilege as P, PrivilegeRule};

/// A community's communication: its community's cascading rules.
pub fn apply_communication_policy(
    policy: &mut AuthorizationPolicy,
    community: &AuthorizationPolicy,
) {
    policy.inherit_from(community);
}

/// An updates room: what its communication cascades; whoever may CREATE there (the space's
/// admins) may post, reply and react; contributors may reply and react but not post.
pub fn apply_updates_room_policy(
    policy: &mut AuthorizationPolicy,
    communication: &AuthorizationPolicy,
) {
    policy.inherit_from(communication);
    policy.add_privilege_rules([
        PrivilegeRule::new(
            "policyRule-roomAdminsCreate",
            P::Create,
            &[
                P::CreateMessage,
                P::CreateMessageReply,
                P::CreateMessageReaction,
            ],
        ),
        PrivilegeRule::new(
            "policyRule-roomContribute",
            P::Contribute,
            &[P::CreateMessageReply, P::CreateMessageReaction],
        ),
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use alkemio_authorization::{
        AuthorizationPolicyType, Credential, CredentialRule, CredentialType as C,
    };

    #[test]
    fn admins_post_and_members_only_read_updates() {
        let space = uuid::Uuid::now_v7();
        let admin = Credential::new(C::SpaceAdmin, space);
        let member = Credential::new(C::SpaceMember, space);
        let mut community =
            AuthorizationPolicy::new(uuid::Uuid::now_v7(), AuthorizationPolicyType::Community);
        community.add_credential_rules([
            CredentialRule::new(
                "admins",
                vec![admin.clone()],
                &[P::Create, P::Read, P::Update, P::Delete],
            ),
            CredentialRule::new("members", vec![member.clone()], &[P::Read]),
        ]);
        let mut communication =
            AuthorizationPolicy::new(uuid::Uuid::now_v7(), AuthorizationPolicyType::Communication);
        apply_communication_policy(&mut communication, &community);
        let mut room =
            AuthorizationPolicy::new(uuid::Uuid::now_v7(), AuthorizationPolicyType::Room);
        apply_updates_room_policy(&mut room, &communication);
        let admin_privileges = room.granted_privileges(&[admin]).unwrap();
        for p in [
            P::CreateMessage,
            P::CreateMessageReply,
            P::CreateMessageReaction,
            P::Delete,
        ] {
            assert!(admin_privileges.contains(&p), "{p:?}");
        }
        let member_privileges = room.granted_privileges(&[member]).unwrap();
        assert!(member_privileges.contains(&P::Read));
        assert!(!member_privileges.contains(&P::CreateMessage));
        assert!(!member_privileges.contains(&P::CreateMessageReply));
    }
}
