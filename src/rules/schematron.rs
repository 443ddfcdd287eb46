//! A Schematron engine for the official artefacts: loads a (preprocessed) schema — namespaces, `let`s,
//! patterns, rules in order, asserts and reports with their `id`, `flag` and message — and runs it over a
//! document the way the compiled XSLT does: every element is visited in document order, and within a
//! pattern only the first rule whose context matches the element fires.

use std::collections::HashMap;

use super::tree::{Document, Node};

use super::xpath::ast::{Axis, AxisStep, Expr, Function, NodeTest, PathStart, PathStep};
use super::xpath::compile::{Share, Test};
use super::xpath::index::{name_hash, DocIndex, NameMap};
use super::xpath::share::{Memo, Sharer};
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
}

/// One `pattern`: rules in priority order, indexed by the local name their context can match.
#[derive(Debug)]
pub struct Pattern {
    pub id: String,
    pub rules: Vec<Rule>,
    /// Rules whose context can match an element of this local name (wildcard rules included), in order,
    /// keyed by the local name's [`name_hash`] without namespace (a collision only adds candidates, which
    /// their context match then rejects).
    by_name: NameMap<u64, Vec<usize>>,
    /// Rules whose context can match any element name, in order.
    any_name: Vec<usize>,
    /// The elements some rule's context can match, by local name.
    reach: Reach,
}

/// Which elements a pattern's rule contexts can match, decided by local name alone.
#[derive(Debug)]
enum Reach {
    /// Elements with one of these local names (the last steps' name tests), or whose local name ends with
    /// one of the suffixes (the wildcard contexts' `ends-with(name(), '…')`).
    Names {
        /// Each local name with its [`name_hash`] without namespace.
        names: Vec<(String, u64)>,
        suffixes: Vec<String>,
    },
    /// Any element: a wildcard context requires no name suffix.
    Everything,
}

/// A loaded schema.
#[derive(Debug)]
pub struct Schema {
    pub patterns: Vec<Pattern>,
    lets: Vec<(String, Expr)>,
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

/// A context pattern alternative: steps from the outermost to the matched element.
#[derive(Debug)]
struct MatchPath {
    /// Starts with `/` (not `//`): the first step must be a child of the document node.
    anchored: bool,
    /// Each step with whether it is reached through `//` (any ancestor) instead of `/` (the parent).
    steps: Vec<(bool, AxisStep)>,
    /// A suffix the matched element's local name must have, when the last step's first predicate says so
    /// (`//*[ends-with(name(), 'Amount') and …]`): other elements are rejected without evaluating anything.
    name_suffix: Option<String>,
    /// No step after the first is reached through `//`: an element's ancestry fits the path in one way
    /// only (each step is the ancestor at a fixed distance), so once the names have matched along it, the
    /// predicates are evaluated on the same elements without confirming their names again.
    one_chain: bool,
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
        let mut patterns = Vec::new();
        for pattern in root.children().filter(|n| is(n, "pattern")) {
            let mut rules = Vec::new();
            for rule in pattern.children().filter(|n| is(n, "rule")) {
                let context_text = rule.attribute("context").unwrap_or_default().to_owned();
                let context = match_paths(&compile("rule context", &context_text)?)
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
                    checks,
                });
            }
            patterns.push(Pattern::new(
                pattern.attribute("id").unwrap_or_default().to_owned(),
                rules,
            ));
        }
        let mut schema = Schema {
            patterns,
            lets: lets_of(root)?,
            shared: 0,
        };
        schema.share_subexpressions();
        Ok(schema)
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
        *costs.entry("(document index)".to_owned()).or_default() += start.elapsed();
        self.run_observed(doc, &index, Some(costs))
    }

    fn run_observed<'a, 'i>(
        &self,
        doc: &'a Document<'i>,
        index: &DocIndex<'a, 'i>,
        mut costs: Option<&mut HashMap<String, std::time::Duration>>,
    ) -> Vec<Fired> {
        let root = doc.root();
        let mut globals = Globals::new();
        let mut errors = Vec::new();
        let focus = Focus::of(Item::Node(root));
        for (name, expr) in &self.lets {
            // later lets may use earlier ones
            let value = Evaluator::new(root, &globals, Some(index)).eval(expr, &focus);
            match value {
                Ok(value) => {
                    globals.insert(name.clone(), value);
                }
                Err(e) => errors.push(format!("${name}: {e}")),
            }
        }
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
        let mut reached = Vec::new();
        for pattern in &self.patterns {
            // the elements some rule of the pattern can match, in document order, each with its candidate
            // rules (those whose context can match its local name)
            pattern.reached(index, &mut reached);
            for &(node, candidates) in &reached {
                let start = costs.is_some().then(std::time::Instant::now);
                let rule = candidates
                    .iter()
                    .map(|&i| &pattern.rules[i])
                    .find(|rule| rule.context.iter().any(|m| m.matches(&mut ev, node)));
                if let (Some(costs), Some(start)) = (costs.as_deref_mut(), start) {
                    *costs.entry("(rule contexts)".to_owned()).or_default() += start.elapsed();
                }
                if let Some(rule) = rule {
                    run_rule(
                        rule,
                        node,
                        (&globals, index, &memo),
                        &mut fired,
                        costs.as_deref_mut(),
                    );
                }
            }
        }
        fired
    }
}

