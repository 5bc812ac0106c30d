//! Moving things between callouts: a contribution to another callout of the same callouts set
//! (`moveContributionToCallout`), and who published a callout and when
//! (`updateCalloutPublishInfo`).
//!
//! Where the reference is loose, this is strict (pinned by tests): a contribution whose NameID
//! the target callout's content already uses is refused (the reference moves it and leaves two
//! contributions answering to one URL), and a publisher must be an existing user (the reference
//! stores an empty id for an unknown one).

use alkemio_authorization::{ActorContext, AuthorizationPrivilege as P};
use alkemio_kernel::{AppError, AppResult, ErrorStatus};
use chrono::{DateTime, SubsecRound, Utc};
use uuid::Uuid;

use crate::model::{Callout, Contribution};
use crate::repo;
use crate::service::{CollaborationService, Host};

impl CollaborationService {
    /// `moveContributionToCallout`: needs MOVE_CONTRIBUTION on the contribution. The target
    /// callout must be in the same callouts set and take contributions of its type; the
    /// contribution's policies then follow the target callout.
    pub async fn move_contribution(
        &self,
        caller: &ActorContext,
        contribution_id: Uuid,
        target_id: Uuid,
        host: &Host,
    ) -> AppResult<Contribution> {
        let contribution = self.contribution_or_fail(contribution_id).await?;
        self.require(
            caller,
            contribution.authorization_id,
            P::MoveContribution,
            "move a contribution",
        )
        .await?;
        let target = self.callout_or_fail(target_id).await?;
        if target.id == contribution.callout_id {
            return Ok(contribution);
        }
        let source = self.callout_or_fail(contribution.callout_id).await?;
        if !target
            .settings
            .contribution
            .allowed_types
            .contains(&contribution.contribution_type)
        {
            return Err(AppError::new(
                ErrorStatus::NotSupported,
                format!(
                    "The destination callout does not allow contributions of type {}.",
                    contribution.contribution_type.graphql_name()
                ),
            ));
        }
        if target.callouts_set_id != source.callouts_set_id {
            return Err(AppError::new(
                ErrorStatus::NotSupported,
                "A Contribution can only be moved between Callouts in the same CalloutsSet.",
            ));
        }
        let conn = self.db.conn();
        if let Some(name) = self.content_name_id(&contribution).await? {
            let taken = repo::post_names_like(conn, target.id, "").await?;
            if taken.contains(&name) {
                return Err(AppError::bad_input(format!(
                    "The destination callout already holds a contribution named '{name}'"
                )));
            }
        }
        let txn = self.db.begin().await?;
        repo::set_contribution_callout(&txn, contribution.id, target.id).await?;
        self.refresh_callout(&txn, &target, &host.access).await?;
        txn.commit().await?;
        self.contribution_or_fail(contribution.id).await
    }

    /// The NameID of a contribution's post, whiteboard or memo (what shares a callout's names).
    async fn content_name_id(&self, c: &Contribution) -> AppResult<Option<String>> {
        if let Some(id) = c.post_id {
            return Ok(self.posts(&[id]).await?.remove(&id).map(|p| p.name_id));
        }
        if let Some(id) = c.whiteboard_id {
            return Ok(self
                .whiteboards(&[id])
                .await?
                .remove(&id)
                .map(|w| w.name_id));
        }
        if let Some(id) = c.memo_id {
            return Ok(self.memos(&[id]).await?.remove(&id).map(|m| m.name_id));
        }
        Ok(None)
    }

    /// `updateCalloutPublishInfo`: needs UPDATE_CALLOUT_PUBLISHER on the callout (global
    /// admins and support); sets who published it (an existing user) and when (milliseconds
    /// since the epoch), each when given.
    pub async fn update_publish_info(
        &self,
        caller: &ActorContext,
        callout_id: Uuid,
        publisher: Option<Uuid>,
        published_at_ms: Option<f64>,
    ) -> AppResult<Callout> {
        let mut callout = self.callout_or_fail(callout_id).await?;
        self.require(
            caller,
            callout.authorization_id,
            P::UpdateCalloutPublisher,
            "update the publisher of a callout",
        )
        .await?;
        if let Some(user) = publisher {
            let found = alkemio_contributor::repo::find_users(
                self.db.conn(),
                &[alkemio_kernel::ids::UserId(user)],
            )
            .await?;
            if found.is_empty() {
                return Err(AppError::not_found(format!("User {user} not found")));
            }
            callout.published_by = Some(user);
        }
        if let Some(ms) = published_at_ms {
            let at = (ms.is_finite() && ms.fract() == 0.0)
                .then(|| DateTime::<Utc>::from_timestamp_millis(ms as i64))
                .flatten()
                .ok_or_else(|| {
                    AppError::bad_input(format!("Not a timestamp in milliseconds: {ms}"))
                })?;
            callout.published_date = Some(at.trunc_subsecs(6));
        }
        repo::update_callout(self.db.conn(), &callout).await?;
        Ok(callout)
    }
}
