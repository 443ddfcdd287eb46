//! A per-document index that turns `//name` (the descendant axis with a name test) from a walk of the whole
//! tree into a binary search: elements by local name in document order, and where each subtree ends.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use roxmltree::{Document, Node};

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

/// The FNV-1a hash of an expanded name (namespace URI, then a separator no name contains, then the local
/// name): the parser stores it in each name test and the index for each element, so that a step rejects an
/// element of another name by comparing two integers instead of two strings.
pub fn name_hash(namespace: Option<&str>, local: &str) -> u64 {
    name_hash_after(namespace_hash(namespace), local)
}

/// The FNV-1a state after the namespace and the separator: computed once per namespace of a document.
fn namespace_hash(namespace: Option<&str>) -> Fnv {
    let mut hasher = Fnv::default();
    hasher.write(namespace.unwrap_or("").as_bytes());
    hasher.write(&[0]);
    hasher
}

/// [`name_hash`] from the namespace's state.
fn name_hash_after(namespace: Fnv, local: &str) -> u64 {
    let mut hasher = namespace;
    hasher.write(local.as_bytes());
    hasher.finish()
}

/// A hash map keyed by names.
pub type NameMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// Built once per validated document.
pub struct DocIndex<'a, 'i> {
    by_local_name: NameMap<&'a str, Vec<Node<'a, 'i>>>,
    /// Attributes by local name: their element and index, in document order.
    attributes_by_local_name: NameMap<&'a str, Vec<(Node<'a, 'i>, usize)>>,
    /// For each node id, one past the last node id of its subtree (nodes are stored in document order).
    subtree_end: Vec<usize>,
    /// For each node id, the [`name_hash`] of the element (0 for other nodes).
    element_hash: Vec<u64>,
    /// The root element's children by local name, in document order (hundreds of checks start there).
    root_children: NameMap<&'a str, Vec<Node<'a, 'i>>>,
    /// For each node id, the id of its first child element (0: none; the document node is nobody's child).
    first_element_child: Vec<u32>,
    /// For each element's id, the id of its next sibling element (0: none).
    next_element_sibling: Vec<u32>,
    /// The [`name_hash`] (without namespace) of each distinct element local name.
    element_local_hashes: HashSet64,
    /// The same for attribute local names.
    attribute_local_hashes: HashSet64,
}

/// A set of 64-bit hashes answering "certainly not in it" with one bit test for most absent values: a
/// 4,096-bit filter indexed by the hash's low bits, then the sorted hashes.
struct HashSet64 {
    bits: Box<[u64; 64]>,
    sorted: Vec<u64>,
}

impl HashSet64 {
    fn new(mut hashes: Vec<u64>) -> Self {
        hashes.sort_unstable();
        let mut bits = Box::new([0u64; 64]);
        for hash in &hashes {
            let bit = (hash & 4095) as usize;
            bits[bit / 64] |= 1 << (bit % 64);
        }
        Self { bits, sorted: hashes }
    }

    fn may_contain(&self, hash: u64) -> bool {
        let bit = (hash & 4095) as usize;
        self.bits[bit / 64] & (1 << (bit % 64)) != 0 && self.sorted.binary_search(&hash).is_ok()
    }
}

