//! The onboarding test set, generated here (no hand-written expected outputs): synthetic ID cards,
//! right-to-work papers, tax forms, bank-details forms, contracts and policy acknowledgements in English,
//! German and French, written as real text PDFs with lopdf, or as scans — the PDF rasterised with poppler's
//! `pdftoppm`, rotated and noised, wrapped as an image-only PDF that intake must OCR with tesseract — plus
//! unreadable noise pages and e-mails carrying a document.

use std::path::Path;
use std::process::Command;

use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, Stream, StringFormat};

use crate::document_support::{finish_pdf, image_pdf, mime_base64, read_pgm};

/// The kinds of document the generator writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    IdCard,
    Passport,
    WorkPermit,
    TaxForm,
    BankDetails,
    Contract,
    PolicyAck,
}

/// The language of a document's labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    De,
    Fr,
}

/// One synthetic document.
#[derive(Debug, Clone)]
pub struct Spec {
    pub kind: Kind,
    pub lang: Lang,
    /// Given names, surname of the holder as printed.
    pub holder: (&'static str, &'static str),
    pub number: &'static str,
    pub birth: &'static str,
    pub issue: &'static str,
    pub expiry: &'static str,
    /// Pages written (a contract's footer declares `declared_pages`).
    pub pages: u32,
    pub declared_pages: u32,
    pub signed: bool,
}

impl Spec {
    pub fn new(kind: Kind, lang: Lang, holder: (&'static str, &'static str)) -> Self {
        Self {
            kind,
            lang,
            holder,
            number: "L01X00T47",
            birth: "12.08.1990",
            issue: "03.02.2021",
            expiry: "02.02.2031",
            pages: 1,
            declared_pages: 1,
            signed: true,
        }
    }
}

fn label(lang: Lang, en: &'static str, de: &'static str, fr: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::De => de,
        Lang::Fr => fr,
    }
}

/// The lines of each page of a document.
pub fn pages(spec: &Spec) -> Vec<Vec<String>> {
    let l = spec.lang;
    let (given, surname) = spec.holder;
    let full = format!("{given} {surname}");
    let mut first: Vec<String> = Vec::new();
    match spec.kind {
        Kind::IdCard | Kind::Passport => {
            let title = match spec.kind {
                Kind::IdCard => label(
                    l,
                    "NATIONAL IDENTITY CARD",
                    "PERSONALAUSWEIS",
                    "CARTE NATIONALE D'IDENTITÉ",
                ),
                _ => label(l, "PASSPORT", "REISEPASS", "PASSEPORT"),
            };
            first.push(title.to_owned());
            first.push(format!(
                "{}: {}",
                label(l, "Surname", "Name", "Nom"),
                surname.to_uppercase()
            ));
            first.push(format!(
                "{}: {}",
                label(l, "Given names", "Vornamen", "Prénoms"),
                given.to_uppercase()
            ));
            first.push(format!(
                "{}: {}",
                label(l, "Document No", "Ausweisnummer", "Numéro du document"),
                spec.number
            ));
            first.push(format!(
                "{}: {}",
                label(l, "Date of birth", "Geburtsdatum", "Date de naissance"),
                spec.birth
            ));
            first.push(format!(
                "{}: {}",
                label(l, "Date of issue", "Ausstellungsdatum", "Date de délivrance"),
                spec.issue
            ));
            first.push(format!(
                "{}: {}",
                label(l, "Date of expiry", "Gültig bis", "Date d'expiration"),
                spec.expiry
            ));
        }
        Kind::WorkPermit => {
            first.push(label(l, "WORK PERMIT", "ARBEITSERLAUBNIS", "AUTORISATION DE TRAVAIL").to_owned());
            first.push(format!("{}: {full}", label(l, "Name", "Name", "Nom")));
            first.push(format!(
                "{}: {}",
                label(l, "Permit No", "Dokumentnummer", "Numéro"),
                spec.number
            ));
            first.push(format!(
                "{}: {}",
                label(l, "Valid until", "Gültig bis", "Valable jusqu'au"),
                spec.expiry
            ));
        }
        Kind::TaxForm => {
            first.push(
                label(
                    l,
                    "TAX FORM - Tax identification",
                    "Lohnsteuer - Steuer-ID",
                    "Formulaire fiscal - numéro fiscal",
                )
                .to_owned(),
            );
            first.push(format!("{}: {full}", label(l, "Employee name", "Name", "Nom")));
            first.push(format!(
                "{}: {}",
                label(l, "Tax ID", "Steuer-ID", "Numéro fiscal"),
                spec.number
            ));
            first.push(format!(
                "{}: {}",
                label(l, "Date of birth", "Geburtsdatum", "Date de naissance"),
                spec.birth
            ));
        }
        Kind::BankDetails => {
            first.push(label(l, "BANK DETAILS FORM", "BANKVERBINDUNG", "COORDONNÉES BANCAIRES").to_owned());
            first.push(format!(
                "{}: {full}",
                label(l, "Account holder", "Kontoinhaber", "Titulaire du compte")
            ));
            first.push("IBAN: DE89 3704 0044 0532 0130 00".to_owned());
            first.push("BIC: COBADEFFXXX".to_owned());
        }
        Kind::Contract => {
            first.push(label(l, "EMPLOYMENT CONTRACT", "ARBEITSVERTRAG", "CONTRAT DE TRAVAIL").to_owned());
            first.push(format!(
                "{}: {full}",
                label(l, "Employee", "Arbeitnehmer", "Salarié")
            ));
            first.push(
                label(
                    l,
                    "The employer engages the employee as engineer.",
                    "Der Arbeitgeber stellt den Arbeitnehmer ein.",
                    "L'employeur engage le salarié.",
                )
                .to_owned(),
            );
        }
        Kind::PolicyAck => {
            first.push(
                label(
                    l,
                    "POLICY ACKNOWLEDGEMENT",
                    "KENNTNISNAHME DER RICHTLINIEN",
                    "ACCUSÉ DE RÉCEPTION - POLITIQUE",
                )
                .to_owned(),
            );
            first.push(format!(
                "{}: {full}",
                label(l, "Employee", "Mitarbeiter", "Salarié")
            ));
            first.push(
                label(
                    l,
                    "I acknowledge the code of conduct.",
                    "Ich bestätige die Richtlinien.",
                    "Je reconnais avoir lu la politique.",
                )
                .to_owned(),
            );
        }
    }
    let mut out = vec![first];
    for _ in 1..spec.pages {
        out.push(vec![label(
            l,
            "Terms continued.",
            "Fortsetzung der Bedingungen.",
            "Suite des conditions.",
        )
        .to_owned()]);
    }
    if matches!(spec.kind, Kind::Contract | Kind::PolicyAck) {
        let sign = label(l, "Signature", "Unterschrift", "Signature");
        let value = if spec.signed {
            full.clone()
        } else {
            "________".to_owned()
        };
        if let Some(last) = out.last_mut() {
            last.push(format!("{sign}: {value}"));
        }
    }
    if spec.declared_pages > 1 {
        for (i, page) in out.iter_mut().enumerate() {
            let footer = label(l, "Page {} of {}", "Seite {} von {}", "Page {} sur {}");
            page.push(footer.replacen("{}", &(i + 1).to_string(), 1).replacen(
                "{}",
                &spec.declared_pages.to_string(),
                1,
            ));
        }
    }
    out
}

