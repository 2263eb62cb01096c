//! "Did you mean" for misspelled keys, names and values.

/// The candidate closest to `word`, if one is close enough to be a likely
/// typo (`imagee` → `image`, `stagging` → `staging`).
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        if candidate == word {
            continue;
        }
        let score = strsim::jaro_winkler(&word.to_lowercase(), &candidate.to_lowercase());
        let distance = strsim::levenshtein(word, candidate);
        let close = score >= 0.85 || distance <= (word.chars().count() / 3).max(1);
        // Ties go to the earlier candidate, so callers pass sorted lists.
        if close && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_close_words_only() {
        let fields = ["args", "command", "env", "image", "name", "ports"];
        assert_eq!(did_you_mean("imagee", fields), Some("image"));
        assert_eq!(did_you_mean("port", fields), Some("ports"));
        assert_eq!(did_you_mean("volumez", fields), None);
        assert_eq!(
            did_you_mean("stagging", ["production", "staging"]),
            Some("staging")
        );
    }
}
