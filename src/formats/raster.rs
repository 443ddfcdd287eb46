//! Page images of a scanned PDF for OCR: a scan page is one image XObject, handed to tesseract as it is
//! stored (JPEG, JPEG 2000) or, for raw pixels, wrapped in a PNM header. No renderer is linked: a page
//! whose image cannot be taken out this way is reported, not guessed at.

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::ocr::PageImage;
use super::pdf::{resolve, MAX_DECODED_STREAM_BYTES};
use super::pdf_text::page_xobjects;

/// Images smaller than this (pixels) are logos or stamps, not a scanned page.
const MIN_PIXELS: i64 = 200 * 200;

/// The largest image of each page, in page order; `page_widths` are the pages' widths in points (to work out
/// each image's resolution). Pages without a usable image are `None`.
pub fn page_images(document: &Document, page_widths: &[f64]) -> Vec<Option<PageImage>> {
    document
        .get_pages()
        .into_values()
        .enumerate()
        .map(|(i, page_id)| {
            let width_points = page_widths.get(i).copied().unwrap_or(612.0).max(1.0);
            largest_image(document, page_id).and_then(|(dict, data)| {
                let width = int(document, &dict, b"Width")?;
                let image = image_bytes(document, &dict, data)?;
                Some(PageImage {
                    bytes: image,
                    dpi: Some(width as f64 * 72.0 / width_points),
                })
            })
        })
        .collect()
}

fn int(document: &Document, dict: &Dictionary, key: &[u8]) -> Option<i64> {
    dict.get(key)
        .ok()
        .and_then(|o| resolve(document, o))
        .and_then(|o| o.as_i64().ok())
}

/// The page's largest image XObject: its dictionary and stream.
fn largest_image(document: &Document, page_id: ObjectId) -> Option<(Dictionary, &lopdf::Stream)> {
    let xobjects = page_xobjects(document, page_id)?;
    xobjects
        .iter()
        .filter_map(|(_, object)| match resolve(document, object) {
            Some(Object::Stream(stream)) => Some(stream),
            _ => None,
        })
        .filter(|s| s.dict.get(b"Subtype").ok().and_then(|o| o.as_name().ok()) == Some(b"Image".as_slice()))
        .filter_map(|s| {
            let pixels = int(document, &s.dict, b"Width")? * int(document, &s.dict, b"Height")?;
            (pixels >= MIN_PIXELS).then_some((pixels, s))
        })
        .max_by_key(|(pixels, _)| *pixels)
        .map(|(_, s)| (s.dict.clone(), s))
}

fn filters(document: &Document, dict: &Dictionary) -> Vec<Vec<u8>> {
    match dict.get(b"Filter").ok().and_then(|o| resolve(document, o)) {
        Some(Object::Name(name)) => vec![name.clone()],
        Some(Object::Array(items)) => items
            .iter()
            .filter_map(|o| {
                resolve(document, o)
                    .and_then(|o| o.as_name().ok())
                    .map(<[u8]>::to_vec)
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The image as a file tesseract reads: JPEG / JPEG 2000 as stored, raw samples as PNM.
fn image_bytes(document: &Document, dict: &Dictionary, stream: &lopdf::Stream) -> Option<Vec<u8>> {
    let filters = filters(document, dict);
    if filters
        .last()
        .is_some_and(|f| f == b"DCTDecode" || f == b"JPXDecode")
    {
        return (filters.len() == 1).then(|| stream.content.clone());
    }
    let width = int(document, dict, b"Width")?;
    let height = int(document, dict, b"Height")?;
    let bits = int(document, dict, b"BitsPerComponent").unwrap_or(8);
    let samples = if filters.is_empty() {
        stream.content.clone()
    } else {
        let mut copy = stream.clone();
        copy.decompress().ok()?;
        copy.content
    };
    if samples.len() > MAX_DECODED_STREAM_BYTES {
        return None;
    }
    let colour = dict
        .get(b"ColorSpace")
        .ok()
        .and_then(|o| resolve(document, o))
        .and_then(|o| o.as_name().ok())
        .map(<[u8]>::to_vec);
    let (magic, per_pixel) = match (colour.as_deref(), bits) {
        (_, 1) => ("P4", 0),
        (Some(b"DeviceRGB"), 8) => ("P6", 3),
        (Some(b"DeviceGray") | None, 8) => ("P5", 1),
        _ => return None,
    };
    let row = if per_pixel == 0 {
        (width as usize).div_ceil(8)
    } else {
        width as usize * per_pixel
    };
    let needed = row.checked_mul(height as usize)?;
    if samples.len() < needed {
        return None;
    }
    let mut out = if magic == "P4" {
        format!("{magic}\n{width} {height}\n").into_bytes()
    } else {
        format!("{magic}\n{width} {height}\n255\n").into_bytes()
    };
    if magic == "P4" {
        // PDF gray: 0 is black; PBM: 1 is black
        out.extend(samples[..needed].iter().map(|b| !b));
    } else {
        out.extend_from_slice(&samples[..needed]);
    }
    Some(out)
}
