//! The policy language: platform teams' own rules in `.policy` files,
//! parsed with the pest grammar in `grammar/policy.pest`, type-checked
//! against the spec language's JSON Schemas, and evaluated over the
//! resolved project like built-in rules.
//!
//! ```text
//! .policy text ─► parse (policy-syntax) ─► check (policy-type) ─► PolicySet
//!   per document, while its node tree is at hand: PolicySet::view ─► Tree
//!   over the resolved project: PolicySet::evaluate ─► `policy/<id>` findings
//! ```
//!
//! The only crate that knows pest. Pure: the caller reads the files.

// ARCHITECTURE.md, Invariants: "Library crates do no IO and never print"
// (IO through clippy.toml's disallowed-methods) and "no HashMap iteration
// reaches any output". A loop over a hash map that provably never reaches
// output allows the lint locally, saying why.
#![deny(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::iter_over_hash_type,
    clippy::disallowed_methods
)]

pub mod ast;
mod check;
mod eval;
mod parse;
pub mod rules;
mod types;
mod view;

use landfall_diagnostics::{Diagnostic, FileId, RuleInfo, SourceDb, Span, did_you_mean};
use landfall_model::Project;
use landfall_schema::Kind;
use landfall_yaml::Node;

pub use ast::TestDecl;
pub use parse::{MAX_POLICY_BYTES, parse};
pub use view::Tree;

use crate::check::{Checker, CompiledRule};
use crate::rules::POLICY_TYPE;
use crate::view::Keep;

/// One `.policy` file's text.
pub struct PolicySource<'a> {
    pub file: FileId,
    pub text: &'a str,
}

/// The `test` declarations of one policy file.
#[derive(Clone, Debug)]
pub struct PolicyTests {
    pub file: FileId,
    pub tests: Vec<TestDecl>,
}

/// The checked rules of every policy file in force, and what they read.
#[derive(Default)]
pub struct PolicySet {
    rules: Vec<(CompiledRule, FileId)>,
    /// Per kind, in `Kind::ALL` order.
    keeps: [Keep; 5],
    tests: Vec<PolicyTests>,
}

impl PolicySet {
    /// Parses and type-checks the policy files; rules with errors are left
    /// out (and reported), the others run. `builtin_ids` are the ids policy
    /// rules may not take.
    pub fn compile(sources: &[PolicySource], builtin_ids: &[&str]) -> (PolicySet, Vec<Diagnostic>) {
        let mut set = PolicySet::default();
        let mut diagnostics = Vec::new();
        let mut seen: Vec<(String, Span)> = Vec::new();
        for source in sources {
            let (policy, syntax) = parse(source.file, source.text);
            diagnostics.extend(syntax);
            for rule in &policy.rules {
                if let Some(problem) = id_problem(&rule.id, builtin_ids) {
                    diagnostics.push(
                        Diagnostic::new(&POLICY_TYPE, rule.id_span, problem)
                            .with_span_label("rule id"),
                    );
                    continue;
                }
                if let Some((_, first)) = seen.iter().find(|(id, _)| *id == rule.id) {
                    diagnostics.push(
                        Diagnostic::new(
                            &POLICY_TYPE,
                            rule.id_span,
                            format!("rule `{}` is defined twice", rule.id),
                        )
                        .with_span_label("second definition")
                        .with_label(*first, "first defined here"),
                    );
                    continue;
                }
                seen.push((rule.id.clone(), rule.id_span));
                let mut checker = Checker {
                    types: types::Types::get(),
                    text: source.text,
                    out: &mut diagnostics,
                    keeps: &mut set.keeps,
                };
                if let Some(compiled) = checker.rule(rule) {
                    set.rules.push((compiled, source.file));
                }
            }
            if !policy.tests.is_empty() {
                set.tests.push(PolicyTests {
                    file: source.file,
                    tests: policy.tests,
                });
            }
        }
        // Tests name rules of any policy file in force.
        let ids: Vec<&str> = seen.iter().map(|(id, _)| id.as_str()).collect();
        for tests in &set.tests {
            for test in &tests.tests {
                for (id, span) in &test.rules {
                    if !ids.contains(&id.as_str()) {
                        let help = did_you_mean(id, ids.iter().copied())
                            .map(|c| format!("did you mean `{c}`?"))
                            .unwrap_or_else(|| {
                                "a test names rules of the policy files in force".into()
                            });
                        diagnostics.push(
                            Diagnostic::new(&POLICY_TYPE, *span, format!("no policy rule `{id}`"))
                                .with_span_label("unknown rule")
                                .with_help(help),
                        );
                    }
                }
            }
        }
        (set, diagnostics)
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Whether some rule reads documents of `kind`.
    pub fn reads(&self, kind: Kind) -> bool {
        !self.keeps[kind_index(kind)].is_empty()
    }

    /// What the rules read of a document of `kind` whose root node is
    /// `root`; `None` when no rule reads that kind.
    pub fn view(&self, kind: Kind, root: &Node) -> Option<Tree> {
        let keep = &self.keeps[kind_index(kind)];
        (!keep.is_empty()).then(|| view::project_document(root, keep))
    }

    /// Runs every rule over the project, in parallel across documents.
    /// `views` is aligned with `project.documents`.
    pub fn evaluate(&self, project: &Project, views: &[Option<Tree>]) -> Vec<Diagnostic> {
        let rules: Vec<eval::RunnableRule> = self
            .rules
            .iter()
            .map(|(rule, _)| eval::RunnableRule { rule })
            .collect();
        eval::evaluate(&rules, &eval::World { project, views })
    }

    /// Each rule as `landfall rules` and `landfall explain` show it, and
    /// SARIF lists it: `policy/<id>`, its severity, its summary, and as docs
    /// its source and where it is written.
    pub fn rule_infos(&self, sources: &SourceDb) -> Vec<RuleInfo> {
        self.rules
            .iter()
            .map(|(rule, file)| {
                let source = sources.file(*file);
                let line = source.line_col(rule.id_span.start).line;
                let summary = rule.summary.clone().unwrap_or_else(|| {
                    if rule.deny {
                        format!("denies `{}`", rule.condition_text)
                    } else {
                        format!("requires `{}`", rule.condition_text)
                    }
                });
                RuleInfo {
                    id: format!("policy/{}", rule.id),
                    severity: rule.severity,
                    summary,
                    docs: format!(
                        "A policy rule of `{}` (line {line}).\n\n```\n{}\n```\n",
                        source.name(),
                        rule.source.trim_end()
                    ),
                }
            })
            .collect()
    }

    /// The ids of the rules, as reported: `policy/<id>`.
    pub fn ids(&self) -> Vec<String> {
        self.rules
            .iter()
            .map(|(r, _)| format!("policy/{}", r.id))
            .collect()
    }

    /// The `test` declarations, per policy file.
    pub fn tests(&self) -> &[PolicyTests] {
        &self.tests
    }
}

fn kind_index(kind: Kind) -> usize {
    Kind::ALL.iter().position(|k| *k == kind).expect("a kind")
}

/// Why `id` cannot name a policy rule.
fn id_problem(id: &str, builtin_ids: &[&str]) -> Option<String> {
    if id.len() > 63 {
        return Some(format!(
            "a rule id is a DNS label of at most 63 characters; this one has {}",
            id.len()
        ));
    }
    if id.ends_with('-') {
        return Some("a rule id is a DNS label: it ends with a letter or digit".into());
    }
    if builtin_ids.contains(&id) {
        return Some(format!(
            "`{id}` is the id of a built-in rule; choose another"
        ));
    }
    None
}
