//! GraphQL: applications, invitations, platform invitations, application forms, and the
//! mutations that create them and move them through their lifecycles.

use crate::authorization::{Authorization, require_on};
use crate::community::RoleSet;
use crate::context::{actor, data};
use crate::contributor::{Actor, User};
use crate::organization::Lifecycle;
use crate::space::{CommunityGuidelines, SpaceAbout, about_and_guidelines};
use alkemio_authorization::AuthorizationPrivilege as P;
use alkemio_community::entry::{self as model, RoleSetInvitationResultType};
use alkemio_community::{RoleName, RoleSetService};
use alkemio_contributor::{ActorService, UserService};
use alkemio_kernel::ids::{ActorId, RoleSetId};
use alkemio_kernel::scalars::{DateTime, Markdown, UuidScalar};
use alkemio_kernel::{AppError, AppResult};
use alkemio_space::entry::InviteRequest;
use alkemio_space::{EntryService, SpaceLevel};
use async_graphql::{Context, InputObject, Object, Result, SimpleObject};

fn service<'a>(ctx: &Context<'a>) -> AppResult<&'a EntryService> {
    data::<EntryService>(ctx)
}

async fn actor_of(ctx: &Context<'_>, id: ActorId) -> Result<Actor> {
    Ok(Actor(
        data::<ActorService>(ctx)?
            .actor(id)
            .await?
            .ok_or_else(|| AppError::not_found(format!("Actor {id} not found")))?,
    ))
}

/// One answer of an application.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "Question")]
pub struct Question {
    /// Its id.
    pub id: UuidScalar,
    /// The question answered.
    pub name: String,
    /// The answer.
    pub value: String,
    /// When it was given.
    pub created_date: DateTime,
    /// When it last changed.
    pub updated_date: DateTime,
}

/// A user's application to join a community.
#[derive(Debug, Clone)]
pub struct Application(pub model::Application);

#[Object(name = "Application")]
impl Application {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }
    /// The applicant (needs READ on the application).
    async fn actor(&self, ctx: &Context<'_>) -> Result<Actor> {
        require_on(ctx, self.0.authorization_id, P::Read, "read an application").await?;
        actor_of(ctx, ActorId(self.0.user_id.0)).await
    }
    /// The answers given, in the order given (needs READ on the application).
    async fn questions(&self, ctx: &Context<'_>) -> Result<Vec<Question>> {
        require_on(ctx, self.0.authorization_id, P::Read, "read an application").await?;
        let mut answers = self.0.answers.clone();
        answers.sort_by_key(|a| a.sort_order);
        Ok(answers
            .into_iter()
            .map(|a| Question {
                id: UuidScalar(a.id),
                name: a.name,
                value: a.value,
                created_date: DateTime(self.0.created_date),
                updated_date: DateTime(self.0.created_date),
            })
            .collect())
    }
    /// Its state: new, approved, rejected or archived.
    async fn state(&self) -> &str {
        self.0.state.as_str()
    }
    /// The events its state takes.
    async fn next_events(&self) -> Vec<&'static str> {
        self.0.state.next_events().to_vec()
    }
    /// Whether its lifecycle is over.
    async fn is_finalized(&self) -> bool {
        self.0.state.is_final()
    }
    /// Its lifecycle.
    async fn lifecycle(&self) -> Lifecycle {
        Lifecycle {
            id: UuidScalar(self.0.lifecycle_id),
            created_date: DateTime(self.0.created_date),
            updated_date: DateTime(self.0.updated_date),
        }
    }
    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        crate::authorization::authorization_of(ctx, self.0.authorization_id).await
    }
    /// When it was made.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }
    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }
}

/// An invitation of a user or organization to join a community.
#[derive(Debug, Clone)]
pub struct Invitation(pub model::Invitation);

