//! End to end on a real podman: the shop's compose scope brought up with
//! `podman-compose` and its Kubernetes scope run with `podman kube play`,
//! each answering on its readiness endpoint from the host, then torn down.
//!
//! The plans are lowered from `examples/shop` by the real binary (`landfall
//! plan --scope APP/SCOPE -o DIR`); the test then moves what would clash on
//! a shared machine (host ports, the namespace, replicas sharing a host
//! port) and emits the targets again from the adjusted plan.
//!
//! With `LANDFALL_E2E=require` (what `.ci/run` sets) a missing or broken
//! podman fails the tests; without it they run when podman is there and
//! say so when it is not.

#![allow(
    clippy::disallowed_methods,
    reason = "tests write fixture trees and run the landfall binary"
)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use landfall_plan::{Plan, VolumeKind};
use landfall_targets::Artifact;

const IMAGE: &str = "localhost/landfall-test:latest";

fn podman_ready() -> bool {
    let required = std::env::var("LANDFALL_E2E").as_deref() == Ok("require");
    let works = Command::new("podman")
        .args(["image", "exists", IMAGE])
        .status()
        .is_ok_and(|s| s.success());
    if !works {
        assert!(
            !required,
            "LANDFALL_E2E=require, but podman or the image {IMAGE} is missing \
             (`.ci/run` sets them up with ../shared/ci/setup-podman.sh)"
        );
        eprintln!("podman or {IMAGE} missing: end-to-end test not run");
    }
    works
}

fn run(program: &str, args: &[&str], envs: &[(String, String)], dir: &Path) -> Output {
    Command::new(program)
        .args(args)
        .envs(envs.iter().map(|(k, v)| (k, v)))
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run `{program}`: {e}; `.ci/run` installs it"))
}

