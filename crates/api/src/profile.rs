//! GraphQL of profiles (module `alkemio-common`): `Profile`, `Tagset`, `Reference`, `Visual`,
//! `Location` and the profile mutations.

use alkemio_common::profile::{
    self as p, LocationInput, NewReference, ProfileService, ProfileType, ProfileUpdate,
    ReferenceUpdate, TagsetType, TagsetUpdate,
};
use alkemio_common::visual::VisualType;
use alkemio_contributor::ActorType;
use alkemio_kernel::AppError;
use alkemio_kernel::scalars::{DateTime, Markdown, UuidScalar};
use alkemio_storage::UploadedFile;
use async_graphql::{Context, InputObject, Object, Result, SimpleObject, Upload};
use uuid::Uuid;

use crate::authorization::Authorization;
use crate::context::{actor, data};
use crate::loaders::{Loaders, loaded};
use crate::storage::StorageBucket;

/// The absolute client URL of a profile, built from NameIDs on `ENDPOINT_CLUSTER`.
pub async fn profile_url(ctx: &Context<'_>, profile: &p::Profile) -> Result<String, AppError> {
    let base = &data::<crate::SchemaServices>(ctx)?.endpoint_cluster;
    let owner = loaded(
        data::<Loaders>(ctx)?
            .profile_owners
            .load_one(profile.id)
            .await,
    )?;
    Ok(match (profile.profile_type, owner) {
        (ProfileType::User, Some((ActorType::User, name))) => format!("{base}/user/{name}"),
        (ProfileType::Organization, Some((ActorType::Organization, name))) => {
            format!("{base}/organization/{name}")
        }
        (ProfileType::VirtualContributor, Some((ActorType::VirtualContributor, name))) => {
            format!("{base}/vc/{name}")
        }
        (ProfileType::SpaceAbout, Some((ActorType::Space, id))) => {
            let id = uuid::Uuid::parse_str(&id)
                .map_err(|e| AppError::internal_msg(format_args!("space actor name {id}: {e}")))?;
            space_url(ctx, base, id).await?
        }
        // the guidelines of a space link to the space, as in the reference
        (ProfileType::CommunityGuidelines, _) => {
            let loaders = data::<Loaders>(ctx)?;
            match loaded(loaders.guidelines_spaces.load_one(profile.id).await)? {
                Some(space) => space_url(ctx, base, space).await?,
                None => base.clone(),
            }
        }
        (ProfileType::InnovationHub, _) => {
            match data::<alkemio_innovation_hub::InnovationHubService>(ctx)?
                .by_profile(profile.id)
                .await?
            {
                Some(hub) => format!("{base}/hub/{}", hub.name_id),
                None => base.clone(),
            }
        }
        (ProfileType::Whiteboard | ProfileType::Memo | ProfileType::ContributionLink, _) => {
            let loaders = data::<Loaders>(ctx)?;
            match loaded(loaders.content_paths.load_one(profile.id).await)? {
                Some((space, path)) => format!("{}/{path}", space_url(ctx, base, space).await?),
                None => base.clone(),
            }
        }
        (ProfileType::CalloutFraming | ProfileType::Post, _) => {
            let loaders = data::<Loaders>(ctx)?;
            match loaded(loaders.callout_paths.load_one(profile.id).await)? {
                Some((space, path)) => format!("{}/{path}", space_url(ctx, base, space).await?),
                None => base.clone(),
            }
        }
        (ProfileType::CalendarEvent, _) => {
            let loaders = data::<Loaders>(ctx)?;
            match loaded(loaders.event_paths.load_one(profile.id).await)? {
                Some((space, path)) => format!("{}/{path}", space_url(ctx, base, space).await?),
                None => base.clone(),
            }
        }
        (ProfileType::InnovationPack, _) => {
            match data::<alkemio_library::LibraryService>(ctx)?
                .by_profile(profile.id)
                .await?
            {
                Some(pack) => format!("{base}/innovation-packs/{}", pack.name_id),
                None => base.clone(),
            }
        }
        (ProfileType::Template, _) => template_url(ctx, base, profile.id).await?,
        (ProfileType::Discussion, _) => {
            match data::<alkemio_platform::forum::ForumService>(ctx)?
                .discussion_by_profile(profile.id)
                .await?
            {
                Some(d) => format!("{base}/forum/discussion/{}", d.name_id),
                None => base.clone(),
            }
        }
        (ProfileType::Account, _) => format!("{base}/admin"),
        (ProfileType::UserGroup, _) => base.clone(),
        (kind, _) => {
            return Err(AppError::not_found(format!(
                "No URL for profile {} of type {}",
                profile.id,
                kind.as_str()
            )));
        }
    })
}

