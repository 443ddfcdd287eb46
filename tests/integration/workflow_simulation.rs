//! A simulated month (2026-01-05 to 2026-02-04) of the generated company: 12 invoices, one every second day
//! at 09:00, taken in through the real reader, decisions and SQLite file with a simulated clock, and people
//! acting on them on a fixed schedule. The metrics at the end are compared with values worked out by hand
//! from that schedule (see the comments at each assertion).
//!
//! What the default policy decides for seed 7 (asserted first, so a change in decisions is named as such):
//! k=0,1,2,8 exceptions; k=3 awaiting a manager then an owner (13461.53); k=4 (1125.22) and k=7 (1233.41)
//! awaiting one manager; k=5,6,9,10,11 straight through.
//!
//! Schedule (hours after receipt): exceptions k=0 rejected at +48, k=8 rejected at +4, k=1 and k=2 left open;
//! k=4: the clerk corrects `buyer_reference` at +1, a manager approves at +26; k=7: a manager approves at
//! +26; k=3: a manager at +26, the owner at +50. Every approved invoice is posted 6 h after approval and paid
//! 24 h after posting.

use std::collections::BTreeMap;

use backdesk::api::Workspace;
use backdesk::model::{InvoiceId, InvoiceStatus};
use backdesk::scenario::generate;
use backdesk::workflow::approvals::Role;
use backdesk::workflow::corrections::Correction;
use backdesk::workflow::state::Event;
use chrono::{DateTime, Duration, Utc};
use rust_decimal::Decimal;
use serde_json::json;

use crate::workflow_support::{company, receive};

