//! GraphQL of the storage module: `StorageAggregator`, `StorageBucket`, `Document`, uploads and
//! deletion.

use alkemio_authorization::AuthorizationPrivilege;
use alkemio_contributor::UserService;
use alkemio_kernel::ids::UserId;
use alkemio_kernel::scalars::{DateTime, UuidScalar};
use alkemio_kernel::{AppError, AppResult};
use alkemio_storage::{MimeType, StorageAggregatorType, StorageService, model};
use async_graphql::{Context, InputObject, Object, Result, SimpleObject, Upload};
use uuid::Uuid;

use crate::authorization::Authorization;
use crate::context::{actor, data};
use crate::contributor::User;
use crate::profile::read_upload;

use crate::authorization::can;

async fn require_read(ctx: &Context<'_>, id: Option<Uuid>, what: &str) -> AppResult<()> {
    crate::authorization::require_on(ctx, id, AuthorizationPrivilege::Read, what).await
}

/// A storage aggregator.
#[derive(Debug, Clone)]
pub struct StorageAggregator(pub model::StorageAggregator);

/// What a storage aggregator belongs to.
#[derive(Debug, Clone, SimpleObject)]
pub struct StorageAggregatorParent {
    /// The owner's id.
    pub id: UuidScalar,
    /// The owner's name.
    pub display_name: String,
    /// The owner's page in the client.
    pub url: String,
    /// The space's level, when the owner is a space.
    pub level: Option<alkemio_space::SpaceLevel>,
}

#[Object(name = "StorageAggregator")]
impl StorageAggregator {
    /// The aggregator's id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }
    /// What it belongs to.
    async fn r#type(&self) -> Option<StorageAggregatorType> {
        Some(self.0.aggregator_type)
    }
    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        crate::authorization::authorization_of(ctx, self.0.authorization_id).await
    }
    /// The bucket for files stored on the aggregator itself (needs READ).
    async fn direct_storage_bucket(&self, ctx: &Context<'_>) -> Result<StorageBucket> {
        require_read(ctx, self.0.authorization_id, "read a storage aggregator").await?;
        let id = self
            .0
            .direct_bucket_id
            .ok_or_else(|| AppError::internal_msg("aggregator without a direct bucket"))?;
        Ok(StorageBucket(
            data::<StorageService>(ctx)?.bucket(id).await?,
        ))
    }
    /// Every bucket of the aggregator (needs READ).
    async fn storage_buckets(&self, ctx: &Context<'_>) -> Result<Vec<StorageBucket>> {
        require_read(ctx, self.0.authorization_id, "read a storage aggregator").await?;
        Ok(data::<StorageService>(ctx)?
            .buckets_of(self.0.id)
            .await?
            .into_iter()
            .map(StorageBucket)
            .collect())
    }
    /// What the aggregator belongs to, with its name and client URL (needs READ).
    async fn parent_entity(&self, ctx: &Context<'_>) -> Result<Option<StorageAggregatorParent>> {
        require_read(ctx, self.0.authorization_id, "read a storage aggregator").await?;
        let base = data::<crate::SchemaServices>(ctx)?.endpoint_cluster.clone();
        if self.0.aggregator_type == StorageAggregatorType::Platform {
            let platform = data::<alkemio_platform::PlatformService>(ctx)?.id().await?;
            return Ok(Some(StorageAggregatorParent {
                id: UuidScalar(platform.0),
                display_name: "platform".to_owned(),
                url: format!("{base}/home"),
                level: None,
            }));
        }
        let Some(owner) = data::<alkemio_contributor::ActorService>(ctx)?
            .actor_by_aggregator(self.0.id)
            .await?
        else {
            return Err(AppError::new(
                alkemio_kernel::ErrorStatus::NotSupported,
                format!(
                    "Storage aggregator {} has no parent this server knows",
                    self.0.id
                ),
            )
            .into());
        };
        let display_name = match owner.profile_id {
            Some(pid) => crate::loaders::loaded(
                data::<crate::loaders::Loaders>(ctx)?
                    .profiles
                    .load_one(pid)
                    .await,
            )?
            .map(|p| p.display_name)
            .unwrap_or_default(),
            None => String::new(),
        };
        use alkemio_contributor::ActorType as A;
        if owner.actor_type == A::Space {
            let loaders = data::<crate::loaders::Loaders>(ctx)?;
            let space = crate::loaders::loaded(loaders.spaces.load_one(owner.id.0).await)?
                .ok_or_else(|| {
                    AppError::internal_msg(format_args!("space {} missing", owner.id))
                })?;
            let path = crate::loaders::loaded(loaders.space_paths.load_one(owner.id.0).await)?
                .unwrap_or_default();
            return Ok(Some(StorageAggregatorParent {
                id: UuidScalar(owner.id.0),
                display_name,
                url: format!("{base}/{path}"),
                level: Some(space.level),
            }));
        }
        let (display_name, url) = match owner.actor_type {
            A::User => (display_name, format!("{base}/user/{}", owner.name_id)),
            A::Organization => (
                display_name,
                format!("{base}/organization/{}", owner.name_id),
            ),
            A::Account => ("account".to_owned(), format!("{base}/home")),
            other => {
                return Err(AppError::new(
                    alkemio_kernel::ErrorStatus::NotSupported,
                    format!("No parent entity for storage of a {}", other.as_str()),
                )
                .into());
            }
        };
        Ok(Some(StorageAggregatorParent {
            id: UuidScalar(owner.id.0),
            display_name,
            url,
            level: None,
        }))
    }
    /// The aggregators below this one (needs READ).
    async fn storage_aggregators(&self, ctx: &Context<'_>) -> Result<Vec<StorageAggregator>> {
        require_read(ctx, self.0.authorization_id, "read a storage aggregator").await?;
        Ok(data::<StorageService>(ctx)?
            .child_aggregators(self.0.id)
            .await?
            .into_iter()
            .map(StorageAggregator)
            .collect())
    }
    /// Bytes stored in its buckets (needs READ).
    async fn size(&self, ctx: &Context<'_>) -> Result<f64> {
        require_read(ctx, self.0.authorization_id, "read a storage aggregator").await?;
        let storage = data::<StorageService>(ctx)?;
        let ids: Vec<Uuid> = storage
            .buckets_of(self.0.id)
            .await?
            .iter()
            .map(|b| b.id)
            .collect();
        Ok(storage.size_of(&ids).await? as f64)
    }
    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }
    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }
}

