//! The XRechnung CIUS rules (BR-DE-*, BR-DEX-*): every valid document of the XRechnung test suite passes
//! them; a minimal mutation of a real test-suite file (UBL and CII) breaking one rule makes exactly that rule
//! fire; documents that do not claim XRechnung never get them; fatal ones reach `EINVOICE_RULE_VIOLATION`
//! through `read_checked` and `backdesk validate --json`.

use std::collections::BTreeSet;
use std::path::PathBuf;

use assert_cmd::Command;
use backdesk::formats::einvoice::read_checked;
use backdesk::formats::pdf_invoice::embedded_invoice_xml;
use backdesk::formats::Format;
use backdesk::model::extraction::ExtractionMethod;
use backdesk::model::ReasonCode;
use backdesk::rules::xrechnung::is_xrechnung;
use backdesk::rules::{validate, Validation};

use super::rules_corpus::{corpora, relative, xml_files};

fn suite(file: &str) -> PathBuf {
    corpora().join("xrechnung-testsuite/src/test").join(file)
}

fn read(file: &str) -> String {
    std::fs::read_to_string(suite(file)).expect("test-suite file")
}

/// Base documents: a plain invoice with a SEPA credit transfer, one with a SEPA direct debit, one with an
/// attachment, and the extension (sub invoice lines, third party payments, XR0x codes).
const UBL: &str = "business-cases/standard/01.01a-INVOICE_ubl.xml";
const CII: &str = "business-cases/standard/01.01a-INVOICE_uncefact.xml";
const UBL_DEBIT: &str = "technical-cases/cius/01.04_comprehensive_test_ubl.xml";
const CII_DEBIT: &str = "technical-cases/cius/01.04_comprehensive_test_uncefact.xml";
const UBL_ATTACHED: &str = "business-cases/standard/03.01a-INVOICE_ubl.xml";
const CII_ATTACHED: &str = "business-cases/standard/03.01a-INVOICE_uncefact.xml";
const UBL_EXTENSION: &str = "business-cases/extension/04.01a-INVOICE_ubl.xml";
const UBL_THIRD_PARTY: &str = "business-cases/extension/05.01a-INVOICE_ubl.xml";
const CII_EXTENSION: &str = "business-cases/extension/04.05a-INVOICE_uncefact.xml";
const UBL_CVD: &str = "technical-cases/cvd/02.01a-cvd_INVOICE_ubl.xml";
const CII_CVD: &str = "technical-cases/cvd/02.01a-cvd_INVOICE_uncefact.xml";

/// The XRechnung rule ids that fired (BR-DE-*, BR-DEX-*, BR-DE-CVD-*, BR-TMP-CVD-*), fatal and warning apart.
fn xr_ids(validation: &Validation) -> (BTreeSet<String>, BTreeSet<String>) {
    let ours = |ids: Vec<String>| -> BTreeSet<String> {
        ids.into_iter()
            .filter(|id| backdesk::rules::xrechnung::is_xrechnung_rule(id))
            .collect()
    };
    (ours(validation.fatal_ids()), ours(validation.warning_ids()))
}

fn check(text: &str) -> Validation {
    let doc = roxmltree::Document::parse(text).expect("the mutated document is well-formed");
    validate(&doc)
}

/// An element found by a path of local names from the root element; a step may carry one attribute
/// condition (`ID[schemeID=SEPA]`). The first match in document order.
fn find<'a, 'i>(doc: &'a roxmltree::Document<'i>, path: &str) -> roxmltree::Node<'a, 'i> {
    let mut current = vec![doc.root_element()];
    for step in path.split('/') {
        let (name, condition) = match step.split_once('[') {
            Some((name, rest)) => {
                let (attribute, value) = rest
                    .trim_end_matches(']')
                    .split_once('=')
                    .expect("a condition is [attribute=value]");
                (name, Some((attribute, value)))
            }
            None => (step, None),
        };
        current = current
            .iter()
            .flat_map(|n| n.children())
            .filter(|c| c.is_element() && c.tag_name().name() == name)
            .filter(|c| condition.is_none_or(|(a, v)| c.attribute(a) == Some(v)))
            .collect();
        assert!(!current.is_empty(), "no element at {path} (step {step})");
    }
    current[0]
}

/// String edits on a real document, located by element paths.
struct Mutation(String);

impl Mutation {
    fn of(file: &str) -> Mutation {
        Mutation(read(file))
    }

    fn edit(self, path: &str, edit: impl Fn(&str, std::ops::Range<usize>) -> String) -> Mutation {
        let doc = roxmltree::Document::parse(&self.0).expect("well-formed");
        let range = find(&doc, path).range();
        let text = edit(&self.0, range);
        Mutation(text)
    }

    fn remove(self, path: &str) -> Mutation {
        self.edit(path, |text, r| format!("{}{}", &text[..r.start], &text[r.end..]))
    }

    fn replace(self, path: &str, xml: &str) -> Mutation {
        self.edit(path, |text, r| {
            format!("{}{xml}{}", &text[..r.start], &text[r.end..])
        })
    }

    /// Replaces the content between the start and the end tag.
    fn set_text(self, path: &str, value: &str) -> Mutation {
        self.edit(path, |text, r| {
            let element = &text[r.clone()];
            let open = r.start + element.find('>').expect("a start tag") + 1;
            let close = r.start + element.rfind("</").expect("an end tag");
            format!("{}{value}{}", &text[..open], &text[close..])
        })
    }

    fn set_attribute(self, path: &str, attribute: &str, value: &str) -> Mutation {
        self.edit(path, |text, r| {
            let element = &text[r.clone()];
            let key = format!("{attribute}=\"");
            let at = r.start
                + element
                    .find(&key)
                    .expect("the attribute is written with double quotes")
                + key.len();
            let end = at + text[at..].find('"').expect("a closed attribute");
            format!("{}{value}{}", &text[..at], &text[end..])
        })
    }

    /// Inserts XML just before the element's end tag.
    fn append(self, path: &str, xml: &str) -> Mutation {
        self.edit(path, |text, r| {
            let close = r.start + text[r.clone()].rfind("</").expect("an end tag");
            format!("{}{xml}{}", &text[..close], &text[close..])
        })
    }

    /// Replaces a piece of text that occurs exactly once.
    fn replace_once(self, from: &str, to: &str) -> Mutation {
        assert_eq!(self.0.matches(from).count(), 1, "{from:?} is not unique");
        Mutation(self.0.replacen(from, to, 1))
    }

