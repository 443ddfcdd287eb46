//! Compiles a check's test once, when the rules load, into a tree of specialised nodes ([`Test`]) for the
//! shapes the official artefacts repeat hundreds of times, and leaves every other sub-expression to the
//! interpreter ([`Evaluator`]), so verdicts stay exactly the interpreter's while the compiled share grows.
//!
//! Compiled so far: the boolean connectives (`and`, `or`, `not()`), with early exit; the existence of a
//! node path (a bare path, `exists()`, `empty()`) and its `count()` compared with a number, which first ask the document's index whether the
//! names the path needs occur in the document at all (the syntax-binding rules test hundreds of elements
//! a document rarely has: one lookup each instead of walking the path); and the code-list membership test
//! `contains(' A B C ', concat(' ', X, ' '))` (the BR-CL-* rules), which becomes a hash-set lookup of X's
//! value instead of a search through a literal of up to two thousand characters and a concatenated
//! string allocated for it; `contains`/`starts-with`/`ends-with` against a literal (the code lists' guard
//! `not(contains(normalize-space(.), ' '))`), `true()`/`false()` and `boolean()`; and the comparisons
//! the rules repeat on every amount, name and rate: `string-length(substring-after(X, '.')) <= N` (UBL-DT-01,
//! BR-DEC-*: the characters after the first point counted in X's string value, without a substring),
//! `normalize-space(X) = 'literal'` or `!= ''`, `upper-case(X) = 'VAT'` and both (X's words compared with
//! the literal as they come, case-mapped, without the function calls' strings), and a walk down child names
//! compared with a number, a string literal or `true()`/`false()` (`cbc:Percent > 0`, `ram:TypeCode =
//! 'VAT'`, `cbc:ChargeIndicator = true()`: each node compared as the walk meets it, without a sequence). X
//! is evaluated as the interpreter evaluates a `xs:string?` argument (through the memo when shared), and the
//! comparisons are the interpreter's own ([`compare`]), so errors stay its errors.
//!
//! The predicates of paths are compiled the same way when the schema loads, after the sharing
//! ([`compile_predicates`]): a predicate that can only be a boolean or nodes, and of which the compiler
//! handles more than the interpreter's fallback, becomes [`Expr::Compiled`].

use std::borrow::Cow;
use std::collections::HashSet;
use std::hash::BuildHasherDefault;

use rust_decimal::Decimal;

use super::ast::{Axis, CmpOp, CompiledPredicate, Expr, Function, NodeTest, PathStart, PathStep};
use super::eval::{general_compare, is_child_chain, logical, visit_chain, Evaluator, Focus};
use super::functions::{case_mapped, compare_normalized, normalize_space, string_arg};
use super::index::{name_hash, Fnv};
use super::parse::may_be_positional;
use super::share::for_each_child_mut;
use super::value::Item;
use super::value::{compare, ordering_holds, Atomic, XResult};

/// A check's test, compiled.
#[derive(Debug, Clone)]
pub enum Test {
    And(Box<Test>, Box<Test>),
    Or(Box<Test>, Box<Test>),
    Not(Box<Test>),
    /// The effective boolean value of a path that gives nodes (nothing, when a name it needs is absent from
    /// the document).
    NodePath(Box<NodePath>),
    /// `count(path) op number` (a general comparison when `general`, else a value comparison).
    CountCompare {
        path: Box<NodePath>,
        op: CmpOp,
        than: Decimal,
        general: bool,
    },
    /// `contains(' A B C ', concat(' ', X, ' '))`, or with `normalize-space(X)` in the middle.
    InCodeList(Box<CodeList>),
    /// `contains(X, 'literal')`, `starts-with(…)` or `ends-with(…)` (the code lists' guard
    /// `not(contains(normalize-space(.), ' '))`): X's string value searched without a sequence.
    HasPart(Box<HasPart>),
    /// `string-length(substring-after(X, 'part')) op N` (UBL-DT-01 and the BR-DEC-* rules: at most N
    /// decimals): the characters after the part counted in X's string value, without a substring.
    CharsAfter(Box<CharsAfter>),
    /// `normalize-space(X) op 'literal'` (`!= ''`, `= 'VAT'`), `upper-case(X) op 'literal'` and both
    /// (`normalize-space(upper-case(X)) = 'VAT'`): X's string compared with the literal without the
    /// function calls, the normalized words as they come.
    StringCompare(Box<StringCompare>),
    /// `path op literal` (a general comparison, the literal a number or a string, the path a walk down
    /// child names: `cbc:Percent > 0`, `ram:TypeCode = 'VAT'`): the path's nodes compared one by one as
    /// the walk meets them, without a sequence.
    PathCompare(Box<PathCompare>),
    /// `true()` or `false()`.
    Const(bool),
    /// Anything else: the interpreter evaluates the expression's effective boolean value.
    Interpret(Expr),
}

/// A path of axis steps (or a union of such paths followed by axis steps) with the local names of the
/// elements and attributes every node it selects depends on.
#[derive(Debug, Clone)]
pub struct NodePath {
    path: Expr,
    /// The path only walks down child names from the context (`false`) or the root (`true`)
    /// ([`super::eval::is_child_chain`]): its existence is a walk that stops at the first node.
    chain: Option<bool>,
    /// The [`name_hash`] of local names of elements (`false`) and attributes (`true`) that must occur in
    /// the document for the path to select anything.
    required: Vec<(u64, bool)>,
}

/// A code list written as a space-separated literal, with the expression whose value is looked up in it.
#[derive(Debug, Clone)]
pub struct CodeList {
    /// The literal as written (` A B C `), for values that contain a space.
    literal: String,
    /// The literal's codes.
    codes: HashSet<Box<str>, BuildHasherDefault<Fnv>>,
    /// The value looked up (the middle argument of `concat`, without `normalize-space` when `normalize`).
    value: Expr,
    normalize: bool,
}

/// A string test against a literal part.
#[derive(Debug, Clone)]
pub struct HasPart {
    /// Which test: `contains`, `starts-with` or `ends-with`.
    function: Function,
    /// The searched value (a `xs:string?` argument: empty is "", several items an error).
    value: Expr,
    part: String,
}

/// `string-length(substring-after(value, part)) op than`.
#[derive(Debug, Clone)]
pub struct CharsAfter {
    /// The searched value (a `xs:string?` argument: empty is "", several items an error).
    value: Expr,
    part: String,
    op: CmpOp,
    than: Decimal,
    /// A general comparison (else a value comparison: the same verdict for two numbers).
    general: bool,
}

