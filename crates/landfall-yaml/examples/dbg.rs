//! Prints the node spans of a YAML file: `cargo run -p landfall-yaml --example dbg FILE`.

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: dbg FILE");
        return;
    };
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let parsed = landfall_yaml::parse(landfall_diagnostics::FileId(0), &text, &Default::default());
    for document in &parsed.documents {
        dump(&text, &document.root, 0);
    }
    for d in &parsed.diagnostics {
        println!("{} {}..{} {}", d.rule, d.span.start, d.span.end, d.message);
    }
}

fn dump(text: &str, node: &landfall_yaml::Node, depth: usize) {
    let slice = text
        .get(node.start as usize..node.end as usize)
        .unwrap_or("?");
    println!("{}{:?}", "  ".repeat(depth), slice);
    for entry in node.as_map().unwrap_or_default() {
        dump(text, &entry.key, depth + 1);
        dump(text, &entry.value, depth + 2);
    }
    for item in node.as_seq().unwrap_or_default() {
        dump(text, item, depth + 1);
    }
}
