//! Use case: one vendor looked up and fixed by hand — the vendor list (search, IBANs masked, invoice
//! counts), one vendor with its recent invoices and change history, and an edit checked as the import checks
//! a row. A change of bank details is refused without the call-back record; every edit is appended to the
//! audit trail (old → new) and the vendor's invoices in exception are decided again.

use chrono::{DateTime, Local, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{CoreEvent, Redecided, Workspace};
use crate::decide::evidence::BankConfirmation;
use crate::decide::vendor::normalise_name;
use crate::error::{Error, Result};
use crate::import;
use crate::model::master::normalise_identifier;
use crate::model::{AccountCode, InvoiceStatus, Origin, Vendor, VendorId};
use crate::store::master_records::{self, InvoiceBrief, UnresolvedSeller};
use crate::store::{self, timestamp};
use crate::workflow::audit::{self, Action, Entry, NewEntry};

/// How many of a vendor's invoices its detail shows.
const RECENT_INVOICES: u32 = 20;
/// Payment terms longer than this are a typing error, not terms.
const MAX_PAYMENT_TERMS_DAYS: u32 = 365;

/// A vendor as the list shows it: the IBAN masked but for its last four characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VendorListing {
    pub vendor_id: VendorId,
    pub name: String,
    pub tax_id: Option<String>,
    /// e.g. `••••••••••••••••••6789`; `None` when no IBAN is on file.
    pub iban_masked: Option<String>,
    pub payment_terms_days: Option<u32>,
    pub invoice_count: u64,
}

/// One vendor in full, with its latest invoices and the hand edits made to it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VendorRecord {
    #[serde(flatten)]
    pub vendor: Vendor,
    pub invoice_count: u64,
    /// Newest first, at most twenty.
    pub recent_invoices: Vec<InvoiceBrief>,
    /// The audit entries of its hand edits, oldest first.
    pub history: Vec<Entry>,
}

/// The fields of a vendor a person may change (the id never changes: invoices and POs refer to it).
/// Empty text means "no value"; identifiers are compared and stored without spaces, upper case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VendorFields {
    pub name: String,
    pub tax_id: Option<String>,
    pub iban: Option<String>,
    pub bic: Option<String>,
    pub account_number: Option<String>,
    pub currency: Option<String>,
    pub email: Option<String>,
    pub payment_terms_days: Option<u32>,
    pub default_account: Option<String>,
    pub aliases: Vec<String>,
}

/// The record of the call made to confirm new bank details, as the review's "confirm bank details" asks
/// for it: whom was called, on which number, where that number was taken from, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallBack {
    /// The person at the vendor who confirmed the account.
    pub contact: String,
    /// The number called.
    pub phone: String,
    /// Where the number comes from (a contract, the vendor's website, an earlier invoice) — never the
    /// message asking for the change.
    pub number_source: String,
    /// When the call was made, in the caller's local time.
    pub called_at: NaiveDateTime,
}

/// A change to one vendor, made by `who`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VendorUpdate {
    pub vendor_id: VendorId,
    pub fields: VendorFields,
    /// Required when the IBAN, BIC or other account changes.
    pub call_back: Option<CallBack>,
    pub who: String,
}

/// One field changed, old → new (`None`: no value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: &'static str,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// What saving a vendor did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VendorSaved {
    pub vendor: VendorRecord,
    /// Empty when nothing differed (then nothing was written).
    pub changes: Vec<FieldChange>,
    /// The invoices in exception for this vendor, decided again.
    pub redecided: Vec<Redecided>,
}

