//! Helpers for the workflow tests: a workspace with the generated company, and taking in one generated
//! document at a simulated instant through the real reader, decision and store (what ingest does, with the
//! clock passed in).

use backdesk::api::{MasterDataKind, Workspace};
use backdesk::formats::{read_document, ReadOutput};
use backdesk::model::{DocumentState, InvoiceId};
use backdesk::scenario::Scenario;
use backdesk::store::documents::{self, NewDocument};
use backdesk::store::invoices::{self, NewInvoice};
use backdesk::workflow::audit::{record_received, SYSTEM};
use chrono::{DateTime, SecondsFormat, Utc};
use sha2::{Digest, Sha256};

/// A workspace in `dir` with the scenario's master data imported.
pub async fn company(dir: &std::path::Path, scenario: &Scenario) -> Workspace {
    let workspace = Workspace::open(dir).await.unwrap();
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
    workspace
}

/// Takes in one document at `now`, uploaded by `actor`.
pub async fn receive(
    workspace: &Workspace,
    name: &str,
    xml: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> InvoiceId {
    let stamp = now.to_rfc3339_opts(SecondsFormat::Millis, true);
    let bytes = xml.as_bytes();
    let ReadOutput::Invoices(mut extractions) = read_document(name, bytes).unwrap() else {
        panic!("{name} is not an invoice");
    };
    let extraction = extractions.remove(0);
    let invoice = extraction.invoice.clone().unwrap();
    let mut tx = workspace.store().begin("receive").await.unwrap();
    let sha = hex::encode(Sha256::digest(bytes));
    let new_doc = NewDocument {
        path: name,
        sha256: &sha,
        size_bytes: bytes.len() as u64,
        media_type: None,
        origin: None,
    };
    let doc = documents::insert_received(&mut tx, &new_doc, &stamp)
        .await
        .unwrap();
    let decision = workspace
        .decide_extraction(&mut tx, &extraction, &invoice, now)
        .await
        .unwrap();
    let new = NewInvoice {
        document_id: doc,
        status: decision.status,
        extraction: &extraction,
        invoice: &invoice,
        vendor_id: decision.vendor_id.as_ref(),
        reasons: &decision.reasons,
    };
    let id = invoices::insert(&mut tx, &new, &stamp).await.unwrap();
    workspace
        .record_decision(&mut tx, id, &decision, now)
        .await
        .unwrap();
    let actor = if actor.is_empty() { SYSTEM } else { actor };
    record_received(&mut tx, id, actor, decision.status, &decision.reasons, now)
        .await
        .unwrap();
    documents::finish(&mut tx, doc, DocumentState::Processed, None, None, None, &stamp)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}
