//! Non-PO coding: which account an invoice without a PO is suggested to be booked to, from the vendor's
//! default account and the accounts this vendor's earlier invoices were coded to.

use serde::Serialize;

use crate::model::{AccountCode, Vendor};

/// A suggested account and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountSuggestion {
    pub account: AccountCode,
    /// `vendor_default` or `history`.
    pub source: String,
    /// How many of this vendor's earlier invoices used the account.
    pub uses: usize,
}

/// The vendor's most used account in history when it has been used at least twice and more than the
/// default; else the vendor default; else the most recent account in history.
pub fn suggest_account(vendor: &Vendor, history: &[AccountCode]) -> Option<AccountSuggestion> {
    let uses = |a: &AccountCode| history.iter().filter(|h| *h == a).count();
    // newest first: on a tie the most recently used account wins
    let most_used = history.iter().max_by(|a, b| {
        uses(a)
            .cmp(&uses(b))
            .then_with(|| position(history, b).cmp(&position(history, a)))
    });
    let default_uses = vendor.default_account.as_ref().map_or(0, uses);
    if let Some(top) = most_used.filter(|a| uses(a) >= 2 && uses(a) > default_uses) {
        return Some(AccountSuggestion {
            account: top.clone(),
            source: "history".into(),
            uses: uses(top),
        });
    }
    if let Some(default) = &vendor.default_account {
        return Some(AccountSuggestion {
            account: default.clone(),
            source: "vendor_default".into(),
            uses: default_uses,
        });
    }
    history.first().map(|a| AccountSuggestion {
        account: a.clone(),
        source: "history".into(),
        uses: uses(a),
    })
}

fn position(history: &[AccountCode], account: &AccountCode) -> usize {
    history.iter().position(|h| h == account).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Origin, VendorId};

    fn vendor(default: Option<&str>) -> Vendor {
        Vendor {
            vendor_id: VendorId("V".into()),
            name: "V".into(),
            tax_id: None,
            iban: None,
            bic: None,
            account_number: None,
            currency: None,
            email: None,
            payment_terms_days: None,
            default_account: default.map(|d| AccountCode(d.into())),
            aliases: vec![],
            origin: Origin::Import("v".into()),
        }
    }

    fn codes(list: &[&str]) -> Vec<AccountCode> {
        list.iter().map(|c| AccountCode((*c).into())).collect()
    }

    #[test]
    fn the_default_is_suggested_without_history() {
        let s = suggest_account(&vendor(Some("6300")), &[]).unwrap();
        assert_eq!(
            (s.account.0.as_str(), s.source.as_str()),
            ("6300", "vendor_default")
        );
    }

    #[test]
    fn history_used_more_than_the_default_wins() {
        let s = suggest_account(&vendor(Some("6300")), &codes(&["6400", "6400", "6300"])).unwrap();
        assert_eq!((s.account.0.as_str(), s.uses), ("6400", 2));
    }

    #[test]
    fn a_single_past_use_does_not_beat_the_default_but_is_used_without_one() {
        assert_eq!(
            suggest_account(&vendor(Some("6300")), &codes(&["6400"]))
                .unwrap()
                .account
                .0,
            "6300"
        );
        assert_eq!(
            suggest_account(&vendor(None), &codes(&["6400"]))
                .unwrap()
                .account
                .0,
            "6400"
        );
        assert_eq!(suggest_account(&vendor(None), &[]), None);
    }
}
