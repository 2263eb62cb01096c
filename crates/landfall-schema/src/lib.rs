//! The kinds' JSON Schemas (draft 2020-12, from `schemas/`), embedded in the
//! binary and compiled once per process, and validation whose findings land
//! on the exact span: the key of an unknown field, the value of a wrong one,
//! the key of a mapping that lacks a required field.
//!
//! The only crate that knows `jsonschema`. Offline by construction: the crate
//! is built without its HTTP and file retrieval, and only the bundled schemas
//! are registered. Users' schemas (a ScopeType's `parameters`) compile the
//! same way, and their findings come back as landfall's own
//! [`SchemaViolation`]s.

// ARCHITECTURE.md, Invariants: "Library crates do no IO and never print"
// (IO through clippy.toml's disallowed-methods) and "no HashMap iteration
// reaches any output". A loop over a hash map that provably never reaches
// output allows the lint locally, saying why.
#![deny(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::iter_over_hash_type,
    clippy::disallowed_methods
)]

pub mod advice;
pub mod faults;
mod instance;
mod message;
mod numbers;
mod patterns;
mod plan;
pub mod rules;
mod user;
mod walk;

use std::sync::OnceLock;

use jsonschema::{PatternOptions, Registry, Validator};
use landfall_diagnostics::{Diagnostic, FileId};
use landfall_yaml::Node;

use crate::instance::YamlJson;

pub use plan::{PLAN_SCHEMA, plan_schema_errors};
pub use user::{Bound, SchemaError, SchemaErrorKind, SchemaViolation, UserSchema, ViolationKind};
pub use walk::SchemaSet;

/// The document kinds of the spec language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Application,
    Workload,
    Scope,
    ScopeType,
    Platform,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Application,
        Kind::Workload,
        Kind::Scope,
        Kind::ScopeType,
        Kind::Platform,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Application => "Application",
            Kind::Workload => "Workload",
            Kind::Scope => "Scope",
            Kind::ScopeType => "ScopeType",
            Kind::Platform => "Platform",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    fn schema_file(self) -> &'static str {
        match self {
            Kind::Application => "application.schema.json",
            Kind::Workload => "workload.schema.json",
            Kind::Scope => "scope.schema.json",
            Kind::ScopeType => "scopetype.schema.json",
            Kind::Platform => "platform.schema.json",
        }
    }
}

/// The `apiVersion` of every landfall document.
pub const API_VERSION: &str = "landfall.dev/v1";
/// The base the bundled schemas are registered under, so that their
/// relative `$ref`s (`common.schema.json#/...`) resolve among them; only a
/// name, never fetched. The files carry no `$id`: other validators resolve
/// the same references to the files beside them.
pub const SCHEMA_BASE: &str = "https://landfall.dev/schemas/v1/";

/// The bundled schema files, by file name.
pub static SCHEMA_FILES: [(&str, &str); 6] = [
    (
        "common.schema.json",
        include_str!("../../../schemas/common.schema.json"),
    ),
    (
        "application.schema.json",
        include_str!("../../../schemas/application.schema.json"),
    ),
    (
        "workload.schema.json",
        include_str!("../../../schemas/workload.schema.json"),
    ),
    (
        "scope.schema.json",
        include_str!("../../../schemas/scope.schema.json"),
    ),
    (
        "scopetype.schema.json",
        include_str!("../../../schemas/scopetype.schema.json"),
    ),
    (
        "platform.schema.json",
        include_str!("../../../schemas/platform.schema.json"),
    ),
];

/// The schemas of the native formats landfall reads (its input dialects),
/// by file name below `schemas/`: each is self-contained, written from the
/// platform's own documentation, and usable by editors like the others.
pub static DIALECT_SCHEMA_FILES: [(&str, &str); 2] = [
    (
        "dialects/cpln/workload.schema.json",
        include_str!("../../../schemas/dialects/cpln/workload.schema.json"),
    ),
    (
        "dialects/cpln/gvc.schema.json",
        include_str!("../../../schemas/dialects/cpln/gvc.schema.json"),
    ),
];

/// The kinds' validators, each compiled on first use: a one-file check pays
/// only for the kinds it meets (a compile costs about 1.5 ms).
pub struct Schemas {
    registry: Registry<'static>,
    validators: [OnceLock<Validator<YamlJson>>; 5],
    /// Aligned with [`DIALECT_SCHEMA_FILES`].
    native: [OnceLock<Validator<YamlJson>>; DIALECT_SCHEMA_FILES.len()],
    set: SchemaSet,
}

