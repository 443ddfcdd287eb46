//! A validator of HTTP requests against Xero's official OpenAPI files (`../shared/contracts/xero/`): the
//! path must exist, the method be an operation of it, required parameters be present, no undeclared query
//! parameter be sent, query values have their declared type, and a JSON body match the request schema —
//! types, enums, required properties, and no property the schema does not declare (a typo'd field is
//! silently dropped by Xero, so the contract check is stricter than Xero).

use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::Value;

/// The Accounting API spec, parsed once.
pub fn accounting_spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = contracts_dir().join("xero_accounting.yaml");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("parse {}: {e}", path.display()))
    })
}

fn contracts_dir() -> PathBuf {
    let local = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/contracts/xero");
    if local.exists() {
        local
    } else {
        PathBuf::from("/work/shared/contracts/xero")
    }
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct SeenRequest {
    pub method: String,
    /// The path below the API base (`/Invoices/…`).
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl SeenRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

fn resolve<'a>(spec: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference.trim_start_matches('#');
            let target = spec
                .pointer(pointer)
                .unwrap_or_else(|| panic!("unresolvable $ref {reference}"));
            resolve(spec, target)
        }
        None => node,
    }
}

/// The path template (`/Invoices/{InvoiceID}`) matching a concrete path, preferring literal segments, then
/// templates that have the method (`/Attachments/{AttachmentID}` and `/Attachments/{FileName}` look alike).
fn match_path<'a>(spec: &'a Value, path: &str, method: &str) -> Option<(&'a str, &'a Value)> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let mut best: Option<(usize, &str, &Value)> = None;
    for (template, item) in spec["paths"].as_object()? {
        let parts: Vec<&str> = template.trim_matches('/').split('/').collect();
        if parts.len() != segments.len() {
            continue;
        }
        let mut literal = if item.get(method).is_some() { 1 } else { 0 };
        let fits = parts.iter().zip(&segments).all(|(part, segment)| {
            if part.starts_with('{') {
                true
            } else if part.eq_ignore_ascii_case(segment) {
                literal += 2;
                true
            } else {
                false
            }
        });
        if fits && best.is_none_or(|(score, _, _)| literal > score) {
            best = Some((literal, template, item));
        }
    }
    best.map(|(_, template, item)| (template, item))
}

/// Every way `request` breaks the contract (empty when it conforms).
pub fn violations(request: &SeenRequest) -> Vec<String> {
    let spec = accounting_spec();
    let mut found = Vec::new();
    let label = format!("{} {}", request.method, request.path);
    let Some((template, item)) = match_path(spec, &request.path, &request.method.to_ascii_lowercase()) else {
        return vec![format!("{label}: no such path in the Xero Accounting API")];
    };
    let Some(operation) = item.get(request.method.to_ascii_lowercase()) else {
        return vec![format!("{label}: {template} has no {} operation", request.method)];
    };
    let mut parameters: Vec<&Value> = Vec::new();
    for list in [&item["parameters"], &operation["parameters"]] {
        for parameter in list.as_array().into_iter().flatten() {
            parameters.push(resolve(spec, parameter));
        }
    }
    for parameter in &parameters {
        let name = parameter["name"].as_str().unwrap_or_default();
        let required = parameter["required"].as_bool().unwrap_or(false);
        match parameter["in"].as_str() {
            Some("query") => {
                let value = request.query.iter().find(|(key, _)| key == name).map(|(_, v)| v);
                if required && value.is_none() {
                    found.push(format!("{label}: required query parameter {name} missing"));
                }
                if let Some(value) = value {
                    let kind = resolve(spec, &parameter["schema"])["type"]
                        .as_str()
                        .unwrap_or("string");
                    let ok = match kind {
                        "integer" => value.parse::<i64>().is_ok(),
                        "boolean" => value == "true" || value == "false",
                        _ => true,
                    };
                    if !ok {
                        found.push(format!("{label}: query {name}={value} is not a {kind}"));
                    }
                }
            }
            Some("header") if required && request.header(name).is_none() => {
                found.push(format!("{label}: required header {name} missing"));
            }
            _ => {}
        }
    }
    for (key, _) in &request.query {
        let declared = parameters
            .iter()
            .any(|p| p["in"].as_str() == Some("query") && p["name"].as_str() == Some(key));
        if !declared {
            found.push(format!("{label}: query parameter {key} is not in the contract"));
        }
    }
    let body_spec = resolve(spec, &operation["requestBody"]);
    if request.body.is_empty() {
        if body_spec["required"].as_bool() == Some(true) {
            found.push(format!("{label}: the request body is required"));
        }
        return found;
    }
    let content = &body_spec["content"];
    if content.is_null() {
        found.push(format!("{label}: the operation takes no body"));
        return found;
    }
    let is_json = request.header("content-type").is_some_and(|t| t.contains("json"));
    if is_json {
        let Some(schema) = content.get("application/json").map(|c| &c["schema"]) else {
            found.push(format!("{label}: JSON body where the contract takes {content}"));
            return found;
        };
        match serde_json::from_slice::<Value>(&request.body) {
            Ok(body) => check(spec, schema, &body, &format!("{label} body"), &mut found),
            Err(error) => found.push(format!("{label}: the body is not JSON: {error}")),
        }
    } else if content.get("application/octet-stream").is_none() {
        found.push(format!("{label}: binary body where the contract takes {content}"));
    }
    found
}

