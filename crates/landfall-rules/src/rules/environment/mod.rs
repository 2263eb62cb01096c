//! Environment and volumes: one file per rule (and `invalid-cidr`, from
//! "Scopes" in `docs/rules.md`, which checks a workload's `expose` lists).

use super::Rule;

mod env_value_length;
mod invalid_cidr;
mod mount_path;
mod plaintext_secret;
mod reserved_env;
mod support;
mod volume_limit;
mod volume_uri;

/// The rules of this group, in the order of `docs/rules.md`.
pub static RULES: &[&dyn Rule] = &[
    &reserved_env::ReservedEnv,
    &env_value_length::EnvValueLength,
    &plaintext_secret::PlaintextSecret,
    &volume_limit::VolumeLimit,
    &volume_uri::VolumeUri,
    &mount_path::MountPath,
    &invalid_cidr::InvalidCidr,
];

#[cfg(test)]
mod tests {
    use landfall_diagnostics::{FileId, Span};
    use landfall_model::Spanned;

    /// Every string of up to four characters from an alphabet of the
    /// characters the parsers treat specially (and some multi-byte ones):
    /// no parser may panic on any of them.
    #[test]
    fn parsers_never_panic() {
        let alphabet = [
            '1', '0', '9', '.', ':', '/', 'a', 'f', '%', 'é', ' ', '"', '\'', '$', '{', '}', '_',
            'K', '\\', '\n',
        ];
        let mut strings = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..4 {
            let next: Vec<String> = last
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            strings.extend(next.iter().cloned());
            last = next;
        }
        for s in &strings {
            let _ = super::invalid_cidr::parse_cidr(s);
            let _ = super::volume_uri::parse_uri(s);
            let _ = super::plaintext_secret::secret_word(s);
            let _ = super::mount_path::dot_dot(s);
            let _ = super::mount_path::normalize(s);
            let _ = super::support::literal_length(s);
            let len = u32::try_from(s.len()).unwrap_or(u32::MAX);
            let value = Spanned::new(s.clone(), Span::new(FileId(0), 3, 3 + len));
            for end in 0..=s.len() {
                let span = landfall_yaml::value_range_span(s, value.span, s, 0..end);
                assert!(span.start <= span.end && span.end <= 3 + len, "{s:?}");
            }
        }
    }
}
