//! The notification consumer: turns domain events into in-app notifications and e-mails for
//! the recipients the reference would pick (credential holders, filtered by each user's
//! notification settings per channel and by the RECEIVE_NOTIFICATIONS* privilege on the
//! entity's policy), exactly once per event.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use alkemio_authorization::{AuthorizationPrivilege as P, Credential, CredentialType as C};
use alkemio_contributor::{ActorType, User, UserService};
use alkemio_events::{DomainEvent, EventConsumer, EventRecord, claim, is_processed};
use alkemio_kernel::ids::{ActorId, UserId};
use alkemio_kernel::{AppError, AppResult};
use alkemio_persistence::Database;
use alkemio_platform::PlatformService;
use alkemio_space::SpaceService;
use async_trait::async_trait;
use chrono::{SubsecRound, Utc};

use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::mail::{Mailer, render};
use crate::model::{EmailDelivery, InAppNotification};
use crate::repo;
use crate::service::NotificationService;
use crate::values::{
    NotificationEvent as E, NotificationEventCategory as Cat, NotificationEventInAppState,
};

/// The consumer's name (its queue is `alkemio.notifications`).
pub const CONSUMER: &str = "notifications";

/// Who a notice goes to.
enum Who {
    /// Users holding any of these credentials (exact resource), who hold `privilege` on the
    /// policy when one is given.
    Holders {
        credentials: Vec<Credential>,
        privilege: Option<(Option<Uuid>, P)>,
    },
    /// One user (their own notification; no privilege check).
    User(Uuid),
    /// An e-mail address with no user behind it.
    Address(String),
}

/// What the in-app notification stores.
#[derive(Default)]
struct InApp {
    payload: Value,
    space_id: Option<Uuid>,
    organization_id: Option<Uuid>,
    user_id: Option<Uuid>,
    application_id: Option<Uuid>,
    invitation_id: Option<Uuid>,
    contributor_actor_id: Option<Uuid>,
}

/// One notification to work out: an event type, its recipients, its setting, and what it
/// stores and sends.
struct Notice {
    event: E,
    category: Cat,
    who: Who,
    /// The key path of the setting under `notification` (empty: no setting applies).
    setting: &'static [&'static str],
    in_app: Option<InApp>,
    /// Extra fields of the reference's e-mail payload.
    email_data: Map<String, Value>,
    /// Template values (the recipient's own are added per recipient).
    values: HashMap<&'static str, String>,
    /// Send no e-mail when nobody is to get one (the reference skips only this one's payload).
    email_needs_recipients: bool,
}

/// The consumer. Cheap to clone.
#[derive(Clone)]
pub struct NotificationConsumer {
    inner: Arc<Inner>,
}

struct Inner {
    db: Database,
    users: UserService,
    spaces: SpaceService,
    platform: PlatformService,
    mailer: Mailer,
    service: NotificationService,
    cluster: String,
}

#[async_trait]
impl EventConsumer for NotificationConsumer {
    fn name(&self) -> &'static str {
        CONSUMER
    }

    async fn handle(&self, record: &EventRecord) -> Result<(), String> {
        self.process(record).await.map_err(|e| format!("{e:?}"))
    }
}

struct Named {
    display_name: String,
    url: String,
}

