//! A CSV table read by header name: columns in any order, unknown columns reported, and typed cell access
//! that records every problem with its line and column instead of stopping at the first.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::error::RowError;
use crate::model::money::parse_plain_decimal;
use crate::model::Currency;

/// A parsed CSV file: its header and records with their 1-based line numbers.
pub struct Table {
    columns: HashMap<String, usize>,
    records: Vec<(u64, csv::StringRecord)>,
    /// Columns present in the file that the import does not know.
    pub unknown_columns: Vec<String>,
}

impl Table {
    /// Reads the whole file. `known` lists every column the import understands, `required` those that must
    /// be in the header. Structural problems (missing columns, malformed CSV, bad UTF-8) are row errors.
    pub fn read(bytes: &[u8], known: &[&str], required: &[&str]) -> Result<Self, Vec<RowError>> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes); // a BOM from spreadsheet exports
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(bytes);
        let header = reader.headers().map_err(|e| vec![csv_error(1, &e)])?.clone();
        let columns: HashMap<String, usize> = header
            .iter()
            .enumerate()
            .map(|(i, name)| (name.trim().to_ascii_lowercase(), i))
            .collect();

        let mut errors: Vec<RowError> = required
            .iter()
            .filter(|name| !columns.contains_key(**name))
            .map(|name| RowError {
                line: 1,
                column: Some((*name).to_owned()),
                message: format!("the required column '{name}' is missing from the header"),
            })
            .collect();
        let unknown_columns = header
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .filter(|h| !known.contains(&h.as_str()))
            .collect();

        let mut records = Vec::new();
        for result in reader.records() {
            match result {
                Ok(record) => {
                    let line = record.position().map_or(0, |p| p.line());
                    if record.iter().all(|cell| cell.trim().is_empty()) {
                        continue; // blank lines at the end of spreadsheet exports
                    }
                    records.push((line, record));
                }
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    errors.push(csv_error(line, &e));
                }
            }
        }
        if errors.is_empty() {
            Ok(Self {
                columns,
                records,
                unknown_columns,
            })
        } else {
            Err(errors)
        }
    }

    /// The data rows, each with a cell reader that collects problems into `errors`.
    pub fn rows<'a>(&'a self, errors: &'a RefCell<Vec<RowError>>) -> impl Iterator<Item = Cells<'a>> + 'a {
        self.records.iter().map(move |(line, record)| Cells {
            line: *line,
            record,
            columns: &self.columns,
            errors,
            failed: Cell::new(false),
        })
    }
}

fn csv_error(line: u64, error: &csv::Error) -> RowError {
    let message = match error.kind() {
        csv::ErrorKind::Utf8 { .. } => {
            "the file is not valid UTF-8; save it as UTF-8 (CSV UTF-8 in Excel)".to_owned()
        }
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("this row has {len} cells but the header has {expected_len}")
        }
        _ => format!("malformed CSV: {error}"),
    };
    RowError {
        line,
        column: None,
        message,
    }
}

/// The cells of one row, read by column name.
pub struct Cells<'a> {
    /// The 1-based line of this row in the file.
    pub line: u64,
    record: &'a csv::StringRecord,
    columns: &'a HashMap<String, usize>,
    errors: &'a RefCell<Vec<RowError>>,
    failed: Cell<bool>,
}

impl Cells<'_> {
    /// Records a problem with this row.
    pub fn fail(&self, column: Option<&str>, message: String) {
        self.failed.set(true);
        self.errors.borrow_mut().push(RowError {
            line: self.line,
            column: column.map(str::to_owned),
            message,
        });
    }

    /// Whether any cell of this row failed.
    pub fn has_failed(&self) -> bool {
        self.failed.get()
    }

    /// The trimmed cell, `None` when empty or the column is absent.
    pub fn optional(&self, column: &str) -> Option<String> {
        let index = *self.columns.get(column)?;
        let value = self.record.get(index)?.trim();
        (!value.is_empty()).then(|| value.to_owned())
    }

    /// The trimmed cell; a problem when empty.
    pub fn required(&self, column: &str) -> Option<String> {
        let value = self.optional(column);
        if value.is_none() && self.columns.contains_key(column) {
            self.fail(Some(column), "a value is required here".to_owned());
        }
        value
    }

    fn parse<T>(
        &self,
        column: &str,
        value: Option<String>,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Option<T> {
        let text = value?;
        match parse(&text) {
            Ok(parsed) => Some(parsed),
            Err(message) => {
                self.fail(Some(column), message);
                None
            }
        }
    }

    /// A plain decimal (`.` separator).
    pub fn decimal(&self, column: &str, required: bool) -> Option<Decimal> {
        let value = if required {
            self.required(column)
        } else {
            self.optional(column)
        };
        self.parse(column, value, parse_plain_decimal)
    }

    /// An ISO date `YYYY-MM-DD`.
    pub fn date(&self, column: &str, required: bool) -> Option<NaiveDate> {
        let value = if required {
            self.required(column)
        } else {
            self.optional(column)
        };
        self.parse(column, value, |text| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| format!("'{text}' is not a date; write dates as YYYY-MM-DD (e.g. 2026-03-05)"))
        })
    }

    /// A non-negative whole number.
    pub fn whole_number(&self, column: &str, required: bool) -> Option<u32> {
        let value = if required {
            self.required(column)
        } else {
            self.optional(column)
        };
        self.parse(column, value, |text| {
            text.parse::<u32>()
                .map_err(|_| format!("'{text}' is not a whole number"))
        })
    }

    /// An ISO 4217 currency code.
    pub fn currency(&self, column: &str, required: bool) -> Option<Currency> {
        let value = if required {
            self.required(column)
        } else {
            self.optional(column)
        };
        self.parse(column, value, str::parse)
    }
}
