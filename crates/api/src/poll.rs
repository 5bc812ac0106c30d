//! GraphQL of polls (`alkemio_collaboration::poll`): the `Poll` a POLL framing holds, with
//! results shown as its settings allow the caller, and the mutations of voters and managers.

use alkemio_authorization::AuthorizationPrivilege as P;
use alkemio_collaboration::poll::{
    NewPoll, NewPollSettings, OptionResults, PollEventType, PollResultsDetail,
    PollResultsVisibility, PollService, PollState, PollStatus,
};
use alkemio_kernel::AppResult;
use alkemio_kernel::scalars::{DateTime, UuidScalar};
use async_graphql::{Context, InputObject, Object, Result, SimpleObject};
use uuid::Uuid;

use crate::authorization::{Authorization, LiveAccess, authorization_of, require_on};
use crate::context::{actor, data};
use crate::contributor::User;
use crate::loaders::{Loaders, loaded};

fn service<'a>(ctx: &Context<'a>) -> AppResult<&'a PollService> {
    data::<PollService>(ctx)
}

fn viewer(ctx: &Context<'_>) -> Option<Uuid> {
    actor(ctx).authenticated_id()
}

/// A poll framing a callout.
#[derive(Debug, Clone)]
pub struct Poll(pub PollState);

#[Object(name = "Poll")]
impl Poll {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.poll.id)
    }
    /// Its title (may be empty).
    async fn title(&self) -> &str {
        &self.0.poll.title
    }
    /// Open (taking votes) or closed.
    async fn status(&self) -> PollStatus {
        self.0.poll.status
    }
    /// Its settings (fixed at creation).
    async fn settings(&self) -> PollSettings {
        let s = self.0.poll.settings;
        PollSettings {
            allow_contributors_add_options: s.allow_contributors_add_options,
            max_responses: s.max_responses,
            min_responses: s.min_responses,
            results_detail: s.results_detail,
            results_visibility: s.results_visibility,
        }
    }
    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.poll.created_date)
    }
    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.poll.updated_date)
    }
    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        authorization_of(ctx, self.0.poll.authorization_id).await
    }
    /// Whether the caller sees the results option by option (always when they are VISIBLE,
    /// otherwise once the caller voted).
    async fn can_see_detailed_results(&self, ctx: &Context<'_>) -> bool {
        self.0.can_see_detailed_results(viewer(ctx))
    }
    /// How many voted; null when results are HIDDEN and the caller has not voted.
    async fn total_votes(&self, ctx: &Context<'_>) -> Option<i32> {
        self.0.total_votes(viewer(ctx))
    }
    /// Its options in order, with the results the caller may see.
    async fn options(&self, ctx: &Context<'_>) -> Vec<PollOption> {
        self.0
            .results(viewer(ctx))
            .into_iter()
            .map(PollOption)
            .collect()
    }
    /// The caller's vote, if any.
    async fn my_vote(&self, ctx: &Context<'_>) -> Option<PollVote> {
        self.0.vote_of(viewer(ctx)).map(|v| PollVote {
            vote: v.clone(),
            options: self
                .0
                .options
                .iter()
                .filter(|o| v.selected_option_ids.contains(&o.id))
                .cloned()
                .collect(),
        })
    }
}

/// A poll's settings.
#[derive(Debug, Clone, SimpleObject)]
pub struct PollSettings {
    /// Whether contributors (not only its managers) add options.
    pub allow_contributors_add_options: bool,
    /// Most options a vote selects (0: no limit).
    pub max_responses: i32,
    /// Fewest options a vote selects.
    pub min_responses: i32,
    /// How much of the results is shown.
    pub results_detail: PollResultsDetail,
    /// When voters see the results.
    pub results_visibility: PollResultsVisibility,
}

/// An option of a poll, with the results the caller may see.
#[derive(Debug, Clone)]
pub struct PollOption(pub OptionResults);

