//! The content of space templates: a tree of content spaces (an L0 one with its subspaces),
//! each with an about (why, who, a profile and community guidelines, kept in the content
//! space's row), a collaboration of its own (innovation flow and callouts marked as templates)
//! and space settings (kept as the JSON document the space module reads). Every policy here
//! inherits its parent's: the template's, then the parent content space's.

use alkemio_authorization::{AuthorizationPolicy, AuthorizationPolicyType, repo as auth_repo};
use alkemio_collaboration::innovation_flow::FlowInput;
use alkemio_collaboration::service::NewCallout;
use alkemio_common::profile::{NewProfile, NewTagset, ProfileType};
use alkemio_common::visual::VisualType;
use alkemio_community::guidelines::{self, CommunityGuidelines};
use alkemio_kernel::{AppError, AppResult};
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::repo;
use crate::service::TemplateService;

/// A content space of a space template.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateContentSpace {
    /// Its id.
    pub id: Uuid,
    /// Its level: 0, 1 or 2.
    pub level: i32,
    /// The content space it is a subspace of.
    pub parent_space_id: Option<Uuid>,
    /// The space settings it gives (the space module's JSON document).
    pub settings: serde_json::Value,
    /// Its about.
    pub about: ContentAbout,
    /// Its collaboration.
    pub collaboration_id: Option<Uuid>,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// The about of a content space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentAbout {
    /// Its id.
    pub id: Uuid,
    /// Why (Markdown).
    pub why: Option<String>,
    /// Who for (Markdown).
    pub who: Option<String>,
    /// Its profile.
    pub profile_id: Option<Uuid>,
    /// Its community guidelines.
    pub guidelines_id: Option<Uuid>,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
}

/// A new content space, with its subspaces.
#[derive(Debug, Clone)]
pub struct NewContentSpace {
    /// Its level: 0, 1 or 2.
    pub level: i32,
    /// The space settings it gives.
    pub settings: serde_json::Value,
    /// The about's profile.
    pub profile: NewProfile,
    /// Why.
    pub why: Option<String>,
    /// Who for.
    pub who: Option<String>,
    /// The community guidelines' profile (empty guidelines when absent).
    pub guidelines: Option<NewProfile>,
    /// Its innovation flow (the level's default states when absent).
    pub flow: Option<FlowInput>,
    /// Its callouts (stored as templates).
    pub callouts: Vec<NewCallout>,
    /// Its subspaces, one level down.
    pub subspaces: Vec<NewContentSpace>,
}

/// Changes to a content space; `None` leaves a part as it is.
#[derive(Debug, Clone, Default)]
pub struct ContentSpaceChanges {
    /// Its about's profile.
    pub profile: Option<alkemio_common::profile::ProfileUpdate>,
    /// Why.
    pub why: Option<String>,
    /// Who for.
    pub who: Option<String>,
    /// The new settings document (already merged by the caller).
    pub settings: Option<serde_json::Value>,
}

fn inherit(ty: AuthorizationPolicyType, parent: &AuthorizationPolicy) -> AuthorizationPolicy {
    let mut p = auth_repo::new_policy(ty);
    p.inherit_from(parent);
    p
}

