//! `unreachable-upgrade-rule`: an `upgradeFrom` entry that is never the
//! first match.

use std::sync::Arc;

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity};
use landfall_model::LoadedDocument;
use landfall_schema::Kind;

use super::shown;
use crate::context::DocumentContext;
use crate::regexp::{Budget, Memo, Search, Versions, search, versions_cached};
use crate::rules::{Reads, Rule};
use landfall_yaml::ScalarSpans;

pub static META: RuleMeta = RuleMeta {
    id: "unreachable-upgrade-rule",
    severity: Severity::Warning,
    summary: "an `upgradeFrom` entry that never matches first: earlier entries match every version it matches",
    docs: r#"## What it checks
That every `upgradeFrom` entry of an Application can be the one used: that
some running version is matched by its `versionRegexp` and by no earlier
entry's. Entries are tried in order and the first match wins, so an entry
whose versions are all matched by earlier entries (one of them, or several
together) never takes effect; an exact duplicate is the simplest case.

The decision is exact, not sampled: each regexp is turned into a
deterministic automaton over whole versions (matched as `^(?:…)$`, as at
upgrade time), and the search walks the product of the entry's automaton
and the earlier entries' union for a version that the entry matches and
they do not. Only valid versions count (`^[a-zA-Z0-9\-.+]+$`, see
`invalid-version`): a running version is always one, so `.*` after
`[a-zA-Z0-9.+-]+` is unreachable although it also matches the empty
string. An entry that matches no valid version at all (`2\.4 beta`, or a
`|` block scalar that keeps its final line break) can never match either
and is reported too.

The primary span is the unreachable entry's `versionRegexp`; the earlier
entry that matches first is labelled (the first one that alone matches
every version the entry matches; when only several together do, a smallest
such set found by dropping entries from the last). Limits, so that a
finding is never wrong and a hostile list stays cheap: a regexp that does
not compile is left out (`invalid-version-regexp` reports it); a regexp
whose automaton would pass 1 MiB is not checked and is left out of the
earlier entries (which can only hide a finding, never make a false one);
only the first 64 entries are compared; and the work for one Application is
capped (8 MiB of automata, 20 million search steps), past which the later
entries are not checked.

## Why
Avassa's application specification reference, on `upgrade-from`: "The list
entries are checked in the given order. If the application's current version
matches the version-regexp in the list entry, it is used, and the rest of
the list entries are ignored." A general entry written before a specific one
(`2\..*` before `2\.4\..*`) silently turns the specific upgrade procedure
off: upgrades from 2.4.x would run the general one.

## Example
```yaml fail
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec:
  version: "2.4.2"
  upgradeFrom:
    - {versionRegexp: '2\..*', strategy: recreate}
    - {versionRegexp: '2\.4\..*', strategy: rolling}
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: web}
spec: {target: local, workloadTypes: [standard, serverless, cron]}
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: staging, application: shop}
spec: {type: web, workloads: [api]}
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: api, application: shop}
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:2.4.2
      ports:
        - {port: 8080, protocol: http}
      resources: {cpu: 500m, memory: 512Mi}
      env:
        PORT: "8080"
```

```yaml pass
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec:
  version: "2.4.2"
  upgradeFrom:
    - {versionRegexp: '2\.4\..*', strategy: rolling}
    - {versionRegexp: '2\..*', strategy: recreate}
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: web}
spec: {target: local, workloadTypes: [standard, serverless, cron]}
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: staging, application: shop}
spec: {type: web, workloads: [api]}
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: api, application: shop}
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:2.4.2
      ports:
        - {port: 8080, protocol: http}
      resources: {cpu: 500m, memory: 512Mi}
      env:
        PORT: "8080"
```
"#,
};

/// Entries compared at most (the rest are not checked).
const MAX_ENTRIES: usize = 64;
/// A cover of more entries than this is labelled as found, not minimised.
const MAX_MINIMISED: usize = 8;
/// The inclusion checks' work for one Application: bytes of automata
/// built and steps of product searches. Past it, later entries are not
/// checked.
const AUTOMATON_BUDGET: usize = 8 << 20;
const STEP_BUDGET: usize = 20_000_000;

