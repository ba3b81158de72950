//! Rules about containers, volumes and the runtime: C1 privileged, C2
//! capabilities, C3 Docker across containers, C4 anonymous data, C5 logs
//! shared, C6 shared volumes, C7 one container per service, C8 dependencies,
//! C9 `AppArmor`, C10 unprivileged mode, C11 etcd storage,
//! R1 restart, R2 Podman at boot, R3 maintenance, R4 restart policy.

use std::collections::BTreeSet;

use super::Context;
use crate::diagnostic::{
    AllOf, CapabilityFix, Commas, Diagnostic, Downtime, Privilege, PrivilegeFix, Provide,
    SwitchFix, Unshared,
};
use crate::ir::model::{Container, MountSource, Origin, switch_on};
use crate::kinds::{Meaning, RestartPolicy};
use crate::reference::DeployScope;
use crate::syntax::Span;
use crate::syntax::ast::VolumeSource;

pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    c1_privileged(cx, out);
    c2_sys_admin(cx, out);
    c3_docker_across_containers(cx, out);
    c4_named_volumes(cx, out);
    c5_unshared(cx, out);
    c6_shared_volumes(cx, out);
    c7_one_service_group(cx, out);
    c8_dependencies(cx, out);
    c9_apparmor(cx, out);
    c10_unprivileged_mode(cx, out);
    c11_nested_state(cx, out);
    r1_restart(cx, out);
    r4_restart_policy(cx, out);
    r2_podman_at_boot(cx, out);
    r3_maintenance(cx, out);
    volumes_of_the_block(cx, out);
}

/// A container block sets only volumes its container mounts: elsewhere a
/// `volume ... named` or `bind` would do nothing (it used to rename the
/// volume for every container).
fn volumes_of_the_block(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for container in &cx.deployment.containers {
        let Some(spec) = cx.spec(container) else {
            continue;
        };
        let mounted: Vec<String> = container
            .mounts
            .iter()
            .filter_map(|m| m.volume.clone())
            .collect();
        for volume in spec.volumes.values() {
            if mounted.contains(&volume.name.text) {
                continue;
            }
            out.push(Diagnostic::VolumeNotMounted {
                volume: volume.name.text.clone(),
                container: container.name.clone(),
                mounted: AllOf(mounted.clone()),
                span: volume.name.span,
            });
        }
    }
}

/// Where to point for a container's privileges: its `privileged` or
/// `capabilities`, else its block, else the deployment's name.
fn privilege_span(cx: &Context<'_>, container: &Container) -> Span {
    let spec = cx.spec(container);
    spec.and_then(|s| s.privileged.as_ref().map(|p| p.span))
        .or_else(|| spec.and_then(|s| s.capabilities.as_ref().map(|c| c.span)))
        .unwrap_or_else(|| cx.container_span(container))
}

/// C1: Docker-in-Docker needs a privileged container.
fn c1_privileged(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let switch = cx.reference.param_meaning(Meaning::Privileged);
    for container in cx.deployment.containers.iter().filter(|c| !c.privileged) {
        let service_needs = cx
            .reference
            .services
            .get(&container.service)
            .is_some_and(|s| s.privileged);
        let switched = switch.filter(|p| {
            cx.reference.reads(p, &container.service) && switch_on(cx.reference, container, &p.name)
        });
        let need = if service_needs {
            Privilege::Service(container.service.clone())
        } else if let Some(param) = switched {
            Privilege::DockerInDocker(param.name.clone())
        } else {
            continue;
        };
        let fix = if cx.spec(container).is_some_and(|s| s.privileged.is_some()) {
            PrivilegeFix::DropPrivilegedNo
        } else {
            PrivilegeFix::WritePrivileged(container.name.clone())
        };
        out.push(Diagnostic::NeedsPrivileged {
            container: container.name.clone(),
            need,
            span: privilege_span(cx, container),
            fix,
        });
    }
}

