//! Benchmark: the sync work that does not depend on the network. (1) Dry-run payload building — the Xero bill
//! for a 10-line invoice, with vendor / account / tax mappings applied, serialised — against serialising the
//! same canonical invoice (the floor of any JSON work on it). (2) Outbox throughput — a job enqueued and walked
//! through `sending → created → done`, one commit each, in a real SQLite workspace — against the same number of
//! plain single-row INSERT/UPDATE statements on a scratch table in the same database. Both as ratios to their
//! reference measured in the same run. Run: `cargo bench --bench sync`.

use std::time::{Duration, Instant};

use backdesk::api::Workspace;
use backdesk::model::invoice::{DocumentType, Invoice, InvoiceLine};
use backdesk::store::outbox;
use backdesk::sync::bill;
use backdesk::sync::mapping::{self, Mapping, Mappings};
use rust_decimal::Decimal;

const INVOICES: usize = 2_000;
const JOBS: i64 = 1_000;
const NOW: &str = "2026-11-21T00:00:00Z";

fn invoice(i: usize) -> Invoice {
    let mut invoice = Invoice::empty(DocumentType::Invoice);
    invoice.number = Some(format!("BENCH-{i:06}"));
    invoice.issue_date = chrono::NaiveDate::from_ymd_opt(2026, 11, 1);
    invoice.due_date = chrono::NaiveDate::from_ymd_opt(2026, 12, 1);
    invoice.lines = (0..10)
        .map(|line| InvoiceLine {
            id: line.to_string(),
            item_name: Some(format!("Item {line} of invoice {i}")),
            quantity: Some(Decimal::new(3, 0)),
            net_price: Some(Decimal::new(1999 + line, 2)),
            net_amount: Some(Decimal::new(3 * (1999 + line), 2)),
            accounting_reference: Some(format!("6{:03}", line % 4)),
            vat_category: Some("S".to_owned()),
            vat_rate: Some(Decimal::new(19, 0)),
            ..InvoiceLine::default()
        })
        .collect();
    invoice
}

fn payloads(invoices: &[Invoice], mappings: &Mappings) -> anyhow::Result<usize> {
    let mut bytes = 0;
    for (i, invoice) in invoices.iter().enumerate() {
        let mut built = bill::xero_bill(invoice, "ACME Supplies", "AUTHORISED", i as i64)?;
        mapping::apply_xero(&mut built, invoice, Some("V-ACME"), mappings);
        bytes += built.to_string().len();
    }
    Ok(bytes)
}

fn canonical(invoices: &[Invoice]) -> anyhow::Result<usize> {
    let mut bytes = 0;
    for invoice in invoices {
        bytes += serde_json::to_string(invoice)?.len();
    }
    Ok(bytes)
}

/// The best of `runs` timings of `work`.
fn best<T>(runs: usize, mut work: impl FnMut() -> anyhow::Result<T>) -> anyhow::Result<Duration> {
    let mut fastest = Duration::MAX;
    for _ in 0..runs {
        let started = Instant::now();
        std::hint::black_box(work()?);
        fastest = fastest.min(started.elapsed());
    }
    Ok(fastest)
}

async fn seed_invoices(workspace: &Workspace) -> anyhow::Result<()> {
    let mut tx = workspace.store().begin("bench seed").await?;
    for i in 0..JOBS {
        let document: i64 = sqlx::query_scalar(
            "INSERT INTO documents (path, sha256, size_bytes, media_type, state, received_at)
             VALUES (?, ?, 1, 'application/pdf', 'processed', ?) RETURNING id",
        )
        .bind(format!("bench-{i}.pdf"))
        .bind(format!("{i:064x}"))
        .bind(NOW)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO invoices (document_id, status, document_type, extraction_method, invoice_number,
               seller_name, canonical, created_at, updated_at)
             VALUES (?, 'approved', 'invoice', 'ubl', ?, 'ACME', '{}', ?, ?)",
        )
        .bind(document)
        .bind(format!("BENCH-{i:06}"))
        .bind(NOW)
        .bind(NOW)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    // (1) payload building
    let invoices: Vec<Invoice> = (0..INVOICES).map(invoice).collect();
    let mut mappings = Mappings::default();
    mappings
        .vendors
        .insert("V-ACME".into(), Mapping::Remote("contact-1".into()));
    mappings.accounts.insert("6000".into(), "400".into());
    mappings.taxes.insert("S-19".into(), "INPUT".into());
    let built = best(5, || payloads(&invoices, &mappings))?;
    let floor = best(5, || canonical(&invoices))?;
    println!(
        "payloads: {INVOICES} bills of 10 lines in {:.1} ms ({:.1} µs each) = {:.2}x serialising the canonical invoices ({:.1} ms)",
        built.as_secs_f64() * 1e3,
        built.as_secs_f64() * 1e6 / INVOICES as f64,
        built.as_secs_f64() / floor.as_secs_f64(),
        floor.as_secs_f64() * 1e3
    );

    // (2) outbox throughput in a real SQLite file
    let dir = tempfile::tempdir()?;
    let workspace = Workspace::open(dir.path()).await?;
    seed_invoices(&workspace).await?;
    let pool = workspace.store().pool().clone();
    let invoice_ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM invoices ORDER BY id")
        .fetch_all(&pool)
        .await?;
    let payload = bill::xero_bill(&invoices[0], "ACME Supplies", "AUTHORISED", 0)?.to_string();
    let started = Instant::now();
    for id in &invoice_ids {
        outbox::enqueue(&pool, "xero", *id, &format!("bench-key-{id}"), &payload, NOW).await?;
    }
    let jobs = outbox::unfinished(&pool, "xero", None).await?;
    for job in &jobs {
        outbox::set_state(&pool, job.id, "sending", None, NOW).await?;
        outbox::set_state(&pool, job.id, "created", Some("remote-id"), NOW).await?;
        outbox::set_state(&pool, job.id, "done", None, NOW).await?;
    }
    let through_outbox = started.elapsed();

    sqlx::query("CREATE TABLE bench_reference (id INTEGER PRIMARY KEY, key TEXT, state TEXT, payload TEXT)")
        .execute(&pool)
        .await?;
    let started = Instant::now();
    for id in &invoice_ids {
        sqlx::query("INSERT INTO bench_reference (id, key, state, payload) VALUES (?, ?, 'pending', ?)")
            .bind(id)
            .bind(format!("bench-key-{id}"))
            .bind(&payload)
            .execute(&pool)
            .await?;
    }
    for id in &invoice_ids {
        for state in ["sending", "created", "done"] {
            sqlx::query("UPDATE bench_reference SET state = ? WHERE id = ?")
                .bind(state)
                .bind(id)
                .execute(&pool)
                .await?;
        }
    }
    let reference = started.elapsed();
    println!(
        "outbox: {} jobs enqueued and walked to done in {:.1} ms ({:.0} jobs/s) = {:.2}x the same number of plain \
         INSERT/UPDATE commits ({:.1} ms)",
        jobs.len(),
        through_outbox.as_secs_f64() * 1e3,
        jobs.len() as f64 / through_outbox.as_secs_f64(),
        through_outbox.as_secs_f64() / reference.as_secs_f64(),
        reference.as_secs_f64() * 1e3
    );
    workspace.store().clone().close().await;
    Ok(())
}
