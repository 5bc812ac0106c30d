//! Storage use cases: creating aggregators and buckets with their policies, uploading,
//! deleting and serving documents.

use alkemio_authorization::repo::{self as auth_repo};
use alkemio_authorization::{
    ActorContext, ActorKind, AuthorizationPolicy, AuthorizationPolicyType, AuthorizationPrivilege,
    grant_access_or_fail,
};
use alkemio_kernel::{AppError, AppResult, ErrorStatus};
use alkemio_persistence::Database;
use chrono::{SubsecRound, Utc};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::authorization::{apply_aggregator_policy, apply_bucket_policy, apply_document_policy};
use crate::blob::BlobStore;
use crate::model::{
    DEFAULT_MAX_FILE_SIZE, Document, StorageAggregator, StorageAggregatorType, StorageBucket,
    content_matches, default_mime_types,
};
use crate::repo;

/// A file as uploaded.
#[derive(Debug, Clone)]
pub struct UploadedFile {
    /// Its name.
    pub filename: String,
    /// The declared MIME type.
    pub content_type: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// Storage use cases.
#[derive(Debug, Clone)]
pub struct StorageService {
    db: Database,
    blobs: BlobStore,
    endpoint_cluster: String,
    max_file_size: u64,
}

fn upload_failed(message: impl Into<String>) -> AppError {
    AppError::new(ErrorStatus::StorageUploadFailed, message)
}

impl StorageService {
    /// A service storing bytes in `blobs`, building URLs on `endpoint_cluster`, refusing files
    /// over `max_file_size` bytes.
    pub fn new(
        db: Database,
        blobs: BlobStore,
        endpoint_cluster: String,
        max_file_size: u64,
    ) -> Self {
        Self {
            db,
            blobs,
            endpoint_cluster,
            max_file_size,
        }
    }

    /// The absolute URL a document is served at.
    pub fn document_url(&self, id: Uuid) -> String {
        format!(
            "{}/api/private/rest/storage/document/{id}",
            self.endpoint_cluster
        )
    }

    /// The document id of a URL this server generated, if it is one.
    pub fn document_id_of_url(&self, url: &str) -> Option<Uuid> {
        let prefix = format!(
            "{}/api/private/rest/storage/document/",
            self.endpoint_cluster
        );
        url.strip_prefix(&prefix)
            .and_then(|rest| Uuid::parse_str(rest.trim_end_matches('/')).ok())
    }

    /// A new bucket with the default MIME types and size limit, and its policy computed from its
    /// owner's. Nothing is stored: pass both to [`StorageService::insert_in`] and the policy
    /// store.
    pub fn new_bucket(
        &self,
        aggregator: Option<Uuid>,
        owner_policy: &AuthorizationPolicy,
    ) -> (StorageBucket, AuthorizationPolicy) {
        let now = Utc::now().trunc_subsecs(6);
        let mut policy = auth_repo::new_policy(AuthorizationPolicyType::StorageBucket);
        apply_bucket_policy(&mut policy, owner_policy);
        let bucket = StorageBucket {
            id: Uuid::now_v7(),
            allowed_mime_types: default_mime_types(),
            max_file_size: DEFAULT_MAX_FILE_SIZE.min(self.max_file_size),
            aggregator_id: aggregator,
            authorization_id: Some(policy.id),
            created_date: now,
            updated_date: now,
        };
        (bucket, policy)
    }

    /// A new aggregator with its direct bucket, their policies computed from the owner's.
    pub fn new_aggregator(
        &self,
        kind: StorageAggregatorType,
        parent: Option<Uuid>,
        owner_policy: &AuthorizationPolicy,
    ) -> (StorageAggregator, StorageBucket, Vec<AuthorizationPolicy>) {
        let now = Utc::now().trunc_subsecs(6);
        let mut policy = auth_repo::new_policy(AuthorizationPolicyType::StorageAggregator);
        apply_aggregator_policy(&mut policy, owner_policy);
        let id = Uuid::now_v7();
        let (bucket, bucket_policy) = self.new_bucket(Some(id), &policy);
        let aggregator = StorageAggregator {
            id,
            aggregator_type: kind,
            authorization_id: Some(policy.id),
            parent_id: parent,
            direct_bucket_id: Some(bucket.id),
            created_date: now,
            updated_date: now,
        };
        (aggregator, bucket, vec![policy, bucket_policy])
    }

