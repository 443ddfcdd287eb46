//! A stateful local QuickBooks Online (OAuth 2.0 token endpoint + Accounting API v3) for the sync tests, on a
//! std `TcpListener`, one thread per connection. It enforces the published contract as the connector must
//! meet it: `minorversion=75` on every request, a `requestid` (≤ 50 characters) on every create (the same id
//! answers the first response again and creates nothing), the required fields of `Bill` (`VendorRef` to a
//! known vendor, `Line` with `AccountBasedExpenseLineDetail.AccountRef` to a known account, `Amount`) and of
//! `Attachable` uploads (multipart `file_metadata_01` JSON with `AttachableRef` to a known bill and a
//! `FileName`, plus `file_content_01`), `Fault` error bodies, 429 `ThrottleExceeded` beyond the per-realm rate
//! (`per_window` requests in `window`) or beyond 10 requests in flight, 401 on unknown or expired access
//! tokens, and refresh-token rotation. It injects faults on a schedule (see `sync_server::Fault`).

use std::collections::{BTreeMap, HashMap};
use std::net::TcpStream;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::document_support::base64;
use super::sync_server::{
    hex_of, listen, pairs, read_request, reply, stop_listening, write_reply, Fault, Reply,
};

pub const REALM: &str = "9130357766000000";
pub const CLIENT_ID: &str = "backdesk-qbo-test-client";
pub const CLIENT_SECRET: &str = "qbo-cs-3b7e1f0a-secret";
pub const MINOR_VERSION: &str = "75";
/// The expense account the tests map every line to.
pub const EXPENSE_ACCOUNT: &str = "7";
/// A tax code the server knows.
pub const TAX_CODE: &str = "TAX19";
/// Intuit's published per-realm concurrency limit.
pub const MAX_IN_FLIGHT: usize = 10;

/// A stored upload.
#[derive(Debug, Clone)]
pub struct Upload {
    pub bill_id: String,
    pub file_name: String,
    pub sha256: String,
}

/// The server's state, for assertions.
#[derive(Debug, Default)]
pub struct State {
    pub bills: BTreeMap<u64, Value>,
    pub vendors: Vec<Value>,
    pub uploads: Vec<Upload>,
    next_id: u64,
    /// requestid → the first answer (status, body).
    answered: HashMap<String, (u16, String)>,
    refresh_tokens: Vec<String>,
    access_tokens: HashMap<String, Instant>,
    token_counter: u64,
    pub violations: Vec<String>,
    pub faults_injected: Vec<Fault>,
    schedule: BTreeMap<u64, Fault>,
    pub api_requests: u64,
    window: Vec<Instant>,
    in_flight: usize,
    pub peak_in_flight: usize,
    /// 429s answered because the client went over the rate or the concurrency limit (not injected ones).
    pub throttled: u64,
    pub creates: u64,
    pub token_refreshes: u64,
    pub issued_tokens: Vec<String>,
    clock: u64,
}

impl State {
    fn tick(&mut self) -> String {
        self.clock += 1;
        let c = self.clock;
        format!(
            "2026-11-22T{:02}:{:02}:{:02}-08:00",
            (c / 3600) % 24,
            (c / 60) % 60,
            c % 60
        )
    }

    fn new_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }
}

/// The running server.
pub struct QboServer {
    pub url: String,
    /// The server's rate window (500 requests in it at most).
    pub window: Duration,
    pub state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
}

impl QboServer {
    /// Starts the server with one valid refresh token, allowing `per_window` API requests in any `window`.
    pub fn start(initial_refresh: &str, per_window: usize, window: Duration) -> Self {
        let state = Arc::new(Mutex::new(State {
            refresh_tokens: vec![initial_refresh.to_owned()],
            issued_tokens: vec![initial_refresh.to_owned()],
            next_id: 100,
            ..State::default()
        }));
        let thread_state = state.clone();
        let (url, stop) = listen(move |stream| {
            let _ = serve(stream, &thread_state, per_window, window);
        });
        Self {
            url,
            window,
            state,
            stop,
        }
    }

    pub fn inject(&self, n: u64, fault: Fault) {
        self.state.lock().unwrap().schedule.insert(n, fault);
    }

