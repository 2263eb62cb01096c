//! A schema fault is one finding: no rule reports it again, nor judges the
//! faulty field by its absence. Each rule says which fields it reads
//! (`Rule::reads`), and the pipeline runs it on a document that failed its
//! schema only when no fault touches them; this test holds the rules to
//! what they say.
//!
//! For every valid tree at hand (each rule's documented examples, the
//! example project, the passing corpus cases), every field of every
//! document is in turn taken away and marked as a schema fault, as a value
//! of the wrong shape is: the checker must then report nothing it did not
//! report for the whole tree. A rule that reads a field it does not declare
//! finds something new once the field is gone (a cron workload "without a
//! `job`", a timeout "not below the default period"), and fails here.
//!
//! And since a rule now judges documents that failed their schema, every
//! rule runs on every document of the corpus, the failing cases included,
//! as if nothing had failed: none may panic on what the model left out.

use std::path::{Path, PathBuf};

use landfall_check::dialect::{Dialect, Output, Source};
use landfall_check::{CheckInput, CheckOptions, Preloaded, check_with_options, registry};
use landfall_diagnostics::{Diagnostic, DocumentOutline, FileId, SourceDb, Span};
use landfall_model::{Envelope, SchemaFaults, build, classify};
use landfall_schema::Kind;
use landfall_yaml::{Node, Value};

/// One field taken away: of the document at `index` of the file `file`.
#[derive(Clone, Debug)]
struct Taken {
    file: String,
    index: usize,
    pointer: String,
}

/// landfall's own format without its schema stage (the trees are valid),
/// taking one field away from one document and marking it as the fault.
struct Faulty {
    taken: Option<Taken>,
}

impl Dialect for Faulty {
    fn name(&self) -> &'static str {
        "faulty"
    }

    fn detect(&self, _source: &Source<'_>) -> bool {
        true
    }

    fn read<'a>(&self, source: &Source<'a>, out: &mut Output<'a>) {
        for document in source.documents {
            let Envelope::Landfall(kind) = classify(source.file, &document.root) else {
                continue;
            };
            out.recognise(DocumentOutline {
                index: document.index,
                kind: Some(kind.as_str()),
                name: None,
                span: Span::new(source.file, document.root.start, document.root.end),
            });
            let taken = self
                .taken
                .as_ref()
                .filter(|t| t.file == source.name && t.index == document.index);
            let mut root = document.root.clone();
            if let Some(taken) = taken {
                assert!(take(&mut root, &taken.pointer), "{taken:?} is in the tree");
            }
            let (mut loaded, found) = build(
                source.file,
                source.text,
                document.index,
                kind,
                &root,
                taken.is_none(),
            );
            if let Some(taken) = taken {
                loaded.faults = SchemaFaults::At(vec![taken.pointer.clone()]);
            }
            out.diagnostics(found);
            out.document(loaded, None);
        }
    }

    fn claims_broken(&self, _text: &str) -> bool {
        true
    }

    fn foreign_file(&self, file: FileId) -> Diagnostic {
        landfall_check::dialect::registry()[0].foreign_file(file)
    }
}

/// Removes the node at `pointer` from its mapping or list.
fn take(root: &mut Node, pointer: &str) -> bool {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return false;
    };
    let unescape = |s: &str| s.replace("~1", "/").replace("~0", "~");
    let last = unescape(last);
    let mut node = root;
    for segment in parent.split('/').skip(1).map(unescape) {
        node = match &mut node.value {
            Value::Map(entries) => match entries.iter_mut().find(|e| e.key.key_text() == segment) {
                Some(entry) => &mut entry.value,
                None => return false,
            },
            Value::Seq(items) => match segment.parse::<usize>().ok().and_then(|i| items.get_mut(i))
            {
                Some(item) => item,
                None => return false,
            },
            _ => return false,
        };
    }
    match &mut node.value {
        Value::Map(entries) => {
            let before = entries.len();
            entries.retain(|e| e.key.key_text() != last);
            entries.len() < before
        }
        Value::Seq(items) => match last.parse::<usize>() {
            Ok(i) if i < items.len() => {
                items.remove(i);
                true
            }
            _ => false,
        },
        _ => false,
    }
}

/// The pointer of every field and list item below `node`, except a
/// document's `apiVersion` and `kind` (which decide whether it is one).
fn pointers(node: &Node, at: &str, out: &mut Vec<String>) {
    match &node.value {
        Value::Map(entries) => {
            for entry in entries {
                let key = entry.key.key_text();
                if at.is_empty() && (key == "apiVersion" || key == "kind") {
                    continue;
                }
                let pointer = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                pointers(&entry.value, &pointer, out);
                out.push(pointer);
            }
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                let pointer = format!("{at}/{i}");
                pointers(item, &pointer, out);
                out.push(pointer);
            }
        }
        _ => {}
    }
}

