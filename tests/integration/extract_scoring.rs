//! Scoring visual extraction against ground truth: the corpora's expected values, the comparison rules and
//! the tables the accuracy, scan and learning reports print. Shared with `benches/extract.rs`.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use backdesk::model::extraction::Extraction;
use rust_decimal::Decimal;

/// The header fields scored (contracts/extraction.md).
pub const HEADER_FIELDS: &[&str] = &[
    "invoice_number",
    "type_code",
    "issue_date",
    "due_date",
    "currency",
    "seller_name",
    "seller_vat_id",
    "buyer_name",
    "buyer_reference",
    "purchase_order_reference",
    "iban",
    "total_net",
    "total_tax",
    "total_gross",
    "amount_due",
];

/// The corpora's root (`../shared/corpora` beside the repository).
pub fn corpora() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
    assert!(dir.is_dir(), "the corpora are missing at {}", dir.display());
    dir
}

/// One document with its expected values.
#[derive(Debug, Clone)]
pub struct Case {
    pub corpus: &'static str,
    pub pdf: PathBuf,
    pub name: String,
    /// Expected header values; `None` where the ground truth says the field is absent, missing keys are
    /// not scored (invoice2data's expectations do not state every field).
    pub fields: BTreeMap<String, Option<String>>,
    pub lines: Vec<BTreeMap<String, String>>,
    /// The vendor the document is from (for the learning measurement): the expected seller name.
    pub vendor: Option<String>,
}

/// The held-out split: documents never looked at while writing the extraction rules (the symtrax renderings
/// and the invoice2data vendors); the rest is the development split.
pub fn held_out(case: &Case) -> bool {
    case.corpus == "invoice2data" || case.name.contains("symtrax")
}

