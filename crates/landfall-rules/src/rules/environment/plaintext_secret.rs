//! `plaintext-secret`: an env variable whose name says it holds a secret,
//! with a value written in plain text.

use std::collections::HashSet;

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity, Span};
use landfall_model::{LoadedDocument, Spanned, variable_references};
use landfall_schema::Kind;

use super::support::{Binding, Variables, judged_workloads};
use crate::context::{Context, DocumentContext};
use crate::rules::{Reads, Rule};

pub static META: RuleMeta = RuleMeta {
    id: "plaintext-secret",
    severity: Severity::Warning,
    summary: "a literal value in env whose name looks secret (PASSWORD, TOKEN, SECRET, KEY, …) instead of a `${VAR}` bound to a secret",
    docs: r#"## What it checks
That an environment variable whose name says it holds a secret gets its
value from a secret variable of the Application (`spec.variables.NAME.secret`)
through `${NAME}`, not from text written in the spec:

- a literal value (no `${NAME}` at all) is reported on the value;
- a value whose `${NAME}`s are all bound to variables with a literal
  `value` is plain text too, only written elsewhere: it is reported on the
  `${NAME}`, with a label on the variable's value in the Application.

A value with at least one `${NAME}` bound to a secret passes (the literal
text around it, as in `postgres://app:${DB_PASSWORD}@db/shop`, is not the
secret). Empty (or blank) values are not secrets, nor is a `${NAME}` bound
to an empty `value`. A `${NAME}` that names no variable is left to
`unresolved-reference`.

A name looks secret when its **last word** is one of `PASSWORD`, `PASSWD`,
`PASS`, `PASSPHRASE`, `SECRET`, `TOKEN` or `KEY` (or their plurals), or
`PWD` after another word (`MYSQL_PWD`; `PWD` alone is the working
directory). Words are split at `_`, `-`, `.` and camelCase boundaries and
compared without regard to case; trailing digits (`API_KEY_2`, `TOKEN2`)
and encoding words (`BASE`, `BASE64`, `B64`, `PEM`, `HEX`, `RAW`, `VALUE`)
are skipped first, so `SECRET_KEY_BASE` and `PRIVATE_KEY_PEM` look secret.
One-word compounds count too: a word ending in `PASSWORD`, `PASSWD`,
`PASSPHRASE`, `SECRET` or `TOKEN` (`DBPASSWORD`, `ACCESSTOKEN`), and
`APIKEY`, `PRIVATEKEY`, `SECRETKEY`, `ACCESSKEY`.

The last word decides because it says what the value is: `API_KEY`,
`SECRET_KEY`, `ACCESS_KEY`, `PRIVATE_KEY`, `DB_PASSWORD` and `GITHUB_TOKEN`
hold secrets, while `PASSWORD_FILE`, `TOKEN_URL`, `SECRET_NAME` and
`AWS_ACCESS_KEY_ID` hold a path, an address, a name and an identifier.
`KEY` inside a longer word is not the word key (`KEYBOARD_LAYOUT`,
`MONKEY`), and a key qualified as not secret is not one either:
`PUBLIC_KEY`, `CACHE_KEY`, `SORT_KEY`, `PARTITION_KEY`, `PRIMARY_KEY`,
`FOREIGN_KEY`, `ROUTING_KEY`, `IDEMPOTENCY_KEY`, `LOOKUP_KEY`.

## Why
Control Plane passes sensitive values to environment variables as secret
references rather than text in the workload (the Control Plane
workload reference); the same holds for every target. A secret written in
the spec ends up in version control, in plans and in logs; a secret
variable is a reference, resolved by the target at deploy time, and its
value never enters a plan.

## Example
```yaml fail
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec: {version: "2.4.2"}
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: web}
spec: {target: local, workloadTypes: [standard, serverless, cron]}
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: staging, application: shop}
spec: {type: web, workloads: [api]}
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: api, application: shop}
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:2.4.2
      ports:
        - {port: 8080, protocol: http}
      resources: {cpu: 500m, memory: 512Mi}
      env:
        PORT: "8080"
        DB_PASSWORD: hunter2
```

```yaml pass
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec:
  version: "2.4.2"
  variables:
    DB_PASSWORD: {secret: shop-db/password}
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: web}
spec: {target: local, workloadTypes: [standard, serverless, cron]}
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: staging, application: shop}
spec: {type: web, workloads: [api]}
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: api, application: shop}
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:2.4.2
      ports:
        - {port: 8080, protocol: http}
      resources: {cpu: 500m, memory: 512Mi}
      env:
        PORT: "8080"
        DB_PASSWORD: ${DB_PASSWORD}
        KEYBOARD_LAYOUT: us
```
"#,
};

