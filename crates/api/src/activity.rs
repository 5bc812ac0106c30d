//! GraphQL: the activity log (`ActivityLogEntry` and its kinds), `activityLogOnCollaboration`,
//! `exploreSpaces` and `me.mySpaces`. Entries are resolved in batches when they are read; an
//! entry whose author is not a user, or whose subject is gone, is left out.

use std::collections::HashMap;

use crate::authorization::{require_on, require_on_platform};
use crate::context::{actor, data};
use crate::contributor::{Actor, User};
use crate::space::{Community, Space};
use alkemio_authorization::AuthorizationPrivilege as P;
use alkemio_collaboration::activity::{Activity, ActivityEventType};
use alkemio_contributor::{ActorType, UserService};
use alkemio_kernel::scalars::{DateTime, UuidScalar};
use alkemio_kernel::{AppError, AppResult};
use alkemio_space::SpaceService;
use async_graphql::{Context, InputObject, Interface, Object, Result, SimpleObject};
use uuid::Uuid;

/// What every entry says, resolved.
#[derive(Debug, Clone)]
struct Common {
    entry: Activity,
    child: bool,
    space: Option<alkemio_space::Space>,
    parent_display_name: String,
    triggered_by: alkemio_contributor::User,
}

/// Someone became a member of a space.
#[derive(Debug, Clone)]
pub struct ActivityLogEntryMemberJoined {
    common: Common,
    actor: alkemio_contributor::Actor,
    community: alkemio_space::model::Community,
}

/// A space's admins sent an update to its community.
#[derive(Debug, Clone)]
pub struct ActivityLogEntryUpdateSent {
    common: Common,
    updates: alkemio_communication::Room,
    message: String,
    journey_url: String,
}

/// A subspace was created.
#[derive(Debug, Clone)]
pub struct ActivityLogEntrySubspaceCreated {
    common: Common,
    subspace: alkemio_space::Space,
}

/// A callout was published.
#[derive(Debug, Clone)]
pub struct ActivityLogEntryCalloutPublished {
    common: Common,
    callout: alkemio_collaboration::Callout,
}

/// A post was contributed to a callout.
#[derive(Debug, Clone)]
pub struct ActivityLogEntryCalloutPostCreated {
    common: Common,
    callout: alkemio_collaboration::Callout,
    post: alkemio_collaboration::Post,
}

/// A link was contributed to a callout.
#[derive(Debug, Clone)]
pub struct ActivityLogEntryCalloutLinkCreated {
    common: Common,
    callout: alkemio_collaboration::Callout,
    link: alkemio_collaboration::Link,
}

/// A memo was contributed to a callout.
#[derive(Debug, Clone)]
pub struct ActivityLogEntryCalloutMemoCreated {
    common: Common,
    callout: alkemio_collaboration::Callout,
    memo: alkemio_collaboration::Memo,
}

/// A whiteboard was contributed to a callout.
#[derive(Debug, Clone)]
pub struct ActivityLogEntryCalloutWhiteboardCreated {
    common: Common,
    callout: alkemio_collaboration::Callout,
    whiteboard: alkemio_collaboration::Whiteboard,
}

/// An event was added to a calendar.
#[derive(Debug, Clone)]
pub struct ActivityLogEntryCalendarEventCreated {
    common: Common,
    calendar: alkemio_timeline::Calendar,
    event: alkemio_timeline::CalendarEvent,
}

macro_rules! common_fields {
    ($ty:ident, $name:literal, { $($extra:tt)* }) => {
        #[Object(name = $name)]
        impl $ty {
            /// The entry's id.
            async fn id(&self) -> UuidScalar {
                UuidScalar(self.common.entry.id)
            }

            /// When it happened.
            async fn created_date(&self) -> DateTime {
                DateTime(self.common.entry.created_date)
            }

            /// The collaboration whose log holds it.
            #[graphql(name = "collaborationID")]
            async fn collaboration_id(&self) -> UuidScalar {
                UuidScalar(self.common.entry.collaboration_id)
            }

            /// A short text about it.
            async fn description(&self) -> &str {
                &self.common.entry.description
            }

            /// What happened.
            async fn r#type(&self) -> ActivityEventType {
                self.common.entry.event_type
            }

            /// Whether it comes from a subspace of the collaboration asked for.
            async fn child(&self) -> bool {
                self.common.child
            }

            /// The space whose collaboration holds it.
            async fn space(&self) -> Option<Space> {
                self.common.space.clone().map(Space)
            }

            /// That space's display name.
            async fn parent_display_name(&self) -> &str {
                &self.common.parent_display_name
            }

            /// The user who caused it.
            async fn triggered_by(&self) -> User {
                User(self.common.triggered_by.clone())
            }

            $($extra)*
        }
    };
}

