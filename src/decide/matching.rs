//! PO matching: which purchase order(s) an invoice is for (its normalised reference, or the one open PO of
//! the vendor that fits), which PO line each invoice line is for (an assignment in tiers), and what the
//! 2-way / 3-way comparison finds — price, cumulative quantity against ordered and received, currency,
//! header total — each within the policy's tolerances.

use rust_decimal::Decimal;
use serde::Serialize;

use super::evidence::{Evidence, PoLineState, PurchaseOrder};
use super::reference::{exact_key, has_digit, loose_key, split_references};
use super::vendor::normalise_name;
use crate::model::{AccountCode, DocumentType, Invoice, InvoiceLine, PoNumber, Reason, ReasonCode, Vendor};
use crate::policy::routing::TraceEntry;
use crate::policy::{allowance, Policy};

/// How strongly an invoice line was tied to a PO line, strongest first. Each tier is assigned over all
/// lines before the next, so a weak match can never take a PO line a stronger one needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchTier {
    /// Same item code, or the invoice line names the PO line (BT-132).
    Identifier,
    /// Descriptions at least [`STRONG_DESCRIPTION`] alike.
    Description,
    /// Unit price within tolerance and the quantity still open.
    PriceQuantity,
    /// Descriptions somewhat alike or the price within tolerance.
    Weak,
}

/// Description similarity (Sørensen–Dice over bigrams of the normalised text) for a strong match.
pub const STRONG_DESCRIPTION: f64 = 0.8;
/// … and for a weak one.
pub const WEAK_DESCRIPTION: f64 = 0.5;

/// 2-way (invoice vs PO) or 3-way (also vs goods received).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum MatchMode {
    #[serde(rename = "2-way")]
    TwoWay,
    #[serde(rename = "3-way")]
    ThreeWay,
}

/// One invoice line matched to one PO line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineMatch {
    /// 0-based position of the invoice line.
    pub invoice_line_index: usize,
    /// The invoice line's own id (BT-126).
    pub invoice_line: String,
    pub po_number: PoNumber,
    pub po_line_no: u32,
    pub tier: MatchTier,
    pub mode: MatchMode,
    /// Invoiced on this document; negative on a credit note.
    #[serde(with = "rust_decimal::serde::str")]
    pub quantity: Decimal,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub unit_price: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::str")]
    pub po_unit_price: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub ordered: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub received: Decimal,
    /// Invoiced on earlier documents.
    #[serde(with = "rust_decimal::serde::str")]
    pub invoiced_before: Decimal,
}

/// What matching found.
#[derive(Debug, Clone, Default)]
pub struct MatchOutcome {
    /// The POs the invoice was matched against.
    pub purchase_orders: Vec<PoNumber>,
    /// True when no reference was stated and the one fitting open PO was taken.
    pub inferred: bool,
    pub matches: Vec<LineMatch>,
    pub reasons: Vec<Reason>,
    pub trace: Vec<TraceEntry>,
    pub departments: Vec<String>,
    pub accounts: Vec<AccountCode>,
}