/// A storage bucket.
#[derive(Debug, Clone)]
pub struct StorageBucket(pub model::StorageBucket);

/// What a storage bucket holds files for.
#[derive(Debug, Clone, async_graphql::SimpleObject)]
#[graphql(name = "StorageBucketParent")]
pub struct StorageBucketParent {
    /// The entity's id.
    pub id: UuidScalar,
    /// Its display name.
    pub display_name: String,
    /// The kind of profile it has.
    pub r#type: alkemio_common::profile::ProfileType,
    /// Its page.
    pub url: String,
}

#[Object(name = "StorageBucket")]
impl StorageBucket {
    /// The bucket's id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }
    /// The entity whose profile keeps its files here (null for an aggregator's own bucket).
    async fn parent_entity(&self, ctx: &Context<'_>) -> Result<Option<StorageBucketParent>> {
        let profiles = data::<alkemio_common::profile::ProfileService>(ctx)?;
        let Some(profile) = profiles.profile_by_bucket(self.0.id).await? else {
            return Ok(None);
        };
        let owner = match data::<alkemio_contributor::ActorService>(ctx)?
            .actor_id_by_profile(profile.id)
            .await?
        {
            Some(actor) => Some(actor.0),
            None => match profile.profile_type {
                alkemio_common::profile::ProfileType::InnovationHub => {
                    data::<alkemio_innovation_hub::InnovationHubService>(ctx)?
                        .by_profile(profile.id)
                        .await?
                        .map(|h| h.id)
                }
                alkemio_common::profile::ProfileType::InnovationPack => {
                    data::<alkemio_library::LibraryService>(ctx)?
                        .by_profile(profile.id)
                        .await?
                        .map(|p| p.id)
                }
                alkemio_common::profile::ProfileType::Template => {
                    data::<alkemio_space::SpaceService>(ctx)?
                        .templates()
                        .template_by_profile(profile.id)
                        .await?
                        .map(|t| t.id)
                }
                alkemio_common::profile::ProfileType::CommunityGuidelines => {
                    data::<alkemio_space::SpaceService>(ctx)?
                        .by_guidelines_profiles(&[profile.id])
                        .await?
                        .remove(&profile.id)
                }
                _ => None,
            },
        };
        let Some(id) = owner else {
            return Ok(None);
        };
        Ok(Some(StorageBucketParent {
            id: UuidScalar(id),
            display_name: profile.display_name.clone(),
            r#type: profile.profile_type,
            url: crate::profile::profile_url(ctx, &profile).await?,
        }))
    }
    /// MIME types it accepts.
    async fn allowed_mime_types(&self) -> &[String] {
        &self.0.allowed_mime_types
    }
    /// Largest file it accepts, in bytes.
    async fn max_file_size(&self) -> f64 {
        self.0.max_file_size as f64
    }
    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        crate::authorization::authorization_of(ctx, self.0.authorization_id).await
    }
    /// The documents the caller may read (needs READ on the bucket); with `IDs`, those, in
    /// that order.
    async fn documents(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "IDs")] ids: Option<Vec<UuidScalar>>,
        limit: Option<f64>,
    ) -> Result<Vec<Document>> {
        require_read(ctx, self.0.authorization_id, "read a storage bucket").await?;
        let all = data::<StorageService>(ctx)?.documents(self.0.id).await?;
        let mut readable = Vec::with_capacity(all.len());
        for d in all {
            if can(ctx, d.authorization_id, AuthorizationPrivilege::Read).await? {
                readable.push(d);
            }
        }
        let mut out = match ids {
            Some(ids) => {
                let mut picked = Vec::with_capacity(ids.len());
                for id in ids {
                    let d = readable
                        .iter()
                        .find(|d| d.id == id.0)
                        .cloned()
                        .ok_or_else(|| AppError::not_found(format!("Document {id} not found")))?;
                    picked.push(d);
                }
                picked
            }
            None => readable,
        };
        if let Some(limit) = limit.filter(|l| *l >= 0.0) {
            out.truncate(limit as usize);
        }
        Ok(out.into_iter().map(Document).collect())
    }
    /// One document the caller may read (needs READ on the bucket).
    async fn document(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<Document>> {
        require_read(ctx, self.0.authorization_id, "read a storage bucket").await?;
        let d = data::<StorageService>(ctx)?.document(id.0).await?;
        if d.bucket_id != self.0.id
            || !can(ctx, d.authorization_id, AuthorizationPrivilege::Read).await?
        {
            return Err(AppError::not_found(format!("Document {id} not found")).into());
        }
        Ok(Some(Document(d)))
    }
    /// Bytes stored in the bucket (needs READ).
    async fn size(&self, ctx: &Context<'_>) -> Result<f64> {
        require_read(ctx, self.0.authorization_id, "read a storage bucket").await?;
        Ok(data::<StorageService>(ctx)?.size_of(&[self.0.id]).await? as f64)
    }
    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }
    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }
}

