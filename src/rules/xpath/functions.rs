//! The XPath 2.0 functions the artefacts call, with their empty-sequence, cardinality and type rules.

use std::borrow::Cow;

use rust_decimal::Decimal;

use super::ast::{CastType, CmpOp, Expr, Function};
use super::eval::{Evaluator, Focus};
use super::value::{compare, decimal_to_double, Atomic, Item, Sequence, XError, XResult};

/// What a function gives: most give exactly one value, which needs no sequence.
pub enum Value<'a, 'i> {
    One(Atomic<'a>),
    Many(Sequence<'a, 'i>),
}

fn one<'a, 'i>(value: Atomic<'a>) -> XResult<Value<'a, 'i>> {
    Ok(Value::One(value))
}

fn boolean<'a, 'i>(value: bool) -> XResult<Value<'a, 'i>> {
    one(Atomic::Bool(value))
}

fn string<'a, 'i>(value: String) -> XResult<Value<'a, 'i>> {
    one(Atomic::Str(Cow::Owned(value)))
}

fn arity(function: &Function, args: &[Expr], min: usize, max: usize) -> XResult<()> {
    if args.len() < min || args.len() > max {
        return Err(XError::new(
            "XPST0017",
            format!("{function:?}() called with {} arguments", args.len()),
        ));
    }
    Ok(())
}

/// A `xs:string?` argument: empty gives "", more than one item is an error.
pub(super) fn string_arg<'a, 'i>(
    ev: &mut Evaluator<'a, 'i, '_>,
    expr: &'a Expr,
    focus: &Focus<'a, 'i>,
) -> XResult<Cow<'a, str>> {
    Ok(ev
        .single_atomic(expr, focus)?
        .map(|a| a.string())
        .unwrap_or(Cow::Borrowed("")))
}

/// The string argument, or the context item's string value when the argument is omitted.
fn string_or_context<'a, 'i>(
    ev: &mut Evaluator<'a, 'i, '_>,
    args: &'a [Expr],
    focus: &Focus<'a, 'i>,
) -> XResult<Cow<'a, str>> {
    match args.first() {
        Some(expr) => string_arg(ev, expr, focus),
        None => Ok(focus.item.string()),
    }
}

/// A numeric argument (`numeric?`): untypedAtomic becomes a double.
fn numeric_arg<'a, 'i>(
    ev: &mut Evaluator<'a, 'i, '_>,
    expr: &'a Expr,
    focus: &Focus<'a, 'i>,
) -> XResult<Option<Atomic<'a>>> {
    ev.single_atomic(expr, focus)?.map(|a| a.to_numeric()).transpose()
}

fn as_double(value: &Atomic<'_>) -> f64 {
    match value {
        Atomic::Decimal(d) => decimal_to_double(*d),
        Atomic::Double(f) => *f,
        _ => f64::NAN,
    }
}