/// Last words that name a secret (singular; a trailing `S` is also accepted).
const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASS",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "KEY",
];
/// One-word compounds that end in one of these name a secret.
const SECRET_SUFFIXES: &[&str] = &["PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN"];
/// One-word compounds ending in `KEY` that name a secret (`KEY` as a
/// suffix alone would match `MONKEY`, `HOTKEY`).
const SECRET_KEY_COMPOUNDS: &[&str] = &["APIKEY", "PRIVATEKEY", "SECRETKEY", "ACCESSKEY"];
/// Words before `KEY` that make it something other than a secret.
const PUBLIC_KEY_QUALIFIERS: &[&str] = &[
    "PUBLIC",
    "PUB",
    "CACHE",
    "SORT",
    "PARTITION",
    "PRIMARY",
    "FOREIGN",
    "ROUTING",
    "IDEMPOTENCY",
    "LOOKUP",
];
/// Trailing words that say how a value is encoded, not what it is.
const ENCODING_WORDS: &[&str] = &["BASE", "BASE64", "B64", "PEM", "HEX", "RAW", "VALUE"];

/// The words of an environment variable name: split at every character
/// that is not a letter or digit, and at camelCase boundaries (`apiKey` →
/// `api`, `Key`; `DBPassword` → `DB`, `Password`).
pub fn words(name: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for part in name.split(|c: char| !c.is_alphanumeric()) {
        let chars: Vec<(usize, char)> = part.char_indices().collect();
        let mut start = 0;
        for (k, &(i, c)) in chars.iter().enumerate().skip(1) {
            let prev = chars[k - 1].1;
            let next = chars.get(k + 1).map(|&(_, c)| c);
            let boundary = c.is_uppercase()
                && (prev.is_lowercase()
                    || prev.is_ascii_digit()
                    || (prev.is_uppercase() && next.is_some_and(char::is_lowercase)));
            if boundary {
                out.push(&part[start..i]);
                start = i;
            }
        }
        if start < part.len() {
            out.push(&part[start..]);
        }
    }
    out
}

/// The word of `name` that makes it look like it holds a secret (see the
/// rule's docs), as written.
pub fn secret_word(name: &str) -> Option<&str> {
    // Every secret word holds one of these: most names (PORT, LOG_LEVEL)
    // are ruled out without splitting them into words.
    const MARKERS: [&[u8]; 5] = [b"PASS", b"PWD", b"SECRET", b"TOKEN", b"KEY"];
    let bytes = name.as_bytes();
    let holds = |marker: &[u8]| {
        bytes
            .windows(marker.len())
            .any(|w| w.eq_ignore_ascii_case(marker))
    };
    if !MARKERS.iter().any(|m| holds(m)) {
        return None;
    }
    let mut words: Vec<&str> = words(name)
        .into_iter()
        .map(|w| w.trim_end_matches(|c: char| c.is_ascii_digit()))
        .filter(|w| !w.is_empty())
        .collect();
    while words.len() > 1
        && words
            .last()
            .is_some_and(|w| ENCODING_WORDS.contains(&w.to_uppercase().as_str()))
    {
        words.pop();
    }
    let last = *words.last()?;
    let upper = last.to_uppercase();
    let singular = upper.strip_suffix('S').unwrap_or(&upper);
    let is = |word: &str| upper == word || singular == word;
    let before = words.len().checked_sub(2).map(|i| words[i].to_uppercase());
    let secret = if is("KEY") {
        before.is_none_or(|b| !PUBLIC_KEY_QUALIFIERS.contains(&b.as_str()))
    } else {
        SECRET_WORDS.iter().any(|w| is(w))
            || (upper == "PWD" && before.is_some())
            || SECRET_KEY_COMPOUNDS.iter().any(|w| is(w))
            || SECRET_SUFFIXES
                .iter()
                .any(|s| upper.ends_with(s) || singular.ends_with(s))
    };
    secret.then_some(last)
}

pub struct PlaintextSecret;

fn variable_help(var: &str, app: &str) -> String {
    format!(
        "make `{var}` a secret variable of Application `{app}`: `{var}: {{secret: <store>/<key>}}` under `spec.variables`"
    )
}

impl Rule for PlaintextSecret {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> Reads {
        Reads::Fields(&[
            (Kind::Workload, "/spec/containers/*/env"),
            (Kind::Application, "/spec/variables"),
        ])
    }

    /// Literal values: no `${NAME}` at all.
    fn check_document(
        &self,
        doc: &LoadedDocument,
        _ctx: &DocumentContext,
        out: &mut Vec<Diagnostic>,
    ) {
        let Some(workload) = doc.doc.as_workload() else {
            return;
        };
        for container in &workload.containers {
            for (name, value) in &container.env {
                if value.value.trim().is_empty() || !variable_references(&value.value).is_empty() {
                    continue;
                }
                let Some(word) = secret_word(&name.value) else {
                    continue;
                };
                let n = &name.value;
                let app = workload.meta.application().unwrap_or("…");
                out.push(
                    Diagnostic::new(
                        &META,
                        value.span,
                        format!("`{n}` looks like a secret ({word}), but its value is written in plain text"),
                    )
                    .with_span_label("plain text")
                    .with_help(format!(
                        "define `{n}: {{secret: <store>/<key>}}` under `spec.variables` of Application `{app}` and write `${{{n}}}` here"
                    )),
                );
            }
        }
    }