/// `f(value) op literal` ([`Test::StringCompare`]): `f` is `normalize-space`, `upper-case` or
/// `lower-case`, or `normalize-space` and a case function one inside the other.
#[derive(Debug, Clone)]
pub struct StringCompare {
    /// The function's argument (a `xs:string?` argument: empty is "", several items an error).
    value: Expr,
    /// `upper-case` (true) or `lower-case` (false), if any.
    case: Option<bool>,
    /// Whether `normalize-space` is applied (before or after the case: the same words).
    normalize: bool,
    op: CmpOp,
    literal: String,
}

/// `path op literal` as a general comparison.
#[derive(Debug, Clone)]
pub struct PathCompare {
    /// A child chain ([`super::eval::is_child_chain`]) from the context or the root (possibly wrapped in
    /// [`Expr::Shared`] once the schema is loaded).
    path: Expr,
    op: CmpOp,
    /// The literal: a string, a decimal or a boolean (`true()`, `false()`).
    literal: Atomic<'static>,
}

/// How many nodes of a compiled test are compiled and how many are left to the interpreter.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Share {
    pub compiled: usize,
    pub interpreted: usize,
}

impl Test {
    /// Compiles an expression used as a test (its effective boolean value).
    pub fn compile(expr: &Expr) -> Test {
        match expr {
            Expr::And(a, b) => Test::And(Box::new(Test::compile(a)), Box::new(Test::compile(b))),
            Expr::Or(a, b) => Test::Or(Box::new(Test::compile(a)), Box::new(Test::compile(b))),
            Expr::Call(Function::Not, args) if args.len() == 1 => {
                Test::Not(Box::new(Test::compile(&args[0])))
            }
            Expr::Call(Function::Exists, args) if args.len() == 1 => match node_path(&args[0]) {
                Some(path) => Test::NodePath(Box::new(path)),
                None => Test::Interpret(expr.clone()),
            },
            Expr::Call(Function::Empty, args) if args.len() == 1 => match node_path(&args[0]) {
                Some(path) => Test::Not(Box::new(Test::NodePath(Box::new(path)))),
                None => Test::Interpret(expr.clone()),
            },
            Expr::Path(..) | Expr::Union(..) => match node_path(expr) {
                Some(path) => Test::NodePath(Box::new(path)),
                None => Test::Interpret(expr.clone()),
            },
            Expr::General(op, left, right) | Expr::Value(op, left, right) => {
                if let (Expr::Str(literal), Some((value, case, normalize))) =
                    (right.as_ref(), string_function(left))
                {
                    return Test::StringCompare(Box::new(StringCompare {
                        value,
                        case,
                        normalize,
                        op: *op,
                        literal: literal.clone(),
                    }));
                }
                match (left.as_ref(), right.as_ref()) {
                    (Expr::Call(Function::Count, args), Expr::Num(than)) if args.len() == 1 => {
                        match node_path(&args[0]) {
                            Some(path) => Test::CountCompare {
                                path: Box::new(path),
                                op: *op,
                                than: *than,
                                general: matches!(expr, Expr::General(..)),
                            },
                            None => Test::Interpret(expr.clone()),
                        }
                    }
                    (Expr::Call(Function::StringLength, args), Expr::Num(than)) => {
                        match chars_after(args, *op, *than, matches!(expr, Expr::General(..))) {
                            Some(test) => Test::CharsAfter(Box::new(test)),
                            None => Test::Interpret(expr.clone()),
                        }
                    }
                    (Expr::Path(start @ (PathStart::Context | PathStart::Root), steps), literal)
                        if matches!(expr, Expr::General(..)) && is_child_chain(steps) =>
                    {
                        let literal = match literal {
                            Expr::Str(text) => Some(Atomic::Str(Cow::Owned(text.clone()))),
                            Expr::Num(number) => Some(Atomic::Decimal(*number)),
                            Expr::Call(Function::True, args) if args.is_empty() => Some(Atomic::Bool(true)),
                            Expr::Call(Function::False, args) if args.is_empty() => Some(Atomic::Bool(false)),
                            _ => None,
                        };
                        match literal {
                            Some(literal) => Test::PathCompare(Box::new(PathCompare {
                                path: Expr::Path(start.clone(), steps.clone()),
                                op: *op,
                                literal,
                            })),
                            None => Test::Interpret(expr.clone()),
                        }
                    }
                    _ => Test::Interpret(expr.clone()),
                }
            }
            Expr::Call(Function::Contains, args) => match code_list(args) {
                Some(list) => Test::InCodeList(Box::new(list)),
                None => match has_part(Function::Contains, args) {
                    Some(test) => Test::HasPart(Box::new(test)),
                    None => Test::Interpret(expr.clone()),
                },
            },
            Expr::Call(function @ (Function::StartsWith | Function::EndsWith), args) => {
                match has_part(function.clone(), args) {
                    Some(test) => Test::HasPart(Box::new(test)),
                    None => Test::Interpret(expr.clone()),
                }
            }
            Expr::Call(Function::True, args) if args.is_empty() => Test::Const(true),
            Expr::Call(Function::False, args) if args.is_empty() => Test::Const(false),
            Expr::Call(Function::Boolean, args) if args.len() == 1 => Test::compile(&args[0]),
            _ => Test::Interpret(expr.clone()),
        }
    }

    /// The effective boolean value, as [`Evaluator::boolean`] gives it for the source expression.
    pub fn holds<'a, 'i>(&'a self, ev: &mut Evaluator<'a, 'i, '_>, focus: &Focus<'a, 'i>) -> XResult<bool> {
        match self {
            Test::And(a, b) => logical(false, a.holds(ev, focus), || b.holds(ev, focus)),
            Test::Or(a, b) => logical(true, a.holds(ev, focus), || b.holds(ev, focus)),
            Test::Not(a) => Ok(!a.holds(ev, focus)?),
            Test::InCodeList(list) => list.contains(ev, focus),
            Test::HasPart(test) => test.holds(ev, focus),
            Test::CharsAfter(test) => test.holds(ev, focus),
            Test::StringCompare(test) => test.holds(ev, focus),
            Test::PathCompare(test) => test.holds(ev, focus),
            Test::Const(value) => Ok(*value),
            Test::NodePath(path) => path.exists(ev, focus),
            Test::CountCompare {
                path,
                op,
                than,
                general,
            } => {
                let count = if path.is_absent(ev, focus) {
                    0
                } else {
                    ev.count(&path.path, focus)?
                };
                compare(
                    *op,
                    &Atomic::Decimal(Decimal::from(count)),
                    &Atomic::Decimal(*than),
                    *general,
                )
            }
            Test::Interpret(expr) => ev.boolean(expr, focus),
        }
    }

