//! Which findings a run reports: `--select`/`--ignore` on the command line
//! and `[per-file-ignores]` of `landfall.toml`, as ruff has them.
//!
//! A selector is a rule id (`blocked-port`, `policy/prod-replicas`) or a
//! prefix ending in `/` (`plan/`, `policy/`). For each finding the most
//! specific selector that matches it decides (the longest; an `--ignore`
//! beats a `--select` of the same text): `--ignore plan/ --select
//! plan/host-port` reports `plan/host-port` alone of the `plan/` rules.
//! With `--select` given, a finding no selector matches is not reported.
//! A per-file ignore drops the finding whatever the command line says.
//!
//! The filter chooses what is reported and counted (and so the exit
//! status); it does not change what the checker sees: a `plan` refused
//! for an error still shows that error.

use landfall_check::registry;
use landfall_diagnostics::{Diagnostic, did_you_mean};

use crate::config::PerFileIgnores;

/// A checked `--select`/`--ignore` value or `[per-file-ignores]` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector(String);

impl Selector {
    /// Checks `text` against the registry: a known id, a `policy/<id>`
    /// (policy rules are known only once a Platform is read), or a prefix
    /// ending in `/` that some rule id starts with.
    pub fn parse(text: &str) -> Result<Selector, String> {
        let ids: Vec<&'static str> = registry().iter().map(|r| r.id).collect();
        let known = ids.contains(&text)
            || text.starts_with("policy/")
            || (text.ends_with('/') && ids.iter().any(|id| id.starts_with(text)));
        if known {
            return Ok(Selector(text.to_string()));
        }
        let prefixes: Vec<String> = ids
            .iter()
            .filter_map(|id| id.split_once('/').map(|(p, _)| format!("{p}/")))
            .chain(std::iter::once("policy/".to_string()))
            .collect();
        let candidates = ids
            .iter()
            .copied()
            .chain(prefixes.iter().map(String::as_str));
        let hint = if prefixes.iter().any(|p| p.trim_end_matches('/') == text) {
            format!("; a prefix ends in `/`: `{text}/`")
        } else {
            did_you_mean(text, candidates)
                .map(|c| format!("; did you mean `{c}`?"))
                .unwrap_or_else(|| " (`landfall rules` lists the rule ids)".to_string())
        };
        Err(format!("no rule or rule prefix `{text}`{hint}"))
    }

    pub fn matches(&self, rule: &str) -> bool {
        if self.0.ends_with('/') {
            rule.starts_with(&self.0)
        } else {
            rule == self.0
        }
    }

    fn specificity(&self) -> usize {
        // An exact id is more specific than any prefix of it.
        self.0.len() + usize::from(!self.0.ends_with('/'))
    }
}

/// What `--select` and `--ignore` asked for.
#[derive(Clone, Debug, Default)]
pub struct RuleFilter {
    pub select: Vec<Selector>,
    pub ignore: Vec<Selector>,
}

impl RuleFilter {
    /// From the flags' values; `Err` names the first unknown selector.
    pub fn new(select: &[String], ignore: &[String]) -> Result<RuleFilter, String> {
        let parse = |values: &[String]| -> Result<Vec<Selector>, String> {
            values
                .iter()
                .flat_map(|v| v.split(','))
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(Selector::parse)
                .collect()
        };
        Ok(RuleFilter {
            select: parse(select)?,
            ignore: parse(ignore)?,
        })
    }

    /// Whether the command line lets `rule` be reported.
    pub fn reports(&self, rule: &str) -> bool {
        let best = |selectors: &[Selector]| {
            selectors
                .iter()
                .filter(|s| s.matches(rule))
                .map(Selector::specificity)
                .max()
        };
        match (best(&self.select), best(&self.ignore)) {
            (Some(selected), Some(ignored)) => selected > ignored,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => self.select.is_empty(),
        }
    }
}

/// Drops the findings the filter or the per-file ignores leave out.
/// `relative` names a finding's file relative to the project root;
/// `keep_errors` keeps every error whatever is asked (a refused plan shows
/// why it was refused).
pub fn retain(
    diagnostics: &mut Vec<Diagnostic>,
    filter: &RuleFilter,
    per_file: &PerFileIgnores,
    relative: impl Fn(&Diagnostic) -> String,
    keep_errors: bool,
) {
    if filter.select.is_empty() && filter.ignore.is_empty() && per_file.is_empty() {
        return;
    }
    diagnostics.retain(|d| {
        (keep_errors && d.is_error())
            || (filter.reports(&d.rule) && !per_file.ignores(&relative(d), &d.rule))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(select: &[&str], ignore: &[&str]) -> RuleFilter {
        let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        RuleFilter::new(&owned(select), &owned(ignore)).unwrap()
    }

    #[test]
    fn the_most_specific_selector_decides() {
        let f = filter(&["plan/host-port"], &["plan/"]);
        assert!(f.reports("plan/host-port"));
        assert!(!f.reports("plan/incomplete"));
        assert!(!f.reports("blocked-port"));
        let f = filter(&["plan/"], &["plan/host-port"]);
        assert!(!f.reports("plan/host-port"));
        assert!(f.reports("plan/incomplete"));
        let f = filter(&[], &["blocked-port"]);
        assert!(!f.reports("blocked-port"));
        assert!(f.reports("plan/incomplete"));
        let f = filter(&["blocked-port"], &["blocked-port"]);
        assert!(!f.reports("blocked-port"));
    }

    #[test]
    fn comma_separated_values_and_unknown_ids() {
        let f = filter(&["blocked-port, plan/"], &[]);
        assert_eq!(f.select.len(), 2);
        let unknown = RuleFilter::new(&["blockd-port".to_string()], &[]).unwrap_err();
        assert!(
            unknown.contains("did you mean `blocked-port`?"),
            "{unknown}"
        );
        let bare = RuleFilter::new(&[], &["plan".to_string()]).unwrap_err();
        assert!(bare.contains("`plan/`"), "{bare}");
        assert!(RuleFilter::new(&["policy/anything".to_string()], &[]).is_ok());
    }
}
