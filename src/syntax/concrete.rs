//! Source text -> concrete syntax tree: every token as written, in order,
//! comments and blank lines included. The formatter reads it; the compiler
//! reads the abstract tree of `parse.rs`, which has no use for comments.
//!
//! The grammar's rules make the nodes. Between a rule's children lies what
//! pest does not keep as pairs: whitespace, comments and literal punctuation
//! (`{`, `}`, `=`, `:`, `,`, `[`, `]`, `(`, `)`); this module reads them from
//! the text in those gaps, so nothing the author wrote is left out. A
//! comment belongs to the innermost node that has tokens on both sides of
//! it; one before a node's first token or after its last belongs to the
//! parent, so that a comment above a statement is not taken into the
//! statement before it (pest's implicit whitespace can reach past it).

use pest::Parser as _;
use pest::iterators::Pair;

use super::parse::{Grammar, Rule};
use crate::diagnostic::Diagnostic;
use crate::span::{SourceId, Span};

/// A file as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tree<'a> {
    /// The `file` rule; comments after the last token are its last children.
    pub root: Node<'a>,
    pub source: &'a str,
}

/// A rule of the grammar and what it matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node<'a> {
    pub rule: Rule,
    pub span: Span,
    pub children: Vec<Element<'a>>,
}

/// A child of a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Element<'a> {
    Node(Node<'a>),
    Token(Token<'a>),
}

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A name, keyword or literal value: the text of a rule without children
    /// (or of a string, `ip:port` or `port/proto`, taken whole).
    Word(Rule),
    /// Literal punctuation of the grammar, or the byte order mark.
    Punct,
    /// `# ...` to the end of the line (without the line break).
    Comment,
}

/// A token with the line breaks before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub kind: TokenKind,
    pub text: &'a str,
    pub span: Span,
    /// Line breaks between the previous token and this one: 0 on the same
    /// line, 2 or more after a blank line.
    pub newlines_before: usize,
}

impl Element<'_> {
    /// Line breaks before the element's first token.
    #[must_use]
    pub fn newlines_before(&self) -> usize {
        match self {
            Element::Token(token) => token.newlines_before,
            Element::Node(node) => node.first_token().map_or(0, |t| t.newlines_before),
        }
    }

    /// Whether this is a comment.
    #[must_use]
    pub fn is_comment(&self) -> bool {
        matches!(self, Element::Token(t) if t.kind == TokenKind::Comment)
    }

    /// Whether this is the punctuation `text`.
    #[must_use]
    pub fn is_punct(&self, text: &str) -> bool {
        matches!(self, Element::Token(t) if t.kind == TokenKind::Punct && t.text == text)
    }
}

impl<'a> Node<'a> {
    /// The node's first token.
    #[must_use]
    pub fn first_token(&self) -> Option<&Token<'a>> {
        self.children.iter().find_map(|child| match child {
            Element::Token(token) => Some(token),
            Element::Node(node) => node.first_token(),
        })
    }

    /// Every token of the node, in order.
    #[must_use]
    pub fn tokens(&self) -> Vec<Token<'a>> {
        let mut tokens = Vec::new();
        self.collect_tokens(&mut tokens);
        tokens
    }

    fn collect_tokens(&self, tokens: &mut Vec<Token<'a>>) {
        for child in &self.children {
            match child {
                Element::Token(token) => tokens.push(*token),
                Element::Node(node) => node.collect_tokens(tokens),
            }
        }
    }
}

/// Rules taken whole as one token: their parts cannot be spaced apart.
const WHOLE: &[Rule] = &[Rule::string, Rule::host_port, Rule::port_proto];

/// The concrete tree of `source`, or the syntax diagnostics of a file that
/// does not parse (as [`super::parse`] reports them).
pub fn parse(id: SourceId, source: &str) -> Result<Tree<'_>, Vec<Diagnostic>> {
    super::parse(id, source)?;
    let root = Grammar::parse(Rule::file, source)
        .ok()
        .and_then(|mut pairs| pairs.next())
        .ok_or_else(Vec::new)?;
    let mut builder = Builder {
        id,
        source,
        previous_end: 0,
    };
    let mut root = builder.node(&root);
    // The comments and line breaks after the last token.
    let end = source.len();
    builder.gap(end, &mut root.children);
    Ok(Tree { root, source })
}

