//! Profile use cases: creating a profile with its parts and storage, reading them in batches,
//! and the profile mutations with their privilege checks.

use std::collections::HashMap;

use alkemio_authorization::repo as auth_repo;
use alkemio_authorization::{
    ActorContext, AuthorizationPolicy, AuthorizationPolicyType, AuthorizationPrivilege,
    grant_access_or_fail,
};
use alkemio_kernel::{AppError, AppResult, ErrorStatus};
use alkemio_persistence::Database;
use alkemio_storage::{StorageBucket, StorageService, UploadedFile};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::authorization::{apply_part_policy, apply_profile_policy, apply_visual_policy};
use super::model::{
    Location, LocationInput, NewProfile, NewReference, Profile, ProfileType, Reference, Tagset,
    TagsetType, Visual,
};
use super::repo;
use crate::visual::VisualType;

/// A profile ready to be stored, with everything created with it.
#[derive(Debug, Clone)]
pub struct ProfileBundle {
    /// The profile.
    pub profile: Profile,
    /// Its location.
    pub location: Location,
    /// Its tagsets.
    pub tagsets: Vec<Tagset>,
    /// Its references.
    pub references: Vec<Reference>,
    /// Its visuals.
    pub visuals: Vec<Visual>,
    /// Its storage bucket.
    pub bucket: StorageBucket,
    /// The policies of all of the above.
    pub policies: Vec<AuthorizationPolicy>,
}

/// Changes to a profile's own fields (`updateProfile`); `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ProfileUpdate {
    /// New display name.
    pub display_name: Option<String>,
    /// New tagline.
    pub tagline: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New location fields.
    pub location: Option<LocationInput>,
    /// Reference changes.
    pub references: Vec<ReferenceUpdate>,
    /// Tagset changes.
    pub tagsets: Vec<TagsetUpdate>,
}

/// Changes to one reference; `None` leaves a field as it is.
#[derive(Debug, Clone)]
pub struct ReferenceUpdate {
    /// Which reference.
    pub id: Uuid,
    /// New name.
    pub name: Option<String>,
    /// New target.
    pub uri: Option<String>,
    /// New description.
    pub description: Option<String>,
}

/// New tags (and maybe name) for one tagset.
#[derive(Debug, Clone)]
pub struct TagsetUpdate {
    /// Which tagset.
    pub id: Uuid,
    /// New name.
    pub name: Option<String>,
    /// The tags.
    pub tags: Vec<String>,
}

/// Profile use cases.
#[derive(Debug, Clone)]
pub struct ProfileService {
    pub(super) db: Database,
    pub(super) storage: StorageService,
}

fn trimmed(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned())
}

fn check_display_name(name: &str) -> AppResult<()> {
    let len = name.trim().chars().count();
    if !(1..=512).contains(&len) {
        return Err(AppError::bad_input(
            "The display name must have between 1 and 512 characters",
        ));
    }
    Ok(())
}

/// Checks tags against a tagset's kind: a SELECT_ONE tagset takes exactly one tag and the
/// SELECT tagsets only their allowed values.
fn check_tags(tagset: &Tagset, tags: &[String]) -> AppResult<()> {
    match tagset.tagset_type {
        TagsetType::Freeform => Ok(()),
        kind => {
            if kind == TagsetType::SelectOne && tags.len() != 1 {
                return Err(AppError::bad_input(
                    "Tags array length should be exactly one",
                ));
            }
            match tags.iter().find(|t| !tagset.allowed_values.contains(t)) {
                Some(bad) => Err(AppError::bad_input(format!(
                    "Provided tag '{bad}' is not one of the allowed values: {}",
                    tagset.allowed_values.join(", ")
                ))),
                None => Ok(()),
            }
        }
    }
}

fn check_reference(name: &str, uri: &str, description: Option<&str>) -> AppResult<()> {
    let len = name.trim().chars().count();
    if !(3..=128).contains(&len) {
        return Err(AppError::bad_input(
            "A reference name must have between 3 and 128 characters",
        ));
    }
    if uri.chars().count() > 512 {
        return Err(AppError::bad_input(
            "A reference URI may have at most 512 characters",
        ));
    }
    if description.is_some_and(|d| d.chars().count() > 2048) {
        return Err(AppError::bad_input(
            "A reference description may have at most 2048 characters",
        ));
    }
    Ok(())
}

impl ProfileService {
    /// A service storing profile files through `storage`.
    pub fn new(db: Database, storage: StorageService) -> Self {
        Self { db, storage }
    }

