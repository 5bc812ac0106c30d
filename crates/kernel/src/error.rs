//! The one error type of the server and its mapping to GraphQL errors.
//!
//! Every failure a client can see is an [`AppError`]: a [`ErrorStatus`] (the reference's
//! `AlkemioErrorStatus`, with its numeric code and i18n user-message key), a message that is
//! safe to show, and for internal failures a hidden cause that is logged once, under the
//! error's `errorId`, and never sent to the client.

use std::fmt;

use uuid::Uuid;

macro_rules! error_statuses {
    ($(($variant:ident, $code:literal, $numeric:literal, $user_message:literal),)*) => {
        /// The reference server's error statuses (`AlkemioErrorStatus`).
        ///
        /// The string code, the five-digit numeric code and the user-message key of each
        /// status are the reference's, so the web client translates and shows them unchanged.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorStatus {
            $(
                #[doc = $code]
                $variant,
            )*
            /// Anything not mapped: an unexpected, internal failure.
            Unspecified,
        }

        impl ErrorStatus {
            /// Every status, in declaration order.
            pub const ALL: &'static [ErrorStatus] = &[$(ErrorStatus::$variant,)* ErrorStatus::Unspecified];

            /// The string placed in `extensions.code`.
            pub fn code(self) -> &'static str {
                match self {
                    $(ErrorStatus::$variant => $code,)*
                    ErrorStatus::Unspecified => "UNSPECIFIED",
                }
            }

            /// The five-digit code placed in `extensions.numericCode` (category × 1000 + code).
            pub fn numeric_code(self) -> u32 {
                match self {
                    $(ErrorStatus::$variant => $numeric,)*
                    ErrorStatus::Unspecified => 99999,
                }
            }

            /// The i18n key placed in `extensions.userMessage`.
            pub fn user_message(self) -> &'static str {
                match self {
                    $(ErrorStatus::$variant => $user_message,)*
                    ErrorStatus::Unspecified => "userMessages.fallback",
                }
            }
        }
    };
}