/// C2: oned needs `SYS_ADMIN` (a privileged container has it).
fn c2_sys_admin(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for container in cx.deployment.containers.iter().filter(|c| !c.privileged) {
        let services: Vec<&crate::reference::Service> =
            if cx.reference.runs_everything(&container.service) {
                cx.reference.services.values().collect()
            } else {
                cx.reference
                    .services
                    .get(&container.service)
                    .into_iter()
                    .collect()
            };
        for service in services {
            for cap in service
                .caps
                .iter()
                .filter(|cap| !container.caps.contains(cap))
            {
                out.push(Diagnostic::NeedsCapability {
                    container: container.name.clone(),
                    service: service.name.clone(),
                    cap: cap.clone(),
                    span: privilege_span(cx, container),
                    fix: if cx.spec(container).is_some_and(|s| s.capabilities.is_some()) {
                        CapabilityFix::AddToList { cap: cap.clone() }
                    } else {
                        CapabilityFix::Write {
                            cap: cap.clone(),
                            container: container.name.clone(),
                        }
                    },
                });
            }
        }
    }
}

/// C3: a service that reaches another container through a port that listens
/// only under a switch (the Docker daemon's TCP port) needs that switch on
/// there.
fn c3_docker_across_containers(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for client in &cx.deployment.containers {
        for param in cx
            .reference
            .params
            .values()
            .filter(|p| cx.reference.reads(p, &client.service))
        {
            let Some(target) = &param.locates else {
                continue;
            };
            let Some(server) = cx
                .deployment
                .containers
                .iter()
                .find(|c| &c.service == target)
            else {
                continue;
            };
            if server.name == client.name {
                continue;
            }
            // The ports other containers use: not published, and here only
            // under a switch (the Docker daemon's TCP port).
            let switches = cx
                .reference
                .listens
                .iter()
                .filter(|l| &l.service == target && !l.published)
                .filter_map(|l| l.when.as_deref());
            for switch in switches.collect::<BTreeSet<_>>() {
                if switch_on(cx.reference, server, switch) {
                    continue;
                }
                let setting = cx.setting_for(server, switch);
                out.push(Diagnostic::Unreachable {
                    client: client.name.clone(),
                    client_service: client.service.clone(),
                    server: server.name.clone(),
                    server_service: server.service.clone(),
                    span: setting.map_or_else(|| cx.container_span(server), |s| s.value_span),
                    switch: switch.to_owned(),
                    fix: match setting {
                        Some(_) => SwitchFix::RemoveOff {
                            switch: switch.to_owned(),
                            server_service: server.service.clone(),
                            client_service: client.service.clone(),
                        },
                        None => SwitchFix::TurnOn {
                            switch: switch.to_owned(),
                            server: server.name.clone(),
                            server_service: server.service.clone(),
                            client_service: client.service.clone(),
                        },
                    },
                });
            }
        }
    }
}

/// Whether a path holds data the reference keeps in a volume of its own.
fn is_data(cx: &Context<'_>, path: &str) -> bool {
    cx.reference
        .volumes
        .values()
        .any(|v| v.path == path && v.implicit)
        || cx
            .reference
            .directories
            .iter()
            .any(|d| d.path == path && d.implicit)
}

/// The user's anonymous volumes whose mounts put one at a path that `keep`
/// says must outlive the container: each with the first such path.
fn anonymous_at<'a>(
    cx: &Context<'a>,
    keep: impl Fn(&str) -> bool,
) -> Vec<(&'a crate::ir::resolved::Volume, String)> {
    let volumes = cx.resolved.volumes.values().chain(
        cx.resolved
            .containers
            .iter()
            .flat_map(|c| c.volumes.values()),
    );
    let mut found = Vec::new();
    for volume in volumes.filter(|v| v.source == VolumeSource::Anonymous) {
        let paths: BTreeSet<&str> = cx
            .deployment
            .containers
            .iter()
            .flat_map(|c| c.mounts.iter())
            .filter(|m| m.source == MountSource::Anonymous && m.origin == Origin::User(volume.span))
            .map(|m| m.target.as_str())
            .collect();
        if let Some(path) = paths.into_iter().find(|p| keep(p)) {
            found.push((volume, path.to_owned()));
        }
    }
    found
}

