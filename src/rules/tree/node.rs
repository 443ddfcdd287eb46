//! The arena ([`Document`]) and the handle the rules walk it with ([`Node`]): the `roxmltree` methods the
//! rules call, with the same meaning (axes that include the node itself, `text()` of an element being its
//! first child's text, attributes without the namespace declarations).

use std::borrow::Cow;
use std::fmt;

/// No node (an absent parent, sibling or child).
pub(super) const NONE: u32 = u32::MAX;

/// What a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Root,
    Element,
    Text,
    Comment,
    Pi,
}

/// One node of the arena; ids are positions in document order.
#[derive(Debug, Clone)]
pub(super) struct NodeData {
    pub kind: Kind,
    pub parent: u32,
    pub prev_sibling: u32,
    pub next_sibling: u32,
    pub last_child: u32,
    /// One past the last id of this node's subtree (its descendants are `id + 1..end`).
    pub end: u32,
    /// Element: the local name's id in `names`; text and comment: the index in `texts`; processing
    /// instruction: its target's index in `texts`.
    pub name: u32,
    /// Element: the namespace's id in `namespaces` (0: none); processing instruction: its value's index in
    /// `texts` ([`NONE`]: no value).
    pub namespace: u32,
    /// Element: its attributes, `attributes[start..end]`.
    pub attributes: (u32, u32),
    /// Where the node's first token lies in the input (byte offsets).
    pub source: (u32, u32),
    /// Element: its in-scope namespace declarations, `scopes[scope]`.
    pub scope: u32,
}

/// One attribute (namespace declarations are not attributes, as in the XPath data model).
#[derive(Debug, Clone)]
pub(super) struct AttributeData<'i> {
    pub name: u32,
    pub namespace: u32,
    pub value: Cow<'i, str>,
}

/// A document read for the rules.
#[derive(Debug)]
pub struct Document<'i> {
    pub(super) text: &'i str,
    pub(super) nodes: Vec<NodeData>,
    pub(super) attributes: Vec<AttributeData<'i>>,
    pub(super) texts: Vec<Cow<'i, str>>,
    /// Distinct local names of elements and attributes.
    pub(super) names: Vec<Cow<'i, str>>,
    /// Distinct namespace URIs; id 0 is "no namespace".
    pub(super) namespaces: Vec<Cow<'i, str>>,
    /// The distinct lists of in-scope namespace declarations (prefix, "" for the default namespace, and
    /// the URI's id), an element's own first, then those it inherits and does not redeclare; list 0 is
    /// empty. Elements that declare nothing share their parent's list.
    pub(super) scopes: Vec<Vec<(Cow<'i, str>, u32)>>,
    /// How many attachment payloads the reader cut ([`super::read_for_rules`]).
    pub(super) cut_payloads: u32,
}

/// A node's id: its position in document order (the document node is 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(u32);

impl NodeId {
    pub fn new(id: u32) -> Self {
        Self(id)
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

/// A node of a [`Document`].
#[derive(Clone, Copy)]
pub struct Node<'a, 'i> {
    doc: &'a Document<'i>,
    id: u32,
}

/// An element's or attribute's namespace URI and local name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpandedName<'a> {
    namespace: Option<&'a str>,
    name: &'a str,
}

impl<'a> ExpandedName<'a> {
    pub fn namespace(&self) -> Option<&'a str> {
        self.namespace
    }

    pub fn name(&self) -> &'a str {
        self.name
    }
}

/// An attribute of an element.
#[derive(Clone, Copy)]
pub struct Attribute<'a, 'i> {
    doc: &'a Document<'i>,
    data: &'a AttributeData<'i>,
}

impl<'a> Attribute<'a, '_> {
    pub fn name(&self) -> &'a str {
        &self.doc.names[self.data.name as usize]
    }

    pub fn namespace(&self) -> Option<&'a str> {
        self.doc.namespace_uri(self.data.namespace)
    }

    pub fn value(&self) -> &'a str {
        &self.data.value
    }

    /// The id of the attribute's local name in [`Document::local_names`].
    pub fn local_name_id(&self) -> u32 {
        self.data.name
    }
}

impl fmt::Debug for Attribute<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}={:?}", self.name(), self.value())
    }
}

impl<'i> Document<'i> {
    /// Reads `text` with the rules' limits (see [`super::parse_for_rules`]); for tests and the vendored
    /// schemas.
    pub fn parse(text: &'i str) -> Result<Self, String> {
        super::parse_for_rules(text)
    }

