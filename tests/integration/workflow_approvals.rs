//! Approvals against a real SQLite file with a simulated clock: delegation from the policy file only between
//! its dates, nobody approving their own upload or two steps, holds, bulk approval of clean invoices under
//! one's limit, and overrides and policy changes in the audit trail.

use backdesk::model::{InvoiceId, InvoiceStatus};
use backdesk::scenario::generate;
use backdesk::workflow::approvals::Role;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::workflow_support::{company, receive};

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn refused(result: backdesk::error::Result<impl std::fmt::Debug>) -> String {
    result.unwrap_err().to_string()
}

#[tokio::test]
async fn delegation_own_uploads_holds_bulk_and_overrides() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = generate(7, 12);
    let ws = company(dir.path(), &scenario).await;
    let policy = r#"version = "holiday-1"
[[delegations]]
from = "owner"
to = "Deb"
start = "2026-01-12"
end = "2026-01-13"
"#;
    ws.save_policy("policy.toml", policy).await.unwrap();
    let t0 = at("2026-01-10T08:00:00Z");
    for (name, role, limit) in [
        ("Mia", Role::Manager, None),
        ("Max", Role::Manager, Some(Decimal::from(1_200))),
        ("Deb", Role::Manager, None),
        ("Olga", Role::Owner, None),
    ] {
        ws.add_person_at(name, role, limit, t0).await.unwrap();
    }
    let docs = &scenario.documents;
    // k=3: 13461.53, a manager then an owner; uploaded by Mia
    let big = receive(
        &ws,
        &docs[3].file_name,
        &docs[3].xml,
        "Mia",
        at("2026-01-11T09:00:00Z"),
    )
    .await;
    let e = refused(
        ws.approve_invoice_at(big, "Mia", None, at("2026-01-11T10:00:00Z"))
            .await,
    );
    assert!(e.contains("Mia uploaded invoice"), "{e}");
    let e = refused(
        ws.approve_invoice_at(big, "Max", None, at("2026-01-11T10:00:00Z"))
            .await,
    );
    assert!(e.contains("approval limit of 1200"), "{e}");
    let first = ws
        .approve_invoice_at(big, "Deb", None, at("2026-01-11T11:00:00Z"))
        .await
        .unwrap();
    assert_eq!(
        (first.step_order, first.status),
        (1, InvoiceStatus::AwaitingApproval)
    );
    // step 2 needs the owner; Deb holds the owner's delegation on the 12th and 13th, but already took step 1
    let e = refused(
        ws.approve_invoice_at(big, "Deb", None, at("2026-01-12T09:00:00Z"))
            .await,
    );
    assert!(e.contains("already approved step 1"), "{e}");
    // a manager cannot take the owner's step; Olga does
    let e = refused(
        ws.approve_invoice_at(big, "Max", None, at("2026-01-12T09:00:00Z"))
            .await,
    );
    assert!(e.contains("needs an owner"), "{e}");
    let done = ws
        .approve_invoice_at(big, "Olga", Some("fine"), at("2026-01-12T09:30:00Z"))
        .await
        .unwrap();
    assert_eq!(done.status, InvoiceStatus::Approved);

    // k=4 (1125.22, one manager step)
    let mid = receive(
        &ws,
        &docs[4].file_name,
        &docs[4].xml,
        "",
        at("2026-01-13T09:00:00Z"),
    )
    .await;
    let state = ws.approval_state(mid).await.unwrap();
    assert_eq!(state.current_step, Some(1));
    // a hold stops approval and puts it in the on-hold queue
    ws.hold_invoice_at(
        mid,
        "Mia",
        Some("waiting for the delivery note"),
        at("2026-01-13T10:00:00Z"),
    )
    .await
    .unwrap();
    let e = refused(
        ws.approve_invoice_at(mid, "Deb", None, at("2026-01-13T11:00:00Z"))
            .await,
    );
    assert!(e.contains("on hold"), "{e}");
    let queues = ws.queues_at(at("2026-01-13T12:00:00Z")).await.unwrap();
    assert_eq!(queues.on_hold.len(), 1);
    assert_eq!(
        (queues.on_hold[0].invoice_id, queues.on_hold[0].age_hours),
        (mid.0, 2)
    );
    assert!(queues.awaiting_approval.is_empty());
    ws.hold_invoice_at(mid, "Mia", None, at("2026-01-13T13:00:00Z"))
        .await
        .unwrap();

    // k=7 (1233.41, one manager step)
    let k7 = receive(
        &ws,
        &docs[7].file_name,
        &docs[7].xml,
        "",
        at("2026-01-19T09:00:00Z"),
    )
    .await;
    // bulk as Max (limit 1200.00): k=4 (1125.22) is approved, k=7 (1233.41) is above his limit and left
    let bulk = ws
        .approve_clean_under_limit_at("Max", Some("bulk"), at("2026-01-19T10:00:00Z"))
        .await
        .unwrap();
    let approved: Vec<InvoiceId> = bulk.approved.iter().map(|a| a.invoice_id).collect();
    assert_eq!(approved, [mid]);
    assert_eq!(bulk.skipped.len(), 1);
    assert_eq!(bulk.skipped[0].invoice_id, k7);
    assert!(
        bulk.skipped[0].why.contains("approval limit of 1200"),
        "{}",
        bulk.skipped[0].why
    );

    // a not-a-duplicate override and the policy change are in the trail
    let dup = receive(
        &ws,
        &docs[8].file_name,
        &docs[8].xml,
        "",
        at("2026-01-21T09:00:00Z"),
    )
    .await;
    assert_eq!(
        ws.get_invoice(dup).await.unwrap().summary.status,
        InvoiceStatus::Exception
    );
    ws.mark_not_duplicate(dup, "Mia", "a second delivery, agreed by phone")
        .await
        .unwrap();
    let trail = ws.audit_trail(Some(dup)).await.unwrap();
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions[..2], ["received", "not_duplicate"]);
    assert_eq!(trail[1].actor, "Mia");
    let all = ws.audit_trail(None).await.unwrap();
    assert_eq!(all[0].action, "policy_changed");
    assert_eq!(all[0].detail["to"], "holiday-1");
    assert!(ws.verify_audit().await.unwrap().ok);
}

