//! The `sync` use case: queue every approved invoice in the outbox, drain the outbox to the accounting system
//! (retrying transient failures with backoff, looking bills up before re-sending anything that may have
//! arrived), attach the originals, record `posted`, read payments back (`paid`) and pull master data.
//!
//! Crash safety: a job is marked `sending` (committed) before its create request goes out. A job found in
//! `sending` is looked up by invoice number and contact before it is sent again, and the create request
//! carries an `Idempotency-Key`; a job in `created` has its attachments listed before one is uploaded.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use chrono::Utc;
use serde::Serialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::api::Workspace;
use crate::error::{Error, Result};
use crate::intake::archive::archived_path;
use crate::model::invoice::Invoice;
use crate::model::InvoiceId;
use crate::secrets::Keychain;
use crate::store::{outbox, settings, timestamp};
use crate::sync::bill::{self, XERO_STATUSES};
use crate::sync::failure::Failure;
use crate::sync::mapping::{self, Kind, Mapping};
use crate::sync::retry::Backoff;
use crate::sync::xero::{XeroClient, BATCH_SIZE};
use crate::sync::Target;
use crate::workflow::state::Event;

/// The setting naming the status pushed bills get in Xero (DRAFT, SUBMITTED or AUTHORISED; default
/// AUTHORISED, since only invoices approved here are pushed).
pub const XERO_STATUS_SETTING: &str = "sync.xero.bill_status";

/// Transient failures in a row after which a run stops and leaves the jobs waiting.
const MAX_FAILURES_IN_A_ROW: u32 = 12;
/// Connection failures in a row after which a run decides it is offline.
const MAX_OFFLINE_IN_A_ROW: u32 = 3;

/// What a sync run did.
#[derive(Debug, Default, Clone, Serialize)]
pub struct SyncReport {
    pub target: String,
    /// Invoices newly queued in the outbox.
    pub queued: usize,
    /// Bills created on the other side.
    pub created: usize,
    /// Bills found already there after an interrupted send (not sent again).
    pub recovered: usize,
    pub attached: usize,
    pub posted: usize,
    pub paid: usize,
    /// Transient failures retried.
    pub retries: usize,
    /// Jobs still waiting in the outbox at the end of the run.
    pub waiting: usize,
    /// Whether the run stopped because the accounting system could not be reached.
    pub offline: bool,
    /// Invoices the other side refused for good, with why.
    pub failed: Vec<String>,
    /// Master-data records pulled, by collection.
    pub pulled: BTreeMap<String, usize>,
}

/// One job as `sync --dry-run` shows it: the exact request body and attachment.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedPush {
    pub invoice_id: i64,
    pub idempotency_key: String,
    pub state: String,
    pub payload: Value,
}

struct Job {
    row: outbox::Job,
    payload: Value,
}

impl Job {
    fn bill(&self) -> &Value {
        &self.payload["bill"]
    }
    fn number(&self) -> &str {
        self.bill()["InvoiceNumber"].as_str().unwrap_or_default()
    }
    fn contact(&self) -> &str {
        self.bill()["Contact"]["Name"].as_str().unwrap_or_default()
    }
}

impl Workspace {
    async fn xero_status(&self) -> Result<String> {
        let status = settings::get(self.store().pool(), XERO_STATUS_SETTING)
            .await?
            .unwrap_or_else(|| "AUTHORISED".to_owned());
        if !XERO_STATUSES.contains(&status.as_str()) {
            return Err(Error::InvalidData(format!(
                "setting {XERO_STATUS_SETTING} is '{status}': use DRAFT, SUBMITTED or AUTHORISED"
            )));
        }
        Ok(status)
    }

    /// The payload of the job for an approved invoice: the bill and where its original is.
    fn job_payload(
        &self,
        candidate: &outbox::Candidate,
        status: &str,
        mappings: &mapping::Mappings,
    ) -> Result<Value> {
        let invoice: Invoice = serde_json::from_str(&candidate.canonical).map_err(|error| {
            Error::InvalidData(format!(
                "invoice {} has an unreadable canonical form: {error}",
                candidate.invoice_id
            ))
        })?;
        let vendor = candidate.vendor_name.clone().ok_or_else(|| {
            Error::InvalidData(format!("invoice {} has no vendor name", candidate.invoice_id))
        })?;
        let mut bill = bill::xero_bill(&invoice, &vendor, status, candidate.invoice_id)?;
        mapping::apply_xero(&mut bill, &invoice, candidate.vendor_id.as_deref(), mappings);
        let number = invoice.number.unwrap_or_default();
        let media_type = candidate
            .media_type
            .clone()
            .unwrap_or_else(|| "application/pdf".to_owned());
        Ok(json!({
            "bill": bill,
            "attachment": {
                "file_name": bill::attachment_name(&number, Some(&media_type)),
                "media_type": media_type,
                "sha256": candidate.document_sha256,
            }
        }))
    }

