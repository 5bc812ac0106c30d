//! GraphQL of the platform's forum (module `alkemio-platform::forum`): `Forum`, `Discussion`,
//! `LatestReleaseDiscussion`, the discussion mutations and `forumDiscussionUpdated`. Reads of
//! the forum's content check READ on the forum; the service checks the writes.

use alkemio_authorization::AuthorizationPrivilege as P;
use alkemio_contributor::{ActorType, UserService};
use alkemio_kernel::AppError;
use alkemio_kernel::scalars::{DateTime, NameId, UuidScalar};
use alkemio_platform::forum::{
    DiscussionChanges, DiscussionsQuery, ForumDiscussionCategory, ForumDiscussionPrivacy,
    ForumService,
};
use async_graphql::{Context, Enum, InputObject, Object, Result, SimpleObject};

use crate::authorization::{Authorization, require_on};
use crate::context::{actor, data};
use crate::contributor::{ActorFull, ContributorFilterInput, actors_full};
use crate::loaders::{Loaders, loaded};
use crate::organization::CreateProfileInput;
use crate::profile::{Profile, UpdateProfileInput};

fn service<'a>(ctx: &Context<'a>) -> Result<&'a ForumService, AppError> {
    data::<ForumService>(ctx)
}

async fn platform_policy(
    ctx: &Context<'_>,
) -> Result<alkemio_authorization::AuthorizationPolicy, AppError> {
    Ok(data::<alkemio_platform::PlatformService>(ctx)?
        .authorization()
        .await?
        .policy)
}

/// The platform's forum.
pub struct Forum(pub alkemio_platform::forum::Forum);

impl Forum {
    async fn require_read(&self, ctx: &Context<'_>, what: &str) -> Result<(), AppError> {
        require_on(ctx, self.0.authorization_id, P::Read, what).await
    }
}

/// In which order discussions are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum DiscussionsOrderBy {
    /// Oldest first.
    #[graphql(name = "DISCUSSIONS_CREATEDATE_ASC")]
    DiscussionsCreatedateAsc,
    /// Newest first.
    #[graphql(name = "DISCUSSIONS_CREATEDATE_DESC")]
    DiscussionsCreatedateDesc,
}

/// Which discussions to list.
#[derive(Debug, InputObject)]
pub struct DiscussionsInput {
    /// At most this many (all when absent or not positive).
    pub limit: Option<f64>,
    /// Their order (newest first when absent).
    pub order_by: Option<DiscussionsOrderBy>,
}

