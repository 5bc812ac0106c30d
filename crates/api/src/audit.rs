//! The audit log: every critical mutation (role and credential changes, deletions, settings
//! and license changes, authorization resets, lifecycle decisions) is recorded with who, when,
//! what (the mutation and its arguments) and the outcome, in the `audit_log` table and as a
//! JSON log line (target `audit`). Recorded by a schema extension around the mutation's root
//! field, so no mutation can forget it.

use std::sync::{Arc, Mutex};

use alkemio_authorization::ActorContext;
use alkemio_kernel::AppResult;
use alkemio_persistence::Database;
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest, NextResolve, ResolveInfo,
};
use async_graphql::{Request, ServerResult, Value, Variables};
use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::{EntityTrait, QueryOrder, QuerySelect};
use uuid::Uuid;

/// Root mutations that are audited.
pub const AUDITED: &[&str] = &[
    "adminInAppNotificationsPrune",
    "assignLicensePlanToAccount",
    "assignLicensePlanToSpace",
    "assignPlatformRoleToUser",
    "assignRoleToOrganization",
    "assignRoleToUser",
    "assignRoleToVirtualContributor",
    "authorizationPolicyResetAll",
    "authorizationPolicyResetOnAccount",
    "authorizationPolicyResetOnOrganization",
    "authorizationPolicyResetOnPlatform",
    "authorizationPolicyResetOnUser",
    "authorizationPolicyResetToGlobalAdminsAccess",
    "deleteApplication",
    "deleteDocument",
    "deleteInnovationHub",
    "deleteInvitation",
    "deleteOrganization",
    "deletePlatformInvitation",
    "deleteSpace",
    "deleteUser",
    "eventOnApplication",
    "eventOnInvitation",
    "eventOnOrganizationVerification",
    "grantCredentialToUser",
    "joinRoleSet",
    "removePlatformRoleFromUser",
    "removeRoleFromOrganization",
    "removeRoleFromUser",
    "removeRoleFromVirtualContributor",
    "revokeCredentialFromUser",
    "revokeLicensePlanFromAccount",
    "revokeLicensePlanFromSpace",
    "updateOrganizationSettings",
    "updatePlatformSettings",
    "updateSpacePlatformSettings",
    "updateSpaceSettings",
    "updateUserPlatformSettings",
];

mod audit_log {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_log")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub occurred_date: DateTimeUtc,
        pub actor_id: Option<Uuid>,
        pub action: String,
        pub target: Json,
        pub outcome: String,
        pub error_code: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One audit record.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    /// When.
    pub occurred_date: DateTime<Utc>,
    /// Who (none for anonymous callers).
    pub actor_id: Option<Uuid>,
    /// The mutation.
    pub action: String,
    /// Its arguments.
    pub target: serde_json::Value,
    /// `success` or `failure`.
    pub outcome: String,
    /// The error code of a failure.
    pub error_code: Option<String>,
}

/// The audit log. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AuditLog {
    db: Database,
}

impl AuditLog {
    /// The log over `db`.
    pub fn new(db: Database) -> Self {
        Self { db }
    }

    /// Records one entry (and logs it).
    pub async fn record(&self, entry: &AuditEntry) -> AppResult<()> {
        tracing::info!(
            target: "audit",
            actor = entry.actor_id.map(|a| a.to_string()).unwrap_or_default(),
            action = %entry.action,
            target_args = %entry.target,
            outcome = %entry.outcome,
            error_code = entry.error_code.as_deref().unwrap_or(""),
            "audit"
        );
        audit_log::Entity::insert(audit_log::ActiveModel {
            id: Set(Uuid::now_v7()),
            occurred_date: Set(entry.occurred_date),
            actor_id: Set(entry.actor_id),
            action: Set(entry.action.clone()),
            target: Set(entry.target.clone()),
            outcome: Set(entry.outcome.clone()),
            error_code: Set(entry.error_code.clone()),
        })
        .exec_without_returning(self.db.conn())
        .await?;
        Ok(())
    }

    /// The newest `limit` entries, newest first.
    pub async fn recent(&self, limit: u64) -> AppResult<Vec<AuditEntry>> {
        Ok(audit_log::Entity::find()
            .order_by_desc(audit_log::Column::OccurredDate)
            .order_by_desc(audit_log::Column::Id)
            .limit(limit)
            .all(self.db.conn())
            .await?
            .into_iter()
            .map(|m| AuditEntry {
                occurred_date: m.occurred_date,
                actor_id: m.actor_id,
                action: m.action,
                target: m.target,
                outcome: m.outcome,
                error_code: m.error_code,
            })
            .collect())
    }
}

/// The schema extension that records audited mutations.
#[derive(Debug, Clone, Copy)]
pub struct Audit;

impl ExtensionFactory for Audit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(AuditExtension {
            variables: Mutex::new(Variables::default()),
        })
    }
}

struct AuditExtension {
    variables: Mutex<Variables>,
}

/// Longest argument text kept in an entry.
const MAX_TARGET: usize = 4096;

#[async_trait::async_trait]
impl Extension for AuditExtension {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        if let Ok(mut vars) = self.variables.lock() {
            *vars = request.variables.clone();
        }
        next.run(ctx, request).await
    }

    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        let audited = info.path_node.parent.is_none()
            && info.parent_type == "Mutation"
            && AUDITED.contains(&info.name);
        if !audited {
            return next.run(ctx, info).await;
        }
        let action = info.name.to_owned();
        let target = {
            let vars = self.variables.lock().map(|v| v.clone()).unwrap_or_default();
            let mut map = serde_json::Map::new();
            for (name, value) in &info.field.arguments {
                let value = value
                    .node
                    .clone()
                    .into_const_with(|n| vars.get(&n).cloned().ok_or(()))
                    .ok()
                    .and_then(|v| v.into_json().ok())
                    .unwrap_or(serde_json::Value::Null);
                map.insert(name.node.to_string(), value);
            }
            let json = serde_json::Value::Object(map);
            if json.to_string().len() > MAX_TARGET {
                serde_json::json!({"truncated": true})
            } else {
                json
            }
        };
        let actor_id = ctx
            .data_opt::<ActorContext>()
            .and_then(ActorContext::authenticated_id);
        let result = next.run(ctx, info).await;
        let (outcome, error_code) = match &result {
            Ok(_) => ("success".to_owned(), None),
            Err(e) => (
                "failure".to_owned(),
                e.extensions
                    .as_ref()
                    .and_then(|x| x.get("code"))
                    .map(|c| c.to_string().trim_matches('"').to_owned()),
            ),
        };
        if let Some(log) = ctx.data_opt::<AuditLog>() {
            let entry = AuditEntry {
                occurred_date: Utc::now().trunc_subsecs(6),
                actor_id,
                action,
                target,
                outcome,
                error_code,
            };
            if let Err(e) = log.record(&entry).await {
                tracing::error!(error_id = %e.error_id(), action = %entry.action, "writing the audit log failed");
            }
        }
        result
    }
}
