//! SARIF 2.1.0 (OASIS), the format code-scanning services ingest: one run,
//! the rules in `tool.driver.rules`, one result per finding.
//!
//! Code scanning reads more than the findings: each result's
//! `partialFingerprints` (the baseline's fingerprint, which survives edits
//! elsewhere in the file, so an alert stays one alert across commits),
//! each rule's page, tags and security severity (`taxonomy.rs`), and the
//! project root as `%SRCROOT%`, the base of every relative path, so the
//! paths are right whatever directory landfall ran in.
//!
//! Columns are Unicode code points (`columnKind: unicodeCodePoints`), the
//! unit every other landfall output uses; SARIF's default would be UTF-16
//! code units, so the run says so explicitly. Regions end one past their
//! last character, as SARIF and `docs/cli.md` both define `endColumn`.

use std::collections::BTreeMap;

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde::Serialize;

use crate::diagnostic::{Diagnostic, RuleInfo, Severity};
use crate::escape::json_safe;
use crate::fix::Fix;
use crate::source::{FileId, SourceDb, Span};

mod taxonomy;

pub use taxonomy::rule_anchor;
use taxonomy::{RuleProperties, help_uri};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Relative paths are relative to the project root (or, without a
/// [`SarifProject`], to the directory landfall ran in).
const SOURCE_ROOT: &str = "%SRCROOT%";

/// The key of landfall's fingerprint in `partialFingerprints`; a new
/// fingerprint scheme gets a new version.
const FINGERPRINT: &str = "landfall/v1";

const INFORMATION_URI: &str = "https://landfall.dev/";

/// What the run says about the tool.
pub struct SarifTool<'a> {
    /// landfall's version (`CARGO_PKG_VERSION` of the binary).
    pub version: &'a str,
    /// Every rule the run knows: the registry and the policy rules in
    /// force. A finding of a rule not listed gets a minimal descriptor of
    /// its own.
    pub rules: &'a [RuleInfo],
    /// Where the files are; without it, paths are as landfall shows them.
    pub project: Option<&'a SarifProject>,
    /// One fingerprint per diagnostic, in their order (the baseline's:
    /// rule, document, key path and text, not the line); empty for none.
    pub fingerprints: &'a [String],
}

impl<'a> SarifTool<'a> {
    pub fn new(version: &'a str, rules: &'a [RuleInfo]) -> Self {
        SarifTool {
            version,
            rules,
            project: None,
            fingerprints: &[],
        }
    }
}

/// The project the files belong to: its root and each file's path.
pub struct SarifProject {
    /// The root directory, absolute, `/`-separated.
    pub root: String,
    /// Each file's path relative to the root, or absolute for a file
    /// outside it. A file not listed keeps the name landfall shows.
    pub paths: BTreeMap<FileId, String>,
}

