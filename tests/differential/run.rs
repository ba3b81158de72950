//! Running the tools on a deployment folder as its unit would.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::Ordering;

use serde_json::Value as Json;

use crate::support::reference::reference;
use crate::support::spec::{Deployment, Value};
use crate::support::tool_server::{self, Ran, Server};
use crate::support::tools;

use super::oracles::{environment_problems, expected_secrets, structure_problems, yaml_problems};

use super::Stats;

pub(super) static V1_SERVER: Mutex<Option<Server>> = Mutex::new(None);
pub(super) static PODMAN_SERVER: Mutex<Option<Server>> = Mutex::new(None);

/// Which program reads a deployment's compose file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tool {
    V2,
    V1,
    Podman,
}

impl Tool {
    fn of(d: &Deployment) -> Tool {
        if d.is_podman() {
            Tool::Podman
        } else if d.is_compose_v1() {
            Tool::V1
        } else {
            Tool::V2
        }
    }
}

/// The environment of a shell in `folder`, without any secret.
pub(super) fn shell_env(folder: &Path) -> BTreeMap<String, String> {
    [
        ("PATH", std::env::var("PATH").unwrap_or_default()),
        ("HOME", "/root".to_owned()),
        ("USER", "root".to_owned()),
        ("LOGNAME", "root".to_owned()),
        ("SHELL", "/bin/sh".to_owned()),
        ("LANG", "C.UTF-8".to_owned()),
        ("PWD", folder.display().to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// The value the test gives secret `var`: one that fits every parameter
/// reading it, as a user's would (a bool's secret holds a bool): `yes` if
/// a bool reads it, a number if a port or count does, else text naming it.
pub(super) fn secret_value(d: &Deployment, var: &str) -> String {
    let kinds: Vec<&str> = d
        .all_assignments()
        .filter(|a| match &a.value {
            Value::Secret(v) => v.as_deref().unwrap_or(&a.param) == var,
            _ => false,
        })
        .filter_map(|a| reference().params.get(&a.param))
        .map(|p| p.kind.as_str())
        .collect();
    if kinds.contains(&"bool") {
        "yes".to_owned()
    } else if kinds.iter().any(|k| matches!(*k, "port" | "uint")) {
        "31337".to_owned()
    } else {
        format!("value-of-{var}")
    }
}

/// The unit's `ExecStart=` with `up ...` replaced by `config`, the install
/// folder by `folder`: (program words, arguments).
pub(super) fn unit_command(
    folder: &Path,
    name: &str,
) -> Result<(Vec<String>, Vec<String>), String> {
    let unit = std::fs::read_to_string(folder.join(format!("onefront-{name}.service")))
        .map_err(|e| format!("no unit: {e}"))?;
    let value = |key: &str| {
        unit.lines()
            .find_map(|l| l.strip_prefix(key))
            .map(str::to_owned)
            .ok_or_else(|| format!("the unit has no {key}"))
    };
    let install = value("WorkingDirectory=")?;
    let exec = value("ExecStart=")?;
    let words: Vec<String> = exec
        .split_whitespace()
        .map(|w| w.replace(&install, &folder.display().to_string()))
        .collect();
    let up = words
        .iter()
        .position(|w| w == "up")
        .ok_or_else(|| format!("ExecStart has no `up`: {exec}"))?;
    let program_len = if words[0] == "docker" { 2 } else { 1 };
    Ok((
        words[..program_len].to_vec(),
        words[program_len..up].to_vec(),
    ))
}

/// Runs `tool` as the unit would, with `config` instead of `up`.
pub(super) fn run_tool(
    tool: Tool,
    folder: &Path,
    args: &[String],
    env: &BTreeMap<String, String>,
) -> Ran {
    let mut args = args.to_vec();
    args.push("config".to_owned());
    match tool {
        Tool::V2 => {
            args.extend(["--format".to_owned(), "json".to_owned()]);
            let output = std::process::Command::new(tools::docker_compose())
                .args(&args)
                .current_dir(folder)
                .env_clear()
                .envs(env)
                .output()
                .unwrap();
            Ran {
                code: output.status.code().unwrap_or(-1),
                stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            }
        }
        Tool::V1 => {
            let script = tools::docker_compose_v1();
            let mut server = tool_server::server(&V1_SERVER, &script, &["compose.cli.main"]);
            server.as_mut().unwrap().run(&script, &args, folder, env)
        }
        Tool::Podman => {
            let script = tools::podman_compose();
            let mut server = tool_server::server(&PODMAN_SERVER, &script, &["podman_compose"]);
            server.as_mut().unwrap().run(&script, &args, folder, env)
        }
    }
}

/// YAML output of a tool, read by PyYAML; JSON output as it is.
pub(super) fn parse_output(tool: Tool, folder: &Path, stdout: &str) -> Result<Json, String> {
    if tool == Tool::V2 {
        return serde_json::from_str(stdout).map_err(|e| format!("not JSON: {e}"));
    }
    let file = folder.join(".config-output.yml");
    std::fs::write(&file, stdout).unwrap();
    yaml(&file)
}

pub(super) fn yaml(file: &Path) -> Result<Json, String> {
    let script = tools::podman_compose();
    let mut server = tool_server::server(&PODMAN_SERVER, &script, &["podman_compose"]);
    server.as_mut().unwrap().yaml(file)
}

/// The secret a tool's error asks for, as onefront words the guard:
/// `secret VAR [(for PARAM)] is not set in the environment`.
pub(super) fn asked_secret(stderr: &str) -> Option<String> {
    // The last: docker-compose v1 first prints every guard of the service.
    stderr
        .match_indices("secret ")
        .filter_map(|(i, _)| {
            let rest = &stderr[i + "secret ".len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let (var, mut tail) = rest.split_at(end);
            if let Some(after) = tail.strip_prefix(" (for ") {
                tail = after.split_once(')').map_or("", |(_, t)| t);
            }
            (!var.is_empty() && tail.starts_with(" is not set in the environment"))
                .then(|| var.to_owned())
        })
        .last()
}

/// Runs the deployment's own tool with the secrets given one at a time, as
/// it asks for them. Returns its configuration, or the problems.
pub(super) fn run_with_secrets(
    d: &Deployment,
    folder: &Path,
    tool: Tool,
    args: &[String],
    secrets: &BTreeSet<String>,
    stats: &Stats,
) -> Result<Json, Vec<String>> {
    let mut env = shell_env(folder);
    let mut asked = BTreeSet::new();
    let ran = loop {
        stats.tool_runs.fetch_add(1, Ordering::Relaxed);
        let ran = run_tool(tool, folder, args, &env);
        if ran.ok() {
            break ran;
        }
        match asked_secret(&ran.stderr) {
            Some(var) if asked.insert(var.clone()) => {
                env.insert(var.clone(), secret_value(d, &var));
            }
            _ => {
                return Err(vec![format!(
                    "{tool:?} rejects deployment `{}` (exit {}): {}",
                    d.name,
                    ran.code,
                    last_lines(&ran.stderr)
                )]);
            }
        }
    };
    let mut problems = Vec::new();
    for var in secrets.difference(&asked) {
        problems.push(format!(
            "{tool:?} never asked for secret `{var}` of deployment `{}`: it fills it from elsewhere, so a missing secret goes unnoticed",
            d.name
        ));
    }
    for var in asked.difference(secrets) {
        problems.push(format!(
            "{tool:?} asked for `{var}`, which deployment `{}` does not read as a secret",
            d.name
        ));
    }
    match parse_output(tool, folder, &ran.stdout) {
        Ok(config) if problems.is_empty() => Ok(config),
        Ok(_) => Err(problems),
        Err(e) => {
            problems.push(format!("{tool:?} config output of `{}`: {e}", d.name));
            Err(problems)
        }
    }
}

pub(super) fn last_lines(text: &str) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(4)..].join(" | ")
}

/// The secrets `secrets.env.template` lists.
pub(super) fn template_secrets(folder: &Path) -> BTreeSet<String> {
    std::fs::read_to_string(folder.join("secrets.env.template"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.strip_suffix('='))
        .map(str::to_owned)
        .collect()
}

/// All checks of one deployment folder.
pub(super) fn check_deployment(d: &Deployment, folder: &Path, stats: &Stats) -> Vec<String> {
    let mut problems = Vec::new();
    let tool = Tool::of(d);
    let secrets = template_secrets(folder);
    let expected_secrets = expected_secrets(d);
    if !secrets.is_subset(&expected_secrets) {
        problems.push(format!(
            "`{}`: secrets.env.template lists {secrets:?}, the source reads {expected_secrets:?}",
            d.name
        ));
    }
    let (_, args) = match unit_command(folder, &d.name) {
        Ok(command) => command,
        Err(e) => return vec![format!("`{}`: {e}", d.name)],
    };
    let own = run_with_secrets(d, folder, tool, &args, &secrets, stats);
    let v2_config = match (tool, own) {
        (Tool::V2, Ok(config)) => Some(config),
        (_, Err(found)) => {
            problems.extend(found);
            None
        }
        (_, Ok(config)) => {
            problems.extend(environment_problems(d, tool, &config));
            None
        }
    };
    // The structure, through Docker Compose v2 in every case.
    let v2_config = v2_config.or_else(|| {
        let mut env = shell_env(folder);
        env.extend(secrets.iter().map(|s| (s.clone(), secret_value(d, s))));
        stats.tool_runs.fetch_add(1, Ordering::Relaxed);
        let args = vec![
            "--project-directory".to_owned(),
            folder.display().to_string(),
        ];
        let ran = run_tool(Tool::V2, folder, &args, &env);
        if !ran.ok() {
            if tool != Tool::V2 {
                problems.push(format!(
                    "Compose v2 rejects deployment `{}` (exit {}): {}",
                    d.name,
                    ran.code,
                    last_lines(&ran.stderr)
                ));
            }
            return None;
        }
        serde_json::from_str(&ran.stdout)
            .map_err(|e| problems.push(format!("Compose v2 printed no JSON: {e}")))
            .ok()
    });
    if let Some(config) = v2_config {
        problems.extend(structure_problems(d, &config));
    }
    problems.extend(yaml_problems(d, &folder.join("docker-compose.yml")));
    problems
}
