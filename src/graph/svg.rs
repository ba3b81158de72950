//! Graphs -> an SVG picture, laid out here (no Graphviz needed): for each
//! deployment, three columns: published ports | containers | volumes and
//! external servers. Containers stack in the model's order; a port sits
//! beside its container and a volume beside the containers that mount it,
//! as close as the boxes above allow. `*_HOST` links between containers
//! are arcs in the lane left of the containers. Every line has a `<title>`
//! (shown on hover) saying what it joins. Sizes come from a fixed-width
//! font, so the same graphs always give the same bytes.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Graph, Label, Target, node_id, visible};

/// Width of a character of the monospace font at [`FONT`] px, rounded up.
const CHAR: f64 = 7.5;
const FONT: f64 = 12.0;
const LINE: f64 = 16.0;
const PAD_X: f64 = 10.0;
const PAD_Y: f64 = 7.0;
/// Vertical space between two boxes of a column.
const GAP: f64 = 12.0;
const MARGIN: f64 = 20.0;
/// Space for the lines between ports and containers (their arcs aside).
const PORT_WIRES: f64 = 60.0;
/// Space for the lines between containers and the right column.
const WIRES: f64 = 150.0;
/// Horizontal step between the arcs of two `*_HOST` links.
const LANE: f64 = 9.0;
/// Height of a deployment's title line.
const TITLE: f64 = 30.0;
/// Height of the legend at the bottom.
const LEGEND: f64 = 28.0;

/// A box to draw: its id, CSS class, lines of text and place.
#[derive(Debug, Clone)]
struct Node {
    id: String,
    class: &'static str,
    lines: Vec<String>,
    x: f64,
    y: f64,
    width: f64,
}

impl Node {
    fn new(id: String, class: &'static str, lines: &[String]) -> Node {
        Node {
            id,
            class,
            lines: lines.iter().map(|l| visible(l)).collect(),
            x: 0.0,
            y: 0.0,
            width: 0.0,
        }
    }

    fn height(&self) -> f64 {
        height(self.lines.len())
    }

    fn text_width(&self) -> f64 {
        let chars = self.lines.iter().map(|l| l.chars().count()).max();
        width_of(chars.unwrap_or(0))
    }

    fn middle(&self) -> f64 {
        self.y + self.height() / 2.0
    }

    fn right(&self) -> f64 {
        self.x + self.width
    }
}

fn height(lines: usize) -> f64 {
    count(lines) * LINE + 2.0 * PAD_Y
}

fn width_of(chars: usize) -> f64 {
    count(chars) * CHAR + 2.0 * PAD_X
}

/// A count as a length; counts here are small.
fn count(n: usize) -> f64 {
    f64::from(u32::try_from(n).unwrap_or(u32::MAX))
}

/// The SVG picture of every graph, one below the other.
#[must_use]
pub fn render(graphs: &[Graph]) -> String {
    let mut body = String::new();
    let mut top = MARGIN;
    let mut width: f64 = 0.0;
    for (d, graph) in graphs.iter().enumerate() {
        let (drawn, w, h) = deployment(d, graph, top);
        body.push_str(&drawn);
        width = width.max(w);
        top += h + MARGIN;
    }
    body.push_str(&legend(top));
    let height = top + LEGEND + MARGIN;
    let width = width.max(width_of(60)) + MARGIN;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" font-family=\"DejaVu Sans Mono, monospace\" font-size=\"{FONT}\">",
        n(width),
        n(height),
        n(width),
        n(height)
    );
    out.push_str(STYLE);
    out.push_str(&body);
    out.push_str("</svg>\n");
    out
}

