//! One file inside a realistic tree (the example project) ─► the whole
//! check ─► the human, JSON and SARIF renderers. Never a panic; the JSON
//! report is JSON.
#![no_main]

use landfall_check::{CheckInput, Preloaded, check_with};
use landfall_diagnostics::{ColorMode, SarifTool, SourceDb, Summary};
use libfuzzer_sys::fuzz_target;

const TREE: [(&str, &str); 3] = [
    (
        "application.yaml",
        include_str!("../../examples/shop/application.yaml"),
    ),
    (
        "platform.yaml",
        include_str!("../../examples/shop/platform.yaml"),
    ),
    (
        "scopetypes.yaml",
        include_str!("../../examples/shop/scopetypes.yaml"),
    ),
];

fuzz_target!(|text: &str| {
    let mut db = SourceDb::new();
    let mut inputs: Vec<CheckInput> = TREE
        .iter()
        .map(|(name, text)| CheckInput {
            file: db.add(name.to_string(), text.to_string()),
            explicit: false,
        })
        .collect();
    inputs.push(CheckInput {
        file: db.add("workloads/fuzzed.yaml".to_string(), text.to_string()),
        explicit: true,
    });
    let outcome = check_with(&mut db, &inputs, &Preloaded);
    let mut summary = Summary {
        files: outcome.files,
        documents: outcome.documents,
        ..Summary::default()
    };
    summary.count(&outcome.diagnostics);
    let _ =
        landfall_diagnostics::render_human(&outcome.diagnostics, &db, &summary, ColorMode::Never);
    let json = landfall_diagnostics::render_json(&outcome.diagnostics, &db, &summary);
    serde_json_check(json.as_bytes());
    let rules: Vec<landfall_diagnostics::RuleInfo> = landfall_check::registry()
        .into_iter()
        .map(landfall_diagnostics::RuleInfo::from)
        .collect();
    let _ = landfall_diagnostics::render_sarif(
        &outcome.diagnostics,
        &db,
        &SarifTool::new("0.0.0", &rules),
    );
});

fn serde_json_check(bytes: &[u8]) {
    assert!(std::str::from_utf8(bytes).is_ok());
    assert!(bytes.starts_with(b"{"));
}