    /// Counts compiled and interpreted nodes (an `Interpret` node counts once, whatever its size).
    pub fn share(&self) -> Share {
        let mut share = Share::default();
        self.add_share(&mut share);
        share
    }

    fn add_share(&self, share: &mut Share) {
        match self {
            Test::And(a, b) | Test::Or(a, b) => {
                share.compiled += 1;
                a.add_share(share);
                b.add_share(share);
            }
            Test::Not(a) => {
                share.compiled += 1;
                a.add_share(share);
            }
            Test::InCodeList(_)
            | Test::HasPart(_)
            | Test::CharsAfter(_)
            | Test::StringCompare(_)
            | Test::PathCompare(_)
            | Test::Const(_)
            | Test::NodePath(_)
            | Test::CountCompare { .. } => share.compiled += 1,
            Test::Interpret(_) => share.interpreted += 1,
        }
    }

    /// Calls `f` on each expression the compiled test evaluates (for [`super::share::Sharer`]).
    pub fn for_each_expr(&self, f: &mut dyn FnMut(&Expr)) {
        match self {
            Test::And(a, b) | Test::Or(a, b) => {
                a.for_each_expr(f);
                b.for_each_expr(f);
            }
            Test::Not(a) => a.for_each_expr(f),
            Test::NodePath(path) | Test::CountCompare { path, .. } => f(&path.path),
            Test::InCodeList(list) => f(&list.value),
            Test::HasPart(test) => f(&test.value),
            Test::CharsAfter(test) => f(&test.value),
            Test::StringCompare(test) => f(&test.value),
            Test::PathCompare(test) => f(&test.path),
            Test::Const(_) => {}
            Test::Interpret(expr) => f(expr),
        }
    }

    /// [`Test::for_each_expr`] with mutable access.
    pub fn for_each_expr_mut(&mut self, f: &mut dyn FnMut(&mut Expr)) {
        match self {
            Test::And(a, b) | Test::Or(a, b) => {
                a.for_each_expr_mut(f);
                b.for_each_expr_mut(f);
            }
            Test::Not(a) => a.for_each_expr_mut(f),
            Test::NodePath(path) | Test::CountCompare { path, .. } => f(&mut path.path),
            Test::InCodeList(list) => f(&mut list.value),
            Test::HasPart(test) => f(&mut test.value),
            Test::CharsAfter(test) => f(&mut test.value),
            Test::StringCompare(test) => f(&mut test.value),
            Test::PathCompare(test) => f(&mut test.path),
            Test::Const(_) => {}
            Test::Interpret(expr) => f(expr),
        }
    }

    /// Whether no part of the test is left to the interpreter.
    pub fn is_fully_compiled(&self) -> bool {
        self.share().interpreted == 0
    }
}

/// A predicate compiled as a check's test, when its value can only be a boolean or nodes (so its effective
/// boolean value decides, as for a test; never a position) and the compiler handles more of it than the
/// interpreter's fallback.
pub fn compiled_predicate(predicate: &Expr) -> Option<Test> {
    if may_be_positional(predicate) {
        return None;
    }
    let test = Test::compile(predicate);
    (!matches!(test, Test::Interpret(_))).then_some(test)
}

/// Replaces each predicate inside `expr` (of its steps and filters, at every depth) that
/// [`compiled_predicate`] compiles with [`Expr::Compiled`]. The innermost first, so that a compiled
/// predicate's own predicates are compiled too. Run once, when the schema loads, after the sharing (whose
/// wrappers the compiled test keeps).
pub fn compile_predicates(expr: &mut Expr) {
    for_each_child_mut(expr, &mut compile_predicates);
    let compile_all = |predicates: &mut Vec<Expr>| {
        for predicate in predicates {
            if let Some(test) = compiled_predicate(predicate) {
                let source = std::mem::replace(predicate, Expr::ContextItem);
                *predicate = Expr::Compiled(Box::new(CompiledPredicate { test, source }));
            }
        }
    };
    match expr {
        Expr::Path(_, steps) => {
            for step in steps {
                match step {
                    PathStep::Axis(step) => compile_all(&mut step.predicates),
                    PathStep::Expr(_, predicates) => compile_all(predicates),
                }
            }
        }
        Expr::Filter(_, predicates) => compile_all(predicates),
        _ => {}
    }
}

/// A path that can only give nodes and cannot raise an error before its first predicate, with the names
/// it requires (those of its name tests up to and including the first step with predicates: a predicate
/// is never evaluated when an earlier name is absent, so skipping it cannot hide an error it would raise).
fn node_path(expr: &Expr) -> Option<NodePath> {
    let mut required = Vec::new();
    let steps = match expr {
        Expr::Path(PathStart::Root | PathStart::Context, steps) => steps,
        Expr::Path(PathStart::Expr(start), steps) if is_plain_union(start) => steps,
        Expr::Union(..) if is_plain_union(expr) => {
            return Some(NodePath {
                path: expr.clone(),
                chain: None,
                required,
            })
        }
        _ => return None,
    };
    if steps.is_empty() || !steps.iter().all(|s| matches!(s, PathStep::Axis(_))) {
        return None;
    }
    for step in steps {
        let PathStep::Axis(step) = step else {
            return None;
        };
        if let NodeTest::Name(_, local, _) = &step.test {
            let attribute = matches!(step.axis, Axis::Attribute | Axis::DescendantOrSelfAttribute);
            required.push((name_hash(None, local), attribute));
        }
        if !step.predicates.is_empty() {
            break;
        }
    }
    let chain = match expr {
        Expr::Path(PathStart::Root, steps) if is_child_chain(steps) => Some(true),
        Expr::Path(PathStart::Context, steps) if is_child_chain(steps) => Some(false),
        _ => None,
    };
    Some(NodePath {
        path: expr.clone(),
        chain,
        required,
    })
}