/// An uploaded file.
#[derive(Debug, Clone)]
pub struct Document(pub model::Document);

#[Object(name = "Document")]
impl Document {
    /// The document's id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }
    /// Its tags, as its `default` tagset (kept with the document, under the document's
    /// policy; the id is derived from the document's).
    async fn tagset(&self) -> crate::profile::Tagset {
        crate::profile::Tagset(alkemio_common::profile::Tagset {
            id: Uuid::new_v5(&self.0.id, b"tagset"),
            name: "default".to_owned(),
            tags: self.0.tags.clone(),
            tagset_type: alkemio_common::profile::TagsetType::Freeform,
            allowed_values: Vec::new(),
            sort_order: 0,
            profile_id: None,
            authorization_id: self.0.authorization_id,
            created_date: self.0.created_date,
            updated_date: self.0.updated_date,
        })
    }
    /// The uploaded file's name.
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }
    /// Its type.
    async fn mime_type(&self) -> Result<MimeType> {
        Ok(MimeType::parse(&self.0.mime_type).ok_or_else(|| {
            AppError::internal_msg(format_args!(
                "document {} has type {}",
                self.0.id, self.0.mime_type
            ))
        })?)
    }
    /// Its size in bytes.
    async fn size(&self) -> f64 {
        self.0.size as f64
    }
    /// Whether it waits to be moved to its final bucket.
    async fn temporary_location(&self) -> bool {
        self.0.temporary_location
    }
    /// Where it can be downloaded.
    async fn url(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(data::<StorageService>(ctx)?.document_url(self.0.id))
    }
    /// Who uploaded it, when that is a user.
    async fn created_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        let Some(id) = self.0.created_by else {
            return Ok(None);
        };
        Ok(data::<UserService>(ctx)?.user(UserId(id)).await?.map(User))
    }
    /// When it was uploaded.
    async fn uploaded_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }
    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        crate::authorization::authorization_of(ctx, self.0.authorization_id).await
    }
    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }
    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }
}

