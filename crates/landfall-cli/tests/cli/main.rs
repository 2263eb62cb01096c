//! The CLI's tests: one test binary (`cargo test --test cli`), one module
//! per area, and what they share in [`support`]. Each test runs the real
//! `landfall` binary.
//!
//! Snapshots are in `snapshots/`, named `cli__<module>__<name>.snap`.

mod support;

mod baseline;
mod changed_files;
mod check;
mod config;
mod conventions;
mod dialects;
mod e2e_local;
mod e2e_targets;
mod fixes;
mod formats;
mod hostile;
mod lsp;
mod plan;
mod plan_out;
mod pre_commit;
mod same_verdict;
mod targets_lowered;
mod terminal_escapes;
mod writes;
