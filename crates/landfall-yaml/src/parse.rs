//! Builds the node tree from saphyr-parser events with an explicit stack, so
//! nesting depth costs heap, not call stack, and every limit is checked
//! before the work it guards.

use std::collections::HashMap;

use landfall_diagnostics::{Applicability, Diagnostic, FileId, Fix, Span};
use saphyr_parser::{Event, Parser, ScalarStyle, Tag};

use crate::node::{Document, Entry, Node, Style, Value};
use crate::rules::{AMBIGUOUS_SCALAR, DUPLICATE_KEY, INPUT_LIMIT, YAML_SYNTAX};
use crate::scalar::resolve_plain;
use crate::syntax_error;
use crate::tags::{self, TagKind};
use crate::yaml11;

/// Safety limits; a file past any of them is reported and not read further.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_file_bytes: usize,
    pub max_depth: usize,
    /// Nodes that aliases may add to a file by expansion.
    pub max_alias_nodes: usize,
    pub max_documents: usize,
    /// Nodes in a file, aliases' copies included: a tree's memory is
    /// bounded before it is built, whatever the file's size allows.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 4 * 1024 * 1024,
            max_depth: 128,
            max_alias_nodes: 100_000,
            max_documents: 1_000,
            max_nodes: 250_000,
        }
    }
}

/// The documents of one file and what was wrong with it.
#[derive(Debug, Default)]
pub struct ParsedFile {
    pub documents: Vec<Document>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses a whole file. Never fails: a syntax error or a limit ends the
/// file with a diagnostic, and the documents completed before it are kept.
pub fn parse(file: FileId, text: &str, limits: &Limits) -> ParsedFile {
    let mut parsed = ParsedFile::default();
    if text.len() > limits.max_file_bytes {
        parsed
            .diagnostics
            .push(oversized(file, text.len() as u64, limits));
        return parsed;
    }
    let mut builder = Builder {
        file,
        text,
        offsets: Offsets::new(text),
        limits,
        stack: Vec::new(),
        anchors: HashMap::new(),
        alias_nodes: 0,
        nodes: 0,
        documents: Vec::new(),
        diagnostics: Vec::new(),
        root: None,
        last_end: 0,
    };
    builder.run();
    parsed.documents = builder.documents;
    parsed.diagnostics = builder.diagnostics;
    parsed
}

/// Marker indices count characters; spans are byte offsets.
struct Offsets {
    /// Byte offset of every character index, when the text is not ASCII.
    table: Option<Vec<u32>>,
    len: u32,
}

impl Offsets {
    fn new(text: &str) -> Self {
        let table = (!text.is_ascii()).then(|| {
            let mut table: Vec<u32> = text.char_indices().map(|(i, _)| i as u32).collect();
            table.push(text.len() as u32);
            table
        });
        Offsets {
            table,
            len: text.len() as u32,
        }
    }

    fn byte(&self, char_index: usize) -> u32 {
        match &self.table {
            None => (char_index as u32).min(self.len),
            Some(table) => table.get(char_index).copied().unwrap_or(self.len),
        }
    }
}

enum Frame {
    Seq {
        start: u32,
        flow: bool,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: u32,
        flow: bool,
        anchor: usize,
        entries: Vec<Entry>,
        key: Option<Node>,
        /// Key text to entry index, built once a mapping grows past a few keys.
        index: Option<HashMap<String, usize>>,
    },
}

struct Stop;

struct Builder<'a> {
    file: FileId,
    text: &'a str,
    offsets: Offsets,
    limits: &'a Limits,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Node, usize)>,
    alias_nodes: usize,
    /// Nodes completed so far in the file (an alias counts its copy).
    nodes: usize,
    documents: Vec<Document>,
    diagnostics: Vec<Diagnostic>,
    root: Option<Node>,
    /// One past the last byte of the text read so far: the end of the
    /// last node (an alias's own `*name`, not the anchored node it
    /// copies), or of the last collection opening. Events of empty
    /// scalars, indentless sequences and block scalars are placed by the
    /// parser on the next token; they are placed from here instead.
    last_end: u32,
}