    /// The document node.
    pub fn root(&self) -> Node<'_, 'i> {
        Node { doc: self, id: 0 }
    }

    /// The root element (a read document always has one).
    pub fn root_element(&self) -> Node<'_, 'i> {
        self.root()
            .children()
            .find(Node::is_element)
            .unwrap_or_else(|| self.root())
    }

    /// Every node in document order, the document node first.
    pub fn descendants(&self) -> Descendants<'_, 'i> {
        self.root().descendants()
    }

    /// The node with this id, if the document has it.
    pub fn get_node(&self, id: NodeId) -> Option<Node<'_, 'i>> {
        ((id.0 as usize) < self.nodes.len()).then_some(Node { doc: self, id: id.0 })
    }

    /// The text the document was read from.
    pub fn input_text(&self) -> &'i str {
        self.text
    }

    /// How many attachment payloads were read as their first non-space character
    /// ([`super::read_for_rules`]; 0 for other reads).
    pub fn cut_payloads(&self) -> usize {
        self.cut_payloads as usize
    }

    /// How many nodes the document has.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the document has no node (never true for a read document).
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The document's distinct local names of elements and attributes, by the id
    /// [`Node::local_name_id`] and [`Attribute::local_name_id`] give (each name once).
    pub fn local_names(&self) -> &[Cow<'i, str>] {
        &self.names
    }

    /// The document's distinct namespace URIs, by the id [`Node::namespace_id`] gives (id 0, the empty
    /// string, is "no namespace"; each URI once).
    pub fn namespace_uris(&self) -> &[Cow<'i, str>] {
        &self.namespaces
    }

    fn namespace_uri(&self, id: u32) -> Option<&str> {
        (id != 0).then(|| self.namespaces[id as usize].as_ref())
    }

    /// A copy of a `roxmltree` document, for the documents the rules' reader leaves to `parse_safely`.
    pub fn from_roxmltree(source: &roxmltree::Document<'i>) -> Self {
        let mut doc = Document {
            text: source.input_text(),
            nodes: Vec::with_capacity(source.descendants().len()),
            attributes: Vec::new(),
            texts: Vec::new(),
            names: Vec::new(),
            namespaces: vec![Cow::Borrowed("")],
            scopes: vec![Vec::new()],
            cut_payloads: 0,
        };
        let mut names = std::collections::HashMap::new();
        let mut intern_name = |doc: &mut Document<'i>, name: &str| -> u32 {
            *names.entry(name.to_owned()).or_insert_with(|| {
                doc.names.push(Cow::Owned(name.to_owned()));
                (doc.names.len() - 1) as u32
            })
        };
        let intern_namespace = |doc: &mut Document<'i>, uri: Option<&str>| -> u32 {
            let Some(uri) = uri else { return 0 };
            match doc.namespaces.iter().skip(1).position(|n| n == uri) {
                Some(at) => at as u32 + 1,
                None => {
                    doc.namespaces.push(Cow::Owned(uri.to_owned()));
                    (doc.namespaces.len() - 1) as u32
                }
            }
        };
        let id = |n: Option<roxmltree::Node<'_, '_>>| n.map_or(NONE, |n| n.id().get());
        for node in source.descendants() {
            let range = node.range();
            let mut data = NodeData {
                kind: Kind::Root,
                parent: id(node.parent()),
                prev_sibling: id(node.prev_sibling()),
                next_sibling: id(node.next_sibling()),
                last_child: id(node.last_child()),
                end: node.id().get() + node.descendants().len() as u32,
                name: 0,
                namespace: 0,
                attributes: (0, 0),
                source: (range.start as u32, range.end as u32),
                scope: 0,
            };
            let text = |doc: &mut Document<'i>, t: &str| {
                doc.texts.push(Cow::Owned(t.to_owned()));
                (doc.texts.len() - 1) as u32
            };
            match node.node_type() {
                roxmltree::NodeType::Root => {}
                roxmltree::NodeType::Element => {
                    data.kind = Kind::Element;
                    data.name = intern_name(&mut doc, node.tag_name().name());
                    data.namespace = intern_namespace(&mut doc, node.tag_name().namespace());
                    let start = doc.attributes.len() as u32;
                    for attribute in node.attributes() {
                        let name = intern_name(&mut doc, attribute.name());
                        let namespace = intern_namespace(&mut doc, attribute.namespace());
                        doc.attributes.push(AttributeData {
                            name,
                            namespace,
                            value: Cow::Owned(attribute.value().to_owned()),
                        });
                    }
                    data.attributes = (start, doc.attributes.len() as u32);
                    let mut scope = Vec::new();
                    for ns in node.namespaces() {
                        let uri = intern_namespace(&mut doc, Some(ns.uri()));
                        scope.push((Cow::Owned(ns.name().unwrap_or("").to_owned()), uri));
                    }
                    let parent_scope = node
                        .parent()
                        .map_or(0, |p| doc.nodes[p.id().get() as usize].scope);
                    data.scope = if doc.scopes[parent_scope as usize] == scope {
                        parent_scope
                    } else {
                        doc.scopes.push(scope);
                        (doc.scopes.len() - 1) as u32
                    };
                }
                roxmltree::NodeType::Text => {
                    data.kind = Kind::Text;
                    data.name = text(&mut doc, node.text().unwrap_or(""));
                }
                roxmltree::NodeType::Comment => {
                    data.kind = Kind::Comment;
                    data.name = text(&mut doc, node.text().unwrap_or(""));
                }
                roxmltree::NodeType::PI => {
                    data.kind = Kind::Pi;
                    let pi = node.pi();
                    data.name = text(&mut doc, pi.map_or("", |p| p.target));
                    data.namespace = match pi.and_then(|p| p.value) {
                        Some(value) => text(&mut doc, value),
                        None => NONE,
                    };
                }
            }
            doc.nodes.push(data);
        }
        doc
    }
}

