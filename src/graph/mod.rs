//! Deployment model -> a picture of it: every container with the services it
//! runs, the ports it publishes, the volumes it mounts (and which containers
//! share them), the `*_HOST` links between containers and the external
//! servers they point at. [`Graph::of`] reads only the model (and the
//! reference, for which parameters locate a service); [`mermaid`], [`dot`]
//! and [`svg`] draw it. Like the emitters, nothing here checks anything: the
//! model validated without errors.

pub mod dot;
pub mod mermaid;
pub mod svg;

use std::net::IpAddr;

use crate::ir::model::{Address, Deployment, EnvValue, MountSource, PortNumber};
use crate::reference::{Reference, Runs};

/// What `onefront graph` draws of one deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Graph {
    /// The deployment's name (its compose project).
    pub name: String,
    pub containers: Vec<Container>,
    pub ports: Vec<Port>,
    pub volumes: Vec<Volume>,
    pub externals: Vec<External>,
    pub links: Vec<Link>,
}

/// A container and the services it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Container {
    pub name: String,
    /// The value of the service parameter, as the container gets it.
    pub service: String,
    /// The services that value runs: itself, or every service for the value
    /// that runs them all.
    pub runs: Vec<String>,
}

/// A published port: the host side and the container side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port {
    /// `ADDRESS:PORT` on the host (`[ADDRESS]:PORT` for IPv6).
    pub host: String,
    /// `PORT/PROTOCOL` in the container.
    pub target: String,
    /// The port role of the reference (`SERVICE.NAME`).
    pub role: String,
    /// Index into [`Graph::containers`].
    pub container: usize,
}

/// What backs a volume node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VolumeKind {
    /// A named volume of the project, with its explicit Docker name if the
    /// user gave one.
    Named { docker_name: Option<String> },
    /// A host directory.
    Bind,
    /// A volume of one container, dropped with it.
    Anonymous,
}

/// A volume and every container that mounts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volume {
    /// The named volume, the host directory of a bind mount, or the layout
    /// volume an anonymous mount stands for (its target when none).
    pub name: String,
    pub kind: VolumeKind,
    /// The layout volume it backs, if it is one.
    pub layout: Option<String>,
    pub mounts: Vec<Mount>,
}

/// Where a container mounts a volume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    /// Index into [`Graph::containers`].
    pub container: usize,
    pub target: String,
    pub readonly: bool,
}

/// A server outside the deployment that a `*_HOST` parameter names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct External {
    pub host: String,
    /// The services located there.
    pub services: Vec<String>,
}

/// What a `*_HOST` parameter points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Index into [`Graph::containers`].
    Container(usize),
    /// Index into [`Graph::externals`].
    External(usize),
}

/// A container's `*_HOST` parameter naming another container or a server.
/// A container that names itself (the service it runs reads its own host)
/// draws no link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Index into [`Graph::containers`].
    pub from: usize,
    pub to: Target,
    pub param: String,
    /// The service it locates.
    pub service: String,
}

impl Graph {
    /// The picture of one deployment. `reference` is the one the deployment
    /// was checked against.
    #[must_use]
    pub fn of(deployment: &Deployment, reference: &Reference) -> Graph {
        let containers: Vec<Container> = deployment
            .containers
            .iter()
            .map(|c| Container {
                name: c.name.clone(),
                service: c.service.clone(),
                runs: runs(reference, &c.service),
            })
            .collect();
        let (externals, links) = links(deployment, reference);
        Graph {
            name: deployment.name.clone(),
            ports: ports(deployment),
            volumes: volumes(deployment),
            containers,
            externals,
            links,
        }
    }
}

/// The services a value of the service parameter runs.
fn runs(reference: &Reference, service: &str) -> Vec<String> {
    if !reference.runs_everything(service) {
        return vec![service.to_owned()];
    }
    reference
        .services
        .values()
        .filter(|s| s.runs == Runs::One)
        .map(|s| s.name.clone())
        .collect()
}

fn ports(deployment: &Deployment) -> Vec<Port> {
    let mut found = Vec::new();
    for (index, container) in deployment.containers.iter().enumerate() {
        for port in &container.ports {
            let address = host_address(deployment, &port.address);
            let published = port_text(deployment, &port.published);
            let target = port_text(deployment, &port.target);
            found.push(Port {
                host: format!("{address}:{published}"),
                target: format!("{target}/{}", port.protocol),
                role: port.role.clone(),
                container: index,
            });
        }
    }
    found
}

