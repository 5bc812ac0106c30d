//! Policies of collaborations, callouts sets, callouts, contributions and posts, computed from
//! their parents' (pure functions; the collaboration service loads and saves them). What a
//! collaboration's policy needs to know about its space arrives as [`CollaborationAccess`].

use alkemio_authorization::{
    AuthorizationPolicy, AuthorizationPrivilege as P, Credential, CredentialRule,
    CredentialType as C, PrivilegeRule,
};
use uuid::Uuid;

use crate::model::{Callout, CalloutContributionType, ContentUpdatePolicy, Memo, Whiteboard};

/// What the space lends its collaboration's policies.
#[derive(Debug, Clone, Default)]
pub struct CollaborationAccess {
    /// The space's admins: its own admin credential and its ancestors'.
    pub admins: Vec<Credential>,
    /// Who contributes: the space's members (and its ancestors' when it inherits membership
    /// rights).
    pub contributors: Vec<Credential>,
    /// Platform roles holding UPDATE on the space.
    pub platform_updaters: Vec<Credential>,
    /// Whether members may create callouts.
    pub members_create_callouts: bool,
    /// Whether the space is archived (its content is then read-only).
    pub archived: bool,
    /// Whether the space lets guests contribute to whiteboards shared with them.
    pub guest_contributions: bool,
}

fn rule(name: &str, criteria: Vec<Credential>, granted: &[P]) -> Option<CredentialRule> {
    (!criteria.is_empty()).then(|| CredentialRule::new(name, criteria, granted))
}

fn user_self(user: Uuid) -> Credential {
    Credential::new(C::UserSelfManagement, user)
}

/// A collaboration: its space's cascading rules; admins and platform roles with UPDATE update
/// it, members (and the platform's updaters) contribute; all of it cascades.
pub fn apply_collaboration_policy(
    policy: &mut AuthorizationPolicy,
    space: &AuthorizationPolicy,
    access: &CollaborationAccess,
) {
    policy.inherit_from(space);
    if access.archived {
        return;
    }
    let global_admin = Credential::global(C::GlobalAdmin);
    let mut updaters = access.admins.clone();
    updaters.extend(access.platform_updaters.iter().cloned());
    updaters.push(global_admin.clone());
    let mut contributors = access.contributors.clone();
    contributors.extend(access.platform_updaters.iter().cloned());
    contributors.push(global_admin);
    policy.add_credential_rules(
        [
            rule("collaboration-update", updaters, &[P::Update]),
            rule("collaboration-contribute", contributors, &[P::Contribute]),
        ]
        .into_iter()
        .flatten(),
    );
}

/// A callouts set: its collaboration's cascading rules; CREATE gives CREATE_CALLOUT, and so
/// does CONTRIBUTE when members may create callouts.
pub fn apply_callouts_set_policy(
    policy: &mut AuthorizationPolicy,
    collaboration: &AuthorizationPolicy,
    access: &CollaborationAccess,
) {
    policy.inherit_from(collaboration);
    policy.add_credential_rules([CredentialRule::new(
        "callouts-set-transfer",
        vec![
            Credential::global(C::GlobalAdmin),
            Credential::global(C::GlobalSupportManager),
        ],
        &[P::TransferResourceOffer, P::TransferResourceAccept],
    )
    .local()]);
    policy.add_privilege_rules([PrivilegeRule::new(
        "callouts-set-create",
        P::Create,
        &[P::CreateCallout],
    )]);
    if access.members_create_callouts {
        policy.add_privilege_rules([PrivilegeRule::new(
            "callouts-set-contribute",
            P::Contribute,
            &[P::CreateCallout],
        )]);
    }
}

