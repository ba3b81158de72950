//! A [`Project`] said in the language: the layout recognised, statements
//! written, the draft lowered like any file and compared with the input
//! container by container; what still differs is what the language cannot
//! say, kept for review.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use indexmap::IndexMap;

use super::interpolate::{Text, Vars, interpolate};
use super::{Aspect, Container, Finding, Mount, Port, Project, Source, Unsaid, Value};
use crate::diagnostic::Diagnostic;
use crate::emit::one_line;
use crate::ir::model::{self, Deployment, EnvValue, MountSource};
use crate::kinds::{Meaning, RestartPolicy, RuntimeKind, Word as _};
use crate::reference::Reference;
use crate::reference::types::{ParamType, source_literal};
use crate::span::SourceId;

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The reference version; default: the one the images name, else the
    /// newest.
    pub version: Option<String>,
    /// The deployment name; default: the project's.
    pub name: Option<String>,
    /// What was imported, for the header comment and diagnostics.
    pub source: String,
}

/// A `.onefront` file made from a project.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The file, formatted.
    pub text: String,
    /// What it does not say, also written in it as review comments.
    pub findings: Vec<Finding>,
    /// The variables whose values the input wrote and the file leaves to
    /// the deploying environment (secrets): (parameter, variable).
    pub secrets: Vec<(String, String)>,
    /// What `validate` says of the file.
    pub diagnostics: Vec<Diagnostic>,
}

/// Why nothing can be imported.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// No reference of that version.
    UnknownVersion(String),
    /// No container runs a service of the reference: why, container by
    /// container.
    NoContainer(Vec<Finding>),
}

/// The statements of the file being written.
#[derive(Debug, Clone, Default)]
struct Draft {
    version: String,
    name: String,
    layout: String,
    runtime: Option<RuntimeKind>,
    compose_v1: bool,
    image: Option<String>,
    restart: Option<String>,
    bind: Option<String>,
    bind_ssh: Option<String>,
    without: Vec<String>,
    external: Vec<(String, String)>,
    publish: IndexMap<String, String>,
    volumes: IndexMap<String, String>,
    mounts: Vec<String>,
    env: IndexMap<String, String>,
    containers: IndexMap<String, Block>,
    review: Vec<String>,
}

/// A `container` block.
#[derive(Debug, Clone, Default)]
struct Block {
    runs: Option<String>,
    privileged: Option<bool>,
    caps: Option<Vec<String>>,
    volumes: IndexMap<String, String>,
    mounts: Vec<String>,
    env: IndexMap<String, String>,
}

impl Block {
    fn is_empty(&self) -> bool {
        self.runs.is_none()
            && self.privileged.is_none()
            && self.caps.is_none()
            && self.volumes.is_empty()
            && self.mounts.is_empty()
            && self.env.is_empty()
    }
}

impl Draft {
    fn render(&self, source: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# Imported by onefront from {}.", one_line(source));
        let _ = writeln!(out, "onefront {}\n", self.version);
        let _ = writeln!(out, "deployment {} {{", self.name);
        for line in &self.review {
            let _ = writeln!(out, "# REVIEW: {}", one_line(line));
        }
        if !self.review.is_empty() {
            out.push('\n');
        }
        let _ = writeln!(out, "layout {}", self.layout);
        if self.runtime == Some(RuntimeKind::Podman) {
            let _ = writeln!(out, "runtime podman");
        }
        if self.compose_v1 {
            let _ = writeln!(out, "compose v1");
        }
        if let Some(image) = &self.image {
            let _ = writeln!(out, "image {}", source_literal(&ParamType::Str, image));
        }
        if let Some(restart) = &self.restart {
            let _ = writeln!(out, "restart {restart}");
        }
        if let Some(bind) = &self.bind {
            let _ = writeln!(out, "bind {bind}");
        }
        if let Some(bind) = &self.bind_ssh {
            let _ = writeln!(out, "bind ssh {bind}");
        }
        if !self.without.is_empty() {
            let _ = writeln!(out, "without {}", self.without.join(", "));
        }
        for (service, host) in &self.external {
            let _ = writeln!(
                out,
                "external {service} {}",
                source_literal(&ParamType::Host, host)
            );
        }
        for (role, how) in &self.publish {
            let _ = writeln!(out, "publish {role} {how}");
        }
        for (volume, how) in &self.volumes {
            let _ = writeln!(out, "volume {volume} {how}");
        }
        for mount in &self.mounts {
            let _ = writeln!(out, "mount {mount}");
        }
        if !self.env.is_empty() {
            out.push('\n');
        }
        env_block(&mut out, &self.env);
        for (name, block) in &self.containers {
            if block.is_empty() && self.layout_is_fixed() {
                continue;
            }
            out.push('\n');
            match &block.runs {
                Some(service) => {
                    let _ = writeln!(out, "container {name} runs {service} {{");
                }
                None => {
                    let _ = writeln!(out, "container {name} {{");
                }
            }
            if let Some(privileged) = block.privileged {
                let _ = writeln!(out, "privileged {}", if privileged { "yes" } else { "no" });
            }
            if let Some(caps) = &block.caps {
                let _ = writeln!(out, "capabilities [{}]", caps.join(", "));
            }
            for (volume, how) in &block.volumes {
                let _ = writeln!(out, "volume {volume} {how}");
            }
            for mount in &block.mounts {
                let _ = writeln!(out, "mount {mount}");
            }
            env_block(&mut out, &block.env);
            let _ = writeln!(out, "}}");
        }
        let _ = writeln!(out, "}}");
        out
    }