    /// The storage service.
    pub fn storage(&self) -> &StorageService {
        &self.storage
    }

    /// Builds a profile of `kind` with its location, tagsets, references, visuals and bucket (in
    /// `aggregator`), their policies computed from `parent` (what the owner passes down).
    pub fn build(
        &self,
        new: NewProfile,
        kind: ProfileType,
        parent: &AuthorizationPolicy,
        aggregator: Option<Uuid>,
    ) -> AppResult<ProfileBundle> {
        check_display_name(&new.display_name)?;
        let now = repo::now();
        let mut policy = auth_repo::new_policy(AuthorizationPolicyType::Profile);
        apply_profile_policy(&mut policy, parent);
        let (bucket, bucket_policy) = self.storage.new_bucket(aggregator, &policy);
        let mut policies = vec![policy.clone(), bucket_policy];
        let mut part = |ty: AuthorizationPolicyType, visual: bool| {
            let mut p = auth_repo::new_policy(ty);
            if visual {
                apply_visual_policy(&mut p, &policy);
            } else {
                apply_part_policy(&mut p, &policy);
            }
            let id = p.id;
            policies.push(p);
            Some(id)
        };
        let id = Uuid::now_v7();
        let location = Location {
            id: Uuid::now_v7(),
            city: trimmed(new.location.city),
            country: trimmed(new.location.country),
            address_line1: trimmed(new.location.address_line1),
            address_line2: trimmed(new.location.address_line2),
            state_or_province: trimmed(new.location.state_or_province),
            postal_code: trimmed(new.location.postal_code),
            geo_location: Default::default(),
            created_date: now,
            updated_date: now,
        };
        let tagsets = new
            .tagsets
            .into_iter()
            .enumerate()
            .map(|(i, t)| Tagset {
                id: Uuid::now_v7(),
                name: t.name,
                tags: t.tags,
                tagset_type: TagsetType::Freeform,
                allowed_values: Vec::new(),
                sort_order: i32::try_from(i).unwrap_or(i32::MAX),
                profile_id: Some(id),
                authorization_id: part(AuthorizationPolicyType::Tagset, false),
                created_date: now,
                updated_date: now,
            })
            .collect();
        let mut references = Vec::new();
        for r in new.references {
            check_reference(&r.name, &r.uri, r.description.as_deref())?;
            references.push(Reference {
                id: Uuid::now_v7(),
                name: r.name.trim().to_owned(),
                uri: r.uri,
                description: r.description,
                profile_id: Some(id),
                authorization_id: part(AuthorizationPolicyType::Reference, false),
                created_date: now,
                updated_date: now,
            });
        }
        let uris = new.visual_uris;
        let visuals = new
            .visuals
            .into_iter()
            .map(|kind| {
                let c = kind.constraints();
                Visual {
                    id: Uuid::now_v7(),
                    name: kind,
                    uri: uris
                        .iter()
                        .find(|(k, _)| *k == kind)
                        .map(|(_, u)| u.clone())
                        .unwrap_or_default(),
                    min_width: c.min_width as i32,
                    max_width: c.max_width as i32,
                    min_height: c.min_height as i32,
                    max_height: c.max_height as i32,
                    aspect_ratio: c.aspect_ratio,
                    allowed_types: c.allowed_types,
                    alternative_text: None,
                    sort_order: None,
                    profile_id: Some(id),
                    media_gallery_id: None,
                    authorization_id: part(AuthorizationPolicyType::Visual, true),
                    created_date: now,
                    updated_date: now,
                }
            })
            .collect();
        let profile = Profile {
            id,
            display_name: new.display_name.trim().to_owned(),
            tagline: trimmed(new.tagline),
            description: new.description,
            profile_type: kind,
            authorization_id: Some(policy.id),
            location_id: Some(location.id),
            storage_bucket_id: Some(bucket.id),
            created_date: now,
            updated_date: now,
        };
        Ok(ProfileBundle {
            profile,
            location,
            tagsets,
            references,
            visuals,
            bucket,
            policies,
        })
    }