/// What a rule's checks are evaluated with on one document: the schema's variables, the document's
/// index, and the values of shared sub-expressions.
type DocState<'s, 'a, 'i> = (&'s Globals<'a, 'i>, &'s DocIndex<'a, 'i>, &'s Memo<'a, 'i>);

fn run_rule<'a, 'i>(
    rule: &'a Rule,
    node: Node<'a, 'i>,
    (globals, index, memo): DocState<'_, 'a, 'i>,
    fired: &mut Vec<Fired>,
    mut costs: Option<&mut HashMap<String, std::time::Duration>>,
) {
    let focus = Focus::of(Item::Node(node));
    let root = node.document().root();
    let scoped;
    let globals = if rule.lets.is_empty() {
        globals
    } else {
        let mut with_lets = globals.clone();
        for (name, expr) in &rule.lets {
            let value = Evaluator::new(root, &with_lets, Some(index))
                .eval(expr, &focus)
                .unwrap_or_default();
            with_lets.insert(name.clone(), value);
        }
        scoped = with_lets;
        &scoped
    };
    let mut ev = Evaluator::new(root, globals, Some(index)).with_memo(memo);
    for check in &rule.checks {
        let start = costs.is_some().then(std::time::Instant::now);
        let outcome = check.compiled.holds(&mut ev, &focus);
        ev.vars.clear();
        if let (Some(costs), Some(start)) = (costs.as_deref_mut(), start) {
            *costs.entry(check.id.clone()).or_default() += start.elapsed();
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
    fn new(id: String, rules: Vec<Rule>) -> Pattern {
        let mut by_name: NameMap<u64, Vec<usize>> = NameMap::default();
        let mut any_name = Vec::new();
        let (mut names, mut suffixes, mut everything) = (Vec::new(), Vec::new(), false);
        for (index, rule) in rules.iter().enumerate() {
            for path in &rule.context {
                match path.steps.last().map(|(_, s)| &s.test) {
                    Some(NodeTest::Name(_, local, _)) => {
                        let entry = by_name.entry(name_hash(None, local)).or_default();
                        if entry.last() != Some(&index) {
                            entry.push(index);
                        }
                        if !names.iter().any(|(name, _)| name == local) {
                            names.push((local.clone(), name_hash(None, local)));
                        }
                    }
                    _ => {
                        if any_name.last() != Some(&index) {
                            any_name.push(index);
                        }
                        match &path.name_suffix {
                            Some(suffix) if !suffixes.contains(suffix) => suffixes.push(suffix.clone()),
                            Some(_) => {}
                            None => everything = true,
                        }
                    }
                }
            }
        }
        let reach = if everything {
            Reach::Everything
        } else {
            Reach::Names { names, suffixes }
        };
        // wildcard rules apply to every name, in their place in the priority order
        for list in by_name.values_mut() {
            list.extend(any_name.iter().copied());
            list.sort_unstable();
            list.dedup();
        }
        Pattern {
            id,
            rules,
            by_name,
            any_name,
            reach,
        }
    }

    /// The rules whose context can match an element of this local name, in priority order.
    fn candidates(&self, local_hash: u64) -> &[usize] {
        self.by_name.get(&local_hash).unwrap_or(&self.any_name)
    }

    /// Fills `reached` with the elements of the document that some rule of the pattern can match, in
    /// document order, each with its [`Pattern::candidates`]: from the index's elements by local name
    /// (the names the contexts test, and the names ending with a wildcard context's required suffix)
    /// instead of every element. Exact: an element left out has a local name that no context's last step
    /// accepts (a name test confirms the name, a wildcard context rejects it by its suffix), so no rule
    /// would match it.
    fn reached<'s, 'a, 'i>(
        &'s self,
        index: &DocIndex<'a, 'i>,
        reached: &mut Vec<(Node<'a, 'i>, &'s [usize])>,
    ) {
        reached.clear();
        match &self.reach {
            Reach::Everything => reached.extend(
                index
                    .elements()
                    .iter()
                    .map(|&(node, local_hash)| (node, self.candidates(local_hash))),
            ),
            Reach::Names { names, suffixes } => {
                let mut groups = 0;
                for (local, hash) in names {
                    let elements = index.elements_named(*hash, local);
                    if !elements.is_empty() {
                        let candidates = self.candidates(*hash);
                        reached.extend(elements.iter().map(|&node| (node, candidates)));
                        groups += 1;
                    }
                }
                if !suffixes.is_empty() {
                    for (local, elements) in index.elements_by_local_name() {
                        if !suffixes.iter().any(|s| local.ends_with(s.as_str())) {
                            continue;
                        }
                        let hash = name_hash(None, local);
                        // a name a context tests by name is there already
                        if self.by_name.contains_key(&hash) && names.iter().any(|(name, _)| name == local) {
                            continue;
                        }
                        reached.extend(elements.iter().map(|&node| (node, self.candidates(hash))));
                        groups += 1;
                    }
                }
                if groups > 1 {
                    reached.sort_unstable_by_key(|(node, _)| node.id().get());
                }
            }
        }
    }
}

/// Turns a rule context (a union of paths) into match paths.
fn match_paths(expr: &Expr) -> Result<Vec<MatchPath>, String> {
    match expr {
        Expr::Union(a, b) => {
            let mut paths = match_paths(a)?;
            paths.extend(match_paths(b)?);
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
            let name_suffix = out
                .last()
                .and_then(|(_, step)| step.predicates.first())
                .and_then(required_name_suffix);
            let one_chain = !out.iter().skip(1).any(|(descendant, _)| *descendant);
            Ok(vec![MatchPath {
                anchored,
                steps: out,
                name_suffix,
                one_chain,
            }])
        }
        _ => Err("a context must be a path".to_owned()),
    }
}

/// The suffix `ends-with(name(), 'suffix')` requires of the context element's name, when a predicate is that
/// call or a conjunction that starts with it. The suffix has no `:`, so it can only match inside the local
/// name, whatever prefix the document uses.
fn required_name_suffix(predicate: &Expr) -> Option<String> {
    match predicate {
        Expr::And(first, _) => required_name_suffix(first),
        Expr::Call(Function::EndsWith, args) => match args.as_slice() {
            [Expr::Call(Function::Name, name_args), Expr::Str(suffix)]
                if name_args.is_empty() && !suffix.contains(':') =>
            {
                Some(suffix.clone())
            }
            _ => None,
        },
        _ => None,
    }
}

impl MatchPath {
    fn matches<'a, 'i>(&'a self, ev: &mut Evaluator<'a, 'i, '_>, node: Node<'a, 'i>) -> bool {
        let last = self.steps.len() - 1;
        if let Some(suffix) = &self.name_suffix {
            if !node.tag_name().name().ends_with(suffix.as_str()) {
                return false;
            }
        }
        // the names along the path are a necessary condition and cost no evaluation: predicates (which
        // build values) are only evaluated on elements whose ancestry already fits
        let index = ev.index;
        if !self.walk(node, last, &mut |n, step| {
            n.is_element() && super::xpath::eval::node_matches_in(index, n, &step.test)
        }) {
            return false;
        }
        if self.steps.iter().all(|(_, step)| step.predicates.is_empty()) {
            return true;
        }
        if self.one_chain {
            return self.walk(node, last, &mut |n, step| predicates_hold(ev, n, step));
        }
        self.walk(node, last, &mut |n, step| step_matches(ev, n, step))
    }

    /// Whether `node` passes step `index` by `step_test` and its ancestry passes the steps before it (a
    /// parent for `/`, some ancestor for `//`), down to the anchor. The same walk serves the name-only
    /// test and the full test with predicates.
    fn walk<'a, 'i, F>(&'a self, node: Node<'a, 'i>, index: usize, step_test: &mut F) -> bool
    where
        F: FnMut(Node<'a, 'i>, &'a AxisStep) -> bool,
    {
        let (through_descendants, step) = &self.steps[index];
        if !step_test(node, step) {
            return false;
        }
        if index == 0 {
            return !self.anchored || node.parent().is_some_and(|p| p.is_root());
        }
        if *through_descendants {
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

/// Whether the element passes a pattern step: its name test and predicates (a dynamic error in a pattern is
/// a non-match, as XSLT 3.0 specifies).
fn step_matches<'a, 'i>(ev: &mut Evaluator<'a, 'i, '_>, node: Node<'a, 'i>, step: &'a AxisStep) -> bool {
    if !super::xpath::eval::node_matches(node, &step.test) || !node.is_element() {
        return false;
    }
    predicates_hold(ev, node, step)
}

/// Whether the step's predicates hold on an element that passes its name test.
fn predicates_hold<'a, 'i>(ev: &mut Evaluator<'a, 'i, '_>, node: Node<'a, 'i>, step: &'a AxisStep) -> bool {
    if step.predicates.is_empty() {
        return true;
    }
    // the position among same-test siblings costs a sibling scan: only for predicates that may use it
    let positional = step.predicates.iter().any(super::xpath::parse::may_be_positional);
    let (position, size) = if positional {
        let same = |s: &Node<'_, '_>| super::xpath::eval::node_matches(*s, &step.test) && s.is_element();
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
    for predicate in &step.predicates {
        let holds = match predicate.bare() {
            // a comparison is never positional: its existential value, without a sequence for a literal
            Expr::General(..) => ev.boolean(predicate, &focus),
            _ => ev.eval(predicate, &focus).and_then(|v| match v.as_slice() {
                [Item::Atomic(super::xpath::value::Atomic::Decimal(n))] => {
                    Ok(rust_decimal::Decimal::from(position) == *n)
                }
                _ => super::xpath::eval::effective_boolean(&v),
            }),
        };
        ev.vars.clear();
        if !matches!(holds, Ok(true)) {
            return false;
        }
    }
    true
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

    /// The schema with every pattern visiting every element, as before the walk by name.
    fn visiting_everything(mut schema: Schema) -> Schema {
        for pattern in &mut schema.patterns {
            pattern.reach = Reach::Everything;
        }
        schema
    }

    #[test]
    fn patterns_visit_only_the_elements_their_contexts_can_match_with_the_same_verdicts() {
        let schema = Schema::load("test", SCHEMA).unwrap();
        assert!(matches!(schema.patterns[0].reach, Reach::Names { .. }));
        assert!(matches!(schema.patterns[1].reach, Reach::Everything));
        let by_name = fired(&schema, DOC);
        let expected_named = [
            ("A1", "/p:r/p:a[1]"),
            ("AMT", "/p:r/p:TaxAmount[1]"),
            ("C", "/p:r/p:b[1]/p:c[1]"),
            ("A", "/p:r/p:b[1]/p:a[1]"),
            ("A", "/p:r/p:a[2]"),
            ("AMT", "/p:r/p:a[2]/p:LineAmount[1]"),
        ];
        let named: Vec<(&str, &str)> = by_name
            .iter()
            .filter(|(id, _)| id != "ANY")
            .map(|(id, at)| (id.as_str(), at.as_str()))
            .collect();
        assert_eq!(named, expected_named);
        let everything: Vec<_> = by_name.iter().filter(|(id, _)| id == "ANY").collect();
        assert_eq!(everything.len(), 12, "every element once: {everything:?}");
        let reference = visiting_everything(Schema::load("test", SCHEMA).unwrap());
        assert_eq!(by_name, fired(&reference, DOC));
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
}
