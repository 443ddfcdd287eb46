//! A per-document index that turns `//name` (the descendant axis with a name test) from a walk of the whole
//! tree into a binary search: elements by local name in document order, and each element's name hashes.
//!
//! Built in one pass over the parser's node array with no per-element allocation and no per-element map
//! insert: each local name is looked up in a small open-addressing table of the document's distinct names
//! (hash, then the name itself confirmed, so a hash collision never merges two names), counted, and the
//! elements are then placed by a counting sort, each name's elements contiguous and in document order.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::ast::NameKey;
use super::registry::Registry;
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

/// The slot a hash starts probing at (Fibonacci hashing: the low bits alone may be weak).
fn home_slot(hash: u64, slots: usize) -> usize {
    (hash.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - slots.trailing_zeros())) as usize
}

/// An open-addressing table from a hash to the ids that have it: slot → id + 1 (0: empty); the length is
/// a power of two, at least twice the number of ids. The caller confirms each id found (a hash collision
/// only adds a candidate).
struct HashSlots(Vec<u32>);

impl HashSlots {
    /// The table of ids `0..hashes.len()`, id `i` having hash `hashes[i]`.
    fn new(hashes: &[u64]) -> Self {
        let slots = (hashes.len() * 2).next_power_of_two().max(16);
        let mut table = vec![0u32; slots];
        let mask = slots - 1;
        for (id, &hash) in hashes.iter().enumerate() {
            let mut slot = home_slot(hash, slots);
            while table[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            table[slot] = id as u32 + 1;
        }
        Self(table)
    }

    /// The first id whose hash is `hash` (per `hashes`, the table's) that `accept` takes.
    fn find(&self, hashes: &[u64], hash: u64, mut accept: impl FnMut(usize) -> bool) -> Option<usize> {
        let mask = self.0.len() - 1;
        let mut slot = home_slot(hash, self.0.len());
        loop {
            match self.0[slot] {
                0 => return None,
                taken => {
                    let id = taken as usize - 1;
                    if hashes[id] == hash && accept(id) {
                        return Some(id);
                    }
                    slot = (slot + 1) & mask;
                }
            }
        }
    }
}

/// A Bloom filter of name hashes for the question "may the document have this name?", asked ~1,700 times
/// per invoice: 4,096 bits, two per name (from two 12-bit pieces of the hash), so a question is two bit
/// tests. It never answers "no" for a name it holds; for a name it does not hold it answers "yes" about
/// once in 400 for a document of 100 names (the caller then evaluates what it would have skipped).
struct NameFilter([u64; 64]);

impl NameFilter {
    fn new(hashes: impl Iterator<Item = u64>) -> Self {
        let mut filter = Self([0; 64]);
        for hash in hashes {
            for bit in Self::bits(hash) {
                filter.0[bit >> 6] |= 1 << (bit & 63);
            }
        }
        filter
    }

    #[inline]
    fn bits(hash: u64) -> [usize; 2] {
        [(hash >> 52) as usize, ((hash >> 40) & 0xfff) as usize]
    }