/// The address's value; a deploy parameter without one keeps its name, as
/// compose would read `${NAME}`.
fn host_address(deployment: &Deployment, address: &Address) -> String {
    let text = deployment.address_value(address).unwrap_or_else(|| {
        let Address::Deploy(name) = address else {
            return String::new();
        };
        format!("${{{name}}}")
    });
    if text.parse::<IpAddr>().is_ok_and(|ip| ip.is_ipv6()) {
        format!("[{text}]")
    } else {
        text
    }
}

fn port_text(deployment: &Deployment, port: &PortNumber) -> String {
    match (deployment.port_value(port), port) {
        (Some(n), _) => n.to_string(),
        (None, PortNumber::Deploy(name)) => format!("${{{name}}}"),
        (None, PortNumber::Fixed(n)) => n.to_string(),
    }
}

/// Named volumes in the deployment's order, then bind mounts and anonymous
/// volumes in the order containers mount them.
fn volumes(deployment: &Deployment) -> Vec<Volume> {
    let mut found: Vec<Volume> = deployment
        .volumes
        .iter()
        .map(|(name, docker_name)| Volume {
            name: name.clone(),
            kind: VolumeKind::Named {
                docker_name: docker_name.as_ref().map(|n| n.node.clone()),
            },
            layout: Some(name.clone()),
            mounts: Vec::new(),
        })
        .collect();
    for (index, container) in deployment.containers.iter().enumerate() {
        for entry in &container.mounts {
            let mount = Mount {
                container: index,
                target: entry.target.clone(),
                readonly: entry.readonly,
            };
            let (name, kind) = match &entry.source {
                MountSource::Volume(name) => {
                    (name.clone(), VolumeKind::Named { docker_name: None })
                }
                MountSource::Bind(path) => (path.clone(), VolumeKind::Bind),
                MountSource::Anonymous => (
                    entry.volume.clone().unwrap_or_else(|| entry.target.clone()),
                    VolumeKind::Anonymous,
                ),
            };
            // Each anonymous mount is a volume of its own.
            let existing = found.iter_mut().find(|v| {
                kind != VolumeKind::Anonymous
                    && v.name == name
                    && std::mem::discriminant(&v.kind) == std::mem::discriminant(&kind)
            });
            match existing {
                Some(volume) => volume.mounts.push(mount),
                None => found.push(Volume {
                    name,
                    kind,
                    layout: entry.volume.clone(),
                    mounts: vec![mount],
                }),
            }
        }
    }
    found.retain(|v| !v.mounts.is_empty());
    found
}

/// The `*_HOST` links of every container, and the servers outside the
/// deployment they name.
fn links(deployment: &Deployment, reference: &Reference) -> (Vec<External>, Vec<Link>) {
    let mut externals: Vec<External> = Vec::new();
    let mut links = Vec::new();
    for (from, container) in deployment.containers.iter().enumerate() {
        for (param, entry) in &container.env {
            let Some(service) = reference.params.get(param).and_then(|p| p.locates.clone()) else {
                continue;
            };
            let EnvValue::Text(host) = &entry.value else {
                continue;
            };
            let to = match deployment.containers.iter().position(|c| c.name == *host) {
                Some(to) if to == from => continue,
                Some(to) => Target::Container(to),
                None => Target::External(external(&mut externals, host, &service)),
            };
            links.push(Link {
                from,
                to,
                param: param.clone(),
                service,
            });
        }
    }
    (externals, links)
}

/// The index of the server `host`, added on first sight; `service` is
/// located there.
fn external(externals: &mut Vec<External>, host: &str, service: &str) -> usize {
    let index = externals
        .iter()
        .position(|e| e.host == host)
        .unwrap_or_else(|| {
            externals.push(External {
                host: host.to_owned(),
                services: Vec::new(),
            });
            externals.len() - 1
        });
    if !externals[index].services.iter().any(|s| s == service) {
        externals[index].services.push(service.to_owned());
    }
    index
}

impl Port {
    /// `HOST -> TARGET`, as every format labels it.
    #[must_use]
    pub fn mapping(&self) -> String {
        format!("{} → {}", self.host, self.target)
    }
}

