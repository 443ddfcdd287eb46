//! Validation throughput against the reference validator, measured in the same run on the same files.
//!
//! Ours: parse (safely) + run the official EN 16931 rules on every whole invoice XML of the corpora, several
//! rounds, per-invoice time. The oracle (`shared/tools/en16931-oracle`, Saxon over the official XSLT), when
//! its Python environment exists (`ORACLE_PYTHON`, default `/work/wt/venv/bin/python`): timed on 1 file and
//! on all N files, so (t(N) - t(1)) / (N - 1) is its warm per-invoice time without start-up. Prints both and
//! the ratio; also ours on the oracle's own work (the EN 16931 rules on every file, no XRechnung rules), and
//! ours on every core at once, as intake reads a batch (a throughput, beside the one-core figures).
//! Ours and the oracle are run alternately `BENCH_REPEATS` times (default 3) and each figure is the least
//! of its runs: on a shared machine a neighbour's load lands in some runs, not in all, on either side.
//! `cargo bench --bench validate`

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn corpora() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora")
}

/// The whole invoice XMLs, as `scripts/oracle-record.sh` chooses them.
fn whole_files() -> Vec<PathBuf> {
    let root = corpora();
    let mut files = Vec::new();
    let mut pending = vec![root.clone()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let rel = path
                .strip_prefix(&root)
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            let skipped = [
                "schematron/",
                "xslt/",
                "schema/",
                "Invoice-unit-UBL",
                "CreditNote-unit-UBL",
                "test/cii",
            ]
            .iter()
            .any(|s| rel.contains(s));
            if path.is_dir() {
                if !skipped {
                    pending.push(path);
                }
            } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xml")) && !skipped {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn ours(texts: &[String], rounds: usize) -> (Duration, usize) {
    let mut fired = 0;
    let start = Instant::now();
    for _ in 0..rounds {
        for text in texts {
            // the parse the rules need: attachment payloads cut (`rules::RulesText`)
            let lean = backdesk::rules::RulesText::new(text);
            let doc = match lean.parse() {
                Ok(doc) => doc,
                Err(e) => panic!("a corpus file does not parse: {e}"),
            };
            fired += backdesk::rules::validate(&doc).fatal.len();
        }
    }
    (start.elapsed() / (rounds * texts.len()) as u32, fired)
}

/// The oracle's own work: parse + the official EN 16931 rules on every file, whatever its profile, and no
/// XRechnung rules (`rules::run_official_rules`; `rules::validate` skips MINIMUM/BASIC-WL documents and
/// adds the XRechnung CIUS rules on XRechnung ones).
fn ours_official_only(texts: &[String], rounds: usize) -> Duration {
    let start = Instant::now();
    for _ in 0..rounds {
        for text in texts {
            let lean = backdesk::rules::RulesText::new(text);
            let doc = lean
                .parse()
                .unwrap_or_else(|e| panic!("a corpus file does not parse: {e}"));
            std::hint::black_box(backdesk::rules::run_official_rules(&doc));
        }
    }
    start.elapsed() / (rounds * texts.len()) as u32
}

/// Parse + rules as [`ours`], on every core at once the way intake reads documents (one per
/// `backdesk::api::worker_count()` worker, each taking the next file): the throughput a batch of e-invoices
/// gets, as time per invoice, and the number of workers.
fn ours_all_cores(texts: &[String], rounds: usize) -> (Duration, usize) {
    let workers = backdesk::api::worker_count();
    let start = Instant::now();
    for _ in 0..rounds {
        let next = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| {
                    while let Some(text) = texts.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
                    {
                        let lean = backdesk::rules::RulesText::new(text);
                        let doc = lean
                            .parse()
                            .unwrap_or_else(|e| panic!("a corpus file does not parse: {e}"));
                        std::hint::black_box(backdesk::rules::validate(&doc));
                    }
                });
            }
        });
    }
    (start.elapsed() / (rounds * texts.len()) as u32, workers)
}

/// Rules only, on documents parsed beforehand (what the pipeline pays: the reader has parsed the XML).
fn ours_rules_only(texts: &[String], rounds: usize) -> Duration {
    let docs: Vec<backdesk::rules::tree::Document<'_>> = texts
        .iter()
        .map(|t| {
            backdesk::rules::tree::parse_for_rules(t)
                .unwrap_or_else(|e| panic!("a corpus file does not parse: {e}"))
        })
        .collect();
    let start = Instant::now();
    for _ in 0..rounds {
        for doc in &docs {
            std::hint::black_box(backdesk::rules::validate(doc));
        }
    }
    start.elapsed() / (rounds * docs.len()) as u32
}

