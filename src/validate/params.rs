//! Rules about parameters: P3 required, P4 scope, P5 one service per
//! container, P6 pairs, P7 files that must be mounted, P8 container names,
//! P10 host fallbacks.
//! (P1 and P2 are names and types: the resolver checks them.)

use std::collections::BTreeSet;
use std::net::IpAddr;

use indexmap::IndexMap;

use super::Context;
use crate::diagnostic::{AllOf, Commas, Diagnostic, Sample, Unread};
use crate::ir::model::{Container, EnvValue, Origin};
use crate::ir::resolved::SettingValue;
use crate::kinds::Meaning;
use crate::model::is_derived;
use crate::reference::Param;

pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    p3_required(cx, out);
    p3_all_in_one_host(cx, out);
    p4_scope(cx, out);
    p5_service_per_container(cx, out);
    p6_pairs(cx, out);
    p7_file_present(cx, out);
    p8_container_host_names(cx, out);
    p10_host_fallbacks(cx, out);
    inline_secrets(cx, out);
}

/// P3, the warning: the front-end host, which the reference does not
/// require in the container that runs every service but which every
/// all-in-one example sets.
fn p3_all_in_one_host(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(param) = cx.reference.param_meaning(Meaning::FrontEndHost) else {
        return;
    };
    for container in &cx.deployment.containers {
        if cx.reference.runs_everything(&container.service)
            && !param.required.contains(&container.service)
            && !container.env.contains_key(&param.name)
            && !cx.resolved.gaps.params.contains(&param.name)
        {
            out.push(Diagnostic::RequiredAllInOne {
                param: param.name.clone(),
                container: container.name.clone(),
                span: cx.container_span(container),
                sample: sample(param),
                doc: param.doc.clone(),
            });
        }
    }
}

/// Not a rule of the reference but of onefront: a secret's value belongs in
/// the environment at deploy time, not in the file (and so not in the
/// generated files, which onefront then writes mode 0600).
fn inline_secrets(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (_, setting) in cx.settings() {
        let secret = cx
            .reference
            .params
            .get(&setting.name.text)
            .is_some_and(|p| p.secret);
        if secret && matches!(setting.value, SettingValue::Text(_)) {
            out.push(Diagnostic::InlineSecret {
                param: setting.name.text.clone(),
                span: setting.value_span,
            });
        }
    }
}

/// P3: what a service cannot start without is set in every container that
/// runs it. `*_HOST` parameters are onefront's to set; a service they would
/// name that is missing is rule C8.
fn p3_required(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let mut missing: IndexMap<&str, Vec<&crate::ir::model::Container>> = IndexMap::new();
    for container in &cx.deployment.containers {
        for param in cx.reference.params.values() {
            let by_default = param.means == Some(crate::kinds::Meaning::Service)
                && param.default.as_deref() == Some(container.service.as_str());
            if param.required.contains(&container.service)
                && param.locates.is_none()
                && !container.env.contains_key(&param.name)
                && !by_default
                && !falls_back(cx, param, container)
                && !cx.resolved.gaps.params.contains(&param.name)
            {
                missing.entry(&param.name).or_default().push(container);
            }
        }
    }
    for (name, containers) in missing {
        let Some(param) = cx.reference.params.get(name) else {
            continue;
        };
        let names = containers.iter().map(|c| c.name.clone()).collect();
        let services: BTreeSet<&str> = containers.iter().map(|c| c.service.as_str()).collect();
        let span = match containers.as_slice() {
            [one] => cx.container_span(one),
            _ => cx.resolved.name.span,
        };
        out.push(Diagnostic::Required {
            param: name.to_owned(),
            containers: AllOf(names),
            services: Commas(services.into_iter().map(str::to_owned).collect()),
            span,
            sample: sample(param),
            doc: param.doc.clone(),
        });
    }
}

/// The parameters that take the value of the front-end host when unset
/// (rule P10), in a reference that states that rule.
fn fallers<'a>(cx: &Context<'a>) -> impl Iterator<Item = &'a Param> {
    let applies = cx.applies("onefront::P10");
    [Meaning::SshHost, Meaning::OnegateHost]
        .into_iter()
        .filter(move |_| applies)
        .filter_map(|m| cx.reference.param_meaning(m))
}

/// Whether a container that lacks `param` has the front-end host it falls
/// back to (P10), which satisfies P3.
fn falls_back(cx: &Context<'_>, param: &Param, container: &Container) -> bool {
    let Some(host) = cx.reference.param_meaning(Meaning::FrontEndHost) else {
        return false;
    };
    fallers(cx).any(|p| p.name == param.name)
        && (container.env.contains_key(&host.name) || cx.resolved.gaps.params.contains(&host.name))
}

/// P10: the SSH and OneGate hosts take the front-end host's value when
/// unset; set to that very value, they only repeat it.
fn p10_host_fallbacks(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(host) = cx.reference.param_meaning(Meaning::FrontEndHost) else {
        return;
    };
    let mut seen = BTreeSet::new();
    for param in fallers(cx) {
        for container in &cx.deployment.containers {
            let (Some(own), Some(base)) = (
                container.env.get(&param.name),
                container.env.get(&host.name),
            ) else {
                continue;
            };
            let (Origin::User(span), EnvValue::Text(value), EnvValue::Text(base_value)) =
                (own.origin, &own.value, &base.value)
            else {
                continue;
            };
            if value.eq_ignore_ascii_case(base_value) && seen.insert(span) {
                out.push(Diagnostic::RepeatsFallback {
                    param: param.name.clone(),
                    fallback: host.name.clone(),
                    span,
                    fallback_span: base.origin.span(),
                });
            }
        }
    }
}

