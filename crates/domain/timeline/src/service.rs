//! Timeline use cases: timelines with their calendars and policies, and calendar events.

use std::collections::HashMap;

use alkemio_authorization::{
    ActorContext, AuthorizationPolicy, AuthorizationPolicyType, AuthorizationPrivilege as P,
    Credential, CredentialRule, CredentialType as C, PrivilegeRule, repo as auth_repo,
};
use alkemio_common::profile::{NewProfile, NewTagset, ProfileService, ProfileType, ProfileUpdate};
use alkemio_communication::{Room, RoomType};
use alkemio_kernel::{AppError, AppResult};
use alkemio_persistence::Database;
use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::model::{Calendar, CalendarEvent, CalendarEventType, Timeline};
use crate::repo;

/// A new timeline with its calendar and their policies.
#[derive(Debug, Clone)]
pub struct NewTimeline {
    /// The timeline.
    pub timeline: Timeline,
    /// Its calendar.
    pub calendar: Calendar,
    /// Their policies.
    pub policies: Vec<AuthorizationPolicy>,
}

/// A new event, or an event's new schedule and details.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// Its NameID (generated from its display name when absent).
    pub name_id: Option<String>,
    /// Its kind.
    pub event_type: CalendarEventType,
    /// Its profile.
    pub profile: NewProfile,
    /// Tags for the profile's default tagset.
    pub tags: Vec<String>,
    /// The schedule.
    pub schedule: Schedule,
    /// Whether it shows on the parent space's calendar.
    pub visible_on_parent_calendar: bool,
}

/// When an event happens.
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    /// When it starts.
    pub start_date: DateTime<Utc>,
    /// Whether it takes whole days.
    pub whole_day: bool,
    /// Whether it spans several days.
    pub multiple_days: bool,
    /// How long it lasts, in minutes.
    pub duration_minutes: f64,
    /// How many days it lasts, as entered.
    pub duration_days: Option<f64>,
}

impl Schedule {
    /// The stored minutes and days: whole numbers, the end after the start (or at it, for
    /// whole-day events).
    fn checked(&self) -> AppResult<(i32, Option<i32>)> {
        let whole = |v: f64, what: &str| {
            if v.fract() != 0.0 || v < 0.0 || v > f64::from(i32::MAX) {
                Err(AppError::bad_input(format!(
                    "{what} must be a whole number, 0 or more"
                )))
            } else {
                Ok(v as i32)
            }
        };
        let minutes = whole(self.duration_minutes, "durationMinutes")?;
        let days = self
            .duration_days
            .map(|d| whole(d, "durationDays"))
            .transpose()?;
        if minutes == 0 && !self.whole_day {
            return Err(AppError::bad_input("Invalid calendar event date range"));
        }
        Ok((minutes, days))
    }
}

/// Changes to an event; the schedule is always replaced.
#[derive(Debug, Clone)]
pub struct EventChanges {
    /// The schedule.
    pub schedule: Schedule,
    /// New kind.
    pub event_type: Option<CalendarEventType>,
    /// New visibility on the parent calendar.
    pub visible_on_parent_calendar: Option<bool>,
    /// Profile changes.
    pub profile: Option<ProfileUpdate>,
    /// A new NameID (unique in the calendar).
    pub name_id: Option<String>,
}

fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// A timeline or calendar: its parent's cascading rules.
fn apply_inherited(policy: &mut AuthorizationPolicy, parent: &AuthorizationPolicy) {
    policy.inherit_from(parent);
}

