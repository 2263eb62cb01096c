//! Name patterns: DNS labels, DNS subdomains and label keys, each check
//! saying what is wrong and where, rather than only "does not match".

/// Longest DNS label.
pub const DNS_LABEL_MAX: usize = 63;
/// Longest DNS subdomain (a label key's prefix).
pub const DNS_SUBDOMAIN_MAX: usize = 253;
/// Longest name part of a label key.
pub const LABEL_NAME_MAX: usize = 63;
/// The label key prefix landfall keeps for itself.
pub const RESERVED_LABEL_PREFIX: &str = "landfall.dev";
/// The container name prefix landfall keeps for the containers it adds.
pub const RESERVED_CONTAINER_PREFIX: &str = "landfall-";

/// Whether `name` is a DNS label: `^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`, at
/// most 63 characters.
pub fn is_dns_label(name: &str) -> bool {
    dns_label_problem(name).is_none()
}

/// Whether `name` is a variable name: `^[A-Za-z_][A-Za-z0-9_]*$`, what
/// `${NAME}` can spell and the Application schema allows.
pub fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// Why `name` is not a DNS label (`uppercase `S` at position 1`), or `None`.
/// Positions are 1-based and count characters.
pub fn dns_label_problem(name: &str) -> Option<String> {
    label_problem(name, 0, DNS_LABEL_MAX, |c| {
        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
    })
}

/// Why `key` is not a valid label key, or `None`. A key is an optional
/// prefix (a DNS subdomain: dot-separated DNS labels, at most 253
/// characters) and `/`, then a name of at most 63 characters matching
/// `^[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$`, as in Kubernetes. The
/// reserved prefix is checked separately ([`reserved_label_prefix`]).
pub fn label_key_problem(key: &str) -> Option<String> {
    let (prefix, name, name_offset) = match key.find('/') {
        None => (None, key, 0),
        Some(slash) => {
            let prefix = &key[..slash];
            let name = &key[slash + 1..];
            (Some(prefix), name, prefix.chars().count() + 1)
        }
    };
    if let Some(prefix) = prefix {
        if prefix.is_empty() {
            return Some("the prefix before `/` is empty".to_string());
        }
        if let Some(problem) = subdomain_problem(prefix) {
            return Some(format!("in the prefix `{prefix}`: {problem}"));
        }
        if let Some(second) = name.find('/') {
            let position = name_offset + name[..second].chars().count() + 1;
            return Some(format!("a second `/` at position {position}"));
        }
    }
    if name.is_empty() {
        return Some(if prefix.is_some() {
            "the name after `/` is empty".to_string()
        } else {
            "it is empty".to_string()
        });
    }
    label_problem(name, name_offset, LABEL_NAME_MAX, |c| {
        c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
    })
    .map(|problem| match prefix {
        Some(_) => format!("in the name `{name}`: {problem}"),
        None => problem,
    })
}

/// The reserved prefix a label key uses (`landfall.dev` or a subdomain of
/// it), if any.
pub fn reserved_label_prefix(key: &str) -> Option<&str> {
    let (prefix, _) = key.split_once('/')?;
    let reserved = prefix == RESERVED_LABEL_PREFIX
        || prefix
            .strip_suffix(RESERVED_LABEL_PREFIX)
            .is_some_and(|head| head.ends_with('.'));
    reserved.then_some(prefix)
}

/// A DNS label close to `name`, to suggest: lowercase, other characters
/// replaced by `-`, trimmed to 63 characters. `None` if nothing useful is
/// left or it would not change anything.
pub fn suggest_dns_label(name: &str) -> Option<String> {
    let mut out = String::new();
    for c in name.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.truncate(DNS_LABEL_MAX);
    let out = out.trim_end_matches('-').to_string();
    (!out.is_empty() && out != name && is_dns_label(&out)).then_some(out)
}

fn subdomain_problem(prefix: &str) -> Option<String> {
    let length = prefix.chars().count();
    let mut offset = 0;
    for part in prefix.split('.') {
        if part.is_empty() {
            return Some(format!("an empty part at position {}", offset + 1));
        }
        if let Some(problem) = dns_label_problem_at(part, offset) {
            return Some(problem);
        }
        offset += part.chars().count() + 1;
    }
    (length > DNS_SUBDOMAIN_MAX)
        .then(|| format!("it is {length} characters long, over the limit of {DNS_SUBDOMAIN_MAX}"))
}

fn dns_label_problem_at(name: &str, offset: usize) -> Option<String> {
    label_problem(name, offset, DNS_LABEL_MAX, |c| {
        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
    })
}