    /// Stores a new aggregator (and its direct bucket) inside the caller's transaction.
    pub async fn insert_aggregator_in(
        &self,
        conn: &impl ConnectionTrait,
        aggregator: &StorageAggregator,
        direct: &StorageBucket,
    ) -> AppResult<()> {
        repo::insert_aggregator(conn, aggregator).await?;
        repo::insert_buckets(conn, std::slice::from_ref(direct)).await
    }

    /// Stores new buckets inside the caller's transaction.
    pub async fn insert_buckets_in(
        &self,
        conn: &impl ConnectionTrait,
        buckets: &[StorageBucket],
    ) -> AppResult<()> {
        repo::insert_buckets(conn, buckets).await
    }

    /// An aggregator.
    pub async fn aggregator(&self, id: Uuid) -> AppResult<StorageAggregator> {
        repo::find_aggregator(self.db.conn(), id)
            .await?
            .ok_or_else(|| AppError::not_found(format!("Storage aggregator {id} not found")))
    }

    /// The aggregators below one.
    pub async fn child_aggregators(&self, id: Uuid) -> AppResult<Vec<StorageAggregator>> {
        repo::child_aggregators(self.db.conn(), id).await
    }

    /// A bucket.
    pub async fn bucket(&self, id: Uuid) -> AppResult<StorageBucket> {
        repo::find_bucket(self.db.conn(), id).await?.ok_or_else(|| {
            AppError::new(
                ErrorStatus::StorageBucketNotFound,
                format!("Storage bucket {id} not found"),
            )
        })
    }

    /// Buckets by id (one query).
    pub async fn buckets(&self, ids: &[Uuid]) -> AppResult<Vec<StorageBucket>> {
        repo::find_buckets(self.db.conn(), ids).await
    }

    /// The buckets of an aggregator.
    pub async fn buckets_of(&self, aggregator: Uuid) -> AppResult<Vec<StorageBucket>> {
        repo::buckets_of(self.db.conn(), aggregator).await
    }

    /// The documents of a bucket.
    pub async fn documents(&self, bucket: Uuid) -> AppResult<Vec<Document>> {
        repo::documents_of(self.db.conn(), bucket).await
    }

    /// A document.
    pub async fn document(&self, id: Uuid) -> AppResult<Document> {
        repo::find_document(self.db.conn(), id)
            .await?
            .ok_or_else(|| {
                AppError::not_found(format!(
                    "Not able to locate document with the specified ID: {id}"
                ))
            })
    }

    /// Total bytes stored in some buckets.
    pub async fn size_of(&self, buckets: &[Uuid]) -> AppResult<u64> {
        repo::total_size(self.db.conn(), buckets).await
    }

    async fn policy(&self, id: Option<Uuid>) -> AppResult<Option<AuthorizationPolicy>> {
        Ok(match id {
            Some(id) => auth_repo::load(self.db.conn(), id).await?.map(|s| s.policy),
            None => None,
        })
    }

    /// Checks a file against a bucket: declared type allowed, content agreeing with it, size
    /// within the bucket's and the server's limits. Nothing is stored when it fails.
    pub fn check_file(&self, bucket: &StorageBucket, file: &UploadedFile) -> AppResult<()> {
        let mime = file.content_type.trim().to_ascii_lowercase();
        if !bucket.allowed_mime_types.contains(&mime) {
            return Err(upload_failed(format!(
                "Files of type '{mime}' are not allowed in this storage bucket"
            )));
        }
        let limit = bucket.max_file_size.min(self.max_file_size);
        if file.bytes.len() as u64 > limit {
            return Err(upload_failed(format!(
                "File size ({}) exceeds the maximum of {limit} bytes",
                file.bytes.len()
            )));
        }
        if !content_matches(&mime, &file.bytes) {
            return Err(upload_failed(format!(
                "The file's content is not of its declared type '{mime}'"
            )));
        }
        Ok(())
    }

