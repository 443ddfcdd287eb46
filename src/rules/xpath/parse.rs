//! Tokenizer and recursive-descent parser for the XPath 2.0 subset: paths with every axis the artefacts use,
//! predicates, unions, comparisons, arithmetic, `and`/`or`, quantified expressions, `cast as`, `if`, and
//! function calls. Prefixes are resolved against the Schematron's `ns` declarations.

use std::collections::HashMap;
use std::str::FromStr;

use rust_decimal::Decimal;

use super::ast::{
    ArithOp, Axis, AxisStep, CastType, CmpOp, Expr, Function, NameKey, NodeTest, PathStart, PathStep,
    PositionUse,
};

const XS_NAMESPACE: &str = "http://www.w3.org/2001/XMLSchema";

/// The one prefix the tests' expressions use without a Schematron: `xs` for the XML Schema types.
#[cfg(test)]
pub(crate) fn xs_prefix() -> HashMap<String, String> {
    HashMap::from([("xs".to_owned(), XS_NAMESPACE.to_owned())])
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    /// A (possibly prefixed) name: `cbc:ID`, `normalize-space`, `and`.
    Name(String),
    /// `prefix:*`
    PrefixWildcard(String),
    Str(String),
    Number(String),
    Var(String),
    Symbol(&'static str),
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let is_name_start = |c: char| c.is_alphabetic() || c == '_';
    let is_name_char = |c: char| c.is_alphanumeric() || c == '_' || c == '-' || c == '.';
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '\'' || c == '"' {
            let mut value = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err("a string literal is not closed".to_owned()),
                    Some(&q) if q == c => {
                        if chars.get(i + 1) == Some(&c) {
                            value.push(c);
                            i += 2;
                        } else {
                            i += 1;
                            break;
                        }
                    }
                    Some(&other) => {
                        value.push(other);
                        i += 1;
                    }
                }
            }
            tokens.push(Token::Str(value));
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())) {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            if i < chars.len() && (chars[i] == 'e' || chars[i] == 'E') {
                i += 1;
                if i < chars.len() && (chars[i] == '+' || chars[i] == '-') {
                    i += 1;
                }
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
            }
            tokens.push(Token::Number(chars[start..i].iter().collect()));
            continue;
        }
        if c == '$' {
            let start = i + 1;
            i += 1;
            while i < chars.len() && (is_name_char(chars[i]) || chars[i] == ':') {
                i += 1;
            }
            tokens.push(Token::Var(chars[start..i].iter().collect()));
            continue;
        }
        if is_name_start(c) {
            let start = i;
            while i < chars.len() && is_name_char(chars[i]) {
                i += 1;
            }
            // a prefix: `p:name` or `p:*`, but not an axis `child::`
            if chars.get(i) == Some(&':') && chars.get(i + 1) != Some(&':') {
                if chars.get(i + 1) == Some(&'*') {
                    tokens.push(Token::PrefixWildcard(chars[start..i].iter().collect()));
                    i += 2;
                    continue;
                }
                if chars.get(i + 1).is_some_and(|&n| is_name_start(n)) {
                    i += 1;
                    while i < chars.len() && is_name_char(chars[i]) {
                        i += 1;
                    }
                }
            }
            tokens.push(Token::Name(chars[start..i].iter().collect()));
            continue;
        }
        let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
        let symbol = match two.as_str() {
            "!=" => Some("!="),
            "<=" => Some("<="),
            ">=" => Some(">="),
            "//" => Some("//"),
            "::" => Some("::"),
            ".." => Some(".."),
            _ => None,
        };
        if let Some(symbol) = symbol {
            tokens.push(Token::Symbol(symbol));
            i += 2;
            continue;
        }
        let symbol = match c {
            '(' => "(",
            ')' => ")",
            '[' => "[",
            ']' => "]",
            '/' => "/",
            '@' => "@",
            ',' => ",",
            '|' => "|",
            '=' => "=",
            '<' => "<",
            '>' => ">",
            '+' => "+",
            '-' => "-",
            '*' => "*",
            '.' => ".",
            '?' => "?",
            other => return Err(format!("unexpected character {other:?}")),
        };
        tokens.push(Token::Symbol(symbol));
        i += 1;
    }
    Ok(tokens)
}

