//! Line items: a table is found by its header row (description, quantity, unit price, amount in six
//! languages), its columns are the header words' positions, and each row is the numbers under those columns
//! with the description column's words. A row printed over several lines (a number or a note on the next
//! line) is one item; a table continued on the next page is found again by its repeated header. Rows whose
//! quantity × unit price gives their amount, and tables whose rows add up to the net total, are confirmed.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::model::extraction::FieldValue;

use super::labels::{self, Label};
use crate::formats::pdf_text::Word;

use super::layout::{join, union, Line};
use super::numbers::amounts_in;

const DESCRIPTION: &[Label] = &[
    ("description", 1.0),
    ("beschreibung", 1.0),
    ("bezeichnung", 1.0),
    ("artikelbezeichnung", 1.0),
    ("artikel", 0.8),
    ("leistung", 0.8),
    ("produkt", 0.8),
    ("product", 0.8),
    ("item", 0.8),
    ("items", 0.8),
    ("designation", 1.0),
    ("désignation", 1.0),
    ("libellé", 1.0),
    ("omschrijving", 1.0),
    ("descripción", 1.0),
    ("concepto", 1.0),
    ("descrizione", 1.0),
    ("articolo", 0.8),
    ("item description", 1.0),
];
const QUANTITY: &[Label] = &[
    ("quantity", 1.0),
    ("qty", 1.0),
    ("menge", 1.0),
    ("anzahl", 1.0),
    ("quantité", 1.0),
    ("qté", 1.0),
    ("aantal", 1.0),
    ("cantidad", 1.0),
    ("cant", 0.8),
    ("quantità", 1.0),
    ("qtà", 1.0),
    ("hoeveelheid", 1.0),
    ("units", 0.6),
];
const UNIT_PRICE: &[Label] = &[
    ("unit price", 1.0),
    ("price", 0.8),
    ("preis", 0.8),
    ("einzelpreis", 1.0),
    ("nettopreis", 1.0),
    ("stückpreis", 1.0),
    ("prix unitaire", 1.0),
    ("prix", 0.7),
    ("pu ht", 1.0),
    ("prijs", 0.8),
    ("prijs per stuk", 1.0),
    ("stukprijs", 1.0),
    ("precio", 0.8),
    ("precio unitario", 1.0),
    ("prezzo", 0.8),
    ("prezzo unitario", 1.0),
    ("rate", 0.7),
    ("unit cost", 1.0),
    ("einzelpreis netto", 1.0),
    ("vk preis", 0.9),
    ("prix unitaire ht", 1.0),
    ("prezzo unitario netto", 1.0),
];
const AMOUNT: &[Label] = &[
    ("entgelt", 1.0),
    ("nettowert", 1.0),
    ("zeilenbetrag", 1.0),
    ("positionsbetrag", 1.0),
    ("line amount", 1.0),
    ("extended price", 1.0),
    ("ext price", 1.0),
    ("amount", 1.0),
    ("total", 0.8),
    ("line total", 1.0),
    ("betrag", 1.0),
    ("nettobetrag", 1.0),
    ("gesamt", 0.9),
    ("gesamtpreis", 1.0),
    ("summe", 0.8),
    ("montant", 1.0),
    ("montant ht", 1.0),
    ("total ht", 1.0),
    ("prix ht", 0.9),
    ("bedrag", 1.0),
    ("totaal", 0.9),
    ("importe", 1.0),
    ("importo", 1.0),
    ("subtotal", 0.8),
    ("net amount", 1.0),
    ("gesamtbetrag", 0.9),
    ("prijs incl btw", 0.8),
    ("price incl vat", 0.8),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Column {
    Description,
    Quantity,
    UnitPrice,
    Amount,
}

/// A table header: where each column sits.
#[derive(Debug, Clone)]
struct Header {
    columns: Vec<(Column, [f64; 4])>,
    /// Where the header row's first word starts.
    leftmost: f64,
}

/// A row being read.
#[derive(Debug, Default, Clone)]
struct Row {
    description: Vec<String>,
    description_box: Option<(u32, [f64; 4])>,
    values: BTreeMap<Column, (Decimal, u32, [f64; 4])>,
}

const COLUMNS: [(Column, &[Label]); 4] = [
    (Column::Description, DESCRIPTION),
    (Column::Quantity, QUANTITY),
    (Column::UnitPrice, UNIT_PRICE),
    (Column::Amount, AMOUNT),
];

fn header_of(line: &Line) -> Option<Header> {
    let mut found = Vec::new();
    for (column, list) in COLUMNS {
        let hits = labels::find(line, list);
        let hit = match column {
            // the rightmost hit: `Prix unitaire … Prix HT` has both
            Column::Amount => hits.last(),
            // the most specific: `Artikel  Omschrijving` names the description second
            Column::Description => hits.iter().rev().max_by(|a, b| a.strength.total_cmp(&b.strength)),
            _ => hits.first(),
        };
        if let Some(hit) = hit {
            found.push((
                column,
                hit.end - hit.start,
                union(&line.words[hit.start..hit.end]),
            ));
        }
    }
    // where two columns' labels overlap, the longer label names the column (`Prix HT` is the amount, not
    // a `Prix`)
    found.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut columns: Vec<(Column, [f64; 4])> = Vec::new();
    for (column, _, bbox) in found {
        if !columns.iter().any(|(_, b)| b[0] <= bbox[2] && bbox[0] <= b[2]) {
            columns.push((column, bbox));
        }
    }
    let numeric = columns.iter().filter(|(c, _)| *c != Column::Description).count();
    let has_amount = columns.iter().any(|(c, _)| *c == Column::Amount);
    let leftmost = line.words.first().map_or(0.0, |w| w.bbox[0]);
    (numeric >= 2 || (has_amount && columns.len() >= 2)).then_some(Header { columns, leftmost })
}

/// A header row with the labels of columns printed over two or three lines (`Prix` above `unitaire`): the
/// words of the lines just above and below that lie under no word of the header line are stacked by
/// horizontal overlap and read as labels of the columns still missing. With the header, whether the line
/// below was part of it.
fn header_at(lines: &[Line], index: usize) -> Option<(Header, bool)> {
    let line = &lines[index];
    let mut header = header_of(line)?;
    let [_, y0, _, y1] = line.bbox();
    let near = |other: &Line| {
        let [_, o0, _, o1] = other.bbox();
        other.page == line.page && (o0 - y1).max(y0 - o1) < line.size() * 1.2
    };
    let above = index.checked_sub(1).map(|i| &lines[i]).filter(|l| near(l));
    let below = lines.get(index + 1).filter(|l| near(l));
    let apart = |w: &Word| {
        !line
            .words
            .iter()
            .any(|m| m.bbox[0] <= w.bbox[2] && w.bbox[0] <= m.bbox[2])
    };
    let mut stacks: Vec<Vec<(Word, bool)>> = Vec::new();
    for (other, is_below) in above
        .map(|l| (l, false))
        .into_iter()
        .chain(below.map(|l| (l, true)))
    {
        for word in other.words.iter().filter(|w| apart(w)) {
            match stacks.iter_mut().find(|s| {
                s.iter()
                    .any(|(o, _)| o.bbox[0] <= word.bbox[2] && word.bbox[0] <= o.bbox[2])
            }) {
                Some(stack) => stack.push((word.clone(), is_below)),
                None => stacks.push(vec![(word.clone(), is_below)]),
            }
        }
    }
    let mut used_below = false;
    for stack in stacks {
        let words: Vec<Word> = stack.iter().map(|(w, _)| w.clone()).collect();
        let stacked = Line {
            page: line.page,
            page_height: line.page_height,
            words,
            cell_starts: vec![0],
            squashed: std::cell::OnceCell::new(),
        };
        let bbox = stacked.bbox();
        for (column, list) in COLUMNS {
            let whole = labels::find(&stacked, list)
                .iter()
                .any(|h| h.start == 0 && h.end == stacked.words.len());
            let free = !header
                .columns
                .iter()
                .any(|(c, b)| *c == column || (b[0] <= bbox[2] && bbox[0] <= b[2]));
            if whole && free {
                header.columns.push((column, bbox));
                used_below |= stack.iter().any(|(_, b)| *b);
                break;
            }
        }
    }
    Some((header, used_below))
}

/// Headings of the sections that follow an item table (tax breakdown, payment terms).
const AFTER_TABLE: &[Label] = &[
    ("umsatzsteueraufschlüsselung", 1.0),
    ("steueraufschlüsselung", 1.0),
    ("zahlungsbedingungen", 1.0),
    ("belegsummen", 1.0),
    ("zu und abschläge", 1.0),
    ("zuschläge und abschläge", 1.0),
    ("allowances and charges", 1.0),
    ("vat breakdown", 1.0),
    ("tax summary", 1.0),
    ("vat summary", 1.0),
    ("payment terms", 1.0),
    ("récapitulatif tva", 1.0),
    ("conditions de paiement", 1.0),
    ("btw specificatie", 1.0),
    ("betalingsvoorwaarden", 1.0),
    ("resumen iva", 1.0),
    ("riepilogo iva", 1.0),
];

/// Whether a line ends the table (a totals line).
fn ends_table(line: &Line) -> bool {
    let opens = |list: &'static [Label]| {
        labels::find(line, list)
            .iter()
            .any(|h| h.start == 0 && h.strength >= 0.6)
    };
    if opens(AFTER_TABLE) {
        return true;
    }
    // a totals line states its amount (a lone `MwSt.` under `Ohne` is the header's third line)
    if amounts_in(&line.words).is_empty() {
        return false;
    }
    [
        labels::TOTAL_NET,
        labels::TOTAL_GROSS,
        labels::AMOUNT_DUE,
        labels::TOTAL_TAX,
    ]
    .iter()
    .any(|list| opens(list))
        || [labels::TOTAL_NET, labels::TOTAL_GROSS, labels::AMOUNT_DUE]
            .iter()
            .any(|list| {
                // a specific totals label opening a cell further right: `Taxe  Base  Montant   Total HT 624,90`
                labels::find(line, list)
                    .iter()
                    .any(|h| h.strength >= 0.9 && line.cell_starts.contains(&h.start))
            })
}