    /// A document holding `bytes` for a bucket being made with its owner (the bytes are stored
    /// now, under their content hash; the row and policy are the caller's to store after the
    /// bucket's). The file is checked against the bucket's types and size unless `placeholder`
    /// (an empty file of a known type, which an editor fills later).
    pub async fn stage_document(
        &self,
        bucket: &StorageBucket,
        bucket_policy: &AuthorizationPolicy,
        file: UploadedFile,
        created_by: Option<Uuid>,
        placeholder: bool,
    ) -> AppResult<(Document, AuthorizationPolicy)> {
        if !placeholder {
            self.check_file(bucket, &file)?;
        }
        let hash = crate::blob::content_hash(&file.bytes);
        self.blobs.put(&file.bytes).await?;
        let mut policy = auth_repo::new_policy(AuthorizationPolicyType::Document);
        apply_document_policy(&mut policy, bucket_policy, created_by);
        let now = Utc::now().trunc_subsecs(6);
        let name = file.filename.trim();
        let document = Document {
            id: Uuid::now_v7(),
            display_name: if name.is_empty() {
                "_unspecified_".to_owned()
            } else {
                name.chars().take(512).collect()
            },
            mime_type: file.content_type.trim().to_ascii_lowercase(),
            size: file.bytes.len() as u64,
            external_id: hash,
            created_by,
            temporary_location: false,
            bucket_id: bucket.id,
            tags: Vec::new(),
            authorization_id: Some(policy.id),
            created_date: now,
            updated_date: now,
        };
        Ok((document, policy))
    }

    /// Stores a staged document's row inside the caller's transaction.
    pub async fn insert_document_in(
        conn: &impl ConnectionTrait,
        document: &Document,
    ) -> AppResult<()> {
        repo::insert_document(conn, document).await
    }

    /// Uploads a file into a bucket (`uploadFileOnStorageBucket`): needs FILE_UPLOAD on the
    /// bucket. The same content uploaded twice into one bucket is one document.
    pub async fn upload(
        &self,
        caller: &ActorContext,
        bucket_id: Uuid,
        file: UploadedFile,
        temporary: bool,
    ) -> AppResult<Document> {
        let bucket = self.bucket(bucket_id).await?;
        let bucket_policy = self.policy(bucket.authorization_id).await?;
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            bucket_policy.as_ref(),
            AuthorizationPrivilege::FileUpload,
            "upload a file",
        )?;
        self.store(caller, &bucket, bucket_policy.as_ref(), file, temporary)
            .await
    }

    /// Stores a checked file as a document of `bucket` (the caller already holds the privilege
    /// the use case needs).
    pub async fn store(
        &self,
        caller: &ActorContext,
        bucket: &StorageBucket,
        bucket_policy: Option<&AuthorizationPolicy>,
        file: UploadedFile,
        temporary: bool,
    ) -> AppResult<Document> {
        self.check_file(bucket, &file)?;
        let hash = crate::blob::content_hash(&file.bytes);
        if let Some(existing) =
            repo::find_document_by_content(self.db.conn(), bucket.id, &hash).await?
        {
            return Ok(existing);
        }
        self.blobs.put(&file.bytes).await?;
        let created_by = match caller.kind {
            ActorKind::Authenticated { actor_id } => Some(actor_id),
            _ => None,
        };
        let mut policy = auth_repo::new_policy(AuthorizationPolicyType::Document);
        if let Some(bucket_policy) = bucket_policy {
            apply_document_policy(&mut policy, bucket_policy, created_by);
        }
        let now = Utc::now().trunc_subsecs(6);
        let name = file.filename.trim();
        let document = Document {
            id: Uuid::now_v7(),
            display_name: if name.is_empty() {
                "_unspecified_".to_owned()
            } else {
                name.chars().take(512).collect()
            },
            mime_type: file.content_type.trim().to_ascii_lowercase(),
            size: file.bytes.len() as u64,
            external_id: hash,
            created_by,
            temporary_location: temporary,
            bucket_id: bucket.id,
            tags: Vec::new(),
            authorization_id: Some(policy.id),
            created_date: now,
            updated_date: now,
        };
        let txn = self.db.begin().await?;
        auth_repo::save_all(&txn, std::slice::from_ref(&policy)).await?;
        repo::insert_document(&txn, &document).await?;
        txn.commit().await?;
        Ok(document)
    }

