//! End to end on a real podman: `landfall apply`, `status`, `down` and
//! `run` start real containers from the local test image
//! (`.ci/setup-podman.sh` builds it). The plans are the example shop's
//! local scope as lowered from its specs (a hand-written fixture only
//! where the example lacks a feature: secrets, sidecars, jobs). Each test
//! uses its own application name and state directory, so they run in
//! parallel, and removes what it made even when it fails.
//!
//! Without podman the tests say so and pass, unless `LANDFALL_E2E=require`
//! (set by `.ci/run`): then they fail.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use landfall_plan::{EnvSource, EnvVar, Plan, Probe, ProbeAction};

use crate::support::{
    TEST_IMAGE as IMAGE, files_below, free_port, http_get, landfall, podman_ready, repo_root,
};

const CANARY: &str = "canary-5e1f0c-never-shown";

/// One test's application scope: a unique name, its own state directory,
/// and `down --volumes` when dropped.
struct Scope {
    app: String,
    scope: String,
    dir: tempfile::TempDir,
    /// Every output of every landfall command run, for the canary check.
    seen: Mutex<String>,
}

impl Scope {
    fn new(test: &str) -> Scope {
        Scope {
            app: format!("e2e-{test}-{}", std::process::id()),
            scope: "local".to_string(),
            dir: tempfile::tempdir().unwrap(),
            seen: Mutex::new(String::new()),
        }
    }

    fn name(&self) -> String {
        format!("{}/{}", self.app, self.scope)
    }

    /// A hand-written plan of `crates/landfall-runner/tests/fixtures`, with
    /// this test's names and short timings.
    fn fixture(&self, fixture: &str) -> Plan {
        let path = repo_root()
            .join("crates/landfall-runner/tests/fixtures")
            .join(fixture);
        let mut plan = Plan::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
        plan.application.name = self.app.clone();
        plan.scope.name = self.scope.clone();
        short_timings(&mut plan);
        plan
    }