    /// Whether container blocks adjust the layout's containers (rather than
    /// define them).
    fn layout_is_fixed(&self) -> bool {
        self.containers.values().all(|b| b.runs.is_none())
    }
}

fn env_block(out: &mut String, env: &IndexMap<String, String>) {
    if env.is_empty() {
        return;
    }
    let _ = writeln!(out, "env {{");
    for (name, value) in env {
        let _ = writeln!(out, "{name} = {value}");
    }
    let _ = writeln!(out, "}}");
}

/// The model of a draft (whatever its diagnostics).
fn lower(draft: &Draft, source: &str) -> Option<Deployment> {
    crate::check("import.onefront", &draft.render(source))
        .deployments
        .pop()
}

/// The deploy parameters of a model, for `${...}` in its strings.
fn deploy_vars(deployment: &Deployment) -> Vars {
    deployment
        .deploy
        .iter()
        .map(|(k, s)| (k.clone(), s.value.clone()))
        .collect()
}

fn resolved(text: &str, vars: &Vars) -> String {
    match interpolate(text, vars) {
        Text::Known(text) => text,
        _ => text.to_owned(),
    }
}

/// A model container's environment as the container sees it.
fn model_env(deployment: &Deployment, container: &model::Container) -> IndexMap<String, Value> {
    container
        .env
        .iter()
        .map(|(name, entry)| {
            let value = match &entry.value {
                EnvValue::Text(text) => Value::Text(text.clone()),
                EnvValue::Secret(variable) => Value::Env(variable.clone()),
                EnvValue::Deploy(param) => Value::Text(
                    deployment
                        .deploy_value(param)
                        .unwrap_or_default()
                        .to_owned(),
                ),
            };
            (name.clone(), value)
        })
        .collect()
}

/// A model port as the runtime publishes it.
fn model_port(deployment: &Deployment, port: &model::PortMapping) -> Option<Port> {
    Some(Port {
        address: deployment.address_value(&port.address)?.parse().ok(),
        published: deployment.port_value(&port.published),
        target: deployment.port_value(&port.target)?,
        protocol: port.protocol,
    })
}

/// A model mount as the runtime mounts it.
fn model_mount(deployment: &Deployment, mount: &model::MountEntry) -> Mount {
    let source = match &mount.source {
        MountSource::Volume(name) => Source::Volume(docker_volume(deployment, name)),
        MountSource::Bind(path) => Source::Bind(path.clone()),
        MountSource::Anonymous => Source::Anonymous,
    };
    Mount {
        source,
        target: mount.target.clone(),
        readonly: mount.readonly,
    }
}

/// Docker's name of a volume of the deployment.
fn docker_volume(deployment: &Deployment, volume: &str) -> String {
    match deployment.volumes.get(volume) {
        Some(Some(explicit)) => explicit.node.clone(),
        _ => format!("{}_{volume}", deployment.name),
    }
}

/// `0.0.0.0` for every address, as Docker publishes an address-less port
/// on IPv4.
fn address_text(port: &Port) -> String {
    match port.address {
        Some(std::net::IpAddr::V6(v6)) => format!("[{v6}]"),
        Some(ip) => ip.to_string(),
        None => "0.0.0.0".to_owned(),
    }
}

fn port_text(port: &Port) -> String {
    let published = port.published.map_or_else(String::new, |p| format!("{p}:"));
    format!(
        "{}:{published}{}/{}",
        address_text(port),
        port.target,
        port.protocol
    )
}

fn mount_text(mount: &Mount) -> String {
    let source = match &mount.source {
        Source::Volume(name) => format!("{name}:"),
        Source::Bind(path) => format!("{path}:"),
        Source::Anonymous => String::new(),
    };
    let ro = if mount.readonly { ":ro" } else { "" };
    format!("{source}{}{ro}", mount.target)
}

