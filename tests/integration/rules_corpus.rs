//! Finding the shared corpora for the rules tests (the same place `readers.rs` looks: `shared/` beside the
//! checkout), listing XML files, and cutting a document out of a VEFA test set.

use std::path::{Path, PathBuf};

/// The corpora sit beside the checkout (`shared/` next to the worktree). Missing corpora fail loudly: a
/// silently skipped parity test would pass while testing nothing.
pub fn corpora() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
    assert!(
        dir.is_dir(),
        "the corpora are missing at {}: check out shared/ beside the repository (CI does)",
        dir.display()
    );
    dir
}

/// Every `*.xml` file below `dir` (any case of the extension), sorted, recursively.
pub fn xml_files(dir: &Path) -> Vec<PathBuf> {
    assert!(dir.is_dir(), "corpus folder {} is missing", dir.display());
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).expect("corpus folders are readable") {
            let path = entry.expect("corpus folders are readable").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xml")) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The path of a corpus file relative to the corpora, with `/` separators.
pub fn relative(file: &Path) -> String {
    file.strip_prefix(corpora())
        .expect("files are found below the corpora")
        .to_string_lossy()
        .replace('\\', "/")
}

/// The text of one element as a standalone document: its source text with the namespace declarations it
/// inherits added to its start tag (as lxml's `tostring` does for the reference run).
pub fn standalone(node: roxmltree::Node<'_, '_>, text: &str) -> String {
    let source = &text[node.range()];
    let tag_end = source.find('>').expect("an element has a start tag");
    let start_tag = &source[..tag_end];
    let mut declarations = String::new();
    for ns in node.namespaces() {
        let attribute = match ns.name() {
            Some("xml") => continue,
            Some(prefix) => format!("xmlns:{prefix}"),
            None => "xmlns".to_owned(),
        };
        let declared_here = start_tag
            .match_indices(&attribute)
            .any(|(at, _)| start_tag[at + attribute.len()..].trim_start().starts_with('='));
        if !declared_here {
            declarations.push_str(&format!(" {attribute}=\"{}\"", ns.uri()));
        }
    }
    let name_end = start_tag
        .find(|c: char| c.is_whitespace())
        .unwrap_or(start_tag.len())
        .min(tag_end);
    let name_end = if start_tag[..name_end].ends_with('/') {
        name_end - 1
    } else {
        name_end
    };
    format!("{}{}{}", &source[..name_end], declarations, &source[name_end..])
}
