//! The common slips of people who write YAML, TOML and HCL, named as such
//! instead of pest's expected set, and recovery after a syntax error: the
//! parser blanks the broken statement (or closes an unclosed block) in a
//! working copy of the same length, so every span stays true, and parses
//! again to find what comes after.

use crate::diagnostic::{Diagnostic, Home};
use crate::span::{SourceId, Span};

/// A block open at some position: where its `{` is, the indentation of the
/// line that opens it, and that line's words before the `{`.
#[derive(Debug, Clone)]
struct Open {
    brace: usize,
    indent: usize,
    head: String,
}

/// The blocks open at `at`, outermost first, pairing each `}` with the open
/// block of the same indentation when there is one (so that a missing `}`
/// is blamed on the block whose closing line is missing, not the outermost).
fn open_blocks(source: &str, at: usize) -> (Vec<Open>, Vec<Open>) {
    let mut open: Vec<Open> = Vec::new();
    let mut unclosed: Vec<Open> = Vec::new();
    for (pos, c) in code_chars(&source[..at.min(source.len())]) {
        let line_start = source[..pos].rfind('\n').map_or(0, |i| i + 1);
        let line = &source[line_start..pos];
        let indent = line.len() - line.trim_start().len();
        match c {
            '{' => open.push(Open {
                brace: pos,
                indent,
                // Without a `}` that recovery put before it.
                head: line.trim().trim_start_matches(['}', ' ']).to_owned(),
            }),
            '}' => {
                // A `}` alone on its line closes the block of its indentation.
                let alone = line.trim().is_empty();
                match open.iter().rposition(|o| o.indent == indent) {
                    Some(matching) if alone && matching + 1 < open.len() => {
                        unclosed.extend(open.drain(matching + 1..));
                        open.pop();
                    }
                    _ => {
                        open.pop();
                    }
                }
            }
            _ => {}
        }
    }
    (open, unclosed)
}

/// The characters of `text` that are code: outside strings and comments.
fn code_chars(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let (mut in_string, mut in_comment, mut escaped) = (false, false, false);
    text.char_indices().filter(move |&(_, c)| {
        let code = match c {
            '\n' => {
                (in_comment, in_string) = (false, false);
                false
            }
            _ if in_comment => false,
            '\\' if in_string && !escaped => {
                escaped = true;
                return false;
            }
            '"' if !escaped => {
                in_string = !in_string;
                false
            }
            '#' if !in_string => {
                in_comment = true;
                false
            }
            _ => !in_string,
        };
        escaped = false;
        code
    })
}

/// The line around `at`: its start, its end (before the newline), and the
/// code part of it before `at`.
fn line_at(source: &str, at: usize) -> (usize, usize) {
    let at = at.min(source.len());
    let start = source[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = source[at..].find('\n').map_or(source.len(), |i| at + i);
    (start, end)
}

/// The code of a line, without its comment and trailing blanks.
fn code_of(line: &str) -> &str {
    let (mut in_string, mut escaped) = (false, false);
    let mut comment = None;
    for (i, c) in line.char_indices() {
        match c {
            '\\' if in_string && !escaped => {
                escaped = true;
                continue;
            }
            '"' if !escaped => in_string = !in_string,
            '#' if !in_string => {
                comment = Some(i);
                break;
            }
            _ => {}
        }
        escaped = false;
    }
    line[..comment.unwrap_or(line.len())].trim_end()
}

/// The statements of a deployment block, by their first word.
pub const DEPLOYMENT_WORDS: &[&str] = &[
    "image",
    "layout",
    "bind",
    "restart",
    "maintenance",
    "env",
    "publish",
    "volume",
    "mount",
    "without",
    "external",
    "container",
    "runtime",
    "compose",
];

/// Statements only a container block takes.
const CONTAINER_WORDS: &[&str] = &["privileged", "capabilities", "runs"];

/// A parameter name: capitals, digits and `_`, starting with a capital.
fn is_param_name(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_uppercase())
        && word
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Where pest stopped, with what a slip detector looks at.
struct Spot<'a> {
    id: SourceId,
    source: &'a str,
    at: usize,
    /// The word or character there, `""` at the end.
    found: &'a str,
    line_start: usize,
    line_end: usize,
    /// The code of the line before `at`, trimmed.
    before: &'a str,
}

