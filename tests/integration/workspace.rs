//! The workspace and store through the api: pragmas, schema version guard, events, report views.

use backdesk::api::{CoreEvent, Workspace};
use backdesk::store::Store;
use backdesk::ErrorCode;
use sqlx::Row;

use crate::support::demo;

#[tokio::test]
async fn the_database_runs_in_wal_mode_with_foreign_keys_enforced() {
    let dir = tempfile::tempdir().unwrap();
    let workspace = Workspace::open(dir.path()).await.unwrap();
    let pool = workspace.store().pool();
    let mode: String = sqlx::query("PRAGMA journal_mode")
        .fetch_one(pool)
        .await
        .unwrap()
        .get(0);
    assert_eq!(mode, "wal");
    let foreign_keys: i64 = sqlx::query("PRAGMA foreign_keys")
        .fetch_one(pool)
        .await
        .unwrap()
        .get(0);
    assert_eq!(foreign_keys, 1);
    let orphan = sqlx::query(
        "INSERT INTO purchase_order_lines (po_number, line_no, vendor_id, description, quantity, unit_price,
             currency, order_date, origin, updated_at) VALUES ('P', 1, 'NOBODY', 'x', '1', '1', 'EUR', '2026-01-01', 'import:x', 'now')",
    )
    .execute(pool)
    .await;
    assert!(
        orphan.is_err(),
        "a PO line for a vendor that does not exist is refused by the database itself"
    );
}

#[tokio::test]
async fn opening_twice_is_idempotent_and_keeps_data() {
    let dir = tempfile::tempdir().unwrap();
    let first = Workspace::open(dir.path()).await.unwrap();
    first
        .import_master_data(backdesk::api::MasterDataKind::Vendors, &demo("vendors.csv"))
        .await
        .unwrap();
    drop(first);
    let second = Workspace::open(dir.path()).await.unwrap();
    assert_eq!(second.overview().await.unwrap().vendor_count, 4);
}

#[tokio::test]
async fn a_database_from_a_newer_version_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let workspace = Workspace::open(dir.path()).await.unwrap();
    let newer = Store::supported_schema_version() + 1;
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time)
         VALUES (?, 'from the future', CURRENT_TIMESTAMP, 1, X'00', 0)",
    )
    .bind(newer)
    .execute(workspace.store().pool())
    .await
    .unwrap();
    workspace.store().clone().close().await;

    let error = Workspace::open(dir.path()).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::DatabaseTooNew);
    let message = error.to_string();
    assert!(message.contains("newer version of backdesk"), "{message}");
    assert!(message.contains(&format!("schema version {newer}")), "{message}");
}

#[tokio::test]
async fn ingesting_publishes_progress_and_change_events() {
    let dir = tempfile::tempdir().unwrap();
    let workspace = Workspace::open(dir.path()).await.unwrap();
    let mut events = workspace.subscribe();
    workspace
        .ingest_paths(&[demo("inbox/bluem-20150483.xml")])
        .await
        .unwrap();
    let mut seen = Vec::new();
    while let Ok(event) = events.try_recv() {
        seen.push(event);
    }
    assert!(
        seen.contains(&CoreEvent::IngestProgress { done: 1, total: 1 }),
        "{seen:?}"
    );
    assert!(seen.contains(&CoreEvent::InvoicesChanged), "{seen:?}");
}

#[tokio::test]
async fn report_views_answer_the_ui_reporting_queries() {
    let dir = tempfile::tempdir().unwrap();
    let workspace = backdesk::api::demo::open_demo_workspace(dir.path())
        .await
        .unwrap();
    let pool = workspace.store().pool();
    let rows =
        sqlx::query("SELECT status, invoice_count FROM report_invoice_counts_by_status ORDER BY status")
            .fetch_all(pool)
            .await
            .unwrap();
    let counts: Vec<(String, i64)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(
        counts,
        // Lieferant's partial invoice carries a 5.80 freight charge no PO line ordered: TOTAL_VARIANCE
        vec![("awaiting_approval".into(), 3), ("exception".into(), 2)]
    );
    let list = sqlx::query(
        "SELECT vendor_name, total_gross FROM report_invoice_list WHERE invoice_number = '20150483'",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(
        list.get::<String, _>(0),
        "Bluem BV",
        "the list shows the name on file"
    );
    assert_eq!(list.get::<String, _>(1), "177.87");
    let reasons: Vec<(String, i64)> =
        sqlx::query("SELECT reason_code, invoice_count FROM report_exceptions_by_reason")
            .fetch_all(pool)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
    assert_eq!(
        reasons,
        vec![("TOTAL_VARIANCE".into(), 1), ("UNKNOWN_VENDOR".into(), 1)]
    );
}

#[tokio::test]
async fn the_demo_workspace_is_seeded_once_and_marked_as_demo() {
    let dir = tempfile::tempdir().unwrap();
    let first = backdesk::api::demo::open_demo_workspace(dir.path())
        .await
        .unwrap();
    let overview = first.overview().await.unwrap();
    assert!(overview.is_demo);
    assert_eq!((overview.invoice_count, overview.vendor_count), (5, 4));
    assert!(overview.inbox_folder.unwrap().ends_with("demo-inbox"));
    drop(first);
    let again = backdesk::api::demo::open_demo_workspace(dir.path())
        .await
        .unwrap();
    assert_eq!(
        again.overview().await.unwrap().document_count,
        5,
        "opening again does not ingest twice"
    );
}
