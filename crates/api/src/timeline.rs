//! GraphQL: a collaboration's timeline and calendar, calendar events (with their "add to
//! calendar" links and iCalendar download), and the event mutations and lookups.

use crate::authorization::{Authorization, load_policy, require_on};
use crate::communication::Room;
use crate::context::{actor, data};
use crate::contributor::User;
use crate::loaders::{Loaders, loaded};
use crate::organization::CreateProfileInput;
use crate::profile::{Profile, UpdateProfileInput};
use alkemio_authorization::AuthorizationPrivilege as P;
use alkemio_kernel::scalars::{DateTime, NameId, UuidScalar};
use alkemio_kernel::{AppError, AppResult};
use alkemio_timeline::links::{self, EventText};
use alkemio_timeline::service::{EventChanges, Schedule};
use alkemio_timeline::{CalendarEventType, NewEvent, TimelineService, model};
use async_graphql::{Context, InputObject, Object, Result};
use uuid::Uuid;

fn service<'a>(ctx: &Context<'a>) -> AppResult<&'a TimelineService> {
    Ok(data::<alkemio_collaboration::CollaborationService>(ctx)?.timelines())
}

/// A collaboration's timeline.
pub struct Timeline(pub model::Timeline);

#[Object(name = "Timeline")]
impl Timeline {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }

    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }

    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }

    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        crate::authorization::authorization_of(ctx, self.0.authorization_id).await
    }

    /// Its calendar.
    async fn calendar(&self, ctx: &Context<'_>) -> Result<Calendar> {
        Ok(Calendar(
            service(ctx)?.calendar_or_fail(self.0.calendar_id).await?,
        ))
    }
}

/// A calendar of events.
pub struct Calendar(pub model::Calendar);

#[Object(name = "Calendar")]
impl Calendar {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }

    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }

    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }

    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        crate::authorization::authorization_of(ctx, self.0.authorization_id).await
    }

    /// Its events by start, with those of its space's subspaces that show here when the space
    /// takes events from its subspaces; only events the caller may read (needs READ).
    async fn events(&self, ctx: &Context<'_>) -> Result<Vec<CalendarEvent>> {
        require_on(ctx, self.0.authorization_id, P::Read, "read a calendar").await?;
        let extra = data::<alkemio_space::SpaceService>(ctx)?
            .calendars_shown_on(self.0.id)
            .await?;
        let mut calendars = vec![self.0.id];
        calendars.extend(extra);
        let events = service(ctx)?.events_of(&calendars).await?;
        let caller = actor(ctx);
        let mut out = Vec::new();
        for e in events {
            if e.calendar_id != self.0.id && !e.visible_on_parent_calendar {
                continue;
            }
            let readable = match e.authorization_id {
                Some(id) => load_policy(ctx, id).await?.is_some_and(|p| {
                    p.policy
                        .is_granted(&caller.credentials, P::Read)
                        .unwrap_or(false)
                }),
                None => false,
            };
            if readable {
                out.push(CalendarEvent(e));
            }
        }
        Ok(out)
    }

    /// One of its events (needs READ on the calendar).
    async fn event(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<CalendarEvent>> {
        require_on(ctx, self.0.authorization_id, P::Read, "read a calendar").await?;
        let e = service(ctx)?.event_or_fail(id.0).await?;
        if e.calendar_id != self.0.id {
            return Err(AppError::not_found(format!(
                "CalendarEvent {id} not found in the calendar"
            ))
            .into());
        }
        Ok(Some(CalendarEvent(e)))
    }
}

/// An event on a calendar.
pub struct CalendarEvent(pub model::CalendarEvent);

impl CalendarEvent {
    async fn text(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<(String, Option<String>, Option<String>, String)> {
        let loaders = data::<Loaders>(ctx)?;
        let profile = loaded(loaders.profiles.load_one(self.0.profile_id).await)?
            .ok_or_else(|| AppError::internal_msg("event profile missing"))?;
        let location = match profile.location_id {
            Some(id) => loaded(loaders.locations.load_one(id).await)?,
            None => None,
        }
        .map(|l| {
            [
                l.address_line1,
                l.address_line2,
                l.city,
                l.state_or_province,
                l.postal_code,
                l.country,
            ]
            .into_iter()
            .flatten()
            .filter(|p| !p.trim().is_empty())
            .collect::<Vec<_>>()
            .join(", ")
        })
        .filter(|l| !l.is_empty());
        let url = crate::profile::profile_url(ctx, &profile).await?;
        Ok((profile.display_name, profile.description, location, url))
    }

    async fn require_read(&self, ctx: &Context<'_>) -> AppResult<()> {
        require_on(
            ctx,
            self.0.authorization_id,
            P::Read,
            "read a calendar event",
        )
        .await
    }
}

#[Object(name = "CalendarEvent")]
impl CalendarEvent {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }

