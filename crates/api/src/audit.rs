//! The audit log: every critical mutation (role and credential changes, deletions, settings
//! and license changes, authorization resets, lifecycle decisions) is recorded with who, when,
//! what (the mutation and its arguments) and the outcome, in the `audit_log` table and as a
//! JSON log line (target `audit`). Recorded by [`crate::Api`] around every request that runs a
//! mutation, from the operation's root fields and the answer, so no mutation can forget it.

use alkemio_authorization::ActorContext;
use alkemio_kernel::AppResult;
use alkemio_persistence::Database;
use async_graphql::parser::types::{
    Directive, ExecutableDocument, Field, OperationType, Selection, SelectionSet,
};
use async_graphql::{PathSegment, Positioned, Request, Response, Value, Variables};
use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::{EntityTrait, QueryOrder, QuerySelect};
use uuid::Uuid;

/// Root mutations that are audited.
pub const AUDITED: &[&str] = &[
    "addIframeAllowedURL",
    "addNotificationEmailToBlacklist",
    "adminInAppNotificationsPrune",
    "adminLicensePolicyCreateCredentialRule",
    "adminLicensePolicyDeleteCredentialRule",
    "adminLicensePolicyUpdateCredentialRule",
    "adminSearchIngestFromScratch",
    "assignLicensePlanToAccount",
    "assignLicensePlanToSpace",
    "assignPlatformRoleToUser",
    "assignRoleToOrganization",
    "assignRoleToUser",
    "assignRoleToVirtualContributor",
    "createLicensePlan",
    "createUser",
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
    "deleteLicensePlan",
    "deleteOrganization",
    "deletePlatformInvitation",
    "deleteSpace",
    "deleteUser",
    "deleteVirtualContributor",
    "eventOnApplication",
    "eventOnInvitation",
    "eventOnOrganizationVerification",
    "grantCredentialToActor",
    "grantCredentialToOrganization",
    "grantCredentialToUser",
    "joinRoleSet",
    "refreshAllBodiesOfKnowledge",
    "removeIframeAllowedURL",
    "removeNotificationEmailFromBlacklist",
    "removePlatformRoleFromUser",
    "removeRoleFromOrganization",
    "removeRoleFromUser",
    "removeRoleFromVirtualContributor",
    "revokeCredentialFromActor",
    "revokeCredentialFromOrganization",
    "revokeCredentialFromUser",
    "revokeLicensePlanFromAccount",
    "revokeLicensePlanFromSpace",
    "setPlatformWellKnownVirtualContributor",
    "transferInnovationHubToAccount",
    "transferInnovationPackToAccount",
    "transferSpaceToAccount",
    "updateCalloutPublishInfo",
    "updateLicensePlan",
    "updateOrganizationSettings",
    "updatePlatformSettings",
    "updateSpacePlatformSettings",
    "updateSpaceSettings",
    "updateUserPlatformSettings",
    "updateVirtualContributorPlatformSettings",
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

/// Longest argument text kept in an entry.
const MAX_TARGET: usize = 4096;

/// The root fields of a mutation about to run, read from its document: the audited ones with
/// their arguments (variables resolved), and the others, whose order tells what ran.
#[derive(Debug)]
pub(crate) struct Plan {
    actor_id: Option<Uuid>,
    fields: Vec<PlannedField>,
}

#[derive(Debug)]
struct PlannedField {
    /// The field's key in the answer (its alias or name).
    key: String,
    /// The mutation and its arguments, when it is audited.
    audited: Option<(String, serde_json::Value)>,
}

/// Reads the document of a request whose text names `mutation`. `None` when the operation it
/// runs is not a mutation, or cannot be told (the document does not parse, or the operation is
/// not there: the schema then refuses the request and nothing runs).
pub(crate) fn plan(request: &Request, actor: Option<&ActorContext>) -> Option<Plan> {
    let document = async_graphql::parser::parse_query(&request.query).ok()?;
    let operation = match request.operation_name.as_deref() {
        Some(name) => document
            .operations
            .iter()
            .find(|(n, _)| n.is_some_and(|n| n.as_str() == name))
            .map(|(_, op)| op)?,
        None => {
            let mut all = document.operations.iter();
            let (_, op) = all.next()?;
            if all.next().is_some() {
                return None;
            }
            op
        }
    };
    if operation.node.ty != OperationType::Mutation {
        return None;
    }
    let mut fields = Vec::new();
    collect(
        &operation.node.selection_set.node,
        &document,
        &request.variables,
        &mut fields,
        0,
    );
    Some(Plan {
        actor_id: actor.and_then(ActorContext::authenticated_id),
        fields,
    })
}

/// The root fields in execution order, through fragments, without those `@skip`ped or not
/// `@include`d.
fn collect(
    set: &SelectionSet,
    document: &ExecutableDocument,
    variables: &Variables,
    out: &mut Vec<PlannedField>,
    depth: usize,
) {
    // fragments that spread themselves fail validation; stop anyway
    if depth > 16 {
        return;
    }
    for item in &set.items {
        match &item.node {
            Selection::Field(field) => {
                if !included(&field.node.directives, variables) {
                    continue;
                }
                let key = field.node.response_key().node.to_string();
                if out.iter().any(|f| f.key == key) {
                    continue;
                }
                let name = field.node.name.node.as_str();
                let audited = AUDITED
                    .contains(&name)
                    .then(|| (name.to_owned(), arguments(&field.node, variables)));
                out.push(PlannedField { key, audited });
            }
            Selection::FragmentSpread(spread) => {
                if !included(&spread.node.directives, variables) {
                    continue;
                }
                if let Some(fragment) = document.fragments.get(&spread.node.fragment_name.node) {
                    collect(
                        &fragment.node.selection_set.node,
                        document,
                        variables,
                        out,
                        depth + 1,
                    );
                }
            }
            Selection::InlineFragment(inline) => {
                if included(&inline.node.directives, variables) {
                    collect(
                        &inline.node.selection_set.node,
                        document,
                        variables,
                        out,
                        depth + 1,
                    );
                }
            }
        }
    }
}

fn included(directives: &[Positioned<Directive>], variables: &Variables) -> bool {
    directives.iter().all(|d| {
        let condition = d.node.get_argument("if").and_then(|v| {
            v.node
                .clone()
                .into_const_with(|n| variables.get(&n).cloned().ok_or(()))
                .ok()
        });
        !matches!(
            (d.node.name.node.as_str(), condition),
            ("skip", Some(Value::Boolean(true))) | ("include", Some(Value::Boolean(false)))
        )
    })
}

fn arguments(field: &Field, variables: &Variables) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    for (name, value) in &field.arguments {
        let value = value
            .node
            .clone()
            .into_const_with(|n| variables.get(&n).cloned().ok_or(()))
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
}

/// Records the audited fields of an executed mutation with their outcomes.
///
/// Root mutation fields run one after the other. A field failed when an error's path starts at
/// it. When the answer has data, a field ran when its key is there. When a failure emptied the
/// whole answer (`data: null`), the fields before the failing one ran and succeeded, and those
/// after it never ran. A request refused before it ran (errors without a path, no data) records
/// nothing.
pub(crate) async fn record(log: &AuditLog, plan: Plan, response: &Response) {
    let rejected = response.data == Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    if rejected {
        return;
    }
    let data = match &response.data {
        Value::Object(map) => Some(map),
        _ => None,
    };
    let mut stopped = false;
    for field in plan.fields {
        let error = response
            .errors
            .iter()
            .find(|e| matches!(e.path.first(), Some(PathSegment::Field(k)) if *k == field.key));
        let ran = match data {
            Some(map) => map.contains_key(field.key.as_str()) || error.is_some(),
            None => !stopped,
        };
        if error.is_some() && data.is_none() {
            stopped = true;
        }
        let (true, Some((action, target))) = (ran, field.audited) else {
            continue;
        };
        let (outcome, error_code) = match error {
            None => ("success".to_owned(), None),
            Some(e) => (
                "failure".to_owned(),
                e.extensions
                    .as_ref()
                    .and_then(|x| x.get("code"))
                    .map(|c| c.to_string().trim_matches('"').to_owned()),
            ),
        };
        let entry = AuditEntry {
            occurred_date: Utc::now().trunc_subsecs(6),
            actor_id: plan.actor_id,
            action,
            target,
            outcome,
            error_code,
        };
        if let Err(e) = log.record(&entry).await {
            tracing::error!(error_id = %e.error_id(), action = %entry.action, "writing the audit log failed");
        }
    }
}