error_statuses! {
    (EntityNotFound, "ENTITY_NOT_FOUND", 10101, "userMessages.notFound.entity"),
    (NotFound, "NOT_FOUND", 10102, "userMessages.notFound.resource"),
    (AccountNotFound, "ACCOUNT_NOT_FOUND", 10103, "userMessages.notFound.account"),
    (LicenseNotFound, "LICENSE_NOT_FOUND", 10104, "userMessages.notFound.license"),
    (StorageBucketNotFound, "STORAGE_BUCKET_NOT_FOUND", 10105, "userMessages.notFound.storageBucket"),
    (TagsetNotFound, "TAGSET_NOT_FOUND", 10106, "userMessages.notFound.tagset"),
    (MimeTypeNotFound, "MIME_TYPE_NOT_FOUND", 10107, "userMessages.notFound.mimeType"),
    (MatrixEntityNotFoundError, "MATRIX_ENTITY_NOT_FOUND_ERROR", 10108, "userMessages.notFound.matrixEntity"),
    (UserIdentityNotFound, "USER_IDENTITY_NOT_FOUND", 10109, "userMessages.notFound.userIdentity"),
    (PaginationNotFound, "PAGINATION_NOT_FOUND", 10110, "userMessages.notFound.pagination"),
    (Unauthenticated, "UNAUTHENTICATED", 11101, "userMessages.authorization.unauthenticated"),
    (Unauthorized, "UNAUTHORIZED", 11102, "userMessages.authorization.unauthorized"),
    (Forbidden, "FORBIDDEN", 11103, "userMessages.authorization.forbidden"),
    (ForbiddenPolicy, "FORBIDDEN_POLICY", 11104, "userMessages.authorization.forbiddenPolicy"),
    (ForbiddenLicensePolicy, "FORBIDDEN_LICENSE_POLICY", 11105, "userMessages.authorization.forbiddenLicensePolicy"),
    (AuthorizationInvalidPolicy, "AUTHORIZATION_INVALID_POLICY", 11106, "userMessages.authorization.invalidPolicy"),
    (AuthorizationReset, "AUTHORIZATION_RESET", 11107, "userMessages.authorization.authorizationReset"),
    (UserNotVerified, "USER_NOT_VERIFIED", 11108, "userMessages.authorization.userNotVerified"),
    (SubscriptionUserNotAuthenticated, "SUBSCRIPTION_USER_NOT_AUTHENTICATED", 11109, "userMessages.authorization.subscriptionNotAuthenticated"),
    (ApiRestrictedAccess, "API_RESTRICTED_ACCESS", 11110, "userMessages.authorization.apiRestricted"),
    (InvalidToken, "INVALID_TOKEN", 11111, "userMessages.authorization.invalidToken"),
    (BearerToken, "BEARER_TOKEN", 11112, "userMessages.authorization.bearerToken"),
    (SessionExpired, "SESSION_EXPIRED", 11113, "userMessages.authorization.sessionExpired"),
    (SessionExtend, "SESSION_EXTEND", 11114, "userMessages.authorization.sessionExtend"),
    (LoginFlow, "LOGIN_FLOW", 11115, "userMessages.authorization.loginFlow"),
    (LoginFlowInit, "LOGIN_FLOW_INIT", 11116, "userMessages.authorization.loginFlowInit"),
    (BadUserInput, "BAD_USER_INPUT", 12101, "userMessages.validation.badUserInput"),
    (InputValidationError, "INPUT VALIDATION_ERROR", 12102, "userMessages.validation.inputValidation"),
    (InvalidUuid, "INVALID_UUID", 12103, "userMessages.validation.invalidUuid"),
    (FormatNotSupported, "FORMAT_NOT_SUPPORTED", 12104, "userMessages.validation.formatNotSupported"),
    (InvalidStateTransition, "INVALID_STATE_TRANSITION", 12105, "userMessages.validation.invalidStateTransition"),
    (InvalidTemplateType, "INVALID_TEMPLATE_TYPE", 12106, "userMessages.validation.invalidTemplateType"),
    (GroupNotInitialized, "GROUP_NOT_INITIALIZED", 12107, "userMessages.validation.groupNotInitialized"),
    (EntityNotInitialized, "ENTITY_NOT_INITIALIZED", 12108, "userMessages.validation.entityNotInitialized"),
    (RelationNotLoaded, "RELATION_NOT_LOADED", 12109, "userMessages.validation.relationNotLoaded"),
    (PaginationInputOutOfBound, "PAGINATION_INPUT_OUT_OF_BOUND", 12110, "userMessages.validation.paginationOutOfBound"),
    (PaginationParamNotFound, "PAGINATION_PARAM_NOT_FOUND", 12111, "userMessages.validation.paginationParamNotFound"),
    (ForumDiscussionCategory, "FORUM_DISCUSSION_CATEGORY", 12113, "userMessages.validation.forumDiscussionCategory"),
    (NotSupported, "NOT_SUPPORTED", 12114, "userMessages.validation.notSupported"),
    (OperationNotAllowed, "OPERATION_NOT_ALLOWED", 13101, "userMessages.operations.operationNotAllowed"),
    (NotEnabled, "NOT_ENABLED", 13102, "userMessages.operations.notEnabled"),
    (MessagingNotEnabled, "MESSAGING_NOT_ENABLED", 13103, "userMessages.operations.messagingNotEnabled"),
    (RoleSetRole, "ROLESET_ROLE", 13104, "userMessages.operations.roleSetRole"),
    (RoleSetOpenApplicationExists, "ROLESET_OPEN_APPLICATION_EXISTS", 13114, "userMessages.operations.roleSetOpenApplicationExists"),
    (RoleSetOpenInvitationExists, "ROLESET_OPEN_INVITATION_EXISTS", 13115, "userMessages.operations.roleSetOpenInvitationExists"),
    (RoleSetAlreadyMember, "ROLESET_ALREADY_MEMBER", 13116, "userMessages.operations.roleSetAlreadyMember"),
    (RoleSetInvitation, "ROLESET_INVITATION", 13105, "userMessages.operations.roleSetInvitation"),
    (RoleSetPolicyRoleLimitsViolated, "ROLESET_POLICY_ROLE_LIMITS_VIOLATED", 13106, "userMessages.operations.roleLimitsViolated"),
    (LicenseEntitlementNotAvailable, "LICENSE_ENTITLEMENT_NOT_AVAILABLE", 13107, "userMessages.operations.licenseEntitlementNotAvailable"),
    (LicenseEntitlementNotSupported, "LICENSE_ENTITLEMENT_NOT_SUPPORTED", 13108, "userMessages.operations.licenseEntitlementNotSupported"),
    (LicenseEntitlementUnevaluable, "LICENSE_ENTITLEMENT_UNEVALUABLE", 13121, "userMessages.operations.licenseEntitlementUnevaluable"),
    (CalloutClosed, "CALLOUT_CLOSED", 13109, "userMessages.operations.calloutClosed"),
    (UserAlreadyRegistered, "USER_ALREADY_REGISTERED", 13110, "userMessages.operations.userAlreadyRegistered"),
    (UserNotRegistered, "USER_NOT_REGISTERED", 13111, "userMessages.operations.userNotRegistered"),
    (NoAgentForUser, "NO_AGENT_FOR_USER", 13112, "userMessages.operations.noAgentForUser"),
    (UserIdentityDeletionFailed, "USER_IDENTITY_DELETION_FAILED", 13113, "userMessages.operations.userIdentityDeletionFailed"),
    (BootstrapFailed, "BOOTSTRAP_FAILED", 14101, "userMessages.system.bootstrapFailed"),
    (NotificationPayloadBuilderError, "NOTIFICATION_PAYLOAD_BUILDER_ERROR", 14102, "userMessages.system.notificationPayloadBuilder"),
    (GeoLocationError, "GEO_LOCATION_ERROR", 14103, "userMessages.system.geoLocationError"),
    (GeoServiceNotAvailable, "GEO_SERVICE_NOT_AVAILABLE", 14104, "userMessages.system.geoServiceNotAvailable"),
    (GeoServiceError, "GEO_SERVICE_ERROR", 14105, "userMessages.system.geoServiceError"),
    (GeoServiceRequestLimitExceeded, "GEO_SERVICE_REQUEST_LIMIT_EXCEEDED", 14106, "userMessages.system.geoServiceRequestLimit"),
    (StorageDisabled, "STORAGE_DISABLED", 14107, "userMessages.system.storageDisabled"),
    (StorageUploadFailed, "STORAGE_UPLOAD_FAILED", 14108, "userMessages.system.storageUploadFailed"),
    (LocalStorageSaveFailed, "LOCAL_STORAGE_SAVE_FAILED", 14109, "userMessages.system.localStorageSaveFailed"),
    (LocalStorageReadFailed, "LOCAL_STORAGE_READ_FAILED", 14110, "userMessages.system.localStorageReadFailed"),
    (LocalStorageDeleteFailed, "LOCAL_STORAGE_DELETE_FAILED", 14111, "userMessages.system.localStorageDeleteFailed"),
    (DocumentSaveFailed, "DOCUMENT_SAVE_FAILED", 14112, "userMessages.system.documentSaveFailed"),
    (DocumentReadFailed, "DOCUMENT_READ_FAILED", 14113, "userMessages.system.documentReadFailed"),
    (DocumentDeleteFailed, "DOCUMENT_DELETE_FAILED", 14114, "userMessages.system.documentDeleteFailed"),
    (UrlResolverError, "URL_RESOLVER_ERROR", 14115, "userMessages.system.urlResolverError"),
    (StorageServiceUnavailable, "STORAGE_SERVICE_UNAVAILABLE", 14120, "userMessages.system.storageServiceUnavailable"),
    (ExcalidrawAmqpResultError, "EXCALIDRAW_AMQP_RESULT_ERROR", 14116, "userMessages.system.excalidrawAmqpResult"),
    (ExcalidrawRedisAdapterInit, "EXCALIDRAW_REDIS_INIT", 14117, "userMessages.system.excalidrawRedisAdapterInit"),
    (ExcalidrawServerInit, "EXCALIDRAW_SERVER_INIT", 14118, "userMessages.system.excalidrawServerInit"),
}