/// A union of paths of axis steps without predicates (`(cac:InvoiceLine|cac:CreditNoteLine)`): evaluating
/// it from a node cannot raise an error.
fn is_plain_union(expr: &Expr) -> bool {
    match expr {
        Expr::Union(a, b) => is_plain_union(a) && is_plain_union(b),
        Expr::Path(PathStart::Root | PathStart::Context, steps) => steps
            .iter()
            .all(|s| matches!(s, PathStep::Axis(step) if step.predicates.is_empty())),
        _ => false,
    }
}

impl NodePath {
    /// The path.
    pub(super) fn expr(&self) -> &Expr {
        &self.path
    }

    /// Whether the path selects a node: false at once when a required name is absent from the document.
    fn exists<'a, 'i>(&'a self, ev: &mut Evaluator<'a, 'i, '_>, focus: &Focus<'a, 'i>) -> XResult<bool> {
        if self.is_absent(ev, focus) {
            return Ok(false);
        }
        let start = match (self.chain, &focus.item) {
            (Some(true), _) => Some(ev.root),
            (Some(false), Item::Node(node)) => Some(*node),
            _ => None,
        };
        if let (Some(start), Expr::Path(_, steps)) = (start, self.path.bare()) {
            return visit_chain(ev.index, start, steps, &mut |_| Ok(true));
        }
        ev.boolean(&self.path, focus)
    }

    /// Whether a name the path requires is absent from the document (so it selects nothing). Never when
    /// the context is not a node: a path from a value is the interpreter's error to raise.
    fn is_absent(&self, ev: &Evaluator<'_, '_, '_>, focus: &Focus<'_, '_>) -> bool {
        let Some(index) = ev.index else {
            return false;
        };
        focus.item.is_node()
            && self.required.iter().any(|&(local, attribute)| {
                if attribute {
                    !index.may_have_attribute_named(local)
                } else {
                    !index.may_have_element_named(local)
                }
            })
    }
}

/// `contains(' A B C ', concat(' ', X, ' '))` as a code list, when the literal is a clean list: a space
/// before each code and after the last, no other whitespace, no empty code.
fn code_list(args: &[Expr]) -> Option<CodeList> {
    let [Expr::Str(literal), Expr::Call(Function::Concat, parts)] = args else {
        return None;
    };
    let [Expr::Str(open), middle, Expr::Str(close)] = parts.as_slice() else {
        return None;
    };
    if open != " " || close != " " {
        return None;
    }
    let inner = literal.strip_prefix(' ')?.strip_suffix(' ')?;
    if inner.is_empty() || inner.contains(|c: char| c.is_whitespace() && c != ' ') {
        return None;
    }
    let codes: Vec<&str> = inner.split(' ').collect();
    if codes.iter().any(|c| c.is_empty()) {
        return None;
    }
    let (value, normalize) = match middle {
        Expr::Call(Function::NormalizeSpace, inner_args) if inner_args.len() == 1 => {
            (inner_args[0].clone(), true)
        }
        other => (other.clone(), false),
    };
    Some(CodeList {
        literal: literal.clone(),
        codes: codes.into_iter().map(Box::from).collect(),
        value,
        normalize,
    })
}

/// `contains(X, 'part')` and its kin with exactly two arguments (a third is a collation, left to the
/// interpreter), except `ends-with(name(), …)`, which the interpreter answers from the local name.
fn has_part(function: Function, args: &[Expr]) -> Option<HasPart> {
    let [value, Expr::Str(part)] = args else {
        return None;
    };
    if matches!(value, Expr::Call(Function::Name | Function::LocalName, _)) {
        return None;
    }
    Some(HasPart {
        function,
        value: value.clone(),
        part: part.clone(),
    })
}

impl HasPart {
    /// The interpreter's `contains`/`starts-with`/`ends-with` with a literal second argument.
    fn holds<'a, 'i>(&'a self, ev: &mut Evaluator<'a, 'i, '_>, focus: &Focus<'a, 'i>) -> XResult<bool> {
        let text = string_arg(ev, &self.value, focus)?;
        let part = self.part.as_str();
        Ok(match self.function {
            Function::StartsWith => text.starts_with(part),
            Function::EndsWith => text.ends_with(part),
            _ => text.contains(part),
        })
    }
}

/// `string-length(substring-after(X, 'part'))` with exactly these arguments (a third argument of
/// `substring-after` is a collation, left to the interpreter).
fn chars_after(args: &[Expr], op: CmpOp, than: Decimal, general: bool) -> Option<CharsAfter> {
    let [Expr::Call(Function::SubstringAfter, inner)] = args else {
        return None;
    };
    let [value, Expr::Str(part)] = inner.as_slice() else {
        return None;
    };
    Some(CharsAfter {
        value: value.clone(),
        part: part.clone(),
        op,
        than,
        general,
    })
}

impl CharsAfter {
    /// The interpreter's `substring-after` (nothing when the part is not found) and `string-length`
    /// (characters, not bytes), compared as two decimals.
    fn holds<'a, 'i>(&'a self, ev: &mut Evaluator<'a, 'i, '_>, focus: &Focus<'a, 'i>) -> XResult<bool> {
        let text = string_arg(ev, &self.value, focus)?;
        let length = text
            .find(self.part.as_str())
            .map_or(0, |at| text[at + self.part.len()..].chars().count());
        compare(
            self.op,
            &Atomic::Decimal(Decimal::from(length)),
            &Atomic::Decimal(self.than),
            self.general,
        )
    }
}

/// `normalize-space(X)`, `upper-case(X)`, `lower-case(X)` or a case function and `normalize-space` of each
/// other: X, the case function (upper: true) and whether it normalizes.
fn string_function(expr: &Expr) -> Option<(Expr, Option<bool>, bool)> {
    let case_of = |function: &Function| match function {
        Function::UpperCase => Some(true),
        Function::LowerCase => Some(false),
        _ => None,
    };
    let (value, case, normalize) = match expr {
        Expr::Call(Function::NormalizeSpace, args) if args.len() == 1 => match &args[0] {
            Expr::Call(function, inner) if inner.len() == 1 && case_of(function).is_some() => {
                (&inner[0], case_of(function), true)
            }
            value => (value, None, true),
        },
        Expr::Call(function, args) if args.len() == 1 && case_of(function).is_some() => match &args[0] {
            Expr::Call(Function::NormalizeSpace, inner) if inner.len() == 1 => {
                (&inner[0], case_of(function), true)
            }
            value => (value, case_of(function), false),
        },
        _ => return None,
    };
    Some((value.clone(), case, normalize))
}

