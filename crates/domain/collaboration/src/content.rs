//! Links, whiteboards and memos: what a callout's framing or a contribution holds besides a
//! post. Each has a profile and a policy under its holder's; whiteboards and memos also have an
//! owner and a content policy; a whiteboard has preview settings and may be shared with guests
//! where its space allows guest contributions; a memo is Markdown.

use std::collections::HashMap;

use alkemio_authorization::{
    ActorContext, AuthorizationPolicy, AuthorizationPolicyType, AuthorizationPrivilege as P,
    repo as auth_repo,
};
use alkemio_common::profile::{NewProfile, NewTagset, ProfileService, ProfileType, ProfileUpdate};
use alkemio_common::visual::VisualType;
use alkemio_kernel::{AppError, AppResult};
use alkemio_licensing::LicenseEntitlementType;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::authorization::{
    apply_link_policy, apply_memo_policy, apply_whiteboard_policy, guests_allowed,
};
use crate::model::{
    Callout, CalloutFraming, CalloutFramingType, ContentUpdatePolicy, Link, Memo,
    PreviewCoordinates, PreviewSettings, Whiteboard, WhiteboardPreviewMode,
};
use crate::repo::{self, Held, Holder};
use crate::service::{CollaborationService, Host, Staged, now};

/// Longest link URI accepted.
pub const LINK_URI_MAX_LENGTH: usize = 512;

/// A new link.
#[derive(Debug, Clone, Default)]
pub struct NewLink {
    /// Its profile.
    pub profile: NewProfile,
    /// Where it points (empty when absent).
    pub uri: Option<String>,
}

/// Changes to a link; `None` leaves a part as it is.
#[derive(Debug, Clone, Default)]
pub struct LinkUpdate {
    /// The link changed (a framing's link must be the framing's own).
    pub id: Uuid,
    /// Its profile.
    pub profile: Option<ProfileUpdate>,
    /// Where it points (an empty URI leaves it, as in the reference).
    pub uri: Option<String>,
}

/// Preview settings given; `None` leaves a part as it is.
#[derive(Debug, Clone, Copy, Default)]
pub struct PreviewChanges {
    /// The framing mode.
    pub mode: Option<WhiteboardPreviewMode>,
    /// The area shown.
    pub coordinates: Option<PreviewCoordinates>,
}

impl PreviewChanges {
    fn apply(self, s: &mut PreviewSettings) {
        if let Some(m) = self.mode {
            s.mode = m;
        }
        if let Some(c) = self.coordinates {
            s.coordinates = Some(c);
        }
    }
}

/// A new whiteboard.
#[derive(Debug, Clone, Default)]
pub struct NewWhiteboard {
    /// Its NameID (generated from its display name when absent).
    pub name_id: Option<String>,
    /// Its profile (a profile named "Whiteboard" when absent).
    pub profile: Option<NewProfile>,
    /// Its content (validated by the `WhiteboardContent` scalar).
    pub content: Option<String>,
    /// Its preview settings (AUTO without coordinates when absent).
    pub preview: Option<PreviewChanges>,
}

/// Changes to a whiteboard; `None` leaves a part as it is.
#[derive(Debug, Clone, Default)]
pub struct WhiteboardUpdate {
    /// A new NameID (unique among its callout's contributions; the reference ignores it).
    pub name_id: Option<String>,
    /// Its profile.
    pub profile: Option<ProfileUpdate>,
    /// Who may change its content.
    pub content_update_policy: Option<ContentUpdatePolicy>,
    /// Its preview settings.
    pub preview: Option<PreviewChanges>,
}

/// A new memo.
#[derive(Debug, Clone, Default)]
pub struct NewMemo {
    /// Its NameID (generated from its display name when absent).
    pub name_id: Option<String>,
    /// Its profile (a profile named "Memo" when absent).
    pub profile: Option<NewProfile>,
    /// Its text.
    pub markdown: Option<String>,
}

/// Changes to a memo; `None` leaves a part as it is.
#[derive(Debug, Clone, Default)]
pub struct MemoUpdate {
    /// Its profile.
    pub profile: Option<ProfileUpdate>,
    /// Who may change its content.
    pub content_update_policy: Option<ContentUpdatePolicy>,
}

