//! Shared sub-expressions: the official rules repeat the same costly sub-expressions many times (the
//! VAT-category rules test `//cac:TaxCategory[cac:TaxScheme/normalize-space(upper-case(cbc:ID))='VAT']…`
//! from the root dozens of times, the rule contexts test the same predicates on the same element once per
//! candidate rule). When a schema loads, [`Sharer`] finds the sub-expressions that occur at least twice and
//! depend on nothing but the document and the context item, and wraps each in [`Expr::Shared`] with an id;
//! per document, [`Memo`] keeps each one's value (or dynamic error) by id and context node, so it is
//! evaluated once. The value is the interpreter's own, so verdicts cannot change: a boolean use and a
//! sequence use are kept apart (the boolean shortcuts stop at the first node and may skip an error the full
//! sequence would raise).

use std::cell::RefCell;
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use super::ast::{Axis, AxisStep, CmpOp, Expr, Function, KeyEq, PathGroup, PathStart, PathStep};
use super::keyed::KeyGroups;
use super::value::{Atomic, Item, XResult};

/// A shared sub-expression's id, the context node it was evaluated on (`u64::MAX` when it does not
/// depend on the context item) and the value bound to the quantifier's variable ([`binding_key`]; 0 when
/// the expression uses no variable).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoKey {
    pub id: u32,
    pub node: u64,
    pub bound: u128,
}

impl std::hash::Hash for MemoKey {
    /// One word for the map's hasher (byte-wise FNV) instead of 28 bytes; equality stays exact.
    fn hash<H: Hasher>(&self, state: &mut H) {
        let folded = self.node.wrapping_mul(0x9e37_79b9_7f4a_7c15)
            ^ u64::from(self.id).rotate_left(40)
            ^ (self.bound as u64)
            ^ ((self.bound >> 64) as u64).rotate_left(17);
        state.write_u64(folded);
    }
}

/// Set in the id of a shared sub-expression that uses a quantifier's variable (`$rate` in the VAT-category
/// rules' `every $rate in … satisfies …`): its value is kept per value of the variable too.
pub const USES_VARIABLE: u32 = 1 << 31;

/// The node (or attribute) a kept value was computed from, as the memo keys it: the node's place in the
/// arena above the attribute's index (`None` for an atomic value).
pub fn node_key(item: &Item<'_, '_>) -> Option<u64> {
    let (node, attribute) = item.order_key()?;
    Some(((node as u64) << 24) | attribute as u64)
}

/// An exact key for the quantifier variables in scope, when there is exactly one and it is a node, a
/// number or a boolean (`None`: not kept, evaluated each time; strings have no exact fixed-size key).
/// Distinct values give distinct keys: the kind is in the low bits, a decimal's 16-byte representation
/// (scale and mantissa, whose low 16 bits are always zero) above them, so `5` and `5.0` are kept apart
/// (equal in comparisons, but their string values differ).
pub fn binding_key(vars: &[Item<'_, '_>]) -> Option<u128> {
    let [item] = vars else {
        return None;
    };
    Some(match item {
        Item::Node(_) | Item::Attr(..) => {
            let (node, attribute) = item.order_key()?;
            ((node as u128) << 64) | ((attribute as u128) << 16) | 1
        }
        Item::Atomic(Atomic::Decimal(d)) => u128::from_le_bytes(d.serialize()) | 2,
        Item::Atomic(Atomic::Double(f)) => (u128::from(f.to_bits()) << 16) | 3,
        Item::Atomic(Atomic::Bool(b)) => (u128::from(*b) << 16) | 4,
        Item::Atomic(_) => return None,
    })
}

/// A kept sequence: none or one item in place (most shared values: a path to one element, an amount),
/// more behind a reference count, so a hit hands it out without copying and keeping it allocates only
/// for two items or more.
#[derive(Debug, Clone)]
pub enum Kept<'a, 'i> {
    Empty,
    One(Item<'a, 'i>),
    Many(Rc<[Item<'a, 'i>]>),
}

impl<'a, 'i> From<Vec<Item<'a, 'i>>> for Kept<'a, 'i> {
    fn from(mut items: Vec<Item<'a, 'i>>) -> Self {
        match items.len() {
            0 => Kept::Empty,
            1 => items.pop().map_or(Kept::Empty, Kept::One),
            _ => Kept::Many(Rc::from(items)),
        }
    }
}

impl<'a, 'i> From<&[Item<'a, 'i>]> for Kept<'a, 'i> {
    fn from(items: &[Item<'a, 'i>]) -> Self {
        match items {
            [] => Kept::Empty,
            [one] => Kept::One(one.clone()),
            _ => Kept::Many(Rc::from(items)),
        }
    }
}

impl<'a, 'i> std::ops::Deref for Kept<'a, 'i> {
    type Target = [Item<'a, 'i>];

    fn deref(&self) -> &Self::Target {
        match self {
            Kept::Empty => &[],
            Kept::One(item) => std::slice::from_ref(item),
            Kept::Many(items) => items,
        }
    }
}

/// The values of shared sub-expressions on one document.
pub struct Memo<'a, 'i> {
    /// Sequences, each handed out without copying its items ([`Kept`]).
    sequences: RefCell<MemoMap<XResult<Kept<'a, 'i>>>>,
    booleans: RefCell<MemoMap<XResult<bool>>>,
    /// A keyed step's nodes grouped by key ([`super::keyed`]), by the group's fingerprint and the input
    /// node (`None`: the key cannot be grouped from that node).
    key_groups: RefCell<HashMap<GroupKey, Option<Rc<KeyGroups<'a, 'i>>>, BuildHasherDefault<MemoHasher>>>,
}

/// A [`KeyEq`]'s group fingerprint and the input node (as [`MemoKey::node`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct GroupKey {
    group: (u64, u64),
    node: u64,
}

