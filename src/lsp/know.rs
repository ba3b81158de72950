//! What the reference and the model know about a position: hover, go to
//! definition, inlay hints.

use std::fmt::Write as _;

use lsp_types::{InlayHint, InlayHintKind, InlayHintLabel, Location, Range, Uri};

use super::check::Checked;
use super::context::{Context, container_named, deployment_at};
use super::text::Doc;
use crate::ir::model::{Container, Deployment, EnvValue, Origin};
use crate::reference::Reference;

/// The hover text of the word at `offset`, in Markdown.
pub fn hover(file: &Checked, reference: &Reference, offset: usize) -> Option<(String, Range)> {
    let (word, start, end) = file.doc.word_at(offset)?;
    let range = file.doc.range(start, end);
    let deployment = deployment_at(&file.result.deployments, offset);
    if word == "secret" {
        return Some((secret(&file.doc, end), range));
    }
    let explained = crate::catalog::explain(reference, word).ok()?;
    let mut out = String::new();
    let (title, body) = explained.split_once('\n').unwrap_or((&explained, ""));
    let _ = writeln!(
        out,
        "**{title}**\n\n```text\n{}\n```",
        body.trim_matches('\n')
    );
    if reference.params.contains_key(word)
        && let Some(deployment) = deployment
    {
        let context = Context::at(&file.doc.text, offset);
        let only = context
            .container()
            .and_then(|name| container_named(deployment, name));
        out.push_str(&in_deployment(deployment, reference, word, only));
    }
    Some((out, range))
}

/// Where a `secret` value comes from.
fn secret(doc: &Doc, end: usize) -> String {
    let rest = &doc.text[end..];
    let line_start = doc.text[..end].rfind('\n').map_or(0, |i| i + 1);
    let name = doc.text[line_start..end]
        .split('=')
        .next()
        .map(str::trim)
        .filter(|n| !n.is_empty() && !n.contains(' '))
        .unwrap_or("the parameter");
    let variable = rest
        .trim_start()
        .strip_prefix('(')
        .and_then(|r| r.trim_start().strip_prefix('"'))
        .and_then(|r| r.split('"').next())
        .unwrap_or(name);
    format!(
        "**secret**: the value of `{name}` is read from the environment variable \
         `${variable}` when the deployment starts, never written to a generated file.\n\n\
         The compose file holds `${{{variable}:?...}}`, so `compose up` stops when it is \
         missing; `secrets.env.template` lists it: copy it to `secrets.env` (mode 0600) \
         beside the compose file and fill it in, and the systemd unit reads it."
    )
}

/// Which containers of `deployment` read `param`, and the value each gets.
fn in_deployment(
    deployment: &Deployment,
    reference: &Reference,
    param: &str,
    only: Option<&Container>,
) -> String {
    let mut out = format!("\nIn deployment `{}`:\n\n", deployment.name);
    let containers: Vec<&Container> = match only {
        Some(container) => vec![container],
        None => deployment.containers.iter().collect(),
    };
    let mut unread = Vec::new();
    for container in containers {
        match container.env.get(param) {
            Some(entry) => {
                let value = match &entry.value {
                    EnvValue::Text(text) => format!("`{text}`"),
                    EnvValue::Secret(variable) => format!("secret from `${variable}`"),
                    EnvValue::Deploy(name) => format!(
                        "`{}` (`{name}`)",
                        deployment.deploy_value(name).unwrap_or("?")
                    ),
                };
                let _ = writeln!(
                    out,
                    "- `{}` ({}): {value}, {}",
                    container.name,
                    container.service,
                    origin(entry.origin, reference, param)
                );
            }
            None => unread.push(format!("`{}`", container.name)),
        }
    }
    if !unread.is_empty() {
        let _ = writeln!(out, "- not read by {}", unread.join(", "));
    }
    out
}

fn origin(origin: Origin, reference: &Reference, param: &str) -> String {
    match origin {
        Origin::Default => {
            let default = reference
                .params
                .get(param)
                .and_then(|p| p.default.as_deref());
            match default {
                Some(_) => "the reference default".to_owned(),
                None => "no default: unset".to_owned(),
            }
        }
        Origin::Layout => "set by the layout".to_owned(),
        Origin::Derived => "derived by onefront (from `publish`, `bind` or `image`)".to_owned(),
        Origin::User(_) => "written in this file".to_owned(),
    }
}