/// XPath `round`: half rounds towards positive infinity; a double from -0.5 to -0 rounds to -0.
fn round_half_up(value: Atomic<'_>) -> Atomic<'_> {
    match value {
        Atomic::Decimal(d) => Atomic::Decimal((d + Decimal::new(5, 1)).floor()),
        Atomic::Double(f) if f.is_sign_negative() && f >= -0.5 => Atomic::Double(-0.0),
        Atomic::Double(f) if f.is_finite() => Atomic::Double((f + 0.5).floor()),
        other => other,
    }
}

pub fn call<'a, 'i>(
    ev: &mut Evaluator<'a, 'i, '_>,
    function: &'a Function,
    args: &'a [Expr],
    focus: &Focus<'a, 'i>,
) -> XResult<Sequence<'a, 'i>> {
    Ok(match call_value(ev, function, args, focus)? {
        Value::One(value) => vec![Item::Atomic(value)],
        Value::Many(items) => items,
    })
}

/// [`call`] without building a sequence for the functions that give one value.
pub fn call_value<'a, 'i>(
    ev: &mut Evaluator<'a, 'i, '_>,
    function: &'a Function,
    args: &'a [Expr],
    focus: &Focus<'a, 'i>,
) -> XResult<Value<'a, 'i>> {
    match function {
        Function::True => boolean(true),
        Function::False => boolean(false),
        Function::Not => {
            arity(function, args, 1, 1)?;
            boolean(!ev.boolean(&args[0], focus)?)
        }
        Function::Boolean => {
            arity(function, args, 1, 1)?;
            boolean(ev.boolean(&args[0], focus)?)
        }
        Function::Exists | Function::Empty => {
            arity(function, args, 1, 1)?;
            let empty = match args[0].bare() {
                // nodes: existence without collecting them
                Expr::Path(_, steps) if super::eval::is_node_path(steps) => !ev.boolean(&args[0], focus)?,
                _ => ev.sequence(&args[0], focus)?.is_empty(),
            };
            boolean(empty == matches!(function, Function::Empty))
        }
        Function::Count => {
            arity(function, args, 1, 1)?;
            one(Atomic::Decimal(Decimal::from(ev.count(&args[0], focus)?)))
        }
        Function::Sum => {
            arity(function, args, 1, 2)?;
            let items = ev.sequence(&args[0], focus)?;
            let mut total: Option<Atomic<'a>> = None;
            for item in items.iter() {
                let value = item.atomize().to_numeric().map_err(|_| {
                    XError::new(
                        "FORG0006",
                        format!("sum() over the non-numeric value {:?}", item.string()),
                    )
                })?;
                total = Some(match (total, value) {
                    (None, v) => v,
                    (Some(Atomic::Decimal(a)), Atomic::Decimal(b)) => Atomic::Decimal(
                        a.checked_add(b)
                            .ok_or_else(|| XError::new("FOAR0002", "decimal overflow"))?,
                    ),
                    (Some(a), b) => Atomic::Double(as_double(&a) + as_double(&b)),
                });
            }
            match total {
                Some(total) => one(total),
                None if args.len() == 2 => ev.eval(&args[1], focus).map(Value::Many),
                None => one(Atomic::Decimal(Decimal::ZERO)),
            }
        }
        Function::Abs | Function::Round | Function::Floor | Function::Ceiling => {
            arity(function, args, 1, 1)?;
            let Some(value) = numeric_arg(ev, &args[0], focus)? else {
                return Ok(Value::Many(Vec::new()));
            };
            one(match (function, value) {
                (Function::Round, v) => round_half_up(v),
                (Function::Abs, Atomic::Decimal(d)) => Atomic::Decimal(d.abs()),
                (Function::Abs, Atomic::Double(f)) => Atomic::Double(f.abs()),
                (Function::Floor, Atomic::Decimal(d)) => Atomic::Decimal(d.floor()),
                (Function::Floor, Atomic::Double(f)) => Atomic::Double(f.floor()),
                (Function::Ceiling, Atomic::Decimal(d)) => Atomic::Decimal(d.ceil()),
                (Function::Ceiling, Atomic::Double(f)) => Atomic::Double(f.ceil()),
                (_, other) => other,
            })
        }
        Function::Number => {
            arity(function, args, 0, 1)?;
            let value = match args.first() {
                Some(expr) => ev.single_atomic(expr, focus)?,
                None => Some(focus.item.atomize()),
            };
            let number = value
                .and_then(|v| v.cast(CastType::Double).ok())
                .map(|v| as_double(&v));
            one(Atomic::Double(number.unwrap_or(f64::NAN)))
        }
        Function::String => {
            arity(function, args, 0, 1)?;
            let text = string_or_context(ev, args, focus)?;
            one(Atomic::Str(text))
        }
        Function::NormalizeSpace => {
            arity(function, args, 0, 1)?;
            let text = string_or_context(ev, args, focus)?;
            one(Atomic::Str(normalize_space(text)))
        }
        Function::UpperCase | Function::LowerCase => {
            arity(function, args, 1, 1)?;
            let text = string_arg(ev, &args[0], focus)?;
            one(Atomic::Str(case_mapped(
                text,
                matches!(function, Function::UpperCase),
            )))
        }
        Function::EndsWith if context_name_suffix(args).is_some() => {
            // `ends-with(name(), 'Amount')` without building the prefixed name: a suffix without `:` can only
            // match inside the local name
            let Expr::Str(suffix) = &args[1] else {
                return Err(XError::new("XPST0017", "ends-with(name(), …) without a literal"));
            };
            let local = match &focus.item {
                Item::Node(n) if n.is_element() => n.tag_name().name(),
                Item::Attr(n, i) => n.attributes().nth(*i).map(|a| a.name()).unwrap_or(""),
                _ => "",
            };
            boolean(local.ends_with(suffix.as_str()))
        }
        Function::Contains | Function::StartsWith | Function::EndsWith => {
            arity(function, args, 2, 3)?;
            let text = string_arg(ev, &args[0], focus)?;
            let part = string_arg(ev, &args[1], focus)?;
            boolean(match function {
                Function::Contains => text.contains(part.as_ref()),
                Function::StartsWith => text.starts_with(part.as_ref()),
                _ => text.ends_with(part.as_ref()),
            })
        }
        Function::StringLength => {
            arity(function, args, 0, 1)?;
            let text = string_or_context(ev, args, focus)?;
            one(Atomic::Decimal(Decimal::from(text.chars().count())))
        }
        Function::Concat => {
            let mut out = String::new();
            for arg in args {
                out.push_str(&string_arg(ev, arg, focus)?);
            }
            string(out)
        }
        Function::SubstringBefore | Function::SubstringAfter => {
            arity(function, args, 2, 3)?;
            let text = string_arg(ev, &args[0], focus)?;
            let part = string_arg(ev, &args[1], focus)?;
            // a part of a borrowed text is borrowed too: no copy
            let Some(at) = text.find(part.as_ref()) else {
                return string(String::new());
            };
            let range = match function {
                Function::SubstringBefore => 0..at,
                _ => at + part.len()..text.len(),
            };
            one(Atomic::Str(match text {
                Cow::Borrowed(text) => Cow::Borrowed(&text[range]),
                Cow::Owned(text) => Cow::Owned(text[range].to_owned()),
            }))
        }
        Function::Substring => {
            arity(function, args, 2, 3)?;
            let text = string_arg(ev, &args[0], focus)?;
            let start = numeric_arg(ev, &args[1], focus)?.map(|v| as_double(&round_half_up(v)));
            let length = match args.get(2) {
                Some(expr) => numeric_arg(ev, expr, focus)?.map(|v| as_double(&round_half_up(v))),
                None => Some(f64::INFINITY),
            };
            let (Some(start), Some(length)) = (start, length) else {
                return string(String::new());
            };
            let end = start + length;
            let result: String = text
                .chars()
                .enumerate()
                .filter(|(i, _)| {
                    let p = (*i + 1) as f64;
                    p >= start && p < end
                })
                .map(|(_, c)| c)
                .collect();
            string(result)
        }
        Function::Translate => {
            arity(function, args, 3, 3)?;
            let text = string_arg(ev, &args[0], focus)?;
            let from: Vec<char> = string_arg(ev, &args[1], focus)?.chars().collect();
            let to: Vec<char> = string_arg(ev, &args[2], focus)?.chars().collect();
            let result = text
                .chars()
                .filter_map(|c| match from.iter().position(|f| *f == c) {
                    Some(i) => to.get(i).copied(),
                    None => Some(c),
                })
                .collect();
            string(result)
        }
        Function::Matches(compiled) => {
            arity(function, args, 2, 3)?;
            let text = string_arg(ev, &args[0], focus)?;
            match compiled {
                Some(regex) => boolean(regex.is_match(&text)),
                None => {
                    let pattern = string_arg(ev, &args[1], focus)?;
                    let regex =
                        super::parse::compile_regex(&pattern).map_err(|e| XError::new("FORX0002", e))?;
                    boolean(regex.is_match(&text))
                }
            }
        }
        Function::Tokenize(compiled) | Function::Replace(compiled) => {
            let replacing = matches!(function, Function::Replace(_));
            let arguments = if replacing { 3 } else { 2 };
            arity(function, args, arguments, arguments + 1)?;
            let text = string_arg(ev, &args[0], focus)?;
            let dynamic;
            let regex = match compiled {
                Some(regex) if args.len() == arguments => regex.as_ref(),
                _ => {
                    let pattern = string_arg(ev, &args[1], focus)?;
                    dynamic =
                        super::parse::compile_regex(&pattern).map_err(|e| XError::new("FORX0002", e))?;
                    &dynamic
                }
            };
            if regex.is_match("") {
                return Err(XError::new(
                    "FORX0003",
                    "the pattern matches a zero-length string",
                ));
            }
            if replacing {
                // XPath writes group references as $N and escapes with a backslash; the regex crate wants ${N}
                let replacement = string_arg(ev, &args[2], focus)?;
                let mut expanded = String::new();
                let mut chars = replacement.chars().peekable();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => match chars.next() {
                            Some('$') => expanded.push_str("$$"),
                            Some(other) => expanded.push(other),
                            None => return Err(XError::new("FORX0004", "a replacement ends in a backslash")),
                        },
                        '$' => {
                            let mut digits = String::new();
                            while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                                digits.push(*d);
                                chars.next();
                            }
                            if digits.is_empty() {
                                return Err(XError::new(
                                    "FORX0004",
                                    "a $ in a replacement is not followed by a digit",
                                ));
                            }
                            expanded.push_str(&format!("${{{digits}}}"));
                        }
                        other => expanded.push(other),
                    }
                }
                return string(regex.replace_all(&text, expanded.as_str()).into_owned());
            }
            if text.is_empty() {
                return Ok(Value::Many(Vec::new()));
            }
            Ok(Value::Many(
                regex
                    .split(&text)
                    .map(|part| Item::Atomic(Atomic::Str(Cow::Owned(part.to_owned()))))
                    .collect(),
            ))
        }
        Function::LocalName | Function::Name => {
            arity(function, args, 0, 1)?;
            let item = match args.first() {
                Some(expr) => {
                    let items = ev.eval(expr, focus)?;
                    match items.len() {
                        0 => return string(String::new()),
                        1 => items.into_iter().next(),
                        _ => return Err(XError::new("XPTY0004", "name() of several nodes")),
                    }
                }
                None => Some(focus.item.clone()),
            };
            string(
                item.map(|i| node_name(&i, matches!(function, Function::Name)))
                    .unwrap_or_default(),
            )
        }
        Function::DistinctValues => {
            arity(function, args, 1, 2)?;
            let items = ev.eval(&args[0], focus)?;
            let mut distinct: Vec<Atomic<'a>> = Vec::new();
            for item in &items {
                let value = match item.atomize() {
                    Atomic::Untyped(s) => Atomic::Str(s),
                    other => other,
                };
                let seen = distinct
                    .iter()
                    .any(|d| compare(CmpOp::Eq, d, &value, false).unwrap_or(false));
                if !seen {
                    distinct.push(value);
                }
            }
            Ok(Value::Many(distinct.into_iter().map(Item::Atomic).collect()))
        }
        Function::Position => one(Atomic::Decimal(Decimal::from(focus.position))),
        Function::Last => one(Atomic::Decimal(Decimal::from(focus.size))),
        Function::Constructor(target) => {
            arity(function, args, 1, 1)?;
            match ev.single_atomic(&args[0], focus)? {
                None => Ok(Value::Many(Vec::new())),
                Some(value) => one(value.cast(*target)?),
            }
        }
    }
}

