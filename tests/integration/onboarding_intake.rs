//! Onboarding through the real intake pipeline against a real SQLite file: three hires, a generated test set
//! (text PDFs, OCR'd scans, a noise page, an e-mail), each document landing on the right checklist item with
//! the right reason — clean ones ticked by `backdesk` with no human step — then deadlines, a reminder, the
//! dashboard and the retention purge.

use std::collections::BTreeMap;
use std::path::Path;

use backdesk::api::Workspace;
use backdesk::onboarding::EmploymentType;
use backdesk::store::onboarding::NewHire;
use chrono::{NaiveDate, Utc};

use super::onboarding_documents::{email, noise_scan, pages, scan, text_pdf, Kind, Lang, Spec};

/// How a document is written.
#[derive(Clone, Copy)]
enum Form {
    Text,
    Scan(f64),
}

/// What the case's label says must happen to its item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Done,
    Problem(&'static str),
}

pub fn hires() -> Vec<NewHire> {
    let hire = |name: &str, email: &str, start: &str, kind, country: &str| NewHire {
        name: name.into(),
        email: Some(email.into()),
        role: "Engineer".into(),
        start_date: start.parse().unwrap(),
        employment_type: kind,
        country: country.into(),
        manager: Some("Maria Keller <maria.keller@company.example>".into()),
    };
    vec![
        hire(
            "Zoë Müller",
            "zoe.mueller@example.com",
            "2026-04-01",
            EmploymentType::Employee,
            "DE",
        ),
        hire(
            "Jean Dupont",
            "jean.dupont@example.fr",
            "2026-04-15",
            EmploymentType::Employee,
            "FR",
        ),
        hire(
            "Priya Shah",
            "priya.shah@example.co.uk",
            "2026-05-04",
            EmploymentType::Contractor,
            "GB",
        ),
    ]
}