impl Schemas {
    /// The process-wide schemas, compiled on first use.
    pub fn get() -> &'static Schemas {
        static SCHEMAS: OnceLock<Schemas> = OnceLock::new();
        SCHEMAS.get_or_init(Schemas::compile)
    }

    fn compile() -> Schemas {
        let set = SchemaSet::bundled();
        let mut registry = Registry::new();
        for (name, schema) in set.documents() {
            registry = registry
                .add(format!("{SCHEMA_BASE}{name}"), schema.clone())
                .expect("bundled schemas have unique ids");
        }
        let registry = registry.prepare().expect("bundled schemas resolve offline");
        Schemas {
            registry,
            validators: Default::default(),
            native: Default::default(),
            set,
        }
    }

    /// Compiles every kind's validator now (about 2.5 ms in all), so that
    /// no file waits for one later: a caller starts this on a spare thread
    /// while it looks for the files. The Platform first, as a check reads
    /// it first; then the kind most files are.
    pub fn compile_all(&self) {
        for kind in [
            Kind::Platform,
            Kind::Workload,
            Kind::Application,
            Kind::Scope,
            Kind::ScopeType,
        ] {
            self.validator(kind);
        }
    }

    fn validator(&self, kind: Kind) -> &Validator<YamlJson> {
        let index = Kind::ALL
            .iter()
            .position(|k| *k == kind)
            .expect("every kind is in Kind::ALL");
        self.validators[index].get_or_init(|| self.build(kind.schema_file()))
    }

    fn build(&self, schema_file: &str) -> Validator<YamlJson> {
        jsonschema::options_for::<YamlJson>()
            .with_registry(&self.registry)
            .with_pattern_options(PatternOptions::regex())
            .with_base_uri(format!("{SCHEMA_BASE}{schema_file}"))
            .build(self.set.document(schema_file))
            .expect("bundled schemas compile; a test checks it")
    }

    /// Validates a document of a native format against its schema,
    /// `schema_file` being a name of [`DIALECT_SCHEMA_FILES`]: findings on
    /// the exact spans, with did-you-mean on unknown keys, and the faults.
    ///
    /// # Panics
    /// When `schema_file` is not a bundled dialect schema (a programming
    /// error, which the dialects' tests would show).
    pub fn check_native(
        &self,
        schema_file: &str,
        file: FileId,
        text: &str,
        root: &Node,
    ) -> Validation {
        let index = DIALECT_SCHEMA_FILES
            .iter()
            .position(|(name, _)| *name == schema_file)
            .expect("a bundled dialect schema");
        let validator = self.native[index].get_or_init(|| self.build(schema_file));
        self.validate_with(validator, schema_file, file, text, root)
    }

    /// Validates a document of `kind` whose file's text is `text`; every
    /// finding carries its exact span (and a help quotes values as written).
    pub fn validate(&self, kind: Kind, file: FileId, text: &str, root: &Node) -> Vec<Diagnostic> {
        self.check(kind, file, text, root).diagnostics
    }

    /// Validates a document of `kind`: the findings, and where the
    /// document is invalid, so that what is valid can still be judged.
    pub fn check(&self, kind: Kind, file: FileId, text: &str, root: &Node) -> Validation {
        self.validate_with(self.validator(kind), kind.schema_file(), file, text, root)
    }

    fn validate_with(
        &self,
        validator: &Validator<YamlJson>,
        schema_file: &str,
        file: FileId,
        text: &str,
        root: &Node,
    ) -> Validation {
        // Numbers no JSON value holds are findings of their own, and what
        // the schema says about those values (read as `null`) is not.
        let unrepresentable = numbers::find(root, text);
        // The fast boolean check answers for almost every file.
        if unrepresentable.is_empty() && validator.is_valid(root) {
            return Validation::default();
        }
        let mut validation = Validation::default();
        for number in &unrepresentable {
            validation.diagnostics.push(number.diagnostic(file, text));
            validation.faults.push(number.pointer.clone());
        }
        for error in validator.iter_errors(root) {
            let path = error.instance_path().as_str();
            if unrepresentable.iter().any(|n| n.covers(path)) {
                continue;
            }
            validation.diagnostics.extend(message::diagnostics(
                &self.set,
                schema_file,
                file,
                text,
                root,
                &error,
            ));
            validation
                .faults
                .extend(faults::of(&self.set, schema_file, root, &error));
        }
        validation.diagnostics.dedup();
        validation.faults.sort();
        validation.faults.dedup();
        validation
    }
}