/// A callout: its collaboration's cascading rules. A draft is read only by its creator, the
/// space's admins (with its ancestors') and the global admins and support; its creator manages
/// it; each allowed contribution kind is open to whoever may CREATE or CONTRIBUTE.
pub fn apply_callout_policy(
    policy: &mut AuthorizationPolicy,
    collaboration: &AuthorizationPolicy,
    callout: &Callout,
    access: &CollaborationAccess,
) {
    policy.inherit_from(collaboration);
    if callout.is_draft() && !callout.is_template {
        for r in &mut policy.credential_rules {
            r.granted_privileges.retain(|p| *p != P::Read);
        }
        policy
            .credential_rules
            .retain(|r| !r.granted_privileges.is_empty());
        let mut readers = vec![
            Credential::global(C::GlobalAdmin),
            Credential::global(C::GlobalSupport),
        ];
        readers.extend(access.admins.iter().cloned());
        readers.extend(callout.created_by.map(user_self));
        policy.add_credential_rules([CredentialRule::new(
            "callout-draft-read",
            readers,
            &[P::Read],
        )]);
    }
    if let Some(creator) = callout.created_by {
        policy.add_credential_rules([CredentialRule::new(
            "callout-creator",
            vec![user_self(creator)],
            &[P::Create, P::Read, P::Update, P::Delete],
        )]);
    }
    policy.add_credential_rules([CredentialRule::new(
        "callout-publisher",
        vec![
            Credential::global(C::GlobalAdmin),
            Credential::global(C::GlobalSupport),
        ],
        &[P::UpdateCalloutPublisher],
    )
    .local()]);
    let granted: Vec<P> = callout
        .settings
        .contribution
        .allowed_types
        .iter()
        .filter_map(|t| match t {
            CalloutContributionType::Post => Some(P::CreatePost),
            CalloutContributionType::Whiteboard => Some(P::CreateWhiteboard),
            CalloutContributionType::Link | CalloutContributionType::CollaboraDocument => {
                Some(P::Contribute)
            }
            CalloutContributionType::Memo => None,
        })
        .collect();
    if !granted.is_empty() {
        policy.add_privilege_rules([
            PrivilegeRule::new("callout-create", P::Create, &granted),
            PrivilegeRule::new("callout-contribute", P::Contribute, &granted),
        ]);
    }
}

/// A child that only inherits (a framing).
pub fn apply_inherited_policy(policy: &mut AuthorizationPolicy, parent: &AuthorizationPolicy) {
    policy.inherit_from(parent);
}

/// A comments room: its owner's cascading rules; whoever may CREATE there posts, replies and
/// reacts, and so does whoever may CONTRIBUTE.
pub fn apply_comments_room_policy(policy: &mut AuthorizationPolicy, owner: &AuthorizationPolicy) {
    policy.inherit_from(owner);
    let all = [
        P::CreateMessage,
        P::CreateMessageReply,
        P::CreateMessageReaction,
    ];
    policy.add_privilege_rules([
        PrivilegeRule::new("room-create", P::Create, &all),
        PrivilegeRule::new("room-contribute", P::Contribute, &all),
    ]);
}

/// A contribution: its callout's cascading rules; its creator creates, reads and updates it
/// (and what it holds) and deletes it; admins move it.
pub fn apply_contribution_policy(
    policy: &mut AuthorizationPolicy,
    callout: &AuthorizationPolicy,
    created_by: Option<Uuid>,
    access: &CollaborationAccess,
) {
    policy.inherit_from(callout);
    if let Some(creator) = created_by {
        policy.add_credential_rules([
            CredentialRule::new(
                "contribution-creator",
                vec![user_self(creator)],
                &[P::Create, P::Read, P::Update],
            ),
            CredentialRule::new(
                "contribution-creator-delete",
                vec![user_self(creator)],
                &[P::Delete],
            )
            .local(),
        ]);
    }
    let mut movers = vec![Credential::global(C::GlobalAdmin)];
    movers.extend(access.admins.iter().cloned());
    movers.extend(access.platform_updaters.iter().cloned());
    policy.add_credential_rules([CredentialRule::new(
        "contribution-move",
        movers,
        &[P::MoveContribution],
    )
    .local()]);
}

/// A post's own rules, added after its comments room took the post's inherited rules (so its
/// author cannot delete others' comments): its author deletes it, admins move it.
pub fn apply_post_local_rules(
    policy: &mut AuthorizationPolicy,
    created_by: Option<Uuid>,
    access: &CollaborationAccess,
) {
    if let Some(creator) = created_by {
        policy.add_credential_rules([CredentialRule::new(
            "post-creator-delete",
            vec![user_self(creator)],
            &[P::Delete],
        )]);
    }
    let mut movers = access.admins.clone();
    movers.extend(access.platform_updaters.iter().cloned());
    if let Some(r) = rule("post-move", movers, &[P::MovePost]) {
        policy.add_credential_rules([r.local()]);
    }
}

