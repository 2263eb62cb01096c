//! End to end on a real podman: the shop's compose scope brought up with
//! `podman-compose` and its Kubernetes scope run with `podman kube play`,
//! each answering on its readiness endpoint from the host, then torn down.
//!
//! The plans are lowered from `examples/shop` by the real binary (`landfall
//! plan --scope APP/SCOPE -o DIR`). The compose tests move the api's fixed
//! host port to a free one and emit again (a shared machine may hold it);
//! the Kubernetes manifests run exactly as written. Compose runs twice:
//! with podman-compose, and with Docker Compose v2 against podman's
//! Docker-compatible API on a socket of the test's own.
//!
//! With `LANDFALL_E2E=require` (what `.ci/run` sets) a missing or broken
//! podman fails the tests; without it they run when podman is there and
//! say so when it is not.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use landfall_plan::{Plan, VolumeKind};
use landfall_targets::Artifact;

use crate::support::{
    compose_environment, compose_v2, free_port, http_get, landfall, podman_ready, repo_root,
    run_tool, succeeded as ok,
};

/// Runs a program the test needs in `dir`.
fn run(program: &str, args: &[&str], envs: &[(String, String)], dir: &Path) -> Output {
    run_tool(program, args, envs, Some(dir))
}

/// Polls `http://127.0.0.1:PORT/health` until it answers `ok`.
fn wait_for_health(port: u16, what: &str) {
    wait_for_health_at(&format!("127.0.0.1:{port}"), what);
}

