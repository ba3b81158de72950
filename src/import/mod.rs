//! `onefront import`: an existing deployment (a compose project, or
//! `docker run` / `podman run` lines) turned into a `.onefront` file.
//!
//! The readers ([`compose`], [`run`]) give a [`Project`]: each container
//! as the runtime would run it. [`draft`] then says it in the language: it
//! recognises the layout, writes the statements, lowers the draft through
//! the stages like any file and compares the model with the input,
//! container by container, until what is left is what the language cannot
//! say. That is kept as comments marked for review and reported as
//! [`Finding`]s. A client of the stages, like `migrate`.

use std::fmt;
use std::net::IpAddr;

use indexmap::IndexMap;

use crate::kinds::{Protocol, RuntimeKind};

pub mod compose;
mod draft;
pub mod interpolate;
pub mod run;
pub mod yaml;

pub use draft::{Imported, Options, Refusal, import};

/// What was read: the containers, as the runtime would run them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Project {
    /// The compose project name (`name:` or the folder), or the container
    /// name of a `docker run`.
    pub name: Option<String>,
    /// A compose file with `version:` and no `name:`: Compose v1's format.
    pub v1: bool,
    /// Podman, when every command line was `podman run`.
    pub runtime: Option<RuntimeKind>,
    pub containers: Vec<Container>,
    /// What was read but has no statement: (container, line, what).
    pub unsaid: Vec<(Option<String>, usize, Unsaid)>,
}

/// One container.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Container {
    /// The compose service key (for a command line: its `--name`).
    pub key: String,
    pub container_name: Option<String>,
    pub image: Option<String>,
    pub env: IndexMap<String, Value>,
    pub ports: Vec<Port>,
    pub mounts: Vec<Mount>,
    pub privileged: bool,
    pub caps: Vec<String>,
    pub restart: Option<String>,
    pub security: Vec<String>,
    /// Where it starts in the input (1-based).
    pub line: usize,
}

/// An environment variable's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Text(String),
    /// Read from this variable of the deploying environment.
    Env(String),
}

/// A published port; `address` `None` is every address, `published`
/// `None` a port the runtime picks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port {
    pub address: Option<IpAddr>,
    pub published: Option<u16>,
    pub target: u16,
    pub protocol: Protocol,
}

/// A mount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    pub source: Source,
    pub target: String,
    pub readonly: bool,
}

/// What backs a mount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A named volume, by Docker's name of it.
    Volume(String),
    Bind(String),
    Anonymous,
}

/// Something of the input that the `.onefront` file does not say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unsaid {
    /// A top-level key of the compose file.
    TopLevel(String),
    /// A key of a compose service.
    Field(String),
    /// A flag of a command line.
    Flag(String),
    /// The command after the image.
    Command(String),
    /// A `ports:` entry or `-p` that is not understood, or not one of the
    /// reference's ports.
    Port(String),
    /// A `volumes:` entry or `-v` that is not understood, or a named volume
    /// at a path no volume of the reference is at.
    Mount(String),
    /// An environment variable whose value needs variables nobody sets.
    Environment(String),
    /// A variable that is no parameter of the reference.
    UnknownParam(String),
    /// A service value no service of the reference has.
    UnknownService(String),
    /// A container key the language cannot write as a name: the
    /// container is left out.
    Key(String),
    /// A project name the language cannot write: the reference's is used.
    Name(String),
    /// A second image, restart policy or container name than the one kept.
    Image(String),
    Restart(String),
    ContainerName(String),
    /// The layout mounts this volume here, and the input did not.
    Unmounted {
        volume: String,
        target: String,
    },
    /// After import the compiled container still differs: in what, the
    /// input's value and the compiled one.
    Differs {
        what: Aspect,
        input: String,
        compiled: String,
    },
}

/// What of a container differs after import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Aspect {
    /// This environment variable.
    Environment(String),
    Ports,
    Mounts,
    Capabilities,
    Privileged,
    SecurityOptions,
}

impl fmt::Display for Aspect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Aspect::Environment(name) => write!(f, "environment {name}"),
            Aspect::Ports => f.write_str("published ports"),
            Aspect::Mounts => f.write_str("mounts"),
            Aspect::Capabilities => f.write_str("capabilities"),
            Aspect::Privileged => f.write_str("privileged"),
            Aspect::SecurityOptions => f.write_str("security_opt"),
        }
    }
}

impl fmt::Display for Unsaid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unsaid::TopLevel(key) => write!(f, "top-level `{key}:` has no onefront statement"),
            Unsaid::Field(key) => write!(f, "`{key}:` has no onefront statement"),
            Unsaid::Flag(flag) => write!(f, "`{flag}` has no onefront statement"),
            Unsaid::Command(command) => {
                write!(f, "the command `{command}` after the image is not kept")
            }
            Unsaid::Port(port) => write!(
                f,
                "port `{port}` is not one of the reference's published ports"
            ),
            Unsaid::Mount(mount) => write!(
                f,
                "mount `{mount}` is neither a bind mount nor a volume of the reference"
            ),
            Unsaid::Environment(name) => write!(
                f,
                "`{name}` needs variables that neither `.env` nor the line sets"
            ),
            Unsaid::UnknownParam(name) => {
                write!(f, "`{name}` is not a parameter of the reference")
            }
            Unsaid::Key(key) => write!(
                f,
                "container `{key}` is left out: its name has characters other than letters, digits, `_` and `-`"
            ),
            Unsaid::Name(name) => write!(
                f,
                "project name `{name}` has characters other than letters, digits, `_` and `-`: the deployment is named after the reference"
            ),
            Unsaid::UnknownService(service) => {
                write!(f, "service `{service}` is not a service of the reference")
            }
            Unsaid::Image(image) => write!(
                f,
                "image `{image}` differs from the other containers' (one image per deployment)"
            ),
            Unsaid::Restart(policy) => write!(
                f,
                "restart `{policy}` differs from the other containers' (one policy per deployment)"
            ),
            Unsaid::ContainerName(name) => write!(
                f,
                "container name `{name}` is not kept (Compose names it after the project)"
            ),
            Unsaid::Unmounted { volume, target } => write!(
                f,
                "the layout mounts volume `{volume}` at {target}, which the input did not"
            ),
            Unsaid::Differs {
                what,
                input,
                compiled,
            } => write!(
                f,
                "{what}: the input has {input}, the compiled file has {compiled}"
            ),
        }
    }
}

/// One thing the import could not say, where it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The container (compose service key) it is about.
    pub container: Option<String>,
    /// Its line in the input (0: none).
    pub line: usize,
    pub what: Unsaid,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.container {
            Some(container) => write!(f, "{container}: {}", self.what),
            None => write!(f, "{}", self.what),
        }
    }
}
