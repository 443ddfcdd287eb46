//! Tests of PO matching and of whole decisions: every matching reason code at its boundary, cumulative
//! quantities, credit notes, currencies, several POs, the assignment tiers, and a property test of the
//! price tolerance.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::evidence::{Evidence, PoLineState, PurchaseOrder};
use super::matching::{match_invoice, MatchTier};
use super::*;
use crate::model::extraction::ExtractionMethod;
use crate::model::{AccountCode, DocumentType, InvoiceLine, Origin, PurchaseOrderLine, ReasonCode, Vendor};

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn vendor(id: &str) -> Vendor {
    Vendor {
        vendor_id: VendorId(id.into()),
        name: format!("Vendor {id}"),
        tax_id: Some(format!("DE{id}")),
        iban: None,
        bic: None,
        account_number: None,
        currency: None,
        email: None,
        payment_terms_days: None,
        default_account: Some(AccountCode("6000".into())),
        aliases: vec![],
        origin: Origin::Import("v.csv".into()),
    }
}

fn po_line(
    po: &str,
    vendor: &str,
    no: u32,
    code: &str,
    description: &str,
    qty: &str,
    price: &str,
) -> PoLineState {
    PoLineState {
        line: PurchaseOrderLine {
            po_number: PoNumber(po.into()),
            line_no: no,
            vendor_id: VendorId(vendor.into()),
            item_code: Some(code.into()),
            description: description.into(),
            quantity: d(qty),
            unit_price: d(price),
            currency: "EUR".parse().unwrap(),
            tax_rate: None,
            order_date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            department: Some("Ops".into()),
            requester: None,
            account: Some(AccountCode("6300".into())),
            origin: Origin::Import("po.csv".into()),
        },
        received: Decimal::ZERO,
        invoiced: Decimal::ZERO,
    }
}

fn line(id: &str, code: Option<&str>, name: &str, qty: &str, price: &str) -> InvoiceLine {
    InvoiceLine {
        id: id.into(),
        seller_item_id: code.map(Into::into),
        item_name: Some(name.into()),
        quantity: Some(d(qty)),
        net_price: Some(d(price)),
        net_amount: Some((d(qty) * d(price)).round_dp(2)),
        ..InvoiceLine::default()
    }
}

fn invoice(po_ref: Option<&str>, lines: Vec<InvoiceLine>) -> Invoice {
    let mut i = Invoice::empty(DocumentType::Invoice);
    i.number = Some("R-1".into());
    i.issue_date = NaiveDate::from_ymd_opt(2026, 2, 1);
    i.currency = "EUR".parse().ok();
    i.purchase_order_reference = po_ref.map(Into::into);
    i.seller.name = Some("Vendor V1".into());
    i.seller.vat_id = Some("DEV1".into());
    let net: Decimal = lines.iter().filter_map(|l| l.net_amount).sum();
    i.totals.tax_exclusive = Some(net);
    i.totals.tax_inclusive = Some(net);
    i.lines = lines;
    i
}

fn orders(lines: Vec<PoLineState>) -> Evidence {
    Evidence {
        purchase_orders: PurchaseOrder::group(lines),
        ..Evidence::default()
    }
}

fn codes_of(invoice: &Invoice, evidence: &Evidence, policy: &Policy) -> Vec<ReasonCode> {
    let v = vendor("V1");
    match_invoice(invoice, Some(&v), evidence, policy)
        .reasons
        .iter()
        .map(|r| r.code)
        .collect()
}

fn decide(invoice: &Invoice, evidence: &Evidence, policy: &Policy) -> Decision {
    let extraction = Extraction::from_structured("t.xml", ExtractionMethod::Ubl, invoice.clone());
    let directory = VendorDirectory::new(vec![vendor("V1"), vendor("V2")]);
    let resolution = resolve_vendor(invoice, &directory);
    decide_invoice(
        &extraction,
        invoice,
        &resolution,
        evidence,
        policy,
        NaiveDate::from_ymd_opt(2026, 2, 2).unwrap(),
    )
}

