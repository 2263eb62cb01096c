//! The dialect `cpln`: Control Plane's own manifests, as `cpln apply`
//! reads them. Plain documents (`kind: workload`, `name`, `gvc`, `spec`,
//! no `apiVersion`) are known only by their shape and read only when the
//! user names the dialect; the operator's form (`apiVersion: cpln.io/v1`)
//! is known by its signature.
//!
//! A `workload` becomes a landfall Workload with spans on the native
//! nodes; a `gvc` is validated and counted (it is a placement, with
//! nothing landfall's rules judge); the other kinds (identity, secret,
//! policy, volumeset, …) are recognised and skipped.

mod build;
mod profile;
pub(crate) mod rules;

use landfall_diagnostics::{Diagnostic, DocumentOutline, FileId, RuleMeta, Span};
use landfall_model::{Document, LoadedDocument, SchemaFaults};
use landfall_rules::EffectivePlatform;
use landfall_schema::Schemas;
use landfall_yaml::Node;

use super::nodes::Reader;
use super::{Dialect, Output, Source};

pub struct Cpln;

/// The operator's `apiVersion`.
pub const API_VERSION: &str = "cpln.io/v1";

/// Every kind `cpln apply` takes; `workload` and `gvc` are modelled.
const KINDS: [&str; 19] = [
    "workload",
    "gvc",
    "identity",
    "secret",
    "policy",
    "volumeset",
    "domain",
    "agent",
    "cloudaccount",
    "group",
    "serviceaccount",
    "location",
    "ipset",
    "mk8s",
    "org",
    "user",
    "auditctx",
    "image",
    "quota",
];

/// What a document of a cpln file is.
enum Shape<'a> {
    Cpln(&'a str),
    /// Not a Control Plane document (another platform's, or no mapping).
    Foreign,
}

fn shape(root: &Node) -> Shape<'_> {
    let api = root.get("apiVersion").map(Node::as_str);
    let kind = root.get("kind").and_then(Node::as_str);
    match (api, kind) {
        (None | Some(Some(API_VERSION)), Some(kind)) if KINDS.contains(&kind) => Shape::Cpln(kind),
        _ => Shape::Foreign,
    }
}

fn name(root: &Node) -> Option<String> {
    root.get("name")
        .or_else(|| root.get("metadata").and_then(|m| m.get("name")))
        .and_then(Node::as_str)
        .map(str::to_string)
}

impl Dialect for Cpln {
    fn name(&self) -> &'static str {
        "cpln"
    }

    fn detect(&self, source: &Source<'_>) -> bool {
        source
            .documents
            .iter()
            .any(|d| d.root.get("apiVersion").and_then(Node::as_str) == Some(API_VERSION))
    }

    fn mentions_signature(&self, text: &str) -> bool {
        text.contains("apiVersion: cpln.io/v1")
    }

    fn read<'a>(&self, source: &Source<'a>, out: &mut Output<'a>) {
        let reader = Reader {
            file: source.file,
            text: source.text,
        };
        let schemas = Schemas::get();
        for document in source.documents {
            let root = &document.root;
            let whole = reader.span(root);
            let kind = match shape(root) {
                Shape::Cpln(kind) => kind,
                Shape::Foreign => {
                    // Found by its signature, the file may hold other
                    // documents; named, each must be Control Plane's.
                    if source.named && !root.is_null() {
                        out.diagnostic(not_cpln(&reader, root));
                    }
                    continue;
                }
            };
            out.recognise(DocumentOutline {
                index: document.index,
                // In the platform's words: `workload/api`, `secret/db`.
                kind: KINDS.iter().copied().find(|k| *k == kind),
                name: name(root),
                span: whole,
            });
            let schema = match kind {
                "workload" => "dialects/cpln/workload.schema.json",
                "gvc" => "dialects/cpln/gvc.schema.json",
                // Not modelled: recognised, counted, skipped.
                _ => continue,
            };
            let validation = schemas.check_native(schema, reader.file, reader.text, root);
            let valid = validation.is_valid();
            out.diagnostics(validation.diagnostics);
            if kind != "workload" {
                continue;
            }
            let workload = build::workload(&reader, root, &mut out.diagnostics);
            out.diagnostics(rules::check(&reader, root, &workload));
            let loaded = LoadedDocument {
                file: reader.file,
                index: document.index,
                faults: if valid {
                    SchemaFaults::None
                } else {
                    SchemaFaults::At(validation.faults)
                },
                doc: Document::Workload(Box::new(workload)),
            };
            // Policies read landfall's paths, which a native tree lacks.
            out.document(loaded, None);
        }
    }

    fn claims_broken(&self, text: &str) -> bool {
        text.contains(API_VERSION) || text.contains("kind: workload") || text.contains("kind: gvc")
    }

    fn foreign_file(&self, file: FileId) -> Diagnostic {
        Diagnostic::new(
            &landfall_model::rules::UNKNOWN_KIND,
            Span::new(file, 0, 0),
            "this file holds no Control Plane document",
        )
        .with_help(expected())
    }

    fn profile(&self) -> Option<&'static EffectivePlatform<'static>> {
        Some(profile::get())
    }

    fn rules(&self) -> &'static [&'static RuleMeta] {
        &rules::ALL
    }

    fn catalogue(&self) -> Option<&'static [&'static str]> {
        Some(&rules::CATALOGUE)
    }

    fn documentation(&self) -> &'static str {
        "Control Plane's workload reference (docs.controlplane.com, Reference: Workload), \
         its generated TypeScript types (WorkloadSpec, ContainerSpec) and the validation \
         errors its API returns"
    }

    fn adapt(&self, diagnostic: &mut Diagnostic, path: Option<&str>) {
        if let Some(path) = path
            && !diagnostic.message.contains(path)
        {
            diagnostic.message = format!("`{path}`: {}", diagnostic.message);
        }
        // The catalogue's helps name landfall's fields; say Control Plane's.
        if let Some(help) = &mut diagnostic.help {
            if diagnostic.rule == "plaintext-secret" {
                *help =
                    "store it in a Control Plane secret and write `value: cpln://secret/NAME.KEY`"
                        .to_string();
            } else {
                *help = help
                    .replace("resources.cpu", "cpu")
                    .replace("resources.memory", "memory")
                    .replace("spec.scaling", "spec.defaultOptions.autoscaling");
            }
        }
    }
}

fn expected() -> String {
    "a Control Plane document has `kind: workload` (or gvc, identity, secret, policy, \
     volumeset, …), `name` and `spec`, without an `apiVersion` or with `apiVersion: cpln.io/v1`"
        .to_string()
}

/// A document read as Control Plane's that is not.
fn not_cpln(reader: &Reader<'_>, root: &Node) -> Diagnostic {
    let at = reader
        .entry_span(root, "kind")
        .or_else(|| reader.entry_span(root, "apiVersion"))
        .unwrap_or(Span::new(reader.file, root.start, root.start));
    let what = match (
        root.get("apiVersion").and_then(Node::as_str),
        root.get("kind").and_then(Node::as_str),
    ) {
        (Some(api), Some(kind)) => format!("`{api}` `{kind}`"),
        (None, Some(kind)) => format!("kind `{kind}`"),
        _ => "this document".to_string(),
    };
    Diagnostic::new(
        &landfall_model::rules::UNKNOWN_KIND,
        at,
        format!("{what} is not a Control Plane document, which this file is read as"),
    )
    .with_span_label("not a Control Plane kind")
    .with_help(expected())
}

#[cfg(test)]
mod tests;
