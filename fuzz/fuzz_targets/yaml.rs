//! YAML text ─► the front end: the node tree and its findings, within the
//! limits, never a panic; every span inside the text.
#![no_main]

use landfall_diagnostics::FileId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let parsed = landfall_yaml::parse(FileId(0), text, &landfall_yaml::Limits::default());
    for diagnostic in &parsed.diagnostics {
        assert!(diagnostic.span.start <= diagnostic.span.end);
        assert!(diagnostic.span.end as usize <= text.len());
    }
    for document in &parsed.documents {
        assert!(document.root.end as usize <= text.len());
        let _ = document.root.to_json();
    }
});
