//! The numbers that show the workflow works, computed from the audit trail (so they cover exactly what
//! happened, with the times it happened): cycle times receipt → approved → posted (median, p90), the
//! touchless rate, the exception rate by reason code per day of receipt, time in each state, per-vendor
//! extraction accuracy (share of fields corrected) and the overall field error rate, approvals waiting past
//! their SLA, the estimated hours saved and, given an hourly cost, the cost of people's time per invoice. Pure: the entries, the accuracy rows and the clock are passed in.
//!
//! Durations are hours with two decimals. The median of an even count is the mean of the middle two; p90 is
//! the nearest rank (the ⌈0.9·n⌉-th smallest).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use super::audit::Entry;
use crate::model::InvoiceStatus;

/// The settings key of the minutes a person spends on an invoice that is not touchless.
pub const MINUTES_PER_MANUAL_INVOICE: &str = "workflow.minutes_per_manual_invoice";

/// The default when the settings name none.
pub const DEFAULT_MINUTES_PER_MANUAL_INVOICE: i64 = 15;

/// The settings key of what an hour of a person's time costs (a decimal; no cost figure without it).
pub const HOURLY_COST: &str = "workflow.hourly_cost";

/// Median and p90 of a set of durations, in hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Spread {
    pub count: usize,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub median_hours: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub p90_hours: Option<Decimal>,
}

/// Cycle times between the milestones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CycleTimes {
    pub receipt_to_approved: Spread,
    pub approved_to_posted: Spread,
    pub receipt_to_posted: Spread,
}

/// Exceptions among the invoices received on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExceptionPeriod {
    /// The UTC day of receipt.
    pub period: String,
    pub received: usize,
    pub exceptions: usize,
    #[serde(with = "rust_decimal::serde::str")]
    pub exception_rate: Decimal,
    /// Invoices received as exceptions carrying each reason code.
    pub by_reason: BTreeMap<String, usize>,
}

/// Extraction accuracy of one vendor's invoices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VendorAccuracy {
    pub vendor_id: Option<String>,
    pub invoices: usize,
    pub fields: usize,
    pub fields_corrected: usize,
    /// Share of fields not corrected.
    #[serde(with = "rust_decimal::serde::str")]
    pub accuracy: Decimal,
}

/// Everything `backdesk metrics --json` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Metrics {
    pub as_of: String,
    pub invoices_received: usize,
    pub cycle_times: CycleTimes,
    /// Invoices approved on receipt (straight through) that no person acted on since.
    pub touchless: usize,
    #[serde(with = "rust_decimal::serde::str")]
    pub touchless_rate: Decimal,
    /// Invoices that were an exception on receipt.
    pub exceptions: usize,
    #[serde(with = "rust_decimal::serde::str")]
    pub exception_rate: Decimal,
    /// Invoices received as exceptions carrying each reason code (all periods).
    pub exceptions_by_reason: BTreeMap<String, usize>,
    pub exceptions_over_time: Vec<ExceptionPeriod>,
    /// Time spent in each status (intervals still open are measured up to `as_of`; paid and rejected are
    /// final and not measured).
    pub time_in_state: BTreeMap<String, Spread>,
    pub vendor_accuracy: Vec<VendorAccuracy>,
    /// Share of all extracted fields that a person corrected (the error rate).
    #[serde(with = "rust_decimal::serde::str")]
    pub field_error_rate: Decimal,
    pub approvals_past_sla: usize,
    pub minutes_per_manual_invoice: i64,
    /// Cost of people's time per received invoice: invoices that were not touchless × minutes per manual
    /// invoice × the hourly cost, over all received (only when the hourly cost is set).
    #[serde(with = "rust_decimal::serde::str_option")]
    pub estimated_cost_per_invoice: Option<Decimal>,
    /// Touchless invoices × minutes per manual invoice, in hours.
    #[serde(with = "rust_decimal::serde::str")]
    pub estimated_hours_saved: Decimal,
}

/// What the metrics are computed from.
#[derive(Debug, Clone)]
pub struct Inputs<'a> {
    pub entries: &'a [Entry],
    pub vendor_accuracy: Vec<VendorAccuracy>,
    pub approvals_past_sla: usize,
    pub minutes_per_manual_invoice: i64,
    pub hourly_cost: Option<Decimal>,
    pub now: DateTime<Utc>,
}

