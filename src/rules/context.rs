//! Rule contexts: a Schematron rule's `context` (a union of element paths) turned into match paths, and
//! whether an element matches one. Names are compared as the document's interned ids: the schema numbers
//! the distinct local names and namespaces its contexts test ([`ContextNames`]), and per document each is
//! resolved once to the document's id ([`DocNames`]), so a step's name test is two integer compares.
//!
//! Rules that differ only in a literal their element must have (the VAT-category rules' contexts
//! `cac:TaxCategory[normalize-space(cbc:ID) = 'S']`, `… = 'AE'`, …, CII's `[ram:CategoryCode = 'Z']`) share
//! that key: it is evaluated once per element ([`KeyCache`]), and each candidate whose literal it does not
//! equal is rejected by a string compare instead of evaluating its predicate again.
//!
//! A predicate that can only be a boolean or nodes (never a position) runs as a check's compiled test
//! ([`Test::compile`]) where the compiler knows its shape (`[@schemeID]`, `[cbc:DocumentTypeCode = '130']`).

use std::borrow::Cow;

use super::tree::Node;
use super::xpath::ast::{Axis, AxisStep, CmpOp, Expr, Function, NodeTest, PathStart, PathStep};
use super::xpath::compile::compiled_predicate;
use super::xpath::compile::Test;
use super::xpath::eval::{general_compare, uses_position};
use super::xpath::functions::context_name_suffix;
use super::xpath::index::{name_hash, DocIndex};
use super::xpath::share::{fingerprint, Fingerprint};
use super::xpath::value::{Atomic, Sequence, XResult};
use super::xpath::{Evaluator, Focus, Item};

/// No such name in the document (never equal to an id a node has).
pub(super) const ABSENT: u32 = u32::MAX;

/// The distinct local names and namespaces a schema's rule contexts test, numbered in order of first use.
#[derive(Debug, Default)]
pub(super) struct ContextNames {
    /// Each local name with its [`name_hash`] without namespace.
    locals: Vec<(String, u64)>,
    /// Each namespace URI (`None`: no namespace).
    namespaces: Vec<Option<String>>,
    /// Each distinct key that a context's last step compares with a literal ([`KeyTest`]), with its
    /// fingerprint (what makes two keys the same).
    keys: Vec<(Fingerprint, Expr)>,
}

impl ContextNames {
    fn local(&mut self, local: &str) -> u32 {
        match self.locals.iter().position(|(known, _)| known == local) {
            Some(at) => at as u32,
            None => {
                self.locals.push((local.to_owned(), name_hash(None, local)));
                (self.locals.len() - 1) as u32
            }
        }
    }

    fn namespace(&mut self, namespace: Option<&str>) -> u32 {
        match self
            .namespaces
            .iter()
            .position(|known| known.as_deref() == namespace)
        {
            Some(at) => at as u32,
            None => {
                self.namespaces.push(namespace.map(str::to_owned));
                (self.namespaces.len() - 1) as u32
            }
        }
    }

    fn key(&mut self, key: &Expr) -> u32 {
        let print = fingerprint(key);
        match self.keys.iter().position(|(known, _)| *known == print) {
            Some(at) => at as u32,
            None => {
                self.keys.push((print, key.clone()));
                (self.keys.len() - 1) as u32
            }
        }
    }

    /// How many distinct keys the contexts test ([`KeyTest`]).
    #[cfg(test)]
    pub(super) fn key_count(&self) -> usize {
        self.keys.len()
    }

    /// The local name numbered `local`.
    pub(super) fn local_name(&self, local: u32) -> &str {
        &self.locals[local as usize].0
    }

    /// Each schema name's id in this document ([`ABSENT`] when the document has no such name).
    pub(super) fn resolve(&self, index: &DocIndex<'_, '_>) -> DocNames {
        let locals: Vec<u32> = self
            .locals
            .iter()
            .map(|(local, hash)| index.local_name_id(*hash, local).unwrap_or(ABSENT))
            .collect();
        let mut schema_locals = vec![ABSENT; index.document().local_names().len()];
        for (number, &id) in locals.iter().enumerate() {
            if let Some(slot) = schema_locals.get_mut(id as usize) {
                *slot = number as u32;
            }
        }
        DocNames {
            locals,
            schema_locals,
            namespaces: self
                .namespaces
                .iter()
                .map(|ns| index.namespace_id(ns.as_deref()).unwrap_or(ABSENT))
                .collect(),
        }
    }
}