pub struct UnreachableUpgradeRule;

/// An entry whose regexp compiles and whose automaton fits.
struct Entry {
    index: usize,
    versions: Arc<Versions>,
}

/// Why an entry can never match.
#[derive(Clone)]
enum Unreachable {
    /// It matches no valid version.
    NoVersion,
    /// These earlier entries (indices into the list) match all it matches.
    CoveredBy(Vec<usize>),
}

/// Whether every version `later` matches is matched by one of `earlier`;
/// `None` when undecided.
fn covers(later: &Entry, earlier: &[&Entry], budget: &mut Budget) -> Option<bool> {
    let others: Vec<&Versions> = earlier.iter().map(|e| e.versions.as_ref()).collect();
    match search(&later.versions, &others, false, budget) {
        Search::None => Some(true),
        Search::Found(_) => Some(false),
        Search::Unknown => None,
    }
}

/// Decides one entry against the entries before it; `None` when it is
/// reachable or the question could not be decided.
fn unreachable(later: &Entry, earlier: &[Entry], budget: &mut Budget) -> Option<Unreachable> {
    if covers(later, &[], budget)? {
        return Some(Unreachable::NoVersion);
    }
    // One earlier entry alone, the first that covers it (cheap: a product
    // of two automata)…
    let all: Vec<&Entry> = earlier.iter().collect();
    for e in &all {
        if covers(later, &[e], budget)? {
            return Some(Unreachable::CoveredBy(vec![e.index]));
        }
    }
    // …or all of them together…
    if all.len() < 2 || !covers(later, &all, budget)? {
        return None;
    }
    // …else those that share a version with it, less (from the last) any
    // that the others can do without.
    let mut cover: Vec<&Entry> = Vec::new();
    for e in all {
        match search(&later.versions, &[&e.versions], true, budget) {
            Search::Found(_) => cover.push(e),
            Search::None => {}
            Search::Unknown => return None,
        }
    }
    if cover.len() <= MAX_MINIMISED {
        let mut i = cover.len();
        while i > 0 {
            i -= 1;
            let mut without = cover.clone();
            without.remove(i);
            if covers(later, &without, budget) == Some(true) {
                cover = without;
            }
        }
    }
    Some(Unreachable::CoveredBy(
        cover.iter().map(|e| e.index).collect(),
    ))
}

/// The verdict on each entry of an `upgradeFrom` list, given its patterns
/// (`None` for an entry without one). Pure in the patterns, so identical
/// lists, as copied across the Applications of a tree, are decided once
/// per process.
fn verdicts(patterns: &[Option<String>]) -> Arc<Vec<(usize, Unreachable)>> {
    type Verdicts = Arc<Vec<(usize, Unreachable)>>;
    static MEMO: Memo<Vec<Option<String>>, Verdicts> = Memo::new();
    MEMO.get_or(patterns, || Arc::new(decide(patterns)), |_| true)
}

fn decide(patterns: &[Option<String>]) -> Vec<(usize, Unreachable)> {
    let mut found = Vec::new();
    let mut earlier: Vec<Entry> = Vec::new();
    let mut budget = Budget::new(AUTOMATON_BUDGET, STEP_BUDGET);
    for (index, pattern) in patterns.iter().enumerate().take(MAX_ENTRIES) {
        let Some(pattern) = pattern else {
            continue;
        };
        if budget.is_spent() {
            break;
        }
        let Some(versions) = versions_cached(pattern, &mut budget) else {
            continue;
        };
        let entry = Entry { index, versions };
        if let Some(verdict) = unreachable(&entry, &earlier, &mut budget) {
            found.push((index, verdict));
        }
        earlier.push(entry);
    }
    found
}

fn names(indices: &[usize]) -> String {
    let names: Vec<String> = indices
        .iter()
        .map(|i| format!("upgradeFrom[{i}]"))
        .collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.join(""),
    }
}