    fn insert_after(self, path: &str, xml: &str) -> Mutation {
        self.edit(path, |text, r| {
            format!("{}{xml}{}", &text[..r.end], &text[r.end..])
        })
    }
}

/// One rule broken on purpose: the mutation makes exactly `fatal` and `warning` (XRechnung ids) fire, the
/// unmutated base fires neither.
fn breaks(base: &str, mutation: Mutation, fatal: &[&str], warning: &[&str]) {
    let set = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    let before = xr_ids(&check(&read(base)));
    assert_eq!(
        before,
        (BTreeSet::new(), BTreeSet::new()),
        "{base} itself fires XRechnung rules"
    );
    let after = xr_ids(&check(&mutation.0));
    assert_eq!(
        after,
        (set(fatal), set(warning)),
        "{base}: expected fatal {fatal:?}, warning {warning:?}"
    );
}

const UBL_SUPPLIER: &str = "AccountingSupplierParty/Party";
const CII_AGREEMENT: &str = "SupplyChainTradeTransaction/ApplicableHeaderTradeAgreement";
const CII_SELLER: &str = "SupplyChainTradeTransaction/ApplicableHeaderTradeAgreement/SellerTradeParty";
const CII_SETTLEMENT: &str = "SupplyChainTradeTransaction/ApplicableHeaderTradeSettlement";
const CII_MEANS: &str =
    "SupplyChainTradeTransaction/ApplicableHeaderTradeSettlement/SpecifiedTradeSettlementPaymentMeans";

#[test]
fn every_valid_test_suite_document_passes_the_xrechnung_rules() {
    let files = xml_files(&corpora().join("xrechnung-testsuite/src/test"));
    assert_eq!(
        files.len(),
        86,
        "the XRechnung test suite holds 86 valid documents"
    );
    let mut checked = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).expect("UTF-8");
        let validation = check(&text);
        assert!(
            validation
                .profile
                .as_deref()
                .is_some_and(backdesk::rules::xrechnung::is_xrechnung),
            "{}: {:?}",
            relative(file),
            validation.profile
        );
        let (fatal, warning) = xr_ids(&validation);
        assert!(
            fatal.is_empty(),
            "{}: fatal XRechnung rules {fatal:?}",
            relative(file)
        );
        assert!(
            warning.is_empty(),
            "{}: XRechnung warnings {warning:?}",
            relative(file)
        );
        checked += 1;
    }
    assert_eq!(checked, 86);
}

#[test]
fn clean_vehicle_invoices_follow_the_cvd_rules() {
    // the valid CVD samples are valid as a whole: BR-TMP-CVD-01 (UNTDID 7143 with CVD) replaces BR-CL-13
    for file in [UBL_CVD, CII_CVD] {
        assert_eq!(check(&read(file)).fatal_ids(), Vec::<String>::new(), "{file}");
    }
    breaks(
        UBL_CVD,
        Mutation::of(UBL_CVD).remove("ContractDocumentReference"),
        &["BR-DE-CVD-01"],
        &[],
    );
    breaks(
        CII_CVD,
        Mutation::of(CII_CVD).remove(&format!("{CII_AGREEMENT}/ContractReferencedDocument")),
        &["BR-DE-CVD-01"],
        &[],
    );
    breaks(
        UBL_CVD,
        Mutation::of(UBL_CVD).remove("OriginatorDocumentReference"),
        &["BR-DE-CVD-02"],
        &[],
    );
    breaks(
        CII_CVD,
        Mutation::of(CII_CVD).replace_once(
            "<ram:TypeCode>50</ram:TypeCode>",
            "<ram:TypeCode>916</ram:TypeCode>",
        ),
        &["BR-DE-CVD-02"],
        &[],
    );
    // a vehicle category and a clean vehicle attribute value outside their lists
    breaks(
        UBL_CVD,
        Mutation::of(UBL_CVD).replace_once(
            ">M2</cbc:ItemClassificationCode>",
            ">L1</cbc:ItemClassificationCode>",
        ),
        &["BR-DE-CVD-04"],
        &[],
    );
    breaks(
        CII_CVD,
        Mutation::of(CII_CVD).replace_once("listID=\"CVD\">M2<", "listID=\"CVD\">L1<"),
        &["BR-DE-CVD-04"],
        &[],
    );
    breaks(
        UBL_CVD,
        Mutation::of(UBL_CVD).replace_once("<cbc:Value>clean</cbc:Value>", "<cbc:Value>diesel</cbc:Value>"),
        &["BR-DE-CVD-05"],
        &[],
    );
    breaks(
        CII_CVD,
        Mutation::of(CII_CVD).replace_once("<ram:Value>clean</ram:Value>", "<ram:Value>diesel</ram:Value>"),
        &["BR-DE-CVD-05"],
        &[],
    );
    // the CVD classification without the cva attribute: the line is incomplete and no line is a clean vehicle
    breaks(
        UBL_CVD,
        Mutation::of(UBL_CVD).replace_once("<cbc:Name>cva</cbc:Name>", "<cbc:Name>colour</cbc:Name>"),
        &["BR-DE-CVD-03", "BR-DE-CVD-06-a"],
        &[],
    );
    breaks(
        CII_CVD,
        Mutation::of(CII_CVD).replace_once(
            "<ram:Description>cva</ram:Description>",
            "<ram:Description>colour</ram:Description>",
        ),
        &["BR-DE-CVD-03", "BR-DE-CVD-06-a"],
        &[],
    );
    // the cva attribute with a classification scheme that is in no list
    breaks(
        UBL_CVD,
        Mutation::of(UBL_CVD).replace_once("listID=\"CVD\"", "listID=\"CVX\""),
        &["BR-DE-CVD-03", "BR-DE-CVD-06-b", "BR-TMP-CVD-01"],
        &[],
    );
    breaks(
        CII_CVD,
        Mutation::of(CII_CVD).replace_once("listID=\"CVD\"", "listID=\"CVX\""),
        &["BR-DE-CVD-03", "BR-DE-CVD-06-b", "BR-TMP-CVD-01"],
        &[],
    );
}