fn instant(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn hours(from: DateTime<Utc>, to: DateTime<Utc>) -> Decimal {
    (Decimal::from((to - from).num_seconds()) / Decimal::from(3600)).round_dp(2)
}

/// Median and nearest-rank p90.
pub fn spread(mut values: Vec<Decimal>) -> Spread {
    values.sort();
    let n = values.len();
    if n == 0 {
        return Spread {
            count: 0,
            median_hours: None,
            p90_hours: None,
        };
    }
    let median = if n % 2 == 1 {
        values[n / 2]
    } else {
        ((values[n / 2 - 1] + values[n / 2]) / Decimal::TWO).round_dp(2)
    };
    let rank = (n * 9).div_ceil(10).max(1);
    Spread {
        count: n,
        median_hours: Some(median),
        p90_hours: Some(values[rank - 1]),
    }
}

/// A share rounded to four decimals (0 of nothing is 0).
pub fn rate(part: usize, whole: usize) -> Decimal {
    if whole == 0 {
        return Decimal::ZERO;
    }
    (Decimal::from(part) / Decimal::from(whole))
        .round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero)
}

#[derive(Default)]
struct Timeline {
    received: Option<(DateTime<Utc>, String, Vec<String>)>,
    /// A person acted on it (corrected, approved, rejected, overrode, held or assigned it).
    touched: bool,
    statuses: Vec<(DateTime<Utc>, String)>,
    approved: Option<DateTime<Utc>>,
    posted: Option<DateTime<Utc>>,
}

