//! Onboarding rows (migration 0008): versioned checklist templates, hires, and each hire's checklist items
//! with their state, reasons (with evidence) and extracted fields.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::error::{Error, Result};
use crate::onboarding::deadlines::OpenItem;
use crate::onboarding::review::ItemReason;
use crate::onboarding::template::{EmploymentType, Template};

/// A hire as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hire {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub email: Option<String>,
    pub role: String,
    pub start_date: NaiveDate,
    pub employment_type: EmploymentType,
    pub country: String,
    pub manager: Option<String>,
    pub template_key: String,
    pub template_version: i64,
    pub retention_days: i64,
    pub created_at: String,
    pub purged_at: Option<String>,
}

/// A new hire's fields.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct NewHire {
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub role: String,
    pub start_date: NaiveDate,
    pub employment_type: EmploymentType,
    pub country: String,
    #[serde(default)]
    pub manager: Option<String>,
}

/// One checklist item of a hire.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub key: String,
    pub label: String,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_type: Option<String>,
    pub owner: String,
    pub due_date: NaiveDate,
    pub min_pages: u32,
    /// open | problem | done
    pub state: String,
    pub done_by: Option<String>,
    pub done_at: Option<String>,
    pub document_id: Option<i64>,
    pub reasons: Vec<ItemReason>,
    pub fields: serde_json::Value,
}

fn bad_row(what: &str, value: &str) -> Error {
    Error::Usage(format!(
        "the database holds an onboarding {what} Backdesk cannot read ({value:?}); restore it from a backup"
    ))
}

/// Whether any template is stored.
pub async fn has_templates(conn: &mut SqliteConnection) -> Result<bool> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM onboarding_templates")
        .fetch_one(conn)
        .await
        .map_err(Error::database("count onboarding templates"))?;
    Ok(row.get::<i64, _>("n") > 0)
}

/// The newest version of every template, by key.
pub async fn latest_templates(conn: &mut SqliteConnection) -> Result<Vec<Template>> {
    let rows = sqlx::query(
        "SELECT t.version, t.body FROM onboarding_templates t
         WHERE t.version = (SELECT MAX(version) FROM onboarding_templates WHERE key = t.key) ORDER BY t.key",
    )
    .fetch_all(conn)
    .await
    .map_err(Error::database("read onboarding templates"))?;
    rows.iter().map(template_from_row).collect()
}

/// One version of a template.
pub async fn template_version(conn: &mut SqliteConnection, key: &str, version: i64) -> Result<Template> {
    let row = sqlx::query("SELECT version, body FROM onboarding_templates WHERE key = ? AND version = ?")
        .bind(key)
        .bind(version)
        .fetch_optional(conn)
        .await
        .map_err(Error::database(format!(
            "read onboarding template {key} v{version}"
        )))?
        .ok_or_else(|| Error::NotFound {
            what: "onboarding template",
            id: format!("{key} v{version}"),
        })?;
    template_from_row(&row)
}

fn template_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Template> {
    let body: String = row.get("body");
    let mut template: Template = serde_json::from_str(&body).map_err(|_| bad_row("template", &body))?;
    template.version = Some(row.get("version"));
    Ok(template)
}

/// Stores `template` as a new version when its content differs from the newest stored one; returns the
/// new version, or `None` when nothing changed.
pub async fn save_template(
    conn: &mut SqliteConnection,
    template: &Template,
    now: &str,
) -> Result<Option<i64>> {
    let row = sqlx::query("SELECT MAX(version) AS v FROM onboarding_templates WHERE key = ?")
        .bind(&template.key)
        .fetch_one(&mut *conn)
        .await
        .map_err(Error::database("read template versions"))?;
    let latest: Option<i64> = row.get("v");
    if let Some(version) = latest {
        if template_version(&mut *conn, &template.key, version)
            .await?
            .content()
            == template.content()
        {
            return Ok(None);
        }
    }
    let version = latest.unwrap_or(0) + 1;
    let body = serde_json::to_string(&template.content())
        .map_err(|e| Error::Usage(format!("template {} cannot be stored: {e}", template.key)))?;
    sqlx::query("INSERT INTO onboarding_templates (key, version, body, created_at) VALUES (?, ?, ?, ?)")
        .bind(&template.key)
        .bind(version)
        .bind(body)
        .bind(now)
        .execute(conn)
        .await
        .map_err(Error::database(format!(
            "store template {} v{version}",
            template.key
        )))?;
    Ok(Some(version))
}

