//! A Schematron engine for the official artefacts: loads a (preprocessed) schema — namespaces, `let`s,
//! patterns, rules in order, asserts and reports with their `id`, `flag` and message — and runs it over a
//! document the way the compiled XSLT does: every element is visited in document order, and within a
//! pattern only the first rule whose context matches the element fires.

use std::collections::HashMap;

use super::tree::{Document, Node};

use super::candidates::NameCandidates;
use super::context::{match_paths, ContextNames, DocNames, KeyCache, MatchPath, ABSENT};
use super::xpath::ast::Expr;
use super::xpath::compile::compile_predicates;
use super::xpath::compile::{Share, Test};
use super::xpath::index::DocIndex;
use super::xpath::presence::PresenceBatch;
use super::xpath::share::{Memo, Sharer};
use super::xpath::value::{Atomic, Sequence};
use super::xpath::{parse, Evaluator, Focus, Globals, Item, XError};

/// How severe a failed check is, from the rule's `flag`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Flag {
    Fatal,
    Warning,
}

/// One `assert` (fires when its test is false) or `report` (fires when true).
#[derive(Debug)]
pub struct Check {
    pub id: String,
    pub flag: Flag,
    pub is_report: bool,
    pub test: Expr,
    /// The test compiled when the rules load (what runs); `test` is its source.
    pub compiled: Test,
    pub message: String,
}

/// One `rule`: where it applies, its variables and its checks.
#[derive(Debug)]
pub struct Rule {
    pub context_text: String,
    context: Vec<MatchPath>,
    lets: Vec<(String, Expr)>,
    pub checks: Vec<Check>,
    /// The checks that only ask whether child-name paths exist, decided together in one walk (`None`
    /// when the rule has too few of them).
    presence: Option<PresenceBatch>,
}

/// One `pattern`: rules in priority order, indexed by the local name their context can match.
#[derive(Debug)]
pub struct Pattern {
    pub id: String,
    pub rules: Vec<Rule>,
    /// For each local name (the schema's [`ContextNames`] number) that some context's last step tests,
    /// the rules whose context can match an element of that name, in priority order: those whose last
    /// step names it, and the wildcard rules whose required name suffix (if any) ends it; by the parent's
    /// name.
    by_local: Vec<(u32, NameCandidates)>,
    /// Rules whose context ends in a wildcard step, in order (the candidates for other names).
    any_name: NameCandidates,
    /// The name suffixes the wildcard contexts require (`ends-with(name(), 'Amount')`).
    suffixes: Vec<String>,
    /// Some wildcard context requires no suffix: every element is a candidate for the wildcard rules.
    everything: bool,
}

/// A loaded schema.
#[derive(Debug)]
pub struct Schema {
    pub patterns: Vec<Pattern>,
    lets: Vec<(String, Expr)>,
    /// By `lets`: the value of a `let` that does not depend on the document ([`constant_value`]), computed
    /// when the schema loads; `None` for the others, which are evaluated per document.
    constants: Vec<Option<Vec<Atomic<'static>>>>,
    /// The local names and namespaces the rule contexts test, resolved per document.
    names: ContextNames,
    /// How many distinct sub-expressions are shared.
    shared: usize,
}

/// A check that fired on an element.
#[derive(Debug, Clone)]
pub struct Fired {
    pub id: String,
    pub flag: Flag,
    pub message: String,
    pub location: String,
    /// Set when the test could not be evaluated (the official XSLT stops the whole run on such errors).
    pub error: Option<String>,
}

impl Schema {
    /// Loads a Schematron schema from its text; `source` names it in errors.
    pub fn load(source: &str, text: &str) -> Result<Schema, String> {
        let doc = Document::parse(text).map_err(|e| format!("{source}: not well-formed XML: {e}"))?;
        let root = doc.root_element();
        let is = |n: &Node<'_, '_>, name: &str| n.is_element() && n.tag_name().name() == name;
        let mut namespaces = HashMap::new();
        for ns in root.children().filter(|n| is(n, "ns")) {
            let (Some(prefix), Some(uri)) = (ns.attribute("prefix"), ns.attribute("uri")) else {
                return Err(format!("{source}: an <ns> element lacks its prefix or uri"));
            };
            namespaces.insert(prefix.to_owned(), uri.to_owned());
        }
        let compile = |what: &str, text: &str| {
            parse(text, &namespaces).map_err(|e| format!("{source}: cannot compile {what} {text:?}: {e}"))
        };
        let lets_of = |node: Node<'_, '_>| -> Result<Vec<(String, Expr)>, String> {
            node.children()
                .filter(|n| is(n, "let"))
                .map(|l| {
                    let name = l.attribute("name").unwrap_or_default().to_owned();
                    let value = l.attribute("value").unwrap_or_default();
                    Ok((name, compile("let", value)?))
                })
                .collect()
        };
        let mut names = ContextNames::default();
        let mut patterns = Vec::new();
        for pattern in root.children().filter(|n| is(n, "pattern")) {
            let mut rules = Vec::new();
            for rule in pattern.children().filter(|n| is(n, "rule")) {
                let context_text = rule.attribute("context").unwrap_or_default().to_owned();
                let context = match_paths(&compile("rule context", &context_text)?, &mut names)
                    .map_err(|e| format!("{source}: rule context {context_text:?}: {e}"))?;
                let mut checks = Vec::new();
                for check in rule.children().filter(|n| is(n, "assert") || is(n, "report")) {
                    let test = check.attribute("test").unwrap_or_default();
                    let message = check
                        .descendants()
                        .filter(|d| d.is_text())
                        .filter_map(|d| d.text())
                        .collect::<String>();
                    let test = compile("test", test)?;
                    checks.push(Check {
                        id: check.attribute("id").unwrap_or_default().to_owned(),
                        flag: if check.attribute("flag") == Some("warning") {
                            Flag::Warning
                        } else {
                            Flag::Fatal
                        },
                        is_report: is(&check, "report"),
                        compiled: Test::compile(&test),
                        test,
                        message: message.split_whitespace().collect::<Vec<_>>().join(" "),
                    });
                }
                rules.push(Rule {
                    context_text,
                    context,
                    lets: lets_of(rule)?,
                    presence: PresenceBatch::of(checks.iter().map(|c| &c.compiled)),
                    checks,
                });
            }
            patterns.push(Pattern::new(
                pattern.attribute("id").unwrap_or_default().to_owned(),
                rules,
                &names,
            ));
        }
        let lets = lets_of(root)?;
        let constants = constant_values(&lets);
        let mut schema = Schema {
            patterns,
            lets,
            constants,
            names,
            shared: 0,
        };
        schema.share_subexpressions();
        schema.compile_predicates();
        Ok(schema)
    }

