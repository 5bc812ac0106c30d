//! File bytes, stored under the SHA3-256 of their content (so identical files share storage),
//! in a local directory (the default) or in an S3-compatible object store.

use std::path::{Path, PathBuf};

use alkemio_kernel::{AppError, AppResult, ErrorStatus};
use sha3::{Digest, Sha3_256};

/// A content-addressed blob store: a directory, or a bucket of an S3-compatible store.
#[derive(Debug, Clone)]
pub struct BlobStore {
    backend: Backend,
}

#[derive(Debug, Clone)]
enum Backend {
    Local(PathBuf),
    S3(std::sync::Arc<object_store::aws::AmazonS3>),
}

/// Where an S3-compatible store is and how to sign requests to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Location {
    /// The service's base URL (e.g. `https://s3.eu-west-1.amazonaws.com` or a MinIO address).
    pub endpoint: String,
    /// The bucket holding the blobs.
    pub bucket: String,
    /// The signing region.
    pub region: String,
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: String,
}

/// The content hash of some bytes: lower-case hex SHA3-256.
pub fn content_hash(bytes: &[u8]) -> String {
    hex::encode(Sha3_256::digest(bytes))
}

fn failed(status: ErrorStatus, doing: &str, e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "{doing}");
    AppError::new(status, format!("{doing} failed"))
}

impl BlobStore {
    /// A store in the local directory `root` (created when missing).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            backend: Backend::Local(root.into()),
        }
    }

    /// A store in a bucket of an S3-compatible service (plain `http://` endpoints are allowed
    /// for services inside the cluster).
    pub fn s3(location: &S3Location) -> AppResult<Self> {
        let store = object_store::aws::AmazonS3Builder::new()
            .with_endpoint(location.endpoint.trim_end_matches('/'))
            .with_bucket_name(&location.bucket)
            .with_region(&location.region)
            .with_access_key_id(&location.access_key_id)
            .with_secret_access_key(&location.secret_access_key)
            .with_allow_http(location.endpoint.starts_with("http://"))
            .build()
            .map_err(|e| AppError::internal_msg(format_args!("S3 store: {e}")))?;
        Ok(Self {
            backend: Backend::S3(std::sync::Arc::new(store)),
        })
    }

    /// Which kind of store this is (for logs and health).
    pub fn kind(&self) -> &'static str {
        match self.backend {
            Backend::Local(_) => "local",
            Backend::S3(_) => "s3",
        }
    }

    fn checked(hash: &str) -> AppResult<&str> {
        if hash.len() < 4 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AppError::internal_msg(format_args!(
                "not a content hash: {hash:?}"
            )));
        }
        Ok(hash)
    }

    fn object(hash: &str) -> AppResult<object_store::path::Path> {
        let hash = Self::checked(hash)?;
        Ok(object_store::path::Path::from(format!(
            "{}/{hash}",
            &hash[0..2]
        )))
    }

    fn path(root: &Path, hash: &str) -> AppResult<PathBuf> {
        let hash = Self::checked(hash)?;
        Ok(root.join(&hash[0..2]).join(hash))
    }

    /// Stores bytes; returns their hash. Storing the same bytes twice keeps one copy.
    pub async fn put(&self, bytes: &[u8]) -> AppResult<String> {
        let hash = content_hash(bytes);
        let root = match &self.backend {
            Backend::Local(root) => root,
            Backend::S3(store) => {
                use object_store::ObjectStoreExt;
                store
                    .put(
                        &Self::object(&hash)?,
                        object_store::PutPayload::from(bytes.to_vec()),
                    )
                    .await
                    .map_err(|e| failed(ErrorStatus::LocalStorageSaveFailed, "saving a file", e))?;
                return Ok(hash);
            }
        };
        let path = Self::path(root, &hash)?;
        if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Ok(hash);
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(|e| failed(ErrorStatus::LocalStorageSaveFailed, "saving a file", e))?;
        // Write aside, then rename: a reader never sees a half-written file.
        let tmp = dir.join(format!(".{hash}.{}", uuid::Uuid::new_v4().simple()));
        tokio::fs::write(&tmp, bytes)
            .await
            .map_err(|e| failed(ErrorStatus::LocalStorageSaveFailed, "saving a file", e))?;
        tokio::fs::rename(&tmp, &path)
            .await
            .map_err(|e| failed(ErrorStatus::LocalStorageSaveFailed, "saving a file", e))?;
        Ok(hash)
    }

    /// The bytes stored under a hash.
    pub async fn get(&self, hash: &str) -> AppResult<Vec<u8>> {
        match &self.backend {
            Backend::Local(root) => tokio::fs::read(Self::path(root, hash)?)
                .await
                .map_err(|e| failed(ErrorStatus::LocalStorageReadFailed, "reading a file", e)),
            Backend::S3(store) => {
                use object_store::ObjectStoreExt;
                let read = |e| failed(ErrorStatus::LocalStorageReadFailed, "reading a file", e);
                let result = store.get(&Self::object(hash)?).await.map_err(read)?;
                Ok(result.bytes().await.map_err(read)?.to_vec())
            }
        }
    }

    /// Removes the bytes stored under a hash (nothing when absent).
    pub async fn delete(&self, hash: &str) -> AppResult<()> {
        let root = match &self.backend {
            Backend::Local(root) => root,
            Backend::S3(store) => {
                use object_store::ObjectStoreExt;
                return match store.delete(&Self::object(hash)?).await {
                    Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                    Err(e) => Err(failed(
                        ErrorStatus::LocalStorageDeleteFailed,
                        "deleting a file",
                        e,
                    )),
                };
            }
        };
        match tokio::fs::remove_file(Self::path(root, hash)?).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(failed(
                ErrorStatus::LocalStorageDeleteFailed,
                "deleting a file",
                e,
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn identical_content_is_stored_once() {
        let dir = std::env::temp_dir().join(format!("alkemio-blobs-{}", uuid::Uuid::new_v4()));
        let store = BlobStore::new(&dir);
        let a = store.put(b"hello").await.unwrap();
        let b = store.put(b"hello").await.unwrap();
        assert_eq!(a, b);
        assert_eq!(store.get(&a).await.unwrap(), b"hello");
        store.delete(&a).await.unwrap();
        assert!(store.get(&a).await.is_err());
        std::fs::remove_dir_all(dir).ok();
    }
}