/// C4: data directories live in named volumes or on the host.
fn c4_named_volumes(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (volume, path) in anonymous_at(cx, |p| is_data(cx, p)) {
        out.push(Diagnostic::AnonymousData {
            volume: volume.name.text.clone(),
            path,
            span: volume.span,
        });
    }
}

/// Whether a path holds a reference volume that services use, inside a
/// directory the image keeps (`implicit`, and not one of the container's
/// own such as /var/log) without being kept by itself: etcd's data and
/// secrets under /srv/one.
fn is_nested_state(cx: &Context<'_>, path: &str) -> bool {
    let inside_kept = cx
        .reference
        .directories
        .iter()
        .any(|d| d.implicit && !d.unshared && path.starts_with(&format!("{}/", d.path)));
    inside_kept
        && cx
            .reference
            .volumes
            .values()
            .any(|v| v.path == path && !v.implicit && !v.used_by.is_empty())
}

/// C11: state and secrets that services generate in a subdirectory of a
/// kept directory (etcd's under /srv/one) live in named volumes or on the
/// host, or they are lost when the container is re-created.
fn c11_nested_state(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (volume, path) in anonymous_at(cx, |p| is_nested_state(cx, p)) {
        out.push(Diagnostic::AnonymousState {
            volume: volume.name.text.clone(),
            path,
            span: volume.span,
        });
    }
}

/// C9: the service the reference runs unconfined (its `AppArmor` deploy
/// parameter applies to that service's container only) gets Docker's
/// default profile anywhere else, unless privileged (Docker runs a
/// privileged container unconfined).
fn c9_apparmor(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(deploy) = cx.reference.deploy_meaning(Meaning::Apparmor) else {
        return;
    };
    let DeployScope::Container(unconfined) = &deploy.scope else {
        return;
    };
    let services: Vec<&str> = cx
        .reference
        .services
        .values()
        .filter(|s| s.container.as_ref() == Some(unconfined))
        .map(|s| s.name.as_str())
        .collect();
    for container in &cx.deployment.containers {
        if container.privileged || deploy.scope.covers(&container.name) {
            continue;
        }
        let Some(service) = services
            .iter()
            .find(|s| cx.reference.runs(&container.service, s))
        else {
            continue;
        };
        out.push(Diagnostic::DefaultApparmor {
            container: container.name.clone(),
            service: (*service).to_owned(),
            param: deploy.name.clone(),
            profile: deploy.default.clone().unwrap_or_default(),
            unconfined: unconfined.clone(),
            span: privilege_span(cx, container),
        });
    }
}

/// C10: some features of the front-end (marketplace exports, images built
/// from a Dockerfile) need a privileged container: the one of a service the
/// reference runs privileged, here or external.
fn c10_unprivileged_mode(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    if cx.deployment.containers.iter().any(|c| c.privileged) {
        return;
    }
    let Some(service) = cx.reference.services.values().find(|s| s.privileged) else {
        return;
    };
    if cx.resolved.externals.contains_key(&service.name) {
        return;
    }
    let span = cx
        .resolved
        .without
        .get(&service.name)
        .copied()
        .or_else(|| {
            cx.resolved
                .containers
                .iter()
                .find_map(|c| c.privileged.as_ref().map(|p| p.span))
        })
        .or(cx.resolved.layout.as_ref().map(|l| l.span))
        .unwrap_or(cx.resolved.name.span);
    out.push(Diagnostic::Unprivileged {
        service: service.name.clone(),
        span,
    });
}