    /// What creating a copy of a profile needs: its names, description, location, tagsets,
    /// references and visuals with their images (the files stay where they are).
    pub async fn copy_of(&self, id: Uuid) -> AppResult<NewProfile> {
        let conn = self.db.conn();
        let profile = self.profile(id).await?;
        let location = match profile.location_id {
            Some(l) => repo::locations(conn, &[l]).await?.remove(&l),
            None => None,
        };
        let visuals = repo::visuals_of(conn, &[id]).await?;
        Ok(NewProfile {
            display_name: profile.display_name,
            tagline: profile.tagline,
            description: profile.description,
            location: location
                .map(|l| LocationInput {
                    city: l.city,
                    country: l.country,
                    address_line1: l.address_line1,
                    address_line2: l.address_line2,
                    state_or_province: l.state_or_province,
                    postal_code: l.postal_code,
                })
                .unwrap_or_default(),
            references: repo::references_of(conn, &[id])
                .await?
                .into_iter()
                .map(|r| NewReference {
                    name: r.name,
                    uri: r.uri,
                    description: r.description,
                })
                .collect(),
            tagsets: repo::tagsets_of(conn, &[id])
                .await?
                .into_iter()
                .map(|t| crate::profile::NewTagset {
                    name: t.name,
                    tags: t.tags,
                })
                .collect(),
            visuals: visuals.iter().map(|v| v.name).collect(),
            visual_uris: visuals
                .into_iter()
                .filter(|v| !v.uri.is_empty())
                .map(|v| (v.name, v.uri))
                .collect(),
        })
    }

    /// Stores a built profile inside the caller's transaction.
    pub async fn insert_in(&self, conn: &impl ConnectionTrait, b: &ProfileBundle) -> AppResult<()> {
        self.storage
            .insert_buckets_in(conn, std::slice::from_ref(&b.bucket))
            .await?;
        repo::insert(
            conn,
            &b.profile,
            &b.location,
            &b.tagsets,
            &b.references,
            &b.visuals,
        )
        .await?;
        auth_repo::save_all(conn, &b.policies).await
    }

    /// Deletes profiles with their parts inside the caller's transaction; returns the ids of
    /// their policies, for the caller to delete with the rest.
    pub async fn delete_in(
        &self,
        conn: &impl ConnectionTrait,
        ids: &[Uuid],
    ) -> AppResult<Vec<Uuid>> {
        repo::delete_profiles(conn, ids).await
    }

    /// A profile.
    pub async fn profile(&self, id: Uuid) -> AppResult<Profile> {
        repo::profiles(self.db.conn(), &[id])
            .await?
            .remove(&id)
            .ok_or_else(|| AppError::not_found(format!("Profile with id({id}) not found!")))
    }

    /// The profile whose storage bucket this is, if a profile owns it.
    pub async fn profile_by_bucket(&self, bucket: Uuid) -> AppResult<Option<Profile>> {
        repo::profile_by_bucket(self.db.conn(), bucket).await
    }

    /// Deletes profiles with their parts and storage buckets inside the caller's transaction;
    /// returns the policies to delete and the content hashes to release (with
    /// `StorageService::release_contents`) once it committed.
    pub async fn delete_with_buckets_in(
        &self,
        conn: &impl ConnectionTrait,
        ids: &[Uuid],
    ) -> AppResult<(Vec<Uuid>, Vec<String>)> {
        let buckets: Vec<Uuid> = repo::profiles(conn, ids)
            .await?
            .values()
            .filter_map(|p| p.storage_bucket_id)
            .collect();
        let mut policies = self.delete_in(conn, ids).await?;
        let (bucket_policies, contents) = self.storage.delete_buckets_in(conn, &buckets).await?;
        policies.extend(bucket_policies);
        Ok((policies, contents))
    }

    /// Profiles by id (one query).
    pub async fn profiles(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Profile>> {
        repo::profiles(self.db.conn(), ids).await
    }

    /// Locations by id (one query).
    pub async fn locations(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Location>> {
        repo::locations(self.db.conn(), ids).await
    }

    /// The tagsets of profiles (one query).
    pub async fn tagsets_of(&self, profiles: &[Uuid]) -> AppResult<Vec<Tagset>> {
        repo::tagsets_of(self.db.conn(), profiles).await
    }

    /// The references of profiles (one query).
    pub async fn references_of(&self, profiles: &[Uuid]) -> AppResult<Vec<Reference>> {
        repo::references_of(self.db.conn(), profiles).await
    }

    /// The visuals of profiles (one query).
    pub async fn visuals_of(&self, profiles: &[Uuid]) -> AppResult<Vec<Visual>> {
        repo::visuals_of(self.db.conn(), profiles).await
    }

    /// Grants `privilege` on a stored policy or fails; returns the policy.
    pub(super) async fn require_policy(
        &self,
        caller: &ActorContext,
        policy: Option<Uuid>,
        privilege: AuthorizationPrivilege,
        action: &str,
    ) -> AppResult<AuthorizationPolicy> {
        let loaded = match policy {
            Some(id) => auth_repo::load(self.db.conn(), id).await?.map(|s| s.policy),
            None => None,
        };
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            loaded.as_ref(),
            privilege,
            action,
        )?;
        loaded.ok_or_else(|| AppError::internal_msg("granted without a policy"))
    }

    async fn require(
        &self,
        caller: &ActorContext,
        policy: Option<Uuid>,
        privilege: AuthorizationPrivilege,
        action: &str,
    ) -> AppResult<()> {
        let policy = match policy {
            Some(id) => auth_repo::load(self.db.conn(), id).await?.map(|s| s.policy),
            None => None,
        };
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            policy.as_ref(),
            privilege,
            action,
        )
    }

