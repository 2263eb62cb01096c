//! What applying a plan would change: the plan against what a target
//! reports running ([`Observed`]), as a list of [`Change`]s, and their
//! Terraform-style rendering. Pure: observing is the runner's job.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::hash::config_hash;
use crate::ir::{Plan, VolumeKind, Workload, WorkloadType};

/// What a target reports running for one scope, found by the labels it put
/// on what it created.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Observed {
    pub workloads: Vec<ObservedWorkload>,
    pub networks: Vec<String>,
    pub volumes: Vec<String>,
    pub configs: Vec<ObservedConfig>,
    /// Secret references.
    pub secrets: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ObservedWorkload {
    pub name: String,
    /// The `spec_hash` label of what runs.
    pub spec_hash: String,
    /// The application version it was deployed with.
    pub version: String,
    /// Container name → image.
    pub images: BTreeMap<String, String>,
    /// Replicas running (or scheduled, for a cron job: 1).
    pub replicas: u32,
}

impl ObservedWorkload {
    /// What runs when `workload` of `plan` runs exactly as planned.
    pub fn as_planned(plan: &Plan, workload: &Workload) -> Self {
        ObservedWorkload {
            name: workload.name.clone(),
            spec_hash: workload.spec_hash.clone(),
            version: plan.application.version.clone(),
            images: workload
                .containers
                .iter()
                .map(|c| (c.name.clone(), c.image.clone()))
                .collect(),
            replicas: workload.replicas,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ObservedConfig {
    pub name: String,
    /// The [`config_hash`] label of what was created; `None` when unknown
    /// (the config then counts as unchanged).
    pub hash: Option<String>,
}

/// The kind of object a change acts on, in the order a plan brings them up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ObjectKind {
    Network,
    Volume,
    Config,
    Secret,
    Workload,
}

impl ObjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Network => "network",
            ObjectKind::Volume => "volume",
            ObjectKind::Config => "config",
            ObjectKind::Secret => "secret",
            ObjectKind::Workload => "workload",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeAction {
    Create,
    Update,
    /// Drift repaired: a replica that stopped, exited or went missing is
    /// started again (counted with the updates).
    Restart,
    Delete,
    /// An object the plan no longer names that apply leaves in place (a
    /// persistent volume: it holds data). Changes nothing.
    Keep,
    Unchanged,
}

impl ChangeAction {
    /// Terraform's symbols.
    pub fn symbol(self) -> char {
        match self {
            ChangeAction::Create => '+',
            ChangeAction::Update | ChangeAction::Restart => '~',
            ChangeAction::Delete => '-',
            ChangeAction::Unchanged | ChangeAction::Keep => '=',
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ChangeAction::Create => "create",
            ChangeAction::Update => "update",
            ChangeAction::Restart => "restart",
            ChangeAction::Delete => "delete",
            ChangeAction::Keep => "keep",
            ChangeAction::Unchanged => "unchanged",
        }
    }

    /// Whether applying acts on the object.
    pub fn changes(self) -> bool {
        !matches!(self, ChangeAction::Unchanged | ChangeAction::Keep)
    }
}

/// One object and what happens to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub kind: ObjectKind,
    pub name: String,
    pub action: ChangeAction,
    /// For an update, what differs; for a create, a short description.
    pub details: Vec<Detail>,
}

/// One attribute of a change: `image: …:2.4.1 → …:2.4.2`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detail {
    pub field: String,
    /// `None` on a create (only the new value is shown).
    pub from: Option<String>,
    pub to: String,
}

impl Detail {
    /// A field that changed from `from` to `to`.
    pub fn changed(field: &str, from: &str, to: &str) -> Detail {
        changed(field, from, to)
    }

    /// A field of a new object, or a fact about the change (`from` empty).
    pub fn note(field: &str, to: &str) -> Detail {
        created(field, to)
    }
}

/// Counts per action.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DiffSummary {
    pub create: usize,
    pub update: usize,
    pub delete: usize,
    pub unchanged: usize,
}

