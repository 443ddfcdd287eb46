//! Routing: where an invoice goes once its reasons are known — an exception, approval steps, or straight
//! through — with a trace of the policy rules that fired.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Needs, Policy, StepSpec};
use crate::model::{AccountCode, InvoiceStatus, Reason, VendorId};

/// What routing looks at besides the reasons.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoutingFacts {
    pub gross: Option<Decimal>,
    pub vendor_id: Option<VendorId>,
    pub departments: Vec<String>,
    pub accounts: Vec<AccountCode>,
    /// Matched to at least one PO (named or found).
    pub has_po: bool,
    pub is_credit_note: bool,
}

/// One approval step an invoice needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalStep {
    /// 1-based order.
    pub order: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
    pub needs: Needs,
    /// Who acts instead, by a delegation in force on the decision date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delegated_to: Option<String>,
    /// The policy rule that asked for this step.
    pub rule: String,
}

/// One rule that fired, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceEntry {
    /// A stable rule id: `policy.blocking_reasons`, `policy.approval.from-1000`, `match.po_reference`, …
    pub rule: String,
    pub outcome: String,
}

impl TraceEntry {
    pub fn new(rule: impl Into<String>, outcome: impl Into<String>) -> Self {
        Self {
            rule: rule.into(),
            outcome: outcome.into(),
        }
    }
}

/// The routing outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub status: InvoiceStatus,
    pub steps: Vec<ApprovalStep>,
    pub trace: Vec<TraceEntry>,
}

/// Routes an invoice with these reasons and facts under `policy` on `today` (for delegations).
pub fn route_invoice(policy: &Policy, reasons: &[Reason], facts: &RoutingFacts, today: NaiveDate) -> Route {
    let mut trace = Vec::new();
    let blocking: Vec<&str> = reasons
        .iter()
        .filter(|r| policy.blocks(r.code))
        .map(|r| r.code.as_str())
        .collect();
    if !blocking.is_empty() {
        trace.push(TraceEntry::new(
            "policy.blocking_reasons",
            format!("exception: {} block(s) processing", blocking.join(", ")),
        ));
        return Route {
            status: InvoiceStatus::Exception,
            steps: Vec::new(),
            trace,
        };
    }

    let mut specs: Vec<(&StepSpec, &str)> = Vec::new();
    for rule in &policy.approval {
        if !condition_holds(&rule.when, facts) {
            continue;
        }
        trace.push(TraceEntry::new(
            format!("policy.approval.{}", rule.name),
            format!("asks for {} step(s)", rule.steps.len()),
        ));
        for step in &rule.steps {
            // a step asked for by two rules is taken once, where it was first asked for
            if !specs.iter().any(|(s, _)| *s == step) {
                specs.push((step, &rule.name));
            }
        }
    }

    let straight_through = policy.straight_through.enabled
        && reasons.is_empty()
        && facts.has_po
        && !facts.is_credit_note
        && facts.gross.is_some_and(|g| g < policy.straight_through.below);
    if specs.is_empty() && straight_through {
        trace.push(TraceEntry::new(
            "policy.straight_through",
            format!(
                "approved: clean, matched to a PO, gross below {}",
                policy.straight_through.below
            ),
        ));
        return Route {
            status: InvoiceStatus::Approved,
            steps: Vec::new(),
            trace,
        };
    }
    let fallback = StepSpec {
        role: Some("manager".into()),
        person: None,
        needs: Needs::One,
    };
    if specs.is_empty() {
        // never straight through unless the policy says so: a person looks at it
        trace.push(TraceEntry::new(
            "policy.approval.fallback",
            "no rule named an approver and the invoice may not go straight through: one manager approves",
        ));
        specs.push((&fallback, "fallback"));
    }
    let steps = specs
        .into_iter()
        .enumerate()
        .map(|(i, (spec, rule))| {
            let delegated_to = delegate_of(policy, spec, today);
            if let Some(to) = &delegated_to {
                trace.push(TraceEntry::new(
                    "policy.delegations",
                    format!("step {} delegated to {to}", i + 1),
                ));
            }
            ApprovalStep {
                order: u32::try_from(i + 1).unwrap_or(u32::MAX),
                role: spec.role.clone(),
                person: spec.person.clone(),
                needs: spec.needs,
                delegated_to,
                rule: rule.to_owned(),
            }
        })
        .collect();
    Route {
        status: InvoiceStatus::AwaitingApproval,
        steps,
        trace,
    }
}

fn condition_holds(when: &super::Condition, facts: &RoutingFacts) -> bool {
    let gross = facts.gross.unwrap_or(Decimal::ZERO);
    when.gross_from.is_none_or(|from| gross >= from)
        && when.gross_below.is_none_or(|below| gross < below)
        && when
            .department
            .as_ref()
            .is_none_or(|d| facts.departments.iter().any(|f| f.eq_ignore_ascii_case(d)))
        && when
            .vendor
            .as_ref()
            .is_none_or(|v| facts.vendor_id.as_ref() == Some(v))
        && when.account.as_ref().is_none_or(|a| facts.accounts.contains(a))
        && when.no_po.is_none_or(|no_po| no_po != facts.has_po)
        && when.credit_note.is_none_or(|c| c == facts.is_credit_note)
}

