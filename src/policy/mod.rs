//! The policy: a versioned TOML file in the data directory that sets tolerances, duplicate window,
//! confidence thresholds, which reasons block, and how clean invoices are routed (contracts/policy.md).
//!
//! Every field is optional in the file; what is left out takes the contract's default, so an empty file
//! with only `version = "…"` decides exactly like a fresh install.

pub mod routing;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{AccountCode, ReasonCode, VendorId};

/// The file name of the policy inside the data directory.
pub const POLICY_FILE: &str = "policy.toml";

/// The version recorded on decisions made without a policy file (the built-in defaults).
pub const DEFAULT_VERSION: &str = "default-1";

/// A whole policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Recorded on every decision; change it whenever the file changes.
    pub version: String,
    pub tolerances: Tolerances,
    /// Per-vendor or per-account tolerances; see [`Policy::tolerances_for`] for the order.
    pub tolerance_overrides: Vec<ToleranceOverride>,
    pub matching: Matching,
    pub duplicates: Duplicates,
    pub confidence: Confidence,
    pub straight_through: StraightThrough,
    /// Reasons that make an invoice an exception; any other reason sends it to approval instead.
    pub blocking_reasons: Vec<ReasonCode>,
    /// Approval rules; every rule whose condition holds adds its steps (identical steps once).
    pub approval: Vec<ApprovalRule>,
    pub delegations: Vec<Delegation>,
    /// The person who corrected an invoice's data cannot be its only approver (enforced by the workflow).
    pub separation_of_duties: bool,
}

/// Price, quantity and total tolerances. Each limit is "percent or absolute, whichever is larger".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Tolerances {
    #[serde(with = "text_decimal")]
    pub price_percent: Decimal,
    #[serde(with = "text_decimal")]
    pub price_absolute: Decimal,
    #[serde(with = "text_decimal")]
    pub quantity_percent: Decimal,
    #[serde(with = "text_decimal")]
    pub total_percent: Decimal,
    #[serde(with = "text_decimal")]
    pub total_absolute: Decimal,
}

/// Tolerances for one vendor or one account; fields left out keep the value they override.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ToleranceOverride {
    pub vendor: Option<VendorId>,
    pub account: Option<AccountCode>,
    #[serde(with = "text_decimal::option")]
    pub price_percent: Option<Decimal>,
    #[serde(with = "text_decimal::option")]
    pub price_absolute: Option<Decimal>,
    #[serde(with = "text_decimal::option")]
    pub quantity_percent: Option<Decimal>,
    #[serde(with = "text_decimal::option")]
    pub total_percent: Option<Decimal>,
    #[serde(with = "text_decimal::option")]
    pub total_absolute: Option<Decimal>,
}

/// How invoices are matched to purchase orders.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Matching {
    /// Vendors matched 3-way even when their PO has no receipt yet.
    pub three_way_vendors: Vec<VendorId>,
    /// Vendors whose invoices must name a PO (`NO_PO_REFERENCE` otherwise).
    pub po_required_vendors: Vec<VendorId>,
    /// Invoices at or above this gross amount must name a PO.
    #[serde(with = "text_decimal::option")]
    pub po_required_from: Option<Decimal>,
}

/// The possible-duplicate window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Duplicates {
    /// Same vendor and gross, issue dates at most this many days apart.
    pub window_days: i64,
}

/// Confidence thresholds for required fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Confidence {
    pub threshold: f64,
    /// Per-field thresholds overriding `threshold` (`total_gross = 0.95`).
    pub fields: BTreeMap<String, f64>,
}

/// Which clean invoices are approved without a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StraightThrough {
    pub enabled: bool,
    /// Clean PO-matched invoices (not credit notes) with a gross total below this are approved.
    #[serde(with = "text_decimal")]
    pub below: Decimal,
}

/// One approval rule: a condition and the steps it asks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovalRule {
    /// Named in the trace and on each step.
    pub name: String,
    #[serde(default)]
    pub when: Condition,
    pub steps: Vec<StepSpec>,
}