/// A schema's context names resolved to one document's ids ([`ContextNames::resolve`]).
pub(super) struct DocNames {
    /// By the schema's local-name number: the document's local-name id, or [`ABSENT`].
    pub locals: Vec<u32>,
    /// By the document's local-name id: the schema's number, or [`ABSENT`] for a name no context tests.
    pub schema_locals: Vec<u32>,
    /// By the schema's namespace number: the document's namespace id, or [`ABSENT`].
    pub namespaces: Vec<u32>,
}

/// A step's name test by the schema's numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StepName {
    /// An element with this local name and namespace.
    Named { local: u32, namespace: u32 },
    /// An element in this namespace (`p:*`).
    InNamespace(u32),
    /// Any element (`*`, `node()`).
    AnyElement,
    /// No element (`text()`).
    Never,
}

impl StepName {
    fn of(test: &NodeTest, names: &mut ContextNames) -> StepName {
        match test {
            NodeTest::Name(ns, local, _) => StepName::Named {
                local: names.local(local),
                namespace: names.namespace(ns.as_deref()),
            },
            NodeTest::Namespace(ns) => StepName::InNamespace(names.namespace(Some(ns))),
            NodeTest::AnyName | NodeTest::AnyNode => StepName::AnyElement,
            NodeTest::Text => StepName::Never,
        }
    }

    /// Whether the node is an element that passes this name test in the document named by `doc`.
    #[inline]
    fn accepts(self, doc: &DocNames, node: Node<'_, '_>) -> bool {
        let Some((local, namespace)) = node.name_ids() else {
            return false;
        };
        match self {
            StepName::Named {
                local: l,
                namespace: n,
            } => doc.locals[l as usize] == local && doc.namespaces[n as usize] == namespace,
            StepName::InNamespace(n) => doc.namespaces[n as usize] == namespace,
            StepName::AnyElement => true,
            StepName::Never => false,
        }
    }
}

/// A context pattern alternative: steps from the outermost to the matched element.
#[derive(Debug)]
pub(super) struct MatchPath {
    /// Starts with `/` (not `//`): the first step must be a child of the document node.
    anchored: bool,
    /// Each step with whether it is reached through `//` (any ancestor) instead of `/` (the parent).
    pub steps: Vec<(bool, AxisStep)>,
    /// Each step's name test by the schema's numbers.
    names: Vec<StepName>,
    /// Whether any step has a predicate.
    has_predicates: bool,
    /// The suffixes the last step's first predicate requires of the local name
    /// (`//*[ends-with(name(), 'Amount') and …]`) and those it excludes (`not(ends-with(name(),
    /// 'PriceAmount'))`), taken out of the predicate ([`take_name_suffixes`]): decided on the name, not
    /// evaluated.
    suffixes: NameSuffixes,
    /// No step after the first is reached through `//`: an element's ancestry fits the path in one way
    /// only (each step is the ancestor at a fixed distance), so once the names have matched along it, the
    /// predicates are evaluated on the same elements without confirming their names again.
    pub one_chain: bool,
    /// A predicate of the last step that compares a key with a literal: an element whose key does not
    /// equal it cannot match, whatever the other predicates say.
    key_test: Option<KeyTest>,
    /// Per step, per predicate: the predicate compiled the way a check's test is ([`Test::compile`]), when
    /// it can only be a boolean or nodes (never a position) and the compiler knows its shape; `None`: the
    /// interpreter evaluates it.
    compiled: Vec<Vec<Option<Test>>>,
}

/// `[key = 'literal']` on a context's last step, the key numbered by [`ContextNames`].
#[derive(Debug)]
struct KeyTest {
    key: u32,
    literal: String,
}

impl KeyTest {
    /// The first predicate of `step` that is `key = 'literal'` (either way round) with a key that does not
    /// use the position: its value on an element is the same whatever the element's position, so the
    /// predicate is a necessary condition on the element alone (predicates are a conjunction).
    fn of(step: &AxisStep, names: &mut ContextNames) -> Option<KeyTest> {
        step.predicates.iter().find_map(|predicate| {
            let Expr::General(CmpOp::Eq, a, b) = predicate else {
                return None;
            };
            let (key, literal) = match (a.as_ref(), b.as_ref()) {
                (Expr::Str(literal), key) | (key, Expr::Str(literal)) => (key, literal),
                _ => return None,
            };
            if matches!(key, Expr::Str(_)) || uses_position(key) {
                return None;
            }
            Some(KeyTest {
                key: names.key(key),
                literal: literal.clone(),
            })
        })
    }
}