/// Whether a text is a name of the language (`name` in the grammar).
fn is_name(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Whether a path can stand bare in the language (`path_value`).
fn is_path(text: &str) -> bool {
    text.starts_with('/')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+@~,".contains(c))
}

fn normal_cap(cap: &str) -> String {
    let upper = cap.to_ascii_uppercase();
    upper.strip_prefix("CAP_").unwrap_or(&upper).to_owned()
}

/// The value of a parameter as the language writes it: a path bare where
/// it can stand bare (as users write paths), else as `source_literal` does.
fn literal(ty: &ParamType, value: &str) -> String {
    match ty {
        ParamType::Path if is_path(value) => value.to_owned(),
        _ => source_literal(ty, value),
    }
}

fn secret_literal(param: &str, variable: &str) -> String {
    if param == variable {
        "secret".to_owned()
    } else {
        format!("secret({})", source_literal(&ParamType::Str, variable))
    }
}

/// The most common of some texts (the first among equals), and the others.
fn majority<'a>(values: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let mut counts: IndexMap<&str, usize> = IndexMap::new();
    for value in values {
        *counts.entry(value).or_default() += 1;
    }
    let best = counts.values().copied().max()?;
    counts.into_iter().find(|(_, n)| *n == best).map(|(v, _)| v)
}

/// The reference to import against: the one asked for, else the one whose
/// default image tag the containers run, else the newest.
fn choose_reference(project: &Project, asked: Option<&str>) -> Result<&'static Reference, Refusal> {
    let load = |version: &str| match Reference::load(version) {
        Some(Ok(reference)) => Ok(reference),
        _ => Err(Refusal::UnknownVersion(version.to_owned())),
    };
    if let Some(version) = asked {
        return load(version);
    }
    let versions = crate::reference::versions();
    for version in versions.iter().rev() {
        let reference = load(version)?;
        let tag = reference
            .deploy_meaning(Meaning::ImageTag)
            .and_then(|d| d.default.as_deref());
        let matches = project.containers.iter().any(|c| {
            c.image
                .as_deref()
                .and_then(|i| i.rsplit_once(':'))
                .is_some_and(|(_, t)| Some(t) == tag)
        });
        if matches {
            return Ok(reference);
        }
    }
    load(versions.last().copied().unwrap_or_default())
}

/// A container and the service it runs.
struct Placed<'a> {
    input: &'a Container,
    service: String,
}

/// Imports a project.
pub fn import(project: &Project, options: &Options) -> Result<Imported, Refusal> {
    let reference = choose_reference(project, options.version.as_deref())?;
    let mut findings: Vec<Finding> = project
        .unsaid
        .iter()
        .map(|(container, line, what)| Finding {
            container: container.clone(),
            line: *line,
            what: what.clone(),
        })
        .collect();
    let placed = place(reference, project, &mut findings);
    if placed.is_empty() {
        return Err(Refusal::NoContainer(findings));
    }
    let mut draft = Draft {
        version: reference.version.clone(),
        runtime: project.runtime,
        compose_v1: project.v1,
        ..Draft::default()
    };
    let one = shape(reference, &placed, &mut draft)?;
    draft.name = options
        .name
        .clone()
        .or_else(|| {
            one.then(|| placed[0].input.container_name.clone())
                .flatten()
        })
        .or_else(|| project.name.clone())
        .unwrap_or_else(|| reference.name.clone());
    if !is_name(&draft.name) {
        findings.push(Finding {
            container: None,
            line: 0,
            what: Unsaid::Name(draft.name.clone()),
        });
        draft.name.clone_from(&reference.name);
    }
    for p in &placed {
        if let Some(name) = &p.input.container_name
            && !(one && *name == draft.name)
        {
            finding(&mut findings, p.input, Unsaid::ContainerName(name.clone()));
        }
    }

    // First model: the layout's containers, to pair with the input's.
    let Some(first) = lower(&draft, &options.source) else {
        return Ok(finish(draft, findings, Vec::new(), &options.source));
    };
    let pairs: Vec<(usize, usize)> = if one {
        vec![(0, 0)]
    } else {
        placed
            .iter()
            .enumerate()
            .filter_map(|(pi, p)| {
                first
                    .containers
                    .iter()
                    .position(|c| c.name == p.input.key)
                    .map(|i| (pi, i))
            })
            .collect()
    };
    let work = Work {
        reference,
        placed,
        pairs,
        one,
    };
    work.image_and_restart(&first, &mut draft, &mut findings);
    work.privileges(&first, &mut draft, &mut findings);
    let unmapped_ports = work.ports(&first, &mut draft, &mut findings);
    let unmapped_mounts = work.volumes(&first, &mut draft, &mut findings);
    // Environment: what the layout does not already give each container.
    let Some(second) = lower(&draft, &options.source) else {
        return Ok(finish(draft, findings, Vec::new(), &options.source));
    };
    let secrets = work.environment(&second, &mut draft, &mut findings);
    // The last model, compared with the input: what still differs.
    if let Some(last) = &lower(&draft, &options.source) {
        let ignored = Ignored {
            ports: &unmapped_ports,
            mounts: &unmapped_mounts,
            secrets: &secrets,
        };
        for (pi, (p, index)) in work.pairs().into_iter().enumerate() {
            // Lowering keeps the layout's containers, in order; a draft
            // that lost one has nothing to compare it with.
            let Some(model) = last.containers.get(index) else {
                continue;
            };
            for what in differences(reference, last, model, p, pi, &ignored) {
                finding(&mut findings, p.input, what);
            }
        }
    }
    Ok(finish(draft, findings, secrets, &options.source))
}

