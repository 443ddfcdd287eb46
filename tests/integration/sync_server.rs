//! A stateful local Xero (identity + Accounting API) for the sync tests, on a std `TcpListener`, one thread
//! per connection. It keeps bills and attachments, honours `Idempotency-Key`, rotates refresh tokens (the
//! previous one stays valid for a grace period, as Xero's does), limits the request rate (429 with
//! `Retry-After`), validates every API request against the official OpenAPI contract, and injects faults on
//! a schedule: 500, 429, a timeout, a connection closed after the write committed, an expired token.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::sync_contract::{violations, SeenRequest};

/// An injected fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    ServerError,
    TooManyRequests,
    /// No answer until the client gives up (the write is not applied).
    Timeout,
    /// The write is applied, then the connection is closed without an answer.
    ResetAfterCommit,
    /// 401 as for an expired access token.
    ExpiredToken,
}

/// A stored attachment.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub file_name: String,
    pub sha256: String,
    pub size: usize,
}

/// The server's state, for assertions.
#[derive(Debug, Default)]
pub struct State {
    pub bills: BTreeMap<String, Value>,
    pub attachments: HashMap<String, Vec<Attachment>>,
    idempotent: HashMap<String, (u16, String)>,
    /// The current refresh token and the previous one (valid during the grace period).
    refresh_tokens: Vec<String>,
    access_tokens: HashMap<String, Instant>,
    token_counter: u64,
    pub violations: Vec<String>,
    pub faults_injected: Vec<Fault>,
    /// Faults to inject, keyed by the API request number (1-based) they hit.
    schedule: BTreeMap<u64, Fault>,
    api_requests: u64,
    window: Vec<Instant>,
    pub rate_limited: u64,
    pub creates: u64,
    pub token_refreshes: u64,
    /// Every token value ever issued (for the secrets scan).
    pub issued_tokens: Vec<String>,
    pub offline: bool,
    /// Authorization codes issued by the authorize endpoint: code → (PKCE challenge, redirect URI).
    codes: HashMap<String, (String, String)>,
    /// Drives the bills' `UpdatedDateUTC`.
    clock: u64,
}

impl State {
    /// The next "last updated" stamp (Xero's `/Date(ms+0000)/` form), strictly later than the one before.
    fn tick(&mut self) -> String {
        self.clock += 1;
        format!("/Date({}+0000)/", 1_795_000_000_000u64 + self.clock * 1000)
    }

    /// API requests received so far (token requests not counted).
    pub fn api_requests_seen(&self) -> u64 {
        self.api_requests
    }
}

/// The running server.
pub struct XeroServer {
    pub url: String,
    pub state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
}

pub const TENANT: &str = "tenant-test-0001";
pub const CLIENT_ID: &str = "backdesk-test-client";

impl XeroServer {
    /// Starts the server with one valid refresh token, `initial_refresh`, allowing `rate_limit` API requests
    /// per second before answering 429.
    pub fn start(initial_refresh: &str, rate_limit: usize) -> Self {
        let state = Arc::new(Mutex::new(State {
            refresh_tokens: vec![initial_refresh.to_owned()],
            issued_tokens: vec![initial_refresh.to_owned()],
            ..State::default()
        }));
        let thread_state = state.clone();
        let (url, stop) = listen(move |stream| {
            let _ = serve(stream, &thread_state, rate_limit);
        });
        Self { url, state, stop }
    }

    pub fn api_url(&self) -> String {
        format!("{}/api.xro/2.0", self.url)
    }

    /// Injects `fault` on API request number `n`.
    pub fn inject(&self, n: u64, fault: Fault) {
        self.state.lock().unwrap().schedule.insert(n, fault);
    }

    pub fn api_requests(&self) -> u64 {
        self.state.lock().unwrap().api_requests
    }

    /// Marks one bill PAID, as a payment in Xero would (the total stays, the updated stamp moves).
    pub fn pay(&self, invoice_id: &str) {
        let mut state = self.state.lock().unwrap();
        let stamp = state.tick();
        if let Some(bill) = state.bills.get_mut(invoice_id) {
            bill["Status"] = json!("PAID");
            bill["UpdatedDateUTC"] = json!(stamp);
        }
    }