fn write_pdf(path: &Path, spec: &Spec, form: Form, work: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let pdf = text_pdf(&pages(spec));
    let bytes = match form {
        Form::Text => pdf,
        Form::Scan(degrees) => scan(&pdf, degrees, &work.join(path.file_name().unwrap())),
    };
    std::fs::write(path, bytes).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_generated_document_ends_on_its_item_with_the_right_reason_and_clean_ones_tick_themselves() {
    if !backdesk::formats::ocr::available() {
        panic!("tesseract is needed for the scans: scripts/install-system-deps.sh");
    }
    let data = tempfile::tempdir().unwrap();
    let inbox = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let workspace = Workspace::open(data.path()).await.unwrap();
    let mut ids = Vec::new();
    for hire in hires() {
        ids.push(
            workspace
                .add_hire(&hire, "coordinator")
                .await
                .unwrap()
                .summary
                .hire
                .id,
        );
    }
    let (zoe, jean, priya) = (ids[0], ids[1], ids[2]);
    let folder = |slug: &str, file: &str| inbox.path().join("onboarding").join(slug).join(file);

    // (hire, item, expectation) per generated document
    let mut cases: Vec<(i64, &str, Expect)> = Vec::new();
    let zoe_name = ("Zoë", "Müller");
    write_pdf(
        &folder("zoe-muller", "personalausweis.pdf"),
        &Spec::new(Kind::IdCard, Lang::De, zoe_name),
        Form::Text,
        work.path(),
    );
    cases.push((zoe, "id", Expect::Done));
    write_pdf(
        &folder("zoe-muller", "steuer-scan.pdf"),
        &Spec::new(Kind::TaxForm, Lang::De, zoe_name),
        Form::Scan(0.6),
        work.path(),
    );
    cases.push((zoe, "tax_form", Expect::Done));
    let contract = Spec {
        pages: 2,
        declared_pages: 2,
        ..Spec::new(Kind::Contract, Lang::De, zoe_name)
    };
    write_pdf(
        &folder("zoe-muller", "arbeitsvertrag.pdf"),
        &contract,
        Form::Text,
        work.path(),
    );
    cases.push((zoe, "contract", Expect::Done));
    let unsigned = Spec {
        signed: false,
        ..Spec::new(Kind::PolicyAck, Lang::De, zoe_name)
    };
    write_pdf(
        &folder("zoe-muller", "richtlinien.pdf"),
        &unsigned,
        Form::Text,
        work.path(),
    );
    cases.push((zoe, "policies", Expect::Problem("SIGNATURE_MISSING")));
    // Zoë's bank details: missing (never sent)

    let jean_name = ("Jean", "Dupont");
    let expired = Spec {
        expiry: "31.12.2025",
        ..Spec::new(Kind::IdCard, Lang::Fr, jean_name)
    };
    write_pdf(
        &folder("jean-dupont", "carte-identite.pdf"),
        &expired,
        Form::Scan(-0.8),
        work.path(),
    );
    cases.push((jean, "id", Expect::Problem("EXPIRED")));
    let short = Spec {
        pages: 1,
        declared_pages: 3,
        ..Spec::new(Kind::Contract, Lang::Fr, jean_name)
    };
    write_pdf(
        &folder("jean-dupont", "contrat.pdf"),
        &short,
        Form::Text,
        work.path(),
    );
    cases.push((jean, "contract", Expect::Problem("PAGES_MISSING")));
    write_pdf(
        &folder("jean-dupont", "rib.pdf"),
        &Spec::new(Kind::BankDetails, Lang::Fr, ("Marie", "Curie")),
        Form::Text,
        work.path(),
    );
    cases.push((jean, "bank_details", Expect::Problem("NAME_MISMATCH")));
    write_pdf(
        &folder("jean-dupont", "titre.pdf"),
        &Spec::new(Kind::WorkPermit, Lang::Fr, jean_name),
        Form::Text,
        work.path(),
    );
    cases.push((jean, "right_to_work", Expect::Done));

    // Priya: a noise "scan" named for her in the inbox root, a passport scan by e-mail, bank details by folder
    std::fs::write(inbox.path().join("Priya Shah - tax form.pdf"), noise_scan()).unwrap();
    cases.push((priya, "tax_form", Expect::Problem("UNREADABLE")));
    let passport = scan(
        &text_pdf(&pages(&Spec::new(Kind::Passport, Lang::En, ("Priya", "Shah")))),
        0.4,
        &work.path().join("passport"),
    );
    std::fs::write(
        inbox.path().join("mail.eml"),
        email(
            "Priya <priya.shah@example.co.uk>",
            "My documents",
            "scan.pdf",
            &passport,
        ),
    )
    .unwrap();
    cases.push((priya, "id", Expect::Done));
    write_pdf(
        &folder("priya-shah", "bank.pdf"),
        &Spec::new(Kind::BankDetails, Lang::En, ("Priya", "Shah")),
        Form::Text,
        work.path(),
    );
    cases.push((priya, "bank_details", Expect::Done));

    let report = workspace.ingest_paths(&[inbox.path().to_owned()]).await.unwrap();
    // every file (and the e-mail's attachment) ends in exactly one state: processed
    assert_eq!((report.rejected, report.duplicate_files), (0, 0), "{report:?}");
    let documents = workspace.list_documents().await.unwrap();
    assert!(
        documents.iter().all(|d| d.state.as_str() == "processed"),
        "{documents:#?}"
    );

    let mut statuses = BTreeMap::new();
    for id in &ids {
        statuses.insert(*id, workspace.hire_status(*id).await.unwrap());
    }
    for (hire, key, expect) in &cases {
        let item = statuses[hire].items.iter().find(|i| i.key == *key).unwrap();
        let codes: Vec<String> = item
            .reasons
            .iter()
            .map(|r| serde_json::to_value(r.code).unwrap().as_str().unwrap().to_owned())
            .collect();
        match expect {
            Expect::Done => {
                assert_eq!(
                    (item.state.as_str(), item.done_by.as_deref()),
                    ("done", Some("backdesk")),
                    "hire {hire} {key}: {item:#?}"
                );
                assert!(item.document_id.is_some());
            }
            Expect::Problem(code) => {
                assert_eq!(
                    (item.state.as_str(), codes.as_slice()),
                    ("problem", [code.to_string()].as_slice()),
                    "hire {hire} {key}: {item:#?}"
                );
            }
        }
    }
    // evidence: the expired date and the wrong name are shown where they were read
    let jean_items = &statuses[&jean].items;
    let expired_reason = &jean_items.iter().find(|i| i.key == "id").unwrap().reasons[0];
    let evidence = expired_reason.evidence.as_ref().unwrap();
    assert_eq!(evidence.page, Some(1));
    assert!(
        evidence.bbox.is_some() && evidence.value.contains("2025"),
        "{evidence:?}"
    );
    let mismatch = &jean_items
        .iter()
        .find(|i| i.key == "bank_details")
        .unwrap()
        .reasons[0];
    assert_eq!(mismatch.evidence.as_ref().unwrap().value, "Marie Curie");
    // a ticked ID keeps its extracted fields
    let zoe_id = statuses[&zoe].items.iter().find(|i| i.key == "id").unwrap();
    assert_eq!(zoe_id.fields["document_number"]["value"], "L01X00T47");
    assert_eq!(zoe_id.fields["expiry"]["date"], "2031-02-02");
    // every item no document filled is still open
    let filled: Vec<(i64, &str)> = cases.iter().map(|(h, k, _)| (*h, *k)).collect();
    for (hire, status) in &statuses {
        for item in status
            .items
            .iter()
            .filter(|i| !filled.contains(&(*hire, i.key.as_str())))
        {
            assert_eq!(item.state, "open", "hire {hire} {}", item.key);
        }
    }

    // deadlines: judged on a given day, consistent with each open item's due date
    let today: NaiveDate = "2026-03-25".parse().unwrap();
    let due = workspace.due_items(today, 7).await.unwrap();
    let zoe_bank = due
        .iter()
        .find(|d| d.item.hire_id == zoe && d.item.item_key == "bank_details")
        .unwrap();
    assert_eq!(
        zoe_bank.days_left,
        (statuses[&zoe]
            .items
            .iter()
            .find(|i| i.key == "bank_details")
            .unwrap()
            .due_date
            - today)
            .num_days()
    );
    for d in &due {
        assert_eq!(
            d.days_left < 0,
            serde_json::to_value(d.urgency).unwrap() == "overdue"
        );
        assert!(d.days_left <= 7);
        assert_ne!(
            statuses[&d.item.hire_id]
                .items
                .iter()
                .find(|i| i.key == d.item.item_key)
                .unwrap()
                .state,
            "done"
        );
    }

    // the reminder lists exactly what the hire still owes, with the problems
    let draft = workspace.hire_reminder(zoe, None, Utc::now()).await.unwrap();
    let parsed = mail_parser::MessageParser::default()
        .parse(draft.eml.as_bytes())
        .unwrap();
    let body = parsed.body_text(0).unwrap().into_owned();
    let owed: Vec<&str> = statuses[&zoe]
        .items
        .iter()
        .filter(|i| i.owner == "hire" && i.state != "done")
        .map(|i| i.label.as_str())
        .collect();
    assert_eq!(
        body.lines().filter(|l| l.starts_with("- ")).count(),
        owed.len(),
        "{body}"
    );
    for label in owed {
        assert!(body.contains(label), "{label} missing from {body}");
    }
    assert!(body.contains("signature line"), "{body}");
    assert!(
        !body.contains("Personalausweis"),
        "a done item is not asked for again: {body}"
    );
    assert_eq!(
        parsed.to().unwrap().first().unwrap().address(),
        Some("zoe.mueller@example.com")
    );

    // dashboard: no human step so far; one tick by a person is measured from the audit trail
    let dashboard = workspace.onboarding_dashboard(today).await.unwrap();
    assert_eq!(dashboard.hires_measured, 0);
    workspace
        .tick_item(zoe, "policies", "coordinator", Utc::now())
        .await
        .unwrap();
    let dashboard = workspace.onboarding_dashboard(today).await.unwrap();
    assert_eq!(
        (dashboard.hires_measured, dashboard.average_coordinator_minutes),
        (1, Some(0.0))
    );

    // purge: only the contractor is past retention (3 years) on this day
    let archive = workspace.paths().archive.clone();
    let priya_docs: Vec<i64> = statuses[&priya]
        .items
        .iter()
        .filter_map(|i| i.document_id)
        .collect();
    assert!(!priya_docs.is_empty());
    let purged = workspace
        .purge_hires("dpo", "2029-05-10".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(purged.hires_purged, vec![priya]);
    assert_eq!(purged.originals_removed, priya_docs.len());
    let tomb = workspace.hire_status(priya).await.unwrap();
    assert_eq!(tomb.summary.hire.name, "(purged)");
    assert!(tomb.summary.hire.email.is_none() && tomb.summary.hire.purged_at.is_some());
    assert!(tomb
        .items
        .iter()
        .all(|i| i.fields == serde_json::json!({}) && i.reasons.is_empty()));
    let still = workspace.hire_status(zoe).await.unwrap();
    assert_eq!(still.summary.hire.name, "Zoë Müller");
    let remaining = count_files(&archive);
    assert!(remaining > 0);
    assert!(workspace.verify_audit().await.unwrap().ok);
}

fn count_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    if e.path().is_dir() {
                        count_files(&e.path())
                    } else {
                        1
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}