impl Builder<'_> {
    fn span(&self, start: u32, end: u32) -> Span {
        Span::new(self.file, start, end)
    }

    fn run(&mut self) {
        let mut parser = Parser::new_from_str(self.text);
        loop {
            let (event, span) = match parser.next_event() {
                None => return,
                Some(Ok(item)) => item,
                Some(Err(error)) => {
                    let at = self.offsets.byte(error.marker().index());
                    let end = self.next_char_end(at);
                    // The scanner has its own flow-depth guard, which can fire
                    // before our stack sees the depth: the same limit to a user.
                    if error.info() == "recursion limit exceeded" {
                        self.too_deep(at, end);
                        return;
                    }
                    let (at, message) =
                        syntax_error::place(self.text, error.info(), at, self.last_end);
                    let end = self.next_char_end(at);
                    self.diagnostics.push(
                        Diagnostic::new(&YAML_SYNTAX, self.span(at, end), message)
                            .with_span_label("here"),
                    );
                    return;
                }
            };
            let start = self.offsets.byte(span.start.index());
            let end = self.offsets.byte(span.end.index());
            if self.event(event, start, end).is_err() {
                return;
            }
        }
    }

    fn next_char_end(&self, at: u32) -> u32 {
        self.text[at as usize..]
            .chars()
            .next()
            .map_or(at, |c| at + c.len_utf8() as u32)
    }

    fn event(&mut self, event: Event<'_>, start: u32, end: u32) -> Result<(), Stop> {
        match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
            Event::DocumentStart(explicit) => {
                if self.documents.len() >= self.limits.max_documents {
                    self.diagnostics.push(Diagnostic::new(
                        &INPUT_LIMIT,
                        self.span(start, end.max(start)),
                        format!("file has more than {} documents", self.limits.max_documents),
                    ));
                    return Err(Stop);
                }
                self.anchors.clear();
                // An implicit start is placed on the document's content.
                if explicit {
                    self.last_end = end.max(start);
                }
            }
            Event::DocumentEnd => {
                self.last_end = self.last_end.max(end);
                if let Some(root) = self.root.take() {
                    self.documents.push(Document {
                        index: self.documents.len(),
                        root,
                    });
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                let has_properties = anchor != 0 || tag.is_some();
                let (start, end) = self.scalar_extent(&text, style, has_properties, start, end);
                let node = self.scalar(&text, style, tag.as_deref(), start, end);
                self.last_end = end;
                self.complete(node, anchor)?;
            }
            Event::Alias(id) => {
                let node = self.alias(id, start, end)?;
                // The copy keeps the anchored node's spans; the text read
                // so far ends after this `*name`.
                self.last_end = end;
                self.complete(node, 0)?;
            }
            Event::SequenceStart(anchor, tag) => {
                self.collection_tag(tag.as_deref(), "seq", start, end);
                self.enter(start, end)?;
                let (start, flow) =
                    self.collection_start(anchor != 0 || tag.is_some(), true, start, end);
                self.stack.push(Frame::Seq {
                    start,
                    flow,
                    anchor,
                    items: Vec::new(),
                });
            }
            Event::MappingStart(anchor, tag) => {
                self.collection_tag(tag.as_deref(), "map", start, end);
                self.enter(start, end)?;
                let (start, flow) =
                    self.collection_start(anchor != 0 || tag.is_some(), false, start, end);
                self.stack.push(Frame::Map {
                    start,
                    flow,
                    anchor,
                    entries: Vec::new(),
                    key: None,
                    index: None,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(());
                };
                let (s, flow) = match &frame {
                    Frame::Seq { start, flow, .. } | Frame::Map { start, flow, .. } => {
                        (*start, *flow)
                    }
                };
                let stop = if flow {
                    // The event starts at the bracket, or at a trailing
                    // comma before it; its end runs on over blanks and a
                    // comment.
                    let at = self.skip(start, b",");
                    match self.text.as_bytes().get(at as usize) {
                        Some(b']' | b'}') => at + 1,
                        _ => end,
                    }
                } else {
                    // A block collection ends with its last child's text.
                    self.last_end
                };
                let stop = stop.max(s);
                let (node, anchor) = match frame {
                    Frame::Seq { anchor, items, .. } => (node(s, stop, Value::Seq(items)), anchor),
                    Frame::Map {
                        anchor, entries, ..
                    } => (node(s, stop, Value::Map(entries)), anchor),
                };
                self.last_end = stop;
                self.complete(node, anchor)?;
            }
        }
        Ok(())
    }

    fn skip(&self, from: u32, also: &[u8]) -> u32 {
        skip(self.text, from, also)
    }

    /// One past the last byte of `start..end` that is not a blank or a
    /// line break: an event's span runs on over the blanks after it.
    fn trim_end(&self, start: u32, end: u32) -> u32 {
        let bytes = self.text.as_bytes();
        let mut end = end.max(start) as usize;
        while end > start as usize
            && matches!(bytes.get(end - 1), Some(b' ' | b'\t' | b'\r' | b'\n'))
        {
            end -= 1;
        }
        end as u32
    }

    /// Where a scalar's node starts and ends: at its properties or its
    /// first character (a quote, `|`, `>`), and at its last character.
    fn scalar_extent(
        &self,
        text: &str,
        style: ScalarStyle,
        has_properties: bool,
        start: u32,
        end: u32,
    ) -> (u32, u32) {
        let bytes = self.text.as_bytes();
        match style {
            // The parser's end of a quoted scalar runs on over trailing
            // blanks and a comment; the closing quote is the real end.
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                (start, quoted_end(self.text, start).unwrap_or(end))
            }
            ScalarStyle::Literal | ScalarStyle::Folded => {
                // Without properties the parser starts a block scalar at
                // its content: its indicator is the next token after the
                // text read so far (past the `:`, `-` or `?` before it).
                let header =
                    if has_properties || matches!(bytes.get(start as usize), Some(b'|' | b'>')) {
                        start
                    } else {
                        let at = self.skip(self.last_end, b":-?.");
                        match bytes.get(at as usize) {
                            Some(b'|' | b'>') if at <= start => at,
                            _ => start,
                        }
                    };
                let indicator = self.text[header as usize..]
                    .find(['|', '>'])
                    .map_or(header as usize, |i| header as usize + i);
                // `|`, then its indentation and chomping indicators.
                let header_end = indicator
                    + 1
                    + bytes[(indicator + 1).min(bytes.len())..]
                        .iter()
                        .take_while(|b| matches!(b, b'0'..=b'9' | b'+' | b'-'))
                        .count();
                // The content ends at its last non-blank character; the
                // line breaks after it (which chomping may keep in the
                // value) are not part of the node's span.
                let header_end = header_end as u32;
                let content_start = self.text[header_end as usize..]
                    .find('\n')
                    .map_or(header_end, |i| header_end + i as u32 + 1);
                let content_end = self.trim_end(content_start, end);
                if content_end > content_start {
                    (header, content_end)
                } else {
                    (header, header_end)
                }
            }
            ScalarStyle::Plain if text.is_empty() => {
                if has_properties {
                    // Only `&anchor` or `!tag`: the span is theirs.
                    return (start, self.trim_end(start, end));
                }
                // Nothing is written: an empty span after the indicator
                // that introduced it (the parser puts it on the next
                // token), or after the text read so far.
                let at = self.skip(self.last_end, b"");
                let is_key = matches!(self.stack.last(), Some(Frame::Map { key: None, .. }));
                let after = match bytes.get(at as usize) {
                    Some(b'-' | b'?') if is_indicator(bytes, at) => at + 1,
                    Some(b':') if !is_key => at + 1,
                    _ => self.last_end,
                };
                (after, after)
            }
            ScalarStyle::Plain => (start, end),
        }
    }

    /// Where a collection starts and whether it is a flow one. The
    /// parser starts a collection at its properties, its bracket, or its
    /// first key or `-`, except a sequence written at its key's
    /// indentation (`key:\n- a`), which it starts after the first `- `.
    fn collection_start(
        &mut self,
        has_properties: bool,
        seq: bool,
        start: u32,
        end: u32,
    ) -> (u32, bool) {
        let bytes = self.text.as_bytes();
        // The bracket, or the first child, after the properties.
        let mut content = start;
        while has_properties && matches!(bytes.get(content as usize), Some(b'&' | b'!')) {
            while (content as usize) < bytes.len()
                && !matches!(bytes[content as usize], b' ' | b'\t' | b'\r' | b'\n')
            {
                content += 1;
            }
            content = self.skip(content, b"");
        }
        // A flow collection's event covers its bracket; a block one's
        // ends before its first child, which may be a flow collection.
        let flow = matches!(bytes.get(content as usize), Some(b'[' | b'{')) && content < end;
        let start = if seq && !flow && !has_properties && bytes.get(start as usize) != Some(&b'-') {
            let at = self.skip(self.last_end, b":?");
            match bytes.get(at as usize) {
                Some(b'-') if at <= start => at,
                _ => start,
            }
        } else {
            start
        };
        self.last_end = if flow {
            content + 1
        } else if has_properties {
            self.trim_end(start, content.min(end))
        } else {
            start
        };
        (start, flow)
    }

    fn enter(&mut self, start: u32, end: u32) -> Result<(), Stop> {
        if self.stack.len() >= self.limits.max_depth {
            self.too_deep(start, end.max(self.next_char_end(start)));
            return Err(Stop);
        }
        Ok(())
    }

    fn too_deep(&mut self, start: u32, end: u32) {
        self.diagnostics.push(
            Diagnostic::new(
                &INPUT_LIMIT,
                self.span(start, end),
                format!("nesting deeper than {} levels", self.limits.max_depth),
            )
            .with_span_label("too deep"),
        );
    }

    fn scalar(
        &mut self,
        text: &str,
        style: ScalarStyle,
        tag: Option<&Tag>,
        start: u32,
        end: u32,
    ) -> Node {
        let style = match style {
            ScalarStyle::Plain => Style::Plain,
            ScalarStyle::SingleQuoted => Style::SingleQuoted,
            ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
            ScalarStyle::Literal => Style::Literal,
            ScalarStyle::Folded => Style::Folded,
        };
        let value = match tag {
            Some(tag) => self.tagged_scalar(text, style, tag, start, end),
            None if style == Style::Plain => {
                let source = &self.text[start as usize..end as usize];
                let value = resolve_plain(text);
                if let Some(ambiguity) = yaml11::ambiguity(text, source) {
                    // Quoted as written, the scalar is the string YAML 1.2
                    // reads already: safe. Where 1.2 reads a number, the
                    // quotes change the value: the user must choose.
                    let applicability = match value {
                        Value::String(_) => Applicability::Safe,
                        _ => Applicability::Unsafe,
                    };
                    let fix = Fix::replace(
                        applicability,
                        format!("quote it: \"{source}\""),
                        self.span(start, end),
                        format!("\"{source}\""),
                    );
                    self.diagnostics.push(
                        Diagnostic::new(
                            &AMBIGUOUS_SCALAR,
                            self.span(start, end),
                            ambiguity.message(source),
                        )
                        .with_span_label("ambiguous")
                        .with_help(ambiguity.help)
                        .with_fix(fix),
                    );
                }
                value
            }
            None => Value::String(text.to_string()),
        };
        Node {
            start,
            end,
            style,
            value,
        }
    }

    fn tagged_scalar(
        &mut self,
        text: &str,
        style: Style,
        tag: &Tag,
        start: u32,
        end: u32,
    ) -> Value {
        let fallback = || Value::String(text.to_string());
        // What the finding promises for a tag landfall does not apply.
        let untagged = || {
            if style == Style::Plain {
                resolve_plain(text)
            } else {
                fallback()
            }
        };
        let name = match tags::kind(tag) {
            TagKind::NonSpecific => return fallback(),
            TagKind::Core(name) => name,
            TagKind::Other => {
                self.unknown_tag(tag, start, end);
                return untagged();
            }
        };
        let resolved = resolve_plain(text);
        let expected = match name.as_str() {
            "str" => return fallback(),
            "null" => matches!(resolved, Value::Null),
            "bool" => matches!(resolved, Value::Bool(_)),
            "int" => matches!(resolved, Value::Int(_)),
            "float" => {
                return match resolved {
                    Value::Int(i) => Value::Float(i as f64),
                    Value::Float(f) => Value::Float(f),
                    _ => {
                        self.tag_mismatch(text, &name, start, end);
                        fallback()
                    }
                };
            }
            _ => {
                self.unknown_tag(tag, start, end);
                return untagged();
            }
        };
        if expected {
            resolved
        } else {
            self.tag_mismatch(text, &name, start, end);
            fallback()
        }
    }

    fn collection_tag(&mut self, tag: Option<&Tag>, expected: &str, start: u32, end: u32) {
        let Some(tag) = tag else { return };
        let applies = match tags::kind(tag) {
            TagKind::NonSpecific => true,
            TagKind::Core(name) => name == expected,
            TagKind::Other => false,
        };
        if !applies {
            self.unknown_tag(tag, start, end.max(self.next_char_end(start)));
        }
    }

    fn unknown_tag(&mut self, tag: &Tag, start: u32, end: u32) {
        let shown = tags::shown(tag, &self.text[start as usize..]);
        self.diagnostics.push(
            Diagnostic::new(
                &YAML_SYNTAX,
                self.span(start, end),
                format!("unsupported tag `{shown}`: the value is read as if it had no tag"),
            )
            .with_help("remove the tag; landfall documents use plain YAML 1.2 values"),
        );
    }

    fn tag_mismatch(&mut self, text: &str, name: &str, start: u32, end: u32) {
        self.diagnostics.push(Diagnostic::new(
            &YAML_SYNTAX,
            self.span(start, end),
            format!("`{text}` is not a valid !!{name}; it is read as a string"),
        ));
    }

    fn alias(&mut self, id: usize, start: u32, end: u32) -> Result<Node, Stop> {
        let Some(count) = self.anchors.get(&id).map(|(_, count)| *count) else {
            // Anchors do not cross `---`: YAML scopes them to one document.
            self.diagnostics.push(
                Diagnostic::new(
                    &YAML_SYNTAX,
                    self.span(start, end),
                    "this alias refers to no anchor of this document",
                )
                .with_span_label("unknown anchor")
                .with_help("anchors are local to their document; define it again in this one"),
            );
            return Ok(node(start, end, Value::Null));
        };
        self.alias_nodes += count;
        if self.alias_nodes > self.limits.max_alias_nodes {
            self.diagnostics.push(
                Diagnostic::new(
                    &INPUT_LIMIT,
                    self.span(start, end),
                    format!(
                        "aliases expand to more than {} nodes",
                        self.limits.max_alias_nodes
                    ),
                )
                .with_span_label("this alias goes past the limit")
                .with_help("write the repeated values out, or split the file"),
            );
            return Err(Stop);
        }
        // The copy's nodes, less the one `complete` counts for it.
        self.count_nodes(count.saturating_sub(1), start, end)?;
        // The copy keeps the anchored node's own spans: a finding inside an
        // alias points at the text that defines it.
        Ok(self.anchors.get(&id).map_or_else(
            || node(start, end, Value::Null),
            |(anchored, _)| anchored.clone(),
        ))
    }

    /// Counts `added` nodes against the file's limit; past it, the file
    /// ends here with an `input-limit` at the node that crossed it.
    fn count_nodes(&mut self, added: usize, start: u32, end: u32) -> Result<(), Stop> {
        self.nodes += added;
        if self.nodes <= self.limits.max_nodes {
            return Ok(());
        }
        // A collection that completes past the limit spans its children:
        // point at its first character only.
        let end = end.min(self.next_char_end(start)).max(start);
        self.diagnostics.push(
            Diagnostic::new(
                &INPUT_LIMIT,
                self.span(start, end),
                format!("file has more than {} nodes", self.limits.max_nodes),
            )
            .with_span_label("past the limit here")
            .with_help("split the file; no deployment spec needs this many values in one file"),
        );
        Err(Stop)
    }

    /// A node is complete: remember its anchor and hand it to its parent.
    fn complete(&mut self, node: Node, anchor: usize) -> Result<(), Stop> {
        self.count_nodes(1, node.start, node.end)?;
        if anchor != 0 {
            let count = node.count();
            self.anchors.insert(anchor, (node.clone(), count));
        }
        let file = self.file;
        let mut duplicate = None;
        let mut merge_key = None;
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                key,
                index,
                ..
            }) => match key.take() {
                None => *key = Some(node),
                Some(k) => {
                    // Borrowed: a key is copied only into a large map's index.
                    let text = k.key_text();
                    if k.style == Style::Plain && text == "<<" {
                        merge_key = Some(Span::new(file, k.start, k.end));
                    } else if let Some(first) = find_key(entries, index, &text) {
                        let first = &entries[first].key;
                        duplicate = Some((
                            text.into_owned(),
                            Span::new(file, first.start, first.end),
                            Span::new(file, k.start, k.end),
                        ));
                    } else {
                        if let Some(index) = index {
                            index.insert(text.into_owned(), entries.len());
                        }
                        entries.push(Entry {
                            key: k,
                            value: node,
                        });
                    }
                }
            },
        }
        if let Some((text, first, second)) = duplicate {
            self.diagnostics.push(
                Diagnostic::new(&DUPLICATE_KEY, second, format!("duplicate key `{text}`"))
                    .with_span_label("defined again here")
                    .with_label(first, "first defined here")
                    .with_help("remove one of them; landfall keeps the first and ignores this one"),
            );
        }
        if let Some(span) = merge_key {
            self.diagnostics.push(
                Diagnostic::new(
                    &YAML_SYNTAX,
                    span,
                    "merge keys (`<<`) are not part of YAML 1.2 and are not applied",
                )
                .with_span_label("merge key")
                .with_help("write the keys out in this mapping"),
            );
        }
        Ok(())
    }
}