impl std::hash::Hash for GroupKey {
    /// One word, as [`MemoKey`]'s.
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(
            self.node.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ self.group.0 ^ self.group.1.rotate_left(31),
        );
    }
}

/// A map keyed by [`MemoKey`], hashed by [`MemoHasher`].
type MemoMap<V> = HashMap<MemoKey, V, BuildHasherDefault<MemoHasher>>;

/// The memo's hasher: a [`MemoKey`] hashes itself as one word, which this mixes once (a multiply and a
/// shift) instead of feeding its eight bytes one by one to a byte-wise hash.
#[derive(Default)]
pub struct MemoHasher(u64);

impl Hasher for MemoHasher {
    fn finish(&self) -> u64 {
        let x = self.0.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        x ^ (x >> 29)
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(29) ^ word).wrapping_mul(0x0100_0000_01b3) ^ word;
    }
}

/// Room for the values of a typical invoice, so the maps rarely grow while the rules run.
const MEMO_CAPACITY: usize = 256;

impl<'a, 'i> Memo<'a, 'i> {
    pub fn new() -> Self {
        Self {
            sequences: RefCell::new(MemoMap::with_capacity_and_hasher(
                MEMO_CAPACITY,
                Default::default(),
            )),
            booleans: RefCell::new(MemoMap::with_capacity_and_hasher(
                MEMO_CAPACITY,
                Default::default(),
            )),
            key_groups: RefCell::default(),
        }
    }

    /// The groups kept for a keyed step from an input node, if built before.
    pub fn key_groups(&self, group: (u64, u64), node: u64) -> Option<Option<Rc<KeyGroups<'a, 'i>>>> {
        self.key_groups.borrow().get(&GroupKey { group, node }).cloned()
    }

    pub fn keep_key_groups(&self, group: (u64, u64), node: u64, groups: Option<Rc<KeyGroups<'a, 'i>>>) {
        self.key_groups
            .borrow_mut()
            .insert(GroupKey { group, node }, groups);
    }

    /// The sequence kept for `key`, if evaluated before (shared, not copied).
    pub fn sequence(&self, key: MemoKey) -> Option<XResult<Kept<'a, 'i>>> {
        self.sequences.borrow().get(&key).cloned()
    }

    pub fn keep_sequence(&self, key: MemoKey, value: XResult<Kept<'a, 'i>>) {
        self.sequences.borrow_mut().insert(key, value);
    }

    /// The effective boolean value kept for `key`, if evaluated before.
    pub fn boolean(&self, key: MemoKey) -> Option<XResult<bool>> {
        self.booleans.borrow().get(&key).cloned()
    }

    pub fn keep_boolean(&self, key: MemoKey, value: XResult<bool>) {
        self.booleans.borrow_mut().insert(key, value);
    }

    /// How many keyed groupings were built (for tests).
    pub fn key_group_count(&self) -> usize {
        self.key_groups.borrow().values().filter(|g| g.is_some()).count()
    }

    /// How many values are kept (for tests).
    pub fn len(&self) -> usize {
        self.sequences.borrow().len() + self.booleans.borrow().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Default for Memo<'_, '_> {
    fn default() -> Self {
        Self::new()
    }
}

/// Finds the sub-expressions worth sharing over all of a schema's expressions and wraps them: first
/// [`Sharer::count`] every expression, then [`Sharer::wrap`] every expression.
#[derive(Default)]
pub struct Sharer {
    /// Occurrences of each eligible sub-expression, by its [`Fingerprint`].
    counts: HashMap<Fingerprint, usize>,
    /// The ids given so far.
    ids: HashMap<Fingerprint, u32>,
    /// The distinct literals each keyed step's key is compared with ([`super::keyed::candidate`]), by
    /// [`key_group`].
    literals: HashMap<Fingerprint, Vec<String>>,
    /// How many predicates became [`Expr::KeyEq`].
    keyed: usize,
    /// How many paths are answered by grouping their whole nodes ([`KeyEq::path_group`]).
    grouped_paths: usize,
    /// Where each eligible sub-expression occurs ([`Within`]), by its fingerprint.
    within: HashMap<Fingerprint, Within>,
    /// Whether each eligible sub-expression uses the context item and a variable (what its memo key holds).
    depends: HashMap<Fingerprint, (bool, bool)>,
}

/// Where every occurrence of an eligible sub-expression is evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Within {
    /// Only as part of the eligible expression with this fingerprint, once per its evaluation and with its
    /// focus (no path step, predicate or quantifier between them).
    Only(Fingerprint),
    /// Elsewhere too, or on its own.
    Anywhere,
}

/// A 128-bit hash of an expression's full structure (every node's kind, literals, name tests with their
/// namespace URIs, operators, functions with their compiled patterns, in tree order): equal expressions have
/// equal fingerprints, and two different ones among the few thousand of a schema collide with a probability
/// of about 2^-100.
pub type Fingerprint = (u64, u64);

impl Sharer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts the eligible sub-expressions of `expr`; returns its fingerprint.
    pub fn count(&mut self, expr: &Expr) -> Fingerprint {
        let (print, outermost) = self.count_within(expr);
        for inner in outermost {
            self.note_within(inner, Within::Anywhere);
        }
        print
    }