#[test]
fn the_extension_replaces_the_en16931_rules_it_overrides() {
    // valid extension documents use the XR0x codes and third party payments: the EN 16931 code-list and
    // total rules they would break are replaced by BR-DEX-04..09, so the documents are valid as a whole
    for file in [UBL_EXTENSION, UBL_THIRD_PARTY, CII_EXTENSION] {
        let validation = check(&read(file));
        assert_eq!(validation.fatal_ids(), Vec::<String>::new(), "{file}");
    }
    // the same third party payment under the plain CIUS identifier is an EN 16931 violation (BR-CO-16)
    let plain = Mutation::of(UBL_THIRD_PARTY).set_text(
        "CustomizationID",
        "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0",
    );
    assert!(check(&plain.0).fatal_ids().contains(&"BR-CO-16".to_owned()));
}

/// The first child element of `node` with this local name.
fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

/// An IBAN of this country and account part with the check digits ISO 7064 gives it (98 minus the remainder
/// of the number with check digits 00).
fn with_check_digits(country: &str, bban: &str) -> String {
    format!("{country}{:02}{bban}", 98 - mod_97(&format!("{bban}{country}00")))
}

/// The remainder modulo 97 of the number an IBAN's moved characters stand for (letters as 10..35), digit by
/// digit; a character that is neither letter nor digit counts as 99, which no IBAN digit is.
fn mod_97(moved: &str) -> u32 {
    moved.chars().fold(0u32, |r, c| {
        let value = c.to_digit(36).unwrap_or(99);
        if value < 10 {
            (r * 10 + value) % 97
        } else {
            (r * 100 + value) % 97
        }
    })
}

/// ISO 7064 mod 97-10 over the whole number, computed digit by digit (an oracle independent of the rules).
fn valid_iban(text: &str) -> bool {
    let iban: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let well_formed = iban.len() >= 4
        && iban[..2].chars().all(|c| c.is_ascii_uppercase())
        && iban[2..4].chars().all(|c| c.is_ascii_digit())
        && iban.len() <= 34
        && iban.chars().all(|c| c.is_ascii_alphanumeric());
    if !well_formed {
        return false;
    }
    mod_97(&format!("{}{}", &iban[4..], &iban[..4])) == 1
}

/// The XRechnung warnings a document deserves, from its values: BR-DE-21 for an identifier other than
/// XRechnung 3.0's, BR-DE-17 for a type code outside XRechnung's list, BR-DE-19 for a SEPA credit transfer
/// account that is not a valid IBAN.
fn expected_warnings(doc: &roxmltree::Document<'_>) -> BTreeSet<String> {
    let mut expected = BTreeSet::new();
    let named = |name: &'static str| {
        doc.descendants()
            .filter(move |n| n.is_element() && n.tag_name().name() == name)
    };
    let text = |n: roxmltree::Node<'_, '_>| n.text().unwrap_or_default().trim().to_owned();
    let cii = doc.root_element().tag_name().name() == "CrossIndustryInvoice";
    let profile = if cii {
        named("GuidelineSpecifiedDocumentContextParameter")
            .flat_map(|n| n.children())
            .find(|n| n.is_element())
    } else {
        named("CustomizationID").next()
    };
    if !profile
        .map(text)
        .is_some_and(|p| p.ends_with("kosit:xrechnung_3.0"))
    {
        expected.insert("BR-DE-21".to_owned());
    }
    let type_code = if cii {
        named("ExchangedDocument")
            .flat_map(|n| n.children())
            .find(|n| n.tag_name().name() == "TypeCode")
    } else {
        named("InvoiceTypeCode").chain(named("CreditNoteTypeCode")).next()
    };
    let allowed = ["326", "380", "384", "389", "381", "875", "876", "877"];
    if !type_code.map(text).is_some_and(|c| allowed.contains(&c.as_str())) {
        expected.insert("BR-DE-17".to_owned());
    }
    let means = if cii {
        "SpecifiedTradeSettlementPaymentMeans"
    } else {
        "PaymentMeans"
    };
    let (code, account, id) = if cii {
        ("TypeCode", "PayeePartyCreditorFinancialAccount", "IBANID")
    } else {
        ("PaymentMeansCode", "PayeeFinancialAccount", "ID")
    };
    for payment in named(means) {
        let sepa = child(payment, code).map(text).is_some_and(|c| c == "58");
        let iban = child(payment, account).and_then(|a| child(a, id)).map(text);
        if sepa && iban.is_some_and(|i| !valid_iban(&i)) {
            expected.insert("BR-DE-19".to_owned());
        }
    }
    expected
}

#[test]
fn documents_that_do_not_claim_xrechnung_never_get_xrechnung_rules() {
    let mut other = 0;
    let mut xrechnung = 0;
    let mut look_at = |name: &str, text: &str| {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let Ok(doc) = roxmltree::Document::parse(text) else {
            return;
        };
        let validation = validate(&doc);
        if validation.syntax.is_none() {
            return;
        }
        let (fatal, warning) = xr_ids(&validation);
        if validation.profile.as_deref().is_some_and(is_xrechnung) {
            // the XRechnung samples of the ZUGFeRD corpus pass the fatal rules; the warnings they get are
            // worked out here independently of the Schematron
            assert!(fatal.is_empty(), "{name}: {fatal:?}");
            assert_eq!(warning, expected_warnings(&doc), "{name}");
            xrechnung += 1;
        } else {
            assert!(
                fatal.is_empty() && warning.is_empty(),
                "{name} is not XRechnung: {fatal:?} {warning:?}"
            );
            other += 1;
        }
    };
    for folder in ["en16931", "zugferd"] {
        for file in xml_files(&corpora().join(folder)) {
            let name = relative(&file);
            if ["/schematron/", "/xslt/", "/schema/", "en16931/test/"]
                .iter()
                .any(|d| name.contains(d))
            {
                continue;
            }
            if let Ok(text) = std::fs::read_to_string(&file) {
                look_at(&name, &text);
            }
        }
    }
    // and the XML embedded in the ZUGFeRD / Factur-X PDFs
    let mut pending = vec![corpora().join("zugferd")];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable") {
            let path = entry.expect("readable").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")) {
                let bytes = std::fs::read(&path).expect("readable");
                if let Ok(Some((_, xml))) = embedded_invoice_xml(&bytes) {
                    if let Ok(text) = String::from_utf8(xml) {
                        look_at(&relative(&path), &text);
                    }
                }
            }
        }
    }
    println!("{other} documents that are not XRechnung, {xrechnung} XRechnung documents");
    assert!(other >= 160, "only {other} non-XRechnung documents checked");
    assert!(
        xrechnung >= 15,
        "the ZUGFeRD corpus holds 8 XRechnung XMLs and 7 PDFs with XRechnung inside, not {xrechnung}"
    );

    // the same broken document under a plain EN 16931 identifier gets no BR-DE finding
    let broken = Mutation::of(UBL).remove("BuyerReference");
    assert!(xr_ids(&check(&broken.0)).0.contains("BR-DE-15"));
    let plain = broken.set_text("CustomizationID", "urn:cen.eu:en16931:2017");
    assert_eq!(xr_ids(&check(&plain.0)), (BTreeSet::new(), BTreeSet::new()));
}

