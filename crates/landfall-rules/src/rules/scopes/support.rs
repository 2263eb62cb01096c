//! Helpers shared by the scope rules: spans and JSON pointers; the words
//! for lists and paths come from `landfall_diagnostics`.

use landfall_diagnostics::{FileId, Span};
pub use landfall_diagnostics::{code_list as list, describe_pointer};
use landfall_yaml::Node;

/// A node's span in `file`.
pub fn span(file: FileId, node: &Node) -> Span {
    Span::new(file, node.start, node.end)
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

    use landfall_diagnostics::Diagnostic;

    use crate::testing::check_files;

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
        let names: Vec<String> = (0..files.len()).map(|n| format!("{n}.yaml")).collect();
        let named: Vec<(&str, &str)> = names
            .iter()
            .map(String::as_str)
            .zip(files.iter().copied())
            .collect();
        let (db, outcome) = check_files(&named, false);
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
}
