//! Files embedded in a PDF: the document's associated files (`/AF`, PDF/A-3, where Factur-X puts its XML),
//! the `/EmbeddedFiles` name tree and file-attachment annotations on the pages, each with its name,
//! relationship and decoded bytes.

use std::collections::HashSet;

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::pdf::{resolve, text_string, MAX_DECODED_STREAM_BYTES};

/// Name trees deeper than this are not real documents (and could loop through odd references).
const MAX_NAME_TREE_DEPTH: usize = 32;
/// More attachments than this in one invoice PDF are not read.
const MAX_ATTACHMENTS: usize = 256;

/// One embedded file.
#[derive(Debug, Clone)]
pub struct EmbeddedFile {
    /// The file name the PDF gives it (`/UF`, else `/F`, else the name-tree key).
    pub name: String,
    /// `/AFRelationship` (`Data`, `Alternative`, `Source`…), when stated.
    pub relationship: Option<String>,
    /// The decoded content, or why it could not be decoded.
    pub content: Result<Vec<u8>, String>,
}

/// Every embedded file, associated files first, each stream once.
pub fn embedded_files(document: &Document) -> Vec<EmbeddedFile> {
    let mut specs: Vec<(Option<String>, &Dictionary)> = Vec::new();
    if let Ok(catalog) = document.catalog() {
        if let Some(Object::Array(associated)) = catalog.get(b"AF").ok().and_then(|o| resolve(document, o)) {
            for spec in associated {
                if let Some(Object::Dictionary(spec)) = resolve(document, spec) {
                    specs.push((None, spec));
                }
            }
        }
        let tree = catalog
            .get(b"Names")
            .ok()
            .and_then(|o| resolve(document, o))
            .and_then(|o| o.as_dict().ok())
            .and_then(|names| names.get(b"EmbeddedFiles").ok())
            .and_then(|o| resolve(document, o))
            .and_then(|o| o.as_dict().ok());
        if let Some(tree) = tree {
            collect_name_tree(document, tree, 0, &mut HashSet::new(), &mut specs);
        }
    }
    for page_id in document.page_iter() {
        if specs.len() >= MAX_ATTACHMENTS {
            break;
        }
        for annotation in document.get_page_annotations(page_id).unwrap_or_default() {
            let is_attachment = annotation
                .get(b"Subtype")
                .ok()
                .and_then(|o| o.as_name().ok())
                .is_some_and(|s| s == b"FileAttachment");
            if let Some(Object::Dictionary(spec)) = is_attachment
                .then(|| annotation.get(b"FS").ok())
                .flatten()
                .and_then(|o| resolve(document, o))
            {
                specs.push((None, spec));
            }
        }
    }

    let mut seen_streams: HashSet<ObjectId> = HashSet::new();
    let mut files = Vec::new();
    for (key, spec) in specs {
        if files.len() >= MAX_ATTACHMENTS {
            break;
        }
        let Some(file) = read_file_spec(document, key, spec, &mut seen_streams) else {
            continue;
        };
        files.push(file);
    }
    files
}

/// Walks a name tree (`/Names [key value …]`, `/Kids [...]`), keeping each value that is a file spec.
fn collect_name_tree<'a>(
    document: &'a Document,
    node: &'a Dictionary,
    depth: usize,
    visited: &mut HashSet<ObjectId>,
    out: &mut Vec<(Option<String>, &'a Dictionary)>,
) {
    if depth > MAX_NAME_TREE_DEPTH || out.len() >= MAX_ATTACHMENTS {
        return;
    }
    if let Some(Object::Array(names)) = node.get(b"Names").ok().and_then(|o| resolve(document, o)) {
        for pair in names.chunks(2) {
            if let [key, value] = pair {
                if let Some(Object::Dictionary(spec)) = resolve(document, value) {
                    out.push((text_string(document, key), spec));
                }
            }
        }
    }
    if let Some(Object::Array(kids)) = node.get(b"Kids").ok().and_then(|o| resolve(document, o)) {
        for kid in kids {
            if let Object::Reference(id) = kid {
                if !visited.insert(*id) {
                    continue;
                }
            }
            if let Some(Object::Dictionary(kid)) = resolve(document, kid) {
                collect_name_tree(document, kid, depth + 1, visited, out);
            }
        }
    }
}

/// A file specification (PDF 32000-1, 7.11.3) with an embedded stream in `/EF`.
fn read_file_spec(
    document: &Document,
    key: Option<String>,
    spec: &Dictionary,
    seen_streams: &mut HashSet<ObjectId>,
) -> Option<EmbeddedFile> {
    let embedded = spec
        .get(b"EF")
        .ok()
        .and_then(|o| resolve(document, o))?
        .as_dict()
        .ok()?;
    let stream_ref = embedded.get(b"UF").or_else(|_| embedded.get(b"F")).ok()?;
    if let Object::Reference(id) = stream_ref {
        if !seen_streams.insert(*id) {
            return None;
        }
    }
    let name = [b"UF".as_slice(), b"F".as_slice()]
        .iter()
        .find_map(|k| spec.get(k).ok().and_then(|o| text_string(document, o)))
        .filter(|n| !n.trim().is_empty())
        .or(key)
        .unwrap_or_else(|| "unnamed attachment".to_owned());
    let relationship = spec
        .get(b"AFRelationship")
        .ok()
        .and_then(|o| resolve(document, o))
        .and_then(|o| o.as_name().ok())
        .map(|n| String::from_utf8_lossy(n).into_owned());
    let content = match resolve(document, stream_ref) {
        Some(Object::Stream(stream)) => stream
            .decompressed_content_with_limit(MAX_DECODED_STREAM_BYTES)
            .map_err(|e| format!("its content could not be decoded ({e})")),
        _ => Err("its content stream is missing".to_owned()),
    };
    Some(EmbeddedFile {
        name,
        relationship,
        content,
    })
}
