//! The parameters a Scope deploys with, shared by the checker (for its
//! messages) and lowering (for the plan): the Scope's own values with its
//! ScopeType's top-level defaults filled in.

use landfall_yaml::Node;
use serde_json::{Map, Value};

use crate::{Scope, ScopeType};

/// The parameters a Scope deploys with: its own `spec.parameters`, with the
/// `default` of every top-level property of its ScopeType's parameter
/// schema filled in where the Scope leaves that property out.
///
/// Nested defaults are not applied (a default inside an object that the
/// Scope leaves out comes with the object's own `default`, if any). When
/// the Scope's parameters are not a mapping, they are returned as they are.
pub fn effective_parameters(scope: &Scope, scope_type: &ScopeType) -> Value {
    let mut parameters = scope
        .parameters
        .as_ref()
        .map_or_else(|| Value::Object(Map::new()), Node::to_json);
    let Value::Object(set) = &mut parameters else {
        return parameters;
    };
    let properties = scope_type
        .parameters
        .as_ref()
        .and_then(|p| p.get("properties"))
        .and_then(Node::as_map)
        .unwrap_or_default();
    for property in properties {
        let name = property.key.key_text();
        if set.contains_key(name.as_ref()) {
            continue;
        }
        if let Some(default) = property.value.get("default") {
            set.insert(name.into_owned(), default.to_json());
        }
    }
    parameters
}

#[cfg(test)]
mod tests {
    use super::*;

    const TYPE: &str = r#"apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: k8s}
spec:
  target: kubernetes
  parameters:
    type: object
    required: [visibility, ram_memory]
    additionalProperties: false
    properties:
      visibility: {type: string, enum: [public, internal], default: public}
      ram_memory: {type: integer, enum: [64, 128, 256, 512], default: 256}
      cpu_millicores: {type: integer, minimum: 100, maximum: 4000, default: 500}
      health_check:
        type: object
        properties:
          path: {type: string, pattern: "^/", default: /health}
          enabled: {type: boolean, default: true}
"#;

    fn scope(spec: &str) -> String {
        format!(
            "apiVersion: landfall.dev/v1\nkind: Scope\nmetadata: {{name: prod, application: shop}}\nspec:\n  type: k8s\n  workloads: [api]\n{spec}"
        )
    }

    #[test]
    fn effective_parameters_fill_top_level_defaults() {
        use landfall_diagnostics::FileId;
        use landfall_schema::Kind;
        let build = |text: &str, kind| {
            let parsed = landfall_yaml::parse(FileId(0), text, &Default::default());
            crate::build(FileId(0), text, 0, kind, &parsed.documents[0].root, true)
                .0
                .doc
        };
        let scope_type = build(TYPE, Kind::ScopeType);
        let scope_type = scope_type.as_scope_type().unwrap();
        let with = build(
            &scope("  parameters: {visibility: internal, extra: 1}\n"),
            Kind::Scope,
        );
        assert_eq!(
            effective_parameters(with.as_scope().unwrap(), scope_type),
            serde_json::json!({
                "visibility": "internal",
                "extra": 1,
                "ram_memory": 256,
                "cpu_millicores": 500,
            })
        );
        let without = build(&scope(""), Kind::Scope);
        assert_eq!(
            effective_parameters(without.as_scope().unwrap(), scope_type),
            serde_json::json!({"visibility": "public", "ram_memory": 256, "cpu_millicores": 500})
        );
        let no_schema = build(
            "apiVersion: landfall.dev/v1\nkind: ScopeType\nmetadata: {name: t}\nspec: {target: local}\n",
            Kind::ScopeType,
        );
        assert_eq!(
            effective_parameters(with.as_scope().unwrap(), no_schema.as_scope_type().unwrap()),
            serde_json::json!({"visibility": "internal", "extra": 1})
        );
    }
}