    /// `updateProfile`: needs UPDATE on the profile. References and tagsets named in the update
    /// must belong to it. All changes are written in one transaction.
    pub async fn update(
        &self,
        caller: &ActorContext,
        id: Uuid,
        update: ProfileUpdate,
    ) -> AppResult<Profile> {
        let profile = self.profile(id).await?;
        self.require(
            caller,
            profile.authorization_id,
            AuthorizationPrivilege::Update,
            "update a profile",
        )
        .await?;
        let prepared = self.prepare_update(id, update).await?;
        let txn = self.db.begin().await?;
        Self::write_update(&txn, &prepared).await?;
        txn.commit().await?;
        self.profile(id).await
    }

    /// Reads and validates a profile update without writing; the caller's right to make it is
    /// checked by whoever owns the profile. [`Self::write_update`] then stores it in the
    /// caller's transaction.
    pub async fn prepare_update(
        &self,
        id: Uuid,
        update: ProfileUpdate,
    ) -> AppResult<PreparedProfileUpdate> {
        let mut profile = self.profile(id).await?;
        if let Some(name) = &update.display_name {
            check_display_name(name)?;
            profile.display_name = name.trim().to_owned();
        }
        if update.tagline.is_some() {
            profile.tagline = trimmed(update.tagline);
        }
        if update.description.is_some() {
            profile.description = update.description;
        }
        let mut references: HashMap<Uuid, Reference> = self
            .references_of(&[id])
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        let mut tagsets: HashMap<Uuid, Tagset> = self
            .tagsets_of(&[id])
            .await?
            .into_iter()
            .map(|t| (t.id, t))
            .collect();
        let mut changed_references = Vec::new();
        for ReferenceUpdate {
            id: rid,
            name,
            uri,
            description,
        } in update.references
        {
            let r = references.get_mut(&rid).ok_or_else(|| {
                AppError::not_found(format!("Unable to update reference with supplied ID: {rid} - no reference in parent entity."))
            })?;
            if let Some(name) = name {
                r.name = name;
            }
            if let Some(uri) = uri {
                r.uri = uri;
            }
            if description.is_some() {
                r.description = description;
            }
            check_reference(&r.name, &r.uri, r.description.as_deref())?;
            changed_references.push(r.clone());
        }
        let mut changed_tagsets = Vec::new();
        for TagsetUpdate {
            id: tid,
            name,
            tags,
        } in update.tagsets
        {
            let t = tagsets.get_mut(&tid).ok_or_else(|| {
                AppError::not_found(format!(
                    "Unable to update tagset with supplied ID: {tid} - no tagset in parent entity."
                ))
            })?;
            check_tags(t, &tags)?;
            if let Some(name) = name.filter(|n| !n.trim().is_empty()) {
                t.name = name;
            }
            t.tags = tags;
            changed_tagsets.push(t.clone());
        }
        let location = match (update.location, profile.location_id) {
            (Some(input), Some(lid)) => {
                let mut loc = self
                    .locations(&[lid])
                    .await?
                    .remove(&lid)
                    .unwrap_or_default();
                loc.id = lid;
                for (field, value) in [
                    (&mut loc.city, input.city),
                    (&mut loc.country, input.country),
                    (&mut loc.address_line1, input.address_line1),
                    (&mut loc.address_line2, input.address_line2),
                    (&mut loc.state_or_province, input.state_or_province),
                    (&mut loc.postal_code, input.postal_code),
                ] {
                    if let Some(v) = value {
                        if v.chars().count() > 128 {
                            return Err(AppError::bad_input(
                                "Location fields may have at most 128 characters",
                            ));
                        }
                        *field = Some(v.trim().to_owned());
                    }
                }
                Some(loc)
            }
            _ => None,
        };
        Ok(PreparedProfileUpdate {
            profile,
            references: changed_references,
            tagsets: changed_tagsets,
            location,
        })
    }