impl DiffSummary {
    pub fn of(changes: &[Change]) -> Self {
        let mut summary = DiffSummary::default();
        for change in changes {
            match change.action {
                ChangeAction::Create => summary.create += 1,
                ChangeAction::Update | ChangeAction::Restart => summary.update += 1,
                ChangeAction::Delete => summary.delete += 1,
                ChangeAction::Unchanged | ChangeAction::Keep => summary.unchanged += 1,
            }
        }
        summary
    }

    /// Whether applying would change anything.
    pub fn has_changes(&self) -> bool {
        self.total() > 0
    }

    /// How many objects applying acts on: what apply reports as changes.
    pub fn total(&self) -> usize {
        self.create + self.update + self.delete
    }
}

/// The changes that bring `observed` to `plan`, by kind (networks, volumes,
/// configs, secrets, workloads) and name. A workload whose `spec_hash` is
/// what runs is unchanged; otherwise its update lists what differs among
/// version, images and replicas, or `spec` when only the hash tells.
pub fn diff(plan: &Plan, observed: &Observed) -> Vec<Change> {
    let mut changes = Vec::new();
    let named = |kind, planned: Vec<(&str, Vec<Detail>)>, running: Vec<&str>| {
        let running: BTreeSet<&str> = running.into_iter().collect();
        let planned_names: BTreeSet<&str> = planned.iter().map(|(n, _)| *n).collect();
        let mut out: Vec<Change> = planned
            .into_iter()
            .map(|(name, details)| {
                let exists = running.contains(name);
                Change {
                    kind,
                    name: name.to_string(),
                    action: if exists {
                        ChangeAction::Unchanged
                    } else {
                        ChangeAction::Create
                    },
                    details: if exists { Vec::new() } else { details },
                }
            })
            .collect();
        out.extend(
            running
                .into_iter()
                .filter(|n| !planned_names.contains(n))
                .map(|name| Change {
                    kind,
                    name: name.to_string(),
                    action: ChangeAction::Delete,
                    details: Vec::new(),
                }),
        );
        out
    };
    changes.extend(named(
        ObjectKind::Network,
        plan.networks
            .iter()
            .map(|n| (n.name.as_str(), Vec::new()))
            .collect(),
        observed.networks.iter().map(String::as_str).collect(),
    ));
    changes.extend(named(
        ObjectKind::Volume,
        plan.volumes
            .iter()
            .map(|v| {
                let kind = match v.kind {
                    VolumeKind::Scratch => "scratch",
                    VolumeKind::Persistent => "persistent",
                };
                (v.name.as_str(), vec![created("kind", kind)])
            })
            .collect(),
        observed.volumes.iter().map(String::as_str).collect(),
    ));
    let mut configs = named(
        ObjectKind::Config,
        plan.configs
            .iter()
            .map(|c| {
                let files: Vec<&str> = c.files.keys().map(String::as_str).collect();
                (c.name.as_str(), vec![created("files", &files.join(", "))])
            })
            .collect(),
        observed.configs.iter().map(|c| c.name.as_str()).collect(),
    );
    for change in &mut configs {
        let planned = plan.configs.iter().find(|c| c.name == change.name);
        let running = observed.configs.iter().find(|c| c.name == change.name);
        if let (ChangeAction::Unchanged, Some(planned), Some(running)) =
            (change.action, planned, running)
        {
            let hash = config_hash(planned);
            if let Some(old) = running.hash.as_ref().filter(|old| **old != hash) {
                change.action = ChangeAction::Update;
                change.details = vec![changed("content", short(old), short(&hash))];
            }
        }
    }
    changes.extend(configs);
    changes.extend(named(
        ObjectKind::Secret,
        plan.secrets
            .iter()
            .map(|s| (s.reference.as_str(), Vec::new()))
            .collect(),
        observed.secrets.iter().map(String::as_str).collect(),
    ));

    let running: BTreeMap<&str, &ObservedWorkload> = observed
        .workloads
        .iter()
        .map(|w| (w.name.as_str(), w))
        .collect();
    for w in &plan.workloads {
        changes.push(match running.get(w.name.as_str()) {
            None => Change {
                kind: ObjectKind::Workload,
                name: w.name.clone(),
                action: ChangeAction::Create,
                details: describe(w),
            },
            Some(old) if old.spec_hash == w.spec_hash => Change {
                kind: ObjectKind::Workload,
                name: w.name.clone(),
                action: ChangeAction::Unchanged,
                details: Vec::new(),
            },
            Some(old) => Change {
                kind: ObjectKind::Workload,
                name: w.name.clone(),
                action: ChangeAction::Update,
                details: workload_details(plan, w, old),
            },
        });
    }
    let planned: BTreeSet<&str> = plan.workloads.iter().map(|w| w.name.as_str()).collect();
    for name in running.keys().filter(|n| !planned.contains(*n)) {
        changes.push(Change {
            kind: ObjectKind::Workload,
            name: name.to_string(),
            action: ChangeAction::Delete,
            details: Vec::new(),
        });
    }
    changes.sort_by(|a, b| a.kind.cmp(&b.kind).then_with(|| a.name.cmp(&b.name)));
    changes
}

