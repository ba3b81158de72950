//! Rules about ports: N2/N3/D1 the parameters derived from published ports,
//! N4 and D2 TLS-only ports, N5 collisions, N6 the host's SSH port, N7 ports
//! below 1024 under rootless Podman. (N1 is checked by the resolver: the
//! only way to ask for a container side is `from tls|plain`.)

use std::collections::HashMap;
use std::net::IpAddr;

use super::Context;
use crate::diagnostic::{Diagnostic, Publisher, Separate};
use crate::ir::model::{Deployment, EnvValue, Origin, switch_on};
use crate::ir::resolved::SettingValue;
use crate::kinds::Protocol;
use crate::reference::{Deploy, Internal, Role};
use crate::syntax::Span;
use crate::syntax::ast::PortSide;

pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    d1_coupling(cx, out);
    n4_tls_ports_need_tls(cx, out);
    d2_internal_port_and_tls(cx, out);
    n6_host_ssh(cx, out);
    n7_privileged_ports(cx, out);
}

/// D1 (and N2, N3 when the port was published explicitly): a parameter that
/// onefront derives from a published port cannot say another number.
fn d1_coupling(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (_, setting) in cx.settings() {
        let name = &setting.name.text;
        let Some(deploy) = cx
            .reference
            .deploys
            .values()
            .find(|d| d.sets.as_ref().is_some_and(|(param, _)| param == name))
        else {
            continue;
        };
        let Some(derived) = cx.deployment.deploy.get(&deploy.name) else {
            continue;
        };
        let written = match &setting.value {
            SettingValue::Text(text) if *text == derived.value => continue,
            SettingValue::Text(text) => text.clone(),
            SettingValue::Secret(variable) => format!("secret({variable})"),
        };
        let role = role_of(cx, deploy);
        out.push(coupling(
            cx,
            name,
            &role,
            &written,
            setting.value_span,
            derived,
        ));
    }
}

fn role_of(cx: &Context<'_>, deploy: &Deploy) -> String {
    cx.reference
        .roles
        .values()
        .find(|r| r.external == deploy.name)
        .map_or_else(|| deploy.name.clone(), |r| r.name.clone())
}

/// The diagnostic for a derived parameter that disagrees: N2 for a port that
/// must be equal on both sides, N3 for an advertised port, D1 when the user
/// set the parameter instead of publishing the port.
fn coupling(
    cx: &Context<'_>,
    name: &str,
    role: &str,
    written: &str,
    span: Span,
    derived: &crate::ir::model::Setting,
) -> Diagnostic {
    let Origin::User(published) = derived.origin else {
        return Diagnostic::DerivedMismatch {
            param: name.to_owned(),
            role: role.to_owned(),
            derived: derived.value.clone(),
            written: written.to_owned(),
            span,
            published: None,
        };
    };
    let follows = cx
        .reference
        .listens
        .iter()
        .any(|l| l.follows.as_deref() == Some(name));
    if follows {
        Diagnostic::FollowMismatch {
            param: name.to_owned(),
            role: role.to_owned(),
            span,
            written: written.to_owned(),
            published,
            published_port: derived.value.clone(),
        }
    } else {
        Diagnostic::AdvertisedMismatch {
            param: name.to_owned(),
            role: role.to_owned(),
            span,
            written: written.to_owned(),
            published,
            published_port: derived.value.clone(),
        }
    }
}

/// The container that runs a role's service.
fn host_of<'a>(cx: &Context<'a>, role: &Role) -> Option<&'a crate::ir::model::Container> {
    cx.deployment
        .containers
        .iter()
        .find(|c| cx.reference.runs(&c.service, &role.service))
}

/// N4: a role published explicitly whose fixed container port exists only
/// under a switch that is off (443 without HTTPS).
fn n4_tls_ports_need_tls(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (name, publish) in cx
        .resolved
        .publishes
        .iter()
        .filter(|(_, p)| p.port.is_some())
    {
        let Some(role) = cx.reference.roles.get(name) else {
            continue;
        };
        let Internal::Fixed(port) = role.internal else {
            continue;
        };
        if let Some((switch, switch_span)) = switched_off(cx, role, Some(port)) {
            out.push(Diagnostic::NothingListens {
                role: name.clone(),
                switch: switch.to_owned(),
                span: publish.span,
                switch_span,
            });
        }
    }
}

/// D2: the container side `from tls` exists only with the TLS proxy on.
fn d2_internal_port_and_tls(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (name, publish) in &cx.resolved.publishes {
        let Some(side) = publish.side.as_ref().filter(|s| s.node == PortSide::Tls) else {
            continue;
        };
        let Some(role) = cx.reference.roles.get(name) else {
            continue;
        };
        if let Some((switch, switch_span)) = switched_off(cx, role, role.tls) {
            out.push(Diagnostic::TlsSideWithoutProxy {
                role: name.clone(),
                switch: switch.to_owned(),
                span: side.span,
                switch_span,
            });
        }
    }
}

/// The switch under which a role's service listens on `port`, when it is
/// off in the container that runs the service, with where the user turned
/// it off.
fn switched_off<'a>(
    cx: &Context<'a>,
    role: &Role,
    port: Option<u16>,
) -> Option<(&'a str, Option<Span>)> {
    let switch = cx.reference.switch_of(&role.service, port)?;
    let host = host_of(cx, role)?;
    (!switch_on(cx.reference, host, switch))
        .then(|| (switch, cx.setting_for(host, switch).map(|s| s.value_span)))
}

/// A published port, resolved to numbers.
struct Published<'a> {
    address: Option<IpAddr>,
    port: u16,
    protocol: Protocol,
    role: &'a str,
    origin: Origin,
}

