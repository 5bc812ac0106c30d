//! Entering a space's community other than by being assigned: applications (with the role
//! set's form), invitations of existing users and organizations, invitations of e-mail
//! addresses (platform invitations, honoured when that person registers), their lifecycles,
//! and each caller's membership status.
//!
//! Where the reference is loose, this does it right (each pinned by a test):
//! - an event the caller may not send (APPROVE without GRANT, ACCEPT by anybody but the
//!   invitee's side) fails with FORBIDDEN_POLICY instead of doing nothing silently;
//! - approving and accepting commit the membership and the final state together: a failed grant
//!   leaves the application or invitation where it was;
//! - answers are checked against the form (required questions, each question's maximum length);
//! - an invitation reaches into parent spaces only when the invitee is not yet a member there
//!   and the inviter may invite in each of those parents;
//! - the invitee credential goes when an invitation is declined or deleted, not only on
//!   acceptance;
//! - e-mail addresses match users whatever their case;
//! - a platform invitation that cannot become an invitation at registration (the person already
//!   applied or is a member) is skipped, not a failed registration;
//! - an e-mail address can be invited to the platform's role set with a platform role (beta
//!   tester or VC campaign), granted when the person registers: the reference keeps
//!   `PlatformInvitation.platformRole` in its contract but refuses every platform role set
//!   invitation, so the field is always null there.

use std::collections::{HashMap, HashSet};

use alkemio_authorization::repo as auth_repo;
use alkemio_authorization::{
    ActorContext, AuthorizationPolicy, AuthorizationPolicyType, AuthorizationPrivilege as P,
    Credential, CredentialType as C, grant_access_or_fail,
};
use alkemio_community::entry::{
    Answer, Application, ApplicationEvent, ApplicationState, CommunityMembershipStatus, Form,
    FormQuestion, Invitation, InvitationEvent, InvitationState, PlatformInvitation,
    RoleSetInvitationResultType, caller_actor,
};
use alkemio_community::{RoleName, RoleSet, RoleSetService, RoleSetType, entry_repo};
use alkemio_contributor::{ActorType, User, UserService};
use alkemio_kernel::ids::{ActorId, RoleSetId, UserId};
use alkemio_kernel::{AppError, AppResult, ErrorStatus};
use alkemio_organization::OrganizationService;
use alkemio_persistence::Database;
use chrono::{SubsecRound, Utc};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::authorization::{apply_application_policy, apply_invitation_policy};
use crate::model::Space;
use crate::service::{Announce, SpaceService};

/// The longest answer, question or explanation accepted.
const MAX_TEXT: usize = 512;

/// The platform roles an e-mail address can be invited to (the reference's list).
const PLATFORM_INVITATION_ROLES: [RoleName; 2] =
    [RoleName::PlatformBetaTester, RoleName::PlatformVcCampaign];

/// What inviting one actor or address came to.
#[derive(Debug, Clone)]
pub struct InvitationOutcome {
    /// What happened.
    pub result: RoleSetInvitationResultType,
    /// The invitation made or found.
    pub invitation: Option<Invitation>,
    /// The open application found.
    pub application: Option<Application>,
    /// The platform invitation made or found.
    pub platform_invitation: Option<PlatformInvitation>,
}

impl InvitationOutcome {
    fn bare(result: RoleSetInvitationResultType) -> Self {
        Self {
            result,
            invitation: None,
            application: None,
            platform_invitation: None,
        }
    }
}

/// What `inviteForEntryRoleOnRoleSet` asks for.
#[derive(Debug, Clone, Default)]
pub struct InviteRequest {
    /// Existing actors (users, organizations).
    pub actors: Vec<ActorId>,
    /// E-mail addresses (of users or of people without an account).
    pub emails: Vec<String>,
    /// A note for the invitees.
    pub welcome_message: Option<String>,
    /// Roles given besides the entry role on acceptance.
    pub extra_roles: Vec<RoleName>,
}

/// Applications, invitations and platform invitations of spaces' role sets.
#[derive(Debug, Clone)]
pub struct EntryService {
    db: Database,
    spaces: SpaceService,
    role_sets: RoleSetService,
    users: UserService,
    organizations: OrganizationService,
}

fn forbidden_unless(
    caller: &ActorContext,
    policy: Option<&AuthorizationPolicy>,
    privilege: P,
    action: &str,
) -> AppResult<()> {
    grant_access_or_fail(
        &caller.actor_id(),
        &caller.credentials,
        policy,
        privilege,
        action,
    )
}

fn has(caller: &ActorContext, policy: Option<&AuthorizationPolicy>, privilege: P) -> bool {
    forbidden_unless(caller, policy, privilege, "check").is_ok()
}

fn member_credential(set: &RoleSet) -> AppResult<Credential> {
    set.role(set.entry_role_name)
        .map(|r| r.credential.clone())
        .ok_or_else(|| {
            AppError::new(
                ErrorStatus::RoleSetRole,
                format!("Role set {} has no entry role", set.id),
            )
        })
}

fn open_application(apps: &[Application], user: UserId, set: RoleSetId) -> Option<&Application> {
    apps.iter()
        .find(|a| a.user_id == user && a.role_set_id == set && !a.state.is_final())
}

fn check_answers(form: &Form, answers: &[(String, String)]) -> AppResult<Vec<Answer>> {
    for (name, value) in answers {
        if value.chars().count() > MAX_TEXT || name.chars().count() > MAX_TEXT {
            return Err(AppError::bad_input(format!(
                "An answer or question is longer than {MAX_TEXT} characters"
            )));
        }
        if let Some(q) = form.questions.iter().find(|q| &q.question == name)
            && value.chars().count() as f64 > q.max_length
        {
            return Err(AppError::bad_input(format!(
                "The answer to '{name}' is longer than {} characters",
                q.max_length
            )));
        }
    }
    for q in form.questions.iter().filter(|q| q.required) {
        let answered = answers
            .iter()
            .any(|(n, v)| n == &q.question && !v.trim().is_empty());
        if !answered {
            return Err(AppError::bad_input(format!(
                "The question '{}' needs an answer",
                q.question
            )));
        }
    }
    Ok(answers
        .iter()
        .enumerate()
        .map(|(i, (name, value))| Answer {
            id: Uuid::now_v7(),
            name: name.clone(),
            value: value.clone(),
            sort_order: i32::try_from(i).unwrap_or(i32::MAX) + 1,
        })
        .collect())
}

