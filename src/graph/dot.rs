//! Graphs -> Graphviz DOT: one cluster per deployment, left to right
//! (ports, containers, volumes and external servers); `*_HOST` links dashed
//! and left out of the ranking, so that containers stay in one column.

use std::fmt::Write as _;

use super::{EdgeKind, Graph, Label, node_id, visible};

/// The DOT source of every graph.
#[must_use]
pub fn render(graphs: &[Graph]) -> String {
    let mut out = String::from("digraph onefront {\n");
    out.push_str("  rankdir=LR;\n  ranksep=1.2;\n");
    out.push_str("  node [fontname=\"monospace\", fontsize=10, style=filled];\n");
    out.push_str("  edge [fontname=\"monospace\", fontsize=9];\n");
    for (d, graph) in graphs.iter().enumerate() {
        deployment(&mut out, d, graph);
    }
    out.push_str("}\n");
    out
}

fn deployment(out: &mut String, d: usize, graph: &Graph) {
    let _ = writeln!(out, "  subgraph cluster_d{d} {{");
    let _ = writeln!(
        out,
        "    label={};",
        quoted(std::slice::from_ref(&graph.name))
    );
    nodes(
        out,
        d,
        'p',
        &graph.ports,
        "shape=box, style=\"rounded,filled\", fillcolor=\"#eef6ff\"",
    );
    nodes(
        out,
        d,
        'c',
        &graph.containers,
        "shape=box, fillcolor=\"#fff7e6\"",
    );
    nodes(
        out,
        d,
        'v',
        &graph.volumes,
        "shape=cylinder, fillcolor=\"#eefaf0\"",
    );
    nodes(
        out,
        d,
        'x',
        &graph.externals,
        "shape=hexagon, fillcolor=\"#f6eefa\"",
    );
    edges(out, d, graph);
    out.push_str("  }\n");
}

/// One kind of node, with its attributes.
fn nodes(out: &mut String, d: usize, kind: char, items: &[impl Label], attributes: &str) {
    for (i, item) in items.iter().enumerate() {
        let label = quoted(&item.label());
        let _ = writeln!(
            out,
            "    {} [{attributes}, label={label}];",
            node_id(d, kind, i)
        );
    }
}

fn edges(out: &mut String, d: usize, graph: &Graph) {
    for edge in graph.edges(d) {
        let (from, to) = (edge.from, edge.to);
        let mut attributes: Vec<String> = match edge.kind {
            EdgeKind::Publish => Vec::new(),
            EdgeKind::Mount => vec!["arrowhead=none".to_owned()],
            EdgeKind::Link => ["style=dashed", "color=\"#4a4ab5\"", "constraint=false"]
                .map(str::to_owned)
                .to_vec(),
        };
        if let Some(label) = edge.label {
            attributes.push(format!("label={}", quoted(&[label])));
        }
        if attributes.is_empty() {
            let _ = writeln!(out, "    {from} -> {to};");
        } else {
            let _ = writeln!(out, "    {from} -> {to} [{}];", attributes.join(", "));
        }
    }
}

/// A DOT string of lines: quotes and backslashes escaped (a backslash
/// starts an escape such as `\N` in a label), lines joined by `\n`.
fn quoted(lines: &[String]) -> String {
    let escaped: Vec<String> = lines
        .iter()
        .map(|line| {
            visible(line)
                .chars()
                .flat_map(|c| match c {
                    '"' | '\\' => vec!['\\', c],
                    _ => vec![c],
                })
                .collect()
        })
        .collect();
    format!("\"{}\"", escaped.join("\\n"))
}

#[cfg(test)]
mod tests {
    use super::quoted;

    #[test]
    fn quotes_and_backslashes_are_escaped() {
        assert_eq!(
            quoted(&["a\"b\\N".to_owned(), "c".to_owned()]),
            r#""a\"b\\N\nc""#
        );
    }
}
