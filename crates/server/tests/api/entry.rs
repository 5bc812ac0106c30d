//! Entering a space over GraphQL: applications and invitations through their lifecycles (with
//! the reference's INVALID_STATE_TRANSITION and entry errors), platform invitations honoured
//! at registration, invitations reaching into parent spaces, the application form, and the
//! caller's pending memberships.

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, assert_reference_error, spawn_app};
use crate::on_both_backends;
use crate::spaces::{account_of, err, ok, public, space, subspace};

on_both_backends!(
    applications_follow_their_lifecycle,
    invitations_follow_their_lifecycle,
    invitations_reach_into_parent_spaces,
    platform_role_invitations_are_granted_at_registration
);

const APPLY: &str = "mutation($set: UUID!, $q: [CreateNVPInput!]!) {
    applyForEntryRoleOnRoleSet(applicationData: { roleSetID: $set, questions: $q }) {
        id state nextEvents isFinalized lifecycle { id } questions { name value } actor { id } } }";
const APP_EVENT: &str = "mutation($id: UUID!, $e: String!) {
    eventOnApplication(eventData: { applicationID: $id, eventName: $e }) { id state nextEvents isFinalized } }";
const INVITE: &str = "mutation($set: UUID!, $actors: [UUID!]!, $emails: [String!]!, $extra: [RoleName!]!) {
    inviteForEntryRoleOnRoleSet(invitationData: { roleSetID: $set, invitedActorIDs: $actors,
        invitedUserEmails: $emails, extraRoles: $extra, welcomeMessage: \"Welcome!\" }) {
        type invitation { id state invitedToParent extraRoles actor { id } createdBy { id } welcomeMessage }
        application { id } platformInvitation { id email profileCreated roleSetExtraRoles } } }";
const INV_EVENT: &str = "mutation($id: UUID!, $e: String!) {
    eventOnInvitation(eventData: { invitationID: $id, eventName: $e }) { id state nextEvents isFinalized } }";
const STATUS: &str =
    "query($id: UUID!) { lookup { roleSet(ID: $id) { myMembershipStatus myRoles } } }";

async fn status(app: &TestApp, token: &str, set: &str) -> (String, Vec<String>) {
    let data = ok(app, token, STATUS, json!({"id": set})).await;
    let rs = &data["lookup"]["roleSet"];
    (
        rs["myMembershipStatus"].as_str().unwrap().to_owned(),
        serde_json::from_value(rs["myRoles"].clone()).unwrap(),
    )
}

async fn applications_of(app: &TestApp, token: &str, set: &str) -> Vec<Value> {
    let data = ok(
        app,
        token,
        "query($id: UUID!) { lookup { roleSet(ID: $id) { applications { id state } } } }",
        json!({"id": set}),
    )
    .await;
    data["lookup"]["roleSet"]["applications"]
        .as_array()
        .unwrap()
        .clone()
}

fn answer(q: &str, a: &str) -> Value {
    json!({"name": q, "value": a, "sortOrder": 1})
}