const STYLE: &str = "<defs>
<marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#4a4ab5\"/></marker>
<marker id=\"port-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#4a78b5\"/></marker>
</defs>
<style>
rect { stroke-width: 1.2; }
.port rect { fill: #eef6ff; stroke: #4a78b5; }
.container rect { fill: #fff7e6; stroke: #b57a1d; }
.volume rect { fill: #eefaf0; stroke: #3c8c4f; }
.external rect { fill: #f6eefa; stroke: #7a4ab5; stroke-dasharray: 4 2; }
.publish path { fill: none; stroke: #4a78b5; stroke-width: 1.2; }
.mount path { fill: none; stroke: #3c8c4f; stroke-width: 1; opacity: 0.7; }
.link path { fill: none; stroke: #4a4ab5; stroke-width: 1.2; stroke-dasharray: 5 3; }
.note { fill: #666666; }
.title { font-weight: bold; font-size: 14px; }
</style>
";

/// A deployment's picture with its top at `top`: the SVG, its width and
/// its height.
fn deployment(d: usize, graph: &Graph, top: f64) -> (String, f64, f64) {
    let columns_top = top + TITLE;
    let mut containers = nodes(d, 'c', "container", &graph.containers);
    let mut ports = nodes(d, 'p', "port", &graph.ports);
    let mut right = nodes(d, 'v', "volume", &graph.volumes);
    right.extend(nodes(d, 'x', "external", &graph.externals));

    // Columns, left to right.
    let ports_width = column_width(&ports);
    let inner: Vec<_> = graph
        .links
        .iter()
        .filter(|l| matches!(l.to, Target::Container(_)))
        .collect();
    let lanes = if inner.is_empty() {
        0.0
    } else {
        count(inner.len()) * LANE + 2.0 * LANE
    };
    let ports_x = MARGIN;
    let containers_x =
        ports_x + ports_width + if ports.is_empty() { 0.0 } else { PORT_WIRES } + lanes;
    let containers_width = column_width(&containers);
    let right_x = containers_x + containers_width + WIRES;
    let right_width = column_width(&right);

    spread(
        &mut containers,
        containers_x,
        containers_width,
        columns_top,
        tallest(&ports, &right),
    );
    let wanted: Vec<f64> = graph
        .ports
        .iter()
        .map(|p| containers[p.container].middle())
        .collect();
    place(&mut ports, &wanted, ports_x, ports_width, columns_top);
    let wanted: Vec<f64> = graph
        .volumes
        .iter()
        .map(|v| mean(v.mounts.iter().map(|m| containers[m.container].middle())))
        .chain((0..graph.externals.len()).map(|x| {
            mean(
                graph
                    .links
                    .iter()
                    .filter(|l| l.to == Target::External(x))
                    .map(|l| containers[l.from].middle()),
            )
        }))
        .collect();
    place(&mut right, &wanted, right_x, right_width, columns_top);

    let mut out = String::new();
    let _ = writeln!(
        out,
        "<g class=\"deployment\" id=\"d{d}\">\n<text class=\"title\" x=\"{}\" y=\"{}\">deployment {}</text>",
        n(MARGIN),
        n(top + 16.0),
        xml(&visible(&graph.name))
    );
    draw_wires(&mut out, &wires(graph, &containers, &ports, &right));
    for node in ports.iter().chain(&containers).chain(&right) {
        draw(&mut out, node);
    }
    out.push_str("</g>\n");
    let bottom = [&ports, &containers, &right]
        .iter()
        .flat_map(|c| c.iter().map(|n| n.y + n.height()))
        .fold(columns_top, f64::max);
    let width = if right.is_empty() {
        containers_x + containers_width
    } else {
        right_x + right_width
    };
    (out, width, bottom - top)
}

/// Stacks the containers from `top`, spread over `height` when the other
/// columns are taller, so that their lines run level rather than uphill.
fn spread(containers: &mut [Node], x: f64, width: f64, top: f64, height: f64) {
    let all: Vec<usize> = (0..containers.len()).collect();
    let boxes = stacked(containers, &all) - count(all.len().saturating_sub(1)) * GAP;
    let (mut y, gap) = match all.len() {
        1 => (top + ((height - boxes) / 2.0).max(0.0), GAP),
        n => (top, ((height - boxes) / count(n - 1)).max(GAP)),
    };
    for node in containers {
        node.x = x;
        node.width = width;
        node.y = y;
        y += node.height() + gap;
    }
}

/// The height of the taller of two columns stacked.
fn tallest(a: &[Node], b: &[Node]) -> f64 {
    let all = |nodes: &[Node]| stacked(nodes, &(0..nodes.len()).collect::<Vec<_>>());
    all(a).max(all(b))
}

/// The boxes of one kind of node.
fn nodes(d: usize, kind: char, class: &'static str, items: &[impl Label]) -> Vec<Node> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| Node::new(node_id(d, kind, i), class, &item.label()))
        .collect()
}

fn column_width(nodes: &[Node]) -> f64 {
    nodes.iter().map(Node::text_width).fold(0.0, f64::max)
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0.0), |(s, n), v| (s + v, n + 1.0));
    if n > 0.0 { sum / n } else { 0.0 }
}

/// Places a column's boxes as near as they can be to the middles they want
/// (`wanted[i]` for node `i`) without overlapping or rising above `top`:
/// boxes in the order of what they want (ties: their own order), each run
/// of boxes pushed against each other centred on what the run wants.
fn place(nodes: &mut [Node], wanted: &[f64], x: f64, width: f64, top: f64) {
    let mut order: Vec<usize> = (0..nodes.len()).collect();
    order.sort_by(|a, b| wanted[*a].total_cmp(&wanted[*b]).then(a.cmp(b)));
    // Runs of boxes: (first index into `order`, last, top of the run).
    let mut runs: Vec<(usize, usize, f64)> = Vec::new();
    for at in 0..order.len() {
        runs.push((at, at, 0.0));
        loop {
            let last = runs.len() - 1;
            let (first, end, _) = runs[last];
            let run_top = run_top(nodes, &order[first..=end], wanted);
            let floor = match last.checked_sub(1) {
                Some(before) => {
                    let (a, b, t) = runs[before];
                    t + stacked(nodes, &order[a..=b]) + GAP
                }
                None => top,
            };
            if run_top >= floor || last == 0 {
                runs[last].2 = run_top.max(floor);
                break;
            }
            runs.pop();
            runs[last - 1].1 = end;
        }
    }
    for (first, last, run_top) in runs {
        let mut y = run_top;
        for &i in &order[first..=last] {
            nodes[i].x = x;
            nodes[i].width = width;
            nodes[i].y = y;
            y += nodes[i].height() + GAP;
        }
    }
}

/// The height of boxes stacked with gaps between them.
fn stacked(nodes: &[Node], run: &[usize]) -> f64 {
    let boxes: f64 = run.iter().map(|i| nodes[*i].height()).sum();
    boxes + count(run.len().saturating_sub(1)) * GAP
}

/// Where a run of boxes stacked together would best start: its boxes'
/// wanted tops, less their offsets in the run, on average.
fn run_top(nodes: &[Node], run: &[usize], wanted: &[f64]) -> f64 {
    let mut offset = 0.0;
    let mut tops = Vec::new();
    for &i in run {
        tops.push(wanted[i] - nodes[i].height() / 2.0 - offset);
        offset += nodes[i].height() + GAP;
    }
    mean(tops.into_iter())
}

fn draw(out: &mut String, node: &Node) {
    let _ = writeln!(
        out,
        "<g class=\"{}\" id=\"{}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"5\"/>",
        node.class,
        node.id,
        n(node.x),
        n(node.y),
        n(node.width),
        n(node.height())
    );
    for (i, line) in node.lines.iter().enumerate() {
        let baseline = node.y + PAD_Y + LINE * count(i) + FONT;
        let class = if i == 0 { "" } else { " class=\"note\"" };
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\"{class}>{}</text>",
            n(node.x + PAD_X),
            n(baseline),
            xml(line)
        );
    }
    out.push_str("</g>\n");
}

/// Which edge of a box a line leaves or reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Side {
    Left,
    Right,
}

/// Where a wire meets a box: the middle of its other end, the wire, and
/// whether it starts here.
type End = (f64, usize, bool);

/// A line to draw between two boxes.
struct Wire<'a> {
    class: &'static str,
    from: (&'a Node, Side),
    to: (&'a Node, Side),
    title: String,
    arrow: Option<&'static str>,
    /// For an arc left of the containers: how far out it bends.
    lane: Option<usize>,
}

/// Every line of a deployment: ports to containers, containers to volumes
/// and external servers, and `*_HOST` arcs between containers (the
/// shortest innermost).
fn wires<'a>(
    graph: &Graph,
    containers: &'a [Node],
    ports: &'a [Node],
    right: &'a [Node],
) -> Vec<Wire<'a>> {
    let mut wires = Vec::new();
    for (i, port) in graph.ports.iter().enumerate() {
        wires.push(Wire {
            class: "publish",
            from: (&ports[i], Side::Right),
            to: (&containers[port.container], Side::Left),
            title: format!(
                "{} publishes {}",
                port.mapping(),
                graph.containers[port.container].name
            ),
            arrow: Some("port-arrow"),
            lane: None,
        });
    }
    for (v, volume) in graph.volumes.iter().enumerate() {
        for mount in &volume.mounts {
            let title = format!(
                "{} mounts {} at {}",
                graph.containers[mount.container].name,
                volume.name,
                mount.target_text()
            );
            wires.push(Wire {
                class: "mount",
                from: (&containers[mount.container], Side::Right),
                to: (&right[v], Side::Left),
                title,
                arrow: None,
                lane: None,
            });
        }
    }
    let mut inner: Vec<(usize, &super::Link)> = graph.links.iter().enumerate().collect();
    inner.sort_by(|(a, la), (b, lb)| {
        span(containers, la)
            .total_cmp(&span(containers, lb))
            .then(a.cmp(b))
    });
    let mut lane = 0;
    for (_, link) in inner {
        let title = link_title(graph, link);
        let from = &containers[link.from];
        let wire = match link.to {
            Target::Container(c) => {
                lane += 1;
                Wire {
                    class: "link",
                    from: (from, Side::Left),
                    to: (&containers[c], Side::Left),
                    title,
                    arrow: Some("arrow"),
                    lane: Some(lane),
                }
            }
            Target::External(x) => Wire {
                class: "link",
                from: (from, Side::Right),
                to: (&right[graph.volumes.len() + x], Side::Left),
                title,
                arrow: Some("arrow"),
                lane: None,
            },
        };
        wires.push(wire);
    }
    wires
}

/// Where each wire meets its two boxes: the lines at one edge of a box are
/// spread along it in the order of where they come from, so that they do
/// not cross there. `(from y, to y)` of each wire.
fn attach(wires: &[Wire<'_>]) -> Vec<(f64, f64)> {
    // Per edge of a box: (the middle of the other end, wire, whether the
    // wire starts here).
    let mut ends: BTreeMap<(&str, Side), Vec<End>> = BTreeMap::new();
    for (i, wire) in wires.iter().enumerate() {
        let (from, from_side) = wire.from;
        let (to, to_side) = wire.to;
        ends.entry((from.id.as_str(), from_side))
            .or_default()
            .push((to.middle(), i, true));
        ends.entry((to.id.as_str(), to_side))
            .or_default()
            .push((from.middle(), i, false));
    }
    let mut at = vec![(0.0, 0.0); wires.len()];
    for ((_, _), mut list) in ends {
        list.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let total = count(list.len() + 1);
        for (k, (_, wire, is_from)) in list.into_iter().enumerate() {
            let node = if is_from {
                wires[wire].from.0
            } else {
                wires[wire].to.0
            };
            let y = node.y + node.height() * count(k + 1) / total;
            if is_from {
                at[wire].0 = y;
            } else {
                at[wire].1 = y;
            }
        }
    }
    at
}

fn draw_wires(out: &mut String, wires: &[Wire<'_>]) {
    let at = attach(wires);
    for (wire, (y1, y2)) in wires.iter().zip(at) {
        let x_of = |(node, side): (&Node, Side)| match side {
            Side::Left => node.x,
            Side::Right => node.right(),
        };
        let (x1, x2) = (x_of(wire.from), x_of(wire.to));
        let path = match wire.lane {
            Some(lane) => {
                let bend = x1 - LANE * (count(lane) + 1.0);
                format!(
                    "M{},{} C{},{} {},{} {},{}",
                    n(x1),
                    n(y1),
                    n(bend),
                    n(y1),
                    n(bend),
                    n(y2),
                    n(x2),
                    n(y2)
                )
            }
            None => curve((x1, y1), (x2, y2)),
        };
        edge(out, wire, &path);
    }
}

fn link_title(graph: &Graph, link: &super::Link) -> String {
    let to = match link.to {
        Target::Container(c) => graph.containers[c].name.clone(),
        Target::External(x) => graph.externals[x].host.clone(),
    };
    format!("{} {} = {to}", graph.containers[link.from].name, link.param)
}

/// How far apart the two containers of a link are.
fn span(containers: &[Node], link: &super::Link) -> f64 {
    match link.to {
        Target::Container(to) => (containers[link.from].y - containers[to].y).abs(),
        Target::External(_) => 0.0,
    }
}

/// A horizontal S-curve from `a` to `b`.
fn curve(a: (f64, f64), b: (f64, f64)) -> String {
    let middle = f64::midpoint(a.0, b.0);
    format!(
        "M{},{} C{},{} {},{} {},{}",
        n(a.0),
        n(a.1),
        n(middle),
        n(a.1),
        n(middle),
        n(b.1),
        n(b.0),
        n(b.1)
    )
}

fn edge(out: &mut String, wire: &Wire<'_>, path: &str) {
    let marker = wire
        .arrow
        .map_or_else(String::new, |m| format!(" marker-end=\"url(#{m})\""));
    let _ = writeln!(
        out,
        "<g class=\"{}\" data-from=\"{}\" data-to=\"{}\"><title>{}</title><path d=\"{path}\"{marker}/></g>",
        wire.class,
        wire.from.0.id,
        wire.to.0.id,
        xml(&visible(&wire.title))
    );
}

fn legend(top: f64) -> String {
    let y = top + 14.0;
    let x = MARGIN;
    format!(
        "<g class=\"legend\">\
<g class=\"publish\"><path d=\"M{},{} h30\" marker-end=\"url(#port-arrow)\"/></g><text class=\"note\" x=\"{}\" y=\"{}\">published port</text>\
<g class=\"mount\"><path d=\"M{},{} h30\"/></g><text class=\"note\" x=\"{}\" y=\"{}\">mount</text>\
<g class=\"link\"><path d=\"M{},{} h30\" marker-end=\"url(#arrow)\"/></g><text class=\"note\" x=\"{}\" y=\"{}\">*_HOST names it</text>\
</g>\n",
        n(x),
        n(y - 4.0),
        n(x + 36.0),
        n(y),
        n(x + 170.0),
        n(y - 4.0),
        n(x + 206.0),
        n(y),
        n(x + 270.0),
        n(y - 4.0),
        n(x + 306.0),
        n(y),
    )
}

/// A length as SVG writes it: at most one decimal, none when whole.
fn n(value: f64) -> String {
    // `+ 0.0` turns -0 into 0.
    let rounded = (value * 10.0).round() / 10.0 + 0.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

/// Text for XML content and attribute values.
fn xml(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{n, xml};

    #[test]
    fn text_and_numbers_are_written_for_xml() {
        assert_eq!(xml("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
        assert_eq!(n(12.0), "12");
        assert_eq!(n(12.345), "12.3");
        assert_eq!(n(-0.0), "0");
    }
}