#[Object(name = "Invitation")]
impl Invitation {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }
    /// Who is invited (needs READ on the invitation).
    async fn actor(&self, ctx: &Context<'_>) -> Result<Actor> {
        require_on(ctx, self.0.authorization_id, P::Read, "read an invitation").await?;
        actor_of(ctx, self.0.invited_actor_id).await
    }
    /// The inviting user, when still there (needs READ on the invitation).
    async fn created_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        require_on(ctx, self.0.authorization_id, P::Read, "read an invitation").await?;
        let Some(id) = self.0.created_by else {
            return Ok(None);
        };
        Ok(data::<UserService>(ctx)?.user(id).await?.map(User))
    }
    /// The inviter's note.
    async fn welcome_message(&self) -> Option<&str> {
        self.0.welcome_message.as_deref()
    }
    /// Whether accepting also enters the parent spaces' communities.
    async fn invited_to_parent(&self) -> bool {
        self.0.invited_to_parent
    }
    /// Roles given besides membership on acceptance.
    async fn extra_roles(&self) -> Vec<RoleName> {
        self.0.extra_roles.clone()
    }
    /// Its state: invited, accepted, rejected or archived.
    async fn state(&self) -> &str {
        self.0.state.as_str()
    }
    /// The events its state takes.
    async fn next_events(&self) -> Vec<&'static str> {
        self.0.state.next_events().to_vec()
    }
    /// Whether its lifecycle is over.
    async fn is_finalized(&self) -> bool {
        self.0.state.is_final()
    }
    /// Its lifecycle.
    async fn lifecycle(&self) -> Lifecycle {
        Lifecycle {
            id: UuidScalar(self.0.lifecycle_id),
            created_date: DateTime(self.0.created_date),
            updated_date: DateTime(self.0.updated_date),
        }
    }
    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        crate::authorization::authorization_of(ctx, self.0.authorization_id).await
    }
    /// When it was made.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }
    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }
}

/// An invitation of an e-mail address without an account; it becomes an invitation of the
/// user who registers with that address.
#[derive(Debug, Clone)]
pub struct PlatformInvitation(pub model::PlatformInvitation);

#[Object(name = "PlatformInvitation")]
impl PlatformInvitation {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }
    /// The address invited.
    async fn email(&self) -> &str {
        &self.0.email
    }
    /// First name, when given.
    async fn first_name(&self) -> Option<&str> {
        self.0.first_name.as_deref()
    }
    /// Last name, when given.
    async fn last_name(&self) -> Option<&str> {
        self.0.last_name.as_deref()
    }
    /// The inviting user (needs READ on the invitation).
    async fn created_by(&self, ctx: &Context<'_>) -> Result<User> {
        require_on(ctx, self.0.authorization_id, P::Read, "read an invitation").await?;
        Ok(User(
            data::<UserService>(ctx)?
                .user(self.0.created_by)
                .await?
                .ok_or_else(|| {
                    AppError::not_found(format!("User {} not found", self.0.created_by))
                })?,
        ))
    }
    /// The inviter's note.
    async fn welcome_message(&self) -> Option<&str> {
        self.0.welcome_message.as_deref()
    }
    /// Whether the invitation made on registration also enters the parent spaces.
    async fn role_set_invited_to_parent(&self) -> bool {
        self.0.role_set_invited_to_parent
    }
    /// Roles given besides membership on acceptance.
    async fn role_set_extra_roles(&self) -> Vec<RoleName> {
        self.0.role_set_extra_roles.clone()
    }
    /// Whether the person has registered (and got an ordinary invitation).
    async fn profile_created(&self) -> bool {
        self.0.profile_created
    }
    /// For an invitation to the platform's role set: the platform role granted when the person
    /// registers. Null for invitations to a space.
    async fn platform_role(&self) -> Option<RoleName> {
        self.0.platform_role
    }
    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        crate::authorization::authorization_of(ctx, self.0.authorization_id).await
    }
    /// When it was made.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }
    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }
}

/// An application form.
#[derive(Debug, Clone)]
pub struct Form(pub model::Form);

/// One question of an application form.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "FormQuestion")]
pub struct FormQuestion {
    /// The question.
    pub question: String,
    /// What the question is after.
    pub explanation: String,
    /// Longest answer accepted.
    pub max_length: f64,
    /// Whether an answer is needed.
    pub required: bool,
    /// Position among the questions.
    pub sort_order: f64,
}

#[Object(name = "Form")]
impl Form {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }
    /// Text shown above the questions.
    async fn description(&self) -> Option<Markdown> {
        Some(Markdown(self.0.description.clone()))
    }
    /// The questions by their sort order.
    async fn questions(&self) -> Vec<FormQuestion> {
        self.0
            .sorted_questions()
            .into_iter()
            .map(|q| FormQuestion {
                question: q.question,
                explanation: q.explanation,
                max_length: q.max_length,
                required: q.required,
                sort_order: q.sort_order,
            })
            .collect()
    }
    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }
    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }
}