#[test]
fn price_exactly_at_the_percent_tolerance_is_not_flagged_and_one_cent_beyond_is() {
    let evidence = orders(vec![po_line("4500012", "V1", 1, "A", "Widget", "10", "10.00")]);
    let at = invoice(
        Some("4500012"),
        vec![line("1", Some("A"), "Widget", "1", "10.20")],
    );
    assert_eq!(codes_of(&at, &evidence, &Policy::default()), []);
    let beyond = invoice(
        Some("4500012"),
        vec![line("1", Some("A"), "Widget", "1", "10.21")],
    );
    let v = vendor("V1");
    let reasons = match_invoice(&beyond, Some(&v), &evidence, &Policy::default()).reasons;
    let price: Vec<_> = reasons
        .iter()
        .filter(|r| r.code == ReasonCode::PriceVariance)
        .collect();
    assert_eq!(price.len(), 1, "{reasons:?}");
    assert_eq!(
        price[0].message,
        "line 1: unit price 10.21 vs PO 4500012 line 1 at 10.00 (+2.1%, tolerance 2% or 0.05)"
    );
    assert_eq!(price[0].detail["allowed"], "0.20");
    let below = invoice(Some("4500012"), vec![line("1", Some("A"), "Widget", "1", "9.79")]);
    assert!(codes_of(&below, &evidence, &Policy::default()).contains(&ReasonCode::PriceVariance));
}

#[test]
fn price_at_the_absolute_tolerance_for_cheap_items_is_not_flagged_and_one_cent_beyond_is() {
    let evidence = orders(vec![po_line("4500012", "V1", 1, "A", "Screw", "100", "1.00")]);
    let at = invoice(Some("4500012"), vec![line("1", Some("A"), "Screw", "1", "1.05")]);
    assert!(!codes_of(&at, &evidence, &Policy::default()).contains(&ReasonCode::PriceVariance));
    let beyond = invoice(Some("4500012"), vec![line("1", Some("A"), "Screw", "1", "1.06")]);
    assert!(codes_of(&beyond, &evidence, &Policy::default()).contains(&ReasonCode::PriceVariance));
}

/// Property tests draw from the project's seeded generator, so they need no external crate.
struct Rng(crate::scenario::Rng);
impl Rng {
    fn below(&mut self, n: u64) -> i64 {
        i64::try_from(self.0.below(n)).unwrap()
    }
}

#[test]
fn property_a_price_is_flagged_exactly_when_it_leaves_the_larger_of_percent_and_absolute() {
    let mut rng = Rng(crate::scenario::Rng::new(0x5EED_1234));
    for _ in 0..2_000 {
        let po_price = Decimal::new(rng.below(100_000) + 1, 2);
        let percent = Decimal::new(rng.below(50), 1);
        let absolute = Decimal::new(rng.below(20), 2);
        let offset = Decimal::new(rng.below(2_001) - 1_000, 3);
        let inv_price = po_price + offset;
        let mut policy = Policy::default();
        policy.tolerances.price_percent = percent;
        policy.tolerances.price_absolute = absolute;
        policy.tolerances.total_percent = Decimal::ONE_HUNDRED;
        let evidence = orders(vec![po_line(
            "9",
            "V1",
            1,
            "A",
            "Thing",
            "5",
            &po_price.to_string(),
        )]);
        let inv = invoice(
            Some("9"),
            vec![line("1", Some("A"), "Thing", "1", &inv_price.to_string())],
        );
        let allowed = (po_price * percent / Decimal::ONE_HUNDRED).max(absolute);
        let flagged = codes_of(&inv, &evidence, &policy).contains(&ReasonCode::PriceVariance);
        assert_eq!(
            flagged,
            offset.abs() > allowed,
            "po {po_price} invoice {inv_price} allowed {allowed}"
        );
    }
}

#[test]
fn property_each_po_line_is_used_at_most_once_per_invoice() {
    let mut rng = Rng(crate::scenario::Rng::new(42));
    for _ in 0..300 {
        let po_lines: Vec<PoLineState> = (1..=rng.below(5) + 1)
            .map(|n| {
                let n = u32::try_from(n).unwrap();
                po_line(
                    "7",
                    "V1",
                    n,
                    &format!("C{}", rng.below(3)),
                    "Same thing",
                    "10",
                    &format!("{}.00", rng.below(3) + 1),
                )
            })
            .collect();
        let lines: Vec<InvoiceLine> = (0..rng.below(6) + 1)
            .map(|i| {
                line(
                    &i.to_string(),
                    Some(&format!("C{}", rng.below(3))),
                    "Same thing",
                    "1",
                    &format!("{}.00", rng.below(3) + 1),
                )
            })
            .collect();
        let v = vendor("V1");
        let out = match_invoice(
            &invoice(Some("7"), lines.clone()),
            Some(&v),
            &orders(po_lines),
            &Policy::default(),
        );
        let mut used: Vec<u32> = out.matches.iter().map(|m| m.po_line_no).collect();
        let n = used.len();
        used.sort_unstable();
        used.dedup();
        assert_eq!(used.len(), n, "a PO line was used twice");
        let unmatched = out
            .reasons
            .iter()
            .filter(|r| r.code == ReasonCode::UnmatchedLine)
            .count();
        assert_eq!(n + unmatched, lines.len(), "every line is matched or reported");
    }
}