impl TemplateService {
    /// Stores a content space and its subspaces inside the caller's transaction; returns its
    /// id and the policies to save. Its files go to `aggregator`.
    pub(crate) async fn insert_content_space_in(
        &self,
        conn: &impl ConnectionTrait,
        caller: &alkemio_authorization::ActorContext,
        new: NewContentSpace,
        parent: &AuthorizationPolicy,
        parent_space: Option<Uuid>,
        aggregator: Option<Uuid>,
    ) -> AppResult<(Uuid, Vec<AuthorizationPolicy>)> {
        if !(0..=2).contains(&new.level) {
            return Err(AppError::bad_input(format!(
                "A content space's level must be 0, 1 or 2, not {}",
                new.level
            )));
        }
        let at = crate::service::now();
        let policy = inherit(AuthorizationPolicyType::TemplateContentSpace, parent);
        let about_policy = inherit(AuthorizationPolicyType::SpaceAbout, &policy);
        let guidelines_policy =
            inherit(AuthorizationPolicyType::CommunityGuidelines, &about_policy);
        let mut profile = new.profile;
        if !profile.tagsets.iter().any(|t| t.name == "default") {
            profile.tagsets.insert(
                0,
                NewTagset {
                    name: "default".to_owned(),
                    tags: Vec::new(),
                },
            );
        }
        for visual in [VisualType::Avatar, VisualType::Banner, VisualType::Card] {
            if !profile.visuals.contains(&visual) {
                profile.visuals.push(visual);
            }
        }
        let about_profile =
            self.profiles()
                .build(profile, ProfileType::SpaceAbout, &about_policy, aggregator)?;
        let guidelines_profile = self.profiles().build(
            new.guidelines.unwrap_or_else(|| NewProfile {
                display_name: "Community Guidelines".to_owned(),
                ..Default::default()
            }),
            ProfileType::CommunityGuidelines,
            &guidelines_policy,
            aggregator,
        )?;
        let guidelines = CommunityGuidelines {
            id: Uuid::now_v7(),
            profile_id: Some(guidelines_profile.profile.id),
            authorization_id: Some(guidelines_policy.id),
            created_date: at,
            updated_date: at,
        };
        let collaboration = self.collaborations().build_template(
            &policy,
            Some((new.flow, new.level == 0)),
            aggregator,
            at,
        )?;
        let space = TemplateContentSpace {
            id: Uuid::now_v7(),
            level: new.level,
            parent_space_id: parent_space,
            settings: new.settings,
            about: ContentAbout {
                id: Uuid::now_v7(),
                why: new.why,
                who: new.who,
                profile_id: Some(about_profile.profile.id),
                guidelines_id: Some(guidelines.id),
                authorization_id: Some(about_policy.id),
            },
            collaboration_id: Some(collaboration.collaboration.id),
            authorization_id: Some(policy.id),
            created_date: at,
            updated_date: at,
        };
        self.profiles().insert_in(conn, &about_profile).await?;
        self.profiles().insert_in(conn, &guidelines_profile).await?;
        guidelines::insert(conn, &guidelines).await?;
        self.collaborations()
            .insert_template_in(conn, &collaboration)
            .await?;
        repo::insert_content_space(conn, &space).await?;
        let mut policies = Vec::new();
        policies.extend(about_profile.policies.iter().cloned());
        policies.extend(guidelines_profile.policies.iter().cloned());
        policies.extend(collaboration.policies.iter().cloned());
        if let Some(flow) = &collaboration.flow {
            policies.extend(flow.policies.iter().cloned());
            policies.extend(flow.profile.policies.iter().cloned());
        }
        // the callouts' policies derive from the collaboration's, read back: save it first
        auth_repo::save_all(conn, &policies).await?;
        let host = alkemio_collaboration::Host {
            aggregator,
            ..Default::default()
        };
        let (_, callout_policies) = self
            .collaborations()
            .insert_template_callouts_in(conn, caller, collaboration.set.id, new.callouts, &host)
            .await?;
        policies.extend(callout_policies);
        for sub in new.subspaces {
            if sub.level != new.level + 1 {
                return Err(AppError::bad_input(format!(
                    "A subspace of a level {} content space must be at level {}",
                    new.level,
                    new.level + 1
                )));
            }
            let (_, sub_policies) = Box::pin(self.insert_content_space_in(
                conn,
                caller,
                sub,
                &policy,
                Some(space.id),
                aggregator,
            ))
            .await?;
            policies.extend(sub_policies);
        }
        policies.extend([policy, about_policy, guidelines_policy]);
        Ok((space.id, policies))
    }