/// Latin-1 bytes for WinAnsi text (the generator writes only Latin-1 characters).
fn latin1(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect()
}

/// A text PDF: each page's lines in Helvetica 14 pt (WinAnsi), A4.
pub fn text_pdf(pages: &[Vec<String>]) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    let mut kids = Vec::new();
    for lines in pages {
        let mut operations = vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 14.into()]),
            Operation::new("TL", vec![22.into()]),
            Operation::new("Td", vec![60.into(), 760.into()]),
        ];
        for line in lines {
            operations.push(Operation::new(
                "Tj",
                vec![Object::String(latin1(line), StringFormat::Literal)],
            ));
            operations.push(Operation::new("T*", vec![]));
        }
        operations.push(Operation::new("ET", vec![]));
        let content = Content { operations };
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
        kids.push(Object::from(doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font_id } },
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        })));
    }
    finish_pdf(doc, pages_id, kids)
}

/// A scan of `pdf`: each page rasterised at 200 dpi grey by pdftoppm, rotated by `degrees` with noise, and
/// wrapped as an image-only PDF (no text layer: intake must OCR it).
pub fn scan(pdf: &[u8], degrees: f64, work: &Path) -> Vec<u8> {
    std::fs::create_dir_all(work).unwrap();
    let source = work.join("source.pdf");
    std::fs::write(&source, pdf).unwrap();
    let status = Command::new("pdftoppm")
        .args(["-r", "200", "-gray"])
        .arg(&source)
        .arg(work.join("page"))
        .status()
        .expect("pdftoppm (poppler-utils) is installed");
    assert!(status.success(), "pdftoppm failed");
    let mut files: Vec<_> = std::fs::read_dir(work)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("page"))
        .collect();
    files.sort();
    let images: Vec<(usize, usize, Vec<u8>)> = files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let (w, h, pixels) = read_pgm(&std::fs::read(f).unwrap());
            std::fs::remove_file(f).unwrap();
            (w, h, degrade(w, h, &pixels, degrees, 24, i as u64 + 7))
        })
        .collect();
    image_pdf(&images)
}

/// An unreadable scan: one page of pure noise.
pub fn noise_scan() -> Vec<u8> {
    let (w, h) = (1240, 1754);
    let base = vec![200u8; w * h];
    image_pdf(&[(w, h, degrade(w, h, &base, 0.0, 120, 99))])
}

/// Rotates about the centre (nearest sample, white outside) and adds uniform noise of ±`noise` levels.
fn degrade(w: usize, h: usize, pixels: &[u8], degrees: f64, noise: u64, seed: u64) -> Vec<u8> {
    let (sin, cos) = degrees.to_radians().sin_cos();
    let (cx, cy) = (w as f64 / 2.0, h as f64 / 2.0);
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut out = vec![255u8; w * h];
    for y in 0..h {
        for x in 0..w {
            let (dx, dy) = (x as f64 - cx, y as f64 - cy);
            let (sx, sy) = (cos * dx + sin * dy + cx, -sin * dx + cos * dy + cy);
            let value = if sx >= 0.0 && sy >= 0.0 && (sx as usize) < w && (sy as usize) < h {
                f64::from(pixels[sy as usize * w + sx as usize])
            } else {
                255.0
            };
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let n = ((state >> 33) % (2 * noise + 1)) as f64 - noise as f64;
            out[y * w + x] = (value + n).clamp(0.0, 255.0) as u8;
        }
    }
    out
}

/// An e-mail from `from` with `subject` carrying one PDF attachment.
pub fn email(from: &str, subject: &str, name: &str, pdf: &[u8]) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: onboarding@company.example\r\nSubject: {subject}\r\n\
         Date: Mon, 02 Mar 2026 09:15:00 +0000\r\nMessage-ID: <{name}@example>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b0undary\"\r\n\r\n--b0undary\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nPlease find my document attached.\r\n\
         --b0undary\r\nContent-Type: application/pdf; name=\"{name}\"\r\n\
         Content-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n\
         --b0undary--\r\n",
        mime_base64(pdf)
    )
    .into_bytes()
}
