//! SQL for actors, credentials and users.

use alkemio_authorization::{Credential, CredentialType};
use alkemio_kernel::ids::{ActorId, UserId};
use alkemio_kernel::{AppError, AppResult};
use chrono::{SubsecRound, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::model::{Actor, ActorType, User};

pub(crate) mod actor {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "actor")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        #[sea_orm(column_name = "type")]
        pub actor_type: String,
        pub name_id: String,
        pub authorization_id: Option<Uuid>,
        pub profile_id: Option<Uuid>,
        pub storage_aggregator_id: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub(crate) mod credential {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "credential")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        pub actor_id: Uuid,
        #[sea_orm(column_name = "type")]
        pub credential_type: String,
        pub resource_id: String,
        pub issuer: Option<Uuid>,
        pub expires: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub(crate) mod user {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "user")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        pub email: String,
        pub first_name: String,
        pub last_name: String,
        pub phone: Option<String>,
        pub authentication_id: Option<String>,
        pub account_id: Option<Uuid>,
        pub service_profile: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

fn now() -> chrono::DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Inserts an actor row.
pub async fn insert_actor(conn: &impl ConnectionTrait, actor: &Actor) -> AppResult<()> {
    let now = now();
    actor::Entity::insert(actor::ActiveModel {
        id: Set(actor.id.0),
        created_date: Set(now),
        updated_date: Set(now),
        version: Set(1),
        actor_type: Set(actor.actor_type.as_str().to_owned()),
        name_id: Set(actor.name_id.clone()),
        authorization_id: Set(None),
        profile_id: Set(actor.profile_id),
        storage_aggregator_id: Set(actor.storage_aggregator_id),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// The actor with this id.
pub async fn find_actor(conn: &impl ConnectionTrait, id: ActorId) -> AppResult<Option<Actor>> {
    let Some(row) = actor::Entity::find_by_id(id.0).one(conn).await? else {
        return Ok(None);
    };
    let actor_type = ActorType::parse(&row.actor_type).ok_or_else(|| {
        AppError::internal_msg(format_args!(
            "actor {} has unknown type {:?}",
            row.id, row.actor_type
        ))
    })?;
    Ok(Some(Actor {
        id: ActorId(row.id),
        actor_type,
        name_id: row.name_id,
        profile_id: row.profile_id,
        storage_aggregator_id: row.storage_aggregator_id,
        authorization_id: row.authorization_id,
        created_date: row.created_date,
        updated_date: row.updated_date,
    }))
}

/// NameIDs of this kind of actor that start with `prefix` (for de-duplication).
pub async fn name_ids_with_prefix(
    conn: &impl ConnectionTrait,
    actor_type: ActorType,
    prefix: &str,
) -> AppResult<Vec<String>> {
    let rows: Vec<String> = actor::Entity::find()
        .select_only()
        .column(actor::Column::NameId)
        .filter(actor::Column::ActorType.eq(actor_type.as_str()))
        .filter(actor::Column::NameId.starts_with(prefix))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows)
}

/// The credentials an actor holds.
pub async fn credentials_of(
    conn: &impl ConnectionTrait,
    id: ActorId,
) -> AppResult<Vec<Credential>> {
    let rows = credential::Entity::find()
        .filter(credential::Column::ActorId.eq(id.0))
        .all(conn)
        .await?;
    rows.into_iter()
        .map(|r| {
            let credential_type: CredentialType = r
                .credential_type
                .parse()
                .map_err(|e| AppError::internal_msg(format_args!("credential {}: {e}", r.id)))?;
            Ok(Credential {
                credential_type,
                resource_id: r.resource_id,
            })
        })
        .collect()
}

/// Stores a credential; returns false when the actor already held it.
pub async fn insert_credential(
    conn: &impl ConnectionTrait,
    actor_id: ActorId,
    credential: &Credential,
) -> AppResult<bool> {
    let now = now();
    let result = credential::Entity::insert(credential::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        created_date: Set(now),
        updated_date: Set(now),
        version: Set(1),
        actor_id: Set(actor_id.0),
        credential_type: Set(credential.credential_type.as_str().to_owned()),
        resource_id: Set(credential.resource_id.clone()),
        issuer: Set(None),
        expires: Set(None),
    })
    .on_conflict(
        OnConflict::columns([
            credential::Column::ActorId,
            credential::Column::CredentialType,
            credential::Column::ResourceId,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(result > 0)
}

/// Removes a credential; returns false when the actor did not hold it.
pub async fn delete_credential(
    conn: &impl ConnectionTrait,
    actor_id: ActorId,
    credential: &Credential,
) -> AppResult<bool> {
    let result = credential::Entity::delete_many()
        .filter(credential::Column::ActorId.eq(actor_id.0))
        .filter(credential::Column::CredentialType.eq(credential.credential_type.as_str()))
        .filter(credential::Column::ResourceId.eq(credential.resource_id.as_str()))
        .exec(conn)
        .await?;
    Ok(result.rows_affected > 0)
}

/// The actors holding a credential.
pub async fn actors_with_credential(
    conn: &impl ConnectionTrait,
    credential: &Credential,
) -> AppResult<Vec<ActorId>> {
    let ids: Vec<uuid::Uuid> = credential::Entity::find()
        .select_only()
        .column(credential::Column::ActorId)
        .filter(credential::Column::CredentialType.eq(credential.credential_type.as_str()))
        .filter(credential::Column::ResourceId.eq(credential.resource_id.as_str()))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(ids.into_iter().map(ActorId).collect())
}

/// The actors holding a credential of a type, for one resource or (without one) any, each once.
pub async fn holders_of(
    conn: &impl ConnectionTrait,
    credential_type: &str,
    resource: Option<&str>,
) -> AppResult<Vec<ActorId>> {
    let mut query = credential::Entity::find()
        .select_only()
        .column(credential::Column::ActorId)
        .distinct()
        .filter(credential::Column::CredentialType.eq(credential_type));
    if let Some(resource) = resource {
        query = query.filter(credential::Column::ResourceId.eq(resource));
    }
    let ids: Vec<uuid::Uuid> = query
        .order_by_asc(credential::Column::ActorId)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(ids.into_iter().map(ActorId).collect())
}

/// The actors holding any credential of these types (any resource), each once.
pub async fn holders_of_types(
    conn: &impl ConnectionTrait,
    types: &[&str],
) -> AppResult<Vec<ActorId>> {
    if types.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<uuid::Uuid> = credential::Entity::find()
        .select_only()
        .column(credential::Column::ActorId)
        .distinct()
        .filter(credential::Column::CredentialType.is_in(types.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(ids.into_iter().map(ActorId).collect())
}

/// Every credential held for any of these resources, with its holder, oldest first (one
/// query).
pub async fn holders_by_resources(
    conn: &impl ConnectionTrait,
    resources: &[uuid::Uuid],
) -> AppResult<Vec<(Credential, ActorId)>> {
    if resources.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(String, String, uuid::Uuid)> = credential::Entity::find()
        .select_only()
        .column(credential::Column::CredentialType)
        .column(credential::Column::ResourceId)
        .column(credential::Column::ActorId)
        .filter(credential::Column::ResourceId.is_in(resources.iter().map(|r| r.to_string())))
        .order_by_asc(credential::Column::CreatedDate)
        .into_tuple()
        .all(conn)
        .await?;
    rows.into_iter()
        .map(|(ty, resource, actor)| {
            let credential_type = ty.parse().map_err(|e| {
                AppError::internal_msg(format_args!("credential of actor {actor}: {e}"))
            })?;
            Ok((
                Credential {
                    credential_type,
                    resource_id: resource,
                },
                ActorId(actor),
            ))
        })
        .collect()
}

fn to_user(row: user::Model, actor: &actor::Model) -> User {
    let (name_id, authorization_id) = (actor.name_id.clone(), actor.authorization_id);
    User {
        id: UserId(row.id),
        name_id,
        email: row.email,
        first_name: row.first_name,
        last_name: row.last_name,
        phone: row.phone,
        authentication_id: row.authentication_id,
        service_profile: row.service_profile,
        authorization_id,
        account_id: row.account_id.map(ActorId),
        profile_id: actor.profile_id,
        storage_aggregator_id: actor.storage_aggregator_id,
        created_date: row.created_date,
        updated_date: row.updated_date,
    }
}

async fn with_name_id(
    conn: &impl ConnectionTrait,
    row: Option<user::Model>,
) -> AppResult<Option<User>> {
    let Some(row) = row else { return Ok(None) };
    let actor = actor::Entity::find_by_id(row.id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::internal_msg(format_args!("user {} has no actor row", row.id)))?;
    Ok(Some(to_user(row, &actor)))
}

/// Inserts a user row (its actor row must exist).
pub async fn insert_user(conn: &impl ConnectionTrait, user: &User) -> AppResult<()> {
    let now = now();
    user::Entity::insert(user::ActiveModel {
        id: Set(user.id.0),
        created_date: Set(now),
        updated_date: Set(now),
        version: Set(1),
        email: Set(user.email.clone()),
        first_name: Set(user.first_name.clone()),
        last_name: Set(user.last_name.clone()),
        phone: Set(user.phone.clone()),
        authentication_id: Set(user.authentication_id.clone()),
        account_id: Set(None),
        service_profile: Set(user.service_profile),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// A user by id.
pub async fn find_user(conn: &impl ConnectionTrait, id: UserId) -> AppResult<Option<User>> {
    let row = user::Entity::find_by_id(id.0).one(conn).await?;
    with_name_id(conn, row).await
}

/// A user by (lower-cased) e-mail.
pub async fn find_user_by_email(
    conn: &impl ConnectionTrait,
    email: &str,
) -> AppResult<Option<User>> {
    let row = user::Entity::find()
        .filter(user::Column::Email.eq(email.to_lowercase()))
        .one(conn)
        .await?;
    with_name_id(conn, row).await
}

/// A user by identity-provider id.
pub async fn find_user_by_authentication_id(
    conn: &impl ConnectionTrait,
    authentication_id: &str,
) -> AppResult<Option<User>> {
    let row = user::Entity::find()
        .filter(user::Column::AuthenticationId.eq(authentication_id))
        .one(conn)
        .await?;
    with_name_id(conn, row).await
}

/// Links a user to an identity-provider id.
pub async fn set_authentication_id(
    conn: &impl ConnectionTrait,
    id: UserId,
    authentication_id: &str,
) -> AppResult<()> {
    user::Entity::update_many()
        .col_expr(
            user::Column::AuthenticationId,
            sea_orm::sea_query::Expr::value(authentication_id),
        )
        .col_expr(
            user::Column::UpdatedDate,
            sea_orm::sea_query::Expr::value(now()),
        )
        .filter(user::Column::Id.eq(id.0))
        .exec(conn)
        .await?;
    Ok(())
}

/// How many actors of a kind hold a credential.
pub async fn count_holders(
    conn: &impl ConnectionTrait,
    credential: &Credential,
    actor_type: ActorType,
) -> AppResult<u64> {
    let holders = actors_with_credential(conn, credential).await?;
    if holders.is_empty() {
        return Ok(0);
    }
    let count = actor::Entity::find()
        .filter(actor::Column::Id.is_in(holders.iter().map(|a| a.0)))
        .filter(actor::Column::ActorType.eq(actor_type.as_str()))
        .count(conn)
        .await?;
    Ok(count)
}

/// The users with these ids, in no particular order.
pub async fn find_users(conn: &impl ConnectionTrait, ids: &[UserId]) -> AppResult<Vec<User>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = user::Entity::find()
        .filter(user::Column::Id.is_in(ids.iter().map(|i| i.0)))
        .all(conn)
        .await?;
    let actors: std::collections::HashMap<uuid::Uuid, actor::Model> = actor::Entity::find()
        .filter(actor::Column::Id.is_in(ids.iter().map(|i| i.0)))
        .all(conn)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    rows.into_iter()
        .map(|row| {
            let actor = actors.get(&row.id).ok_or_else(|| {
                AppError::internal_msg(format_args!("user {} has no actor row", row.id))
            })?;
            Ok(to_user(row, actor))
        })
        .collect()
}

/// Points an actor at its authorization policy.
pub async fn set_actor_authorization_id(
    conn: &impl ConnectionTrait,
    id: ActorId,
    authorization_id: uuid::Uuid,
) -> AppResult<()> {
    actor::Entity::update_many()
        .col_expr(
            actor::Column::AuthorizationId,
            sea_orm::sea_query::Expr::value(authorization_id),
        )
        .filter(actor::Column::Id.eq(id.0))
        .exec(conn)
        .await?;
    Ok(())
}

/// Ids of every user.
pub async fn all_user_ids(conn: &impl ConnectionTrait) -> AppResult<Vec<UserId>> {
    let ids: Vec<uuid::Uuid> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(ids.into_iter().map(UserId).collect())
}

/// The actors whose profiles these are: profile id → (actor type, NameID).
pub async fn actors_by_profile(
    conn: &impl ConnectionTrait,
    profiles: &[uuid::Uuid],
) -> AppResult<std::collections::HashMap<uuid::Uuid, (ActorType, String)>> {
    if profiles.is_empty() {
        return Ok(Default::default());
    }
    let rows = actor::Entity::find()
        .filter(actor::Column::ProfileId.is_in(profiles.iter().copied()))
        .all(conn)
        .await?;
    let mut out = std::collections::HashMap::new();
    for row in rows {
        if let (Some(profile), Some(kind)) = (row.profile_id, ActorType::parse(&row.actor_type)) {
            out.insert(profile, (kind, row.name_id));
        }
    }
    Ok(out)
}

/// The id of the actor owning a profile.
pub async fn actor_id_by_profile(
    conn: &impl ConnectionTrait,
    profile: uuid::Uuid,
) -> AppResult<Option<uuid::Uuid>> {
    Ok(actor::Entity::find()
        .select_only()
        .column(actor::Column::Id)
        .filter(actor::Column::ProfileId.eq(profile))
        .into_tuple()
        .one(conn)
        .await?)
}

pub(crate) mod user_settings {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "user_settings")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        pub user_id: Uuid,
        pub settings: Json,
        pub authorization_id: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

fn to_settings(r: user_settings::Model) -> crate::model::UserSettings {
    crate::model::UserSettings {
        id: r.id,
        user_id: UserId(r.user_id),
        document: crate::settings::with_defaults(r.settings),
        authorization_id: r.authorization_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    }
}

/// Inserts a user's settings.
pub async fn insert_settings(
    conn: &impl ConnectionTrait,
    s: &crate::model::UserSettings,
) -> AppResult<()> {
    user_settings::Entity::insert(user_settings::ActiveModel {
        id: Set(s.id),
        created_date: Set(s.created_date),
        updated_date: Set(s.updated_date),
        version: Set(1),
        user_id: Set(s.user_id.0),
        settings: Set(s.document.clone()),
        authorization_id: Set(s.authorization_id),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// A user's settings.
pub async fn find_settings(
    conn: &impl ConnectionTrait,
    user: UserId,
) -> AppResult<Option<crate::model::UserSettings>> {
    Ok(user_settings::Entity::find()
        .filter(user_settings::Column::UserId.eq(user.0))
        .one(conn)
        .await?
        .map(to_settings))
}

/// Settings of many users (one query).
pub async fn find_settings_many(
    conn: &impl ConnectionTrait,
    users: &[uuid::Uuid],
) -> AppResult<Vec<crate::model::UserSettings>> {
    if users.is_empty() {
        return Ok(Vec::new());
    }
    Ok(user_settings::Entity::find()
        .filter(user_settings::Column::UserId.is_in(users.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(to_settings)
        .collect())
}

/// Writes a user's settings document.
pub async fn update_settings(
    conn: &impl ConnectionTrait,
    id: uuid::Uuid,
    document: serde_json::Value,
) -> AppResult<()> {
    user_settings::Entity::update(user_settings::ActiveModel {
        id: Set(id),
        updated_date: Set(now()),
        settings: Set(document),
        ..Default::default()
    })
    .exec(conn)
    .await?;
    Ok(())
}

/// Links a user to its account.
pub async fn set_user_account(
    conn: &impl ConnectionTrait,
    id: UserId,
    account: ActorId,
) -> AppResult<()> {
    user::Entity::update_many()
        .col_expr(
            user::Column::AccountId,
            sea_orm::sea_query::Expr::value(account.0),
        )
        .filter(user::Column::Id.eq(id.0))
        .exec(conn)
        .await?;
    Ok(())
}

/// The user hosting an account, if a user hosts it.
pub async fn user_by_account(
    conn: &impl ConnectionTrait,
    account: ActorId,
) -> AppResult<Option<User>> {
    let row = user::Entity::find()
        .filter(user::Column::AccountId.eq(account.0))
        .one(conn)
        .await?;
    with_name_id(conn, row).await
}

/// A stored credential with its bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialRecord {
    /// Its id.
    pub id: uuid::Uuid,
    /// The credential.
    pub credential: Credential,
    /// Who issued it.
    pub issuer: Option<uuid::Uuid>,
    /// When it expires.
    pub expires: Option<chrono::DateTime<Utc>>,
    /// When it was granted.
    pub created_date: chrono::DateTime<Utc>,
    /// When it last changed.
    pub updated_date: chrono::DateTime<Utc>,
}

/// The stored credentials of an actor, oldest first.
pub async fn credential_records(
    conn: &impl ConnectionTrait,
    id: ActorId,
) -> AppResult<Vec<CredentialRecord>> {
    let rows = credential::Entity::find()
        .filter(credential::Column::ActorId.eq(id.0))
        .order_by_asc(credential::Column::CreatedDate)
        .order_by_asc(credential::Column::Id)
        .all(conn)
        .await?;
    rows.into_iter()
        .map(|r| {
            let credential_type: CredentialType = r
                .credential_type
                .parse()
                .map_err(|e| AppError::internal_msg(format_args!("credential {}: {e}", r.id)))?;
            Ok(CredentialRecord {
                id: r.id,
                credential: Credential {
                    credential_type,
                    resource_id: r.resource_id,
                },
                issuer: r.issuer,
                expires: r.expires,
                created_date: r.created_date,
                updated_date: r.updated_date,
            })
        })
        .collect()
}

/// Stores a user's own columns (names, phone, service-profile flag).
pub async fn update_user_fields(conn: &impl ConnectionTrait, u: &User) -> AppResult<()> {
    use sea_orm::sea_query::Expr;
    user::Entity::update_many()
        .col_expr(user::Column::FirstName, Expr::value(u.first_name.clone()))
        .col_expr(user::Column::LastName, Expr::value(u.last_name.clone()))
        .col_expr(user::Column::Phone, Expr::value(u.phone.clone()))
        .col_expr(user::Column::ServiceProfile, Expr::value(u.service_profile))
        .col_expr(user::Column::UpdatedDate, Expr::value(now()))
        .filter(user::Column::Id.eq(u.id.0))
        .exec(conn)
        .await?;
    Ok(())
}

/// Changes an actor's NameID.
pub async fn set_actor_name_id(
    conn: &impl ConnectionTrait,
    id: ActorId,
    name_id: &str,
) -> AppResult<()> {
    use sea_orm::sea_query::Expr;
    actor::Entity::update_many()
        .col_expr(actor::Column::NameId, Expr::value(name_id))
        .col_expr(actor::Column::UpdatedDate, Expr::value(now()))
        .filter(actor::Column::Id.eq(id.0))
        .exec(conn)
        .await?;
    Ok(())
}

/// The actors with these ids, by id, in one query.
pub async fn find_actors(
    conn: &impl ConnectionTrait,
    ids: &[uuid::Uuid],
) -> AppResult<std::collections::HashMap<uuid::Uuid, Actor>> {
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let rows = actor::Entity::find()
        .filter(actor::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?;
    rows.into_iter()
        .map(|row| {
            let actor_type = ActorType::parse(&row.actor_type).ok_or_else(|| {
                AppError::internal_msg(format_args!(
                    "actor {} has unknown type {:?}",
                    row.id, row.actor_type
                ))
            })?;
            Ok((
                row.id,
                Actor {
                    id: ActorId(row.id),
                    actor_type,
                    name_id: row.name_id,
                    profile_id: row.profile_id,
                    storage_aggregator_id: row.storage_aggregator_id,
                    authorization_id: row.authorization_id,
                    created_date: row.created_date,
                    updated_date: row.updated_date,
                },
            ))
        })
        .collect()
}

/// The id of the actor of this kind with this NameID.
pub async fn actor_id_by_name_id(
    conn: &impl ConnectionTrait,
    actor_type: ActorType,
    name_id: &str,
) -> AppResult<Option<ActorId>> {
    let id: Option<uuid::Uuid> = actor::Entity::find()
        .select_only()
        .column(actor::Column::Id)
        .filter(actor::Column::ActorType.eq(actor_type.as_str()))
        .filter(actor::Column::NameId.eq(name_id))
        .into_tuple()
        .one(conn)
        .await?;
    Ok(id.map(ActorId))
}

/// Deletes an actor row; its kind's row, its credentials (and a user's settings) go with it.
pub async fn delete_actor(conn: &impl ConnectionTrait, id: ActorId) -> AppResult<()> {
    actor::Entity::delete_by_id(id.0).exec(conn).await?;
    Ok(())
}

/// Revokes a credential from everybody holding it; returns who held it.
pub async fn revoke_from_all(
    conn: &impl ConnectionTrait,
    credential: &Credential,
) -> AppResult<Vec<ActorId>> {
    let holders = actors_with_credential(conn, credential).await?;
    credential::Entity::delete_many()
        .filter(credential::Column::CredentialType.eq(credential.credential_type.as_str()))
        .filter(credential::Column::ResourceId.eq(credential.resource_id.as_str()))
        .exec(conn)
        .await?;
    Ok(holders)
}

/// Stores a user's e-mail address.
pub async fn update_user_email(conn: &impl ConnectionTrait, u: &User) -> AppResult<()> {
    use sea_orm::sea_query::Expr;
    user::Entity::update_many()
        .col_expr(user::Column::Email, Expr::value(u.email.clone()))
        .col_expr(user::Column::UpdatedDate, Expr::value(now()))
        .filter(user::Column::Id.eq(u.id.0))
        .exec(conn)
        .await?;
    Ok(())
}

/// The actor whose storage aggregator this is.
pub async fn actor_by_aggregator(
    conn: &impl ConnectionTrait,
    aggregator: uuid::Uuid,
) -> AppResult<Option<Actor>> {
    let id: Option<uuid::Uuid> = actor::Entity::find()
        .select_only()
        .column(actor::Column::Id)
        .filter(actor::Column::StorageAggregatorId.eq(aggregator))
        .into_tuple()
        .one(conn)
        .await?;
    match id {
        Some(id) => find_actor(conn, ActorId(id)).await,
        None => Ok(None),
    }
}