async fn applications_follow_their_lifecycle(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (_, owner) = app.user_with_token("owner@example.org").await;
    let (applicant, applicant_token) = app.user_with_token("applicant@example.org").await;
    let (_, second) = app.user_with_token("second@example.org").await;
    let account = account_of(&app, &owner).await;
    let (_, set) = space(&app, &admin, &account, "Open Door", public()).await;

    // the reference's default form for an L0 space
    let form = ok(
        &app,
        &applicant_token,
        "query($id: UUID!) { lookup { roleSet(ID: $id) { applicationForm { description questions { question maxLength required sortOrder } } } } }",
        json!({"id": set}),
    )
    .await;
    let form = &form["lookup"]["roleSet"]["applicationForm"];
    assert_eq!(form["description"], "Welcome, thank you for your interest!");
    assert_eq!(form["questions"][0]["maxLength"], 500.0);
    assert_eq!(form["questions"][0]["required"], false);

    let applied = ok(
        &app,
        &applicant_token,
        APPLY,
        json!({"set": set, "q": [answer("Why?", "To help")]}),
    )
    .await["applyForEntryRoleOnRoleSet"]
        .clone();
    let id = applied["id"].as_str().unwrap().to_owned();
    assert_eq!(applied["state"], "new");
    assert_eq!(applied["nextEvents"], json!(["APPROVE", "REJECT"]));
    assert_eq!(applied["isFinalized"], false);
    assert_eq!(
        applied["questions"],
        json!([{"name": "Why?", "value": "To help"}])
    );
    assert_eq!(applied["actor"]["id"], applicant.id.to_string());
    assert_eq!(
        status(&app, &applicant_token, &set).await.0,
        "APPLICATION_PENDING"
    );
    let mine = ok(
        &app,
        &applicant_token,
        "{ me { communityApplications(states: [\"new\"]) { id application { state }
            spacePendingMembershipInfo { level about { profile { displayName } } communityGuidelines { id } } } } }",
        json!({}),
    )
    .await;
    let mine = &mine["me"]["communityApplications"];
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(
        mine[0]["spacePendingMembershipInfo"]["about"]["profile"]["displayName"],
        "Open Door"
    );

    // a second application while one is open
    let again = err(&app, &applicant_token, APPLY, json!({"set": set, "q": []})).await;
    assert_reference_error(&again, "ROLESET_OPEN_APPLICATION_EXISTS", 13114);

    // an event the state does not take: INVALID_STATE_TRANSITION, nothing changes
    let invalid = err(&app, &admin, APP_EVENT, json!({"id": id, "e": "ARCHIVE"})).await;
    assert_reference_error(&invalid, "INVALID_STATE_TRANSITION", 12105);
    // the reference's internal completion event is not a client event here
    let internal = err(&app, &admin, APP_EVENT, json!({"id": id, "e": "APPROVED"})).await;
    assert_reference_error(&internal, "INVALID_STATE_TRANSITION", 12105);
    // the applicant may not approve themself: an error, where the reference did nothing
    let own = err(
        &app,
        &applicant_token,
        APP_EVENT,
        json!({"id": id, "e": "APPROVE"}),
    )
    .await;
    assert_reference_error(&own, "FORBIDDEN_POLICY", 11104);
    assert_eq!(applications_of(&app, &admin, &set).await[0]["state"], "new");
    // a stranger can neither act on it nor delete it
    let stranger = err(&app, &second, APP_EVENT, json!({"id": id, "e": "REJECT"})).await;
    assert_reference_error(&stranger, "FORBIDDEN_POLICY", 11104);

    // approval makes the applicant a member
    let approved = ok(&app, &admin, APP_EVENT, json!({"id": id, "e": "APPROVE"})).await;
    assert_eq!(
        approved["eventOnApplication"],
        json!({"id": id, "state": "approved", "nextEvents": [], "isFinalized": true})
    );
    let (st, roles) = status(&app, &applicant_token, &set).await;
    assert_eq!(st, "MEMBER");
    assert_eq!(roles, ["MEMBER"]);
    let done = err(&app, &admin, APP_EVENT, json!({"id": id, "e": "REJECT"})).await;
    assert_reference_error(&done, "INVALID_STATE_TRANSITION", 12105);
    let member = err(&app, &applicant_token, APPLY, json!({"set": set, "q": []})).await;
    assert_reference_error(&member, "ROLESET_ALREADY_MEMBER", 13116);

    // rejected, reopened by the applicant, rejected and archived
    let second_app = ok(&app, &second, APPLY, json!({"set": set, "q": []})).await;
    let id2 = second_app["applyForEntryRoleOnRoleSet"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let rejected = ok(&app, &admin, APP_EVENT, json!({"id": id2, "e": "REJECT"})).await;
    assert_eq!(rejected["eventOnApplication"]["state"], "rejected");
    assert_eq!(
        rejected["eventOnApplication"]["nextEvents"],
        json!(["REOPEN", "ARCHIVE"])
    );
    let reopened = ok(&app, &second, APP_EVENT, json!({"id": id2, "e": "REOPEN"})).await;
    assert_eq!(reopened["eventOnApplication"]["state"], "new");
    ok(&app, &admin, APP_EVENT, json!({"id": id2, "e": "REJECT"})).await;
    let archived = ok(&app, &admin, APP_EVENT, json!({"id": id2, "e": "ARCHIVE"})).await;
    assert_eq!(archived["eventOnApplication"]["isFinalized"], true);
    assert_eq!(status(&app, &second, &set).await.0, "NOT_MEMBER");
    let states: Vec<Value> = applications_of(&app, &admin, &set)
        .await
        .iter()
        .map(|a| a["state"].clone())
        .collect();
    assert_eq!(states, [json!("approved"), json!("archived")]);

    // a required question must be answered, within its length; a refused application writes
    // nothing
    ok(
        &app,
        &admin,
        "mutation($id: UUID!) { updateApplicationFormOnRoleSet(applicationFormData: { roleSetID: $id,
            formData: { description: \"Tell us\", questions: [
                { question: \"Why?\", explanation: \"\", maxLength: 10, required: true, sortOrder: 1 }] } }) { id } }",
        json!({"id": set}),
    )
    .await;
    let (_, third) = app.user_with_token("third@example.org").await;
    let missing = err(&app, &third, APPLY, json!({"set": set, "q": []})).await;
    assert_reference_error(&missing, "BAD_USER_INPUT", 12101);
    let long = err(
        &app,
        &third,
        APPLY,
        json!({"set": set, "q": [answer("Why?", "far too long an answer")]}),
    )
    .await;
    assert_reference_error(&long, "BAD_USER_INPUT", 12101);
    assert_eq!(applications_of(&app, &admin, &set).await.len(), 2);
    let fine = ok(
        &app,
        &third,
        APPLY,
        json!({"set": set, "q": [answer("Why?", "Because")]}),
    )
    .await;
    let id3 = fine["applyForEntryRoleOnRoleSet"]["id"].clone();
    // the applicant may withdraw by deleting
    ok(
        &app,
        &third,
        "mutation($id: UUID!) { deleteApplication(deleteData: { ID: $id }) { id } }",
        json!({"id": id3}),
    )
    .await;
    assert_eq!(applications_of(&app, &admin, &set).await.len(), 2);
    assert_eq!(status(&app, &third, &set).await.0, "NOT_MEMBER");
}

async fn invitations_follow_their_lifecycle(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (_, owner) = app.user_with_token("owner@example.org").await;
    let (invitee, invitee_token) = app.user_with_token("invitee@example.org").await;
    let (_, other_token) = app.user_with_token("Other@Example.org").await;
    let account = account_of(&app, &owner).await;
    let (_, set) = space(
        &app,
        &admin,
        &account,
        "Closed Circle",
        json!({"membership": {"policy": "INVITATIONS", "allowSubspaceAdminsToInviteMembers": true, "trustedOrganizations": []}}),
    )
    .await;

    let empty = err(
        &app,
        &admin,
        INVITE,
        json!({"set": set, "actors": [], "emails": [], "extra": []}),
    )
    .await;
    assert_reference_error(&empty, "ROLESET_INVITATION", 13105);
    let not_allowed = err(
        &app,
        &invitee_token,
        INVITE,
        json!({"set": set, "actors": [invitee.id.to_string()], "emails": [], "extra": []}),
    )
    .await;
    assert_reference_error(&not_allowed, "FORBIDDEN_POLICY", 11104);

    // an actor by id, a user by e-mail (any case), and an address without an account
    let invited = ok(
        &app,
        &admin,
        INVITE,
        json!({"set": set, "actors": [invitee.id.to_string()],
            "emails": ["OTHER@example.org", "Newcomer@Example.org"], "extra": ["LEAD"]}),
    )
    .await["inviteForEntryRoleOnRoleSet"]
        .clone();
    let types: Vec<&str> = invited
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "INVITED_TO_ROLE_SET",
            "INVITED_TO_ROLE_SET",
            "INVITED_TO_PLATFORM_AND_ROLE_SET"
        ]
    );
    let first = &invited[0]["invitation"];
    assert_eq!(first["state"], "invited");
    assert_eq!(first["invitedToParent"], false);
    assert_eq!(first["extraRoles"], json!(["LEAD"]));
    assert_eq!(first["welcomeMessage"], "Welcome!");
    assert_eq!(
        invited[2]["platformInvitation"]["email"],
        "newcomer@example.org"
    );
    let inv1 = first["id"].as_str().unwrap().to_owned();
    let inv2 = invited[1]["invitation"]["id"].as_str().unwrap().to_owned();

    // again: nothing new
    let again = ok(
        &app,
        &admin,
        INVITE,
        json!({"set": set, "actors": [invitee.id.to_string()], "emails": ["newcomer@example.org"], "extra": []}),
    )
    .await["inviteForEntryRoleOnRoleSet"]
        .clone();
    assert_eq!(again[0]["type"], "ALREADY_INVITED_TO_ROLE_SET");
    assert_eq!(again[0]["invitation"]["id"], inv1.as_str());
    assert_eq!(again[1]["type"], "ALREADY_INVITED_TO_PLATFORM_AND_ROLE_SET");

    // the invitee sees it, may not join around it, and may not apply either
    assert_eq!(
        status(&app, &invitee_token, &set).await.0,
        "INVITATION_PENDING"
    );
    let pending = ok(
        &app,
        &invitee_token,
        "{ me { communityInvitationsCount(states: [\"invited\"])
            communityInvitations(states: [\"invited\"]) { id invitation { id } spacePendingMembershipInfo { id level } } } }",
        json!({}),
    )
    .await;
    assert_eq!(pending["me"]["communityInvitationsCount"], 1.0);
    assert_eq!(
        pending["me"]["communityInvitations"][0]["invitation"]["id"],
        inv1.as_str()
    );
    let join = err(
        &app,
        &invitee_token,
        "mutation($id: UUID!) { joinRoleSet(joinData: { roleSetID: $id }) { id } }",
        json!({"id": set}),
    )
    .await;
    assert_reference_error(&join, "ROLESET_ROLE", 13104);

    // only the invitee's side accepts
    let by_admin = err(&app, &admin, INV_EVENT, json!({"id": inv1, "e": "ACCEPT"})).await;
    assert_reference_error(&by_admin, "FORBIDDEN_POLICY", 11104);
    let by_other = err(
        &app,
        &other_token,
        INV_EVENT,
        json!({"id": inv1, "e": "ACCEPT"}),
    )
    .await;
    assert_reference_error(&by_other, "FORBIDDEN_POLICY", 11104);
    let accepted = ok(
        &app,
        &invitee_token,
        INV_EVENT,
        json!({"id": inv1, "e": "ACCEPT"}),
    )
    .await;
    assert_eq!(
        accepted["eventOnInvitation"],
        json!({"id": inv1, "state": "accepted", "nextEvents": [], "isFinalized": true})
    );
    let (st, mut roles) = status(&app, &invitee_token, &set).await;
    roles.sort();
    assert_eq!(st, "MEMBER");
    assert_eq!(roles, ["LEAD", "MEMBER"], "the extra role came with it");
    let twice = err(
        &app,
        &invitee_token,
        INV_EVENT,
        json!({"id": inv1, "e": "ACCEPT"}),
    )
    .await;
    assert_reference_error(&twice, "INVALID_STATE_TRANSITION", 12105);

    // the other user declines; the admin archives
    let declined = ok(
        &app,
        &other_token,
        INV_EVENT,
        json!({"id": inv2, "e": "REJECT"}),
    )
    .await;
    assert_eq!(
        declined["eventOnInvitation"]["nextEvents"],
        json!(["REINVITE", "ARCHIVE"])
    );
    assert_eq!(status(&app, &other_token, &set).await.0, "NOT_MEMBER");
    ok(&app, &admin, INV_EVENT, json!({"id": inv2, "e": "ARCHIVE"})).await;
    let bogus = err(
        &app,
        &admin,
        INV_EVENT,
        json!({"id": inv2, "e": "REINVITE"}),
    )
    .await;
    assert_reference_error(&bogus, "INVALID_STATE_TRANSITION", 12105);

    // the address without an account registers: its invitation is waiting
    let (_, newcomer) = app.user_with_token("newcomer@example.org").await;
    assert_eq!(status(&app, &newcomer, &set).await.0, "INVITATION_PENDING");
    let lists = ok(
        &app,
        &admin,
        "query($id: UUID!) { lookup { roleSet(ID: $id) {
            invitations { state } platformInvitations { email profileCreated createdBy { email } } } } }",
        json!({"id": set}),
    )
    .await;
    let rs = &lists["lookup"]["roleSet"];
    assert_eq!(rs["invitations"].as_array().unwrap().len(), 3);
    assert_eq!(rs["platformInvitations"][0]["profileCreated"], true);
    assert_eq!(
        rs["platformInvitations"][0]["createdBy"]["email"],
        "admin@alkem.io"
    );

    // an admin deletes the newcomer's invitation: nothing is pending any more
    let newcomer_inv = ok(
        &app,
        &newcomer,
        "{ me { communityInvitations { id } } }",
        json!({}),
    )
    .await["me"]["communityInvitations"][0]["id"]
        .clone();
    ok(
        &app,
        &admin,
        "mutation($id: UUID!) { deleteInvitation(deleteData: { ID: $id }) { id } }",
        json!({"id": newcomer_inv}),
    )
    .await;
    assert_eq!(status(&app, &newcomer, &set).await.0, "NOT_MEMBER");
}