#[Object(name = "Forum")]
impl Forum {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }

    /// The categories discussions can be in.
    async fn discussion_categories(&self) -> Vec<ForumDiscussionCategory> {
        self.0.categories.clone()
    }

    /// Its discussions, newest first unless asked otherwise (needs READ on the forum).
    async fn discussions(
        &self,
        ctx: &Context<'_>,
        query_data: Option<DiscussionsInput>,
    ) -> Result<Option<Vec<Discussion>>> {
        self.require_read(ctx, "read the forum's discussions")
            .await?;
        let query = match query_data {
            Some(q) => DiscussionsQuery {
                oldest_first: q.order_by == Some(DiscussionsOrderBy::DiscussionsCreatedateAsc),
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                limit: q.limit.filter(|l| *l >= 1.0).map(|l| l as usize),
            },
            None => DiscussionsQuery::default(),
        };
        Ok(Some(
            service(ctx)?
                .discussions(self.0.id, query)
                .await?
                .into_iter()
                .map(Discussion)
                .collect(),
        ))
    }

    /// One of its discussions (needs READ on the forum).
    async fn discussion(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<Discussion>> {
        self.require_read(ctx, "read a forum discussion").await?;
        let d = service(ctx)?.discussion_or_fail(id.0).await?;
        if d.forum_id != self.0.id {
            return Err(AppError::not_found(format!(
                "Unable to find Forum for Discussion with ID: {}",
                id.0
            ))
            .into());
        }
        Ok(Some(Discussion(d)))
    }

    /// Users and virtual contributors (or the kinds asked for) who may be mentioned in the
    /// forum: anyone on the platform (needs READ on the forum).
    async fn mentionable_contributors(
        &self,
        ctx: &Context<'_>,
        filter: Option<ContributorFilterInput>,
        limit: Option<i32>,
        types: Option<Vec<ActorType>>,
    ) -> Result<Vec<ActorFull>> {
        self.require_read(ctx, "read who may be mentioned in the forum")
            .await?;
        let types = match types {
            Some(t) if !t.is_empty() => t,
            _ => vec![ActorType::User, ActorType::VirtualContributor],
        };
        let filter = filter.unwrap_or_default();
        let query = alkemio_contributor::listing::MentionQuery {
            types,
            scope: None,
            display_name: filter.display_name.filter(|v| !v.trim().is_empty()),
            name_id: filter.name_id.filter(|v| !v.trim().is_empty()),
            limit: u64::try_from(limit.unwrap_or(25).clamp(1, 50)).unwrap_or(25),
        };
        let found = data::<UserService>(ctx)?
            .actors()
            .mentionable(&query)
            .await?;
        actors_full(ctx, &found).await
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

/// A discussion in the forum.
pub struct Discussion(pub alkemio_platform::forum::Discussion);

#[Object(name = "Discussion")]
impl Discussion {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }

    /// Its NameID, unique in the forum.
    #[graphql(name = "nameID")]
    async fn name_id(&self) -> NameId {
        NameId::from_trusted(self.0.name_id.clone())
    }

    /// What it is about.
    async fn category(&self) -> ForumDiscussionCategory {
        self.0.category
    }

    /// Who may read it.
    async fn privacy(&self) -> ForumDiscussionPrivacy {
        self.0.privacy
    }

    /// Who started it.
    async fn created_by(&self) -> Option<UuidScalar> {
        self.0.created_by.map(UuidScalar)
    }

    /// When it was started, in milliseconds since the epoch.
    async fn timestamp(&self) -> Option<f64> {
        #[allow(clippy::cast_precision_loss)]
        Some(self.0.created_date.timestamp_millis() as f64)
    }

    /// Its profile.
    async fn profile(&self, ctx: &Context<'_>) -> Result<Profile> {
        let id = self.0.profile_id;
        Ok(loaded(data::<Loaders>(ctx)?.profiles.load_one(id).await)?
            .map(Profile)
            .ok_or_else(|| AppError::internal_msg(format_args!("profile {id} missing")))?)
    }

    /// Its comments (needs READ on it).
    async fn comments(&self, ctx: &Context<'_>) -> Result<crate::communication::Room> {
        require_on(
            ctx,
            self.0.authorization_id,
            P::Read,
            "read a discussion's comments",
        )
        .await?;
        let id = self.0.comments_id;
        Ok(loaded(data::<Loaders>(ctx)?.rooms.load_one(id).await)?
            .map(crate::communication::Room)
            .ok_or_else(|| {
                AppError::not_found(format!(
                    "Not able to locate comments room on Discussion with the specified ID: {}",
                    self.0.id
                ))
            })?)
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

/// The newest discussion of the RELEASES category.
#[derive(Debug, SimpleObject)]
pub struct LatestReleaseDiscussion {
    /// Its id.
    pub id: String,
    /// Its NameID.
    #[graphql(name = "nameID")]
    pub name_id: String,
}

/// The platform's forum.
pub(crate) async fn forum(ctx: &Context<'_>) -> Result<Forum, AppError> {
    Ok(Forum(service(ctx)?.forum().await?))
}

/// The newest release discussion, if any.
pub(crate) async fn latest_release(
    ctx: &Context<'_>,
) -> Result<Option<LatestReleaseDiscussion>, AppError> {
    Ok(service(ctx)?
        .latest_release()
        .await?
        .map(|d| LatestReleaseDiscussion {
            id: d.id.to_string(),
            name_id: d.name_id,
        }))
}

/// A new discussion.
#[derive(Debug, InputObject)]
pub struct ForumCreateDiscussionInput {
    /// What it is about.
    pub category: ForumDiscussionCategory,
    /// The forum.
    #[graphql(name = "forumID")]
    pub forum_id: UuidScalar,
    /// Its profile.
    pub profile: CreateProfileInput,
    /// Tags for its default tagset.
    pub tags: Option<Vec<String>>,
}

/// Changes to a discussion.
#[derive(Debug, InputObject)]
pub struct UpdateDiscussionInput {
    /// Its new category.
    pub category: Option<ForumDiscussionCategory>,
    /// Which discussion.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
    /// Not changeable: a discussion keeps the NameID its URL is made of.
    #[graphql(name = "nameID")]
    pub name_id: Option<NameId>,
    /// Profile changes.
    pub profile_data: Option<UpdateProfileInput>,
}

/// The discussion to delete.
#[derive(Debug, InputObject)]
pub struct DeleteDiscussionInput {
    /// Its id.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
}

/// Forum mutations.
#[derive(Debug, Default)]
pub struct ForumMutation;

#[Object]
impl ForumMutation {
    /// Starts a discussion in the forum (needs CREATE_DISCUSSION on it; RELEASES discussions
    /// need PLATFORM_ADMIN on the platform).
    async fn create_discussion(
        &self,
        ctx: &Context<'_>,
        create_data: ForumCreateDiscussionInput,
    ) -> Result<Discussion> {
        let d = create_data;
        let platform = platform_policy(ctx).await?;
        Ok(Discussion(
            service(ctx)?
                .create_discussion(
                    &actor(ctx),
                    &platform,
                    d.forum_id.0,
                    d.category,
                    d.profile.into_new_profile()?.0,
                    d.tags.unwrap_or_default(),
                )
                .await?,
        ))
    }

    /// Changes a discussion's category or profile (needs UPDATE on it).
    async fn update_discussion(
        &self,
        ctx: &Context<'_>,
        update_data: UpdateDiscussionInput,
    ) -> Result<Discussion> {
        let d = update_data;
        if let Some(name) = &d.name_id
            && service(ctx)?.discussion_or_fail(d.id.0).await?.name_id != name.as_str()
        {
            return Err(AppError::bad_input(
                "A discussion's NameID cannot change: its URL is made of it",
            )
            .into());
        }
        let platform = platform_policy(ctx).await?;
        Ok(Discussion(
            service(ctx)?
                .update_discussion(
                    &actor(ctx),
                    &platform,
                    d.id.0,
                    DiscussionChanges {
                        category: d.category,
                        profile: d.profile_data.map(Into::into),
                    },
                )
                .await?,
        ))
    }

    /// Deletes a discussion with its comments (needs DELETE on it).
    async fn delete_discussion(
        &self,
        ctx: &Context<'_>,
        delete_data: DeleteDiscussionInput,
    ) -> Result<Discussion> {
        Ok(Discussion(
            service(ctx)?
                .delete_discussion(&actor(ctx), delete_data.id.0)
                .await?,
        ))
    }
}

/// Forum live events.
#[derive(Debug, Default)]
pub struct ForumLiveEvents;

#[async_graphql::Subscription]
impl ForumLiveEvents {
    /// Discussions started in the forum from now on (registered callers with READ on it).
    async fn forum_discussion_updated(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "forumID")] forum_id: UuidScalar,
    ) -> Result<impl futures_util::Stream<Item = Discussion> + use<>> {
        if actor(ctx).authenticated_id().is_none() {
            return Err(AppError::new(
                alkemio_kernel::ErrorStatus::SubscriptionUserNotAuthenticated,
                "Subscription attempted to DiscussionsUpdated for non-authenticated user",
            )
            .into());
        }
        let svc = service(ctx)?.clone();
        let forum = svc.forum().await?;
        if forum.id != forum_id.0 {
            return Err(AppError::not_found(format!(
                "Unable to find Forum with ID: {}",
                forum_id.0
            ))
            .into());
        }
        require_on(
            ctx,
            forum.authorization_id,
            P::Read,
            &format!("subscription to discussion updates on: {}", forum.id),
        )
        .await?;
        let rx = svc.discussions_created();
        let wanted = forum.id;
        Ok(futures_util::stream::unfold(rx, move |mut rx| async move {
            loop {
                match rx.recv().await {
                    Ok(d) if d.forum_id == wanted => return Some((Discussion(d), rx)),
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                }
            }
        }))
    }
}
