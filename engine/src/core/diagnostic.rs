//! Diagnostics: what went wrong, where, and what to do.
//!
//! Every error about the configuration carries a [`Span`] into a source file so it can be shown
//! the way Terraform users expect:
//!
//! ```text
//! Error: Unsupported argument
//!
//!   on main.tf line 3, in resource "aws_s3_bucket" "artifacts":
//!    3:   buckt = "x"
//!         ^^^^^
//!
//! An argument named "buckt" is not expected here. Did you mean "bucket"?
//! ```

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A byte range in one source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// The file.
    pub file: Arc<SourceFile>,
    /// Start and end byte offsets.
    pub range: std::ops::Range<usize>,
}

impl Span {
    /// The same place in the file a view was cut from (see [`SourceFile::view`]).
    pub fn resolved(self) -> Span {
        match &self.file.origin {
            Some((parent, base)) => Span {
                file: parent.clone(),
                range: self.range.start + base..self.range.end + base,
            }
            .resolved(),
            None => self,
        }
    }
}

/// A loaded configuration file.
#[derive(Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// The path as shown to the user (relative to the working directory when possible).
    pub display: String,
    /// The full path.
    pub path: PathBuf,
    /// The text.
    pub text: String,
    /// For the text of one expression cut out of a larger file (a string of a `.tf.json`
    /// file, parsed on its own): that file and the byte offset the text starts at. Spans into
    /// such a view are shown in the file it came from.
    pub origin: Option<(Arc<SourceFile>, usize)>,
}

impl SourceFile {
    /// A source file shown under `display`.
    pub fn new(path: &Path, display: String, text: String) -> Arc<SourceFile> {
        Arc::new(SourceFile {
            display,
            path: path.to_path_buf(),
            text,
            origin: None,
        })
    }

    /// `text`, which starts at byte `base` of `parent`, as a file of its own whose spans are
    /// shown in `parent`.
    pub fn view(parent: &Arc<SourceFile>, base: usize, text: String) -> Arc<SourceFile> {
        Arc::new(SourceFile {
            display: parent.display.clone(),
            path: parent.path.clone(),
            text,
            origin: Some((parent.clone(), base)),
        })
    }

    /// The 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        if let Some((parent, base)) = &self.origin {
            return parent.line_col(base + offset);
        }
        let offset = offset.min(self.text.len());
        let before = &self.text[..floor_char_boundary(&self.text, offset)];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
        (line, col)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Stops the operation.
    Error,
    /// Shown, but the operation continues.
    Warning,
}

/// One problem to show the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A short summary (`Unsupported argument`).
    pub summary: String,
    /// The explanation and what to do.
    pub detail: String,
    /// Where, if it is about the configuration.
    pub span: Option<Span>,
    /// The enclosing block, e.g. `resource "aws_s3_bucket" "artifacts"`.
    pub context: Option<String>,
}

impl Diagnostic {
    /// An error without a location.
    pub fn error(summary: impl Into<String>, detail: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
            span: None,
            context: None,
        }
    }

    /// A warning without a location.
    pub fn warning(summary: impl Into<String>, detail: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(summary, detail)
        }
    }

    /// Attaches a location (keeps an existing one).
    pub fn at(mut self, span: Option<Span>) -> Diagnostic {
        if self.span.is_none() {
            self.span = span.map(Span::resolved);
        }
        self
    }

    /// Attaches the enclosing block description (keeps an existing one).
    pub fn within(mut self, context: impl Into<String>) -> Diagnostic {
        if self.context.is_none() {
            self.context = Some(context.into());
        }
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "Error",
            Severity::Warning => "Warning",
        };
        writeln!(f, "{label}: {}", self.summary)?;
        if let Some(span) = &self.span {
            let (line, col) = span.file.line_col(span.range.start);
            writeln!(f)?;
            write!(f, "  on {} line {line}", span.file.display)?;
            if let Some(ctx) = &self.context {
                write!(f, ", in {ctx}")?;
            }
            writeln!(f, ":")?;
            let text = span.file.text.lines().nth(line - 1).unwrap_or("");
            let prefix = format!("{line:>4}: ");
            writeln!(f, "{prefix}{text}")?;
            let line_chars = text.chars().count();
            let end_offset = span.range.end.max(span.range.start + 1);
            let (end_line, end_col) = span.file.line_col(end_offset);
            let width = if end_line == line {
                end_col.saturating_sub(col).max(1)
            } else {
                line_chars.saturating_sub(col - 1).max(1)
            };
            writeln!(f, "{}{}", " ".repeat(prefix.len() + col - 1), "^".repeat(width))?;
        }
        if !self.detail.is_empty() {
            writeln!(f)?;
            writeln!(f, "{}", self.detail)?;
        }
        Ok(())
    }
}