/// When a rule applies; every stated part must hold (an empty condition always holds).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Condition {
    /// Gross total at or above.
    #[serde(with = "text_decimal::option")]
    pub gross_from: Option<Decimal>,
    /// Gross total below.
    #[serde(with = "text_decimal::option")]
    pub gross_below: Option<Decimal>,
    /// A matched PO line belongs to this department.
    pub department: Option<String>,
    pub vendor: Option<VendorId>,
    /// A matched PO line (or the suggested coding) uses this account.
    pub account: Option<AccountCode>,
    /// `true`: only invoices not matched to a PO; `false`: only matched ones.
    pub no_po: Option<bool>,
    /// `true`: only credit notes; `false`: only invoices.
    pub credit_note: Option<bool>,
}

/// One approval step as the policy states it: a role or a person, one or all of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepSpec {
    pub role: Option<String>,
    pub person: Option<String>,
    #[serde(default)]
    pub needs: Needs,
}

/// Whether one approver of a step suffices or all must approve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Needs {
    #[default]
    One,
    All,
}

/// `from` (a person or a role) hands its approvals to `to` between two dates (inclusive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Delegation {
    pub from: String,
    pub to: String,
    #[serde(with = "date_text")]
    pub start: NaiveDate,
    #[serde(with = "date_text")]
    pub end: NaiveDate,
}

impl Default for Tolerances {
    fn default() -> Self {
        Self {
            price_percent: Decimal::new(2, 0),
            price_absolute: Decimal::new(5, 2),
            quantity_percent: Decimal::ZERO,
            total_percent: Decimal::new(5, 1),
            total_absolute: Decimal::new(100, 2),
        }
    }
}

impl Default for Duplicates {
    fn default() -> Self {
        Self { window_days: 7 }
    }
}

impl Default for Confidence {
    fn default() -> Self {
        Self {
            threshold: 0.90,
            fields: BTreeMap::new(),
        }
    }
}

impl Default for StraightThrough {
    fn default() -> Self {
        Self {
            enabled: true,
            below: Decimal::new(100_000, 2),
        }
    }
}

/// Every reason code the contract defines: all block straight-through processing by default.
pub const ALL_REASON_CODES: &[ReasonCode] = &[
    ReasonCode::UnreadableDocument,
    ReasonCode::NotAnInvoice,
    ReasonCode::MissingField,
    ReasonCode::LowConfidence,
    ReasonCode::EinvoiceRuleViolation,
    ReasonCode::ArithmeticMismatch,
    ReasonCode::UnknownVendor,
    ReasonCode::VendorTaxIdMismatch,
    ReasonCode::BankDetailsChanged,
    ReasonCode::DuplicateInvoice,
    ReasonCode::PossibleDuplicate,
    ReasonCode::NoPoReference,
    ReasonCode::PoNotFound,
    ReasonCode::PoVendorMismatch,
    ReasonCode::CurrencyMismatch,
    ReasonCode::PriceVariance,
    ReasonCode::QuantityExceedsOrdered,
    ReasonCode::QuantityExceedsReceived,
    ReasonCode::UnmatchedLine,
    ReasonCode::TotalVariance,
    ReasonCode::PdfXmlMismatch,
];

fn manager() -> StepSpec {
    StepSpec {
        role: Some("manager".into()),
        person: None,
        needs: Needs::One,
    }
}

impl Default for Policy {
    fn default() -> Self {
        let owner = StepSpec {
            role: Some("owner".into()),
            person: None,
            needs: Needs::One,
        };
        let from = |amount: i64| Condition {
            gross_from: Some(Decimal::new(amount * 100, 2)),
            ..Condition::default()
        };
        Self {
            version: DEFAULT_VERSION.into(),
            tolerances: Tolerances::default(),
            tolerance_overrides: Vec::new(),
            matching: Matching::default(),
            duplicates: Duplicates::default(),
            confidence: Confidence::default(),
            straight_through: StraightThrough::default(),
            blocking_reasons: ALL_REASON_CODES.to_vec(),
            approval: vec![
                ApprovalRule {
                    name: "from-1000".into(),
                    when: from(1_000),
                    steps: vec![manager()],
                },
                ApprovalRule {
                    name: "from-10000".into(),
                    when: from(10_000),
                    steps: vec![manager(), owner],
                },
                ApprovalRule {
                    name: "no-po".into(),
                    when: Condition {
                        no_po: Some(true),
                        ..Condition::default()
                    },
                    steps: vec![manager()],
                },
                ApprovalRule {
                    name: "credit-note".into(),
                    when: Condition {
                        credit_note: Some(true),
                        ..Condition::default()
                    },
                    steps: vec![manager()],
                },
            ],
            delegations: Vec::new(),
            separation_of_duties: true,
        }
    }
}

