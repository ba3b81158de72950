//! `onefront graph`: the picture of each deployment of valid files, as
//! Mermaid, DOT or SVG, to standard output or a file (replaced whole).

use std::io::Write as _;

use camino::{Utf8Path, Utf8PathBuf};
use clap::ValueEnum;

use super::{INVALID, OK, Printer, USAGE, WriteError, check_inputs, print_all, read_all};
use crate::graph::{Graph, dot, mermaid, svg};
use crate::reference::Reference;

/// Output formats of `graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum GraphFormat {
    /// A Mermaid flowchart, for Markdown.
    Mermaid,
    /// Graphviz DOT.
    Dot,
    /// An SVG picture, laid out by onefront.
    Svg,
}

impl GraphFormat {
    /// The format a file name's extension asks for.
    fn of(path: &Utf8Path) -> Option<GraphFormat> {
        match path.extension()?.to_ascii_lowercase().as_str() {
            "svg" => Some(GraphFormat::Svg),
            "dot" | "gv" => Some(GraphFormat::Dot),
            "mmd" | "mermaid" => Some(GraphFormat::Mermaid),
            _ => None,
        }
    }
}

/// Checks the files together (as `validate` does); draws nothing when any
/// has an error. Without `--format`: the extension of `-o`, else Mermaid.
pub(super) fn run(
    printer: &Printer,
    files: &[Utf8PathBuf],
    format: Option<GraphFormat>,
    out: Option<&Utf8Path>,
) -> u8 {
    let (inputs, code) = read_all(printer, files);
    if code != OK {
        return code;
    }
    let (results, sources) = check_inputs(&inputs, crate::Options::default());
    print_all(printer, &sources, &results);
    if results.iter().any(crate::Checked::has_errors) {
        eprintln!("no graph: fix the errors above first");
        return INVALID;
    }
    let mut graphs = Vec::new();
    for deployment in results.iter().flat_map(|r| &r.deployments) {
        let Some(Ok(reference)) = Reference::load(&deployment.reference_version) else {
            eprintln!(
                "error: no reference `{}` (onefront bug: the file was checked against it)",
                deployment.reference_version
            );
            return USAGE;
        };
        graphs.push(Graph::of(deployment, reference));
    }
    let format = format
        .or_else(|| out.and_then(GraphFormat::of))
        .unwrap_or(GraphFormat::Mermaid);
    let text = match format {
        GraphFormat::Mermaid => mermaid::render(&graphs),
        GraphFormat::Dot => dot::render(&graphs),
        GraphFormat::Svg => svg::render(&graphs),
    };
    let Some(path) = out else {
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
        return OK;
    };
    match super::replace_file(path, &text) {
        Ok(()) => OK,
        Err(source) => {
            printer.error(&WriteError {
                path: path.to_owned(),
                source,
            });
            USAGE
        }
    }
}
