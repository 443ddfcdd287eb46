//! Template-free visual extraction: the words and boxes of a page (text layer or OCR) to the fields and lines
//! of contracts/extraction.md, each with a calibrated confidence, its page and its box.
//!
//! The pipeline: [`layout`] groups words into lines and cells; [`labels`] knows what invoices in six
//! languages write before their values; [`candidates`] finds values beside or under labels; [`ids`] finds
//! IBANs and VAT ids by shape; [`parties`] finds the seller's and buyer's names; [`totals`] chooses the totals
//! that add up; [`select`] and [`confidence`] choose each value and say how sure that is. Nothing here knows
//! any vendor: no templates, no file names.

pub mod candidates;
pub mod confidence;
pub mod currency;
pub mod dates;
pub mod ids;
pub mod invoice;
pub mod labels;
pub mod layout;
pub mod lines;
pub mod memory;
pub mod numbers;
pub mod parties;
pub mod select;
pub mod totals;

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::formats::pdf_text::PdfText;
use crate::model::extraction::{Extraction, ExtractionMethod, FieldValue};
use crate::model::invoice::DocumentType;

use candidates::{labelled, Candidate, Kind};
use dates::DateOrder;
use layout::Line;
use parties::Party;
use select::{best, Choice};

/// The header fields of contracts/extraction.md.
pub const FIELD_NAMES: &[&str] = &[
    "invoice_number",
    "type_code",
    "issue_date",
    "due_date",
    "currency",
    "seller_name",
    "seller_vat_id",
    "buyer_name",
    "buyer_reference",
    "purchase_order_reference",
    "iban",
    "total_net",
    "total_tax",
    "total_gross",
    "amount_due",
];

/// An amount as the contract writes it: plain, `.` as decimal separator, at least two decimals.
pub fn money_text(value: Decimal) -> String {
    let mut v = value.normalize();
    if v.scale() < 2 {
        v.rescale(2);
    }
    v.to_string()
}

/// Extracts an invoice's fields, reading first where the vendor's learnt layout (if one of `layouts` is this
/// document's vendor's) says each field is.
pub fn extract_with_layouts(
    source: &str,
    method: ExtractionMethod,
    text: &PdfText,
    layouts: &[memory::VendorLayout],
) -> Extraction {
    let mut extraction = extract(source, method, text);
    let keys = memory::vendor_keys(&extraction);
    let Some(vendor) = layouts.iter().find(|l| keys.contains(&l.vendor_key)) else {
        return extraction;
    };
    let lines = layout::lines(text);
    let currency = extraction.fields.get("currency").map(|c| c.value.clone());
    let words: Vec<&str> = lines
        .iter()
        .flat_map(|l| l.words.iter().map(|w| w.text.as_str()))
        .collect();
    let order = dates::document_order(&words, currency.as_deref());
    let mut changed = false;
    for learnt in &vendor.fields {
        if let Some(choice) = best(&memory::candidates(&lines, learnt, order)) {
            extraction.fields.insert(learnt.field.clone(), field(&choice));
            changed = true;
        }
    }
    if changed {
        extraction.invoice = Some(invoice::from_fields(&extraction.fields, extraction.document_type));
    }
    extraction
}