    /// [`Sharer::count`], also noting where each eligible sub-expression occurs; returns the fingerprint
    /// and the eligible sub-expressions (`expr` itself if eligible) evaluated once per evaluation of `expr`
    /// with its focus and not inside another eligible one.
    fn count_within(&mut self, expr: &Expr) -> (Fingerprint, Vec<Fingerprint>) {
        for (_, group, literal) in keyed_candidates(expr) {
            let literals = self.literals.entry(group).or_default();
            if !literals.iter().any(|known| known == literal) {
                literals.push(literal.to_owned());
            }
        }
        let mut print = Print::of(expr);
        let once = evaluated_once_with_own_focus(expr);
        let mut inner = Vec::new();
        let mut at = 0;
        for_each_child(expr, &mut |child| {
            let (child_print, outermost) = self.count_within(child);
            print.add(child_print);
            if at < once {
                inner.extend(outermost);
            } else {
                for print in outermost {
                    self.note_within(print, Within::Anywhere);
                }
            }
            at += 1;
        });
        let print = print.finish();
        if !is_eligible(expr) {
            return (print, inner);
        }
        *self.counts.entry(print).or_default() += 1;
        self.depends
            .insert(print, (uses_focus(expr), uses_variable(expr)));
        for inner in inner {
            self.note_within(inner, Within::Only(print));
        }
        (print, vec![print])
    }

    fn note_within(&mut self, print: Fingerprint, within: Within) {
        let known = self.within.entry(print).or_insert(within);
        if *known != within {
            *known = Within::Anywhere;
        }
    }

    /// Whether an eligible sub-expression counted at least twice is evaluated only inside one other that
    /// is kept (shared, or itself evaluated only inside a shared one), once per its evaluation, with the
    /// same memo key: each of its values would be kept and never asked for again.
    fn evaluated_once_per_key(&self, print: Fingerprint) -> bool {
        let Some(Within::Only(outer)) = self.within.get(&print) else {
            return false;
        };
        let count = |print| self.counts.get(print).copied().unwrap_or(0);
        count(outer) >= 2
            && count(outer) == count(&print)
            && self.depends.get(outer) == self.depends.get(&print)
    }

    /// Wraps each eligible sub-expression of `expr` that was counted at least twice; returns the
    /// fingerprint `expr` had before.
    pub fn wrap(&mut self, expr: &mut Expr) -> Fingerprint {
        // decided on the expression as counted, before its parts are wrapped
        let eligible = is_eligible(expr);
        let mut print = Print::of(expr);
        // the keyed predicates, found before the parts are wrapped (as counted)
        let keyed: Vec<(usize, Fingerprint)> = keyed_candidates(expr)
            .into_iter()
            .filter(|(_, group, _)| self.literals.get(group).is_some_and(|l| l.len() >= 2))
            .map(|(at, group, _)| (at, group))
            .collect();
        for_each_child_mut(expr, &mut |child| print.add(self.wrap(child)));
        if let Expr::Path(_, steps) = expr {
            for (at, group) in keyed {
                if let PathStep::Axis(step) = &mut steps[at] {
                    self.keyed += usize::from(make_keyed(&mut step.predicates[0], group));
                }
            }
        }
        self.grouped_paths += usize::from(group_whole_path(expr));
        let print = print.finish();
        if eligible && self.counts.get(&print).is_some_and(|&n| n >= 2) && !self.evaluated_once_per_key(print)
        {
            let next = self.ids.len() as u32 | if uses_variable(expr) { USES_VARIABLE } else { 0 };
            let id = *self.ids.entry(print).or_insert(next);
            let inner = std::mem::replace(expr, Expr::ContextItem);
            *expr = Expr::Shared {
                id,
                uses_focus: uses_focus(&inner),
                inner: Box::new(inner),
            };
        }
        print
    }

    /// How many distinct sub-expressions were shared.
    pub fn shared(&self) -> usize {
        self.ids.len()
    }

    /// How many predicates became keyed look-ups ([`Expr::KeyEq`]).
    pub fn keyed(&self) -> usize {
        self.keyed
    }

    /// How many paths are answered by grouping their whole nodes by a key ([`KeyEq::path_group`]).
    pub fn grouped_paths(&self) -> usize {
        self.grouped_paths
    }
}

/// The steps of a path whose first predicate grouping can answer ([`super::keyed::candidate`]): the step's
/// position, the [`key_group`] and the literal.
fn keyed_candidates(expr: &Expr) -> Vec<(usize, Fingerprint, &str)> {
    let Expr::Path(_, steps) = expr else {
        return Vec::new();
    };
    steps
        .iter()
        .enumerate()
        .filter_map(|(at, step)| match step {
            PathStep::Axis(step) => {
                let (key, literal) = super::keyed::candidate(step.predicates.first()?)?;
                Some((at, key_group(step, key), literal))
            }
            PathStep::Expr(..) => None,
        })
        .collect()
}

/// Turns a predicate `key = 'literal'` (possibly wrapped in [`Expr::Shared`]) into [`Expr::KeyEq`];
/// returns whether it did.
fn make_keyed(predicate: &mut Expr, group: Fingerprint) -> bool {
    let slot = predicate.bare_mut();
    let Expr::General(CmpOp::Eq, key, literal) = slot else {
        return false;
    };
    let key = std::mem::replace(key.as_mut(), Expr::ContextItem);
    let literal = std::mem::replace(literal.as_mut(), Expr::ContextItem);
    *slot = Expr::KeyEq(Box::new(KeyEq {
        key,
        literal,
        group,
        path_group: None,
    }));
    true
}

