//! A panic is an internal error, never a finding: the hook replaces Rust's
//! default message (and its exit status 101) with one line that says so,
//! where it happened and how to report it, and exits with status 2, "the
//! command could not run".
//!
//! `LANDFALL_DEBUG_PANIC` makes a debug build panic on purpose, so that a
//! test can prove the hook; release builds never read it, and nothing a
//! user writes reaches it.

use std::io::Write as _;
use std::panic::PanicHookInfo;

use crate::EXIT_CANNOT_RUN;

/// Installs the hook; called first thing in `main`.
pub fn install() {
    std::panic::set_hook(Box::new(report));
    #[cfg(debug_assertions)]
    if std::env::var_os("LANDFALL_DEBUG_PANIC").is_some() {
        panic!("LANDFALL_DEBUG_PANIC is set");
    }
}

fn report(info: &PanicHookInfo<'_>) {
    let message = info
        .payload()
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| info.payload().downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_string());
    let location = info
        .location()
        .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
        .unwrap_or_else(|| "an unknown place".to_string());
    // A panic on any thread (a rayon worker included) ends the process
    // here: stderr is written directly, and a closed stderr is ignored.
    let _ = writeln!(
        std::io::stderr(),
        "error: internal error: landfall panicked at {location}: {message}\n\
         note: this is a bug in landfall, not in your specs; please report it \
         with the command you ran, the landfall version ({version}) and, if you \
         can, the input that caused it",
        version = env!("CARGO_PKG_VERSION"),
    );
    std::process::exit(i32::from(EXIT_CANNOT_RUN));
}