    /// Stores a prepared profile update.
    pub async fn write_update(
        conn: &impl ConnectionTrait,
        prepared: &PreparedProfileUpdate,
    ) -> AppResult<()> {
        repo::update_profile(conn, &prepared.profile).await?;
        for r in &prepared.references {
            repo::update_reference(conn, r).await?;
        }
        for t in &prepared.tagsets {
            repo::update_tagset(conn, t).await?;
        }
        if let Some(loc) = &prepared.location {
            repo::update_location(conn, loc).await?;
        }
        Ok(())
    }

    async fn profile_policy(&self, profile: &Profile) -> AppResult<AuthorizationPolicy> {
        let id = profile.authorization_id.ok_or_else(|| {
            AppError::internal_msg(format_args!("profile {} has no policy", profile.id))
        })?;
        Ok(auth_repo::load(self.db.conn(), id)
            .await?
            .ok_or_else(|| {
                AppError::internal_msg(format_args!(
                    "policy {id} of profile {} is missing",
                    profile.id
                ))
            })?
            .policy)
    }

    /// `createReferenceOnProfile`: needs CREATE on the profile; names are unique per profile.
    pub async fn create_reference(
        &self,
        caller: &ActorContext,
        profile_id: Uuid,
        new: NewReference,
    ) -> AppResult<Reference> {
        let profile = self.profile(profile_id).await?;
        self.require(
            caller,
            profile.authorization_id,
            AuthorizationPrivilege::Create,
            "add a reference",
        )
        .await?;
        check_reference(&new.name, &new.uri, new.description.as_deref())?;
        if self
            .references_of(&[profile_id])
            .await?
            .iter()
            .any(|r| r.name == new.name.trim())
        {
            return Err(AppError::bad_input(format!(
                "Reference with the provided name already exists: {}",
                new.name.trim()
            )));
        }
        let mut policy = auth_repo::new_policy(AuthorizationPolicyType::Reference);
        apply_part_policy(&mut policy, &self.profile_policy(&profile).await?);
        let now = repo::now();
        let reference = Reference {
            id: Uuid::now_v7(),
            name: new.name.trim().to_owned(),
            uri: new.uri,
            description: new.description,
            profile_id: Some(profile_id),
            authorization_id: Some(policy.id),
            created_date: now,
            updated_date: now,
        };
        let txn = self.db.begin().await?;
        auth_repo::save_all(&txn, std::slice::from_ref(&policy)).await?;
        repo::insert_reference(&txn, &reference).await?;
        txn.commit().await?;
        Ok(reference)
    }

    /// Empties a profile inside the caller's transaction: no display name, no description,
    /// no references (their policies go too).
    pub async fn erase_in(&self, conn: &impl ConnectionTrait, id: Uuid) -> AppResult<()> {
        let mut profile = self.profile(id).await?;
        profile.display_name = String::new();
        profile.description = Some(String::new());
        repo::update_profile(conn, &profile).await?;
        let references = self.references_of(&[id]).await?;
        let policies: Vec<Uuid> = references
            .iter()
            .filter_map(|r| r.authorization_id)
            .collect();
        for r in &references {
            repo::delete_reference(conn, r.id).await?;
        }
        auth_repo::delete(conn, &policies).await
    }

    async fn reference_or_fail(&self, id: Uuid) -> AppResult<Reference> {
        repo::find_reference(self.db.conn(), id)
            .await?
            .ok_or_else(|| {
                AppError::not_found(format!(
                    "Not able to locate reference with the specified ID: {id}"
                ))
            })
    }

