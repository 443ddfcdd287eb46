//! Safe XML parsing for e-invoices: no DTD (so no external entities and no entity expansion), a size limit,
//! a node-count limit and a nesting-depth limit, and small helpers to walk elements by local name (over the
//! rules' tree, `rules::tree`, which the e-invoice readers walk: it is read with these limits and refusals).

use roxmltree::{Document, ParsingOptions};

use crate::rules::tree::Node;

/// Larger XML than this is not an invoice anyone sends; refusing it bounds memory and time.
pub const MAX_XML_BYTES: usize = 50 * 1024 * 1024;
/// Upper bound on the number of nodes in one document.
pub const MAX_NODES: u32 = 2_000_000;
/// Upper bound on element nesting (real invoices stay under 20).
pub const MAX_DEPTH: usize = 128;

/// Parses XML text with the limits above. Errors are sentences for the user.
pub fn parse_safely(text: &str) -> Result<Document<'_>, String> {
    if text.len() > MAX_XML_BYTES {
        return Err(format!(
            "the XML is {} MB, larger than the {} MB limit for an invoice",
            text.len() / (1024 * 1024),
            MAX_XML_BYTES / (1024 * 1024)
        ));
    }
    check_declared_encoding(text)?;
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..ParsingOptions::default()
    };
    let document = Document::parse_with_options(text, options).map_err(|e| match e {
        roxmltree::Error::DtdDetected => {
            "the XML declares a DTD, which e-invoices never do; it is refused because DTDs can hide external \
             entities and entity bombs"
                .to_owned()
        }
        roxmltree::Error::NodesLimitReached => "the XML has too many elements to be an invoice".to_owned(),
        other => format!("the XML is malformed: {other}"),
    })?;
    if nesting_depth(&document) > MAX_DEPTH {
        return Err(format!("the XML nests elements deeper than {MAX_DEPTH} levels"));
    }
    Ok(document)
}

/// How deeply elements nest (the document node counts as one level, so a lone root element gives 2), in
/// one pass over the tree.
fn nesting_depth(document: &Document<'_>) -> usize {
    // nodes come in document order, so a parent's depth is known before its children's
    let mut depths = vec![0usize; document.descendants().len()];
    let mut deepest = 0;
    for node in document.descendants().filter(|n| n.is_root() || n.is_element()) {
        let depth = 1 + node.parent().map_or(0, |p| depths[p.id().get() as usize]);
        depths[node.id().get() as usize] = depth;
        deepest = deepest.max(depth);
    }
    deepest
}

/// The XML declaration's `encoding` must be a well-formed name (XML 1.0, production 81) that the UTF-8 text
/// honours: UTF-8 itself, or any ASCII-compatible name when the document is plain ASCII. A conforming parser
/// refuses anything else, and so do we: the sender's tool wrote a broken file.
pub(crate) fn check_declared_encoding(text: &str) -> Result<(), String> {
    let Some(declaration) = text
        .strip_prefix("<?xml")
        .and_then(|rest| rest.split("?>").next())
    else {
        return Ok(());
    };
    let Some(after) = declaration.split("encoding").nth(1) else {
        return Ok(());
    };
    let after = after.trim_start().strip_prefix('=').unwrap_or(after).trim_start();
    let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
        return Err("the XML declaration's encoding attribute is malformed".to_owned());
    };
    let name = after[1..].split(quote).next().unwrap_or_default();
    let well_formed = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !well_formed {
        return Err(format!(
            "the XML declaration names the encoding '{name}', which is not a valid encoding name"
        ));
    }
    let utf8 = name.eq_ignore_ascii_case("UTF-8") || name.eq_ignore_ascii_case("UTF8");
    if !utf8 && !text.is_ascii() {
        return Err(format!(
            "the XML declares the encoding '{name}' but its bytes are UTF-8; e-invoices must be UTF-8"
        ));
    }
    Ok(())
}

/// Decodes bytes as UTF-8 (with or without BOM). E-invoices are UTF-8 by the standards.
pub fn decode_utf8(bytes: &[u8]) -> Result<&str, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| format!("the XML is not valid UTF-8 (byte {})", e.valid_up_to()))
}

/// The first child element with this local name.
pub fn child<'a, 'input>(node: Node<'a, 'input>, local_name: &str) -> Option<Node<'a, 'input>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == local_name)
}

/// Every child element with this local name.
pub fn children<'a, 'input: 'a>(
    node: Node<'a, 'input>,
    local_name: &'a str,
) -> impl Iterator<Item = Node<'a, 'input>> + 'a {
    node.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == local_name)
}

/// Follows a path of local names through first-children.
pub fn path<'a, 'input>(node: Node<'a, 'input>, names: &[&str]) -> Option<Node<'a, 'input>> {
    names.iter().try_fold(node, |current, name| child(current, name))
}

/// The trimmed text of the element at `names` below `node`, `None` when absent or blank.
pub fn text_at(node: Node<'_, '_>, names: &[&str]) -> Option<String> {
    let text = path(node, names)?.text()?.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_entities_are_refused_before_anything_is_resolved() {
        let xxe = r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>"#;
        let error = parse_safely(xxe).unwrap_err();
        assert!(error.contains("DTD"), "{error}");
    }

    #[test]
    fn billion_laughs_is_refused() {
        let bomb = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>"#;
        assert!(parse_safely(bomb).is_err());
    }

    #[test]
    fn absurd_nesting_is_refused() {
        let deep = format!("{}{}", "<a>".repeat(MAX_DEPTH + 5), "</a>".repeat(MAX_DEPTH + 5));
        assert!(parse_safely(&deep).unwrap_err().contains("deeper"));
        // the limit is exact: MAX_DEPTH - 1 nested elements pass, MAX_DEPTH do not
        let nested = |n: usize| format!("{}x{}", "<a>".repeat(n), "</a>".repeat(n));
        assert!(parse_safely(&nested(MAX_DEPTH - 1)).is_ok());
        assert!(parse_safely(&nested(MAX_DEPTH)).is_err());
    }

    #[test]
    fn a_declared_encoding_must_be_a_valid_name_the_bytes_honour() {
        assert!(parse_safely(r#"<?xml version="1.0" encoding="UTF-8"?><x>ä</x>"#).is_ok());
        assert!(parse_safely(r#"<?xml version="1.0" encoding='utf-8'?><x>ä</x>"#).is_ok());
        assert!(parse_safely(r#"<?xml version="1.0" encoding="ISO-8859-1"?><x>a</x>"#).is_ok());
        assert!(parse_safely(r#"<?xml version="1.0"?><x>ä</x>"#).is_ok());
        let invalid = parse_safely(r#"<?xml version="1.0" encoding="UTF-8-W/O-BOM"?><x/>"#).unwrap_err();
        assert!(invalid.contains("UTF-8-W/O-BOM"), "{invalid}");
        let mismatch = parse_safely(r#"<?xml version="1.0" encoding="ISO-8859-1"?><x>ä</x>"#).unwrap_err();
        assert!(mismatch.contains("ISO-8859-1"), "{mismatch}");
    }

    #[test]
    fn helpers_walk_by_local_name_across_namespaces() {
        let doc = crate::rules::tree::Document::parse(r#"<r xmlns:c="urn:c"><c:A><c:B> x </c:B></c:A></r>"#)
            .unwrap();
        assert_eq!(text_at(doc.root_element(), &["A", "B"]).as_deref(), Some("x"));
        assert_eq!(text_at(doc.root_element(), &["A", "C"]), None);
    }
}