/// Marks a path whose last step's only predicate is a [`KeyEq`], after steps of its own, as answered by
/// grouping the whole path's nodes ([`KeyEq::path_group`]), when the path without that predicate depends
/// on nothing but the document and the context node; returns whether it did.
fn group_whole_path(expr: &mut Expr) -> bool {
    let Expr::Path(start, steps) = expr else {
        return false;
    };
    let Some((PathStep::Axis(last), prefix)) = steps.split_last() else {
        return false;
    };
    let has_prefix = !prefix.is_empty() || matches!(start, PathStart::Expr(_));
    let ([predicate], true) = (last.predicates.as_slice(), has_prefix) else {
        return false;
    };
    let Expr::KeyEq(keyed) = predicate.bare() else {
        return false;
    };
    let mut steps_without = steps.clone();
    if let Some(PathStep::Axis(last)) = steps_without.last_mut() {
        last.predicates.clear();
    }
    let without = Expr::Path(start.clone(), steps_without);
    if !super::keyed::depends_on_node_only(&without) {
        return false;
    }
    let group = {
        use std::fmt::Write;
        let mut print = Print(DefaultHasher::new(), DefaultHasher::new());
        print.1.write_u8(0x67);
        let _ = write!(print, "GroupedPath|");
        print.add(fingerprint(&without));
        print.add(keyed.group);
        print.finish()
    };
    let uses_focus = uses_focus(&without);
    let Some(PathStep::Axis(last)) = steps.last_mut() else {
        return false;
    };
    let Expr::KeyEq(keyed) = last.predicates[0].bare_mut() else {
        return false;
    };
    keyed.path_group = Some(PathGroup {
        fingerprint: group,
        uses_focus,
    });
    true
}

/// The fingerprint of a step's axis and node test with a key: which grouping a [`KeyEq`] uses.
pub fn key_group(step: &AxisStep, key: &Expr) -> Fingerprint {
    use std::fmt::Write;
    let mut print = Print(DefaultHasher::new(), DefaultHasher::new());
    print.1.write_u8(0x6b);
    let _ = write!(print, "Keyed|{:?}|{:?}|", step.axis, step.test);
    print.add(fingerprint(key));
    print.finish()
}

/// An expression's [`Fingerprint`] (as [`Sharer::count`] computes it, without counting).
pub fn fingerprint(expr: &Expr) -> Fingerprint {
    let mut print = Print::of(expr);
    for_each_child(expr, &mut |child| print.add(fingerprint(child)));
    print.finish()
}

/// A fingerprint being computed: an expression's own parts (its kind, literals, names, operators, how many
/// predicates each step has), then its sub-expressions' fingerprints in order, so that each node is hashed
/// once however deep it lies.
struct Print(DefaultHasher, DefaultHasher);

impl std::fmt::Write for Print {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.write(s.as_bytes());
        self.1.write(s.as_bytes());
        Ok(())
    }
}

impl Print {
    fn of(expr: &Expr) -> Print {
        let mut print = Print(DefaultHasher::new(), DefaultHasher::new());
        print.1.write_u8(0x5a);
        // writing to a hasher cannot fail
        let _ = print.own(expr);
        print
    }

    /// The node's own parts; `|` ends each part so that adjacent parts cannot run together.
    fn own(&mut self, expr: &Expr) -> std::fmt::Result {
        use std::fmt::Write;
        match expr {
            Expr::Str(text) => write!(self, "Str{}|{text}|", text.len()),
            Expr::Num(n) => write!(self, "Num{n}|"),
            Expr::Double(f) => write!(self, "Double{}|", f.to_bits()),
            Expr::Var(slot) => write!(self, "Var{slot}|"),
            Expr::Global(name) => write!(self, "Global{}|{name}|", name.len()),
            Expr::ContextItem => write!(self, "Context|"),
            Expr::Path(start, steps) => {
                let start = match start {
                    PathStart::Root => "root",
                    PathStart::Context => "context",
                    PathStart::Expr(_) => "expr",
                };
                write!(self, "Path|{start}|{}|", steps.len())?;
                for step in steps {
                    match step {
                        PathStep::Axis(step) => {
                            write!(self, "{:?}|{:?}|{}|", step.axis, step.test, step.predicates.len())?
                        }
                        PathStep::Expr(_, predicates) => write!(self, "ExprStep|{}|", predicates.len())?,
                    }
                }
                Ok(())
            }
            Expr::Filter(_, predicates) => write!(self, "Filter|{}|", predicates.len()),
            Expr::Or(..) => write!(self, "Or|"),
            Expr::And(..) => write!(self, "And|"),
            Expr::General(op, ..) => write!(self, "General{op:?}|"),
            Expr::Value(op, ..) => write!(self, "Value{op:?}|"),
            Expr::Arith(op, ..) => write!(self, "Arith{op:?}|"),
            Expr::Negate(_) => write!(self, "Negate|"),
            Expr::Union(..) => write!(self, "Union|"),
            Expr::Sequence(items) => write!(self, "Sequence|{}|", items.len()),
            Expr::Call(function, args) => write!(self, "Call|{function:?}|{}|", args.len()),
            Expr::Quantified { every, slot, .. } => write!(self, "Quantified|{every}|{slot}|"),
            Expr::Cast(_, target, optional) => write!(self, "Cast|{target:?}|{optional}|"),
            Expr::If(..) => write!(self, "If|"),
            Expr::Shared { id, .. } => write!(self, "Shared|{id}|"),
            Expr::KeyEq(_) => write!(self, "KeyEq|"),
            Expr::Compiled(_) => write!(self, "Compiled|"),
        }
    }

    fn add(&mut self, child: Fingerprint) {
        self.0.write_u64(child.0);
        self.0.write_u64(child.1);
        self.1.write_u64(child.0);
        self.1.write_u64(child.1);
    }

    fn finish(&self) -> Fingerprint {
        (self.0.finish(), self.1.finish())
    }
}

/// Worth sharing: a costly expression whose value depends only on the document and the context item.
fn is_eligible(expr: &Expr) -> bool {
    let costly = match expr {
        Expr::Path(..) | Expr::Union(..) | Expr::Filter(..) => is_costly_path(expr),
        Expr::Str(_)
        | Expr::Num(_)
        | Expr::Double(_)
        | Expr::ContextItem
        | Expr::Var(_)
        | Expr::Global(_) => false,
        other => contains_costly_path(other),
    };
    costly && is_self_contained(expr)
}