impl Spot<'_> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.id, start, end)
    }

    /// Whether `at` starts a statement (nothing before it on its line).
    fn at_statement_start(&self) -> bool {
        self.before.is_empty()
    }
}

/// Names a slip at `at`, where pest stopped with `found` (the word or
/// character there, `""` at the end) and `expects_equals` (whether `=` was
/// one of the things that could come). `reported` are the blocks already
/// reported unclosed (their `{`), which recovery has closed.
pub(crate) fn slip(
    id: SourceId,
    source: &str,
    at: usize,
    found: &str,
    expects_equals: bool,
    reported: &[usize],
) -> Option<Diagnostic> {
    let (line_start, line_end) = line_at(source, at);
    let spot = Spot {
        id,
        source,
        at,
        found,
        line_start,
        line_end,
        before: source[line_start..at.min(source.len())].trim(),
    };
    missing_value(&spot)
        .or_else(|| missing_open_brace(&spot))
        .or_else(|| unclosed_block(&spot, reported))
        .or_else(|| yaml_colon(&spot))
        .or_else(|| quoted_name(&spot))
        .or_else(|| missing_equals(&spot, expects_equals))
        .or_else(|| unquoted_text(&spot))
        .or_else(|| outside_block(&spot))
}

/// `NAME =` with the value missing: pest notices on the next line.
fn missing_value(spot: &Spot<'_>) -> Option<Diagnostic> {
    if !spot.at_statement_start() {
        return None;
    }
    let (equals, name) = dangling_equals(spot.source, spot.line_start)?;
    Some(Diagnostic::MissingValue {
        name,
        span: spot.span(equals, equals + 1),
    })
}

/// `deployment NAME` (or `container NAME`, `env`) and no `{`.
fn missing_open_brace(spot: &Spot<'_>) -> Option<Diagnostic> {
    if !spot.at_statement_start() {
        return None;
    }
    let (head, after) = headless_block(spot.source, spot.line_start)?;
    Some(Diagnostic::MissingOpenBrace {
        head,
        span: spot.span(after, after + 1),
    })
}

/// A file or block that ends before its `}`, or a `deployment` that starts
/// inside another one: a `}` is missing, blamed on the block whose closing
/// line is missing.
fn unclosed_block(spot: &Spot<'_>, reported: &[usize]) -> Option<Diagnostic> {
    let starts_a_deployment = spot.found == "deployment" && spot.at_statement_start();
    if !(spot.found.is_empty() || starts_a_deployment) {
        return None;
    }
    let (open, unclosed) = open_blocks(spot.source, spot.at);
    let culprit = unclosed
        .iter()
        .chain(open.iter().rev())
        .find(|o| !reported.contains(&o.brace))?;
    Some(Diagnostic::UnclosedBlock {
        block: culprit.head.clone(),
        span: spot.span(culprit.brace, culprit.brace + 1),
        at: spot.span(spot.at, spot.at + spot.found.len()),
    })
}

/// `layout: reference`, `OPENNEBULA_FRONTEND_HOST: "x"`: YAML's colon,
/// found as the colon or as the statement it breaks.
fn yaml_colon(spot: &Spot<'_>) -> Option<Diagnostic> {
    let colon = if spot.found == ":" {
        spot.at
    } else if spot.at_statement_start() {
        let after = spot.at + spot.found.len();
        let gap = spot.source.get(after..spot.line_end).unwrap_or_default();
        let blanks = gap.len() - gap.trim_start().len();
        gap.trim_start()
            .starts_with(':')
            .then_some(after + blanks)?
    } else {
        return None;
    };
    let before = spot.source[spot.line_start..colon].trim();
    if before.is_empty() || before.contains(['=', ':']) {
        return None;
    }
    let word = before.split_whitespace().last()?.to_owned();
    let rest = code_of(&spot.source[colon + 1..spot.line_end]).trim();
    let fixed = if is_param_name(&word) {
        format!("{word} = {rest}")
    } else {
        format!("{before} {rest}")
    };
    Some(Diagnostic::YamlColon {
        word,
        fixed,
        span: spot.span(colon, colon + 1),
    })
}

/// `deployment "name" {`: HCL quotes its block labels.
fn quoted_name(spot: &Spot<'_>) -> Option<Diagnostic> {
    if spot.found != "\"" || !matches!(spot.before, "deployment" | "container" | "layout") {
        return None;
    }
    let rest = &spot.source[spot.at + 1..spot.line_end];
    let name = &rest[..rest.find('"')?];
    Some(Diagnostic::QuotedName {
        keyword: spot.before.to_owned(),
        name: name.to_owned(),
        span: spot.span(spot.at, spot.at + name.len() + 2),
    })
}

