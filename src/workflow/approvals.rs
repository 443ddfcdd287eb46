//! Approvals: people with roles and limits, who may approve which step of an invoice, delegation in force
//! on a date, and separation of duties. Pure: the caller loads the steps of the invoice's latest decision,
//! the approvals already given for that decision, the people, who corrected and who uploaded the invoice.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::InvoiceId;
use crate::policy::routing::ApprovalStep;
use crate::policy::{Delegation, Needs};

/// A person's role; a higher role may approve a step that asks for a lower one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Clerk,
    Manager,
    Owner,
}

impl Role {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Clerk => "clerk",
            Self::Manager => "manager",
            Self::Owner => "owner",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "clerk" => Ok(Self::Clerk),
            "manager" => Ok(Self::Manager),
            "owner" => Ok(Self::Owner),
            other => Err(Error::Usage(format!(
                "'{other}' is not a role; use clerk, manager or owner"
            ))),
        }
    }
}

/// A local person who can act on invoices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    pub role: Role,
    /// The largest gross total this person may approve; none: no limit.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub approval_limit: Option<Decimal>,
}

/// One approval already given for the invoice's current decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GivenApproval {
    pub step_order: u32,
    pub person: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acting_for: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub at: String,
}

/// Everything an approval is checked against.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    pub invoice: InvoiceId,
    pub gross: Option<Decimal>,
    pub steps: &'a [ApprovalStep],
    pub given: &'a [GivenApproval],
    pub people: &'a [Person],
    /// Who corrected this invoice's data.
    pub corrected_by: &'a [String],
    /// Who uploaded it (none for the inbox).
    pub uploaded_by: Option<&'a str>,
    /// Nobody approves their own upload at or above this gross total (the policy's straight-through limit).
    pub own_upload_threshold: Decimal,
    pub separation_of_duties: bool,
    pub delegations: &'a [Delegation],
    pub today: NaiveDate,
}

/// An approval that may be recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Granted {
    pub step_order: u32,
    /// The person or role whose delegation was used.
    pub acting_for: Option<String>,
    /// This approval completes the last step: the invoice is approved.
    pub completes: bool,
}

fn same(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// The people a step needs when it needs all of them.
fn needed_by(step: &ApprovalStep, people: &[Person]) -> Vec<String> {
    match (&step.person, &step.role) {
        (Some(person), _) => vec![person.clone()],
        (None, Some(role)) => people
            .iter()
            .filter(|p| same(p.role.as_str(), role))
            .map(|p| p.name.clone())
            .collect(),
        (None, None) => Vec::new(),
    }
}

/// Whether a step has the approvals it needs.
pub fn step_complete(step: &ApprovalStep, given: &[GivenApproval], people: &[Person]) -> bool {
    let on_step: Vec<&GivenApproval> = given.iter().filter(|g| g.step_order == step.order).collect();
    match step.needs {
        Needs::One => !on_step.is_empty(),
        Needs::All => {
            let needed = needed_by(step, people);
            !on_step.is_empty()
                && needed.iter().all(|n| {
                    on_step
                        .iter()
                        .any(|g| same(&g.person, n) || g.acting_for.as_deref().is_some_and(|f| same(f, n)))
                })
        }
    }
}

/// The first step still waiting, in order.
pub fn current_step<'s>(
    steps: &'s [ApprovalStep],
    given: &[GivenApproval],
    people: &[Person],
) -> Option<&'s ApprovalStep> {
    let mut ordered: Vec<&ApprovalStep> = steps.iter().collect();
    ordered.sort_by_key(|s| s.order);
    ordered.into_iter().find(|s| !step_complete(s, given, people))
}

fn describe(step: &ApprovalStep) -> String {
    match (&step.person, &step.role) {
        (Some(p), _) => p.clone(),
        (None, Some(r)) if r.starts_with(['a', 'e', 'i', 'o', 'u']) => format!("an {r}"),
        (None, Some(r)) => format!("a {r}"),
        (None, None) => "an approver".into(),
    }
}