#[test]
fn older_xrechnung_versions_are_checked_and_warned_about_their_identifier() {
    for (base, path) in [
        (UBL, "CustomizationID"),
        (
            CII,
            "ExchangedDocumentContext/GuidelineSpecifiedDocumentContextParameter/ID",
        ),
    ] {
        let old = "urn:cen.eu:en16931:2017#compliant#urn:xoev-de:kosit:standard:xrechnung_2.3";
        breaks(base, Mutation::of(base).set_text(path, old), &[], &["BR-DE-21"]);
        let broken = Mutation::of(base).set_text(path, old);
        let broken = if base == UBL {
            broken.remove("BuyerReference")
        } else {
            broken.remove(&format!("{CII_AGREEMENT}/BuyerReference"))
        };
        breaks(base, broken, &["BR-DE-15"], &["BR-DE-21"]);
    }
}

#[test]
fn payment_instructions_contact_and_addresses() {
    breaks(UBL, Mutation::of(UBL).remove("PaymentMeans"), &["BR-DE-1"], &[]);
    breaks(CII, Mutation::of(CII).remove(CII_MEANS), &["BR-DE-1"], &[]);

    breaks(
        UBL,
        Mutation::of(UBL).remove(&format!("{UBL_SUPPLIER}/Contact")),
        &["BR-DE-2"],
        &[],
    );
    breaks(
        CII,
        Mutation::of(CII).remove(&format!("{CII_SELLER}/DefinedTradeContact")),
        &["BR-DE-2"],
        &[],
    );

    breaks(
        UBL,
        Mutation::of(UBL).remove(&format!("{UBL_SUPPLIER}/PostalAddress/CityName")),
        &["BR-DE-3"],
        &[],
    );
    breaks(
        CII,
        Mutation::of(CII).remove(&format!("{CII_SELLER}/PostalTradeAddress/CityName")),
        &["BR-DE-3"],
        &[],
    );
    breaks(
        UBL,
        Mutation::of(UBL).set_text(&format!("{UBL_SUPPLIER}/PostalAddress/PostalZone"), " "),
        &["BR-DE-4"],
        &[],
    );
    breaks(
        CII,
        Mutation::of(CII).remove(&format!("{CII_SELLER}/PostalTradeAddress/PostcodeCode")),
        &["BR-DE-4"],
        &[],
    );

    breaks(
        UBL,
        Mutation::of(UBL).remove(&format!("{UBL_SUPPLIER}/Contact/Name")),
        &["BR-DE-5"],
        &[],
    );
    breaks(
        CII,
        Mutation::of(CII).remove(&format!("{CII_SELLER}/DefinedTradeContact/PersonName")),
        &["BR-DE-5"],
        &[],
    );
    // a missing telephone number or e-mail also has fewer than three digits / no @
    breaks(
        UBL,
        Mutation::of(UBL).remove(&format!("{UBL_SUPPLIER}/Contact/Telephone")),
        &["BR-DE-6"],
        &["BR-DE-27"],
    );
    breaks(
        CII,
        Mutation::of(CII).remove(&format!(
            "{CII_SELLER}/DefinedTradeContact/TelephoneUniversalCommunication"
        )),
        &["BR-DE-6"],
        &["BR-DE-27"],
    );
    breaks(
        UBL,
        Mutation::of(UBL).remove(&format!("{UBL_SUPPLIER}/Contact/ElectronicMail")),
        &["BR-DE-7"],
        &["BR-DE-28"],
    );
    breaks(
        CII,
        Mutation::of(CII).remove(&format!(
            "{CII_SELLER}/DefinedTradeContact/EmailURIUniversalCommunication"
        )),
        &["BR-DE-7"],
        &["BR-DE-28"],
    );

    let buyer = "AccountingCustomerParty/Party/PostalAddress";
    let cii_buyer = format!("{CII_AGREEMENT}/BuyerTradeParty/PostalTradeAddress");
    breaks(
        UBL,
        Mutation::of(UBL).remove(&format!("{buyer}/CityName")),
        &["BR-DE-8"],
        &[],
    );
    breaks(
        CII,
        Mutation::of(CII).remove(&format!("{cii_buyer}/CityName")),
        &["BR-DE-8"],
        &[],
    );
    breaks(
        UBL,
        Mutation::of(UBL).remove(&format!("{buyer}/PostalZone")),
        &["BR-DE-9"],
        &[],
    );
    breaks(
        CII,
        Mutation::of(CII).remove(&format!("{cii_buyer}/PostcodeCode")),
        &["BR-DE-9"],
        &[],
    );
}

#[test]
fn a_deliver_to_address_needs_city_and_post_code() {
    let ubl_delivery = |address: &str| {
        format!(
            "<cac:Delivery><cac:DeliveryLocation><cac:Address>{address}<cac:Country><cbc:IdentificationCode>DE\
             </cbc:IdentificationCode></cac:Country></cac:Address></cac:DeliveryLocation></cac:Delivery>"
        )
    };
    let cii_delivery = |address: &str| {
        format!(
            "<ram:ApplicableHeaderTradeDelivery><ram:ShipToTradeParty><ram:Name>Lager</ram:Name>\
             <ram:PostalTradeAddress>{address}<ram:CountryID>DE</ram:CountryID></ram:PostalTradeAddress>\
             </ram:ShipToTradeParty></ram:ApplicableHeaderTradeDelivery>"
        )
    };
    let delivery = "SupplyChainTradeTransaction/ApplicableHeaderTradeDelivery";
    // both present: nothing fires (the rules look at the address, not at its mere existence)
    let complete = Mutation::of(UBL).insert_after(
        "AccountingCustomerParty",
        &ubl_delivery("<cbc:CityName>Berlin</cbc:CityName><cbc:PostalZone>10115</cbc:PostalZone>"),
    );
    breaks(UBL, complete, &[], &[]);
    let complete = Mutation::of(CII).replace(
        delivery,
        &cii_delivery("<ram:PostcodeCode>10115</ram:PostcodeCode><ram:CityName>Berlin</ram:CityName>"),
    );
    breaks(CII, complete, &[], &[]);

    let no_city = Mutation::of(UBL).insert_after(
        "AccountingCustomerParty",
        &ubl_delivery("<cbc:PostalZone>10115</cbc:PostalZone>"),
    );
    breaks(UBL, no_city, &["BR-DE-10"], &[]);
    let no_city = Mutation::of(CII).replace(
        delivery,
        &cii_delivery("<ram:PostcodeCode>10115</ram:PostcodeCode>"),
    );
    breaks(CII, no_city, &["BR-DE-10"], &[]);
    let no_code = Mutation::of(UBL).insert_after(
        "AccountingCustomerParty",
        &ubl_delivery("<cbc:CityName>Berlin</cbc:CityName>"),
    );
    breaks(UBL, no_code, &["BR-DE-11"], &[]);
    let no_code = Mutation::of(CII).replace(delivery, &cii_delivery("<ram:CityName>Berlin</ram:CityName>"));
    breaks(CII, no_code, &["BR-DE-11"], &[]);
}

