//! The systemd unit that brings the compose project up at boot and down at
//! shutdown, for each runtime: Docker with Compose v2 (`docker compose`) or
//! v1 (`docker-compose`), rootful Podman and rootless Podman (a user unit)
//! with `podman-compose`. A container runtime alone does not bring
//! containers back after a reboot on every host (rule R2): the unit does.
//!
//! Names in a unit are deployment names (lower-case letters, digits, `_` and
//! `-`), so nothing needs systemd's `%` or quoting rules but the `%h` it
//! uses on purpose.

use std::fmt::Write as _;

use super::{header, secret_variables};
use crate::ir::model::Deployment;
use crate::kinds::ComposeTool;

/// How the unit runs the project with one compose tool.
struct Invocation {
    /// A user unit (rootless Podman) instead of a system unit.
    user: bool,
    /// The command and its global options, up to the subcommand.
    compose: String,
    /// Units the runtime needs running.
    requires: &'static str,
    /// Hardening that the runtime tolerates (only the Docker client, whose
    /// daemon does the work; Podman creates the containers itself).
    hardened: bool,
    description: &'static str,
}

fn invocation(deployment: &Deployment, dir: &str) -> Invocation {
    let name = &deployment.name;
    let compose_file = format!("{dir}/docker-compose.yml");
    match deployment.compose_tool() {
        ComposeTool::Podman => Invocation {
            user: deployment.runtime.as_user(),
            compose: format!("podman-compose --project-name {name} --file {compose_file}"),
            requires: "",
            hardened: false,
            description: "Podman",
        },
        ComposeTool::DockerV1 => Invocation {
            user: false,
            compose: format!(
                "docker-compose --project-directory {dir} --project-name {name} --file {compose_file}"
            ),
            requires: "docker.service",
            hardened: true,
            description: "Docker Compose v1",
        },
        ComposeTool::DockerV2 => Invocation {
            user: false,
            compose: format!("docker compose --project-directory {dir}"),
            requires: "docker.service",
            hardened: true,
            description: "Docker Compose",
        },
    }
}

/// Where the unit expects the generated folder on the host.
#[must_use]
pub fn install_dir(deployment: &Deployment) -> String {
    if deployment.runtime.as_user() {
        format!("%h/.config/onefront/{}", deployment.name)
    } else {
        format!("/etc/onefront/{}", deployment.name)
    }
}

/// The unit's file name.
#[must_use]
pub fn unit_name(deployment: &Deployment) -> String {
    format!("onefront-{}.service", deployment.name)
}

/// Renders the unit.
#[must_use]
pub fn emit(deployment: &Deployment) -> String {
    let dir = install_dir(deployment);
    let runtime = invocation(deployment, &dir);
    let unit = unit_name(deployment);
    let (units_dir, enable) = if runtime.user {
        (
            "~/.config/systemd/user/",
            format!("systemctl --user enable --now {unit}"),
        )
    } else {
        (
            "/etc/systemd/system/",
            format!("systemctl enable --now {unit}"),
        )
    };
    let head = header(
        deployment,
        &format!(
            "systemd unit: copy this folder to {dir}, this file to {units_dir}, then `{enable}`."
        ),
    );
    let mut ordering = String::new();
    if !runtime.requires.is_empty() {
        let _ = write!(ordering, "Requires={0}\nAfter={0}\n", runtime.requires);
    }
    if !runtime.user {
        ordering.push_str("Wants=network-online.target\nAfter=network-online.target\n");
    }
    let secrets = if secret_variables(deployment).is_empty() {
        String::new()
    } else {
        // Root-only (or the user's own), written by the operator from
        // secrets.env.template; a missing file fails the start, and compose
        // names a missing secret.
        format!("EnvironmentFile={dir}/secrets.env\n")
    };
    let hardening = if runtime.hardened {
        "# The Docker client only talks to the daemon: it needs little.\n\
         NoNewPrivileges=yes\nPrivateTmp=yes\nProtectHome=read-only\nProtectKernelModules=yes\n\
         ProtectKernelTunables=yes\nProtectControlGroups=yes\nRestrictSUIDSGID=yes\n"
    } else {
        ""
    };
    let wanted_by = if runtime.user {
        "default.target"
    } else {
        "multi-user.target"
    };
    format!(
        "{head}\
[Unit]
Description=OpenNebula front-end {name} (onefront, {description})
Documentation=file://{dir}/source.onefront
{ordering}
[Service]
Type=oneshot
RemainAfterExit=yes
WorkingDirectory={dir}
{secrets}ExecStart={compose} up --detach --remove-orphans
ExecStop={compose} down
# A first start pulls a large image and initialises the database.
TimeoutStartSec=30min
TimeoutStopSec=5min
{hardening}
[Install]
WantedBy={wanted_by}
",
        name = deployment.name,
        description = runtime.description,
        compose = runtime.compose,
    )
}
