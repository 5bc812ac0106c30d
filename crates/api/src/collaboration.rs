//! GraphQL: collaborations, callouts sets, callouts (framing, settings, comments), their
//! contributions and posts; the callout mutations and lookups. Reads check READ on what they
//! return; writes are checked by the collaboration service against the stored policies.

use std::collections::HashMap;

use crate::authorization::{Authorization, require_on};
use crate::communication::Room;
use crate::content::{
    CreateLinkInput, CreateMemoInput, CreateWhiteboardInput, UpdateLinkInput,
    UpdateWhiteboardPreviewSettingsInput,
};
use crate::context::{actor, data};
use crate::contributor::User;
use crate::loaders::{Loaders, loaded};
use crate::organization::CreateProfileInput;
use crate::profile::{Profile, UpdateProfileInput};
use alkemio_authorization::AuthorizationPrivilege as P;
use alkemio_collaboration::service::{
    CalloutChanges, CalloutFilter, NewCallout, NewContribution, NewPost, SettingsChanges,
};
use alkemio_collaboration::{
    CalloutAllowedActors, CalloutContributionType, CalloutFramingType, CalloutVisibility,
    CalloutsSetType, CollaborationService, Host, model,
};
use alkemio_kernel::scalars::{DateTime, Markdown, NameId, UuidScalar, WhiteboardContent};
use alkemio_kernel::{AppError, AppResult};
use async_graphql::{Context, InputObject, Object, Result, SimpleObject};
use uuid::Uuid;

fn service<'a>(ctx: &Context<'a>) -> AppResult<&'a CollaborationService> {
    data::<CollaborationService>(ctx)
}

async fn user(ctx: &Context<'_>, id: Option<Uuid>) -> Result<Option<User>> {
    let Some(id) = id else { return Ok(None) };
    Ok(loaded(data::<Loaders>(ctx)?.users.load_one(id).await)?.map(User))
}

async fn profile(ctx: &Context<'_>, id: Uuid) -> Result<Profile> {
    let found = loaded(data::<Loaders>(ctx)?.profiles.load_one(id).await)?
        .ok_or_else(|| AppError::internal_msg(format_args!("profile {id} missing")))?;
    Ok(Profile(found))
}

async fn room(ctx: &Context<'_>, id: Uuid) -> Result<Room> {
    let found = loaded(data::<Loaders>(ctx)?.rooms.load_one(id).await)?
        .ok_or_else(|| AppError::internal_msg(format_args!("room {id} missing")))?;
    Ok(Room(found))
}

/// What the space owning the collaboration of a callouts set lends its callouts.
pub(crate) async fn host_of_set(ctx: &Context<'_>, set: Uuid) -> AppResult<Host> {
    match service(ctx)?.holding_collaboration(set).await? {
        Some(collaboration) => {
            data::<alkemio_space::SpaceService>(ctx)?
                .collaboration_host(collaboration.id)
                .await
        }
        // a knowledge base's set: no space lends it roles; its files go with the virtual
        // contributor's account
        None => Ok(Host {
            aggregator: data::<alkemio_virtual_contributor::VirtualContributorService>(ctx)?
                .account_aggregator_of_set(set)
                .await?,
            ..Host::default()
        }),
    }
}

/// A space's collaboration: its callouts set (the innovation flow, timeline and license come
/// with their modules).
pub struct Collaboration(pub model::Collaboration);

#[Object(name = "Collaboration")]
impl Collaboration {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }

    /// Whether it belongs to a template.
    async fn is_template(&self) -> bool {
        self.0.is_template
    }

    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }

    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }

    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        crate::authorization::authorization_of(ctx, self.0.authorization_id).await
    }

    /// Its innovation flow.
    async fn innovation_flow(&self, ctx: &Context<'_>) -> Result<InnovationFlow> {
        let id = self.0.innovation_flow_id.ok_or_else(|| {
            AppError::internal_msg(format_args!("collaboration {} has no flow", self.0.id))
        })?;
        Ok(InnovationFlow(service(ctx)?.flow_or_fail(id).await?))
    }

    /// Its timeline (calendar).
    async fn timeline(&self, ctx: &Context<'_>) -> Result<crate::timeline::Timeline> {
        let id = self.0.timeline_id.ok_or_else(|| {
            AppError::internal_msg(format_args!("collaboration {} has no timeline", self.0.id))
        })?;
        let found = service(ctx)?
            .timelines()
            .timelines(&[id])
            .await?
            .remove(&id)
            .ok_or_else(|| AppError::internal_msg(format_args!("timeline {id} missing")))?;
        Ok(crate::timeline::Timeline(found))
    }

    /// Its license: the content flags of its space.
    async fn license(&self, ctx: &Context<'_>) -> Result<crate::account::License> {
        let id = self.0.license_id.ok_or_else(|| {
            AppError::internal_msg(format_args!("collaboration {} has no license", self.0.id))
        })?;
        let license =
            alkemio_licensing::licenses(data::<crate::SchemaServices>(ctx)?.db.conn(), &[id])
                .await?
                .remove(&id)
                .ok_or_else(|| AppError::internal_msg(format_args!("license {id} missing")))?;
        Ok(crate::account::License(license, None))
    }

    /// Its callouts.
    async fn callouts_set(&self, ctx: &Context<'_>) -> Result<CalloutsSet> {
        Ok(CalloutsSet(
            service(ctx)?
                .callouts_set_or_fail(self.0.callouts_set_id)
                .await?,
        ))
    }
}

/// A set of callouts.
pub struct CalloutsSet(pub model::CalloutsSet);

#[Object(name = "CalloutsSet")]
impl CalloutsSet {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }

    /// What it belongs to.
    async fn r#type(&self) -> CalloutsSetType {
        self.0.set_type
    }

    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }

    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }

    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        crate::authorization::authorization_of(ctx, self.0.authorization_id).await
    }

    /// The callouts the caller may read (drafts only for their creators and admins), by sort
    /// order. `IDs` returns exactly those, in that order (each must exist and be readable);
    /// otherwise `classificationTagsets` keeps callouts in any of the given flow states,
    /// `withContributionTypes` callouts accepting any of these kinds,
    /// `withTags` those whose framing or posts carry any of these tags,
    /// `sortByActivity` puts the most active first (contributions, or comments where a callout
    /// takes no contributions), `shuffle` picks at random, and `limit` caps the count.
    /// The templates of its callouts' classification tagsets: the flow states (needs READ).
    async fn tagset_templates(&self, ctx: &Context<'_>) -> Result<Option<Vec<TagsetTemplate>>> {
        require_on(ctx, self.0.authorization_id, P::Read, "read a callouts set").await?;
        Ok(Some(
            service(ctx)?
                .flow_of_set(self.0.id)
                .await?
                .map(|(flow, states)| TagsetTemplate { flow, states })
                .into_iter()
                .collect(),
        ))
    }

    /// The tags of the framings and posts of the readable callouts (in the given flow
    /// states), most used first.
    async fn tags(
        &self,
        ctx: &Context<'_>,
        classification_tagsets: Option<Vec<TagsetArgs>>,
    ) -> Result<Vec<String>> {
        Ok(service(ctx)?
            .tags_of_set(
                &actor(ctx),
                self.0.id,
                classification_filter(classification_tagsets),
            )
            .await?)
    }

    #[allow(clippy::too_many_arguments)]
    async fn callouts(
        &self,
        ctx: &Context<'_>,
        classification_tagsets: Option<Vec<TagsetArgs>>,
        #[graphql(name = "IDs")] ids: Option<Vec<UuidScalar>>,
        limit: Option<f64>,
        shuffle: Option<bool>,
        sort_by_activity: Option<bool>,
        with_contribution_types: Option<Vec<CalloutContributionType>>,
        with_tags: Option<Vec<String>>,
    ) -> Result<Vec<Callout>> {
        if limit.is_some_and(|l| l < 0.0 || l.fract() != 0.0) {
            return Err(AppError::bad_input("limit must be a whole number, 0 or more").into());
        }
        let by_activity = sort_by_activity.unwrap_or(false) && ids.is_none();
        let svc = service(ctx)?;
        let mut found = svc
            .callouts_of_set(
                &actor(ctx),
                self.0.id,
                CalloutFilter {
                    ids: ids.map(|v| v.into_iter().map(|i| i.0).collect()),
                    with_contribution_types,
                    with_tags,
                    limit: if by_activity {
                        None
                    } else {
                        limit.map(|l| l as usize)
                    },
                    shuffle: shuffle.unwrap_or(false),
                    classification: classification_filter(classification_tagsets),
                },
            )
            .await?;
        if by_activity {
            let activity = svc.activity_of(&found).await?;
            found.sort_by_key(|c| std::cmp::Reverse(activity.get(&c.id).copied().unwrap_or(0)));
            if let Some(l) = limit {
                found.truncate(l as usize);
            }
        }
        Ok(found.into_iter().map(Callout).collect())
    }
}

/// A callout: a framed question or call to contribute.
pub struct Callout(pub model::Callout);

impl Callout {
    async fn require_read(&self, ctx: &Context<'_>, what: &str) -> AppResult<()> {
        require_on(ctx, self.0.authorization_id, P::Read, what).await
    }
}

