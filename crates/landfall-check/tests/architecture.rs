//! The architecture's boundaries (ARCHITECTURE.md, Invariants), checked on
//! the workspace as Cargo resolves it (`cargo metadata`):
//! - each workspace crate depends only on the workspace crates its layer
//!   may use;
//! - `landfall-targets` builds without the checker: nothing in its
//!   dependency closure parses YAML, validates schemas, runs rules or
//!   policies;
//! - every library crate's root denies the lints that keep it from printing,
//!   doing IO and iterating hash maps into output.
//!
//! It lives with `landfall-check`, the driver that assembles the library
//! layers, and reads only Cargo's view of the workspace, so it runs under
//! `cargo test --workspace` (and `cargo test -p landfall-check`).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::ffi::OsString;
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

/// The workspace crates a crate may depend on. Normal and build
/// dependencies count (both are compiled into what the crate builds);
/// dev-dependencies are free, since tests may drive a crate through the
/// layers above it.
enum May {
    Only(&'static [&'static str]),
    Anything,
}

struct Layer {
    name: &'static str,
    may: May,
    /// A library crate: it never prints, does no IO and iterates no hash
    /// map into output, so its root must deny the lints that say so.
    /// `false` for the crates whose job is IO.
    library: bool,
}

use May::{Anything, Only};

/// Every workspace crate, bottom up; the one table of allowed edges.
const LAYERS: &[Layer] = &[
    // Spans and the one Diagnostic type every stage reports in: below all
    // of them, so it depends on none.
    Layer {
        name: "landfall-diagnostics",
        may: Only(&[]),
        library: true,
    },
    // The YAML front end reports duplicate keys and input limits as
    // Diagnostics.
    Layer {
        name: "landfall-yaml",
        may: Only(&["landfall-diagnostics"]),
        library: true,
    },
    // Schemas validate the YAML node tree in place and report on its spans.
    Layer {
        name: "landfall-schema",
        may: Only(&["landfall-yaml", "landfall-diagnostics"]),
        library: true,
    },
    // Typed documents are built from validated node trees.
    Layer {
        name: "landfall-model",
        may: Only(&["landfall-yaml", "landfall-schema", "landfall-diagnostics"]),
        library: true,
    },
    // Policies are type-checked against the schemas and read the model's
    // documents: a sibling of the rules, not below or above them.
    Layer {
        name: "landfall-policy",
        may: Only(&[
            "landfall-model",
            "landfall-schema",
            "landfall-yaml",
            "landfall-diagnostics",
        ]),
        library: true,
    },
    // Built-in rules read the resolved tree; never the policies (their
    // sibling), the driver, or anything after checking (lowering, plans,
    // targets, the runner).
    Layer {
        name: "landfall-rules",
        may: Only(&[
            "landfall-model",
            "landfall-schema",
            "landfall-yaml",
            "landfall-diagnostics",
        ]),
        library: true,
    },
    // The Plan IR knows nothing of the checker, so that what reads plans
    // (targets, the runner) builds without it.
    Layer {
        name: "landfall-plan",
        may: Only(&[]),
        library: true,
    },
    // Lowering turns a checked project into a Plan and reports `plan/*`
    // findings.
    Layer {
        name: "landfall-lower",
        may: Only(&["landfall-plan", "landfall-model", "landfall-diagnostics"]),
        library: true,
    },
    // The driver runs every stage and holds the one registry of every rule,
    // lowering's included.
    Layer {
        name: "landfall-check",
        may: Only(&[
            "landfall-rules",
            "landfall-policy",
            "landfall-lower",
            "landfall-model",
            "landfall-schema",
            "landfall-yaml",
            "landfall-diagnostics",
        ]),
        library: true,
    },
    // Targets read the Plan only: a new target never touches the front end.
    Layer {
        name: "landfall-targets",
        may: Only(&["landfall-plan"]),
        library: true,
    },
    // The runner executes a Plan only; it starts the engine's processes.
    // It shares the product's did-you-mean (`landfall-diagnostics`) for an
    // unknown job, never the checker.
    Layer {
        name: "landfall-runner",
        may: Only(&["landfall-plan", "landfall-diagnostics"]),
        library: false,
    },
    // The language server: an edge like the command line (it reads the
    // project's files and talks over stdio), through the check driver.
    Layer {
        name: "landfall-lsp",
        may: Only(&["landfall-check", "landfall-yaml", "landfall-diagnostics"]),
        library: false,
    },
    // The edges that assemble the layers: the command line and the
    // benchmark tool.
    Layer {
        name: "landfall-cli",
        may: Anything,
        library: false,
    },
    Layer {
        name: "landfall-bench",
        may: Anything,
        library: false,
    },
];