/// Extracts an invoice's fields from the positioned words of a document.
pub fn extract(source: &str, method: ExtractionMethod, text: &PdfText) -> Extraction {
    let lines = layout::lines(text);
    let mut fields: BTreeMap<String, FieldValue> = BTreeMap::new();
    let mut put = |name: &str, choice: Option<Choice>| {
        if let Some(choice) = choice {
            fields.insert(name.to_owned(), field(&choice));
        }
    };

    let currency = currency_choice(&lines);
    let currency_code = currency.as_ref().map(|c| c.value.clone());
    let all_words: Vec<&str> = lines
        .iter()
        .flat_map(|l| l.words.iter().map(|w| w.text.as_str()))
        .collect();
    let order = dates::document_order(&all_words, currency_code.as_deref());

    put("currency", currency);
    let (number, number_lines) = invoice_number(&lines, order);
    put("invoice_number", number);
    let due = best(&labelled(&lines, labels::DUE_DATE, Kind::Date, order));
    put(
        "issue_date",
        issue_date(&lines, order, due.as_ref(), &number_lines),
    );
    put("due_date", due);
    put(
        "purchase_order_reference",
        best(&labelled(&lines, labels::PURCHASE_ORDER, Kind::Id, order)),
    );
    put(
        "buyer_reference",
        best(&labelled(&lines, labels::BUYER_REFERENCE, Kind::Id, order)),
    );

    let mut items = lines::extract(&lines);
    let lines_sum = items
        .iter()
        .map(|item| {
            item.get("net_amount")
                .and_then(|a| a.value.parse::<Decimal>().ok())
        })
        .sum::<Option<Decimal>>()
        .filter(|_| !items.is_empty());
    let totals = totals::resolve(
        &labelled(&lines, labels::TOTAL_NET, Kind::Amount, order),
        &labelled(&lines, labels::TOTAL_TAX, Kind::Amount, order),
        &labelled(&lines, labels::TOTAL_GROSS, Kind::Amount, order),
        &labelled(&lines, labels::AMOUNT_DUE, Kind::Amount, order),
        lines_sum,
    );
    put("total_net", totals.net);
    put("total_tax", totals.tax);
    put("total_gross", totals.gross);
    put("amount_due", totals.due);

    let sections = parties::sections(&lines);
    put("iban", iban(&lines));
    put("seller_vat_id", seller_vat_id(&lines, &sections));
    put(
        "seller_name",
        best(&parties::names(&lines, &sections, Party::Seller)),
    );
    put(
        "buyer_name",
        best(&parties::names(&lines, &sections, Party::Buyer)),
    );

    let (type_code, type_confidence) = type_code(&lines);
    let document_type = DocumentType::from_type_code(&type_code);
    // a credit note prints its amounts as negative; the document type already says they reduce what is owed
    if document_type == DocumentType::CreditNote {
        for name in ["total_net", "total_tax", "total_gross", "amount_due"] {
            if let Some(field) = fields.get_mut(name) {
                if let Some(positive) = field.value.strip_prefix('-') {
                    field.value = positive.to_owned();
                }
            }
        }
        for item in &mut items {
            for name in ["unit_price", "net_amount"] {
                if let Some(field) = item.get_mut(name) {
                    if let Some(positive) = field.value.strip_prefix('-') {
                        field.value = positive.to_owned();
                    }
                }
            }
        }
    }
    fields.insert(
        "type_code".to_owned(),
        FieldValue {
            value: type_code,
            confidence: type_confidence,
            page: None,
            bbox: None,
        },
    );
    let invoice = invoice::from_fields(&fields, document_type);
    Extraction {
        source: source.to_owned(),
        method,
        document_type,
        fields,
        lines: items,
        invoice: Some(invoice),
        findings: Vec::new(),
        warnings: Vec::new(),
    }
}

fn field(choice: &Choice) -> FieldValue {
    FieldValue {
        value: choice.value.clone(),
        confidence: confidence::of(choice),
        page: Some(choice.best.page),
        bbox: Some(choice.best.bbox),
    }
}

fn candidate_at(line: &Line, index: usize, start: usize, end: usize, value: String, score: f64) -> Candidate {
    let bbox = layout::union(&line.words[start..end]);
    Candidate {
        value,
        page: line.page,
        bbox,
        score,
        line: index,
        label_line: index,
        label_bbox: bbox,
    }
}

