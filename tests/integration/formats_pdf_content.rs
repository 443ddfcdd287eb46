//! Our content-stream reader against lopdf's `Content::decode` (the reader it replaced for speed): the same
//! operations, operator by operator and operand by operand, on every page and form of every corpus PDF.

use backdesk::formats::pdf::{open_pdf, MAX_DECODED_STREAM_BYTES};
use backdesk::formats::pdf_content::{decode, operand_of, Operand};
use lopdf::content::Content;
use lopdf::Object;

use super::formats_pdf::{corpora, files_with_extension};

type Operations<'a> = Vec<(Vec<u8>, Vec<Operand<'a>>)>;

fn ours(data: &[u8]) -> Option<Operations<'_>> {
    decode(data).map(|ops| {
        ops.operations
            .iter()
            .map(|o| (o.operator.to_vec(), ops.operands(o).to_vec()))
            .collect()
    })
}

fn lopdf(data: &[u8]) -> Option<Operations<'static>> {
    Content::decode(data).ok().map(|content| {
        content
            .operations
            .iter()
            .map(|o| {
                (
                    o.operator.as_bytes().to_vec(),
                    o.operands.iter().map(operand_of).collect(),
                )
            })
            .collect()
    })
}

#[test]
fn every_corpus_content_stream_reads_as_lopdf_reads_it() {
    let (mut streams, mut operations) = (0, 0);
    for path in files_with_extension(&corpora(), "pdf") {
        let bytes = std::fs::read(&path).unwrap();
        let Ok(document) = open_pdf(&bytes) else {
            continue;
        };
        let mut contents: Vec<Vec<u8>> = document
            .get_pages()
            .values()
            .filter_map(|id| {
                document
                    .get_page_content_with_limit(*id, MAX_DECODED_STREAM_BYTES)
                    .ok()
            })
            .collect();
        contents.extend(document.objects.values().filter_map(|object| match object {
            Object::Stream(s)
                if s.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Form".as_slice()) =>
            {
                s.decompressed_content().ok()
            }
            _ => None,
        }));
        for content in &contents {
            let expected = lopdf(content);
            assert_eq!(
                ours(content),
                expected,
                "{}: a content stream reads differently",
                path.display()
            );
            streams += 1;
            operations += expected.map_or(0, |e| e.len());
        }
    }
    assert!(
        streams > 200 && operations > 100_000,
        "the corpora were read ({streams} streams, {operations} operations)"
    );
}
