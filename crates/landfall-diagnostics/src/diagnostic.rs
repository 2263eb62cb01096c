//! The one diagnostic type and the metadata of the rules that emit it.

use std::borrow::Cow;
use std::cmp::Ordering;

use crate::fix::Fix;
use crate::source::{SourceDb, Span};
use crate::words::bounded;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
}

/// What the registry knows of a rule: `landfall rules` and `landfall explain`
/// print exactly this, so the docs cannot drift from the checker.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable id from `docs/rules.md`, e.g. `blocked-port`.
    pub id: &'static str,
    pub severity: Severity,
    /// One line for `landfall rules`.
    pub summary: &'static str,
    /// Markdown for `landfall explain`: what, why, where from, and a failing
    /// and a passing example in ```yaml fences.
    pub docs: &'static str,
}

/// A rule's metadata owned, for rules known only at run time (policy rules,
/// `policy/<id>`) next to the built-in ones (`From<&RuleMeta>`): what
/// `landfall rules`, `landfall explain` and SARIF's rule list show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleInfo {
    pub id: String,
    pub severity: Severity,
    pub summary: String,
    pub docs: String,
}

impl From<&RuleMeta> for RuleInfo {
    fn from(meta: &RuleMeta) -> Self {
        RuleInfo {
            id: meta.id.to_string(),
            severity: meta.severity,
            summary: meta.summary.to_string(),
            docs: meta.docs.to_string(),
        }
    }
}

/// A secondary location with its own message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// A finding: a rule, a severity, a message at a primary span, and
/// optionally secondary labels (possibly in other files), help and notes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: Cow<'static, str>,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    /// Text under the primary caret; empty for none.
    pub span_label: String,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    pub notes: Vec<String>,
    /// Set when an inline `# landfall-ignore` covers this finding: it is kept
    /// for SARIF `suppressions` and JSON `"suppressed": true`, but not shown
    /// in the human output nor counted in the exit status.
    pub suppression: Option<Suppression>,
    /// What would resolve it (`check --fix`, code actions, SARIF `fixes`).
    pub fixes: Vec<Fix>,
}

/// Why a finding is suppressed, and where the suppression is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// The reason after `--` in the comment.
    pub reason: String,
    /// The span of the `# landfall-ignore: …` comment.
    pub span: Span,
}

impl Diagnostic {
    /// A finding of a built-in rule at its default severity.
    pub fn new(rule: &'static RuleMeta, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            rule: Cow::Borrowed(rule.id),
            severity: rule.severity,
            message: bounded(message.into()),
            span,
            span_label: String::new(),
            labels: Vec::new(),
            help: None,
            notes: Vec::new(),
            suppression: None,
            fixes: Vec::new(),
        }
    }

    pub fn with_span_label(mut self, text: impl Into<String>) -> Self {
        self.span_label = bounded(text.into());
        self
    }

    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: bounded(message.into()),
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(bounded(help.into()));
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(bounded(note.into()));
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fixes.push(fix);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub fn is_suppressed(&self) -> bool {
        self.suppression.is_some()
    }
}

/// Sorts into the order every output uses: file path, line, column, rule id,
/// then message, so that identical inputs print byte-identical output
/// whatever order the parallel stages produced them in.
pub fn sort_diagnostics(diagnostics: &mut [Diagnostic], db: &SourceDb) {
    diagnostics.sort_by(|a, b| compare(a, b, db));
}

fn compare(a: &Diagnostic, b: &Diagnostic, db: &SourceDb) -> Ordering {
    let name = |d: &Diagnostic| db.file(d.span.file).name();
    // Byte offsets order like (line, column) within one file.
    name(a)
        .cmp(name(b))
        .then(a.span.file.cmp(&b.span.file))
        .then(a.span.start.cmp(&b.span.start))
        .then(a.rule.cmp(&b.rule))
        .then(a.span.end.cmp(&b.span.end))
        .then(a.message.cmp(&b.message))
}
