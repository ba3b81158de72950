//! `params` and `explain`: the reference, as tables or one entry at a time.
//! The JSON rows use the columns and conventions of the reference tables
//! (`-` for none, `*` for every service), so that they can be compared.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::reference::{Deploy, DeployScope, Internal, Param, Reference, Role, RuleInfo};
use crate::suggest::closest;

/// The whole reference: JSON rows, or a listing for people.
pub fn params(reference: &Reference, json: bool) -> Result<String, String> {
    if json {
        let mut text =
            serde_json::to_string_pretty(&tables(reference)).map_err(|e| e.to_string())?;
        text.push('\n');
        return Ok(text);
    }
    let mut out = String::new();
    let _ = writeln!(out, "Image parameters of reference {}:", reference.version);
    for p in reference.params.values() {
        let default = p.default.as_deref().unwrap_or("-");
        let secret = if p.secret { ", secret" } else { "" };
        let _ = writeln!(
            out,
            "  {:<34} {:<10} default {default}{secret}",
            p.name,
            p.ty.to_table()
        );
        let _ = writeln!(out, "  {:<34} {}", "", p.doc);
    }
    let _ = writeln!(
        out,
        "\nDeploy parameters (set by `image`, `bind` and `publish`):"
    );
    for d in reference.deploys.values() {
        let _ = writeln!(
            out,
            "  {:<34} default {}",
            d.name,
            d.default.as_deref().unwrap_or("-")
        );
    }
    let _ = writeln!(out, "\nServices:");
    for s in reference.services.values() {
        let _ = writeln!(out, "  {:<13} {}", s.name, s.doc);
    }
    let _ = writeln!(out, "\nPort roles (`publish ROLE ...`):");
    for r in reference.roles.values() {
        let _ = writeln!(out, "  {:<15} {}", r.name, r.doc);
    }
    let _ = writeln!(out, "\nVolumes:");
    for v in reference.volumes.values() {
        let _ = writeln!(out, "  {:<34} {}", v.name, v.path);
    }
    let _ = writeln!(
        out,
        "\n`onefront explain NAME` tells more about any of them."
    );
    Ok(out)
}

fn or_dash(value: Option<&str>) -> &str {
    value.unwrap_or("-")
}

/// The reference as rows of its five tables.
fn tables(reference: &Reference) -> Value {
    json!({
        "reference": reference.version,
        "services": service_rows(reference),
        "params": param_rows(reference),
        "ports": port_rows(reference),
        "volumes": volume_rows(reference),
        "deploy": deploy_rows(reference),
    })
}

fn service_rows(reference: &Reference) -> Vec<Value> {
    reference
        .services
        .values()
        .map(|s| {
            let mut needs: Vec<String> = s.caps.iter().map(|c| format!("cap:{c}")).collect();
            if s.privileged {
                needs.insert(0, "privileged".to_owned());
            }
            json!({
                "service": s.name,
                "reference_container": or_dash(s.container.as_deref()),
                "needs": if needs.is_empty() { "-".to_owned() } else { needs.join(",") },
                "summary": s.doc,
            })
        })
        .collect()
}

fn param_rows(reference: &Reference) -> Vec<Value> {
    reference
        .params
        .values()
        .map(|p| {
            json!({
                "name": p.name,
                "table": if p.multi { "multi" } else { "main" },
                "type": p.ty.to_table(),
                "default": or_dash(p.default.as_deref()),
                "required_for": p.required.to_table(),
                "affects": p.reads.to_table(),
                "secret": if p.secret { "yes" } else { "no" },
                "locates": p.locates,
                "summary": p.doc,
            })
        })
        .collect()
}

fn port_rows(reference: &Reference) -> Vec<Value> {
    reference
        .listens
        .iter()
        .map(|l| {
            let condition = match (&l.when, l.internal) {
                (Some(switch), _) => format!("{switch}=yes"),
                (None, true) => "internal".to_owned(),
                (None, false) => "-".to_owned(),
            };
            json!({
                "port": l.port,
                "proto": l.protocol.as_str(),
                "service": l.service,
                "condition": condition,
                "published_by_default": if l.published { "yes" } else { "no" },
                "follows": l.follows,
                "summary": l.doc,
            })
        })
        .collect()
}

