//! Innovation hubs: portals an account runs on a subdomain of the platform, showing either a
//! chosen list of spaces or every L0 space of one visibility. A request arriving through a
//! hub's subdomain sees the hub's spaces in `spaces`.
//!
//! Done differently from the reference, each pinned by a test: the subdomain must be a DNS
//! label (the reference declares the rule but never checks it), and a space filter that does
//! not fit the hub's type is refused on update too (the reference ignores it silently).

pub mod repo;

use alkemio_authorization::repo as auth_repo;
use alkemio_authorization::{
    ActorContext, AuthorizationPolicy, AuthorizationPolicyType, AuthorizationPrivilege as P,
    Credential, CredentialRule, CredentialType as C,
};
use alkemio_common::profile::{NewProfile, NewTagset, ProfileService, ProfileType, ProfileUpdate};
use alkemio_common::visual::VisualType;
use alkemio_contributor::UserService;
use alkemio_contributor::name_id;
use alkemio_kernel::ids::ActorId;
use alkemio_kernel::{AppError, AppResult, stored_enum};
use alkemio_library::LibraryService;
use alkemio_licensing::LicenseEntitlementType;
use alkemio_persistence::Database;
use alkemio_space::{Space, SpaceLevel, SpaceService, SpaceVisibility};
use chrono::{DateTime, SubsecRound, Utc};

use uuid::Uuid;

/// Model types.
pub mod model {
    use super::*;

    stored_enum! {
        /// How a hub chooses its spaces.
        InnovationHubType {
            List => ("LIST", "list"),
            Visibility => ("VISIBILITY", "visibility"),
        }
    }

    pub use alkemio_library::SearchVisibility;

    /// An innovation hub.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct InnovationHub {
        /// Its id.
        pub id: Uuid,
        /// Its URL slug (unique among hubs).
        pub name_id: String,
        /// Its subdomain (unique).
        pub subdomain: String,
        /// How it chooses spaces.
        pub hub_type: InnovationHubType,
        /// The visibility shown (VISIBILITY hubs).
        pub space_visibility_filter: Option<SpaceVisibility>,
        /// The spaces shown, in order (LIST hubs; absent until set).
        pub space_list_filter: Option<Vec<Uuid>>,
        /// The innovation packs curated, in order (absent until set).
        pub pack_list_filter: Option<Vec<Uuid>>,
        /// The virtual contributors curated, in order (absent until set).
        pub vc_list_filter: Option<Vec<Uuid>>,
        /// Whether it is offered in the platform's store.
        pub listed_in_store: bool,
        /// Where it shows up in listings.
        pub search_visibility: SearchVisibility,
        /// The account running it.
        pub account_id: Option<ActorId>,
        /// Its profile.
        pub profile_id: Option<Uuid>,
        /// Its policy.
        pub authorization_id: Option<Uuid>,
        /// When it was created.
        pub created_date: DateTime<Utc>,
        /// When it last changed.
        pub updated_date: DateTime<Utc>,
    }
}

pub use model::{InnovationHub, InnovationHubType, SearchVisibility};

/// A hub's policy: the account's cascading rules; everyone reads it; platform admins, support
/// and license managers manage it.
pub fn apply_hub_policy(policy: &mut AuthorizationPolicy, account: &AuthorizationPolicy) {
    policy.inherit_from(account);
    policy.add_credential_rules([
        CredentialRule::new(
            "credentialRule-innovationHubRead",
            vec![
                Credential::global(C::GlobalAnonymous),
                Credential::global(C::GlobalRegistered),
            ],
            &[P::Read],
        ),
        CredentialRule::new(
            "credentialRuleTypes-platformInnovationHubs",
            vec![
                Credential::global(C::GlobalAdmin),
                Credential::global(C::GlobalSupport),
                Credential::global(C::GlobalLicenseManager),
            ],
            &[P::Create, P::Read, P::Update, P::Delete],
        ),
    ]);
}