/// The context keys' values on the element being matched, each evaluated once, when a candidate first
/// asks (a key's error is kept too: the candidates are then matched as before).
pub(super) struct KeyCache<'a, 'i> {
    keys: &'a [(Fingerprint, Expr)],
    node: Option<Node<'a, 'i>>,
    values: Vec<Option<KeyValue<'a, 'i>>>,
}

/// A key's value on one element, kept in the form the candidates' literals are compared with.
enum KeyValue<'a, 'i> {
    /// Nodes, attributes and strings, as their strings: the general comparison with a string literal is
    /// then string equality (an untyped value is compared as a string), with no error possible.
    Strings(Vec<Cow<'a, str>>),
    /// Other values, or the key's error: compared by the general comparison.
    Other(XResult<Sequence<'a, 'i>>),
}

impl<'a, 'i> KeyValue<'a, 'i> {
    fn of(value: XResult<Sequence<'a, 'i>>) -> Self {
        let Ok(items) = value else {
            return KeyValue::Other(value);
        };
        match items.iter().map(Item::compared_as_string).collect() {
            Some(strings) => KeyValue::Strings(strings),
            None => KeyValue::Other(Ok(items)),
        }
    }
}

impl<'a, 'i> KeyCache<'a, 'i> {
    pub(super) fn new(names: &'a ContextNames) -> Self {
        Self {
            keys: &names.keys,
            node: None,
            values: (0..names.keys.len()).map(|_| None).collect(),
        }
    }

    /// Whether `key = 'literal'` may hold on `node`: false only when the key's value is known and no
    /// item of it equals the literal (the general comparison the predicate makes).
    fn may_equal(&mut self, ev: &mut Evaluator<'a, 'i, '_>, test: &KeyTest, node: Node<'a, 'i>) -> bool {
        if self.node != Some(node) {
            self.values.iter_mut().for_each(|value| *value = None);
            self.node = Some(node);
        }
        let slot = &mut self.values[test.key as usize];
        let value = slot.get_or_insert_with(|| {
            let value = ev.eval(&self.keys[test.key as usize].1, &Focus::of(Item::Node(node)));
            ev.vars.clear();
            KeyValue::of(value)
        });
        match value {
            KeyValue::Strings(strings) => strings.iter().any(|s| *s == test.literal),
            KeyValue::Other(Err(_)) => true,
            KeyValue::Other(Ok(items)) => {
                let literal = [Item::Atomic(Atomic::Str(Cow::Borrowed(test.literal.as_str())))];
                !matches!(general_compare(CmpOp::Eq, items, &literal), Ok(false))
            }
        }
    }
}

/// Turns a rule context (a union of paths) into match paths, numbering the names its steps test.
pub(super) fn match_paths(expr: &Expr, names: &mut ContextNames) -> Result<Vec<MatchPath>, String> {
    match expr {
        Expr::Union(a, b) => {
            let mut paths = match_paths(a, names)?;
            paths.extend(match_paths(b, names)?);
            Ok(paths)
        }
        Expr::Path(start, steps) => {
            let anchored = matches!(start, PathStart::Root);
            if matches!(start, PathStart::Expr(_)) {
                return Err("a context must be a path of element steps".to_owned());
            }
            let mut out: Vec<(bool, AxisStep)> = Vec::new();
            let mut through_descendants = false;
            let mut anchored = anchored;
            for step in steps {
                let PathStep::Axis(step) = step else {
                    return Err("a context must be a path of element steps".to_owned());
                };
                match step.axis {
                    Axis::DescendantOrSelf
                        if step.test == NodeTest::AnyNode && step.predicates.is_empty() =>
                    {
                        through_descendants = true;
                    }
                    Axis::Descendant => {
                        let mut child = step.clone();
                        child.axis = Axis::Child;
                        out.push((true, child));
                        through_descendants = false;
                    }
                    Axis::Child => {
                        out.push((through_descendants, step.clone()));
                        through_descendants = false;
                    }
                    _ => {
                        return Err(format!(
                            "the axis {:?} is not supported in a rule context",
                            step.axis
                        ))
                    }
                }
            }
            if out.first().is_some_and(|(descendant, _)| *descendant) {
                // `//x` matches an x anywhere
                anchored = false;
            }
            if out.is_empty() {
                return Err("a context that matches no element".to_owned());
            }
            let suffixes = out
                .last_mut()
                .map(|(_, step)| take_name_suffixes(step))
                .unwrap_or_default();
            let one_chain = !out.iter().skip(1).any(|(descendant, _)| *descendant);
            let step_names = out
                .iter()
                .map(|(_, step)| StepName::of(&step.test, names))
                .collect();
            let has_predicates = out.iter().any(|(_, step)| !step.predicates.is_empty());
            let key_test = out.last().and_then(|(_, step)| KeyTest::of(step, names));
            let compiled = out
                .iter()
                .map(|(_, step)| step.predicates.iter().map(compiled_predicate).collect())
                .collect();
            Ok(vec![MatchPath {
                compiled,
                anchored,
                steps: out,
                names: step_names,
                has_predicates,
                suffixes,
                one_chain,
                key_test,
            }])
        }
        _ => Err("a context must be a path".to_owned()),
    }
}

/// The local-name suffixes a context's last step tests by `ends-with(name(), 'suffix')`: required, or
/// excluded when the call is inside `not()`.
#[derive(Debug, Default)]
struct NameSuffixes {
    required: Vec<String>,
    excluded: Vec<String>,
}

impl NameSuffixes {
    fn tests_any(&self) -> bool {
        !self.required.is_empty() || !self.excluded.is_empty()
    }