common_fields!(
    ActivityLogEntryMemberJoined,
    "ActivityLogEntryMemberJoined",
    {
        /// The actor who joined.
        async fn actor(&self) -> Actor {
            Actor(self.actor.clone())
        }

        /// Its kind.
        async fn actor_type(&self) -> ActorType {
            self.actor.actor_type
        }

        /// The community joined.
        async fn community(&self) -> Community {
            Community(self.community.clone())
        }
    }
);

common_fields!(ActivityLogEntryUpdateSent, "ActivityLogEntryUpdateSent", {
    /// The updates room it was sent to.
    async fn updates(&self) -> crate::communication::Room {
        crate::communication::Room(self.updates.clone())
    }

    /// The update's text.
    async fn message(&self) -> &str {
        &self.message
    }

    /// The client URL of the space.
    async fn journey_url(&self) -> &str {
        &self.journey_url
    }
});

common_fields!(
    ActivityLogEntrySubspaceCreated,
    "ActivityLogEntrySubspaceCreated",
    {
        /// The new subspace.
        async fn subspace(&self) -> Space {
            Space(self.subspace.clone())
        }
    }
);

common_fields!(
    ActivityLogEntryCalloutPublished,
    "ActivityLogEntryCalloutPublished",
    {
        /// The callout.
        async fn callout(&self) -> crate::collaboration::Callout {
            crate::collaboration::Callout(self.callout.clone())
        }
    }
);

common_fields!(
    ActivityLogEntryCalloutPostCreated,
    "ActivityLogEntryCalloutPostCreated",
    {
        /// The callout.
        async fn callout(&self) -> crate::collaboration::Callout {
            crate::collaboration::Callout(self.callout.clone())
        }

        /// The post.
        async fn post(&self) -> crate::collaboration::Post {
            crate::collaboration::Post(self.post.clone())
        }
    }
);

common_fields!(
    ActivityLogEntryCalloutLinkCreated,
    "ActivityLogEntryCalloutLinkCreated",
    {
        /// The callout.
        async fn callout(&self) -> crate::collaboration::Callout {
            crate::collaboration::Callout(self.callout.clone())
        }

        /// The link.
        async fn link(&self) -> crate::content::Link {
            crate::content::Link(self.link.clone())
        }
    }
);

common_fields!(
    ActivityLogEntryCalloutMemoCreated,
    "ActivityLogEntryCalloutMemoCreated",
    {
        /// The callout.
        async fn callout(&self) -> crate::collaboration::Callout {
            crate::collaboration::Callout(self.callout.clone())
        }

        /// The memo.
        async fn memo(&self) -> crate::content::Memo {
            crate::content::Memo(self.memo.clone())
        }
    }
);

common_fields!(
    ActivityLogEntryCalloutWhiteboardCreated,
    "ActivityLogEntryCalloutWhiteboardCreated",
    {
        /// The callout.
        async fn callout(&self) -> crate::collaboration::Callout {
            crate::collaboration::Callout(self.callout.clone())
        }

        /// The whiteboard.
        async fn whiteboard(&self) -> crate::content::Whiteboard {
            crate::content::Whiteboard(self.whiteboard.clone())
        }
    }
);

common_fields!(
    ActivityLogEntryCalendarEventCreated,
    "ActivityLogEntryCalendarEventCreated",
    {
        /// The calendar.
        async fn calendar(&self) -> crate::timeline::Calendar {
            crate::timeline::Calendar(self.calendar)
        }

        /// The event.
        async fn calendar_event(&self) -> crate::timeline::CalendarEvent {
            crate::timeline::CalendarEvent(self.event.clone())
        }
    }
);

/// An entry of the activity log of a collaboration.
#[allow(
    clippy::duplicated_attributes,
    reason = "each `field(...)` of the interface repeats `ty` by design"
)]
#[derive(Interface)]
#[graphql(
    name = "ActivityLogEntry",
    field(name = "child", ty = "bool"),
    field(
        name = "collaborationID",
        method = "collaboration_id",
        ty = "UuidScalar"
    ),
    field(name = "createdDate", method = "created_date", ty = "DateTime"),
    field(name = "description", ty = "&str"),
    field(name = "id", ty = "UuidScalar"),
    field(
        name = "parentDisplayName",
        method = "parent_display_name",
        ty = "&str"
    ),
    field(name = "space", ty = "Option<Space>"),
    field(name = "triggeredBy", method = "triggered_by", ty = "User"),
    field(name = "type", ty = "ActivityEventType")
)]
pub enum ActivityLogEntry {
    /// A member joined.
    MemberJoined(ActivityLogEntryMemberJoined),
    /// A subspace was created.
    SubspaceCreated(ActivityLogEntrySubspaceCreated),
    /// An update was sent.
    UpdateSent(ActivityLogEntryUpdateSent),
    /// A callout was published.
    CalloutPublished(ActivityLogEntryCalloutPublished),
    /// A post was contributed.
    CalloutPostCreated(ActivityLogEntryCalloutPostCreated),
    /// A calendar event was added.
    CalendarEventCreated(ActivityLogEntryCalendarEventCreated),
    /// A link was contributed.
    CalloutLinkCreated(ActivityLogEntryCalloutLinkCreated),
    /// A whiteboard was contributed.
    CalloutWhiteboardCreated(ActivityLogEntryCalloutWhiteboardCreated),
    /// A memo was contributed.
    CalloutMemoCreated(ActivityLogEntryCalloutMemoCreated),
}

