//! `onefront graph`: each format shows what the compiled project really
//! holds. The expected containers, published ports, volumes (and who mounts
//! them) and `*_HOST` links come from Docker Compose's own reading of the
//! compiled files (`docker-compose config --format json`) and from the
//! reference's `params --format json` (which parameters locate a service),
//! never from the graph code; each format is then read back: DOT and
//! onefront's SVG through what the real Graphviz and an XML parser make of
//! them, Mermaid line by line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::tempdir::TempDir;
use crate::support::tools;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// S1, S2 and a custom layout with external servers, a bind volume,
/// anonymous volumes and an extra bind mount.
const FILES: &[&str] = &[
    "examples/all-in-one.onefront",
    "examples/reference.onefront",
    "tests/graph/custom.onefront",
];

fn onefront(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_onefront"))
        .args(args)
        .current_dir(repo())
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// `onefront graph FILE --format FORMAT`, which must succeed.
fn graph(file: &str, format: &str) -> String {
    let output = onefront(&["graph", file, "--format", format]);
    assert!(
        output.status.success(),
        "onefront graph {file} --format {format}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// What the picture of one deployment must show.
#[derive(Debug, Default)]
struct Expected {
    /// Container name -> its value of the service parameter.
    containers: BTreeMap<String, String>,
    /// (`ADDRESS:PORT → PORT/PROTOCOL`, container).
    ports: BTreeSet<(String, String)>,
    /// Named volume or bind-mounted host directory -> the containers that
    /// mount it.
    shared: BTreeMap<String, BTreeSet<String>>,
    /// (container, target) of each anonymous volume.
    anonymous: BTreeSet<(String, String)>,
    /// (container, parameter, what it names: a container or a server).
    links: BTreeSet<(String, String, String)>,
    /// Servers named by a `*_HOST` parameter that are no container.
    externals: BTreeSet<String>,
}

/// What Docker Compose reads from `file` compiled, and what the reference
/// of its version says locates a service.
fn expected(file: &str) -> Expected {
    let text = std::fs::read_to_string(repo().join(file)).unwrap();
    let (artifacts, _) = onefront::compile(file, &text).unwrap();
    let dir = crate::examples::written(&artifacts);
    let env = crate::examples::secret_env(&artifacts);
    let names: BTreeSet<String> = artifacts
        .iter()
        .filter_map(|a| a.path.components().next().map(|c| c.as_str().to_owned()))
        .collect();
    assert_eq!(names.len(), 1, "{file}: one deployment");
    let name = names.first().unwrap();
    let config = tools::compose_config(dir.path().join(name).as_std_path(), &env);
    let params = params(&text);
    let locating: BTreeSet<&str> = params
        .iter()
        .filter(|p| !p["locates"].is_null())
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    // A container that does not set the service parameter runs its default.
    let service_param = "OPENNEBULA_FRONTEND_SERVICE";
    let default = params
        .iter()
        .find(|p| p["name"] == service_param)
        .map(|p| p["default"].as_str().unwrap())
        .unwrap();
    let services = config["services"].as_object().unwrap();
    let mut expected = Expected::default();
    for (container, service) in services {
        let environment = service["environment"].as_object().unwrap();
        let runs = environment
            .get(service_param)
            .map_or(default, |v| v.as_str().unwrap());
        expected
            .containers
            .insert(container.clone(), runs.to_owned());
        for port in service["ports"].as_array().into_iter().flatten() {
            let mapping = format!(
                "{}:{} → {}/{}",
                port["host_ip"].as_str().unwrap(),
                port["published"].as_str().unwrap(),
                port["target"],
                port["protocol"].as_str().unwrap()
            );
            expected.ports.insert((mapping, container.clone()));
        }
        for volume in service["volumes"].as_array().into_iter().flatten() {
            let target = volume["target"].as_str().unwrap().to_owned();
            match volume["source"].as_str() {
                Some(source) => {
                    expected
                        .shared
                        .entry(source.to_owned())
                        .or_default()
                        .insert(container.clone());
                }
                None => {
                    expected.anonymous.insert((container.clone(), target));
                }
            }
        }
        for (param, value) in environment {
            let Some(value) = value.as_str() else {
                continue;
            };
            if !locating.contains(param.as_str()) || value == container {
                continue;
            }
            if !services.contains_key(value) {
                expected.externals.insert(value.to_owned());
            }
            expected
                .links
                .insert((container.clone(), param.clone(), value.to_owned()));
        }
    }
    expected
}

/// The parameters of the file's reference version, per `onefront params`.
fn params(text: &str) -> Vec<serde_json::Value> {
    let version = text
        .lines()
        .find_map(|l| l.strip_prefix("onefront "))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap();
    let output = onefront(&["params", "--version", version, "--format", "json"]);
    assert!(output.status.success());
    let params: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    params["params"].as_array().unwrap().clone()
}

/// What a format drew: each node's lines of text by id, and the edges
/// (from, to, label: their text, or the title of onefront's SVG lines).
#[derive(Debug, Default)]
struct Drawn {
    nodes: BTreeMap<String, Vec<String>>,
    edges: Vec<(String, String, String)>,
}

impl Drawn {
    /// The ids of the nodes of a kind (`c`, `p`, `v`, `x`).
    fn of_kind(&self, kind: char) -> impl Iterator<Item = (&String, &Vec<String>)> {
        self.nodes.iter().filter(move |(id, _)| kind_of(id) == kind)
    }

    fn first_line(&self, id: &str) -> &str {
        self.nodes
            .get(id)
            .unwrap_or_else(|| panic!("edge to `{id}`, which is not drawn"))[0]
            .as_str()
    }
}

/// `d0_c3` -> `c`.
fn kind_of(id: &str) -> char {
    id.split('_').nth(1).and_then(|s| s.chars().next()).unwrap()
}

/// Checks everything `expected` says against what was drawn.
fn assert_shows(format: &str, file: &str, drawn: &Drawn, expected: &Expected) {
    let what = format!("{format} of {file}");
    let containers: BTreeMap<&str, &Vec<String>> = drawn
        .of_kind('c')
        .map(|(_, lines)| (lines[0].as_str(), lines))
        .collect();
    assert_eq!(
        containers.keys().copied().collect::<BTreeSet<_>>(),
        expected.containers.keys().map(String::as_str).collect(),
        "{what}: containers"
    );
    for (name, service) in &expected.containers {
        assert!(
            containers[name.as_str()][1..]
                .iter()
                .any(|l| l.split([',', ':', ' ']).any(|w| w == service)),
            "{what}: `{name}` does not say it runs {service}: {:?}",
            containers[name.as_str()]
        );
    }
    let edges = |from: char, to: char| {
        drawn
            .edges
            .iter()
            .filter(move |(f, t, _)| kind_of(f) == from && kind_of(t) == to)
    };
    let ports: BTreeSet<(String, String)> = edges('p', 'c')
        .map(|(p, c, _)| {
            (
                drawn.first_line(p).to_owned(),
                drawn.first_line(c).to_owned(),
            )
        })
        .collect();
    assert_eq!(ports, expected.ports, "{what}: published ports");
    assert_eq!(
        drawn.of_kind('p').count(),
        expected.ports.len(),
        "{what}: one node a port"
    );
    let anonymous = |id: &str| drawn.nodes[id][1].starts_with("anonymous");
    let mut shared: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut unshared = BTreeSet::new();
    for (c, v, label) in edges('c', 'v') {
        let container = drawn.first_line(c).to_owned();
        if anonymous(v) {
            let target = expected
                .anonymous
                .iter()
                .find(|(owner, target)| *owner == container && label.contains(target.as_str()))
                .unwrap_or_else(|| panic!("{what}: {container} mounts an anonymous volume at {label}, which compose does not have"));
            unshared.insert(target.clone());
        } else {
            let volume = drawn.first_line(v).to_owned();
            shared.entry(volume).or_default().insert(container);
        }
    }
    assert_eq!(
        shared, expected.shared,
        "{what}: volumes and who mounts them"
    );
    assert_eq!(unshared, expected.anonymous, "{what}: anonymous volumes");
    assert_eq!(
        drawn.of_kind('v').filter(|(id, _)| anonymous(id)).count(),
        expected.anonymous.len(),
        "{what}: one node an anonymous volume"
    );
    let links: BTreeSet<(String, String, String)> = drawn
        .edges
        .iter()
        .filter(|(f, t, _)| kind_of(f) == 'c' && matches!(kind_of(t), 'c' | 'x'))
        .map(|(f, t, label)| {
            let param = expected
                .links
                .iter()
                .map(|(_, p, _)| p)
                .filter(|p| label.contains(p.as_str()))
                .max_by_key(|p| p.len())
                .unwrap_or_else(|| panic!("{what}: a link labelled {label:?} names no parameter"));
            (
                drawn.first_line(f).to_owned(),
                param.clone(),
                drawn.first_line(t).to_owned(),
            )
        })
        .collect();
    assert_eq!(links, expected.links, "{what}: *_HOST links");
    let externals: BTreeSet<String> = drawn
        .of_kind('x')
        .map(|(_, lines)| lines[0].clone())
        .collect();
    assert_eq!(externals, expected.externals, "{what}: external servers");
}

/// Mermaid, line by line: `ID<shape>"LABEL"<shape>:::class` and
/// `FROM ARROW [|"LABEL"|] TO`.
fn read_mermaid(text: &str) -> Drawn {
    let mut drawn = Drawn::default();
    assert!(text.starts_with("flowchart LR\n"), "{text}");
    for line in text.lines().map(str::trim) {
        let id: String = line
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !id.contains('_') {
            continue;
        }
        let rest = line[id.len()..].trim_start();
        if let Some((arrow, tail)) = rest.split_once(' ') {
            if ["-->", "---", "-.->"].contains(&arrow) {
                drawn.edges.push((id, tail.to_owned(), String::new()));
                continue;
            }
            let arrow = arrow.split('|').next().unwrap();
            if ["-->", "---", "-.->"].contains(&arrow) {
                let (label, to) = rest.rsplit_once("| ").unwrap();
                let label = label.split_once("|\"").unwrap().1.trim_end_matches('"');
                drawn.edges.push((id, to.to_owned(), mermaid_text(label)));
                continue;
            }
        }
        let label = &rest[rest.find('"').unwrap() + 1..rest.rfind('"').unwrap()];
        assert!(!label.contains('"'), "{line}: a quote inside a label");
        let lines = label.split("<br/>").map(mermaid_text).collect();
        drawn.nodes.insert(id, lines);
    }
    drawn
}

/// Mermaid's `#NUMBER;` entities decoded.
fn mermaid_text(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('#') {
        out.push_str(&rest[..at]);
        let (number, after) = rest[at + 1..].split_once(';').unwrap();
        out.push(char::from_u32(number.parse().unwrap()).unwrap());
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Reads an SVG with Python's XML parser (a malformed file fails here):
/// onefront's boxes (`<g class=KIND id=..>` and their `<text>`) and lines
/// (`data-from`, `data-to`, `<title>`), or Graphviz's nodes and edges
/// (`<g class="node|edge">`, `<title>`, `<text>`).
fn read_svg(svg: &Path) -> Drawn {
    const SCRIPT: &str = r#"
import json, sys, xml.etree.ElementTree as ET
ns = {"s": "http://www.w3.org/2000/svg"}
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "{http://www.w3.org/2000/svg}svg", root.tag
nodes, edges = {}, []
def texts(g):
    return [t.text or "" for t in g.iter("{http://www.w3.org/2000/svg}text")]
def title(g):
    t = g.find("s:title", ns)
    return t.text if t is not None else ""
for g in root.iter("{http://www.w3.org/2000/svg}g"):
    cls = g.get("class", "")
    if cls in ("port", "container", "volume", "external"):
        assert g.find("s:rect", ns) is not None, g.get("id")
        nodes[g.get("id")] = texts(g)
    elif g.get("data-from"):
        assert g.find("s:path", ns) is not None
        edges.append([g.get("data-from"), g.get("data-to"), title(g)])
    elif cls == "node":
        nodes[title(g)] = texts(g)
    elif cls == "edge":
        a, b = title(g).split("->")
        edges.append([a, b, "\n".join(texts(g))])
json.dump({"nodes": nodes, "edges": edges}, sys.stdout)
"#;
    let read = tools::json_of(Command::new(tools::python()).args(["-c", SCRIPT]).arg(svg));
    let mut drawn = Drawn::default();
    for (id, lines) in read["nodes"].as_object().unwrap() {
        let lines = lines.as_array().unwrap();
        let lines = lines.iter().map(|l| l.as_str().unwrap().to_owned());
        drawn.nodes.insert(id.clone(), lines.collect());
    }
    for edge in read["edges"].as_array().unwrap() {
        let part = |i: usize| edge[i].as_str().unwrap().to_owned();
        drawn.edges.push((part(0), part(1), part(2)));
    }
    drawn
}

/// `dot -Tsvg` of DOT text, which must exit 0 and say nothing.
fn graphviz(dot: &str, out: &Path) {
    let source = out.with_extension("dot");
    std::fs::write(&source, dot).unwrap();
    let output = Command::new(tools::dot())
        .arg("-Tsvg")
        .arg(&source)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stderr.trim().is_empty(),
        "dot -Tsvg: {stderr}\n{dot}"
    );
}

/// Headless Chromium on a local file, with a profile of its own, offline;
/// what it printed.
fn headless(file: &Path, args: &[&str]) -> Output {
    let profile = TempDir::new();
    let output = Command::new(tools::chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .args(args)
        .arg(format!("--user-data-dir={}", profile.path()))
        .arg(format!("file://{}", file.display()))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "chromium: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// A headless Chromium screenshot of an SVG file: the PNG's bytes.
fn screenshot(svg: &Path, png: &Path) -> Vec<u8> {
    let shot = format!("--screenshot={}", png.display());
    headless(svg, &["--hide-scrollbars", "--window-size=1200,900", &shot]);
    std::fs::read(png).unwrap_or_else(|e| panic!("chromium wrote no {}: {e}", png.display()))
}

#[test]
fn mermaid_shows_every_container_port_volume_and_link() {
    for file in FILES {
        let drawn = read_mermaid(&graph(file, "mermaid"));
        assert_shows("mermaid", file, &drawn, &expected(file));
    }
}

#[test]
fn graphviz_draws_the_dot_with_every_container_port_volume_and_link() {
    let temp = TempDir::new();
    for (i, file) in FILES.iter().enumerate() {
        let svg = temp.std_path().join(format!("dot-{i}.svg"));
        graphviz(&graph(file, "dot"), &svg);
        assert_shows("dot", file, &read_svg(&svg), &expected(file));
    }
}

#[test]
fn the_svg_is_well_formed_renders_and_shows_everything() {
    let temp = TempDir::new();
    for (i, file) in FILES.iter().enumerate() {
        let svg = temp.std_path().join(format!("graph-{i}.svg"));
        std::fs::write(&svg, graph(file, "svg")).unwrap();
        assert_shows("svg", file, &read_svg(&svg), &expected(file));
        let png = screenshot(&svg, &temp.std_path().join(format!("graph-{i}.png")));
        assert!(
            png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 10_000,
            "{file}: chromium's screenshot is no picture ({} bytes)",
            png.len()
        );
    }
}

/// Every box of onefront's SVG is inside the picture, no two overlap, and
/// every line starts and ends on the edge of the boxes it joins.
#[test]
fn the_svg_layout_keeps_boxes_apart_and_lines_on_their_boxes() {
    for file in FILES {
        let svg = graph(file, "svg");
        let boxes = rects(&svg);
        let (width, height) = (attr(&svg, "width"), attr(&svg, "height"));
        for (id, (x, y, w, h)) in &boxes {
            assert!(
                *x >= 0.0 && *y >= 0.0 && x + w <= width && y + h <= height,
                "{file}: {id} is outside the picture"
            );
            for (other, (x2, y2, w2, h2)) in &boxes {
                let apart = x + w <= *x2 || x2 + w2 <= *x || y + h <= *y2 || y2 + h2 <= *y;
                assert!(id == other || apart, "{file}: {id} overlaps {other}");
            }
        }
        for line in svg.lines().filter(|l| l.contains("data-from=")) {
            let (from, to) = (
                between(line, "data-from=\"", "\""),
                between(line, "data-to=\"", "\""),
            );
            let path = between(line, " d=\"M", "\"");
            let numbers: Vec<f64> = path
                .split([',', ' ', 'C'])
                .filter(|s| !s.is_empty())
                .map(|s| s.parse().unwrap())
                .collect();
            let (start, end) = (
                (numbers[0], numbers[1]),
                (numbers[numbers.len() - 2], numbers[numbers.len() - 1]),
            );
            for (id, (px, py)) in [(from, start), (to, end)] {
                let (x, y, w, h) = boxes[id];
                let on_side = (px - x).abs() < 0.06 || (px - (x + w)).abs() < 0.06;
                assert!(
                    on_side && py > y && py < y + h,
                    "{file}: a line of {from} -> {to} misses {id}: {line}"
                );
            }
        }
    }
}

/// The boxes of onefront's SVG by id: x, y, width, height.
fn rects(svg: &str) -> BTreeMap<String, (f64, f64, f64, f64)> {
    svg.lines()
        .filter(|l| l.starts_with("<g class=\"") && l.contains("<rect "))
        .map(|l| {
            let rect = &l[l.find("<rect ").unwrap()..];
            (
                between(l, "id=\"", "\"").to_owned(),
                (
                    attr(rect, "x"),
                    attr(rect, "y"),
                    attr(rect, "width"),
                    attr(rect, "height"),
                ),
            )
        })
        .collect()
}

fn attr(element: &str, name: &str) -> f64 {
    between(element, &format!(" {name}=\""), "\"")
        .parse()
        .unwrap()
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in {text}"))
        + start.len();
    let len = text[from..].find(end).unwrap();
    &text[from..from + len]
}

#[test]
fn the_reference_layout_in_mermaid() {
    insta::assert_snapshot!(graph("examples/reference.onefront", "mermaid"));
}

#[test]
fn the_committed_picture_is_what_graph_draws_today() {
    let fresh = graph("examples/reference.onefront", "svg");
    let committed = std::fs::read_to_string(repo().join("docs/graph/reference.svg")).unwrap();
    assert!(
        fresh == committed,
        "docs/graph/reference.svg is stale: run scripts/render-graph"
    );
    let docs = std::fs::read_to_string(repo().join("docs/graph.md")).unwrap();
    let mermaid = graph("examples/reference.onefront", "mermaid");
    assert!(
        docs.contains(&format!("```mermaid\n{mermaid}```")),
        "docs/graph.md does not hold today's Mermaid of the reference example: run scripts/render-graph"
    );
    assert!(repo().join("docs/graph/reference.png").is_file());
}

/// Names a user could write, through every format: labels come back as
/// they were (Graphviz and the XML parser read them; Mermaid's entities
/// decode to them).
#[test]
fn every_format_escapes_what_it_must() {
    use onefront::graph::{
        Container, External, Graph, Link, Mount, Port, Target, Volume, VolumeKind,
    };
    let nasty = "a\"b<c>&d#quot;e\\N'f`g|h";
    let graph = Graph {
        name: nasty.to_owned(),
        containers: vec![Container {
            name: nasty.to_owned(),
            service: "s".to_owned(),
            runs: vec!["s".to_owned()],
        }],
        ports: vec![Port {
            host: format!("{nasty}:1"),
            target: "2/tcp".to_owned(),
            role: nasty.to_owned(),
            container: 0,
        }],
        volumes: vec![Volume {
            name: nasty.to_owned(),
            kind: VolumeKind::Bind,
            layout: None,
            mounts: vec![Mount {
                container: 0,
                target: nasty.to_owned(),
                readonly: false,
            }],
        }],
        externals: vec![External {
            host: nasty.to_owned(),
            services: vec!["s".to_owned()],
        }],
        links: vec![Link {
            from: 0,
            to: Target::External(0),
            param: nasty.to_owned(),
            service: "s".to_owned(),
        }],
    };
    let graphs = [graph];
    let temp = TempDir::new();
    let dot_svg = temp.std_path().join("nasty-dot.svg");
    graphviz(&onefront::graph::dot::render(&graphs), &dot_svg);
    let own_svg = temp.std_path().join("nasty.svg");
    std::fs::write(&own_svg, onefront::graph::svg::render(&graphs)).unwrap();
    let mermaid = read_mermaid(&onefront::graph::mermaid::render(&graphs));
    for (format, drawn) in [
        ("dot", read_svg(&dot_svg)),
        ("svg", read_svg(&own_svg)),
        ("mermaid", mermaid),
    ] {
        for kind in ['c', 'v', 'x'] {
            let (_, lines) = drawn.of_kind(kind).next().unwrap();
            assert_eq!(lines[0], nasty, "{format}");
        }
        let (_, port) = drawn.of_kind('p').next().unwrap();
        assert_eq!(port[0], format!("{nasty}:1 → 2/tcp"), "{format}");
        assert_eq!(port[1], nasty, "{format}");
        assert_eq!(drawn.edges.len(), 3, "{format}");
        for (_, _, label) in drawn.edges.iter().filter(|(_, _, l)| !l.is_empty()) {
            assert!(label.contains(nasty), "{format}: {label}");
        }
    }
}

#[test]
fn errors_draw_nothing_and_output_follows_the_extension() {
    let temp = TempDir::new();
    let bad = temp.path().join("bad.onefront");
    std::fs::write(&bad, "onefront 5.13\ndeployment x { layot all-in-one }\n").unwrap();
    let output = onefront(&["graph", bad.as_str()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty(), "a graph of a file with errors");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("did you mean `layout`?"), "{stderr}");
    let file: PathBuf = temp.std_path().join("out.svg");
    let output = onefront(&[
        "graph",
        "examples/reference.onefront",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stdout.is_empty());
    let written = std::fs::read_to_string(&file).unwrap();
    assert_eq!(written, graph("examples/reference.onefront", "svg"));
    let both = onefront(&[
        "graph",
        "examples/reference.onefront",
        "tests/graph/custom.onefront",
    ]);
    assert_eq!(both.status.code(), Some(0));
    let both = String::from_utf8(both.stdout).unwrap();
    assert!(
        both.contains("subgraph d0[\"opennebula\"]") && both.contains("subgraph d1[\"site\"]"),
        "one subgraph a deployment: {both}"
    );
    let nowhere = temp.path().join("no/such/folder/out.svg");
    let unwritable = onefront(&[
        "graph",
        "examples/reference.onefront",
        "-o",
        nowhere.as_str(),
    ]);
    assert_eq!(unwritable.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&unwritable.stderr);
    assert!(stderr.contains("cannot write"), "{stderr}");
    let png = onefront(&["graph", "examples/reference.onefront", "--format", "png"]);
    assert_eq!(png.status.code(), Some(2), "no such format");
    assert_eq!(
        graph("examples/reference.onefront", "mermaid"),
        String::from_utf8(onefront(&["graph", "examples/reference.onefront"]).stdout).unwrap(),
        "Mermaid is the default"
    );
}

/// A page that renders Mermaid `source` with the pinned mermaid package in
/// the browser, and writes `OK` and the SVG, or `ERROR` and the message.
fn mermaid_page(source: &str) -> String {
    let script = tools::npm_modules().join("mermaid/dist/mermaid.min.js");
    let text = serde_json::to_string(source).unwrap();
    format!(
        "<!doctype html><html><body><pre id=\"out\">pending</pre>\n\
         <script src=\"file://{}\"></script>\n\
         <script>\n\
         mermaid.initialize({{ startOnLoad: false }});\n\
         mermaid.parse({text})\n\
           .then(() => mermaid.render('graph', {text}))\n\
           .then(r => {{ document.getElementById('out').textContent = 'OK';\n\
                         document.body.insertAdjacentHTML('beforeend', r.svg); }})\n\
           .catch(e => {{ document.getElementById('out').textContent = 'ERROR ' + (e && e.message || e); }});\n\
         </script></body></html>\n",
        script.display()
    )
}

/// The DOM of a page after headless Chromium ran its scripts.
fn rendered_dom(page: &Path) -> String {
    let output = headless(
        page,
        &[
            "--allow-file-access-from-files",
            "--virtual-time-budget=20000",
            "--dump-dom",
        ],
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The Mermaid of S1, S2 and the custom file renders in the real Mermaid,
/// in Chromium, and the picture names every container; a broken source
/// does not (what the check would catch).
#[test]
fn mermaid_renders_in_the_real_mermaid() {
    let temp = TempDir::new();
    let broken = "flowchart LR\n  a[[[ unclosed\n".to_owned();
    let mut sources: Vec<(String, Option<&str>)> = FILES
        .iter()
        .map(|f| (graph(f, "mermaid"), Some(*f)))
        .collect();
    sources.push((broken, None));
    for (i, (source, file)) in sources.iter().enumerate() {
        let page = temp.std_path().join(format!("mermaid-{i}.html"));
        std::fs::write(&page, mermaid_page(source)).unwrap();
        let dom = rendered_dom(&page);
        let status = dom
            .split("id=\"out\">")
            .nth(1)
            .and_then(|rest| rest.split('<').next())
            .unwrap_or("no status");
        let Some(file) = file else {
            assert!(
                status.starts_with("ERROR"),
                "a broken source rendered: {status}"
            );
            continue;
        };
        assert_eq!(status, "OK", "{file}: Mermaid did not render it");
        for container in expected(file).containers.keys() {
            assert!(
                dom.contains(&format!(">{container}<")) || dom.contains(&format!(">{container} ")),
                "{file}: {container} is not in Mermaid's picture"
            );
        }
    }
}
