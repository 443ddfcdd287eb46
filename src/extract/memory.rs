//! Layout memory: where a vendor prints each field, learnt from one correction. A corrected value is looked
//! up on the page; the words just before it on its line (or the line above it, in its column) become its
//! anchor, and the value's box is kept as the fallback region. The next document of that vendor reads the
//! field beside the same anchor first, else in the same region, before any generic rule.

use serde::{Deserialize, Serialize};

use crate::formats::pdf_text::{PdfText, Word};
use crate::model::extraction::Extraction;

use super::candidates::{read, right_of, Candidate, Kind};
use super::dates::{date_at, DateOrder};
use super::labels::squash;
use super::layout::{self, overlaps, union, Line};
use super::numbers::amounts_in;

/// Where one field sits on a vendor's documents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldLayout {
    pub field: String,
    /// The anchor words, squashed (`rechnungsnr`); empty when the value had no words before or above it.
    pub anchor: String,
    /// Whether the value is right of the anchor on its line (else under it).
    pub beside: bool,
    /// 1-based page and the value's box there (the fallback region).
    pub page: u32,
    pub region: [f64; 4],
}

/// A vendor's learnt layout: the key it is found by and its fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VendorLayout {
    /// `vat:DE123456789`, `iban:…` or `name:lieferant gmbh`.
    pub vendor_key: String,
    pub fields: Vec<FieldLayout>,
}

