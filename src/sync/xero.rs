//! The Xero Accounting API connector: bills (ACCPAY invoices) in batches with an `Idempotency-Key`, look-up
//! by invoice number before a re-send, attachments, payment status, and the master-data pulls. Every call
//! carries the `xero-tenant-id` header and a fresh access token (refreshed, with rotation, on expiry or 401).

use chrono::Utc;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::secrets::{Credentials, Keychain};
use crate::sync::connector::{
    base_urls_from_env, decimal, http_client, Collection, Connector, Created, Outcome, RemoteBill,
};
use crate::sync::failure::Failure;
use crate::sync::oauth;

/// The production Accounting API base URL.
pub const DEFAULT_API_URL: &str = "https://api.xero.com/api.xro/2.0";
/// The production identity (token) base URL.
pub const DEFAULT_IDENTITY_URL: &str = "https://identity.xero.com";
/// Bills per create request (Xero accepts up to 50 and counts one request against the rate limit).
pub const BATCH_SIZE: usize = 50;

/// The master data `pull` fetches.
const COLLECTIONS: &[Collection] = &[
    Collection {
        name: "Contacts",
        id_field: "ContactID",
        name_field: "Name",
    },
    Collection {
        name: "Accounts",
        id_field: "AccountID",
        name_field: "Code",
    },
    Collection {
        name: "TaxRates",
        id_field: "TaxType",
        name_field: "Name",
    },
    Collection {
        name: "PurchaseOrders",
        id_field: "PurchaseOrderID",
        name_field: "PurchaseOrderNumber",
    },
];

/// The `Idempotency-Key` of one create request: derived from the keys of the bills in it (128 characters
/// at most, as Xero requires).
pub fn batch_key<'a>(keys: impl Iterator<Item = &'a str>) -> String {
    let mut digest = Sha256::new();
    for key in keys {
        digest.update(key.as_bytes());
        digest.update(b"\n");
    }
    format!("backdesk-batch-{}", hex::encode(digest.finalize()))
}

fn created_bill(bill: &Value) -> Option<Created> {
    Some(Created {
        id: bill["InvoiceID"].as_str()?.to_owned(),
        total: decimal(&bill["Total"]),
        updated: bill["UpdatedDateUTC"].as_str().map(str::to_owned),
    })
}

/// The API and identity base URLs, from `BACKDESK_XERO_API_URL` / `BACKDESK_XERO_IDENTITY_URL`.
pub fn base_urls() -> (String, String) {
    base_urls_from_env(
        "BACKDESK_XERO_API_URL",
        "BACKDESK_XERO_IDENTITY_URL",
        DEFAULT_API_URL,
        DEFAULT_IDENTITY_URL,
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
        let http = http_client()?;
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

    /// The id of the ACCPAY bill with this invoice number from this contact (by id when mapped, else by
    /// name), if Xero has one that is not deleted or voided.
    async fn find(&mut self, bill: &Value) -> Outcome<Option<String>> {
        let invoice_number = bill["InvoiceNumber"].as_str().unwrap_or_default();
        let contact_id = bill["Contact"]["ContactID"].as_str();
        let contact_name = bill["Contact"]["Name"].as_str();
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
                && match (contact_id, contact_name) {
                    (Some(id), _) => bill["Contact"]["ContactID"]
                        .as_str()
                        .is_none_or(|theirs| theirs == id),
                    (None, Some(name)) => bill["Contact"]["Name"]
                        .as_str()
                        .is_none_or(|theirs| theirs == name),
                    (None, None) => true,
                }
                && bill["Status"].as_str() != Some("DELETED")
                && bill["Status"].as_str() != Some("VOIDED")
        });
        Ok(found
            .and_then(|bill| bill["InvoiceID"].as_str())
            .map(str::to_owned))
    }

    /// Creates `bills` in one request; answers each bill's Xero id, or why Xero refused it, in order.
    async fn create(&mut self, bills: &[Value], key: &str) -> Outcome<Vec<Result<Created, String>>> {
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
                match created_bill(bill) {
                    Some(created) if errors.is_empty() && bill["HasErrors"].as_bool() != Some(true) => {
                        Ok(created)
                    }
                    _ => Err(format!("Xero refused the bill: {}", errors.join("; "))),
                }
            })
            .collect())
    }

    /// The file names already attached to a bill.
    async fn list_attachments(&mut self, invoice_id: &str) -> Outcome<Vec<String>> {
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
    async fn upload(
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

    /// The bills `ids` as Xero has them (a deleted bill comes back with status DELETED).
    async fn read(&mut self, ids: &[String]) -> Outcome<Vec<RemoteBill>> {
        let url = format!("{}/Invoices", self.api);
        let joined = ids.join(",");
        let what = "read the status of bills in Xero";
        let response = self
            .send(what, |http, _| http.get(&url).query(&[("IDs", joined.as_str())]))
            .await?;
        let body = Self::json(what, response).await?;
        Ok(body["Invoices"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|bill| {
                let status = bill["Status"].as_str().unwrap_or_default();
                Some(RemoteBill {
                    id: bill["InvoiceID"].as_str()?.to_owned(),
                    paid: status == "PAID",
                    deleted: status == "DELETED" || status == "VOIDED",
                    total: decimal(&bill["Total"]),
                    updated: bill["UpdatedDateUTC"].as_str().map(str::to_owned),
                })
            })
            .collect())
    }

    /// Pulls one master-data collection: `Contacts`, `Accounts`, `TaxRates` or `PurchaseOrders`.
    async fn fetch(&mut self, collection: &str) -> Outcome<Vec<Value>> {
        let url = format!("{}/{collection}", self.api);
        let what = format!("pull {collection} from Xero");
        let response = self.send(&what, |http, _| http.get(&url)).await?;
        let body = Self::json(&what, response).await?;
        Ok(body[collection].as_array().cloned().unwrap_or_default())
    }
}

impl Connector for XeroClient {
    fn name(&self) -> &'static str {
        "xero"
    }

    fn batch_size(&self) -> usize {
        BATCH_SIZE
    }

    async fn find_bill(&mut self, bill: &Value) -> Outcome<Option<String>> {
        self.find(bill).await
    }

    async fn create_bills(
        &mut self,
        bills: &[Value],
        keys: &[&str],
    ) -> Outcome<Vec<Result<Created, String>>> {
        let key = batch_key(keys.iter().copied());
        self.create(bills, &key).await
    }

    async fn attachment_names(&mut self, remote_id: &str) -> Outcome<Vec<String>> {
        self.list_attachments(remote_id).await
    }

    async fn attach(
        &mut self,
        remote_id: &str,
        file_name: &str,
        media_type: &str,
        bytes: Vec<u8>,
        key: &str,
    ) -> Outcome<()> {
        self.upload(remote_id, file_name, media_type, bytes, key).await
    }

    async fn read_back(&mut self, ids: &[String]) -> Outcome<Vec<RemoteBill>> {
        self.read(ids).await
    }

    fn collections(&self) -> &'static [Collection] {
        COLLECTIONS
    }

    async fn pull(&mut self, collection: &str) -> Outcome<Vec<Value>> {
        self.fetch(collection).await
    }
}