    /// Edits one bill in Xero as a user would: its first line's amount, hence its total.
    pub fn edit_amount(&self, invoice_id: &str, line_amount: f64) {
        let mut state = self.state.lock().unwrap();
        let stamp = state.tick();
        if let Some(bill) = state.bills.get_mut(invoice_id) {
            bill["LineItems"][0]["LineAmount"] = json!(line_amount);
            bill["Total"] = total_of(bill);
            bill["UpdatedDateUTC"] = json!(stamp);
        }
    }

    /// Deletes one bill in Xero (status DELETED; Xero keeps it readable by id).
    pub fn delete(&self, invoice_id: &str) {
        let mut state = self.state.lock().unwrap();
        let stamp = state.tick();
        if let Some(bill) = state.bills.get_mut(invoice_id) {
            bill["Status"] = json!("DELETED");
            bill["UpdatedDateUTC"] = json!(stamp);
        }
    }
}

impl Drop for XeroServer {
    fn drop(&mut self) {
        stop_listening(&self.url, &self.stop);
    }
}

/// Listens on a free local port and serves each connection on its own thread with `serve`, until the
/// returned flag is set (see [`stop_listening`]); answers the server's base URL and that flag.
pub fn listen<F>(serve: F) -> (String, Arc<AtomicBool>)
where
    F: Fn(TcpStream) + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
    let url = format!("http://{}", listener.local_addr().expect("local address"));
    let stop = Arc::new(AtomicBool::new(false));
    let thread_stop = stop.clone();
    let serve = Arc::new(serve);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            if thread_stop.load(Ordering::SeqCst) {
                break;
            }
            let Ok(stream) = stream else { continue };
            let serve = serve.clone();
            std::thread::spawn(move || serve(stream));
        }
    });
    (url, stop)
}

/// Stops a server started with [`listen`]: sets its flag and wakes its accept loop with one connection.
pub fn stop_listening(url: &str, stop: &AtomicBool) {
    stop.store(true, Ordering::SeqCst);
    let _ = TcpStream::connect(url.trim_start_matches("http://"));
}

/// A JSON answer of the local servers (Xero's and QuickBooks'), with `Retry-After` when throttled.
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub retry_after: Option<u64>,
}

/// A JSON answer with no `Retry-After`.
pub fn reply(status: u16, body: Value) -> Reply {
    Reply {
        status,
        body: body.to_string(),
        retry_after: None,
    }
}

