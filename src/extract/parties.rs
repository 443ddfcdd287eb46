//! The seller's and the buyer's names: from a block headed `Verkäufer` / `Bill to` / `Client` (its `Name:` line,
//! or its first line), else from a line naming a company by its legal form (`GmbH`, `SARL`, `B.V.`, `Ltd`),
//! which is taken for the seller unless it sits in the buyer's block.

use super::candidates::Candidate;
use super::labels::{self, Label, BUYER_SECTION, NAME, SELLER_SECTION};
use super::layout::{join, union, Line};

/// Legal forms that end a company name (compared squashed: `B.V.` is `bv`).
const LEGAL_FORMS: &[&str] = &[
    "gmbh",
    "ag",
    "kg",
    "ohg",
    "ug",
    "ek",
    "gbr",
    "mbh",
    "sarl",
    "sas",
    "sa",
    "sasu",
    "eurl",
    "snc",
    "bv",
    "nv",
    "vof",
    "ltd",
    "limited",
    "plc",
    "llp",
    "inc",
    "llc",
    "corp",
    "corporation",
    "srl",
    "spa",
    "sl",
    "slu",
    "oy",
    "ab",
    "as",
    "aps",
    "kft",
    "sro",
    "zoo",
    "ev",
    "eg",
];

/// Which party a block of lines belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    Seller,
    Buyer,
}

/// The party block each line belongs to (from the nearest heading above it, within a few lines and in the
/// heading's column).
pub fn sections(lines: &[Line]) -> Vec<Option<Party>> {
    let mut out = vec![None; lines.len()];
    for (index, line) in lines.iter().enumerate() {
        for (party, heading) in [(Party::Seller, SELLER_SECTION), (Party::Buyer, BUYER_SECTION)] {
            for hit in headings(line, heading) {
                let column = union(&line.words[hit.start..hit.end]);
                let mut followers = 0;
                for (offset, next) in lines.iter().enumerate().skip(index).take(9) {
                    if next.page != line.page {
                        break;
                    }
                    let x0 = next.bbox()[0];
                    if offset > index && (x0 < column[0] - 40.0 || x0 > column[2] + 80.0) {
                        continue;
                    }
                    if offset > index && heads_other(next, party) {
                        break;
                    }
                    if out[offset].is_none() || offset == index {
                        out[offset] = Some(party);
                    }
                    followers += 1;
                    if followers > 8 {
                        break;
                    }
                }
            }
        }
    }
    out
}

/// Heading hits that really head a block: at the start of the line, and either alone on it or ending in a
/// colon (`Bill to: ACME`), so `Lieferant GmbH` is a name, not the heading `Lieferant`.
fn headings(line: &Line, heading: &'static [Label]) -> Vec<labels::LabelHit> {
    labels::find(line, heading)
        .into_iter()
        .filter(|h| h.start == 0)
        .filter(|h| {
            let rest_is_punctuation = line.words[h.end..line.cell_range(0).end.max(h.end)]
                .iter()
                .all(|w| labels::squash(&w.text).is_empty());
            let colon = line.words[h.end - 1].text.ends_with(':')
                || line.words.get(h.end).is_some_and(|w| w.text.starts_with(':'));
            rest_is_punctuation || colon
        })
        .collect()
}

fn heads_other(line: &Line, party: Party) -> bool {
    let other: &'static [Label] = match party {
        Party::Seller => BUYER_SECTION,
        Party::Buyer => SELLER_SECTION,
    };
    !headings(line, other).is_empty()
}

/// Candidate names for `party`, each taken with the part of it wrapped onto the line above or below.
pub fn names(lines: &[Line], sections: &[Option<Party>], party: Party) -> Vec<Candidate> {
    raw_names(lines, sections, party)
        .into_iter()
        .map(|c| unwrapped(lines, c))
        .collect()
}

/// Words heading a delivery address.
const DELIVERY_SECTION: &[Label] = &[
    ("delivery address", 1.0),
    ("ship to", 1.0),
    ("deliver to", 1.0),
    ("lieferanschrift", 1.0),
    ("lieferadresse", 1.0),
    ("warenempfänger", 1.0),
    ("adresse de livraison", 1.0),
    ("livré à", 1.0),
    ("afleveradres", 1.0),
    ("leveringsadres", 1.0),
    ("dirección de entrega", 1.0),
    ("indirizzo di consegna", 1.0),
];