#[test]
fn vat_rate_buyer_reference_seller_tax_id_and_type_codes() {
    breaks(
        UBL,
        Mutation::of(UBL).remove("TaxTotal/TaxSubtotal/TaxCategory/Percent"),
        &["BR-DE-14"],
        &[],
    );
    breaks(
        CII,
        Mutation::of(CII).remove(&format!(
            "{CII_SETTLEMENT}/ApplicableTradeTax/RateApplicablePercent"
        )),
        &["BR-DE-14"],
        &[],
    );
    breaks(
        UBL,
        Mutation::of(UBL).set_text("BuyerReference", "  "),
        &["BR-DE-15"],
        &[],
    );
    breaks(
        CII,
        Mutation::of(CII).remove(&format!("{CII_AGREEMENT}/BuyerReference")),
        &["BR-DE-15"],
        &[],
    );
    // standard rated lines (S) without a seller VAT id, tax number or tax representative
    breaks(
        UBL,
        Mutation::of(UBL).remove(&format!("{UBL_SUPPLIER}/PartyTaxScheme")),
        &["BR-DE-16"],
        &[],
    );
    breaks(
        CII,
        Mutation::of(CII).remove(&format!("{CII_SELLER}/SpecifiedTaxRegistration")),
        &["BR-DE-16"],
        &[],
    );
    // 386 (prepayment invoice) is an UNTDID 1001 code EN 16931 accepts but XRechnung does not name
    breaks(
        UBL,
        Mutation::of(UBL).set_text("InvoiceTypeCode", "386"),
        &[],
        &["BR-DE-17"],
    );
    breaks(
        CII,
        Mutation::of(CII).set_text("ExchangedDocument/TypeCode", "386"),
        &[],
        &["BR-DE-17"],
    );
    // a corrected invoice (384) should name the invoice it corrects
    breaks(
        UBL,
        Mutation::of(UBL).set_text("InvoiceTypeCode", "384"),
        &[],
        &["BR-DE-26"],
    );
    breaks(
        CII,
        Mutation::of(CII).set_text("ExchangedDocument/TypeCode", "384"),
        &[],
        &["BR-DE-26"],
    );
}

#[test]
fn skonto_lines_in_the_payment_terms_follow_the_syntax() {
    let ubl_terms = "PaymentTerms/Note";
    let cii_terms = format!("{CII_SETTLEMENT}/SpecifiedTradePaymentTerms/Description");
    for (base, path) in [(UBL, ubl_terms), (CII, cii_terms.as_str())] {
        for good in [
            "#SKONTO#TAGE=14#PROZENT=2.00#\n",
            "Zahlbar innerhalb 30 Tagen.\n#SKONTO#TAGE=7#PROZENT=3.00#\n#SKONTO#TAGE=14#PROZENT=2.00#BASISBETRAG=100.00#\n",
            "  #SKONTO#TAGE=14#PROZENT=2.00#  \r\nDanach netto.",
        ] {
            breaks(base, Mutation::of(base).set_text(path, good), &[], &[]);
        }
        for bad in [
            "#SKONTO#TAGE=14#PROZENT=2.0#\n",   // two decimals
            "#SKONTO#TAGE=14#PROZENT=2,00#\n",  // a dot
            "#skonto#TAGE=14#PROZENT=2.00#\n",  // capitals
            "#SKONTO# TAGE=14#PROZENT=2.00#\n", // no whitespace inside
            "#SKONTO#TAGE=14#PROZENT=2.00#",    // the line break after the last line
            "#SKONTO#TAGE=14#PROZENT=2.00#BASISBETRAG=100#\n",
            "#SKONTO#TAGE=14#PROZENT=2.00#Danke\n", // no other text
        ] {
            breaks(base, Mutation::of(base).set_text(path, bad), &["BR-DE-18"], &[]);
        }
    }
}

