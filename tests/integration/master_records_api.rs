//! The core calls behind the desktop's Vendors and Purchase orders panels, on a real SQLite workspace: the
//! vendor list (masked IBANs, invoice counts), a hand edit (checked like the import, audited old → new in the
//! hash chain, bank details refused without the call-back record, the vendor's exceptions decided again),
//! and a purchase order's lines with ordered, received, invoiced and open quantities.

use std::path::{Path, PathBuf};

use backdesk::api::{
    CallBack, MasterDataKind, PurchaseOrderStatus, VendorFields, VendorRecord, VendorUpdate, Workspace,
};
use backdesk::error::ErrorCode;
use backdesk::model::{InvoiceId, PoNumber, VendorId};
use chrono::{Duration, Local};
use rust_decimal::Decimal;

fn demo_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("demo").join(name)
}

/// ELEKTRON's IBAN on its invoice (demo/inbox/elektron-181301674.xml) and in demo/vendors.csv.
const ELEKTRON_IBAN: &str = "DE91100000000123456789";
/// Another valid IBAN (ISO 13616's example).
const OTHER_IBAN: &str = "GB82WEST12345698765432";

/// A workspace with the demo's accounts, vendors (ELEKTRON's IBAN on file replaced by `elektron_iban`) and
/// purchase orders.
async fn workspace(elektron_iban: &str) -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    let workspace = Workspace::open(&dir.path().join("data")).await.unwrap();
    workspace
        .import_master_data(MasterDataKind::Accounts, &demo_file("accounts.csv"))
        .await
        .unwrap();
    let vendors = std::fs::read_to_string(demo_file("vendors.csv"))
        .unwrap()
        .replace(ELEKTRON_IBAN, elektron_iban);
    workspace
        .import_master_data_bytes(MasterDataKind::Vendors, "vendors.csv", vendors.as_bytes())
        .await
        .unwrap();
    workspace
        .import_master_data(MasterDataKind::PurchaseOrders, &demo_file("purchase_orders.csv"))
        .await
        .unwrap();
    (dir, workspace)
}

async fn ingest(workspace: &Workspace, file: &str) -> InvoiceId {
    let report = workspace
        .ingest_paths(&[demo_file(&format!("inbox/{file}"))])
        .await
        .unwrap();
    assert_eq!(report.invoice_ids.len(), 1, "{report:?}");
    report.invoice_ids[0]
}

fn fields_of(record: &VendorRecord) -> VendorFields {
    let v = &record.vendor;
    VendorFields {
        name: v.name.clone(),
        tax_id: v.tax_id.clone(),
        iban: v.iban.clone(),
        bic: v.bic.clone(),
        account_number: v.account_number.clone(),
        currency: v.currency.as_ref().map(|c| c.code().to_owned()),
        email: v.email.clone(),
        payment_terms_days: v.payment_terms_days,
        default_account: v.default_account.as_ref().map(|a| a.as_str().to_owned()),
        aliases: v.aliases.clone(),
    }
}

fn call_back() -> CallBack {
    CallBack {
        contact: "Eva Roth, accounts".into(),
        phone: "+49 30 5550 1234".into(),
        number_source: "the framework contract of 2017".into(),
        called_at: (Local::now() - Duration::minutes(10)).naive_local(),
    }
}

async fn reason_codes(workspace: &Workspace, id: InvoiceId) -> Vec<String> {
    let detail = workspace.get_invoice(id).await.unwrap();
    detail.summary.reasons.iter().map(|r| r.code.clone()).collect()
}

