//! A synthetic company for the labelled decision suite: vendors, purchase orders, goods receipts and a
//! stream of UBL invoices — clean ones and ones with a planted problem — each labelled with what the
//! default policy must decide. Deterministic by seed (a small xorshift generator, no external crate).

pub mod ubl;

use std::fmt::Write as _;

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;

use crate::model::ReasonCode;
use ubl::{GenInvoice, GenLine};

/// A small deterministic pseudo-random generator (xorshift64*).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for this seed (0 is replaced: xorshift needs a non-zero state).
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

/// What the default policy must decide for a generated invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    StraightThrough,
    AwaitingApproval,
    Exception,
}

/// One generated document with its label.
#[derive(Debug, Clone)]
pub struct Labelled {
    pub file_name: String,
    pub xml: String,
    pub expected: Expected,
    /// The problem planted in it (the code that must be among its reasons).
    pub planted: Option<ReasonCode>,
}

/// The generated company and documents.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub vendors_csv: String,
    pub purchase_orders_csv: String,
    pub receipts_csv: String,
    pub documents: Vec<Labelled>,
}

struct Vendor {
    id: String,
    name: String,
    vat: String,
    iban: String,
}

struct PoLine {
    code: String,
    name: String,
    ordered: Decimal,
    price: Decimal,
    received: Decimal,
    invoiced: Decimal,
}

struct Po {
    number: String,
    vendor: usize,
    lines: Vec<PoLine>,
    three_way: bool,
    burned: bool,
}

impl Po {
    fn available(&self, l: &PoLine) -> Decimal {
        let ordered = l.ordered - l.invoiced;
        if self.three_way {
            ordered.min(l.received - l.invoiced)
        } else {
            ordered
        }
    }
}

/// (PO index, line index, quantity) an invoice took from a PO line.
type Consumed = Vec<(usize, usize, Decimal)>;

/// A clean invoice already emitted, for duplicates and credit notes: (po, line, qty) it consumed.
struct Emitted {
    invoice: GenInvoice,
    vendor: usize,
    consumed: Vec<(usize, usize, Decimal)>,
}

struct Generator {
    rng: Rng,
    vendors: Vec<Vendor>,
    pos: Vec<Po>,
    emitted: Vec<Emitted>,
    /// (vendor, gross, date, credit note) of every document, to keep clean ones clear of the duplicate window.
    seen: Vec<(usize, Decimal, NaiveDate, bool)>,
    seq: usize,
}

const NOUNS: &[&str] = &[
    "cable", "bracket", "valve", "filter", "sensor", "hinge", "gasket", "pump", "relay", "switch", "panel",
    "bearing", "nozzle", "clamp", "spring", "fuse",
];
const ADJECTIVES: &[&str] = &[
    "steel", "copper", "heavy", "compact", "thermal", "sealed", "modular", "coated",
];
const PLANTED: &[ReasonCode] = &[
    ReasonCode::PriceVariance,
    ReasonCode::QuantityExceedsOrdered,
    ReasonCode::QuantityExceedsReceived,
    ReasonCode::DuplicateInvoice,
    ReasonCode::PossibleDuplicate,
    ReasonCode::BankDetailsChanged,
    ReasonCode::UnknownVendor,
    ReasonCode::VendorTaxIdMismatch,
    ReasonCode::PoNotFound,
    ReasonCode::PoVendorMismatch,
    ReasonCode::CurrencyMismatch,
    ReasonCode::UnmatchedLine,
    ReasonCode::TotalVariance,
];

fn digits(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + u8::try_from(rng.below(10)).unwrap_or(0)))
        .collect()
}

/// A valid IBAN (ISO 13616 mod-97 check digits) for a country and digits-only account.
fn iban(country: &str, bban: &str) -> String {
    let rearranged: String = bban
        .chars()
        .chain(country.chars())
        .map(|c| c.to_digit(36).unwrap_or(0).to_string())
        .chain(["00".to_owned()])
        .collect();
    let remainder = rearranged
        .chars()
        .fold(0_u32, |acc, c| (acc * 10 + c.to_digit(10).unwrap_or(0)) % 97);
    format!("{country}{:02}{bban}", 98 - remainder)
}