fn created(field: &str, to: &str) -> Detail {
    Detail {
        field: field.to_string(),
        from: None,
        to: to.to_string(),
    }
}

fn changed(field: &str, from: &str, to: &str) -> Detail {
    Detail {
        field: field.to_string(),
        from: Some(from.to_string()),
        to: to.to_string(),
    }
}

/// What a new workload is, in a few words.
pub fn describe(w: &Workload) -> Vec<Detail> {
    let mut details = Vec::new();
    let kind = match w.workload_type {
        WorkloadType::Serverless => "serverless",
        WorkloadType::Standard => "standard",
        WorkloadType::Cron => "cron",
    };
    details.push(created("type", kind));
    match &w.job {
        Some(job) => details.push(created("schedule", &job.schedule)),
        None => details.push(created("replicas", &w.replicas.to_string())),
    }
    for c in &w.containers {
        details.push(created("image", &c.image));
    }
    let published: Vec<String> = w
        .containers
        .iter()
        .flat_map(|c| &c.ports)
        .map(|p| match p.host_port {
            Some(host) => format!("127.0.0.1:{host}→{}", p.port),
            None => p.port.to_string(),
        })
        .collect();
    if !published.is_empty() {
        details.push(created("ports", &published.join(", ")));
    }
    details
}

fn workload_details(plan: &Plan, w: &Workload, old: &ObservedWorkload) -> Vec<Detail> {
    let mut details = Vec::new();
    if old.version != plan.application.version {
        details.push(changed("version", &old.version, &plan.application.version));
    }
    for c in &w.containers {
        match old.images.get(&c.name) {
            Some(image) if *image != c.image => {
                let (from, to) = elide_common_prefix(image, &c.image);
                details.push(changed("image", &from, &to));
            }
            Some(_) => {}
            None => details.push(created("container", &c.name)),
        }
    }
    for name in old.images.keys() {
        if !w.containers.iter().any(|c| c.name == *name) {
            details.push(changed("container", name, "(removed)"));
        }
    }
    if old.replicas != w.replicas {
        details.push(changed(
            "replicas",
            &old.replicas.to_string(),
            &w.replicas.to_string(),
        ));
    }
    if details.is_empty() {
        details.push(changed("spec", short(&old.spec_hash), short(&w.spec_hash)));
    }
    details
}

/// The first 12 hex digits of a hash, as git shows commits.
fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// `registry/shop/api:2.4.1`, `registry/shop/api:2.4.2` → `…:2.4.1`,
/// `…:2.4.2`: the common prefix up to its last `:`, `/` or `@` is elided.
fn elide_common_prefix(from: &str, to: &str) -> (String, String) {
    let common = from
        .char_indices()
        .zip(to.chars())
        .take_while(|((_, a), b)| a == b)
        .map(|((i, a), _)| i + a.len_utf8())
        .last()
        .unwrap_or(0);
    let cut = from[..common].rfind([':', '/', '@']).unwrap_or(0);
    if cut == 0 {
        return (from.to_string(), to.to_string());
    }
    (format!("…{}", &from[cut..]), format!("…{}", &to[cut..]))
}

