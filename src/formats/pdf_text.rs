//! The text layer of a PDF with positions: every word with its page and bounding box in PDF points from
//! the page's bottom-left corner, for the visual extraction to read labels and values by where they sit.
//!
//! A small content-stream interpreter over lopdf: graphics state (`q`/`Q`/`cm`), text state (`Tf`, `Tc`,
//! `Tw`, `Tz`, `TL`, `Ts`), positioning (`Td`, `TD`, `Tm`, `T*`), showing (`Tj`, `TJ`, `'`, `"`) and form
//! XObjects (`Do`). Glyph advances come from the font's widths (`/Widths`, or `/W` of a CID font), so
//! words are split where the page shows a gap, not only where a space character is. Not handled: page
//! rotation (`/Rotate` is reported, boxes stay in unrotated page space), vertical writing, the vertical part
//! of Type 3 font matrices (their widths are scaled; boxes are one em high). Characters come from a font's
//! `/ToUnicode` map when it has one, else from its encoding.

use std::cell::RefCell;
use std::rc::Rc;

use lopdf::{Dictionary, Document, Encoding, Object, ObjectId};
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::pdf::{resolve, MAX_DECODED_STREAM_BYTES};
use super::pdf_cmap::{self, ToUnicode};
use super::pdf_content::{self, Operand};

/// Nested form XObjects deeper than this are not followed (they can refer to each other in a loop).
const MAX_FORM_DEPTH: usize = 8;
/// Bounds the work per page: a content stream with more operations than this is cut off there.
const MAX_OPERATIONS_PER_PAGE: usize = 2_000_000;
/// A gap wider than this share of the font size between two glyphs starts a new word.
const WORD_GAP: f64 = 0.15;

/// The text of a whole PDF.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PdfText {
    pub pages: Vec<PageText>,
}

/// The words of one page.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PageText {
    /// 1-based.
    pub number: u32,
    /// The page's size in points (its media box).
    pub width: f64,
    pub height: f64,
    /// The page's `/Rotate` (0, 90, 180 or 270, clockwise when shown): boxes are in unrotated page space.
    pub rotation: i64,
    /// In the order the page draws them.
    pub words: Vec<Word>,
}

/// One word: a run of glyphs without a space or a visible gap between them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Word {
    pub text: String,
    /// `[x0, y0, x1, y1]` in points from the page's bottom-left.
    pub bbox: [f64; 4],
    /// The rendered font size in points.
    pub size: f64,
}

impl PdfText {
    /// Whether no page has any text (a scan, or a PDF of outlines).
    pub fn is_empty(&self) -> bool {
        self.pages.iter().all(|p| p.words.is_empty())
    }

    /// The words of every page as lines of text, top to bottom, pages separated by a form feed.
    pub fn plain_text(&self) -> String {
        self.pages
            .iter()
            .map(|page| page.lines().join("\n"))
            .collect::<Vec<_>>()
            .join("\n\u{c}\n")
    }
}

impl PageText {
    /// The words grouped into lines (by baseline, top to bottom), each line left to right, words joined by
    /// one space.
    pub fn lines(&self) -> Vec<String> {
        let mut words: Vec<&Word> = self.words.iter().collect();
        words.sort_by(|a, b| b.bbox[1].total_cmp(&a.bbox[1]));
        let mut lines: Vec<(f64, f64, Vec<&Word>)> = Vec::new();
        for word in words {
            let middle = (word.bbox[1] + word.bbox[3]) / 2.0;
            let tolerance = (word.bbox[3] - word.bbox[1]).max(1.0) * 0.4;
            match lines.last_mut() {
                Some((line_middle, _, members)) if (*line_middle - middle).abs() <= tolerance => {
                    members.push(word)
                }
                _ => lines.push((middle, tolerance, vec![word])),
            }
        }
        lines
            .into_iter()
            .map(|(_, _, mut members)| {
                members.sort_by(|a, b| a.bbox[0].total_cmp(&b.bbox[0]));
                members
                    .iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }
}

/// Extracts the positioned text of every page. A page whose content cannot be decoded contributes no
/// words; the others are still read.
pub fn extract_text(document: &Document) -> PdfText {
    let fonts = FontCache::default();
    let pages = document
        .get_pages()
        .into_iter()
        .map(|(number, page_id)| extract_page(document, number, page_id, &fonts))
        .collect();
    PdfText { pages }
}

/// The fonts read so far, by the address of their dictionary in the document: a font shared by pages and
/// forms is read (its widths, its `/ToUnicode` map) once per document.
#[derive(Default)]
struct FontCache<'a> {
    fonts: RefCell<FxHashMap<usize, Rc<Font<'a>>>>,
}

impl<'a> FontCache<'a> {
    fn get(&self, document: &'a Document, font: &'a Dictionary) -> Rc<Font<'a>> {
        let key = std::ptr::from_ref(font) as usize;
        if let Some(found) = self.fonts.borrow().get(&key) {
            return Rc::clone(found);
        }
        let made = Rc::new(Font::new(document, font));
        self.fonts.borrow_mut().insert(key, Rc::clone(&made));
        made
    }
}