fn money(cents: u64) -> Decimal {
    Decimal::new(i64::try_from(cents).unwrap_or(i64::MAX), 2)
}

/// Generates a company and `invoices` labelled documents from `seed`.
pub fn generate(seed: u64, invoices: usize) -> Scenario {
    let mut g = Generator {
        rng: Rng::new(seed),
        vendors: Vec::new(),
        pos: Vec::new(),
        emitted: Vec::new(),
        seen: Vec::new(),
        seq: 0,
    };
    g.master_data();
    let start = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap_or_default();
    let mut documents = Vec::new();
    let mut planted_next = 0;
    while documents.len() < invoices {
        let date = start + Duration::days(i64::try_from(documents.len() / 2).unwrap_or(0));
        let plant = g.rng.below(100) < 35;
        let made = if plant {
            let code = PLANTED[planted_next % PLANTED.len()];
            let made = g.planted(code, date);
            if made.is_some() {
                planted_next += 1;
            }
            made.map(|inv| (inv, Expected::Exception, Some(code)))
        } else {
            g.clean(date).map(|(inv, e)| (inv, e, None))
        };
        if let Some((invoice, expected, planted)) = made {
            documents.push(Labelled {
                file_name: format!(
                    "{:04}-{}.xml",
                    documents.len() + 1,
                    invoice.number.replace(' ', "_")
                ),
                xml: invoice.to_ubl(),
                expected,
                planted,
            });
        }
    }
    Scenario {
        vendors_csv: g.vendors_csv(),
        purchase_orders_csv: g.pos_csv(),
        receipts_csv: g.receipts_csv(),
        documents,
    }
}

impl Generator {
    fn master_data(&mut self) {
        for v in 0..20 {
            let vat = format!("DE{}", digits(&mut self.rng, 9));
            let iban = iban("DE", &digits(&mut self.rng, 18));
            self.vendors.push(Vendor {
                id: format!("V{:03}", v + 1),
                name: format!(
                    "{} {} Supply GmbH",
                    capitalise(NOUNS[v % NOUNS.len()]),
                    ["Nord", "Süd", "West", "Ost", "Mitte"][v % 5]
                ),
                vat,
                iban,
            });
        }
        for p in 0..140 {
            let vendor = p % 20;
            let equipment = p % 10 == 9;
            let n_lines = 1 + usize::try_from(self.rng.below(4)).unwrap_or(0);
            let three_way = self.rng.below(2) == 0;
            let partial = three_way && self.rng.below(2) == 0;
            let lines = (0..n_lines)
                .map(|l| {
                    let ordered = Decimal::from(20 + self.rng.below(41));
                    let price = if equipment {
                        money(200_000 + self.rng.below(200_000))
                    } else {
                        money(500 + self.rng.below(14_500))
                    };
                    let received = match (three_way, partial) {
                        (false, _) => Decimal::ZERO,
                        (true, false) => ordered,
                        (true, true) => (ordered / Decimal::TWO).floor(),
                    };
                    PoLine {
                        code: format!("{}-{}{l}", NOUNS[(p + l) % NOUNS.len()][..3].to_uppercase(), p),
                        name: format!(
                            "{} {} type {p}{l}",
                            ADJECTIVES[(p * 3 + l) % ADJECTIVES.len()],
                            NOUNS[(p + l) % NOUNS.len()]
                        ),
                        ordered,
                        price,
                        received,
                        invoiced: Decimal::ZERO,
                    }
                })
                .collect();
            self.pos.push(Po {
                number: format!("4500{:04}", p + 1),
                vendor,
                lines,
                three_way,
                burned: false,
            });
        }
    }

    fn next_number(&mut self) -> String {
        self.seq += 1;
        format!("2026-{:05}", self.seq)
    }