/// A new platform invitation of `email` to `set` (no extra roles, no platform role, not into
/// the parents) with its policy, which takes the role set's cascading rules.
fn new_platform_invitation(
    set: &RoleSet,
    email: String,
    inviter: UserId,
    request: &InviteRequest,
    role_set_policy: Option<&AuthorizationPolicy>,
    now: chrono::DateTime<Utc>,
) -> (PlatformInvitation, AuthorizationPolicy) {
    let mut policy = auth_repo::new_policy(AuthorizationPolicyType::Invitation);
    if let Some(parent) = role_set_policy {
        policy.inherit_from(parent);
    }
    let invitation = PlatformInvitation {
        id: Uuid::now_v7(),
        role_set_id: set.id,
        email,
        first_name: None,
        last_name: None,
        created_by: inviter,
        welcome_message: request.welcome_message.clone(),
        role_set_invited_to_parent: false,
        role_set_extra_roles: Vec::new(),
        profile_created: false,
        platform_role: None,
        authorization_id: Some(policy.id),
        created_date: now,
        updated_date: now,
    };
    (invitation, policy)
}

/// Refuses an invitation request naming nobody.
fn require_invitees(set: &RoleSet, request: &InviteRequest) -> AppResult<()> {
    if request.actors.is_empty() && request.emails.is_empty() {
        return Err(AppError::new(
            ErrorStatus::RoleSetInvitation,
            format!(
                "No contributors were given to invite to role set {}",
                set.id
            ),
        ));
    }
    Ok(())
}

fn valid_email(email: &str) -> AppResult<String> {
    let e = email.trim().to_lowercase();
    let ok = e.len() <= MAX_TEXT
        && e.split_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.starts_with('.'))
        && !e.contains(char::is_whitespace);
    if ok {
        Ok(e)
    } else {
        Err(AppError::bad_input(format!(
            "Not a valid e-mail address: {email}"
        )))
    }
}

impl EntryService {
    /// A service over the spaces and their role sets.
    pub fn new(
        db: Database,
        spaces: SpaceService,
        role_sets: RoleSetService,
        users: UserService,
        organizations: OrganizationService,
    ) -> Self {
        Self {
            db,
            spaces,
            role_sets,
            users,
            organizations,
        }
    }

    async fn space_set(&self, id: RoleSetId) -> AppResult<(RoleSet, Space)> {
        let set = self.role_sets.get(id).await?;
        let space = self.spaces.space_of_role_set(&set).await?;
        Ok((set, space))
    }

    async fn policy(&self, id: Option<Uuid>) -> AppResult<Option<AuthorizationPolicy>> {
        self.spaces.policy_of(id).await
    }

    /// The role sets above `set`, nearest first.
    async fn ancestors(
        &self,
        conn: &impl ConnectionTrait,
        set: &RoleSet,
    ) -> AppResult<Vec<RoleSet>> {
        let mut out = Vec::new();
        let mut next = set.parent_role_set_id;
        while let Some(id) = next {
            let parent = self.role_sets.get_in(conn, id).await?;
            next = parent.parent_role_set_id;
            out.push(parent);
        }
        Ok(out)
    }

    /// A role set's application form.
    pub async fn form(&self, set: &RoleSet) -> AppResult<Form> {
        Ok(entry_repo::form(self.db.conn(), set.id)
            .await?
            .unwrap_or_else(|| Form::default_for(set)))
    }

    /// `updateApplicationFormOnRoleSet`: needs UPDATE on the role set; replaces the form.
    pub async fn update_form(
        &self,
        caller: &ActorContext,
        set_id: RoleSetId,
        description: String,
        questions: Vec<FormQuestion>,
    ) -> AppResult<RoleSet> {
        let set = self.role_sets.get(set_id).await?;
        let policy = self.policy(set.authorization_id).await?;
        forbidden_unless(
            caller,
            policy.as_ref(),
            P::Update,
            "update an application form",
        )?;
        for q in &questions {
            if q.question.chars().count() > MAX_TEXT || q.explanation.chars().count() > MAX_TEXT {
                return Err(AppError::bad_input(format!(
                    "A question or explanation is longer than {MAX_TEXT} characters"
                )));
            }
            if !(q.max_length.is_finite() && q.max_length >= 0.0 && q.sort_order.is_finite()) {
                return Err(AppError::bad_input(
                    "A question's maxLength and sortOrder must be numbers, maxLength not negative",
                ));
            }
        }
        let current = self.form(&set).await?;
        let form = Form {
            id: current.id,
            description,
            questions,
            created_date: current.created_date,
            updated_date: Utc::now().trunc_subsecs(6),
        };
        entry_repo::set_form(self.db.conn(), set.id, &form).await?;
        Ok(set)
    }

    /// The caller's relation to a role set's entry role.
    pub async fn membership_status(
        &self,
        caller: &ActorContext,
        set: &RoleSet,
    ) -> AppResult<CommunityMembershipStatus> {
        Ok(self
            .membership_statuses(caller, std::slice::from_ref(set))
            .await?
            .remove(&set.id.0)
            .unwrap_or(CommunityMembershipStatus::NotMember))
    }

    /// [`Self::membership_status`] for several role sets at once (two statements).
    pub async fn membership_statuses(
        &self,
        caller: &ActorContext,
        sets: &[RoleSet],
    ) -> AppResult<HashMap<Uuid, CommunityMembershipStatus>> {
        let mut out = HashMap::new();
        let Some(actor) = caller_actor(caller) else {
            for s in sets {
                out.insert(s.id.0, CommunityMembershipStatus::NotMember);
            }
            return Ok(out);
        };
        let mut pending = Vec::new();
        for s in sets {
            let member = s
                .role(s.entry_role_name)
                .is_some_and(|r| caller.credentials.contains(&r.credential));
            if member {
                out.insert(s.id.0, CommunityMembershipStatus::Member);
            } else {
                pending.push(s.id.0);
            }
        }
        out.extend(self.pending_statuses(actor, &pending).await?);
        Ok(out)
    }

