//! The core calls the desktop screens need beyond the workflow: the original and its word boxes for the
//! review screen, the what-if preview of an edited policy, and the bulk seeding path of the performance run.

use backdesk::api::demo::open_demo_workspace;
use backdesk::api::Workspace;
use backdesk::model::InvoiceId;

use super::formats_pdf::make_pdf;

const PDF_INVOICE: &[&str] = &[
    "Northwind Traders Ltd",
    "Invoice number: NW-40917",
    "Invoice date: 2026-03-02",
    "Due date: 2026-04-01",
    "Net amount: 100.00",
    "VAT 20%: 20.00",
    "Total: 120.00 EUR",
];

async fn workspace_with_pdf() -> (tempfile::TempDir, Workspace, InvoiceId, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let workspace = Workspace::open(&dir.path().join("data")).await.unwrap();
    let bytes = make_pdf(PDF_INVOICE, &[]);
    let file = dir.path().join("northwind.pdf");
    std::fs::write(&file, &bytes).unwrap();
    let report = workspace.ingest_paths(&[file]).await.unwrap();
    assert_eq!(report.invoice_ids.len(), 1, "{report:?}");
    (dir, workspace, report.invoice_ids[0], bytes)
}

#[tokio::test]
async fn the_original_comes_back_byte_for_byte_with_its_media_type() {
    let (_dir, workspace, id, bytes) = workspace_with_pdf().await;
    let original = workspace.original_document(id).await.unwrap();
    assert_eq!(original.bytes, bytes);
    assert_eq!(original.media_type, "application/pdf");
    assert_eq!(original.file_name, "northwind.pdf");
    let missing = workspace.original_document(InvoiceId(9999)).await.unwrap_err();
    assert!(missing.to_string().contains("9999"), "{missing}");
}

#[tokio::test]
async fn the_words_of_a_pdf_carry_the_boxes_its_fields_were_read_from() {
    let (_dir, workspace, id, _) = workspace_with_pdf().await;
    let text = workspace.document_words(id).await.unwrap();
    assert_eq!(text.pages.len(), 1);
    let page = &text.pages[0];
    assert_eq!((page.width, page.height), (595.0, 842.0));
    let word = page
        .words
        .iter()
        .find(|w| w.text == "NW-40917")
        .expect("the invoice number is a word of the page");
    let detail = workspace.get_invoice(id).await.unwrap();
    let field = detail
        .fields
        .get("invoice_number")
        .expect("the number was extracted");
    assert_eq!(field.value, "NW-40917");
    let bbox = field.bbox.expect("a field read from the page has a box");
    // the field's box contains the word's box: a click on that word lands on that field's highlight
    assert!(
        bbox[0] <= word.bbox[0] + 0.5
            && bbox[1] <= word.bbox[1] + 0.5
            && bbox[2] >= word.bbox[2] - 0.5
            && bbox[3] >= word.bbox[3] - 0.5,
        "field {bbox:?} vs word {:?}",
        word.bbox
    );
}

#[tokio::test]
async fn an_e_invoice_has_no_words_to_click() {
    let dir = tempfile::tempdir().unwrap();
    let workspace = open_demo_workspace(dir.path()).await.unwrap();
    let first = workspace.list_invoices(None).await.unwrap()[0].id;
    let original = workspace.original_document(first).await.unwrap();
    assert_eq!(original.media_type, "application/xml");
    assert!(original.format.is_some());
    assert!(workspace.document_words(first).await.unwrap().pages.is_empty());
}

#[tokio::test]
async fn seeding_copies_every_invoice_with_its_own_number_and_original() {
    let dir = tempfile::tempdir().unwrap();
    let workspace = open_demo_workspace(dir.path()).await.unwrap();
    let before = workspace.list_invoices(None).await.unwrap();
    let report = workspace.seed_synthetic_invoices(1000).await.unwrap();
    assert_eq!((report.templates, report.added), (before.len(), 1000));
    let after = workspace.list_invoices(None).await.unwrap();
    assert_eq!(after.len(), before.len() + 1000);
    let mut numbers: Vec<_> = after.iter().map(|i| i.invoice_number.clone()).collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), after.len(), "every copy has its own number");
    // each template's status and reasons are copied, so the queues keep their proportions
    for status in ["exception", "awaiting_approval", "approved"] {
        let count = |list: &[backdesk::api::InvoiceSummary]| {
            list.iter().filter(|i| i.status.as_str() == status).count()
        };
        let ratio = count(&after) as f64 / after.len() as f64;
        let expected = count(&before) as f64 / before.len() as f64;
        assert!((ratio - expected).abs() < 0.01, "{status}: {ratio} vs {expected}");
    }
    // a copy opens like its template: canonical form, fields and original agree with its row
    let copy = after
        .iter()
        .find(|i| i.invoice_number.as_deref().is_some_and(|n| n.ends_with("-S7")))
        .unwrap();
    let detail = workspace.get_invoice(copy.id).await.unwrap();
    assert_eq!(detail.invoice.number, copy.invoice_number);
    assert_eq!(
        detail.invoice.issue_date.map(|d| d.to_string()),
        copy.issue_date.clone()
    );
    assert_eq!(
        detail.fields.get("invoice_number").map(|f| f.value.clone()),
        copy.invoice_number
    );
    assert!(!workspace
        .original_document(copy.id)
        .await
        .unwrap()
        .bytes
        .is_empty());
}

