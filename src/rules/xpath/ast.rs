//! The syntax tree of the XPath 2.0 subset the official Schematron artefacts use. Names are resolved to
//! namespace URIs when parsing, so evaluation never looks at prefixes.

use rust_decimal::Decimal;

/// One XPath expression.
#[derive(Debug, Clone)]
pub enum Expr {
    /// A string literal.
    Str(String),
    /// A numeric literal (integer or decimal; both are exact decimals here).
    Num(Decimal),
    /// A double literal (`1e3`).
    Double(f64),
    /// A variable bound by `every`/`some`, by its slot on the variable stack.
    Var(usize),
    /// A variable bound outside the expression (a Schematron `let`), by name.
    Global(String),
    /// `.`
    ContextItem,
    /// A path: where it starts and the steps after it.
    Path(PathStart, Vec<PathStep>),
    /// A primary expression with predicates: `(a|b)[1]`.
    Filter(Box<Expr>, Vec<Expr>),
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    /// `=`, `!=`, `<`… over sequences.
    General(CmpOp, Box<Expr>, Box<Expr>),
    /// `eq`, `ne`, `lt`… over single values.
    Value(CmpOp, Box<Expr>, Box<Expr>),
    Arith(ArithOp, Box<Expr>, Box<Expr>),
    Negate(Box<Expr>),
    Union(Box<Expr>, Box<Expr>),
    /// A sequence `(a, b)`.
    Sequence(Vec<Expr>),
    Call(Function, Vec<Expr>),
    /// `every $x in S satisfies C` (`every` = true) or `some …`.
    Quantified {
        every: bool,
        slot: usize,
        domain: Box<Expr>,
        condition: Box<Expr>,
    },
    /// `E cast as T` (`?` allows the empty sequence).
    Cast(Box<Expr>, CastType, bool),
    /// `if (C) then A else B`
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// Not XPath syntax: a sub-expression that occurs more than once in a schema and depends on nothing but
    /// the document and the context item, with its id in the schema (see [`super::share`]): evaluated once
    /// per document and context item, its value (or error) then reused.
    Shared {
        id: u32,
        /// Whether the value may depend on the context item (else one value per document).
        uses_focus: bool,
        inner: Box<Expr>,
    },
    /// Not XPath syntax: a step's first predicate `key = 'literal'` where the schema compares the same key
    /// of the same step's nodes with several literals (the VAT-category rules' `[normalize-space(cbc:ID) =
    /// 'S']`, `… = 'AE'` …): its value is the general comparison's, but a path step answers it from the
    /// step's nodes grouped by key once per input node (see [`super::keyed`]).
    KeyEq(Box<KeyEq>),
    /// Not XPath syntax: a predicate compiled the way a check's test is ([`super::compile::Test`]), when its
    /// value can only be a boolean or nodes: its value is the predicate's effective boolean value. Made
    /// when a schema loads, after the sharing ([`super::compile::compile_predicates`]); walkers see the
    /// predicate as written (`source`).
    Compiled(Box<CompiledPredicate>),
}

/// A predicate and its compiled test ([`Expr::Compiled`]).
#[derive(Debug, Clone)]
pub struct CompiledPredicate {
    pub test: super::compile::Test,
    pub source: Expr,
}

/// A predicate `key = 'literal'` ([`Expr::KeyEq`]).
#[derive(Debug, Clone)]
pub struct KeyEq {
    /// The left operand, evaluated on each of the step's nodes.
    pub key: Expr,
    /// The right operand, always an [`Expr::Str`].
    pub literal: Expr,
    /// Which grouping answers it: a fingerprint of the step's axis and node test and of the key (equal for
    /// every occurrence of the same step and key, whatever the literal).
    pub group: (u64, u64),
    /// Set when this is the only predicate of a path's last step and the path before it has steps of its
    /// own: the grouping of the whole path's nodes (this predicate left out) by the key, which answers
    /// the path with one look-up instead of one per input node ([`super::keyed`]).
    pub path_group: Option<PathGroup>,
}