    /// For an actor that is not a member of these role sets: APPLICATION_PENDING where it has
    /// an open application, INVITATION_PENDING where an invitation waits for it, else
    /// NOT_MEMBER (two statements for any number of role sets).
    pub async fn pending_statuses(
        &self,
        actor: ActorId,
        sets: &[Uuid],
    ) -> AppResult<HashMap<Uuid, CommunityMembershipStatus>> {
        let mut out = HashMap::new();
        let states = entry_repo::states_for_actor(self.db.conn(), actor.0, sets).await?;
        for id in sets.iter().copied() {
            let status = match states.get(&id) {
                Some((apps, _))
                    if apps
                        .iter()
                        .any(|s| s.parse::<ApplicationState>().is_ok_and(|s| !s.is_final())) =>
                {
                    CommunityMembershipStatus::ApplicationPending
                }
                Some((_, invs))
                    if invs
                        .iter()
                        .any(|s| s.parse::<InvitationState>() == Ok(InvitationState::Invited)) =>
                {
                    CommunityMembershipStatus::InvitationPending
                }
                _ => CommunityMembershipStatus::NotMember,
            };
            out.insert(id, status);
        }
        Ok(out)
    }

    /// `applyForEntryRoleOnRoleSet`: a user asks to join a space (ROLESET_ENTRY_ROLE_APPLY).
    pub async fn apply(
        &self,
        caller: &ActorContext,
        set_id: RoleSetId,
        answers: Vec<(String, String)>,
    ) -> AppResult<Application> {
        let (set, _space) = self.space_set(set_id).await?;
        let policy = self.policy(set.authorization_id).await?;
        forbidden_unless(caller, policy.as_ref(), P::RolesetEntryRoleApply, "apply")?;
        let user = match caller_actor(caller) {
            Some(a) => self.users.user(UserId(a.0)).await?,
            None => None,
        }
        .ok_or_else(|| AppError::not_found("Only users can apply: user not found"))?;
        let form = self.form(&set).await?;
        let answers = check_answers(&form, &answers)?;
        let txn = self.db.begin().await?;
        if let Some(parent) = self.ancestors(&txn, &set).await?.first() {
            let held = self
                .role_sets
                .credentials_in(&txn, ActorId(user.id.0))
                .await?;
            if !held.contains(&member_credential(parent)?) {
                return Err(AppError::new(
                    ErrorStatus::RoleSetRole,
                    format!(
                        "Unable to apply to role set {}: the user is not a member of the parent community",
                        set.id
                    ),
                ));
            }
        }
        self.check_not_entered(&txn, &set, ActorId(user.id.0))
            .await?;
        let now = Utc::now().trunc_subsecs(6);
        let mut policy_new = auth_repo::new_policy(AuthorizationPolicyType::Application);
        if let Some(parent) = &policy {
            apply_application_policy(&mut policy_new, parent, user.id);
        }
        let application = Application {
            id: Uuid::now_v7(),
            role_set_id: set.id,
            user_id: user.id,
            lifecycle_id: Uuid::now_v7(),
            state: ApplicationState::New,
            answers,
            authorization_id: Some(policy_new.id),
            created_date: now,
            updated_date: now,
        };
        auth_repo::save_all(&txn, &[policy_new]).await?;
        entry_repo::insert_application(&txn, &application).await?;
        self.users
            .outbox()
            .record(
                &txn,
                alkemio_events::DomainEvent::ApplicationCreated {
                    application_id: application.id,
                    space_id: _space.id.0,
                    applicant_id: user.id.0,
                },
                Some(user.id.0),
            )
            .await?;
        txn.commit().await?;
        self.users.outbox().wake();
        Ok(application)
    }

    /// Fails with the reference's errors when `actor` has an open application or invitation
    /// on `set`, or is a member already.
    async fn check_not_entered(
        &self,
        conn: &impl ConnectionTrait,
        set: &RoleSet,
        actor: ActorId,
    ) -> AppResult<()> {
        let states = entry_repo::states_for_actor(conn, actor.0, &[set.id.0]).await?;
        let (apps, invs) = states.get(&set.id.0).cloned().unwrap_or_default();
        if apps
            .iter()
            .any(|s| s.parse::<ApplicationState>().is_ok_and(|s| !s.is_final()))
        {
            return Err(AppError::new(
                ErrorStatus::RoleSetOpenApplicationExists,
                format!("An application to role set {} is open already", set.id),
            ));
        }
        if invs
            .iter()
            .any(|s| s.parse::<InvitationState>().is_ok_and(|s| !s.is_final()))
        {
            return Err(AppError::new(
                ErrorStatus::RoleSetOpenInvitationExists,
                format!("An invitation to role set {} is open already", set.id),
            ));
        }
        let held = self.role_sets.credentials_in(conn, actor).await?;
        if held.contains(&member_credential(set)?) {
            return Err(AppError::new(
                ErrorStatus::RoleSetAlreadyMember,
                format!("Actor {actor} is a member of role set {} already", set.id),
            ));
        }
        Ok(())
    }

    /// An application.
    pub async fn application(&self, id: Uuid) -> AppResult<Application> {
        entry_repo::application(self.db.conn(), id)
            .await?
            .ok_or_else(|| AppError::not_found(format!("Application {id} not found")))
    }

    /// An invitation.
    pub async fn invitation(&self, id: Uuid) -> AppResult<Invitation> {
        entry_repo::invitation(self.db.conn(), id)
            .await?
            .ok_or_else(|| AppError::not_found(format!("Invitation {id} not found")))
    }