fn finding(findings: &mut Vec<Finding>, c: &Container, what: Unsaid) {
    findings.push(Finding {
        container: Some(c.key.clone()),
        line: c.line,
        what,
    });
}

/// The containers that run a service of the reference, with it.
fn place<'a>(
    reference: &Reference,
    project: &'a Project,
    findings: &mut Vec<Finding>,
) -> Vec<Placed<'a>> {
    let service_param = reference.param_meaning(Meaning::Service);
    let mut placed = Vec::new();
    for container in &project.containers {
        let service = match service_param.and_then(|p| container.env.get(&p.name)) {
            Some(Value::Text(service)) => service.clone(),
            Some(Value::Env(_)) | None => service_param
                .and_then(|p| p.default.clone())
                .unwrap_or_else(|| reference.everything.clone()),
        };
        if !is_name(&container.key) {
            finding(findings, container, Unsaid::Key(container.key.clone()));
        } else if reference.services.contains_key(&service) {
            placed.push(Placed {
                input: container,
                service,
            });
        } else {
            finding(findings, container, Unsaid::UnknownService(service));
        }
    }

    placed
}

/// Chooses the layout, and what is left out of it or runs elsewhere;
/// whether it is one container running everything.
fn shape(reference: &Reference, placed: &[Placed<'_>], draft: &mut Draft) -> Result<bool, Refusal> {
    let running: BTreeSet<&str> = placed.iter().map(|p| p.service.as_str()).collect();
    let one = placed.len() == 1 && reference.runs_everything(&placed[0].service);
    let fixed = reference.layouts.values().find(|layout| {
        if one {
            layout.containers.len() == 1 && layout.containers[0].runs == placed[0].service
        } else {
            // One container per service, named after the service's own.
            layout.per_service
                && placed
                    .iter()
                    .all(|p| reference.container_of(&p.service) == Some(p.input.key.as_str()))
                && running.len() == placed.len()
        }
    });
    let custom = reference
        .layouts
        .values()
        .find(|l| l.containers.is_empty() && !l.per_service)
        .or_else(|| reference.layouts.values().find(|l| l.containers.is_empty()));
    let host_of = |service: &str| -> Option<String> {
        let locating: Vec<&str> = reference
            .params
            .values()
            .filter(|p| p.locates.as_deref() == Some(service))
            .map(|p| p.name.as_str())
            .collect();
        placed.iter().find_map(|p| {
            locating
                .iter()
                .find_map(|name| match p.input.env.get(*name) {
                    Some(Value::Text(host))
                        if !placed.iter().any(|q| {
                            q.input.key == *host || q.input.container_name.as_deref() == Some(host)
                        }) && !host.is_empty() =>
                    {
                        Some(host.clone())
                    }
                    _ => None,
                })
        })
    };
    match (fixed, custom) {
        (Some(layout), _) => {
            draft.layout.clone_from(&layout.name);
            if !one {
                for service in reference.services.values() {
                    if service.container.is_none() || running.contains(service.name.as_str()) {
                        continue;
                    }
                    match host_of(&service.name) {
                        Some(host) => draft.external.push((service.name.clone(), host)),
                        None => draft.without.push(service.name.clone()),
                    }
                }
            }
        }
        (None, Some(layout)) => {
            draft.layout.clone_from(&layout.name);
            for p in placed {
                draft.containers.insert(
                    p.input.key.clone(),
                    Block {
                        runs: Some(p.service.clone()),
                        ..Block::default()
                    },
                );
            }
            for service in reference.services.values() {
                if service.container.is_some()
                    && !running.contains(service.name.as_str())
                    && let Some(host) = host_of(&service.name)
                {
                    draft.external.push((service.name.clone(), host));
                }
            }
        }
        (None, None) => return Err(Refusal::NoContainer(Vec::new())),
    }
    Ok(one)
}

/// The input's containers, each paired with its container in the models.
struct Work<'a> {
    reference: &'static Reference,
    placed: Vec<Placed<'a>>,
    /// (index in `placed`, index in the model's containers).
    pairs: Vec<(usize, usize)>,
    one: bool,
}

