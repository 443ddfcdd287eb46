//! `backdesk ingest`, `documents`, `invoices`, `invoice`, `extract`: the demo inbox end to end, duplicates,
//! hostile and odd inputs, and commands that have not landed yet.

use serde_json::Value;

use crate::support::{backdesk, backdesk_json, demo, stderr_of, workspace_with_demo_master_data, write};

fn invoice_numbered<'a>(invoices: &'a Value, number: &str) -> &'a Value {
    invoices
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["invoice_number"] == number)
        .unwrap_or_else(|| panic!("invoice {number} is listed: {invoices:#}"))
}

#[test]
fn the_demo_inbox_becomes_invoices_routed_by_vendor_on_file() {
    let dir = workspace_with_demo_master_data();
    let report = backdesk_json(dir.path(), &["ingest", demo("inbox").to_str().unwrap()]);
    assert_eq!(
        (report["files"].as_u64(), report["processed"].as_u64()),
        (Some(5), Some(5)),
        "{report:#}"
    );

    let invoices = backdesk_json(dir.path(), &["invoices", "--json"]);
    assert_eq!(invoices.as_array().unwrap().len(), 5);

    let enexis = invoice_numbered(&invoices, "1100512149");
    assert_eq!(enexis["vendor_id"], "V-ENEX", "matched by VAT id");
    assert_eq!(
        enexis["status"], "awaiting_approval",
        "clean, but nothing goes straight through without a PO match"
    );
    assert_eq!(enexis["currency"], "EUR");
    assert_eq!(
        enexis["total_gross"], "1099.78",
        "money travels as exact decimal text"
    );
    assert_eq!(enexis["confidence"], 1.0);

    let lieferant = invoice_numbered(&invoices, "471102");
    assert_eq!(lieferant["vendor_id"], "V-LIEF");
    assert_eq!(lieferant["purchase_order_reference"], "2018-471331");
    assert_eq!(
        lieferant["reasons"][0]["code"], "TOTAL_VARIANCE",
        "its 5.80 freight charge is on no PO line and beyond the 1.00 total tolerance"
    );

    let koksmaat = invoice_numbered(&invoices, "12115118");
    assert_eq!(koksmaat["status"], "exception");
    assert_eq!(koksmaat["reasons"][0]["code"], "UNKNOWN_VENDOR");
    assert!(koksmaat["reasons"][0]["message"]
        .as_str()
        .unwrap()
        .contains("De Koksmaat"));

    let exceptions = backdesk_json(dir.path(), &["invoices", "--status", "exception", "--json"]);
    assert_eq!(
        exceptions.as_array().unwrap().len(),
        2,
        "the unknown vendor and the PO invoice with an unordered freight charge are exceptions"
    );
}

#[test]
fn one_invoice_in_full_carries_fields_with_confidence_and_method() {
    let dir = workspace_with_demo_master_data();
    let report = backdesk_json(
        dir.path(),
        &["ingest", demo("inbox/bluem-20150483.xml").to_str().unwrap()],
    );
    let id = report["invoice_ids"][0].as_i64().unwrap().to_string();
    let invoice = backdesk_json(dir.path(), &["invoice", &id, "--json"]);
    assert_eq!(invoice["invoice_number"], "20150483");
    assert_eq!(invoice["extraction_method"], "ubl");
    assert_eq!(invoice["fields"]["seller_vat_id"]["value"], "NL809163160B01");
    assert_eq!(invoice["fields"]["total_gross"]["confidence"], 1.0);
    assert_eq!(invoice["fields"]["total_gross"]["method"], "ubl");
    assert!(
        invoice["fields"]["total_gross"].get("bbox").is_none(),
        "fields from XML have no box"
    );
    assert!(
        !invoice["invoice"]["lines"].as_array().unwrap().is_empty(),
        "the canonical invoice has its lines"
    );
}

#[test]
fn the_same_bytes_dropped_again_are_a_duplicate_file_not_a_second_invoice() {
    let dir = workspace_with_demo_master_data();
    let inbox = demo("inbox");
    backdesk(dir.path(), &["ingest", inbox.to_str().unwrap()]).success();
    let copy = tempfile::tempdir().unwrap();
    let renamed = copy.path().join("renamed-copy.xml");
    std::fs::copy(demo("inbox/enexis-1100512149.xml"), &renamed).unwrap();
    let report = backdesk_json(dir.path(), &["ingest", renamed.to_str().unwrap()]);
    assert_eq!(report["duplicate_files"], 1);

    let invoices = backdesk_json(dir.path(), &["invoices", "--json"]);
    assert_eq!(
        invoices.as_array().unwrap().len(),
        5,
        "no invoice was recorded twice"
    );
    let documents = backdesk_json(dir.path(), &["documents", "--json"]);
    let duplicate = documents.as_array().unwrap().last().unwrap();
    assert_eq!(duplicate["state"], "duplicate_file");
    assert!(duplicate["duplicate_of"].is_i64());
    assert!(duplicate["invoice_ids"].as_array().unwrap().is_empty());
}

#[test]
fn originals_are_archived_byte_for_byte_under_their_hash() {
    let dir = tempfile::tempdir().unwrap();
    let original = demo("inbox/koksmaat-12115118.xml");
    backdesk(dir.path(), &["ingest", original.to_str().unwrap()]).success();
    let documents = backdesk_json(dir.path(), &["documents", "--json"]);
    let sha = documents[0]["sha256"].as_str().unwrap();
    let archived = dir.path().join("archive").join(&sha[..2]).join(sha);
    assert_eq!(
        std::fs::read(archived).unwrap(),
        std::fs::read(&original).unwrap()
    );
    assert!(
        original.exists(),
        "the inbox file is only read, never moved or deleted"
    );
}