/// A content stream's fonts by resource name (read when `Tf` first chooses them: pages often list fonts
/// they never use, and a font's `/ToUnicode` map can be large).
type Fonts<'a> = FxHashMap<Vec<u8>, &'a Dictionary>;

fn extract_page<'a>(
    document: &'a Document,
    number: u32,
    page_id: ObjectId,
    cache: &FontCache<'a>,
) -> PageText {
    let media_box = page_media_box(document, page_id).unwrap_or([0.0, 0.0, 612.0, 792.0]);
    let mut page = PageText {
        number,
        width: (media_box[2] - media_box[0]).abs(),
        height: (media_box[3] - media_box[1]).abs(),
        rotation: inherited(document, page_id, b"Rotate")
            .and_then(self::number)
            .map_or(0, |r| (r as i64).rem_euclid(360)),
        words: Vec::new(),
    };
    let Ok(content) = document.get_page_content_with_limit(page_id, MAX_DECODED_STREAM_BYTES) else {
        return page;
    };
    let fonts: Fonts<'a> = document
        .get_page_fonts(page_id)
        .unwrap_or_default()
        .into_iter()
        .collect();
    let xobjects = page_xobjects(document, page_id);
    // the page's origin is the media box's lower-left corner
    let origin = [1.0, 0.0, 0.0, 1.0, -media_box[0], -media_box[1]];
    let mut run = Interpreter {
        document,
        cache,
        glyphs: Vec::new(),
        operations: 0,
    };
    run.run(&content, &fonts, xobjects, origin, 0);
    page.words = words_from_glyphs(&run.glyphs);
    page
}

/// One drawn glyph in page space.
#[derive(Debug, Clone)]
struct Glyph {
    text: Rc<str>,
    bbox: [f64; 4],
    /// Where the next glyph would start if the text went on (the pen position after the advance).
    end: (f64, f64),
    start: (f64, f64),
    size: f64,
}

/// A font as far as text extraction needs it: how to decode codes and how wide each glyph is.
struct Font<'a> {
    encoding: Option<Decoder<'a>>,
    two_byte: bool,
    widths: FxHashMap<u32, f64>,
    default_width: f64,
    /// Glyph space → text space: thousandths of an em, except for Type 3 fonts (their `/FontMatrix`).
    width_scale: f64,
    /// The text of each code met so far (decoding a code through a `/ToUnicode` map is not cheap).
    decoded: RefCell<FxHashMap<u32, Rc<str>>>,
}