fn string_of(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `pdf-visual/*.pdf` with the `*.json` beside each.
pub fn pdf_visual() -> Vec<Case> {
    let dir = corpora().join("pdf-visual");
    let mut out = Vec::new();
    for pdf in sorted_pdfs(&dir) {
        let truth: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(pdf.with_extension("json")).unwrap()).unwrap();
        let fields = HEADER_FIELDS
            .iter()
            .map(|f| ((*f).to_owned(), string_of(&truth[*f])))
            .collect();
        let lines = truth["lines"]
            .as_array()
            .map(|lines| {
                lines
                    .iter()
                    .map(|l| {
                        ["description", "quantity", "unit_price", "net_amount"]
                            .iter()
                            .filter_map(|k| string_of(&l[*k]).map(|v| ((*k).to_owned(), v)))
                            .collect()
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.push(Case {
            corpus: "pdf-visual",
            name: pdf.file_name().unwrap().to_string_lossy().into_owned(),
            vendor: string_of(&truth["seller_name"]),
            pdf,
            fields,
            lines,
        });
    }
    out
}

/// invoice2data's result keys and the contract's field each one is scored as (for its expected JSON and for
/// its own output alike). The seller's name is its `partner_name`, the name as the document prints it; its
/// `issuer` is the template's own label for the vendor, a constant written by the template's author (`Free`
/// for "Free SAS", `Sammy Maystone - For Lines testing`), not something read from the page, so it is not
/// scored (it names the vendor for the learning measurement only).
pub const INVOICE2DATA_FIELDS: &[(&str, &str)] = &[
    ("invoice_number", "invoice_number"),
    ("date", "issue_date"),
    ("date_due", "due_date"),
    ("currency", "currency"),
    ("partner_name", "seller_name"),
    ("vat", "seller_vat_id"),
    ("iban", "iban"),
    ("amount_untaxed", "total_net"),
    ("amount_tax", "total_tax"),
    ("amount", "total_gross"),
];

/// invoice2data's line keys and the contract's line field each one is scored as.
pub const INVOICE2DATA_LINE_FIELDS: &[(&str, &str)] = &[
    ("name", "description"),
    ("qty", "quantity"),
    ("price_unit", "unit_price"),
    ("price_subtotal", "net_amount"),
];

/// `invoice2data/compare/*.pdf` with invoice2data's expected JSON, its keys mapped to the contract's
/// ([`INVOICE2DATA_FIELDS`]).
pub fn invoice2data() -> Vec<Case> {
    let dir = corpora().join("invoice2data/compare");
    let mapping = INVOICE2DATA_FIELDS;
    let mut out = Vec::new();
    for pdf in sorted_pdfs(&dir) {
        let truth: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(pdf.with_extension("json")).unwrap()).unwrap();
        let truth = &truth[0];
        let fields = mapping
            .iter()
            .filter(|(from, _)| truth.get(*from).is_some())
            .map(|(from, to)| ((*to).to_owned(), string_of(&truth[*from])))
            .collect();
        let lines = truth["lines"]
            .as_array()
            .map(|lines| {
                lines
                    .iter()
                    .filter(|l| l.get("price_subtotal").is_some())
                    .map(|l| {
                        INVOICE2DATA_LINE_FIELDS
                            .iter()
                            .filter_map(|(from, to)| string_of(&l[*from]).map(|v| ((*to).to_owned(), v)))
                            .collect()
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.push(Case {
            corpus: "invoice2data",
            name: pdf.file_name().unwrap().to_string_lossy().into_owned(),
            vendor: string_of(&truth["issuer"]),
            pdf,
            fields,
            lines,
        });
    }
    out
}

fn sorted_pdfs(dir: &Path) -> Vec<PathBuf> {
    let mut pdfs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    pdfs.sort();
    pdfs
}

/// Whether an extracted value equals the expected one: amounts numerically, ids without spaces and case,
/// names and references with spacing and case ignored.
pub fn same(field: &str, expected: &str, got: &str) -> bool {
    if matches!(
        field,
        "total_net" | "total_tax" | "total_gross" | "amount_due" | "quantity" | "unit_price" | "net_amount"
    ) {
        return match (expected.parse::<Decimal>(), got.parse::<Decimal>()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
    }
    if field == "invoice_number" {
        // `#4711` and `4711` are the same number: the `#` is the label's mark (invoice2data's expected
        // values keep it where its template's regex captured it)
        let bare = |s: &str| s.trim().trim_start_matches('#').trim().to_lowercase();
        return bare(expected) == bare(got);
    }
    let squash = |s: &str| -> String {
        if matches!(field, "iban" | "seller_vat_id") {
            s.chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_uppercase()
        } else {
            s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
        }
    };
    squash(expected) == squash(got)
}

/// Counts for one field: right, wrong or missed (expected present), and spurious (expected absent).
#[derive(Debug, Clone, Copy, Default)]
pub struct Tally {
    pub right: u32,
    pub expected: u32,
    pub spurious: u32,
}

/// Per-field tallies, line tallies and the confidence of every reported value with whether it was right.
#[derive(Debug, Default)]
pub struct Report {
    pub fields: BTreeMap<String, Tally>,
    pub lines: BTreeMap<String, Tally>,
    pub reported: Vec<(f64, bool)>,
    pub mistakes: Vec<String>,
}

impl Report {
    /// Scores one extraction against its case.
    pub fn add(&mut self, case: &Case, extraction: &Extraction) {
        for (field, expected) in &case.fields {
            let got = extraction.fields.get(field);
            let tally = self.fields.entry(field.clone()).or_default();
            match (expected, got) {
                (Some(expected), Some(got)) => {
                    tally.expected += 1;
                    let right = same(field, expected, &got.value);
                    if right {
                        tally.right += 1;
                    } else {
                        self.mistakes.push(format!(
                            "{} {field}: expected {expected:?}, got {:?}",
                            case.name, got.value
                        ));
                    }
                    self.reported.push((got.confidence, right));
                }
                (Some(expected), None) => {
                    tally.expected += 1;
                    self.mistakes.push(format!(
                        "{} {field}: expected {expected:?}, got nothing",
                        case.name
                    ));
                }
                (None, Some(got)) => {
                    tally.spurious += 1;
                    self.reported.push((got.confidence, false));
                }
                (None, None) => {}
            }
        }
        self.add_lines(case, extraction);
    }

    fn add_lines(&mut self, case: &Case, extraction: &Extraction) {
        let mut used = vec![false; extraction.lines.len()];
        for expected in &case.lines {
            let whole = self.lines.entry("whole line".to_owned()).or_default();
            whole.expected += 1;
            // the extracted line that agrees on most fields
            let best = extraction
                .lines
                .iter()
                .enumerate()
                .filter(|(i, _)| !used[*i])
                .max_by_key(|(_, got)| {
                    expected
                        .iter()
                        .filter(|(k, v)| got.get(*k).is_some_and(|g| line_same(k, v, &g.value)))
                        .count()
                });
            let Some((index, got)) = best else {
                self.mistakes
                    .push(format!("{} line: expected {expected:?}, got no line", case.name));
                for field in expected.keys() {
                    self.lines.entry(field.clone()).or_default().expected += 1;
                }
                continue;
            };
            used[index] = true;
            let mut all = true;
            for (field, value) in expected {
                let tally = self.lines.entry(field.clone()).or_default();
                tally.expected += 1;
                let right = got.get(field).is_some_and(|g| line_same(field, value, &g.value));
                if let Some(g) = got.get(field) {
                    self.reported.push((g.confidence, right));
                }
                if right {
                    tally.right += 1;
                } else {
                    all = false;
                }
            }
            if all {
                self.lines.entry("whole line".to_owned()).or_default().right += 1;
            } else {
                let got: BTreeMap<&String, &String> = got.iter().map(|(k, v)| (k, &v.value)).collect();
                self.mistakes
                    .push(format!("{} line: expected {expected:?}, got {got:?}", case.name));
            }
        }
        // a document whose ground truth states no lines (a profile without lines: MINIMUM, BASIC WL) may
        // print a table all the same: its lines cannot be judged, so they are not counted as spurious
        if case.lines.is_empty() {
            return;
        }
        for (got, _) in extraction.lines.iter().zip(&used).filter(|(_, u)| !**u) {
            let got: BTreeMap<&String, &String> = got.iter().map(|(k, v)| (k, &v.value)).collect();
            self.mistakes
                .push(format!("{} line: spurious, got {got:?}", case.name));
        }
        let whole = self.lines.entry("whole line".to_owned()).or_default();
        whole.spurious += used.iter().filter(|u| !**u).count() as u32;
    }

    /// Header accuracy over all fields with an expected value.
    pub fn header_accuracy(&self) -> f64 {
        let (right, expected) = self
            .fields
            .values()
            .fold((0, 0), |(r, e), t| (r + t.right, e + t.expected));
        f64::from(right) / f64::from(expected.max(1))
    }

    /// Share of whole lines right.
    pub fn line_accuracy(&self) -> f64 {
        self.lines
            .get("whole line")
            .map_or(0.0, |t| f64::from(t.right) / f64::from(t.expected.max(1)))
    }

    /// Among values reported at ≥ `threshold`, the share that was right (and how many there were).
    pub fn precision_at(&self, threshold: f64) -> (f64, usize) {
        let above: Vec<bool> = self
            .reported
            .iter()
            .filter(|(c, _)| *c >= threshold)
            .map(|(_, r)| *r)
            .collect();
        let right = above.iter().filter(|r| **r).count();
        (right as f64 / above.len().max(1) as f64, above.len())
    }

    /// The per-field table, the line table and the calibration table.
    pub fn table(&self, title: &str) -> String {
        let mut out = format!(
            "\n## {title}\n| field | right / expected | accuracy | spurious |\n| --- | --- | --- | --- |\n"
        );
        for (field, t) in &self.fields {
            out.push_str(&format!(
                "| {field} | {} / {} | {:.1}% | {} |\n",
                t.right,
                t.expected,
                100.0 * f64::from(t.right) / f64::from(t.expected.max(1)),
                t.spurious
            ));
        }
        out.push_str(&format!(
            "| **header, all fields** | | **{:.1}%** | |\n",
            100.0 * self.header_accuracy()
        ));
        for (field, t) in &self.lines {
            out.push_str(&format!(
                "| line {field} | {} / {} | {:.1}% | {} |\n",
                t.right,
                t.expected,
                100.0 * f64::from(t.right) / f64::from(t.expected.max(1)),
                t.spurious
            ));
        }
        out.push_str("\n| reported confidence | values | right |\n| --- | --- | --- |\n");
        let mut levels: BTreeMap<u32, (usize, usize)> = BTreeMap::new();
        for (confidence, right) in &self.reported {
            let level = levels.entry((confidence * 100.0).round() as u32).or_default();
            level.0 += 1;
            level.1 += usize::from(*right);
        }
        for (level, (n, right)) in &levels {
            out.push_str(&format!(
                "| {:.2} | {n} | {:.1}% |\n",
                f64::from(*level) / 100.0,
                100.0 * *right as f64 / (*n).max(1) as f64
            ));
        }
        let (precision, n) = self.precision_at(0.9);
        out.push_str(&format!("| **≥ 0.90** | {n} | **{:.1}%** |\n", 100.0 * precision));
        out
    }
}

fn line_same(field: &str, expected: &str, got: &str) -> bool {
    if field == "description" {
        // the first line of the description (continuation lines are printed differently by each layout)
        let first = expected.lines().next().unwrap_or(expected);
        let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        return norm(got).contains(&norm(first));
    }
    same(field, expected, got)
}
