//! `landfall.toml`: the repository's own settings, read from the project
//! root.
//!
//! ```toml
//! exclude = ["vendor/**", "*.generated.yaml"]
//!
//! [rules]
//! blocked-port = "warning"
//! unscoped-workload = "off"
//!
//! [output]
//! format = "github"
//!
//! [per-file-ignores]
//! "legacy/**" = ["unscoped-workload", "plan/"]
//!
//! [dialects]
//! "deploy/cpln/**" = "cpln"
//! ```
//!
//! Every problem is a diagnostic with a span in the file; a file with any
//! problem is not used (the command cannot run, exit status 2), as ruff
//! and cargo refuse a configuration they do not understand.

use std::collections::BTreeMap;

use globset::{GlobBuilder, GlobMatcher, GlobSet, GlobSetBuilder};
use landfall_check::dialect::Dialect;
use landfall_check::{Level, PLATFORM_CONFIG, RuleSetting, registry};
use landfall_diagnostics::{Diagnostic, FileId, Span, did_you_mean};
use serde::Deserialize;
use toml::Spanned;

use crate::rule_filter::Selector;

/// The output formats of `docs/cli.md`: what `[output] format` may name.
pub const FORMATS: [&str; 6] = ["human", "concise", "json", "sarif", "github", "junit"];

/// What `landfall.toml` says, checked.
#[derive(Debug, Default)]
pub struct Config {
    pub rules: Vec<RuleSetting>,
    pub exclude: Exclude,
    pub output: OutputConfig,
    pub per_file_ignores: PerFileIgnores,
    /// `[dialects]`: globs relative to the project root and the dialect
    /// the files they match are read as, in the order written (the first
    /// match wins).
    pub dialects: Vec<(GlobMatcher, &'static dyn Dialect)>,
}

/// `[per-file-ignores]`: rule ids and prefixes never reported in the files
/// a glob (relative to the project root) matches.
#[derive(Clone, Debug, Default)]
pub struct PerFileIgnores {
    entries: Vec<(globset::GlobMatcher, Vec<Selector>)>,
}

impl PerFileIgnores {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether `rule` is ignored in `relative` (to the project root,
    /// `/`-separated); globs match as `exclude`'s do.
    pub fn ignores(&self, relative: &str, rule: &str) -> bool {
        let name = relative.rsplit('/').next().unwrap_or(relative);
        self.entries.iter().any(|(glob, selectors)| {
            (glob.is_match(relative) || glob.is_match(name))
                && selectors.iter().any(|s| s.matches(rule))
        })
    }
}

/// `[output]`: defaults for flags not given on the command line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutputConfig {
    /// One of [`FORMATS`]; `--format` wins over it.
    pub format: Option<String>,
}

/// `exclude`: paths relative to the project root that are never checked.
#[derive(Clone, Debug, Default)]
pub struct Exclude {
    globs: Option<GlobSet>,
}

impl Exclude {
    pub fn is_empty(&self) -> bool {
        self.globs.as_ref().is_none_or(GlobSet::is_empty)
    }

    /// Whether `relative` (to the project root, `/`-separated) is excluded:
    /// a pattern matches the whole path, and a pattern without `/` also
    /// matches any single file or directory name, as in `.gitignore`.
    pub fn is_excluded(&self, relative: &str) -> bool {
        let Some(globs) = &self.globs else {
            return false;
        };
        globs.is_match(relative)
            || relative
                .rsplit('/')
                .next()
                .is_some_and(|name| globs.is_match(name))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    exclude: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    output: Option<RawOutput>,
    #[serde(default, rename = "per-file-ignores")]
    per_file_ignores: BTreeMap<Spanned<String>, Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    dialects: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOutput {
    format: Option<Spanned<String>>,
}

/// Parses and checks `text`, the content of `file`.
pub fn parse(file: FileId, text: &str) -> Result<Config, Vec<Diagnostic>> {
    let span =
        |range: std::ops::Range<usize>| Span::new(file, range.start as u32, range.end as u32);
    let error = |span: Span, message: String| Diagnostic::new(&PLATFORM_CONFIG, span, message);
    let raw: RawConfig = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            let at = e.span().unwrap_or(0..0);
            let message = e.message().trim_end().replace('\n', " ");
            return Err(vec![
                error(span(at), format!("landfall.toml: {message}"))
                    .with_help("the keys are `exclude`, `[rules]`, `[output]`, `[per-file-ignores]` and `[dialects]` (see docs/cli.md)"),
            ]);
        }
    };
    let mut problems = Vec::new();
    let mut config = Config::default();