    /// Compiles the predicates inside the checks' tests, the rule contexts' predicates and the `let`s
    /// that a check's test compiler handles ([`compile_predicates`]), after the sharing, whose wrappers the
    /// compiled tests keep. A rule context's own predicates keep their compiled form beside them.
    fn compile_predicates(&mut self) {
        for (_, expr) in &mut self.lets {
            compile_predicates(expr);
        }
        for rule in self.patterns.iter_mut().flat_map(|p| &mut p.rules) {
            for check in &mut rule.checks {
                check.compiled.for_each_expr_mut(&mut compile_predicates);
            }
            for (_, expr) in &mut rule.lets {
                compile_predicates(expr);
            }
            for (_, step) in rule.context.iter_mut().flat_map(|m| &mut m.steps) {
                step.predicates.iter_mut().for_each(compile_predicates);
            }
            for test in rule
                .context
                .iter_mut()
                .flat_map(MatchPath::compiled_predicates_mut)
            {
                test.for_each_expr_mut(&mut compile_predicates);
            }
        }
    }

    /// Wraps the sub-expressions that the checks' tests and the rule contexts' predicates repeat, so that
    /// each is evaluated once per document and context node ([`super::xpath::share`]).
    fn share_subexpressions(&mut self) {
        let mut sharer = Sharer::new();
        for rule in self.patterns.iter().flat_map(|p| &p.rules) {
            for check in &rule.checks {
                check.compiled.for_each_expr(&mut |e| {
                    sharer.count(e);
                });
            }
            for (_, step) in rule.context.iter().flat_map(|m| &m.steps) {
                for predicate in &step.predicates {
                    sharer.count(predicate);
                }
            }
        }
        for rule in self.patterns.iter_mut().flat_map(|p| &mut p.rules) {
            for check in &mut rule.checks {
                check.compiled.for_each_expr_mut(&mut |e| {
                    sharer.wrap(e);
                });
            }
            for (_, step) in rule.context.iter_mut().flat_map(|m| &mut m.steps) {
                for predicate in &mut step.predicates {
                    sharer.wrap(predicate);
                }
            }
            for test in rule
                .context
                .iter_mut()
                .flat_map(MatchPath::compiled_predicates_mut)
            {
                test.for_each_expr_mut(&mut |e| {
                    sharer.wrap(e);
                });
            }
        }
        self.shared = sharer.shared();
    }

    /// How many distinct sub-expressions are shared (evaluated once per document and context node).
    pub fn shared_subexpressions(&self) -> usize {
        self.shared
    }

    /// Number of asserts and reports.
    pub fn check_count(&self) -> usize {
        self.patterns
            .iter()
            .flat_map(|p| &p.rules)
            .map(|r| r.checks.len())
            .sum()
    }

    /// How much of the checks' tests is compiled: (tests with no part left to the interpreter, all tests,
    /// compiled and interpreted nodes over all tests).
    pub fn compiled_share(&self) -> (usize, usize, Share) {
        let mut total = Share::default();
        let mut full = 0;
        let mut count = 0;
        for check in self
            .patterns
            .iter()
            .flat_map(|p| &p.rules)
            .flat_map(|r| &r.checks)
        {
            let share = check.compiled.share();
            total.compiled += share.compiled;
            total.interpreted += share.interpreted;
            full += usize::from(share.interpreted == 0);
            count += 1;
        }
        (full, count, total)
    }

    /// Runs every pattern over the document and returns the checks that fired, in document order per pattern.
    pub fn run(&self, doc: &Document<'_>) -> Vec<Fired> {
        self.run_indexed(doc, &DocIndex::new(doc))
    }

    /// [`Schema::run`] with the document's index already built (`index` must be [`DocIndex::new`] of
    /// `doc`): several schemas run on one document share one index.
    pub fn run_indexed<'a, 'i>(&self, doc: &'a Document<'i>, index: &DocIndex<'a, 'i>) -> Vec<Fired> {
        self.run_observed(doc, index, None)
    }

