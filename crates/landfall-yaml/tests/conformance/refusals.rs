//! The valid cases landfall refuses by decision, as `docs/yaml.md` lists
//! them: the test holds the product to the document, so neither drifts.

use std::collections::BTreeMap;

/// The heading of the section whose table lists the refused cases.
pub const SECTION: &str = "## Valid YAML that landfall refuses";

/// Case id to the rule that refuses it, from the section's table rows:
/// `` | `2XXW` | `yaml-syntax` | the reason | ``.
pub fn read(doc: &str) -> Result<BTreeMap<String, String>, String> {
    let section = doc
        .split_once(SECTION)
        .ok_or_else(|| format!("no section {SECTION:?}"))?
        .1;
    let section = section.split("\n## ").next().unwrap_or(section);
    let mut refused = BTreeMap::new();
    for row in section.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = row.trim_matches('|').split('|').map(str::trim).collect();
        let [case, rule, reason, ..] = cells[..] else {
            return Err(format!("a row without case, rule and reason: {row:?}"));
        };
        let unquote = |cell: &str| cell.trim_matches('`').to_string();
        if reason.is_empty() {
            return Err(format!("{case} is listed without a reason"));
        }
        if refused.insert(unquote(case), unquote(rule)).is_some() {
            return Err(format!("{case} is listed twice"));
        }
    }
    Ok(refused)
}