    /// Queues every approved invoice that has no job yet; answers how many were queued and the refusals.
    async fn queue_approved(&self, target: Target, write: bool) -> Result<(Vec<PlannedPush>, Vec<String>)> {
        let status = self.xero_status().await?;
        let now = timestamp(Utc::now());
        let mut queued = Vec::new();
        let mut refused = Vec::new();
        let mappings = mapping::Mappings::load(self.store().pool(), target.name()).await?;
        for candidate in outbox::candidates(self.store().pool(), target.name()).await? {
            let payload = match self.job_payload(&candidate, &status, &mappings) {
                Ok(payload) => payload,
                Err(error) => {
                    refused.push(error.to_string());
                    continue;
                }
            };
            let key = bill::idempotency_key(target.name(), candidate.invoice_id, &candidate.document_sha256);
            if write {
                outbox::enqueue(
                    self.store().pool(),
                    target.name(),
                    candidate.invoice_id,
                    &key,
                    &payload.to_string(),
                    &now,
                )
                .await?;
            }
            queued.push(PlannedPush {
                invoice_id: candidate.invoice_id,
                idempotency_key: key,
                state: "pending".to_owned(),
                payload,
            });
        }
        Ok((queued, refused))
    }

    /// What `sync` would send, without sending or recording anything: the waiting jobs and the approved
    /// invoices not queued yet, each with its exact bill payload.
    pub async fn sync_plan(&self, target: Target) -> Result<Vec<PlannedPush>> {
        let mut plan: Vec<PlannedPush> = outbox::unfinished(self.store().pool(), target.name(), None)
            .await?
            .into_iter()
            .filter(|job| job.state != "failed")
            .map(|job| PlannedPush {
                invoice_id: job.invoice_id,
                idempotency_key: job.idempotency_key,
                state: job.state,
                payload: serde_json::from_str(&job.payload).unwrap_or(Value::Null),
            })
            .collect();
        plan.extend(self.queue_approved(target, false).await?.0);
        Ok(plan)
    }

    /// Records how a vendor (by our vendor id), an account code or a tax key (`S-19` or `S`) is called in
    /// `target`; jobs queued from then on use it. A vendor must exist here.
    pub async fn sync_map(&self, target: Target, kind: Kind, local_key: &str, to: &Mapping) -> Result<()> {
        let pool = self.store().pool();
        if kind == Kind::Vendor {
            let known: Option<i64> = sqlx::query_scalar("SELECT 1 FROM vendors WHERE vendor_id = ?")
                .bind(local_key)
                .fetch_optional(pool)
                .await
                .map_err(Error::database(format!("look up vendor {local_key}")))?;
            if known.is_none() {
                return Err(Error::NotFound {
                    what: "vendor",
                    id: local_key.to_owned(),
                });
            }
        }
        mapping::set(pool, target.name(), kind, local_key, to, &timestamp(Utc::now())).await
    }

    /// How many jobs wait in the outbox for `target`.
    pub async fn sync_waiting(&self, target: Target) -> Result<usize> {
        let jobs = outbox::unfinished(self.store().pool(), target.name(), None).await?;
        Ok(jobs.iter().filter(|job| job.state != "failed").count())
    }