/// Where to upload a file.
#[derive(Debug, InputObject)]
pub struct StorageBucketUploadFileInput {
    /// The bucket.
    pub storage_bucket_id: String,
    /// Whether the file waits to be moved to its final bucket.
    pub temporary_location: Option<bool>,
}

/// A document to delete.
#[derive(Debug, InputObject)]
pub struct DeleteDocumentInput {
    /// Which document.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
}

/// Changes to a document.
#[derive(Debug, InputObject)]
pub struct UpdateDocumentInput {
    /// Which document.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
    /// Its new name.
    pub display_name: Option<String>,
    /// Its tags (the document's tagset).
    pub tagset: Option<crate::profile::UpdateTagsetInput>,
}

/// The uploaded document.
#[derive(Debug, SimpleObject)]
pub struct StorageBucketUploadFileResult {
    /// Its id.
    pub id: UuidScalar,
    /// Where it can be downloaded.
    pub url: String,
}

/// Storage mutations.
#[derive(Debug, Default)]
pub struct StorageMutation;

#[Object]
impl StorageMutation {
    /// Uploads a file into a bucket (needs FILE_UPLOAD on it; the type and size must be allowed).
    async fn upload_file_on_storage_bucket(
        &self,
        ctx: &Context<'_>,
        file: Upload,
        upload_data: StorageBucketUploadFileInput,
    ) -> Result<StorageBucketUploadFileResult> {
        let bucket = Uuid::parse_str(upload_data.storage_bucket_id.trim()).map_err(|_| {
            AppError::bad_input(format!(
                "storageBucketId is not a valid id: {}",
                upload_data.storage_bucket_id
            ))
        })?;
        let file = read_upload(ctx, &file)?;
        let storage = data::<StorageService>(ctx)?;
        let doc = storage
            .upload(
                &actor(ctx),
                bucket,
                file,
                upload_data.temporary_location.unwrap_or(false),
            )
            .await?;
        Ok(StorageBucketUploadFileResult {
            id: UuidScalar(doc.id),
            url: storage.document_url(doc.id),
        })
    }

    /// Renames a document or replaces its tags (needs UPDATE on it).
    async fn update_document(
        &self,
        ctx: &Context<'_>,
        document_data: UpdateDocumentInput,
    ) -> Result<Document> {
        let id = document_data.id.0;
        let tags = match document_data.tagset {
            Some(t) if t.id.0 != Uuid::new_v5(&id, b"tagset") => {
                return Err(AppError::not_found(format!(
                    "Document {id} has no tagset with the ID {}",
                    t.id.0
                ))
                .into());
            }
            Some(t) => Some(t.tags),
            None => None,
        };
        Ok(Document(
            data::<StorageService>(ctx)?
                .update_document(&actor(ctx), id, document_data.display_name, tags)
                .await?,
        ))
    }

    /// Deletes a document (needs DELETE on it).
    async fn delete_document(
        &self,
        ctx: &Context<'_>,
        delete_data: DeleteDocumentInput,
    ) -> Result<Document> {
        Ok(Document(
            data::<StorageService>(ctx)?
                .delete_document(&actor(ctx), delete_data.id.0)
                .await?,
        ))
    }
}