#[tokio::test]
async fn seeding_no_copies_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let workspace = open_demo_workspace(dir.path()).await.unwrap();
    let before = workspace.list_invoices(None).await.unwrap().len();
    assert_eq!(workspace.seed_synthetic_invoices(0).await.unwrap().added, 0);
    assert_eq!(workspace.list_invoices(None).await.unwrap().len(), before);
}

#[tokio::test]
async fn seeding_an_empty_workspace_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let workspace = Workspace::open(dir.path()).await.unwrap();
    let error = workspace.seed_synthetic_invoices(10).await.unwrap_err();
    assert!(error.to_string().contains("take in some invoices"), "{error}");
}

#[tokio::test]
async fn the_what_if_of_an_edited_policy_lists_the_invoices_it_flips() {
    let dir = tempfile::tempdir().unwrap();
    let workspace = open_demo_workspace(dir.path()).await.unwrap();
    let text = workspace.policy_text().unwrap();
    let same = workspace.replay_policy_text(&text).await.unwrap();
    assert!(
        same.flips.is_empty(),
        "the policy in force flips nothing: {:?}",
        same.flips
    );
    assert_eq!(same.invoices, workspace.list_invoices(None).await.unwrap().len());

    // every invoice of a vendor must name a PO: those that do not flip to an exception
    let vendors: Vec<String> = workspace
        .list_invoices(None)
        .await
        .unwrap()
        .iter()
        .filter(|i| i.purchase_order_reference.is_none())
        .filter_map(|i| i.vendor_id.as_ref().map(|v| v.to_string()))
        .collect();
    assert!(
        !vendors.is_empty(),
        "the demo has invoices without a PO reference"
    );
    let mut policy: toml::Table = toml::from_str(&text).unwrap();
    policy.insert("version".into(), "what-if".into());
    policy
        .entry("matching")
        .or_insert_with(|| toml::Value::Table(Default::default()))
        .as_table_mut()
        .unwrap()
        .insert("po_required_vendors".into(), toml::Value::from(vendors.clone()));
    let edited = toml::to_string(&policy).unwrap();
    let report = workspace.replay_policy_text(&edited).await.unwrap();
    assert!(
        report
            .flips
            .iter()
            .any(|f| f.reasons_proposed.iter().any(|r| r.as_str() == "NO_PO_REFERENCE")),
        "{report:?}"
    );
    assert!(
        !dir.path().join("policy-what-if.toml").exists(),
        "the preview leaves no file behind"
    );

    let broken = workspace.replay_policy_text("version = ").await.unwrap_err();
    assert!(broken.to_string().contains("the edited policy"), "{broken}");
}

#[tokio::test]
async fn closing_after_a_bulk_seed_leaves_no_wal_for_the_next_start_to_read() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let workspace = open_demo_workspace(&data).await.unwrap();
    workspace.seed_synthetic_invoices(1000).await.unwrap();
    let expected = workspace.list_invoices(None).await.unwrap().len();
    let wal = data.join("backdesk.db-wal");
    let wal_bytes = || std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    // one transaction of a thousand invoices: megabytes of WAL frames
    assert!(
        wal_bytes() > 1_000_000,
        "WAL after seeding: {} bytes",
        wal_bytes()
    );
    let limit: i64 = sqlx::query_scalar("PRAGMA journal_size_limit")
        .fetch_one(workspace.store().pool())
        .await
        .unwrap();
    assert_eq!(limit as u64, backdesk::store::WAL_SIZE_LIMIT_BYTES);

    workspace.close().await;
    assert_eq!(wal_bytes(), 0, "the WAL is checkpointed and truncated on close");
    let reopened = Workspace::open(&data).await.unwrap();
    assert_eq!(reopened.list_invoices(None).await.unwrap().len(), expected);
}