/// Which grouping answers a whole path ending in a keyed step ([`KeyEq::path_group`]).
#[derive(Debug, Clone, Copy)]
pub struct PathGroup {
    /// A fingerprint of the path without the keyed predicate and of the key: equal for every occurrence
    /// of the same path and key, whatever the literal.
    pub fingerprint: (u64, u64),
    /// Whether the path's nodes depend on the context item (a relative path), so that they are kept per
    /// context node.
    pub uses_focus: bool,
}

impl KeyEq {
    /// The literal compared with.
    pub fn literal(&self) -> &str {
        match &self.literal {
            Expr::Str(text) => text,
            _ => "",
        }
    }
}

impl Expr {
    /// The expression without a [`Expr::Shared`] wrapper: what the evaluator's shortcuts look at (a
    /// shortcut taken through the wrapper gives the same value, only without the reuse).
    pub fn bare(&self) -> &Expr {
        match self {
            Expr::Shared { inner, .. } => inner.bare(),
            other => other,
        }
    }

    /// [`Expr::bare`], to change the expression under the sharing's wrapper.
    pub fn bare_mut(&mut self) -> &mut Expr {
        match self {
            Expr::Shared { inner, .. } => inner.bare_mut(),
            other => other,
        }
    }
}

/// Where a path starts.
#[derive(Debug, Clone)]
pub enum PathStart {
    /// `/…`: the document node.
    Root,
    /// A relative path: the context item.
    Context,
    /// A primary expression followed by `/`.
    Expr(Box<Expr>),
}

/// One step of a path.
#[derive(Debug, Clone)]
pub enum PathStep {
    Axis(AxisStep),
    /// An expression used as a step (`…/xs:decimal(.)`), evaluated once per context item.
    Expr(Expr, Vec<Expr>),
}

/// `axis::test[pred]…`
#[derive(Debug, Clone)]
pub struct AxisStep {
    pub axis: Axis,
    pub test: NodeTest,
    pub predicates: Vec<Expr>,
    /// What the predicates need to know of a node's position, worked out once ([`AxisStep::new`]).
    pub position: PositionUse,
}

impl AxisStep {
    pub fn new(axis: Axis, test: NodeTest, predicates: Vec<Expr>) -> AxisStep {
        let position = PositionUse::of(&predicates);
        AxisStep {
            axis,
            test,
            predicates,
            position,
        }
    }
}

/// What a step's predicates need to know of the position of the node they test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PositionUse {
    /// Nothing: no predicate may be a number or reads `position()` / `last()`.
    None,
    /// The position, which can be counted as the nodes go by (`[2]`, `[position() > 1]`).
    Counted,
    /// The size of the whole sequence too (`last()`).
    Size,
}

