//! The people who act on invoices: name (unique, case-insensitive), role and approval limit.

use rust_decimal::Decimal;
use sqlx::{Row, SqliteConnection};

use crate::error::{Error, Result};
use crate::model::money::decimal_text;
use crate::workflow::approvals::{Person, Role};

/// Adds a person or changes their role and limit; returns whether they were new.
pub async fn save(conn: &mut SqliteConnection, person: &Person, now: &str) -> Result<bool> {
    let existed = get(conn, &person.name).await?.is_some();
    sqlx::query(
        "INSERT INTO people (name, role, approval_limit, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET role = excluded.role, approval_limit = excluded.approval_limit,
             updated_at = excluded.updated_at",
    )
    .bind(&person.name)
    .bind(person.role.as_str())
    .bind(person.approval_limit.as_ref().map(decimal_text))
    .bind(now)
    .bind(now)
    .execute(conn)
    .await
    .map_err(Error::database(format!("save person {}", person.name)))?;
    Ok(!existed)
}

fn from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Person> {
    let name: String = row.get("name");
    let role: Role = row.get::<String, _>("role").parse()?;
    let approval_limit = row
        .get::<Option<String>, _>("approval_limit")
        .map(|l| {
            l.parse::<Decimal>().map_err(|e| {
                Error::InvalidData(format!(
                    "the approval limit of {name} ('{l}') is not a number: {e}"
                ))
            })
        })
        .transpose()?;
    Ok(Person {
        name,
        role,
        approval_limit,
    })
}

/// One person by name (case-insensitive).
pub async fn get(conn: &mut SqliteConnection, name: &str) -> Result<Option<Person>> {
    let row = sqlx::query("SELECT * FROM people WHERE name = ?")
        .bind(name.trim())
        .fetch_optional(conn)
        .await
        .map_err(Error::database(format!("read person {name}")))?;
    row.as_ref().map(from_row).transpose()
}

/// Everyone, by name.
pub async fn list(conn: &mut SqliteConnection) -> Result<Vec<Person>> {
    let rows = sqlx::query("SELECT * FROM people ORDER BY name")
        .fetch_all(conn)
        .await
        .map_err(Error::database("list people"))?;
    rows.iter().map(from_row).collect()
}
