//! Where things are written: byte spans, names with their span, and values
//! with their span. Below every stage: the syntax tree, the resolved form,
//! the model and the diagnostics all point into sources with these.

use std::fmt;

/// Which source text a span is in: a file given on the command line (in
/// the order given, from 0) or an embedded stdlib (from the top down).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct SourceId(pub u32);

impl SourceId {
    /// The id of the `index`th embedded stdlib.
    #[must_use]
    pub fn stdlib(index: usize) -> Self {
        SourceId(u32::MAX - u32::try_from(index).unwrap_or(0))
    }

    /// Whether this is an embedded stdlib rather than a user's file.
    #[must_use]
    pub fn is_stdlib(self) -> bool {
        self.0 > u32::MAX / 2
    }
}

/// A byte range in one source text, and which text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub source: SourceId,
    pub start: usize,
    pub end: usize,
}

impl Span {
    #[must_use]
    pub fn new(source: SourceId, start: usize, end: usize) -> Self {
        Self { source, start, end }
    }

    /// The smallest span covering both (of the first's source).
    #[must_use]
    pub fn to(self, other: Span) -> Span {
        Span::new(
            self.source,
            self.start.min(other.start),
            self.end.max(other.end),
        )
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        (span.start, span.end - span.start).into()
    }
}

/// A name as written, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    pub text: String,
    pub span: Span,
}

impl fmt::Display for Ident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Anything with a span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub node: T,
    pub span: Span,
}