fn text_of(value: &serde_json::Value, key: &str) -> String {
    value
        .get(key)
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Computes the metrics.
pub fn compute(inputs: Inputs<'_>) -> Metrics {
    let mut timelines: BTreeMap<i64, Timeline> = BTreeMap::new();
    for entry in inputs.entries {
        let (Some(id), Some(at)) = (entry.invoice_id, instant(&entry.at)) else {
            continue;
        };
        let timeline = timelines.entry(id).or_default();
        let to = match entry.action.as_str() {
            "received" => {
                let status = text_of(&entry.detail, "status");
                let reasons = entry
                    .detail
                    .get("reasons")
                    .and_then(serde_json::Value::as_array)
                    .map(|r| r.iter().filter_map(|c| c.as_str().map(str::to_owned)).collect())
                    .unwrap_or_default();
                timeline.received = Some((at, status.clone(), reasons));
                status
            }
            "status_changed" => text_of(&entry.detail, "to"),
            "field_corrected"
            | "approved"
            | "rejected"
            | "bank_details_confirmed"
            | "not_duplicate"
            | "hold"
            | "assigned" => {
                timeline.touched = true;
                continue;
            }
            _ => continue,
        };
        if to == InvoiceStatus::Approved.as_str() {
            timeline.approved.get_or_insert(at);
        }
        if to == InvoiceStatus::Posted.as_str() {
            timeline.posted.get_or_insert(at);
        }
        timeline.statuses.push((at, to));
    }

    let (mut to_approved, mut to_posted_from_approved, mut to_posted) = (Vec::new(), Vec::new(), Vec::new());
    let mut in_state: BTreeMap<String, Vec<Decimal>> = BTreeMap::new();
    let (mut received, mut touchless, mut exceptions) = (0, 0, 0);
    let mut by_reason: BTreeMap<String, usize> = BTreeMap::new();
    let mut periods: BTreeMap<String, ExceptionPeriod> = BTreeMap::new();
    for timeline in timelines.values() {
        let Some((received_at, first_status, reasons)) = &timeline.received else {
            continue;
        };
        received += 1;
        let period = periods
            .entry(received_at.date_naive().to_string())
            .or_insert_with(|| ExceptionPeriod {
                period: received_at.date_naive().to_string(),
                received: 0,
                exceptions: 0,
                exception_rate: Decimal::ZERO,
                by_reason: BTreeMap::new(),
            });
        period.received += 1;
        if first_status == InvoiceStatus::Exception.as_str() {
            exceptions += 1;
            period.exceptions += 1;
            for code in reasons {
                *by_reason.entry(code.clone()).or_default() += 1;
                *period.by_reason.entry(code.clone()).or_default() += 1;
            }
        }
        if first_status == InvoiceStatus::Approved.as_str() && !timeline.touched {
            touchless += 1;
        }
        if let Some(approved) = timeline.approved {
            to_approved.push(hours(*received_at, approved));
            if let Some(posted) = timeline.posted {
                to_posted_from_approved.push(hours(approved, posted));
            }
        }
        if let Some(posted) = timeline.posted {
            to_posted.push(hours(*received_at, posted));
        }
        for (i, (at, status)) in timeline.statuses.iter().enumerate() {
            if status == InvoiceStatus::Paid.as_str() || status == InvoiceStatus::Rejected.as_str() {
                continue;
            }
            let end = timeline.statuses.get(i + 1).map_or(inputs.now, |(next, _)| *next);
            in_state.entry(status.clone()).or_default().push(hours(*at, end));
        }
    }
    let exceptions_over_time = periods
        .into_values()
        .map(|mut p| {
            p.exception_rate = rate(p.exceptions, p.received);
            p
        })
        .collect();
    let minutes = inputs.minutes_per_manual_invoice;
    let fields: usize = inputs.vendor_accuracy.iter().map(|v| v.fields).sum();
    let corrected: usize = inputs.vendor_accuracy.iter().map(|v| v.fields_corrected).sum();
    let manual_hours = Decimal::from(received - touchless) * Decimal::from(minutes) / Decimal::from(60);
    let estimated_cost_per_invoice = inputs
        .hourly_cost
        .filter(|_| received > 0)
        .map(|cost| (manual_hours * cost / Decimal::from(received)).round_dp(2));
    Metrics {
        as_of: crate::store::timestamp(inputs.now),
        invoices_received: received,
        cycle_times: CycleTimes {
            receipt_to_approved: spread(to_approved),
            approved_to_posted: spread(to_posted_from_approved),
            receipt_to_posted: spread(to_posted),
        },
        touchless,
        touchless_rate: rate(touchless, received),
        exceptions,
        exception_rate: rate(exceptions, received),
        exceptions_by_reason: by_reason,
        exceptions_over_time,
        time_in_state: in_state.into_iter().map(|(k, v)| (k, spread(v))).collect(),
        vendor_accuracy: inputs.vendor_accuracy,
        field_error_rate: rate(corrected, fields),
        approvals_past_sla: inputs.approvals_past_sla,
        minutes_per_manual_invoice: minutes,
        estimated_cost_per_invoice,
        estimated_hours_saved: (Decimal::from(touchless) * Decimal::from(minutes) / Decimal::from(60))
            .round_dp(2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn median_and_p90_by_nearest_rank() {
        let s = spread((1..=10).map(Decimal::from).collect());
        assert_eq!((s.median_hours, s.p90_hours), (Some(d("5.5")), Some(d("9"))));
        let s = spread(vec![d("3"), d("1"), d("2")]);
        assert_eq!((s.median_hours, s.p90_hours), (Some(d("2")), Some(d("3"))));
        assert_eq!(spread(Vec::new()).median_hours, None);
        let s = spread(vec![d("4")]);
        assert_eq!((s.median_hours, s.p90_hours), (Some(d("4")), Some(d("4"))));
    }

    fn entry(id: i64, invoice: i64, at: &str, action: &str, detail: serde_json::Value) -> Entry {
        Entry {
            id,
            at: at.into(),
            actor: "x".into(),
            action: action.into(),
            invoice_id: Some(invoice),
            detail,
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    #[test]
    fn a_straight_through_invoice_a_person_touched_later_is_not_touchless() {
        let entries = [
            entry(
                1,
                1,
                "2026-01-01T00:00:00Z",
                "received",
                serde_json::json!({"status": "approved"}),
            ),
            entry(
                2,
                2,
                "2026-01-01T00:00:00Z",
                "received",
                serde_json::json!({"status": "approved"}),
            ),
            entry(
                3,
                2,
                "2026-01-01T05:00:00Z",
                "field_corrected",
                serde_json::json!({"field": "iban"}),
            ),
            entry(
                4,
                3,
                "2026-01-01T00:00:00Z",
                "received",
                serde_json::json!({"status": "exception", "reasons": ["PO_NOT_FOUND"]}),
            ),
            entry(
                5,
                3,
                "2026-01-01T10:00:00Z",
                "status_changed",
                serde_json::json!({"from": "exception", "to": "awaiting_approval"}),
            ),
        ];
        let m = compute(Inputs {
            entries: &entries,
            vendor_accuracy: Vec::new(),
            approvals_past_sla: 0,
            minutes_per_manual_invoice: 30,
            hourly_cost: Some(d("60")),
            now: "2026-01-02T00:00:00Z".parse().unwrap(),
        });
        assert_eq!((m.invoices_received, m.touchless, m.exceptions), (3, 1, 1));
        assert_eq!(m.estimated_hours_saved, d("0.5"));
        // 2 manual invoices × 30 min × 60.00 an hour over 3 received = 20.00
        assert_eq!(m.estimated_cost_per_invoice, Some(d("20")));
        assert_eq!(m.exceptions_by_reason["PO_NOT_FOUND"], 1);
        // exception 10 h; awaiting approval still open: 14 h until `now`; approved (1 and 2) open for 24 h
        assert_eq!(m.time_in_state["exception"].median_hours, Some(d("10")));
        assert_eq!(m.time_in_state["awaiting_approval"].median_hours, Some(d("14")));
        assert_eq!(m.time_in_state["approved"].count, 2);
        assert_eq!(m.cycle_times.receipt_to_approved.count, 2);
    }

    #[test]
    fn rates_round_to_four_places() {
        assert_eq!(rate(1, 3), d("0.3333"));
        assert_eq!(rate(2, 3), d("0.6667"));
        assert_eq!(rate(0, 0), Decimal::ZERO);
    }
}