    /// Deletes a document (`deleteDocument`): needs DELETE on it. Its bytes go when no other
    /// document uses them.
    pub async fn delete_document(&self, caller: &ActorContext, id: Uuid) -> AppResult<Document> {
        let document = self.document(id).await?;
        let policy = self.policy(document.authorization_id).await?;
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            policy.as_ref(),
            AuthorizationPrivilege::Delete,
            "delete a document",
        )?;
        self.remove(&document).await?;
        Ok(document)
    }

    /// `updateDocument`: needs UPDATE on the document; renames it (a name of 1 to 512
    /// characters) and replaces its tags. The bytes are never touched.
    pub async fn update_document(
        &self,
        caller: &ActorContext,
        id: Uuid,
        display_name: Option<String>,
        tags: Option<Vec<String>>,
    ) -> AppResult<Document> {
        let mut document = self.document(id).await?;
        let policy = self.policy(document.authorization_id).await?;
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            policy.as_ref(),
            AuthorizationPrivilege::Update,
            "update a document",
        )?;
        if let Some(name) = display_name {
            let name = name.trim();
            if name.is_empty() || name.chars().count() > 512 {
                return Err(AppError::bad_input(
                    "A document name must have between 1 and 512 characters",
                ));
            }
            document.display_name = name.to_owned();
        }
        if let Some(tags) = tags {
            document.tags = tags;
        }
        document.updated_date = Utc::now().trunc_subsecs(6);
        repo::update_document(self.db.conn(), &document).await?;
        Ok(document)
    }

    /// Hangs an aggregator under another parent (its owner moved) inside the caller's
    /// transaction.
    pub async fn set_aggregator_parent_in(
        conn: &impl ConnectionTrait,
        id: Uuid,
        parent: Option<Uuid>,
    ) -> AppResult<()> {
        repo::set_aggregator_parent(conn, id, parent).await
    }

    /// Deletes storage aggregators with everything below them inside the caller's
    /// transaction; returns their policy ids and the content hashes to pass to
    /// [`Self::release_contents`] once the transaction has committed.
    pub async fn delete_aggregators_in(
        &self,
        conn: &impl ConnectionTrait,
        ids: &[Uuid],
    ) -> AppResult<(Vec<Uuid>, Vec<String>)> {
        repo::delete_aggregators(conn, ids).await
    }

    /// Deletes storage buckets with their documents inside the caller's transaction; returns
    /// their policy ids and the content hashes for [`Self::release_contents`].
    pub async fn delete_buckets_in(
        &self,
        conn: &impl ConnectionTrait,
        ids: &[Uuid],
    ) -> AppResult<(Vec<Uuid>, Vec<String>)> {
        repo::delete_buckets(conn, ids).await
    }

    /// Removes the bytes of deleted documents that no document uses any more.
    pub async fn release_contents(&self, hashes: &[String]) -> AppResult<()> {
        for hash in hashes {
            if !repo::content_in_use(self.db.conn(), hash).await? {
                self.blobs.delete(hash).await?;
            }
        }
        Ok(())
    }

    /// Removes a document and, when unused, its bytes (no privilege check: for use cases that
    /// checked already).
    pub async fn remove(&self, document: &Document) -> AppResult<()> {
        let txn = self.db.begin().await?;
        repo::delete_document(&txn, document.id).await?;
        if let Some(policy) = document.authorization_id {
            auth_repo::delete(&txn, &[policy]).await?;
        }
        let still_used = repo::content_in_use(&txn, &document.external_id).await?;
        txn.commit().await?;
        if !still_used {
            self.blobs.delete(&document.external_id).await?;
        }
        Ok(())
    }

    /// A document's bytes for a caller holding READ on it, and whether anonymous callers could
    /// read it too (so responses may be cached publicly).
    pub async fn download(
        &self,
        caller: &ActorContext,
        id: Uuid,
    ) -> AppResult<(Document, Vec<u8>, bool)> {
        let document = self.document(id).await?;
        let policy = self.policy(document.authorization_id).await?;
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            policy.as_ref(),
            AuthorizationPrivilege::Read,
            "read a document",
        )?;
        let public = match &policy {
            Some(p) => p.is_granted(
                &ActorContext::anonymous().credentials,
                AuthorizationPrivilege::Read,
            )?,
            None => false,
        };
        let bytes = self.blobs.get(&document.external_id).await?;
        Ok((document, bytes, public))
    }
}

