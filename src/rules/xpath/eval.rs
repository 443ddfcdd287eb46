//! Evaluates the syntax tree over the rules' XML tree (`rules::tree`) with XPath 2.0 semantics: sequences, document
//! order, general comparisons over sequences, effective boolean value, exact decimal arithmetic, and the
//! dynamic errors Saxon raises (reported as [`XError`]).

use std::collections::HashMap;

use crate::rules::tree::Node;
use rust_decimal::Decimal;

use super::ast::{ArithOp, Axis, AxisStep, Expr, NodeTest, PathStart, PathStep, PositionUse};
use super::functions;
use super::index::DocIndex;
use super::share::{Kept, Memo, MemoKey};
use super::value::{compare, decimal_to_double, Atomic, Item, Sequence, XError, XResult};

/// The focus: the context item, its position (1-based) and the size of the sequence it came from.
#[derive(Clone)]
pub struct Focus<'a, 'i> {
    pub item: Item<'a, 'i>,
    pub position: usize,
    pub size: usize,
}

impl<'a, 'i> Focus<'a, 'i> {
    pub fn of(item: Item<'a, 'i>) -> Self {
        Self {
            item,
            position: 1,
            size: 1,
        }
    }
}

/// Global variables (Schematron `let`) by name, hashed as the index hashes names ([`super::index::Fnv`]):
/// a dozen are bound per document and looked up by every check that uses one, where SipHash cost more.
pub type Globals<'a, 'i> =
    HashMap<String, Sequence<'a, 'i>, std::hash::BuildHasherDefault<super::index::Fnv>>;

/// State of one evaluation: the document and the variables in scope.
pub struct Evaluator<'a, 'i, 'g> {
    pub root: Node<'a, 'i>,
    pub vars: Vec<Item<'a, 'i>>,
    pub globals: &'g Globals<'a, 'i>,
    /// Speeds up `//name`; without it the axis walks the tree.
    pub index: Option<&'g DocIndex<'a, 'i>>,
    /// The values of [`Expr::Shared`] sub-expressions already evaluated on this document; without it
    /// they are evaluated each time.
    pub memo: Option<&'g Memo<'a, 'i>>,
}

impl<'a, 'i, 'g> Evaluator<'a, 'i, 'g> {
    pub fn new(
        root: Node<'a, 'i>,
        globals: &'g Globals<'a, 'i>,
        index: Option<&'g DocIndex<'a, 'i>>,
    ) -> Self {
        Self {
            root,
            vars: Vec::new(),
            globals,
            index,
            memo: None,
        }
    }

    /// The same evaluator, reusing the values of shared sub-expressions kept in `memo`.
    pub fn with_memo(mut self, memo: &'g Memo<'a, 'i>) -> Self {
        self.memo = Some(memo);
        self
    }

    /// The effective boolean value of an expression, with shortcuts that avoid building sequences.
    pub fn boolean(&mut self, expr: &'a Expr, focus: &Focus<'a, 'i>) -> XResult<bool> {
        match expr {
            Expr::And(a, b) => logical(false, self.boolean(a, focus), || self.boolean(b, focus)),
            Expr::Or(a, b) => logical(true, self.boolean(a, focus), || self.boolean(b, focus)),
            Expr::General(op, a, b) => self.general(*op, a, b, focus),
            Expr::KeyEq(keyed) => self.general(super::ast::CmpOp::Eq, &keyed.key, &keyed.literal, focus),
            Expr::Compiled(compiled) => compiled.test.holds(self, focus),
            // a value comparison gives one boolean or nothing
            Expr::Value(..) => Ok(matches!(
                self.single_atomic(expr, focus)?,
                Some(Atomic::Bool(true))
            )),
            Expr::Quantified {
                every,
                slot,
                domain,
                condition,
            } => self.quantified(*every, *slot, domain, condition, focus),
            Expr::Call(super::ast::Function::Not, args) if args.len() == 1 => {
                Ok(!self.boolean(&args[0], focus)?)
            }
            Expr::Shared {
                id,
                uses_focus,
                inner,
            } => {
                let Some((memo, key)) = self.memo_key(*id, *uses_focus, focus) else {
                    return self.boolean(inner, focus);
                };
                if let Some(known) = memo.boolean(key) {
                    return known;
                }
                let value = self.boolean(inner, focus);
                memo.keep_boolean(key, value.clone());
                value
            }
            Expr::Call(super::ast::Function::Exists, args) if args.len() == 1 => match args[0].bare() {
                // a path of axis steps gives nodes: exists() is its effective boolean value
                Expr::Path(_, steps) if is_node_path(steps) => self.boolean(&args[0], focus),
                _ => Ok(!self.sequence(&args[0], focus)?.is_empty()),
            },
            Expr::Call(super::ast::Function::Empty, args) if args.len() == 1 => match args[0].bare() {
                Expr::Path(_, steps) if is_node_path(steps) => Ok(!self.boolean(&args[0], focus)?),
                _ => Ok(self.sequence(&args[0], focus)?.is_empty()),
            },
            Expr::Path(start @ (PathStart::Root | PathStart::Context), steps) if is_existence_path(steps) => {
                if let Some(kept) = self.grouped_path(start, steps, focus) {
                    return Ok(!kept.nodes().is_empty());
                }
                let start = match start {
                    PathStart::Root => Item::Node(self.root),
                    _ => focus.item.clone(),
                };
                if !start.is_node() {
                    return Err(XError::new(
                        "XPTY0020",
                        "a path step applied to a value that is not a node",
                    ));
                }
                self.exists_from(start, steps)
            }
            _ => {
                let value = self.eval(expr, focus)?;
                effective_boolean(&value)
            }
        }
    }

    pub fn eval(&mut self, expr: &'a Expr, focus: &Focus<'a, 'i>) -> XResult<Sequence<'a, 'i>> {
        match expr {
            Expr::Str(s) => Ok(vec![Item::Atomic(Atomic::Str(std::borrow::Cow::Borrowed(
                s.as_str(),
            )))]),
            Expr::Num(n) => Ok(vec![Item::Atomic(Atomic::Decimal(*n))]),
            Expr::Double(f) => Ok(vec![Item::Atomic(Atomic::Double(*f))]),
            Expr::Var(slot) => self
                .vars
                .get(*slot)
                .cloned()
                .map(|item| vec![item])
                .ok_or_else(|| XError::new("XPST0008", "a variable is used outside its scope")),
            Expr::Global(name) => self
                .globals
                .get(name)
                .cloned()
                .ok_or_else(|| XError::new("XPST0008", format!("the variable ${name} is not defined"))),
            Expr::ContextItem => Ok(vec![focus.item.clone()]),
            Expr::Path(start, steps) => self.path(start, steps, focus),
            Expr::Filter(primary, predicates) => {
                let items = self.eval(primary, focus)?;
                self.filter(items, predicates)
            }
            Expr::Or(..) | Expr::And(..) | Expr::General(..) | Expr::KeyEq(..) | Expr::Compiled(_) => {
                Ok(vec![Item::Atomic(Atomic::Bool(self.boolean(expr, focus)?))])
            }
            Expr::Value(op, a, b) => {
                let (Some(left), Some(right)) =
                    (self.single_atomic(a, focus)?, self.single_atomic(b, focus)?)
                else {
                    return Ok(Vec::new());
                };
                Ok(vec![Item::Atomic(Atomic::Bool(compare(
                    *op, &left, &right, false,
                )?))])
            }
            Expr::Arith(op, a, b) => {
                let (Some(left), Some(right)) =
                    (self.single_atomic(a, focus)?, self.single_atomic(b, focus)?)
                else {
                    return Ok(Vec::new());
                };
                Ok(vec![Item::Atomic(arithmetic(*op, &left, &right)?)])
            }
            Expr::Negate(a) => {
                let Some(value) = self.single_atomic(a, focus)? else {
                    return Ok(Vec::new());
                };
                Ok(vec![Item::Atomic(match value.to_numeric()? {
                    Atomic::Decimal(d) => Atomic::Decimal(-d),
                    Atomic::Double(f) => Atomic::Double(-f),
                    other => other,
                })])
            }
            Expr::Union(a, b) => {
                let mut items = self.eval(a, focus)?;
                items.extend(self.eval(b, focus)?);
                if items.iter().any(|i| !i.is_node()) {
                    return Err(XError::new("XPTY0004", "a union of values that are not nodes"));
                }
                sort_document_order(&mut items);
                Ok(items)
            }
            Expr::Sequence(items) => {
                let mut out = Vec::new();
                for item in items {
                    out.extend(self.eval(item, focus)?);
                }
                Ok(out)
            }
            Expr::Call(function, args) => functions::call(self, function, args, focus),
            Expr::Quantified {
                every,
                slot,
                domain,
                condition,
            } => Ok(vec![Item::Atomic(Atomic::Bool(
                self.quantified(*every, *slot, domain, condition, focus)?,
            ))]),
            Expr::Cast(operand, target, optional) => match self.single_atomic(operand, focus)? {
                None if *optional => Ok(Vec::new()),
                None => Err(XError::new("XPTY0004", "cast of an empty sequence")),
                Some(value) => Ok(vec![Item::Atomic(value.cast(*target)?)]),
            },
            Expr::If(condition, then, otherwise) => {
                if self.boolean(condition, focus)? {
                    self.eval(then, focus)
                } else {
                    self.eval(otherwise, focus)
                }
            }
            Expr::Shared {
                id,
                uses_focus,
                inner,
            } => {
                let Some((memo, key)) = self.memo_key(*id, *uses_focus, focus) else {
                    return self.eval(inner, focus);
                };
                if let Some(known) = memo.sequence(key) {
                    return known.map(|items| items.to_vec());
                }
                let value = self.eval(inner, focus);
                memo.keep_sequence(
                    key,
                    value
                        .as_ref()
                        .map(|items| Kept::from(items.as_slice()))
                        .map_err(Clone::clone),
                );
                value
            }
        }
    }

