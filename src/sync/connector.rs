//! What the outbox runner needs from an accounting system, whichever it is: look a bill up before a re-send,
//! create bills (with the system's idempotency mechanism), list and upload the original as an attachment,
//! read bills back (paid, edited, deleted) and pull master data. `xero::XeroClient` and `qbo::QboClient`
//! implement it; `api::sync` drives either through it.

use rust_decimal::Decimal;
use serde_json::Value;

use crate::sync::failure::Failure;

/// The outcome of one call: the answer, or the classified failure.
pub type Outcome<T> = std::result::Result<T, Failure>;

/// A bill as the accounting system reports it on read-back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteBill {
    pub id: String,
    /// Fully paid (Xero `PAID`; QuickBooks `Balance` 0).
    pub paid: bool,
    /// Deleted or voided on the other side.
    pub deleted: bool,
    /// The bill's total as the other side has it.
    pub total: Option<Decimal>,
    /// The other side's last-updated stamp (Xero `UpdatedDateUTC`, QuickBooks `MetaData.LastUpdatedTime`).
    pub updated: Option<String>,
}

/// What we know of a bill right after creating it: its id and the stamp to compare later read-backs with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    pub id: String,
    pub total: Option<Decimal>,
    pub updated: Option<String>,
}

/// One master-data collection: its name, and the fields holding a record's id and display name.
pub struct Collection {
    pub name: &'static str,
    pub id_field: &'static str,
    pub name_field: &'static str,
}

/// An accounting system the outbox pushes bills to.
// only used with static dispatch inside this crate, so the futures' `Send`-ness need not be spelled out
#[allow(async_fn_in_trait)]
pub trait Connector {
    /// The target's name (`xero`, `qbo`).
    fn name(&self) -> &'static str;

    /// How many bills go out in one create call.
    fn batch_size(&self) -> usize;

    /// How many bills one read-back call asks for.
    fn read_batch_size(&self) -> usize {
        self.batch_size()
    }

    /// The id of the bill `bill` (as we built it) if the other side already has it — same number, same
    /// vendor, not deleted.
    async fn find_bill(&mut self, bill: &Value) -> Outcome<Option<String>>;

    /// Creates `bills` (each with its job's idempotency key, in order); answers each one's outcome in order:
    /// created, or why the other side refused it for good.
    async fn create_bills(
        &mut self,
        bills: &[Value],
        keys: &[&str],
    ) -> Outcome<Vec<std::result::Result<Created, String>>>;

    /// The file names already attached to a bill.
    async fn attachment_names(&mut self, remote_id: &str) -> Outcome<Vec<String>>;

    /// Attaches the original document to a bill; `key` is the upload's idempotency key.
    async fn attach(
        &mut self,
        remote_id: &str,
        file_name: &str,
        media_type: &str,
        bytes: Vec<u8>,
        key: &str,
    ) -> Outcome<()>;

    /// The bills `ids` as the other side has them now; a bill it no longer has is absent from the answer.
    async fn read_back(&mut self, ids: &[String]) -> Outcome<Vec<RemoteBill>>;

    /// The master-data collections `pull` knows.
    fn collections(&self) -> &'static [Collection];

    /// Pulls one master-data collection.
    async fn pull(&mut self, collection: &str) -> Outcome<Vec<Value>>;
}

/// The API and identity base URLs: the environment variables `api_var` and `identity_var` when set (a test
/// server, a sandbox), else the defaults; without a trailing slash.
pub fn base_urls_from_env(
    api_var: &str,
    identity_var: &str,
    default_api: &str,
    default_identity: &str,
) -> (String, String) {
    let api = std::env::var(api_var).unwrap_or_else(|_| default_api.to_owned());
    let identity = std::env::var(identity_var).unwrap_or_else(|_| default_identity.to_owned());
    (
        api.trim_end_matches('/').to_owned(),
        identity.trim_end_matches('/').to_owned(),
    )
}

/// The HTTP client of a connector: redirects are not followed, and the request timeout is
/// `BACKDESK_SYNC_TIMEOUT_MS` (default 30 s).
pub fn http_client() -> crate::Result<reqwest::Client> {
    let timeout = std::env::var("BACKDESK_SYNC_TIMEOUT_MS")
        .ok()
        .and_then(|value| value.parse::<u64>().ok())
        .unwrap_or(30_000);
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_millis(timeout))
        .build()
        .map_err(|error| crate::Error::InvalidData(format!("could not build the HTTP client: {error}")))
}

/// A JSON number or numeric string as a decimal (amounts are exact as sent: the text is parsed, not a float).
pub fn decimal(value: &Value) -> Option<Decimal> {
    match value {
        Value::Number(number) => number.to_string().parse::<Decimal>().ok(),
        Value::String(text) => text.trim().parse::<Decimal>().ok(),
        _ => None,
    }
    .map(|amount| amount.normalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn amounts_are_read_exactly_from_numbers_and_strings() {
        assert_eq!(decimal(&json!(10.5)), Some(Decimal::new(105, 1)));
        assert_eq!(decimal(&json!("119.00")), Some(Decimal::new(119, 0)));
        assert_eq!(decimal(&json!(0)), Some(Decimal::ZERO));
        assert_eq!(decimal(&json!(null)), None);
        assert_eq!(decimal(&json!("n/a")), None);
    }
}
