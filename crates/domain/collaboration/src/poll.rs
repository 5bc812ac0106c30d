//! Polls framing callouts: options, one vote per voter (replaced entirely when cast again),
//! results shown as the poll's settings allow, and the changes its managers make while it is
//! open. A poll's policy inherits its framing's: members who contribute to the callout vote,
//! those who update it manage the options and the status.

use std::collections::{HashMap, HashSet};

use alkemio_authorization::repo as auth_repo;
use alkemio_authorization::{
    ActorContext, AuthorizationPolicy, AuthorizationPolicyType, AuthorizationPrivilege as P,
};
use alkemio_kernel::stored_enum;
use alkemio_kernel::{AppError, AppResult};
use alkemio_persistence::Database;
use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::poll_repo as repo;

/// The most options a poll starts with.
pub const MAX_INITIAL_OPTIONS: usize = 10;
/// Options beyond which no more are added (twice the initial limit, so a client may add a
/// new option before it removes an old one).
const MAX_OPTIONS: usize = 2 * MAX_INITIAL_OPTIONS;
/// The longest title or option text.
pub const TEXT_MAX_LENGTH: usize = 512;

stored_enum! {
    /// Whether a poll takes votes and changes.
    PollStatus {
        Closed => ("CLOSED", "closed"),
        Open => ("OPEN", "open"),
    }
}

stored_enum! {
    /// When voters see the results.
    PollResultsVisibility {
        Hidden => ("HIDDEN", "hidden"),
        TotalOnly => ("TOTAL_ONLY", "total_only"),
        Visible => ("VISIBLE", "visible"),
    }
}

stored_enum! {
    /// How much of the results is shown.
    PollResultsDetail {
        Count => ("COUNT", "count"),
        Full => ("FULL", "full"),
        Percentage => ("PERCENTAGE", "percentage"),
    }
}

stored_enum! {
    /// What changed in a poll (for its live subscribers).
    PollEventType {
        PollOptionsChanged => ("POLL_OPTIONS_CHANGED", "poll_options_changed"),
        PollStatusChanged => ("POLL_STATUS_CHANGED", "poll_status_changed"),
        PollVoteUpdated => ("POLL_VOTE_UPDATED", "poll_vote_updated"),
    }
}

/// A change of a poll, told to its live subscribers after it is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollEvent {
    /// The poll.
    pub poll_id: Uuid,
    /// What changed.
    pub kind: PollEventType,
}

/// A poll's settings (fixed at creation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PollSettings {
    /// Fewest options a vote selects.
    pub min_responses: i32,
    /// Most options a vote selects (0: no limit).
    pub max_responses: i32,
    /// When voters see the results.
    pub results_visibility: PollResultsVisibility,
    /// How much of the results is shown.
    pub results_detail: PollResultsDetail,
    /// Whether contributors (not only managers) add options.
    pub allow_contributors_add_options: bool,
}

/// A poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Poll {
    /// Its id.
    pub id: Uuid,
    /// Its title (may be empty).
    pub title: String,
    /// Open or closed.
    pub status: PollStatus,
    /// Its settings.
    pub settings: PollSettings,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// An option of a poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollOption {
    /// Its id.
    pub id: Uuid,
    /// Its poll.
    pub poll_id: Uuid,
    /// Its text.
    pub text: String,
    /// Its position (1, 2, …).
    pub sort_order: i32,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// A voter's vote on a poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollVote {
    /// Its id.
    pub id: Uuid,
    /// Its poll.
    pub poll_id: Uuid,
    /// The voter.
    pub created_by: Uuid,
    /// The options selected.
    pub selected_option_ids: Vec<Uuid>,
    /// When it was first cast.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// A poll with its options (in order) and votes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollState {
    /// The poll.
    pub poll: Poll,
    /// Its options by sort order.
    pub options: Vec<PollOption>,
    /// Its votes.
    pub votes: Vec<PollVote>,
}

/// An option's results as a viewer may see them (`None`: not shown).
#[derive(Debug, Clone, PartialEq)]
pub struct OptionResults {
    /// The option.
    pub option: PollOption,
    /// How many votes selected it.
    pub vote_count: Option<i32>,
    /// Its share of the votes, in whole percent.
    pub vote_percentage: Option<f64>,
    /// Who selected it.
    pub voters: Option<Vec<Uuid>>,
}