/// A path that costs more than one step from the context (which the evaluator answers without a sequence).
fn is_costly_path(expr: &Expr) -> bool {
    match expr {
        Expr::Path(start, steps) => {
            matches!(start, PathStart::Expr(_))
                || steps.len() >= 2
                || steps.iter().any(|step| match step {
                    PathStep::Axis(step) => {
                        !step.predicates.is_empty()
                            || !matches!(step.axis, Axis::Child | Axis::Attribute | Axis::SelfAxis)
                    }
                    PathStep::Expr(..) => true,
                })
        }
        Expr::Union(..) | Expr::Filter(..) => true,
        _ => false,
    }
}

fn contains_costly_path(expr: &Expr) -> bool {
    if is_costly_path(expr) {
        return true;
    }
    let mut found = false;
    for_each_child(expr, &mut |child| found = found || contains_costly_path(child));
    found
}

/// No Schematron `let` variables (which may differ between rules), no quantifier of its own and no
/// `position()`/`last()`: the value is a function of the document, the context item and the quantifier
/// variable in scope (which the memo keys it by, [`USES_VARIABLE`]).
fn is_self_contained(expr: &Expr) -> bool {
    let own = !matches!(
        expr,
        Expr::Global(_)
            | Expr::Quantified { .. }
            | Expr::Shared { .. }
            | Expr::Call(Function::Position | Function::Last, _)
    );
    let mut children = true;
    for_each_child(expr, &mut |child| children = children && is_self_contained(child));
    own && children
}

/// How many of the expression's sub-expressions, first in [`for_each_child`]'s order, are evaluated once
/// per evaluation of the expression and with its focus: operands, arguments, a path's or filter's start
/// and a quantifier's domain; not predicates, expression steps or a quantifier's condition (evaluated per
/// item, with another focus or binding), nor a keyed predicate's parts (evaluated by the grouping).
fn evaluated_once_with_own_focus(expr: &Expr) -> usize {
    match expr {
        Expr::Path(PathStart::Expr(_), _) | Expr::Filter(..) | Expr::Quantified { .. } => 1,
        Expr::Or(..)
        | Expr::And(..)
        | Expr::General(..)
        | Expr::Value(..)
        | Expr::Arith(..)
        | Expr::Union(..) => 2,
        Expr::Negate(_) | Expr::Cast(..) | Expr::Shared { .. } => 1,
        Expr::Sequence(items) | Expr::Call(_, items) => items.len(),
        Expr::If(..) => 3,
        Expr::Path(..)
        | Expr::KeyEq(_)
        | Expr::Compiled(_)
        | Expr::Str(_)
        | Expr::Num(_)
        | Expr::Double(_)
        | Expr::Var(_)
        | Expr::Global(_)
        | Expr::ContextItem => 0,
    }
}

/// Whether the expression reads a quantifier's variable (anywhere inside it).
fn uses_variable(expr: &Expr) -> bool {
    if matches!(expr, Expr::Var(_)) {
        return true;
    }
    let mut found = false;
    for_each_child(expr, &mut |child| found = found || uses_variable(child));
    found
}

/// Whether the value can depend on the context item (predicates and expression steps have their own
/// focus, so only the outermost level counts). Conservative: `true` unless certainly not.
pub fn uses_focus(expr: &Expr) -> bool {
    match expr {
        Expr::Str(_) | Expr::Num(_) | Expr::Double(_) => false,
        Expr::Path(PathStart::Root, _) => false,
        Expr::Path(PathStart::Expr(start), _) => uses_focus(start),
        Expr::Path(PathStart::Context, _) | Expr::ContextItem | Expr::Var(_) | Expr::Global(_) => true,
        Expr::Filter(primary, _) => uses_focus(primary),
        Expr::Quantified { .. } => true,
        Expr::Call(Function::True | Function::False, _) => false,
        Expr::Call(_, args) if args.is_empty() => true,
        Expr::Call(_, args) | Expr::Sequence(args) => args.iter().any(uses_focus),
        Expr::Or(a, b)
        | Expr::And(a, b)
        | Expr::General(_, a, b)
        | Expr::Value(_, a, b)
        | Expr::Arith(_, a, b)
        | Expr::Union(a, b) => uses_focus(a) || uses_focus(b),
        Expr::Negate(a) | Expr::Cast(a, _, _) => uses_focus(a),
        Expr::Shared { uses_focus, .. } => *uses_focus,
        Expr::If(a, b, c) => uses_focus(a) || uses_focus(b) || uses_focus(c),
        Expr::KeyEq(keyed) => uses_focus(&keyed.key),
        Expr::Compiled(compiled) => uses_focus(&compiled.source),
    }
}

/// Calls `f` on each direct sub-expression (operands, arguments, predicates, expression steps).
pub fn for_each_child(expr: &Expr, f: &mut dyn FnMut(&Expr)) {
    match expr {
        Expr::Str(_)
        | Expr::Num(_)
        | Expr::Double(_)
        | Expr::Var(_)
        | Expr::Global(_)
        | Expr::ContextItem => {}
        Expr::Path(start, steps) => {
            if let PathStart::Expr(start) = start {
                f(start);
            }
            for step in steps {
                match step {
                    PathStep::Axis(step) => step.predicates.iter().for_each(&mut *f),
                    PathStep::Expr(e, predicates) => {
                        f(e);
                        predicates.iter().for_each(&mut *f);
                    }
                }
            }
        }
        Expr::Filter(primary, predicates) => {
            f(primary);
            predicates.iter().for_each(f);
        }
        Expr::Or(a, b)
        | Expr::And(a, b)
        | Expr::General(_, a, b)
        | Expr::Value(_, a, b)
        | Expr::Arith(_, a, b)
        | Expr::Union(a, b) => {
            f(a);
            f(b);
        }
        Expr::Negate(a) | Expr::Cast(a, _, _) | Expr::Shared { inner: a, .. } => f(a),
        Expr::Sequence(items) | Expr::Call(_, items) => items.iter().for_each(f),
        Expr::Quantified {
            domain, condition, ..
        } => {
            f(domain);
            f(condition);
        }
        Expr::If(a, b, c) => {
            f(a);
            f(b);
            f(c);
        }
        Expr::KeyEq(keyed) => {
            f(&keyed.key);
            f(&keyed.literal);
        }
        Expr::Compiled(compiled) => f(&compiled.source),
    }
}