/// An event's comments room: the event's cascading rules (before its creator's are added);
/// whoever may CREATE or CONTRIBUTE posts, replies and reacts.
fn apply_room_policy(policy: &mut AuthorizationPolicy, event: &AuthorizationPolicy) {
    policy.inherit_from(event);
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

/// An event: its calendar's cascading rules; its creator manages it.
fn apply_event_policy(
    policy: &mut AuthorizationPolicy,
    calendar: &AuthorizationPolicy,
    created_by: Option<Uuid>,
) -> AuthorizationPolicy {
    policy.inherit_from(calendar);
    let before_creator = policy.clone();
    if let Some(creator) = created_by {
        policy.add_credential_rules([CredentialRule::new(
            "calendar-event-creator",
            vec![Credential::new(C::UserSelfManagement, creator)],
            &[P::Create, P::Read, P::Update, P::Delete],
        )]);
    }
    before_creator
}

/// Timelines, calendars and events.
#[derive(Debug, Clone)]
pub struct TimelineService {
    db: Database,
    profiles: ProfileService,
}

impl TimelineService {
    /// A service over the database, storing profiles through `profiles`.
    pub fn new(db: Database, profiles: ProfileService) -> Self {
        Self { db, profiles }
    }

    /// A new timeline with its calendar, their policies computed from the collaboration's.
    pub fn build(collaboration: &AuthorizationPolicy, at: DateTime<Utc>) -> NewTimeline {
        let mut tp = auth_repo::new_policy(AuthorizationPolicyType::Timeline);
        apply_inherited(&mut tp, collaboration);
        let mut cp = auth_repo::new_policy(AuthorizationPolicyType::Calendar);
        apply_inherited(&mut cp, &tp);
        let calendar = Calendar {
            id: Uuid::now_v7(),
            authorization_id: Some(cp.id),
            created_date: at,
            updated_date: at,
        };
        NewTimeline {
            timeline: Timeline {
                id: Uuid::now_v7(),
                calendar_id: calendar.id,
                authorization_id: Some(tp.id),
                created_date: at,
                updated_date: at,
            },
            calendar,
            policies: vec![tp, cp],
        }
    }

    /// Stores a new timeline inside the caller's transaction, with its policies.
    pub async fn insert_in(conn: &impl ConnectionTrait, new: &NewTimeline) -> AppResult<()> {
        repo::insert_timeline(conn, &new.timeline, &new.calendar).await?;
        auth_repo::save_all(conn, &new.policies).await
    }

    /// The policies of a timeline, its calendar and events recomputed from the collaboration's.
    pub async fn recompute_policies(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
        collaboration: &AuthorizationPolicy,
    ) -> AppResult<Vec<AuthorizationPolicy>> {
        let Some(mut t) = repo::timelines(conn, &[id]).await?.remove(&id) else {
            return Ok(Vec::new());
        };
        let calendar = repo::calendars(conn, &[t.calendar_id])
            .await?
            .remove(&t.calendar_id);
        let events = repo::events_of(conn, &[t.calendar_id]).await?;
        let rooms = alkemio_communication::repo::rooms(
            conn,
            &events.iter().map(|e| e.comments_id).collect::<Vec<_>>(),
        )
        .await?;
        let ids: Vec<Uuid> = t
            .authorization_id
            .into_iter()
            .chain(calendar.and_then(|c| c.authorization_id))
            .chain(events.iter().filter_map(|e| e.authorization_id))
            .chain(rooms.values().filter_map(|r| r.authorization_id))
            .collect();
        let stored = auth_repo::load_many(conn, &ids).await?;
        let load = |id: Option<Uuid>, ty| match id.and_then(|id| stored.get(&id)) {
            Some(s) => s.policy.clone(),
            None => AuthorizationPolicy::new(id.unwrap_or_else(Uuid::now_v7), ty),
        };
        let mut tp = load(t.authorization_id, AuthorizationPolicyType::Timeline);
        apply_inherited(&mut tp, collaboration);
        let mut cp = load(
            calendar.and_then(|c| c.authorization_id),
            AuthorizationPolicyType::Calendar,
        );
        apply_inherited(&mut cp, &tp);
        if t.authorization_id != Some(tp.id)
            || calendar.and_then(|c| c.authorization_id) != Some(cp.id)
        {
            t.authorization_id = Some(tp.id);
            repo::set_policies(conn, &t, cp.id).await?;
        }
        let mut out = Vec::new();
        for e in &events {
            let mut ep = load(e.authorization_id, AuthorizationPolicyType::CalendarEvent);
            let before_creator = apply_event_policy(&mut ep, &cp, e.created_by);
            if let Some(r) = rooms.get(&e.comments_id) {
                let mut rp = load(r.authorization_id, AuthorizationPolicyType::Room);
                apply_room_policy(&mut rp, &before_creator);
                out.push(rp);
            }
            out.extend(
                self.profiles
                    .recompute_policies(conn, e.profile_id, &ep)
                    .await?,
            );
            out.push(ep);
        }
        out.push(tp);
        out.push(cp);
        Ok(out)
    }

    /// Deletes timelines with their calendars and events inside the caller's transaction;
    /// returns the ids of the policies to delete.
    pub async fn delete_in(
        &self,
        conn: &impl ConnectionTrait,
        ids: &[Uuid],
    ) -> AppResult<Vec<Uuid>> {
        let found = repo::timelines(conn, ids).await?;
        let calendars: Vec<Uuid> = found.values().map(|t| t.calendar_id).collect();
        let events: Vec<Uuid> = repo::events_of(conn, &calendars)
            .await?
            .iter()
            .map(|e| e.id)
            .collect();
        let mut policies = self.delete_events_in(conn, &events).await?;
        policies.extend(repo::delete_timelines(conn, ids).await?);
        Ok(policies)
    }

    async fn delete_events_in(
        &self,
        conn: &impl ConnectionTrait,
        ids: &[Uuid],
    ) -> AppResult<Vec<Uuid>> {
        let (mut policies, profiles, rooms) = repo::delete_events(conn, ids).await?;
        policies.extend(self.profiles.delete_in(conn, &profiles).await?);
        policies.extend(alkemio_communication::repo::delete_rooms(conn, &rooms).await?);
        Ok(policies)
    }

    // ---- reads ----

    /// Timelines by id.
    pub async fn timelines(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Timeline>> {
        repo::timelines(self.db.conn(), ids).await
    }

    /// Calendars by id.
    pub async fn calendars(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Calendar>> {
        repo::calendars(self.db.conn(), ids).await
    }

    /// A calendar, or ENTITY_NOT_FOUND.
    pub async fn calendar_or_fail(&self, id: Uuid) -> AppResult<Calendar> {
        self.calendars(&[id])
            .await?
            .remove(&id)
            .ok_or_else(|| AppError::not_found(format!("Calendar {id} not found")))
    }

    /// The timeline holding a calendar.
    pub async fn timeline_of_calendar(&self, calendar: Uuid) -> AppResult<Option<Uuid>> {
        repo::timeline_of_calendar(self.db.conn(), calendar).await
    }

    /// Events by id.
    pub async fn events(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, CalendarEvent>> {
        repo::events(self.db.conn(), ids).await
    }

    /// An event, or ENTITY_NOT_FOUND.
    pub async fn event_or_fail(&self, id: Uuid) -> AppResult<CalendarEvent> {
        self.events(&[id])
            .await?
            .remove(&id)
            .ok_or_else(|| AppError::not_found(format!("CalendarEvent {id} not found")))
    }

    /// The events of calendars, by start.
    pub async fn events_of(&self, calendars: &[Uuid]) -> AppResult<Vec<CalendarEvent>> {
        repo::events_of(self.db.conn(), calendars).await
    }

    async fn require(
        &self,
        caller: &ActorContext,
        policy: Option<Uuid>,
        privilege: P,
        action: &str,
    ) -> AppResult<AuthorizationPolicy> {
        auth_repo::require(self.db.conn(), caller, policy, privilege, action).await
    }

    // ---- writes ----

    /// `createEventOnCalendar`: needs CREATE on the calendar. The NameID is unique in the
    /// calendar; a timed event lasts at least a minute. The collaboration's activity log
    /// records it.
    pub async fn create_event(
        &self,
        caller: &ActorContext,
        calendar_id: Uuid,
        new: NewEvent,
        aggregator: Option<Uuid>,
        collaboration: Option<Uuid>,
    ) -> AppResult<CalendarEvent> {
        let calendar = self.calendar_or_fail(calendar_id).await?;
        let calendar_policy = self
            .require(
                caller,
                calendar.authorization_id,
                P::Create,
                "create a calendar event",
            )
            .await?;
        let (minutes, days) = new.schedule.checked()?;
        let taken = repo::event_names(self.db.conn(), calendar.id).await?;
        let name_id = match &new.name_id {
            Some(n) => {
                let n = alkemio_kernel::scalars::NameId::parse(n.trim())
                    .map_err(AppError::bad_input)?
                    .into_inner();
                if taken.contains(&n) {
                    return Err(AppError::bad_input(format!(
                        "Unable to create CalendarEvent: the provided nameID is already taken: {n}"
                    )));
                }
                n
            }
            None => alkemio_contributor::name_id::generate_unique(
                &alkemio_contributor::name_id::generate(&new.profile.display_name),
                |n| taken.iter().any(|t| t == n),
            ),
        };
        let at = now();
        let author = caller.authenticated_id();
        let mut policy = auth_repo::new_policy(AuthorizationPolicyType::CalendarEvent);
        let before_creator = apply_event_policy(&mut policy, &calendar_policy, author);
        let mut rp = auth_repo::new_policy(AuthorizationPolicyType::Room);
        apply_room_policy(&mut rp, &before_creator);
        let room = Room {
            id: Uuid::now_v7(),
            room_type: RoomType::CalendarEvent,
            display_name: format!("calendarEvent-comments-{name_id}"),
            avatar_url: None,
            messages_count: 0,
            authorization_id: Some(rp.id),
            created_date: at,
            updated_date: at,
        };
        let mut profile = new.profile;
        let summary = format!(
            "[{}] - {}",
            profile.display_name,
            profile.description.clone().unwrap_or_default()
        );
        match profile.tagsets.iter_mut().find(|t| t.name == "default") {
            Some(t) => t.tags.extend(new.tags),
            None => profile.tagsets.push(NewTagset {
                name: "default".to_owned(),
                tags: new.tags,
            }),
        }
        let bundle =
            self.profiles
                .build(profile, ProfileType::CalendarEvent, &policy, aggregator)?;
        let event = CalendarEvent {
            id: Uuid::now_v7(),
            calendar_id: calendar.id,
            name_id,
            event_type: new.event_type,
            created_by: author,
            start_date: new.schedule.start_date.trunc_subsecs(6),
            whole_day: new.schedule.whole_day,
            multiple_days: new.schedule.multiple_days,
            duration_minutes: minutes,
            duration_days: days,
            visible_on_parent_calendar: new.visible_on_parent_calendar,
            profile_id: bundle.profile.id,
            comments_id: room.id,
            authorization_id: Some(policy.id),
            created_date: at,
            updated_date: at,
        };
        let txn = self.db.begin().await?;
        self.profiles.insert_in(&txn, &bundle).await?;
        alkemio_communication::repo::insert_room(&txn, &room).await?;
        repo::insert_event(&txn, &event).await?;
        auth_repo::save_all(&txn, &[policy, rp]).await?;
        if let (Some(author), Some(collaboration)) = (author, collaboration) {
            alkemio_activity::record(
                &txn,
                alkemio_activity::NewActivity {
                    triggered_by: author,
                    resource_id: event.id,
                    parent_id: Some(calendar.id),
                    collaboration_id: collaboration,
                    description: summary,
                    message_id: None,
                    event_type: alkemio_activity::ActivityEventType::CalendarEventCreated,
                },
            )
            .await?;
        }
        txn.commit().await?;
        Ok(event)
    }

    /// `updateCalendarEvent`: needs UPDATE on the event; replaces its schedule and changes
    /// what is given (a new NameID must be free in the calendar; the reference ignores it).
    pub async fn update_event(
        &self,
        caller: &ActorContext,
        id: Uuid,
        changes: EventChanges,
    ) -> AppResult<CalendarEvent> {
        let mut event = self.event_or_fail(id).await?;
        self.require(
            caller,
            event.authorization_id,
            P::Update,
            "update a calendar event",
        )
        .await?;
        let (minutes, days) = changes.schedule.checked()?;
        event.start_date = changes.schedule.start_date.trunc_subsecs(6);
        event.whole_day = changes.schedule.whole_day;
        event.multiple_days = changes.schedule.multiple_days;
        event.duration_minutes = minutes;
        event.duration_days = days;
        if let Some(t) = changes.event_type {
            event.event_type = t;
        }
        if let Some(v) = changes.visible_on_parent_calendar {
            event.visible_on_parent_calendar = v;
        }
        if let Some(n) = changes.name_id {
            let n = alkemio_kernel::scalars::NameId::parse(n.trim())
                .map_err(AppError::bad_input)?
                .into_inner();
            if n != event.name_id {
                if repo::event_names(self.db.conn(), event.calendar_id)
                    .await?
                    .contains(&n)
                {
                    return Err(AppError::bad_input(format!(
                        "Unable to update CalendarEvent: the provided nameID is already taken: {n}"
                    )));
                }
                event.name_id = n;
            }
        }
        let prepared = match changes.profile {
            Some(p) => Some(self.profiles.prepare_update(event.profile_id, p).await?),
            None => None,
        };
        let txn = self.db.begin().await?;
        repo::update_event(&txn, &event).await?;
        if let Some(p) = &prepared {
            ProfileService::write_update(&txn, p).await?;
        }
        txn.commit().await?;
        self.event_or_fail(id).await
    }

    /// `deleteCalendarEvent`: needs DELETE on the event; removes it with its profile and
    /// comments.
    pub async fn delete_event(&self, caller: &ActorContext, id: Uuid) -> AppResult<CalendarEvent> {
        let event = self.event_or_fail(id).await?;
        self.require(
            caller,
            event.authorization_id,
            P::Delete,
            "delete a calendar event",
        )
        .await?;
        let txn = self.db.begin().await?;
        let policies = self.delete_events_in(&txn, &[id]).await?;
        auth_repo::delete(&txn, &policies).await?;
        txn.commit().await?;
        Ok(event)
    }
}

impl TimelineService {
    /// The timelines holding calendars, by calendar id.
    pub async fn timelines_of_calendars(
        &self,
        calendars: &[Uuid],
    ) -> AppResult<HashMap<Uuid, Uuid>> {
        repo::timelines_of_calendars(self.db.conn(), calendars).await
    }

    /// Events by their profile id.
    pub async fn events_by_profiles(&self, profiles: &[Uuid]) -> AppResult<Vec<CalendarEvent>> {
        repo::events_by_profiles(self.db.conn(), profiles).await
    }
}

impl TimelineService {
    /// An event of a calendar by NameID.
    pub async fn event_by_name(
        &self,
        calendar: Uuid,
        name_id: &str,
    ) -> AppResult<Option<CalendarEvent>> {
        repo::event_by_name(self.db.conn(), calendar, name_id).await
    }
}