fn ok(output: Output, what: &str) -> String {
    assert!(
        output.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Polls `http://127.0.0.1:PORT/health` (a loopback address only) until it
/// answers `ok`, for at most a minute.
fn wait_for_health(port: u16, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(body) = http_get(port, "/health")
            && body.trim() == "ok"
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{what} did not answer on 127.0.0.1:{port}/health within 60 s"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

fn http_get(port: u16, path: &str) -> Option<String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let (head, body) = response.split_once("\r\n\r\n")?;
    head.starts_with("HTTP/1.").then_some(())?;
    head.split(' ').nth(1).filter(|code| *code == "200")?;
    Some(body.to_string())
}

/// The plan of `examples/shop`'s scope, lowered by `landfall plan -o DIR`.
fn shop_plan(scope: &str) -> Plan {
    let out = scratch_dir(&format!("plan-{}", scope.replace('/', "-")));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf();
    let output = Command::new(env!("CARGO_BIN_EXE_landfall"))
        .args(["plan", "examples/shop", "--scope", scope, "-o"])
        .arg(&out)
        .current_dir(root)
        .output()
        .unwrap();
    ok(output, &format!("landfall plan --scope {scope}"));
    let plan = Plan::from_json(&std::fs::read_to_string(out.join("plan.json")).unwrap()).unwrap();
    std::fs::remove_dir_all(&out).unwrap();
    plan
}

fn compose_artifacts(plan: &Plan) -> Vec<Artifact> {
    landfall_targets::compose::emit(plan).unwrap_or_else(|e| panic!("compose: {e}"))
}

fn kubernetes_artifacts(plan: &Plan) -> Vec<Artifact> {
    landfall_targets::kubernetes::emit(plan).unwrap_or_else(|e| panic!("kubernetes: {e}"))
}

/// Writes the artifacts under `dir`, as `landfall plan -o DIR` does.
fn write_artifacts(dir: &Path, artifacts: &[Artifact]) {
    for artifact in artifacts {
        let path = dir.join(&artifact.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &artifact.contents).unwrap();
    }
}

/// The variables the compose file interpolates: stand-ins, never real secrets.
fn compose_environment(plan: &Plan, secrets_dir: &Path) -> Vec<(String, String)> {
    let mut envs = vec![(
        landfall_targets::names::SECRETS_DIR_VAR.to_string(),
        secrets_dir.display().to_string(),
    )];
    for secret in &plan.secrets {
        envs.push((
            landfall_targets::names::secret_env_var(&secret.reference),
            format!("stand-in for {}", secret.reference),
        ));
    }
    envs
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("landfall-e2e-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs its command when dropped, so a failing test still tears down.
struct Teardown(Vec<Step>);

/// A command of the teardown: program, arguments, environment, directory.
type Step = (String, Vec<String>, Vec<(String, String)>, PathBuf);

impl Drop for Teardown {
    fn drop(&mut self) {
        for (program, args, envs, dir) in self.0.drain(..) {
            let _ = Command::new(program)
                .args(args)
                .envs(envs)
                .current_dir(dir)
                .output();
        }
    }
}

#[test]
fn shop_staging_runs_on_podman_compose() {
    if !podman_ready() {
        return;
    }
    let mut plan = shop_plan("shop/staging");
    // A free host port for the single-replica api; the storefront's two
    // replicas get ports from the engine.
    let api_port = free_port();
    for workload in &mut plan.workloads {
        for port in workload.containers.iter_mut().flat_map(|c| &mut c.ports) {
            port.host_port = Some(api_port);
        }
    }
    let dir = scratch_dir("compose");
    let artifacts = compose_artifacts(&plan);
    write_artifacts(&dir, &artifacts);
    let canary = format!("canary-{}", std::process::id());
    for artifact in &artifacts {
        assert!(!artifact.contents.contains(&canary));
    }
    let secrets = dir.join("secrets");
    std::fs::create_dir_all(secrets.join("orders-db-tls")).unwrap();
    std::fs::write(
        secrets.join("orders-db-tls/ca.crt"),
        "stand-in certificate\n",
    )
    .unwrap();
    let mut envs = compose_environment(&plan, &secrets);
    for (name, value) in &mut envs {
        if name.starts_with("LANDFALL_SECRET_") {
            *value = canary.clone();
        }
    }

    let project = format!("landfall-e2e-{}", std::process::id());
    let compose = |verb: &[&str]| {
        let mut args = vec!["-p", project.as_str(), "-f", "compose.yaml"];
        args.extend(verb);
        run("podman-compose", &args, &envs, &dir)
    };
    let mut teardown = vec![(
        "podman-compose".to_string(),
        ["-p", &project, "-f", "compose.yaml", "down", "-v"]
            .map(String::from)
            .to_vec(),
        envs.clone(),
        dir.clone(),
    )];
    // podman-compose 1.0.3 leaves the networks it made.
    for network in &plan.networks {
        teardown.push((
            "podman".into(),
            vec![
                "network".into(),
                "rm".into(),
                "-f".into(),
                format!("{project}_{}", network.name),
            ],
            Vec::new(),
            dir.clone(),
        ));
    }
    let teardown = Teardown(teardown);
    ok(compose(&["up", "-d"]), "podman-compose up -d");

    wait_for_health(api_port, "api");
    let storefront = format!("{project}_storefront_1");
    let mapping = ok(
        run("podman", &["port", &storefront, "8080"], &[], &dir),
        "podman port",
    );
    let storefront_port: u16 = mapping
        .trim()
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("storefront published on {mapping:?}"));
    assert!(mapping.starts_with("127.0.0.1:"), "{mapping}");
    wait_for_health(storefront_port, "storefront");
    // The healthcheck written from the readiness probe passes in the container.
    ok(
        run(
            "podman",
            &["healthcheck", "run", &format!("{project}_api_1")],
            &[],
            &dir,
        ),
        "podman healthcheck run (api)",
    );
    // Configs are bind-mounted, secrets reach env and files, and the
    // platform's restrictions hold.
    let exec = |container: &str, script: &str| {
        ok(
            run(
                "podman",
                &[
                    "exec",
                    &format!("{project}_{container}_1"),
                    "/bin/sh",
                    "-c",
                    script,
                ],
                &[],
                &dir,
            ),
            &format!("podman exec {container}: {script}"),
        )
    };
    assert!(exec("storefront", "cat /etc/storefront/storefront.conf").contains("currency = EUR"));
    assert_eq!(exec("worker", "echo $DB_PASSWORD").trim(), canary);
    assert!(exec("worker", "cat /etc/tls/ca.crt").contains("stand-in certificate"));
    assert_eq!(exec("worker", "id -u").trim(), "1000");
    assert!(
        !run(
            "podman",
            &[
                "exec",
                &format!("{project}_worker_1"),
                "/bin/sh",
                "-c",
                "echo x > /x"
            ],
            &[],
            &dir
        )
        .status
        .success()
    );

    ok(compose(&["down", "-v"]), "podman-compose down");
    let left = ok(
        run(
            "podman",
            &[
                "ps",
                "-a",
                "-q",
                "--filter",
                &format!("label=io.podman.compose.project={project}"),
            ],
            &[],
            &dir,
        ),
        "podman ps",
    );
    assert_eq!(left.trim(), "", "containers left after down");
    drop(teardown);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn shop_production_runs_on_podman_kube_play() {
    if !podman_ready() {
        return;
    }
    let mut plan = shop_plan("shop/production");
    // A cluster publishes through Services; here each HTTP workload gets a
    // loopback host port, and one replica (podman gives every replica of a
    // Deployment the same host port).
    let mut ports = Vec::new();
    for workload in &mut plan.workloads {
        workload.replicas = 1;
        for port in workload.containers.iter_mut().flat_map(|c| &mut c.ports) {
            let host = free_port();
            port.host_port = Some(host);
            ports.push((workload.name.clone(), host));
        }
    }
    // A namespace of its own so that nothing clashes with another run.
    let namespace = format!("landfall-e2e-{}", std::process::id());
    plan.scope.parameters["namespace"] = serde_json::Value::String(namespace);
    let dir = scratch_dir("kube");
    write_artifacts(&dir, &kubernetes_artifacts(&plan));

    // The cluster's owner creates the Secrets the manifests reference; with
    // podman 4.3 that is a podman secret holding the Secret's `data` as JSON.
    let canary = format!("canary-{}", std::process::id());
    let b64 = |text: &str| base64(text.as_bytes());
    let secrets = [
        ("shop-db", format!("{{\"password\":\"{}\"}}", b64(&canary))),
        (
            "orders-db-tls",
            format!("{{\"ca.crt\":\"{}\"}}", b64("stand-in")),
        ),
    ];
    let mut teardown = vec![(
        "podman".to_string(),
        ["kube", "down", "kubernetes.yaml"]
            .map(String::from)
            .to_vec(),
        Vec::new(),
        dir.clone(),
    )];
    for (name, data) in &secrets {
        let _ = run("podman", &["secret", "rm", name], &[], &dir);
        std::fs::write(dir.join(format!("{name}.json")), data).unwrap();
        ok(
            run(
                "podman",
                &["secret", "create", name, &format!("{name}.json")],
                &[],
                &dir,
            ),
            "podman secret create",
        );
        teardown.push((
            "podman".into(),
            vec!["secret".into(), "rm".into(), name.to_string()],
            Vec::new(),
            dir.clone(),
        ));
    }
    // `kube down` keeps the volumes it made for claims, ConfigMaps and Secrets.
    let volumes = plan
        .volumes
        .iter()
        .filter(|v| v.kind == VolumeKind::Persistent)
        .map(|v| v.name.clone())
        .chain(plan.configs.iter().map(|c| c.name.clone()))
        .chain(secrets.iter().map(|(name, _)| name.to_string()));
    for volume in volumes {
        let _ = run("podman", &["volume", "rm", "-f", &volume], &[], &dir);
        teardown.push((
            "podman".into(),
            vec!["volume".into(), "rm".into(), "-f".into(), volume],
            Vec::new(),
            dir.clone(),
        ));
    }
    let teardown = Teardown(teardown);

    ok(
        run("podman", &["kube", "play", "kubernetes.yaml"], &[], &dir),
        "podman kube play",
    );
    for (workload, port) in &ports {
        wait_for_health(*port, workload);
    }
    let worker_env = ok(
        run(
            "podman",
            &[
                "exec",
                "worker-pod-0-worker",
                "/bin/sh",
                "-c",
                "echo $DB_PASSWORD; id -u",
            ],
            &[],
            &dir,
        ),
        "podman exec worker",
    );
    assert_eq!(worker_env, format!("{canary}\n1000\n"));

    ok(
        run("podman", &["kube", "down", "kubernetes.yaml"], &[], &dir),
        "podman kube down",
    );
    let left = ok(
        run(
            "podman",
            &["pod", "ps", "-q", "--filter", "name=-pod-0"],
            &[],
            &dir,
        ),
        "podman pod ps",
    );
    for name in ["api-pod-0", "storefront-pod-0", "worker-pod-0"] {
        let exists = run("podman", &["pod", "exists", name], &[], &dir);
        assert!(
            !exists.status.success(),
            "{name} left after kube down ({left})"
        );
    }
    drop(teardown);
    std::fs::remove_dir_all(&dir).unwrap();
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
