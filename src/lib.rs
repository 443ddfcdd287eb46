//! Backdesk's headless core: everything the desktop app and the `backdesk` CLI do, with no GUI dependency.
//!
//! # Map
//! - [`model`]: canonical types — the EN 16931 invoice (BT-/BG- terms), master data, statuses, reasons, money.
//! - [`intake`]: finding files, the content-addressed archive of originals.
//! - [`formats`]: bytes → canonical invoices (sniffing, UBL, CII; PDF/OCR/e-mail in later work).
//! - [`import`]: master-data CSV files → model, row-level errors.
//! - [`decide`]: pure decisions over evidence (vendor, duplicates, bank details, PO matching, routing).
//! - [`policy`]: the policy file (tolerances, approval rules) and routing.
//! - [`scenario`]: a seeded synthetic company with labelled invoices, for the decision suite and benchmark.
//! - [`store`]: SQLite via sqlx; the one owner of the schema (`migrations/`), one repository per aggregate.
//! - [`api`]: the use cases — the only surface the shell and the CLI call.
//! - [`error`]: the one error type, with stable codes.
//! - [`secrets`]: connection credentials in the OS keychain, never in a file.
//! - [`sync`]: the outbox and the accounting connectors (Xero, QuickBooks Online).
//!
//! # Glossary
//! - *document*: one file (or e-mail attachment) seen by intake; ends `processed`, `rejected` or
//!   `duplicate_file`.
//! - *invoice*: an invoice or credit note found in a document; carries a status and reasons.
//! - *reason*: why an invoice needs a person (contracts/reason-codes.md).
//!
//! # House rules
//! Money is `rust_decimal::Decimal` (stored as canonical text), never a float. Dates are `chrono::NaiveDate`.
//! Rules and decisions are pure functions (no I/O, the clock passed in). Originals are never modified.

pub mod api;
pub mod decide;
pub mod error;
pub mod extract;
pub mod formats;
pub mod import;
pub mod intake;
pub mod model;
pub mod onboarding;
pub mod policy;
pub mod rules;
pub mod scenario;
pub mod secrets;
pub mod store;
pub mod sync;
pub mod workflow;

pub use error::{Error, ErrorCode, Result};