fn volume_rows(reference: &Reference) -> Vec<Value> {
    let mut volumes: Vec<Value> = reference
        .volumes
        .values()
        .map(|v| {
            json!({
                "canonical_volume": v.name,
                "path": v.path,
                "implicit": if v.implicit { "yes" } else { "no" },
                "used_by": if v.used_by.is_empty() { "-".to_owned() } else { v.used_by.join(",") },
                "summary": v.doc,
            })
        })
        .collect();
    volumes.extend(reference.directories.iter().map(|d| {
        json!({
            "canonical_volume": "-",
            "path": d.path,
            "implicit": if d.implicit { "yes" } else { "no" },
            "used_by": "-",
            "summary": d.doc,
        })
    }));
    volumes
}

fn deploy_rows(reference: &Reference) -> Vec<Value> {
    reference
        .deploys
        .values()
        .map(|d| {
            let container = match &d.scope {
                DeployScope::Every { except: None } => "all".to_owned(),
                DeployScope::Every { except: Some(c) } => format!("all except {c}"),
                DeployScope::Container(c) => c.clone(),
            };
            let sets = match &d.sets {
                None => "-".to_owned(),
                Some((param, None)) => param.clone(),
                Some((param, Some(c))) => format!("{param} (on {c})"),
            };
            json!({
                "name": d.name,
                "default": or_dash(d.default.as_deref()),
                "container": container,
                "sets_param": sets,
                "summary": d.doc,
            })
        })
        .collect()
}

/// One entry of the reference, whatever kind of name it is.
pub fn explain(reference: &Reference, name: &str) -> Result<String, String> {
    if let Some(rule) = reference.rules.get(&name.to_ascii_uppercase()) {
        return Ok(explain_rule(rule));
    }
    let mut out = if let Some(p) = reference.params.get(name) {
        explain_param(reference, p)
    } else if let Some(d) = reference.deploys.get(name) {
        explain_deploy(reference, d)
    } else if let Some(s) = reference.services.get(name) {
        let roles: Vec<&str> = reference
            .roles
            .values()
            .filter(|r| r.service == s.name)
            .map(|r| r.name.as_str())
            .collect();
        format!(
            "{} (service)\n\n  {}\n\n  container: {}\n  publishes: {}\n",
            s.name,
            s.doc,
            or_dash(s.container.as_deref()),
            if roles.is_empty() {
                "-".to_owned()
            } else {
                roles.join(", ")
            }
        )
    } else if let Some(r) = reference.roles.get(name) {
        explain_role(r)
    } else if let Some(v) = reference.volumes.get(name) {
        let used_by = if v.used_by.is_empty() {
            "-".to_owned()
        } else {
            v.used_by.join(", ")
        };
        format!(
            "{} (volume at {})\n\n  {}\n\n  used by:   {used_by}\n",
            v.name, v.path, v.doc
        )
    } else if let Some(l) = reference.layouts.get(name) {
        format!(
            "{} (layout)\n\n  {}\n\n  restart:   {}\n",
            l.name, l.doc, l.restart
        )
    } else {
        return Err(unknown(reference, name));
    };
    let rules = mentions(reference, name);
    if !rules.is_empty() {
        let _ = writeln!(out, "  rules:     {}", rules.join(", "));
    }
    Ok(out)
}

fn explain_param(reference: &Reference, p: &Param) -> String {
    let mut out = String::new();
    let table = if p.multi { "multi" } else { "main" };
    let _ = writeln!(
        out,
        "{} (image parameter, {table} table)\n\n  {}\n",
        p.name, p.doc
    );
    let _ = writeln!(out, "  type:      {}", p.ty.describe());
    let _ = writeln!(out, "  default:   {}", or_dash(p.default.as_deref()));
    let _ = writeln!(out, "  read by:   {}", services(&p.reads.to_table()));
    let _ = writeln!(out, "  required:  {}", services(&p.required.to_table()));
    if p.secret {
        let _ = writeln!(
            out,
            "  secret:    yes; write `{} = secret` to read it from the environment at deploy time",
            p.name
        );
    }
    if let Some(target) = &p.locates {
        let _ = writeln!(
            out,
            "  names:     the container that runs `{target}`; onefront sets it"
        );
    }
    let derived = reference
        .deploys
        .values()
        .find(|d| d.sets.as_ref().is_some_and(|(s, _)| *s == p.name));
    if let Some(deploy) = derived {
        let _ = writeln!(
            out,
            "  set from:  {} (onefront derives it, rule D1)",
            deploy.name
        );
    }
    out
}

