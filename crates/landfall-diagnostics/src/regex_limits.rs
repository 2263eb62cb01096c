//! The limits on every regular expression landfall compiles, wherever it
//! comes from: a spec's `versionRegexp`, a plan file's, a `pattern` (or a
//! `format: regex` value) in a ScopeType's parameter schema, a policy's
//! `matches`. One set of numbers, so that no path is looser than another:
//! every compile site builds through [`builder`] (the linear-time engine:
//! no pattern backtracks) and checks the length first, so that a megabyte
//! of pattern is refused before it is parsed; [`compile`] does both.

/// The longest pattern compiled, in characters.
pub const MAX_PATTERN_CHARS: usize = 1000;
/// `RegexBuilder::size_limit`: the compiled program, in bytes.
pub const SIZE_LIMIT: usize = 1 << 20;
/// `RegexBuilder::dfa_size_limit`: the lazy DFA's cache, in bytes.
pub const DFA_SIZE_LIMIT: usize = 2 << 20;
/// Parentheses, brackets and repetitions nested at most this deep.
pub const NEST_LIMIT: u32 = 64;

/// Why `pattern` is too long to compile, or `None`. Counts characters
/// only up to the limit, so a huge pattern costs nothing to refuse.
pub fn too_long(pattern: &str) -> Option<String> {
    if pattern.len() <= MAX_PATTERN_CHARS || pattern.chars().nth(MAX_PATTERN_CHARS).is_none() {
        return None;
    }
    Some(format!(
        "the regexp is {} characters long; the limit is {MAX_PATTERN_CHARS}",
        pattern.chars().count()
    ))
}

/// A `RegexBuilder` for `pattern` with the limits above.
pub fn builder(pattern: &str) -> regex::RegexBuilder {
    let mut builder = regex::RegexBuilder::new(pattern);
    builder
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(DFA_SIZE_LIMIT)
        .nest_limit(NEST_LIMIT);
    builder
}

/// Compiles `pattern` within the limits; why not, in words that never
/// repeat the pattern.
pub fn compile(pattern: &str) -> Result<regex::Regex, String> {
    if let Some(message) = too_long(pattern) {
        return Err(message);
    }
    builder(pattern).build().map_err(|error| match error {
        regex::Error::CompiledTooBig(limit) => format!(
            "the compiled regexp is larger than the limit of {} KiB",
            limit / 1024
        ),
        // The syntax error's last line says what is wrong, without
        // repeating the pattern.
        regex::Error::Syntax(text) => text.lines().last().unwrap_or_default().trim().to_string(),
        other => other.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_patterns_past_the_limit_are_too_long() {
        assert_eq!(too_long(&"a".repeat(MAX_PATTERN_CHARS)), None);
        // Characters, not bytes.
        assert_eq!(too_long(&"é".repeat(MAX_PATTERN_CHARS)), None);
        assert_eq!(
            too_long(&"a".repeat(MAX_PATTERN_CHARS + 1)).as_deref(),
            Some("the regexp is 1001 characters long; the limit is 1000")
        );
    }
}