#[test]
fn an_item_code_match_wins_over_a_better_description_so_weak_evidence_cannot_steal_a_line() {
    let evidence = orders(vec![
        po_line("1", "V1", 1, "RED", "Paint blue 5l", "1", "20.00"),
        po_line("1", "V1", 2, "BLUE", "Paint red 5l", "1", "20.00"),
    ]);
    let inv = invoice(
        Some("1"),
        vec![
            line("a", None, "Paint red 5l", "1", "20.00"),
            line("b", Some("RED"), "Paint", "1", "20.00"),
        ],
    );
    let v = vendor("V1");
    let out = match_invoice(&inv, Some(&v), &evidence, &Policy::default());
    let by_line: Vec<(String, u32, MatchTier)> = out
        .matches
        .iter()
        .map(|m| (m.invoice_line.clone(), m.po_line_no, m.tier))
        .collect();
    assert_eq!(
        by_line,
        [
            ("a".into(), 2, MatchTier::Description),
            ("b".into(), 1, MatchTier::Identifier)
        ]
    );
}

#[test]
fn partial_receipts_across_several_invoices_are_cumulative_3_way() {
    let mut state = po_line("4500012", "V1", 1, "A", "Cable", "10", "5.00");
    state.received = d("6");
    // first invoice: 4 of 6 received
    let first = invoice(Some("4500012"), vec![line("1", Some("A"), "Cable", "4", "5.00")]);
    assert_eq!(
        codes_of(&first, &orders(vec![state.clone()]), &Policy::default()),
        []
    );
    // second: 2 more, 4 invoiced before → 6 of 6 received: exactly at the limit
    state.invoiced = d("4");
    let second = invoice(Some("4500012"), vec![line("1", Some("A"), "Cable", "2", "5.00")]);
    let v = vendor("V1");
    let out = match_invoice(
        &second,
        Some(&v),
        &orders(vec![state.clone()]),
        &Policy::default(),
    );
    assert_eq!(out.reasons, []);
    assert_eq!(out.matches[0].mode, super::matching::MatchMode::ThreeWay);
    // third: 1 more → 7 invoiced, 6 received, 10 ordered
    state.invoiced = d("6");
    let third = invoice(Some("4500012"), vec![line("1", Some("A"), "Cable", "1", "5.00")]);
    let out = match_invoice(&third, Some(&v), &orders(vec![state]), &Policy::default());
    assert_eq!(
        out.reasons.iter().map(|r| r.code).collect::<Vec<_>>(),
        [ReasonCode::QuantityExceedsReceived]
    );
    assert_eq!(out.reasons[0].detail["cumulative"], "7");
    assert_eq!(out.reasons[0].detail["received"], "6");
}

#[test]
fn quantity_up_to_the_ordered_amount_passes_2_way_and_beyond_it_is_flagged() {
    let mut state = po_line("4500012", "V1", 1, "A", "Cable", "10", "5.00");
    state.invoiced = d("7");
    let at = invoice(Some("4500012"), vec![line("1", Some("A"), "Cable", "3", "5.00")]);
    assert_eq!(
        codes_of(&at, &orders(vec![state.clone()]), &Policy::default()),
        []
    );
    let beyond = invoice(
        Some("4500012"),
        vec![line("1", Some("A"), "Cable", "3.5", "5.00")],
    );
    assert_eq!(
        codes_of(&beyond, &orders(vec![state.clone()]), &Policy::default()),
        [ReasonCode::QuantityExceedsOrdered]
    );
    let mut lenient = Policy::default();
    lenient.tolerances.quantity_percent = d("5");
    assert_eq!(
        codes_of(&beyond, &orders(vec![state]), &lenient),
        [],
        "10.5 is within 5% of 10"
    );
}