/// What to write for a parameter in a help: `secret` for secrets.
fn sample(param: &Param) -> Sample {
    if param.secret {
        Sample::Secret
    } else {
        Sample::Of(param.ty.expected())
    }
}

/// P4: a parameter that reaches no container whose services read it has no
/// effect (onefront passes each parameter only to its readers).
fn p4_scope(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (block, setting) in cx.settings() {
        let name = &setting.name.text;
        let Some(param) = cx.reference.params.get(name) else {
            continue;
        };
        if is_derived(cx.reference, name) {
            continue;
        }
        let reached = cx.reached_by(block);
        if block.is_some() && reached.is_empty() {
            // A block of no container of the layout: reported by resolve.
            continue;
        }
        if reached
            .iter()
            .any(|c| cx.reference.reads(param, &c.service))
        {
            continue;
        }
        let readers = param
            .reads
            .to_table()
            .split(',')
            .map(str::to_owned)
            .collect();
        let unread = match reached.as_slice() {
            [one] if block.is_some() => Unread::Container {
                name: one.name.clone(),
                service: one.service.clone(),
            },
            _ => Unread::Deployment,
        };
        out.push(Diagnostic::OutOfScope {
            param: name.clone(),
            unread,
            span: setting.name.span,
            readers: Commas(readers),
        });
    }
}

/// P5: what a container runs is said by the layout (`runs` in `custom`),
/// never by hand: a container without it would start every service.
fn p5_service_per_container(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(param) = cx.reference.param_meaning(crate::kinds::Meaning::Service) else {
        return;
    };
    for (_, setting) in cx.settings() {
        if setting.name.text == param.name {
            out.push(Diagnostic::ServiceByHand {
                param: param.name.clone(),
                span: setting.name.span,
            });
        }
    }
}

/// The user's entries of a parameter across containers, once per place in
/// the file.
fn user_entries<'a>(
    cx: &Context<'a>,
    param: &str,
) -> Vec<(&'a crate::ir::model::Container, crate::syntax::Span)> {
    let mut seen = BTreeSet::new();
    cx.deployment
        .containers
        .iter()
        .filter_map(|c| match c.env.get(param)?.origin {
            Origin::User(span) => Some((c, span)),
            _ => None,
        })
        .filter(|(_, span)| seen.insert(*span))
        .collect()
}

/// P6: a key without its certificate (or the reverse) is a mistake; the path
/// and the base64 form of the same thing together are ambiguous.
fn p6_pairs(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for param in cx.reference.params.values() {
        for (container, span) in user_entries(cx, &param.name) {
            if let Some(partner) = &param.pairs_with {
                if !container.env.contains_key(partner)
                    && !cx.resolved.gaps.params.contains(partner)
                {
                    out.push(Diagnostic::Unpaired {
                        param: param.name.clone(),
                        partner: partner.clone(),
                        span,
                    });
                }
            }
            let other = param.alternative_to.as_ref().and_then(|other| {
                let entry = container.env.get(other)?;
                Some((other, entry.origin.span()?))
            });
            if let Some((other, other_span)) = other {
                out.push(Diagnostic::BothForms {
                    param: param.name.clone(),
                    other: other.clone(),
                    span,
                    other_span,
                });
            }
        }
    }
}

/// P7: a path parameter points into a directory that a mount or volume of
/// that container provides; otherwise the file cannot be there.
fn p7_file_present(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    // Per place in the file: (param, path, containers lacking the mount).
    let mut unmounted: IndexMap<crate::syntax::Span, (&str, &str, Vec<&str>)> = IndexMap::new();
    for container in &cx.deployment.containers {
        for (name, entry) in &container.env {
            let (Origin::User(span), EnvValue::Text(path)) = (entry.origin, &entry.value) else {
                continue;
            };
            let is_path = cx
                .reference
                .params
                .get(name)
                .is_some_and(|p| p.ty == crate::reference::types::ParamType::Path);
            let mounted = container.mounts.iter().any(|m| {
                path == &m.target
                    || path.starts_with(&format!("{}/", m.target.trim_end_matches('/')))
            });
            if is_path && !mounted {
                let slot = unmounted.entry(span).or_insert((name, path, Vec::new()));
                slot.2.push(&container.name);
            }
        }
    }
    for (span, (name, path, containers)) in unmounted {
        let dir = path
            .rsplit_once('/')
            .map_or("/", |(dir, _)| if dir.is_empty() { "/" } else { dir });
        out.push(Diagnostic::FileNotMounted {
            param: name.to_owned(),
            path: path.to_owned(),
            containers: AllOf(containers.iter().map(|c| (*c).to_owned()).collect()),
            span,
            dir: dir.to_owned(),
        });
    }
}

/// P8: `*_HOST` parameters name containers, whose addresses change.
fn p8_container_host_names(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (_, setting) in cx.settings() {
        let locates = cx
            .reference
            .params
            .get(&setting.name.text)
            .is_some_and(|p| p.locates.is_some());
        if let SettingValue::Text(value) = &setting.value {
            if locates && value.parse::<IpAddr>().is_ok() {
                out.push(Diagnostic::AddressForContainer {
                    param: setting.name.text.clone(),
                    address: value.clone(),
                    span: setting.value_span,
                });
            }
        }
    }
}
