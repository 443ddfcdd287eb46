//! Our `/ToUnicode` reader against lopdf's (the reader it replaced for speed): on every font of every
//! corpus PDF, the same ranges, the same text for every code of them, and the same decoding of byte strings
//! (which also checks the codespace ranges).

use backdesk::formats::pdf::open_pdf;
use backdesk::formats::pdf_cmap;
use backdesk::formats::pdf_text::lopdf_unicode_map;
use lopdf::{Encoding, Object};

use super::formats_pdf::{corpora, files_with_extension};

/// Codes worth comparing within `start..=end`: all of a small range, both ends of a large one.
fn codes(start: u32, end: u32) -> Vec<u32> {
    if end - start < 4096 {
        (start..=end).collect()
    } else {
        (start..start + 2048).chain(end - 2047..=end).collect()
    }
}

#[test]
fn every_corpus_to_unicode_map_reads_as_lopdf_reads_it() {
    let (mut ours_read, mut left_to_lopdf, mut compared) = (0, 0, 0u64);
    for path in files_with_extension(&corpora(), "pdf") {
        let bytes = std::fs::read(&path).unwrap();
        let Ok(document) = open_pdf(&bytes) else {
            continue;
        };
        for object in document.objects.values() {
            let Object::Dictionary(font) = object else {
                continue;
            };
            if !font.has(b"ToUnicode") {
                continue;
            }
            let Some(ours) = pdf_cmap::read(&document, font) else {
                left_to_lopdf += 1;
                continue;
            };
            ours_read += 1;
            let Some(Encoding::UnicodeMapEncoding(theirs)) = lopdf_unicode_map(&document, font) else {
                panic!("{}: we read a map lopdf does not", path.display());
            };
            let lopdf = Encoding::UnicodeMapEncoding(theirs);
            let Encoding::UnicodeMapEncoding(theirs) = &lopdf else {
                unreachable!()
            };
            for length in 1..=4u8 {
                let their_ranges: Vec<(u32, u32)> = theirs.bf_ranges[usize::from(length - 1)]
                    .iter()
                    .map(|(r, _)| (*r.start(), *r.end()))
                    .collect();
                assert_eq!(
                    ours.ranges(length),
                    their_ranges,
                    "{}: ranges of {length}-byte codes",
                    path.display()
                );
                for (start, end) in their_ranges {
                    for code in codes(start, end) {
                        assert_eq!(
                            ours.get(code, length),
                            theirs.get(code, length),
                            "{}: code {code:#x}/{length}",
                            path.display()
                        );
                        compared += 1;
                    }
                }
            }
            // byte strings: every one- and two-byte string, and three- and four-byte ones from a walk
            let mut strings: Vec<Vec<u8>> = (0..=255u8).map(|b| vec![b]).collect();
            strings.extend((0..=u16::MAX).step_by(7).map(|c| c.to_be_bytes().to_vec()));
            let mut seed = 0x2545_f491_u32;
            for _ in 0..300 {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                strings.push(seed.to_be_bytes()[..3].to_vec());
                strings.push(seed.to_be_bytes().to_vec());
                strings.push([seed.to_be_bytes(), seed.to_le_bytes()].concat());
            }
            for string in strings {
                assert_eq!(
                    ours.decode(&string),
                    lopdf.bytes_to_string(&string).unwrap(),
                    "{}: {string:02x?}",
                    path.display()
                );
                compared += 1;
            }
        }
    }
    println!(
        "to-unicode maps: {ours_read} read by us, {left_to_lopdf} left to lopdf; {compared} comparisons"
    );
    assert!(ours_read > 20, "too few maps read by us: {ours_read}");
}