struct Builder<'a> {
    id: SourceId,
    source: &'a str,
    /// Where the last token ended: gaps are read from here.
    previous_end: usize,
}

impl<'a> Builder<'a> {
    /// The node of `pair`. Trivia before its first token and after its last
    /// are left for the parent: the caller reads them as a gap.
    fn node(&mut self, pair: &Pair<'a, Rule>) -> Node<'a> {
        let rule = pair.as_rule();
        let start = pair.as_span().start();
        let mut children = Vec::new();
        let childless = pair.clone().into_inner().next().is_none();
        if rule == Rule::list && childless {
            // `[]`, `[ ]` or `[ # ... ]`: punctuation, maybe comments.
            self.gap_within(pair.as_span().end(), &mut children);
        } else if WHOLE.contains(&rule) || childless {
            self.word(rule, pair, &mut children);
        } else {
            for inner in pair.clone().into_inner() {
                if inner.as_rule() == Rule::EOI {
                    continue;
                }
                // The punctuation and comments before this child.
                self.gap(inner.as_span().start(), &mut children);
                let child = self.node(&inner);
                children.push(Element::Node(child));
            }
            // Punctuation after the last child (a closing brace), but not
            // the trivia after the node's last token.
            self.gap_within(pair.as_span().end(), &mut children);
        }
        let end = self.previous_end.max(start);
        Node {
            rule,
            span: Span::new(self.id, start, end),
            children,
        }
    }

    fn word(&mut self, rule: Rule, pair: &Pair<'a, Rule>, children: &mut Vec<Element<'a>>) {
        let span = pair.as_span();
        let newlines_before = self.newlines(span.start());
        self.previous_end = span.end();
        if span.start() == span.end() {
            return;
        }
        children.push(Element::Token(Token {
            kind: TokenKind::Word(rule),
            text: span.as_str(),
            span: Span::new(self.id, span.start(), span.end()),
            newlines_before,
        }));
    }

    /// Line breaks between the last token and `at`.
    fn newlines(&self, at: usize) -> usize {
        self.source
            .get(self.previous_end..at)
            .map_or(0, |gap| gap.matches('\n').count())
    }

    /// Reads the gap at the end of a node up to `end` into `children`, but
    /// leaves the comments after its last punctuation unread: they follow
    /// the node, and the parent reads them.
    fn gap_within(&mut self, end: usize, children: &mut Vec<Element<'a>>) {
        let mut tokens = self.scan(end);
        let kept = tokens
            .iter()
            .rposition(|t| t.kind == TokenKind::Punct)
            .map_or(0, |last| last + 1);
        tokens.truncate(kept);
        self.take(tokens, children);
    }

    /// Reads the whole gap up to `end`, trivia included, into `children`.
    fn gap(&mut self, end: usize, children: &mut Vec<Element<'a>>) {
        let tokens = self.scan(end);
        self.take(tokens, children);
    }

    /// Adds the tokens of a gap to `children`, with their line breaks.
    fn take(&mut self, tokens: Vec<Token<'a>>, children: &mut Vec<Element<'a>>) {
        for mut token in tokens {
            token.newlines_before = self.newlines(token.span.start);
            self.previous_end = token.span.end;
            children.push(Element::Token(token));
        }
    }

    /// The comments and punctuation between the last token and `end`.
    fn scan(&self, end: usize) -> Vec<Token<'a>> {
        let mut tokens = Vec::new();
        let start = self.previous_end;
        let Some(gap) = self.source.get(start..end) else {
            return tokens;
        };
        let mut chars = gap.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            let (kind, length) = match c {
                c if c.is_whitespace() && c != '\u{FEFF}' => continue,
                '#' => {
                    let line = &gap[at..];
                    let length = line.find(['\n', '\r']).unwrap_or(line.len());
                    while chars.peek().is_some_and(|(next, _)| *next < at + length) {
                        chars.next();
                    }
                    (TokenKind::Comment, length)
                }
                c => (TokenKind::Punct, c.len_utf8()),
            };
            let from = start + at;
            tokens.push(Token {
                kind,
                text: &self.source[from..from + length],
                span: Span::new(self.id, from, from + length),
                newlines_before: 0,
            });
        }
        tokens
    }
}
