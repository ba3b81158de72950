//! Rules about the deploy parameters of the reference compose layout that
//! the validator checks on the model: D4 the OneGate bind address, D7 the
//! image name. (D1 and D2 are checked where the ports are.)

use std::net::IpAddr;

use super::Context;
use crate::diagnostic::Diagnostic;
use crate::ir::model::{Address, EnvValue};
use crate::kinds::Meaning;
use crate::syntax::Span;

pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    d4_onegate_bind(cx, out);
    d7_image_name(cx, out);
}

/// The host address a role's ports are published on, when it is an IP
/// address, with where the user chose it: the role's own address, else the
/// deploy parameter it binds to.
fn bound_address(cx: &Context<'_>, role: &str) -> Option<(IpAddr, Option<Span>)> {
    let mapping = cx
        .deployment
        .containers
        .iter()
        .flat_map(|c| c.ports.iter())
        .find(|m| m.role == role)?;
    match &mapping.address {
        Address::Literal(address) => Some((*address, mapping.origin.span())),
        Address::Deploy(name) => {
            let setting = cx.deployment.deploy.get(name)?;
            let address = setting.value.trim_matches(['[', ']']).parse().ok()?;
            Some((address, setting.origin.span()))
        }
    }
}

/// D4: VMs reach OneGate at its advertised host (or the front-end host it
/// falls back to); an IP address there that is not the one OneGate's port
/// is published on (when that one is not every address) is suspect.
fn d4_onegate_bind(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let (Some(bind), Some(host)) = (
        cx.reference.deploy_meaning(Meaning::BindOnegate),
        cx.reference.param_meaning(Meaning::OnegateHost),
    ) else {
        return;
    };
    let fallback = cx.reference.param_meaning(Meaning::FrontEndHost);
    for role in cx.reference.roles.values().filter(|r| r.bind == bind.name) {
        let Some((bound, bind_span)) = bound_address(cx, &role.name) else {
            continue;
        };
        if bound.is_unspecified() {
            continue;
        }
        let told = cx.deployment.containers.iter().find_map(|c| {
            let entry = c
                .env
                .get(&host.name)
                .map(|e| (&host.name, e))
                .or_else(|| fallback.and_then(|f| Some((&f.name, c.env.get(&f.name)?))))?;
            let EnvValue::Text(value) = &entry.1.value else {
                return None;
            };
            let address: IpAddr = value.trim_matches(['[', ']']).parse().ok()?;
            Some((entry.0, address, entry.1.origin.span()))
        });
        let Some((param, address, span)) = told else {
            continue;
        };
        if address != bound {
            out.push(Diagnostic::OnegateElsewhere {
                param: param.clone(),
                host: address.to_string(),
                role: role.name.clone(),
                bound: bound.to_string(),
                span: span.or(bind_span).unwrap_or(cx.resolved.name.span),
                bind_span: bind_span.filter(|_| span.is_some()),
            });
        }
    }
}

/// D7: where the reference has no registry parameter, the image name holds
/// registry and namespace; a bare name (the earlier `opennebula:TAG`) is
/// pulled from Docker Hub's official images, where the front-end is not.
fn d7_image_name(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let (Some(image), None, Some(name)) = (
        &cx.resolved.image,
        cx.reference.deploy_meaning(Meaning::ImageRegistry),
        cx.reference.deploy_meaning(Meaning::ImageName),
    ) else {
        return;
    };
    let Some(default) = name.default.as_deref().filter(|d| d.contains('/')) else {
        return;
    };
    if image.node.registry.is_empty() && !image.node.name.contains('/') {
        out.push(Diagnostic::ImageWithoutRegistry {
            name: image.node.name.clone(),
            param: name.name.clone(),
            version: cx.reference.version.clone(),
            default: default.to_owned(),
            tag: image.node.tag.clone(),
            span: image.span,
        });
    }
}
