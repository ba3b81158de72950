//! onefront's own rules, about what Docker Compose, Podman and a shell do
//! with a deployment: O1 one mount per path, O2 volume names, O3 secret
//! variables, O5 one listener per container port. (O4, deployment names,
//! and O6, placeholders left in, are checked where names and values
//! resolve.)

use std::collections::HashMap;

use super::Context;
use crate::diagnostic::{Clash, Diagnostic, MountFix};
use crate::ir::model::{
    Container, Deployment, EnvValue, MountEntry, MountSource, Origin, switch_on,
};
use crate::ir::resolved::SettingValue;
use crate::kinds::Protocol;
use crate::reference::Listen;
use crate::span::Span;

pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    o1_one_mount_per_path(cx, out);
    o3_secret_variables(cx, out);
    o5_one_listener_per_port(cx, out);
}

/// The value a container sees for a parameter: its entry (a deploy
/// parameter's value for one set from `.env`), else the reference default;
/// with where the user set it, if they did.
fn effective<'a>(
    cx: &Context<'a>,
    container: &'a Container,
    param: &str,
) -> Option<(String, Option<Span>)> {
    match container.env.get(param) {
        Some(entry) => match &entry.value {
            EnvValue::Text(text) => Some((text.clone(), entry.origin.span())),
            EnvValue::Deploy(name) => {
                let setting = cx.deployment.deploy.get(name)?;
                Some((setting.value.clone(), setting.origin.span()))
            }
            EnvValue::Secret(_) => None,
        },
        None => Some((cx.reference.params.get(param)?.default.clone()?, None)),
    }
}

/// O5: two services (or one, twice) of a container cannot listen on one
/// port: moving one port onto another (`publish sunstone.vnc 80`, or
/// `MYSQL_PORT = 4124` beside monitord in one container) starts a service
/// that cannot bind it.
fn o5_one_listener_per_port(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for container in &cx.deployment.containers {
        let mut taken: HashMap<(u16, Protocol), (&Listen, Option<Span>)> = HashMap::new();
        for listen in &cx.reference.listens {
            let runs = cx.reference.runs(&container.service, &listen.service);
            let off = listen
                .when
                .as_deref()
                .is_some_and(|switch| !switch_on(cx.reference, container, switch));
            if !runs || off {
                continue;
            }
            let (port, span) = match &listen.follows {
                Some(param) => match effective(cx, container, param) {
                    Some((value, span)) => (value.parse().unwrap_or(listen.port), span),
                    None => (listen.port, None),
                },
                None => (listen.port, None),
            };
            match taken.get(&(port, listen.protocol)) {
                Some((first, first_span)) => {
                    // The one that moved is the one whose port is not its own.
                    let (moved, stayed) = if listen.port == port {
                        (*first, listen)
                    } else {
                        (listen, *first)
                    };
                    let span = span
                        .or(*first_span)
                        .unwrap_or_else(|| cx.container_span(container));
                    out.push(Diagnostic::PortTaken {
                        port,
                        protocol: listen.protocol,
                        container: container.name.clone(),
                        service: moved.service.clone(),
                        moved: moved.port,
                        first: stayed.service.clone(),
                        first_port: stayed.port,
                        span,
                    });
                }
                None => {
                    taken.insert((port, listen.protocol), (listen, span));
                }
            }
        }
    }
}

