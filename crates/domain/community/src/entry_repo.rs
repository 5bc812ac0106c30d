//! SQL for applications, invitations, platform invitations and application forms.

use std::collections::HashMap;

use alkemio_kernel::ids::{ActorId, RoleSetId, UserId};
use alkemio_kernel::{AppError, AppResult};
use chrono::{SubsecRound, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use crate::entry::{Application, Form, Invitation, PlatformInvitation};

pub(crate) mod application {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "application")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        pub role_set_id: Uuid,
        pub actor_id: Uuid,
        pub lifecycle_id: Uuid,
        pub state: String,
        pub questions: Json,
        pub authorization_id: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub(crate) mod invitation {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "invitation")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        pub role_set_id: Uuid,
        pub invited_actor_id: Uuid,
        pub invitee_account_id: Option<Uuid>,
        pub created_by: Option<Uuid>,
        pub welcome_message: Option<String>,
        pub invited_to_parent: bool,
        pub extra_roles: Json,
        pub lifecycle_id: Uuid,
        pub state: String,
        pub authorization_id: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub(crate) mod platform_invitation {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "platform_invitation")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        pub role_set_id: Uuid,
        pub email: String,
        pub first_name: Option<String>,
        pub last_name: Option<String>,
        pub created_by: Uuid,
        pub welcome_message: Option<String>,
        pub role_set_invited_to_parent: bool,
        pub role_set_extra_roles: Json,
        pub profile_created: bool,
        pub authorization_id: Option<Uuid>,
        pub platform_role: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

fn corrupt(what: &str, id: Uuid, e: impl std::fmt::Display) -> AppError {
    AppError::internal_msg(format_args!("{what} {id}: {e}"))
}

fn json<T: serde::Serialize>(value: &T) -> AppResult<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| AppError::internal_msg(format_args!("encoding: {e}")))
}

fn decode_application(r: application::Model) -> AppResult<Application> {
    Ok(Application {
        id: r.id,
        role_set_id: RoleSetId(r.role_set_id),
        user_id: UserId(r.actor_id),
        lifecycle_id: r.lifecycle_id,
        state: r
            .state
            .parse()
            .map_err(|e| corrupt("application", r.id, e))?,
        answers: serde_json::from_value(r.questions)
            .map_err(|e| corrupt("application", r.id, e))?,
        authorization_id: r.authorization_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    })
}

fn decode_invitation(r: invitation::Model) -> AppResult<Invitation> {
    Ok(Invitation {
        id: r.id,
        role_set_id: RoleSetId(r.role_set_id),
        invited_actor_id: ActorId(r.invited_actor_id),
        invitee_account_id: r.invitee_account_id.map(ActorId),
        created_by: r.created_by.map(UserId),
        welcome_message: r.welcome_message,
        invited_to_parent: r.invited_to_parent,
        extra_roles: serde_json::from_value::<Vec<String>>(r.extra_roles)
            .map_err(|e| corrupt("invitation", r.id, e))?
            .iter()
            .map(|s| s.parse())
            .collect::<Result<_, _>>()
            .map_err(|e| corrupt("invitation", r.id, e))?,
        lifecycle_id: r.lifecycle_id,
        state: r
            .state
            .parse()
            .map_err(|e| corrupt("invitation", r.id, e))?,
        authorization_id: r.authorization_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    })
}

fn decode_platform(r: platform_invitation::Model) -> AppResult<PlatformInvitation> {
    Ok(PlatformInvitation {
        id: r.id,
        role_set_id: RoleSetId(r.role_set_id),
        email: r.email,
        first_name: r.first_name,
        last_name: r.last_name,
        created_by: UserId(r.created_by),
        welcome_message: r.welcome_message,
        role_set_invited_to_parent: r.role_set_invited_to_parent,
        role_set_extra_roles: serde_json::from_value::<Vec<String>>(r.role_set_extra_roles)
            .map_err(|e| corrupt("platform invitation", r.id, e))?
            .iter()
            .map(|s| s.parse())
            .collect::<Result<_, _>>()
            .map_err(|e| corrupt("platform invitation", r.id, e))?,
        profile_created: r.profile_created,
        platform_role: r
            .platform_role
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(|e| corrupt("platform invitation", r.id, e))?,
        authorization_id: r.authorization_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    })
}