/// `upper-case` (`upper`) or `lower-case` of a text: ASCII already in the wanted case (`VAT`, codes) is
/// returned as it is, without a copy.
pub(super) fn case_mapped(text: Cow<'_, str>, upper: bool) -> Cow<'_, str> {
    let unchanged = text.is_ascii()
        && !text.bytes().any(|b| {
            if upper {
                b.is_ascii_lowercase()
            } else {
                b.is_ascii_uppercase()
            }
        });
    match (unchanged, upper) {
        (true, _) => text,
        (false, true) => Cow::Owned(text.to_uppercase()),
        (false, false) => Cow::Owned(text.to_lowercase()),
    }
}

/// XPath whitespace: space, tab, CR, LF only (a no-break space is kept, unlike `char::is_whitespace`).
fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// `normalize-space`: borrowed when the text is already normal (the common case: no allocation).
pub(super) fn normalize_space(text: Cow<'_, str>) -> Cow<'_, str> {
    let normal = !text.starts_with(is_xml_space)
        && !text.ends_with(is_xml_space)
        && !text.contains(['\t', '\r', '\n'])
        && !text.contains("  ");
    if normal {
        return text;
    }
    Cow::Owned(
        text.split(is_xml_space)
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// How `normalize-space(text)` compares with `other` as strings (codepoint order, as `str`'s), without
/// building the normalized text: its words (the runs between XPath whitespace) joined by single spaces.
pub(super) fn compare_normalized(text: &str, other: &str) -> std::cmp::Ordering {
    text.split(is_xml_space)
        .filter(|word| !word.is_empty())
        .enumerate()
        .flat_map(|(i, word)| (i > 0).then_some(b' ').into_iter().chain(word.bytes()))
        .cmp(other.bytes())
}

/// The suffix of `ends-with(name(), 'suffix')` (these being `args`) when it has no `:`: it can then only
/// match inside the local name, whatever prefix the document uses.
pub(crate) fn context_name_suffix(args: &[Expr]) -> Option<&str> {
    match args {
        [Expr::Call(Function::Name, name_args), Expr::Str(suffix)]
            if name_args.is_empty() && !suffix.contains(':') =>
        {
            Some(suffix)
        }
        _ => None,
    }
}

/// `name()` (with the document's prefix) or `local-name()` of a node; "" for values.
fn node_name(item: &Item<'_, '_>, qualified: bool) -> String {
    let (local, namespace, holder) = match item {
        Item::Node(n) if n.is_element() => (n.tag_name().name(), n.tag_name().namespace(), *n),
        Item::Attr(n, i) => match n.attributes().nth(*i) {
            Some(a) => (a.name(), a.namespace(), *n),
            None => return String::new(),
        },
        _ => return String::new(),
    };
    match namespace
        .and_then(|ns| holder.lookup_prefix(ns))
        .filter(|p| qualified && !p.is_empty())
    {
        Some(prefix) => format!("{prefix}:{local}"),
        None => local.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_keeps_the_sign_of_a_zero_and_rounds_halves_up() {
        let rounded = |f: f64| match round_half_up(Atomic::Double(f)) {
            Atomic::Double(r) => r,
            other => panic!("{other:?}"),
        };
        // (value, result, result negative): as F&O 3.1 and the reference give them
        for (value, want, negative) in [
            (-0.0, 0.0, true),
            (-0.3, 0.0, true),
            (-0.5, 0.0, true),
            (0.0, 0.0, false),
            (0.3, 0.0, false),
            (-0.51, -1.0, true),
            (-2.5, -2.0, true),
            (2.5, 3.0, false),
        ] {
            let got = rounded(value);
            assert_eq!((got, got.is_sign_negative()), (want, negative), "round({value})");
        }
        assert!(rounded(f64::NAN).is_nan());
    }

    #[test]
    fn normalize_space_collapses_xml_whitespace_only() {
        assert_eq!(normalize_space(Cow::Borrowed("  a \t\n b  ")), "a b");
        assert_eq!(normalize_space(Cow::Borrowed("a b")), "a b");
        // a no-break space is not XML whitespace
        assert_eq!(normalize_space(Cow::Borrowed("\u{a0}a\u{a0}")), "\u{a0}a\u{a0}");
        assert_eq!(normalize_space(Cow::Borrowed(" ")), "");
    }

    #[test]
    fn comparing_normalized_text_orders_as_the_normalized_string() {
        let texts = [
            "",
            " ",
            "\t\n",
            "a",
            " a ",
            "a b",
            "a  b",
            "\ta\r\nb ",
            "ab",
            "a b c",
            "\u{a0}a",
            "é",
            " é b",
            "a\u{a0}b",
            "b",
            "a bc",
        ];
        for text in texts {
            let normal = normalize_space(Cow::Borrowed(text));
            for other in texts {
                assert_eq!(
                    compare_normalized(text, other),
                    normal.as_ref().cmp(other),
                    "{text:?} against {other:?}"
                );
            }
        }
    }
}