/// The currency: a labelled code (`Währung: EUR`) first, else the code or symbol printed most often.
fn currency_choice(lines: &[Line]) -> Option<Choice> {
    let labels: &'static [labels::Label] = &[
        ("currency", 1.0),
        ("währung", 1.0),
        ("devise", 1.0),
        ("monnaie", 1.0),
        ("valuta", 1.0),
        ("moneda", 1.0),
        ("divisa", 1.0),
    ];
    let mut found = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let labelled_at: Vec<usize> = labels::find(line, labels).iter().map(|h| h.end).collect();
        for (i, word) in line.words.iter().enumerate() {
            let code = currency::code_of(&word.text)
                .or_else(|| numbers::parse_number(&word.text).and_then(|_| currency::glued_code(&word.text)));
            if let Some(code) = code {
                let near_label = labelled_at.iter().any(|end| i >= *end && i <= end + 2);
                let score = if near_label { 1.0 } else { 0.5 };
                found.push(candidate_at(line, index, i, i + 1, code.to_owned(), score));
            }
        }
    }
    let mut pools = select::grouped(&found);
    // the most frequent unlabelled code wins over a rarer one
    for pool in &mut pools {
        pool.score += (pool.support as f64).ln() * 0.1;
    }
    pools.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut choice = pools.into_iter().next()?;
    choice.confirmed = choice.support >= 3;
    Some(choice)
}

/// The invoice number: beside a number label; a document title followed by an id counts as a label too.
/// The chosen number and every line that states it.
fn invoice_number(lines: &[Line], order: DateOrder) -> (Option<Choice>, Vec<usize>) {
    let mut found = labelled(lines, labels::INVOICE_NUMBER, Kind::Id, order);
    // a compound title before a number word: `Baurechnung Nr.`, `Proforma-Invoice No`
    for (index, line) in lines.iter().enumerate() {
        for i in 1..line.words.len() {
            let title = labels::squash(&line.words[i - 1].text);
            let filler = labels::squash(&line.words[i].text);
            if TITLE_ENDINGS.iter().any(|t| title.ends_with(t) && title != *t)
                && labels::FILLER.contains(&filler.as_str())
            {
                let range = candidates::right_of(line, i + 1, Kind::Id);
                if let Some((value, r)) = candidates::read(&line.words, range, Kind::Id, order) {
                    let mut c = candidate_at(line, index, r.start, r.end, value, 0.9);
                    c.label_bbox = layout::union(&line.words[i - 1..=i]);
                    found.push(c);
                }
            }
        }
    }
    for c in &mut found {
        // the header of the first page is where the number is printed
        if c.page == 1 {
            c.score += 0.05;
        }
    }
    let choice = best(&found);
    let stated_on = choice
        .as_ref()
        .map(|chosen| {
            found
                .iter()
                .filter(|c| c.value == chosen.value)
                .map(|c| c.label_line)
                .collect()
        })
        .unwrap_or_default();
    (choice, stated_on)
}