/// Checks `value` against `schema`, pushing violations labelled with the JSON path.
fn check(spec: &Value, schema: &Value, value: &Value, at: &str, found: &mut Vec<String>) {
    let schema = resolve(spec, schema);
    if let Some(options) = schema["enum"].as_array() {
        if !options.contains(value) {
            found.push(format!("{at}: {value} is not one of the allowed values"));
        }
    }
    let kind = schema["type"]
        .as_str()
        .or_else(|| schema.get("properties").map(|_| "object"));
    match kind {
        Some("object") => {
            let Some(object) = value.as_object() else {
                found.push(format!("{at}: expected an object, got {value}"));
                return;
            };
            let properties = schema["properties"].as_object();
            for required in schema["required"].as_array().into_iter().flatten() {
                let name = required.as_str().unwrap_or_default();
                if !object.contains_key(name) {
                    found.push(format!("{at}: required property {name} missing"));
                }
            }
            for (name, child) in object {
                match properties.and_then(|p| p.get(name)) {
                    Some(child_schema) => check(spec, child_schema, child, &format!("{at}.{name}"), found),
                    None if schema.get("additionalProperties").is_some() => {}
                    None => found.push(format!("{at}: property {name} is not in the contract")),
                }
            }
        }
        Some("array") => match value.as_array() {
            Some(items) => {
                for (index, item) in items.iter().enumerate() {
                    check(spec, &schema["items"], item, &format!("{at}[{index}]"), found);
                }
            }
            None => found.push(format!("{at}: expected an array, got {value}")),
        },
        Some("string") if !value.is_string() => found.push(format!("{at}: expected a string, got {value}")),
        Some("number") if !value.is_number() => found.push(format!("{at}: expected a number, got {value}")),
        Some("integer") if !(value.is_i64() || value.is_u64()) => {
            found.push(format!("{at}: expected an integer, got {value}"));
        }
        Some("boolean") if !value.is_boolean() => {
            found.push(format!("{at}: expected a boolean, got {value}"))
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: &str, path: &str, query: &[(&str, &str)], body: Option<Value>) -> SeenRequest {
        SeenRequest {
            method: method.to_owned(),
            path: path.to_owned(),
            query: query
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            headers: vec![
                ("xero-tenant-id".to_owned(), "t".to_owned()),
                ("content-type".to_owned(), "application/json".to_owned()),
            ],
            body: body.map(|b| b.to_string().into_bytes()).unwrap_or_default(),
        }
    }

    #[test]
    fn the_validator_accepts_a_conforming_bill_and_names_each_breach() {
        let bill = serde_json::json!({"Invoices": [{"Type": "ACCPAY", "Contact": {"Name": "Acme"},
            "InvoiceNumber": "A-1", "Date": "2026-01-02", "Status": "AUTHORISED", "LineAmountTypes": "Exclusive",
            "LineItems": [{"Description": "x", "Quantity": 1, "UnitAmount": 10.5, "LineAmount": 10.5}]}]});
        let good = request(
            "PUT",
            "/Invoices",
            &[("summarizeErrors", "false")],
            Some(bill.clone()),
        );
        assert_eq!(violations(&good), Vec::<String>::new());

        let mut typo = bill.clone();
        typo["Invoices"][0]["InvoiceNumbr"] = serde_json::json!("A-1");
        assert!(violations(&request("PUT", "/Invoices", &[], Some(typo)))[0].contains("InvoiceNumbr"));
        let mut bad_enum = bill.clone();
        bad_enum["Invoices"][0]["Status"] = serde_json::json!("APPROVED");
        assert!(violations(&request("PUT", "/Invoices", &[], Some(bad_enum)))[0].contains("allowed values"));
        let mut bad_type = bill;
        bad_type["Invoices"][0]["LineItems"][0]["Quantity"] = serde_json::json!("1");
        assert!(
            violations(&request("PUT", "/Invoices", &[], Some(bad_type)))[0].contains("expected a number")
        );
        assert!(!violations(&request("GET", "/Bills", &[], None)).is_empty());
        assert!(!violations(&request("DELETE", "/Invoices", &[], None)).is_empty());
        assert!(
            violations(&request("GET", "/Invoices", &[("invoiceNumber", "A-1")], None))[0]
                .contains("invoiceNumber")
        );
        let mut missing_tenant = request("GET", "/Invoices", &[], None);
        missing_tenant.headers.retain(|(k, _)| k != "xero-tenant-id");
        assert!(violations(&missing_tenant)[0].contains("xero-tenant-id"));
    }
}