async fn invitations_reach_into_parent_spaces(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (_, owner) = app.user_with_token("owner@example.org").await;
    let (sub_admin, sub_admin_token) = app.user_with_token("subadmin@example.org").await;
    let (outsider, outsider_token) = app.user_with_token("outsider@example.org").await;
    let (guest, guest_token) = app.user_with_token("guest@example.org").await;
    let account = account_of(&app, &owner).await;
    let (l0, l0_set) = space(
        &app,
        &admin,
        &account,
        "Parent",
        json!({"privacy": {"mode": "PUBLIC"}, "membership": {"policy": "APPLICATIONS", "allowSubspaceAdminsToInviteMembers": false, "trustedOrganizations": []}}),
    )
    .await;
    let (_, l1_set) = subspace(&app, &admin, &l0, "Child", Value::Null).await;
    crate::spaces::assign(&app, &admin, &l0_set, "MEMBER", sub_admin.id).await;
    crate::spaces::assign(&app, &admin, &l1_set, "MEMBER", sub_admin.id).await;
    crate::spaces::assign(&app, &admin, &l1_set, "ADMIN", sub_admin.id).await;

    // only the parent's members may apply to a subspace
    let apply = err(
        &app,
        &outsider_token,
        APPLY,
        json!({"set": l1_set, "q": []}),
    )
    .await;
    assert_reference_error(&apply, "FORBIDDEN_POLICY", 11104);

    // the subspace admin may not invite into the parent: the outsider is not invited
    let refused = ok(
        &app,
        &sub_admin_token,
        INVITE,
        json!({"set": l1_set, "actors": [outsider.id.to_string()], "emails": ["nobody@example.org"], "extra": []}),
    )
    .await["inviteForEntryRoleOnRoleSet"]
        .clone();
    assert_eq!(refused[0]["type"], "INVITATION_TO_PARENT_NOT_AUTHORIZED");
    assert_eq!(refused[1]["type"], "INVITATION_TO_PARENT_NOT_AUTHORIZED");

    // a parent member needs no parent invitation
    crate::spaces::assign(&app, &admin, &l0_set, "MEMBER", guest.id).await;
    let member = ok(
        &app,
        &sub_admin_token,
        INVITE,
        json!({"set": l1_set, "actors": [guest.id.to_string()], "emails": [], "extra": []}),
    )
    .await["inviteForEntryRoleOnRoleSet"]
        .clone();
    assert_eq!(member[0]["type"], "INVITED_TO_ROLE_SET");
    assert_eq!(member[0]["invitation"]["invitedToParent"], false);
    let guest_inv = member[0]["invitation"]["id"].clone();
    ok(
        &app,
        &guest_token,
        INV_EVENT,
        json!({"id": guest_inv, "e": "ACCEPT"}),
    )
    .await;
    assert_eq!(status(&app, &guest_token, &l1_set).await.0, "MEMBER");

    // the platform admin may invite into both: accepting enters the parent first
    let both = ok(
        &app,
        &admin,
        INVITE,
        json!({"set": l1_set, "actors": [outsider.id.to_string()], "emails": [], "extra": []}),
    )
    .await["inviteForEntryRoleOnRoleSet"]
        .clone();
    assert_eq!(both[0]["type"], "INVITED_TO_ROLE_SET");
    assert_eq!(both[0]["invitation"]["invitedToParent"], true);
    let inv = both[0]["invitation"]["id"].clone();
    ok(
        &app,
        &outsider_token,
        INV_EVENT,
        json!({"id": inv, "e": "ACCEPT"}),
    )
    .await;
    assert_eq!(status(&app, &outsider_token, &l0_set).await.0, "MEMBER");
    assert_eq!(status(&app, &outsider_token, &l1_set).await.0, "MEMBER");
}