/// Whether item rows follow a totals line (a section's subtotal inside the table): within the next few lines
/// of the page, before another totals line, a line with a description and both an amount and a quantity or
/// unit price under the header's columns.
fn items_follow(lines: &[Line], index: usize, header: &Header) -> bool {
    // a subtotal prints its amount; a heading (`Zu- und Abschläge:`) ends the table for good
    if amounts_in(&lines[index].words).is_empty() {
        return false;
    }
    let page = lines[index].page;
    let (left, right) = description_span(header);
    for line in lines.iter().skip(index + 1).take(4) {
        if line.page != page || ends_table(line) || header_of(line).is_some() {
            return false;
        }
        let columns: Vec<Column> = amounts_in(&line.words)
            .iter()
            .filter(|a| {
                let next = line.words.get(a.end).map(|w| w.text.as_str());
                next != Some("%") && !line.words[a.end - 1].text.ends_with('%')
            })
            .filter_map(|a| column_of(header, a.bbox))
            .collect();
        let described = line.words.iter().any(|w| {
            let centre = (w.bbox[0] + w.bbox[2]) / 2.0;
            centre >= left && centre < right && w.text.chars().any(char::is_alphabetic)
        });
        if described
            && columns.contains(&Column::Amount)
            && (columns.contains(&Column::Quantity) || columns.contains(&Column::UnitPrice))
        {
            return true;
        }
    }
    false
}

