//! The `sync` use case: queue every approved invoice in the outbox, drain the outbox to the accounting system
//! (retrying transient failures with backoff, looking bills up before re-sending anything that may have
//! arrived), attach the originals, record `posted`, read bills back (`paid`; edited or deleted on the other
//! side → flagged and audited, never overwritten) and pull master data. The accounting system is any
//! `sync::connector::Connector` (Xero, QuickBooks Online).
//!
//! Crash safety: a job is marked `sending` (committed) before its create request goes out. A job found in
//! `sending` is looked up by invoice number and contact before it is sent again, and the create request
//! carries an `Idempotency-Key`; a job in `created` has its attachments listed before one is uploaded.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use chrono::Utc;
use serde::Serialize;
use serde_json::{json, Value};

use crate::api::Workspace;
use crate::error::{Error, Result};
use crate::intake::archive::archived_path;
use crate::model::invoice::Invoice;
use crate::model::InvoiceId;
use crate::secrets::Keychain;
use crate::store::{outbox, settings, timestamp};
use crate::sync::bill::{self, XERO_STATUSES};
use crate::sync::connector::{Connector, RemoteBill};
use crate::sync::failure::Failure;
use crate::sync::mapping::{self, Kind, Mapping};
use crate::sync::qbo::QboClient;
use crate::sync::qbo_bill;
use crate::sync::retry::Backoff;
use crate::sync::xero::XeroClient;
use crate::sync::Target;
use crate::workflow::audit::{Action, NewEntry};
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
    /// Bills found edited or deleted on the other side (flagged on the invoice, left as they are there).
    pub flagged: Vec<String>,
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

    /// The payload of the job for an approved invoice: the bill for `target` and where its original is.
    fn job_payload(
        &self,
        target: Target,
        candidate: &outbox::Candidate,
        status: &str,
        mappings: &mapping::Mappings,
        key: &str,
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
        let bill = match target {
            Target::Xero => {
                let mut bill = bill::xero_bill(&invoice, &vendor, status, candidate.invoice_id)?;
                mapping::apply_xero(&mut bill, &invoice, candidate.vendor_id.as_deref(), mappings);
                bill
            }
            Target::Qbo => qbo_bill::qbo_bill(
                &invoice,
                &vendor,
                candidate.vendor_id.as_deref(),
                mappings,
                candidate.invoice_id,
                key,
            )?,
        };
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
        let status = match target {
            Target::Xero => self.xero_status().await?,
            Target::Qbo => String::new(),
        };
        let now = timestamp(Utc::now());
        let mut queued = Vec::new();
        let mut refused = Vec::new();
        let mappings = mapping::Mappings::load(self.store().pool(), target.name()).await?;
        for candidate in outbox::candidates(self.store().pool(), target.name()).await? {
            let key = bill::idempotency_key(target.name(), candidate.invoice_id, &candidate.document_sha256);
            let payload = match self.job_payload(target, &candidate, &status, &mappings, &key) {
                Ok(payload) => payload,
                Err(error) => {
                    refused.push(error.to_string());
                    continue;
                }
            };
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

    /// Runs one sync with `target` using the credentials in `keychain`; publishes `SyncFinished` after it,
    /// whatever the outcome (the outbox may have changed either way).
    pub async fn sync(&self, target: Target, keychain: &Keychain) -> Result<SyncReport> {
        let outcome = self.sync_once(target, keychain).await;
        self.publish(crate::api::CoreEvent::SyncFinished {
            target: target.name().to_owned(),
        });
        outcome
    }

    async fn sync_once(&self, target: Target, keychain: &Keychain) -> Result<SyncReport> {
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
        match target {
            Target::Xero => {
                self.drain(XeroClient::new(keychain.clone(), credentials)?, report)
                    .await
            }
            Target::Qbo => {
                self.drain(QboClient::new(keychain.clone(), credentials)?, report)
                    .await
            }
        }
    }

    /// Drains the outbox through `client`, then reads bills back and pulls master data.
    async fn drain<C: Connector>(&self, mut client: C, mut report: SyncReport) -> Result<SyncReport> {
        let target = Target::parse(client.name())?;
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
            self.read_back(&mut client, &mut report).await?;
            self.pull_master_data(target, &mut client, &mut report).await?;
        }
        Ok(report)
    }

    /// One pass over the outbox. Answers the transient failure that interrupted it, if any.
    async fn push_round<C: Connector>(
        &self,
        target: Target,
        client: &mut C,
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
            match client.find_bill(job.bill()).await {
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
        for chunk in pending.chunks(client.batch_size().max(1)) {
            let now = timestamp(Utc::now());
            for &i in chunk {
                outbox::set_state(pool, jobs[i].row.id, "sending", None, &now).await?;
            }
            let bills: Vec<Value> = chunk.iter().map(|&i| jobs[i].bill().clone()).collect();
            let keys: Vec<&str> = chunk
                .iter()
                .map(|&i| jobs[i].row.idempotency_key.as_str())
                .collect();
            match client.create_bills(&bills, &keys).await {
                Ok(outcomes) => {
                    let now = timestamp(Utc::now());
                    for (&i, outcome) in chunk.iter().zip(outcomes) {
                        match outcome {
                            Ok(created) => {
                                let remote_id = created.id;
                                outbox::set_state(pool, jobs[i].row.id, "created", Some(&remote_id), &now)
                                    .await?;
                                // the total as created; the updated stamp is taken at the first read-back,
                                // after our own attachment upload (which may move it)
                                let total = created.total.map(|total| total.to_string());
                                outbox::set_stamp(pool, jobs[i].row.id, total.as_deref(), None, &now).await?;
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

    async fn finish_job<C: Connector>(
        &self,
        job: &Job,
        fresh: bool,
        client: &mut C,
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
            let payload = json!({"target": client.name(), "remote_id": remote_id, "idempotency_key": job.row.idempotency_key});
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

    /// Reads posted bills back: a paid bill makes its invoice `paid`; a bill edited (its total or, unpaid, its
    /// last-updated stamp changed since we posted it) or deleted on the other side is flagged on the invoice
    /// and audited, and left as it is there.
    async fn read_back<C: Connector>(&self, client: &mut C, report: &mut SyncReport) -> Result<()> {
        let pool = self.store().pool();
        let target = client.name();
        let posted = outbox::posted(pool, target).await?;
        for chunk in posted.chunks(client.read_batch_size().max(1)) {
            let ids: Vec<String> = chunk.iter().filter_map(|job| job.remote_id.clone()).collect();
            let remote = match client.read_back(&ids).await {
                Ok(remote) => remote,
                Err(failure) => {
                    eprintln!(
                        "{target}: {} — bills are read back on the next sync",
                        failure.message()
                    );
                    return Ok(());
                }
            };
            for job in chunk {
                let Some(remote_id) = job.remote_id.as_deref() else {
                    continue;
                };
                let found = remote.iter().find(|bill| bill.id == remote_id);
                match compare(job, found) {
                    Seen::Unchanged => {}
                    Seen::FirstStamp(bill) => {
                        let total = job
                            .remote_total
                            .clone()
                            .or_else(|| bill.total.map(|total| total.to_string()));
                        let now = timestamp(Utc::now());
                        outbox::set_stamp(pool, job.id, total.as_deref(), bill.updated.as_deref(), &now)
                            .await?;
                        if bill.paid {
                            self.record_paid(target, job, report).await?;
                        }
                    }
                    Seen::Paid => self.record_paid(target, job, report).await?,
                    Seen::Changed(what) => self.flag_remote_change(target, job, &what, report).await?,
                }
            }
        }
        Ok(())
    }

    async fn record_paid(&self, target: &str, job: &outbox::Job, report: &mut SyncReport) -> Result<()> {
        let payload = json!({"target": target, "remote_id": job.remote_id, "status": "PAID"});
        self.record_booking_at(
            InvoiceId(job.invoice_id),
            Event::Paid,
            "sync",
            payload,
            Utc::now(),
        )
        .await?;
        report.paid += 1;
        Ok(())
    }

    /// Flags a bill changed on the other side: on the job (so it is no longer read back as ours) and in the
    /// invoice's audit trail (shown with the invoice).
    async fn flag_remote_change(
        &self,
        target: &str,
        job: &outbox::Job,
        what: &str,
        report: &mut SyncReport,
    ) -> Result<()> {
        let now = Utc::now();
        let mut tx = self.store().begin("flag a bill changed remotely").await?;
        crate::workflow::audit::append(
            &mut tx,
            NewEntry::invoice(
                "sync",
                Action::SyncPayload,
                InvoiceId(job.invoice_id),
                json!({"target": target, "remote_id": job.remote_id, "remote_change": what}),
            ),
            now,
        )
        .await?;
        tx.commit().await.map_err(Error::database(format!(
            "record the remote change of invoice {}",
            job.invoice_id
        )))?;
        outbox::flag(self.store().pool(), job.id, what, &timestamp(now)).await?;
        report.flagged.push(format!("invoice {}: {what}", job.invoice_id));
        Ok(())
    }

    /// Pulls the connector's master data (contacts / vendors, accounts, tax codes, purchase orders).
    async fn pull_master_data<C: Connector>(
        &self,
        target: Target,
        client: &mut C,
        report: &mut SyncReport,
    ) -> Result<()> {
        for collection in client.collections() {
            let (collection, id_field, name_field) =
                (collection.name, collection.id_field, collection.name_field);
            let records = match client.pull(collection).await {
                Ok(records) => records,
                Err(failure) => {
                    eprintln!(
                        "{}: {} — pulled on the next sync",
                        target.name(),
                        failure.message()
                    );
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

/// What a read-back found about one posted bill.
enum Seen<'a> {
    /// As we posted it.
    Unchanged,
    /// The first read-back after posting (no updated stamp yet): its stamp is the baseline.
    FirstStamp(&'a RemoteBill),
    Paid,
    /// Edited or deleted there: why.
    Changed(String),
}

fn compare<'a>(job: &outbox::Job, found: Option<&'a RemoteBill>) -> Seen<'a> {
    let remote_id = job.remote_id.as_deref().unwrap_or_default();
    let Some(bill) = found.filter(|bill| !bill.deleted) else {
        return Seen::Changed(format!(
            "deleted: bill {remote_id} is no longer in the accounting system (deleted or voided there)"
        ));
    };
    let posted_total = job
        .remote_total
        .as_deref()
        .and_then(|text| text.parse::<rust_decimal::Decimal>().ok());
    if let (Some(posted), Some(now)) = (posted_total, bill.total) {
        if posted != now {
            return Seen::Changed(format!(
                "edited: bill {remote_id} now totals {now} (posted {posted})"
            ));
        }
    }
    if job.remote_updated.is_none() {
        return Seen::FirstStamp(bill);
    }
    if bill.paid {
        // a payment moves the stamp; the amount is what tells an edit
        return Seen::Paid;
    }
    if let (Some(posted), Some(now)) = (job.remote_updated.as_deref(), bill.updated.as_deref()) {
        if posted != now {
            return Seen::Changed(format!(
                "edited: bill {remote_id} was changed there at {now} (posted {posted})"
            ));
        }
    }
    Seen::Unchanged
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
        Target::Qbo => crate::sync::qbo::token_url(&crate::sync::qbo::base_urls().1),
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
