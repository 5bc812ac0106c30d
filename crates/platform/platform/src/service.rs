//! Platform use cases: bootstrap and reading the singleton.

use std::sync::{Arc, OnceLock};

use alkemio_configuration::settings::ClientConfig;
use alkemio_kernel::ids::PlatformId;
use alkemio_kernel::{AppError, AppResult};
use alkemio_persistence::Database;
use chrono::{SubsecRound, Utc};
use sea_orm::TransactionTrait;

use crate::model::{Platform, PlatformSettings};
use crate::repo;

/// Platform use cases.
#[derive(Debug, Clone)]
pub struct PlatformService {
    db: Database,
    client_config: Arc<ClientConfig>,
    id: Arc<OnceLock<PlatformId>>,
}

impl PlatformService {
    /// A service over the given database and client configuration.
    pub fn new(db: Database, client_config: Arc<ClientConfig>) -> Self {
        Self {
            db,
            client_config,
            id: Arc::default(),
        }
    }

    /// Creates the platform singleton on first start; later starts find it. Returns its id.
    pub async fn bootstrap(&self) -> AppResult<PlatformId> {
        let txn = self.db.conn().begin().await?;
        let platform = match repo::find(&txn).await? {
            Some(existing) => existing,
            None => {
                // PostgreSQL keeps microseconds; truncate so a value reads back as written.
                let now = Utc::now().trunc_subsecs(6);
                let platform = Platform {
                    id: PlatformId::new(),
                    created_date: now,
                    updated_date: now,
                    settings: PlatformSettings::default(),
                };
                repo::insert(&txn, &platform).await?;
                tracing::info!(platform.id = %platform.id, "bootstrapped the platform");
                platform
            }
        };
        txn.commit().await?;
        let _ = self.id.set(platform.id);
        Ok(platform.id)
    }

    /// The platform id, known without a query once bootstrap ran.
    pub async fn id(&self) -> AppResult<PlatformId> {
        if let Some(id) = self.id.get() {
            return Ok(*id);
        }
        let platform = self.get().await?;
        let _ = self.id.set(platform.id);
        Ok(platform.id)
    }

    /// The platform singleton.
    pub async fn get(&self) -> AppResult<Platform> {
        let found = match self.id.get() {
            Some(id) => repo::find_by_id(self.db.conn(), *id).await?,
            None => repo::find(self.db.conn()).await?,
        };
        found.ok_or_else(|| {
            AppError::internal_msg("the platform row is missing: bootstrap has not run")
        })
    }

    /// The client-facing configuration.
    pub fn client_config(&self) -> &ClientConfig {
        &self.client_config
    }
}