#[Object(name = "Callout")]
impl Callout {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }

    /// Its NameID, unique in its set.
    #[graphql(name = "nameID")]
    async fn name_id(&self) -> NameId {
        NameId::from_trusted(self.0.name_id.clone())
    }

    /// Whether it belongs to a template.
    async fn is_template(&self) -> bool {
        self.0.is_template
    }

    /// Its position in its set.
    async fn sort_order(&self) -> f64 {
        self.0.sort_order
    }

    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }

    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }

    /// When it was published.
    async fn published_date(&self) -> Option<DateTime> {
        self.0.published_date.map(DateTime)
    }

    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        crate::authorization::authorization_of(ctx, self.0.authorization_id).await
    }

    /// Who created it (null when gone).
    async fn created_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        user(ctx, self.0.created_by).await
    }

    /// Who published it (null when gone).
    async fn published_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        user(ctx, self.0.published_by).await
    }

    /// Its settings.
    async fn settings(&self) -> CalloutSettings {
        CalloutSettings(self.0.settings.clone())
    }

    /// Where it sits in the innovation flow (null outside a collaboration).
    async fn classification(&self) -> Option<Classification> {
        self.0
            .classification
            .clone()
            .map(|classification| Classification {
                callout: self.0.clone(),
                classification,
            })
    }

    /// What frames it (needs READ).
    async fn framing(&self, ctx: &Context<'_>) -> Result<CalloutFraming> {
        self.require_read(ctx, "read a callout's framing").await?;
        let id = self.0.framing_id;
        let found = loaded(data::<Loaders>(ctx)?.framings.load_one(id).await)?
            .ok_or_else(|| AppError::internal_msg(format_args!("framing {id} missing")))?;
        Ok(CalloutFraming(found, self.0.clone()))
    }

    /// What contributors start from (needs READ).
    async fn contribution_defaults(
        &self,
        ctx: &Context<'_>,
    ) -> Result<CalloutContributionDefaults> {
        self.require_read(ctx, "read a callout's contribution defaults")
            .await?;
        let id = self.0.contribution_defaults_id;
        let found = loaded(
            data::<Loaders>(ctx)?
                .contribution_defaults
                .load_one(id)
                .await,
        )?
        .ok_or_else(|| AppError::internal_msg(format_args!("defaults {id} missing")))?;
        Ok(CalloutContributionDefaults(found))
    }

    /// Its comments (needs READ; null when comments were never enabled).
    async fn comments(&self, ctx: &Context<'_>) -> Result<Option<Room>> {
        self.require_read(ctx, "read a callout's comments").await?;
        match self.0.comments_id {
            Some(id) => Ok(Some(room(ctx, id).await?)),
            None => Ok(None),
        }
    }

    /// Its contributions in display order (needs READ): `filter.IDs` returns those, in that
    /// order (unknown ones are skipped), `filter.types` keeps those kinds; `shuffle` picks at
    /// random; `limit` caps the count.
    async fn contributions(
        &self,
        ctx: &Context<'_>,
        filter: Option<ContributionsFilterInput>,
        limit: Option<i32>,
        shuffle: Option<bool>,
    ) -> Result<Vec<CalloutContribution>> {
        self.require_read(ctx, "read a callout's contributions")
            .await?;
        if limit.is_some_and(|l| l < 0) {
            return Err(AppError::bad_input("limit must be 0 or more").into());
        }
        let all = loaded(
            data::<Loaders>(ctx)?
                .contributions
                .load_one(self.0.id)
                .await,
        )?
        .unwrap_or_default();
        let mut out: Vec<model::Contribution> = match filter.as_ref().and_then(|f| f.ids.as_ref()) {
            Some(ids) => ids
                .iter()
                .filter_map(|id| all.iter().find(|c| c.id == id.0).cloned())
                .collect(),
            None => all,
        };
        if let Some(types) = filter.and_then(|f| f.types) {
            out.retain(|c| types.contains(&c.contribution_type));
        }
        if shuffle.unwrap_or(false) {
            for i in (1..out.len()).rev() {
                let j = (Uuid::new_v4().as_u128() % (i as u128 + 1)) as usize;
                out.swap(i, j);
            }
        }
        if let Some(l) = limit {
            out.truncate(l as usize);
        }
        Ok(out.into_iter().map(CalloutContribution).collect())
    }

    /// The posts contributed to it, in display order (needs READ).
    async fn posts(&self, ctx: &Context<'_>) -> Result<Option<Vec<Post>>> {
        self.require_read(ctx, "read a callout's posts").await?;
        let loaders = data::<Loaders>(ctx)?;
        let all = loaded(loaders.contributions.load_one(self.0.id).await)?.unwrap_or_default();
        let ids: Vec<Uuid> = all.iter().filter_map(|c| c.post_id).collect();
        let posts = loaded(loaders.posts.load_many(ids.iter().copied()).await)?;
        Ok(Some(
            ids.iter()
                .filter_map(|id| posts.get(id).cloned().map(Post))
                .collect(),
        ))
    }

    /// How many contributions of each kind it has (needs READ).
    async fn contributions_count(
        &self,
        ctx: &Context<'_>,
    ) -> Result<CalloutContributionsCountOutput> {
        self.require_read(ctx, "read a callout's contributions")
            .await?;
        let counts = loaded(
            data::<Loaders>(ctx)?
                .contribution_counts
                .load_one(self.0.id)
                .await,
        )?
        .unwrap_or_default();
        let n = |t| counts.get(&t).copied().unwrap_or(0) as f64;
        Ok(CalloutContributionsCountOutput {
            collabora_document: n(CalloutContributionType::CollaboraDocument),
            link: n(CalloutContributionType::Link),
            memo: n(CalloutContributionType::Memo),
            post: n(CalloutContributionType::Post),
            whiteboard: n(CalloutContributionType::Whiteboard),
        })
    }

    /// How active it is: its contributions where it accepts them, else its comments.
    async fn activity(&self, ctx: &Context<'_>) -> Result<f64> {
        let loaders = data::<Loaders>(ctx)?;
        if self.0.settings.contribution.allowed_types.is_empty() {
            return Ok(match self.0.comments_id {
                Some(id) => loaded(loaders.rooms.load_one(id).await)?
                    .map_or(0.0, |r| f64::from(r.messages_count)),
                None => 0.0,
            });
        }
        let counts =
            loaded(loaders.contribution_counts.load_one(self.0.id).await)?.unwrap_or_default();
        Ok(counts.values().sum::<i64>() as f64)
    }
}

/// How many contributions of each kind a callout has.
#[derive(SimpleObject)]
pub struct CalloutContributionsCountOutput {
    /// Office documents.
    pub collabora_document: f64,
    /// Links.
    pub link: f64,
    /// Memos.
    pub memo: f64,
    /// Posts.
    pub post: f64,
    /// Whiteboards.
    pub whiteboard: f64,
}

/// Which contributions to return.
#[derive(InputObject)]
pub struct ContributionsFilterInput {
    /// Only these, in this order.
    #[graphql(name = "IDs")]
    pub ids: Option<Vec<UuidScalar>>,
    /// Only these kinds.
    pub types: Option<Vec<CalloutContributionType>>,
}

/// A callout's settings.
pub struct CalloutSettings(model::CalloutSettings);

#[Object(name = "CalloutSettings")]
impl CalloutSettings {
    /// Contributions.
    async fn contribution(&self) -> CalloutSettingsContribution {
        CalloutSettingsContribution(self.0.contribution.clone())
    }

    /// The framing.
    async fn framing(&self) -> CalloutSettingsFraming {
        CalloutSettingsFraming(self.0.framing.clone())
    }

    /// Draft or published.
    async fn visibility(&self) -> CalloutVisibility {
        self.0.visibility
    }
}

/// Contribution settings of a callout.
pub struct CalloutSettingsContribution(model::ContributionSettings);

#[Object(name = "CalloutSettingsContribution")]
impl CalloutSettingsContribution {
    /// Which kinds are accepted.
    async fn allowed_types(&self) -> Vec<CalloutContributionType> {
        self.0.allowed_types.clone()
    }

    /// Who may add contributions.
    async fn can_add_contributions(&self) -> CalloutAllowedActors {
        self.0.can_add_contributions
    }

    /// Whether contributions have comments.
    async fn comments_enabled(&self) -> bool {
        self.0.comments_enabled
    }

    /// Whether contributions are accepted at all.
    async fn enabled(&self) -> bool {
        self.0.enabled
    }
}

/// Framing settings of a callout.
pub struct CalloutSettingsFraming(model::FramingSettings);

#[Object(name = "CalloutSettingsFraming")]
impl CalloutSettingsFraming {
    /// Whether the callout itself has comments.
    async fn comments_enabled(&self) -> bool {
        self.0.comments_enabled
    }

    /// What a CONTRIBUTORS framing shows.
    async fn contributors(&self) -> Option<crate::collection::CalloutContributorsSettings> {
        self.0.contributors.as_ref().map(Into::into)
    }

    /// Which contributors or subspaces a collection framing shows (AUTO when absent).
    async fn selection(&self) -> Option<crate::collection::CalloutSelectionSettings> {
        self.0.selection.as_ref().map(Into::into)
    }
}

/// What frames a callout: a profile (and, with later modules, a whiteboard, link, memo, …).
pub struct CalloutFraming(pub model::CalloutFraming, pub model::Callout);

#[Object(name = "CalloutFraming")]
impl CalloutFraming {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }

    /// Its kind.
    async fn r#type(&self) -> CalloutFramingType {
        self.0.framing_type
    }

    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }

    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }

    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        crate::authorization::authorization_of(ctx, self.0.authorization_id).await
    }

    /// Its profile.
    async fn profile(&self, ctx: &Context<'_>) -> Result<Profile> {
        profile(ctx, self.0.profile_id).await
    }

    /// Its link, for a LINK framing.
    async fn link(&self, ctx: &Context<'_>) -> Result<Option<crate::content::Link>> {
        let Some(id) = self.0.link_id else {
            return Ok(None);
        };
        Ok(loaded(data::<Loaders>(ctx)?.links.load_one(id).await)?.map(crate::content::Link))
    }

    /// The space's contributors of one kind, for a CONTRIBUTORS framing (leads first; users
    /// only to members where the space shows user information to members only).
    async fn contributors(
        &self,
        ctx: &Context<'_>,
        r#type: alkemio_contributor::ActorType,
    ) -> Result<Vec<crate::collection::ContributorCollectionItem>> {
        Ok(crate::collection::contributors(ctx, &self.1, self.0.framing_type, r#type).await?)
    }

    /// How many contributors of each kind a CONTRIBUTORS framing shows.
    async fn contributor_counts(
        &self,
        ctx: &Context<'_>,
    ) -> Result<crate::collection::ContributorCollectionCounts> {
        Ok(crate::collection::contributor_counts(ctx, &self.1, self.0.framing_type).await?)
    }

    /// The space's subspaces, for a SPACES framing.
    async fn subspaces(&self, ctx: &Context<'_>) -> Result<Vec<crate::space::Space>> {
        let ids = crate::collection::subspaces(ctx, &self.1, self.0.framing_type).await?;
        Ok(crate::space::load_spaces(ctx, &ids).await?)
    }

    /// Its media gallery, for a MEDIA_GALLERY framing.
    async fn media_gallery(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::content::MediaGallery>> {
        let Some(id) = self.0.media_gallery_id else {
            return Ok(None);
        };
        Ok(loaded(data::<Loaders>(ctx)?.galleries.load_one(id).await)?
            .map(crate::content::MediaGallery))
    }

    /// Its poll, for a POLL framing.
    async fn poll(&self, ctx: &Context<'_>) -> Result<Option<crate::poll::Poll>> {
        crate::poll::poll_of(ctx, self.0.poll_id).await
    }

    /// Its office document, for a COLLABORA_DOCUMENT framing.
    async fn collabora_document(&self, ctx: &Context<'_>) -> Result<Option<CollaboraDocument>> {
        collabora_document(ctx, self.0.collabora_document_id).await
    }

    /// Its memo, for a MEMO framing.
    async fn memo(&self, ctx: &Context<'_>) -> Result<Option<crate::content::Memo>> {
        let Some(id) = self.0.memo_id else {
            return Ok(None);
        };
        Ok(loaded(data::<Loaders>(ctx)?.memos.load_one(id).await)?.map(crate::content::Memo))
    }

    /// Its whiteboard, for a WHITEBOARD framing.
    async fn whiteboard(&self, ctx: &Context<'_>) -> Result<Option<crate::content::Whiteboard>> {
        let Some(id) = self.0.whiteboard_id else {
            return Ok(None);
        };
        Ok(
            loaded(data::<Loaders>(ctx)?.whiteboards.load_one(id).await)?
                .map(crate::content::Whiteboard),
        )
    }
}

/// What contributors to a callout start from.
pub struct CalloutContributionDefaults(model::ContributionDefaults);

#[Object(name = "CalloutContributionDefaults")]
impl CalloutContributionDefaults {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }

    /// A display name to start from.
    async fn default_display_name(&self) -> Option<&str> {
        self.0.default_display_name.as_deref()
    }

    /// A post description to start from.
    async fn post_description(&self) -> Option<Markdown> {
        self.0.post_description.clone().map(Markdown)
    }

    /// The scene new whiteboards start from.
    async fn whiteboard_content(&self) -> Option<WhiteboardContent> {
        self.0.whiteboard_content.clone().map(WhiteboardContent)
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

/// A contribution to a callout.
pub struct CalloutContribution(pub model::Contribution);

#[Object(name = "CalloutContribution")]
impl CalloutContribution {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }

    /// Its position among the callout's contributions.
    async fn sort_order(&self) -> f64 {
        self.0.sort_order
    }

    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }

    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }

    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        crate::authorization::authorization_of(ctx, self.0.authorization_id).await
    }

    /// Who contributed it (null when gone).
    async fn created_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        user(ctx, self.0.created_by).await
    }

    /// Its post, for a post contribution (needs READ on the contribution).
    async fn post(&self, ctx: &Context<'_>) -> Result<Option<Post>> {
        let Some(id) = self.0.post_id else {
            return Ok(None);
        };
        require_on(
            ctx,
            self.0.authorization_id,
            P::Read,
            "read a contribution's post",
        )
        .await?;
        Ok(loaded(data::<Loaders>(ctx)?.posts.load_one(id).await)?.map(Post))
    }

    /// Its link, for a link contribution (needs READ on the contribution).
    async fn link(&self, ctx: &Context<'_>) -> Result<Option<crate::content::Link>> {
        let Some(id) = self.0.link_id else {
            return Ok(None);
        };
        require_on(
            ctx,
            self.0.authorization_id,
            P::Read,
            "read a contribution's link",
        )
        .await?;
        Ok(loaded(data::<Loaders>(ctx)?.links.load_one(id).await)?.map(crate::content::Link))
    }

    /// Its office document, for a COLLABORA_DOCUMENT contribution (needs READ on the
    /// contribution).
    async fn collabora_document(&self, ctx: &Context<'_>) -> Result<Option<CollaboraDocument>> {
        if self.0.collabora_document_id.is_none() {
            return Ok(None);
        }
        require_on(
            ctx,
            self.0.authorization_id,
            P::Read,
            "read a contribution's document",
        )
        .await?;
        collabora_document(ctx, self.0.collabora_document_id).await
    }

    /// Its memo, for a memo contribution (needs READ on the contribution).
    async fn memo(&self, ctx: &Context<'_>) -> Result<Option<crate::content::Memo>> {
        let Some(id) = self.0.memo_id else {
            return Ok(None);
        };
        require_on(
            ctx,
            self.0.authorization_id,
            P::Read,
            "read a contribution's memo",
        )
        .await?;
        Ok(loaded(data::<Loaders>(ctx)?.memos.load_one(id).await)?.map(crate::content::Memo))
    }

    /// Its whiteboard, for a whiteboard contribution (needs READ on the contribution).
    async fn whiteboard(&self, ctx: &Context<'_>) -> Result<Option<crate::content::Whiteboard>> {
        let Some(id) = self.0.whiteboard_id else {
            return Ok(None);
        };
        require_on(
            ctx,
            self.0.authorization_id,
            P::Read,
            "read a contribution's whiteboard",
        )
        .await?;
        Ok(
            loaded(data::<Loaders>(ctx)?.whiteboards.load_one(id).await)?
                .map(crate::content::Whiteboard),
        )
    }
}

