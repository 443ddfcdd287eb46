//! The words invoices put in front of (or above) their values, in English, German, French, Dutch, Spanish and
//! Italian, with how strongly each one names its field. Labels are compared with punctuation and spacing
//! removed (`Rechnungs-Nr.:`, `Rechnung Nr` and `RechnungsNr` are the same label).

use std::cell::RefCell;
use std::rc::Rc;

use rustc_hash::FxHashMap;

use super::layout::Line;

/// A label and how specific it is (1.0: names the field and nothing else).
pub type Label = (&'static str, f64);

pub const INVOICE_NUMBER: &[Label] = &[
    ("invoice number", 1.0),
    ("invoice no", 1.0),
    ("invoice nr", 1.0),
    ("invoice n", 0.95),
    ("invoice #", 1.0),
    ("invoice id", 0.9),
    ("bill number", 0.9),
    ("bill no", 0.9),
    ("document number", 0.8),
    ("document no", 0.8),
    ("credit note number", 1.0),
    ("credit note no", 1.0),
    ("credit note", 0.6),
    ("rechnungsnummer", 1.0),
    ("rechnungsnr", 1.0),
    ("rechnung nr", 1.0),
    ("rechnungs nr", 1.0),
    ("rechnung", 0.55),
    ("handelsrechnung", 0.6),
    ("handelsrechnung nr", 0.9),
    ("gutschrift nr", 1.0),
    ("gutschriftsnummer", 1.0),
    ("gutschrift", 0.55),
    ("rechnungskorrektur nr", 0.95),
    ("rechnungskorrektur", 0.5),
    ("belegnummer", 0.85),
    ("belegnr", 0.85),
    ("beleg nr", 0.85),
    ("dokumentnummer", 0.8),
    ("numéro de facture", 1.0),
    ("n de facture", 1.0),
    ("no de facture", 1.0),
    ("facture n", 1.0),
    ("facture no", 1.0),
    ("facture", 0.6),
    ("avoir n", 1.0),
    ("avoir", 0.55),
    ("numéro d avoir", 1.0),
    ("factuurnummer", 1.0),
    ("factuurnr", 1.0),
    ("factuur nr", 1.0),
    ("factuur", 0.55),
    ("creditnota", 0.55),
    ("número de factura", 1.0),
    ("numero de factura", 1.0),
    ("n de factura", 1.0),
    ("factura n", 1.0),
    ("factura no", 1.0),
    ("nº factura", 1.0),
    ("factura", 0.55),
    ("núm factura", 1.0),
    ("numero fattura", 1.0),
    ("numero della fattura", 1.0),
    ("fattura n", 1.0),
    ("fattura nr", 1.0),
    ("n fattura", 1.0),
    ("fattura", 0.55),
    ("nota di credito n", 1.0),
    ("nr", 0.35),
    ("no", 0.3),
    ("number", 0.35),
    ("nummer", 0.35),
    ("receipt number", 0.9),
    ("receipt no", 0.9),
    ("quittungsnummer", 0.9),
    ("numéro de reçu", 0.9),
    // other numbers a bare `No.` / `Nr.` follows: strength 0 means "not the invoice's number"
    ("account no", 0.0),
    ("account number", 0.0),
    ("acct no", 0.0),
    ("customer no", 0.0),
    ("customer number", 0.0),
    ("client no", 0.0),
    ("kunden nr", 0.0),
    ("konto nr", 0.0),
    ("steuer nr", 0.0),
    ("tax no", 0.0),
    ("registration no", 0.0),
    ("reg no", 0.0),
    ("phone no", 0.0),
    ("tel no", 0.0),
    ("fax no", 0.0),
    ("lieferschein nr", 0.0),
    ("auftrags nr", 0.0),
    ("bestell nr", 0.0),
    ("artikel nr", 0.0),
    ("art nr", 0.0),
    ("item no", 0.0),
    ("order no", 0.0),
    ("order number", 0.0),
    ("n client", 0.0),
    ("n de client", 0.0),
    ("klant nr", 0.0),
    ("klantnummer", 0.0),
];

pub const ISSUE_DATE: &[Label] = &[
    ("invoice date", 1.0),
    ("date of invoice", 1.0),
    ("issue date", 1.0),
    ("date of issue", 1.0),
    ("billing date", 0.9),
    ("document date", 0.85),
    ("credit note date", 1.0),
    ("dated", 0.7),
    ("date", 0.6),
    ("rechnungsdatum", 1.0),
    ("ausstellungsdatum", 1.0),
    ("belegdatum", 0.9),
    ("gutschriftsdatum", 1.0),
    ("datum", 0.6),
    ("vom", 0.6),
    ("rechnungsdatum leistungsdatum", 0.7),
    ("date de facture", 1.0),
    ("date de facturation", 1.0),
    ("date facture", 1.0),
    ("date d émission", 1.0),
    ("date de l avoir", 1.0),
    ("du", 0.4),
    ("le", 0.3),
    ("factuurdatum", 1.0),
    ("datum factuur", 1.0),
    ("datum", 0.6),
    ("fecha de factura", 1.0),
    ("fecha factura", 1.0),
    ("fecha de emisión", 1.0),
    ("fecha", 0.6),
    ("data fattura", 1.0),
    ("data della fattura", 1.0),
    ("data documento", 0.9),
    ("data emissione", 1.0),
    ("data", 0.5),
];

pub const DUE_DATE: &[Label] = &[
    ("due date", 1.0),
    ("payment due", 0.95),
    ("date due", 1.0),
    ("due by", 0.9),
    ("payable by", 0.8),
    ("due on", 0.9),
    ("pay by", 0.8),
    ("fälligkeitsdatum", 1.0),
    ("fällig am", 1.0),
    ("fälligkeit", 0.9),
    ("fällig bis", 1.0),
    ("zahlungsziel", 0.7),
    ("date d échéance", 1.0),
    ("date échéance", 1.0),
    ("échéance", 0.9),
    ("à payer avant le", 0.9),
    ("vervaldatum", 1.0),
    ("vervaldag", 1.0),
    ("te betalen voor", 0.8),
    ("fecha de vencimiento", 1.0),
    ("vencimiento", 0.9),
    ("data di scadenza", 1.0),
    ("scadenza", 0.9),
    ("data scadenza", 1.0),
    ("payment due date", 1.0),
    ("zahlbar bis", 1.0),
    ("date limite de paiement", 1.0),
    ("date limite de règlement", 1.0),
    ("uiterste betaaldatum", 1.0),
    ("fecha límite de pago", 1.0),
    ("scadenza pagamento", 1.0),
];

pub const TOTAL_NET: &[Label] = &[
    ("total net", 1.0),
    ("net total", 1.0),
    ("net amount", 0.9),
    ("total excl vat", 1.0),
    ("total excl tax", 1.0),
    ("total excluding vat", 1.0),
    ("total before tax", 1.0),
    ("amount excl vat", 1.0),
    ("untaxed amount", 1.0),
    ("subtotal", 0.7),
    ("sub total", 0.7),
    ("total without vat", 1.0),
    ("rechnungssumme ohne ust", 1.0),
    ("summe ohne ust", 1.0),
    ("gesamtbetrag netto", 1.0),
    ("nettobetrag", 0.75),
    ("nettosumme", 1.0),
    ("summe netto", 1.0),
    ("netto", 0.6),
    ("gesamt netto", 1.0),
    ("zwischensumme", 0.6),
    ("total ht", 1.0),
    ("montant ht", 1.0),
    ("total hors taxes", 1.0),
    ("montant hors taxes", 1.0),
    ("sous total", 0.7),
    ("total net ht", 1.0),
    ("exclusief btw", 1.0),
    ("totaal excl btw", 1.0),
    ("subtotaal", 0.6),
    ("totaal exclusief btw", 1.0),
    ("base imponible", 1.0),
    ("total sin iva", 1.0),
    ("subtotal", 0.7),
    ("imponibile", 1.0),
    ("totale imponibile", 1.0),
    ("totale netto", 1.0),
];

pub const TOTAL_TAX: &[Label] = &[
    ("total tax", 1.0),
    ("tax amount", 1.0),
    ("vat amount", 1.0),
    ("total vat", 1.0),
    ("vat", 0.7),
    ("tax", 0.65),
    ("sales tax", 0.9),
    ("steuerbetrag", 1.0),
    ("umsatzsteuer", 0.7),
    ("mehrwertsteuer", 0.8),
    ("mwst", 0.7),
    ("ust", 0.7),
    ("summe ust", 1.0),
    ("gesamtbetrag ust", 1.0),
    ("summe mwst", 1.0),
    ("total taxes", 1.0),
    ("total tva", 1.0),
    ("montant tva", 1.0),
    ("tva", 0.7),
    ("btw", 0.7),
    ("totaal btw", 1.0),
    ("btw bedrag", 1.0),
    ("total iva", 1.0),
    ("iva", 0.7),
    ("cuota iva", 1.0),
    ("totale iva", 1.0),
    ("imposta", 0.8),
    // `Ohne MwSt.` over a price column, `excl. VAT` beside a net amount: strength 0 means "not the tax"
    ("ohne mwst", 0.0),
    ("ohne ust", 0.0),
    ("exkl mwst", 0.0),
    ("excl vat", 0.0),
    ("excl tax", 0.0),
    ("without vat", 0.0),
    ("hors tva", 0.0),
    ("excl btw", 0.0),
    ("exclusief btw", 0.0),
    ("sin iva", 0.0),
    ("senza iva", 0.0),
];

pub const TOTAL_GROSS: &[Label] = &[
    ("total", 0.6),
    ("grand total", 1.0),
    ("total amount", 0.9),
    ("invoice total", 1.0),
    ("total incl vat", 1.0),
    ("total including vat", 1.0),
    ("total incl tax", 1.0),
    ("total gross", 1.0),
    ("gross total", 1.0),
    ("bruttosumme", 1.0),
    ("bruttobetrag", 0.9),
    ("rechnungsbetrag", 0.9),
    ("gesamtbetrag", 0.8),
    ("gesamtsumme", 0.9),
    ("summe brutto", 1.0),
    ("rechnungssumme", 0.8),
    ("gesamt brutto", 1.0),
    ("rechnungssumme mit ust", 1.0),
    ("endbetrag", 0.8),
    ("total ttc", 1.0),
    ("montant ttc", 1.0),
    ("total toutes taxes comprises", 1.0),
    ("totaal", 0.6),
    ("totaal incl btw", 1.0),
    ("factuur totaal", 1.0),
    ("factuurtotaal", 1.0),
    ("total facture", 1.0),
    ("total de la facture", 1.0),
    ("rechnungstotal", 0.9),
    ("totaalbedrag", 0.9),
    ("totaal inclusief btw", 1.0),
    ("importe total", 1.0),
    ("total factura", 1.0),
    ("total con iva", 1.0),
    ("totale", 0.6),
    ("totale fattura", 1.0),
    ("totale documento", 1.0),
    ("totale ivato", 1.0),
];

pub const AMOUNT_DUE: &[Label] = &[
    ("amount due", 1.0),
    ("balance due", 1.0),
    ("total due", 1.0),
    ("amount payable", 1.0),
    ("to pay", 0.8),
    ("amount to pay", 1.0),
    ("please pay", 0.9),
    ("zahlbetrag", 1.0),
    ("zu zahlen", 0.9),
    ("zu zahlender betrag", 1.0),
    ("offener betrag", 0.9),
    ("restbetrag", 0.8),
    ("fälliger betrag", 1.0),
    ("net à payer", 1.0),
    ("solde à payer", 1.0),
    ("reste à payer", 1.0),
    ("montant à payer", 1.0),
    ("montant dû", 1.0),
    ("te betalen", 1.0),
    ("openstaand bedrag", 1.0),
    ("importe a pagar", 1.0),
    ("total a pagar", 1.0),
    ("da pagare", 1.0),
    ("netto a pagare", 1.0),
    ("totale da pagare", 1.0),
];

pub const BUYER_REFERENCE: &[Label] = &[
    ("buyer reference", 1.0),
    ("customer reference", 0.8),
    ("leitweg id", 1.0),
    ("leitwegid", 1.0),
    ("leitwege id", 1.0),
    ("referenz des käufers", 1.0),
    ("käufer referenz", 1.0),
    ("reference of the buyer", 1.0),
    ("référence client", 0.8),
    ("käuferreferenz", 1.0),
    ("ihr zeichen", 0.7),
    ("référence acheteur", 1.0),
    ("riferimento cliente", 0.8),
];

pub const PURCHASE_ORDER: &[Label] = &[
    ("purchase order", 1.0),
    ("purchase order number", 1.0),
    ("po number", 1.0),
    ("po no", 1.0),
    ("po", 0.7),
    ("order number", 0.8),
    ("order no", 0.8),
    ("your order", 0.9),
    ("bestellnummer", 1.0),
    ("bestellung nr", 1.0),
    ("ihre bestellung", 0.9),
    ("auftragsnummer", 0.6),
    ("bon de commande", 1.0),
    ("n de commande", 0.9),
    ("numéro de commande", 0.9),
    ("votre commande", 0.9),
    ("ordernummer", 0.8),
    ("inkoopordernummer", 1.0),
    ("bestelnummer", 1.0),
    ("uw bestelling", 0.9),
    ("número de pedido", 0.9),
    ("pedido", 0.7),
    ("orden de compra", 1.0),
    ("bestellung", 0.7),
    ("bestellnr", 1.0),
    ("order", 0.5),
    ("commande", 0.6),
    // the reference the buyer gave: on an invoice, their order
    ("your reference", 0.7),
    ("votre référence", 0.7),
    ("ihre referenz", 0.6),
    ("uw referentie", 0.7),
    ("su referencia", 0.7),
    ("vostro riferimento", 0.7),
    ("numero ordine", 0.9),
    ("ordine", 0.6),
    ("ordine d acquisto", 1.0),
];

pub const SELLER_VAT: &[Label] = &[
    ("vat", 0.6),
    ("vat no", 0.9),
    ("vat number", 0.9),
    ("vat id", 0.9),
    ("vat reg no", 0.9),
    ("tax id", 0.7),
    ("ust id nr", 0.9),
    ("ustidnr", 0.9),
    ("ust idnr", 0.9),
    ("ust id", 0.9),
    ("umsatzsteuer id", 0.9),
    ("uid", 0.8),
    ("uid nr", 0.9),
    ("tva", 0.6),
    ("n tva", 0.8),
    ("tva intracommunautaire", 0.9),
    ("btw", 0.6),
    ("btw nummer", 0.9),
    ("btw nr", 0.9),
    ("nif", 0.7),
    ("cif", 0.7),
    ("nif iva", 0.8),
    ("partita iva", 0.9),
    ("p iva", 0.9),
];

/// Words heading the seller's block.
pub const SELLER_SECTION: &[Label] = &[
    ("verkäufer", 1.0),
    ("lieferant", 0.8),
    ("rechnungssteller", 1.0),
    ("seller", 1.0),
    ("supplier", 1.0),
    ("vendor", 1.0),
    ("from", 0.6),
    ("vendeur", 1.0),
    ("fournisseur", 1.0),
    ("émetteur", 1.0),
    ("leverancier", 1.0),
    ("verkoper", 1.0),
    ("proveedor", 1.0),
    ("emisor", 1.0),
    ("vendedor", 1.0),
    ("fornitore", 1.0),
    ("venditore", 1.0),
    ("cedente", 1.0),
];

/// Words heading the buyer's block.
pub const BUYER_SECTION: &[Label] = &[
    ("käufer", 1.0),
    ("kunde", 0.9),
    ("rechnungsempfänger", 1.0),
    ("leistungsempfänger", 1.0),
    ("käufer leistungsempfänger", 1.0),
    ("buyer", 1.0),
    ("customer", 0.9),
    ("bill to", 1.0),
    ("billed to", 1.0),
    ("invoice to", 1.0),
    ("sold to", 1.0),
    ("client", 0.9),
    ("acheteur", 1.0),
    ("destinataire", 0.8),
    ("facturé à", 1.0),
    ("bill to address", 1.0),
    ("billing address", 1.0),
    ("rechnungsadresse", 1.0),
    ("factuuradres", 1.0),
    ("dirección de facturación", 1.0),
    ("indirizzo di fatturazione", 1.0),
    ("adresse de facturation", 1.0),
    ("klant", 0.9),
    ("afnemer", 1.0),
    ("koper", 1.0),
    ("cliente", 0.9),
    ("comprador", 1.0),
    ("facturar a", 1.0),
    ("destinatario", 0.8),
    ("cessionario", 1.0),
];

/// Words before a name inside a party block.
pub const NAME: &[Label] = &[
    ("name", 1.0),
    ("firma", 0.9),
    ("company", 0.9),
    ("nom", 1.0),
    ("raison sociale", 1.0),
    ("naam", 1.0),
    ("nombre", 1.0),
    ("razón social", 1.0),
    ("nome", 1.0),
    ("ragione sociale", 1.0),
];

/// Words that end a label's value run (the start of another label on the same line).
pub const FILLER: &[&str] = &[
    "nr", "no", "n", "number", "nummer", "num", "numéro", "numero", "núm", "número", "nr.", "#", "id",
];

/// A word with case, punctuation and accents' neighbours removed, for comparing labels.
pub fn squash(text: &str) -> String {
    let mut squashed = String::with_capacity(text.len());
    squash_into(text, &mut squashed);
    squashed
}

/// [`squash`], appended to `out`.
fn squash_into(text: &str, out: &mut String) {
    if text.is_ascii() {
        // the common case, without the per-char lowercase iterator (same result: ASCII lowercases to itself)
        for b in text.bytes().filter(u8::is_ascii_alphanumeric) {
            out.push(char::from(b.to_ascii_lowercase()));
        }
        return;
    }
    out.extend(
        text.chars()
            .filter(|c| c.is_alphanumeric() && !matches!(c, 'º' | 'ª'))
            .flat_map(char::to_lowercase),
    );
}

/// A label found on a line: the index range of its words and its strength.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LabelHit {
    pub start: usize,
    pub end: usize,
    pub strength: f64,
}