    fn base(&mut self, vendor: usize, date: NaiveDate) -> GenInvoice {
        let v = &self.vendors[vendor];
        GenInvoice {
            number: String::new(),
            issue_date: date,
            credit_note: false,
            currency: "EUR".into(),
            seller_name: v.name.clone(),
            seller_vat: Some(v.vat.clone()),
            iban: Some(v.iban.clone()),
            po_reference: None,
            lines: Vec::new(),
            charge: Decimal::ZERO,
        }
        .numbered(self.next_number())
    }

    /// A PO invoice within what is open (and received), at PO prices. `None` when no PO has room.
    fn po_invoice(&mut self, date: NaiveDate) -> Option<(GenInvoice, Consumed, usize)> {
        for _ in 0..40 {
            let p = usize::try_from(self.rng.below(self.pos.len() as u64)).unwrap_or(0);
            if self.pos[p].burned {
                continue;
            }
            let mut consumed = Vec::new();
            let mut lines = Vec::new();
            for l in 0..self.pos[p].lines.len() {
                let po = &self.pos[p];
                let available = po.available(&po.lines[l]);
                if available < Decimal::ONE || self.rng.below(3) == 0 {
                    continue;
                }
                let cap = u64::try_from(available.floor().min(Decimal::from(5)).mantissa()).unwrap_or(1);
                let q = Decimal::from(1 + self.rng.below(cap));
                let line = &self.pos[p].lines[l];
                lines.push(GenLine {
                    item_code: Some(line.code.clone()),
                    name: line.name.clone(),
                    quantity: q,
                    price: line.price,
                });
                consumed.push((p, l, q));
            }
            if lines.is_empty() {
                continue;
            }
            let vendor = self.pos[p].vendor;
            let mut invoice = self.base(vendor, date);
            invoice.po_reference = Some(match self.rng.below(3) {
                0 => format!("PO-{}", self.pos[p].number),
                1 => format!("po {}", self.pos[p].number),
                _ => self.pos[p].number.clone(),
            });
            invoice.lines = lines;
            if self.collides(vendor, invoice.gross(), date, false) {
                continue;
            }
            return Some((invoice, consumed, vendor));
        }
        None
    }

    fn collides(&self, vendor: usize, gross: Decimal, date: NaiveDate, credit: bool) -> bool {
        self.seen.iter().any(|(v, g, d, c)| {
            *v == vendor && *g == gross && *c == credit && (*d - date).num_days().abs() <= 7
        })
    }

    fn commit(
        &mut self,
        invoice: &GenInvoice,
        vendor: usize,
        consumed: Vec<(usize, usize, Decimal)>,
        clean: bool,
    ) {
        for &(p, l, q) in &consumed {
            self.pos[p].lines[l].invoiced += if invoice.credit_note { -q } else { q };
        }
        self.seen
            .push((vendor, invoice.gross(), invoice.issue_date, invoice.credit_note));
        if clean && !invoice.credit_note {
            self.emitted.push(Emitted {
                invoice: invoice.clone(),
                vendor,
                consumed,
            });
        }
    }

    fn service_lines(&mut self) -> Vec<GenLine> {
        vec![GenLine {
            item_code: None,
            name: "Consulting hours".into(),
            quantity: Decimal::from(1 + self.rng.below(2)),
            price: money(30_000 + self.rng.below(60_000)),
        }]
    }