/// Polls `http://ADDRESS/health` until it answers `ok`, for at most a minute.
fn wait_for_health_at(address: &str, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(body) = health_body(address)
            && body.trim() == "ok"
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{what} did not answer on {address}/health within 60 s"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// The body of a 200 answer to `GET /health` at the address.
fn health_body(address: &str) -> Option<String> {
    let response = http_get(address, "/health").ok()?;
    let (head, body) = response.split_once("\r\n\r\n")?;
    head.starts_with("HTTP/1.").then_some(())?;
    head.split(' ').nth(1).filter(|code| *code == "200")?;
    Some(body.to_string())
}

/// The plan of `examples/shop`'s scope, lowered by `landfall plan -o DIR`.
fn shop_plan(scope: &str) -> Plan {
    let out = scratch_dir(&format!("plan-{}", scope.replace('/', "-")));
    let output = landfall()
        .args(["plan", "examples/shop", "--scope", scope, "-o"])
        .arg(&out)
        .current_dir(repo_root())
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

/// Writes the artifacts under `dir`, as `landfall plan -o DIR` does.
fn write_artifacts(dir: &Path, artifacts: &[Artifact]) {
    for artifact in artifacts {
        let path = dir.join(&artifact.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &artifact.contents).unwrap();
    }
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
    let secrets = stand_in_secret_files(&dir);
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
    // A public workload is published on every interface.
    assert!(mapping.starts_with("0.0.0.0:"), "{mapping}");
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
    assert!(exec("worker", SECRET_PROBE).contains("stand-in certificate"));
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

/// The probe every target must pass for the worker's `secret://orders-db-tls`
/// at `/etc/tls`: a directory holding one file named after the secret.
const SECRET_PROBE: &str = "test -d /etc/tls && cat /etc/tls/orders-db-tls";

/// The secret files a compose scope of the shop mounts, under `DIR/secrets`.
fn stand_in_secret_files(dir: &Path) -> PathBuf {
    let secrets = dir.join("secrets");
    std::fs::create_dir_all(&secrets).unwrap();
    std::fs::write(secrets.join("orders-db-tls"), "stand-in certificate\n").unwrap();
    secrets
}

/// `podman system service` on a socket of this test's own, stopped (by its
/// process id) when dropped.
struct PodmanService {
    child: std::process::Child,
    dir: PathBuf,
}

impl PodmanService {
    fn start(dir: PathBuf) -> PodmanService {
        let socket = dir.join("podman.sock");
        let child = Command::new("podman")
            .args(["system", "service", "--time=0"])
            .arg(format!("unix://{}", socket.display()))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("podman system service");
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::os::unix::net::UnixStream::connect(&socket).is_err() {
            assert!(
                Instant::now() < deadline,
                "podman system service did not listen on {} within 30 s",
                socket.display()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        PodmanService { child, dir }
    }

    fn docker_host(&self) -> String {
        format!("unix://{}", self.dir.join("podman.sock").display())
    }
}

impl Drop for PodmanService {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn shop_staging_runs_on_compose_v2_against_podmans_docker_api() {
    if !podman_ready() {
        return;
    }
    let mut plan = shop_plan("shop/staging");
    // A free host port for the single-replica api (the scope's fixed one
    // may be taken on a shared machine).
    let api_port = free_port();
    for workload in &mut plan.workloads {
        for port in workload.containers.iter_mut().flat_map(|c| &mut c.ports) {
            port.host_port = Some(api_port);
        }
    }
    let dir = scratch_dir("compose-v2");
    write_artifacts(&dir, &compose_artifacts(&plan));
    let secrets = stand_in_secret_files(&dir);
    let service = PodmanService::start(dir.clone());
    let mut envs = compose_environment(&plan, &secrets);
    envs.push(("DOCKER_HOST".into(), service.docker_host()));

    let project = format!("landfall-e2e-v2-{}", std::process::id());
    let compose_v2 = compose_v2();
    let compose = |verb: &[&str]| {
        let mut args = vec!["-p", project.as_str(), "-f", "compose.yaml"];
        args.extend(verb);
        run(&compose_v2, &args, &envs, &dir)
    };
    let teardown = Teardown(vec![(
        compose_v2.clone(),
        ["-p", &project, "-f", "compose.yaml", "down", "-v"]
            .map(String::from)
            .to_vec(),
        envs.clone(),
        dir.clone(),
    )]);
    ok(compose(&["up", "-d"]), "Compose v2 up -d");
    wait_for_health(api_port, "api (Compose v2)");
    let exec = |container: &str, script: &str| {
        ok(
            run(
                "podman",
                &[
                    "exec",
                    &format!("{project}-{container}-1"),
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
    assert!(exec("worker", SECRET_PROBE).contains("stand-in certificate"));
    assert_eq!(exec("worker", "id -u").trim(), "1000");

    let down = compose(&["down", "-v"]);
    ok(down, "Compose v2 down -v");
    let left = ok(
        run(
            "podman",
            &[
                "ps",
                "-a",
                "-q",
                "--filter",
                &format!("label=com.docker.compose.project={project}"),
            ],
            &[],
            &dir,
        ),
        "podman ps",
    );
    assert_eq!(left.trim(), "", "containers left after Compose v2 down");
    drop(teardown);
    drop(service);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn shop_production_runs_unmodified_on_podman_kube_play() {
    if !podman_ready() {
        return;
    }
    // The manifests exactly as `landfall plan -o DIR` writes them.
    let dir = scratch_dir("kube");
    ok(
        landfall()
            .args(["plan", "examples/shop", "--scope", "shop/production", "-o"])
            .arg(&dir)
            .current_dir(repo_root())
            .output()
            .unwrap(),
        "landfall plan --scope shop/production -o DIR",
    );
    let plan = Plan::from_json(&std::fs::read_to_string(dir.join("plan.json")).unwrap()).unwrap();

    // The cluster's owner creates the Secrets the manifests reference; with
    // podman 4.3 that is a podman secret holding the Secret's `data` as JSON
    // (read as env), or the Secret itself (mounted).
    let canary = format!("canary-{}", std::process::id());
    let b64 = |text: &str| base64(text.as_bytes());
    let secrets = [
        ("shop-db", format!("{{\"password\":\"{}\"}}", b64(&canary))),
        (
            "orders-db-tls",
            format!(
                "{{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{{\"name\":\"orders-db-tls\"}},\"data\":{{\"value\":\"{}\"}}}}",
                b64("stand-in certificate")
            ),
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
    // A play that fails half-way leaves pods `kube down` does not remove.
    // podman 4.3 names them `<deployment>-pod-<replica>`.
    let pods: Vec<String> = plan
        .workloads
        .iter()
        .filter(|w| w.job.is_none())
        .flat_map(|w| (0..w.replicas.max(1)).map(move |i| format!("{}-pod-{i}", w.name)))
        .collect();
    for pod in &pods {
        teardown.push((
            "podman".into(),
            vec!["pod".into(), "rm".into(), "-f".into(), pod.clone()],
            Vec::new(),
            dir.clone(),
        ));
    }
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
    // `kube down` keeps the volumes it made for claims, ConfigMaps and
    // Secrets; a failed play keeps the emptyDirs' (`scratch-<name>`).
    let volumes = plan
        .volumes
        .iter()
        .map(|v| match v.kind {
            VolumeKind::Persistent => v.name.clone(),
            VolumeKind::Scratch => format!("scratch-{}", v.name),
        })
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
    // Nothing is published on the host: each HTTP workload answers on its
    // pod's address, as behind a cluster's Service.
    for workload in ["api", "storefront"] {
        let address = format!("{}:8080", pod_address(&format!("{workload}-pod-0"), &dir));
        wait_for_health_at(&address, workload);
    }
    let exec = |script: &str| {
        ok(
            run(
                "podman",
                &["exec", "worker-pod-0-worker", "/bin/sh", "-c", script],
                &[],
                &dir,
            ),
            &format!("podman exec worker: {script}"),
        )
    };
    assert_eq!(
        exec("echo $DB_PASSWORD; id -u"),
        format!("{canary}\n1000\n")
    );
    // The worker's startup probe. podman 4.3 mounts a Secret's keys
    // undecoded and ignores `items`, so the file itself is a cluster's
    // business (the compose and local tests read it).
    exec("test -d /etc/tls");
    // The emptyDir is writable by the non-root user.
    exec("echo probe > /scratch/probe && cat /scratch/probe");

    ok(
        run("podman", &["kube", "down", "kubernetes.yaml"], &[], &dir),
        "podman kube down",
    );
    for pod in &pods {
        let exists = run("podman", &["pod", "exists", pod], &[], &dir);
        assert!(!exists.status.success(), "{pod} left after kube down");
    }
    drop(teardown);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The IP address of a pod on its network (rootful podman routes it).
fn pod_address(pod: &str, dir: &Path) -> String {
    let infra = ok(
        run(
            "podman",
            &["pod", "inspect", pod, "--format", "{{.InfraContainerID}}"],
            &[],
            dir,
        ),
        "podman pod inspect",
    );
    let address = ok(
        run(
            "podman",
            &[
                "inspect",
                infra.trim(),
                "--format",
                "{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}",
            ],
            &[],
            dir,
        ),
        "podman inspect (infra container)",
    );
    address
        .split_whitespace()
        .next()
        .unwrap_or_else(|| panic!("{pod} has no address"))
        .to_string()
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