impl StringCompare {
    /// The function's value compared with the literal as strings (general and value comparisons alike:
    /// both operands are strings).
    fn holds<'a, 'i>(&'a self, ev: &mut Evaluator<'a, 'i, '_>, focus: &Focus<'a, 'i>) -> XResult<bool> {
        let mut text = string_arg(ev, &self.value, focus)?;
        if let Some(upper) = self.case {
            text = case_mapped(text, upper);
        }
        let ordering = if self.normalize {
            compare_normalized(&text, &self.literal)
        } else {
            text.as_ref().cmp(self.literal.as_str())
        };
        Ok(ordering_holds(self.op, ordering))
    }
}

impl PathCompare {
    /// The general comparison over the path's nodes: false when there are none, true at the first that
    /// compares true, the error of the first comparison that raises one (nodes in document order).
    fn holds<'a, 'i>(&'a self, ev: &mut Evaluator<'a, 'i, '_>, focus: &Focus<'a, 'i>) -> XResult<bool> {
        let literal = self.literal.borrowed();
        let op = self.op;
        // one child step from an element, as the interpreter compares it (through the index's hashes)
        if let Expr::Path(PathStart::Context, steps) = self.path.bare() {
            if let Some(holds) = ev.compare_children(focus, steps, op, &literal)? {
                return Ok(holds);
            }
        }
        // the walk gives the same nodes whether or not the path is shared (then only without the reuse)
        if let Some((start, steps)) = ev.chain_start(self.path.bare(), focus) {
            return visit_chain(ev.index, start, steps, &mut |item| {
                compare(op, &item.atomize(), &literal, true)
            });
        }
        // a context item that is not a node: the path's error, as the interpreter raises it
        general_compare(op, &ev.sequence(&self.path, focus)?, &[Item::Atomic(literal)])
    }
}