impl Work<'_> {
    fn pairs(&self) -> Vec<(&Placed<'_>, usize)> {
        self.pairs
            .iter()
            .map(|(p, i)| (&self.placed[*p], *i))
            .collect()
    }

    /// Image and restart policy: one per deployment.
    fn image_and_restart(
        &self,
        first: &Deployment,
        draft: &mut Draft,
        findings: &mut Vec<Finding>,
    ) {
        let placed = &self.placed;
        let vars = deploy_vars(first);
        let image = majority(placed.iter().filter_map(|p| p.input.image.as_deref()));
        if let Some(image) = image {
            if image != resolved(&first.image, &vars) {
                draft.image = Some(image.to_owned());
            }
            for p in placed {
                if let Some(other) = p.input.image.as_deref().filter(|i| *i != image) {
                    finding(findings, p.input, Unsaid::Image(other.to_owned()));
                }
            }
        }
        let restart = majority(
            placed
                .iter()
                .map(|p| p.input.restart.as_deref().unwrap_or("no")),
        );
        if let Some(restart) = restart {
            // A policy the language has no word for (`on-failure:3`) is
            // reported below, with the others that differ.
            let said = RestartPolicy::parse(restart).is_some();
            if said && restart != resolved(&first.restart_setting, &vars) {
                draft.restart = Some(restart.to_owned());
            }
            for p in placed {
                let own = p.input.restart.as_deref().unwrap_or("no");
                if own != restart || !said {
                    finding(findings, p.input, Unsaid::Restart(own.to_owned()));
                }
            }
        }
    }

    fn privileges(&self, first: &Deployment, draft: &mut Draft, findings: &mut Vec<Finding>) {
        let pairs = self.pairs();
        for (p, index) in pairs {
            let model = &first.containers[index];
            let block = draft.containers.entry(model.name.clone()).or_default();
            if model.privileged != p.input.privileged {
                block.privileged = Some(p.input.privileged);
            }
            let (caps, odd): (BTreeSet<String>, BTreeSet<String>) = p
                .input
                .caps
                .iter()
                .map(|c| normal_cap(c))
                .partition(|c| is_name(c));
            for cap in odd {
                finding(findings, p.input, Unsaid::Flag(format!("--cap-add {cap}")));
            }
            let model_caps: BTreeSet<String> = model.caps.iter().map(|c| normal_cap(c)).collect();
            if caps != model_caps {
                block.caps = Some(caps.into_iter().collect());
            }
        }
    }

    /// Published ports, by role; the input's ports that have none
    /// (pair, port) are reported.
    fn ports(
        &self,
        first: &Deployment,
        draft: &mut Draft,
        findings: &mut Vec<Finding>,
    ) -> BTreeSet<(usize, usize)> {
        let reference = self.reference;
        let pairs = self.pairs();
        let mut unmapped_ports: BTreeSet<(usize, usize)> = BTreeSet::new();
        // role -> (input port, `from` side, model's default port)
        let mut roles: IndexMap<String, (Port, Option<&str>, Port)> = IndexMap::new();
        for (pi, (p, index)) in pairs.iter().enumerate() {
            let model = &first.containers[*index];
            let defaults: Vec<(&str, Port)> = model
                .ports
                .iter()
                .filter_map(|m| model_port(first, m).map(|port| (m.role.as_str(), port)))
                .collect();
            for (i, port) in p.input.ports.iter().enumerate() {
                let same = defaults
                    .iter()
                    .find(|(_, d)| d.target == port.target && d.protocol == port.protocol);
                let found = match same {
                    Some((role, default)) => Some((*role, None, default.clone())),
                    None => defaults.iter().find_map(|(role, default)| {
                        let r = reference.roles.get(*role)?;
                        if default.protocol != port.protocol {
                            return None;
                        }
                        let side = if r.plain == Some(port.target) {
                            "plain"
                        } else if r.tls == Some(port.target) {
                            "tls"
                        } else {
                            return None;
                        };
                        Some((*role, Some(side), default.clone()))
                    }),
                };
                let Some((role, side, default)) = found.filter(|_| port.published.is_some()) else {
                    unmapped_ports.insert((pi, i));
                    finding(findings, p.input, Unsaid::Port(port_text(port)));
                    continue;
                };
                let key = format!("{role}/{}", port.protocol);
                roles.insert(key, (port.clone(), side, default));
            }
        }
        self.publish(first, &roles, draft);
        unmapped_ports
    }

    /// `bind`, `bind ssh` and `publish` for the ports found by role.
    fn publish(
        &self,
        first: &Deployment,
        roles: &IndexMap<String, (Port, Option<&str>, Port)>,
        draft: &mut Draft,
    ) {
        let reference = self.reference;
        let pairs = self.pairs();
        let ssh_bind = reference
            .deploy_meaning(Meaning::BindSsh)
            .map(|d| d.name.clone());
        let is_ssh = |role: &str| {
            reference
                .roles
                .get(role)
                .is_some_and(|r| Some(&r.bind) == ssh_bind.as_ref())
        };
        let role_of = |key: &str| key.split('/').next().unwrap_or_default().to_owned();
        let addresses: Vec<String> = roles
            .iter()
            .filter(|(k, _)| !is_ssh(&role_of(k)))
            .map(|(_, (port, _, _))| address_text(port))
            .collect();
        let main = majority(addresses.iter().map(String::as_str)).map(str::to_owned);
        let ssh_addresses: Vec<String> = roles
            .iter()
            .filter(|(k, _)| is_ssh(&role_of(k)))
            .map(|(_, (port, _, _))| address_text(port))
            .collect();
        let ssh = majority(ssh_addresses.iter().map(String::as_str)).map(str::to_owned);
        let default_main = roles
            .values()
            .next()
            .map(|(_, _, d)| address_text(d))
            .unwrap_or_default();
        let main = main.unwrap_or_else(|| default_main.clone());
        if main != default_main {
            draft.bind = Some(main.clone());
        }
        if let Some(ssh) = &ssh
            && *ssh != main
        {
            draft.bind_ssh = Some(ssh.clone());
        }
        let mut published_roles: BTreeSet<String> = BTreeSet::new();
        for (key, (port, side, default)) in roles {
            let role = role_of(key);
            published_roles.insert(role.clone());
            if draft.publish.contains_key(&role) {
                continue;
            }
            let group = if is_ssh(&role) {
                ssh.clone().unwrap_or_else(|| main.clone())
            } else {
                main.clone()
            };
            let address = address_text(port);
            let number = port.published.unwrap_or_default();
            let mut how = String::new();
            if address != group {
                how = format!("{address}:{number}");
            } else if port.published != default.published {
                how = number.to_string();
            }
            if let Some(side) = side {
                if how.is_empty() {
                    how = number.to_string();
                }
                how = format!("{how} from {side}");
            }
            if !how.is_empty() {
                draft.publish.insert(role, how);
            }
        }
        for (_, index) in &pairs {
            for port in &first.containers[*index].ports {
                if !published_roles.contains(&port.role) && !draft.publish.contains_key(&port.role)
                {
                    draft.publish.insert(port.role.clone(), "off".to_owned());
                }
            }
        }
    }

    /// Volumes and mounts; the input's mounts that have no statement
    /// (pair, mount) are reported.
    fn volumes(
        &self,
        first: &Deployment,
        draft: &mut Draft,
        findings: &mut Vec<Finding>,
    ) -> BTreeSet<(usize, usize)> {
        let pairs = self.pairs();
        let mut specs: IndexMap<String, Vec<(String, String)>> = IndexMap::new();
        let mut binds: IndexMap<String, Vec<String>> = IndexMap::new();
        let mut unmapped_mounts: BTreeSet<(usize, usize)> = BTreeSet::new();
        for (pi, (p, index)) in pairs.iter().enumerate() {
            let model = &first.containers[*index];
            for (i, mount) in p.input.mounts.iter().enumerate() {
                let layout_volume = model
                    .mounts
                    .iter()
                    .find(|m| m.target == mount.target)
                    .and_then(|m| m.volume.clone());
                let spec = match (&layout_volume, &mount.source) {
                    (Some(volume), Source::Volume(name)) if !mount.readonly => {
                        if *name == format!("{}_{volume}", draft.name) {
                            Some("named".to_owned())
                        } else {
                            Some(format!("named {}", source_literal(&ParamType::Str, name)))
                        }
                    }
                    (Some(_), Source::Bind(path)) if is_path(path) => Some(format!(
                        "bind {path}{}",
                        if mount.readonly { " readonly" } else { "" }
                    )),
                    (Some(_), Source::Anonymous) if !mount.readonly => Some("anonymous".to_owned()),
                    (None, Source::Bind(path)) if is_path(path) && is_path(&mount.target) => {
                        let stmt = format!(
                            "{path} at {}{}",
                            mount.target,
                            if mount.readonly { " readonly" } else { "" }
                        );
                        binds.entry(stmt).or_default().push(model.name.clone());
                        None
                    }
                    _ => {
                        unmapped_mounts.insert((pi, i));
                        finding(findings, p.input, Unsaid::Mount(mount_text(mount)));
                        None
                    }
                };
                if let (Some(volume), Some(spec)) = (layout_volume, spec) {
                    specs
                        .entry(volume)
                        .or_default()
                        .push((model.name.clone(), spec));
                }
            }
            for mount in &model.mounts {
                if let Some(volume) = &mount.volume
                    && !p.input.mounts.iter().any(|m| m.target == mount.target)
                {
                    finding(
                        findings,
                        p.input,
                        Unsaid::Unmounted {
                            volume: volume.clone(),
                            target: mount.target.clone(),
                        },
                    );
                }
            }
        }
        self.place_volumes(first, &specs, binds, draft);
        unmapped_mounts
    }

    /// Volume specs said once for the deployment where every container
    /// that mounts the volume agrees, else per container.
    fn place_volumes(
        &self,
        first: &Deployment,
        specs: &IndexMap<String, Vec<(String, String)>>,
        binds: IndexMap<String, Vec<String>>,
        draft: &mut Draft,
    ) {
        let pairs = self.pairs();
        let one = self.one;
        for (volume, uses) in specs {
            let mounting = pairs
                .iter()
                .filter(|(_, i)| {
                    first.containers[*i]
                        .mounts
                        .iter()
                        .any(|m| m.volume.as_deref() == Some(volume))
                })
                .count();
            let first_spec = &uses[0].1;
            if uses.len() == mounting && uses.iter().all(|(_, s)| s == first_spec) {
                if first_spec != "named" {
                    draft.volumes.insert(volume.clone(), first_spec.clone());
                }
            } else {
                for (container, spec) in uses {
                    if spec != "named" {
                        draft
                            .containers
                            .entry(container.clone())
                            .or_default()
                            .volumes
                            .insert(volume.clone(), spec.clone());
                    }
                }
            }
        }
        for (stmt, containers) in binds {
            if containers.len() == pairs.len() && pairs.len() > 1 || one {
                draft.mounts.push(stmt);
            } else {
                for container in containers {
                    draft
                        .containers
                        .entry(container)
                        .or_default()
                        .mounts
                        .push(stmt.clone());
                }
            }
        }
    }

    /// The environment each container needs beyond what the layout gives;
    /// the secrets whose values are left to the environment.
    fn environment(
        &self,
        second: &Deployment,
        draft: &mut Draft,
        findings: &mut Vec<Finding>,
    ) -> Vec<(String, String)> {
        let reference = self.reference;
        let service_param = reference.param_meaning(Meaning::Service);
        let pairs = self.pairs();
        let one = self.one;
        let mut secrets = Vec::new();
        // param -> (container, literal)
        let mut wanted: IndexMap<String, Vec<(String, String)>> = IndexMap::new();
        for (p, index) in &pairs {
            let Some(model) = second.containers.get(*index) else {
                continue;
            };
            let compiled = model_env(second, model);
            for (name, value) in &p.input.env {
                if service_param.is_some_and(|s| s.name == *name) {
                    continue;
                }
                let Some(param) = reference.params.get(name) else {
                    finding(findings, p.input, Unsaid::UnknownParam(name.clone()));
                    continue;
                };
                if !reference.reads(param, &p.service) {
                    continue;
                }
                let compiled_value = compiled.get(name);
                if compiled_value == Some(value) {
                    continue;
                }
                if compiled_value.is_none()
                    && matches!(value, Value::Text(t) if Some(t) == param.default.as_ref())
                {
                    continue;
                }
                let written = match value {
                    Value::Env(variable) => secret_literal(name, variable),
                    Value::Text(_) if param.secret => {
                        if !secrets.iter().any(|(n, _): &(String, String)| n == name) {
                            secrets.push((name.clone(), name.clone()));
                        }
                        secret_literal(name, name)
                    }
                    Value::Text(text) => literal(&param.ty, text),
                };
                wanted
                    .entry(name.clone())
                    .or_default()
                    .push((model.name.clone(), written));
            }
        }
        for (name, uses) in wanted {
            let Some(param) = reference.params.get(&name) else {
                continue;
            };
            let readers = pairs
                .iter()
                .filter(|(p, _)| reference.reads(param, &p.service))
                .count();
            let same = uses.iter().all(|(_, v)| *v == uses[0].1);
            if same && (uses.len() == readers || one) {
                draft.env.insert(name, uses[0].1.clone());
            } else {
                for (container, written) in uses {
                    draft
                        .containers
                        .entry(container)
                        .or_default()
                        .env
                        .insert(name.clone(), written);
                }
            }
        }

        secrets
    }
}