/// `NAME value`: the `=` is missing.
fn missing_equals(spot: &Spot<'_>, expects_equals: bool) -> Option<Diagnostic> {
    let blocked = spot.found.starts_with(['=', '}', '\n']);
    if !expects_equals || !is_param_name(spot.before) || blocked {
        return None;
    }
    Some(Diagnostic::MissingEquals {
        name: spot.before.to_owned(),
        span: spot.span(spot.at, spot.at + spot.found.len().max(1)),
    })
}

/// `NAME = one.example.com`, `NAME = some text`: text needs quotes.
fn unquoted_text(spot: &Spot<'_>) -> Option<Diagnostic> {
    let (name, _) = spot.before.split_once('=')?;
    let line = &spot.source[spot.line_start..spot.line_end];
    let value_start = spot.line_start + line.find('=')? + 1;
    let value = code_of(&spot.source[value_start..spot.line_end]).trim();
    let bare = !value.starts_with(['"', '[', '/']) && !value.is_empty();
    let odd = value.contains(char::is_whitespace)
        || value.contains(['.', ':', '@', '*'])
        || value.contains(|c: char| !c.is_ascii());
    if !(is_param_name(name.trim()) && bare && odd) {
        return None;
    }
    let offset = value_start + spot.source[value_start..].find(value)?;
    Some(Diagnostic::UnquotedText {
        text: value.to_owned(),
        span: spot.span(offset, offset + value.len()),
    })
}

/// A statement outside the block it belongs in.
fn outside_block(spot: &Spot<'_>) -> Option<Diagnostic> {
    if !spot.at_statement_start() {
        return None;
    }
    let (open, _) = open_blocks(spot.source, spot.at);
    let inner = open.last().map(|o| first_word(&o.head));
    let word = spot.found;
    let home = match inner {
        Some("deployment" | "container") if is_param_name(word) => Home::Env,
        None if is_param_name(word) => Home::DeploymentEnv,
        None if DEPLOYMENT_WORDS.contains(&word) => Home::Deployment,
        Some("deployment") | None if CONTAINER_WORDS.contains(&word) => Home::Container,
        Some("env") if DEPLOYMENT_WORDS.contains(&word) => Home::AfterEnv,
        _ => return None,
    };
    Some(Diagnostic::OutsideBlock {
        statement: word.to_owned(),
        home,
        span: spot.span(spot.at, spot.at + word.len()),
    })
}

/// The code line before the line at `line_start`, skipping blank and
/// comment-only lines: its start and its code.
fn previous_code_line(source: &str, line_start: usize) -> Option<(usize, &str)> {
    let mut end = line_start.checked_sub(1)?;
    loop {
        let (start, _) = line_at(source, end);
        let code = code_of(&source[start..end]).trim();
        if !code.is_empty() {
            return Some((start, code_of(&source[start..end])));
        }
        end = start.checked_sub(1)?;
    }
}

/// A statement that ends in `=` on the line before: where its `=` is, and
/// the parameter's name.
fn dangling_equals(source: &str, line_start: usize) -> Option<(usize, String)> {
    let (start, code) = previous_code_line(source, line_start)?;
    let name = code.trim().strip_suffix('=')?.trim();
    is_param_name(name).then(|| (start + code.len() - 1, name.to_owned()))
}

/// A line that opens a block but lacks its `{`: the line's code, and where
/// the `{` belongs (just after it).
fn headless_block(source: &str, line_start: usize) -> Option<(String, usize)> {
    let (start, code) = previous_code_line(source, line_start)?;
    let words: Vec<&str> = code.split_whitespace().collect();
    let opens = matches!(
        words.as_slice(),
        ["deployment" | "container", _] | ["env"] | ["container", _, "runs", _]
    );
    opens.then(|| (code.trim().to_owned(), start + code.len()))
}

fn first_word(head: &str) -> &str {
    head.split_whitespace().next().unwrap_or_default()
}

