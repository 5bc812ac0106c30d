//! The platform's forum: discussions in categories, each with a profile and a comments room.
//! Everyone reads the forum; registered users start discussions (releases are for platform
//! admins) and comment; global admins and support change and delete discussions. New
//! discussions are announced to the forum's live subscribers.

use std::collections::HashMap;

use alkemio_authorization::{
    ActorContext, AuthorizationPolicy, AuthorizationPolicyType, AuthorizationPrivilege as P,
    Credential, CredentialRule, CredentialType as C, PrivilegeRule, grant_access_or_fail,
    repo as auth_repo,
};
use alkemio_common::profile::{NewProfile, NewTagset, ProfileService, ProfileType, ProfileUpdate};
use alkemio_communication::model::{Room, RoomType};
use alkemio_kernel::{AppError, AppResult, stored_enum};
use alkemio_persistence::{Database, entity};
use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

stored_enum! {
    /// What a discussion is about.
    ForumDiscussionCategory {
        ChallengeCentric => ("CHALLENGE_CENTRIC", "challenge-centric"),
        CommunityBuilding => ("COMMUNITY_BUILDING", "community-building"),
        Help => ("HELP", "help"),
        Other => ("OTHER", "other"),
        PlatformFunctionalities => ("PLATFORM_FUNCTIONALITIES", "platform-functionalities"),
        Releases => ("RELEASES", "releases"),
    }
}

stored_enum! {
    /// Who may read a discussion.
    ForumDiscussionPrivacy {
        Author => ("AUTHOR", "author"),
        Authenticated => ("AUTHENTICATED", "authenticated"),
        Public => ("PUBLIC", "public"),
    }
}

/// The categories a new forum offers, in the order they are shown.
pub const CATEGORIES: [ForumDiscussionCategory; 6] = [
    ForumDiscussionCategory::Releases,
    ForumDiscussionCategory::PlatformFunctionalities,
    ForumDiscussionCategory::CommunityBuilding,
    ForumDiscussionCategory::ChallengeCentric,
    ForumDiscussionCategory::Help,
    ForumDiscussionCategory::Other,
];

/// The platform's forum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forum {
    /// Its id.
    pub id: Uuid,
    /// The categories it offers.
    pub categories: Vec<ForumDiscussionCategory>,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// A discussion in the forum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discussion {
    /// Its id.
    pub id: Uuid,
    /// Its forum.
    pub forum_id: Uuid,
    /// Its NameID, unique in the forum.
    pub name_id: String,
    /// Its category.
    pub category: ForumDiscussionCategory,
    /// Who started it.
    pub created_by: Option<Uuid>,
    /// Who may read it.
    pub privacy: ForumDiscussionPrivacy,
    /// Its profile.
    pub profile_id: Uuid,
    /// Its comments room.
    pub comments_id: Uuid,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

entity!(forum_row, "forum", {
    discussion_categories: Json,
    authorization_id: Option<Uuid>,
});
entity!(discussion_row, "discussion", {
    forum_id: Uuid,
    name_id: String,
    category: String,
    created_by: Option<Uuid>,
    privacy: String,
    profile_id: Uuid,
    comments_id: Uuid,
    authorization_id: Option<Uuid>,
});

fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

fn to_forum(r: forum_row::Model) -> Forum {
    Forum {
        id: r.id,
        categories: serde_json::from_value::<Vec<String>>(r.discussion_categories)
            .unwrap_or_default()
            .iter()
            .filter_map(|c| c.parse().ok())
            .collect(),
        authorization_id: r.authorization_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    }
}

