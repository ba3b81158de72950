//! What the tools' reading of the output must agree with.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::path::Path;

use serde_json::Value as Json;

use crate::support::reference::reference;
use crate::support::spec::{
    ALL_IN_ONE_VOLUMES, Address, Backing, Deployment, File, Layout, Publish, ROLES, Value,
};
use crate::support::tools;

use super::image::image_reference_error;
use super::run::{Tool, last_lines, secret_value, yaml};

/// Every secret variable the source names.
pub(super) fn expected_secrets(d: &Deployment) -> BTreeSet<String> {
    d.all_assignments()
        .filter_map(|a| match &a.value {
            Value::Secret(var) => Some(var.clone().unwrap_or_else(|| a.param.clone())),
            _ => None,
        })
        .collect()
}

/// What a container sees for a value: text, or an address to compare as one.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Seen {
    Text(String),
    Ip(IpAddr),
    /// The value of this secret variable.
    Secret(String),
}

pub(super) fn seen(param: &str, value: &Value) -> Seen {
    match value {
        Value::Str(s) | Value::Word(s) | Value::Path(s) => Seen::Text(s.clone()),
        // Boolean words reach the container as written.
        Value::Bool(s) => Seen::Text((*s).to_owned()),
        Value::Int(digits) => {
            let trimmed = digits.trim_start_matches('0');
            Seen::Text(if trimmed.is_empty() { "0" } else { trimmed }.to_owned())
        }
        Value::Address(a) => Seen::Ip(a.ip),
        Value::List(items, _) => Seen::Text(items.join(" ")),
        Value::Secret(var) => Seen::Secret(var.clone().unwrap_or_else(|| param.to_owned())),
    }
}

/// How a tool prints a value the container gets: Compose (v1 and v2)
/// doubles `$` in `config` output, podman-compose prints it as it is.
pub(super) fn printed(tool: Tool, text: &str) -> String {
    match tool {
        Tool::Podman => text.to_owned(),
        Tool::V2 | Tool::V1 => text.replace('$', "$$"),
    }
}

/// Parameters the compiler sets that the source need not mention.
pub(super) fn derived(param: &str) -> bool {
    matches!(
        param,
        "OPENNEBULA_FRONTEND_SERVICE"
            | "SUNSTONE_PORT"
            | "SUNSTONE_TLS_PORT"
            | "SUNSTONE_VNC_PORT"
            | "ONEGATE_PORT"
            | "MONITORD_PORT"
            | "DIND_ENABLED"
            | "DIND_TCP_ENABLED"
            | "MAINTENANCE_MODE"
    ) || reference()
        .params
        .get(param)
        .is_some_and(|p| p.locates.is_some())
}

/// The environment the source gives a container running `service`, with
/// the derived values that are predictable.
pub(super) fn expected_env(d: &Deployment, key: &str, service: &str) -> BTreeMap<String, Seen> {
    let params = &reference().params;
    let reads = |param: &str| params.get(param).is_some_and(|p| p.read_by(service));
    let mut env = BTreeMap::new();
    if service != "all" {
        env.insert(
            "OPENNEBULA_FRONTEND_SERVICE".to_owned(),
            Seen::Text(service.to_owned()),
        );
    }
    if d.maintenance == Some(true) {
        env.insert("MAINTENANCE_MODE".to_owned(), Seen::Text("yes".to_owned()));
    }
    if d.layout != Layout::AllInOne {
        let running: BTreeMap<String, String> = d
            .expected_containers()
            .into_iter()
            .map(|(k, s)| (s, k))
            .collect();
        for p in params.values().filter(|p| p.read_by(service)) {
            let Some(located) = p.locates.as_ref().filter(|l| *l != service) else {
                continue;
            };
            if let Some((_, host)) = d.external.iter().find(|(s, _)| s == located) {
                env.insert(p.name.clone(), seen(&p.name, host));
            } else if let Some(container) = running.get(located) {
                env.insert(p.name.clone(), Seen::Text(container.clone()));
            }
        }
    }
    for a in d.assignments().filter(|a| reads(&a.param)) {
        env.insert(a.param.clone(), seen(&a.param, &a.value));
    }
    if let Some(block) = d.block(key) {
        for a in block.env.iter().filter(|a| reads(&a.param)) {
            env.insert(a.param.clone(), seen(&a.param, &a.value));
        }
    }
    env
}

