//! Findings, fixes and paths in the editor's terms.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use landfall_diagnostics::{Diagnostic, Severity};
use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Location, NumberOrString, Uri,
};
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

use crate::text;

const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b']')
    .add(b'`')
    .add(b'{')
    .add(b'}');

pub fn uri_of(path: &Path) -> Uri {
    let encoded = utf8_percent_encode(&path.to_string_lossy(), PATH).to_string();
    Uri::from_str(&format!("file://{encoded}"))
        .unwrap_or_else(|_| Uri::from_str("file:///").expect("a constant URI parses"))
}

pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    if uri.scheme().map(|s| s.as_str()) != Some("file") {
        return None;
    }
    let path = percent_decode_str(uri.path().as_str()).decode_utf8().ok()?;
    Some(PathBuf::from(path.as_ref()))
}

/// Rules whose findings are about code that does nothing: shown faded.
const UNNECESSARY: [&str; 2] = ["unused-variable", "unused-suppression"];

/// A finding as the editor shows it; `file_of` gives a span's file and
/// text (labels may point into other files).
pub fn diagnostic<'a>(
    d: &Diagnostic,
    file_text: &str,
    file_of: impl Fn(landfall_diagnostics::FileId) -> Option<(&'a Path, &'a str)>,
) -> lsp_types::Diagnostic {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    for note in &d.notes {
        message.push_str("\nnote: ");
        message.push_str(note);
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .filter_map(|label| {
            let (path, text) = file_of(label.span.file)?;
            Some(DiagnosticRelatedInformation {
                location: Location::new(
                    uri_of(path),
                    text::range(text, label.span.start as usize, label.span.end as usize),
                ),
                message: label.message.clone(),
            })
        })
        .collect();
    lsp_types::Diagnostic {
        range: text::range(file_text, d.span.start as usize, d.span.end as usize),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(d.rule.to_string())),
        code_description: None,
        source: Some("landfall".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: UNNECESSARY
            .contains(&d.rule.as_ref())
            .then(|| vec![DiagnosticTag::UNNECESSARY]),
        data: None,
    }
}