    /// Runs one sync with `target` using the credentials in `keychain`.
    pub async fn sync(&self, target: Target, keychain: &Keychain) -> Result<SyncReport> {
        if target == Target::Qbo {
            return Err(Error::NotAvailable("sync with QuickBooks Online"));
        }
        let mut report = SyncReport {
            target: target.name().to_owned(),
            ..SyncReport::default()
        };
        let (queued, refused) = self.queue_approved(target, true).await?;
        report.queued = queued.len();
        report.failed.extend(refused);
        let credentials = keychain.load(target.name())?.ok_or_else(|| {
            Error::Keychain(format!(
                "there is no {0} connection in the OS keychain: run `backdesk connect {0}` first",
                target.name()
            ))
        })?;
        let mut client = XeroClient::new(keychain.clone(), credentials)?;
        let backoff = Backoff::from_env();
        let mut failures_in_a_row = 0u32;
        let mut offline_in_a_row = 0u32;
        // jobs whose bill this process created and that have had no failed upload: no attachment to look for
        let mut fresh: HashSet<i64> = HashSet::new();
        loop {
            let progress_before = report.created + report.recovered + report.attached + report.posted;
            let outcome = self
                .push_round(target, &mut client, &mut report, &mut fresh)
                .await?;
            if report.created + report.recovered + report.attached + report.posted > progress_before {
                // only failures in a row, without progress between them, stop a run
                failures_in_a_row = 0;
                offline_in_a_row = 0;
            }
            match outcome {
                None => break,
                Some(failure) => {
                    report.retries += 1;
                    let Failure::Transient {
                        retry_after, offline, ..
                    } = &failure
                    else {
                        return Err(Error::Remote {
                            target: target.name().to_owned(),
                            message: failure.message().to_owned(),
                        });
                    };
                    failures_in_a_row += 1;
                    offline_in_a_row = if *offline { offline_in_a_row + 1 } else { 0 };
                    if offline_in_a_row >= MAX_OFFLINE_IN_A_ROW {
                        report.offline = true;
                        break;
                    }
                    if failures_in_a_row >= MAX_FAILURES_IN_A_ROW {
                        break;
                    }
                    let delay = backoff.delay(failures_in_a_row - 1, *retry_after);
                    eprintln!(
                        "{}: {} — retrying in {} ms",
                        target.name(),
                        failure.message(),
                        delay.as_millis()
                    );
                    tokio::time::sleep(delay.min(Duration::from_secs(120))).await;
                }
            }
        }
        report.waiting = self.sync_waiting(target).await?;
        if !report.offline && report.waiting == 0 {
            self.read_payments(&mut client, &mut report).await?;
            self.pull_master_data(target, &mut client, &mut report).await?;
        }
        Ok(report)
    }

    /// One pass over the outbox. Answers the transient failure that interrupted it, if any.
    async fn push_round(
        &self,
        target: Target,
        client: &mut XeroClient,
        report: &mut SyncReport,
        fresh: &mut HashSet<i64>,
    ) -> Result<Option<Failure>> {
        let pool = self.store().pool();
        let rows = outbox::unfinished(pool, target.name(), None).await?;
        let mut jobs: Vec<Job> = rows
            .into_iter()
            .filter(|row| row.state != "failed")
            .map(|row| Job {
                payload: serde_json::from_str(&row.payload).unwrap_or(Value::Null),
                row,
            })
            .collect();
        if jobs.is_empty() {
            return Ok(None);
        }
        // 1. a job that may have reached the other side is looked up, never blindly sent again
        for job in jobs.iter_mut().filter(|job| job.row.state == "sending") {
            let now = timestamp(Utc::now());
            match client.find_bill(job.number(), job.contact()).await {
                Ok(Some(remote_id)) => {
                    outbox::set_state(pool, job.row.id, "created", Some(&remote_id), &now).await?;
                    job.row.state = "created".to_owned();
                    job.row.remote_id = Some(remote_id);
                    report.recovered += 1;
                }
                Ok(None) => {
                    outbox::set_state(pool, job.row.id, "pending", None, &now).await?;
                    job.row.state = "pending".to_owned();
                }
                Err(failure) => return self.record_failure(&job.row, failure).await,
            }
        }
        // 2. pending jobs go out in batches
        let pending: Vec<usize> = (0..jobs.len())
            .filter(|&i| jobs[i].row.state == "pending")
            .collect();
        for chunk in pending.chunks(BATCH_SIZE) {
            let now = timestamp(Utc::now());
            for &i in chunk {
                outbox::set_state(pool, jobs[i].row.id, "sending", None, &now).await?;
            }
            let bills: Vec<Value> = chunk.iter().map(|&i| jobs[i].bill().clone()).collect();
            let key = batch_key(chunk.iter().map(|&i| jobs[i].row.idempotency_key.as_str()));
            match client.create_bills(&bills, &key).await {
                Ok(outcomes) => {
                    let now = timestamp(Utc::now());
                    for (&i, outcome) in chunk.iter().zip(outcomes) {
                        match outcome {
                            Ok(remote_id) => {
                                outbox::set_state(pool, jobs[i].row.id, "created", Some(&remote_id), &now)
                                    .await?;
                                jobs[i].row.state = "created".to_owned();
                                jobs[i].row.remote_id = Some(remote_id);
                                fresh.insert(jobs[i].row.id);
                                report.created += 1;
                            }
                            Err(message) => {
                                outbox::fail(pool, jobs[i].row.id, &message, &now).await?;
                                jobs[i].row.state = "failed".to_owned();
                                report
                                    .failed
                                    .push(format!("invoice {}: {message}", jobs[i].row.invoice_id));
                            }
                        }
                    }
                }
                Err(failure) => return self.record_failure(&jobs[chunk[0]].row, failure).await,
            }
        }
        // 3. created bills get their original attached, then the invoice is recorded as posted
        for job in jobs.iter().filter(|job| job.row.state == "created") {
            if let Some(failure) = self
                .finish_job(job, fresh.contains(&job.row.id), client, report)
                .await?
            {
                // the upload may have landed before the failure: look before uploading again
                fresh.remove(&job.row.id);
                return self.record_failure(&job.row, failure).await;
            }
        }
        Ok(None)
    }

