//! A small YAML writer for the compose file. Every string scalar is written
//! double-quoted: a double-quoted scalar is a string to YAML 1.1 readers
//! (`PyYAML`, docker-compose v1) and YAML 1.2 readers (Docker Compose v2) alike,
//! so `yes`, `0755`, `1e3` or `9022:22` can never turn into a boolean or a
//! number. Characters either reader would fold or refuse are escaped.

use std::fmt::Write as _;

/// A YAML node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Str(String),
    Bool(bool),
    Map(Vec<(String, Node)>),
    Seq(Vec<Node>),
}

impl Node {
    /// A string node.
    pub fn str(text: impl Into<String>) -> Self {
        Node::Str(text.into())
    }
}

/// Renders a top-level mapping.
#[must_use]
pub fn render(entries: &[(String, Node)]) -> String {
    let mut out = String::new();
    write_map(&mut out, entries, 0);
    out
}

fn write_map(out: &mut String, entries: &[(String, Node)], indent: usize) {
    for (key, value) in entries {
        out.push_str(&" ".repeat(indent));
        out.push_str(&key_text(key));
        out.push(':');
        write_value(out, value, indent);
    }
}

/// Writes what follows `key:` or `- `.
fn write_value(out: &mut String, value: &Node, indent: usize) {
    match value {
        Node::Map(entries) if entries.is_empty() => out.push_str(" {}\n"),
        Node::Seq(items) if items.is_empty() => out.push_str(" []\n"),
        Node::Map(entries) => {
            out.push('\n');
            write_map(out, entries, indent + 2);
        }
        Node::Seq(items) => {
            out.push('\n');
            for item in items {
                out.push_str(&" ".repeat(indent + 2));
                out.push('-');
                write_item(out, item, indent + 4);
            }
        }
        scalar => {
            out.push(' ');
            out.push_str(&scalar_text(scalar));
            out.push('\n');
        }
    }
}

/// A sequence item: a map's first entry goes on the dash's line.
fn write_item(out: &mut String, item: &Node, indent: usize) {
    match item {
        Node::Map(entries) if !entries.is_empty() => {
            for (i, (key, value)) in entries.iter().enumerate() {
                if i == 0 {
                    out.push(' ');
                } else {
                    out.push_str(&" ".repeat(indent));
                }
                out.push_str(&key_text(key));
                out.push(':');
                write_value(out, value, indent);
            }
        }
        other => write_value(out, other, indent.saturating_sub(2)),
    }
}

fn scalar_text(node: &Node) -> String {
    match node {
        Node::Bool(b) => b.to_string(),
        Node::Str(s) => quoted(s),
        Node::Map(_) | Node::Seq(_) => String::new(),
    }
}

/// Keys are written bare when they are plain names that no YAML version reads
/// as anything but a string; otherwise quoted.
fn key_text(key: &str) -> String {
    let plain = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    let special = matches!(
        key.to_ascii_lowercase().as_str(),
        "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null"
    );
    if plain && !special {
        key.to_owned()
    } else {
        quoted(key)
    }
}

/// A double-quoted scalar with every escape both YAML 1.1 and 1.2 know.
#[must_use]
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\0' => out.push_str("\\0"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{85}' => out.push_str("\\N"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if u32::from(c) < 0x20 || (0x7f..=0x9f).contains(&u32::from(c)) => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            '\u{feff}' | '\u{fffe}' | '\u{ffff}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::{Node, quoted, render};

    #[test]
    fn writes_nested_maps_and_sequences() {
        let doc = vec![
            ("name".to_owned(), Node::str("x")),
            (
                "services".to_owned(),
                Node::Map(vec![(
                    "a".to_owned(),
                    Node::Map(vec![
                        ("privileged".to_owned(), Node::Bool(true)),
                        ("ports".to_owned(), Node::Seq(vec![Node::str("1:1")])),
                        (
                            "volumes".to_owned(),
                            Node::Seq(vec![Node::Map(vec![
                                ("type".to_owned(), Node::str("volume")),
                                ("source".to_owned(), Node::str("v")),
                            ])]),
                        ),
                        ("env".to_owned(), Node::Map(vec![])),
                    ]),
                )]),
            ),
            ("yes".to_owned(), Node::str("no")),
        ];
        insta::assert_snapshot!(render(&doc), @r#"
        name: "x"
        services:
          a:
            privileged: true
            ports:
              - "1:1"
            volumes:
              - type: "volume"
                source: "v"
            env: {}
        "yes": "no"
        "#);
    }

    #[test]
    fn escapes_what_readers_would_fold() {
        assert_eq!(
            quoted("a\"b\\c\nd\te\u{2028}\u{7}"),
            r#""a\"b\\c\nd\te\L\x07""#
        );
    }
}
