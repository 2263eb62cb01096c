//! The files as the human output shows them: codespan-reporting quotes
//! source lines and file names as they are, so it is given copies with
//! their control and BiDi characters escaped (`crate::escape`), and spans
//! moved to match, which keeps every caret under its characters.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use codespan_reporting::files::{Error, Files, Location};

use crate::diagnostic::Diagnostic;
use crate::escape::{ShownSource, terminal_safe};
use crate::source::{FileId, SourceDb, SourceFile, Span};

pub(crate) struct ShownFiles<'a> {
    db: &'a SourceDb,
    /// Only the files whose name or text needs escapes: most have none,
    /// and are read from `db` as they are.
    escaped: BTreeMap<FileId, Escaped>,
}

struct Escaped {
    file: SourceFile,
    /// `None` when only the name needed escapes.
    offsets: Option<ShownSource>,
}

impl<'a> ShownFiles<'a> {
    /// The files `diagnostics` point into, as they are shown.
    pub(crate) fn new<'d>(
        db: &'a SourceDb,
        diagnostics: impl IntoIterator<Item = &'d Diagnostic>,
    ) -> Self {
        let mut escaped = BTreeMap::new();
        let mut seen = BTreeSet::new();
        for d in diagnostics {
            for span in std::iter::once(&d.span).chain(d.labels.iter().map(|l| &l.span)) {
                if !seen.insert(span.file) {
                    continue;
                }
                let file = db.file(span.file);
                let name = terminal_safe(file.name());
                let shown = ShownSource::new(file.text());
                if matches!(name, std::borrow::Cow::Borrowed(_)) && shown.is_none() {
                    continue;
                }
                let (text, offsets) = match shown {
                    Some(mut shown) => (std::mem::take(&mut shown.text), Some(shown)),
                    None => (file.text().to_string(), None),
                };
                escaped.insert(
                    span.file,
                    Escaped {
                        file: SourceFile::detached(name.into_owned(), text),
                        offsets,
                    },
                );
            }
        }
        ShownFiles { db, escaped }
    }

    fn file(&self, id: FileId) -> &SourceFile {
        self.escaped
            .get(&id)
            .map_or_else(|| self.db.file(id), |e| &e.file)
    }

    /// A span's byte range in the shown text of its file.
    pub(crate) fn range(&self, span: Span) -> Range<usize> {
        match self
            .escaped
            .get(&span.file)
            .and_then(|e| e.offsets.as_ref())
        {
            Some(shown) => shown.offset(span.start) as usize..shown.offset(span.end) as usize,
            None => span.start as usize..span.end as usize,
        }
    }
}

impl<'f> Files<'f> for ShownFiles<'_> {
    /// `file:line:column` of the header: the place in the file itself,
    /// as every output counts it, not in its escaped copy.
    fn location(&'f self, id: FileId, byte_index: usize) -> Result<Location, Error> {
        let offset = match self.escaped.get(&id).and_then(|e| e.offsets.as_ref()) {
            Some(shown) => shown.original(byte_index as u32),
            None => byte_index as u32,
        };
        let at = self.db.file(id).line_col(offset);
        Ok(Location {
            line_number: at.line as usize,
            column_number: at.column as usize,
        })
    }

    type FileId = FileId;
    type Name = &'f str;
    type Source = &'f str;

    fn name(&'f self, id: FileId) -> Result<&'f str, Error> {
        Ok(self.file(id).name())
    }

    fn source(&'f self, id: FileId) -> Result<&'f str, Error> {
        Ok(self.file(id).text())
    }

    fn line_index(&'f self, id: FileId, byte_index: usize) -> Result<usize, Error> {
        Ok(self.file(id).line_index(byte_index as u32))
    }

    fn line_range(&'f self, id: FileId, line_index: usize) -> Result<Range<usize>, Error> {
        Ok(self.file(id).line_range(line_index))
    }
}
