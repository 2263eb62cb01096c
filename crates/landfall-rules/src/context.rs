//! What every rule sees: the resolved project, the platform in force, and
//! the source text.

use landfall_diagnostics::{SourceDb, Span};
use landfall_model::defaults;
use landfall_model::{
    Application, Dimension, LoadedDocument, Platform, Project, Scalar, SchemaFaults, ScopeType,
    Spanned, Unread, Workload,
};

use landfall_model::quantity::{Quantity, parse_quantity};

use crate::reads::Reads;

/// A platform value and, when it was written in a Platform document, where.
#[derive(Clone, Debug)]
pub struct Setting<T> {
    pub value: T,
    pub span: Option<Span>,
}

impl<T> Setting<T> {
    fn default(value: T) -> Self {
        Setting { value, span: None }
    }
}

/// The platform rules hold: the Platform document's values where it sets
/// them, the built-in defaults of `docs/language.md` elsewhere.
#[derive(Debug)]
pub struct EffectivePlatform<'a> {
    /// The Platform document in force (the first one, when there are several).
    pub document: Option<&'a Platform>,
    pub blocked_ports: Vec<Setting<i64>>,
    pub reserved_env: Vec<Setting<String>>,
    pub max_env_value_length: Setting<i64>,
    pub max_volumes: Setting<i64>,
    pub reserved_mount_paths: Vec<Setting<String>>,
    /// Base units: cores and bytes.
    pub cpu_min: Setting<Quantity>,
    pub cpu_max: Setting<Quantity>,
    pub memory_min: Setting<Quantity>,
    pub memory_max: Setting<Quantity>,
    /// MiB of memory per millicore of CPU.
    pub max_memory_per_cpu: Setting<f64>,
    pub dimensions: &'a [Dimension],
    /// Where the Platform document in force failed its schema
    /// ([`SchemaFaults::Everywhere`] when the file that may hold it could
    /// not be read): a rule that reads a faulty setting does not run, since
    /// it would judge by the default instead.
    pub faults: SchemaFaults,
}

impl<'a> EffectivePlatform<'a> {
    pub fn new(document: Option<&'a Platform>) -> Self {
        let list_i64 = |written: Option<&'a Vec<Spanned<i64>>>, default: &[i64]| match written {
            Some(items) => items
                .iter()
                .map(|i| Setting {
                    value: i.value,
                    span: Some(i.span),
                })
                .collect(),
            None => default.iter().map(|&v| Setting::default(v)).collect(),
        };
        let list_str = |written: Option<&'a Vec<Spanned<String>>>, default: &[&str]| match written {
            Some(items) => items
                .iter()
                .map(|i| Setting {
                    value: i.value.clone(),
                    span: Some(i.span),
                })
                .collect(),
            None => default
                .iter()
                .map(|v| Setting::default(v.to_string()))
                .collect(),
        };
        let int = |written: Option<&Spanned<i64>>, default: i64| match written {
            Some(w) => Setting {
                value: w.value,
                span: Some(w.span),
            },
            None => Setting::default(default),
        };
        // A quantity that does not parse is reported by `invalid-quantity`;
        // the default then holds, so other rules still run.
        let quantity = |written: Option<&Spanned<Scalar>>, default: &str| {
            written
                .and_then(|w| {
                    parse_quantity(&w.value.text).ok().map(|q| Setting {
                        value: q,
                        span: Some(w.span),
                    })
                })
                .unwrap_or_else(|| {
                    Setting::default(parse_quantity(default).expect("defaults parse"))
                })
        };
        let resources = document.map(|p| &p.resources);
        EffectivePlatform {
            document,
            blocked_ports: list_i64(
                document.and_then(|p| p.blocked_ports.as_ref()),
                &defaults::BLOCKED_PORTS,
            ),
            reserved_env: list_str(
                document.and_then(|p| p.reserved_env.as_ref()),
                &defaults::RESERVED_ENV,
            ),
            max_env_value_length: int(
                document.and_then(|p| p.max_env_value_length.as_ref()),
                defaults::MAX_ENV_VALUE_LENGTH,
            ),
            max_volumes: int(
                document.and_then(|p| p.max_volumes.as_ref()),
                defaults::MAX_VOLUMES,
            ),
            reserved_mount_paths: list_str(
                document.and_then(|p| p.reserved_mount_paths.as_ref()),
                &defaults::RESERVED_MOUNT_PATHS,
            ),
            cpu_min: quantity(
                resources.and_then(|r| r.cpu_min.as_ref()),
                defaults::CPU_MIN,
            ),
            cpu_max: quantity(
                resources.and_then(|r| r.cpu_max.as_ref()),
                defaults::CPU_MAX,
            ),
            memory_min: quantity(
                resources.and_then(|r| r.memory_min.as_ref()),
                defaults::MEMORY_MIN,
            ),
            memory_max: quantity(
                resources.and_then(|r| r.memory_max.as_ref()),
                defaults::MEMORY_MAX,
            ),
            max_memory_per_cpu: match resources.and_then(|r| r.max_memory_per_cpu.as_ref()) {
                Some(w) => Setting {
                    value: w.value,
                    span: Some(w.span),
                },
                None => Setting::default(defaults::MAX_MEMORY_PER_CPU),
            },
            dimensions: document.map_or(&[], |p| p.dimensions.as_slice()),
            faults: SchemaFaults::None,
        }
    }
}