/// Each container's environment in a tool's configuration against the source.
pub(super) fn environment_problems(d: &Deployment, tool: Tool, config: &Json) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(services) = config["services"].as_object() else {
        return vec![format!("{tool:?}: `{}` has no services", d.name)];
    };
    let expected = d.expected_containers();
    let keys: BTreeSet<&String> = services.keys().collect();
    let want: BTreeSet<&String> = expected.iter().map(|(k, _)| k).collect();
    if keys != want {
        problems.push(format!(
            "{tool:?}: `{}` has containers {keys:?}, the source asks for {want:?}",
            d.name
        ));
    }
    for (key, service) in &expected {
        let Some(actual) = services.get(key) else {
            continue;
        };
        let actual = actual["environment"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let expected = expected_env(d, key, service);
        for (param, value) in &expected {
            let got = actual.get(param).and_then(Json::as_str);
            let same = match (value, got) {
                // docker-compose v1 prints these line breaks raw inside
                // single-quoted scalars, where a YAML reader folds them:
                // its `config` output cannot show them (Compose v2 checks them).
                (Seen::Text(want), Some(_))
                    if tool == Tool::V1 && want.contains(['\u{85}', '\u{2028}', '\u{2029}']) =>
                {
                    true
                }
                (Seen::Text(want), Some(got)) => printed(tool, want) == got,
                (Seen::Secret(var), Some(got)) => secret_value(d, var) == got,
                (Seen::Ip(want), Some(got)) => got
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<IpAddr>()
                    .is_ok_and(|ip| ip == *want),
                (_, None) => false,
            };
            if !same {
                problems.push(format!(
                    "{tool:?}: `{}` container `{key}` ({service}) has {param}={got:?}, the source says {value:?}",
                    d.name
                ));
            }
        }
        for (param, got) in &actual {
            if !expected.contains_key(param) && !derived(param) {
                problems.push(format!(
                    "{tool:?}: `{}` container `{key}` ({service}) has {param}={got}, which the source does not give it",
                    d.name
                ));
            }
        }
    }
    problems
}

/// Where a container's services listen: (port, protocol) -> how many.
pub(super) fn listening(
    service: &str,
    env: &serde_json::Map<String, Json>,
) -> BTreeMap<(u16, String), usize> {
    let params = &reference().params;
    let lookup = |param: &str| {
        env.get(param)
            .and_then(Json::as_str)
            .map(str::to_owned)
            .or_else(|| params.get(param).and_then(|p| p.default.clone()))
    };
    let mut ports = BTreeMap::new();
    for l in reference()
        .listens
        .iter()
        .filter(|l| service == "all" || l.service == service)
    {
        let on = l.when.as_ref().is_none_or(|p| {
            lookup(p)
                .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "yes" | "true" | "1"))
        });
        if !on {
            continue;
        }
        let port = l
            .follows
            .as_ref()
            .and_then(|p| lookup(p))
            .and_then(|v| v.parse().ok())
            .unwrap_or(l.port);
        *ports.entry((port, l.proto.clone())).or_default() += 1;
    }
    ports
}

pub(super) fn ip_text(a: Option<&Address>) -> IpAddr {
    a.map_or(IpAddr::from([0, 0, 0, 0]), |a| a.ip)
}

