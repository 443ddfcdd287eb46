//! The QuickBooks Online Accounting API connector: bills created one per request with QuickBooks' `requestid`
//! idempotency (the job's key), looked up by `DocNumber` + vendor before any re-send, originals uploaded as
//! `Attachable`s (multipart `/upload`, `AttachableRef` to the bill), read-back through the query endpoint
//! (`Balance` 0 → paid), and Vendor / Account / PurchaseOrder / TaxCode pulls. Every request carries the
//! pinned `minorversion`, goes to the realm's company URL, passes the per-realm limiter (500 a minute, 10 at
//! once) and a fresh access token (refreshed, with rotation, on expiry or 401).
//!
//! Base URLs: `BACKDESK_QBO_API_URL` (default `https://quickbooks.api.intuit.com`) and
//! `BACKDESK_QBO_IDENTITY_URL` (default `https://oauth.platform.intuit.com`, token endpoint
//! `/oauth2/v1/tokens/bearer`). `BACKDESK_QBO_RATE_WINDOW_MS` shortens the limiter's minute (tests only).

use std::collections::HashMap;
use std::time::Duration;

use chrono::Utc;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::secrets::{Credentials, Keychain};
use crate::sync::connector::{
    base_urls_from_env, decimal, http_client, Collection, Connector, Created, Outcome, RemoteBill,
};
use crate::sync::failure::Failure;
use crate::sync::limiter::{Limiter, QBO_CONCURRENT, QBO_PER_MINUTE};
use crate::sync::oauth;

/// The production Accounting API base URL.
pub const DEFAULT_API_URL: &str = "https://quickbooks.api.intuit.com";
/// The production OAuth 2.0 base URL.
pub const DEFAULT_IDENTITY_URL: &str = "https://oauth.platform.intuit.com";
/// The minor version every request pins (75: the only one QuickBooks honours since August 2025).
pub const MINOR_VERSION: &str = "75";
/// Bill ids per read-back query (the query endpoint answers up to 1,000 rows).
const READ_BATCH: usize = 100;
/// Rows per master-data page.
const PAGE: usize = 1000;

const COLLECTIONS: &[Collection] = &[
    Collection {
        name: "Vendor",
        id_field: "Id",
        name_field: "DisplayName",
    },
    Collection {
        name: "Account",
        id_field: "Id",
        name_field: "Name",
    },
    Collection {
        name: "PurchaseOrder",
        id_field: "Id",
        name_field: "DocNumber",
    },
    Collection {
        name: "TaxCode",
        id_field: "Id",
        name_field: "Name",
    },
];

/// The API and identity base URLs, from `BACKDESK_QBO_API_URL` / `BACKDESK_QBO_IDENTITY_URL`.
pub fn base_urls() -> (String, String) {
    base_urls_from_env(
        "BACKDESK_QBO_API_URL",
        "BACKDESK_QBO_IDENTITY_URL",
        DEFAULT_API_URL,
        DEFAULT_IDENTITY_URL,
    )
}

/// The token endpoint under an identity base URL.
pub fn token_url(identity: &str) -> String {
    format!("{identity}/oauth2/v1/tokens/bearer")
}

/// A string literal of QuickBooks' query language: single-quoted, quotes and backslashes escaped.
pub fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// QuickBooks' longest `requestid`.
pub const REQUEST_ID_MAX: usize = 50;

/// `key` as a `requestid`: itself when short enough, else a digest of it (still one per key).
pub fn request_id(key: &str) -> String {
    if key.len() <= REQUEST_ID_MAX {
        return key.to_owned();
    }
    format!("backdesk-{}", &hex::encode(Sha256::digest(key.as_bytes()))[..40])
}

/// The `requestid` of a vendor creation: derived from the name, so a retried creation is recognised.
fn vendor_request_id(name: &str) -> String {
    let digest = Sha256::digest(name.as_bytes());
    format!("backdesk-vendor-{}", &hex::encode(digest)[..24])
}