impl fmt::Display for ErrorStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The message a client sees for an internal failure; the cause stays in the log.
pub const INTERNAL_ERROR_MESSAGE: &str = "An unexpected error occurred.";

/// The server's single error type.
///
/// Build one with the constructors ([`AppError::not_found`], [`AppError::bad_input`], …) or
/// convert any internal error into it with `?` (database, I/O, `anyhow`): those become
/// [`ErrorStatus::Unspecified`] with a generic message.
pub struct AppError {
    status: ErrorStatus,
    message: String,
    error_id: Uuid,
    cause: Option<anyhow::Error>,
}

impl AppError {
    /// An error with a status and a message that is safe to show to the client.
    pub fn new(status: ErrorStatus, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            error_id: Uuid::new_v4(),
            cause: None,
        }
    }

    /// An internal failure: the cause is logged, the client sees a generic message.
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        Self {
            status: ErrorStatus::Unspecified,
            message: INTERNAL_ERROR_MESSAGE.to_owned(),
            error_id: Uuid::new_v4(),
            cause: Some(cause.into()),
        }
    }

    /// An internal failure described by a message (logged, never shown).
    pub fn internal_msg(message: impl fmt::Display) -> Self {
        Self::internal(anyhow::anyhow!("{message}"))
    }

    /// `ENTITY_NOT_FOUND`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorStatus::EntityNotFound, message)
    }

    /// `BAD_USER_INPUT`.
    pub fn bad_input(message: impl Into<String>) -> Self {
        Self::new(ErrorStatus::BadUserInput, message)
    }

    /// `FORBIDDEN`.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorStatus::Forbidden, message)
    }

    /// `UNAUTHENTICATED`.
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(ErrorStatus::Unauthenticated, message)
    }

    /// The status of this error.
    pub fn status(&self) -> ErrorStatus {
        self.status
    }

    /// The client-safe message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The id of this occurrence, shared by the log line and the client's `errorId`.
    pub fn error_id(&self) -> Uuid {
        self.error_id
    }

    /// Whether this error hides an internal cause.
    pub fn is_internal(&self) -> bool {
        self.cause.is_some()
    }

    /// Writes the error to the log once: internal failures at error level with their cause
    /// chain, client errors at debug level.
    pub fn log(&self) {
        match &self.cause {
            Some(cause) => tracing::error!(
                error.id = %self.error_id,
                error.code = self.status.code(),
                error.cause = format!("{cause:#}"),
                "internal error"
            ),
            None => tracing::debug!(
                error.id = %self.error_id,
                error.code = self.status.code(),
                error.message = %self.message,
                "request error"
            ),
        }
    }

    /// The `extensions` object of the GraphQL error: `code`, `numericCode`, `userMessage`,
    /// `errorId`.
    pub fn extensions(&self) -> async_graphql::ErrorExtensionValues {
        extensions_for(self.status, self.error_id)
    }
}

