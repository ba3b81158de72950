//! Lowering: resolved deployment + reference -> deployment model
//! ([`crate::ir::model`]). Everything the reference implies is derived here,
//! once: the containers of the layout, each paired with the user's block for
//! it,
//! which parameters reach which container (P4), `OPENNEBULA_FRONTEND_SERVICE`
//! (P5), the `*_HOST` parameters (P3), the advertised ports (D1), the
//! container-side ports that follow TLS (D2), the shared volumes (C6).

use indexmap::IndexMap;

use crate::ir::model::{
    Address, Container, Deployment, EnvEntry, EnvValue, MountEntry, MountSource, Origin,
    PortMapping, PortNumber, Setting, switch_on,
};
use crate::ir::resolved::{ContainerSpec, Resolved, SettingValue};
use crate::kinds::ComposeFlavour;
use crate::kinds::Meaning;
use crate::reference::{Internal, Layout, Reference, Role};
use crate::span::Spanned;
use crate::syntax::ast::{PortSide, VolumeSource};

/// The file a deployment comes from: its name (without folders) and text.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub text: std::sync::Arc<str>,
}

/// Builds the model of one resolved deployment; with `maintenance`, its
/// maintenance variant (rule R3).
#[must_use]
pub fn lower(
    resolved: &Resolved,
    reference: &Reference,
    source: &Source,
    maintenance: bool,
) -> Deployment {
    let layout = reference.layouts.get(&resolved.layout_name);
    let mut deployment = Deployment {
        name: resolved.name.text.clone(),
        name_span: resolved.name.span,
        source_name: source.name.clone(),
        source: own_text(resolved, reference, source),
        compose: resolved
            .compose
            .as_ref()
            .map_or(ComposeFlavour::V2, |c| c.node),
        reference_version: reference.version.clone(),
        layout: resolved.layout_name.clone(),
        runtime: resolved
            .runtime
            .as_ref()
            .map(|r| r.node)
            .unwrap_or_default(),
        runtime_origin: resolved
            .runtime
            .as_ref()
            .map_or(Origin::Default, |r| Origin::User(r.span)),
        restart: resolved
            .restart
            .as_ref()
            .map(|r| r.node)
            .or_else(|| layout.map(|l| l.restart))
            .unwrap_or(reference.default_restart),
        deploy: IndexMap::new(),
        image: image_reference(reference),
        restart_setting: String::new(),
        containers: containers(resolved, reference, layout),
        volumes: IndexMap::new(),
        deploy_docs: reference
            .deploys
            .values()
            .map(|d| (d.name.clone(), d.doc.clone()))
            .collect(),
        defaults: Vec::new(),
    };
    let single = deployment.containers.len() == 1;
    for container in &mut deployment.containers {
        if single {
            container.container_name = Some(deployment.name.clone());
        }
        let spec = container.spec_in(resolved);
        if let Some(on) = spec.and_then(|s| s.privileged.as_ref()) {
            container.privileged = on.node;
        }
        if let Some(caps) = spec.and_then(|s| s.capabilities.as_ref()) {
            container.caps.clone_from(&caps.node);
        }
    }
    let running: Vec<(String, String)> = deployment
        .containers
        .iter()
        .map(|c| (c.service.clone(), c.name.clone()))
        .collect();
    for container in &mut deployment.containers {
        let spec = container.spec_in(resolved);
        Environment {
            resolved,
            reference,
            layout,
            running: &running,
        }
        .fill(container, spec);
    }
    deployment.deploy = deploy_values(resolved, reference, &deployment.containers);
    bundle_conventions(&mut deployment, resolved, reference);
    for container in &mut deployment.containers {
        container.ports = ports(resolved, reference, container);
        container
            .mounts
            .extend(user_mounts(resolved, container.spec_in(resolved)));
    }
    deployment.volumes = named_volumes(resolved, reference, &deployment.containers);
    deployment.defaults = reference
        .params
        .values()
        .filter(|p| {
            deployment
                .containers
                .iter()
                .any(|c| reference.reads(p, &c.service))
        })
        .filter_map(|p| Some((p.name.clone(), p.default.clone()?, p.doc.clone())))
        .collect();
    if maintenance {
        maintenance_variant(&mut deployment, reference);
    }
    deployment
}

