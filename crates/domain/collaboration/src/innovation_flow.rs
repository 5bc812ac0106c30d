//! Innovation flows: the ordered states a collaboration moves through (shown as the space's
//! tabs). Each callout of the collaboration sits in one state (its classification's flow-state
//! tagset); renaming a state moves its callouts along, deleting one moves them to the first
//! state left.

use std::collections::HashMap;

use alkemio_authorization::{
    ActorContext, AuthorizationPolicy, AuthorizationPolicyType, AuthorizationPrivilege as P,
    PrivilegeRule, repo as auth_repo,
};
use alkemio_common::profile::{
    NewProfile, ProfileBundle, ProfileService, ProfileType, ProfileUpdate,
};
use alkemio_kernel::{AppError, AppResult, stored_enum};
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::repo;
use crate::service::CollaborationService;

stored_enum! {
    /// How descriptions of a state's callouts show in the feed.
    CalloutDescriptionDisplayMode {
        Collapsed => ("COLLAPSED", "collapsed"),
        Expanded => ("EXPANDED", "expanded"),
    }
}

/// The limits of a flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowSettings {
    /// The most states it may have.
    pub maximum_number_of_states: u32,
    /// The fewest states it may have.
    pub minimum_number_of_states: u32,
}

/// The settings of a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StateSettings {
    /// Whether callouts may be added in it.
    pub allow_new_callouts: bool,
    /// Whether it is shown.
    pub visible: bool,
    /// How descriptions of its callouts show.
    pub description_display_mode: CalloutDescriptionDisplayMode,
    /// Whether who published a callout, and when, is shown.
    pub show_publish_details: bool,
}

impl Default for StateSettings {
    fn default() -> Self {
        Self {
            allow_new_callouts: true,
            visible: true,
            description_display_mode: CalloutDescriptionDisplayMode::Expanded,
            show_publish_details: true,
        }
    }
}

/// A collaboration's innovation flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InnovationFlow {
    /// Its id.
    pub id: Uuid,
    /// Its profile.
    pub profile_id: Uuid,
    /// The state it is in.
    pub current_state_id: Option<Uuid>,
    /// Its limits.
    pub settings: FlowSettings,
    /// The id of the flow-state tagset template its states make.
    pub states_tagset_template_id: Uuid,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// A state of a flow.
