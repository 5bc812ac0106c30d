//! GraphQL of links and whiteboards (module `alkemio-collaboration`): `Link`, `Whiteboard`
//! and their mutations. Reads check READ on what they return; writes are checked by the
//! collaboration service against the stored policies.

use alkemio_authorization::AuthorizationPrivilege as P;
use alkemio_collaboration::CollaborationService;
use alkemio_collaboration::content::{
    LinkUpdate, MemoUpdate, NewLink, NewMemo, NewWhiteboard, PreviewChanges, WhiteboardUpdate,
};
use alkemio_collaboration::model::{
    self, ContentUpdatePolicy, PreviewCoordinates, WhiteboardPreviewMode,
};
use alkemio_kernel::scalars::{DateTime, Markdown, NameId, UuidScalar, WhiteboardContent};
use alkemio_kernel::{AppError, AppResult};
use async_graphql::{Context, InputObject, Object, Result, SimpleObject, Upload};

use crate::authorization::{Authorization, require_on};
use crate::context::{actor, data};
use crate::contributor::User;
use crate::loaders::{Loaders, loaded};
use crate::organization::CreateProfileInput;
use crate::profile::{Profile, UpdateProfileInput};

fn service<'a>(ctx: &Context<'a>) -> AppResult<&'a CollaborationService> {
    data::<CollaborationService>(ctx)
}

async fn profile(ctx: &Context<'_>, id: uuid::Uuid) -> Result<Profile> {
    let found = loaded(data::<Loaders>(ctx)?.profiles.load_one(id).await)?
        .ok_or_else(|| AppError::internal_msg(format_args!("profile {id} missing")))?;
    Ok(Profile(found))
}

/// A link: a named, described URI.
pub struct Link(pub model::Link);

