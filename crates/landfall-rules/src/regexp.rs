//! `versionRegexp`: compiling it (with the error's place in the pattern)
//! and deciding exactly whether the versions one set of regexps matches are
//! all matched by another.
//!
//! The syntax is the Rust `regex` crate's. A regexp is matched against the
//! whole running version, as if written `^(?:…)$`. Running versions are
//! always valid versions (`^[a-zA-Z0-9\-.+]+$`, checked by
//! `invalid-version`), so "the versions a regexp matches" is its language
//! intersected with that set; both sides of the inclusion are restricted to
//! it, which also keeps the automata small (seven-bit, 65 letters).

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock};

use regex_automata::dfa::{Automaton, StartKind, dense};
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::util::primitives::StateID;
use regex_automata::util::start;
use regex_automata::{Anchored, MatchKind};
use regex_syntax::ast::{self, parse::ParserBuilder};
use regex_syntax::hir::translate::TranslatorBuilder;
use regex_syntax::hir::{
    Class, ClassBytes, ClassBytesRange, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Look,
    Repetition,
};

// The limits every regexp landfall compiles shares.
pub use landfall_diagnostics::regex_limits::{MAX_PATTERN_CHARS, NEST_LIMIT};

/// Why a pattern does not compile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegexpError {
    /// What is wrong, e.g. `unclosed group`.
    pub message: String,
    /// Where, in bytes of the pattern; `None`: the pattern as a whole.
    pub at: Option<Range<usize>>,
    /// A second place the error refers to (the first of two duplicate names).
    pub also: Option<Range<usize>>,
    /// A limit of this module was passed (length, nesting, size), not the
    /// syntax broken.
    pub limit: bool,
}

impl RegexpError {
    fn limit(message: String) -> Self {
        RegexpError {
            message,
            at: None,
            also: None,
            limit: true,
        }
    }
}

/// Distinct keys remembered per process at most, per memo; past it, patterns are
/// compiled each time they are met.
const MEMO_LIMIT: usize = 10_000;

/// A per-process memo of a pure function of a pattern: trees copy the same
/// regexps across many Applications, and each costs far more to compile
/// than to look up.
pub(super) struct Memo<K, T>(OnceLock<Mutex<HashMap<K, T>>>);

impl<K: Hash + Eq, T: Clone> Memo<K, T> {
    pub(super) const fn new() -> Self {
        Memo(OnceLock::new())
    }

    /// The remembered value, or `make`'s, remembered when `keep` says so.
    pub(super) fn get_or<Q>(&self, key: &Q, make: impl FnOnce() -> T, keep: fn(&T) -> bool) -> T
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        let map = self.0.get_or_init(Mutex::default);
        if let Some(found) = map.lock().ok().and_then(|m| m.get(key).cloned()) {
            return found;
        }
        let made = make();
        if keep(&made)
            && let Ok(mut m) = map.lock()
            && m.len() < MEMO_LIMIT
        {
            m.insert(key.to_owned(), made.clone());
        }
        made
    }
}

/// Why [`compile`] refuses `pattern`, if it does; remembered per pattern.
pub fn compile_error_cached(pattern: &str) -> Option<RegexpError> {
    static MEMO: Memo<String, Option<RegexpError>> = Memo::new();
    MEMO.get_or(pattern, || compile(pattern).err(), |_| true)
}

/// The automaton of a pattern's valid versions, remembered per pattern;
/// `None` when the pattern does not compile or its automaton is too large.
/// A remembered automaton costs the budget nothing: it is not built again.
/// A `None` is not remembered: it may come from the budget of one
/// Application, which another's does not share.
pub fn versions_cached(pattern: &str, budget: &mut Budget) -> Option<Arc<Versions>> {
    static MEMO: Memo<String, Option<Arc<Versions>>> = Memo::new();
    MEMO.get_or(
        pattern,
        || {
            let hir = restrict(&compile(pattern).ok()?);
            Versions::new(&hir, budget).map(Arc::new)
        },
        Option::is_some,
    )
}

