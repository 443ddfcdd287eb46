//! Onboarding coordination (issue 10): hires, versioned checklist templates, documents read from the same
//! intake pipeline and checked against the hire, deadlines and reminders, dashboard numbers and the
//! retention purge. Everything here is pure (no I/O, the clock passed in); `store::onboarding` holds the
//! rows and `api::onboarding` the use cases.

pub mod classify;
pub mod dashboard;
pub mod deadlines;
pub mod fields;
pub mod names;
pub mod reminder;
pub mod review;
pub mod template;
pub mod text;

pub use template::{DocumentType, EmploymentType, ItemKind, ItemSpec, Template, TemplateFile};
