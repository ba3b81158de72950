//! Rendering: a diagnostic with the text its labels point into, and the
//! places in other files it names as notes with those files' text.

use miette::{
    Diagnostic as MietteDiagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan,
    NamedSource,
};

use super::{Diagnostic, Sources};
use crate::span::SourceId;

/// One diagnostic reported on file `file`, rendered as people read it: its
/// labels in the text they point into, a place in another file as a note
/// with that file's text.
#[must_use]
pub fn render(
    handler: &GraphicalReportHandler,
    sources: &Sources<'_>,
    file: SourceId,
    diagnostic: &Diagnostic,
) -> String {
    let home = diagnostic.home().unwrap_or(file);
    let named = |id: SourceId| {
        sources
            .get(id)
            .map(|(name, text)| NamedSource::new(name, Windowed(text.to_owned())))
    };
    let mut near = Vec::new();
    let mut notes = Vec::new();
    for (span, label) in diagnostic.elsewhere() {
        let labeled = LabeledSpan::new_with_span(Some(label), span);
        if span.source == home {
            near.push(labeled);
        } else if let Some(source) = named(span.source) {
            let message = format!("see {}", source.name());
            notes.push(Note {
                message,
                label: labeled,
                source,
            });
        }
    }
    let located = Located {
        inner: diagnostic,
        source: named(home),
        near,
        notes,
    };
    let mut out = String::new();
    let _ = handler.render_report(&mut out, &located);
    out
}

/// A source text whose snippets stay short: around a label on a very long
/// line (a minified file, a pasted blob), only a window of that line is
/// shown, not megabytes of it.
#[derive(Debug)]
struct Windowed(String);

impl Windowed {
    /// Longer snippets than this are cut down to a window.
    const LONGEST: usize = 2000;
    /// How much of the line a window shows on each side of the label.
    const AROUND: usize = 120;
}

impl miette::SourceCode for Windowed {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let contents = self.0.read_span(span, before, after)?;
        if contents.data().len() <= Self::LONGEST {
            return Ok(contents);
        }
        let text = self.0.as_str();
        let floor = |mut i: usize| {
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        // A label cut short (see `Located::labels`) may end inside a
        // character: every slice here starts and ends on one.
        let from = floor(span.offset().min(text.len()));
        let to = floor((from + span.len()).min(text.len()));
        let line_start = text[..from].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[to..].find('\n').map_or(text.len(), |i| to + i);
        let start = floor(from.saturating_sub(Self::AROUND).max(line_start));
        let end = floor((to + Self::AROUND).min(line_end)).max(to);
        let line = text[..start].matches('\n').count();
        Ok(Box::new(miette::MietteSpanContents::new(
            &text.as_bytes()[start..end],
            miette::SourceSpan::new(start.into(), end - start),
            line,
            start - line_start,
            1,
        )))
    }
}

/// A diagnostic with the text its labels point into.
#[derive(Debug)]
struct Located<'a> {
    inner: &'a Diagnostic,
    source: Option<NamedSource<Windowed>>,
    /// Places of [`Diagnostic::elsewhere`] in the same text.
    near: Vec<LabeledSpan>,
    /// Places of [`Diagnostic::elsewhere`] in other texts.
    notes: Vec<Note>,
}

impl std::fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt(f)
    }
}

impl std::error::Error for Located<'_> {}

impl MietteDiagnostic for Located<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.inner.code()
    }

    fn severity(&self) -> Option<miette::Severity> {
        self.inner.severity()
    }

    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.inner.help()
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let own = self.inner.labels().into_iter().flatten();
        Some(Box::new(own.chain(self.near.iter().cloned()).map(
            |label| {
                // A label over a huge value underlines its start, so that the
                // snippet stays a window (see `Windowed`).
                let len = label.len().min(Windowed::AROUND);
                LabeledSpan::new(label.label().map(str::to_owned), label.offset(), len)
            },
        )))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn MietteDiagnostic> + 'b>> {
        if self.notes.is_empty() {
            return None;
        }
        Some(Box::new(
            self.notes.iter().map(|n| n as &dyn MietteDiagnostic),
        ))
    }
}

/// A place in another file that a diagnostic names.
#[derive(Debug)]
struct Note {
    message: String,
    label: LabeledSpan,
    source: NamedSource<Windowed>,
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Note {}

impl MietteDiagnostic for Note {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(self.label.clone())))
    }
}

/// The renderer of snapshots and of terminals without colour: unicode,
/// no colour, 80 columns.
#[must_use]
pub fn plain_handler() -> GraphicalReportHandler {
    GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor()).with_width(80)
}