impl CodeList {
    /// `contains(literal, concat(' ', value, ' '))`: a code without spaces is in the list exactly when
    /// it is one of the codes (the literal has single spaces only, so an empty value is never in it); a
    /// value with a space is searched for in the literal as the interpreter would.
    fn contains<'a, 'i>(&'a self, ev: &mut Evaluator<'a, 'i, '_>, focus: &Focus<'a, 'i>) -> XResult<bool> {
        let raw = string_arg(ev, &self.value, focus)?;
        let value: Cow<'_, str> = if self.normalize { normalize_space(raw) } else { raw };
        if value.is_empty() {
            return Ok(false);
        }
        if value.contains(' ') {
            return Ok(self.literal.contains(&format!(" {value} ")));
        }
        Ok(self.codes.contains(value.as_ref()))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::rules::xpath::index::DocIndex;
    use crate::rules::xpath::{parse, Globals, Item};

    /// The compiled test and the interpreter agree on `expr` with the root element of `xml` as context.
    fn both(xml: &str, expr: &str) -> (XResult<bool>, XResult<bool>, Test) {
        let doc = crate::rules::tree::Document::parse(xml).unwrap();
        let ast = parse(expr, &HashMap::new()).unwrap();
        let test = Test::compile(&ast);
        let globals = Globals::default();
        let focus = Focus::of(Item::Node(doc.root_element()));
        let interpreted = Evaluator::new(doc.root(), &globals, None).boolean(&ast, &focus);
        let compiled = test.holds(&mut Evaluator::new(doc.root(), &globals, None), &focus);
        (compiled, interpreted, test)
    }

    #[test]
    fn a_code_list_is_a_set_lookup_with_the_interpreters_verdict() {
        let list = "contains(' AA B CCC ', concat(' ', normalize-space(c), ' '))";
        for (xml, expected) in [
            ("<r><c>B</c></r>", Ok(true)),
            ("<r><c> CCC\n</c></r>", Ok(true)),
            ("<r><c>A</c></r>", Ok(false)),
            ("<r><c></c></r>", Ok(false)),
            ("<r></r>", Ok(false)),
            // a value with a space is searched for in the literal: two adjacent codes match
            ("<r><c>B  CCC</c></r>", Ok(true)),
            ("<r><c>AA CCC</c></r>", Ok(false)),
        ] {
            let (compiled, interpreted, test) = both(xml, list);
            assert!(
                matches!(test, Test::InCodeList(_)),
                "{list} compiles to a code list"
            );
            assert_eq!(compiled, interpreted, "{xml}");
            assert_eq!(compiled, expected, "{xml}");
        }
        // two values where one is allowed: the interpreter's error
        let (compiled, interpreted, _) = both("<r><c>B</c><c>B</c></r>", list);
        assert_eq!(compiled.unwrap_err().code, interpreted.unwrap_err().code);
        // without normalize-space, the value as it is
        let raw = "contains(' AA B ', concat(' ', c, ' '))";
        let (compiled, interpreted, test) = both("<r><c> B</c></r>", raw);
        assert!(matches!(test, Test::InCodeList(_)));
        assert_eq!((compiled.clone(), interpreted), (Ok(false), Ok(false)));
    }

    #[test]
    fn a_literal_that_is_not_a_clean_list_is_left_to_the_interpreter() {
        for expr in [
            "contains(' AA  B ', concat(' ', c, ' '))",
            "contains('AA B ', concat(' ', c, ' '))",
            "contains(' AA B ', concat('-', c, ' '))",
            "contains(' AA B ', c)",
        ] {
            let (compiled, interpreted, test) = both("<r><c>B</c></r>", expr);
            assert!(matches!(test, Test::Interpret(_)), "{expr}");
            assert_eq!(compiled, interpreted, "{expr}");
        }
    }

    /// The compiled test and the interpreter agree, both with the document's index.
    fn both_indexed(xml: &str, expr: &str) -> (XResult<bool>, XResult<bool>, Test) {
        let doc = crate::rules::tree::Document::parse(xml).unwrap();
        let index = DocIndex::new(&doc);
        let ast = parse(expr, &HashMap::new()).unwrap();
        let test = Test::compile(&ast);
        let globals = Globals::default();
        let focus = Focus::of(Item::Node(doc.root_element()));
        let interpreted = Evaluator::new(doc.root(), &globals, Some(&index)).boolean(&ast, &focus);
        let compiled = test.holds(&mut Evaluator::new(doc.root(), &globals, Some(&index)), &focus);
        (compiled, interpreted, test)
    }

    #[test]
    fn a_node_path_needing_an_absent_name_is_empty_without_walking() {
        let xml = "<r><a><b c='1'/></a><a><b>x</b></a><d>y</d></r>";
        for (expr, expected) in [
            ("a/b", true),
            ("not(a/e)", true),
            ("exists(a/b/@c)", true),
            ("exists(a/b/@e)", false),
            ("empty(//e)", true),
            ("(a|d)/b", true),
            ("(a|e)/b", true),
            ("(a|d)/e", false),
            ("a[b = 'x']/b", true),
            ("a[b = 'z']/b", false),
        ] {
            let (compiled, interpreted, test) = both_indexed(xml, expr);
            assert!(
                test.share().compiled > 0 && test.share().interpreted == 0,
                "{expr} compiles"
            );
            assert_eq!(compiled, interpreted, "{expr}");
            assert_eq!(compiled, Ok(expected), "{expr}");
        }
        // a predicate that raises an error before an absent name still raises it
        let (compiled, interpreted, _) = both_indexed(xml, "exists(d[. = 1]/e)");
        assert_eq!(interpreted.clone().unwrap_err().code, "FORG0001");
        assert_eq!(compiled, interpreted);
        // a predicate after an absent name is never evaluated, in the interpreter either
        let (compiled, interpreted, _) = both_indexed(xml, "exists(e/d[. = 1])");
        assert_eq!((compiled, interpreted), (Ok(false), Ok(false)));
    }

    #[test]
    fn a_count_compared_with_a_number_counts_only_when_the_names_occur() {
        let xml = "<r><a><b/></a><a><b/><b/></a><d>y</d></r>";
        for (expr, expected) in [
            ("count(a/b) = 3", true),
            ("count(a/b) <= 1", false),
            ("count(a/e) = 0", true),
            ("count(a/e) ge 1", false),
            ("(count(a[b]) > 1)", true),
        ] {
            let (compiled, interpreted, test) = both_indexed(xml, expr);
            assert!(matches!(test, Test::CountCompare { .. }), "{expr} compiles");
            assert_eq!(compiled, interpreted, "{expr}");
            assert_eq!(compiled, Ok(expected), "{expr}");
        }
        let (compiled, interpreted, _) = both_indexed(xml, "count(d[. = 1]/e) = 0");
        assert_eq!(interpreted.clone().unwrap_err().code, "FORG0001");
        assert_eq!(compiled, interpreted);
    }

    #[test]
    fn string_tests_against_a_literal_are_compiled_with_the_interpreters_verdict() {
        let xml = "<r a='x y'><c> B C</c><c>B</c><d></d></r>";
        for (expr, expected) in [
            ("not(contains(normalize-space(@a), ' '))", Ok(false)),
            ("contains(normalize-space(c[2]), ' ')", Ok(false)),
            ("contains(c[1], 'B C')", Ok(true)),
            ("starts-with(c[1], ' B')", Ok(true)),
            ("starts-with(c[2], ' B')", Ok(false)),
            ("ends-with(normalize-space(c[1]), 'C')", Ok(true)),
            ("ends-with(d, 'C')", Ok(false)),
            ("contains(missing, '')", Ok(true)),
            ("starts-with(d, '')", Ok(true)),
            // two items where one is allowed: the interpreter's error
            ("contains(c, 'B')", Err("XPTY0004")),
            ("true() and not(false())", Ok(true)),
            ("boolean(contains(@a, 'y'))", Ok(true)),
        ] {
            let (compiled, interpreted, test) = both(xml, expr);
            assert!(test.is_fully_compiled(), "{expr} compiles: {test:?}");
            assert_eq!(compiled, interpreted, "{expr}");
            assert_eq!(compiled.map_err(|e| e.code), expected, "{expr}");
        }
        // a collation argument, a non-literal part and ends-with(name(), …) stay the interpreter's
        for expr in [
            "contains(c[1], 'B', 'x')",
            "contains(c[1], c[2])",
            "ends-with(name(), 'r')",
        ] {
            let (compiled, interpreted, test) = both(xml, expr);
            assert!(matches!(test, Test::Interpret(_)), "{expr}");
            assert_eq!(compiled, interpreted, "{expr}");
        }
    }

    #[test]
    fn a_child_compared_with_a_literal_gives_the_general_comparisons_verdict_without_a_sequence() {
        // the context is below the root element (whose children the index serves otherwise)
        let xml = "<r><l><c>S</c><c>x</c><c>7</c><d/></l></r>";
        let doc = crate::rules::tree::Document::parse(xml).unwrap();
        let index = DocIndex::new(&doc);
        let globals = Globals::default();
        let line = doc.root_element().children().find(|n| n.is_element()).unwrap();
        let focus = Focus::of(Item::Node(line));
        for (expr, expected) in [
            ("c = 'S'", Ok(true)),
            ("c = 'x'", Ok(true)),
            ("c != 'S'", Ok(true)),
            ("c = 'Z'", Ok(false)),
            ("e = 'S'", Ok(false)),
            ("d = ''", Ok(true)),
            // `S` is not a number: the comparison's error comes before the `7` that would match
            ("c = 7", Err("FORG0001")),
            ("e = 7", Ok(false)),
            ("d = 1", Err("FORG0001")),
        ] {
            let ast = parse(expr, &HashMap::new()).unwrap();
            let indexed = Evaluator::new(doc.root(), &globals, Some(&index)).boolean(&ast, &focus);
            let walked = Evaluator::new(doc.root(), &globals, None).boolean(&ast, &focus);
            assert_eq!(indexed.clone().map_err(|e| e.code), expected, "{expr}");
            assert_eq!(indexed, walked, "{expr}");
        }
    }

    /// Documents for the comparisons' differential tests: empty elements, whitespace-only text, values
    /// with several points or none, non-ASCII digits and letters (counted as characters, not bytes), mixed
    /// content, two matching children (a cardinality error where one value is allowed, an existential
    /// verdict in a general comparison), and numbers of every lexical kind (` 12 `, `1e3`, `-0`, `INF`,
    /// `NaN`) beside values that are not numbers.
    const SHAPES: [&str; 3] = [
        "<r n='1.5'><v>12.50</v><x><v> 12 </v></x><x><v>1e3</v><v>abc</v></x><x n=' 2.25 '><v/></x>\
         <x><v>   </v></x><x><v>-0</v><w/></x><x><v>INF</v></x><x><v>NaN</v><v>-INF</v></x>\
         <x><v><w>1.2.345</w><w>a  b</w></v></x><x><v>\u{661}\u{662}.\u{663}\u{664}\u{665}</v></x>\
         <x><v>\u{e9}.\u{e9}\u{e9}</v></x><x><v>\t VAT \n</v></x><x><v>VAT</v><v>abc</v></x>\
         <x><v>abc</v><v>1</v></x><x><v>a<w>.b</w>c.</v></x><x><v>.</v><w>0.5</w></x></r>",
        "<r><v/><v n='x'>...</v><x><v><w> 7 </w></v><v><w>-1.0</w><w>3</w></v></x><x><v><w/></v></x>\
         <x><v>\u{a0}VAT</v></x><x><v>a\u{a0} b</v></x><x><v>+1</v></x><x><v>1.</v></x><x><v>.5</v></x>\
         <x><v><w>0.125</w></v></x><x><v><w> a \n b</w></v></x></r>",
        "<r n='a.b.c'>  \n  </r>",
    ];

    /// On every element of [`SHAPES`] as context, the compiled `expr` and the interpreter give the same
    /// verdict or error, with and without the document's index; the compiled test is checked by `shape`
    /// (so that the comparison is never the interpreter's with itself). Returns the verdicts.
    fn differential(expr: &str, shape: fn(&Test) -> bool) -> Vec<Result<bool, &'static str>> {
        let ast = parse(expr, &HashMap::new()).unwrap();
        let test = Test::compile(&ast);
        assert!(shape(&test), "{expr} compiles to the shape: {test:?}");
        let globals = Globals::default();
        let mut verdicts = Vec::new();
        for xml in SHAPES {
            let doc = crate::rules::tree::Document::parse(xml).unwrap();
            let index = DocIndex::new(&doc);
            for node in doc.descendants().filter(|n| n.is_element()) {
                let focus = Focus::of(Item::Node(node));
                for index in [None, Some(&index)] {
                    let interpreted = Evaluator::new(doc.root(), &globals, index).boolean(&ast, &focus);
                    let compiled = test.holds(&mut Evaluator::new(doc.root(), &globals, index), &focus);
                    assert_eq!(
                        compiled.clone().map_err(|e| e.code),
                        interpreted.map_err(|e| e.code),
                        "{expr} on {:?} in {xml}",
                        Item::Node(node).string()
                    );
                    verdicts.push(compiled.map_err(|e| e.code));
                }
            }
        }
        verdicts
    }

