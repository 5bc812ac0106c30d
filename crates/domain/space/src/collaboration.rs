//! What a space lends its collaboration: the context of the policies of its callouts
//! ([`Host`]), found from the collaboration, and the policies of collaborations that were made
//! before callouts existed.

use alkemio_collaboration::Host;
use alkemio_kernel::ids::ActorId;
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
        let c = self
            .collaborations()
            .collaboration_or_fail(collaboration)
            .await?;
        if c.is_template {
            return Ok(Host {
                access: alkemio_collaboration::authorization::CollaborationAccess::default(),
                aggregator: self.template_aggregator(&c).await?,
                space_id: None,
            });
        }
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
            space_id: Some(space.id.0),
        })
    }

    /// Where the files of a template's collaboration go: with the space whose templates
    /// manager holds the template (none for the platform's and packs' templates).
    async fn template_aggregator(
        &self,
        c: &alkemio_collaboration::model::Collaboration,
    ) -> AppResult<Option<Uuid>> {
        let templates = self.templates();
        let template = match templates.content_space_by_collaboration(c.id).await? {
            Some(space) => templates.template_of_content_space(space.id).await?,
            None => {
                let callouts = self
                    .collaborations()
                    .callouts_of_set_ids(c.callouts_set_id)
                    .await?;
                match callouts.first() {
                    Some(callout) => {
                        templates
                            .template_by_part(
                                alkemio_template::model::TemplatePart::Callout,
                                *callout,
                            )
                            .await?
                    }
                    None => None,
                }
            }
        };
        let Some(template) = template else {
            return Ok(None);
        };
        let Some(manager) = templates.manager_of_set(template.templates_set_id).await? else {
            return Ok(None);
        };
        Ok(self
            .space_of_templates_manager(manager.id)
            .await?
            .and_then(|s| s.storage_aggregator_id))
    }

    /// Gives L0 spaces made before templates existed their templates manager (with its
    /// policies); returns how many were completed.
    pub async fn ensure_templates_managers(&self) -> AppResult<usize> {
        let missing = repo::l0_without_templates_manager(self.db_conn()).await?;
        for id in &missing {
            let Some(space) = repo::find(self.db_conn(), ActorId(*id)).await? else {
                continue;
            };
            let policy = self
                .policy_of(space.authorization_id)
                .await?
                .unwrap_or_else(|| {
                    alkemio_authorization::AuthorizationPolicy::new(
                        uuid::Uuid::now_v7(),
                        alkemio_authorization::AuthorizationPolicyType::Space,
                    )
                });
            let (manager, set, defaults, policies) =
                alkemio_template::TemplateService::build_manager(
                    &policy,
                    &[(
                        alkemio_template::TemplateDefaultType::SpaceSubspace,
                        alkemio_template::TemplateType::Space,
                    )],
                );
            let txn = self.begin().await?;
            alkemio_template::TemplateService::insert_manager_in(&txn, &manager, &set, &defaults)
                .await?;
            alkemio_authorization::repo::save_all(&txn, &policies).await?;
            repo::set_templates_manager_id(&txn, space.id, manager.id).await?;
            txn.commit().await?;
        }
        if !missing.is_empty() {
            tracing::info!(spaces = missing.len(), "templates managers created");
        }
        Ok(missing.len())
    }

    /// The space holding a templates manager.
    pub async fn space_of_templates_manager(&self, manager: Uuid) -> AppResult<Option<Space>> {
        match repo::id_by_templates_manager(self.db_conn(), manager).await? {
            Some(id) => repo::find(self.db_conn(), ActorId(id)).await,
            None => Ok(None),
        }
    }

    /// Gives role sets made before role set licenses existed their license; a space's role
    /// set takes its space's virtual-contributor flag. Returns how many were completed.
    pub async fn ensure_role_set_licenses(&self) -> AppResult<usize> {
        let completed = self.role_sets().ensure_licenses().await?;
        let space_sets: Vec<Uuid> = completed
            .iter()
            .filter(|s| s.role_set_type == alkemio_community::RoleSetType::Space)
            .map(|s| s.id.0)
            .collect();
        let spaces = self.by_role_sets(&space_sets).await?;
        for set in &completed {
            let Some(license) = spaces.get(&set.id.0).and_then(|s| s.license_id) else {
                continue;
            };
            let entitlements = alkemio_licensing::licenses(self.db_conn(), &[license])
                .await?
                .remove(&license)
                .map(|l| l.entitlements)
                .unwrap_or_default();
            self.role_sets()
                .set_license_flags_in(
                    self.db_conn(),
                    set,
                    &alkemio_licensing::role_set_flags(Some(&entitlements)),
                )
                .await?;
        }
        Ok(completed.len())
    }

    /// Completes collaborations made before callouts, flows or collaboration licenses
    /// existed: a default innovation flow, a license with the space's flags, and the policies
    /// of all of it (by recomputing their spaces' trees); returns how many spaces were
    /// recomputed.
    pub async fn ensure_collaboration_policies(&self) -> AppResult<usize> {
        let incomplete = self.collaborations().without_parts().await?;
        for (collaboration, space) in self.spaces_of_collaborations(&incomplete).await? {
            let c = self
                .collaborations()
                .collaboration_or_fail(collaboration)
                .await?;
            let policy = match c.authorization_id {
                Some(id) => self.policy_of(Some(id)).await?,
                None => None,
            }
            .unwrap_or_else(|| {
                alkemio_authorization::AuthorizationPolicy::new(
                    uuid::Uuid::now_v7(),
                    alkemio_authorization::AuthorizationPolicyType::Collaboration,
                )
            });
            let flow = match c.innovation_flow_id {
                Some(_) => None,
                None => Some(self.collaborations().build_flow(
                    &policy,
                    space.level == crate::model::SpaceLevel::L0,
                    space.storage_aggregator_id,
                    chrono::Utc::now(),
                    None,
                )?),
            };
            let license = match c.license_id {
                Some(_) => None,
                None => {
                    let space_license = match space.license_id {
                        Some(l) => alkemio_licensing::licenses(self.db_conn(), &[l])
                            .await?
                            .remove(&l),
                        None => None,
                    };
                    let flags = alkemio_licensing::collaboration_flags(
                        space_license
                            .as_ref()
                            .map(|l| l.entitlements.as_slice())
                            .unwrap_or_default(),
                    );
                    Some(alkemio_licensing::new_collaboration_license(&policy, &flags).0)
                }
            };
            let timeline = match c.timeline_id {
                Some(_) => None,
                None => Some(alkemio_timeline::TimelineService::build(
                    &policy,
                    chrono::Utc::now(),
                )),
            };
            let txn = self.begin().await?;
            self.collaborations()
                .add_parts_in(
                    &txn,
                    collaboration,
                    flow.as_ref(),
                    license.as_ref(),
                    timeline.as_ref(),
                )
                .await?;
            txn.commit().await?;
        }
        let mut missing = self.collaborations().without_policy().await?;
        missing.extend(incomplete);
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

impl SpaceService {
    /// The spaces owning calendars (through their collaboration's timeline), by calendar id.
    pub async fn spaces_of_calendars(
        &self,
        calendars: &[Uuid],
    ) -> AppResult<std::collections::HashMap<Uuid, Space>> {
        let timelines = self
            .collaborations()
            .timelines()
            .timelines_of_calendars(calendars)
            .await?;
        let ids: Vec<Uuid> = timelines.values().copied().collect();
        let collaborations = self
            .collaborations()
            .collaborations_of_timelines(&ids)
            .await?;
        let spaces = self
            .spaces_of_collaborations(&collaborations.values().map(|c| c.id).collect::<Vec<_>>())
            .await?;
        Ok(timelines
            .into_iter()
            .filter_map(|(calendar, timeline)| {
                let c = collaborations.get(&timeline)?;
                spaces.get(&c.id).map(|s| (calendar, s.clone()))
            })
            .collect())
    }

    /// The calendars whose events show on a calendar besides its own: those of the direct
    /// subspaces of an L0 space that takes events from its subspaces.
    pub async fn calendars_shown_on(&self, calendar: Uuid) -> AppResult<Vec<Uuid>> {
        let Some(space) = self
            .spaces_of_calendars(&[calendar])
            .await?
            .remove(&calendar)
        else {
            return Ok(Vec::new());
        };
        if space.level != crate::model::SpaceLevel::L0
            || !space.settings.collaboration.allow_events_from_subspaces
        {
            return Ok(Vec::new());
        }
        let children: Vec<Uuid> = repo::subspace_ids_of(self.db_conn(), &[space.id.0])
            .await?
            .into_iter()
            .map(|(_, c)| c)
            .collect();
        let collaborations: Vec<Uuid> = repo::find_many(self.db_conn(), &children)
            .await?
            .into_iter()
            .filter_map(|s| s.collaboration_id)
            .collect();
        let timelines: Vec<Uuid> = self
            .collaborations()
            .collaborations(&collaborations)
            .await?
            .into_values()
            .filter_map(|c| c.timeline_id)
            .collect();
        Ok(self
            .collaborations()
            .timelines()
            .timelines(&timelines)
            .await?
            .into_values()
            .map(|t| t.calendar_id)
            .collect())
    }

    /// Where event profiles live: by profile id, the space and the URL path below it
    /// (`calendar/<event>`).
    pub async fn event_paths_by_profiles(
        &self,
        profiles: &[Uuid],
    ) -> AppResult<std::collections::HashMap<Uuid, (Uuid, String)>> {
        let events = self
            .collaborations()
            .timelines()
            .events_by_profiles(profiles)
            .await?;
        let calendars: Vec<Uuid> = events.iter().map(|e| e.calendar_id).collect();
        let spaces = self.spaces_of_calendars(&calendars).await?;
        Ok(events
            .into_iter()
            .filter_map(|e| {
                spaces
                    .get(&e.calendar_id)
                    .map(|s| (e.profile_id, (s.id.0, format!("calendar/{}", e.name_id))))
            })
            .collect())
    }
}

/// A calendar event as a download: the event, what it shows and its page below the web
/// client's base URL.
#[derive(Debug, Clone)]
pub struct EventDownload {
    /// The event.
    pub event: alkemio_timeline::CalendarEvent,
    /// Its title.
    pub title: String,
    /// Its description (Markdown).
    pub description: Option<String>,
    /// Where it happens.
    pub location: Option<String>,
    /// Its page, relative to the web client's base URL.
    pub path: String,
}

impl SpaceService {
    /// A calendar event for its iCalendar download: needs READ on the event.
    pub async fn calendar_event_download(
        &self,
        caller: &alkemio_authorization::ActorContext,
        id: Uuid,
    ) -> AppResult<EventDownload> {
        let timelines = self.collaborations().timelines();
        let event = timelines.event_or_fail(id).await?;
        let policy = match event.authorization_id {
            Some(p) => self.policy_of(Some(p)).await?,
            None => None,
        };
        alkemio_authorization::grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            policy.as_ref(),
            alkemio_authorization::AuthorizationPrivilege::Read,
            "download a calendar event",
        )?;
        let profile = self.profiles().profile(event.profile_id).await?;
        let location = match profile.location_id {
            Some(l) => self.profiles().locations(&[l]).await?.remove(&l),
            None => None,
        }
        .map(|l| {
            [
                l.address_line1,
                l.address_line2,
                l.city,
                l.state_or_province,
                l.postal_code,
                l.country,
            ]
            .into_iter()
            .flatten()
            .filter(|p| !p.trim().is_empty())
            .collect::<Vec<_>>()
            .join(", ")
        })
        .filter(|l| !l.is_empty());
        let space = self
            .spaces_of_calendars(&[event.calendar_id])
            .await?
            .remove(&event.calendar_id);
        let path = match space {
            Some(s) => self
                .paths(&[s.id.0])
                .await?
                .remove(&s.id.0)
                .unwrap_or_default(),
            None => String::new(),
        };
        Ok(EventDownload {
            path: format!("{path}/calendar/{}", event.name_id),
            title: profile.display_name,
            description: profile.description,
            location,
            event,
        })
    }
}