impl PollState {
    /// The viewer's vote.
    pub fn vote_of(&self, viewer: Option<Uuid>) -> Option<&PollVote> {
        let viewer = viewer?;
        self.votes.iter().find(|v| v.created_by == viewer)
    }

    /// Whether the viewer sees the results option by option: always when they are VISIBLE,
    /// otherwise once the viewer voted.
    pub fn can_see_detailed_results(&self, viewer: Option<Uuid>) -> bool {
        self.poll.settings.results_visibility == PollResultsVisibility::Visible
            || self.vote_of(viewer).is_some()
    }

    /// How many voted, unless results are HIDDEN from a viewer who has not voted (a viewer of
    /// TOTAL_ONLY results sees the total before voting, as participation).
    pub fn total_votes(&self, viewer: Option<Uuid>) -> Option<i32> {
        if self.poll.settings.results_visibility == PollResultsVisibility::Hidden
            && self.vote_of(viewer).is_none()
        {
            return None;
        }
        Some(i32::try_from(self.votes.len()).unwrap_or(i32::MAX))
    }

    /// The options with their results as the viewer may see them: nothing before the
    /// visibility allows, then the counts, percentages and voters the detail setting shows.
    pub fn results(&self, viewer: Option<Uuid>) -> Vec<OptionResults> {
        let total = self.votes.len();
        let shown = self.can_see_detailed_results(viewer);
        let detail = self.poll.settings.results_detail;
        self.options
            .iter()
            .map(|o| {
                let voters: Vec<Uuid> = self
                    .votes
                    .iter()
                    .filter(|v| v.selected_option_ids.contains(&o.id))
                    .map(|v| v.created_by)
                    .collect();
                let count = i32::try_from(voters.len()).unwrap_or(i32::MAX);
                #[allow(clippy::cast_precision_loss)]
                let percentage =
                    (total > 0).then(|| (voters.len() as f64 * 100.0 / total as f64).round());
                let (vote_count, vote_percentage, voters) = if !shown {
                    (None, None, None)
                } else {
                    match detail {
                        PollResultsDetail::Full => (Some(count), percentage, Some(voters)),
                        PollResultsDetail::Count => (Some(count), None, None),
                        PollResultsDetail::Percentage => (None, percentage, None),
                    }
                };
                OptionResults {
                    option: o.clone(),
                    vote_count,
                    vote_percentage,
                    voters,
                }
            })
            .collect()
    }
}

/// Settings asked for at creation; absent ones take the defaults (one response, results
/// visible in full, managers alone add options).
#[derive(Debug, Clone, Copy, Default)]
pub struct NewPollSettings {
    /// Fewest options a vote selects.
    pub min_responses: Option<i32>,
    /// Most options a vote selects (0: no limit).
    pub max_responses: Option<i32>,
    /// When voters see the results.
    pub results_visibility: Option<PollResultsVisibility>,
    /// How much of the results is shown.
    pub results_detail: Option<PollResultsDetail>,
    /// Whether contributors add options.
    pub allow_contributors_add_options: Option<bool>,
}

/// A new poll.
#[derive(Debug, Clone, Default)]
pub struct NewPoll {
    /// Its title (empty when absent).
    pub title: Option<String>,
    /// Its options, in order.
    pub options: Vec<String>,
    /// Its settings.
    pub settings: NewPollSettings,
}

fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

fn check_text(text: &str, what: &str) -> AppResult<()> {
    if text.chars().count() > TEXT_MAX_LENGTH {
        return Err(AppError::bad_input(format!(
            "{what} may have at most {TEXT_MAX_LENGTH} characters"
        )));
    }
    Ok(())
}

fn check_option_text(text: &str) -> AppResult<()> {
    if text.trim().is_empty() {
        return Err(AppError::bad_input("A poll option needs some text"));
    }
    check_text(text, "A poll option")
}

