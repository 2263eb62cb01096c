//! The files of one run and positions inside them.

use std::sync::OnceLock;

/// Index of a file in the [`SourceDb`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A byte range `start..end` in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: u32, end: u32) -> Self {
        debug_assert!(start <= end);
        Span { file, start, end }
    }
}

/// A 1-based line and a 1-based column counted in characters (Unicode
/// scalar values), as `docs/cli.md` specifies for every output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

/// One input file: its display name and text. Line starts are computed on
/// first use, since most files never need them (only files with findings do).
///
/// The text may be absent: a large run keeps only the texts of files with
/// findings, and reads the others file by file while checking them.
#[derive(Debug)]
pub struct SourceFile {
    name: String,
    text: Option<String>,
    line_starts: OnceLock<Vec<u32>>,
}

impl SourceFile {
    /// A file outside any [`SourceDb`]: the human output's escaped copy
    /// of one.
    pub(crate) fn detached(name: String, text: String) -> Self {
        SourceFile {
            name,
            text: Some(text),
            line_starts: OnceLock::new(),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The text, or `""` when it is not held.
    pub fn text(&self) -> &str {
        self.text.as_deref().unwrap_or_default()
    }

    pub fn has_text(&self) -> bool {
        self.text.is_some()
    }

    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(
                self.text()
                    .bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(i, _)| i as u32 + 1),
            );
            starts
        })
    }

    /// 0-based index of the line holding `offset`.
    pub fn line_index(&self, offset: u32) -> usize {
        let starts = self.line_starts();
        match starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte range of a 0-based line, including its line break.
    pub fn line_range(&self, line: usize) -> std::ops::Range<usize> {
        let starts = self.line_starts();
        let len = self.text().len();
        let start = starts.get(line).map_or(len, |&s| s as usize);
        let end = starts.get(line + 1).map_or(len, |&s| s as usize);
        start..end
    }

    /// Line and character column of a byte offset; an offset inside a
    /// multi-byte character or past the end is clamped to a boundary.
    pub fn line_col(&self, offset: u32) -> LineCol {
        let text = self.text();
        let offset = (offset as usize).min(text.len());
        let line = self.line_index(offset as u32);
        let line_start = self.line_range(line).start;
        let mut end = offset;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let column = text[line_start..end].chars().count() + 1;
        LineCol {
            line: line as u32 + 1,
            column: column as u32,
        }
    }
}

/// Every file of one run, addressed by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceDb {
    files: Vec<SourceFile>,
}

impl SourceDb {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        let id = self.add_unread(name);
        self.set_text(id, text.into());
        id
    }

    /// Room for `additional` more files: a tree's files are registered at
    /// once, and one exact allocation is held for the whole run.
    pub fn reserve(&mut self, additional: usize) {
        self.files.reserve_exact(additional);
    }

    /// A file known by name whose text is read later, if at all.
    pub fn add_unread(&mut self, name: impl Into<String>) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.files.push(SourceFile {
            name: name.into(),
            text: None,
            line_starts: OnceLock::new(),
        });
        id
    }

    pub fn set_text(&mut self, id: FileId, text: String) {
        let file = &mut self.files[id.0 as usize];
        file.text = Some(text);
        file.line_starts = OnceLock::new();
    }

    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// Start and end (one past the last character) of a span.
    pub fn range(&self, span: Span) -> (LineCol, LineCol) {
        let file = self.file(span.file);
        (file.line_col(span.start), file.line_col(span.end))
    }
}

impl<'a> codespan_reporting::files::Files<'a> for SourceDb {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, codespan_reporting::files::Error> {
        Ok(self.file(id).name())
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, codespan_reporting::files::Error> {
        Ok(self.file(id).text())
    }

    fn line_index(
        &'a self,
        id: FileId,
        byte_index: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        Ok(self.file(id).line_index(byte_index as u32))
    }

    fn line_range(
        &'a self,
        id: FileId,
        line_index: usize,
    ) -> Result<std::ops::Range<usize>, codespan_reporting::files::Error> {
        Ok(self.file(id).line_range(line_index))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        let mut db = SourceDb::new();
        let id = db.add("a.yaml", "name: \"héllo\"\nport: 9090\r\nx: y");
        let file = db.file(id);
        assert_eq!(file.line_col(0), LineCol { line: 1, column: 1 });
        // 'l' after the two-byte 'é'
        assert_eq!(file.line_col(9), LineCol { line: 1, column: 9 });
        assert_eq!(file.line_col(21), LineCol { line: 2, column: 7 });
        assert_eq!(file.line_col(27), LineCol { line: 3, column: 1 });
        assert_eq!(file.line_col(999), LineCol { line: 3, column: 5 });
    }
}
