//! Benchmark: the audit trail as it grows. For trails of 1k, 10k and 100k entries in a real SQLite file it
//! reports the p50/p99 time to append one entry (read the head, hash, insert, move the head — inside a
//! transaction, as every workflow action does) and the time `verify` takes per entry; as ratios to the 1k
//! size and, for verify, to hashing the same canonical serialisations in memory (the floor), all measured in
//! the same run. Appending must stay flat as the trail grows. Run: `cargo bench --bench workflow`.

use std::time::{Duration, Instant};

use backdesk::api::Workspace;
use backdesk::model::InvoiceId;
use backdesk::workflow::audit::{self, canonical, hash_of, Action, NewEntry};
use chrono::{DateTime, Utc};

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];
const BATCH: usize = 1_000;
const SAMPLES: usize = 500;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn entry(i: usize) -> NewEntry {
    let detail = serde_json::json!({ "field": "total_gross", "old": format!("{i}.00"), "new": format!("{}.00", i + 1) });
    NewEntry::invoice(
        "bench",
        Action::FieldCorrected,
        InvoiceId(i as i64 % 5_000 + 1),
        detail,
    )
}

async fn grow(workspace: &Workspace, from: usize, to: usize, now: DateTime<Utc>) -> anyhow::Result<()> {
    let mut i = from;
    while i < to {
        let mut tx = workspace.store().begin("bench").await?;
        for _ in 0..BATCH.min(to - i) {
            audit::append(&mut tx, entry(i), now).await?;
            i += 1;
        }
        tx.commit().await?;
    }
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let workspace = Workspace::open(dir.path()).await?;
    let now: DateTime<Utc> = "2026-01-01T00:00:00Z".parse()?;
    let mut size = 0;
    let mut reference: Option<(Duration, f64)> = None;
    println!("entries  append p50   append p99   (x 1k)   verify/entry  (x 1k)  (x in-memory hashing)");
    for target in SIZES {
        grow(&workspace, size, target, now).await?;
        size = target;
        // append samples at this size, each in its own transaction (as an approval or correction is)
        let mut samples = Vec::with_capacity(SAMPLES);
        for s in 0..SAMPLES {
            let started = Instant::now();
            let mut tx = workspace.store().begin("bench").await?;
            audit::append(&mut tx, entry(size + s), now).await?;
            tx.commit().await?;
            samples.push(started.elapsed());
        }
        size += SAMPLES;
        samples.sort();
        let (p50, p99) = (percentile(&samples, 0.5), percentile(&samples, 0.99));

        let started = Instant::now();
        let verification = workspace.verify_audit().await?;
        let verify = started.elapsed();
        assert!(verification.ok, "the benchmark's own trail verifies");
        let entries = workspace.audit_trail(None).await?;
        let started = Instant::now();
        for e in &entries {
            std::hint::black_box(hash_of(&canonical(
                e.id,
                &e.at,
                &e.actor,
                &e.action,
                e.invoice_id,
                &e.detail,
                &e.prev_hash,
            )));
        }
        let hashing = started.elapsed();
        let per_entry = verify.as_secs_f64() / entries.len() as f64;
        let (base_p50, base_verify) = *reference.get_or_insert((p50, per_entry));
        println!(
            "{:>7}  {:>10.1?}  {:>10.1?}   {:>5.2}   {:>9.2} µs   {:>5.2}   {:>5.2}",
            entries.len(),
            p50,
            p99,
            p50.as_secs_f64() / base_p50.as_secs_f64(),
            per_entry * 1e6,
            per_entry / base_verify,
            verify.as_secs_f64() / hashing.as_secs_f64(),
        );
    }
    Ok(())
}
