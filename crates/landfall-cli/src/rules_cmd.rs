//! `landfall rules`: the rule registry as a table or as JSON, for editors
//! and scripts that need the ids, levels and where each rule is documented.

use landfall_check::{Stage, rule_docs_path, stage_of};
use landfall_diagnostics::RuleInfo;
use serde::Serialize;

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum RulesFormat {
    /// One line per rule: id, default severity, summary.
    Human,
    /// `{"version": 1, "rules": [...]}`, one object per rule.
    Json,
}

/// One rule as `--format json` writes it: what the registry knows.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleJson<'a> {
    id: &'a str,
    /// The default level: `error`, `warning` or `info`.
    severity: &'static str,
    /// Who reports it: `front-end`, `rules`, `driver`, `policy-language`,
    /// `lowering`, or `policy` for a Platform's `policy/<id>` rules.
    stage: &'static str,
    summary: &'a str,
    /// Its section of the rule reference, for built-in rules only.
    #[serde(skip_serializing_if = "Option::is_none")]
    docs_path: Option<String>,
    /// The Markdown `landfall explain` prints.
    explanation: &'a str,
}

#[derive(Serialize)]
struct RulesJson<'a> {
    version: u32,
    rules: Vec<RuleJson<'a>>,
}

pub fn render(rules: &[RuleInfo], format: RulesFormat) -> String {
    match format {
        RulesFormat::Human => {
            let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
            rules
                .iter()
                .map(|r| {
                    format!(
                        "{:width$}  {:7}  {}\n",
                        r.id,
                        r.severity.as_str(),
                        r.summary
                    )
                })
                .collect()
        }
        RulesFormat::Json => {
            let rules = rules
                .iter()
                .map(|r| {
                    let stage = stage_of(&r.id);
                    RuleJson {
                        id: &r.id,
                        severity: r.severity.as_str(),
                        stage: stage_name(stage),
                        summary: &r.summary,
                        docs_path: stage.map(|_| rule_docs_path(&r.id)),
                        explanation: &r.docs,
                    }
                })
                .collect();
            let mut text =
                serde_json::to_string_pretty(&RulesJson { version: 1, rules }).unwrap_or_default();
            text.push('\n');
            text
        }
    }
}

fn stage_name(stage: Option<Stage>) -> &'static str {
    match stage {
        Some(Stage::FrontEnd) => "front-end",
        Some(Stage::Rules) => "rules",
        Some(Stage::Driver) => "driver",
        Some(Stage::Policy) => "policy-language",
        Some(Stage::Lowering) => "lowering",
        None => "policy",
    }
}