    /// Whether an element of this local name passes every test.
    fn accept(&self, local: &str) -> bool {
        self.required.iter().all(|s| local.ends_with(s.as_str()))
            && !self.excluded.iter().any(|s| local.ends_with(s.as_str()))
    }
}

/// Takes the name-suffix tests out of the step's first predicate: each conjunct `ends-with(name(), 'x')`
/// or `not(ends-with(name(), 'x'))` whose suffix has no `:` (so it can only match inside the local name,
/// whatever prefix the document uses). The predicate keeps its other conjuncts in order, and goes when
/// none is left. Exact for a match: the name tests cannot fail, a predicate is a conjunction, and a
/// pattern's dynamic error is a non-match, so which conjunct decides first does not change whether the
/// element matches.
fn take_name_suffixes(step: &mut AxisStep) -> NameSuffixes {
    let mut suffixes = NameSuffixes::default();
    let Some(first) = step.predicates.first() else {
        return suffixes;
    };
    let mut conjuncts = Vec::new();
    flatten_and(first, &mut conjuncts);
    let mut rest = Vec::new();
    for conjunct in conjuncts {
        match conjunct {
            Expr::Call(Function::Not, args) if args.len() == 1 => match name_suffix(&args[0]) {
                Some(suffix) => suffixes.excluded.push(suffix),
                None => rest.push(conjunct),
            },
            _ => match name_suffix(conjunct) {
                Some(suffix) => suffixes.required.push(suffix),
                None => rest.push(conjunct),
            },
        }
    }
    if !suffixes.tests_any() {
        return suffixes;
    }
    let rest = rest
        .into_iter()
        .cloned()
        .reduce(|a, b| Expr::And(Box::new(a), Box::new(b)));
    match rest {
        Some(remaining) => step.predicates[0] = remaining,
        None => {
            step.predicates.remove(0);
        }
    }
    suffixes
}

/// The operands of a chain of `and`, left to right.
fn flatten_and<'e>(expr: &'e Expr, out: &mut Vec<&'e Expr>) {
    match expr {
        Expr::And(a, b) => {
            flatten_and(a, out);
            flatten_and(b, out);
        }
        _ => out.push(expr),
    }
}

/// The suffix of `ends-with(name(), 'suffix')` when it has no `:` ([`context_name_suffix`]).
fn name_suffix(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Call(Function::EndsWith, args) => context_name_suffix(args).map(str::to_owned),
        _ => None,
    }
}

impl MatchPath {
    /// The schema's number of the local name the last step tests, `None` for a wildcard step.
    pub(super) fn last_local(&self) -> Option<u32> {
        match self.names.last() {
            Some(StepName::Named { local, .. }) => Some(*local),
            _ => None,
        }
    }

    /// The local name the parent of a matched element must have: the step before the last when it is a
    /// named step and the last is joined to it by `/`. `None`: any parent (one step, `//` before the last
    /// step, or a wildcard before it).
    pub(super) fn parent_local(&self) -> Option<u32> {
        let last = self.names.len().checked_sub(1)?;
        if last == 0 || self.steps[last].0 {
            return None;
        }
        match self.names[last - 1] {
            StepName::Named { local, .. } => Some(local),
            _ => None,
        }
    }