/// The issue date: beside a date label (not a due-date or delivery-date label), else the first date on the
/// first page.
fn issue_date(
    lines: &[Line],
    order: DateOrder,
    due: Option<&Choice>,
    number_lines: &[usize],
) -> Option<Choice> {
    let other_labels: &'static [labels::Label] = &[
        ("lieferdatum", 1.0),
        ("leistungsdatum", 1.0),
        ("liefer und leistungsdatum", 1.0),
        ("delivery date", 1.0),
        ("date de livraison", 1.0),
        ("leverdatum", 1.0),
        ("fecha de entrega", 1.0),
        ("data di consegna", 1.0),
        ("order date", 1.0),
        ("orderdatum", 1.0),
        ("bestelldatum", 1.0),
        ("date de commande", 1.0),
    ];
    let excluded: Vec<(usize, [f64; 4])> = labelled(lines, other_labels, Kind::Date, order)
        .into_iter()
        .chain(labelled(lines, labels::DUE_DATE, Kind::Date, order))
        .map(|c| (c.line, c.bbox))
        .collect();
    let mut found: Vec<Candidate> = labelled(lines, labels::ISSUE_DATE, Kind::Date, order)
        .into_iter()
        .filter(|c| {
            !excluded
                .iter()
                .any(|(line, bbox)| *line == c.line && *bbox == c.bbox)
        })
        .map(|mut c| {
            // `Rechnung Nr. 4711 vom 05.03.2018`: a plain `date`/`vom` beside the invoice number is its date
            if number_lines.contains(&c.label_line) {
                c.score += 0.35;
            }
            c
        })
        // `Stylesheet-Version 2.0 vom 18.10.2018` dates a version, not the invoice
        .filter(|c| {
            !lines[c.label_line]
                .words
                .iter()
                .any(|w| labels::squash(&w.text).ends_with("version"))
        })
        .collect();
    if found.is_empty() {
        for (index, line) in lines.iter().enumerate().filter(|(_, l)| l.page == 1) {
            for i in 0..line.words.len() {
                if let Some((date, taken)) = dates::date_at(&line.words, i, order) {
                    if line
                        .words
                        .iter()
                        .any(|w| labels::squash(&w.text).ends_with("version"))
                    {
                        continue;
                    }
                    let c = candidate_at(line, index, i, i + taken, date.to_string(), 0.3);
                    if !excluded.iter().any(|(l, b)| *l == index && *b == c.bbox)
                        && due.is_none_or(|d| d.value != c.value)
                    {
                        found.push(c);
                    }
                }
            }
            if !found.is_empty() {
                break;
            }
        }
    }
    best(&found)
}

/// The IBAN: right check digits first, then an `IBAN` label on the line.
fn iban(lines: &[Line]) -> Option<Choice> {
    let mut found = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let labelled_line = line
            .words
            .iter()
            .any(|w| labels::squash(&w.text).contains("iban"));
        for hit in ids::ibans_in(&line.words, labelled_line) {
            let score = 0.3 + if hit.checked { 0.4 } else { 0.0 } + if labelled_line { 0.3 } else { 0.0 };
            let mut c = candidate_at(line, index, hit.start, hit.end, hit.value, score);
            c.bbox = hit.bbox;
            found.push(c);
        }
    }
    let mut choice = best(&found)?;
    choice.confirmed = ids::iban_valid(&choice.value);
    Some(choice)
}

/// The seller's VAT id: a VAT id not in the buyer's block nor on a line naming the buyer.
fn seller_vat_id(lines: &[Line], sections: &[Option<Party>]) -> Option<Choice> {
    let buyer_words: &'static [labels::Label] = &[
        ("client", 1.0),
        ("customer", 1.0),
        ("kunde", 1.0),
        ("kunden", 1.0),
        ("buyer", 1.0),
        ("käufer", 1.0),
        ("klant", 1.0),
        ("cliente", 1.0),
        ("acheteur", 1.0),
        ("your", 1.0),
        ("ihre", 1.0),
        ("votre", 1.0),
    ];
    let mut found = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        if sections[index] == Some(Party::Buyer) || !labels::find(line, buyer_words).is_empty() {
            continue;
        }
        let labelled_line = !labels::find(line, labels::SELLER_VAT).is_empty();
        for hit in ids::vat_ids_in(&line.words) {
            let mut score = if labelled_line { 0.8 } else { 0.5 };
            if sections[index] == Some(Party::Seller) {
                score += 0.15;
            }
            let mut c = candidate_at(line, index, hit.start, hit.end, hit.value, score);
            c.bbox = hit.bbox;
            found.push(c);
        }
    }
    best(&found)
}

/// How the titles of invoices and credit notes end (`Mietrechnung`, `Invoice`, `Gutschrift`).
const TITLE_ENDINGS: &[&str] = &[
    "rechnung",
    "gutschrift",
    "korrektur",
    "invoice",
    "note",
    "facture",
    "avoir",
    "factuur",
    "factura",
    "fattura",
];

