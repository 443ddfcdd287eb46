//! Dates as invoices print them, in the languages the extractor reads: `05.03.2018`, `13/11/2017`,
//! `2018-03-05`, `19 april 2014`, `5. März 2018`, `March 5, 2018`. Whether `03/04/2018` is the 3rd of April or
//! the 4th of March is decided for the whole document from its other dates and its currency.

use chrono::NaiveDate;

use crate::formats::pdf_text::Word;

/// Which comes first in an all-numeric date whose day and month could both be either.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    DayFirst,
    MonthFirst,
}

const MONTHS: &[(&str, u32)] = &[
    // English
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("sept", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
    // German
    ("januar", 1),
    ("jänner", 1),
    ("februar", 2),
    ("märz", 3),
    ("maerz", 3),
    ("mai", 5),
    ("juni", 6),
    ("juli", 7),
    ("oktober", 10),
    ("dezember", 12),
    ("mär", 3),
    ("okt", 10),
    ("dez", 12),
    // French
    ("janvier", 1),
    ("février", 2),
    ("fevrier", 2),
    ("mars", 3),
    ("avril", 4),
    ("juin", 6),
    ("juillet", 7),
    ("août", 8),
    ("aout", 8),
    ("septembre", 9),
    ("octobre", 10),
    ("novembre", 11),
    ("décembre", 12),
    ("decembre", 12),
    ("janv", 1),
    ("févr", 2),
    ("avr", 4),
    ("juil", 7),
    ("déc", 12),
    // Dutch
    ("januari", 1),
    ("februari", 2),
    ("maart", 3),
    ("mei", 5),
    ("augustus", 8),
    ("okt", 10),
    // Spanish
    ("enero", 1),
    ("febrero", 2),
    ("marzo", 3),
    ("abril", 4),
    ("mayo", 5),
    ("junio", 6),
    ("julio", 7),
    ("agosto", 8),
    ("septiembre", 9),
    ("setiembre", 9),
    ("octubre", 10),
    ("noviembre", 11),
    ("diciembre", 12),
    ("ene", 1),
    ("dic", 12),
    // Italian
    ("gennaio", 1),
    ("febbraio", 2),
    ("aprile", 4),
    ("maggio", 5),
    ("giugno", 6),
    ("luglio", 7),
    ("settembre", 9),
    ("ottobre", 10),
    ("dicembre", 12),
    ("gen", 1),
    ("mag", 5),
    ("giu", 6),
    ("lug", 7),
    ("ago", 8),
    ("set", 9),
    ("ott", 10),
];

fn month_named(word: &str) -> Option<u32> {
    let w = word.trim_matches(|c: char| matches!(c, '.' | ',')).to_lowercase();
    MONTHS.iter().find(|(name, _)| *name == w).map(|(_, m)| *m)
}

fn year_of(text: &str) -> Option<i32> {
    let digits = text.trim_matches(|c: char| matches!(c, '.' | ',' | ')'));
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    match digits.len() {
        4 => digits.parse().ok().filter(|y| (1970..=2100).contains(y)),
        2 => digits.parse::<i32>().ok().map(|y| 2000 + y),
        _ => None,
    }
}

fn day_of(text: &str) -> Option<u32> {
    let t = text
        .trim_end_matches(['.', ','])
        .trim_end_matches(|c: char| c.is_ascii_alphabetic());
    if t.is_empty() || t.len() > 2 || !t.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    t.parse().ok().filter(|d| (1..=31).contains(d))
}

/// The three numeric parts of `05.03.2018`, `13/11/2017`, `2018-03-05`.
fn numeric_parts(text: &str) -> Option<[&str; 3]> {
    let t = text
        .trim_end_matches(['.', ',', ';', ')'])
        .trim_start_matches('(');
    for separator in ['.', '/', '-'] {
        let parts: Vec<&str> = t.split(separator).collect();
        if parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.len() <= 4 && p.chars().all(|c| c.is_ascii_digit()))
        {
            return Some([parts[0], parts[1], parts[2]]);
        }
    }
    None
}

/// Reads an all-numeric date in one word.
pub fn parse_numeric(text: &str, order: DateOrder) -> Option<NaiveDate> {
    let [a, b, c] = numeric_parts(text)?;
    if a.len() == 4 {
        return NaiveDate::from_ymd_opt(a.parse().ok()?, b.parse().ok()?, c.parse().ok()?);
    }
    if a.len() > 2 || b.len() > 2 {
        return None;
    }
    let year = year_of(c)?;
    let (a, b): (u32, u32) = (a.parse().ok()?, b.parse().ok()?);
    // a part above 12 can only be the day, whatever the document's order
    let (day, month) = match order {
        DateOrder::DayFirst if b <= 12 => (a, b),
        DateOrder::MonthFirst if a > 12 => (a, b),
        _ => (b, a),
    };
    NaiveDate::from_ymd_opt(year, month, day)
}