/// The deployment's block alone, as a file of its own: the header, then the
/// block as written.
fn own_text(resolved: &Resolved, reference: &Reference, source: &Source) -> String {
    let block = source
        .text
        .get(resolved.span.start..resolved.span.end)
        .unwrap_or_default();
    format!(
        "onefront {}

{block}
",
        reference.version
    )
}

/// The containers of the layout, with their volumes and privileges.
fn containers(
    resolved: &Resolved,
    reference: &Reference,
    layout: Option<&Layout>,
) -> Vec<Container> {
    let skipped = |service: &str| {
        resolved.without.contains_key(service) || resolved.externals.contains_key(service)
    };
    let mut containers = Vec::new();
    match layout {
        Some(layout) if layout.per_service => {
            for service in reference.services.values() {
                if let Some(name) = &service.container {
                    if !skipped(&service.name) {
                        containers.push(empty_container(name, &service.name, reference));
                    }
                }
            }
            pair_with_blocks(resolved, &mut containers);
        }
        Some(layout) if !layout.containers.is_empty() => {
            for defined in &layout.containers {
                let mut container = empty_container(&defined.name, &defined.runs, reference);
                container.privileged |= defined.privileged;
                container.caps.extend(defined.caps.iter().cloned());
                containers.push(container);
            }
            pair_with_blocks(resolved, &mut containers);
            for (container, defined) in containers.iter_mut().zip(&layout.containers) {
                let spec = container.spec_in(resolved);
                container.mounts = defined
                    .volumes
                    .iter()
                    .map(|(volume, path)| volume_mount(resolved, spec, volume, path))
                    .collect();
            }
            return containers;
        }
        _ => {
            for (index, spec) in resolved.containers.iter().enumerate() {
                let service = spec
                    .runs
                    .as_ref()
                    .map_or(reference.everything.as_str(), |r| r.text.as_str());
                let mut container = empty_container(&spec.name.text, service, reference);
                container.spec = Some(index);
                // A container of its own that runs everything is privileged
                // like the stdlib's single container.
                if let Some(single) = reference
                    .all_in_one_container()
                    .filter(|_| reference.runs_everything(service))
                {
                    container.privileged |= single.privileged;
                    container.caps.extend(single.caps.iter().cloned());
                }
                containers.push(container);
            }
        }
    }
    for container in &mut containers {
        container.mounts = canonical_mounts(
            resolved,
            reference,
            container.spec_in(resolved),
            &container.service,
        );
    }
    containers
}

/// Pairs each container of a stdlib layout with the user's block that
/// adjusts it, once: every later step follows [`Container::spec`].
fn pair_with_blocks(resolved: &Resolved, containers: &mut [Container]) {
    for container in containers {
        container.spec = resolved
            .containers
            .iter()
            .position(|s| s.name.text == container.name);
    }
}

fn empty_container(name: &str, service: &str, reference: &Reference) -> Container {
    let defined = reference.services.get(service);
    Container {
        name: name.to_owned(),
        container_name: None,
        service: service.to_owned(),
        spec: None,
        privileged: defined.is_some_and(|s| s.privileged),
        caps: defined.map(|s| s.caps.clone()).unwrap_or_default(),
        security: Vec::new(),
        env: IndexMap::new(),
        ports: Vec::new(),
        mounts: Vec::new(),
    }
}

/// The canonical volumes a container running `service` mounts (C6); a
/// container running every service mounts what the stdlib's single
/// container does.
fn canonical_mounts(
    resolved: &Resolved,
    reference: &Reference,
    spec: Option<&ContainerSpec>,
    service: &str,
) -> Vec<MountEntry> {
    if let Some(single) = reference
        .all_in_one_container()
        .filter(|_| reference.runs_everything(service))
    {
        return single
            .volumes
            .iter()
            .map(|(volume, path)| volume_mount(resolved, spec, volume, path))
            .collect();
    }
    reference
        .volumes
        .values()
        .filter(|v| v.used_by.iter().any(|u| u == service))
        .map(|v| volume_mount(resolved, spec, &v.name, v.path_in(service)))
        .collect()
}