#[test]
fn a_vendor_marked_3_way_without_receipts_exceeds_what_was_received() {
    let mut policy = Policy::default();
    policy.matching.three_way_vendors.push(VendorId("V1".into()));
    let evidence = orders(vec![po_line("4500012", "V1", 1, "A", "Cable", "10", "5.00")]);
    let inv = invoice(Some("4500012"), vec![line("1", Some("A"), "Cable", "1", "5.00")]);
    assert_eq!(
        codes_of(&inv, &evidence, &policy),
        [ReasonCode::QuantityExceedsReceived]
    );
}

#[test]
fn a_credit_note_matches_with_a_negative_quantity_and_raises_no_quantity_reason() {
    let mut state = po_line("4500012", "V1", 1, "A", "Cable", "10", "5.00");
    state.invoiced = d("10");
    let mut credit = invoice(Some("4500012"), vec![line("1", Some("A"), "Cable", "2", "5.00")]);
    credit.document_type = DocumentType::CreditNote;
    let v = vendor("V1");
    let out = match_invoice(
        &credit,
        Some(&v),
        &orders(vec![state.clone()]),
        &Policy::default(),
    );
    assert_eq!(out.reasons, []);
    assert_eq!(out.matches[0].quantity, d("-2"));
    // after the credit the line has 2 open again: an invoice for 2 fits
    state.invoiced += out.matches[0].quantity;
    let rebill = invoice(Some("4500012"), vec![line("1", Some("A"), "Cable", "2", "5.00")]);
    assert_eq!(codes_of(&rebill, &orders(vec![state]), &Policy::default()), []);
}

#[test]
fn a_po_in_another_currency_is_a_currency_mismatch_and_prices_are_not_compared() {
    let mut state = po_line("4500012", "V1", 1, "A", "Cable", "10", "5.00");
    state.line.currency = "USD".parse().unwrap();
    let inv = invoice(Some("4500012"), vec![line("1", Some("A"), "Cable", "1", "9.00")]);
    let v = vendor("V1");
    let out = match_invoice(&inv, Some(&v), &orders(vec![state]), &Policy::default());
    assert_eq!(
        out.reasons.iter().map(|r| r.code).collect::<Vec<_>>(),
        [ReasonCode::CurrencyMismatch]
    );
    assert!(out.reasons[0].message.contains("EUR") && out.reasons[0].message.contains("USD"));
}

#[test]
fn a_multi_po_invoice_matches_lines_of_both_orders() {
    let evidence = orders(vec![
        po_line("4500012", "V1", 1, "A", "Cable", "10", "5.00"),
        po_line("4500013", "V1", 1, "B", "Plug", "10", "2.00"),
    ]);
    let inv = invoice(
        Some("PO-4500012, PO 4500013"),
        vec![
            line("1", Some("A"), "Cable", "2", "5.00"),
            line("2", Some("B"), "Plug", "3", "2.00"),
        ],
    );
    let v = vendor("V1");
    let out = match_invoice(&inv, Some(&v), &evidence, &Policy::default());
    assert_eq!(out.reasons, []);
    let pos: Vec<&str> = out.matches.iter().map(|m| m.po_number.as_str()).collect();
    assert_eq!(pos, ["4500012", "4500013"]);
}

#[test]
fn po_reference_problems_have_their_own_codes() {
    let evidence = orders(vec![
        po_line("4500012", "V1", 1, "A", "Cable", "10", "5.00"),
        po_line("4500099", "V2", 1, "A", "Cable", "10", "5.00"),
    ]);
    let lines = || vec![line("1", Some("A"), "Cable", "1", "5.00")];
    assert_eq!(
        codes_of(
            &invoice(Some("PO-0004500012"), lines()),
            &evidence,
            &Policy::default()
        ),
        []
    );
    assert_eq!(
        codes_of(&invoice(Some("4500077"), lines()), &evidence, &Policy::default()),
        [ReasonCode::PoNotFound]
    );
    assert_eq!(
        codes_of(&invoice(Some("4500099"), lines()), &evidence, &Policy::default()),
        [ReasonCode::PoVendorMismatch]
    );
}