    /// `updateReference`: needs UPDATE on the reference; a new name stays unique on its
    /// profile.
    pub async fn update_reference(
        &self,
        caller: &ActorContext,
        update: ReferenceUpdate,
    ) -> AppResult<Reference> {
        let mut reference = self.reference_or_fail(update.id).await?;
        self.require(
            caller,
            reference.authorization_id,
            AuthorizationPrivilege::Update,
            "update a reference",
        )
        .await?;
        if let Some(name) = update.name {
            let name = name.trim().to_owned();
            if name != reference.name
                && let Some(profile) = reference.profile_id
                && self
                    .references_of(&[profile])
                    .await?
                    .iter()
                    .any(|r| r.id != reference.id && r.name == name)
            {
                return Err(AppError::bad_input(format!(
                    "Reference with the provided name already exists: {name}"
                )));
            }
            reference.name = name;
        }
        if let Some(uri) = update.uri {
            reference.uri = uri;
        }
        if update.description.is_some() {
            reference.description = update.description;
        }
        check_reference(
            &reference.name,
            &reference.uri,
            reference.description.as_deref(),
        )?;
        reference.updated_date = repo::now();
        repo::update_reference(self.db.conn(), &reference).await?;
        Ok(reference)
    }

    /// `uploadFileOnReference`: needs UPDATE on the reference and FILE_UPLOAD on its profile's
    /// bucket; the file is stored there and the reference points at it.
    pub async fn upload_file_on_reference(
        &self,
        caller: &ActorContext,
        id: Uuid,
        file: UploadedFile,
    ) -> AppResult<Reference> {
        let mut reference = self.reference_or_fail(id).await?;
        self.require(
            caller,
            reference.authorization_id,
            AuthorizationPrivilege::Update,
            "upload a file on a reference",
        )
        .await?;
        let bucket_id = match reference.profile_id {
            Some(p) => self.profile(p).await?.storage_bucket_id,
            None => None,
        }
        .ok_or_else(|| {
            AppError::new(
                ErrorStatus::EntityNotInitialized,
                format!("Unable to find profile for Reference: {id}"),
            )
        })?;
        let document = self.storage.upload(caller, bucket_id, file, false).await?;
        reference.uri = self.storage.document_url(document.id);
        reference.updated_date = repo::now();
        repo::update_reference(self.db.conn(), &reference).await?;
        Ok(reference)
    }

    /// `updateTagset`: needs UPDATE on the tagset; tags of a SELECT tagset must be among its
    /// allowed values (exactly one for SELECT_ONE).
    pub async fn update_tagset(
        &self,
        caller: &ActorContext,
        update: TagsetUpdate,
    ) -> AppResult<Tagset> {
        let mut tagset = repo::find_tagset(self.db.conn(), update.id)
            .await?
            .ok_or_else(|| {
                AppError::not_found(format!(
                    "Not able to locate tagset with the specified ID: {}",
                    update.id
                ))
            })?;
        self.require(
            caller,
            tagset.authorization_id,
            AuthorizationPrivilege::Update,
            "update a tagset",
        )
        .await?;
        check_tags(&tagset, &update.tags)?;
        if let Some(name) = update.name.filter(|n| !n.trim().is_empty()) {
            tagset.name = name.trim().to_owned();
        }
        tagset.tags = update.tags;
        tagset.updated_date = repo::now();
        repo::update_tagset(self.db.conn(), &tagset).await?;
        Ok(tagset)
    }

    /// `deleteReference`: needs DELETE on the reference.
    pub async fn delete_reference(&self, caller: &ActorContext, id: Uuid) -> AppResult<Reference> {
        let reference = self.reference_or_fail(id).await?;
        self.require(
            caller,
            reference.authorization_id,
            AuthorizationPrivilege::Delete,
            "delete a reference",
        )
        .await?;
        let txn = self.db.begin().await?;
        repo::delete_reference(&txn, id).await?;
        if let Some(policy) = reference.authorization_id {
            auth_repo::delete(&txn, &[policy]).await?;
        }
        txn.commit().await?;
        Ok(reference)
    }