/// The place in the stdlib that defines the word at `offset`.
pub fn definition(
    doc: &Doc,
    offset: usize,
    reference: &Reference,
    stdlibs: &[&(Uri, Doc)],
) -> Option<Location> {
    let (word, _, _) = doc.word_at(offset)?;
    let head = if reference.params.contains_key(word) {
        "param"
    } else if reference.deploys.contains_key(word) {
        "deploy"
    } else if reference.roles.contains_key(word) {
        "publish"
    } else if reference.rules.contains_key(word) {
        "rule"
    } else if reference.layouts.contains_key(word) {
        "layout"
    } else if reference.volumes.contains_key(word) {
        "volume"
    } else if reference.services.contains_key(word) {
        "service"
    } else {
        "container"
    };
    // The first stdlib of the chain that defines it: the file's, then the
    // ones it extends.
    stdlibs.iter().find_map(|(uri, stdlib)| {
        let mut at = 0;
        for line in stdlib.text.split_inclusive('\n') {
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            if let Some(rest) = trimmed.strip_prefix(head).and_then(|r| r.strip_prefix(' '))
                && rest.starts_with(word)
                && !rest[word.len()..]
                    .starts_with(|c: char| c.is_alphanumeric() || "_-.".contains(c))
            {
                let start = at + indent + head.len() + 1;
                return Some(Location::new(
                    uri.clone(),
                    stdlib.range(start, start + word.len()),
                ));
            }
            at += line.len();
        }
        None
    })
}

/// Hints: the parameters a `publish` sets, and who reads each parameter
/// written in a deployment's `env`.
pub fn inlay_hints(file: &Checked, reference: &Reference, range: Range) -> Vec<InlayHint> {
    let doc = &file.doc;
    let (from, to) = (doc.offset(range.start), doc.offset(range.end));
    let mut hints = Vec::new();
    let mut at = 0;
    for line in doc.text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        if at < from || start > to {
            continue;
        }
        let code = line.split('#').next().unwrap_or("");
        let end = start + code.trim_end().len();
        let Some(deployment) = deployment_at(&file.result.deployments, start) else {
            continue;
        };
        let context = Context::at(&doc.text, start);
        let words: Vec<&str> = code.split_whitespace().collect();
        let label = match (context.block(), words.as_slice()) {
            (Some("deployment"), ["publish", role, ..]) => {
                publish_hint(deployment, reference, role)
            }
            (Some("env"), [name, "=", ..]) if context.blocks.len() == 2 => {
                read_by(deployment, reference, name)
            }
            _ => None,
        };
        if let Some(label) = label {
            hints.push(InlayHint {
                position: doc.position(end),
                label: InlayHintLabel::String(label),
                kind: Some(InlayHintKind::PARAMETER),
                text_edits: None,
                tooltip: None,
                padding_left: Some(true),
                padding_right: None,
                data: None,
            });
        }
    }
    hints
}

/// `SUNSTONE_PORT = 8080`: what publishing `role` sets in the containers.
fn publish_hint(deployment: &Deployment, reference: &Reference, role: &str) -> Option<String> {
    let role = reference.roles.get(role)?;
    let mut set = Vec::new();
    for deploy in std::iter::once(&role.external).chain(match &role.internal {
        crate::reference::Internal::Deploy(name) => Some(name),
        _ => None,
    }) {
        let Some((param, _)) = reference.deploys.get(deploy).and_then(|d| d.sets.as_ref()) else {
            continue;
        };
        let value = deployment.containers.iter().find_map(|c| {
            let entry = c.env.get(param)?;
            (entry.origin == Origin::Derived).then(|| match &entry.value {
                EnvValue::Deploy(name) => deployment.deploy_value(name).unwrap_or("?").to_owned(),
                EnvValue::Text(text) => text.clone(),
                EnvValue::Secret(variable) => format!("${variable}"),
            })
        });
        if let Some(value) = value {
            set.push(format!("{param} = {value}"));
        }
    }
    (!set.is_empty()).then(|| set.join(", "))
}

/// `read by oned, sunstone`, or `read by no container`.
fn read_by(deployment: &Deployment, reference: &Reference, param: &str) -> Option<String> {
    let param = reference.params.get(param)?;
    let readers: Vec<&str> = deployment
        .containers
        .iter()
        .filter(|c| reference.reads(param, &c.service))
        .map(|c| c.service.as_str())
        .collect();
    Some(if readers.is_empty() {
        "read by no container".to_owned()
    } else {
        format!("read by {}", readers.join(", "))
    })
}