    /// A shared sub-expression's sequence: the memo's own (not copied) when it was kept, else evaluated
    /// and kept.
    fn shared_sequence(
        &mut self,
        id: u32,
        uses_focus: bool,
        inner: &'a Expr,
        focus: &Focus<'a, 'i>,
    ) -> XResult<Kept<'a, 'i>> {
        let Some((memo, key)) = self.memo_key(id, uses_focus, focus) else {
            return self.eval(inner, focus).map(Kept::from);
        };
        if let Some(known) = memo.sequence(key) {
            return known;
        }
        let value = self.eval(inner, focus).map(Kept::from);
        memo.keep_sequence(key, value.clone());
        value
    }

    /// The expression's sequence, without copying a kept shared value ([`Eval::sequence`] otherwise).
    pub fn sequence(&mut self, expr: &'a Expr, focus: &Focus<'a, 'i>) -> XResult<Seq<'a, 'i>> {
        match expr {
            Expr::Shared {
                id,
                uses_focus,
                inner,
            } => self
                .shared_sequence(*id, *uses_focus, inner, focus)
                .map(Seq::Kept),
            _ => self.eval(expr, focus).map(Seq::Owned),
        }
    }

    /// How many items the expression gives: a walk down child names counts without a sequence.
    pub fn count(&mut self, expr: &'a Expr, focus: &Focus<'a, 'i>) -> XResult<usize> {
        if let Expr::Path(start, steps) = expr {
            if let Some(kept) = self.grouped_path(start, steps, focus) {
                return Ok(kept.nodes().len());
            }
        }
        if let Some(start) = self.chain_start(expr, focus) {
            let (node, steps) = start;
            let mut count = 0;
            visit_chain(self.index, node, steps, &mut |_| {
                count += 1;
                Ok(false)
            })?;
            return Ok(count);
        }
        Ok(self.sequence(expr, focus)?.len())
    }

    /// `every`/`some $x in domain satisfies condition`.
    fn quantified(
        &mut self,
        every: bool,
        slot: usize,
        domain: &'a Expr,
        condition: &'a Expr,
        focus: &Focus<'a, 'i>,
    ) -> XResult<bool> {
        let items = self.sequence(domain, focus)?;
        for item in items.iter() {
            self.vars.truncate(slot);
            self.vars.push(item.clone());
            let holds = self.boolean(condition, focus);
            self.vars.truncate(slot);
            if holds? != every {
                return Ok(!every);
            }
        }
        Ok(every)
    }

    /// Where a path that only walks down child names (see [`is_child_chain`]) starts, when `expr` is one
    /// and its start is a node (`None`: evaluate it as usual, which also raises the error for a value).
    pub(super) fn chain_start(
        &self,
        expr: &'a Expr,
        focus: &Focus<'a, 'i>,
    ) -> Option<(Node<'a, 'i>, &'a [PathStep])> {
        match expr {
            Expr::Path(PathStart::Context, steps) if is_child_chain(steps) => match &focus.item {
                Item::Node(node) => Some((*node, steps.as_slice())),
                _ => None,
            },
            Expr::Path(PathStart::Root, steps) if is_child_chain(steps) => {
                Some((self.root, steps.as_slice()))
            }
            _ => None,
        }
    }

    /// One side of a general comparison, evaluated as the interpreter evaluates it but without a sequence
    /// where the side gives at most one value, walks down child names, or was kept by the memo.
    fn side(&mut self, expr: &'a Expr, focus: &Focus<'a, 'i>) -> XResult<Side<'a, 'i>> {
        if let Some((node, steps)) = self.chain_start(expr, focus) {
            return Ok(Side::Chain(node, steps));
        }
        match expr {
            Expr::Call(function, args) => Ok(match functions::call_value(self, function, args, focus)? {
                functions::Value::One(value) => Side::One(value),
                functions::Value::Many(items) => Side::Items(Seq::Owned(items)),
            }),
            Expr::Shared { .. } => self.sequence(expr, focus).map(Side::Items),
            _ if gives_one_value(expr) => Ok(match self.single_atomic(expr, focus)? {
                Some(value) => Side::One(value),
                None => Side::Items(Seq::Owned(Vec::new())),
            }),
            _ => self.eval(expr, focus).map(|items| Side::Items(Seq::Owned(items))),
        }
    }

    /// `a op b` over sequences: false when `a` is empty (`b` is then not evaluated), else true when some
    /// pair of atomized values compares true, pairs taken in order (an error where a comparison raises one).
    fn general(
        &mut self,
        op: super::ast::CmpOp,
        a: &'a Expr,
        b: &'a Expr,
        focus: &Focus<'a, 'i>,
    ) -> XResult<bool> {
        // a literal on the right (`cbc:ID = 'S'`, `cbc:ChargeIndicator = true()`) needs no sequence
        let literal = match b {
            Expr::Str(text) => Some(Atomic::Str(std::borrow::Cow::Borrowed(text.as_str()))),
            Expr::Num(n) => Some(Atomic::Decimal(*n)),
            Expr::Call(super::ast::Function::True, args) if args.is_empty() => Some(Atomic::Bool(true)),
            Expr::Call(super::ast::Function::False, args) if args.is_empty() => Some(Atomic::Bool(false)),
            _ => None,
        };
        // nor one child step against a literal (`cbc:ID = 'S'`, the predicates' usual shape)
        if let (Some(right), Expr::Path(PathStart::Context, steps)) = (&literal, a) {
            if let Some(holds) = self.compare_children(focus, steps, op, right)? {
                return Ok(holds);
            }
        }
        // a walk down child names ending in a step that gives one value (`cac:TaxScheme/normalize-space(
        // upper-case(cbc:ID)) = 'VAT'`) against a literal or a bound variable: the values one by one
        let fixed = match (&literal, b) {
            (Some(right), _) => Some(right.clone()),
            (None, Expr::Var(slot)) => self.vars.get(*slot).map(Item::atomize),
            _ => None,
        };
        if let Some(right) = fixed {
            if let Some(holds) = self.compare_step_values(a, focus, op, &right)? {
                return Ok(holds);
            }
        }
        let left = self.side(a, focus)?;
        let index = self.index;
        if left.is_empty(index)? {
            return Ok(false);
        }
        if let Some(right) = literal {
            return left.any(index, &mut |l| compare(op, &l, &right, true));
        }
        let right = self.side(b, focus)?;
        left.any(index, &mut |l| {
            right.any(index, &mut |r| compare(op, &l, &r, true))
        })
    }

    /// `name op literal` (one child step with a name test, no predicates) from an element other than the
    /// root element, as the general comparison over the path's nodes decides it (false when there are
    /// none, true at the first child that compares true, an error where the comparison raises one), with
    /// the children visited in document order through the index instead of collected into a sequence.
    /// `None`: not this shape (the caller evaluates the path).
    pub(super) fn compare_children(
        &mut self,
        focus: &Focus<'a, 'i>,
        steps: &'a [PathStep],
        op: super::ast::CmpOp,
        right: &Atomic<'_>,
    ) -> XResult<Option<bool>> {
        let (Item::Node(node), [PathStep::Axis(step)]) = (&focus.item, steps) else {
            return Ok(None);
        };
        if step.axis != Axis::Child
            || !step.predicates.is_empty()
            || node.parent().is_some_and(|p| p.is_root())
        {
            return Ok(None);
        }
        let Some(children) = named_children(self.index, *node, &step.test) else {
            return Ok(None);
        };
        for child in children {
            if compare(op, &Item::Node(child).atomize(), right, true)? {
                return Ok(Some(true));
            }
        }
        Ok(Some(false))
    }