/// A template's URL: under its pack (`/innovation-packs/<pack>/<template>`), its space's
/// template settings (`/<space>/settings/templates/<template>`) or the platform's
/// (`/admin/templates/<template>`), as the reference builds them.
async fn template_url(ctx: &Context<'_>, base: &str, profile: Uuid) -> Result<String, AppError> {
    let spaces = data::<alkemio_space::SpaceService>(ctx)?;
    let templates = spaces.templates();
    let Some(template) = templates.template_by_profile(profile).await? else {
        return Ok(base.to_owned());
    };
    let set = template.templates_set_id;
    let owner = match templates.manager_of_set(set).await? {
        Some(manager) => match spaces.space_of_templates_manager(manager.id).await? {
            Some(space) => format!("{base}/{}/settings/templates", space.name_id),
            None => format!("{base}/admin/templates"),
        },
        None => match data::<alkemio_library::LibraryService>(ctx)?
            .by_templates_set(set)
            .await?
        {
            Some(pack) => format!("{base}/innovation-packs/{}", pack.name_id),
            None => return Ok(base.to_owned()),
        },
    };
    Ok(format!("{owner}/{}", template.name_id))
}

async fn space_url(ctx: &Context<'_>, base: &str, space: uuid::Uuid) -> Result<String, AppError> {
    let path = loaded(data::<Loaders>(ctx)?.space_paths.load_one(space).await)?.unwrap_or_default();
    Ok(format!("{base}/{path}"))
}

/// A profile.
#[derive(Debug, Clone)]
pub struct Profile(pub p::Profile);

#[Object(name = "Profile")]
impl Profile {
    /// The profile's id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }

    /// The name shown.
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }

    /// One line under the name.
    async fn tagline(&self) -> Option<&str> {
        self.0.tagline.as_deref()
    }

    /// Markdown description.
    async fn description(&self) -> Option<Markdown> {
        self.0.description.clone().map(Markdown)
    }

    /// What the profile belongs to.
    async fn r#type(&self) -> Option<ProfileType> {
        Some(self.0.profile_type)
    }

    /// The absolute URL of the entity's page.
    async fn url(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(profile_url(ctx, &self.0).await?)
    }

    /// The profile's authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        crate::authorization::authorization_of(ctx, self.0.authorization_id).await
    }

    /// Its location.
    async fn location(&self, ctx: &Context<'_>) -> Result<Option<Location>> {
        let Some(id) = self.0.location_id else {
            return Ok(None);
        };
        Ok(loaded(data::<Loaders>(ctx)?.locations.load_one(id).await)?.map(Location))
    }

    /// Its tagsets.
    async fn tagsets(&self, ctx: &Context<'_>) -> Result<Option<Vec<Tagset>>> {
        let tagsets =
            loaded(data::<Loaders>(ctx)?.tagsets.load_one(self.0.id).await)?.unwrap_or_default();
        Ok(Some(tagsets.into_iter().map(Tagset).collect()))
    }

    /// One tagset by reserved name (`default` when no name is given).
    async fn tagset(
        &self,
        ctx: &Context<'_>,
        tagset_name: Option<p::model::TagsetReservedName>,
    ) -> Result<Option<Tagset>> {
        let wanted = tagset_name.map_or("default", |n| n.as_str());
        let tagsets =
            loaded(data::<Loaders>(ctx)?.tagsets.load_one(self.0.id).await)?.unwrap_or_default();
        match tagsets
            .into_iter()
            .find(|t| t.name.to_lowercase() == wanted)
        {
            Some(t) => Ok(Some(Tagset(t))),
            None => Err(AppError::not_found(format!(
                "Unable to locate {wanted} tagset for profile: {}",
                self.0.id
            ))
            .into()),
        }
    }

    /// Its references.
    async fn references(&self, ctx: &Context<'_>) -> Result<Option<Vec<Reference>>> {
        let refs =
            loaded(data::<Loaders>(ctx)?.references.load_one(self.0.id).await)?.unwrap_or_default();
        Ok(Some(refs.into_iter().map(Reference).collect()))
    }

    /// Its visuals.
    async fn visuals(&self, ctx: &Context<'_>) -> Result<Vec<Visual>> {
        let visuals =
            loaded(data::<Loaders>(ctx)?.visuals.load_one(self.0.id).await)?.unwrap_or_default();
        Ok(visuals.into_iter().map(Visual).collect())
    }

    /// The visual of a type, if the profile has one.
    async fn visual(&self, ctx: &Context<'_>, r#type: VisualType) -> Result<Option<Visual>> {
        let visuals =
            loaded(data::<Loaders>(ctx)?.visuals.load_one(self.0.id).await)?.unwrap_or_default();
        Ok(visuals.into_iter().find(|v| v.name == r#type).map(Visual))
    }

    /// The bucket holding the profile's files.
    async fn storage_bucket(&self, ctx: &Context<'_>) -> Result<StorageBucket> {
        let id = self.0.storage_bucket_id.ok_or_else(|| {
            AppError::internal_msg(format_args!("profile {} has no bucket", self.0.id))
        })?;
        let bucket =
            loaded(data::<Loaders>(ctx)?.buckets.load_one(id).await)?.ok_or_else(|| {
                AppError::internal_msg(format_args!(
                    "bucket {id} of profile {} is missing",
                    self.0.id
                ))
            })?;
        Ok(StorageBucket(bucket))
    }

    /// When the profile was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }

    /// When the profile last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }
}

/// A named list of tags.
#[derive(Debug, Clone)]
pub struct Tagset(pub p::Tagset);

#[Object(name = "Tagset")]
impl Tagset {
    /// The tagset's id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }
    /// Its name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The tags.
    async fn tags(&self) -> &[String] {
        &self.0.tags
    }
    /// How tags are chosen.
    async fn r#type(&self) -> TagsetType {
        self.0.tagset_type
    }
    /// The tags that may be chosen (empty for free-form tagsets).
    async fn allowed_values(&self) -> &[String] {
        &self.0.allowed_values
    }
    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        crate::authorization::authorization_of(ctx, self.0.authorization_id).await
    }
    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }
    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }
}