    /// [`Schema::run`], also adding each check's evaluation time to `costs` under its id (summed over the
    /// elements it ran on): where the time of a run goes, for the benchmark's profile.
    pub fn run_profiled(
        &self,
        doc: &Document<'_>,
        costs: &mut HashMap<String, std::time::Duration>,
    ) -> Vec<Fired> {
        let start = std::time::Instant::now();
        let index = DocIndex::new(doc);
        add_cost(costs, "(document index)", start.elapsed());
        self.run_observed(doc, &index, Some(costs))
    }

    fn run_observed<'a, 'i>(
        &'a self,
        doc: &'a Document<'i>,
        index: &DocIndex<'a, 'i>,
        mut costs: Option<&mut HashMap<String, std::time::Duration>>,
    ) -> Vec<Fired> {
        let root = doc.root();
        let mut globals = Globals::default();
        let errors = self.bind_schema_lets(root, index, &mut globals, true);
        let mut fired = Vec::new();
        for message in errors {
            fired.push(Fired {
                id: "schema-let".to_owned(),
                flag: Flag::Fatal,
                message: "a schema variable could not be evaluated".to_owned(),
                location: "/".to_owned(),
                error: Some(message),
            });
        }
        let memo = Memo::new();
        let mut ev = Evaluator::new(root, &globals, Some(index)).with_memo(&memo);
        let names = self.names.resolve(index);
        let mut keys = KeyCache::new(&self.names);
        let mut by_name = Vec::new();
        for pattern in &self.patterns {
            // each element in document order with its candidate rules (those whose context can match its
            // local name, then its parent's); elements of other names are not visited
            pattern.candidates_by_name(doc, &names, &mut by_name);
            for &(node, name) in index.elements() {
                let Some(by_parent) = by_name[name as usize] else {
                    continue;
                };
                let parent = node
                    .parent()
                    .and_then(|p| p.name_ids())
                    .map(|(local, _)| names.schema_locals[local as usize])
                    .filter(|&number| number != ABSENT);
                let candidates = by_parent.under(parent);
                if candidates.is_empty() {
                    continue;
                }
                let start = costs.is_some().then(std::time::Instant::now);
                let rule = candidates.iter().map(|&i| &pattern.rules[i]).find(|rule| {
                    rule.context
                        .iter()
                        .any(|m| m.matches(&mut ev, &names, &mut keys, node))
                });
                if let (Some(costs), Some(start)) = (costs.as_deref_mut(), start) {
                    add_cost(costs, "(rule contexts)", start.elapsed());
                }
                let Some(rule) = rule else {
                    continue;
                };
                if rule.lets.is_empty() {
                    run_checks(rule, node, &mut ev, &mut fired, costs.as_deref_mut());
                    continue;
                }
                // the rule's variables are bound in the schema's for its checks, then unbound (no copy
                // of the schema's variables per rule)
                let saved = bind_lets(rule, node, &mut globals, index);
                let mut scoped = Evaluator::new(root, &globals, Some(index)).with_memo(&memo);
                run_checks(rule, node, &mut scoped, &mut fired, costs.as_deref_mut());
                unbind_lets(saved, &mut globals);
                ev = Evaluator::new(root, &globals, Some(index)).with_memo(&memo);
            }
        }
        fired
    }

    /// Binds the schema's `let`s into `globals` in order (later lets may use earlier ones); returns the
    /// errors of those that could not be evaluated. With `constants`, a let whose value does not depend on
    /// the document takes the value computed when the schema loaded (borrowed, not evaluated again);
    /// without, every let is evaluated on the document (the reference).
    fn bind_schema_lets<'a, 'i>(
        &'a self,
        root: Node<'a, 'i>,
        index: &DocIndex<'a, 'i>,
        globals: &mut Globals<'a, 'i>,
        constants: bool,
    ) -> Vec<String> {
        let mut errors = Vec::new();
        let focus = Focus::of(Item::Node(root));
        for ((name, expr), constant) in self.lets.iter().zip(&self.constants) {
            if let (true, Some(value)) = (constants, constant) {
                globals.insert(
                    name.clone(),
                    value.iter().map(Atomic::borrowed).map(Item::Atomic).collect(),
                );
                continue;
            }
            match Evaluator::new(root, globals, Some(index)).eval(expr, &focus) {
                Ok(value) => {
                    globals.insert(name.clone(), value);
                }
                Err(e) => errors.push(format!("${name}: {e}")),
            }
        }
        errors
    }
}

/// The values of the schema's `let`s that do not depend on the document (by `lets`; `None` for the
/// others): literals, and functions, operators and sequences of them or of earlier such lets. Computed
/// once, on an empty document; a let whose evaluation fails is left to be evaluated per document (where
/// its error is reported as before).
fn constant_values(lets: &[(String, Expr)]) -> Vec<Option<Vec<Atomic<'static>>>> {
    let Ok(empty) = Document::parse("<empty/>") else {
        return vec![None; lets.len()];
    };
    let root = empty.root();
    let mut globals = Globals::default();
    let mut constant_names: Vec<&str> = Vec::new();
    let mut values = Vec::with_capacity(lets.len());
    for (name, expr) in lets {
        let value = if is_constant(expr, &constant_names) {
            Evaluator::new(root, &globals, None)
                .eval(expr, &Focus::of(Item::Node(root)))
                .ok()
                .and_then(|items| {
                    items
                        .iter()
                        .map(|item| match item {
                            Item::Atomic(atomic) => Some(atomic.to_static()),
                            _ => None,
                        })
                        .collect::<Option<Vec<_>>>()
                })
        } else {
            None
        };
        // a later let of the same name shadows this one: it is constant only if it is
        constant_names.retain(|known| *known != name);
        match &value {
            Some(atomics) => {
                constant_names.push(name);
                globals.insert(name.clone(), atomics.iter().cloned().map(Item::Atomic).collect());
            }
            None => {
                globals.remove(name);
            }
        }
        values.push(value);
    }
    values
}

