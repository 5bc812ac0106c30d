//! File bytes, stored under the SHA3-256 of their content (so identical files share storage)
//! in a local directory.

use std::path::{Path, PathBuf};

use alkemio_kernel::{AppError, AppResult, ErrorStatus};
use sha3::{Digest, Sha3_256};

/// A content-addressed blob store in a directory.
#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
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
    /// A store in `root` (created when missing).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    fn path(&self, hash: &str) -> AppResult<PathBuf> {
        if hash.len() < 4 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AppError::internal_msg(format_args!(
                "not a content hash: {hash:?}"
            )));
        }
        Ok(self.root.join(&hash[0..2]).join(hash))
    }

    /// Stores bytes; returns their hash. Storing the same bytes twice keeps one copy.
    pub async fn put(&self, bytes: &[u8]) -> AppResult<String> {
        let hash = content_hash(bytes);
        let path = self.path(&hash)?;
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
        tokio::fs::read(self.path(hash)?)
            .await
            .map_err(|e| failed(ErrorStatus::LocalStorageReadFailed, "reading a file", e))
    }

    /// Removes the bytes stored under a hash (nothing when absent).
    pub async fn delete(&self, hash: &str) -> AppResult<()> {
        match tokio::fs::remove_file(self.path(hash)?).await {
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
