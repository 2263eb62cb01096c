//! A second dialect, defined here as one module would define it: `kind:
//! Tiny` documents (`name`, `app`, `image`, `port`) read as a landfall
//! Workload with spans on the native nodes. The check then treats them as
//! it treats landfall's own documents.

use landfall_diagnostics::{Diagnostic, DocumentOutline, FileId, SourceDb, Span};
use landfall_model::{
    Container, Document, LoadedDocument, Metadata, Port, Probes, Resources, SchemaFaults, Spanned,
    Workload,
};
use landfall_schema::Kind;
use landfall_yaml::Node;

use super::landfall::Landfall;
use super::{Dialect, Output, Source, registry};
use crate::{CheckInput, CheckOptions, CheckOutcome, Preloaded, check_with_options};

struct Tiny;

fn is_tiny(root: &Node) -> bool {
    root.get("kind").and_then(Node::as_str) == Some("Tiny")
}

fn string(file: FileId, root: &Node, key: &str) -> Option<Spanned<String>> {
    let node = root.get(key)?;
    Some(Spanned::new(
        node.as_str()?.to_string(),
        Span::new(file, node.start, node.end),
    ))
}

impl Dialect for Tiny {
    fn name(&self) -> &'static str {
        "tiny"
    }

    fn detect(&self, source: &Source<'_>) -> bool {
        source.documents.iter().any(|d| is_tiny(&d.root))
    }

    fn read<'a>(&self, source: &Source<'a>, out: &mut Output<'a>) {
        let file = source.file;
        for document in source.documents.iter().filter(|d| is_tiny(&d.root)) {
            let root = &document.root;
            let whole = Span::new(file, root.start, root.end);
            let kind_span = root
                .entry("kind")
                .map_or(whole, |e| Span::new(file, e.key.start, e.value.end));
            let name = string(file, root, "name");
            out.recognise(DocumentOutline {
                index: document.index,
                kind: Some(Kind::Workload.as_str()),
                name: name.as_ref().map(|n| n.value.clone()),
                span: whole,
            });
            let ports = root
                .get("port")
                .and_then(|node| {
                    Some(Port {
                        port: Spanned::new(node.as_i64()?, Span::new(file, node.start, node.end)),
                        protocol: None,
                        span: Span::new(file, node.start, node.end),
                    })
                })
                .into_iter()
                .collect();
            let workload = Workload {
                meta: Metadata {
                    name: name.clone(),
                    application: string(file, root, "app"),
                    labels: Vec::new(),
                    annotations: Vec::new(),
                    kind_span,
                },
                workload_type: None,
                containers: vec![Container {
                    name,
                    image: string(file, root, "image"),
                    command: None,
                    args: None,
                    working_dir: None,
                    user: None,
                    ports,
                    resources: Resources::default(),
                    env: Vec::new(),
                    probes: Probes::default(),
                    volumes: Vec::new(),
                    lifecycle: None,
                    span: whole,
                }],
                scaling: None,
                capacity_ai: None,
                timeout: None,
                expose: None,
                rollout: None,
                security: None,
                job: None,
                spec_span: kind_span,
                variable_uses: Vec::new(),
            };
            let document = LoadedDocument {
                file,
                index: document.index,
                faults: SchemaFaults::None,
                doc: Document::Workload(Box::new(workload)),
            };
            // Policies read landfall's paths, which a Tiny tree lacks.
            out.document(document, None);
        }
    }

    fn claims_broken(&self, _text: &str) -> bool {
        false
    }

    fn foreign_file(&self, file: FileId) -> Diagnostic {
        Diagnostic::new(
            &landfall_model::rules::UNKNOWN_KIND,
            Span::new(file, 0, 0),
            "this file holds no Tiny document",
        )
    }
}

static WITH_TINY: [&dyn Dialect; 2] = [&Landfall, &Tiny];

const APPLICATION: &str = "apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec: {version: \"2.4.2\"}
";

fn run(
    tiny: &str,
    dialects: &'static [&'static dyn Dialect],
    explicit: bool,
) -> (SourceDb, CheckOutcome) {
    let mut db = SourceDb::new();
    let app = db.add("app.yaml", APPLICATION);
    let tiny = db.add("api.tiny.yaml", tiny);
    let inputs = [
        CheckInput {
            file: app,
            explicit: true,
        },
        CheckInput {
            file: tiny,
            explicit,
        },
    ];
    let options = CheckOptions {
        dialects,
        ..CheckOptions::default()
    };
    let outcome = check_with_options(&mut db, &inputs, &Preloaded, options);
    (db, outcome)
}

fn spanned<'a>(db: &'a SourceDb, d: &Diagnostic) -> &'a str {
    &db.file(d.span.file).text()[d.span.start as usize..d.span.end as usize]
}

const TINY: &str = "kind: Tiny
name: api
app: shop
image: registry.example.com/shop/api:2.4.2
port: 70000
";

#[test]
fn a_second_dialect_gets_the_rules_on_its_native_spans() {
    let (db, outcome) = run(TINY, &WITH_TINY, false);
    let port: Vec<&Diagnostic> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.rule == "port-range")
        .collect();
    assert_eq!(port.len(), 1, "{:#?}", outcome.diagnostics);
    assert_eq!(db.file(port[0].span.file).name(), "api.tiny.yaml");
    assert_eq!(spanned(&db, port[0]), "70000");
    assert!(!port[0].is_suppressed());
    // The Tiny file counts as one of landfall's, its document resolved
    // into the project beside the landfall Application.
    assert_eq!((outcome.files, outcome.documents), (2, 2));
    let titles: Vec<String> = outcome
        .outline
        .iter()
        .filter(|f| f.file == port[0].span.file)
        .flat_map(|f| f.documents.iter().map(|d| d.title()))
        .collect();
    assert_eq!(titles, ["Workload/api"]);
    assert!(
        outcome
            .project
            .workloads()
            .any(|w| w.meta.name() == Some("api"))
    );
}

#[test]
fn suppression_comments_work_in_a_second_dialect() {
    let text = TINY.replace(
        "port: 70000",
        "port: 70000 # landfall-ignore: port-range -- the test needs it",
    );
    let (_, outcome) = run(&text, &WITH_TINY, false);
    let port: Vec<&Diagnostic> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.rule == "port-range")
        .collect();
    assert_eq!(port.len(), 1, "{:#?}", outcome.diagnostics);
    assert!(port[0].is_suppressed());
}

#[test]
fn a_file_no_dialect_detects_is_landfall_s() {
    // Found by a walk: skipped, as any foreign YAML.
    let (_, outcome) = run(TINY, registry(), false);
    assert_eq!((outcome.files, outcome.documents), (1, 1));
    assert!(outcome.diagnostics.iter().all(|d| d.rule != "port-range"));
    // Named: the fallback, landfall, says what the file lacks.
    let (db, outcome) = run(TINY, registry(), true);
    let foreign: Vec<String> = outcome
        .diagnostics
        .iter()
        .filter(|d| db.file(d.span.file).name() == "api.tiny.yaml")
        .map(|d| format!("{}: {}", d.rule, d.message))
        .collect();
    assert_eq!(
        foreign,
        ["unknown-kind: this file holds no landfall document"]
    );
}

#[test]
fn the_registry_starts_with_landfall_and_names_are_unique() {
    let names: Vec<&str> = registry().iter().map(|d| d.name()).collect();
    assert_eq!(names[0], "landfall");
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), names.len());
    assert_eq!(format!("{:?}", WITH_TINY), "[landfall, tiny]");
}