    /// A bill paid in full in QuickBooks: its balance goes to 0 and its stamp moves.
    pub fn pay(&self, id: u64) {
        let mut state = self.state.lock().unwrap();
        let stamp = state.tick();
        if let Some(bill) = state.bills.get_mut(&id) {
            bill["Balance"] = json!(0);
            bill["MetaData"]["LastUpdatedTime"] = json!(stamp);
        }
    }

    /// A bill edited by a user in QuickBooks: its first line's amount, hence its total.
    pub fn edit_amount(&self, id: u64, amount: f64) {
        let mut state = self.state.lock().unwrap();
        let stamp = state.tick();
        if let Some(bill) = state.bills.get_mut(&id) {
            bill["Line"][0]["Amount"] = json!(amount);
            let total = total_of(bill);
            bill["TotalAmt"] = total.clone();
            bill["Balance"] = total;
            bill["SyncToken"] = json!("1");
            bill["MetaData"]["LastUpdatedTime"] = json!(stamp);
        }
    }

    /// A bill whose memo a user changed in QuickBooks: same total, a new stamp and sync token.
    pub fn edit_memo(&self, id: u64, memo: &str) {
        let mut state = self.state.lock().unwrap();
        let stamp = state.tick();
        if let Some(bill) = state.bills.get_mut(&id) {
            bill["PrivateNote"] = json!(memo);
            bill["SyncToken"] = json!("1");
            bill["MetaData"]["LastUpdatedTime"] = json!(stamp);
        }
    }

    /// A bill deleted by a user in QuickBooks (gone from queries).
    pub fn delete(&self, id: u64) {
        self.state.lock().unwrap().bills.remove(&id);
    }
}

impl Drop for QboServer {
    fn drop(&mut self) {
        stop_listening(&self.url, &self.stop);
    }
}

fn total_of(bill: &Value) -> Value {
    let cents: i64 = bill["Line"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|line| (line["Amount"].as_f64().unwrap_or(0.0) * 100.0).round() as i64)
        .sum();
    serde_json::from_str(&format!("{}.{:02}", cents / 100, cents % 100)).unwrap()
}

/// A `Fault` body as QuickBooks sends it.
fn fault(status: u16, kind: &str, code: &str, message: &str, detail: &str) -> Reply {
    reply(
        status,
        json!({"Fault": {"Error": [{"Message": message, "Detail": detail, "code": code}], "type": kind},
               "time": "2026-11-22T00:00:00.000-08:00"}),
    )
}

fn throttled() -> Reply {
    Reply {
        retry_after: Some(1),
        ..fault(
            429,
            "ThrottleExceeded",
            "003001",
            "ThrottleExceeded",
            "The request limit for this realm was exceeded",
        )
    }
}

