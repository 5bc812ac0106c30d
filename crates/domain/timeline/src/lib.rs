//! Timeline: every collaboration has a timeline holding a calendar of events. An event has a
//! profile, a schedule (start, whole day or a duration in minutes, several days) and a comments
//! room; it may show on the parent space's calendar. Policies come from the collaboration's:
//! whoever may CREATE there adds events, an event's creator manages it.

pub mod links;
pub mod model;
pub mod repo;
pub mod service;

pub use model::{Calendar, CalendarEvent, CalendarEventType, Timeline};
pub use service::{NewEvent, TimelineService};