/// Titles naming a UNTDID 1001 document type other than a commercial invoice, credit note or corrected
/// invoice, in the six languages (the code list's own names and the titles invoicing tools print for them).
const TITLED_TYPES: &[(&str, &[labels::Label])] = &[
    (
        "389",
        &[
            ("selbst ausgestellte rechnung", 1.0),
            ("self billed invoice", 1.0),
            ("self billing invoice", 1.0),
            ("autofacturation", 1.0),
            ("autofacture", 1.0),
            ("zelffacturatie", 1.0),
            ("autofactura", 1.0),
            ("autofattura", 1.0),
        ],
    ),
    (
        "387",
        &[
            ("mietrechnung", 1.0),
            ("hire invoice", 1.0),
            ("rental invoice", 1.0),
            ("facture de location", 1.0),
            ("huurfactuur", 1.0),
            ("factura de alquiler", 1.0),
            ("fattura di noleggio", 1.0),
        ],
    ),
    (
        "575",
        &[
            ("rechnung des versicherers", 1.0),
            ("versicherungsrechnung", 1.0),
            ("insurer s invoice", 1.0),
            ("insurers invoice", 1.0),
            ("facture de l assureur", 1.0),
            ("factuur van de verzekeraar", 1.0),
            ("factura del asegurador", 1.0),
            ("fattura dell assicuratore", 1.0),
        ],
    ),
    (
        "751",
        &[
            ("buchungshilfe", 1.0),
            ("invoice information for accounting purposes", 1.0),
        ],
    ),
    (
        "204",
        &[
            ("baurechnung", 1.0),
            ("payment valuation", 1.0),
            ("situation de travaux", 1.0),
        ],
    ),
    (
        "326",
        &[
            ("teilrechnung", 1.0),
            ("partial invoice", 1.0),
            ("facture partielle", 1.0),
            ("deelfactuur", 1.0),
            ("factura parcial", 1.0),
            ("fattura parziale", 1.0),
        ],
    ),
    (
        "386",
        &[
            ("vorauszahlungsrechnung", 1.0),
            ("anzahlungsrechnung", 1.0),
            ("prepayment invoice", 1.0),
            ("advance payment invoice", 1.0),
            ("facture d acompte", 1.0),
            ("voorschotfactuur", 1.0),
            ("factura de anticipo", 1.0),
            ("fattura di acconto", 1.0),
        ],
    ),
    (
        "383",
        &[
            ("belastungsanzeige", 1.0),
            ("debit note", 1.0),
            ("note de débit", 1.0),
            ("debetnota", 1.0),
            ("nota de débito", 1.0),
            ("nota di debito", 1.0),
        ],
    ),
];