/// A link with a name.
#[derive(Debug, Clone)]
pub struct Reference(pub p::Reference);

#[Object(name = "Reference")]
impl Reference {
    /// The reference's id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }
    /// Its name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Where it points.
    async fn uri(&self) -> &str {
        &self.0.uri
    }
    /// What it is.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        crate::authorization::authorization_of(ctx, self.0.authorization_id).await
    }
    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }
    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }
}

/// An image of a profile with its constraints.
#[derive(Debug, Clone)]
pub struct Visual(pub p::Visual);

#[Object(name = "Visual")]
impl Visual {
    /// The visual's id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }
    /// Which kind of visual.
    async fn name(&self) -> VisualType {
        self.0.name
    }
    /// Where the image is (empty when none).
    async fn uri(&self) -> &str {
        &self.0.uri
    }
    /// Smallest width.
    async fn min_width(&self) -> f64 {
        f64::from(self.0.min_width)
    }
    /// Largest width.
    async fn max_width(&self) -> f64 {
        f64::from(self.0.max_width)
    }
    /// Smallest height.
    async fn min_height(&self) -> f64 {
        f64::from(self.0.min_height)
    }
    /// Largest height.
    async fn max_height(&self) -> f64 {
        f64::from(self.0.max_height)
    }
    /// Width divided by height.
    async fn aspect_ratio(&self) -> f64 {
        self.0.aspect_ratio
    }
    /// Accepted MIME types.
    async fn allowed_types(&self) -> &[String] {
        &self.0.allowed_types
    }
    /// Text for screen readers.
    async fn alternative_text(&self) -> Option<&str> {
        self.0.alternative_text.as_deref()
    }
    /// Position in a gallery.
    async fn sort_order(&self) -> Option<f64> {
        self.0.sort_order.map(f64::from)
    }
    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        crate::authorization::authorization_of(ctx, self.0.authorization_id).await
    }
    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }
    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }
}

/// A postal location.
#[derive(Debug, Clone)]
pub struct Location(pub p::Location);