/// The human-readable part of a QuickBooks `Fault` body, or the body's start.
fn fault_message(body: &str) -> String {
    let parsed: Option<Value> = serde_json::from_str(body).ok();
    let errors: Vec<String> = parsed
        .as_ref()
        .and_then(|value| value["Fault"]["Error"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .map(|error| {
            format!(
                "{} ({}){}",
                error["Message"].as_str().unwrap_or("error"),
                error["code"].as_str().unwrap_or("?"),
                error["Detail"]
                    .as_str()
                    .map(|detail| format!(": {detail}"))
                    .unwrap_or_default()
            )
        })
        .collect();
    if errors.is_empty() {
        body.chars().take(300).collect()
    } else {
        errors.join("; ")
    }
}

/// A connected QuickBooks Online company (realm).
pub struct QboClient {
    http: reqwest::Client,
    company: String,
    identity: String,
    keychain: Keychain,
    credentials: Credentials,
    limiter: Limiter,
    /// Vendor display name → QuickBooks vendor id, resolved once per run.
    vendors: HashMap<String, String>,
}

impl QboClient {
    /// A client for the realm in `credentials`; the request timeout is `BACKDESK_SYNC_TIMEOUT_MS` (default
    /// 30 s).
    pub fn new(keychain: Keychain, credentials: Credentials) -> crate::Result<Self> {
        let (api, identity) = base_urls();
        let window = std::env::var("BACKDESK_QBO_RATE_WINDOW_MS")
            .ok()
            .and_then(|value| value.parse::<u64>().ok())
            .map_or(Duration::from_secs(60), Duration::from_millis);
        let http = http_client()?;
        let company = format!("{api}/v3/company/{}", credentials.tenant_id);
        Ok(Self {
            http,
            company,
            identity,
            keychain,
            credentials,
            // a twentieth of the window as margin: the server counts arrivals, which trail our starts unevenly
            limiter: Limiter::new(QBO_PER_MINUTE, window + window / 20, QBO_CONCURRENT),
            vendors: HashMap::new(),
        })
    }

    async fn refresh(&mut self) -> Outcome<()> {
        self.credentials = oauth::refresh(
            &self.http,
            &token_url(&self.identity),
            "qbo",
            &self.keychain,
            &self.credentials,
            Utc::now(),
        )
        .await?;
        Ok(())
    }

    /// Sends the request `build` makes for `path` under the company URL (with `minorversion` added),
    /// within the limiter, refreshing the token first when it has expired and once more on a 401. Answers
    /// the response body as JSON; a `Fault` in a 200 answer is a refusal.
    async fn send<F>(&mut self, what: &str, path: &str, build: F) -> Outcome<Value>
    where
        F: Fn(&reqwest::Client, &str) -> reqwest::RequestBuilder,
    {
        if oauth::needs_refresh(&self.credentials, Utc::now()) {
            self.refresh().await?;
        }
        let url = format!("{}/{path}", self.company);
        for attempt in 0..2 {
            let token = self.credentials.access_token.clone().unwrap_or_default();
            let permit = self.limiter.acquire().await;
            let sent = build(&self.http, &url)
                .query(&[("minorversion", MINOR_VERSION)])
                .bearer_auth(&token)
                .header("Accept", "application/json")
                .send()
                .await;
            let response = match sent {
                Ok(response) => response,
                Err(error) => return Err(Failure::from_transport(what, &error)),
            };
            let status = response.status();
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned);
            let body = response.text().await.map_err(|error| Failure::Transient {
                message: format!("{what}: the response could not be read: {error}"),
                retry_after: None,
                offline: false,
            });
            drop(permit);
            let body = body?;
            if status.is_success() {
                let value: Value = serde_json::from_str(&body).map_err(|error| Failure::Transient {
                    message: format!("{what}: the response is not JSON: {error}"),
                    retry_after: None,
                    offline: false,
                })?;
                if value.get("Fault").is_some() {
                    return Err(Failure::Permanent(format!(
                        "{what}: QuickBooks refused it: {}",
                        fault_message(&body)
                    )));
                }
                return Ok(value);
            }
            let failure = Failure::from_status(what, status, retry_after.as_deref(), &fault_message(&body));
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

    /// Runs one query (`select … from Entity …`) and answers the entity's rows.
    async fn query(&mut self, what: &str, entity: &str, statement: &str) -> Outcome<Vec<Value>> {
        let body = self
            .send(what, "query", |http, url| {
                http.get(url).query(&[("query", statement)])
            })
            .await?;
        Ok(body["QueryResponse"][entity]
            .as_array()
            .cloned()
            .unwrap_or_default())
    }

    /// The id of the vendor called `name`, if QuickBooks has one.
    async fn vendor_named(&mut self, name: &str) -> Outcome<Option<String>> {
        if let Some(id) = self.vendors.get(name) {
            return Ok(Some(id.clone()));
        }
        let statement = format!("select * from Vendor where DisplayName = {}", quote(name));
        let rows = self
            .query(
                &format!("look up vendor '{name}' in QuickBooks"),
                "Vendor",
                &statement,
            )
            .await?;
        let found = rows
            .iter()
            .find(|vendor| vendor["DisplayName"].as_str() == Some(name))
            .and_then(|vendor| vendor["Id"].as_str())
            .map(str::to_owned);
        if let Some(id) = &found {
            self.vendors.insert(name.to_owned(), id.clone());
        }
        Ok(found)
    }

    /// The vendor id of `bill`: its `VendorRef.value`, else the vendor of that name, created when missing
    /// (as Xero creates a contact for an unknown name).
    async fn vendor_for(&mut self, bill: &Value) -> Outcome<String> {
        if let Some(id) = bill["VendorRef"]["value"].as_str() {
            return Ok(id.to_owned());
        }
        let name = bill["VendorRef"]["name"].as_str().unwrap_or_default().to_owned();
        if let Some(id) = self.vendor_named(&name).await? {
            return Ok(id);
        }
        let request_id = vendor_request_id(&name);
        let what = format!("create vendor '{name}' in QuickBooks");
        let body = json!({ "DisplayName": name });
        let answer = self
            .send(&what, "vendor", |http, url| {
                http.post(url)
                    .query(&[("requestid", request_id.as_str())])
                    .json(&body)
            })
            .await?;
        let id = answer["Vendor"]["Id"]
            .as_str()
            .ok_or_else(|| Failure::Transient {
                message: format!("{what}: the answer has no vendor id"),
                retry_after: None,
                offline: false,
            })?
            .to_owned();
        self.vendors.insert(name, id.clone());
        Ok(id)
    }

    async fn create_one(&mut self, bill: &Value, key: &str) -> Outcome<Result<Created, String>> {
        let vendor = match self.vendor_for(bill).await {
            Ok(vendor) => vendor,
            Err(Failure::Permanent(message)) => return Ok(Err(message)),
            Err(failure) => return Err(failure),
        };
        let mut body = bill.clone();
        body["VendorRef"]["value"] = json!(vendor);
        let number = bill["DocNumber"].as_str().unwrap_or_default();
        let what = format!("create bill {number} in QuickBooks");
        let request_id = request_id(key);
        let answer = match self
            .send(&what, "bill", |http, url| {
                http.post(url)
                    .query(&[("requestid", request_id.as_str())])
                    .json(&body)
            })
            .await
        {
            Ok(answer) => answer,
            // a validation fault refuses this bill only
            Err(Failure::Permanent(message)) => return Ok(Err(message)),
            Err(failure) => return Err(failure),
        };
        let created = &answer["Bill"];
        match created["Id"].as_str() {
            Some(id) => Ok(Ok(Created {
                id: id.to_owned(),
                total: decimal(&created["TotalAmt"]),
                updated: created["MetaData"]["LastUpdatedTime"].as_str().map(str::to_owned),
            })),
            None => Err(Failure::Transient {
                message: format!("{what}: the answer has no bill id"),
                retry_after: None,
                offline: false,
            }),
        }
    }
}

/// A `multipart/form-data` body with the Attachable metadata part and the file part, as `/upload` takes them.
fn upload_body(metadata: &Value, file_name: &str, media_type: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let digest = Sha256::digest(bytes);
    let boundary = format!("backdesk-{}", &hex::encode(digest)[..32]);
    let mut body = Vec::new();
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file_metadata_01\"\r\nContent-Type: \
             application/json; charset=UTF-8\r\n\r\n{metadata}\r\n"
        )
        .as_bytes(),
    );
    let safe_name = file_name.replace(['"', '\r', '\n'], "_");
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file_content_01\"; filename=\"{safe_name}\"\r\n\
             Content-Type: {media_type}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

impl Connector for QboClient {
    fn name(&self) -> &'static str {
        "qbo"
    }

    fn batch_size(&self) -> usize {
        // QuickBooks creates one bill per request: each job is marked `sending` on its own
        1
    }

    fn read_batch_size(&self) -> usize {
        READ_BATCH
    }

    async fn find_bill(&mut self, bill: &Value) -> Outcome<Option<String>> {
        let number = bill["DocNumber"].as_str().unwrap_or_default().to_owned();
        let vendor = match bill["VendorRef"]["value"].as_str() {
            Some(id) => Some(id.to_owned()),
            None => {
                let name = bill["VendorRef"]["name"].as_str().unwrap_or_default().to_owned();
                self.vendor_named(&name).await?
            }
        };
        // no such vendor: no bill of it either
        let Some(vendor) = vendor else { return Ok(None) };
        let statement = format!("select * from Bill where DocNumber = {}", quote(&number));
        let rows = self
            .query(
                &format!("look up bill {number} in QuickBooks"),
                "Bill",
                &statement,
            )
            .await?;
        Ok(rows
            .iter()
            .find(|row| {
                row["DocNumber"].as_str() == Some(number.as_str())
                    && row["VendorRef"]["value"].as_str() == Some(vendor.as_str())
            })
            .and_then(|row| row["Id"].as_str())
            .map(str::to_owned))
    }

    async fn create_bills(
        &mut self,
        bills: &[Value],
        keys: &[&str],
    ) -> Outcome<Vec<Result<Created, String>>> {
        let mut outcomes = Vec::new();
        for (bill, key) in bills.iter().zip(keys) {
            outcomes.push(self.create_one(bill, key).await?);
        }
        Ok(outcomes)
    }

    async fn attachment_names(&mut self, remote_id: &str) -> Outcome<Vec<String>> {
        let statement = format!(
            "select * from Attachable where AttachableRef.EntityRef.Type = 'Bill' and \
             AttachableRef.EntityRef.value = {}",
            quote(remote_id)
        );
        let rows = self
            .query(
                &format!("list the attachments of QuickBooks bill {remote_id}"),
                "Attachable",
                &statement,
            )
            .await?;
        Ok(rows
            .iter()
            .filter_map(|row| row["FileName"].as_str().map(str::to_owned))
            .collect())
    }

    async fn attach(
        &mut self,
        remote_id: &str,
        file_name: &str,
        media_type: &str,
        bytes: Vec<u8>,
        key: &str,
    ) -> Outcome<()> {
        let metadata = json!({
            "AttachableRef": [{"EntityRef": {"type": "Bill", "value": remote_id}}],
            "FileName": file_name,
            "ContentType": media_type,
        });
        let (content_type, body) = upload_body(&metadata, file_name, media_type, &bytes);
        let what = format!("attach {file_name} to QuickBooks bill {remote_id}");
        let request_id = request_id(key);
        let answer = self
            .send(&what, "upload", |http, url| {
                http.post(url)
                    .query(&[("requestid", request_id.as_str())])
                    .header("Content-Type", content_type.as_str())
                    .body(body.clone())
            })
            .await?;
        let uploaded = answer["AttachableResponse"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|item| item.get("Attachable").is_some());
        if uploaded {
            Ok(())
        } else {
            Err(Failure::Permanent(format!(
                "{what}: QuickBooks refused it: {}",
                fault_message(&answer.to_string())
            )))
        }
    }

    async fn read_back(&mut self, ids: &[String]) -> Outcome<Vec<RemoteBill>> {
        let list: Vec<String> = ids.iter().map(|id| quote(id)).collect();
        let statement = format!(
            "select * from Bill where Id in ({}) MAXRESULTS {}",
            list.join(", "),
            ids.len().max(1)
        );
        let rows = self
            .query("read the status of bills in QuickBooks", "Bill", &statement)
            .await?;
        Ok(rows
            .iter()
            .filter_map(|row| {
                Some(RemoteBill {
                    id: row["Id"].as_str()?.to_owned(),
                    paid: decimal(&row["Balance"]).is_some_and(|balance| balance.is_zero()),
                    deleted: false,
                    total: decimal(&row["TotalAmt"]),
                    updated: row["MetaData"]["LastUpdatedTime"].as_str().map(str::to_owned),
                })
            })
            .collect())
    }

    fn collections(&self) -> &'static [Collection] {
        COLLECTIONS
    }

    async fn pull(&mut self, collection: &str) -> Outcome<Vec<Value>> {
        let mut all = Vec::new();
        loop {
            let statement = format!(
                "select * from {collection} STARTPOSITION {} MAXRESULTS {PAGE}",
                all.len() + 1
            );
            let rows = self
                .query(
                    &format!("pull {collection} from QuickBooks"),
                    collection,
                    &statement,
                )
                .await?;
            let full = rows.len() == PAGE;
            all.extend(rows);
            if !full {
                return Ok(all);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_fit_quickbooks_and_stay_one_per_key() {
        assert_eq!(request_id("backdesk-qbo-7-ab12"), "backdesk-qbo-7-ab12");
        let long = format!("backdesk-qbo-123456789-{}-attachment", "f".repeat(16));
        assert!(request_id(&long).len() <= REQUEST_ID_MAX);
        assert_eq!(request_id(&long), request_id(&long));
        assert_ne!(request_id(&long), request_id(&format!("{long}x")));
    }

    #[test]
    fn query_literals_escape_quotes_and_backslashes() {
        assert_eq!(quote("O'Brien \\ Co"), "'O\\'Brien \\\\ Co'");
    }

    #[test]
    fn faults_are_summarised_with_their_code_and_detail() {
        let body = r#"{"Fault":{"Error":[{"Message":"Duplicate Document Number Error","Detail":"use another","code":"6140"}],"type":"ValidationFault"},"time":"2026-11-22T00:00:00Z"}"#;
        assert_eq!(
            fault_message(body),
            "Duplicate Document Number Error (6140): use another"
        );
        assert_eq!(fault_message("plain"), "plain");
    }

    #[test]
    fn the_upload_body_has_the_metadata_and_the_file_part() {
        let (content_type, body) = upload_body(
            &json!({"FileName": "a.pdf"}),
            "a.pdf",
            "application/pdf",
            b"%PDF-1.4",
        );
        let boundary = content_type.split("boundary=").nth(1).unwrap();
        let text = String::from_utf8_lossy(&body);
        assert!(text.starts_with(&format!("--{boundary}\r\n")));
        assert!(text.contains("name=\"file_metadata_01\""));
        assert!(
            text.contains("name=\"file_content_01\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf")
        );
        assert!(text.contains("%PDF-1.4\r\n"));
        assert!(text.ends_with(&format!("--{boundary}--\r\n")));
    }
}
