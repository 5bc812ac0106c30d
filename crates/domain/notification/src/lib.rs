//! Notifications: the consumer that turns domain events into in-app notifications and
//! e-mails (recipients by role, notification settings and privileges, as the reference picks
//! them), the mailer (SMTP, `.eml` files, or the reference's notification queue), and the
//! in-app notification use cases behind `me.notifications`.

mod consumer;
pub mod mail;
mod model;
mod repo;
mod service;
mod values;

pub use consumer::{CONSUMER, NotificationConsumer};
pub use mail::{Mailer, SmtpSecurity, SmtpSettings};
pub use model::{EmailDelivery, InAppNotification};
pub use service::{Live, NotificationService, Pruned, Retention};
pub use values::{
    NotificationEvent, NotificationEventCategory, NotificationEventInAppState,
    NotificationEventPayload,
};