/// A new hub as asked for.
#[derive(Debug, Clone)]
pub struct NewHub {
    /// The account running it.
    pub account: ActorId,
    /// Its URL slug (generated from the display name when absent).
    pub name_id: Option<String>,
    /// Its subdomain.
    pub subdomain: String,
    /// How it chooses spaces.
    pub hub_type: InnovationHubType,
    /// Spaces shown (LIST).
    pub space_list_filter: Option<Vec<Uuid>>,
    /// Visibility shown (VISIBILITY).
    pub space_visibility_filter: Option<SpaceVisibility>,
    /// Innovation packs curated.
    pub pack_list_filter: Option<Vec<Uuid>>,
    /// Virtual contributors curated (none exist on this platform yet).
    pub vc_list_filter: Option<Vec<Uuid>>,
    /// Its profile.
    pub profile: NewProfile,
}

/// Changes to a hub.
#[derive(Debug, Clone, Default)]
pub struct HubUpdate {
    /// New URL slug.
    pub name_id: Option<String>,
    /// Profile changes.
    pub profile: Option<ProfileUpdate>,
    /// New space list (LIST hubs).
    pub space_list_filter: Option<Vec<Uuid>>,
    /// New visibility (VISIBILITY hubs).
    pub space_visibility_filter: Option<SpaceVisibility>,
    /// New curated packs.
    pub pack_list_filter: Option<Vec<Uuid>>,
    /// New curated virtual contributors.
    pub vc_list_filter: Option<Vec<Uuid>>,
    /// Store listing.
    pub listed_in_store: Option<bool>,
    /// Listing visibility.
    pub search_visibility: Option<SearchVisibility>,
}

fn valid_subdomain(s: &str) -> bool {
    let b = s.as_bytes();
    (1..=63).contains(&b.len())
        && b[0].is_ascii_lowercase()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && (b.len() == 1 || b[b.len() - 1] != b'-')
}

/// The subdomain a request came through, from the configured header's URL (the first label
/// after the scheme), unless it is a whitelisted platform subdomain.
pub fn subdomain_of(header: &str, whitelisted: &[String]) -> Option<String> {
    let rest = header
        .strip_prefix("https://")
        .or_else(|| header.strip_prefix("http://"))?;
    let host = rest.split(['/', ':']).next()?;
    let (label, domain) = host.split_once('.')?;
    // The root domain itself (`alkem.io`) names no hub: a hub is a label in front of it.
    if domain.len() < 3 || label.len() < 2 || !valid_subdomain(label) {
        return None;
    }
    if whitelisted.iter().any(|w| w == label) {
        return None;
    }
    Some(label.to_owned())
}

/// Innovation hubs.
#[derive(Debug, Clone)]
pub struct InnovationHubService {
    db: Database,
    users: UserService,
    spaces: SpaceService,
    library: LibraryService,
    virtual_contributors: alkemio_virtual_contributor::VirtualContributorService,
}

impl InnovationHubService {
    /// A service over accounts, spaces, the library and virtual contributors.
    pub fn new(
        db: Database,
        users: UserService,
        spaces: SpaceService,
        library: LibraryService,
        virtual_contributors: alkemio_virtual_contributor::VirtualContributorService,
    ) -> Self {
        Self {
            db,
            users,
            spaces,
            library,
            virtual_contributors,
        }
    }

    fn profiles(&self) -> &ProfileService {
        self.users.profiles()
    }

    /// A hub.
    pub async fn get(&self, id: Uuid) -> AppResult<InnovationHub> {
        repo::find(self.db.conn(), id).await?.ok_or_else(|| {
            AppError::not_found(format!("Unable to find InnovationHub with ID: {id}"))
        })
    }

    /// A hub by subdomain.
    pub async fn by_subdomain(&self, subdomain: &str) -> AppResult<Option<InnovationHub>> {
        repo::by_subdomain(self.db.conn(), subdomain).await
    }