impl ActivityLogEntry {
    fn common(&self) -> &Common {
        match self {
            ActivityLogEntry::MemberJoined(m) => &m.common,
            ActivityLogEntry::SubspaceCreated(s) => &s.common,
            ActivityLogEntry::UpdateSent(u) => &u.common,
            ActivityLogEntry::CalloutPublished(c) => &c.common,
            ActivityLogEntry::CalloutPostCreated(c) => &c.common,
            ActivityLogEntry::CalendarEventCreated(c) => &c.common,
            ActivityLogEntry::CalloutLinkCreated(c) => &c.common,
            ActivityLogEntry::CalloutWhiteboardCreated(c) => &c.common,
            ActivityLogEntry::CalloutMemoCreated(c) => &c.common,
        }
    }
}

/// What resolving activity entries reads through: services, so that a live subscription can
/// resolve entries outside a request. Each kind of subject is read in one batch.
#[derive(Clone)]
pub(crate) struct ActivityResolver {
    spaces: SpaceService,
    users: UserService,
    profiles: alkemio_common::profile::ProfileService,
    rooms: alkemio_communication::CommunicationService,
    collaborations: alkemio_collaboration::CollaborationService,
    base: String,
}

impl ActivityResolver {
    /// The resolver over the schema's services.
    pub(crate) fn from_ctx(ctx: &Context<'_>) -> AppResult<Self> {
        Ok(Self {
            spaces: data::<SpaceService>(ctx)?.clone(),
            users: data::<UserService>(ctx)?.clone(),
            profiles: data::<alkemio_common::profile::ProfileService>(ctx)?.clone(),
            rooms: data::<alkemio_communication::CommunicationService>(ctx)?.clone(),
            collaborations: data::<alkemio_collaboration::CollaborationService>(ctx)?.clone(),
            base: data::<crate::SchemaServices>(ctx)?.endpoint_cluster.clone(),
        })
    }

