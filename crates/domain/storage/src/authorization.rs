//! Storage policies: an aggregator inherits its owner's policy and lets everyone read what is
//! stored on it directly; a bucket inherits its owner (profile or aggregator) and turns UPDATE
//! and CONTRIBUTE into FILE_UPLOAD, DELETE into FILE_DELETE; a document inherits its bucket and
//! belongs to whoever uploaded it.

use alkemio_authorization::{
    AuthorizationPolicy, AuthorizationPrivilege as P, Credential, CredentialRule,
    CredentialType as C, PrivilegeRule,
};
use uuid::Uuid;

/// An aggregator's policy from its owner's.
pub fn apply_aggregator_policy(policy: &mut AuthorizationPolicy, owner: &AuthorizationPolicy) {
    policy.inherit_from(owner);
    // Local: the aggregator itself is listed to everyone, its files are not. The reference lets
    // this rule cascade, so every file in a private space's own bucket is public there.
    policy.add_credential_rules([CredentialRule::new(
        "credentialRule-storageAggregatorAnonymousRegisteredRead",
        vec![
            Credential::global(C::GlobalAnonymous),
            Credential::global(C::GlobalRegistered),
        ],
        &[P::Read],
    )
    .local()]);
}

/// A bucket's policy from its owner's (profile or aggregator).
pub fn apply_bucket_policy(policy: &mut AuthorizationPolicy, owner: &AuthorizationPolicy) {
    policy.inherit_from(owner);
    policy.add_privilege_rules([
        PrivilegeRule::new(
            "privilegeRule-storageBucketUpdateUpload",
            P::Update,
            &[P::FileUpload],
        ),
        PrivilegeRule::new(
            "privilegeRule-storageBucketContributeUpload",
            P::Contribute,
            &[P::FileUpload],
        ),
        PrivilegeRule::new(
            "privilegeRule-storageBucketDelete",
            P::Delete,
            &[P::FileDelete],
        ),
    ]);
}

/// A document's policy from its bucket's; its uploader manages it.
pub fn apply_document_policy(
    policy: &mut AuthorizationPolicy,
    bucket: &AuthorizationPolicy,
    created_by: Option<Uuid>,
) {
    policy.inherit_from(bucket);
    if let Some(uploader) = created_by {
        policy.add_credential_rules([CredentialRule::new(
            "credentialRule-documentCreator",
            vec![Credential::new(C::UserSelfManagement, uploader)],
            &[P::Create, P::Read, P::Update, P::Delete],
        )]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alkemio_authorization::AuthorizationPolicyType;

    #[test]
    fn updaters_upload_and_uploaders_own_their_documents() {
        let user = Uuid::new_v4();
        let mut owner = AuthorizationPolicy::new(Uuid::new_v4(), AuthorizationPolicyType::Profile);
        owner.add_credential_rules([CredentialRule::new(
            "self",
            vec![Credential::new(C::UserSelfManagement, user)],
            &[P::Update],
        )]);
        let mut bucket =
            AuthorizationPolicy::new(Uuid::new_v4(), AuthorizationPolicyType::StorageBucket);
        apply_bucket_policy(&mut bucket, &owner);
        let me = [Credential::new(C::UserSelfManagement, user)];
        assert!(bucket.is_granted(&me, P::FileUpload).unwrap());
        assert!(
            !bucket
                .is_granted(&[Credential::global(C::GlobalRegistered)], P::FileUpload)
                .unwrap()
        );
        let other = Uuid::new_v4();
        let mut doc = AuthorizationPolicy::new(Uuid::new_v4(), AuthorizationPolicyType::Document);
        apply_document_policy(&mut doc, &bucket, Some(other));
        assert!(
            doc.is_granted(&[Credential::new(C::UserSelfManagement, other)], P::Delete)
                .unwrap()
        );
    }
}