/// The numeric column a number at `bbox` sits under: the header whose horizontal span it overlaps most, else
/// whose right edge is nearest (numbers are right-aligned under their header).
fn column_of(header: &Header, bbox: [f64; 4]) -> Option<Column> {
    header
        .columns
        .iter()
        .filter(|(c, _)| *c != Column::Description)
        .map(|(c, b)| {
            let centre = (bbox[0] + bbox[2]) / 2.0;
            let distance = if centre >= b[0] - 4.0 && centre <= b[2] + 4.0 {
                0.0
            } else {
                (bbox[2] - b[2]).abs().min((centre - (b[0] + b[2]) / 2.0).abs())
            };
            (*c, distance)
        })
        .filter(|(_, d)| *d < 45.0)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(c, _)| c)
}

/// The horizontal span of the description column: from its header (or the page's left edge when the header
/// row prints nothing left of it: a centred `Description` over left-aligned text) to the next header on the
/// right.
fn description_span(header: &Header) -> (f64, f64) {
    let mut xs: Vec<(f64, Column)> = header.columns.iter().map(|(c, b)| (b[0], *c)).collect();
    xs.sort_by(|a, b| a.0.total_cmp(&b.0));
    match xs.iter().position(|(_, c)| *c == Column::Description) {
        Some(i) => {
            let left = if i == 0 && header.leftmost >= xs[i].0 {
                f64::MIN
            } else {
                xs[i].0 - 30.0
            };
            (left, xs.get(i + 1).map_or(f64::MAX, |(x, _)| *x - 4.0))
        }
        None => (f64::MIN, xs.first().map_or(f64::MAX, |(x, _)| *x - 4.0)),
    }
}

