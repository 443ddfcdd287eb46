//! Deadlines across all hires: which open items are overdue and which fall due soon, for a given day (the
//! clock is passed in).

use chrono::NaiveDate;
use serde::Serialize;

/// An item that is not done yet, as the store lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpenItem {
    pub hire_id: i64,
    pub hire_name: String,
    pub item_key: String,
    pub label: String,
    pub owner: String,
    pub due_date: NaiveDate,
    /// `open` or `problem`.
    pub state: String,
}

/// How pressing an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Overdue,
    DueSoon,
}

/// An item with its urgency and days left (negative: days late).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DueItem {
    #[serde(flatten)]
    pub item: OpenItem,
    pub urgency: Urgency,
    pub days_left: i64,
}

/// Open items overdue on `today` or due within `window_days`, most pressing first.
pub fn due(items: Vec<OpenItem>, today: NaiveDate, window_days: i64) -> Vec<DueItem> {
    let mut out: Vec<DueItem> = items
        .into_iter()
        .filter_map(|item| {
            let days_left = (item.due_date - today).num_days();
            let urgency = if days_left < 0 {
                Urgency::Overdue
            } else if days_left <= window_days {
                Urgency::DueSoon
            } else {
                return None;
            };
            Some(DueItem {
                item,
                urgency,
                days_left,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        a.days_left
            .cmp(&b.days_left)
            .then_with(|| a.item.hire_name.cmp(&b.item.hire_name))
    });
    out
}

/// The one-line desktop notification for these due items (as `due` returns them), or `None` when nothing
/// is overdue or due soon: how many items are late and due soon, across how many hires, and the most
/// pressing one named.
pub fn notification_text(due: &[DueItem]) -> Option<String> {
    let first = due.first()?;
    let overdue = due.iter().filter(|d| d.urgency == Urgency::Overdue).count();
    let soon = due.len() - overdue;
    let mut hires: Vec<i64> = due.iter().map(|d| d.item.hire_id).collect();
    hires.sort_unstable();
    hires.dedup();
    let counts = match (overdue, soon) {
        (0, n) => format!("{n} item{} due soon", plural(n)),
        (n, 0) => format!("{n} item{} overdue", plural(n)),
        (o, s) => format!("{o} item{} overdue and {s} due soon", plural(o)),
    };
    let when = match first.days_left {
        d if d < -1 => format!("{} days late", -d),
        -1 => "1 day late".to_owned(),
        0 => "due today".to_owned(),
        1 => "due tomorrow".to_owned(),
        d => format!("due in {d} days"),
    };
    Some(format!(
        "Onboarding: {counts} for {} hire{}. Most pressing: {} for {} ({when}).",
        hires.len(),
        plural(hires.len()),
        first.item.label,
        first.item.hire_name
    ))
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(key: &str, due: &str) -> OpenItem {
        OpenItem {
            hire_id: 1,
            hire_name: "A".into(),
            item_key: key.into(),
            label: key.into(),
            owner: "hire".into(),
            due_date: due.parse().unwrap(),
            state: "open".into(),
        }
    }

    #[test]
    fn overdue_and_due_soon_items_are_told_apart_by_the_day_given() {
        let today: NaiveDate = "2026-03-10".parse().unwrap();
        let items = vec![
            item("late", "2026-03-09"),
            item("today", "2026-03-10"),
            item("soon", "2026-03-13"),
            item("later", "2026-03-14"),
        ];
        let due = due(items, today, 3);
        let keys: Vec<(&str, Urgency, i64)> = due
            .iter()
            .map(|d| (d.item.item_key.as_str(), d.urgency, d.days_left))
            .collect();
        assert_eq!(
            keys,
            [
                ("late", Urgency::Overdue, -1),
                ("today", Urgency::DueSoon, 0),
                ("soon", Urgency::DueSoon, 3)
            ]
        );
    }

    #[test]
    fn the_notification_counts_late_and_soon_items_across_hires_and_names_the_most_pressing() {
        let today: NaiveDate = "2026-03-10".parse().unwrap();
        assert_eq!(
            notification_text(&due(vec![item("later", "2026-04-01")], today, 3)),
            None
        );

        let mut other = item("bank", "2026-03-11");
        other.hire_id = 2;
        other.hire_name = "B".into();
        let items = vec![item("tax", "2026-03-12"), other, item("id", "2026-03-07")];
        let text = notification_text(&due(items, today, 3)).unwrap();
        assert_eq!(
            text,
            "Onboarding: 1 item overdue and 2 due soon for 2 hires. Most pressing: id for A (3 days late)."
        );

        let soon = notification_text(&due(vec![item("contract", "2026-03-11")], today, 3)).unwrap();
        assert_eq!(
            soon,
            "Onboarding: 1 item due soon for 1 hire. Most pressing: contract for A (due tomorrow)."
        );
    }
}