/// What a per-document check may look at: the platform and the sources,
/// never the rest of the project (documents are checked in parallel, file by
/// file, and other files may not have been read yet).
pub struct DocumentContext<'a> {
    pub platform: &'a EffectivePlatform<'a>,
    /// The text of the document's file (the only text held while it is checked).
    pub file_text: &'a str,
    /// File names; texts of other files may not be held.
    pub sources: &'a SourceDb,
}

impl<'a> DocumentContext<'a> {
    /// The source text a span of the document's file covers.
    pub fn text(&self, span: Span) -> &'a str {
        self.file_text
            .get(span.start as usize..span.end as usize)
            .unwrap_or_default()
    }
}

/// What a project check may look at: every document, resolved. Rules never see IO.
pub struct Context<'a> {
    pub project: &'a Project,
    pub platform: &'a EffectivePlatform<'a>,
    pub sources: &'a SourceDb,
    /// The ids of the policy rules in force (`policy/<id>`).
    pub policy_ids: &'a [String],
    /// The parts of files that could not be read: a name they mention may
    /// be defined or used there, so a rule does not judge it by its
    /// absence.
    pub unread: &'a Unread,
}

impl<'a> Context<'a> {
    /// Documents that passed their schema.
    pub fn valid_documents(&self) -> impl Iterator<Item = &'a LoadedDocument> {
        self.project.documents.iter().filter(|d| d.schema_valid())
    }

    /// The documents a rule that reads `reads` judges: those where no
    /// schema fault touches what it reads, so that a fault already
    /// reported by `schema` is not reported again (nor judged by default).
    pub fn judged_documents(&self, reads: Reads) -> impl Iterator<Item = &'a LoadedDocument> {
        let platform = self.platform;
        self.project
            .documents
            .iter()
            .filter(move |d| reads.judges(d, platform))
    }

    /// Whether a rule that reads `reads` may judge by the document at
    /// `index` of the project (one it looked up by name).
    fn judges(&self, reads: Reads, index: Option<usize>) -> bool {
        index
            .and_then(|i| self.project.documents.get(i))
            .is_some_and(|d| reads.judges(d, self.platform))
    }

    /// The Application `name`, unless a schema fault touches what a rule
    /// that reads `reads` reads of it.
    pub fn judged_application(&self, reads: Reads, name: &str) -> Option<&'a Application> {
        let index = self.project.application_index(name);
        self.judges(reads, index)
            .then(|| self.project.application(name))
            .flatten()
    }

    /// The ScopeType `name`, as [`Context::judged_application`].
    pub fn judged_scope_type(&self, reads: Reads, name: &str) -> Option<&'a ScopeType> {
        let index = self.project.scope_type_index(name);
        self.judges(reads, index)
            .then(|| self.project.scope_type(name))
            .flatten()
    }

    /// The Workload `name` of application `app`, as
    /// [`Context::judged_application`].
    pub fn judged_workload(&self, reads: Reads, app: &str, name: &str) -> Option<&'a Workload> {
        let index = self.project.workload_index(app, name);
        self.judges(reads, index)
            .then(|| self.project.workload(app, name))
            .flatten()
    }

    /// The source text a span covers, when its file's text is held (the
    /// files with findings; `""` for the others): for messages, not logic.
    pub fn text(&self, span: Span) -> &'a str {
        let text = self.sources.file(span.file).text();
        text.get(span.start as usize..span.end as usize)
            .unwrap_or_default()
    }
}