/// The line items of the document.
pub fn extract(lines: &[Line]) -> Vec<BTreeMap<String, FieldValue>> {
    let mut rows: Vec<Row> = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let Some((header, used_below)) = header_at(lines, index) else {
            index += 1;
            continue;
        };
        let mut page = lines[index].page;
        let (left, right) = description_span(&header);
        let mut current: Option<Row> = None;
        index += 1 + usize::from(used_below);
        while index < lines.len() {
            let line = &lines[index];
            if header_of(line).is_some() || (ends_table(line) && !items_follow(lines, index, &header)) {
                break;
            }
            // a table running on over a page break: the next page's header and footer lines are not items
            if line.page != page {
                page = line.page;
                if let Some(row) = current.take() {
                    rows.push(row);
                }
            }
            let mut numbers = Vec::new();
            let mut used = vec![false; line.words.len()];
            for amount in amounts_in(&line.words) {
                let next = line.words.get(amount.end).map(|w| w.text.as_str());
                if next == Some("%") || line.words[amount.end - 1].text.ends_with('%') {
                    continue;
                }
                if let Some(column) = column_of(&header, amount.bbox) {
                    numbers.push((column, amount.value, amount.has_decimals, amount.bbox));
                    used[amount.start..amount.end].iter_mut().for_each(|u| *u = true);
                }
            }
            let description: Vec<&crate::formats::pdf_text::Word> = line
                .words
                .iter()
                .enumerate()
                .filter(|(i, w)| {
                    let centre = (w.bbox[0] + w.bbox[2]) / 2.0;
                    !used[*i] && centre >= left && centre < right
                })
                .map(|(_, w)| w)
                .collect();
            // `Bruttopreis : 21,50` under an item, with no amount: a labelled attribute of the item above
            if description.last().is_some_and(|w| w.text.ends_with(':'))
                && !numbers.is_empty()
                && !numbers.iter().any(|(c, _, _, _)| *c == Column::Amount)
            {
                index += 1;
                continue;
            }
            let priced = numbers
                .iter()
                .any(|(c, _, decimals, _)| *c != Column::Quantity && *decimals);
            // `Kfz-Haftpflicht … 67,2244  1` then `Regio R9  80,00`: the amount of a row printed a line
            // lower, with the rest of its description, completes the row above
            let completes = current
                .as_ref()
                .is_some_and(|row| !row.values.is_empty() && !row.values.contains_key(&Column::Amount))
                && !numbers.is_empty()
                && numbers.iter().all(|(c, _, _, _)| *c == Column::Amount);
            let starts_row = priced && !description.is_empty() && !completes;
            if starts_row {
                if let Some(row) = current.take() {
                    rows.push(row);
                }
                current = Some(Row::default());
            }
            if let Some(row) = current.as_mut() {
                if !description.is_empty() && (starts_row || row.values.is_empty() || !priced || completes) {
                    let words: Vec<_> = description.iter().map(|w| (*w).clone()).collect();
                    let text = join(&words);
                    // a word broken at a hyphen or slash at the end of the line goes on without a space
                    match row.description.last_mut() {
                        Some(last) if last.ends_with('-') || last.ends_with('/') => last.push_str(&text),
                        _ => row.description.push(text),
                    }
                    let bbox = union(&words);
                    row.description_box = Some(match row.description_box {
                        Some((p, b)) => (
                            p,
                            [
                                b[0].min(bbox[0]),
                                b[1].min(bbox[1]),
                                b[2].max(bbox[2]),
                                b[3].max(bbox[3]),
                            ],
                        ),
                        None => (line.page, bbox),
                    });
                }
                for (column, value, _, bbox) in numbers {
                    row.values.entry(column).or_insert((value, line.page, bbox));
                }
            } else if priced {
                // numbers before any description: a row of its own
                let mut row = Row::default();
                for (column, value, _, bbox) in numbers {
                    row.values.entry(column).or_insert((value, line.page, bbox));
                }
                current = Some(row);
            }
            index += 1;
        }
        if let Some(row) = current.take() {
            rows.push(row);
        }
    }
    rows.into_iter()
        .filter(|r| r.values.contains_key(&Column::Amount))
        .map(to_fields)
        .collect()
}

