//! Which documents are landfall's, and of which kind.

use landfall_diagnostics::{Diagnostic, FileId, Span, did_you_mean};
use landfall_schema::Kind;
use landfall_yaml::Node;

use crate::rules::UNKNOWN_KIND;

/// The prefix of every landfall `apiVersion`. A document with another
/// version of it (`landfall.dev/v2`) is still landfall's; the schema
/// reports the version.
pub const API_GROUP_PREFIX: &str = "landfall.dev/";

/// What a document is.
#[derive(Clone, Debug, PartialEq)]
#[allow(
    clippy::large_enum_variant,
    reason = "one per document, matched at once: boxing the finding would cost an allocation for nothing"
)]
pub enum Envelope {
    /// Not a landfall document (a Kubernetes manifest, a CI workflow):
    /// a directory walk skips it.
    NotLandfall,
    Landfall(Kind),
    /// A landfall `apiVersion` with a missing or unknown `kind`.
    UnknownKind(Diagnostic),
}

/// Classifies a document by its envelope: a mapping whose `apiVersion` is a
/// string starting with `landfall.dev/` is landfall's.
pub fn classify(file: FileId, root: &Node) -> Envelope {
    let Some(api_version) = root.entry("apiVersion") else {
        return Envelope::NotLandfall;
    };
    if !api_version
        .value
        .as_str()
        .is_some_and(|v| v.starts_with(API_GROUP_PREFIX))
    {
        return Envelope::NotLandfall;
    }
    let kinds = Kind::ALL.map(Kind::as_str);
    let listed = format!(
        "the kinds are {}",
        kinds.map(|k| format!("`{k}`")).join(", ")
    );
    let Some(kind) = root.entry("kind") else {
        let key = &api_version.key;
        return Envelope::UnknownKind(
            Diagnostic::new(
                &UNKNOWN_KIND,
                Span::new(file, key.start, key.end.max(key.start)),
                "landfall document without a `kind`",
            )
            .with_span_label("this document has no `kind`")
            .with_help(format!("add `kind:`; {listed}")),
        );
    };
    let node = &kind.value;
    let span = Span::new(file, node.start, node.end.max(node.start));
    match node.as_str() {
        Some(text) => match Kind::parse(text) {
            Some(kind) => Envelope::Landfall(kind),
            None => {
                let help = match did_you_mean(text, kinds) {
                    Some(close) => format!("did you mean `{close}`? The{}", &listed[3..]),
                    None => listed,
                };
                Envelope::UnknownKind(
                    Diagnostic::new(&UNKNOWN_KIND, span, format!("unknown kind `{text}`"))
                        .with_span_label("unknown kind")
                        .with_help(help),
                )
            }
        },
        None => Envelope::UnknownKind(
            Diagnostic::new(
                &UNKNOWN_KIND,
                span,
                format!("`kind` must be a string, found {}", node.type_name()),
            )
            .with_span_label("expected a kind")
            .with_help(listed),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify_text(text: &str) -> Envelope {
        let parsed = landfall_yaml::parse(FileId(0), text, &Default::default());
        classify(FileId(0), &parsed.documents[0].root)
    }

    #[test]
    fn landfall_documents_by_api_version() {
        assert_eq!(
            classify_text("apiVersion: landfall.dev/v1\nkind: Workload\n"),
            Envelope::Landfall(Kind::Workload)
        );
        // A wrong version is still ours: the schema reports it.
        assert_eq!(
            classify_text("apiVersion: landfall.dev/v2\nkind: Scope\n"),
            Envelope::Landfall(Kind::Scope)
        );
        for other in [
            "apiVersion: apps/v1\nkind: Deployment\n",
            "kind: Workload\n",
            "apiVersion: 1\nkind: Workload\n",
            "- apiVersion: landfall.dev/v1\n",
            "just text\n",
            "apiVersion: landfall.dev\nkind: Workload\n",
        ] {
            assert_eq!(classify_text(other), Envelope::NotLandfall, "{other}");
        }
    }

    #[test]
    fn unknown_kind_with_did_you_mean() {
        let text = "apiVersion: landfall.dev/v1\nkind: Workoad\n";
        let Envelope::UnknownKind(d) = classify_text(text) else {
            panic!("expected unknown-kind");
        };
        assert_eq!(d.rule, "unknown-kind");
        assert_eq!(d.message, "unknown kind `Workoad`");
        assert_eq!(&text[d.span.start as usize..d.span.end as usize], "Workoad");
        let help = d.help.unwrap();
        assert!(help.starts_with("did you mean `Workload`?"), "{help}");
        assert!(help.contains("`ScopeType`"), "{help}");
    }

    #[test]
    fn missing_or_non_string_kind() {
        let text = "apiVersion: landfall.dev/v1\nmetadata: {name: x}\n";
        let Envelope::UnknownKind(d) = classify_text(text) else {
            panic!("expected unknown-kind");
        };
        assert_eq!(
            &text[d.span.start as usize..d.span.end as usize],
            "apiVersion"
        );

        let text = "apiVersion: landfall.dev/v1\nkind: [Workload]\n";
        let Envelope::UnknownKind(d) = classify_text(text) else {
            panic!("expected unknown-kind");
        };
        assert_eq!(d.message, "`kind` must be a string, found list");
        assert_eq!(
            &text[d.span.start as usize..d.span.end as usize],
            "[Workload]"
        );

        let Envelope::UnknownKind(d) =
            classify_text("apiVersion: landfall.dev/v1\nkind: Frobnicator\n")
        else {
            panic!("expected unknown-kind");
        };
        assert!(d.help.unwrap().starts_with("the kinds are `Application`"));
    }
}