impl<'a, 'i> Node<'a, 'i> {
    fn data(&self) -> &'a NodeData {
        &self.doc.nodes[self.id as usize]
    }

    fn at(&self, id: u32) -> Option<Node<'a, 'i>> {
        (id != NONE).then_some(Node { doc: self.doc, id })
    }

    pub fn id(&self) -> NodeId {
        NodeId(self.id)
    }

    pub fn document(&self) -> &'a Document<'i> {
        self.doc
    }

    pub fn is_root(&self) -> bool {
        self.data().kind == Kind::Root
    }

    pub fn is_element(&self) -> bool {
        self.data().kind == Kind::Element
    }

    pub fn is_text(&self) -> bool {
        self.data().kind == Kind::Text
    }

    pub fn is_comment(&self) -> bool {
        self.data().kind == Kind::Comment
    }

    pub fn is_pi(&self) -> bool {
        self.data().kind == Kind::Pi
    }

    /// The element's name (empty, without namespace, for other nodes).
    pub fn tag_name(&self) -> ExpandedName<'a> {
        let data = self.data();
        if data.kind != Kind::Element {
            return ExpandedName {
                namespace: None,
                name: "",
            };
        }
        ExpandedName {
            namespace: self.doc.namespace_uri(data.namespace),
            name: &self.doc.names[data.name as usize],
        }
    }

    /// The id of the element's local name, the same for every element and attribute of this document
    /// with that local name (`None` for other nodes).
    pub fn local_name_id(&self) -> Option<u32> {
        let data = self.data();
        (data.kind == Kind::Element).then_some(data.name)
    }

    /// The id of the element's namespace URI (0: none; `None` for other nodes).
    pub fn namespace_id(&self) -> Option<u32> {
        let data = self.data();
        (data.kind == Kind::Element).then_some(data.namespace)
    }

    /// The ids of the element's local name and namespace URI ([`Node::local_name_id`],
    /// [`Node::namespace_id`]) in one look-up; `None` for other nodes.
    pub fn name_ids(&self) -> Option<(u32, u32)> {
        let data = self.data();
        (data.kind == Kind::Element).then_some((data.name, data.namespace))
    }

    /// The element's in-scope namespace declarations: prefix (`None` for the default namespace) and URI,
    /// its own first, then those it inherits and does not redeclare (the `xml` prefix is not listed).
    pub fn namespaces(&self) -> impl Iterator<Item = (Option<&'a str>, &'a str)> + 'a {
        let data = self.data();
        let scope: &'a [(Cow<'i, str>, u32)] = if data.kind == Kind::Element {
            &self.doc.scopes[data.scope as usize]
        } else {
            &[]
        };
        let doc = self.doc;
        scope.iter().map(move |(prefix, uri)| {
            let prefix = (!prefix.is_empty()).then_some(prefix.as_ref());
            (prefix, doc.namespaces[*uri as usize].as_ref())
        })
    }

    /// The prefix bound to `uri` where this element is (`None` when the first declaration of `uri` in
    /// [`Node::namespaces`] is the default namespace, or there is none), as roxmltree answers it.
    pub fn lookup_prefix(&self, uri: &str) -> Option<&'a str> {
        if uri == super::read::XML_URI {
            return Some("xml");
        }
        self.namespaces()
            .find(|(_, u)| *u == uri)
            .and_then(|(prefix, _)| prefix)
    }

    /// A processing instruction's target and value.
    pub fn pi(&self) -> Option<(&'a str, Option<&'a str>)> {
        let data = self.data();
        (data.kind == Kind::Pi).then(|| {
            let value = (data.namespace != NONE).then(|| self.doc.texts[data.namespace as usize].as_ref());
            (self.doc.texts[data.name as usize].as_ref(), value)
        })
    }

    /// The text of a text or comment node; of an element, its first child's when that is text.
    /// An element's string value when its subtree holds at most one node, a text node: that text, or ""
    /// for an empty element (what the concatenation of its descendants' texts gives, without walking
    /// them). `None` for other nodes and larger subtrees.
    pub fn leaf_text(&self) -> Option<&'a str> {
        let data = self.data();
        if data.kind != Kind::Element {
            return None;
        }
        match data.end - self.id {
            1 => Some(""),
            2 => {
                let child = &self.doc.nodes[self.id as usize + 1];
                (child.kind == Kind::Text).then(|| self.doc.texts[child.name as usize].as_ref())
            }
            _ => None,
        }
    }

    pub fn text(&self) -> Option<&'a str> {
        let data = self.data();
        match data.kind {
            Kind::Text | Kind::Comment => Some(&self.doc.texts[data.name as usize]),
            Kind::Element => self
                .first_child()
                .filter(Node::is_text)
                .map(|child| self.doc.texts[child.data().name as usize].as_ref()),
            Kind::Root | Kind::Pi => None,
        }
    }

    /// Where the node's first token lies in the input text (for a text node merged from several pieces,
    /// the first piece).
    pub fn range(&self) -> std::ops::Range<usize> {
        let (start, end) = self.data().source;
        start as usize..end as usize
    }

    pub fn parent(&self) -> Option<Node<'a, 'i>> {
        self.at(self.data().parent)
    }

    pub fn parent_element(&self) -> Option<Node<'a, 'i>> {
        self.ancestors().skip(1).find(Node::is_element)
    }

    pub fn prev_sibling(&self) -> Option<Node<'a, 'i>> {
        self.at(self.data().prev_sibling)
    }

    pub fn next_sibling(&self) -> Option<Node<'a, 'i>> {
        self.at(self.data().next_sibling)
    }

    pub fn first_child(&self) -> Option<Node<'a, 'i>> {
        let data = self.data();
        (data.end > self.id + 1).then_some(Node {
            doc: self.doc,
            id: self.id + 1,
        })
    }

    pub fn last_child(&self) -> Option<Node<'a, 'i>> {
        self.at(self.data().last_child)
    }

    pub fn has_children(&self) -> bool {
        self.data().end > self.id + 1
    }

    /// The element's attributes in document order.
    pub fn attributes(&self) -> Attributes<'a, 'i> {
        let data = self.data();
        let (start, end) = if data.kind == Kind::Element {
            data.attributes
        } else {
            (0, 0)
        };
        Attributes {
            doc: self.doc,
            iter: self.doc.attributes[start as usize..end as usize].iter(),
        }
    }

    /// The value of the attribute with this local name and no namespace.
    pub fn attribute(&self, name: &str) -> Option<&'a str> {
        self.attributes()
            .find(|a| a.data.namespace == 0 && a.name() == name)
            .map(|a| a.value())
    }

    /// This node and its ancestors, nearest first.
    pub fn ancestors(&self) -> Axis<'a, 'i> {
        Axis {
            node: Some(*self),
            next: Node::parent,
        }
    }

    /// This node and its preceding siblings, nearest first.
    pub fn prev_siblings(&self) -> Axis<'a, 'i> {
        Axis {
            node: Some(*self),
            next: Node::prev_sibling,
        }
    }

    /// This node and its following siblings.
    pub fn next_siblings(&self) -> Axis<'a, 'i> {
        Axis {
            node: Some(*self),
            next: Node::next_sibling,
        }
    }

    pub fn children(&self) -> Children<'a, 'i> {
        Children {
            front: self.first_child(),
            back: self.last_child(),
        }
    }

    /// This node and everything below it, in document order.
    pub fn descendants(&self) -> Descendants<'a, 'i> {
        Descendants {
            doc: self.doc,
            ids: self.id..self.data().end,
        }
    }
}