/// C5: a directory the reference says must not be shared (`/var/log`) is
/// not one volume (or one host directory) in several containers.
fn c5_unshared(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for directory in cx.reference.directories.iter().filter(|d| d.unshared) {
        let mut by_source: Vec<(&MountSource, Vec<&crate::ir::model::MountEntry>)> = Vec::new();
        for mount in cx
            .deployment
            .containers
            .iter()
            .flat_map(|c| c.mounts.iter())
        {
            if mount.target != directory.path || mount.source == MountSource::Anonymous {
                continue;
            }
            match by_source
                .iter_mut()
                .find(|(source, _)| **source == mount.source)
            {
                Some((_, mounts)) => mounts.push(mount),
                None => by_source.push((&mount.source, vec![mount])),
            }
        }
        for (_, mounts) in by_source.into_iter().filter(|(_, m)| m.len() > 1) {
            let span = mounts
                .iter()
                .find_map(|m| m.origin.span())
                .unwrap_or(cx.resolved.name.span);
            let volume = cx
                .reference
                .volumes
                .values()
                .find(|v| v.path.starts_with(&format!("{}/", directory.path)));
            out.push(Diagnostic::SharedUnshareable {
                path: directory.path.clone(),
                span,
                count: mounts.len(),
                fix: volume.map_or(Unshared::OwnEach, |v| Unshared::ShareVolume {
                    volume: v.name.clone(),
                    path: v.path.clone(),
                }),
            });
        }
    }
}

/// The Docker volume name a container's block gives a volume, if any.
fn explicit_name<'a>(cx: &Context<'a>, container: &Container, volume: &str) -> Option<&'a str> {
    let user = cx
        .spec(container)
        .and_then(|s| s.volumes.get(volume))
        .or_else(|| cx.resolved.volumes.get(volume))?;
    match &user.source {
        VolumeSource::Named(Some(name)) => Some(name.node.as_str()),
        _ => None,
    }
}

/// C6: a volume that several services use is the same in each container
/// that runs one of them: same kind, same host path, same Docker name.
fn c6_shared_volumes(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for volume in cx
        .reference
        .volumes
        .values()
        .filter(|v| v.used_by.len() > 1)
    {
        let mut first: Option<(&MountSource, Option<&str>)> = None;
        for container in cx
            .deployment
            .containers
            .iter()
            .filter(|c| volume.used_by.contains(&c.service))
        {
            let target = volume.path_in(&container.service);
            let Some(mount) = container.mounts.iter().find(|m| m.target == target) else {
                continue;
            };
            let this = (&mount.source, explicit_name(cx, container, &volume.name));
            match first {
                None => first = Some(this),
                Some(seen) if seen == this => {}
                Some(_) => out.push(Diagnostic::VolumeDiffers {
                    volume: volume.name.clone(),
                    span: mount
                        .origin
                        .span()
                        .unwrap_or_else(|| cx.container_span(container)),
                    container: container.name.clone(),
                    users: Commas(volume.used_by.clone()),
                }),
            }
        }
    }
}

/// C7: a service runs in one container; `all` and `none` run alone.
fn c7_one_service_group(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let containers = &cx.deployment.containers;
    for (i, container) in containers.iter().enumerate() {
        let earlier = containers[..i]
            .iter()
            .find(|c| c.service == container.service);
        let alone = cx.reference.runs_everything(&container.service)
            || cx.reference.nothing.as_deref() == Some(container.service.as_str());
        let span = cx.container_span(container);
        if let Some(first) = earlier {
            out.push(Diagnostic::ServiceTwice {
                service: container.service.clone(),
                span,
                container: container.name.clone(),
                first: cx.container_span(first),
            });
        } else if alone && containers.len() > 1 {
            out.push(Diagnostic::RunsAlone {
                container: container.name.clone(),
                service: container.service.clone(),
                span,
            });
        }
    }
}

