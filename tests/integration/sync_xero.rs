//! Sync with Xero end to end: the real `backdesk connect` / `backdesk sync` binaries, the real Secret Service
//! (run under `scripts/with-keyring.sh`), a real SQLite workspace with archived PDFs, and the stateful local
//! Xero of `sync_server` validating every request against the official OpenAPI contract.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use backdesk::api::Workspace;
use backdesk::intake::archive::{archive_original, sha256_hex};
use sqlx::Row;

use super::support::backdesk;
use super::sync_server::{Fault, XeroServer, CLIENT_ID, TENANT};
use super::sync_support::{kill_sync_when, sync_until_done};

const FIRST_REFRESH: &str = "xrt-initial-7f3a9c";
const CLIENT_SECRET: &str = "cs-5c1d8e2b-secret";

pub(super) fn require_keyring() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "the sync tests talk to the real Secret Service: run them with `bash scripts/with-keyring.sh cargo test …`"
    );
}

pub(super) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// A one-page PDF saying `text` (a real, well-formed file with a correct cross-reference table).
pub(super) fn pdf(text: &str) -> Vec<u8> {
    let content = format!("BT /F1 18 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A workspace with `count` approved invoices, each with its own archived PDF original. The canonical
/// invoice comes from a real e-invoice ingested by the real CLI; each copy gets its own number.
pub(super) fn workspace_with_approved(dir: &Path, count: usize) -> Vec<(String, String)> {
    let inbox = super::support::demo("inbox/bluem-20150483.xml");
    backdesk(dir, &["ingest", inbox.to_str().unwrap()]).success();
    runtime().block_on(async {
        let workspace = Workspace::open(dir).await.unwrap();
        let mut tx = workspace.store().begin("seed approved invoices").await.unwrap();
        let row = sqlx::query("SELECT canonical, seller_name FROM invoices ORDER BY id LIMIT 1")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        let canonical: serde_json::Value = serde_json::from_str(&row.get::<String, _>(0)).unwrap();
        let seller: String = row.get(1);
        let mut made = Vec::new();
        for i in 0..count {
            let number = format!("SYNC-{i:05}");
            let bytes = pdf(&format!("Invoice {number} from {seller}"));
            let sha = sha256_hex(&bytes);
            archive_original(&workspace.paths().archive, &sha, &bytes).unwrap();
            let document: i64 = sqlx::query_scalar(
                "INSERT INTO documents (path, sha256, size_bytes, media_type, state, received_at)
                 VALUES (?, ?, ?, 'application/pdf', 'processed', '2026-11-21T00:00:00Z') RETURNING id",
            )
            .bind(format!("{number}.pdf"))
            .bind(&sha)
            .bind(bytes.len() as i64)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
            let mut invoice = canonical.clone();
            invoice["number"] = serde_json::json!(number);
            sqlx::query(
                "INSERT INTO invoices (document_id, status, document_type, extraction_method, invoice_number,
                   seller_name, canonical, created_at, updated_at)
                 VALUES (?, 'approved', 'invoice', 'ubl', ?, ?, ?, '2026-11-21T00:00:00Z', '2026-11-21T00:00:00Z')",
            )
            .bind(document)
            .bind(&number)
            .bind(&seller)
            .bind(invoice.to_string())
            .execute(&mut *tx)
            .await
            .unwrap();
            made.push((number, sha));
        }
        tx.commit().await.unwrap();
        workspace.store().clone().close().await;
        made
    })
}

fn command(dir: &Path, api: &str, identity: &str, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_backdesk"));
    command
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("BACKDESK_DATA_DIR")
        .env("BACKDESK_XERO_API_URL", api)
        .env("BACKDESK_XERO_IDENTITY_URL", identity)
        .env("BACKDESK_SYNC_BACKOFF_MS", "20")
        .env("BACKDESK_SYNC_TIMEOUT_MS", "1000");
    command
}

/// Runs `connect xero` with the test credentials on stdin (and `env` set for it).
fn run_connect(dir: &Path, server: &XeroServer, env: &[(&str, &str)]) -> std::process::Output {
    let mut command = command(dir, &server.api_url(), &server.url, &["connect", "xero"]);
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input = serde_json::json!({"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
        "refresh_token": FIRST_REFRESH, "tenant_id": TENANT});
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn connect(dir: &Path, server: &XeroServer) {
    let output = run_connect(dir, server, &[]);
    assert!(
        output.status.success(),
        "connect failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn sync(dir: &Path, server: &XeroServer) -> std::process::Output {
    command(dir, &server.api_url(), &server.url, &["sync"])
        .output()
        .unwrap()
}

fn spawn_sync(dir: &Path, server: &XeroServer) -> Child {
    command(dir, &server.api_url(), &server.url, &["sync"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

pub(super) fn statuses(dir: &Path) -> Vec<String> {
    runtime().block_on(async {
        let workspace = Workspace::open(dir).await.unwrap();
        let rows: Vec<String> =
            sqlx::query_scalar("SELECT status FROM invoices WHERE invoice_number LIKE 'SYNC-%'")
                .fetch_all(workspace.store().pool())
                .await
                .unwrap();
        workspace.store().clone().close().await;
        rows
    })
}

/// Every file under `dir`, recursively.
pub(super) fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files(&path));
        } else {
            found.push(path);
        }
    }
    found
}

pub(super) fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

/// What the Xero contract says against creating `bills` in one `PUT /Invoices` (nothing when it accepts them).
fn create_violations(bills: Vec<serde_json::Value>) -> Vec<String> {
    let request = super::sync_contract::SeenRequest {
        method: "PUT".into(),
        path: "/Invoices".into(),
        query: vec![("summarizeErrors".into(), "false".into())],
        headers: vec![
            ("xero-tenant-id".into(), TENANT.into()),
            ("content-type".into(), "application/json".into()),
        ],
        body: serde_json::json!({"Invoices": bills}).to_string().into_bytes(),
    };
    super::sync_contract::violations(&request)
}

#[test]
fn a_thousand_invoices_sync_through_faults_and_kills_with_no_duplicate() {
    require_keyring();
    let dir = tempfile::tempdir().unwrap();
    let made = workspace_with_approved(dir.path(), 1000);
    let server = XeroServer::start(FIRST_REFRESH, 120);
    connect(dir.path(), &server);
    // faults on API request numbers: the early ones hit the batched creates, the later ones attachments
    let schedule = [
        (2, Fault::ResetAfterCommit),
        (4, Fault::ServerError),
        (6, Fault::TooManyRequests),
        (8, Fault::Timeout),
        (10, Fault::ExpiredToken),
        (13, Fault::ResetAfterCommit),
        (90, Fault::ServerError),
        (180, Fault::ResetAfterCommit),
        (260, Fault::Timeout),
        (340, Fault::TooManyRequests),
        (420, Fault::ExpiredToken),
        (500, Fault::ServerError),
        (640, Fault::ResetAfterCommit),
        (760, Fault::TooManyRequests),
        (880, Fault::ServerError),
        (990, Fault::Timeout),
    ];
    for (n, fault) in schedule {
        server.inject(n, fault);
    }
    // two SIGKILLs of the real binary: one while bills are being created, one while originals are attached
    let kills = kill_sync_when(
        || spawn_sync(dir.path(), &server),
        &[&|| server.state.lock().unwrap().creates >= 300, &|| {
            server.state.lock().unwrap().attachments.len() >= 400
        }],
    );
    sync_until_done(|| sync(dir.path(), &server));

    let state = server.state.lock().unwrap();
    eprintln!(
        "sync run: {} API requests, {} faults injected {:?}, {} rate-limited (429), {} token refreshes, {} bills created",
        state.api_requests_seen(),
        state.faults_injected.len(),
        state.faults_injected,
        state.rate_limited,
        state.token_refreshes,
        state.creates
    );
    assert_eq!(kills, 2);
    assert!(
        state.faults_injected.len() >= 10,
        "only {:?} injected",
        state.faults_injected
    );
    assert_eq!(
        state.violations,
        Vec::<String>::new(),
        "requests outside the Xero contract"
    );
    assert_eq!(state.bills.len(), 1000, "exactly one bill per invoice");
    let numbers: BTreeSet<&str> = state
        .bills
        .values()
        .map(|b| b["InvoiceNumber"].as_str().unwrap())
        .collect();
    assert_eq!(numbers.len(), 1000, "no duplicate bill");
    for (id, bill) in &state.bills {
        let number = bill["InvoiceNumber"].as_str().unwrap();
        let sha = &made.iter().find(|(n, _)| n == number).unwrap().1;
        let attachments = state.attachments.get(id).map(Vec::as_slice).unwrap_or_default();
        assert_eq!(
            attachments.len(),
            1,
            "bill {number} has {} attachments",
            attachments.len()
        );
        assert_eq!(
            &attachments[0].sha256, sha,
            "bill {number} carries its own original"
        );
        assert_eq!(bill["Type"], "ACCPAY");
        assert_eq!(bill["Status"], "AUTHORISED");
    }
    drop(state);
    let statuses = statuses(dir.path());
    assert_eq!(statuses.len(), 1000);
    assert!(statuses.iter().all(|s| s == "posted"), "every invoice is posted");
}

#[test]
fn secrets_stay_in_the_keychain_and_payments_come_back() {
    require_keyring();
    let dir = tempfile::tempdir().unwrap();
    workspace_with_approved(dir.path(), 5);
    let server = XeroServer::start(FIRST_REFRESH, 1000);
    connect(dir.path(), &server);
    // the running process is looked at for tokens in its arguments
    let mut child = spawn_sync(dir.path(), &server);
    let cmdline = std::fs::read(format!("/proc/{}/cmdline", child.id())).unwrap_or_default();
    assert!(child.wait().unwrap().success());
    assert_eq!(server.state.lock().unwrap().bills.len(), 5);
    let first = server.state.lock().unwrap().bills.keys().next().unwrap().clone();
    server.pay(&first);
    assert!(sync(dir.path(), &server).status.success());
    let statuses = statuses(dir.path());
    assert_eq!(statuses.iter().filter(|s| *s == "paid").count(), 1);
    assert_eq!(statuses.iter().filter(|s| *s == "posted").count(), 4);

    let state = server.state.lock().unwrap();
    assert!(
        state.token_refreshes >= 1,
        "connect checked the credentials by refreshing the token"
    );
    assert_eq!(state.violations, Vec::<String>::new());
    let mut secrets: Vec<String> = state.issued_tokens.clone();
    secrets.push(CLIENT_SECRET.to_owned());
    drop(state);
    for file in files(dir.path()) {
        // SQLite's -wal/-shm files may vanish between listing and reading
        let Ok(bytes) = std::fs::read(&file) else { continue };
        for secret in &secrets {
            assert!(!contains(&bytes, secret), "{} contains a token", file.display());
        }
    }
    for secret in &secrets {
        assert!(
            !contains(&cmdline, secret),
            "a token was passed as a process argument"
        );
    }
    // ... and the rotated tokens are in the real keychain, readable by another process (this one)
    let stored = backdesk::secrets::Keychain::for_workspace(dir.path())
        .load("xero")
        .unwrap()
        .unwrap();
    assert!(secrets.contains(&stored.refresh_token));
    assert_ne!(
        stored.refresh_token, FIRST_REFRESH,
        "the refresh token was rotated"
    );
}

#[test]
fn offline_jobs_wait_in_the_outbox_and_drain_on_reconnect() {
    require_keyring();
    let dir = tempfile::tempdir().unwrap();
    workspace_with_approved(dir.path(), 3);
    let server = XeroServer::start(FIRST_REFRESH, 1000);
    connect(dir.path(), &server);
    let dead = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let offline = command(dir.path(), &format!("{dead}/api.xro/2.0"), &dead, &["sync"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&offline.stderr);
    assert_eq!(offline.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("offline") && stderr.contains("3 invoice(s) wait in the outbox"),
        "{stderr}"
    );
    assert!(statuses(dir.path()).iter().all(|s| s == "approved"));

    let online = sync(dir.path(), &server);
    assert!(
        online.status.success(),
        "{}",
        String::from_utf8_lossy(&online.stderr)
    );
    assert_eq!(server.state.lock().unwrap().bills.len(), 3);
    assert!(statuses(dir.path()).iter().all(|s| s == "posted"));
}

#[test]
fn dry_run_prints_the_exact_payloads_and_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    workspace_with_approved(dir.path(), 2);
    let server = XeroServer::start(FIRST_REFRESH, 1000);
    let output = command(dir.path(), &server.api_url(), &server.url, &["sync", "--dry-run"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let plan: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let plan = plan.as_array().unwrap();
    assert_eq!(plan.len(), 2);
    assert_eq!(server.api_requests(), 0);
    assert_eq!(server.state.lock().unwrap().token_refreshes, 0);
    // the printed bills are exactly what the contract accepts
    let bills: Vec<serde_json::Value> = plan.iter().map(|p| p["payload"]["bill"].clone()).collect();
    assert_eq!(create_violations(bills), Vec::<String>::new());
    assert_eq!(plan[0]["payload"]["bill"]["InvoiceNumber"], "SYNC-00000");
    assert!(statuses(dir.path()).iter().all(|s| s == "approved"));
}

#[test]
fn connect_without_a_keychain_says_so_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = XeroServer::start(FIRST_REFRESH, 1000);
    let output = run_connect(
        dir.path(),
        &server,
        &[("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/backdesk-bus")],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("keychain"), "{stderr}");
    let secrets: Vec<String> = server.state.lock().unwrap().issued_tokens.clone();
    for file in files(dir.path()) {
        // SQLite's -wal/-shm files may vanish between listing and reading
        let Ok(bytes) = std::fs::read(&file) else { continue };
        for secret in secrets.iter().chain([CLIENT_SECRET.to_owned()].iter()) {
            assert!(!contains(&bytes, secret), "{} contains a secret", file.display());
        }
    }
}

#[test]
fn mapped_vendor_and_tax_code_are_asked_once_and_used_in_every_bill() {
    let dir = tempfile::tempdir().unwrap();
    workspace_with_approved(dir.path(), 2);
    // the first invoice is matched to a vendor record of ours; read the VAT category of its first line
    let category: String = runtime().block_on(async {
        let workspace = Workspace::open(dir.path()).await.unwrap();
        let pool = workspace.store().pool();
        sqlx::query(
            "INSERT INTO vendors (vendor_id, name, origin, updated_at)
             VALUES ('V-ACME', 'ACME Supplies', 'import:test', '2026-11-21T00:00:00Z')",
        )
        .execute(pool)
        .await
        .unwrap();
        sqlx::query("UPDATE invoices SET vendor_id = 'V-ACME' WHERE invoice_number = 'SYNC-00000'")
            .execute(pool)
            .await
            .unwrap();
        let canonical: String =
            sqlx::query_scalar("SELECT canonical FROM invoices WHERE invoice_number = 'SYNC-00000'")
                .fetch_one(pool)
                .await
                .unwrap();
        workspace.store().clone().close().await;
        let canonical: serde_json::Value = serde_json::from_str(&canonical).unwrap();
        canonical["lines"][0]["vat_category"]
            .as_str()
            .expect("the sample's first line has a VAT category")
            .to_owned()
    });
    let server = XeroServer::start(FIRST_REFRESH, 1000);
    let run = |args: &[&str]| {
        command(dir.path(), &server.api_url(), &server.url, args)
            .output()
            .unwrap()
    };
    // an unknown vendor is refused, and --create is for vendors only
    let unknown = run(&["sync", "map-vendor", "V-NOBODY", "--to", "c-1"]);
    assert_eq!(unknown.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("V-NOBODY"));
    assert_eq!(
        run(&["sync", "map-tax", category.as_str(), "--create"])
            .status
            .code(),
        Some(2)
    );
    for args in [
        &["sync", "map-vendor", "V-ACME", "--to", "3f1c-contact"][..],
        &["sync", "map-tax", category.as_str(), "--to", "INPUT-MAPPED"][..],
    ] {
        let output = run(args);
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    // the mapping is for xero only
    let plan = run(&["sync", "--dry-run"]);
    assert!(plan.status.success(), "{}", String::from_utf8_lossy(&plan.stderr));
    let plan: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap();
    let bill = |i: usize| plan[i]["payload"]["bill"].clone();
    assert_eq!(
        bill(0)["Contact"],
        serde_json::json!({"ContactID": "3f1c-contact"})
    );
    assert_eq!(bill(0)["LineItems"][0]["TaxType"], "INPUT-MAPPED");
    assert_eq!(
        bill(1)["LineItems"][0]["TaxType"],
        "INPUT-MAPPED",
        "the tax mapping holds for every vendor"
    );
    assert!(
        bill(1)["Contact"].get("ContactID").is_none(),
        "an unmapped vendor keeps its name"
    );
    let bills: Vec<serde_json::Value> = (0..2).map(bill).collect();
    assert_eq!(create_violations(bills), Vec::<String>::new());
    assert_eq!(server.api_requests(), 0);
}

#[test]
fn bills_edited_or_deleted_in_xero_are_flagged_not_overwritten() {
    require_keyring();
    let dir = tempfile::tempdir().unwrap();
    workspace_with_approved(dir.path(), 4);
    let server = XeroServer::start(FIRST_REFRESH, 1000);
    connect(dir.path(), &server);
    assert!(sync(dir.path(), &server).status.success());
    let ids: Vec<String> = server.state.lock().unwrap().bills.keys().cloned().collect();
    assert_eq!(ids.len(), 4);
    server.pay(&ids[0]);
    server.edit_amount(&ids[1], 1.0);
    server.delete(&ids[2]);
    let second = sync(dir.path(), &server);
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&second.stdout).unwrap();
    assert_eq!(report["paid"], 1, "{report}");
    let flagged = report["flagged"].as_array().unwrap();
    assert_eq!(flagged.len(), 2, "{report}");
    assert!(flagged.iter().any(|f| f.as_str().unwrap().contains("edited")));
    assert!(flagged.iter().any(|f| f.as_str().unwrap().contains("deleted")));
    // nothing re-sent, the edit left as it is in Xero, and the next sync raises nothing new
    let state = server.state.lock().unwrap();
    assert_eq!(state.creates, 4);
    assert_eq!(state.bills[&ids[1]]["LineItems"][0]["LineAmount"], 1.0);
    assert_eq!(state.violations, Vec::<String>::new());
    drop(state);
    let third = sync(dir.path(), &server);
    let report: serde_json::Value = serde_json::from_slice(&third.stdout).unwrap();
    assert_eq!(report["flagged"], serde_json::json!([]));
    let statuses = statuses(dir.path());
    assert_eq!(statuses.iter().filter(|s| *s == "paid").count(), 1);
    assert_eq!(statuses.iter().filter(|s| *s == "posted").count(), 3);
    // the flag shows on the invoice: its audit trail in `invoice ID --json`
    let flagged_ids: Vec<i64> = runtime().block_on(async {
        let workspace = Workspace::open(dir.path()).await.unwrap();
        let ids = sqlx::query_scalar("SELECT invoice_id FROM sync_jobs WHERE remote_flag IS NOT NULL")
            .fetch_all(workspace.store().pool())
            .await
            .unwrap();
        workspace.store().clone().close().await;
        ids
    });
    assert_eq!(flagged_ids.len(), 2);
    for id in flagged_ids {
        let shown = command(
            dir.path(),
            &server.api_url(),
            &server.url,
            &["invoice", &id.to_string(), "--json"],
        )
        .output()
        .unwrap();
        let text = String::from_utf8_lossy(&shown.stdout);
        assert!(text.contains("remote_change"), "invoice {id}: {text}");
    }
}
