//! Graphs -> a Mermaid `flowchart LR`, for Markdown: one subgraph per
//! deployment; ports, containers, volumes and external servers as nodes of
//! their own shapes; mounts labelled with their target, `*_HOST` links
//! dotted and labelled with the parameter.

use std::fmt::Write as _;

use super::{EdgeKind, Graph, Label, node_id, visible};

/// The Mermaid source of every graph.
#[must_use]
pub fn render(graphs: &[Graph]) -> String {
    let mut out = String::from("flowchart LR\n");
    for (d, graph) in graphs.iter().enumerate() {
        deployment(&mut out, d, graph);
    }
    out.push_str("  classDef port fill:#eef6ff,stroke:#4a78b5\n");
    out.push_str("  classDef container fill:#fff7e6,stroke:#b57a1d\n");
    out.push_str("  classDef volume fill:#eefaf0,stroke:#3c8c4f\n");
    out.push_str("  classDef external fill:#f6eefa,stroke:#7a4ab5\n");
    out
}

fn deployment(out: &mut String, d: usize, graph: &Graph) {
    let _ = writeln!(out, "  subgraph d{d}[\"{}\"]", text(&graph.name));
    out.push_str("    direction LR\n");
    nodes(out, d, 'p', &graph.ports, ("([", "]):::port"));
    nodes(out, d, 'c', &graph.containers, ("[", "]:::container"));
    nodes(out, d, 'v', &graph.volumes, ("[(", ")]:::volume"));
    nodes(out, d, 'x', &graph.externals, ("{{", "}}:::external"));
    for edge in graph.edges(d) {
        let (from, to) = (edge.from, edge.to);
        let arrow = match edge.kind {
            EdgeKind::Publish => "-->",
            EdgeKind::Mount => "---",
            EdgeKind::Link => "-.->",
        };
        match edge.label {
            Some(label) => {
                let _ = writeln!(out, "    {from} {arrow}|\"{}\"| {to}", text(&label));
            }
            None => {
                let _ = writeln!(out, "    {from} {arrow} {to}");
            }
        }
    }
    out.push_str("  end\n");
}

/// One kind of node: its shape's brackets around the quoted label, and its
/// class.
fn nodes(out: &mut String, d: usize, kind: char, items: &[impl Label], shape: (&str, &str)) {
    for (i, item) in items.iter().enumerate() {
        let (open, close) = shape;
        let label = lines(&item.label());
        let _ = writeln!(out, "    {}{open}\"{label}\"{close}", node_id(d, kind, i));
    }
}

/// Lines of a label, each escaped, joined by `<br/>`.
fn lines(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| text(l))
        .collect::<Vec<_>>()
        .join("<br/>")
}

/// Text for a quoted Mermaid label: Mermaid reads `#NAME;` and `#NUMBER;`
/// as entities, so `#` itself and every character that could end the
/// label or open markup is written as a numeric one.
fn text(raw: &str) -> String {
    let mut out = String::new();
    for c in visible(raw).chars() {
        if matches!(c, '"' | '#' | '<' | '>' | '&' | '`' | '|' | '\\') {
            let _ = write!(out, "#{};", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::text;

    #[test]
    fn labels_carry_any_text() {
        assert_eq!(
            text("a\"b<c>&d#e`f|g\\h"),
            "a#34;b#60;c#62;#38;d#35;e#96;f#124;g#92;h"
        );
        assert_eq!(text("x\ny"), "x#92;ny");
    }
}
