//! The states a document and an invoice can be in, as stored and as shown (contracts/cli.md).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The stored and displayed text.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(self.as_str()) // honours width and alignment in tables
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                match text {
                    $($text => Ok(Self::$variant),)+
                    other => Err(format!(
                        "'{other}' is not a valid {}; expected one of: {}",
                        stringify!($name),
                        [$($text),+].join(", ")
                    )),
                }
            }
        }
    };
}

text_enum!(
    /// Where a document stands in intake. `Received` is the journal state: work in flight that is redone
    /// after a crash; the other three are final and visible.
    DocumentState {
        /// Archived and journalled; not yet fully processed.
        Received => "received",
        /// Read and recorded as one or more invoices.
        Processed => "processed",
        /// Could not be used; carries a reason code and a sentence the user can act on.
        Rejected => "rejected",
        /// The same bytes were seen before; points at the first document.
        DuplicateFile => "duplicate_file",
    }
);

text_enum!(
    /// The invoice life cycle (contracts/cli.md).
    InvoiceStatus {
        /// Needs a person: see its reasons.
        Exception => "exception",
        /// Clean, waiting for the approval steps the policy asks for.
        AwaitingApproval => "awaiting_approval",
        /// Approved (by people or straight through); ready to post.
        Approved => "approved",
        /// Posted to the accounting system.
        Posted => "posted",
        /// Paid, as read back from the accounting system.
        Paid => "paid",
        /// Rejected by a person.
        Rejected => "rejected",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_through_their_text() {
        for status in InvoiceStatus::ALL {
            assert_eq!(status.as_str().parse::<InvoiceStatus>().unwrap(), *status);
        }
        for state in DocumentState::ALL {
            assert_eq!(state.as_str().parse::<DocumentState>().unwrap(), *state);
        }
    }

    #[test]
    fn display_honours_table_widths() {
        assert_eq!(format!("[{:<11}]", InvoiceStatus::Exception), "[exception  ]");
    }

    #[test]
    fn unknown_status_names_the_valid_ones() {
        let error = "done".parse::<InvoiceStatus>().unwrap_err();
        assert!(error.contains("awaiting_approval"), "{error}");
    }
}