/// Words that address a person (`Herrn` on its own line above `Max Mustermann`).
const SALUTATIONS: &[&str] = &[
    "herrn", "herr", "frau", "mr", "mrs", "ms", "monsieur", "madame", "m", "mme", "dhr", "mevr", "sr", "sra",
    "sig", "sigra",
];

/// A name printed over two lines: a salutation above or before it, or the first words of a company name
/// above the line that ends with its legal form (`MVM Musterhafter` / `Versicherungsverein Musterstadt a.G.`).
fn unwrapped(lines: &[Line], mut c: Candidate) -> Candidate {
    let line = &lines[c.line];
    let x0 = c.bbox[0];
    let squashed: Vec<String> = c.value.split_whitespace().map(labels::squash).collect();
    let is_salutation = |words: &[String]| words.len() == 1 && SALUTATIONS.contains(&words[0].as_str());
    let ends_with_form = |words: &[String]| words.last().is_some_and(|w| LEGAL_FORMS.contains(&w.as_str()));
    let wrap_of = |other: &Line, above: bool| -> Option<Vec<String>> {
        let gap = if above {
            other.bbox()[1] - line.bbox()[3]
        } else {
            line.bbox()[1] - other.bbox()[3]
        };
        let aligned = (other.bbox()[0] - x0).abs() <= 3.0;
        let plain = other.words.len() <= 6
            && other
                .words
                .iter()
                .all(|w| !w.text.contains(':') && !w.text.chars().any(|ch| ch.is_ascii_digit()))
            && [SELLER_SECTION, BUYER_SECTION, labels::INVOICE_NUMBER]
                .iter()
                .all(|list| labels::find(other, list).is_empty());
        (other.page == line.page && gap < line.size() && aligned && plain)
            .then(|| other.words.iter().map(|w| labels::squash(&w.text)).collect())
    };
    let above = c.line.checked_sub(1).and_then(|i| wrap_of(&lines[i], true));
    if let Some(words) = above {
        if is_salutation(&words) || (ends_with_form(&squashed) && !ends_with_form(&words)) {
            let other = &lines[c.line - 1];
            c.value = format!("{} {}", join(&other.words), c.value);
            c.bbox = merge(c.bbox, union(&other.words));
            return c;
        }
    }
    if let Some(words) = lines.get(c.line + 1).and_then(|l| wrap_of(l, false)) {
        if is_salutation(&squashed) || (!ends_with_form(&squashed) && ends_with_form(&words)) {
            let other = &lines[c.line + 1];
            c.value = format!("{} {}", c.value, join(&other.words));
            c.bbox = merge(c.bbox, union(&other.words));
        }
    }
    c
}

fn merge(a: [f64; 4], b: [f64; 4]) -> [f64; 4] {
    [a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])]
}

