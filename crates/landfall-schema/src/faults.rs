//! Where a document is invalid: a JSON pointer per schema error, so that
//! the rest of the document can still be judged by the rules that do not
//! read what failed, and none of them reports the same fault again.
//!
//! The pointer of an error is the value that failed, except for:
//! - a missing required field: the field's own place (`/spec/type` when
//!   `spec` lacks `type`), where the value would be;
//! - an unknown field: the allowed field it most likely misspells
//!   (`/spec/scaling/percentile` for `percentil`), since a rule may judge
//!   that field by its absence; no pointer at all when it is close to no
//!   allowed field, since nothing reads an unknown field;
//! - a wrong `apiVersion` or `kind`: the whole document (`""`), whose
//!   meaning is then in doubt.

use jsonschema::ValidationError;
use jsonschema::error::ValidationErrorKind;
use landfall_diagnostics::did_you_mean;
use landfall_yaml::Node;

use crate::walk::SchemaSet;

/// The pointers one error makes invalid.
pub(crate) fn of(
    set: &SchemaSet,
    schema_file: &str,
    root: &Node,
    error: &ValidationError<'_>,
) -> Vec<String> {
    let path = error.instance_path().as_str();
    if path == "/apiVersion" || path == "/kind" {
        return vec![String::new()];
    }
    match error.kind() {
        ValidationErrorKind::Required { property } => {
            let field = property.as_str().unwrap_or_default();
            vec![child(path, field)]
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let allowed = set.allowed_fields(schema_file, path);
            unexpected
                .iter()
                .filter(|field| {
                    root.pointer(path)
                        .is_some_and(|(node, _)| node.entry_by_key_text(field).is_some())
                })
                .filter_map(|field| did_you_mean(field, allowed.iter().map(String::as_str)))
                .map(|meant| child(path, meant))
                .collect()
        }
        // The key that breaks the pattern, not its whole mapping.
        ValidationErrorKind::PropertyNames { error } => match error.instance().as_str() {
            Some(key) => vec![child(path, key)],
            None => vec![path.to_string()],
        },
        _ => vec![path.to_string()],
    }
}

/// `pointer` extended by one key, escaped as JSON pointers escape it.
fn child(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"))
}

/// Whether a fault at `fault` (a JSON pointer) touches the field at `read`
/// (a JSON pointer whose segments may be `*`, any list item or mapping
/// key): one lies inside the other. A fault inside what is read makes what
/// is read partly invalid; a fault around it (a mapping that is a string,
/// a list that is too short) leaves it unknown.
pub fn touches(fault: &str, read: &str) -> bool {
    let fault = fault.split('/').skip(1);
    let read = read.split('/').skip(1);
    fault.zip(read).all(|(f, r)| {
        r == "*" || (!f.contains('~') && f == r) || f.replace("~1", "/").replace("~0", "~") == r
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Kind, Schemas};
    use landfall_diagnostics::FileId;

    fn faults(kind: Kind, yaml: &str) -> Vec<String> {
        let parsed = landfall_yaml::parse(FileId(0), yaml, &Default::default());
        let root = &parsed.documents[0].root;
        let validation = Schemas::get().check(kind, FileId(0), "", root);
        assert!(!validation.diagnostics.is_empty(), "{yaml} is invalid");
        validation.faults
    }

    const HEAD: &str =
        "apiVersion: landfall.dev/v1\nkind: Workload\nmetadata: {name: api, application: shop}\n";

    #[test]
    fn each_error_gives_the_place_it_makes_invalid() {
        // A wrong value: its own place.
        let wrong = format!(
            "{HEAD}spec:\n  type: servless\n  containers:\n    - {{name: a, image: a, ports: [{{port: \"80\"}}]}}\n"
        );
        assert_eq!(
            faults(Kind::Workload, &wrong),
            ["/spec/containers/0/ports/0/port", "/spec/type"]
        );
        // A missing field: where it would be.
        let missing = format!("{HEAD}spec:\n  containers: [{{name: a}}]\n");
        assert_eq!(
            faults(Kind::Workload, &missing),
            ["/spec/containers/0/image", "/spec/type"]
        );
        // An unknown field: the field it misspells, or nothing.
        let unknown = format!(
            "{HEAD}spec:\n  type: standard\n  containers: [{{name: a, image: a}}]\n  scaling: {{metric: latency, percentil: p50, colour: red}}\n"
        );
        assert_eq!(
            faults(Kind::Workload, &unknown),
            ["/spec/scaling/percentile"]
        );
        // A key that breaks the names' pattern: that key.
        let key = "apiVersion: landfall.dev/v1\nkind: Application\nmetadata: {name: shop}\nspec:\n  version: \"1\"\n  variables: {DB-PASSWORD: {value: x}, LOG_LEVEL: {value: y}}\n";
        assert_eq!(
            faults(Kind::Application, key),
            ["/spec/variables/DB-PASSWORD"]
        );
        // Exactly one of http, tcp and exec: the probe.
        let probe = format!(
            "{HEAD}spec:\n  type: standard\n  containers:\n    - name: a\n      image: a\n      probes: {{readiness: {{period: 5s}}}}\n"
        );
        assert_eq!(
            faults(Kind::Workload, &probe),
            ["/spec/containers/0/probes/readiness"]
        );
        // A document of another version: all of it.
        let version = HEAD.replace("landfall.dev/v1", "landfall.dev/v2")
            + "spec: {type: standard, containers: [{name: a, image: a}]}\n";
        assert_eq!(faults(Kind::Workload, &version), [""]);
    }

    #[test]
    fn faults_touch_what_is_inside_or_around_them() {
        assert!(touches("/spec/type", "/spec/type"));
        assert!(touches(
            "/spec/containers/0/ports/1",
            "/spec/containers/*/ports/*/port"
        ));
        assert!(touches(
            "/spec/containers",
            "/spec/containers/*/ports/*/port"
        ));
        assert!(touches("", "/spec/type"));
        assert!(touches(
            "/spec/containers/0/ports/1/protocol",
            "/spec/containers/*/ports"
        ));
        assert!(!touches(
            "/spec/containers/0/ports/1/protocol",
            "/spec/containers/*/ports/*/port"
        ));
        assert!(!touches(
            "/spec/scaling/percentile",
            "/spec/scaling/minScale"
        ));
        assert!(!touches("/spec/type", "/spec/job"));
        // Escaped keys compare unescaped.
        assert!(touches("/spec/env/a~1b", "/spec/env/*"));
        assert!(!touches("/spec/env/a~1b", "/spec/env/a"));
        assert!(touches("/spec/env/x~0y", "/spec/env/x~y"));
    }
}
