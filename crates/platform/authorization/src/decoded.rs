//! Decoded policies kept between requests.
//!
//! Reading a policy costs one row, but turning its JSON rules into [`crate::CredentialRule`]s
//! and [`crate::PrivilegeRule`]s allocates every string of every rule: a list of 20 spaces
//! with their subspaces, profiles and leads reads a few hundred policies, and decoding them was
//! a sixth of such a request's CPU. The cache keeps each decoded policy beside the text it was
//! decoded from; a policy is reused only while its stored text (and type, parent and update
//! time) is exactly what is kept, so a changed policy is decoded again on its next read, on
//! any instance, and nothing stale is ever used. Its size is bounded: when full it starts over.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use alkemio_kernel::AppResult;
use uuid::Uuid;

use crate::repo::{PolicyText, StoredPolicy};

struct Entry {
    text: PolicyText,
    decoded: Arc<StoredPolicy>,
}

/// Decoded policies by id, each with the text it was decoded from.
pub struct PolicyCache {
    entries: Mutex<HashMap<Uuid, Entry>>,
    capacity: usize,
}

impl std::fmt::Debug for PolicyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolicyCache")
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .finish()
    }
}

impl PolicyCache {
    /// A cache of at most `capacity` policies.
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            capacity,
        }
    }

    /// How many policies are kept.
    pub fn len(&self) -> usize {
        self.entries.lock().map(|e| e.len()).unwrap_or(0)
    }

    /// Whether none is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The decoded policies of freshly read rows: kept ones whose text is unchanged, the others
    /// decoded (and kept).
    pub fn decode_all(&self, rows: Vec<PolicyText>) -> AppResult<HashMap<Uuid, Arc<StoredPolicy>>> {
        let mut out = HashMap::with_capacity(rows.len());
        let mut fresh = Vec::new();
        {
            let entries = self
                .entries
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            for row in rows {
                match entries.get(&row.id) {
                    Some(entry) if same(&entry.text, &row) => {
                        out.insert(row.id, entry.decoded.clone());
                    }
                    _ => fresh.push(row),
                }
            }
        }
        if fresh.is_empty() {
            return Ok(out);
        }
        let mut decoded = Vec::with_capacity(fresh.len());
        for row in fresh {
            let policy = Arc::new(row.decode()?);
            out.insert(row.id, policy.clone());
            decoded.push(Entry {
                text: row,
                decoded: policy,
            });
        }
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for entry in decoded {
            if entries.len() >= self.capacity && !entries.contains_key(&entry.text.id) {
                entries.clear();
            }
            entries.insert(entry.text.id, entry);
        }
        Ok(out)
    }
}

fn same(kept: &PolicyText, row: &PolicyText) -> bool {
    kept.updated_date == row.updated_date
        && kept.parent_authorization_policy_id == row.parent_authorization_policy_id
        && kept.policy_type == row.policy_type
        && kept.credential_rules == row.credential_rules
        && kept.privilege_rules == row.privilege_rules
        && kept.created_date == row.created_date
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn row(id: Uuid, rules: &str) -> PolicyText {
        PolicyText {
            id,
            created_date: Utc::now(),
            updated_date: Utc::now(),
            credential_rules: rules.to_owned(),
            privilege_rules: "[]".to_owned(),
            policy_type: "space".to_owned(),
            parent_authorization_policy_id: None,
        }
    }

    const MEMBER_READS: &str = r#"[{"criterias":[{"type":"space-member","resourceID":"s1"}],"grantedPrivileges":["read"],"cascade":true,"name":"members"}]"#;
    const MEMBER_UPDATES: &str = r#"[{"criterias":[{"type":"space-member","resourceID":"s1"}],"grantedPrivileges":["update"],"cascade":true,"name":"members"}]"#;

    #[test]
    fn an_unchanged_policy_is_reused_and_a_changed_one_decoded_again() {
        let cache = PolicyCache::new(10);
        let id = Uuid::now_v7();
        let first = row(id, MEMBER_READS);
        let mut again = row(id, MEMBER_READS);
        again.created_date = first.created_date;
        again.updated_date = first.updated_date;
        let a = cache.decode_all(vec![first]).unwrap()[&id].clone();
        let b = cache.decode_all(vec![again]).unwrap()[&id].clone();
        assert!(Arc::ptr_eq(&a, &b), "the same text is decoded once");
        // the same update time but other rules (a rewrite within one microsecond) is decoded
        let mut changed = row(id, MEMBER_UPDATES);
        changed.created_date = a.created_date;
        changed.updated_date = a.updated_date;
        let c = cache.decode_all(vec![changed]).unwrap()[&id].clone();
        assert!(!Arc::ptr_eq(&a, &c));
        assert_eq!(
            c.policy.credential_rules[0].granted_privileges,
            vec![crate::AuthorizationPrivilege::Update]
        );
    }

    #[test]
    fn the_cache_stays_within_its_capacity() {
        let cache = PolicyCache::new(3);
        for _ in 0..10 {
            cache
                .decode_all(vec![row(Uuid::now_v7(), MEMBER_READS)])
                .unwrap();
            assert!(cache.len() <= 3);
        }
        assert!(!cache.is_empty());
    }

    #[test]
    fn bad_stored_text_is_an_error() {
        let cache = PolicyCache::new(3);
        assert!(
            cache
                .decode_all(vec![row(Uuid::now_v7(), "{oops")])
                .is_err()
        );
        assert!(cache.is_empty());
    }
}
