//! The env files: `.env` (the deploy parameters compose interpolates),
//! `default.env` and `custom.env` (the reference bundle's two files, kept for
//! reading: the compose file hands each container exactly the parameters its
//! services read, rule P4) and the template of the secrets file.

use std::fmt::Write as _;

use indexmap::IndexMap;

use super::{header, secret_variables};
use crate::ir::model::{Deployment, EnvValue, Origin};

/// `.env`: read by compose for `${...}` in the compose file.
#[must_use]
pub fn deploy_env(deployment: &Deployment) -> String {
    let mut out = header(
        deployment,
        "Deploy parameters: docker compose reads this file for the ${...} of docker-compose.yml.",
    );
    for (name, setting) in &deployment.deploy {
        if let Some(doc) = deployment.deploy_docs.get(name) {
            let _ = writeln!(out, "\n# {doc}");
        }
        let _ = writeln!(out, "{name}={}", quote(&setting.value));
    }
    out
}

/// `default.env`: what the image uses for every parameter left unset.
#[must_use]
pub fn default_env(deployment: &Deployment) -> String {
    let mut out = header(
        deployment,
        "Reference defaults of the parameters these containers read; the image applies them itself (for reading, not loaded).",
    );
    for (name, value, doc) in &deployment.defaults {
        let _ = writeln!(out, "\n# {doc}\n{name}={}", quote(value));
    }
    out
}

/// `custom.env`: the parameters the deployment sets, and where each goes.
#[must_use]
pub fn custom_env(deployment: &Deployment) -> String {
    let mut out = header(
        deployment,
        "Parameters set in the source; docker-compose.yml passes each only to the containers named (for reading, not loaded).",
    );
    // Keyed by where the source says it, so the file follows the source.
    let mut settings: IndexMap<(usize, String), Vec<&str>> = IndexMap::new();
    for container in &deployment.containers {
        for (name, entry) in &container.env {
            let Origin::User(span) = entry.origin else {
                continue;
            };
            let line = match &entry.value {
                EnvValue::Text(text) => format!("{name}={}", quote(text)),
                EnvValue::Secret(variable) => {
                    format!("# {name}: secret, read from ${variable} when the deployment starts")
                }
                EnvValue::Deploy(parameter) => format!("# {name}: follows {parameter} in .env"),
            };
            settings
                .entry((span.start, line))
                .or_default()
                .push(&container.name);
        }
    }
    settings.sort_keys();
    for ((_, line), containers) in settings {
        let _ = writeln!(out, "\n# passed to {}\n{line}", containers.join(", "));
    }
    out
}

/// The template of the secrets file that the systemd unit reads, when the
/// deployment has secrets: each variable, with an empty value to fill in.
#[must_use]
pub fn secrets_template(deployment: &Deployment) -> Option<String> {
    let variables = secret_variables(deployment);
    if variables.is_empty() {
        return None;
    }
    let mut out = header(
        deployment,
        "Copy to secrets.env (mode 0600, owned by root) and fill in each value; the systemd unit reads it.",
    );
    out.push('\n');
    for variable in variables {
        let _ = writeln!(out, "{variable}=");
    }
    Some(out)
}

/// A value as Compose's env-file reader (compose-go dotenv) takes it back
/// exactly: bare when it is plain, else double-quoted with `\\ \" \n \r \t
/// \$` escaped (a single-quoted value cannot end in a backslash, and an
/// unescaped `$` would be interpolated).
#[must_use]
pub fn quote(value: &str) -> String {
    let plain = value.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                '_' | '-' | '.' | '/' | ':' | '@' | ',' | '+' | '[' | ']' | '*'
            )
    });
    if plain {
        return value.to_owned();
    }
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '$' => out.push_str("\\$"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