#[test]
fn the_sepa_account_is_a_valid_iban() {
    // one digit changed: the ISO 7064 check fails
    breaks(
        UBL,
        Mutation::of(UBL).set_text("PaymentMeans/PayeeFinancialAccount/ID", "DE79000000001234567891"),
        &[],
        &["BR-DE-19"],
    );
    breaks(
        CII,
        Mutation::of(CII).set_text(
            &format!("{CII_MEANS}/PayeePartyCreditorFinancialAccount/IBANID"),
            "DE79 0000 0000 1234 5678 91",
        ),
        &[],
        &["BR-DE-19"],
    );
    // spaces and a foreign IBAN with letters in the account part are fine
    for iban in [
        "DE79 0000 0000 1234 5678 90",
        "GB82WEST12345698765432",
        "NL91ABNA0417164300",
    ] {
        breaks(
            UBL,
            Mutation::of(UBL).set_text("PaymentMeans/PayeeFinancialAccount/ID", iban),
            &[],
            &[],
        );
    }
    breaks(
        UBL,
        Mutation::of(UBL).set_text("PaymentMeans/PayeeFinancialAccount/ID", "1234567890"),
        &[],
        &["BR-DE-19"],
    );
    // the longest IBANs, letters across the rules' 25-digit steps: valid with their check digits, not with one
    // character changed (the independent check agrees each time)
    for bban in [
        "HEMM000100010012001200023015",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123",
        "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ",
        "000000000000000000000000000001",
    ] {
        let valid = with_check_digits("LC", bban);
        assert!(valid_iban(&valid), "{valid}");
        breaks(
            UBL,
            Mutation::of(UBL).set_text("PaymentMeans/PayeeFinancialAccount/ID", &valid),
            &[],
            &[],
        );
        let last = bban.chars().last().unwrap_or('0');
        let changed = format!(
            "{}{}",
            &valid[..valid.len() - 1],
            if last == '9' { '8' } else { '9' }
        );
        assert!(!valid_iban(&changed), "{changed}");
        breaks(
            CII,
            Mutation::of(CII).set_text(
                &format!("{CII_MEANS}/PayeePartyCreditorFinancialAccount/IBANID"),
                &changed,
            ),
            &[],
            &["BR-DE-19"],
        );
    }
    // code 30 (credit transfer, not SEPA) does not require an IBAN
    let non_sepa = Mutation::of(UBL)
        .set_text("PaymentMeans/PaymentMeansCode", "30")
        .set_text("PaymentMeans/PayeeFinancialAccount/ID", "1234567890");
    breaks(UBL, non_sepa, &[], &[]);

    breaks(
        UBL_DEBIT,
        Mutation::of(UBL_DEBIT).set_text(
            "PaymentMeans/PaymentMandate/PayerFinancialAccount/ID",
            "DE79000000001234567809",
        ),
        &[],
        &["BR-DE-20"],
    );
    breaks(
        CII_DEBIT,
        Mutation::of(CII_DEBIT).set_text(
            &format!("{CII_MEANS}/PayerPartyDebtorFinancialAccount/IBANID"),
            "DE00000000001234567890",
        ),
        &[],
        &["BR-DE-20"],
    );
}

#[test]
fn attachments_have_unique_file_names() {
    let doc_text = read(UBL_ATTACHED);
    let doc = roxmltree::Document::parse(&doc_text).expect("well-formed");
    let first = &doc_text[find(&doc, "AdditionalDocumentReference").range()];
    let twice = Mutation::of(UBL_ATTACHED).insert_after("AdditionalDocumentReference", first);
    breaks(UBL_ATTACHED, twice, &["BR-DE-22"], &[]);

    let doc_text = read(CII_ATTACHED);
    let doc = roxmltree::Document::parse(&doc_text).expect("well-formed");
    let path = format!("{CII_AGREEMENT}/AdditionalReferencedDocument");
    let first = &doc_text[find(&doc, &path).range()];
    let twice = Mutation::of(CII_ATTACHED).insert_after(&path, first);
    breaks(CII_ATTACHED, twice, &["BR-DE-22"], &[]);
}

#[test]
fn payment_means_codes_match_their_groups() {
    let card = "<cac:CardAccount><cbc:PrimaryAccountNumberID>1234</cbc:PrimaryAccountNumberID>\
                <cbc:NetworkID>VISA</cbc:NetworkID></cac:CardAccount>";
    let cii_card = "<ram:ApplicableTradeSettlementFinancialCard><ram:ID>1234</ram:ID>\
                    </ram:ApplicableTradeSettlementFinancialCard>";
    // credit transfer (30, 58): BG-17 required, BG-18/BG-19 excluded
    breaks(
        UBL,
        Mutation::of(UBL).remove("PaymentMeans/PayeeFinancialAccount"),
        &["BR-DE-23-a"],
        &[],
    );
    breaks(
        CII,
        Mutation::of(CII).remove(&format!("{CII_MEANS}/PayeePartyCreditorFinancialAccount")),
        &["BR-DE-23-a"],
        &[],
    );
    breaks(
        UBL,
        Mutation::of(UBL).append("PaymentMeans", card),
        &["BR-DE-23-b"],
        &[],
    );
    breaks(
        CII,
        Mutation::of(CII).append(CII_MEANS, cii_card),
        &["BR-DE-23-b"],
        &[],
    );
    // card (48, 54, 55): BG-18 required, BG-17/BG-19 excluded
    let ubl_card_code = || Mutation::of(UBL).set_text("PaymentMeans/PaymentMeansCode", "48");
    let cii_card_code = || Mutation::of(CII).set_text(&format!("{CII_MEANS}/TypeCode"), "54");
    breaks(
        UBL,
        ubl_card_code().remove("PaymentMeans/PayeeFinancialAccount"),
        &["BR-DE-24-a"],
        &[],
    );
    breaks(
        CII,
        cii_card_code().remove(&format!("{CII_MEANS}/PayeePartyCreditorFinancialAccount")),
        &["BR-DE-24-a"],
        &[],
    );
    breaks(
        UBL,
        ubl_card_code().append("PaymentMeans", card),
        &["BR-DE-24-b"],
        &[],
    );
    breaks(
        CII,
        cii_card_code().append(CII_MEANS, cii_card),
        &["BR-DE-24-b"],
        &[],
    );
    // direct debit (59): BG-19 required, BG-17/BG-18 excluded
    let ubl_debit_code = || Mutation::of(UBL).set_text("PaymentMeans/PaymentMeansCode", "59");
    let cii_debit_code = || Mutation::of(CII).set_text(&format!("{CII_MEANS}/TypeCode"), "59");
    breaks(
        UBL,
        ubl_debit_code().remove("PaymentMeans/PayeeFinancialAccount"),
        &["BR-DE-25-a"],
        &[],
    );
    breaks(
        CII,
        cii_debit_code().remove(&format!("{CII_MEANS}/PayeePartyCreditorFinancialAccount")),
        &["BR-DE-25-a"],
        &[],
    );
    let account =
        "<cac:PayeeFinancialAccount><cbc:ID>DE79000000001234567890</cbc:ID></cac:PayeeFinancialAccount>";
    let cii_account =
        "<ram:PayeePartyCreditorFinancialAccount><ram:IBANID>DE79000000001234567890</ram:IBANID>\
                       </ram:PayeePartyCreditorFinancialAccount>";
    breaks(
        UBL_DEBIT,
        Mutation::of(UBL_DEBIT).append("PaymentMeans", account),
        &["BR-DE-25-b"],
        &[],
    );
    breaks(
        CII_DEBIT,
        Mutation::of(CII_DEBIT).append(CII_MEANS, cii_account),
        &["BR-DE-25-b"],
        &[],
    );
}

