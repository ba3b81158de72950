//! Diagnostics are data where found, words in one place: every word a user
//! reads in a diagnostic is written in `src/diagnostic/` (its attributes and
//! the `Display` of its data enums). These checks read the sources of the
//! stages and fail on prose built for a diagnostic anywhere else:
//!
//! - a variant of `Diagnostic` with a field meant for words (`help: String`);
//! - a `Diagnostic::Variant { ... }` built with `format!` or a string
//!   literal of several words in it;
//! - a field such as `help:` or `why:` given `format!` or such a literal,
//!   whatever struct it is of (prose on its way to a diagnostic);
//! - "did you mean" in a string of a stage.
//!
//! Names and values are data: `"0.0.0.0".to_owned()`, `"without"` or
//! a `format!` that builds no diagnostic pass.

use std::path::Path;

/// Names of fields and bindings that carry words.
const PROSE_FIELDS: &[&str] = &[
    "help",
    "what",
    "label",
    "why",
    "expected",
    "expected_short",
    "consequence",
    "message",
];

/// A token of Rust source, as coarse as these checks need: comments and
/// whitespace are dropped, a string literal keeps its text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Str(String),
    Word(String),
    Punct(char),
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn tokens(source: &str) -> Vec<Tok> {
    lexed(source).into_iter().map(|(tok, _)| tok).collect()
}

/// Splits Rust source into tokens, each with the line it starts on. String
/// literals (plain, raw, byte) keep their content; char literals become a
/// `'` token; lifetimes a word.
fn lexed(source: &str) -> Vec<(Tok, usize)> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    // The number of the line of `chars[i]`, from 1.
    let mut line = 1;
    let mut counted = 0;
    while i < chars.len() {
        line += chars[counted..i].iter().filter(|c| **c == '\n').count();
        counted = i;
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if let Some((text, end)) = string_at(&chars, i) {
            out.push((Tok::Str(text), line));
            i = end;
        } else if c == '\'' {
            // A char literal ('x', '\n', '"') or a lifetime ('a).
            if next == Some('\\') {
                i += 3;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
                out.push((Tok::Punct('\''), line));
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
                out.push((Tok::Punct('\''), line));
            } else {
                i += 1;
            }
        } else if is_word_char(c) {
            let start = i;
            while i < chars.len() && is_word_char(chars[i]) {
                i += 1;
            }
            out.push((Tok::Word(chars[start..i].iter().collect()), line));
        } else {
            out.push((Tok::Punct(c), line));
            i += 1;
        }
    }
    out
}

/// The string literal starting at `i` (`"..."`, `r#"..."#`, `b"..."`), with
/// where it ends.
fn string_at(chars: &[char], i: usize) -> Option<(String, usize)> {
    let mut j = i;
    if chars.get(j) == Some(&'b') {
        j += 1;
    }
    if chars.get(j) == Some(&'r') {
        j += 1;
        let hashes = chars[j..].iter().take_while(|c| **c == '#').count();
        j += hashes;
        if chars.get(j) != Some(&'"') {
            return None;
        }
        let body = j + 1;
        let mut k = body;
        while k < chars.len() {
            if chars[k] == '"'
                && chars[k + 1..]
                    .iter()
                    .take(hashes)
                    .filter(|c| **c == '#')
                    .count()
                    == hashes
            {
                return Some((chars[body..k].iter().collect(), k + 1 + hashes));
            }
            k += 1;
        }
        return None;
    }
    if chars.get(j) != Some(&'"') {
        return None;
    }
    let mut k = j + 1;
    let mut text = String::new();
    while k < chars.len() && chars[k] != '"' {
        if chars[k] == '\\' {
            k += 1;
        }
        if let Some(c) = chars.get(k) {
            text.push(*c);
        }
        k += 1;
    }
    Some((text, k + 1))
}