impl PartialEq for Node<'_, '_> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id && std::ptr::eq(self.doc, other.doc)
    }
}

impl Eq for Node<'_, '_> {}

impl fmt::Debug for Node<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.data().kind {
            Kind::Element => {
                let name = self.tag_name();
                write!(
                    f,
                    "Element {{{}}}{} #{}",
                    name.namespace().unwrap_or(""),
                    name.name(),
                    self.id
                )
            }
            Kind::Text => write!(f, "Text {:?} #{}", self.text().unwrap_or(""), self.id),
            kind => write!(f, "{kind:?} #{}", self.id),
        }
    }
}

/// [`Node::attributes`].
#[derive(Clone)]
pub struct Attributes<'a, 'i> {
    doc: &'a Document<'i>,
    iter: std::slice::Iter<'a, AttributeData<'i>>,
}

impl<'a, 'i> Iterator for Attributes<'a, 'i> {
    type Item = Attribute<'a, 'i>;

    fn next(&mut self) -> Option<Self::Item> {
        let doc = self.doc;
        self.iter.next().map(|data| Attribute { doc, data })
    }

    fn nth(&mut self, n: usize) -> Option<Self::Item> {
        let doc = self.doc;
        self.iter.nth(n).map(|data| Attribute { doc, data })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.iter.size_hint()
    }
}