    /// `createTagsetOnProfile`: needs CREATE on the profile. Only free-form tagsets can be
    /// created; a tagset of the same name gets the new tags added instead.
    pub async fn create_tagset(
        &self,
        caller: &ActorContext,
        profile_id: Uuid,
        name: String,
        tags: Vec<String>,
        kind: Option<TagsetType>,
    ) -> AppResult<Tagset> {
        let profile = self.profile(profile_id).await?;
        self.require(
            caller,
            profile.authorization_id,
            AuthorizationPrivilege::Create,
            "add a tagset",
        )
        .await?;
        if kind.is_some_and(|k| k != TagsetType::Freeform) {
            return Err(AppError::new(
                ErrorStatus::NotSupported,
                "Creating tagsets other than FREEFORM is not supported",
            ));
        }
        let name = name.trim().to_owned();
        if name.is_empty() {
            return Err(AppError::bad_input("A tagset needs a name"));
        }
        let existing = self.tagsets_of(&[profile_id]).await?;
        if let Some(mut same) = existing.iter().find(|t| t.name == name).cloned() {
            for tag in tags {
                if !same.tags.contains(&tag) {
                    same.tags.push(tag);
                }
            }
            repo::update_tagset(self.db.conn(), &same).await?;
            return Ok(same);
        }
        let mut policy = auth_repo::new_policy(AuthorizationPolicyType::Tagset);
        apply_part_policy(&mut policy, &self.profile_policy(&profile).await?);
        let now = repo::now();
        let tagset = Tagset {
            id: Uuid::now_v7(),
            name,
            tags,
            tagset_type: TagsetType::Freeform,
            allowed_values: Vec::new(),
            sort_order: i32::try_from(existing.len()).unwrap_or(i32::MAX),
            profile_id: Some(profile_id),
            authorization_id: Some(policy.id),
            created_date: now,
            updated_date: now,
        };
        let txn = self.db.begin().await?;
        auth_repo::save_all(&txn, std::slice::from_ref(&policy)).await?;
        repo::insert_tagset(&txn, &tagset).await?;
        txn.commit().await?;
        Ok(tagset)
    }

    async fn visual(&self, id: Uuid) -> AppResult<Visual> {
        repo::find_visual(self.db.conn(), id).await?.ok_or_else(|| {
            AppError::not_found(format!(
                "Not able to locate visual with the specified ID: {id}"
            ))
        })
    }

    /// `updateVisual`: needs UPDATE on the visual.
    pub async fn update_visual(
        &self,
        caller: &ActorContext,
        id: Uuid,
        uri: String,
        alternative_text: Option<String>,
    ) -> AppResult<Visual> {
        let mut visual = self.visual(id).await?;
        self.require(
            caller,
            visual.authorization_id,
            AuthorizationPrivilege::Update,
            "update a visual",
        )
        .await?;
        if uri.chars().count() > 2048 {
            return Err(AppError::bad_input(
                "A visual URI may have at most 2048 characters",
            ));
        }
        if alternative_text
            .as_ref()
            .is_some_and(|t| t.chars().count() > 120)
        {
            return Err(AppError::bad_input(
                "Alternative text may have at most 120 characters",
            ));
        }
        visual.uri = uri;
        if alternative_text.is_some() {
            visual.alternative_text = alternative_text;
        }
        repo::update_visual(self.db.conn(), &visual).await?;
        Ok(visual)
    }

    /// `uploadImageOnVisual`: needs UPDATE on the visual and FILE_UPLOAD on the profile's
    /// bucket; the image must be of a type the visual accepts and within its size limits. The
    /// previous image is removed when nothing else uses it.
    pub async fn upload_image(
        &self,
        caller: &ActorContext,
        id: Uuid,
        file: UploadedFile,
        alternative_text: Option<String>,
    ) -> AppResult<Visual> {
        let mut visual = self.visual(id).await?;
        self.require(
            caller,
            visual.authorization_id,
            AuthorizationPrivilege::Update,
            "update a visual",
        )
        .await?;
        let bucket_id = match (visual.profile_id, visual.media_gallery_id) {
            (Some(profile_id), _) => self.profile(profile_id).await?.storage_bucket_id,
            (None, Some(gallery)) => self.gallery_or_fail(gallery).await?.storage_bucket_id,
            (None, None) => None,
        }
        .ok_or_else(|| {
            AppError::new(
                ErrorStatus::EntityNotInitialized,
                "The visual has no storage bucket",
            )
        })?;
        let bucket = self.storage.bucket(bucket_id).await?;
        let bucket_policy = match bucket.authorization_id {
            Some(pid) => auth_repo::load(self.db.conn(), pid)
                .await?
                .map(|s| s.policy),
            None => None,
        };
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            bucket_policy.as_ref(),
            AuthorizationPrivilege::FileUpload,
            "upload an image",
        )?;
        let mime = file.content_type.trim().to_ascii_lowercase();
        if !visual.allowed_types.contains(&mime)
            && !visual.name.constraints().allowed_types.contains(&mime)
        {
            return Err(AppError::bad_input(
                "Image upload type not in allowed mime types",
            ));
        }
        // videos (a gallery's) are not measured: the reference asks the file service for their
        // pixels and fails on every video
        if mime != "image/svg+xml" && !mime.starts_with("video/") {
            let size = imagesize::blob_size(&file.bytes).map_err(|_| {
                AppError::new(
                    ErrorStatus::StorageUploadFailed,
                    "The image could not be read",
                )
            })?;
            let (w, h) = (
                i32::try_from(size.width).unwrap_or(i32::MAX),
                i32::try_from(size.height).unwrap_or(i32::MAX),
            );
            if !(visual.min_width..=visual.max_width).contains(&w) {
                return Err(AppError::bad_input(format!(
                    "Upload image has a width resolution of '{w}' which is not in the allowed range of {} - {} pixels!",
                    visual.min_width, visual.max_width
                )));
            }
            if !(visual.min_height..=visual.max_height).contains(&h) {
                return Err(AppError::bad_input(format!(
                    "Upload image has a height resolution of '{h}' which is not in the allowed range of {} - {} pixels!",
                    visual.min_height, visual.max_height
                )));
            }
        }
        let previous = self.storage.document_id_of_url(&visual.uri);
        let document = self
            .storage
            .store(caller, &bucket, bucket_policy.as_ref(), file, false)
            .await?;
        visual.uri = self.storage.document_url(document.id);
        if alternative_text.is_some() {
            visual.alternative_text = alternative_text;
        }
        repo::update_visual(self.db.conn(), &visual).await?;
        if let Some(old) = previous.filter(|old| *old != document.id)
            && let Ok(old) = self.storage.document(old).await
        {
            self.storage.remove(&old).await?;
        }
        Ok(visual)
    }

    /// The visual of a type on a profile.
    pub fn visual_of_type(visuals: &[Visual], kind: VisualType) -> Option<&Visual> {
        visuals.iter().find(|v| v.name == kind)
    }
}