/// Coordinates.
#[derive(Debug, Clone, SimpleObject)]
pub struct GeoLocation {
    /// Latitude.
    pub latitude: Option<f64>,
    /// Longitude.
    pub longitude: Option<f64>,
}

#[Object(name = "Location")]
impl Location {
    /// The location's id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }
    /// City.
    async fn city(&self) -> Option<&str> {
        self.0.city.as_deref()
    }
    /// Country.
    async fn country(&self) -> Option<&str> {
        self.0.country.as_deref()
    }
    /// First address line.
    async fn address_line1(&self) -> Option<&str> {
        self.0.address_line1.as_deref()
    }
    /// Second address line.
    async fn address_line2(&self) -> Option<&str> {
        self.0.address_line2.as_deref()
    }
    /// State or province.
    async fn state_or_province(&self) -> Option<&str> {
        self.0.state_or_province.as_deref()
    }
    /// Postal code.
    async fn postal_code(&self) -> Option<&str> {
        self.0.postal_code.as_deref()
    }
    /// Coordinates.
    async fn geo_location(&self) -> GeoLocation {
        GeoLocation {
            latitude: self.0.geo_location.latitude,
            longitude: self.0.geo_location.longitude,
        }
    }
    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }
    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }
}

/// Location fields to set.
#[derive(Debug, InputObject)]
pub struct UpdateLocationInput {
    /// City.
    pub city: Option<String>,
    /// Country.
    pub country: Option<String>,
    /// First address line.
    pub address_line1: Option<String>,
    /// Second address line.
    pub address_line2: Option<String>,
    /// State or province.
    pub state_or_province: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
}

/// A reference to change.
#[derive(Debug, InputObject)]
pub struct UpdateReferenceInput {
    /// Which reference.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
    /// New name.
    pub name: Option<String>,
    /// New target.
    pub uri: Option<String>,
    /// New description.
    pub description: Option<String>,
}

/// A tagset to change.
#[derive(Debug, InputObject)]
pub struct UpdateTagsetInput {
    /// Which tagset.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
    /// New name.
    pub name: Option<String>,
    /// The tags.
    pub tags: Vec<String>,
}

/// Changes to a profile.
#[derive(Debug, InputObject)]
pub struct UpdateProfileDirectInput {
    /// Which profile.
    #[graphql(name = "profileID")]
    pub profile_id: UuidScalar,
    /// New display name.
    pub display_name: Option<String>,
    /// New tagline.
    pub tagline: Option<String>,
    /// New description.
    pub description: Option<Markdown>,
    /// Location changes.
    pub location: Option<UpdateLocationInput>,
    /// Reference changes.
    pub references: Option<Vec<UpdateReferenceInput>>,
    /// Tagset changes.
    pub tagsets: Option<Vec<UpdateTagsetInput>>,
}

/// Changes to the profile of an entity being updated.
#[derive(Debug, InputObject)]
pub struct UpdateProfileInput {
    /// New display name.
    pub display_name: Option<String>,
    /// New tagline.
    pub tagline: Option<String>,
    /// New description.
    pub description: Option<Markdown>,
    /// Location changes.
    pub location: Option<UpdateLocationInput>,
    /// Reference changes.
    pub references: Option<Vec<UpdateReferenceInput>>,
    /// Tagset changes.
    pub tagsets: Option<Vec<UpdateTagsetInput>>,
}

impl From<UpdateProfileInput> for ProfileUpdate {
    fn from(input: UpdateProfileInput) -> Self {
        profile_update(
            input.display_name,
            input.tagline,
            input.description,
            input.location,
            input.references,
            input.tagsets,
        )
    }
}

fn profile_update(
    display_name: Option<String>,
    tagline: Option<String>,
    description: Option<Markdown>,
    location: Option<UpdateLocationInput>,
    references: Option<Vec<UpdateReferenceInput>>,
    tagsets: Option<Vec<UpdateTagsetInput>>,
) -> ProfileUpdate {
    ProfileUpdate {
        display_name,
        tagline,
        description: description.map(|d| d.0),
        location: location.map(|l| LocationInput {
            city: l.city,
            country: l.country,
            address_line1: l.address_line1,
            address_line2: l.address_line2,
            state_or_province: l.state_or_province,
            postal_code: l.postal_code,
        }),
        references: references
            .unwrap_or_default()
            .into_iter()
            .map(|r| ReferenceUpdate {
                id: r.id.0,
                name: r.name,
                uri: r.uri,
                description: r.description,
            })
            .collect(),
        tagsets: tagsets
            .unwrap_or_default()
            .into_iter()
            .map(|t| TagsetUpdate {
                id: t.id.0,
                name: t.name,
                tags: t.tags,
            })
            .collect(),
    }
}