/// What `landfall-targets` must build without, directly or not: the
/// checker's front end, validator, rules and policies (ARCHITECTURE.md:
/// targets read the Plan only, never YAML or the model).
const NOT_UNDER_TARGETS: &[&str] = &[
    "jsonschema",
    "pest",
    "landfall-rules",
    "landfall-policy",
    "landfall-check",
    "landfall-lower",
    "landfall-model",
    "landfall-schema",
    "landfall-yaml",
];

/// The lints every library crate root denies (`#![deny(...)]`).
const LIBRARY_LINTS: &[&str] = &[
    "clippy::print_stdout",
    "clippy::print_stderr",
    "clippy::iter_over_hash_type",
    "clippy::disallowed_methods",
];

fn cargo() -> OsString {
    // Cargo sets CARGO for the tests it runs; the compile-time value covers
    // a test binary started by hand.
    std::env::var_os("CARGO").unwrap_or_else(|| env!("CARGO").into())
}

/// The workspace as Cargo resolves it for this host: filtering on the host
/// platform keeps `--offline` from needing other platforms' packages, and
/// `--locked` keeps the test from rewriting Cargo.lock. Run once, for all
/// the tests.
fn metadata() -> &'static Value {
    static METADATA: OnceLock<Value> = OnceLock::new();
    METADATA.get_or_init(run_metadata)
}

fn run_metadata() -> Value {
    let version = Command::new(cargo())
        .arg("-vV")
        .output()
        .expect("cargo runs");
    let version = String::from_utf8_lossy(&version.stdout);
    let host = version
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .expect("`cargo -vV` names the host");
    let output = Command::new(cargo())
        .args(["metadata", "--format-version", "1", "--offline", "--locked"])
        .args(["--filter-platform", host])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON")
}

/// The resolved graph: package names by id, and each package's normal and
/// build dependencies (by id), dev-dependencies left out.
struct Graph {
    names: BTreeMap<String, String>,
    deps: BTreeMap<String, Vec<String>>,
    members: BTreeSet<String>,
}

impl Graph {
    fn new(metadata: &Value) -> Graph {
        let names = metadata["packages"]
            .as_array()
            .expect("packages")
            .iter()
            .map(|p| (str_of(&p["id"]), str_of(&p["name"])))
            .collect();
        let members = metadata["workspace_members"]
            .as_array()
            .expect("workspace_members")
            .iter()
            .map(str_of)
            .collect();
        let deps = metadata["resolve"]["nodes"]
            .as_array()
            .expect("resolve.nodes")
            .iter()
            .map(|node| {
                let deps = node["deps"]
                    .as_array()
                    .expect("deps")
                    .iter()
                    .filter(|dep| {
                        dep["dep_kinds"]
                            .as_array()
                            .expect("dep_kinds")
                            .iter()
                            .any(|kind| kind["kind"].as_str() != Some("dev"))
                    })
                    .map(|dep| str_of(&dep["pkg"]))
                    .collect();
                (str_of(&node["id"]), deps)
            })
            .collect();
        Graph {
            names,
            deps,
            members,
        }
    }

    fn name(&self, id: &str) -> &str {
        &self.names[id]
    }

    fn id(&self, name: &str) -> &str {
        self.members
            .iter()
            .find(|id| self.name(id) == name)
            .unwrap_or_else(|| panic!("{name} is not a workspace member"))
    }
}

fn str_of(value: &Value) -> String {
    value.as_str().expect("a string").to_owned()
}

fn layer(name: &str) -> Option<&'static Layer> {
    LAYERS.iter().find(|layer| layer.name == name)
}