impl ProfileService {
    /// Recomputes the policies of a profile and everything under it (parts, bucket, documents)
    /// from the policy its owner passes down; returns them for the caller to save in bulk.
    pub async fn recompute_policies(
        &self,
        conn: &impl ConnectionTrait,
        profile_id: Uuid,
        parent: &AuthorizationPolicy,
    ) -> AppResult<Vec<AuthorizationPolicy>> {
        let Some(profile) = repo::profiles(conn, &[profile_id])
            .await?
            .remove(&profile_id)
        else {
            return Ok(Vec::new());
        };
        let tagsets = repo::tagsets_of(conn, &[profile_id]).await?;
        let references = repo::references_of(conn, &[profile_id]).await?;
        let visuals = repo::visuals_of(conn, &[profile_id]).await?;
        let ids: Vec<Uuid> = profile
            .authorization_id
            .into_iter()
            .chain(tagsets.iter().filter_map(|t| t.authorization_id))
            .chain(references.iter().filter_map(|r| r.authorization_id))
            .chain(visuals.iter().filter_map(|v| v.authorization_id))
            .collect();
        let stored = auth_repo::load_many(conn, &ids).await?;
        let load = |id: Option<Uuid>, ty: AuthorizationPolicyType| match id
            .and_then(|id| stored.get(&id))
        {
            Some(s) => s.policy.clone(),
            None => AuthorizationPolicy::new(id.unwrap_or_else(Uuid::now_v7), ty),
        };
        let mut policy = load(profile.authorization_id, AuthorizationPolicyType::Profile);
        apply_profile_policy(&mut policy, parent);
        let mut out = vec![policy.clone()];
        for t in &tagsets {
            let mut p = load(t.authorization_id, AuthorizationPolicyType::Tagset);
            apply_part_policy(&mut p, &policy);
            out.push(p);
        }
        for r in &references {
            let mut p = load(r.authorization_id, AuthorizationPolicyType::Reference);
            apply_part_policy(&mut p, &policy);
            out.push(p);
        }
        for v in &visuals {
            let mut p = load(v.authorization_id, AuthorizationPolicyType::Visual);
            apply_visual_policy(&mut p, &policy);
            out.push(p);
        }
        if let Some(bucket) = profile.storage_bucket_id {
            out.extend(
                self.storage
                    .recompute_bucket_policies(conn, bucket, &policy)
                    .await?,
            );
        }
        Ok(out)
    }
}

/// A validated profile update, ready to be written.
#[derive(Debug, Clone)]
pub struct PreparedProfileUpdate {
    profile: Profile,
    references: Vec<Reference>,
    tagsets: Vec<Tagset>,
    location: Option<Location>,
}
