//! `schemas/plan.schema.json` and the IR cannot drift apart: a plan with
//! every optional field set and every list filled validates, every
//! property the schema names is one the IR writes, and every enum of the
//! schema lists exactly the IR's variants.

use std::collections::{BTreeMap, BTreeSet};

use landfall_plan::*;
use landfall_schema::{PLAN_SCHEMA, plan_schema_errors};
use serde_json::{Value, json};

fn probe(action: ProbeAction) -> Probe {
    Probe {
        action,
        initial_delay_ms: 1,
        period_ms: 10_000,
        timeout_ms: 1_000,
        success_threshold: 1,
        failure_threshold: 3,
    }
}

/// Every field set, every variant of an untagged or tagged value present.
fn maximal_plan() -> Plan {
    let container = Container {
        name: "api".into(),
        image: "registry.example.com/shop/api:2.4.2".into(),
        command: Some(vec!["/bin/api".into()]),
        args: Some(vec!["--port".into(), "8080".into()]),
        working_dir: Some("/app".into()),
        user: Some("1000:1000".into()),
        ports: vec![Port {
            port: 8080,
            protocol: Protocol::Http,
            host_port: Some(18080),
        }],
        resources: Resources {
            cpu_millis: 500,
            memory_bytes: 536_870_912,
        },
        env: vec![
            EnvVar {
                name: "DB_PASSWORD".into(),
                source: EnvSource::Secret("shop-db/password".into()),
            },
            EnvVar {
                name: "LOG_LEVEL".into(),
                source: EnvSource::Value("info".into()),
            },
        ],
        probes: Probes {
            readiness: Some(probe(ProbeAction::Http {
                path: "/health".into(),
                port: 8080,
                scheme: HttpScheme::Https,
            })),
            liveness: Some(probe(ProbeAction::Tcp { port: 8080 })),
            startup: Some(probe(ProbeAction::Exec {
                command: vec!["/bin/check".into()],
            })),
        },
        mounts: vec![Mount {
            source: MountSource::Config,
            name: "app-config".into(),
            path: "/etc/app".into(),
            read_only: true,
        }],
        lifecycle: Some(Lifecycle {
            post_start: Some(vec!["/bin/warm".into()]),
            pre_stop: Some(vec!["/bin/drain".into()]),
        }),
    };
    let mut workload = Workload {
        name: "api".into(),
        workload_type: WorkloadType::Serverless,
        replicas: 1,
        scaling: Some(Scaling {
            metric: Metric::Latency,
            target: Some(250.0),
            min_scale: 0,
            max_scale: 10,
            percentile: Some("p99".into()),
            scale_to_zero_delay_ms: Some(300_000),
            max_concurrency: Some(100),
        }),
        timeout_ms: Some(30_000),
        containers: vec![container],
        expose: Expose {
            visibility: Visibility::Public,
            inbound: vec!["0.0.0.0/0".into()],
            outbound: vec!["10.0.0.0/8".into()],
        },
        rollout: Rollout {
            min_ready_seconds: 10,
            max_unavailable: IntOrPercent::Count(1),
            max_surge: IntOrPercent::Percent("25%".into()),
        },
        security: Security {
            run_as_non_root: true,
            read_only_root_filesystem: true,
            fs_group: Some(1000),
        },
        job: Some(Job {
            schedule: "30 2 * * *".into(),
            concurrency_policy: ConcurrencyPolicy::Replace,
            restart_policy: RestartPolicy::OnFailure,
            history_limit: 7,
            active_deadline_seconds: Some(3600),
            suspend: true,
        }),
        spec_hash: String::new(),
    };
    let configs = vec![ConfigDecl {
        name: "app-config".into(),
        files: BTreeMap::from([("app.conf".into(), "level = info\n".into())]),
    }];
    let by_name = configs
        .iter()
        .map(|c| (c.name.clone(), c.clone()))
        .collect();
    workload.spec_hash = spec_hash(&workload, "2.4.2", &by_name);
    Plan {
        plan_version: PLAN_VERSION,
        application: ApplicationInfo {
            name: "shop".into(),
            version: "2.4.2".into(),
        },
        scope: ScopeInfo {
            name: "local".into(),
            scope_type: "local".into(),
            target: Target::Local,
            dimensions: BTreeMap::from([("environment".into(), "local".into())]),
            parameters: json!({"engine": "podman", "hostPortOffset": 10000}),
        },
        networks: vec![NetworkDecl {
            name: "local".into(),
        }],
        volumes: vec![VolumeDecl {
            name: "cache".into(),
            kind: VolumeKind::Persistent,
        }],
        configs,
        secrets: vec![SecretDecl {
            reference: "shop-db/password".into(),
        }],
        workloads: vec![workload],
        upgrade_from: vec![UpgradeRule {
            version_regexp: r"2\.4\..*".into(),
            strategy: Strategy::Rolling,
            max_parallel: 1,
            healthy_time_ms: 60_000,
        }],
        actions: vec![Action {
            op: ActionOp::CreateNetwork,
            name: "local".into(),
        }],
        observed: Some(ObservedRecord::new(vec![
            "network shop-local-local".into(),
            "container shop-local-api-0-0123abcd running".into(),
        ])),
    }
}

fn schema() -> Value {
    serde_json::from_str(PLAN_SCHEMA).unwrap()
}

#[test]
fn a_maximal_plan_validates_and_reads_back() {
    let plan = maximal_plan();
    let value: Value = serde_json::from_str(&plan.to_json()).unwrap();
    assert_eq!(plan_schema_errors(&value), Vec::<String>::new());
    assert_eq!(Plan::from_json(&plan.to_json()), Ok(plan));
}