fn to_discussion(r: discussion_row::Model) -> AppResult<Discussion> {
    let bad = |what: &str, e: &dyn std::fmt::Display| {
        AppError::internal_msg(format_args!("stored discussion {what} unreadable: {e}"))
    };
    Ok(Discussion {
        id: r.id,
        forum_id: r.forum_id,
        name_id: r.name_id,
        category: r.category.parse().map_err(|e| bad("category", &e))?,
        created_by: r.created_by,
        privacy: r.privacy.parse().map_err(|e| bad("privacy", &e))?,
        profile_id: r.profile_id,
        comments_id: r.comments_id,
        authorization_id: r.authorization_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    })
}

/// The forum's policy: the platform's cascading rules; everyone reads it; registered users
/// start discussions and take part in them.
pub fn apply_forum_policy(policy: &mut AuthorizationPolicy, platform: &AuthorizationPolicy) {
    policy.inherit_from(platform);
    policy.add_credential_rules([
        CredentialRule::new(
            "credentialRule-forumRead",
            vec![
                Credential::global(C::GlobalAnonymous),
                Credential::global(C::GlobalRegistered),
            ],
            &[P::Read],
        ),
        CredentialRule::new(
            "credentialRule-forumContribute",
            vec![Credential::global(C::GlobalRegistered)],
            &[P::CreateDiscussion, P::Contribute],
        ),
    ]);
    policy.add_privilege_rules([PrivilegeRule::new(
        "forum-create",
        P::Create,
        &[P::CreateDiscussion],
    )]);
}

/// A discussion's policy: the forum's cascading rules; global admins and support update it;
/// a PUBLIC discussion is read by everyone (as the forum already is).
pub fn apply_discussion_policy(
    policy: &mut AuthorizationPolicy,
    forum: &AuthorizationPolicy,
    privacy: ForumDiscussionPrivacy,
) {
    policy.inherit_from(forum);
    policy.add_credential_rules([CredentialRule::new(
        "credentialRule-discussionUpdate",
        vec![
            Credential::global(C::GlobalAdmin),
            Credential::global(C::GlobalSupport),
        ],
        &[P::Update],
    )
    .local()]);
    if privacy == ForumDiscussionPrivacy::Public {
        policy.add_credential_rules([CredentialRule::new(
            "credentialRule-discussionPublic",
            vec![
                Credential::global(C::GlobalAnonymous),
                Credential::global(C::GlobalRegistered),
            ],
            &[P::Read],
        )]);
    }
}

/// A discussion's comments room: the discussion's cascading rules; who may create or
/// contribute there posts, replies and reacts.
fn apply_discussion_room_policy(
    policy: &mut AuthorizationPolicy,
    discussion: &AuthorizationPolicy,
) {
    policy.inherit_from(discussion);
    let all = [
        P::CreateMessage,
        P::CreateMessageReply,
        P::CreateMessageReaction,
    ];
    policy.add_privilege_rules([
        PrivilegeRule::new("room-create", P::Create, &all),
        PrivilegeRule::new("room-contribute", P::Contribute, &all),
    ]);
}

/// How discussions are listed.
#[derive(Debug, Clone, Copy, Default)]
pub struct DiscussionsQuery {
    /// Oldest first (newest first otherwise).
    pub oldest_first: bool,
    /// At most this many (all when absent or not positive).
    pub limit: Option<usize>,
}

/// Changes to a discussion; `None` leaves a part as it is.
#[derive(Debug, Clone, Default)]
pub struct DiscussionChanges {
    /// Its category.
    pub category: Option<ForumDiscussionCategory>,
    /// Its profile.
    pub profile: Option<ProfileUpdate>,
}

/// The forum's use cases.
#[derive(Debug, Clone)]
pub struct ForumService {
    db: Database,
    profiles: ProfileService,
    outbox: alkemio_events::Outbox,
    created: tokio::sync::broadcast::Sender<Discussion>,
}

impl ForumService {
    /// A service over the database, keeping discussion profiles through `profiles` and
    /// recording its events in `outbox`.
    pub fn new(db: Database, profiles: ProfileService, outbox: alkemio_events::Outbox) -> Self {
        Self {
            db,
            profiles,
            outbox,
            created: tokio::sync::broadcast::channel(64).0,
        }
    }

