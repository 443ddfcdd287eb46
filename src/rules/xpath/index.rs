//! A per-document index that turns `//name` (the descendant axis with a name test) from a walk of the whole
//! tree into a binary search: elements by local name in document order, and each element's name hashes.
//!
//! Built in one pass over the parser's node array with no per-element allocation and no per-element map
//! insert: each local name is looked up in a small open-addressing table of the document's distinct names
//! (hash, then the name itself confirmed, so a hash collision never merges two names), counted, and the
//! elements are then placed by a counting sort, each name's elements contiguous and in document order.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::rules::tree::{Document, Node, NodeId};

/// FNV-1a: names are short, and SipHash's resistance to crafted keys buys nothing for a per-document
/// index of element names (the map is bounded by the document, which is bounded by the parser's limits).
#[derive(Default)]
pub struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

/// A hash of an expanded name (namespace URI and local name): the parser stores it in each name test and
/// the index for each element, so that a step rejects an element of another name by comparing two integers
/// instead of two strings. A hash only ever rejects: equal hashes are confirmed by comparing the names.
/// The local name is read eight bytes at a time and the namespace's part is computed once per namespace of
/// a document ([`namespace_seed`]), so an element's two hashes (with and without namespace) cost one pass.
pub fn name_hash(namespace: Option<&str>, local: &str) -> u64 {
    combine(namespace_seed(namespace), text_hash(local))
}

const MIX: u64 = 0x9e37_79b9_7f4a_7c15;

fn mix(x: u64) -> u64 {
    let x = x.wrapping_mul(MIX);
    x ^ (x >> 29)
}

/// The hash of a string, eight bytes at a time (its length mixed in first; a last partial word is read as
/// the string's last eight bytes, overlapping the word before).
fn text_hash(text: &str) -> u64 {
    let bytes = text.as_bytes();
    let mut hash = mix(bytes.len() as u64);
    if bytes.len() < 8 {
        let word = bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        return mix(hash ^ word);
    }
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        hash = mix(hash ^ word_at(word));
    }
    if !words.remainder().is_empty() {
        hash = mix(hash ^ word_at(&bytes[bytes.len() - 8..]));
    }
    hash
}

/// The first eight bytes as a little-endian word (0 if there are fewer).
fn word_at(bytes: &[u8]) -> u64 {
    bytes
        .get(..8)
        .and_then(|word| <[u8; 8]>::try_from(word).ok())
        .map_or(0, u64::from_le_bytes)
}

/// The namespace's part of [`name_hash`] (no namespace and the empty one are the same).
fn namespace_seed(namespace: Option<&str>) -> u64 {
    text_hash(namespace.unwrap_or("")).rotate_left(23)
}

/// [`name_hash`] from the namespace's seed and the local name's [`text_hash`].
fn combine(seed: u64, local: u64) -> u64 {
    mix(seed ^ local)
}

/// A hash map keyed by names.
pub type NameMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// Items grouped by local name: each name's items contiguous and in the order they were added (document
/// order), found through an open-addressing table of the distinct names.
struct ByName<'a, T> {
    /// Slot → group number + 1 (0: empty); the length is a power of two, at most half full.
    slots: Vec<u32>,
    /// Per group: the local name's [`name_hash`] without namespace, the name, and its items' range.
    hashes: Vec<u64>,
    names: Vec<&'a str>,
    ranges: Vec<(u32, u32)>,
    items: Vec<T>,
}

/// Adds items one by one (interning their names), then sorts them into groups once.
struct ByNameBuilder<'a, T> {
    slots: Vec<u32>,
    hashes: Vec<u64>,
    names: Vec<&'a str>,
    counts: Vec<u32>,
    added: Vec<(u32, T)>,
}

/// The slot a hash starts probing at (Fibonacci hashing: FNV's low bits alone are weak).
fn home_slot(hash: u64, slots: usize) -> usize {
    (hash.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - slots.trailing_zeros())) as usize
}

impl<'a, T: Copy> ByNameBuilder<'a, T> {
    fn with_capacity(items: usize) -> Self {
        Self {
            slots: vec![0; 128],
            hashes: Vec::with_capacity(64),
            names: Vec::with_capacity(64),
            counts: Vec::with_capacity(64),
            added: Vec::with_capacity(items),
        }
    }

    fn add(&mut self, hash: u64, name: &'a str, item: T) {
        let group = self.intern(hash, name);
        self.counts[group as usize] += 1;
        self.added.push((group, item));
    }