    /// The example shop's local scope as `landfall plan` lowers it from a
    /// copy of its specs (this test's names, free host ports), with short
    /// timings. Tests change the plan as a new version of the specs would.
    fn plan(&self) -> Plan {
        let tree = self.shop_tree();
        let output = self
            .command(&[
                "plan",
                tree.to_str().unwrap(),
                "--scope",
                &self.name(),
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let mut plan = Plan::from_json(&String::from_utf8_lossy(&output.stdout)).unwrap();
        short_timings(&mut plan);
        plan
    }

    /// A copy of `examples/shop` named after this test's application,
    /// with short timings, and a host port offset whose ports are free
    /// (tests run in parallel; the example's offset would have every test
    /// publish the API on 18080). Returns the tree's directory.
    fn shop_tree(&self) -> PathBuf {
        let example = repo_root().join("examples/shop");
        let tree = self.dir.path().join("shop");
        let offset = free_offset();
        for (relative, bytes) in files_below(&example) {
            let target = tree.join(relative);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            let text = String::from_utf8(bytes)
                .unwrap()
                .replace(
                    "application: shop\n",
                    &format!("application: {}\n", self.app),
                )
                .replace("  name: shop\n", &format!("  name: {}\n", self.app))
                .replace("healthyTime: 1m", "healthyTime: 1s")
                .replace("period: 10s", "period: 2s")
                .replace(
                    "    engine: podman\n",
                    &format!("    engine: podman\n    hostPortOffset: {offset}\n"),
                );
            std::fs::write(target, text).unwrap();
        }
        tree
    }

    /// Sets the version in the copied tree's application.
    fn set_version(&self, tree: &Path, version: &str) {
        let path = tree.join("application.yaml");
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace("version: \"2.4.2\"", &format!("version: \"{version}\""));
        std::fs::write(path, text).unwrap();
    }

    fn write_plan(&self, plan: &Plan) -> PathBuf {
        let path = self
            .dir
            .path()
            .join(format!("plan-{}.json", plan.application.version));
        std::fs::write(&path, plan.to_json()).unwrap();
        path
    }

    /// `landfall ARGS` with this scope's state directory.
    fn command(&self, args: &[&str]) -> Command {
        let mut command = landfall();
        command
            .args(args)
            .env("XDG_STATE_HOME", self.dir.path().join("state"));
        command
    }

    fn landfall(&self, args: &[&str]) -> Output {
        self.landfall_env(args, &[])
    }

    /// [`Scope::landfall`] with variables set in its environment.
    fn landfall_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let output = self
            .command(args)
            .envs(env.iter().copied())
            .output()
            .unwrap();
        let mut seen = self.seen.lock().unwrap();
        seen.push_str(&String::from_utf8_lossy(&output.stdout));
        seen.push_str(&String::from_utf8_lossy(&output.stderr));
        output
    }

    /// Runs landfall and asserts success, returning stdout.
    fn ok(&self, args: &[&str]) -> String {
        self.ok_env(args, &[])
    }

    /// [`Scope::ok`] with variables set in its environment.
    fn ok_env(&self, args: &[&str], env: &[(&str, &str)]) -> String {
        let output = self.landfall_env(args, env);
        assert!(
            output.status.success(),
            "landfall {args:?} failed:\n{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    fn apply(&self, plan: &Plan) -> String {
        let path = self.write_plan(plan);
        self.ok(&["apply", path.to_str().unwrap()])
    }

    fn status(&self) -> serde_json::Value {
        let text = self.ok(&["status", "--scope", &self.name(), "--format", "json"]);
        serde_json::from_str(&text).unwrap()
    }

    fn label_filters(&self) -> Vec<String> {
        vec![
            "--filter".into(),
            format!("label=dev.landfall.owner={}", self.name()),
        ]
    }

    /// Names of the scope's objects of one kind (`ps -a`, `network ls`…).
    fn objects(&self, list: &[&str]) -> Vec<String> {
        let mut args: Vec<String> = list.iter().map(|s| s.to_string()).collect();
        args.extend(self.label_filters());
        let output = Command::new("podman").args(&args).output().unwrap();
        assert!(
            output.status.success(),
            "podman {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let mut names: Vec<String> = String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(String::from)
            .collect();
        names.sort();
        names
    }

    /// Runs `script` with `sh -c` in the first container of `workload`'s
    /// replica 0 (its sidecars' names are longer).
    fn sh_in(&self, workload: &str, script: &str) -> Output {
        let container = self
            .containers()
            .into_iter()
            .filter(|c| c.contains(&format!("-{workload}-0-")))
            .min_by_key(String::len)
            .unwrap_or_else(|| panic!("no replica 0 of {workload}"));
        Command::new("podman")
            .args(["exec", &container, "sh", "-c", script])
            .output()
            .unwrap()
    }

    fn containers(&self) -> Vec<String> {
        self.objects(&["ps", "--all", "--format", "{{.Names}}"])
    }

    fn secrets(&self) -> Vec<String> {
        let prefix = format!("{}-{}-secret-", self.app, self.scope);
        let output = Command::new("podman")
            .args(["secret", "ls", "--format", "{{.Name}}"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter(|l| l.starts_with(&prefix))
            .map(String::from)
            .collect()
    }

    /// Everything a secret value must not appear in: what landfall printed
    /// in this scope, the `files` it wrote, and what the engine shows.
    fn everything_shown(&self, files: &[&Path]) -> String {
        let mut everything = self.seen.lock().unwrap().clone();
        for file in files {
            everything.push_str(&std::fs::read_to_string(file).unwrap());
        }
        everything.push_str(&self.engine_metadata());
        everything
    }

    /// What the engine shows of the scope's objects: the labels, commands
    /// and entrypoints of its containers, the labels of its networks and
    /// volumes, the specs of every secret. Each kind must have objects.
    fn engine_metadata(&self) -> String {
        let mut shown = String::new();
        for (list, inspect, format) in [
            (
                &["ps", "--all", "--format", "{{.Names}}"][..],
                &["container", "inspect"][..],
                "{{json .Config.Labels}} {{json .Config.Cmd}} {{json .Config.Entrypoint}}",
            ),
            (
                &["network", "ls", "--format", "{{.Name}}"],
                &["network", "inspect"],
                "{{json .Labels}}",
            ),
            (
                &["volume", "ls", "--format", "{{.Name}}"],
                &["volume", "inspect"],
                "{{json .Labels}}",
            ),
            (
                &["secret", "ls", "--format", "{{.Name}}"],
                &["secret", "inspect"],
                "{{json .Spec}}",
            ),
        ] {
            let mut args: Vec<String> = list.iter().map(|s| s.to_string()).collect();
            if list[0] != "secret" {
                args.extend(self.label_filters());
            }
            let listed = Command::new("podman").args(&args).output().unwrap();
            let names: Vec<String> = String::from_utf8_lossy(&listed.stdout)
                .lines()
                .map(String::from)
                .collect();
            assert!(!names.is_empty(), "{list:?}");
            let mut args: Vec<String> = inspect.iter().map(|s| s.to_string()).collect();
            args.extend(["--format".into(), format.into()]);
            args.extend(names);
            let output = Command::new("podman").args(&args).output().unwrap();
            shown.push_str(&String::from_utf8_lossy(&output.stdout));
        }
        shown
    }

    /// Asserts that nothing with the scope's labels is left.
    fn assert_empty(&self, volumes_kept: &[&str]) {
        assert_eq!(self.containers(), Vec::<String>::new(), "containers left");
        assert_eq!(
            self.objects(&["network", "ls", "--format", "{{.Name}}"]),
            Vec::<String>::new(),
            "networks left"
        );
        let kept: Vec<String> = volumes_kept
            .iter()
            .map(|v| format!("{}-{}-{v}", self.app, self.scope))
            .collect();
        assert_eq!(
            self.objects(&["volume", "ls", "--format", "{{.Name}}"]),
            kept,
            "volumes left"
        );
        assert_eq!(self.secrets(), Vec::<String>::new(), "secrets left");
    }

    /// `GET /health` through the host port `status` shows for a workload.
    fn host_port(&self, workload: &str) -> String {
        let status = self.status();
        let workload = status["workloads"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["name"] == workload)
            .unwrap_or_else(|| panic!("no {workload} in {status}"));
        workload["replicas"][0]["ports"][0]["host"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        let _ = self
            .command(&["down", "--scope", &self.name(), "--volumes"])
            .output();
    }
}

/// Healthy times of at most 1 s, probes every 300 ms at most, after at
/// most 200 ms.
fn short_timings(plan: &mut Plan) {
    for rule in &mut plan.upgrade_from {
        rule.healthy_time_ms = rule.healthy_time_ms.min(1000);
    }
    for workload in &mut plan.workloads {
        for container in &mut workload.containers {
            for probe in [
                &mut container.probes.readiness,
                &mut container.probes.startup,
            ]
            .into_iter()
            .flatten()
            {
                probe.initial_delay_ms = probe.initial_delay_ms.min(200);
                probe.period_ms = probe.period_ms.min(300);
            }
        }
    }
}

/// A `hostPortOffset` (at most 10,000, as the example's ScopeType
/// allows) whose port 8080 lands on a free host port.
fn free_offset() -> u16 {
    let start = 1000 + (std::process::id() % 4000) as u16;
    for offset in (start..10_000).chain(1..start) {
        static TAKEN: Mutex<Vec<u16>> = Mutex::new(Vec::new());
        let mut taken = TAKEN.lock().unwrap();
        if taken.contains(&offset) {
            continue;
        }
        if std::net::TcpListener::bind(("127.0.0.1", 8080 + offset)).is_ok() {
            taken.push(offset);
            return offset;
        }
    }
    panic!("no free host port for the example's API");
}

/// A container in the scope's network asking `http://WORKLOAD:8080/health`
/// every 100 ms, by name as the workloads do; labelled as the scope's job
/// so `down` removes it. Returns its name.
/// Waits until the poller has answered once: on a loaded machine its
/// container may take seconds to start, and an upgrade begun before then
/// would go unobserved.
fn wait_for_first_answer(poller: &str) {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while poller_counts(poller).0 == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the poller never got an answer"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn start_poller(scope: &Scope, plan: &Plan, workload: &str) -> String {
    let name = format!("{}-{}-poller", scope.app, scope.scope);
    let script = format!(
        "while true; do if wget -q -O- http://{workload}:8080/health >/dev/null; then echo ok; else echo FAIL; fi; sleep 0.1; done"
    );
    let output = Command::new("podman")
        .args([
            "run",
            "--detach",
            "--init",
            "--name",
            &name,
            "--label",
            &format!("dev.landfall.owner={}", scope.name()),
            "--label",
            &format!("dev.landfall.application={}", scope.app),
            "--label",
            &format!("dev.landfall.scope={}", scope.scope),
            "--label",
            "dev.landfall.role=job",
            "--label",
            "dev.landfall.workload=poller",
            "--network",
            &format!("{}-{}-{}", scope.app, scope.scope, plan.networks[0].name),
            IMAGE,
            "sh",
            "-c",
            &script,
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    name
}

/// The poller's answers so far: (ok, failed).
fn poller_counts(name: &str) -> (usize, usize) {
    let output = Command::new("podman")
        .args(["logs", name])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    (
        text.lines().filter(|l| *l == "ok").count(),
        text.lines().filter(|l| *l == "FAIL").count(),
    )
}

#[test]
fn apply_reach_reapply_status_and_down() {
    if !podman_ready() {
        return;
    }
    let scope = Scope::new("basic");
    let plan = scope.plan();
    let out = scope.apply(&plan);
    assert!(
        out.contains("apply complete, 6 changes (version 2.4.2)"),
        "{out}"
    );

    // Reachable from the host on 127.0.0.1, through the port shown.
    let api = scope.host_port("api");
    assert!(api.starts_with("127.0.0.1:"), "{api}");
    assert!(out.contains(&format!("api: port 8080 on {api}")), "{out}");
    let answer = http_get(&api, "/health").unwrap();
    assert!(
        answer.starts_with("HTTP/1.") && answer.ends_with("ok\n"),
        "{answer}"
    );

    // Workloads reach each other by name; config files are mounted.
    let containers = scope.containers();
    let storefront = containers
        .iter()
        .find(|c| c.contains("-storefront-0-"))
        .unwrap();
    // The engine's DNS server learns a new container's name shortly after
    // it starts; on a loaded machine the first lookup can come first, so
    // the name is asked for a few seconds before the test gives up.
    let deadline = Instant::now() + Duration::from_secs(10);
    let inside = loop {
        let inside = Command::new("podman")
            .args([
                "exec",
                storefront,
                "sh",
                "-c",
                "wget -q -O- http://api:8080/health && cat /etc/storefront/storefront.conf && id -u",
            ])
            .output()
            .unwrap();
        if inside.status.success() || Instant::now() >= deadline {
            break inside;
        }
        std::thread::sleep(Duration::from_millis(250));
    };
    let stderr = String::from_utf8_lossy(&inside.stderr).into_owned();
    let inside = String::from_utf8_lossy(&inside.stdout).into_owned();
    assert!(
        inside.starts_with("ok\n# rendered at deploy time\nlog_level = info\n"),
        "{inside}{stderr}"
    );
    assert!(
        inside.ends_with("1000\n"),
        "runs as the spec's user: {inside}"
    );

    // Secure by default, as the engine sees it.
    let inspect = Command::new("podman")
        .args(["inspect", "--format", "{{.HostConfig.CapDrop}} {{.HostConfig.ReadonlyRootfs}} {{.HostConfig.SecurityOpt}} {{.HostConfig.PidsLimit}} {{.HostConfig.Privileged}} {{.HostConfig.NetworkMode}} {{.HostConfig.Memory}}", storefront])
        .output()
        .unwrap();
    let inspect = String::from_utf8_lossy(&inspect.stdout);
    assert!(
        inspect.contains("true [no-new-privileges] 512 false bridge 536870912"),
        "{inspect}"
    );
    assert!(
        inspect.contains("CAP_CHOWN"),
        "every capability dropped: {inspect}"
    );

    // The same plan again: nothing changes, nothing restarts.
    let out = scope.apply(&plan);
    assert!(out.contains("apply complete, 0 changes"), "{out}");
    assert_eq!(scope.containers(), containers);

    let status = scope.status();
    let workloads = status["workloads"].as_array().unwrap();
    assert_eq!(workloads.len(), 2);
    assert_eq!(workloads[0]["name"], "api");
    assert_eq!(workloads[0]["version"], "2.4.2");
    assert_eq!(workloads[1]["replicas"].as_array().unwrap().len(), 2);
    for workload in workloads {
        for replica in workload["replicas"].as_array().unwrap() {
            assert_eq!(replica["state"], "running");
            assert_eq!(replica["healthy"], true);
            assert_eq!(replica["ports"][0]["port"], 8080);
        }
    }
    let human = scope.ok(&["status", "--scope", &scope.name()]);
    assert!(human.starts_with("api (version 2.4.2)\n"), "{human}");

    let out = scope.ok(&["down", "--scope", &scope.name()]);
    assert!(
        out.contains("removed 3 containers, 1 network, 2 volumes, 0 secrets"),
        "{out}"
    );
    scope.assert_empty(&[]);
    // Down of a scope with nothing in it is fine.
    scope.ok(&["down", "--scope", &scope.name()]);
}

#[test]
fn a_scope_whose_containers_were_removed_by_hand_is_applied_again() {
    if !podman_ready() {
        return;
    }
    let scope = Scope::new("emptied");
    let plan = scope.plan();
    scope.apply(&plan);
    let containers = scope.containers();
    let removed = Command::new("podman")
        .args(["rm", "--force", "--time", "1"])
        .args(&containers)
        .output()
        .unwrap();
    assert!(removed.status.success());

    // The network and volumes are still there: the dry run lists every
    // kind and creates none of them. Apply creates them without listing
    // first; a create that finds its object in place goes on and counts
    // as unchanged, so the apply's count is the dry run's: the two
    // workloads.
    let path = scope.write_plan(&plan);
    let dry = scope.ok(&["apply", path.to_str().unwrap(), "--dry-run"]);
    assert_eq!(
        dry.lines()
            .filter(|l| l.starts_with("podman network create ")
                || l.starts_with("podman volume create "))
            .count(),
        0,
        "{dry}"
    );
    assert!(dry.ends_with(": 2 changes\n"), "{dry}");
    let out = scope.apply(&plan);
    assert!(
        out.contains("apply complete, 2 changes"),
        "the network and volumes were found in place: {out}"
    );
    assert_eq!(scope.containers().len(), 3);
    let out = scope.apply(&plan);
    assert!(out.contains("apply complete, 0 changes"), "{out}");
    let dry = scope.ok(&["apply", path.to_str().unwrap(), "--dry-run"]);
    assert!(dry.ends_with(": 0 changes\n"), "{dry}");
}

#[test]
fn a_scope_applied_under_another_state_dir_is_upgraded_not_doubled() {
    if !podman_ready() {
        return;
    }
    let scope = Scope::new("elsewhere");
    let mut plan = scope.plan();
    scope.apply(&plan);
    let before = scope.containers();
    assert_eq!(before.len(), 3, "{before:?}");

    // As if this apply ran under another HOME (or the state dir was
    // removed): nothing in the state dir says the scope runs. The
    // network, found in place, does: the scope is listed and upgraded.
    let scope_dir = scope
        .dir
        .path()
        .join("state/landfall")
        .join(&plan.application.name)
        .join(&plan.scope.name);
    std::fs::remove_dir_all(&scope_dir).unwrap();
    plan.application.version = "2.4.3".into();
    let path = scope.write_plan(&plan);
    let output = scope.landfall(&["apply", path.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("from version 2.4.2"), "{stderr}");
    let after = scope.containers();
    assert_eq!(
        after.len(),
        3,
        "no replica of 2.4.2 left beside 2.4.3: {after:?}"
    );
    assert!(after.iter().all(|c| !before.contains(c)), "{after:?}");
    assert_eq!(
        scope
            .objects(&["network", "ls", "--format", "{{.Name}}"])
            .len(),
        1
    );
}

#[test]
fn a_rolling_upgrade_keeps_the_service_answering() {
    if !podman_ready() {
        return;
    }
    let scope = Scope::new("rolling");
    let mut plan = scope.plan();
    scope.apply(&plan);
    let before = scope.containers();
    let poller = start_poller(&scope, &plan, "storefront");
    wait_for_first_answer(&poller);

    plan.application.version = "2.4.3".into();
    let path = scope.write_plan(&plan);
    let (answered_before, _) = poller_counts(&poller);
    let output = scope.landfall(&["apply", path.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("rolling (maxParallel 1, healthyTime 1000 ms) from version 2.4.2"),
        "{stderr}"
    );
    let (answered_during, _) = poller_counts(&poller);
    // The service answered while the upgrade ran, not only before it (a
    // loaded machine polls slower, so count answers, not a rate).
    assert!(
        answered_during > answered_before,
        "no answer during the upgrade ({answered_before} before, {answered_during} after)"
    );
    std::thread::sleep(Duration::from_millis(500));
    let (ok, failed) = poller_counts(&poller);
    assert_eq!(
        failed, 0,
        "the service stopped answering during the upgrade ({ok} answers)"
    );

    let status = scope.status();
    for workload in status["workloads"].as_array().unwrap() {
        if workload["name"] != "poller" {
            assert_eq!(workload["version"], "2.4.3", "{status}");
        }
    }
    let after: Vec<String> = scope
        .containers()
        .into_iter()
        .filter(|c| *c != poller)
        .collect();
    assert_eq!(after.len(), 3, "{after:?}");
    assert!(
        after.iter().all(|c| !before.contains(c)),
        "every replica replaced"
    );
}

#[test]
fn a_failing_readiness_probe_leaves_the_old_version_serving() {
    if !podman_ready() {
        return;
    }
    let scope = Scope::new("failing");
    let mut plan = scope.plan();
    scope.apply(&plan);
    let before = scope.containers();
    let poller = start_poller(&scope, &plan, "storefront");
    wait_for_first_answer(&poller);

    plan.application.version = "2.4.3".into();
    let storefront = plan
        .workloads
        .iter_mut()
        .find(|w| w.name == "storefront")
        .unwrap();
    storefront.containers[0].probes.readiness = Some(Probe {
        action: ProbeAction::Http {
            path: "/missing".into(),
            port: 8080,
            scheme: landfall_plan::HttpScheme::Http,
        },
        initial_delay_ms: 0,
        period_ms: 200,
        timeout_ms: 500,
        success_threshold: 1,
        failure_threshold: 3,
    });
    let path = scope.write_plan(&plan);
    let output = scope.landfall(&["apply", path.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("error: workload `storefront`: "),
        "{stderr}"
    );
    assert!(
        stderr.contains("is not ready: readiness probe (http GET /missing on port 8080"),
        "{stderr}"
    );
    assert!(stderr.contains("answered 404"), "{stderr}");
    assert!(stderr.contains("last log lines of"), "{stderr}");

    // The old storefront replicas still serve, the failed one is gone.
    let status = scope.status();
    let storefront = status["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["name"] == "storefront")
        .unwrap();
    assert_eq!(storefront["version"], "2.4.2", "{status}");
    let replicas = storefront["replicas"].as_array().unwrap();
    assert_eq!(replicas.len(), 2, "{status}");
    assert!(replicas.iter().all(|r| r["healthy"] == true), "{status}");
    let now: Vec<String> = scope
        .containers()
        .into_iter()
        .filter(|c| *c != poller && !c.contains("-api-"))
        .collect();
    let old: Vec<String> = before
        .into_iter()
        .filter(|c| !c.contains("-api-"))
        .collect();
    assert_eq!(now, old);
    let (ok, failed) = poller_counts(&poller);
    assert!(ok > 0 && failed == 0, "ok {ok}, failed {failed}");
}

#[test]
fn a_killed_apply_converges_and_a_concurrent_apply_is_refused() {
    if !podman_ready() {
        return;
    }
    let scope = Scope::new("killed");
    let mut plan = scope.plan();
    let storefront = plan
        .workloads
        .iter_mut()
        .find(|w| w.name == "storefront")
        .unwrap();
    storefront.replicas = 3;
    // Slow to become ready, so the apply is caught half-way.
    for probe in [&mut storefront.containers[0].probes.readiness]
        .into_iter()
        .flatten()
    {
        probe.initial_delay_ms = 4000;
    }
    let path = scope.write_plan(&plan);
    let mut child = scope
        .command(&["apply", path.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !scope
        .containers()
        .iter()
        .any(|c| c.contains("-storefront-"))
    {
        assert!(
            Instant::now() < deadline,
            "the apply never started the storefront"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    // A second apply meanwhile fails at once, naming the first.
    let started = Instant::now();
    let output = scope.landfall(&["apply", path.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(
        stderr.contains(&format!(
            "is locked by `landfall apply` (pid {}, host ",
            child.id()
        )),
        "{stderr}"
    );

    child.kill().unwrap();
    child.wait().unwrap();

    let out = scope.apply(&plan);
    assert!(out.contains("apply complete"), "{out}");
    let containers = scope.containers();
    let storefronts: Vec<&String> = containers
        .iter()
        .filter(|c| c.contains("-storefront-"))
        .collect();
    assert_eq!(storefronts.len(), 3, "{containers:?}");
    for slot in 0..3 {
        assert_eq!(
            storefronts
                .iter()
                .filter(|c| c.contains(&format!("-storefront-{slot}-")))
                .count(),
            1,
            "{containers:?}"
        );
    }
    assert_eq!(containers.len(), 4, "{containers:?}");
    let out = scope.apply(&plan);
    assert!(out.contains("apply complete, 0 changes"), "{out}");
}

#[test]
fn secret_values_reach_the_containers_and_nothing_else() {
    if !podman_ready() {
        return;
    }
    let scope = Scope::new("secrets");
    let mut plan = scope.fixture("every-feature.plan.json");
    // A free host port for the sidecar's fixed one.
    let free = free_port();
    let worker = plan
        .workloads
        .iter_mut()
        .find(|w| w.name == "worker")
        .unwrap();
    worker.containers[1].ports[0].host_port = Some(free);
    let plan_path = scope.write_plan(&plan);
    let secrets_file = scope.dir.path().join("dev.secrets");
    std::fs::write(
        &secrets_file,
        format!("# local values\nshop-db/password={CANARY}\n"),
    )
    .unwrap();
    let secrets_arg = secrets_file.to_str().unwrap();

    // A secret without a value: named, and nothing runs.
    let output = scope.landfall(&[
        "apply",
        plan_path.to_str().unwrap(),
        "--secrets-file",
        secrets_arg,
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("error: secret `orders-db-tls` has no value: set it in "),
        "{stderr}"
    );
    assert!(
        stderr.contains("or in the environment variable LANDFALL_SECRET_ORDERS_DB_TLS"),
        "{stderr}"
    );
    assert_eq!(scope.containers(), Vec::<String>::new());

    let tls = format!("{CANARY}-tls");
    let apply =
        |args: &[&str]| scope.landfall_env(args, &[("LANDFALL_SECRET_ORDERS_DB_TLS", &tls)]);
    let plan_arg = plan_path.to_str().unwrap();
    let dry = apply(&[
        "apply",
        plan_arg,
        "--secrets-file",
        secrets_arg,
        "--dry-run",
    ]);
    assert!(dry.status.success());
    assert!(String::from_utf8_lossy(&dry.stdout).contains("< <(secret shop-db/password)"));
    let output = apply(&["apply", plan_arg, "--secrets-file", secrets_arg]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // The values are where the spec puts them.
    let check = scope.sh_in(
        "worker",
        &format!("test \"$DB_PASSWORD\" = '{CANARY}' && test \"$(cat /etc/tls/orders-db-tls)\" = '{CANARY}-tls' && echo same"),
    );
    assert_eq!(String::from_utf8_lossy(&check.stdout), "same\n");

    // A job of the cron workload, run once: its status and output.
    let output = apply(&[
        "run",
        &format!("{}/nightly-report", scope.name()),
        plan_arg,
        "--secrets-file",
        secrets_arg,
    ]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(stdout, "report for EUR\n");
    assert!(
        stderr.contains("nightly-report: the job succeeded (exit status 0)"),
        "{stderr}"
    );

    // A workload that prints its secret and fails: the log lines shown
    // have the value redacted.
    let mut leaky = plan.clone();
    leaky.application.version = "2.4.3".into();
    let api = leaky
        .workloads
        .iter_mut()
        .find(|w| w.name == "api")
        .unwrap();
    api.containers[0].command = Some(vec!["/bin/sh".into(), "-c".into()]);
    api.containers[0].args = Some(vec!["echo password is $DB_PASSWORD; exit 3".into()]);
    api.containers[0].env.push(EnvVar {
        name: "DB_PASSWORD".into(),
        source: EnvSource::Secret("shop-db/password".into()),
    });
    api.containers[0].env.sort_by(|a, b| a.name.cmp(&b.name));
    let leaky_path = scope.write_plan(&leaky);
    let output = apply(&[
        "apply",
        leaky_path.to_str().unwrap(),
        "--secrets-file",
        secrets_arg,
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("password is <redacted>"), "{stderr}");

    apply(&["status", "--scope", &scope.name(), "--format", "json"]);
    apply(&["status", "--scope", &scope.name()]);

    // Nowhere else: plans, landfall's output, labels of every object.
    let everything = scope.everything_shown(&[&plan_path, &leaky_path]);
    assert!(
        everything.contains("dev.landfall.run-hash"),
        "the labels were read"
    );
    assert!(
        !everything.contains(CANARY),
        "a secret value was shown:\n{everything}"
    );

    let out = scope.ok(&["down", "--scope", &scope.name()]);
    assert!(
        out.contains(&format!(
            "kept persistent volumes (remove them with --volumes): {}-local-order-spool",
            scope.app
        )),
        "{out}"
    );
    scope.assert_empty(&["order-spool"]);
    scope.ok(&["down", "--scope", &scope.name(), "--volumes"]);
    scope.assert_empty(&[]);
    assert!(!scope.seen.lock().unwrap().contains(CANARY));
}

/// The corpus's local scope with secrets, lowered from its specs by every
/// command that reads them: the values reach the containers, and no output,
/// plan file or engine label holds them.
#[test]
fn secrets_from_specs_reach_the_containers_and_no_output() {
    if !podman_ready() {
        return;
    }
    let scope = Scope::new("specsecrets");
    let corpus = repo_root().join("corpus/plan/local-secrets-and-jobs/tree.yaml");
    let text = std::fs::read_to_string(corpus)
        .unwrap()
        .replace(
            "application: ledger",
            &format!("application: {}", scope.app),
        )
        .replace("{name: ledger}", &format!("{{name: {}}}", scope.app))
        .replace("{name: dev, ", &format!("{{name: {}, ", scope.scope));
    let tree = scope.dir.path().join("tree.yaml");
    std::fs::write(&tree, text).unwrap();
    let secrets_file = scope.dir.path().join("dev.secrets");
    std::fs::write(&secrets_file, format!("ledger-db/password={CANARY}\n")).unwrap();
    let plan_file = scope.dir.path().join("plan.json");
    let (tree, secrets, plan_out) = (
        tree.to_str().unwrap(),
        secrets_file.to_str().unwrap(),
        plan_file.to_str().unwrap(),
    );
    let name = scope.name();
    // One secret from the file, one from the environment.
    let tls = format!("{CANARY}-tls");
    let run = |args: &[&str]| scope.ok_env(args, &[("LANDFALL_SECRET_LEDGER_TLS", &tls)]);

    run(&["plan", tree, "--scope", &name]);
    run(&[
        "plan", tree, "--scope", &name, "--format", "json", "-o", plan_out,
    ]);
    run(&[
        "apply",
        "--dry-run",
        tree,
        "--scope",
        &name,
        "--secrets-file",
        secrets,
    ]);
    let applied = run(&["apply", tree, "--scope", &name, "--secrets-file", secrets]);
    assert!(applied.contains("apply complete"), "{applied}");
    let check = scope.sh_in(
        "books",
        &format!("test \"$DB_PASSWORD\" = '{CANARY}' && test \"$(cat /etc/tls/ledger-tls)\" = '{CANARY}-tls' && cat /data/started"),
    );
    assert_eq!(
        String::from_utf8_lossy(&check.stdout),
        "started\n",
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let again = run(&["apply", tree, "--scope", &name, "--secrets-file", secrets]);
    assert!(again.contains("apply complete, 0 changes"), "{again}");
    run(&["plan", tree, "--scope", &name]);
    let job = run(&[
        "run",
        &format!("{name}/close-books"),
        tree,
        "--secrets-file",
        secrets,
    ]);
    assert_eq!(job, "closed\n");
    run(&["status", "--scope", &name]);
    run(&["status", "--scope", &name, "--format", "json"]);

    let everything = scope.everything_shown(&[&plan_file]);
    assert!(
        everything.contains("ledger-db/password"),
        "the references are shown"
    );
    assert!(
        !everything.contains(CANARY),
        "a secret value was shown:\n{everything}"
    );
    run(&["down", "--scope", &name, "--volumes"]);
    scope.assert_empty(&[]);
    assert!(!scope.seen.lock().unwrap().contains(CANARY));
}

#[test]
fn only_local_scopes_run() {
    let scope = Scope::new("target");
    let mut plan = scope.plan();
    plan.scope.target = landfall_plan::Target::Compose;
    let path = scope.write_plan(&plan);
    let output = scope.landfall(&["apply", path.to_str().unwrap(), "--engine", "podman"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("has target `compose`"));
}

#[test]
fn the_example_shop_applies_from_specs_and_plans_against_what_runs() {
    if !podman_ready() {
        return;
    }
    let scope = Scope::new("shop");
    let tree = scope.shop_tree();
    let tree_arg = tree.to_str().unwrap();
    let name = scope.name();
    let out = scope.ok(&["apply", tree_arg, "--scope", &name]);
    assert!(out.contains("apply complete, "), "{out}");
    assert!(out.contains("(version 2.4.2)"), "{out}");

    // The API answers over HTTP on the port the apply showed.
    let api = scope.host_port("api");
    assert!(out.contains(&format!("api: port 8080 on {api}")), "{out}");
    let answer = http_get(&api, "/health").unwrap();
    assert!(
        answer.starts_with("HTTP/1.") && answer.ends_with("ok\n"),
        "{answer}"
    );

    // The plan against what runs: nothing to do.
    let output = scope.landfall(&["plan", tree_arg, "--scope", &name, "--detailed-exitcode"]);
    let diff = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{diff}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(diff.contains("= unchanged workload api"), "{diff}");
    assert!(diff.contains("= unchanged workload storefront"), "{diff}");
    assert!(diff.contains("= unchanged network local"), "{diff}");
    assert!(
        diff.contains("= unchanged config storefront-config"),
        "{diff}"
    );
    assert!(
        diff.contains("Plan: 0 to create, 0 to update, 0 to delete."),
        "{diff}"
    );
    let out = scope.ok(&["apply", tree_arg, "--scope", &name]);
    assert!(out.contains("apply complete, 0 changes"), "{out}");

    // A new version: both workloads are updates.
    scope.set_version(&tree, "2.4.3");
    let output = scope.landfall(&["plan", tree_arg, "--scope", &name, "--detailed-exitcode"]);
    let diff = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(2), "{diff}");
    assert!(diff.contains("~ update    workload api"), "{diff}");
    assert!(diff.contains("version: 2.4.2 → 2.4.3"), "{diff}");
    assert!(
        diff.contains("Plan: 0 to create, 2 to update, 0 to delete."),
        "{diff}"
    );
    let out = scope.ok(&["apply", tree_arg, "--scope", &name]);
    assert!(out.contains("(version 2.4.3)"), "{out}");
    let output = scope.landfall(&["plan", tree_arg, "--scope", &name, "--detailed-exitcode"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );

    // An error in the specs blocks the apply: findings shown, exit 1.
    let api_spec = tree.join("workloads/api.yaml");
    let text = std::fs::read_to_string(&api_spec).unwrap();
    std::fs::write(&api_spec, text.replace("PORT: \"8080\"", "PORT: \"9090\"")).unwrap();
    let before = scope.containers();
    let output = scope.landfall(&["apply", tree_arg, "--scope", &name]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("port-env-mismatch"), "{stderr}");
    assert!(
        stderr.contains("cannot be planned: its specs have errors"),
        "{stderr}"
    );
    assert_eq!(scope.containers(), before, "nothing ran");

    scope.ok(&["down", "--scope", &name]);
    scope.assert_empty(&[]);
}

#[test]
fn without_an_engine_the_plan_says_so_and_creates_everything() {
    let scope = Scope::new("noengine");
    let tree = scope.shop_tree();
    let empty = scope.dir.path().join("empty-path");
    std::fs::create_dir_all(&empty).unwrap();
    let output = scope
        .command(&[
            "plan",
            tree.to_str().unwrap(),
            "--scope",
            &scope.name(),
            "--detailed-exitcode",
        ])
        .env("PATH", &empty)
        .output()
        .unwrap();
    let diff = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(2), "{diff}");
    assert!(
        diff.contains("Nothing observed (no container engine (podman or docker) is on PATH): every object is shown as to create."),
        "{diff}"
    );
    assert!(diff.contains("+ create    workload api"), "{diff}");
}

/// `Plan: 1 to create, 2 to update, 0 to delete.` → 3.
fn planned_changes(diff: &str) -> usize {
    let line = diff
        .lines()
        .find(|l| l.starts_with("Plan: "))
        .unwrap_or_else(|| panic!("no summary in:\n{diff}"));
    line.split(|c: char| !c.is_ascii_digit())
        .filter(|n| !n.is_empty())
        .map(|n| n.parse::<usize>().unwrap())
        .sum()
}

/// `…: apply complete, 3 changes (version …)` → 3.
fn applied_changes(out: &str) -> usize {
    let rest = out
        .split("apply complete, ")
        .nth(1)
        .unwrap_or_else(|| panic!("no report in:\n{out}"));
    rest.split(' ').next().unwrap().parse().unwrap()
}

/// One edit of the sequence: plan (changes expected, the lines wanted
/// shown), apply (the same count), plan again (settled: exit 0).
fn plan_apply_settle(
    scope: &Scope,
    tree: &Path,
    secret: &str,
    step: &str,
    wanted: &[&str],
) -> String {
    let name = scope.name();
    let tree = tree.to_str().unwrap();
    let env = [
        ("LANDFALL_SECRET_SHOP_DB_PASSWORD", secret),
        ("LANDFALL_SECRET_ORDERS_DB_TLS", "tls material"),
    ];
    let plan = scope.landfall_env(
        &["plan", tree, "--scope", &name, "--detailed-exitcode"],
        &env,
    );
    let diff = String::from_utf8_lossy(&plan.stdout).into_owned();
    assert_eq!(
        plan.status.code(),
        Some(2),
        "{step}: changes expected:\n{diff}\n{}",
        String::from_utf8_lossy(&plan.stderr)
    );
    for line in wanted {
        assert!(diff.contains(line), "{step}: `{line}` not in:\n{diff}");
    }
    let planned = planned_changes(&diff);
    let out = scope.ok_env(&["apply", tree, "--scope", &name, "--yes"], &env);
    assert_eq!(
        applied_changes(&out),
        planned,
        "{step}: apply's count differs from the plan's:\n{diff}\n{out}"
    );
    let again = scope.landfall_env(
        &["plan", tree, "--scope", &name, "--detailed-exitcode"],
        &env,
    );
    let settled = String::from_utf8_lossy(&again.stdout);
    assert_eq!(
        again.status.code(),
        Some(0),
        "{step}: not settled after apply:\n{settled}\n{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert!(settled.contains("No changes"), "{step}: {settled}");
    diff
}

#[test]
fn plan_and_apply_agree_through_a_sequence_of_edits() {
    if !podman_ready() {
        return;
    }
    let scope = Scope::new("edits");
    let tree = scope.shop_tree();
    let scope_file = tree.join("scopes/local.yaml");
    let app_file = tree.join("application.yaml");
    let storefront = tree.join("workloads/storefront.yaml");
    let edit = |path: &Path, from: &str, to: &str| crate::support::edit(path, from, to);
    let step = |what: &str, secret: &str, wanted: &[&str]| {
        plan_apply_settle(&scope, &tree, secret, what, wanted)
    };

    step(
        "first apply",
        "pw-1",
        &["+ create    workload api", "+ create    network local"],
    );

    edit(
        &scope_file,
        "workloads: [api, storefront]",
        "workloads: [api, storefront, worker]",
    );
    step(
        "add a workload with a persistent volume and secrets",
        "pw-1",
        &[
            "+ create    workload worker",
            "+ create    volume order-spool",
            "+ create    secret shop-db/password",
        ],
    );

    edit(
        &app_file,
        "LOG_LEVEL: {value: info}",
        "LOG_LEVEL: {value: debug}",
    );
    step(
        "change an env value (and the config that reads it)",
        "pw-1",
        &[
            "~ update    workload api",
            "~ update    config storefront-config",
            "-log_level = info",
            "+log_level = debug",
        ],
    );

    step(
        "change a secret's value",
        "pw-2",
        &["~ update    secret shop-db/password", "value changed"],
    );

    edit(
        &scope_file,
        "workloads: [api, storefront, worker]",
        "workloads: [api, storefront]",
    );
    let diff = step(
        "remove the workload",
        "pw-2",
        &[
            "- delete    workload worker",
            "- delete    volume worker-tmp",
        ],
    );
    assert!(diff.contains("= keep      volume order-spool"), "{diff}");
    assert!(diff.contains("down --volumes removes it"), "{diff}");

    scope.set_version(&tree, "2.4.3");
    step(
        "bump the version (a rolling upgrade)",
        "pw-2",
        &["~ update    workload storefront", "version: 2.4.2 → 2.4.3"],
    );

    edit(&storefront, "minScale: 2", "minScale: 3");
    step("scale up", "pw-2", &["replicas: 2 → 3"]);

    edit(&storefront, "minScale: 3", "minScale: 1");
    step("scale down", "pw-2", &["replicas: 3 → 1"]);

    // A plan saved now, before a replica is stopped by hand.
    let saved = scope.dir.path().join("saved.json");
    let saved = saved.to_str().unwrap();
    scope.ok(&[
        "plan",
        tree.to_str().unwrap(),
        "--scope",
        &scope.name(),
        "-o",
        saved,
    ]);
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(saved).unwrap()).unwrap();
    assert_eq!(
        record["observed"]["digest"].as_str().unwrap().len(),
        64,
        "{record}"
    );

    // A replica stopped by hand is drift: shown, and repaired.
    let replica = scope
        .containers()
        .into_iter()
        .find(|c| c.contains("-storefront-0-"))
        .unwrap();
    let stopped = Command::new("podman")
        .args(["stop", "--time", "1", &replica])
        .output()
        .unwrap();
    assert!(stopped.status.success());
    // The saved plan no longer holds: refused, saying what changed.
    let before = scope.containers();
    let refused = scope.landfall(&["apply", saved, "--yes"]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("Saved plan is stale"), "{stderr}");
    assert!(
        stderr.contains(&format!("+ container {replica} exited")),
        "{stderr}"
    );
    assert_eq!(scope.containers(), before, "a stale plan changed nothing");
    step(
        "a replica stopped by hand",
        "pw-2",
        &["~ restart   workload storefront", "replica 0 exited"],
    );

    edit(
        &storefront,
        "        - {uri: scratch://page-cache, path: /cache}\n",
        "        - {uri: scratch://page-cache, path: /cache}\n        - {uri: scratch://extra-cache, path: /extra}\n",
    );
    step(
        "add a scratch volume",
        "pw-2",
        &[
            "+ create    volume extra-cache",
            "~ update    workload storefront",
        ],
    );

    edit(
        &app_file,
        "          cache_dir = /cache\n",
        "          cache_dir = /cache\n          compress = true\n",
    );
    step(
        "change a config",
        "pw-2",
        &["~ update    config storefront-config", "+compress = true"],
    );

    edit(
        &scope_file,
        "workloads: [api, storefront]",
        "workloads: [storefront]",
    );
    step(
        "remove another workload",
        "pw-2",
        &["- delete    workload api", "- delete    volume api-cache"],
    );

    scope.ok(&["down", "--scope", &scope.name(), "--volumes", "--yes"]);
    scope.assert_empty(&[]);
}