/// The reference's four error extensions for a status and occurrence id.
pub fn extensions_for(status: ErrorStatus, error_id: Uuid) -> async_graphql::ErrorExtensionValues {
    let mut ext = async_graphql::ErrorExtensionValues::default();
    ext.set("code", status.code());
    ext.set("numericCode", status.numeric_code());
    ext.set("userMessage", status.user_message());
    ext.set("errorId", error_id.to_string());
    ext
}

impl fmt::Debug for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("AppError");
        d.field("status", &self.status)
            .field("message", &self.message)
            .field("error_id", &self.error_id);
        if let Some(cause) = &self.cause {
            d.field("cause", &format_args!("{cause:#}"));
        }
        d.finish()
    }
}

// `AppError` deliberately implements neither `Display` nor `std::error::Error`: async-graphql
// converts every `Display` type into a client error carrying its text, and this type must
// only ever reach a client through the `From` impl below, which hides internal causes.

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::internal(err)
    }
}

impl From<anyhow::Error> for AppError {
    fn from(err: anyhow::Error) -> Self {
        Self::internal(err)
    }
}

impl From<std::io::Error> for AppError {
    fn from(err: std::io::Error) -> Self {
        Self::internal(err)
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        err.log();
        async_graphql::Error {
            message: err.message.clone(),
            source: None,
            extensions: Some(err.extensions()),
        }
    }
}

/// Result alias used across the server.
pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_codes_are_unique_and_in_their_category() {
        let mut seen = std::collections::HashSet::new();
        for status in ErrorStatus::ALL {
            assert!(seen.insert(status.numeric_code()), "duplicate {status}");
            let category = status.numeric_code() / 1000;
            assert!([10, 11, 12, 13, 14, 99].contains(&category), "{status}");
        }
        assert_eq!(ErrorStatus::ALL.len(), 76, "the reference has 76 statuses");
    }

    #[test]
    fn reference_codes_are_kept() {
        assert_eq!(ErrorStatus::EntityNotFound.numeric_code(), 10101);
        assert_eq!(ErrorStatus::Forbidden.numeric_code(), 11103);
        assert_eq!(ErrorStatus::ForbiddenPolicy.numeric_code(), 11104);
        assert_eq!(
            ErrorStatus::AuthorizationInvalidPolicy.numeric_code(),
            11106
        );
        assert_eq!(ErrorStatus::InvalidStateTransition.numeric_code(), 12105);
        assert_eq!(
            ErrorStatus::RoleSetPolicyRoleLimitsViolated.code(),
            "ROLESET_POLICY_ROLE_LIMITS_VIOLATED"
        );
        assert_eq!(
            ErrorStatus::InputValidationError.code(),
            "INPUT VALIDATION_ERROR"
        );
        assert_eq!(ErrorStatus::Unspecified.numeric_code(), 99999);
    }

    #[test]
    fn internal_errors_hide_their_cause_from_the_client() {
        let err = AppError::internal(anyhow::anyhow!("password=hunter2 connection refused"));
        let gql: async_graphql::Error = err.into();
        assert_eq!(gql.message, INTERNAL_ERROR_MESSAGE);
        let ext = serde_json::to_value(gql.extensions.unwrap()).unwrap();
        assert_eq!(ext["code"], "UNSPECIFIED");
        assert_eq!(ext["numericCode"], 99999);
        assert_eq!(ext["userMessage"], "userMessages.fallback");
        assert!(Uuid::parse_str(ext["errorId"].as_str().unwrap()).is_ok());
        assert!(!ext.to_string().contains("hunter2"));
    }
}