#[tokio::test]
async fn the_vendor_list_masks_ibans_counts_invoices_and_searches_name_alias_and_vat_id() {
    let (_dir, workspace) = workspace(ELEKTRON_IBAN).await;
    ingest(&workspace, "elektron-181301674.xml").await;
    let all = workspace.search_vendors("").await.unwrap();
    assert_eq!(all.len(), 4, "every demo vendor: {all:?}");
    let elektron = all.iter().find(|v| v.vendor_id.as_str() == "V-ELEK").unwrap();
    assert_eq!(elektron.invoice_count, 1, "{elektron:?}");
    assert_eq!(
        elektron.iban_masked.as_deref(),
        Some("••••••••••••••••••6789"),
        "only the last four characters of an IBAN reach a list"
    );
    let listed = serde_json::to_string(&all).unwrap();
    assert!(
        !listed.contains(ELEKTRON_IBAN),
        "no whole IBAN in the list: {listed}"
    );
    for query in ["elektron", "Enexis", "nl809163160", "v-lief"] {
        let found = workspace.search_vendors(query).await.unwrap();
        assert_eq!(found.len(), 1, "{query}: {found:?}");
    }
    assert!(workspace.search_vendors("nobody").await.unwrap().is_empty());
    let record = workspace.vendor_record(&VendorId("V-ELEK".into())).await.unwrap();
    assert_eq!(
        record.vendor.iban.as_deref(),
        Some(ELEKTRON_IBAN),
        "the detail shows it whole"
    );
    assert_eq!(record.recent_invoices.len(), 1);
    assert_eq!(
        record.recent_invoices[0].invoice_number.as_deref(),
        Some("181301674")
    );
}

#[tokio::test]
async fn changing_payment_terms_is_saved_and_audited_old_to_new_in_the_hash_chain() {
    let (_dir, workspace) = workspace(ELEKTRON_IBAN).await;
    let id = VendorId("V-LIEF".into());
    let record = workspace.vendor_record(&id).await.unwrap();
    let mut fields = fields_of(&record);
    fields.payment_terms_days = Some(45);
    let saved = workspace
        .update_vendor(&VendorUpdate {
            vendor_id: id.clone(),
            fields,
            call_back: None,
            who: "Dana".into(),
        })
        .await
        .unwrap();
    assert_eq!(saved.changes.len(), 1, "{:?}", saved.changes);
    assert_eq!(saved.vendor.vendor.payment_terms_days, Some(45));
    let listed = workspace.search_vendors("lieferant").await.unwrap();
    assert_eq!(
        listed[0].payment_terms_days,
        Some(45),
        "the list shows what was saved"
    );

    let trail = workspace.audit_trail(None).await.unwrap();
    let entry = trail
        .iter()
        .find(|e| e.action == "vendor_changed")
        .expect("an audit entry");
    assert_eq!(entry.actor, "Dana");
    assert_eq!(entry.detail["vendor_id"], "V-LIEF");
    assert_eq!(
        entry.detail["changes"],
        serde_json::json!([{ "field": "payment_terms_days", "old": "30", "new": "45" }])
    );
    assert_eq!(
        saved.vendor.history.len(),
        1,
        "the vendor's history shows the edit"
    );
    assert!(workspace.verify_audit().await.unwrap().ok, "the chain holds");

    // saving the same values again changes nothing and appends nothing
    let again = workspace
        .update_vendor(&VendorUpdate {
            vendor_id: id.clone(),
            fields: fields_of(&saved.vendor),
            call_back: None,
            who: "Dana".into(),
        })
        .await
        .unwrap();
    assert!(again.changes.is_empty());
    assert_eq!(workspace.audit_trail(None).await.unwrap().len(), trail.len());
}