/// Parses one expression; `namespaces` maps prefixes to URIs.
pub fn parse(text: &str, namespaces: &HashMap<String, String>) -> Result<Expr, String> {
    let tokens = tokenize(text)?;
    let mut parser = Parser {
        tokens,
        at: 0,
        namespaces,
        scope: Vec::new(),
    };
    let expr = parser.expr()?;
    if parser.at != parser.tokens.len() {
        return Err(format!(
            "unexpected {:?} after the expression",
            parser.tokens[parser.at]
        ));
    }
    Ok(expr)
}

struct Parser<'n> {
    tokens: Vec<Token>,
    at: usize,
    namespaces: &'n HashMap<String, String>,
    /// Names of the quantified variables in scope; the index is the slot.
    scope: Vec<String>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn peek_at(&self, offset: usize) -> Option<&Token> {
        self.tokens.get(self.at + offset)
    }

    fn is_symbol(&self, symbol: &str) -> bool {
        matches!(self.peek(), Some(Token::Symbol(s)) if *s == symbol)
    }

    fn is_keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Name(n)) if n == word)
    }

    fn eat_symbol(&mut self, symbol: &str) -> bool {
        let found = self.is_symbol(symbol);
        if found {
            self.at += 1;
        }
        found
    }

    fn eat_keyword(&mut self, word: &str) -> bool {
        let found = self.is_keyword(word);
        if found {
            self.at += 1;
        }
        found
    }

    fn expect_symbol(&mut self, symbol: &str) -> Result<(), String> {
        if self.eat_symbol(symbol) {
            Ok(())
        } else {
            Err(format!("expected {symbol:?}, found {:?}", self.peek()))
        }
    }

    fn expect_keyword(&mut self, word: &str) -> Result<(), String> {
        if self.eat_keyword(word) {
            Ok(())
        } else {
            Err(format!("expected {word:?}, found {:?}", self.peek()))
        }
    }

    fn expr(&mut self) -> Result<Expr, String> {
        let first = self.expr_single()?;
        if !self.is_symbol(",") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_symbol(",") {
            items.push(self.expr_single()?);
        }
        Ok(Expr::Sequence(items))
    }

    fn expr_single(&mut self) -> Result<Expr, String> {
        let quantifier = match (self.peek(), self.peek_at(1)) {
            (Some(Token::Name(n)), Some(Token::Var(_))) if n == "every" || n == "some" => Some(n == "every"),
            _ => None,
        };
        if let Some(every) = quantifier {
            self.at += 1;
            let Some(Token::Var(name)) = self.peek().cloned() else {
                return Err("expected a variable after every/some".to_owned());
            };
            self.at += 1;
            self.expect_keyword("in")?;
            let domain = self.expr_single()?;
            self.expect_keyword("satisfies")?;
            let slot = self.scope.len();
            self.scope.push(name);
            let condition = self.expr_single();
            self.scope.pop();
            return Ok(Expr::Quantified {
                every,
                slot,
                domain: Box::new(domain),
                condition: Box::new(condition?),
            });
        }
        if self.is_keyword("if") && matches!(self.peek_at(1), Some(Token::Symbol("("))) {
            self.at += 2;
            let condition = self.expr()?;
            self.expect_symbol(")")?;
            self.expect_keyword("then")?;
            let then = self.expr_single()?;
            self.expect_keyword("else")?;
            let otherwise = self.expr_single()?;
            return Ok(Expr::If(Box::new(condition), Box::new(then), Box::new(otherwise)));
        }
        self.or_expr()
    }

    fn or_expr(&mut self) -> Result<Expr, String> {
        let mut left = self.and_expr()?;
        while self.eat_keyword("or") {
            left = Expr::Or(Box::new(left), Box::new(self.and_expr()?));
        }
        Ok(left)
    }

    fn and_expr(&mut self) -> Result<Expr, String> {
        let mut left = self.comparison()?;
        while self.eat_keyword("and") {
            left = Expr::And(Box::new(left), Box::new(self.comparison()?));
        }
        Ok(left)
    }

    fn comparison(&mut self) -> Result<Expr, String> {
        let left = self.additive()?;
        let general = match self.peek() {
            Some(Token::Symbol("=")) => Some(CmpOp::Eq),
            Some(Token::Symbol("!=")) => Some(CmpOp::Ne),
            Some(Token::Symbol("<")) => Some(CmpOp::Lt),
            Some(Token::Symbol("<=")) => Some(CmpOp::Le),
            Some(Token::Symbol(">")) => Some(CmpOp::Gt),
            Some(Token::Symbol(">=")) => Some(CmpOp::Ge),
            _ => None,
        };
        if let Some(op) = general {
            self.at += 1;
            let right = self.additive()?;
            return Ok(Expr::General(op, Box::new(left), Box::new(right)));
        }
        let value = match self.peek() {
            Some(Token::Name(n)) => match n.as_str() {
                "eq" => Some(CmpOp::Eq),
                "ne" => Some(CmpOp::Ne),
                "lt" => Some(CmpOp::Lt),
                "le" => Some(CmpOp::Le),
                "gt" => Some(CmpOp::Gt),
                "ge" => Some(CmpOp::Ge),
                _ => None,
            },
            _ => None,
        };
        if let Some(op) = value {
            self.at += 1;
            let right = self.additive()?;
            return Ok(Expr::Value(op, Box::new(left), Box::new(right)));
        }
        Ok(left)
    }

    fn additive(&mut self) -> Result<Expr, String> {
        let mut left = self.multiplicative()?;
        loop {
            let op = if self.eat_symbol("+") {
                ArithOp::Add
            } else if self.eat_symbol("-") {
                ArithOp::Sub
            } else {
                return Ok(left);
            };
            left = Expr::Arith(op, Box::new(left), Box::new(self.multiplicative()?));
        }
    }

    fn multiplicative(&mut self) -> Result<Expr, String> {
        let mut left = self.union()?;
        loop {
            let op = if self.eat_symbol("*") {
                ArithOp::Mul
            } else if self.eat_keyword("div") {
                ArithOp::Div
            } else if self.eat_keyword("idiv") {
                ArithOp::IntDiv
            } else if self.eat_keyword("mod") {
                ArithOp::Mod
            } else {
                return Ok(left);
            };
            left = Expr::Arith(op, Box::new(left), Box::new(self.union()?));
        }
    }

    fn union(&mut self) -> Result<Expr, String> {
        let mut left = self.cast()?;
        while self.eat_symbol("|") || self.eat_keyword("union") {
            left = Expr::Union(Box::new(left), Box::new(self.cast()?));
        }
        Ok(left)
    }

    fn cast(&mut self) -> Result<Expr, String> {
        let operand = self.unary()?;
        if self.is_keyword("cast") && matches!(self.peek_at(1), Some(Token::Name(n)) if n == "as") {
            self.at += 2;
            let Some(Token::Name(type_name)) = self.peek().cloned() else {
                return Err("expected a type after 'cast as'".to_owned());
            };
            self.at += 1;
            let target = self.cast_type(&type_name)?;
            let optional = self.eat_symbol("?");
            return Ok(Expr::Cast(Box::new(operand), target, optional));
        }
        Ok(operand)
    }

    fn cast_type(&self, name: &str) -> Result<CastType, String> {
        match self.resolve_function_name(name)?.as_str() {
            "xs:boolean" => Ok(CastType::Boolean),
            "xs:decimal" => Ok(CastType::Decimal),
            "xs:double" => Ok(CastType::Double),
            "xs:integer" => Ok(CastType::Integer),
            "xs:string" => Ok(CastType::String),
            "xs:date" => Ok(CastType::Date),
            other => Err(format!("casting to {other} is not supported")),
        }
    }

    fn unary(&mut self) -> Result<Expr, String> {
        if self.eat_symbol("-") {
            return Ok(Expr::Negate(Box::new(self.unary()?)));
        }
        if self.eat_symbol("+") {
            return self.unary();
        }
        self.path()
    }

    fn path(&mut self) -> Result<Expr, String> {
        if self.eat_symbol("/") {
            if self.starts_step() {
                let steps = self.relative_steps()?;
                return Ok(Expr::Path(PathStart::Root, steps));
            }
            return Ok(Expr::Path(PathStart::Root, Vec::new()));
        }
        if self.eat_symbol("//") {
            let mut steps = vec![descendant_or_self()];
            steps.extend(self.relative_steps()?);
            return Ok(Expr::Path(PathStart::Root, optimise(steps)));
        }
        // a relative path whose first step may be a primary expression
        let first = self.step()?;
        if !self.is_symbol("/") && !self.is_symbol("//") {
            return Ok(match first {
                PathStep::Expr(expr, predicates) if predicates.is_empty() => expr,
                PathStep::Expr(expr, predicates) => Expr::Filter(Box::new(expr), predicates),
                axis @ PathStep::Axis(_) => Expr::Path(PathStart::Context, vec![axis]),
            });
        }
        let mut steps = vec![first];
        self.more_steps(&mut steps)?;
        let (start, steps) = match steps.remove(0) {
            PathStep::Expr(expr, predicates) if predicates.is_empty() => {
                (PathStart::Expr(Box::new(expr)), steps)
            }
            PathStep::Expr(expr, predicates) => (
                PathStart::Expr(Box::new(Expr::Filter(Box::new(expr), predicates))),
                steps,
            ),
            axis @ PathStep::Axis(_) => {
                let mut all = vec![axis];
                all.extend(steps);
                (PathStart::Context, all)
            }
        };
        Ok(Expr::Path(start, optimise(steps)))
    }

    fn starts_step(&self) -> bool {
        match self.peek() {
            Some(Token::Name(n)) => {
                !matches!(n.as_str(), "and" | "or" | "div" | "mod" | "idiv" | "eq" | "ne")
            }
            Some(Token::PrefixWildcard(_)) => true,
            Some(Token::Symbol(s)) => matches!(*s, "*" | "@" | "." | ".." | "("),
            Some(Token::Var(_)) => true,
            _ => false,
        }
    }

    fn relative_steps(&mut self) -> Result<Vec<PathStep>, String> {
        let mut steps = vec![self.step()?];
        self.more_steps(&mut steps)?;
        Ok(steps)
    }

    fn more_steps(&mut self, steps: &mut Vec<PathStep>) -> Result<(), String> {
        loop {
            if self.eat_symbol("/") {
                steps.push(self.step()?);
            } else if self.eat_symbol("//") {
                steps.push(descendant_or_self());
                steps.push(self.step()?);
            } else {
                return Ok(());
            }
        }
    }

    fn step(&mut self) -> Result<PathStep, String> {
        if self.eat_symbol("..") {
            return Ok(PathStep::Axis(AxisStep::new(
                Axis::Parent,
                NodeTest::AnyNode,
                self.predicates()?,
            )));
        }
        if self.eat_symbol("@") {
            let test = self.node_test()?;
            return Ok(PathStep::Axis(AxisStep::new(
                Axis::Attribute,
                test,
                self.predicates()?,
            )));
        }
        // axis::test
        if let (Some(Token::Name(name)), Some(Token::Symbol("::"))) = (self.peek(), self.peek_at(1)) {
            let axis = match name.as_str() {
                "child" => Axis::Child,
                "descendant" => Axis::Descendant,
                "descendant-or-self" => Axis::DescendantOrSelf,
                "attribute" => Axis::Attribute,
                "self" => Axis::SelfAxis,
                "parent" => Axis::Parent,
                "ancestor" => Axis::Ancestor,
                "ancestor-or-self" => Axis::AncestorOrSelf,
                "preceding" => Axis::Preceding,
                "preceding-sibling" => Axis::PrecedingSibling,
                "following" => Axis::Following,
                "following-sibling" => Axis::FollowingSibling,
                other => return Err(format!("the axis {other} is not supported")),
            };
            self.at += 2;
            let test = self.node_test()?;
            return Ok(PathStep::Axis(AxisStep::new(axis, test, self.predicates()?)));
        }
        // a primary expression: literal, variable, parenthesis, `.`, function call
        let primary = match self.peek().cloned() {
            Some(Token::Str(s)) => {
                self.at += 1;
                Some(Expr::Str(s))
            }
            Some(Token::Number(n)) => {
                self.at += 1;
                Some(number(&n)?)
            }
            Some(Token::Var(name)) => {
                self.at += 1;
                Some(match self.scope.iter().rposition(|v| *v == name) {
                    Some(slot) => Expr::Var(slot),
                    None => Expr::Global(name),
                })
            }
            Some(Token::Symbol("(")) => {
                self.at += 1;
                if self.eat_symbol(")") {
                    Some(Expr::Sequence(Vec::new()))
                } else {
                    let inner = self.expr()?;
                    self.expect_symbol(")")?;
                    Some(inner)
                }
            }
            Some(Token::Symbol(".")) => {
                self.at += 1;
                Some(Expr::ContextItem)
            }
            Some(Token::Name(name))
                if matches!(self.peek_at(1), Some(Token::Symbol("(")))
                    && !matches!(name.as_str(), "node" | "text") =>
            {
                self.at += 2;
                Some(self.call(&name)?)
            }
            _ => None,
        };
        if let Some(primary) = primary {
            return Ok(PathStep::Expr(primary, self.predicates()?));
        }
        let test = self.node_test()?;
        Ok(PathStep::Axis(AxisStep::new(
            Axis::Child,
            test,
            self.predicates()?,
        )))
    }

    fn call(&mut self, name: &str) -> Result<Expr, String> {
        let mut args = Vec::new();
        if !self.eat_symbol(")") {
            loop {
                args.push(self.expr_single()?);
                if self.eat_symbol(")") {
                    break;
                }
                self.expect_symbol(",")?;
            }
        }
        let resolved = self.resolve_function_name(name)?;
        let mut function = Function::from_name(&resolved)
            .ok_or_else(|| format!("the function {name}() is not supported"))?;
        if let (Function::Matches(compiled), Some(Expr::Str(pattern))) = (&mut function, args.get(1)) {
            if args.len() == 2 {
                *compiled = Some(Box::new(compile_regex(pattern)?));
            }
        }
        if let (Function::Tokenize(compiled) | Function::Replace(compiled), Some(Expr::Str(pattern))) =
            (&mut function, args.get(1))
        {
            *compiled = Some(Box::new(compile_regex(pattern)?));
        }
        Ok(Expr::Call(function, args))
    }

    fn resolve_function_name(&self, name: &str) -> Result<String, String> {
        match name.split_once(':') {
            None => Ok(name.to_owned()),
            Some(("fn", local)) => Ok(local.to_owned()),
            Some((prefix, local)) => match self.namespaces.get(prefix).map(String::as_str) {
                Some(XS_NAMESPACE) | None if prefix == "xs" => Ok(format!("xs:{local}")),
                Some(XS_NAMESPACE) => Ok(format!("xs:{local}")),
                _ => Err(format!("the function {name}() is not supported")),
            },
        }
    }

    fn node_test(&mut self) -> Result<NodeTest, String> {
        match self.peek().cloned() {
            Some(Token::Symbol("*")) => {
                self.at += 1;
                Ok(NodeTest::AnyName)
            }
            Some(Token::PrefixWildcard(prefix)) => {
                self.at += 1;
                Ok(NodeTest::Namespace(self.namespace_of(&prefix)?))
            }
            Some(Token::Name(name)) => {
                self.at += 1;
                if matches!(name.as_str(), "node" | "text") && self.eat_symbol("(") {
                    self.expect_symbol(")")?;
                    return Ok(if name == "node" {
                        NodeTest::AnyNode
                    } else {
                        NodeTest::Text
                    });
                }
                match name.split_once(':') {
                    Some((prefix, local)) => {
                        let namespace = self.namespace_of(prefix)?;
                        let key = NameKey::of(Some(&namespace), local);
                        Ok(NodeTest::Name(Some(namespace), local.to_owned(), key))
                    }
                    None => {
                        let key = NameKey::of(None, &name);
                        Ok(NodeTest::Name(None, name, key))
                    }
                }
            }
            other => Err(format!("expected a step, found {other:?}")),
        }
    }

    fn namespace_of(&self, prefix: &str) -> Result<String, String> {
        self.namespaces
            .get(prefix)
            .cloned()
            .ok_or_else(|| format!("the prefix {prefix}: is not declared"))
    }

    fn predicates(&mut self) -> Result<Vec<Expr>, String> {
        let mut predicates = Vec::new();
        while self.eat_symbol("[") {
            predicates.push(self.expr()?);
            self.expect_symbol("]")?;
        }
        Ok(predicates)
    }
}

