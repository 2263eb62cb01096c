//! Names the targets make from the plan's names, and the checks that the
//! plan's free-form strings (secret references, config file names) fit
//! where a target has to put them.

use landfall_plan::Plan;

/// Label (compose) and label or annotation (Kubernetes) keys landfall owns.
pub const LABEL_APPLICATION: &str = "landfall.dev/application";
pub const LABEL_SCOPE: &str = "landfall.dev/scope";
pub const LABEL_WORKLOAD: &str = "landfall.dev/workload";
pub const LABEL_CONTAINER: &str = "landfall.dev/container";
pub const LABEL_SPEC_HASH: &str = "landfall.dev/spec-hash";
pub const LABEL_VERSION: &str = "landfall.dev/version";

/// The environment variable a secret env value is read from at deploy time
/// (compose): the convention every target shares.
pub use landfall_plan::secret_env_var;

/// The environment variable naming the directory that holds the files of
/// `secret://` mounts (compose).
pub const SECRETS_DIR_VAR: &str = "LANDFALL_SECRETS_DIR";

/// `^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`, at most 63 characters.
pub fn is_dns_label(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

/// A DNS subdomain (Kubernetes object names such as Secrets and ConfigMaps):
/// DNS labels joined by dots, at most 253 characters.
pub fn is_dns_subdomain(name: &str) -> bool {
    name.len() <= 253 && name.split('.').all(is_dns_label)
}

/// A ConfigMap or Secret key: `[-._a-zA-Z0-9]+`, at most 253 characters.
pub fn is_data_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 253
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
        && key != "."
        && key != ".."
}

/// `base` when it is a DNS label, else a DNS label made from it: cut to fit
/// with a short digest of the whole name appended, so different long names
/// stay different.
pub fn dns_label(base: &str) -> String {
    if is_dns_label(base) {
        return base.to_string();
    }
    let cleaned: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let digest = digest(base);
    let keep = cleaned.trim_matches('-');
    let keep = &keep[..keep.len().min(63 - digest.len() - 1)];
    let keep = keep.trim_end_matches('-');
    if keep.is_empty() {
        format!("x-{digest}")
    } else {
        format!("{keep}-{digest}")
    }
}

/// A Kubernetes label value made from `text`: `[A-Za-z0-9._-]`, starting and
/// ending with a letter or digit, at most 63 characters (`2.4.2+build.7`
/// becomes `2.4.2_build.7`).
pub fn label_value(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let cut = &cleaned[..cleaned.len().min(63)];
    cut.trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_string()
}

/// The name of the application scope: `<application>-<scope>`.
pub fn scope_name(plan: &Plan) -> String {
    dns_label(&format!("{}-{}", plan.application.name, plan.scope.name))
}

/// Where the file of a `secret://REF` mount at PATH is:
/// `PATH/<last /-part of REF>` on every target.
pub fn secret_file_path(path: &str, reference: &str) -> String {
    format!(
        "{}/{}",
        path.trim_end_matches('/'),
        landfall_plan::secret_file_name(reference)
    )
}

/// A string parameter of the scope, when the ScopeType defines it.
pub fn string_parameter<'a>(plan: &'a Plan, name: &str) -> Option<&'a str> {
    plan.scope.parameters.get(name)?.as_str()
}

/// How a secret reference maps onto a Kubernetes Secret the cluster owner
/// creates: `NAME/KEY` is key `KEY` of Secret `NAME`; a reference without
/// `/` is the Secret `NAME`'s key `value`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KubeSecret {
    pub name: String,
    pub key: Option<String>,
}

/// The key an env secret without `/KEY` reads.
pub const DEFAULT_SECRET_KEY: &str = "value";

pub fn kube_secret(reference: &str) -> Result<KubeSecret, String> {
    let (name, key) = match reference.split_once('/') {
        Some((name, key)) => (name, Some(key)),
        None => (reference, None),
    };
    if !is_dns_subdomain(name) {
        return Err(format!(
            "secret reference `{reference}`: `{name}` is not a Kubernetes Secret name \
             (lowercase letters, digits, `-` and `.`, at most 253 characters)"
        ));
    }
    if let Some(key) = key
        && !is_data_key(key)
    {
        return Err(format!(
            "secret reference `{reference}`: `{key}` is not a Secret key \
             (letters, digits, `-`, `_` and `.`)"
        ));
    }
    Ok(KubeSecret {
        name: name.to_string(),
        key: key.map(str::to_string),
    })
}

/// Eight hex digits that tell names apart once they had to be changed.
pub fn digest(text: &str) -> String {
    format!("{:08x}", fnv1a(text) as u32)
}

/// 64-bit FNV-1a: a stable digest for names (not for security).
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_env_vars_follow_the_runner_convention() {
        assert_eq!(
            secret_env_var("shop-db/password"),
            "LANDFALL_SECRET_SHOP_DB_PASSWORD"
        );
        assert_eq!(secret_env_var("tls"), "LANDFALL_SECRET_TLS");
    }

    #[test]
    fn long_or_odd_names_become_distinct_dns_labels() {
        assert_eq!(dns_label("scratch-cache"), "scratch-cache");
        let long = "a".repeat(70);
        let label = dns_label(&long);
        assert!(is_dns_label(&label), "{label}");
        assert_ne!(label, dns_label(&"a".repeat(71)));
        assert!(is_dns_label(&dns_label("Config_Files")));
        assert!(is_dns_label(&dns_label("---")));
    }

    #[test]
    fn label_values_drop_what_labels_cannot_hold() {
        assert_eq!(label_value("2.4.2+build.7"), "2.4.2_build.7");
        assert_eq!(label_value("-x-"), "x");
        assert_eq!(label_value(&"9".repeat(80)).len(), 63);
    }

    #[test]
    fn secret_references_split_into_secret_and_key() {
        assert_eq!(
            kube_secret("shop-db/password").unwrap(),
            KubeSecret {
                name: "shop-db".into(),
                key: Some("password".into())
            }
        );
        assert_eq!(kube_secret("tls").unwrap().key, None);
        assert!(kube_secret("Shop/pw").unwrap_err().contains("`Shop`"));
        assert!(kube_secret("db/a/b").unwrap_err().contains("`a/b`"));
    }
}