    /// `chain/f(…) op right` for a child chain from a node and a last step giving one value (a function
    /// call or an expression of [`gives_one_atomic`], without `position()`/`last()`), `right` already
    /// evaluated (a literal or a bound variable, which cannot fail): as the interpreter decides it — every
    /// step value is computed in order (the first error among them is the result), and the comparisons,
    /// in order, decide at the first that holds or fails. `None`: not this shape.
    fn compare_step_values(
        &mut self,
        expr: &'a Expr,
        focus: &Focus<'a, 'i>,
        op: super::ast::CmpOp,
        right: &Atomic<'_>,
    ) -> XResult<Option<bool>> {
        let (start, steps) = match (expr, &focus.item) {
            (Expr::Path(PathStart::Context, steps), Item::Node(node)) => (*node, steps),
            (Expr::Path(PathStart::Root, steps), _) => (self.root, steps),
            _ => return Ok(None),
        };
        let Some((PathStep::Expr(last, predicates), chain)) = steps.split_last() else {
            return Ok(None);
        };
        if !predicates.is_empty()
            || !is_child_chain(chain)
            || !(matches!(last, Expr::Call(..)) || gives_one_atomic(last))
            || uses_position(last)
        {
            return Ok(None);
        }
        let mut nodes = Vec::new();
        visit_chain(self.index, start, chain, &mut |item| {
            nodes.push(item);
            Ok(false)
        })?;
        let mut decided: Option<XResult<bool>> = None;
        let size = nodes.len();
        for (position, item) in nodes.into_iter().enumerate() {
            let inner = Focus {
                item,
                position: position + 1,
                size,
            };
            let value = match last {
                Expr::Call(function, args) => match functions::call_value(self, function, args, &inner)? {
                    functions::Value::One(value) => Some(value),
                    // a function giving a sequence: its items are each compared, as the path would give them
                    functions::Value::Many(items) => {
                        if items.iter().any(Item::is_node) {
                            // nodes among values: the path's own error, left to it
                            return Ok(None);
                        }
                        for item in &items {
                            if decided.is_some() {
                                break;
                            }
                            match compare(op, &item.atomize(), right, true) {
                                Ok(false) => {}
                                outcome => decided = Some(outcome),
                            }
                        }
                        None
                    }
                },
                _ => self.single_atomic(last, &inner)?,
            };
            if let (None, Some(value)) = (&decided, value) {
                match compare(op, &value, right, true) {
                    Ok(false) => {}
                    outcome => decided = Some(outcome),
                }
            }
        }
        decided.unwrap_or(Ok(false)).map(Some)
    }

    /// Where a shared sub-expression's value on this focus is kept: none without a memo, or when the
    /// context item is a value (not a node) and the expression depends on it.
    fn memo_key(
        &self,
        id: u32,
        uses_focus: bool,
        focus: &Focus<'a, 'i>,
    ) -> Option<(&'g Memo<'a, 'i>, MemoKey)> {
        let memo = self.memo?;
        let bound = if id & super::share::USES_VARIABLE != 0 {
            super::share::binding_key(&self.vars)?
        } else {
            0
        };
        if !uses_focus {
            return Some((
                memo,
                MemoKey {
                    id,
                    node: u64::MAX,
                    bound,
                },
            ));
        }
        let node = super::share::node_key(&focus.item)?;
        Some((memo, MemoKey { id, node, bound }))
    }