/// Changes the working copy so that parsing can go on past the error
/// reported as `diagnostic` at `at`: a missing `}` is put in (in place of a
/// blank, so that no offset moves, or at the end); otherwise the broken
/// statement, or the whole block it opens, is blanked. `false` when nothing
/// can be done.
pub(crate) fn recover(work: &mut String, at: usize, diagnostic: &Diagnostic) -> bool {
    match diagnostic {
        // Where it was noticed, not the `{` it blames.
        Diagnostic::UnclosedBlock { at, .. } => return close_block(work, at.start),
        Diagnostic::MissingOpenBrace { span, .. } => return open_block(work, span.start),
        _ => {}
    }
    if at >= work.len() {
        return false;
    }
    let (start, end) = line_at(work, at);
    let line = &work[start..end];
    // A line that opens a block takes the block with it.
    let depth: i32 = code_chars(line)
        .map(|(_, c)| match c {
            '{' => 1,
            '}' => -1,
            _ => 0,
        })
        .sum();
    let end = if depth > 0 {
        matching_close(work, end).unwrap_or(work.len())
    } else {
        end
    };
    if work[start..end].trim().is_empty() {
        return false;
    }
    blank(work, start, end);
    true
}

/// Where the block open at `from` (with one `{` unmatched) closes: just
/// after its `}`.
fn matching_close(work: &str, from: usize) -> Option<usize> {
    let mut depth = 1usize;
    for (pos, c) in code_chars(&work[from..]) {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(from + pos + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// Puts a `}` before `at`: in place of a blank of its line's indentation,
/// else of the line break before it (blanking a comment that line ends
/// with, in the working copy only), or at the end of the text.
fn close_block(work: &mut String, at: usize) -> bool {
    if at >= work.len() {
        work.push_str("\n}");
        return true;
    }
    let (line_start, _) = line_at(work, at);
    if at > line_start && work[line_start..at].trim().is_empty() {
        // The blank before `at` may be wider than a byte (U+3000).
        let (blank_at, c) = work[..at].char_indices().last().unwrap_or((at - 1, ' '));
        let filler = format!("}}{}", " ".repeat(c.len_utf8() - 1));
        work.replace_range(blank_at..at, &filler);
        return true;
    }
    if line_start == 0 {
        return false;
    }
    let (previous, previous_end) = line_at(work, line_start - 1);
    let code_end = previous + code_of(&work[previous..previous_end]).len();
    blank(work, code_end, previous_end);
    work.replace_range(previous_end..=previous_end, "}");
    true
}

/// Puts the missing `{` at `at`, just after a block's head, in place of the
/// blank there (and of the comment after it, in the working copy only).
fn open_block(work: &mut String, at: usize) -> bool {
    let (_, end) = line_at(work, at);
    if at >= work.len() {
        work.push('{');
        return true;
    }
    blank(work, at, end);
    work.replace_range(at..=at, "{");
    true
}

/// Replaces `start..end` with spaces, keeping line breaks and the length.
fn blank(work: &mut String, start: usize, end: usize) {
    let blanked: String = work[start..end]
        .chars()
        .map(|c| {
            if c == '\n' || c == '\r' {
                c.to_string()
            } else {
                " ".repeat(c.len_utf8())
            }
        })
        .collect();
    work.replace_range(start..end, &blanked);
}

#[cfg(test)]
mod tests {
    use super::{blank, close_block, open_blocks};

    #[test]
    fn a_missing_brace_is_the_block_whose_closing_line_is_missing() {
        let text = "deployment a {\n  env {\n    X = 1\n}\ndeployment b {\n";
        let at = text.find("deployment b").unwrap_or_default();
        let (open, unclosed) = open_blocks(text, at);
        assert!(open.is_empty(), "{open:?}");
        assert_eq!(unclosed.first().map(|o| o.head.as_str()), Some("env"));
    }

    #[test]
    fn recovery_keeps_every_offset() {
        let mut text = "a\n  layout: x # é\nb".to_owned();
        let len = text.len();
        blank(&mut text, 2, 18);
        assert_eq!(text.len(), len);
        assert_eq!(text.lines().nth(1).map(str::trim), Some(""));
        let mut open = "x {\n  y\n# c\nz".to_owned();
        assert!(close_block(&mut open, 12));
        assert_eq!(open, "x {\n  y\n   }z");
        let mut indented = "x {\n  y\n  z".to_owned();
        assert!(close_block(&mut indented, 10));
        assert_eq!(indented, "x {\n  y\n }z");
    }
}