/// What validating one document found.
#[derive(Debug, Default)]
pub struct Validation {
    pub diagnostics: Vec<Diagnostic>,
    /// Where the document is invalid, as JSON pointers ([`faults`] says
    /// which pointer each kind of error gives), sorted; empty when it is
    /// valid. `""` is the whole document.
    pub faults: Vec<String>,
}

impl Validation {
    pub fn is_valid(&self) -> bool {
        self.diagnostics.is_empty() && self.faults.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (text under the span, help) of each finding of a one-document file.
    fn helps(kind: Kind, text: &str) -> Vec<(String, Option<String>)> {
        let file = FileId(0);
        let parsed = landfall_yaml::parse(file, text, &Default::default());
        Schemas::get()
            .validate(kind, file, text, &parsed.documents[0].root)
            .into_iter()
            .map(|d| {
                let at = text[d.span.start as usize..d.span.end as usize].to_string();
                (at, d.help)
            })
            .collect()
    }

    #[test]
    fn helps_quote_values_as_written_and_name_booleans() {
        let quote = |text: &str| Some(format!("quote it to make it a string: \"{text}\""));
        assert_eq!(
            helps(
                Kind::Application,
                "apiVersion: landfall.dev/v1\nkind: Application\nmetadata: {name: shop}\nspec: {version: 1.0}\n"
            ),
            [("1.0".to_string(), quote("1.0"))]
        );
        let workload = "apiVersion: landfall.dev/v1\nkind: Workload\nmetadata: {name: api, application: shop}\nspec:\n  type: standard\n  capacityAI: on\n  containers:\n    - name: api\n      image: nginx:1\n      env: {UMASK: 0755, HEX: 0x1F, TAGGED: !!int 010, EMPTY: }\n";
        let mut found = helps(Kind::Workload, workload);
        found.sort();
        let expected = |text: &str, help: Option<String>| (text.to_string(), help);
        assert_eq!(
            found,
            [
                expected("", None),
                expected("!!int 010", quote("010")),
                expected("0755", quote("0755")),
                expected("0x1F", quote("0x1F")),
                expected("on", Some("write `true`".to_string())),
            ]
        );
    }

    /// Names, quantities, durations, ports, cron schedules and CIDRs have
    /// patterns and ranges for editors; landfall leaves them to its rules
    /// (invalid-name, invalid-quantity, port-range, cron-schedule,
    /// invalid-cidr), which report each once, with a better message.
    #[test]
    fn what_rules_check_is_left_to_them() {
        let workload = "apiVersion: landfall.dev/v1\nkind: Workload\nmetadata: {name: Api_Server, application: shop}\nspec:\n  type: cron\n  job: {schedule: every day}\n  expose: {inbound: [10.0.0.1/33]}\n  containers:\n    - name: api\n      image: nginx:1\n      ports: [{port: 70000}]\n      resources: {cpu: lots, memory: 1Gi}\n      probes: {readiness: {tcp: {port: 0}, period: 30 seconds}}\n";
        assert_eq!(helps(Kind::Workload, workload), []);
        let file = SCHEMA_FILES
            .iter()
            .find(|(name, _)| *name == "common.schema.json")
            .unwrap()
            .1;
        let marked = file.matches("\"x-landfall-rule\"").count();
        assert_eq!(marked, 6, "name, quantity, duration, port, cron, CIDR");
        assert!(
            !SchemaSet::bundled()
                .documents()
                .any(|(_, schema)| schema.to_string().contains("x-landfall-rule"))
        );
    }

    #[test]
    fn bundled_schemas_compile() {
        let schemas = Schemas::get();
        for kind in Kind::ALL {
            schemas.validator(kind);
        }
        for (name, _) in &DIALECT_SCHEMA_FILES {
            let empty = Node {
                start: 0,
                end: 0,
                style: landfall_yaml::Style::Plain,
                value: landfall_yaml::Value::Null,
            };
            schemas.check_native(name, FileId(0), "", &empty);
        }
    }
}
