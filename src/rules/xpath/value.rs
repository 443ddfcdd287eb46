//! XPath 2.0 values: items (nodes, attributes, atomic values), the casts between atomic types with their
//! lexical rules, and the comparison rules of general and value comparisons (untypedAtomic promotion,
//! numeric promotion to double, dynamic errors where Saxon raises them).

use std::borrow::Cow;
use std::cmp::Ordering;
use std::str::FromStr;

use crate::rules::tree::Node;
use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::ast::{CastType, CmpOp};

/// A dynamic error (XPath error code and a sentence). The official XSLT stops on these.
#[derive(Debug, Clone, PartialEq)]
pub struct XError {
    pub code: &'static str,
    pub message: String,
}

impl XError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for XError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

pub type XResult<T> = Result<T, XError>;

/// One item of a sequence.
#[derive(Debug, Clone)]
pub enum Item<'a, 'i> {
    /// An element, text node or the document node.
    Node(Node<'a, 'i>),
    /// The attribute with this index on its element.
    Attr(Node<'a, 'i>, usize),
    Atomic(Atomic<'a>),
}

/// An atomic value.
#[derive(Debug, Clone)]
pub enum Atomic<'a> {
    /// The typed value of a node from an untyped document.
    Untyped(Cow<'a, str>),
    Str(Cow<'a, str>),
    /// xs:decimal and xs:integer alike.
    Decimal(Decimal),
    Double(f64),
    Bool(bool),
    /// A date with its timezone offset in minutes, if any.
    Date(NaiveDate, Option<i32>),
}

pub type Sequence<'a, 'i> = Vec<Item<'a, 'i>>;

impl<'a, 'i> Item<'a, 'i> {
    /// The position in document order (element id, then 0 for the element and 1+ for its attributes).
    pub fn order_key(&self) -> Option<(usize, usize)> {
        match self {
            Item::Node(n) => Some((n.id().get() as usize, 0)),
            Item::Attr(n, i) => Some((n.id().get() as usize, i + 1)),
            Item::Atomic(_) => None,
        }
    }

    pub fn is_node(&self) -> bool {
        !matches!(self, Item::Atomic(_))
    }

    /// Atomization: nodes give their string value as untypedAtomic.
    pub fn atomize(&self) -> Atomic<'a> {
        match self {
            Item::Node(n) => Atomic::Untyped(string_value(*n)),
            Item::Attr(n, i) => Atomic::Untyped(Cow::Borrowed(attribute_value(*n, *i))),
            Item::Atomic(a) => a.clone(),
        }
    }

    /// The string a general comparison with a string literal compares this item as: a node's or an
    /// attribute's string value, an untyped or string value; `None` for any other atomic value (a number,
    /// a boolean, a date), which that comparison treats otherwise (it may raise an error).
    pub fn compared_as_string(&self) -> Option<Cow<'a, str>> {
        match self {
            Item::Atomic(Atomic::Untyped(text) | Atomic::Str(text)) => Some(text.clone()),
            Item::Atomic(_) => None,
            Item::Node(_) | Item::Attr(..) => Some(self.string()),
        }
    }

    /// `string(.)`
    pub fn string(&self) -> Cow<'a, str> {
        match self {
            Item::Node(n) => string_value(*n),
            Item::Attr(n, i) => Cow::Borrowed(attribute_value(*n, *i)),
            Item::Atomic(a) => a.string(),
        }
    }
}

fn attribute_value<'a>(node: Node<'a, '_>, index: usize) -> &'a str {
    node.attributes().nth(index).map(|a| a.value()).unwrap_or("")
}

/// The string value of a node: its text, or the concatenated text of its descendants.
pub fn string_value<'a>(node: Node<'a, '_>) -> Cow<'a, str> {
    // most elements an invoice's rules read hold one text (`<cbc:ID>S</cbc:ID>`)
    if let Some(text) = node.leaf_text() {
        return Cow::Borrowed(text);
    }
    if node.is_text() {
        return Cow::Borrowed(node.text().unwrap_or(""));
    }
    let mut texts = node.descendants().filter(|d| d.is_text());
    let Some(first) = texts.next() else {
        return Cow::Borrowed("");
    };
    let Some(second) = texts.next() else {
        return Cow::Borrowed(first.text().unwrap_or(""));
    };
    let mut all = String::from(first.text().unwrap_or(""));
    all.push_str(second.text().unwrap_or(""));
    for text in texts {
        all.push_str(text.text().unwrap_or(""));
    }
    Cow::Owned(all)
}

