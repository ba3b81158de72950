//! A compose project (a compose file, its `.env`, the `env_file:` entries it
//! names) read into a [`Project`], as Docker Compose would run it: values
//! interpolated, env files merged under `environment:`, short and long port
//! and volume syntax, volume names resolved to Docker's.

use std::net::IpAddr;

use indexmap::IndexMap;

use super::interpolate::{Text, Vars, dotenv, interpolate};
use super::yaml::{self, Node, YamlError};
use super::{Container, Mount, Port, Project, Source, Unsaid, Value};
use crate::kinds::{Protocol, Word as _};

/// The service keys the language has statements for; any other is kept for
/// review.
const UNDERSTOOD: &[&str] = &[
    "image",
    "container_name",
    "environment",
    "env_file",
    "ports",
    "volumes",
    "privileged",
    "cap_add",
    "restart",
    "security_opt",
];

/// Why a compose project cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    Yaml(YamlError),
    /// No `services:` mapping.
    NoServices,
    /// An `env_file:` that cannot be read: its path and the error.
    EnvFile(String, String),
}

/// Reads a compose file. `dotenv_text` is the project's `.env` (empty if
/// none), `read` reads an `env_file:` path (relative to the compose file's
/// folder), `folder` is that folder's absolute path: relative bind mounts
/// are relative to it, and its name is the project name when the file has
/// no `name:`.
pub fn read(
    text: &str,
    dotenv_text: &str,
    folder: &str,
    read: &dyn Fn(&str) -> Result<String, String>,
) -> Result<Project, Unreadable> {
    let root = yaml::load(text).map_err(Unreadable::Yaml)?;
    let (vars, _) = dotenv(dotenv_text, &Vars::new());
    let services = root.get("services").ok_or(Unreadable::NoServices)?;
    if !matches!(services, Node::Mapping(..)) {
        return Err(Unreadable::NoServices);
    }
    let mut project = Project {
        v1: root.get("version").is_some() && root.get("name").is_none(),
        ..Project::default()
    };
    let named = root
        .get("name")
        .and_then(Node::text)
        .map(|n| known(&interpolate(n, &vars)));
    project.name = Some(match named {
        Some(Some(name)) => name,
        _ => project_name(folder.rsplit('/').next().unwrap_or_default()),
    });
    let project_name = project.name.clone().unwrap_or_default();
    for (key, node) in root.entries() {
        if !matches!(key.as_str(), "name" | "services" | "volumes" | "version")
            && !key.starts_with("x-")
        {
            project
                .unsaid
                .push((None, node.line(), Unsaid::TopLevel(key.clone())));
        }
    }
    let volumes = volume_names(root.get("volumes"), &project_name, &vars);
    for (key, service) in services.entries() {
        let container = service_of(key, service, &vars, &volumes, folder, read, &mut project)?;
        project.containers.push(container);
    }
    Ok(project)
}

/// Compose's default project name: the folder's name, lower case, with
/// only letters, digits, `_` and `-`.
fn project_name(folder: &str) -> String {
    folder
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
        .collect()
}

fn known(text: &Text) -> Option<String> {
    match text {
        Text::Known(s) => Some(s.clone()),
        _ => None,
    }
}

/// Docker's name of each volume key: `name:`, the key of an external
/// volume, or `PROJECT_KEY`.
fn volume_names(volumes: Option<&Node>, project: &str, vars: &Vars) -> IndexMap<String, String> {
    let mut names = IndexMap::new();
    for (key, node) in volumes.map(Node::entries).unwrap_or_default() {
        let explicit = node
            .get("name")
            .and_then(Node::text)
            .and_then(|n| known(&interpolate(n, vars)));
        let external = node
            .get("external")
            .is_some_and(|e| e.as_bool() == Some(true) || matches!(e, Node::Mapping(..)));
        let name = match (explicit, external) {
            (Some(name), _) => name,
            (None, true) => key.clone(),
            (None, false) => format!("{project}_{key}"),
        };
        names.insert(key.clone(), name);
    }
    names
}