impl Workspace {
    /// Vendors whose id, name, alias or VAT id contains `query` (ignoring case), or whose IBAN is `query`
    /// (spaces ignored); every vendor when `query` is empty. By name.
    pub async fn search_vendors(&self, query: &str) -> Result<Vec<VendorListing>> {
        let vendors = store::vendors::list(self.store().pool()).await?;
        let counts = {
            let mut conn = self.store().acquire("list vendors").await?;
            master_records::invoice_counts(&mut conn).await?
        };
        let mut found: Vec<VendorListing> = vendors
            .into_iter()
            .filter(|v| vendor_matches(v, query))
            .map(|v| VendorListing {
                invoice_count: counts.get(&v.vendor_id).copied().unwrap_or(0),
                iban_masked: v.iban.as_deref().map(mask_account),
                vendor_id: v.vendor_id,
                name: v.name,
                tax_id: v.tax_id,
                payment_terms_days: v.payment_terms_days,
            })
            .collect();
        found.sort_by(|a, b| {
            a.name
                .to_lowercase()
                .cmp(&b.name.to_lowercase())
                .then_with(|| a.vendor_id.cmp(&b.vendor_id))
        });
        Ok(found)
    }

    /// One vendor with its latest invoices and its hand-edit history.
    pub async fn vendor_record(&self, vendor_id: &VendorId) -> Result<VendorRecord> {
        let mut conn = self.store().acquire("read a vendor").await?;
        let vendor = master_records::vendor(&mut conn, vendor_id)
            .await?
            .ok_or_else(|| Error::NotFound {
                what: "vendor",
                id: vendor_id.to_string(),
            })?;
        let invoice_count = master_records::invoice_counts(&mut conn)
            .await?
            .get(vendor_id)
            .copied()
            .unwrap_or(0);
        Ok(VendorRecord {
            recent_invoices: master_records::recent_invoices(&mut conn, vendor_id, RECENT_INVOICES).await?,
            history: master_records::vendor_history(&mut conn, vendor_id).await?,
            invoice_count,
            vendor,
        })
    }

    /// Saves a hand edit of one vendor: checked field by field (IBANs as the import checks them, VAT ids by
    /// their shape), refused when the bank details change without a call-back record; the vendor row, the
    /// audit entry (each field old → new, and the call-back) and, for a new account, its confirmation are
    /// written in one transaction. Then the vendor's invoices in exception are decided again.
    pub async fn update_vendor(&self, update: &VendorUpdate) -> Result<VendorSaved> {
        self.update_vendor_at(update, Utc::now()).await
    }

    /// [`Self::update_vendor`] at `now`.
    pub async fn update_vendor_at(&self, update: &VendorUpdate, now: DateTime<Utc>) -> Result<VendorSaved> {
        let who = update.who.trim();
        if who.is_empty() {
            return Err(Error::Usage(format!(
                "a change to vendor {} needs the name of who makes it; choose a person first",
                update.vendor_id
            )));
        }
        let mut tx = self.store().begin("change a vendor").await?;
        let old = master_records::vendor(&mut tx, &update.vendor_id)
            .await?
            .ok_or_else(|| Error::NotFound {
                what: "vendor",
                id: update.vendor_id.to_string(),
            })?;
        let new = edited_vendor(&old, &update.fields, who)?;
        let changes = field_changes(&old, &new);
        if changes.is_empty() {
            drop(tx);
            return Ok(VendorSaved {
                vendor: self.vendor_record(&update.vendor_id).await?,
                changes,
                redecided: Vec::new(),
            });
        }
        let bank = import::changed_bank_fields(&old, &new);
        let call_back = match (&update.call_back, !bank.is_empty()) {
            (Some(call), true) => Some(checked_call_back(call, &old.vendor_id, now)?),
            (None, true) => return Err(bank_change_refused(&old.vendor_id, &bank)),
            (_, false) => None,
        };
        store::vendors::upsert(&mut tx, &new, &timestamp(now)).await?;
        if let Some(call) = &call_back {
            for account in [&new.iban, &new.account_number].into_iter().flatten() {
                let confirmation = BankConfirmation {
                    vendor_id: new.vendor_id.clone(),
                    account: normalise_identifier(account),
                    confirmed_by: who.to_owned(),
                    method: call_back_sentence(call),
                    confirmed_at: timestamp(now),
                };
                store::decisions::insert_bank_confirmation(&mut tx, &confirmation, None).await?;
            }
        }
        let entry = NewEntry {
            actor: who.to_owned(),
            action: Action::VendorChanged,
            invoice_id: None,
            detail: serde_json::json!({
                "vendor_id": new.vendor_id,
                "changes": changes,
                "call_back": call_back,
            }),
        };
        audit::append(&mut tx, entry, now).await?;
        tx.commit()
            .await
            .map_err(Error::database(format!("save vendor {}", new.vendor_id)))?;
        self.publish(CoreEvent::MasterDataChanged);
        let redecided = self.redecide_vendor_exceptions(&old, &new, who).await?;
        Ok(VendorSaved {
            vendor: self.vendor_record(&new.vendor_id).await?,
            changes,
            redecided,
        })
    }