#[Object(name = "PollOption")]
impl PollOption {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.option.id)
    }
    /// Its text.
    async fn text(&self) -> &str {
        &self.0.option.text
    }
    /// Its position (1, 2, …).
    async fn sort_order(&self) -> i32 {
        self.0.option.sort_order
    }
    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.option.created_date)
    }
    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.option.updated_date)
    }
    /// How many votes selected it (when shown).
    async fn vote_count(&self) -> Option<i32> {
        self.0.vote_count
    }
    /// Its share of the votes in whole percent (when shown).
    async fn vote_percentage(&self) -> Option<f64> {
        self.0.vote_percentage
    }
    /// Who selected it (when results are shown in FULL).
    async fn voters(&self, ctx: &Context<'_>) -> Result<Option<Vec<User>>> {
        let Some(ids) = &self.0.voters else {
            return Ok(None);
        };
        let found = loaded(
            data::<Loaders>(ctx)?
                .users
                .load_many(ids.iter().copied())
                .await,
        )?;
        Ok(Some(
            ids.iter()
                .filter_map(|id| found.get(id).cloned())
                .map(User)
                .collect(),
        ))
    }
}

/// A vote on a poll.
#[derive(Debug, Clone)]
pub struct PollVote {
    vote: alkemio_collaboration::poll::PollVote,
    options: Vec<alkemio_collaboration::poll::PollOption>,
}

#[Object(name = "PollVote")]
impl PollVote {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.vote.id)
    }
    /// The voter.
    async fn created_by(&self) -> UuidScalar {
        UuidScalar(self.vote.created_by)
    }
    /// When it was first cast.
    async fn created_date(&self) -> DateTime {
        DateTime(self.vote.created_date)
    }
    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.vote.updated_date)
    }
    /// The options it selects, in the poll's order (without results).
    async fn selected_options(&self) -> Vec<PollOption> {
        self.options
            .iter()
            .map(|o| {
                PollOption(OptionResults {
                    option: o.clone(),
                    vote_count: None,
                    vote_percentage: None,
                    voters: None,
                })
            })
            .collect()
    }
}

/// A framing's poll, read in a batch.
pub(crate) async fn poll_of(ctx: &Context<'_>, id: Option<Uuid>) -> Result<Option<Poll>> {
    let Some(id) = id else {
        return Ok(None);
    };
    Ok(loaded(data::<Loaders>(ctx)?.polls.load_one(id).await)?.map(Poll))
}

// ---- inputs ----

/// Settings of a new poll; absent ones take the defaults.
#[derive(Debug, Clone, InputObject)]
pub struct PollSettingsInput {
    /// Whether contributors add options (default false).
    pub allow_contributors_add_options: Option<bool>,
    /// Most options a vote selects (default 1; 0: no limit).
    pub max_responses: Option<i32>,
    /// Fewest options a vote selects (default 1).
    pub min_responses: Option<i32>,
    /// How much of the results is shown (default FULL).
    pub results_detail: Option<PollResultsDetail>,
    /// When voters see the results (default VISIBLE).
    pub results_visibility: Option<PollResultsVisibility>,
}

/// A new poll.
#[derive(Debug, Clone, InputObject)]
pub struct CreatePollInput {
    /// Its options, in order (2 to 10).
    pub options: Vec<String>,
    /// Its settings.
    pub settings: Option<PollSettingsInput>,
    /// Its title (empty when absent).
    pub title: Option<String>,
}

impl CreatePollInput {
    /// The poll to make.
    pub(crate) fn into_new(self) -> NewPoll {
        let s = self.settings;
        NewPoll {
            title: self.title,
            options: self.options,
            settings: NewPollSettings {
                min_responses: s.as_ref().and_then(|s| s.min_responses),
                max_responses: s.as_ref().and_then(|s| s.max_responses),
                results_visibility: s.as_ref().and_then(|s| s.results_visibility),
                results_detail: s.as_ref().and_then(|s| s.results_detail),
                allow_contributors_add_options: s
                    .as_ref()
                    .and_then(|s| s.allow_contributors_add_options),
            },
        }
    }
}

/// Changes to a framing's poll.
#[derive(Debug, Clone, InputObject)]
pub struct UpdatePollInput {
    /// A new title.
    pub title: Option<String>,
}

/// A vote to cast.
#[derive(Debug, InputObject)]
pub struct CastPollVoteInput {
    /// The poll.
    #[graphql(name = "pollID")]
    pub poll_id: UuidScalar,
    /// The options selected.
    #[graphql(name = "selectedOptionIDs")]
    pub selected_option_ids: Vec<UuidScalar>,
}

