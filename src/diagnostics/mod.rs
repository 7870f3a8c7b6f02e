//! Problems found in a site, as data.
//!
//! Every stage pushes [`Diagnostic`]s into a [`Diagnostics`] collection instead of printing or
//! stopping; the pipeline decides what to do once a stage is done, and [`render`] turns them
//! into text only at the edge (terminal, tests, CI). Each diagnostic has a stable `code`
//! (listed in the README), a one-line message, an optional primary label (file + byte span), any
//! secondary labels, and an optional hint.

pub mod render;

use std::ops::Range;
use std::sync::Arc;

use std::sync::OnceLock;

use codespan_reporting::files;

/// Index of a file in a [`SourceMap`].
pub type FileId = usize;

/// Every text file the build read (pages, templates, the config), so that diagnostics can
/// show code frames. Line starts are worked out only for files a diagnostic points into.
#[derive(Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

struct SourceFile {
    name: String,
    text: Arc<str>,
    lines: OnceLock<Vec<usize>>,
}

impl SourceFile {
    fn line_starts(&self) -> &[usize] {
        self.lines
            .get_or_init(|| files::line_starts(&self.text).collect())
    }
}

impl SourceMap {
    /// Adds a file under its display name and returns its id.
    pub fn add(&mut self, name: impl Into<String>, text: Arc<str>) -> FileId {
        self.files.push(SourceFile {
            name: name.into(),
            text,
            lines: OnceLock::new(),
        });
        self.files.len() - 1
    }

    /// The display name of a file.
    pub fn name(&self, id: FileId) -> &str {
        self.files.get(id).map_or("<unknown>", |f| f.name.as_str())
    }

    /// The text of a file.
    pub fn text(&self, id: FileId) -> &str {
        self.files.get(id).map_or("", |f| &f.text)
    }

    /// Number of files held.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when no file has been added.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// 1-based line and column of a byte offset, columns counted in characters.
    pub fn line_col(&self, id: FileId, offset: usize) -> (usize, usize) {
        line_col(self.text(id), offset)
    }

    fn file(&self, id: FileId) -> Result<&SourceFile, files::Error> {
        self.files.get(id).ok_or(files::Error::FileMissing)
    }
}

impl<'a> files::Files<'a> for SourceMap {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, files::Error> {
        Ok(&self.file(id)?.name)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, files::Error> {
        Ok(&self.file(id)?.text)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, files::Error> {
        let starts = self.file(id)?.line_starts();
        Ok(starts
            .binary_search(&byte_index)
            .unwrap_or_else(|next| next - 1))
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, files::Error> {
        let file = self.file(id)?;
        let starts = file.line_starts();
        let start = *starts.get(line_index).ok_or(files::Error::LineTooLarge {
            given: line_index,
            max: starts.len() - 1,
        })?;
        let end = starts
            .get(line_index + 1)
            .copied()
            .unwrap_or(file.text.len());
        Ok(start..end)
    }
}

/// 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..offset].chars().count() + 1;
    (line, col)
}

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Stops the build: nothing is written.
    Error,
    /// Reported; the build goes on (an error under `--strict`).
    Warning,
}

/// A place in a source file.
#[derive(Clone, Debug)]
pub struct Label {
    /// The file.
    pub file: FileId,
    /// Byte range in the file.
    pub span: Range<usize>,
    /// Short text shown under the span.
    pub message: String,
}

/// One problem, with where it is and what to do about it.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable identifier such as `schema/enum`.
    pub code: &'static str,
    /// One line: what is wrong.
    pub message: String,
    /// Where it is.
    pub primary: Option<Label>,
    /// Other places involved (e.g. the other file claiming the same URL).
    pub secondary: Vec<Label>,
    /// What to do.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A new error.
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }

    /// A new warning.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }

    fn new(severity: Severity, code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            code,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
        }
    }

    /// Points the diagnostic at a span of a file.
    pub fn label(mut self, file: FileId, span: Range<usize>, message: impl Into<String>) -> Self {
        self.primary = Some(Label {
            file,
            span,
            message: message.into(),
        });
        self
    }

    /// Adds another place involved.
    pub fn secondary(
        mut self,
        file: FileId,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        self.secondary.push(Label {
            file,
            span,
            message: message.into(),
        });
        self
    }

    /// Adds a hint.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a hint when there is one.
    pub fn maybe_help(self, help: Option<String>) -> Self {
        match help {
            Some(h) => self.help(h),
            None => self,
        }
    }
}

/// All problems found so far.
#[derive(Default, Debug)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Adds one.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Adds many.
    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }

    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    /// Number of warnings.
    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, s: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == s).count()
    }

    /// True when any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Turns every warning into an error (`--strict`).
    pub fn promote_warnings(&mut self) {
        for d in &mut self.items {
            d.severity = Severity::Error;
        }
    }

    /// The diagnostics in a stable order: by file name, position, then code, so output never
    /// depends on thread scheduling.
    pub fn sorted(&self, sources: &SourceMap) -> Vec<&Diagnostic> {
        let mut v: Vec<&Diagnostic> = self.items.iter().collect();
        v.sort_by(|a, b| sort_key(a, sources).cmp(&sort_key(b, sources)));
        v
    }

    /// Every diagnostic, unordered.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Number held.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

fn sort_key<'a>(
    d: &'a Diagnostic,
    sources: &'a SourceMap,
) -> (&'a str, usize, &'static str, &'a str) {
    match &d.primary {
        Some(l) => (sources.name(l.file), l.span.start, d.code, &d.message),
        None => ("", 0, d.code, &d.message),
    }
}

/// The candidate closest to `value`, if one is close enough to be a plausible typo.
pub fn did_you_mean<'a, I>(value: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let value_lower = value.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&value_lower, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let text = "ab\ncé\nx";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 6), (2, 3)); // after the two-byte é
        assert_eq!(line_col(text, 7), (3, 1));
        assert_eq!(line_col(text, 100), (3, 2));
    }

    #[test]
    fn suggests_near_values_only() {
        let allowed = ["draft", "active", "deprecated"];
        assert_eq!(did_you_mean("actve", allowed), Some("active"));
        assert_eq!(did_you_mean("Draft", allowed), Some("draft"));
        assert_eq!(did_you_mean("zzzz", allowed), None);
    }
}