/// The UNTDID 1001 type code: printed in parentheses after the title (`Handelsrechnung (380)`), else from the
/// title's words (credit note 381, corrected invoice 384), else a commercial invoice (380).
/// With the code, its confidence: printed codes are near certain, a code from the title likely, the default
/// a guess.
fn type_code(lines: &[Line]) -> (String, f64) {
    let credit: &'static [labels::Label] = &[
        ("credit note", 1.0),
        ("gutschrift", 1.0),
        ("avoir", 1.0),
        ("creditnota", 1.0),
        ("nota de crédito", 1.0),
        ("nota di credito", 1.0),
        ("factura rectificativa", 1.0),
    ];
    let corrected: &'static [labels::Label] = &[
        ("rechnungskorrektur", 1.0),
        ("corrected invoice", 1.0),
        ("facture rectificative", 1.0),
        ("stornorechnung", 1.0),
    ];
    for line in lines.iter().filter(|l| l.page == 1).take(40) {
        let words = &line.words;
        for (i, word) in words.iter().enumerate() {
            let code = word.text.trim_matches(|c| c == '(' || c == ')');
            if i > 0
                && word.text.starts_with('(')
                && word.text.ends_with(')')
                && code.len() == 3
                && code.chars().all(|c| c.is_ascii_digit())
                && (labels::find(line, labels::INVOICE_NUMBER)
                    .iter()
                    .any(|h| h.end == i)
                    || words
                        .get(i + 1)
                        .is_some_and(|w| labels::FILLER.contains(&labels::squash(&w.text).as_str()))
                    || TITLE_ENDINGS
                        .iter()
                        .any(|t| labels::squash(&words[i - 1].text).ends_with(t)))
            {
                return (code.to_owned(), 0.97);
            }
        }
    }
    for line in lines.iter().filter(|l| l.page == 1).take(25) {
        // `Gutschrift (Selbst ausgestellte Rechnung)`: the qualifier may follow one title word
        for (code, titles) in TITLED_TYPES {
            if labels::find(line, titles).iter().any(|h| h.start <= 1) {
                return ((*code).to_owned(), 0.8);
            }
        }
        if labels::find(line, corrected).iter().any(|h| h.start == 0) {
            return ("384".to_owned(), 0.8);
        }
        if labels::find(line, credit).iter().any(|h| h.start == 0) {
            return ("381".to_owned(), 0.8);
        }
    }
    ("380".to_owned(), 0.6)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::layout::test_page;

    fn fields(rows: &[(f64, &[(f64, &str)])]) -> BTreeMap<String, String> {
        extract("test", ExtractionMethod::PdfText, &test_page(rows))
            .fields
            .into_iter()
            .map(|(k, v)| (k, v.value))
            .collect()
    }

    #[test]
    fn titles_name_their_document_type() {
        let code = |title: &str| fields(&[(700.0, &[(50.0, title)])])["type_code"].clone();
        assert_eq!(code("Mietrechnung Nr. 4711 vom 01.10.2018"), "387");
        assert_eq!(code("Gutschrift (Selbst ausgestellte Rechnung) Nr. 4711"), "389");
        assert_eq!(code("Rechnung des Versicherers Nr. 01.234"), "575");
        assert_eq!(code("Gutschrift Nr. 4711"), "381");
        assert_eq!(code("Rechnung Nr. 4711"), "380");
    }

    #[test]
    fn an_unprinted_net_total_follows_from_gross_and_tax() {
        let f = fields(&[
            (700.0, &[(50.0, "Invoice No"), (200.0, "4711")]),
            (600.0, &[(50.0, "VAT amount"), (300.0, "5.00")]),
            (580.0, &[(50.0, "Total"), (300.0, "29.99")]),
        ]);
        assert_eq!(f["total_gross"], "29.99");
        assert_eq!(f["total_net"], "24.99");
    }

    #[test]
    fn a_name_wrapped_over_two_lines_is_read_whole() {
        let f = fields(&[
            (700.0, &[(50.0, "Verkäufer:")]),
            (688.0, &[(50.0, "MVM Musterhafter")]),
            (677.0, &[(50.0, "Versicherungsverein Musterstadt a.G.")]),
            (654.0, &[(50.0, "Musterstr. 12")]),
            (600.0, &[(50.0, "Käufer:")]),
            (588.0, &[(50.0, "Herrn")]),
            (577.0, &[(50.0, "Max Mustermann")]),
            (554.0, &[(50.0, "Musterstr. 11")]),
        ]);
        assert_eq!(
            f["seller_name"],
            "MVM Musterhafter Versicherungsverein Musterstadt a.G."
        );
        assert_eq!(f["buyer_name"], "Herrn Max Mustermann");
    }

    #[test]
    fn a_delivery_address_names_the_buyer_when_nothing_else_does() {
        let f = fields(&[
            (700.0, &[(34.0, "Adresse de livraison")]),
            (688.0, &[(34.0, "Ma jolie boutique")]),
            (677.0, &[(34.0, "35 rue de la République")]),
        ]);
        assert_eq!(f["buyer_name"], "Ma jolie boutique");
    }

    #[test]
    fn a_quantity_unit_is_not_a_company() {
        let f = fields(&[(
            487.0,
            &[(32.0, "Beeswax XL"), (266.0, "1.00 kg"), (352.0, "42.00")],
        )]);
        assert_eq!(f.get("seller_name"), None);
    }
}