/// Every place a label of `labels` occurs on the line; where labels overlap, the longest wins.
pub fn find(line: &Line, labels: &'static [Label]) -> Vec<LabelHit> {
    let wanted = squashed_labels(labels);
    let squashed = line.squashed_words();
    let mut hits: Vec<LabelHit> = Vec::new();
    let mut i = 0;
    let mut joined = String::new();
    while i < squashed.len() {
        if squashed[i].is_empty() {
            i += 1;
            continue;
        }
        joined.clear();
        joined.push_str(&squashed[i]);
        let mut best: Option<LabelHit> = None;
        for (j, word) in squashed.iter().enumerate().skip(i).take(6) {
            if j > i {
                // a label does not run across cells
                if line.cell_of(j) != line.cell_of(i) {
                    break;
                }
                joined.push_str(word);
            }
            let Some(entry) = wanted.get(joined.as_str()) else {
                // no label starts with these words: longer runs cannot match either
                break;
            };
            if let Some(strength) = entry.strength {
                best = Some(LabelHit {
                    start: i,
                    end: j + 1,
                    strength,
                });
            }
            if joined.len() > 40 || !entry.continues {
                break;
            }
        }
        match best {
            Some(hit) => {
                i = hit.end;
                hits.push(hit);
            }
            None => i += 1,
        }
    }
    hits
}