/// The first byte at or after `from` that is not a blank, a line break,
/// a byte order mark, a comment or one of `also`: the next token when
/// `from` lies between tokens.
pub(crate) fn skip(text: &str, from: u32, also: &[u8]) -> u32 {
    let bytes = text.as_bytes();
    let mut i = from as usize;
    while i < bytes.len() {
        match bytes[i] {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            // U+FEFF, the byte order mark, as UTF-8.
            0xEF if bytes[i..].starts_with(&[0xEF, 0xBB, 0xBF]) => i += 3,
            b if also.contains(&b) => i += 1,
            _ => break,
        }
    }
    i as u32
}

/// One past the closing quote of the quoted scalar starting at `start`
/// (anchors and tags before the quote are skipped).
fn quoted_end(text: &str, start: u32) -> Option<u32> {
    let from = start as usize;
    let quote = from + text.get(from..)?.find(['"', '\''])?;
    quoted_len(&text[quote..]).map(|len| (quote + len) as u32)
}

/// The length in bytes of the quoted scalar `source` starts with, from its
/// opening quote to its closing one: `''` escapes a quote in single-quoted
/// scalars, a backslash escapes one in double-quoted ones. `None` when
/// `source` does not start with a quote or never closes it.
pub fn quoted_len(source: &str) -> Option<usize> {
    let bytes = source.as_bytes();
    let quote = *bytes.first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn find_key(
    entries: &[Entry],
    index: &mut Option<HashMap<String, usize>>,
    text: &str,
) -> Option<usize> {
    const LINEAR: usize = 16;
    if entries.len() < LINEAR {
        return entries.iter().position(|e| e.key.key_text() == text);
    }
    let index = index.get_or_insert_with(|| {
        entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.key.key_text().into_owned(), i))
            .collect()
    });
    index.get(text).copied()
}