    /// A platform invitation.
    pub async fn platform_invitation(&self, id: Uuid) -> AppResult<PlatformInvitation> {
        entry_repo::platform_invitation(self.db.conn(), id)
            .await?
            .ok_or_else(|| AppError::not_found(format!("Platform invitation {id} not found")))
    }

    /// The applications to a role set, oldest first.
    pub async fn applications_of(&self, set: RoleSetId) -> AppResult<Vec<Application>> {
        entry_repo::applications_of(self.db.conn(), set).await
    }

    /// The invitations to a role set, oldest first.
    pub async fn invitations_of(&self, set: RoleSetId) -> AppResult<Vec<Invitation>> {
        entry_repo::invitations_of(self.db.conn(), set).await
    }

    /// The platform invitations to a role set, oldest first.
    pub async fn platform_invitations_of(
        &self,
        set: RoleSetId,
    ) -> AppResult<Vec<PlatformInvitation>> {
        entry_repo::platform_invitations_of(self.db.conn(), set).await
    }

    /// `eventOnApplication`: needs UPDATE on the application; APPROVE also GRANT, and makes the
    /// applicant a member in the same transaction.
    pub async fn application_event(
        &self,
        caller: &ActorContext,
        id: Uuid,
        event_name: &str,
    ) -> AppResult<Application> {
        let application = self.application(id).await?;
        let policy = self.policy(application.authorization_id).await?;
        forbidden_unless(caller, policy.as_ref(), P::Update, "act on an application")?;
        let (event, next) = application
            .state
            .apply(application.lifecycle_id, event_name)?;
        // read before the transaction: on SQLite it holds the write lock, and a read on another
        // pooled connection inside it could wait for a connection the waiting writers hold
        let declined_space = if event == ApplicationEvent::Reject {
            let set = self.role_sets.get(application.role_set_id).await?;
            Some(self.spaces.space_of_role_set(&set).await?)
        } else {
            None
        };
        let txn = self.db.begin().await?;
        let mut granted = false;
        if event == ApplicationEvent::Approve {
            forbidden_unless(caller, policy.as_ref(), P::Grant, "approve an application")?;
            let set = self.role_sets.get_in(&txn, application.role_set_id).await?;
            let space = self.spaces.space_of_role_set(&set).await?;
            granted = self
                .spaces
                .grant_role_in(
                    &txn,
                    &space,
                    &set,
                    set.entry_role_name,
                    ActorId(application.user_id.0),
                    Announce::By(caller.authenticated_id()),
                )
                .await?;
        }
        if let Some(space) = &declined_space {
            self.users
                .outbox()
                .record(
                    &txn,
                    alkemio_events::DomainEvent::ApplicationDeclined {
                        application_id: application.id,
                        space_id: space.id.0,
                        applicant_id: application.user_id.0,
                    },
                    caller.authenticated_id(),
                )
                .await?;
        }
        entry_repo::set_application_state(&txn, id, next.as_str()).await?;
        txn.commit().await?;
        self.users.outbox().wake();
        if granted {
            self.spaces
                .after_grant(ActorId(application.user_id.0))
                .await?;
        }
        self.application(id).await
    }

    /// `eventOnInvitation`: needs UPDATE on the invitation; ACCEPT also
    /// ROLESET_ENTRY_ROLE_INVITE_ACCEPT (the invitee's side only), and makes the invitee a
    /// member (of the parents first when invited to them), with the extra roles where they can
    /// be given, in the same transaction.
    pub async fn invitation_event(
        &self,
        caller: &ActorContext,
        id: Uuid,
        event_name: &str,
    ) -> AppResult<Invitation> {
        let invitation = self.invitation(id).await?;
        let policy = self.policy(invitation.authorization_id).await?;
        forbidden_unless(caller, policy.as_ref(), P::Update, "act on an invitation")?;
        let (event, next) = invitation
            .state
            .apply(invitation.lifecycle_id, event_name)?;
        let invitee = invitation.invited_actor_id;
        let set = self.role_sets.get(invitation.role_set_id).await?;
        let space = self.spaces.space_of_role_set(&set).await?;
        let invitee_credential = Credential::new(C::SpaceMemberInvitee, space.id);
        let txn = self.db.begin().await?;
        let mut touched = false;
        match event {
            InvitationEvent::Accept => {
                forbidden_unless(
                    caller,
                    policy.as_ref(),
                    P::RolesetEntryRoleInviteAccept,
                    "accept an invitation",
                )?;
                self.accept_in(&txn, &invitation, &set, &space, caller.authenticated_id())
                    .await
                    .map_err(|e| {
                        if e.is_internal() {
                            e
                        } else {
                            AppError::new(
                                ErrorStatus::RoleSetRole,
                                format!("Unable to add member to community: {}", e.message()),
                            )
                        }
                    })?;
                touched = true;
            }
            InvitationEvent::Reject => {
                touched = self
                    .role_sets
                    .revoke_credential_in(&txn, invitee, &invitee_credential)
                    .await?;
            }
            InvitationEvent::Reinvite => {
                touched = self
                    .role_sets
                    .grant_credential_in(&txn, invitee, &invitee_credential)
                    .await?;
            }
            InvitationEvent::Archive => {}
        }
        entry_repo::set_invitation_state(&txn, id, next.as_str()).await?;
        txn.commit().await?;
        self.users.outbox().wake();
        if touched {
            self.spaces.after_grant(invitee).await?;
        }
        self.invitation(id).await
    }