    fn intern(&mut self, hash: u64, name: &'a str) -> u32 {
        let mask = self.slots.len() - 1;
        let mut slot = home_slot(hash, self.slots.len());
        loop {
            match self.slots[slot] {
                0 => break,
                taken => {
                    let group = taken as usize - 1;
                    if self.hashes[group] == hash && self.names[group] == name {
                        return group as u32;
                    }
                    slot = (slot + 1) & mask;
                }
            }
        }
        let group = self.hashes.len() as u32;
        self.hashes.push(hash);
        self.names.push(name);
        self.counts.push(0);
        self.slots[slot] = group + 1;
        if self.hashes.len() * 2 > self.slots.len() {
            self.slots = slots_for(&self.hashes, self.slots.len() * 2);
        }
        group
    }

    /// The items grouped by name (a counting sort: stable, so each group keeps the order of addition).
    fn finish(self) -> ByName<'a, T> {
        let mut ranges = Vec::with_capacity(self.counts.len());
        let mut next = Vec::with_capacity(self.counts.len());
        let mut start = 0u32;
        for &count in &self.counts {
            ranges.push((start, start + count));
            next.push(start as usize);
            start += count;
        }
        let mut items: Vec<Option<T>> = vec![None; self.added.len()];
        for &(group, item) in &self.added {
            let at = &mut next[group as usize];
            items[*at] = Some(item);
            *at += 1;
        }
        ByName {
            slots: self.slots,
            hashes: self.hashes,
            names: self.names,
            ranges,
            items: items.into_iter().flatten().collect(),
        }
    }
}

/// An open-addressing table of `slots` slots (a power of two) for the groups with these hashes.
fn slots_for(hashes: &[u64], slots: usize) -> Vec<u32> {
    let mut table = vec![0u32; slots];
    let mask = slots - 1;
    for (group, &hash) in hashes.iter().enumerate() {
        let mut slot = home_slot(hash, slots);
        while table[slot] != 0 {
            slot = (slot + 1) & mask;
        }
        table[slot] = group as u32 + 1;
    }
    table
}

impl<T> ByName<'_, T> {
    /// The items whose local name is `name` (with [`name_hash`] `hash`), in order of addition.
    fn get(&self, hash: u64, name: &str) -> &[T] {
        let mask = self.slots.len() - 1;
        let mut slot = home_slot(hash, self.slots.len());
        loop {
            match self.slots[slot] {
                0 => return &[],
                taken => {
                    let group = taken as usize - 1;
                    if self.hashes[group] == hash && self.names[group] == name {
                        let (start, end) = self.ranges[group];
                        return self.items.get(start as usize..end as usize).unwrap_or(&[]);
                    }
                    slot = (slot + 1) & mask;
                }
            }
        }
    }

    /// Whether some name has this hash (false: certainly no item has the name).
    fn has_hash(&self, hash: u64) -> bool {
        let mask = self.slots.len() - 1;
        let mut slot = home_slot(hash, self.slots.len());
        loop {
            match self.slots[slot] {
                0 => return false,
                taken if self.hashes[taken as usize - 1] == hash => return true,
                _ => slot = (slot + 1) & mask,
            }
        }
    }
}

