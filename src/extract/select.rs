//! Choosing a field's value among its candidates: candidates with the same value are pooled (the best score,
//! plus a little for each further place that states it), the strongest pool wins, and the margin to the runner-up
//! is kept for the confidence.

use std::collections::BTreeMap;

use super::candidates::Candidate;

/// The value chosen for a field.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub value: String,
    pub score: f64,
    /// How many places state this value.
    pub support: usize,
    /// The score of the best different value (0 when there is none).
    pub runner_up: f64,
    /// Whether an arithmetic or checksum test confirmed the value.
    pub confirmed: bool,
    /// Whether the value is not printed as such but follows from others (amount due = gross).
    pub derived: bool,
    pub best: Candidate,
}

/// The candidates pooled by value, strongest first.
pub fn grouped(candidates: &[Candidate]) -> Vec<Choice> {
    let mut pools: BTreeMap<String, Vec<&Candidate>> = BTreeMap::new();
    for c in candidates {
        pools.entry(c.value.clone()).or_default().push(c);
    }
    let mut out: Vec<Choice> = pools
        .into_iter()
        .filter_map(|(value, members)| {
            let best = members.iter().max_by(|a, b| a.score.total_cmp(&b.score))?;
            let support = members.len();
            Some(Choice {
                value,
                score: best.score + 0.05 * (support.min(5) - 1) as f64,
                support,
                runner_up: 0.0,
                confirmed: false,
                derived: false,
                best: (*best).clone(),
            })
        })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.best.line.cmp(&b.best.line)));
    let scores: Vec<f64> = out.iter().map(|c| c.score).collect();
    for (i, choice) in out.iter_mut().enumerate() {
        choice.runner_up = scores
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, s)| *s)
            .fold(0.0, f64::max);
    }
    out
}

/// The strongest value, if any.
pub fn best(candidates: &[Candidate]) -> Option<Choice> {
    grouped(candidates).into_iter().next()
}