/// How the human diff is drawn.
#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    /// ANSI colours (green create, yellow update, red delete).
    pub color: bool,
    /// A line shown under the heading, such as why nothing was observed.
    pub notice: Option<String>,
}

/// The Terraform-style diff: a heading, one line per object (`+ create`,
/// `~ update (…)`, `- delete`, `= unchanged`) and the summary line
/// `Plan: N to create, N to update, N to delete.`
pub fn render_diff(plan: &Plan, changes: &[Change], options: &RenderOptions) -> String {
    let paint = |code: &str, text: &str| {
        if options.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    };
    let target = plan.scope.target;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}/{} (application version {}, scope type {}, target {target})",
        paint("1", "Plan for"),
        plan.application.name,
        plan.scope.name,
        plan.application.version,
        plan.scope.scope_type,
    );
    if let Some(notice) = &options.notice {
        let _ = writeln!(out, "{notice}");
    }
    out.push('\n');
    let width = changes
        .iter()
        .map(|c| c.kind.as_str().len() + 1 + c.name.chars().count())
        .max()
        .unwrap_or(0);
    for change in changes {
        let color = match change.action {
            ChangeAction::Create => "32",
            ChangeAction::Update | ChangeAction::Restart => "33",
            ChangeAction::Delete => "31",
            ChangeAction::Unchanged | ChangeAction::Keep => "2",
        };
        let object = format!("{} {}", change.kind.as_str(), change.name);
        let mut line = format!(
            "  {} {:9} {object}",
            change.action.symbol(),
            change.action.as_str(),
        );
        let one_line = |d: &Detail| match (&d.from, d.field.is_empty()) {
            (Some(from), _) => format!("{}: {from} → {}", d.field, d.to),
            (None, true) => d.to.clone(),
            (None, false) => format!("{}: {}", d.field, d.to),
        };
        let details: Vec<String> = change.details.iter().map(one_line).collect();
        let joined = details.join(", ");
        // Short details stay on the object's line; many, long or
        // multi-line ones (a config's unified diff) go below it, one per
        // line, as Terraform shows attributes.
        // A new object's few words stay on its line whatever their length.
        let inline = !joined.contains('\n')
            && (change.action == ChangeAction::Create || joined.chars().count() <= 80);
        let mut below = String::new();
        if inline && !details.is_empty() {
            let pad = width.saturating_sub(object.chars().count());
            let _ = write!(line, "{:pad$}  ({joined})", "");
        } else {
            for (detail, text) in change.details.iter().zip(&details) {
                if text.contains('\n') {
                    let _ = writeln!(below, "      {}:", detail.field);
                    for diff_line in detail.to.lines() {
                        let _ = writeln!(below, "        {diff_line}");
                    }
                } else {
                    let _ = writeln!(below, "      {text}");
                }
            }
        }
        let _ = writeln!(out, "{}", paint(color, &line));
        out.push_str(&below);
    }
    let summary = DiffSummary::of(changes);
    if !summary.has_changes() {
        let _ = writeln!(out, "\nNo changes: what runs matches the plan.");
    }
    let _ = writeln!(
        out,
        "\n{} {} to create, {} to update, {} to delete.",
        paint("1", "Plan:"),
        summary.create,
        summary.update,
        summary.delete
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_names_keep_what_differs() {
        assert_eq!(
            elide_common_prefix(
                "registry.example.com/shop/api:2.4.1",
                "registry.example.com/shop/api:2.4.2"
            ),
            ("…:2.4.1".to_string(), "…:2.4.2".to_string())
        );
        assert_eq!(
            elide_common_prefix(
                "registry.example.com/shop/api:1",
                "registry.example.com/shop/web:1"
            ),
            ("…/api:1".to_string(), "…/web:1".to_string())
        );
        assert_eq!(
            elide_common_prefix("api:1", "web:1"),
            ("api:1".to_string(), "web:1".to_string())
        );
    }
}