/// [`for_each_child`] with mutable access.
pub fn for_each_child_mut(expr: &mut Expr, f: &mut dyn FnMut(&mut Expr)) {
    match expr {
        Expr::Str(_)
        | Expr::Num(_)
        | Expr::Double(_)
        | Expr::Var(_)
        | Expr::Global(_)
        | Expr::ContextItem => {}
        Expr::Path(start, steps) => {
            if let PathStart::Expr(start) = start {
                f(start);
            }
            for step in steps {
                match step {
                    PathStep::Axis(step) => step.predicates.iter_mut().for_each(&mut *f),
                    PathStep::Expr(e, predicates) => {
                        f(e);
                        predicates.iter_mut().for_each(&mut *f);
                    }
                }
            }
        }
        Expr::Filter(primary, predicates) => {
            f(primary);
            predicates.iter_mut().for_each(f);
        }
        Expr::Or(a, b)
        | Expr::And(a, b)
        | Expr::General(_, a, b)
        | Expr::Value(_, a, b)
        | Expr::Arith(_, a, b)
        | Expr::Union(a, b) => {
            f(a);
            f(b);
        }
        Expr::Negate(a) | Expr::Cast(a, _, _) | Expr::Shared { inner: a, .. } => f(a),
        Expr::Sequence(items) | Expr::Call(_, items) => items.iter_mut().for_each(f),
        Expr::Quantified {
            domain, condition, ..
        } => {
            f(domain);
            f(condition);
        }
        Expr::If(a, b, c) => {
            f(a);
            f(b);
            f(c);
        }
        Expr::KeyEq(keyed) => {
            f(&mut keyed.key);
            f(&mut keyed.literal);
        }
        // the compiled test is not visited: it is made last, from the source
        Expr::Compiled(compiled) => f(&mut compiled.source),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::rules::xpath::index::DocIndex;
    use crate::rules::xpath::{parse, Evaluator, Focus, Globals, Item};

    /// Parses `exprs`, shares what they repeat, and returns them wrapped.
    fn shared(exprs: &[&str]) -> (Vec<Expr>, Sharer) {
        let mut parsed: Vec<Expr> = exprs.iter().map(|e| parse(e, &HashMap::new()).unwrap()).collect();
        let mut sharer = Sharer::new();
        parsed.iter().for_each(|e| {
            sharer.count(e);
        });
        parsed.iter_mut().for_each(|e| {
            sharer.wrap(e);
        });
        (parsed, sharer)
    }

    /// The ids of the shared sub-expressions of `expr`, outermost first.
    fn ids(expr: &Expr) -> Vec<u32> {
        let mut out = Vec::new();
        if let Expr::Shared { id, .. } = expr {
            out.push(*id);
        }
        for_each_child(expr, &mut |child| out.extend(ids(child)));
        out
    }

    #[test]
    fn a_repeated_costly_sub_expression_gets_one_id_and_a_single_one_none() {
        let (exprs, sharer) = shared(&[
            "exists(//a[b = 'x']) and c",
            "count(//a[b = 'x']) = 1",
            "exists(//d[e = 'y'])",
        ]);
        assert_eq!(sharer.shared(), 1, "only //a[b = 'x'] occurs twice");
        assert_eq!(ids(&exprs[0]), ids(&exprs[1]));
        assert_eq!(ids(&exprs[0]).len(), 1);
        assert!(ids(&exprs[2]).is_empty());
        // one child step from the context costs less than the lookup: never shared
        let (exprs, sharer) = shared(&["c = 1", "c = 1"]);
        assert_eq!((sharer.shared(), ids(&exprs[0]).len()), (0, 0));
    }

    #[test]
    fn a_part_evaluated_only_inside_one_shared_expression_is_not_shared_itself() {
        // the whole comparison is shared; its operands are evaluated only when it is, once each with its
        // focus: a kept value of theirs would never be asked for again
        let (exprs, sharer) = shared(&["round(xs:decimal(a/b) * 2) = 1", "round(xs:decimal(a/b) * 2) = 1"]);
        assert_eq!(sharer.shared(), 1);
        assert_eq!(ids(&exprs[0]).len(), 1);
        assert!(matches!(exprs[0], Expr::Shared { .. }), "{:?}", exprs[0]);
        // a part that also occurs on its own elsewhere is shared (and its own parts are not)
        let (exprs, sharer) = shared(&[
            "round(xs:decimal(a/b)) = 1",
            "round(xs:decimal(a/b)) = 1",
            "xs:decimal(a/b) > 0",
        ]);
        assert_eq!(sharer.shared(), 2);
        assert_eq!(ids(&exprs[0]).len(), 2);
        assert_eq!(ids(&exprs[2]), ids(&exprs[0])[1..]);
        // twice inside each: the second is the first's value
        let (exprs, _) = shared(&[
            "xs:decimal(a/b) + xs:decimal(a/b) = 1",
            "xs:decimal(a/b) + xs:decimal(a/b) = 1",
        ]);
        assert_eq!(ids(&exprs[0]).len(), 3);
        // in a predicate (another focus, once per node) it stays shared
        let (exprs, _) = shared(&["//c[xs:decimal(a/b) = 1]", "//c[xs:decimal(a/b) = 1]"]);
        assert_eq!(ids(&exprs[0]).len(), 2);
        // a part that does not use the focus is asked again from other context nodes: it stays shared
        // (`c/d`, which does, is not)
        let (exprs, _) = shared(&["c/d = //e/f", "c/d = //e/f"]);
        assert_eq!(ids(&exprs[0]).len(), 2);
        // nor does one whose outer expression uses a variable it does not (asked again per binding):
        // `count(//e/f)` is shared inside the condition, `//e/f` only inside it is not
        let (exprs, _) = shared(&[
            "every $x in g satisfies (count(//e/f) + $x = 2)",
            "every $x in g satisfies (count(//e/f) + $x = 2)",
        ]);
        let inner = ids(&exprs[0]);
        assert_eq!(inner.len(), 2, "{:?}", exprs[0]);
        assert_eq!(
            (inner[0] & USES_VARIABLE, inner[1] & USES_VARIABLE),
            (USES_VARIABLE, 0)
        );
    }

    #[test]
    fn a_kept_sequence_gives_back_its_items_in_order_whatever_its_length() {
        let items: Vec<Item<'_, '_>> = (1..=3)
            .map(|n| Item::Atomic(Atomic::Decimal(rust_decimal::Decimal::from(n))))
            .collect();
        for len in 0..=3 {
            let part = &items[..len];
            let kept = Kept::from(part);
            assert_eq!(format!("{:?}", &*kept), format!("{part:?}"));
            assert_eq!(format!("{:?}", &*Kept::from(part.to_vec())), format!("{part:?}"));
            assert_eq!(
                matches!(kept, Kept::Many(_)),
                len >= 2,
                "only two items or more are allocated"
            );
        }
    }

    #[test]
    fn position_lets_and_quantifiers_themselves_are_never_shared() {
        let (exprs, _) = shared(&[
            "//a[position() = 2]/b",
            "//a[position() = 2]/b",
            "//a[b = $let]",
            "//a[b = $let]",
        ]);
        for expr in &exprs {
            assert!(ids(expr).is_empty(), "{expr:?}");
        }
    }

    /// Evaluates each expression in turn with one memo, from the root element, as a test (`boolean`).
    fn run_all(xml: &str, exprs: &[Expr]) -> Vec<Result<bool, &'static str>> {
        let doc = crate::rules::tree::Document::parse(xml).unwrap();
        let index = DocIndex::new(&doc);
        let globals = Globals::default();
        let memo = Memo::new();
        let focus = Focus::of(Item::Node(doc.root_element()));
        let mut ev = Evaluator::new(doc.root(), &globals, Some(&index)).with_memo(&memo);
        let out = exprs
            .iter()
            .map(|e| ev.boolean(e, &focus).map_err(|e| e.code))
            .collect();
        assert!(!memo.is_empty(), "the shared values were kept");
        out
    }

    #[test]
    fn a_shared_value_is_reused_with_the_interpreters_verdict_in_either_order() {
        // exists() stops at the first match; count() evaluates every predicate and meets `x` = 1 (an error):
        // the boolean and the sequence of the same path are kept apart, so each keeps its own verdict
        let xml = "<r><a>1</a><a>x</a></r>";
        let (exprs, sharer) = shared(&["exists(a[. = 1])", "count(a[. = 1]) = 1"]);
        assert_eq!(sharer.shared(), 1);
        assert_eq!(run_all(xml, &exprs), [Ok(true), Err("FORG0001")]);
        let reversed = [exprs[1].clone(), exprs[0].clone()];
        assert_eq!(run_all(xml, &reversed), [Err("FORG0001"), Ok(true)]);
        // the same value asked twice, as a boolean and as a sequence
        let (exprs, _) = shared(&[
            "//a[. = 'x'] and true()",
            "//a[. = 'x'] and true()",
            "count(//a[. = 'x']) = 1",
            "count(//a[. = 'x']) = 1",
        ]);
        assert_eq!(run_all(xml, &exprs), [Ok(true); 4]);
    }

    #[test]
    fn a_value_that_uses_a_quantifier_variable_is_kept_per_value_of_the_variable() {
        let (exprs, _) = shared(&[
            "every $x in a satisfies //a[b = $x]",
            "every $x in a satisfies //a[b = $x]",
        ]);
        let inner = ids(&exprs[0]);
        assert_eq!(inner.len(), 1, "{:?}", exprs[0]);
        assert_ne!(inner[0] & USES_VARIABLE, 0);
        // a binding is a node, a number or a boolean; two values, or a string, are not kept
        let xml = "<r><a><b>1</b></a><a><b>2</b></a><c>1</c><c>2</c><c>3</c><c>2.0</c></r>";
        for (expr, expected) in [
            // each binding of $x gives its own count: c = 3 has none (one value for all would say true)
            ("every $x in c satisfies count(a[b = $x]) = 1", false),
            (
                "every $x in c[position() < 3] satisfies count(a[b = $x]) = 1",
                true,
            ),
            (
                "every $x in c/xs:decimal(.) satisfies count(a[b = $x]) = 1",
                false,
            ),
            ("some $x in c/xs:decimal(.) satisfies count(a[b = $x]) = 0", true),
            ("every $x in c/string(.) satisfies count(a[b = $x]) = 1", false),
        ] {
            let (exprs, sharer) = shared(&[expr, expr]);
            assert!(sharer.shared() > 0, "{expr}");
            let plain = parse(expr, &HashMap::new()).unwrap();
            let doc = crate::rules::tree::Document::parse(xml).unwrap();
            let globals = Globals::default();
            let focus = Focus::of(Item::Node(doc.root_element()));
            let interpreted = Evaluator::new(doc.root(), &globals, None).boolean(&plain, &focus);
            assert_eq!(interpreted, Ok(expected), "{expr}");
            assert_eq!(run_all(xml, &exprs), [Ok(expected), Ok(expected)], "{expr}");
        }
        let decimal = |text: &str| Item::Atomic(Atomic::Decimal(text.parse().unwrap()));
        assert_ne!(binding_key(&[decimal("2")]), binding_key(&[decimal("2.0")]));
        assert_ne!(binding_key(&[decimal("0")]), Some(0));
        assert_eq!(binding_key(&[decimal("2"), decimal("3")]), None);
        assert_eq!(binding_key(&[Item::Atomic(Atomic::Str("x".into()))]), None);
    }

    /// The plain interpreter's verdict (no sharing, no memo) on each expression, from the root element.
    fn interpreted(xml: &str, exprs: &[&str]) -> Vec<Result<bool, &'static str>> {
        let doc = crate::rules::tree::Document::parse(xml).unwrap();
        let globals = Globals::default();
        let focus = Focus::of(Item::Node(doc.root_element()));
        let plain: Vec<Expr> = exprs.iter().map(|e| parse(e, &HashMap::new()).unwrap()).collect();
        let mut ev = Evaluator::new(doc.root(), &globals, None);
        plain
            .iter()
            .map(|e| ev.boolean(e, &focus).map_err(|e| e.code))
            .collect()
    }

    #[test]
    fn a_shared_value_of_a_quantifier_variable_gives_the_interpreters_values_and_errors() {
        // the line whose rate is 2 has an amount that is not a decimal: a sum over the lines of rate $x
        // fails for $x = 2 only, so a value kept for $x = 1 must not answer for $x = 2 (nor the reverse)
        let xml = "<r><l><p>1</p><v>2</v></l><l><p>1</p><v>3</v></l><l><p>2</p><v>x</v></l>\
                   <l><p>3</p><v>4</v></l><c>1</c><c>2</c><c>3</c><d>3</d><d>1</d></r>";
        let sum = "sum(l[xs:decimal(p) = $x]/xs:decimal(v))";
        let cases = [
            // the same repeated sum, then rules that meet the bindings in another order or stop early
            vec![
                format!("every $x in c/xs:decimal(.) satisfies {sum} = {sum}"),
                format!("every $x in d/xs:decimal(.) satisfies {sum} > 2 and {sum} < 6"),
                format!("some $x in d/xs:decimal(.) satisfies {sum} = 5 or {sum} = 4"),
                format!("every $x in c/xs:decimal(.) satisfies {sum} = {sum}"),
            ],
            // the failing binding first: its error is kept and raised again where the value is used
            vec![
                format!("some $x in c[2]/xs:decimal(.) satisfies {sum} = 0 or {sum} = 1"),
                format!("every $x in d/xs:decimal(.) satisfies {sum} = {sum}"),
                format!("every $x in c/xs:decimal(.) satisfies {sum} = {sum}"),
                format!("some $x in c[2]/xs:decimal(.) satisfies {sum} = 0 or {sum} = 1"),
            ],
            // node bindings: each node is its own key
            vec![
                "every $x in c satisfies count(l[p = $x]/xs:decimal(v)) = count(l[p = $x]/xs:decimal(v))"
                    .to_owned(),
                "every $x in d satisfies count(l[p = $x]/xs:decimal(v)) = 1 or count(l[p = $x]/xs:decimal(v)) = 2"
                    .to_owned(),
            ],
        ];
        for case in &cases {
            let texts: Vec<&str> = case.iter().map(String::as_str).collect();
            let (exprs, sharer) = shared(&texts);
            assert!(
                exprs
                    .iter()
                    .all(|e| ids(e).iter().any(|id| id & USES_VARIABLE != 0)),
                "the sums are shared per binding: {exprs:?}"
            );
            assert!(sharer.shared() > 0);
            let expected = interpreted(xml, &texts);
            assert!(
                expected.iter().any(Result::is_err) || texts[0].contains("count"),
                "{expected:?}"
            );
            assert_eq!(run_all(xml, &exprs), expected, "{texts:#?}");
        }
    }

    #[test]
    fn the_official_rules_share_what_they_repeat() {
        for syntax in [crate::rules::Syntax::Ubl, crate::rules::Syntax::Cii] {
            let schema = crate::rules::official_schema(syntax).unwrap();
            // the VAT-category rules alone repeat dozens of root-anchored paths
            assert!(
                schema.shared_subexpressions() > 100,
                "{syntax:?}: {} shared",
                schema.shared_subexpressions()
            );
        }
    }

    #[test]
    fn a_value_that_depends_on_the_context_node_is_kept_per_node() {
        let xml = "<r><l><c><d>S</d></c></l><l><c><d>Z</d></c></l></r>";
        let doc = crate::rules::tree::Document::parse(xml).unwrap();
        let index = DocIndex::new(&doc);
        let globals = Globals::default();
        let memo = Memo::new();
        let (exprs, sharer) = shared(&["c/d = 'S'", "c/d = 'S'"]);
        assert!(sharer.shared() > 0);
        let mut ev = Evaluator::new(doc.root(), &globals, Some(&index)).with_memo(&memo);
        let lines: Vec<_> = doc.root_element().children().collect();
        let verdicts: Vec<bool> = lines
            .iter()
            .flat_map(|line| {
                let focus = Focus::of(Item::Node(*line));
                exprs
                    .iter()
                    .map(|e| ev.boolean(e, &focus).unwrap())
                    .collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(verdicts, [true, true, false, false]);
        // a root-anchored path is one value whatever the context
        let (exprs, _) = shared(&["//d = 'Z'", "//d = 'Z'"]);
        let Expr::Shared { uses_focus, .. } = &exprs[0] else {
            panic!("shared: {:?}", exprs[0]);
        };
        assert!(!uses_focus);
    }
}