impl ExactSizeIterator for Attributes<'_, '_> {}

impl DoubleEndedIterator for Attributes<'_, '_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let doc = self.doc;
        self.iter.next_back().map(|data| Attribute { doc, data })
    }
}

/// [`Node::descendants`]: a range of ids.
#[derive(Clone)]
pub struct Descendants<'a, 'i> {
    doc: &'a Document<'i>,
    ids: std::ops::Range<u32>,
}

impl<'a, 'i> Iterator for Descendants<'a, 'i> {
    type Item = Node<'a, 'i>;

    fn next(&mut self) -> Option<Self::Item> {
        let doc = self.doc;
        self.ids.next().map(|id| Node { doc, id })
    }

    fn nth(&mut self, n: usize) -> Option<Self::Item> {
        let doc = self.doc;
        self.ids.nth(n).map(|id| Node { doc, id })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.ids.size_hint()
    }
}

impl ExactSizeIterator for Descendants<'_, '_> {}

impl DoubleEndedIterator for Descendants<'_, '_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let doc = self.doc;
        self.ids.next_back().map(|id| Node { doc, id })
    }
}

/// [`Node::children`].
#[derive(Clone)]
pub struct Children<'a, 'i> {
    front: Option<Node<'a, 'i>>,
    back: Option<Node<'a, 'i>>,
}

impl<'a, 'i> Iterator for Children<'a, 'i> {
    type Item = Node<'a, 'i>;

    fn next(&mut self) -> Option<Self::Item> {
        let node = self.front?;
        if self.front == self.back {
            self.front = None;
            self.back = None;
        } else {
            self.front = node.next_sibling();
        }
        Some(node)
    }
}

impl DoubleEndedIterator for Children<'_, '_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let node = self.back?;
        if self.front == self.back {
            self.front = None;
            self.back = None;
        } else {
            self.back = node.prev_sibling();
        }
        Some(node)
    }
}

/// [`Node::ancestors`], [`Node::prev_siblings`], [`Node::next_siblings`].
#[derive(Clone)]
pub struct Axis<'a, 'i> {
    node: Option<Node<'a, 'i>>,
    next: fn(&Node<'a, 'i>) -> Option<Node<'a, 'i>>,
}

impl<'a, 'i> Iterator for Axis<'a, 'i> {
    type Item = Node<'a, 'i>;

    fn next(&mut self) -> Option<Self::Item> {
        let node = self.node.take()?;
        self.node = (self.next)(&node);
        Some(node)
    }
}