    async fn finish_job(
        &self,
        job: &Job,
        fresh: bool,
        client: &mut XeroClient,
        report: &mut SyncReport,
    ) -> Result<Option<Failure>> {
        let pool = self.store().pool();
        let remote_id = job.row.remote_id.clone().unwrap_or_default();
        let attachment = &job.payload["attachment"];
        let file_name = attachment["file_name"].as_str().unwrap_or("original.pdf");
        let already = if fresh {
            false
        } else {
            match client.attachment_names(&remote_id).await {
                Ok(names) => names.iter().any(|name| name == file_name),
                Err(failure) => return Ok(Some(failure)),
            }
        };
        if !already {
            let sha256 = attachment["sha256"].as_str().unwrap_or_default();
            let path = archived_path(&self.paths().archive, sha256);
            let bytes =
                std::fs::read(&path).map_err(|e| Error::io("read the archived original", &path, e))?;
            let media_type = attachment["media_type"].as_str().unwrap_or("application/pdf");
            let key = format!("{}-attachment", job.row.idempotency_key);
            if let Err(failure) = client
                .attach(&remote_id, file_name, media_type, bytes, &key)
                .await
            {
                return Ok(Some(failure));
            }
            report.attached += 1;
        }
        let now = Utc::now();
        if outbox::invoice_status(pool, job.row.invoice_id).await? == "approved" {
            let payload =
                json!({"target": "xero", "remote_id": remote_id, "idempotency_key": job.row.idempotency_key});
            self.record_booking_at(InvoiceId(job.row.invoice_id), Event::Posted, "sync", payload, now)
                .await?;
            report.posted += 1;
        }
        outbox::set_state(pool, job.row.id, "done", None, &timestamp(now)).await?;
        Ok(None)
    }

    async fn record_failure(&self, job: &outbox::Job, failure: Failure) -> Result<Option<Failure>> {
        let now = Utc::now();
        let next = now + chrono::Duration::seconds(5);
        outbox::reschedule(
            self.store().pool(),
            job.id,
            &timestamp(next),
            failure.message(),
            &timestamp(now),
        )
        .await?;
        Ok(Some(failure))
    }

    /// Reads the status of posted bills back; PAID bills make their invoices `paid`.
    async fn read_payments(&self, client: &mut XeroClient, report: &mut SyncReport) -> Result<()> {
        let posted = outbox::posted(self.store().pool(), "xero").await?;
        for chunk in posted.chunks(BATCH_SIZE) {
            let ids: Vec<String> = chunk.iter().filter_map(|job| job.remote_id.clone()).collect();
            let paid = match client.paid(&ids).await {
                Ok(paid) => paid,
                Err(failure) => {
                    eprintln!("xero: {} — payments are read on the next sync", failure.message());
                    return Ok(());
                }
            };
            for job in chunk
                .iter()
                .filter(|job| job.remote_id.as_ref().is_some_and(|id| paid.contains(id)))
            {
                let payload = json!({"target": "xero", "remote_id": job.remote_id, "status": "PAID"});
                self.record_booking_at(
                    InvoiceId(job.invoice_id),
                    Event::Paid,
                    "sync",
                    payload,
                    Utc::now(),
                )
                .await?;
                report.paid += 1;
            }
        }
        Ok(())
    }