/// The first problem of `name` against "allowed characters, starting and
/// ending with a letter or digit, at most `max` characters"; positions are
/// reported as `offset` + the 1-based character index.
fn label_problem(
    name: &str,
    offset: usize,
    max: usize,
    allowed: impl Fn(char) -> bool,
) -> Option<String> {
    if name.is_empty() {
        return Some("it is empty".to_string());
    }
    for (i, c) in name.chars().enumerate() {
        if !allowed(c) {
            let position = offset + i + 1;
            return Some(if c.is_ascii_uppercase() {
                format!("uppercase `{c}` at position {position}")
            } else {
                format!("{} at position {position}", describe(c))
            });
        }
    }
    let first = name.chars().next().unwrap_or('a');
    if !first.is_ascii_alphanumeric() {
        return Some(format!("it starts with `{first}`"));
    }
    let last = name.chars().next_back().unwrap_or('a');
    if !last.is_ascii_alphanumeric() {
        return Some(format!("it ends with `{last}`"));
    }
    let length = name.chars().count();
    (length > max).then(|| format!("it is {length} characters long, over the limit of {max}"))
}

fn describe(c: char) -> String {
    match c {
        ' ' => "a space".to_string(),
        '\t' => "a tab".to_string(),
        c if c.is_control() => format!("the control character `{}`", c.escape_default()),
        '`' => "a backquote".to_string(),
        c => format!("`{c}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_labels() {
        for ok in ["a", "shop", "api-v2", "0", "a1", &"a".repeat(63)] {
            assert_eq!(dns_label_problem(ok), None, "{ok}");
        }
        assert_eq!(
            dns_label_problem("Shop").as_deref(),
            Some("uppercase `S` at position 1")
        );
        assert_eq!(
            dns_label_problem("my_app").as_deref(),
            Some("`_` at position 3")
        );
        assert_eq!(
            dns_label_problem("my app").as_deref(),
            Some("a space at position 3")
        );
        assert_eq!(
            dns_label_problem("-a").as_deref(),
            Some("it starts with `-`")
        );
        assert_eq!(dns_label_problem("a-").as_deref(), Some("it ends with `-`"));
        assert_eq!(dns_label_problem("").as_deref(), Some("it is empty"));
        assert_eq!(
            dns_label_problem(&"a".repeat(64)).as_deref(),
            Some("it is 64 characters long, over the limit of 63")
        );
        assert_eq!(dns_label_problem("é").as_deref(), Some("`é` at position 1"));
    }

    #[test]
    fn label_keys() {
        for ok in [
            "team",
            "Team",
            "app.kubernetes.io/name",
            "example.com/My_Key.v1",
            "a/b",
        ] {
            assert_eq!(label_key_problem(ok), None, "{ok}");
        }
        assert_eq!(
            label_key_problem("/x").as_deref(),
            Some("the prefix before `/` is empty")
        );
        assert_eq!(
            label_key_problem("a/").as_deref(),
            Some("the name after `/` is empty")
        );
        assert_eq!(
            label_key_problem("Example.com/x").as_deref(),
            Some("in the prefix `Example.com`: uppercase `E` at position 1")
        );
        assert_eq!(
            label_key_problem("a..b/x").as_deref(),
            Some("in the prefix `a..b`: an empty part at position 3")
        );
        assert_eq!(
            label_key_problem("a.b/c/d").as_deref(),
            Some("a second `/` at position 6")
        );
        assert_eq!(
            label_key_problem("ex.com/-x").as_deref(),
            Some("in the name `-x`: it starts with `-`")
        );
        assert_eq!(
            label_key_problem("ex.com/a b").as_deref(),
            Some("in the name `a b`: a space at position 9")
        );
        assert_eq!(
            label_key_problem("te am").as_deref(),
            Some("a space at position 3")
        );
        assert!(label_key_problem(&format!("{}/x", "a".repeat(254))).is_some());
    }

    #[test]
    fn reserved_prefixes() {
        assert_eq!(
            reserved_label_prefix("landfall.dev/x"),
            Some("landfall.dev")
        );
        assert_eq!(
            reserved_label_prefix("ops.landfall.dev/x"),
            Some("ops.landfall.dev")
        );
        assert_eq!(reserved_label_prefix("notlandfall.dev/x"), None);
        assert_eq!(reserved_label_prefix("landfall.dev"), None);
        assert_eq!(reserved_label_prefix("example.com/x"), None);
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest_dns_label("Shop").as_deref(), Some("shop"));
        assert_eq!(suggest_dns_label("my_app").as_deref(), Some("my-app"));
        assert_eq!(suggest_dns_label("-api-").as_deref(), Some("api"));
        assert_eq!(suggest_dns_label("shop"), None);
        assert_eq!(suggest_dns_label("__"), None);
    }
}
