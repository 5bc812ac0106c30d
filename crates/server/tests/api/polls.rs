//! Polls over GraphQL: a POLL framing made with its callout, votes replaced whole and checked
//! against the poll's settings, results shown as the visibility and detail settings allow,
//! the managers' changes to options and status, and deletion with the callout.

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, assert_reference_error, spawn_app};
use crate::on_both_backends;
use crate::spaces::{account_of, assign, err, ok, public, space};

on_both_backends!(polls_take_votes_from_members);
on_both_backends!(poll_lists_cost_a_bounded_number_of_statements);

const POLL: &str =
    "id title status settings { allowContributorsAddOptions minResponses maxResponses
    resultsVisibility resultsDetail } totalVotes canSeeDetailedResults
    options { id text sortOrder voteCount votePercentage voters { id } }
    myVote { createdBy selectedOptions { id text } }";

fn read_query() -> String {
    format!(
        "query($c: UUID!) {{ lookup {{ callout(ID: $c) {{ framing {{ type poll {{ {POLL} }} }} }} }} }}"
    )
}

async fn read(app: &TestApp, token: &str, callout: &str) -> Value {
    ok(app, token, &read_query(), json!({"c": callout})).await["lookup"]["callout"]["framing"]
        ["poll"]
        .clone()
}

async fn act(app: &TestApp, token: &str, mutation: &str, input: &str, data: Value) -> Value {
    let q = format!(
        "mutation($d: {input}!) {{ {mutation}({}: $d) {{ {POLL} }} }}",
        arg(mutation)
    );
    ok(app, token, &q, json!({"d": data})).await[mutation].clone()
}

async fn refused(app: &TestApp, token: &str, mutation: &str, input: &str, data: Value) -> Value {
    let q = format!(
        "mutation($d: {input}!) {{ {mutation}({}: $d) {{ id }} }}",
        arg(mutation)
    );
    err(app, token, &q, json!({"d": data})).await
}

fn arg(mutation: &str) -> &'static str {
    match mutation {
        "castPollVote" | "removePollVote" => "voteData",
        "updatePollStatus" => "statusData",
        _ => "optionData",
    }
}