    /// Resolves entries in order. `child_of`: the collaboration asked for, so entries of
    /// other collaborations are marked as children.
    pub(crate) async fn resolve(
        &self,
        entries: Vec<Activity>,
        child_of: Option<Uuid>,
    ) -> AppResult<Vec<ActivityLogEntry>> {
        let ids = |f: &dyn Fn(&Activity) -> Option<Uuid>| -> Vec<Uuid> {
            let mut v: Vec<Uuid> = entries.iter().filter_map(f).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let user_ids: Vec<alkemio_kernel::ids::UserId> = ids(&|a| Some(a.triggered_by))
            .into_iter()
            .map(alkemio_kernel::ids::UserId)
            .collect();
        let users: HashMap<Uuid, alkemio_contributor::User> = self
            .users
            .users(&user_ids)
            .await?
            .into_iter()
            .map(|u| (u.id.0, u))
            .collect();
        let by_collaboration = self
            .spaces
            .by_collaborations(&ids(&|a| Some(a.collaboration_id)))
            .await?;
        let profile_ids: Vec<Uuid> = by_collaboration
            .values()
            .filter_map(|s| s.profile_id)
            .collect();
        let profiles = self.profiles.profiles(&profile_ids).await?;
        let joined = |a: &Activity| a.event_type == ActivityEventType::MemberJoined;
        let communities = self
            .spaces
            .communities(&ids(&|a| if joined(a) { a.parent_id } else { None }))
            .await?;
        let actors = self
            .users
            .actors()
            .many(&ids(&|a| joined(a).then_some(a.resource_id)))
            .await?;
        let subspaces: HashMap<Uuid, alkemio_space::Space> = self
            .spaces
            .many(&ids(&|a| {
                (a.event_type == ActivityEventType::SubspaceCreated).then_some(a.resource_id)
            }))
            .await?
            .into_iter()
            .map(|s| (s.id.0, s))
            .collect();
        let sent = |a: &Activity| a.event_type == ActivityEventType::UpdateSent;
        let rooms = self
            .rooms
            .rooms(&ids(&|a| sent(a).then_some(a.resource_id)))
            .await?;
        let message_ids: Vec<String> = entries
            .iter()
            .filter(|a| sent(a))
            .filter_map(|a| a.message_id.clone())
            .collect();
        let messages = self.rooms.messages_by_ids(&message_ids).await?;
        let sent_spaces: Vec<Uuid> = entries
            .iter()
            .filter(|a| sent(a))
            .filter_map(|a| by_collaboration.get(&a.collaboration_id).map(|s| s.id.0))
            .collect();
        let paths = self.spaces.paths(&sent_spaces).await?;
        let of = |t: ActivityEventType| move |a: &Activity| a.event_type == t;
        let published = of(ActivityEventType::CalloutPublished);
        let posted = of(ActivityEventType::CalloutPostCreated);
        let scheduled = of(ActivityEventType::CalendarEventCreated);
        let linked = of(ActivityEventType::CalloutLinkCreated);
        let drawn = of(ActivityEventType::CalloutWhiteboardCreated);
        let written = of(ActivityEventType::CalloutMemoCreated);
        let mut callout_ids = ids(&|a| published(a).then_some(a.resource_id));
        callout_ids.extend(ids(&|a| {
            if posted(a) || linked(a) || drawn(a) || written(a) {
                a.parent_id
            } else {
                None
            }
        }));
        // drafts (callouts made drafts again) are not shown
        let callouts: HashMap<Uuid, alkemio_collaboration::Callout> = self
            .collaborations
            .callouts(&callout_ids)
            .await?
            .into_iter()
            .filter(|(_, c)| !c.is_draft())
            .collect();
        let posts = self
            .collaborations
            .posts(&ids(&|a| posted(a).then_some(a.resource_id)))
            .await?;
        let links = self
            .collaborations
            .links(&ids(&|a| linked(a).then_some(a.resource_id)))
            .await?;
        let whiteboards = self
            .collaborations
            .whiteboards(&ids(&|a| drawn(a).then_some(a.resource_id)))
            .await?;
        let memos = self
            .collaborations
            .memos(&ids(&|a| written(a).then_some(a.resource_id)))
            .await?;
        let timelines = self.collaborations.timelines();
        let events = timelines
            .events(&ids(&|a| scheduled(a).then_some(a.resource_id)))
            .await?;
        let calendars = timelines
            .calendars(&ids(&|a| if scheduled(a) { a.parent_id } else { None }))
            .await?;
        Ok(entries
            .into_iter()
            .filter_map(|entry| {
                let triggered_by = users.get(&entry.triggered_by)?.clone();
                let space = by_collaboration.get(&entry.collaboration_id).cloned();
                let parent_display_name = space
                    .as_ref()
                    .and_then(|s| s.profile_id)
                    .and_then(|p| profiles.get(&p))
                    .map(|p| p.display_name.clone())
                    .unwrap_or_default();
                let child = child_of.is_some_and(|c| c != entry.collaboration_id);
                let kind = entry.event_type;
                let (resource, parent) = (entry.resource_id, entry.parent_id);
                let common = Common {
                    entry,
                    child,
                    space,
                    parent_display_name,
                    triggered_by,
                };
                match kind {
                    ActivityEventType::MemberJoined => Some(ActivityLogEntry::MemberJoined(
                        ActivityLogEntryMemberJoined {
                            actor: actors.get(&resource)?.clone(),
                            community: communities.get(&parent?)?.clone(),
                            common,
                        },
                    )),
                    ActivityEventType::SubspaceCreated => Some(ActivityLogEntry::SubspaceCreated(
                        ActivityLogEntrySubspaceCreated {
                            subspace: subspaces.get(&resource)?.clone(),
                            common,
                        },
                    )),
                    ActivityEventType::UpdateSent => {
                        // a removed update is not shown, whether or not its entry was hidden yet
                        let message = common
                            .entry
                            .message_id
                            .as_ref()
                            .and_then(|m| messages.get(m))
                            .map(|m| m.body.clone())?;
                        let path = common
                            .space
                            .as_ref()
                            .and_then(|s| paths.get(&s.id.0))
                            .cloned()
                            .unwrap_or_default();
                        Some(ActivityLogEntry::UpdateSent(ActivityLogEntryUpdateSent {
                            updates: rooms.get(&resource)?.clone(),
                            message,
                            journey_url: format!("{}/{path}", self.base),
                            common,
                        }))
                    }
                    ActivityEventType::CalloutPublished => Some(
                        ActivityLogEntry::CalloutPublished(ActivityLogEntryCalloutPublished {
                            callout: callouts.get(&resource)?.clone(),
                            common,
                        }),
                    ),
                    ActivityEventType::CalloutPostCreated => Some(
                        ActivityLogEntry::CalloutPostCreated(ActivityLogEntryCalloutPostCreated {
                            callout: callouts.get(&parent?)?.clone(),
                            post: posts.get(&resource)?.clone(),
                            common,
                        }),
                    ),
                    ActivityEventType::CalloutLinkCreated => Some(
                        ActivityLogEntry::CalloutLinkCreated(ActivityLogEntryCalloutLinkCreated {
                            callout: callouts.get(&parent?)?.clone(),
                            link: links.get(&resource)?.clone(),
                            common,
                        }),
                    ),
                    ActivityEventType::CalloutMemoCreated => Some(
                        ActivityLogEntry::CalloutMemoCreated(ActivityLogEntryCalloutMemoCreated {
                            callout: callouts.get(&parent?)?.clone(),
                            memo: memos.get(&resource)?.clone(),
                            common,
                        }),
                    ),
                    ActivityEventType::CalloutWhiteboardCreated => {
                        Some(ActivityLogEntry::CalloutWhiteboardCreated(
                            ActivityLogEntryCalloutWhiteboardCreated {
                                callout: callouts.get(&parent?)?.clone(),
                                whiteboard: whiteboards.get(&resource)?.clone(),
                                common,
                            },
                        ))
                    }
                    ActivityEventType::CalendarEventCreated => {
                        Some(ActivityLogEntry::CalendarEventCreated(
                            ActivityLogEntryCalendarEventCreated {
                                calendar: *calendars.get(&parent?)?,
                                event: events.get(&resource)?.clone(),
                                common,
                            },
                        ))
                    }
                    _ => None,
                }
            })
            .collect())
    }
}

/// Resolves entries in order (see [`ActivityResolver::resolve`]).
pub(crate) async fn resolve(
    ctx: &Context<'_>,
    entries: Vec<Activity>,
    child_of: Option<Uuid>,
) -> AppResult<Vec<ActivityLogEntry>> {
    ActivityResolver::from_ctx(ctx)?
        .resolve(entries, child_of)
        .await
}

/// A space the caller was active in, with that activity.
#[derive(SimpleObject)]
#[graphql(name = "MySpaceResults")]
pub struct MySpaceResults {
    /// The space.
    pub space: Space,
    /// The caller's own latest activity there.
    pub latest_activity: Option<ActivityLogEntry>,
}

/// `me.mySpaces`: the spaces where the caller holds a role and was last active, newest
/// activity first (default 20).
pub(crate) async fn my_spaces(
    ctx: &Context<'_>,
    limit: Option<f64>,
) -> Result<Vec<MySpaceResults>> {
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "clamped first"
    )]
    let limit = limit.unwrap_or(20.0).clamp(0.0, 1000.0) as usize;
    let found = data::<SpaceService>(ctx)?
        .my_spaces(&actor(ctx), limit)
        .await?;
    let (spaces, entries): (Vec<_>, Vec<_>) = found.into_iter().unzip();
    let mut resolved: HashMap<Uuid, ActivityLogEntry> = resolve(ctx, entries, None)
        .await?
        .into_iter()
        .map(|e| (entry_collaboration(&e), e))
        .collect();
    Ok(spaces
        .into_iter()
        .map(|s| MySpaceResults {
            latest_activity: s.collaboration_id.and_then(|c| resolved.remove(&c)),
            space: Space(s),
        })
        .collect())
}