/// Changes to a callout's framing content; `None` leaves a part as it is.
#[derive(Debug, Clone, Default)]
pub struct FramingChanges {
    /// A new kind; content of another kind goes.
    pub framing_type: Option<CalloutFramingType>,
    /// The framing's link (created when the framing has none).
    pub link: Option<LinkUpdate>,
    /// The framing whiteboard's content (a whiteboard is created when the framing has none).
    pub whiteboard_content: Option<String>,
    /// The framing whiteboard's preview settings.
    pub whiteboard_preview: Option<PreviewChanges>,
    /// The framing memo's text (a memo is created when the framing has none).
    pub memo_content: Option<String>,
    /// The framing poll's new title (a poll is made only with its callout).
    pub poll_title: Option<String>,
    /// The office document made when the framing becomes COLLABORA_DOCUMENT.
    pub collabora: Option<crate::collabora::NewCollaboraDocument>,
}

impl FramingChanges {
    /// Whether nothing changes.
    pub fn is_empty(&self) -> bool {
        self.framing_type.is_none()
            && self.link.is_none()
            && self.whiteboard_content.is_none()
            && self.whiteboard_preview.is_none()
            && self.memo_content.is_none()
            && self.poll_title.is_none()
    }
}

fn check_uri(uri: &str) -> AppResult<()> {
    if uri.chars().count() > LINK_URI_MAX_LENGTH {
        return Err(AppError::bad_input(format!(
            "A link's URI may have at most {LINK_URI_MAX_LENGTH} characters"
        )));
    }
    Ok(())
}

fn default_tagset(profile: &mut NewProfile) {
    if !profile.tagsets.iter().any(|t| t.name == "default") {
        profile.tagsets.push(NewTagset {
            name: "default".to_owned(),
            tags: Vec::new(),
        });
    }
}

impl CollaborationService {
    /// Prepares a link under `holder` (a framing's or a contribution's policy).
    pub(crate) fn stage_link(
        &self,
        new: NewLink,
        holder: &AuthorizationPolicy,
        created_by: Option<Uuid>,
        host: &Host,
        staged: &mut Staged,
    ) -> AppResult<Link> {
        let uri = new.uri.unwrap_or_default();
        check_uri(&uri)?;
        let mut policy = auth_repo::new_policy(AuthorizationPolicyType::Link);
        apply_link_policy(&mut policy, holder, created_by);
        let mut profile = new.profile;
        profile.visuals = Vec::new();
        let bundle = self.profiles.build(
            profile,
            ProfileType::ContributionLink,
            &policy,
            host.aggregator,
        )?;
        let at = now();
        let link = Link {
            id: Uuid::now_v7(),
            uri,
            profile_id: bundle.profile.id,
            authorization_id: Some(policy.id),
            created_date: at,
            updated_date: at,
        };
        staged.profiles.push(bundle);
        staged.policies.push(policy);
        staged.links.push(link.clone());
        Ok(link)
    }

    /// Prepares a whiteboard named `name_id` under `holder`, owned by `created_by`.
    pub(crate) fn stage_whiteboard(
        &self,
        new: NewWhiteboard,
        name_id: String,
        holder: &AuthorizationPolicy,
        created_by: Option<Uuid>,
        host: &Host,
        staged: &mut Staged,
    ) -> AppResult<Whiteboard> {
        let mut preview = PreviewSettings::default();
        if let Some(p) = new.preview {
            p.apply(&mut preview);
        }
        let at = now();
        let mut whiteboard = Whiteboard {
            id: Uuid::now_v7(),
            name_id,
            content: new.content.unwrap_or_default(),
            created_by,
            content_update_policy: ContentUpdatePolicy::Contributors,
            preview_settings: preview,
            guest_access: false,
            profile_id: Uuid::nil(),
            authorization_id: None,
            created_date: at,
            updated_date: at,
        };
        let mut policy = auth_repo::new_policy(AuthorizationPolicyType::Whiteboard);
        apply_whiteboard_policy(&mut policy, holder, &whiteboard, &host.access);
        let mut profile = new.profile.unwrap_or_else(|| NewProfile {
            display_name: "Whiteboard".to_owned(),
            ..Default::default()
        });
        default_tagset(&mut profile);
        profile.visuals = vec![VisualType::Card, VisualType::WhiteboardPreview];
        let bundle =
            self.profiles
                .build(profile, ProfileType::Whiteboard, &policy, host.aggregator)?;
        whiteboard.profile_id = bundle.profile.id;
        whiteboard.authorization_id = Some(policy.id);
        staged.profiles.push(bundle);
        staged.policies.push(policy);
        staged.whiteboards.push(whiteboard.clone());
        Ok(whiteboard)
    }

