//! An XPath 2.0 subset, enough for the official EN 16931 (and XRechnung) Schematron artefacts: a parser to
//! a syntax tree ([`parse`]) and an evaluator over the rules' XML tree ([`eval`]) with the XPath 2.0 rules that
//! decide verdicts (general comparisons, untypedAtomic promotion, exact decimals, dynamic errors).

pub mod ast;
pub mod compile;
pub mod eval;
pub(crate) mod functions;
pub mod index;
pub mod keyed;
pub mod parse;
pub mod presence;
pub mod registry;
pub mod share;
pub mod value;

pub use ast::Expr;
pub use eval::{Evaluator, Focus, Globals};
pub use parse::parse;
pub use value::{Item, XError};