struct Request {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn serve(
    mut stream: TcpStream,
    state: &Arc<Mutex<State>>,
    per_window: usize,
    window: Duration,
) -> std::io::Result<()> {
    let Some((method, target, headers, body)) = read_request(&mut stream)? else {
        return Ok(());
    };
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let request = Request {
        method,
        path: path.to_owned(),
        query: pairs(query),
        headers,
        body,
    };
    let outcome = if request.path == "/oauth2/v1/tokens/bearer" {
        Some(token(&request, state))
    } else if let Some(api_path) = request.path.strip_prefix(&format!("/v3/company/{REALM}/")) {
        let api_path = api_path.to_owned();
        // the concurrency limit counts requests being worked on
        let over = {
            let mut state = state.lock().unwrap();
            state.in_flight += 1;
            state.peak_in_flight = state.peak_in_flight.max(state.in_flight);
            state.in_flight > MAX_IN_FLIGHT
        };
        let answer = if over {
            let mut state = state.lock().unwrap();
            state.api_requests += 1;
            state.throttled += 1;
            Some(throttled())
        } else {
            api(&api_path, &request, state, per_window, window)
        };
        state.lock().unwrap().in_flight -= 1;
        answer
    } else {
        Some(fault(404, "SystemFault", "404", "Not found", &request.path))
    };
    let Some(reply) = outcome else {
        return Ok(());
    };
    write_reply(&mut stream, &reply)
}

fn token(request: &Request, state: &Arc<Mutex<State>>) -> Reply {
    let form = pairs(&String::from_utf8_lossy(&request.body));
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let mut state = state.lock().unwrap();
    // Intuit authenticates the client with HTTP Basic (client id : client secret)
    let expected = format!(
        "Basic {}",
        base64(format!("{CLIENT_ID}:{CLIENT_SECRET}").as_bytes())
    );
    if request.header("authorization") != Some(expected.as_str()) {
        return reply(401, json!({"error": "invalid_client"}));
    }
    if field("grant_type").as_deref() != Some("refresh_token") {
        return reply(400, json!({"error": "unsupported_grant_type"}));
    }
    let presented = field("refresh_token").unwrap_or_default();
    if !state.refresh_tokens.contains(&presented) {
        return reply(400, json!({"error": "invalid_grant"}));
    }
    state.token_counter += 1;
    state.token_refreshes += 1;
    let access = format!("qat-{:016x}-{}", state.token_counter, &hex_of(&presented)[..12]);
    let refresh = format!("qrt-{:016x}-{}", state.token_counter, &hex_of(&access)[..12]);
    // rotation: the new refresh token, and the one just presented until the new one is used
    state.refresh_tokens = vec![refresh.clone(), presented];
    state
        .access_tokens
        .insert(access.clone(), Instant::now() + Duration::from_secs(3600));
    state.issued_tokens.push(access.clone());
    state.issued_tokens.push(refresh.clone());
    reply(
        200,
        json!({"access_token": access, "refresh_token": refresh, "expires_in": 3600,
               "x_refresh_token_expires_in": 8_726_400, "token_type": "bearer"}),
    )
}

fn api(
    path: &str,
    request: &Request,
    shared: &Arc<Mutex<State>>,
    per_window: usize,
    window: Duration,
) -> Option<Reply> {
    let mut guard = shared.lock().unwrap();
    let state = &mut *guard;
    state.api_requests += 1;
    if request.param("minorversion") != Some(MINOR_VERSION) {
        state.violations.push(format!(
            "{} {path} without minorversion={MINOR_VERSION}",
            request.method
        ));
    }
    let bearer = request
        .header("authorization")
        .and_then(|a| a.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_owned();
    if state
        .access_tokens
        .get(&bearer)
        .is_none_or(|expiry| *expiry < Instant::now())
    {
        return Some(fault(
            401,
            "AUTHENTICATION",
            "3200",
            "message=AuthenticationFailed; errorCode=003200; statusCode=401",
            "Token expired",
        ));
    }
    let now = Instant::now();
    state.window.retain(|t| now.duration_since(*t) < window);
    if state.window.len() >= per_window {
        state.throttled += 1;
        return Some(throttled());
    }
    state.window.push(now);
    let fault_now = state.schedule.remove(&state.api_requests);
    if let Some(fault) = fault_now {
        state.faults_injected.push(fault);
    }
    match fault_now {
        Some(Fault::ServerError) => {
            return Some(fault(
                500,
                "SystemFault",
                "10000",
                "An application error has occurred while processing your request",
                "System Failure Error",
            ))
        }
        Some(Fault::TooManyRequests) => return Some(throttled()),
        Some(Fault::ExpiredToken) => {
            state.access_tokens.remove(&bearer);
            return Some(fault(
                401,
                "AUTHENTICATION",
                "3200",
                "AuthenticationFailed",
                "Token expired",
            ));
        }
        Some(Fault::Timeout) => {
            drop(guard);
            std::thread::sleep(Duration::from_millis(2500));
            return None;
        }
        _ => {}
    }
    let answer = route(path, request, state);
    if fault_now == Some(Fault::ResetAfterCommit) {
        return None;
    }
    Some(answer)
}

fn route(path: &str, request: &Request, state: &mut State) -> Reply {
    match (request.method.as_str(), path) {
        ("GET", "query") => query(request, state),
        ("POST", "bill" | "vendor" | "upload") => {
            let Some(request_id) = request.param("requestid").map(str::to_owned) else {
                state.violations.push(format!("POST {path} without a requestid"));
                return fault(
                    400,
                    "ValidationFault",
                    "2010",
                    "Request has invalid or unsupported property",
                    "requestid is required here",
                );
            };
            if request_id.len() > 50 {
                state
                    .violations
                    .push(format!("requestid '{request_id}' is longer than 50 characters"));
            }
            // the same requestid answers the first response again, with no state change
            if let Some((status, body)) = state.answered.get(&request_id) {
                return Reply {
                    status: *status,
                    body: body.clone(),
                    retry_after: None,
                };
            }
            let answer = match path {
                "bill" => create_bill(request, state),
                "vendor" => create_vendor(request, state),
                _ => upload(request, state),
            };
            if answer.status == 200 {
                state
                    .answered
                    .insert(request_id, (answer.status, answer.body.clone()));
            }
            answer
        }
        _ => fault(404, "ValidationFault", "610", "Object Not Found", path),
    }
}

/// Records a contract violation and answers the `ValidationFault` QuickBooks would.
fn invalid(state: &mut State, what: String) -> Reply {
    state.violations.push(what.clone());
    fault(
        400,
        "ValidationFault",
        "2020",
        "Required param missing, need to supply the required value for the API",
        &what,
    )
}

const BILL_FIELDS: &[&str] = &[
    "VendorRef",
    "Line",
    "TxnDate",
    "DueDate",
    "DocNumber",
    "CurrencyRef",
    "PrivateNote",
    "APAccountRef",
    "SalesTermRef",
    "GlobalTaxCalculation",
    "TxnTaxDetail",
    "ExchangeRate",
    "DepartmentRef",
    "LinkedTxn",
];

fn create_bill(request: &Request, state: &mut State) -> Reply {
    let Ok(bill) = serde_json::from_slice::<Value>(&request.body) else {
        return invalid(state, "Bill body is not JSON".into());
    };
    let Some(fields) = bill.as_object() else {
        return invalid(state, "Bill body is not an object".into());
    };
    if let Some(unknown) = fields.keys().find(|k| !BILL_FIELDS.contains(&k.as_str())) {
        return invalid(state, format!("Bill has an unknown or read-only field {unknown}"));
    }
    let vendor = bill["VendorRef"]["value"].as_str().unwrap_or_default();
    if !state.vendors.iter().any(|v| v["Id"] == vendor) {
        return invalid(state, format!("Bill.VendorRef.value '{vendor}' is no vendor"));
    }
    let lines = bill["Line"].as_array().cloned().unwrap_or_default();
    if lines.is_empty() {
        return invalid(state, "Bill.Line is required".into());
    }
    for line in &lines {
        if line["DetailType"] != "AccountBasedExpenseLineDetail" {
            return invalid(
                state,
                format!(
                    "Bill.Line.DetailType {} is not AccountBasedExpenseLineDetail",
                    line["DetailType"]
                ),
            );
        }
        if !line["Amount"].is_number() {
            return invalid(state, "Bill.Line.Amount must be a number".into());
        }
        let detail = &line["AccountBasedExpenseLineDetail"];
        if detail["AccountRef"]["value"] != EXPENSE_ACCOUNT {
            return invalid(
                state,
                format!(
                    "Bill.Line.AccountRef {} is no expense account",
                    detail["AccountRef"]
                ),
            );
        }
        if let Some(tax) = detail.get("TaxCodeRef") {
            if tax["value"] != TAX_CODE {
                return invalid(state, format!("Bill.Line.TaxCodeRef {tax} is no tax code"));
            }
        }
    }
    let number = bill["DocNumber"].as_str().unwrap_or_default();
    if number.chars().count() > 21 {
        return invalid(state, format!("Bill.DocNumber '{number}' is longer than 21"));
    }
    for date in ["TxnDate", "DueDate"] {
        if let Some(text) = bill.get(date) {
            if chrono::NaiveDate::parse_from_str(text.as_str().unwrap_or_default(), "%Y-%m-%d").is_err() {
                return invalid(state, format!("Bill.{date} {text} is not a date"));
            }
        }
    }
    state.creates += 1;
    let id = state.new_id();
    let stamp = state.tick();
    let mut stored = bill.clone();
    stored["Id"] = json!(id.to_string());
    stored["SyncToken"] = json!("0");
    stored["domain"] = json!("QBO");
    stored["MetaData"] = json!({"CreateTime": stamp, "LastUpdatedTime": stamp});
    let total = total_of(&stored);
    stored["TotalAmt"] = total.clone();
    stored["Balance"] = total;
    state.bills.insert(id, stored.clone());
    reply(200, json!({"Bill": stored, "time": stamp}))
}

fn create_vendor(request: &Request, state: &mut State) -> Reply {
    let Ok(vendor) = serde_json::from_slice::<Value>(&request.body) else {
        return invalid(state, "Vendor body is not JSON".into());
    };
    let Some(name) = vendor["DisplayName"].as_str().map(str::to_owned) else {
        return invalid(state, "Vendor.DisplayName is required".into());
    };
    if state.vendors.iter().any(|v| v["DisplayName"] == name.as_str()) {
        return fault(
            400,
            "ValidationFault",
            "6240",
            "Duplicate Name Exists Error",
            "The name supplied already exists",
        );
    }
    let id = state.new_id();
    let stored = json!({"Id": id.to_string(), "DisplayName": name, "SyncToken": "0", "Active": true});
    state.vendors.push(stored.clone());
    reply(200, json!({"Vendor": stored}))
}

/// The parts of a `multipart/form-data` body: (name, headers block, content).
fn parts(content_type: &str, body: &[u8]) -> Option<Vec<(String, String, Vec<u8>)>> {
    let boundary = content_type.split("boundary=").nth(1)?.trim_matches('"');
    let delimiter = format!("--{boundary}");
    let mut found = Vec::new();
    let text = body;
    let positions: Vec<usize> = text
        .windows(delimiter.len())
        .enumerate()
        .filter(|(_, w)| *w == delimiter.as_bytes())
        .map(|(i, _)| i)
        .collect();
    for pair in positions.windows(2) {
        let chunk = &text[pair[0] + delimiter.len()..pair[1]];
        let chunk = chunk.strip_prefix(b"\r\n")?;
        let split = chunk.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&chunk[..split]).into_owned();
        let content = chunk[split + 4..].strip_suffix(b"\r\n")?.to_vec();
        let name = head
            .split("name=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default()
            .to_owned();
        found.push((name, head, content));
    }
    Some(found)
}

fn upload(request: &Request, state: &mut State) -> Reply {
    let content_type = request.header("content-type").unwrap_or_default().to_owned();
    if !content_type.starts_with("multipart/form-data") {
        return invalid(state, format!("upload with Content-Type '{content_type}'"));
    }
    let Some(parts) = parts(&content_type, &request.body) else {
        return invalid(state, "upload body is not multipart".into());
    };
    let part = |name: &str| parts.iter().find(|(n, _, _)| n == name);
    let (Some(metadata), Some(file)) = (part("file_metadata_01"), part("file_content_01")) else {
        return invalid(state, "upload needs file_metadata_01 and file_content_01".into());
    };
    let Ok(attachable) = serde_json::from_slice::<Value>(&metadata.2) else {
        return invalid(state, "file_metadata_01 is not JSON".into());
    };
    let Some(file_name) = attachable["FileName"].as_str().map(str::to_owned) else {
        return invalid(state, "Attachable.FileName is required for a file".into());
    };
    let entity = &attachable["AttachableRef"][0]["EntityRef"];
    let bill_id = entity["value"].as_str().unwrap_or_default().to_owned();
    if entity["type"] != "Bill" || !state.bills.contains_key(&bill_id.parse::<u64>().unwrap_or(0)) {
        return invalid(state, format!("AttachableRef.EntityRef {entity} is no bill"));
    }
    if !file.1.contains("filename=") {
        return invalid(state, "file_content_01 has no filename".into());
    }
    let id = state.new_id();
    let sha256 = hex::encode(Sha256::digest(&file.2));
    state.uploads.push(Upload {
        bill_id: bill_id.clone(),
        file_name: file_name.clone(),
        sha256,
    });
    let stamp = state.tick();
    reply(
        200,
        json!({"AttachableResponse": [{"Attachable": {
            "Id": id.to_string(), "FileName": file_name, "Size": file.2.len(),
            "ContentType": attachable["ContentType"], "AttachableRef": attachable["AttachableRef"],
            "MetaData": {"CreateTime": stamp, "LastUpdatedTime": stamp}}}],
         "time": stamp}),
    )
}

/// A literal of the query language: `'...'` with `\'` and `\\` escapes.
fn literal(text: &str) -> Option<String> {
    let inner = text.trim().strip_prefix('\'')?.strip_suffix('\'')?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            out.push(chars.next()?);
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// `select * from Entity [where A = 'x' [and B = 'y'] | where Id in ('1', '2')] [STARTPOSITION n] [MAXRESULTS n]`.
fn query(request: &Request, state: &mut State) -> Reply {
    let statement = request.param("query").unwrap_or_default().to_owned();
    let lower = statement.to_ascii_lowercase();
    let Some(rest) = lower.strip_prefix("select * from ") else {
        return invalid(state, format!("query '{statement}' is not select * from …"));
    };
    let entity_len = rest.find(' ').unwrap_or(rest.len());
    let offset = "select * from ".len();
    let entity = &statement[offset..offset + entity_len];
    let mut tail = statement[offset + entity_len..].to_owned();
    let mut max_results = 100usize;
    let mut start = 1usize;
    for (keyword, slot) in [("MAXRESULTS", &mut max_results), ("STARTPOSITION", &mut start)] {
        if let Some(at) = tail.to_ascii_uppercase().find(keyword) {
            let value: String = tail[at + keyword.len()..]
                .trim()
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            *slot = value.parse().unwrap_or(*slot);
            tail = format!(
                "{} {}",
                &tail[..at],
                tail[at + keyword.len()..]
                    .trim_start()
                    .trim_start_matches(char::is_numeric)
            );
        }
    }
    let condition = tail.trim();
    let condition = condition
        .strip_prefix("where ")
        .or_else(|| condition.strip_prefix("WHERE "))
        .unwrap_or(condition)
        .trim();
    let rows: Vec<Value> = match entity {
        "Bill" => state.bills.values().cloned().collect(),
        "Vendor" => state.vendors.clone(),
        "Account" => vec![json!({"Id": EXPENSE_ACCOUNT, "Name": "Office Expenses", "AccountType": "Expense"})],
        "TaxCode" => vec![json!({"Id": TAX_CODE, "Name": "VAT 19%"})],
        "PurchaseOrder" => vec![json!({"Id": "501", "DocNumber": "PO-501"})],
        "Attachable" => state
            .uploads
            .iter()
            .map(|u| json!({"FileName": u.file_name, "AttachableRef": [{"EntityRef": {"type": "Bill", "value": u.bill_id}}]}))
            .collect(),
        other => return invalid(state, format!("query of unknown entity {other}")),
    };
    let field = |row: &Value, name: &str| -> Option<String> {
        if name.eq_ignore_ascii_case("AttachableRef.EntityRef.Type") {
            return row["AttachableRef"][0]["EntityRef"]["type"]
                .as_str()
                .map(str::to_owned);
        }
        if name.eq_ignore_ascii_case("AttachableRef.EntityRef.value") {
            return row["AttachableRef"][0]["EntityRef"]["value"]
                .as_str()
                .map(str::to_owned);
        }
        row[name].as_str().map(str::to_owned)
    };
    let mut filters: Vec<(String, Vec<String>)> = Vec::new();
    if !condition.is_empty() {
        for clause in condition.split(" and ") {
            let clause = clause.trim();
            if let Some((name, values)) = clause.split_once(" in ") {
                let values = values.trim().trim_start_matches('(').trim_end_matches(')');
                let list: Option<Vec<String>> = values.split(',').map(literal).collect();
                let Some(list) = list else {
                    return invalid(state, format!("query clause '{clause}' has a bad literal"));
                };
                filters.push((name.trim().to_owned(), list));
            } else if let Some((name, value)) = clause.split_once(" = ") {
                let Some(value) = literal(value) else {
                    return invalid(state, format!("query clause '{clause}' has a bad literal"));
                };
                filters.push((name.trim().to_owned(), vec![value]));
            } else {
                return invalid(state, format!("query clause '{clause}' is not understood"));
            }
        }
    }
    if max_results > 1000 {
        return invalid(state, format!("MAXRESULTS {max_results} is over 1000"));
    }
    let matching: Vec<Value> = rows
        .into_iter()
        .filter(|row| {
            filters
                .iter()
                .all(|(name, values)| field(row, name).is_some_and(|v| values.contains(&v)))
        })
        .skip(start.saturating_sub(1))
        .take(max_results)
        .collect();
    let mut response = serde_json::Map::new();
    if !matching.is_empty() {
        response.insert("startPosition".into(), json!(start));
        response.insert("maxResults".into(), json!(matching.len()));
        response.insert(entity.to_owned(), Value::Array(matching));
    }
    reply(
        200,
        json!({"QueryResponse": response, "time": "2026-11-22T00:00:00.000-08:00"}),
    )
}
