//! The document totals chosen together: among the candidates for net, tax, gross and amount due, the
//! combination whose sums agree (net + tax = gross; amount due = gross, or less after a prepayment) wins over
//! candidates that merely have stronger labels.

use rust_decimal::Decimal;

use super::candidates::Candidate;
use super::select::{grouped, Choice};

/// The chosen totals, each with whether the sums confirmed it.
#[derive(Debug, Clone, Default)]
pub struct Totals {
    pub net: Option<Choice>,
    pub tax: Option<Choice>,
    pub gross: Option<Choice>,
    pub due: Option<Choice>,
}

const TOP: usize = 5;

/// Picks the totals from their candidates.
/// `lines_sum` is the sum of the line items' amounts, when a table was read: a net total equal to it is
/// confirmed by the lines.
pub fn resolve(
    net: &[Candidate],
    tax: &[Candidate],
    gross: &[Candidate],
    due: &[Candidate],
    lines_sum: Option<Decimal>,
) -> Totals {
    let options = |c: &[Candidate]| {
        let mut g = grouped(c);
        g.truncate(TOP);
        let mut v: Vec<Option<Choice>> = g.into_iter().map(Some).collect();
        v.push(None);
        v
    };
    let (nets, taxes, grosses, dues) = (options(net), options(tax), options(gross), options(due));
    let value = |c: &Option<Choice>| c.as_ref().and_then(|c| c.value.parse::<Decimal>().ok());
    let mut best: Option<(f64, [usize; 4], [bool; 4])> = None;
    for (a, n) in nets.iter().enumerate() {
        for (b, t) in taxes.iter().enumerate() {
            for (c, g) in grosses.iter().enumerate() {
                for (d, u) in dues.iter().enumerate() {
                    let mut score: f64 = [n, t, g, u]
                        .iter()
                        .filter_map(|x| x.as_ref())
                        .map(|x| x.score)
                        .sum();
                    let mut confirmed = [false; 4];
                    if let (Some(nv), Some(tv), Some(gv)) = (value(n), value(t), value(g)) {
                        if nv + tv == gv && !(tv.is_zero() && nv != gv) {
                            score += 1.5;
                            confirmed[0] = true;
                            confirmed[1] = true;
                            confirmed[2] = true;
                        } else {
                            score -= 0.5;
                        }
                    }
                    if let (Some(gv), Some(uv)) = (value(g), value(u)) {
                        if gv == uv {
                            score += 0.6;
                            confirmed[2] = true;
                            confirmed[3] = true;
                        } else if uv.abs() > gv.abs() {
                            score -= 0.4;
                        }
                    }
                    if let (Some(nv), Some(gv)) = (value(n), value(g)) {
                        if nv.abs() > gv.abs() {
                            score -= 1.0;
                        }
                    }
                    if let (Some(nv), Some(sum)) = (value(n), lines_sum) {
                        if nv == sum {
                            score += 0.5;
                            confirmed[0] = true;
                        }
                    }
                    if best.as_ref().is_none_or(|(s, _, _)| score > *s) {
                        best = Some((score, [a, b, c, d], confirmed));
                    }
                }
            }
        }
    }
    let Some((_, [a, b, c, d], confirmed)) = best else {
        return Totals::default();
    };
    let mark = |choice: &Option<Choice>, ok: bool| {
        choice.clone().map(|mut c| {
            c.confirmed = ok;
            c
        })
    };
    let mut totals = Totals {
        net: mark(&nets[a], confirmed[0]),
        tax: mark(&taxes[b], confirmed[1]),
        gross: mark(&grosses[c], confirmed[2]),
        due: mark(&dues[d], confirmed[3]),
    };
    // a net total the document does not print follows from what it does: gross − tax, or the gross itself
    // when no tax is stated and the lines add up to it
    if totals.net.is_none() {
        if let Some(gross) = &totals.gross {
            let value = |c: &Choice| c.value.parse::<Decimal>().ok();
            let tax_score = totals.tax.as_ref().map_or(0.0, |t| t.score);
            let net = match (value(gross), totals.tax.as_ref().and_then(value)) {
                // lines adding up to the gross: either their prices include the tax or there is none;
                // only a strongly labelled tax amount (`BTW bedrag`) says which
                (Some(g), Some(t)) if lines_sum == Some(g) && tax_score < 0.8 && !t.is_zero() => {
                    totals.tax = None;
                    Some(g)
                }
                (Some(g), Some(t)) if t.abs() <= g.abs() => Some(g - t),
                (Some(g), None) if lines_sum == Some(g) => Some(g),
                _ => None,
            };
            if let Some(net) = net {
                let mut choice = gross.clone();
                choice.value = super::money_text(net);
                choice.derived = true;
                choice.confirmed = lines_sum == Some(net);
                totals.net = Some(choice);
            }
        }
    }
    // the amount due is the gross amount when the document states no other
    if totals.due.is_none() {
        if let Some(gross) = &totals.gross {
            let mut due = gross.clone();
            due.derived = true;
            totals.due = Some(due);
        }
    }
    totals
}