/// A squashed label, or the start of one, in a list's lookup table.
#[derive(Debug, Default)]
struct LabelEntry {
    /// The strength when this is a whole label (the highest, when the list has it twice).
    strength: Option<f64>,
    /// Whether a longer label starts with this.
    continues: bool,
}

/// The labels of a list, squashed, with every start of one (computed once per list and thread).
fn squashed_labels(labels: &'static [Label]) -> Rc<FxHashMap<String, LabelEntry>> {
    thread_local! {
        static CACHE: RefCell<FxHashMap<usize, Rc<FxHashMap<String, LabelEntry>>>> =
            RefCell::new(FxHashMap::default());
    }
    CACHE.with(|cache| {
        cache
            .borrow_mut()
            .entry(labels.as_ptr() as usize)
            .or_insert_with(|| {
                let mut map: FxHashMap<String, LabelEntry> = FxHashMap::default();
                for (label, strength) in labels {
                    let squashed = squash(label);
                    for (at, _) in squashed.char_indices().skip(1) {
                        map.entry(squashed[..at].to_owned()).or_default().continues = true;
                    }
                    let entry = map.entry(squashed).or_default();
                    entry.strength = Some(entry.strength.map_or(*strength, |s| f64::max(s, *strength)));
                }
                Rc::new(map)
            })
            .clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::layout::{lines, test_page};

    const TEST_LABELS: &[Label] = &[
        ("invoice number", 1.0),
        ("invoice", 0.5),
        ("number", 0.3),
        ("total amount due", 0.9),
        ("total amount due", 0.7),
    ];

    fn spans(hits: &[LabelHit]) -> Vec<(usize, usize, f64)> {
        hits.iter().map(|h| (h.start, h.end, h.strength)).collect()
    }

    #[test]
    fn the_longest_label_wins_unfinished_starts_do_not_count_and_cells_are_not_crossed() {
        let page = test_page(&[
            (700.0, &[(50.0, "Your Invoice Number: 4711 Total Amount")]),
            (650.0, &[(50.0, "TOTAL amount-due 12.00")]),
            (600.0, &[(50.0, "Invoice"), (300.0, "Number 12")]),
        ]);
        let lines = lines(&page);
        assert_eq!(lines.len(), 3);
        assert_eq!(spans(&find(&lines[0], TEST_LABELS)), [(1, 3, 1.0)]);
        assert_eq!(
            spans(&find(&lines[1], TEST_LABELS)),
            [(0, 2, 0.9)],
            "three squashed words in two, the list's higher strength"
        );
        assert_eq!(
            spans(&find(&lines[2], TEST_LABELS)),
            [(0, 1, 0.5), (1, 2, 0.3)],
            "a label does not run across cells"
        );
    }
}
