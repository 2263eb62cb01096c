//! Policy text ─► parse ─► type check. Never a panic; every finding's
//! span inside the text.
#![no_main]

use landfall_diagnostics::FileId;
use landfall_policy::{PolicySet, PolicySource};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let ids: Vec<&str> = landfall_check::registry().iter().map(|r| r.id).collect();
    let (_, diagnostics) = PolicySet::compile(
        &[PolicySource {
            file: FileId(0),
            text,
        }],
        &ids,
    );
    for diagnostic in &diagnostics {
        assert!(diagnostic.span.end as usize <= text.len());
    }
});