#[cfg(test)]
thread_local! {
    /// How many indexes this thread has built: the tests check that one validation builds one.
    pub static BUILDS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Built once per validated document.
pub struct DocIndex<'a, 'i> {
    /// Elements by local name, each name's in document order.
    by_local_name: ByName<'a, Node<'a, 'i>>,
    /// Attributes by local name: their element and index, in document order.
    attributes_by_local_name: ByName<'a, (Node<'a, 'i>, usize)>,
    /// The root element's children by local name, in document order (hundreds of checks start there).
    root_children: ByName<'a, Node<'a, 'i>>,
    /// Every element in document order with the [`name_hash`] of its local name without namespace.
    elements: Vec<(Node<'a, 'i>, u64)>,
    /// For each node id, the [`name_hash`] of the element (0 for other nodes).
    element_hash: Vec<u64>,
    /// For each node id, the id of its first child element (0: none; the document node is nobody's child).
    first_element_child: Vec<u32>,
    /// For each element's id, the id of its next sibling element (0: none).
    next_element_sibling: Vec<u32>,
}

impl<'a, 'i> DocIndex<'a, 'i> {
    pub fn new(doc: &'a Document<'i>) -> Self {
        #[cfg(test)]
        BUILDS.with(|builds| builds.set(builds.get() + 1));
        let nodes = doc.root().descendants();
        let count = nodes.len();
        let mut element_hash = vec![0; count];
        let mut first_element_child = vec![0u32; count];
        let mut next_element_sibling = vec![0u32; count];
        let mut last_element_child = vec![0u32; count];
        let mut elements = Vec::with_capacity(count / 2 + 1);
        let mut by_local_name = ByNameBuilder::with_capacity(count / 2 + 1);
        let mut attributes = ByNameBuilder::with_capacity(16);
        let mut root_children = ByNameBuilder::with_capacity(64);
        let root_element = doc.root_element().id().get() as usize;
        let no_namespace = namespace_seed(None);
        // a document uses a handful of namespaces (each URI stored once by the parser): hash each URI once
        let mut namespaces: Vec<(Option<(*const u8, usize)>, u64)> = Vec::new();
        for node in nodes.filter(Node::is_element) {
            let name = node.tag_name();
            let key = name.namespace().map(|ns| (ns.as_ptr(), ns.len()));
            let state = match namespaces.iter().find(|(k, _)| *k == key) {
                Some(&(_, state)) => state,
                None => {
                    let state = namespace_seed(name.namespace());
                    namespaces.push((key, state));
                    state
                }
            };
            let local = name.name();
            let bare = text_hash(local);
            let (local_hash, expanded_hash) = (combine(no_namespace, bare), combine(state, bare));
            let id = node.id().get();
            element_hash[id as usize] = expanded_hash;
            elements.push((node, local_hash));
            by_local_name.add(local_hash, local, node);
            if let Some(parent) = node.parent() {
                let parent = parent.id().get() as usize;
                if parent == root_element {
                    root_children.add(local_hash, local, node);
                }
                match last_element_child[parent] {
                    0 => first_element_child[parent] = id,
                    previous => next_element_sibling[previous as usize] = id,
                }
                last_element_child[parent] = id;
            }
            for (index, attribute) in node.attributes().enumerate() {
                let local = attribute.name();
                attributes.add(combine(no_namespace, text_hash(local)), local, (node, index));
            }
        }
        Self {
            by_local_name: by_local_name.finish(),
            attributes_by_local_name: attributes.finish(),
            root_children: root_children.finish(),
            elements,
            element_hash,
            first_element_child,
            next_element_sibling,
        }
    }

    /// Every element in document order with the [`name_hash`] (without namespace) of its local name.
    pub fn elements(&self) -> &[(Node<'a, 'i>, u64)] {
        &self.elements
    }

    /// Every distinct local name of the document's elements with its elements in document order (names
    /// in order of first occurrence).
    pub fn elements_by_local_name(&self) -> impl Iterator<Item = (&'a str, &[Node<'a, 'i>])> + '_ {
        let names = &self.by_local_name;
        names
            .names
            .iter()
            .zip(&names.ranges)
            .map(|(name, &(start, end))| {
                (
                    *name,
                    names.items.get(start as usize..end as usize).unwrap_or(&[]),
                )
            })
    }

    /// The elements named `local` (any namespace), in document order; `local_hash` is its [`name_hash`]
    /// without namespace.
    pub fn elements_named(&self, local_hash: u64, local: &str) -> &[Node<'a, 'i>] {
        self.by_local_name.get(local_hash, local)
    }

    /// The root element's children named `local` (any namespace; the caller checks it), in document order.
    pub fn root_children_named(&self, local: &str) -> &[Node<'a, 'i>] {
        self.root_children.get(name_hash(None, local), local)
    }

    /// Whether some element in the document may have the local name whose [`name_hash`] (without
    /// namespace) is `local_hash` (false: certainly none has).
    pub fn may_have_element_named(&self, local_hash: u64) -> bool {
        self.by_local_name.has_hash(local_hash)
    }

    /// Whether some attribute in the document may have the local name whose [`name_hash`] (without
    /// namespace) is `local_hash` (false: certainly none has).
    pub fn may_have_attribute_named(&self, local_hash: u64) -> bool {
        self.attributes_by_local_name.has_hash(local_hash)
    }

    /// Whether the element may have the name whose [`name_hash`] is `hash` (false: it certainly has not).
    pub fn may_be_named(&self, node: Node<'a, 'i>, hash: u64) -> bool {
        self.element_hash
            .get(node.id().get() as usize)
            .is_none_or(|h| *h == hash)
    }

    /// The node ids of `node`'s subtree (itself first), or `None` for a node of another document.
    fn subtree(&self, node: Node<'a, 'i>) -> Option<(usize, usize)> {
        let id = node.id().get() as usize;
        (id < self.element_hash.len()).then(|| (id, id + node.descendants().len()))
    }

    /// Attributes named `local` (any namespace) on `node` or its descendants, in document order.
    pub fn attributes_named(&self, node: Node<'a, 'i>, local: &str) -> &[(Node<'a, 'i>, usize)] {
        let all = self.attributes_by_local_name.get(name_hash(None, local), local);
        let Some((id, end)) = self.subtree(node).filter(|_| !all.is_empty()) else {
            return &[];
        };
        let first = all.partition_point(|(n, _)| (n.id().get() as usize) < id);
        let last = all.partition_point(|(n, _)| (n.id().get() as usize) < end);
        &all[first..last.max(first)]
    }

    /// The child elements of `node` whose [`name_hash`] is `hash`, in document order, visiting only element
    /// children (not the whitespace between them) and comparing integers; the caller confirms the name.
    pub fn children_hashed(&self, node: Node<'a, 'i>, hash: u64) -> impl Iterator<Item = Node<'a, 'i>> + '_ {
        let doc = node.document();
        let mut next = self
            .first_element_child
            .get(node.id().get() as usize)
            .copied()
            .unwrap_or(0);
        std::iter::from_fn(move || {
            while next != 0 {
                let id = next as usize;
                next = self.next_element_sibling.get(id).copied().unwrap_or(0);
                if self.element_hash.get(id) == Some(&hash) {
                    return doc.get_node(NodeId::new(id as u32));
                }
            }
            None
        })
    }

    /// Elements named `local` (any namespace; the caller checks it) below `node`, or including it when
    /// `or_self`, in document order.
    pub fn descendants_named(&self, node: Node<'a, 'i>, local: &str, or_self: bool) -> &[Node<'a, 'i>] {
        let all = self.by_local_name.get(name_hash(None, local), local);
        let Some((id, end)) = self.subtree(node).filter(|_| !all.is_empty()) else {
            return &[];
        };
        let first = all.partition_point(|n| {
            let nid = n.id().get() as usize;
            if or_self {
                nid < id
            } else {
                nid <= id
            }
        });
        let last = all.partition_point(|n| (n.id().get() as usize) < end);
        &all[first..last.max(first)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Repeated and nested names, two namespaces with the same local names, attributes at several depths,
    /// white space, comments and a processing instruction between elements.
    const XML: &str = r#"<?xml version="1.0"?>
<r:Invoice xmlns:r="urn:r" xmlns:a="urn:a" xmlns:b="urn:b" id="top">
  <a:ID>1</a:ID>
  <!-- a comment -->
  <b:ID schemeID="x">2</b:ID>
  <a:Line a:id="l1">
    <a:ID>3</a:ID>
    <a:Line><a:ID schemeID="y">4</a:ID><?pi data?><b:Note>n</b:Note></a:Line>
    <a:Amount currencyID="EUR">5.00</a:Amount>
  </a:Line>
  <a:Line a:id="l2"><b:Note>m</b:Note></a:Line>
  <a:ExceptionallyLongElementNameForTheHash>x</a:ExceptionallyLongElementNameForTheHash>
</r:Invoice>"#;

    fn elements<'a, 'i>(doc: &'a Document<'i>) -> Vec<Node<'a, 'i>> {
        doc.descendants().filter(Node::is_element).collect()
    }

    #[test]
    fn every_lookup_equals_a_walk_of_the_tree() {
        let doc = Document::parse(XML).unwrap();
        let index = DocIndex::new(&doc);
        let locals = [
            "Invoice",
            "ID",
            "Line",
            "Note",
            "Amount",
            "ExceptionallyLongElementNameForTheHash",
            "Nope",
        ];
        for node in doc.descendants() {
            for local in locals {
                for or_self in [false, true] {
                    let walked: Vec<Node> = node
                        .descendants()
                        .filter(|n| n.is_element() && n.tag_name().name() == local)
                        .filter(|n| or_self || *n != node)
                        .collect();
                    assert_eq!(index.descendants_named(node, local, or_self), walked.as_slice());
                }
            }
            for local in ["id", "schemeID", "currencyID", "nope"] {
                let walked: Vec<(Node, usize)> = node
                    .descendants()
                    .flat_map(|n| n.attributes().enumerate().map(move |(i, a)| (n, i, a.name())))
                    .filter(|(_, _, name)| *name == local)
                    .map(|(n, i, _)| (n, i))
                    .collect();
                assert_eq!(index.attributes_named(node, local), walked.as_slice(), "{local}");
            }
            for element in elements(&doc) {
                let (ns, local) = (element.tag_name().namespace(), element.tag_name().name());
                let hash = name_hash(ns, local);
                let walked: Vec<Node> = node
                    .children()
                    .filter(|c| {
                        c.is_element() && name_hash(c.tag_name().namespace(), c.tag_name().name()) == hash
                    })
                    .collect();
                assert_eq!(index.children_hashed(node, hash).collect::<Vec<_>>(), walked);
                if node.is_element() {
                    let same = node.tag_name().namespace() == ns && node.tag_name().name() == local;
                    assert_eq!(index.may_be_named(node, hash), same);
                }
            }
        }
        for local in ["ID", "Line", "Note", "Nope"] {
            let walked: Vec<Node> = doc
                .root_element()
                .children()
                .filter(|n| n.is_element() && n.tag_name().name() == local)
                .collect();
            assert_eq!(index.root_children_named(local), walked.as_slice());
        }
        let listed: Vec<(Node, u64)> = elements(&doc)
            .into_iter()
            .map(|n| (n, name_hash(None, n.tag_name().name())))
            .collect();
        assert_eq!(index.elements(), listed.as_slice());
    }

    #[test]
    fn the_document_has_exactly_its_names() {
        let doc = Document::parse(XML).unwrap();
        let index = DocIndex::new(&doc);
        for local in [
            "Invoice",
            "ID",
            "Line",
            "Note",
            "Amount",
            "ExceptionallyLongElementNameForTheHash",
        ] {
            assert!(index.may_have_element_named(name_hash(None, local)), "{local}");
        }
        for local in ["id", "schemeID", "currencyID"] {
            assert!(index.may_have_attribute_named(name_hash(None, local)), "{local}");
        }
        assert!(!index.may_have_element_named(name_hash(None, "Nope")));
        assert!(!index.may_have_element_named(name_hash(None, "schemeID")));
        assert!(!index.may_have_attribute_named(name_hash(None, "ID")));
        assert!(
            !index.may_have_element_named(name_hash(Some("urn:a"), "ID")),
            "lookups are by local name"
        );
    }

    #[test]
    fn hashes_tell_names_and_namespaces_apart() {
        let names = [
            (None, "ID"),
            (Some("urn:a"), "ID"),
            (Some("urn:b"), "ID"),
            (None, "IDs"),
            (None, "ExceptionallyLongElementName"),
            (None, "ExceptionallyLongElementNamf"),
            (None, "ABCDEFGH"),
            (None, "ABCDEFGHI"),
            (None, ""),
        ];
        for (i, a) in names.iter().enumerate() {
            for b in &names[i + 1..] {
                assert_ne!(name_hash(a.0, a.1), name_hash(b.0, b.1), "{a:?} {b:?}");
            }
        }
        assert_eq!(name_hash(None, "ID"), name_hash(Some(""), "ID"));
    }

    #[test]
    fn names_that_share_a_hash_stay_apart() {
        // force every name into one hash: the groups must still be told apart by the names themselves
        let doc = Document::parse("<r><a/><b/><a/><c><b/></c></r>").unwrap();
        let mut builder = ByNameBuilder::with_capacity(4);
        for node in elements(&doc) {
            builder.add(7, node.tag_name().name(), node);
        }
        let grouped = builder.finish();
        for local in ["r", "a", "b", "c"] {
            let walked: Vec<Node> = elements(&doc)
                .into_iter()
                .filter(|n| n.tag_name().name() == local)
                .collect();
            assert_eq!(grouped.get(7, local), walked.as_slice(), "{local}");
        }
        assert!(grouped.get(7, "d").is_empty());
        assert!(grouped.get(8, "a").is_empty());
    }

    #[test]
    fn many_distinct_names_grow_the_table() {
        let xml = format!(
            "<r>{}</r>",
            (0..500)
                .map(|i| format!("<n{i}/><n{}/>", i / 2))
                .collect::<String>()
        );
        let doc = Document::parse(&xml).unwrap();
        let index = DocIndex::new(&doc);
        for i in [0, 1, 249, 250, 499] {
            let local = format!("n{i}");
            let walked = elements(&doc)
                .into_iter()
                .filter(|n| n.tag_name().name() == local)
                .count();
            assert_eq!(
                index.descendants_named(doc.root(), &local, false).len(),
                walked,
                "{local}"
            );
            assert_eq!(index.root_children_named(&local).len(), walked, "{local}");
        }
    }
}
