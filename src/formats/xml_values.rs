//! Typed values read from e-invoice XML elements (amounts, currencies, indicators, identifiers), with
//! error messages that name the element the way the standards write it (`cbc:IssueDate`, `ram:ChargeAmount`).
//! Shared by the UBL and CII readers.

use std::str::FromStr;

use rust_decimal::Decimal;

use super::xml::{path, text_at};
use crate::model::invoice::{ItemAttribute, ItemClassification, SchemedId};
use crate::model::money::{parse_plain_decimal, Currency};
use crate::rules::tree::Node;

/// The element's name with its conventional prefix (`cbc:IssueDate`, `ram:ChargeAmount`) for messages.
pub fn element_name(node: Node<'_, '_>) -> String {
    let name = node.tag_name();
    let prefix = match name.namespace().unwrap_or_default() {
        ns if ns.ends_with("CommonBasicComponents-2") => "cbc:",
        ns if ns.ends_with("CommonAggregateComponents-2") => "cac:",
        ns if ns.ends_with("ReusableAggregateBusinessInformationEntity:100") => "ram:",
        ns if ns.ends_with("UnqualifiedDataType:100") => "udt:",
        ns if ns.ends_with("QualifiedDataType:100") => "qdt:",
        ns if ns.ends_with("CrossIndustryInvoice:100") => "rsm:",
        _ => "",
    };
    format!("{prefix}{}", name.name())
}

/// The trimmed text of an element, `None` when blank.
pub fn text_of(node: Node<'_, '_>) -> Option<String> {
    let text = node.text()?.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// The trimmed value of an attribute, `None` when absent or blank.
pub fn attribute(node: Node<'_, '_>, name: &str) -> Option<String> {
    let value = node.attribute(name)?.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// An identifier element with its optional `schemeID`.
pub fn schemed_id(node: Node<'_, '_>) -> Option<SchemedId> {
    Some(SchemedId {
        id: text_of(node)?,
        scheme: attribute(node, "schemeID"),
    })
}

/// An `xsd:decimal` exactly as written (scale kept; a leading `+` allowed; no exponent).
pub fn decimal_value(node: Node<'_, '_>) -> Result<Decimal, String> {
    let raw = node.text().unwrap_or_default().trim();
    parse_plain_decimal(raw).map_err(|_| format!("{} '{raw}' is not a decimal number", element_name(node)))
}

/// The decimal at `names` below `node`, `None` when absent.
pub fn decimal_at(node: Node<'_, '_>, names: &[&str]) -> Result<Option<Decimal>, String> {
    path(node, names).map(decimal_value).transpose()
}

/// A decimal EN 16931 requires wherever its group is present (an allowance's amount, a VAT subtotal's).
pub fn required_decimal_at(node: Node<'_, '_>, names: &[&str]) -> Result<Decimal, String> {
    decimal_at(node, names)?.ok_or_else(|| {
        format!(
            "{} has no {} element, which EN 16931 requires there",
            element_name(node),
            names.join("/")
        )
    })
}

/// A currency code element (BT-5, BT-6).
pub fn currency_at(node: Node<'_, '_>, names: &[&str]) -> Result<Option<Currency>, String> {
    path(node, names)
        .map(|n| {
            let raw = n.text().unwrap_or_default().trim();
            Currency::from_str(raw).map_err(|_| not_a_currency(&element_name(n), raw))
        })
        .transpose()
}

/// A `currencyID` attribute (absent → `None`).
pub fn currency_attribute(node: Node<'_, '_>) -> Result<Option<Currency>, String> {
    let Some(raw) = node.attribute("currencyID") else {
        return Ok(None);
    };
    Currency::from_str(raw)
        .map(Some)
        .map_err(|_| not_a_currency(&format!("{}/@currencyID", element_name(node)), raw))
}

fn not_a_currency(what: &str, raw: &str) -> String {
    format!(
        "{what} '{}' is not an ISO 4217 currency code (three letters, e.g. EUR)",
        raw.trim()
    )
}

/// An `xsd:boolean` (`true`/`false`/`1`/`0`); an absent indicator is `false`.
pub fn indicator_at(node: Node<'_, '_>, names: &[&str]) -> Result<bool, String> {
    let Some(indicator) = path(node, names) else {
        return Ok(false);
    };
    match indicator.text().unwrap_or_default().trim() {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        other => Err(format!(
            "{} '{other}' is not true or false",
            element_name(indicator)
        )),
    }
}

/// Texts joined by line breaks, `None` when there are none.
pub fn joined(texts: impl Iterator<Item = String>) -> Option<String> {
    let texts: Vec<String> = texts.collect();
    (!texts.is_empty()).then(|| texts.join("\n"))
}

/// `None` for a group the document left empty, so that an empty element does not become an empty group.
pub fn non_default<T: Default + PartialEq>(value: T) -> Option<T> {
    (value != T::default()).then_some(value)
}

/// BT-158: a classification code element with its `listID` and `listVersionID`.
pub fn read_item_classification(code: Node<'_, '_>) -> Option<ItemClassification> {
    Some(ItemClassification {
        code: text_of(code)?,
        list_id: attribute(code, "listID"),
        list_version: attribute(code, "listVersionID"),
    })
}

/// BG-32: an attribute group whose name and value are the children `name_element` and `value_element`.
pub fn read_item_attribute(
    group: Node<'_, '_>,
    name_element: &str,
    value_element: &str,
) -> Option<ItemAttribute> {
    Some(ItemAttribute {
        name: text_at(group, &[name_element])?,
        value: text_at(group, &[value_element])?,
    })
}