/// A link: its holder's cascading rules (a framing's or a contribution's); the contribution's
/// creator deletes it. (The reference gives a framing's link no rules at all, so nobody can
/// update or delete it; here it follows its framing.)
pub fn apply_link_policy(
    policy: &mut AuthorizationPolicy,
    holder: &AuthorizationPolicy,
    created_by: Option<Uuid>,
) {
    policy.inherit_from(holder);
    if let Some(creator) = created_by {
        policy.add_credential_rules([CredentialRule::new(
            "link-creator",
            vec![user_self(creator)],
            &[P::Delete],
        )]);
    }
}

/// The credential rule that opens a whiteboard to guests.
pub const WHITEBOARD_GUEST_RULE: &str = "whiteboard-guest-access";

/// A whiteboard: its holder's cascading rules; its owner changes its content, contributes and
/// deletes it; its content policy says who else changes the content (admins: UPDATE,
/// contributors: CONTRIBUTE). Where the space allows guest contributions its owner and the
/// space's admins may share it, and a shared one is read and edited by guests and registered
/// users.
pub fn apply_whiteboard_policy(
    policy: &mut AuthorizationPolicy,
    holder: &AuthorizationPolicy,
    whiteboard: &Whiteboard,
    access: &CollaborationAccess,
) {
    policy.inherit_from(holder);
    if let Some(creator) = whiteboard.created_by {
        policy.add_credential_rules([CredentialRule::new(
            "whiteboard-owner",
            vec![user_self(creator)],
            &[P::UpdateContent, P::Contribute, P::Delete],
        )]);
    }
    if access.guest_contributions && !access.archived {
        let mut sharers = vec![Credential::global(C::GlobalAdmin)];
        sharers.extend(access.admins.iter().cloned());
        sharers.extend(whiteboard.created_by.map(user_self));
        policy.add_credential_rules([CredentialRule::new(
            "whiteboard-share",
            sharers,
            &[P::PublicShare],
        )]);
        policy.add_privilege_rules([PrivilegeRule::new(
            "whiteboard-grant-share",
            P::Grant,
            &[P::PublicShare],
        )]);
        if whiteboard.guest_access {
            policy.add_credential_rules([CredentialRule::new(
                WHITEBOARD_GUEST_RULE,
                vec![
                    Credential::global(C::GlobalGuest),
                    Credential::global(C::GlobalRegistered),
                ],
                &[P::Read, P::UpdateContent, P::Contribute],
            )]);
        }
    }
    apply_content_update_policy(policy, whiteboard.content_update_policy);
}

/// Who else changes content: admins (UPDATE), contributors (CONTRIBUTE) or only the owner.
fn apply_content_update_policy(policy: &mut AuthorizationPolicy, p: ContentUpdatePolicy) {
    match p {
        ContentUpdatePolicy::Owner => {}
        ContentUpdatePolicy::Admins => policy.add_privilege_rules([PrivilegeRule::new(
            "content-update-admins",
            P::Update,
            &[P::UpdateContent],
        )]),
        ContentUpdatePolicy::Contributors => policy.add_privilege_rules([PrivilegeRule::new(
            "content-update-contributors",
            P::Contribute,
            &[P::UpdateContent],
        )]),
    }
}

/// A memo: its holder's cascading rules; its owner changes its content, contributes and
/// deletes it; its content policy says who else changes the content.
pub fn apply_memo_policy(
    policy: &mut AuthorizationPolicy,
    holder: &AuthorizationPolicy,
    memo: &Memo,
) {
    policy.inherit_from(holder);
    if let Some(creator) = memo.created_by {
        policy.add_credential_rules([CredentialRule::new(
            "memo-owner",
            vec![user_self(creator)],
            &[P::UpdateContent, P::Contribute, P::Delete],
        )]);
    }
    apply_content_update_policy(policy, memo.content_update_policy);
}

/// Whether a whiteboard's policy lets guests read and edit it.
pub fn guests_allowed(policy: &AuthorizationPolicy) -> bool {
    let guest = Credential::global(C::GlobalGuest);
    let granted: Vec<P> = policy
        .credential_rules
        .iter()
        .filter(|r| r.criterias.contains(&guest))
        .flat_map(|r| r.granted_privileges.iter().copied())
        .collect();
    [P::Read, P::UpdateContent, P::Contribute]
        .iter()
        .all(|p| granted.contains(p))
}