/// A mount of a layout volume, as a named volume or the user's bind mount.
fn volume_mount(
    resolved: &Resolved,
    spec: Option<&ContainerSpec>,
    volume: &str,
    path: &str,
) -> MountEntry {
    let user = spec
        .and_then(|s| s.volumes.get(volume))
        .or_else(|| resolved.volumes.get(volume));
    let (source, readonly, origin) = match user.map(|u| (&u.source, u.span)) {
        Some((VolumeSource::Bind { host, readonly }, span)) => (
            MountSource::Bind(host.node.clone()),
            *readonly,
            Origin::User(span),
        ),
        Some((VolumeSource::Named(_), span)) => (
            MountSource::Volume(volume.to_owned()),
            false,
            Origin::User(span),
        ),
        Some((VolumeSource::Anonymous, span)) => {
            (MountSource::Anonymous, false, Origin::User(span))
        }
        None => (
            MountSource::Volume(volume.to_owned()),
            false,
            Origin::Layout,
        ),
    };
    MountEntry {
        volume: Some(volume.to_owned()),
        source,
        target: path.to_owned(),
        readonly,
        origin,
    }
}

fn user_mounts<'a>(
    resolved: &'a Resolved,
    spec: Option<&'a ContainerSpec>,
) -> impl Iterator<Item = MountEntry> + 'a {
    let container_mounts = spec.into_iter().flat_map(|s| s.mounts.iter());
    resolved
        .mounts
        .iter()
        .chain(container_mounts)
        .map(|m| MountEntry {
            volume: None,
            source: MountSource::Bind(m.host.node.clone()),
            target: m.target.node.clone(),
            readonly: m.readonly,
            origin: Origin::User(m.span),
        })
}

/// Computes one container's environment.
struct Environment<'a> {
    resolved: &'a Resolved,
    reference: &'a Reference,
    layout: Option<&'a Layout>,
    /// (service, container) of every container of the deployment.
    running: &'a [(String, String)],
}

