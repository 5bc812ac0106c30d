//! Media galleries: visuals (images and videos) with a storage bucket of their own, held by a
//! callout framing of kind MEDIA_GALLERY. A gallery's policy inherits its holder's and lets its
//! creator update and delete it; its bucket follows it (UPDATE and CONTRIBUTE upload, DELETE
//! deletes files); a visual inherits it and lets contributors upload onto it.

use alkemio_authorization::repo as auth_repo;
use alkemio_authorization::{
    ActorContext, AuthorizationPolicy, AuthorizationPolicyType, AuthorizationPrivilege as P,
    Credential, CredentialRule, CredentialType, PrivilegeRule,
};
use alkemio_kernel::{AppError, AppResult};
use alkemio_storage::StorageBucket;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::model::{MediaGallery, Visual};
use super::repo;
use super::service::ProfileService;
use crate::visual::VisualType;

/// The video types a gallery's bucket takes besides the default ones.
pub const GALLERY_VIDEO_TYPES: [&str; 4] =
    ["video/mp4", "video/webm", "video/ogg", "video/quicktime"];

/// A gallery's policy from its holder's: its creator updates and deletes it.
pub fn apply_gallery_policy(
    policy: &mut AuthorizationPolicy,
    holder: &AuthorizationPolicy,
    created_by: Option<Uuid>,
) {
    policy.inherit_from(holder);
    if let Some(creator) = created_by {
        policy.add_credential_rules([CredentialRule::new(
            "media-gallery-creator",
            vec![Credential::new(CredentialType::UserSelfManagement, creator)],
            &[P::Update, P::Delete],
        )]);
    }
}

/// A gallery visual's policy: the gallery's cascading rules; contributors upload onto it.
pub fn apply_gallery_visual_policy(
    policy: &mut AuthorizationPolicy,
    gallery: &AuthorizationPolicy,
) {
    policy.inherit_from(gallery);
    policy.add_privilege_rules([PrivilegeRule::new(
        "media-gallery-visual-contribute",
        P::Contribute,
        &[P::Update],
    )]);
}

impl ProfileService {
    /// A new, empty gallery under `holder` with its bucket (in `aggregator`, taking images,
    /// documents and videos) and their policies; nothing is stored.
    pub fn build_gallery(
        &self,
        created_by: Option<Uuid>,
        aggregator: Option<Uuid>,
        holder: &AuthorizationPolicy,
    ) -> (MediaGallery, StorageBucket, Vec<AuthorizationPolicy>) {
        let now = repo::now();
        let mut policy = auth_repo::new_policy(AuthorizationPolicyType::MediaGallery);
        apply_gallery_policy(&mut policy, holder, created_by);
        let (mut bucket, bucket_policy) = self.storage.new_bucket(aggregator, &policy);
        bucket
            .allowed_mime_types
            .extend(GALLERY_VIDEO_TYPES.iter().map(|t| (*t).to_owned()));
        let gallery = MediaGallery {
            id: Uuid::now_v7(),
            created_by,
            storage_bucket_id: Some(bucket.id),
            authorization_id: Some(policy.id),
            created_date: now,
            updated_date: now,
        };
        (gallery, bucket, vec![policy, bucket_policy])
    }

    /// Stores a new gallery and its bucket inside the caller's transaction.
    pub async fn insert_gallery_in(
        &self,
        conn: &impl ConnectionTrait,
        gallery: &MediaGallery,
        bucket: &StorageBucket,
    ) -> AppResult<()> {
        self.storage
            .insert_buckets_in(conn, std::slice::from_ref(bucket))
            .await?;
        repo::insert_gallery(conn, gallery).await
    }

    /// Media galleries by id.
    pub async fn galleries(
        &self,
        ids: &[Uuid],
    ) -> AppResult<std::collections::HashMap<Uuid, MediaGallery>> {
        repo::galleries(self.db.conn(), ids).await
    }

    /// A gallery, or ENTITY_NOT_FOUND.
    pub async fn gallery_or_fail(&self, id: Uuid) -> AppResult<MediaGallery> {
        self.galleries(&[id])
            .await?
            .remove(&id)
            .ok_or_else(|| AppError::not_found(format!("Media gallery {id} not found")))
    }

    /// The visuals of galleries, by position.
    pub async fn gallery_visuals(&self, galleries: &[Uuid]) -> AppResult<Vec<Visual>> {
        repo::gallery_visuals(self.db.conn(), galleries).await
    }

    /// The visuals of galleries by gallery id, by position (one statement).
    pub async fn visuals_by_gallery(
        &self,
        galleries: &[Uuid],
    ) -> AppResult<std::collections::HashMap<Uuid, Vec<Visual>>> {
        let mut out: std::collections::HashMap<Uuid, Vec<Visual>> =
            galleries.iter().map(|g| (*g, Vec::new())).collect();
        for v in repo::gallery_visuals(self.db.conn(), galleries).await? {
            if let Some(g) = v.media_gallery_id {
                out.entry(g).or_default().push(v);
            }
        }
        Ok(out)
    }