/// Inserts a hire with its checklist copied from `template` (due dates from the start date).
pub async fn insert_hire(
    conn: &mut SqliteConnection,
    hire: &NewHire,
    slug: &str,
    template: &Template,
    now: &str,
) -> Result<i64> {
    let version = template.version.unwrap_or(1);
    let row = sqlx::query(
        "INSERT INTO hires (slug, name, email, role, start_date, employment_type, country, manager,
             template_key, template_version, retention_days, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(slug)
    .bind(&hire.name)
    .bind(&hire.email)
    .bind(&hire.role)
    .bind(hire.start_date.to_string())
    .bind(hire.employment_type.as_str())
    .bind(hire.country.to_ascii_uppercase())
    .bind(&hire.manager)
    .bind(&template.key)
    .bind(version)
    .bind(template.retention_days)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
    .map_err(Error::database(format!("add hire {}", hire.name)))?;
    let id: i64 = row.get("id");
    for item in &template.items {
        let due = hire.start_date + chrono::Duration::days(item.due_days);
        sqlx::query(
            "INSERT INTO hire_items (hire_id, item_key, label, kind, document_type, owner, due_date, min_pages)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(&item.key)
        .bind(&item.label)
        .bind(item.kind.as_str())
        .bind(item.document.map(|d| d.as_str()))
        .bind(&item.owner)
        .bind(due.to_string())
        .bind(i64::from(item.min_pages))
        .execute(&mut *conn)
        .await
        .map_err(Error::database(format!("add checklist item {} of {}", item.key, hire.name)))?;
    }
    Ok(id)
}

fn hire_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Hire> {
    let start: String = row.get("start_date");
    let kind: String = row.get("employment_type");
    Ok(Hire {
        id: row.get("id"),
        slug: row.get("slug"),
        name: row.get("name"),
        email: row.get("email"),
        role: row.get("role"),
        start_date: start.parse().map_err(|_| bad_row("start date", &start))?,
        employment_type: EmploymentType::parse(&kind)?,
        country: row.get("country"),
        manager: row.get("manager"),
        template_key: row.get("template_key"),
        template_version: row.get("template_version"),
        retention_days: row.get("retention_days"),
        created_at: row.get("created_at"),
        purged_at: row.get("purged_at"),
    })
}

/// Every hire, by start date.
pub async fn hires(conn: &mut SqliteConnection) -> Result<Vec<Hire>> {
    let rows = sqlx::query("SELECT * FROM hires ORDER BY start_date, id")
        .fetch_all(conn)
        .await
        .map_err(Error::database("list hires"))?;
    rows.iter().map(hire_from_row).collect()
}

/// One hire.
pub async fn hire(conn: &mut SqliteConnection, id: i64) -> Result<Hire> {
    let row = sqlx::query("SELECT * FROM hires WHERE id = ?")
        .bind(id)
        .fetch_optional(conn)
        .await
        .map_err(Error::database(format!("read hire {id}")))?
        .ok_or_else(|| Error::NotFound {
            what: "hire",
            id: id.to_string(),
        })?;
    hire_from_row(&row)
}

/// A hire's checklist, in template order.
pub async fn items(conn: &mut SqliteConnection, hire_id: i64) -> Result<Vec<Item>> {
    let rows = sqlx::query("SELECT * FROM hire_items WHERE hire_id = ? ORDER BY id")
        .bind(hire_id)
        .fetch_all(conn)
        .await
        .map_err(Error::database(format!("read the checklist of hire {hire_id}")))?;
    rows.iter()
        .map(|row| {
            let due: String = row.get("due_date");
            let reasons: String = row.get("reasons");
            let fields: String = row.get("fields");
            Ok(Item {
                key: row.get("item_key"),
                label: row.get("label"),
                kind: row.get("kind"),
                document_type: row.get("document_type"),
                owner: row.get("owner"),
                due_date: due.parse().map_err(|_| bad_row("due date", &due))?,
                min_pages: u32::try_from(row.get::<i64, _>("min_pages")).unwrap_or(1),
                state: row.get("state"),
                done_by: row.get("done_by"),
                done_at: row.get("done_at"),
                document_id: row.get("document_id"),
                reasons: serde_json::from_str(&reasons).map_err(|_| bad_row("reason list", &reasons))?,
                fields: serde_json::from_str(&fields).map_err(|_| bad_row("field set", &fields))?,
            })
        })
        .collect()
}

/// Records an item's new state (`done` with who and when, or `problem` with reasons), the document that
/// filled it and the fields read from it.
#[allow(clippy::too_many_arguments)]
pub async fn set_item(
    conn: &mut SqliteConnection,
    hire_id: i64,
    item_key: &str,
    state: &str,
    done_by: Option<&str>,
    document_id: Option<i64>,
    reasons: &[ItemReason],
    fields: Option<&serde_json::Value>,
    now: &str,
) -> Result<()> {
    let reasons = serde_json::to_string(reasons).unwrap_or_else(|_| "[]".into());
    let fields = fields.map(|f| f.to_string());
    let done = sqlx::query(
        "UPDATE hire_items SET state = ?, done_by = ?, done_at = CASE WHEN ? = 'done' THEN ? END,
             document_id = COALESCE(?, document_id), reasons = ?, fields = COALESCE(?, fields)
         WHERE hire_id = ? AND item_key = ?",
    )
    .bind(state)
    .bind(done_by)
    .bind(state)
    .bind(now)
    .bind(document_id)
    .bind(reasons)
    .bind(fields)
    .bind(hire_id)
    .bind(item_key)
    .execute(conn)
    .await
    .map_err(Error::database(format!(
        "update item {item_key} of hire {hire_id}"
    )))?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound {
            what: "checklist item",
            id: format!("{item_key} of hire {hire_id}"),
        });
    }
    Ok(())
}