impl Policy {
    /// Reads a policy from TOML text; `source` names it in errors.
    pub fn parse(source: &str, text: &str) -> Result<Self> {
        let policy: Self = toml::from_str(text).map_err(|e| {
            Error::InvalidData(format!(
                "{source}: not a valid policy ({}); fix the file (see contracts/policy.md) and try again",
                e.to_string().trim()
            ))
        })?;
        policy.check(source)?;
        Ok(policy)
    }

    /// Reads a policy file.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io("read", path, e))?;
        Self::parse(&path.display().to_string(), &text)
    }

    /// The policy of a data directory: its `policy.toml`, or the defaults when there is none.
    pub fn of_data_dir(data_dir: &Path) -> Result<Self> {
        let path = data_dir.join(POLICY_FILE);
        if path.exists() {
            Self::load(&path)
        } else {
            Ok(Self::default())
        }
    }

    /// The policy as TOML text (what `policy.toml` of a fresh install would contain).
    pub fn to_toml(&self) -> Result<String> {
        toml::to_string_pretty(self)
            .map_err(|e| Error::InvalidData(format!("could not write the policy as TOML: {e}")))
    }

    fn check(&self, source: &str) -> Result<()> {
        let problem = |what: String| {
            Err(Error::InvalidData(format!(
                "{source}: {what}; fix the policy file and try again"
            )))
        };
        if self.version.trim().is_empty() {
            return problem("`version` is empty (every decision records it)".into());
        }
        if self.duplicates.window_days < 0 {
            return problem("`duplicates.window_days` is negative".into());
        }
        for rule in &self.approval {
            for step in &rule.steps {
                if step.role.is_some() == step.person.is_some() {
                    return problem(format!(
                        "a step of approval rule '{}' must name either a role or a person",
                        rule.name
                    ));
                }
            }
        }
        for o in &self.tolerance_overrides {
            if o.vendor.is_none() && o.account.is_none() {
                return problem("a tolerance override names neither a vendor nor an account".into());
            }
        }
        Ok(())
    }

    /// Tolerances for one PO line: the defaults, then an override for the line's account, then one for the
    /// vendor (the most specific statement wins).
    pub fn tolerances_for(&self, vendor: Option<&VendorId>, account: Option<&AccountCode>) -> Tolerances {
        let mut t = self.tolerances.clone();
        let by_account = self
            .tolerance_overrides
            .iter()
            .filter(|o| o.vendor.is_none() && account.is_some() && o.account.as_ref() == account);
        let by_vendor = self
            .tolerance_overrides
            .iter()
            .filter(|o| vendor.is_some() && o.vendor.as_ref() == vendor);
        for o in by_account.chain(by_vendor) {
            let set = |slot: &mut Decimal, value: Option<Decimal>| {
                if let Some(v) = value {
                    *slot = v;
                }
            };
            set(&mut t.price_percent, o.price_percent);
            set(&mut t.price_absolute, o.price_absolute);
            set(&mut t.quantity_percent, o.quantity_percent);
            set(&mut t.total_percent, o.total_percent);
            set(&mut t.total_absolute, o.total_absolute);
        }
        t
    }

    /// The confidence a required field must reach.
    pub fn confidence_threshold(&self, field: &str) -> f64 {
        self.confidence
            .fields
            .get(field)
            .copied()
            .unwrap_or(self.confidence.threshold)
    }

    /// Whether a reason makes an invoice an exception under this policy.
    pub fn blocks(&self, code: ReasonCode) -> bool {
        self.blocking_reasons.contains(&code)
    }
}

/// Amounts in the policy file are TOML strings (`"0.05"`): a TOML float would pass through an f64.
mod text_decimal {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&value.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        let text = String::deserialize(d)?;
        crate::model::money::parse_plain_decimal(&text).map_err(serde::de::Error::custom)
    }

    pub mod option {
        use rust_decimal::Decimal;
        use serde::{Deserialize, Deserializer, Serializer};

        pub fn serialize<S: Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
            match value {
                Some(v) => s.serialize_str(&v.to_string()),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|t| crate::model::money::parse_plain_decimal(&t).map_err(serde::de::Error::custom))
                .transpose()
        }
    }
}