#[test]
fn to_json_is_serde_jsons_pretty_form_for_zero_one_and_many_workloads() {
    let full = maximal_plan();
    // 300 crosses the batches the workloads are written in.
    for count in [0, 1, 3, 128, 129, 300] {
        let mut plan = full.clone();
        let template = plan.workloads[0].clone();
        plan.workloads = (0..count)
            .map(|i| {
                let mut w = template.clone();
                w.name = format!("w{i}");
                w
            })
            .collect();
        let expected = serde_json::to_string_pretty(&plan).unwrap() + "\n";
        assert_eq!(plan.to_json(), expected, "{count} workloads");
    }
}

#[test]
fn the_schema_refuses_what_the_ir_would_refuse() {
    let plan: Value = serde_json::from_str(&maximal_plan().to_json()).unwrap();
    let broken = |pointer: &str, edit: &dyn Fn(&mut Value)| {
        let mut value = plan.clone();
        edit(value.pointer_mut(pointer).unwrap());
        let text = value.to_string();
        let schema_errors = plan_schema_errors(&value);
        assert!(!schema_errors.is_empty(), "schema accepts {pointer} edited");
        assert!(
            Plan::from_json(&text).is_err(),
            "IR accepts {pointer} edited"
        );
    };
    let add_field = |v: &mut Value| {
        v.as_object_mut()
            .unwrap()
            .insert("unknown".into(), json!(1));
    };
    broken("", &add_field);
    broken("/workloads/0", &add_field);
    broken("/workloads/0/containers/0", &add_field);
    broken("/workloads/0/containers/0/probes/readiness", &add_field);
    broken("/workloads/0/job", &add_field);
    broken("/scope", &add_field);
    broken("/workloads/0/type", &|v| *v = json!("daemon"));
    broken("/workloads/0/containers/0/ports/0/port", &|v| {
        *v = json!(-1)
    });
    broken("/workloads/0/containers/0/resources/cpuMillis", &|v| {
        *v = json!("500m")
    });
    broken("/actions/0/op", &|v| *v = json!("create-cluster"));
}

/// Every key of every object in `value`.
fn keys(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                out.insert(k.clone());
                keys(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| keys(v, out)),
        _ => {}
    }
}

/// Every property the schema declares (`parameters` and `dimensions` hold
/// user keys and declare none).
fn declared(schema: &Value, out: &mut BTreeSet<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = map.get("properties") {
                out.extend(properties.keys().cloned());
            }
            map.values().for_each(|v| declared(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| declared(v, out)),
        _ => {}
    }
}

#[test]
fn every_property_the_schema_declares_is_written_by_the_ir() {
    let mut written = BTreeSet::new();
    keys(
        &serde_json::from_str(&maximal_plan().to_json()).unwrap(),
        &mut written,
    );
    // The maximal plan has one probe action and one env source of each
    // kind, and `value`/`secret` are both there.
    let mut in_schema = BTreeSet::new();
    declared(&schema(), &mut in_schema);
    let unwritten: Vec<&String> = in_schema.difference(&written).collect();
    assert!(
        unwritten.is_empty(),
        "declared by the schema, never written: {unwritten:?}"
    );
}

fn schema_enum(pointer: &str) -> BTreeSet<String> {
    schema()
        .pointer(pointer)
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("no enum at {pointer}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

fn ir_names<T: serde::Serialize>(variants: &[T]) -> BTreeSet<String> {
    variants
        .iter()
        .map(|v| {
            serde_json::to_value(v)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

/// The JSON names of the listed variants; the `match` stops compiling
/// when a variant is added to the IR and not here.
macro_rules! variants {
    ($ty:ident: $($variant:ident),+) => {{
        let _exhaustive = |v: $ty| match v {
            $($ty::$variant)|+ => (),
        };
        ir_names(&[$($ty::$variant),+])
    }};
}

#[test]
fn every_enum_of_the_schema_lists_the_ir_variants() {
    let cases = [
        (
            "/$defs/scope/properties/target/enum",
            variants!(Target: Local, Compose, Kubernetes),
        ),
        (
            "/$defs/volume/properties/kind/enum",
            variants!(VolumeKind: Scratch, Persistent),
        ),
        (
            "/$defs/workload/properties/type/enum",
            variants!(WorkloadType: Serverless, Standard, Cron),
        ),
        (
            "/$defs/scaling/properties/metric/enum",
            variants!(Metric: Concurrency, Rps, Cpu, Latency),
        ),
        (
            "/$defs/port/properties/protocol/enum",
            variants!(Protocol: Http, Http2, Grpc, Tcp),
        ),
        (
            "/$defs/probeAction/properties/http/properties/scheme/enum",
            variants!(HttpScheme: Http, Https),
        ),
        (
            "/$defs/mount/properties/source/enum",
            variants!(MountSource: Scratch, Volume, Config, Secret),
        ),
        (
            "/$defs/expose/properties/visibility/enum",
            variants!(Visibility: Public, Internal, Private),
        ),
        (
            "/$defs/job/properties/concurrencyPolicy/enum",
            variants!(ConcurrencyPolicy: Forbid, Replace),
        ),
        (
            "/$defs/job/properties/restartPolicy/enum",
            variants!(RestartPolicy: Never, OnFailure),
        ),
        (
            "/$defs/upgradeRule/properties/strategy/enum",
            variants!(Strategy: Rolling, Recreate),
        ),
        (
            "/$defs/action/properties/op/enum",
            variants!(ActionOp: CreateNetwork, CreateVolume, CreateConfig, CreateSecret, StartWorkload, ScheduleJob),
        ),
    ];
    for (pointer, ir) in cases {
        assert_eq!(schema_enum(pointer), ir, "{pointer}");
    }
}