fn delegate_of(policy: &Policy, spec: &StepSpec, today: NaiveDate) -> Option<String> {
    let who = spec.person.as_ref().or(spec.role.as_ref())?;
    policy
        .delegations
        .iter()
        .find(|d| &d.from == who && d.start <= today && today <= d.end)
        .map(|d| d.to.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ReasonCode;
    use crate::policy::Delegation;

    fn day(d: &str) -> NaiveDate {
        d.parse().unwrap()
    }

    fn facts(gross: i64, has_po: bool) -> RoutingFacts {
        RoutingFacts {
            gross: Some(Decimal::new(gross, 2)),
            has_po,
            ..RoutingFacts::default()
        }
    }

    fn roles(route: &Route) -> Vec<String> {
        route.steps.iter().filter_map(|s| s.role.clone()).collect()
    }

    #[test]
    fn clean_po_invoice_just_below_1000_goes_straight_through() {
        let route = route_invoice(&Policy::default(), &[], &facts(99_999, true), day("2026-01-01"));
        assert_eq!(route.status, InvoiceStatus::Approved);
        assert!(route.trace.iter().any(|t| t.rule == "policy.straight_through"));
    }

    #[test]
    fn clean_po_invoice_of_exactly_1000_needs_one_manager() {
        let route = route_invoice(&Policy::default(), &[], &facts(100_000, true), day("2026-01-01"));
        assert_eq!(route.status, InvoiceStatus::AwaitingApproval);
        assert_eq!(roles(&route), ["manager"]);
    }

    #[test]
    fn the_straight_through_limit_is_exclusive_even_without_approval_rules() {
        let mut policy = Policy::default();
        policy.approval.clear();
        let at = route_invoice(&policy, &[], &facts(100_000, true), day("2026-01-01"));
        assert_eq!(
            at.status,
            InvoiceStatus::AwaitingApproval,
            "1000.00 is not below 1000.00"
        );
        assert_eq!(at.steps[0].rule, "fallback");
        let below = route_invoice(&policy, &[], &facts(99_999, true), day("2026-01-01"));
        assert_eq!(below.status, InvoiceStatus::Approved);
    }

    #[test]
    fn ten_thousand_needs_a_manager_then_an_owner() {
        let route = route_invoice(
            &Policy::default(),
            &[],
            &facts(1_000_000, true),
            day("2026-01-01"),
        );
        assert_eq!(roles(&route), ["manager", "owner"]);
        assert_eq!(route.steps[1].order, 2);
    }

    #[test]
    fn small_invoice_without_po_and_small_credit_notes_are_never_straight_through() {
        let route = route_invoice(&Policy::default(), &[], &facts(1_000, false), day("2026-01-01"));
        assert_eq!(route.status, InvoiceStatus::AwaitingApproval);
        assert_eq!(route.steps[0].rule, "no-po");
        let mut credit = facts(1_000, true);
        credit.is_credit_note = true;
        let route = route_invoice(&Policy::default(), &[], &credit, day("2026-01-01"));
        assert_eq!(route.steps[0].rule, "credit-note");
    }

    #[test]
    fn a_blocking_reason_makes_an_exception_and_a_non_blocking_one_sends_to_approval() {
        let reason = Reason::new(ReasonCode::PossibleDuplicate, "x", serde_json::json!({}));
        let route = route_invoice(
            &Policy::default(),
            std::slice::from_ref(&reason),
            &facts(100, true),
            day("2026-01-01"),
        );
        assert_eq!(route.status, InvoiceStatus::Exception);
        let mut lenient = Policy::default();
        lenient
            .blocking_reasons
            .retain(|c| *c != ReasonCode::PossibleDuplicate);
        let route = route_invoice(&lenient, &[reason], &facts(100, true), day("2026-01-01"));
        assert_eq!(
            route.status,
            InvoiceStatus::AwaitingApproval,
            "a reason is never straight through"
        );
    }

    #[test]
    fn delegation_applies_only_between_its_dates() {
        let mut policy = Policy::default();
        policy.delegations.push(Delegation {
            from: "manager".into(),
            to: "deputy".into(),
            start: day("2026-07-01"),
            end: day("2026-07-14"),
        });
        let during = route_invoice(&policy, &[], &facts(200_000, true), day("2026-07-14"));
        assert_eq!(during.steps[0].delegated_to.as_deref(), Some("deputy"));
        let after = route_invoice(&policy, &[], &facts(200_000, true), day("2026-07-15"));
        assert_eq!(after.steps[0].delegated_to, None);
    }

    #[test]
    fn department_rule_adds_a_named_person_needing_all() {
        let policy = Policy::parse(
            "p.toml",
            r#"
version = "3"
[[approval]]
name = "it"
when = { department = "IT" }
steps = [{ person = "carol", needs = "all" }]
"#,
        )
        .unwrap();
        let mut f = facts(500, true);
        f.departments = vec!["it".into()];
        let route = route_invoice(&policy, &[], &f, day("2026-01-01"));
        assert_eq!(route.status, InvoiceStatus::AwaitingApproval);
        assert_eq!(route.steps[0].person.as_deref(), Some("carol"));
        assert_eq!(route.steps[0].needs, Needs::All);
    }
}
