//! GraphQL of collection callouts (module `alkemio-collaboration`, reading the space and its
//! community): a CONTRIBUTORS framing lists the space's members by kind, leads first; a
//! SPACES framing lists the space's subspaces; both may be narrowed to a curated selection.

use alkemio_collaboration::model::{
    self, CalloutSelectionMode, ContributorCollectionView, SelectionSettings,
};
use alkemio_collaboration::service::{ContributorsChange, SelectionChange};
use alkemio_collaboration::{CalloutFramingType, CalloutsSetType, CollaborationService};
use alkemio_community::{RoleName, RoleSetService};
use alkemio_contributor::ActorType;
use alkemio_kernel::AppError;
use alkemio_kernel::AppResult;
use alkemio_kernel::scalars::UuidScalar;
use async_graphql::{Context, ID, InputObject, SimpleObject};
use uuid::Uuid;

use crate::context::{actor, data};
use crate::loaders::{Loaders, loaded};

/// Where a contributor is.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "ContributorLocation")]
pub struct ContributorLocation {
    /// City.
    pub city: Option<String>,
    /// Country.
    pub country: Option<String>,
    /// Whether the stored coordinates are valid (a city or country alone is not).
    pub has_valid_coordinates: bool,
    /// Latitude.
    pub latitude: Option<f64>,
    /// Longitude.
    pub longitude: Option<f64>,
}

/// One card of a contributor collection.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "ContributorCollectionItem")]
pub struct ContributorCollectionItem {
    /// The contributor's id.
    pub id: UuidScalar,
    /// Its kind.
    pub r#type: ActorType,
    /// Its name.
    pub display_name: String,
    /// Its avatar.
    pub avatar_url: Option<String>,
    /// Its role in the space: `lead` or `member`.
    pub role_label: Option<String>,
    /// Its page.
    pub url: Option<String>,
    /// Where it is (none for virtual contributors).
    pub location: Option<ContributorLocation>,
}

/// How many contributors of each kind a collection shows.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "ContributorCollectionCounts")]
pub struct ContributorCollectionCounts {
    /// Users.
    pub users: i32,
    /// Organizations.
    pub organizations: i32,
    /// Virtual contributors.
    pub virtual_contributors: i32,
}

/// What a contributor-collection callout shows.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "CalloutContributorsSettings")]
pub struct CalloutContributorsSettings {
    /// The kinds shown.
    pub contributor_types: Vec<ActorType>,
    /// The kind shown first.
    pub default_contributor_type: ActorType,
    /// List or map.
    pub default_view: ContributorCollectionView,
}

impl From<&model::ContributorsSettings> for CalloutContributorsSettings {
    fn from(c: &model::ContributorsSettings) -> Self {
        Self {
            contributor_types: c.contributor_types.clone(),
            default_contributor_type: c.default_contributor_type,
            default_view: c.default_view,
        }
    }
}

/// A collection's selection.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "CalloutSelectionSettings")]
pub struct CalloutSelectionSettings {
    /// AUTO (everything) or CUSTOM (the chosen ones).
    pub mode: CalloutSelectionMode,
    /// The chosen contributors or subspaces.
    pub selected_ids: Vec<ID>,
}

impl From<&SelectionSettings> for CalloutSelectionSettings {
    fn from(s: &SelectionSettings) -> Self {
        Self {
            mode: s.mode,
            selected_ids: s.selected_ids.iter().map(|i| ID(i.to_string())).collect(),
        }
    }
}

/// The contributor collection of a new callout.
#[derive(Debug, Clone, InputObject)]
pub struct CreateCalloutContributorsSettingsInput {
    /// The kinds shown (at least one).
    pub contributor_types: Vec<ActorType>,
    /// The kind shown first (the first kind when absent).
    pub default_contributor_type: Option<ActorType>,
    /// List or map (LIST when absent; MAP needs users or organizations).
    pub default_view: Option<ContributorCollectionView>,
}

/// Changes to a contributor collection.
#[derive(Debug, Clone, InputObject)]
pub struct UpdateCalloutContributorsSettingsInput {
    /// The kinds shown.
    pub contributor_types: Option<Vec<ActorType>>,
    /// The kind shown first.
    pub default_contributor_type: Option<ActorType>,
    /// List or map.
    pub default_view: Option<ContributorCollectionView>,
}

/// The selection of a new collection callout.
#[derive(Debug, Clone, InputObject)]
pub struct CreateCalloutSelectionSettingsInput {
    /// AUTO or CUSTOM.
    pub mode: Option<CalloutSelectionMode>,
    /// The chosen ids (at most 500; duplicates dropped).
    pub selected_ids: Option<Vec<ID>>,
}

