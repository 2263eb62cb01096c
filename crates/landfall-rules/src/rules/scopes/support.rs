//! Helpers shared by the scope rules: finding the span of a key that the
//! typed model does not keep, and words for lists and paths.

use std::collections::HashMap;

use landfall_diagnostics::{FileId, SourceDb, Span};
use landfall_model::LoadedDocument;
use landfall_yaml::{Limits, Node};

/// The node trees of files, parsed again on demand.
///
/// The typed model keeps the values of `spec.parameters` and
/// `spec.dimensions` but not their keys, which is where a finding about a
/// field that is missing *inside* them points. Only the (rare) documents
/// with such a finding pay for it: each of their files is parsed once more,
/// with the limits the pipeline used, and kept for the rest of the run.
pub struct Roots<'a> {
    sources: &'a SourceDb,
    files: HashMap<FileId, Vec<landfall_yaml::Document>>,
}

impl<'a> Roots<'a> {
    pub fn new(sources: &'a SourceDb) -> Self {
        Roots {
            sources,
            files: HashMap::new(),
        }
    }

    /// The root node of a document.
    fn root(&mut self, file: FileId, index: usize) -> Option<&Node> {
        if (file.0 as usize) >= self.sources.len() {
            return None;
        }
        let sources = self.sources;
        let documents = self.files.entry(file).or_insert_with(|| {
            landfall_yaml::parse(file, sources.file(file).text(), &Limits::default()).documents
        });
        documents.iter().find(|d| d.index == index).map(|d| &d.root)
    }

    /// The span of the key at `pointer` (`/spec/parameters`) in a document,
    /// when the document has it.
    pub fn key_span(&mut self, doc: &LoadedDocument, pointer: &str) -> Option<Span> {
        let file = doc.file;
        let (_, key) = self.root(file, doc.index)?.pointer(pointer)?;
        key.map(|k| span(file, k))
    }
}

/// A node's span in `file`.
pub fn span(file: FileId, node: &Node) -> Span {
    Span::new(file, node.start, node.end)
}

/// `a`, `b`, `c` in backticks.
pub fn list<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    items
        .into_iter()
        .map(|i| format!("`{}`", i.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A JSON pointer into the parameters as a user reads it:
/// `/health_check/ports/0` is `health_check.ports[0]`. Empty for the root.
pub fn describe_pointer(pointer: &str) -> String {
    let mut out = String::new();
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{segment}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&segment);
        }
    }
    out
}

/// Appends one segment to a JSON pointer, escaped.
pub fn push_pointer(pointer: &str, segment: &str) -> String {
    format!(
        "{pointer}/{}",
        segment.replace('~', "~0").replace('/', "~1")
    )
}

#[cfg(test)]
pub mod testing {
    //! The whole checker over files given as text, for the rules' tests.

    use landfall_diagnostics::{Diagnostic, SourceDb};

    use crate::{CheckInput, check};

    /// The clean tree of the rules brief, one file.
    pub const CLEAN: &str = r#"apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec: {version: "2.4.2"}
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
"#;

    /// A finding as the tests compare it.
    #[derive(Debug)]
    pub struct Found {
        /// The text under the primary span.
        pub text: String,
        pub message: String,
        /// The text under each secondary label, with its message.
        pub labels: Vec<(String, String)>,
        pub help: Option<String>,
        pub diagnostic: Diagnostic,
    }

    /// Checks the files (named `0.yaml`, `1.yaml`, …) and returns the
    /// findings of `rule` only, in output order.
    pub fn findings(files: &[&str], rule: &str) -> Vec<Found> {
        let mut db = SourceDb::new();
        let inputs: Vec<CheckInput> = files
            .iter()
            .enumerate()
            .map(|(n, text)| CheckInput {
                file: db.add(format!("{n}.yaml"), text.to_string()),
                explicit: false,
                problem: None,
            })
            .collect();
        let outcome = check(&db, &inputs);
        let text = |s: landfall_diagnostics::Span| {
            db.file(s.file).text()[s.start as usize..s.end as usize].to_string()
        };
        outcome
            .diagnostics
            .into_iter()
            .filter(|d| d.rule == rule)
            .map(|d| Found {
                text: text(d.span),
                message: d.message.clone(),
                labels: d
                    .labels
                    .iter()
                    .map(|l| (text(l.span), l.message.clone()))
                    .collect(),
                help: d.help.clone(),
                diagnostic: d,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_pointers() {
        assert_eq!(describe_pointer(""), "");
        assert_eq!(describe_pointer("/a"), "a");
        assert_eq!(describe_pointer("/a/0/b~1c"), "a[0].b/c");
        assert_eq!(push_pointer("/a", "b/c~"), "/a/b~1c~0");
    }

    #[test]
    fn finds_keys_by_reparsing() {
        let mut db = SourceDb::new();
        let text = "a: 1\n---\nspec:\n  # note\n  parameters: # here\n    x: 1\n";
        let file = db.add("t.yaml", text);
        let parsed = landfall_yaml::parse(file, text, &Limits::default());
        let (doc, _) = landfall_model::build(
            file,
            1,
            landfall_schema::Kind::Scope,
            &parsed.documents[1].root,
            true,
        );
        let mut roots = Roots::new(&db);
        let found = roots.key_span(&doc, "/spec/parameters").unwrap();
        assert_eq!(
            &text[found.start as usize..found.end as usize],
            "parameters"
        );
        assert!(roots.key_span(&doc, "/spec/dimensions").is_none());
    }
}