impl<'a> Atomic<'a> {
    /// The same value owning its text: one that outlives the document (a schema's constants).
    pub fn to_static(&self) -> Atomic<'static> {
        match self {
            Atomic::Untyped(text) => Atomic::Untyped(Cow::Owned(text.to_string())),
            Atomic::Str(text) => Atomic::Str(Cow::Owned(text.to_string())),
            Atomic::Decimal(n) => Atomic::Decimal(*n),
            Atomic::Double(f) => Atomic::Double(*f),
            Atomic::Bool(b) => Atomic::Bool(*b),
            Atomic::Date(date, zone) => Atomic::Date(*date, *zone),
        }
    }

    /// The same value with its text borrowed from this one (no copy).
    pub fn borrowed(&self) -> Atomic<'_> {
        match self {
            Atomic::Untyped(text) => Atomic::Untyped(Cow::Borrowed(text)),
            Atomic::Str(text) => Atomic::Str(Cow::Borrowed(text)),
            other => other.clone(),
        }
    }

    pub fn string(&self) -> Cow<'a, str> {
        match self {
            Atomic::Untyped(s) | Atomic::Str(s) => s.clone(),
            Atomic::Decimal(d) => Cow::Owned(decimal_to_string(*d)),
            Atomic::Double(f) => Cow::Owned(double_to_string(*f)),
            Atomic::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
            Atomic::Date(d, tz) => Cow::Owned(format!("{}{}", date_to_string(*d), timezone_to_string(*tz))),
        }
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self, Atomic::Decimal(_) | Atomic::Double(_))
    }

    /// Converts to a number for arithmetic: untypedAtomic becomes xs:double.
    pub fn to_numeric(&self) -> XResult<Atomic<'a>> {
        match self {
            Atomic::Untyped(s) => parse_double(s).map(Atomic::Double),
            Atomic::Decimal(_) | Atomic::Double(_) => Ok(self.clone()),
            other => Err(XError::new(
                "XPTY0004",
                format!("arithmetic on the non-numeric value {:?}", other.string()),
            )),
        }
    }

    /// `E cast as T`
    pub fn cast(&self, target: CastType) -> XResult<Atomic<'a>> {
        match target {
            CastType::String => Ok(Atomic::Str(self.string())),
            CastType::Decimal => match self {
                Atomic::Untyped(s) | Atomic::Str(s) => parse_decimal(s).map(Atomic::Decimal),
                Atomic::Decimal(d) => Ok(Atomic::Decimal(*d)),
                Atomic::Double(f) => double_to_decimal(*f).map(Atomic::Decimal),
                Atomic::Bool(b) => Ok(Atomic::Decimal(Decimal::from(u8::from(*b)))),
                Atomic::Date(..) => Err(cast_error(self, "xs:decimal")),
            },
            CastType::Integer => match self {
                Atomic::Untyped(s) | Atomic::Str(s) => parse_integer(s).map(Atomic::Decimal),
                Atomic::Decimal(d) => Ok(Atomic::Decimal(d.trunc())),
                Atomic::Double(f) => double_to_decimal(f.trunc()).map(Atomic::Decimal),
                Atomic::Bool(b) => Ok(Atomic::Decimal(Decimal::from(u8::from(*b)))),
                Atomic::Date(..) => Err(cast_error(self, "xs:integer")),
            },
            CastType::Double => match self {
                Atomic::Untyped(s) | Atomic::Str(s) => parse_double(s).map(Atomic::Double),
                Atomic::Decimal(d) => Ok(Atomic::Double(decimal_to_double(*d))),
                Atomic::Double(f) => Ok(Atomic::Double(*f)),
                Atomic::Bool(b) => Ok(Atomic::Double(if *b { 1.0 } else { 0.0 })),
                Atomic::Date(..) => Err(cast_error(self, "xs:double")),
            },
            CastType::Boolean => match self {
                Atomic::Untyped(s) | Atomic::Str(s) => match s.trim() {
                    "true" | "1" => Ok(Atomic::Bool(true)),
                    "false" | "0" => Ok(Atomic::Bool(false)),
                    _ => Err(cast_error(self, "xs:boolean")),
                },
                Atomic::Decimal(d) => Ok(Atomic::Bool(!d.is_zero())),
                Atomic::Double(f) => Ok(Atomic::Bool(*f != 0.0 && !f.is_nan())),
                Atomic::Bool(b) => Ok(Atomic::Bool(*b)),
                Atomic::Date(..) => Err(cast_error(self, "xs:boolean")),
            },
            CastType::Date => match self {
                Atomic::Untyped(s) | Atomic::Str(s) => parse_date(s.trim())
                    .map(|(d, tz)| Atomic::Date(d, tz))
                    .ok_or_else(|| cast_error(self, "xs:date")),
                Atomic::Date(d, tz) => Ok(Atomic::Date(*d, *tz)),
                _ => Err(cast_error(self, "xs:date")),
            },
        }
    }
}