impl<'a> Font<'a> {
    fn new(document: &'a Document, font: &'a Dictionary) -> Self {
        let encoding = unicode_map(document, font).or_else(|| {
            font.get_font_encoding_with_limit(document, MAX_DECODED_STREAM_BYTES)
                .ok()
                .map(Decoder::Lopdf)
        });
        let subtype = font.get(b"Subtype").ok().and_then(|o| o.as_name().ok());
        let mut widths = FxHashMap::default();
        if subtype == Some(b"Type0".as_slice()) {
            let descendant = font
                .get(b"DescendantFonts")
                .ok()
                .and_then(|o| resolve(document, o))
                .and_then(|o| o.as_array().ok())
                .and_then(|a| a.first())
                .and_then(|o| resolve(document, o))
                .and_then(|o| o.as_dict().ok());
            let default_width = descendant
                .and_then(|d| d.get(b"DW").ok())
                .and_then(number)
                .unwrap_or(1000.0);
            if let Some(Object::Array(w)) = descendant
                .and_then(|d| d.get(b"W").ok())
                .and_then(|o| resolve(document, o))
            {
                read_cid_widths(document, w, &mut widths);
            }
            return Self {
                encoding,
                two_byte: true,
                widths,
                default_width,
                width_scale: 0.001,
                decoded: RefCell::default(),
            };
        }
        let first_char = font.get(b"FirstChar").ok().and_then(number).unwrap_or(0.0) as u32;
        if let Some(Object::Array(w)) = font.get(b"Widths").ok().and_then(|o| resolve(document, o)) {
            for (i, width) in w.iter().enumerate() {
                if let Some(width) = resolve(document, width).and_then(number) {
                    widths.insert(first_char + i as u32, width);
                }
            }
        }
        let missing = font
            .get(b"FontDescriptor")
            .ok()
            .and_then(|o| resolve(document, o))
            .and_then(|o| o.as_dict().ok())
            .and_then(|d| d.get(b"MissingWidth").ok())
            .and_then(number)
            .filter(|w| *w > 0.0);
        let width_scale = match subtype {
            Some(b"Type3") => font
                .get(b"FontMatrix")
                .ok()
                .and_then(|o| resolve(document, o))
                .and_then(|o| o.as_array().ok())
                .and_then(|m| m.first())
                .and_then(number)
                .filter(|a| *a != 0.0)
                .map_or(0.001, f64::abs),
            _ => 0.001,
        };
        Self {
            encoding,
            two_byte: false,
            widths,
            // the standard 14 fonts carry no widths: an average Latin glyph is about half an em wide
            default_width: missing.unwrap_or(0.5 / width_scale),
            width_scale,
            decoded: RefCell::default(),
        }
    }

    fn width(&self, code: u32) -> f64 {
        self.widths.get(&code).copied().unwrap_or(self.default_width) * self.width_scale
    }

    /// The text of one code (`code_bytes` are its bytes, `code` their value), remembered per font.
    fn decode(&self, code: u32, code_bytes: &[u8]) -> Rc<str> {
        // the odd last byte of a two-byte string is a code of its own, apart from the two-byte one
        let key = code | ((code_bytes.len() as u32) << 16);
        if let Some(text) = self.decoded.borrow().get(&key) {
            return Rc::clone(text);
        }
        let text = match &self.encoding {
            Some(Decoder::ToUnicode(map)) => map.decode(code_bytes),
            Some(Decoder::Lopdf(encoding)) => encoding.bytes_to_string(code_bytes).unwrap_or_default(),
            None => String::new(),
        };
        let text: Rc<str> = text.chars().filter(|c| *c != '\0').collect::<String>().into();
        self.decoded.borrow_mut().insert(key, Rc::clone(&text));
        text
    }
}

/// How a font's codes become text: its `/ToUnicode` map as we read it, or lopdf's encoding.
enum Decoder<'a> {
    ToUnicode(ToUnicode),
    Lopdf(Encoding<'a>),
}

/// The font's `/ToUnicode` map, which states the characters outright and so wins over `/Encoding` (as in
/// PDF 32000-1, 9.10.2): lopdf reads the encoding first, and a `/Differences` array with private glyph names
/// would decode to the wrong letters. `None` when the font has no usable map.
///
/// Our reader ([`pdf_cmap`]) reads the map when it knows its form; otherwise lopdf's reader decides, as
/// it did before ours existed (a map, or none for a malformed one).
fn unicode_map<'b>(document: &Document, font: &Dictionary) -> Option<Decoder<'b>> {
    if !font.has(b"ToUnicode") {
        return None;
    }
    if let Some(map) = pdf_cmap::read(document, font) {
        return Some(Decoder::ToUnicode(map));
    }
    lopdf_unicode_map(document, font).map(Decoder::Lopdf)
}

