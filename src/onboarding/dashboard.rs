//! Dashboard numbers: hires by stage, overdue items, and the coordinator's time per hire measured from the
//! audit trail.
//!
//! **Method (coordinator time):** for every checklist item, the human actions on it (audit entries whose
//! actor is a person, not `backdesk`) are taken in time order; the item's handling time is the span from the
//! first to the last of them (one action alone counts as zero). A hire's time is the sum over its items;
//! the average is over hires with at least one human action. Documents that tick their item automatically
//! add nothing — that is the time saved.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

/// Where a hire is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Nothing done yet.
    New,
    /// Some items done.
    Collecting,
    /// Every document done; tasks of other teams remain.
    DocumentsComplete,
    /// Every item done.
    Complete,
    /// Personal data purged after retention.
    Purged,
}

/// The item states of one hire, for its stage.
pub fn stage(purged: bool, items: &[(bool, bool)]) -> Stage {
    // (is_document, done)
    if purged {
        return Stage::Purged;
    }
    let done = items.iter().filter(|(_, d)| *d).count();
    if done == items.len() {
        Stage::Complete
    } else if items.iter().filter(|(doc, _)| *doc).all(|(_, d)| *d) && items.iter().any(|(doc, _)| *doc) {
        Stage::DocumentsComplete
    } else if done == 0 {
        Stage::New
    } else {
        Stage::Collecting
    }
}

/// One human action on an item.
#[derive(Debug, Clone, PartialEq)]
pub struct HumanAction {
    pub hire_id: i64,
    pub item_key: String,
    pub at: DateTime<Utc>,
}

/// The first and last human action on one item.
type Span = (DateTime<Utc>, DateTime<Utc>);

/// The dashboard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dashboard {
    pub hires_by_stage: BTreeMap<Stage, usize>,
    pub items_overdue: usize,
    /// Hires with at least one human action.
    pub hires_measured: usize,
    /// Average coordinator minutes per measured hire (see the module's method).
    pub average_coordinator_minutes: Option<f64>,
}

/// Average coordinator time per hire, in minutes, and how many hires were measured.
pub fn coordinator_minutes(actions: &[HumanAction]) -> (usize, Option<f64>) {
    let mut spans: BTreeMap<(i64, &str), Span> = BTreeMap::new();
    for action in actions {
        let span = spans
            .entry((action.hire_id, action.item_key.as_str()))
            .or_insert((action.at, action.at));
        span.0 = span.0.min(action.at);
        span.1 = span.1.max(action.at);
    }
    let mut per_hire: BTreeMap<i64, i64> = BTreeMap::new();
    for ((hire, _), (first, last)) in spans {
        *per_hire.entry(hire).or_default() += (last - first).num_seconds();
    }
    if per_hire.is_empty() {
        return (0, None);
    }
    let total: i64 = per_hire.values().sum();
    (per_hire.len(), Some(total as f64 / 60.0 / per_hire.len() as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        format!("2026-03-01T{h:02}:{m:02}:00Z").parse().unwrap()
    }

    #[test]
    fn coordinator_time_sums_item_spans_per_hire_and_averages_over_hires() {
        let action = |hire, key: &str, at| HumanAction {
            hire_id: hire,
            item_key: key.into(),
            at,
        };
        let actions = vec![
            action(1, "id", at(9, 0)),
            action(1, "id", at(9, 30)),
            action(1, "tax", at(10, 0)),
            action(1, "tax", at(10, 10)),
            action(2, "id", at(11, 0)),
        ];
        // hire 1: 30 + 10 minutes; hire 2: one action, 0 minutes
        assert_eq!(coordinator_minutes(&actions), (2, Some(20.0)));
    }

    #[test]
    fn stages_follow_what_is_done() {
        assert_eq!(stage(false, &[(true, false), (false, false)]), Stage::New);
        assert_eq!(stage(false, &[(true, true), (true, false)]), Stage::Collecting);
        assert_eq!(
            stage(false, &[(true, true), (false, false)]),
            Stage::DocumentsComplete
        );
        assert_eq!(stage(false, &[(true, true), (false, true)]), Stage::Complete);
        assert_eq!(stage(true, &[]), Stage::Purged);
    }
}
