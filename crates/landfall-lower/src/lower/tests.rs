//! Lowering's edge cases, each on a small tree.

use crate::testing::plan_tree;
use landfall_plan::*;

const APP: &str = r#"apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec:
  version: "1.2.3"
  variables:
    LOG_LEVEL: {value: info}
    GREETING: {value: "hello world"}
    DB_PASSWORD: {secret: shop-db/password}
  configs:
    app-config:
      files:
        app.conf: |
          level = ${LOG_LEVEL}
          literal = $${LOG_LEVEL}
          other = ${NOT_A_VARIABLE}
  upgradeFrom:
    - {versionRegexp: '1\.2\..*', strategy: rolling, maxParallel: 2, healthyTime: 1m30s}
    - {versionRegexp: '1\..*', strategy: recreate}
"#;

const TYPES: &str = r#"apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: dev}
spec:
  target: local
  parameters:
    type: object
    properties:
      engine: {enum: [podman, docker], default: podman}
      hostPortOffset: {type: integer, minimum: 0, default: 10000}
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: cluster}
spec:
  target: kubernetes
  parameters:
    type: object
    properties:
      namespace: {type: string, default: shop}
"#;

fn scope(name: &str, scope_type: &str, workloads: &[&str], parameters: &str) -> String {
    format!(
        "apiVersion: landfall.dev/v1\nkind: Scope\nmetadata: {{name: {name}, application: shop}}\nspec:\n  type: {scope_type}\n  parameters: {parameters}\n  workloads: [{}]\n",
        workloads.join(", ")
    )
}

fn workload(name: &str, body: &str) -> String {
    format!(
        "apiVersion: landfall.dev/v1\nkind: Workload\nmetadata: {{name: {name}, application: shop}}\nspec:\n{body}"
    )
}

const MINIMAL: &str = "  type: standard
  containers:
    - name: app
      image: registry.example.com/shop/app:1.2.3
";

#[test]
fn defaults_of_the_spec_are_filled_in() {
    let w = workload("app", MINIMAL);
    let s = scope("cluster", "cluster", &["app"], "{}");
    let planned = plan_tree(
        &[
            ("app.yaml", APP),
            ("types.yaml", TYPES),
            ("w.yaml", &w),
            ("s.yaml", &s),
        ],
        "shop/cluster",
    );
    let plan = planned.plan();
    assert_eq!(plan.scope.target, Target::Kubernetes);
    assert_eq!(
        plan.scope.parameters,
        serde_json::json!({"namespace": "shop"})
    );
    let w = &plan.workloads[0];
    assert_eq!(w.replicas, 1);
    assert_eq!(w.scaling, None);
    assert_eq!(w.timeout_ms, None);
    assert_eq!(w.job, None);
    assert_eq!(
        w.expose,
        Expose {
            visibility: Visibility::Internal,
            inbound: vec![],
            outbound: vec![]
        }
    );
    assert_eq!(
        w.rollout,
        Rollout {
            min_ready_seconds: 0,
            max_unavailable: IntOrPercent::Count(1),
            max_surge: IntOrPercent::Percent("100%".into()),
        }
    );
    assert!(w.security.run_as_non_root);
    assert!(!w.security.read_only_root_filesystem);
    let c = &w.containers[0];
    assert_eq!(
        c.resources,
        Resources {
            cpu_millis: 50,
            memory_bytes: 128 * 1024 * 1024
        }
    );
    assert_eq!((c.command.as_ref(), c.args.as_ref()), (None, None));
    assert_eq!(c.probes, Probes::default());
    assert_eq!(w.spec_hash.len(), 64);
    // Only the network: nothing is mounted, no secret is read.
    assert_eq!(
        plan.actions,
        [
            Action {
                op: ActionOp::CreateNetwork,
                name: "cluster".into()
            },
            Action {
                op: ActionOp::StartWorkload,
                name: "app".into()
            },
        ]
    );
    assert_eq!(plan.upgrade_from.len(), 2);
    assert_eq!(
        plan.upgrade_from[0],
        UpgradeRule {
            version_regexp: r"1\.2\..*".into(),
            strategy: Strategy::Rolling,
            max_parallel: 2,
            healthy_time_ms: 90_000,
        }
    );
    assert_eq!(
        (
            plan.upgrade_from[1].max_parallel,
            plan.upgrade_from[1].healthy_time_ms
        ),
        (1, 0)
    );
}

