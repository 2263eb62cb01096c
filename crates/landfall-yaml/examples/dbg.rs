fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    let p = landfall_yaml::parse(landfall_diagnostics::FileId(0), &text, &Default::default());
    println!("docs {}", p.documents.len());
    for d in p.diagnostics.iter().take(5) {
        println!("{} {}..{} {}", d.rule, d.span.start, d.span.end, d.message);
    }
    println!("diags {}", p.diagnostics.len());
}