#[tokio::test]
async fn a_bad_iban_is_refused_with_the_import_sentence_and_nothing_changes() {
    let (_dir, workspace) = workspace(ELEKTRON_IBAN).await;
    let id = VendorId("V-ELEK".into());
    let record = workspace.vendor_record(&id).await.unwrap();
    let mut fields = fields_of(&record);
    fields.iban = Some("DE91 1000 0000 0123 4567 88".into());
    let error = workspace
        .update_vendor(&VendorUpdate {
            vendor_id: id.clone(),
            fields,
            call_back: Some(call_back()),
            who: "Dana".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::Usage);
    assert!(
        error
            .to_string()
            .contains("'DE91100000000123456788' is not an IBAN"),
        "{error}"
    );
    assert_eq!(workspace.vendor_record(&id).await.unwrap().vendor, record.vendor);
}

#[tokio::test]
async fn a_new_iban_without_the_call_back_is_refused_and_with_it_is_saved_confirmed_and_audited() {
    let (_dir, workspace) = workspace(ELEKTRON_IBAN).await;
    let id = VendorId("V-ELEK".into());
    let record = workspace.vendor_record(&id).await.unwrap();
    let audit_before = workspace.audit_trail(None).await.unwrap().len();
    let mut fields = fields_of(&record);
    fields.iban = Some(OTHER_IBAN.into());
    let mut update = VendorUpdate {
        vendor_id: id.clone(),
        fields,
        call_back: None,
        who: "Dana".into(),
    };
    let error = workspace.update_vendor(&update).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::Usage);
    let sentence = error.to_string();
    assert!(
        sentence.contains("bank details of vendor V-ELEK would change")
            && sentence.contains(&format!("IBAN {ELEKTRON_IBAN} → {OTHER_IBAN}"))
            && sentence.contains("call-back record"),
        "{sentence}"
    );
    assert_eq!(
        workspace.vendor_record(&id).await.unwrap().vendor,
        record.vendor,
        "nothing saved"
    );
    assert_eq!(
        workspace.audit_trail(None).await.unwrap().len(),
        audit_before,
        "nothing audited"
    );

    update.call_back = Some(CallBack {
        phone: " ".into(),
        ..call_back()
    });
    let incomplete = workspace.update_vendor(&update).await.unwrap_err().to_string();
    assert!(
        incomplete.contains("missing the number you called"),
        "{incomplete}"
    );

    update.call_back = Some(call_back());
    let saved = workspace.update_vendor(&update).await.unwrap();
    assert_eq!(saved.vendor.vendor.iban.as_deref(), Some(OTHER_IBAN));
    let entry = &saved.vendor.history[0];
    assert_eq!(
        entry.detail["changes"],
        serde_json::json!([{ "field": "iban", "old": ELEKTRON_IBAN, "new": OTHER_IBAN }])
    );
    assert_eq!(entry.detail["call_back"]["contact"], "Eva Roth, accounts");
    assert_eq!(
        entry.detail["call_back"]["number_source"],
        "the framework contract of 2017"
    );
    assert!(workspace.verify_audit().await.unwrap().ok);
    let mut conn = workspace.store().acquire("test").await.unwrap();
    let confirmed = backdesk::store::decisions::bank_confirmations(&mut conn, &id)
        .await
        .unwrap();
    assert_eq!(confirmed.len(), 1, "the new account is confirmed: {confirmed:?}");
    assert_eq!(confirmed[0].account, OTHER_IBAN);
    assert!(
        confirmed[0].method.contains("+49 30 5550 1234"),
        "{:?}",
        confirmed[0]
    );
}

#[tokio::test]
async fn putting_right_a_vendors_iban_decides_its_bank_exception_again() {
    // on file: another account, so the demo invoice's IBAN is a bank-details change
    let (_dir, workspace) = workspace(OTHER_IBAN).await;
    let invoice = ingest(&workspace, "elektron-181301674.xml").await;
    assert!(
        reason_codes(&workspace, invoice)
            .await
            .contains(&"BANK_DETAILS_CHANGED".to_owned()),
        "{:?}",
        reason_codes(&workspace, invoice).await
    );
    let id = VendorId("V-ELEK".into());
    let mut fields = fields_of(&workspace.vendor_record(&id).await.unwrap());
    fields.iban = Some(ELEKTRON_IBAN.into());
    let saved = workspace
        .update_vendor(&VendorUpdate {
            vendor_id: id,
            fields,
            call_back: Some(call_back()),
            who: "Dana".into(),
        })
        .await
        .unwrap();
    assert_eq!(
        saved.redecided.iter().map(|r| r.invoice_id).collect::<Vec<_>>(),
        vec![invoice],
        "the vendor's invoice in exception is decided again"
    );
    let codes = reason_codes(&workspace, invoice).await;
    assert!(!codes.contains(&"BANK_DETAILS_CHANGED".to_owned()), "{codes:?}");
}