    /// Discussions started from now on (a slow receiver misses the oldest when 64 wait).
    pub fn discussions_created(&self) -> tokio::sync::broadcast::Receiver<Discussion> {
        self.created.subscribe()
    }

    /// The forum, made on first use with every category; at every start its policy and its
    /// discussions' are recomputed from the platform's.
    pub async fn ensure(&self, platform: &AuthorizationPolicy) -> AppResult<Forum> {
        let conn = self.db.conn();
        let txn = self.db.begin().await?;
        let forum = match forum_row::Entity::find()
            .order_by_asc(forum_row::Column::CreatedDate)
            .one(&txn)
            .await?
        {
            Some(r) => to_forum(r),
            None => {
                let at = now();
                let forum = Forum {
                    id: Uuid::now_v7(),
                    categories: CATEGORIES.to_vec(),
                    authorization_id: Some(Uuid::now_v7()),
                    created_date: at,
                    updated_date: at,
                };
                forum_row::Entity::insert(forum_row::ActiveModel {
                    id: Set(forum.id),
                    created_date: Set(at),
                    updated_date: Set(at),
                    version: Set(1),
                    discussion_categories: Set(serde_json::json!(
                        forum
                            .categories
                            .iter()
                            .map(|c| c.as_str())
                            .collect::<Vec<_>>()
                    )),
                    authorization_id: Set(forum.authorization_id),
                })
                .exec_without_returning(&txn)
                .await?;
                forum
            }
        };
        let mut policy =
            auth_repo::load_or_new(&txn, forum.authorization_id, AuthorizationPolicyType::Forum)
                .await?;
        apply_forum_policy(&mut policy, platform);
        let mut all = Vec::new();
        for d in self.discussions_in(&txn, forum.id).await? {
            all.extend(self.discussion_policies(&txn, &d, &policy).await?);
        }
        all.push(policy);
        auth_repo::save_all(&txn, &all).await?;
        txn.commit().await?;
        let _ = conn;
        Ok(forum)
    }

    async fn discussion_policies(
        &self,
        conn: &impl ConnectionTrait,
        d: &Discussion,
        forum: &AuthorizationPolicy,
    ) -> AppResult<Vec<AuthorizationPolicy>> {
        let mut policy = auth_repo::load_or_new(
            conn,
            d.authorization_id,
            AuthorizationPolicyType::Discussion,
        )
        .await?;
        apply_discussion_policy(&mut policy, forum, d.privacy);
        let room = alkemio_communication::repo::rooms(conn, &[d.comments_id])
            .await?
            .remove(&d.comments_id);
        let mut out = self
            .profiles
            .recompute_policies(conn, d.profile_id, &policy)
            .await?;
        if let Some(r) = room {
            let mut rp =
                auth_repo::load_or_new(conn, r.authorization_id, AuthorizationPolicyType::Room)
                    .await?;
            apply_discussion_room_policy(&mut rp, &policy);
            out.push(rp);
        }
        out.push(policy);
        Ok(out)
    }

    /// The forum (ENTITY_NOT_FOUND before [`Self::ensure`] made it).
    pub async fn forum(&self) -> AppResult<Forum> {
        forum_row::Entity::find()
            .order_by_asc(forum_row::Column::CreatedDate)
            .one(self.db.conn())
            .await?
            .map(to_forum)
            .ok_or_else(|| AppError::not_found("No Platform Forum found!"))
    }

    async fn discussions_in(
        &self,
        conn: &impl ConnectionTrait,
        forum: Uuid,
    ) -> AppResult<Vec<Discussion>> {
        discussion_row::Entity::find()
            .filter(discussion_row::Column::ForumId.eq(forum))
            .order_by_desc(discussion_row::Column::CreatedDate)
            .order_by_desc(discussion_row::Column::Id)
            .all(conn)
            .await?
            .into_iter()
            .map(to_discussion)
            .collect()
    }