    fn clean(&mut self, date: NaiveDate) -> Option<(GenInvoice, Expected)> {
        match self.rng.below(10) {
            0 => {
                // a non-PO service invoice: always a person
                let vendor = usize::try_from(self.rng.below(20)).unwrap_or(0);
                let mut invoice = self.base(vendor, date);
                invoice.lines = self.service_lines();
                if self.collides(vendor, invoice.gross(), date, false) {
                    return None;
                }
                self.commit(&invoice, vendor, Vec::new(), false);
                Some((invoice, Expected::AwaitingApproval))
            }
            1 if !self.emitted.is_empty() => {
                // a credit note for one unit of an earlier invoice's first line
                let e = usize::try_from(self.rng.below(self.emitted.len() as u64)).unwrap_or(0);
                let (p, l, _) = *self.emitted[e].consumed.first()?;
                if self.pos[p].burned {
                    return None;
                }
                let vendor = self.emitted[e].vendor;
                let mut invoice = self.base(vendor, date);
                invoice.credit_note = true;
                invoice.po_reference = Some(self.pos[p].number.clone());
                let line = &self.pos[p].lines[l];
                invoice.lines = vec![GenLine {
                    item_code: Some(line.code.clone()),
                    name: line.name.clone(),
                    quantity: Decimal::ONE,
                    price: line.price,
                }];
                if self.collides(vendor, invoice.gross(), date, true) {
                    return None;
                }
                self.commit(&invoice, vendor, vec![(p, l, Decimal::ONE)], true);
                Some((invoice, Expected::AwaitingApproval))
            }
            _ => {
                let (invoice, consumed, vendor) = self.po_invoice(date)?;
                self.commit(&invoice, vendor, consumed, true);
                let expected = if invoice.gross() < money(100_000) {
                    Expected::StraightThrough
                } else {
                    Expected::AwaitingApproval
                };
                Some((invoice, expected))
            }
        }
    }

    fn planted(&mut self, code: ReasonCode, date: NaiveDate) -> Option<GenInvoice> {
        match code {
            ReasonCode::PriceVariance => {
                let (mut invoice, consumed, vendor) = self.po_invoice(date)?;
                let bump = Decimal::new(105 + i64::try_from(self.rng.below(10)).unwrap_or(0), 2);
                invoice.lines[0].price = (invoice.lines[0].price * bump).round_dp(2);
                self.commit(&invoice, vendor, consumed, false);
                Some(invoice)
            }
            ReasonCode::QuantityExceedsOrdered | ReasonCode::QuantityExceedsReceived => {
                let want_received = code == ReasonCode::QuantityExceedsReceived;
                let p = (0..self.pos.len()).find(|&p| {
                    let po = &self.pos[p];
                    !po.burned
                        && if want_received {
                            po.three_way && po.lines[0].received < po.lines[0].ordered
                        } else {
                            !po.three_way
                        }
                })?;
                self.pos[p].burned = true;
                let po = &self.pos[p];
                let line = &po.lines[0];
                let limit = if want_received {
                    line.received
                } else {
                    line.ordered
                };
                let q = limit - line.invoiced + Decimal::ONE;
                let (code_, name, price, number, vendor) = (
                    line.code.clone(),
                    line.name.clone(),
                    line.price,
                    po.number.clone(),
                    po.vendor,
                );
                let mut invoice = self.base(vendor, date);
                invoice.po_reference = Some(number);
                invoice.lines = vec![GenLine {
                    item_code: Some(code_),
                    name,
                    quantity: q,
                    price,
                }];
                self.commit(&invoice, vendor, vec![(p, 0, q)], false);
                Some(invoice)
            }
            ReasonCode::DuplicateInvoice | ReasonCode::PossibleDuplicate => {
                let e = usize::try_from(self.rng.below(self.emitted.len().max(1) as u64)).ok()?;
                let earlier = self.emitted.get(e)?;
                let mut invoice = earlier.invoice.clone();
                let vendor = earlier.vendor;
                let consumed = earlier.consumed.clone();
                if consumed.iter().any(|&(p, _, _)| self.pos[p].burned) {
                    return None;
                }
                invoice.issue_date = earlier.invoice.issue_date + Duration::days(2);
                // each earlier invoice is copied once: a second copy would be the same file
                self.emitted.remove(e);
                if code == ReasonCode::DuplicateInvoice {
                    // the same number written another way: INV-2026-00042 → "INV 202600042"
                    invoice.number = format!("INV {}", invoice.number.replace('-', ""));
                    self.seen
                        .push((vendor, invoice.gross(), invoice.issue_date, false));
                } else {
                    invoice.number = self.next_number();
                    // it consumes quantity like any non-duplicate; later invoices must not count on it
                    for &(p, _, _) in &consumed {
                        self.pos[p].burned = true;
                    }
                    self.commit(&invoice, vendor, consumed, false);
                }
                Some(invoice)
            }
            ReasonCode::BankDetailsChanged
            | ReasonCode::CurrencyMismatch
            | ReasonCode::UnmatchedLine
            | ReasonCode::TotalVariance
            | ReasonCode::VendorTaxIdMismatch => {
                let (mut invoice, consumed, vendor) = self.po_invoice(date)?;
                match code {
                    ReasonCode::BankDetailsChanged => {
                        invoice.iban = Some(iban("DE", &digits(&mut self.rng, 18)));
                    }
                    ReasonCode::CurrencyMismatch => invoice.currency = "USD".into(),
                    ReasonCode::UnmatchedLine => invoice.lines.push(GenLine {
                        item_code: None,
                        name: "Expedited handling fee".into(),
                        quantity: Decimal::ONE,
                        price: money(4_321),
                    }),
                    ReasonCode::TotalVariance => {
                        invoice.charge = (invoice.net() * Decimal::new(2, 2)).round_dp(2) + money(500);
                    }
                    _ => {
                        invoice.seller_vat = Some(format!("DE{}", digits(&mut self.rng, 9)));
                        invoice.iban = None;
                    }
                }
                self.commit(&invoice, vendor, consumed, false);
                Some(invoice)
            }
            ReasonCode::UnknownVendor => {
                let mut invoice = self.base(0, date);
                invoice.seller_name = format!("Zephyr {} Trading Ltd", digits(&mut self.rng, 4));
                invoice.seller_vat = Some(format!("GB{}", digits(&mut self.rng, 9)));
                invoice.iban = None;
                invoice.lines = self.service_lines();
                Some(invoice)
            }
            ReasonCode::PoNotFound | ReasonCode::PoVendorMismatch => {
                let vendor = usize::try_from(self.rng.below(20)).unwrap_or(0);
                let mut invoice = self.base(vendor, date);
                invoice.lines = self.service_lines();
                invoice.po_reference = Some(if code == ReasonCode::PoNotFound {
                    format!("PO-9{}", digits(&mut self.rng, 6))
                } else {
                    let other = self.pos.iter().find(|p| p.vendor != vendor)?;
                    other.number.clone()
                });
                self.seen.push((vendor, invoice.gross(), date, false));
                Some(invoice)
            }
            _ => None,
        }
    }