    #[inline]
    fn may_contain(&self, hash: u64) -> bool {
        Self::bits(hash)
            .iter()
            .all(|&bit| self.0[bit >> 6] & (1 << (bit & 63)) != 0)
    }
}

/// The hashes of the names that have at least one item (`counts` and `hashes` by name id).
fn names_present<'c>(counts: &'c [u32], hashes: &'c [u64]) -> impl Iterator<Item = u64> + 'c {
    counts
        .iter()
        .zip(hashes)
        .filter(|(count, _)| **count > 0)
        .map(|(_, hash)| *hash)
}

/// Where each name's items lie in a list grouped by name id: `ranges[id]` (a counting sort's output).
fn group_ranges(counts: &[u32]) -> Vec<(u32, u32)> {
    let mut start = 0;
    counts
        .iter()
        .map(|&count| {
            let range = (start, start + count);
            start += count;
            range
        })
        .collect()
}

#[cfg(test)]
thread_local! {
    /// How many indexes this thread has built: the tests check that one validation builds one.
    pub static BUILDS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Built once per validated document, from the names the document already interned: each distinct local
/// name (an id of [`Document::local_names`]) is hashed once, and elements and attributes are grouped by
/// their name id with a counting sort (no hashing per element).
pub struct DocIndex<'a, 'i> {
    doc: &'a Document<'i>,
    /// Per local-name id: the name's [`name_hash`] without namespace.
    local_hashes: Vec<u64>,
    /// The local-name ids by [`DocIndex::local_hashes`].
    local_slots: HashSlots,
    /// The [`name_hash`]es (without namespace) of the local names of elements, and of attributes.
    element_names: NameFilter,
    attribute_names: NameFilter,
    /// Per local-name id: its elements' range in `elements_by_name`.
    element_ranges: Vec<(u32, u32)>,
    /// Elements grouped by local-name id, each name's in document order.
    elements_by_name: Vec<Node<'a, 'i>>,
    /// Per local-name id: its attributes' range in `attributes_by_name`.
    attribute_ranges: Vec<(u32, u32)>,
    /// Attributes (their element and index) grouped by local-name id, each name's in document order.
    attributes_by_name: Vec<(Node<'a, 'i>, usize)>,
    /// The root element's children ordered by local-name id, then document order (hundreds of checks
    /// start there), and their name ids.
    root_children: Vec<Node<'a, 'i>>,
    root_child_names: Vec<u32>,
    /// Every element in document order with its local-name id.
    elements: Vec<(Node<'a, 'i>, u32)>,
    /// For each node id, the [`name_hash`] of the element (0 for other nodes).
    element_hash: Vec<u64>,
    /// For each node id, whether the element's name holds its hash in the [`super::registry`] (false for other
    /// nodes).
    holds_hash: Vec<bool>,
    /// For each node id, the id of its first child element (0: none; the document node is nobody's child).
    first_element_child: Vec<u32>,
    /// For each element's id, the id of its next sibling element (0: none).
    next_element_sibling: Vec<u32>,
}

impl<'a, 'i> DocIndex<'a, 'i> {
    pub fn new(doc: &'a Document<'i>) -> Self {
        #[cfg(test)]
        BUILDS.with(|builds| builds.set(builds.get() + 1));
        let names = doc.local_names();
        let no_namespace = namespace_seed(None);
        let bare: Vec<u64> = names.iter().map(|name| text_hash(name)).collect();
        let local_hashes: Vec<u64> = bare.iter().map(|&b| combine(no_namespace, b)).collect();
        let seeds: Vec<u64> = doc
            .namespace_uris()
            .iter()
            .map(|uri| namespace_seed(Some(uri)))
            .collect();
        let count = doc.len();
        let mut element_hash = vec![0; count];
        let mut holds_hash = vec![false; count];
        // per local-name id, the namespace id it was last seen with and whether that name holds its hash
        let mut held: Vec<Option<(u32, bool)>> = vec![None; names.len()];
        let registry = Registry::read();
        let mut first_element_child = vec![0u32; count];
        let mut next_element_sibling = vec![0u32; count];
        let mut last_element_child = vec![0u32; count];
        let mut element_counts = vec![0u32; names.len()];
        let mut attribute_counts = vec![0u32; names.len()];
        // every element with its name id, in document order
        let mut elements: Vec<(Node<'a, 'i>, u32)> = Vec::with_capacity(count / 2 + 1);
        let mut root_children = Vec::new();
        let root_element = doc.root_element().id().get() as usize;
        for node in doc.descendants() {
            let Some((name, namespace)) = node.name_ids() else {
                continue;
            };
            let id = node.id().get();
            let hash = combine(seeds[namespace as usize], bare[name as usize]);
            element_hash[id as usize] = hash;
            holds_hash[id as usize] = match held[name as usize] {
                Some((seen, holds)) if seen == namespace => holds,
                _ => {
                    let uri = (namespace != 0).then(|| doc.namespace_uris()[namespace as usize].as_ref());
                    let holds = registry.holds(uri, &names[name as usize], hash) == Some(true);
                    held[name as usize] = Some((namespace, holds));
                    holds
                }
            };
            element_counts[name as usize] += 1;
            elements.push((node, name));
            if let Some(parent) = node.parent() {
                let parent = parent.id().get() as usize;
                if parent == root_element {
                    root_children.push((name, node));
                }
                match last_element_child[parent] {
                    0 => first_element_child[parent] = id,
                    previous => next_element_sibling[previous as usize] = id,
                }
                last_element_child[parent] = id;
            }
            for attribute in node.attributes() {
                attribute_counts[attribute.local_name_id() as usize] += 1;
            }
        }
        // the counting sort: stable, so each name's items stay in document order
        let element_ranges = group_ranges(&element_counts);
        let mut next: Vec<u32> = element_ranges.iter().map(|r| r.0).collect();
        let mut elements_by_name = vec![doc.root(); elements.len()];
        for &(node, name) in &elements {
            let at = &mut next[name as usize];
            elements_by_name[*at as usize] = node;
            *at += 1;
        }
        let attribute_ranges = group_ranges(&attribute_counts);
        let attribute_total = attribute_ranges.last().map_or(0, |r| r.1) as usize;
        let mut attributes_by_name = vec![(doc.root(), 0); attribute_total];
        if attribute_total > 0 {
            let mut next: Vec<u32> = attribute_ranges.iter().map(|r| r.0).collect();
            for &(node, _) in &elements {
                for (index, attribute) in node.attributes().enumerate() {
                    let at = &mut next[attribute.local_name_id() as usize];
                    attributes_by_name[*at as usize] = (node, index);
                    *at += 1;
                }
            }
        }
        // stable: each name's children stay in document order
        root_children.sort_by_key(|&(name, _)| name);
        let (root_child_names, root_children) = root_children.into_iter().unzip();
        let element_names = NameFilter::new(names_present(&element_counts, &local_hashes));
        let attribute_names = NameFilter::new(names_present(&attribute_counts, &local_hashes));
        Self {
            doc,
            element_names,
            attribute_names,
            local_slots: HashSlots::new(&local_hashes),
            local_hashes,
            element_ranges,
            elements_by_name,
            attribute_ranges,
            attributes_by_name,
            root_children,
            root_child_names,
            elements,
            element_hash,
            holds_hash,
            first_element_child,
            next_element_sibling,
        }
    }

    /// The document this index is of.
    pub fn document(&self) -> &'a Document<'i> {
        self.doc
    }

    /// The document's id of the local name `local` ([`Node::local_name_id`]), whose [`name_hash`] without
    /// namespace is `local_hash`; `None` when no element or attribute of the document has that name.
    pub fn local_name_id(&self, local_hash: u64, local: &str) -> Option<u32> {
        let names = self.doc.local_names();
        self.local_slots
            .find(&self.local_hashes, local_hash, |id| names[id] == local)
            .map(|id| id as u32)
    }

    /// The document's id of a namespace URI ([`Node::namespace_id`]; no namespace is 0); `None` when no
    /// element or attribute of the document is in that namespace (the empty URI included, as
    /// [`crate::rules::tree::ExpandedName::namespace`] never gives it).
    pub fn namespace_id(&self, namespace: Option<&str>) -> Option<u32> {
        match namespace {
            None => Some(0),
            Some(uri) => self
                .doc
                .namespace_uris()
                .iter()
                .skip(1)
                .position(|known| known == uri)
                .map(|at| at as u32 + 1),
        }
    }

    /// Every element in document order with its local-name id ([`Node::local_name_id`]).
    pub fn elements(&self) -> &[(Node<'a, 'i>, u32)] {
        &self.elements
    }

    /// The elements whose local name has this id ([`Node::local_name_id`]), in document order.
    pub fn elements_with_name_id(&self, name: u32) -> &[Node<'a, 'i>] {
        match self.element_ranges.get(name as usize) {
            Some(&(start, end)) => &self.elements_by_name[start as usize..end as usize],
            None => &[],
        }
    }

    /// The elements named `local` (any namespace), in document order; `local_hash` is its [`name_hash`]
    /// without namespace.
    pub fn elements_named(&self, local_hash: u64, local: &str) -> &[Node<'a, 'i>] {
        match self.local_name_id(local_hash, local) {
            Some(id) => self.elements_with_name_id(id),
            None => &[],
        }
    }

    /// The root element's children named `local` (any namespace; the caller checks it), in document order.
    pub fn root_children_named(&self, local: &str) -> &[Node<'a, 'i>] {
        let Some(name) = self.local_name_id(name_hash(None, local), local) else {
            return &[];
        };
        let first = self.root_child_names.partition_point(|&n| n < name);
        let last = self.root_child_names.partition_point(|&n| n <= name);
        &self.root_children[first..last]
    }

    /// Whether some element in the document may have the local name whose [`name_hash`] (without
    /// namespace) is `local_hash` (false: certainly none has).
    #[inline]
    pub fn may_have_element_named(&self, local_hash: u64) -> bool {
        self.element_names.may_contain(local_hash)
    }

    /// Whether some attribute in the document may have the local name whose [`name_hash`] (without
    /// namespace) is `local_hash` (false: certainly none has).
    #[inline]
    pub fn may_have_attribute_named(&self, local_hash: u64) -> bool {
        self.attribute_names.may_contain(local_hash)
    }

    /// Whether `node` is an element with the name whose key is `key`, when the hashes tell: not when they
    /// differ, and so when they are equal and both names hold the hash in the [`super::registry`]. `None` when the
    /// names must be compared: a node of another document, a node other than an element, a name that
    /// does not hold its hash.
    #[inline]
    pub fn named(&self, node: Node<'a, 'i>, key: NameKey) -> Option<bool> {
        if !std::ptr::eq(node.document(), self.doc) {
            return None;
        }
        let id = node.id().get() as usize;
        if *self.element_hash.get(id)? != key.hash {
            return Some(false);
        }
        (key.registered && self.holds_hash[id]).then_some(true)
    }

    /// [`DocIndex::named`] for an element of this document whose hash is known to equal the key's (one that
    /// [`DocIndex::children_hashed`] gave): whether the hashes alone tell that it has the name.
    #[inline]
    pub fn named_as_hashed(&self, node: Node<'a, 'i>, key: NameKey) -> bool {
        key.registered && self.holds_hash.get(node.id().get() as usize) == Some(&true)
    }

    /// The node ids of `node`'s subtree (itself first), or `None` for a node of another document.
    fn subtree(&self, node: Node<'a, 'i>) -> Option<(usize, usize)> {
        let id = node.id().get() as usize;
        (id < self.element_hash.len()).then(|| (id, id + node.descendants().len()))
    }

    /// Attributes named `local` (any namespace) on `node` or its descendants, in document order.
    pub fn attributes_named(&self, node: Node<'a, 'i>, local: &str) -> &[(Node<'a, 'i>, usize)] {
        let all = match self.local_name_id(name_hash(None, local), local) {
            Some(name) => {
                let (start, end) = self.attribute_ranges[name as usize];
                &self.attributes_by_name[start as usize..end as usize]
            }
            None => &[],
        };
        let Some((id, end)) = self.subtree(node).filter(|_| !all.is_empty()) else {
            return &[];
        };
        let first = all.partition_point(|(n, _)| (n.id().get() as usize) < id);
        let last = all.partition_point(|(n, _)| (n.id().get() as usize) < end);
        &all[first..last.max(first)]
    }

    /// The node ids of `node`'s child elements in document order (not the whitespace between them).
    fn element_child_ids(&self, node: Node<'a, 'i>) -> impl Iterator<Item = usize> + '_ {
        let mut next = self
            .first_element_child
            .get(node.id().get() as usize)
            .copied()
            .unwrap_or(0);
        std::iter::from_fn(move || {
            let id = next as usize;
            next = self.next_element_sibling.get(id).copied().unwrap_or(0);
            (id != 0).then_some(id)
        })
    }

    /// The child elements of `node` whose [`name_hash`] is `hash`, in document order, visiting only element
    /// children (not the whitespace between them) and comparing integers; the caller confirms the name.
    pub fn children_hashed(&self, node: Node<'a, 'i>, hash: u64) -> impl Iterator<Item = Node<'a, 'i>> + '_ {
        let doc = node.document();
        self.element_child_ids(node)
            .filter(move |&id| self.element_hash.get(id) == Some(&hash))
            .filter_map(move |id| doc.get_node(NodeId::new(id as u32)))
    }