#[test]
fn a_direct_debit_has_mandate_creditor_id_and_debited_account() {
    breaks(
        UBL_DEBIT,
        Mutation::of(UBL_DEBIT).remove("PaymentMeans/PaymentMandate/ID"),
        &["BR-DE-29"],
        &[],
    );
    breaks(
        CII_DEBIT,
        Mutation::of(CII_DEBIT).remove(&format!(
            "{CII_SETTLEMENT}/SpecifiedTradePaymentTerms/DirectDebitMandateID"
        )),
        &["BR-DE-29"],
        &[],
    );
    breaks(
        UBL_DEBIT,
        Mutation::of(UBL_DEBIT).remove(&format!("{UBL_SUPPLIER}/PartyIdentification/ID[schemeID=SEPA]")),
        &["BR-DE-30"],
        &[],
    );
    breaks(
        CII_DEBIT,
        Mutation::of(CII_DEBIT).remove(&format!("{CII_SETTLEMENT}/CreditorReferenceID")),
        &["BR-DE-30"],
        &[],
    );
    breaks(
        UBL_DEBIT,
        Mutation::of(UBL_DEBIT).remove("PaymentMeans/PaymentMandate/PayerFinancialAccount"),
        &["BR-DE-31"],
        &[],
    );
    breaks(
        CII_DEBIT,
        Mutation::of(CII_DEBIT).remove(&format!("{CII_MEANS}/PayerPartyDebtorFinancialAccount")),
        &["BR-DE-31"],
        &[],
    );
}

#[test]
fn seller_contact_telephone_and_e_mail_are_plausible() {
    let ubl_phone = format!("{UBL_SUPPLIER}/Contact/Telephone");
    let cii_phone =
        format!("{CII_SELLER}/DefinedTradeContact/TelephoneUniversalCommunication/CompleteNumber");
    breaks(
        UBL,
        Mutation::of(UBL).set_text(&ubl_phone, "+4 9"),
        &[],
        &["BR-DE-27"],
    );
    breaks(
        CII,
        Mutation::of(CII).set_text(&cii_phone, "n/a"),
        &[],
        &["BR-DE-27"],
    );
    let ubl_mail = format!("{UBL_SUPPLIER}/Contact/ElectronicMail");
    let cii_mail = format!("{CII_SELLER}/DefinedTradeContact/EmailURIUniversalCommunication/URIID");
    for bad in [
        "seller@@email.de",
        ".seller@email.de",
        "seller.@email.de",
        "seller@email.de.",
        "seller email.de",
        "sel ler@email.de",
    ] {
        breaks(
            UBL,
            Mutation::of(UBL).set_text(&ubl_mail, bad),
            &[],
            &["BR-DE-28"],
        );
        breaks(
            CII,
            Mutation::of(CII).set_text(&cii_mail, bad),
            &[],
            &["BR-DE-28"],
        );
    }
    for good in ["first.last+tag@sub.example-domain.de", "a@b.de"] {
        breaks(UBL, Mutation::of(UBL).set_text(&ubl_mail, good), &[], &[]);
    }
}