fn explain_deploy(reference: &Reference, d: &Deploy) -> String {
    let mut out = format!("{} (deploy parameter, in .env)\n\n  {}\n\n", d.name, d.doc);
    let _ = writeln!(out, "  default:   {}", or_dash(d.default.as_deref()));
    if let Some((param, _)) = &d.sets {
        let _ = writeln!(out, "  sets:      {param}");
    }
    if let Some(role) = reference.roles.values().find(|r| r.external == d.name) {
        let _ = writeln!(out, "  written:   `publish {} PORT`", role.name);
    }
    out
}

fn explain_role(r: &Role) -> String {
    let port = |p: Option<u16>| p.map_or_else(|| "-".to_owned(), |p| p.to_string());
    let internal = match &r.internal {
        Internal::Same => "the published port".to_owned(),
        Internal::Fixed(p) => p.to_string(),
        Internal::Deploy(d) => format!("{d} ({} plain, {} TLS)", port(r.plain), port(r.tls)),
    };
    format!(
        "{} (port role of `{}`)\n\n  {}\n\n  published: {} ({})\n  container: {internal}\n  address:   {}\n",
        r.name,
        r.service,
        r.doc,
        r.external,
        r.protocols
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        r.bind
    )
}

fn explain_rule(r: &RuleInfo) -> String {
    let severity = match (r.error, r.warning) {
        (true, true) => "error or warning",
        (false, true) => "warning",
        _ => "error",
    };
    let mut out = format!(
        "{} {} ({severity}, code onefront::{})\n\n  {}\n",
        r.id, r.title, r.id, r.doc
    );
    if let Some(wrong) = &r.wrong {
        let _ = writeln!(out, "\nWrong:\n{}", indent(wrong));
    }
    if let Some(right) = &r.right {
        let _ = writeln!(out, "\nRight:\n{}", indent(right));
    }
    out
}

fn services(table: &str) -> String {
    match table {
        "*" => "every service".to_owned(),
        "-" => "never".to_owned(),
        list => list.replace(',', ", "),
    }
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The rules whose text names `name`.
fn mentions(reference: &Reference, name: &str) -> Vec<String> {
    reference
        .rules
        .values()
        .filter(|r| {
            [
                Some(&r.doc),
                Some(&r.title),
                r.wrong.as_ref(),
                r.right.as_ref(),
            ]
            .into_iter()
            .flatten()
            .any(|text| contains_word(text, name))
        })
        .map(|r| format!("{} ({})", r.id, r.title))
        .collect()
}

fn contains_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        boundary(before) && boundary(after)
    })
}

/// Every name [`explain`] knows in `reference`, with a line about it:
/// parameters, deploy parameters, services, port roles, volumes, layouts
/// (their doc lines) and rule ids (their titles). For did-you-mean and shell
/// completion.
pub fn names(reference: &Reference) -> impl Iterator<Item = (&str, &str)> {
    let params = reference.params.values().map(|p| (&p.name, &p.doc));
    let deploys = reference.deploys.values().map(|d| (&d.name, &d.doc));
    let services = reference.services.values().map(|s| (&s.name, &s.doc));
    let port_roles = reference.roles.values().map(|r| (&r.name, &r.doc));
    let volumes = reference.volumes.values().map(|v| (&v.name, &v.doc));
    let layouts = reference.layouts.values().map(|l| (&l.name, &l.doc));
    let rules = reference.rules.values().map(|r| (&r.id, &r.title));
    params
        .chain(deploys)
        .chain(services)
        .chain(port_roles)
        .chain(volumes)
        .chain(layouts)
        .chain(rules)
        .map(|(name, about)| (name.as_str(), about.as_str()))
}

fn unknown(reference: &Reference, name: &str) -> String {
    match closest(name, names(reference).map(|(known, _)| known)) {
        Some(near) => format!("error: the reference has no `{name}`; did you mean `{near}`?"),
        None => {
            format!("error: the reference has no `{name}`; `onefront params` lists what it has")
        }
    }
}
