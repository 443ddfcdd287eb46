//! What the desktop's tray and approval notifications ask the core, against a real SQLite file with a
//! simulated clock: the counts of exceptions and approvals, and the approvals one person can give now
//! (their role or name, a delegation only between its dates, never a step after one they already took).

use backdesk::api::attention::{approvals_notification_text, ApprovalArrivals};
use backdesk::scenario::generate;
use backdesk::workflow::approvals::Role;
use chrono::{DateTime, Utc};

use crate::workflow_support::{company, receive};

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

#[tokio::test]
async fn approvals_waiting_for_a_person_follow_roles_delegations_and_steps_taken() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = generate(7, 12);
    let ws = company(dir.path(), &scenario).await;
    let policy = "version = \"holiday-1\"\n[[delegations]]\nfrom = \"owner\"\nto = \"Max\"\nstart = \"2026-01-12\"\nend = \"2026-01-13\"\n";
    ws.save_policy("policy.toml", policy).await.unwrap();
    let t0 = at("2026-01-10T08:00:00Z");
    for (name, role) in [
        ("Deb", Role::Manager),
        ("Max", Role::Manager),
        ("Olga", Role::Owner),
        ("Otto", Role::Owner),
        ("Cleo", Role::Clerk),
    ] {
        ws.add_person_at(name, role, None, t0).await.unwrap();
    }
    let before = ws.attention().await.unwrap();
    // k=3: a manager step, then an owner step (tests/integration/workflow_approvals.rs)
    let docs = &scenario.documents;
    let big = receive(
        &ws,
        &docs[3].file_name,
        &docs[3].xml,
        "",
        at("2026-01-11T09:00:00Z"),
    )
    .await;

    let after = ws.attention().await.unwrap();
    assert_eq!(
        after.awaiting_approval,
        before.awaiting_approval + 1,
        "the tray counts the new approval"
    );
    assert_eq!(after.exceptions, before.exceptions, "it is not an exception");

    let day1 = at("2026-01-11T10:00:00Z");
    let waiting = |who: &'static str, when: DateTime<Utc>| {
        let ws = ws.clone();
        async move {
            ws.approvals_waiting_for_at(who, when)
                .await
                .unwrap()
                .contains(&big)
        }
    };
    assert!(waiting("Deb", day1).await, "a manager can take the manager step");
    assert!(
        waiting("olga", day1).await,
        "a higher role can too (names match regardless of case)"
    );
    assert!(!waiting("Cleo", day1).await, "a clerk cannot");
    assert!(
        ws.approvals_waiting_for_at("Nobody", day1)
            .await
            .unwrap()
            .is_empty(),
        "nobody on file waits for nothing"
    );

    // the owner takes the manager step: a higher role may
    ws.approve_invoice_at(big, "Olga", None, at("2026-01-11T11:00:00Z"))
        .await
        .unwrap();
    let day1 = at("2026-01-11T12:00:00Z");
    assert!(
        !waiting("Olga", day1).await,
        "Olga took step 1 and cannot take step 2, though it needs an owner"
    );
    assert!(!waiting("Deb", day1).await, "the owner step is not a manager's");
    assert!(!waiting("Max", day1).await, "not before the delegation starts");
    assert!(
        waiting("Otto", day1).await,
        "the owner step waits for the other owner"
    );
    assert!(
        waiting("Max", at("2026-01-12T09:00:00Z")).await,
        "Max holds the owner's delegation on the 12th"
    );
    assert!(
        !waiting("Max", at("2026-01-14T09:00:00Z")).await,
        "and no longer on the 14th"
    );

    // what the shell does with it: Olga is told once
    let mut arrivals = ApprovalArrivals::baseline("Otto", &[]);
    let now = ws.approvals_waiting_for_at("Otto", day1).await.unwrap();
    let new = arrivals.arrived(&now);
    assert_eq!(new, vec![big]);
    assert_eq!(
        approvals_notification_text("Otto", new.len()).as_deref(),
        Some("1 invoice is waiting for your approval, Otto.")
    );
    assert!(arrivals.arrived(&now).is_empty(), "told once");
}
