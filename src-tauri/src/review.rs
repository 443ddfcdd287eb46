//! Commands of the review screen that read: the original's bytes (sent raw, not as JSON numbers), what it
//! is, and its words with their boxes. One call into `backdesk::api` each.

use backdesk::api::OriginalDocument;
use backdesk::error::Error;
use backdesk::formats::pdf_text::PdfText;
use backdesk::model::InvoiceId;
use tauri::ipc::Response;
use tauri::State;

use crate::state::AppState;

/// The file name, media type and format of invoice `id`'s original (its bytes come from `original_bytes`).
#[tauri::command(async)]
pub async fn original_info(state: State<'_, AppState>, id: InvoiceId) -> Result<OriginalDocument, Error> {
    state.workspace().await.original_document(id).await
}

/// The original's bytes, as an `ArrayBuffer` on the page.
#[tauri::command(async)]
pub async fn original_bytes(state: State<'_, AppState>, id: InvoiceId) -> Result<Response, Error> {
    let original = state.workspace().await.original_document(id).await?;
    Ok(Response::new(original.bytes))
}

/// The words of a PDF original with their boxes (no pages for e-invoices and images).
#[tauri::command(async)]
pub async fn document_words(state: State<'_, AppState>, id: InvoiceId) -> Result<PdfText, Error> {
    state.workspace().await.document_words(id).await
}
