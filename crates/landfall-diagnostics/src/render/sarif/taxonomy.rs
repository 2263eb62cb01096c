//! What code scanning shows about a rule besides its text: the page that
//! documents it (`helpUri`), its tags, and for the rules whose findings are
//! security alerts, the `security-severity` GitHub ranks them by (a CVSS
//! score: 7.0–8.9 is "high") and the weakness (CWE) they are.

use serde::Serialize;

/// Where landfall's documentation is published; `docs/rules.md` is there
/// as in the repository.
const RULES_PAGE: &str = "https://landfall.dev/docs/rules.md";

/// (rule, security-severity, CWE tag): a secret written in a spec
/// (CWE-798, credentials in the source) and a secret placed where every
/// process listing shows it (CWE-214).
const SECURITY: [(&str, &str, &str); 2] = [
    ("plaintext-secret", "7.5", "external/cwe/cwe-798"),
    ("plan/secret-in-text", "7.5", "external/cwe/cwe-214"),
];

/// The anchor GitHub and most Markdown renderers give the heading
/// `` ## `RULE` `` of `docs/rules.md`: `plan/host-port` → `planhost-port`.
pub fn rule_anchor(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect::<String>()
        .to_ascii_lowercase()
}

/// The rule's section of `docs/rules.md`, for the rules listed there:
/// every rule of the registry. Policy rules come from a Platform's own
/// files and have no page.
pub fn help_uri(id: &str) -> Option<String> {
    (!id.starts_with("policy/")).then(|| format!("{RULES_PAGE}#{}", rule_anchor(id)))
}

/// A rule's `properties`: its tags, and the security severity of a
/// security rule.
#[derive(Serialize)]
pub struct RuleProperties {
    tags: Vec<&'static str>,
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<&'static str>,
}

impl RuleProperties {
    pub fn of(id: &str) -> RuleProperties {
        // Where the rule comes from, as `docs/rules.md` groups them.
        let origin = if id.starts_with("policy/") {
            "policy"
        } else if id.starts_with("plan/") {
            "plan"
        } else {
            "spec"
        };
        let mut tags = vec!["landfall", origin];
        let mut security_severity = None;
        if let Some((_, score, cwe)) = SECURITY.iter().find(|(rule, _, _)| *rule == id) {
            tags.extend(["security", cwe]);
            security_severity = Some(*score);
        }
        RuleProperties {
            tags,
            security_severity,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_and_pages() {
        assert_eq!(rule_anchor("plan/host-port"), "planhost-port");
        assert_eq!(
            help_uri("blocked-port").as_deref(),
            Some("https://landfall.dev/docs/rules.md#blocked-port")
        );
        assert_eq!(help_uri("policy/no-latest"), None);
    }

    #[test]
    fn secrets_are_security_alerts() {
        let json = |id| serde_json::to_value(RuleProperties::of(id)).unwrap();
        assert_eq!(
            json("plaintext-secret"),
            serde_json::json!({
                "tags": ["landfall", "spec", "security", "external/cwe/cwe-798"],
                "security-severity": "7.5"
            })
        );
        assert_eq!(
            json("policy/no-latest"),
            serde_json::json!({"tags": ["landfall", "policy"]})
        );
    }
}