/// A post: a profile with comments, contributed to a callout.
pub struct Post(pub model::Post);

#[Object(name = "Post")]
impl Post {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }

    /// Its NameID, unique in its callout.
    #[graphql(name = "nameID")]
    async fn name_id(&self) -> NameId {
        NameId::from_trusted(self.0.name_id.clone())
    }

    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }

    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }

    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        crate::authorization::authorization_of(ctx, self.0.authorization_id).await
    }

    /// Who wrote it (null when gone).
    async fn created_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        user(ctx, self.0.created_by).await
    }

    /// Its profile (needs READ).
    async fn profile(&self, ctx: &Context<'_>) -> Result<Profile> {
        require_on(ctx, self.0.authorization_id, P::Read, "read a post").await?;
        profile(ctx, self.0.profile_id).await
    }

    /// Its comments (needs READ).
    async fn comments(&self, ctx: &Context<'_>) -> Result<Room> {
        require_on(
            ctx,
            self.0.authorization_id,
            P::Read,
            "read a post's comments",
        )
        .await?;
        room(ctx, self.0.comments_id).await
    }
}

// ---- inputs ----

/// A new callout's framing.
#[derive(Debug, Clone, InputObject)]
pub struct CreateCalloutFramingInput {
    /// Its link, for a LINK framing.
    pub link: Option<CreateLinkInput>,
    /// Its memo, for a MEMO framing.
    pub memo: Option<CreateMemoInput>,
    /// Its poll, for a POLL framing.
    pub poll: Option<crate::poll::CreatePollInput>,
    /// Its office document, for a COLLABORA_DOCUMENT framing.
    pub collabora_document: Option<CreateCollaboraDocumentInput>,
    /// Its profile.
    pub profile: CreateProfileInput,
    /// Tags for the profile's default tagset.
    pub tags: Option<Vec<String>>,
    /// Its kind (NONE when absent).
    pub r#type: Option<CalloutFramingType>,
    /// Its whiteboard, for a WHITEBOARD framing.
    pub whiteboard: Option<CreateWhiteboardInput>,
}

/// Contribution settings of a new callout.
#[derive(Debug, Clone, InputObject)]
pub struct CreateCalloutSettingsContributionInput {
    /// Which kinds are accepted.
    pub allowed_types: Option<Vec<CalloutContributionType>>,
    /// Who may add contributions.
    pub can_add_contributions: Option<CalloutAllowedActors>,
    /// Whether contributions have comments.
    pub comments_enabled: Option<bool>,
    /// Whether contributions are accepted.
    pub enabled: Option<bool>,
}

/// Framing settings of a new callout.
#[derive(Debug, Clone, InputObject)]
pub struct CreateCalloutSettingsFramingInput {
    /// Whether the callout has comments.
    pub comments_enabled: Option<bool>,
    /// What a CONTRIBUTORS framing shows (only, and always, for that kind).
    pub contributors: Option<crate::collection::CreateCalloutContributorsSettingsInput>,
    /// Which contributors or subspaces a CONTRIBUTORS or SPACES framing shows.
    pub selection: Option<crate::collection::CreateCalloutSelectionSettingsInput>,
}

/// Settings of a new callout (over the defaults: published, comments on, no contributions).
#[derive(Debug, Clone, InputObject)]
pub struct CreateCalloutSettingsInput {
    /// Contributions.
    pub contribution: Option<CreateCalloutSettingsContributionInput>,
    /// The framing.
    pub framing: Option<CreateCalloutSettingsFramingInput>,
    /// Draft or published.
    pub visibility: Option<CalloutVisibility>,
}

impl CreateCalloutSettingsInput {
    fn into_changes(self) -> AppResult<SettingsChanges> {
        let c = self.contribution;
        let f = self.framing;
        Ok(SettingsChanges {
            contribution_enabled: c.as_ref().and_then(|c| c.enabled),
            allowed_types: c.as_ref().and_then(|c| c.allowed_types.clone()),
            can_add_contributions: c.as_ref().and_then(|c| c.can_add_contributions),
            contribution_comments_enabled: c.as_ref().and_then(|c| c.comments_enabled),
            framing_comments_enabled: f.as_ref().and_then(|f| f.comments_enabled),
            visibility: self.visibility,
            framing_contributors: f.as_ref().and_then(|f| f.contributors.clone()).map(|c| {
                crate::collection::contributors_change(
                    Some(c.contributor_types),
                    c.default_contributor_type,
                    c.default_view,
                )
            }),
            framing_selection: f
                .and_then(|f| f.selection)
                .map(|s| crate::collection::selection_change(s.mode, s.selected_ids))
                .transpose()?,
        })
    }
}

/// What contributors to a new callout start from.
#[derive(Debug, Clone, InputObject)]
pub struct CreateCalloutContributionDefaultsInput {
    /// A display name.
    pub default_display_name: Option<String>,
    /// A post description.
    pub post_description: Option<Markdown>,
    /// The scene new whiteboards start from (required when the callout takes whiteboards).
    pub whiteboard_content: Option<WhiteboardContent>,
}

/// A new post.
#[derive(Debug, Clone, InputObject)]
pub struct CreatePostInput {
    /// Its NameID (generated from the display name when absent).
    #[graphql(name = "nameID")]
    pub name_id: Option<NameId>,
    /// Its profile.
    pub profile_data: CreateProfileInput,
    /// Tags for the profile's default tagset.
    pub tags: Option<Vec<String>>,
}

impl CreatePostInput {
    fn into_new(self) -> AppResult<NewPost> {
        Ok(NewPost {
            name_id: self.name_id.map(|n| n.as_str().to_owned()),
            profile: self.profile_data.into_new_profile()?.0,
            tags: self.tags.unwrap_or_default(),
        })
    }
}

/// A contribution made with a new callout.
#[derive(Debug, Clone, InputObject)]
pub struct CreateCalloutContributionInput {
    /// Its link, for a LINK contribution.
    pub link: Option<CreateLinkInput>,
    /// Its memo, for a MEMO contribution.
    pub memo: Option<CreateMemoInput>,
    /// Its office document, for a COLLABORA_DOCUMENT contribution.
    pub collabora_document: Option<CreateCollaboraDocumentInput>,
    /// Its post, for a POST contribution.
    pub post: Option<CreatePostInput>,
    /// Its position.
    pub sort_order: Option<f64>,
    /// Its kind.
    pub r#type: CalloutContributionType,
    /// Its whiteboard, for a WHITEBOARD contribution.
    pub whiteboard: Option<CreateWhiteboardInput>,
}

/// A new callout (made with its space).
#[derive(Debug, Clone, InputObject)]
pub struct CreateCalloutInput {
    /// Where it goes in the innovation flow (the current state when absent).
    pub classification: Option<CreateClassificationInput>,
    /// What contributors start from.
    pub contribution_defaults: Option<CreateCalloutContributionDefaultsInput>,
    /// Contributions made with it.
    pub contributions: Option<Vec<CreateCalloutContributionInput>>,
    /// Its framing.
    pub framing: CreateCalloutFramingInput,
    /// Its NameID (generated from the framing's display name when absent).
    #[graphql(name = "nameID")]
    pub name_id: Option<NameId>,
    /// Whether the space's members hear of it when it is published (no by default).
    pub send_notification: Option<bool>,
    /// Its settings.
    pub settings: Option<CreateCalloutSettingsInput>,
    /// Its position (before the others when absent).
    pub sort_order: Option<f64>,
}

impl CreateCalloutInput {
    /// The callout to create.
    pub(crate) fn into_new(self) -> AppResult<NewCallout> {
        let d = self;
        let mut contributions = Vec::new();
        for c in d.contributions.unwrap_or_default() {
            contributions.push(new_contribution(
                c.r#type,
                c.post,
                c.link,
                c.whiteboard,
                c.memo,
                c.collabora_document,
                c.sort_order,
            )?);
        }
        let defaults = d.contribution_defaults;
        Ok(NewCallout {
            link: d.framing.link.map(CreateLinkInput::into_new).transpose()?,
            whiteboard: d
                .framing
                .whiteboard
                .map(CreateWhiteboardInput::into_new)
                .transpose()?,
            memo: d.framing.memo.map(CreateMemoInput::into_new).transpose()?,
            poll: d.framing.poll.map(crate::poll::CreatePollInput::into_new),
            collabora: d.framing.collabora_document.map(Into::into),
            default_whiteboard_content: defaults
                .as_ref()
                .and_then(|x| x.whiteboard_content.clone())
                .map(|c| c.0),
            name_id: d.name_id.map(|n| n.as_str().to_owned()),
            framing_type: d.framing.r#type,
            profile: d.framing.profile.into_new_profile()?.0,
            tags: d.framing.tags.unwrap_or_default(),
            settings: d
                .settings
                .map(|s| s.into_changes())
                .transpose()?
                .unwrap_or_default(),
            base_settings: None,
            default_display_name: defaults
                .as_ref()
                .and_then(|x| x.default_display_name.clone()),
            post_description: defaults.and_then(|x| x.post_description.map(|m| m.0)),
            sort_order: d.sort_order,
            contributions,
            send_notification: d.send_notification.unwrap_or(false),
            classification: d
                .classification
                .map(|c| {
                    c.tagsets
                        .into_iter()
                        .map(|t| (t.name, t.tags.unwrap_or_default()))
                        .collect()
                })
                .unwrap_or_default(),
        })
    }
}

