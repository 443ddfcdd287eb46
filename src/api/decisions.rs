//! Use cases of the decisions: decide an extracted invoice (the one call ingest makes), decide a stored
//! invoice again, record a bank-account confirmation or a "not a duplicate" override, and replay a
//! proposed policy over past invoices ("what if").
//!
//! Evidence is loaded by key for each invoice; the vendor directory and the index of PO numbers are kept
//! per workspace and rebuilt only when their table's change counter moves, so a 1,000-file drop does not
//! re-read master data per document.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use sqlx::SqliteConnection;

use super::Workspace;
use crate::decide::evidence::{BankConfirmation, DuplicateOverride, Evidence};
use crate::decide::reference::{exact_key, loose_key, split_references};
use crate::decide::{decide_invoice, outcome_of, resolve_vendor, Decision, VendorDirectory};
use crate::error::{Error, Result};
use crate::model::extraction::Extraction;
use crate::model::master::normalise_identifier;
use crate::model::{Invoice, InvoiceId, PoNumber, ReasonCode, VendorId};
use crate::policy::Policy;
use crate::store::decisions::{self as repo, Fingerprint};
use crate::store::{self, timestamp};

/// PO numbers indexed by their normalised keys.
#[derive(Debug, Default)]
pub struct PoIndex {
    by_exact: HashMap<String, Vec<PoNumber>>,
    by_loose: HashMap<String, Vec<PoNumber>>,
    by_vendor: HashMap<VendorId, Vec<PoNumber>>,
}

impl PoIndex {
    /// Indexes `(PO number, vendor)` pairs.
    pub fn new(numbers: Vec<(PoNumber, VendorId)>) -> Self {
        let mut index = Self::default();
        for (number, vendor) in numbers {
            index
                .by_exact
                .entry(exact_key(number.as_str()))
                .or_default()
                .push(number.clone());
            if let Some(key) = loose_key(number.as_str()) {
                index.by_loose.entry(key).or_default().push(number.clone());
            }
            index.by_vendor.entry(vendor).or_default().push(number);
        }
        index
    }

    /// The POs a stated reference may name (exactly, else by loose key).
    pub fn named_by(&self, reference: &str) -> Vec<PoNumber> {
        if let Some(found) = self.by_exact.get(&exact_key(reference)) {
            return found.clone();
        }
        loose_key(reference)
            .and_then(|k| self.by_loose.get(&k).cloned())
            .unwrap_or_default()
    }

    /// All POs of a vendor.
    pub fn of_vendor(&self, vendor: &VendorId) -> &[PoNumber] {
        self.by_vendor.get(vendor).map_or(&[], Vec::as_slice)
    }
}

#[derive(Debug, Default)]
struct CacheState {
    vendors: Option<(Fingerprint, Arc<VendorDirectory>)>,
    po_index: Option<(Fingerprint, Arc<PoIndex>)>,
}

/// Per-workspace cache of the vendor directory and the PO-number index.
#[derive(Debug, Clone, Default)]
pub struct DecisionCache(Arc<Mutex<CacheState>>);

impl DecisionCache {
    async fn vendors(&self, conn: &mut SqliteConnection) -> Result<Arc<VendorDirectory>> {
        let print = repo::fingerprint(conn, "vendors").await?;
        if let Some((cached, dir)) = &self.lock().vendors {
            if *cached == print {
                return Ok(dir.clone());
            }
        }
        let rows = sqlx::query("SELECT * FROM vendors ORDER BY vendor_id")
            .fetch_all(&mut *conn)
            .await
            .map_err(Error::database("list vendors"))?;
        let vendors = rows
            .iter()
            .map(store::vendors::vendor_from_row)
            .collect::<Result<Vec<_>>>()?;
        let dir = Arc::new(VendorDirectory::new(vendors));
        self.lock().vendors = Some((print, dir.clone()));
        Ok(dir)
    }

