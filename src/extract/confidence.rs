//! From the evidence behind a value to a confidence that means something: the evidence is summarised as a
//! raw score (label specificity, agreement between places, margin over the runner-up, arithmetic or checksum
//! confirmation), and the raw score is mapped through a table measured on the corpora (`tests/integration/
//! extract_accuracy.rs` prints the table it was read from): among values reported at ≥ 0.9, at least nine in
//! ten were right there.

use super::select::Choice;

/// Raw evidence for a chosen value in [0, 1].
pub fn raw(choice: &Choice) -> f64 {
    let mut score = choice.best.score.min(1.0) * 0.6;
    if choice.support > 1 {
        score += 0.1;
    }
    let margin = (choice.score - choice.runner_up).max(0.0);
    score += margin.min(0.5) * 0.4;
    if choice.confirmed {
        score += 0.3;
    }
    if choice.derived {
        score -= 0.1;
    }
    score.clamp(0.0, 1.0)
}

/// The calibration table: raw-score band → share of values that were right in that band on the corpora.
///
/// Re-read from the development split of the text PDFs (`tests/integration/extract_accuracy.rs` prints the
/// share right per reported level) after the extraction changes of issue 5's second round: raw 0.6–0.75 was
/// right 91.0% of the time there (67 values; held out 93.6%), 0.75–0.85 97.5% (157; held out 98.0%), from
/// 0.85 98.1% (208; held out 99.5%); 0.45–0.6 about 60–85%, below that under a half.
const TABLE: &[(f64, f64)] = &[
    (0.0, 0.3),
    (0.3, 0.4),
    (0.45, 0.6),
    (0.6, 0.9),
    (0.75, 0.97),
    (0.85, 0.98),
];

/// The calibrated confidence of a raw score.
pub fn calibrated(raw: f64) -> f64 {
    TABLE
        .iter()
        .rev()
        .find(|(lower, _)| raw >= *lower)
        .map_or(0.3, |(_, confidence)| *confidence)
}

/// The calibrated confidence of a chosen value.
pub fn of(choice: &Choice) -> f64 {
    calibrated(raw(choice))
}