impl<'a, 'i> DocIndex<'a, 'i> {
    pub fn new(doc: &'a Document<'i>) -> Self {
        let nodes: Vec<Node<'a, 'i>> = doc.root().descendants().collect();
        let mut by_local_name: NameMap<&'a str, Vec<Node<'a, 'i>>> = NameMap::default();
        let mut attributes_by_local_name: NameMap<&'a str, Vec<(Node<'a, 'i>, usize)>> = NameMap::default();
        for node in nodes.iter().filter(|n| n.is_element()) {
            by_local_name
                .entry(node.tag_name().name())
                .or_default()
                .push(*node);
            for (index, attribute) in node.attributes().enumerate() {
                attributes_by_local_name
                    .entry(attribute.name())
                    .or_default()
                    .push((*node, index));
            }
        }
        let mut element_hash = vec![0; nodes.len()];
        // a document uses a handful of namespaces (each URI stored once by the parser): hash each URI once
        let mut namespaces: Vec<(Option<(*const u8, usize)>, Fnv)> = Vec::new();
        for node in nodes.iter().filter(|n| n.is_element()) {
            let name = node.tag_name();
            let key = name.namespace().map(|ns| (ns.as_ptr(), ns.len()));
            let state = match namespaces.iter().find(|(k, _)| *k == key) {
                Some((_, state)) => Fnv(state.0),
                None => {
                    let state = namespace_hash(name.namespace());
                    namespaces.push((key, Fnv(state.0)));
                    state
                }
            };
            element_hash[node.id().get() as usize] = name_hash_after(state, name.name());
        }
        let mut root_children: NameMap<&'a str, Vec<Node<'a, 'i>>> = NameMap::default();
        for child in doc.root_element().children().filter(|n| n.is_element()) {
            root_children
                .entry(child.tag_name().name())
                .or_default()
                .push(child);
        }
        let mut subtree_end = vec![0; nodes.len()];
        for node in nodes.iter().rev() {
            let id = node.id().get() as usize;
            subtree_end[id] = match node.last_child() {
                Some(last) => subtree_end[last.id().get() as usize],
                None => id + 1,
            };
        }
        let mut first_element_child = vec![0u32; nodes.len()];
        let mut next_element_sibling = vec![0u32; nodes.len()];
        // backwards, so that each element is put in front of its later siblings
        for node in nodes.iter().rev().filter(|n| n.is_element()) {
            if let Some(parent) = node.parent() {
                let (id, parent) = (node.id().get(), parent.id().get() as usize);
                next_element_sibling[id as usize] = first_element_child[parent];
                first_element_child[parent] = id;
            }
        }
        let sorted_hashes = |names: &mut dyn Iterator<Item = &&str>| {
            HashSet64::new(names.map(|local| name_hash(None, local)).collect())
        };
        let element_local_hashes = sorted_hashes(&mut by_local_name.keys());
        let attribute_local_hashes = sorted_hashes(&mut attributes_by_local_name.keys());
        Self {
            element_local_hashes,
            attribute_local_hashes,
            first_element_child,
            next_element_sibling,
            by_local_name,
            attributes_by_local_name,
            subtree_end,
            element_hash,
            root_children,
        }
    }

    /// The root element's children named `local` (any namespace; the caller checks it), in document order.
    pub fn root_children_named(&self, local: &str) -> &[Node<'a, 'i>] {
        self.root_children.get(local).map_or(&[], Vec::as_slice)
    }

    /// Whether some element in the document may have the local name whose [`name_hash`] (without
    /// namespace) is `local_hash` (false: certainly none has).
    pub fn may_have_element_named(&self, local_hash: u64) -> bool {
        self.element_local_hashes.may_contain(local_hash)
    }

    /// Whether some attribute in the document may have the local name whose [`name_hash`] (without
    /// namespace) is `local_hash` (false: certainly none has).
    pub fn may_have_attribute_named(&self, local_hash: u64) -> bool {
        self.attribute_local_hashes.may_contain(local_hash)
    }

    /// Whether the element may have the name whose [`name_hash`] is `hash` (false: it certainly has not).
    pub fn may_be_named(&self, node: Node<'a, 'i>, hash: u64) -> bool {
        self.element_hash
            .get(node.id().get() as usize)
            .is_none_or(|h| *h == hash)
    }

    /// Attributes named `local` (any namespace) on `node` or its descendants, in document order.
    pub fn attributes_named(&self, node: Node<'a, 'i>, local: &str) -> &[(Node<'a, 'i>, usize)] {
        let Some(all) = self.attributes_by_local_name.get(local) else {
            return &[];
        };
        let id = node.id().get() as usize;
        let Some(&end) = self.subtree_end.get(id) else {
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
                    return doc.get_node(roxmltree::NodeId::new(id as u32));
                }
            }
            None
        })
    }

    /// Elements named `local` (any namespace; the caller checks it) below `node`, or including it when
    /// `or_self`, in document order.
    pub fn descendants_named(&self, node: Node<'a, 'i>, local: &str, or_self: bool) -> &[Node<'a, 'i>] {
        let Some(all) = self.by_local_name.get(local) else {
            return &[];
        };
        let id = node.id().get() as usize;
        let Some(&end) = self.subtree_end.get(id) else {
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
