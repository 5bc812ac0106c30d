//! Innovation pack and library use cases.

use std::collections::HashMap;

use alkemio_authorization::repo as auth_repo;
use alkemio_authorization::{
    ActorContext, AuthorizationPolicy, AuthorizationPolicyType, AuthorizationPrivilege as P,
    Credential, CredentialRule, CredentialType as C,
};
use alkemio_common::profile::{NewProfile, NewTagset, ProfileService, ProfileType, ProfileUpdate};
use alkemio_common::visual::VisualType;
use alkemio_contributor::{UserService, name_id};
use alkemio_kernel::ids::ActorId;
use alkemio_kernel::{AppError, AppResult};
use alkemio_licensing::LicenseEntitlementType;
use alkemio_persistence::Database;
use alkemio_template::TemplateService;
use chrono::{SubsecRound, Utc};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::model::{InnovationPack, Library, SearchVisibility};
use crate::repo;

/// A pack's policy: its account's cascading rules, and full control for the account's admins.
pub fn apply_pack_policy(
    policy: &mut AuthorizationPolicy,
    account: &AuthorizationPolicy,
    id: ActorId,
) {
    policy.inherit_from(account);
    policy.add_credential_rules([CredentialRule::new(
        "credentialRuleTypes-accountChildEntities",
        vec![Credential::new(C::AccountAdmin, id)],
        &[P::Create, P::Read, P::Update, P::Delete, P::Grant],
    )]);
}

/// The library's policy: the platform's cascading rules, and everyone reads it.
pub fn apply_library_policy(policy: &mut AuthorizationPolicy, platform: &AuthorizationPolicy) {
    policy.inherit_from(platform);
    policy.add_credential_rules([CredentialRule::new(
        "Anonymous agent granted 'read' anonymous registered access",
        vec![
            Credential::global(C::GlobalAnonymous),
            Credential::global(C::GlobalRegistered),
        ],
        &[P::Read],
    )]);
}

/// A new pack as asked for.
#[derive(Debug, Clone)]
pub struct NewPack {
    /// The account publishing it.
    pub account: ActorId,
    /// Its URL slug (generated from the display name when absent).
    pub name_id: Option<String>,
    /// Its profile.
    pub profile: NewProfile,
    /// Tags for its default tagset.
    pub tags: Vec<String>,
}

/// Changes to a pack; `None` leaves a part as it is.
#[derive(Debug, Clone, Default)]
pub struct PackUpdate {
    /// New URL slug.
    pub name_id: Option<String>,
    /// Profile changes.
    pub profile: Option<ProfileUpdate>,
    /// Store listing.
    pub listed_in_store: Option<bool>,
    /// Listing visibility.
    pub search_visibility: Option<SearchVisibility>,
}

fn now() -> chrono::DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Innovation packs and the library.
#[derive(Debug, Clone)]
pub struct LibraryService {
    db: Database,
    users: UserService,
    templates: TemplateService,
}

impl LibraryService {
    /// A service over accounts and templates.
    pub fn new(db: Database, users: UserService, templates: TemplateService) -> Self {
        Self {
            db,
            users,
            templates,
        }
    }

    fn profiles(&self) -> &ProfileService {
        self.users.profiles()
    }

    // ---- reads ----

    /// A pack, or ENTITY_NOT_FOUND.
    pub async fn get(&self, id: Uuid) -> AppResult<InnovationPack> {
        repo::find_many(self.db.conn(), &[id])
            .await?
            .remove(&id)
            .ok_or_else(|| {
                AppError::not_found(format!("Unable to find InnovationPack with ID: {id}"))
            })
    }