/// Whether an expression's value depends on nothing but itself and the lets named in `constants`: no
/// path, no context item, no function that reads the focus (`position()`, `last()`, or a function called
/// without arguments that defaults to the context item), no shared sub-expression. Anything not known
/// to be constant is not.
fn is_constant(expr: &Expr, constants: &[&str]) -> bool {
    use super::xpath::ast::Function;
    let all = |exprs: &[&Expr]| exprs.iter().all(|e| is_constant(e, constants));
    match expr {
        Expr::Str(_) | Expr::Num(_) | Expr::Double(_) => true,
        // a quantifier's variable, bound inside this expression (its domain is checked with it)
        Expr::Var(_) => true,
        Expr::Global(name) => constants.contains(&name.as_str()),
        Expr::Or(a, b)
        | Expr::And(a, b)
        | Expr::General(_, a, b)
        | Expr::Value(_, a, b)
        | Expr::Arith(_, a, b) => all(&[a, b]),
        Expr::Negate(a) | Expr::Cast(a, _, _) => is_constant(a, constants),
        Expr::If(c, a, b) => all(&[c, a, b]),
        Expr::Sequence(items) => items.iter().all(|e| is_constant(e, constants)),
        Expr::Quantified {
            domain, condition, ..
        } => all(&[domain, condition]),
        Expr::Call(function, args) => match function {
            Function::Position | Function::Last => false,
            Function::True | Function::False => true,
            _ => !args.is_empty() && args.iter().all(|e| is_constant(e, constants)),
        },
        _ => false,
    }
}

/// Evaluates a rule's `let`s on its context element into `globals` (later lets see earlier ones, and
/// shadow a schema variable of the same name; an error leaves the variable empty, as before); returns
/// what [`unbind_lets`] needs to restore `globals`.
fn bind_lets<'a, 'i>(
    rule: &'a Rule,
    node: Node<'a, 'i>,
    globals: &mut Globals<'a, 'i>,
    index: &DocIndex<'a, 'i>,
) -> Vec<(String, Option<Sequence<'a, 'i>>)> {
    let focus = Focus::of(Item::Node(node));
    let root = node.document().root();
    let mut saved = Vec::with_capacity(rule.lets.len());
    for (name, expr) in &rule.lets {
        let value = Evaluator::new(root, globals, Some(index))
            .eval(expr, &focus)
            .unwrap_or_default();
        saved.push((name.clone(), globals.insert(name.clone(), value)));
    }
    saved
}

/// Restores the schema's variables after [`bind_lets`] (in reverse, so a name bound twice gets its first
/// value back).
fn unbind_lets<'a, 'i>(saved: Vec<(String, Option<Sequence<'a, 'i>>)>, globals: &mut Globals<'a, 'i>) {
    for (name, before) in saved.into_iter().rev() {
        match before {
            Some(value) => {
                globals.insert(name, value);
            }
            None => {
                globals.remove(&name);
            }
        }
    }
}

/// Runs a rule's checks on its context element with `ev` (which has the rule's variables in scope).
fn run_checks<'a, 'i>(
    rule: &'a Rule,
    node: Node<'a, 'i>,
    ev: &mut Evaluator<'a, 'i, '_>,
    fired: &mut Vec<Fired>,
    mut costs: Option<&mut HashMap<String, std::time::Duration>>,
) {
    let focus = Focus::of(Item::Node(node));
    let start = costs.is_some().then(std::time::Instant::now);
    let presence = match (&rule.presence, ev.index) {
        (Some(batch), Some(index)) => Some((batch, batch.count_from(index, node))),
        _ => None,
    };
    if let (Some(costs), Some(start)) = (costs.as_deref_mut(), start) {
        add_cost(costs, "(presence walks)", start.elapsed());
    }
    for (at, check) in rule.checks.iter().enumerate() {
        let start = costs.is_some().then(std::time::Instant::now);
        let outcome = match presence
            .as_ref()
            .and_then(|(batch, counts)| batch.verdict(at, counts))
        {
            Some(holds) => Ok(holds),
            None => {
                let outcome = check.compiled.holds(ev, &focus);
                ev.vars.clear();
                outcome
            }
        };
        if let (Some(costs), Some(start)) = (costs.as_deref_mut(), start) {
            add_cost(costs, &check.id, start.elapsed());
        }
        let (fires, error) = match outcome {
            Ok(holds) => (holds == check.is_report, None),
            Err(e) => (true, Some(e)),
        };
        if fires {
            fired.push(Fired {
                id: check.id.clone(),
                flag: check.flag,
                message: check.message.clone(),
                location: location(node),
                error: error.map(|e: XError| e.to_string()),
            });
        }
    }
}

/// Adds a measured time to `costs` under `key`, less what reading the clock itself costs
/// ([`clock_overhead`]: the profile reads it around every element's context matching and every check, ~1,600
/// times per invoice). The time is taken before this is called: the look-up (and the key's allocation the
/// first time) is not counted in it.
fn add_cost(costs: &mut HashMap<String, std::time::Duration>, key: &str, elapsed: std::time::Duration) {
    let elapsed = elapsed.saturating_sub(clock_overhead());
    match costs.get_mut(key) {
        Some(total) => *total += elapsed,
        None => {
            costs.insert(key.to_owned(), elapsed);
        }
    }
}