    let ids: Vec<&'static str> = registry().iter().map(|r| r.id).collect();
    for (rule, level) in &raw.rules {
        if !ids.contains(&rule.get_ref().as_str()) {
            let help = match did_you_mean(rule.get_ref(), ids.iter().copied()) {
                Some(close) => format!("did you mean `{close}`?"),
                None => "`landfall rules` lists the rule ids".to_string(),
            };
            problems.push(
                error(span(rule.span()), format!("no rule `{}`", rule.get_ref()))
                    .with_span_label("unknown rule")
                    .with_help(help),
            );
            continue;
        }
        match Level::parse(level.get_ref()) {
            Some(parsed) => config.rules.push(RuleSetting {
                rule: rule.get_ref().clone(),
                level: parsed,
                span: span(level.span()),
            }),
            None => {
                let levels = ["error", "warning", "info", "off"];
                let help = match did_you_mean(level.get_ref(), levels) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => "a rule's level is `error`, `warning`, `info` or `off`".to_string(),
                };
                problems.push(
                    error(
                        span(level.span()),
                        format!("`{}` is not a rule level", level.get_ref()),
                    )
                    .with_span_label("expected `error`, `warning`, `info` or `off`")
                    .with_help(help),
                );
            }
        }
    }

    if let Some(patterns) = &raw.exclude {
        let mut builder = GlobSetBuilder::new();
        for pattern in patterns.get_ref() {
            let text = pattern.get_ref().trim_start_matches("./");
            match GlobBuilder::new(text).literal_separator(true).build() {
                Ok(glob) => {
                    builder.add(glob);
                }
                Err(e) => problems.push(
                    error(
                        span(pattern.span()),
                        format!("`{}` is not a glob: {}", pattern.get_ref(), e.kind()),
                    )
                    .with_span_label("invalid glob"),
                ),
            }
        }
        match builder.build() {
            Ok(set) => config.exclude.globs = Some(set),
            Err(e) => problems.push(error(span(patterns.span()), format!("bad globs: {e}"))),
        }
    }