/// Changes to a collection's selection.
#[derive(Debug, Clone, InputObject)]
pub struct UpdateCalloutSelectionSettingsInput {
    /// AUTO or CUSTOM.
    pub mode: Option<CalloutSelectionMode>,
    /// The chosen ids, replacing the list (at most 500; duplicates dropped).
    pub selected_ids: Option<Vec<ID>>,
}

pub(crate) fn contributors_change(
    types: Option<Vec<ActorType>>,
    default_type: Option<ActorType>,
    view: Option<ContributorCollectionView>,
) -> ContributorsChange {
    ContributorsChange {
        contributor_types: types,
        default_contributor_type: default_type,
        default_view: view,
    }
}

pub(crate) fn selection_change(
    mode: Option<CalloutSelectionMode>,
    ids: Option<Vec<ID>>,
) -> AppResult<SelectionChange> {
    let selected_ids = match ids {
        Some(ids) => Some(
            ids.iter()
                .map(|i| {
                    Uuid::parse_str(i.as_str()).map_err(|_| {
                        AppError::bad_input(format!("Selected id is not a UUID: {}", i.as_str()))
                    })
                })
                .collect::<AppResult<Vec<_>>>()?,
        ),
        None => None,
    };
    Ok(SelectionChange { mode, selected_ids })
}

fn custom_selection(callout: &model::Callout) -> Option<&[Uuid]> {
    match &callout.settings.framing.selection {
        Some(s) if s.mode == CalloutSelectionMode::Custom => Some(&s.selected_ids),
        _ => None,
    }
}

/// The space whose collaboration holds a callout, when it does.
async fn host_space(
    ctx: &Context<'_>,
    callout: &model::Callout,
) -> AppResult<Option<alkemio_space::Space>> {
    let svc = data::<CollaborationService>(ctx)?;
    let set = svc.callouts_set_or_fail(callout.callouts_set_id).await?;
    if set.set_type != CalloutsSetType::Collaboration {
        return Ok(None);
    }
    let collaboration = svc.collaboration_of_set(set.id).await?;
    let spaces = data::<alkemio_space::SpaceService>(ctx)?;
    Ok(spaces
        .spaces_of_collaborations(&[collaboration.id])
        .await?
        .remove(&collaboration.id))
}