/// A date starting at `words[i]`: the date and how many words it took.
pub fn date_at(words: &[Word], i: usize, order: DateOrder) -> Option<(NaiveDate, usize)> {
    let word = words.get(i)?.text.as_str();
    if let Some(date) = parse_numeric(word, order) {
        return Some((date, 1));
    }
    let next = |k: usize| words.get(i + k).map(|w| w.text.as_str());
    // 19 april 2014 / 5. März 2018 / 05-Nov-2017
    if let Some(day) = day_of(word) {
        if let (Some(month), Some(year)) = (next(1).and_then(month_named), next(2).and_then(year_of)) {
            return NaiveDate::from_ymd_opt(year, month, day).map(|d| (d, 3));
        }
    }
    let dashed: Vec<&str> = word.split(['-', ' ']).collect();
    if let [d, m, y] = dashed.as_slice() {
        if let (Some(day), Some(month), Some(year)) = (day_of(d), month_named(m), year_of(y)) {
            return NaiveDate::from_ymd_opt(year, month, day).map(|d| (d, 1));
        }
    }
    // March 5, 2018 / Nov 5 2017 / August 3 , 2014 (the comma a word of its own)
    if let Some(month) = month_named(word) {
        if let (Some(day), Some(year)) = (next(1).and_then(day_of), next(2).and_then(year_of)) {
            return NaiveDate::from_ymd_opt(year, month, day).map(|d| (d, 3));
        }
        if let (Some(day), Some(","), Some(year)) =
            (next(1).and_then(day_of), next(2), next(3).and_then(year_of))
        {
            return NaiveDate::from_ymd_opt(year, month, day).map(|d| (d, 4));
        }
    }
    None
}

/// The order of the numeric dates of a document: stated by any date whose first or second part exceeds 12,
/// else by the currency (US dollars: month first), else day first.
pub fn document_order(words: &[&str], currency: Option<&str>) -> DateOrder {
    let (mut day_first, mut month_first) = (0, 0);
    for word in words {
        if let Some([a, b, c]) = numeric_parts(word) {
            if a.len() > 2 || c.len() < 2 {
                continue;
            }
            let (a, b): (u32, u32) = (a.parse().unwrap_or(0), b.parse().unwrap_or(0));
            if a > 12 && b <= 12 {
                day_first += 1;
            } else if b > 12 && a <= 12 {
                month_first += 1;
            }
        }
    }
    if day_first > month_first {
        DateOrder::DayFirst
    } else if month_first > day_first || currency == Some("USD") {
        DateOrder::MonthFirst
    } else {
        DateOrder::DayFirst
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Word> {
        text.split(' ')
            .map(|t| Word {
                text: t.to_owned(),
                bbox: [0.0; 4],
                size: 10.0,
            })
            .collect()
    }

    fn at(text: &str, order: DateOrder) -> Option<String> {
        date_at(&words(text), 0, order).map(|(d, _)| d.to_string())
    }

    #[test]
    fn reads_dates_in_the_languages_and_orders() {
        let day = DateOrder::DayFirst;
        assert_eq!(at("05.03.2018", day).as_deref(), Some("2018-03-05"));
        assert_eq!(at("13/11/2017", day).as_deref(), Some("2017-11-13"));
        assert_eq!(at("2018-03-05", day).as_deref(), Some("2018-03-05"));
        assert_eq!(at("19 april 2014", day).as_deref(), Some("2014-04-19"));
        assert_eq!(at("5. März 2018", day).as_deref(), Some("2018-03-05"));
        assert_eq!(at("March 5, 2018", day).as_deref(), Some("2018-03-05"));
        assert_eq!(at("August 3 , 2014", day).as_deref(), Some("2014-08-03"));
        assert_eq!(at("03/20/2023", day).as_deref(), Some("2023-03-20"));
        assert_eq!(
            at("04/03/2023", DateOrder::MonthFirst).as_deref(),
            Some("2023-04-03")
        );
        assert_eq!(at("04/03/2023", day).as_deref(), Some("2023-03-04"));
        assert_eq!(at("471102", day), None);
    }

    #[test]
    fn the_document_decides_the_order_of_ambiguous_dates() {
        assert_eq!(
            document_order(&["03/20/2023", "04/04/2023"], None),
            DateOrder::MonthFirst
        );
        assert_eq!(
            document_order(&["13/11/2017", "01/02/2017"], Some("USD")),
            DateOrder::DayFirst
        );
        assert_eq!(
            document_order(&["01/02/2017"], Some("USD")),
            DateOrder::MonthFirst
        );
        assert_eq!(document_order(&["01/02/2017"], Some("EUR")), DateOrder::DayFirst);
    }
}
