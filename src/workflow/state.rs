//! The invoice state machine (contracts/cli.md): `exception` and `awaiting_approval` are re-evaluated after a
//! correction or override, `awaiting_approval` → `approved` → `posted` → `paid`, `rejected` from any open
//! state. Every transition is explicit; every other one is an error with a sentence that says why.

use crate::error::{Error, Result};
use crate::model::{InvoiceId, InvoiceStatus};

/// What happened to an invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// Decided again (after a correction, an override or a master-data change) with this outcome.
    Reevaluated(InvoiceStatus),
    /// The last approval step was approved by people.
    Approved,
    /// Posted to the accounting system.
    Posted,
    /// Paid, as read back from the accounting system.
    Paid,
    /// Rejected by a person.
    Rejected,
}

impl Event {
    /// The name used in messages and in the audit trail.
    pub fn name(self) -> &'static str {
        match self {
            Self::Reevaluated(_) => "re-evaluate",
            Self::Approved => "approve",
            Self::Posted => "post",
            Self::Paid => "mark paid",
            Self::Rejected => "reject",
        }
    }
}

/// Open: a person may still change, approve or reject it. Posted, paid and rejected invoices are closed.
pub fn is_open(status: InvoiceStatus) -> bool {
    matches!(
        status,
        InvoiceStatus::Exception | InvoiceStatus::AwaitingApproval | InvoiceStatus::Approved
    )
}

/// The status after `event`, or why `event` may not happen to invoice `id` in `from`.
pub fn transition(id: InvoiceId, from: InvoiceStatus, event: Event) -> Result<InvoiceStatus> {
    use InvoiceStatus as S;
    let refused = |why: &str| {
        Err(Error::Usage(format!(
            "invoice {id} is {from}: cannot {}; {why}",
            event.name()
        )))
    };
    match (from, event) {
        // a decision yields exception, awaiting approval or approved (straight through); never a closed state
        (S::Exception | S::AwaitingApproval | S::Approved, Event::Reevaluated(to))
            if matches!(to, S::Exception | S::AwaitingApproval | S::Approved) =>
        {
            Ok(to)
        }
        (_, Event::Reevaluated(to)) if !matches!(to, S::Exception | S::AwaitingApproval | S::Approved) => {
            refused(&format!("a decision cannot make an invoice {to}"))
        }
        (S::AwaitingApproval, Event::Approved) => Ok(S::Approved),
        (S::Approved, Event::Posted) => Ok(S::Posted),
        (S::Posted, Event::Paid) => Ok(S::Paid),
        (S::Exception | S::AwaitingApproval | S::Approved, Event::Rejected) => Ok(S::Rejected),
        (S::Exception, Event::Approved) => {
            refused("it needs a person to resolve its reasons first (correct it or record an override)")
        }
        (S::Approved, Event::Approved) => refused("it is already approved"),
        (S::Posted | S::Paid, Event::Reevaluated(_)) => {
            refused("it is already in the accounting system and cannot change; record a credit note instead")
        }
        (S::Rejected, _) => refused("a rejected invoice is closed; ingest a corrected document instead"),
        (S::Posted | S::Paid, Event::Rejected) => {
            refused("it is already in the accounting system; record a credit note instead")
        }
        (S::Posted | S::Paid, Event::Approved) => refused("it was approved before it was posted"),
        (_, Event::Posted) => refused("only an approved invoice can be posted"),
        (_, Event::Paid) => refused("only a posted invoice can be marked paid"),
        _ => refused("this transition is not part of the invoice life cycle"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use InvoiceStatus as S;

    const ID: InvoiceId = InvoiceId(7);

    fn all_events() -> Vec<Event> {
        let mut events: Vec<Event> = S::ALL.iter().map(|s| Event::Reevaluated(*s)).collect();
        events.extend([Event::Approved, Event::Posted, Event::Paid, Event::Rejected]);
        events
    }

    /// The whole allowed table, written out by hand from contracts/cli.md.
    fn allowed(from: S, event: Event) -> Option<S> {
        let decided = [S::Exception, S::AwaitingApproval, S::Approved];
        match event {
            Event::Reevaluated(to) if decided.contains(&from) && decided.contains(&to) => Some(to),
            Event::Approved if from == S::AwaitingApproval => Some(S::Approved),
            Event::Posted if from == S::Approved => Some(S::Posted),
            Event::Paid if from == S::Posted => Some(S::Paid),
            Event::Rejected if decided.contains(&from) => Some(S::Rejected),
            _ => None,
        }
    }

    #[test]
    fn every_transition_and_every_forbidden_one() {
        let (mut ok, mut refused) = (0, 0);
        for from in S::ALL {
            for event in all_events() {
                match (allowed(*from, event), transition(ID, *from, event)) {
                    (Some(expected), Ok(got)) => {
                        assert_eq!(got, expected, "{from} + {event:?}");
                        ok += 1;
                    }
                    (None, Err(error)) => {
                        let text = error.to_string();
                        assert!(
                            text.starts_with(&format!("invoice 7 is {from}: cannot ")),
                            "{text}"
                        );
                        assert!(text.contains("; "), "a reason follows: {text}");
                        refused += 1;
                    }
                    (expected, got) => panic!("{from} + {event:?}: expected {expected:?}, got {got:?}"),
                }
            }
        }
        // 3 × 3 re-evaluations, approve, post, pay, 3 rejections
        assert_eq!(ok, 9 + 1 + 1 + 1 + 3);
        assert_eq!(refused, S::ALL.len() * all_events().len() - ok);
    }

    #[test]
    fn the_happy_path_runs_to_paid() {
        let mut status = S::Exception;
        for event in [
            Event::Reevaluated(S::AwaitingApproval),
            Event::Approved,
            Event::Posted,
            Event::Paid,
        ] {
            status = transition(ID, status, event).unwrap();
        }
        assert_eq!(status, S::Paid);
    }

    #[test]
    fn forbidden_transitions_say_what_to_do() {
        let text = transition(ID, S::Exception, Event::Approved)
            .unwrap_err()
            .to_string();
        assert!(text.contains("resolve its reasons"), "{text}");
        let text = transition(ID, S::Posted, Event::Reevaluated(S::AwaitingApproval))
            .unwrap_err()
            .to_string();
        assert!(text.contains("credit note"), "{text}");
        let text = transition(ID, S::Rejected, Event::Rejected)
            .unwrap_err()
            .to_string();
        assert!(text.contains("closed"), "{text}");
    }

    #[test]
    fn open_states_are_the_ones_a_person_can_still_change() {
        let open: Vec<S> = S::ALL.iter().copied().filter(|s| is_open(*s)).collect();
        assert_eq!(open, [S::Exception, S::AwaitingApproval, S::Approved]);
    }
}