    /// A hub by NameID.
    pub async fn by_name_id(&self, name_id: &str) -> AppResult<Option<InnovationHub>> {
        repo::by_name_id(self.db.conn(), name_id).await
    }

    /// The hub owning a profile.
    pub async fn by_profile(&self, profile: Uuid) -> AppResult<Option<InnovationHub>> {
        repo::by_profile(self.db.conn(), profile).await
    }

    /// The hubs the library lists: offered in the store and public.
    pub async fn listed(&self) -> AppResult<Vec<InnovationHub>> {
        repo::listed(self.db.conn()).await
    }

    /// The hubs of some accounts.
    pub async fn of_accounts(&self, accounts: &[Uuid]) -> AppResult<Vec<InnovationHub>> {
        repo::of_accounts(self.db.conn(), accounts).await
    }

    /// Recomputes and stores the policies of an account's hubs and their profiles from the
    /// account's policy (an account's authorization reset).
    pub async fn reset_authorization_of_account(
        &self,
        account: ActorId,
        account_policy: &AuthorizationPolicy,
    ) -> AppResult<usize> {
        let txn = self.db.begin().await?;
        let hubs = repo::of_accounts(&txn, &[account.0]).await?;
        let mut all = Vec::new();
        for hub in &hubs {
            all.extend(self.hub_policies_in(&txn, hub, account_policy).await?);
        }
        auth_repo::save_all(&txn, &all).await?;
        txn.commit().await?;
        Ok(hubs.len())
    }

    /// The recomputed policies of a hub and its profile under its account's policy.
    async fn hub_policies_in(
        &self,
        conn: &impl sea_orm::ConnectionTrait,
        hub: &InnovationHub,
        account_policy: &AuthorizationPolicy,
    ) -> AppResult<Vec<AuthorizationPolicy>> {
        let mut policy = auth_repo::load_or_new(
            conn,
            hub.authorization_id,
            AuthorizationPolicyType::InnovationHub,
        )
        .await?;
        apply_hub_policy(&mut policy, account_policy);
        let mut out = Vec::new();
        if let Some(profile) = hub.profile_id {
            out.extend(
                self.profiles()
                    .recompute_policies(conn, profile, &policy)
                    .await?,
            );
        }
        out.push(policy);
        Ok(out)
    }

    /// `transferInnovationHubToAccount`: needs TRANSFER_RESOURCE_OFFER on the hub's account and
    /// TRANSFER_RESOURCE_ACCEPT on the target account; its policies follow the new account.
    pub async fn transfer(
        &self,
        caller: &ActorContext,
        id: Uuid,
        target: ActorId,
    ) -> AppResult<InnovationHub> {
        let mut hub = self.get(id).await?;
        let source = hub.account_id.ok_or_else(|| {
            AppError::not_found(format!("Unable to find Account on Innovation Hub: {id}"))
        })?;
        let source = self.users.account_or_fail(source).await?;
        let target = self.users.account_or_fail(target).await?;
        let target_policy = alkemio_contributor::account::require_transfer(
            self.db.conn(),
            caller,
            &source,
            &target,
            "Innovation Hub",
        )
        .await?;
        hub.account_id = Some(target.id);
        hub.updated_date = Utc::now().trunc_subsecs(6);
        let txn = self.db.begin().await?;
        repo::update(&txn, &hub).await?;
        // only this hub's policies follow, in the same transaction
        let policies = self.hub_policies_in(&txn, &hub, &target_policy).await?;
        auth_repo::save_all(&txn, &policies).await?;
        txn.commit().await?;
        self.get(id).await
    }

    /// Whether the caller holds `privilege` on the hub.
    pub async fn can(&self, caller: &ActorContext, hub: &InnovationHub, privilege: P) -> bool {
        auth_repo::require(
            self.db.conn(),
            caller,
            hub.authorization_id,
            privilege,
            "check",
        )
        .await
        .is_ok()
    }