fn service_of(
    key: &str,
    service: &Node,
    vars: &Vars,
    volumes: &IndexMap<String, String>,
    folder: &str,
    read: &dyn Fn(&str) -> Result<String, String>,
    project: &mut Project,
) -> Result<Container, Unreadable> {
    let mut container = Container {
        key: key.to_owned(),
        line: service.line(),
        ..Container::default()
    };
    let mut unsaid =
        |line: usize, what: Unsaid| project.unsaid.push((Some(key.to_owned()), line, what));
    let text_of = |node: &Node| node.text().map(|t| interpolate(t, vars));
    for (field, node) in service.entries() {
        match field.as_str() {
            "image" => match text_of(node) {
                Some(Text::Known(image)) => container.image = Some(image),
                _ => unsaid(node.line(), Unsaid::Field(field.clone())),
            },
            "container_name" => match text_of(node) {
                Some(Text::Known(name)) => container.container_name = Some(name),
                _ => unsaid(node.line(), Unsaid::Field(field.clone())),
            },
            "restart" => match text_of(node) {
                Some(Text::Known(policy)) => container.restart = Some(policy),
                _ => unsaid(node.line(), Unsaid::Field(field.clone())),
            },
            "privileged" => container.privileged = node.as_bool() == Some(true),
            "cap_add" => {
                for item in node.items() {
                    match text_of(item) {
                        Some(Text::Known(cap)) => container.caps.push(cap),
                        _ => unsaid(item.line(), Unsaid::Field(field.clone())),
                    }
                }
            }
            "security_opt" => {
                for item in node.items() {
                    match text_of(item) {
                        Some(Text::Known(option)) => container.security.push(option),
                        _ => unsaid(item.line(), Unsaid::Field(field.clone())),
                    }
                }
            }
            "ports" => {
                for item in node.items() {
                    match port_of(item, vars) {
                        Some(ports) => container.ports.extend(ports),
                        None => unsaid(item.line(), Unsaid::Port(shown(item))),
                    }
                }
            }
            "volumes" => {
                for item in node.items() {
                    match mount_of(item, vars, volumes, folder) {
                        Some(mount) => container.mounts.push(mount),
                        None => unsaid(item.line(), Unsaid::Mount(shown(item))),
                    }
                }
            }
            "env_file" | "environment" => {}
            _ => {
                if !UNDERSTOOD.contains(&field.as_str()) {
                    unsaid(node.line(), Unsaid::Field(field.clone()));
                }
            }
        }
    }
    environment_of(key, service, vars, read, &mut container, project)?;
    Ok(container)
}

/// The environment of a service: its `env_file:` entries in order, then
/// `environment:` over them.
fn environment_of(
    key: &str,
    service: &Node,
    vars: &Vars,
    read: &dyn Fn(&str) -> Result<String, String>,
    container: &mut Container,
    project: &mut Project,
) -> Result<(), Unreadable> {
    // env_file entries first, in order, then `environment:` over them.
    if let Some(files) = service.get("env_file") {
        let paths: Vec<&Node> = match files {
            Node::Sequence(items, _) => items.iter().collect(),
            other => vec![other],
        };
        for path_node in paths {
            let (path, required) = match path_node {
                Node::Mapping(..) => (
                    path_node.get("path").and_then(Node::text),
                    path_node.get("required").and_then(Node::as_bool) != Some(false),
                ),
                other => (other.text(), true),
            };
            let Some(path) = path.and_then(|p| known(&interpolate(p, vars))) else {
                project.unsaid.push((
                    Some(key.to_owned()),
                    path_node.line(),
                    Unsaid::Field("env_file".to_owned()),
                ));
                continue;
            };
            match read(&path) {
                Ok(text) => {
                    let (values, from_environment) = dotenv(&text, vars);
                    for (name, value) in values {
                        container.env.insert(name, Value::Text(value));
                    }
                    for name in from_environment {
                        container.env.insert(name.clone(), Value::Env(name));
                    }
                }
                Err(_) if !required => {}
                Err(error) => return Err(Unreadable::EnvFile(path, error)),
            }
        }
    }
    if let Some(environment) = service.get("environment") {
        let mut set = |name: &str, value: Option<&Node>, line: usize| {
            let value = match value {
                None => Some(Value::Env(name.to_owned())),
                Some(node) if node.is_null() => Some(Value::Env(name.to_owned())),
                Some(node) => match node.text().map(|t| interpolate(t, vars)) {
                    Some(Text::Known(text)) => Some(Value::Text(text)),
                    Some(Text::Env(variable)) => Some(Value::Env(variable)),
                    _ => None,
                },
            };
            match value {
                Some(value) => {
                    container.env.insert(name.to_owned(), value);
                }
                None => project.unsaid.push((
                    Some(key.to_owned()),
                    line,
                    Unsaid::Environment(name.to_owned()),
                )),
            }
        };
        match environment {
            Node::Mapping(entries, _) => {
                for (name, value) in entries {
                    set(name, Some(value), value.line());
                }
            }
            Node::Sequence(items, _) => {
                for item in items {
                    let Some(text) = item.text() else { continue };
                    match text.split_once('=') {
                        Some((name, value)) => {
                            let node = Node::Scalar {
                                text: value.to_owned(),
                                plain: false,
                                line: item.line(),
                            };
                            set(name, Some(&node), item.line());
                        }
                        None => set(text, None, item.line()),
                    }
                }
            }
            Node::Scalar { .. } => {}
        }
    }
    Ok(())
}