    /// Packs by id.
    pub async fn many(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, InnovationPack>> {
        repo::find_many(self.db.conn(), ids).await
    }

    /// A pack by NameID.
    pub async fn by_name_id(&self, name_id: &str) -> AppResult<Option<InnovationPack>> {
        repo::by_name_id(self.db.conn(), name_id).await
    }

    /// The pack owning a profile.
    pub async fn by_profile(&self, profile: Uuid) -> AppResult<Option<InnovationPack>> {
        repo::by_profile(self.db.conn(), profile).await
    }

    /// The pack holding a templates set.
    pub async fn by_templates_set(&self, set: Uuid) -> AppResult<Option<InnovationPack>> {
        repo::by_templates_set(self.db.conn(), set).await
    }

    /// The packs holding some templates sets.
    pub async fn by_templates_sets(&self, sets: &[Uuid]) -> AppResult<Vec<InnovationPack>> {
        repo::by_templates_sets(self.db.conn(), sets).await
    }

    /// The packs of some accounts, oldest first.
    pub async fn of_accounts(&self, accounts: &[Uuid]) -> AppResult<Vec<InnovationPack>> {
        repo::of_accounts(self.db.conn(), accounts).await
    }

    /// The packs the library lists, newest first.
    pub async fn listed(&self) -> AppResult<Vec<InnovationPack>> {
        repo::listed(self.db.conn()).await
    }

    /// Every pack, oldest first.
    pub async fn all(&self) -> AppResult<Vec<InnovationPack>> {
        repo::all(self.db.conn()).await
    }

    /// How many templates each pack's set holds.
    pub async fn template_counts(&self, packs: &[InnovationPack]) -> AppResult<HashMap<Uuid, u64>> {
        let sets: Vec<Uuid> = packs.iter().filter_map(|p| p.templates_set_id).collect();
        let by_set = self.templates.count_templates_of_sets(&sets).await?;
        Ok(packs
            .iter()
            .map(|p| {
                let n = p
                    .templates_set_id
                    .and_then(|s| by_set.get(&s).copied())
                    .unwrap_or(0);
                (p.id, n)
            })
            .collect())
    }

    /// Whether the caller holds `privilege` on the pack.
    pub async fn can(&self, caller: &ActorContext, pack: &InnovationPack, privilege: P) -> bool {
        auth_repo::require(
            self.db.conn(),
            caller,
            pack.authorization_id,
            privilege,
            "check",
        )
        .await
        .is_ok()
    }

    /// Checks curated pack identifiers (an innovation hub's list): no duplicates, all known.
    pub async fn check_known(&self, ids: &[Uuid]) -> AppResult<()> {
        let mut seen = std::collections::HashSet::new();
        if ids.iter().any(|id| !seen.insert(*id)) {
            return Err(AppError::bad_input(
                "Duplicate Innovation Pack identifiers provided for the Innovation Hub curated list",
            ));
        }
        let found = self.many(ids).await?;
        if ids.iter().any(|id| !found.contains_key(id)) {
            return Err(AppError::bad_input(
                "Innovation Packs not found for identifiers provided for the Innovation Hub curated list",
            ));
        }
        Ok(())
    }

    // ---- mutations ----

    /// `createInnovationPack`: needs CREATE_INNOVATION_PACK on the account and, unless the
    /// caller is a platform admin there, a free pack in the account's license. A new pack is
    /// listed in the store but visible only on its account until made public.
    pub async fn create(&self, caller: &ActorContext, new: NewPack) -> AppResult<InnovationPack> {
        let account = self.users.account_or_fail(new.account).await?;
        let conn = self.db.conn();
        let used = repo::of_accounts(conn, &[account.id.0]).await?.len();
        let account_policy = alkemio_contributor::account::require_to_create_on(
            conn,
            caller,
            &account,
            P::CreateInnovationPack,
            LicenseEntitlementType::AccountInnovationPack,
            used,
        )
        .await?;
        let name_id = match new.name_id {
            Some(n) => {
                let n = n.to_lowercase();
                if repo::by_name_id(conn, &n).await?.is_some() {
                    return Err(AppError::bad_input(format!(
                        "InnovationPack: the provided nameID is already taken: {n}"
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
        let mut policy = auth_repo::new_policy(AuthorizationPolicyType::InnovationPack);
        apply_pack_policy(&mut policy, &account_policy, account.id);
        let mut profile = new.profile;
        profile.visuals = vec![VisualType::Avatar, VisualType::Card];
        match profile.tagsets.iter_mut().find(|t| t.name == "default") {
            Some(t) => {
                for tag in new.tags {
                    if !t.tags.contains(&tag) {
                        t.tags.push(tag);
                    }
                }
            }
            None => profile.tagsets.insert(
                0,
                NewTagset {
                    name: "default".to_owned(),
                    tags: new.tags,
                },
            ),
        }
        let bundle = self.profiles().build(
            profile,
            ProfileType::InnovationPack,
            &policy,
            account.storage_aggregator_id,
        )?;
        let (set, set_policy) = TemplateService::build_set(&policy);
        let at = now();
        let pack = InnovationPack {
            id: Uuid::now_v7(),
            name_id,
            listed_in_store: true,
            search_visibility: SearchVisibility::Account,
            account_id: Some(account.id),
            profile_id: Some(bundle.profile.id),
            templates_set_id: Some(set.id),
            authorization_id: Some(policy.id),
            created_date: at,
            updated_date: at,
        };
        let txn = self.db.begin().await?;
        self.profiles().insert_in(&txn, &bundle).await?;
        TemplateService::insert_set_in(&txn, &set).await?;
        repo::insert(&txn, &pack).await?;
        auth_repo::save_all(&txn, &[policy, set_policy]).await?;
        txn.commit().await?;
        tracing::info!(pack.id = %pack.id, pack.name_id = %pack.name_id, "innovation pack created");
        Ok(pack)
    }

    /// `updateInnovationPack`: needs UPDATE on the pack.
    pub async fn update(
        &self,
        caller: &ActorContext,
        id: Uuid,
        change: PackUpdate,
    ) -> AppResult<InnovationPack> {
        let mut pack = self.get(id).await?;
        auth_repo::require(
            self.db.conn(),
            caller,
            pack.authorization_id,
            P::Update,
            &format!("updateInnovationPack: {id}"),
        )
        .await?;
        let conn = self.db.conn();
        if let Some(n) = change.name_id
            && n != pack.name_id
        {
            if repo::by_name_id(conn, &n).await?.is_some() {
                return Err(AppError::bad_input(format!(
                    "Unable to update InnovationPack nameID: the provided nameID is already taken: {n}"
                )));
            }
            pack.name_id = n;
        }
        if let Some(l) = change.listed_in_store {
            pack.listed_in_store = l;
        }
        if let Some(s) = change.search_visibility {
            pack.search_visibility = s;
        }
        let prepared = match (change.profile, pack.profile_id) {
            (Some(p), Some(profile)) => Some(self.profiles().prepare_update(profile, p).await?),
            _ => None,
        };
        pack.updated_date = now();
        let txn = self.db.begin().await?;
        repo::update(&txn, &pack).await?;
        if let Some(p) = &prepared {
            ProfileService::write_update(&txn, p).await?;
        }
        txn.commit().await?;
        Ok(pack)
    }

    /// `deleteInnovationPack`: needs DELETE on the pack; its templates and profile go with it.
    pub async fn delete(&self, caller: &ActorContext, id: Uuid) -> AppResult<InnovationPack> {
        let pack = self.get(id).await?;
        auth_repo::require(
            self.db.conn(),
            caller,
            pack.authorization_id,
            P::Delete,
            &format!("deleteInnovationPack: {id}"),
        )
        .await?;
        let txn = self.db.begin().await?;
        let hashes = self.delete_in(&txn, &pack).await?;
        txn.commit().await?;
        self.profiles().storage().release_contents(&hashes).await?;
        Ok(pack)
    }

    async fn delete_in(
        &self,
        conn: &impl ConnectionTrait,
        pack: &InnovationPack,
    ) -> AppResult<Vec<String>> {
        let mut policies: Vec<Uuid> = pack.authorization_id.into_iter().collect();
        let mut hashes = Vec::new();
        if let Some(set) = pack.templates_set_id {
            let (p, h) = self.templates.delete_set_in(conn, set).await?;
            policies.extend(p);
            hashes.extend(h);
        }
        if let Some(profile) = pack.profile_id {
            let bucket = self.profiles().profile(profile).await?.storage_bucket_id;
            policies.extend(self.profiles().delete_in(conn, &[profile]).await?);
            if let Some(bucket) = bucket {
                let (p, h) = self
                    .profiles()
                    .storage()
                    .delete_buckets_in(conn, &[bucket])
                    .await?;
                policies.extend(p);
                hashes.extend(h);
            }
        }
        repo::delete(conn, pack.id).await?;
        auth_repo::delete(conn, &policies).await?;
        Ok(hashes)
    }

    /// Deletes the packs of a deleted account.
    pub async fn delete_of_account(&self, account: ActorId) -> AppResult<()> {
        let txn = self.db.begin().await?;
        let mut hashes = Vec::new();
        for pack in repo::of_accounts(&txn, &[account.0]).await? {
            hashes.extend(self.delete_in(&txn, &pack).await?);
        }
        txn.commit().await?;
        self.profiles().storage().release_contents(&hashes).await
    }

    /// `transferInnovationPackToAccount`: needs TRANSFER_RESOURCE_OFFER on the pack's account
    /// and TRANSFER_RESOURCE_ACCEPT on the target; the pack's policies then follow the target.
    pub async fn transfer(
        &self,
        caller: &ActorContext,
        id: Uuid,
        target: ActorId,
    ) -> AppResult<InnovationPack> {
        let mut pack = self.get(id).await?;
        let source = pack.account_id.ok_or_else(|| {
            AppError::not_found(format!("Unable to find Account on Innovation Pack: {id}"))
        })?;
        let source = self.users.account_or_fail(source).await?;
        let target = self.users.account_or_fail(target).await?;
        let target_policy = alkemio_contributor::account::require_transfer(
            self.db.conn(),
            caller,
            &source,
            &target,
            "Innovation Pack",
        )
        .await?;
        pack.account_id = Some(target.id);
        pack.updated_date = now();
        let txn = self.db.begin().await?;
        repo::update(&txn, &pack).await?;
        let policies = self
            .recompute_policies(&txn, &pack, &target_policy, target.id)
            .await?;
        auth_repo::save_all(&txn, &policies).await?;
        txn.commit().await?;
        Ok(pack)
    }

    /// Recomputes and stores the policies of an account's packs (with their profiles, sets and
    /// templates) from the account's policy (an account's authorization reset).
    pub async fn reset_authorization_of_account(
        &self,
        account: ActorId,
        account_policy: &AuthorizationPolicy,
    ) -> AppResult<usize> {
        let txn = self.db.begin().await?;
        let packs = repo::of_accounts(&txn, &[account.0]).await?;
        let mut all = Vec::new();
        for pack in &packs {
            all.extend(
                self.recompute_policies(&txn, pack, account_policy, account)
                    .await?,
            );
        }
        auth_repo::save_all(&txn, &all).await?;
        txn.commit().await?;
        Ok(packs.len())
    }

    /// The recomputed policies of a pack, its profile, its set and its templates.
    async fn recompute_policies(
        &self,
        conn: &impl ConnectionTrait,
        pack: &InnovationPack,
        account: &AuthorizationPolicy,
        account_id: ActorId,
    ) -> AppResult<Vec<AuthorizationPolicy>> {
        let mut policy = auth_repo::load_or_new(
            conn,
            pack.authorization_id,
            AuthorizationPolicyType::InnovationPack,
        )
        .await?;
        apply_pack_policy(&mut policy, account, account_id);
        let mut out = Vec::new();
        if let Some(profile) = pack.profile_id {
            out.extend(
                self.profiles()
                    .recompute_policies(conn, profile, &policy)
                    .await?,
            );
        }
        if let Some(set) = pack.templates_set_id {
            out.extend(
                self.templates
                    .recompute_set_policies(conn, set, &policy)
                    .await?,
            );
        }
        out.push(policy);
        Ok(out)
    }

    // ---- the library ----

    /// The library, made on first use of a platform (its policy then inherits `platform`'s);
    /// at every start its policy is recomputed from the platform's.
    pub async fn ensure_library(&self, platform: &AuthorizationPolicy) -> AppResult<Library> {
        let txn = self.db.begin().await?;
        let library = match repo::library(&txn).await? {
            Some(l) => l,
            None => {
                let at = now();
                let l = Library {
                    id: Uuid::now_v7(),
                    authorization_id: Some(Uuid::now_v7()),
                    created_date: at,
                    updated_date: at,
                };
                repo::insert_library(&txn, &l).await?;
                l
            }
        };
        let mut policy = auth_repo::load_or_new(
            &txn,
            library.authorization_id,
            AuthorizationPolicyType::Library,
        )
        .await?;
        apply_library_policy(&mut policy, platform);
        auth_repo::save_all(&txn, &[policy]).await?;
        txn.commit().await?;
        Ok(library)
    }

    /// The library.
    pub async fn library(&self) -> AppResult<Library> {
        repo::library(self.db.conn())
            .await?
            .ok_or_else(|| AppError::not_found("No Platform Library found!"))
    }
}