fn cast_error(value: &Atomic<'_>, target: &str) -> XError {
    XError::new(
        "FORG0001",
        format!("cannot convert {:?} to {target}", value.string()),
    )
}

/// xs:decimal lexical form: optional sign, digits with at most one point, surrounding whitespace allowed.
pub fn parse_decimal(text: &str) -> XResult<Decimal> {
    let trimmed = text.trim();
    let unsigned = trimmed.strip_prefix(['+', '-']).unwrap_or(trimmed);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let valid = !(whole.is_empty() && fraction.is_empty())
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit());
    if !valid {
        return Err(XError::new(
            "FORG0001",
            format!("cannot convert {text:?} to xs:decimal"),
        ));
    }
    // already in the form `Decimal` reads (no `+`, digits before a point, digits after it): no copy
    if !trimmed.starts_with('+') && !whole.is_empty() && (!fraction.is_empty() || !unsigned.contains('.')) {
        if let Ok(value) = Decimal::from_str_exact(trimmed) {
            return Ok(value);
        }
    }
    let negative = trimmed.starts_with('-');
    let normal = format!(
        "{}{}{}{}",
        if negative { "-" } else { "" },
        if whole.is_empty() { "0" } else { whole },
        if fraction.is_empty() { "" } else { "." },
        fraction
    );
    Decimal::from_str_exact(&normal)
        .or_else(|_| Decimal::from_str(&normal))
        .map_err(|_| XError::new("FOAR0002", format!("{text:?} is too large for a decimal")))
}

fn parse_integer(text: &str) -> XResult<Decimal> {
    let trimmed = text.trim();
    let unsigned = trimmed.strip_prefix(['+', '-']).unwrap_or(trimmed);
    if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return Err(XError::new(
            "FORG0001",
            format!("cannot convert {text:?} to xs:integer"),
        ));
    }
    parse_decimal(trimmed)
}

/// xs:double lexical form (XSD 1.0 plus a leading `+`, as Saxon accepts): no `inf`/`nan` spellings but `INF`.
pub fn parse_double(text: &str) -> XResult<f64> {
    let trimmed = text.trim();
    match trimmed {
        "INF" | "+INF" => return Ok(f64::INFINITY),
        "-INF" => return Ok(f64::NEG_INFINITY),
        "NaN" => return Ok(f64::NAN),
        _ => {}
    }
    let plausible = !trimmed.is_empty()
        && trimmed
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        && trimmed.bytes().any(|b| b.is_ascii_digit());
    if plausible {
        if let Ok(value) = f64::from_str(trimmed) {
            return Ok(value);
        }
    }
    Err(XError::new(
        "FORG0001",
        format!("cannot convert {text:?} to xs:double"),
    ))
}