    async fn accept_in(
        &self,
        txn: &impl ConnectionTrait,
        invitation: &Invitation,
        set: &RoleSet,
        space: &Space,
        trigger: Option<Uuid>,
    ) -> AppResult<()> {
        let invitee = invitation.invited_actor_id;
        if invitation.invited_to_parent {
            // Top-down: the L0 first, so each grant finds its parent membership.
            let mut chain: Vec<(RoleSet, Space)> = Vec::new();
            for parent in self.ancestors(txn, set).await? {
                let s = self.spaces.space_of_role_set(&parent).await?;
                chain.push((parent, s));
            }
            for (parent, s) in chain.iter().rev() {
                self.spaces
                    .grant_role_in(
                        txn,
                        s,
                        parent,
                        parent.entry_role_name,
                        invitee,
                        Announce::By(trigger),
                    )
                    .await?;
            }
        }
        self.spaces
            .grant_role_in(
                txn,
                space,
                set,
                set.entry_role_name,
                invitee,
                Announce::By(trigger),
            )
            .await?;
        self.role_sets
            .revoke_credential_in(
                txn,
                invitee,
                &Credential::new(C::SpaceMemberInvitee, space.id),
            )
            .await?;
        for role in &invitation.extra_roles {
            if *role == set.entry_role_name || set.role(*role).is_none() {
                continue;
            }
            // As in the reference, an extra role that cannot be given (a full role, a role an
            // organization may not hold) does not stop the acceptance.
            if let Err(e) = self
                .spaces
                .grant_role_in(txn, space, set, *role, invitee, Announce::No)
                .await
            {
                if e.is_internal() {
                    return Err(e);
                }
                tracing::info!(invitation = %invitation.id, role = %role, error = %e.message(), "extra role not given");
            }
        }
        Ok(())
    }

    /// `inviteForEntryRoleOnRoleSet`: needs ROLESET_ENTRY_ROLE_INVITE on the role set.
    pub async fn invite(
        &self,
        caller: &ActorContext,
        set_id: RoleSetId,
        request: InviteRequest,
    ) -> AppResult<Vec<InvitationOutcome>> {
        let set = self.role_sets.get(set_id).await?;
        if set.role_set_type == RoleSetType::Platform {
            return self.invite_to_platform(caller, set, request).await;
        }
        let space = self.spaces.space_of_role_set(&set).await?;
        require_invitees(&set, &request)?;
        let policy = self.policy(set.authorization_id).await?;
        forbidden_unless(
            caller,
            policy.as_ref(),
            P::RolesetEntryRoleInvite,
            "invite to a space",
        )?;
        let (inviter, emails) = self.inviter_and_emails(caller, &request).await?;
        // The ancestors' role sets, nearest first, with whether the caller may invite there.
        let mut ancestors = Vec::new();
        for parent in self.ancestors(self.db.conn(), &set).await? {
            let p = self.policy(parent.authorization_id).await?;
            let may = has(caller, p.as_ref(), P::RolesetEntryRoleInvite);
            ancestors.push((member_credential(&parent)?, may));
        }
        let conn = self.db.conn();
        let mut actors: Vec<(ActorId, ActorType)> = Vec::new();
        for id in &request.actors {
            let found = self
                .role_sets
                .actor_in(conn, *id)
                .await?
                .ok_or_else(|| AppError::not_found("One or more actors not found"))?;
            match found.actor_type {
                ActorType::User | ActorType::Organization | ActorType::VirtualContributor => {}
                other => {
                    return Err(AppError::bad_input(format!(
                        "Actors of type {} cannot be invited",
                        other.as_str()
                    )));
                }
            }
            if !actors.iter().any(|(a, _)| a == id) {
                actors.push((*id, found.actor_type));
            }
        }
        let mut new_emails = Vec::new();
        for email in emails {
            match self.users.user_by_email(&email).await? {
                Some(u) => {
                    let id = ActorId(u.id.0);
                    if !actors.iter().any(|(a, _)| *a == id) {
                        actors.push((id, ActorType::User));
                    }
                }
                None => {
                    if !new_emails.contains(&email) {
                        new_emails.push(email);
                    }
                }
            }
        }
        let member = member_credential(&set)?;
        let txn = self.db.begin().await?;
        let mut out = Vec::new();
        let mut invitees = Vec::new();
        let mut policies = Vec::new();
        let now = Utc::now().trunc_subsecs(6);
        for (actor, actor_type) in actors {
            let held = self.role_sets.credentials_in(&txn, actor).await?;
            let missing: Vec<bool> = ancestors
                .iter()
                .filter(|(c, _)| !held.contains(c))
                .map(|(_, may)| *may)
                .collect();
            if missing.iter().any(|may| !may) {
                out.push(InvitationOutcome::bare(
                    RoleSetInvitationResultType::InvitationToParentNotAuthorized,
                ));
                continue;
            }
            let invitations = entry_repo::invitations_by_actors(&txn, &[actor.0]).await?;
            if let Some(open) = invitations
                .into_iter()
                .find(|i| i.role_set_id == set.id && !i.state.is_final())
            {
                out.push(InvitationOutcome {
                    invitation: Some(open),
                    ..InvitationOutcome::bare(RoleSetInvitationResultType::AlreadyInvitedToRoleSet)
                });
                continue;
            }
            if actor_type == ActorType::User {
                let apps = entry_repo::applications_by_user(&txn, UserId(actor.0)).await?;
                if let Some(open) = open_application(&apps, UserId(actor.0), set.id) {
                    out.push(InvitationOutcome {
                        application: Some(open.clone()),
                        ..InvitationOutcome::bare(
                            RoleSetInvitationResultType::AlreadyHasOpenApplication,
                        )
                    });
                    continue;
                }
            }
            if held.contains(&member) {
                out.push(InvitationOutcome::bare(
                    RoleSetInvitationResultType::AlreadyMemberOfRoleSet,
                ));
                continue;
            }
            let account = match actor_type {
                ActorType::User => self
                    .users
                    .user(UserId(actor.0))
                    .await?
                    .and_then(|u| u.account_id),
                // a virtual contributor's invitation is answered by its account's admins
                ActorType::VirtualContributor => {
                    alkemio_virtual_contributor::repo::find_many(&txn, &[actor.0])
                        .await?
                        .remove(&actor.0)
                        .and_then(|v| v.account_id)
                }
                _ => self
                    .organizations
                    .get(actor)
                    .await?
                    .and_then(|o| o.account_id),
            };
            let mut p = auth_repo::new_policy(AuthorizationPolicyType::Invitation);
            if let Some(parent) = &policy {
                apply_invitation_policy(&mut p, parent, account);
            }
            let invitation = Invitation {
                id: Uuid::now_v7(),
                role_set_id: set.id,
                invited_actor_id: actor,
                invitee_account_id: account,
                created_by: Some(inviter),
                welcome_message: request.welcome_message.clone(),
                invited_to_parent: !missing.is_empty(),
                extra_roles: request.extra_roles.clone(),
                lifecycle_id: Uuid::now_v7(),
                state: InvitationState::Invited,
                authorization_id: Some(p.id),
                created_date: now,
                updated_date: now,
            };
            entry_repo::insert_invitation(&txn, &invitation).await?;
            self.users
                .outbox()
                .record(
                    &txn,
                    alkemio_events::DomainEvent::InvitationCreated {
                        invitation_id: invitation.id,
                        space_id: space.id.0,
                        invitee_id: actor.0,
                        welcome_message: invitation.welcome_message.clone(),
                    },
                    Some(inviter.0),
                )
                .await?;
            self.role_sets
                .grant_credential_in(
                    &txn,
                    actor,
                    &Credential::new(C::SpaceMemberInvitee, space.id),
                )
                .await?;
            policies.push(p);
            invitees.push(actor);
            out.push(InvitationOutcome {
                invitation: Some(invitation),
                ..InvitationOutcome::bare(RoleSetInvitationResultType::InvitedToRoleSet)
            });
        }
        let existing = entry_repo::platform_invitations_of(&txn, set.id).await?;
        for email in new_emails {
            if let Some(found) = existing.iter().find(|p| p.email == email) {
                out.push(InvitationOutcome {
                    platform_invitation: Some(found.clone()),
                    ..InvitationOutcome::bare(
                        RoleSetInvitationResultType::AlreadyInvitedToPlatformAndRoleSet,
                    )
                });
                continue;
            }
            if ancestors.iter().any(|(_, may)| !may) {
                out.push(InvitationOutcome::bare(
                    RoleSetInvitationResultType::InvitationToParentNotAuthorized,
                ));
                continue;
            }
            let (mut platform, p) =
                new_platform_invitation(&set, email, inviter, &request, policy.as_ref(), now);
            platform.role_set_invited_to_parent = !ancestors.is_empty();
            platform.role_set_extra_roles = request.extra_roles.clone();
            entry_repo::insert_platform_invitation(&txn, &platform).await?;
            self.users
                .outbox()
                .record(
                    &txn,
                    alkemio_events::DomainEvent::PlatformInvitationCreated {
                        platform_invitation_id: platform.id,
                        space_id: space.id.0,
                        email: platform.email.clone(),
                        welcome_message: platform.welcome_message.clone(),
                    },
                    Some(inviter.0),
                )
                .await?;
            policies.push(p);
            out.push(InvitationOutcome {
                platform_invitation: Some(platform),
                ..InvitationOutcome::bare(RoleSetInvitationResultType::InvitedToPlatformAndRoleSet)
            });
        }
        auth_repo::save_all(&txn, &policies).await?;
        txn.commit().await?;
        self.users.outbox().wake();
        for actor in invitees {
            self.role_sets.invalidate(actor).await?;
        }
        Ok(out)
    }

