//! Correcting a field through the API: the layout is stored in the workspace's SQLite file, used for the
//! vendor's next document, and survives an export to a JSON file and an import into another workspace.

use backdesk::api::Workspace;

use super::extract_scoring::corpora;

#[tokio::test]
async fn a_correction_is_stored_exported_imported_and_used_for_the_next_document() {
    let visual = corpora().join("pdf-visual");
    let first = visual.join("ZUGFeRDv2__correct__FNFE-factur-x-examples__Facture_FR_BASICWL.pdf");
    let next = visual.join("ZUGFeRDv2__correct__FNFE-factur-x-examples__Facture_UE_BASICWL.pdf");
    let dir = tempfile::tempdir().unwrap();
    let workspace = Workspace::open(&dir.path().join("a")).await.unwrap();

    let before = workspace.extract_file(&next).await.unwrap();
    assert_ne!(
        before[0].fields["seller_name"].value, "Au bon moulin",
        "the generic rule reads the legal form too"
    );

    let outcome = workspace
        .correct_field(&first, "seller_name", "Au bon moulin")
        .await
        .unwrap();
    assert!(outcome.learnt, "{outcome:?}");
    assert_eq!(outcome.vendor_key, "vat:FR11999999998");
    let after = workspace.extract_file(&next).await.unwrap();
    assert_eq!(after[0].fields["seller_name"].value, "Au bon moulin");
    assert!(after[0].fields["seller_name"].bbox.is_some());

    // to another machine: export, import into a fresh workspace
    let file = dir.path().join("layouts.json");
    assert_eq!(workspace.export_layouts(&file).await.unwrap(), 1);
    let other = Workspace::open(&dir.path().join("b")).await.unwrap();
    assert_eq!(other.import_layouts(&file).await.unwrap(), 1);
    let imported = other.extract_file(&next).await.unwrap();
    assert_eq!(imported[0].fields["seller_name"].value, "Au bon moulin");

    // a field name that does not exist is refused, naming the fields that do
    let wrong = workspace.correct_field(&first, "seller", "x").await.unwrap_err();
    assert!(wrong.to_string().contains("seller_name"), "{wrong}");
    // a file that is not a layout export is refused, naming the file
    std::fs::write(dir.path().join("bad.json"), "{}").unwrap();
    let bad = other
        .import_layouts(&dir.path().join("bad.json"))
        .await
        .unwrap_err();
    assert!(bad.to_string().contains("bad.json"), "{bad}");
}

/// `backdesk correct` on an invoice read from a PDF teaches its vendor's layout: the vendor's next document
/// taken in with `ingest` reads the corrected field where the person's value was printed.
#[test]
fn a_correction_from_the_command_line_teaches_the_vendors_next_ingested_document() {
    use crate::support::{backdesk, backdesk_json};

    let visual = corpora().join("pdf-visual");
    let first = visual.join("ZUGFeRDv2__correct__FNFE-factur-x-examples__Facture_FR_BASICWL.pdf");
    let next = visual.join("ZUGFeRDv2__correct__FNFE-factur-x-examples__Facture_UE_BASICWL.pdf");
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let seller_of = |report: &serde_json::Value| {
        let id = report["invoice_ids"][0]
            .as_i64()
            .expect("one invoice")
            .to_string();
        let invoice = backdesk_json(data, &["invoice", &id, "--json"]);
        (id, invoice["invoice"]["seller"]["name"].clone(), invoice)
    };

    let taken = backdesk_json(data, &["ingest", first.to_str().unwrap()]);
    let (id, seller, invoice) = seller_of(&taken);
    assert_ne!(
        seller, "Au bon moulin",
        "the generic rule reads the legal form too: {invoice}"
    );
    backdesk(data, &["people", "add", "ann", "--role", "clerk"]).success();
    backdesk(
        data,
        &["correct", &id, "seller_name=Au bon moulin", "--as", "ann"],
    )
    .success();

    let taken = backdesk_json(data, &["ingest", next.to_str().unwrap()]);
    let (_, seller, invoice) = seller_of(&taken);
    assert_eq!(seller, "Au bon moulin", "{invoice}");

    // the memory travels as a file: exported here, imported into a fresh workspace that learnt nothing,
    // whose first document of the vendor then reads the corrected field too
    let file = dir.path().join("layouts.json");
    backdesk(data, &["layouts", "export", file.to_str().unwrap()]).success();
    let other = dir.path().join("other");
    backdesk(&other, &["layouts", "import", file.to_str().unwrap()]).success();
    let taken = backdesk_json(&other, &["ingest", next.to_str().unwrap()]);
    let id = taken["invoice_ids"][0].as_i64().expect("one invoice").to_string();
    let invoice = backdesk_json(&other, &["invoice", &id, "--json"]);
    assert_eq!(invoice["invoice"]["seller"]["name"], "Au bon moulin", "{invoice}");
    // a file that is not an export is refused with the file named
    std::fs::write(dir.path().join("bad.json"), "[]").unwrap();
    let refused = backdesk(
        &other,
        &["layouts", "import", dir.path().join("bad.json").to_str().unwrap()],
    )
    .failure();
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    assert!(stderr.contains("bad.json"), "{stderr}");
}