    /// The forum's discussions, newest first unless asked otherwise.
    pub async fn discussions(
        &self,
        forum: Uuid,
        query: DiscussionsQuery,
    ) -> AppResult<Vec<Discussion>> {
        let mut all = self.discussions_in(self.db.conn(), forum).await?;
        if query.oldest_first {
            all.reverse();
        }
        if let Some(limit) = query.limit.filter(|l| *l > 0) {
            all.truncate(limit);
        }
        Ok(all)
    }

    /// Discussions by id.
    pub async fn discussions_by_id(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Discussion>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        discussion_row::Entity::find()
            .filter(discussion_row::Column::Id.is_in(ids.iter().copied()))
            .all(self.db.conn())
            .await?
            .into_iter()
            .map(|r| to_discussion(r).map(|d| (d.id, d)))
            .collect()
    }

    /// A discussion, or ENTITY_NOT_FOUND.
    pub async fn discussion_or_fail(&self, id: Uuid) -> AppResult<Discussion> {
        self.discussions_by_id(&[id])
            .await?
            .remove(&id)
            .ok_or_else(|| {
                AppError::not_found(format!(
                    "Not able to locate Discussion with the specified ID: {id}"
                ))
            })
    }

    /// A discussion by NameID.
    pub async fn discussion_by_name(&self, name_id: &str) -> AppResult<Option<Discussion>> {
        discussion_row::Entity::find()
            .filter(discussion_row::Column::NameId.eq(name_id))
            .one(self.db.conn())
            .await?
            .map(to_discussion)
            .transpose()
    }

    /// The discussion with this profile.
    pub async fn discussion_by_profile(&self, profile: Uuid) -> AppResult<Option<Discussion>> {
        discussion_row::Entity::find()
            .filter(discussion_row::Column::ProfileId.eq(profile))
            .one(self.db.conn())
            .await?
            .map(to_discussion)
            .transpose()
    }

    /// The discussion with this comments room.
    pub async fn discussion_by_room(&self, room: Uuid) -> AppResult<Option<Discussion>> {
        discussion_row::Entity::find()
            .filter(discussion_row::Column::CommentsId.eq(room))
            .one(self.db.conn())
            .await?
            .map(to_discussion)
            .transpose()
    }

    /// The newest discussion in the RELEASES category.
    pub async fn latest_release(&self) -> AppResult<Option<Discussion>> {
        discussion_row::Entity::find()
            .filter(discussion_row::Column::Category.eq(ForumDiscussionCategory::Releases.as_str()))
            .order_by_desc(discussion_row::Column::CreatedDate)
            .order_by_desc(discussion_row::Column::Id)
            .one(self.db.conn())
            .await?
            .map(to_discussion)
            .transpose()
    }

    async fn policy(&self, id: Option<Uuid>) -> AppResult<Option<AuthorizationPolicy>> {
        Ok(match id {
            Some(id) => auth_repo::load(self.db.conn(), id).await?.map(|s| s.policy),
            None => None,
        })
    }