/// Writes `reply` as an HTTP/1.1 response and closes the exchange (`Connection: close`).
pub fn write_reply(stream: &mut TcpStream, reply: &Reply) -> std::io::Result<()> {
    let reason = match reply.status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        _ => "Error",
    };
    let retry = reply
        .retry_after
        .map(|s| format!("Retry-After: {s}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "HTTP/1.1 {} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{retry}Connection: close\r\n\r\n",
        reply.status,
        reply.body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(reply.body.as_bytes())?;
    stream.flush()
}

/// A raw request: method, target (path and query), headers (names lower-cased) and body.
pub type RawRequest = (String, String, Vec<(String, String)>, Vec<u8>);

pub fn read_request(stream: &mut TcpStream) -> std::io::Result<Option<RawRequest>> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header)?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((key, value)) = header.split_once(':') {
            headers.push((key.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    let length = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok(Some((method, target, headers, body)))
}

fn decode(text: &str) -> String {
    let bytes = text.replace('+', " ").into_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(byte) = u8::from_str_radix(&String::from_utf8_lossy(&bytes[i + 1..i + 3]), 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn serve(mut stream: TcpStream, state: &Arc<Mutex<State>>, rate_limit: usize) -> std::io::Result<()> {
    // one request per connection keeps the fault injection simple; reqwest reconnects
    let Some((method, target, headers, body)) = read_request(&mut stream)? else {
        return Ok(());
    };
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let request = SeenRequest {
        method,
        path: path.to_owned(),
        query: pairs(query),
        headers,
        body,
    };
    if state.lock().unwrap().offline {
        drop(stream);
        return Ok(());
    }
    if request.path == "/identity/connect/authorize" {
        return authorize(&mut stream, &request, state);
    }
    let outcome = if request.path == "/connect/token" {
        Some(token(&request, state))
    } else if let Some(api_path) = request.path.strip_prefix("/api.xro/2.0") {
        let request = SeenRequest {
            path: api_path.to_owned(),
            ..request
        };
        api(&request, state, rate_limit)
    } else {
        Some(reply(404, json!({"Message": "not found"})))
    };
    let Some(reply) = outcome else {
        // the fault closes the connection without an answer
        return Ok(());
    };
    write_reply(&mut stream, &reply)
}

fn token(request: &SeenRequest, state: &Arc<Mutex<State>>) -> Reply {
    let form = pairs(&String::from_utf8_lossy(&request.body));
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let mut state = state.lock().unwrap();
    let client_ok = field("client_id").as_deref() == Some(CLIENT_ID)
        || request
            .header("authorization")
            .is_some_and(|a| a.starts_with("Basic "));
    let presented = match field("grant_type").as_deref() {
        Some("refresh_token") => field("refresh_token").unwrap_or_default(),
        Some("authorization_code") => {
            // RFC 7636 §4.6: the verifier must hash to the challenge sent with the authorize request, the
            // redirect URI must be the same, and a code is good once
            let code = field("code").unwrap_or_default();
            let Some((challenge, redirect_uri)) = state.codes.remove(&code) else {
                return reply(400, json!({"error": "invalid_grant"}));
            };
            let verifier = field("code_verifier").unwrap_or_default();
            let derived = pkce_s256(&verifier);
            if !client_ok || derived != challenge || field("redirect_uri") != Some(redirect_uri) {
                return reply(400, json!({"error": "invalid_grant"}));
            }
            code
        }
        _ => return reply(400, json!({"error": "unsupported_grant_type"})),
    };
    if !client_ok
        || (field("grant_type").as_deref() == Some("refresh_token")
            && !state.refresh_tokens.contains(&presented))
    {
        return reply(400, json!({"error": "invalid_grant"}));
    }
    state.token_counter += 1;
    state.token_refreshes += 1;
    let access = format!(
        "xat-{:016x}-{}",
        state.token_counter,
        hex_of(&presented)[..12].to_owned()
    );
    let refresh = format!(
        "xrt-{:016x}-{}",
        state.token_counter,
        hex_of(&access)[..12].to_owned()
    );
    // rotation: the new token and the one just used (grace period) are valid, older ones are not
    state.refresh_tokens = vec![refresh.clone()];
    if field("grant_type").as_deref() == Some("refresh_token") {
        state.refresh_tokens.push(presented);
    }
    state
        .access_tokens
        .insert(access.clone(), Instant::now() + Duration::from_secs(1800));
    state.issued_tokens.push(access.clone());
    state.issued_tokens.push(refresh.clone());
    reply(
        200,
        json!({"access_token": access, "refresh_token": refresh, "expires_in": 1800, "token_type": "Bearer"}),
    )
}

/// `BASE64URL(SHA256(verifier))` without padding, written out here independently of the code under test.
fn pkce_s256(verifier: &str) -> String {
    let digest = Sha256::digest(verifier.as_bytes());
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let bits: String = digest.iter().map(|b| format!("{b:08b}")).collect();
    bits.as_bytes()
        .chunks(6)
        .map(|chunk| {
            let mut text = String::from_utf8_lossy(chunk).into_owned();
            while text.len() < 6 {
                text.push('0');
            }
            alphabet[usize::from_str_radix(&text, 2).unwrap()] as char
        })
        .collect()
}

/// The authorize endpoint as the browser sees it once the user has approved: checks the request (code
/// response type, our client, S256 challenge, a loopback redirect) and redirects to it with a one-time code
/// and the state it was given.
fn authorize(
    stream: &mut TcpStream,
    request: &SeenRequest,
    state: &Arc<Mutex<State>>,
) -> std::io::Result<()> {
    let param = |name: &str| {
        request
            .query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let redirect_uri = param("redirect_uri").unwrap_or_default();
    let valid = request.method == "GET"
        && param("response_type").as_deref() == Some("code")
        && param("client_id").as_deref() == Some(CLIENT_ID)
        && param("code_challenge_method").as_deref() == Some("S256")
        && param("code_challenge").is_some_and(|c| c.len() == 43)
        && param("state").is_some_and(|s| !s.is_empty())
        && redirect_uri.starts_with("http://127.0.0.1:");
    if !valid {
        let body = "invalid_request";
        let head = format!(
            "HTTP/1.1 400 Bad Request\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes())?;
        stream.write_all(body.as_bytes())?;
        return stream.flush();
    }
    let mut state = state.lock().unwrap();
    state.token_counter += 1;
    let code = format!("code-{:08x}", state.token_counter);
    state.codes.insert(
        code.clone(),
        (param("code_challenge").unwrap_or_default(), redirect_uri.clone()),
    );
    drop(state);
    let state_param: String = param("state")
        .unwrap_or_default()
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let location = format!("{redirect_uri}?code={code}&state={state_param}");
    let head = format!(
        "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes())?;
    stream.flush()
}

pub fn hex_of(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn api(request: &SeenRequest, state: &Arc<Mutex<State>>, rate_limit: usize) -> Option<Reply> {
    let mut guard = state.lock().unwrap();
    let state = &mut *guard;
    state.api_requests += 1;
    for violation in violations(request) {
        state.violations.push(violation);
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
        return Some(reply(
            401,
            json!({"Title": "Unauthorized", "Detail": "TokenExpired"}),
        ));
    }
    if request.header("xero-tenant-id") != Some(TENANT) {
        return Some(reply(403, json!({"Title": "Forbidden"})));
    }
    let now = Instant::now();
    state
        .window
        .retain(|t| now.duration_since(*t) < Duration::from_secs(1));
    if state.window.len() >= rate_limit {
        state.rate_limited += 1;
        return Some(Reply {
            status: 429,
            body: json!({"Title": "Rate limit exceeded"}).to_string(),
            retry_after: Some(1),
        });
    }
    state.window.push(now);
    let number = state.api_requests;
    let fault = state.schedule.remove(&number);
    if let Some(fault) = fault {
        state.faults_injected.push(fault);
    }
    match fault {
        Some(Fault::ServerError) => return Some(reply(500, json!({"Title": "Internal error"}))),
        Some(Fault::TooManyRequests) => {
            return Some(Reply {
                status: 429,
                body: json!({"Title": "Rate limit exceeded"}).to_string(),
                retry_after: Some(1),
            })
        }
        Some(Fault::ExpiredToken) => {
            state.access_tokens.remove(&bearer);
            return Some(reply(
                401,
                json!({"Title": "Unauthorized", "Detail": "TokenExpired"}),
            ));
        }
        Some(Fault::Timeout) => {
            drop(guard);
            std::thread::sleep(Duration::from_millis(2500));
            return None;
        }
        _ => {}
    }
    let answer = route(request, state);
    if fault == Some(Fault::ResetAfterCommit) {
        return None;
    }
    Some(answer)
}

fn route(request: &SeenRequest, state: &mut State) -> Reply {
    let segments: Vec<&str> = request.path.trim_matches('/').split('/').collect();
    let key = request.header("idempotency-key").map(str::to_owned);
    if let Some(key) = &key {
        if let Some((status, body)) = state.idempotent.get(key) {
            return Reply {
                status: *status,
                body: body.clone(),
                retry_after: None,
            };
        }
    }
    let answer = match (request.method.as_str(), segments.as_slice()) {
        ("PUT", ["Invoices"]) => create_bills(request, state),
        ("GET", ["Invoices"]) => list_bills(request, state),
        ("GET", ["Invoices", id, "Attachments"]) => {
            let list: Vec<Value> = state
                .attachments
                .get(*id)
                .into_iter()
                .flatten()
                .map(|a| json!({"FileName": a.file_name, "ContentLength": a.size}))
                .collect();
            reply(200, json!({"Attachments": list}))
        }
        ("PUT", ["Invoices", id, "Attachments", name]) => {
            if !state.bills.contains_key(*id) {
                return reply(404, json!({"Message": "no such invoice"}));
            }
            let attachment = Attachment {
                file_name: decode(name),
                sha256: hex::encode(Sha256::digest(&request.body)),
                size: request.body.len(),
            };
            let list = state.attachments.entry((*id).to_owned()).or_default();
            // Xero replaces an attachment uploaded again under the same name
            list.retain(|a| a.file_name != attachment.file_name);
            list.push(attachment.clone());
            reply(200, json!({"Attachments": [{"FileName": attachment.file_name}]}))
        }
        ("GET", ["Contacts"]) => reply(
            200,
            json!({"Contacts": [{"ContactID": "c-1", "Name": "Acme GmbH"}]}),
        ),
        ("GET", ["Accounts"]) => reply(200, json!({"Accounts": [{"AccountID": "a-1", "Code": "400"}]})),
        ("GET", ["TaxRates"]) => reply(
            200,
            json!({"TaxRates": [{"TaxType": "INPUT", "Name": "VAT on purchases"}]}),
        ),
        ("GET", ["PurchaseOrders"]) => reply(
            200,
            json!({"PurchaseOrders": [{"PurchaseOrderID": "p-1", "PurchaseOrderNumber": "PO-1"}]}),
        ),
        _ => reply(404, json!({"Message": "not found"})),
    };
    if let Some(key) = key {
        if answer.status == 200 {
            state.idempotent.insert(key, (answer.status, answer.body.clone()));
        }
    }
    answer
}

fn create_bills(request: &SeenRequest, state: &mut State) -> Reply {
    let Ok(body) = serde_json::from_slice::<Value>(&request.body) else {
        return reply(400, json!({"Message": "body is not JSON"}));
    };
    let mut created = Vec::new();
    for bill in body["Invoices"].as_array().into_iter().flatten() {
        state.creates += 1;
        let id = format!("inv-{:06}", state.bills.len() + 1);
        let mut stored = bill.clone();
        stored["InvoiceID"] = json!(id);
        stored["Total"] = total_of(&stored);
        stored["UpdatedDateUTC"] = json!(state.tick());
        state.bills.insert(id, stored.clone());
        created.push(stored);
    }
    reply(200, json!({"Invoices": created}))
}

fn list_bills(request: &SeenRequest, state: &State) -> Reply {
    let query = |name: &str| {
        request
            .query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let numbers: Option<Vec<String>> =
        query("InvoiceNumbers").map(|v| v.split(',').map(str::to_owned).collect());
    let ids: Option<Vec<String>> = query("IDs").map(|v| v.split(',').map(str::to_owned).collect());
    let statuses: Option<Vec<String>> = query("Statuses").map(|v| v.split(',').map(str::to_owned).collect());
    let found: Vec<&Value> = state
        .bills
        .values()
        .filter(|bill| {
            let number = bill["InvoiceNumber"].as_str().unwrap_or_default().to_owned();
            let id = bill["InvoiceID"].as_str().unwrap_or_default().to_owned();
            let status = bill["Status"].as_str().unwrap_or_default().to_owned();
            numbers.as_ref().is_none_or(|n| n.contains(&number))
                && ids.as_ref().is_none_or(|i| i.contains(&id))
                && statuses.as_ref().is_none_or(|s| s.contains(&status))
        })
        .collect();
    reply(200, json!({"Invoices": found}))
}

/// A bill's total as Xero computes it for `LineAmountTypes` Exclusive without tax rates here: the sum of the
/// line amounts, rounded to cents.
fn total_of(bill: &Value) -> Value {
    let cents: i64 = bill["LineItems"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|line| (line["LineAmount"].as_f64().unwrap_or(0.0) * 100.0).round() as i64)
        .sum();
    serde_json::from_str(&format!("{}.{:02}", cents / 100, cents % 100)).unwrap()
}
