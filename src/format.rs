//! `onefront fmt`: one canonical layout for every file, read from the
//! concrete syntax tree ([`crate::syntax::concrete`]) so that every token
//! and every comment comes back, in order. Only the space between tokens
//! changes:
//!
//! - two spaces of indentation a block, one statement a line, `{` at the end
//!   of a block's first line and `}` alone on the last (`{}` when empty);
//! - at most one blank line between statements, kept where the author put
//!   one, none after `{` or before `}`;
//! - one space between the tokens of a statement, none before `,` `:` `)`
//!   `]` or `(`, none after `(` or `[`;
//! - runs of `NAME = value` lines aligned on `=`, and the trailing comments
//!   of a run aligned two spaces after its longest line; a blank line, a
//!   comment line or a block ends a run;
//! - a comment between two tokens of a statement ends its line there, and
//!   the statement goes on, one level deeper, on the next.
//!
//! Values are written as the author spelled them: the formatter never adds
//! or removes quotes, and `yes` stays `yes`.

use crate::diagnostic::Diagnostic;
use crate::span::SourceId;
use crate::syntax::Rule;
use crate::syntax::concrete::{self, Element, Node, Token, TokenKind};

const INDENT: &str = "  ";

/// `source` in the canonical layout, or the syntax diagnostics of a file
/// that does not parse (which is then left as it is).
pub fn format(id: SourceId, source: &str) -> Result<String, Vec<Diagnostic>> {
    let tree = concrete::parse(id, source)?;
    let mut out = String::with_capacity(source.len() + source.len() / 8);
    let mut children = tree.root.children.as_slice();
    if let Some((Element::Token(bom), rest)) = children.split_first()
        && bom.text == "\u{FEFF}"
    {
        out.push_str(bom.text);
        children = rest;
    }
    let mut lines = Vec::new();
    body(children, 0, &mut lines);
    render(&lines, &mut out);
    Ok(out)
}

/// A line of output before alignment.
#[derive(Debug)]
enum Line {
    Blank,
    /// A comment on a line of its own.
    Comment {
        depth: usize,
        text: String,
    },
    /// A statement on one line; runs of them are aligned.
    Single {
        depth: usize,
        /// For `NAME = value`: the name and the rest from `=` on.
        assignment: Option<(String, String)>,
        code: String,
        trailing: Option<String>,
    },
    /// A line of a statement that spans several (a block's first and last
    /// lines, a statement broken by a comment); it ends a run.
    Other {
        depth: usize,
        code: String,
        trailing: Option<String>,
    },
}