/// A new callout in a callouts set.
#[derive(InputObject)]
pub struct CreateCalloutOnCalloutsSetInput {
    /// The set.
    #[graphql(name = "calloutsSetID")]
    pub callouts_set_id: UuidScalar,
    /// Where it goes in the innovation flow (the current state when absent).
    pub classification: Option<CreateClassificationInput>,
    /// What contributors start from.
    pub contribution_defaults: Option<CreateCalloutContributionDefaultsInput>,
    /// Contributions made with it.
    pub contributions: Option<Vec<CreateCalloutContributionInput>>,
    /// Its framing.
    pub framing: CreateCalloutFramingInput,
    /// Its NameID (generated from the framing's display name when absent).
    #[graphql(name = "nameID")]
    pub name_id: Option<NameId>,
    /// Whether the space's members hear of it when it is published (no by default).
    pub send_notification: Option<bool>,
    /// Its settings.
    pub settings: Option<CreateCalloutSettingsInput>,
    /// Its position (before the others when absent).
    pub sort_order: Option<f64>,
}

/// Contribution settings to change.
#[derive(InputObject)]
pub struct UpdateCalloutSettingsContributionInput {
    /// Who may add contributions.
    pub can_add_contributions: Option<CalloutAllowedActors>,
    /// Whether contributions have comments.
    pub comments_enabled: Option<bool>,
    /// Whether contributions are accepted.
    pub enabled: Option<bool>,
}

/// Framing settings to change.
#[derive(InputObject)]
pub struct UpdateCalloutSettingsFramingInput {
    /// Whether the callout has comments.
    pub comments_enabled: Option<bool>,
    /// What a CONTRIBUTORS framing shows.
    pub contributors: Option<crate::collection::UpdateCalloutContributorsSettingsInput>,
    /// Which contributors or subspaces a CONTRIBUTORS or SPACES framing shows.
    pub selection: Option<crate::collection::UpdateCalloutSelectionSettingsInput>,
}

/// Settings to change.
#[derive(InputObject)]
pub struct UpdateCalloutSettingsInput {
    /// Contributions.
    pub contribution: Option<UpdateCalloutSettingsContributionInput>,
    /// The framing.
    pub framing: Option<UpdateCalloutSettingsFramingInput>,
    /// Draft or published.
    pub visibility: Option<CalloutVisibility>,
}

/// Framing changes.
#[derive(InputObject)]
pub struct UpdateCalloutFramingInput {
    /// Changes to its link (made when the framing has none).
    pub link: Option<UpdateLinkInput>,
    /// New text for its memo (made when the framing has none).
    pub memo_content: Option<Markdown>,
    /// Changes to its poll (a poll is made only with its callout).
    pub poll: Option<crate::poll::UpdatePollInput>,
    /// The office document made when the framing becomes COLLABORA_DOCUMENT.
    pub collabora_document: Option<CreateCollaboraDocumentInput>,
    /// Profile changes.
    pub profile: Option<UpdateProfileInput>,
    /// A new kind; content of another kind goes.
    pub r#type: Option<CalloutFramingType>,
    /// A new scene for its whiteboard (made when the framing has none).
    pub whiteboard_content: Option<WhiteboardContent>,
    /// Changes to its whiteboard's preview settings.
    pub whiteboard_preview_settings: Option<UpdateWhiteboardPreviewSettingsInput>,
}

/// Contribution defaults to change.
#[derive(InputObject)]
pub struct UpdateCalloutContributionDefaultsInput {
    /// A display name.
    pub default_display_name: Option<String>,
    /// A post description.
    pub post_description: Option<Markdown>,
    /// The scene new whiteboards start from.
    pub whiteboard_content: Option<WhiteboardContent>,
}

/// Changes to a callout.
#[derive(InputObject)]
pub struct UpdateCalloutEntityInput {
    /// The callout.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
    /// New tags of its classification's tagsets (the flow state).
    pub classification: Option<UpdateClassificationInput>,
    /// What contributors start from.
    pub contribution_defaults: Option<UpdateCalloutContributionDefaultsInput>,
    /// Framing changes.
    pub framing: Option<UpdateCalloutFramingInput>,
    /// A new NameID (unique in its callouts set).
    #[graphql(name = "nameID")]
    pub name_id: Option<NameId>,
    /// Settings changes.
    pub settings: Option<UpdateCalloutSettingsInput>,
    /// A new position.
    pub sort_order: Option<f64>,
}

/// A callout's new visibility.
#[derive(InputObject)]
pub struct UpdateCalloutVisibilityInput {
    /// The callout.
    #[graphql(name = "calloutID")]
    pub callout_id: String,
    /// Draft or published.
    pub visibility: CalloutVisibility,
    /// Whether the space's members hear of it when it is published (yes by default).
    #[graphql(default_with = "Some(true)")]
    pub send_notification: Option<bool>,
}

/// The callout to delete.
#[derive(InputObject)]
pub struct DeleteCalloutInput {
    /// Its id.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
}

/// A new order of callouts in a set.
#[derive(InputObject)]
pub struct UpdateCalloutsSortOrderInput {
    /// The callouts (ids or NameIDs), in their new order.
    #[graphql(name = "calloutIDs")]
    pub callout_ids: Vec<UuidScalar>,
    /// The set.
    #[graphql(name = "calloutsSetID")]
    pub callouts_set_id: UuidScalar,
}

/// A new contribution.
#[derive(InputObject)]
pub struct CreateContributionOnCalloutInput {
    /// The callout.
    #[graphql(name = "calloutID")]
    pub callout_id: UuidScalar,
    /// Its link, for a LINK contribution.
    pub link: Option<CreateLinkInput>,
    /// Its memo, for a MEMO contribution.
    pub memo: Option<CreateMemoInput>,
    /// Its office document, for a COLLABORA_DOCUMENT contribution.
    pub collabora_document: Option<CreateCollaboraDocumentInput>,
    /// Its post, for a POST contribution.
    pub post: Option<CreatePostInput>,
    /// Its position (before the others when absent).
    pub sort_order: Option<f64>,
    /// Its kind.
    pub r#type: CalloutContributionType,
    /// Its whiteboard, for a WHITEBOARD contribution.
    pub whiteboard: Option<CreateWhiteboardInput>,
}

/// The contribution to delete.
#[derive(InputObject)]
pub struct DeleteContributionInput {
    /// Its id.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
}

/// A new order of a callout's contributions.
#[derive(InputObject)]
pub struct UpdateContributionCalloutsSortOrderInput {
    /// The callout.
    #[graphql(name = "calloutID")]
    pub callout_id: UuidScalar,
    /// The contributions, in their new order.
    #[graphql(name = "contributionIDs")]
    pub contribution_ids: Vec<UuidScalar>,
}

/// Changes to a post.
#[derive(InputObject)]
pub struct UpdatePostInput {
    /// The post.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
    /// A new NameID.
    #[graphql(name = "nameID")]
    pub name_id: Option<NameId>,
    /// Profile changes.
    pub profile_data: Option<UpdateProfileInput>,
}

/// The post to delete.
#[derive(InputObject)]
pub struct DeletePostInput {
    /// Its id.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
}

fn new_contribution(
    kind: CalloutContributionType,
    post: Option<CreatePostInput>,
    link: Option<CreateLinkInput>,
    whiteboard: Option<CreateWhiteboardInput>,
    memo: Option<CreateMemoInput>,
    collabora: Option<CreateCollaboraDocumentInput>,
    sort_order: Option<f64>,
) -> AppResult<NewContribution> {
    Ok(NewContribution {
        contribution_type: kind,
        post: post.map(CreatePostInput::into_new).transpose()?,
        link: link.map(CreateLinkInput::into_new).transpose()?,
        whiteboard: whiteboard
            .map(CreateWhiteboardInput::into_new)
            .transpose()?,
        memo: memo.map(CreateMemoInput::into_new).transpose()?,
        collabora: collabora.map(Into::into),
        other_data: false,
        sort_order,
    })
}

/// A new blank office document.
#[derive(Debug, Clone, InputObject)]
pub struct CreateCollaboraDocumentInput {
    /// Its name.
    pub display_name: Option<String>,
    /// Its kind.
    pub document_type: Option<alkemio_collaboration::collabora::CollaboraDocumentType>,
}

impl From<CreateCollaboraDocumentInput> for alkemio_collaboration::collabora::NewCollaboraDocument {
    fn from(d: CreateCollaboraDocumentInput) -> Self {
        Self {
            display_name: d.display_name,
            document_type: d.document_type,
            upload: None,
        }
    }
}

/// The office document to delete.
#[derive(Debug, Clone, InputObject)]
pub struct DeleteCollaboraDocumentInput {
    /// Which document.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
}

/// An office document whose file is replaced.
#[derive(Debug, Clone, InputObject)]
pub struct ReplaceCollaboraDocumentInput {
    /// Its new name (it keeps its name when absent).
    pub display_name: Option<String>,
    /// Which document.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
}

/// A contribution to move, and the callout to move it to.
#[derive(Debug, Clone, InputObject)]
pub struct MoveCalloutContributionInput {
    /// The callout to move it to (in the same callouts set).
    #[graphql(name = "calloutID")]
    pub callout_id: UuidScalar,
    /// The contribution.
    #[graphql(name = "contributionID")]
    pub contribution_id: UuidScalar,
}

/// Who published a callout and when.
#[derive(Debug, Clone, InputObject)]
pub struct UpdateCalloutPublishInfoInput {
    /// The callout.
    #[graphql(name = "calloutID")]
    pub callout_id: UuidScalar,
    /// When it was published, in milliseconds since the epoch.
    pub publish_date: Option<f64>,
    /// The user who published it.
    #[graphql(name = "publisherID")]
    pub publisher_id: Option<UuidScalar>,
}

/// An office file contributed to a callout.
#[derive(Debug, Clone, InputObject)]
pub struct ImportCollaboraDocumentInput {
    /// The callout.
    #[graphql(name = "calloutID")]
    pub callout_id: UuidScalar,
    /// The document's name (the file's name when absent).
    pub display_name: Option<String>,
    /// Its position (before the others when absent).
    pub sort_order: Option<f64>,
}

/// An office document to rename.
#[derive(Debug, Clone, InputObject)]
pub struct UpdateCollaboraDocumentInput {
    /// Its new name.
    pub display_name: Option<String>,
    /// Which document.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
}

/// An office document: a word processing document, spreadsheet, presentation or drawing,
/// edited in an office editor.
pub struct CollaboraDocument(pub alkemio_collaboration::collabora::CollaboraDocument);

#[Object(name = "CollaboraDocument")]
impl CollaboraDocument {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }

    /// What kind of document it is.
    async fn document_type(&self) -> alkemio_collaboration::collabora::CollaboraDocumentType {
        self.0.document_type
    }

    /// Its profile (its name).
    async fn profile(&self, ctx: &Context<'_>) -> Result<Profile> {
        profile(ctx, self.0.profile_id).await
    }

    /// Who made it.
    async fn created_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        user(ctx, self.0.created_by).await
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

/// An office document by id (for a framing's or a contribution's field).
async fn collabora_document(
    ctx: &Context<'_>,
    id: Option<Uuid>,
) -> Result<Option<CollaboraDocument>> {
    let Some(id) = id else {
        return Ok(None);
    };
    Ok(
        loaded(data::<Loaders>(ctx)?.collabora_documents.load_one(id).await)?
            .map(CollaboraDocument),
    )
}

/// Callout, contribution and post mutations.
#[derive(Debug, Default)]
pub struct CollaborationMutation;

