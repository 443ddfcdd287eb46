//! Decisions over a real store: cumulative quantities across invoices and credit notes taken in one after
//! another, and a stored invoice decided again counting the invoices that arrived after it.

use backdesk::api::{MasterDataKind, Workspace};
use backdesk::model::{InvoiceId, InvoiceStatus};
use backdesk::scenario::ubl::{GenInvoice, GenLine};
use rust_decimal::Decimal;

const IBAN: &str = "DE89370400440532013000";

async fn workspace(dir: &std::path::Path, received: Option<u32>) -> Workspace {
    let ws = Workspace::open(&dir.join("data")).await.unwrap();
    let vendors = format!("vendor_id,name,tax_id,iban,currency\nV1,Acme Parts GmbH,DE111111111,{IBAN},EUR\n");
    let pos = "po_number,vendor_id,line_no,item_code,description,quantity,unit_price,currency,order_date\n\
               4500012,V1,1,CAB-1,Copper cable 10m,10,5.00,EUR,2026-01-01\n";
    ws.import_master_data_bytes(MasterDataKind::Vendors, "vendors.csv", vendors.as_bytes())
        .await
        .unwrap();
    ws.import_master_data_bytes(MasterDataKind::PurchaseOrders, "po.csv", pos.as_bytes())
        .await
        .unwrap();
    if let Some(q) = received {
        let receipts = format!(
            "receipt_id,po_number,line_no,quantity_received,received_date\nGR-1,4500012,1,{q},2026-01-10\n"
        );
        ws.import_master_data_bytes(MasterDataKind::Receipts, "r.csv", receipts.as_bytes())
            .await
            .unwrap();
    }
    ws
}

fn invoice(number: &str, day: u32, quantity: i64, credit: bool, iban: &str) -> GenInvoice {
    GenInvoice {
        number: number.into(),
        issue_date: chrono::NaiveDate::from_ymd_opt(2026, 2, day).unwrap(),
        credit_note: credit,
        currency: "EUR".into(),
        seller_name: "Acme Parts GmbH".into(),
        seller_vat: Some("DE111111111".into()),
        iban: Some(iban.into()),
        po_reference: Some("PO 4500012".into()),
        lines: vec![GenLine {
            item_code: Some("CAB-1".into()),
            name: "Copper cable 10m".into(),
            quantity: Decimal::from(quantity),
            price: Decimal::new(500, 2),
        }],
        charge: Decimal::ZERO,
    }
}

async fn take_in(
    ws: &Workspace,
    dir: &std::path::Path,
    doc: &GenInvoice,
) -> (InvoiceId, InvoiceStatus, Vec<String>) {
    let path = dir.join(format!("{}.xml", doc.number));
    std::fs::write(&path, doc.to_ubl()).unwrap();
    let report = ws.ingest_paths(&[path]).await.unwrap();
    let id = report.invoice_ids[0];
    let detail = ws.get_invoice(id).await.unwrap();
    let codes = detail.summary.reasons.iter().map(|r| r.code.clone()).collect();
    (id, detail.summary.status, codes)
}

#[tokio::test]
async fn partial_deliveries_and_partial_invoices_add_up_against_what_was_received() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path(), Some(6)).await;
    let (_, status, codes) = take_in(&ws, dir.path(), &invoice("A-1", 1, 4, false, IBAN)).await;
    assert_eq!((status, codes.len()), (InvoiceStatus::Approved, 0), "{codes:?}");
    let (_, status, codes) = take_in(&ws, dir.path(), &invoice("A-2", 12, 2, false, IBAN)).await;
    assert_eq!(
        (status, codes.len()),
        (InvoiceStatus::Approved, 0),
        "6 of 6 received: {codes:?}"
    );
    let (id, status, codes) = take_in(&ws, dir.path(), &invoice("A-3", 23, 1, false, IBAN)).await;
    assert_eq!(status, InvoiceStatus::Exception);
    assert_eq!(codes, ["QUANTITY_EXCEEDS_RECEIVED"]);
    let detail = ws.get_invoice(id).await.unwrap();
    assert_eq!(detail.summary.reasons[0].detail["cumulative"], "7");
    assert_eq!(detail.matches[0]["mode"], "3-way");
}

#[tokio::test]
async fn a_credit_note_gives_back_quantity_to_the_po_line() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path(), None).await;
    take_in(&ws, dir.path(), &invoice("B-1", 1, 10, false, IBAN)).await;
    let (_, status, codes) = take_in(&ws, dir.path(), &invoice("C-1", 2, 3, true, IBAN)).await;
    assert_eq!(
        status,
        InvoiceStatus::AwaitingApproval,
        "credit notes go to a manager: {codes:?}"
    );
    let (_, status, codes) = take_in(&ws, dir.path(), &invoice("B-2", 20, 3, false, IBAN)).await;
    assert_eq!(
        (status, codes),
        (InvoiceStatus::Approved, vec![]),
        "10 - 3 + 3 = 10 ordered"
    );
    let (_, _, codes) = take_in(&ws, dir.path(), &invoice("B-3", 28, 1, false, IBAN)).await;
    assert_eq!(codes, ["QUANTITY_EXCEEDS_ORDERED"]);
}

#[tokio::test]
async fn an_invoice_decided_again_counts_the_invoices_that_came_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path(), None).await;
    // held for its new bank account, but it still uses up 6 of the 10 ordered
    let (held, _, codes) = take_in(
        &ws,
        dir.path(),
        &invoice("D-1", 1, 6, false, "DE02120300000000202051"),
    )
    .await;
    assert_eq!(codes, ["BANK_DETAILS_CHANGED"]);
    let (_, _, codes) = take_in(&ws, dir.path(), &invoice("D-2", 15, 5, false, IBAN)).await;
    assert_eq!(codes, ["QUANTITY_EXCEEDS_ORDERED"], "6 + 5 > 10");
    let decision = ws
        .confirm_bank_details(held, "ann", "called the number on file")
        .await
        .unwrap();
    let codes: Vec<&str> = decision.reasons.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(
        codes,
        ["QUANTITY_EXCEEDS_ORDERED"],
        "together they still exceed the PO"
    );
}

#[tokio::test]
async fn vendors_and_pos_imported_between_two_drops_are_seen_by_the_next_decision() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(&dir.path().join("data")).await.unwrap();
    let mut first = invoice("E-1", 1, 1, false, IBAN);
    first.po_reference = Some("4500012".into());
    let (_, _, codes) = take_in(&ws, dir.path(), &first).await;
    assert_eq!(codes, ["UNKNOWN_VENDOR", "PO_NOT_FOUND"]);
    // the same workspace (and its cache) after master data arrives
    let ws2 = workspace(dir.path(), None).await;
    drop(ws2);
    let (_, status, codes) = take_in(&ws, dir.path(), &invoice("E-2", 2, 1, false, IBAN)).await;
    assert_eq!((status, codes), (InvoiceStatus::Approved, vec![]));
    // a PO imported after the index was built is found
    let pos = "po_number,vendor_id,line_no,item_code,description,quantity,unit_price,currency,order_date\n\
               4500013,V1,1,CAB-1,Copper cable 10m,10,5.00,EUR,2026-01-01\n";
    ws.import_master_data_bytes(MasterDataKind::PurchaseOrders, "po.csv", pos.as_bytes())
        .await
        .unwrap();
    let mut third = invoice("E-3", 3, 2, false, IBAN);
    third.po_reference = Some("PO-4500013".into());
    let (_, status, codes) = take_in(&ws, dir.path(), &third).await;
    assert_eq!((status, codes), (InvoiceStatus::Approved, vec![]));
}