/// The lines of a sequence of statements and comments at `depth`.
fn body(elements: &[Element<'_>], depth: usize, lines: &mut Vec<Line>) {
    let first_line = lines.len();
    for element in elements {
        let newlines = element.newlines_before();
        if let Element::Token(token) = element
            && token.kind == TokenKind::Comment
        {
            // On the line of the statement before, or of the block's `{`.
            if newlines == 0 && attach_trailing(lines, token.text) {
                continue;
            }
            let after_something = lines.len() > first_line;
            if newlines >= 2 && after_something {
                lines.push(Line::Blank);
            }
            lines.push(Line::Comment {
                depth,
                text: comment(token.text),
            });
            continue;
        }
        if newlines >= 2 && lines.len() > first_line {
            lines.push(Line::Blank);
        }
        match element {
            Element::Node(node) => statement(node, depth, lines),
            // Punctuation outside any statement: none in a file that parses,
            // but never dropped.
            Element::Token(token) => lines.push(Line::Other {
                depth,
                code: token.text.to_owned(),
                trailing: None,
            }),
        }
    }
}

/// Makes `text` the trailing comment of the last line, if it has none.
fn attach_trailing(lines: &mut [Line], text: &str) -> bool {
    match lines.last_mut() {
        Some(Line::Single { trailing, .. } | Line::Other { trailing, .. })
            if trailing.is_none() =>
        {
            *trailing = Some(comment(text));
            true
        }
        _ => false,
    }
}

/// A comment without the blanks at its end.
fn comment(text: &str) -> String {
    text.trim_end().to_owned()
}

/// The lines of one statement: a block, or a line of tokens.
fn statement(node: &Node<'_>, depth: usize, lines: &mut Vec<Line>) {
    let open = node.children.iter().position(|c| c.is_punct("{"));
    let close = node.children.iter().rposition(|c| c.is_punct("}"));
    if let (Some(open), Some(close)) = (open, close)
        && open < close
    {
        block(node, open, close, depth, lines);
        return;
    }
    let tokens = node.tokens();
    let (code, line_depth) = tokens_line(&tokens, depth, lines);
    let assignment = (node.rule == Rule::assignment && line_depth == depth)
        .then(|| code.split_once(" = "))
        .flatten()
        .map(|(name, rest)| (name.to_owned(), format!("= {rest}")));
    lines.push(Line::Single {
        depth: line_depth,
        assignment,
        code,
        trailing: None,
    });
}

/// `HEADER {`, the body one level deeper, `}`.
fn block(node: &Node<'_>, open: usize, close: usize, depth: usize, lines: &mut Vec<Line>) {
    let mut header: Vec<Token<'_>> = Vec::new();
    for child in &node.children[..open] {
        match child {
            Element::Token(token) => header.push(*token),
            Element::Node(inner) => header.extend(inner.tokens()),
        }
    }
    let (mut code, header_depth) = tokens_line(&header, depth, lines);
    let inside = &node.children[open + 1..close];
    if inside.is_empty() {
        code.push_str(if code.is_empty() { "{}" } else { " {}" });
        lines.push(Line::Other {
            depth: header_depth,
            code,
            trailing: None,
        });
    } else {
        code.push_str(if code.is_empty() { "{" } else { " {" });
        lines.push(Line::Other {
            depth: header_depth,
            code,
            trailing: None,
        });
        body(inside, depth + 1, lines);
        lines.push(Line::Other {
            depth,
            code: "}".to_owned(),
            trailing: None,
        });
    }
    // Anything after the closing brace: none in a file that parses.
    let after: Vec<Token<'_>> = node.children[close + 1..]
        .iter()
        .flat_map(|child| match child {
            Element::Token(token) => vec![*token],
            Element::Node(inner) => inner.tokens(),
        })
        .collect();
    if !after.is_empty() {
        let (code, depth) = tokens_line(&after, depth, lines);
        lines.push(Line::Other {
            depth,
            code,
            trailing: None,
        });
    }
}

/// The tokens of a statement on one line. A comment among them ends the
/// line there (pushed to `lines`) and the rest goes on one level deeper:
/// the last line, and its depth.
fn tokens_line(tokens: &[Token<'_>], depth: usize, lines: &mut Vec<Line>) -> (String, usize) {
    let mut code = String::new();
    let mut line_depth = depth;
    let mut previous: Option<&Token<'_>> = None;
    for token in tokens {
        if token.kind == TokenKind::Comment {
            let text = comment(token.text);
            if code.is_empty() {
                lines.push(Line::Comment {
                    depth: depth + 1,
                    text,
                });
            } else {
                lines.push(Line::Other {
                    depth: line_depth,
                    code: std::mem::take(&mut code),
                    trailing: Some(text),
                });
            }
            line_depth = depth + 1;
            previous = None;
            continue;
        }
        if let Some(previous) = previous
            && spaced(previous, token)
        {
            code.push(' ');
        }
        code.push_str(token.text);
        previous = Some(token);
    }
    (code, line_depth)
}

/// Whether a space goes between two tokens of a statement.
fn spaced(before: &Token<'_>, after: &Token<'_>) -> bool {
    let punct = |token: &Token<'_>, set: &[&str]| {
        token.kind == TokenKind::Punct && set.contains(&token.text)
    };
    !(punct(after, &[",", ":", ")", "]", "("]) || punct(before, &["(", "["]))
}

/// Writes the lines, aligning runs of single lines.
fn render(lines: &[Line], out: &mut String) {
    let mut start = 0;
    while start < lines.len() {
        let end = start
            + lines[start..]
                .iter()
                .position(|l| !matches!(l, Line::Single { .. }))
                .unwrap_or(lines.len() - start);
        if end == start {
            write_line(&lines[start], out, None, None);
            start += 1;
            continue;
        }
        write_run(&lines[start..end], out);
        start = end;
    }
    // One line break at the end, none before the first line.
    while out.ends_with("\n\n") {
        out.pop();
    }
}

/// A run of single lines: `=` aligned among the assignments of one depth,
/// trailing comments aligned two spaces after the longest commented line.
fn write_run(run: &[Line], out: &mut String) {
    let name_width = run
        .iter()
        .filter_map(|l| match l {
            Line::Single {
                assignment: Some((name, _)),
                ..
            } => Some(name.chars().count()),
            _ => None,
        })
        .max();
    let code_of = |line: &Line| match line {
        Line::Single {
            assignment: Some((name, rest)),
            ..
        } if name_width.is_some() => {
            let pad = name_width.unwrap_or(0) - name.chars().count();
            format!("{name}{} {rest}", " ".repeat(pad))
        }
        Line::Single { code, .. } => code.clone(),
        _ => String::new(),
    };
    let comment_column = run
        .iter()
        .filter(|l| {
            matches!(
                l,
                Line::Single {
                    trailing: Some(_),
                    ..
                }
            )
        })
        .map(|l| indent_width(l) + code_of(l).chars().count())
        .max();
    for line in run {
        write_line(line, out, Some(&code_of(line)), comment_column);
    }
}

fn indent_width(line: &Line) -> usize {
    match line {
        Line::Single { depth, .. } | Line::Other { depth, .. } | Line::Comment { depth, .. } => {
            depth * INDENT.len()
        }
        Line::Blank => 0,
    }
}

/// One line; `code` replaces the line's own, `column` places its comment.
fn write_line(line: &Line, out: &mut String, code: Option<&str>, column: Option<usize>) {
    let (depth, own, trailing) = match line {
        Line::Blank => {
            out.push('\n');
            return;
        }
        Line::Comment { depth, text } => (*depth, text.as_str(), None),
        Line::Single {
            depth,
            code,
            trailing,
            ..
        }
        | Line::Other {
            depth,
            code,
            trailing,
        } => (*depth, code.as_str(), trailing.as_deref()),
    };
    let code = code.unwrap_or(own);
    let start = out.len();
    for _ in 0..depth {
        out.push_str(INDENT);
    }
    out.push_str(code);
    if let Some(text) = trailing {
        let width = out[start..].chars().count();
        let pad = column.map_or(2, |c| (c + 2).saturating_sub(width)).max(2);
        out.push_str(&" ".repeat(pad));
        out.push_str(text);
    }
    out.push('\n');
}
