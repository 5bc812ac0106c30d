//! SQL for profiles and their parts.

use std::collections::HashMap;

use alkemio_kernel::{AppError, AppResult};
use chrono::{SubsecRound, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use super::model::{GeoLocation, Location, MediaGallery, Profile, Reference, Tagset, Visual};
use crate::visual::VisualType;

use alkemio_persistence::entity;

entity!(profile, "profile", {
    display_name: String,
    tagline: Option<String>,
    description: Option<String>,
    profile_type: String => "type",
    authorization_id: Option<Uuid>,
    location_id: Option<Uuid>,
    storage_bucket_id: Option<Uuid>,
});
entity!(location, "location", {
    city: Option<String>,
    country: Option<String>,
    address_line1: Option<String>,
    address_line2: Option<String>,
    state_or_province: Option<String>,
    postal_code: Option<String>,
    geo_location: Json,
});
entity!(tagset, "tagset", {
    name: String,
    tags: Json,
    tagset_type: String => "type",
    allowed_values: Json,
    sort_order: i32,
    profile_id: Option<Uuid>,
    authorization_id: Option<Uuid>,
});
entity!(reference, "reference", {
    name: String,
    uri: String,
    description: Option<String>,
    profile_id: Option<Uuid>,
    authorization_id: Option<Uuid>,
});
entity!(visual, "visual", {
    name: String,
    uri: String,
    min_width: i32,
    max_width: i32,
    min_height: i32,
    max_height: i32,
    aspect_ratio: f64,
    allowed_types: Json,
    alternative_text: Option<String>,
    sort_order: Option<i32>,
    profile_id: Option<Uuid>,
    authorization_id: Option<Uuid>,
    media_gallery_id: Option<Uuid>,
});
entity!(media_gallery, "media_gallery", {
    created_by: Option<Uuid>,
    storage_bucket_id: Option<Uuid>,
    authorization_id: Option<Uuid>,
});

pub(crate) fn now() -> chrono::DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

fn corrupt(what: &str, id: Uuid, e: impl std::fmt::Display) -> AppError {
    AppError::internal_msg(format_args!("{what} {id}: {e}"))
}

fn list(v: serde_json::Value, what: &str, id: Uuid) -> AppResult<Vec<String>> {
    serde_json::from_value(v).map_err(|e| corrupt(what, id, e))
}

fn to_profile(r: profile::Model) -> AppResult<Profile> {
    Ok(Profile {
        id: r.id,
        display_name: r.display_name,
        tagline: r.tagline,
        description: r.description,
        profile_type: r
            .profile_type
            .parse()
            .map_err(|e| corrupt("profile", r.id, e))?,
        authorization_id: r.authorization_id,
        location_id: r.location_id,
        storage_bucket_id: r.storage_bucket_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    })
}

fn to_location(r: location::Model) -> AppResult<Location> {
    Ok(Location {
        id: r.id,
        city: r.city,
        country: r.country,
        address_line1: r.address_line1,
        address_line2: r.address_line2,
        state_or_province: r.state_or_province,
        postal_code: r.postal_code,
        geo_location: serde_json::from_value::<GeoLocation>(r.geo_location).unwrap_or_default(),
        created_date: r.created_date,
        updated_date: r.updated_date,
    })
}

fn to_tagset(r: tagset::Model) -> AppResult<Tagset> {
    Ok(Tagset {
        id: r.id,
        tags: list(r.tags, "tagset", r.id)?,
        tagset_type: r
            .tagset_type
            .parse()
            .map_err(|e| corrupt("tagset", r.id, e))?,
        allowed_values: list(r.allowed_values, "tagset", r.id)?,
        name: r.name,
        sort_order: r.sort_order,
        profile_id: r.profile_id,
        authorization_id: r.authorization_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    })
}

fn to_reference(r: reference::Model) -> Reference {
    Reference {
        id: r.id,
        name: r.name,
        uri: r.uri,
        description: r.description,
        profile_id: r.profile_id,
        authorization_id: r.authorization_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    }
}

fn to_visual(r: visual::Model) -> AppResult<Visual> {
    Ok(Visual {
        id: r.id,
        name: VisualType::parse(&r.name)
            .ok_or_else(|| corrupt("visual", r.id, format!("unknown type {:?}", r.name)))?,
        allowed_types: list(r.allowed_types, "visual", r.id)?,
        uri: r.uri,
        min_width: r.min_width,
        max_width: r.max_width,
        min_height: r.min_height,
        max_height: r.max_height,
        aspect_ratio: r.aspect_ratio,
        alternative_text: r.alternative_text,
        sort_order: r.sort_order,
        profile_id: r.profile_id,
        media_gallery_id: r.media_gallery_id,
        authorization_id: r.authorization_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    })
}

fn tagset_row(t: &Tagset) -> tagset::ActiveModel {
    tagset::ActiveModel {
        id: Set(t.id),
        created_date: Set(t.created_date),
        updated_date: Set(t.updated_date),
        version: Set(1),
        name: Set(t.name.clone()),
        tags: Set(serde_json::json!(t.tags)),
        tagset_type: Set(t.tagset_type.as_str().to_owned()),
        allowed_values: Set(serde_json::json!(t.allowed_values)),
        sort_order: Set(t.sort_order),
        profile_id: Set(t.profile_id),
        authorization_id: Set(t.authorization_id),
    }
}

fn reference_row(r: &Reference) -> reference::ActiveModel {
    reference::ActiveModel {
        id: Set(r.id),
        created_date: Set(r.created_date),
        updated_date: Set(r.updated_date),
        version: Set(1),
        name: Set(r.name.clone()),
        uri: Set(r.uri.clone()),
        description: Set(r.description.clone()),
        profile_id: Set(r.profile_id),
        authorization_id: Set(r.authorization_id),
    }
}

fn visual_row(v: &Visual) -> visual::ActiveModel {
    visual::ActiveModel {
        id: Set(v.id),
        created_date: Set(v.created_date),
        updated_date: Set(v.updated_date),
        version: Set(1),
        name: Set(v.name.as_str().to_owned()),
        uri: Set(v.uri.clone()),
        min_width: Set(v.min_width),
        max_width: Set(v.max_width),
        min_height: Set(v.min_height),
        max_height: Set(v.max_height),
        aspect_ratio: Set(v.aspect_ratio),
        allowed_types: Set(serde_json::json!(v.allowed_types)),
        alternative_text: Set(v.alternative_text.clone()),
        sort_order: Set(v.sort_order),
        profile_id: Set(v.profile_id),
        authorization_id: Set(v.authorization_id),
        media_gallery_id: Set(v.media_gallery_id),
    }
}

/// Inserts a profile with its location and parts.
pub(crate) async fn insert(
    conn: &impl ConnectionTrait,
    p: &Profile,
    loc: &Location,
    tagsets: &[Tagset],
    references: &[Reference],
    visuals: &[Visual],
) -> AppResult<()> {
    location::Entity::insert(location::ActiveModel {
        id: Set(loc.id),
        created_date: Set(loc.created_date),
        updated_date: Set(loc.updated_date),
        version: Set(1),
        city: Set(loc.city.clone()),
        country: Set(loc.country.clone()),
        address_line1: Set(loc.address_line1.clone()),
        address_line2: Set(loc.address_line2.clone()),
        state_or_province: Set(loc.state_or_province.clone()),
        postal_code: Set(loc.postal_code.clone()),
        geo_location: Set(serde_json::to_value(loc.geo_location).unwrap_or_default()),
    })
    .exec_without_returning(conn)
    .await?;
    profile::Entity::insert(profile::ActiveModel {
        id: Set(p.id),
        created_date: Set(p.created_date),
        updated_date: Set(p.updated_date),
        version: Set(1),
        display_name: Set(p.display_name.clone()),
        tagline: Set(p.tagline.clone()),
        description: Set(p.description.clone()),
        profile_type: Set(p.profile_type.as_str().to_owned()),
        authorization_id: Set(p.authorization_id),
        location_id: Set(p.location_id),
        storage_bucket_id: Set(p.storage_bucket_id),
    })
    .exec_without_returning(conn)
    .await?;
    if !tagsets.is_empty() {
        tagset::Entity::insert_many(tagsets.iter().map(tagset_row))
            .exec_without_returning(conn)
            .await?;
    }
    if !references.is_empty() {
        reference::Entity::insert_many(references.iter().map(reference_row))
            .exec_without_returning(conn)
            .await?;
    }
    if !visuals.is_empty() {
        visual::Entity::insert_many(visuals.iter().map(visual_row))
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// Profiles by id (one query).
pub(crate) async fn profiles(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Profile>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    profile::Entity::find()
        .filter(profile::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| to_profile(r).map(|p| (p.id, p)))
        .collect()
}

/// The profile whose storage bucket this is.
pub(crate) async fn profile_by_bucket(
    conn: &impl ConnectionTrait,
    bucket: Uuid,
) -> AppResult<Option<Profile>> {
    profile::Entity::find()
        .filter(profile::Column::StorageBucketId.eq(bucket))
        .one(conn)
        .await?
        .map(to_profile)
        .transpose()
}

/// Locations by id (one query).
pub(crate) async fn locations(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Location>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    location::Entity::find()
        .filter(location::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| to_location(r).map(|l| (l.id, l)))
        .collect()
}

/// The tagsets of profiles (one query), in order.
pub(crate) async fn tagsets_of(
    conn: &impl ConnectionTrait,
    profiles: &[Uuid],
) -> AppResult<Vec<Tagset>> {
    if profiles.is_empty() {
        return Ok(Vec::new());
    }
    tagset::Entity::find()
        .filter(tagset::Column::ProfileId.is_in(profiles.iter().copied()))
        .order_by_asc(tagset::Column::SortOrder)
        .order_by_asc(tagset::Column::CreatedDate)
        .order_by_asc(tagset::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(to_tagset)
        .collect()
}

/// The references of profiles (one query), oldest first.
pub(crate) async fn references_of(
    conn: &impl ConnectionTrait,
    profiles: &[Uuid],
) -> AppResult<Vec<Reference>> {
    if profiles.is_empty() {
        return Ok(Vec::new());
    }
    Ok(reference::Entity::find()
        .filter(reference::Column::ProfileId.is_in(profiles.iter().copied()))
        .order_by_asc(reference::Column::CreatedDate)
        .order_by_asc(reference::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(to_reference)
        .collect())
}

/// The visuals of profiles (one query), oldest first.
pub(crate) async fn visuals_of(
    conn: &impl ConnectionTrait,
    profiles: &[Uuid],
) -> AppResult<Vec<Visual>> {
    if profiles.is_empty() {
        return Ok(Vec::new());
    }
    visual::Entity::find()
        .filter(visual::Column::ProfileId.is_in(profiles.iter().copied()))
        .order_by_asc(visual::Column::CreatedDate)
        .order_by_asc(visual::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(to_visual)
        .collect()
}

/// One reference.
pub(crate) async fn find_reference(
    conn: &impl ConnectionTrait,
    id: Uuid,
) -> AppResult<Option<Reference>> {
    Ok(reference::Entity::find_by_id(id)
        .one(conn)
        .await?
        .map(to_reference))
}

/// One tagset.
pub(crate) async fn find_tagset(
    conn: &impl ConnectionTrait,
    id: Uuid,
) -> AppResult<Option<Tagset>> {
    tagset::Entity::find_by_id(id)
        .one(conn)
        .await?
        .map(to_tagset)
        .transpose()
}

/// One visual.
pub(crate) async fn find_visual(
    conn: &impl ConnectionTrait,
    id: Uuid,
) -> AppResult<Option<Visual>> {
    visual::Entity::find_by_id(id)
        .one(conn)
        .await?
        .map(to_visual)
        .transpose()
}

/// Inserts a reference.
pub(crate) async fn insert_reference(conn: &impl ConnectionTrait, r: &Reference) -> AppResult<()> {
    reference::Entity::insert(reference_row(r))
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Inserts a tagset.
pub(crate) async fn insert_tagset(conn: &impl ConnectionTrait, t: &Tagset) -> AppResult<()> {
    tagset::Entity::insert(tagset_row(t))
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Deletes a reference.
pub(crate) async fn delete_reference(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<()> {
    reference::Entity::delete_by_id(id).exec(conn).await?;
    Ok(())
}

/// Writes a profile's own fields.
pub(crate) async fn update_profile(conn: &impl ConnectionTrait, p: &Profile) -> AppResult<()> {
    profile::Entity::update(profile::ActiveModel {
        id: Set(p.id),
        updated_date: Set(now()),
        display_name: Set(p.display_name.clone()),
        tagline: Set(p.tagline.clone()),
        description: Set(p.description.clone()),
        ..Default::default()
    })
    .exec(conn)
    .await?;
    Ok(())
}

/// Writes a location.
pub(crate) async fn update_location(conn: &impl ConnectionTrait, l: &Location) -> AppResult<()> {
    location::Entity::update(location::ActiveModel {
        id: Set(l.id),
        updated_date: Set(now()),
        city: Set(l.city.clone()),
        country: Set(l.country.clone()),
        address_line1: Set(l.address_line1.clone()),
        address_line2: Set(l.address_line2.clone()),
        state_or_province: Set(l.state_or_province.clone()),
        postal_code: Set(l.postal_code.clone()),
        geo_location: Set(serde_json::to_value(l.geo_location).unwrap_or_default()),
        ..Default::default()
    })
    .exec(conn)
    .await?;
    Ok(())
}

/// Writes a reference.
pub(crate) async fn update_reference(conn: &impl ConnectionTrait, r: &Reference) -> AppResult<()> {
    reference::Entity::update(reference::ActiveModel {
        id: Set(r.id),
        updated_date: Set(now()),
        name: Set(r.name.clone()),
        uri: Set(r.uri.clone()),
        description: Set(r.description.clone()),
        ..Default::default()
    })
    .exec(conn)
    .await?;
    Ok(())
}

/// Writes a tagset's name and tags.
pub(crate) async fn update_tagset(conn: &impl ConnectionTrait, t: &Tagset) -> AppResult<()> {
    tagset::Entity::update(tagset::ActiveModel {
        id: Set(t.id),
        updated_date: Set(now()),
        name: Set(t.name.clone()),
        tags: Set(serde_json::json!(t.tags)),
        ..Default::default()
    })
    .exec(conn)
    .await?;
    Ok(())
}

/// Writes a visual's image and text.
pub(crate) async fn update_visual(conn: &impl ConnectionTrait, v: &Visual) -> AppResult<()> {
    visual::Entity::update(visual::ActiveModel {
        id: Set(v.id),
        updated_date: Set(now()),
        uri: Set(v.uri.clone()),
        alternative_text: Set(v.alternative_text.clone()),
        ..Default::default()
    })
    .exec(conn)
    .await?;
    Ok(())
}

/// Deletes profiles with their tagsets, references, visuals and locations; returns the ids of
/// the policies they had (for the caller to delete). Their buckets belong to storage
/// aggregators and go with those.
pub(crate) async fn delete_profiles(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<Vec<Uuid>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let profiles = profile::Entity::find()
        .filter(profile::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?;
    let mut policies: Vec<Uuid> = profiles.iter().filter_map(|p| p.authorization_id).collect();
    let part_policies = |v: Vec<Option<Uuid>>| v.into_iter().flatten();
    let tagsets: Vec<Option<Uuid>> = tagset::Entity::find()
        .select_only()
        .column(tagset::Column::AuthorizationId)
        .filter(tagset::Column::ProfileId.is_in(ids.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    let references: Vec<Option<Uuid>> = reference::Entity::find()
        .select_only()
        .column(reference::Column::AuthorizationId)
        .filter(reference::Column::ProfileId.is_in(ids.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    let visuals: Vec<Option<Uuid>> = visual::Entity::find()
        .select_only()
        .column(visual::Column::AuthorizationId)
        .filter(visual::Column::ProfileId.is_in(ids.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    policies.extend(part_policies(tagsets));
    policies.extend(part_policies(references));
    policies.extend(part_policies(visuals));
    let locations: Vec<Uuid> = profiles.iter().filter_map(|p| p.location_id).collect();
    // tagsets, references and visuals go with their profile (foreign keys cascade)
    profile::Entity::delete_many()
        .filter(profile::Column::Id.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    if !locations.is_empty() {
        location::Entity::delete_many()
            .filter(location::Column::Id.is_in(locations))
            .exec(conn)
            .await?;
    }
    Ok(policies)
}

// ---- media galleries ----

/// Stores a media gallery.
pub(crate) async fn insert_gallery(conn: &impl ConnectionTrait, g: &MediaGallery) -> AppResult<()> {
    media_gallery::Entity::insert(media_gallery::ActiveModel {
        id: Set(g.id),
        created_date: Set(g.created_date),
        updated_date: Set(g.updated_date),
        version: Set(1),
        created_by: Set(g.created_by),
        storage_bucket_id: Set(g.storage_bucket_id),
        authorization_id: Set(g.authorization_id),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Media galleries by id.
pub(crate) async fn galleries(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, MediaGallery>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(media_gallery::Entity::find()
        .filter(media_gallery::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.id,
                MediaGallery {
                    id: r.id,
                    created_by: r.created_by,
                    storage_bucket_id: r.storage_bucket_id,
                    authorization_id: r.authorization_id,
                    created_date: r.created_date,
                    updated_date: r.updated_date,
                },
            )
        })
        .collect())
}

/// The visuals of media galleries, by their position (unplaced last).
pub(crate) async fn gallery_visuals(
    conn: &impl ConnectionTrait,
    galleries: &[Uuid],
) -> AppResult<Vec<Visual>> {
    if galleries.is_empty() {
        return Ok(Vec::new());
    }
    let mut out: Vec<Visual> = visual::Entity::find()
        .filter(visual::Column::MediaGalleryId.is_in(galleries.iter().copied()))
        .order_by_asc(visual::Column::CreatedDate)
        .order_by_asc(visual::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(to_visual)
        .collect::<AppResult<_>>()?;
    out.sort_by_key(|v| (v.sort_order.is_none(), v.sort_order));
    Ok(out)
}

/// Stores one visual.
pub(crate) async fn insert_visual(conn: &impl ConnectionTrait, v: &Visual) -> AppResult<()> {
    visual::Entity::insert(visual_row(v))
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Deletes visuals.
pub(crate) async fn delete_visuals(conn: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    visual::Entity::delete_many()
        .filter(visual::Column::Id.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    Ok(())
}

/// Deletes media galleries with their visuals; returns the policies to delete and their
/// buckets.
pub(crate) async fn delete_galleries(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<(Vec<Uuid>, Vec<Uuid>)> {
    if ids.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let found = galleries(conn, ids).await?;
    let visuals = gallery_visuals(conn, ids).await?;
    let mut policies: Vec<Uuid> = visuals.iter().filter_map(|v| v.authorization_id).collect();
    policies.extend(found.values().filter_map(|g| g.authorization_id));
    let buckets: Vec<Uuid> = found.values().filter_map(|g| g.storage_bucket_id).collect();
    delete_visuals(conn, &visuals.iter().map(|v| v.id).collect::<Vec<_>>()).await?;
    media_gallery::Entity::delete_many()
        .filter(media_gallery::Column::Id.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    Ok((policies, buckets))
}
