//! Secret values from the developer's machine: a secrets file or
//! `LANDFALL_SECRET_*` environment variables. A value lives only in a
//! [`SecretValue`], which prints as `<redacted>`, reaches the engine only on
//! a child's standard input (or environment, for docker), and is scrubbed
//! from any engine output the runner repeats ([`Secrets::redact`]).

use std::collections::BTreeMap;
use std::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::RunnerError;

/// A secret's value. Deliberately neither `Display` nor a revealing `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretValue(String);

impl SecretValue {
    pub fn new(value: String) -> SecretValue {
        SecretValue(value)
    }

    /// The value, for the one place that hands it to the engine.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Where values are looked up: the secrets file's entries first, then the
/// environment.
#[derive(Debug, Default)]
pub struct Secrets {
    /// Name of the file the entries came from, for messages.
    file: Option<String>,
    entries: BTreeMap<String, SecretValue>,
    environment: BTreeMap<String, SecretValue>,
    /// Key of the digests that name secret objects (see [`Secrets::digest`]).
    digest_key: Vec<u8>,
}

/// The environment variable a reference is read from:
/// `shop-db/password` ─► `LANDFALL_SECRET_SHOP_DB_PASSWORD`.
pub use landfall_plan::secret_env_var as environment_variable;

impl Secrets {
    /// `environment` is the process environment (`std::env::vars()`), of
    /// which only `LANDFALL_SECRET_*` entries are kept.
    pub fn new(
        digest_key: Vec<u8>,
        environment: impl IntoIterator<Item = (String, String)>,
    ) -> Secrets {
        Secrets {
            file: None,
            entries: BTreeMap::new(),
            environment: environment
                .into_iter()
                .filter(|(name, _)| name.starts_with("LANDFALL_SECRET_"))
                .map(|(name, value)| (name, SecretValue(value)))
                .collect(),
            digest_key,
        }
    }

    /// Reads `REFERENCE=VALUE` lines (blank lines and `#` comments
    /// skipped; the value is everything after the first `=`, as written).
    /// Errors name the file and line, never a value.
    pub fn read_file(&mut self, name: &str, text: &str) -> Result<(), RunnerError> {
        self.file = Some(name.to_string());
        for (index, line) in text.lines().enumerate() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let Some((reference, value)) = line.split_once('=') else {
                return Err(RunnerError::Secret(format!(
                    "{name}:{}: expected `REFERENCE=VALUE` (the line has no `=`)",
                    index + 1
                )));
            };
            let reference = reference.trim();
            if reference.is_empty() {
                return Err(RunnerError::Secret(format!(
                    "{name}:{}: the reference before `=` is empty",
                    index + 1
                )));
            }
            if self
                .entries
                .insert(reference.to_string(), SecretValue(value.to_string()))
                .is_some()
            {
                return Err(RunnerError::Secret(format!(
                    "{name}:{}: secret `{reference}` is given twice",
                    index + 1
                )));
            }
        }
        Ok(())
    }

    /// The value of a reference, or a message saying where it was looked for.
    pub fn get(&self, reference: &str) -> Result<&SecretValue, RunnerError> {
        if let Some(value) = self.entries.get(reference) {
            return Ok(value);
        }
        let variable = environment_variable(reference);
        if let Some(value) = self.environment.get(&variable) {
            return Ok(value);
        }
        let file = match &self.file {
            Some(file) => format!("in {file} or "),
            None => "with --secrets-file or ".to_string(),
        };
        Err(RunnerError::Secret(format!(
            "secret `{reference}` has no value: set it {file}in the environment variable {variable}"
        )))
    }

    /// A keyed digest (HMAC-SHA-256, hex) of a value: it names secret
    /// objects and enters run hashes, so a changed value is noticed, while
    /// without the key (kept in the state directory, mode 0600) it says
    /// nothing about the value.
    pub fn digest(&self, value: &SecretValue) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.digest_key)
            .expect("HMAC takes keys of any length");
        mac.update(value.0.as_bytes());
        hex(&mac.finalize().into_bytes())
    }

    /// `text` with every known secret value replaced by `<redacted>`: for
    /// engine output (errors, container logs) the runner repeats.
    pub fn redact(&self, text: &str) -> String {
        let mut values: Vec<&str> = self
            .entries
            .values()
            .chain(self.environment.values())
            .map(|v| v.0.as_str())
            .filter(|v| !v.is_empty())
            .collect();
        // Longest first, so a value containing another is replaced whole.
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        let mut text = text.to_string();
        for value in values {
            if text.contains(value) {
                text = text.replace(value, "<redacted>");
            }
        }
        text
    }
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_entries_win_over_the_environment() {
        let mut secrets = Secrets::new(
            b"key".to_vec(),
            [
                (
                    "LANDFALL_SECRET_SHOP_DB_PASSWORD".to_string(),
                    "from-env".to_string(),
                ),
                ("HOME".to_string(), "/root".to_string()),
            ],
        );
        assert_eq!(
            secrets.get("shop-db/password").unwrap().expose(),
            "from-env"
        );
        secrets
            .read_file("dev.secrets", "# local values\n\nshop-db/password=a=b \n")
            .unwrap();
        assert_eq!(secrets.get("shop-db/password").unwrap().expose(), "a=b ");
        assert_eq!(
            format!("{:?}", secrets.get("shop-db/password")),
            "Ok(<redacted>)"
        );
    }

    #[test]
    fn a_missing_secret_names_the_reference_and_where_it_was_looked_for() {
        let secrets = Secrets::new(Vec::new(), []);
        assert_eq!(
            secrets.get("orders-db-tls").unwrap_err().to_string(),
            "secret `orders-db-tls` has no value: set it with --secrets-file or in the environment variable LANDFALL_SECRET_ORDERS_DB_TLS"
        );
    }

    #[test]
    fn bad_lines_are_reported_without_their_value() {
        let mut secrets = Secrets::new(Vec::new(), []);
        let error = secrets
            .read_file("s.env", "a=1\ncanary-value-without-equals\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            "s.env:2: expected `REFERENCE=VALUE` (the line has no `=`)"
        );
        let mut secrets = Secrets::new(Vec::new(), []);
        let error = secrets
            .read_file("s.env", "a=1\na=2\n")
            .unwrap_err()
            .to_string();
        assert_eq!(error, "s.env:2: secret `a` is given twice");
    }

    #[test]
    fn digests_are_keyed_and_redaction_replaces_values() {
        let one = Secrets::new(b"one".to_vec(), []);
        let two = Secrets::new(b"two".to_vec(), []);
        let value = SecretValue::new("hunter2".into());
        assert_ne!(one.digest(&value), two.digest(&value));
        assert_eq!(one.digest(&value).len(), 64);
        let mut secrets = Secrets::new(Vec::new(), []);
        secrets.read_file("f", "a=hunter2\nb=hunter\n").unwrap();
        assert_eq!(
            secrets.redact("pw hunter2 and hunter"),
            "pw <redacted> and <redacted>"
        );
    }
}
