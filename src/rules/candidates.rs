//! Which rules of a pattern may match an element of a given local name, narrowed by the local name of the
//! element's parent: a rule context whose step before the last is a named step joined by `/`
//! (`cac:PartyIdentification/cbc:ID`) can only match under a parent of that name. A necessary condition
//! only: each candidate's context is still matched in full, in priority order, so the verdicts are those
//! of trying every rule of the name. Names are the schema's numbers ([`super::context::ContextNames`]).

/// The rules that may match an element of one local name, in priority order, by its parent's local name.
#[derive(Debug, Default)]
pub(super) struct NameCandidates {
    /// Per parent local name that some candidate requires: the candidates that may match under a parent
    /// of that name (those requiring it and those requiring none), in priority order.
    by_parent: Vec<(u32, Vec<usize>)>,
    /// The candidates that require no parent name: all that may match under any other parent (or none).
    any_parent: Vec<usize>,
}

impl NameCandidates {
    /// The candidates `rules` (in priority order), each with the parent names it requires: `None` when
    /// it may match under any parent (a context without such a step, or one of several alternatives
    /// without one), else the names under which one of its alternatives may match.
    pub fn new(rules: &[usize], parents_of: impl Fn(usize) -> Option<Vec<u32>>) -> Self {
        let parents: Vec<Option<Vec<u32>>> = rules.iter().map(|&rule| parents_of(rule)).collect();
        let mut names: Vec<u32> = parents.iter().flatten().flatten().copied().collect();
        names.sort_unstable();
        names.dedup();
        let under = |name: Option<u32>| -> Vec<usize> {
            rules
                .iter()
                .zip(&parents)
                .filter(|(_, required)| match (required, name) {
                    (None, _) => true,
                    (Some(required), Some(name)) => required.contains(&name),
                    (Some(_), None) => false,
                })
                .map(|(&rule, _)| rule)
                .collect()
        };
        Self {
            by_parent: names.iter().map(|&name| (name, under(Some(name)))).collect(),
            any_parent: under(None),
        }
    }

    /// Rules that require no parent name (the wildcard contexts' candidates).
    pub fn anywhere(rules: Vec<usize>) -> Self {
        Self {
            by_parent: Vec::new(),
            any_parent: rules,
        }
    }

    /// The candidates for an element whose parent has the local name `parent` (`None`: the parent is the
    /// document node, or its name is none a context's step tests).
    pub fn under(&self, parent: Option<u32>) -> &[usize] {
        let listed = parent.and_then(|parent| self.by_parent.iter().find(|(name, _)| *name == parent));
        match listed {
            Some((_, rules)) => rules,
            None => &self.any_parent,
        }
    }

    /// Whether no rule may match an element of this name.
    pub fn is_empty(&self) -> bool {
        self.any_parent.is_empty() && self.by_parent.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parent_name_keeps_the_rules_that_require_it_or_none_in_priority_order() {
        // rule 0 needs parent 7, rule 1 any parent, rule 2 parent 8, rule 3 parent 7 or 9
        let parents = |rule: usize| match rule {
            0 => Some(vec![7]),
            1 => None,
            2 => Some(vec![8]),
            _ => Some(vec![7, 9]),
        };
        let candidates = NameCandidates::new(&[0, 1, 2, 3], parents);
        assert_eq!(candidates.under(Some(7)), [0, 1, 3]);
        assert_eq!(candidates.under(Some(8)), [1, 2]);
        assert_eq!(candidates.under(Some(9)), [1, 3]);
        assert_eq!(candidates.under(Some(5)), [1]);
        assert_eq!(candidates.under(None), [1]);
        assert!(!candidates.is_empty());
        let wildcards = NameCandidates::anywhere(vec![4, 6]);
        assert_eq!(wildcards.under(Some(7)), [4, 6]);
        assert!(NameCandidates::anywhere(Vec::new()).is_empty());
    }
}