    /// Pulls contacts, accounts, tax rates and purchase orders.
    async fn pull_master_data(
        &self,
        target: Target,
        client: &mut XeroClient,
        report: &mut SyncReport,
    ) -> Result<()> {
        for (collection, id_field, name_field) in [
            ("Contacts", "ContactID", "Name"),
            ("Accounts", "AccountID", "Code"),
            ("TaxRates", "TaxType", "Name"),
            ("PurchaseOrders", "PurchaseOrderID", "PurchaseOrderNumber"),
        ] {
            let records = match client.pull(collection).await {
                Ok(records) => records,
                Err(failure) => {
                    eprintln!("xero: {} — pulled on the next sync", failure.message());
                    continue;
                }
            };
            let rows: Vec<(String, Option<String>, String)> = records
                .iter()
                .filter_map(|record| {
                    let id = record[id_field].as_str()?.to_owned();
                    Some((
                        id,
                        record[name_field].as_str().map(str::to_owned),
                        record.to_string(),
                    ))
                })
                .collect();
            outbox::store_remote_records(
                self.store().pool(),
                target.name(),
                collection,
                &rows,
                &timestamp(Utc::now()),
            )
            .await?;
            report.pulled.insert(collection.to_owned(), rows.len());
        }
        Ok(())
    }
}

/// The `Idempotency-Key` of one create request: derived from the keys of the bills in it (128 characters
/// at most, as Xero requires).
fn batch_key<'a>(keys: impl Iterator<Item = &'a str>) -> String {
    let mut digest = Sha256::new();
    for key in keys {
        digest.update(key.as_bytes());
        digest.update(b"\n");
    }
    format!("backdesk-batch-{}", hex::encode(digest.finalize()))
}

/// What `backdesk connect` reads from stdin (contracts/cli.md).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ConnectInput {
    client_id: String,
    #[serde(default)]
    client_secret: Option<String>,
    refresh_token: String,
    #[serde(default)]
    tenant_id: Option<String>,
    #[serde(default)]
    realm_id: Option<String>,
}

/// Checks the credentials in `json` (one JSON object) by refreshing the token once, then stores the rotated
/// credentials in `keychain`. Nothing is written anywhere else.
pub async fn connect(target: Target, keychain: &Keychain, json: &str) -> Result<()> {
    let input: ConnectInput = serde_json::from_str(json.trim()).map_err(|error| {
        Error::Usage(format!(
            "connect {0} reads one JSON object from stdin with client_id, client_secret (optional with PKCE), \
             refresh_token and {1}: {error}",
            target.name(),
            if target == Target::Qbo { "realm_id" } else { "tenant_id" }
        ))
    })?;
    let tenant = match target {
        Target::Xero => input.tenant_id,
        Target::Qbo => input.realm_id,
    }
    .ok_or_else(|| {
        Error::Usage(format!(
            "connect {} needs {}",
            target.name(),
            if target == Target::Qbo {
                "realm_id"
            } else {
                "tenant_id"
            }
        ))
    })?;
    let credentials = crate::secrets::Credentials {
        client_id: input.client_id,
        client_secret: input.client_secret,
        refresh_token: input.refresh_token,
        tenant_id: tenant,
        access_token: None,
        access_expires_at: None,
    };
    let token_url = match target {
        Target::Xero => crate::sync::xero::token_url(&crate::sync::xero::base_urls().1),
        Target::Qbo => return Err(Error::NotAvailable("connect qbo")),
    };
    // the keychain is checked first: a refresh spends the refresh token, so it must have somewhere to go
    keychain.load(target.name())?;
    let client = crate::sync::oauth::token_client()?;
    crate::sync::oauth::refresh(
        &client,
        &token_url,
        target.name(),
        keychain,
        &credentials,
        Utc::now(),
    )
    .await
    .map_err(|failure| Error::Remote {
        target: target.name().to_owned(),
        message: format!("the credentials were not stored: {}", failure.message()),
    })?;
    Ok(())
}
