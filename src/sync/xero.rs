//! The Xero Accounting API connector: bills (ACCPAY invoices) in batches with an `Idempotency-Key`, look-up
//! by invoice number before a re-send, attachments, payment status, and the master-data pulls. Every call
//! carries the `xero-tenant-id` header and a fresh access token (refreshed, with rotation, on expiry or 401).

use chrono::Utc;
use serde_json::Value;

use crate::secrets::{Credentials, Keychain};
use crate::sync::failure::Failure;
use crate::sync::oauth;

/// The production Accounting API base URL.
pub const DEFAULT_API_URL: &str = "https://api.xero.com/api.xro/2.0";
/// The production identity (token) base URL.
pub const DEFAULT_IDENTITY_URL: &str = "https://identity.xero.com";
/// Bills per create request (Xero accepts up to 50 and counts one request against the rate limit).
pub const BATCH_SIZE: usize = 50;

type Outcome<T> = std::result::Result<T, Failure>;

/// The API and identity base URLs, from `BACKDESK_XERO_API_URL` / `BACKDESK_XERO_IDENTITY_URL`.
pub fn base_urls() -> (String, String) {
    let api = std::env::var("BACKDESK_XERO_API_URL").unwrap_or_else(|_| DEFAULT_API_URL.to_owned());
    let identity =
        std::env::var("BACKDESK_XERO_IDENTITY_URL").unwrap_or_else(|_| DEFAULT_IDENTITY_URL.to_owned());
    (
        api.trim_end_matches('/').to_owned(),
        identity.trim_end_matches('/').to_owned(),
    )
}

/// The token endpoint under an identity base URL.
pub fn token_url(identity: &str) -> String {
    format!("{identity}/connect/token")
}

/// A connected Xero organisation.
pub struct XeroClient {
    http: reqwest::Client,
    api: String,
    identity: String,
    keychain: Keychain,
    credentials: Credentials,
}