#[derive(Debug, Clone, PartialEq)]
pub struct InnovationFlowState {
    /// Its id.
    pub id: Uuid,
    /// Its flow.
    pub innovation_flow_id: Uuid,
    /// Its name (unique in the flow, no commas).
    pub display_name: String,
    /// What it is for (Markdown).
    pub description: Option<String>,
    /// Its settings.
    pub settings: StateSettings,
    /// Its position.
    pub sort_order: f64,
    /// The callout template new callouts in it start from.
    pub default_callout_template_id: Option<Uuid>,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// A new state.
#[derive(Debug, Clone, Default)]
pub struct NewState {
    /// Its name.
    pub display_name: String,
    /// What it is for.
    pub description: Option<String>,
    /// Its settings.
    pub settings: Option<StateSettings>,
    /// Its position (after the others when absent or 0).
    pub sort_order: Option<f64>,
}

/// Changes to a state; `None` leaves a value.
#[derive(Debug, Clone, Default)]
pub struct StateChanges {
    /// New name.
    pub display_name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// Whether callouts may be added.
    pub allow_new_callouts: Option<bool>,
    /// Whether it is shown.
    pub visible: Option<bool>,
    /// How descriptions show.
    pub description_display_mode: Option<CalloutDescriptionDisplayMode>,
    /// Whether publish details show.
    pub show_publish_details: Option<bool>,
}

/// The flow a new space asks for: its profile and states (in order).
#[derive(Debug, Clone)]
pub struct FlowInput {
    /// Its profile.
    pub profile: NewProfile,
    /// Its states.
    pub states: Vec<NewState>,
}

/// The names of the states a new space's flow will have: those asked for, else the defaults
/// of its level.
pub fn planned_state_names(level_zero: bool, input: Option<&FlowInput>) -> Vec<String> {
    match input {
        Some(i) => i
            .states
            .iter()
            .map(|s| s.display_name.trim().to_owned())
            .collect(),
        None => default_states(level_zero)
            .2
            .into_iter()
            .map(|(n, _)| n.to_owned())
            .collect(),
    }
}

/// The states asked for a new flow, checked: at least the minimum (those beyond the maximum
/// are dropped, as in the reference), names without commas, unique ignoring case.
fn checked_states(states: Vec<NewState>, limits: FlowSettings) -> AppResult<Vec<NewState>> {
    let mut out: Vec<NewState> = Vec::new();
    for mut s in states
        .into_iter()
        .take(limits.maximum_number_of_states as usize)
    {
        s.display_name = check_state_name(&s.display_name)?;
        if out
            .iter()
            .any(|o| o.display_name.to_lowercase() == s.display_name.to_lowercase())
        {
            return Err(AppError::bad_input(format!(
                "The state name '{}' is used twice",
                s.display_name
            )));
        }
        out.push(s);
    }
    if (out.len() as u32) < limits.minimum_number_of_states.max(1) {
        return Err(AppError::bad_input(format!(
            "Innovation Flow must have a minimum of {} states",
            limits.minimum_number_of_states.max(1)
        )));
    }
    Ok(out)
}

/// A new flow with its states, profile and policies.
#[derive(Debug, Clone)]
pub struct NewFlow {
    /// The flow.
    pub flow: InnovationFlow,
    /// Its states.
    pub states: Vec<InnovationFlowState>,
    /// Its profile.
    pub profile: ProfileBundle,
    /// The policies of the flow and its states.
    pub policies: Vec<AuthorizationPolicy>,
}

/// The states a new space's flow starts with, by level.
fn default_states(
    level_zero: bool,
) -> (
    FlowSettings,
    &'static str,
    Vec<(&'static str, &'static str)>,
) {
    if level_zero {
        (
            FlowSettings {
                maximum_number_of_states: 8,
                minimum_number_of_states: 4,
            },
            "Space Innovation Flow",
            vec![
                (
                    "Home",
                    "Where the space begins: what it is about and what is going on.",
                ),
                (
                    "Community",
                    "Who takes part: the members, leads and organizations.",
                ),
                (
                    "Subspaces",
                    "The challenges and initiatives the space works on.",
                ),
                (
                    "Knowledge",
                    "What the space has gathered and learned along the way.",
                ),
            ],
        )
    } else {
        (
            FlowSettings {
                maximum_number_of_states: 8,
                minimum_number_of_states: 1,
            },
            "Subspace Innovation Flow",
            vec![
                (
                    "Explore",
                    "Look around: gather what is known and who is involved.",
                ),
                ("Define", "Agree on the problem worth solving."),
                ("Brainstorm", "Collect ideas, the more the better."),
                ("Validate", "Test the most promising ideas against reality."),
                (
                    "Evaluate",
                    "Look back on what worked and decide what comes next.",
                ),
            ],
        )
    }
}

fn check_state_name(name: &str) -> AppResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 128 {
        return Err(AppError::bad_input(
            "A state name must have between 1 and 128 characters",
        ));
    }
    if name.contains(',') {
        return Err(AppError::bad_input(format!(
            "Invalid characters found on flow state: {name}"
        )));
    }
    Ok(name.to_owned())
}

/// A flow: its collaboration's cascading rules; whoever may CREATE there edits the flow.
pub fn apply_flow_policy(policy: &mut AuthorizationPolicy, collaboration: &AuthorizationPolicy) {
    policy.inherit_from(collaboration);
    policy.add_privilege_rules([PrivilegeRule::new(
        "innovation-flow-update",
        P::Create,
        &[P::UpdateInnovationFlow],
    )]);
}

