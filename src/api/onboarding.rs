//! Onboarding use cases: templates (list, export, import as new versions), hires (add, list, status), ticking
//! items, deadlines, reminders, the dashboard and the retention purge — and the intake hook that files a
//! hire's documents on their checklist (`onboarding_hire_for` + `record_onboarding_document`, called by
//! `api::ingest` for documents that name a hire).

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::{Row, SqliteConnection};

use super::Workspace;
use crate::error::{Error, Result};
use crate::formats::pdf_text::PdfText;
use crate::formats::{ocr, pdf, pdf_invoice, Format};
use crate::onboarding::dashboard::{self, Dashboard, HumanAction, Stage};
use crate::onboarding::deadlines::{self, DueItem};
use crate::onboarding::names;
use crate::onboarding::reminder::{self, MissingItem, Reminder};
use crate::onboarding::review::{self, Expectation, ItemReason, ItemReasonCode, Review};
use crate::onboarding::template::{choose, Template, TemplateFile};
use crate::onboarding::text::fold;
use crate::store::onboarding::{self as repo, Hire, Item, NewHire};
use crate::store::timestamp;
use crate::workflow::audit::{self, Action, NewEntry, SYSTEM};

/// The folder under the inbox whose sub-folders are hires' slugs.
pub const ONBOARDING_FOLDER: &str = "onboarding";

/// A hire in a list: where it stands.
#[derive(Debug, Clone, Serialize)]
pub struct HireSummary {
    #[serde(flatten)]
    pub hire: Hire,
    pub stage: Stage,
    pub items_done: usize,
    pub items_total: usize,
    pub items_with_problems: usize,
}

/// A hire with its checklist.
#[derive(Debug, Clone, Serialize)]
pub struct HireStatus {
    #[serde(flatten)]
    pub summary: HireSummary,
    /// The inbox folder documents for this hire can be dropped into (relative to the inbox).
    pub folder: String,
    pub items: Vec<Item>,
}

/// What an import changed: each template key with its new version (`None`: unchanged).
#[derive(Debug, Clone, Serialize)]
pub struct TemplateImport {
    pub key: String,
    pub new_version: Option<i64>,
}

/// A draft reminder in both forms.
#[derive(Debug, Clone, Serialize)]
pub struct ReminderDraft {
    #[serde(flatten)]
    pub reminder: Reminder,
    pub eml: String,
    pub mailto: String,
}

/// A reminder draft written to disk: open `path` in a mail program, or use the `mailto:` URL.
#[derive(Debug, Clone, Serialize)]
pub struct SavedReminder {
    #[serde(flatten)]
    pub draft: ReminderDraft,
    pub path: std::path::PathBuf,
}

/// The folder under the data directory where reminder drafts are written.
pub const REMINDERS_FOLDER: &str = "reminders";

/// What the purge removed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PurgeReport {
    pub hires_purged: Vec<i64>,
    pub originals_removed: usize,
}

fn audit_entry(actor: &str, detail: serde_json::Value) -> NewEntry {
    NewEntry {
        actor: actor.to_owned(),
        action: Action::Onboarding,
        invoice_id: None,
        detail,
    }
}

fn summary(hire: Hire, items: &[Item]) -> HireSummary {
    let flags: Vec<(bool, bool)> = items
        .iter()
        .map(|i| (i.kind == "document", i.state == "done"))
        .collect();
    HireSummary {
        stage: dashboard::stage(hire.purged_at.is_some(), &flags),
        items_done: items.iter().filter(|i| i.state == "done").count(),
        items_total: items.len(),
        items_with_problems: items.iter().filter(|i| i.state == "problem").count(),
        hire,
    }
}