    /// Its NameID, unique in its calendar.
    #[graphql(name = "nameID")]
    async fn name_id(&self) -> NameId {
        NameId::from_trusted(self.0.name_id.clone())
    }

    /// Its kind.
    async fn r#type(&self) -> CalendarEventType {
        self.0.event_type
    }

    /// When it starts.
    async fn start_date(&self) -> Option<DateTime> {
        Some(DateTime(self.0.start_date))
    }

    /// Whether it takes whole days.
    async fn whole_day(&self) -> bool {
        self.0.whole_day
    }

    /// Whether it spans several days.
    async fn multiple_days(&self) -> bool {
        self.0.multiple_days
    }

    /// How long it lasts, in minutes.
    async fn duration_minutes(&self) -> f64 {
        f64::from(self.0.duration_minutes)
    }

    /// How many days it lasts, as entered.
    async fn duration_days(&self) -> Option<f64> {
        self.0.duration_days.map(f64::from)
    }

    /// Whether it shows on the parent space's calendar.
    async fn visible_on_parent_calendar(&self) -> bool {
        self.0.visible_on_parent_calendar
    }

    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }

    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }

    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        crate::authorization::authorization_of(ctx, self.0.authorization_id).await
    }

    /// Who created it (null when gone).
    async fn created_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        let Some(id) = self.0.created_by else {
            return Ok(None);
        };
        Ok(loaded(data::<Loaders>(ctx)?.users.load_one(id).await)?.map(User))
    }

    /// Its profile (needs READ).
    async fn profile(&self, ctx: &Context<'_>) -> Result<Profile> {
        self.require_read(ctx).await?;
        let p = loaded(
            data::<Loaders>(ctx)?
                .profiles
                .load_one(self.0.profile_id)
                .await,
        )?
        .ok_or_else(|| AppError::internal_msg("event profile missing"))?;
        Ok(Profile(p))
    }

    /// Its comments (needs READ).
    async fn comments(&self, ctx: &Context<'_>) -> Result<Room> {
        self.require_read(ctx).await?;
        let id = self.0.comments_id;
        let room = loaded(data::<Loaders>(ctx)?.rooms.load_one(id).await)?
            .ok_or_else(|| AppError::internal_msg(format_args!("room {id} missing")))?;
        Ok(Room(room))
    }

    /// The subspace whose calendar holds it (null for an L0 space's own events).
    async fn subspace(&self, ctx: &Context<'_>) -> Result<Option<crate::space::Space>> {
        let space = loaded(
            data::<Loaders>(ctx)?
                .calendar_spaces
                .load_one(self.0.calendar_id)
                .await,
        )?;
        Ok(space
            .filter(|s| s.level != alkemio_space::SpaceLevel::L0)
            .map(crate::space::Space))
    }

    /// A Google Calendar link that adds it (needs READ).
    async fn google_calendar_url(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        self.require_read(ctx).await?;
        let (title, description, location, url) = self.text(ctx).await?;
        Ok(Some(links::google_url(
            &self.0,
            EventText {
                title: &title,
                description: description.as_deref(),
                location: location.as_deref(),
                url: &url,
            },
        )))
    }

    /// An Outlook link that adds it (needs READ).
    async fn outlook_calendar_url(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        self.require_read(ctx).await?;
        let (title, description, location, url) = self.text(ctx).await?;
        Ok(Some(links::outlook_url(
            &self.0,
            EventText {
                title: &title,
                description: description.as_deref(),
                location: location.as_deref(),
                url: &url,
            },
        )))
    }

    /// Where to download it as an iCalendar file (for readers).
    async fn ics_download_url(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        let base = &data::<crate::SchemaServices>(ctx)?.endpoint_cluster;
        Ok(Some(format!(
            "{base}/api/private/rest/calendar/event/{}/ics",
            self.0.id
        )))
    }
}

/// A new event on a calendar.
#[derive(InputObject)]
pub struct CreateCalendarEventOnCalendarInput {
    /// The calendar.
    #[graphql(name = "calendarID")]
    pub calendar_id: UuidScalar,
    /// How many days it lasts, as entered.
    pub duration_days: Option<f64>,
    /// How long it lasts, in minutes (at least 1 unless whole-day).
    pub duration_minutes: f64,
    /// Whether it spans several days.
    pub multiple_days: bool,
    /// Its NameID (generated from the display name when absent).
    #[graphql(name = "nameID")]
    pub name_id: Option<NameId>,
    /// Its profile.
    pub profile_data: CreateProfileInput,
    /// When it starts.
    pub start_date: DateTime,
    /// Tags for the profile's default tagset.
    pub tags: Option<Vec<String>>,
    /// Its kind.
    pub r#type: CalendarEventType,
    /// Whether it shows on the parent space's calendar.
    pub visible_on_parent_calendar: bool,
    /// Whether it takes whole days.
    pub whole_day: bool,
}

