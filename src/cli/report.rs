//! Diagnostics for machines: JSON (one object per diagnostic), GitHub
//! workflow annotations, and SARIF 2.1.0 for code-scanning uploads. Lines and
//! columns are 1-based; columns count Unicode characters.

use std::fmt::Write as _;

use miette::Diagnostic as _;
use serde_json::{Value, json};

use crate::diagnostic::Diagnostic;

/// One diagnostic of one file, with what every format needs.
pub struct Entry<'a> {
    pub file: &'a str,
    pub lines: &'a Lines<'a>,
    pub diagnostic: &'a Diagnostic,
}

/// A place in a file.
struct Place {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

/// Where each line of a text starts, to turn offsets into lines and
/// columns without scanning the text again for every diagnostic.
pub struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    #[must_use]
    pub fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    fn line_column(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|start| *start <= offset);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        (line, self.text[start..offset].chars().count() + 1)
    }

    fn place(&self, offset: usize, len: usize) -> Place {
        let (line, column) = self.line_column(offset);
        let (end_line, end_column) = self.line_column(offset + len);
        Place {
            line,
            column,
            end_line,
            end_column,
        }
    }
}

fn severity(diagnostic: &Diagnostic) -> &'static str {
    if diagnostic.is_error() {
        "error"
    } else {
        "warning"
    }
}

/// The labels of a diagnostic: (place, words), the primary first.
fn labels(entry: &Entry<'_>) -> Vec<(Place, String)> {
    entry
        .diagnostic
        .labels()
        .into_iter()
        .flatten()
        .map(|label| {
            let words = label.label().unwrap_or_default().to_owned();
            (entry.lines.place(label.offset(), label.len()), words)
        })
        .collect()
}

fn help(diagnostic: &Diagnostic) -> Option<String> {
    diagnostic.help().map(|h| h.to_string())
}

/// `--format json`: an array of objects, one per diagnostic.
#[must_use]
pub fn json(entries: &[Entry<'_>]) -> String {
    let items: Vec<Value> = entries
        .iter()
        .map(|entry| {
            let labels = labels(entry);
            let primary = labels.first();
            let related: Vec<Value> = labels
                .iter()
                .skip(1)
                .map(|(p, words)| json!({"message": words, "file": entry.file, "line": p.line, "column": p.column, "end_line": p.end_line, "end_column": p.end_column}))
                .collect();
            json!({
                "code": entry.diagnostic.code_text(),
                "severity": severity(entry.diagnostic),
                "message": entry.diagnostic.to_string(),
                "file": entry.file,
                "line": primary.map(|(p, _)| p.line),
                "column": primary.map(|(p, _)| p.column),
                "end_line": primary.map(|(p, _)| p.end_line),
                "end_column": primary.map(|(p, _)| p.end_column),
                "label": primary.map(|(_, words)| words),
                "help": help(entry.diagnostic),
                "related": related,
            })
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&items).unwrap_or_default();
    out.push('\n');
    out
}

/// Escapes a GitHub workflow command's data (`%`, CR, LF).
fn github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a GitHub workflow command's property (also `:` and `,`).
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// `--format github`: workflow commands that annotate the lines.
#[must_use]
pub fn github(entries: &[Entry<'_>]) -> String {
    let mut out = String::new();
    for entry in entries {
        let labels = labels(entry);
        let mut properties = vec![format!("file={}", github_property(entry.file))];
        if let Some((p, _)) = labels.first() {
            properties.push(format!("line={}", p.line));
            properties.push(format!("col={}", p.column));
            properties.push(format!("endLine={}", p.end_line));
            properties.push(format!("endColumn={}", p.end_column));
        }
        properties.push(format!(
            "title={}",
            github_property(&entry.diagnostic.code_text())
        ));
        let mut message = entry.diagnostic.to_string();
        if let Some(help) = help(entry.diagnostic) {
            message.push_str("\nhelp: ");
            message.push_str(&help);
        }
        let _ = writeln!(
            out,
            "::{} {}::{}",
            severity(entry.diagnostic),
            properties.join(","),
            github_data(&message)
        );
    }
    out
}

/// `--format sarif`: a SARIF 2.1.0 log with one run, the rules of the
/// reference as the tool's rules.
#[must_use]
pub fn sarif(entries: &[Entry<'_>], rules: &[(String, String, String)]) -> String {
    let rule_objects: Vec<Value> = rules
        .iter()
        .map(|(id, title, doc)| {
            json!({
                "id": format!("onefront::{id}"),
                "name": title,
                "shortDescription": {"text": title},
                "fullDescription": {"text": doc},
            })
        })
        .collect();
    let results: Vec<Value> = entries
        .iter()
        .map(|entry| {
            let labels = labels(entry);
            let location = |(p, words): &(Place, String)| {
                json!({
                    "physicalLocation": {
                        "artifactLocation": {"uri": entry.file},
                        "region": {"startLine": p.line, "startColumn": p.column, "endLine": p.end_line, "endColumn": p.end_column},
                    },
                    "message": {"text": if words.is_empty() { entry.diagnostic.to_string() } else { words.clone() }},
                })
            };
            let mut text = entry.diagnostic.to_string();
            if let Some(help) = help(entry.diagnostic) {
                text.push_str("\nhelp: ");
                text.push_str(&help);
            }
            let mut result = json!({
                "ruleId": entry.diagnostic.code_text(),
                "level": severity(entry.diagnostic),
                "message": {"text": text},
                "locations": labels.first().map(location).into_iter().collect::<Vec<_>>(),
            });
            let related: Vec<Value> = labels.iter().skip(1).map(location).collect();
            if !related.is_empty() {
                result["relatedLocations"] = Value::Array(
                    related
                        .into_iter()
                        .enumerate()
                        .map(|(i, mut l)| {
                            l["id"] = json!(i);
                            l
                        })
                        .collect(),
                );
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "onefront",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rule_objects,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}
