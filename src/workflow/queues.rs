//! Queues and their service levels: exceptions by reason (with owner and age), invoices awaiting approval by
//! approver, invoices on hold; an SLA per queue (hours, in the settings), and the reminders for approval
//! steps waiting past theirs. Ages are measured against the clock the caller passes in.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// A queue of invoices that wait for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Queue {
    Exception,
    AwaitingApproval,
    OnHold,
}

impl Queue {
    /// Every queue.
    pub const ALL: [Self; 3] = [Self::Exception, Self::AwaitingApproval, Self::OnHold];

    /// The name used in settings keys and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Exception => "exception",
            Self::AwaitingApproval => "awaiting_approval",
            Self::OnHold => "on_hold",
        }
    }

    /// The settings key of this queue's SLA in hours.
    pub fn sla_setting(self) -> String {
        format!("workflow.sla_hours.{}", self.as_str())
    }

    /// The SLA when the settings name none: exceptions 2 days, approvals 3 days, holds a week.
    pub fn default_sla_hours(self) -> i64 {
        match self {
            Self::Exception => 48,
            Self::AwaitingApproval => 72,
            Self::OnHold => 168,
        }
    }
}

/// One invoice in a queue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueueItem {
    pub queue: Queue,
    pub invoice_id: i64,
    pub vendor_name: Option<String>,
    pub invoice_number: Option<String>,
    pub total_gross: Option<String>,
    pub currency: Option<String>,
    /// Exceptions: the reason codes. On hold: the hold's reason.
    pub reasons: Vec<String>,
    /// Exceptions: the assigned owner. Approvals: who the current step waits for. Holds: who put it on hold.
    pub owner: Option<String>,
    /// Since when it waits (RFC 3339).
    pub since: Option<String>,
    pub age_hours: i64,
    pub sla_hours: i64,
    pub overdue: bool,
}

/// Whole hours from `since` (RFC 3339) to `now`; 0 when `since` is missing or unreadable or in the future.
pub fn age_hours(since: Option<&str>, now: DateTime<Utc>) -> i64 {
    since
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map_or(0, |s| (now - s.with_timezone(&Utc)).num_hours().max(0))
}

/// Waiting longer than the SLA (strictly).
pub fn is_overdue(age_hours: i64, sla_hours: i64) -> bool {
    age_hours > sla_hours
}

/// An approval step waiting past its SLA: what the desktop notifies about.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reminder {
    pub invoice_id: i64,
    pub step_order: u32,
    /// The role or person the step waits for.
    pub waiting_for: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delegated_to: Option<String>,
    pub since: String,
    pub hours_waiting: i64,
    pub sla_hours: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_is_whole_hours_and_overdue_is_strictly_past_the_sla() {
        let now: DateTime<Utc> = "2026-03-04T12:00:00Z".parse().unwrap();
        assert_eq!(age_hours(Some("2026-03-01T12:00:00.000Z"), now), 72);
        assert_eq!(age_hours(Some("2026-03-01T12:30:00Z"), now), 71);
        assert_eq!(age_hours(None, now), 0);
        assert_eq!(age_hours(Some("2026-03-05T00:00:00Z"), now), 0);
        assert!(!is_overdue(72, 72));
        assert!(is_overdue(73, 72));
    }
}