/// Matches `invoice` (from `vendor`, when known) against the POs in `evidence`.
pub fn match_invoice(
    invoice: &Invoice,
    vendor: Option<&Vendor>,
    evidence: &Evidence,
    policy: &Policy,
) -> MatchOutcome {
    let mut out = MatchOutcome::default();
    let mut orders: Vec<&PurchaseOrder> = Vec::new();
    let stated = invoice
        .purchase_order_reference
        .as_deref()
        .map(split_references)
        .unwrap_or_default();
    let mut named_any = false;
    for reference in &stated {
        match find_order(reference, vendor, &evidence.purchase_orders) {
            Some(order) => {
                named_any = true;
                if let Some(v) = vendor.filter(|v| v.vendor_id != order.vendor_id) {
                    out.reasons.push(Reason::new(
                        ReasonCode::PoVendorMismatch,
                        format!(
                            "PO {} named as '{reference}' belongs to vendor {}, not to {} ({})",
                            order.number, order.vendor_id, v.vendor_id, v.name
                        ),
                        serde_json::json!({
                            "rule": "match.po_vendor", "reference": reference, "po_number": order.number,
                            "po_vendor_id": order.vendor_id, "invoice_vendor_id": v.vendor_id,
                        }),
                    ));
                } else if !orders.iter().any(|o| o.number == order.number) {
                    out.trace.push(TraceEntry::new(
                        "match.po_reference",
                        format!("'{reference}' is PO {}", order.number),
                    ));
                    orders.push(order);
                }
            }
            None if !has_digit(reference) => out.trace.push(TraceEntry::new(
                "match.po_reference",
                format!("'{reference}' has no digit and names no PO on file: treated as no reference"),
            )),
            None => {
                named_any = true;
                out.reasons.push(Reason::new(
                    ReasonCode::PoNotFound,
                    format!(
                        "the invoice names PO '{reference}', which is not on file (compared as {})",
                        loose_key(reference).unwrap_or_default()
                    ),
                    serde_json::json!({
                        "rule": "match.po_reference", "reference": reference,
                        "normalised": loose_key(reference),
                    }),
                ));
            }
        }
    }

    if !named_any {
        if let Some(vendor) = vendor {
            if po_required(invoice, vendor, policy) {
                out.reasons.push(Reason::new(
                    ReasonCode::NoPoReference,
                    format!(
                        "the policy requires a PO for vendor {} at this amount and the invoice names none",
                        vendor.vendor_id
                    ),
                    serde_json::json!({
                        "rule": "policy.matching.po_required", "vendor_id": vendor.vendor_id,
                        "gross": invoice.totals.tax_inclusive.map(|g| g.to_string()),
                        "required_from": policy.matching.po_required_from.map(|g| g.to_string()),
                    }),
                ));
                return out;
            }
            if let Some(order) = infer_order(invoice, vendor, evidence, policy) {
                out.inferred = true;
                out.trace.push(TraceEntry::new(
                    "match.po_inferred",
                    format!(
                        "no PO named; PO {} is the only open PO of the vendor that fits every line",
                        order.number
                    ),
                ));
                orders.push(order);
            }
        }
    }
    if orders.is_empty() {
        return out;
    }
    compare(invoice, vendor, &orders, policy, &mut out);
    out
}

fn po_required(invoice: &Invoice, vendor: &Vendor, policy: &Policy) -> bool {
    policy.matching.po_required_vendors.contains(&vendor.vendor_id)
        || policy
            .matching
            .po_required_from
            .zip(invoice.totals.tax_inclusive)
            .is_some_and(|(from, gross)| gross >= from)
}

/// The PO a reference names: same number exactly (ignoring case and separators), else the same loose key,
/// preferring the invoice's vendor when several share it.
fn find_order<'a>(
    reference: &str,
    vendor: Option<&Vendor>,
    orders: &'a [PurchaseOrder],
) -> Option<&'a PurchaseOrder> {
    let exact = exact_key(reference);
    if let Some(order) = orders.iter().find(|o| exact_key(o.number.as_str()) == exact) {
        return Some(order);
    }
    let key = loose_key(reference)?;
    let mut same: Vec<&PurchaseOrder> = orders
        .iter()
        .filter(|o| loose_key(o.number.as_str()).as_ref() == Some(&key))
        .collect();
    if same.len() > 1 {
        if let Some(v) = vendor {
            same.retain(|o| o.vendor_id == v.vendor_id);
        }
    }
    same.first().copied()
}

/// The single open PO of this vendor, in the invoice's currency, whose lines take every invoice line at a
/// price/quantity tier or stronger and raise no reason. None when zero or several fit.
fn infer_order<'a>(
    invoice: &Invoice,
    vendor: &Vendor,
    evidence: &'a Evidence,
    policy: &Policy,
) -> Option<&'a PurchaseOrder> {
    if invoice.lines.is_empty() || invoice.document_type == DocumentType::CreditNote {
        return None;
    }
    let currency = invoice.currency.as_ref()?;
    let mut fitting = evidence.purchase_orders.iter().filter(|o| {
        o.vendor_id == vendor.vendor_id
            && o.is_open()
            && o.lines.iter().all(|l| &l.line.currency == currency)
            && {
                let mut trial = MatchOutcome::default();
                compare(invoice, Some(vendor), &[*o], policy, &mut trial);
                trial.reasons.is_empty()
                    && trial.matches.len() == invoice.lines.len()
                    && trial.matches.iter().all(|m| m.tier <= MatchTier::PriceQuantity)
            }
    });
    let first = fitting.next()?;
    fitting.next().is_none().then_some(first)
}

