//! The deployment model: every container, port, volume and environment entry
//! of one front-end, with nothing left to derive. Only data: `crate::model`
//! builds it from a resolved deployment; the validator reads it (with the
//! origins, to point at the user's file) and the emitters read it (ignoring
//! the origins).

use std::net::IpAddr;

use indexmap::IndexMap;

use crate::ir::resolved::{ContainerSpec, Resolved};
use crate::kinds::{ComposeFlavour, ComposeTool, Protocol, RestartPolicy, Runtime};
use crate::reference::Reference;
use crate::span::{Span, Spanned};

/// Where a value of the model comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The reference's default.
    Default,
    /// The layout of the stdlib.
    Layout,
    /// Derived by the compiler from another setting (rules D1, P3, P5).
    Derived,
    /// Written by the user, here.
    User(Span),
}

impl Origin {
    /// The user's span, if the user wrote it.
    #[must_use]
    pub fn span(self) -> Option<Span> {
        match self {
            Origin::User(span) => Some(span),
            _ => None,
        }
    }
}

/// One front-end: a compose project.
#[derive(Debug, Clone, PartialEq)]
pub struct Deployment {
    pub name: String,
    pub name_span: Span,
    /// The file name of the source, for headers of generated files.
    pub source_name: String,
    pub reference_version: String,
    pub layout: String,
    pub restart: RestartPolicy,
    pub runtime: Runtime,
    /// Where the runtime was chosen (the default, or the user's statement).
    pub runtime_origin: Origin,
    /// The Compose file format and tool.
    pub compose: ComposeFlavour,
    /// The deployment's own text, under the header of its file: a file that
    /// compiles to this deployment alone, which the unit's `Documentation=`
    /// points at. Its size is the block's, whatever else the file holds.
    pub source: String,
    /// The deploy parameters (`.env`), in the reference's order.
    pub deploy: IndexMap<String, Setting>,
    /// The image of every container, as compose reads it: the deploy
    /// parameters that `image` sets, `${REGISTRY}${NAME}:${TAG}`.
    pub image: String,
    /// The restart policy as compose reads it: the policy itself, or the
    /// deploy parameter that holds it where the reference has one
    /// (`${DEPLOY_RESTART_POLICY}`).
    pub restart_setting: String,
    pub containers: Vec<Container>,
    /// Named volumes and their explicit Docker names (with where the user
    /// wrote them), in the reference's order.
    pub volumes: IndexMap<String, Option<Spanned<String>>>,
    /// What each deploy parameter is, for the comments of `.env`.
    pub deploy_docs: IndexMap<String, String>,
    /// The reference defaults of the parameters the containers read:
    /// (name, default, doc), for `default.env`.
    pub defaults: Vec<(String, String, String)>,
}

/// A value with its origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub value: String,
    pub origin: Origin,
}

/// One container of a deployment.
#[derive(Debug, Clone, PartialEq)]
pub struct Container {
    /// The compose service name; also its DNS name on the project network.
    pub name: String,
    /// The fixed container name, for single-container deployments.
    pub container_name: Option<String>,
    pub service: String,
    /// The user's `container` block for it: an index into the resolved
    /// deployment's `containers`, paired once by lowering.
    pub spec: Option<usize>,
    pub privileged: bool,
    pub caps: Vec<String>,
    /// Compose `security_opt` entries (the `AppArmor` profile of a reference
    /// that has a deploy parameter for it).
    pub security: Vec<String>,
    pub env: IndexMap<String, EnvEntry>,
    pub ports: Vec<PortMapping>,
    pub mounts: Vec<MountEntry>,
}

impl Container {
    /// The user's block for this container, in the resolved deployment it
    /// was lowered from.
    #[must_use]
    pub fn spec_in<'a>(&self, resolved: &'a Resolved) -> Option<&'a ContainerSpec> {
        resolved.containers.get(self.spec?)
    }
}

/// One environment variable of a container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvEntry {
    pub value: EnvValue,
    pub origin: Origin,
    /// The reference marks the parameter secret.
    pub secret: bool,
}

/// What an environment variable holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvValue {
    /// A literal, exactly as the container must see it.
    Text(String),
    /// Read from this variable of the deploying environment.
    Secret(String),
    /// The value of this deploy parameter (`.env`).
    Deploy(String),
}

/// A host address: a deploy parameter or a literal the user gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    Deploy(String),
    Literal(IpAddr),
}

/// A port number: a deploy parameter or a fixed number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortNumber {
    Deploy(String),
    Fixed(u16),
}

/// One published port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortMapping {
    pub role: String,
    pub address: Address,
    pub published: PortNumber,
    pub target: PortNumber,
    pub protocol: Protocol,
    pub origin: Origin,
}

/// What a mount is backed by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MountSource {
    /// A named volume of the project.
    Volume(String),
    /// A host directory.
    Bind(String),
    /// A volume of its own, dropped with the container.
    Anonymous,
}

/// One mount of a container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountEntry {
    /// The layout volume this mount is (whatever backs it), if it is one.
    pub volume: Option<String>,
    pub source: MountSource,
    pub target: String,
    pub readonly: bool,
    pub origin: Origin,
}

/// Whether a bool parameter is on in a container: its value there, else the
/// reference default. The image reads yes/true/1 in any case as on.
#[must_use]
pub fn switch_on(reference: &Reference, container: &Container, param: &str) -> bool {
    let value = match container.env.get(param).map(|e| &e.value) {
        Some(EnvValue::Text(text)) => Some(text.as_str()),
        _ => reference
            .params
            .get(param)
            .and_then(|p| p.default.as_deref()),
    };
    value.is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "yes" | "true" | "1"))
}

impl Deployment {
    /// The program that reads this deployment's compose file.
    #[must_use]
    pub fn compose_tool(&self) -> ComposeTool {
        ComposeTool::of(self.runtime, self.compose)
    }

    /// The value of a deploy parameter.
    #[must_use]
    pub fn deploy_value(&self, name: &str) -> Option<&str> {
        self.deploy.get(name).map(|s| s.value.as_str())
    }

    /// Resolves a port number to its value.
    #[must_use]
    pub fn port_value(&self, port: &PortNumber) -> Option<u16> {
        match port {
            PortNumber::Fixed(n) => Some(*n),
            PortNumber::Deploy(name) => self.deploy_value(name)?.parse().ok(),
        }
    }

    /// Resolves a host address to its text.
    #[must_use]
    pub fn address_value(&self, address: &Address) -> Option<String> {
        match address {
            Address::Literal(ip) => Some(ip.to_string()),
            Address::Deploy(name) => self.deploy_value(name).map(str::to_owned),
        }
    }
}