#[test]
fn a_placeholder_reference_without_digits_counts_as_none_and_a_required_po_is_then_missing() {
    let evidence = orders(vec![po_line("4500012", "V1", 1, "A", "Cable", "10", "5.00")]);
    let inv = invoice(
        Some("Dummywert"),
        vec![line("1", Some("Z"), "Other", "1", "99.00")],
    );
    assert_eq!(
        codes_of(&inv, &evidence, &Policy::default()),
        [],
        "no PO, non-PO invoice"
    );
    let mut policy = Policy::default();
    policy.matching.po_required_vendors.push(VendorId("V1".into()));
    assert_eq!(codes_of(&inv, &evidence, &policy), [ReasonCode::NoPoReference]);
    let mut by_amount = Policy::default();
    by_amount.matching.po_required_from = Some(d("99.00"));
    assert_eq!(
        codes_of(&inv, &evidence, &by_amount),
        [ReasonCode::NoPoReference],
        "at the amount"
    );
    by_amount.matching.po_required_from = Some(d("99.01"));
    assert_eq!(codes_of(&inv, &evidence, &by_amount), [], "below the amount");
}

#[test]
fn the_single_open_po_that_fits_is_found_without_a_reference_but_not_when_two_fit() {
    let one = orders(vec![
        po_line("4500012", "V1", 1, "A", "Cable", "10", "5.00"),
        po_line("4500013", "V1", 1, "B", "Plug", "10", "2.00"),
    ]);
    let inv = invoice(None, vec![line("1", Some("A"), "Cable", "2", "5.00")]);
    let v = vendor("V1");
    let out = match_invoice(&inv, Some(&v), &one, &Policy::default());
    assert!(out.inferred);
    assert_eq!(out.purchase_orders, [PoNumber("4500012".into())]);
    let two = orders(vec![
        po_line("4500012", "V1", 1, "A", "Cable", "10", "5.00"),
        po_line("4500014", "V1", 1, "A", "Cable", "10", "5.00"),
    ]);
    let out = match_invoice(&inv, Some(&v), &two, &Policy::default());
    assert!(out.purchase_orders.is_empty(), "ambiguous: no PO is guessed");
}

#[test]
fn unmatched_line_names_the_line_and_the_po() {
    let evidence = orders(vec![po_line("4500012", "V1", 1, "A", "Cable", "10", "5.00")]);
    let inv = invoice(
        Some("4500012"),
        vec![
            line("1", Some("A"), "Cable", "1", "5.00"),
            line("2", None, "Consulting hours", "3", "120.00"),
        ],
    );
    let v = vendor("V1");
    let out = match_invoice(&inv, Some(&v), &evidence, &Policy::default());
    assert_eq!(
        out.reasons.iter().map(|r| r.code).collect::<Vec<_>>(),
        [ReasonCode::UnmatchedLine]
    );
    assert_eq!(
        out.reasons[0].message,
        "line 2: 'Consulting hours' matches no line of PO 4500012"
    );
}

#[test]
fn header_total_at_the_tolerance_passes_and_one_cent_beyond_is_a_total_variance() {
    let evidence = orders(vec![po_line("4500012", "V1", 1, "A", "Cable", "100", "10.00")]);
    let mut inv = invoice(
        Some("4500012"),
        vec![line("1", Some("A"), "Cable", "100", "10.00")],
    );
    // expected 1000.00; tolerance max(0.5% = 5.00, 1.00) = 5.00: a freight charge up to it passes
    inv.totals.line_net_total = Some(d("1000.00"));
    inv.totals.charge_total = Some(d("5.00"));
    assert_eq!(codes_of(&inv, &evidence, &Policy::default()), []);
    inv.totals.charge_total = Some(d("5.01"));
    let v = vendor("V1");
    let reasons = match_invoice(&inv, Some(&v), &evidence, &Policy::default()).reasons;
    assert_eq!(
        reasons.iter().map(|r| r.code).collect::<Vec<_>>(),
        [ReasonCode::TotalVariance]
    );
    assert_eq!(
        reasons[0].message,
        "lines 1000.00 + charges 5.01 = 1005.01 vs 1000.00 from the matched PO lines (+0.5%, tolerance 0.5% or 1.00)"
    );
    // a document-level discount lowers what is owed and raises nothing
    inv.totals.charge_total = None;
    inv.totals.allowance_total = Some(d("50.00"));
    inv.totals.tax_exclusive = Some(d("950.00"));
    assert_eq!(codes_of(&inv, &evidence, &Policy::default()), []);
}