/// Parsing only, to split parse + rules: the whole text (`formats::xml::parse_safely`, what a reader
/// pays), the rules' lean parse (`rules::RulesText`, attachment payloads cut, read by `rules::tree`) and,
/// as the reference in the same run, roxmltree (`parse_safely`) on the same lean texts.
fn ours_parse_only(texts: &[String], rounds: usize) -> (Duration, Duration, Duration) {
    let start = Instant::now();
    for _ in 0..rounds {
        for text in texts {
            let _ = std::hint::black_box(backdesk::formats::xml::parse_safely(text));
        }
    }
    let whole = start.elapsed() / (rounds * texts.len()) as u32;
    let start = Instant::now();
    for _ in 0..rounds {
        for text in texts {
            let lean = backdesk::rules::RulesText::new(text);
            let _ = std::hint::black_box(lean.parse().is_ok());
        }
    }
    let lean = start.elapsed() / (rounds * texts.len()) as u32;
    let start = Instant::now();
    for _ in 0..rounds {
        for text in texts {
            let lean = backdesk::rules::RulesText::new(text);
            let _ = std::hint::black_box(backdesk::formats::xml::parse_safely(&lean.text()).is_ok());
        }
    }
    (whole, lean, start.elapsed() / (rounds * texts.len()) as u32)
}

/// The per-document name index alone (`rules::xpath::index::DocIndex`, which `rules::validate` builds once
/// per document for the EN 16931 and XRechnung runs), on the rules' lean parse of every file.
fn ours_index_only(texts: &[String], rounds: usize) -> Duration {
    let leans: Vec<_> = texts.iter().map(|t| backdesk::rules::RulesText::new(t)).collect();
    let docs: Vec<_> = leans.iter().filter_map(|l| l.parse().ok()).collect();
    let start = Instant::now();
    for _ in 0..rounds {
        for doc in &docs {
            std::hint::black_box(backdesk::rules::xpath::index::DocIndex::new(doc));
        }
    }
    start.elapsed() / (rounds * docs.len()) as u32
}

/// With `BENCH_PROFILE=1`: the checks (and the engine's own stages) that take the most time over all files,
/// each the least over 5 rounds (a busy machine's pauses land in one round, not in all).
fn profile(texts: &[String]) {
    let docs: Vec<backdesk::rules::tree::Document<'_>> = texts
        .iter()
        .filter_map(|t| backdesk::rules::tree::parse_for_rules(t).ok())
        .collect();
    let mut least: std::collections::HashMap<String, Duration> = std::collections::HashMap::new();
    for round in 0..5 {
        let mut costs = std::collections::HashMap::new();
        for doc in &docs {
            let schema = backdesk::rules::Syntax::of(doc).and_then(backdesk::rules::official_schema);
            if let Some(schema) = schema {
                let _ = schema.run_profiled(doc, &mut costs);
            }
        }
        for (id, cost) in costs {
            let entry = least.entry(id).or_insert(cost);
            if round > 0 {
                *entry = (*entry).min(cost);
            }
        }
    }
    let total: Duration = least.values().sum();
    let mut costs: Vec<_> = least.into_iter().collect();
    costs.sort_by_key(|c| std::cmp::Reverse(c.1));
    println!(
        "profile: {:?} per invoice over {} files; the costliest:",
        total / docs.len() as u32,
        docs.len()
    );
    for (id, cost) in costs.iter().take(30) {
        println!(
            "  {id:<24} {:>6.1}%  {:?} per invoice",
            100.0 * cost.as_secs_f64() / total.as_secs_f64(),
            *cost / docs.len() as u32
        );
    }
}

/// One run of every measurement of ours (per invoice unless said otherwise).
struct Measured {
    per_invoice: Duration,
    fired: usize,
    rules_only: Duration,
    official_only: Duration,
    all_cores: Duration,
    workers: usize,
    parse_whole: Duration,
    parse_lean: Duration,
    parse_lean_roxmltree: Duration,
    index_only: Duration,
}

impl Measured {
    fn take(texts: &[String], rounds: usize) -> Self {
        let (per_invoice, fired) = ours(texts, rounds);
        let rules_only = ours_rules_only(texts, rounds);
        let official_only = ours_official_only(texts, rounds);
        let (all_cores, workers) = ours_all_cores(texts, rounds);
        let (parse_whole, parse_lean, parse_lean_roxmltree) = ours_parse_only(texts, rounds);
        let index_only = ours_index_only(texts, rounds);
        Self {
            per_invoice,
            fired,
            rules_only,
            official_only,
            all_cores,
            workers,
            parse_whole,
            parse_lean,
            parse_lean_roxmltree,
            index_only,
        }
    }

    /// Each figure the least of the two runs.
    fn least(&self, other: &Self) -> Self {
        Self {
            per_invoice: self.per_invoice.min(other.per_invoice),
            fired: self.fired,
            rules_only: self.rules_only.min(other.rules_only),
            official_only: self.official_only.min(other.official_only),
            all_cores: self.all_cores.min(other.all_cores),
            workers: self.workers,
            parse_whole: self.parse_whole.min(other.parse_whole),
            parse_lean: self.parse_lean.min(other.parse_lean),
            parse_lean_roxmltree: self.parse_lean_roxmltree.min(other.parse_lean_roxmltree),
            index_only: self.index_only.min(other.index_only),
        }
    }
}