/// Whether the `-` or `?` at `at` is an indicator: followed by a blank, a
/// line break or the end of the text.
fn is_indicator(bytes: &[u8], at: u32) -> bool {
    matches!(
        bytes.get(at as usize + 1),
        None | Some(b' ' | b'\t' | b'\r' | b'\n')
    )
}

fn node(start: u32, end: u32, value: Value) -> Node {
    Node {
        start,
        end,
        style: Style::Plain,
        value,
    }
}

/// The `input-limit` finding for a file too large to read, for callers that
/// check the size before reading it.
pub fn oversized(file: FileId, bytes: u64, limits: &Limits) -> Diagnostic {
    Diagnostic::new(
        &INPUT_LIMIT,
        Span::new(file, 0, 0),
        format!(
            "file is {bytes} bytes, over the limit of {} bytes",
            limits.max_file_bytes
        ),
    )
    .with_help("split it into several files")
}

/// Text from raw bytes: a BOM is kept (the parser skips it, and spans stay
/// byte offsets of the file); invalid UTF-8 is reported at the first bad
/// byte, and the file is then not parsed, since nothing after it can be
/// trusted.
pub fn decode(file: FileId, bytes: Vec<u8>) -> (String, Option<Diagnostic>) {
    match String::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(error) => {
            let at = error.utf8_error().valid_up_to() as u32;
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            let diagnostic = Diagnostic::new(
                &YAML_SYNTAX,
                Span::new(file, at, at + 1),
                "file is not valid UTF-8",
            )
            .with_span_label("invalid byte")
            .with_help("save the file as UTF-8");
            (text, Some(diagnostic))
        }
    }
}
