//! SQL for role sets and roles.

use alkemio_kernel::ids::{RoleId, RoleSetId};
use alkemio_kernel::{AppError, AppResult};
use chrono::{SubsecRound, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::model::{Role, RolePolicy, RoleSet};

pub(crate) mod role_set {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "role_set")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        #[sea_orm(column_name = "type")]
        pub role_set_type: String,
        pub entry_role_name: String,
        pub authorization_id: Option<Uuid>,
        pub parent_role_set_id: Option<Uuid>,
        pub license_id: Option<Uuid>,
        pub application_form: Option<Json>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub(crate) mod role {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "role")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        pub role_set_id: Uuid,
        pub name: String,
        pub credential: Json,
        pub parent_credentials: Json,
        pub requires_entry_role: bool,
        pub requires_same_role_in_parent_role_set: bool,
        pub user_policy: Json,
        pub organization_policy: Json,
        pub virtual_contributor_policy: Json,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

fn corrupt(what: &str, id: uuid::Uuid, e: impl std::fmt::Display) -> AppError {
    AppError::internal_msg(format_args!("{what} {id}: {e}"))
}

fn json<T: serde::Serialize>(value: &T) -> AppResult<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| AppError::internal_msg(format_args!("encoding: {e}")))
}

fn decode_role(r: role::Model) -> AppResult<Role> {
    let id = r.id;
    let de = |v: serde_json::Value| {
        serde_json::from_value::<RolePolicy>(v).map_err(|e| corrupt("role", id, e))
    };
    Ok(Role {
        id: RoleId(r.id),
        name: r.name.parse().map_err(|e| corrupt("role", id, e))?,
        credential: serde_json::from_value(r.credential).map_err(|e| corrupt("role", id, e))?,
        parent_credentials: serde_json::from_value(r.parent_credentials)
            .map_err(|e| corrupt("role", id, e))?,
        requires_entry_role: r.requires_entry_role,
        requires_same_role_in_parent_role_set: r.requires_same_role_in_parent_role_set,
        user_policy: de(r.user_policy)?,
        organization_policy: de(r.organization_policy)?,
        virtual_contributor_policy: de(r.virtual_contributor_policy)?,
        created_date: r.created_date,
        updated_date: r.updated_date,
    })
}

/// Inserts a role set and its roles.
pub async fn insert(conn: &impl ConnectionTrait, set: &RoleSet) -> AppResult<()> {
    let now = Utc::now().trunc_subsecs(6);
    role_set::Entity::insert(role_set::ActiveModel {
        id: Set(set.id.0),
        created_date: Set(now),
        updated_date: Set(now),
        version: Set(1),
        role_set_type: Set(set.role_set_type.as_str().to_owned()),
        entry_role_name: Set(set.entry_role_name.as_str().to_owned()),
        authorization_id: Set(set.authorization_id),
        parent_role_set_id: Set(set.parent_role_set_id.map(|p| p.0)),
        license_id: Set(set.license_id),
        application_form: Set(None),
    })
    .exec_without_returning(conn)
    .await?;
    let mut rows = Vec::with_capacity(set.roles.len());
    for r in &set.roles {
        rows.push(role::ActiveModel {
            id: Set(r.id.0),
            created_date: Set(now),
            updated_date: Set(now),
            version: Set(1),
            role_set_id: Set(set.id.0),
            name: Set(r.name.as_str().to_owned()),
            credential: Set(json(&r.credential)?),
            parent_credentials: Set(json(&r.parent_credentials)?),
            requires_entry_role: Set(r.requires_entry_role),
            requires_same_role_in_parent_role_set: Set(r.requires_same_role_in_parent_role_set),
            user_policy: Set(json(&r.user_policy)?),
            organization_policy: Set(json(&r.organization_policy)?),
            virtual_contributor_policy: Set(json(&r.virtual_contributor_policy)?),
        });
    }
    if !rows.is_empty() {
        role::Entity::insert_many(rows)
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// A role set with its roles (two statements).
pub async fn find(conn: &impl ConnectionTrait, id: RoleSetId) -> AppResult<Option<RoleSet>> {
    Ok(find_many(conn, &[id.0]).await?.into_iter().next())
}

/// Role sets with their roles, two statements for any number.
pub async fn find_many(conn: &impl ConnectionTrait, ids: &[uuid::Uuid]) -> AppResult<Vec<RoleSet>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = role_set::Entity::find()
        .filter(role_set::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?;
    let mut roles: std::collections::HashMap<uuid::Uuid, Vec<crate::model::Role>> =
        std::collections::HashMap::new();
    for r in role::Entity::find()
        .filter(role::Column::RoleSetId.is_in(ids.iter().copied()))
        .order_by_asc(role::Column::CreatedDate)
        .order_by_asc(role::Column::Id)
        .all(conn)
        .await?
    {
        let set = r.role_set_id;
        roles.entry(set).or_default().push(decode_role(r)?);
    }
    rows.into_iter()
        .map(|row| {
            Ok(RoleSet {
                id: RoleSetId(row.id),
                role_set_type: row
                    .role_set_type
                    .parse()
                    .map_err(|e| corrupt("role set", row.id, e))?,
                entry_role_name: row
                    .entry_role_name
                    .parse()
                    .map_err(|e| corrupt("role set", row.id, e))?,
                authorization_id: row.authorization_id,
                parent_role_set_id: row.parent_role_set_id.map(RoleSetId),
                license_id: row.license_id,
                roles: roles.remove(&row.id).unwrap_or_default(),
                created_date: row.created_date,
                updated_date: row.updated_date,
            })
        })
        .collect()
}

/// Points a role set at its authorization policy.
pub async fn set_authorization_id(
    conn: &impl ConnectionTrait,
    id: RoleSetId,
    authorization_id: uuid::Uuid,
) -> AppResult<()> {
    role_set::Entity::update_many()
        .col_expr(
            role_set::Column::AuthorizationId,
            sea_orm::sea_query::Expr::value(authorization_id),
        )
        .filter(role_set::Column::Id.eq(id.0))
        .exec(conn)
        .await?;
    Ok(())
}

/// Points a role set at its license.
pub async fn set_license_id(
    conn: &impl ConnectionTrait,
    id: RoleSetId,
    license_id: uuid::Uuid,
) -> AppResult<()> {
    role_set::Entity::update_many()
        .col_expr(
            role_set::Column::LicenseId,
            sea_orm::sea_query::Expr::value(license_id),
        )
        .filter(role_set::Column::Id.eq(id.0))
        .exec(conn)
        .await?;
    Ok(())
}

/// The role sets without a license.
pub async fn without_license(conn: &impl ConnectionTrait) -> AppResult<Vec<RoleSet>> {
    use sea_orm::QuerySelect;
    let ids: Vec<uuid::Uuid> = role_set::Entity::find()
        .select_only()
        .column(role_set::Column::Id)
        .filter(role_set::Column::LicenseId.is_null())
        .into_tuple()
        .all(conn)
        .await?;
    find_many(conn, &ids).await
}

/// Deletes a role set (its roles go with it).
pub async fn delete(conn: &impl ConnectionTrait, id: RoleSetId) -> AppResult<()> {
    role_set::Entity::delete_by_id(id.0).exec(conn).await?;
    Ok(())
}
