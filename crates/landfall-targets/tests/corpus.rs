//! The corpus plans (`corpus/targets/<case>/plan.json`) through both
//! targets: snapshots, determinism, round trips through a YAML 1.2 and a
//! YAML 1.1 reader, and the tools that run the artifacts:
//! `config` of Compose v1 and v2, and `kubernetes-validate --strict` for
//! every Kubernetes version it bundles from 1.25 on.

mod support;

use landfall_targets::{Artifact, compose, kubernetes};
use serde_json::Value;
use support::*;

fn render(artifacts: &[Artifact]) -> String {
    let mut out = String::new();
    for artifact in artifacts {
        out.push_str(&format!("=== {}\n{}", artifact.path, artifact.contents));
        if !artifact.contents.ends_with('\n') {
            out.push_str("\n=== (no newline at end of file)\n");
        }
    }
    out
}

#[test]
fn snapshots_of_the_artifacts() {
    for case in cases() {
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(&case.dir);
        settings.set_prepend_module_to_snapshot(false);
        settings.set_input_file(case.dir.join("plan.json"));
        settings.bind(|| {
            insta::assert_snapshot!("compose", render(&compose_artifacts(&case.plan)));
            insta::assert_snapshot!("kubernetes", render(&kubernetes_artifacts(&case.plan)));
        });
    }
}

#[test]
fn artifacts_are_byte_identical_across_runs_and_plan_round_trips() {
    for case in cases() {
        // Through the plan's JSON form and back, as `landfall plan` reads a saved plan.
        let reread = landfall_plan::Plan::from_json(&case.plan.to_json()).unwrap();
        assert_eq!(
            compose_artifacts(&case.plan),
            compose_artifacts(&reread),
            "{}",
            case.name
        );
        assert_eq!(
            kubernetes_artifacts(&case.plan),
            kubernetes_artifacts(&reread),
            "{}",
            case.name
        );
    }
}

/// The values each YAML artifact must read back as.
fn expected_documents(case: &Case) -> Vec<(String, String, Vec<Value>)> {
    let compose_text = compose_artifacts(&case.plan)
        .into_iter()
        .find(|a| a.path == compose::COMPOSE_FILE)
        .unwrap()
        .contents;
    let compose_value = to_json(&compose::document(&case.plan).unwrap());
    let manifest_text = kubernetes_artifacts(&case.plan).remove(0).contents;
    let objects: Vec<Value> = kubernetes::objects(&case.plan)
        .unwrap()
        .iter()
        .map(to_json)
        .collect();
    vec![
        (
            format!("{}/{}", case.name, compose::COMPOSE_FILE),
            compose_text,
            vec![compose_value],
        ),
        (
            format!("{}/{}", case.name, kubernetes::MANIFEST_FILE),
            manifest_text,
            objects,
        ),
    ]
}

#[test]
fn emitted_yaml_reads_back_the_same_with_landfall_yaml() {
    for case in cases() {
        for (name, text, expected) in expected_documents(&case) {
            assert_eq!(read_with_landfall_yaml(&text), expected, "{name}");
        }
    }
}

#[test]
fn emitted_yaml_reads_back_the_same_with_pyyaml() {
    for case in cases() {
        for (name, text, expected) in expected_documents(&case) {
            assert_eq!(read_with_pyyaml(&text), expected, "{name}");
        }
    }
}

#[test]
fn config_files_are_written_as_they_are_in_the_plan() {
    for case in cases() {
        let artifacts = compose_artifacts(&case.plan);
        for config in &case.plan.configs {
            for (file, contents) in &config.files {
                let path = format!("configs/{}/{file}", config.name);
                let artifact = artifacts.iter().find(|a| a.path == path);
                assert_eq!(
                    artifact.map(|a| &a.contents),
                    Some(contents),
                    "{}: {path}",
                    case.name
                );
            }
        }
    }
}

