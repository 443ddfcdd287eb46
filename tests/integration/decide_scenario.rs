//! The labelled decision suite: a generated company (20 vendors, 140 POs, receipts) and 240 UBL invoices —
//! clean ones and ones with a planted problem — taken in through the real pipeline (files → ingest →
//! SQLite); every planted problem must be caught with its code, nothing that needs a person may go
//! straight through, and ≥ 95% of clean invoices must be routed as the default policy says.

use std::collections::HashMap;

use backdesk::api::{MasterDataKind, Workspace};
use backdesk::model::InvoiceStatus;
use backdesk::scenario::{generate, Expected};

#[tokio::test]
async fn generated_company_invoices_are_decided_as_labelled() {
    let dir = tempfile::tempdir().unwrap();
    // another company: BACKDESK_SCENARIO_SEED=N cargo test --test integration generated_company
    let seed = std::env::var("BACKDESK_SCENARIO_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_261_121);
    let scenario = generate(seed, 240);
    let workspace = Workspace::open(&dir.path().join("data")).await.unwrap();
    for (kind, name, csv) in [
        (MasterDataKind::Vendors, "vendors.csv", &scenario.vendors_csv),
        (
            MasterDataKind::PurchaseOrders,
            "purchase_orders.csv",
            &scenario.purchase_orders_csv,
        ),
        (MasterDataKind::Receipts, "receipts.csv", &scenario.receipts_csv),
    ] {
        workspace
            .import_master_data_bytes(kind, name, csv.as_bytes())
            .await
            .unwrap();
    }
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    // the invoices arrive one after the other, in the order the labels assume (a planted duplicate after its
    // original, the invoice that exceeds the received quantity after the ones that used it up): the pipeline
    // takes a folder in parallel, so a folder dropped at once has no such order
    let mut processed = 0;
    for doc in &scenario.documents {
        let file = inbox.join(&doc.file_name);
        std::fs::write(&file, &doc.xml).unwrap();
        processed += workspace.ingest_paths(&[file]).await.unwrap().processed;
    }
    let documents = workspace.list_documents().await.unwrap();
    let unread: Vec<_> = documents
        .iter()
        .filter(|d| d.invoice_ids.is_empty())
        .map(|d| (&d.path, &d.reason_message))
        .collect();
    assert_eq!(
        processed,
        scenario.documents.len(),
        "every generated file is read: {unread:?}"
    );

    let by_path: HashMap<String, i64> = documents
        .into_iter()
        .map(|d| (d.path.rsplit('/').next().unwrap().to_owned(), d.invoice_ids[0].0))
        .collect();
    let invoices: HashMap<i64, _> = workspace
        .list_invoices(None)
        .await
        .unwrap()
        .into_iter()
        .map(|i| (i.id.0, i))
        .collect();

    let (mut planted, mut caught, mut clean, mut clean_as_policy, mut leaked) = (0, 0, 0, 0, 0);
    let mut misses = Vec::new();
    for doc in &scenario.documents {
        let invoice = &invoices[&by_path[&doc.file_name]];
        let codes: Vec<&str> = invoice.reasons.iter().map(|r| r.code.as_str()).collect();
        let got = match invoice.status {
            InvoiceStatus::Approved => Expected::StraightThrough,
            InvoiceStatus::AwaitingApproval => Expected::AwaitingApproval,
            _ => Expected::Exception,
        };
        if doc.expected != Expected::StraightThrough && got == Expected::StraightThrough {
            leaked += 1;
        }
        match doc.planted {
            Some(code) => {
                planted += 1;
                if got == Expected::Exception && codes.contains(&code.as_str()) {
                    caught += 1;
                } else {
                    let detail = workspace.get_invoice(invoice.id).await.unwrap();
                    misses.push(format!(
                        "{}: planted {} got {:?} {codes:?} matches {}",
                        doc.file_name,
                        code.as_str(),
                        got,
                        serde_json::to_string(&detail.matches).unwrap()
                    ));
                }
            }
            None => {
                clean += 1;
                if got == doc.expected {
                    clean_as_policy += 1;
                } else {
                    misses.push(format!(
                        "{}: clean {:?} got {:?} {codes:?}",
                        doc.file_name, doc.expected, got
                    ));
                }
            }
        }
    }
    let straight = scenario
        .documents
        .iter()
        .filter(|d| d.expected == Expected::StraightThrough)
        .count();
    eprintln!(
        "scenario (seed {seed}): {} invoices ({clean} clean, {straight} of them straight-through by policy; {planted} planted); \
         planted caught {caught}/{planted}; clean routed as policy {clean_as_policy}/{clean} ({:.1}%); \
         needing a person but straight through: {leaked}",
        scenario.documents.len(),
        100.0 * f64::from(clean_as_policy) / f64::from(clean.max(1))
    );
    for miss in &misses {
        eprintln!("  {miss}");
    }
    assert!(
        scenario.documents.len() >= 200 && planted >= 50 && straight >= 50,
        "the suite has substance"
    );
    assert_eq!(caught, planted, "every planted problem is caught with its code");
    assert_eq!(leaked, 0, "nothing that needs a person goes straight through");
    assert!(
        f64::from(clean_as_policy) >= 0.95 * f64::from(clean),
        "≥ 95% of clean invoices routed as the policy says"
    );
}

#[test]
fn the_generator_is_deterministic_by_seed() {
    let a = generate(7, 50);
    let b = generate(7, 50);
    let c = generate(8, 50);
    let xml =
        |s: &backdesk::scenario::Scenario| s.documents.iter().map(|d| d.xml.clone()).collect::<Vec<_>>();
    assert_eq!(xml(&a), xml(&b));
    assert_ne!(xml(&a), xml(&c));
}