impl Environment<'_> {
    fn fill(&self, container: &mut Container, spec: Option<&ContainerSpec>) {
        let service = container.service.clone();
        let mut env: IndexMap<String, EnvEntry> = IndexMap::new();
        let mut put = |name: &str, value: EnvValue, origin: Origin| {
            if let Some(param) = self
                .reference
                .params
                .get(name)
                .filter(|p| self.reference.reads(p, &service))
            {
                let secret = param.secret;
                env.insert(
                    name.to_owned(),
                    EnvEntry {
                        value,
                        origin,
                        secret,
                    },
                );
            }
        };
        if let Some(param) = self.reference.param_meaning(Meaning::Service) {
            if param.default.as_deref() != Some(service.as_str()) {
                put(
                    &param.name,
                    EnvValue::Text(service.clone()),
                    Origin::Derived,
                );
            }
        }
        for (name, value, origin) in self.locators() {
            put(&name, value, origin);
        }
        for deploy in self.reference.deploys.values() {
            if let Some((param, _)) = &deploy.sets {
                put(
                    param,
                    EnvValue::Deploy(deploy.name.clone()),
                    Origin::Derived,
                );
            }
        }
        for (name, value) in self.layout.map(|l| l.env.as_slice()).unwrap_or_default() {
            if self.all_readers_run(name) {
                put(name, EnvValue::Text(value.clone()), Origin::Layout);
            }
        }
        let maintenance = self.reference.param_meaning(Meaning::Maintenance);
        if let (Some(on), Some(param)) = (&self.resolved.maintenance, maintenance) {
            let value = if on.node { "yes" } else { "no" };
            put(
                &param.name,
                EnvValue::Text(value.to_owned()),
                Origin::User(on.span),
            );
        }
        let user = self
            .resolved
            .env
            .iter()
            .chain(spec.into_iter().flat_map(|s| s.env.iter()));
        for setting in user {
            if self.is_derived(&setting.name.text) {
                continue;
            }
            let value = match &setting.value {
                SettingValue::Text(text) => EnvValue::Text(text.clone()),
                SettingValue::Secret(variable) => EnvValue::Secret(variable.clone()),
            };
            put(
                &setting.name.text,
                value,
                Origin::User(setting.name.span.to(setting.value_span)),
            );
        }
        env.sort_by(|a, _, b, _| self.order(a).cmp(&self.order(b)));
        container.env = env;
    }

    /// Whether every service that reads a parameter runs in the deployment:
    /// a layout's setting that couples two services (`DIND_TCP_ENABLED`
    /// between docker and oned) has no business when one is left out.
    fn all_readers_run(&self, name: &str) -> bool {
        let runs = |service: &str| {
            self.running
                .iter()
                .any(|(s, _)| self.reference.runs(s, service))
        };
        match self.reference.params.get(name).map(|p| &p.reads) {
            Some(crate::reference::Services::Some(readers)) => readers
                .iter()
                .filter(|s| !self.reference.runs_everything(s))
                .all(|s| runs(s)),
            _ => true,
        }
    }

    /// Parameters set from a deploy parameter: the user's value does not win
    /// (the validator reports a disagreement, rule D1).
    fn is_derived(&self, name: &str) -> bool {
        is_derived(self.reference, name)
    }

    /// `*_HOST` values for a container: the container that runs the located
    /// service (the container itself, when it runs it: the reference marks
    /// `MYSQL_HOST` required for mysqld and `ONED_HOST` for oned), or the
    /// external server the user named. Which containers get one is the
    /// stdlib's `reads`, as for every parameter.
    fn locators(&self) -> Vec<(String, EnvValue, Origin)> {
        let mut found = Vec::new();
        for param in self.reference.params.values() {
            let Some(target) = &param.locates else {
                continue;
            };
            if let Some(external) = self.resolved.externals.get(target) {
                found.push((
                    param.name.clone(),
                    EnvValue::Text(external.node.clone()),
                    Origin::User(external.span),
                ));
            } else if let Some((_, runner)) = self.running.iter().find(|(s, _)| s == target) {
                found.push((
                    param.name.clone(),
                    EnvValue::Text(runner.clone()),
                    Origin::Derived,
                ));
            }
        }
        found
    }

    /// Environment entries come in the reference's order of parameters.
    fn order(&self, name: &str) -> usize {
        self.reference
            .params
            .get_index_of(name)
            .unwrap_or(usize::MAX)
    }
}

/// The deploy parameters: defaults, then what the user's statements set.
fn deploy_values(
    resolved: &Resolved,
    reference: &Reference,
    containers: &[Container],
) -> IndexMap<String, Setting> {
    let mut values: IndexMap<String, Setting> = reference
        .deploys
        .values()
        .map(|d| {
            let value = d.default.clone().unwrap_or_default();
            (
                d.name.clone(),
                Setting {
                    value,
                    origin: Origin::Default,
                },
            )
        })
        .collect();
    let mut set = |name: &str, value: String, origin: Origin| {
        if let Some(slot) = values.get_mut(name) {
            *slot = Setting { value, origin };
        }
    };
    if let Some(image) = &resolved.image {
        let origin = Origin::User(image.span);
        let deploy = |meaning| reference.deploy_meaning(meaning).map(|d| d.name.as_str());
        let name = match deploy(Meaning::ImageRegistry) {
            Some(registry) => {
                set(registry, image.node.registry.clone(), origin);
                image.node.name.clone()
            }
            // No registry parameter of its own: it goes in front of the name.
            None => format!("{}{}", image.node.registry, image.node.name),
        };
        if let Some(slot) = deploy(Meaning::ImageName) {
            set(slot, name, origin);
        }
        if let Some(slot) = deploy(Meaning::ImageTag) {
            set(slot, image.node.tag.clone(), origin);
        }
    }
    let bind_ssh = resolved.bind_ssh.as_ref().or(resolved.bind.as_ref());
    let ssh_bind = reference
        .deploy_meaning(Meaning::BindSsh)
        .map(|d| d.name.as_str());
    for role in reference.roles.values() {
        let address = if ssh_bind == Some(role.bind.as_str()) {
            bind_ssh
        } else {
            resolved.bind.as_ref()
        };
        if let Some(address) = address {
            set(
                &role.bind,
                bracketed(address.node),
                Origin::User(address.span),
            );
        }
        let publish = resolved.publishes.get(&role.name);
        if let Some(port) = publish.and_then(|p| p.port.as_ref()) {
            set(
                &role.external,
                port.node.to_string(),
                Origin::User(port.span),
            );
        }
        if let Internal::Deploy(internal) = &role.internal {
            let side = publish.and_then(|p| p.side.as_ref());
            let (port, origin) = match side {
                Some(side) => (side_port(role, side.node), Origin::User(side.span)),
                None if !tls_enabled(reference, role, containers) => (role.plain, Origin::Derived),
                None => (None, Origin::Default),
            };
            if let Some(port) = port {
                set(internal, port.to_string(), origin);
            }
        }
    }
    values
}