/// The index just past the bracket that closes the one at `open`.
fn closing(toks: &[Tok], open: usize) -> usize {
    let mut depth = 0usize;
    for (at, tok) in toks.iter().enumerate().skip(open) {
        match tok {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']' | '}') => {
                depth -= 1;
                if depth == 0 {
                    return at + 1;
                }
            }
            _ => {}
        }
    }
    toks.len()
}

/// The tokens from `start` to the first `,` or closing bracket outside
/// brackets: one field initialiser, argument or expression.
fn expression(toks: &[Tok], start: usize) -> &[Tok] {
    let mut depth = 0usize;
    for (at, tok) in toks.iter().enumerate().skip(start) {
        match tok {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']' | '}' | ',' | ';') if depth == 0 => return &toks[start..at],
            Tok::Punct(')' | ']' | '}') => depth -= 1,
            _ => {}
        }
    }
    &toks[start..]
}

/// What in these tokens is prose: a `format!`, or a string literal of
/// several words.
fn prose_in(toks: &[Tok]) -> Option<String> {
    toks.windows(2)
        .find_map(|pair| match pair {
            [Tok::Word(w), Tok::Punct('!')] if w == "format" => Some("format!(...)".to_owned()),
            _ => None,
        })
        .or_else(|| {
            toks.iter().find_map(|tok| match tok {
                Tok::Str(text) if text.trim().contains(char::is_whitespace) => {
                    Some(format!("{text:?}"))
                }
                _ => None,
            })
        })
}

/// Prose built into a diagnostic or given to a field meant for words, in
/// the source of one file of a stage: one line per finding.
fn prose_built(source: &str) -> Vec<String> {
    let (toks, lines): (Vec<Tok>, Vec<usize>) = lexed(source).into_iter().unzip();
    let mut found = Vec::new();
    for at in 0..toks.len() {
        // `Diagnostic::Variant { ... }` and `Diagnostic::Variant(...)`.
        if let [
            Tok::Word(d),
            Tok::Punct(':'),
            Tok::Punct(':'),
            Tok::Word(variant),
            Tok::Punct('{' | '('),
            ..,
        ] = &toks[at..]
        {
            if d == "Diagnostic" {
                let end = closing(&toks, at + 4);
                if let Some(prose) = prose_in(&toks[at + 5..end]) {
                    found.push(format!(
                        "{}: Diagnostic::{variant} is built with {prose}",
                        lines[at]
                    ));
                }
            }
        }
        // `help: <prose>`, after `{` or `,`: a field initialiser.
        if let [
            Tok::Punct('{' | ','),
            Tok::Word(field),
            Tok::Punct(':'),
            after,
            ..,
        ] = &toks[at..]
        {
            if PROSE_FIELDS.contains(&field.as_str()) && *after != Tok::Punct(':') {
                if let Some(prose) = prose_in(expression(&toks, at + 3)) {
                    found.push(format!("{}: `{field}:` is given {prose}", lines[at + 1]));
                }
            }
        }
    }
    for (tok, line) in toks.iter().zip(&lines) {
        if let Tok::Str(text) = tok {
            if text.to_lowercase().contains("did you mean") {
                found.push(format!("{line}: a did-you-mean is worded: {text:?}"));
            }
        }
    }
    found
}

/// The fields of `Diagnostic`'s variants that are there to carry words:
/// a prose name with a text type.
fn prose_fields(enum_source: &str) -> Vec<String> {
    let Some(start) = enum_source.find("pub enum Diagnostic {") else {
        return vec!["no `pub enum Diagnostic` found".to_owned()];
    };
    let body = &enum_source[start..];
    let body = &body[..body.find("\n}\n").unwrap_or(body.len())];
    body.lines()
        .filter_map(|line| {
            let (name, ty) = line.trim().trim_end_matches(',').split_once(": ")?;
            let texty = matches!(ty, "String" | "&'static str" | "Option<String>");
            (PROSE_FIELDS.contains(&name) && texty).then(|| line.trim().to_owned())
        })
        .collect()
}

