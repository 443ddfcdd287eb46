//! The page as the extractor reads it: words grouped into lines (top to bottom, pages in order) and each line
//! cut into cells where a wide horizontal gap separates its words (a label column from a value column).

use crate::formats::pdf_text::{PdfText, Word};

/// A gap wider than this many times the font size between two words on a line starts a new cell.
const CELL_GAP: f64 = 1.2;

/// One line of words on a page, left to right.
#[derive(Debug, Clone)]
pub struct Line {
    /// 1-based page number.
    pub page: u32,
    pub page_height: f64,
    pub words: Vec<Word>,
    /// Index of the first word of each cell in `words`.
    pub cell_starts: Vec<usize>,
    /// The words squashed as labels are compared ([`super::labels::squash`]), made on first use: label
    /// lists are looked up on every line many times.
    pub squashed: std::cell::OnceCell<Vec<String>>,
}

impl Line {
    /// The words joined by single spaces.
    pub fn text(&self) -> String {
        join(&self.words)
    }

    /// The words squashed ([`super::labels::squash`]), in order.
    pub fn squashed_words(&self) -> &[String] {
        self.squashed.get_or_init(|| {
            self.words
                .iter()
                .map(|w| super::labels::squash(&w.text))
                .collect()
        })
    }

    /// The union of the words' boxes.
    pub fn bbox(&self) -> [f64; 4] {
        union(&self.words)
    }

    /// The typical font size of the line.
    pub fn size(&self) -> f64 {
        self.words.iter().map(|w| w.size).fold(0.0, f64::max).max(1.0)
    }

    /// The index of the cell the word at `index` belongs to.
    pub fn cell_of(&self, index: usize) -> usize {
        self.cell_starts
            .iter()
            .rposition(|start| *start <= index)
            .unwrap_or(0)
    }

    /// The range of word indices of cell `cell`.
    pub fn cell_range(&self, cell: usize) -> std::ops::Range<usize> {
        let start = self.cell_starts.get(cell).copied().unwrap_or(self.words.len());
        let end = self
            .cell_starts
            .get(cell + 1)
            .copied()
            .unwrap_or(self.words.len());
        start..end
    }

    /// Whether the line is in the upper part of its page (where the header of an invoice sits).
    pub fn vertical_share(&self) -> f64 {
        if self.page_height <= 0.0 {
            return 0.5;
        }
        (self.page_height - self.bbox()[3]) / self.page_height
    }
}

/// Words joined by single spaces.
pub fn join(words: &[Word]) -> String {
    words
        .iter()
        .map(|w| w.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The union of the boxes of `words` (zeros for none).
pub fn union(words: &[Word]) -> [f64; 4] {
    let mut out = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    for w in words {
        out[0] = out[0].min(w.bbox[0]);
        out[1] = out[1].min(w.bbox[1]);
        out[2] = out[2].max(w.bbox[2]);
        out[3] = out[3].max(w.bbox[3]);
    }
    if words.is_empty() {
        [0.0; 4]
    } else {
        out
    }
}

/// Whether two horizontal ranges overlap (with `slack` points of tolerance).
pub fn overlaps(a: [f64; 4], b: [f64; 4], slack: f64) -> bool {
    a[0] - slack <= b[2] && b[0] - slack <= a[2]
}

/// All lines of the document: page by page, top to bottom.
pub fn lines(text: &PdfText) -> Vec<Line> {
    let mut out = Vec::new();
    for page in &text.pages {
        let mut words: Vec<&Word> = page
            .words
            .iter()
            .filter(|w| !w.text.trim().is_empty() && w.bbox.iter().all(|v| v.is_finite()))
            .collect();
        words.sort_by(|a, b| b.bbox[1].total_cmp(&a.bbox[1]));
        let mut groups: Vec<(f64, Vec<Word>)> = Vec::new();
        for word in words {
            let middle = (word.bbox[1] + word.bbox[3]) / 2.0;
            let tolerance = (word.bbox[3] - word.bbox[1]).max(1.0) * 0.4;
            match groups.last_mut() {
                Some((line_middle, members)) if (*line_middle - middle).abs() <= tolerance => {
                    members.push(word.clone())
                }
                _ => groups.push((middle, vec![word.clone()])),
            }
        }
        for (_, mut words) in groups {
            words.sort_by(|a, b| a.bbox[0].total_cmp(&b.bbox[0]));
            let mut cell_starts = vec![0];
            for i in 1..words.len() {
                let gap = words[i].bbox[0] - words[i - 1].bbox[2];
                let size = words[i].size.max(words[i - 1].size).max(1.0);
                if gap > CELL_GAP * size {
                    cell_starts.push(i);
                }
            }
            out.push(Line {
                page: page.number,
                page_height: page.height,
                words,
                cell_starts,
                squashed: std::cell::OnceCell::new(),
            });
        }
    }
    out
}

/// A page built from rows of `(x, text)` at height `y` (8 pt words, 4.5 pt per character), for the
/// extractor's tests.
#[cfg(test)]
pub(crate) fn test_page(rows: &[(f64, &[(f64, &str)])]) -> PdfText {
    use crate::formats::pdf_text::PageText;
    let mut words = Vec::new();
    for (y, cells) in rows {
        for (x, text) in *cells {
            let mut left = *x;
            for word in text.split(' ') {
                let width = 4.5 * word.chars().count() as f64;
                words.push(Word {
                    text: word.to_owned(),
                    bbox: [left, *y, left + width, y + 8.0],
                    size: 8.0,
                });
                left += width + 2.5;
            }
        }
    }
    PdfText {
        pages: vec![PageText {
            number: 1,
            width: 595.0,
            height: 842.0,
            rotation: 0,
            words,
        }],
    }
}