/// Parameters the compiler sets and the user cannot override: those set from
/// a deploy parameter (D1, N2, N3) and the one that says what a container
/// runs (P5). The validator reports a user's value that disagrees.
#[must_use]
pub fn is_derived(reference: &Reference, name: &str) -> bool {
    reference
        .deploys
        .values()
        .any(|d| d.sets.as_ref().is_some_and(|(param, _)| param == name))
        || reference
            .param_meaning(Meaning::Service)
            .is_some_and(|p| p.name == name)
}

fn side_port(role: &Role, side: PortSide) -> Option<u16> {
    match side {
        PortSide::Tls => role.tls,
        PortSide::Plain => role.plain,
    }
}

/// Whether the switch under which a role's TLS port listens (the TLS proxy)
/// is on in the container that runs the role's service.
fn tls_enabled(reference: &Reference, role: &Role, containers: &[Container]) -> bool {
    let Some(switch) = reference.switch_of(&role.service, role.tls) else {
        return true;
    };
    containers
        .iter()
        .find(|c| reference.runs(&c.service, &role.service))
        .is_none_or(|c| switch_on(reference, c, switch))
}

/// What a reference keeps in deploy parameters besides ports and
/// addresses: the restart policy (`${DEPLOY_RESTART_POLICY}` in compose,
/// as the bundle of that version does) and the `AppArmor` profile.
fn bundle_conventions(deployment: &mut Deployment, resolved: &Resolved, reference: &Reference) {
    deployment
        .restart
        .as_str()
        .clone_into(&mut deployment.restart_setting);
    if let Some(deploy) = reference.deploy_meaning(Meaning::Restart)
        && let Some(slot) = deployment.deploy.get_mut(&deploy.name)
    {
        let origin = resolved
            .restart
            .as_ref()
            .map_or(Origin::Layout, |r| Origin::User(r.span));
        *slot = Setting {
            value: deployment.restart.as_str().to_owned(),
            origin,
        };
        deployment.restart_setting = format!("${{{}}}", deploy.name);
    }
    if let Some(deploy) = reference.deploy_meaning(Meaning::Apparmor) {
        for container in &mut deployment.containers {
            if deploy.scope.covers(&container.name) {
                container
                    .security
                    .push(format!("apparmor=${{{}}}", deploy.name));
            }
        }
    }
}

/// `${REGISTRY}${NAME}:${TAG}` of the deploy parameters that `image` sets
/// (a reference without a registry parameter folds it into the name).
fn image_reference(reference: &Reference) -> String {
    let slot = |meaning| {
        reference
            .deploy_meaning(meaning)
            .map_or_else(String::new, |d| format!("${{{}}}", d.name))
    };
    format!(
        "{}{}:{}",
        slot(Meaning::ImageRegistry),
        slot(Meaning::ImageName),
        slot(Meaning::ImageTag)
    )
}

/// IPv6 addresses go in brackets, as compose's port syntax wants them.
fn bracketed(address: std::net::IpAddr) -> String {
    match address {
        std::net::IpAddr::V6(v6) => format!("[{v6}]"),
        std::net::IpAddr::V4(v4) => v4.to_string(),
    }
}

