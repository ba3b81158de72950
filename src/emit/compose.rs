//! The compose file: one service per container, the deploy parameters left
//! as `${...}` for compose to fill from `.env`, exactly as the reference
//! bundle does, so that the ports and the parameters derived from them (D1)
//! cannot drift apart.

use super::header;
use super::yaml::{Node, render};
use crate::ir::model::{Address, Container, Deployment, EnvValue, MountSource, PortNumber};
use crate::kinds::{ComposeFlavour, Protocol};

/// Renders `docker-compose.yml`.
#[must_use]
pub fn emit(deployment: &Deployment) -> String {
    // Compose v1 reads file format 3.7 and knows no top-level `name:` (the
    // unit passes the project name instead).
    let mut top = if deployment.compose == ComposeFlavour::V1 {
        vec![("version".to_owned(), Node::str("3.7"))]
    } else {
        vec![("name".to_owned(), Node::str(&deployment.name))]
    };
    let services = deployment
        .containers
        .iter()
        .map(|c| (c.name.clone(), service(deployment, c)))
        .collect();
    top.push(("services".to_owned(), Node::Map(services)));
    if !deployment.volumes.is_empty() {
        let volumes = deployment
            .volumes
            .iter()
            .map(|(key, name)| {
                let body = name
                    .as_ref()
                    .map(|n| vec![("name".to_owned(), Node::str(&n.node))])
                    .unwrap_or_default();
                (key.clone(), Node::Map(body))
            })
            .collect();
        top.push(("volumes".to_owned(), Node::Map(volumes)));
    }
    let tool = deployment.compose_tool().command();
    header(
        deployment,
        &format!(
            "Compose project; `{tool} up -d` in this folder starts it (the unit does at boot)."
        ),
    ) + &render(&top)
}

fn service(deployment: &Deployment, container: &Container) -> Node {
    let mut entries = vec![("image".to_owned(), Node::str(&deployment.image))];
    if let Some(name) = &container.container_name {
        entries.push(("container_name".to_owned(), Node::str(name)));
    }
    entries.push(("restart".to_owned(), Node::str(&deployment.restart_setting)));
    if container.privileged {
        entries.push(("privileged".to_owned(), Node::Bool(true)));
    }
    if !container.caps.is_empty() {
        let caps = container.caps.iter().map(Node::str).collect();
        entries.push(("cap_add".to_owned(), Node::Seq(caps)));
    }
    if !container.security.is_empty() {
        let options = container.security.iter().map(Node::str).collect();
        entries.push(("security_opt".to_owned(), Node::Seq(options)));
    }
    if !container.env.is_empty() {
        let env = container
            .env
            .iter()
            .map(|(name, entry)| (name.clone(), Node::str(env_value(name, &entry.value))))
            .collect();
        entries.push(("environment".to_owned(), Node::Map(env)));
    }
    if !container.ports.is_empty() {
        let ports = container
            .ports
            .iter()
            .map(|p| {
                let suffix = if p.protocol == Protocol::Tcp {
                    String::new()
                } else {
                    format!("/{}", p.protocol)
                };
                Node::Str(format!(
                    "{}:{}:{}{suffix}",
                    address(&p.address),
                    port(&p.published),
                    port(&p.target)
                ))
            })
            .collect();
        entries.push(("ports".to_owned(), Node::Seq(ports)));
    }
    if !container.mounts.is_empty() {
        let mounts = container.mounts.iter().map(mount).collect();
        entries.push(("volumes".to_owned(), Node::Seq(mounts)));
    }
    Node::Map(entries)
}

/// A value as compose must read it: literal `$` doubled, secrets and deploy
/// parameters interpolated. A missing secret stops `docker compose up` with
/// a message naming it.
fn env_value(name: &str, value: &EnvValue) -> String {
    match value {
        EnvValue::Text(text) => text.replace('$', "$$"),
        EnvValue::Secret(variable) if variable == name => {
            format!("${{{variable}:?secret {variable} is not set in the environment}}")
        }
        EnvValue::Secret(variable) => {
            format!("${{{variable}:?secret {variable} (for {name}) is not set in the environment}}")
        }
        EnvValue::Deploy(parameter) => format!("${{{parameter}}}"),
    }
}

fn address(address: &Address) -> String {
    match address {
        Address::Deploy(name) => format!("${{{name}}}"),
        Address::Literal(std::net::IpAddr::V6(v6)) => format!("[{v6}]"),
        Address::Literal(ip) => ip.to_string(),
    }
}

fn port(port: &PortNumber) -> String {
    match port {
        PortNumber::Deploy(name) => format!("${{{name}}}"),
        PortNumber::Fixed(n) => n.to_string(),
    }
}

fn mount(mount: &crate::ir::model::MountEntry) -> Node {
    let (kind, source) = match &mount.source {
        MountSource::Volume(name) => ("volume", name.clone()),
        MountSource::Bind(path) => ("bind", path.replace('$', "$$")),
        // The short syntax: podman-compose 1.6 fails on every command when a
        // long-syntax volume has no `source`. Anonymous volumes are layout
        // volumes, whose paths hold no `:`.
        MountSource::Anonymous => return Node::str(mount.target.replace('$', "$$")),
    };
    let mut entries = vec![
        ("type".to_owned(), Node::str(kind)),
        ("source".to_owned(), Node::Str(source)),
    ];
    entries.push((
        "target".to_owned(),
        Node::str(mount.target.replace('$', "$$")),
    ));
    if mount.readonly {
        entries.push(("read_only".to_owned(), Node::Bool(true)));
    }
    Node::Map(entries)
}
