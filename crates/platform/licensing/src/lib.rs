//! Licensing: what an account or space is entitled to. A license holds entitlements, each a flag
//! (on/off) or a limit (how many of something may exist). Accounts get their license when they
//! are created; license plans and policies that raise the limits arrive with the licensing
//! framework.

pub mod framework;

use std::collections::HashMap;

use alkemio_authorization::repo as auth_repo;
use alkemio_authorization::{AuthorizationPolicy, AuthorizationPolicyType, CredentialType};
use alkemio_kernel::{AppError, AppResult, stored_enum};
use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

stored_enum! {
    /// What a license belongs to.
    LicenseType {
        Account => ("ACCOUNT", "account"),
        Collaboration => ("COLLABORATION", "collaboration"),
        Roleset => ("ROLESET", "roleset"),
        Space => ("SPACE", "space"),
        TemplateContentSpace => ("TEMPLATE_CONTENT_SPACE", "template_content_space"),
        Whiteboard => ("WHITEBOARD", "whiteboard"),
    }
}

stored_enum! {
    /// What an entitlement entitles to.
    LicenseEntitlementType {
        AccountAiAssistantTokensMonth => ("ACCOUNT_AI_ASSISTANT_TOKENS_MONTH", "account-ai-assistant-tokens-month"),
        AccountInnovationHub => ("ACCOUNT_INNOVATION_HUB", "account-innovation-hub"),
        AccountInnovationPack => ("ACCOUNT_INNOVATION_PACK", "account-innovation-pack"),
        AccountSpaceFree => ("ACCOUNT_SPACE_FREE", "account-space-free"),
        AccountSpacePlus => ("ACCOUNT_SPACE_PLUS", "account-space-plus"),
        AccountSpacePremium => ("ACCOUNT_SPACE_PREMIUM", "account-space-premium"),
        AccountVirtualContributor => ("ACCOUNT_VIRTUAL_CONTRIBUTOR", "account-virtual-contributor"),
        SpaceFlagMemoMultiUser => ("SPACE_FLAG_MEMO_MULTI_USER", "space-flag-memo-multi-user"),
        SpaceFlagOfficeDocuments => ("SPACE_FLAG_OFFICE_DOCUMENTS", "space-flag-office-documents"),
        SpaceFlagSaveAsTemplate => ("SPACE_FLAG_SAVE_AS_TEMPLATE", "space-flag-save-as-template"),
        SpaceFlagVirtualContributorAccess => ("SPACE_FLAG_VIRTUAL_CONTRIBUTOR_ACCESS", "space-flag-virtual-contributor-access"),
        SpaceFlagWhiteboardMultiUser => ("SPACE_FLAG_WHITEBOARD_MULTI_USER", "space-flag-whiteboard-multi-user"),
        SpaceFree => ("SPACE_FREE", "space-free"),
        SpacePlus => ("SPACE_PLUS", "space-plus"),
        SpacePremium => ("SPACE_PREMIUM", "space-premium"),
    }
}

stored_enum! {
    /// Whether an entitlement is on/off or a count.
    LicenseEntitlementDataType {
        Flag => ("FLAG", "flag"),
        Limit => ("LIMIT", "limit"),
    }
}

/// One entitlement of a license.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entitlement {
    /// Its id.
    pub id: Uuid,
    /// What it entitles to.
    pub entitlement_type: LicenseEntitlementType,
    /// Flag or limit.
    pub data_type: LicenseEntitlementDataType,
    /// How many (for limits).
    pub limit: i32,
    /// Whether it is on.
    pub enabled: bool,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

impl Entitlement {
    /// Whether one more may be used, given how many are used: flags when enabled, limits while
    /// the usage is below the limit.
    pub fn is_available(&self, usage: i64) -> bool {
        match self.data_type {
            LicenseEntitlementDataType::Flag => self.enabled,
            LicenseEntitlementDataType::Limit => usage < i64::from(self.limit),
        }
    }
}

/// A license.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct License {
    /// Its id.
    pub id: Uuid,
    /// What it belongs to.
    pub license_type: LicenseType,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// Its entitlements.
    pub entitlements: Vec<Entitlement>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// The entitlements an account license has, all limits at zero until a plan raises them.