/// The font's `/ToUnicode` map as lopdf reads it, `None` when it has none or cannot read it.
pub fn lopdf_unicode_map<'b>(document: &Document, font: &Dictionary) -> Option<Encoding<'b>> {
    if !font.has(b"ToUnicode") {
        return None;
    }
    let mut without_encoding = font.clone();
    without_encoding.remove(b"Encoding");
    match without_encoding
        .get_font_encoding_with_limit(document, MAX_DECODED_STREAM_BYTES)
        .ok()?
    {
        Encoding::UnicodeMapEncoding(map) => Some(Encoding::UnicodeMapEncoding(map)),
        _ => None,
    }
}

/// `/W [c [w1 w2 …] cfirst clast w …]` of a CID font.
fn read_cid_widths(document: &Document, w: &[Object], widths: &mut FxHashMap<u32, f64>) {
    let mut i = 0;
    while i < w.len() && widths.len() < 65_536 {
        let Some(first) = resolve(document, &w[i]).and_then(number) else {
            return;
        };
        match w.get(i + 1).and_then(|o| resolve(document, o)) {
            Some(Object::Array(list)) => {
                for (k, width) in list.iter().enumerate() {
                    if let Some(width) = number(width) {
                        widths.insert(first as u32 + k as u32, width);
                    }
                }
                i += 2;
            }
            Some(last) => {
                let (Some(last), Some(width)) = (
                    number(last),
                    w.get(i + 2).and_then(|o| resolve(document, o)).and_then(number),
                ) else {
                    return;
                };
                let (first, last) = (first as u32, (last as u32).min(first as u32 + 65_536));
                for code in first..=last {
                    widths.insert(code, width);
                }
                i += 3;
            }
            None => return,
        }
    }
}

