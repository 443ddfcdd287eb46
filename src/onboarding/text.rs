//! The words of a document as lines with their page and box, and the folding (lower case, accents off)
//! that keyword and name comparisons use.

use serde::Serialize;

use crate::formats::pdf_text::{PdfText, Word};

/// Lower case with the accents of Latin scripts removed (`Müller` → `muller`, `ß` → `ss`).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ą' => out.push('a'),
            'æ' => out.push_str("ae"),
            'ç' | 'ć' | 'č' => out.push('c'),
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => out.push('e'),
            'ì' | 'í' | 'î' | 'ï' | 'ī' => out.push('i'),
            'ñ' | 'ń' | 'ň' => out.push('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => out.push('o'),
            'œ' => out.push_str("oe"),
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => out.push('u'),
            'ý' | 'ÿ' => out.push('y'),
            'ß' => out.push_str("ss"),
            'ł' => out.push('l'),
            'ś' | 'š' => out.push('s'),
            'ź' | 'ż' | 'ž' => out.push('z'),
            'ř' => out.push('r'),
            'ť' => out.push('t'),
            'ď' => out.push('d'),
            '’' | '‘' | '`' => out.push('\''),
            other => out.push(other),
        }
    }
    out
}

/// Where a value was read: page (1-based) and box `[x0, y0, x1, y1]` in points from the bottom-left.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Evidence {
    pub value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bbox: Option<[f64; 4]>,
}

/// One line of a page: its words left to right.
#[derive(Debug, Clone)]
pub struct Line<'a> {
    pub page: u32,
    pub words: Vec<&'a Word>,
}

impl Line<'_> {
    /// The words joined by one space.
    pub fn text(&self) -> String {
        self.words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The evidence for words `from..to` of this line.
    pub fn evidence(&self, from: usize, to: usize, value: String) -> Evidence {
        let words = &self.words[from.min(self.words.len())..to.min(self.words.len())];
        let bbox = words.iter().fold(None::<[f64; 4]>, |acc, w| {
            Some(match acc {
                None => w.bbox,
                Some(b) => [
                    b[0].min(w.bbox[0]),
                    b[1].min(w.bbox[1]),
                    b[2].max(w.bbox[2]),
                    b[3].max(w.bbox[3]),
                ],
            })
        });
        Evidence {
            value,
            page: Some(self.page),
            bbox: bbox.map(|b| b.map(|v| (v * 10.0).round() / 10.0)),
        }
    }
}

/// Every page's words as lines, top to bottom (grouped by their vertical middle, as `PageText::lines`).
pub fn lines(text: &PdfText) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    for page in &text.pages {
        let mut words: Vec<&Word> = page.words.iter().collect();
        words.sort_by(|a, b| b.bbox[1].total_cmp(&a.bbox[1]));
        let mut grouped: Vec<(f64, Vec<&Word>)> = Vec::new();
        for word in words {
            let middle = (word.bbox[1] + word.bbox[3]) / 2.0;
            let tolerance = (word.bbox[3] - word.bbox[1]).max(1.0) * 0.4;
            match grouped.last_mut() {
                Some((line_middle, members)) if (*line_middle - middle).abs() <= tolerance => {
                    members.push(word)
                }
                _ => grouped.push((middle, vec![word])),
            }
        }
        for (_, mut members) in grouped {
            members.sort_by(|a, b| a.bbox[0].total_cmp(&b.bbox[0]));
            out.push(Line {
                page: page.number,
                words: members,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_removes_accents_and_case() {
        assert_eq!(fold("Zoë Müller-Straße"), "zoe muller-strasse");
        assert_eq!(fold("Carte NATIONALE d’identité"), "carte nationale d'identite");
    }
}