    /// Decides again, each in its own transaction, the invoices in exception resolved to this vendor, and
    /// those without a vendor that state its old or new VAT id, IBAN, name or alias (compared as the vendor
    /// resolution compares them).
    async fn redecide_vendor_exceptions(
        &self,
        old: &Vendor,
        new: &Vendor,
        who: &str,
    ) -> Result<Vec<Redecided>> {
        let mut ids = std::collections::BTreeSet::new();
        {
            let mut conn = self.store().acquire("find the invoices of a vendor").await?;
            ids.extend(master_records::exceptions_of_vendor(&mut conn, &new.vendor_id).await?);
            ids.extend(
                master_records::unresolved_exceptions(&mut conn)
                    .await?
                    .into_iter()
                    .filter(|seller| states_vendor(seller, old) || states_vendor(seller, new))
                    .map(|seller| seller.id),
            );
        }
        let why = format!("vendor {} changed", new.vendor_id);
        let mut redecided = Vec::with_capacity(ids.len());
        for id in ids {
            let decision = self.redecide_invoice_as(id, who, &why, Utc::now()).await?;
            redecided.push(Redecided {
                invoice_id: id,
                before: InvoiceStatus::Exception,
                after: decision.status,
            });
        }
        Ok(redecided)
    }
}

/// Whether an unresolved invoice's seller names this vendor by VAT id, IBAN, name or alias, normalised as
/// `decide::vendor` normalises them.
fn states_vendor(seller: &UnresolvedSeller, vendor: &Vendor) -> bool {
    let same_id = |stated: &Option<String>, on_file: &Option<String>| match (stated, on_file) {
        (Some(s), Some(f)) => normalise_identifier(s) == normalise_identifier(f),
        _ => false,
    };
    let names: Vec<String> = std::iter::once(&vendor.name)
        .chain(&vendor.aliases)
        .map(|n| normalise_name(n))
        .collect();
    same_id(&seller.vat_id, &vendor.tax_id)
        || same_id(&seller.iban, &vendor.iban)
        || seller
            .name
            .as_deref()
            .is_some_and(|n| names.contains(&normalise_name(n)))
}

fn vendor_matches(vendor: &Vendor, query: &str) -> bool {
    let query = query.trim();
    if query.is_empty() {
        return true;
    }
    let needle = query.to_lowercase();
    let contains = |text: &str| text.to_lowercase().contains(&needle);
    contains(vendor.vendor_id.as_str())
        || contains(&vendor.name)
        || vendor.aliases.iter().any(|a| contains(a))
        || vendor
            .tax_id
            .as_deref()
            .is_some_and(|t| t.contains(&normalise_identifier(query)))
        || vendor
            .iban
            .as_deref()
            .is_some_and(|i| *i == normalise_identifier(query))
}

/// An account number with all but its last four characters hidden (the length is kept).
pub fn mask_account(account: &str) -> String {
    let chars: Vec<char> = account.chars().filter(|c| !c.is_whitespace()).collect();
    let shown = chars.len().saturating_sub(4);
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < shown { '•' } else { *c })
        .collect()
}