#[test]
fn a_clean_small_po_invoice_goes_straight_through_and_records_version_and_trace() {
    let evidence = orders(vec![po_line("4500012", "V1", 1, "A", "Cable", "10", "5.00")]);
    let inv = invoice(Some("4500012"), vec![line("1", Some("A"), "Cable", "2", "5.00")]);
    let decision = decide(&inv, &evidence, &Policy::default());
    assert_eq!(decision.status, InvoiceStatus::Approved, "{:?}", decision.reasons);
    assert_eq!(decision.policy_version, "default-1");
    let rules: Vec<&str> = decision.trace.iter().map(|t| t.rule.as_str()).collect();
    assert_eq!(
        rules,
        [
            "vendor.resolve",
            "match.po_reference",
            "match.lines",
            "policy.straight_through"
        ]
    );
}

#[test]
fn a_non_po_invoice_is_coded_from_the_vendor_default_and_routed_to_a_manager() {
    let inv = invoice(None, vec![line("1", None, "Consulting", "1", "300.00")]);
    let decision = decide(&inv, &Evidence::default(), &Policy::default());
    assert_eq!(decision.status, InvoiceStatus::AwaitingApproval);
    assert_eq!(
        decision.suggested_account.as_ref().map(|s| s.account.as_str()),
        Some("6000")
    );
    assert_eq!(decision.approval_steps[0].rule, "no-po");
}

#[test]
fn an_unknown_seller_is_an_exception() {
    let mut inv = invoice(None, vec![line("1", None, "Consulting", "1", "300.00")]);
    inv.seller.name = Some("Nobody Known".into());
    inv.seller.vat_id = Some("FR999".into());
    let decision = decide(&inv, &Evidence::default(), &Policy::default());
    assert_eq!(decision.status, InvoiceStatus::Exception);
    assert_eq!(decision.reasons[0].code, ReasonCode::UnknownVendor);
}

#[test]
fn prices_each_within_tolerance_can_still_add_up_to_a_total_variance() {
    // +1.5% on every line passes the 2% price tolerance but not the 0.5% total tolerance
    let evidence = orders(vec![
        po_line("4500012", "V1", 1, "A", "Cable", "100", "10.00"),
        po_line("4500012", "V1", 2, "B", "Plug", "100", "20.00"),
    ]);
    let inv = invoice(
        Some("4500012"),
        vec![
            line("1", Some("A"), "Cable", "100", "10.15"),
            line("2", Some("B"), "Plug", "100", "20.30"),
        ],
    );
    let v = vendor("V1");
    let reasons = match_invoice(&inv, Some(&v), &evidence, &Policy::default()).reasons;
    assert_eq!(
        reasons.iter().map(|r| r.code).collect::<Vec<_>>(),
        [ReasonCode::TotalVariance]
    );
    assert_eq!(reasons[0].detail["expected_net"], "3000.00");
    assert_eq!(reasons[0].detail["stated_net"], "3045.00");
}

#[test]
fn a_blocking_reason_found_elsewhere_turns_a_straight_through_decision_into_an_exception() {
    let evidence = orders(vec![po_line("4500012", "V1", 1, "A", "Cable", "10", "5.00")]);
    let inv = invoice(Some("4500012"), vec![line("1", Some("A"), "Cable", "2", "5.00")]);
    let mut decision = decide(&inv, &evidence, &Policy::default());
    assert_eq!(decision.status, InvoiceStatus::Approved);
    let rule = Reason::new(
        ReasonCode::ArithmeticMismatch,
        "BR-CO-10: sum of line net amounts 10.00 differs from 10.01",
        serde_json::json!({ "rules": ["BR-CO-10"] }),
    );
    decision.add_reasons(
        vec![rule],
        &Policy::default(),
        NaiveDate::from_ymd_opt(2026, 2, 2).unwrap(),
    );
    assert_eq!(decision.status, InvoiceStatus::Exception);
    assert_eq!(decision.reasons.len(), 1);
    let last = decision.trace.last().unwrap();
    assert_eq!(last.rule, "policy.blocking_reasons");
    assert!(
        !decision.trace.iter().any(|t| t.rule == "policy.straight_through"),
        "the old route is gone"
    );
}