fn role_strings(roles: &[crate::model::RoleName]) -> Vec<&'static str> {
    roles.iter().map(|r| r.as_str()).collect()
}

/// Stores a new application.
pub async fn insert_application(conn: &impl ConnectionTrait, a: &Application) -> AppResult<()> {
    application::Entity::insert(application::ActiveModel {
        id: Set(a.id),
        created_date: Set(a.created_date),
        updated_date: Set(a.updated_date),
        version: Set(1),
        role_set_id: Set(a.role_set_id.0),
        actor_id: Set(a.user_id.0),
        lifecycle_id: Set(a.lifecycle_id),
        state: Set(a.state.as_str().to_owned()),
        questions: Set(json(&a.answers)?),
        authorization_id: Set(a.authorization_id),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Stores a new invitation.
pub async fn insert_invitation(conn: &impl ConnectionTrait, i: &Invitation) -> AppResult<()> {
    invitation::Entity::insert(invitation::ActiveModel {
        id: Set(i.id),
        created_date: Set(i.created_date),
        updated_date: Set(i.updated_date),
        version: Set(1),
        role_set_id: Set(i.role_set_id.0),
        invited_actor_id: Set(i.invited_actor_id.0),
        invitee_account_id: Set(i.invitee_account_id.map(|a| a.0)),
        created_by: Set(i.created_by.map(|u| u.0)),
        welcome_message: Set(i.welcome_message.clone()),
        invited_to_parent: Set(i.invited_to_parent),
        extra_roles: Set(json(&role_strings(&i.extra_roles))?),
        lifecycle_id: Set(i.lifecycle_id),
        state: Set(i.state.as_str().to_owned()),
        authorization_id: Set(i.authorization_id),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Stores a new platform invitation.
pub async fn insert_platform_invitation(
    conn: &impl ConnectionTrait,
    p: &PlatformInvitation,
) -> AppResult<()> {
    platform_invitation::Entity::insert(platform_invitation::ActiveModel {
        id: Set(p.id),
        created_date: Set(p.created_date),
        updated_date: Set(p.updated_date),
        version: Set(1),
        role_set_id: Set(p.role_set_id.0),
        email: Set(p.email.clone()),
        first_name: Set(p.first_name.clone()),
        last_name: Set(p.last_name.clone()),
        created_by: Set(p.created_by.0),
        welcome_message: Set(p.welcome_message.clone()),
        role_set_invited_to_parent: Set(p.role_set_invited_to_parent),
        role_set_extra_roles: Set(json(&role_strings(&p.role_set_extra_roles))?),
        profile_created: Set(p.profile_created),
        authorization_id: Set(p.authorization_id),
        platform_role: Set(p.platform_role.as_ref().map(|r| r.as_str().to_owned())),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Moves an application to `state`.
pub async fn set_application_state(
    conn: &impl ConnectionTrait,
    id: Uuid,
    state: &str,
) -> AppResult<()> {
    application::Entity::update_many()
        .col_expr(application::Column::State, Expr::value(state))
        .col_expr(
            application::Column::UpdatedDate,
            Expr::value(Utc::now().trunc_subsecs(6)),
        )
        .filter(application::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Moves an invitation to `state`.
pub async fn set_invitation_state(
    conn: &impl ConnectionTrait,
    id: Uuid,
    state: &str,
) -> AppResult<()> {
    invitation::Entity::update_many()
        .col_expr(invitation::Column::State, Expr::value(state))
        .col_expr(
            invitation::Column::UpdatedDate,
            Expr::value(Utc::now().trunc_subsecs(6)),
        )
        .filter(invitation::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Marks a platform invitation as honoured by a registration.
pub async fn set_profile_created(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<()> {
    platform_invitation::Entity::update_many()
        .col_expr(
            platform_invitation::Column::ProfileCreated,
            Expr::value(true),
        )
        .col_expr(
            platform_invitation::Column::UpdatedDate,
            Expr::value(Utc::now().trunc_subsecs(6)),
        )
        .filter(platform_invitation::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// An application.
pub async fn application(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<Option<Application>> {
    application::Entity::find_by_id(id)
        .one(conn)
        .await?
        .map(decode_application)
        .transpose()
}

/// An invitation.
pub async fn invitation(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<Option<Invitation>> {
    invitation::Entity::find_by_id(id)
        .one(conn)
        .await?
        .map(decode_invitation)
        .transpose()
}

/// A platform invitation.
pub async fn platform_invitation(
    conn: &impl ConnectionTrait,
    id: Uuid,
) -> AppResult<Option<PlatformInvitation>> {
    platform_invitation::Entity::find_by_id(id)
        .one(conn)
        .await?
        .map(decode_platform)
        .transpose()
}

/// The applications to a role set, oldest first.
pub async fn applications_of(
    conn: &impl ConnectionTrait,
    set: RoleSetId,
) -> AppResult<Vec<Application>> {
    application::Entity::find()
        .filter(application::Column::RoleSetId.eq(set.0))
        .order_by_asc(application::Column::CreatedDate)
        .order_by_asc(application::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(decode_application)
        .collect()
}

/// The invitations to a role set, oldest first.
pub async fn invitations_of(
    conn: &impl ConnectionTrait,
    set: RoleSetId,
) -> AppResult<Vec<Invitation>> {
    invitation::Entity::find()
        .filter(invitation::Column::RoleSetId.eq(set.0))
        .order_by_asc(invitation::Column::CreatedDate)
        .order_by_asc(invitation::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(decode_invitation)
        .collect()
}

/// The platform invitations to a role set, oldest first.
pub async fn platform_invitations_of(
    conn: &impl ConnectionTrait,
    set: RoleSetId,
) -> AppResult<Vec<PlatformInvitation>> {
    platform_invitation::Entity::find()
        .filter(platform_invitation::Column::RoleSetId.eq(set.0))
        .order_by_asc(platform_invitation::Column::CreatedDate)
        .order_by_asc(platform_invitation::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(decode_platform)
        .collect()
}

/// A user's applications, oldest first.
pub async fn applications_by_user(
    conn: &impl ConnectionTrait,
    user: UserId,
) -> AppResult<Vec<Application>> {
    application::Entity::find()
        .filter(application::Column::ActorId.eq(user.0))
        .order_by_asc(application::Column::CreatedDate)
        .order_by_asc(application::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(decode_application)
        .collect()
}

/// The invitations of some actors, oldest first.
pub async fn invitations_by_actors(
    conn: &impl ConnectionTrait,
    actors: &[Uuid],
) -> AppResult<Vec<Invitation>> {
    if actors.is_empty() {
        return Ok(Vec::new());
    }
    invitation::Entity::find()
        .filter(invitation::Column::InvitedActorId.is_in(actors.iter().copied()))
        .order_by_asc(invitation::Column::CreatedDate)
        .order_by_asc(invitation::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(decode_invitation)
        .collect()
}

/// The platform invitations of an e-mail address (lower-cased), oldest first.
pub async fn platform_invitations_by_email(
    conn: &impl ConnectionTrait,
    email: &str,
) -> AppResult<Vec<PlatformInvitation>> {
    platform_invitation::Entity::find()
        .filter(platform_invitation::Column::Email.eq(email))
        .order_by_asc(platform_invitation::Column::CreatedDate)
        .all(conn)
        .await?
        .into_iter()
        .map(decode_platform)
        .collect()
}

/// For one actor and some role sets: the states of the actor's applications and invitations
/// there (two statements for any number of role sets).
pub async fn states_for_actor(
    conn: &impl ConnectionTrait,
    actor: Uuid,
    sets: &[Uuid],
) -> AppResult<HashMap<Uuid, (Vec<String>, Vec<String>)>> {
    let mut out: HashMap<Uuid, (Vec<String>, Vec<String>)> = HashMap::new();
    if sets.is_empty() {
        return Ok(out);
    }
    let apps: Vec<(Uuid, String)> = application::Entity::find()
        .select_only()
        .column(application::Column::RoleSetId)
        .column(application::Column::State)
        .filter(application::Column::ActorId.eq(actor))
        .filter(application::Column::RoleSetId.is_in(sets.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    for (set, state) in apps {
        out.entry(set).or_default().0.push(state);
    }
    let invs: Vec<(Uuid, String)> = invitation::Entity::find()
        .select_only()
        .column(invitation::Column::RoleSetId)
        .column(invitation::Column::State)
        .filter(invitation::Column::InvitedActorId.eq(actor))
        .filter(invitation::Column::RoleSetId.is_in(sets.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    for (set, state) in invs {
        out.entry(set).or_default().1.push(state);
    }
    Ok(out)
}

/// Deletes an application.
pub async fn delete_application(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<()> {
    application::Entity::delete_by_id(id).exec(conn).await?;
    Ok(())
}

/// Deletes an invitation.
pub async fn delete_invitation(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<()> {
    invitation::Entity::delete_by_id(id).exec(conn).await?;
    Ok(())
}

/// Deletes a platform invitation.
pub async fn delete_platform_invitation(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<()> {
    platform_invitation::Entity::delete_by_id(id)
        .exec(conn)
        .await?;
    Ok(())
}

/// The policy ids of the rows of `E` whose `filter` column is one of `ids`.
async fn policy_ids<E: EntityTrait>(
    conn: &impl ConnectionTrait,
    policy: E::Column,
    filter: E::Column,
    ids: &[Uuid],
) -> AppResult<Vec<Uuid>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<Option<Uuid>> = E::find()
        .select_only()
        .column(policy)
        .filter(filter.is_in(ids.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(found.into_iter().flatten().collect())
}

/// The policy ids of everything entering some role sets, or entered by some actors, before
/// their rows go (the rows go by cascade; their policies are deleted with these ids).
pub async fn entry_policy_ids(
    conn: &impl ConnectionTrait,
    sets: &[Uuid],
    actors: &[Uuid],
) -> AppResult<Vec<Uuid>> {
    use application::Column as A;
    use invitation::Column as I;
    use platform_invitation::Column as P;
    let mut out =
        policy_ids::<application::Entity>(conn, A::AuthorizationId, A::RoleSetId, sets).await?;
    out.extend(
        policy_ids::<invitation::Entity>(conn, I::AuthorizationId, I::RoleSetId, sets).await?,
    );
    out.extend(
        policy_ids::<platform_invitation::Entity>(conn, P::AuthorizationId, P::RoleSetId, sets)
            .await?,
    );
    out.extend(
        policy_ids::<application::Entity>(conn, A::AuthorizationId, A::ActorId, actors).await?,
    );
    out.extend(
        policy_ids::<invitation::Entity>(conn, I::AuthorizationId, I::InvitedActorId, actors)
            .await?,
    );
    out.sort();
    out.dedup();
    Ok(out)
}

/// A role set's stored application form, when it was changed from the default.
pub async fn form(conn: &impl ConnectionTrait, set: RoleSetId) -> AppResult<Option<Form>> {
    let value: Option<Option<serde_json::Value>> = crate::repo::role_set::Entity::find()
        .select_only()
        .column(crate::repo::role_set::Column::ApplicationForm)
        .filter(crate::repo::role_set::Column::Id.eq(set.0))
        .into_tuple()
        .one(conn)
        .await?;
    value
        .flatten()
        .map(|v| serde_json::from_value(v).map_err(|e| corrupt("application form", set.0, e)))
        .transpose()
}

/// Stores a role set's application form.
pub async fn set_form(conn: &impl ConnectionTrait, set: RoleSetId, form: &Form) -> AppResult<()> {
    crate::repo::role_set::Entity::update_many()
        .col_expr(
            crate::repo::role_set::Column::ApplicationForm,
            Expr::value(json(form)?),
        )
        .filter(crate::repo::role_set::Column::Id.eq(set.0))
        .exec(conn)
        .await?;
    Ok(())
}