    async fn po_index(&self, conn: &mut SqliteConnection) -> Result<Arc<PoIndex>> {
        let print = repo::fingerprint(conn, "purchase_order_lines").await?;
        if let Some((cached, index)) = &self.lock().po_index {
            if *cached == print {
                return Ok(index.clone());
            }
        }
        let index = Arc::new(PoIndex::new(repo::po_numbers(conn).await?));
        self.lock().po_index = Some((print, index.clone()));
        Ok(index)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, CacheState> {
        // a panic while holding the lock leaves a cache that is at worst stale-but-valid data
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Which invoice is being decided, and so what counts as known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deciding {
    /// A new invoice: everything stored is earlier.
    New,
    /// A stored invoice decided again now: duplicates are looked for among earlier invoices (the earlier
    /// one is the original), quantities count every other invoice.
    Stored(InvoiceId),
    /// A stored invoice decided as it would have been when it arrived (replay): only earlier invoices count.
    AsOf(InvoiceId),
}

impl Deciding {
    fn id(self) -> Option<InvoiceId> {
        match self {
            Self::New => None,
            Self::Stored(id) | Self::AsOf(id) => Some(id),
        }
    }
}

/// Loads the evidence for one invoice of `vendor` (or of no known vendor): the POs its references may name
/// (or, naming none, the vendor's) with what was received and invoiced, and the vendor's history.
pub async fn load_evidence(
    conn: &mut SqliteConnection,
    index: &PoIndex,
    invoice: &Invoice,
    vendor: Option<&VendorId>,
    deciding: Deciding,
) -> Result<Evidence> {
    let mut numbers: Vec<PoNumber> = Vec::new();
    for reference in invoice
        .purchase_order_reference
        .as_deref()
        .map(split_references)
        .unwrap_or_default()
    {
        for n in index.named_by(&reference) {
            if !numbers.contains(&n) {
                numbers.push(n);
            }
        }
    }
    if numbers.is_empty() {
        if let Some(v) = vendor {
            numbers.extend(index.of_vendor(v).iter().cloned());
        }
    }
    let mut evidence = Evidence {
        purchase_orders: repo::purchase_orders(conn, &numbers, deciding).await?,
        ..Evidence::default()
    };
    if let Some(v) = vendor {
        evidence.past_invoices = repo::past_invoices(conn, v, deciding.id()).await?;
        if let Some(issued) = invoice.issue_date {
            repo::add_line_signatures(conn, &mut evidence.past_invoices, issued).await?;
        }
        evidence.bank_confirmations = repo::bank_confirmations(conn, v).await?;
        evidence.coding_history = repo::coding_history(conn, v, deciding.id()).await?;
    }
    if let Some(id) = deciding.id() {
        evidence.duplicate_overrides = repo::duplicate_overrides(conn, id).await?;
    }
    Ok(evidence)
}

/// What replaying a proposed policy over past invoices would change.
#[derive(Debug, Clone, Serialize)]
pub struct ReplayReport {
    pub proposed_version: String,
    pub invoices: usize,
    /// Outcome counts as decided at the time (`straight_through`, `awaiting_approval`, `exception`).
    pub current: BTreeMap<String, usize>,
    /// Outcome counts under the proposed policy.
    pub proposed: BTreeMap<String, usize>,
    /// Invoices whose outcome would change.
    pub flips: Vec<Flip>,
}

/// One invoice whose outcome would change.
#[derive(Debug, Clone, Serialize)]
pub struct Flip {
    pub invoice_id: InvoiceId,
    pub invoice_number: Option<String>,
    pub vendor_id: Option<VendorId>,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub total_gross: Option<Decimal>,
    pub from: String,
    pub to: String,
    pub reasons_now: Vec<ReasonCode>,
    pub reasons_proposed: Vec<ReasonCode>,
}

impl Workspace {
    /// The policy in force: `policy.toml` in the data directory, or the defaults.
    pub fn policy(&self) -> Result<Policy> {
        Policy::of_data_dir(&self.paths().data_dir)
    }

    /// Saves `text` as the policy in force after checking it. A changed policy must carry a new version:
    /// decisions record the version, so two different policies may never share one.
    pub async fn save_policy(&self, source: &str, text: &str) -> Result<Policy> {
        let proposed = Policy::parse(source, text)?;
        let current = self.policy()?;
        if proposed.version == current.version && proposed != current {
            return Err(Error::Usage(format!(
                "{source}: the policy changed but its version is still '{}'; give it a new `version` (decisions \
                 record it) and save again",
                current.version
            )));
        }
        let path = self.paths().data_dir.join(crate::policy::POLICY_FILE);
        let temporary = path.with_extension("toml.tmp");
        std::fs::write(&temporary, text).map_err(|e| Error::io("write", &temporary, e))?;
        std::fs::rename(&temporary, &path).map_err(|e| Error::io("replace", &path, e))?;
        if proposed != current {
            let mut tx = self.store().begin("record the policy change").await?;
            let entry = crate::workflow::audit::NewEntry {
                actor: crate::workflow::audit::SYSTEM.to_owned(),
                action: crate::workflow::audit::Action::PolicyChanged,
                invoice_id: None,
                detail: serde_json::json!({ "from": current.version, "to": proposed.version, "source": source }),
            };
            crate::workflow::audit::append(&mut tx, entry, Utc::now()).await?;
            tx.commit()
                .await
                .map_err(Error::database("record the policy change in the audit trail"))?;
        }
        Ok(proposed)
    }

    /// Decides an extracted invoice inside the caller's transaction (ingest calls this once per invoice).
    pub async fn decide_extraction(
        &self,
        conn: &mut SqliteConnection,
        extraction: &Extraction,
        invoice: &Invoice,
        now: DateTime<Utc>,
    ) -> Result<Decision> {
        let policy = self.policy()?;
        self.decide_with(conn, &policy, extraction, invoice, Deciding::New, now)
            .await
    }

    async fn decide_with(
        &self,
        conn: &mut SqliteConnection,
        policy: &Policy,
        extraction: &Extraction,
        invoice: &Invoice,
        deciding: Deciding,
        now: DateTime<Utc>,
    ) -> Result<Decision> {
        let directory = self.decision_cache().vendors(conn).await?;
        let index = self.decision_cache().po_index(conn).await?;
        let resolution = resolve_vendor(invoice, &directory);
        let evidence = load_evidence(conn, &index, invoice, resolution.vendor_id(), deciding).await?;
        let today = now.date_naive();
        let mut decision = decide_invoice(extraction, invoice, &resolution, &evidence, policy, today);
        // what reading the document found (EN 16931 rule violations) and figures that do not add up
        let mut found = extraction.findings.clone();
        found.extend(crate::rules::arithmetic::reason(invoice));
        decision.add_reasons(found, policy, today);
        Ok(decision)
    }

    /// Records a decision taken for a newly recorded invoice (ingest calls this after inserting it).
    pub async fn record_decision(
        &self,
        conn: &mut SqliteConnection,
        invoice: InvoiceId,
        decision: &Decision,
        now: DateTime<Utc>,
    ) -> Result<()> {
        repo::insert_decision(conn, invoice, decision, &timestamp(now)).await
    }

    /// Decides a stored invoice again under the policy in force (after a confirmation, an override or a
    /// master-data change) and records the new decision, status and reasons.
    pub async fn redecide_invoice(&self, id: InvoiceId) -> Result<Decision> {
        self.redecide_invoice_as(id, crate::workflow::audit::SYSTEM, "decided again", Utc::now())
            .await
    }

    /// [`Self::redecide_invoice`] on behalf of `who` (in the audit trail, with `why`) at `now`.
    pub async fn redecide_invoice_as(
        &self,
        id: InvoiceId,
        who: &str,
        why: &str,
        now: DateTime<Utc>,
    ) -> Result<Decision> {
        let mut tx = self.store().begin("decide an invoice again").await?;
        let decision = self.redecide_in(&mut tx, id, who, why, now).await?;
        tx.commit().await.map_err(Error::database(format!(
            "record the new decision on invoice {id}"
        )))?;
        self.publish(super::CoreEvent::InvoicesChanged);
        Ok(decision)
    }

    /// Decides a stored invoice again inside the caller's transaction: records the decision, the status
    /// (checked against the invoice life cycle) and its audit entry.
    pub(crate) async fn redecide_in(
        &self,
        conn: &mut SqliteConnection,
        id: InvoiceId,
        who: &str,
        why: &str,
        now: DateTime<Utc>,
    ) -> Result<Decision> {
        let policy = self.policy()?;
        let (extraction, before) = repo::stored_extraction(conn, id).await?;
        let invoice = extraction
            .invoice
            .clone()
            .ok_or_else(|| Error::InvalidData(format!("stored invoice {id} has no canonical form")))?;
        let decision = self
            .decide_with(conn, &policy, &extraction, &invoice, Deciding::Stored(id), now)
            .await?;
        let after = crate::workflow::state::transition(
            id,
            before,
            crate::workflow::state::Event::Reevaluated(decision.status),
        )?;
        repo::insert_decision(conn, id, &decision, &timestamp(now)).await?;
        repo::update_invoice_outcome(conn, id, &decision, &timestamp(now)).await?;
        if after != before {
            crate::workflow::audit::record_status_change(conn, id, who, before, after, why, now).await?;
        }
        Ok(decision)
    }

    /// A person confirmed out of band (`how`, e.g. "called the number on file") that the account invoice
    /// `id` asks to be paid into is genuine. The confirmation becomes this vendor's history and the invoice
    /// is decided again.
    pub async fn confirm_bank_details(&self, id: InvoiceId, who: &str, how: &str) -> Result<Decision> {
        if who.trim().is_empty() || how.trim().is_empty() {
            return Err(Error::Usage(
                "a bank-details confirmation needs who confirmed it (--as NAME) and how (--how TEXT)".into(),
            ));
        }
        let now = Utc::now();
        let mut tx = self.store().begin("confirm bank details").await?;
        let (extraction, _) = repo::stored_extraction(&mut tx, id).await?;
        let detail = store::invoices::get(self.store().pool(), id).await?;
        let vendor = detail.summary.vendor_id.clone().ok_or_else(|| {
            Error::Usage(format!(
                "invoice {id} has no vendor yet; resolve the vendor before confirming its bank account"
            ))
        })?;
        let account = extraction
            .invoice
            .as_ref()
            .and_then(Invoice::payee_account)
            .map(normalise_identifier)
            .ok_or_else(|| Error::Usage(format!("invoice {id} states no bank account to confirm")))?;
        let confirmation = BankConfirmation {
            vendor_id: vendor,
            account,
            confirmed_by: who.trim().to_owned(),
            method: how.trim().to_owned(),
            confirmed_at: timestamp(now),
        };
        repo::insert_bank_confirmation(&mut tx, &confirmation, Some(id)).await?;
        let entry = crate::workflow::audit::NewEntry::invoice(
            &confirmation.confirmed_by,
            crate::workflow::audit::Action::BankDetailsConfirmed,
            id,
            serde_json::json!({ "account": confirmation.account, "how": confirmation.method }),
        );
        crate::workflow::audit::append(&mut tx, entry, now).await?;
        let decision = self
            .redecide_in(&mut tx, id, who.trim(), "bank details confirmed", now)
            .await?;
        tx.commit().await.map_err(Error::database(format!(
            "record the confirmation for invoice {id}"
        )))?;
        self.publish(super::CoreEvent::InvoicesChanged);
        Ok(decision)
    }

    /// A person decided invoice `id` is not a duplicate of the invoice(s) its duplicate reasons name.
    pub async fn mark_not_duplicate(&self, id: InvoiceId, who: &str, why: &str) -> Result<Decision> {
        if who.trim().is_empty() || why.trim().is_empty() {
            return Err(Error::Usage(
                "a not-a-duplicate override needs who decided it (--as NAME) and why (--reason TEXT)".into(),
            ));
        }
        let detail = store::invoices::get(self.store().pool(), id).await?;
        let others: Vec<i64> = detail
            .summary
            .reasons
            .iter()
            .filter_map(|r| {
                r.detail
                    .get("duplicate_of")
                    .or_else(|| r.detail.get("possible_duplicate_of"))
                    .and_then(|d| d.get("id"))
                    .and_then(serde_json::Value::as_i64)
            })
            .collect();
        if others.is_empty() {
            return Err(Error::Usage(format!(
                "invoice {id} carries no DUPLICATE_INVOICE or POSSIBLE_DUPLICATE reason to override"
            )));
        }
        let at = Utc::now();
        let now = timestamp(at);
        let mut tx = self.store().begin("record a not-a-duplicate override").await?;
        let entry = crate::workflow::audit::NewEntry::invoice(
            who.trim(),
            crate::workflow::audit::Action::NotDuplicate,
            id,
            serde_json::json!({ "not_duplicate_of": others, "reason": why.trim() }),
        );
        crate::workflow::audit::append(&mut tx, entry, at).await?;
        for other in others {
            let o = DuplicateOverride {
                invoice_id: id,
                not_duplicate_of: InvoiceId(other),
                decided_by: who.trim().to_owned(),
                reason: why.trim().to_owned(),
            };
            repo::insert_duplicate_override(&mut tx, &o, &now).await?;
        }
        let decision = self
            .redecide_in(&mut tx, id, who.trim(), "marked not a duplicate", at)
            .await?;
        tx.commit()
            .await
            .map_err(Error::database(format!("record the override for invoice {id}")))?;
        self.publish(super::CoreEvent::InvoicesChanged);
        Ok(decision)
    }

    /// Decides every stored invoice again under the policy in `policy_file`, each against what was known
    /// before it arrived, without saving anything; reports the outcome counts and the invoices that flip.
    pub async fn replay_policy(&self, policy_file: &Path) -> Result<ReplayReport> {
        let proposed = Policy::load(policy_file)?;
        let mut conn = self.store().acquire("open a connection for the replay").await?;
        let directory = self.decision_cache().vendors(&mut conn).await?;
        let index = self.decision_cache().po_index(&mut conn).await?;
        let latest = repo::latest_outcomes(&mut conn).await?;
        let today = Utc::now().date_naive();
        let mut report = ReplayReport {
            proposed_version: proposed.version.clone(),
            invoices: 0,
            current: BTreeMap::new(),
            proposed: BTreeMap::new(),
            flips: Vec::new(),
        };
        for id in repo::invoice_ids(&mut conn).await? {
            let (extraction, status) = repo::stored_extraction(&mut conn, id).await?;
            let Some(invoice) = extraction.invoice.as_ref() else {
                continue;
            };
            let resolution = resolve_vendor(invoice, &directory);
            let evidence = load_evidence(
                &mut conn,
                &index,
                invoice,
                resolution.vendor_id(),
                Deciding::AsOf(id),
            )
            .await?;
            let decision = decide_invoice(&extraction, invoice, &resolution, &evidence, &proposed, today);
            let (from, reasons_now) = latest
                .get(&id.0)
                .cloned()
                .unwrap_or_else(|| (outcome_of(status).to_owned(), Vec::new()));
            let to = decision.outcome().to_owned();
            report.invoices += 1;
            *report.current.entry(from.clone()).or_default() += 1;
            *report.proposed.entry(to.clone()).or_default() += 1;
            if from != to {
                report.flips.push(Flip {
                    invoice_id: id,
                    invoice_number: invoice.number.clone(),
                    vendor_id: decision.vendor_id.clone(),
                    total_gross: invoice.totals.tax_inclusive,
                    from,
                    to,
                    reasons_now,
                    reasons_proposed: decision.reasons.iter().map(|r| r.code).collect(),
                });
            }
        }
        Ok(report)
    }

    /// Fills in the approval steps an invoice awaiting approval needs, from its latest decision (until the
    /// workflow tracks them).
    pub(crate) async fn fill_approval_steps(
        &self,
        invoices: &mut [crate::store::invoices::InvoiceSummary],
    ) -> Result<()> {
        let mut conn = self.store().acquire("open a connection").await?;
        let mut steps = repo::latest_approval_steps(&mut conn).await?;
        for invoice in invoices {
            if invoice.status == crate::model::InvoiceStatus::AwaitingApproval
                && invoice.approval_steps.is_empty()
            {
                invoice.approval_steps = steps.remove(&invoice.id.0).unwrap_or_default();
            }
        }
        Ok(())
    }

    /// The recorded decisions and current PO matches of an invoice, for `backdesk invoice ID --json`.
    pub async fn decisions_and_matches(
        &self,
        id: InvoiceId,
    ) -> Result<(Vec<serde_json::Value>, Vec<serde_json::Value>)> {
        let mut conn = self.store().acquire("open a connection").await?;
        Ok((
            repo::decisions_of(&mut conn, id).await?,
            repo::matches_of(&mut conn, id).await?,
        ))
    }
}
