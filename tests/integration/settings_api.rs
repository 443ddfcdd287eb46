//! The core calls behind the desktop's settings screens: the master-data import preview (the import's own
//! checks, nothing kept) and a goods receipt recorded by hand (stored like an imported one, the invoices
//! waiting on its PO decided again).

use std::path::{Path, PathBuf};

use backdesk::api::{MasterDataKind, ReceiptEntry, ReceivedLine, Workspace};
use backdesk::model::PoNumber;
use chrono::NaiveDate;
use rust_decimal::Decimal;

fn demo_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("demo").join(name)
}

/// A workspace with the demo's vendors and purchase orders, goods received on line 1 of PO 2018-471331
/// only (so the PO is matched 3-way), and the demo's invoice against that PO taken in: it waits for the
/// goods of lines 2–4.
async fn workspace_waiting_for_goods() -> (tempfile::TempDir, Workspace, backdesk::model::InvoiceId) {
    let dir = tempfile::tempdir().unwrap();
    let workspace = Workspace::open(&dir.path().join("data")).await.unwrap();
    for (kind, file) in [
        (MasterDataKind::Accounts, "accounts.csv"),
        (MasterDataKind::Vendors, "vendors.csv"),
        (MasterDataKind::PurchaseOrders, "purchase_orders.csv"),
    ] {
        workspace
            .import_master_data(kind, &demo_file(file))
            .await
            .unwrap();
    }
    workspace
        .import_master_data_bytes(
            MasterDataKind::Receipts,
            "first-delivery.csv",
            b"receipt_id,po_number,line_no,quantity_received,received_date\nGR-1,2018-471331,1,3,2018-05-20\n",
        )
        .await
        .unwrap();
    let report = workspace
        .ingest_paths(&[demo_file("inbox/lieferant-471102-teilrechnung.xml")])
        .await
        .unwrap();
    assert_eq!(report.invoice_ids.len(), 1, "{report:?}");
    (dir, workspace, report.invoice_ids[0])
}

