//! A compose file as a tree of scalars, sequences and mappings, each with its
//! line. Scalars keep their text as written (`0755` stays `0755`, not 493),
//! and whether they were plain, so that `~` and `null` can be told from
//! `"null"`. Merge keys (`<<: *defaults`), which compose files use and YAML
//! 1.2 leaves out, are applied here.

use saphyr::{MarkedYaml, ScalarStyle, YamlData, YamlLoader};
use saphyr_parser::Parser;

/// A node of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A scalar: its text, whether it was plain (unquoted), its line.
    Scalar {
        text: String,
        plain: bool,
        line: usize,
    },
    Sequence(Vec<Node>, usize),
    /// Keys in document order; a later duplicate (from a merge) is dropped.
    Mapping(Vec<(String, Node)>, usize),
}

/// At most this many nodes an alias may expand to (a "billion laughs" file
/// is refused, not expanded).
const ALIAS_LIMIT: usize = 100_000;

impl Node {
    /// The line the node starts on (1-based).
    #[must_use]
    pub fn line(&self) -> usize {
        match self {
            Node::Scalar { line, .. } | Node::Sequence(_, line) | Node::Mapping(_, line) => *line,
        }
    }

    /// Whether this is a plain `~`, `null` or empty scalar.
    #[must_use]
    pub fn is_null(&self) -> bool {
        matches!(self, Node::Scalar { text, plain: true, .. }
            if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// The text of a scalar (not null).
    #[must_use]
    pub fn text(&self) -> Option<&str> {
        match self {
            Node::Scalar { text, .. } if !self.is_null() => Some(text),
            _ => None,
        }
    }

    /// The value under `key` of a mapping.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Mapping(entries, _) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The entries of a mapping (none for anything else).
    #[must_use]
    pub fn entries(&self) -> &[(String, Node)] {
        match self {
            Node::Mapping(entries, _) => entries,
            _ => &[],
        }
    }

    /// The items of a sequence (none for anything else).
    #[must_use]
    pub fn items(&self) -> &[Node] {
        match self {
            Node::Sequence(items, _) => items,
            _ => &[],
        }
    }

    /// A plain `true`/`false` (any case YAML 1.2 core allows) as a bool.
    #[must_use]
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Node::Scalar {
                text, plain: true, ..
            } => match text.as_str() {
                "true" | "True" | "TRUE" => Some(true),
                "false" | "False" | "FALSE" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }
}

/// Why a text is not a YAML document, and on which line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub fault: YamlFault,
    pub line: usize,
}

/// What is wrong with a YAML text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YamlFault {
    /// The parser's own words.
    Syntax(String),
    /// Nested deeper than [`MAX_DEPTH`].
    TooDeep,
    /// A mapping key that is a sequence or mapping.
    ComplexKey,
    /// An alias that could not be resolved.
    Unresolved,
}

/// Reads the first document of `text` (an empty text is an empty mapping).
pub fn load(text: &str) -> Result<Node, YamlError> {
    let mut loader: YamlLoader<'_, MarkedYaml<'_>> = YamlLoader::default();
    loader.early_parse(false);
    loader.alias_limit(ALIAS_LIMIT);
    let mut parser = Parser::new_from_str(text);
    parser.load(&mut loader, true).map_err(|e| YamlError {
        fault: YamlFault::Syntax(e.info().to_owned()),
        line: e.marker().line(),
    })?;
    if let Some(e) = loader.error() {
        return Err(YamlError {
            fault: YamlFault::Syntax(e.info().to_owned()),
            line: e.marker().line(),
        });
    }
    let documents = loader.into_documents();
    match documents.first() {
        Some(document) => convert(document, 0),
        None => Ok(Node::Mapping(Vec::new(), 1)),
    }
}

/// Nesting deeper than this is refused rather than recursed into.
const MAX_DEPTH: usize = 64;