#[tokio::test]
async fn a_delegate_acts_only_between_the_dates() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = generate(7, 12);
    let ws = company(dir.path(), &scenario).await;
    let policy = r#"version = "holiday-2"
[[delegations]]
from = "owner"
to = "Deb"
start = "2026-01-12"
end = "2026-01-13"
"#;
    ws.save_policy("policy.toml", policy).await.unwrap();
    let t0 = at("2026-01-10T08:00:00Z");
    ws.add_person_at("Max", Role::Manager, None, t0).await.unwrap();
    ws.add_person_at("Deb", Role::Manager, None, t0).await.unwrap();
    let docs = &scenario.documents;
    let big = receive(
        &ws,
        &docs[3].file_name,
        &docs[3].xml,
        "",
        at("2026-01-11T09:00:00Z"),
    )
    .await;
    ws.approve_invoice_at(big, "Max", None, at("2026-01-11T10:00:00Z"))
        .await
        .unwrap();
    let e = refused(
        ws.approve_invoice_at(big, "Deb", None, at("2026-01-11T23:59:00Z"))
            .await,
    );
    assert!(
        e.contains("no delegation to Deb is in force on 2026-01-11"),
        "{e}"
    );
    let e = refused(
        ws.approve_invoice_at(big, "Deb", None, at("2026-01-14T00:00:00Z"))
            .await,
    );
    assert!(e.contains("in force on 2026-01-14"), "{e}");
    let done = ws
        .approve_invoice_at(big, "Deb", Some("for Olga"), at("2026-01-13T17:00:00Z"))
        .await
        .unwrap();
    assert_eq!(done.acting_for.as_deref(), Some("owner"));
    assert_eq!(done.status, InvoiceStatus::Approved);
    let trail = ws.audit_trail(Some(big)).await.unwrap();
    let approval = trail.iter().rfind(|e| e.action == "approved").unwrap();
    assert_eq!(
        (approval.actor.as_str(), &approval.detail["acting_for"]),
        ("Deb", &serde_json::json!("owner"))
    );
}