/// Every item not done of hires not purged.
pub async fn open_items(pool: &SqlitePool) -> Result<Vec<OpenItem>> {
    let rows = sqlx::query(
        "SELECT h.id, h.name, i.item_key, i.label, i.owner, i.due_date, i.state
         FROM hire_items i JOIN hires h ON h.id = i.hire_id
         WHERE i.state <> 'done' AND h.purged_at IS NULL ORDER BY i.due_date, h.id, i.id",
    )
    .fetch_all(pool)
    .await
    .map_err(Error::database("list open checklist items"))?;
    rows.iter()
        .map(|row| {
            let due: String = row.get("due_date");
            Ok(OpenItem {
                hire_id: row.get("id"),
                hire_name: row.get("name"),
                item_key: row.get("item_key"),
                label: row.get("label"),
                owner: row.get("owner"),
                due_date: due.parse().map_err(|_| bad_row("due date", &due))?,
                state: row.get("state"),
            })
        })
        .collect()
}

/// The archived originals (sha256) of the documents filed on a hire's items.
pub async fn document_hashes(conn: &mut SqliteConnection, hire_id: i64) -> Result<Vec<(i64, String)>> {
    let rows = sqlx::query(
        "SELECT DISTINCT d.id, d.sha256 FROM hire_items i JOIN documents d ON d.id = i.document_id
         WHERE i.hire_id = ?",
    )
    .bind(hire_id)
    .fetch_all(conn)
    .await
    .map_err(Error::database(format!("list the documents of hire {hire_id}")))?;
    Ok(rows.iter().map(|r| (r.get("id"), r.get("sha256"))).collect())
}

/// Blanks a hire's personal fields (name, e-mail, manager, role, extracted fields, evidence), keeping a
/// tombstone row with its id, dates and checklist states.
pub async fn tombstone(conn: &mut SqliteConnection, hire_id: i64, now: &str) -> Result<()> {
    sqlx::query(
        "UPDATE hires SET name = '(purged)', slug = 'purged-' || id, email = NULL, manager = NULL, role = '',
             purged_at = ? WHERE id = ?",
    )
    .bind(now)
    .bind(hire_id)
    .execute(&mut *conn)
    .await
    .map_err(Error::database(format!("purge hire {hire_id}")))?;
    sqlx::query("UPDATE hire_items SET fields = '{}', reasons = '[]' WHERE hire_id = ?")
        .bind(hire_id)
        .execute(conn)
        .await
        .map_err(Error::database(format!("purge the checklist of hire {hire_id}")))?;
    Ok(())
}