async fn reason_codes(workspace: &Workspace, id: backdesk::model::InvoiceId) -> Vec<String> {
    let detail = workspace.get_invoice(id).await.unwrap();
    serde_json::to_value(&detail.summary).unwrap()["reasons"]
        .as_array()
        .map(|reasons| {
            reasons
                .iter()
                .filter_map(|r| r["code"].as_str().or_else(|| r.as_str()).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_preview_of_a_bad_file_lists_every_error_and_keeps_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let workspace = Workspace::open(&dir.path().join("data")).await.unwrap();
    let csv = "vendor_id,name,iban,colour\nV1,Acme GmbH,DE89370400440532013000,red\nV2,,DE89370400440532013001,blue\n";
    let preview = workspace
        .preview_master_data_bytes(MasterDataKind::Vendors, "vendors.csv", csv.as_bytes())
        .await
        .unwrap();
    let cells: Vec<(u64, Option<&str>)> = preview
        .errors
        .iter()
        .map(|e| (e.line, e.column.as_deref()))
        .collect();
    assert_eq!(cells, vec![(3, Some("name")), (3, Some("iban"))], "{preview:?}");
    assert_eq!((preview.rows, preview.new, preview.changed), (0, 0, 0));
    assert_eq!(
        workspace.overview().await.unwrap().vendor_count,
        0,
        "a preview must not keep a row, not even the good ones"
    );
}

#[tokio::test]
async fn a_preview_counts_new_and_changed_rows_as_the_import_then_finds_them() {
    let dir = tempfile::tempdir().unwrap();
    let workspace = Workspace::open(&dir.path().join("data")).await.unwrap();
    workspace
        .import_master_data_bytes(
            MasterDataKind::Accounts,
            "accounts.csv",
            b"code,name\n4000,Materials\n4100,Travel\n",
        )
        .await
        .unwrap();
    let next =
        b"code,name,shade\n4000,Materials,\n4100,Travel and lodging,\n4200,Software,blue\n4300,Rent,\n";
    let preview = workspace
        .preview_master_data_bytes(MasterDataKind::Accounts, "accounts.csv", next)
        .await
        .unwrap();
    assert!(preview.errors.is_empty(), "{preview:?}");
    assert_eq!(
        (preview.rows, preview.new, preview.changed),
        (4, 2, 1),
        "{preview:?}"
    );
    assert_eq!(
        preview.warnings.len(),
        1,
        "the unknown column is a warning: {preview:?}"
    );
    // nothing was kept: the same preview again gives the same answer, and the import agrees with it
    let again = workspace
        .preview_master_data_bytes(MasterDataKind::Accounts, "accounts.csv", next)
        .await
        .unwrap();
    assert_eq!(again, preview);
    let report = workspace
        .import_master_data_bytes(MasterDataKind::Accounts, "accounts.csv", next)
        .await
        .unwrap();
    assert_eq!(report.changed, preview.new + preview.changed);
}

#[tokio::test]
async fn a_receipt_preview_checks_purchase_orders_on_file_like_the_import() {
    let (_dir, workspace, _) = workspace_waiting_for_goods().await;
    let csv = "receipt_id,po_number,line_no,quantity_received,received_date\nGR-1,2018-471331,1,3,2018-06-01\nGR-1,PO-NOPE,1,3,2018-06-01\n";
    let preview = workspace
        .preview_master_data_bytes(MasterDataKind::Receipts, "receipts.csv", csv.as_bytes())
        .await
        .unwrap();
    assert_eq!(preview.errors.len(), 1, "{preview:?}");
    assert_eq!(preview.errors[0].line, 3);
    assert!(
        preview.errors[0].message.contains("purchase_orders.csv first"),
        "{preview:?}"
    );
}

#[tokio::test]
async fn open_purchase_orders_show_ordered_and_received_so_far() {
    let (_dir, workspace, _) = workspace_waiting_for_goods().await;
    let open = workspace.open_purchase_orders().await.unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].po_number.as_str(), "2018-471331");
    assert_eq!(open[0].vendor_name.as_deref(), Some("Lieferant GmbH"));
    let lines: Vec<(u32, Decimal, Decimal)> = open[0]
        .lines
        .iter()
        .map(|l| (l.line_no, l.ordered, l.received))
        .collect();
    assert_eq!(lines[0], (1, Decimal::from(3), Decimal::from(3)));
    assert_eq!(lines[2], (3, Decimal::from(20), Decimal::ZERO));
    workspace
        .import_master_data_bytes(
            MasterDataKind::Receipts,
            "r.csv",
            b"receipt_id,po_number,line_no,quantity_received,received_date\nGR-9,2018-471331,3,5,2018-06-01\n",
        )
        .await
        .unwrap();
    let open = workspace.open_purchase_orders().await.unwrap();
    assert_eq!(open[0].lines[2].received, Decimal::from(5));
}

#[tokio::test]
async fn a_receipt_typed_by_hand_releases_the_invoice_waiting_for_its_goods() {
    let (_dir, workspace, id) = workspace_waiting_for_goods().await;
    let before = reason_codes(&workspace, id).await;
    assert!(
        before.iter().any(|c| c.contains("RECEIV")),
        "without receipts the invoice should wait for its goods: {before:?}"
    );
    let po = workspace.open_purchase_orders().await.unwrap().remove(0);
    let entry = ReceiptEntry {
        po_number: PoNumber("2018-471331".into()),
        receipt_id: Some("DN-55".into()),
        received_date: NaiveDate::from_ymd_opt(2018, 6, 1).unwrap(),
        lines: po
            .lines
            .iter()
            .map(|l| ReceivedLine {
                line_no: l.line_no,
                quantity: l.ordered - l.received,
            })
            .collect(),
        who: "Dana".into(),
    };
    let recorded = workspace.record_receipt(&entry).await.unwrap();
    assert_eq!(recorded.lines, 3, "line 1 was received in full before");
    assert_eq!(recorded.redecided.len(), 1, "{recorded:?}");
    assert_eq!(recorded.redecided[0].invoice_id, id);
    let after = reason_codes(&workspace, id).await;
    assert!(
        !after.iter().any(|c| c.contains("RECEIV")),
        "the receipt should clear the reason: {after:?}"
    );
    assert!(
        workspace.open_purchase_orders().await.unwrap().is_empty(),
        "every line is received in full now"
    );
}

#[tokio::test]
async fn a_receipt_with_no_quantity_an_unknown_line_or_a_future_date_is_refused_and_nothing_is_kept() {
    let (_dir, workspace, _) = workspace_waiting_for_goods().await;
    let mut entry = ReceiptEntry {
        po_number: PoNumber("2018-471331".into()),
        receipt_id: None,
        received_date: NaiveDate::from_ymd_opt(2018, 6, 1).unwrap(),
        lines: vec![ReceivedLine {
            line_no: 2,
            quantity: Decimal::ZERO,
        }],
        who: "Dana".into(),
    };
    let empty = workspace.record_receipt(&entry).await.unwrap_err();
    assert!(empty.to_string().contains("at least one line"), "{empty}");
    entry.lines = vec![
        ReceivedLine {
            line_no: 2,
            quantity: Decimal::ONE,
        },
        ReceivedLine {
            line_no: 9,
            quantity: Decimal::ONE,
        },
    ];
    let unknown = workspace.record_receipt(&entry).await.unwrap_err();
    assert!(unknown.to_string().contains("no line 9"), "{unknown}");
    entry.lines.truncate(1);
    entry.received_date = chrono::Local::now().date_naive() + chrono::Days::new(2);
    let future = workspace.record_receipt(&entry).await.unwrap_err();
    assert!(future.to_string().contains("after today"), "{future}");
    let open = workspace.open_purchase_orders().await.unwrap();
    assert_eq!(
        open[0].lines[1].received,
        Decimal::ZERO,
        "the good line must not be kept either"
    );
}

#[tokio::test]
async fn a_receipts_import_decides_the_waiting_invoice_again() {
    let (_dir, workspace, id) = workspace_waiting_for_goods().await;
    workspace
        .import_master_data(MasterDataKind::Receipts, &demo_file("receipts.csv"))
        .await
        .unwrap();
    let after = reason_codes(&workspace, id).await;
    assert!(!after.iter().any(|c| c.contains("RECEIV")), "{after:?}");
}