impl NotificationConsumer {
    /// A consumer sending e-mail through `mailer`, publishing live updates through `service`.
    pub fn new(
        db: Database,
        users: UserService,
        spaces: SpaceService,
        platform: PlatformService,
        mailer: Mailer,
        service: NotificationService,
        endpoint_cluster: String,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                db,
                users,
                spaces,
                platform,
                mailer,
                service,
                cluster: endpoint_cluster.trim_end_matches('/').to_owned(),
            }),
        }
    }

    async fn process(&self, record: &EventRecord) -> AppResult<()> {
        let inner = &self.inner;
        if !is_processed(inner.db.conn(), CONSUMER, record.id).await? {
            let notices = self.plan(record).await?;
            let mut in_app = Vec::new();
            let mut emails = Vec::new();
            for notice in &notices {
                self.materialize(record, notice, &mut in_app, &mut emails)
                    .await?;
            }
            // the platform's notification blacklist: those addresses get no e-mail (in-app
            // notifications are not e-mail and stay)
            if !emails.is_empty() {
                let settings = inner.platform.get().await?.settings;
                emails.retain(|e| !settings.integration.blocks(&e.recipient));
            }
            let txn = inner.db.begin().await?;
            if claim(&txn, CONSUMER, record.id).await? {
                // What a notification points to may have been deleted since the event (an
                // application withdrawn, a space deleted): those notices go, the rest stay.
                let in_app = keep_existing(&txn, in_app).await?;
                repo::insert_notifications(&txn, &in_app, record.id).await?;
                repo::insert_emails(&txn, &emails).await?;
                txn.commit().await?;
                inner.service.announce(&in_app).await;
            } else {
                txn.rollback().await?;
            }
        }
        // Send what is still unsent for this event (all of it, or what failed last time).
        let mut failure = None;
        for email in repo::unsent_emails(inner.db.conn(), record.id).await? {
            // Another worker handling a copy of this event may be sending it right now.
            let leased = repo::lease_email(
                inner.db.conn(),
                email.id,
                Utc::now().trunc_subsecs(6),
                chrono::Duration::seconds(120),
            )
            .await?;
            if !leased {
                // Not ours to send now; try again later (it is sent by then, or its lease has
                // run out because that worker died), so the e-mail is never lost.
                failure
                    .get_or_insert_with(|| "an e-mail is being sent by another worker".to_owned());
                continue;
            }
            match inner.mailer.send(&email).await {
                Ok(()) => repo::mark_email_sent(inner.db.conn(), email.id).await?,
                Err(e) => {
                    repo::mark_email_failed(inner.db.conn(), email.id, &e).await?;
                    failure.get_or_insert(e);
                }
            }
        }
        match failure {
            None => Ok(()),
            Some(e) => Err(AppError::internal_msg(format_args!("sending e-mail: {e}"))),
        }
    }

    fn user_url(&self, name_id: &str) -> String {
        format!("{}/user/{name_id}", self.inner.cluster)
    }

    async fn display_names(&self, profiles: &[Uuid]) -> AppResult<HashMap<Uuid, String>> {
        Ok(self
            .inner
            .users
            .profiles()
            .profiles(profiles)
            .await?
            .into_iter()
            .map(|(id, p)| (id, p.display_name))
            .collect())
    }

    async fn user(&self, id: Uuid) -> AppResult<Option<(User, String)>> {
        let Some(user) = self.inner.users.user(UserId(id)).await? else {
            return Ok(None);
        };
        let names = self
            .display_names(&user.profile_id.into_iter().collect::<Vec<_>>())
            .await?;
        let name = user
            .profile_id
            .and_then(|p| names.get(&p).cloned())
            .unwrap_or_else(|| format!("{} {}", user.first_name, user.last_name));
        Ok(Some((user, name)))
    }

    fn user_payload(&self, user: &User, display_name: &str) -> Value {
        json!({
            "id": user.id.0,
            "firstName": user.first_name,
            "lastName": user.last_name,
            "email": user.email,
            "profile": {"displayName": display_name, "url": self.user_url(&user.name_id)},
            "type": "user",
        })
    }

    async fn trigger_payload(&self, record: &EventRecord) -> AppResult<(Value, String)> {
        // The reference fails when the trigger is no user (a user deleting themselves made
        // `deleteUser` fail after the deletion); here the payload is then null.
        match record.triggered_by {
            Some(id) => Ok(match self.user(id).await? {
                Some((u, name)) => (self.user_payload(&u, &name), name),
                None => (Value::Null, String::new()),
            }),
            None => Ok((Value::Null, String::new())),
        }
    }

    async fn actor_named(&self, id: Uuid) -> AppResult<Option<(ActorType, Named)>> {
        let Some(actor) = self.inner.users.actors().actor(ActorId(id)).await? else {
            return Ok(None);
        };
        let names = self
            .display_names(&actor.profile_id.into_iter().collect::<Vec<_>>())
            .await?;
        let display_name = actor
            .profile_id
            .and_then(|p| names.get(&p).cloned())
            .unwrap_or_default();
        let url = match actor.actor_type {
            ActorType::Organization => {
                format!("{}/organization/{}", self.inner.cluster, actor.name_id)
            }
            ActorType::VirtualContributor => format!("{}/vc/{}", self.inner.cluster, actor.name_id),
            _ => self.user_url(&actor.name_id),
        };
        Ok(Some((actor.actor_type, Named { display_name, url })))
    }

    fn contributor_payload(id: Uuid, kind: ActorType, named: &Named) -> Value {
        json!({
            "id": id,
            "profile": {"displayName": named.display_name, "url": named.url},
            "type": kind.as_str(),
        })
    }

    /// The space's reference payload, its display name and URL; `None` when it is gone.
    async fn space(&self, id: Uuid) -> AppResult<Option<(alkemio_space::Space, Value, Named)>> {
        let Some(space) = self.inner.spaces.get(ActorId(id)).await? else {
            return Ok(None);
        };
        let path = self
            .inner
            .spaces
            .paths(&[id])
            .await?
            .remove(&id)
            .unwrap_or_default();
        let url = format!("{}/{path}", self.inner.cluster);
        let names = self
            .display_names(&space.profile_id.into_iter().collect::<Vec<_>>())
            .await?;
        let display_name = space
            .profile_id
            .and_then(|p| names.get(&p).cloned())
            .unwrap_or_default();
        let payload = json!({
            "id": id,
            "level": space.level.number().to_string(),
            "profile": {"displayName": display_name, "url": url},
            "adminURL": format!("{url}/settings/community"),
        });
        Ok(Some((space, payload, Named { display_name, url })))
    }

    fn admins_of_platform(platform_policy: Option<Uuid>) -> Who {
        Who::Holders {
            credentials: vec![
                Credential::global(C::GlobalAdmin),
                Credential::global(C::GlobalSupport),
                Credential::global(C::GlobalLicenseManager),
            ],
            privilege: Some((platform_policy, P::ReceiveNotificationsAdmin)),
        }
    }

    fn members_of_space(space: &alkemio_space::Space) -> Who {
        Who::Holders {
            credentials: vec![Credential::new(C::SpaceMember, space.id.0)],
            privilege: Some((space.authorization_id, P::Read)),
        }
    }

    fn admins_of_space(space: &alkemio_space::Space) -> Who {
        Who::Holders {
            credentials: vec![Credential::new(C::SpaceAdmin, space.id.0)],
            privilege: Some((space.authorization_id, P::ReceiveNotificationsAdmin)),
        }
    }

    /// The notices an event gives rise to.
    async fn plan(&self, record: &EventRecord) -> AppResult<Vec<Notice>> {
        let cluster = self.inner.cluster.clone();
        let invitations_url = format!("{cluster}/home?dialog=invitations");
        let (_, trigger_name) = self.trigger_payload(record).await?;
        let platform_policy =
            || async { Ok::<_, AppError>(self.inner.platform.get().await?.authorization_id) };
        let mut notices = Vec::new();
        let values = |pairs: &[(&'static str, String)]| -> HashMap<&'static str, String> {
            pairs.iter().cloned().collect()
        };
        match &record.event {
            DomainEvent::UserRegistered { user_id } => {
                let Some((user, name)) = self.user(*user_id).await? else {
                    return Ok(notices);
                };
                let url = self.user_url(&user.name_id);
                notices.push(Notice {
                    event: E::PlatformAdminUserProfileCreated,
                    category: Cat::Platform,
                    who: Self::admins_of_platform(platform_policy().await?),
                    setting: &["platform", "admin", "userProfileCreated"],
                    in_app: Some(InApp {
                        payload: json!({"type": "USER", "userID": user_id}),
                        user_id: Some(*user_id),
                        ..InApp::default()
                    }),
                    email_data: obj(json!({"user": self.user_payload(&user, &name)})),
                    values: values(&[
                        ("user", name),
                        ("userEmail", user.email.clone()),
                        ("link", url),
                        ("action", "See the profile".to_owned()),
                    ]),
                    email_needs_recipients: false,
                });
            }
            DomainEvent::UserRemoved {
                display_name,
                email,
                ..
            } => notices.push(Notice {
                event: E::PlatformAdminUserProfileRemoved,
                category: Cat::Platform,
                who: Self::admins_of_platform(platform_policy().await?),
                setting: &["platform", "admin", "userProfileRemoved"],
                in_app: Some(InApp {
                    payload: json!({"type": "PLATFORM_USER_PROFILE_REMOVED", "userDisplayName": display_name, "userEmail": email}),
                    ..InApp::default()
                }),
                email_data: obj(json!({"user": {"displayName": display_name, "email": email}})),
                values: values(&[
                    ("user", display_name.clone()),
                    ("userEmail", email.clone()),
                    ("link", cluster.clone()),
                ]),
                email_needs_recipients: false,
            }),
            DomainEvent::GlobalRoleChanged {
                user_id,
                role,
                added,
            } => {
                let Some((user, name)) = self.user(*user_id).await? else {
                    return Ok(notices);
                };
                let url = self.user_url(&user.name_id);
                notices.push(Notice {
                    event: E::PlatformAdminGlobalRoleChanged,
                    category: Cat::Platform,
                    who: Self::admins_of_platform(platform_policy().await?),
                    setting: &["platform", "admin", "userGlobalRoleChanged"],
                    in_app: Some(InApp {
                        payload: json!({"type": "PLATFORM_GLOBAL_ROLE_CHANGE", "userID": user_id, "roleName": role}),
                        ..InApp::default()
                    }),
                    email_data: obj(json!({
                        "user": self.user_payload(&user, &name),
                        "type": if *added { "added" } else { "removed" },
                        "role": role,
                    })),
                    values: values(&[
                        ("user", name),
                        ("role", role.clone()),
                        ("change", if *added { "assigned" } else { "removed" }.to_owned()),
                        ("actor", trigger_name.clone()),
                        ("link", url),
                        ("action", "See the profile".to_owned()),
                    ]),
                    email_needs_recipients: false,
                });
            }
            DomainEvent::ForumDiscussionCreated {
                discussion_id,
                name_id,
                display_name,
                description,
                category,
            } => {
                let url = format!("{cluster}/forum/discussion/{name_id}");
                let details = json!({"id": discussion_id, "displayName": display_name,
                    "description": description, "category": category, "url": url});
                notices.push(Notice {
                    event: E::PlatformForumDiscussionCreated,
                    category: Cat::Platform,
                    who: Who::Holders {
                        credentials: vec![Credential::global(C::GlobalRegistered)],
                        privilege: None,
                    },
                    setting: &["platform", "forumDiscussionCreated"],
                    in_app: Some(InApp {
                        payload: json!({"type": "PLATFORM_FORUM_DISCUSSION", "discussion": details, "comment": null}),
                        ..InApp::default()
                    }),
                    email_data: obj(json!({"discussion": details})),
                    values: values(&[
                        ("discussion", display_name.clone()),
                        ("actor", trigger_name.clone()),
                        ("link", url),
                        ("action", "Join the discussion".to_owned()),
                    ]),
                    email_needs_recipients: true,
                });
            }
            DomainEvent::SpaceCreated { space_id } => {
                let Some((_, space_payload, space)) = self.space(*space_id).await? else {
                    return Ok(notices);
                };
                let sender = match record.triggered_by {
                    Some(t) => self.actor_named(t).await?.map(|(_, n)| n),
                    None => None,
                };
                notices.push(Notice {
                    event: E::PlatformAdminSpaceCreated,
                    category: Cat::Platform,
                    who: Self::admins_of_platform(platform_policy().await?),
                    setting: &["platform", "admin", "spaceCreated"],
                    in_app: Some(InApp {
                        payload: json!({"type": "SPACE", "spaceID": space_id}),
                        space_id: Some(*space_id),
                        ..InApp::default()
                    }),
                    email_data: obj(json!({
                        "sender": {
                            "name": sender.as_ref().map(|s| s.display_name.clone()).unwrap_or_default(),
                            "url": sender.as_ref().map(|s| s.url.clone()).unwrap_or_default(),
                        },
                        "created": record.occurred_at.timestamp_millis(),
                        "space": space_payload,
                    })),
                    values: values(&[
                        ("space", space.display_name),
                        ("actor", trigger_name.clone()),
                        ("link", space.url),
                        ("action", "Go to the space".to_owned()),
                    ]),
                    email_needs_recipients: false,
                });
            }
            DomainEvent::ApplicationCreated {
                application_id,
                space_id,
                applicant_id,
            } => {
                let Some((space_row, space_payload, space)) = self.space(*space_id).await? else {
                    return Ok(notices);
                };
                let Some((kind, applicant)) = self.actor_named(*applicant_id).await? else {
                    return Ok(notices);
                };
                let admin_url = format!("{}/settings/community", space.url);
                notices.push(Notice {
                    event: E::SpaceAdminCommunityApplication,
                    category: Cat::SpaceAdmin,
                    who: Self::admins_of_space(&space_row),
                    setting: &["space", "admin", "communityApplicationReceived"],
                    in_app: Some(InApp {
                        payload: json!({"type": "SPACE_COMMUNITY_APPLICATION", "spaceID": space_id, "applicationID": application_id}),
                        space_id: Some(*space_id),
                        application_id: Some(*application_id),
                        ..InApp::default()
                    }),
                    email_data: obj(json!({
                        "applicant": Self::contributor_payload(*applicant_id, kind, &applicant),
                        "space": space_payload,
                    })),
                    values: values(&[
                        ("applicant", applicant.display_name),
                        ("space", space.display_name),
                        ("link", admin_url),
                        ("action", "Review the application".to_owned()),
                    ]),
                    email_needs_recipients: false,
                });
            }
            DomainEvent::ApplicationDeclined {
                space_id,
                applicant_id,
                ..
            } => {
                let Some((_, space_payload, space)) = self.space(*space_id).await? else {
                    return Ok(notices);
                };
                let Some((kind, applicant)) = self.actor_named(*applicant_id).await? else {
                    return Ok(notices);
                };
                notices.push(Notice {
                    event: E::UserSpaceCommunityApplicationDeclined,
                    category: Cat::SpaceMember,
                    who: Who::User(*applicant_id),
                    // The reference has no key of its own for this one.
                    setting: &["user", "membership", "spaceCommunityJoined"],
                    in_app: Some(InApp {
                        payload: json!({"type": "SPACE", "spaceID": space_id}),
                        space_id: Some(*space_id),
                        ..InApp::default()
                    }),
                    email_data: obj(json!({
                        "applicant": Self::contributor_payload(*applicant_id, kind, &applicant),
                        "space": space_payload,
                    })),
                    values: values(&[
                        ("space", space.display_name),
                        ("decliner", trigger_name.clone()),
                        ("link", format!("{cluster}/spaces")),
                        ("action", "Explore spaces".to_owned()),
                    ]),
                    email_needs_recipients: true,
                });
            }
            DomainEvent::InvitationCreated {
                invitation_id,
                space_id,
                invitee_id,
                welcome_message,
            } => {
                let Some((_, space_payload, space)) = self.space(*space_id).await? else {
                    return Ok(notices);
                };
                // Organizations get no notification; virtual contributors have their own.
                let Some((ActorType::User, invitee)) = self.actor_named(*invitee_id).await? else {
                    return Ok(notices);
                };
                let mut data = obj(json!({
                    "invitee": Self::contributor_payload(*invitee_id, ActorType::User, &invitee),
                    "space": space_payload,
                }));
                if let Some(m) = welcome_message {
                    data.insert("welcomeMessage".to_owned(), json!(m));
                }
                notices.push(Notice {
                    event: E::UserSpaceCommunityInvitation,
                    category: Cat::SpaceMember,
                    who: Who::User(*invitee_id),
                    setting: &["user", "membership", "spaceCommunityInvitationReceived"],
                    in_app: Some(InApp {
                        payload: json!({"type": "SPACE_COMMUNITY_INVITATION", "invitationID": invitation_id, "spaceID": space_id}),
                        space_id: Some(*space_id),
                        invitation_id: Some(*invitation_id),
                        ..InApp::default()
                    }),
                    email_data: data,
                    values: values(&[
                        ("space", space.display_name),
                        ("inviter", trigger_name.clone()),
                        ("welcomeMessage", welcome_message.clone().unwrap_or_default()),
                        ("link", invitations_url),
                        ("action", "Accept or decline".to_owned()),
                    ]),
                    email_needs_recipients: false,
                });
            }
            DomainEvent::PlatformInvitationCreated {
                space_id,
                email,
                welcome_message,
                ..
            } => {
                let Some((_, space_payload, space)) = self.space(*space_id).await? else {
                    return Ok(notices);
                };
                notices.push(Notice {
                    event: E::SpaceCommunityInvitationUserPlatform,
                    category: Cat::SpaceMember,
                    who: Who::Address(email.clone()),
                    setting: &[],
                    in_app: None,
                    email_data: obj(json!({
                        "welcomeMessage": welcome_message.clone().unwrap_or_default(),
                        "space": space_payload,
                    })),
                    values: values(&[
                        ("space", space.display_name),
                        ("inviter", trigger_name.clone()),
                        ("welcomeMessage", welcome_message.clone().unwrap_or_default()),
                        ("link", invitations_url),
                        ("action", "Join Alkemio".to_owned()),
                    ]),
                    email_needs_recipients: false,
                });
            }
            DomainEvent::MemberJoined { space_id, actor_id } => {
                let Some((space_row, space_payload, space)) = self.space(*space_id).await? else {
                    return Ok(notices);
                };
                let Some((kind, member)) = self.actor_named(*actor_id).await? else {
                    return Ok(notices);
                };
                let payload = json!({"type": "SPACE_COMMUNITY_ACTOR", "spaceID": space_id, "actorID": actor_id, "actorType": kind.as_str()});
                let data = obj(json!({
                    "contributor": Self::contributor_payload(*actor_id, kind, &member),
                    "space": space_payload,
                }));
                if kind == ActorType::User {
                    notices.push(Notice {
                        event: E::UserSpaceCommunityJoined,
                        category: Cat::SpaceMember,
                        who: Who::User(*actor_id),
                        setting: &["user", "membership", "spaceCommunityJoined"],
                        in_app: Some(InApp {
                            payload: payload.clone(),
                            space_id: Some(*space_id),
                            user_id: Some(*actor_id),
                            ..InApp::default()
                        }),
                        email_data: data.clone(),
                        values: values(&[
                            ("space", space.display_name.clone()),
                            ("link", space.url.clone()),
                            ("action", "Go to the space".to_owned()),
                        ]),
                        email_needs_recipients: false,
                    });
                }
                notices.push(Notice {
                    event: E::SpaceAdminCommunityNewMember,
                    category: Cat::SpaceAdmin,
                    who: Self::admins_of_space(&space_row),
                    setting: &["space", "admin", "communityNewMember"],
                    in_app: Some(InApp {
                        payload,
                        space_id: Some(*space_id),
                        contributor_actor_id: Some(*actor_id),
                        ..InApp::default()
                    }),
                    email_data: data,
                    values: values(&[
                        ("member", member.display_name),
                        ("space", space.display_name),
                        ("link", member.url),
                        ("action", "See their profile".to_owned()),
                    ]),
                    email_needs_recipients: false,
                });
            }
            DomainEvent::UserMessage {
                receiver_id,
                message,
            } => {
                let sender_link = match record.triggered_by {
                    Some(sender) => self
                        .actor_named(sender)
                        .await?
                        .map(|(_, n)| n.url)
                        .unwrap_or_else(|| cluster.clone()),
                    None => cluster.clone(),
                };
                notices.push(Notice {
                    event: E::UserMessage,
                    category: Cat::User,
                    who: Who::User(*receiver_id),
                    setting: &["user", "messageReceived"],
                    in_app: Some(InApp {
                        payload: json!({"type": "USER_MESSAGE_DIRECT", "userID": receiver_id, "message": message}),
                        user_id: Some(*receiver_id),
                        ..InApp::default()
                    }),
                    email_data: obj(json!({"message": message})),
                    values: values(&[
                        ("sender", trigger_name.clone()),
                        ("message", message.clone()),
                        ("link", sender_link),
                        ("action", "See their profile".to_owned()),
                    ]),
                    email_needs_recipients: false,
                });
            }
            DomainEvent::OrganizationMessage {
                organization_id,
                message,
            } => {
                let Some(org) = self
                    .inner
                    .users
                    .actors()
                    .actor(ActorId(*organization_id))
                    .await?
                else {
                    return Ok(notices);
                };
                let Some((_, named)) = self.actor_named(*organization_id).await? else {
                    return Ok(notices);
                };
                let sender_link = match record.triggered_by {
                    Some(sender) => self
                        .actor_named(sender)
                        .await?
                        .map(|(_, n)| n.url)
                        .unwrap_or_else(|| cluster.clone()),
                    None => cluster.clone(),
                };
                let payload = json!({"type": "ORGANIZATION_MESSAGE_DIRECT", "organizationID": organization_id, "message": message});
                notices.push(Notice {
                    event: E::OrganizationAdminMessage,
                    category: Cat::Organization,
                    who: Who::Holders {
                        credentials: vec![Credential::new(C::OrganizationAssociate, organization_id)],
                        privilege: Some((org.authorization_id, P::ReceiveNotificationsAdmin)),
                    },
                    setting: &["organization", "adminMessageReceived"],
                    in_app: Some(InApp {
                        payload: payload.clone(),
                        organization_id: Some(*organization_id),
                        ..InApp::default()
                    }),
                    email_data: obj(json!({"message": message})),
                    values: values(&[
                        ("sender", trigger_name.clone()),
                        ("organization", named.display_name.clone()),
                        ("message", message.clone()),
                        ("link", sender_link),
                        ("action", "See their profile".to_owned()),
                    ]),
                    email_needs_recipients: false,
                });
                if let Some(sender) = record.triggered_by {
                    // the sender's copy follows their own message setting (the reference read
                    // an unrelated one, space.admin.communityApplicationReceived)
                    notices.push(Notice {
                        event: E::OrganizationMessageSender,
                        category: Cat::Organization,
                        who: Who::User(sender),
                        setting: &["user", "messageReceived"],
                        in_app: Some(InApp {
                            payload,
                            organization_id: Some(*organization_id),
                            ..InApp::default()
                        }),
                        email_data: obj(json!({"message": message})),
                        values: values(&[
                            ("organization", named.display_name),
                            ("message", message.clone()),
                            ("link", named.url),
                            ("action", "Go to the organization".to_owned()),
                        ]),
                        email_needs_recipients: false,
                    });
                }
            }
            DomainEvent::CommunityLeadsMessage { space_id, message } => {
                let Some((_, space_payload, space)) = self.space(*space_id).await? else {
                    return Ok(notices);
                };
                notices.push(Notice {
                    event: E::SpaceLeadCommunicationMessage,
                    category: Cat::SpaceAdmin,
                    who: Who::Holders {
                        credentials: vec![Credential::new(C::SpaceLead, space_id)],
                        privilege: None,
                    },
                    setting: &["space", "admin", "communicationMessageReceived"],
                    in_app: Some(InApp {
                        payload: json!({"type": "SPACE_COMMUNICATION_MESSAGE_DIRECT", "spaceID": space_id, "message": message}),
                        space_id: Some(*space_id),
                        ..InApp::default()
                    }),
                    email_data: obj(json!({"space": space_payload, "message": message})),
                    values: values(&[
                        ("sender", trigger_name.clone()),
                        ("space", space.display_name),
                        ("message", message.clone()),
                        ("link", space.url),
                        ("action", "Go to the space".to_owned()),
                    ]),
                    email_needs_recipients: false,
                });
            }
            DomainEvent::CalloutPublished {
                space_id,
                callout_id,
                title,
                callout_name_id,
            } => {
                let Some((space_row, space_payload, space)) = self.space(*space_id).await? else {
                    return Ok(notices);
                };
                let link = format!("{}/collaboration/{callout_name_id}", space.url);
                notices.push(Notice {
                    event: E::SpaceCollaborationCalloutPublished,
                    category: Cat::SpaceMember,
                    who: Self::members_of_space(&space_row),
                    setting: &["space", "collaborationCalloutPublished"],
                    in_app: Some(InApp {
                        payload: json!({"type": "SPACE_COLLABORATION_CALLOUT", "spaceID": space_id, "calloutID": callout_id}),
                        space_id: Some(*space_id),
                        ..InApp::default()
                    }),
                    email_data: obj(json!({"space": space_payload, "callout": {"id": callout_id, "displayName": title, "url": link}})),
                    values: values(&[
                        ("space", space.display_name),
                        ("callout", title.clone()),
                        ("publisher", trigger_name.clone()),
                        ("link", link.clone()),
                        ("action", "Go to the post".to_owned()),
                    ]),
                    email_needs_recipients: false,
                });
            }
            DomainEvent::ContributionCreated {
                space_id,
                callout_id,
                contribution_id,
                contribution_type,
                contribution_name,
                callout_title,
                callout_name_id,
            } => {
                let Some((space_row, space_payload, space)) = self.space(*space_id).await? else {
                    return Ok(notices);
                };
                let link = format!("{}/collaboration/{callout_name_id}", space.url);
                let what = match contribution_type.as_str() {
                    "POST" => format!("the post \"{contribution_name}\""),
                    "LINK" => format!("the link \"{contribution_name}\""),
                    "WHITEBOARD" => format!("the whiteboard \"{contribution_name}\""),
                    "MEMO" => format!("the memo \"{contribution_name}\""),
                    _ => format!("\"{contribution_name}\""),
                };
                let payload = json!({"type": "SPACE_COLLABORATION_CALLOUT", "spaceID": space_id,
                    "calloutID": callout_id, "contributionID": contribution_id});
                let email_data = obj(json!({"space": space_payload,
                    "callout": {"id": callout_id, "displayName": callout_title, "url": link},
                    "contribution": {"id": contribution_id, "type": contribution_type, "displayName": contribution_name}}));
                let vals = values(&[
                    ("space", space.display_name),
                    ("callout", callout_title.clone()),
                    ("contributor", trigger_name.clone()),
                    ("contribution", what),
                    ("link", link.clone()),
                    ("action", "Go to the callout".to_owned()),
                ]);
                notices.push(Notice {
                    event: E::SpaceCollaborationCalloutContribution,
                    category: Cat::SpaceMember,
                    who: Self::members_of_space(&space_row),
                    setting: &["space", "collaborationCalloutContributionCreated"],
                    in_app: Some(InApp {
                        payload: payload.clone(),
                        space_id: Some(*space_id),
                        ..InApp::default()
                    }),
                    email_data: email_data.clone(),
                    values: vals.clone(),
                    email_needs_recipients: false,
                });
                notices.push(Notice {
                    event: E::SpaceAdminCollaborationCalloutContribution,
                    category: Cat::SpaceAdmin,
                    who: Self::admins_of_space(&space_row),
                    setting: &["space", "admin", "collaborationCalloutContributionCreated"],
                    in_app: Some(InApp {
                        payload,
                        space_id: Some(*space_id),
                        ..InApp::default()
                    }),
                    email_data,
                    values: vals,
                    email_needs_recipients: false,
                });
            }
            DomainEvent::UpdateSent {
                space_id, update, ..
            } => {
                let Some((space_row, space_payload, space)) = self.space(*space_id).await? else {
                    return Ok(notices);
                };
                notices.push(Notice {
                    event: E::SpaceCommunicationUpdate,
                    category: Cat::SpaceMember,
                    who: Self::members_of_space(&space_row),
                    setting: &["space", "communicationUpdates"],
                    in_app: Some(InApp {
                        payload: json!({"type": "SPACE_COMMUNICATION_UPDATE", "spaceID": space_id, "update": update}),
                        space_id: Some(*space_id),
                        ..InApp::default()
                    }),
                    email_data: obj(json!({"space": space_payload, "message": update})),
                    values: values(&[
                        ("space", space.display_name),
                        ("update", update.clone()),
                        ("sender", trigger_name.clone()),
                        ("link", space.url),
                        ("action", "Go to the space".to_owned()),
                    ]),
                    email_needs_recipients: false,
                });
            }
        }
        Ok(notices)
    }

    /// Users picked by `who`, as (user, display name, email wanted, in-app wanted).
    async fn recipients(&self, notice: &Notice) -> AppResult<Vec<(User, String, bool, bool)>> {
        let inner = &self.inner;
        let (ids, privilege) = match &notice.who {
            Who::Address(_) => return Ok(Vec::new()),
            Who::User(id) => (vec![UserId(*id)], None),
            Who::Holders {
                credentials,
                privilege,
            } => {
                let mut ids = BTreeSet::new();
                for credential in credentials {
                    for actor in inner
                        .users
                        .actors()
                        .actors_with(inner.db.conn(), credential)
                        .await?
                    {
                        ids.insert(actor.0);
                    }
                }
                (ids.into_iter().map(UserId).collect(), privilege.as_ref())
            }
        };
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let users = inner.users.users(&ids).await?;
        let settings: HashMap<Uuid, Value> = inner
            .users
            .settings_many(&users.iter().map(|u| u.id.0).collect::<Vec<_>>())
            .await?
            .into_iter()
            .map(|s| (s.user_id.0, s.document))
            .collect();
        let policy = match privilege {
            Some((Some(policy_id), privilege)) => {
                let policy = alkemio_authorization::repo::load(inner.db.conn(), *policy_id)
                    .await?
                    .ok_or_else(|| {
                        AppError::internal_msg(format_args!("policy {policy_id} is missing"))
                    })?;
                Some((policy, *privilege))
            }
            // An entity without a policy grants nothing.
            Some((None, _)) => return Ok(Vec::new()),
            None => None,
        };
        let profile_ids: Vec<Uuid> = users.iter().filter_map(|u| u.profile_id).collect();
        let names = self.display_names(&profile_ids).await?;
        let mut out = Vec::new();
        for user in users {
            let Some(doc) = settings.get(&user.id.0) else {
                continue;
            };
            let mut channels = &doc["notification"];
            for key in notice.setting {
                channels = &channels[*key];
            }
            let email = channels["email"].as_bool().unwrap_or(false);
            let in_app = channels["inApp"].as_bool().unwrap_or(false);
            if !email && !in_app {
                continue;
            }
            if let Some((policy, privilege)) = &policy {
                let credentials = inner
                    .users
                    .actors()
                    .credentials(ActorId(user.id.0))
                    .await?
                    .unwrap_or_default();
                if !policy.policy.is_granted(&credentials, *privilege)? {
                    continue;
                }
            }
            let name = user
                .profile_id
                .and_then(|p| names.get(&p).cloned())
                .unwrap_or_else(|| format!("{} {}", user.first_name, user.last_name));
            out.push((user, name, email, in_app));
        }
        Ok(out)
    }

    async fn materialize(
        &self,
        record: &EventRecord,
        notice: &Notice,
        in_app_out: &mut Vec<InAppNotification>,
        emails_out: &mut Vec<EmailDelivery>,
    ) -> AppResult<()> {
        let mut recipients = self.recipients(notice).await?;
        // whoever sent an update or a message to leads, published a callout or started a forum
        // discussion does not hear of it (the reference tells a discussion's author too)
        if matches!(
            notice.event,
            E::SpaceCommunicationUpdate
                | E::SpaceLeadCommunicationMessage
                | E::SpaceCollaborationCalloutPublished
                | E::SpaceCollaborationCalloutContribution
                | E::SpaceAdminCollaborationCalloutContribution
                | E::PlatformForumDiscussionCreated
        ) {
            recipients.retain(|(user, ..)| Some(user.id.0) != record.triggered_by);
        }
        let now = Utc::now().trunc_subsecs(6);
        if let Some(spec) = &notice.in_app {
            for (user, ..) in recipients.iter().filter(|r| r.3) {
                in_app_out.push(InAppNotification {
                    id: Uuid::now_v7(),
                    row_id: 0,
                    created_date: now,
                    updated_date: now,
                    event: notice.event,
                    category: notice.category,
                    state: NotificationEventInAppState::Unread,
                    triggered_at: record.occurred_at,
                    triggered_by: record.triggered_by,
                    receiver_id: user.id.0,
                    payload: spec.payload.clone(),
                    space_id: spec.space_id,
                    organization_id: spec.organization_id,
                    user_id: spec.user_id,
                    application_id: spec.application_id,
                    invitation_id: spec.invitation_id,
                    contributor_actor_id: spec.contributor_actor_id,
                });
            }
        }
        let (trigger, _) = self.trigger_payload(record).await?;
        let mut addressed: Vec<(String, String, Value)> = recipients
            .iter()
            .filter(|r| r.2)
            .map(|(user, name, ..)| {
                (
                    user.email.clone(),
                    user.first_name.clone(),
                    self.user_payload(user, name),
                )
            })
            .collect();
        if let Who::Address(email) = &notice.who {
            addressed.push((
                email.clone(),
                String::new(),
                json!({"email": email, "firstName": "", "lastName": "", "id": "", "type": "user", "profile": {"url": "", "displayName": ""}}),
            ));
        }
        if addressed.is_empty() && notice.email_needs_recipients {
            return Ok(());
        }
        for (email, first_name, payload) in addressed {
            let mut values = notice.values.clone();
            values.insert("recipient", first_name);
            let Some(rendered) = render(notice.event, &values) else {
                continue;
            };
            let mut data = Map::new();
            data.insert("eventType".to_owned(), json!(notice.event.as_str()));
            data.insert("triggeredBy".to_owned(), trigger.clone());
            data.insert("recipients".to_owned(), json!([payload]));
            data.insert("platform".to_owned(), json!({"url": self.inner.cluster}));
            for (k, v) in &notice.email_data {
                data.insert(k.clone(), v.clone());
            }
            emails_out.push(EmailDelivery {
                id: Uuid::now_v7(),
                event_id: record.id,
                event: notice.event,
                recipient: email,
                subject: rendered.subject,
                text_body: rendered.text,
                html_body: rendered.html,
                envelope: json!({"pattern": notice.event.as_str(), "data": Value::Object(data)}),
            });
        }
        Ok(())
    }
}

async fn keep_existing(
    conn: &impl sea_orm::ConnectionTrait,
    items: Vec<InAppNotification>,
) -> AppResult<Vec<InAppNotification>> {
    type Pick = fn(&InAppNotification) -> Option<Uuid>;
    let references: [(&str, Pick); 7] = [
        ("user", |n| Some(n.receiver_id)),
        ("space", |n| n.space_id),
        ("organization", |n| n.organization_id),
        ("user", |n| n.user_id),
        ("application", |n| n.application_id),
        ("invitation", |n| n.invitation_id),
        ("actor", |n| n.contributor_actor_id),
    ];
    let mut missing = std::collections::HashSet::new();
    for (table, pick) in references {
        let ids: BTreeSet<Uuid> = items.iter().filter_map(pick).collect();
        let ids: Vec<Uuid> = ids.into_iter().collect();
        let found = repo::existing(conn, table, &ids).await?;
        missing.extend(ids.into_iter().filter(|id| !found.contains(id)));
    }
    Ok(items
        .into_iter()
        .filter(|n| {
            references
                .iter()
                .all(|(_, pick)| pick(n).is_none_or(|id| !missing.contains(&id)))
        })
        .collect())
}

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}