#[derive(Debug, Clone)]
enum Act {
    Receive,
    Correct(&'static str),
    Approve(&'static str),
    Reject,
    Post,
    Pay,
}

fn hours(n: i64) -> Duration {
    Duration::hours(n)
}

async fn act(ws: &Workspace, id: InvoiceId, what: &Act, at: DateTime<Utc>) {
    match what {
        Act::Receive => unreachable!("receipts are taken in by the loop"),
        Act::Correct(who) => {
            let fields = [Correction {
                field: "buyer_reference".into(),
                value: "DEPT-7".into(),
            }];
            let report = ws.correct_invoice_at(id, &fields, who, at).await.unwrap();
            assert_eq!(report.status, InvoiceStatus::AwaitingApproval);
        }
        Act::Approve(who) => {
            ws.approve_invoice_at(id, who, Some("checked"), at).await.unwrap();
        }
        Act::Reject => {
            ws.reject_invoice_at(id, "Ann", "not ours", at).await.unwrap();
        }
        Act::Post => {
            let payload = json!({ "target": "simulated", "invoice_id": id.0 });
            ws.record_booking_at(id, Event::Posted, "sync", payload, at)
                .await
                .unwrap();
        }
        Act::Pay => {
            ws.record_booking_at(id, Event::Paid, "sync", serde_json::Value::Null, at)
                .await
                .unwrap();
        }
    }
}

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[tokio::test]
async fn a_simulated_month_gives_the_hand_computed_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = generate(7, 12);
    let ws = company(dir.path(), &scenario).await;
    let start: DateTime<Utc> = "2026-01-05T09:00:00Z".parse().unwrap();
    for (name, role, limit) in [
        ("Ann", Role::Clerk, None),
        ("Mia", Role::Manager, Some(d("5000"))),
        ("Max", Role::Manager, None),
        ("Olga", Role::Owner, None),
    ] {
        ws.add_person_at(name, role, limit, start).await.unwrap();
    }
    backdesk::store::settings::set(ws.store().pool(), "workflow.sla_hours.awaiting_approval", "24")
        .await
        .unwrap();

    // every receipt and every action, in the order of its instant
    let received = |k: usize| start + Duration::days(2 * k as i64);
    let mut schedule: Vec<(DateTime<Utc>, usize, Act)> = Vec::new();
    let mut approved_at: BTreeMap<usize, DateTime<Utc>> = BTreeMap::new();
    for k in 0..scenario.documents.len() {
        schedule.push((received(k), k, Act::Receive));
    }
    schedule.push((received(0) + hours(48), 0, Act::Reject));
    schedule.push((received(8) + hours(4), 8, Act::Reject));
    schedule.push((received(4) + hours(1), 4, Act::Correct("Ann")));
    for (k, who) in [(4, "Mia"), (7, "Mia"), (3, "Max")] {
        schedule.push((received(k) + hours(26), k, Act::Approve(who)));
    }
    schedule.push((received(3) + hours(50), 3, Act::Approve("Olga")));
    for k in [5, 6, 9, 10, 11] {
        approved_at.insert(k, received(k));
    }
    approved_at.insert(4, received(4) + hours(26));
    approved_at.insert(7, received(7) + hours(26));
    approved_at.insert(3, received(3) + hours(50));
    for (k, at) in &approved_at {
        schedule.push((*at + hours(6), *k, Act::Post));
        schedule.push((*at + hours(30), *k, Act::Pay));
    }
    schedule.sort_by_key(|(at, k, _)| (*at, *k));

    let (mut ids, mut statuses) = (BTreeMap::new(), Vec::new());
    for (at, k, what) in &schedule {
        if let Act::Receive = what {
            let doc = &scenario.documents[*k];
            let id = receive(&ws, &doc.file_name, &doc.xml, "", *at).await;
            statuses.push(ws.get_invoice(id).await.unwrap().summary.status);
            ids.insert(*k, id);
            continue;
        }
        let id = ids[k];
        if let (3, Act::Approve("Max")) = (k, what) {
            // Mia's limit (5000.00) is below 13461.53; the clerk may not approve a manager's step
            let e = ws
                .approve_invoice_at(id, "Mia", None, *at)
                .await
                .unwrap_err()
                .to_string();
            assert!(e.contains("approval limit"), "{e}");
            let e = ws
                .approve_invoice_at(id, "Ann", None, *at)
                .await
                .unwrap_err()
                .to_string();
            assert!(e.contains("needs a manager"), "{e}");
        }
        if let (7, Act::Approve(_)) = (k, what) {
            // one minute before Mia approves, k=7 has waited 25 h 59 min: past the 24 h SLA, the only one
            let reminders = ws
                .approval_reminders_at(*at - Duration::minutes(1))
                .await
                .unwrap();
            assert_eq!(reminders.len(), 1, "{reminders:?}");
            assert_eq!((reminders[0].invoice_id, reminders[0].hours_waiting), (id.0, 25));
            assert_eq!(reminders[0].waiting_for, "manager");
            let queues = ws.queues_at(*at - Duration::minutes(1)).await.unwrap();
            assert_eq!(queues.awaiting_approval.len(), 1);
            assert!(queues.awaiting_approval[0].overdue);
            // exceptions still open then: k=1 and k=2 (k=0 was rejected on day 2, k=8 not yet received)
            let open: Vec<i64> = queues.exception.iter().map(|q| q.invoice_id).collect();
            assert_eq!(open, [ids[&1].0, ids[&2].0]);
        }
        act(&ws, id, what, *at).await;
    }

    use InvoiceStatus::{Approved as A, AwaitingApproval as W, Exception as E};
    assert_eq!(
        statuses,
        [E, E, E, W, W, A, A, W, E, A, A, A],
        "the decisions for seed 7"
    );
    let ids: Vec<InvoiceId> = ids.into_values().collect();

    let now: DateTime<Utc> = "2026-02-04T00:00:00Z".parse().unwrap();
    backdesk::store::settings::set(ws.store().pool(), "workflow.hourly_cost", "40.00")
        .await
        .unwrap();
    let m = ws.metrics_at(now).await.unwrap();
    assert_eq!(m.invoices_received, 12);
    // 5 straight through of 12 = 0.41666… ; 4 exceptions of 12
    assert_eq!((m.touchless, m.touchless_rate), (5, d("0.4167")));
    assert_eq!((m.exceptions, m.exception_rate), (4, d("0.3333")));
    let by_reason: Vec<(&str, usize)> = m
        .exceptions_by_reason
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(
        by_reason,
        [
            ("DUPLICATE_INVOICE", 1),
            ("PRICE_VARIANCE", 1),
            ("QUANTITY_EXCEEDS_ORDERED", 1),
            ("QUANTITY_EXCEEDS_RECEIVED", 1),
            ("TOTAL_VARIANCE", 1)
        ]
    );
    // one invoice a day on 12 days; day 0 is an exception with two reasons, day 10 (k=5) is clean
    assert_eq!(m.exceptions_over_time.len(), 12);
    assert_eq!(m.exceptions_over_time[0].period, "2026-01-05");
    assert_eq!(m.exceptions_over_time[0].exception_rate, Decimal::ONE);
    assert_eq!(m.exceptions_over_time[0].by_reason.len(), 2);
    assert_eq!(m.exceptions_over_time[5].period, "2026-01-15");
    assert_eq!(
        (
            m.exceptions_over_time[5].received,
            m.exceptions_over_time[5].exceptions
        ),
        (1, 0)
    );

    // receipt → approved: 0,0,0,0,0 (straight through), 26, 26, 50 → median of the 4th and 5th = 0;
    // p90 is the ⌈7.2⌉ = 8th = 50
    let c = &m.cycle_times;
    assert_eq!(
        (c.receipt_to_approved.count, c.receipt_to_approved.median_hours),
        (8, Some(d("0")))
    );
    assert_eq!(c.receipt_to_approved.p90_hours, Some(d("50")));
    // approved → posted: 6 for all eight
    assert_eq!(c.approved_to_posted.median_hours, Some(d("6")));
    assert_eq!(c.approved_to_posted.p90_hours, Some(d("6")));
    // receipt → posted: 6 ×5, 32, 32, 56 → median 6, p90 56
    assert_eq!(c.receipt_to_posted.median_hours, Some(d("6")));
    assert_eq!(c.receipt_to_posted.p90_hours, Some(d("56")));

    // time in state. exception: 48 (k=0), 4 (k=8), and the open ones until 2026-02-04T00:00: k=1 from
    // 01-07 09:00 = 28 days − 9 h = 663 h, k=2 from 01-09 09:00 = 26 days − 9 h = 615 h → sorted 4, 48, 615,
    // 663: median (48 + 615) / 2 = 331.5, p90 the 4th = 663
    let t = &m.time_in_state;
    assert_eq!(t["exception"].count, 4);
    assert_eq!(t["exception"].median_hours, Some(d("331.5")));
    assert_eq!(t["exception"].p90_hours, Some(d("663")));
    // awaiting approval: 26, 26, 50 (the correction of k=4 kept it awaiting: no status change)
    assert_eq!(t["awaiting_approval"].median_hours, Some(d("26")));
    assert_eq!(t["awaiting_approval"].p90_hours, Some(d("50")));
    // approved 6 h and posted 24 h, eight times each; paid and rejected are final
    assert_eq!(
        (t["approved"].count, t["approved"].median_hours),
        (8, Some(d("6")))
    );
    assert_eq!((t["posted"].count, t["posted"].p90_hours), (8, Some(d("24"))));
    assert!(!t.contains_key("paid") && !t.contains_key("rejected"));

    // everything approved by the end: nothing past its SLA; 5 touchless × 15 min = 1.25 h saved
    assert_eq!(m.approvals_past_sla, 0);
    assert_eq!(m.estimated_hours_saved, d("1.25"));
    // 7 manual invoices × 15 min × 40.00 an hour = 70.00, over 12 received = 5.833… → 5.83
    assert_eq!(m.estimated_cost_per_invoice, Some(d("5.83")));

    // accuracy: one field of V018's only invoice (k=4) was corrected; V015 sent k=0, 7 and 8, none corrected
    let by_vendor: BTreeMap<&str, _> = m
        .vendor_accuracy
        .iter()
        .map(|v| (v.vendor_id.as_deref().unwrap_or("-"), v))
        .collect();
    let v018 = by_vendor["V018"];
    assert_eq!((v018.invoices, v018.fields_corrected), (1, 1));
    assert_eq!(
        v018.accuracy,
        Decimal::ONE - (Decimal::ONE / Decimal::from(v018.fields)).round_dp(4)
    );
    assert_eq!(
        (by_vendor["V015"].invoices, by_vendor["V015"].fields_corrected),
        (3, 0)
    );
    assert_eq!(by_vendor["V015"].accuracy, Decimal::ONE);
    // one corrected field among all extracted ones
    let fields: usize = m.vendor_accuracy.iter().map(|v| v.fields).sum();
    assert_eq!(
        m.field_error_rate,
        (Decimal::ONE / Decimal::from(fields)).round_dp(4)
    );

    // the final statuses and an intact trail
    let mut final_status = Vec::new();
    for id in &ids {
        final_status.push(ws.get_invoice(*id).await.unwrap().summary.status);
    }
    use InvoiceStatus::{Paid as P, Rejected as R};
    assert_eq!(final_status, [R, E, E, P, P, P, P, P, R, P, P, P]);
    // a paid invoice is in the books: it cannot be corrected, re-approved or rejected
    let fields = [Correction {
        field: "total_gross".into(),
        value: "1.00".into(),
    }];
    let e = ws
        .correct_invoice_at(ids[5], &fields, "Ann", now)
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("is paid") && e.contains("credit note"), "{e}");
    let e = ws
        .reject_invoice_at(ids[5], "Ann", "late", now)
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("credit note"), "{e}");
    let verification = ws.verify_audit().await.unwrap();
    assert!(verification.ok, "{verification:?}");
}