/// O1: Compose keeps the last of two mounts at one container path, so a
/// mount where the layout keeps a volume drops the volume without a word.
fn o1_one_mount_per_path(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for container in &cx.deployment.containers {
        let mut at: HashMap<String, &MountEntry> = HashMap::new();
        for mount in &container.mounts {
            let target = clean(&mount.target);
            if target == "/" {
                // Docker refuses to mount over a container's whole tree.
                out.push(Diagnostic::MountOnRoot {
                    path: mount.target.clone(),
                    span: mount
                        .origin
                        .span()
                        .unwrap_or_else(|| cx.container_span(container)),
                });
                continue;
            }
            let Some(first) = at.insert(target, mount) else {
                continue;
            };
            // Point at what the user wrote: the later mount, else the first.
            let (span, other) = match (mount.origin.span(), first.origin.span()) {
                (Some(span), other) => (span, other),
                (None, Some(span)) => (span, None),
                (None, None) => (cx.container_span(container), None),
            };
            let layout_volume = [first, mount].into_iter().find_map(|m| match &m.source {
                MountSource::Volume(name) if m.origin == Origin::Layout => Some(name),
                _ => None,
            });
            let fix = match layout_volume {
                Some(volume) => MountFix::BindVolume {
                    volume: volume.clone(),
                    path: mount.target.clone(),
                },
                None => MountFix::MoveOrDrop,
            };
            out.push(Diagnostic::MountedTwice {
                path: mount.target.clone(),
                container: container.name.clone(),
                span,
                other,
                fix,
            });
        }
    }
}

/// A container path as Compose cleans it: no `.`, `..`, doubled or
/// trailing `/`.
fn clean(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    format!("/{}", parts.join("/"))
}

/// O2: a Docker volume name given with `named` belongs to one volume of one
/// front-end, across every file checked together. The result is (file
/// index, diagnostic).
#[must_use]
pub fn o2_volume_names(deployments: &[(usize, &str, &Deployment)]) -> Vec<(usize, Diagnostic)> {
    let mut first: HashMap<&str, Span> = HashMap::new();
    let mut out = Vec::new();
    for (file, _, deployment) in deployments {
        for name in deployment.volumes.values().flatten() {
            match first.get(name.node.as_str()) {
                Some(span) => out.push((
                    *file,
                    Diagnostic::VolumeNameTwice {
                        name: name.node.clone(),
                        span: name.span,
                        first: *span,
                    },
                )),
                None => {
                    first.insert(&name.node, name.span);
                }
            }
        }
    }
    out
}

/// Variables every shell (or systemd, for a unit) sets: a secret read from
/// one of them is that value.
const SHELL_VARIABLES: &[&str] = &[
    "HOME",
    "PATH",
    "USER",
    "LOGNAME",
    "PWD",
    "OLDPWD",
    "SHELL",
    "SHLVL",
    "LANG",
    "LANGUAGE",
    "TERM",
    "HOSTNAME",
    "TMPDIR",
    "UID",
    "EUID",
    "MAIL",
    "DISPLAY",
    "EDITOR",
    "PAGER",
    "IFS",
    "PS1",
    "PS2",
    "INVOCATION_ID",
    "NOTIFY_SOCKET",
    "JOURNAL_STREAM",
];

/// Prefixes of variables that Docker Compose, the Docker client,
/// podman-compose, locales or the session read or set themselves.
const TOOL_PREFIXES: &[&str] = &[
    "COMPOSE_",
    "DOCKER_",
    "PODMAN_",
    "BUILDX_",
    "BUILDKIT_",
    "LC_",
    "XDG_",
    "SSH_",
    "SUDO_",
];

/// Who else would fill a secret variable, if anyone would.
fn filled_by(cx: &Context<'_>, variable: &str) -> Option<Clash> {
    if cx.reference.deploys.contains_key(variable) {
        return Some(Clash::DotEnv);
    }
    if let Some(prefix) = TOOL_PREFIXES.iter().find(|p| variable.starts_with(*p)) {
        return Some(Clash::ToolPrefix(prefix));
    }
    SHELL_VARIABLES.contains(&variable).then_some(Clash::Shell)
}

/// O3: a secret's variable must be one that only the operator sets.
fn o3_secret_variables(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (_, setting) in cx.settings() {
        let SettingValue::Secret(variable) = &setting.value else {
            continue;
        };
        let Some(clash) = filled_by(cx, variable) else {
            continue;
        };
        let name = &setting.name.text;
        let proposal = if filled_by(cx, name).is_none() {
            name.clone()
        } else {
            format!("ONEFRONT_{name}")
        };
        out.push(Diagnostic::SecretVariable {
            variable: variable.clone(),
            clash,
            span: setting.value_span,
            param: name.clone(),
            proposal,
        });
    }
}