pub(super) fn number(v: &Json) -> Option<u64> {
    v.as_u64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

/// Which containers mount volume `name` in the layout.
pub(super) fn mounts_volume(d: &Deployment, service: &str, name: &str) -> bool {
    match d.layout {
        Layout::AllInOne => ALL_IN_ONE_VOLUMES.contains(&name),
        _ => reference()
            .volumes
            .iter()
            .any(|v| v.name == name && v.used_by.iter().any(|s| s == service)),
    }
}

/// Images, ports, volumes, mounts, restart and privileges, from Compose v2.
pub(super) fn structure_problems(d: &Deployment, config: &Json) -> Vec<String> {
    let mut problems = Vec::new();
    problems.extend(environment_problems(d, Tool::V2, config));
    let empty = serde_json::Map::new();
    let services = config["services"].as_object().unwrap_or(&empty);
    let expected = d.expected_containers();
    for (key, service) in &expected {
        let Some(s) = services.get(key) else { continue };
        let at = format!("`{}` container `{key}`", d.name);
        if let Some(e) = s["image"].as_str().and_then(image_reference_error) {
            problems.push(format!("{at}: image {} cannot be pulled: {e}", s["image"]));
        }
        let restart = d.restart.unwrap_or(d.layout.restart());
        if s["restart"].as_str() != Some(restart) {
            problems.push(format!(
                "{at}: restart {}, the source says {restart}",
                s["restart"]
            ));
        }
        let env = s["environment"].as_object().unwrap_or(&empty);
        let listens = listening(service, env);
        for ((port, proto), n) in &listens {
            if *n > 1 {
                problems.push(format!(
                    "{at}: {n} services listen on {port}/{proto} in one container"
                ));
            }
        }
        for p in s["ports"].as_array().into_iter().flatten() {
            let target = number(&p["target"])
                .and_then(|t| u16::try_from(t).ok())
                .unwrap_or(0);
            let proto = p["protocol"].as_str().unwrap_or("tcp").to_owned();
            if !listens.contains_key(&(target, proto.clone())) {
                problems.push(format!(
                    "{at}: publishes {}:{} onto {target}/{proto}, where nothing listens",
                    p["host_ip"], p["published"]
                ));
            }
        }
        problems.extend(published_problems(d, &at, key, service, s));
        problems.extend(mount_problems(d, &at, key, s));
        problems.extend(volume_mount_problems(d, &at, key, service, s));
        if let Some(block) = d.block(key) {
            if let Some(on) = block.privileged {
                if s["privileged"].as_bool().unwrap_or(false) != on {
                    problems.push(format!(
                        "{at}: privileged {}, the source says {on}",
                        s["privileged"]
                    ));
                }
            }
            if let Some(caps) = &block.capabilities {
                let got: BTreeSet<&str> = s["cap_add"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Json::as_str)
                    .collect();
                let want: BTreeSet<&str> = caps.iter().copied().collect();
                if got != want {
                    problems.push(format!("{at}: cap_add {got:?}, the source says {want:?}"));
                }
            }
        }
    }
    problems.extend(volume_name_problems(d, config, &expected));
    problems
}

/// Each published role on its address and port.
pub(super) fn published_problems(
    d: &Deployment,
    at: &str,
    _key: &str,
    service: &str,
    s: &Json,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (role, publish) in &d.publish {
        let Publish::Port { address, port, .. } = publish else {
            continue;
        };
        let role_service = ROLES.iter().find(|(r, _)| r == role).map(|(_, s)| *s);
        if service != "all" && role_service != Some(service) {
            continue;
        }
        let default_address = if *role == "ssh" {
            d.bind_ssh.as_ref().or(d.bind.as_ref())
        } else {
            d.bind.as_ref()
        };
        let ip = address.as_ref().map_or(ip_text(default_address), |a| a.ip);
        let port: u64 = port.parse().unwrap_or(0);
        let found = s["ports"].as_array().into_iter().flatten().any(|p| {
            number(&p["published"]) == Some(port)
                && p["host_ip"]
                    .as_str()
                    .and_then(|h| h.trim_matches(['[', ']']).parse::<IpAddr>().ok())
                    == Some(ip)
        });
        if !found {
            problems.push(format!(
                "{at}: `publish {role}` asks for {ip} port {port}, the container publishes {}",
                s["ports"]
            ));
        }
    }
    problems
}

/// A path as Compose writes it back: `.` and empty segments dropped, `..`
/// resolved (Go's `filepath.Clean`).
pub(super) fn clean(path: &str) -> String {
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

/// Mounts as written (paths compared as Compose cleans them), none on `/`.
pub(super) fn mount_problems(d: &Deployment, at: &str, key: &str, s: &Json) -> Vec<String> {
    let mut problems = Vec::new();
    let mounts: Vec<&Json> = s["volumes"].as_array().into_iter().flatten().collect();
    let wanted = d
        .mounts
        .iter()
        .chain(d.block(key).into_iter().flat_map(|b| b.mounts.iter()));
    for m in wanted {
        let found = mounts.iter().any(|v| {
            v["type"] == "bind"
                && v["source"].as_str().map(clean) == Some(clean(&m.host))
                && v["target"].as_str().map(clean) == Some(clean(&m.target))
                && v["read_only"].as_bool().unwrap_or(false) == m.readonly
        });
        if clean(&m.target) == "/" {
            problems.push(format!(
                "{at}: `mount {} at {}` mounts on /, which Docker refuses (destination can't be '/')",
                m.host, m.target
            ));
        }
        if !found {
            problems.push(format!(
                "{at}: `mount {} at {}{}` is not among its mounts {:?}",
                m.host,
                m.target,
                if m.readonly { " readonly" } else { "" },
                s["volumes"]
            ));
        }
    }
    problems
}

/// Each volume the container mounts backed as the source says: its own
/// block's `volume` statement, else the deployment's.
pub(super) fn volume_mount_problems(
    d: &Deployment,
    at: &str,
    key: &str,
    service: &str,
    s: &Json,
) -> Vec<String> {
    let mounts: Vec<&Json> = s["volumes"].as_array().into_iter().flatten().collect();
    let own = d
        .block(key)
        .map(|b| b.volumes.as_slice())
        .unwrap_or_default();
    let mut problems = Vec::new();
    for v in own.iter().chain(&d.volumes) {
        if !mounts_volume(d, service, &v.name)
            || own.iter().any(|o| o.name == v.name && !std::ptr::eq(o, v))
        {
            continue;
        }
        let found = mounts.iter().any(|m| match &v.backing {
            Backing::Bind(path, ro) => {
                m["type"] == "bind"
                    && m["source"].as_str().map(clean) == Some(clean(path))
                    && m["read_only"].as_bool().unwrap_or(false) == *ro
            }
            Backing::Named(_) => {
                m["type"] == "volume" && m["source"].as_str() == Some(v.name.as_str())
            }
            Backing::Anonymous => {
                m["type"] == "volume" && m.get("source").is_none_or(Json::is_null)
            }
        });
        if !found {
            problems.push(format!(
                "{at}: `volume {} {:?}` is not among its mounts {:?}",
                v.name, v.backing, s["volumes"]
            ));
        }
    }
    problems
}

/// Each named volume's name: the deployment's `named "x"`, or a
/// container's for a volume that container mounts, or Compose's default.
pub(super) fn volume_name_problems(
    d: &Deployment,
    config: &Json,
    expected: &[(String, String)],
) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(volumes) = config["volumes"].as_object() else {
        return problems;
    };
    for (volume, spec) in volumes {
        let mut names = BTreeSet::new();
        for v in d.volumes.iter().filter(|v| &v.name == volume) {
            if let Backing::Named(Some(n)) = &v.backing {
                names.insert(n.clone());
            }
        }
        for (key, service) in expected {
            let Some(block) = d.block(key) else { continue };
            for v in block.volumes.iter().filter(|v| &v.name == volume) {
                if let Backing::Named(Some(n)) = &v.backing {
                    if mounts_volume(d, service, volume) {
                        names.insert(n.clone());
                    }
                }
            }
        }
        let want = match names.len() {
            0 => format!("{}_{volume}", d.name),
            1 => names.into_iter().next().unwrap(),
            _ => continue,
        };
        if spec["name"].as_str() != Some(want.as_str()) {
            problems.push(format!(
                "`{}`: volume {volume} is named {}, the source says {want:?}",
                d.name, spec["name"]
            ));
        }
    }
    problems
}

/// PyYAML reads the compose file: every environment value and restart
/// policy a string, the literal ones as written, and no two mounts of a
/// container on one target (Compose v2's `config` shows only one of them).
pub(super) fn yaml_problems(d: &Deployment, file: &Path) -> Vec<String> {
    let read = match yaml(file) {
        Ok(read) => read,
        Err(e) => {
            return vec![format!(
                "PyYAML cannot read `{}`'s compose file: {e}",
                d.name
            )];
        }
    };
    let mut problems = Vec::new();
    for (key, service) in d.expected_containers() {
        let s = &read["services"][&key];
        if !s["restart"].is_string() {
            problems.push(format!(
                "PyYAML: `{}` `{key}` restart is {}",
                d.name, s["restart"]
            ));
        }
        let mut targets = BTreeMap::new();
        for v in s["volumes"].as_array().into_iter().flatten() {
            // The short syntax is `TARGET` (anonymous) or `SOURCE:TARGET[:MODE]`.
            let target = match v.as_str() {
                Some(short) => short.split(':').nth(1).unwrap_or(short),
                None => v["target"].as_str().unwrap_or_default(),
            };
            *targets.entry(target).or_insert(0) += 1;
        }
        for (target, n) in targets.into_iter().filter(|(_, n)| *n > 1) {
            problems.push(format!(
                "`{}` `{key}`: {n} mounts on {target}, which docker-compose v1 refuses and Compose v2 merges into one",
                d.name
            ));
        }
        let env = s["environment"].as_object().cloned().unwrap_or_default();
        for (param, got) in &env {
            if !got.is_string() {
                problems.push(format!(
                    "PyYAML: `{}` `{key}` {param} reads as {got}",
                    d.name
                ));
            }
        }
        for (param, want) in expected_env(d, &key, &service) {
            let Some(got) = env.get(&param).and_then(Json::as_str) else {
                continue;
            };
            let same = match &want {
                Seen::Text(want) => derived(&param) || got == printed(Tool::V2, want),
                Seen::Secret(var) => got.starts_with(&format!("${{{var}:?")),
                Seen::Ip(_) => true,
            };
            if !same {
                problems.push(format!(
                    "PyYAML: `{}` `{key}` {param} reads as {got:?}, the source says {want:?}",
                    d.name
                ));
            }
        }
    }
    problems
}

/// `systemd-analyze verify` on every unit of the file at once, with the
/// units they depend on stubbed.
pub(super) fn systemd_problems(file: &File, dir: &Path) -> Vec<String> {
    let mut units = Vec::new();
    for d in &file.deployments {
        let folder = dir.join(&d.name);
        std::fs::write(
            folder.join("docker.service"),
            "[Service]\nExecStart=/bin/true\n",
        )
        .unwrap();
        units.push(folder.join(format!("onefront-{}.service", d.name)));
    }
    let output = std::process::Command::new(tools::systemd_analyze())
        .arg("verify")
        .args(&units)
        .env("SYSTEMD_LOG_COLOR", "0")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.success() && stderr.trim().is_empty() {
        Vec::new()
    } else {
        vec![format!("systemd-analyze verify: {}", last_lines(&stderr))]
    }
}
