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

/// A new office document: blank (a name and a kind) or an uploaded file (its kind read from
/// its type; its name, when none is given, from the file's).
#[derive(Debug, Clone, Default)]
pub struct NewCollaboraDocument {
    /// Its name.
    pub display_name: Option<String>,
    /// Its kind.
    pub document_type: Option<CollaboraDocumentType>,
    /// The uploaded file.
    pub upload: Option<alkemio_storage::UploadedFile>,
}

/// A document's policy: its holder's (a framing's or a contribution's) cascading rules; who
/// may update it or contribute there edits its content.
pub(crate) fn apply_collabora_policy(
    policy: &mut AuthorizationPolicy,
    holder: &AuthorizationPolicy,
) {
    policy.inherit_from(holder);
    policy.add_privilege_rules([
        alkemio_authorization::PrivilegeRule::new(
            "collabora-update",
            P::Update,
            &[P::UpdateContent],
        ),
        alkemio_authorization::PrivilegeRule::new(
            "collabora-contribute",
            P::Contribute,
            &[P::UpdateContent],
        ),
    ]);
}

/// The kind of an uploaded office file, or BAD_USER_INPUT.
fn kind_of_upload(file: &alkemio_storage::UploadedFile) -> AppResult<CollaboraDocumentType> {
    let mime = file.content_type.trim().to_ascii_lowercase();
    CollaboraDocumentType::of_mime(&mime).ok_or_else(|| {
        AppError::bad_input(format!("Files of type '{mime}' cannot be office documents"))
    })
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
        let upload = new.upload;
        let (name, kind) = match &upload {
            Some(file) => {
                let kind = kind_of_upload(file)?;
                let from_file = {
                    let f = file.filename.trim();
                    let stem = f.rsplit_once('.').map_or(f, |(s, _)| s).trim();
                    (!stem.is_empty()).then(|| stem.to_owned())
                };
                let name = new
                    .display_name
                    .filter(|n| !n.trim().is_empty())
                    .or(from_file)
                    .unwrap_or_else(|| "Imported document".to_owned());
                (name, kind)
            }
            None => match (
                new.display_name.filter(|n| !n.trim().is_empty()),
                new.document_type,
            ) {
                (Some(name), Some(kind)) => (name, kind),
                _ => {
                    return Err(AppError::bad_input(
                        "createCollaboraDocument requires displayName and documentType when no file is supplied.",
                    ));
                }
            },
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
        let (canonical, extension) = kind.canonical_format();
        let bucket_policy = bundle
            .policies
            .iter()
            .find(|p| Some(p.id) == bundle.bucket.authorization_id)
            .cloned()
            .ok_or_else(|| AppError::internal_msg("a profile bucket without policy"))?;
        let placeholder = upload.is_none();
        let file = upload.unwrap_or_else(|| alkemio_storage::UploadedFile {
            filename: format!("{}{extension}", name.trim()),
            content_type: canonical.to_owned(),
            bytes: Vec::new(),
        });
        let mime = file.content_type.trim().to_ascii_lowercase();
        let (document, document_policy) = self
            .profiles()
            .storage()
            .stage_document(&bundle.bucket, &bucket_policy, file, author, placeholder)
            .await?;
        let doc = CollaboraDocument {
            id: Uuid::now_v7(),
            document_type: kind,
            original_mime_type: mime,
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

    /// `deleteCollaboraDocument`: needs DELETE on the document; a contribution goes with its
    /// document, a framing keeps its callout and frames nothing.
    pub async fn delete_collabora_document(
        &self,
        caller: &ActorContext,
        id: Uuid,
    ) -> AppResult<CollaboraDocument> {
        let doc = self.collabora_document_or_fail(id).await?;
        self.require_on(
            caller,
            doc.authorization_id,
            P::Delete,
            "delete a collabora document",
        )
        .await?;
        self.delete_held(id, repo::Held::CollaboraDocument).await?;
        Ok(doc)
    }

    /// `replaceCollaboraDocument`: needs UPDATE on the document; its file is replaced by an
    /// uploaded one of the same kind (and size limits), keeping the document; a given name
    /// renames it too.
    pub async fn replace_collabora_document(
        &self,
        caller: &ActorContext,
        id: Uuid,
        file: alkemio_storage::UploadedFile,
        display_name: Option<String>,
    ) -> AppResult<CollaboraDocument> {
        let doc = self.collabora_document_or_fail(id).await?;
        self.require_on(
            caller,
            doc.authorization_id,
            P::Update,
            "replace a collabora document",
        )
        .await?;
        let kind = kind_of_upload(&file)?;
        if kind != doc.document_type {
            return Err(AppError::bad_input(format!(
                "The replacement is a {} document; this document is a {} one",
                kind.graphql_name(),
                doc.document_type.graphql_name()
            )));
        }
        let profile = self.profiles().profile(doc.profile_id).await?;
        let bucket_id = profile.storage_bucket_id.ok_or_else(|| {
            AppError::internal_msg(format_args!("profile {} has no bucket", profile.id))
        })?;
        let storage = self.profiles().storage();
        let bucket = storage.bucket(bucket_id).await?;
        let bucket_policy = match bucket.authorization_id {
            Some(p) => auth_repo::load(self.conn(), p).await?.map(|s| s.policy),
            None => None,
        }
        .ok_or_else(|| AppError::internal_msg("a document bucket without policy"))?;
        let mime = file.content_type.trim().to_ascii_lowercase();
        let (document, document_policy) = storage
            .stage_document(
                &bucket,
                &bucket_policy,
                file,
                caller.authenticated_id(),
                false,
            )
            .await?;
        let old = match doc.document_id {
            Some(d) => storage.document(d).await.ok(),
            None => None,
        };
        let prepared = match display_name.filter(|n| !n.trim().is_empty()) {
            Some(name) => Some(
                self.profiles()
                    .prepare_update(
                        doc.profile_id,
                        alkemio_common::profile::ProfileUpdate {
                            display_name: Some(name),
                            ..Default::default()
                        },
                    )
                    .await?,
            ),
            None => None,
        };
        let txn = self.begin().await?;
        alkemio_storage::StorageService::insert_document_in(&txn, &document).await?;
        auth_repo::save_all(&txn, std::slice::from_ref(&document_policy)).await?;
        repo::set_collabora_document(&txn, id, document.id, &mime).await?;
        if let Some(p) = &prepared {
            alkemio_common::profile::ProfileService::write_update(&txn, p).await?;
        }
        txn.commit().await?;
        if let Some(old) = old {
            storage.remove(&old).await?;
        }
        self.collabora_document_or_fail(id).await
    }

    /// `updateCollaboraDocument`: needs UPDATE_CONTENT on the document; renames it.
    pub async fn update_collabora_document(
        &self,
        caller: &ActorContext,
        id: Uuid,
        display_name: Option<String>,
    ) -> AppResult<CollaboraDocument> {
        let doc = self.collabora_document_or_fail(id).await?;
        // renaming edits the content: whoever may edit the file may rename it
        self.require_on(
            caller,
            doc.authorization_id,
            P::UpdateContent,
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