/// Compiles `pattern` as the `regex` crate would, within the limits above;
/// the pattern's syntax tree on success.
pub fn compile(pattern: &str) -> Result<Hir, RegexpError> {
    if let Some(message) = landfall_diagnostics::regex_limits::too_long(pattern) {
        return Err(RegexpError::limit(message));
    }
    let ast = ParserBuilder::new()
        .nest_limit(NEST_LIMIT)
        .build()
        .parse(pattern)
        .map_err(|e| {
            let limit = matches!(e.kind(), ast::ErrorKind::NestLimitExceeded(_));
            RegexpError {
                message: if limit {
                    format!("parentheses, brackets and repetitions are nested more than {NEST_LIMIT} deep")
                } else {
                    e.kind().to_string()
                },
                at: Some(widen(pattern, e.span().start.offset..e.span().end.offset)),
                also: e
                    .auxiliary_span()
                    .map(|s| widen(pattern, s.start.offset..s.end.offset)),
                limit,
            }
        })?;
    let hir = TranslatorBuilder::new()
        .build()
        .translate(pattern, &ast)
        .map_err(|e| RegexpError {
            message: e.kind().to_string(),
            at: Some(widen(pattern, e.span().start.offset..e.span().end.offset)),
            also: None,
            limit: false,
        })?;
    match landfall_diagnostics::regex_limits::builder(pattern).build() {
        Ok(_) => Ok(hir),
        Err(regex::Error::CompiledTooBig(limit)) => Err(RegexpError::limit(format!(
            "the compiled regexp is larger than the limit of {} KiB",
            limit / 1024
        ))),
        // The parser above has found every syntax error the crate would.
        Err(e) => Err(RegexpError {
            message: e.to_string(),
            at: None,
            also: None,
            limit: false,
        }),
    }
}

/// An empty range as the character it stands before (or the last one).
fn widen(pattern: &str, range: Range<usize>) -> Range<usize> {
    if range.start < range.end || pattern.is_empty() {
        return range;
    }
    let at = range.start.min(pattern.len());
    match pattern.get(at..).and_then(|s| s.chars().next()) {
        Some(c) => at..at + c.len_utf8(),
        None => match pattern.char_indices().next_back() {
            Some((i, c)) => i..i + c.len_utf8(),
            None => range,
        },
    }
}

// ------------------------------------------------------------ inclusion

/// The letters of a version: `[a-zA-Z0-9\-.+]`.
fn is_version_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'+')
}

const VERSION_RANGES: [(u8, u8); 5] = [
    (b'+', b'+'),
    (b'-', b'.'),
    (b'0', b'9'),
    (b'A', b'Z'),
    (b'a', b'z'),
];

/// `hir` restricted to strings over the version letters: classes are
/// intersected with them, literals outside them never match, and Unicode
/// word boundaries become ASCII ones (the same on ASCII text). Captures
/// are dropped. The language is exactly L(hir) ∩ [a-zA-Z0-9\-.+]*.
pub fn restrict(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(lit) => {
            if lit.0.iter().all(|&b| is_version_byte(b)) {
                Hir::literal(lit.0.clone())
            } else {
                Hir::fail()
            }
        }
        HirKind::Class(Class::Unicode(class)) => {
            let mut class = class.clone();
            class.intersect(&ClassUnicode::new(
                VERSION_RANGES
                    .iter()
                    .map(|&(a, b)| ClassUnicodeRange::new(char::from(a), char::from(b))),
            ));
            Hir::class(Class::Unicode(class))
        }
        HirKind::Class(Class::Bytes(class)) => {
            let mut class = class.clone();
            class.intersect(&ClassBytes::new(
                VERSION_RANGES
                    .iter()
                    .map(|&(a, b)| ClassBytesRange::new(a, b)),
            ));
            Hir::class(Class::Bytes(class))
        }
        HirKind::Look(look) => Hir::look(match look {
            Look::WordUnicode => Look::WordAscii,
            Look::WordUnicodeNegate => Look::WordAsciiNegate,
            Look::WordStartUnicode => Look::WordStartAscii,
            Look::WordEndUnicode => Look::WordEndAscii,
            Look::WordStartHalfUnicode => Look::WordStartHalfAscii,
            Look::WordEndHalfUnicode => Look::WordEndHalfAscii,
            other => *other,
        }),
        HirKind::Repetition(rep) => Hir::repetition(Repetition {
            min: rep.min,
            max: rep.max,
            greedy: rep.greedy,
            sub: Box::new(restrict(&rep.sub)),
        }),
        HirKind::Capture(cap) => restrict(&cap.sub),
        HirKind::Concat(subs) => Hir::concat(subs.iter().map(restrict).collect()),
        HirKind::Alternation(subs) => Hir::alternation(subs.iter().map(restrict).collect()),
    }
}