/// The vendor as it will be stored, or the first problem in a sentence naming the field.
fn edited_vendor(old: &Vendor, fields: &VendorFields, who: &str) -> Result<Vendor> {
    let id = &old.vendor_id;
    let bad = |field: &str, why: String| Error::Usage(format!("vendor {id}, {field}: {why}"));
    let name = fields.name.trim();
    if name.is_empty() {
        return Err(bad(
            "name",
            "a vendor needs a name; type it as it appears on invoices".into(),
        ));
    }
    let identifier = |value: &Option<String>| {
        value
            .as_deref()
            .map(normalise_identifier)
            .filter(|v| !v.is_empty())
    };
    let text = |value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let tax_id = identifier(&fields.tax_id);
    if let Some(tax) = tax_id.as_deref().filter(|t| old.tax_id.as_deref() != Some(*t)) {
        if let Some(why) = vat_id_problem(tax) {
            return Err(bad("VAT id", why));
        }
    }
    let iban = identifier(&fields.iban);
    if let Some(problem) = iban.as_deref().and_then(crate::import::iban_problem) {
        return Err(bad(
            "IBAN",
            format!("{problem}; check it against the vendor's letter"),
        ));
    }
    let bic = identifier(&fields.bic);
    if let Some(bic) = bic.as_deref().filter(|b| !looks_like_bic(b)) {
        return Err(bad(
            "BIC",
            format!("'{bic}' is not a BIC (8 or 11 letters and digits: bank, country, place, branch)"),
        ));
    }
    let currency = match text(&fields.currency) {
        Some(c) => Some(c.parse().map_err(|why: String| bad("currency", why))?),
        None => None,
    };
    let email = text(&fields.email);
    if let Some(email) = email.as_deref().filter(|e| !looks_like_email(e)) {
        return Err(bad(
            "e-mail",
            format!("'{email}' is not an e-mail address (name@domain)"),
        ));
    }
    if let Some(days) = fields.payment_terms_days.filter(|d| *d > MAX_PAYMENT_TERMS_DAYS) {
        return Err(bad(
            "payment terms",
            format!("{days} days is more than a year; type the number of days until an invoice is due"),
        ));
    }
    let mut aliases: Vec<String> = fields
        .aliases
        .iter()
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty())
        .collect();
    aliases.dedup();
    Ok(Vendor {
        vendor_id: id.clone(),
        name: name.to_owned(),
        tax_id,
        iban,
        bic,
        account_number: text(&fields.account_number),
        currency,
        email,
        payment_terms_days: fields.payment_terms_days,
        default_account: text(&fields.default_account).map(AccountCode),
        aliases,
        origin: Origin::Manual(who.to_owned()),
    })
}

/// Why a tax id is not a VAT id, or `None`. Ids that start with a country's two letters are held to the
/// VAT-id shape the extractor reads; others (a US EIN, a national tax number) are taken as typed.
fn vat_id_problem(tax_id: &str) -> Option<String> {
    let country_prefix = tax_id.len() >= 2 && tax_id.as_bytes()[..2].iter().all(u8::is_ascii_uppercase);
    // printed forms such as `NL8200.98.395.B.01` are kept as typed (the vendor resolution compares them so)
    let letters_and_digits: String = tax_id.chars().filter(char::is_ascii_alphanumeric).collect();
    (country_prefix && !crate::extract::ids::looks_like_vat(&letters_and_digits)).then(|| {
        format!(
            "'{tax_id}' is not a VAT id (a country prefix such as DE, then 8–12 characters, mostly digits)"
        )
    })
}

fn looks_like_bic(bic: &str) -> bool {
    let bytes = bic.as_bytes();
    (bytes.len() == 8 || bytes.len() == 11)
        && bytes[..6].iter().all(u8::is_ascii_uppercase)
        && bytes[6..].iter().all(u8::is_ascii_alphanumeric)
}

fn looks_like_email(email: &str) -> bool {
    email
        .split_once('@')
        .is_some_and(|(name, domain)| !name.is_empty() && domain.contains('.') && !email.contains(' '))
}

