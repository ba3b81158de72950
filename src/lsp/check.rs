//! Checking as `validate` does: the `.onefront` files of one folder are the
//! front-ends of one host and are checked together, open documents as
//! typed, the others as on disk. Diagnostics become protocol diagnostics.

use std::collections::BTreeMap;

use lsp_types::{DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri};
use miette::Diagnostic as _;
use serde_json::json;

use super::text::{Doc, path_of, uri_of};
use crate::diagnostic::Diagnostic;
use crate::span::SourceId;

/// One file of a checked group: its text, what checking it found.
pub struct Checked {
    pub uri: Uri,
    pub doc: Doc,
    pub result: crate::Checked,
}

/// The files checked with the document `uri`: every `.onefront` file of its
/// folder (open ones as typed), or the document alone when it is no file.
pub fn group(uri: &Uri, open: &BTreeMap<String, Doc>) -> Vec<(Uri, String)> {
    let own = |u: &Uri| open.get(u.as_str()).map(|d| d.text.clone());
    let Some(path) = path_of(uri) else {
        return own(uri).map(|t| vec![(uri.clone(), t)]).unwrap_or_default();
    };
    let folder = path.rsplit_once('/').map_or("/", |(dir, _)| dir);
    let mut files: BTreeMap<String, (Uri, String)> = BTreeMap::new();
    if let Ok(entries) = std::fs::read_dir(if folder.is_empty() { "/" } else { folder }) {
        for entry in entries.flatten() {
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                continue;
            };
            if !name.ends_with(".onefront") || !entry.path().is_file() {
                continue;
            }
            let file = format!("{folder}/{name}");
            let Some(file_uri) = uri_of(&file) else {
                continue;
            };
            let text = own(&file_uri).or_else(|| {
                let meta = entry.metadata().ok()?;
                let small = usize::try_from(meta.len())
                    .is_ok_and(|len| len <= crate::syntax::MAX_SOURCE_BYTES);
                small.then(|| std::fs::read_to_string(entry.path()).ok())?
            });
            if let Some(text) = text {
                files.insert(file, (file_uri, text));
            }
        }
    }
    // Open documents of the folder not (yet) on disk, and this one.
    for (open_uri, doc) in open {
        let Ok(open_uri) = open_uri.parse::<Uri>() else {
            continue;
        };
        if let Some(open_path) = path_of(&open_uri)
            && open_path.rsplit_once('/').map(|(dir, _)| dir) == Some(folder)
        {
            files
                .entry(open_path)
                .or_insert_with(|| (open_uri.clone(), doc.text.clone()));
        }
    }
    files.into_values().collect()
}

/// Checks a group together.
pub fn check(files: Vec<(Uri, String)>) -> Vec<Checked> {
    let names: Vec<String> = files
        .iter()
        .map(|(uri, _)| path_of(uri).unwrap_or_else(|| uri.as_str().to_owned()))
        .collect();
    let inputs: Vec<(&str, &str)> = names
        .iter()
        .zip(&files)
        .map(|(name, (_, text))| (name.as_str(), text.as_str()))
        .collect();
    let results = crate::check_files(&inputs, crate::Options::default());
    files
        .into_iter()
        .zip(results)
        .map(|((uri, text), result)| Checked {
            uri,
            doc: Doc::new(text),
            result,
        })
        .collect()
}

/// The protocol diagnostics of file `index` of a checked group; spans into
/// other files of the group, or into the stdlib, become related locations.
pub fn diagnostics(
    group: &[Checked],
    index: usize,
    stdlib_uri: &dyn Fn(SourceId) -> Option<(Uri, Doc)>,
) -> Vec<lsp_types::Diagnostic> {
    let Some(file) = group.get(index) else {
        return Vec::new();
    };
    let locate = |span: crate::span::Span| -> Option<Location> {
        if span.source.is_stdlib() {
            let (uri, doc) = stdlib_uri(span.source)?;
            return Some(Location::new(uri, doc.range(span.start, span.end)));
        }
        let other = group.get(usize::try_from(span.source.0).ok()?)?;
        Some(Location::new(
            other.uri.clone(),
            other.doc.range(span.start, span.end),
        ))
    };
    let mut found: Vec<lsp_types::Diagnostic> = file
        .result
        .diagnostics
        .iter()
        .map(|diagnostic| convert(diagnostic, &file.doc, &file.uri, &locate))
        .collect();
    // A diagnostic of another file that names a place in this one (the
    // other side of a collision) shows here too, pointing back.
    let here = SourceId(u32::try_from(index).unwrap_or(u32::MAX));
    for (other_index, other) in group.iter().enumerate() {
        if other_index == index {
            continue;
        }
        for diagnostic in &other.result.diagnostics {
            for (span, _) in diagnostic.elsewhere() {
                if span.source != here {
                    continue;
                }
                let mut mirrored = convert(diagnostic, &other.doc, &other.uri, &locate);
                let primary = Location::new(other.uri.clone(), mirrored.range);
                mirrored.range = file.doc.range(span.start, span.end);
                // What the other file's side is, in the diagnostic's words.
                let there = diagnostic
                    .labels()
                    .and_then(|mut labels| labels.next())
                    .and_then(|label| label.label().map(str::to_owned))
                    .unwrap_or_default();
                mirrored.related_information = Some(vec![DiagnosticRelatedInformation {
                    location: primary,
                    message: there,
                }]);
                mirrored.data = None;
                found.push(mirrored);
            }
        }
    }
    found
}

fn convert(
    diagnostic: &Diagnostic,
    doc: &Doc,
    uri: &Uri,
    locate: &dyn Fn(crate::span::Span) -> Option<Location>,
) -> lsp_types::Diagnostic {
    let labels: Vec<miette::LabeledSpan> = diagnostic
        .labels()
        .map(Iterator::collect)
        .unwrap_or_default();
    let range = labels.first().map_or_else(
        || doc.range(0, 0),
        |label| doc.range(label.offset(), label.offset() + label.len()),
    );
    let mut message = diagnostic.to_string();
    if let Some(label) = labels.first().and_then(|l| l.label())
        && !label.is_empty()
    {
        message.push_str(": ");
        message.push_str(label);
    }
    let help = diagnostic.help().map(|h| h.to_string());
    if let Some(help) = &help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let mut related: Vec<DiagnosticRelatedInformation> = labels
        .iter()
        .skip(1)
        .map(|label| DiagnosticRelatedInformation {
            location: Location::new(
                uri.clone(),
                doc.range(label.offset(), label.offset() + label.len()),
            ),
            message: label.label().unwrap_or("here").to_owned(),
        })
        .collect();
    for (span, label) in diagnostic.elsewhere() {
        if let Some(location) = locate(span) {
            related.push(DiagnosticRelatedInformation {
                location,
                message: label,
            });
        }
    }
    let replacement = diagnostic.replacement();
    lsp_types::Diagnostic {
        range,
        severity: Some(if diagnostic.is_error() {
            DiagnosticSeverity::ERROR
        } else {
            DiagnosticSeverity::WARNING
        }),
        code: Some(NumberOrString::String(diagnostic.code_text())),
        code_description: None,
        source: Some("onefront".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: replacement.map(|r| json!({ "replace": r })),
    }
}
