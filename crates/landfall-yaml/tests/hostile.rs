//! Hostile inputs: each ends in a clean diagnostic, fast and in bounded
//! memory, without touching the call stack's depth.

// A counting allocator is the one exact way to see peak heap use from a test.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use landfall_diagnostics::FileId;
use landfall_yaml::{Limits, ParsedFile, parse};

struct Counting;
static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
// Tests run in parallel threads; measure one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const TIME_BUDGET: Duration = Duration::from_millis(100);
const MEMORY_BUDGET: usize = 50 * 1024 * 1024;

/// Parses `text` on a thread with a 2 MiB stack; returns the result, after
/// asserting the time and the peak heap beyond the input itself.
fn parse_hostile(make_text: impl FnOnce() -> String) -> ParsedFile {
    // Every test holds the lock for its whole run, so no other test's
    // allocations count towards this peak.
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let text = make_text();
    let handle = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let base = CURRENT.load(Ordering::Relaxed);
            PEAK.store(base, Ordering::Relaxed);
            let started = Instant::now();
            let parsed = parse(FileId(0), &text, &Limits::default());
            let elapsed = started.elapsed();
            let peak = PEAK.load(Ordering::Relaxed) - base;
            (parsed, elapsed, peak)
        })
        .unwrap();
    let (parsed, elapsed, peak) = handle.join().expect("parser thread panicked");
    assert!(elapsed < TIME_BUDGET, "took {elapsed:?}");
    assert!(peak < MEMORY_BUDGET, "peak heap {peak} bytes");
    parsed
}

/// The peak heap of parsing `text` on a thread of its own (time is the
/// benchmark's business: `bench/hostile.sh`).
fn parse_measuring_memory(text: &str) -> (ParsedFile, usize) {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let base = CURRENT.load(Ordering::Relaxed);
                PEAK.store(base, Ordering::Relaxed);
                let parsed = parse(FileId(0), text, &Limits::default());
                (parsed, PEAK.load(Ordering::Relaxed) - base)
            })
            .join()
            .expect("parser thread panicked")
    })
}

fn rules(parsed: &ParsedFile) -> Vec<&str> {
    parsed.diagnostics.iter().map(|d| d.rule.as_ref()).collect()
}

#[test]
fn alias_bomb_is_an_input_limit() {
    let mut text = String::from("a: &a [x,x,x,x,x,x,x,x,x]\n");
    let names = "abcdefghij";
    for (i, name) in names.chars().enumerate().skip(1) {
        let prev = names.chars().nth(i - 1).unwrap();
        let refs = vec![format!("*{prev}"); 9].join(",");
        text.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    let parsed = parse_hostile(|| text.clone());
    assert_eq!(rules(&parsed), ["input-limit"]);
    let d = &parsed.diagnostics[0];
    assert!(text[d.span.start as usize..].starts_with('*'));
}

#[test]
fn deep_flow_nesting_is_an_input_limit() {
    let parsed = parse_hostile(|| "[".repeat(1_000_000));
    assert_eq!(rules(&parsed), ["input-limit"]);
    assert!(parsed.diagnostics[0].span.start <= 256);
}

#[test]
fn deep_block_nesting_on_one_line_is_an_input_limit() {
    let parsed = parse_hostile(|| "- ".repeat(100_000) + "x\n");
    assert_eq!(rules(&parsed), ["input-limit"]);
}

#[test]
fn deep_block_nesting_by_indentation_is_an_input_limit() {
    // 100,000 levels by indentation would be 5 GB of spaces; the one-line
    // form above covers that depth, this covers the indented form.
    let parsed = parse_hostile(|| {
        (0..10_000)
            .map(|depth| format!("{}-\n", " ".repeat(depth)))
            .collect()
    });
    assert_eq!(rules(&parsed), ["input-limit"]);
}

#[test]
fn oversized_text_is_refused_before_parsing() {
    let parsed = parse_hostile(|| "a".repeat(100 * 1024 * 1024));
    assert_eq!(rules(&parsed), ["input-limit"]);
    assert_eq!(
        (
            parsed.diagnostics[0].span.start,
            parsed.diagnostics[0].span.end
        ),
        (0, 0)
    );
}

#[test]
fn too_many_documents_is_an_input_limit() {
    let parsed = parse_hostile(|| "---\na: 1\n".repeat(1_500));
    assert_eq!(parsed.documents.len(), 1_000);
    assert_eq!(rules(&parsed), ["input-limit"]);
}

#[test]
fn duplicate_keys_at_every_depth_are_each_reported() {
    let parsed = parse_hostile(|| {
        (0..100)
            .map(|depth| {
                let indent = "  ".repeat(depth);
                format!("{indent}k: 1\n{indent}k: 2\n{indent}m:\n")
            })
            .collect()
    });
    assert_eq!(parsed.diagnostics.len(), 100);
    assert!(rules(&parsed).iter().all(|r| *r == "duplicate-key"));
    assert!(parsed.diagnostics.iter().all(|d| d.labels.len() == 1));
}

#[test]
fn many_duplicate_keys_in_one_mapping_stay_linear() {
    let parsed = parse_hostile(|| {
        (0..40_000)
            .map(|i| format!("k{}: {i}\n", i % 20_000))
            .collect()
    });
    assert_eq!(parsed.diagnostics.len(), 20_000);
}

/// A Scope whose parameters hold 2 million nodes in under 4 MiB: refused
/// at the 250,001st node, before the tree grows past it.
#[test]
fn two_million_nodes_are_an_input_limit() {
    let mut text = String::from(
        "apiVersion: landfall.dev/v1\nkind: Scope\nmetadata: {name: s, application: a}\nspec:\n  type: t\n  parameters:\n    p: [",
    );
    text.push_str(&"1,".repeat(2_000_000));
    text.push_str("1]\n");
    let (parsed, peak) = parse_measuring_memory(&text);
    // The tree stops at 250,000 nodes: tens of bytes each, not 2 million.
    assert!(peak < 40 * 1024 * 1024, "peak heap {peak} bytes");
    assert_eq!(rules(&parsed), ["input-limit"]);
    assert_eq!(
        parsed.diagnostics[0].message,
        "file has more than 250000 nodes"
    );
    assert!(parsed.documents.is_empty());
}

#[test]
fn aliases_count_their_copies_towards_the_node_limit() {
    // Each alias copies 1,001 nodes; with the alias limit lifted, 300 of
    // them pass 250,000 nodes while the text has about 1,300.
    let mut text = format!("a: &a [{}]\nb:\n", "1,".repeat(1_000) + "1");
    for _ in 0..300 {
        text.push_str("  - *a\n");
    }
    let limits = Limits {
        max_alias_nodes: usize::MAX,
        ..Limits::default()
    };
    let parsed = parse(FileId(0), &text, &limits);
    assert_eq!(rules(&parsed), ["input-limit"], "{:?}", parsed.diagnostics);
    assert_eq!(
        parsed.diagnostics[0].message,
        "file has more than 250000 nodes"
    );
    assert!(text[parsed.diagnostics[0].span.start as usize..].starts_with("*a"));
}