    /// Values with `${NAME}`: plain text when no reference is bound to a
    /// secret and some are bound to literal values.
    fn check_project(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let mut variables = Variables::default();
        for (workload, app) in judged_workloads(ctx, self.reads()) {
            let Some(app) = app else {
                continue;
            };
            let app_name = app.meta.name().unwrap_or_default();
            for container in &workload.containers {
                for (name, value) in &container.env {
                    if !value.value.contains("${") {
                        continue;
                    }
                    let Some(word) = secret_word(&name.value) else {
                        continue;
                    };
                    let mut plain: Vec<(Span, &str, &Spanned<String>)> = Vec::new();
                    let mut secret = false;
                    // Located while the file's text was at hand.
                    let uses = workload
                        .variable_uses
                        .iter()
                        .filter(|u| u.env == Some(name.span));
                    for r in uses {
                        let span = r.span;
                        match variables.binding(Some(app), &r.name) {
                            Binding::Secret => secret = true,
                            Binding::Value(var, v) if !v.value.is_empty() => {
                                plain.push((span, var.name.value.as_str(), v));
                            }
                            Binding::Value(..) | Binding::Unknown => {}
                        }
                    }
                    if secret {
                        continue;
                    }
                    let Some(&(span, first, _)) = plain.first() else {
                        continue;
                    };
                    let mut d = Diagnostic::new(
                        &META,
                        span,
                        format!(
                            "`{}` looks like a secret ({word}), but `${{{first}}}` is a plain value, not a secret",
                            name.value
                        ),
                    )
                    .with_span_label("bound to a plain value");
                    let mut labelled: HashSet<&str> = HashSet::new();
                    for &(_, var, v) in &plain {
                        if labelled.insert(var) {
                            d = d.with_label(
                                v.span,
                                format!("`{var}` is written in plain text here"),
                            );
                        }
                    }
                    out.push(d.with_help(variable_help(first, app_name)));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words() {
        assert_eq!(words("DB_PASSWORD"), ["DB", "PASSWORD"]);
        assert_eq!(words("apiKey"), ["api", "Key"]);
        assert_eq!(words("DBPassword"), ["DB", "Password"]);
        assert_eq!(words("oauth2Token"), ["oauth2", "Token"]);
        assert_eq!(words("a-b.c__d"), ["a", "b", "c", "d"]);
        assert_eq!(words(""), Vec::<&str>::new());
        assert_eq!(words("_é_Ünï"), ["é", "Ünï"]);
    }

    #[test]
    fn secret_names() {
        for name in [
            "PASSWORD",
            "DB_PASSWORD",
            "POSTGRES_PASSWD",
            "SMTP_PASS",
            "MYSQL_PWD",
            "GPG_PASSPHRASE",
            "JWT_SECRET",
            "CLIENT_SECRETS",
            "GITHUB_TOKEN",
            "API_KEY",
            "SECRET_KEY",
            "ACCESS_KEY",
            "AWS_SECRET_ACCESS_KEY",
            "PRIVATE_KEY",
            "SSH_KEYS",
            "API_KEY_2",
            "TOKEN2",
            "SECRET_KEY_BASE",
            "PRIVATE_KEY_PEM",
            "apiKey",
            "dbPassword",
            "DBPASSWORD",
            "ACCESSTOKEN",
            "APIKEY",
            "stripe-api-key",
            "KEY",
        ] {
            assert!(secret_word(name).is_some(), "{name} should look secret");
        }
        assert_eq!(secret_word("DB_PASSWORD"), Some("PASSWORD"));
        assert_eq!(secret_word("apiKey"), Some("Key"));
        assert_eq!(secret_word("SECRET_KEY_BASE"), Some("KEY"));
    }

    #[test]
    fn names_that_are_not_secret() {
        for name in [
            "KEYBOARD_LAYOUT",
            "MONKEY",
            "HOTKEY",
            "PWD",
            "PASSWORD_FILE",
            "TOKEN_URL",
            "SECRET_NAME",
            "AWS_ACCESS_KEY_ID",
            "PUBLIC_KEY",
            "CACHE_KEY",
            "SORT_KEY",
            "REDIS_KEY_PREFIX",
            "TOKENIZER_MODEL",
            "SECRETARY",
            "PASSWORDLESS_LOGIN",
            "BYPASS",
            "LOG_LEVEL",
            "PORT",
            "BASE64",
            "",
            "___",
            "2",
        ] {
            assert_eq!(secret_word(name), None, "{name} should not look secret");
        }
    }
}