    /// Atomizes an expression that must give at most one value (else XPTY0004, as Saxon).
    pub fn single_atomic(&mut self, expr: &'a Expr, focus: &Focus<'a, 'i>) -> XResult<Option<Atomic<'a>>> {
        // the common arguments need no sequence: literals, `.`, and one child or attribute step (`cbc:ID`,
        // `@currencyID`) from an element other than the root element (whose children the index serves)
        match expr {
            Expr::Str(s) => return Ok(Some(Atomic::Str(std::borrow::Cow::Borrowed(s.as_str())))),
            Expr::Num(n) => return Ok(Some(Atomic::Decimal(*n))),
            Expr::ContextItem => return Ok(Some(focus.item.atomize())),
            Expr::Call(function, args) => {
                return match functions::call_value(self, function, args, focus)? {
                    functions::Value::One(value) => Ok(Some(value)),
                    functions::Value::Many(items) => match items.as_slice() {
                        [] => Ok(None),
                        [one] => Ok(Some(one.atomize())),
                        _ => Err(XError::new(
                            "XPTY0004",
                            format!("a sequence of {} items where one value is allowed", items.len()),
                        )),
                    },
                };
            }
            Expr::Path(PathStart::Context, steps) => {
                if let (Item::Node(node), [PathStep::Axis(step)]) = (&focus.item, steps.as_slice()) {
                    if step.predicates.is_empty() && !node.parent().is_some_and(|p| p.is_root()) {
                        if let Some(found) = single_on_axis(self.index, *node, step)? {
                            return Ok(found);
                        }
                    }
                }
            }
            // the values that are one atomic value or none, computed without a sequence as `eval` computes
            // them
            Expr::Double(f) => return Ok(Some(Atomic::Double(*f))),
            Expr::Var(slot) => {
                return self
                    .vars
                    .get(*slot)
                    .map(|item| Some(item.atomize()))
                    .ok_or_else(|| XError::new("XPST0008", "a variable is used outside its scope"))
            }
            Expr::Arith(op, a, b) => {
                let (left, right) = (self.single_atomic(a, focus)?, self.single_atomic(b, focus)?);
                return match (left, right) {
                    (Some(left), Some(right)) => arithmetic(*op, &left, &right).map(Some),
                    _ => Ok(None),
                };
            }
            Expr::Value(op, a, b) => {
                let (left, right) = (self.single_atomic(a, focus)?, self.single_atomic(b, focus)?);
                return match (left, right) {
                    (Some(left), Some(right)) => Ok(Some(Atomic::Bool(compare(*op, &left, &right, false)?))),
                    _ => Ok(None),
                };
            }
            Expr::Negate(a) => {
                let Some(value) = self.single_atomic(a, focus)? else {
                    return Ok(None);
                };
                return Ok(Some(match value.to_numeric()? {
                    Atomic::Decimal(d) => Atomic::Decimal(-d),
                    Atomic::Double(f) => Atomic::Double(-f),
                    other => other,
                }));
            }
            Expr::Cast(operand, target, optional) => {
                return match self.single_atomic(operand, focus)? {
                    None if *optional => Ok(None),
                    None => Err(XError::new("XPTY0004", "cast of an empty sequence")),
                    Some(value) => value.cast(*target).map(Some),
                };
            }
            Expr::Or(..)
            | Expr::And(..)
            | Expr::General(..)
            | Expr::KeyEq(..)
            | Expr::Compiled(_)
            | Expr::Quantified { .. } => {
                return Ok(Some(Atomic::Bool(self.boolean(expr, focus)?)));
            }
            Expr::Shared {
                id,
                uses_focus,
                inner,
            } => {
                let items = self.shared_sequence(*id, *uses_focus, inner, focus)?;
                return one_value(&items);
            }
            _ => {}
        }
        if let Some((node, steps)) = self.chain_start(expr, focus) {
            let mut first = None;
            let mut count = 0;
            visit_chain(self.index, node, steps, &mut |item| {
                if first.is_none() {
                    first = Some(item);
                }
                count += 1;
                Ok(false)
            })?;
            if count > 1 {
                return Err(too_many(count));
            }
            return Ok(first.map(|item| item.atomize()));
        }
        let items = self.eval(expr, focus)?;
        one_value(&items)
    }

    pub(super) fn path(
        &mut self,
        start: &'a PathStart,
        steps: &'a [PathStep],
        focus: &Focus<'a, 'i>,
    ) -> XResult<Sequence<'a, 'i>> {
        // a path ending in a keyed step: its literal's group among the whole path's nodes
        if let Some(kept) = self.grouped_path(start, steps, focus) {
            return Ok(kept.nodes().to_vec());
        }
        // the most common path, one step from the context (`cbc:ID`): no intermediate sequence
        if let (PathStart::Context, [PathStep::Axis(step)]) = (start, steps) {
            if !focus.item.is_node() {
                return Err(XError::new(
                    "XPTY0020",
                    "a path step applied to a value that is not a node",
                ));
            }
            let mut out = Vec::new();
            self.axis_step(&focus.item, step, &mut out)?;
            if step.axis.is_reverse() {
                sort_document_order(&mut out);
            }
            return Ok(out);
        }
        // a first stretch of child steps by name from one node is visited in document order into one
        // sequence, without a sequence per step
        let start_node = match (start, &focus.item) {
            (PathStart::Root, _) => Some(self.root),
            (PathStart::Context, Item::Node(node)) => Some(*node),
            _ => None,
        };
        let chained = match start_node {
            Some(_) => chain_prefix(steps),
            None => 0,
        };
        let (mut current, steps) = match start_node {
            Some(node) if chained >= 1 => {
                let mut found = Vec::new();
                visit_chain(self.index, node, &steps[..chained], &mut |item| {
                    found.push(item);
                    Ok(false)
                })?;
                (found, &steps[chained..])
            }
            _ => (
                match start {
                    PathStart::Root => vec![Item::Node(self.root)],
                    PathStart::Context => vec![focus.item.clone()],
                    PathStart::Expr(expr) => self.eval(expr, focus)?,
                },
                steps,
            ),
        };
        for step in steps {
            let many_inputs = current.len() > 1;
            let mut next = Vec::new();
            let size = current.len();
            for (index, item) in current.iter().enumerate() {
                match step {
                    PathStep::Axis(axis_step) => {
                        if !item.is_node() {
                            return Err(XError::new(
                                "XPTY0020",
                                "a path step applied to a value that is not a node",
                            ));
                        }
                        self.axis_step(item, axis_step, &mut next)?;
                    }
                    PathStep::Expr(expr, predicates) => {
                        let inner = Focus {
                            item: item.clone(),
                            position: index + 1,
                            size,
                        };
                        // a step giving one atomic value (`…/xs:decimal(cbc:Amount)`) needs no sequence
                        if predicates.is_empty() {
                            if let Expr::Call(function, args) = expr {
                                match functions::call_value(self, function, args, &inner)? {
                                    functions::Value::One(value) => next.push(Item::Atomic(value)),
                                    functions::Value::Many(items) => next.extend(items),
                                }
                                continue;
                            }
                            if gives_one_atomic(expr) {
                                next.extend(self.single_atomic(expr, &inner)?.map(Item::Atomic));
                                continue;
                            }
                        }
                        let items = self.eval(expr, &inner)?;
                        next.extend(self.filter(items, predicates)?);
                    }
                }
            }
            let all_nodes = next.iter().all(Item::is_node);
            if all_nodes && (many_inputs || matches!(step, PathStep::Axis(s) if s.axis.is_reverse())) {
                sort_document_order(&mut next);
            } else if !all_nodes && next.iter().any(Item::is_node) {
                return Err(XError::new("XPTY0018", "a path gives both nodes and values"));
            }
            current = next;
        }
        Ok(current)
    }

    fn axis_step(
        &mut self,
        item: &Item<'a, 'i>,
        step: &'a AxisStep,
        out: &mut Sequence<'a, 'i>,
    ) -> XResult<()> {
        if step.predicates.is_empty() {
            // without predicates the nodes go straight to the output: no intermediate sequence
            return self.axis_nodes(item, step, out);
        }
        // a first predicate `key = 'literal'` answered from the nodes grouped by key
        if let Some(kept) = self.keyed_nodes(item, step)? {
            match &step.predicates[1..] {
                [] => out.extend_from_slice(kept.nodes()),
                rest => out.extend(self.filter(kept.nodes().to_vec(), rest)?),
            }
            return Ok(());
        }
        let mut filtered = Vec::new();
        self.axis_nodes(item, step, &mut filtered)?;
        out.extend(self.filter(filtered, &step.predicates)?);
        Ok(())
    }

    /// The nodes on the step's axis from `item` that pass its node test, in axis order (its predicates not
    /// applied).
    pub(super) fn axis_nodes(
        &mut self,
        item: &Item<'a, 'i>,
        step: &'a AxisStep,
        found: &mut Sequence<'a, 'i>,
    ) -> XResult<()> {
        match (self.index, item, step.axis, &step.test) {
            (
                Some(index),
                Item::Node(node),
                Axis::Descendant | Axis::DescendantOrSelf,
                NodeTest::Name(_, local, _),
            ) => {
                let or_self = step.axis == Axis::DescendantOrSelf;
                let named = index.descendants_named(*node, local, or_self);
                // one allocation for all of them (the namespace test rarely rejects one)
                found.reserve(named.len());
                found.extend(
                    named
                        .iter()
                        .filter(|n| node_matches_in(Some(index), **n, &step.test))
                        .map(|n| Item::Node(*n)),
                );
            }
            // the root element has many children and is the context of hundreds of `not(cac:X)` checks
            (Some(index), Item::Node(node), Axis::Child, NodeTest::Name(_, local, _))
                if node.parent().is_some_and(|p| p.is_root()) =>
            {
                found.extend(
                    index
                        .root_children_named(local)
                        .iter()
                        .filter(|n| {
                            n.parent() == Some(*node) && node_matches_in(Some(index), **n, &step.test)
                        })
                        .map(|n| Item::Node(*n)),
                );
            }
            (
                Some(index),
                Item::Node(node),
                Axis::DescendantOrSelfAttribute,
                NodeTest::Name(ns, local, _),
            ) => {
                found.extend(
                    index
                        .attributes_named(*node, local)
                        .iter()
                        .filter(|(n, i)| {
                            n.attributes()
                                .nth(*i)
                                .is_some_and(|a| a.namespace() == ns.as_deref())
                        })
                        .map(|(n, i)| Item::Attr(*n, *i)),
                );
            }
            // `preceding::cbc:X` (the official rules' distinct-values idiom) from the elements of that name
            (Some(index), Item::Node(node), Axis::Preceding, NodeTest::Name(_, local, _)) => found.extend(
                index
                    .preceding_named(*node, local)
                    .filter(|n| node_matches_in(Some(index), *n, &step.test))
                    .map(Item::Node),
            ),
            (index, Item::Node(node), Axis::Child, test) => match named_children(index, *node, test) {
                Some(children) => found.extend(children.map(Item::Node)),
                None => found.extend(
                    node.children()
                        .filter(|c| node_matches_in(index, *c, test))
                        .map(Item::Node),
                ),
            },
            _ => collect_axis(item, step.axis, &step.test, found),
        }
        Ok(())
    }

    /// Whether the steps select at least one node from `item`: a depth-first search that stops at the first
    /// hit and builds no sequences, as the reference's lazy evaluation does (a predicate's error on a node
    /// after the first hit is never raised). Predicates see their positions counted as the nodes go by, so
    /// only `last()`, which needs the whole sequence, is left out ([`is_existence_path`]).
    fn exists_from(&mut self, item: Item<'a, 'i>, steps: &'a [PathStep]) -> XResult<bool> {
        let Some((PathStep::Axis(step), rest)) = steps.split_first() else {
            return Ok(true);
        };
        // a first predicate `key = 'literal'` (on any axis): the nodes it keeps, from the groups by key
        if let Some(kept) = self.keyed_nodes(&item, step)? {
            let mut seen = Seen::of(step);
            for next in kept.nodes() {
                if self.passes(next, &step.predicates[1..], &mut seen)?
                    && self.exists_from(next.clone(), rest)?
                {
                    return Ok(true);
                }
            }
            return Ok(false);
        }
        if let (Item::Node(node), Axis::Child) = (&item, step.axis) {
            let node = *node;
            let mut seen = Seen::of(step);
            let from_index = match (&step.test, self.index) {
                (NodeTest::Name(_, local, _), Some(index)) if node.parent().is_some_and(|p| p.is_root()) => {
                    Some(index.root_children_named(local))
                }
                _ => None,
            };
            if let Some(candidates) = from_index {
                for child in candidates {
                    if child.parent() != Some(node) || !node_matches_in(self.index, *child, &step.test) {
                        continue;
                    }
                    let child = Item::Node(*child);
                    if self.passes(&child, &step.predicates, &mut seen)? && self.exists_from(child, rest)? {
                        return Ok(true);
                    }
                }
                return Ok(false);
            }
            if let Some(children) = named_children(self.index, node, &step.test) {
                for child in children {
                    let child = Item::Node(child);
                    if self.passes(&child, &step.predicates, &mut seen)? && self.exists_from(child, rest)? {
                        return Ok(true);
                    }
                }
                return Ok(false);
            }
            for child in node.children() {
                if !node_matches_in(self.index, child, &step.test) {
                    continue;
                }
                let child = Item::Node(child);
                if self.passes(&child, &step.predicates, &mut seen)? && self.exists_from(child, rest)? {
                    return Ok(true);
                }
            }
            return Ok(false);
        }
        // the step's nodes in axis order, their predicates applied one node at a time up to the first
        // that passes them and leads on to a node
        let mut found = Vec::new();
        self.axis_nodes(&item, step, &mut found)?;
        let mut seen = Seen::of(step);
        for next in found {
            if self.passes(&next, &step.predicates, &mut seen)? && self.exists_from(next, rest)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Whether the next node of a step passes its predicates, `seen` counting for each predicate the nodes
    /// that reached it: its position among them, as [`Evaluator::filter`] gives it.
    fn passes(&mut self, item: &Item<'a, 'i>, predicates: &'a [Expr], seen: &mut Seen) -> XResult<bool> {
        if predicates.is_empty() {
            return Ok(true);
        }
        let Seen::Counting(counts) = seen else {
            let focus = Focus::of(item.clone());
            for predicate in predicates {
                if !self.predicate_holds(predicate, &focus)? {
                    return Ok(false);
                }
            }
            return Ok(true);
        };
        for (predicate, count) in predicates.iter().zip(counts.iter_mut()) {
            *count += 1;
            let focus = Focus {
                item: item.clone(),
                position: *count,
                size: 0,
            };
            if !self.predicate_holds(predicate, &focus)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Applies predicates in turn; a numeric predicate selects by position.
    pub fn filter(
        &mut self,
        mut items: Sequence<'a, 'i>,
        predicates: &'a [Expr],
    ) -> XResult<Sequence<'a, 'i>> {
        for predicate in predicates {
            let size = items.len();
            let mut kept = Vec::with_capacity(size);
            for (index, item) in items.into_iter().enumerate() {
                let focus = Focus {
                    item,
                    position: index + 1,
                    size,
                };
                if self.predicate_holds(predicate, &focus)? {
                    kept.push(focus.item);
                }
            }
            items = kept;
        }
        Ok(items)
    }

    fn predicate_holds(&mut self, predicate: &'a Expr, focus: &Focus<'a, 'i>) -> XResult<bool> {
        match predicate.bare() {
            Expr::Num(n) => Ok(Decimal::from(focus.position) == *n),
            Expr::And(..)
            | Expr::Or(..)
            | Expr::General(..)
            | Expr::KeyEq(..)
            | Expr::Compiled(_)
            | Expr::Path(..) => self.boolean(predicate, focus),
            _ => {
                let value = self.eval(predicate, focus)?;
                match value.as_slice() {
                    [Item::Atomic(Atomic::Decimal(n))] => Ok(Decimal::from(focus.position) == *n),
                    [Item::Atomic(Atomic::Double(f))] => Ok(focus.position as f64 == *f),
                    _ => effective_boolean(&value),
                }
            }
        }
    }
}

/// A sequence built for the caller, or one the memo kept (shared with it, not copied).
pub enum Seq<'a, 'i> {
    Owned(Sequence<'a, 'i>),
    Kept(Kept<'a, 'i>),
}

impl<'a, 'i> std::ops::Deref for Seq<'a, 'i> {
    type Target = [Item<'a, 'i>];

    fn deref(&self) -> &Self::Target {
        match self {
            Seq::Owned(items) => items,
            Seq::Kept(items) => items,
        }
    }
}

/// One side of a general comparison: a value (or none), a sequence, or a walk down child names from a node
/// (visited when compared, never collected).
enum Side<'a, 'i> {
    One(Atomic<'a>),
    Items(Seq<'a, 'i>),
    Chain(Node<'a, 'i>, &'a [PathStep]),
}

impl<'a, 'i> Side<'a, 'i> {
    fn is_empty(&self, index: Option<&DocIndex<'a, 'i>>) -> XResult<bool> {
        Ok(match self {
            Side::One(_) => false,
            Side::Items(items) => items.is_empty(),
            Side::Chain(node, steps) => !visit_chain(index, *node, steps, &mut |_| Ok(true))?,
        })
    }

    /// Whether `f` holds for some atomized item, items in order, stopping at the first that holds.
    fn any(
        &self,
        index: Option<&DocIndex<'a, 'i>>,
        f: &mut dyn FnMut(Atomic<'a>) -> XResult<bool>,
    ) -> XResult<bool> {
        match self {
            Side::One(value) => f(value.clone()),
            Side::Items(items) => {
                for item in items.iter() {
                    if f(item.atomize())? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Side::Chain(node, steps) => visit_chain(index, *node, steps, &mut |item| f(item.atomize())),
        }
    }
}

/// Expressions whose value is always one atomic value or none (never a node, never several items), which
/// [`Evaluator::single_atomic`] computes without a sequence.
fn gives_one_atomic(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::Str(_)
            | Expr::Num(_)
            | Expr::Double(_)
            | Expr::Arith(..)
            | Expr::Negate(_)
            | Expr::Cast(..)
            | Expr::Value(..)
            | Expr::Or(..)
            | Expr::And(..)
            | Expr::General(..)
            | Expr::KeyEq(..)
            | Expr::Quantified { .. }
    )
}

/// Whether `position()` or `last()` occurs anywhere in the expression.
pub(crate) fn uses_position(expr: &Expr) -> bool {
    super::parse::calls(expr, &|f| {
        matches!(f, super::ast::Function::Position | super::ast::Function::Last)
    })
}

/// Expressions whose value is one item or none, atomized: [`gives_one_atomic`], `.` and a variable.
fn gives_one_value(expr: &Expr) -> bool {
    gives_one_atomic(expr) || matches!(expr, Expr::ContextItem | Expr::Var(_))
}

fn too_many(count: usize) -> XError {
    XError::new(
        "XPTY0004",
        format!("a sequence of {count} items where one value is allowed"),
    )
}

/// The single item of a sequence atomized, `None` when empty, an error when there are several.
fn one_value<'a>(items: &[Item<'a, '_>]) -> XResult<Option<Atomic<'a>>> {
    match items {
        [] => Ok(None),
        [one] => Ok(Some(one.atomize())),
        _ => Err(too_many(items.len())),
    }
}

/// Steps that only walk down by name: child steps with a name test and no predicates, the last possibly an
/// attribute step with a name test (`cac:Price/cbc:PriceAmount`, `cbc:InvoicedQuantity/@unitCode`). From one
/// node such a path meets its nodes in document order, each once, and cannot raise an error.
pub(super) fn is_child_chain(steps: &[PathStep]) -> bool {
    let last = steps.len().wrapping_sub(1);
    !steps.is_empty()
        && steps.iter().enumerate().all(|(i, step)| match step {
            PathStep::Axis(AxisStep {
                axis,
                test: NodeTest::Name(..),
                predicates,
                ..
            }) => predicates.is_empty() && (*axis == Axis::Child || (*axis == Axis::Attribute && i == last)),
            _ => false,
        })
}

/// How many of the first steps form a child chain ([`is_child_chain`]): child steps by name without
/// predicates, or an attribute step by name when it is the last step of all.
fn chain_prefix(steps: &[PathStep]) -> usize {
    let child = |step: &PathStep| matches!(step, PathStep::Axis(AxisStep { axis: Axis::Child, test: NodeTest::Name(..), predicates, .. }) if predicates.is_empty());
    let children = steps.iter().take_while(|step| child(step)).count();
    if children + 1 == steps.len() && is_child_chain(&steps[children..]) {
        return steps.len();
    }
    children
}

/// Visits the nodes a child chain ([`is_child_chain`]) selects from `node`, in document order, until `f`
/// says stop (true); returns whether it did.
pub(super) fn visit_chain<'a, 'i>(
    index: Option<&DocIndex<'a, 'i>>,
    node: Node<'a, 'i>,
    steps: &[PathStep],
    f: &mut dyn FnMut(Item<'a, 'i>) -> XResult<bool>,
) -> XResult<bool> {
    let Some((PathStep::Axis(step), rest)) = steps.split_first() else {
        return f(Item::Node(node));
    };
    if step.axis == Axis::Attribute {
        if node.is_element() {
            for (position, attribute) in node.attributes().enumerate() {
                if attribute_matches(&attribute, &step.test) && f(Item::Attr(node, position))? {
                    return Ok(true);
                }
            }
        }
        return Ok(false);
    }
    match named_children(index, node, &step.test) {
        Some(children) => {
            for child in children {
                if visit_chain(index, child, rest, f)? {
                    return Ok(true);
                }
            }
        }
        None => {
            for child in node.children() {
                if node_matches_in(index, child, &step.test) && visit_chain(index, child, rest, f)? {
                    return Ok(true);
                }
            }
        }
    }
    Ok(false)
}

/// The single atomized child element or attribute a predicate-free step selects from an element, `None`
/// inside when it selects nothing; the outer `None` when the axis is not one this shortcut handles.
fn single_on_axis<'a, 'i>(
    index: Option<&DocIndex<'a, 'i>>,
    node: Node<'a, 'i>,
    step: &AxisStep,
) -> XResult<Option<Option<Atomic<'a>>>> {
    let too_many = |count: usize| {
        XError::new(
            "XPTY0004",
            format!("a sequence of {count} items where one value is allowed"),
        )
    };
    match step.axis {
        Axis::Child => {
            let (first, count) = match named_children(index, node, &step.test) {
                Some(children) => first_and_count(children),
                None => first_and_count(node.children().filter(|c| node_matches_in(index, *c, &step.test))),
            };
            let Some(first) = first else {
                return Ok(Some(None));
            };
            if count > 1 {
                return Err(too_many(count));
            }
            Ok(Some(Some(Item::Node(first).atomize())))
        }
        Axis::Attribute if node.is_element() => {
            let mut matching = node
                .attributes()
                .enumerate()
                .filter(|(_, a)| attribute_matches(a, &step.test));
            let Some((index, _)) = matching.next() else {
                return Ok(Some(None));
            };
            let rest = matching.count();
            if rest > 0 {
                return Err(too_many(rest + 1));
            }
            Ok(Some(Some(Item::Attr(node, index).atomize())))
        }
        _ => Ok(None),
    }
}

/// The child elements of `node` that pass a name test, through the index.
fn named_children<'x, 'a: 'x, 'i: 'x>(
    index: Option<&'x DocIndex<'a, 'i>>,
    node: Node<'a, 'i>,
    test: &'x NodeTest,
) -> Option<impl Iterator<Item = Node<'a, 'i>> + 'x> {
    match (index, test) {
        (Some(index), NodeTest::Name(_, _, key)) => Some(
            index
                .children_hashed(node, key.hash)
                .filter(move |c| index.named_as_hashed(*c, *key) || node_matches(*c, test)),
        ),
        _ => None,
    }
}

/// The first item and how many there are.
fn first_and_count<T>(mut items: impl Iterator<Item = T>) -> (Option<T>, usize) {
    match items.next() {
        Some(first) => (Some(first), 1 + items.count()),
        None => (None, 0),
    }
}

/// Whether every step is an axis step (the path gives nodes, never values).
pub(crate) fn is_node_path(steps: &[PathStep]) -> bool {
    steps.iter().all(|s| matches!(s, PathStep::Axis(_)))
}

/// Axis steps whose predicates never depend on position: existence can be decided node by node.
fn is_existence_path(steps: &[PathStep]) -> bool {
    steps.iter().all(|s| match s {
        PathStep::Axis(step) => step.position != PositionUse::Size,
        PathStep::Expr(..) => false,
    })
}

/// What [`Evaluator::passes`] counts for a step's predicates: nothing when none of them may select by
/// position or read `position()`, else how many nodes reached each.
enum Seen {
    Unneeded,
    Counting(Vec<usize>),
}

impl Seen {
    fn of(step: &AxisStep) -> Seen {
        match step.position {
            PositionUse::None => Seen::Unneeded,
            _ => Seen::Counting(vec![0; step.predicates.len()]),
        }
    }
}

/// `and` (`decisive` false) or `or` (`decisive` true) of two operands, the right one evaluated only when
/// needed. The operands may be evaluated in either order (XPath 2.0 §3.6), and Saxon, the reference,
/// evaluates the cheaper first: when the left one raises an error and the right one alone decides the
/// result (false for `and`, true for `or`), that result is given, as evaluating the right one first would;
/// otherwise the left one's error.
pub fn logical(decisive: bool, left: XResult<bool>, right: impl FnOnce() -> XResult<bool>) -> XResult<bool> {
    match left {
        Ok(value) if value == decisive => Ok(value),
        Ok(_) => right(),
        Err(error) => match right() {
            Ok(value) if value == decisive => Ok(value),
            _ => Err(error),
        },
    }
}

/// Effective boolean value (XPath 2.0 §2.4.3).
pub fn effective_boolean(items: &[Item<'_, '_>]) -> XResult<bool> {
    match items {
        [] => Ok(false),
        [first, ..] if first.is_node() => Ok(true),
        [Item::Atomic(a)] => Ok(match a {
            Atomic::Bool(b) => *b,
            Atomic::Untyped(s) | Atomic::Str(s) => !s.is_empty(),
            Atomic::Decimal(d) => !d.is_zero(),
            Atomic::Double(f) => *f != 0.0 && !f.is_nan(),
            Atomic::Date(..) => {
                return Err(XError::new("FORG0006", "a date has no effective boolean value"));
            }
        }),
        _ => Err(XError::new(
            "FORG0006",
            "a sequence of several values has no effective boolean value",
        )),
    }
}

/// `A op B` over sequences: true when some pair of atomized values compares true.
pub fn general_compare(
    op: super::ast::CmpOp,
    left: &[Item<'_, '_>],
    right: &[Item<'_, '_>],
) -> XResult<bool> {
    if let [single] = right {
        let r = single.atomize();
        for l in left {
            if compare(op, &l.atomize(), &r, true)? {
                return Ok(true);
            }
        }
        return Ok(false);
    }
    let right: Vec<Atomic<'_>> = right.iter().map(Item::atomize).collect();
    for l in left {
        let l = l.atomize();
        for r in &right {
            if compare(op, &l, r, true)? {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

fn arithmetic<'a>(op: ArithOp, left: &Atomic<'a>, right: &Atomic<'a>) -> XResult<Atomic<'a>> {
    let (left, right) = (left.to_numeric()?, right.to_numeric()?);
    match (left, right) {
        (Atomic::Decimal(a), Atomic::Decimal(b)) => decimal_arithmetic(op, a, b),
        (a, b) => {
            let as_double = |v: Atomic<'_>| match v {
                Atomic::Decimal(d) => decimal_to_double(d),
                Atomic::Double(f) => f,
                _ => f64::NAN,
            };
            let (a, b) = (as_double(a), as_double(b));
            Ok(Atomic::Double(match op {
                ArithOp::Add => a + b,
                ArithOp::Sub => a - b,
                ArithOp::Mul => a * b,
                ArithOp::Div => a / b,
                ArithOp::IntDiv => {
                    if b == 0.0 || a.is_nan() || a.is_infinite() {
                        return Err(XError::new("FOAR0002", "integer division overflow"));
                    }
                    return Ok(Atomic::Decimal(super::value::double_to_decimal((a / b).trunc())?));
                }
                ArithOp::Mod => a % b,
            }))
        }
    }
}

fn decimal_arithmetic<'a>(op: ArithOp, a: Decimal, b: Decimal) -> XResult<Atomic<'a>> {
    let overflow = || XError::new("FOAR0002", "decimal overflow");
    let by_zero = || XError::new("FOAR0001", "division by zero");
    let result = match op {
        ArithOp::Add => a.checked_add(b).ok_or_else(overflow)?,
        ArithOp::Sub => a.checked_sub(b).ok_or_else(overflow)?,
        ArithOp::Mul => a.checked_mul(b).ok_or_else(overflow)?,
        ArithOp::Div => {
            if b.is_zero() {
                return Err(by_zero());
            }
            a.checked_div(b).ok_or_else(overflow)?
        }
        ArithOp::IntDiv => {
            if b.is_zero() {
                return Err(by_zero());
            }
            a.checked_div(b).ok_or_else(overflow)?.trunc()
        }
        ArithOp::Mod => {
            if b.is_zero() {
                return Err(by_zero());
            }
            a.checked_rem(b).ok_or_else(overflow)?
        }
    };
    Ok(Atomic::Decimal(result))
}

/// Sorts nodes into document order and removes duplicates.
pub fn sort_document_order(items: &mut Sequence<'_, '_>) {
    items.sort_by_key(|i| i.order_key());
    items.dedup_by_key(|i| i.order_key());
}

fn element_matches(node: Node<'_, '_>, test: &NodeTest) -> bool {
    match test {
        NodeTest::AnyNode => true,
        NodeTest::Text => node.is_text(),
        NodeTest::AnyName => node.is_element(),
        NodeTest::Namespace(ns) => node.is_element() && node.tag_name().namespace() == Some(ns.as_str()),
        NodeTest::Name(ns, local, _) => {
            // a node other than an element has no name (never a test's local name)
            let name = node.tag_name();
            name.name() == local && name.namespace() == ns.as_deref()
        }
    }
}

/// [`node_matches`], decided by the names' hashes in the document's index where they tell
/// ([`DocIndex::named`]).
pub fn node_matches_in(index: Option<&DocIndex<'_, '_>>, node: Node<'_, '_>, test: &NodeTest) -> bool {
    if let (Some(index), NodeTest::Name(_, _, key)) = (index, test) {
        if let Some(verdict) = index.named(node, *key) {
            return verdict;
        }
    }
    node_matches(node, test)
}

/// Whether an element (or, for `node()`, any node) passes a node test on a principal-element axis.
pub fn node_matches(node: Node<'_, '_>, test: &NodeTest) -> bool {
    match test {
        NodeTest::AnyNode => true,
        _ => element_matches(node, test),
    }
}

pub(super) fn attribute_matches(attribute: &crate::rules::tree::Attribute<'_, '_>, test: &NodeTest) -> bool {
    match test {
        NodeTest::AnyNode | NodeTest::AnyName => true,
        NodeTest::Text => false,
        NodeTest::Namespace(ns) => attribute.namespace() == Some(ns.as_str()),
        NodeTest::Name(ns, local, _) => attribute.name() == local && attribute.namespace() == ns.as_deref(),
    }
}

/// The nodes on an axis from an item, in axis order (reverse axes nearest first), filtered by the test.
fn collect_axis<'a, 'i>(item: &Item<'a, 'i>, axis: Axis, test: &NodeTest, out: &mut Sequence<'a, 'i>) {
    let node = match item {
        Item::Node(n) => *n,
        Item::Attr(parent, _) => {
            match axis {
                Axis::SelfAxis if matches!(test, NodeTest::AnyNode) => out.push(item.clone()),
                Axis::Parent | Axis::AncestorOrSelf | Axis::Ancestor => {
                    if axis == Axis::AncestorOrSelf && matches!(test, NodeTest::AnyNode) {
                        out.push(item.clone());
                    }
                    let mut current = Some(*parent);
                    while let Some(n) = current {
                        if element_matches(n, test) {
                            out.push(Item::Node(n));
                        }
                        if axis == Axis::Parent {
                            break;
                        }
                        current = n.parent();
                    }
                }
                _ => {}
            }
            return;
        }
        Item::Atomic(_) => return,
    };
    let keep = |n: Node<'a, 'i>| node_matches(n, test);
    match axis {
        Axis::Child => out.extend(node.children().filter(|n| keep(*n)).map(Item::Node)),
        Axis::Descendant => out.extend(node.descendants().skip(1).filter(|n| keep(*n)).map(Item::Node)),
        Axis::DescendantOrSelf => out.extend(node.descendants().filter(|n| keep(*n)).map(Item::Node)),
        Axis::SelfAxis => {
            if keep(node) {
                out.push(Item::Node(node));
            }
        }
        Axis::Parent => {
            if let Some(parent) = node.parent().filter(|p| keep(*p)) {
                out.push(Item::Node(parent));
            }
        }
        Axis::Ancestor => out.extend(node.ancestors().skip(1).filter(|n| keep(*n)).map(Item::Node)),
        Axis::AncestorOrSelf => out.extend(node.ancestors().filter(|n| keep(*n)).map(Item::Node)),
        Axis::Attribute => {
            if node.is_element() {
                for (index, attribute) in node.attributes().enumerate() {
                    if attribute_matches(&attribute, test) {
                        out.push(Item::Attr(node, index));
                    }
                }
            }
        }
        Axis::PrecedingSibling => {
            out.extend(node.prev_siblings().skip(1).filter(|n| keep(*n)).map(Item::Node))
        }
        Axis::FollowingSibling => {
            out.extend(node.next_siblings().skip(1).filter(|n| keep(*n)).map(Item::Node))
        }
        Axis::Preceding => {
            // every node before this one in document order that is not an ancestor, nearest first
            for ancestor in node.ancestors() {
                for sibling in ancestor.prev_siblings().skip(1) {
                    let mut subtree: Vec<Node<'a, 'i>> = sibling.descendants().collect();
                    subtree.reverse();
                    out.extend(subtree.into_iter().filter(|n| keep(*n)).map(Item::Node));
                }
            }
        }
        Axis::DescendantOrSelfAttribute => {
            for element in node.descendants().filter(Node::is_element) {
                for (index, attribute) in element.attributes().enumerate() {
                    if attribute_matches(&attribute, test) {
                        out.push(Item::Attr(element, index));
                    }
                }
            }
        }
        Axis::Following => {
            for ancestor in node.ancestors() {
                for sibling in ancestor.next_siblings().skip(1) {
                    out.extend(sibling.descendants().filter(|n| keep(*n)).map(Item::Node));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::tree::Document;
    use crate::rules::xpath::index::DocIndex;
    use crate::rules::xpath::parse::xs_prefix;

    /// An item's place in the document (none for an atomic value) and its string value.
    type Placed = (Option<(usize, usize)>, String);

    /// A sequence as its items' places and string values, to compare two evaluations.
    fn keys(items: XResult<Sequence<'_, '_>>) -> XResult<Vec<Placed>> {
        items.map(|items| {
            items
                .iter()
                .map(|i| (i.order_key(), i.string().into_owned()))
                .collect()
        })
    }

    /// The root element and its element children: the contexts the shortcut tests evaluate on.
    fn element_contexts<'a, 'i>(doc: &'a Document<'i>) -> Vec<Node<'a, 'i>> {
        let mut contexts = vec![doc.root_element()];
        contexts.extend(doc.root_element().children().filter(|n| n.is_element()));
        contexts
    }

    /// Evaluates `expr` with the root element of `xml` as context and returns its string value(s).
    fn run(xml: &str, expr: &str) -> XResult<Vec<String>> {
        let doc = Document::parse(xml).unwrap();
        let namespaces = xs_prefix();
        let ast = super::super::parse(expr, &namespaces).unwrap();
        let globals = Globals::default();
        let mut ev = Evaluator::new(doc.root(), &globals, None);
        let focus = Focus::of(Item::Node(doc.root_element()));
        let items = ev.eval(&ast, &focus)?;
        Ok(items.iter().map(|i| i.string().into_owned()).collect())
    }

    const DOC: &str = "<r><a>1.005</a><a>2</a><b>x</b><c> 12.50 </c><d/></r>";

    /// `exists()` of a path stops at the first node it finds, on any axis, as the reference's lazy evaluation
    /// does (Saxon: `exists(//a[xs:decimal(.) > 0])` is true on `<a>1</a><a>x</a>`, its `count()` an error): it
    /// equals the non-emptiness of the whole path's value wherever that has one (predicates that select
    /// or read by position included), and an error a later node's predicate would raise is not raised.
    #[test]
    fn exists_stops_at_the_first_node_with_positions_counted_as_it_goes() {
        let xml =
            "<r><p><t><i>VAT</i></t></p><p><t><i>x</i></t><t><i>y</i></t><u/></p><p><t><i>z</i></t></p></r>";
        let doc = Document::parse(xml).unwrap();
        let index = DocIndex::new(&doc);
        let namespaces = xs_prefix();
        let globals = Globals::default();
        let focus = Focus::of(Item::Node(doc.root_element()));
        let mut compared = 0;
        for path in [
            "p[2]/t",
            "p[t][3]",
            "p[position() = 2]/t[i = 'y']",
            "p[position() > 2]/t[i = 'y']",
            "//i[2]",
            "//i[position() = 2]",
            "//t[position() = 2]/i",
            "//t[2][i = 'x']",
            "p/t[i = 'y'][1]",
            "p/t[i = 'y'][2]",
            "p[u]/t[position() = 1]/i[. = 'x']",
            "//p[t[2]]",
            "p[last()]/t",
            "//t/ancestor::*[1][self::p]",
            "//i/ancestor::*[2][self::p][u]",
        ] {
            let whole = run(xml, &format!("count({path})"));
            let Ok(count) = whole else { continue };
            let ast = super::super::parse(&format!("exists({path})"), &namespaces).unwrap();
            for index in [None, Some(&index)] {
                let lazy = Evaluator::new(doc.root(), &globals, index).boolean(&ast, &focus);
                assert_eq!(
                    lazy.ok(),
                    Some(count != ["0"]),
                    "exists({path}), index {}",
                    index.is_some()
                );
            }
            compared += 1;
        }
        assert_eq!(compared, 15);
        // the second p's predicate would fail (two t: two booleans); the first p already answers
        let ast = super::super::parse("exists(p[t/(i = 'VAT')])", &namespaces).unwrap();
        let lazy = Evaluator::new(doc.root(), &globals, Some(&index)).boolean(&ast, &focus);
        assert_eq!(lazy.ok(), Some(true));
        assert!(run(xml, "count(p[t/(i = 'VAT')])").is_err());
        // on the other axes too (`//i` is `descendant::i`): the first i passes before the second's predicate
        // would fail (`xs:decimal('x')`), as the reference answers it
        let ast = super::super::parse("exists(//i[. = 'VAT' or xs:decimal(.) > 0])", &namespaces).unwrap();
        for index in [None, Some(&index)] {
            let lazy = Evaluator::new(doc.root(), &globals, index).boolean(&ast, &focus);
            assert_eq!(lazy.ok(), Some(true), "index {}", index.is_some());
        }
        assert!(run(xml, "count(//i[. = 'VAT' or xs:decimal(.) > 0])").is_err());
    }

    /// `and` / `or` whose left operand raises an error (here `normalize-space` of two items) give the
    /// result their right operand decides, as evaluating it first would; otherwise the error. Interpreted
    /// and compiled alike.
    #[test]
    fn a_logical_operand_that_decides_wins_over_an_error_in_the_other() {
        let doc = Document::parse(DOC).unwrap();
        let namespaces = xs_prefix();
        let globals = Globals::default();
        let focus = Focus::of(Item::Node(doc.root_element()));
        for (expr, want) in [
            ("normalize-space(a) = '2' and false()", Some(false)),
            ("normalize-space(a) = '2' or true()", Some(true)),
            ("normalize-space(a) = '2' and b = 'x'", None),
            ("normalize-space(a) = '2' or b = 'y'", None),
            ("false() and normalize-space(a) = '2'", Some(false)),
            ("b = 'x' and normalize-space(a) = '2'", None),
        ] {
            let ast = super::super::parse(expr, &namespaces).unwrap();
            let interpreted = Evaluator::new(doc.root(), &globals, None).boolean(&ast, &focus);
            let compiled = super::super::compile::Test::compile(&ast);
            let compiled = compiled.holds(&mut Evaluator::new(doc.root(), &globals, None), &focus);
            for (how, got) in [("interpreted", interpreted), ("compiled", compiled)] {
                assert_eq!(got.as_ref().ok().copied(), want, "{how} {expr}: {got:?}");
            }
        }
    }

    /// A document for the shortcuts: repeated and nested names, attributes, a value that is not a number.
    const LINES: &str = "<r><l n='1'><p><q>3</q><q>4</q></p><p><q>x</q></p><s u='7'>5</s></l>\
        <l n='2'><p><q>1</q></p><s u='7'>2.50</s><s>y</s></l><m>2</m><e/></r>";

    /// `single_atomic` (which answers many shapes without a sequence) and the value of `eval` taken as one
    /// item agree, errors included, on the root element and on each `l` as context.
    #[test]
    fn one_value_without_a_sequence_is_the_sequences_one_value() {
        let doc = Document::parse(LINES).unwrap();
        let index = DocIndex::new(&doc);
        let namespaces = xs_prefix();
        let globals = Globals::default();
        let contexts = element_contexts(&doc);
        let mut checked = 0;
        for expr in [
            "p/q",
            "p[2]/q",
            "s/@u",
            "l/s/@u",
            "m",
            "/r/m",
            "/r/l/p/q",
            "xs:decimal(s) + 1",
            "-xs:decimal(m)",
            "s/@u * 2",
            "xs:decimal(e)",
            "e cast as xs:decimal?",
            "e cast as xs:decimal",
            "m eq '2'",
            "m lt 3",
            "p/q = 4",
            "every $x in p/q satisfies $x > 0",
            "some $x in p/q satisfies $x = 'x'",
            "1.5e0",
            "s[1] div 0",
        ] {
            let ast = super::super::parse(expr, &namespaces).unwrap();
            for context in &contexts {
                let focus = Focus::of(Item::Node(*context));
                for index in [None, Some(&index)] {
                    let mut ev = Evaluator::new(doc.root(), &globals, index);
                    let direct = ev
                        .single_atomic(&ast, &focus)
                        .map(|v| v.map(|v| v.string().into_owned()));
                    let through_sequence = ev
                        .eval(&ast, &focus)
                        .and_then(|items| one_value(&items))
                        .map(|v| v.map(|v| v.string().into_owned()));
                    assert_eq!(direct, through_sequence, "{expr} on {context:?}");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 20 * 5 * 2);
    }

    /// Against a bound variable the step values are compared one by one with the verdict of the whole
    /// comparison (the variable on the right in a sequence of its own turns the shortcut off).
    #[test]
    fn step_values_against_a_variable_match_the_whole_comparison() {
        let doc = Document::parse(LINES).unwrap();
        let index = DocIndex::new(&doc);
        let namespaces = xs_prefix();
        let globals = Globals::default();
        let contexts = element_contexts(&doc);
        for (direct, reference) in [
            (
                "some $x in (3, 4, 9) satisfies p/q/xs:decimal(.) = $x",
                "some $x in (3, 4, 9) satisfies p/q/xs:decimal(.) = ($x, ())",
            ),
            (
                "every $x in (3, 4) satisfies p/q/xs:decimal(.) = $x",
                "every $x in (3, 4) satisfies p/q/xs:decimal(.) = ($x, ())",
            ),
            (
                "every $x in s satisfies s/xs:decimal(.) = $x",
                "every $x in s satisfies s/xs:decimal(.) = ($x, ())",
            ),
            (
                "some $x in ('3', 'x') satisfies p/q/normalize-space(.) != $x",
                "some $x in ('3', 'x') satisfies p/q/normalize-space(.) != ($x, ())",
            ),
        ] {
            let a = super::super::parse(direct, &namespaces).unwrap();
            let b = super::super::parse(reference, &namespaces).unwrap();
            for context in &contexts {
                let focus = Focus::of(Item::Node(*context));
                let mut ev = Evaluator::new(doc.root(), &globals, Some(&index));
                assert_eq!(
                    ev.boolean(&a, &focus).map_err(|e| e.code),
                    ev.boolean(&b, &focus).map_err(|e| e.code),
                    "{direct} on {context:?}"
                );
            }
        }
    }

    /// A path whose first steps walk down child names gives the nodes of the same path evaluated step by
    /// step (a predicate on the first step that always holds turns the shortcut off), in the same order.
    #[test]
    fn a_walk_down_child_names_gives_the_step_by_step_sequence() {
        let doc = Document::parse(LINES).unwrap();
        let index = DocIndex::new(&doc);
        let globals = Globals::default();
        let namespaces = xs_prefix();
        for (chained, stepwise) in [
            ("l/p/q", "l[true()]/p/q"),
            ("l/s/@u", "l[true()]/s/@u"),
            ("l/p/q[. > 1]", "l[true()]/p/q[. > 1]"),
            ("l/p/q/../q", "l[true()]/p/q/../q"),
            ("/r/l/s", "/r[true()]/l/s"),
            ("l/p/q/string(.)", "l[true()]/p/q/string(.)"),
            ("l/s/xs:decimal(.)", "l[true()]/s/xs:decimal(.)"),
        ] {
            let a = super::super::parse(chained, &namespaces).unwrap();
            let b = super::super::parse(stepwise, &namespaces).unwrap();
            let focus = Focus::of(Item::Node(doc.root_element()));
            for index in [None, Some(&index)] {
                let mut ev = Evaluator::new(doc.root(), &globals, index);
                let (left, right) = (keys(ev.eval(&a, &focus)), keys(ev.eval(&b, &focus)));
                assert!(
                    left.as_ref().is_ok_and(|l| !l.is_empty()) || left.is_err(),
                    "{chained}"
                );
                assert_eq!(left.map_err(|e| e.code), right.map_err(|e| e.code), "{chained}");
            }
        }
    }

    /// The preceding axis looked up in the document's index gives the nodes of the walk without it, in the
    /// same order, on every element as context (`[not(preceding::q = .)]` is the official distinct-values idiom).
    #[test]
    fn the_preceding_axis_from_the_index_is_the_walk_of_the_document() {
        let doc = Document::parse(LINES).unwrap();
        let index = DocIndex::new(&doc);
        let globals = Globals::default();
        let namespaces = xs_prefix();
        let mut found = 0;
        for expr in [
            "preceding::q",
            "preceding::l",
            "preceding::r",
            "preceding::s",
            "preceding::q[1]",
            "//q[not(preceding::q = .)]",
            "preceding::q/..",
        ] {
            let parsed = super::super::parse(expr, &namespaces).unwrap();
            for context in doc.descendants() {
                let focus = Focus::of(Item::Node(context));
                let indexed = keys(Evaluator::new(doc.root(), &globals, Some(&index)).eval(&parsed, &focus));
                let walked = keys(Evaluator::new(doc.root(), &globals, None).eval(&parsed, &focus));
                found += walked.as_ref().map_or(0, Vec::len);
                assert_eq!(indexed, walked, "{expr} on {context:?}");
            }
        }
        assert!(found > 20, "the expressions find nodes: {found}");
    }

    /// A general comparison decided without sequences (sides walked down child names, single values, kept
    /// values) gives the verdict of comparing the two sequences `eval` builds, errors included.
    #[test]
    fn general_comparisons_without_sequences_match_comparing_the_sequences() {
        let doc = Document::parse(LINES).unwrap();
        let index = DocIndex::new(&doc);
        let namespaces = xs_prefix();
        let globals = Globals::default();
        let contexts = element_contexts(&doc);
        for expr in [
            "p/q = 4",
            "p/q = 'x'",
            "p/q > 3",
            "p/q != p/q",
            "p/q = s",
            "s = p/q",
            "l/p/q = 1",
            "l/p/q = m",
            "/r/l/p/q = /r/m",
            "s/@u = 7",
            "s/@u = p/q",
            "xs:decimal(m) = p/q",
            "p/q = xs:decimal(m) + 2",
            "missing/q = 1",
            "missing/q = xs:decimal('x')",
            "(p/q)[2] = 4",
            "p/q = (3, 4)",
            "e = 1",
            "p/q = e",
            // a walk down child names ending in a step that gives one value
            "p/string(q) = '3'",
            "p/q/string(.) = '4'",
            "p/q/xs:decimal(.) = 4",
            "p/q/xs:decimal(.) > 0",
            "s/xs:decimal(.) = 5",
            "s/xs:decimal(.) = 2.5",
            "l/p/normalize-space(q[1]) = 'x'",
            "p/count(q) = 1",
            "p/q/tokenize(., 'z') = '4'",
            "/r/l/s/@u/xs:decimal(.) = 7",
        ] {
            let ast = super::super::parse(expr, &namespaces).unwrap();
            let Expr::General(op, a, b) = &ast else {
                panic!("{expr} is a general comparison");
            };
            for context in &contexts {
                let focus = Focus::of(Item::Node(*context));
                let mut ev = Evaluator::new(doc.root(), &globals, Some(&index));
                let direct = ev.boolean(&ast, &focus);
                let sequences = ev.eval(a, &focus).and_then(|left| {
                    if left.is_empty() {
                        return Ok(false);
                    }
                    general_compare(*op, &left, &ev.eval(b, &focus)?)
                });
                assert_eq!(
                    direct.map_err(|e| e.code),
                    sequences.map_err(|e| e.code),
                    "{expr} on {context:?}"
                );
            }
        }
    }

    #[test]
    fn round_goes_half_up_and_decimals_stay_exact() {
        assert_eq!(run(DOC, "round(2.5)").unwrap(), ["3"]);
        assert_eq!(run(DOC, "round(-2.5)").unwrap(), ["-2"]);
        assert_eq!(
            run(DOC, "round(xs:decimal(a[1]) * 100) div 100").unwrap(),
            ["1.01"]
        );
        assert_eq!(run(DOC, "0.1 + 0.2 = 0.3").unwrap(), ["true"]);
        assert_eq!(run(DOC, "sum(a/xs:decimal(.))").unwrap(), ["3.005"]);
    }

    #[test]
    fn general_comparison_is_existential_over_sequences() {
        assert_eq!(run(DOC, "a = 2").unwrap(), ["true"]);
        assert_eq!(run(DOC, "a != 2").unwrap(), ["true"]);
        // an empty element is "" as untypedAtomic: not a number, as Saxon reports
        assert_eq!(run(DOC, "d = 2").unwrap_err().code, "FORG0001");
        assert_eq!(run(DOC, "d = ''").unwrap(), ["true"]);
        assert_eq!(run(DOC, "missing = missing").unwrap(), ["false"]);
        assert_eq!(run(DOC, "c = 12.5").unwrap(), ["true"]);
    }

    #[test]
    fn invalid_casts_and_cardinality_are_dynamic_errors_as_in_saxon() {
        assert_eq!(run(DOC, "xs:decimal(b)").unwrap_err().code, "FORG0001");
        assert_eq!(run(DOC, "xs:decimal(a)").unwrap_err().code, "XPTY0004");
        assert_eq!(run(DOC, "b = 1").unwrap_err().code, "FORG0001");
        assert_eq!(run(DOC, "xs:decimal(missing)").unwrap(), Vec::<String>::new());
    }

    #[test]
    fn quantifiers_paths_and_strings() {
        assert_eq!(run(DOC, "every $x in a satisfies $x > 0").unwrap(), ["true"]);
        assert_eq!(run(DOC, "some $x in a satisfies $x > 5").unwrap(), ["false"]);
        assert_eq!(run(DOC, "count(//a[not(preceding::a/. = .)])").unwrap(), ["2"]);
        assert_eq!(run(DOC, "substring-after(a[1], '.')").unwrap(), ["005"]);
        assert_eq!(run(DOC, "normalize-space(c)").unwrap(), ["12.50"]);
        assert_eq!(run(DOC, "exists(//a) and not(//d/*)").unwrap(), ["true"]);
    }
}