    async fn check_spaces(&self, ids: &[Uuid]) -> AppResult<()> {
        let found = self.spaces.many(ids).await?;
        let missing: Vec<String> = ids
            .iter()
            .filter(|id| !found.iter().any(|s| s.id.0 == **id))
            .map(Uuid::to_string)
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(AppError::bad_input(format!(
                "Spaces with the following identifiers not found: '{}'",
                missing.join(",")
            )))
        }
    }

    async fn check_curated(
        &self,
        packs: Option<&Vec<Uuid>>,
        vcs: Option<&Vec<Uuid>>,
    ) -> AppResult<()> {
        if let Some(packs) = packs {
            self.library.check_known(packs).await?;
        }
        if let Some(vcs) = vcs {
            self.virtual_contributors.check_known(vcs).await?;
        }
        Ok(())
    }

    /// `createInnovationHub`: needs CREATE_INNOVATION_HUB on the account and, unless the
    /// caller is a platform admin there, a free hub in the account's license.
    pub async fn create(&self, caller: &ActorContext, new: NewHub) -> AppResult<InnovationHub> {
        let account = self.users.account_or_fail(new.account).await?;
        let conn = self.db.conn();
        let used = repo::of_accounts(conn, &[account.id.0]).await?.len();
        let account_policy = alkemio_contributor::account::require_to_create_on(
            conn,
            caller,
            &account,
            P::CreateInnovationHub,
            LicenseEntitlementType::AccountInnovationHub,
            used,
        )
        .await?;
        match new.hub_type {
            InnovationHubType::List => {
                if new.space_visibility_filter.is_some() {
                    return Err(AppError::bad_input(
                        "Visibility filter not applicable for Innovation Hub of type 'list'",
                    ));
                }
                if let Some(list) = &new.space_list_filter {
                    self.check_spaces(list).await?;
                }
            }
            InnovationHubType::Visibility => {
                if new.space_visibility_filter.is_none() {
                    return Err(AppError::bad_input(
                        "A visibility needs to be provided for Innovation Hub of type 'visibility'",
                    ));
                }
                if new
                    .space_list_filter
                    .as_ref()
                    .is_some_and(|l| !l.is_empty())
                {
                    return Err(AppError::bad_input(
                        "List of Spaces not applicable for Innovation Hub of type 'visibility'",
                    ));
                }
            }
        }
        self.check_curated(new.pack_list_filter.as_ref(), new.vc_list_filter.as_ref())
            .await?;
        let subdomain = new.subdomain.trim().to_owned();
        if !valid_subdomain(&subdomain) {
            return Err(AppError::bad_input(format!(
                "Not a valid subdomain (lower-case letters, digits and hyphens, starting with a letter): {subdomain}"
            )));
        }
        if repo::by_subdomain(conn, &subdomain).await?.is_some() {
            return Err(AppError::bad_input(format!(
                "Unable to create Innovation Hub: the provided subdomain is already taken: {subdomain}"
            )));
        }
        let name_id = match new.name_id {
            Some(n) => {
                if repo::by_name_id(conn, &n).await?.is_some() {
                    return Err(AppError::bad_input(format!(
                        "Unable to create Innovation Hub: the provided nameID is already taken: {n}"
                    )));
                }
                n
            }
            None => {
                let prefix = name_id::generate(&new.profile.display_name);
                let taken = repo::name_ids_with_prefix(conn, &prefix).await?;
                name_id::generate_unique(&new.profile.display_name, |n| {
                    taken.iter().any(|t| t == n)
                })
            }
        };
        let mut policy = auth_repo::new_policy(AuthorizationPolicyType::InnovationHub);
        apply_hub_policy(&mut policy, &account_policy);
        let mut profile = new.profile;
        if !profile.visuals.contains(&VisualType::BannerWide) {
            profile.visuals.push(VisualType::BannerWide);
        }
        if !profile.tagsets.iter().any(|t| t.name == "default") {
            profile.tagsets.insert(
                0,
                NewTagset {
                    name: "default".to_owned(),
                    tags: Vec::new(),
                },
            );
        }
        let bundle = self.profiles().build(
            profile,
            ProfileType::InnovationHub,
            &policy,
            account.storage_aggregator_id,
        )?;
        let now = Utc::now().trunc_subsecs(6);
        let hub = InnovationHub {
            id: Uuid::now_v7(),
            name_id,
            subdomain,
            hub_type: new.hub_type,
            space_visibility_filter: new.space_visibility_filter,
            space_list_filter: new.space_list_filter,
            pack_list_filter: new.pack_list_filter,
            vc_list_filter: new.vc_list_filter,
            listed_in_store: true,
            search_visibility: SearchVisibility::Account,
            account_id: Some(account.id),
            profile_id: Some(bundle.profile.id),
            authorization_id: Some(policy.id),
            created_date: now,
            updated_date: now,
        };
        let txn = self.db.begin().await?;
        self.profiles().insert_in(&txn, &bundle).await?;
        repo::insert(&txn, &hub).await?;
        auth_repo::save_all(&txn, &[policy]).await?;
        txn.commit().await?;
        tracing::info!(hub.id = %hub.id, hub.subdomain = %hub.subdomain, "innovation hub created");
        Ok(hub)
    }

    /// `updateInnovationHub`: needs UPDATE on the hub. The subdomain and type stay.
    pub async fn update(
        &self,
        caller: &ActorContext,
        id: Uuid,
        change: HubUpdate,
    ) -> AppResult<InnovationHub> {
        let mut hub = self.get(id).await?;
        auth_repo::require(
            self.db.conn(),
            caller,
            hub.authorization_id,
            P::Update,
            "update an innovation hub",
        )
        .await?;
        let conn = self.db.conn();
        if let Some(n) = change.name_id
            && n != hub.name_id
        {
            if repo::by_name_id(conn, &n).await?.is_some() {
                return Err(AppError::bad_input(format!(
                    "Unable to update Innovation Hub nameID: the provided nameID '{n}' is already taken"
                )));
            }
            hub.name_id = n;
        }
        if let Some(list) = change.space_list_filter {
            if hub.hub_type != InnovationHubType::List {
                return Err(AppError::bad_input(
                    "List of Spaces not applicable for Innovation Hub of type 'visibility'",
                ));
            }
            self.check_spaces(&list).await?;
            hub.space_list_filter = Some(list);
        }
        if let Some(v) = change.space_visibility_filter {
            if hub.hub_type != InnovationHubType::Visibility {
                return Err(AppError::bad_input(
                    "Visibility filter not applicable for Innovation Hub of type 'list'",
                ));
            }
            hub.space_visibility_filter = Some(v);
        }
        self.check_curated(
            change.pack_list_filter.as_ref(),
            change.vc_list_filter.as_ref(),
        )
        .await?;
        if let Some(packs) = change.pack_list_filter {
            hub.pack_list_filter = Some(packs);
        }
        if let Some(vcs) = change.vc_list_filter {
            hub.vc_list_filter = Some(vcs);
        }
        if let Some(l) = change.listed_in_store {
            hub.listed_in_store = l;
        }
        if let Some(s) = change.search_visibility {
            hub.search_visibility = s;
        }
        let prepared = match (change.profile, hub.profile_id) {
            (Some(p), Some(profile)) => Some(self.profiles().prepare_update(profile, p).await?),
            _ => None,
        };
        hub.updated_date = Utc::now().trunc_subsecs(6);
        let txn = self.db.begin().await?;
        repo::update(&txn, &hub).await?;
        if let Some(p) = &prepared {
            ProfileService::write_update(&txn, p).await?;
        }
        txn.commit().await?;
        Ok(hub)
    }

    /// `deleteInnovationHub`: needs DELETE on the hub; its profile goes with it.
    pub async fn delete(&self, caller: &ActorContext, id: Uuid) -> AppResult<InnovationHub> {
        let hub = self.get(id).await?;
        auth_repo::require(
            self.db.conn(),
            caller,
            hub.authorization_id,
            P::Delete,
            "delete an innovation hub",
        )
        .await?;
        let txn = self.db.begin().await?;
        let hashes = self.delete_in(&txn, &hub).await?;
        txn.commit().await?;
        self.profiles().storage().release_contents(&hashes).await?;
        Ok(hub)
    }

    /// Deletes a hub with its profile and the profile's files; returns the content hashes to
    /// release after the transaction commits.
    async fn delete_in(
        &self,
        conn: &impl sea_orm::ConnectionTrait,
        hub: &InnovationHub,
    ) -> AppResult<Vec<String>> {
        let mut policies: Vec<Uuid> = hub.authorization_id.into_iter().collect();
        let mut hashes = Vec::new();
        if let Some(profile) = hub.profile_id {
            let bucket = self.profiles().profile(profile).await?.storage_bucket_id;
            policies.extend(self.profiles().delete_in(conn, &[profile]).await?);
            if let Some(bucket) = bucket {
                let (p, h) = self
                    .profiles()
                    .storage()
                    .delete_buckets_in(conn, &[bucket])
                    .await?;
                policies.extend(p);
                hashes = h;
            }
        }
        repo::delete(conn, hub.id).await?;
        auth_repo::delete(conn, &policies).await?;
        Ok(hashes)
    }

    /// Deletes the hubs of a deleted account (after its owner was deleted).
    pub async fn delete_of_account(&self, account: ActorId) -> AppResult<()> {
        let txn = self.db.begin().await?;
        let mut hashes = Vec::new();
        for hub in repo::of_accounts(&txn, &[account.0]).await? {
            hashes.extend(self.delete_in(&txn, &hub).await?);
        }
        txn.commit().await?;
        self.profiles().storage().release_contents(&hashes).await
    }

    /// The hub's spaces: the listed ones in list order (any level), or every L0 space of the
    /// hub's visibility in creation order.
    pub async fn spaces(&self, hub: &InnovationHub) -> AppResult<Vec<Space>> {
        match hub.hub_type {
            InnovationHubType::List => {
                let ids = hub.space_list_filter.clone().unwrap_or_default();
                let found = self.spaces.many(&ids).await?;
                Ok(ids
                    .iter()
                    .filter_map(|id| found.iter().find(|s| s.id.0 == *id).cloned())
                    .collect())
            }
            InnovationHubType::Visibility => {
                let visibility = hub
                    .space_visibility_filter
                    .unwrap_or(SpaceVisibility::Active);
                let mut all = self.spaces.l0_list(&[visibility], None).await?;
                all.retain(|s| s.level == SpaceLevel::L0);
                Ok(all)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subdomains_are_dns_labels() {
        assert!(valid_subdomain("green-city"));
        assert!(valid_subdomain("a1"));
        assert!(!valid_subdomain("Green"));
        assert!(!valid_subdomain("1abc"));
        assert!(!valid_subdomain("abc-"));
        assert!(!valid_subdomain("a.b"));
        assert!(!valid_subdomain(&"a".repeat(64)));
    }

    #[test]
    fn the_hub_subdomain_comes_from_the_origin() {
        let white = vec!["identity".to_owned()];
        assert_eq!(
            subdomain_of("https://green.alkem.io", &white).as_deref(),
            Some("green")
        );
        assert_eq!(
            subdomain_of("http://green.localhost:3000/x", &white).as_deref(),
            Some("green")
        );
        assert_eq!(subdomain_of("https://identity.alkem.io", &white), None);
        assert_eq!(subdomain_of("https://alkem.io", &white), None);
        assert_eq!(subdomain_of("http://localhost:3000", &white), None);
        assert_eq!(subdomain_of("garbage", &white), None);
    }
}