#[test]
fn hostile_and_odd_files_are_rejected_with_a_reason_and_the_rest_go_on() {
    let dir = workspace_with_demo_master_data();
    let inbox = tempfile::tempdir().unwrap();
    let p = inbox.path();
    write(p, "01-empty.xml", "");
    write(
        p,
        "02-xxe.xml",
        r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&e;</ID></Invoice>"#,
    );
    write(
        p,
        "03-laughs.xml",
        r#"<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><l>&c;</l>"#,
    );
    write(
        p,
        "04-random.pdf",
        (0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect::<Vec<_>>(),
    );
    let full = std::fs::read(demo("inbox/bluem-20150483.xml")).unwrap();
    write(p, "05-truncated.xml", &full[..full.len() / 2]);
    write(
        p,
        "06-order.xml",
        r#"<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"><ID>1</ID></Order>"#,
    );
    std::fs::copy(demo("inbox/enexis-1100512149.xml"), p.join("07-good.xml")).unwrap();

    let report = backdesk_json(dir.path(), &["ingest", p.to_str().unwrap()]);
    assert_eq!(
        (report["processed"].as_u64(), report["rejected"].as_u64()),
        (Some(1), Some(6)),
        "{report:#}"
    );

    let documents = backdesk_json(dir.path(), &["documents", "--json"]);
    let by_name = |name: &str| {
        documents
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["path"].as_str().unwrap().ends_with(name))
            .unwrap()
            .clone()
    };
    for (name, reason, words) in [
        ("01-empty.xml", "UNREADABLE_DOCUMENT", "empty"),
        ("02-xxe.xml", "UNREADABLE_DOCUMENT", "DTD"),
        ("03-laughs.xml", "UNREADABLE_DOCUMENT", "DTD"),
        ("04-random.pdf", "UNREADABLE_DOCUMENT", "not a format"),
        ("05-truncated.xml", "UNREADABLE_DOCUMENT", "malformed"),
        ("06-order.xml", "NOT_AN_INVOICE", "Order"),
    ] {
        let doc = by_name(name);
        assert_eq!(doc["state"], "rejected", "{name}: {doc:#}");
        assert_eq!(doc["reason"], reason, "{name}: {doc:#}");
        let message = doc["reason_message"].as_str().unwrap();
        assert!(
            message.contains(words),
            "{name}: '{message}' should mention '{words}'"
        );
    }
    assert_eq!(by_name("07-good.xml")["state"], "processed");
    assert_eq!(
        backdesk_json(dir.path(), &["invoices", "--json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn extract_prints_the_contract_fields_without_a_data_directory() {
    let file = demo("inbox/lieferant-471102-teilrechnung.xml");
    let output = assert_cmd::Command::cargo_bin("backdesk")
        .unwrap()
        .args(["extract", file.to_str().unwrap(), "--json"])
        .env_remove("BACKDESK_DATA_DIR")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let extraction: Value = serde_json::from_slice(&output).unwrap();
    assert_eq!(extraction["method"], "cii");
    assert_eq!(extraction["document_type"], "invoice");
    assert_eq!(extraction["fields"]["invoice_number"]["value"], "471102");
    assert_eq!(extraction["fields"]["issue_date"]["value"], "2018-06-05");
    assert_eq!(extraction["fields"]["seller_vat_id"]["value"], "DE123456789");
    assert_eq!(extraction["lines"].as_array().unwrap().len(), 4);
    assert_eq!(extraction["lines"][2]["quantity"]["value"], "20.0000");
    assert!(
        extraction["fields"].get("due_date").is_none()
            || extraction["fields"]["due_date"]["value"].is_string()
    );
}

#[test]
fn an_unknown_invoice_id_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let assert = backdesk(dir.path(), &["invoice", "999", "--json"]).code(3);
    assert!(stderr_of(&assert).contains("invoice 999 does not exist"));
}

#[cfg(unix)]
#[test]
fn a_file_that_cannot_be_read_is_named_and_the_rest_of_the_batch_goes_on() {
    let dir = workspace_with_demo_master_data();
    let inbox = tempfile::tempdir().unwrap();
    std::fs::copy(demo("inbox/bluem-20150483.xml"), inbox.path().join("a-good.xml")).unwrap();
    // a link whose target is gone: unreadable for every user, root included
    std::os::unix::fs::symlink(
        "/nonexistent/backdesk/target.xml",
        inbox.path().join("b-dangling.xml"),
    )
    .unwrap();
    std::fs::copy(
        demo("inbox/enexis-1100512149.xml"),
        inbox.path().join("c-good.xml"),
    )
    .unwrap();

    let assert = backdesk(dir.path(), &["ingest", inbox.path().to_str().unwrap()]).code(3);
    assert!(
        stderr_of(&assert).contains("b-dangling.xml"),
        "{}",
        stderr_of(&assert)
    );
    let report: Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert_eq!(
        report["processed"], 2,
        "the files before and after it were still taken in: {report:#}"
    );
    assert_eq!(report["unreadable_files"].as_array().unwrap().len(), 1);
}