fn number(text: &str) -> Result<Expr, String> {
    if text.contains(['e', 'E']) {
        return f64::from_str(text)
            .map(Expr::Double)
            .map_err(|_| format!("{text} is not a number"));
    }
    Decimal::from_str(text)
        .map(Expr::Num)
        .map_err(|_| format!("{text} is not a number"))
}

fn descendant_or_self() -> PathStep {
    PathStep::Axis(AxisStep::new(
        Axis::DescendantOrSelf,
        NodeTest::AnyNode,
        Vec::new(),
    ))
}

/// `descendant-or-self::node()/child::x` is `descendant::x` when `x` has no positional predicate: one walk
/// of the tree instead of a child scan under every node.
fn optimise(steps: Vec<PathStep>) -> Vec<PathStep> {
    let mut out: Vec<PathStep> = Vec::with_capacity(steps.len());
    for step in steps {
        let after_descendant_or_self = matches!(out.last(), Some(PathStep::Axis(AxisStep { axis: Axis::DescendantOrSelf, test: NodeTest::AnyNode, predicates, .. })) if predicates.is_empty());
        if after_descendant_or_self {
            let merged = match &step {
                PathStep::Axis(next) if next.position == PositionUse::None => match next.axis {
                    Axis::Child => Some(PathStep::Axis(AxisStep {
                        axis: Axis::Descendant,
                        ..next.clone()
                    })),
                    Axis::Attribute => Some(PathStep::Axis(AxisStep {
                        axis: Axis::DescendantOrSelfAttribute,
                        ..next.clone()
                    })),
                    _ => None,
                },
                // `//(a|b)`: `//a | //b`
                PathStep::Expr(expr, predicates) if predicates.is_empty() => {
                    descendant_union(expr).map(|union| PathStep::Expr(union, Vec::new()))
                }
                _ => None,
            };
            if let Some(merged) = merged {
                out.pop();
                out.push(merged);
                continue;
            }
        }
        out.push(step);
    }
    out
}