fn entry_collaboration(e: &ActivityLogEntry) -> Uuid {
    e.common().entry.collaboration_id
}

/// Which collaboration's log to read.
#[derive(Debug, InputObject)]
pub struct ActivityLogInput {
    /// The collaboration.
    #[graphql(name = "collaborationID")]
    pub collaboration_id: UuidScalar,
    /// Also the logs of the space's subspaces (those the caller may read).
    pub include_child: Option<bool>,
    /// Most entries returned.
    pub limit: Option<f64>,
    /// Only entries of these kinds.
    pub types: Option<Vec<ActivityEventType>>,
}

/// Which spaces `exploreSpaces` ranks.
#[derive(Debug, InputObject)]
pub struct ExploreSpacesInput {
    /// How many days of activity count.
    #[graphql(default = 30.0)]
    pub days_old: Option<f64>,
    /// Most spaces returned.
    #[graphql(default = 30.0)]
    pub limit: Option<f64>,
}

/// Activity queries.
#[derive(Debug, Default)]
pub struct ActivityQuery;

#[Object]
impl ActivityQuery {
    /// The activity log of a space's collaboration, newest first (needs READ_USERS on the
    /// platform and READ on the space). With `includeChild`, the logs of its subspaces that
    /// the caller may read come too, marked as children.
    async fn activity_log_on_collaboration(
        &self,
        ctx: &Context<'_>,
        query_data: ActivityLogInput,
    ) -> Result<Vec<ActivityLogEntry>> {
        require_on_platform(ctx, P::ReadUsers, "read an activity log").await?;
        let spaces = data::<SpaceService>(ctx)?;
        let collaboration = query_data.collaboration_id.0;
        let collaborations = followed_collaborations(
            ctx,
            collaboration,
            query_data.include_child.unwrap_or(false),
        )
        .await?;
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "clamped first"
        )]
        let limit = query_data.limit.map(|l| l.clamp(0.0, 10_000.0) as usize);
        // a few more than asked for, since entries whose subject is gone are left out
        let fetch = limit.map(|l| {
            u64::try_from(l)
                .unwrap_or(u64::MAX)
                .saturating_mul(2)
                .saturating_add(20)
        });
        let entries = spaces
            .activity_of(
                &collaborations,
                &query_data.types.unwrap_or_default(),
                fetch,
            )
            .await?;
        let mut resolved = resolve(ctx, entries, Some(collaboration)).await?;
        if let Some(limit) = limit {
            resolved.truncate(limit);
        }
        Ok(resolved)
    }

    /// The active L0 spaces with the most activity in the last `daysOld` days, most active
    /// first.
    async fn explore_spaces(
        &self,
        ctx: &Context<'_>,
        options: Option<ExploreSpacesInput>,
    ) -> Result<Vec<Space>> {
        let (days_old, limit) = options
            .map(|o| (o.days_old.unwrap_or(30.0), o.limit.unwrap_or(30.0)))
            .unwrap_or((30.0, 30.0));
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "clamped first"
        )]
        let limit = limit.clamp(0.0, 1000.0) as u64;
        Ok(data::<SpaceService>(ctx)?
            .explore(days_old, limit)
            .await?
            .into_iter()
            .map(Space)
            .collect())
    }
}

