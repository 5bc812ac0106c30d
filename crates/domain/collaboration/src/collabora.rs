//! Office documents (word processing, spreadsheets, presentations, drawings) framing a callout
//! or contributed to one. Each has a profile (its name) and its file, kept in the profile's
//! storage bucket: a new blank document starts as an empty file of its type's canonical
//! format, which an office editor fills on first opening (as the reference does).

use std::collections::HashMap;

use alkemio_authorization::{
    ActorContext, AuthorizationPolicy, AuthorizationPolicyType, AuthorizationPrivilege as P,
    repo as auth_repo,
};
use alkemio_common::profile::{NewProfile, NewTagset, ProfileType};
use alkemio_kernel::{AppError, AppResult, stored_enum};
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::repo;
use crate::service::{CollaborationService, Host, Staged};

stored_enum! {
    /// What kind of office document it is.
    CollaboraDocumentType {
        Drawing => ("DRAWING", "drawing"),
        Presentation => ("PRESENTATION", "presentation"),
        Spreadsheet => ("SPREADSHEET", "spreadsheet"),
        Wordprocessing => ("WORDPROCESSING", "wordprocessing"),
    }
}

impl CollaboraDocumentType {
    /// The format a new blank document of this kind has, and its file extension.
    pub fn canonical_format(self) -> (&'static str, &'static str) {
        match self {
            Self::Wordprocessing => (
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                ".docx",
            ),
            Self::Spreadsheet => (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ".xlsx",
            ),
            Self::Presentation => (
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                ".pptx",
            ),
            Self::Drawing => ("application/vnd.oasis.opendocument.graphics", ".odg"),
        }
    }

    /// The kind of document a file of this type is, for the office formats.
    pub fn of_mime(mime: &str) -> Option<Self> {
        Some(match mime {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            | "application/msword"
            | "application/vnd.oasis.opendocument.text"
            | "application/rtf" => Self::Wordprocessing,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            | "application/vnd.ms-excel"
            | "application/vnd.oasis.opendocument.spreadsheet"
            | "text/csv" => Self::Spreadsheet,
            "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            | "application/vnd.ms-powerpoint"
            | "application/vnd.oasis.opendocument.presentation" => Self::Presentation,
            "application/vnd.oasis.opendocument.graphics" => Self::Drawing,
            _ => return None,
        })
    }
}

/// An office document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollaboraDocument {
    /// Its id.
    pub id: Uuid,
    /// Its kind.
    pub document_type: CollaboraDocumentType,
    /// The format of its file.
    pub original_mime_type: String,
    /// Who made it.
    pub created_by: Option<Uuid>,
    /// Its profile (its name).
    pub profile_id: Uuid,
    /// Its file.
    pub document_id: Option<Uuid>,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// A new blank office document.
#[derive(Debug, Clone, Default)]
pub struct NewCollaboraDocument {
    /// Its name.
    pub display_name: Option<String>,
    /// Its kind.
    pub document_type: Option<CollaboraDocumentType>,
}

/// A document's policy: its holder's (a framing's or a contribution's) cascading rules.
pub(crate) fn apply_collabora_policy(
    policy: &mut AuthorizationPolicy,
    holder: &AuthorizationPolicy,
) {
    policy.inherit_from(holder);
}