/// A reference to add to a profile.
#[derive(Debug, InputObject)]
pub struct CreateReferenceOnProfileInput {
    /// The profile.
    #[graphql(name = "profileID")]
    pub profile_id: UuidScalar,
    /// Its name.
    pub name: String,
    /// Where it points.
    pub uri: Option<String>,
    /// What it is.
    pub description: Option<String>,
}

/// A reference to delete.
#[derive(Debug, InputObject)]
pub struct DeleteReferenceInput {
    /// Which reference.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
}

/// A tagset to add to a profile.
#[derive(Debug, InputObject)]
pub struct CreateTagsetOnProfileInput {
    /// The profile.
    #[graphql(name = "profileID")]
    pub profile_id: Option<UuidScalar>,
    /// Its name.
    pub name: String,
    /// Its tags.
    pub tags: Option<Vec<String>>,
    /// How tags are chosen (only FREEFORM can be created).
    pub r#type: Option<TagsetType>,
}

/// A new image for a visual.
#[derive(Debug, InputObject)]
pub struct UpdateVisualInput {
    /// Which visual.
    #[graphql(name = "visualID")]
    pub visual_id: String,
    /// The image's address.
    pub uri: String,
    /// Text for screen readers.
    pub alternative_text: Option<String>,
}

/// An image upload for a visual.
#[derive(Debug, InputObject)]
pub struct VisualUploadImageInput {
    /// Which visual.
    #[graphql(name = "visualID")]
    pub visual_id: String,
    /// Text for screen readers.
    pub alternative_text: Option<String>,
}

fn parse_id(raw: &str, what: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw.trim())
        .map_err(|_| AppError::bad_input(format!("{what} is not a valid id: {raw}")))
}

/// Reads an uploaded file.
pub fn read_upload(ctx: &Context<'_>, file: &Upload) -> Result<UploadedFile, AppError> {
    use std::io::Read as _;
    let value = file
        .value(ctx)
        .map_err(|_| AppError::bad_input("The upload is missing"))?;
    let content_type = value
        .content_type
        .clone()
        .unwrap_or_else(|| "application/octet-stream".to_owned());
    let filename = value.filename.clone();
    let mut bytes = Vec::new();
    value
        .into_read()
        .read_to_end(&mut bytes)
        .map_err(|e| AppError::internal_msg(format_args!("reading an upload: {e}")))?;
    Ok(UploadedFile {
        filename,
        content_type,
        bytes,
    })
}

/// A file to attach to a reference.
#[derive(Debug, InputObject)]
pub struct StorageBucketUploadFileOnReferenceInput {
    /// Which reference.
    #[graphql(name = "referenceID")]
    pub reference_id: String,
}

/// Profile mutations.
#[derive(Debug, Default)]
pub struct ProfileMutation;

#[Object]
impl ProfileMutation {
    /// Updates a profile's name, tagline, description, location, references and tagsets
    /// (needs UPDATE on the profile).
    async fn update_profile(
        &self,
        ctx: &Context<'_>,
        profile_data: UpdateProfileDirectInput,
    ) -> Result<Profile> {
        let profile_id = profile_data.profile_id.0;
        let update = profile_update(
            profile_data.display_name,
            profile_data.tagline,
            profile_data.description,
            profile_data.location,
            profile_data.references,
            profile_data.tagsets,
        );
        let profile = data::<ProfileService>(ctx)?
            .update(&actor(ctx), profile_id, update)
            .await?;
        Ok(Profile(profile))
    }

    /// Adds a reference to a profile (needs CREATE on the profile).
    async fn create_reference_on_profile(
        &self,
        ctx: &Context<'_>,
        reference_input: CreateReferenceOnProfileInput,
    ) -> Result<Reference> {
        let new = NewReference {
            name: reference_input.name,
            uri: reference_input.uri.unwrap_or_default(),
            description: reference_input.description,
        };
        let r = data::<ProfileService>(ctx)?
            .create_reference(&actor(ctx), reference_input.profile_id.0, new)
            .await?;
        Ok(Reference(r))
    }

