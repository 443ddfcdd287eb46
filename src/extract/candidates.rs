//! Candidate values for each field: a label on a line, then the value beside it (same line, to the right) or
//! under it (the next lines, in the label's column). Each candidate carries a score from how specific its
//! label is and where the value sits; the caller picks between candidates.

use crate::formats::pdf_text::Word;

use super::dates::{date_at, DateOrder};
use super::labels::{self, Label, FILLER};
use super::layout::{overlaps, union, Line};
use super::numbers::{amounts_in, Amount};

/// What a field's value looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An identifier with at least one digit (invoice number, references).
    Id,
    Date,
    Amount,
}

/// One possible value for a field.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub value: String,
    pub page: u32,
    pub bbox: [f64; 4],
    pub score: f64,
    /// Index of the line the value is on.
    pub line: usize,
    /// The label's line and box (anchors for layout memory).
    pub label_line: usize,
    pub label_bbox: [f64; 4],
}

/// Where a value was found relative to its label.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Place {
    Right,
    Below,
}

/// Candidates for a field of `kind` named by `field_labels`.
pub fn labelled(
    lines: &[Line],
    field_labels: &'static [Label],
    kind: Kind,
    order: DateOrder,
) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        // a label of strength 0 names something else (`Account No.` is not an invoice's `No.`)
        for hit in labels::find(line, field_labels)
            .into_iter()
            .filter(|h| h.strength > 0.0)
        {
            let label_bbox = union(&line.words[hit.start..hit.end]);
            // same line, to the right of the label: up to the next label-like cell for ids and dates
            let right = right_of(line, hit.end, kind);
            let mut found = false;
            if let Some((value, range)) = read(&line.words, right.clone(), kind, order) {
                let bbox = union(&line.words[range]);
                out.push(candidate(
                    value,
                    line,
                    index,
                    bbox,
                    hit.strength,
                    Place::Right,
                    label_bbox,
                    index,
                ));
                found = true;
            }
            if found {
                continue;
            }
            // below: the next lines on the page, in the label's column
            for (offset, below) in lines.iter().enumerate().skip(index + 1).take(3) {
                if below.page != line.page {
                    break;
                }
                let distance = line.bbox()[1] - below.bbox()[3];
                if distance > line.size() * 2.5 * (offset - index) as f64 {
                    break;
                }
                let column: Vec<usize> = (0..below.words.len())
                    .filter(|i| overlaps(below.words[*i].bbox, label_bbox, 2.0))
                    .collect();
                let (Some(first), Some(last)) = (column.first(), column.last()) else {
                    continue;
                };
                // widen to the whole cells the column touches
                let start = below.cell_range(below.cell_of(*first)).start;
                let end = below.cell_range(below.cell_of(*last)).end;
                if let Some((value, range)) = read(&below.words, start..end, kind, order) {
                    let bbox = union(&below.words[range]);
                    let decay = if offset == index + 1 { 1.0 } else { 0.8 };
                    out.push(candidate(
                        value,
                        below,
                        offset,
                        bbox,
                        hit.strength * decay,
                        Place::Below,
                        label_bbox,
                        index,
                    ));
                    break;
                }
            }
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn candidate(
    value: String,
    line: &Line,
    index: usize,
    bbox: [f64; 4],
    strength: f64,
    place: Place,
    label_bbox: [f64; 4],
    label_line: usize,
) -> Candidate {
    let place_factor = match place {
        Place::Right => 1.0,
        Place::Below => 0.85,
    };
    Candidate {
        value,
        page: line.page,
        bbox,
        score: strength * place_factor,
        line: index,
        label_line,
        label_bbox,
    }
}

/// The words right of a label where its value can be: for amounts the rest of the line up to the next
/// letter-only word that starts a new cell; for ids and dates the rest of the label's cell, or else the next
/// cell.
pub fn right_of(line: &Line, from: usize, kind: Kind) -> std::ops::Range<usize> {
    let n = line.words.len();
    if from >= n {
        return n..n;
    }
    match kind {
        Kind::Amount => {
            let mut end = from;
            while end < n {
                let word = &line.words[end].text;
                let starts_cell = line.cell_starts.contains(&end) && end > from;
                let wordy = word.chars().filter(|c| c.is_alphabetic()).count() >= 4;
                let seen_amount = !amounts_in(&line.words[from..end]).is_empty();
                if starts_cell && wordy && seen_amount {
                    break;
                }
                end += 1;
            }
            from..end
        }
        Kind::Id | Kind::Date => {
            let cell = line.cell_of(from.saturating_sub(1));
            let rest = line.cell_range(cell);
            let meaningful = (from..rest.end)
                .any(|i| !is_punctuation(&line.words[i].text) && !is_filler(&line.words[i].text));
            if meaningful {
                from..rest.end
            } else {
                let next = line.cell_range(cell + 1);
                from..next.end.max(from)
            }
        }
    }
}

fn is_punctuation(text: &str) -> bool {
    labels::squash(text).is_empty()
}

fn is_filler(text: &str) -> bool {
    let squashed = labels::squash(text);
    FILLER.contains(&squashed.as_str())
}

/// Reads a value of `kind` from `words[range]`: the value and the word range it took.
pub fn read(
    words: &[Word],
    range: std::ops::Range<usize>,
    kind: Kind,
    order: DateOrder,
) -> Option<(String, std::ops::Range<usize>)> {
    if range.start >= range.end || range.end > words.len() {
        return None;
    }
    match kind {
        Kind::Date => {
            for i in range.clone().take(4) {
                if let Some((date, taken)) = date_at(&words[..range.end], i, order) {
                    return Some((date.to_string(), i..i + taken));
                }
            }
            None
        }
        Kind::Amount => {
            let slice = &words[range.clone()];
            let amounts: Vec<Amount> = amounts_in(slice)
                .into_iter()
                .filter(|a| {
                    let next = slice.get(a.end).map(|w| w.text.as_str());
                    // `Rs 1939`, `$ 120`: a whole amount is money when a currency marks it
                    let marked = a.start > 0 && super::currency::code_of(&slice[a.start - 1].text).is_some()
                        || super::currency::glued_code(&slice[a.start].text).is_some();
                    (a.has_decimals || marked) && next != Some("%")
                })
                .collect();
            let last = amounts.last()?;
            Some((
                super::money_text(last.value),
                range.start + last.start..range.start + last.end,
            ))
        }
        Kind::Id => {
            for i in range.clone().take(4) {
                let text = words[i].text.as_str();
                if is_punctuation(text) || is_filler(text) || text.starts_with('(') {
                    continue;
                }
                let value = text.trim_matches(|c: char| matches!(c, ':' | ',' | ';' | '.' | '#'));
                // a number word glued to the value: `n°562044387`, `Nr.4711`, `#INV-7`
                let value = ["n°", "nº", "no.", "nr.", "n.", "#"]
                    .iter()
                    .find_map(|p| {
                        value
                            .get(..p.len())
                            .filter(|head| head.eq_ignore_ascii_case(p))
                            .map(|_| &value[p.len()..])
                    })
                    .filter(|rest| !rest.is_empty())
                    .unwrap_or(value);
                if is_id(value) && date_at(words, i, order).is_none() {
                    // a reference printed in digit groups: `05 158 004 - 11023 - 45`
                    let mut end = i + 1;
                    if value.len() <= 5 && value.chars().all(|c| c.is_ascii_digit()) {
                        while end < range.end
                            && words[end]
                                .text
                                .chars()
                                .all(|c| c.is_ascii_digit() || c == '-' || c == '/')
                            && words[end].bbox[0] - words[end - 1].bbox[2] < words[end].size.max(1.0)
                        {
                            end += 1;
                        }
                        while end > i + 1 && !words[end - 1].text.ends_with(|c: char| c.is_ascii_digit()) {
                            end -= 1;
                        }
                    }
                    if end > i + 1 {
                        let joined = crate::extract::layout::join(&words[i..end]);
                        return Some((joined, i..end));
                    }
                    return Some((value.to_owned(), i..i + 1));
                }
                return None;
            }
            None
        }
    }
}

/// Whether a word can be an identifier: 2–40 characters, at least one digit, no amount with decimals.
pub fn is_id(value: &str) -> bool {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let len = value.chars().count();
    if !(1..=40).contains(&len) || digits == 0 {
        return false;
    }
    if value
        .chars()
        .any(|c| c.is_whitespace() || matches!(c, '€' | '$' | '£' | '%' | '@'))
    {
        return false;
    }
    // 12,50 is an amount, not a number of a document
    if let Some((_, true)) = super::numbers::parse_number(value) {
        return !(value.contains(',') || value.split('.').nth(1).is_some_and(|f| f.len() == 2));
    }
    true
}