/// The poll whose vote to take back.
#[derive(Debug, InputObject)]
pub struct RemovePollVoteInput {
    /// The poll.
    #[graphql(name = "pollID")]
    pub poll_id: UuidScalar,
}

/// An option to add.
#[derive(Debug, InputObject)]
pub struct AddPollOptionInput {
    /// The poll.
    #[graphql(name = "pollID")]
    pub poll_id: UuidScalar,
    /// Its text.
    pub text: String,
}

/// New text for an option.
#[derive(Debug, InputObject)]
pub struct UpdatePollOptionInput {
    /// The option.
    #[graphql(name = "optionID")]
    pub option_id: UuidScalar,
    /// The poll.
    #[graphql(name = "pollID")]
    pub poll_id: UuidScalar,
    /// Its new text.
    pub text: String,
}

/// An option to remove.
#[derive(Debug, InputObject)]
pub struct RemovePollOptionInput {
    /// The option.
    #[graphql(name = "optionID")]
    pub option_id: UuidScalar,
    /// The poll.
    #[graphql(name = "pollID")]
    pub poll_id: UuidScalar,
}

/// A new order of a poll's options.
#[derive(Debug, InputObject)]
pub struct ReorderPollOptionsInput {
    /// Every option of the poll, in the new order.
    #[graphql(name = "optionIDs")]
    pub option_ids: Vec<UuidScalar>,
    /// The poll.
    #[graphql(name = "pollID")]
    pub poll_id: UuidScalar,
}

/// A new status for a poll.
#[derive(Debug, InputObject)]
pub struct UpdatePollStatusInput {
    /// The poll.
    #[graphql(name = "pollID")]
    pub poll_id: UuidScalar,
    /// The status.
    pub status: PollStatus,
}

/// Poll mutations.
#[derive(Debug, Default)]
pub struct PollMutation;

#[Object]
impl PollMutation {
    /// Casts the caller's vote, replacing the one they had (needs CONTRIBUTE on the poll).
    async fn cast_poll_vote(
        &self,
        ctx: &Context<'_>,
        vote_data: CastPollVoteInput,
    ) -> Result<Poll> {
        let selected = vote_data
            .selected_option_ids
            .into_iter()
            .map(|i| i.0)
            .collect();
        Ok(Poll(
            service(ctx)?
                .cast_vote(&actor(ctx), vote_data.poll_id.0, selected)
                .await?,
        ))
    }

    /// Takes the caller's vote back (needs CONTRIBUTE on the poll).
    async fn remove_poll_vote(
        &self,
        ctx: &Context<'_>,
        vote_data: RemovePollVoteInput,
    ) -> Result<Poll> {
        Ok(Poll(
            service(ctx)?
                .remove_vote(&actor(ctx), vote_data.poll_id.0)
                .await?,
        ))
    }

    /// Adds an option at the end (needs UPDATE, or CONTRIBUTE when contributors may add
    /// options).
    async fn add_poll_option(
        &self,
        ctx: &Context<'_>,
        option_data: AddPollOptionInput,
    ) -> Result<Poll> {
        Ok(Poll(
            service(ctx)?
                .add_option(&actor(ctx), option_data.poll_id.0, option_data.text)
                .await?,
        ))
    }

    /// Changes an option's text; the votes that selected it go (needs UPDATE).
    async fn update_poll_option(
        &self,
        ctx: &Context<'_>,
        option_data: UpdatePollOptionInput,
    ) -> Result<Poll> {
        Ok(Poll(
            service(ctx)?
                .update_option(
                    &actor(ctx),
                    option_data.poll_id.0,
                    option_data.option_id.0,
                    option_data.text,
                )
                .await?,
        ))
    }

    /// Removes an option, keeping at least 2; the votes that selected it go (needs UPDATE).
    async fn remove_poll_option(
        &self,
        ctx: &Context<'_>,
        option_data: RemovePollOptionInput,
    ) -> Result<Poll> {
        Ok(Poll(
            service(ctx)?
                .remove_option(&actor(ctx), option_data.poll_id.0, option_data.option_id.0)
                .await?,
        ))
    }

    /// Puts the options in a new order (needs UPDATE).
    async fn reorder_poll_options(
        &self,
        ctx: &Context<'_>,
        option_data: ReorderPollOptionsInput,
    ) -> Result<Poll> {
        let ordered = option_data.option_ids.into_iter().map(|i| i.0).collect();
        Ok(Poll(
            service(ctx)?
                .reorder_options(&actor(ctx), option_data.poll_id.0, ordered)
                .await?,
        ))
    }

