//! The systemd unit that brings the compose project up at boot and down at
//! shutdown (rule R2: a container runtime alone does not restart the
//! containers after a reboot on every host).

use super::{header, secret_variables};
use crate::model::Deployment;

/// Where the unit expects the generated folder on the host.
#[must_use]
pub fn install_dir(deployment: &Deployment) -> String {
    format!("/etc/onefront/{}", deployment.name)
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
    // A bare command name: systemd looks it up in its own search path, which
    // finds Docker's packages (/usr/bin) as well as static installs
    // (/usr/local/bin).
    let compose = format!("docker compose --project-directory {dir}");
    let secrets = if secret_variables(deployment).is_empty() {
        String::new()
    } else {
        format!("EnvironmentFile={dir}/secrets.env\n")
    };
    let head = header(
        deployment,
        &format!(
            "systemd unit: copy this folder to {dir}, this file to /etc/systemd/system/, then `systemctl enable --now {}`.",
            unit_name(deployment)
        ),
    );
    format!(
        "{head}\
[Unit]
Description=OpenNebula front-end {name} (onefront, Docker Compose)
Requires=docker.service
After=docker.service network-online.target
Wants=network-online.target

[Service]
Type=oneshot
RemainAfterExit=yes
WorkingDirectory={dir}
{secrets}ExecStart={compose} up --detach --remove-orphans
ExecStop={compose} down
# A first start pulls a large image and initialises the database.
TimeoutStartSec=30min
TimeoutStopSec=5min

[Install]
WantedBy=multi-user.target
",
        name = deployment.name,
    )
}