/// The SARIF log of already sorted diagnostics, suppressed ones included
/// (with `suppressions`).
pub fn render_sarif(diagnostics: &[Diagnostic], db: &SourceDb, tool: &SarifTool) -> String {
    let mut rules: Vec<Descriptor> = tool.rules.iter().map(Descriptor::of).collect();
    let mut index_of: BTreeMap<String, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect();
    let paths = Paths {
        db,
        project: tool.project,
    };
    // Identical findings in one file share a fingerprint; the n-th of
    // them gets `:n`, as GitHub numbers its own line hashes.
    let mut seen: BTreeMap<(FileId, &str), usize> = BTreeMap::new();
    let mut results = Vec::with_capacity(diagnostics.len());
    for (i, d) in diagnostics.iter().enumerate() {
        let rule_index = *index_of.entry(d.rule.to_string()).or_insert_with(|| {
            rules.push(Descriptor::unlisted(&d.rule));
            rules.len() - 1
        });
        let mut result = SarifResult::new(d, rule_index, &paths);
        if let Some(fingerprint) = tool.fingerprints.get(i) {
            let n = seen.entry((d.span.file, fingerprint)).or_default();
            *n += 1;
            result
                .partial_fingerprints
                .insert(FINGERPRINT, format!("{fingerprint}:{n}"));
        }
        results.push(result);
    }
    let root = match tool.project {
        Some(project) => BaseLocation {
            uri: Some(directory_uri(&project.root)),
            description: Message::text(
                "The project root (the directory with landfall.toml, else the git repository's root): relative file paths start there.",
            ),
        },
        None => BaseLocation {
            uri: None,
            description: Message::text(
                "The directory landfall ran in: relative file paths start there.",
            ),
        },
    };
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "landfall",
                    version: tool.version.to_string(),
                    semantic_version: tool.version.to_string(),
                    information_uri: INFORMATION_URI,
                    rules,
                },
            },
            original_uri_base_ids: BTreeMap::from([(SOURCE_ROOT, root)]),
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    // Values stay as they are; no raw control character is in the file.
    let mut text = json_safe(serde_json::to_string_pretty(&log).unwrap_or_default());
    text.push('\n');
    text
}

/// Each file's `artifactLocation`.
struct Paths<'a> {
    db: &'a SourceDb,
    project: Option<&'a SarifProject>,
}

impl Paths<'_> {
    fn of(&self, file: FileId) -> ArtifactLocation {
        let listed = self.project.and_then(|p| p.paths.get(&file));
        ArtifactLocation::new(listed.map_or(self.db.file(file).name(), String::as_str))
    }
}

/// An absolute directory as a `file:` URI ending in `/`, as SARIF wants
/// the URI of a base id.
fn directory_uri(dir: &str) -> String {
    let encoded: Vec<String> = dir
        .trim_end_matches('/')
        .split('/')
        .map(|segment| utf8_percent_encode(segment, PATH_SEGMENT).to_string())
        .collect();
    let path = encoded.join("/");
    let path = if path.starts_with('/') {
        path
    } else {
        format!("/{path}")
    };
    format!("file://{path}/")
}

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    original_uri_base_ids: BTreeMap<&'static str, BaseLocation>,
    column_kind: &'static str,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct BaseLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<String>,
    description: Message,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: String,
    semantic_version: String,
    information_uri: &'static str,
    rules: Vec<Descriptor>,
}

/// A `reportingDescriptor`: one rule.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: String,
    /// SARIF wants `name` to differ from the opaque `id` (case aside), so a
    /// one-word id (`schema`) has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    short_description: Message,
    #[serde(skip_serializing_if = "Option::is_none")]
    full_description: Option<Markdown>,
    default_configuration: Configuration,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<Markdown>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    properties: RuleProperties,
}

impl Descriptor {
    fn of(rule: &RuleInfo) -> Self {
        let what = section(&rule.docs, "What it checks").unwrap_or(&rule.summary);
        Descriptor {
            id: rule.id.to_string(),
            name: name(&rule.id),
            short_description: Message::text(sentence(&rule.summary)),
            full_description: Some(Markdown::same(sentence(what))),
            default_configuration: Configuration {
                level: level(rule.severity),
            },
            help: Some(Markdown::same(rule.docs.trim().to_string())),
            help_uri: help_uri(&rule.id),
            properties: RuleProperties::of(&rule.id),
        }
    }