impl CollaborationService {
    /// Builds a blank office document into `staged`: its profile, its empty file of the kind's
    /// canonical format and their policies under `holder`.
    pub(crate) async fn stage_collabora(
        &self,
        new: NewCollaboraDocument,
        holder: &AuthorizationPolicy,
        author: Option<Uuid>,
        host: &Host,
        staged: &mut Staged,
    ) -> AppResult<CollaboraDocument> {
        let (Some(name), Some(kind)) = (
            new.display_name.filter(|n| !n.trim().is_empty()),
            new.document_type,
        ) else {
            return Err(AppError::bad_input(
                "createCollaboraDocument requires displayName and documentType when no file is supplied.",
            ));
        };
        let at = crate::service::now();
        let mut policy = auth_repo::new_policy(AuthorizationPolicyType::CollaboraDocument);
        apply_collabora_policy(&mut policy, holder);
        let bundle = self.profiles().build(
            NewProfile {
                display_name: name.trim().to_owned(),
                tagsets: vec![NewTagset {
                    name: "default".to_owned(),
                    tags: Vec::new(),
                }],
                ..Default::default()
            },
            ProfileType::CollaboraDocument,
            &policy,
            host.aggregator,
        )?;
        let (mime, extension) = kind.canonical_format();
        let bucket_policy = bundle
            .policies
            .iter()
            .find(|p| Some(p.id) == bundle.bucket.authorization_id)
            .cloned()
            .ok_or_else(|| AppError::internal_msg("a profile bucket without policy"))?;
        let (document, document_policy) = self
            .profiles()
            .storage()
            .stage_document(
                &bundle.bucket,
                &bucket_policy,
                alkemio_storage::UploadedFile {
                    filename: format!("{}{extension}", name.trim()),
                    content_type: mime.to_owned(),
                    bytes: Vec::new(),
                },
                author,
                true,
            )
            .await?;
        let doc = CollaboraDocument {
            id: Uuid::now_v7(),
            document_type: kind,
            original_mime_type: mime.to_owned(),
            created_by: author,
            profile_id: bundle.profile.id,
            document_id: Some(document.id),
            authorization_id: Some(policy.id),
            created_date: at,
            updated_date: at,
        };
        staged.profiles.push(bundle);
        staged.documents.push(document);
        staged.policies.push(document_policy);
        staged.policies.push(policy);
        staged.collabora.push(doc.clone());
        Ok(doc)
    }

    /// The recomputed policies of an office document and its profile under its holder's.
    pub(crate) async fn collabora_policies(
        &self,
        conn: &impl ConnectionTrait,
        doc: &CollaboraDocument,
        holder: &AuthorizationPolicy,
    ) -> AppResult<Vec<AuthorizationPolicy>> {
        let mut policy = auth_repo::load_or_new(
            conn,
            doc.authorization_id,
            AuthorizationPolicyType::CollaboraDocument,
        )
        .await?;
        apply_collabora_policy(&mut policy, holder);
        let mut out = self
            .profiles()
            .recompute_policies(conn, doc.profile_id, &policy)
            .await?;
        out.push(policy);
        Ok(out)
    }

    /// Office documents by id.
    pub async fn collabora_documents(
        &self,
        ids: &[Uuid],
    ) -> AppResult<HashMap<Uuid, CollaboraDocument>> {
        repo::collabora_documents(self.conn(), ids).await
    }

    /// An office document, or ENTITY_NOT_FOUND.
    pub async fn collabora_document_or_fail(&self, id: Uuid) -> AppResult<CollaboraDocument> {
        self.collabora_documents(&[id])
            .await?
            .remove(&id)
            .ok_or_else(|| {
                AppError::not_found(format!(
                    "Not able to locate CollaboraDocument with the specified ID: {id}"
                ))
            })
    }

    /// `updateCollaboraDocument`: needs UPDATE on the document; renames it.
    pub async fn update_collabora_document(
        &self,
        caller: &ActorContext,
        id: Uuid,
        display_name: Option<String>,
    ) -> AppResult<CollaboraDocument> {
        let doc = self.collabora_document_or_fail(id).await?;
        self.require_on(
            caller,
            doc.authorization_id,
            P::Update,
            "update a collabora document",
        )
        .await?;
        if let Some(name) = display_name {
            let prepared = self
                .profiles()
                .prepare_update(
                    doc.profile_id,
                    alkemio_common::profile::ProfileUpdate {
                        display_name: Some(name),
                        ..Default::default()
                    },
                )
                .await?;
            let txn = self.begin().await?;
            alkemio_common::profile::ProfileService::write_update(&txn, &prepared).await?;
            repo::touch_collabora(&txn, id).await?;
            txn.commit().await?;
        }
        self.collabora_document_or_fail(id).await
    }
}
