//! Workload types and scaling: one file per rule.

use super::Rule;

/// The rules of this group, in the order of `rules.md`.
pub static RULES: &[&dyn Rule] = &[];