#[Object]
impl CollaborationMutation {
    /// Deletes an office document (needs DELETE on it): a contribution goes with its
    /// document; a framing keeps its callout and frames nothing.
    async fn delete_collabora_document(
        &self,
        ctx: &Context<'_>,
        delete_data: DeleteCollaboraDocumentInput,
    ) -> Result<CollaboraDocument> {
        Ok(CollaboraDocument(
            service(ctx)?
                .delete_collabora_document(&actor(ctx), delete_data.id.0)
                .await?,
        ))
    }

    /// Replaces an office document's file by an uploaded one of the same kind, keeping the
    /// document (needs UPDATE on it).
    async fn replace_collabora_document(
        &self,
        ctx: &Context<'_>,
        file: async_graphql::Upload,
        replace_data: ReplaceCollaboraDocumentInput,
    ) -> Result<CollaboraDocument> {
        let file = crate::profile::read_upload(ctx, &file)?;
        Ok(CollaboraDocument(
            service(ctx)?
                .replace_collabora_document(
                    &actor(ctx),
                    replace_data.id.0,
                    file,
                    replace_data.display_name,
                )
                .await?,
        ))
    }

    /// Contributes an uploaded office file to a callout taking office documents (checked as
    /// `createContributionOnCallout` checks a contribution).
    async fn import_collabora_document(
        &self,
        ctx: &Context<'_>,
        file: async_graphql::Upload,
        upload_data: ImportCollaboraDocumentInput,
    ) -> Result<CalloutContribution> {
        let file = crate::profile::read_upload(ctx, &file)?;
        let svc = service(ctx)?;
        let callout = svc.callout_or_fail(upload_data.callout_id.0).await?;
        let new = NewContribution {
            contribution_type: CalloutContributionType::CollaboraDocument,
            post: None,
            link: None,
            whiteboard: None,
            memo: None,
            collabora: Some(alkemio_collaboration::collabora::NewCollaboraDocument {
                display_name: upload_data.display_name,
                document_type: None,
                upload: Some(file),
            }),
            other_data: false,
            sort_order: upload_data.sort_order,
        };
        let host = host_of_set(ctx, callout.callouts_set_id).await?;
        Ok(CalloutContribution(
            svc.create_contribution(&actor(ctx), callout.id, new, &host)
                .await?,
        ))
    }

    /// Moves a contribution to another callout of the same callouts set (needs
    /// MOVE_CONTRIBUTION on it); the target must take contributions of its type.
    async fn move_contribution_to_callout(
        &self,
        ctx: &Context<'_>,
        move_contribution_data: MoveCalloutContributionInput,
    ) -> Result<CalloutContribution> {
        let d = move_contribution_data;
        let svc = service(ctx)?;
        let target = svc.callout_or_fail(d.callout_id.0).await?;
        let host = host_of_set(ctx, target.callouts_set_id).await?;
        Ok(CalloutContribution(
            svc.move_contribution(&actor(ctx), d.contribution_id.0, target.id, &host)
                .await?,
        ))
    }

    /// Sets who published a callout and when (needs UPDATE_CALLOUT_PUBLISHER on it).
    async fn update_callout_publish_info(
        &self,
        ctx: &Context<'_>,
        callout_data: UpdateCalloutPublishInfoInput,
    ) -> Result<Callout> {
        let d = callout_data;
        Ok(Callout(
            service(ctx)?
                .update_publish_info(
                    &actor(ctx),
                    d.callout_id.0,
                    d.publisher_id.map(|p| p.0),
                    d.publish_date,
                )
                .await?,
        ))
    }

    /// Renames an office document (needs UPDATE_CONTENT on it).
    async fn update_collabora_document(
        &self,
        ctx: &Context<'_>,
        update_data: UpdateCollaboraDocumentInput,
    ) -> Result<CollaboraDocument> {
        Ok(CollaboraDocument(
            service(ctx)?
                .update_collabora_document(&actor(ctx), update_data.id.0, update_data.display_name)
                .await?,
        ))
    }

    /// Creates a callout in a callouts set (needs CREATE_CALLOUT on the set). With `file`, a
    /// COLLABORA_DOCUMENT framing's document is made from the uploaded office file: its kind
    /// comes from the file, its name from `displayName` or else the file name.
    async fn create_callout_on_callouts_set(
        &self,
        ctx: &Context<'_>,
        callout_data: CreateCalloutOnCalloutsSetInput,
        file: Option<async_graphql::Upload>,
    ) -> Result<Callout> {
        let d = callout_data;
        let set = d.callouts_set_id.0;
        let mut new = CreateCalloutInput {
            classification: d.classification,
            contribution_defaults: d.contribution_defaults,
            contributions: d.contributions,
            framing: d.framing,
            name_id: d.name_id,
            send_notification: d.send_notification,
            settings: d.settings,
            sort_order: d.sort_order,
        }
        .into_new()?;
        if let Some(file) = &file {
            let framed = new.framing_type == Some(CalloutFramingType::CollaboraDocument);
            let Some(doc) = new.collabora.as_mut().filter(|_| framed) else {
                return Err(AppError::bad_input(
                    "file argument is only valid with framing.type = COLLABORA_DOCUMENT and framing.collaboraDocument supplied",
                )
                .into());
            };
            doc.document_type = None;
            doc.upload = Some(crate::profile::read_upload(ctx, file)?);
        }
        let svc = service(ctx)?;
        // a set that does not exist fails as not found before anything else is looked up
        svc.callouts_set_or_fail(set).await?;
        let host = host_of_set(ctx, set).await?;
        Ok(Callout(
            svc.create_callout(&actor(ctx), set, new, &host).await?,
        ))
    }

    /// Changes a callout (needs UPDATE on it).
    async fn update_callout(
        &self,
        ctx: &Context<'_>,
        callout_data: UpdateCalloutEntityInput,
    ) -> Result<Callout> {
        let d = callout_data;
        let svc = service(ctx)?;
        let callout = svc.callout_or_fail(d.id.0).await?;
        let host = host_of_set(ctx, callout.callouts_set_id).await?;
        let s = d.settings;
        let c = s.as_ref().and_then(|s| s.contribution.as_ref());
        let (framing_profile, framing) = match d.framing {
            Some(f) => (
                f.profile,
                alkemio_collaboration::content::FramingChanges {
                    framing_type: f.r#type,
                    link: f.link.map(Into::into),
                    whiteboard_content: f.whiteboard_content.map(|c| c.0),
                    whiteboard_preview: f.whiteboard_preview_settings.map(Into::into),
                    memo_content: f.memo_content.map(|m| m.0),
                    poll_title: f.poll.and_then(|p| p.title),
                    collabora: f.collabora_document.map(Into::into),
                },
            ),
            None => (None, Default::default()),
        };
        let default_whiteboard_content = d
            .contribution_defaults
            .as_ref()
            .and_then(|x| x.whiteboard_content.clone())
            .map(|c| c.0);
        let changes = CalloutChanges {
            name_id: d.name_id.map(NameId::into_inner),
            profile: framing_profile.map(Into::into),
            framing,
            default_whiteboard_content,
            settings: SettingsChanges {
                contribution_enabled: c.and_then(|c| c.enabled),
                allowed_types: None,
                can_add_contributions: c.and_then(|c| c.can_add_contributions),
                contribution_comments_enabled: c.and_then(|c| c.comments_enabled),
                framing_comments_enabled: s
                    .as_ref()
                    .and_then(|s| s.framing.as_ref())
                    .and_then(|f| f.comments_enabled),
                visibility: s.as_ref().and_then(|s| s.visibility),
                framing_contributors: s
                    .as_ref()
                    .and_then(|s| s.framing.as_ref())
                    .and_then(|f| f.contributors.clone())
                    .map(|c| {
                        crate::collection::contributors_change(
                            c.contributor_types,
                            c.default_contributor_type,
                            c.default_view,
                        )
                    }),
                framing_selection: s
                    .as_ref()
                    .and_then(|s| s.framing.as_ref())
                    .and_then(|f| f.selection.clone())
                    .map(|x| crate::collection::selection_change(x.mode, x.selected_ids))
                    .transpose()?,
            },
            defaults: d
                .contribution_defaults
                .map(|x| (x.default_display_name, x.post_description.map(|m| m.0))),
            sort_order: d.sort_order,
            classification: d
                .classification
                .and_then(|c| c.tagsets)
                .unwrap_or_default()
                .into_iter()
                .map(|t| (t.id.0, t.tags))
                .collect(),
            send_notification: false,
        };
        Ok(Callout(
            svc.update_callout(&actor(ctx), callout.id, changes, &host)
                .await?,
        ))
    }

    /// Publishes a callout or makes it a draft again (needs UPDATE on it).
    async fn update_callout_visibility(
        &self,
        ctx: &Context<'_>,
        callout_data: UpdateCalloutVisibilityInput,
    ) -> Result<Callout> {
        let id = Uuid::parse_str(&callout_data.callout_id).map_err(|_| {
            AppError::bad_input(format!(
                "calloutID must be a UUID: {}",
                callout_data.callout_id
            ))
        })?;
        let svc = service(ctx)?;
        let callout = svc.callout_or_fail(id).await?;
        let host = host_of_set(ctx, callout.callouts_set_id).await?;
        Ok(Callout(
            svc.update_visibility(
                &actor(ctx),
                id,
                callout_data.visibility,
                callout_data.send_notification.unwrap_or(true),
                &host,
            )
            .await?,
        ))
    }

    /// Deletes a callout with everything in it (needs DELETE on it).
    async fn delete_callout(
        &self,
        ctx: &Context<'_>,
        delete_data: DeleteCalloutInput,
    ) -> Result<Callout> {
        Ok(Callout(
            service(ctx)?
                .delete_callout(&actor(ctx), delete_data.id.0)
                .await?,
        ))
    }

    /// Puts callouts of a set in a new order (needs UPDATE on the set).
    async fn update_callouts_sort_order(
        &self,
        ctx: &Context<'_>,
        sort_order_data: UpdateCalloutsSortOrderInput,
    ) -> Result<Vec<Callout>> {
        let refs: Vec<String> = sort_order_data
            .callout_ids
            .iter()
            .map(|i| i.0.to_string())
            .collect();
        Ok(service(ctx)?
            .sort_callouts(&actor(ctx), sort_order_data.callouts_set_id.0, &refs)
            .await?
            .into_iter()
            .map(Callout)
            .collect())
    }

    /// Contributes to a callout (needs CONTRIBUTE on it; the callout must accept it).
    async fn create_contribution_on_callout(
        &self,
        ctx: &Context<'_>,
        contribution_data: CreateContributionOnCalloutInput,
    ) -> Result<CalloutContribution> {
        let d = contribution_data;
        let svc = service(ctx)?;
        let callout = svc.callout_or_fail(d.callout_id.0).await?;
        let new = new_contribution(
            d.r#type,
            d.post,
            d.link,
            d.whiteboard,
            d.memo,
            d.collabora_document,
            d.sort_order,
        )?;
        let host = host_of_set(ctx, callout.callouts_set_id).await?;
        Ok(CalloutContribution(
            svc.create_contribution(&actor(ctx), callout.id, new, &host)
                .await?,
        ))
    }

    /// Deletes a contribution with its post (needs DELETE on it).
    async fn delete_contribution(
        &self,
        ctx: &Context<'_>,
        delete_data: DeleteContributionInput,
    ) -> Result<CalloutContribution> {
        Ok(CalloutContribution(
            service(ctx)?
                .delete_contribution(&actor(ctx), delete_data.id.0)
                .await?,
        ))
    }

