//! Storage: where uploaded files live.
//!
//! Every platform, account, user, organization and space has a storage *aggregator* with a direct
//! *bucket*; every profile has a bucket of its own. A bucket holds *documents* (table `file`):
//! uploaded files with their type, size and policy. The bytes are content-addressed (SHA3-256)
//! in a local directory under the data directory, so identical files are stored once.

pub mod authorization;
pub mod blob;
pub mod model;
mod repo;
pub mod service;

pub use blob::BlobStore;
pub use model::{Document, MimeType, StorageAggregator, StorageAggregatorType, StorageBucket};
pub use service::{StorageService, UploadedFile};
