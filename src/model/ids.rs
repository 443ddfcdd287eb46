//! Newtype identifiers, so that one kind of id can never be passed where another is expected.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! integer_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }
    };
}

macro_rules! text_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The id as the user wrote it.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }
    };
}

integer_id!(
    /// An invoice recorded by Backdesk (assigned by the store).
    InvoiceId
);
integer_id!(
    /// A document (one file, or one attachment of an e-mail) seen by intake.
    DocumentId
);
text_id!(
    /// The user's own id for a vendor, as in their accounting system.
    VendorId
);
text_id!(
    /// A purchase-order number as printed on the PO.
    PoNumber
);
text_id!(
    /// A goods-received note id.
    ReceiptId
);
text_id!(
    /// A chart-of-accounts code.
    AccountCode
);