    /// Puts a callout's contributions in a new order (needs UPDATE on the callout).
    async fn update_contributions_sort_order(
        &self,
        ctx: &Context<'_>,
        sort_order_data: UpdateContributionCalloutsSortOrderInput,
    ) -> Result<Vec<CalloutContribution>> {
        let ids: Vec<Uuid> = sort_order_data
            .contribution_ids
            .iter()
            .map(|i| i.0)
            .collect();
        Ok(service(ctx)?
            .sort_contributions(&actor(ctx), sort_order_data.callout_id.0, &ids)
            .await?
            .into_iter()
            .map(CalloutContribution)
            .collect())
    }

    /// Changes a post (needs UPDATE on it).
    async fn update_post(&self, ctx: &Context<'_>, post_data: UpdatePostInput) -> Result<Post> {
        Ok(Post(
            service(ctx)?
                .update_post(
                    &actor(ctx),
                    post_data.id.0,
                    post_data.name_id.map(|n| n.as_str().to_owned()),
                    post_data.profile_data.map(Into::into),
                )
                .await?,
        ))
    }

    /// Deletes a post with its contribution (needs DELETE on it).
    async fn delete_post(&self, ctx: &Context<'_>, delete_data: DeletePostInput) -> Result<Post> {
        Ok(Post(
            service(ctx)?
                .delete_post(&actor(ctx), delete_data.id.0)
                .await?,
        ))
    }
}

// ---- lookups ----

/// `lookup.collaboration`: needs READ.
pub(crate) async fn lookup_collaboration(ctx: &Context<'_>, id: Uuid) -> Result<Collaboration> {
    let c = service(ctx)?.collaboration_or_fail(id).await?;
    require_on(ctx, c.authorization_id, P::Read, "read a collaboration").await?;
    Ok(Collaboration(c))
}

/// `lookup.calloutsSet`: needs READ.
pub(crate) async fn lookup_callouts_set(ctx: &Context<'_>, id: Uuid) -> Result<CalloutsSet> {
    let s = service(ctx)?.callouts_set_or_fail(id).await?;
    require_on(ctx, s.authorization_id, P::Read, "read a callouts set").await?;
    Ok(CalloutsSet(s))
}

/// `lookup.callout`: needs READ.
pub(crate) async fn lookup_callout(ctx: &Context<'_>, id: Uuid) -> Result<Callout> {
    let c = service(ctx)?.callout_or_fail(id).await?;
    require_on(ctx, c.authorization_id, P::Read, "read a callout").await?;
    Ok(Callout(c))
}

/// `lookup.contribution`: needs READ.
pub(crate) async fn lookup_contribution(
    ctx: &Context<'_>,
    id: Uuid,
) -> Result<CalloutContribution> {
    let c = service(ctx)?.contribution_or_fail(id).await?;
    require_on(ctx, c.authorization_id, P::Read, "read a contribution").await?;
    Ok(CalloutContribution(c))
}

/// `lookup.post`: needs READ.
pub(crate) async fn lookup_post(ctx: &Context<'_>, id: Uuid) -> Result<Post> {
    let p = service(ctx)?.post_or_fail(id).await?;
    require_on(ctx, p.authorization_id, P::Read, "read a post").await?;
    Ok(Post(p))
}

/// A memo by id (needs READ).
pub(crate) async fn lookup_memo(ctx: &Context<'_>, id: Uuid) -> Result<crate::content::Memo> {
    let m = service(ctx)?.memo_or_fail(id).await?;
    require_on(ctx, m.authorization_id, P::Read, "read a memo").await?;
    Ok(crate::content::Memo(m))
}

/// A whiteboard by id (needs READ).
pub(crate) async fn lookup_whiteboard(
    ctx: &Context<'_>,
    id: Uuid,
) -> Result<crate::content::Whiteboard> {
    let w = service(ctx)?.whiteboard_or_fail(id).await?;
    require_on(ctx, w.authorization_id, P::Read, "read a whiteboard").await?;
    Ok(crate::content::Whiteboard(w))
}

/// The policy ids of a collaboration, callout and post (for `lookup.myPrivileges`).
pub(crate) async fn policy_of(ctx: &Context<'_>, kind: &str, id: Uuid) -> AppResult<Option<Uuid>> {
    let svc = service(ctx)?;
    Ok(match kind {
        "collaboration" => svc.collaboration_or_fail(id).await?.authorization_id,
        "callout" => svc.callout_or_fail(id).await?.authorization_id,
        "innovationFlow" => svc.flow_or_fail(id).await?.authorization_id,
        "whiteboard" => svc.whiteboard_or_fail(id).await?.authorization_id,
        _ => svc.post_or_fail(id).await?.authorization_id,
    })
}

/// The URL path of callout framing and post profiles below their spaces, by profile id.
pub(crate) async fn space_and_path_of_profiles(
    svc: &alkemio_space::SpaceService,
    profiles: &[Uuid],
    content: bool,
) -> AppResult<HashMap<Uuid, (Uuid, String)>> {
    let paths = svc
        .collaborations()
        .paths_by_profiles(profiles, content)
        .await?;
    let collaborations: Vec<Uuid> = paths.values().map(|(c, _)| *c).collect();
    let spaces = svc.spaces_of_collaborations(&collaborations).await?;
    Ok(paths
        .into_iter()
        .filter_map(|(profile, (collab, path))| {
            spaces.get(&collab).map(|s| (profile, (s.id.0, path)))
        })
        .collect())
}

// ---- innovation flows and classification ----

use alkemio_collaboration::innovation_flow::{
    self as flow_model, CalloutDescriptionDisplayMode, NewState, StateChanges, StateSettings,
};
use alkemio_collaboration::service::ClassificationFilter;
use alkemio_common::profile::TagsetType;
use alkemio_common::profile::model::TagsetReservedName;

/// Filter callouts by classification: a tagset name and the tags wanted.
#[derive(InputObject)]
pub struct TagsetArgs {
    /// The tagset.
    pub name: TagsetReservedName,
    /// Any of these (ignoring case); none means no filter.
    pub tags: Option<Vec<String>>,
}

fn classification_filter(args: Option<Vec<TagsetArgs>>) -> ClassificationFilter {
    ClassificationFilter {
        tagsets: args
            .unwrap_or_default()
            .into_iter()
            .map(|a| (a.name.as_str().to_owned(), a.tags.unwrap_or_default()))
            .collect(),
    }
}

/// The flow-state tagset template of a callouts set: the states of its collaboration's flow.
pub struct TagsetTemplate {
    flow: flow_model::InnovationFlow,
    states: Vec<flow_model::InnovationFlowState>,
}

#[Object(name = "TagsetTemplate")]
impl TagsetTemplate {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.flow.states_tagset_template_id)
    }

    /// Its name (`flow-state`).
    async fn name(&self) -> &str {
        TagsetReservedName::FlowState.as_str()
    }

    /// How tags are chosen: one state.
    async fn r#type(&self) -> TagsetType {
        TagsetType::SelectOne
    }

    /// The states, in order.
    async fn allowed_values(&self) -> Vec<String> {
        self.states.iter().map(|s| s.display_name.clone()).collect()
    }

    /// The state new callouts go to: the flow's current state.
    async fn default_selected_value(&self) -> Option<String> {
        self.flow
            .current_state_id
            .and_then(|id| self.states.iter().find(|s| s.id == id))
            .or(self.states.first())
            .map(|s| s.display_name.clone())
    }

    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.flow.created_date)
    }

    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.flow.updated_date)
    }
}

/// Where a callout sits in its collaboration's innovation flow.
pub struct Classification {
    callout: model::Callout,
    classification: model::Classification,
}

impl Classification {
    /// The flow-state tagset of a callout's classification.
    pub(crate) async fn flow_state_tagset(
        ctx: &Context<'_>,
        callout: model::Callout,
    ) -> AppResult<alkemio_common::profile::Tagset> {
        let classification = callout
            .classification
            .clone()
            .ok_or_else(|| AppError::internal_msg("classification vanished"))?;
        Classification {
            callout,
            classification,
        }
        .tagset_model(ctx)
        .await
    }

    async fn tagset_model(&self, ctx: &Context<'_>) -> AppResult<alkemio_common::profile::Tagset> {
        let states = service(ctx)?
            .flow_of_set(self.callout.callouts_set_id)
            .await?
            .map(|(_, s)| s)
            .unwrap_or_default();
        Ok(alkemio_common::profile::Tagset {
            id: self.classification.tagset_id,
            name: TagsetReservedName::FlowState.as_str().to_owned(),
            tags: self.classification.flow_state.iter().cloned().collect(),
            tagset_type: TagsetType::SelectOne,
            allowed_values: states.into_iter().map(|s| s.display_name).collect(),
            sort_order: 0,
            profile_id: None,
            authorization_id: self.classification.authorization_id,
            created_date: self.callout.created_date,
            updated_date: self.callout.updated_date,
        })
    }
}

#[Object(name = "Classification")]
impl Classification {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.classification.id)
    }

    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.callout.created_date)
    }

    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.callout.updated_date)
    }

    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        crate::authorization::authorization_of(ctx, self.classification.authorization_id).await
    }

    /// Its tagsets: the flow-state tagset.
    async fn tagsets(&self, ctx: &Context<'_>) -> Result<Option<Vec<crate::profile::Tagset>>> {
        Ok(Some(vec![crate::profile::Tagset(
            self.tagset_model(ctx).await?,
        )]))
    }

    /// One tagset by name (ENTITY_NOT_FOUND when it has none of that name).
    async fn tagset(
        &self,
        ctx: &Context<'_>,
        tagset_name: TagsetReservedName,
    ) -> Result<Option<crate::profile::Tagset>> {
        if tagset_name != TagsetReservedName::FlowState {
            return Err(AppError::not_found(format!(
                "Unable to locate {} tagset for classification {}",
                tagset_name.as_str(),
                self.classification.id
            ))
            .into());
        }
        Ok(Some(crate::profile::Tagset(self.tagset_model(ctx).await?)))
    }
}

/// The ordered states a collaboration moves through.
pub struct InnovationFlow(pub flow_model::InnovationFlow);

#[Object(name = "InnovationFlow")]
impl InnovationFlow {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }

    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }

    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }

    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        crate::authorization::authorization_of(ctx, self.0.authorization_id).await
    }

    /// Its profile.
    async fn profile(&self, ctx: &Context<'_>) -> Result<Profile> {
        profile(ctx, self.0.profile_id).await
    }

    /// Its limits.
    async fn settings(&self) -> InnovationFlowSettings {
        InnovationFlowSettings {
            maximum_number_of_states: f64::from(self.0.settings.maximum_number_of_states),
            minimum_number_of_states: f64::from(self.0.settings.minimum_number_of_states),
        }
    }

    /// Its states in order (needs READ).
    async fn states(&self, ctx: &Context<'_>) -> Result<Vec<InnovationFlowState>> {
        require_on(
            ctx,
            self.0.authorization_id,
            P::Read,
            "read an innovation flow",
        )
        .await?;
        Ok(
            loaded(data::<Loaders>(ctx)?.flow_states.load_one(self.0.id).await)?
                .unwrap_or_default()
                .into_iter()
                .map(InnovationFlowState)
                .collect(),
        )
    }

    /// The state it is in (needs READ).
    async fn current_state(&self, ctx: &Context<'_>) -> Result<Option<InnovationFlowState>> {
        require_on(
            ctx,
            self.0.authorization_id,
            P::Read,
            "read an innovation flow",
        )
        .await?;
        let Some(current) = self.0.current_state_id else {
            return Ok(None);
        };
        Ok(
            loaded(data::<Loaders>(ctx)?.flow_states.load_one(self.0.id).await)?
                .unwrap_or_default()
                .into_iter()
                .find(|s| s.id == current)
                .map(InnovationFlowState),
        )
    }
}

