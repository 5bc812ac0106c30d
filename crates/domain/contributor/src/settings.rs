//! User settings: one JSON document per user (privacy, communication, notification choices per
//! event and channel, home space, assistant capabilities, design version), with defaults for
//! new users, and deep-merge updates.

use serde_json::{Value, json};

/// The settings every new user starts with (the reference's defaults).
pub fn default_settings() -> Value {
    let ch = |email: bool, in_app: bool, push: bool| json!({"email": email, "inApp": in_app, "push": push});
    json!({
        "communication": {"allowOtherUsersToSendMessages": true, "allowOtherUsersToContactViaEmail": false},
        "privacy": {"contributionRolesPubliclyVisible": true},
        "notification": {
            "organization": {"adminMessageReceived": ch(true, true, true), "adminMentioned": ch(true, true, true)},
            "platform": {
                "forumDiscussionCreated": ch(true, false, false),
                "forumDiscussionComment": ch(true, true, true),
                "admin": {
                    "userProfileCreated": ch(false, false, false),
                    "userProfileRemoved": ch(false, false, false),
                    "spaceCreated": ch(false, false, false),
                    "userGlobalRoleChanged": ch(false, false, false),
                    "userEmailChanged": ch(true, false, false)
                }
            },
            "space": {
                "admin": {
                    "communityApplicationReceived": ch(true, true, true),
                    "communityNewMember": ch(true, true, true),
                    "communicationMessageReceived": ch(true, true, true),
                    "collaborationCalloutContributionCreated": ch(false, true, true),
                    "userEmailChanged": ch(true, false, false)
                },
                "communicationUpdates": ch(true, true, true),
                "collaborationCalloutContributionCreated": ch(false, true, true),
                "collaborationCalloutPostContributionComment": ch(false, true, true),
                "collaborationCalloutComment": ch(false, true, true),
                "collaborationCalloutPublished": ch(true, true, true),
                "communityCalendarEvents": ch(true, true, true),
                "collaborationPollVoteCastOnOwnPoll": ch(false, true, false),
                "collaborationPollVoteCastOnPollIVotedOn": ch(false, true, false),
                "collaborationPollModifiedOnPollIVotedOn": ch(false, true, false),
                "collaborationPollVoteAffectedByOptionChange": ch(false, true, false)
            },
            "user": {
                "mentioned": ch(true, true, true),
                "commentReply": ch(false, true, true),
                "messageReceived": ch(true, true, true),
                "membership": {
                    "spaceCommunityInvitationReceived": ch(true, true, true),
                    "spaceCommunityJoined": ch(true, true, true)
                }
            },
            "virtualContributor": {"adminSpaceCommunityInvitation": ch(true, true, true)},
            "sound": {"chatMessage": true, "inAppNotification": true}
        },
        "homeSpace": {"spaceID": null, "autoRedirect": false},
        "assistant": {"enabledCapabilities": [
            {"capability": "create_whiteboard", "enabled": false},
            {"capability": "create_whiteboard_in_space", "enabled": false},
            {"capability": "update_whiteboard_content", "enabled": false},
            {"capability": "edit_whiteboard_elements", "enabled": false},
            {"capability": "search_content", "enabled": true},
            {"capability": "list_whiteboards", "enabled": true},
            {"capability": "analyze_whiteboard", "enabled": true},
            {"capability": "analyze_contributions", "enabled": true},
            {"capability": "analyze_audit_log", "enabled": true},
            {"capability": "community_activity_summary", "enabled": true},
            {"capability": "navigate_templates", "enabled": true}
        ]},
        "designVersion": 2
    })
}

/// Merges `patch` into `base`: objects key by key, anything else replaced. A `null` in the
/// patch sets the value to null (used for clearing the home space).
pub fn merge(base: &mut Value, patch: Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                match b.get_mut(&k) {
                    Some(slot) if slot.is_object() && v.is_object() => merge(slot, v),
                    _ => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (b, p) => *b = p,
    }
}

/// The stored document completed with the defaults for anything it lacks (settings added by
/// later releases).
pub fn with_defaults(stored: Value) -> Value {
    let mut doc = default_settings();
    merge(&mut doc, stored);
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_merge_deeply() {
        let mut doc = default_settings();
        merge(
            &mut doc,
            json!({"communication": {"allowOtherUsersToContactViaEmail": true}, "designVersion": 1}),
        );
        assert_eq!(
            doc["communication"]["allowOtherUsersToContactViaEmail"],
            true
        );
        assert_eq!(
            doc["communication"]["allowOtherUsersToSendMessages"], true,
            "untouched keys stay"
        );
        assert_eq!(doc["designVersion"], 1);
        assert_eq!(
            with_defaults(json!({"privacy": {"contributionRolesPubliclyVisible": false}}))["designVersion"],
            2
        );
    }
}
