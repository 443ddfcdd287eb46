//! The rules' own XML tree: one flat arena of nodes in document order (elements, attributes, text,
//! comments, processing instructions), read by [`read`] straight from the text and walked through [`Node`],
//! whose methods mirror the `roxmltree` ones the rules call, so the evaluator reads either the same way.
//!
//! Why not `roxmltree`: its per-character text loop and per-node bookkeeping were the floor of the rules'
//! parse (issue 4). This reader validates text runs in bulk, keeps text as slices of the input, interns
//! local names and namespace URIs as small integers, and gives each node its subtree's end, so
//! `descendants()` is a range of ids.
//!
//! The same documents are accepted and the same trees built as `formats::xml::parse_safely` (roxmltree
//! with our limits): anything this reader refuses is parsed again by `parse_safely`, which either gives
//! the refusal users see today or a tree that is converted ([`Document::from_roxmltree`]). A differential
//! test over every corpus XML and thousands of mutations of them holds the two readers to that.

mod chars;
mod names;
mod node;
mod read;

pub(crate) use chars::is_plain;
pub use node::{Attribute, Document, ExpandedName, Node, NodeId};
pub use read::{parse_for_rules, read, read_for_rules, Refusal, MIN_CUT_BYTES, SECOND_DEFAULT_NAMESPACE};