pub const ACCOUNT_ENTITLEMENTS: [LicenseEntitlementType; 7] = [
    LicenseEntitlementType::AccountSpaceFree,
    LicenseEntitlementType::AccountSpacePlus,
    LicenseEntitlementType::AccountSpacePremium,
    LicenseEntitlementType::AccountVirtualContributor,
    LicenseEntitlementType::AccountInnovationHub,
    LicenseEntitlementType::AccountInnovationPack,
    LicenseEntitlementType::AccountAiAssistantTokensMonth,
];

/// A new account license and its policy, inheriting the account's.
pub fn new_account_license(account_policy: &AuthorizationPolicy) -> (License, AuthorizationPolicy) {
    let now = Utc::now().trunc_subsecs(6);
    let mut policy = auth_repo::new_policy(AuthorizationPolicyType::License);
    policy.inherit_from(account_policy);
    let entitlements = ACCOUNT_ENTITLEMENTS
        .iter()
        .map(|t| Entitlement {
            id: Uuid::now_v7(),
            entitlement_type: *t,
            data_type: LicenseEntitlementDataType::Limit,
            limit: 0,
            enabled: false,
            created_date: now,
            updated_date: now,
        })
        .collect();
    let license = License {
        id: Uuid::now_v7(),
        license_type: LicenseType::Account,
        authorization_id: Some(policy.id),
        entitlements,
        created_date: now,
        updated_date: now,
    };
    (license, policy)
}

/// The entitlements a space license has (all flags).
pub const SPACE_ENTITLEMENTS: [LicenseEntitlementType; 8] = [
    LicenseEntitlementType::SpaceFree,
    LicenseEntitlementType::SpacePlus,
    LicenseEntitlementType::SpacePremium,
    LicenseEntitlementType::SpaceFlagSaveAsTemplate,
    LicenseEntitlementType::SpaceFlagVirtualContributorAccess,
    LicenseEntitlementType::SpaceFlagWhiteboardMultiUser,
    LicenseEntitlementType::SpaceFlagMemoMultiUser,
    LicenseEntitlementType::SpaceFlagOfficeDocuments,
];

/// The flags of a space license as the license policy grants them to holders of `held`
/// (the licensing credentials of the space and its ancestors): each on, with limit 1, when a
/// rule grants it.
pub fn space_flags(
    held: &[CredentialType],
    policy: &framework::LicensePolicy,
) -> Vec<(LicenseEntitlementType, i32, bool)> {
    SPACE_ENTITLEMENTS
        .iter()
        .map(|t| {
            let on = policy.granted(*t, held).is_some();
            (*t, i32::from(on), on)
        })
        .collect()
}

/// The limits of an account license: the baseline plus the grant of the license policy's
/// first rule matching the account's licensing credentials; each on when above zero.
pub fn account_limits(
    baseline: impl Fn(LicenseEntitlementType) -> i32,
    held: &[CredentialType],
    policy: &framework::LicensePolicy,
) -> Vec<(LicenseEntitlementType, i32, bool)> {
    ACCOUNT_ENTITLEMENTS
        .iter()
        .map(|t| {
            let limit = baseline(*t).saturating_add(policy.granted(*t, held).unwrap_or(0));
            (*t, limit, limit > 0)
        })
        .collect()
}

/// A new space license and its policy (inheriting the space's), its flags as the license
/// policy grants them to `held`.
pub fn new_space_license(
    space_policy: &AuthorizationPolicy,
    held: &[CredentialType],
    license_policy: &framework::LicensePolicy,
) -> (License, AuthorizationPolicy) {
    let now = Utc::now().trunc_subsecs(6);
    let mut policy = auth_repo::new_policy(AuthorizationPolicyType::License);
    policy.inherit_from(space_policy);
    let entitlements = space_flags(held, license_policy)
        .into_iter()
        .map(|(t, limit, on)| Entitlement {
            id: Uuid::now_v7(),
            entitlement_type: t,
            data_type: LicenseEntitlementDataType::Flag,
            limit,
            enabled: on,
            created_date: now,
            updated_date: now,
        })
        .collect();
    let license = License {
        id: Uuid::now_v7(),
        license_type: LicenseType::Space,
        authorization_id: Some(policy.id),
        entitlements,
        created_date: now,
        updated_date: now,
    };
    (license, policy)
}

