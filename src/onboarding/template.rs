//! Checklist templates: per employment type and country, the documents a hire sends and the tasks other
//! teams do, each with an owner and a deadline relative to the start date, and a retention period for the
//! hire's personal data. Templates are versioned in the store; the defaults ship as a TOML asset and a
//! template file (the same TOML) can be exported and imported.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The templates shipped with Backdesk.
pub const DEFAULT_TEMPLATES: &str = include_str!("default_templates.toml");

/// How the hire is employed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmploymentType {
    Employee,
    Contractor,
    Intern,
}

impl EmploymentType {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Employee => "employee",
            Self::Contractor => "contractor",
            Self::Intern => "intern",
        }
    }

    /// Parses the stored text (or a user's flag).
    pub fn parse(text: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "employee" => Ok(Self::Employee),
            "contractor" => Ok(Self::Contractor),
            "intern" => Ok(Self::Intern),
            other => Err(Error::Usage(format!(
                "employment type {other:?} is not known; use employee, contractor or intern"
            ))),
        }
    }
}

/// The kinds of document a checklist asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentType {
    Id,
    RightToWork,
    TaxForm,
    BankDetails,
    Contract,
    PolicyAck,
}

impl DocumentType {
    /// Every type, in checklist order.
    pub const ALL: [Self; 6] = [
        Self::Id,
        Self::RightToWork,
        Self::TaxForm,
        Self::BankDetails,
        Self::Contract,
        Self::PolicyAck,
    ];

    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::RightToWork => "right_to_work",
            Self::TaxForm => "tax_form",
            Self::BankDetails => "bank_details",
            Self::Contract => "contract",
            Self::PolicyAck => "policy_ack",
        }
    }

    /// Parses the stored text.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == text)
    }
}

/// A document the hire sends, or a task another team does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Document,
    Task,
}

impl ItemKind {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Document => "document",
            Self::Task => "task",
        }
    }
}

/// One line of a checklist template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemSpec {
    /// Unique within the template (`id`, `contract`, `it_account`).
    pub key: String,
    pub label: String,
    pub kind: ItemKind,
    /// For documents: which type fills this item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<DocumentType>,
    /// `hire` for what the hire sends, else the team or person (an e-mail address) who does it.
    pub owner: String,
    /// Days relative to the start date (negative: before it).
    pub due_days: i64,
    /// Pages the document must have (a contract: every page signed and sent).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub min_pages: u32,
}

fn one() -> u32 {
    1
}

fn is_one(n: &u32) -> bool {
    *n == 1
}

/// A checklist template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pub key: String,
    pub employment_type: EmploymentType,
    /// ISO 3166 alpha-2 code, or `*` for any country.
    pub country: String,
    /// How long after the start date the hire's personal data is kept before the purge removes it.
    pub retention_days: i64,
    pub items: Vec<ItemSpec>,
    /// Set by the store (not part of a template file's content).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

impl Template {
    /// Checks what a template file cannot express by its types: keys present and unique, documents typed.
    pub fn validate(&self) -> Result<()> {
        let problem = |what: String| {
            Err(Error::Usage(format!(
                "template {:?}: {what}; fix the template file and import it again",
                self.key
            )))
        };
        if self.key.trim().is_empty() {
            return problem("the key is empty".into());
        }
        if self.retention_days < 0 {
            return problem("retention_days is negative".into());
        }
        let mut seen = std::collections::HashSet::new();
        for item in &self.items {
            if !seen.insert(item.key.as_str()) {
                return problem(format!("item {:?} appears twice", item.key));
            }
            if item.kind == ItemKind::Document && item.document.is_none() {
                return problem(format!("document item {:?} has no `document` type", item.key));
            }
        }
        Ok(())
    }

    /// The template's content without its version, for comparing an import with what is stored.
    pub fn content(&self) -> Self {
        Self {
            version: None,
            ..self.clone()
        }
    }

    /// How well this template fits a hire: `Some(2)` for its own country, `Some(1)` for any country.
    pub fn fit(&self, employment_type: EmploymentType, country: &str) -> Option<u8> {
        if self.employment_type != employment_type {
            return None;
        }
        if self.country.eq_ignore_ascii_case(country) {
            Some(2)
        } else if self.country == "*" {
            Some(1)
        } else {
            None
        }
    }
}

/// A template file: `[[templates]]` tables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateFile {
    pub templates: Vec<Template>,
}

impl TemplateFile {
    /// Parses and validates a template file; `source` names it in errors.
    pub fn parse(source: &str, text: &str) -> Result<Self> {
        let file: Self = toml::from_str(text).map_err(|e| {
            Error::Usage(format!(
                "{source} is not a valid onboarding template file: {e}; compare it with `backdesk hires templates export`"
            ))
        })?;
        for template in &file.templates {
            template.validate()?;
        }
        Ok(file)
    }

    /// The shipped templates.
    pub fn defaults() -> Result<Self> {
        Self::parse("the default onboarding templates", DEFAULT_TEMPLATES)
    }

    /// As TOML, for export.
    pub fn to_toml(&self) -> Result<String> {
        toml::to_string_pretty(self)
            .map_err(|e| Error::Usage(format!("the templates cannot be written as TOML: {e}")))
    }
}

/// The best template for a hire among `templates` (the country's own before `*`).
pub fn choose<'a>(
    templates: &'a [Template],
    employment_type: EmploymentType,
    country: &str,
) -> Option<&'a Template> {
    templates
        .iter()
        .filter_map(|t| t.fit(employment_type, country).map(|score| (score, t)))
        .max_by_key(|(score, _)| *score)
        .map(|(_, t)| t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_templates_parse_and_round_trip_through_an_export() {
        let file = TemplateFile::defaults().unwrap();
        assert!(file.templates.len() >= 3);
        let again = TemplateFile::parse("export", &file.to_toml().unwrap()).unwrap();
        assert_eq!(again, file);
    }

    #[test]
    fn a_country_template_wins_over_the_any_country_one() {
        let file = TemplateFile::defaults().unwrap();
        let de = choose(&file.templates, EmploymentType::Employee, "de").unwrap();
        assert_eq!(de.key, "employee-de");
        let fr = choose(&file.templates, EmploymentType::Employee, "FR").unwrap();
        assert_eq!(fr.key, "employee-default");
    }

    #[test]
    fn a_document_item_without_a_type_is_refused_with_the_item_named() {
        let text = r#"[[templates]]
key = "x"
employment_type = "intern"
country = "*"
retention_days = 1
items = [{ key = "id", label = "ID", kind = "document", owner = "hire", due_days = 0 }]
"#;
        let error = TemplateFile::parse("x.toml", text).unwrap_err().to_string();
        assert!(error.contains("\"id\"") && error.contains("document"), "{error}");
    }
}
