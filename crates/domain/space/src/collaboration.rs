//! What a space lends its collaboration: the context of the policies of its callouts
//! ([`Host`]), found from the collaboration, and the policies of collaborations that were made
//! before callouts existed.

use alkemio_collaboration::Host;
use alkemio_kernel::{AppError, AppResult};
use uuid::Uuid;

use crate::authorization::{SpaceContext, collaboration_access};
use crate::model::Space;
use crate::repo;
use crate::service::{LoadedParent, SpaceService};

impl SpaceService {
    /// The spaces owning collaborations, by collaboration id.
    pub async fn spaces_of_collaborations(
        &self,
        collaborations: &[Uuid],
    ) -> AppResult<std::collections::HashMap<Uuid, Space>> {
        repo::spaces_of_collaborations(self.db_conn(), collaborations).await
    }

    /// The space owning a collaboration, or ENTITY_NOT_FOUND.
    pub async fn space_of_collaboration(&self, collaboration: Uuid) -> AppResult<Space> {
        self.spaces_of_collaborations(&[collaboration])
            .await?
            .remove(&collaboration)
            .ok_or_else(|| {
                AppError::not_found(format!("No space owns collaboration {collaboration}"))
            })
    }

    /// What the space owning a collaboration lends its callouts: who administers and
    /// contributes, and where files go.
    pub async fn collaboration_host(&self, collaboration: Uuid) -> AppResult<Host> {
        let space = self.space_of_collaboration(collaboration).await?;
        let conn = self.db_conn();
        let parent: Option<LoadedParent> = match space.parent_space_id {
            Some(id) => {
                let parent = repo::find(conn, id)
                    .await?
                    .ok_or_else(|| AppError::internal_msg(format_args!("space {id} missing")))?;
                Some(self.parent_context(conn, parent).await?)
            }
            None => None,
        };
        let role_set = self.community_role_set_in(conn, &space).await?;
        let ctx = SpaceContext {
            space: &space,
            role_set: &role_set,
            parent: parent.as_ref().map(LoadedParent::context),
        };
        Ok(Host {
            access: collaboration_access(&ctx),
            aggregator: space.storage_aggregator_id,
        })
    }

    /// Computes the policies of collaborations that have none (made before callouts existed)
    /// by recomputing their spaces' trees; returns how many spaces were recomputed.
    pub async fn ensure_collaboration_policies(&self) -> AppResult<usize> {
        let missing = self.collaborations().without_policy().await?;
        let spaces = self.spaces_of_collaborations(&missing).await?;
        for space in spaces.values() {
            let txn = self.begin().await?;
            self.recompute_tree(&txn, space, None).await?;
            txn.commit().await?;
        }
        if !spaces.is_empty() {
            tracing::info!(spaces = spaces.len(), "collaboration policies computed");
        }
        Ok(spaces.len())
    }
}
