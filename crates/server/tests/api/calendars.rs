//! Calendars over GraphQL: events created by the space's admins (not its members), their
//! profile URL, "add to calendar" links and iCalendar download (for readers only), updates,
//! deletion, the checks on schedules and NameIDs, and subspace events shown on the L0
//! calendar.

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, assert_reference_error, spawn_app};
use crate::on_both_backends;
use crate::spaces::{account_of, assign, err, ok, public, space, subspace};

on_both_backends!(calendar_events);

const CALENDAR: &str = "query($s: UUID!) { lookup { space(ID: $s) { collaboration { timeline { id
    calendar { id authorization { myPrivileges }
        events { id nameID type startDate durationMinutes wholeDay subspace { id } profile { displayName url } } } } } } } }";
const CREATE: &str = "mutation($d: CreateCalendarEventOnCalendarInput!) { createEventOnCalendar(eventData: $d) {
    id nameID type startDate wholeDay multipleDays durationMinutes durationDays visibleOnParentCalendar
    createdBy { id } subspace { id } comments { type displayName }
    profile { displayName url tagsets { name tags } }
    googleCalendarUrl outlookCalendarUrl icsDownloadUrl } }";

async fn calendar(app: &TestApp, token: &str, s: &str) -> Value {
    ok(app, token, CALENDAR, json!({"s": s})).await["lookup"]["space"]["collaboration"]["timeline"]
        ["calendar"]
        .clone()
}

fn event(calendar: &str, name: &str, visible: bool) -> Value {
    json!({"calendarID": calendar, "type": "MEETING", "startDate": "2026-12-03T14:30:00Z",
        "durationMinutes": 90.0, "wholeDay": false, "multipleDays": false,
        "visibleOnParentCalendar": visible, "tags": ["planning"],
        "profileData": {"displayName": name, "description": "Bring **ideas**",
            "location": {"city": "Utrecht", "country": "NL"}}})
}