fn to_fields(row: Row) -> BTreeMap<String, FieldValue> {
    let mut out = BTreeMap::new();
    let get = |c: Column| row.values.get(&c).map(|(v, _, _)| *v);
    let confirmed = match (get(Column::Quantity), get(Column::UnitPrice), get(Column::Amount)) {
        (Some(q), Some(p), Some(a)) => ((q * p).round_dp(2) - a).abs() <= Decimal::new(1, 2),
        _ => false,
    };
    let confidence = if confirmed { 0.95 } else { 0.6 };
    if let Some((page, bbox)) = row.description_box {
        let text = row.description.join(" ");
        out.insert(
            "description".to_owned(),
            FieldValue {
                value: text,
                confidence: if confirmed { 0.93 } else { 0.5 },
                page: Some(page),
                bbox: Some(bbox),
            },
        );
    }
    for (column, name) in [
        (Column::Quantity, "quantity"),
        (Column::UnitPrice, "unit_price"),
        (Column::Amount, "net_amount"),
    ] {
        if let Some((value, page, bbox)) = row.values.get(&column) {
            out.insert(
                name.to_owned(),
                FieldValue {
                    value: value.to_string(),
                    confidence,
                    page: Some(*page),
                    bbox: Some(*bbox),
                },
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::layout::{lines, test_page};

    fn rows_of(rows: &[(f64, &[(f64, &str)])]) -> Vec<BTreeMap<String, String>> {
        extract(&lines(&test_page(rows)))
            .into_iter()
            .map(|r| r.into_iter().map(|(k, v)| (k, v.value)).collect())
            .collect()
    }

    #[test]
    fn a_header_over_three_lines_with_a_centred_description_reads_its_rows() {
        let rows = rows_of(&[
            (482.0, &[(419.0, "Prix")]),
            (
                472.0,
                &[
                    (154.0, "Description"),
                    (344.0, "Quantité"),
                    (466.0, "Rem."),
                    (513.0, "Prix HT"),
                ],
            ),
            (467.0, &[(410.0, "unitaire")]),
            (
                451.0,
                &[
                    (34.0, "Nougat de l'Abbaye"),
                    (362.0, "5"),
                    (432.0, "4,55"),
                    (529.0, "20,48"),
                ],
            ),
            (
                432.0,
                &[
                    (34.0, "Huile d'olive"),
                    (358.0, "10"),
                    (427.0, "19,80"),
                    (524.0, "198,00"),
                ],
            ),
            (411.0, &[(89.0, "Taxe"), (454.0, "Total HT"), (520.0, "218,48")]),
        ]);
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(rows[0]["description"], "Nougat de l'Abbaye");
        assert_eq!(rows[0]["unit_price"], "4.55");
        assert_eq!(rows[0]["net_amount"], "20.48");
        assert_eq!(rows[1]["quantity"], "10");
    }

    #[test]
    fn a_section_subtotal_inside_the_table_does_not_end_it() {
        let rows = rows_of(&[
            (
                529.0,
                &[
                    (32.0, "Description"),
                    (257.0, "Quantity"),
                    (332.0, "Unit Price"),
                    (526.0, "Amount"),
                ],
            ),
            (
                487.0,
                &[
                    (32.0, "Beeswax XL"),
                    (266.0, "1.00"),
                    (352.0, "42.00"),
                    (537.0, "42.00"),
                ],
            ),
            (429.0, &[(482.0, "Subtotal"), (531.0, "42.00")]),
            (408.0, &[(32.0, "--- Food Products ---")]),
            (
                387.0,
                &[
                    (32.0, "Olive Oil"),
                    (272.0, "1.00"),
                    (357.0, "1.00"),
                    (543.0, "1.00"),
                ],
            ),
            (324.0, &[(482.0, "Subtotal"), (531.0, "1.00")]),
            (292.0, &[(310.0, "Subtotal"), (531.0, "43.00")]),
            (271.0, &[(310.0, "Tax 15%"), (537.0, "6.45")]),
        ]);
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert!(rows[0]["description"].starts_with("Beeswax XL"));
        assert_eq!(rows[1]["description"], "Olive Oil");
        assert_eq!(rows[1]["net_amount"], "1.00");
    }

    #[test]
    fn an_amount_printed_a_line_lower_completes_the_row_above() {
        let rows = rows_of(&[
            (
                728.0,
                &[
                    (191.0, "Beschreibung"),
                    (340.0, "Nettopreis"),
                    (400.0, "Menge"),
                    (494.0, "Nettobetrag"),
                ],
            ),
            (
                699.0,
                &[(191.0, "Kfz-Haftpflicht SF25"), (349.0, "67,2244"), (417.0, "1")],
            ),
            (690.0, &[(191.0, "Regio R9"), (516.0, "80,00")]),
            (668.0, &[(191.0, "Bruttopreis :"), (312.0, "80,0006")]),
            (
                617.0,
                &[(191.0, "Vollkasko SF25"), (345.0, "117,6471"), (417.0, "1")],
            ),
            (609.0, &[(512.0, "140,00")]),
        ]);
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(rows[0]["description"], "Kfz-Haftpflicht SF25 Regio R9");
        assert_eq!(rows[0]["net_amount"], "80.00");
        assert_eq!(rows[0]["unit_price"], "67.2244");
        assert_eq!(rows[1]["net_amount"], "140.00");
    }
}
