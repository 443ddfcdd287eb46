//! The German CIUS XRechnung: its national business rules (BR-DE-*) and the rules of its extension
//! (BR-DEX-*) and of its CVD form (BR-DE-CVD-*), written as our own Schematron (`assets/xrechnung/`) and run by the same engine as the
//! EN 16931 rules, after them, on documents whose specification identifier (BT-24) names XRechnung.
//!
//! Which documents: BT-24 naming the KoSIT XRechnung standard in any version — 3.x
//! (`urn:xeinkauf.de:kosit:xrechnung_3.0`, its CIUS form `urn:cen.eu:en16931:2017#compliant#…`, the extension
//! `…#conformant#urn:xeinkauf.de:kosit:extension:xrechnung_3.0` and the CVD form), and the older 1.2 / 2.x
//! identifiers under `urn:xoev-de:kosit:…xrechnung_…`. Rule ids and flags are those of the XRechnung 3.0
//! specification, so an older document also gets the BR-DE-21 warning that its BT-24 is not the 3.0 one.

use std::sync::OnceLock;

use super::profile::Syntax;
use super::schematron::{Fired, Schema};
use super::tree::Document;
use super::xpath::index::DocIndex;
use super::Validation;

const UBL_SOURCE: &str = "assets/xrechnung/XRechnung-UBL.sch";
const CII_SOURCE: &str = "assets/xrechnung/XRechnung-CII.sch";
const UBL_RULES: &str = include_str!("../../assets/xrechnung/XRechnung-UBL.sch");
const CII_RULES: &str = include_str!("../../assets/xrechnung/XRechnung-CII.sch");

/// Whether a specification identifier (BT-24) names XRechnung (any version, CIUS, extension or CVD).
pub fn is_xrechnung(profile: &str) -> bool {
    let profile = profile.to_ascii_lowercase();
    // 3.x: urn:xeinkauf.de:kosit:xrechnung_3.0 (and …:kosit:extension:xrechnung_3.0);
    // 1.2 / 2.x: urn:xoev-de:kosit:standard:xrechnung_2.3 (and …:kosit:extension:xrechnung_2.3)
    ["xeinkauf.de:kosit:", "xoev-de:kosit:"]
        .iter()
        .any(|authority| profile.contains(authority))
        && profile.contains("xrechnung_")
}

/// Whether a rule id is one of ours (BR-DE-*, BR-DEX-*, BR-DE-CVD-*, BR-TMP-CVD-*) rather than EN 16931's.
pub fn is_xrechnung_rule(id: &str) -> bool {
    id.starts_with("BR-DE") || id.starts_with("BR-TMP-CVD")
}

/// The XRechnung rules for one syntax, loaded once; `None` for ZUGFeRD 1.0 (which has no XRechnung form).
pub fn schema(syntax: Syntax) -> Option<&'static Schema> {
    static UBL: OnceLock<Schema> = OnceLock::new();
    static CII: OnceLock<Schema> = OnceLock::new();
    let (cell, source, text) = match syntax {
        Syntax::Ubl => (&UBL, UBL_SOURCE, UBL_RULES),
        Syntax::Cii => (&CII, CII_SOURCE, CII_RULES),
        Syntax::Zugferd1 => return None,
    };
    // our rules are part of the build; a failure here is a build defect the unit tests catch
    Some(cell.get_or_init(|| {
        Schema::load(source, text).unwrap_or_else(|e| panic!("the XRechnung rules do not load: {e}"))
    }))
}

/// EN 16931 rules the XRechnung extension replaces with its own (the same check with the XRechnung codes
/// XR01–XR03 added to the code list, or with third party payments in the total): BR-CL-10 → BR-DEX-04,
/// BR-CL-11 → BR-DEX-05, BR-CL-21 → BR-DEX-06, BR-CL-25 → BR-DEX-07, BR-CL-26 → BR-DEX-08, BR-CO-16 → BR-DEX-09,
/// and the MIME codes of attachments BR-CL-24 → BR-DEX-01 (application/xml allowed).
pub const REPLACED_BY_THE_EXTENSION: [&str; 7] = [
    "BR-CL-10", "BR-CL-11", "BR-CL-21", "BR-CL-24", "BR-CL-25", "BR-CL-26", "BR-CO-16",
];

/// EN 16931 rules the CIUS XRechnung CVD replaces: the item classification scheme list BR-CL-13 →
/// BR-TMP-CVD-01 (UNTDID 7143 with `CVD` added).
pub const REPLACED_BY_CVD: [&str; 1] = ["BR-CL-13"];

/// Whether a specification identifier names the XRechnung extension (any version).
pub fn is_extension(profile: &str) -> bool {
    is_xrechnung(profile)
        && profile
            .to_ascii_lowercase()
            .contains(":kosit:extension:xrechnung_")
}

/// Whether a specification identifier names the CIUS XRechnung CVD (Clean Vehicles Directive).
pub fn is_cvd(profile: &str) -> bool {
    is_xrechnung(profile) && profile.to_ascii_lowercase().contains(":kosit:xrechnung:cvd_")
}

