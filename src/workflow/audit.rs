//! The audit trail: every state change, field correction, approval, override and policy change, with who
//! and when. Append-only (the table refuses updates and deletes) and a hash chain: each entry stores the
//! sha256 of its canonical serialisation, which includes the previous entry's hash, so an altered, removed
//! or re-ordered entry breaks the chain at that entry. A head row records the last id and hash, so removing
//! entries from the end is found too.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::SqliteConnection;

use crate::error::Result;
use crate::model::{InvoiceId, InvoiceStatus, Reason};
use crate::store::audit as repo;

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who acts when no person does (intake, straight-through decisions).
pub const SYSTEM: &str = "backdesk";

/// What an entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// An invoice was taken in and decided.
    Received,
    /// An invoice moved from one status to another.
    StatusChanged,
    /// A field was corrected (old → new).
    FieldCorrected,
    /// An approval step was approved.
    Approved,
    /// An invoice was rejected.
    Rejected,
    /// A bank account was confirmed out of band.
    BankDetailsConfirmed,
    /// A person decided an invoice is not a duplicate.
    NotDuplicate,
    /// The policy in force changed.
    PolicyChanged,
    /// A person was added or changed.
    PersonSaved,
    /// An invoice was put on hold or released.
    Hold,
    /// An invoice was assigned to a person.
    Assigned,
    /// A payload was sent to, or read from, an accounting system.
    SyncPayload,
    /// Onboarding: a hire created, a checklist item ticked or flagged, a purge (detail names hire and item).
    Onboarding,
    /// A vendor's master data was changed by hand (detail: vendor id, each field old → new, the call-back
    /// record when the bank details changed).
    VendorChanged,
}

impl Action {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::StatusChanged => "status_changed",
            Self::FieldCorrected => "field_corrected",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::BankDetailsConfirmed => "bank_details_confirmed",
            Self::NotDuplicate => "not_duplicate",
            Self::PolicyChanged => "policy_changed",
            Self::PersonSaved => "person_saved",
            Self::Hold => "hold",
            Self::Assigned => "assigned",
            Self::SyncPayload => "sync_payload",
            Self::Onboarding => "onboarding",
            Self::VendorChanged => "vendor_changed",
        }
    }
}

/// One stored entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub id: i64,
    /// RFC 3339 UTC.
    pub at: String,
    pub actor: String,
    pub action: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoice_id: Option<i64>,
    pub detail: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}

/// An entry to append.
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub actor: String,
    pub action: Action,
    pub invoice_id: Option<InvoiceId>,
    pub detail: serde_json::Value,
}

impl NewEntry {
    /// An entry about one invoice.
    pub fn invoice(actor: &str, action: Action, id: InvoiceId, detail: serde_json::Value) -> Self {
        Self {
            actor: actor.to_owned(),
            action,
            invoice_id: Some(id),
            detail,
        }
    }
}

/// The canonical serialisation that is hashed: a JSON array in a fixed order, object keys sorted at every
/// depth, no insignificant white space.
pub fn canonical(
    id: i64,
    at: &str,
    actor: &str,
    action: &str,
    invoice_id: Option<i64>,
    detail: &serde_json::Value,
    prev_hash: &str,
) -> String {
    let value = serde_json::json!([id, at, actor, action, invoice_id, sorted(detail), prev_hash]);
    value.to_string()
}

fn sorted(value: &serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let mut out = serde_json::Map::new();
            for key in keys {
                out.insert(key.clone(), sorted(&map[key]));
            }
            serde_json::Value::Object(out)
        }
        serde_json::Value::Array(items) => serde_json::Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// The sha256 (lower-case hex) of a canonical serialisation.
pub fn hash_of(canonical: &str) -> String {
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

impl Entry {
    /// The hash this entry should carry, given its content.
    pub fn expected_hash(&self) -> String {
        hash_of(&canonical(
            self.id,
            &self.at,
            &self.actor,
            &self.action,
            self.invoice_id,
            &self.detail,
            &self.prev_hash,
        ))
    }
}

/// The first problem found in a chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Break {
    /// The id of the first entry that does not fit (for a removed tail: the first missing id).
    pub entry: i64,
    pub problem: String,
}

/// The result of checking the whole trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub entries: usize,
    pub ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_break: Option<Break>,
}