/// The entitlements a collaboration license has: the space flags its content depends on.
pub const COLLABORATION_ENTITLEMENTS: [LicenseEntitlementType; 4] = [
    LicenseEntitlementType::SpaceFlagSaveAsTemplate,
    LicenseEntitlementType::SpaceFlagWhiteboardMultiUser,
    LicenseEntitlementType::SpaceFlagMemoMultiUser,
    LicenseEntitlementType::SpaceFlagOfficeDocuments,
];

/// The values of a collaboration license copied from its space's license entitlements.
pub fn collaboration_flags(space: &[Entitlement]) -> Vec<(LicenseEntitlementType, i32, bool)> {
    COLLABORATION_ENTITLEMENTS
        .iter()
        .map(|t| match space.iter().find(|e| e.entitlement_type == *t) {
            Some(e) => (*t, e.limit, e.enabled),
            None => (*t, 0, false),
        })
        .collect()
}

/// The entitlements a role set license has: whether virtual contributors may take roles.
pub const ROLE_SET_ENTITLEMENTS: [LicenseEntitlementType; 1] =
    [LicenseEntitlementType::SpaceFlagVirtualContributorAccess];

/// The values of a role set license: a space's role set copies its space's flag; others (an
/// organization's, the platform's) have it off, as in the reference.
pub fn role_set_flags(space: Option<&[Entitlement]>) -> Vec<(LicenseEntitlementType, i32, bool)> {
    ROLE_SET_ENTITLEMENTS
        .iter()
        .map(
            |t| match space.and_then(|s| s.iter().find(|e| e.entitlement_type == *t)) {
                Some(e) => (*t, e.limit, e.enabled),
                None => (*t, 0, false),
            },
        )
        .collect()
}

/// The values of a space's role set license taken from the values of its space license.
pub fn role_set_values(
    space: &[(LicenseEntitlementType, i32, bool)],
) -> Vec<(LicenseEntitlementType, i32, bool)> {
    ROLE_SET_ENTITLEMENTS
        .iter()
        .map(|t| {
            space
                .iter()
                .find(|v| v.0 == *t)
                .copied()
                .unwrap_or((*t, 0, false))
        })
        .collect()
}

/// A new role set license (its flags as given) and its policy, inheriting the role set's
/// when it is known (else computed with the role set's).
pub fn new_role_set_license(
    role_set_policy: Option<&AuthorizationPolicy>,
    values: &[(LicenseEntitlementType, i32, bool)],
) -> (License, AuthorizationPolicy) {
    let (mut license, policy) = new_child_license(role_set_policy, values);
    license.license_type = LicenseType::Roleset;
    (license, policy)
}

/// A new collaboration license (its flags as given) and its policy, inheriting the
/// collaboration's.
pub fn new_collaboration_license(
    collaboration_policy: &AuthorizationPolicy,
    values: &[(LicenseEntitlementType, i32, bool)],
) -> (License, AuthorizationPolicy) {
    new_child_license(Some(collaboration_policy), values)
}

fn new_child_license(
    parent: Option<&AuthorizationPolicy>,
    values: &[(LicenseEntitlementType, i32, bool)],
) -> (License, AuthorizationPolicy) {
    let now = Utc::now().trunc_subsecs(6);
    let mut policy = auth_repo::new_policy(AuthorizationPolicyType::License);
    if let Some(parent) = parent {
        policy.inherit_from(parent);
    }
    let entitlements = values
        .iter()
        .map(|(t, limit, on)| Entitlement {
            id: Uuid::now_v7(),
            entitlement_type: *t,
            data_type: LicenseEntitlementDataType::Flag,
            limit: *limit,
            enabled: *on,
            created_date: now,
            updated_date: now,
        })
        .collect();
    let license = License {
        id: Uuid::now_v7(),
        license_type: LicenseType::Collaboration,
        authorization_id: Some(policy.id),
        entitlements,
        created_date: now,
        updated_date: now,
    };
    (license, policy)
}