/// A node as the review comment shows it.
fn shown(node: &Node) -> String {
    match node {
        Node::Scalar { text, .. } => text.clone(),
        Node::Sequence(items, _) => {
            let inner: Vec<String> = items.iter().map(shown).collect();
            format!("[{}]", inner.join(", "))
        }
        Node::Mapping(entries, _) => {
            let inner: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{k}: {}", shown(v)))
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
    }
}

/// A `ports:` entry: `[[IP:]HOST:]CONTAINER[/PROTO]` (ranges are not
/// understood) or the long form.
fn port_of(node: &Node, vars: &Vars) -> Option<Vec<Port>> {
    if let Node::Mapping(..) = node {
        let field = |name: &str| {
            node.get(name)
                .and_then(Node::text)
                .and_then(|t| known(&interpolate(t, vars)))
        };
        let target = field("target")?.parse().ok()?;
        let published = match field("published") {
            Some(p) => Some(p.parse().ok()?),
            None => None,
        };
        let address = match field("host_ip") {
            Some(ip) => Some(ip.parse().ok()?),
            None => None,
        };
        let protocol = match field("protocol") {
            Some(p) => Protocol::parse(&p)?,
            None => Protocol::Tcp,
        };
        return Some(vec![Port {
            address,
            published,
            target,
            protocol,
        }]);
    }
    let text = known(&interpolate(node.text()?, vars))?;
    short_port(&text).map(|p| vec![p])
}

/// `[[IP:]HOST:]CONTAINER[/PROTO]`, as `docker run -p` takes it too.
pub(super) fn short_port(text: &str) -> Option<Port> {
    let (spec, protocol) = match text.rsplit_once('/') {
        Some((spec, proto)) => (spec, Protocol::parse(proto)?),
        None => (text, Protocol::Tcp),
    };
    // An IPv6 address is in brackets: `[::1]:80:80`.
    let (address, rest): (Option<IpAddr>, &str) = if let Some(v6) = spec.strip_prefix('[') {
        let (ip, rest) = v6.split_once(']')?;
        (Some(ip.parse().ok()?), rest.strip_prefix(':')?)
    } else {
        let parts: Vec<&str> = spec.split(':').collect();
        match parts.len() {
            3 => {
                let ip = parts[0];
                let address = if ip.is_empty() {
                    None
                } else {
                    Some(ip.parse().ok()?)
                };
                (address, &spec[ip.len() + 1..])
            }
            1 | 2 => (None, spec),
            _ => return None,
        }
    };
    let (published, target) = match rest.split_once(':') {
        Some(("", container)) => (None, container),
        Some((host, container)) => (Some(host.parse().ok()?), container),
        None => (None, rest),
    };
    Some(Port {
        address,
        published,
        target: target.parse().ok()?,
        protocol,
    })
}

/// A `volumes:` entry: short `SOURCE:TARGET[:ro]`, `TARGET` (anonymous),
/// or the long form.
fn mount_of(
    node: &Node,
    vars: &Vars,
    volumes: &IndexMap<String, String>,
    folder: &str,
) -> Option<Mount> {
    if let Node::Mapping(..) = node {
        let field = |name: &str| {
            node.get(name)
                .and_then(Node::text)
                .and_then(|t| known(&interpolate(t, vars)))
        };
        let target = field("target")?;
        let readonly = node.get("read_only").and_then(Node::as_bool) == Some(true);
        let source = match (field("type").as_deref(), field("source")) {
            (Some("volume"), Some(key)) => Source::Volume(volumes.get(&key)?.clone()),
            (Some("volume"), None) => Source::Anonymous,
            (Some("bind"), Some(path)) => Source::Bind(host_path(&path, Some(folder))?),
            _ => return None,
        };
        let understood = ["type", "source", "target", "read_only"];
        if node
            .entries()
            .iter()
            .any(|(k, _)| !understood.contains(&k.as_str()))
        {
            return None;
        }
        return Some(Mount {
            source,
            target,
            readonly,
        });
    }
    let text = known(&interpolate(node.text()?, vars))?;
    short_mount(&text, &|key| volumes.get(key).cloned(), Some(folder))
}

/// `SOURCE:TARGET[:OPTIONS]` or `TARGET`, as `docker run -v` takes it too;
/// `volume` gives Docker's name of a named volume's source (`None`: not a
/// volume this project knows); a relative host path is relative to `base`
/// (none: not understood).
pub(super) fn short_mount(
    text: &str,
    volume: &dyn Fn(&str) -> Option<String>,
    base: Option<&str>,
) -> Option<Mount> {
    let parts: Vec<&str> = text.split(':').collect();
    let (source, target, options) = match parts.as_slice() {
        [target] => (None, *target, ""),
        [source, target] => (Some(*source), *target, ""),
        [source, target, options] => (Some(*source), *target, *options),
        _ => return None,
    };
    if !target.starts_with('/') {
        return None;
    }
    let mut readonly = false;
    for option in options.split(',').filter(|o| !o.is_empty()) {
        match option {
            "ro" => readonly = true,
            "rw" => readonly = false,
            _ => return None,
        }
    }
    let source = match source {
        None => Source::Anonymous,
        Some(path) if path.starts_with(['/', '.', '~']) => Source::Bind(host_path(path, base)?),
        Some(key) => Source::Volume(volume(key)?),
    };
    Some(Mount {
        source,
        target: target.to_owned(),
        readonly,
    })
}

/// A bind mount's host path, absolute: `./certs` and `../x` are relative to
/// `base`, as Compose resolves them against the project folder; `~` (the
/// home of whoever runs Compose) is not understood.
fn host_path(path: &str, base: Option<&str>) -> Option<String> {
    let joined = if path.starts_with('/') {
        return Some(path.to_owned());
    } else if path.starts_with('.') {
        format!("{}/{path}", base?)
    } else {
        return None;
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    Some(format!("/{}", parts.join("/")))
}
