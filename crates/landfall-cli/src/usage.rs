//! Usage errors (an unknown flag, a bad value, a missing argument): the
//! exit status of docs/cli.md, `2`, except under `plan
//! --detailed-exitcode`, where `2` means "changes" and a command that could
//! not run exits `1`, as Terraform does with `-detailed-exitcode`.

use std::ffi::OsString;

use clap::error::{Error, ErrorKind};

/// Prints `error` as clap does and exits with the status its command
/// line calls for. `--help` and `--version` are not errors: they exit 0.
pub fn exit(error: &Error) -> ! {
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        error.exit();
    }
    if detailed_exitcode(std::env::args_os().skip(1)) {
        // Printing can fail only when standard error is gone; the status
        // is what matters then.
        let _ = error.print();
        std::process::exit(1);
    }
    error.exit()
}

/// Whether the command line is `plan … --detailed-exitcode …`: read from
/// the raw arguments, since clap could not parse them. Arguments after
/// `--` are paths, not flags.
fn detailed_exitcode(args: impl Iterator<Item = OsString>) -> bool {
    let args: Vec<OsString> = args.take_while(|a| a != "--").collect();
    let is_plan = args
        .iter()
        .find(|a| !a.to_string_lossy().starts_with('-'))
        .is_some_and(|a| a == "plan");
    is_plan
        && args.iter().any(|a| {
            let a = a.to_string_lossy();
            a == "--detailed-exitcode" || a.starts_with("--detailed-exitcode=")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detailed(line: &str) -> bool {
        detailed_exitcode(line.split_whitespace().map(OsString::from))
    }

    #[test]
    fn only_plan_with_the_flag_before_double_dash() {
        assert!(detailed("plan --detailed-exitcode --scpe a/b"));
        assert!(detailed("plan --scope a/b . --detailed-exitcode --bogus"));
        assert!(!detailed("plan --scope a/b --bogus"));
        assert!(!detailed("check --detailed-exitcode"));
        assert!(!detailed("plan --scope a/b -- --detailed-exitcode"));
    }
}