/// What the checker reports for the tree, one field taken away or none:
/// rule, file and where, sorted.
fn findings(files: &[(String, String)], taken: Option<Taken>) -> Vec<(String, String, u32)> {
    let mut db = SourceDb::new();
    let inputs: Vec<CheckInput> = files
        .iter()
        .map(|(name, text)| CheckInput {
            file: db.add(name.as_str(), text.as_str()),
            explicit: false,
        })
        .collect();
    // The checker wants dialects for the whole run: a few bytes each, leaked.
    let dialect: &'static dyn Dialect = Box::leak(Box::new(Faulty { taken }));
    let dialects: &'static [&'static dyn Dialect] = Box::leak(Box::new([dialect]));
    let outcome = check_with_options(
        &mut db,
        &inputs,
        &Preloaded,
        CheckOptions {
            dialects,
            ..CheckOptions::default()
        },
    );
    let mut found: Vec<(String, String, u32)> = outcome
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.rule.to_string(),
                db.file(d.span.file).name().to_string(),
                d.span.start,
            )
        })
        .collect();
    found.sort();
    found
}

/// Every field of every landfall document of the tree, taken away in turn.
fn every_field(files: &[(String, String)]) -> Vec<Taken> {
    let mut all = Vec::new();
    for (name, text) in files {
        let parsed = landfall_yaml::parse(FileId(0), text, &Default::default());
        for document in &parsed.documents {
            let Envelope::Landfall(kind) = classify(FileId(0), &document.root) else {
                continue;
            };
            let mut found = Vec::new();
            pointers(&document.root, "", &mut found);
            // A rule level that failed the schema leaves the rule at its
            // default level, as if it were not set: a setting, not a
            // finding judged by absence.
            if kind == Kind::Platform {
                found.retain(|p| {
                    !"/spec/rules/".starts_with(&format!("{p}/")) && !p.starts_with("/spec/rules/")
                });
            }
            all.extend(found.into_iter().map(|pointer| Taken {
                file: name.clone(),
                index: document.index,
                pointer,
            }));
        }
    }
    all
}

/// The problems of one tree: fields whose absence, as a fault, makes the
/// checker report something new.
fn cascades(tree: &str, files: &[(String, String)]) -> Vec<String> {
    let whole = findings(files, None);
    let mut problems = Vec::new();
    for taken in every_field(files) {
        let found = findings(files, Some(taken.clone()));
        let new: Vec<&(String, String, u32)> =
            found.iter().filter(|f| !whole.contains(f)).collect();
        if !new.is_empty() {
            problems.push(format!(
                "{tree}: a fault at {}#{} {} gives {new:?}",
                taken.file, taken.index, taken.pointer
            ));
        }
    }
    problems
}

/// The body of the first fenced block whose info string is `info`.
fn fenced<'a>(docs: &'a str, info: &str) -> Option<&'a str> {
    let open = format!("```{info}\n");
    let start = docs.find(&open)? + open.len();
    let end = start + docs[start..].find("\n```")?;
    Some(&docs[start..=end])
}

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The YAML files below `dir`, named by their path in it.
fn tree(dir: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                let name = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                files.push((name, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn no_rule_judges_a_field_that_failed_its_schema_in_the_documented_examples() {
    let mut problems = Vec::new();
    for rule in registry() {
        // Policy files are not read here: the policy rules' examples need them.
        if rule.docs.contains("```policy") {
            continue;
        }
        for block in ["yaml fail", "yaml pass"] {
            if let Some(text) = fenced(rule.docs, block) {
                let files = [("example.yaml".to_string(), text.to_string())];
                problems.extend(cascades(&format!("{} ({block})", rule.id), &files));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_rule_judges_a_field_that_failed_its_schema_in_the_example_project() {
    let files = tree(&repository().join("examples/shop"));
    assert!(files.len() > 5);
    let problems = cascades("examples/shop", &files);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_rule_judges_a_field_that_failed_its_schema_in_the_passing_corpus_cases() {
    let root = repository().join("corpus/rules");
    let mut problems = Vec::new();
    let mut cases = 0;
    let mut rules: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    rules.sort();
    for rule in rules {
        for entry in std::fs::read_dir(&rule).unwrap().flatten() {
            let case = entry.path();
            let name = case.file_name().unwrap().to_string_lossy().into_owned();
            if !case.is_dir() || !name.starts_with("pass") {
                continue;
            }
            let files = tree(&case);
            // A passing case that needs its policy files is the policies'.
            if files.iter().any(|(_, text)| text.contains("policies:")) {
                continue;
            }
            cases += 1;
            let label = case.strip_prefix(&root).unwrap().display().to_string();
            problems.extend(cascades(&label, &files));
        }
    }
    assert!(cases > 20, "{cases} passing cases");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every folder below `dir` that holds YAML files.
fn cases(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut has_yaml = false;
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            cases(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            has_yaml = true;
        }
    }
    if has_yaml {
        out.push(dir.to_path_buf());
    }
}

#[test]
fn no_rule_panics_on_what_failed_its_schema() {
    // Every document of every corpus case, the failing ones included, built
    // as if it had passed its schema: every rule judges every field, even
    // those of the wrong shape, which the model leaves out.
    let mut all = Vec::new();
    cases(&repository().join("corpus"), &mut all);
    all.sort();
    assert!(all.len() > 150, "{} cases", all.len());
    for case in all {
        let files = tree(&case);
        let result = std::panic::catch_unwind(|| findings(&files, None));
        assert!(result.is_ok(), "a rule panicked on {}", case.display());
    }
}