/// Dates in the policy file: a TOML date (`2026-12-20`) or a string (`"2026-12-20"`).
mod date_text {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&value.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let text = match toml::Value::deserialize(d)? {
            toml::Value::String(text) => text,
            toml::Value::Datetime(date) => date.to_string(),
            other => {
                return Err(serde::de::Error::custom(format!(
                    "expected a date such as 2026-12-20, found {}",
                    other.type_str()
                )))
            }
        };
        text.parse()
            .map_err(|e| serde::de::Error::custom(format!("'{text}' is not a date (YYYY-MM-DD): {e}")))
    }
}

/// The allowed deviation from `reference`: `percent` of it or `absolute`, whichever is larger.
pub fn allowance(reference: Decimal, percent: Decimal, absolute: Decimal) -> Decimal {
    (reference.abs() * percent / Decimal::ONE_HUNDRED).max(absolute)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_with_only_a_version_decides_like_the_defaults() {
        let policy = Policy::parse("p.toml", "version = \"7\"").unwrap();
        assert_eq!(policy.version, "7");
        assert_eq!(
            Policy {
                version: DEFAULT_VERSION.into(),
                ..policy
            },
            Policy::default()
        );
    }

    #[test]
    fn defaults_are_the_contract_values() {
        let p = Policy::default();
        assert_eq!(p.tolerances.price_percent.to_string(), "2");
        assert_eq!(p.tolerances.price_absolute.to_string(), "0.05");
        assert_eq!(p.tolerances.quantity_percent, Decimal::ZERO);
        assert_eq!(p.tolerances.total_percent.to_string(), "0.5");
        assert_eq!(p.tolerances.total_absolute.to_string(), "1.00");
        assert_eq!(p.duplicates.window_days, 7);
        assert!((p.confidence.threshold - 0.90).abs() < f64::EPSILON);
        assert_eq!(p.straight_through.below.to_string(), "1000.00");
        assert_eq!(p.blocking_reasons.len(), ALL_REASON_CODES.len());
    }

    #[test]
    fn the_default_policy_round_trips_through_toml() {
        let text = Policy::default().to_toml().unwrap();
        assert_eq!(Policy::parse("default", &text).unwrap(), Policy::default());
    }

    #[test]
    fn the_example_policy_in_demo_parses_and_keeps_the_default_thresholds() {
        let example = Policy::parse("demo/policy.toml", include_str!("../../demo/policy.toml")).unwrap();
        assert_eq!(example.version, "example-2026-11");
        assert_eq!(example.tolerances, Tolerances::default());
        assert_eq!(example.approval.len(), 5);
        assert_eq!(example.delegations[0].to, "Jonas Weber");
        assert!((example.confidence_threshold("total_gross") - 0.95).abs() < f64::EPSILON);
    }

    #[test]
    fn vendor_override_wins_over_account_override() {
        let policy = Policy::parse(
            "p.toml",
            r#"
version = "2"
[[tolerance_overrides]]
account = "6300"
price_percent = "5"
price_absolute = "1"
[[tolerance_overrides]]
vendor = "V1"
price_percent = "3"
"#,
        )
        .unwrap();
        let t = policy.tolerances_for(Some(&VendorId("V1".into())), Some(&AccountCode("6300".into())));
        assert_eq!(t.price_percent.to_string(), "3");
        assert_eq!(
            t.price_absolute.to_string(),
            "1",
            "the account override still applies"
        );
        let other = policy.tolerances_for(Some(&VendorId("V2".into())), None);
        assert_eq!(other, Tolerances::default());
    }

    #[test]
    fn amounts_written_as_floats_are_refused_and_the_error_names_the_file() {
        let error =
            Policy::parse("mine.toml", "version = \"1\"\n[tolerances]\nprice_percent = 2.5").unwrap_err();
        assert!(error.to_string().contains("mine.toml"), "{error}");
    }

    #[test]
    fn a_step_naming_both_a_role_and_a_person_is_refused() {
        let text = r#"
version = "1"
[[approval]]
name = "x"
steps = [{ role = "manager", person = "ann" }]
"#;
        let error = Policy::parse("p.toml", text).unwrap_err();
        assert!(error.to_string().contains("either a role or a person"), "{error}");
    }

    #[test]
    fn allowance_takes_the_larger_of_percent_and_absolute() {
        let two = Decimal::new(2, 0);
        let cents = Decimal::new(5, 2);
        assert_eq!(allowance(Decimal::new(100, 0), two, cents), Decimal::new(2, 0));
        assert_eq!(allowance(Decimal::ONE, two, cents), cents);
    }
}
