//! Syntax tree + reference -> resolved deployments: every name looked up in
//! the stdlib (parameters P1, services, roles, volumes, layouts, containers),
//! every value checked against its type (P2), every statement given once.
//! Collects all diagnostics instead of stopping at the first.

use std::net::IpAddr;

use indexmap::IndexMap;
use indexmap::map::Entry;

use super::suggest::closest;
use super::types;
use crate::diagnostic::{Diagnostic, one_of};
use crate::reference::{ALL_SERVICES, Reference};
use crate::syntax::ast::{
    self, Assignment, ContainerBlock, Mount, PortSide, Stmt, ValueKind, VolumeSource,
};
use crate::syntax::{Ident, Span, Spanned};

/// The restart policies compose knows.
pub const RESTART_POLICIES: &[&str] = &["always", "unless-stopped", "on-failure", "no"];

/// A deployment whose names all resolve and whose values all type-check.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    pub name: Ident,
    pub layout: Option<Ident>,
    /// The layout in effect (`all-in-one` when none is given).
    pub layout_name: String,
    pub image: Option<Spanned<Image>>,
    pub bind: Option<Spanned<IpAddr>>,
    pub bind_ssh: Option<Spanned<IpAddr>>,
    pub restart: Option<Ident>,
    pub maintenance: Option<Spanned<bool>>,
    pub env: Vec<Setting>,
    pub publishes: IndexMap<String, Publish>,
    pub volumes: IndexMap<String, Volume>,
    pub mounts: Vec<Mount>,
    pub without: IndexMap<String, Span>,
    pub externals: IndexMap<String, Spanned<String>>,
    pub containers: Vec<ContainerSpec>,
    pub runtime: Option<Runtime>,
    pub compose: Option<Ident>,
}

/// `runtime NAME [rootless]`, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Runtime {
    pub name: Ident,
    pub rootless: bool,
}

/// The Compose flavours onefront writes for.
pub const COMPOSE_FLAVOURS: &[&str] = &["v2", "v1"];

/// The container runtimes onefront knows.
pub const RUNTIMES: &[&str] = &["docker", "podman"];

/// An image reference split the way the deploy parameters hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    pub registry: String,
    pub name: String,
    pub tag: String,
}

/// A parameter assignment that resolved and type-checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub name: Ident,
    pub value: SettingValue,
    pub value_span: Span,
}

/// A checked value: text as the image reads it, or a secret's variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingValue {
    Text(String),
    Secret(String),
}

/// `publish ROLE ...`, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publish {
    pub role: Ident,
    /// `None` for `off`.
    pub port: Option<Spanned<u16>>,
    pub address: Option<Spanned<IpAddr>>,
    pub side: Option<Spanned<PortSide>>,
    pub span: Span,
}

/// `volume NAME ...`, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volume {
    pub name: Ident,
    pub source: VolumeSource,
    pub span: Span,
}

/// A container block of the user's file.
#[derive(Debug, Clone, PartialEq)]
pub struct ContainerSpec {
    pub name: Ident,
    pub runs: Option<Ident>,
    pub env: Vec<Setting>,
    pub volumes: IndexMap<String, Volume>,
    pub mounts: Vec<Mount>,
    pub privileged: Option<Spanned<bool>>,
    pub capabilities: Option<Spanned<Vec<String>>>,
    pub span: Span,
}

/// Resolves every deployment of a file against `reference`.
#[must_use]
pub fn resolve(file: &ast::File, reference: &Reference) -> (Vec<Resolved>, Vec<Diagnostic>) {
    let mut resolver = Resolver {
        reference,
        diagnostics: Vec::new(),
    };
    let mut names: IndexMap<String, Span> = IndexMap::new();
    let mut deployments = Vec::new();
    for deployment in &file.deployments {
        resolver.once(&mut names, "deployment", &deployment.name);
        resolver.check_name("deployment", &deployment.name);
        deployments.push(resolver.deployment(deployment));
    }
    (deployments, resolver.diagnostics)
}

struct Resolver<'r> {
    reference: &'r Reference,
    diagnostics: Vec<Diagnostic>,
}

/// A name the environment can hold: letters, digits and `_`, not first a digit.
fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Compose project, service and volume names: lower case, digits, `_` and `-`.
fn is_plain_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        && name.len() <= 63
}