    // In the order written: the first matching glob wins.
    let mut dialects: Vec<_> = raw.dialects.iter().collect();
    dialects.sort_by_key(|(glob, _)| glob.span().start);
    for (glob, name) in dialects {
        let Some(dialect) = landfall_check::dialect::by_name(name.get_ref()) else {
            let names = landfall_check::dialect::names();
            let help = match did_you_mean(name.get_ref(), names.iter().copied()) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("the dialects are {}", names.join(", ")),
            };
            problems.push(
                error(
                    span(name.span()),
                    format!("no dialect `{}`", name.get_ref()),
                )
                .with_span_label("unknown dialect")
                .with_help(help),
            );
            continue;
        };
        let text = glob.get_ref().trim_start_matches("./");
        match GlobBuilder::new(text).literal_separator(true).build() {
            Ok(matcher) => config.dialects.push((matcher.compile_matcher(), dialect)),
            Err(e) => problems.push(
                error(
                    span(glob.span()),
                    format!("`{}` is not a glob: {}", glob.get_ref(), e.kind()),
                )
                .with_span_label("invalid glob"),
            ),
        }
    }

    if let Some(format) = raw.output.and_then(|o| o.format) {
        if FORMATS.contains(&format.get_ref().as_str()) {
            config.output.format = Some(format.get_ref().clone());
        } else {
            let help = match did_you_mean(format.get_ref(), FORMATS) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("the formats are {}", FORMATS.join(", ")),
            };
            problems.push(
                error(
                    span(format.span()),
                    format!("no output format `{}`", format.get_ref()),
                )
                .with_span_label("unknown format")
                .with_help(help),
            );
        }
    }

    for (pattern, rules) in &raw.per_file_ignores {
        let text = pattern.get_ref().trim_start_matches("./");
        let glob = match GlobBuilder::new(text).literal_separator(true).build() {
            Ok(glob) => glob.compile_matcher(),
            Err(e) => {
                problems.push(
                    error(
                        span(pattern.span()),
                        format!("`{}` is not a glob: {}", pattern.get_ref(), e.kind()),
                    )
                    .with_span_label("invalid glob"),
                );
                continue;
            }
        };
        let mut selectors = Vec::new();
        for rule in rules.get_ref() {
            match Selector::parse(rule.get_ref()) {
                Ok(selector) => selectors.push(selector),
                Err(message) => problems.push(
                    error(span(rule.span()), message).with_span_label("unknown rule or prefix"),
                ),
            }
        }
        config.per_file_ignores.entries.push((glob, selectors));
    }

    if problems.is_empty() {
        Ok(config)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<(String, String, Option<String>)> {
        match parse(FileId(0), text) {
            Ok(_) => Vec::new(),
            Err(found) => found
                .into_iter()
                .map(|d| {
                    let at = text[d.span.start as usize..d.span.end as usize].to_string();
                    (d.message, at, d.help)
                })
                .collect(),
        }
    }

    #[test]
    fn a_good_config_is_read() {
        let config = parse(
            FileId(0),
            "exclude = [\"vendor/**\", \"*.gen.yaml\"]\n[rules]\nblocked-port = \"warning\"\nunscoped-workload = \"off\"\n[output]\nformat = \"json\"\n",
        )
        .unwrap();
        let rules: Vec<(&str, Level)> = config
            .rules
            .iter()
            .map(|r| (r.rule.as_str(), r.level))
            .collect();
        assert_eq!(
            rules,
            [
                ("blocked-port", Level::Warning),
                ("unscoped-workload", Level::Off)
            ]
        );
        assert_eq!(config.output.format.as_deref(), Some("json"));
        assert!(config.exclude.is_excluded("vendor/a/b.yaml"));
        assert!(config.exclude.is_excluded("apps/x.gen.yaml"));
        assert!(!config.exclude.is_excluded("apps/vendor.yaml"));
    }

    #[test]
    fn per_file_ignores_match_paths_from_the_root_and_names_anywhere() {
        let config = parse(
            FileId(0),
            "[per-file-ignores]\n\"legacy/**\" = [\"plan/\", \"blocked-port\"]\n\"*.gen.yaml\" = [\"ambiguous-scalar\"]\n",
        )
        .unwrap();
        let ignores = &config.per_file_ignores;
        assert!(ignores.ignores("legacy/a/b.yaml", "plan/host-port"));
        assert!(ignores.ignores("legacy/b.yaml", "blocked-port"));
        assert!(!ignores.ignores("legacy/b.yaml", "ambiguous-scalar"));
        assert!(!ignores.ignores("apps/legacy.yaml", "blocked-port"));
        assert!(ignores.ignores("apps/x.gen.yaml", "ambiguous-scalar"));
        assert_eq!(
            problems("[per-file-ignores]\n\"a/{b\" = [\"plan\"]\n\"c\" = [\"blockd-port\"]\n"),
            [
                (
                    "`a/{b` is not a glob: unclosed alternate group; missing '}' (maybe escape '{' with '[{]'?)".to_string(),
                    "\"a/{b\"".to_string(),
                    None
                ),
                (
                    "no rule or rule prefix `blockd-port`; did you mean `blocked-port`?".to_string(),
                    "\"blockd-port\"".to_string(),
                    None
                ),
            ]
        );
    }

    #[test]
    fn problems_point_into_the_file() {
        assert_eq!(
            problems("[rules]\nblockd-port = \"warning\"\nport-range = \"warn\"\n"),
            [
                (
                    "no rule `blockd-port`".to_string(),
                    "blockd-port".to_string(),
                    Some("did you mean `blocked-port`?".to_string())
                ),
                (
                    "`warn` is not a rule level".to_string(),
                    "\"warn\"".to_string(),
                    Some("did you mean `warning`?".to_string())
                ),
            ]
        );
        let unknown_key = problems("exclud = []\n");
        assert_eq!(unknown_key[0].1, "exclud");
        assert!(
            unknown_key[0].0.contains("unknown field `exclud`"),
            "{unknown_key:?}"
        );
        let bad_glob = problems("exclude = [\"a/{b\"]\n");
        assert_eq!(bad_glob[0].1, "\"a/{b\"");
        let syntax = problems("[rules\n");
        assert_eq!(syntax.len(), 1);
        assert_eq!(
            problems("[output]\nformat = \"sarf\"\n")[0].2.as_deref(),
            Some("did you mean `sarif`?")
        );
    }
}