/// A union of single child steps, each turned into a descendant step; `None` for anything else.
fn descendant_union(expr: &Expr) -> Option<Expr> {
    match expr {
        Expr::Union(a, b) => Some(Expr::Union(
            Box::new(descendant_union(a)?),
            Box::new(descendant_union(b)?),
        )),
        Expr::Path(PathStart::Context, steps) => match steps.as_slice() {
            [PathStep::Axis(step)] if step.axis == Axis::Child && step.position == PositionUse::None => {
                Some(Expr::Path(
                    PathStart::Context,
                    vec![PathStep::Axis(AxisStep {
                        axis: Axis::Descendant,
                        ..step.clone()
                    })],
                ))
            }
            _ => None,
        },
        _ => None,
    }
}

/// Whether a predicate could select by position or read it: a number, or `position()` / `last()`
/// anywhere in it (`[position() = 2]`, `[last()]`).
pub(crate) fn may_be_positional(predicate: &Expr) -> bool {
    may_be_a_number(predicate) || super::eval::uses_position(predicate)
}

/// Whether a call of a function `is_it` accepts appears anywhere in the expression.
pub(crate) fn calls(expr: &Expr, is_it: &dyn Fn(&Function) -> bool) -> bool {
    if matches!(expr, Expr::Call(f, _) if is_it(f)) {
        return true;
    }
    let mut found = false;
    super::share::for_each_child(expr, &mut |child| found = found || calls(child, is_it));
    found
}