impl XeroClient {
    /// A client for the organisation in `credentials`; the request timeout is `BACKDESK_SYNC_TIMEOUT_MS`
    /// (default 30 s).
    pub fn new(keychain: Keychain, credentials: Credentials) -> crate::Result<Self> {
        let (api, identity) = base_urls();
        let timeout = std::env::var("BACKDESK_SYNC_TIMEOUT_MS")
            .ok()
            .and_then(|value| value.parse::<u64>().ok())
            .unwrap_or(30_000);
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_millis(timeout))
            .build()
            .map_err(|error| {
                crate::Error::InvalidData(format!("could not build the HTTP client: {error}"))
            })?;
        Ok(Self {
            http,
            api,
            identity,
            keychain,
            credentials,
        })
    }

    async fn refresh(&mut self) -> Outcome<()> {
        self.credentials = oauth::refresh(
            &self.http,
            &token_url(&self.identity),
            "xero",
            &self.keychain,
            &self.credentials,
            Utc::now(),
        )
        .await?;
        Ok(())
    }

    /// Sends the request `build` makes (given the HTTP client and the access token), refreshing the token
    /// first when it has expired and once more when the API answers 401.
    async fn send<F>(&mut self, what: &str, build: F) -> Outcome<reqwest::Response>
    where
        F: Fn(&reqwest::Client, &str) -> reqwest::RequestBuilder,
    {
        if oauth::needs_refresh(&self.credentials, Utc::now()) {
            self.refresh().await?;
        }
        for attempt in 0..2 {
            let token = self.credentials.access_token.clone().unwrap_or_default();
            let response = build(&self.http, &token)
                .bearer_auth(&token)
                .header("xero-tenant-id", &self.credentials.tenant_id)
                .header("Accept", "application/json")
                .send()
                .await
                .map_err(|error| Failure::from_transport(what, &error))?;
            let status = response.status();
            if status.is_success() {
                return Ok(response);
            }
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned);
            let body = response.text().await.unwrap_or_default();
            let failure = Failure::from_status(what, status, retry_after.as_deref(), &body);
            if matches!(failure, Failure::Unauthorized(_)) && attempt == 0 {
                self.refresh().await?;
                continue;
            }
            return Err(failure);
        }
        Err(Failure::Permanent(format!(
            "{what}: the access token was refused twice"
        )))
    }

    async fn json(what: &str, response: reqwest::Response) -> Outcome<Value> {
        response
            .json::<Value>()
            .await
            .map_err(|error| Failure::Transient {
                message: format!("{what}: the response could not be read: {error}"),
                retry_after: None,
                offline: false,
            })
    }

    /// The id of the ACCPAY bill with this invoice number from this contact, if Xero has one.
    pub async fn find_bill(&mut self, invoice_number: &str, contact_name: &str) -> Outcome<Option<String>> {
        let url = format!("{}/Invoices", self.api);
        let what = format!("look up bill {invoice_number} in Xero");
        let response = self
            .send(&what, |http, _| {
                http.get(&url)
                    .query(&[("InvoiceNumbers", invoice_number), ("where", "Type==\"ACCPAY\"")])
            })
            .await?;
        let body = Self::json(&what, response).await?;
        let found = body["Invoices"].as_array().into_iter().flatten().find(|bill| {
            bill["InvoiceNumber"].as_str() == Some(invoice_number)
                && bill["Contact"]["Name"]
                    .as_str()
                    .is_none_or(|name| name == contact_name)
                && bill["Status"].as_str() != Some("DELETED")
                && bill["Status"].as_str() != Some("VOIDED")
        });
        Ok(found
            .and_then(|bill| bill["InvoiceID"].as_str())
            .map(str::to_owned))
    }

    /// Creates `bills` in one request; answers each bill's Xero id, or why Xero refused it, in order.
    pub async fn create_bills(&mut self, bills: &[Value], key: &str) -> Outcome<Vec<Result<String, String>>> {
        let url = format!("{}/Invoices", self.api);
        let body = serde_json::json!({ "Invoices": bills });
        let what = format!("create {} bill(s) in Xero", bills.len());
        let response = self
            .send(&what, |http, _| {
                http.put(&url)
                    .query(&[("summarizeErrors", "false")])
                    .header("Idempotency-Key", key)
                    .json(&body)
            })
            .await?;
        let answer = Self::json(&what, response).await?;
        let created = answer["Invoices"].as_array().cloned().unwrap_or_default();
        if created.len() != bills.len() {
            return Err(Failure::Transient {
                message: format!(
                    "{what}: Xero answered {} bills for {} sent",
                    created.len(),
                    bills.len()
                ),
                retry_after: None,
                offline: false,
            });
        }
        Ok(created
            .iter()
            .map(|bill| {
                let errors: Vec<&str> = bill["ValidationErrors"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|error| error["Message"].as_str())
                    .collect();
                match bill["InvoiceID"].as_str() {
                    Some(id) if errors.is_empty() && bill["HasErrors"].as_bool() != Some(true) => {
                        Ok(id.to_owned())
                    }
                    _ => Err(format!("Xero refused the bill: {}", errors.join("; "))),
                }
            })
            .collect())
    }

    /// The file names already attached to a bill.
    pub async fn attachment_names(&mut self, invoice_id: &str) -> Outcome<Vec<String>> {
        let url = format!("{}/Invoices/{invoice_id}/Attachments", self.api);
        let what = format!("list the attachments of Xero bill {invoice_id}");
        let response = self.send(&what, |http, _| http.get(&url)).await?;
        let body = Self::json(&what, response).await?;
        Ok(body["Attachments"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|attachment| attachment["FileName"].as_str().map(str::to_owned))
            .collect())
    }

    /// Attaches the original document to a bill.
    pub async fn attach(
        &mut self,
        invoice_id: &str,
        file_name: &str,
        media_type: &str,
        bytes: Vec<u8>,
        key: &str,
    ) -> Outcome<()> {
        let url = format!("{}/Invoices/{invoice_id}/Attachments/{file_name}", self.api);
        let what = format!("attach {file_name} to Xero bill {invoice_id}");
        self.send(&what, |http, _| {
            http.put(&url)
                .header("Content-Type", media_type)
                .header("Idempotency-Key", key)
                .body(bytes.clone())
        })
        .await?;
        Ok(())
    }

    /// Of the bills `ids`, those Xero reports as PAID.
    pub async fn paid(&mut self, ids: &[String]) -> Outcome<Vec<String>> {
        let url = format!("{}/Invoices", self.api);
        let joined = ids.join(",");
        let what = "read the status of bills in Xero";
        let response = self
            .send(what, |http, _| {
                http.get(&url)
                    .query(&[("IDs", joined.as_str()), ("Statuses", "PAID")])
            })
            .await?;
        let body = Self::json(what, response).await?;
        Ok(body["Invoices"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|bill| bill["Status"].as_str() == Some("PAID"))
            .filter_map(|bill| bill["InvoiceID"].as_str().map(str::to_owned))
            .collect())
    }

    /// Pulls one master-data collection: `Contacts`, `Accounts`, `TaxRates` or `PurchaseOrders`.
    pub async fn pull(&mut self, collection: &str) -> Outcome<Vec<Value>> {
        let url = format!("{}/{collection}", self.api);
        let what = format!("pull {collection} from Xero");
        let response = self.send(&what, |http, _| http.get(&url)).await?;
        let body = Self::json(&what, response).await?;
        Ok(body[collection].as_array().cloned().unwrap_or_default())
    }
}
