//! The rest of the life cycle a person or a connector drives: reject, posted and paid (with the sync payload),
//! hold and release, assign an owner.

use chrono::{DateTime, Utc};

use super::person_named;
use crate::api::{CoreEvent, Workspace};
use crate::error::{Error, Result};
use crate::model::{InvoiceId, InvoiceStatus};
use crate::store::{self, approvals as repo, timestamp};
use crate::workflow::audit::{self, Action, NewEntry};
use crate::workflow::state::{self, Event};

impl Workspace {
    /// Rejects invoice `id` as `who`, with a reason.
    pub async fn reject_invoice(&self, id: InvoiceId, who: &str, reason: &str) -> Result<InvoiceStatus> {
        self.reject_invoice_at(id, who, reason, Utc::now()).await
    }

    /// [`Self::reject_invoice`] at `now`.
    pub async fn reject_invoice_at(
        &self,
        id: InvoiceId,
        who: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<InvoiceStatus> {
        if reason.trim().is_empty() {
            return Err(Error::Usage(format!(
                "say why invoice {id} is rejected: --reason TEXT"
            )));
        }
        let mut tx = self.store().begin("reject an invoice").await?;
        let person = person_named(&mut tx, who).await?;
        let (_, before) = store::decisions::stored_extraction(&mut tx, id).await?;
        let after = state::transition(id, before, Event::Rejected)?;
        repo::set_status(&mut tx, id, after, &timestamp(now)).await?;
        let detail = serde_json::json!({ "reason": reason.trim() });
        audit::append(
            &mut tx,
            NewEntry::invoice(&person.name, Action::Rejected, id, detail),
            now,
        )
        .await?;
        audit::record_status_change(&mut tx, id, &person.name, before, after, reason.trim(), now).await?;
        tx.commit()
            .await
            .map_err(Error::database(format!("record the rejection of invoice {id}")))?;
        self.publish(CoreEvent::InvoicesChanged);
        Ok(after)
    }

    /// Records that an approved invoice was posted (sync calls this with the payload it sent) or that a
    /// posted one was paid.
    pub async fn record_booking_at(
        &self,
        id: InvoiceId,
        event: Event,
        who: &str,
        payload: serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<InvoiceStatus> {
        if !matches!(event, Event::Posted | Event::Paid) {
            return Err(Error::Usage(format!("{} is not a booking event", event.name())));
        }
        let mut tx = self.store().begin("record a booking").await?;
        let (_, before) = store::decisions::stored_extraction(&mut tx, id).await?;
        let after = state::transition(id, before, event)?;
        repo::set_status(&mut tx, id, after, &timestamp(now)).await?;
        if !payload.is_null() {
            audit::append(
                &mut tx,
                NewEntry::invoice(who, Action::SyncPayload, id, payload),
                now,
            )
            .await?;
        }
        audit::record_status_change(&mut tx, id, who, before, after, event.name(), now).await?;
        tx.commit()
            .await
            .map_err(Error::database(format!("record the booking of invoice {id}")))?;
        self.publish(CoreEvent::InvoicesChanged);
        Ok(after)
    }

    /// Puts an open invoice on hold (`Some(reason)`) or releases it (`None`).
    pub async fn hold_invoice_at(
        &self,
        id: InvoiceId,
        who: &str,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.store().begin("hold an invoice").await?;
        let person = person_named(&mut tx, who).await?;
        let (_, status) = store::decisions::stored_extraction(&mut tx, id).await?;
        if !state::is_open(status) {
            return Err(Error::Usage(format!(
                "invoice {id} is {status}: only open invoices can be held"
            )));
        }
        let reason = reason.map(str::trim);
        if reason.is_some_and(str::is_empty) {
            return Err(Error::Usage(format!("say why invoice {id} is put on hold")));
        }
        repo::set_hold(
            &mut tx,
            id,
            reason.map(|r| (person.name.as_str(), r)),
            &timestamp(now),
        )
        .await?;
        let detail = serde_json::json!({ "on_hold": reason.is_some(), "reason": reason });
        audit::append(
            &mut tx,
            NewEntry::invoice(&person.name, Action::Hold, id, detail),
            now,
        )
        .await?;
        tx.commit()
            .await
            .map_err(Error::database(format!("change the hold on invoice {id}")))?;
        self.publish(CoreEvent::InvoicesChanged);
        Ok(())
    }

    /// Makes `owner` responsible for invoice `id` (shown in the exception queue).
    pub async fn assign_invoice_at(
        &self,
        id: InvoiceId,
        owner: &str,
        who: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.store().begin("assign an invoice").await?;
        let owner = person_named(&mut tx, owner).await?;
        let actor = person_named(&mut tx, who).await?;
        store::decisions::stored_extraction(&mut tx, id).await?;
        repo::set_owner(&mut tx, id, &owner.name, &timestamp(now)).await?;
        let detail = serde_json::json!({ "owner": owner.name });
        audit::append(
            &mut tx,
            NewEntry::invoice(&actor.name, Action::Assigned, id, detail),
            now,
        )
        .await?;
        tx.commit()
            .await
            .map_err(Error::database(format!("assign invoice {id}")))?;
        Ok(())
    }
}