    /// Prepares a memo named `name_id` under `holder`, owned by `created_by`, with these
    /// visuals.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn stage_memo(
        &self,
        new: NewMemo,
        name_id: String,
        holder: &AuthorizationPolicy,
        created_by: Option<Uuid>,
        host: &Host,
        visuals: Vec<VisualType>,
        staged: &mut Staged,
    ) -> AppResult<Memo> {
        let at = now();
        let mut memo = Memo {
            id: Uuid::now_v7(),
            name_id,
            markdown: new.markdown.filter(|m| !m.is_empty()),
            created_by,
            content_update_policy: ContentUpdatePolicy::Contributors,
            profile_id: Uuid::nil(),
            authorization_id: None,
            created_date: at,
            updated_date: at,
        };
        let mut policy = auth_repo::new_policy(AuthorizationPolicyType::Memo);
        apply_memo_policy(&mut policy, holder, &memo);
        let mut profile = new.profile.unwrap_or_else(|| NewProfile {
            display_name: "Memo".to_owned(),
            ..Default::default()
        });
        default_tagset(&mut profile);
        profile.visuals = visuals;
        let bundle = self
            .profiles
            .build(profile, ProfileType::Memo, &policy, host.aggregator)?;
        memo.profile_id = bundle.profile.id;
        memo.authorization_id = Some(policy.id);
        staged.profiles.push(bundle);
        staged.policies.push(policy);
        staged.memos.push(memo.clone());
        Ok(memo)
    }

    /// The recomputed policies of a memo and its profile.
    pub(crate) async fn memo_policies(
        &self,
        conn: &impl ConnectionTrait,
        memo: &Memo,
        holder: &AuthorizationPolicy,
    ) -> AppResult<Vec<AuthorizationPolicy>> {
        let mut policy =
            auth_repo::load_or_new(conn, memo.authorization_id, AuthorizationPolicyType::Memo)
                .await?;
        apply_memo_policy(&mut policy, holder, memo);
        let mut out = self
            .profiles
            .recompute_policies(conn, memo.profile_id, &policy)
            .await?;
        out.push(policy);
        Ok(out)
    }

    /// The recomputed policies of a link and its profile.
    pub(crate) async fn link_policies(
        &self,
        conn: &impl ConnectionTrait,
        link: &Link,
        holder: &AuthorizationPolicy,
        created_by: Option<Uuid>,
    ) -> AppResult<Vec<AuthorizationPolicy>> {
        let mut policy =
            auth_repo::load_or_new(conn, link.authorization_id, AuthorizationPolicyType::Link)
                .await?;
        apply_link_policy(&mut policy, holder, created_by);
        let mut out = self
            .profiles
            .recompute_policies(conn, link.profile_id, &policy)
            .await?;
        out.push(policy);
        Ok(out)
    }

    /// The recomputed policies of a whiteboard and its profile.
    pub(crate) async fn whiteboard_policies(
        &self,
        conn: &impl ConnectionTrait,
        whiteboard: &Whiteboard,
        holder: &AuthorizationPolicy,
        access: &crate::authorization::CollaborationAccess,
    ) -> AppResult<Vec<AuthorizationPolicy>> {
        let mut policy = auth_repo::load_or_new(
            conn,
            whiteboard.authorization_id,
            AuthorizationPolicyType::Whiteboard,
        )
        .await?;
        apply_whiteboard_policy(&mut policy, holder, whiteboard, access);
        let mut out = self
            .profiles
            .recompute_policies(conn, whiteboard.profile_id, &policy)
            .await?;
        out.push(policy);
        Ok(out)
    }

    // ---- whiteboards outside callouts (templates') ----

    /// Creates a whiteboard under `holder` (a template's policy) inside the caller's
    /// transaction: named "Whiteboard Template" with a generated NameID, as in the reference.
    pub async fn create_standalone_whiteboard_in(
        &self,
        conn: &impl ConnectionTrait,
        new: NewWhiteboard,
        holder: &AuthorizationPolicy,
        created_by: Option<Uuid>,
        aggregator: Option<Uuid>,
    ) -> AppResult<(Whiteboard, Vec<AuthorizationPolicy>)> {
        let host = Host {
            access: crate::authorization::CollaborationAccess::default(),
            aggregator,
            space_id: None,
        };
        let mut staged = Staged::default();
        let w = self.stage_whiteboard(
            NewWhiteboard {
                name_id: None,
                profile: Some(NewProfile {
                    display_name: "Whiteboard Template".to_owned(),
                    ..Default::default()
                }),
                content: new.content,
                preview: new.preview,
            },
            alkemio_contributor::name_id::generate("Whiteboard Template"),
            holder,
            created_by,
            &host,
            &mut staged,
        )?;
        self.store(conn, &staged).await?;
        Ok((w, Vec::new()))
    }

    /// The recomputed policies of a whiteboard outside callouts under `holder`.
    pub async fn standalone_whiteboard_policies(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
        holder: &AuthorizationPolicy,
    ) -> AppResult<Vec<AuthorizationPolicy>> {
        match repo::whiteboards(conn, &[id]).await?.remove(&id) {
            Some(w) => {
                self.whiteboard_policies(
                    conn,
                    &w,
                    holder,
                    &crate::authorization::CollaborationAccess::default(),
                )
                .await
            }
            None => Ok(Vec::new()),
        }
    }

    /// Deletes whiteboards outside callouts with their profiles inside the caller's
    /// transaction; returns the policy ids to delete.
    pub async fn delete_standalone_whiteboards_in(
        &self,
        conn: &impl ConnectionTrait,
        ids: &[Uuid],
    ) -> AppResult<Vec<Uuid>> {
        let left = repo::delete_whiteboards(conn, ids).await?;
        // Their bytes stay until a deletion that owns its transaction releases them.
        Ok(self.delete_leftovers(conn, left).await?.0)
    }

    /// Replaces a whiteboard's content inside the caller's transaction.
    pub async fn set_whiteboard_content_in(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
        content: String,
    ) -> AppResult<()> {
        let mut w = repo::whiteboards(conn, &[id])
            .await?
            .remove(&id)
            .ok_or_else(|| AppError::not_found(format!("Whiteboard {id} not found")))?;
        w.content = content;
        repo::update_whiteboard(conn, &w).await
    }

    // ---- reads ----

    /// Links by id.
    pub async fn links(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Link>> {
        repo::links(self.db.conn(), ids).await
    }

    /// A link, or ENTITY_NOT_FOUND.
    pub async fn link_or_fail(&self, id: Uuid) -> AppResult<Link> {
        self.links(&[id])
            .await?
            .remove(&id)
            .ok_or_else(|| AppError::not_found(format!("Link {id} not found")))
    }

    /// Whiteboards by id.
    pub async fn whiteboards(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Whiteboard>> {
        repo::whiteboards(self.db.conn(), ids).await
    }

    /// A whiteboard, or ENTITY_NOT_FOUND.
    pub async fn whiteboard_or_fail(&self, id: Uuid) -> AppResult<Whiteboard> {
        self.whiteboards(&[id])
            .await?
            .remove(&id)
            .ok_or_else(|| AppError::not_found(format!("Whiteboard {id} not found")))
    }

    /// Memos by id.
    pub async fn memos(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Memo>> {
        repo::memos(self.db.conn(), ids).await
    }

    /// A memo, or ENTITY_NOT_FOUND.
    pub async fn memo_or_fail(&self, id: Uuid) -> AppResult<Memo> {
        self.memos(&[id])
            .await?
            .remove(&id)
            .ok_or_else(|| AppError::not_found(format!("Memo {id} not found")))
    }

    /// The callout holding a link, a whiteboard or a memo.
    pub async fn callout_holding(&self, id: Uuid, kind: Held) -> AppResult<Callout> {
        let holder = repo::holders(self.db.conn(), &[id], kind)
            .await?
            .remove(&id)
            .ok_or_else(|| AppError::internal_msg(format_args!("{id} has no callout")))?;
        self.callout_or_fail(holder.callout()).await
    }

    /// Whether whiteboards may be edited by several people at once: their collaboration's
    /// license flag SPACE_FLAG_WHITEBOARD_MULTI_USER. A whiteboard outside a collaboration
    /// fails (as in the reference).
    pub async fn whiteboards_multi_user(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, bool>> {
        self.multi_user(ids, Held::Whiteboard).await
    }

    /// Whether memos may be edited by several people at once: their collaboration's license
    /// flag SPACE_FLAG_MEMO_MULTI_USER.
    pub async fn memos_multi_user(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, bool>> {
        self.multi_user(ids, Held::Memo).await
    }

    async fn multi_user(&self, ids: &[Uuid], kind: Held) -> AppResult<HashMap<Uuid, bool>> {
        let flag = match kind {
            Held::Memo => LicenseEntitlementType::SpaceFlagMemoMultiUser,
            _ => LicenseEntitlementType::SpaceFlagWhiteboardMultiUser,
        };
        let conn = self.db.conn();
        let holders = repo::holders(conn, ids, kind).await?;
        let callout_ids: Vec<Uuid> = holders.values().map(|h| h.callout()).collect();
        let callouts = repo::callouts(conn, &callout_ids).await?;
        let mut license_of_set: HashMap<Uuid, Option<Uuid>> = HashMap::new();
        for c in callouts.values() {
            if let std::collections::hash_map::Entry::Vacant(e) =
                license_of_set.entry(c.callouts_set_id)
            {
                e.insert(
                    repo::collaboration_of_set(conn, c.callouts_set_id)
                        .await?
                        .and_then(|c| c.license_id),
                );
            }
        }
        let license_ids: Vec<Uuid> = license_of_set.values().flatten().copied().collect();
        let licenses = alkemio_licensing::licenses(conn, &license_ids).await?;
        let mut out = HashMap::new();
        for id in ids {
            let license = holders
                .get(id)
                .and_then(|h| callouts.get(&h.callout()))
                .and_then(|c| license_of_set.get(&c.callouts_set_id).copied().flatten())
                .and_then(|l| licenses.get(&l))
                .ok_or_else(|| {
                    AppError::not_found(format!("{id} is not in a collaboration with a license"))
                })?;
            out.insert(
                *id,
                license
                    .entitlements
                    .iter()
                    .any(|e| e.entitlement_type == flag && e.enabled),
            );
        }
        Ok(out)
    }

    /// Whether a whiteboard's policy lets guests in.
    pub async fn guests_allowed(&self, whiteboard: &Whiteboard) -> AppResult<bool> {
        Ok(match whiteboard.authorization_id {
            Some(id) => auth_repo::load(self.db.conn(), id)
                .await?
                .is_some_and(|s| guests_allowed(&s.policy)),
            None => false,
        })
    }

    // ---- mutations ----

    /// `updateLink`: needs UPDATE on the link; changes its profile and URI.
    pub async fn update_link(&self, caller: &ActorContext, change: LinkUpdate) -> AppResult<Link> {
        let mut link = self.link_or_fail(change.id).await?;
        self.require(caller, link.authorization_id, P::Update, "update a link")
            .await?;
        if let Some(uri) = &change.uri {
            check_uri(uri)?;
        }
        let prepared = match change.profile {
            Some(p) => Some(self.profiles.prepare_update(link.profile_id, p).await?),
            None => None,
        };
        let txn = self.db.begin().await?;
        if let Some(uri) = change.uri.filter(|u| !u.is_empty()) {
            link.uri = uri;
            repo::update_link(&txn, &link).await?;
        }
        if let Some(p) = &prepared {
            ProfileService::write_update(&txn, p).await?;
        }
        txn.commit().await?;
        self.link_or_fail(link.id).await
    }

    /// `deleteLink`: needs DELETE on the link. A contributed link goes with its contribution
    /// (which has nothing else to show); a framing's link leaves the framing empty.
    pub async fn delete_link(&self, caller: &ActorContext, id: Uuid) -> AppResult<Link> {
        let link = self.link_or_fail(id).await?;
        self.require(caller, link.authorization_id, P::Delete, "delete a link")
            .await?;
        self.delete_held(id, Held::Link).await?;
        Ok(link)
    }

    /// `deleteWhiteboard`: needs DELETE on the whiteboard; as [`Self::delete_link`].
    pub async fn delete_whiteboard(
        &self,
        caller: &ActorContext,
        id: Uuid,
    ) -> AppResult<Whiteboard> {
        let whiteboard = self.whiteboard_or_fail(id).await?;
        self.require(
            caller,
            whiteboard.authorization_id,
            P::Delete,
            "delete a whiteboard",
        )
        .await?;
        self.delete_held(id, Held::Whiteboard).await?;
        Ok(whiteboard)
    }

    /// `deleteMemo`: needs DELETE on the memo; as [`Self::delete_link`].
    pub async fn delete_memo(&self, caller: &ActorContext, id: Uuid) -> AppResult<Memo> {
        let memo = self.memo_or_fail(id).await?;
        self.require(caller, memo.authorization_id, P::Delete, "delete a memo")
            .await?;
        self.delete_held(id, Held::Memo).await?;
        Ok(memo)
    }

    /// `updateMemo`: needs UPDATE on the memo; changes its profile and content policy (in
    /// force at once).
    pub async fn update_memo(
        &self,
        caller: &ActorContext,
        id: Uuid,
        change: MemoUpdate,
        host: &Host,
    ) -> AppResult<Memo> {
        let mut memo = self.memo_or_fail(id).await?;
        self.require(caller, memo.authorization_id, P::Update, "update a memo")
            .await?;
        let prepared = match change.profile {
            Some(p) => Some(self.profiles.prepare_update(memo.profile_id, p).await?),
            None => None,
        };
        let policy_changed = change
            .content_update_policy
            .is_some_and(|p| p != memo.content_update_policy);
        if let Some(p) = change.content_update_policy {
            memo.content_update_policy = p;
        }
        let txn = self.db.begin().await?;
        repo::update_memo(&txn, &memo).await?;
        if let Some(p) = &prepared {
            ProfileService::write_update(&txn, p).await?;
        }
        if policy_changed {
            let callout = self.callout_holding(id, Held::Memo).await?;
            self.refresh_callout(&txn, &callout, &host.access).await?;
        }
        txn.commit().await?;
        self.memo_or_fail(id).await
    }

    pub(crate) async fn delete_held(&self, id: Uuid, kind: Held) -> AppResult<()> {
        let holder = repo::holders(self.db.conn(), &[id], kind)
            .await?
            .remove(&id);
        let txn = self.db.begin().await?;
        let left = match holder {
            Some(Holder::Contribution { contribution, .. }) => {
                repo::delete_contributions(&txn, &[contribution]).await?
            }
            other => {
                if let Some(Holder::Framing { framing, .. }) = other
                    && let Some(mut f) = repo::framings(&txn, &[framing]).await?.remove(&framing)
                {
                    match kind {
                        Held::Link => f.link_id = None,
                        Held::Whiteboard => f.whiteboard_id = None,
                        Held::Memo => f.memo_id = None,
                        // a framing without its document frames nothing
                        Held::CollaboraDocument => {
                            f.collabora_document_id = None;
                            f.framing_type = CalloutFramingType::None;
                        }
                    }
                    repo::set_framing_content(&txn, &f).await?;
                }
                match kind {
                    Held::Link => repo::delete_links(&txn, &[id]).await?,
                    Held::Whiteboard => repo::delete_whiteboards(&txn, &[id]).await?,
                    Held::Memo => repo::delete_memos(&txn, &[id]).await?,
                    Held::CollaboraDocument => repo::delete_collabora(&txn, &[id]).await?,
                }
            }
        };
        let (policies, contents) = self.delete_leftovers(&txn, left).await?;
        auth_repo::delete(&txn, &policies).await?;
        txn.commit().await?;
        self.profiles.storage().release_contents(&contents).await?;
        Ok(())
    }

    /// `updateWhiteboard`: needs UPDATE on the whiteboard; changes its profile, content policy
    /// and preview settings; a new content policy is in force at once.
    pub async fn update_whiteboard(
        &self,
        caller: &ActorContext,
        id: Uuid,
        change: WhiteboardUpdate,
        host: &Host,
    ) -> AppResult<Whiteboard> {
        let mut whiteboard = self.whiteboard_or_fail(id).await?;
        self.require(
            caller,
            whiteboard.authorization_id,
            P::Update,
            "update a whiteboard",
        )
        .await?;
        let prepared = match change.profile {
            Some(p) => Some(
                self.profiles
                    .prepare_update(whiteboard.profile_id, p)
                    .await?,
            ),
            None => None,
        };
        if let Some(n) = change.name_id
            && n != whiteboard.name_id
        {
            if let Some(Holder::Contribution { callout, .. }) =
                repo::holders(self.db.conn(), &[id], Held::Whiteboard)
                    .await?
                    .remove(&id)
            {
                let taken = repo::post_names_like(self.db.conn(), callout, &n).await?;
                if taken.contains(&n) {
                    return Err(AppError::bad_input(format!(
                        "Unable to update Whiteboard: the provided nameID is already taken: {n}"
                    )));
                }
            }
            whiteboard.name_id = n;
        }
        let policy_changed = change
            .content_update_policy
            .is_some_and(|p| p != whiteboard.content_update_policy);
        if let Some(p) = change.content_update_policy {
            whiteboard.content_update_policy = p;
        }
        if let Some(p) = change.preview {
            p.apply(&mut whiteboard.preview_settings);
        }
        let txn = self.db.begin().await?;
        repo::update_whiteboard(&txn, &whiteboard).await?;
        if let Some(p) = &prepared {
            ProfileService::write_update(&txn, p).await?;
        }
        if policy_changed {
            let callout = self.callout_holding(id, Held::Whiteboard).await?;
            self.refresh_callout(&txn, &callout, &host.access).await?;
        }
        txn.commit().await?;
        self.whiteboard_or_fail(id).await
    }

    /// `updateWhiteboardGuestAccess`: needs PUBLIC_SHARE on the whiteboard; opening it needs a
    /// space that allows guest contributions (FORBIDDEN otherwise).
    pub async fn update_whiteboard_guest_access(
        &self,
        caller: &ActorContext,
        id: Uuid,
        enabled: bool,
        host: &Host,
    ) -> AppResult<Whiteboard> {
        let mut whiteboard = self.whiteboard_or_fail(id).await?;
        self.require(
            caller,
            whiteboard.authorization_id,
            P::PublicShare,
            "share a whiteboard",
        )
        .await?;
        if enabled && !host.access.guest_contributions {
            return Err(AppError::forbidden(
                "Guest contributions are not allowed in this space",
            ));
        }
        whiteboard.guest_access = enabled;
        let callout = self.callout_holding(id, Held::Whiteboard).await?;
        let txn = self.db.begin().await?;
        repo::update_whiteboard(&txn, &whiteboard).await?;
        self.refresh_callout(&txn, &callout, &host.access).await?;
        txn.commit().await?;
        self.whiteboard_or_fail(id).await
    }

    /// Applies framing changes of `updateCallout` inside its transaction (the caller holds
    /// UPDATE on the callout); policies are recomputed by the caller afterwards.
    pub(crate) async fn change_framing(
        &self,
        conn: &impl ConnectionTrait,
        caller: &ActorContext,
        framing: &mut CalloutFraming,
        changes: FramingChanges,
        host: &Host,
    ) -> AppResult<()> {
        let mut staged = Staged::default();
        let mut left = repo::Leftovers::default();
        let type_changed = changes
            .framing_type
            .is_some_and(|t| t != framing.framing_type);
        if let Some(t) = changes.framing_type
            && type_changed
        {
            if framing.framing_type == CalloutFramingType::Spaces {
                return Err(AppError::bad_input(
                    "The framing of a callout of subspaces cannot change its type",
                ));
            }
            if t != CalloutFramingType::Link
                && let Some(l) = framing.link_id.take()
            {
                left.absorb(repo::delete_links(conn, &[l]).await?);
            }
            if t != CalloutFramingType::Whiteboard
                && let Some(w) = framing.whiteboard_id.take()
            {
                left.absorb(repo::delete_whiteboards(conn, &[w]).await?);
            }
            if t != CalloutFramingType::Memo
                && let Some(m) = framing.memo_id.take()
            {
                left.absorb(repo::delete_memos(conn, &[m]).await?);
            }
            if t != CalloutFramingType::MediaGallery
                && let Some(g) = framing.media_gallery_id.take()
            {
                left.galleries.push(g);
            }
            if t != CalloutFramingType::CollaboraDocument
                && let Some(d) = framing.collabora_document_id.take()
            {
                left.absorb(repo::delete_collabora(conn, &[d]).await?);
            }
            if t != CalloutFramingType::Poll
                && let Some(p) = framing.poll_id.take()
            {
                left.polls.push(p);
            }
            if t == CalloutFramingType::Poll && framing.poll_id.is_none() {
                return Err(AppError::bad_input(
                    "Cannot create a new poll via callout framing update. Polls must be created with the callout.",
                ));
            }
            framing.framing_type = t;
        }
        if changes.link.is_some() && framing.framing_type != CalloutFramingType::Link {
            return Err(AppError::bad_input(
                "Link data was given for a framing that is not of type LINK",
            ));
        }
        if (changes.whiteboard_content.is_some() || changes.whiteboard_preview.is_some())
            && framing.framing_type != CalloutFramingType::Whiteboard
        {
            return Err(AppError::bad_input(
                "Whiteboard data was given for a framing that is not of type WHITEBOARD",
            ));
        }
        if let Some(title) = &changes.poll_title {
            match framing.poll_id {
                Some(p) if framing.framing_type == CalloutFramingType::Poll => {
                    crate::poll::set_title(conn, p, title).await?;
                }
                _ => {
                    return Err(AppError::bad_input(
                        "Poll data was given for a framing that is not of type POLL",
                    ));
                }
            }
        }
        if changes.memo_content.is_some() && framing.framing_type != CalloutFramingType::Memo {
            return Err(AppError::bad_input(
                "Memo content was given for a framing that is not of type MEMO",
            ));
        }
        let framing_policy = auth_repo::load_or_new(
            conn,
            framing.authorization_id,
            AuthorizationPolicyType::CalloutFraming,
        )
        .await?;
        let author = caller.authenticated_id();
        match (changes.link, framing.link_id) {
            (Some(change), Some(existing)) => {
                if change.id != existing {
                    return Err(AppError::bad_input(format!(
                        "Link {} is not the link of this callout's framing",
                        change.id
                    )));
                }
                let mut link = repo::links(conn, &[existing])
                    .await?
                    .remove(&existing)
                    .ok_or_else(|| AppError::internal_msg("framing link missing"))?;
                if let Some(uri) = &change.uri {
                    check_uri(uri)?;
                }
                if let Some(p) = change.profile {
                    let prepared = self.profiles.prepare_update(link.profile_id, p).await?;
                    ProfileService::write_update(conn, &prepared).await?;
                }
                if let Some(uri) = change.uri.filter(|u| !u.is_empty()) {
                    link.uri = uri;
                    repo::update_link(conn, &link).await?;
                }
            }
            (Some(change), None) => {
                let profile = change.profile.unwrap_or_default();
                let link = self.stage_link(
                    NewLink {
                        profile: NewProfile {
                            display_name: profile.display_name.unwrap_or_else(|| "Link".into()),
                            tagline: profile.tagline,
                            description: profile.description,
                            ..Default::default()
                        },
                        uri: change.uri,
                    },
                    &framing_policy,
                    None,
                    host,
                    &mut staged,
                )?;
                framing.link_id = Some(link.id);
            }
            (None, _) => {}
        }
        if type_changed
            && framing.framing_type == CalloutFramingType::Link
            && framing.link_id.is_none()
        {
            return Err(AppError::bad_input(
                "Callout Framing of type LINK requires link data",
            ));
        }
        match framing.whiteboard_id {
            Some(existing) => {
                if changes.whiteboard_content.is_some() || changes.whiteboard_preview.is_some() {
                    let mut w = repo::whiteboards(conn, &[existing])
                        .await?
                        .remove(&existing)
                        .ok_or_else(|| AppError::internal_msg("framing whiteboard missing"))?;
                    if let Some(c) = changes.whiteboard_content {
                        w.content = c;
                    }
                    if let Some(p) = changes.whiteboard_preview {
                        p.apply(&mut w.preview_settings);
                    }
                    repo::update_whiteboard(conn, &w).await?;
                }
            }
            None => {
                if let Some(content) = changes.whiteboard_content {
                    let name = alkemio_contributor::name_id::generate("Callout Framing Whiteboard");
                    let w = self.stage_whiteboard(
                        NewWhiteboard {
                            name_id: None,
                            profile: Some(NewProfile {
                                display_name: "Callout Framing Whiteboard".to_owned(),
                                ..Default::default()
                            }),
                            content: Some(content),
                            preview: changes.whiteboard_preview,
                        },
                        name,
                        &framing_policy,
                        author,
                        host,
                        &mut staged,
                    )?;
                    framing.whiteboard_id = Some(w.id);
                } else if type_changed && framing.framing_type == CalloutFramingType::Whiteboard {
                    return Err(AppError::bad_input(
                        "Callout Framing of type WHITEBOARD requires whiteboard content",
                    ));
                }
            }
        }
        match framing.memo_id {
            Some(existing) => {
                if let Some(markdown) = changes.memo_content {
                    let mut m = repo::memos(conn, &[existing])
                        .await?
                        .remove(&existing)
                        .ok_or_else(|| AppError::internal_msg("framing memo missing"))?;
                    m.markdown = Some(markdown).filter(|t| !t.is_empty());
                    repo::update_memo(conn, &m).await?;
                }
            }
            None => {
                if framing.framing_type == CalloutFramingType::Memo
                    && (type_changed || changes.memo_content.is_some())
                {
                    let name = alkemio_contributor::name_id::generate("Callout Framing Memo");
                    let m = self.stage_memo(
                        NewMemo {
                            name_id: None,
                            profile: Some(NewProfile {
                                display_name: "Callout Framing Memo".to_owned(),
                                ..Default::default()
                            }),
                            markdown: changes.memo_content,
                        },
                        name,
                        &framing_policy,
                        author,
                        host,
                        vec![VisualType::Card, VisualType::Banner],
                        &mut staged,
                    )?;
                    framing.memo_id = Some(m.id);
                }
            }
        }
        if framing.framing_type == CalloutFramingType::CollaboraDocument
            && framing.collabora_document_id.is_none()
        {
            match changes.collabora {
                Some(d) => {
                    framing.collabora_document_id = Some(
                        self.stage_collabora(d, &framing_policy, author, host, &mut staged)
                            .await?
                            .id,
                    );
                }
                None => {
                    return Err(AppError::bad_input(
                        "Collabora document input is required when switching to COLLABORA_DOCUMENT framing type",
                    ));
                }
            }
        }
        if framing.framing_type == CalloutFramingType::MediaGallery
            && framing.media_gallery_id.is_none()
        {
            let (g, b, policies) =
                self.profiles
                    .build_gallery(author, host.aggregator, &framing_policy);
            framing.media_gallery_id = Some(g.id);
            staged.galleries.push((g, b));
            staged.policies.extend(policies);
        }
        self.store(conn, &staged).await?;
        repo::set_framing_content(conn, framing).await?;
        // Content replaced inside a callout update: its bytes are released by no one here
        // (content-addressed, they may be shared).
        let (policies, _) = self.delete_leftovers(conn, left).await?;
        auth_repo::delete(conn, &policies).await?;
        Ok(())
    }
}