/// What inviting one actor or address came to.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "RoleSetInvitationResult")]
pub struct RoleSetInvitationResult {
    /// What happened.
    pub r#type: RoleSetInvitationResultType,
    /// The invitation made or found.
    pub invitation: Option<Invitation>,
    /// The invitee's open application found.
    pub application: Option<Application>,
    /// The platform invitation made or found.
    pub platform_invitation: Option<PlatformInvitation>,
}

/// The space of a pending application or invitation.
#[derive(Debug, Clone)]
pub struct SpacePendingMembershipInfo(pub alkemio_space::Space);

#[Object(name = "SpacePendingMembershipInfo")]
impl SpacePendingMembershipInfo {
    /// The space's id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id.0)
    }
    /// The space's level.
    async fn level(&self) -> SpaceLevel {
        self.0.level
    }
    /// The space's about.
    async fn about(&self, ctx: &Context<'_>) -> Result<SpaceAbout> {
        Ok(about_and_guidelines(ctx, &self.0).await?.0)
    }
    /// The space community's guidelines.
    async fn community_guidelines(&self, ctx: &Context<'_>) -> Result<CommunityGuidelines> {
        Ok(about_and_guidelines(ctx, &self.0).await?.1)
    }
}

/// One of the caller's applications with its space.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "CommunityApplicationResult")]
pub struct CommunityApplicationResult {
    /// The application's id.
    pub id: UuidScalar,
    /// The application.
    pub application: Application,
    /// Its space.
    pub space_pending_membership_info: SpacePendingMembershipInfo,
}

/// One of the invitations the caller can act on, with its space.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "CommunityInvitationResult")]
pub struct CommunityInvitationResult {
    /// The invitation's id.
    pub id: UuidScalar,
    /// The invitation.
    pub invitation: Invitation,
    /// Its space.
    pub space_pending_membership_info: SpacePendingMembershipInfo,
}

/// The caller's applications, optionally only in the given states.
pub(crate) async fn my_applications(
    ctx: &Context<'_>,
    states: Option<Vec<String>>,
) -> Result<Vec<CommunityApplicationResult>> {
    let found = service(ctx)?
        .my_applications(&actor(ctx), &states.unwrap_or_default())
        .await?;
    Ok(found
        .into_iter()
        .map(|(a, s)| CommunityApplicationResult {
            id: UuidScalar(a.id),
            application: Application(a),
            space_pending_membership_info: SpacePendingMembershipInfo(s),
        })
        .collect())
}

/// The invitations the caller can act on, optionally only in the given states.
pub(crate) async fn my_invitations(
    ctx: &Context<'_>,
    states: Option<Vec<String>>,
) -> Result<Vec<CommunityInvitationResult>> {
    let found = service(ctx)?
        .my_invitations(&actor(ctx), &states.unwrap_or_default())
        .await?;
    Ok(found
        .into_iter()
        .map(|(i, s)| CommunityInvitationResult {
            id: UuidScalar(i.id),
            invitation: Invitation(i),
            space_pending_membership_info: SpacePendingMembershipInfo(s),
        })
        .collect())
}

/// A name and a value (an answer to a form's question).
#[derive(Debug, Clone, InputObject)]
#[graphql(name = "CreateNVPInput")]
pub struct CreateNvpInput {
    /// The question.
    pub name: String,
    /// The answer.
    pub value: String,
    /// Position among the answers.
    pub sort_order: f64,
}

/// Applying to a role set.
#[derive(Debug, Clone, InputObject)]
pub struct ApplyForEntryRoleOnRoleSetInput {
    /// The role set.
    #[graphql(name = "roleSetID")]
    pub role_set_id: UuidScalar,
    /// The answers to the application form.
    pub questions: Vec<CreateNvpInput>,
}

/// Inviting to a role set.
#[derive(Debug, Clone, InputObject)]
pub struct InviteForEntryRoleOnRoleSetInput {
    /// The role set.
    #[graphql(name = "roleSetID")]
    pub role_set_id: UuidScalar,
    /// Users and organizations to invite.
    #[graphql(name = "invitedActorIDs")]
    pub invited_actor_ids: Vec<UuidScalar>,
    /// E-mail addresses to invite (registered users or people without an account).
    pub invited_user_emails: Vec<String>,
    /// A note for the invitees.
    pub welcome_message: Option<String>,
    /// Roles given besides membership on acceptance.
    pub extra_roles: Vec<RoleName>,
}