/// A new poll and its options, checked, with its policy under the framing's.
pub fn build(
    new: NewPoll,
    framing_policy: &AuthorizationPolicy,
) -> AppResult<(PollState, AuthorizationPolicy)> {
    if new.options.len() < 2 {
        return Err(AppError::bad_input("Poll must have at least 2 options"));
    }
    if new.options.len() > MAX_INITIAL_OPTIONS {
        return Err(AppError::bad_input(format!(
            "Poll may start with at most {MAX_INITIAL_OPTIONS} options"
        )));
    }
    for o in &new.options {
        check_option_text(o)?;
    }
    if let Some(t) = &new.title {
        check_text(t, "A poll title")?;
    }
    let min_responses = new.settings.min_responses.unwrap_or(1);
    let max_responses = new.settings.max_responses.unwrap_or(1);
    if min_responses < 1 {
        return Err(AppError::bad_input("minResponses must be at least 1"));
    }
    if max_responses < 0 {
        return Err(AppError::bad_input(
            "maxResponses must be 0 or greater (0 means unlimited)",
        ));
    }
    if max_responses > 0 && max_responses < min_responses {
        return Err(AppError::bad_input(
            "maxResponses must be greater than or equal to minResponses when maxResponses > 0",
        ));
    }
    let at = now();
    let mut policy = auth_repo::new_policy(AuthorizationPolicyType::Poll);
    policy.inherit_from(framing_policy);
    let poll = Poll {
        id: Uuid::now_v7(),
        title: new.title.unwrap_or_default(),
        status: PollStatus::Open,
        settings: PollSettings {
            min_responses,
            max_responses,
            results_visibility: new
                .settings
                .results_visibility
                .unwrap_or(PollResultsVisibility::Visible),
            results_detail: new
                .settings
                .results_detail
                .unwrap_or(PollResultsDetail::Full),
            allow_contributors_add_options: new
                .settings
                .allow_contributors_add_options
                .unwrap_or(false),
        },
        authorization_id: Some(policy.id),
        created_date: at,
        updated_date: at,
    };
    let options = new
        .options
        .into_iter()
        .zip(1..)
        .map(|(text, sort_order)| PollOption {
            id: Uuid::now_v7(),
            poll_id: poll.id,
            text,
            sort_order,
            created_date: at,
            updated_date: at,
        })
        .collect();
    Ok((
        PollState {
            poll,
            options,
            votes: Vec::new(),
        },
        policy,
    ))
}

/// Stores a new poll and its options inside the caller's transaction.
pub async fn insert_in(conn: &impl ConnectionTrait, state: &PollState) -> AppResult<()> {
    repo::insert_poll(conn, &state.poll).await?;
    for o in &state.options {
        repo::insert_option(conn, o).await?;
    }
    Ok(())
}