    /// The recomputed policies of a content space and everything in and below it.
    pub(crate) async fn content_space_policies(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
        parent: &AuthorizationPolicy,
    ) -> AppResult<Vec<AuthorizationPolicy>> {
        let Some(space) = repo::content_spaces(conn, &[id]).await?.remove(&id) else {
            return Ok(Vec::new());
        };
        let mut policy = auth_repo::load_or_new(
            conn,
            space.authorization_id,
            AuthorizationPolicyType::TemplateContentSpace,
        )
        .await?;
        policy.inherit_from(parent);
        let mut about_policy = auth_repo::load_or_new(
            conn,
            space.about.authorization_id,
            AuthorizationPolicyType::SpaceAbout,
        )
        .await?;
        about_policy.inherit_from(&policy);
        let mut out = Vec::new();
        if let Some(profile) = space.about.profile_id {
            out.extend(
                self.profiles()
                    .recompute_policies(conn, profile, &about_policy)
                    .await?,
            );
        }
        if let Some(g) = space.about.guidelines_id
            && let Some(g) = guidelines::find_many(conn, &[g]).await?.remove(&g)
        {
            let mut gp = auth_repo::load_or_new(
                conn,
                g.authorization_id,
                AuthorizationPolicyType::CommunityGuidelines,
            )
            .await?;
            gp.inherit_from(&about_policy);
            if let Some(profile) = g.profile_id {
                out.extend(
                    self.profiles()
                        .recompute_policies(conn, profile, &gp)
                        .await?,
                );
            }
            out.push(gp);
        }
        if let Some(c) = space.collaboration_id {
            out.extend(
                self.collaborations()
                    .recompute_policies(
                        conn,
                        c,
                        &policy,
                        &alkemio_collaboration::authorization::CollaborationAccess::default(),
                    )
                    .await?,
            );
        }
        for sub in repo::content_subspaces(conn, &[space.id]).await? {
            out.extend(Box::pin(self.content_space_policies(conn, sub.id, &policy)).await?);
        }
        out.push(policy);
        out.push(about_policy);
        Ok(out)
    }

    /// Deletes content spaces with everything in and below them inside the caller's
    /// transaction; returns the policy ids to delete and the content hashes to release.
    pub(crate) async fn delete_content_spaces_in(
        &self,
        conn: &impl ConnectionTrait,
        ids: &[Uuid],
    ) -> AppResult<(Vec<Uuid>, Vec<String>)> {
        let mut all = Vec::new();
        let mut level: Vec<Uuid> = ids.to_vec();
        while !level.is_empty() {
            let found = repo::content_spaces(conn, &level).await?;
            level = repo::content_subspaces(conn, &level)
                .await?
                .iter()
                .map(|s| s.id)
                .collect();
            all.extend(found.into_values());
        }
        let mut policies: Vec<Uuid> = Vec::new();
        let mut profiles: Vec<Uuid> = Vec::new();
        let guideline_ids: Vec<Uuid> = all.iter().filter_map(|s| s.about.guidelines_id).collect();
        for g in guidelines::find_many(conn, &guideline_ids).await?.values() {
            policies.extend(g.authorization_id);
            profiles.extend(g.profile_id);
        }
        for s in &all {
            policies.extend(s.authorization_id);
            policies.extend(s.about.authorization_id);
            profiles.extend(s.about.profile_id);
        }
        let collaborations: Vec<Uuid> = all.iter().filter_map(|s| s.collaboration_id).collect();
        repo::delete_content_spaces(conn, &all.iter().map(|s| s.id).collect::<Vec<_>>()).await?;
        guidelines::delete_many(conn, &guideline_ids).await?;
        policies.extend(
            self.collaborations()
                .delete_in(conn, &collaborations)
                .await?,
        );
        let (profile_policies, hashes) = self
            .profiles()
            .delete_with_buckets_in(conn, &profiles)
            .await?;
        policies.extend(profile_policies);
        Ok((policies, hashes))
    }
}

impl TemplateService {
    /// A content space (with its subspaces) as the input that creates it again: about,
    /// settings, innovation flow and callouts.
    pub async fn content_copy(&self, id: Uuid) -> AppResult<NewContentSpace> {
        let space = self.content_space_or_fail(id).await?;
        let profile = match space.about.profile_id {
            Some(p) => self.profiles().copy_of(p).await?,
            None => NewProfile::default(),
        };
        let guidelines = match space.about.guidelines_id {
            Some(g) => match guidelines::find_many(self.db_conn(), &[g])
                .await?
                .remove(&g)
                .and_then(|g| g.profile_id)
            {
                Some(p) => Some(self.profiles().copy_of(p).await?),
                None => None,
            },
            None => None,
        };
        let (flow, callouts) = match space.collaboration_id {
            Some(c) => (
                self.collaborations().flow_copy(c).await?,
                self.collaborations().callout_copies(c).await?,
            ),
            None => (None, Vec::new()),
        };
        let mut subspaces = Vec::new();
        for sub in self.content_subspaces(&[space.id]).await? {
            subspaces.push(Box::pin(self.content_copy(sub.id)).await?);
        }
        Ok(NewContentSpace {
            level: space.level,
            settings: space.settings,
            profile,
            why: space.about.why,
            who: space.about.who,
            guidelines,
            flow,
            callouts,
            subspaces,
        })
    }
}