    /// Changes a reference's name, target or description (needs UPDATE on it).
    async fn update_reference(
        &self,
        ctx: &Context<'_>,
        reference_data: UpdateReferenceInput,
    ) -> Result<Reference> {
        let update = ReferenceUpdate {
            id: reference_data.id.0,
            name: reference_data.name,
            uri: reference_data.uri,
            description: reference_data.description,
        };
        Ok(Reference(
            data::<ProfileService>(ctx)?
                .update_reference(&actor(ctx), update)
                .await?,
        ))
    }

    /// Stores a file in the reference's profile bucket and points the reference at it (needs
    /// UPDATE on the reference and FILE_UPLOAD on the bucket).
    async fn upload_file_on_reference(
        &self,
        ctx: &Context<'_>,
        file: Upload,
        upload_data: StorageBucketUploadFileOnReferenceInput,
    ) -> Result<Reference> {
        let id = parse_id(&upload_data.reference_id, "referenceID")?;
        let file = read_upload(ctx, &file)?;
        Ok(Reference(
            data::<ProfileService>(ctx)?
                .upload_file_on_reference(&actor(ctx), id, file)
                .await?,
        ))
    }

    /// Replaces a tagset's tags (needs UPDATE on it; SELECT tagsets take only their allowed
    /// values).
    async fn update_tagset(
        &self,
        ctx: &Context<'_>,
        update_data: UpdateTagsetInput,
    ) -> Result<Tagset> {
        if let Some(callout) = data::<alkemio_collaboration::CollaborationService>(ctx)?
            .update_flow_state_tagset(&actor(ctx), update_data.id.0, &update_data.tags)
            .await?
        {
            return Ok(Tagset(
                crate::collaboration::Classification::flow_state_tagset(ctx, callout).await?,
            ));
        }
        let update = TagsetUpdate {
            id: update_data.id.0,
            name: update_data.name,
            tags: update_data.tags,
        };
        Ok(Tagset(
            data::<ProfileService>(ctx)?
                .update_tagset(&actor(ctx), update)
                .await?,
        ))
    }

    /// Deletes a reference (needs DELETE on it).
    async fn delete_reference(
        &self,
        ctx: &Context<'_>,
        delete_data: DeleteReferenceInput,
    ) -> Result<Reference> {
        Ok(Reference(
            data::<ProfileService>(ctx)?
                .delete_reference(&actor(ctx), delete_data.id.0)
                .await?,
        ))
    }

    /// Adds a free-form tagset to a profile, or tags to its tagset of that name (needs CREATE on
    /// the profile).
    async fn create_tagset_on_profile(
        &self,
        ctx: &Context<'_>,
        tagset_data: CreateTagsetOnProfileInput,
    ) -> Result<Tagset> {
        let profile = tagset_data
            .profile_id
            .ok_or_else(|| AppError::bad_input("profileID is required"))?;
        let t = data::<ProfileService>(ctx)?
            .create_tagset(
                &actor(ctx),
                profile.0,
                tagset_data.name,
                tagset_data.tags.unwrap_or_default(),
                tagset_data.r#type,
            )
            .await?;
        Ok(Tagset(t))
    }

    /// Points a visual at an image (needs UPDATE on the visual).
    async fn update_visual(
        &self,
        ctx: &Context<'_>,
        update_data: UpdateVisualInput,
    ) -> Result<Visual> {
        let id = parse_id(&update_data.visual_id, "visualID")?;
        let v = data::<ProfileService>(ctx)?
            .update_visual(
                &actor(ctx),
                id,
                update_data.uri,
                update_data.alternative_text,
            )
            .await?;
        Ok(Visual(v))
    }

    /// Uploads an image for a visual (needs UPDATE on the visual and FILE_UPLOAD on the
    /// profile's bucket; the image must be of an allowed type and size).
    async fn upload_image_on_visual(
        &self,
        ctx: &Context<'_>,
        file: Upload,
        upload_data: VisualUploadImageInput,
    ) -> Result<Visual> {
        let id = parse_id(&upload_data.visual_id, "visualID")?;
        let file = read_upload(ctx, &file)?;
        let v = data::<ProfileService>(ctx)?
            .upload_image(&actor(ctx), id, file, upload_data.alternative_text)
            .await?;
        Ok(Visual(v))
    }
}