on_both_backends!(organization_invitations_forms_and_implicit_roles);

/// An organization's invitation shows to its admins and is accepted by them; a subspace's form
/// is the reference's subspace form; only admins change a form; `myRolesImplicit` names a
/// subspace admin and an organization's account admin.
async fn organization_invitations_forms_and_implicit_roles(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (_, owner) = app.user_with_token("owner@example.org").await;
    let (member, member_token) = app.user_with_token("member@example.org").await;
    let account = account_of(&app, &owner).await;
    let (l0, set) = space(&app, &admin, &account, "Hall", public()).await;
    let (_, sub_set) = subspace(&app, &admin, &l0, "Room", Value::Null).await;

    // the subspace form, and only admins may change a form
    let form = ok(
        &app,
        &member_token,
        "query($id: UUID!) { lookup { roleSet(ID: $id) { applicationForm { questions { question } } } } }",
        json!({"id": sub_set}),
    )
    .await;
    assert_eq!(
        form["lookup"]["roleSet"]["applicationForm"]["questions"][0]["question"],
        "What brings you here?"
    );
    let change = "mutation($id: UUID!) { updateApplicationFormOnRoleSet(applicationFormData: { roleSetID: $id,
        formData: { description: \"x\", questions: [] } }) { id } }";
    let refused = err(&app, &member_token, change, json!({"id": set})).await;
    assert_reference_error(&refused, "FORBIDDEN_POLICY", 11104);

    // an organization is invited; its admin (the member, who created it) sees and accepts it
    let org = ok(
        &app,
        &admin,
        "mutation { createOrganization(organizationData: { profileData: { displayName: \"Crew\" } }) { id roleSet { id } } }",
        json!({}),
    )
    .await["createOrganization"]
        .clone();
    let org_id = org["id"].as_str().unwrap().to_owned();
    let org_set = org["roleSet"]["id"].as_str().unwrap().to_owned();
    crate::spaces::assign(&app, &admin, &org_set, "ASSOCIATE", member.id).await;
    crate::spaces::assign(&app, &admin, &org_set, "ADMIN", member.id).await;
    let invited = ok(
        &app,
        &admin,
        INVITE,
        json!({"set": set, "actors": [org_id], "emails": [], "extra": []}),
    )
    .await["inviteForEntryRoleOnRoleSet"][0]
        .clone();
    assert_eq!(invited["type"], "INVITED_TO_ROLE_SET");
    assert_eq!(invited["invitation"]["actor"]["id"], org_id.as_str());
    let mine = ok(
        &app,
        &member_token,
        "{ me { communityInvitations(states: [\"invited\"]) { invitation { id actor { id } } } } }",
        json!({}),
    )
    .await;
    let inv = &mine["me"]["communityInvitations"][0]["invitation"];
    assert_eq!(inv["actor"]["id"], org_id.as_str(), "{mine}");
    ok(
        &app,
        &member_token,
        INV_EVENT,
        json!({"id": inv["id"], "e": "ACCEPT"}),
    )
    .await;
    let members = ok(
        &app,
        &admin,
        "query($id: UUID!) { lookup { roleSet(ID: $id) { organizationsInRole(role: MEMBER) { id } } } }",
        json!({"id": set}),
    )
    .await;
    assert_eq!(
        members["lookup"]["roleSet"]["organizationsInRole"],
        json!([{"id": org_id}])
    );

    // implicit roles: the organization's admin is its account's admin; a subspace admin is a
    // subspace admin of the parent
    crate::spaces::assign(&app, &admin, &set, "MEMBER", member.id).await;
    crate::spaces::assign(&app, &admin, &sub_set, "MEMBER", member.id).await;
    crate::spaces::assign(&app, &admin, &sub_set, "ADMIN", member.id).await;
    let implicit = "query($a: UUID!, $b: UUID!) { a: lookup { roleSet(ID: $a) { myRolesImplicit } }
        b: lookup { roleSet(ID: $b) { myRolesImplicit } } }";
    let seen = ok(
        &app,
        &member_token,
        implicit,
        json!({"a": set, "b": org_set}),
    )
    .await;
    assert_eq!(
        seen["a"]["roleSet"]["myRolesImplicit"],
        json!(["SUBSPACE_ADMIN"])
    );
    assert_eq!(
        seen["b"]["roleSet"]["myRolesImplicit"],
        json!(["ACCOUNT_ADMIN"])
    );
    let none = ok(&app, &owner, implicit, json!({"a": set, "b": org_set})).await;
    assert_eq!(none["a"]["roleSet"]["myRolesImplicit"], json!([]));
}

