//! Evaluates the syntax tree over the rules' XML tree (`rules::tree`) with XPath 2.0 semantics: sequences, document
//! order, general comparisons over sequences, effective boolean value, exact decimal arithmetic, and the
//! dynamic errors Saxon raises (reported as [`XError`]).

use std::collections::HashMap;

use crate::rules::tree::Node;
use rust_decimal::Decimal;

use super::ast::{ArithOp, Axis, AxisStep, Expr, NodeTest, PathStart, PathStep};
use super::functions;
use super::index::DocIndex;
use super::share::{Memo, MemoKey};
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

/// Global variables (Schematron `let`) by name.
pub type Globals<'a, 'i> = HashMap<String, Sequence<'a, 'i>>;

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
            Expr::And(a, b) => Ok(self.boolean(a, focus)? && self.boolean(b, focus)?),
            Expr::Or(a, b) => Ok(self.boolean(a, focus)? || self.boolean(b, focus)?),
            Expr::General(op, a, b) => {
                // a literal on the right (`cbc:ID = 'S'`) needs no sequence
                let literal = match b.as_ref() {
                    Expr::Str(text) => Some(Atomic::Str(std::borrow::Cow::Borrowed(text.as_str()))),
                    Expr::Num(n) => Some(Atomic::Decimal(*n)),
                    _ => None,
                };
                // nor one child step against a literal (`cbc:ID = 'S'`, the predicates' usual shape)
                if let (Some(right), Expr::Path(PathStart::Context, steps)) = (&literal, a.as_ref()) {
                    if let Some(holds) = self.compare_children(focus, steps, *op, right)? {
                        return Ok(holds);
                    }
                }
                // neither does a function giving one value on the left (`normalize-space(cbc:ID) != ''`)
                let left = match a.as_ref() {
                    Expr::Call(function, args) => match functions::call_value(self, function, args, focus)? {
                        functions::Value::One(value) => match &literal {
                            Some(right) => return compare(*op, &value, right, true),
                            None => vec![Item::Atomic(value)],
                        },
                        functions::Value::Many(items) => items,
                    },
                    _ => self.eval(a, focus)?,
                };
                if left.is_empty() {
                    return Ok(false);
                }
                if let Some(right) = literal {
                    for l in &left {
                        if compare(*op, &l.atomize(), &right, true)? {
                            return Ok(true);
                        }
                    }
                    return Ok(false);
                }
                let right = self.eval(b, focus)?;
                general_compare(*op, &left, &right)
            }
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
                _ => Ok(!self.eval(&args[0], focus)?.is_empty()),
            },
            Expr::Call(super::ast::Function::Empty, args) if args.len() == 1 => match args[0].bare() {
                Expr::Path(_, steps) if is_node_path(steps) => Ok(!self.boolean(&args[0], focus)?),
                _ => Ok(self.eval(&args[0], focus)?.is_empty()),
            },
            Expr::Path(start @ (PathStart::Root | PathStart::Context), steps) if is_existence_path(steps) => {
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
            Expr::Or(..) | Expr::And(..) | Expr::General(..) => {
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
            } => {
                let items = self.eval(domain, focus)?;
                for item in items {
                    self.vars.truncate(*slot);
                    self.vars.push(item);
                    let holds = self.boolean(condition, focus);
                    self.vars.truncate(*slot);
                    if holds? != *every {
                        return Ok(vec![Item::Atomic(Atomic::Bool(!*every))]);
                    }
                }
                Ok(vec![Item::Atomic(Atomic::Bool(*every))])
            }
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
                    return known;
                }
                let value = self.eval(inner, focus);
                memo.keep_sequence(key, value.clone());
                value
            }
        }
    }

    /// `name op literal` (one child step with a name test, no predicates) from an element other than the
    /// root element, as the general comparison over the path's nodes decides it (false when there are
    /// none, true at the first child that compares true, an error where the comparison raises one), with
    /// the children visited in document order through the index instead of collected into a sequence.
    /// `None`: not this shape (the caller evaluates the path).
    fn compare_children(
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
        let (node, attribute) = focus.item.order_key()?;
        let node = ((node as u64) << 24) | attribute as u64;
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
            _ => {}
        }
        let items = self.eval(expr, focus)?;
        match items.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one.atomize())),
            _ => Err(XError::new(
                "XPTY0004",
                format!("a sequence of {} items where one value is allowed", items.len()),
            )),
        }
    }

    fn path(
        &mut self,
        start: &'a PathStart,
        steps: &'a [PathStep],
        focus: &Focus<'a, 'i>,
    ) -> XResult<Sequence<'a, 'i>> {
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
        let mut current = match start {
            PathStart::Root => vec![Item::Node(self.root)],
            PathStart::Context => vec![focus.item.clone()],
            PathStart::Expr(expr) => self.eval(expr, focus)?,
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
        // without predicates the nodes go straight to the output: no intermediate sequence
        let mut filtered = Vec::new();
        let found = if step.predicates.is_empty() {
            &mut *out
        } else {
            &mut filtered
        };
        match (self.index, item, step.axis, &step.test) {
            (
                Some(index),
                Item::Node(node),
                Axis::Descendant | Axis::DescendantOrSelf,
                NodeTest::Name(ns, local, _),
            ) => {
                let or_self = step.axis == Axis::DescendantOrSelf;
                found.extend(
                    index
                        .descendants_named(*node, local, or_self)
                        .iter()
                        .filter(|n| n.tag_name().namespace() == ns.as_deref())
                        .map(|n| Item::Node(*n)),
                );
            }
            // the root element has many children and is the context of hundreds of `not(cac:X)` checks
            (Some(index), Item::Node(node), Axis::Child, NodeTest::Name(ns, local, _))
                if node.parent().is_some_and(|p| p.is_root()) =>
            {
                found.extend(
                    index
                        .root_children_named(local)
                        .iter()
                        .filter(|n| n.parent() == Some(*node) && n.tag_name().namespace() == ns.as_deref())
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
        if !step.predicates.is_empty() {
            out.extend(self.filter(filtered, &step.predicates)?);
        }
        Ok(())
    }

    /// Whether the steps select at least one node from `item`: a depth-first search that stops at the first
    /// hit and builds no sequences (only for axis steps without positional predicates).
    fn exists_from(&mut self, item: Item<'a, 'i>, steps: &'a [PathStep]) -> XResult<bool> {
        let Some((PathStep::Axis(step), rest)) = steps.split_first() else {
            return Ok(true);
        };
        if let (Item::Node(node), Axis::Child) = (&item, step.axis) {
            let node = *node;
            let from_index = match (&step.test, self.index) {
                (NodeTest::Name(_, local, _), Some(index)) if node.parent().is_some_and(|p| p.is_root()) => {
                    Some(index.root_children_named(local))
                }
                _ => None,
            };
            if let Some(candidates) = from_index {
                for child in candidates {
                    if child.parent() == Some(node)
                        && node_matches(*child, &step.test)
                        && self.holds_all(*child, &step.predicates)?
                        && self.exists_from(Item::Node(*child), rest)?
                    {
                        return Ok(true);
                    }
                }
                return Ok(false);
            }
            if let Some(children) = named_children(self.index, node, &step.test) {
                for child in children {
                    if self.holds_all(child, &step.predicates)?
                        && self.exists_from(Item::Node(child), rest)?
                    {
                        return Ok(true);
                    }
                }
                return Ok(false);
            }
            for child in node.children() {
                if node_matches_in(self.index, child, &step.test)
                    && self.holds_all(child, &step.predicates)?
                    && self.exists_from(Item::Node(child), rest)?
                {
                    return Ok(true);
                }
            }
            return Ok(false);
        }
        let mut found = Vec::new();
        self.axis_step(&item, step, &mut found)?;
        for next in found {
            if self.exists_from(next, rest)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn holds_all(&mut self, node: Node<'a, 'i>, predicates: &'a [Expr]) -> XResult<bool> {
        if predicates.is_empty() {
            return Ok(true);
        }
        let focus = Focus::of(Item::Node(node));
        for predicate in predicates {
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
            Expr::And(..) | Expr::Or(..) | Expr::General(..) | Expr::Path(..) => {
                self.boolean(predicate, focus)
            }
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
        (Some(index), NodeTest::Name(_, _, hash)) => Some(
            index
                .children_hashed(node, *hash)
                .filter(move |c| node_matches(*c, test)),
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
        PathStep::Axis(step) => !step.predicates.iter().any(super::parse::may_be_positional),
        PathStep::Expr(..) => false,
    })
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
            node.is_element()
                && node.tag_name().name() == local
                && node.tag_name().namespace() == ns.as_deref()
        }
    }
}

/// [`node_matches`], rejecting other names by their hash in the document's index first.
pub fn node_matches_in(index: Option<&DocIndex<'_, '_>>, node: Node<'_, '_>, test: &NodeTest) -> bool {
    if let (Some(index), NodeTest::Name(_, _, hash)) = (index, test) {
        if !index.may_be_named(node, *hash) {
            return false;
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

fn attribute_matches(attribute: &crate::rules::tree::Attribute<'_, '_>, test: &NodeTest) -> bool {
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
    use std::collections::HashMap;

    use super::*;

    /// Evaluates `expr` with the root element of `xml` as context and returns its string value(s).
    fn run(xml: &str, expr: &str) -> XResult<Vec<String>> {
        let doc = crate::rules::tree::Document::parse(xml).unwrap();
        let namespaces = HashMap::from([("xs".to_owned(), "http://www.w3.org/2001/XMLSchema".to_owned())]);
        let ast = super::super::parse(expr, &namespaces).unwrap();
        let globals = Globals::new();
        let mut ev = Evaluator::new(doc.root(), &globals, None);
        let focus = Focus::of(Item::Node(doc.root_element()));
        let items = ev.eval(&ast, &focus)?;
        Ok(items.iter().map(|i| i.string().into_owned()).collect())
    }

    const DOC: &str = "<r><a>1.005</a><a>2</a><b>x</b><c> 12.50 </c><d/></r>";

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