    /// Whether the last step can match no element at all (`text()`).
    pub(super) fn matches_no_element(&self) -> bool {
        self.names.last() == Some(&StepName::Never)
    }

    /// Whether a wildcard last step can match an element of this local name (its required suffix, if any,
    /// ends the name).
    pub(super) fn wildcard_accepts(&self, local: &str) -> bool {
        self.last_local().is_none()
            && self.names.last() != Some(&StepName::Never)
            && self.name_suffix().is_none_or(|suffix| local.ends_with(suffix))
    }

    /// The first suffix the matched element's local name must have, if any: the patterns list wildcard
    /// candidates by it.
    pub(super) fn name_suffix(&self) -> Option<&str> {
        self.suffixes.required.first().map(String::as_str)
    }

    /// Whether the element matches this path in the document whose names `doc` resolves.
    /// `keys` holds the context keys' values on `node` for the candidates that test one.
    pub(super) fn matches<'a, 'i>(
        &'a self,
        ev: &mut Evaluator<'a, 'i, '_>,
        doc: &DocNames,
        keys: &mut KeyCache<'a, 'i>,
        node: Node<'a, 'i>,
    ) -> bool {
        let last = self.steps.len() - 1;
        if self.suffixes.tests_any() && !self.suffixes.accept(node.tag_name().name()) {
            return false;
        }
        // the names along the path are a necessary condition and cost no evaluation: predicates (which
        // build values) are only evaluated on elements whose ancestry already fits, and whose key (if the
        // last step compares one with a literal) equals the literal
        if self.one_chain {
            return self.chain_fits(doc, node)
                && self.key_may_equal(ev, keys, node)
                && (!self.has_predicates || self.chain_predicates_hold(ev, node));
        }
        if !self.walk(node, last, &mut |n, step| self.names[step].accepts(doc, n)) {
            return false;
        }
        if !self.key_may_equal(ev, keys, node) {
            return false;
        }
        if !self.has_predicates {
            return true;
        }
        self.walk(node, last, &mut |n, step| {
            self.names[step].accepts(doc, n)
                && predicates_hold(ev, n, &self.steps[step].1, &self.compiled[step])
        })
    }

    /// The predicates compiled as tests, to have their repeated sub-expressions shared like the
    /// interpreted ones' ([`super::xpath::share`]).
    pub(super) fn compiled_predicates_mut(&mut self) -> impl Iterator<Item = &mut Test> {
        self.compiled.iter_mut().flatten().flatten()
    }

    /// The path as written: no key test, every candidate's predicates evaluated in full by the
    /// interpreter (the reference in tests).
    #[cfg(test)]
    pub(super) fn interpreted(mut self) -> Self {
        self.key_test = None;
        for compiled in self.compiled.iter_mut().flatten() {
            *compiled = None;
        }
        self
    }

    /// Whether the last step's key test (if any) may hold on `node` ([`KeyCache::may_equal`]).
    fn key_may_equal<'a, 'i>(
        &self,
        ev: &mut Evaluator<'a, 'i, '_>,
        keys: &mut KeyCache<'a, 'i>,
        node: Node<'a, 'i>,
    ) -> bool {
        self.key_test
            .as_ref()
            .is_none_or(|test| keys.may_equal(ev, test, node))
    }

    /// [`MatchPath::walk`] by names for a path with no `//` after its first step ([`MatchPath::one_chain`]):
    /// step `i` is tested on the ancestor at distance `last - i`, a loop up the parents.
    fn chain_fits(&self, doc: &DocNames, node: Node<'_, '_>) -> bool {
        let mut current = node;
        for step in (0..self.names.len()).rev() {
            if !self.names[step].accepts(doc, current) {
                return false;
            }
            if step == 0 {
                break;
            }
            match current.parent() {
                Some(parent) if parent.is_element() => current = parent,
                _ => return false,
            }
        }
        !self.anchored || current.parent().is_some_and(|p| p.is_root())
    }

    /// The predicates of a one-chain path on the elements [`MatchPath::chain_fits`] matched, from the
    /// matched element up (the order of the walk).
    fn chain_predicates_hold<'a, 'i>(&'a self, ev: &mut Evaluator<'a, 'i, '_>, node: Node<'a, 'i>) -> bool {
        let mut current = Some(node);
        for ((_, step), compiled) in self.steps.iter().zip(&self.compiled).rev() {
            let Some(element) = current else {
                return false;
            };
            if !predicates_hold(ev, element, step, compiled) {
                return false;
            }
            current = element.parent();
        }
        true
    }