    /// Each expression compiles to the interpreter's fallback as a whole.
    fn assert_left_to_the_interpreter(exprs: &[&str]) {
        for expr in exprs {
            let test = Test::compile(&parse(expr, &HashMap::new()).unwrap());
            assert!(matches!(test, Test::Interpret(_)), "{expr}");
        }
    }

    /// [`differential`] of each expression, whose verdicts over the documents include both true and false,
    /// and an error exactly when its `error` says so (so that every case tells the two apart).
    fn assert_differential(shape: fn(&Test) -> bool, cases: &[(&str, bool)]) {
        for &(expr, error) in cases {
            let verdicts = differential(expr, shape);
            let outcomes = (
                verdicts.contains(&Ok(true)),
                verdicts.contains(&Ok(false)),
                verdicts.iter().any(Result::is_err),
            );
            assert_eq!(outcomes, (true, true, error), "{expr}");
        }
    }

    #[test]
    fn decimals_counted_after_the_point_give_the_interpreters_verdicts() {
        let shape = |t: &Test| matches!(t, Test::CharsAfter(_));
        assert_differential(
            shape,
            &[
                ("string-length(substring-after(., '.')) <= 2", false),
                ("string-length(substring-after(v, '.')) <= 2", true),
                ("string-length(substring-after(v/w, '.')) > 1", true),
                ("string-length(substring-after(., '.')) eq 3", false),
                ("string-length(substring-after(@n, '.')) = 3", false),
                ("string-length(substring-after(., '')) >= 4", false),
                ("string-length(substring-after(v, 'b')) != 0", true),
                ("(string-length(substring-after(v, '.')) < 1)", true),
            ],
        );
        // a collation argument and a part that is not a literal stay the interpreter's
        assert_left_to_the_interpreter(&[
            "string-length(substring-after(., '.', 'c')) <= 2",
            "string-length(substring-after(., v)) <= 2",
            "string-length(substring-after(., '.')) <= 2e0",
        ]);
    }

    #[test]
    fn normalized_text_compared_with_a_literal_gives_the_interpreters_verdicts() {
        let shape = |t: &Test| matches!(t, Test::StringCompare(_));
        assert_differential(
            shape,
            &[
                ("normalize-space(v) != ''", true),
                ("normalize-space(.) = ''", false),
                ("normalize-space(v) = 'VAT'", true),
                ("normalize-space(v/w) = 'a b'", true),
                ("normalize-space(.) = '1.2.345a b'", false),
                ("normalize-space(v) < 'a'", true),
                ("normalize-space(@n) ge 'a.b'", false),
                ("normalize-space(v) eq '\u{a0}VAT'", true),
                ("normalize-space(v) > 'a\u{a0}'", true),
            ],
        );
        // no argument (the context item) stays the interpreter's
        assert_left_to_the_interpreter(&["normalize-space() = ''"]);
    }

    /// How many predicates inside `expr` are compiled ([`Expr::Compiled`]).
    fn compiled_count(expr: &Expr) -> usize {
        let mut count = usize::from(matches!(expr, Expr::Compiled(_)));
        crate::rules::xpath::share::for_each_child(expr, &mut |child| count += compiled_count(child));
        count
    }