fn number(object: &Object) -> Option<f64> {
    match object {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

fn numbers<const N: usize>(objects: &[Object]) -> Option<[f64; N]> {
    let mut out = [0.0; N];
    for (slot, object) in out.iter_mut().zip(objects.get(..N)?) {
        *slot = number(object)?;
    }
    Some(out)
}

fn operand_number(operand: &Operand<'_>) -> Option<f64> {
    match operand {
        Operand::Number(n) => Some(*n),
        _ => None,
    }
}

fn operand_numbers<const N: usize>(operands: &[Operand<'_>]) -> Option<[f64; N]> {
    let mut out = [0.0; N];
    for (slot, operand) in out.iter_mut().zip(operands.get(..N)?) {
        *slot = operand_number(operand)?;
    }
    Some(out)
}

/// `[a b c d e f]`, row-vector convention as in the PDF specification.
type Matrix = [f64; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn multiply(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn apply(m: &Matrix, x: f64, y: f64) -> (f64, f64) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

#[derive(Clone)]
struct TextState<'a> {
    /// The font `Tf` chose, when the content's resources have it.
    font: Option<Rc<Font<'a>>>,
    size: f64,
    char_spacing: f64,
    word_spacing: f64,
    scale: f64,
    leading: f64,
    rise: f64,
}

impl Default for TextState<'_> {
    fn default() -> Self {
        Self {
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        }
    }
}

struct Interpreter<'a, 'c> {
    document: &'a Document,
    cache: &'c FontCache<'a>,
    glyphs: Vec<Glyph>,
    operations: usize,
}

impl<'a> Interpreter<'a, '_> {
    fn run(
        &mut self,
        content: &[u8],
        fonts: &Fonts<'a>,
        xobjects: Option<&'a Dictionary>,
        ctm: Matrix,
        depth: usize,
    ) {
        let Some(content) = pdf_content::decode(content) else {
            return;
        };
        let mut ctm = ctm;
        let mut state = TextState::default();
        let mut saved: Vec<(Matrix, TextState<'a>)> = Vec::new();
        let mut tm = IDENTITY;
        let mut tlm = IDENTITY;
        for op in &content.operations {
            self.operations += 1;
            if self.operations > MAX_OPERATIONS_PER_PAGE {
                return;
            }
            let operands = content.operands(op);
            let first_number = || operands.first().and_then(operand_number);
            match op.operator.as_ref() {
                b"q" => saved.push((ctm, state.clone())),
                b"Q" => {
                    if let Some((m, s)) = saved.pop() {
                        ctm = m;
                        state = s;
                    }
                }
                b"cm" => {
                    if let Some(m) = operand_numbers::<6>(operands) {
                        ctm = multiply(&m, &ctm);
                    }
                }
                b"BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                b"Tf" => {
                    state.font = match operands.first() {
                        Some(Operand::Name(name)) => fonts
                            .get(name.as_ref())
                            .map(|font| self.cache.get(self.document, font)),
                        _ => None,
                    };
                    state.size = operands.get(1).and_then(operand_number).unwrap_or(state.size);
                }
                b"Tc" => state.char_spacing = first_number().unwrap_or(0.0),
                b"Tw" => state.word_spacing = first_number().unwrap_or(0.0),
                b"Tz" => state.scale = first_number().unwrap_or(100.0) / 100.0,
                b"TL" => state.leading = first_number().unwrap_or(0.0),
                b"Ts" => state.rise = first_number().unwrap_or(0.0),
                operator @ (b"Td" | b"TD") => {
                    if let Some([tx, ty]) = operand_numbers::<2>(operands) {
                        if operator == b"TD" {
                            state.leading = -ty;
                        }
                        tlm = multiply(&[1.0, 0.0, 0.0, 1.0, tx, ty], &tlm);
                        tm = tlm;
                    }
                }
                b"Tm" => {
                    if let Some(m) = operand_numbers::<6>(operands) {
                        tlm = m;
                        tm = m;
                    }
                }
                b"T*" => {
                    tlm = multiply(&[1.0, 0.0, 0.0, 1.0, 0.0, -state.leading], &tlm);
                    tm = tlm;
                }
                operator @ (b"Tj" | b"'" | b"\"") => {
                    if operator != b"Tj" {
                        if operator == b"\"" {
                            state.word_spacing = first_number().unwrap_or(0.0);
                            state.char_spacing = operands.get(1).and_then(operand_number).unwrap_or(0.0);
                        }
                        tlm = multiply(&[1.0, 0.0, 0.0, 1.0, 0.0, -state.leading], &tlm);
                        tm = tlm;
                    }
                    if let Some(Operand::String(bytes)) = operands.last() {
                        self.show(bytes, &state, &mut tm, &ctm);
                    }
                }
                b"TJ" => {
                    let Some(Operand::Array(items)) = operands.first() else {
                        continue;
                    };
                    for item in items {
                        match item {
                            Operand::String(bytes) => self.show(bytes, &state, &mut tm, &ctm),
                            other => {
                                if let Some(adjust) = operand_number(other) {
                                    let tx = -adjust / 1000.0 * state.size * state.scale;
                                    tm = multiply(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &tm);
                                }
                            }
                        }
                    }
                }
                b"Do" if depth < MAX_FORM_DEPTH => {
                    let Some(Operand::Name(name)) = operands.first() else {
                        continue;
                    };
                    self.run_form(name, xobjects, fonts, ctm, depth);
                }
                _ => {}
            }
        }
    }

    /// Runs a form XObject's content with its own resources (or the caller's when it has none).
    fn run_form(
        &mut self,
        name: &[u8],
        xobjects: Option<&'a Dictionary>,
        fonts: &Fonts<'a>,
        ctm: Matrix,
        depth: usize,
    ) {
        let document = self.document;
        let Some(Object::Stream(form)) = xobjects
            .and_then(|x| x.get(name).ok())
            .and_then(|o| resolve(document, o))
        else {
            return;
        };
        if form.dict.get(b"Subtype").ok().and_then(|o| o.as_name().ok()) != Some(b"Form".as_slice()) {
            return;
        }
        let Ok(content) = form.decompressed_content_with_limit(MAX_DECODED_STREAM_BYTES) else {
            return;
        };
        let matrix = form
            .dict
            .get(b"Matrix")
            .ok()
            .and_then(|o| resolve(document, o))
            .and_then(|o| o.as_array().ok())
            .and_then(|a| numbers::<6>(a))
            .unwrap_or(IDENTITY);
        let resources = form
            .dict
            .get(b"Resources")
            .ok()
            .and_then(|o| resolve(document, o))
            .and_then(|o| o.as_dict().ok());
        let own_fonts: Option<Fonts<'a>> = resources
            .and_then(|r| r.get(b"Font").ok())
            .and_then(|o| resolve(document, o))
            .and_then(|o| o.as_dict().ok())
            .map(|font_dict| {
                font_dict
                    .iter()
                    .filter_map(|(key, value)| {
                        let font = resolve(document, value)?.as_dict().ok()?;
                        Some((key.clone(), font))
                    })
                    .collect()
            });
        let own_xobjects = resources
            .and_then(|r| r.get(b"XObject").ok())
            .and_then(|o| resolve(document, o))
            .and_then(|o| o.as_dict().ok());
        self.run(
            &content,
            own_fonts.as_ref().unwrap_or(fonts),
            own_xobjects.or(xobjects),
            multiply(&matrix, &ctm),
            depth + 1,
        );
    }

    /// Draws a string: one glyph per character code, advancing the text matrix.
    fn show(&mut self, bytes: &[u8], state: &TextState<'a>, tm: &mut Matrix, ctm: &Matrix) {
        let Some(font) = state.font.as_ref() else {
            return;
        };
        let code_length = if font.two_byte { 2 } else { 1 };
        for code_bytes in bytes.chunks(code_length) {
            let code = code_bytes.iter().fold(0u32, |acc, b| acc * 256 + u32::from(*b));
            let width = font.width(code);
            let render = multiply(
                &[state.size * state.scale, 0.0, 0.0, state.size, 0.0, state.rise],
                &multiply(tm, ctm),
            );
            let corners = [
                apply(&render, 0.0, -0.2),
                apply(&render, width, -0.2),
                apply(&render, 0.0, 0.8),
                apply(&render, width, 0.8),
            ];
            let text = font.decode(code, code_bytes);
            let is_space = code_length == 1 && code == 32;
            let advance =
                (width * state.size + state.char_spacing + if is_space { state.word_spacing } else { 0.0 })
                    * state.scale;
            *tm = multiply(&[1.0, 0.0, 0.0, 1.0, advance, 0.0], tm);
            if text.is_empty() {
                continue;
            }
            let size = {
                let (x0, y0) = apply(&render, 0.0, 0.0);
                let (x1, y1) = apply(&render, 0.0, 1.0);
                ((x1 - x0).powi(2) + (y1 - y0).powi(2)).sqrt()
            };
            let xs = corners.map(|c| c.0);
            let ys = corners.map(|c| c.1);
            self.glyphs.push(Glyph {
                text,
                bbox: [
                    xs.iter().copied().fold(f64::INFINITY, f64::min),
                    ys.iter().copied().fold(f64::INFINITY, f64::min),
                    xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                    ys.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                ],
                start: apply(&render, 0.0, 0.0),
                // the text matrix has already advanced: this is the pen after the glyph, in page space
                end: apply(
                    &multiply(&[1.0, 0.0, 0.0, 1.0, 0.0, state.rise], &multiply(tm, ctm)),
                    0.0,
                    0.0,
                ),
                size,
            });
        }
    }
}

/// Joins glyphs into words: a whitespace glyph, a jump of the pen, or a change of line ends a word.
fn words_from_glyphs(glyphs: &[Glyph]) -> Vec<Word> {
    let mut words = Vec::new();
    let mut current: Option<Word> = None;
    let mut pen: Option<(f64, f64)> = None;
    for glyph in glyphs {
        if glyph.text.chars().all(char::is_whitespace) {
            words.extend(current.take());
            pen = Some(glyph.end);
            continue;
        }
        let continues = pen.is_some_and(|(x, y)| {
            let gap = glyph.size.max(1.0) * WORD_GAP;
            (glyph.start.0 - x).abs() <= gap && (glyph.start.1 - y).abs() <= gap
        });
        match current.as_mut() {
            Some(word) if continues => {
                word.text.push_str(&glyph.text);
                word.bbox = [
                    word.bbox[0].min(glyph.bbox[0]),
                    word.bbox[1].min(glyph.bbox[1]),
                    word.bbox[2].max(glyph.bbox[2]),
                    word.bbox[3].max(glyph.bbox[3]),
                ];
            }
            _ => {
                words.extend(current.take());
                current = Some(Word {
                    text: glyph.text.to_string(),
                    bbox: glyph.bbox,
                    size: glyph.size,
                });
            }
        }
        pen = Some(glyph.end);
    }
    words.extend(current);
    for word in &mut words {
        word.bbox = word.bbox.map(|v| (v * 100.0).round() / 100.0);
        word.size = (word.size * 100.0).round() / 100.0;
        // ligatures and soft hyphens decoded by ToUnicode maps stay as written; only trim stray spaces
        word.text = word.text.trim().to_owned();
    }
    words.retain(|w| !w.text.is_empty());
    words
}

/// A page attribute, inherited from the page tree when the page does not state it (PDF 32000-1, 7.7.3.4).
fn inherited<'a>(document: &'a Document, page_id: ObjectId, key: &[u8]) -> Option<&'a Object> {
    let mut node = document.get_dictionary(page_id).ok()?;
    for _ in 0..32 {
        if let Some(value) = node.get(key).ok().and_then(|o| resolve(document, o)) {
            return Some(value);
        }
        node = node
            .get(b"Parent")
            .ok()
            .and_then(|o| resolve(document, o))
            .and_then(|o| o.as_dict().ok())?;
    }
    None
}

