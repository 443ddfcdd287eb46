//! The review screen's actions, each as the acting person (`who`, picked in the window from the people on
//! file): correct fields, approve, reject, hold or release, confirm bank details, not a duplicate.
//! One call into `backdesk::api` each; the core checks roles, limits and the life cycle.

use backdesk::api::workflow::{ApprovalReport, CorrectionReport};
use backdesk::decide::Decision;
use backdesk::error::Error;
use backdesk::model::{InvoiceId, InvoiceStatus};
use backdesk::workflow::corrections::Correction;
use chrono::Utc;
use serde::Deserialize;
use tauri::State;

use crate::state::AppState;

/// One `FIELD=VALUE` from the window.
#[derive(Debug, Deserialize)]
pub struct FieldValue {
    pub field: String,
    pub value: String,
}

/// Corrects fields; the invoice is decided again and the vendor's layout learns from the change.
#[tauri::command(async)]
pub async fn correct_invoice(
    state: State<'_, AppState>,
    id: InvoiceId,
    fields: Vec<FieldValue>,
    who: String,
) -> Result<CorrectionReport, Error> {
    let fields: Vec<Correction> = fields
        .into_iter()
        .map(|f| Correction {
            field: f.field,
            value: f.value,
        })
        .collect();
    state.workspace().await.correct_invoice(id, &fields, &who).await
}

/// Approves the invoice's current approval step.
#[tauri::command(async)]
pub async fn approve_invoice(
    state: State<'_, AppState>,
    id: InvoiceId,
    who: String,
    comment: Option<String>,
) -> Result<ApprovalReport, Error> {
    state
        .workspace()
        .await
        .approve_invoice(id, &who, comment.as_deref())
        .await
}

/// Rejects the invoice, saying why.
#[tauri::command(async)]
pub async fn reject_invoice(
    state: State<'_, AppState>,
    id: InvoiceId,
    who: String,
    reason: String,
) -> Result<InvoiceStatus, Error> {
    state.workspace().await.reject_invoice(id, &who, &reason).await
}

/// Puts an open invoice on hold (`reason`) or releases it (no reason).
#[tauri::command(async)]
pub async fn hold_invoice(
    state: State<'_, AppState>,
    id: InvoiceId,
    who: String,
    reason: Option<String>,
) -> Result<(), Error> {
    state
        .workspace()
        .await
        .hold_invoice_at(id, &who, reason.as_deref(), Utc::now())
        .await
}

/// Records that the bank details were confirmed with the vendor (`how`: the call-back record).
#[tauri::command(async)]
pub async fn confirm_bank_details(
    state: State<'_, AppState>,
    id: InvoiceId,
    who: String,
    how: String,
) -> Result<Decision, Error> {
    state.workspace().await.confirm_bank_details(id, &who, &how).await
}

/// Records that the invoice is not a duplicate of the one it resembles, saying why.
#[tauri::command(async)]
pub async fn mark_not_duplicate(
    state: State<'_, AppState>,
    id: InvoiceId,
    who: String,
    why: String,
) -> Result<Decision, Error> {
    state.workspace().await.mark_not_duplicate(id, &who, &why).await
}