async fn calendar_events(backend: Backend) {
    let app = spawn_app(backend).await;
    let (admin_user, admin) = app.user_with_token("admin@alkem.io").await;
    let (member, member_token) = app.user_with_token("member@example.org").await;
    let (_, stranger) = app.user_with_token("stranger@example.org").await;
    let account = account_of(&app, &admin).await;
    let (s, roles) = space(&app, &admin, &account, "Calendar Club", Value::Null).await;
    assign(&app, &admin, &roles, "MEMBER", member.id).await;
    let cal = calendar(&app, &admin, &s).await;
    let cal_id = cal["id"].as_str().unwrap();
    assert!(
        cal["authorization"]["myPrivileges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "CREATE")
    );

    // members read the calendar but do not add to it
    let denied = err(
        &app,
        &member_token,
        CREATE,
        json!({"d": event(cal_id, "Kick-off", false)}),
    )
    .await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    let created = ok(
        &app,
        &admin,
        CREATE,
        json!({"d": event(cal_id, "Kick-off", false)}),
    )
    .await;
    let e = &created["createEventOnCalendar"];
    assert_eq!(e["nameID"], "kick-off");
    assert_eq!(e["durationMinutes"], 90.0);
    assert_eq!(e["createdBy"]["id"], admin_user.id.to_string());
    assert_eq!(e["subspace"], Value::Null, "an L0 space's own event");
    assert_eq!(e["comments"]["type"], "CALENDAR_EVENT");
    assert_eq!(
        e["profile"]["url"],
        "http://localhost:3000/calendarclub/calendar/kick-off"
    );
    let google = e["googleCalendarUrl"].as_str().unwrap();
    assert!(
        google.contains("dates=20261203T143000Z/20261203T160000Z")
            && google.contains("details=Bring%20ideas")
            && google.contains("location=Utrecht%2C%20NL"),
        "{google}"
    );
    let outlook = e["outlookCalendarUrl"].as_str().unwrap();
    assert!(
        outlook
            .starts_with("https://outlook.office.com/calendar/deeplink/compose?subject=Kick%2Doff"),
        "{outlook}"
    );
    let ics_url = e["icsDownloadUrl"].as_str().unwrap();
    assert!(
        ics_url.starts_with("http://localhost:3000/api/private/rest/calendar/event/"),
        "{ics_url}"
    );

    // the iCalendar file: readers get it, others are sent to sign in or to the restricted page
    let path = ics_url.trim_start_matches("http://localhost:3000");
    let res = app
        .client
        .get(format!("{}{path}", app.address))
        .bearer_auth(&member_token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "text/calendar; charset=utf-8"
    );
    assert_eq!(
        res.headers()["content-disposition"].to_str().unwrap(),
        "attachment; filename=\"kick-off.ics\""
    );
    let body = res.text().await.unwrap();
    assert!(body.contains("\r\nSUMMARY:Kick-off\r\n"), "{body}");
    assert!(
        body.contains("DTSTART:20261203T143000Z\r\nDTEND:20261203T160000Z"),
        "{body}"
    );
    assert!(
        body.contains("URL:http://localhost:3000/calendarclub/calendar/kick-off"),
        "{body}"
    );
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = no_redirects
        .get(format!("{}{path}", app.address))
        .bearer_auth(&stranger)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("http://localhost:3000/restricted?returnUrl=")
    );
    let res = no_redirects
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .unwrap();
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("http://localhost:3000/login?returnUrl=")
    );
    let unknown = format!(
        "{}/api/private/rest/calendar/event/{}/ics",
        app.address,
        uuid::Uuid::now_v7()
    );
    assert_eq!(
        no_redirects
            .get(unknown)
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    // checks: a taken NameID, a timed event without a duration
    let mut taken = event(cal_id, "Again", false);
    taken["nameID"] = json!("kick-off");
    assert_reference_error(
        &err(&app, &admin, CREATE, json!({"d": taken})).await,
        "BAD_USER_INPUT",
        12101,
    );
    let mut instant = event(cal_id, "Instant", false);
    instant["durationMinutes"] = json!(0.0);
    assert_reference_error(
        &err(&app, &admin, CREATE, json!({"d": instant})).await,
        "BAD_USER_INPUT",
        12101,
    );
    let mut all_day = event(cal_id, "Holiday", false);
    all_day["wholeDay"] = json!(true);
    all_day["durationMinutes"] = json!(0.0);
    let holiday = ok(&app, &admin, CREATE, json!({"d": all_day})).await;
    assert!(
        holiday["createEventOnCalendar"]["googleCalendarUrl"]
            .as_str()
            .unwrap()
            .contains("dates=20261203/20261204")
    );

    // updates replace the schedule; the author deletes
    let update = "mutation($id: UUID!) { updateCalendarEvent(eventData: { ID: $id, startDate: \"2026-12-04T09:00:00Z\",
        durationMinutes: 30, wholeDay: false, multipleDays: false, type: TRAINING, profileData: { displayName: \"Kick-off 2\" } }) {
        type startDate durationMinutes profile { displayName } } }";
    let denied = err(&app, &member_token, update, json!({"id": e["id"]})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    let updated = ok(&app, &admin, update, json!({"id": e["id"]})).await;
    assert_eq!(updated["updateCalendarEvent"]["type"], "TRAINING");
    assert_eq!(updated["updateCalendarEvent"]["durationMinutes"], 30.0);
    assert_eq!(
        updated["updateCalendarEvent"]["profile"]["displayName"],
        "Kick-off 2"
    );
    let events = calendar(&app, &member_token, &s).await["events"].clone();
    assert_eq!(events.as_array().unwrap().len(), 2, "{events}");

    // a subspace's event shows on the L0 calendar when it asks to
    let (sub, _) = subspace(&app, &admin, &s, "Working Group", public()).await;
    let sub_cal = calendar(&app, &admin, &sub).await;
    let sub_cal_id = sub_cal["id"].as_str().unwrap();
    let shown = ok(
        &app,
        &admin,
        CREATE,
        json!({"d": event(sub_cal_id, "Sub meeting", true)}),
    )
    .await;
    assert_eq!(shown["createEventOnCalendar"]["subspace"]["id"], sub);
    assert_eq!(
        shown["createEventOnCalendar"]["profile"]["url"],
        "http://localhost:3000/calendarclub/challenges/workinggroup/calendar/submeeting"
    );
    ok(
        &app,
        &admin,
        CREATE,
        json!({"d": event(sub_cal_id, "Sub only", false)}),
    )
    .await;
    let l0 = calendar(&app, &admin, &s).await["events"].clone();
    let names: Vec<&str> = l0
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["nameID"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"submeeting") && !names.contains(&"subonly"),
        "{names:?}"
    );

    let delete = "mutation($id: UUID!) { deleteCalendarEvent(deleteData: { ID: $id }) { id } }";
    ok(&app, &admin, delete, json!({"id": e["id"]})).await;
    let gone = err(
        &app,
        &admin,
        "query($id: UUID!) { lookup { calendarEvent(ID: $id) { id } } }",
        json!({"id": e["id"]}),
    )
    .await;
    assert_reference_error(&gone, "ENTITY_NOT_FOUND", 10101);
}
