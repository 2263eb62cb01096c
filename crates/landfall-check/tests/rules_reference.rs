//! `docs/rules.md` is the registry rendered (`landfall_check::rules_reference`):
//! this test fails when a rule's text changed and the file did not. With
//! `LANDFALL_UPDATE_DOCS=1` it rewrites the file instead.

use std::path::Path;

#[test]
fn docs_rules_md_is_the_registry_rendered() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules.md");
    let rendered = landfall_check::rules_reference();
    if std::env::var_os("LANDFALL_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &rendered).unwrap();
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == rendered,
        "docs/rules.md is not the registry rendered: run `LANDFALL_UPDATE_DOCS=1 cargo test -p landfall-check --test rules_reference`"
    );
}
