//! Platform use cases: bootstrap and reading the singleton.

use std::sync::{Arc, OnceLock};

use alkemio_authorization::AuthorizationPolicyType;
use alkemio_authorization::repo::{self as auth_repo, StoredPolicy};
use alkemio_configuration::settings::ClientConfig;
use alkemio_kernel::ids::PlatformId;
use alkemio_kernel::{AppError, AppResult};
use alkemio_persistence::Database;
use chrono::{SubsecRound, Utc};
use sea_orm::{ConnectionTrait, TransactionTrait};

use crate::authorization::apply_platform_policy;

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
                    authorization_id: None,
                };
                repo::insert(&txn, &platform).await?;
                tracing::info!(platform.id = %platform.id, "bootstrapped the platform");
                platform
            }
        };
        self.ensure_authorization(&txn, &platform).await?;
        txn.commit().await?;
        let _ = self.id.set(platform.id);
        Ok(platform.id)
    }

    /// Makes sure the platform has its policy and that the policy has the current rules
    /// (computed on every start, so a new release's rules apply without a manual reset).
    async fn ensure_authorization(
        &self,
        txn: &impl ConnectionTrait,
        platform: &Platform,
    ) -> AppResult<()> {
        let existing = match platform.authorization_id {
            Some(id) => auth_repo::load(txn, id).await?.map(|s| s.policy),
            None => None,
        };
        let mut policy = existing
            .clone()
            .unwrap_or_else(|| auth_repo::new_policy(AuthorizationPolicyType::Platform));
        apply_platform_policy(&mut policy);
        if existing.as_ref() != Some(&policy) {
            auth_repo::save_all(txn, std::slice::from_ref(&policy)).await?;
            tracing::info!(authorization.id = %policy.id, "platform authorization policy computed");
        }
        if platform.authorization_id != Some(policy.id) {
            repo::set_authorization_id(txn, platform.id, policy.id).await?;
        }
        Ok(())
    }

    /// Recomputes the platform's policy and saves it (the reference's reset on the platform).
    pub async fn reset_authorization(&self) -> AppResult<()> {
        let txn = self.db.conn().begin().await?;
        let platform = match self.id.get() {
            Some(id) => repo::find_by_id(&txn, *id).await?,
            None => repo::find(&txn).await?,
        }
        .ok_or_else(|| {
            AppError::internal_msg("the platform row is missing: bootstrap has not run")
        })?;
        self.ensure_authorization(&txn, &platform).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The platform's stored authorization policy.
    pub async fn authorization(&self) -> AppResult<StoredPolicy> {
        let platform = self.get().await?;
        let id = platform
            .authorization_id
            .ok_or_else(|| AppError::internal_msg("the platform has no authorization policy"))?;
        auth_repo::load(self.db.conn(), id).await?.ok_or_else(|| {
            AppError::internal_msg(format_args!(
                "authorization policy {id} of the platform is missing"
            ))
        })
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