fn option_ids(poll: &Value) -> Vec<String> {
    poll["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn polls_take_votes_from_members(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (alice_user, alice) = app.user_with_token("alice@example.org").await;
    let (bob_user, bob) = app.user_with_token("bob@example.org").await;
    let (_, stranger) = app.user_with_token("stranger@example.org").await;
    let account = account_of(&app, &admin).await;
    let (s, roles) = space(&app, &admin, &account, "Canteen", public()).await;
    assign(&app, &admin, &roles, "MEMBER", alice_user.id).await;
    assign(&app, &admin, &roles, "MEMBER", bob_user.id).await;
    let (_, set) = crate::callouts::callouts_set(&app, &admin, &s).await;
    let create = |poll: Value| {
        let mut framing = json!({"type": "POLL", "profile": {"displayName": "Lunch"}});
        if !poll.is_null() {
            framing["poll"] = poll;
        }
        json!({"d": {"calloutsSetID": set, "framing": framing}})
    };
    let before = crate::deletion::row_counts(&app).await;

    // a POLL framing needs a poll of 2 to 10 options with consistent settings
    for bad in [
        Value::Null,
        json!({"options": ["Only"]}),
        json!({"options": ["A", "B"], "settings": {"minResponses": 3, "maxResponses": 2}}),
        json!({"options": ["A", "B"], "settings": {"minResponses": 0}}),
        json!({"options": ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K"]}),
    ] {
        let e = err(&app, &admin, crate::callouts::CREATE, create(bad.clone())).await;
        assert_reference_error(&e, "BAD_USER_INPUT", 12101);
    }
    assert_eq!(crate::deletion::row_counts(&app).await, before);
    let callout = ok(
        &app,
        &admin,
        crate::callouts::CREATE,
        create(
            json!({"title": "Where do we eat?", "options": ["Pizza", "Sushi", "Tacos"],
            "settings": {"maxResponses": 2, "resultsVisibility": "HIDDEN"}}),
        ),
    )
    .await["createCalloutOnCalloutsSet"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let poll = read(&app, &alice, &callout).await;
    let poll_id = poll["id"].as_str().unwrap().to_owned();
    assert_eq!(poll["title"], "Where do we eat?");
    assert_eq!(poll["status"], "OPEN");
    assert_eq!(
        poll["settings"],
        json!({"allowContributorsAddOptions": false, "minResponses": 1, "maxResponses": 2,
            "resultsVisibility": "HIDDEN", "resultsDetail": "FULL"})
    );
    // hidden results: nothing before voting
    assert_eq!(poll["totalVotes"], Value::Null);
    assert_eq!(poll["canSeeDetailedResults"], false);
    assert_eq!(poll["options"][0]["voteCount"], Value::Null);
    assert_eq!(poll["myVote"], Value::Null);
    let texts: Vec<&str> = poll["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["Pizza", "Sushi", "Tacos"]);
    let ids = option_ids(&poll);
    let (pizza, sushi, tacos) = (ids[0].clone(), ids[1].clone(), ids[2].clone());

    // members vote; a vote cast again replaces the first
    let vote = |options: Vec<&str>| json!({"pollID": poll_id, "selectedOptionIDs": options});
    let voted = act(
        &app,
        &alice,
        "castPollVote",
        "CastPollVoteInput",
        vote(vec![&pizza, &sushi]),
    )
    .await;
    assert_eq!(voted["totalVotes"], 1);
    assert_eq!(voted["canSeeDetailedResults"], true);
    assert_eq!(voted["options"][0]["voteCount"], 1);
    assert_eq!(voted["options"][0]["votePercentage"], 100.0);
    assert_eq!(voted["myVote"]["createdBy"], alice_user.id.to_string());
    let again = act(
        &app,
        &alice,
        "castPollVote",
        "CastPollVoteInput",
        vote(vec![&tacos]),
    )
    .await;
    assert_eq!(again["totalVotes"], 1);
    assert_eq!(again["options"][0]["voteCount"], 0);
    assert_eq!(
        again["myVote"]["selectedOptions"],
        json!([{"id": tacos, "text": "Tacos"}])
    );
    // bad votes change nothing
    let unknown = uuid::Uuid::new_v4().to_string();
    for bad in [
        vote(vec![&pizza, &sushi, &tacos]),
        vote(vec![]),
        vote(vec![&unknown]),
        vote(vec![&pizza, &pizza]),
    ] {
        let e = refused(&app, &bob, "castPollVote", "CastPollVoteInput", bad).await;
        assert_reference_error(&e, "BAD_USER_INPUT", 12101);
    }
    let e = refused(
        &app,
        &stranger,
        "castPollVote",
        "CastPollVoteInput",
        vote(vec![&pizza]),
    )
    .await;
    assert_reference_error(&e, "FORBIDDEN_POLICY", 11104);
    let both = act(
        &app,
        &bob,
        "castPollVote",
        "CastPollVoteInput",
        vote(vec![&tacos]),
    )
    .await;
    assert_eq!(both["totalVotes"], 2);
    assert_eq!(both["options"][2]["voteCount"], 2);
    assert_eq!(both["options"][2]["votePercentage"], 100.0);
    let mut voters: Vec<&str> = both["options"][2]["voters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap())
        .collect();
    voters.sort_unstable();
    let mut expected = [alice_user.id.to_string(), bob_user.id.to_string()];
    expected.sort_unstable();
    assert_eq!(voters, expected);
    // the stranger reads the public space's poll but, not having voted, sees no results
    let seen = read(&app, &stranger, &callout).await;
    assert_eq!(seen["totalVotes"], Value::Null);
    assert_eq!(seen["options"][2]["voters"], Value::Null);

    // options: managers add, rename (the votes for it go), reorder and remove
    let add = json!({"pollID": poll_id, "text": "Curry"});
    let e = refused(
        &app,
        &alice,
        "addPollOption",
        "AddPollOptionInput",
        add.clone(),
    )
    .await;
    assert_reference_error(&e, "FORBIDDEN_POLICY", 11104);
    let added = act(&app, &admin, "addPollOption", "AddPollOptionInput", add).await;
    assert_eq!(added["options"][3]["text"], "Curry");
    assert_eq!(added["options"][3]["sortOrder"], 4);
    let curry = option_ids(&added)[3].clone();
    let renamed = act(
        &app,
        &admin,
        "updatePollOption",
        "UpdatePollOptionInput",
        json!({"pollID": poll_id, "optionID": tacos, "text": "Burritos"}),
    )
    .await;
    assert_eq!(renamed["options"][2]["text"], "Burritos");
    // the votes for the old text went: nobody has voted, so the hidden results hide again
    assert_eq!(renamed["totalVotes"], Value::Null);
    assert_eq!(read(&app, &alice, &callout).await["myVote"], Value::Null);
    assert_eq!(read(&app, &bob, &callout).await["myVote"], Value::Null);
    let reorder = |order: Vec<&str>| json!({"pollID": poll_id, "optionIDs": order});
    for bad in [
        reorder(vec![&pizza, &sushi]),
        reorder(vec![&pizza, &sushi, &tacos, &unknown]),
        reorder(vec![&pizza, &pizza, &sushi, &tacos]),
    ] {
        let e = refused(
            &app,
            &admin,
            "reorderPollOptions",
            "ReorderPollOptionsInput",
            bad,
        )
        .await;
        assert_reference_error(&e, "BAD_USER_INPUT", 12101);
    }
    let reordered = act(
        &app,
        &admin,
        "reorderPollOptions",
        "ReorderPollOptionsInput",
        reorder(vec![&curry, &tacos, &sushi, &pizza]),
    )
    .await;
    assert_eq!(
        option_ids(&reordered),
        [
            curry.as_str(),
            tacos.as_str(),
            sushi.as_str(),
            pizza.as_str()
        ]
    );
    let remove = |o: &str| json!({"pollID": poll_id, "optionID": o});
    act(
        &app,
        &admin,
        "removePollOption",
        "RemovePollOptionInput",
        remove(&curry),
    )
    .await;
    let two = act(
        &app,
        &admin,
        "removePollOption",
        "RemovePollOptionInput",
        remove(&tacos),
    )
    .await;
    assert_eq!(option_ids(&two), [sushi.as_str(), pizza.as_str()]);
    let sorts: Vec<i64> = two["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["sortOrder"].as_i64().unwrap())
        .collect();
    assert_eq!(sorts, [1, 2]);
    let e = refused(
        &app,
        &admin,
        "removePollOption",
        "RemovePollOptionInput",
        remove(&sushi),
    )
    .await;
    assert_reference_error(&e, "BAD_USER_INPUT", 12101);

    // a vote taken back; then closed, the poll takes no votes or changes
    act(
        &app,
        &alice,
        "castPollVote",
        "CastPollVoteInput",
        vote(vec![&sushi]),
    )
    .await;
    let taken = act(
        &app,
        &alice,
        "removePollVote",
        "RemovePollVoteInput",
        json!({"pollID": poll_id}),
    )
    .await;
    assert_eq!(taken["myVote"], Value::Null);
    let e = refused(
        &app,
        &alice,
        "removePollVote",
        "RemovePollVoteInput",
        json!({"pollID": poll_id}),
    )
    .await;
    assert_reference_error(&e, "BAD_USER_INPUT", 12101);
    let close = json!({"pollID": poll_id, "status": "CLOSED"});
    let e = refused(
        &app,
        &alice,
        "updatePollStatus",
        "UpdatePollStatusInput",
        close.clone(),
    )
    .await;
    assert_reference_error(&e, "FORBIDDEN_POLICY", 11104);
    let closed = act(
        &app,
        &admin,
        "updatePollStatus",
        "UpdatePollStatusInput",
        close.clone(),
    )
    .await;
    assert_eq!(closed["status"], "CLOSED");
    act(
        &app,
        &admin,
        "updatePollStatus",
        "UpdatePollStatusInput",
        close,
    )
    .await;
    let e = refused(
        &app,
        &bob,
        "castPollVote",
        "CastPollVoteInput",
        vote(vec![&sushi]),
    )
    .await;
    assert_reference_error(&e, "BAD_USER_INPUT", 12101);
    let e = refused(
        &app,
        &admin,
        "addPollOption",
        "AddPollOptionInput",
        json!({"pollID": poll_id, "text": "Soup"}),
    )
    .await;
    assert_reference_error(&e, "BAD_USER_INPUT", 12101);

    // its title changes with the callout's framing
    ok(
        &app,
        &admin,
        "mutation($c: UUID!) { updateCallout(calloutData: { ID: $c, framing: { poll: { title: \"Lunch spot\" } } }) { id } }",
        json!({"c": callout}),
    )
    .await;
    assert_eq!(read(&app, &bob, &callout).await["title"], "Lunch spot");

    // deleting the callout takes the poll, its options and votes (and its policy)
    act(
        &app,
        &admin,
        "updatePollStatus",
        "UpdatePollStatusInput",
        json!({"pollID": poll_id, "status": "OPEN"}),
    )
    .await;
    act(
        &app,
        &bob,
        "castPollVote",
        "CastPollVoteInput",
        vote(vec![&pizza]),
    )
    .await;
    ok(
        &app,
        &admin,
        "mutation($c: UUID!) { deleteCallout(deleteData: { ID: $c }) { id } }",
        json!({"c": callout}),
    )
    .await;
    let mut after = crate::deletion::row_counts(&app).await;
    // what is left is the callout's entry in the activity log
    assert_eq!(after["activity"], before["activity"] + 1);
    after.insert("activity", before["activity"]);
    assert_eq!(after, before);
}

/// `pollVoteUpdated` and `pollOptionsChanged` tell a poll's readers of its changes with the poll
/// as each subscriber may see it; with HIDDEN results a subscriber who has not voted hears of
/// no votes but does hear the poll close (the reference hid status changes from them too).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poll_changes_reach_subscribers() {
    use futures_util::SinkExt;
    use tokio_tungstenite::tungstenite::Message as WsMessage;
    let app = crate::helpers::spawn_app(Backend::Sqlite).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (alice_user, alice) = app.user_with_token("alice@example.org").await;
    let (bob_user, bob) = app.user_with_token("bob@example.org").await;
    let account = account_of(&app, &admin).await;
    let (s, roles) = space(&app, &admin, &account, "Votes", public()).await;
    assign(&app, &admin, &roles, "MEMBER", alice_user.id).await;
    assign(&app, &admin, &roles, "MEMBER", bob_user.id).await;
    let (_, set) = crate::callouts::callouts_set(&app, &admin, &s).await;
    let callout = ok(
        &app,
        &admin,
        crate::callouts::CREATE,
        json!({"d": {"calloutsSetID": set, "framing": {"type": "POLL", "profile": {"displayName": "Secret"},
            "poll": {"options": ["Yes", "No"], "settings": {"resultsVisibility": "HIDDEN"}}}}}),
    )
    .await["createCalloutOnCalloutsSet"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let poll = read(&app, &alice, &callout).await;
    let poll_id = poll["id"].as_str().unwrap().to_owned();
    let yes = option_ids(&poll)[0].clone();

    let subscribe = |id: &str, field: &str| {
        json!({"id": id, "type": "subscribe", "payload": {
            "query": format!("subscription($p: UUID!) {{ {field}(pollID: $p) {{ pollEventType poll {{ status totalVotes options {{ text voteCount }} }} }} }}"),
            "variables": {"p": poll_id}}})
        .to_string()
    };
    // bob follows votes and options; he has not voted
    let mut ws = app.ws(Some(&bob)).await;
    assert_eq!(
        crate::helpers::next_ws_message(&mut ws).await["type"],
        "connection_ack"
    );
    ws.send(WsMessage::text(subscribe("votes", "pollVoteUpdated")))
        .await
        .unwrap();
    ws.send(WsMessage::text(subscribe("options", "pollOptionsChanged")))
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    // alice's vote is hidden from him; the new option is not
    act(
        &app,
        &alice,
        "castPollVote",
        "CastPollVoteInput",
        json!({"pollID": poll_id, "selectedOptionIDs": [yes]}),
    )
    .await;
    act(
        &app,
        &admin,
        "addPollOption",
        "AddPollOptionInput",
        json!({"pollID": poll_id, "text": "Maybe"}),
    )
    .await;
    let event = crate::helpers::next_ws_message(&mut ws).await;
    assert_eq!(event["id"], "options", "{event}");
    let payload = &event["payload"]["data"]["pollOptionsChanged"];
    assert_eq!(payload["pollEventType"], "POLL_OPTIONS_CHANGED");
    assert_eq!(payload["poll"]["options"][2]["text"], "Maybe");
    assert_eq!(payload["poll"]["totalVotes"], Value::Null);
    // closing is heard
    act(
        &app,
        &admin,
        "updatePollStatus",
        "UpdatePollStatusInput",
        json!({"pollID": poll_id, "status": "CLOSED"}),
    )
    .await;
    let event = crate::helpers::next_ws_message(&mut ws).await;
    assert_eq!(event["id"], "votes", "{event}");
    let payload = &event["payload"]["data"]["pollVoteUpdated"];
    assert_eq!(payload["pollEventType"], "POLL_STATUS_CHANGED");
    assert_eq!(payload["poll"]["status"], "CLOSED");
    // once he has voted he hears of votes, with the results
    act(
        &app,
        &admin,
        "updatePollStatus",
        "UpdatePollStatusInput",
        json!({"pollID": poll_id, "status": "OPEN"}),
    )
    .await;
    let reopened = crate::helpers::next_ws_message(&mut ws).await;
    assert_eq!(
        reopened["payload"]["data"]["pollVoteUpdated"]["poll"]["status"],
        "OPEN"
    );
    act(
        &app,
        &bob,
        "castPollVote",
        "CastPollVoteInput",
        json!({"pollID": poll_id, "selectedOptionIDs": [yes]}),
    )
    .await;
    let event = crate::helpers::next_ws_message(&mut ws).await;
    let payload = &event["payload"]["data"]["pollVoteUpdated"];
    assert_eq!(payload["pollEventType"], "POLL_VOTE_UPDATED", "{event}");
    assert_eq!(payload["poll"]["totalVotes"], 2);
    assert_eq!(payload["poll"]["options"][0]["voteCount"], 2);
}

/// A callouts list with polls reads them (options, votes, voters) in batches: ten more polls
/// cost fewer than ten more statements.
async fn poll_lists_cost_a_bounded_number_of_statements(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (alice_user, alice) = app.user_with_token("alice@example.org").await;
    let account = account_of(&app, &admin).await;
    let (s, roles) = space(&app, &admin, &account, "Many polls", public()).await;
    assign(&app, &admin, &roles, "MEMBER", alice_user.id).await;
    let (_, set) = crate::callouts::callouts_set(&app, &admin, &s).await;
    let list = format!(
        "{{ lookup {{ space(ID: \"{s}\") {{ collaboration {{ calloutsSet {{ callouts {{ id framing {{ poll {{
        totalVotes canSeeDetailedResults options {{ text voteCount votePercentage voters {{ id }} }}
        myVote {{ createdBy selectedOptions {{ id }} }} }} }} }} }} }} }} }} }}"
    );
    let mut costs = Vec::new();
    let mut created = 0;
    for target in [2, 12] {
        while created < target {
            let poll = ok(
                &app,
                &admin,
                crate::callouts::CREATE,
                json!({"d": {"calloutsSetID": set, "framing": {"type": "POLL",
                    "profile": {"displayName": format!("Poll {created}")},
                    "poll": {"options": ["A", "B", "C"]}}}}),
            )
            .await["createCalloutOnCalloutsSet"]["id"]
                .as_str()
                .unwrap()
                .to_owned();
            let options = option_ids(&read(&app, &alice, &poll).await);
            act(
                &app,
                &alice,
                "castPollVote",
                "CastPollVoteInput",
                json!({"pollID": read(&app, &alice, &poll).await["id"], "selectedOptionIDs": [options[0]]}),
            )
            .await;
            created += 1;
        }
        let (cost, data) = app.fewest_statements(&alice, &list).await;
        let callouts = data["lookup"]["space"]["collaboration"]["calloutsSet"]["callouts"]
            .as_array()
            .unwrap()
            .clone();
        let polls: Vec<&Value> = callouts
            .iter()
            .filter(|c| !c["framing"]["poll"].is_null())
            .collect();
        assert_eq!(polls.len(), target);
        assert!(
            polls
                .iter()
                .all(|c| c["framing"]["poll"]["totalVotes"] == 1)
        );
        assert!(
            polls
                .iter()
                .all(|c| c["framing"]["poll"]["options"][0]["voters"][0]["id"]
                    == alice_user.id.to_string())
        );
        costs.push(cost);
    }
    assert!(
        costs[1] < costs[0] + 10,
        "statements for 2 and 12 polls: {costs:?}"
    );
    println!("callouts with polls, statements for 2 and 12: {costs:?}");
}
