//! SQL for the `authorization_policy` table: load one or many, save many in one statement.

use std::collections::HashMap;

use alkemio_kernel::{AppError, AppResult};
use chrono::{SubsecRound, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::enums::AuthorizationPolicyType;
use crate::policy::AuthorizationPolicy;

pub(crate) mod entity {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "authorization_policy")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        pub credential_rules: Json,
        pub privilege_rules: Json,
        #[sea_orm(column_name = "type")]
        pub policy_type: String,
        pub parent_authorization_policy_id: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A stored policy with its timestamps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPolicy {
    /// The policy.
    pub policy: AuthorizationPolicy,
    /// When it was created.
    pub created_date: chrono::DateTime<Utc>,
    /// When it was last computed.
    pub updated_date: chrono::DateTime<Utc>,
}

fn decode(row: entity::Model) -> AppResult<StoredPolicy> {
    let bad = |what: &str, e: &dyn std::fmt::Display| {
        AppError::internal_msg(format_args!(
            "authorization policy {}: bad {what}: {e}",
            row.id
        ))
    };
    use serde::Deserialize as _;
    let credential_rules =
        Vec::deserialize(&row.credential_rules).map_err(|e| bad("credential rules", &e))?;
    let privilege_rules =
        Vec::deserialize(&row.privilege_rules).map_err(|e| bad("privilege rules", &e))?;
    let policy_type: AuthorizationPolicyType =
        row.policy_type.parse().map_err(|e| bad("type", &e))?;
    Ok(StoredPolicy {
        policy: AuthorizationPolicy {
            id: row.id,
            policy_type,
            credential_rules,
            privilege_rules,
            parent: row.parent_authorization_policy_id,
        },
        created_date: row.created_date,
        updated_date: row.updated_date,
    })
}

/// One policy by id.
pub async fn load(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<Option<StoredPolicy>> {
    entity::Entity::find_by_id(id)
        .one(conn)
        .await?
        .map(decode)
        .transpose()
}

/// Many policies by id, in one query.
pub async fn load_many(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, StoredPolicy>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = entity::Entity::find()
        .filter(entity::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?;
    rows.into_iter()
        .map(|r| decode(r).map(|p| (p.policy.id, p)))
        .collect()
}

/// A policy row with its rules as the stored JSON text, for [`crate::PolicyCache`]: the text
/// tells whether an already decoded policy is still the stored one.
#[derive(Debug, sea_orm::FromQueryResult)]
pub struct PolicyText {
    /// Its id.
    pub id: Uuid,
    /// When it was created.
    pub created_date: chrono::DateTime<Utc>,
    /// When it was last computed.
    pub updated_date: chrono::DateTime<Utc>,
    /// The credential rules, as JSON text.
    pub credential_rules: String,
    /// The privilege rules, as JSON text.
    pub privilege_rules: String,
    /// The policy type's name.
    pub policy_type: String,
    /// The parent policy.
    pub parent_authorization_policy_id: Option<Uuid>,
}

impl PolicyText {
    /// Decodes the rules straight from their text (no `serde_json::Value` in between).
    pub fn decode(&self) -> AppResult<StoredPolicy> {
        let bad = |what: &str, e: &dyn std::fmt::Display| {
            AppError::internal_msg(format_args!(
                "authorization policy {}: bad {what}: {e}",
                self.id
            ))
        };
        Ok(StoredPolicy {
            policy: AuthorizationPolicy {
                id: self.id,
                policy_type: self.policy_type.parse().map_err(|e| bad("type", &e))?,
                credential_rules: serde_json::from_str(&self.credential_rules)
                    .map_err(|e| bad("credential rules", &e))?,
                privilege_rules: serde_json::from_str(&self.privilege_rules)
                    .map_err(|e| bad("privilege rules", &e))?,
                parent: self.parent_authorization_policy_id,
            },
            created_date: self.created_date,
            updated_date: self.updated_date,
        })
    }
}

/// Many policies by id with their rules as text, in one query.
pub async fn load_many_text(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<Vec<PolicyText>> {
    use sea_orm::QuerySelect;
    use sea_orm::sea_query::{Alias, Expr, ExprTrait as _};
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let as_text = |column: &str| Expr::col(Alias::new(column)).cast_as(Alias::new("TEXT"));
    Ok(entity::Entity::find()
        .select_only()
        .column(entity::Column::Id)
        .column(entity::Column::CreatedDate)
        .column(entity::Column::UpdatedDate)
        .column_as(as_text("credential_rules"), "credential_rules")
        .column_as(as_text("privilege_rules"), "privilege_rules")
        .column_as(entity::Column::PolicyType, "policy_type")
        .column(entity::Column::ParentAuthorizationPolicyId)
        .filter(entity::Column::Id.is_in(ids.iter().copied()))
        .into_model::<PolicyText>()
        .all(conn)
        .await?)
}

/// Inserts or overwrites policies, many per statement.
pub async fn save_all(
    conn: &impl ConnectionTrait,
    policies: &[AuthorizationPolicy],
) -> AppResult<()> {
    let now = Utc::now().trunc_subsecs(6);
    for chunk in policies.chunks(500) {
        let mut rows = Vec::with_capacity(chunk.len());
        for p in chunk {
            let encode = |e: serde_json::Error| {
                AppError::internal_msg(format_args!("encoding policy {}: {e}", p.id))
            };
            rows.push(entity::ActiveModel {
                id: Set(p.id),
                created_date: Set(now),
                updated_date: Set(now),
                version: Set(1),
                credential_rules: Set(serde_json::to_value(&p.credential_rules).map_err(encode)?),
                privilege_rules: Set(serde_json::to_value(&p.privilege_rules).map_err(encode)?),
                policy_type: Set(p.policy_type.as_str().to_owned()),
                parent_authorization_policy_id: Set(p.parent),
            });
        }
        entity::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::column(entity::Column::Id)
                    .update_columns([
                        entity::Column::CredentialRules,
                        entity::Column::PrivilegeRules,
                        entity::Column::PolicyType,
                        entity::Column::ParentAuthorizationPolicyId,
                        entity::Column::UpdatedDate,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// A new, empty policy of a type, not yet stored.
pub fn new_policy(policy_type: AuthorizationPolicyType) -> AuthorizationPolicy {
    AuthorizationPolicy::new(Uuid::now_v7(), policy_type)
}

/// The stored policy `id` points at, or a new empty one of `policy_type` (with that id when
/// there is one): what a recomputation starts from.
pub async fn load_or_new(
    conn: &impl ConnectionTrait,
    id: Option<Uuid>,
    policy_type: AuthorizationPolicyType,
) -> AppResult<AuthorizationPolicy> {
    Ok(match id {
        Some(id) => load(conn, id)
            .await?
            .map(|s| s.policy)
            .unwrap_or_else(|| AuthorizationPolicy::new(id, policy_type)),
        None => new_policy(policy_type),
    })
}

/// Deletes policies.
pub async fn delete(conn: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    entity::Entity::delete_many()
        .filter(entity::Column::Id.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    Ok(())
}

/// Loads the policy with this id and fails unless `caller` holds `privilege` on it (a missing
/// policy denies); returns the policy, for checks of further privileges on it.
pub async fn require(
    conn: &impl ConnectionTrait,
    caller: &crate::ActorContext,
    policy: Option<Uuid>,
    privilege: crate::AuthorizationPrivilege,
    action: &str,
) -> AppResult<AuthorizationPolicy> {
    let policy = match policy {
        Some(id) => load(conn, id).await?.map(|s| s.policy),
        None => None,
    };
    crate::grant_access_or_fail(
        &caller.actor_id(),
        &caller.credentials,
        policy.as_ref(),
        privilege,
        action,
    )?;
    policy.ok_or_else(|| AppError::internal_msg("policy missing after a granted check"))
}
