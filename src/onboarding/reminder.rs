//! A draft reminder listing exactly what is missing: an RFC 5322 message (`.eml`, opened by any mail
//! program as a draft to send) and a `mailto:` URL (RFC 6068). Nothing is sent: the coordinator sends it.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// One line of a reminder: a missing or problem item, with its reasons.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MissingItem {
    pub label: String,
    pub due_date: chrono::NaiveDate,
    /// The reasons' sentences (empty: not received yet).
    pub problems: Vec<String>,
}

/// A draft reminder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reminder {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// The reminder to `to` (`greeting_name` opens it) about `items`.
pub fn compose(to: &str, greeting_name: &str, hire_name: &str, items: &[MissingItem]) -> Reminder {
    let subject = format!("Onboarding {hire_name}: {} item(s) still needed", items.len());
    let mut body = format!(
        "Hello {greeting_name},\r\n\r\nto complete the onboarding of {hire_name}, we still need:\r\n\r\n"
    );
    for item in items {
        body.push_str(&format!("- {} (due {})\r\n", item.label, item.due_date));
        for problem in &item.problems {
            body.push_str(&format!("    {problem}\r\n"));
        }
    }
    body.push_str("\r\nThank you.\r\n");
    Reminder {
        to: to.to_owned(),
        subject,
        body,
    }
}

impl Reminder {
    /// As an RFC 5322 message with a UTF-8 plain-text body; `from` and `now` fill the From and Date headers.
    pub fn to_eml(&self, from: &str, now: DateTime<Utc>) -> String {
        let id = format!("{}.{}@backdesk.local", now.timestamp_millis(), self.to.len());
        format!(
            "From: {from}\r\nTo: {}\r\nSubject: {}\r\nDate: {}\r\nMessage-ID: <{id}>\r\nX-Unsent: 1\r\n\
             MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\
             \r\n{}",
            self.to,
            encode_header(&self.subject),
            now.to_rfc2822(),
            self.body
        )
    }

    /// As a `mailto:` URL.
    pub fn to_mailto(&self) -> String {
        format!(
            "mailto:{}?subject={}&body={}",
            percent(&self.to, true),
            percent(&self.subject, false),
            percent(&self.body, false)
        )
    }
}

/// An RFC 2047 encoded word (`=?utf-8?q?…?=`) when the text is not plain ASCII.
fn encode_header(text: &str) -> String {
    if text.is_ascii() {
        return text.to_owned();
    }
    let mut out = String::from("=?utf-8?q?");
    for byte in text.bytes() {
        match byte {
            b' ' => out.push('_'),
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => out.push(byte as char),
            _ => out.push_str(&format!("={byte:02X}")),
        }
    }
    out.push_str("?=");
    out
}

/// Percent-encoding for a mailto URL; `address` keeps `@`.
fn percent(text: &str, address: bool) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(byte as char),
            b'@' if address => out.push('@'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reminder_lists_each_item_and_encodes_for_mail_and_url() {
        let items = vec![MissingItem {
            label: "Tax form".into(),
            due_date: "2026-03-01".parse().unwrap(),
            problems: vec!["expired".into()],
        }];
        let reminder = compose("zoe@example.com", "Zoë", "Zoë Müller", &items);
        let eml = reminder.to_eml("hr@example.com", "2026-02-01T09:00:00Z".parse().unwrap());
        assert!(
            eml.contains("Subject: =?utf-8?q?Onboarding_Zo=C3=AB_M=C3=BCller"),
            "{eml}"
        );
        assert!(eml.contains("- Tax form (due 2026-03-01)\r\n    expired\r\n"));
        let parsed = mail_parser::MessageParser::default()
            .parse(eml.as_bytes())
            .unwrap();
        assert_eq!(
            parsed.subject(),
            Some("Onboarding Zoë Müller: 1 item(s) still needed")
        );
        let url = reminder.to_mailto();
        assert!(
            url.starts_with("mailto:zoe@example.com?subject=Onboarding%20Zo%C3%AB"),
            "{url}"
        );
    }
}