    fn vendors_csv(&self) -> String {
        let mut out = String::from("vendor_id,name,tax_id,iban,currency,default_account\n");
        for v in &self.vendors {
            let _ = writeln!(out, "{},{},{},{},EUR,6300", v.id, v.name, v.vat, v.iban);
        }
        out
    }

    fn pos_csv(&self) -> String {
        let mut out = String::from(
            "po_number,vendor_id,line_no,item_code,description,quantity,unit_price,currency,order_date,department,account\n",
        );
        for po in &self.pos {
            for (l, line) in po.lines.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "{},{},{},{},{},{},{},EUR,2025-12-01,Operations,6300",
                    po.number,
                    self.vendors[po.vendor].id,
                    l + 1,
                    line.code,
                    line.name,
                    line.ordered,
                    line.price
                );
            }
        }
        out
    }

    fn receipts_csv(&self) -> String {
        let mut out = String::from("receipt_id,po_number,line_no,quantity_received,received_date\n");
        for po in self.pos.iter().filter(|p| p.three_way) {
            for (l, line) in po.lines.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "GR-{},{},{},{},2025-12-20",
                    po.number,
                    po.number,
                    l + 1,
                    line.received
                );
            }
        }
        out
    }
}

impl GenInvoice {
    fn numbered(mut self, number: String) -> Self {
        self.number = number;
        self
    }
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