#[test]
fn extension_rules() {
    // BR-DEX-01: the extension allows application/xml attachments, nothing outside the list
    let ubl_xml_attachment = Mutation::of(UBL_EXTENSION).insert_after(
        "BuyerReference",
        "<cac:AdditionalDocumentReference><cbc:ID>A1</cbc:ID><cac:Attachment>\
         <cbc:EmbeddedDocumentBinaryObject mimeCode=\"application/xml\" filename=\"a.xml\">PGEvPg==\
         </cbc:EmbeddedDocumentBinaryObject></cac:Attachment></cac:AdditionalDocumentReference>",
    );
    let valid = check(&ubl_xml_attachment.0);
    assert_eq!(
        valid.fatal_ids(),
        Vec::<String>::new(),
        "application/xml is allowed in the extension"
    );
    let zip = ubl_xml_attachment.set_attribute(
        "AdditionalDocumentReference/Attachment/EmbeddedDocumentBinaryObject",
        "mimeCode",
        "application/zip",
    );
    breaks(UBL_EXTENSION, zip, &["BR-DEX-01"], &[]);

    // BR-DEX-02 / BR-DEX-03: sub invoice lines add up and carry one VAT category each
    let sub = "InvoiceLine/SubInvoiceLine";
    breaks(
        UBL_EXTENSION,
        Mutation::of(UBL_EXTENSION).set_text(&format!("{sub}/LineExtensionAmount"), "1.00"),
        &[],
        &["BR-DEX-02"],
    );
    breaks(
        UBL_EXTENSION,
        Mutation::of(UBL_EXTENSION).remove(&format!("{sub}/Item/ClassifiedTaxCategory")),
        &["BR-DEX-03"],
        &[],
    );

    // BR-DEX-04..08: the code lists with XR01..XR03; a made-up scheme breaks them
    breaks(
        UBL_EXTENSION,
        Mutation::of(UBL_EXTENSION).set_attribute(
            "AccountingSupplierParty/Party/EndpointID",
            "schemeID",
            "XR99",
        ),
        &["BR-DEX-07"],
        &[],
    );
    let cii_product_id =
        "SupplyChainTradeTransaction/IncludedSupplyChainTradeLineItem/SpecifiedTradeProduct/GlobalID";
    breaks(
        CII_EXTENSION,
        Mutation::of(CII_EXTENSION).set_attribute(cii_product_id, "schemeID", "XR99"),
        &["BR-DEX-06"],
        &[],
    );
    breaks(
        CII_EXTENSION,
        Mutation::of(CII_EXTENSION).set_attribute(&format!("{CII_SELLER}/GlobalID"), "schemeID", "XR99"),
        &["BR-DEX-04"],
        &[],
    );
    breaks(
        CII_EXTENSION,
        Mutation::of(CII_EXTENSION).set_attribute(
            &format!("{CII_SELLER}/URIUniversalCommunication/URIID"),
            "schemeID",
            "XX",
        ),
        &["BR-DEX-07"],
        &[],
    );

    // the XR0x codes pass, a made-up one does not: party identifier, legal registration, delivery location
    let buyer_id = "AccountingCustomerParty/Party/PartyIdentification/ID";
    let with_scheme = |scheme: &str| format!("<cbc:ID schemeID=\"{scheme}\">345LA5324</cbc:ID>");
    breaks(
        UBL_EXTENSION,
        Mutation::of(UBL_EXTENSION).replace(buyer_id, &with_scheme("XR02")),
        &[],
        &[],
    );
    breaks(
        UBL_EXTENSION,
        Mutation::of(UBL_EXTENSION).replace(buyer_id, &with_scheme("XR99")),
        &["BR-DEX-04"],
        &[],
    );
    let legal_id = "AccountingSupplierParty/Party/PartyLegalEntity/CompanyID";
    let legal = |scheme: &str| format!("<cbc:CompanyID schemeID=\"{scheme}\">1122334455</cbc:CompanyID>");
    breaks(
        UBL_EXTENSION,
        Mutation::of(UBL_EXTENSION).replace(legal_id, &legal("XR01")),
        &[],
        &[],
    );
    breaks(
        UBL_EXTENSION,
        Mutation::of(UBL_EXTENSION).replace(legal_id, &legal("XR99")),
        &["BR-DEX-05"],
        &[],
    );
    let cii_legal = |scheme: &str| {
        format!("<ram:SpecifiedLegalOrganization><ram:ID schemeID=\"{scheme}\">1</ram:ID></ram:SpecifiedLegalOrganization>")
    };
    breaks(
        CII_EXTENSION,
        Mutation::of(CII_EXTENSION).append(CII_SELLER, &cii_legal("XR03")),
        &[],
        &[],
    );
    breaks(
        CII_EXTENSION,
        Mutation::of(CII_EXTENSION).append(CII_SELLER, &cii_legal("XR99")),
        &["BR-DEX-05"],
        &[],
    );
    let ship_to = |scheme: &str| {
        format!(
            "<ram:ApplicableHeaderTradeDelivery><ram:ShipToTradeParty><ram:GlobalID schemeID=\"{scheme}\">1</ram:GlobalID>\
             <ram:Name>Lager</ram:Name></ram:ShipToTradeParty></ram:ApplicableHeaderTradeDelivery>"
        )
    };
    let delivery = "SupplyChainTradeTransaction/ApplicableHeaderTradeDelivery";
    breaks(
        CII_EXTENSION,
        Mutation::of(CII_EXTENSION).replace(delivery, &ship_to("XR01")),
        &[],
        &[],
    );
    breaks(
        CII_EXTENSION,
        Mutation::of(CII_EXTENSION).replace(delivery, &ship_to("XR99")),
        &["BR-DEX-08"],
        &[],
    );
    // attachments in CII: application/xml allowed, a ZIP not
    let attachment = |mime: &str| {
        format!(
            "<ram:AdditionalReferencedDocument><ram:IssuerAssignedID>A1</ram:IssuerAssignedID><ram:TypeCode>916</ram:TypeCode>\
             <ram:AttachmentBinaryObject mimeCode=\"{mime}\" filename=\"a\">PGEvPg==</ram:AttachmentBinaryObject>\
             </ram:AdditionalReferencedDocument>"
        )
    };
    let with_xml = Mutation::of(CII_EXTENSION).append(CII_AGREEMENT, &attachment("application/xml"));
    assert_eq!(check(&with_xml.0).fatal_ids(), Vec::<String>::new());
    breaks(
        CII_EXTENSION,
        Mutation::of(CII_EXTENSION).append(CII_AGREEMENT, &attachment("application/zip")),
        &["BR-DEX-01"],
        &[],
    );

    // BR-DEX-09..14: third party payments
    // without its amount the payment has no currency either, and the total no longer adds up
    breaks(
        UBL_THIRD_PARTY,
        Mutation::of(UBL_THIRD_PARTY).remove("PrepaidPayment/PaidAmount"),
        &["BR-DEX-09", "BR-DEX-11", "BR-DEX-14"],
        &[],
    );
    breaks(
        UBL_THIRD_PARTY,
        Mutation::of(UBL_THIRD_PARTY).set_text("PrepaidPayment/PaidAmount", "19.960"),
        &["BR-DEX-13"],
        &[],
    );
    breaks(
        UBL_THIRD_PARTY,
        Mutation::of(UBL_THIRD_PARTY).set_text("LegalMonetaryTotal/PayableAmount", "1.00"),
        &["BR-DEX-09"],
        &[],
    );
    breaks(
        UBL_THIRD_PARTY,
        Mutation::of(UBL_THIRD_PARTY).remove("PrepaidPayment/ID"),
        &["BR-DEX-10"],
        &[],
    );
    breaks(
        UBL_THIRD_PARTY,
        Mutation::of(UBL_THIRD_PARTY).remove("PrepaidPayment/InstructionID"),
        &["BR-DEX-12"],
        &[],
    );
    breaks(
        UBL_THIRD_PARTY,
        Mutation::of(UBL_THIRD_PARTY).set_attribute("PrepaidPayment/PaidAmount", "currencyID", "USD"),
        &["BR-DEX-14"],
        &[],
    );

    // BR-DEX-15: CII has no sub invoice lines
    breaks(
        CII_EXTENSION,
        Mutation::of(CII_EXTENSION).append(
            "SupplyChainTradeTransaction/IncludedSupplyChainTradeLineItem/AssociatedDocumentLineDocument",
            "<ram:ParentLineID>1</ram:ParentLineID>",
        ),
        &[],
        &["BR-DEX-15"],
    );
}

#[test]
fn fatal_xrechnung_rules_reach_the_extraction_and_the_cli() {
    let broken = Mutation::of(CII).remove(&format!("{CII_AGREEMENT}/BuyerReference"));
    let extraction = read_checked(
        "broken.xml",
        &Format::Cii,
        ExtractionMethod::Cii,
        broken.0.as_bytes(),
    )
    .expect("the reader accepts the document");
    let reason = extraction
        .findings
        .iter()
        .find(|r| r.code == ReasonCode::EinvoiceRuleViolation)
        .expect("a fatal XRechnung rule is a rule violation");
    assert!(reason.message.contains("BR-DE-15"), "{}", reason.message);
    assert!(
        reason
            .message
            .starts_with("The e-invoice breaks 1 EN 16931 / XRechnung business rule: "),
        "{}",
        reason.message
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("broken.xml");
    std::fs::write(&file, &broken.0).expect("write");
    let out = Command::cargo_bin("backdesk")
        .expect("the backdesk binary")
        .args(["validate", "--json"])
        .arg(&file)
        .env_remove("BACKDESK_DATA_DIR")
        .assert()
        .code(1);
    let value: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).expect("JSON");
    assert_eq!(value["fatal"], serde_json::json!(["BR-DE-15"]));
    assert_eq!(
        value["profile"],
        "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
    );
}
