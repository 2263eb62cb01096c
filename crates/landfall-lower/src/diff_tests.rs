//! The diff of a plan against what runs (`landfall_plan::diff`), over plans
//! lowered from small trees: here, since the IR crate cannot lower.

use std::collections::BTreeMap;

use landfall_plan::*;

use crate::testing::plan_tree;

const TREE: &str = r#"apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec:
  version: "2.4.2"
  configs:
    web-config: {files: {web.conf: "a = 1\n"}}
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: api, application: shop}
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:2.4.2
      ports: [{port: 8080}]
      volumes: [{uri: scratch://cache, path: /cache}]
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: web, application: shop}
spec:
  type: standard
  containers:
    - name: web
      image: registry.example.com/shop/web:2.4.2
      volumes: [{uri: config://web-config, path: /etc/web}]
  scaling: {metric: rps, target: 10, minScale: 2, maxScale: 4}
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: laptop}
spec:
  target: local
  parameters:
    type: object
    properties:
      hostPortOffset: {type: integer, default: 10000}
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: dev, application: shop}
spec:
  type: laptop
  workloads: [api, web]
"#;

fn plan() -> Plan {
    plan_tree(&[("tree.yaml", TREE)], "shop/dev").plan().clone()
}

fn running(plan: &Plan, name: &str) -> ObservedWorkload {
    ObservedWorkload::as_planned(plan, plan.workload(name).unwrap())
}

fn everything(plan: &Plan) -> Observed {
    Observed {
        workloads: vec![running(plan, "api"), running(plan, "web")],
        networks: vec!["dev".into()],
        volumes: vec!["cache".into()],
        configs: vec![ObservedConfig {
            name: "web-config".into(),
            hash: Some(config_hash(&plan.configs[0])),
        }],
        secrets: vec![],
    }
}

fn actions(changes: &[Change]) -> Vec<(ObjectKind, &str, ChangeAction)> {
    changes
        .iter()
        .map(|c| (c.kind, c.name.as_str(), c.action))
        .collect()
}

#[test]
fn nothing_running_is_all_create() {
    let plan = plan();
    let changes = diff(&plan, &Observed::default());
    assert!(changes.iter().all(|c| c.action == ChangeAction::Create));
    assert_eq!(
        DiffSummary::of(&changes),
        DiffSummary {
            create: 5,
            update: 0,
            delete: 0,
            unchanged: 0
        }
    );
    insta::assert_snapshot!(
        render_diff(&plan, &changes, &RenderOptions::default()),
        @r"
        Plan for shop/dev (application version 2.4.2, scope type laptop, target local)

          + create    network dev
          + create    volume cache       (kind: scratch)
          + create    config web-config  (files: web.conf)
          + create    workload api       (type: standard, replicas: 1, image: registry.example.com/shop/api:2.4.2, ports: 127.0.0.1:18080→8080)
          + create    workload web       (type: standard, replicas: 2, image: registry.example.com/shop/web:2.4.2)

        Plan: 5 to create, 0 to update, 0 to delete.
        "
    );
}

#[test]
fn what_runs_as_planned_is_unchanged() {
    let plan = plan();
    let changes = diff(&plan, &everything(&plan));
    assert!(changes.iter().all(|c| c.action == ChangeAction::Unchanged));
    assert!(!DiffSummary::of(&changes).has_changes());
    let text = render_diff(&plan, &changes, &RenderOptions::default());
    assert!(
        text.contains("No changes: what runs matches the plan."),
        "{text}"
    );
    assert!(
        text.ends_with("Plan: 0 to create, 0 to update, 0 to delete.\n"),
        "{text}"
    );
}

#[test]
fn updates_say_what_differs_and_leftovers_are_deleted() {
    let plan = plan();
    let mut observed = everything(&plan);
    // The api runs the previous release.
    let api = &mut observed.workloads[0];
    api.spec_hash = "0".repeat(64);
    api.version = "2.4.1".into();
    api.images
        .insert("api".into(), "registry.example.com/shop/api:2.4.1".into());
    // web runs one replica of a spec that differs otherwise.
    let web = &mut observed.workloads[1];
    web.spec_hash = "f".repeat(64);
    web.replicas = 1;
    // Left over from an earlier plan.
    observed.workloads.push(ObservedWorkload {
        name: "old".into(),
        spec_hash: "1".repeat(64),
        version: "2.4.1".into(),
        images: BTreeMap::new(),
        replicas: 1,
    });
    observed.volumes.push("old-cache".into());
    observed.configs[0].hash = Some("2".repeat(64));
    let changes = diff(&plan, &observed);
    assert_eq!(
        actions(&changes),
        [
            (ObjectKind::Network, "dev", ChangeAction::Unchanged),
            (ObjectKind::Volume, "cache", ChangeAction::Unchanged),
            (ObjectKind::Volume, "old-cache", ChangeAction::Delete),
            (ObjectKind::Config, "web-config", ChangeAction::Update),
            (ObjectKind::Workload, "api", ChangeAction::Update),
            (ObjectKind::Workload, "old", ChangeAction::Delete),
            (ObjectKind::Workload, "web", ChangeAction::Update),
        ]
    );
    let text = render_diff(&plan, &changes, &RenderOptions::default());
    assert!(
        text.contains(
            "~ update    workload api       (version: 2.4.1 → 2.4.2, image: …:2.4.1 → …:2.4.2)"
        ),
        "{text}"
    );
    assert!(text.contains("(replicas: 1 → 2)"), "{text}");
    assert!(text.contains("- delete    workload old"), "{text}");
    assert!(
        text.contains("~ update    config web-config  (content: 222222222222 → "),
        "{text}"
    );
    assert!(
        text.ends_with("Plan: 0 to create, 3 to update, 2 to delete.\n"),
        "{text}"
    );
}

#[test]
fn a_changed_spec_with_the_same_image_and_version_shows_the_hashes() {
    let plan = plan();
    let mut observed = everything(&plan);
    observed.workloads[0].spec_hash = "abcdef0123456789".repeat(4);
    let changes = diff(&plan, &observed);
    let api = changes.iter().find(|c| c.name == "api").unwrap();
    assert_eq!(api.action, ChangeAction::Update);
    assert_eq!(api.details[0].field, "spec");
    assert_eq!(api.details[0].from.as_deref(), Some("abcdef012345"));
}

#[test]
fn colours_only_when_asked() {
    let plan = plan();
    let changes = diff(&plan, &Observed::default());
    let plain = render_diff(&plan, &changes, &RenderOptions::default());
    assert!(!plain.contains('\x1b'));
    let options = RenderOptions {
        color: true,
        notice: Some("Nothing observed.".into()),
    };
    let coloured = render_diff(&plan, &changes, &options);
    assert!(coloured.contains("\x1b[32m  + create"), "{coloured}");
    assert!(coloured.contains("\nNothing observed.\n"), "{coloured}");
}