/// The page's media box.
fn page_media_box(document: &Document, page_id: ObjectId) -> Option<[f64; 4]> {
    let Some(Object::Array(values)) = inherited(document, page_id, b"MediaBox") else {
        return None;
    };
    let values: Vec<f64> = values
        .iter()
        .filter_map(|v| resolve(document, v).and_then(number))
        .collect();
    match values[..] {
        [x0, y0, x1, y1] => Some([x0.min(x1), y0.min(y1), x0.max(x1), y0.max(y1)]),
        _ => None,
    }
}

/// The page's `/XObject` resources (inherited through the page tree when the page does not state them).
pub(crate) fn page_xobjects(document: &Document, page_id: ObjectId) -> Option<&Dictionary> {
    let mut node = document.get_dictionary(page_id).ok()?;
    for _ in 0..32 {
        let found = node
            .get(b"Resources")
            .ok()
            .and_then(|o| resolve(document, o))
            .and_then(|o| o.as_dict().ok())
            .and_then(|r| r.get(b"XObject").ok())
            .and_then(|o| resolve(document, o))
            .and_then(|o| o.as_dict().ok());
        if found.is_some() {
            return found;
        }
        node = node
            .get(b"Parent")
            .ok()
            .and_then(|o| resolve(document, o))
            .and_then(|o| o.as_dict().ok())?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    #[test]
    fn glyph_widths_are_read_per_font_kind() {
        let mut document = Document::with_version("1.7");
        let simple = document.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "TrueType", "FirstChar" => 65, "Widths" => vec![600.into(), 700.into()],
        });
        let type3 = document.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type3", "FirstChar" => 65, "Widths" => vec![50.into()],
            "FontMatrix" => vec![0.01.into(), 0.into(), 0.into(), 0.01.into(), 0.into(), 0.into()],
        });
        let cid = document.add_object(
            dictionary! { "Type" => "Font", "Subtype" => "CIDFontType2", "DW" => 900,
            "W" => vec![3.into(), vec![250.into(), 260.into()].into(), 10.into(), 12.into(), 333.into()] },
        );
        let type0 = document.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type0", "Encoding" => "Identity-H", "DescendantFonts" => vec![cid.into()],
        });
        let font = |id| Font::new(&document, document.get_dictionary(id).unwrap());
        let widths = |font: &Font<'_>, codes: &[u32]| -> Vec<f64> {
            codes
                .iter()
                .map(|c| (font.width(*c) * 1e6).round() / 1e6)
                .collect()
        };
        let simple = font(simple);
        assert_eq!(
            widths(&simple, &[65, 66, 67]),
            [0.6, 0.7, 0.5],
            "listed, listed, missing"
        );
        let type3 = font(type3);
        assert_eq!(
            widths(&type3, &[65]),
            [0.5],
            "50 glyph units at FontMatrix 0.01 are half an em"
        );
        let type0 = font(type0);
        assert!(type0.two_byte);
        assert_eq!(
            widths(&type0, &[4, 11, 99]),
            [0.26, 0.333, 0.9],
            "list, range, default"
        );
    }
}