    /// The child elements of `node` in document order, each with its [`name_hash`] (not the whitespace
    /// between them).
    pub fn element_children(&self, node: Node<'a, 'i>) -> impl Iterator<Item = (Node<'a, 'i>, u64)> + '_ {
        let doc = node.document();
        self.element_child_ids(node)
            .filter_map(move |id| Some((doc.get_node(NodeId::new(id as u32))?, self.element_hash[id])))
    }

    /// Elements named `local` (any namespace; the caller checks it) below `node`, or including it when
    /// `or_self`, in document order.
    pub fn descendants_named(&self, node: Node<'a, 'i>, local: &str, or_self: bool) -> &[Node<'a, 'i>] {
        let all = self.elements_named(name_hash(None, local), local);
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

    /// Elements named `local` (any namespace; the caller checks it) on the preceding axis of `node`: before
    /// it in document order and not its ancestors, nearest first (the axis order). A look-up in the
    /// elements of that name instead of a walk of everything before `node`.
    pub fn preceding_named(
        &self,
        node: Node<'a, 'i>,
        local: &str,
    ) -> impl Iterator<Item = Node<'a, 'i>> + '_ {
        let all = self.elements_named(name_hash(None, local), local);
        let id = node.id().get() as usize;
        let before = all.partition_point(|n| (n.id().get() as usize) < id);
        // an element before `node` is its ancestor exactly when its subtree reaches past `node`
        all[..before]
            .iter()
            .rev()
            .copied()
            .filter(move |n| n.id().get() as usize + n.descendants().len() <= id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::xpath::ast::NodeTest;
    use crate::rules::xpath::eval::node_matches_in;

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
                    // a key that does not hold its hash: the hashes only reject
                    let unregistered = NameKey {
                        hash,
                        registered: false,
                    };
                    assert_eq!(index.named(node, unregistered), (!same).then_some(false));
                }
            }
        }
        // the preceding axis: everything before the node in document order but its ancestors, nearest first
        for node in doc.descendants() {
            let ancestors: Vec<Node> = node.ancestors().collect();
            for local in ["ID", "Line", "Note", "Invoice", "Nope"] {
                let mut walked: Vec<Node> = doc
                    .descendants()
                    .take_while(|n| *n != node)
                    .filter(|n| n.is_element() && n.tag_name().name() == local && !ancestors.contains(n))
                    .collect();
                walked.reverse();
                assert_eq!(
                    index.preceding_named(node, local).collect::<Vec<_>>(),
                    walked,
                    "{local}"
                );
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
        // by id: every element under its document name id, and the ids found by name and namespace
        for element in elements(&doc) {
            let (name, namespace) = element.name_ids().unwrap();
            let local = element.tag_name().name();
            assert_eq!(index.local_name_id(name_hash(None, local), local), Some(name));
            assert_eq!(
                index.namespace_id(element.tag_name().namespace()),
                Some(namespace)
            );
            let walked: Vec<Node> = elements(&doc)
                .into_iter()
                .filter(|n| n.tag_name().name() == local)
                .collect();
            assert_eq!(index.elements_with_name_id(name), walked.as_slice());
        }
        assert_eq!(index.local_name_id(name_hash(None, "Nope"), "Nope"), None);
        assert_eq!(index.namespace_id(Some("urn:nope")), None);
        assert_eq!(index.namespace_id(None), Some(0));
        // an attribute's name has an id but no elements
        let id = index
            .local_name_id(name_hash(None, "schemeID"), "schemeID")
            .unwrap();
        assert!(index.elements_with_name_id(id).is_empty());
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
        // force every name into one hash: the ids must still be told apart by the names themselves
        let names = ["r", "a", "b", "c"];
        let hashes = [7u64; 4];
        let slots = HashSlots::new(&hashes);
        for (id, local) in names.iter().enumerate() {
            assert_eq!(
                slots.find(&hashes, 7, |i| names[i] == *local),
                Some(id),
                "{local}"
            );
        }
        assert_eq!(slots.find(&hashes, 7, |i| names[i] == "d"), None);
        assert_eq!(slots.find(&hashes, 8, |i| names[i] == "a"), None);
    }

    #[test]
    fn the_name_filter_holds_every_name_and_rarely_another() {
        let held: Vec<u64> = (0..100).map(|i| name_hash(None, &format!("Name{i}"))).collect();
        let filter = NameFilter::new(held.iter().copied());
        assert!(held.iter().all(|&h| filter.may_contain(h)));
        let others = (0..10_000)
            .filter(|i| filter.may_contain(name_hash(None, &format!("Other{i}"))))
            .count();
        // two bits of 4,096 per name: about 0.2% of other names pass with 100 names held
        assert!(others < 100, "{others} of 10,000 other names pass");
        assert!(!NameFilter::new(std::iter::empty()).may_contain(held[0]));
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

    #[test]
    fn names_that_hold_their_hash_are_matched_by_the_hashes_alone() {
        let xml = r#"<r xmlns:a="urn:index-a" xmlns:b="urn:index-b" xmlns:c="urn:index-c"><a:x/><b:x/><a:y/><b:y>t</b:y><z/><c:w/></r>"#;
        let doc = Document::parse(xml).unwrap();
        // a name that took c:w's hash first (a collision, made up): c:w does not hold it
        let taken = name_hash(Some("urn:index-c"), "w");
        assert!(super::super::registry::register(
            Some("urn:index-collides"),
            "w",
            taken
        ));
        // the names of the tests, registered before the index is built, as the schemas' are
        let names = [
            (Some("urn:index-a"), "x"),
            (Some("urn:index-b"), "x"),
            (Some("urn:index-a"), "y"),
            (None, "z"),
            (Some("urn:index-a"), "z"),
            (None, "r"),
        ];
        let keys: Vec<NameKey> = names.iter().map(|(ns, local)| NameKey::of(*ns, local)).collect();
        let index = DocIndex::new(&doc);
        for node in doc.descendants() {
            for ((ns, local), key) in names.iter().zip(&keys) {
                assert!(key.registered, "{local}");
                let same = node.is_element()
                    && node.tag_name().namespace() == *ns
                    && node.tag_name().name() == *local;
                assert_eq!(
                    index.named(node, *key),
                    Some(same),
                    "{ns:?} {local} on {:?}",
                    node.id()
                );
            }
        }
        // a name registered after the index was built: its element is left to comparing the names
        let late = NameKey::of(Some("urn:index-b"), "y");
        let element = doc
            .descendants()
            .find(|n| n.tag_name().name() == "y" && n.tag_name().namespace() == Some("urn:index-b"))
            .unwrap();
        assert_eq!(index.named(element, late), None);
        // the colliding name, and c:w itself, are left to comparing the names on c:w
        let w = doc.descendants().find(|n| n.tag_name().name() == "w").unwrap();
        let collides = NameKey {
            hash: taken,
            registered: true,
        };
        assert_eq!(index.named(w, collides), None);
        assert_eq!(
            NameKey::of(Some("urn:index-c"), "w"),
            NameKey {
                hash: taken,
                registered: false
            }
        );
        assert!(!node_matches_in(
            Some(&index),
            w,
            &NodeTest::Name(Some("urn:index-collides".into()), "w".into(), collides)
        ));
        assert!(node_matches_in(
            Some(&index),
            element,
            &NodeTest::Name(Some("urn:index-b".into()), "y".into(), late)
        ));
    }
}
