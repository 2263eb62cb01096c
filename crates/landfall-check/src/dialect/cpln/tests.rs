use landfall_diagnostics::SourceDb;

use crate::dialect::{NamedDialects, by_name};
use crate::{CheckInput, CheckOptions, Preloaded, check_with_options};

fn check(text: &str, named: bool) -> Vec<String> {
    let mut db = SourceDb::new();
    let file = db.add("workload.yaml", text);
    let options = CheckOptions {
        named_dialects: if named {
            NamedDialects::all(by_name("cpln").unwrap())
        } else {
            NamedDialects::default()
        },
        ..CheckOptions::default()
    };
    let outcome = check_with_options(
        &mut db,
        &[CheckInput {
            file,
            explicit: false,
        }],
        &Preloaded,
        options,
    );
    outcome
        .diagnostics
        .iter()
        .map(|d| {
            let text = &db.file(d.span.file).text()[d.span.start as usize..d.span.end as usize];
            format!("{} {} | {}", d.rule, text, d.message)
        })
        .collect()
}

const PLAIN: &str = "kind: workload
name: api
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:2.4.2
      cpu: 500m
      memory: 512Mi
      ports:
        - {number: 70000, protocol: http}
";

#[test]
fn a_plain_file_is_read_only_when_named() {
    assert_eq!(check(PLAIN, false), Vec::<String>::new());
    assert_eq!(
        check(PLAIN, true),
        ["port-range 70000 | `spec.containers[0].ports[0].number`: port 70000 is outside 1-65535"]
    );
}

#[test]
fn the_operator_form_is_known_by_its_signature() {
    let text = format!(
        "apiVersion: cpln.io/v1\n{}",
        PLAIN.replace("name: api\nspec", "metadata: {name: api}\nspec")
    );
    let found = check(&text, false);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("port-range 70000"));
}

#[test]
fn unknown_keys_get_did_you_mean_on_the_key() {
    let text = PLAIN.replace("cpu: 500m", "cpus: 500m");
    let found = check(&text, true);
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("schema cpus | unknown field `cpus`")),
        "{found:?}"
    );
}

#[test]
fn a_templated_file_gets_one_finding() {
    let text =
        "kind: workload\nname: {{ .Values.name }}\n{{- if .Values.x }}\nspec: {}\n{{- end }}\n";
    assert_eq!(
        check(text, true),
        [
            "templated-file {{ .Values.name }} | this file holds template syntax and is not checked until it is rendered"
        ]
    );
}

#[test]
fn a_kubernetes_manifest_named_as_cpln_is_an_unknown_kind() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\n";
    let found = check(text, true);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("unknown-kind kind: Deployment"),
        "{found:?}"
    );
}

#[test]
fn kinds_not_modelled_are_skipped_silently() {
    let text = "kind: secret\nname: db\ntype: dictionary\ndata: {password: hunter2}\n";
    assert_eq!(check(text, true), Vec::<String>::new());
}

#[test]
fn rendered_helm_output_on_standard_input_is_checked_with_spans_into_the_stream() {
    // What `helm template … | landfall check --dialect cpln -` reads: the
    // stream, with helm's `# Source:` comments, under stdin's name.
    let stream = "---
# Source: shop/templates/workload.yaml
kind: workload
name: api
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:2.4.2
      cpu: 500m
      memory: 512Mi
      ports:
        - {number: 9090, protocol: http}
";
    let mut db = SourceDb::new();
    let file = db.add("<stdin>", stream);
    let options = CheckOptions {
        named_dialects: NamedDialects::all(by_name("cpln").unwrap()),
        ..CheckOptions::default()
    };
    let outcome = check_with_options(
        &mut db,
        &[CheckInput {
            file,
            explicit: true,
        }],
        &Preloaded,
        options,
    );
    let found: Vec<(String, u32, String)> = outcome
        .diagnostics
        .iter()
        .map(|d| {
            let (start, _) = db.range(d.span);
            let text = &stream[d.span.start as usize..d.span.end as usize];
            (d.rule.to_string(), start.line, text.to_string())
        })
        .collect();
    assert_eq!(
        found,
        [("blocked-port".to_string(), 13, "9090".to_string())]
    );
}
