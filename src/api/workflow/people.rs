//! People who may act on invoices: add or change a person (role, approval limit), list them.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::api::Workspace;
use crate::error::{Error, Result};
use crate::store::{self, timestamp};
use crate::workflow::approvals::{Person, Role};
use crate::workflow::audit::{self, Action, NewEntry};

impl Workspace {
    /// Adds a person (or changes their role and limit).
    pub async fn add_person(&self, name: &str, role: Role, limit: Option<Decimal>) -> Result<Person> {
        self.add_person_at(name, role, limit, Utc::now()).await
    }

    /// [`Self::add_person`] at `now`.
    pub async fn add_person_at(
        &self,
        name: &str,
        role: Role,
        limit: Option<Decimal>,
        now: DateTime<Utc>,
    ) -> Result<Person> {
        let name = name.trim();
        if name.is_empty() || name.starts_with('-') {
            return Err(Error::Usage(
                "a person needs a name, e.g. backdesk people add Ana --role manager".into(),
            ));
        }
        if limit.is_some_and(|l| l < Decimal::ZERO) {
            return Err(Error::Usage(format!(
                "the approval limit of {name} cannot be negative"
            )));
        }
        let person = Person {
            name: name.to_owned(),
            role,
            approval_limit: limit,
        };
        let mut tx = self.store().begin("save a person").await?;
        let new = store::people::save(&mut tx, &person, &timestamp(now)).await?;
        let detail = serde_json::json!({ "name": name, "role": role.as_str(), "approval_limit": limit.map(|l| l.to_string()), "new": new });
        let entry = NewEntry {
            actor: audit::SYSTEM.to_owned(),
            action: Action::PersonSaved,
            invoice_id: None,
            detail,
        };
        audit::append(&mut tx, entry, now).await?;
        tx.commit()
            .await
            .map_err(Error::database(format!("save person {name}")))?;
        Ok(person)
    }

    /// Everyone who can act on invoices.
    pub async fn people(&self) -> Result<Vec<Person>> {
        store::people::list(&mut *self.connection().await?).await
    }
}
