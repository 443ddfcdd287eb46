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
use std::hash::Hasher;

use super::ast::{Axis, Expr, Function, PathStart, PathStep};
use super::index::NameMap;
use super::value::{Sequence, XResult};

/// A shared sub-expression's id and the context node it was evaluated on (`u64::MAX` when it does not
/// depend on the context item).
pub type MemoKey = (u32, u64);

/// The values of shared sub-expressions on one document.
#[derive(Default)]
pub struct Memo<'a, 'i> {
    sequences: RefCell<NameMap<MemoKey, XResult<Sequence<'a, 'i>>>>,
    booleans: RefCell<NameMap<MemoKey, XResult<bool>>>,
}

impl<'a, 'i> Memo<'a, 'i> {
    pub fn new() -> Self {
        Self::default()
    }

    /// The sequence kept for `key`, if evaluated before.
    pub fn sequence(&self, key: MemoKey) -> Option<XResult<Sequence<'a, 'i>>> {
        self.sequences.borrow().get(&key).cloned()
    }

    pub fn keep_sequence(&self, key: MemoKey, value: XResult<Sequence<'a, 'i>>) {
        self.sequences.borrow_mut().insert(key, value);
    }

    /// The effective boolean value kept for `key`, if evaluated before.
    pub fn boolean(&self, key: MemoKey) -> Option<XResult<bool>> {
        self.booleans.borrow().get(&key).cloned()
    }

    pub fn keep_boolean(&self, key: MemoKey, value: XResult<bool>) {
        self.booleans.borrow_mut().insert(key, value);
    }

    /// How many values are kept (for tests).
    pub fn len(&self) -> usize {
        self.sequences.borrow().len() + self.booleans.borrow().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
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
}

/// A 128-bit hash of an expression's full structure (its `Debug` form, which names every node, name test,
/// literal and namespace URI): equal expressions have equal fingerprints, and two different ones among the
/// few thousand of a schema collide with a probability of about 2^-100.
type Fingerprint = (u64, u64);

impl Sharer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts the eligible sub-expressions of `expr`.
    pub fn count(&mut self, expr: &Expr) {
        if is_eligible(expr) {
            *self.counts.entry(fingerprint(expr)).or_default() += 1;
        }
        for_each_child(expr, &mut |child| self.count(child));
    }

    /// Wraps each eligible sub-expression of `expr` that was counted at least twice.
    pub fn wrap(&mut self, expr: &mut Expr) {
        let shared = is_eligible(expr)
            .then(|| fingerprint(expr))
            .filter(|f| self.counts.get(f).is_some_and(|&n| n >= 2));
        for_each_child_mut(expr, &mut |child| self.wrap(child));
        if let Some(print) = shared {
            let next = self.ids.len() as u32;
            let id = *self.ids.entry(print).or_insert(next);
            let inner = std::mem::replace(expr, Expr::ContextItem);
            *expr = Expr::Shared {
                id,
                uses_focus: uses_focus(&inner),
                inner: Box::new(inner),
            };
        }
    }

    /// How many distinct sub-expressions were shared.
    pub fn shared(&self) -> usize {
        self.ids.len()
    }
}

fn fingerprint(expr: &Expr) -> Fingerprint {
    struct Both(DefaultHasher, DefaultHasher);
    impl std::fmt::Write for Both {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0.write(s.as_bytes());
            self.1.write(s.as_bytes());
            Ok(())
        }
    }
    let mut both = Both(DefaultHasher::new(), DefaultHasher::new());
    both.1.write_u8(0x5a);
    // writing to a hasher cannot fail
    let _ = std::fmt::write(&mut both, format_args!("{expr:?}"));
    (both.0.finish(), both.1.finish())
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

/// No variables (bound by a quantifier or by a Schematron `let`, which may differ between rules) and no
/// `position()`/`last()`: the value is a function of the document and the context item.
fn is_self_contained(expr: &Expr) -> bool {
    let own = !matches!(
        expr,
        Expr::Var(_)
            | Expr::Global(_)
            | Expr::Quantified { .. }
            | Expr::Shared { .. }
            | Expr::Call(Function::Position | Function::Last, _)
    );
    let mut children = true;
    for_each_child(expr, &mut |child| children = children && is_self_contained(child));
    own && children
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
    }
}