#[test]
fn compose_v1_and_v2_config_accept_every_compose_file() {
    for case in cases() {
        let dir = tempdir(&format!("compose-{}", case.name));
        write_artifacts(&dir, &compose_artifacts(&case.plan));
        let file = dir.join(compose::COMPOSE_FILE);
        let envs = compose_environment(&case.plan, &dir.join("secrets"));
        for (tool, program) in compose_tools() {
            let output = run_tool(
                &program,
                &["-f", file.to_str().unwrap(), "config", "-q"],
                &envs,
            );
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                output.status.success(),
                "{tool} config refused {}:\n{stderr}",
                case.name
            );
            // A warning means a key the tool ignores: what we emit must all
            // count. (Compose v2's errors reach only stderr through some
            // wrappers.)
            assert!(
                stderr.trim().is_empty(),
                "{tool} config warned on {}:\n{stderr}",
                case.name
            );
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn kubernetes_validate_accepts_every_manifest_strictly_for_every_version() {
    let dir = tempdir("kubernetes");
    let mut files = Vec::new();
    for case in cases() {
        let file = dir.join(format!("{}.yaml", case.name));
        std::fs::write(&file, &kubernetes_artifacts(&case.plan)[0].contents).unwrap();
        files.push(file.to_str().unwrap().to_string());
    }
    let versions = kubernetes_versions();
    assert!(versions.len() >= 2, "{versions:?}");
    for version in &versions {
        let mut args = vec!["--strict", "--quiet", "-k", version.as_str()];
        args.extend(files.iter().map(String::as_str));
        let output = run_tool("kubernetes-validate", &args, &[]);
        assert!(
            output.status.success(),
            "kubernetes-validate --strict -k {version} refused:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The checks checkov fails on the example's production manifests, each
/// the spec's own choice or one decision of the emitter, with the reason.
const CHECKOV_ACCEPTED: &[(&str, &str)] = &[
    ("CKV_K8S_14", "the spec's image tag is `latest`"),
    (
        "CKV_K8S_15",
        "the emitter's decision: `imagePullPolicy: IfNotPresent` (deploys use versioned \
         tags; Always would re-pull local images, which `podman kube play` cannot)",
    ),
    ("CKV_K8S_35", "the spec reads secrets as env variables"),
    (
        "CKV_K8S_40",
        "the spec's user is 1000, not a uid above 10000",
    ),
    ("CKV_K8S_43", "the spec's images are tags, not digests"),
    ("CKV_K8S_9", "the spec's worker has no readiness probe"),
];

#[test]
fn checkov_fails_only_the_specs_own_choices_on_the_shop_production_manifests() {
    let case = cases()
        .into_iter()
        .find(|c| c.name == "lowered-shop-shop-production")
        .expect("the lowered production scope of examples/shop");
    let dir = tempdir("checkov");
    let file = dir.join(kubernetes::MANIFEST_FILE);
    std::fs::write(&file, &kubernetes_artifacts(&case.plan)[0].contents).unwrap();
    let output = run_tool(
        &checkov(),
        &[
            "--framework",
            "kubernetes",
            "--quiet",
            "--compact",
            "-o",
            "json",
            "-f",
            file.to_str().unwrap(),
        ],
        &[],
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "checkov wrote no JSON report ({e}):\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let failed = report["results"]["failed_checks"]
        .as_array()
        .expect("checkov's failed checks");
    let mut unexpected: Vec<String> = failed
        .iter()
        .filter(|check| {
            let id = check["check_id"].as_str().unwrap_or_default();
            !CHECKOV_ACCEPTED.iter().any(|(accepted, _)| *accepted == id)
        })
        .map(|check| {
            format!(
                "{} {} on {}",
                check["check_id"], check["check_name"], check["resource"]
            )
        })
        .collect();
    unexpected.sort();
    assert!(
        unexpected.is_empty(),
        "checkov failed checks the spec does not explain:\n{}",
        unexpected.join("\n")
    );
    assert!(
        report["summary"]["passed"].as_u64().unwrap_or(0) > 100,
        "{}",
        report["summary"]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("landfall-targets-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