    /// A rule the caller did not list: known by its id only.
    fn unlisted(id: &str) -> Self {
        Descriptor {
            id: id.to_string(),
            name: name(id),
            short_description: Message::text(format!("The rule `{id}`.")),
            full_description: None,
            default_configuration: Configuration { level: "warning" },
            help: None,
            help_uri: None,
            properties: RuleProperties::of(id),
        }
    }
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

impl Message {
    fn text(text: impl Into<String>) -> Self {
        Message { text: text.into() }
    }
}

/// A `multiformatMessageString`: the rule docs are Markdown already, and
/// read well enough as plain text.
#[derive(Serialize)]
struct Markdown {
    text: String,
    markdown: String,
}

impl Markdown {
    fn same(text: String) -> Self {
        Markdown {
            markdown: text.clone(),
            text,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: [Location; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    partial_fingerprints: BTreeMap<&'static str, String>,
    /// Empty for a finding that is not suppressed: SARIF reads an absent
    /// array as "unknown", and landfall knows.
    suppressions: Vec<Suppression>,
    /// What would resolve the finding (`check --fix` applies the safe ones).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix>,
}

/// A fix: its edits grouped by file, each a region replaced with text.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: Message,
    artifact_changes: Vec<ArtifactChange>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: Region,
    inserted_content: Message,
}

impl SarifFix {
    fn new(fix: &Fix, paths: &Paths) -> Self {
        let db = paths.db;
        let mut changes: Vec<(FileId, ArtifactChange)> = Vec::new();
        for edit in &fix.edits {
            let (start, end) = db.range(edit.span);
            let replacement = Replacement {
                deleted_region: Region {
                    start_line: start.line,
                    start_column: start.column,
                    end_line: end.line,
                    end_column: end.column,
                },
                inserted_content: Message::text(edit.replacement.clone()),
            };
            match changes.iter_mut().find(|(file, _)| *file == edit.span.file) {
                Some((_, change)) => change.replacements.push(replacement),
                None => changes.push((
                    edit.span.file,
                    ArtifactChange {
                        artifact_location: paths.of(edit.span.file),
                        replacements: vec![replacement],
                    },
                )),
            }
        }
        SarifFix {
            description: Message::text(sentence(&format!(
                "{} ({} fix)",
                fix.message,
                fix.applicability.as_str()
            ))),
            artifact_changes: changes.into_iter().map(|(_, c)| c).collect(),
        }
    }
}

impl SarifResult {
    fn new(d: &Diagnostic, rule_index: usize, paths: &Paths) -> Self {
        let mut text = sentence(&d.message);
        for note in &d.notes {
            text.push('\n');
            text.push_str(&sentence(&format!("note: {note}")));
        }
        if let Some(help) = &d.help {
            text.push('\n');
            text.push_str(&sentence(&format!("help: {help}")));
        }
        SarifResult {
            rule_id: d.rule.to_string(),
            rule_index,
            level: level(d.severity),
            message: Message::text(text),
            locations: [Location::new(d.span, None, &d.span_label, paths)],
            related_locations: d
                .labels
                .iter()
                .enumerate()
                .map(|(i, l)| Location::new(l.span, Some(i + 1), &l.message, paths))
                .collect(),
            partial_fingerprints: BTreeMap::new(),
            suppressions: d
                .suppression
                .iter()
                .map(|s| Suppression {
                    kind: "inSource",
                    justification: s.reason.clone(),
                    location: Location::new(s.span, None, "", paths),
                })
                .collect(),
            fixes: d.fixes.iter().map(|f| SarifFix::new(f, paths)).collect(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message>,
}

impl Location {
    fn new(span: Span, id: Option<usize>, message: &str, paths: &Paths) -> Self {
        let (start, end) = paths.db.range(span);
        Location {
            id,
            physical_location: PhysicalLocation {
                artifact_location: paths.of(span.file),
                region: Region {
                    start_line: start.line,
                    start_column: start.column,
                    end_line: end.line,
                    end_column: end.column,
                },
            },
            message: (!message.is_empty()).then(|| Message::text(sentence(message))),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

/// What a path segment may not hold unescaped in a URI reference
/// (RFC 3986): everything but unreserved characters, sub-delimiters, `:`
/// and `@`. Non-ASCII is always percent-encoded as UTF-8.
const PATH_SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

impl ArtifactLocation {
    /// A file name as landfall shows it: relative to `%SRCROOT%`, or an
    /// absolute `file:` URI.
    fn new(name: &str) -> Self {
        let encoded: Vec<String> = name
            .split('/')
            .map(|segment| utf8_percent_encode(segment, PATH_SEGMENT).to_string())
            .collect();
        let path = encoded.join("/");
        if name.starts_with('/') {
            ArtifactLocation {
                uri: format!("file://{path}"),
                uri_base_id: None,
            }
        } else {
            // A first segment holding `:` would read as a URI scheme.
            let path = match encoded.first() {
                Some(first) if first.contains(':') => format!("./{path}"),
                _ => path,
            };
            ArtifactLocation {
                uri: path,
                uri_base_id: Some(SOURCE_ROOT),
            }
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    justification: String,
    location: Location,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// SARIF asks for messages that are complete sentences: end with a period
/// unless the text ends a sentence already.
fn sentence(text: &str) -> String {
    let text = text.trim_end();
    if text.ends_with(['.', '?', '!']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

/// `blocked-port` → `BlockedPort`: SARIF's `name` is an identifier, and
/// must not be the id itself.
fn name(id: &str) -> Option<String> {
    let name: String = id
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect();
    (!name.eq_ignore_ascii_case(id)).then_some(name)
}

/// The body of a `## heading` section of a rule's Markdown docs.
fn section<'a>(docs: &'a str, heading: &str) -> Option<&'a str> {
    let marker = format!("## {heading}\n");
    let start = docs.find(&marker)? + marker.len();
    let rest = &docs[start..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    Some(rest[..end].trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::RuleMeta;
    use crate::diagnostic::Suppression as Suppressed;

    static RULE: RuleMeta = RuleMeta {
        id: "blocked-port",
        severity: Severity::Error,
        summary: "a port the platform blocks",
        docs: "## What it checks\nThat no port is blocked.\n\n## Why\nBecause.\n",
    };

    fn render(diagnostics: &[Diagnostic], db: &SourceDb) -> serde_json::Value {
        let rules = [RuleInfo::from(&RULE)];
        let tool = SarifTool::new("1.2.3", &rules);
        serde_json::from_str(&render_sarif(diagnostics, db, &tool)).unwrap()
    }

    #[test]
    fn a_suppressed_finding_carries_its_justification_and_comment() {
        let mut db = SourceDb::new();
        let text = "# landfall-ignore: blocked-port -- legacy\nport: 9090\n";
        let file = db.add("apps/a b.yaml", text);
        let mut d = Diagnostic::new(&RULE, Span::new(file, 48, 52), "port 9090 is blocked");
        d.suppression = Some(Suppressed {
            reason: "legacy".into(),
            span: Span::new(file, 0, 41),
        });
        let log = render(&[d], &db);
        let result = &log["runs"][0]["results"][0];
        assert_eq!(result["message"]["text"], "port 9090 is blocked.");
        assert_eq!(result["suppressions"][0]["kind"], "inSource");
        assert_eq!(result["suppressions"][0]["justification"], "legacy");
        let comment = &result["suppressions"][0]["location"]["physicalLocation"];
        assert_eq!(comment["artifactLocation"]["uri"], "apps/a%20b.yaml");
        assert_eq!(comment["region"]["startLine"], 1);
        assert_eq!(comment["region"]["endColumn"], 42);
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert_eq!(
            (
                &region["startLine"],
                &region["startColumn"],
                &region["endColumn"]
            ),
            (&2.into(), &7.into(), &11.into())
        );
    }

    #[test]
    fn an_unsuppressed_finding_says_so_and_unlisted_rules_get_a_descriptor() {
        let mut db = SourceDb::new();
        let file = db.add("a.yaml", "x: y\n");
        let listed = Diagnostic::new(&RULE, Span::new(file, 0, 1), "listed");
        let mut unlisted = listed.clone();
        unlisted.rule = "policy-x".into();
        let log = render(&[listed, unlisted], &db);
        let run = &log["runs"][0];
        assert_eq!(run["results"][0]["suppressions"], serde_json::json!([]));
        assert_eq!(run["results"][1]["ruleIndex"], 1);
        assert_eq!(run["tool"]["driver"]["rules"][1]["id"], "policy-x");
        assert_eq!(
            run["tool"]["driver"]["rules"][0]["fullDescription"]["text"],
            "That no port is blocked."
        );
    }

    #[test]
    fn paths_start_at_the_project_root_and_repeated_fingerprints_are_numbered() {
        let mut db = SourceDb::new();
        let inside = db.add("../specs/a.yaml", "x: y\nx: y\n");
        let outside = db.add("../../elsewhere/b.yaml", "z\n");
        let stdin = db.add("<stdin>", "z\n");
        let at = |file, start| Diagnostic::new(&RULE, Span::new(file, start, start + 1), "m");
        let diagnostics = [at(inside, 0), at(inside, 5), at(outside, 0), at(stdin, 0)];
        let rules = [RuleInfo::from(&RULE)];
        let project = SarifProject {
            root: "/work/my repo".into(),
            paths: BTreeMap::from([
                (inside, "specs/a.yaml".into()),
                (outside, "/elsewhere/b.yaml".into()),
            ]),
        };
        let fingerprints = ["abc", "abc", "abc", "def"].map(String::from);
        let tool = SarifTool {
            project: Some(&project),
            fingerprints: &fingerprints,
            ..SarifTool::new("1.2.3", &rules)
        };
        let log: serde_json::Value =
            serde_json::from_str(&render_sarif(&diagnostics, &db, &tool)).unwrap();
        let run = &log["runs"][0];
        assert_eq!(
            run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
            "file:///work/my%20repo/"
        );
        let seen: Vec<(String, String)> = run["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let location = &r["locations"][0]["physicalLocation"]["artifactLocation"];
                (
                    location["uri"].as_str().unwrap().to_string(),
                    r["partialFingerprints"]["landfall/v1"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                )
            })
            .collect();
        let pair = |uri: &str, fingerprint: &str| (uri.to_string(), fingerprint.to_string());
        assert_eq!(
            seen,
            [
                pair("specs/a.yaml", "abc:1"),
                pair("specs/a.yaml", "abc:2"),
                pair("file:///elsewhere/b.yaml", "abc:1"),
                pair("%3Cstdin%3E", "def:1"),
            ]
        );
        let rule = &run["tool"]["driver"]["rules"][0];
        assert_eq!(
            rule["helpUri"],
            "https://landfall.dev/docs/rules.md#blocked-port"
        );
        assert_eq!(
            rule["properties"]["tags"],
            serde_json::json!(["landfall", "spec"])
        );
    }

    #[test]
    fn columns_count_code_points() {
        let mut db = SourceDb::new();
        // `😀` is one code point (two UTF-16 units, four bytes).
        let file = db.add("a.yaml", "a: \"😀x\"\n");
        let d = Diagnostic::new(&RULE, Span::new(file, 8, 9), "x");
        let log = render(&[d], &db);
        assert_eq!(log["runs"][0]["columnKind"], "unicodeCodePoints");
        let region = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
        assert_eq!(
            (&region["startColumn"], &region["endColumn"]),
            (&6.into(), &7.into())
        );
    }

    #[test]
    fn uris_are_escaped_references() {
        assert_eq!(ArtifactLocation::new("<stdin>").uri, "%3Cstdin%3E");
        assert_eq!(
            ArtifactLocation::new("/tmp/x y.yaml").uri,
            "file:///tmp/x%20y.yaml"
        );
        assert_eq!(ArtifactLocation::new("c:d.yaml").uri, "./c:d.yaml");
        assert_eq!(ArtifactLocation::new("é/#.yaml").uri, "%C3%A9/%23.yaml");
    }
}