/// C8: what a service talks to runs in the deployment or is named as
/// external.
fn c8_dependencies(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let runs = |service: &str| {
        cx.deployment
            .containers
            .iter()
            .any(|c| cx.reference.runs(&c.service, service))
            || cx.resolved.externals.contains_key(service)
    };
    let mut reported = BTreeSet::new();
    for container in &cx.deployment.containers {
        let Some(service) = cx.reference.services.get(&container.service) else {
            continue;
        };
        let needs = service.needs.iter().map(|n| (n, true));
        let wants = service.wants.iter().map(|n| (n, false));
        for (needed, hard) in needs.chain(wants) {
            if runs(needed) || !reported.insert((service.name.clone(), needed.clone())) {
                continue;
            }
            let span = cx
                .resolved
                .without
                .get(needed)
                .copied()
                .or(cx.resolved.layout.as_ref().map(|l| l.span))
                .unwrap_or(cx.resolved.name.span);
            let locator = cx
                .reference
                .params
                .values()
                .find(|p| p.locates.as_deref() == Some(needed));
            let fix = match locator {
                Some(_) => Provide::RunOrExternal(needed.clone()),
                None => Provide::Run(needed.clone()),
            };
            if hard {
                out.push(Diagnostic::MissingService {
                    service: service.name.clone(),
                    needed: needed.clone(),
                    span,
                    fix,
                });
            } else {
                let doc = cx
                    .reference
                    .services
                    .get(needed)
                    .map_or_else(String::new, |s| s.doc.clone());
                out.push(Diagnostic::MissingHelper {
                    service: service.name.clone(),
                    needed: needed.clone(),
                    span,
                    doc,
                    fix,
                });
            }
        }
    }
}

/// A `restart` that does not bring the containers back after a crash or a
/// reboot: the policy, what it loses, and the layout's policy.
fn restart_departure(cx: &Context<'_>) -> Option<(Span, RestartPolicy, Downtime, RestartPolicy)> {
    let policy = cx.resolved.restart.as_ref()?;
    let downtime = match policy.node {
        RestartPolicy::No => Downtime::CrashOrReboot,
        RestartPolicy::OnFailure => Downtime::RebootOrCleanExit,
        RestartPolicy::Always | RestartPolicy::UnlessStopped => return None,
    };
    let layout = cx.reference.layouts.get(&cx.deployment.layout);
    let expected = layout.map_or(cx.reference.default_restart, |l| l.restart);
    Some((policy.span, policy.node, downtime, expected))
}

/// R1: the reference's restart policy brings containers back after a crash
/// and a reboot; `no` and `on-failure` do not.
fn r1_restart(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    if let Some((span, policy, downtime, expected)) = restart_departure(cx) {
        out.push(Diagnostic::RestartPolicy {
            policy,
            downtime,
            span,
            layout: cx.deployment.layout.clone(),
            expected,
        });
    }
}

/// R4: the deploy parameter of the restart policy (`unless-stopped` by
/// default) lets Docker restart the deployment after a reboot; `no` and
/// `on-failure` do not.
fn r4_restart_policy(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(param) = cx.reference.deploy_meaning(Meaning::Restart) else {
        return;
    };
    if let Some((span, policy, downtime, expected)) = restart_departure(cx) {
        out.push(Diagnostic::NoRestartAfterReboot {
            policy,
            downtime,
            span,
            layout: cx.deployment.layout.clone(),
            expected,
            param: param.name.clone(),
        });
    }
}

/// R2: rootless Podman's unit is a user unit, which starts at boot only when
/// the user lingers.
fn r2_podman_at_boot(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    if cx.deployment.runtime.as_user() {
        out.push(Diagnostic::NoBootUnit {
            span: cx
                .deployment
                .runtime_origin
                .span()
                .unwrap_or(cx.resolved.name.span),
        });
    }
}

/// R3: maintenance mode starts no service; it is for a short repair run.
fn r3_maintenance(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(param) = cx.reference.param_meaning(Meaning::Maintenance) else {
        return;
    };
    let spans: BTreeSet<Span> = cx
        .deployment
        .containers
        .iter()
        .filter(|c| switch_on(cx.reference, c, &param.name))
        .filter_map(|c| c.env.get(&param.name)?.origin.span())
        .collect();
    for span in spans {
        out.push(Diagnostic::Maintenance { span });
    }
}
