//! Plain contributor data.

use alkemio_kernel::ids::{ActorId, UserId};

/// The kinds of actor, stored as the reference's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, async_graphql::Enum)]
#[graphql(name = "ActorType")]
pub enum ActorType {
    /// A user.
    User,
    /// An organization.
    Organization,
    /// A virtual contributor.
    VirtualContributor,
    /// The platform's virtual assistant.
    VirtualAssistant,
    /// A space.
    Space,
    /// An account.
    Account,
}

impl ActorType {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            ActorType::User => "user",
            ActorType::Organization => "organization",
            ActorType::VirtualContributor => "virtual-contributor",
            ActorType::VirtualAssistant => "virtual-assistant",
            ActorType::Space => "space",
            ActorType::Account => "account",
        }
    }

    /// Parses a stored value.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "user" => ActorType::User,
            "organization" => ActorType::Organization,
            "virtual-contributor" => ActorType::VirtualContributor,
            "virtual-assistant" => ActorType::VirtualAssistant,
            "space" => ActorType::Space,
            "account" => ActorType::Account,
            _ => return None,
        })
    }
}

/// An actor's identity row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Its id.
    pub id: ActorId,
    /// Its kind.
    pub actor_type: ActorType,
    /// Its URL slug, unique per kind.
    pub name_id: String,
    /// Its profile.
    pub profile_id: Option<uuid::Uuid>,
    /// Its storage aggregator.
    pub storage_aggregator_id: Option<uuid::Uuid>,
    /// Its authorization policy.
    pub authorization_id: Option<uuid::Uuid>,
    /// When it was created.
    pub created_date: chrono::DateTime<chrono::Utc>,
    /// When it last changed.
    pub updated_date: chrono::DateTime<chrono::Utc>,
}

/// A user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Its id (also its actor id).
    pub id: UserId,
    /// Its URL slug.
    pub name_id: String,
    /// E-mail address, lower-cased, unique.
    pub email: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Phone number.
    pub phone: Option<String>,
    /// The identity provider's id of this person (Kratos identity id).
    pub authentication_id: Option<String>,
    /// Whether this is a service account rather than a person.
    pub service_profile: bool,
    /// Its authorization policy.
    pub authorization_id: Option<uuid::Uuid>,
    /// Its account.
    pub account_id: Option<ActorId>,
    /// Its profile.
    pub profile_id: Option<uuid::Uuid>,
    /// Its storage aggregator.
    pub storage_aggregator_id: Option<uuid::Uuid>,
    /// When it was created.
    pub created_date: chrono::DateTime<chrono::Utc>,
    /// When it last changed.
    pub updated_date: chrono::DateTime<chrono::Utc>,
}

/// What an administrator may give for a user created on their behalf (`createUser`): a
/// chosen NameID, a phone number and the profile to start with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserDetails {
    /// The NameID (generated from the name when absent).
    pub name_id: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// The profile (its display name replaces the one made from the names when not empty);
    /// the usual `skills`/`keywords` tagsets and social references are added when missing.
    pub profile: Option<alkemio_common::profile::NewProfile>,
    /// The avatar image address to start with.
    pub avatar_uri: Option<String>,
}

/// What registering a user needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    /// E-mail address.
    pub email: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// The identity provider's id, when known.
    pub authentication_id: Option<String>,
}

/// A user's settings document.
#[derive(Debug, Clone, PartialEq)]
pub struct UserSettings {
    /// Its id.
    pub id: uuid::Uuid,
    /// Whose settings.
    pub user_id: UserId,
    /// The settings, completed with defaults (keys as the GraphQL fields).
    pub document: serde_json::Value,
    /// Its policy.
    pub authorization_id: Option<uuid::Uuid>,
    /// When it was created.
    pub created_date: chrono::DateTime<chrono::Utc>,
    /// When it last changed.
    pub updated_date: chrono::DateTime<chrono::Utc>,
}

impl UserSettings {
    /// Whether other users may send this user messages.
    pub fn allows_messages(&self) -> bool {
        self.document["communication"]["allowOtherUsersToSendMessages"]
            .as_bool()
            .unwrap_or(false)
    }

    /// Whether other users may contact this user by e-mail.
    pub fn allows_email(&self) -> bool {
        self.document["communication"]["allowOtherUsersToContactViaEmail"]
            .as_bool()
            .unwrap_or(false)
    }
}