/// The files that may word a diagnostic: the diagnostic module. `cli` and
/// `catalog` word their own messages (usage, `explain`), which are not diagnostics,
/// but builds no diagnostic either: it is checked too, except for
/// did-you-mean, which `explain` says of a name it does not know.
#[test]
fn no_stage_words_a_diagnostic() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let diagnostic = src.join("diagnostic");
    let mut wrong = Vec::new();
    for file in crate::support::files::under(&src, "rs") {
        if file.starts_with(&diagnostic) {
            continue;
        }
        let source = std::fs::read_to_string(&file).unwrap();
        let relative = file.strip_prefix(&src).unwrap();
        // `explain` (src/catalog.rs) says did-you-mean of a name it does not
        // know, as `cli` does.
        let in_cli = relative.starts_with("cli")
            || relative == Path::new("cli.rs")
            || relative == Path::new("catalog.rs");
        for finding in prose_built(&source) {
            if in_cli && finding.contains(": a did-you-mean") {
                continue;
            }
            wrong.push(format!("src/{}:{finding}", relative.display()));
        }
    }
    let enum_source = std::fs::read_to_string(diagnostic.join("mod.rs")).unwrap();
    for field in prose_fields(&enum_source) {
        wrong.push(format!(
            "src/diagnostic/mod.rs: a variant carries words, not data: `{field}`"
        ));
    }
    assert!(
        wrong.is_empty(),
        "diagnostics are worded in src/diagnostic/ only; give the variant data (a name, a number, a small enum of src/diagnostic/words.rs):\n{}",
        wrong.join("\n")
    );
}

/// The checker itself: the ways prose reached diagnostics before are
/// caught; data, and prose that is no diagnostic's, are not.
#[test]
fn the_wording_check_catches_prose_at_a_call_site() {
    let caught = |code: &str| !prose_built(code).is_empty();
    // Words built at a call site, in the shapes that were there.
    assert!(caught(
        r#"self.report(Diagnostic::Layout { what: format!("`{what}` needs services"), span });"#
    ));
    assert!(caught(
        r#"out.push(Diagnostic::NoBootUnit { span, help: "run `loginctl enable-linger USER` once".to_owned() });"#
    ));
    assert!(caught(
        r#"Diagnostic::SharedUnshareable { span, fix: if x { "give each container its own".into() } else { y } }"#
    ));
    assert!(caught(r#"Diagnostic::Internal(format!("{x}"))"#));
    assert!(caught(
        r#"let fail = |help: String| Mismatch { expected: ty.describe(), help };
           Err(fail(format!("write {s} without quotes")))
           Mismatch { expected: x, help: format!("write {s} without quotes") }"#
    ));
    assert!(caught(
        r#"let help = match near { Some(n) => format!("did you mean `{n}`?"), None => x };"#
    ));
    // Data is not prose: names, addresses, keywords, spans.
    assert!(!caught(
        r#"Diagnostic::Collision { address: key.map_or_else(|| "0.0.0.0".to_owned(), |a| a.to_string()), fix: Separate::Port(role.clone()), span }"#
    ));
    assert!(!caught(
        r#"self.report(Diagnostic::NeedsSeparateContainers { statement: "without", span, layout })"#
    ));
    // Prose outside diagnostics, and words in comments, are not theirs.
    assert!(!caught(
        r##"// help: format!("a comment")
           let header = format!("# generated by onefront from {name}");
           fn header(deployment: &Deployment, what: &str) -> String { x }"##
    ));
    // A char literal does not open a string; a lifetime is no char.
    assert_eq!(
        tokens(r#"f('"', 'a, "x y")"#),
        [
            Tok::Word("f".into()),
            Tok::Punct('('),
            Tok::Punct('\''),
            Tok::Punct(','),
            Tok::Word("a".into()),
            Tok::Punct(','),
            Tok::Str("x y".into()),
            Tok::Punct(')'),
        ]
    );
    // Fields meant for words, on a variant.
    let variants = "pub enum Diagnostic {\n    A {\n        help: String,\n        name: String,\n        #[help]\n        fix: Choice,\n    },\n}\n";
    assert_eq!(prose_fields(variants), ["help: String,"]);
}