/// What the comparison leaves out: reported already, or a secret whose
/// value the file leaves to the environment.
struct Ignored<'a> {
    ports: &'a BTreeSet<(usize, usize)>,
    mounts: &'a BTreeSet<(usize, usize)>,
    secrets: &'a [(String, String)],
}

fn differences(
    reference: &Reference,
    deployment: &Deployment,
    model: &model::Container,
    placed: &Placed<'_>,
    index: usize,
    ignored: &Ignored<'_>,
) -> Vec<Unsaid> {
    let input = placed.input;
    let mut out = env_differences(reference, deployment, model, placed, ignored);
    let mut differs = |what: Aspect, input: String, compiled: String| {
        out.push(Unsaid::Differs {
            what,
            input,
            compiled,
        });
    };
    // Ports.
    let given: Vec<String> = input
        .ports
        .iter()
        .enumerate()
        .filter(|(i, _)| !ignored.ports.contains(&(index, *i)))
        .map(|(_, p)| port_text(p))
        .collect();
    let got: Vec<String> = model
        .ports
        .iter()
        .filter_map(|p| model_port(deployment, p))
        .map(|p| port_text(&p))
        .collect();
    if let Some((given, got)) = unequal(given, got) {
        differs(Aspect::Ports, given, got);
    }
    // Mounts (a mount the layout adds is reported as such).
    let given: Vec<String> = input
        .mounts
        .iter()
        .enumerate()
        .filter(|(i, _)| !ignored.mounts.contains(&(index, *i)))
        .map(|(_, m)| mount_text(m))
        .collect();
    let got: Vec<String> = model
        .mounts
        .iter()
        .filter(|m| input.mounts.iter().any(|i| i.target == m.target))
        .map(|m| mount_text(&model_mount(deployment, m)))
        .collect();
    if let Some((given, got)) = unequal(given, got) {
        differs(Aspect::Mounts, given, got);
    }
    let given: BTreeSet<String> = input.caps.iter().map(|c| normal_cap(c)).collect();
    let got: BTreeSet<String> = model.caps.iter().map(|c| normal_cap(c)).collect();
    if given != got {
        let list = |s: &BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>().join(" ");
        differs(Aspect::Capabilities, list(&given), list(&got));
    }
    if input.privileged != model.privileged {
        differs(
            Aspect::Privileged,
            input.privileged.to_string(),
            model.privileged.to_string(),
        );
    }
    let given: BTreeSet<&String> = input.security.iter().collect();
    let got: BTreeSet<String> = model
        .security
        .iter()
        .map(|s| resolved(s, &deploy_vars(deployment)))
        .collect();
    if given.into_iter().cloned().collect::<BTreeSet<_>>() != got {
        differs(
            Aspect::SecurityOptions,
            input.security.join(" "),
            got.into_iter().collect::<Vec<_>>().join(" "),
        );
    }
    out
}