/// What timing nothing costs (`Instant::now()` then `elapsed()`), the least of a thousand tries, measured
/// once per process.
fn clock_overhead() -> std::time::Duration {
    static OVERHEAD: std::sync::OnceLock<std::time::Duration> = std::sync::OnceLock::new();
    *OVERHEAD.get_or_init(|| {
        (0..1000)
            .map(|_| std::time::Instant::now().elapsed())
            .min()
            .unwrap_or_default()
    })
}

/// An XPath to the element, as the official reports give it: `/Invoice/cac:TaxTotal[1]/cbc:TaxAmount[1]`.
pub fn location(node: Node<'_, '_>) -> String {
    let mut parts: Vec<String> = node
        .ancestors()
        .filter(Node::is_element)
        .map(|n| {
            let name = n.tag_name();
            let prefix = name
                .namespace()
                .and_then(|ns| n.lookup_prefix(ns))
                .filter(|p| !p.is_empty());
            let qualified = match prefix {
                Some(p) => format!("{p}:{}", name.name()),
                None => name.name().to_owned(),
            };
            let index = n
                .prev_siblings()
                .filter(|s| s.is_element() && s.tag_name() == name)
                .count();
            if n.parent().is_some_and(|p| p.is_root()) {
                format!("/{qualified}")
            } else {
                format!("/{qualified}[{index}]")
            }
        })
        .collect();
    parts.reverse();
    parts.concat()
}

impl Pattern {
    fn new(id: String, rules: Vec<Rule>, names: &ContextNames) -> Pattern {
        let mut by_local: Vec<(u32, Vec<usize>)> = Vec::new();
        let mut any_name = Vec::new();
        let (mut suffixes, mut everything) = (Vec::new(), false);
        for (index, rule) in rules.iter().enumerate() {
            for path in &rule.context {
                match path.last_local() {
                    Some(local) => match by_local.iter_mut().find(|(l, _)| *l == local) {
                        Some((_, list)) if list.last() == Some(&index) => {}
                        Some((_, list)) => list.push(index),
                        None => by_local.push((local, vec![index])),
                    },
                    // a last step that matches no element (`text()`) makes no candidate
                    None if path.matches_no_element() => {}
                    None => {
                        if any_name.last() != Some(&index) {
                            any_name.push(index);
                        }
                        match path.name_suffix() {
                            Some(suffix) if !suffixes.iter().any(|known| known == suffix) => {
                                suffixes.push(suffix.to_owned())
                            }
                            Some(_) => {}
                            None => everything = true,
                        }
                    }
                }
            }
        }
        // the wildcard rules that can match each name, in their place in the priority order
        for (local, list) in &mut by_local {
            let name = names.local_name(*local);
            list.extend(
                any_name
                    .iter()
                    .copied()
                    .filter(|&i| rules[i].context.iter().any(|m| m.wildcard_accepts(name))),
            );
            list.sort_unstable();
            list.dedup();
        }
        let by_local = by_local
            .into_iter()
            .map(|(local, list)| {
                let name = names.local_name(local);
                let candidates = NameCandidates::new(&list, |i| parents_required(&rules[i], local, name));
                (local, candidates)
            })
            .collect();
        Pattern {
            id,
            rules,
            by_local,
            any_name: NameCandidates::anywhere(any_name),
            suffixes,
            everything,
        }
    }

    /// Fills `by_name` with, per local-name id of the document, the rules whose context can match an
    /// element of that name, in priority order (empty: no rule can, and such elements are not visited).
    /// Exact: a name no context's last step tests gets only the wildcard rules, and only when one of them
    /// accepts it (no required suffix, or one that ends the name); each rule's context is still matched
    /// in full.
    fn candidates_by_name<'s>(
        &'s self,
        doc: &Document<'_>,
        names: &DocNames,
        by_name: &mut Vec<Option<&'s NameCandidates>>,
    ) {
        let locals = doc.local_names();
        by_name.clear();
        by_name.resize(locals.len(), None);
        if !self.any_name.is_empty() {
            for (slot, local) in by_name.iter_mut().zip(locals) {
                if self.everything || self.suffixes.iter().any(|s| local.ends_with(s.as_str())) {
                    *slot = Some(&self.any_name);
                }
            }
        }
        for (local, list) in &self.by_local {
            if let Some(slot) = by_name.get_mut(names.locals[*local as usize] as usize) {
                *slot = Some(list);
            }
        }
    }
}