/// The ports a container publishes: each role of a service it runs, unless
/// turned off, or a TLS-only port whose TLS is off (N4).
fn ports(resolved: &Resolved, reference: &Reference, container: &Container) -> Vec<PortMapping> {
    let mut mappings = Vec::new();
    for role in reference.roles.values() {
        if !reference.runs(&container.service, &role.service) {
            continue;
        }
        let publish = resolved.publishes.get(&role.name);
        if publish.is_some_and(|p| p.port.is_none()) || !listening(reference, role, container) {
            continue;
        }
        let address = publish.and_then(|p| p.address.as_ref()).map_or_else(
            || Address::Deploy(role.bind.clone()),
            |a| Address::Literal(a.node),
        );
        let published = PortNumber::Deploy(role.external.clone());
        let target = match &role.internal {
            Internal::Same => published.clone(),
            Internal::Fixed(port) => PortNumber::Fixed(*port),
            Internal::Deploy(name) => PortNumber::Deploy(name.clone()),
        };
        let origin = publish.map_or(Origin::Layout, |p| Origin::User(p.span));
        for protocol in &role.protocols {
            mappings.push(PortMapping {
                role: role.name.clone(),
                address: address.clone(),
                published: published.clone(),
                target: target.clone(),
                protocol: *protocol,
                origin,
            });
        }
    }
    mappings
}

/// Whether a fixed container-side port of a role has something listening:
/// a port that exists only under a switch (443 with HTTPS) is skipped when
/// the switch is off.
fn listening(reference: &Reference, role: &Role, container: &Container) -> bool {
    let Internal::Fixed(port) = role.internal else {
        return true;
    };
    reference
        .switch_of(&role.service, Some(port))
        .is_none_or(|switch| switch_on(reference, container, switch))
}

/// The named volumes the containers mount, with the user's explicit names.
fn named_volumes(
    resolved: &Resolved,
    reference: &Reference,
    containers: &[Container],
) -> IndexMap<String, Option<Spanned<String>>> {
    let mut used: Vec<&str> = Vec::new();
    for mount in containers.iter().flat_map(|c| c.mounts.iter()) {
        if let MountSource::Volume(name) = &mount.source {
            if !used.contains(&name.as_str()) {
                used.push(name);
            }
        }
    }
    // The reference's order first; the layout's own volumes after, as first used.
    used.sort_by_key(|name| reference.volumes.get_index_of(*name).unwrap_or(usize::MAX));
    used.into_iter()
        .map(|name| {
            // A block names a volume for its own container only: one of a
            // container that does not mount it renames nothing.
            let named = |v: &crate::ir::resolved::Volume| match &v.source {
                VolumeSource::Named(Some(explicit)) => Some(explicit.clone()),
                _ => None,
            };
            let from_blocks = containers
                .iter()
                .filter(|c| {
                    c.mounts
                        .iter()
                        .any(|m| m.source == MountSource::Volume(name.to_owned()))
                })
                .filter_map(|c| c.spec_in(resolved)?.volumes.get(name))
                .find_map(named);
            // The block of a container that mounts it is the more specific.
            let explicit = from_blocks.or_else(|| resolved.volumes.get(name).and_then(named));
            (name.to_owned(), explicit)
        })
        .collect()
}

/// The maintenance variant of a deployment (rule R3): the same project, so
/// the same named volumes, with maintenance mode on in every container.
fn maintenance_variant(deployment: &mut Deployment, reference: &Reference) {
    let Some(param) = reference.param_meaning(Meaning::Maintenance) else {
        return;
    };
    for container in deployment
        .containers
        .iter_mut()
        .filter(|c| reference.reads(param, &c.service))
    {
        let entry = EnvEntry {
            value: EnvValue::Text("yes".to_owned()),
            origin: Origin::Derived,
            secret: param.secret,
        };
        container.env.insert(param.name.clone(), entry);
        let order = |name: &str| reference.params.get_index_of(name).unwrap_or(usize::MAX);
        container.env.sort_by(|a, _, b, _| order(a).cmp(&order(b)));
    }
}