/// A page of the caller's activity feed.
#[derive(SimpleObject)]
#[graphql(name = "ActivityFeed")]
pub struct ActivityFeed {
    /// The entries, newest first.
    pub activity_feed: Vec<ActivityLogEntry>,
    /// Where the page sits.
    pub page_info: alkemio_kernel::pagination::PageInfo,
    /// How many entries the feed holds.
    pub total: f64,
}

/// The roles whose spaces a feed covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, async_graphql::Enum)]
#[graphql(name = "ActivityFeedRoles")]
pub enum ActivityFeedRoles {
    /// Spaces the caller administers.
    Admin,
    /// Spaces the caller leads.
    Lead,
    /// Spaces the caller is a member of.
    Member,
}

impl ActivityFeedRoles {
    fn role(self) -> alkemio_community::RoleName {
        match self {
            ActivityFeedRoles::Admin => alkemio_community::RoleName::Admin,
            ActivityFeedRoles::Lead => alkemio_community::RoleName::Lead,
            ActivityFeedRoles::Member => alkemio_community::RoleName::Member,
        }
    }
}

/// What an activity feed covers.
#[derive(Debug, Default, InputObject)]
pub struct ActivityFeedQueryArgs {
    /// Only these kinds.
    pub types: Option<Vec<ActivityEventType>>,
    /// Not these kinds.
    pub exclude_types: Option<Vec<ActivityEventType>>,
    /// Only what the caller did.
    pub my_activity: Option<bool>,
    /// Only these spaces (among the caller's).
    #[graphql(name = "spaceIds")]
    pub space_ids: Option<Vec<UuidScalar>>,
    /// Only spaces where the caller holds one of these roles.
    pub roles: Option<Vec<ActivityFeedRoles>>,
}

/// What a grouped activity feed covers.
#[derive(Debug, Default, InputObject)]
pub struct ActivityFeedGroupedQueryArgs {
    /// Only these kinds.
    pub types: Option<Vec<ActivityEventType>>,
    /// Not these kinds.
    pub exclude_types: Option<Vec<ActivityEventType>>,
    /// Only what the caller did.
    pub my_activity: Option<bool>,
    /// Only these spaces (among the caller's).
    #[graphql(name = "spaceIds")]
    pub space_ids: Option<Vec<UuidScalar>>,
    /// Only spaces where the caller holds one of these roles.
    pub roles: Option<Vec<ActivityFeedRoles>>,
    /// Most entries (default 10).
    pub limit: Option<f64>,
}

async fn feed_filter(
    ctx: &Context<'_>,
    types: Option<Vec<ActivityEventType>>,
    exclude: Option<Vec<ActivityEventType>>,
    my_activity: Option<bool>,
    space_ids: Option<Vec<UuidScalar>>,
    roles: Option<Vec<ActivityFeedRoles>>,
) -> Result<alkemio_collaboration::activity::FeedFilter> {
    require_on_platform(ctx, P::ReadUsers, "read an activity feed").await?;
    let caller = actor(ctx);
    let only: Option<Vec<Uuid>> = space_ids.map(|v| v.into_iter().map(|s| s.0).collect());
    let roles: Vec<alkemio_community::RoleName> = roles
        .unwrap_or_default()
        .into_iter()
        .map(ActivityFeedRoles::role)
        .collect();
    let collaborations = data::<SpaceService>(ctx)?
        .feed_collaborations(&caller, only.as_deref(), &roles)
        .await?;
    let exclude = exclude.unwrap_or_default();
    let mut types: Vec<ActivityEventType> = match types {
        Some(t) if !t.is_empty() => t,
        _ => ActivityEventType::ALL.to_vec(),
    };
    types.retain(|t| !exclude.contains(t));
    Ok(alkemio_collaboration::activity::FeedFilter {
        // every kind asked for is excluded: nothing matches
        collaborations: if types.is_empty() {
            Vec::new()
        } else {
            collaborations
        },
        triggered_by: my_activity
            .unwrap_or(false)
            .then(|| caller.authenticated_id())
            .flatten(),
        types,
    })
}