/// Changes to an event; the schedule is replaced.
#[derive(InputObject)]
pub struct UpdateCalendarEventInput {
    /// The event.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
    /// How many days it lasts, as entered.
    pub duration_days: Option<f64>,
    /// How long it lasts, in minutes.
    pub duration_minutes: f64,
    /// Whether it spans several days.
    pub multiple_days: bool,
    /// A new NameID (unique in the calendar).
    #[graphql(name = "nameID")]
    pub name_id: Option<NameId>,
    /// Profile changes.
    pub profile_data: Option<UpdateProfileInput>,
    /// When it starts.
    pub start_date: DateTime,
    /// New kind.
    pub r#type: Option<CalendarEventType>,
    /// Whether it shows on the parent space's calendar.
    pub visible_on_parent_calendar: Option<bool>,
    /// Whether it takes whole days.
    pub whole_day: bool,
}

/// The event to delete.
#[derive(InputObject)]
pub struct DeleteCalendarEventInput {
    /// Its id.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
}

/// Calendar event mutations.
#[derive(Debug, Default)]
pub struct TimelineMutation;

#[Object]
impl TimelineMutation {
    /// Adds an event to a calendar (needs CREATE on it).
    async fn create_event_on_calendar(
        &self,
        ctx: &Context<'_>,
        event_data: CreateCalendarEventOnCalendarInput,
    ) -> Result<CalendarEvent> {
        let d = event_data;
        let svc = service(ctx)?;
        svc.calendar_or_fail(d.calendar_id.0).await?;
        let space = data::<alkemio_space::SpaceService>(ctx)?
            .spaces_of_calendars(&[d.calendar_id.0])
            .await?
            .remove(&d.calendar_id.0);
        let aggregator = space.as_ref().and_then(|s| s.storage_aggregator_id);
        let collaboration = space.as_ref().and_then(|s| s.collaboration_id);
        let new = NewEvent {
            name_id: d.name_id.map(|n| n.as_str().to_owned()),
            event_type: d.r#type,
            profile: d.profile_data.into_new_profile()?.0,
            tags: d.tags.unwrap_or_default(),
            schedule: Schedule {
                start_date: d.start_date.0,
                whole_day: d.whole_day,
                multiple_days: d.multiple_days,
                duration_minutes: d.duration_minutes,
                duration_days: d.duration_days,
            },
            visible_on_parent_calendar: d.visible_on_parent_calendar,
        };
        Ok(CalendarEvent(
            svc.create_event(&actor(ctx), d.calendar_id.0, new, aggregator, collaboration)
                .await?,
        ))
    }

    /// Changes an event (needs UPDATE on it).
    async fn update_calendar_event(
        &self,
        ctx: &Context<'_>,
        event_data: UpdateCalendarEventInput,
    ) -> Result<CalendarEvent> {
        let d = event_data;
        Ok(CalendarEvent(
            service(ctx)?
                .update_event(
                    &actor(ctx),
                    d.id.0,
                    EventChanges {
                        schedule: Schedule {
                            start_date: d.start_date.0,
                            whole_day: d.whole_day,
                            multiple_days: d.multiple_days,
                            duration_minutes: d.duration_minutes,
                            duration_days: d.duration_days,
                        },
                        event_type: d.r#type,
                        visible_on_parent_calendar: d.visible_on_parent_calendar,
                        profile: d.profile_data.map(Into::into),
                        name_id: d.name_id.map(|n| n.as_str().to_owned()),
                    },
                )
                .await?,
        ))
    }

    /// Deletes an event with its comments (needs DELETE on it).
    async fn delete_calendar_event(
        &self,
        ctx: &Context<'_>,
        delete_data: DeleteCalendarEventInput,
    ) -> Result<CalendarEvent> {
        Ok(CalendarEvent(
            service(ctx)?
                .delete_event(&actor(ctx), delete_data.id.0)
                .await?,
        ))
    }
}

/// `lookup.calendar`: needs READ.
pub(crate) async fn lookup_calendar(ctx: &Context<'_>, id: Uuid) -> Result<Calendar> {
    let c = service(ctx)?.calendar_or_fail(id).await?;
    require_on(ctx, c.authorization_id, P::Read, "read a calendar").await?;
    Ok(Calendar(c))
}

/// `lookup.calendarEvent`: needs READ.
pub(crate) async fn lookup_event(ctx: &Context<'_>, id: Uuid) -> Result<CalendarEvent> {
    let e = service(ctx)?.event_or_fail(id).await?;
    require_on(ctx, e.authorization_id, P::Read, "read a calendar event").await?;
    Ok(CalendarEvent(e))
}

/// The policy of a calendar or an event (for `lookup.myPrivileges`).
pub(crate) async fn policy_of(ctx: &Context<'_>, event: bool, id: Uuid) -> AppResult<Option<Uuid>> {
    let svc = service(ctx)?;
    Ok(if event {
        svc.event_or_fail(id).await?.authorization_id
    } else {
        svc.calendar_or_fail(id).await?.authorization_id
    })
}