impl Resolver<'_> {
    fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Records `ident` in `seen`, reporting a duplicate.
    fn once(
        &mut self,
        seen: &mut IndexMap<String, Span>,
        kind: &'static str,
        ident: &Ident,
    ) -> bool {
        match seen.entry(ident.text.clone()) {
            Entry::Occupied(first) => {
                let first = *first.get();
                self.report(Diagnostic::Duplicate {
                    kind,
                    name: ident.text.clone(),
                    span: ident.span,
                    first,
                });
                false
            }
            Entry::Vacant(slot) => {
                slot.insert(ident.span);
                true
            }
        }
    }

    fn check_name(&mut self, kind: &'static str, ident: &Ident) {
        if !is_plain_name(&ident.text) {
            let lower = ident.text.to_lowercase().replace(
                |c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'),
                "-",
            );
            self.report(Diagnostic::BadName {
                kind,
                name: ident.text.clone(),
                span: ident.span,
                help: format!(
                    "a {kind} name is lower-case letters, digits, `_` and `-`, starting with a letter, at most 63 long, such as `{}`",
                    lower.trim_start_matches(['-', '_'])
                ),
            });
        }
    }

    fn unknown(&mut self, kind: &'static str, ident: &Ident, known: &[&str]) {
        let help = match closest(&ident.text, known.iter().copied()) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("choose one of {}", one_of(known)),
        };
        self.report(Diagnostic::UnknownName {
            kind,
            name: ident.text.clone(),
            span: ident.span,
            help,
        });
    }

    fn deployment(&mut self, deployment: &ast::Deployment) -> Resolved {
        let layout = deployment.stmts.iter().find_map(|s| match s {
            Stmt::Layout(layout) => Some(layout.clone()),
            _ => None,
        });
        let layout_name = self.layout(layout.as_ref());
        let mut resolved = Resolved {
            name: deployment.name.clone(),
            layout,
            layout_name,
            image: None,
            bind: None,
            bind_ssh: None,
            restart: None,
            maintenance: None,
            env: Vec::new(),
            publishes: IndexMap::new(),
            volumes: IndexMap::new(),
            mounts: Vec::new(),
            without: IndexMap::new(),
            externals: IndexMap::new(),
            containers: Vec::new(),
            runtime: None,
            compose: None,
        };
        let mut singles: IndexMap<String, Span> = IndexMap::new();
        let mut env_seen = IndexMap::new();
        for stmt in &deployment.stmts {
            self.stmt(stmt, &mut resolved, &mut singles, &mut env_seen);
        }
        self.layout_fits(&resolved);
        resolved
    }

    /// Statements that only make sense with several containers, or a custom
    /// layout that lists none.
    fn layout_fits(&mut self, resolved: &Resolved) {
        let Some(layout) = self.reference.layouts.get(&resolved.layout_name) else {
            return;
        };
        let single = layout.containers.len() == 1;
        let custom = !layout.per_service && layout.containers.is_empty();
        let at = resolved
            .layout
            .as_ref()
            .map_or(resolved.name.span, |l| l.span);
        if custom && resolved.containers.is_empty() {
            self.report(Diagnostic::Layout {
                what: "`layout custom` lists no container".to_owned(),
                span: at,
                label: "no `container NAME runs SERVICE` follows".to_owned(),
                help: "add a block per container, such as `container one runs all { }`, or use `layout all-in-one`".to_owned(),
            });
        }
        if !single {
            return;
        }
        let misplaced = resolved
            .without
            .values()
            .map(|span| (*span, "without"))
            .chain(resolved.externals.values().map(|e| (e.span, "external")));
        for (span, what) in misplaced.collect::<Vec<_>>() {
            self.report(Diagnostic::Layout {
                what: format!("`{what}` needs services in containers of their own"),
                span,
                label: format!(
                    "the `{}` layout runs every service in one container",
                    resolved.layout_name
                ),
                help: "write `layout reference` (or `layout custom`) to run services apart"
                    .to_owned(),
            });
        }
    }

    /// The layout in effect; reports an unknown one.
    fn layout(&mut self, layout: Option<&Ident>) -> String {
        let Some(layout) = layout else {
            return "all-in-one".to_owned();
        };
        if !self.reference.layouts.contains_key(&layout.text) {
            let known: Vec<&str> = self.reference.layouts.keys().map(String::as_str).collect();
            self.unknown("layout", layout, &known);
        }
        layout.text.clone()
    }

    fn stmt(
        &mut self,
        stmt: &Stmt,
        resolved: &mut Resolved,
        singles: &mut IndexMap<String, Span>,
        env_seen: &mut IndexMap<String, Span>,
    ) {
        let mut single = |this: &mut Self, what: &str, span: Span| {
            let ident = Ident {
                text: what.to_owned(),
                span,
            };
            this.once(singles, "statement", &ident)
        };
        match stmt {
            Stmt::Image(image) => {
                if single(self, "image", image.span) {
                    resolved.image = self.image(image);
                }
            }
            Stmt::Layout(layout) => {
                single(self, "layout", layout.span);
            }
            Stmt::Bind { ssh, address } => {
                let what = if *ssh { "bind ssh" } else { "bind" };
                if single(self, what, address.span) {
                    let slot = if *ssh {
                        &mut resolved.bind_ssh
                    } else {
                        &mut resolved.bind
                    };
                    *slot = Some(address.clone());
                }
            }
            Stmt::Restart(policy) => {
                if single(self, "restart", policy.span) {
                    if !RESTART_POLICIES.contains(&policy.text.as_str()) {
                        self.unknown("restart policy", policy, RESTART_POLICIES);
                    }
                    resolved.restart = Some(policy.clone());
                }
            }
            Stmt::Maintenance(on) => {
                if single(self, "maintenance", on.span) {
                    resolved.maintenance = Some(on.clone());
                }
            }
            Stmt::Env(assignments) => {
                let settings = self.env(assignments, env_seen);
                resolved.env.extend(settings);
            }
            Stmt::Publish(publish) => self.publish(publish, &mut resolved.publishes),
            Stmt::Volume(volume) => {
                let volumes = self.layout_volumes(&resolved.layout_name);
                self.volume(volume, &volumes, &mut resolved.volumes);
            }
            Stmt::Mount(mount) => resolved.mounts.push(mount.clone()),
            Stmt::Without(services) => {
                for service in services {
                    if self.deployable_service(service) {
                        self.once(&mut resolved.without, "left-out service", service);
                    }
                }
            }
            Stmt::External { service, host } => self.external(service, host, resolved),
            Stmt::Container(block) => {
                let spec = self.container(block, resolved);
                resolved.containers.push(spec);
            }
            Stmt::Runtime { name, rootless } => {
                if single(self, "runtime", name.span) {
                    if !RUNTIMES.contains(&name.text.as_str()) {
                        self.unknown("runtime", name, RUNTIMES);
                    }
                    resolved.runtime = Some(Runtime {
                        name: name.clone(),
                        rootless: *rootless,
                    });
                }
            }
            Stmt::Compose(flavour) => {
                if single(self, "compose", flavour.span) {
                    if !COMPOSE_FLAVOURS.contains(&flavour.text.as_str()) {
                        self.unknown("Compose flavour", flavour, COMPOSE_FLAVOURS);
                    }
                    resolved.compose = Some(flavour.clone());
                }
            }
            // Only in container blocks (the grammar sees to it).
            Stmt::Privileged(_) | Stmt::Capabilities(_) => {}
        }
    }

    fn image(&mut self, image: &Spanned<String>) -> Option<Spanned<Image>> {
        let text = &image.node;
        let valid = !text.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | ':'));
        let split = text
            .rsplit_once(':')
            .filter(|(_, tag)| !tag.contains('/') && !tag.is_empty())
            .map(|(path, tag)| match path.rsplit_once('/') {
                Some((registry, name)) => (format!("{registry}/"), name, tag),
                None => (String::new(), path, tag),
            });
        let Some((registry, name, tag)) = split.filter(|(_, name, _)| valid && !name.is_empty())
        else {
            self.report(Diagnostic::BadImage {
                text: text.clone(),
                span: image.span,
            });
            return None;
        };
        Some(Spanned {
            node: Image {
                registry,
                name: name.to_owned(),
                tag: tag.to_owned(),
            },
            span: image.span,
        })
    }

    fn env(
        &mut self,
        assignments: &[Assignment],
        seen: &mut IndexMap<String, Span>,
    ) -> Vec<Setting> {
        let mut settings = Vec::new();
        for assignment in assignments {
            if !self.once(seen, "parameter", &assignment.name) {
                continue;
            }
            if let Some(setting) = self.assignment(assignment) {
                settings.push(setting);
            }
        }
        settings
    }

    fn assignment(&mut self, assignment: &Assignment) -> Option<Setting> {
        let name = &assignment.name;
        let Some(param) = self.reference.params.get(&name.text) else {
            self.unknown_parameter(name);
            return None;
        };
        let value = match &assignment.value.kind {
            ValueKind::Secret(variable) => {
                let variable = variable.clone().unwrap_or_else(|| name.text.clone());
                if !is_variable_name(&variable) {
                    self.report(Diagnostic::BadName {
                        kind: "environment variable",
                        name: variable,
                        span: assignment.value.span,
                        help: "a secret is read from an environment variable: letters, digits and `_`, not starting with a digit, such as `secret(\"DB_PASSWORD\")`".to_owned(),
                    });
                    return None;
                }
                SettingValue::Secret(variable)
            }
            kind => match types::check(&param.ty, kind) {
                Ok(text) => SettingValue::Text(text),
                Err(mismatch) => {
                    self.wrong_type(&name.text, &assignment.value, mismatch);
                    return None;
                }
            },
        };
        Some(Setting {
            name: name.clone(),
            value,
            value_span: assignment.value.span,
        })
    }

    fn wrong_type(&mut self, name: &str, value: &ast::Value, mismatch: types::Mismatch) {
        self.report(Diagnostic::WrongType {
            name: name.to_owned(),
            found: types::found(&value.kind),
            expected_short: format!("expected {}", mismatch.short),
            expected: mismatch.expected,
            span: value.span,
            help: mismatch.help,
        });
    }

    fn unknown_parameter(&mut self, name: &Ident) {
        let params = self.reference.params.keys().map(String::as_str);
        let help = if self.reference.deploys.contains_key(&name.text) {
            "deploy parameters are not set in `env`: use `image`, `bind` or `publish`, which set them".to_owned()
        } else {
            match closest(&name.text, params) {
                Some(near) => format!("did you mean `{near}`?"),
                None => "`onefront params` lists the parameters of the reference".to_owned(),
            }
        };
        self.report(Diagnostic::UnknownParameter {
            name: name.text.clone(),
            span: name.span,
            help,
        });
    }

    fn publish(&mut self, publish: &ast::Publish, publishes: &mut IndexMap<String, Publish>) {
        let Some(role) = self.reference.roles.get(&publish.role.text) else {
            let known: Vec<&str> = self.reference.roles.keys().map(String::as_str).collect();
            self.unknown("port role", &publish.role, &known);
            return;
        };
        if let Some(first) = publishes.get(&publish.role.text) {
            let first = first.role.span;
            self.report(Diagnostic::Duplicate {
                kind: "publish",
                name: publish.role.text.clone(),
                span: publish.role.span,
                first,
            });
            return;
        }
        let mut resolved = Publish {
            role: publish.role.clone(),
            port: None,
            address: None,
            side: None,
            span: publish.span,
        };
        if let Some(target) = &publish.target {
            resolved.port = self.port(&publish.role.text, &target.port);
            resolved.address.clone_from(&target.address);
            if let Some(side) = &target.side {
                let (available, word) = match side.node {
                    PortSide::Tls => (role.tls.is_some(), "TLS"),
                    PortSide::Plain => (role.plain.is_some(), "plain"),
                };
                if !available {
                    self.report(Diagnostic::NoSuchSide {
                        role: role.name.clone(),
                        side: word,
                        span: side.span,
                        help: format!(
                            "remove `from ...`: `{}` always publishes its one container-side port",
                            role.name
                        ),
                    });
                }
                resolved.side = Some(side.clone());
            }
        }
        publishes.insert(publish.role.text.clone(), resolved);
    }

    fn port(&mut self, what: &str, port: &Spanned<u64>) -> Option<Spanned<u16>> {
        if let Some(node) = u16::try_from(port.node).ok().filter(|p| *p > 0) {
            return Some(Spanned {
                node,
                span: port.span,
            });
        }
        self.report(Diagnostic::WrongType {
            name: what.to_owned(),
            expected: "a port number from 1 to 65535".to_owned(),
            expected_short: "not a port".to_owned(),
            found: port.node.to_string(),
            span: port.span,
            help: "ports go from 1 to 65535".to_owned(),
        });
        None
    }

    /// The volume names a layout knows.
    fn layout_volumes(&self, layout: &str) -> Vec<String> {
        match self.reference.layouts.get(layout) {
            Some(l) if !l.containers.is_empty() => l
                .containers
                .iter()
                .flat_map(|c| c.volumes.iter().map(|(name, _)| name.clone()))
                .collect(),
            _ => self.reference.volumes.keys().cloned().collect(),
        }
    }

    fn volume(
        &mut self,
        volume: &ast::VolumeStmt,
        known: &[String],
        volumes: &mut IndexMap<String, Volume>,
    ) {
        if !known.contains(&volume.name.text) {
            if let Some(same_place) = self.volume_at_same_path(&volume.name.text, known) {
                self.report(Diagnostic::UnknownName {
                    kind: "volume",
                    name: volume.name.text.clone(),
                    span: volume.name.span,
                    help: format!("in this layout the volume at that path is `{same_place}`"),
                });
                return;
            }
            let known: Vec<&str> = known.iter().map(String::as_str).collect();
            self.unknown("volume", &volume.name, &known);
            return;
        }
        if let VolumeSource::Named(Some(name)) = &volume.source {
            let ident = Ident {
                text: name.node.clone(),
                span: name.span,
            };
            self.check_name("volume", &ident);
        }
        if let Some(first) = volumes.get(&volume.name.text) {
            let first = first.span;
            self.report(Diagnostic::Duplicate {
                kind: "volume",
                name: volume.name.text.clone(),
                span: volume.name.span,
                first,
            });
            return;
        }
        volumes.insert(
            volume.name.text.clone(),
            Volume {
                name: volume.name.clone(),
                source: volume.source.clone(),
                span: volume.span,
            },
        );
    }

    /// For a canonical volume that a layout names otherwise (the all-in-one
    /// `opennebula_db` for `opennebula_mysql`): the layout's name for the
    /// volume at the same path.
    fn volume_at_same_path(&self, name: &str, known: &[String]) -> Option<String> {
        let path = &self.reference.volumes.get(name)?.path;
        self.reference
            .layouts
            .values()
            .flat_map(|l| l.containers.iter().flat_map(|c| c.volumes.iter()))
            .find(|(other, at)| at == path && known.contains(other))
            .map(|(other, _)| other.clone())
    }

    /// A service that can be left out or run in a container of its own.
    fn deployable_service(&mut self, service: &Ident) -> bool {
        if self.reference.services.contains_key(&service.text)
            && service.text != ALL_SERVICES
            && self.reference.container_of(&service.text).is_some()
        {
            return true;
        }
        let known: Vec<&str> = self
            .reference
            .services
            .values()
            .filter(|s| s.container.is_some())
            .map(|s| s.name.as_str())
            .collect();
        self.unknown("service", service, &known);
        false
    }

    fn external(&mut self, service: &Ident, host: &ast::Value, resolved: &mut Resolved) {
        if !self.deployable_service(service) {
            return;
        }
        let locator = self
            .reference
            .params
            .values()
            .find(|p| p.locates.as_deref() == Some(&service.text));
        let Some(locator) = locator else {
            self.report(Diagnostic::Layout {
                what: format!("`{service}` cannot run outside the deployment"),
                span: service.span,
                label: "no parameter points at this service".to_owned(),
                help: format!("only services that a `*_HOST` parameter names can be external; leave `{service}` out with `without {service}` instead"),
            });
            return;
        };
        let text = match types::check(&locator.ty, &host.kind) {
            Ok(text) => text,
            Err(mismatch) => {
                self.wrong_type(&format!("external {service}"), host, mismatch);
                return;
            }
        };
        if let Some(first) = resolved.externals.get(&service.text) {
            let first = first.span;
            self.report(Diagnostic::Duplicate {
                kind: "external service",
                name: service.text.clone(),
                span: service.span,
                first,
            });
            return;
        }
        resolved.externals.insert(
            service.text.clone(),
            Spanned {
                node: text,
                span: service.span.to(host.span),
            },
        );
    }

    fn container(&mut self, block: &ContainerBlock, resolved: &Resolved) -> ContainerSpec {
        let custom = self
            .reference
            .layouts
            .get(&resolved.layout_name)
            .is_some_and(|l| !l.per_service && l.containers.is_empty());
        let mut seen: IndexMap<String, Span> = resolved
            .containers
            .iter()
            .map(|c| (c.name.text.clone(), c.name.span))
            .collect();
        self.once(&mut seen, "container", &block.name);
        if custom {
            self.check_name("container", &block.name);
            self.custom_container(block);
        } else {
            self.layout_container(block, resolved);
        }
        let mut spec = ContainerSpec {
            name: block.name.clone(),
            runs: block.runs.clone(),
            env: Vec::new(),
            volumes: IndexMap::new(),
            mounts: Vec::new(),
            privileged: None,
            capabilities: None,
            span: block.span,
        };
        let runs_all = block.runs.as_ref().is_some_and(|r| r.text == ALL_SERVICES);
        let known = if custom && runs_all {
            self.reference
                .all_in_one_container()
                .map(|c| c.volumes.iter().map(|(name, _)| name.clone()).collect())
                .unwrap_or_default()
        } else if custom {
            self.reference.volumes.keys().cloned().collect()
        } else {
            self.layout_volumes(&resolved.layout_name)
        };
        let mut env_seen = IndexMap::new();
        for stmt in &block.stmts {
            match stmt {
                Stmt::Env(assignments) => {
                    let settings = self.env(assignments, &mut env_seen);
                    spec.env.extend(settings);
                }
                Stmt::Volume(volume) => self.volume(volume, &known, &mut spec.volumes),
                Stmt::Mount(mount) => spec.mounts.push(mount.clone()),
                Stmt::Privileged(on) => spec.privileged = Some(on.clone()),
                Stmt::Capabilities(list) => spec.capabilities = self.capabilities(list),
                _ => {}
            }
        }
        spec
    }

    /// `capabilities [...]`: Linux capability names, such as `SYS_ADMIN`.
    fn capabilities(&mut self, list: &ast::Value) -> Option<Spanned<Vec<String>>> {
        let ValueKind::List(items) = &list.kind else {
            return None;
        };
        let mut names = Vec::new();
        for item in items {
            match &item.kind {
                ValueKind::Word(w) | ValueKind::Str(w)
                    if !w.is_empty() && w.chars().all(|c| c.is_ascii_uppercase() || c == '_') =>
                {
                    names.push(w.trim_start_matches("CAP_").to_owned());
                }
                _ => self.report(Diagnostic::WrongType {
                    name: "capabilities".to_owned(),
                    expected: "a capability name in capitals, such as `SYS_ADMIN`".to_owned(),
                    expected_short: "not a capability".to_owned(),
                    found: types::found(&item.kind),
                    span: item.span,
                    help: "write the names of `man 7 capabilities` without `CAP_`: `capabilities [SYS_ADMIN, NET_ADMIN]`".to_owned(),
                }),
            }
        }
        Some(Spanned {
            node: names,
            span: list.span,
        })
    }

    fn custom_container(&mut self, block: &ContainerBlock) {
        let Some(runs) = &block.runs else {
            self.report(Diagnostic::ServiceChoice {
                what: format!(
                    "container `{}` does not say which service it runs",
                    block.name
                ),
                span: block.name.span,
                label: "no `runs`: it would start every service".to_owned(),
                help: format!("write `container {} runs SERVICE {{ ... }}`", block.name),
            });
            return;
        };
        if !self.reference.services.contains_key(&runs.text) {
            let known: Vec<&str> = self.reference.services.keys().map(String::as_str).collect();
            self.unknown("service", runs, &known);
        }
    }

    /// A container block that adjusts a container of a stdlib layout.
    fn layout_container(&mut self, block: &ContainerBlock, resolved: &Resolved) {
        let names = self.layout_container_names(&resolved.layout_name);
        if let Some(runs) = &block.runs {
            self.report(Diagnostic::Layout {
                what: format!(
                    "layout `{}` already decides what each container runs",
                    resolved.layout_name
                ),
                span: runs.span,
                label: "`runs` is for `layout custom`".to_owned(),
                help: "write `layout custom` to list the containers yourself, or drop `runs ...`"
                    .to_owned(),
            });
        }
        if !names.contains(&block.name.text) {
            let known: Vec<&str> = names.iter().map(String::as_str).collect();
            self.unknown("container", &block.name, &known);
        }
    }

    fn layout_container_names(&self, layout: &str) -> Vec<String> {
        match self.reference.layouts.get(layout) {
            Some(l) if l.per_service => self
                .reference
                .services
                .values()
                .filter_map(|s| s.container.clone())
                .collect(),
            Some(l) => l.containers.iter().map(|c| c.name.clone()).collect(),
            None => Vec::new(),
        }
    }
}