/// Each field that differs, old → new.
pub(super) fn field_changes(old: &Vendor, new: &Vendor) -> Vec<FieldChange> {
    let opt = |v: &Option<String>| v.clone();
    let mut changes = Vec::new();
    let mut push = |field: &'static str, o: Option<String>, n: Option<String>| {
        if o != n {
            changes.push(FieldChange {
                field,
                old: o,
                new: n,
            });
        }
    };
    push("name", Some(old.name.clone()), Some(new.name.clone()));
    push("tax_id", opt(&old.tax_id), opt(&new.tax_id));
    push("iban", opt(&old.iban), opt(&new.iban));
    push("bic", opt(&old.bic), opt(&new.bic));
    push(
        "account_number",
        opt(&old.account_number),
        opt(&new.account_number),
    );
    let code = |c: &Option<crate::model::money::Currency>| c.as_ref().map(|c| c.code().to_owned());
    push("currency", code(&old.currency), code(&new.currency));
    push("email", opt(&old.email), opt(&new.email));
    let days = |d: Option<u32>| d.map(|d| d.to_string());
    push(
        "payment_terms_days",
        days(old.payment_terms_days),
        days(new.payment_terms_days),
    );
    let account = |a: &Option<AccountCode>| a.as_ref().map(|a| a.as_str().to_owned());
    push(
        "default_account",
        account(&old.default_account),
        account(&new.default_account),
    );
    let aliases = |a: &[String]| (!a.is_empty()).then(|| a.join(" | "));
    push("aliases", aliases(&old.aliases), aliases(&new.aliases));
    changes
}

fn bank_change_refused(vendor: &VendorId, bank: &[import::BankFieldChange]) -> Error {
    let what: Vec<String> = bank
        .iter()
        .map(|(field, old, new)| {
            format!(
                "{} {} → {}",
                import::bank_field_label(field),
                old.as_deref().unwrap_or("none"),
                new.as_deref().unwrap_or("none")
            )
        })
        .collect();
    Error::Usage(format!(
        "the bank details of vendor {vendor} would change ({}) without a call-back record; call the vendor on a \
         number you already had (not one from the message asking for the change) and record whom you spoke to, \
         the number, where it comes from and when",
        what.join(", ")
    ))
}

/// The call-back record with its text trimmed, or what is missing from it.
fn checked_call_back(call: &CallBack, vendor: &VendorId, now: DateTime<Utc>) -> Result<CallBack> {
    let missing: Vec<&str> = [
        ("whom you spoke to", &call.contact),
        ("the number you called", &call.phone),
        ("where the number comes from", &call.number_source),
    ]
    .into_iter()
    .filter(|(_, value)| value.trim().is_empty())
    .map(|(what, _)| what)
    .collect();
    if !missing.is_empty() {
        return Err(Error::Usage(format!(
            "the call-back record for vendor {vendor}'s new bank details is missing {}",
            missing.join(", ")
        )));
    }
    let local_now = now.with_timezone(&Local).naive_local();
    if call.called_at > local_now + chrono::Duration::minutes(5) {
        return Err(Error::Usage(format!(
            "the call-back for vendor {vendor} is dated {}, after now; record the call once it was made",
            call.called_at.format("%Y-%m-%d %H:%M")
        )));
    }
    Ok(CallBack {
        contact: call.contact.trim().to_owned(),
        phone: call.phone.trim().to_owned(),
        number_source: call.number_source.trim().to_owned(),
        called_at: call.called_at,
    })
}