impl Workspace {
    async fn onboarding_conn(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Sqlite>> {
        self.store().acquire("connect for onboarding").await
    }

    /// The templates in force (the newest version of each); the shipped defaults are stored on first use.
    pub async fn onboarding_templates(&self) -> Result<Vec<Template>> {
        let mut tx = self.store().begin("set up the onboarding templates").await?;
        if !repo::has_templates(&mut tx).await? {
            let now = timestamp(Utc::now());
            for template in TemplateFile::defaults()?.templates {
                repo::save_template(&mut tx, &template, &now).await?;
            }
        }
        let templates = repo::latest_templates(&mut tx).await?;
        tx.commit()
            .await
            .map_err(Error::database("store the default onboarding templates"))?;
        Ok(templates)
    }

    /// The templates in force as a template file (TOML).
    pub async fn export_onboarding_templates(&self) -> Result<String> {
        let templates = self.onboarding_templates().await?;
        TemplateFile {
            templates: templates.iter().map(Template::content).collect(),
        }
        .to_toml()
    }

    /// Imports a template file: every template whose content changed becomes a new version (hires keep the
    /// version they were created from). Audited.
    pub async fn import_onboarding_templates(&self, file: &Path, actor: &str) -> Result<Vec<TemplateImport>> {
        let text = std::fs::read_to_string(file).map_err(|e| Error::io("read", file, e))?;
        let parsed = TemplateFile::parse(&file.display().to_string(), &text)?;
        self.onboarding_templates().await?;
        let now = Utc::now();
        let mut tx = self.store().begin("import onboarding templates").await?;
        let mut out = Vec::new();
        for template in &parsed.templates {
            let new_version = repo::save_template(&mut tx, template, &timestamp(now)).await?;
            if let Some(version) = new_version {
                let detail = serde_json::json!({"event": "template_saved", "template": template.key, "version": version});
                audit::append(&mut tx, audit_entry(actor, detail), now).await?;
            }
            out.push(TemplateImport {
                key: template.key.clone(),
                new_version,
            });
        }
        tx.commit()
            .await
            .map_err(Error::database("commit the template import"))?;
        Ok(out)
    }

    /// Adds a hire with the checklist of the best template for its employment type and country. Audited.
    pub async fn add_hire(&self, new: &NewHire, actor: &str) -> Result<HireStatus> {
        if names::tokens(&new.name).is_empty() {
            return Err(Error::Usage("the hire's name is empty; give --name".into()));
        }
        let templates = self.onboarding_templates().await?;
        let template = choose(&templates, new.employment_type, &new.country).ok_or_else(|| {
            Error::Usage(format!(
                "no onboarding template fits a {} in {}; import one with `backdesk hires templates import`",
                new.employment_type.as_str(),
                new.country
            ))
        })?;
        let now = Utc::now();
        let mut tx = self.store().begin("add a hire").await?;
        let base = names::slug(&new.name);
        let mut slug = base.clone();
        let taken: Vec<String> = repo::hires(&mut tx).await?.into_iter().map(|h| h.slug).collect();
        let mut n = 2;
        while taken.contains(&slug) {
            slug = format!("{base}-{n}");
            n += 1;
        }
        let id = repo::insert_hire(&mut tx, new, &slug, template, &timestamp(now)).await?;
        let detail = serde_json::json!({
            "event": "hire_added", "hire_id": id, "template": template.key, "version": template.version
        });
        audit::append(&mut tx, audit_entry(actor, detail), now).await?;
        tx.commit()
            .await
            .map_err(Error::database("commit the new hire"))?;
        self.hire_status(id).await
    }

    /// Every hire with its stage and counts.
    pub async fn list_hires(&self) -> Result<Vec<HireSummary>> {
        let mut conn = self.onboarding_conn().await?;
        let mut out = Vec::new();
        for hire in repo::hires(&mut conn).await? {
            let items = repo::items(&mut conn, hire.id).await?;
            out.push(summary(hire, &items));
        }
        Ok(out)
    }

    /// One hire's checklist with reasons and evidence.
    pub async fn hire_status(&self, id: i64) -> Result<HireStatus> {
        let mut conn = self.onboarding_conn().await?;
        let hire = repo::hire(&mut conn, id).await?;
        let items = repo::items(&mut conn, id).await?;
        let folder = format!("{ONBOARDING_FOLDER}/{}", hire.slug);
        Ok(HireStatus {
            summary: summary(hire, &items),
            folder,
            items,
        })
    }

    /// Marks an item done by a person (a task, or a document checked by hand). Audited.
    pub async fn tick_item(
        &self,
        id: i64,
        item: &str,
        person: &str,
        now: DateTime<Utc>,
    ) -> Result<HireStatus> {
        if person.trim().is_empty() {
            return Err(Error::Usage("say who ticks the item: --as PERSON".into()));
        }
        let mut tx = self.store().begin("tick a checklist item").await?;
        let hire = repo::hire(&mut tx, id).await?;
        if hire.purged_at.is_some() {
            return Err(Error::Usage(format!(
                "hire {id} was purged; its checklist is closed"
            )));
        }
        repo::set_item(
            &mut tx,
            id,
            item,
            "done",
            Some(person),
            None,
            &[],
            None,
            &timestamp(now),
        )
        .await?;
        let detail = serde_json::json!({"event": "item_ticked", "hire_id": id, "item": item});
        audit::append(&mut tx, audit_entry(person, detail), now).await?;
        tx.commit().await.map_err(Error::database("commit the tick"))?;
        self.hire_status(id).await
    }

    /// Items overdue on `today` or due within `window_days`, across all hires.
    pub async fn due_items(&self, today: NaiveDate, window_days: i64) -> Result<Vec<DueItem>> {
        let open = repo::open_items(self.store().pool()).await?;
        Ok(deadlines::due(open, today, window_days))
    }

    /// A draft reminder listing what is missing: to the hire (their documents), or to `owner` (their tasks).
    pub async fn hire_reminder(
        &self,
        id: i64,
        owner: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<ReminderDraft> {
        let status = self.hire_status(id).await?;
        let hire = &status.summary.hire;
        let (to, greeting, wanted) = match owner {
            Some(owner) => (owner.to_owned(), owner.to_owned(), owner.to_owned()),
            None => (
                hire.email.clone().ok_or_else(|| {
                    Error::Usage(format!(
                        "hire {id} has no e-mail address; add one, or remind an owner with --owner"
                    ))
                })?,
                hire.name.clone(),
                "hire".to_owned(),
            ),
        };
        let missing: Vec<MissingItem> = status
            .items
            .iter()
            .filter(|i| i.state != "done" && i.owner == wanted)
            .map(|i| MissingItem {
                label: i.label.clone(),
                due_date: i.due_date,
                problems: i.reasons.iter().map(|r| r.message.clone()).collect(),
            })
            .collect();
        if missing.is_empty() {
            return Err(Error::Usage(format!(
                "nothing is missing from {to} for hire {id}: no reminder to write"
            )));
        }
        let reminder = reminder::compose(&to, &greeting, &hire.name, &missing);
        let from = hire
            .manager
            .clone()
            .unwrap_or_else(|| "onboarding@backdesk.local".to_owned());
        Ok(ReminderDraft {
            eml: reminder.to_eml(&from, now),
            mailto: reminder.to_mailto(),
            reminder,
        })
    }

    /// Writes a draft reminder (see [`Workspace::hire_reminder`]) as an `.eml` file under the data
    /// directory's `reminders/` folder, for the desktop app's "draft reminder" button; nothing is sent.
    pub async fn save_hire_reminder(
        &self,
        id: i64,
        owner: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<SavedReminder> {
        let draft = self.hire_reminder(id, owner, now).await?;
        let slug = self.hire_status(id).await?.summary.hire.slug;
        let folder = self.paths().data_dir.join(REMINDERS_FOLDER);
        std::fs::create_dir_all(&folder).map_err(|e| Error::io("create the reminders folder", &folder, e))?;
        let who = owner.map_or_else(|| "hire".to_owned(), names::slug);
        let path = folder.join(format!("{slug}-{who}-{}.eml", now.format("%Y%m%d-%H%M%S")));
        std::fs::write(&path, &draft.eml).map_err(|e| Error::io("write the reminder draft", &path, e))?;
        Ok(SavedReminder { draft, path })
    }

    /// Hires by stage, items overdue on `today`, and the measured coordinator time per hire.
    pub async fn onboarding_dashboard(&self, today: NaiveDate) -> Result<Dashboard> {
        let mut hires_by_stage = std::collections::BTreeMap::new();
        for hire in self.list_hires().await? {
            *hires_by_stage.entry(hire.stage).or_insert(0) += 1;
        }
        let items_overdue = self
            .due_items(today, 0)
            .await?
            .iter()
            .filter(|d| d.urgency == deadlines::Urgency::Overdue)
            .count();
        let actions = human_actions(&mut *self.onboarding_conn().await?).await?;
        let (hires_measured, average_coordinator_minutes) = dashboard::coordinator_minutes(&actions);
        Ok(Dashboard {
            hires_by_stage,
            items_overdue,
            hires_measured,
            average_coordinator_minutes,
        })
    }

    /// Purges hires whose retention ended before `today` (start date + the template's retention): their
    /// archived originals are deleted and their personal fields blanked, keeping a tombstone row. Audited.
    pub async fn purge_hires(&self, person: &str, today: NaiveDate) -> Result<PurgeReport> {
        if person.trim().is_empty() {
            return Err(Error::Usage("say who runs the purge: --as PERSON".into()));
        }
        let now = Utc::now();
        let mut report = PurgeReport::default();
        let mut tx = self.store().begin("purge hires past retention").await?;
        for hire in repo::hires(&mut tx).await? {
            let ends = hire.start_date + chrono::Duration::days(hire.retention_days);
            if hire.purged_at.is_some() || ends >= today {
                continue;
            }
            for (document_id, sha256) in repo::document_hashes(&mut tx, hire.id).await? {
                let path = crate::intake::archive::archived_path(&self.paths().archive, &sha256);
                if path.exists() {
                    make_writable(&path);
                    std::fs::remove_file(&path)
                        .map_err(|e| Error::io("remove the archived original", &path, e))?;
                    report.originals_removed += 1;
                }
                forget_document_path(&mut tx, document_id).await?;
            }
            repo::tombstone(&mut tx, hire.id, &timestamp(now)).await?;
            let detail = serde_json::json!({"event": "hire_purged", "hire_id": hire.id, "retention_ended": ends.to_string()});
            audit::append(&mut tx, audit_entry(person, detail), now).await?;
            report.hires_purged.push(hire.id);
        }
        tx.commit().await.map_err(Error::database("commit the purge"))?;
        Ok(report)
    }

    /// The intake hook: the hire a document is for, when its path is under `onboarding/<slug>/`, or its file
    /// name, e-mail subject or sender names a hire (all words of the name, or the e-mail address).
    pub(crate) async fn onboarding_hire_for(&self, document_id: i64, source: &str) -> Result<Option<Hire>> {
        let mut conn = self.onboarding_conn().await?;
        let hires: Vec<Hire> = repo::hires(&mut conn)
            .await?
            .into_iter()
            .filter(|h| h.purged_at.is_none())
            .collect();
        if hires.is_empty() {
            return Ok(None);
        }
        let components: Vec<&str> = source.split(['/', '\\']).collect();
        if let Some(at) = components.iter().position(|c| *c == ONBOARDING_FOLDER) {
            if let Some(slug) = components.get(at + 1) {
                if let Some(hire) = hires.iter().find(|h| h.slug == *slug) {
                    return Ok(Some(hire.clone()));
                }
            }
        }
        let row = sqlx::query("SELECT email_from, email_subject FROM documents WHERE id = ?")
            .bind(document_id)
            .fetch_optional(&mut *conn)
            .await
            .map_err(Error::database("read a document's e-mail context"))?;
        let (from, subject): (Option<String>, Option<String>) = row
            .map(|r| (r.get("email_from"), r.get("email_subject")))
            .unwrap_or_default();
        let file_name = components.last().copied().unwrap_or(source);
        let texts = [Some(file_name.to_owned()), from, subject];
        for text in texts.iter().flatten() {
            let folded = fold(text);
            let words = names::tokens(text);
            for hire in &hires {
                let by_email = hire.email.as_ref().is_some_and(|e| folded.contains(&fold(e)));
                let name = names::tokens(&hire.name);
                let by_name = name.len() >= 2 && name.iter().all(|n| words.contains(n));
                if by_email || by_name {
                    return Ok(Some(hire.clone()));
                }
            }
        }
        Ok(None)
    }
}

/// The positioned text of a hire's document: a PDF's text layer, or OCR of a scan or an image. `Err` is a
/// sentence (the document is then unreadable for its item).
pub(crate) fn onboarding_text(format: &Format, bytes: &[u8]) -> std::result::Result<PdfText, String> {
    match format {
        Format::Pdf => {
            let text = pdf_invoice::read_pdf_text(bytes).map_err(|f| f.message)?;
            if !ocr::text_layer_unusable(&text) {
                return Ok(text);
            }
            let document = pdf::open_pdf(bytes)?;
            ocr::recognise_pdf(&document, &text)
        }
        Format::Image => ocr::recognise(vec![ocr::PageImage {
            bytes: bytes.to_vec(),
            dpi: None,
        }]),
        other => Err(format!(
            "a {} file is not an onboarding document Backdesk reads; send a PDF or a scan",
            other.label()
        )),
    }
}

/// Files a hire's document on its checklist inside the intake transaction: reviewed against the hire, the
/// matching item is ticked (`backdesk`, no human step) when clean, else marked `problem` with the reasons;
/// an item already done stays done. Audited. Returns the item key, if the document filled one.
pub(crate) async fn record_onboarding_document(
    conn: &mut SqliteConnection,
    hire: &Hire,
    document_id: i64,
    file_name: &str,
    text: std::result::Result<PdfText, String>,
    now: DateTime<Utc>,
) -> Result<Option<String>> {
    let items = repo::items(&mut *conn, hire.id).await?;
    let (review, failure) = match text {
        Ok(text) => {
            let kind = review::document_type(&text, file_name);
            let min_pages = items
                .iter()
                .find(|i| kind.is_some_and(|k| i.document_type.as_deref() == Some(k.as_str())))
                .map_or(1, |i| i.min_pages);
            let expect = Expectation {
                hire_name: &hire.name,
                start_date: hire.start_date,
                min_pages,
            };
            (review::review(&text, file_name, &expect), None)
        }
        Err(sentence) => (
            Review {
                document_type: review::document_type(&PdfText::default(), file_name),
                fields: Default::default(),
                reasons: Vec::new(),
            },
            Some(ItemReason {
                code: ItemReasonCode::Unreadable,
                message: format!("{file_name}: {sentence}"),
                evidence: None,
            }),
        ),
    };
    let mut reasons = review.reasons.clone();
    reasons.extend(failure);
    let item = review.document_type.and_then(|kind| {
        items
            .iter()
            .find(|i| i.document_type.as_deref() == Some(kind.as_str()))
    });
    let Some(item) = item else {
        let detail = serde_json::json!({
            "event": "document_not_filed", "hire_id": hire.id, "document_id": document_id,
            "reasons": reasons.iter().map(|r| r.code).collect::<Vec<_>>(),
        });
        audit::append(conn, audit_entry(SYSTEM, detail), now).await?;
        return Ok(None);
    };
    if item.state == "done" {
        return Ok(Some(item.key.clone()));
    }
    let fields = serde_json::to_value(&review.fields).unwrap_or_default();
    let (state, done_by) = if reasons.is_empty() {
        ("done", Some(SYSTEM))
    } else {
        ("problem", None)
    };
    repo::set_item(
        conn,
        hire.id,
        &item.key,
        state,
        done_by,
        Some(document_id),
        &reasons,
        Some(&fields),
        &timestamp(now),
    )
    .await?;
    let event = if reasons.is_empty() {
        "item_ticked"
    } else {
        "item_flagged"
    };
    let detail = serde_json::json!({
        "event": event,
        "hire_id": hire.id, "item": item.key, "document_id": document_id,
        "reasons": reasons.iter().map(|r| r.code).collect::<Vec<_>>(),
    });
    audit::append(conn, audit_entry(SYSTEM, detail), now).await?;
    Ok(Some(item.key.clone()))
}

/// Human actions on checklist items, from the audit trail.
async fn human_actions(conn: &mut SqliteConnection) -> Result<Vec<HumanAction>> {
    let rows = sqlx::query(
        "SELECT at, detail FROM audit_log WHERE action = 'onboarding' AND actor <> ? ORDER BY id",
    )
    .bind(SYSTEM)
    .fetch_all(conn)
    .await
    .map_err(Error::database("read onboarding actions from the audit trail"))?;
    let mut out = Vec::new();
    for row in rows {
        let (at, detail): (String, String) = (row.get("at"), row.get("detail"));
        let detail: serde_json::Value = serde_json::from_str(&detail).unwrap_or_default();
        let (Some(hire_id), Some(item)) = (detail["hire_id"].as_i64(), detail["item"].as_str()) else {
            continue;
        };
        if let Ok(at) = DateTime::parse_from_rfc3339(&at) {
            out.push(HumanAction {
                hire_id,
                item_key: item.to_owned(),
                at: at.with_timezone(&Utc),
            });
        }
    }
    Ok(out)
}

/// Forgets the path a purged hire's document came from (it names the hire).
async fn forget_document_path(conn: &mut SqliteConnection, document_id: i64) -> Result<()> {
    sqlx::query(
        "UPDATE documents SET path = '(purged)', email_from = NULL, email_subject = NULL WHERE id = ?",
    )
    .bind(document_id)
    .execute(conn)
    .await
    .map_err(Error::database(format!(
        "forget the path of document {document_id}"
    )))?;
    Ok(())
}

/// Archived originals are read-only; the purge makes one writable to remove it (on Windows the flag
/// blocks deletion).
fn make_writable(path: &Path) {
    if let Ok(metadata) = std::fs::metadata(path) {
        let mut permissions = metadata.permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        permissions.set_readonly(false);
        let _ = std::fs::set_permissions(path, permissions);
    }
}

/// Today on this machine's calendar: the day deadlines and the dashboard are judged on by the CLI and the
/// desktop app when no day is given.
pub fn local_today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// The current instant, for callers (the desktop shell) that do not depend on `chrono` themselves.
pub fn now_utc() -> DateTime<Utc> {
    Utc::now()
}