    /// The recomputed policies of a gallery, its bucket with its documents, and its visuals.
    pub async fn recompute_gallery_policies(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
        holder: &AuthorizationPolicy,
    ) -> AppResult<Vec<AuthorizationPolicy>> {
        let Some(g) = repo::galleries(conn, &[id]).await?.remove(&id) else {
            return Ok(Vec::new());
        };
        let mut policy = auth_repo::load_or_new(
            conn,
            g.authorization_id,
            AuthorizationPolicyType::MediaGallery,
        )
        .await?;
        apply_gallery_policy(&mut policy, holder, g.created_by);
        let mut out = Vec::new();
        if let Some(bucket) = g.storage_bucket_id {
            out.extend(
                self.storage
                    .recompute_bucket_policies(conn, bucket, &policy)
                    .await?,
            );
        }
        for v in repo::gallery_visuals(conn, &[id]).await? {
            let mut vp =
                auth_repo::load_or_new(conn, v.authorization_id, AuthorizationPolicyType::Visual)
                    .await?;
            apply_gallery_visual_policy(&mut vp, &policy);
            out.push(vp);
        }
        out.push(policy);
        Ok(out)
    }

    /// Deletes galleries with their visuals, buckets and files' records inside the caller's
    /// transaction; returns the policy ids to delete.
    pub async fn delete_galleries_in(
        &self,
        conn: &impl ConnectionTrait,
        ids: &[Uuid],
    ) -> AppResult<Vec<Uuid>> {
        let (mut policies, buckets) = repo::delete_galleries(conn, ids).await?;
        let (bucket_policies, _) = self.storage.delete_buckets_in(conn, &buckets).await?;
        policies.extend(bucket_policies);
        Ok(policies)
    }

    /// `addVisualToMediaGallery`: needs UPDATE on the gallery; a gallery takes images and
    /// videos only (the reference takes any kind of visual); without a position the visual goes
    /// last.
    pub async fn add_gallery_visual(
        &self,
        caller: &ActorContext,
        gallery_id: Uuid,
        kind: VisualType,
        sort_order: Option<f64>,
    ) -> AppResult<Visual> {
        let gallery = self.gallery_or_fail(gallery_id).await?;
        let policy = self
            .require_policy(caller, gallery.authorization_id, P::Update, "add a visual")
            .await?;
        if !matches!(
            kind,
            VisualType::MediaGalleryImage | VisualType::MediaGalleryVideo
        ) {
            return Err(AppError::bad_input(format!(
                "A media gallery takes images and videos, not visuals of type {}",
                kind.as_str()
            )));
        }
        let existing = repo::gallery_visuals(self.db.conn(), &[gallery_id]).await?;
        #[allow(
            clippy::cast_possible_truncation,
            reason = "positions are small whole numbers"
        )]
        let order = match sort_order {
            Some(o) => o as i32,
            None => {
                existing
                    .iter()
                    .map(|v| v.sort_order.unwrap_or(0))
                    .max()
                    .unwrap_or(0)
                    + 1
            }
        };
        let c = kind.constraints();
        let now = repo::now();
        let mut vp = auth_repo::new_policy(AuthorizationPolicyType::Visual);
        apply_gallery_visual_policy(&mut vp, &policy);
        #[allow(
            clippy::cast_possible_truncation,
            reason = "constraints are whole pixels"
        )]
        let visual = Visual {
            id: Uuid::now_v7(),
            name: kind,
            uri: String::new(),
            min_width: c.min_width as i32,
            max_width: c.max_width as i32,
            min_height: c.min_height as i32,
            max_height: c.max_height as i32,
            aspect_ratio: c.aspect_ratio,
            allowed_types: c.allowed_types,
            alternative_text: None,
            sort_order: Some(order),
            profile_id: None,
            media_gallery_id: Some(gallery_id),
            authorization_id: Some(vp.id),
            created_date: now,
            updated_date: now,
        };
        let txn = self.db.begin().await?;
        repo::insert_visual(&txn, &visual).await?;
        auth_repo::save_all(&txn, std::slice::from_ref(&vp)).await?;
        txn.commit().await?;
        Ok(visual)
    }

    /// `deleteVisualFromMediaGallery`: needs UPDATE on the gallery; the visual must be one of
    /// its own.
    pub async fn delete_gallery_visual(
        &self,
        caller: &ActorContext,
        gallery_id: Uuid,
        visual_id: Uuid,
    ) -> AppResult<Visual> {
        let gallery = self.gallery_or_fail(gallery_id).await?;
        self.require_policy(
            caller,
            gallery.authorization_id,
            P::Update,
            "delete a visual",
        )
        .await?;
        let visual = repo::gallery_visuals(self.db.conn(), &[gallery_id])
            .await?
            .into_iter()
            .find(|v| v.id == visual_id)
            .ok_or_else(|| {
                AppError::not_found(format!(
                    "Visual {visual_id} not found in media gallery {gallery_id}"
                ))
            })?;
        let txn = self.db.begin().await?;
        repo::delete_visuals(&txn, &[visual.id]).await?;
        auth_repo::delete(
            &txn,
            &visual.authorization_id.into_iter().collect::<Vec<_>>(),
        )
        .await?;
        txn.commit().await?;
        Ok(visual)
    }
}