/// The call-back as the bank confirmation's method, like the review's "confirm bank details" free text.
fn call_back_sentence(call: &CallBack) -> String {
    format!(
        "called {} on {} (number from {}) at {}",
        call.contact,
        call.phone,
        call.number_source,
        call.called_at.format("%Y-%m-%d %H:%M")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vendor() -> Vendor {
        Vendor {
            vendor_id: VendorId("V-1".into()),
            name: "Acme GmbH".into(),
            tax_id: Some("DE123456789".into()),
            iban: Some("DE89370400440532013000".into()),
            bic: None,
            account_number: None,
            currency: None,
            email: None,
            payment_terms_days: Some(30),
            default_account: None,
            aliases: vec!["Acme".into()],
            origin: Origin::Import("vendors.csv".into()),
        }
    }

    fn fields_of(v: &Vendor) -> VendorFields {
        VendorFields {
            name: v.name.clone(),
            tax_id: v.tax_id.clone(),
            iban: v.iban.clone(),
            bic: v.bic.clone(),
            account_number: v.account_number.clone(),
            currency: None,
            email: v.email.clone(),
            payment_terms_days: v.payment_terms_days,
            default_account: None,
            aliases: v.aliases.clone(),
        }
    }

    #[test]
    fn a_masked_account_shows_only_its_last_four_characters_and_keeps_its_length() {
        assert_eq!(
            mask_account("DE89 3704 0044 0532 0130 00"),
            "••••••••••••••••••3000"
        );
        assert_eq!(mask_account("123"), "123");
    }

    #[test]
    fn unchanged_fields_make_no_change_and_spaces_in_identifiers_do_not_count() {
        let old = vendor();
        let mut fields = fields_of(&old);
        fields.iban = Some("de89 3704 0044 0532 0130 00".into());
        let new = edited_vendor(&old, &fields, "Dana").unwrap();
        assert!(field_changes(&old, &new).is_empty());
    }

    #[test]
    fn each_changed_field_is_reported_old_to_new() {
        let old = vendor();
        let mut fields = fields_of(&old);
        fields.payment_terms_days = Some(14);
        fields.email = Some("ap@acme.example".into());
        let changes = field_changes(&old, &edited_vendor(&old, &fields, "Dana").unwrap());
        assert_eq!(
            changes,
            vec![
                FieldChange {
                    field: "email",
                    old: None,
                    new: Some("ap@acme.example".into())
                },
                FieldChange {
                    field: "payment_terms_days",
                    old: Some("30".into()),
                    new: Some("14".into())
                },
            ]
        );
    }

    #[test]
    fn a_bad_iban_vat_id_bic_or_term_is_refused_naming_the_field() {
        let old = vendor();
        let refused = |edit: &dyn Fn(&mut VendorFields)| {
            let mut fields = fields_of(&old);
            edit(&mut fields);
            edited_vendor(&old, &fields, "Dana").unwrap_err().to_string()
        };
        assert!(refused(&|f| f.iban = Some("DE89370400440532013001".into()))
            .contains("IBAN: 'DE89370400440532013001' is not an IBAN"));
        assert!(refused(&|f| f.tax_id = Some("DE12".into())).contains("VAT id: 'DE12' is not a VAT id"));
        assert!(refused(&|f| f.bic = Some("COBA".into())).contains("BIC: 'COBA' is not a BIC"));
        assert!(refused(&|f| f.payment_terms_days = Some(400)).contains("payment terms"));
        assert!(refused(&|f| f.name = " ".into()).contains("needs a name"));
        assert!(refused(&|f| f.currency = Some("Euro".into())).contains("ISO 4217"));
    }

    #[test]
    fn a_tax_id_without_a_country_prefix_is_taken_as_typed() {
        assert_eq!(vat_id_problem("12-3456789"), None);
        assert_eq!(vat_id_problem("NL809561074B01"), None);
        assert_eq!(vat_id_problem("NL8200.98.395.B.01"), None, "dots as printed");
        assert!(vat_id_problem("XX1").is_some());
    }

    #[test]
    fn a_call_back_with_a_missing_part_or_from_the_future_is_refused() {
        let now = Utc::now();
        let called_at = now.with_timezone(&Local).naive_local();
        let call = CallBack {
            contact: "Eva Roth".into(),
            phone: " ".into(),
            number_source: "".into(),
            called_at,
        };
        let id = VendorId("V-1".into());
        let error = checked_call_back(&call, &id, now).unwrap_err().to_string();
        assert!(
            error.contains("the number you called, where the number comes from"),
            "{error}"
        );
        let later = CallBack {
            phone: "+49 30 1234".into(),
            number_source: "contract".into(),
            called_at: called_at + chrono::Duration::hours(2),
            ..call
        };
        assert!(checked_call_back(&later, &id, now)
            .unwrap_err()
            .to_string()
            .contains("after now"));
    }

    #[test]
    fn search_finds_by_id_name_alias_and_vat_id_ignoring_case_and_by_whole_iban() {
        let v = vendor();
        for query in [
            "",
            "v-1",
            "acme g",
            "ACME",
            "de1234",
            "DE89 3704 0044 0532 0130 00",
        ] {
            assert!(vendor_matches(&v, query), "{query}");
        }
        for query in ["3000", "Bolt"] {
            assert!(!vendor_matches(&v, query), "{query}");
        }
    }
}