fn raw_names(lines: &[Line], sections: &[Option<Party>], party: Party) -> Vec<Candidate> {
    let mut out = Vec::new();
    let heading: &'static [Label] = match party {
        Party::Seller => SELLER_SECTION,
        Party::Buyer => BUYER_SECTION,
    };
    for (index, line) in lines.iter().enumerate() {
        // a `Name:` line inside the party's block
        if sections[index] == Some(party) {
            for hit in labels::find(line, NAME).into_iter().filter(|h| h.start == 0) {
                let rest = skip_punctuation(line, hit.end);
                if rest < line.words.len() {
                    out.push(named(line, index, rest, line.words.len(), 0.95));
                }
            }
        }
        // the heading itself: `Bill to: ACME Corp`, else the first line under it; for the buyer, a delivery
        // address too, weaker (who receives the goods is most often who buys them)
        let delivery = match party {
            Party::Buyer => headings(line, DELIVERY_SECTION),
            Party::Seller => Vec::new(),
        };
        let hits = headings(line, heading)
            .into_iter()
            .map(|h| (h, 0.0))
            .chain(delivery.into_iter().map(|h| (h, 0.2)));
        for (hit, weaker) in hits {
            let rest = skip_punctuation(line, hit.end);
            let end = line
                .cell_range(line.cell_of(rest.min(line.words.len().saturating_sub(1))))
                .end;
            if rest < line.words.len() && line.cell_of(rest) == line.cell_of(hit.start) {
                out.push(named(line, index, rest, end, 0.7 - weaker));
                continue;
            }
            let column = union(&line.words[hit.start..hit.end]);
            let below = lines
                .iter()
                .enumerate()
                .skip(index + 1)
                .take(3)
                .filter(|(_, l)| l.page == line.page)
                .find(|(_, l)| {
                    let x0 = l.bbox()[0];
                    x0 >= column[0] - 40.0 && x0 <= column[2] + 80.0 && !looks_like_id_line(l)
                });
            if let Some((below_index, below)) = below {
                let end = below.cell_range(0).end;
                out.push(named(below, below_index, 0, end, 0.6 - weaker));
            }
        }
        // a company by its legal form
        for (i, word) in line.words.iter().enumerate() {
            let squashed = labels::squash(&word.text);
            if i == 0 || !LEGAL_FORMS.contains(&squashed.as_str()) {
                continue;
            }
            let cell = line.cell_range(line.cell_of(i));
            // `GmbH & Co. KG`: take the following words of the form too
            // the name goes on to the end of its cell or to a separator (`ACME SARL - 12 rue …`)
            // and on after the form only while the words look like part of a name (`Kunden AG Mitte`,
            // `GmbH & Co. KG`), not a sentence (`Free SAS au capital de …`)
            let mut end = i + 1;
            while end < cell.end && end < i + 4 {
                let next = &line.words[end].text;
                let name_like = next.starts_with(|c: char| c.is_uppercase())
                    || matches!(next.as_str(), "&" | "+" | "und" | "and" | "et");
                if is_separator(next) || next.contains(':') || !name_like {
                    break;
                }
                end += 1;
            }
            let start = name_start(line, cell.start, i);
            // `1.00 kg` is a quantity, not a limited partnership: a name has a word with letters
            if start >= i
                || !line.words[start..i]
                    .iter()
                    .any(|w| w.text.chars().any(char::is_alphabetic))
            {
                continue;
            }
            let in_party = sections[index] == Some(party);
            let score = match (party, sections[index]) {
                (_, Some(p)) if p == party => 0.6,
                (Party::Seller, None) => 0.45,
                _ => continue,
            };
            let _ = in_party;
            out.push(named(line, index, start, end, score));
        }
    }
    out
}

/// Where a company name begins in a cell: after a label such as `Name:` or a separator such as `-`.
/// In a sentence (`All services are sold by Amazon Web Services, Inc.`) the name is the run of capitalised
/// words before the form.
fn name_start(line: &Line, cell_start: usize, form: usize) -> usize {
    let mut start = cell_start;
    for k in cell_start..form {
        let text = line.words[k].text.as_str();
        if is_separator(text) || text.ends_with(':') {
            start = k + 1;
        }
    }
    if form - start > SENTENCE_WORDS {
        let mut k = form;
        while k > start
            && line.words[k - 1]
                .text
                .starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit() || c == '&')
        {
            k -= 1;
        }
        if k < form {
            start = k;
        }
    }
    start
}

/// More words than this before a legal form make a sentence rather than a name.
const SENTENCE_WORDS: usize = 6;

fn is_separator(text: &str) -> bool {
    matches!(text, "-" | "–" | "|" | "·" | "•" | ",")
}

fn skip_punctuation(line: &Line, mut from: usize) -> usize {
    while from < line.words.len() && labels::squash(&line.words[from].text).is_empty() {
        from += 1;
    }
    from
}

/// Lines such as `Nummer: 549910` or `GLN 4000001123452` that carry an id rather than a name.
fn looks_like_id_line(line: &Line) -> bool {
    let text = line.text();
    let digits = text.chars().filter(char::is_ascii_digit).count();
    digits * 3 > text.chars().count() || text.contains(':')
}

fn named(line: &Line, index: usize, start: usize, end: usize, score: f64) -> Candidate {
    let words = &line.words[start..end.min(line.words.len())];
    let value = join(words)
        .trim_matches(|c: char| matches!(c, ',' | ';' | ':' | '-' | '–' | ' '))
        .to_owned();
    Candidate {
        value,
        page: line.page,
        bbox: union(words),
        score,
        line: index,
        label_line: index,
        label_bbox: union(words),
    }
}