/// Activity feed queries.
#[derive(Debug, Default)]
pub struct ActivityFeedQuery;

#[Object]
impl ActivityFeedQuery {
    /// The activity in the caller's spaces and the spaces below them, newest first, a page at a
    /// time (needs READ_USERS on the platform; READ on each space).
    async fn activity_feed(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<UuidScalar>,
        last: Option<i32>,
        before: Option<UuidScalar>,
        args: Option<ActivityFeedQueryArgs>,
    ) -> Result<ActivityFeed> {
        let page = alkemio_kernel::pagination::PaginationArgs {
            first,
            after,
            last,
            before,
        }
        .validate()?;
        let args = args.unwrap_or_default();
        let filter = feed_filter(
            ctx,
            args.types,
            args.exclude_types,
            args.my_activity,
            args.space_ids,
            args.roles,
        )
        .await?;
        let (fetched, total) = data::<SpaceService>(ctx)?
            .activity_page(&filter, &page)
            .await?;
        let page = page.into_page(fetched, |a| a.id);
        #[allow(clippy::cast_precision_loss)]
        let total = total as f64;
        Ok(ActivityFeed {
            activity_feed: resolve(ctx, page.items, None).await?,
            page_info: page.page_info,
            total,
        })
    }

    /// The latest entry per subject, actor and kind in the caller's spaces and those below
    /// them, newest first (needs READ_USERS on the platform; at most `limit`, default 10). A
    /// caller with no spaces gets nothing (the reference then returned the whole platform's
    /// activity).
    async fn activity_feed_grouped(
        &self,
        ctx: &Context<'_>,
        args: Option<ActivityFeedGroupedQueryArgs>,
    ) -> Result<Vec<ActivityLogEntry>> {
        let args = args.unwrap_or_default();
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "clamped first"
        )]
        let limit = args.limit.unwrap_or(10.0).clamp(0.0, 100.0) as usize;
        let filter = feed_filter(
            ctx,
            args.types,
            args.exclude_types,
            args.my_activity,
            args.space_ids,
            args.roles,
        )
        .await?;
        let entries = data::<SpaceService>(ctx)?
            .activity_grouped(&filter, limit)
            .await?;
        Ok(resolve(ctx, entries, None).await?)
    }
}

/// Which log `activityCreated` follows.
#[derive(Debug, InputObject)]
pub struct ActivityCreatedSubscriptionInput {
    /// The collaboration.
    #[graphql(name = "collaborationID")]
    pub collaboration_id: UuidScalar,
    /// Also the logs of the space's subspaces (those the caller may read when subscribing).
    pub include_child: Option<bool>,
    /// Only entries of these kinds.
    pub types: Option<Vec<ActivityEventType>>,
}

/// A new entry of a followed log.
#[derive(SimpleObject)]
#[graphql(name = "ActivityCreatedSubscriptionResult")]
pub struct ActivityCreatedSubscriptionResult {
    /// The entry.
    pub activity: ActivityLogEntry,
}

/// How often a followed activity log is read for new entries. Reading the committed log (not
/// an in-process signal) means every instance's subscribers hear every instance's entries.
const ACTIVITY_POLL: std::time::Duration = std::time::Duration::from_millis(1000);

/// The collaborations a log read covers: the one asked for and, with `include_child`, those
/// of the readable spaces below its space. Fails unless the caller may READ its space.
async fn followed_collaborations(
    ctx: &Context<'_>,
    collaboration: Uuid,
    include_child: bool,
) -> AppResult<Vec<Uuid>> {
    let spaces = data::<SpaceService>(ctx)?;
    let space = spaces
        .by_collaborations(&[collaboration])
        .await?
        .remove(&collaboration)
        .ok_or_else(|| AppError::not_found(format!("Collaboration {collaboration} not found")))?;
    require_on(ctx, space.authorization_id, P::Read, "read an activity log").await?;
    let mut collaborations = vec![collaboration];
    if include_child {
        let mut level = vec![space.id.0];
        while !level.is_empty() {
            let children: Vec<Uuid> = spaces
                .subspace_ids_of(&level)
                .await?
                .into_iter()
                .map(|(_, child)| child)
                .collect();
            level = Vec::new();
            for child in spaces.many(&children).await? {
                if require_on(ctx, child.authorization_id, P::Read, "read an activity log")
                    .await
                    .is_ok()
                {
                    collaborations.extend(child.collaboration_id);
                    level.push(child.id.0);
                }
            }
        }
    }
    Ok(collaborations)
}

/// How far behind the newest entry seen a followed log is read again: an entry is numbered
/// when it is written and becomes visible when its transaction commits, which can be later
/// than a newer entry's.
const ACTIVITY_LAG_MS: u128 = 5_000;