#[Object(name = "Link")]
impl Link {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }

    /// Where it points.
    async fn uri(&self) -> &str {
        &self.0.uri
    }

    /// Its profile (needs READ).
    async fn profile(&self, ctx: &Context<'_>) -> Result<Profile> {
        require_on(ctx, self.0.authorization_id, P::Read, "read a link").await?;
        profile(ctx, self.0.profile_id).await
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

/// The area of a whiteboard its preview shows.
#[derive(SimpleObject)]
#[graphql(name = "WhiteboardPreviewCoordinates")]
pub struct WhiteboardPreviewCoordinates {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

/// How a whiteboard's preview image is made.
#[derive(SimpleObject)]
#[graphql(name = "WhiteboardPreviewSettings")]
pub struct WhiteboardPreviewSettings {
    /// The framing mode.
    pub mode: WhiteboardPreviewMode,
    /// The area shown, for the modes that fix one.
    pub coordinates: Option<WhiteboardPreviewCoordinates>,
}

/// A whiteboard: an Excalidraw scene with a profile.
pub struct Whiteboard(pub model::Whiteboard);

#[Object(name = "Whiteboard")]
impl Whiteboard {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }

    /// Its NameID.
    #[graphql(name = "nameID")]
    async fn name_id(&self) -> NameId {
        NameId::from_trusted(self.0.name_id.clone())
    }

    /// The scene (needs READ).
    async fn content(&self, ctx: &Context<'_>) -> Result<WhiteboardContent> {
        require_on(ctx, self.0.authorization_id, P::Read, "read a whiteboard").await?;
        Ok(WhiteboardContent(self.0.content.clone()))
    }

    /// Who may change the content besides its owner.
    async fn content_update_policy(&self) -> ContentUpdatePolicy {
        self.0.content_update_policy
    }

    /// Whether several people may edit it at once (its collaboration's license).
    async fn is_multi_user(&self, ctx: &Context<'_>) -> Result<bool> {
        let found = loaded(
            data::<Loaders>(ctx)?
                .whiteboards_multi_user
                .load_one(self.0.id)
                .await,
        )?;
        Ok(found.ok_or_else(|| {
            AppError::not_found(format!(
                "Whiteboard {} is not in a collaboration with a license",
                self.0.id
            ))
        })?)
    }

    /// Whether guests may read and edit it.
    async fn guest_contributions_allowed(&self, ctx: &Context<'_>) -> Result<bool> {
        let Some(id) = self.0.authorization_id else {
            return Ok(false);
        };
        Ok(crate::authorization::load_policy(ctx, id)
            .await?
            .is_some_and(|s| alkemio_collaboration::authorization::guests_allowed(&s.policy)))
    }

    /// How its preview is made.
    async fn preview_settings(&self) -> WhiteboardPreviewSettings {
        let s = self.0.preview_settings;
        WhiteboardPreviewSettings {
            mode: s.mode,
            coordinates: s.coordinates.map(|c| WhiteboardPreviewCoordinates {
                x: c.x,
                y: c.y,
                width: c.width,
                height: c.height,
            }),
        }
    }

    /// Its owner (null when gone).
    async fn created_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        let Some(id) = self.0.created_by else {
            return Ok(None);
        };
        Ok(loaded(data::<Loaders>(ctx)?.users.load_one(id).await)?.map(User))
    }

    /// Its profile (needs READ).
    async fn profile(&self, ctx: &Context<'_>) -> Result<Profile> {
        require_on(ctx, self.0.authorization_id, P::Read, "read a whiteboard").await?;
        profile(ctx, self.0.profile_id).await
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

// ---- inputs ----

/// A new link.
#[derive(Debug, Clone, InputObject)]
pub struct CreateLinkInput {
    /// Its profile.
    pub profile: CreateProfileInput,
    /// Where it points.
    pub uri: Option<String>,
}

impl CreateLinkInput {
    pub(crate) fn into_new(self) -> AppResult<NewLink> {
        Ok(NewLink {
            profile: self.profile.into_new_profile()?.0,
            uri: self.uri,
        })
    }
}

/// Changes to a link.
#[derive(InputObject)]
pub struct UpdateLinkInput {
    /// The link.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
    /// Profile changes.
    pub profile: Option<UpdateProfileInput>,
    /// Where it points.
    pub uri: Option<String>,
}

impl From<UpdateLinkInput> for LinkUpdate {
    fn from(u: UpdateLinkInput) -> Self {
        LinkUpdate {
            id: u.id.0,
            profile: u.profile.map(Into::into),
            uri: u.uri,
        }
    }
}

/// The link a file is uploaded to.
#[derive(InputObject)]
pub struct StorageBucketUploadFileOnLinkInput {
    /// The link.
    #[graphql(name = "linkID")]
    pub link_id: String,
}

/// The link to delete.
#[derive(InputObject)]
pub struct DeleteLinkInput {
    /// Its id.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
}

/// The area of a whiteboard a preview shows.
#[derive(Debug, Clone, Copy, InputObject)]
pub struct WhiteboardPreviewCoordinatesInput {
    /// Height.
    pub height: f64,
    /// Width.
    pub width: f64,
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
}

impl From<WhiteboardPreviewCoordinatesInput> for PreviewCoordinates {
    fn from(c: WhiteboardPreviewCoordinatesInput) -> Self {
        PreviewCoordinates {
            x: c.x,
            y: c.y,
            width: c.width,
            height: c.height,
        }
    }
}

/// Preview settings of a new whiteboard.
#[derive(Debug, Clone, Copy, InputObject)]
pub struct CreateWhiteboardPreviewSettingsInput {
    /// The area shown.
    pub coordinates: Option<WhiteboardPreviewCoordinatesInput>,
    /// The framing mode (AUTO when absent).
    pub mode: Option<WhiteboardPreviewMode>,
}

/// Preview settings to change.
#[derive(Debug, Clone, Copy, InputObject)]
pub struct UpdateWhiteboardPreviewSettingsInput {
    /// The area shown.
    pub coordinates: Option<WhiteboardPreviewCoordinatesInput>,
    /// The framing mode.
    pub mode: Option<WhiteboardPreviewMode>,
}

impl From<CreateWhiteboardPreviewSettingsInput> for PreviewChanges {
    fn from(p: CreateWhiteboardPreviewSettingsInput) -> Self {
        PreviewChanges {
            mode: p.mode,
            coordinates: p.coordinates.map(Into::into),
        }
    }
}

impl From<UpdateWhiteboardPreviewSettingsInput> for PreviewChanges {
    fn from(p: UpdateWhiteboardPreviewSettingsInput) -> Self {
        PreviewChanges {
            mode: p.mode,
            coordinates: p.coordinates.map(Into::into),
        }
    }
}

/// A new whiteboard.
#[derive(Debug, Clone, InputObject)]
pub struct CreateWhiteboardInput {
    /// The scene to start with.
    pub content: Option<WhiteboardContent>,
    /// Its NameID (generated from the display name when absent).
    #[graphql(name = "nameID")]
    pub name_id: Option<NameId>,
    /// How its preview is made.
    pub preview_settings: Option<CreateWhiteboardPreviewSettingsInput>,
    /// Its profile (named "Whiteboard" when absent).
    pub profile: Option<CreateProfileInput>,
}

impl CreateWhiteboardInput {
    pub(crate) fn into_new(self) -> AppResult<NewWhiteboard> {
        Ok(NewWhiteboard {
            name_id: self.name_id.map(NameId::into_inner),
            profile: self
                .profile
                .map(|p| p.into_new_profile().map(|x| x.0))
                .transpose()?,
            content: self.content.map(|c| c.0),
            preview: self.preview_settings.map(Into::into),
        })
    }
}

/// Changes to a whiteboard.
#[derive(InputObject)]
pub struct UpdateWhiteboardEntityInput {
    /// Who may change the content besides its owner.
    pub content_update_policy: Option<ContentUpdatePolicy>,
    /// The whiteboard.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
    /// A new NameID (unique among its callout's contributions).
    #[graphql(name = "nameID")]
    pub name_id: Option<NameId>,
    /// Preview settings to change.
    pub preview_settings: Option<UpdateWhiteboardPreviewSettingsInput>,
    /// Profile changes.
    pub profile: Option<UpdateProfileInput>,
}

/// The whiteboard to delete.
#[derive(InputObject)]
pub struct DeleteWhiteboardInput {
    /// Its id.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
}

/// Opening or closing a whiteboard to guests.
#[derive(InputObject)]
pub struct UpdateWhiteboardGuestAccessInput {
    /// Whether guests may read and edit it.
    pub guest_access_enabled: bool,
    /// The whiteboard.
    #[graphql(name = "whiteboardId")]
    pub whiteboard_id: UuidScalar,
}

/// The outcome of opening or closing a whiteboard to guests.
#[derive(SimpleObject)]
#[graphql(name = "UpdateWhiteboardGuestAccessResult")]
pub struct UpdateWhiteboardGuestAccessResult {
    /// Whether it was done.
    pub success: bool,
    /// The whiteboard as it is now.
    pub whiteboard: Option<Whiteboard>,
}

async fn host_of_whiteboard(
    ctx: &Context<'_>,
    id: uuid::Uuid,
) -> AppResult<alkemio_collaboration::Host> {
    let callout = service(ctx)?
        .callout_holding(id, alkemio_collaboration::repo::Held::Whiteboard)
        .await?;
    crate::collaboration::host_of_set(ctx, callout.callouts_set_id).await
}

/// Link and whiteboard mutations.
#[derive(Debug, Default)]
pub struct ContentMutation;

#[Object]
impl ContentMutation {
    /// Changes a link's profile or URI (needs UPDATE on it).
    async fn update_link(&self, ctx: &Context<'_>, link_data: UpdateLinkInput) -> Result<Link> {
        Ok(Link(
            service(ctx)?
                .update_link(&actor(ctx), link_data.into())
                .await?,
        ))
    }

    /// Uploads a file into the bucket of a link's profile and points the link at it (needs
    /// UPDATE on the link and FILE_UPLOAD on the bucket; the type and size must be allowed).
    async fn upload_file_on_link(
        &self,
        ctx: &Context<'_>,
        file: Upload,
        upload_data: StorageBucketUploadFileOnLinkInput,
    ) -> Result<Link> {
        let id = uuid::Uuid::parse_str(upload_data.link_id.trim()).map_err(|_| {
            AppError::bad_input(format!("linkID is not a valid id: {}", upload_data.link_id))
        })?;
        let svc = service(ctx)?;
        let link = svc.link_or_fail(id).await?;
        require_on(
            ctx,
            link.authorization_id,
            P::Update,
            "upload a file to a link",
        )
        .await?;
        let bucket = loaded(
            data::<Loaders>(ctx)?
                .profiles
                .load_one(link.profile_id)
                .await,
        )?
        .and_then(|p| p.storage_bucket_id)
        .ok_or_else(|| AppError::internal_msg(format_args!("link {id} has no storage bucket")))?;
        let file = crate::profile::read_upload(ctx, &file)?;
        let storage = data::<alkemio_storage::StorageService>(ctx)?;
        let doc = storage.upload(&actor(ctx), bucket, file, false).await?;
        Ok(Link(
            svc.update_link(
                &actor(ctx),
                LinkUpdate {
                    id,
                    profile: None,
                    uri: Some(storage.document_url(doc.id)),
                },
            )
            .await?,
        ))
    }

    /// Deletes a link; a contributed link goes with its contribution (needs DELETE on it).
    async fn delete_link(&self, ctx: &Context<'_>, delete_data: DeleteLinkInput) -> Result<Link> {
        Ok(Link(
            service(ctx)?
                .delete_link(&actor(ctx), delete_data.id.0)
                .await?,
        ))
    }

    /// Changes a whiteboard's profile, content policy or preview settings (needs UPDATE on
    /// it).
    async fn update_whiteboard(
        &self,
        ctx: &Context<'_>,
        whiteboard_data: UpdateWhiteboardEntityInput,
    ) -> Result<Whiteboard> {
        let d = whiteboard_data;
        let host = host_of_whiteboard(ctx, d.id.0).await?;
        let svc = service(ctx)?;
        Ok(Whiteboard(
            svc.update_whiteboard(
                &actor(ctx),
                d.id.0,
                WhiteboardUpdate {
                    name_id: d.name_id.map(NameId::into_inner),
                    profile: d.profile.map(Into::into),
                    content_update_policy: d.content_update_policy,
                    preview: d.preview_settings.map(Into::into),
                },
                &host,
            )
            .await?,
        ))
    }

    /// Deletes a whiteboard; a contributed one goes with its contribution (needs DELETE on
    /// it).
    async fn delete_whiteboard(
        &self,
        ctx: &Context<'_>,
        whiteboard_data: DeleteWhiteboardInput,
    ) -> Result<Whiteboard> {
        Ok(Whiteboard(
            service(ctx)?
                .delete_whiteboard(&actor(ctx), whiteboard_data.id.0)
                .await?,
        ))
    }

    /// Opens a whiteboard to guests or closes it (needs PUBLIC_SHARE on it; opening needs a
    /// space that allows guest contributions).
    async fn update_whiteboard_guest_access(
        &self,
        ctx: &Context<'_>,
        input: UpdateWhiteboardGuestAccessInput,
    ) -> Result<UpdateWhiteboardGuestAccessResult> {
        let id = input.whiteboard_id.0;
        let host = host_of_whiteboard(ctx, id).await?;
        let w = service(ctx)?
            .update_whiteboard_guest_access(&actor(ctx), id, input.guest_access_enabled, &host)
            .await?;
        Ok(UpdateWhiteboardGuestAccessResult {
            success: true,
            whiteboard: Some(Whiteboard(w)),
        })
    }
}

// ---- memos ----

/// A memo: a Markdown document with a profile.
pub struct Memo(pub model::Memo);

#[Object(name = "Memo")]
impl Memo {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }

    /// Its NameID.
    #[graphql(name = "nameID")]
    async fn name_id(&self) -> NameId {
        NameId::from_trusted(self.0.name_id.clone())
    }

    /// Its text (needs READ; null until written).
    async fn markdown(&self, ctx: &Context<'_>) -> Result<Option<Markdown>> {
        require_on(ctx, self.0.authorization_id, P::Read, "read a memo").await?;
        Ok(self.0.markdown.clone().map(Markdown))
    }

    /// Who may change the content besides its owner.
    async fn content_update_policy(&self) -> ContentUpdatePolicy {
        self.0.content_update_policy
    }

    /// Whether several people may edit it at once (its collaboration's license).
    async fn is_multi_user(&self, ctx: &Context<'_>) -> Result<bool> {
        let found = loaded(
            data::<Loaders>(ctx)?
                .memos_multi_user
                .load_one(self.0.id)
                .await,
        )?;
        Ok(found.ok_or_else(|| {
            AppError::not_found(format!(
                "Memo {} is not in a collaboration with a license",
                self.0.id
            ))
        })?)
    }

    /// Its owner (null when gone).
    async fn created_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        let Some(id) = self.0.created_by else {
            return Ok(None);
        };
        Ok(loaded(data::<Loaders>(ctx)?.users.load_one(id).await)?.map(User))
    }

    /// Its profile (needs READ).
    async fn profile(&self, ctx: &Context<'_>) -> Result<Profile> {
        require_on(ctx, self.0.authorization_id, P::Read, "read a memo").await?;
        profile(ctx, self.0.profile_id).await
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

/// A new memo.
#[derive(Debug, Clone, InputObject)]
pub struct CreateMemoInput {
    /// Its text.
    pub markdown: Option<Markdown>,
    /// Its profile (named "Memo" when absent).
    pub profile: Option<CreateProfileInput>,
}

impl CreateMemoInput {
    pub(crate) fn into_new(self) -> AppResult<NewMemo> {
        Ok(NewMemo {
            name_id: None,
            profile: self
                .profile
                .map(|p| p.into_new_profile().map(|x| x.0))
                .transpose()?,
            markdown: self.markdown.map(|m| m.0),
        })
    }
}

/// Changes to a memo.
#[derive(InputObject)]
pub struct UpdateMemoEntityInput {
    /// Who may change the content besides its owner.
    pub content_update_policy: Option<ContentUpdatePolicy>,
    /// The memo.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
    /// Profile changes.
    pub profile: Option<UpdateProfileInput>,
}

/// The memo to delete.
#[derive(InputObject)]
pub struct DeleteMemoInput {
    /// Its id.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
}

/// Memo mutations.
#[derive(Debug, Default)]
pub struct MemoMutation;

#[Object]
impl MemoMutation {
    /// Changes a memo's profile or content policy (needs UPDATE on it).
    async fn update_memo(
        &self,
        ctx: &Context<'_>,
        memo_data: UpdateMemoEntityInput,
    ) -> Result<Memo> {
        let d = memo_data;
        let callout = service(ctx)?
            .callout_holding(d.id.0, alkemio_collaboration::repo::Held::Memo)
            .await?;
        let host = crate::collaboration::host_of_set(ctx, callout.callouts_set_id).await?;
        Ok(Memo(
            service(ctx)?
                .update_memo(
                    &actor(ctx),
                    d.id.0,
                    MemoUpdate {
                        profile: d.profile.map(Into::into),
                        content_update_policy: d.content_update_policy,
                    },
                    &host,
                )
                .await?,
        ))
    }

    /// Deletes a memo; a contributed one goes with its contribution (needs DELETE on it).
    async fn delete_memo(&self, ctx: &Context<'_>, memo_data: DeleteMemoInput) -> Result<Memo> {
        Ok(Memo(
            service(ctx)?
                .delete_memo(&actor(ctx), memo_data.id.0)
                .await?,
        ))
    }
}

// ---- media galleries ----

/// A media gallery: images and videos with a storage bucket of their own.
pub struct MediaGallery(pub alkemio_common::profile::MediaGallery);

#[Object(name = "MediaGallery")]
impl MediaGallery {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }

    /// Who made it.
    async fn created_by(&self) -> Option<String> {
        self.0.created_by.map(|u| u.to_string())
    }

    /// Its images and videos, by position.
    async fn visuals(&self, ctx: &Context<'_>) -> Result<Vec<crate::profile::Visual>> {
        Ok(loaded(
            data::<Loaders>(ctx)?
                .gallery_visuals
                .load_one(self.0.id)
                .await,
        )?
        .unwrap_or_default()
        .into_iter()
        .map(crate::profile::Visual)
        .collect())
    }

    /// Where its files are stored.
    async fn storage_bucket(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::storage::StorageBucket>> {
        let Some(id) = self.0.storage_bucket_id else {
            return Ok(None);
        };
        Ok(loaded(data::<Loaders>(ctx)?.buckets.load_one(id).await)?
            .map(crate::storage::StorageBucket))
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

/// A visual to add to a gallery.
#[derive(InputObject)]
pub struct AddVisualToMediaGalleryInput {
    /// The gallery.
    #[graphql(name = "mediaGalleryID")]
    pub media_gallery_id: String,
    /// Its position (last when absent).
    pub sort_order: Option<f64>,
    /// MEDIA_GALLERY_IMAGE or MEDIA_GALLERY_VIDEO.
    pub visual_type: alkemio_common::visual::VisualType,
}

/// A visual to remove from a gallery.
#[derive(InputObject)]
pub struct DeleteVisualFromMediaGalleryInput {
    /// The gallery.
    #[graphql(name = "mediaGalleryID")]
    pub media_gallery_id: String,
    /// The visual.
    #[graphql(name = "visualID")]
    pub visual_id: String,
}

fn parse_id(value: &str, what: &str) -> AppResult<uuid::Uuid> {
    uuid::Uuid::parse_str(value.trim())
        .map_err(|_| AppError::bad_input(format!("{what} is not a valid id: {value}")))
}

/// Media gallery mutations.
#[derive(Debug, Default)]
pub struct MediaGalleryMutation;

#[Object]
impl MediaGalleryMutation {
    /// Adds an empty image or video to a gallery, to upload onto (needs UPDATE on the
    /// gallery).
    async fn add_visual_to_media_gallery(
        &self,
        ctx: &Context<'_>,
        add_data: AddVisualToMediaGalleryInput,
    ) -> Result<crate::profile::Visual> {
        let gallery = parse_id(&add_data.media_gallery_id, "mediaGalleryID")?;
        Ok(crate::profile::Visual(
            data::<alkemio_common::profile::ProfileService>(ctx)?
                .add_gallery_visual(
                    &actor(ctx),
                    gallery,
                    add_data.visual_type,
                    add_data.sort_order,
                )
                .await?,
        ))
    }

    /// Removes a visual from a gallery (needs UPDATE on the gallery).
    async fn delete_visual_from_media_gallery(
        &self,
        ctx: &Context<'_>,
        delete_data: DeleteVisualFromMediaGalleryInput,
    ) -> Result<crate::profile::Visual> {
        let gallery = parse_id(&delete_data.media_gallery_id, "mediaGalleryID")?;
        let visual = parse_id(&delete_data.visual_id, "visualID")?;
        Ok(crate::profile::Visual(
            data::<alkemio_common::profile::ProfileService>(ctx)?
                .delete_gallery_visual(&actor(ctx), gallery, visual)
                .await?,
        ))
    }
}

/// The mutations of links, whiteboards, memos, media galleries and polls, and of the forum's
/// discussions (kept here to keep the root merge shallow).
#[derive(Debug, Default, async_graphql::MergedObject)]
pub struct ContentMutations(
    ContentMutation,
    MemoMutation,
    MediaGalleryMutation,
    crate::poll::PollMutation,
    crate::forum::ForumMutation,
);