/// An event on an application.
#[derive(Debug, Clone, InputObject)]
pub struct ApplicationEventInput {
    /// The application.
    #[graphql(name = "applicationID")]
    pub application_id: UuidScalar,
    /// The event: APPROVE, REJECT, REOPEN or ARCHIVE.
    pub event_name: String,
}

/// An event on an invitation.
#[derive(Debug, Clone, InputObject)]
pub struct InvitationEventInput {
    /// The invitation.
    #[graphql(name = "invitationID")]
    pub invitation_id: UuidScalar,
    /// The event: ACCEPT, REJECT, REINVITE or ARCHIVE.
    pub event_name: String,
}

/// Deleting an application.
#[derive(Debug, Clone, InputObject)]
pub struct DeleteApplicationInput {
    /// Its id.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
}

/// Deleting an invitation.
#[derive(Debug, Clone, InputObject)]
pub struct DeleteInvitationInput {
    /// Its id.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
}

/// Deleting a platform invitation.
#[derive(Debug, Clone, InputObject)]
pub struct DeletePlatformInvitationInput {
    /// Its id.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
}

/// One question of a new application form.
#[derive(Debug, Clone, InputObject)]
pub struct UpdateFormQuestionInput {
    /// The question.
    pub question: String,
    /// What the question is after.
    pub explanation: String,
    /// Longest answer accepted.
    pub max_length: f64,
    /// Whether an answer is needed.
    pub required: bool,
    /// Position among the questions.
    pub sort_order: f64,
}

/// A new application form.
#[derive(Debug, Clone, InputObject)]
pub struct UpdateFormInput {
    /// Text shown above the questions.
    pub description: Markdown,
    /// The questions, replacing the old ones.
    pub questions: Vec<UpdateFormQuestionInput>,
}

/// Replacing a role set's application form.
#[derive(Debug, Clone, InputObject)]
pub struct UpdateApplicationFormOnRoleSetInput {
    /// The role set.
    #[graphql(name = "roleSetID")]
    pub role_set_id: UuidScalar,
    /// The form.
    pub form_data: UpdateFormInput,
}

/// Mutations on applications and invitations.
#[derive(Debug, Default)]
pub struct EntryMutation;

#[Object]
impl EntryMutation {
    /// Applies to join a space's community (needs ROLESET_ENTRY_ROLE_APPLY).
    async fn apply_for_entry_role_on_role_set(
        &self,
        ctx: &Context<'_>,
        application_data: ApplyForEntryRoleOnRoleSetInput,
    ) -> Result<Application> {
        let mut questions = application_data.questions;
        questions.sort_by(|a, b| a.sort_order.total_cmp(&b.sort_order));
        let answers = questions.into_iter().map(|q| (q.name, q.value)).collect();
        Ok(Application(
            service(ctx)?
                .apply(
                    &actor(ctx),
                    RoleSetId(application_data.role_set_id.0),
                    answers,
                )
                .await?,
        ))
    }

    /// Invites users, organizations and e-mail addresses to join a space's community (needs
    /// ROLESET_ENTRY_ROLE_INVITE); one result per invitee.
    async fn invite_for_entry_role_on_role_set(
        &self,
        ctx: &Context<'_>,
        invitation_data: InviteForEntryRoleOnRoleSetInput,
    ) -> Result<Vec<RoleSetInvitationResult>> {
        let request = InviteRequest {
            actors: invitation_data
                .invited_actor_ids
                .iter()
                .map(|i| ActorId(i.0))
                .collect(),
            emails: invitation_data.invited_user_emails,
            welcome_message: invitation_data.welcome_message,
            extra_roles: invitation_data.extra_roles,
        };
        let outcomes = service(ctx)?
            .invite(
                &actor(ctx),
                RoleSetId(invitation_data.role_set_id.0),
                request,
            )
            .await?;
        Ok(outcomes
            .into_iter()
            .map(|o| RoleSetInvitationResult {
                r#type: o.result,
                invitation: o.invitation.map(Invitation),
                application: o.application.map(Application),
                platform_invitation: o.platform_invitation.map(PlatformInvitation),
            })
            .collect())
    }

