//! Decisions over snapshots — pure functions, no I/O, the clock passed in: which vendor sent an invoice,
//! what is missing, whether it is a duplicate or asks to be paid into a new account, which PO lines it is
//! for and whether it fits them, and where the policy routes it. Every decision records the policy version
//! and a trace of the rules that fired.

pub mod bank;
pub mod coding;
pub mod duplicates;
pub mod evidence;
pub mod fields;
pub mod matching;
pub mod reference;
pub mod vendor;

#[cfg(test)]
mod matching_tests;

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::extraction::Extraction;
use crate::model::{DocumentType, Invoice, InvoiceStatus, PoNumber, Reason, VendorId};
use crate::policy::routing::{route_invoice, ApprovalStep, RoutingFacts, TraceEntry};
use crate::policy::Policy;
pub use evidence::Evidence;
pub use matching::LineMatch;
pub use vendor::{resolve_vendor, Resolution, VendorDirectory};

/// The decision for one invoice.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    pub vendor_id: Option<VendorId>,
    pub status: InvoiceStatus,
    pub reasons: Vec<Reason>,
    pub approval_steps: Vec<ApprovalStep>,
    pub purchase_orders: Vec<PoNumber>,
    pub matches: Vec<LineMatch>,
    /// For invoices not matched to a PO: the account suggested for coding.
    pub suggested_account: Option<coding::AccountSuggestion>,
    pub policy_version: String,
    pub trace: Vec<TraceEntry>,
    /// What routing looked at, kept so reasons found elsewhere can be added and routed again.
    #[serde(skip)]
    pub facts: RoutingFacts,
}

impl Decision {
    /// Adds reasons found outside the decision (EN 16931 rule violations, arithmetic) and routes the
    /// invoice again with all of them: a blocking one makes it an exception.
    pub fn add_reasons(&mut self, reasons: Vec<Reason>, policy: &Policy, today: NaiveDate) {
        if reasons.is_empty() {
            return;
        }
        self.reasons.extend(reasons);
        self.trace.retain(|t| !t.rule.starts_with("policy."));
        let route = route_invoice(policy, &self.reasons, &self.facts, today);
        self.status = route.status;
        self.approval_steps = route.steps;
        self.trace.extend(route.trace);
    }

    /// The outcome in one word: `straight_through`, `awaiting_approval` or `exception`.
    pub fn outcome(&self) -> &'static str {
        outcome_of(self.status)
    }
}

/// `straight_through` for an invoice approved without a person, else the status.
pub fn outcome_of(status: InvoiceStatus) -> &'static str {
    match status {
        InvoiceStatus::Approved => "straight_through",
        InvoiceStatus::AwaitingApproval => "awaiting_approval",
        InvoiceStatus::Exception => "exception",
        InvoiceStatus::Posted => "posted",
        InvoiceStatus::Paid => "paid",
        InvoiceStatus::Rejected => "rejected",
    }
}

/// Decides one extracted invoice. `resolution` comes from [`resolve_vendor`]; `evidence` was loaded for
/// that vendor and the invoice's PO references; `today` dates delegations.
pub fn decide_invoice(
    extraction: &Extraction,
    invoice: &Invoice,
    resolution: &Resolution,
    evidence: &Evidence,
    policy: &Policy,
    today: NaiveDate,
) -> Decision {
    let mut reasons = fields::missing_fields(extraction);
    reasons.extend(fields::low_confidence(extraction, policy));
    reasons.extend(resolution.reasons.iter().cloned());
    let mut trace = resolution.trace.clone();
    let vendor = resolution.vendor.as_ref();
    if let Some(vendor) = vendor {
        reasons.extend(bank::check_bank_details(invoice, vendor, evidence));
        reasons.extend(duplicates::check_duplicates(invoice, evidence, policy));
    }
    let matched = matching::match_invoice(invoice, vendor, evidence, policy);
    reasons.extend(matched.reasons);
    trace.extend(matched.trace);
    let has_po = !matched.purchase_orders.is_empty();
    let suggested_account = match vendor {
        Some(v) if !has_po => coding::suggest_account(v, &evidence.coding_history),
        _ => None,
    };
    if let Some(s) = &suggested_account {
        trace.push(TraceEntry::new(
            "coding.suggest",
            format!("account {} from {}", s.account, s.source),
        ));
    }
    let mut accounts = matched.accounts;
    accounts.extend(suggested_account.as_ref().map(|s| s.account.clone()));
    let facts = RoutingFacts {
        gross: invoice.totals.tax_inclusive,
        vendor_id: vendor.map(|v| v.vendor_id.clone()),
        departments: matched.departments,
        accounts,
        has_po,
        is_credit_note: invoice.document_type == DocumentType::CreditNote,
    };
    let route = route_invoice(policy, &reasons, &facts, today);
    trace.extend(route.trace);
    Decision {
        vendor_id: vendor.map(|v| v.vendor_id.clone()),
        status: route.status,
        reasons,
        approval_steps: route.steps,
        purchase_orders: matched.purchase_orders,
        matches: matched.matches,
        suggested_account,
        policy_version: policy.version.clone(),
        trace,
        facts,
    }
}