fn convert(node: &MarkedYaml<'_>, depth: usize) -> Result<Node, YamlError> {
    let line = node.span.start.line();
    if depth > MAX_DEPTH {
        return Err(YamlError {
            fault: YamlFault::TooDeep,
            line,
        });
    }
    Ok(match &node.data {
        YamlData::Representation(text, style, _) => Node::Scalar {
            text: text.to_string(),
            plain: *style == ScalarStyle::Plain,
            line,
        },
        YamlData::Value(scalar) => Node::Scalar {
            text: scalar_text(scalar),
            plain: true,
            line,
        },
        YamlData::Sequence(items) => Node::Sequence(
            items
                .iter()
                .map(|item| convert(item, depth + 1))
                .collect::<Result<_, _>>()?,
            line,
        ),
        YamlData::Mapping(mapping) => {
            let mut own: Vec<(String, Node)> = Vec::new();
            let mut merged: Vec<(String, Node)> = Vec::new();
            for (key, value) in mapping {
                let key_node = convert(key, depth + 1)?;
                let value = convert(value, depth + 1)?;
                match key_node {
                    Node::Scalar { text, plain, .. } if plain && text == "<<" => {
                        // `<<: *a` or `<<: [*a, *b]`: earlier sources win.
                        let sources = match value {
                            Node::Sequence(items, _) => items,
                            other => vec![other],
                        };
                        for source in sources {
                            for (k, v) in source.entries() {
                                if !merged.iter().any(|(m, _)| m == k) {
                                    merged.push((k.clone(), v.clone()));
                                }
                            }
                        }
                    }
                    Node::Scalar { text, .. } => own.push((text, value)),
                    _ => {
                        return Err(YamlError {
                            fault: YamlFault::ComplexKey,
                            line: key.span.start.line(),
                        });
                    }
                }
            }
            for (k, v) in merged {
                if !own.iter().any(|(o, _)| *o == k) {
                    own.push((k, v));
                }
            }
            Node::Mapping(own, line)
        }
        YamlData::Tagged(_, inner) => convert(inner, depth + 1)?,
        YamlData::Alias(_) | YamlData::BadValue => {
            return Err(YamlError {
                fault: YamlFault::Unresolved,
                line,
            });
        }
    })
}

fn scalar_text(scalar: &saphyr::Scalar<'_>) -> String {
    match scalar {
        saphyr::Scalar::Null => String::new(),
        saphyr::Scalar::Boolean(b) => b.to_string(),
        saphyr::Scalar::Integer(i) => i.to_string(),
        saphyr::Scalar::FloatingPoint(f) => f.to_string(),
        saphyr::Scalar::String(s) => s.to_string(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests panic to fail")]
mod tests {
    use super::*;

    fn scalar(node: &Node) -> (&str, bool) {
        match node {
            Node::Scalar { text, plain, .. } => (text, *plain),
            _ => panic!("not a scalar: {node:?}"),
        }
    }

    #[test]
    fn scalars_keep_their_text_and_style() {
        let doc = load("a: 0755\nb: '0755'\nc: ~\nd: yes\ne:\n").unwrap();
        assert_eq!(scalar(doc.get("a").unwrap()), ("0755", true));
        assert_eq!(scalar(doc.get("b").unwrap()), ("0755", false));
        assert!(doc.get("c").unwrap().is_null());
        assert!(!doc.get("b").unwrap().is_null());
        assert_eq!(doc.get("d").unwrap().text(), Some("yes"));
        assert!(doc.get("e").unwrap().is_null());
        assert_eq!(doc.get("d").unwrap().line(), 4);
    }

    #[test]
    fn merge_keys_fill_what_the_mapping_lacks() {
        let doc =
            load("x: &base\n  image: one\n  restart: always\ns:\n  <<: *base\n  restart: \"no\"\n")
                .unwrap();
        let s = doc.get("s").unwrap();
        assert_eq!(s.get("image").unwrap().text(), Some("one"));
        assert_eq!(s.get("restart").unwrap().text(), Some("no"));
    }

    #[test]
    fn broken_yaml_is_an_error_with_its_line() {
        let error = load("a: [1, 2\nb: c\n").unwrap_err();
        assert!(error.line >= 1, "{error:?}");
        let laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
        assert!(load(laughs).is_err());
    }
}