/// The NFA and DFA size limits of one regexp's automaton; past them the
/// regexp is not compared (and nothing is reported about it).
const NFA_LIMIT: usize = 1 << 20;
const AUTOMATON_LIMIT: usize = 1 << 20;
/// States of the product one search visits at most.
const MAX_STATES: usize = 200_000;

/// Work left for the inclusion checks of one document: bytes of automata
/// built, and steps of product searches (a step is one transition of one
/// automaton). Once either is spent, every further question is answered
/// "unknown", so a hostile list costs a bounded time.
pub struct Budget {
    automaton_bytes: usize,
    steps: usize,
}

impl Budget {
    pub fn new(automaton_bytes: usize, steps: usize) -> Self {
        Budget {
            automaton_bytes,
            steps,
        }
    }

    /// Takes `cost` from `left`; false (and nothing left) when there was
    /// not enough.
    fn spend(left: &mut usize, cost: usize) -> bool {
        match left.checked_sub(cost) {
            Some(rest) => {
                *left = rest;
                true
            }
            None => {
                *left = 0;
                false
            }
        }
    }

    pub fn is_spent(&self) -> bool {
        self.automaton_bytes == 0 || self.steps == 0
    }
}

/// A DFA that accepts exactly the versions a regexp matches as a whole.
pub struct Versions {
    dfa: dense::DFA<Vec<u32>>,
}

impl Versions {
    /// From a syntax tree already passed through [`restrict`]. `None` when
    /// the automaton would pass its size limit or the budget.
    pub fn new(restricted: &Hir, budget: &mut Budget) -> Option<Versions> {
        if budget.is_spent() {
            return None;
        }
        let nfa = thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .nfa_size_limit(Some(NFA_LIMIT))
                    .which_captures(WhichCaptures::None),
            )
            .build_from_hir(restricted)
            .ok()?;
        let built = dense::Builder::new()
            .configure(
                dense::Config::new()
                    .match_kind(MatchKind::All)
                    .start_kind(StartKind::Anchored)
                    .dfa_size_limit(Some(AUTOMATON_LIMIT))
                    .determinize_size_limit(Some(AUTOMATON_LIMIT)),
            )
            .build_from_nfa(&nfa);
        // Building costs about what it makes, or the limit when it gives up.
        let cost = nfa.memory_usage()
            + built
                .as_ref()
                .map_or(AUTOMATON_LIMIT, |dfa| dfa.memory_usage());
        if !Budget::spend(&mut budget.automaton_bytes, cost) {
            return None;
        }
        Some(Versions { dfa: built.ok()? })
    }

    fn start(&self) -> Option<StateID> {
        let state = self
            .dfa
            .start_state(&start::Config::new().anchored(Anchored::Yes))
            .ok()?;
        (!self.dfa.is_quit_state(state)).then_some(state)
    }

    /// Whether the input read so far, ending here, is matched as a whole.
    fn accepts(&self, state: StateID) -> bool {
        self.dfa.is_match_state(self.dfa.next_eoi_state(state))
    }
}

/// What the product search found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Search {
    /// A version that `of` matches and that the others match (`both`) or
    /// do not match (`!both`).
    Found(String),
    /// There is none.
    None,
    /// The search gave up (too many states, or the budget is spent).
    Unknown,
}