/// Sets the limit and state of some entitlements of a license.
pub async fn set_entitlements(
    conn: &impl ConnectionTrait,
    license: Uuid,
    values: &[(LicenseEntitlementType, i32, bool)],
) -> AppResult<()> {
    let now = Utc::now().trunc_subsecs(6);
    for (t, limit, enabled) in values {
        entitlement_row::Entity::update_many()
            .col_expr(
                entitlement_row::Column::Limit,
                sea_orm::sea_query::Expr::value(*limit),
            )
            .col_expr(
                entitlement_row::Column::Enabled,
                sea_orm::sea_query::Expr::value(*enabled),
            )
            .col_expr(
                entitlement_row::Column::UpdatedDate,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(entitlement_row::Column::LicenseId.eq(license))
            .filter(entitlement_row::Column::EntitlementType.eq(t.as_str()))
            .exec(conn)
            .await?;
    }
    Ok(())
}

mod license_row {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "license")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        #[sea_orm(column_name = "type")]
        pub license_type: String,
        pub authorization_id: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

mod entitlement_row {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "license_entitlement")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        pub license_id: Uuid,
        #[sea_orm(column_name = "type")]
        pub entitlement_type: String,
        pub data_type: String,
        pub limit: i32,
        pub enabled: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Stores a license with its entitlements.
pub async fn insert_license(conn: &impl ConnectionTrait, l: &License) -> AppResult<()> {
    license_row::Entity::insert(license_row::ActiveModel {
        id: Set(l.id),
        created_date: Set(l.created_date),
        updated_date: Set(l.updated_date),
        version: Set(1),
        license_type: Set(l.license_type.as_str().to_owned()),
        authorization_id: Set(l.authorization_id),
    })
    .exec_without_returning(conn)
    .await?;
    if !l.entitlements.is_empty() {
        entitlement_row::Entity::insert_many(l.entitlements.iter().map(|e| {
            entitlement_row::ActiveModel {
                id: Set(e.id),
                created_date: Set(e.created_date),
                updated_date: Set(e.updated_date),
                version: Set(1),
                license_id: Set(l.id),
                entitlement_type: Set(e.entitlement_type.as_str().to_owned()),
                data_type: Set(e.data_type.as_str().to_owned()),
                limit: Set(e.limit),
                enabled: Set(e.enabled),
            }
        }))
        .exec_without_returning(conn)
        .await?;
    }
    Ok(())
}

/// Licenses by id with their entitlements (two queries).
pub async fn licenses(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, License>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = license_row::Entity::find()
        .filter(license_row::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?;
    let ents = entitlement_row::Entity::find()
        .filter(entitlement_row::Column::LicenseId.is_in(ids.iter().copied()))
        .order_by_asc(entitlement_row::Column::CreatedDate)
        .order_by_asc(entitlement_row::Column::Id)
        .all(conn)
        .await?;
    let bad = |id: Uuid, e: &dyn std::fmt::Display| {
        AppError::internal_msg(format_args!("license {id}: {e}"))
    };
    let mut out: HashMap<Uuid, License> = HashMap::new();
    for r in rows {
        out.insert(
            r.id,
            License {
                id: r.id,
                license_type: r.license_type.parse().map_err(|e| bad(r.id, &e))?,
                authorization_id: r.authorization_id,
                entitlements: Vec::new(),
                created_date: r.created_date,
                updated_date: r.updated_date,
            },
        );
    }
    for e in ents {
        let entitlement = Entitlement {
            id: e.id,
            entitlement_type: e
                .entitlement_type
                .parse()
                .map_err(|x| bad(e.license_id, &x))?,
            data_type: e.data_type.parse().map_err(|x| bad(e.license_id, &x))?,
            limit: e.limit,
            enabled: e.enabled,
            created_date: e.created_date,
            updated_date: e.updated_date,
        };
        if let Some(l) = out.get_mut(&e.license_id) {
            l.entitlements.push(entitlement);
        }
    }
    Ok(out)
}

/// Deletes licenses with their entitlements; returns the ids of their policies.
pub async fn delete_licenses(conn: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<Vec<Uuid>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let policies: Vec<Option<Uuid>> = license_row::Entity::find()
        .select_only()
        .column(license_row::Column::AuthorizationId)
        .filter(license_row::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    // entitlements go with their license (the foreign key cascades)
    license_row::Entity::delete_many()
        .filter(license_row::Column::Id.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    Ok(policies.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_account_license_has_seven_closed_limits() {
        let policy = AuthorizationPolicy::new(Uuid::new_v4(), AuthorizationPolicyType::Account);
        let (license, lp) = new_account_license(&policy);
        assert_eq!(license.entitlements.len(), 7);
        assert!(license.entitlements.iter().all(|e| !e.is_available(0)));
        assert_eq!(license.authorization_id, Some(lp.id));
        let flag = Entitlement {
            data_type: LicenseEntitlementDataType::Flag,
            enabled: true,
            ..license.entitlements[0].clone()
        };
        assert!(flag.is_available(100));
    }
}