fn time_oracle(python: &Path, files: &[PathBuf]) -> Option<Duration> {
    let oracle = corpora().join("../tools/en16931-oracle");
    let start = Instant::now();
    let out = Command::new(python)
        .arg(oracle)
        .arg("validate")
        .args(files)
        .output()
        .ok()?;
    out.status.success().then(|| start.elapsed())
}

fn main() {
    let files = whole_files();
    assert!(!files.is_empty(), "no corpus files at {}", corpora().display());
    let texts: Vec<String> = files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            text.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(text)
        })
        .collect();
    // warm up: the rules compile once (OnceLock), and caches settle
    let (load, _) = {
        let start = Instant::now();
        let _ = ours(&texts[..1], 1);
        (start.elapsed(), ())
    };
    // BENCH_ROUNDS=1 for a quick run (e.g. under callgrind, which counts instructions despite a busy machine)
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(20);
    let repeats: usize = std::env::var("BENCH_REPEATS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3)
        .max(1);
    let python = std::env::var_os("ORACLE_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/work/wt/venv/bin/python"));
    let oracle_exists = python.exists();
    // the oracle's two runs (1 file, all files) after each of ours; `None` when it has no environment or
    // a run failed
    let time_both = || {
        let one = time_oracle(&python, &files[..1])?;
        Some((one, time_oracle(&python, &files)?))
    };
    let mut mine = Measured::take(&texts, rounds);
    let mut oracle = if oracle_exists { time_both() } else { None };
    for _ in 1..repeats {
        mine = mine.least(&Measured::take(&texts, rounds));
        oracle = oracle.and_then(|(one, all)| time_both().map(|(o, a)| (one.min(o), all.min(a))));
    }
    let (per_invoice, fired, rules_only) = (mine.per_invoice, mine.fired, mine.rules_only);
    let (official_only, all_cores, workers) = (mine.official_only, mine.all_cores, mine.workers);
    let (parse_whole, parse_lean) = (mine.parse_whole, mine.parse_lean);
    let (parse_lean_roxmltree, index_only) = (mine.parse_lean_roxmltree, mine.index_only);
    println!("corpus: {} whole invoice XMLs", files.len());
    for syntax in [backdesk::rules::Syntax::Ubl, backdesk::rules::Syntax::Cii] {
        if let Some(schema) = backdesk::rules::official_schema(syntax) {
            let (full, all, share) = schema.compiled_share();
            println!(
                "compiled share ({syntax:?}): {full}/{all} tests fully compiled; {} compiled nodes, {} left to the interpreter; {} shared sub-expressions",
                share.compiled, share.interpreted, schema.shared_subexpressions()
            );
        }
    }
    println!(
        "ours, parsing only: whole text {parse_whole:?}, the rules' lean parse {parse_lean:?} per invoice \
         (roxmltree on the same lean texts: {parse_lean_roxmltree:?}, {:.2}x ours)",
        parse_lean_roxmltree.as_secs_f64() / parse_lean.as_secs_f64()
    );
    println!("ours, the document index only: {index_only:?} per build (one per validated document)");
    if std::env::var_os("BENCH_PROFILE").is_some() {
        profile(&texts);
    }
    println!("ours, rules only (document already parsed): {rules_only:?} per invoice");
    println!("ours: first call incl. compiling the rules {load:?}; {per_invoice:?} per invoice ({rounds} rounds, the least of {repeats} runs; {} fatal violations per round)", fired / rounds);
    println!("ours, the oracle's rule set (parse + EN 16931 rules on every file, no XRechnung rules): {official_only:?} per invoice");
    println!("ours, parse + rules on {workers} workers at once (as intake reads a batch): {all_cores:?} per invoice");

    if !oracle_exists {
        println!(
            "oracle: no Python environment at {} (set ORACLE_PYTHON); ratio not measured",
            python.display()
        );
        return;
    }
    let Some((one, all)) = oracle else {
        println!("oracle: the run failed; ratio not measured");
        return;
    };
    let oracle_per_invoice = (all.saturating_sub(one)) / (files.len() - 1) as u32;
    println!(
        "oracle: 1 file {one:?}, {} files {all:?} => warm {oracle_per_invoice:?} per invoice (each the least of {repeats} runs, alternated with ours)",
        files.len()
    );
    let ratio = oracle_per_invoice.as_secs_f64() / per_invoice.as_secs_f64();
    println!("ratio: parse + rules is {ratio:.0}x the oracle's warm per-invoice rate (target >= 100x)");
    let ratio = oracle_per_invoice.as_secs_f64() / rules_only.as_secs_f64();
    println!("ratio: rules only is {ratio:.0}x the oracle's warm per-invoice rate");
    let ratio = oracle_per_invoice.as_secs_f64() / official_only.as_secs_f64();
    println!("ratio: parse + the oracle's rule set is {ratio:.0}x the oracle's warm per-invoice rate");
    let ratio = oracle_per_invoice.as_secs_f64() / all_cores.as_secs_f64();
    println!(
        "ratio: parse + rules on {workers} workers is {ratio:.0}x the oracle's warm per-invoice rate on one \
         (a batch's throughput; the figures above are one core's)"
    );
}