/// The reference keeps `PlatformInvitation.platformRole` in its contract but refuses every
/// invitation to the platform's role set, so the field is always null there. Here an e-mail
/// address can be invited to the platform with a beta-tester or VC-campaign role, granted on
/// registration; the field tells which.
async fn platform_role_invitations_are_granted_at_registration(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (registered, token) = app.user_with_token("someone@example.org").await;
    let platform = ok(&app, &admin, "{ platform { roleSet { id } } }", json!({})).await;
    let set = platform["platform"]["roleSet"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let invite = |actors: Value, emails: Value, extra: Value| json!({"set": set, "actors": actors, "emails": emails, "extra": extra});
    const PENDING: &str = "{ platform { roleSet { platformInvitations { id email platformRole profileCreated roleSetExtraRoles } } } }";
    let pending = |body: Value| body["platform"]["roleSet"]["platformInvitations"].clone();

    // a registered user may not invite to the platform; no role or a space role is refused
    let refused = err(
        &app,
        &token,
        INVITE,
        invite(
            json!([]),
            json!(["new@example.org"]),
            json!(["PLATFORM_BETA_TESTER"]),
        ),
    )
    .await;
    assert_reference_error(&refused, "FORBIDDEN_POLICY", 11104);
    for extra in [
        json!([]),
        json!(["LEAD"]),
        json!(["GLOBAL_ADMIN"]),
        json!(["PLATFORM_BETA_TESTER", "PLATFORM_VC_CAMPAIGN"]),
    ] {
        let refused = err(
            &app,
            &admin,
            INVITE,
            invite(json!([]), json!(["new@example.org"]), extra),
        )
        .await;
        assert_reference_error(&refused, "BAD_USER_INPUT", 12101);
    }
    assert_eq!(
        pending(ok(&app, &admin, PENDING, json!({})).await),
        json!([])
    );

    // a registered user already belongs to the platform; an address without an account is invited
    let invited = ok(
        &app,
        &admin,
        INVITE,
        invite(
            json!([registered.id.to_string()]),
            json!(["Someone@example.org", "New@Example.org"]),
            json!(["PLATFORM_BETA_TESTER"]),
        ),
    )
    .await["inviteForEntryRoleOnRoleSet"]
        .clone();
    let types: Vec<&str> = invited
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "ALREADY_MEMBER_OF_ROLE_SET",
            "ALREADY_MEMBER_OF_ROLE_SET",
            "INVITED_TO_PLATFORM_AND_ROLE_SET"
        ]
    );
    assert_eq!(invited[2]["platformInvitation"]["email"], "new@example.org");
    let again = ok(
        &app,
        &admin,
        INVITE,
        invite(
            json!([]),
            json!(["new@example.org"]),
            json!(["PLATFORM_BETA_TESTER"]),
        ),
    )
    .await;
    assert_eq!(
        again["inviteForEntryRoleOnRoleSet"][0]["type"],
        "ALREADY_INVITED_TO_PLATFORM_AND_ROLE_SET"
    );
    let list = pending(ok(&app, &admin, PENDING, json!({})).await);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["platformRole"], "PLATFORM_BETA_TESTER");
    assert_eq!(list[0]["profileCreated"], false);

    // a space's platform invitation carries no platform role
    let account = account_of(&app, &admin).await;
    let (_, space_set) = space(&app, &admin, &account, "Beta Lab", Value::Null).await;
    let to_space = ok(
        &app,
        &admin,
        INVITE,
        json!({"set": space_set, "actors": [], "emails": ["new@example.org"], "extra": []}),
    )
    .await;
    assert_eq!(
        to_space["inviteForEntryRoleOnRoleSet"][0]["type"],
        "INVITED_TO_PLATFORM_AND_ROLE_SET"
    );
    let space_list = ok(&app, &admin, "query($id: UUID!) { lookup { roleSet(ID: $id) { platformInvitations { platformRole } } } }", json!({"id": space_set})).await;
    assert_eq!(
        space_list["lookup"]["roleSet"]["platformInvitations"][0]["platformRole"],
        Value::Null
    );

    // registering grants the role (and keeps the space invitation waiting)
    let (_, newcomer) = app.user_with_token("new@example.org").await;
    let mine = ok(
        &app,
        &newcomer,
        "{ platform { roleSet { myRoles } } }",
        json!({}),
    )
    .await;
    let roles: Vec<String> =
        serde_json::from_value(mine["platform"]["roleSet"]["myRoles"].clone()).unwrap();
    assert!(
        roles.contains(&"PLATFORM_BETA_TESTER".to_owned()),
        "{roles:?}"
    );
    assert_eq!(
        status(&app, &newcomer, &space_set).await.0,
        "INVITATION_PENDING"
    );
    let list = pending(ok(&app, &admin, PENDING, json!({})).await);
    assert_eq!(list[0]["profileCreated"], true);

    // an admin deletes a platform role invitation
    ok(
        &app,
        &admin,
        INVITE,
        invite(
            json!([]),
            json!(["later@example.org"]),
            json!(["PLATFORM_VC_CAMPAIGN"]),
        ),
    )
    .await;
    let list = pending(ok(&app, &admin, PENDING, json!({})).await);
    let later = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["email"] == "later@example.org")
        .unwrap()
        .clone();
    assert_eq!(later["platformRole"], "PLATFORM_VC_CAMPAIGN");
    let refused = err(
        &app,
        &token,
        "mutation($id: UUID!) { deletePlatformInvitation(deleteData: { ID: $id }) { id } }",
        json!({"id": later["id"]}),
    )
    .await;
    assert_reference_error(&refused, "FORBIDDEN_POLICY", 11104);
    ok(
        &app,
        &admin,
        "mutation($id: UUID!) { deletePlatformInvitation(deleteData: { ID: $id }) { id } }",
        json!({"id": later["id"]}),
    )
    .await;
    let (_, later_token) = app.user_with_token("later@example.org").await;
    let mine = ok(
        &app,
        &later_token,
        "{ platform { roleSet { myRoles } } }",
        json!({}),
    )
    .await;
    assert!(!mine.to_string().contains("PLATFORM_VC_CAMPAIGN"), "{mine}");
}
