//! Whether human output is coloured: the `--color` flag and the
//! environment's conventions, decided in one place for every command.
//!
//! From strongest to weakest:
//! 1. `NO_COLOR` set and not empty: never (no-color.org; docs/cli.md
//!    makes it win over every `--color` value).
//! 2. `--color always` / `--color never`.
//! 3. `FORCE_COLOR` set and not empty (force-color.org: whatever its
//!    value), or `CLICOLOR_FORCE` set and not `0` (bixense's CLICOLOR
//!    convention): colour even when not writing to a terminal.
//! 4. `CLICOLOR=0`: no colour.
//! 5. Otherwise colour exactly when writing to a terminal.

use std::ffi::OsStr;

use crate::Color;

/// Whether output going to a terminal (`terminal`) or not is coloured.
pub fn enabled(choice: Color, terminal: bool) -> bool {
    decide(choice, terminal, |name| std::env::var_os(name))
}

fn decide<V: AsRef<OsStr>>(choice: Color, terminal: bool, var: impl Fn(&str) -> Option<V>) -> bool {
    let set = |name: &str| var(name).is_some_and(|v| !v.as_ref().is_empty());
    let is = |name: &str, value: &str| var(name).is_some_and(|v| v.as_ref() == value);
    if set("NO_COLOR") {
        return false;
    }
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto if set("FORCE_COLOR") => true,
        Color::Auto if set("CLICOLOR_FORCE") && !is("CLICOLOR_FORCE", "0") => true,
        Color::Auto if is("CLICOLOR", "0") => false,
        Color::Auto => terminal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &[(&str, &str)], choice: Color, terminal: bool) -> bool {
        decide(choice, terminal, |name| {
            vars.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
        })
    }

    #[test]
    fn auto_follows_the_terminal() {
        assert!(with(&[], Color::Auto, true));
        assert!(!with(&[], Color::Auto, false));
    }

    #[test]
    fn no_color_wins_over_everything() {
        for choice in [Color::Auto, Color::Always, Color::Never] {
            assert!(!with(
                &[("NO_COLOR", "1"), ("FORCE_COLOR", "1")],
                choice,
                true
            ));
        }
        // Empty means unset.
        assert!(with(&[("NO_COLOR", "")], Color::Auto, true));
    }

    #[test]
    fn force_color_colours_a_pipe_unless_the_flag_says_never() {
        assert!(with(&[("FORCE_COLOR", "1")], Color::Auto, false));
        assert!(with(&[("FORCE_COLOR", "0")], Color::Auto, false));
        assert!(!with(&[("FORCE_COLOR", "")], Color::Auto, false));
        assert!(!with(&[("FORCE_COLOR", "1")], Color::Never, false));
        assert!(with(&[("CLICOLOR_FORCE", "1")], Color::Auto, false));
        assert!(!with(&[("CLICOLOR_FORCE", "0")], Color::Auto, false));
    }

    #[test]
    fn clicolor_zero_turns_auto_off() {
        assert!(!with(&[("CLICOLOR", "0")], Color::Auto, true));
        assert!(with(&[("CLICOLOR", "1")], Color::Auto, true));
        assert!(with(
            &[("CLICOLOR", "0"), ("CLICOLOR_FORCE", "1")],
            Color::Auto,
            false
        ));
    }
}