impl CollaborationService {
    /// A new flow for a collaboration of a space at level 0 (`level_zero`) or below, its
    /// policies computed from the collaboration's and its profile's files in `aggregator`.
    pub fn build_flow(
        &self,
        collaboration: &AuthorizationPolicy,
        level_zero: bool,
        aggregator: Option<Uuid>,
        at: DateTime<Utc>,
        input: Option<FlowInput>,
    ) -> AppResult<NewFlow> {
        let (settings, name, defaults) = default_states(level_zero);
        let (profile_input, wanted) = match input {
            Some(i) => (i.profile, checked_states(i.states, settings)?),
            None => (
                NewProfile {
                    display_name: name.to_owned(),
                    ..Default::default()
                },
                defaults
                    .into_iter()
                    .map(|(n, d)| NewState {
                        display_name: n.to_owned(),
                        description: Some(d.to_owned()),
                        settings: None,
                        sort_order: None,
                    })
                    .collect(),
            ),
        };
        let mut policy = auth_repo::new_policy(AuthorizationPolicyType::InnovationFlow);
        apply_flow_policy(&mut policy, collaboration);
        let profile = self.profiles().build(
            profile_input,
            ProfileType::InnovationFlow,
            &policy,
            aggregator,
        )?;
        let flow_id = Uuid::now_v7();
        let mut policies = Vec::new();
        let mut previous = 0.0;
        let states: Vec<InnovationFlowState> = wanted
            .into_iter()
            .map(|new| {
                let mut sp = auth_repo::new_policy(AuthorizationPolicyType::InnovationFlowState);
                sp.inherit_from(&policy);
                let sort_order = match new.sort_order {
                    Some(o) if o != 0.0 => o,
                    _ => previous + 5.0,
                };
                previous = sort_order;
                let state = InnovationFlowState {
                    id: Uuid::now_v7(),
                    innovation_flow_id: flow_id,
                    display_name: new.display_name,
                    description: new.description,
                    settings: new.settings.unwrap_or_default(),
                    sort_order,
                    default_callout_template_id: None,
                    authorization_id: Some(sp.id),
                    created_date: at,
                    updated_date: at,
                };
                policies.push(sp);
                state
            })
            .collect();
        let flow = InnovationFlow {
            id: flow_id,
            profile_id: profile.profile.id,
            current_state_id: states.first().map(|s| s.id),
            settings,
            states_tagset_template_id: Uuid::now_v7(),
            authorization_id: Some(policy.id),
            created_date: at,
            updated_date: at,
        };
        policies.push(policy);
        Ok(NewFlow {
            flow,
            states,
            profile,
            policies,
        })
    }

    /// Stores a new flow inside the caller's transaction, with its profile and policies.
    pub async fn insert_flow_in(
        &self,
        conn: &impl ConnectionTrait,
        new: &NewFlow,
    ) -> AppResult<()> {
        self.profiles().insert_in(conn, &new.profile).await?;
        repo::insert_flow(conn, &new.flow, &new.states).await?;
        auth_repo::save_all(conn, &new.policies).await
    }

    /// The recomputed policies of a flow, its states and its profile.
    pub(crate) async fn flow_policies(
        &self,
        conn: &impl ConnectionTrait,
        flow_id: Uuid,
        collaboration: &AuthorizationPolicy,
    ) -> AppResult<Vec<AuthorizationPolicy>> {
        let Some(flow) = repo::flows(conn, &[flow_id]).await?.remove(&flow_id) else {
            return Ok(Vec::new());
        };
        let states = repo::states_of(conn, &[flow_id]).await?;
        let ids: Vec<Uuid> = flow
            .authorization_id
            .into_iter()
            .chain(states.iter().filter_map(|s| s.authorization_id))
            .collect();
        let stored = auth_repo::load_many(conn, &ids).await?;
        let load = |id: Option<Uuid>, ty| match id.and_then(|id| stored.get(&id)) {
            Some(s) => s.policy.clone(),
            None => AuthorizationPolicy::new(id.unwrap_or_else(Uuid::now_v7), ty),
        };
        let mut policy = load(
            flow.authorization_id,
            AuthorizationPolicyType::InnovationFlow,
        );
        apply_flow_policy(&mut policy, collaboration);
        let mut out = self
            .profiles()
            .recompute_policies(conn, flow.profile_id, &policy)
            .await?;
        for s in &states {
            let mut sp = load(
                s.authorization_id,
                AuthorizationPolicyType::InnovationFlowState,
            );
            sp.inherit_from(&policy);
            out.push(sp);
        }
        out.push(policy);
        Ok(out)
    }