    /// Moves an application on: APPROVE (needs GRANT; the applicant becomes a member),
    /// REJECT, REOPEN or ARCHIVE (need UPDATE).
    async fn event_on_application(
        &self,
        ctx: &Context<'_>,
        event_data: ApplicationEventInput,
    ) -> Result<Application> {
        Ok(Application(
            service(ctx)?
                .application_event(
                    &actor(ctx),
                    event_data.application_id.0,
                    &event_data.event_name,
                )
                .await?,
        ))
    }

    /// Moves an invitation on: ACCEPT (the invitee's side only; the invitee becomes a
    /// member), REJECT, REINVITE or ARCHIVE (need UPDATE).
    async fn event_on_invitation(
        &self,
        ctx: &Context<'_>,
        event_data: InvitationEventInput,
    ) -> Result<Invitation> {
        Ok(Invitation(
            service(ctx)?
                .invitation_event(
                    &actor(ctx),
                    event_data.invitation_id.0,
                    &event_data.event_name,
                )
                .await?,
        ))
    }

    /// Deletes an application (needs DELETE on it).
    async fn delete_application(
        &self,
        ctx: &Context<'_>,
        delete_data: DeleteApplicationInput,
    ) -> Result<Application> {
        Ok(Application(
            service(ctx)?
                .delete_application(&actor(ctx), delete_data.id.0)
                .await?,
        ))
    }

    /// Deletes an invitation (needs DELETE on it).
    async fn delete_invitation(
        &self,
        ctx: &Context<'_>,
        delete_data: DeleteInvitationInput,
    ) -> Result<Invitation> {
        Ok(Invitation(
            service(ctx)?
                .delete_invitation(&actor(ctx), delete_data.id.0)
                .await?,
        ))
    }

    /// Deletes a platform invitation (needs DELETE on it).
    async fn delete_platform_invitation(
        &self,
        ctx: &Context<'_>,
        delete_data: DeletePlatformInvitationInput,
    ) -> Result<PlatformInvitation> {
        Ok(PlatformInvitation(
            service(ctx)?
                .delete_platform_invitation(&actor(ctx), delete_data.id.0)
                .await?,
        ))
    }

    /// Replaces a role set's application form (needs UPDATE on the role set).
    async fn update_application_form_on_role_set(
        &self,
        ctx: &Context<'_>,
        application_form_data: UpdateApplicationFormOnRoleSetInput,
    ) -> Result<RoleSet> {
        let form = application_form_data.form_data;
        let questions = form
            .questions
            .into_iter()
            .map(|q| model::FormQuestion {
                question: q.question,
                explanation: q.explanation,
                max_length: q.max_length,
                required: q.required,
                sort_order: q.sort_order,
            })
            .collect();
        let set = service(ctx)?
            .update_form(
                &actor(ctx),
                RoleSetId(application_form_data.role_set_id.0),
                form.description.0,
                questions,
            )
            .await?;
        Ok(RoleSet(data::<RoleSetService>(ctx)?.get(set.id).await?))
    }
}

/// `lookup.application`: needs READ on it.
pub(crate) async fn lookup_application(
    ctx: &Context<'_>,
    id: UuidScalar,
) -> Result<Option<Application>> {
    let found = service(ctx)?.application(id.0).await?;
    require_on(ctx, found.authorization_id, P::Read, "read an application").await?;
    Ok(Some(Application(found)))
}

/// `lookup.invitation`: needs READ on it.
pub(crate) async fn lookup_invitation(
    ctx: &Context<'_>,
    id: UuidScalar,
) -> Result<Option<Invitation>> {
    let found = service(ctx)?.invitation(id.0).await?;
    require_on(ctx, found.authorization_id, P::Read, "read an invitation").await?;
    Ok(Some(Invitation(found)))
}

/// `lookup.platformInvitation`: needs READ on it.
pub(crate) async fn lookup_platform_invitation(
    ctx: &Context<'_>,
    id: UuidScalar,
) -> Result<Option<PlatformInvitation>> {
    let found = service(ctx)?.platform_invitation(id.0).await?;
    require_on(ctx, found.authorization_id, P::Read, "read an invitation").await?;
    Ok(Some(PlatformInvitation(found)))
}