    /// Opens or closes a poll; a closed poll takes no votes or changes (needs UPDATE).
    async fn update_poll_status(
        &self,
        ctx: &Context<'_>,
        status_data: UpdatePollStatusInput,
    ) -> Result<Poll> {
        Ok(Poll(
            service(ctx)?
                .update_status(&actor(ctx), status_data.poll_id.0, status_data.status)
                .await?,
        ))
    }
}

/// A poll's change, with the poll as the subscriber may see it.
#[derive(SimpleObject)]
pub struct PollVoteUpdatedSubscriptionResult {
    /// What changed (a vote, or its status).
    pub poll_event_type: PollEventType,
    /// The poll now.
    pub poll: Poll,
}

/// A change of a poll's options, with the poll as the subscriber may see it.
#[derive(SimpleObject)]
pub struct PollOptionsChangedSubscriptionResult {
    /// What changed.
    pub poll_event_type: PollEventType,
    /// The poll now.
    pub poll: Poll,
}

/// The changes of one poll from now on, of the kinds wanted, as (kind, poll) for a subscriber
/// who may still read it; `vote_news` also hides vote changes from a subscriber who has not
/// voted on a poll whose results are HIDDEN.
async fn poll_changes(
    ctx: &Context<'_>,
    poll_id: Uuid,
    kinds: &'static [PollEventType],
) -> Result<impl futures_util::Stream<Item = (PollEventType, PollState)> + use<>> {
    let svc = service(ctx)?.clone();
    let state = svc.state(poll_id).await?;
    require_on(ctx, state.poll.authorization_id, P::Read, "follow a poll").await?;
    let access = LiveAccess::from_ctx(ctx)?;
    let me = viewer(ctx);
    let rx = svc.events();
    Ok(futures_util::stream::unfold(
        (rx, svc, access),
        move |(mut rx, svc, access)| async move {
            loop {
                match rx.recv().await {
                    Ok(e) if e.poll_id == poll_id && kinds.contains(&e.kind) => {
                        let Ok(state) = svc.state(poll_id).await else {
                            return None;
                        };
                        if !access.may(state.poll.authorization_id, P::Read).await {
                            return None;
                        }
                        let hidden = state.poll.settings.results_visibility
                            == PollResultsVisibility::Hidden
                            && state.vote_of(me).is_none();
                        if e.kind == PollEventType::PollVoteUpdated && hidden {
                            continue;
                        }
                        return Some(((e.kind, state), (rx, svc, access)));
                    }
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                }
            }
        },
    ))
}

/// Live poll events.
#[derive(Debug, Default)]
pub struct PollLiveEvents;

#[async_graphql::Subscription]
impl PollLiveEvents {
    /// Votes cast or taken back on a poll, and its opening or closing, from now on (needs
    /// READ on it); a subscriber who has not voted on a poll with HIDDEN results hears of no
    /// votes.
    async fn poll_vote_updated(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "pollID")] poll_id: UuidScalar,
    ) -> Result<impl futures_util::Stream<Item = PollVoteUpdatedSubscriptionResult> + use<>> {
        use futures_util::StreamExt;
        const KINDS: &[PollEventType] = &[
            PollEventType::PollVoteUpdated,
            PollEventType::PollStatusChanged,
        ];
        Ok(poll_changes(ctx, poll_id.0, KINDS)
            .await?
            .map(|(kind, state)| PollVoteUpdatedSubscriptionResult {
                poll_event_type: kind,
                poll: Poll(state),
            }))
    }

    /// Options added, changed, removed or reordered on a poll, from now on (needs READ on it).
    async fn poll_options_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "pollID")] poll_id: UuidScalar,
    ) -> Result<impl futures_util::Stream<Item = PollOptionsChangedSubscriptionResult> + use<>>
    {
        use futures_util::StreamExt;
        const KINDS: &[PollEventType] = &[PollEventType::PollOptionsChanged];
        Ok(poll_changes(ctx, poll_id.0, KINDS)
            .await?
            .map(|(kind, state)| PollOptionsChangedSubscriptionResult {
                poll_event_type: kind,
                poll: Poll(state),
            }))
    }
}