impl StorageService {
    /// Recomputes the policies of a bucket and its documents from its owner's; returns them for
    /// the caller to save in bulk.
    pub async fn recompute_bucket_policies(
        &self,
        conn: &impl ConnectionTrait,
        bucket_id: Uuid,
        owner: &AuthorizationPolicy,
    ) -> AppResult<Vec<AuthorizationPolicy>> {
        let Some(bucket) = repo::find_bucket(conn, bucket_id).await? else {
            return Ok(Vec::new());
        };
        let documents = repo::documents_of(conn, bucket_id).await?;
        let ids: Vec<Uuid> = bucket
            .authorization_id
            .into_iter()
            .chain(documents.iter().filter_map(|d| d.authorization_id))
            .collect();
        let stored = auth_repo::load_many(conn, &ids).await?;
        let load = |id: Option<Uuid>, ty: AuthorizationPolicyType| match id
            .and_then(|id| stored.get(&id))
        {
            Some(s) => s.policy.clone(),
            None => AuthorizationPolicy::new(id.unwrap_or_else(Uuid::now_v7), ty),
        };
        let mut policy = load(
            bucket.authorization_id,
            AuthorizationPolicyType::StorageBucket,
        );
        apply_bucket_policy(&mut policy, owner);
        let mut out = vec![policy.clone()];
        for d in &documents {
            let mut p = load(d.authorization_id, AuthorizationPolicyType::Document);
            apply_document_policy(&mut p, &policy, d.created_by);
            out.push(p);
        }
        Ok(out)
    }

    /// Recomputes the policies of an aggregator, its direct bucket and its documents from the
    /// owner's; returns them for the caller to save in bulk.
    pub async fn recompute_aggregator_policies(
        &self,
        conn: &impl ConnectionTrait,
        aggregator_id: Uuid,
        owner: &AuthorizationPolicy,
    ) -> AppResult<Vec<AuthorizationPolicy>> {
        let Some(aggregator) = repo::find_aggregator(conn, aggregator_id).await? else {
            return Ok(Vec::new());
        };
        let stored = match aggregator.authorization_id {
            Some(id) => auth_repo::load(conn, id).await?.map(|s| s.policy),
            None => None,
        };
        let mut policy = stored.unwrap_or_else(|| {
            AuthorizationPolicy::new(Uuid::now_v7(), AuthorizationPolicyType::StorageAggregator)
        });
        apply_aggregator_policy(&mut policy, owner);
        let mut out = vec![policy.clone()];
        if let Some(bucket) = aggregator.direct_bucket_id {
            out.extend(
                self.recompute_bucket_policies(conn, bucket, &policy)
                    .await?,
            );
        }
        Ok(out)
    }
}