#[tokio::test]
async fn a_purchase_order_shows_ordered_received_invoiced_and_open_per_line() {
    let (_dir, workspace) = workspace(ELEKTRON_IBAN).await;
    let po = PoNumber("2018-471331".into());
    let listed = workspace.search_purchase_orders("").await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].status, PurchaseOrderStatus::Open);
    assert_eq!(listed[0].line_count, 4);

    workspace
        .import_master_data_bytes(
            MasterDataKind::Receipts,
            "first-delivery.csv",
            b"receipt_id,po_number,line_no,quantity_received,received_date\nGR-1,2018-471331,1,3,2018-05-20\nGR-2,2018-471331,3,5,2018-05-21\n",
        )
        .await
        .unwrap();
    let invoice = ingest(&workspace, "lieferant-471102-teilrechnung.xml").await;
    let matches = workspace.get_invoice(invoice).await.unwrap().matches;
    assert!(!matches.is_empty(), "the partial invoice matches the PO");

    let record = workspace.purchase_order_record(&po).await.unwrap();
    assert_eq!(record.order.status, PurchaseOrderStatus::PartlyReceived);
    assert_eq!(record.order.vendor_name.as_deref(), Some("Lieferant GmbH"));
    let received: Vec<(u32, Decimal)> = record.lines.iter().map(|l| (l.line_no, l.received)).collect();
    assert_eq!(
        received,
        vec![
            (1, Decimal::from(3)),
            (2, Decimal::ZERO),
            (3, Decimal::from(5)),
            (4, Decimal::ZERO)
        ]
    );
    for line in &record.lines {
        let invoiced: Decimal = matches
            .iter()
            .filter(|m| m["po_line_no"].as_u64() == Some(u64::from(line.line_no)))
            .map(|m| m["quantity"].as_str().unwrap().parse::<Decimal>().unwrap())
            .sum();
        assert_eq!(
            line.invoiced, invoiced,
            "line {}: invoiced from the matches",
            line.line_no
        );
        assert_eq!(
            line.open_to_receive,
            (line.ordered - line.received).max(Decimal::ZERO)
        );
        assert_eq!(
            line.open_to_invoice,
            (line.ordered - line.invoiced).max(Decimal::ZERO)
        );
    }
    assert!(
        record.lines.iter().any(|l| l.invoiced > Decimal::ZERO),
        "{:?}",
        record.lines
    );
    assert_eq!(record.receipts.len(), 2);
    assert_eq!(
        record.invoices.iter().map(|i| i.id).collect::<Vec<_>>(),
        vec![invoice]
    );

    assert_eq!(
        workspace.search_purchase_orders("lieferant").await.unwrap().len(),
        1
    );
    assert!(workspace
        .search_purchase_orders("elektron")
        .await
        .unwrap()
        .is_empty());
    let missing = workspace
        .purchase_order_record(&PoNumber("PO-NOPE".into()))
        .await
        .unwrap_err();
    assert_eq!(missing.code(), ErrorCode::NotFound);
}

#[tokio::test]
async fn giving_a_vendor_the_vat_id_an_unknown_sellers_invoice_states_resolves_that_invoice() {
    let (_dir, workspace) = workspace(ELEKTRON_IBAN).await;
    workspace
        .import_master_data_bytes(
            MasterDataKind::Vendors,
            "new-vendor.csv",
            b"vendor_id,name\nV-KOKS,Koksmaat Groothandel\n",
        )
        .await
        .unwrap();
    let invoice = ingest(&workspace, "koksmaat-12115118.xml").await;
    let before = workspace.get_invoice(invoice).await.unwrap().summary;
    assert_eq!(before.vendor_id, None);
    assert!(
        reason_codes(&workspace, invoice)
            .await
            .contains(&"UNKNOWN_VENDOR".to_owned()),
        "{:?}",
        reason_codes(&workspace, invoice).await
    );
    let id = VendorId("V-KOKS".into());
    let mut fields = fields_of(&workspace.vendor_record(&id).await.unwrap());
    // as printed on the invoice, dots and all: checked on its letters and digits
    fields.tax_id = Some("nl8200.98.395.b.01".into());
    let saved = workspace
        .update_vendor(&VendorUpdate {
            vendor_id: id.clone(),
            fields,
            call_back: None,
            who: "Dana".into(),
        })
        .await
        .unwrap();
    assert_eq!(
        saved.redecided.iter().map(|r| r.invoice_id).collect::<Vec<_>>(),
        vec![invoice],
        "the unknown seller's invoice stating that VAT id is decided again"
    );
    let after = workspace.get_invoice(invoice).await.unwrap().summary;
    assert_eq!(after.vendor_id, Some(id));
    assert!(!reason_codes(&workspace, invoice)
        .await
        .contains(&"UNKNOWN_VENDOR".to_owned()));
}