impl Rule for UnreachableUpgradeRule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> Reads {
        Reads::Fields(&[(Kind::Application, "/spec/upgradeFrom/*/versionRegexp")])
    }

    fn check_document(
        &self,
        doc: &LoadedDocument,
        ctx: &DocumentContext,
        out: &mut Vec<Diagnostic>,
    ) {
        let Some(app) = doc.doc.as_application() else {
            return;
        };
        if app.upgrade_from.is_empty() {
            return;
        }
        let patterns: Vec<Option<String>> = app
            .upgrade_from
            .iter()
            .map(|r| r.version_regexp.as_ref().map(|p| p.value.clone()))
            .collect();
        let span_of = |index: usize| {
            app.upgrade_from[index].version_regexp.as_ref().map(|r| {
                ScalarSpans::new(ctx.text(r.span), &r.value)
                    .map_or(r.span, |s| s.scalar_span(r.span))
            })
        };
        for (index, verdict) in verdicts(&patterns).iter() {
            let index = *index;
            let (Some(span), Some(pattern)) = (span_of(index), patterns[index].as_deref()) else {
                continue;
            };
            match verdict {
                Unreachable::NoVersion => {
                    let mut d = Diagnostic::new(
                        &META,
                        span,
                        format!(
                            "upgradeFrom[{index}] can never match: {} matches no valid version",
                            shown(pattern)
                        ),
                    )
                    .with_span_label("matches no version")
                    .with_note(
                        "versionRegexp is matched against the whole running version, \
                         and versions match ^[a-zA-Z0-9\\-.+]+$",
                    );
                    d = if pattern.ends_with('\n') {
                        d.with_help("the block scalar keeps its final line break: write `|-`, or a quoted string")
                    } else {
                        d.with_help("fix the regexp so that it matches the versions it is meant for, or remove the entry")
                    };
                    out.push(d);
                }
                Unreachable::CoveredBy(cover) => {
                    let mut d = Diagnostic::new(
                        &META,
                        span,
                        format!(
                            "upgradeFrom[{index}] can never match: every version it matches is matched first by {}",
                            names(cover)
                        ),
                    )
                    .with_span_label("never the first match");
                    for &e in cover {
                        if let Some(label) = span_of(e) {
                            d = d.with_label(label, "matches first");
                        }
                    }
                    let first = cover.first().copied().unwrap_or(0);
                    out.push(
                        d.with_help(format!(
                            "move upgradeFrom[{index}] before upgradeFrom[{first}] if it is meant for these versions, or remove it"
                        ))
                        .with_note(
                            "entries are tried in order and the first whose versionRegexp matches \
                             the whole running version is used",
                        ),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{application, diagnostics};

    /// `(spanned text, message, spanned texts of the labels)` of this
    /// rule's findings over an upgradeFrom list of these regexps.
    fn ours(regexps: &[&str]) -> Vec<(String, String, Vec<String>)> {
        let mut spec = String::from("  version: \"2.4.2\"\n  upgradeFrom:\n");
        for r in regexps {
            spec.push_str(&format!(
                "    - {{versionRegexp: '{r}', strategy: rolling}}\n"
            ));
        }
        let text = application(&spec);
        diagnostics(&text)
            .into_iter()
            .filter(|d| d.rule == "unreachable-upgrade-rule")
            .map(|d| {
                let at = |s: landfall_diagnostics::Span| {
                    text[s.start as usize..s.end as usize].to_string()
                };
                (
                    at(d.span),
                    d.message.clone(),
                    d.labels.iter().map(|l| at(l.span)).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn the_seed_list_is_fine() {
        assert_eq!(ours(&[r"2\.4\..*", r"2\.3\..*", r"2\..*"]), vec![]);
    }

    #[test]
    fn a_specific_entry_after_a_general_one() {
        let got = ours(&[r"2\..*", r"2\.4\..*"]);
        assert_eq!(
            got,
            vec![(
                r"'2\.4\..*'".to_string(),
                "upgradeFrom[1] can never match: every version it matches is matched first by upgradeFrom[0]".to_string(),
                vec![r"'2\..*'".to_string()],
            )]
        );
        assert_eq!(ours(&[r"2\.4\..*", r"2\.4\.[0-9]+"]).len(), 1);
        assert_eq!(ours(&[r"2\..*", r".*"]), vec![]);
    }

    #[test]
    fn a_duplicate() {
        let got = ours(&[r"2\.4\..*", r"2\.3\..*", r"2\.4\..*"]);
        assert_eq!(got.len(), 1);
        assert!(
            got[0].1.starts_with("upgradeFrom[2] can never match"),
            "{}",
            got[0].1
        );
        assert!(got[0].1.ends_with("by upgradeFrom[0]"), "{}", got[0].1);
    }

    #[test]
    fn several_earlier_entries_together() {
        let got = ours(&[r"1\..*", r"3\..*", r"2\..*", r"(1|2)\..*"]);
        assert_eq!(got.len(), 1);
        assert_eq!(
            got[0].1,
            "upgradeFrom[3] can never match: every version it matches is matched first by upgradeFrom[0] or upgradeFrom[2]"
        );
        assert_eq!(
            got[0].2,
            vec![r"'1\..*'".to_string(), r"'2\..*'".to_string()]
        );
    }

    #[test]
    fn an_entry_that_matches_no_version() {
        let got = ours(&[r"2\.4 beta"]);
        assert_eq!(got.len(), 1);
        assert_eq!(
            got[0].1,
            r"upgradeFrom[0] can never match: `2\.4 beta` matches no valid version"
        );
    }

    #[test]
    fn a_block_scalar_that_keeps_its_line_break() {
        let text = application(
            "  version: \"2.4.2\"\n  upgradeFrom:\n    - versionRegexp: |\n        2\\..*\n      strategy: recreate\n    - versionRegexp: |-\n        3\\..*\n      strategy: recreate\n",
        );
        let found: Vec<_> = diagnostics(&text)
            .into_iter()
            .filter(|d| d.rule == "unreachable-upgrade-rule")
            .collect();
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .message
                .starts_with("upgradeFrom[0] can never match")
        );
        assert!(found[0].help.as_deref().unwrap_or("").contains("`|-`"));
        let at = &text[found[0].span.start as usize..found[0].span.end as usize];
        // The block scalar, from its header to its last character.
        assert_eq!(at, "|\n        2\\..*");
    }

    #[test]
    fn invalid_regexps_are_left_out() {
        // `(` does not compile: it neither covers nor is reported here.
        assert_eq!(ours(&[r"(", r"2\..*"]), vec![]);
        assert_eq!(ours(&[r"2\..*", r"2\.("]), vec![]);
    }

    #[test]
    fn names_read_as_a_list() {
        assert_eq!(super::names(&[0]), "upgradeFrom[0]");
        assert_eq!(super::names(&[0, 2]), "upgradeFrom[0] or upgradeFrom[2]");
        assert_eq!(
            super::names(&[0, 1, 2]),
            "upgradeFrom[0], upgradeFrom[1] or upgradeFrom[2]"
        );
    }
}

#[cfg(test)]
mod hostile {
    use super::super::testing::{application, diagnostics};

    /// Checks a list of these regexps; how long it took.
    fn time(regexps: &[String]) -> std::time::Duration {
        let mut spec = String::from("  version: \"2.4.2\"\n  upgradeFrom:\n");
        for r in regexps {
            spec.push_str(&format!(
                "    - {{versionRegexp: '{r}', strategy: rolling}}\n"
            ));
        }
        let text = application(&spec);
        let t = std::time::Instant::now();
        diagnostics(&text);
        t.elapsed()
    }

    #[test]
    fn hostile_lists_cost_a_bounded_time() {
        let lists: [Vec<String>; 5] = [
            // Automata near their size limit.
            (0..64)
                .map(|i| format!("[ab]*a[ab]{{{}}}", 8 + i % 8))
                .collect(),
            (0..64)
                .map(|i| format!("[0-9a-z.]{{1,40}}x{i}[0-9]{{1,40}}"))
                .collect(),
            (0..64).map(|i| format!("[0-9]{{{i}}}.*")).collect(),
            (0..64).map(|i| format!("(.*{i}.*)+")).collect(),
            // More entries than are compared.
            (0..200)
                .map(|_| "[a-z]{1,100}[0-9]{1,100}".to_string())
                .collect(),
        ];
        for list in &lists {
            let took = time(list);
            // About 0.2 s each in a debug build; generous for a busy machine.
            assert!(took.as_secs() < 10, "{took:?} for {}", list[0]);
        }
    }
}