/// The EN 16931 rules this XRechnung profile replaces with its own.
pub fn replaced_rules(profile: &str) -> &'static [&'static str] {
    if is_extension(profile) {
        &REPLACED_BY_THE_EXTENSION
    } else if is_cvd(profile) {
        &REPLACED_BY_CVD
    } else {
        &[]
    }
}

/// Runs the XRechnung rules when the profile names XRechnung; `None` (nothing to run) otherwise. `index` is
/// the document's index ([`DocIndex::new`] of `doc`), shared with the EN 16931 run.
pub fn run<'a, 'i>(
    doc: &'a Document<'i>,
    index: &DocIndex<'a, 'i>,
    syntax: Syntax,
    profile: Option<&str>,
) -> Option<Vec<Fired>> {
    if !profile.is_some_and(is_xrechnung) {
        return None;
    }
    Some(schema(syntax)?.run_indexed(doc, index))
}

/// Adds the XRechnung findings to a validation that already holds the EN 16931 ones (nothing for a document
/// that is not XRechnung); for the extension and CVD, the EN 16931 rules they replace are taken out.
pub fn check<'a, 'i>(doc: &'a Document<'i>, index: &DocIndex<'a, 'i>, validation: &mut Validation) {
    let profile = validation.profile.as_deref();
    let Some(fired) = validation
        .syntax
        .and_then(|syntax| run(doc, index, syntax, profile))
    else {
        return;
    };
    let replaced = profile.map(replaced_rules).unwrap_or_default();
    let kept = |v: &super::Violation| !replaced.contains(&v.id.as_str());
    validation.fatal.retain(kept);
    validation.warning.retain(kept);
    validation.add(fired);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_xrechnung_identifier_and_no_other_is_recognised() {
        for profile in [
            "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0",
            "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0#conformant#urn:xeinkauf.de:kosit:extension:xrechnung_3.0",
            "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0#compliant#urn:xeinkauf.de:kosit:xrechnung:cvd_0.9",
            "urn:xeinkauf.de:kosit:xrechnung_3.0",
            "urn:cen.eu:en16931:2017#compliant#urn:xoev-de:kosit:standard:xrechnung_2.3",
            "urn:cen.eu:en16931:2017#compliant#urn:xoev-de:kosit:standard:xrechnung_2.0#conformant#urn:xoev-de:kosit:extension:xrechnung_2.0",
            "urn:cen.eu:en16931:2017:compliant:xoev-de:kosit:standard:xrechnung_1.2",
        ] {
            assert!(is_xrechnung(profile), "{profile}");
        }
        for profile in [
            "urn:cen.eu:en16931:2017",
            "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic",
            "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended",
            "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0",
            "urn:factur-x.eu:1p0:minimum",
        ] {
            assert!(!is_xrechnung(profile), "{profile}");
        }
    }

    /// Evaluates an XPath expression on an empty document and returns the string values.
    fn xpath(expr: &str) -> Result<Vec<String>, String> {
        use super::super::xpath::{parse, Evaluator, Focus, Globals, Item};
        let doc = Document::parse("<r/>").map_err(|e| e.to_string())?;
        let ast = parse(expr, &super::super::xpath::parse::xs_prefix())?;
        let globals = Globals::default();
        let mut ev = Evaluator::new(doc.root(), &globals, None);
        let items = ev
            .eval(&ast, &Focus::of(Item::Node(doc.root_element())))
            .map_err(|e| e.to_string())?;
        Ok(items.iter().map(|i| i.string().into_owned()).collect())
    }

    #[test]
    fn tokenize_and_replace_behave_as_xpath_says() {
        // empty parts at both ends are kept; an empty input gives no part
        assert_eq!(xpath("tokenize(',a,,b,', ',')").unwrap(), ["", "a", "", "b", ""]);
        assert_eq!(xpath("tokenize('', ',')").unwrap(), Vec::<String>::new());
        assert_eq!(
            xpath("tokenize('x#SKONTO#y\nz', '#[^\r\n]+#')[last()]").unwrap(),
            ["y\nz"]
        );
        // the pattern given as a value instead of a literal is compiled when called
        assert_eq!(xpath("tokenize('a1b', concat('[0-', '9]'))").unwrap(), ["a", "b"]);
        // $N is a group, \$ a dollar
        assert_eq!(
            xpath("replace('GB82WEST', '([A-J])', '1$1')").unwrap(),
            ["1G1B82W1EST"]
        );
        assert_eq!(xpath("replace('a-b', '-', '\\$')").unwrap(), ["a$b"]);
        // a pattern that matches nothing is an error (FORX0003), not an endless loop
        assert!(xpath("tokenize('abc', 'x*')").is_err());
        assert!(xpath("replace('abc', 'x?', 'y')").is_err());
    }

    #[test]
    fn our_rules_load_with_every_check() {
        // counted in the .sch files: the BR-DE and BR-DEX asserts
        assert_eq!(schema(Syntax::Ubl).map(Schema::check_count), Some(54));
        assert_eq!(schema(Syntax::Cii).map(Schema::check_count), Some(47));
        assert!(schema(Syntax::Zugferd1).is_none());
    }
}