    /// Flows by id.
    pub async fn flows(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, InnovationFlow>> {
        repo::flows(self.conn(), ids).await
    }

    /// A flow, or ENTITY_NOT_FOUND.
    pub async fn flow_or_fail(&self, id: Uuid) -> AppResult<InnovationFlow> {
        self.flows(&[id])
            .await?
            .remove(&id)
            .ok_or_else(|| AppError::not_found(format!("InnovationFlow {id} not found")))
    }

    /// The states of flows in order, by flow.
    pub async fn states_of(
        &self,
        flows: &[Uuid],
    ) -> AppResult<HashMap<Uuid, Vec<InnovationFlowState>>> {
        let mut out: HashMap<Uuid, Vec<InnovationFlowState>> = HashMap::new();
        for s in repo::states_of(self.conn(), flows).await? {
            out.entry(s.innovation_flow_id).or_default().push(s);
        }
        Ok(out)
    }

    /// The flow of the collaboration owning a callouts set, with its states in order.
    pub async fn flow_of_set(
        &self,
        set: Uuid,
    ) -> AppResult<Option<(InnovationFlow, Vec<InnovationFlowState>)>> {
        Self::flow_of_set_in(self.conn(), set).await
    }

    /// [`Self::flow_of_set`] read through the caller's connection or transaction.
    pub(crate) async fn flow_of_set_in(
        conn: &impl ConnectionTrait,
        set: Uuid,
    ) -> AppResult<Option<(InnovationFlow, Vec<InnovationFlowState>)>> {
        let Some(c) = repo::collaboration_of_set(conn, set).await? else {
            return Ok(None);
        };
        let Some(flow_id) = c.innovation_flow_id else {
            return Ok(None);
        };
        let Some(flow) = repo::flows(conn, &[flow_id]).await?.remove(&flow_id) else {
            return Ok(None);
        };
        let states = repo::states_of(conn, &[flow_id]).await?;
        Ok(Some((flow, states)))
    }

    async fn flow_checked(
        &self,
        caller: &ActorContext,
        id: Uuid,
        privilege: P,
        action: &str,
    ) -> AppResult<InnovationFlow> {
        let flow = self.flow_or_fail(id).await?;
        self.require_on(caller, flow.authorization_id, privilege, action)
            .await?;
        Ok(flow)
    }

    /// `updateInnovationFlow`: needs UPDATE on the flow; changes its profile.
    pub async fn update_flow(
        &self,
        caller: &ActorContext,
        id: Uuid,
        profile: Option<ProfileUpdate>,
    ) -> AppResult<InnovationFlow> {
        let flow = self
            .flow_checked(caller, id, P::Update, "update an innovation flow")
            .await?;
        if let Some(p) = profile {
            let prepared = self.profiles().prepare_update(flow.profile_id, p).await?;
            let txn = self.begin().await?;
            ProfileService::write_update(&txn, &prepared).await?;
            txn.commit().await?;
        }
        self.flow_or_fail(id).await
    }

    /// `updateInnovationFlowCurrentState`: needs UPDATE; the state must be one of the flow's.
    pub async fn set_current_state(
        &self,
        caller: &ActorContext,
        id: Uuid,
        state: Uuid,
    ) -> AppResult<InnovationFlow> {
        let flow = self
            .flow_checked(caller, id, P::Update, "change an innovation flow's state")
            .await?;
        let found = repo::states(self.conn(), &[state])
            .await?
            .remove(&state)
            .ok_or_else(|| AppError::not_found(format!("InnovationFlowState {state} not found")))?;
        if found.innovation_flow_id != flow.id {
            return Err(AppError::bad_input(format!(
                "Selected state '{}' is not part of the current flow states",
                found.display_name
            )));
        }
        let txn = self.begin().await?;
        repo::set_current_state(&txn, flow.id, Some(state)).await?;
        txn.commit().await?;
        self.flow_or_fail(id).await
    }

    /// `createStateOnInnovationFlow`: needs CREATE on the flow; names are unique in the flow
    /// (ignoring case), have no commas, and the flow keeps within its maximum.
    pub async fn create_state(
        &self,
        caller: &ActorContext,
        id: Uuid,
        new: NewState,
    ) -> AppResult<InnovationFlowState> {
        let flow = self
            .flow_checked(caller, id, P::Create, "add a state to an innovation flow")
            .await?;
        let name = check_state_name(&new.display_name)?;
        let states = repo::states_of(self.conn(), &[flow.id]).await?;
        if states
            .iter()
            .any(|s| s.display_name.to_lowercase() == name.to_lowercase())
        {
            return Err(AppError::bad_input(format!(
                "A state named '{name}' already exists in this innovation flow"
            )));
        }
        if states.len() as u32 >= flow.settings.maximum_number_of_states {
            return Err(AppError::bad_input(format!(
                "Innovation Flow can have a maximum of {} states",
                flow.settings.maximum_number_of_states
            )));
        }
        let at = crate::service::now();
        let policy = self
            .policy_of(flow.authorization_id)
            .await?
            .ok_or_else(|| AppError::internal_msg(format_args!("flow {id} has no policy")))?;
        let mut sp = auth_repo::new_policy(AuthorizationPolicyType::InnovationFlowState);
        sp.inherit_from(&policy);
        let state = InnovationFlowState {
            id: Uuid::now_v7(),
            innovation_flow_id: flow.id,
            display_name: name,
            description: new.description,
            settings: new.settings.unwrap_or_default(),
            sort_order: match new.sort_order {
                Some(o) if o != 0.0 => o,
                _ => states.iter().map(|s| s.sort_order).fold(0.0, f64::max) + 1.0,
            },
            default_callout_template_id: None,
            authorization_id: Some(sp.id),
            created_date: at,
            updated_date: at,
        };
        let txn = self.begin().await?;
        repo::insert_state(&txn, &state).await?;
        auth_repo::save_all(&txn, &[sp]).await?;
        txn.commit().await?;
        Ok(state)
    }

    /// `updateInnovationFlowState`: needs UPDATE on the state; a new name is checked as a new
    /// state's, and the callouts in the state move along with it.
    /// `set/removeDefaultCalloutTemplateOnInnovationFlowState`: needs UPDATE on the state; the
    /// caller has checked that the template is a CALLOUT template.
    pub async fn set_state_default_template(
        &self,
        caller: &ActorContext,
        state_id: Uuid,
        template: Option<Uuid>,
    ) -> AppResult<InnovationFlowState> {
        let mut state = repo::states(self.conn(), &[state_id])
            .await?
            .remove(&state_id)
            .ok_or_else(|| {
                AppError::not_found(format!("InnovationFlowState {state_id} not found"))
            })?;
        self.require_on(
            caller,
            state.authorization_id,
            P::Update,
            "set the default callout template of an innovation flow state",
        )
        .await?;
        state.default_callout_template_id = template;
        repo::update_state(self.conn(), &state).await?;
        Ok(state)
    }

    pub async fn update_state(
        &self,
        caller: &ActorContext,
        state_id: Uuid,
        changes: StateChanges,
    ) -> AppResult<InnovationFlowState> {
        let mut state = repo::states(self.conn(), &[state_id])
            .await?
            .remove(&state_id)
            .ok_or_else(|| {
                AppError::not_found(format!("InnovationFlowState {state_id} not found"))
            })?;
        self.require_on(
            caller,
            state.authorization_id,
            P::Update,
            "update an innovation flow state",
        )
        .await?;
        let old_name = state.display_name.clone();
        if let Some(name) = changes.display_name {
            let name = check_state_name(&name)?;
            if name != old_name {
                let states = repo::states_of(self.conn(), &[state.innovation_flow_id]).await?;
                if states.iter().any(|s| {
                    s.id != state.id && s.display_name.to_lowercase() == name.to_lowercase()
                }) {
                    return Err(AppError::bad_input(format!(
                        "A state named '{name}' already exists in this innovation flow"
                    )));
                }
                state.display_name = name;
            }
        }
        if changes.description.is_some() {
            state.description = changes.description;
        }
        let s = &mut state.settings;
        if let Some(v) = changes.allow_new_callouts {
            s.allow_new_callouts = v;
        }
        if let Some(v) = changes.visible {
            s.visible = v;
        }
        if let Some(v) = changes.description_display_mode {
            s.description_display_mode = v;
        }
        if let Some(v) = changes.show_publish_details {
            s.show_publish_details = v;
        }
        let set = repo::collaboration_of_flow(self.conn(), state.innovation_flow_id)
            .await?
            .map(|c| c.callouts_set_id);
        let txn = self.begin().await?;
        repo::update_state(&txn, &state).await?;
        if let Some(set) = set
            && state.display_name != old_name
        {
            repo::move_flow_state(&txn, set, &old_name, &state.display_name).await?;
        }
        txn.commit().await?;
        Ok(state)
    }

    /// `deleteStateOnInnovationFlow`: needs DELETE on the flow; the flow keeps its minimum. Its
    /// callouts move to the first state left, which also becomes current if the deleted state
    /// was.
    pub async fn delete_state(
        &self,
        caller: &ActorContext,
        flow_id: Uuid,
        state_id: Uuid,
    ) -> AppResult<InnovationFlowState> {
        let flow = self
            .flow_checked(
                caller,
                flow_id,
                P::Delete,
                "delete an innovation flow state",
            )
            .await?;
        let states = repo::states_of(self.conn(), &[flow.id]).await?;
        let state = states
            .iter()
            .find(|s| s.id == state_id)
            .cloned()
            .ok_or_else(|| {
                AppError::not_found(format!(
                    "InnovationFlowState {state_id} not found in the flow"
                ))
            })?;
        if states.len() as u32 <= flow.settings.minimum_number_of_states {
            return Err(AppError::bad_input(format!(
                "Innovation Flow must have a minimum of {} states",
                flow.settings.minimum_number_of_states
            )));
        }
        let first = states
            .iter()
            .find(|s| s.id != state_id)
            .cloned()
            .ok_or_else(|| AppError::internal_msg("no state left"))?;
        let set = repo::collaboration_of_flow(self.conn(), flow.id)
            .await?
            .map(|c| c.callouts_set_id);
        let txn = self.begin().await?;
        if let Some(set) = set {
            repo::move_flow_state(&txn, set, &state.display_name, &first.display_name).await?;
        }
        if flow.current_state_id == Some(state_id) {
            repo::set_current_state(&txn, flow.id, Some(first.id)).await?;
        }
        repo::delete_state(&txn, state_id).await?;
        auth_repo::delete(
            &txn,
            &state.authorization_id.into_iter().collect::<Vec<_>>(),
        )
        .await?;
        txn.commit().await?;
        Ok(state)
    }

    /// `updateInnovationFlowStatesSortOrder`: needs UPDATE on the flow; every state, once, in
    /// the new order; they take places 10, 20, … above the lowest current one.
    pub async fn sort_states(
        &self,
        caller: &ActorContext,
        flow_id: Uuid,
        ids: &[Uuid],
    ) -> AppResult<Vec<InnovationFlowState>> {
        let flow = self
            .flow_checked(caller, flow_id, P::Update, "order innovation flow states")
            .await?;
        let states = repo::states_of(self.conn(), &[flow.id]).await?;
        if ids.is_empty() {
            return Err(AppError::bad_input("No state IDs provided"));
        }
        let mut unique = ids.to_vec();
        unique.sort();
        unique.dedup();
        if unique.len() != ids.len() || ids.len() != states.len() {
            return Err(AppError::bad_input(format!(
                "Every state of the flow must be listed once: {} listed, {} in the flow",
                ids.len(),
                states.len()
            )));
        }
        let base = states
            .iter()
            .map(|s| s.sort_order)
            .fold(f64::INFINITY, f64::min);
        let mut out = Vec::with_capacity(ids.len());
        for (i, id) in ids.iter().enumerate() {
            let mut s = states
                .iter()
                .find(|s| s.id == *id)
                .cloned()
                .ok_or_else(|| {
                    AppError::not_found(format!("InnovationFlowState {id} not found"))
                })?;
            s.sort_order = base + 10.0 * (i as f64 + 1.0);
            out.push(s);
        }
        let txn = self.begin().await?;
        for s in &out {
            repo::update_state(&txn, s).await?;
        }
        txn.commit().await?;
        Ok(out)
    }
}

impl CollaborationService {
    /// Gives a collaboration's flow a template's states (`updateCollaborationFromSpaceTemplate`;
    /// the caller has checked UPDATE on the collaboration). The first `keep` states (by order)
    /// stay as they are and the template's states not among them follow; with `keep` 0 the
    /// states become the template's (a state of the same name keeps its identity). Callouts in
    /// a state that goes move to the current state, which stays when it remains and is the
    /// first state otherwise. Returns the state names, in order.
    pub async fn replace_states(
        &self,
        collaboration: Uuid,
        template: Vec<NewState>,
        keep: usize,
    ) -> AppResult<Vec<String>> {
        let conn = self.conn();
        let c = repo::collaborations(conn, &[collaboration])
            .await?
            .remove(&collaboration)
            .ok_or_else(|| {
                AppError::not_found(format!("Collaboration {collaboration} not found"))
            })?;
        let flow_id = c.innovation_flow_id.ok_or_else(|| {
            AppError::bad_input(format!(
                "Collaboration {collaboration} has no innovation flow"
            ))
        })?;
        let flow = self.flow_or_fail(flow_id).await?;
        let mut existing = repo::states_of(conn, &[flow_id]).await?;
        existing.sort_by(|a, b| a.sort_order.total_cmp(&b.sort_order));
        // (kept state, or a new one) in the final order
        let mut plan: Vec<(Option<InnovationFlowState>, NewState)> = Vec::new();
        for s in existing.iter().take(keep) {
            plan.push((
                Some(s.clone()),
                NewState {
                    display_name: s.display_name.clone(),
                    description: s.description.clone(),
                    settings: Some(s.settings),
                    sort_order: Some(s.sort_order),
                },
            ));
        }
        for t in template {
            let name = check_state_name(&t.display_name)?;
            if plan
                .iter()
                .any(|(_, p)| p.display_name.to_lowercase() == name.to_lowercase())
            {
                continue;
            }
            let same = (keep == 0)
                .then(|| {
                    existing
                        .iter()
                        .find(|s| s.display_name.to_lowercase() == name.to_lowercase())
                        .cloned()
                })
                .flatten();
            plan.push((
                same,
                NewState {
                    display_name: name,
                    ..t
                },
            ));
        }
        let total = plan.len() as u32;
        if total > flow.settings.maximum_number_of_states {
            return Err(AppError::bad_input(
                "Applying this template would exceed the maximum number of states for this Space",
            ));
        }
        if total < flow.settings.minimum_number_of_states.max(1) {
            return Err(AppError::bad_input(format!(
                "Innovation flow must have at least {} states.",
                flow.settings.minimum_number_of_states.max(1)
            )));
        }
        let policy = self
            .policy_of(flow.authorization_id)
            .await?
            .ok_or_else(|| AppError::internal_msg(format_args!("flow {flow_id} has no policy")))?;
        let at = crate::service::now();
        let mut kept_ids = Vec::new();
        let mut names = Vec::new();
        let mut policies = Vec::new();
        let txn = self.begin().await?;
        for (i, (found, new)) in plan.into_iter().enumerate() {
            let order = (i as f64 + 1.0) * 10.0;
            names.push(new.display_name.clone());
            match found {
                Some(mut s) => {
                    if keep == 0 {
                        s.description = new.description;
                        if let Some(settings) = new.settings {
                            s.settings = settings;
                        }
                    }
                    s.sort_order = order;
                    repo::update_state(&txn, &s).await?;
                    kept_ids.push(s.id);
                }
                None => {
                    let mut sp =
                        auth_repo::new_policy(AuthorizationPolicyType::InnovationFlowState);
                    sp.inherit_from(&policy);
                    let s = InnovationFlowState {
                        id: Uuid::now_v7(),
                        innovation_flow_id: flow_id,
                        display_name: new.display_name,
                        description: new.description,
                        settings: new.settings.unwrap_or_default(),
                        sort_order: order,
                        default_callout_template_id: None,
                        authorization_id: Some(sp.id),
                        created_date: at,
                        updated_date: at,
                    };
                    repo::insert_state(&txn, &s).await?;
                    kept_ids.push(s.id);
                    policies.push(sp);
                }
            }
        }
        let after = repo::states_of(&txn, &[flow_id]).await?;
        let current = flow
            .current_state_id
            .filter(|id| kept_ids.contains(id))
            .or(kept_ids.first().copied());
        let current_name = after
            .iter()
            .find(|s| Some(s.id) == current)
            .map(|s| s.display_name.clone())
            .unwrap_or_default();
        let mut gone = Vec::new();
        for s in existing.iter().filter(|s| !kept_ids.contains(&s.id)) {
            repo::move_flow_state(&txn, c.callouts_set_id, &s.display_name, &current_name).await?;
            repo::delete_state(&txn, s.id).await?;
            gone.extend(s.authorization_id);
        }
        repo::set_current_state(&txn, flow_id, current).await?;
        auth_repo::save_all(&txn, &policies).await?;
        auth_repo::delete(&txn, &gone).await?;
        txn.commit().await?;
        Ok(names)
    }
}