impl PositionUse {
    fn of(predicates: &[Expr]) -> PositionUse {
        use super::parse::{calls, may_be_positional};
        if predicates
            .iter()
            .any(|p| calls(p, &|f| matches!(f, Function::Last)))
        {
            PositionUse::Size
        } else if predicates.iter().any(may_be_positional) {
            PositionUse::Counted
        } else {
            PositionUse::None
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    Child,
    Descendant,
    DescendantOrSelf,
    Attribute,
    SelfAxis,
    Parent,
    Ancestor,
    AncestorOrSelf,
    Preceding,
    PrecedingSibling,
    Following,
    FollowingSibling,
    /// Not XPath syntax: what `//@name` means (the attributes of every descendant-or-self element), made
    /// by the parser so that it is one index lookup instead of a walk.
    DescendantOrSelfAttribute,
}

impl Axis {
    /// Reverse axes number their nodes from the context outwards.
    pub fn is_reverse(self) -> bool {
        matches!(
            self,
            Axis::Parent | Axis::Ancestor | Axis::AncestorOrSelf | Axis::Preceding | Axis::PrecedingSibling
        )
    }
}

/// A name test's [`super::index::name_hash`] (a quick reject before comparing names), and whether its
/// name holds that hash in the [`super::registry`]: then an element the document index found to have
/// the name holding its own hash has this name exactly when the hashes are equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameKey {
    pub hash: u64,
    pub registered: bool,
}

impl NameKey {
    /// The key of an expanded name, registered.
    pub fn of(namespace: Option<&str>, local: &str) -> Self {
        let hash = super::index::name_hash(namespace, local);
        Self {
            hash,
            registered: super::registry::register(namespace, local, hash),
        }
    }
}

/// What a step keeps of the nodes on its axis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeTest {
    /// An expanded name: namespace URI (`None` for no namespace), local name, and their key (hash).
    Name(Option<String>, String, NameKey),
    /// `prefix:*`
    Namespace(String),
    /// `*`: any element (or attribute on the attribute axis).
    AnyName,
    /// `node()`
    AnyNode,
    /// `text()`
    Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
    IntDiv,
    Mod,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CastType {
    Boolean,
    Decimal,
    Double,
    Integer,
    String,
    Date,
}

/// The functions the engine implements; anything else is refused when the rules are loaded.
#[derive(Debug, Clone)]
pub enum Function {
    Not,
    True,
    False,
    Boolean,
    Exists,
    Empty,
    Count,
    Sum,
    Abs,
    Round,
    Floor,
    Ceiling,
    Number,
    String,
    NormalizeSpace,
    UpperCase,
    LowerCase,
    Contains,
    StartsWith,
    EndsWith,
    StringLength,
    Concat,
    Substring,
    SubstringBefore,
    SubstringAfter,
    Translate,
    /// `matches(s, pattern)` with the pattern compiled once when the rules load (when it is a literal).
    Matches(Option<Box<regex::Regex>>),
    /// `tokenize(s, pattern)`: the parts between the pattern's matches (used by the XRechnung rules); the
    /// pattern compiled once when the rules load (when it is a literal).
    Tokenize(Option<Box<regex::Regex>>),
    /// `replace(s, pattern, replacement)` (used by the XRechnung rules), compiled as `tokenize`.
    Replace(Option<Box<regex::Regex>>),
    LocalName,
    Name,
    DistinctValues,
    Position,
    Last,
    /// A constructor function `xs:T(…)`.
    Constructor(CastType),
}

impl Function {
    /// The function for a resolved name (`fn:` functions unprefixed, constructors as `xs:T`).
    pub fn from_name(name: &str) -> Option<Function> {
        Some(match name {
            "not" => Function::Not,
            "true" => Function::True,
            "false" => Function::False,
            "boolean" => Function::Boolean,
            "exists" => Function::Exists,
            "empty" => Function::Empty,
            "count" => Function::Count,
            "sum" => Function::Sum,
            "abs" => Function::Abs,
            "round" => Function::Round,
            "floor" => Function::Floor,
            "ceiling" => Function::Ceiling,
            "number" => Function::Number,
            "string" => Function::String,
            "normalize-space" => Function::NormalizeSpace,
            "upper-case" => Function::UpperCase,
            "lower-case" => Function::LowerCase,
            "contains" => Function::Contains,
            "starts-with" => Function::StartsWith,
            "ends-with" => Function::EndsWith,
            "string-length" => Function::StringLength,
            "concat" => Function::Concat,
            "substring" => Function::Substring,
            "substring-before" => Function::SubstringBefore,
            "substring-after" => Function::SubstringAfter,
            "translate" => Function::Translate,
            "matches" => Function::Matches(None),
            "tokenize" => Function::Tokenize(None),
            "replace" => Function::Replace(None),
            "local-name" => Function::LocalName,
            "name" => Function::Name,
            "distinct-values" => Function::DistinctValues,
            "position" => Function::Position,
            "last" => Function::Last,
            "xs:decimal" => Function::Constructor(CastType::Decimal),
            "xs:double" => Function::Constructor(CastType::Double),
            "xs:integer" => Function::Constructor(CastType::Integer),
            "xs:boolean" => Function::Constructor(CastType::Boolean),
            "xs:string" => Function::Constructor(CastType::String),
            "xs:date" => Function::Constructor(CastType::Date),
            _ => return None,
        })
    }
}