struct Candidate<'a> {
    tier: MatchTier,
    score: f64,
    invoice_line: usize,
    order: &'a PurchaseOrder,
    line: &'a PoLineState,
}

fn compare(
    invoice: &Invoice,
    vendor: Option<&Vendor>,
    orders: &[&PurchaseOrder],
    policy: &Policy,
    out: &mut MatchOutcome,
) {
    let sign = if invoice.document_type == DocumentType::CreditNote {
        Decimal::NEGATIVE_ONE
    } else {
        Decimal::ONE
    };
    let vendor_id = vendor.map(|v| &v.vendor_id);
    for order in orders {
        out.purchase_orders.push(order.number.clone());
    }

    // currency: prices of a PO in another currency cannot be compared
    let mut comparable_currency = true;
    if let Some(currency) = &invoice.currency {
        for order in orders {
            if let Some(other) = order
                .lines
                .iter()
                .map(|l| &l.line.currency)
                .find(|c| *c != currency)
            {
                comparable_currency = false;
                out.reasons.push(Reason::new(
                    ReasonCode::CurrencyMismatch,
                    format!(
                        "the invoice is in {currency} but PO {} is in {other}",
                        order.number
                    ),
                    serde_json::json!({
                        "rule": "match.currency", "invoice_currency": currency,
                        "po_currency": other, "po_number": order.number,
                    }),
                ));
            }
        }
    }

    // the assignment, tier by tier
    let single_order = orders.len() == 1;
    let mut candidates: Vec<Candidate<'_>> = Vec::new();
    for (i, inv_line) in invoice.lines.iter().enumerate() {
        for order in orders {
            for state in &order.lines {
                let tolerances = policy.tolerances_for(vendor_id, state.line.account.as_ref());
                if let Some((tier, score)) =
                    tier_of(inv_line, state, single_order, comparable_currency, &tolerances)
                {
                    candidates.push(Candidate {
                        tier,
                        score,
                        invoice_line: i,
                        order,
                        line: state,
                    });
                }
            }
        }
    }
    candidates.sort_by(|a, b| {
        a.tier
            .cmp(&b.tier)
            .then(b.score.total_cmp(&a.score))
            .then(a.invoice_line.cmp(&b.invoice_line))
    });
    let mut taken_invoice = vec![false; invoice.lines.len()];
    let mut taken_po: Vec<(&PoNumber, u32)> = Vec::new();
    let mut assigned: Vec<Candidate<'_>> = Vec::new();
    for c in candidates {
        let key = (&c.order.number, c.line.line.line_no);
        if taken_invoice[c.invoice_line] || taken_po.contains(&key) {
            continue;
        }
        taken_invoice[c.invoice_line] = true;
        taken_po.push(key);
        assigned.push(c);
    }
    assigned.sort_by_key(|c| c.invoice_line);

    for (i, inv_line) in invoice.lines.iter().enumerate() {
        if taken_invoice[i] {
            continue;
        }
        let name = line_name(inv_line).unwrap_or_default();
        out.reasons.push(Reason::new(
            ReasonCode::UnmatchedLine,
            format!(
                "line {}: '{name}' matches no line of PO {}",
                inv_line.id,
                orders
                    .iter()
                    .map(|o| o.number.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            serde_json::json!({
                "rule": "match.lines", "invoice_line": inv_line.id, "description": name,
                "quantity": inv_line.quantity.map(|q| q.to_string()),
                "unit_price": unit_price(inv_line).map(|p| p.to_string()),
                "purchase_orders": orders.iter().map(|o| &o.number).collect::<Vec<_>>(),
            }),
        ));
    }

    let mut expected_net = Decimal::ZERO;
    for c in &assigned {
        let inv_line = &invoice.lines[c.invoice_line];
        let po = &c.line.line;
        let tolerances = policy.tolerances_for(vendor_id, po.account.as_ref());
        let quantity = inv_line.quantity.unwrap_or(Decimal::ONE) * sign;
        let price = unit_price(inv_line);
        let mode = if c.order.has_receipts
            || vendor_id.is_some_and(|v| policy.matching.three_way_vendors.contains(v))
        {
            MatchMode::ThreeWay
        } else {
            MatchMode::TwoWay
        };
        let at = format!("line {}: ", inv_line.id);
        let po_at = format!("PO {} line {}", po.po_number, po.line_no);
        if let (Some(price), true) = (price, comparable_currency) {
            let limit = allowance(po.unit_price, tolerances.price_percent, tolerances.price_absolute);
            let diff = price - po.unit_price;
            if diff.abs() > limit {
                let percent = percent_of(diff, po.unit_price);
                out.reasons.push(Reason::new(
                    ReasonCode::PriceVariance,
                    format!(
                        "{at}unit price {price} vs {po_at} at {} ({percent}, tolerance {}% or {})",
                        po.unit_price, tolerances.price_percent, tolerances.price_absolute
                    ),
                    serde_json::json!({
                        "rule": "match.price", "invoice_line": inv_line.id, "po_number": po.po_number,
                        "po_line": po.line_no, "unit_price": price.to_string(),
                        "po_unit_price": po.unit_price.to_string(), "difference": diff.to_string(),
                        "allowed": limit.to_string(),
                        "tolerance_percent": tolerances.price_percent.to_string(),
                        "tolerance_absolute": tolerances.price_absolute.to_string(),
                    }),
                ));
            }
        }
        if sign.is_sign_positive() {
            let cumulative = c.line.invoiced + quantity;
            let ordered_limit =
                po.quantity + allowance(po.quantity, tolerances.quantity_percent, Decimal::ZERO);
            if cumulative > ordered_limit {
                out.reasons.push(Reason::new(
                    ReasonCode::QuantityExceedsOrdered,
                    format!(
                        "{at}{quantity} invoiced now + {} before = {cumulative}, but {po_at} ordered {} \
                         (tolerance {}%)",
                        c.line.invoiced, po.quantity, tolerances.quantity_percent
                    ),
                    serde_json::json!({
                        "rule": "match.quantity_ordered", "invoice_line": inv_line.id,
                        "po_number": po.po_number, "po_line": po.line_no,
                        "quantity": quantity.to_string(), "invoiced_before": c.line.invoiced.to_string(),
                        "cumulative": cumulative.to_string(), "ordered": po.quantity.to_string(),
                        "tolerance_percent": tolerances.quantity_percent.to_string(),
                    }),
                ));
            }
            let received_limit =
                c.line.received + allowance(c.line.received, tolerances.quantity_percent, Decimal::ZERO);
            if mode == MatchMode::ThreeWay && cumulative > received_limit {
                out.reasons.push(Reason::new(
                    ReasonCode::QuantityExceedsReceived,
                    format!(
                        "{at}{quantity} invoiced now + {} before = {cumulative}, but only {} received against \
                         {po_at}",
                        c.line.invoiced, c.line.received
                    ),
                    serde_json::json!({
                        "rule": "match.quantity_received", "invoice_line": inv_line.id,
                        "po_number": po.po_number, "po_line": po.line_no,
                        "quantity": quantity.to_string(), "invoiced_before": c.line.invoiced.to_string(),
                        "cumulative": cumulative.to_string(), "received": c.line.received.to_string(),
                        "tolerance_percent": tolerances.quantity_percent.to_string(),
                    }),
                ));
            }
        }
        expected_net += (quantity.abs() * po.unit_price).round_dp(2);
        if let Some(d) = &po.department {
            if !out.departments.contains(d) {
                out.departments.push(d.clone());
            }
        }
        if let Some(a) = &po.account {
            if !out.accounts.contains(a) {
                out.accounts.push(a.clone());
            }
        }
        out.matches.push(LineMatch {
            invoice_line_index: c.invoice_line,
            invoice_line: inv_line.id.clone(),
            po_number: po.po_number.clone(),
            po_line_no: po.line_no,
            tier: c.tier,
            mode,
            quantity,
            unit_price: price,
            po_unit_price: po.unit_price,
            ordered: po.quantity,
            received: c.line.received,
            invoiced_before: c.line.invoiced,
        });
    }
    out.trace.push(TraceEntry::new(
        "match.lines",
        format!(
            "{} of {} line(s) matched to PO line(s)",
            out.matches.len(),
            invoice.lines.len()
        ),
    ));

    let all_matched = out.matches.len() == invoice.lines.len() && !invoice.lines.is_empty();
    if all_matched && comparable_currency && sign.is_sign_positive() {
        // what the PO lines pay for: the invoice's line total (BT-106) plus document-level charges (BT-108,
        // costs no PO line ordered, such as freight). Document-level allowances only lower what is owed
        // and never raise a variance.
        let lines_net = invoice
            .totals
            .line_net_total
            .or_else(|| invoice.lines.iter().map(|l| l.net_amount).sum());
        let charges = invoice.totals.charge_total.unwrap_or_default();
        let stated = lines_net.map(|n| n + charges);
        if let Some(stated) = stated {
            let t = policy.tolerances_for(vendor_id, None);
            let limit = allowance(expected_net, t.total_percent, t.total_absolute);
            let diff = stated - expected_net;
            if diff.abs() > limit {
                out.reasons.push(Reason::new(
                    ReasonCode::TotalVariance,
                    format!(
                        "lines {} + charges {charges} = {stated} vs {expected_net} from the matched PO lines ({}, \
                         tolerance {}% or {})",
                        lines_net.unwrap_or_default(),
                        percent_of(diff, expected_net),
                        t.total_percent,
                        t.total_absolute
                    ),
                    serde_json::json!({
                        "rule": "match.total", "stated_net": stated.to_string(),
                        "charges": charges.to_string(),
                        "expected_net": expected_net.to_string(), "difference": diff.to_string(),
                        "allowed": limit.to_string(),
                    }),
                ));
            }
        }
    }
}

fn tier_of(
    inv_line: &InvoiceLine,
    state: &PoLineState,
    single_order: bool,
    comparable_currency: bool,
    tolerances: &crate::policy::Tolerances,
) -> Option<(MatchTier, f64)> {
    let po = &state.line;
    let similarity = match (line_name(inv_line), Some(&po.description)) {
        (Some(a), Some(b)) => strsim::sorensen_dice(&normalise_name(&a), &normalise_name(b)),
        _ => 0.0,
    };
    let code_matches = po.item_code.as_deref().map(exact_key).is_some_and(|code| {
        !code.is_empty()
            && [
                inv_line.seller_item_id.as_deref(),
                inv_line.buyer_item_id.as_deref(),
                inv_line.standard_item_id.as_ref().map(|s| s.id.as_str()),
            ]
            .into_iter()
            .flatten()
            .any(|id| exact_key(id) == code)
    });
    let names_line = single_order
        && inv_line
            .order_line_reference
            .as_deref()
            .and_then(|r| r.trim().parse::<u32>().ok())
            == Some(po.line_no);
    if code_matches || names_line {
        return Some((MatchTier::Identifier, 1.0 + similarity));
    }
    if similarity >= STRONG_DESCRIPTION {
        return Some((MatchTier::Description, similarity));
    }
    let price_fits = comparable_currency
        && unit_price(inv_line).is_some_and(|p| {
            (p - po.unit_price).abs()
                <= allowance(po.unit_price, tolerances.price_percent, tolerances.price_absolute)
        });
    let open = po.quantity - state.invoiced;
    let quantity_fits = inv_line.quantity.is_some_and(|q| q <= open);
    if price_fits && quantity_fits {
        return Some((MatchTier::PriceQuantity, 0.5 + similarity / 2.0));
    }
    if similarity >= WEAK_DESCRIPTION || price_fits {
        return Some((MatchTier::Weak, similarity));
    }
    None
}

/// The line's item name, or its description.
fn line_name(line: &InvoiceLine) -> Option<String> {
    line.item_name.clone().or_else(|| line.item_description.clone())
}

/// The net unit price: BT-146 per BT-149 base quantity, else net amount / quantity.
pub fn unit_price(line: &InvoiceLine) -> Option<Decimal> {
    if let Some(price) = line.net_price {
        let base = line
            .price_base_quantity
            .filter(|b| !b.is_zero())
            .unwrap_or(Decimal::ONE);
        return Some(price / base);
    }
    let quantity = line.quantity.filter(|q| !q.is_zero())?;
    line.net_amount.map(|amount| (amount / quantity).round_dp(4))
}

fn percent_of(diff: Decimal, reference: Decimal) -> String {
    if reference.is_zero() {
        return format!("{diff:+}");
    }
    let percent = (diff * Decimal::ONE_HUNDRED / reference).round_dp(1);
    format!("{}{percent}%", if percent.is_sign_negative() { "" } else { "+" })
}