    /// The inviting user and the request's e-mail addresses, normalised; refuses an over-long
    /// welcome message, a caller who is not a user and a malformed address.
    async fn inviter_and_emails(
        &self,
        caller: &ActorContext,
        request: &InviteRequest,
    ) -> AppResult<(UserId, Vec<String>)> {
        if let Some(message) = &request.welcome_message
            && message.chars().count() > 8192
        {
            return Err(AppError::bad_input(
                "The welcome message is longer than 8192 characters",
            ));
        }
        let inviter = caller_actor(caller).map(|a| UserId(a.0));
        let inviter = match inviter {
            Some(u) if self.users.user(u).await?.is_some() => u,
            _ => return Err(AppError::forbidden("Only users can invite")),
        };
        let emails = request
            .emails
            .iter()
            .map(|e| valid_email(e))
            .collect::<AppResult<_>>()?;
        Ok((inviter, emails))
    }

    /// `inviteForEntryRoleOnRoleSet` on the platform's role set: invites e-mail addresses of
    /// people without an account to register, with one platform role (beta tester or VC
    /// campaign) granted when they do. Needs GRANT on the platform's role set, as assigning
    /// those roles does. Registered users already hold the platform's entry role: they come back
    /// as ALREADY_MEMBER_OF_ROLE_SET (`assignPlatformRoleToUser` gives them the role).
    async fn invite_to_platform(
        &self,
        caller: &ActorContext,
        set: RoleSet,
        request: InviteRequest,
    ) -> AppResult<Vec<InvitationOutcome>> {
        require_invitees(&set, &request)?;
        let policy = self.policy(set.authorization_id).await?;
        forbidden_unless(
            caller,
            policy.as_ref(),
            P::Grant,
            "invite to a platform role",
        )?;
        let role = match request.extra_roles.as_slice() {
            [role] if PLATFORM_INVITATION_ROLES.contains(role) => *role,
            _ => {
                return Err(AppError::bad_input(format!(
                    "An invitation to the platform carries exactly one of the roles {}",
                    PLATFORM_INVITATION_ROLES.map(|r| r.as_str()).join(", ")
                )));
            }
        };
        let (inviter, emails) = self.inviter_and_emails(caller, &request).await?;
        let conn = self.db.conn();
        let mut out = Vec::new();
        for id in &request.actors {
            let found = self
                .role_sets
                .actor_in(conn, *id)
                .await?
                .ok_or_else(|| AppError::not_found("One or more actors not found"))?;
            if found.actor_type != ActorType::User {
                return Err(AppError::bad_input(format!(
                    "Only users hold platform roles, not actors of type {}",
                    found.actor_type.as_str()
                )));
            }
            out.push(InvitationOutcome::bare(
                RoleSetInvitationResultType::AlreadyMemberOfRoleSet,
            ));
        }
        let mut new_emails: Vec<String> = Vec::new();
        for email in emails {
            if self.users.user_by_email(&email).await?.is_some() {
                out.push(InvitationOutcome::bare(
                    RoleSetInvitationResultType::AlreadyMemberOfRoleSet,
                ));
            } else if !new_emails.contains(&email) {
                new_emails.push(email);
            }
        }
        let txn = self.db.begin().await?;
        let existing = entry_repo::platform_invitations_of(&txn, set.id).await?;
        let mut policies = Vec::new();
        let now = Utc::now().trunc_subsecs(6);
        for email in new_emails {
            if let Some(found) = existing.iter().find(|p| p.email == email) {
                out.push(InvitationOutcome {
                    platform_invitation: Some(found.clone()),
                    ..InvitationOutcome::bare(
                        RoleSetInvitationResultType::AlreadyInvitedToPlatformAndRoleSet,
                    )
                });
                continue;
            }
            let (mut platform, p) =
                new_platform_invitation(&set, email, inviter, &request, policy.as_ref(), now);
            platform.role_set_extra_roles = vec![role];
            platform.platform_role = Some(role);
            entry_repo::insert_platform_invitation(&txn, &platform).await?;
            policies.push(p);
            out.push(InvitationOutcome {
                platform_invitation: Some(platform),
                ..InvitationOutcome::bare(RoleSetInvitationResultType::InvitedToPlatformAndRoleSet)
            });
        }
        auth_repo::save_all(&txn, &policies).await?;
        txn.commit().await?;
        Ok(out)
    }