/// Two lists as sets, shown when they differ.
fn unequal(mut given: Vec<String>, mut got: Vec<String>) -> Option<(String, String)> {
    given.sort();
    got.sort();
    (given != got).then(|| (given.join(" "), got.join(" ")))
}

/// The environment a container gets after import against the input's:
/// unset and the reference default are the same to the image.
fn env_differences(
    reference: &Reference,
    deployment: &Deployment,
    model: &model::Container,
    placed: &Placed<'_>,
    ignored: &Ignored<'_>,
) -> Vec<Unsaid> {
    let input = placed.input;
    let mut out = Vec::new();
    let compiled = model_env(deployment, model);
    let default = |name: &str| {
        reference
            .params
            .get(name)
            .and_then(|p| p.default.clone())
            .map(Value::Text)
    };
    let shown = |name: &str, value: Option<&Value>| match value {
        None => "nothing".to_owned(),
        Some(_) if reference.params.get(name).is_some_and(|p| p.secret) => "a secret".to_owned(),
        Some(Value::Text(text)) => format!("`{text}`"),
        Some(Value::Env(variable)) => format!("${variable}"),
    };
    let mut names: Vec<&String> = input.env.keys().chain(compiled.keys()).collect();
    names.sort();
    names.dedup();
    for name in names {
        let Some(param) = reference.params.get(name.as_str()) else {
            continue;
        };
        if !reference.reads(param, &placed.service) {
            continue;
        }
        let given = input
            .env
            .get(name.as_str())
            .cloned()
            .or_else(|| default(name));
        let got = compiled
            .get(name.as_str())
            .cloned()
            .or_else(|| default(name));
        let secret_kept = matches!((&given, &got), (Some(Value::Text(_)), Some(Value::Env(v)))
            if ignored.secrets.iter().any(|(p, var)| p == name && var == v));
        if given != got && !secret_kept {
            out.push(Unsaid::Differs {
                what: Aspect::Environment(name.clone()),
                input: shown(name, given.as_ref()),
                compiled: shown(name, got.as_ref()),
            });
        }
    }
    out
}

/// The file: findings as review comments, formatted, validated.
fn finish(
    mut draft: Draft,
    mut findings: Vec<Finding>,
    secrets: Vec<(String, String)>,
    source: &str,
) -> Imported {
    findings.sort_by_key(|f| f.line);
    let mut seen = BTreeSet::new();
    findings.retain(|f| seen.insert(f.to_string()));
    draft.review = findings.iter().map(ToString::to_string).collect();
    let text = draft.render(source);
    let text = crate::format::format(SourceId(0), &text).unwrap_or(text);
    let diagnostics = crate::check(source, &text).diagnostics;
    Imported {
        text,
        findings,
        secrets,
        diagnostics,
    }
}