/// How `person` may act on `step` on `today`: in their own right (`Some(None)`), for someone through a
/// delegation (`Some(Some(from))`), or not at all.
pub fn standing(
    person: &Person,
    step: &ApprovalStep,
    delegations: &[Delegation],
    today: NaiveDate,
) -> Option<Option<String>> {
    let own = match (&step.person, &step.role) {
        (Some(p), _) => same(p, &person.name),
        (None, Some(role)) => role.parse::<Role>().is_ok_and(|r| person.role >= r),
        (None, None) => false,
    };
    if own {
        return Some(None);
    }
    delegations
        .iter()
        .filter(|d| same(&d.to, &person.name) && d.start <= today && today <= d.end)
        .find(|d| {
            step.person
                .as_deref()
                .or(step.role.as_deref())
                .is_some_and(|who| same(who, &d.from))
        })
        .map(|d| Some(d.from.clone()))
}

/// Checks that `who` may approve the invoice's current step now; every refusal is a sentence naming the
/// person, the invoice and what would make it possible.
pub fn check(ctx: &Context<'_>, who: &str) -> Result<Granted> {
    let id = ctx.invoice;
    let person = ctx.people.iter().find(|p| same(&p.name, who)).ok_or_else(|| {
        Error::Usage(format!(
            "nobody named '{who}' may act on invoices; add them first: backdesk people add {who} --role manager"
        ))
    })?;
    let name = &person.name;
    let step = current_step(ctx.steps, ctx.given, ctx.people)
        .ok_or_else(|| Error::Usage(format!("invoice {id} has no approval step waiting")))?;
    let acting_for = standing(person, step, ctx.delegations, ctx.today).ok_or_else(|| {
        Error::Usage(format!(
            "{name} ({}) cannot approve step {} of invoice {id}: it needs {}, and no delegation to {name} is in \
             force on {}",
            person.role,
            step.order,
            describe(step),
            ctx.today
        ))
    })?;
    if let (Some(limit), Some(gross)) = (person.approval_limit, ctx.gross) {
        if gross > limit {
            return Err(Error::Usage(format!(
                "{name} cannot approve invoice {id}: its gross total {gross} is above {name}'s approval limit of \
                 {limit}; someone with a higher limit must approve it"
            )));
        }
    }
    if let Some(earlier) = ctx.given.iter().find(|g| same(&g.person, name)) {
        return Err(Error::Usage(format!(
            "{name} already approved step {} of invoice {id}; a different person must approve step {}",
            earlier.step_order, step.order
        )));
    }
    let own_upload = ctx.uploaded_by.is_some_and(|u| same(u, name));
    if own_upload && ctx.gross.is_none_or(|g| g >= ctx.own_upload_threshold) {
        return Err(Error::Usage(format!(
            "{name} uploaded invoice {id} and cannot approve it: its gross total is at or above {} (separation \
             of duties); another person must approve it",
            ctx.own_upload_threshold
        )));
    }
    let mut after: Vec<GivenApproval> = ctx.given.to_vec();
    after.push(GivenApproval {
        step_order: step.order,
        person: name.clone(),
        acting_for: acting_for.clone(),
        comment: None,
        at: String::new(),
    });
    let completes = current_step(ctx.steps, &after, ctx.people).is_none();
    let corrected = ctx.corrected_by.iter().any(|c| same(c, name));
    if ctx.separation_of_duties && corrected && completes && ctx.given.iter().all(|g| same(&g.person, name)) {
        return Err(Error::Usage(format!(
            "{name} corrected the data of invoice {id} and cannot be its only approver (separation of duties); \
             another person must approve it"
        )));
    }
    Ok(Granted {
        step_order: step.order,
        acting_for,
        completes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: &str) -> NaiveDate {
        d.parse().unwrap()
    }

    fn person(name: &str, role: Role, limit: Option<i64>) -> Person {
        Person {
            name: name.into(),
            role,
            approval_limit: limit.map(Decimal::from),
        }
    }

    fn step(order: u32, role: &str, needs: Needs) -> ApprovalStep {
        ApprovalStep {
            order,
            role: Some(role.into()),
            person: None,
            needs,
            delegated_to: None,
            rule: "test".into(),
        }
    }

    fn people() -> Vec<Person> {
        vec![
            person("Cleo", Role::Clerk, None),
            person("Mia", Role::Manager, Some(5_000)),
            person("Max", Role::Manager, None),
            person("Olga", Role::Owner, None),
        ]
    }

    struct Case {
        steps: Vec<ApprovalStep>,
        given: Vec<GivenApproval>,
        people: Vec<Person>,
        corrected_by: Vec<String>,
        uploaded_by: Option<String>,
        delegations: Vec<Delegation>,
        gross: i64,
    }

    impl Case {
        fn new(steps: Vec<ApprovalStep>, gross: i64) -> Self {
            Self {
                steps,
                given: Vec::new(),
                people: people(),
                corrected_by: Vec::new(),
                uploaded_by: None,
                delegations: Vec::new(),
                gross,
            }
        }

        fn check(&self, who: &str, today: &str) -> Result<Granted> {
            check(
                &Context {
                    invoice: InvoiceId(9),
                    gross: Some(Decimal::from(self.gross)),
                    steps: &self.steps,
                    given: &self.given,
                    people: &self.people,
                    corrected_by: &self.corrected_by,
                    uploaded_by: self.uploaded_by.as_deref(),
                    own_upload_threshold: Decimal::from(1_000),
                    separation_of_duties: true,
                    delegations: &self.delegations,
                    today: day(today),
                },
                who,
            )
        }

        fn approve(&mut self, who: &str) -> Granted {
            let granted = self.check(who, "2026-03-01").unwrap();
            self.given.push(GivenApproval {
                step_order: granted.step_order,
                person: who.into(),
                acting_for: granted.acting_for.clone(),
                comment: None,
                at: "t".into(),
            });
            granted
        }
    }

    fn refusal(result: Result<Granted>) -> String {
        result.unwrap_err().to_string()
    }

    #[test]
    fn a_manager_step_is_approved_by_a_manager_or_an_owner_not_a_clerk() {
        let case = Case::new(vec![step(1, "manager", Needs::One)], 2_000);
        assert!(case.check("Max", "2026-03-01").unwrap().completes);
        assert!(
            case.check("olga", "2026-03-01").is_ok(),
            "names are matched without case"
        );
        let e = refusal(case.check("Cleo", "2026-03-01"));
        assert!(e.contains("needs a manager"), "{e}");
        let e = refusal(case.check("Nobody", "2026-03-01"));
        assert!(e.contains("people add"), "{e}");
    }

    #[test]
    fn two_steps_need_two_different_people_in_order() {
        let mut case = Case::new(
            vec![step(1, "manager", Needs::One), step(2, "owner", Needs::One)],
            20_000,
        );
        let e = refusal(case.check("Olga", "2026-03-01").and_then(|g| {
            // Olga may take step 1 (an owner outranks a manager) …
            assert_eq!(g.step_order, 1);
            assert!(!g.completes);
            Err(Error::Usage("stop".into()))
        }));
        assert_eq!(e, "stop");
        let first = case.approve("Max");
        assert_eq!((first.step_order, first.completes), (1, false));
        let e = refusal(case.check("Max", "2026-03-01"));
        assert!(e.contains("needs an owner"), "{e}");
        let second = case.approve("Olga");
        assert_eq!((second.step_order, second.completes), (2, true));
    }

    #[test]
    fn nobody_approves_two_steps() {
        let mut case = Case::new(
            vec![step(1, "manager", Needs::One), step(2, "manager", Needs::One)],
            2_000,
        );
        case.approve("Max");
        let e = refusal(case.check("Max", "2026-03-01"));
        assert!(e.contains("already approved step 1"), "{e}");
    }

    #[test]
    fn approval_limit_is_inclusive() {
        let at_limit = Case::new(vec![step(1, "manager", Needs::One)], 5_000);
        assert!(at_limit.check("Mia", "2026-03-01").is_ok());
        let above = Case::new(vec![step(1, "manager", Needs::One)], 5_001);
        let e = refusal(above.check("Mia", "2026-03-01"));
        assert!(e.contains("approval limit of 5000"), "{e}");
    }

    #[test]
    fn needs_all_waits_for_every_holder_of_the_role() {
        let mut case = Case::new(vec![step(1, "manager", Needs::All)], 2_000);
        assert!(!case.approve("Mia").completes);
        assert!(case.approve("Max").completes);
    }

    #[test]
    fn the_corrector_cannot_be_the_only_approver() {
        let mut case = Case::new(vec![step(1, "manager", Needs::One)], 2_000);
        case.corrected_by = vec!["Max".into()];
        let e = refusal(case.check("Max", "2026-03-01"));
        assert!(e.contains("cannot be its only approver"), "{e}");
        assert!(case.check("Mia", "2026-03-01").is_ok(), "another manager may");

        // with two steps the corrector may take one, as long as someone else takes the other
        let mut two = Case::new(
            vec![step(1, "manager", Needs::One), step(2, "owner", Needs::One)],
            20_000,
        );
        two.corrected_by = vec!["Olga".into()];
        two.approve("Max");
        assert!(two.check("Olga", "2026-03-01").unwrap().completes);
    }

    #[test]
    fn nobody_approves_their_own_upload_at_or_above_the_threshold() {
        let mut case = Case::new(vec![step(1, "manager", Needs::One)], 1_000);
        case.uploaded_by = Some("Max".into());
        let e = refusal(case.check("Max", "2026-03-01"));
        assert!(e.contains("uploaded invoice 9"), "{e}");
        let mut small = Case::new(vec![step(1, "manager", Needs::One)], 999);
        small.uploaded_by = Some("Max".into());
        assert!(
            small.check("Max", "2026-03-01").is_ok(),
            "below the threshold it is allowed"
        );
    }

    #[test]
    fn a_delegation_counts_only_between_its_dates() {
        let mut case = Case::new(vec![step(1, "owner", Needs::One)], 20_000);
        case.delegations = vec![Delegation {
            from: "owner".into(),
            to: "Max".into(),
            start: day("2026-03-01"),
            end: day("2026-03-14"),
        }];
        let granted = case.check("Max", "2026-03-14").unwrap();
        assert_eq!(granted.acting_for.as_deref(), Some("owner"));
        let e = refusal(case.check("Max", "2026-03-15"));
        assert!(
            e.contains("no delegation to Max is in force on 2026-03-15"),
            "{e}"
        );
        assert!(case.check("Max", "2026-02-28").is_err());
        // a delegation does not lift the delegate's own limit
        case.people[1] = person("Mia", Role::Manager, Some(5_000));
        case.delegations[0].to = "Mia".into();
        let e = refusal(case.check("Mia", "2026-03-02"));
        assert!(e.contains("approval limit"), "{e}");
    }

    #[test]
    fn a_step_naming_a_person_is_theirs_or_their_delegates() {
        let mut named = step(1, "x", Needs::One);
        named.role = None;
        named.person = Some("Olga".into());
        let mut case = Case::new(vec![named], 500);
        assert!(case.check("Olga", "2026-03-01").is_ok());
        assert!(case.check("Max", "2026-03-01").is_err());
        case.delegations = vec![Delegation {
            from: "olga".into(),
            to: "max".into(),
            start: day("2026-03-01"),
            end: day("2026-03-01"),
        }];
        assert_eq!(
            case.check("Max", "2026-03-01").unwrap().acting_for.as_deref(),
            Some("olga")
        );
    }
}