/// Looks for a valid version matched by `of` and also matched by at least
/// one of `others` (`both`), or by none of them (`!both`).
///
/// The product walks the automata side by side: a state is the tuple of
/// their states (the union of the others needs no automaton of its own:
/// its states are exactly the reachable tuples of theirs) and whether a
/// letter has been read (versions are not empty). Breadth first, so the
/// version found is a shortest one.
pub fn search(of: &Versions, others: &[&Versions], both: bool, budget: &mut Budget) -> Search {
    let Some(first) = of.start() else {
        return Search::Unknown;
    };
    let mut start = vec![first.as_u32()];
    for other in others {
        match other.start() {
            Some(s) => start.push(s.as_u32()),
            None => return Search::Unknown,
        }
    }
    let automata: Vec<&Versions> = std::iter::once(of).chain(others.iter().copied()).collect();
    let state = |raw: u32| StateID::new(raw as usize).unwrap_or(StateID::ZERO);

    // One representative byte per class of all the automata, version
    // letters only: every other byte leads nowhere.
    let mut letters: Vec<u8> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for b in (0..=255u8).filter(|&b| is_version_byte(b)) {
        let key: Vec<u8> = automata
            .iter()
            .map(|v| v.dfa.byte_classes().get(b))
            .collect();
        if seen.insert(key) {
            letters.push(b);
        }
    }
    let step_cost = letters.len() * automata.len();

    // Each node: the tuple (the last element is 1 once a letter was read),
    // its parent and the byte that led to it.
    let mut nodes = Nodes::new(start.len() + 1);
    start.push(0);
    nodes.insert(&start, usize::MAX, 0);
    let mut tuple = Vec::with_capacity(start.len());
    let mut to = Vec::with_capacity(start.len());
    let mut next = 0;
    while next < nodes.len() {
        let current = next;
        next += 1;
        tuple.clear();
        tuple.extend_from_slice(nodes.tuple(current));
        let nonempty = tuple[automata.len()] == 1;
        if nonempty && of.accepts(state(tuple[0])) {
            let other_accepts = others
                .iter()
                .zip(&tuple[1..])
                .any(|(o, &s)| o.accepts(state(s)));
            if other_accepts == both {
                return Search::Found(nodes.witness(current));
            }
        }
        if !Budget::spend(&mut budget.steps, step_cost) {
            return Search::Unknown;
        }
        'letters: for &b in &letters {
            to.clear();
            let mut others_alive = false;
            for (i, (v, &s)) in automata.iter().zip(&tuple).enumerate() {
                let n = v.dfa.next_state(state(s), b);
                if v.dfa.is_quit_state(n) {
                    return Search::Unknown;
                }
                let dead = v.dfa.is_dead_state(n);
                if i == 0 && dead {
                    continue 'letters;
                }
                others_alive |= i > 0 && !dead;
                to.push(n.as_u32());
            }
            // An intersection needs one of the others alive.
            if both && !others_alive {
                continue;
            }
            to.push(1);
            if !nodes.contains(&to) {
                if nodes.is_full() {
                    return Search::Unknown;
                }
                nodes.insert(&to, current, b);
            }
        }
    }
    Search::None
}

/// The product's states, each tuple stored once: in one flat arena, found
/// again through its hash and a chain of the nodes that share it.
struct Nodes {
    width: usize,
    tuples: Vec<u32>,
    /// Parent and byte of each node.
    links: Vec<(usize, u8)>,
    /// The previous node with the same hash.
    chain: Vec<usize>,
    heads: HashMap<u64, usize>,
}

/// Tuple cells (u32) one search may hold: 16 MiB.
const MAX_CELLS: usize = 4 << 20;

impl Nodes {
    fn new(width: usize) -> Self {
        Nodes {
            width,
            tuples: Vec::new(),
            links: Vec::new(),
            chain: Vec::new(),
            heads: HashMap::new(),
        }
    }

    fn len(&self) -> usize {
        self.links.len()
    }

    fn is_full(&self) -> bool {
        self.len() >= MAX_STATES || self.tuples.len() + self.width > MAX_CELLS
    }

    fn tuple(&self, node: usize) -> &[u32] {
        &self.tuples[node * self.width..(node + 1) * self.width]
    }