impl Volume {
    /// What backs it, in a few words: `named volume`, `bind mount of
    /// VOLUME`, ...
    #[must_use]
    pub fn kind_text(&self) -> String {
        let kind = match &self.kind {
            VolumeKind::Named {
                docker_name: Some(name),
            } => return format!("named volume, Docker name {name}"),
            VolumeKind::Named { docker_name: None } => return "named volume".to_owned(),
            VolumeKind::Bind => "bind mount",
            VolumeKind::Anonymous => "anonymous volume",
        };
        match &self.layout {
            Some(layout) if *layout != self.name => format!("{kind} of {layout}"),
            _ => kind.to_owned(),
        }
    }
}

impl Mount {
    /// The target, with `(ro)` when read-only.
    #[must_use]
    pub fn target_text(&self) -> String {
        if self.readonly {
            format!("{} (ro)", self.target)
        } else {
            self.target.clone()
        }
    }
}

impl Container {
    /// The services it runs, a few to a line: `oned`, or `all:` and the
    /// services that value runs.
    #[must_use]
    pub fn services_lines(&self) -> Vec<String> {
        if self.runs.len() == 1 && self.runs[0] == self.service {
            return vec![self.service.clone()];
        }
        let mut lines = vec![format!("{}:", self.service)];
        lines.extend(self.runs.chunks(SERVICES_A_LINE).map(|c| c.join(", ")));
        lines
    }
}

/// How many services a line of a container's label lists.
const SERVICES_A_LINE: usize = 4;

/// `text` with every control character written out (`\n`, `\u{7}`), so that
/// each format gets one visible line and XML gets only characters it allows.
#[must_use]
pub fn visible(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The id of a node of deployment `deployment`, the same in every format:
/// `d0_c1` (container), `d0_p2` (port), `d0_v3` (volume), `d0_x0`
/// (external server). Ids never hold user text, so they need no escaping.
#[must_use]
pub fn node_id(deployment: usize, kind: char, index: usize) -> String {
    format!("d{deployment}_{kind}{index}")
}

impl Target {
    /// The id of the node it points at.
    #[must_use]
    pub fn node_id(self, deployment: usize) -> String {
        match self {
            Target::Container(i) => node_id(deployment, 'c', i),
            Target::External(i) => node_id(deployment, 'x', i),
        }
    }
}

impl External {
    /// `external SERVICE, ...`
    #[must_use]
    pub fn services_text(&self) -> String {
        format!("external {}", self.services.join(", "))
    }
}

/// What an edge of the graph stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeKind {
    /// A published port to its container.
    Publish,
    /// A container to a volume it mounts, labelled with the target.
    Mount,
    /// A `*_HOST` parameter to what it names, labelled with the parameter.
    Link,
}

/// An edge between two nodes, by their [`node_id`]s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub kind: EdgeKind,
    pub from: String,
    pub to: String,
    pub label: Option<String>,
}

impl Graph {
    /// Every edge of deployment `d`: ports, mounts, then links.
    #[must_use]
    pub fn edges(&self, d: usize) -> Vec<Edge> {
        let mut edges = Vec::new();
        for (i, port) in self.ports.iter().enumerate() {
            edges.push(Edge {
                kind: EdgeKind::Publish,
                from: node_id(d, 'p', i),
                to: node_id(d, 'c', port.container),
                label: None,
            });
        }
        for (i, volume) in self.volumes.iter().enumerate() {
            for mount in &volume.mounts {
                edges.push(Edge {
                    kind: EdgeKind::Mount,
                    from: node_id(d, 'c', mount.container),
                    to: node_id(d, 'v', i),
                    label: Some(mount.target_text()),
                });
            }
        }
        for link in &self.links {
            edges.push(Edge {
                kind: EdgeKind::Link,
                from: node_id(d, 'c', link.from),
                to: link.to.node_id(d),
                label: Some(link.param.clone()),
            });
        }
        edges
    }
}

/// The lines of text of each kind of node, the same in every format.
pub trait Label {
    fn label(&self) -> Vec<String>;
}

impl Label for Port {
    /// The mapping, then the port role.
    fn label(&self) -> Vec<String> {
        vec![self.mapping(), self.role.clone()]
    }
}

impl Label for Container {
    /// The name, then the services it runs.
    fn label(&self) -> Vec<String> {
        let mut lines = vec![self.name.clone()];
        lines.extend(self.services_lines());
        lines
    }
}

impl Label for Volume {
    /// The name, then what backs it.
    fn label(&self) -> Vec<String> {
        vec![self.name.clone(), self.kind_text()]
    }
}

impl Label for External {
    /// The host, then the services located there.
    fn label(&self) -> Vec<String> {
        vec![self.host.clone(), self.services_text()]
    }
}