    /// `deleteApplication`: needs DELETE on the application.
    pub async fn delete_application(
        &self,
        caller: &ActorContext,
        id: Uuid,
    ) -> AppResult<Application> {
        let application = self.application(id).await?;
        let policy = self.policy(application.authorization_id).await?;
        forbidden_unless(caller, policy.as_ref(), P::Delete, "delete an application")?;
        let txn = self.db.begin().await?;
        entry_repo::delete_application(&txn, id).await?;
        auth_repo::delete(
            &txn,
            &application.authorization_id.into_iter().collect::<Vec<_>>(),
        )
        .await?;
        txn.commit().await?;
        Ok(application)
    }

    /// `deleteInvitation`: needs DELETE on the invitation; an invitation not yet accepted takes
    /// the invitee credential with it.
    pub async fn delete_invitation(
        &self,
        caller: &ActorContext,
        id: Uuid,
    ) -> AppResult<Invitation> {
        let invitation = self.invitation(id).await?;
        let policy = self.policy(invitation.authorization_id).await?;
        forbidden_unless(caller, policy.as_ref(), P::Delete, "delete an invitation")?;
        let space = self
            .spaces
            .by_role_set(invitation.role_set_id)
            .await?
            .map(|s| s.id);
        let txn = self.db.begin().await?;
        let mut revoked = false;
        if let Some(space) = space
            && invitation.state != InvitationState::Accepted
        {
            revoked = self
                .role_sets
                .revoke_credential_in(
                    &txn,
                    invitation.invited_actor_id,
                    &Credential::new(C::SpaceMemberInvitee, space),
                )
                .await?;
        }
        entry_repo::delete_invitation(&txn, id).await?;
        auth_repo::delete(
            &txn,
            &invitation.authorization_id.into_iter().collect::<Vec<_>>(),
        )
        .await?;
        txn.commit().await?;
        if revoked {
            self.role_sets
                .invalidate(invitation.invited_actor_id)
                .await?;
        }
        Ok(invitation)
    }

    /// `deletePlatformInvitation`: needs DELETE on the platform invitation.
    pub async fn delete_platform_invitation(
        &self,
        caller: &ActorContext,
        id: Uuid,
    ) -> AppResult<PlatformInvitation> {
        let platform = self.platform_invitation(id).await?;
        let policy = self.policy(platform.authorization_id).await?;
        forbidden_unless(
            caller,
            policy.as_ref(),
            P::Delete,
            "delete a platform invitation",
        )?;
        let txn = self.db.begin().await?;
        entry_repo::delete_platform_invitation(&txn, id).await?;
        auth_repo::delete(
            &txn,
            &platform.authorization_id.into_iter().collect::<Vec<_>>(),
        )
        .await?;
        txn.commit().await?;
        Ok(platform)
    }

    /// Turns the platform invitations of a newly registered user's e-mail address into
    /// ordinary invitations (the person accepts them as any invitee would); an invitation to the
    /// platform's role set grants its platform role at once.
    pub async fn user_registered(&self, user: &User) -> AppResult<()> {
        let pending: Vec<PlatformInvitation> =
            entry_repo::platform_invitations_by_email(self.db.conn(), &user.email)
                .await?
                .into_iter()
                .filter(|p| !p.profile_created)
                .collect();
        if pending.is_empty() {
            return Ok(());
        }
        let actor = ActorId(user.id.0);
        let txn = self.db.begin().await?;
        let mut policies = Vec::new();
        let mut granted = false;
        let mut recorded = false;
        for platform in pending {
            entry_repo::set_profile_created(&txn, platform.id).await?;
            let set = self.role_sets.get_in(&txn, platform.role_set_id).await?;
            if set.role_set_type == RoleSetType::Platform {
                if let Some(role) = platform.platform_role
                    && self
                        .role_sets
                        .assign_in(&txn, &set, role, actor, &[])
                        .await?
                {
                    self.users
                        .outbox()
                        .record(
                            &txn,
                            alkemio_events::DomainEvent::GlobalRoleChanged {
                                user_id: actor.0,
                                role: role.as_str().to_owned(),
                                added: true,
                            },
                            Some(platform.created_by.0),
                        )
                        .await?;
                    granted = true;
                    recorded = true;
                }
                continue;
            }
            let Some(space) = self.spaces.by_role_set(set.id).await? else {
                continue;
            };
            if self.check_not_entered(&txn, &set, actor).await.is_err() {
                continue;
            }
            let role_set_policy = self.policy(set.authorization_id).await?;
            let mut p = auth_repo::new_policy(AuthorizationPolicyType::Invitation);
            if let Some(parent) = &role_set_policy {
                apply_invitation_policy(&mut p, parent, user.account_id);
            }
            let now = Utc::now().trunc_subsecs(6);
            let invitation = Invitation {
                id: Uuid::now_v7(),
                role_set_id: set.id,
                invited_actor_id: actor,
                invitee_account_id: user.account_id,
                created_by: Some(platform.created_by),
                welcome_message: platform.welcome_message.clone(),
                invited_to_parent: platform.role_set_invited_to_parent,
                extra_roles: platform.role_set_extra_roles.clone(),
                lifecycle_id: Uuid::now_v7(),
                state: InvitationState::Invited,
                authorization_id: Some(p.id),
                created_date: now,
                updated_date: now,
            };
            entry_repo::insert_invitation(&txn, &invitation).await?;
            granted |= self
                .role_sets
                .grant_credential_in(
                    &txn,
                    actor,
                    &Credential::new(C::SpaceMemberInvitee, space.id),
                )
                .await?;
            policies.push(p);
        }
        auth_repo::save_all(&txn, &policies).await?;
        txn.commit().await?;
        if recorded {
            self.users.outbox().wake();
        }
        if granted {
            self.role_sets.invalidate(actor).await?;
        }
        Ok(())
    }