/// The keys a document's vendor can be remembered by, strongest first: its VAT id, its IBAN, its name.
pub fn vendor_keys(extraction: &Extraction) -> Vec<String> {
    let get = |f: &str| extraction.fields.get(f).map(|v| v.value.clone());
    [
        get("seller_vat_id").map(|v| format!("vat:{v}")),
        get("iban").map(|v| format!("iban:{v}")),
        get("seller_name").map(|v| format!("name:{}", v.to_lowercase())),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The key a document's vendor is remembered by (the strongest of [`vendor_keys`]).
pub fn vendor_key(extraction: &Extraction) -> Option<String> {
    vendor_keys(extraction).into_iter().next()
}

/// What a field's value looks like, for reading it at a learnt place.
pub fn kind_of(field: &str) -> Option<Kind> {
    match field {
        "issue_date" | "due_date" => Some(Kind::Date),
        "total_net" | "total_tax" | "total_gross" | "amount_due" => Some(Kind::Amount),
        "invoice_number" | "buyer_reference" | "purchase_order_reference" => Some(Kind::Id),
        _ => None,
    }
}

/// Finds where the corrected `value` of `field` is printed and learns its anchor; `None` when the value is not
/// on the page as printed text (then there is nothing to learn from).
pub fn learn(text: &PdfText, field: &str, value: &str) -> Option<FieldLayout> {
    let lines = layout::lines(text);
    let (index, start, end) = locate(&lines, field, value)?;
    let line = &lines[index];
    let bbox = union(&line.words[start..end]);
    // the words before the value in its cell, else in the previous cell: its label
    let cell = line.cell_of(start);
    let mut anchor_start = line.cell_range(cell).start;
    if anchor_start == start && cell > 0 {
        anchor_start = line.cell_range(cell - 1).start;
    }
    let anchor_words: Vec<&Word> = line.words[anchor_start..start]
        .iter()
        .rev()
        .take(3)
        .rev()
        .collect();
    let anchor: String = anchor_words.iter().map(|w| squash(&w.text)).collect();
    if !anchor.is_empty() && anchor.chars().any(char::is_alphabetic) {
        return Some(FieldLayout {
            field: field.to_owned(),
            anchor,
            beside: true,
            page: line.page,
            region: bbox,
        });
    }
    // else the words above it, in its column
    let above = lines[..index]
        .iter()
        .rev()
        .take(2)
        .filter(|l| l.page == line.page)
        .find_map(|l| {
            let words: Vec<&Word> = l.words.iter().filter(|w| overlaps(w.bbox, bbox, 2.0)).collect();
            (!words.is_empty()).then(|| words.iter().map(|w| squash(&w.text)).collect::<String>())
        })
        .filter(|a| a.chars().any(char::is_alphabetic))
        .unwrap_or_default();
    Some(FieldLayout {
        field: field.to_owned(),
        anchor: above,
        beside: false,
        page: line.page,
        region: bbox,
    })
}

/// The line and word range where `value` is printed.
fn locate(lines: &[Line], field: &str, value: &str) -> Option<(usize, usize, usize)> {
    let kind = kind_of(field);
    for order in [DateOrder::DayFirst, DateOrder::MonthFirst] {
        for (index, line) in lines.iter().enumerate() {
            match kind {
                Some(Kind::Amount) => {
                    let wanted: rust_decimal::Decimal = value.parse().ok()?;
                    if let Some(a) = amounts_in(&line.words).into_iter().find(|a| a.value == wanted) {
                        return Some((index, a.start, a.end));
                    }
                }
                Some(Kind::Date) => {
                    for i in 0..line.words.len() {
                        if let Some((date, taken)) = date_at(&line.words, i, order) {
                            if date.to_string() == value {
                                return Some((index, i, i + taken));
                            }
                        }
                    }
                }
                _ => {
                    let wanted = squash(value);
                    if wanted.is_empty() {
                        return None;
                    }
                    for i in 0..line.words.len() {
                        let mut joined = String::new();
                        for j in i..line.words.len() {
                            joined.push_str(&squash(&line.words[j].text));
                            if joined == wanted {
                                return Some((index, i, j + 1));
                            }
                            if !wanted.starts_with(&joined) {
                                break;
                            }
                        }
                    }
                }
            }
        }
    }
    None
}

/// Candidates for the learnt fields of a vendor, scored above every generic rule.
pub fn candidates(lines: &[Line], layout: &FieldLayout, order: DateOrder) -> Vec<Candidate> {
    const LEARNT: f64 = 1.5;
    let mut out = Vec::new();
    let kind = kind_of(&layout.field);
    if !layout.anchor.is_empty() {
        for (index, line) in lines.iter().enumerate() {
            let Some((start, end)) = find_anchor(line, &layout.anchor) else {
                continue;
            };
            let found = if layout.beside {
                let range = match kind {
                    Some(kind) => right_of(line, end, kind),
                    None => {
                        end..line
                            .cell_range(line.cell_of(end.min(line.words.len().saturating_sub(1))))
                            .end
                    }
                };
                read_value(&layout.field, &line.words, range, kind, order)
                    .map(|(v, r)| (index, v, union(&line.words[r])))
            } else {
                let anchor_box = union(&line.words[start..end]);
                lines
                    .get(index + 1)
                    .filter(|l| l.page == line.page)
                    .and_then(|below| {
                        let cols: Vec<usize> = (0..below.words.len())
                            .filter(|i| overlaps(below.words[*i].bbox, anchor_box, 2.0))
                            .collect();
                        let (first, last) = (*cols.first()?, *cols.last()?);
                        read_value(&layout.field, &below.words, first..last + 1, kind, order)
                            .map(|(v, r)| (index + 1, v, union(&below.words[r])))
                    })
            };
            if let Some((at, value, bbox)) = found {
                out.push(Candidate {
                    value,
                    page: lines[at].page,
                    bbox,
                    score: LEARNT,
                    line: at,
                    label_line: index,
                    label_bbox: bbox,
                });
            }
        }
    }
    if out.is_empty() {
        // the same region of the same page
        for (index, line) in lines.iter().enumerate().filter(|(_, l)| l.page == layout.page) {
            let inside: Vec<usize> = (0..line.words.len())
                .filter(|i| {
                    let b = line.words[*i].bbox;
                    let (cx, cy) = ((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0);
                    cx >= layout.region[0] - 6.0
                        && cx <= layout.region[2] + 6.0
                        && cy >= layout.region[1] - 4.0
                        && cy <= layout.region[3] + 4.0
                })
                .collect();
            if let (Some(first), Some(last)) = (inside.first(), inside.last()) {
                if let Some((value, r)) =
                    read_value(&layout.field, &line.words, *first..*last + 1, kind, order)
                {
                    out.push(Candidate {
                        value,
                        page: line.page,
                        bbox: union(&line.words[r]),
                        score: LEARNT - 0.2,
                        line: index,
                        label_line: index,
                        label_bbox: layout.region,
                    });
                }
            }
        }
    }
    out
}

fn read_value(
    field: &str,
    words: &[Word],
    range: std::ops::Range<usize>,
    kind: Option<Kind>,
    order: DateOrder,
) -> Option<(String, std::ops::Range<usize>)> {
    match kind {
        Some(kind) => read(words, range, kind, order),
        None => {
            let range = range.start..range.end.min(words.len());
            if range.is_empty() {
                return None;
            }
            let mut text = layout::join(&words[range.clone()]);
            if matches!(field, "iban" | "seller_vat_id") {
                text = text
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .collect::<String>()
                    .to_ascii_uppercase();
            }
            text = text
                .trim_matches(|c: char| matches!(c, ':' | ',' | ';' | '-' | ' '))
                .to_owned();
            (!text.is_empty()).then_some((text, range))
        }
    }
}

/// The word range on `line` whose squashed words make `anchor`.
fn find_anchor(line: &Line, anchor: &str) -> Option<(usize, usize)> {
    for i in 0..line.words.len() {
        let mut joined = String::new();
        for j in i..line.words.len().min(i + 6) {
            joined.push_str(&squash(&line.words[j].text));
            if joined == anchor {
                return Some((i, j + 1));
            }
            if !anchor.starts_with(&joined) {
                break;
            }
        }
    }
    None
}
