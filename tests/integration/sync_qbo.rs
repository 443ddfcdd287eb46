//! Sync with QuickBooks Online end to end: the real `backdesk connect qbo` / `backdesk sync --target qbo`
//! binaries, the real Secret Service (run under `scripts/with-keyring.sh`), a real SQLite workspace with
//! archived PDFs, and the stateful local QuickBooks of `sync_qbo_server` enforcing the contract, the
//! `requestid` idempotency, refresh-token rotation and the per-realm limits, with injected faults.
//!
//! The realm's minute is scaled down on both sides (`BACKDESK_QBO_RATE_WINDOW_MS` for the client's limiter,
//! the server's window) so 2,000 requests do not take four minutes; the limit per window stays 500.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::sync_qbo_server::{QboServer, CLIENT_ID, CLIENT_SECRET, EXPENSE_ACCOUNT, REALM, TAX_CODE};
use super::sync_server::Fault;
use super::sync_support::{kill_sync_when, sync_until_done};
use super::sync_xero::{contains, files, require_keyring, statuses, workspace_with_approved};

const FIRST_REFRESH: &str = "qrt-initial-52c1d9";
/// The scaled "minute" of the tests (both the server's window and the client's limiter).
const WINDOW: Duration = Duration::from_millis(2000);

fn command(dir: &Path, server: &QboServer, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_backdesk"));
    command
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("BACKDESK_DATA_DIR")
        .env("BACKDESK_QBO_API_URL", &server.url)
        .env("BACKDESK_QBO_IDENTITY_URL", &server.url)
        .env(
            "BACKDESK_QBO_RATE_WINDOW_MS",
            server.window.as_millis().to_string(),
        )
        .env("BACKDESK_SYNC_BACKOFF_MS", "20")
        .env("BACKDESK_SYNC_TIMEOUT_MS", "1000");
    command
}

fn run(dir: &Path, server: &QboServer, args: &[&str]) -> std::process::Output {
    command(dir, server, args).output().unwrap()
}