fn published(deployment: &Deployment) -> Vec<Published<'_>> {
    deployment
        .containers
        .iter()
        .flat_map(|c| c.ports.iter())
        .filter_map(|p| {
            let address = deployment.address_value(&p.address)?;
            Some(Published {
                address: address
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse()
                    .ok(),
                port: deployment.port_value(&p.published)?,
                protocol: p.protocol,
                role: &p.role,
                origin: p.origin,
            })
        })
        .collect()
}

/// Where to point for a published port: the user's `publish`, else the
/// `bind` that chose its address, else the deployment's name.
fn port_span(deployment: &Deployment, bind: Option<Span>, origin: Origin) -> Span {
    origin.span().or(bind).unwrap_or(deployment.name_span)
}

/// N6: SSH on port 22 of every address fights the host's sshd; SSH on
/// another port needs an entry in every node's SSH configuration.
fn n6_host_ssh(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let bind = cx
        .resolved
        .bind_ssh
        .as_ref()
        .or(cx.resolved.bind.as_ref())
        .map(|b| b.span);
    for port in published(cx.deployment) {
        let Some(host_port) = cx
            .reference
            .roles
            .get(port.role)
            .and_then(|r| r.clashes_with_host)
        else {
            continue;
        };
        let span = port_span(cx.deployment, bind, port.origin);
        if port.port != host_port {
            out.push(Diagnostic::SshPortMoved {
                port: port.port,
                host: ssh_host(cx),
                span,
            });
        } else if port.address.is_none_or(|a| a.is_unspecified()) {
            out.push(Diagnostic::HostSsh { span });
        }
    }
}

/// The SSH endpoint advertised to nodes.
fn ssh_host(cx: &Context<'_>) -> String {
    let param = cx.reference.param_meaning(crate::kinds::Meaning::SshHost);
    cx.deployment
        .containers
        .iter()
        .find_map(|c| match &c.env.get(&param?.name)?.value {
            EnvValue::Text(host) => Some(host.clone()),
            _ => None,
        })
        .unwrap_or_else(|| "FRONT-END-HOST".to_owned())
}

/// N7: rootless Podman cannot bind ports below 1024.
fn n7_privileged_ports(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    if !cx.deployment.runtime.as_user() {
        return;
    }
    let bind = cx.resolved.bind.as_ref().map(|b| b.span);
    for port in published(cx.deployment).iter().filter(|p| p.port < 1024) {
        out.push(Diagnostic::PrivilegedPort {
            port: port.port,
            role: port.role.to_owned(),
            span: port_span(cx.deployment, bind, port.origin),
        });
    }
}

/// N5: no two published ports on the same address, port and protocol, in
/// one deployment or across all those checked together (`0.0.0.0` and `::`
/// take every address). `deployments` are (file index, file name, model);
/// the result is (file index, diagnostic). Linear in the number of ports.
#[must_use]
pub fn n5_collisions(deployments: &[(usize, &str, &Deployment)]) -> Vec<(usize, Diagnostic)> {
    struct Seen<'a> {
        file: usize,
        file_name: &'a str,
        deployment: &'a str,
        role: &'a str,
        span: Span,
    }
    /// Per port and protocol: who published it at which address (`None`
    /// for every address), and the key of an every-address one, if any.
    type Users<'a> = (HashMap<Option<IpAddr>, Seen<'a>>, Option<Option<IpAddr>>);
    let mut by_port: HashMap<(u16, Protocol), Users<'_>> = HashMap::new();
    let mut out = Vec::new();
    // Past the cap, collisions are counted, not worded (100k front-ends on
    // one address would otherwise make a million diagnostics).
    let mut omitted: Option<(usize, usize)> = None;
    for (file, file_name, deployment) in deployments {
        for port in published(deployment) {
            let (addresses, any) = by_port.entry((port.port, port.protocol)).or_default();
            let unspecified = port.address.is_none_or(|a| a.is_unspecified());
            let key = if unspecified { None } else { port.address };
            let clash = if unspecified {
                addresses.values().next()
            } else {
                addresses
                    .get(&key)
                    .or_else(|| any.and_then(|a| addresses.get(&a)))
            };
            let span = port_span(deployment, None, port.origin);
            if let Some(first) = clash {
                let same_deployment = first.file == *file && first.deployment == deployment.name;
                if same_deployment && first.role == port.role {
                    // One role twice: two containers run its service (C7).
                    continue;
                }
                if out.len() >= crate::diagnostic::MAX_DIAGNOSTICS {
                    omitted.get_or_insert((*file, 0)).1 += 1;
                    continue;
                }
                let same_file = first.file == *file;
                out.push((
                    *file,
                    Diagnostic::Collision {
                        address: key.map_or_else(|| "0.0.0.0".to_owned(), |a| a.to_string()),
                        port: port.port,
                        protocol: port.protocol,
                        publisher: Publisher {
                            role: port.role.to_owned(),
                            deployment: deployment.name.clone(),
                            file: None,
                        },
                        first_publisher: Publisher {
                            role: first.role.to_owned(),
                            deployment: first.deployment.to_owned(),
                            file: (!same_file).then(|| first.file_name.to_owned()),
                        },
                        span,
                        first: Some(first.span),
                        fix: if same_deployment {
                            Separate::Port(port.role.to_owned())
                        } else {
                            Separate::PortOrAddress
                        },
                    },
                ));
                continue;
            }
            if unspecified && any.is_none() {
                *any = Some(key);
            }
            addresses.entry(key).or_insert(Seen {
                file: *file,
                file_name,
                deployment: &deployment.name,
                role: port.role,
                span,
            });
        }
    }
    if let Some((file, count)) = omitted {
        out.push((
            file,
            Diagnostic::TooManyDiagnostics {
                omitted: count,
                errors: true,
            },
        ));
    }
    out
}