/// The limits of an innovation flow.
#[derive(SimpleObject)]
pub struct InnovationFlowSettings {
    /// The most states it may have.
    pub maximum_number_of_states: f64,
    /// The fewest states it may have.
    pub minimum_number_of_states: f64,
}

/// A state's new default callout template.
#[derive(InputObject)]
pub struct SetDefaultCalloutTemplateOnInnovationFlowStateInput {
    /// The state.
    #[graphql(name = "flowStateID")]
    pub flow_state_id: UuidScalar,
    /// The template (a CALLOUT template).
    #[graphql(name = "templateID")]
    pub template_id: UuidScalar,
}

/// The state whose default callout template goes.
#[derive(InputObject)]
pub struct RemoveDefaultCalloutTemplateOnInnovationFlowStateInput {
    /// The state.
    #[graphql(name = "flowStateID")]
    pub flow_state_id: UuidScalar,
}

/// A state of an innovation flow.
pub struct InnovationFlowState(pub flow_model::InnovationFlowState);

#[Object(name = "InnovationFlowState")]
impl InnovationFlowState {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }

    /// Its name.
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }

    /// What it is for.
    async fn description(&self) -> Option<Markdown> {
        self.0.description.clone().map(Markdown)
    }

    /// Its position.
    async fn sort_order(&self) -> f64 {
        self.0.sort_order
    }

    /// Its settings.
    async fn settings(&self) -> InnovationFlowStateSettings {
        InnovationFlowStateSettings(self.0.settings)
    }

    /// The callout template new callouts in it start from, when one is set.
    async fn default_callout_template(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::template::Template>> {
        let Some(id) = self.0.default_callout_template_id else {
            return Ok(None);
        };
        Ok(data::<alkemio_space::SpaceService>(ctx)?
            .templates()
            .templates(&[id])
            .await?
            .remove(&id)
            .map(crate::template::Template))
    }

    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }

    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }

    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        crate::authorization::authorization_of(ctx, self.0.authorization_id).await
    }
}

/// The settings of a state.
pub struct InnovationFlowStateSettings(StateSettings);

#[Object(name = "InnovationFlowStateSettings")]
impl InnovationFlowStateSettings {
    /// Whether callouts may be added in it.
    async fn allow_new_callouts(&self) -> bool {
        self.0.allow_new_callouts
    }

    /// Whether it is shown.
    async fn visible(&self) -> bool {
        self.0.visible
    }

    /// How descriptions of its callouts show.
    async fn description_display_mode(&self) -> CalloutDescriptionDisplayMode {
        self.0.description_display_mode
    }

    /// Whether who published a callout, and when, is shown.
    async fn show_publish_details(&self) -> bool {
        self.0.show_publish_details
    }
}

/// Settings of a new state.
#[derive(Debug, Clone, InputObject)]
pub struct CreateInnovationFlowStateSettingsInput {
    /// Whether callouts may be added in it.
    pub allow_new_callouts: bool,
    /// How descriptions of its callouts show (EXPANDED when absent).
    pub description_display_mode: Option<CalloutDescriptionDisplayMode>,
    /// Whether publish details show (yes when absent).
    pub show_publish_details: Option<bool>,
    /// Whether it is shown (yes when absent).
    pub visible: Option<bool>,
}

impl From<CreateInnovationFlowStateSettingsInput> for StateSettings {
    fn from(i: CreateInnovationFlowStateSettingsInput) -> Self {
        let d = StateSettings::default();
        StateSettings {
            allow_new_callouts: i.allow_new_callouts,
            visible: i.visible.unwrap_or(d.visible),
            description_display_mode: i
                .description_display_mode
                .unwrap_or(d.description_display_mode),
            show_publish_details: i.show_publish_details.unwrap_or(d.show_publish_details),
        }
    }
}

/// Settings of a state to change.
#[derive(InputObject)]
pub struct UpdateInnovationFlowStateSettingsInput {
    /// Whether callouts may be added in it.
    pub allow_new_callouts: Option<bool>,
    /// How descriptions of its callouts show.
    pub description_display_mode: Option<CalloutDescriptionDisplayMode>,
    /// Whether publish details show.
    pub show_publish_details: Option<bool>,
    /// Whether it is shown.
    pub visible: Option<bool>,
}

/// Profile changes of a flow.
#[derive(InputObject)]
pub struct UpdateInnovationFlowInput {
    /// The flow.
    #[graphql(name = "innovationFlowID")]
    pub innovation_flow_id: UuidScalar,
    /// Profile changes.
    pub profile_data: Option<UpdateProfileInput>,
}

/// A flow's new current state.
#[derive(InputObject)]
pub struct UpdateInnovationFlowCurrentStateInput {
    /// The state.
    #[graphql(name = "currentStateID")]
    pub current_state_id: UuidScalar,
    /// The flow.
    #[graphql(name = "innovationFlowID")]
    pub innovation_flow_id: UuidScalar,
}

/// A new state on a flow.
#[derive(InputObject)]
pub struct CreateStateOnInnovationFlowInput {
    /// What it is for.
    pub description: Option<Markdown>,
    /// Its name (unique in the flow, no commas).
    pub display_name: String,
    /// The flow.
    #[graphql(name = "innovationFlowID")]
    pub innovation_flow_id: UuidScalar,
    /// Its settings.
    pub settings: Option<CreateInnovationFlowStateSettingsInput>,
    /// Its position (after the others when absent).
    pub sort_order: Option<f64>,
}

/// Changes to a state.
#[derive(InputObject)]
pub struct UpdateInnovationFlowStateInput {
    /// New description.
    pub description: Option<Markdown>,
    /// New name (its callouts move along).
    pub display_name: Option<String>,
    /// The state.
    #[graphql(name = "innovationFlowStateID")]
    pub innovation_flow_state_id: UuidScalar,
    /// Settings changes.
    pub settings: Option<UpdateInnovationFlowStateSettingsInput>,
}

/// The state to delete.
#[derive(InputObject)]
pub struct DeleteStateOnInnovationFlowInput {
    /// The state.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
    /// The flow.
    #[graphql(name = "innovationFlowID")]
    pub innovation_flow_id: UuidScalar,
}

/// A new order of a flow's states.
#[derive(InputObject)]
pub struct UpdateInnovationFlowStatesSortOrderInput {
    /// The flow.
    #[graphql(name = "innovationFlowID")]
    pub innovation_flow_id: UuidScalar,
    /// Every state, in the new order.
    #[graphql(name = "stateIDs")]
    pub state_ids: Vec<UuidScalar>,
}

/// A new value of a classification's select-one tagset.
#[derive(InputObject)]
pub struct UpdateClassificationSelectTagsetValueInput {
    /// The classification.
    #[graphql(name = "classificationID")]
    pub classification_id: UuidScalar,
    /// The value (for `flow-state`, a state's name).
    pub selected_value: String,
    /// The tagset (`flow-state`).
    pub tagset_name: String,
}

/// A new callout's classification.
#[derive(Debug, Clone, InputObject)]
pub struct CreateClassificationInput {
    /// Its tagsets: the `flow-state` tagset's one tag places the callout in that state.
    pub tagsets: Vec<crate::organization::CreateTagsetInput>,
}

/// Changes to a callout's classification.
#[derive(InputObject)]
pub struct UpdateClassificationInput {
    /// New tags of its tagsets, by tagset id.
    pub tagsets: Option<Vec<crate::profile::UpdateTagsetInput>>,
}

/// Innovation flow and classification mutations.
#[derive(Debug, Default)]
pub struct InnovationFlowMutation;

#[Object]
impl InnovationFlowMutation {
    /// Changes a flow's profile (needs UPDATE on it).
    async fn update_innovation_flow(
        &self,
        ctx: &Context<'_>,
        innovation_flow_data: UpdateInnovationFlowInput,
    ) -> Result<InnovationFlow> {
        let d = innovation_flow_data;
        Ok(InnovationFlow(
            service(ctx)?
                .update_flow(
                    &actor(ctx),
                    d.innovation_flow_id.0,
                    d.profile_data.map(Into::into),
                )
                .await?,
        ))
    }

    /// Sets the state a flow is in (needs UPDATE on it).
    async fn update_innovation_flow_current_state(
        &self,
        ctx: &Context<'_>,
        innovation_flow_state_data: UpdateInnovationFlowCurrentStateInput,
    ) -> Result<InnovationFlow> {
        let d = innovation_flow_state_data;
        Ok(InnovationFlow(
            service(ctx)?
                .set_current_state(&actor(ctx), d.innovation_flow_id.0, d.current_state_id.0)
                .await?,
        ))
    }

    /// Adds a state to a flow (needs CREATE on it).
    async fn create_state_on_innovation_flow(
        &self,
        ctx: &Context<'_>,
        state_data: CreateStateOnInnovationFlowInput,
    ) -> Result<InnovationFlowState> {
        let d = state_data;
        Ok(InnovationFlowState(
            service(ctx)?
                .create_state(
                    &actor(ctx),
                    d.innovation_flow_id.0,
                    NewState {
                        display_name: d.display_name,
                        description: d.description.map(|m| m.0),
                        settings: d.settings.map(Into::into),
                        sort_order: d.sort_order,
                    },
                )
                .await?,
        ))
    }

    /// Sets the callout template new callouts in a state start from (needs UPDATE on the
    /// state; the template must be a CALLOUT template).
    async fn set_default_callout_template_on_innovation_flow_state(
        &self,
        ctx: &Context<'_>,
        set_data: SetDefaultCalloutTemplateOnInnovationFlowStateInput,
    ) -> Result<InnovationFlowState> {
        let template = data::<alkemio_space::SpaceService>(ctx)?
            .templates()
            .template_or_fail(set_data.template_id.0)
            .await?;
        if template.template_type != alkemio_template::TemplateType::Callout {
            return Err(AppError::bad_input("Template must be of type CALLOUT").into());
        }
        Ok(InnovationFlowState(
            service(ctx)?
                .set_state_default_template(
                    &actor(ctx),
                    set_data.flow_state_id.0,
                    Some(template.id),
                )
                .await?,
        ))
    }

    /// Clears a state's default callout template (needs UPDATE on the state).
    async fn remove_default_callout_template_on_innovation_flow_state(
        &self,
        ctx: &Context<'_>,
        remove_data: RemoveDefaultCalloutTemplateOnInnovationFlowStateInput,
    ) -> Result<InnovationFlowState> {
        Ok(InnovationFlowState(
            service(ctx)?
                .set_state_default_template(&actor(ctx), remove_data.flow_state_id.0, None)
                .await?,
        ))
    }

    /// Changes a state (needs UPDATE on it).
    async fn update_innovation_flow_state(
        &self,
        ctx: &Context<'_>,
        state_data: UpdateInnovationFlowStateInput,
    ) -> Result<InnovationFlowState> {
        let d = state_data;
        let s = d.settings;
        Ok(InnovationFlowState(
            service(ctx)?
                .update_state(
                    &actor(ctx),
                    d.innovation_flow_state_id.0,
                    StateChanges {
                        display_name: d.display_name,
                        description: d.description.map(|m| m.0),
                        allow_new_callouts: s.as_ref().and_then(|s| s.allow_new_callouts),
                        visible: s.as_ref().and_then(|s| s.visible),
                        description_display_mode: s
                            .as_ref()
                            .and_then(|s| s.description_display_mode),
                        show_publish_details: s.as_ref().and_then(|s| s.show_publish_details),
                    },
                )
                .await?,
        ))
    }