/// `YYYY-MM-DD` with an optional `Z` or `±hh:mm`.
pub fn parse_date(text: &str) -> Option<(NaiveDate, Option<i32>)> {
    let (date, tz) = if let Some(rest) = text.strip_suffix('Z') {
        (rest, Some(0))
    } else if text.len() > 10
        && matches!(text.as_bytes()[text.len() - 6], b'+' | b'-')
        && text.as_bytes()[text.len() - 3] == b':'
    {
        let (date, zone) = text.split_at(text.len() - 6);
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let hours: i32 = zone.get(1..3)?.parse().ok()?;
        let minutes: i32 = zone.get(4..6)?.parse().ok()?;
        if zone.as_bytes().get(3) != Some(&b':') || hours > 14 || minutes > 59 {
            return None;
        }
        (date, Some(sign * (hours * 60 + minutes)))
    } else {
        (text, None)
    };
    // -?YYYY-MM-DD, the year of four digits or more (then without a leading zero), as XSD 1.1 and the
    // reference read it: 0000 is 1 BCE, 20166-12-31 a date. Years beyond chrono's (±262,143) are refused
    // where the reference would take them.
    let unsigned = date.strip_prefix('-').unwrap_or(date);
    let (year, rest) = unsigned.split_at(unsigned.find('-')?);
    let rest = rest.as_bytes();
    let digits = |b: &[u8]| b.iter().all(u8::is_ascii_digit);
    if year.len() < 4 || year.len() > 4 && year.starts_with('0') || !digits(year.as_bytes()) {
        return None;
    }
    if rest.len() != 6 || rest[3] != b'-' || !digits(&rest[1..3]) || !digits(&rest[4..6]) {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    let year = if date.starts_with('-') { -year } else { year };
    let two = |b: &[u8]| u32::from(b[0] - b'0') * 10 + u32::from(b[1] - b'0');
    NaiveDate::from_ymd_opt(year, two(&rest[1..3]), two(&rest[4..6])).map(|d| (d, tz))
}

/// A date's XSD form: the year in four digits or more, with a `-` before a year before 1 BCE.
fn date_to_string(date: NaiveDate) -> String {
    use chrono::Datelike;
    let sign = if date.year() < 0 { "-" } else { "" };
    format!(
        "{sign}{:04}-{:02}-{:02}",
        date.year().unsigned_abs(),
        date.month(),
        date.day()
    )
}

fn timezone_to_string(tz: Option<i32>) -> String {
    match tz {
        None => String::new(),
        Some(0) => "Z".to_owned(),
        Some(m) => format!(
            "{}{:02}:{:02}",
            if m < 0 { '-' } else { '+' },
            m.abs() / 60,
            m.abs() % 60
        ),
    }
}

pub fn decimal_to_double(d: Decimal) -> f64 {
    d.to_f64()
        .unwrap_or_else(|| f64::from_str(&d.to_string()).unwrap_or(f64::NAN))
}

/// The cast of a double to xs:decimal: its exact binary value, as far as 28 digits go (Saxon, the
/// reference, gives the exact value: `xs:decimal(64.4e0 + 1)` is 65.400000000000005684…, above 65.4,
/// which the official rules' `xs:decimal(cbc:TaxableAmount + 1) > …` tolerances depend on), not the
/// shortest decimal that reads back as the same double.
pub fn double_to_decimal(f: f64) -> XResult<Decimal> {
    if !f.is_finite() {
        return Err(XError::new(
            "FOCA0002",
            format!("cannot convert {f} to xs:decimal"),
        ));
    }
    Decimal::from_f64_retain(f)
        .ok_or_else(|| XError::new("FOAR0002", format!("{f} is too large for xs:decimal")))
}

/// The canonical decimal form: no trailing zeros after the point, no point for whole numbers.
pub fn decimal_to_string(d: Decimal) -> String {
    d.normalize().to_string()
}

/// The XPath 2.0 canonical double form for the values the rules print (whole numbers without `.0`).
pub fn double_to_string(f: f64) -> String {
    if f.is_nan() {
        "NaN".to_owned()
    } else if f.is_infinite() {
        if f > 0.0 { "INF" } else { "-INF" }.to_owned()
    } else if f == f.trunc() && f.abs() < 1e6 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// Compares two atomic values after the operands of a general comparison have been converted
/// (`general` = true applies the untypedAtomic rules of general comparisons; value comparisons treat
/// untypedAtomic as a string).
pub fn compare(op: CmpOp, left: &Atomic<'_>, right: &Atomic<'_>, general: bool) -> XResult<bool> {
    let ordering = match (left, right) {
        (Atomic::Untyped(a), Atomic::Untyped(b))
        | (Atomic::Untyped(a), Atomic::Str(b))
        | (Atomic::Str(a), Atomic::Untyped(b))
        | (Atomic::Str(a), Atomic::Str(b)) => Some(a.as_ref().cmp(b.as_ref())),
        (Atomic::Untyped(a), number @ (Atomic::Decimal(_) | Atomic::Double(_))) if general => {
            untyped_against_number(a, number)?
        }
        (number @ (Atomic::Decimal(_) | Atomic::Double(_)), Atomic::Untyped(b)) if general => {
            untyped_against_number(b, number)?.map(Ordering::reverse)
        }
        (Atomic::Untyped(a), other) if general => return compare(op, &promote(a, other)?, other, general),
        (other, Atomic::Untyped(b)) if general => return compare(op, other, &promote(b, other)?, general),
        (Atomic::Untyped(a), other) => return compare(op, &Atomic::Str(a.clone()), other, general),
        (other, Atomic::Untyped(b)) => return compare(op, other, &Atomic::Str(b.clone()), general),
        (Atomic::Decimal(a), Atomic::Decimal(b)) => Some(a.cmp(b)),
        (Atomic::Decimal(a), Atomic::Double(b)) => decimal_to_double(*a).partial_cmp(b),
        (Atomic::Double(a), Atomic::Decimal(b)) => a.partial_cmp(&decimal_to_double(*b)),
        (Atomic::Double(a), Atomic::Double(b)) => a.partial_cmp(b),
        (Atomic::Bool(a), Atomic::Bool(b)) => Some(a.cmp(b)),
        (Atomic::Date(a, ta), Atomic::Date(b, tb)) => Some(date_instant(*a, *ta).cmp(&date_instant(*b, *tb))),
        (a, b) => {
            return Err(XError::new(
                "XPTY0004",
                format!("cannot compare {:?} with {:?}", a.string(), b.string()),
            ))
        }
    };
    // NaN compares false with everything (and `!=` true)
    let Some(ordering) = ordering else {
        return Ok(op == CmpOp::Ne);
    };
    Ok(ordering_holds(op, ordering))
}

/// Whether `op` holds between two values that compare as `ordering` (the last step of [`compare`]).
pub fn ordering_holds(op: CmpOp, ordering: Ordering) -> bool {
    match op {
        CmpOp::Eq => ordering == Ordering::Equal,
        CmpOp::Ne => ordering != Ordering::Equal,
        CmpOp::Lt => ordering == Ordering::Less,
        CmpOp::Le => ordering != Ordering::Greater,
        CmpOp::Gt => ordering == Ordering::Greater,
        CmpOp::Ge => ordering != Ordering::Less,
    }
}

/// How an untypedAtomic value compares with a number in a general comparison, as the reference does it
/// (Saxon-HE's `UntypedNumericComparer`, XPath 3.1): `None` against NaN (then only `!=` holds); a whole
/// number of at most ten digits written without a point (`42`, `-0`) against a whole decimal compares as
/// an integer; otherwise the text read as a double against the number as a double in Java's total order
/// (`Double.compare`): -0 below 0, NaN above every number. Where XPath says -0 = 0 and NaN compares false,
/// this gives the reference's verdicts (an untyped `-0.00` is below 0, `NaN` is `>= 0`).
fn untyped_against_number(text: &str, number: &Atomic<'_>) -> XResult<Option<Ordering>> {
    let other = match number {
        Atomic::Decimal(d) => decimal_to_double(*d),
        Atomic::Double(f) => *f,
        _ => unreachable!("called with numbers only"),
    };
    if other.is_nan() {
        return Ok(None);
    }
    let trimmed = text.trim();
    let digits = trimmed.strip_prefix('-').unwrap_or(trimmed);
    let whole_number = (1..=10).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
    if let (true, Atomic::Decimal(d)) = (whole_number, number) {
        if d.scale() == 0 {
            if let (Ok(mine), Ok(theirs)) = (trimmed.parse::<i64>(), i64::try_from(*d)) {
                return Ok(Some(mine.cmp(&theirs)));
            }
        }
    }
    let mine = parse_double(text)?;
    Ok(Some(if mine.is_nan() {
        Ordering::Greater
    } else {
        mine.total_cmp(&other)
    }))
}

/// General comparison: an untypedAtomic operand takes the other operand's type (against numbers, which
/// [`compare`] leaves to [`untyped_against_number`], as xs:double).
fn promote<'a>(text: &Cow<'a, str>, other: &Atomic<'_>) -> XResult<Atomic<'a>> {
    match other {
        Atomic::Decimal(_) | Atomic::Double(_) => parse_double(text).map(Atomic::Double),
        Atomic::Bool(_) => Atomic::Untyped(text.clone()).cast(CastType::Boolean),
        Atomic::Date(..) => Atomic::Untyped(text.clone()).cast(CastType::Date),
        Atomic::Untyped(_) | Atomic::Str(_) => Ok(Atomic::Str(text.clone())),
    }
}

/// Minutes since the epoch of the date's start; a date without timezone is taken as UTC (the implicit
/// timezone of the reference run).
fn date_instant(date: NaiveDate, tz: Option<i32>) -> i64 {
    let days = date.signed_duration_since(NaiveDate::MIN).num_days();
    days * 24 * 60 - i64::from(tz.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leaf_elements_text_is_its_string_value() {
        let xml = "<r><a>one</a><b/><c><!--x--></c><d>t<e>u</e>v</d><f><![CDATA[w]]>x</f><g>&amp;</g>\
                   <h><?p i?></h><k> </k></r>";
        let doc = crate::rules::tree::Document::parse(xml).unwrap();
        let mut leaves = 0;
        for node in doc.descendants() {
            let walked: String = node
                .descendants()
                .filter(|d| d.is_text())
                .filter_map(|d| d.text())
                .collect();
            let expected = if node.is_text() {
                node.text().unwrap_or("").to_owned()
            } else {
                walked
            };
            assert_eq!(string_value(node), expected, "{:?}", node.id());
            if let Some(text) = node.leaf_text() {
                assert_eq!(text, expected, "{:?}", node.id());
                leaves += 1;
            }
        }
        // a, b, e, f (its text and CDATA are one node), g, k; not r, c, d, h nor the text nodes
        assert_eq!(leaves, 6);
    }

    #[test]
    fn decimal_lexical_rules_follow_xml_schema() {
        assert_eq!(parse_decimal(" 12.50 ").unwrap(), Decimal::new(1250, 2));
        assert_eq!(parse_decimal(".5").unwrap(), Decimal::new(5, 1));
        assert_eq!(parse_decimal("-3.").unwrap(), Decimal::from(-3));
        // the scale is kept whichever way the text is read
        for (text, mantissa, scale) in [
            ("1.50", 150, 2),
            ("+1.50", 150, 2),
            ("-0.5", -5, 1),
            ("-.5", -5, 1),
            ("007", 7, 0),
        ] {
            let value = parse_decimal(text).unwrap();
            assert_eq!((value.mantissa(), value.scale()), (mantissa, scale), "{text}");
        }
        for bad in ["", "1e3", "1,5", "abc", "."] {
            assert!(parse_decimal(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_double_cast_to_decimal_keeps_its_binary_value() {
        // 64.4e0 + 1 is a little above 65.4, as the reference says; the shortest form would be 65.4
        let above = double_to_decimal(64.4 + 1.0).unwrap();
        assert!(above > Decimal::new(654, 1), "{above}");
        assert!(above < Decimal::new(654_000_000_000_001, 13), "{above}");
        let below = double_to_decimal(2.675).unwrap();
        assert!(below < Decimal::new(2675, 3), "{below}");
        // exact binary values stay exact
        assert_eq!(double_to_decimal(0.5).unwrap(), Decimal::new(5, 1));
        assert_eq!(double_to_decimal(-12.0).unwrap(), Decimal::from(-12));
        assert!(double_to_decimal(f64::NAN).is_err());
        assert!(double_to_decimal(1e30).is_err());
    }

    #[test]
    fn untyped_against_number_compares_as_double() {
        let untyped = Atomic::Untyped(Cow::Borrowed("100.00"));
        assert!(compare(CmpOp::Eq, &untyped, &Atomic::Decimal(Decimal::from(100)), true).unwrap());
        let bad = Atomic::Untyped(Cow::Borrowed("n/a"));
        assert!(compare(CmpOp::Eq, &bad, &Atomic::Decimal(Decimal::from(1)), true).is_err());
        // two untyped values compare as strings
        let a = Atomic::Untyped(Cow::Borrowed("1.0"));
        let b = Atomic::Untyped(Cow::Borrowed("1"));
        assert!(!compare(CmpOp::Eq, &a, &b, true).unwrap());
    }

    /// Untyped text against numbers as the reference compares them (`=`, `<`, `>` in that order; taken
    /// from Saxon-HE 12 on these values): against the integer 0, the decimal 0.0, the double 0, the
    /// double -0, NaN and INF.
    #[test]
    fn untyped_against_number_gives_the_references_answers() {
        let numbers = [
            Atomic::Decimal(Decimal::ZERO),
            Atomic::Decimal(Decimal::new(0, 1)),
            Atomic::Double(0.0),
            Atomic::Double(-0.0),
            Atomic::Double(f64::NAN),
            Atomic::Double(f64::INFINITY),
        ];
        let table = [
            ("-0", ["TFF", "FTF", "FTF", "TFF", "FFF", "FTF"]),
            ("-0.00", ["FTF", "FTF", "FTF", "TFF", "FFF", "FTF"]),
            ("-00", ["TFF", "FTF", "FTF", "TFF", "FFF", "FTF"]),
            ("-0e0", ["FTF", "FTF", "FTF", "TFF", "FFF", "FTF"]),
            ("+0", ["TFF", "TFF", "TFF", "FFT", "FFF", "FTF"]),
            ("0.0", ["TFF", "TFF", "TFF", "FFT", "FFF", "FTF"]),
            ("NaN", ["FFT", "FFT", "FFT", "FFT", "FFF", "FFT"]),
            ("INF", ["FFT", "FFT", "FFT", "FFT", "FFF", "TFF"]),
            ("-INF", ["FTF", "FTF", "FTF", "FTF", "FFF", "FTF"]),
            (" 5 ", ["FFT", "FFT", "FFT", "FFT", "FFF", "FTF"]),
            ("-5.0", ["FTF", "FTF", "FTF", "FTF", "FFF", "FTF"]),
        ];
        for (text, row) in table {
            let untyped = Atomic::Untyped(Cow::Borrowed(text));
            for (number, want) in numbers.iter().zip(row) {
                let letters = |holds: &dyn Fn(CmpOp) -> bool| -> String {
                    [CmpOp::Eq, CmpOp::Lt, CmpOp::Gt]
                        .into_iter()
                        .map(|op| if holds(op) { 'T' } else { 'F' })
                        .collect()
                };
                let got = letters(&|op| compare(op, &untyped, number, true).unwrap());
                assert_eq!(got, want, "{text:?} against {number:?}");
                // the same with the operands swapped (and `<` / `>` with them)
                let swap = |op| match op {
                    CmpOp::Lt => CmpOp::Gt,
                    CmpOp::Gt => CmpOp::Lt,
                    other => other,
                };
                let swapped = letters(&|op| compare(swap(op), number, &untyped, true).unwrap());
                assert_eq!(swapped, want, "{number:?} against {text:?}");
            }
            // against NaN only != holds
            assert!(compare(CmpOp::Ne, &untyped, &Atomic::Double(f64::NAN), true).unwrap());
        }
    }

    /// Dates as XSD 1.1 and the reference read them (checked against Saxon-HE 12 on these texts).
    #[test]
    fn dates_read_as_the_reference_reads_them() {
        for (text, canonical) in [
            ("2016-02-29", Some("2016-02-29")),
            ("20166-12-31", Some("20166-12-31")),
            ("0000-01-01", Some("0000-01-01")),
            ("-0001-01-01", Some("-0001-01-01")),
            ("2016-02-28+14:00", Some("2016-02-28+14:00")),
            ("2016-02-28-00:00", Some("2016-02-28Z")),
            ("20166-12-31Z", Some("20166-12-31Z")),
            ("02016-12-31", None),
            ("2016-1-31", None),
            ("2016-02-30", None),
            ("+2016-01-01", None),
            ("2016-02-28z", None),
            ("2016-02-28T00:00", None),
            ("216-02-28", None),
        ] {
            let read = Atomic::Untyped(Cow::Borrowed(text)).cast(CastType::Date);
            assert_eq!(
                read.ok().map(|d| d.string().into_owned()).as_deref(),
                canonical,
                "{text}"
            );
        }
        assert!(compare(CmpOp::Gt, &date("20166-12-31"), &date("2016-12-31"), false).unwrap());
    }

    /// The text read as an xs:date, which it must be.
    fn date(text: &str) -> Atomic<'_> {
        Atomic::Untyped(Cow::Borrowed(text)).cast(CastType::Date).unwrap()
    }

    #[test]
    fn dates_compare_with_timezones() {
        assert!(compare(CmpOp::Lt, &date("2024-01-31"), &date("2024-02-01"), false).unwrap());
        assert!(Atomic::Untyped(Cow::Borrowed("2024-02-30"))
            .cast(CastType::Date)
            .is_err());
    }
}