fn succeed(dir: &Path, server: &QboServer, args: &[&str]) -> std::process::Output {
    let output = run(dir, server, args);
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// `backdesk connect qbo` with `input` (the credentials JSON) on its stdin.
fn connect_with(dir: &Path, server: &QboServer, input: &serde_json::Value) -> std::process::Output {
    let mut child = command(dir, server, &["connect", "qbo"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn connect(dir: &Path, server: &QboServer) {
    let input = serde_json::json!({"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
        "refresh_token": FIRST_REFRESH, "realm_id": REALM});
    let output = connect_with(dir, server, &input);
    assert!(
        output.status.success(),
        "connect qbo failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A workspace with `count` approved invoices whose lines go to the test realm's expense account.
fn prepared(dir: &Path, server: &QboServer, count: usize) -> Vec<(String, String)> {
    let made = workspace_with_approved(dir, count);
    succeed(
        dir,
        server,
        &[
            "sync",
            "--target",
            "qbo",
            "map-account",
            "*",
            "--to",
            EXPENSE_ACCOUNT,
        ],
    );
    made
}

fn spawn_sync(dir: &Path, server: &QboServer) -> Child {
    command(dir, server, &["sync", "--target", "qbo"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn a_thousand_invoices_reach_quickbooks_through_faults_and_kills_with_no_duplicate() {
    require_keyring();
    let dir = tempfile::tempdir().unwrap();
    let server = QboServer::start(FIRST_REFRESH, 500, WINDOW);
    let made = prepared(dir.path(), &server, 1000);
    connect(dir.path(), &server);
    // request 1 looks the vendor up, 2 creates it; then bills and uploads alternate
    let schedule = [
        (2, Fault::ResetAfterCommit),
        (5, Fault::ResetAfterCommit),
        (8, Fault::ServerError),
        (11, Fault::TooManyRequests),
        (14, Fault::Timeout),
        (17, Fault::ExpiredToken),
        (20, Fault::ResetAfterCommit),
        (150, Fault::ServerError),
        (333, Fault::ResetAfterCommit),
        (530, Fault::Timeout),
        (777, Fault::TooManyRequests),
        (1001, Fault::ResetAfterCommit),
        (1250, Fault::ExpiredToken),
        (1500, Fault::ServerError),
        (1800, Fault::ResetAfterCommit),
    ];
    for (n, fault) in schedule {
        server.inject(n, fault);
    }
    let kills = kill_sync_when(
        || spawn_sync(dir.path(), &server),
        &[&|| server.state.lock().unwrap().creates >= 250, &|| {
            server.state.lock().unwrap().uploads.len() >= 600
        }],
    );
    sync_until_done(|| run(dir.path(), &server, &["sync", "--target", "qbo"]));

    let state = server.state.lock().unwrap();
    eprintln!(
        "qbo sync run: {} API requests, {} faults injected {:?}, {} throttled (429), peak {} in flight, {} token \
         refreshes, {} bills created",
        state.api_requests,
        state.faults_injected.len(),
        state.faults_injected,
        state.throttled,
        state.peak_in_flight,
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
        "requests outside the QuickBooks contract"
    );
    assert_eq!(state.vendors.len(), 1, "the vendor was created once");
    assert_eq!(state.bills.len(), 1000, "exactly one bill per invoice");
    let numbers: BTreeSet<&str> = state
        .bills
        .values()
        .map(|b| b["DocNumber"].as_str().unwrap())
        .collect();
    assert_eq!(numbers.len(), 1000, "no duplicate bill");
    for (id, bill) in &state.bills {
        let number = bill["DocNumber"].as_str().unwrap();
        let sha = &made.iter().find(|(n, _)| n == number).unwrap().1;
        let uploads: Vec<_> = state
            .uploads
            .iter()
            .filter(|u| u.bill_id == id.to_string())
            .collect();
        assert_eq!(
            uploads.len(),
            1,
            "bill {number} has {} attachments",
            uploads.len()
        );
        assert_eq!(&uploads[0].sha256, sha, "bill {number} carries its own original");
        assert_eq!(bill["VendorRef"]["value"], state.vendors[0]["Id"]);
        assert_eq!(
            bill["Line"][0]["AccountBasedExpenseLineDetail"]["AccountRef"]["value"],
            EXPENSE_ACCOUNT
        );
    }
    assert_eq!(state.uploads.len(), 1000, "no duplicate attachment");
    drop(state);
    let statuses = statuses(dir.path());
    assert_eq!(statuses.len(), 1000);
    assert!(statuses.iter().all(|s| s == "posted"), "every invoice is posted");
}

#[test]
fn an_uninterrupted_run_stays_under_the_realm_rate_limit() {
    require_keyring();
    let dir = tempfile::tempdir().unwrap();
    // a window long enough that the run, unchecked, would send far more than 500 in it
    let window = Duration::from_secs(10);
    let server = QboServer::start(FIRST_REFRESH, 500, window);
    prepared(dir.path(), &server, 300);
    connect(dir.path(), &server);
    let started = Instant::now();
    succeed(dir.path(), &server, &["sync", "--target", "qbo"]);
    let state = server.state.lock().unwrap();
    eprintln!(
        "{} requests in {:?} (window {window:?}), {} throttled, peak {} in flight",
        state.api_requests,
        started.elapsed(),
        state.throttled,
        state.peak_in_flight
    );
    assert!(state.api_requests > 500, "the run needs more than one window");
    assert!(
        started.elapsed() >= window,
        "the 501st request waited for the window"
    );
    assert_eq!(
        state.throttled, 0,
        "the client's limiter kept the run under 500 a window"
    );
    assert!(state.peak_in_flight <= 10);
    assert_eq!(state.bills.len(), 300);
}

#[test]
fn payments_come_back_remote_edits_and_deletions_are_flagged_and_secrets_stay_in_the_keychain() {
    require_keyring();
    let dir = tempfile::tempdir().unwrap();
    let server = QboServer::start(FIRST_REFRESH, 500, WINDOW);
    prepared(dir.path(), &server, 5);
    // one tax mapping: the sample's lines carry a VAT category
    let plan = succeed(dir.path(), &server, &["sync", "--target", "qbo", "--dry-run"]);
    let plan: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap();
    assert_eq!(plan.as_array().unwrap().len(), 5);
    assert_eq!(
        server.state.lock().unwrap().api_requests,
        0,
        "a dry run sends nothing"
    );
    let bill = &plan[0]["payload"]["bill"];
    assert_eq!(bill["DocNumber"], "SYNC-00000");
    assert!(bill["VendorRef"]["name"].is_string(), "{bill}");
    assert!(bill["PrivateNote"]
        .as_str()
        .unwrap()
        .contains(plan[0]["idempotency_key"].as_str().unwrap()));
    connect(dir.path(), &server);
    let mut child = spawn_sync(dir.path(), &server);
    let cmdline = std::fs::read(format!("/proc/{}/cmdline", child.id())).unwrap_or_default();
    assert!(child.wait().unwrap().success());
    let ids: Vec<u64> = server.state.lock().unwrap().bills.keys().copied().collect();
    assert_eq!(ids.len(), 5);
    server.pay(ids[0]);
    server.edit_amount(ids[1], 1.0);
    server.delete(ids[2]);
    server.edit_memo(ids[3], "changed by the bookkeeper");
    let second = succeed(dir.path(), &server, &["sync", "--target", "qbo"]);
    let report: serde_json::Value = serde_json::from_slice(&second.stdout).unwrap();
    assert_eq!(report["paid"], 1);
    let flagged: Vec<String> = report["flagged"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(flagged.len(), 3, "{flagged:?}");
    assert!(flagged.iter().any(|f| f.contains("now totals")), "{flagged:?}");
    assert!(
        flagged.iter().any(|f| f.contains("was changed there")),
        "{flagged:?}"
    );
    assert!(flagged.iter().any(|f| f.contains("deleted")), "{flagged:?}");
    let statuses = statuses(dir.path());
    assert_eq!(statuses.iter().filter(|s| *s == "paid").count(), 1);
    assert_eq!(statuses.iter().filter(|s| *s == "posted").count(), 4);
    // the memo edit is left as it is in QuickBooks
    assert_eq!(
        server.state.lock().unwrap().bills[&ids[3]]["PrivateNote"],
        "changed by the bookkeeper"
    );
    // nothing was re-sent over the remote changes, and a third sync raises no new flag
    assert_eq!(server.state.lock().unwrap().creates, 5);
    let third = succeed(dir.path(), &server, &["sync", "--target", "qbo"]);
    let report: serde_json::Value = serde_json::from_slice(&third.stdout).unwrap();
    assert_eq!(report["flagged"], serde_json::json!([]));
    assert_eq!(server.state.lock().unwrap().creates, 5);
    // the flags are on the invoices (their audit trail, shown by `invoice ID --json`)
    let flagged_invoices = flagged_invoice_ids(dir.path());
    assert_eq!(flagged_invoices.len(), 3);
    for id in flagged_invoices {
        let shown = succeed(dir.path(), &server, &["invoice", &id.to_string(), "--json"]);
        let text = String::from_utf8_lossy(&shown.stdout);
        assert!(text.contains("remote_change"), "invoice {id}: {text}");
    }
    assert!(succeed(dir.path(), &server, &["audit", "verify"])
        .status
        .success());

    let state = server.state.lock().unwrap();
    assert_eq!(state.violations, Vec::<String>::new());
    let mut secrets = state.issued_tokens.clone();
    secrets.push(CLIENT_SECRET.to_owned());
    drop(state);
    for file in files(dir.path()) {
        let Ok(bytes) = std::fs::read(&file) else { continue };
        for secret in &secrets {
            assert!(
                !contains(&bytes, secret),
                "{} contains a QuickBooks secret",
                file.display()
            );
        }
    }
    for secret in &secrets {
        assert!(
            !contains(&cmdline, secret),
            "a QuickBooks secret was a process argument"
        );
    }
    let stored = backdesk::secrets::Keychain::for_workspace(dir.path())
        .load("qbo")
        .unwrap()
        .unwrap();
    assert_eq!(stored.tenant_id, REALM);
    assert_ne!(
        stored.refresh_token, FIRST_REFRESH,
        "the refresh token was rotated"
    );
    assert!(secrets.contains(&stored.refresh_token));
}

/// The invoices whose bills carry a remote-change flag.
fn flagged_invoice_ids(dir: &Path) -> Vec<i64> {
    super::sync_xero::runtime().block_on(async {
        let workspace = backdesk::api::Workspace::open(dir).await.unwrap();
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT invoice_id FROM sync_jobs WHERE remote_flag IS NOT NULL ORDER BY invoice_id",
        )
        .fetch_all(workspace.store().pool())
        .await
        .unwrap();
        workspace.store().clone().close().await;
        ids
    })
}

#[test]
fn mapped_tax_codes_reach_the_lines_and_an_unmapped_account_is_refused_with_what_to_do() {
    require_keyring();
    let dir = tempfile::tempdir().unwrap();
    let server = QboServer::start(FIRST_REFRESH, 500, WINDOW);
    workspace_with_approved(dir.path(), 1);
    connect(dir.path(), &server);
    let refused = run(dir.path(), &server, &["sync", "--target", "qbo", "--dry-run"]);
    assert!(refused.status.success());
    let plan: serde_json::Value = serde_json::from_slice(&refused.stdout).unwrap();
    assert_eq!(plan, serde_json::json!([]), "no account: nothing can be planned");
    let refused = run(dir.path(), &server, &["sync", "--target", "qbo"]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("not synced") && stderr.contains("map-account"),
        "{stderr}"
    );
    assert_eq!(server.state.lock().unwrap().creates, 0);
    succeed(
        dir.path(),
        &server,
        &[
            "sync",
            "--target",
            "qbo",
            "map-account",
            "*",
            "--to",
            EXPENSE_ACCOUNT,
        ],
    );
    // the sample's lines carry VAT category S
    succeed(
        dir.path(),
        &server,
        &["sync", "--target", "qbo", "map-tax", "S", "--to", TAX_CODE],
    );
    let plan = succeed(dir.path(), &server, &["sync", "--target", "qbo", "--dry-run"]);
    let plan: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap();
    let line = &plan[0]["payload"]["bill"]["Line"][0];
    assert_eq!(
        line["AccountBasedExpenseLineDetail"]["TaxCodeRef"]["value"], TAX_CODE,
        "{line}"
    );
    assert_eq!(plan[0]["payload"]["bill"]["GlobalTaxCalculation"], "TaxExcluded");
}

#[test]
fn sync_qbo_without_a_connection_says_to_connect_and_connect_qbo_needs_the_realm() {
    require_keyring();
    let dir = tempfile::tempdir().unwrap();
    let server = QboServer::start(FIRST_REFRESH, 500, WINDOW);
    let unconnected = run(dir.path(), &server, &["sync", "--target", "qbo"]);
    let stderr = String::from_utf8_lossy(&unconnected.stderr);
    assert_eq!(unconnected.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("backdesk connect qbo"), "{stderr}");
    let input = serde_json::json!({"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
        "refresh_token": FIRST_REFRESH});
    let output = connect_with(dir.path(), &server, &input);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("realm_id"), "{stderr}");
    assert_eq!(
        server.state.lock().unwrap().token_refreshes,
        0,
        "nothing was spent"
    );
}