    /// Deletes a state; its callouts move to the first state left (needs DELETE on the flow).
    async fn delete_state_on_innovation_flow(
        &self,
        ctx: &Context<'_>,
        state_data: DeleteStateOnInnovationFlowInput,
    ) -> Result<InnovationFlowState> {
        Ok(InnovationFlowState(
            service(ctx)?
                .delete_state(
                    &actor(ctx),
                    state_data.innovation_flow_id.0,
                    state_data.id.0,
                )
                .await?,
        ))
    }

    /// Puts a flow's states in a new order (needs UPDATE on the flow).
    async fn update_innovation_flow_states_sort_order(
        &self,
        ctx: &Context<'_>,
        sort_order_data: UpdateInnovationFlowStatesSortOrderInput,
    ) -> Result<Vec<InnovationFlowState>> {
        let ids: Vec<Uuid> = sort_order_data.state_ids.iter().map(|i| i.0).collect();
        Ok(service(ctx)?
            .sort_states(&actor(ctx), sort_order_data.innovation_flow_id.0, &ids)
            .await?
            .into_iter()
            .map(InnovationFlowState)
            .collect())
    }

    /// Moves a callout to another state through its classification (needs UPDATE on the
    /// classification).
    async fn update_classification_tagset(
        &self,
        ctx: &Context<'_>,
        update_data: UpdateClassificationSelectTagsetValueInput,
    ) -> Result<crate::profile::Tagset> {
        let d = update_data;
        let callout = service(ctx)?
            .update_classification_tagset(
                &actor(ctx),
                d.classification_id.0,
                &d.tagset_name,
                d.selected_value,
            )
            .await?;
        let classification = callout
            .classification
            .clone()
            .ok_or_else(|| AppError::internal_msg("classification vanished"))?;
        Ok(crate::profile::Tagset(
            Classification {
                callout,
                classification,
            }
            .tagset_model(ctx)
            .await?,
        ))
    }
}

/// `lookup.innovationFlow`: needs READ.
pub(crate) async fn lookup_innovation_flow(ctx: &Context<'_>, id: Uuid) -> Result<InnovationFlow> {
    let f = service(ctx)?.flow_or_fail(id).await?;
    require_on(ctx, f.authorization_id, P::Read, "read an innovation flow").await?;
    Ok(InnovationFlow(f))
}

// ---- a new space's collaboration ----

/// The callouts a new space starts with.
#[derive(Debug, Clone, InputObject)]
pub struct CreateCalloutsSetInput {
    /// The callouts.
    pub callouts_data: Option<Vec<CreateCalloutInput>>,
}

/// A state of a new space's innovation flow.
#[derive(Debug, Clone, InputObject)]
pub struct CreateInnovationFlowStateInput {
    /// What it is for.
    pub description: Option<Markdown>,
    /// Its name.
    pub display_name: String,
    /// Its settings.
    pub settings: Option<CreateInnovationFlowStateSettingsInput>,
    /// Its position (5 after the previous one when absent).
    pub sort_order: Option<f64>,
}

/// A new space's innovation flow.
#[derive(Debug, Clone, InputObject)]
pub struct CreateInnovationFlowInput {
    /// Its profile.
    pub profile: CreateProfileInput,
    /// Its states, in order (at least the level's minimum; beyond the maximum they are
    /// dropped).
    pub states: Vec<CreateInnovationFlowStateInput>,
}

impl CreateInnovationFlowInput {
    /// The flow to create.
    pub(crate) fn into_flow(self) -> AppResult<alkemio_collaboration::innovation_flow::FlowInput> {
        Ok(alkemio_collaboration::innovation_flow::FlowInput {
            profile: self.profile.into_new_profile()?.0,
            states: self
                .states
                .into_iter()
                .map(|s| NewState {
                    display_name: s.display_name,
                    description: s.description.map(|m| m.0),
                    settings: s.settings.map(Into::into),
                    sort_order: s.sort_order,
                })
                .collect(),
        })
    }
}

/// The collaboration of a space template's content space.
#[derive(Debug, Clone, InputObject)]
pub struct CreateCollaborationInput {
    /// Its callouts.
    pub callouts_set_data: CreateCalloutsSetInput,
    /// Its innovation flow (the level's default states when absent).
    pub innovation_flow_data: Option<CreateInnovationFlowInput>,
}

/// A new space's collaboration.
#[derive(Debug, Clone, InputObject)]
pub struct CreateCollaborationOnSpaceInput {
    /// Whether the space starts with a welcome callout (yes by default).
    #[graphql(default_with = "Some(true)")]
    pub add_callouts: Option<bool>,
    /// Whether the space starts with tutorial callouts (not offered here: true is refused).
    #[graphql(default_with = "Some(false)")]
    pub add_tutorial_callouts: Option<bool>,
    /// The callouts it starts with.
    pub callouts_set_data: CreateCalloutsSetInput,
    /// Its innovation flow (the level's default when absent).
    pub innovation_flow_data: Option<CreateInnovationFlowInput>,
}

/// What a new space's collaboration asks for, read from its input.
pub(crate) struct PlannedCollaboration {
    pub(crate) flow: Option<alkemio_collaboration::innovation_flow::FlowInput>,
    pub(crate) callouts: Vec<NewCallout>,
    pub(crate) welcome: bool,
    pub(crate) add_callouts: bool,
}

impl CreateCollaborationOnSpaceInput {
    /// Reads and checks the input before the space exists (`level_zero`: the new space's
    /// level).
    pub(crate) fn plan(
        self,
        level_zero: bool,
        template: Option<&alkemio_template::content_space::NewContentSpace>,
    ) -> AppResult<PlannedCollaboration> {
        if self.add_tutorial_callouts == Some(true) {
            return Err(AppError::new(
                alkemio_kernel::ErrorStatus::NotSupported,
                "Tutorial callouts are not offered by this server",
            ));
        }
        let flow = self
            .innovation_flow_data
            .map(CreateInnovationFlowInput::into_flow)
            .transpose()?
            .or_else(|| template.and_then(|t| t.flow.clone()));
        let mut callouts = Vec::new();
        for c in self.callouts_set_data.callouts_data.unwrap_or_default() {
            callouts.push(c.into_new()?);
        }
        let states =
            alkemio_collaboration::innovation_flow::planned_state_names(level_zero, flow.as_ref());
        CollaborationService::check_new_callouts(&callouts, &states)?;
        let add_callouts = self.add_callouts.unwrap_or(true);
        // a template brings its own callouts instead of the welcome callout
        let (callouts, welcome) = match template {
            Some(t) if add_callouts => (
                alkemio_space::templates::callouts_from(callouts, &t.callouts, &states),
                false,
            ),
            Some(_) => (callouts, false),
            None => (callouts, add_callouts),
        };
        Ok(PlannedCollaboration {
            flow,
            callouts,
            welcome,
            add_callouts,
        })
    }
}

/// The caller with its credentials read again (roles granted during this request count).
pub(crate) async fn refreshed_caller(
    ctx: &Context<'_>,
) -> AppResult<alkemio_authorization::ActorContext> {
    let mut caller = actor(ctx).into_owned();
    if let Some(id) = caller.authenticated_id()
        && let Some(fresh) = data::<alkemio_contributor::ActorService>(ctx)?
            .credentials(alkemio_kernel::ids::ActorId(id))
            .await?
    {
        caller.credentials = fresh;
    }
    Ok(caller)
}

/// Creates the callouts a new space asked for (a welcome callout first, when wanted), as its
/// creator.
pub(crate) async fn add_planned_callouts(
    ctx: &Context<'_>,
    space: &alkemio_space::Space,
    callouts: Vec<NewCallout>,
    welcome: bool,
) -> AppResult<()> {
    let Some(collaboration) = space.collaboration_id else {
        return Ok(());
    };
    let svc = service(ctx)?;
    let set = svc
        .collaboration_or_fail(collaboration)
        .await?
        .callouts_set_id;
    let host = data::<alkemio_space::SpaceService>(ctx)?
        .collaboration_host(collaboration)
        .await?;
    // the creator's roles in the new space were granted after this request read its
    // credentials: read them again
    let caller = refreshed_caller(ctx).await?;
    let mut all = Vec::new();
    for c in callouts.into_iter().rev() {
        all.push(c);
    }
    if welcome {
        let free = !all.iter().any(|c| c.name_id.as_deref() == Some("welcome"));
        all.push(NewCallout {
            name_id: free.then(|| "welcome".to_owned()),
            framing_type: None,
            profile: alkemio_common::profile::NewProfile {
                display_name: "Welcome to your space!".to_owned(),
                description: Some(
                    "Start here: say what this space is for, who it is for and how to take part."
                        .to_owned(),
                ),
                ..Default::default()
            },
            tags: Vec::new(),
            settings: SettingsChanges::default(),
            base_settings: None,
            default_display_name: None,
            post_description: None,
            link: None,
            whiteboard: None,
            memo: None,
            poll: None,
            collabora: None,
            default_whiteboard_content: None,
            sort_order: None,
            contributions: Vec::new(),
            send_notification: false,
            classification: Vec::new(),
        });
    }
    // each new callout goes before the others: the last created shows first
    for c in all {
        svc.create_callout(&caller, set, c, &host).await?;
    }
    Ok(())
}

// ---- live events ----

/// A post contributed to a callout.
pub struct CalloutPostCreated {
    event: alkemio_collaboration::service::PostCreated,
    post: model::Post,
}

#[Object(name = "CalloutPostCreated")]
impl CalloutPostCreated {
    /// The callout.
    #[graphql(name = "calloutID")]
    async fn callout_id(&self) -> String {
        self.event.callout_id.to_string()
    }

    /// The contribution holding the post.
    #[graphql(name = "contributionID")]
    async fn contribution_id(&self) -> String {
        self.event.contribution_id.to_string()
    }

    /// The contribution's position.
    async fn sort_order(&self) -> f64 {
        self.event.sort_order
    }

    /// The post.
    async fn post(&self) -> Post {
        Post(self.post.clone())
    }
}

/// Callout subscriptions.
#[derive(Debug, Default)]
pub struct CalloutLiveEvents;

#[async_graphql::Subscription]
impl CalloutLiveEvents {
    /// Each post contributed to a callout that takes posts, from now on (needs READ on the
    /// callout, checked again for each post).
    async fn callout_post_created(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "calloutID")] callout_id: UuidScalar,
    ) -> Result<impl futures_util::Stream<Item = CalloutPostCreated> + use<>> {
        let svc = service(ctx)?.clone();
        let callout = svc.callout_or_fail(callout_id.0).await?;
        if !callout
            .settings
            .contribution
            .allowed_types
            .contains(&CalloutContributionType::Post)
        {
            return Err(AppError::bad_input(format!(
                "Callout {} does not take posts: there is nothing to follow",
                callout.id
            ))
            .into());
        }
        require_on(
            ctx,
            callout.authorization_id,
            P::Read,
            "follow a callout's posts",
        )
        .await?;
        let access = crate::authorization::LiveAccess::from_ctx(ctx)?;
        let rx = svc.posts_created();
        let id = callout.id;
        let stream = futures_util::stream::unfold(
            (rx, svc, access),
            move |(mut rx, svc, access)| async move {
                loop {
                    match rx.recv().await {
                        Ok(event) if event.callout_id == id => {
                            let Ok(callout) = svc.callout_or_fail(id).await else {
                                return None;
                            };
                            if !access.may(callout.authorization_id, P::Read).await {
                                return None;
                            }
                            if let Ok(post) = svc.post_or_fail(event.post_id).await {
                                return Some((
                                    CalloutPostCreated { event, post },
                                    (rx, svc, access),
                                ));
                            }
                        }
                        Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                    }
                }
            },
        );
        Ok(stream)
    }
}