/// How many entries one read of a followed log takes.
const ACTIVITY_PAGE: u64 = 200;

/// What a followed log has delivered.
struct Follow {
    start: Uuid,
    newest: Option<Uuid>,
    delivered: std::collections::HashSet<Uuid>,
    ready: std::collections::VecDeque<ActivityLogEntry>,
}

impl Follow {
    /// Entries above this id are read: a few seconds below the newest seen, never below the
    /// subscription's start.
    fn floor(&self) -> Uuid {
        let Some(newest) = self.newest else {
            return self.start;
        };
        let ms = newest.as_u128() >> 80;
        let lagged = Uuid::from_u128(ms.saturating_sub(ACTIVITY_LAG_MS) << 80);
        lagged.max(self.start)
    }

    /// Notes entries as delivered, forgetting those below the read floor.
    fn seen(&mut self, fresh: &[Activity], floor: Uuid) {
        for a in fresh {
            self.delivered.insert(a.id);
            if self.newest.is_none_or(|n| a.id > n) {
                self.newest = Some(a.id);
            }
        }
        self.delivered.retain(|id| *id > floor);
    }
}

fn entry_space(e: &ActivityLogEntry) -> Option<&alkemio_space::Space> {
    e.common().space.as_ref()
}

/// Activity subscriptions.
#[derive(Debug, Default)]
pub struct ActivityLiveEvents;

#[async_graphql::Subscription]
impl ActivityLiveEvents {
    /// Each entry added from now on to a space's activity log (and, with `includeChild`, to
    /// those of its readable subspaces), oldest first (needs READ_USERS on the platform and
    /// READ on the space).
    async fn activity_created(
        &self,
        ctx: &Context<'_>,
        input: ActivityCreatedSubscriptionInput,
    ) -> Result<impl futures_util::Stream<Item = ActivityCreatedSubscriptionResult> + use<>> {
        use futures_util::StreamExt;
        require_on_platform(ctx, P::ReadUsers, "follow an activity log").await?;
        let root = input.collaboration_id.0;
        let collaborations =
            followed_collaborations(ctx, root, input.include_child.unwrap_or(false)).await?;
        let types = input.types.unwrap_or_default();
        let spaces = data::<SpaceService>(ctx)?.clone();
        let resolver = ActivityResolver::from_ctx(ctx)?;
        let access = crate::authorization::LiveAccess::from_ctx(ctx)?;
        let follow = Follow {
            start: Uuid::now_v7(),
            newest: None,
            delivered: std::collections::HashSet::new(),
            ready: std::collections::VecDeque::new(),
        };
        let stream = futures_util::stream::unfold(follow, move |mut follow| {
            let (spaces, collaborations, types, resolver, access) = (
                spaces.clone(),
                collaborations.clone(),
                types.clone(),
                resolver.clone(),
                access.clone(),
            );
            async move {
                loop {
                    if let Some(entry) = follow.ready.pop_front() {
                        return Some((entry, follow));
                    }
                    tokio::time::sleep(ACTIVITY_POLL).await;
                    let floor = follow.floor();
                    // page on past entries delivered already, so a burst of them inside the
                    // lag window cannot hold the read point back
                    let mut fresh: Vec<Activity> = Vec::new();
                    let mut from = floor;
                    let mut failed = false;
                    loop {
                        let Ok(found) = spaces
                            .activity_newer_than(&collaborations, &types, from, ACTIVITY_PAGE)
                            .await
                        else {
                            failed = true;
                            break;
                        };
                        let full =
                            found.len() >= usize::try_from(ACTIVITY_PAGE).unwrap_or(usize::MAX);
                        if let Some(last) = found.last() {
                            from = last.id;
                        }
                        fresh.extend(
                            found
                                .into_iter()
                                .filter(|a| !follow.delivered.contains(&a.id)),
                        );
                        if !full
                            || fresh.len() >= usize::try_from(ACTIVITY_PAGE).unwrap_or(usize::MAX)
                        {
                            break;
                        }
                    }
                    if failed && fresh.is_empty() {
                        continue;
                    }
                    // entries count as delivered only once they resolved
                    let Ok(resolved) = resolver.resolve(fresh.clone(), Some(root)).await else {
                        continue;
                    };
                    follow.seen(&fresh, floor);
                    // the subscriber hears only what it may still read
                    let mut readable: HashMap<Uuid, bool> = HashMap::new();
                    for entry in resolved {
                        let Some(space) = entry_space(&entry) else {
                            continue;
                        };
                        let ok = match readable.get(&space.id.0) {
                            Some(ok) => *ok,
                            None => {
                                let ok = access.may(space.authorization_id, P::Read).await;
                                readable.insert(space.id.0, ok);
                                ok
                            }
                        };
                        if ok {
                            follow.ready.push_back(entry);
                        }
                    }
                }
            }
        });
        Ok(stream.map(|activity| ActivityCreatedSubscriptionResult { activity }))
    }
}
