//! Innovation packs and the library.

use alkemio_kernel::ids::ActorId;
use alkemio_kernel::stored_enum;
use chrono::{DateTime, Utc};
use uuid::Uuid;

stored_enum! {
    /// Where an entity shows up in searches and listings.
    SearchVisibility {
        Account => ("ACCOUNT", "account"),
        Hidden => ("HIDDEN", "hidden"),
        Public => ("PUBLIC", "public"),
    }
}

/// An innovation pack: an account's published set of templates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InnovationPack {
    /// Its id.
    pub id: Uuid,
    /// Its URL slug (unique among packs).
    pub name_id: String,
    /// Whether it is offered in the library.
    pub listed_in_store: bool,
    /// Where it shows up in listings.
    pub search_visibility: SearchVisibility,
    /// The account publishing it.
    pub account_id: Option<ActorId>,
    /// Its profile.
    pub profile_id: Option<Uuid>,
    /// Its templates.
    pub templates_set_id: Option<Uuid>,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

impl InnovationPack {
    /// Whether the library lists it: offered in the store and publicly visible.
    pub fn is_listed(&self) -> bool {
        self.listed_in_store && self.search_visibility == SearchVisibility::Public
    }
}

/// The platform's library (one per platform).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Library {
    /// Its id.
    pub id: Uuid,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}