    #[test]
    fn compiled_predicates_give_the_interpreters_values() {
        let globals = Globals::default();
        for (expr, expected) in [
            ("x[normalize-space(v) = 'VAT']", 1),
            ("count(x[upper-case(v) = 'INF'])", 1),
            ("x[v = true()]/v", 1),
            ("//v[normalize-space(.) != ''][w]", 2),
            ("x[v/w[normalize-space(.) = 'a b']]", 2),
            ("x[lower-case(@n) = ' 2.25 ']/v", 1),
            ("(x | v)[normalize-space(.) = 'VAT']", 1),
            ("x/normalize-space(v)[. = 'VAT']", 0),
            ("exists(x[v/upper-case(.) = 'VAT'])", 0),
            // positional or numeric predicates stay as written (a later one that is neither is compiled)
            ("x[2]", 0),
            ("x[position() = 2][v]", 1),
            ("x[last()]", 0),
            ("x[count(v)]", 0),
        ] {
            let written = parse(expr, &HashMap::new()).unwrap();
            let mut compiled = written.clone();
            compile_predicates(&mut compiled);
            assert_eq!(compiled_count(&compiled), expected, "{expr}: {compiled:?}");
            for xml in SHAPES {
                let doc = crate::rules::tree::Document::parse(xml).unwrap();
                let index = DocIndex::new(&doc);
                for node in doc.descendants().filter(|n| n.is_element()) {
                    let focus = Focus::of(Item::Node(node));
                    let plain = Evaluator::new(doc.root(), &globals, Some(&index)).eval(&written, &focus);
                    let fast = Evaluator::new(doc.root(), &globals, Some(&index)).eval(&compiled, &focus);
                    let keys = |value: XResult<Vec<Item>>| {
                        value
                            .map(|items| {
                                items
                                    .iter()
                                    .map(|i| format!("{:?}/{}", i.order_key(), i.string()))
                                    .collect::<Vec<_>>()
                            })
                            .map_err(|e| e.code)
                    };
                    assert_eq!(keys(fast), keys(plain), "{expr} in {xml}");
                }
            }
        }
    }

    #[test]
    fn case_mapped_text_compared_with_a_literal_gives_the_interpreters_verdicts() {
        let shape = |t: &Test| matches!(t, Test::StringCompare(_));
        assert_differential(
            shape,
            &[
                ("upper-case(v) = 'A\u{a0} B'", true),
                ("lower-case(v) != 'inf'", true),
                ("upper-case(v) eq '-0'", true),
                ("normalize-space(upper-case(v)) = 'VAT'", true),
                ("upper-case(normalize-space(v)) = 'VAT'", true),
                ("normalize-space(lower-case(v/w)) = 'a b'", true),
                ("lower-case(@n) = 'a.b.c'", false),
            ],
        );
        // the function as a path's last step (its value per node is shared with other rules as it is), a
        // value that is not a literal, and a collation argument stay the interpreter's
        assert_left_to_the_interpreter(&[
            "x/upper-case(v) = 'A'",
            "upper-case(v) = v",
            "upper-case(v, 'c') = 'A'",
        ]);
    }

    #[test]
    fn a_child_chain_compared_with_a_literal_gives_the_general_comparisons_verdicts() {
        let shape = |t: &Test| matches!(t, Test::PathCompare(_));
        assert_differential(
            shape,
            &[
                ("v > 0", true),
                ("(v/w) >= 0", true),
                ("v = 12", true),
                ("v <= 0", true),
                ("v != 'VAT'", false),
                ("v = 'VAT'", false),
                ("v/w < 1.5", true),
                ("@n = 1.5", true),
                ("x/v/w >= 'a'", false),
                ("/r/x/v = 'VAT'", false),
                ("/r/x/v = 1000", true),
            ],
        );
        // a value comparison, a path with a predicate or another axis, a double literal: the interpreter's
        assert_left_to_the_interpreter(&["v eq 1", "v[1] = 1", "../v = 1", "v = 1e0", "v >= -1", "v = v"]);
    }

    /// As the schema loads them: compiled, then their repeated sub-expressions shared (the operand
    /// `v/w` of every test below), then evaluated with one memo per document in order, against the
    /// interpreter on the tests as written.
    #[test]
    fn compiled_comparisons_of_a_shared_operand_keep_the_interpreters_verdicts() {
        let exprs = [
            "count(v/w) > 1",
            "normalize-space(v/w) != ''",
            "string-length(substring-after(v/w, '.')) <= 2",
            "(v/w) >= 0",
            "v/w = 'a  b'",
            "normalize-space(v/w) = 'a b'",
        ];
        let asts: Vec<Expr> = exprs.iter().map(|e| parse(e, &HashMap::new()).unwrap()).collect();
        let mut tests: Vec<Test> = asts.iter().map(Test::compile).collect();
        let mut sharer = crate::rules::xpath::share::Sharer::new();
        for test in &tests {
            test.for_each_expr(&mut |e| {
                sharer.count(e);
            });
        }
        for test in &mut tests {
            test.for_each_expr_mut(&mut |e| {
                sharer.wrap(e);
            });
        }
        assert_eq!(sharer.shared(), 1, "v/w is shared");
        for (test, expr) in tests.iter().zip(exprs) {
            assert!(test.is_fully_compiled(), "{expr}");
            test.for_each_expr(&mut |e| assert!(matches!(e, Expr::Shared { .. }), "{expr}: {e:?}"));
        }
        let globals = Globals::default();
        for xml in SHAPES {
            let doc = crate::rules::tree::Document::parse(xml).unwrap();
            let index = DocIndex::new(&doc);
            for order in [false, true] {
                let memo = crate::rules::xpath::share::Memo::new();
                for node in doc.descendants().filter(|n| n.is_element()) {
                    let focus = Focus::of(Item::Node(node));
                    let mut ev = Evaluator::new(doc.root(), &globals, Some(&index)).with_memo(&memo);
                    let mut check = |i: usize| {
                        let compiled = tests[i].holds(&mut ev, &focus).map_err(|e| e.code);
                        let interpreted = Evaluator::new(doc.root(), &globals, None)
                            .boolean(&asts[i], &focus)
                            .map_err(|e| e.code);
                        assert_eq!(compiled, interpreted, "{} in {xml}", exprs[i]);
                    };
                    if order {
                        (0..exprs.len()).rev().for_each(&mut check);
                    } else {
                        (0..exprs.len()).for_each(&mut check);
                    }
                }
            }
        }
    }

    #[test]
    fn connectives_are_compiled_and_the_share_counted() {
        let (compiled, interpreted, test) = both("<r><a/></r>", "not(b = 1) and (a or sum(c) = 0)");
        assert_eq!((compiled, interpreted), (Ok(true), Ok(true)));
        assert_eq!(
            test.share(),
            Share {
                compiled: 5,
                interpreted: 1
            }
        );
        assert!(!test.is_fully_compiled());
    }
}
