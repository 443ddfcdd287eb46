//! A fast bulk seeding path for performance tests of the desktop app: copies of the invoices already in the
//! workspace, `n` of them in one transaction, each with its own number (`<original>-S<k>`) and dates moved
//! back by up to a year, keeping its original (the same archived file), fields and reasons, so every copy
//! opens in the review screen like the invoice it was copied from. Never used on real data: the copies
//! carry no audit trail and no decisions.

use serde::Serialize;

use super::{CoreEvent, Workspace};
use crate::error::{Error, Result};

/// What seeding added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyntheticReport {
    /// How many invoices were copied from (those in the workspace before).
    pub templates: usize,
    /// How many invoices were added.
    pub added: usize,
}

/// Statements run in order inside the transaction; `synthetic_plan` maps copy `n` to its template and ids.
const STEPS: &[(&str, &str)] = &[
    (
        "plan the copies",
        "CREATE TEMP TABLE synthetic_plan (n INTEGER PRIMARY KEY, template INTEGER NOT NULL,
             document_id INTEGER NOT NULL, invoice_id INTEGER NOT NULL)",
    ),
    (
        "plan the copies",
        "WITH RECURSIVE k(n) AS (SELECT 0 WHERE ?1 > 0 UNION ALL SELECT n + 1 FROM k WHERE n + 1 < ?1),
              t AS (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS idx, COUNT(*) OVER () AS cnt FROM invoices)
         INSERT INTO synthetic_plan (n, template, document_id, invoice_id)
         SELECT k.n, t.id,
                (SELECT COALESCE(MAX(id), 0) FROM documents) + 1 + k.n,
                (SELECT COALESCE(MAX(id), 0) FROM invoices) + 1 + k.n
         FROM k JOIN t ON t.idx = k.n % t.cnt",
    ),
    (
        "copy the documents",
        "INSERT INTO documents (id, path, sha256, size_bytes, media_type, state, received_at, finished_at)
         SELECT p.document_id, d.path || '#synthetic-' || p.n, d.sha256, d.size_bytes, d.media_type, d.state,
                d.received_at, d.finished_at
         FROM synthetic_plan p JOIN invoices i ON i.id = p.template JOIN documents d ON d.id = i.document_id",
    ),
    (
        "copy the invoices",
        "INSERT INTO invoices (id, document_id, status, document_type, extraction_method, vendor_id,
             invoice_number, type_code, issue_date, due_date, currency, total_net, total_tax, total_gross,
             amount_due, purchase_order_reference, seller_name, seller_vat_id, buyer_name, buyer_reference, iban,
             confidence, canonical, created_at, updated_at)
         SELECT p.invoice_id, p.document_id, i.status, i.document_type, i.extraction_method, i.vendor_id,
                c.number, i.type_code, c.issue_date, c.due_date, i.currency, i.total_net, i.total_tax,
                i.total_gross, i.amount_due, i.purchase_order_reference, i.seller_name, i.seller_vat_id,
                i.buyer_name, i.buyer_reference, i.iban, i.confidence,
                json_set(i.canonical, '$.number', c.number, '$.issue_date', c.issue_date, '$.due_date', c.due_date),
                i.created_at, i.updated_at
         FROM synthetic_plan p
         JOIN invoices i ON i.id = p.template
         JOIN (SELECT p2.n,
                      COALESCE(i2.invoice_number, 'SYN') || '-S' || p2.n AS number,
                      date(i2.issue_date, '-' || (p2.n % 365) || ' days') AS issue_date,
                      date(i2.due_date, '-' || (p2.n % 365) || ' days') AS due_date
               FROM synthetic_plan p2 JOIN invoices i2 ON i2.id = p2.template) c ON c.n = p.n",
    ),
    (
        "copy the fields",
        "INSERT INTO invoice_fields (invoice_id, field, value, confidence, method, page, bbox)
         SELECT p.invoice_id, f.field,
                COALESCE(CASE f.field WHEN 'invoice_number' THEN n.invoice_number
                                      WHEN 'issue_date' THEN n.issue_date
                                      WHEN 'due_date' THEN n.due_date END, f.value),
                f.confidence, f.method, f.page, f.bbox
         FROM synthetic_plan p JOIN invoice_fields f ON f.invoice_id = p.template
         JOIN invoices n ON n.id = p.invoice_id",
    ),
    (
        "copy the reasons",
        "INSERT INTO invoice_reasons (invoice_id, seq, code, message, detail)
         SELECT p.invoice_id, r.seq, r.code, r.message, r.detail
         FROM synthetic_plan p JOIN invoice_reasons r ON r.invoice_id = p.template",
    ),
    ("clean up", "DROP TABLE synthetic_plan"),
];

impl Workspace {
    /// Adds `n` copies of the invoices already here (see the module doc) in one transaction.
    pub async fn seed_synthetic_invoices(&self, n: usize) -> Result<SyntheticReport> {
        let templates = crate::store::invoices::count(self.store().pool()).await?;
        if templates == 0 {
            return Err(Error::Usage(
                "there is no invoice to copy: take in some invoices (or open the demo) before seeding copies"
                    .into(),
            ));
        }
        let count = i64::try_from(n).map_err(|_| Error::Usage(format!("{n} copies are too many to seed")))?;
        let mut tx = self.store().begin("seed synthetic invoices").await?;
        for (what, sql) in STEPS {
            let mut query = sqlx::query(sql);
            if sql.contains("?1") {
                query = query.bind(count);
            }
            query
                .execute(&mut *tx)
                .await
                .map_err(Error::database(format!("seed synthetic invoices: {what}")))?;
        }
        tx.commit()
            .await
            .map_err(Error::database("record the synthetic invoices"))?;
        self.publish(CoreEvent::InvoicesChanged);
        Ok(SyntheticReport { templates, added: n })
    }
}