/// The parent names under which one of the rule's contexts may match an element of the local name
/// `local` (`name`): `None` when one may under any parent (no named step before its last, or a wildcard
/// last step that accepts the name).
fn parents_required(rule: &Rule, local: u32, name: &str) -> Option<Vec<u32>> {
    let mut parents = Vec::new();
    for path in &rule.context {
        match path.last_local() {
            Some(last) if last == local => parents.push(path.parent_local()?),
            None if !path.matches_no_element() && path.wildcard_accepts(name) => return None,
            _ => {}
        }
    }
    Some(parents)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Named contexts with and without predicates, a wildcard context with a required name suffix, and a
    /// pattern whose wildcard requires none.
    const SCHEMA: &str = r#"<schema xmlns="http://purl.oclc.org/dsdl/schematron">
      <ns prefix="p" uri="urn:p"/>
      <pattern id="named">
        <rule context="p:a[@k = '1']"><assert id="A1" test="false()">a1</assert></rule>
        <rule context="//*[ends-with(name(), 'Amount')]"><assert id="AMT" test="false()">amount</assert></rule>
        <rule context="p:a"><assert id="A" test="false()">a</assert></rule>
        <rule context="/p:r/p:b/p:c"><assert id="C" test="false()">c</assert></rule>
      </pattern>
      <pattern id="everything">
        <rule context="*"><assert id="ANY" test="false()">any</assert></rule>
      </pattern>
    </schema>"#;

    const DOC: &str = r#"<p:r xmlns:p="urn:p" xmlns:q="urn:q"><p:a k="1"/><p:TaxAmount/><p:b><p:c/><q:a/><p:a/><q:c/></p:b><p:a k="2"><p:LineAmount/><p:Amounts/></p:a><p:other/></p:r>"#;

    fn fired(schema: &Schema, xml: &str) -> Vec<(String, String)> {
        let doc = Document::parse(xml).unwrap();
        schema.run(&doc).into_iter().map(|f| (f.id, f.location)).collect()
    }

    /// The fired (id, location) pairs as string slices, to compare with a literal list.
    fn as_strs(fired: &[(String, String)]) -> Vec<(&str, &str)> {
        fired.iter().map(|(id, at)| (id.as_str(), at.as_str())).collect()
    }

    /// The schema with every pattern trying every rule, in order, on every element (no candidates by name),
    /// each context's predicates evaluated in full by the interpreter (no key tests, no compiled
    /// predicates), and every check evaluated on its own (no presence batches).
    fn visiting_everything(mut schema: Schema) -> Schema {
        for pattern in &mut schema.patterns {
            pattern.by_local.clear();
            pattern.any_name = NameCandidates::anywhere((0..pattern.rules.len()).collect());
            pattern.everything = true;
            for rule in &mut pattern.rules {
                rule.presence = None;
                rule.context = std::mem::take(&mut rule.context)
                    .into_iter()
                    .map(MatchPath::interpreted)
                    .collect();
            }
        }
        schema
    }

    /// What the schema (its text) fires on `xml`, checked to be what it fires trying every rule on every
    /// element with every context's predicates evaluated in full ([`visiting_everything`]).
    fn fired_as_visiting_everything(schema: &str, xml: &str) -> Vec<(String, String)> {
        let got = fired(&Schema::load("test", schema).unwrap(), xml);
        let reference = visiting_everything(Schema::load("test", schema).unwrap());
        assert_eq!(got, fired(&reference, xml));
        got
    }

    #[test]
    fn patterns_visit_only_the_elements_their_contexts_can_match_with_the_same_verdicts() {
        let schema = Schema::load("test", SCHEMA).unwrap();
        assert!(!schema.patterns[0].everything);
        assert_eq!(schema.patterns[0].suffixes, ["Amount"]);
        assert!(schema.patterns[1].everything);
        let by_name = fired_as_visiting_everything(SCHEMA, DOC);
        let expected_named = [
            ("A1", "/p:r/p:a[1]"),
            ("AMT", "/p:r/p:TaxAmount[1]"),
            ("C", "/p:r/p:b[1]/p:c[1]"),
            ("A", "/p:r/p:b[1]/p:a[1]"),
            ("A", "/p:r/p:a[2]"),
            ("AMT", "/p:r/p:a[2]/p:LineAmount[1]"),
        ];
        let named: Vec<(&str, &str)> = as_strs(&by_name)
            .into_iter()
            .filter(|(id, _)| *id != "ANY")
            .collect();
        assert_eq!(named, expected_named);
        let everything: Vec<_> = by_name.iter().filter(|(id, _)| id == "ANY").collect();
        assert_eq!(everything.len(), 12, "every element once: {everything:?}");
    }

    #[test]
    fn candidates_narrowed_by_the_parents_name_give_the_same_verdicts() {
        // one last name under several parents, through `/`, `//`, a union and a wildcard parent step
        let schema = r#"<schema xmlns="http://purl.oclc.org/dsdl/schematron">
          <ns prefix="p" uri="urn:p"/>
          <pattern id="ids">
            <rule context="p:a/p:id"><assert id="A" test="false()">a</assert></rule>
            <rule context="p:b/p:id | p:c/p:id"><assert id="BC" test="false()">bc</assert></rule>
            <rule context="p:d//p:id"><assert id="D" test="false()">d</assert></rule>
            <rule context="*/p:id"><assert id="ANY" test="false()">any</assert></rule>
            <rule context="p:id"><assert id="ID" test="false()">id</assert></rule>
          </pattern>
        </schema>"#;
        let xml = r#"<p:id xmlns:p="urn:p"><p:a><p:id/></p:a><p:b><p:id/></p:b><p:c><p:id/></p:c>
          <p:d><p:e><p:id/></p:e></p:d><p:e><p:id/></p:e><p:a><p:x><p:id/></p:x></p:a></p:id>"#;
        let fired = fired_as_visiting_everything(schema, xml);
        assert_eq!(
            as_strs(&fired),
            [
                ("ID", "/p:id"),
                ("A", "/p:id/p:a[1]/p:id[1]"),
                ("BC", "/p:id/p:b[1]/p:id[1]"),
                ("BC", "/p:id/p:c[1]/p:id[1]"),
                ("D", "/p:id/p:d[1]/p:e[1]/p:id[1]"),
                ("ANY", "/p:id/p:e[1]/p:id[1]"),
                ("ANY", "/p:id/p:a[2]/p:x[1]/p:id[1]"),
            ]
        );
    }

    #[test]
    fn candidates_whose_key_is_not_the_literal_are_rejected_with_the_same_verdicts() {
        // contexts that differ in the literal their key must equal, as the VAT-category rules do
        let schema = r#"<schema xmlns="http://purl.oclc.org/dsdl/schematron">
          <ns prefix="p" uri="urn:p"/>
          <pattern id="categories">
            <rule context="p:cat[count(p:id) = '2']"><assert id="N" test="false()">n</assert></rule>
            <rule context="p:cat[normalize-space(p:id) = 'S'][@scheme = 'VAT']"><assert id="S" test="false()">s</assert></rule>
            <rule context="p:cat[normalize-space(p:id) = 'Z']"><assert id="Z" test="false()">z</assert></rule>
            <rule context="p:cat['E' = p:code]"><assert id="E" test="false()">e</assert></rule>
            <rule context="p:cat[p:id = 'K']"><assert id="K" test="false()">k</assert></rule>
            <rule context="p:cat"><assert id="OTHER" test="false()">other</assert></rule>
          </pattern>
        </schema>"#;
        let keyed = Schema::load("test", schema).unwrap();
        // count(p:id), normalize-space(p:id), p:code and p:id: four keys, the second shared by two rules
        // (a count is a number: comparing it with a string is an error on every element, so no match)
        assert_eq!(keyed.names.key_count(), 4);
        let xml = r#"<p:r xmlns:p="urn:p">
          <p:cat scheme="VAT"><p:id> S </p:id></p:cat>
          <p:cat scheme="other"><p:id>S</p:id></p:cat>
          <p:cat><p:id>Z</p:id><p:id>Z</p:id></p:cat>
          <p:cat><p:code>A</p:code><p:code>E</p:code></p:cat>
          <p:cat><p:id>K</p:id></p:cat>
          <p:cat><p:id>Z</p:id></p:cat>
        </p:r>"#;
        let got = fired_as_visiting_everything(schema, xml);
        let expected = [
            ("S", "/p:r/p:cat[1]"),
            // the key equals 'S', another predicate does not hold: the next candidates are tried
            ("OTHER", "/p:r/p:cat[2]"),
            // normalize-space of two ids is an error: no match (as in XSLT), whatever the key
            ("OTHER", "/p:r/p:cat[3]"),
            // a general comparison: one of the codes equals the literal
            ("E", "/p:r/p:cat[4]"),
            ("K", "/p:r/p:cat[5]"),
            ("Z", "/p:r/p:cat[6]"),
        ];
        assert_eq!(as_strs(&got), expected);
    }

    #[test]
    fn name_suffix_tests_are_decided_on_the_local_name_and_leave_the_rest_of_the_predicate() {
        let schema = r#"<schema xmlns="http://purl.oclc.org/dsdl/schematron">
          <ns prefix="p" uri="urn:p"/>
          <pattern id="amounts">
            <rule context="//*[ends-with(name(), 'Amount') and not(ends-with(name(),'PriceAmount')) and not(ancestor::p:Price/p:Charge)]"><assert id="AMT" test="false()">a</assert></rule>
            <rule context="//*[ends-with(name(), 'ID')]"><assert id="ID" test="false()">i</assert></rule>
          </pattern>
        </schema>"#;
        let schema = Schema::load("test", schema).unwrap();
        let rules = &schema.patterns[0].rules;
        // the name tests left the predicates: the ancestor test alone stays, the ID rule has none
        let amount_step = &rules[0].context[0].steps.last().unwrap().1;
        assert_eq!(amount_step.predicates.len(), 1);
        assert!(matches!(amount_step.predicates[0].bare(), Expr::Call(_, _)));
        assert!(rules[1].context[0].steps.last().unwrap().1.predicates.is_empty());
        let xml = r#"<p:r xmlns:p="urn:p" xmlns:q="urn:q" xmlns="urn:d">
          <p:TaxAmount/><q:LineAmount/><Amount/><p:PriceAmount/><p:Amounts/>
          <p:Price><p:BaseAmount/><p:Charge/></p:Price><p:Price><p:BaseAmount/></p:Price>
          <p:ID/><q:PartyID/><p:IDs/><p:Amount.ID/>
        </p:r>"#;
        let got = fired(&schema, xml);
        assert_eq!(
            as_strs(&got),
            [
                ("AMT", "/p:r/p:TaxAmount[1]"),
                ("AMT", "/p:r/q:LineAmount[1]"),
                ("AMT", "/p:r/Amount[1]"),
                // under a Price with a Charge: the rest of the predicate is false
                ("AMT", "/p:r/p:Price[2]/p:BaseAmount[1]"),
                ("ID", "/p:r/p:ID[1]"),
                ("ID", "/p:r/q:PartyID[1]"),
                ("ID", "/p:r/p:Amount.ID[1]"),
            ]
        );
    }

    #[test]
    fn names_are_confirmed_again_with_the_predicates_only_where_an_ancestry_fits_in_several_ways() {
        let schema = r#"<schema xmlns="http://purl.oclc.org/dsdl/schematron">
          <ns prefix="p" uri="urn:p"/>
          <ns prefix="q" uri="urn:q"/>
          <pattern id="chains">
            <rule context="p:x[@k = '1']//p:a"><assert id="DESC" test="false()">d</assert></rule>
            <rule context="q:x[@k = '1']/p:a"><assert id="CHILD" test="false()">c</assert></rule>
          </pattern>
        </schema>"#;
        let schema = Schema::load("test", schema).unwrap();
        let rules = &schema.patterns[0].rules;
        assert!(!rules[0].context[0].one_chain);
        assert!(rules[1].context[0].one_chain);
        // the first a has a p:x ancestor (k = 2) and a q:x one (k = 1): only CHILD's context fits it
        let xml = r#"<p:r xmlns:p="urn:p" xmlns:q="urn:q"><p:x k="2"><q:x k="1"><p:a/></q:x></p:x><p:x k="1"><p:y><p:a/></p:y></p:x></p:r>"#;
        assert_eq!(
            fired(&schema, xml),
            [
                ("CHILD".to_owned(), "/p:r/p:x[1]/q:x[1]/p:a[1]".to_owned()),
                ("DESC".to_owned(), "/p:r/p:x[2]/p:y[1]/p:a[1]".to_owned()),
            ]
        );
    }

    #[test]
    fn the_official_rules_fire_the_same_on_real_invoices_by_name_as_on_every_element() {
        let corpora = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/en16931");
        let mut checked = 0;
        for (dir, schema) in [("ubl/examples", "UBL"), ("cii/examples", "CII")] {
            let source = format!("assets/en16931/EN16931-{schema}-validation-preprocessed.sch");
            let text =
                std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(&source))
                    .unwrap();
            let by_name = Schema::load(&source, &text).unwrap();
            let everything = visiting_everything(Schema::load(&source, &text).unwrap());
            let mut files: Vec<_> = std::fs::read_dir(corpora.join(dir))
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("xml")))
                .collect();
            files.sort();
            for file in files.iter().take(12) {
                let xml = std::fs::read_to_string(file).unwrap();
                let xml = xml.strip_prefix('\u{feff}').unwrap_or(&xml);
                let Ok(doc) = Document::parse(xml) else {
                    continue;
                };
                let ours: Vec<_> = by_name
                    .run(&doc)
                    .into_iter()
                    .map(|f| (f.id, f.location))
                    .collect();
                let all: Vec<_> = everything
                    .run(&doc)
                    .into_iter()
                    .map(|f| (f.id, f.location))
                    .collect();
                assert_eq!(ours, all, "{}", file.display());
                checked += 1;
            }
        }
        assert!(checked >= 12, "{checked} files checked");
    }
    #[test]
    fn constant_lets_have_the_values_evaluating_every_let_on_the_document_gives() {
        let corpora = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
        let dir = corpora.join("xrechnung-testsuite/src/test/technical-cases/cius");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "xml"))
            .collect();
        files.sort();
        let mut checked = 0;
        for syntax in [super::super::Syntax::Ubl, super::super::Syntax::Cii] {
            let schema = super::super::xrechnung::schema(syntax).unwrap();
            let constant = |name: &str| {
                let at = schema.lets.iter().position(|(n, _)| n == name).unwrap();
                schema.constants[at].is_some()
            };
            // literals and what is computed from them only; not what reads the document
            assert!(constant("xr-cius-id") && constant("xr-extension-id") && constant("eas-codes"));
            assert!(!constant("bt-24") && !constant("is-extension") && !constant("is-cvd"));
            for file in &files {
                let xml = std::fs::read_to_string(file).unwrap();
                let doc = Document::parse(&xml).unwrap();
                if super::super::Syntax::of(&doc) != Some(syntax) {
                    continue;
                }
                let index = DocIndex::new(&doc);
                let (mut fast, mut reference) = (Globals::default(), Globals::default());
                let fast_errors = schema.bind_schema_lets(doc.root(), &index, &mut fast, true);
                let reference_errors = schema.bind_schema_lets(doc.root(), &index, &mut reference, false);
                assert_eq!(fast_errors, reference_errors, "{}", file.display());
                let sorted = |globals: &Globals<'_, '_>| {
                    let mut all: Vec<String> = globals.iter().map(|(k, v)| format!("{k} = {v:?}")).collect();
                    all.sort();
                    all
                };
                assert_eq!(sorted(&fast), sorted(&reference), "{}", file.display());
                checked += 1;
            }
        }
        assert!(checked >= 4, "{checked} documents checked");
    }

    #[test]
    fn a_let_is_constant_only_when_nothing_in_it_reads_the_document() {
        let parse = |text: &str| {
            let namespaces = HashMap::from([("p".to_owned(), "urn:p".to_owned())]);
            parse(text, &namespaces).unwrap()
        };
        for constant in [
            "'a'",
            "concat($c, 'b')",
            "('x', 'y')",
            "upper-case('a') = 'A'",
            "if (true()) then 1 else 2",
            "every $x in (1, 2) satisfies $x > 0",
        ] {
            assert!(is_constant(&parse(constant), &["c"]), "{constant}");
        }
        for varies in [
            "p:a",
            "/p:a",
            ".",
            "normalize-space()",
            "string()",
            "name()",
            "position()",
            "last()",
            "concat($d, 'b')",
            "every $x in p:a satisfies $x > 0",
            "('x', p:a)",
        ] {
            assert!(!is_constant(&parse(varies), &["c"]), "{varies}");
        }
    }
}
