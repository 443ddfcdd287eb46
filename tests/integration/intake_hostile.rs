//! Hostile and odd inputs through the real binary: each ends `rejected` with a clear reason and the rest of
//! the batch is taken in. The 200 MB file is streamed into the archive, never held in memory.

use std::io::Write;
use std::time::Duration;

use crate::intake_support::{assert_each_file_once, files_under, sha256_of, spawn};
use crate::support::{backdesk_json, demo, write};

/// The peak resident memory (VmHWM) of a running process, in kB.
fn peak_memory_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn a_200_mb_file_is_archived_streamed_and_rejected_while_the_rest_of_the_batch_goes_on() {
    let data = tempfile::tempdir().unwrap();
    let inbox = tempfile::tempdir().unwrap();
    let huge = inbox.path().join("b-scan.pdf");
    {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&huge).unwrap());
        file.write_all(b"%PDF-1.7\n").unwrap();
        let block: Vec<u8> = (0..1024 * 1024u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 7) as u8)
            .collect();
        for _ in 0..200 {
            file.write_all(&block).unwrap();
        }
    }
    std::fs::copy(demo("inbox/bluem-20150483.xml"), inbox.path().join("a-good.xml")).unwrap();
    std::fs::copy(
        demo("inbox/enexis-1100512149.xml"),
        inbox.path().join("c-good.xml"),
    )
    .unwrap();

    let mut child = spawn(data.path(), &["ingest", inbox.path().to_str().unwrap()]);
    let pid = child.id();
    let mut peak = 0;
    let status = loop {
        if let Some(kb) = peak_memory_kb(pid) {
            peak = peak.max(kb);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    assert!(status.success());
    assert!(
        peak < 120 * 1024,
        "the 200 MB file was held in memory: peak resident {} MB",
        peak / 1024
    );

    let files = files_under(inbox.path());
    let documents = assert_each_file_once(data.path(), &files);
    let big = &documents[&huge.display().to_string()][0];
    assert_eq!(big["state"], "rejected");
    assert_eq!(big["reason"], "UNREADABLE_DOCUMENT");
    let message = big["reason_message"].as_str().unwrap();
    assert!(
        message.contains("209 MB") && message.contains("larger than"),
        "{message}"
    );
    assert_eq!(big["sha256"], sha256_of(&huge));
    for good in ["a-good.xml", "c-good.xml"] {
        assert_eq!(
            documents[&inbox.path().join(good).display().to_string()][0]["state"],
            "processed",
            "{good}"
        );
    }
}

#[test]
fn hostile_inputs_are_rejected_each_with_its_reason_and_nothing_else_is_affected() {
    let data = tempfile::tempdir().unwrap();
    let inbox = tempfile::tempdir().unwrap();
    let p = inbox.path();
    write(p, "zero.xml", "");
    write(p, "zero.pdf", "");
    write(
        p,
        "xxe.xml",
        r#"<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY e SYSTEM "file:///etc/passwd">]><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&e;</ID></Invoice>"#,
    );
    let mut laughs = String::from(r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">"#);
    for level in 1..=9 {
        let previous = if level == 1 {
            "lol".to_owned()
        } else {
            format!("lol{}", level - 1)
        };
        laughs.push_str(&format!(
            "<!ENTITY lol{level} \"{}\">",
            format!("&{previous};").repeat(10)
        ));
    }
    laughs.push_str(r#"]><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&lol9;</ID></Invoice>"#);
    write(p, "laughs.xml", laughs);
    write(
        p,
        "random.pdf",
        (0..65_536u32)
            .map(|i| (i.wrapping_mul(2_246_822_519) >> 9) as u8)
            .collect::<Vec<_>>(),
    );
    std::fs::copy(demo("inbox/koksmaat-12115118.xml"), p.join("good.xml")).unwrap();

    let report = backdesk_json(data.path(), &["ingest", p.to_str().unwrap()]);
    assert_eq!(
        (report["processed"].as_u64(), report["rejected"].as_u64()),
        (Some(1), Some(5)),
        "{report:#}"
    );
    let documents = assert_each_file_once(data.path(), &files_under(p));
    let doc = |name: &str| documents[&p.join(name).display().to_string()][0].clone();
    for (name, words) in [
        ("zero.xml", "empty"),
        ("zero.pdf", "empty"),
        ("xxe.xml", "DTD"),
        ("laughs.xml", "DTD"),
        ("random.pdf", "not a format"),
    ] {
        let d = doc(name);
        assert_eq!(
            (d["state"].as_str(), d["reason"].as_str()),
            (Some("rejected"), Some("UNREADABLE_DOCUMENT")),
            "{name}"
        );
        let message = d["reason_message"].as_str().unwrap();
        assert!(
            message.contains(words),
            "{name}: '{message}' should say '{words}'"
        );
    }
    assert_eq!(doc("good.xml")["state"], "processed");
    assert_eq!(doc("good.xml")["invoice_ids"].as_array().unwrap().len(), 1);
}