/// Whether a predicate's value could be a number (which then selects by position).
fn may_be_a_number(predicate: &Expr) -> bool {
    match predicate.bare() {
        Expr::Num(_)
        | Expr::Double(_)
        | Expr::Arith(..)
        | Expr::Negate(_)
        | Expr::Var(_)
        | Expr::Global(_) => true,
        Expr::Call(Function::Position | Function::Last, _) => true,
        Expr::Call(
            Function::Count | Function::Sum | Function::Abs | Function::Round | Function::Number,
            _,
        ) => true,
        Expr::Call(Function::Constructor(CastType::Decimal | CastType::Integer | CastType::Double), _) => {
            true
        }
        Expr::Path(_, steps) => steps.iter().any(|s| matches!(s, PathStep::Expr(..))),
        _ => false,
    }
}

/// XML Schema regular expressions are anchored by the caller (`matches` searches), and their syntax is, for
/// what the artefacts use, the one the `regex` crate reads.
pub(crate) fn compile_regex(pattern: &str) -> Result<regex::Regex, String> {
    regex::Regex::new(&xml_schema_classes(pattern))
        .map_err(|e| format!("the pattern {pattern:?} is not supported: {e}"))
}

/// XML Schema's `\s`/`\S` mean XML whitespace only (space, tab, CR, LF), narrower than the `regex` crate's
/// Unicode classes; other escapes carry over.
fn xml_schema_classes(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('s') => out.push_str("[ \\t\\n\\r]"),
            Some('S') => out.push_str("[^ \\t\\n\\r]"),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ns() -> HashMap<String, String> {
        HashMap::from([
            ("cbc".to_owned(), "urn:cbc".to_owned()),
            ("ram".to_owned(), "urn:ram".to_owned()),
            ("xs".to_owned(), XS_NAMESPACE.to_owned()),
        ])
    }

    #[test]
    fn parses_the_artefacts_constructs() {
        for text in [
            "normalize-space(cbc:ID) != ''",
            "every $rate in xs:decimal(cbc:Percent) satisfies ../xs:decimal(cbc:TaxableAmount - 1) < $rate",
            "//ram:*[ends-with(name(), 'ID')]",
            "count(//cbc:PaymentID[not(preceding::cbc:PaymentID/. = .)]) <= 1",
            "(ram:ChargeIndicator/udt:Indicator cast as xs:boolean)=true()"
                .replace("udt:", "ram:")
                .as_str(),
            "round(sum(//(cbc:A|cbc:B)/xs:decimal(cbc:C)) * 10 * 10) div 100",
            "self::cbc:ID and ancestor::ram:X and child::cbc:ID",
            "xs:decimal((/ram:A/ram:B)[1])",
        ] {
            parse(text, &ns()).unwrap_or_else(|e| panic!("{text}: {e}"));
        }
    }

    #[test]
    fn regex_whitespace_is_xml_whitespace() {
        let date = compile_regex(r"^\s*(\d{4})(1[0-2]|0[1-9])\s*$").unwrap();
        assert!(date.is_match(" 202401\n"));
        assert!(!date.is_match("\u{a0}202401"));
    }

    #[test]
    fn refuses_what_it_cannot_evaluate() {
        assert!(parse("unknown-fn(1)", &ns()).is_err());
        assert!(parse("zz:ID", &ns()).is_err());
        assert!(parse("cbc:ID = ", &ns()).is_err());
    }
}