    /// The caller's own applications (optionally only in some states), each with its space.
    pub async fn my_applications(
        &self,
        caller: &ActorContext,
        states: &[String],
    ) -> AppResult<Vec<(Application, Space)>> {
        let Some(actor) = caller_actor(caller) else {
            return Err(AppError::bad_input(
                "Applications are only kept for registered users",
            ));
        };
        self.applications_of_actor(actor, states).await
    }

    /// A user's applications (optionally only in some states), each with its space.
    pub async fn applications_of_actor(
        &self,
        actor: ActorId,
        states: &[String],
    ) -> AppResult<Vec<(Application, Space)>> {
        let apps: Vec<Application> =
            entry_repo::applications_by_user(self.db.conn(), UserId(actor.0))
                .await?
                .into_iter()
                .filter(|a| states.is_empty() || states.iter().any(|s| s == a.state.as_str()))
                .collect();
        let sets: Vec<Uuid> = apps.iter().map(|a| a.role_set_id.0).collect();
        let spaces = self.spaces.by_role_sets(&sets).await?;
        Ok(apps
            .into_iter()
            .filter_map(|a| spaces.get(&a.role_set_id.0).cloned().map(|s| (a, s)))
            .collect())
    }

    /// The invitations the caller can act on (their own, and their organizations' where they
    /// are an admin or owner), optionally only in some states, each with its space.
    pub async fn my_invitations(
        &self,
        caller: &ActorContext,
        states: &[String],
    ) -> AppResult<Vec<(Invitation, Space)>> {
        let Some(actor) = caller_actor(caller) else {
            return Err(AppError::bad_input(
                "Invitations are only kept for registered users",
            ));
        };
        self.invitations_for(actor, &caller.credentials, states)
            .await
    }

    /// The invitations an actor holding `credentials` can act on: its own, and those of the
    /// organizations it administers or owns.
    pub async fn invitations_for(
        &self,
        actor: ActorId,
        credentials: &[Credential],
        states: &[String],
    ) -> AppResult<Vec<(Invitation, Space)>> {
        let mut actors = vec![actor.0];
        let mut seen: HashSet<Uuid> = HashSet::from([actor.0]);
        for c in credentials {
            if matches!(
                c.credential_type,
                C::OrganizationAdmin | C::OrganizationOwner
            ) && let Ok(id) = Uuid::parse_str(&c.resource_id)
                && seen.insert(id)
            {
                actors.push(id);
            }
        }
        let mut invitations = entry_repo::invitations_by_actors(self.db.conn(), &actors).await?;
        invitations.retain(|i| states.is_empty() || states.iter().any(|s| s == i.state.as_str()));
        invitations.sort_by_key(|i| {
            (
                actors.iter().position(|a| *a == i.invited_actor_id.0),
                i.created_date,
            )
        });
        let sets: Vec<Uuid> = invitations.iter().map(|i| i.role_set_id.0).collect();
        let spaces = self.spaces.by_role_sets(&sets).await?;
        Ok(invitations
            .into_iter()
            .filter_map(|i| spaces.get(&i.role_set_id.0).cloned().map(|s| (i, s)))
            .collect())
    }

    /// The policy ids of the applications and invitations of some actors, to delete after the
    /// actors themselves are deleted (their rows go with the actors).
    pub async fn policies_of_actors(&self, actors: &[Uuid]) -> AppResult<Vec<Uuid>> {
        entry_repo::entry_policy_ids(self.db.conn(), &[], actors).await
    }

    /// Deletes policies left behind by deleted applications and invitations.
    pub async fn delete_policies(&self, ids: &[Uuid]) -> AppResult<()> {
        auth_repo::delete(self.db.conn(), ids).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_checked_against_the_form() {
        let mut form = Form::space_default(Utc::now());
        form.questions.push(FormQuestion {
            question: "Why?".into(),
            explanation: String::new(),
            max_length: 5.0,
            required: true,
            sort_order: 2.0,
        });
        assert!(check_answers(&form, &[]).is_err());
        assert!(check_answers(&form, &[("Why?".into(), "   ".into())]).is_err());
        assert!(check_answers(&form, &[("Why?".into(), "toolong".into())]).is_err());
        let ok = check_answers(&form, &[("Why?".into(), "fun".into())]).unwrap();
        assert_eq!(ok[0].sort_order, 1);
        assert!(check_answers(&form, &[("Why?".into(), "x".repeat(513))]).is_err());
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(valid_email(" A@B.org ").unwrap(), "a@b.org");
        assert!(valid_email("nobody").is_err());
        assert!(valid_email("a@b").is_err());
        assert!(valid_email("a b@c.org").is_err());
    }
}