#[test]
fn quantities_durations_and_probe_defaults_are_normalised() {
    let w = workload(
        "app",
        "  type: standard
  containers:
    - name: app
      image: app:1
      ports: [{port: 8080}]
      resources: {cpu: \"0.1\", memory: 129e6}
      probes:
        readiness: {http: {path: /health, port: 8080}}
        liveness: {tcp: {port: 8080}, initialDelay: 1m30s, period: 2500ms, timeout: 1s, failureThreshold: 5}
    - name: sidecar
      image: sidecar:1
      resources: {cpu: 1500m, memory: 1.5Gi}
      probes:
        startup: {exec: {command: [/bin/ok]}, period: 5s}
  timeout: 30s
",
    );
    let s = scope("cluster", "cluster", &["app"], "{}");
    let planned = plan_tree(
        &[
            ("app.yaml", APP),
            ("types.yaml", TYPES),
            ("w.yaml", &w),
            ("s.yaml", &s),
        ],
        "shop/cluster",
    );
    let w = &planned.plan().workloads[0];
    assert_eq!(w.timeout_ms, Some(30_000));
    let (app, sidecar) = (&w.containers[0], &w.containers[1]);
    assert_eq!(
        (app.resources.cpu_millis, app.resources.memory_bytes),
        (100, 129_000_000)
    );
    assert_eq!(
        (sidecar.resources.cpu_millis, sidecar.resources.memory_bytes),
        (1500, 1_610_612_736)
    );
    assert_eq!(app.ports[0].protocol, Protocol::Http);
    let readiness = app.probes.readiness.as_ref().unwrap();
    assert_eq!(
        readiness.action,
        ProbeAction::Http {
            path: "/health".into(),
            port: 8080,
            scheme: HttpScheme::Http
        }
    );
    assert_eq!(
        (
            readiness.initial_delay_ms,
            readiness.period_ms,
            readiness.timeout_ms,
            readiness.success_threshold,
            readiness.failure_threshold
        ),
        (0, 10_000, 1_000, 1, 3)
    );
    let liveness = app.probes.liveness.as_ref().unwrap();
    assert_eq!(
        (
            liveness.initial_delay_ms,
            liveness.period_ms,
            liveness.failure_threshold
        ),
        (90_000, 2_500, 5)
    );
    let startup = sidecar.probes.startup.as_ref().unwrap();
    assert_eq!(
        startup.action,
        ProbeAction::Exec {
            command: vec!["/bin/ok".into()]
        }
    );
    assert_eq!(startup.period_ms, 5_000);
}

/// Quantities are exact decimals, rounded once, up, to whole millicores
/// and bytes; durations once, to the nearest millisecond.
#[test]
fn quantities_are_exact_and_rounded_once() {
    let platform = "apiVersion: landfall.dev/v1
kind: Platform
metadata: {name: roomy}
spec:
  resources:
    memory: {min: 0, max: 64Gi}
";
    let w = workload(
        "app",
        "  type: standard
  containers:
    - {name: a, image: a:1, resources: {cpu: 2, memory: 16.001G}}
    - {name: b, image: b:1, resources: {cpu: 0.1, memory: 1.1Mi}}
    - {name: c, image: c:1, resources: {cpu: 0.0001, memory: \"0.5\"}}
    - name: d
      image: d:1
      resources: {cpu: 357.9001m, memory: 3.000001G}
      probes:
        liveness: {exec: {command: [/bin/ok]}, initialDelay: 1.4999ms, period: 2.5ms, timeout: 1ms}
  timeout: 1.0005s
",
    );
    let s = scope("cluster", "cluster", &["app"], "{}");
    let planned = plan_tree(
        &[
            ("app.yaml", APP),
            ("platform.yaml", platform),
            ("types.yaml", TYPES),
            ("w.yaml", &w),
            ("s.yaml", &s),
        ],
        "shop/cluster",
    );
    let w = &planned.plan().workloads[0];
    let resources: Vec<(u64, u64)> = w
        .containers
        .iter()
        .map(|c| (c.resources.cpu_millis, c.resources.memory_bytes))
        .collect();
    assert_eq!(
        resources,
        [
            // A float would make this 16001000001 bytes.
            (2000, 16_001_000_000),
            // 0.1 cores is 100 millicores; 1.1Mi is 1153433.6 bytes.
            (100, 1_153_434),
            // Below a millicore, below a byte: one of each.
            (1, 1),
            (358, 3_000_001_000),
        ]
    );
    assert_eq!(w.timeout_ms, Some(1001));
    let liveness = w.containers[3].probes.liveness.as_ref().unwrap();
    assert_eq!(
        (
            liveness.initial_delay_ms,
            liveness.period_ms,
            liveness.timeout_ms
        ),
        (1, 3, 1)
    );
    assert!(
        planned
            .plan()
            .to_json()
            .contains("\"memoryBytes\": 16001000000\n"),
        "{}",
        planned.plan().to_json()
    );
}

#[test]
fn variables_are_substituted_and_whole_secrets_become_references() {
    let w = workload(
        "app",
        "  type: standard
  containers:
    - name: app
      image: app:1
      command: [/bin/app, \"--level=${LOG_LEVEL}\"]
      args: [\"${GREETING}\", \"$${LOG_LEVEL}\"]
      env:
        ZED: \"${LOG_LEVEL}-${LOG_LEVEL}\"
        DB_PASSWORD: ${DB_PASSWORD}
        ALPHA: literal
      volumes:
        - {uri: config://app-config, path: /etc/app}
        - {uri: secret://tls, path: /etc/tls}
",
    );
    let s = scope("cluster", "cluster", &["app"], "{}");
    let planned = plan_tree(
        &[
            ("app.yaml", APP),
            ("types.yaml", TYPES),
            ("w.yaml", &w),
            ("s.yaml", &s),
        ],
        "shop/cluster",
    );
    let plan = planned.plan();
    let c = &plan.workloads[0].containers[0];
    assert_eq!(
        c.command.as_deref(),
        Some(&["/bin/app".to_string(), "--level=info".to_string()][..])
    );
    assert_eq!(
        c.args.as_deref(),
        Some(&["hello world".to_string(), "${LOG_LEVEL}".to_string()][..])
    );
    // By name, a whole secret variable as its reference.
    let env: Vec<(&str, &EnvSource)> = c.env.iter().map(|e| (e.name.as_str(), &e.source)).collect();
    assert_eq!(
        env,
        [
            ("ALPHA", &EnvSource::Value("literal".into())),
            ("DB_PASSWORD", &EnvSource::Secret("shop-db/password".into())),
            ("ZED", &EnvSource::Value("info-info".into())),
        ]
    );
    assert_eq!(
        plan.configs[0].files["app.conf"],
        "level = info\nliteral = ${LOG_LEVEL}\nother = ${NOT_A_VARIABLE}\n"
    );
    let secrets: Vec<&str> = plan.secrets.iter().map(|s| s.reference.as_str()).collect();
    assert_eq!(secrets, ["shop-db/password", "tls"]);
    assert_eq!(
        c.mounts[1],
        Mount {
            source: MountSource::Secret,
            name: "tls".into(),
            path: "/etc/tls".into(),
            read_only: true
        }
    );
    let ops: Vec<(ActionOp, &str)> = plan
        .actions
        .iter()
        .map(|a| (a.op, a.name.as_str()))
        .collect();
    assert_eq!(
        ops,
        [
            (ActionOp::CreateNetwork, "cluster"),
            (ActionOp::CreateConfig, "app-config"),
            (ActionOp::CreateSecret, "shop-db/password"),
            (ActionOp::CreateSecret, "tls"),
            (ActionOp::StartWorkload, "app"),
        ]
    );
}

#[test]
fn a_secret_inside_a_longer_value_or_a_command_is_an_error_at_its_place() {
    let w = workload(
        "app",
        "  type: standard
  containers:
    - name: app
      image: app:1
      args: [--password, \"${DB_PASSWORD}\"]
      env:
        DATABASE_URL: \"postgres://shop:${DB_PASSWORD}@db/shop\"
",
    );
    let s = scope("cluster", "cluster", &["app"], "{}");
    let planned = plan_tree(
        &[
            ("app.yaml", APP),
            ("types.yaml", TYPES),
            ("w.yaml", &w),
            ("s.yaml", &s),
        ],
        "shop/cluster",
    );
    assert!(planned.plan.is_none());
    assert_eq!(
        planned.lowering_rules(),
        ["plan/secret-in-text", "plan/secret-in-text"]
    );
    let rendered = planned.rendered();
    // The caret is under the `${DB_PASSWORD}` itself, and the variable's
    // definition is shown.
    assert!(
        rendered.contains("secret variable `DB_PASSWORD` inside the value of `DATABASE_URL`"),
        "{rendered}"
    );
    assert!(rendered.contains("w.yaml:11:40"), "{rendered}");
    assert!(rendered.contains("w.yaml:9:27"), "{rendered}");
    assert!(rendered.contains("bound to a secret here"), "{rendered}");
    assert!(!rendered.contains("shop-db/password@"), "{rendered}");
}

#[test]
fn a_secret_in_a_config_file_is_an_error() {
    let app = APP.replace("other = ${NOT_A_VARIABLE}", "password = ${DB_PASSWORD}");
    let w = workload(
        "app",
        "  type: standard
  containers:
    - name: app
      image: app:1
      volumes: [{uri: config://app-config, path: /etc/app}]
",
    );
    let s = scope("cluster", "cluster", &["app"], "{}");
    let planned = plan_tree(
        &[
            ("app.yaml", &app),
            ("types.yaml", TYPES),
            ("w.yaml", &w),
            ("s.yaml", &s),
        ],
        "shop/cluster",
    );
    assert!(planned.plan.is_none());
    assert_eq!(planned.lowering_rules(), ["plan/secret-in-text"]);
    assert!(planned.rendered().contains("in config file `app.conf`"));
}

#[test]
fn a_config_mounted_by_many_workloads_is_declared_and_judged_once() {
    let app = APP.replace("other = ${NOT_A_VARIABLE}", "password = ${DB_PASSWORD}");
    let mounting = |name: &str| {
        workload(
            name,
            &format!(
                "  type: standard\n  containers:\n    - name: {name}\n      image: app:1\n      volumes: [{{uri: config://app-config, path: /etc/app}}]\n"
            ),
        )
    };
    let names = ["a", "b", "c", "d"];
    let workloads: Vec<(String, String)> = names
        .iter()
        .map(|n| (format!("{n}.yaml"), mounting(n)))
        .collect();
    let s = scope("cluster", "cluster", &names, "{}");
    let mut files = vec![
        ("app.yaml", app.as_str()),
        ("types.yaml", TYPES),
        ("s.yaml", &s),
    ];
    files.extend(workloads.iter().map(|(f, t)| (f.as_str(), t.as_str())));
    let planned = plan_tree(&files, "shop/cluster");
    assert!(planned.plan.is_none());
    assert_eq!(planned.lowering_rules(), ["plan/secret-in-text"]);

    // Without the secret: one config for the four workloads.
    let mut files = vec![("app.yaml", APP), ("types.yaml", TYPES), ("s.yaml", &s)];
    files.extend(workloads.iter().map(|(f, t)| (f.as_str(), t.as_str())));
    let plan = plan_tree(&files, "shop/cluster").plan.unwrap();
    assert_eq!(plan.configs.len(), 1);
    assert_eq!(plan.workloads.len(), 4);
}

#[test]
fn host_ports_come_from_the_offset_and_clashes_are_left_to_the_target() {
    let web = |port: u32| {
        format!(
            "  type: standard\n  containers:\n    - name: web\n      image: web:1\n      ports: [{{port: {port}}}]\n"
        )
    };
    let (a, b, c) = (
        workload("a", &web(8080)),
        workload("b", &web(8080)),
        workload("c", &web(60000)),
    );
    let dev = scope("dev", "dev", &["c", "b", "a"], "{}");
    let files = [
        ("app.yaml", APP),
        ("types.yaml", TYPES),
        ("a.yaml", a.as_str()),
        ("b.yaml", b.as_str()),
        ("c.yaml", c.as_str()),
        ("s.yaml", dev.as_str()),
    ];
    let planned = plan_tree(&files, "shop/dev");
    let host = |name: &str| planned.plan().workload(name).unwrap().containers[0].ports[0].host_port;
    // Workloads by name: `a` gets 18080 first.
    assert_eq!((host("a"), host("b"), host("c")), (Some(18080), None, None));
    assert_eq!(
        planned.lowering_rules(),
        ["plan/host-port", "plan/host-port"]
    );
    assert!(planned.rendered().contains("taken by workload `a`"));
    assert!(planned.rendered().contains("past 65535"));

    // No offset in the parameters: the target allocates every host port.
    let cluster = scope("cluster", "cluster", &["a", "c"], "{}");
    let mut files = files;
    files[5] = ("s.yaml", cluster.as_str());
    let planned = plan_tree(&files, "shop/cluster");
    assert!(
        planned.lowering_rules().is_empty(),
        "{}",
        planned.rendered()
    );
    assert!(
        planned
            .plan()
            .workloads
            .iter()
            .all(|w| w.containers[0].ports[0].host_port.is_none())
    );
}

#[test]
fn a_cron_workload_is_scheduled_with_job_defaults() {
    let cron = workload(
        "report",
        "  type: cron
  containers:
    - name: report
      image: report:1
  job: {schedule: \"30 2 * * *\"}
",
    );
    let app = workload("app", MINIMAL);
    let s = scope("cluster", "cluster", &["report", "app"], "{}");
    let planned = plan_tree(
        &[
            ("app.yaml", APP),
            ("types.yaml", TYPES),
            ("r.yaml", &cron),
            ("w.yaml", &app),
            ("s.yaml", &s),
        ],
        "shop/cluster",
    );
    let plan = planned.plan();
    let report = plan.workload("report").unwrap();
    assert_eq!(report.replicas, 1);
    assert_eq!(
        report.job,
        Some(Job {
            schedule: "30 2 * * *".into(),
            concurrency_policy: ConcurrencyPolicy::Forbid,
            restart_policy: RestartPolicy::Never,
            history_limit: 5,
            active_deadline_seconds: None,
            suspend: false,
        })
    );
    // Workloads by name in the plan, in the Scope's order in the actions.
    let names: Vec<&str> = plan.workloads.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["app", "report"]);
    let ops: Vec<(ActionOp, &str)> = plan
        .actions
        .iter()
        .map(|a| (a.op, a.name.as_str()))
        .collect();
    assert_eq!(
        ops[1..],
        [
            (ActionOp::ScheduleJob, "report"),
            (ActionOp::StartWorkload, "app")
        ]
    );
}

#[test]
fn scaling_sets_replicas_and_never_below_one() {
    let serverless = workload(
        "fn",
        "  type: serverless
  containers:
    - name: fn
      image: fn:1
      ports: [{port: 8080}]
  scaling: {minScale: 0, maxScale: 5, target: 10}
",
    );
    let standard = workload(
        "web",
        "  type: standard
  containers:
    - name: web
      image: web:1
  scaling: {metric: rps, target: 100, minScale: 3, maxScale: 6}
",
    );
    let s = scope("cluster", "cluster", &["fn", "web"], "{}");
    let planned = plan_tree(
        &[
            ("app.yaml", APP),
            ("types.yaml", TYPES),
            ("f.yaml", &serverless),
            ("w.yaml", &standard),
            ("s.yaml", &s),
        ],
        "shop/cluster",
    );
    let plan = planned.plan();
    let f = plan.workload("fn").unwrap();
    assert_eq!(f.replicas, 1);
    let scaling = f.scaling.as_ref().unwrap();
    assert_eq!(
        (scaling.metric, scaling.min_scale, scaling.max_scale),
        (Metric::Concurrency, 0, 5)
    );
    assert_eq!(plan.workload("web").unwrap().replicas, 3);
}

#[test]
fn one_volume_name_with_two_schemes_is_an_error() {
    let a = workload(
        "a",
        "  type: standard\n  containers:\n    - name: a\n      image: a:1\n      volumes: [{uri: scratch://data, path: /data}]\n",
    );
    let b = workload(
        "b",
        "  type: standard\n  containers:\n    - name: b\n      image: b:1\n      volumes: [{uri: volume://data, path: /data}]\n",
    );
    let s = scope("cluster", "cluster", &["a", "b"], "{}");
    let planned = plan_tree(
        &[
            ("app.yaml", APP),
            ("types.yaml", TYPES),
            ("a.yaml", &a),
            ("b.yaml", &b),
            ("s.yaml", &s),
        ],
        "shop/cluster",
    );
    assert!(planned.plan.is_none());
    assert_eq!(planned.lowering_rules(), ["plan/volume-kind"]);
}

#[test]
fn what_check_switched_off_is_reported_not_guessed() {
    // A Platform that switches the schema off lets a container without an
    // image through check: lowering reports it and makes no plan.
    let platform = "apiVersion: landfall.dev/v1\nkind: Platform\nmetadata: {name: p}\nspec:\n  rules: {schema: \"off\"}\n";
    let w = workload("app", "  type: standard\n  containers:\n    - name: app\n");
    let s = scope("cluster", "cluster", &["app"], "{}");
    let planned = plan_tree(
        &[
            ("app.yaml", APP),
            ("platform.yaml", platform),
            ("types.yaml", TYPES),
            ("w.yaml", &w),
            ("s.yaml", &s),
        ],
        "shop/cluster",
    );
    assert!(planned.plan.is_none());
    assert_eq!(planned.lowering_rules(), ["plan/incomplete"]);
    assert!(
        planned
            .rendered()
            .contains("container `app` has no readable `image`")
    );
}

#[test]
fn errors_of_other_applications_do_not_stop_the_plan_but_errors_in_its_files_do() {
    let other = "apiVersion: landfall.dev/v1\nkind: Workload\nmetadata: {name: broken, application: other}\nspec:\n  type: standard\n  containers:\n    - name: x\n      imagee: x:1\n";
    let w = workload("app", MINIMAL);
    let s = scope("cluster", "cluster", &["app"], "{}");
    let files = [
        ("app.yaml", APP),
        ("other.yaml", other),
        ("types.yaml", TYPES),
        ("w.yaml", w.as_str()),
        ("s.yaml", s.as_str()),
    ];
    let planned = plan_tree(&files, "shop/cluster");
    assert!(planned.plan.is_some(), "{}", planned.rendered());
    assert!(!planned.diagnostics.iter().any(|d| d.is_error()));

    let broken = w.replace("image:", "imagee:");
    let mut files = files;
    files[3] = ("w.yaml", broken.as_str());
    let planned = plan_tree(&files, "shop/cluster");
    assert!(planned.plan.is_none());
    assert!(
        planned.rules().contains(&"schema"),
        "{}",
        planned.rendered()
    );
}

#[test]
fn the_spec_hash_follows_the_workload_its_configs_and_the_version() {
    let w = workload(
        "app",
        "  type: standard\n  containers:\n    - name: app\n      image: app:1\n      volumes: [{uri: config://app-config, path: /etc/app}]\n",
    );
    let other = workload("other", MINIMAL);
    let s = scope("cluster", "cluster", &["app", "other"], "{}");
    let hashes = |app: &str, w: &str| {
        let planned = plan_tree(
            &[
                ("app.yaml", app),
                ("types.yaml", TYPES),
                ("w.yaml", w),
                ("o.yaml", other.as_str()),
                ("s.yaml", s.as_str()),
            ],
            "shop/cluster",
        );
        let plan = planned.plan();
        (
            plan.workload("app").unwrap().spec_hash.clone(),
            plan.workload("other").unwrap().spec_hash.clone(),
        )
    };
    let base = hashes(APP, &w);
    assert_eq!(hashes(APP, &w), base);
    // A config's content: only the workload that mounts it.
    let (app, other_hash) = hashes(&APP.replace("level = ", "lvl = "), &w);
    assert_ne!(app, base.0);
    assert_eq!(other_hash, base.1);
    // A variable used in the config.
    let (app, _) = hashes(&APP.replace("{value: info}", "{value: debug}"), &w);
    assert_ne!(app, base.0);
    // The version: every workload.
    let (app, other_hash) = hashes(&APP.replace("1.2.3", "1.2.4"), &w);
    assert_ne!(
        (app.as_str(), other_hash.as_str()),
        (base.0.as_str(), base.1.as_str())
    );
    assert_ne!(other_hash, base.1);
    // The image.
    let (app, _) = hashes(APP, &w.replace("app:1", "app:2"));
    assert_ne!(app, base.0);
}