#[test]
fn every_workspace_crate_has_a_layer_and_every_layer_a_crate() {
    let graph = Graph::new(metadata());
    let members: BTreeSet<&str> = graph.members.iter().map(|id| graph.name(id)).collect();
    let unplaced: Vec<&str> = members
        .iter()
        .copied()
        .filter(|name| layer(name).is_none())
        .collect();
    assert!(
        unplaced.is_empty(),
        "workspace crates missing from LAYERS (say what each may depend on): {unplaced:?}"
    );
    let stale: Vec<&str> = LAYERS
        .iter()
        .map(|layer| layer.name)
        .filter(|name| !members.contains(name))
        .collect();
    assert!(
        stale.is_empty(),
        "LAYERS names crates that are not workspace members: {stale:?}"
    );
}

#[test]
fn workspace_crates_depend_only_on_the_layers_they_may() {
    let graph = Graph::new(metadata());
    let mut forbidden = Vec::new();
    for id in &graph.members {
        let from = graph.name(id);
        let Some(Layer {
            may: Only(allowed), ..
        }) = layer(from)
        else {
            // Anything, or a crate the test above reports as unplaced.
            continue;
        };
        for dep in &graph.deps[id] {
            let to = graph.name(dep);
            if graph.members.contains(dep) && !allowed.contains(&to) {
                forbidden.push(format!("{from} -> {to}"));
            }
        }
    }
    assert!(
        forbidden.is_empty(),
        "forbidden dependency edges between workspace crates (allowed edges: LAYERS in \
         {}):\n  {}",
        file!(),
        forbidden.join("\n  ")
    );
}

#[test]
fn targets_build_without_the_checker() {
    let graph = Graph::new(metadata());
    let start = graph.id("landfall-targets").to_owned();
    // Breadth first over normal and build dependencies, remembering how each
    // package was reached, so a failure names the whole path and its last
    // (forbidden) edge.
    let mut reached_from: BTreeMap<String, Option<String>> = BTreeMap::new();
    reached_from.insert(start.clone(), None);
    let mut queue = VecDeque::from([start]);
    let mut found = Vec::new();
    while let Some(id) = queue.pop_front() {
        if NOT_UNDER_TARGETS.contains(&graph.name(&id)) {
            let mut path = vec![graph.name(&id)];
            let mut at = &id;
            while let Some(Some(parent)) = reached_from.get(at) {
                path.push(graph.name(parent));
                at = parent;
            }
            path.reverse();
            found.push(format!(
                "{} (forbidden edge: {} -> {})",
                path.join(" -> "),
                path[path.len() - 2],
                path[path.len() - 1]
            ));
            continue;
        }
        for dep in &graph.deps[&id] {
            if !reached_from.contains_key(dep) {
                reached_from.insert(dep.clone(), Some(id.clone()));
                queue.push_back(dep.clone());
            }
        }
    }
    assert!(
        found.is_empty(),
        "landfall-targets must build without {NOT_UNDER_TARGETS:?}, but depends on:\n  {}",
        found.join("\n  ")
    );
}

#[test]
fn library_crate_roots_deny_the_invariant_lints() {
    let metadata = metadata();
    let mut missing = Vec::new();
    for package in metadata["packages"].as_array().expect("packages") {
        let name = str_of(&package["name"]);
        if !layer(&name).is_some_and(|layer| layer.library) {
            continue;
        }
        let root = package["targets"]
            .as_array()
            .expect("targets")
            .iter()
            .find(|target| {
                target["kind"]
                    .as_array()
                    .is_some_and(|k| k.contains(&"lib".into()))
            })
            .map(|target| str_of(&target["src_path"]))
            .unwrap_or_else(|| panic!("{name} has a library target"));
        let text = std::fs::read_to_string(&root).expect("the crate root reads");
        // The lints must be in the root's crate-level `#![deny(...)]`, not
        // merely mentioned somewhere in it.
        let deny = text
            .find("#![deny(")
            .map(|start| &text[start..start + text[start..].find(")]").unwrap_or(0)])
            .unwrap_or("");
        for lint in LIBRARY_LINTS {
            if !deny.contains(lint) {
                missing.push(format!("{name} ({root}): {lint}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "library crate roots must `#![deny(...)]` the lints that hold them to \
         ARCHITECTURE.md's invariants; missing:\n  {}",
        missing.join("\n  ")
    );
}