    fn hash(tuple: &[u32]) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        tuple.hash(&mut h);
        h.finish()
    }

    fn contains(&self, tuple: &[u32]) -> bool {
        let mut at = self.heads.get(&Self::hash(tuple)).copied();
        while let Some(node) = at {
            if self.tuple(node) == tuple {
                return true;
            }
            at = Some(self.chain[node]).filter(|&n| n != usize::MAX);
        }
        false
    }

    fn insert(&mut self, tuple: &[u32], parent: usize, byte: u8) {
        let node = self.len();
        self.tuples.extend_from_slice(tuple);
        self.links.push((parent, byte));
        let previous = self.heads.insert(Self::hash(tuple), node);
        self.chain.push(previous.unwrap_or(usize::MAX));
    }

    /// The bytes that lead from the start to `node`.
    fn witness(&self, mut node: usize) -> String {
        let mut bytes = Vec::new();
        while node != 0 && node < self.len() {
            let (parent, byte) = self.links[node];
            bytes.push(byte);
            node = parent;
        }
        bytes.reverse();
        // Version letters are ASCII.
        bytes.into_iter().map(char::from).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unlimited() -> Budget {
        Budget::new(usize::MAX, usize::MAX)
    }

    fn versions(pattern: &str) -> Versions {
        let hir = restrict(&compile(pattern).expect("compiles"));
        Versions::new(&hir, &mut unlimited()).expect("builds")
    }

    /// Whether every version `later` matches is matched by one of `earlier`.
    fn covered(later: &str, earlier: &[&str]) -> Search {
        let others: Vec<Versions> = earlier.iter().map(|p| versions(p)).collect();
        let refs: Vec<&Versions> = others.iter().collect();
        search(&versions(later), &refs, false, &mut unlimited())
    }

    fn is_covered(later: &str, earlier: &[&str]) -> bool {
        match covered(later, earlier) {
            Search::None => true,
            Search::Found(_) => false,
            Search::Unknown => panic!("unknown"),
        }
    }

    #[test]
    fn inclusion_is_decided_exactly() {
        assert!(is_covered(r"2\.4\..*", &[r"2\..*"]));
        assert!(!is_covered(r"2\..*", &[r"2\.4\..*"]));
        assert!(is_covered(r"(1|2)\..*", &[r"1\..*", r"2\..*"]));
        assert!(!is_covered(r"(1|2|3)\..*", &[r"1\..*", r"2\..*"]));
        assert!(is_covered(r"2\.4\.[0-9]+", &[r"2\.4\..*"]));
        assert!(!is_covered(r".*", &[r"2\..*"]));
        // Avassa's example list: a later `2\.4\.1` is covered by `2\.4\..*`.
        assert!(is_covered(
            r"2\.4\.1",
            &[r"2\.4\..*", r"2\.3\..*", r"2\..*"]
        ));
        assert!(!is_covered(r"3\..*", &[r"2\.4\..*", r"2\.3\..*", r"2\..*"]));
    }

    #[test]
    fn a_duplicate_is_covered() {
        assert!(is_covered(r"2\.4\..*", &[r"2\.4\..*"]));
        assert!(is_covered(r"2\.(4|3)\..*", &[r"2\.(3|4)\..*"]));
    }

    #[test]
    fn regexps_match_the_whole_version() {
        // Unanchored, `2` would find `2.4` in `12.4.0`; as a whole-version
        // match it matches only the version `2`.
        assert!(!is_covered(r"12\.4\.0", &[r"2"]));
        assert!(is_covered(r"2", &[r"^2$"]));
        assert!(is_covered(r"^2\..*$", &[r"2\..*"]));
        assert!(is_covered(r"2\..*", &[r"^2\..*$"]));
    }

    #[test]
    fn only_valid_versions_count() {
        // `.*` also matches the empty string and `a b`, which no version is.
        assert!(is_covered(r".*", &[r"[a-zA-Z0-9.+-]+"]));
        assert!(is_covered(r".+", &[r"[^ ]+"]));
        // `_` is a word character but not a version letter.
        assert!(is_covered(r"\w+", &[r"[a-zA-Z0-9]+"]));
        assert!(!is_covered(r"[\w.]+", &[r"[a-zA-Z0-9]+"]));
        // A regexp that matches no version is covered by nothing at all.
        assert!(is_covered(r"2\.4 beta", &[]));
        assert!(is_covered(r"", &[]));
        assert!(is_covered("\u{e9}", &[]));
        assert!(!is_covered(r"2", &[]));
    }

    #[test]
    fn unicode_and_word_boundaries_are_exact_on_versions() {
        assert!(is_covered(r"\b2\b\..*", &[r"2\..*"]));
        assert!(is_covered(r"(?i)v2\..*", &[r"[vV]2\..*"]));
        assert!(!is_covered(r"(?i)v2\..*", &[r"v2\..*"]));
        assert!(is_covered(r"\d+", &[r"[0-9]+"]));
    }

    #[test]
    fn witnesses_are_versions_the_later_matches_and_the_earlier_do_not() {
        let Search::Found(w) = covered(r"2\..*", &[r"2\.4\..*"]) else {
            panic!("expected a witness");
        };
        let later = regex::Regex::new(r"^(?:2\..*)$").unwrap();
        let earlier = regex::Regex::new(r"^(?:2\.4\..*)$").unwrap();
        assert!(later.is_match(&w) && !earlier.is_match(&w), "{w}");
        assert_eq!(w, "2.");
    }

    #[test]
    fn intersection() {
        let a = versions(r"2\..*");
        let b = versions(r".*\.4\..*");
        let c = versions(r"3\..*");
        assert_eq!(
            search(&a, &[&b], true, &mut unlimited()),
            Search::Found("2.4.".into())
        );
        assert_eq!(search(&a, &[&c], true, &mut unlimited()), Search::None);
        assert_eq!(
            search(&a, &[&c, &b], true, &mut unlimited()),
            Search::Found("2.4.".into())
        );
    }

    #[test]
    fn compile_errors_point_into_the_pattern() {
        let e = compile(r"2\.4\.(").unwrap_err();
        assert_eq!(e.message, "unclosed group");
        assert_eq!(e.at, Some(6..7));
        let e = compile(r"2\.4\.[").unwrap_err();
        assert_eq!(e.at.map(|r| r.start), Some(6));
        let e = compile(r"*2").unwrap_err();
        assert_eq!(e.at, Some(0..1));
        let e = compile(r"(?P<a>x)(?P<a>y)").unwrap_err();
        assert_eq!(e.at, Some(12..13));
        assert_eq!(e.also, Some(4..5));
        // Errors of the translation: an unknown Unicode class.
        let e = compile(r"2\.\p{Foo}").unwrap_err();
        assert_eq!(e.at, Some(3..10));
    }

    #[test]
    fn limits() {
        let long = "a".repeat(MAX_PATTERN_CHARS + 1);
        let e = compile(&long).unwrap_err();
        assert_eq!(e.at, None);
        assert!(e.message.contains("1000"), "{}", e.message);
        assert!(compile(&"a".repeat(MAX_PATTERN_CHARS)).is_ok());
        let deep = format!("{}a{}", "(".repeat(70), ")".repeat(70));
        let e = compile(&deep).unwrap_err();
        assert!(e.message.contains("64") && e.limit, "{}", e.message);
        let big = r"\w{1000}\w{1000}";
        let e = compile(big).unwrap_err();
        assert_eq!(e.at, None);
        assert!(e.message.contains("limit"), "{}", e.message);
    }

    #[test]
    fn nodes_store_each_tuple_once_and_walk_back() {
        let mut nodes = Nodes::new(2);
        nodes.insert(&[0, 0], usize::MAX, 0);
        nodes.insert(&[1, 2], 0, b'2');
        nodes.insert(&[3, 4], 1, b'.');
        assert!(nodes.contains(&[1, 2]) && nodes.contains(&[0, 0]));
        assert!(!nodes.contains(&[2, 1]));
        assert_eq!(nodes.tuple(2), &[3, 4]);
        assert_eq!(nodes.witness(2), "2.");
        assert_eq!(nodes.witness(0), "");
    }

    #[test]
    fn a_spent_budget_answers_unknown() {
        let a = versions(r"[0-9]+\.[0-9]+");
        let b = versions(r"[0-9]+\.[0-9]");
        let mut budget = Budget::new(usize::MAX, 10);
        assert_eq!(search(&a, &[&b], false, &mut budget), Search::Unknown);
        assert!(budget.is_spent());
        let hir = restrict(&compile("a").unwrap());
        assert!(Versions::new(&hir, &mut budget).is_none());
        assert!(Versions::new(&hir, &mut Budget::new(10, usize::MAX)).is_none());
    }

    #[test]
    fn automata_past_their_limit_give_up() {
        // 2^20 states: more than the DFA may hold.
        let hir = restrict(&compile(r"[ab]*a[ab]{20}").unwrap());
        assert!(Versions::new(&hir, &mut unlimited()).is_none());
        // Large but within it: decided.
        assert!(is_covered(r"[ab]*a[ab]{8}", &[r"[ab]+"]));
    }
}