/// Deletes polls with their options and votes; returns their policies.
pub async fn delete_in(conn: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<Vec<Uuid>> {
    repo::delete_polls(conn, ids).await
}

/// The recomputed policy of a poll under its framing's.
pub async fn recompute_policy(
    conn: &impl ConnectionTrait,
    poll: Uuid,
    framing_policy: &AuthorizationPolicy,
) -> AppResult<Option<AuthorizationPolicy>> {
    let Some(p) = repo::polls(conn, &[poll]).await?.remove(&poll) else {
        return Ok(None);
    };
    let mut policy =
        auth_repo::load_or_new(conn, p.authorization_id, AuthorizationPolicyType::Poll).await?;
    policy.inherit_from(framing_policy);
    if p.authorization_id != Some(policy.id) {
        repo::set_authorization(conn, p.id, policy.id).await?;
    }
    Ok(Some(policy))
}

/// Changes the title of a poll inside the caller's transaction.
pub async fn set_title(conn: &impl ConnectionTrait, poll: Uuid, title: &str) -> AppResult<()> {
    check_text(title, "A poll title")?;
    repo::set_title(conn, poll, title, now()).await
}

/// Polls.
#[derive(Debug, Clone)]
pub struct PollService {
    db: Database,
    events: tokio::sync::broadcast::Sender<PollEvent>,
}

impl PollService {
    /// A service over the database.
    pub fn new(db: Database) -> Self {
        Self {
            db,
            events: tokio::sync::broadcast::channel(256).0,
        }
    }

    /// The changes of polls from now on (in this process).
    pub fn events(&self) -> tokio::sync::broadcast::Receiver<PollEvent> {
        self.events.subscribe()
    }

    /// The poll as it is now, told to its live subscribers as changed.
    async fn changed(&self, poll_id: Uuid, kind: PollEventType) -> AppResult<PollState> {
        let state = self.state(poll_id).await?;
        // Nobody listening is not an error.
        let _ = self.events.send(PollEvent { poll_id, kind });
        Ok(state)
    }

    /// Polls with their options and votes (three statements).
    pub async fn states(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, PollState>> {
        let conn = self.db.conn();
        let polls = repo::polls(conn, ids).await?;
        let keys: Vec<Uuid> = polls.keys().copied().collect();
        let mut options = repo::options_of(conn, &keys).await?;
        let mut votes = repo::votes_of(conn, &keys).await?;
        Ok(polls
            .into_iter()
            .map(|(id, poll)| {
                let mut o = options.remove(&id).unwrap_or_default();
                o.sort_by_key(|x| x.sort_order);
                (
                    id,
                    PollState {
                        poll,
                        options: o,
                        votes: votes.remove(&id).unwrap_or_default(),
                    },
                )
            })
            .collect())
    }

    /// A poll with its options and votes, or ENTITY_NOT_FOUND.
    pub async fn state(&self, id: Uuid) -> AppResult<PollState> {
        self.states(&[id])
            .await?
            .remove(&id)
            .ok_or_else(|| AppError::not_found(format!("Poll not found: {id}")))
    }

    async fn require(
        &self,
        caller: &ActorContext,
        poll: &Poll,
        privilege: P,
        action: &str,
    ) -> AppResult<()> {
        auth_repo::require(
            self.db.conn(),
            caller,
            poll.authorization_id,
            privilege,
            action,
        )
        .await
        .map(|_| ())
    }

    fn voter(caller: &ActorContext) -> AppResult<Uuid> {
        caller
            .authenticated_id()
            .ok_or_else(|| AppError::forbidden("Only registered users vote"))
    }

    fn require_open(poll: &Poll, what: &str) -> AppResult<()> {
        if poll.status != PollStatus::Open {
            return Err(AppError::bad_input(format!("Cannot {what} a closed poll")));
        }
        Ok(())
    }

    /// `castPollVote`: needs CONTRIBUTE; replaces the caller's vote entirely.
    pub async fn cast_vote(
        &self,
        caller: &ActorContext,
        poll_id: Uuid,
        selected: Vec<Uuid>,
    ) -> AppResult<PollState> {
        let state = self.state(poll_id).await?;
        self.require(caller, &state.poll, P::Contribute, "cast vote on poll")
            .await?;
        let voter = Self::voter(caller)?;
        Self::require_open(&state.poll, "cast vote on")?;
        let known: HashSet<Uuid> = state.options.iter().map(|o| o.id).collect();
        if selected.iter().any(|id| !known.contains(id)) {
            return Err(AppError::bad_input(
                "One or more selected option IDs do not belong to this poll",
            ));
        }
        if selected.iter().collect::<HashSet<_>>().len() != selected.len() {
            return Err(AppError::bad_input(
                "Duplicate option IDs are not allowed in a vote",
            ));
        }
        let settings = state.poll.settings;
        let count = i32::try_from(selected.len()).unwrap_or(i32::MAX);
        if count < settings.min_responses {
            return Err(AppError::bad_input(
                "Selection count is below the minimum required",
            ));
        }
        if settings.max_responses > 0 && count > settings.max_responses {
            return Err(AppError::bad_input(
                "Cannot select more than maxResponses option(s)",
            ));
        }
        let at = now();
        let vote = match state.vote_of(Some(voter)) {
            Some(v) => PollVote {
                selected_option_ids: selected,
                updated_date: at,
                ..v.clone()
            },
            None => PollVote {
                id: Uuid::now_v7(),
                poll_id,
                created_by: voter,
                selected_option_ids: selected,
                created_date: at,
                updated_date: at,
            },
        };
        repo::upsert_vote(self.db.conn(), &vote).await?;
        self.changed(poll_id, PollEventType::PollVoteUpdated).await
    }

    /// `removePollVote`: needs CONTRIBUTE; the caller must have voted.
    pub async fn remove_vote(&self, caller: &ActorContext, poll_id: Uuid) -> AppResult<PollState> {
        let state = self.state(poll_id).await?;
        self.require(caller, &state.poll, P::Contribute, "remove vote from poll")
            .await?;
        let voter = Self::voter(caller)?;
        Self::require_open(&state.poll, "remove vote from")?;
        let vote = state
            .vote_of(Some(voter))
            .ok_or_else(|| AppError::bad_input("You have not voted on this poll"))?;
        repo::delete_votes(self.db.conn(), &[vote.id]).await?;
        self.changed(poll_id, PollEventType::PollVoteUpdated).await
    }

    /// `addPollOption`: needs UPDATE, or CONTRIBUTE when contributors may add options; the
    /// option goes last.
    pub async fn add_option(
        &self,
        caller: &ActorContext,
        poll_id: Uuid,
        text: String,
    ) -> AppResult<PollState> {
        let state = self.state(poll_id).await?;
        let privilege = if state.poll.settings.allow_contributors_add_options {
            P::Contribute
        } else {
            P::Update
        };
        self.require(caller, &state.poll, privilege, "add option to poll")
            .await?;
        check_option_text(&text)?;
        Self::require_open(&state.poll, "add option to")?;
        if state.options.len() >= MAX_OPTIONS {
            return Err(AppError::bad_input(
                "Poll has too many options to add another",
            ));
        }
        let at = now();
        let option = PollOption {
            id: Uuid::now_v7(),
            poll_id,
            text,
            sort_order: state
                .options
                .iter()
                .map(|o| o.sort_order)
                .max()
                .unwrap_or(0)
                + 1,
            created_date: at,
            updated_date: at,
        };
        repo::insert_option(self.db.conn(), &option).await?;
        self.changed(poll_id, PollEventType::PollOptionsChanged)
            .await
    }

    fn option_of(state: &PollState, option: Uuid) -> AppResult<&PollOption> {
        state
            .options
            .iter()
            .find(|o| o.id == option)
            .ok_or_else(|| AppError::not_found(format!("Poll option not found: {option}")))
    }

    /// The votes that selected an option (they go when the option changes or goes).
    fn votes_for(state: &PollState, option: Uuid) -> Vec<Uuid> {
        state
            .votes
            .iter()
            .filter(|v| v.selected_option_ids.contains(&option))
            .map(|v| v.id)
            .collect()
    }

    /// `updatePollOption`: needs UPDATE; the votes that selected the option go, as they were
    /// cast for another text.
    pub async fn update_option(
        &self,
        caller: &ActorContext,
        poll_id: Uuid,
        option_id: Uuid,
        text: String,
    ) -> AppResult<PollState> {
        let state = self.state(poll_id).await?;
        self.require(caller, &state.poll, P::Update, "update option on poll")
            .await?;
        check_option_text(&text)?;
        Self::require_open(&state.poll, "update option on")?;
        let option = Self::option_of(&state, option_id)?;
        let txn = self.db.begin().await?;
        repo::delete_votes(&txn, &Self::votes_for(&state, option.id)).await?;
        repo::set_option_text(&txn, option.id, &text, now()).await?;
        txn.commit().await?;
        self.changed(poll_id, PollEventType::PollOptionsChanged)
            .await
    }

    /// `removePollOption`: needs UPDATE; at least 2 options stay; the votes that selected it go
    /// and the others close up their order.
    pub async fn remove_option(
        &self,
        caller: &ActorContext,
        poll_id: Uuid,
        option_id: Uuid,
    ) -> AppResult<PollState> {
        let state = self.state(poll_id).await?;
        self.require(caller, &state.poll, P::Update, "remove option from poll")
            .await?;
        Self::require_open(&state.poll, "remove option from")?;
        if state.options.len() <= 2 {
            return Err(AppError::bad_input("Poll must retain at least 2 options"));
        }
        let option = Self::option_of(&state, option_id)?;
        let remaining: Vec<Uuid> = state
            .options
            .iter()
            .filter(|o| o.id != option.id)
            .map(|o| o.id)
            .collect();
        let txn = self.db.begin().await?;
        repo::delete_votes(&txn, &Self::votes_for(&state, option.id)).await?;
        repo::delete_option(&txn, option.id).await?;
        repo::set_sort_orders(&txn, &remaining).await?;
        txn.commit().await?;
        self.changed(poll_id, PollEventType::PollOptionsChanged)
            .await
    }

    /// `reorderPollOptions`: needs UPDATE; the list holds exactly the poll's options.
    pub async fn reorder_options(
        &self,
        caller: &ActorContext,
        poll_id: Uuid,
        ordered: Vec<Uuid>,
    ) -> AppResult<PollState> {
        let state = self.state(poll_id).await?;
        self.require(caller, &state.poll, P::Update, "reorder options on poll")
            .await?;
        Self::require_open(&state.poll, "reorder options on")?;
        let current: HashSet<Uuid> = state.options.iter().map(|o| o.id).collect();
        let incoming: HashSet<Uuid> = ordered.iter().copied().collect();
        if incoming.len() != ordered.len() || current.len() != incoming.len() {
            return Err(AppError::bad_input(
                "Reorder list must contain exactly the same option IDs as the current poll options",
            ));
        }
        if incoming.iter().any(|id| !current.contains(id)) {
            return Err(AppError::bad_input(
                "Reorder list contains an unknown option ID",
            ));
        }
        let txn = self.db.begin().await?;
        repo::set_sort_orders(&txn, &ordered).await?;
        txn.commit().await?;
        self.changed(poll_id, PollEventType::PollOptionsChanged)
            .await
    }

    /// `updatePollStatus`: needs UPDATE; setting the status it has is no error.
    pub async fn update_status(
        &self,
        caller: &ActorContext,
        poll_id: Uuid,
        status: PollStatus,
    ) -> AppResult<PollState> {
        let state = self.state(poll_id).await?;
        self.require(caller, &state.poll, P::Update, "update poll status")
            .await?;
        if state.poll.status == status {
            return Ok(state);
        }
        repo::set_status(self.db.conn(), poll_id, status, now()).await?;
        self.changed(poll_id, PollEventType::PollStatusChanged)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(visibility: PollResultsVisibility, detail: PollResultsDetail) -> PollState {
        let (mut s, _) = build(
            NewPoll {
                title: None,
                options: vec!["A".into(), "B".into(), "C".into()],
                settings: NewPollSettings {
                    max_responses: Some(0),
                    results_visibility: Some(visibility),
                    results_detail: Some(detail),
                    ..NewPollSettings::default()
                },
            },
            &AuthorizationPolicy::new(Uuid::now_v7(), AuthorizationPolicyType::CalloutFraming),
        )
        .unwrap();
        let (a, b) = (s.options[0].id, s.options[1].id);
        for (voter, picks) in [(1u128, vec![a]), (2, vec![a, b]), (3, vec![b])] {
            s.votes.push(PollVote {
                id: Uuid::now_v7(),
                poll_id: s.poll.id,
                created_by: Uuid::from_u128(voter),
                selected_option_ids: picks,
                created_date: now(),
                updated_date: now(),
            });
        }
        s
    }

    #[test]
    fn results_follow_visibility_and_detail() {
        let s = state(PollResultsVisibility::Visible, PollResultsDetail::Full);
        let r = s.results(None);
        assert_eq!(r[0].vote_count, Some(2));
        assert_eq!(r[0].vote_percentage, Some(67.0));
        assert_eq!(r[2].vote_percentage, Some(0.0));
        assert_eq!(r[0].voters.as_ref().unwrap().len(), 2);
        assert_eq!(s.total_votes(None), Some(3));

        let hidden = state(PollResultsVisibility::Hidden, PollResultsDetail::Full);
        assert_eq!(hidden.total_votes(None), None);
        assert!(hidden.results(None).iter().all(|o| o.vote_count.is_none()));
        let voter = Some(Uuid::from_u128(1));
        assert!(hidden.can_see_detailed_results(voter));
        assert_eq!(hidden.results(voter)[0].vote_count, Some(2));

        let total = state(PollResultsVisibility::TotalOnly, PollResultsDetail::Count);
        assert_eq!(total.total_votes(None), Some(3));
        assert!(!total.can_see_detailed_results(None));
        let seen = total.results(voter);
        assert_eq!(seen[0].vote_count, Some(2));
        assert_eq!(seen[0].vote_percentage, None);
        assert_eq!(seen[0].voters, None);

        let pct = state(
            PollResultsVisibility::Visible,
            PollResultsDetail::Percentage,
        );
        assert_eq!(pct.results(None)[1].vote_count, None);
        assert_eq!(pct.results(None)[1].vote_percentage, Some(67.0));
    }

    #[test]
    fn new_polls_are_checked() {
        let parent =
            AuthorizationPolicy::new(Uuid::now_v7(), AuthorizationPolicyType::CalloutFraming);
        let bad = |options: Vec<&str>, settings: NewPollSettings| {
            build(
                NewPoll {
                    title: None,
                    options: options.into_iter().map(String::from).collect(),
                    settings,
                },
                &parent,
            )
            .is_err()
        };
        assert!(bad(vec!["only"], NewPollSettings::default()));
        assert!(bad(
            vec!["a", "b"],
            NewPollSettings {
                min_responses: Some(0),
                ..NewPollSettings::default()
            }
        ));
        assert!(bad(
            vec!["a", "b"],
            NewPollSettings {
                min_responses: Some(2),
                max_responses: Some(1),
                ..NewPollSettings::default()
            }
        ));
        assert!(bad(vec!["a", " "], NewPollSettings::default()));
        assert!(!bad(
            vec!["a", "b"],
            NewPollSettings {
                min_responses: Some(2),
                max_responses: Some(0),
                ..NewPollSettings::default()
            }
        ));
    }
}