impl Diagnostic {
    /// The diagnostic in Terraform's machine-readable shape (`severity`, `summary`, `detail`,
    /// `range` with 1-based lines and columns and 0-based byte offsets, `snippet`), for editors
    /// and CI.
    pub fn to_json(&self) -> serde_json::Value {
        let mut out = serde_json::json!({
            "severity": match self.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            "summary": self.summary,
            "detail": self.detail,
        });
        if let Some(span) = &self.span {
            let position = |byte: usize| {
                let (line, column) = span.file.line_col(byte);
                serde_json::json!({ "line": line, "column": column, "byte": byte })
            };
            let (line, _) = span.file.line_col(span.range.start);
            let line_start = span.file.text[..floor_char_boundary(&span.file.text, span.range.start)]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            let code = span.file.text.lines().nth(line - 1).unwrap_or("");
            out["range"] = serde_json::json!({
                "filename": span.file.display,
                "start": position(span.range.start),
                "end": position(span.range.end),
            });
            out["snippet"] = serde_json::json!({
                "context": self.context,
                "code": code,
                "start_line": line,
                "highlight_start_offset": span.range.start - line_start,
                "highlight_end_offset": (span.range.end - line_start).min(code.len()),
                "values": [],
            });
        }
        out
    }
}

/// Several diagnostics reported together (every error of one run at once).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// True when any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// Adds one.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// Orders located diagnostics by file and position (unlocated ones keep their order, last).
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            let key = |d: &Diagnostic| d.span.as_ref().map(|s| (s.file.display.clone(), s.range.start));
            match (key(a), key(b)) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }
        });
    }

    /// Drops a diagnostic that repeats an earlier one's severity, summary and place: two checks
    /// that find the same mistake (an unknown function, an undeclared name) report it once.
    pub fn dedup(&mut self) {
        let mut seen = std::collections::HashSet::new();
        self.0.retain(|d| {
            let place = d
                .span
                .as_ref()
                .map(|s| (s.file.display.clone(), s.range.start, s.range.end));
            seen.insert((d.severity == Severity::Error, d.summary.clone(), place))
        });
    }

    /// What `validate -json` prints: Terraform's shape (`format_version`, `valid`,
    /// `error_count`, `warning_count`, `diagnostics`).
    pub fn validate_json(&self) -> serde_json::Value {
        let errors = self.0.iter().filter(|d| d.severity == Severity::Error).count();
        serde_json::json!({
            "format_version": "1.0",
            "valid": errors == 0,
            "error_count": errors,
            "warning_count": self.0.len() - errors,
            "diagnostics": self.0.iter().map(Diagnostic::to_json).collect::<Vec<_>>(),
        })
    }

    /// Only the warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.severity == Severity::Warning)
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Diagnostics {
        Diagnostics(vec![d])
    }
}

/// The closest candidate to `name` by edit distance, if it is close enough to suggest.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(name, c);
        if d <= 2.max(name.len() / 3) && best.map(|(bd, _)| d < bd).unwrap_or(true) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c.to_string())
}

/// A " Did you mean \"x\"?" suffix, or empty.
pub fn suggestion<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    did_you_mean(name, candidates)
        .map(|c| format!(" Did you mean \"{c}\"?"))
        .unwrap_or_default()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_with_source_line_and_marker() {
        let file = SourceFile::new(
            Path::new("main.tf"),
            "main.tf".into(),
            "resource \"aws_s3_bucket\" \"a\" {\n  buckt = \"x\"\n}\n".into(),
        );
        let d = Diagnostic::error("Unsupported argument", "Did you mean \"bucket\"?")
            .at(Some(Span { file, range: 33..38 }))
            .within("resource \"aws_s3_bucket\" \"a\"");
        let text = d.to_string();
        assert_eq!(
            text,
            "Error: Unsupported argument\n\n  on main.tf line 2, in resource \"aws_s3_bucket\" \"a\":\n   2:   buckt = \"x\"\n        ^^^^^\n\nDid you mean \"bucket\"?\n"
        );
    }

    #[test]
    fn suggests_close_names() {
        assert_eq!(did_you_mean("buckt", ["bucket", "tags"]), Some("bucket".into()));
        assert_eq!(did_you_mean("zzzzzz", ["bucket", "tags"]), None);
    }
}
