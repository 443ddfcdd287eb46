//! Benchmark: decision time per invoice against a real SQLite store of 1k, 10k and 100k PO lines (with
//! half as many receipt lines and twice as many past invoices, each with a PO match). For each size it
//! reports p50/p99 of the pure decision (vendor resolution, duplicates, bank, matching, routing — no I/O)
//! and, separately, of loading the invoice's evidence by key; and the ratio of each to the 1k size
//! measured in the same run. Run: `cargo bench --bench decide`.

use std::time::{Duration, Instant};

use backdesk::api::decisions::{load_evidence, Deciding, PoIndex};
use backdesk::api::Workspace;
use backdesk::decide::{decide_invoice, resolve_vendor, VendorDirectory};
use backdesk::model::extraction::{Extraction, ExtractionMethod};
use backdesk::model::invoice::{CreditTransfer, PaymentInstructions};
use backdesk::model::{DocumentType, Invoice, InvoiceLine, PoNumber, VendorId};
use backdesk::policy::Policy;
use backdesk::scenario::Rng;
use backdesk::store;
use rust_decimal::Decimal;

const VENDORS: usize = 500;
const LINES_PER_PO: usize = 4;
const SAMPLES: usize = 2_000;

struct Timings {
    decide: Vec<Duration>,
    load: Vec<Duration>,
    /// Checking whether the cached vendor directory and PO index are still current (once per document).
    fingerprint: Vec<Duration>,
    /// Parts of the load: the named PO with its receipts and invoiced sums; the vendor's past invoices.
    load_po: Vec<Duration>,
    load_history: Vec<Duration>,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn vendor_id(v: usize) -> String {
    format!("V{v:05}")
}

fn po_number(p: usize) -> String {
    format!("PO-{:07}", p + 1)
}

fn iban(v: usize) -> String {
    format!("DE{:020}", v)
}

async fn populate(workspace: &Workspace, po_lines: usize) -> anyhow::Result<()> {
    let pool = workspace.store().pool();
    let mut tx = pool.begin().await?;
    let now = "2026-01-01T00:00:00.000Z";
    for v in 0..VENDORS {
        sqlx::query(
            "INSERT INTO vendors (vendor_id, name, tax_id, iban, currency, default_account, aliases, origin, updated_at)
             VALUES (?, ?, ?, ?, 'EUR', '6300', '[]', 'import:bench', ?)",
        )
        .bind(vendor_id(v))
        .bind(format!("Bench Vendor {v} GmbH"))
        .bind(format!("DE{:09}", v))
        .bind(iban(v))
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    let pos = po_lines / LINES_PER_PO;
    for p in 0..pos {
        for l in 1..=LINES_PER_PO {
            sqlx::query(
                "INSERT INTO purchase_order_lines (po_number, line_no, vendor_id, item_code, description, quantity,
                     unit_price, currency, order_date, department, account, origin, updated_at)
                 VALUES (?, ?, ?, ?, ?, '1000', ?, 'EUR', '2025-12-01', 'Ops', '6300', 'import:bench', ?)",
            )
            .bind(po_number(p))
            .bind(l as i64)
            .bind(vendor_id(p % VENDORS))
            .bind(format!("IT-{p}-{l}"))
            .bind(format!("bench item {p} line {l}"))
            .bind(format!("{}.{:02}", 5 + (p * 7 + l) % 500, l))
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
    }
    // half the PO lines have a receipt: the first two lines of every PO
    for p in 0..pos {
        for l in 1..=2 {
            sqlx::query(
                "INSERT INTO receipts (receipt_id, po_number, line_no, quantity_received, received_date, origin, updated_at)
                 VALUES (?, ?, ?, '800', '2025-12-20', 'import:bench', ?)",
            )
            .bind(format!("GR-{p}"))
            .bind(po_number(p))
            .bind(l as i64)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
    }
    let document: i64 = sqlx::query_scalar(
        "INSERT INTO documents (path, sha256, size_bytes, state, received_at) VALUES ('bench', 'x', 0, 'processed', ?)
         RETURNING id",
    )
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    for i in 0..po_lines * 2 {
        let p = i % pos;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO invoices (document_id, status, document_type, extraction_method, vendor_id, invoice_number,
                 issue_date, currency, total_gross, iban, canonical, created_at, updated_at)
             VALUES (?, 'approved', 'invoice', 'ubl', ?, ?, ?, 'EUR', ?, ?, '{}', ?, ?) RETURNING id",
        )
        .bind(document)
        .bind(vendor_id(p % VENDORS))
        .bind(format!("H-{i:08}"))
        .bind(format!("2025-{:02}-{:02}", 1 + i % 12, 1 + i % 28))
        .bind(format!("{}.{:02}", 100 + i % 5000, i % 100))
        .bind(iban(p % VENDORS))
        .bind(now)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO invoice_matches (invoice_id, invoice_line_index, invoice_line, po_number, po_line_no, tier,
                 mode, quantity, unit_price, po_unit_price, consumes)
             VALUES (?, 0, '1', ?, ?, 'identifier', '2-way', '1', '1', '1', 1)",
        )
        .bind(id)
        .bind(po_number(p))
        .bind((1 + i % LINES_PER_PO) as i64)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// An invoice against a random PO: two of its lines at PO prices (as stored by `populate`).
fn invoice_for(rng: &mut Rng, pos: usize, n: usize) -> Invoice {
    let p = usize::try_from(rng.below(pos as u64)).unwrap_or(0);
    let v = p % VENDORS;
    let mut invoice = Invoice::empty(DocumentType::Invoice);
    invoice.number = Some(format!("B-{n:06}"));
    invoice.issue_date = "2026-02-01".parse().ok();
    invoice.currency = "EUR".parse().ok();
    invoice.seller.name = Some(format!("Bench Vendor {v} GmbH"));
    invoice.seller.vat_id = Some(format!("DE{:09}", v));
    invoice.purchase_order_reference = Some(po_number(p));
    invoice.payment = Some(PaymentInstructions {
        credit_transfers: vec![CreditTransfer {
            account_id: iban(v),
            ..Default::default()
        }],
        ..Default::default()
    });
    let mut net = Decimal::ZERO;
    for l in 1..=2 {
        let price: Decimal = format!("{}.{:02}", 5 + (p * 7 + l) % 500, l)
            .parse()
            .unwrap_or_default();
        net += price * Decimal::TWO;
        invoice.lines.push(InvoiceLine {
            id: l.to_string(),
            seller_item_id: Some(format!("IT-{p}-{l}")),
            item_name: Some(format!("bench item {p} line {l}")),
            quantity: Some(Decimal::TWO),
            net_price: Some(price),
            net_amount: Some(price * Decimal::TWO),
            ..InvoiceLine::default()
        });
    }
    invoice.totals.line_net_total = Some(net);
    invoice.totals.tax_exclusive = Some(net);
    invoice.totals.tax_inclusive = Some(net);
    invoice
}

async fn measure(po_lines: usize) -> anyhow::Result<Timings> {
    let dir = tempfile::tempdir()?;
    let workspace = Workspace::open(dir.path()).await?;
    let started = Instant::now();
    populate(&workspace, po_lines).await?;
    eprintln!(
        "  {po_lines} PO lines, {} receipt lines, {} past invoices: stored in {:.1?}",
        po_lines / 2,
        po_lines * 2,
        started.elapsed()
    );
    let pool = workspace.store().pool();
    let directory = VendorDirectory::new(store::vendors::list(pool).await?);
    let mut conn = pool.acquire().await?;
    let index = PoIndex::new(store::decisions::po_numbers(&mut conn).await?);
    let policy = Policy::default();
    let today = "2026-02-02".parse()?;
    let mut rng = Rng::new(99);
    let mut timings = Timings {
        decide: Vec::with_capacity(SAMPLES),
        load: Vec::with_capacity(SAMPLES),
        fingerprint: Vec::with_capacity(200),
        load_po: Vec::new(),
        load_history: Vec::new(),
    };
    for _ in 0..200 {
        let t = Instant::now();
        store::decisions::fingerprint(&mut conn, "vendors").await?;
        store::decisions::fingerprint(&mut conn, "purchase_order_lines").await?;
        timings.fingerprint.push(t.elapsed());
    }
    timings.fingerprint.sort();
    let mut outcomes = std::collections::BTreeMap::new();
    for n in 0..SAMPLES {
        let invoice = invoice_for(&mut rng, po_lines / LINES_PER_PO, n);
        let extraction = Extraction::from_structured("bench", ExtractionMethod::Ubl, invoice.clone());
        let t = Instant::now();
        let pre = resolve_vendor(&invoice, &directory);
        let evidence = load_evidence(&mut conn, &index, &invoice, pre.vendor_id(), Deciding::New).await?;
        timings.load.push(t.elapsed());
        let t = Instant::now();
        let resolution = resolve_vendor(&invoice, &directory);
        let decision = decide_invoice(&extraction, &invoice, &resolution, &evidence, &policy, today);
        timings.decide.push(t.elapsed());
        *outcomes.entry(decision.outcome()).or_insert(0) += 1;
    }
    eprintln!("  outcomes: {outcomes:?}");
    for n in 0..500 {
        let p = n * 37 % (po_lines / LINES_PER_PO);
        let t = Instant::now();
        store::decisions::purchase_orders(&mut conn, &[PoNumber(po_number(p))], Deciding::New).await?;
        timings.load_po.push(t.elapsed());
        let t = Instant::now();
        store::decisions::past_invoices(&mut conn, &VendorId(vendor_id(p % VENDORS)), None).await?;
        timings.load_history.push(t.elapsed());
    }
    timings.load_po.sort();
    timings.load_history.sort();
    timings.decide.sort();
    timings.load.sort();
    Ok(timings)
}

fn main() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let mut rows = Vec::new();
    for po_lines in [1_000, 10_000, 100_000] {
        let timings = runtime.block_on(measure(po_lines))?;
        rows.push((po_lines, timings));
    }
    let (_, reference) = &rows[0];
    let (ref_decide, ref_load) = (
        percentile(&reference.decide, 0.5),
        percentile(&reference.load, 0.5),
    );
    println!(
        "PO lines | decide p50 | decide p99 | ×1k p50 | load p50 | load p99 | ×1k p50 | PO part p50 | history part p50 | cache check p50"
    );
    for (po_lines, t) in &rows {
        let (d50, d99) = (percentile(&t.decide, 0.5), percentile(&t.decide, 0.99));
        let (l50, l99) = (percentile(&t.load, 0.5), percentile(&t.load, 0.99));
        println!(
            "{po_lines:>8} | {d50:>10.1?} | {d99:>10.1?} | {:>7.2} | {l50:>8.1?} | {l99:>8.1?} | {:>7.2} | {:>11.1?} | {:>16.1?} | {:>8.1?}",
            d50.as_secs_f64() / ref_decide.as_secs_f64(),
            l50.as_secs_f64() / ref_load.as_secs_f64(),
            percentile(&t.load_po, 0.5),
            percentile(&t.load_history, 0.5),
            percentile(&t.fingerprint, 0.5),
        );
    }
    Ok(())
}