    /// Whether `node` passes step `index` by `step_test` and its ancestry passes the steps before it (a
    /// parent for `/`, some ancestor for `//`), down to the anchor. The same walk serves the name-only
    /// test and the full test with predicates.
    fn walk<'a, 'i, F>(&self, node: Node<'a, 'i>, index: usize, step_test: &mut F) -> bool
    where
        F: FnMut(Node<'a, 'i>, usize) -> bool,
    {
        if !step_test(node, index) {
            return false;
        }
        if index == 0 {
            return !self.anchored || node.parent().is_some_and(|p| p.is_root());
        }
        if self.steps[index].0 {
            node.ancestors()
                .skip(1)
                .filter(Node::is_element)
                .any(|a| self.walk(a, index - 1, step_test))
        } else {
            node.parent()
                .filter(Node::is_element)
                .is_some_and(|p| self.walk(p, index - 1, step_test))
        }
    }
}

/// Whether the step's predicates hold on an element that passes its name test (a dynamic error in a
/// pattern is a non-match, as XSLT 3.0 specifies).
fn predicates_hold<'a, 'i>(
    ev: &mut Evaluator<'a, 'i, '_>,
    node: Node<'a, 'i>,
    step: &'a AxisStep,
    compiled: &'a [Option<Test>],
) -> bool {
    if step.predicates.is_empty() {
        return true;
    }
    // the position among same-test siblings costs a sibling scan: only for predicates that may use it
    let positional = step.position != super::xpath::ast::PositionUse::None;
    let (position, size) = if positional {
        let index = ev.index;
        let same =
            |s: &Node<'_, '_>| super::xpath::eval::node_matches_in(index, *s, &step.test) && s.is_element();
        let position = node.prev_siblings().filter(same).count();
        (
            position,
            position + node.next_siblings().skip(1).filter(same).count(),
        )
    } else {
        (1, 1)
    };
    let focus = Focus {
        item: Item::Node(node),
        position,
        size,
    };
    for (predicate, compiled) in step.predicates.iter().zip(compiled) {
        let holds = match compiled {
            Some(test) => test.holds(ev, &focus),
            None => interpreted_predicate(ev, predicate, &focus),
        };
        ev.vars.clear();
        if !matches!(holds, Ok(true)) {
            return false;
        }
    }
    true
}

/// A predicate's verdict on the focus node by the interpreter: a number selects by position, anything
/// else by its effective boolean value.
fn interpreted_predicate<'a, 'i>(
    ev: &mut Evaluator<'a, 'i, '_>,
    predicate: &'a Expr,
    focus: &Focus<'a, 'i>,
) -> XResult<bool> {
    match predicate.bare() {
        // a comparison or a conjunction is never positional: its boolean (the evaluator's value of
        // one is that boolean), without a sequence for a literal
        Expr::General(..) | Expr::And(..) | Expr::Or(..) => ev.boolean(predicate, focus),
        // a path of plain axis steps gives nodes and cannot fail on an element: the first node
        // decides, no sequence built
        Expr::Path(PathStart::Root | PathStart::Context, steps) if is_plain_node_path(steps) => {
            ev.boolean(predicate, focus)
        }
        // a schema variable (`[$is-extension]`), read where it is kept instead of copied
        Expr::Global(name) => match ev.globals.get(name) {
            Some(value) => predicate_value(value, focus.position),
            None => Ok(false),
        },
        _ => ev
            .eval(predicate, focus)
            .and_then(|v| predicate_value(&v, focus.position)),
    }
}

/// A predicate's value on the element at `position`: a number selects by position, anything else by its
/// effective boolean value.
fn predicate_value(value: &[Item<'_, '_>], position: usize) -> super::xpath::value::XResult<bool> {
    match value {
        [Item::Atomic(super::xpath::value::Atomic::Decimal(n))] => {
            Ok(rust_decimal::Decimal::from(position) == *n)
        }
        _ => super::xpath::eval::effective_boolean(value),
    }
}

/// Axis steps without predicates: what they select from an element can be decided by the first node,
/// and raises no error.
fn is_plain_node_path(steps: &[PathStep]) -> bool {
    steps
        .iter()
        .all(|step| matches!(step, PathStep::Axis(step) if step.predicates.is_empty()))
}