/// The contributors of one kind a CONTRIBUTORS callout shows the caller: the space's leads,
/// admins and members of that kind (leads first, then by name), users only to members where
/// the space shows user information to members only, narrowed to the selection in CUSTOM
/// mode.
pub(crate) async fn contributors(
    ctx: &Context<'_>,
    callout: &model::Callout,
    framing: CalloutFramingType,
    kind: ActorType,
) -> AppResult<Vec<ContributorCollectionItem>> {
    let Some(settings) = &callout.settings.framing.contributors else {
        return Ok(Vec::new());
    };
    if framing != CalloutFramingType::Contributors || !settings.contributor_types.contains(&kind) {
        return Ok(Vec::new());
    }
    let Some(space) = host_space(ctx, callout).await? else {
        return Ok(Vec::new());
    };
    let spaces = data::<alkemio_space::SpaceService>(ctx)?;
    let role_set = spaces.role_set_of(&space).await?;
    if kind == ActorType::User
        && space.settings.privacy.user_information_visibility
            == Some(alkemio_space::model::UserInformationVisibility::MembersOnly)
    {
        let member = role_set
            .role(RoleName::Member)
            .map(|r| r.credential.clone());
        let caller = actor(ctx);
        if !member.is_some_and(|m| caller.credentials.contains(&m)) {
            return Ok(Vec::new());
        }
    }
    let role_sets = data::<RoleSetService>(ctx)?;
    let mut ranked: Vec<(Uuid, u8, &'static str)> = Vec::new();
    for (role, rank, label) in [
        (RoleName::Lead, 2u8, "lead"),
        (RoleName::Admin, 1, "member"),
        (RoleName::Member, 1, "member"),
    ] {
        if role_set.role(role).is_none() {
            continue;
        }
        for holder in role_sets.holders(&role_set, role).await? {
            match ranked.iter_mut().find(|r| r.0 == holder.0) {
                Some(r) if rank > r.1 => {
                    r.1 = rank;
                    r.2 = label;
                }
                Some(_) => {}
                None => ranked.push((holder.0, rank, label)),
            }
        }
    }
    if let Some(selected) = custom_selection(callout) {
        ranked.retain(|r| selected.contains(&r.0));
    }
    let ids: Vec<Uuid> = ranked.iter().map(|r| r.0).collect();
    let actors = data::<alkemio_contributor::ActorService>(ctx)?
        .many(&ids)
        .await?;
    ranked.retain(|r| actors.get(&r.0).is_some_and(|a| a.actor_type == kind));
    let profile_ids: Vec<Uuid> = ranked
        .iter()
        .filter_map(|r| actors.get(&r.0).and_then(|a| a.profile_id))
        .collect();
    let profiles = loaded(
        data::<Loaders>(ctx)?
            .profiles
            .load_many(profile_ids.iter().copied())
            .await,
    )?;
    let profile_service = data::<alkemio_common::profile::ProfileService>(ctx)?;
    let visuals = profile_service.visuals_of(&profile_ids).await?;
    let location_ids: Vec<Uuid> = profiles.values().filter_map(|p| p.location_id).collect();
    let locations = profile_service.locations(&location_ids).await?;
    let base = &data::<crate::SchemaServices>(ctx)?.endpoint_cluster;
    let path = match kind {
        ActorType::User => "user",
        ActorType::Organization => "organization",
        _ => "vc",
    };
    let mut items: Vec<(u8, ContributorCollectionItem)> = ranked
        .iter()
        .filter_map(|(id, rank, label)| {
            let a = actors.get(id)?;
            let profile = a.profile_id.and_then(|p| profiles.get(&p));
            let avatar = a.profile_id.and_then(|p| {
                visuals
                    .iter()
                    .find(|v| {
                        v.profile_id == Some(p)
                            && v.name == alkemio_common::visual::VisualType::Avatar
                    })
                    .map(|v| v.uri.clone())
                    .filter(|u| !u.is_empty())
            });
            let location = if kind == ActorType::VirtualContributor {
                None
            } else {
                profile
                    .and_then(|p| p.location_id)
                    .and_then(|l| locations.get(&l))
                    .map(|l| ContributorLocation {
                        city: l.city.clone(),
                        country: l.country.clone(),
                        has_valid_coordinates: l.geo_location.is_valid,
                        latitude: l.geo_location.latitude,
                        longitude: l.geo_location.longitude,
                    })
            };
            Some((
                *rank,
                ContributorCollectionItem {
                    id: UuidScalar(*id),
                    r#type: kind,
                    display_name: profile.map(|p| p.display_name.clone()).unwrap_or_default(),
                    avatar_url: avatar,
                    role_label: Some((*label).to_owned()),
                    url: Some(format!("{base}/{path}/{}", a.name_id)),
                    location,
                },
            ))
        })
        .collect();
    items.sort_by(|a, b| {
        b.0.cmp(&a.0).then_with(|| {
            a.1.display_name
                .to_lowercase()
                .cmp(&b.1.display_name.to_lowercase())
        })
    });
    Ok(items.into_iter().map(|(_, i)| i).collect())
}

/// How many contributors of each kind a CONTRIBUTORS callout shows the caller.
pub(crate) async fn contributor_counts(
    ctx: &Context<'_>,
    callout: &model::Callout,
    framing: CalloutFramingType,
) -> AppResult<ContributorCollectionCounts> {
    let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    Ok(ContributorCollectionCounts {
        users: count(
            contributors(ctx, callout, framing, ActorType::User)
                .await?
                .len(),
        ),
        organizations: count(
            contributors(ctx, callout, framing, ActorType::Organization)
                .await?
                .len(),
        ),
        virtual_contributors: count(
            contributors(ctx, callout, framing, ActorType::VirtualContributor)
                .await?
                .len(),
        ),
    })
}

/// The subspaces a SPACES callout shows: its space's direct subspaces in their order,
/// narrowed to the selection in CUSTOM mode.
pub(crate) async fn subspaces(
    ctx: &Context<'_>,
    callout: &model::Callout,
    framing: CalloutFramingType,
) -> AppResult<Vec<Uuid>> {
    if framing != CalloutFramingType::Spaces {
        return Ok(Vec::new());
    }
    let Some(space) = host_space(ctx, callout).await? else {
        return Ok(Vec::new());
    };
    let mut children = loaded(
        data::<Loaders>(ctx)?
            .subspace_ids
            .load_one(space.id.0)
            .await,
    )?
    .unwrap_or_default();
    if let Some(selected) = custom_selection(callout) {
        children.retain(|c| selected.contains(c));
    }
    Ok(children)
}