    /// `createDiscussion`: needs CREATE_DISCUSSION on the forum, and PLATFORM_ADMIN on the
    /// platform for a RELEASES discussion; its display name is unique in the forum. Its NameID
    /// comes from the display name (made unique in the forum); its creator starts it.
    pub async fn create_discussion(
        &self,
        caller: &ActorContext,
        platform: &AuthorizationPolicy,
        forum_id: Uuid,
        category: ForumDiscussionCategory,
        mut profile: NewProfile,
        tags: Vec<String>,
    ) -> AppResult<Discussion> {
        let forum = self.forum().await?;
        if forum.id != forum_id {
            return Err(AppError::not_found(format!(
                "Unable to find Forum with ID: {forum_id}"
            )));
        }
        let forum_policy = self.policy(forum.authorization_id).await?;
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            forum_policy.as_ref(),
            P::CreateDiscussion,
            &format!("create discussion on forum: {forum_id}"),
        )?;
        if category == ForumDiscussionCategory::Releases {
            grant_access_or_fail(
                &caller.actor_id(),
                &caller.credentials,
                Some(platform),
                P::PlatformAdmin,
                "User not authorized to create discussion with releases category.",
            )?;
        }
        if !forum.categories.contains(&category) {
            return Err(AppError::bad_input(format!(
                "Invalid discussion category supplied ('{}'), allowed categories: {}",
                category.as_str(),
                forum
                    .categories
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let existing = self.discussions_in(self.db.conn(), forum.id).await?;
        let names = self
            .profiles
            .profiles(&existing.iter().map(|d| d.profile_id).collect::<Vec<_>>())
            .await?;
        let display_name = profile.display_name.trim().to_owned();
        if names.values().any(|p| p.display_name == display_name) {
            return Err(AppError::bad_input(format!(
                "Unable to create Discussion: the provided displayName is already taken: {display_name}"
            )));
        }
        let taken: Vec<&str> = existing.iter().map(|d| d.name_id.as_str()).collect();
        let base: String = alkemio_contributor::name_id::generate(&display_name)
            .chars()
            .take(25)
            .collect();
        let name_id = if taken.contains(&base.as_str()) {
            (1..)
                .map(|i| format!("{base}-{i}"))
                .find(|n| !taken.contains(&n.as_str()))
                .unwrap_or_else(|| Uuid::now_v7().to_string())
        } else {
            base
        };
        let forum_policy =
            forum_policy.ok_or_else(|| AppError::internal_msg("the forum has no policy"))?;
        let at = now();
        let privacy = ForumDiscussionPrivacy::Authenticated;
        let mut policy = auth_repo::new_policy(AuthorizationPolicyType::Discussion);
        apply_discussion_policy(&mut policy, &forum_policy, privacy);
        let mut room_policy = auth_repo::new_policy(AuthorizationPolicyType::Room);
        apply_discussion_room_policy(&mut room_policy, &policy);
        match profile.tagsets.iter_mut().find(|t| t.name == "default") {
            Some(t) => t.tags.extend(tags),
            None => profile.tagsets.push(NewTagset {
                name: "default".to_owned(),
                tags,
            }),
        }
        let bundle = self
            .profiles
            .build(profile, ProfileType::Discussion, &policy, None)?;
        let room = Room {
            id: Uuid::now_v7(),
            room_type: RoomType::DiscussionForum,
            display_name: display_name.clone(),
            avatar_url: None,
            messages_count: 0,
            authorization_id: Some(room_policy.id),
            created_date: at,
            updated_date: at,
        };
        let discussion = Discussion {
            id: Uuid::now_v7(),
            forum_id: forum.id,
            name_id,
            category,
            created_by: caller.authenticated_id(),
            privacy,
            profile_id: bundle.profile.id,
            comments_id: room.id,
            authorization_id: Some(policy.id),
            created_date: at,
            updated_date: at,
        };
        let txn = self.db.begin().await?;
        self.profiles.insert_in(&txn, &bundle).await?;
        alkemio_communication::repo::insert_room(&txn, &room).await?;
        discussion_row::Entity::insert(discussion_row::ActiveModel {
            id: Set(discussion.id),
            created_date: Set(at),
            updated_date: Set(at),
            version: Set(1),
            forum_id: Set(discussion.forum_id),
            name_id: Set(discussion.name_id.clone()),
            category: Set(category.as_str().to_owned()),
            created_by: Set(discussion.created_by),
            privacy: Set(privacy.as_str().to_owned()),
            profile_id: Set(discussion.profile_id),
            comments_id: Set(discussion.comments_id),
            authorization_id: Set(discussion.authorization_id),
        })
        .exec_without_returning(&txn)
        .await?;
        let mut policies = bundle.policies.clone();
        policies.extend([policy, room_policy]);
        auth_repo::save_all(&txn, &policies).await?;
        self.outbox
            .record(
                &txn,
                alkemio_events::DomainEvent::ForumDiscussionCreated {
                    discussion_id: discussion.id,
                    name_id: discussion.name_id.clone(),
                    display_name: display_name.clone(),
                    description: bundle.profile.description.clone(),
                    category: category.as_str().to_owned(),
                },
                caller.authenticated_id(),
            )
            .await?;
        txn.commit().await?;
        self.outbox.wake();
        tracing::info!(discussion.id = %discussion.id, "forum discussion created");
        // nobody listening is not an error
        let _ = self.created.send(discussion.clone());
        Ok(discussion)
    }

    /// `updateDiscussion`: needs UPDATE on the discussion; changes its category and profile
    /// (its room takes a new display name). Moving it into RELEASES needs PLATFORM_ADMIN on the
    /// platform, as starting one there does (the reference does not check it).
    pub async fn update_discussion(
        &self,
        caller: &ActorContext,
        platform: &AuthorizationPolicy,
        id: Uuid,
        changes: DiscussionChanges,
    ) -> AppResult<Discussion> {
        let d = self.discussion_or_fail(id).await?;
        let policy = self.policy(d.authorization_id).await?;
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            policy.as_ref(),
            P::Update,
            &format!("Update discussion: {id}"),
        )?;
        if changes.category == Some(ForumDiscussionCategory::Releases)
            && d.category != ForumDiscussionCategory::Releases
        {
            grant_access_or_fail(
                &caller.actor_id(),
                &caller.credentials,
                Some(platform),
                P::PlatformAdmin,
                "User not authorized to move a discussion into the releases category.",
            )?;
        }
        let new_name = changes
            .profile
            .as_ref()
            .and_then(|p| p.display_name.clone());
        let prepared = match changes.profile {
            Some(p) => Some(self.profiles.prepare_update(d.profile_id, p).await?),
            None => None,
        };
        let txn = self.db.begin().await?;
        if let Some(p) = &prepared {
            ProfileService::write_update(&txn, p).await?;
        }
        if let Some(name) = new_name {
            alkemio_communication::repo::rename_room(&txn, d.comments_id, name.trim()).await?;
        }
        let mut update = discussion_row::Entity::update_many()
            .col_expr(discussion_row::Column::UpdatedDate, Expr::value(now()));
        if let Some(c) = changes.category {
            update = update.col_expr(discussion_row::Column::Category, Expr::value(c.as_str()));
        }
        update
            .filter(discussion_row::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        self.discussion_or_fail(id).await
    }

    /// `deleteDiscussion`: needs DELETE on the discussion; its profile (with its files) and
    /// comments room go with it.
    pub async fn delete_discussion(
        &self,
        caller: &ActorContext,
        id: Uuid,
    ) -> AppResult<Discussion> {
        let d = self.discussion_or_fail(id).await?;
        let policy = self.policy(d.authorization_id).await?;
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            policy.as_ref(),
            P::Delete,
            &format!("delete discussion: {id}"),
        )?;
        let txn = self.db.begin().await?;
        discussion_row::Entity::delete_by_id(id).exec(&txn).await?;
        let mut policies: Vec<Uuid> = d.authorization_id.into_iter().collect();
        policies.extend(alkemio_communication::repo::delete_rooms(&txn, &[d.comments_id]).await?);
        let (profile_policies, hashes) = self
            .profiles
            .delete_with_buckets_in(&txn, &[d.profile_id])
            .await?;
        policies.extend(profile_policies);
        auth_repo::delete(&txn, &policies).await?;
        txn.commit().await?;
        self.profiles.storage().release_contents(&hashes).await?;
        Ok(d)
    }
}