/// Checks a trail read in id order against the recorded head (`(last id, last hash)`, none for an empty
/// trail). Names the first entry that was altered, removed or moved.
pub fn verify(entries: &[Entry], head: Option<(i64, String)>) -> Verification {
    let broken = |entry: i64, problem: String| Verification {
        entries: entries.len(),
        ok: false,
        first_break: Some(Break { entry, problem }),
    };
    let mut previous_hash = GENESIS.to_owned();
    for (expected_id, entry) in (1_i64..).zip(entries) {
        if entry.id != expected_id {
            return broken(
                expected_id,
                format!(
                    "entry {expected_id} is missing (the next entry is {}): entries were removed",
                    entry.id
                ),
            );
        }
        if entry.prev_hash != previous_hash {
            return broken(
                entry.id,
                format!(
                    "entry {} does not follow entry {}: its previous-hash differs (an entry was removed, \
                     replaced or moved)",
                    entry.id,
                    entry.id - 1
                ),
            );
        }
        if entry.expected_hash() != entry.hash {
            return broken(
                entry.id,
                format!(
                    "entry {} was altered: its content no longer matches its hash",
                    entry.id
                ),
            );
        }
        previous_hash.clone_from(&entry.hash);
    }
    let last = entries.last().map(|e| (e.id, e.hash.clone()));
    match (head, last) {
        (None, None) => {}
        (Some((head_id, head_hash)), last) if Some((head_id, head_hash.clone())) != last => {
            let next = last.as_ref().map_or(1, |(id, _)| id + 1);
            if last.as_ref().is_some_and(|(id, _)| *id >= head_id) {
                return broken(
                    head_id,
                    format!("entry {head_id} differs from the recorded head of the trail"),
                );
            }
            return broken(
                next,
                format!("entry {next} is missing: the trail was recorded up to entry {head_id}, entries were removed from the end"),
            );
        }
        (None, Some((id, _))) => {
            return broken(
                1,
                format!("the trail has {id} entries but no recorded head: it was rebuilt outside backdesk"),
            );
        }
        _ => {}
    }
    Verification {
        entries: entries.len(),
        ok: true,
        first_break: None,
    }
}

/// Appends one entry at `now` inside the caller's transaction.
pub async fn append(conn: &mut SqliteConnection, entry: NewEntry, now: DateTime<Utc>) -> Result<Entry> {
    repo::append(conn, entry, &crate::store::timestamp(now)).await
}

/// Records that invoice `id` was taken in and decided (ingest calls this once per new invoice, in the same
/// transaction that inserts it). `actor` is who uploaded it, or [`SYSTEM`] for the inbox.
pub async fn record_received(
    conn: &mut SqliteConnection,
    id: InvoiceId,
    actor: &str,
    status: InvoiceStatus,
    reasons: &[Reason],
    now: DateTime<Utc>,
) -> Result<()> {
    let codes: Vec<&str> = reasons.iter().map(|r| r.code.as_str()).collect();
    let detail = serde_json::json!({ "status": status.as_str(), "reasons": codes });
    append(conn, NewEntry::invoice(actor, Action::Received, id, detail), now).await?;
    Ok(())
}

/// Records a status change with why it happened.
pub async fn record_status_change(
    conn: &mut SqliteConnection,
    id: InvoiceId,
    actor: &str,
    from: InvoiceStatus,
    to: InvoiceStatus,
    why: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let detail = serde_json::json!({ "from": from.as_str(), "to": to.as_str(), "why": why });
    append(
        conn,
        NewEntry::invoice(actor, Action::StatusChanged, id, detail),
        now,
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<Entry> {
        let mut entries: Vec<Entry> = Vec::new();
        for id in 1..=n {
            let prev_hash = entries.last().map_or(GENESIS.to_owned(), |e| e.hash.clone());
            let mut entry = Entry {
                id,
                at: format!("2026-01-0{id}T00:00:00.000Z"),
                actor: "ana".into(),
                action: "approved".into(),
                invoice_id: Some(id),
                detail: serde_json::json!({"b": 1, "a": [id]}),
                prev_hash,
                hash: String::new(),
            };
            entry.hash = entry.expected_hash();
            entries.push(entry);
        }
        entries
    }

    fn head(entries: &[Entry]) -> Option<(i64, String)> {
        entries.last().map(|e| (e.id, e.hash.clone()))
    }

    #[test]
    fn an_intact_chain_verifies() {
        let entries = chain(4);
        assert!(verify(&entries, head(&entries)).ok);
        assert!(verify(&[], None).ok);
    }

    #[test]
    fn canonical_form_does_not_depend_on_key_order() {
        let a = canonical(
            1,
            "t",
            "x",
            "y",
            None,
            &serde_json::json!({"b": 1, "a": {"d": 2, "c": 3}}),
            GENESIS,
        );
        let b = canonical(
            1,
            "t",
            "x",
            "y",
            None,
            &serde_json::json!({"a": {"c": 3, "d": 2}, "b": 1}),
            GENESIS,
        );
        assert_eq!(a, b);
        assert!(a.contains(r#"{"a":{"c":3,"d":2},"b":1}"#), "{a}");
    }

    #[test]
    fn an_altered_entry_is_named() {
        let mut entries = chain(4);
        let recorded = head(&entries);
        entries[2].actor = "mallory".into();
        let v = verify(&entries, recorded);
        assert_eq!(v.first_break.unwrap().entry, 3);
    }

    #[test]
    fn a_removed_entry_is_named() {
        let mut entries = chain(4);
        let recorded = head(&entries);
        entries.remove(1);
        assert_eq!(verify(&entries, recorded.clone()).first_break.unwrap().entry, 2);
        let mut tail = chain(4);
        tail.pop();
        let b = verify(&tail, recorded).first_break.unwrap();
        assert_eq!(b.entry, 4, "{}", b.problem);
    }

    #[test]
    fn swapped_entries_are_named() {
        let mut entries = chain(4);
        let recorded = head(&entries);
        // swap the content of 2 and 3 but keep the ids in place (as an UPDATE on the rows would)
        let (two, three) = (entries[1].clone(), entries[2].clone());
        entries[1] = Entry { id: 2, ..three };
        entries[2] = Entry { id: 3, ..two };
        assert_eq!(verify(&entries, recorded).first_break.unwrap().entry, 2);
    }
}
