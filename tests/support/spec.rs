//! A generated `.onefront` file as data: the statements and values it
//! holds, how it renders to source text, and the facts of
//! `docs/language.md` that `onefront params` does not print. Tests compare
//! what the real tools read in the compiled output with this data.

use std::collections::BTreeSet;
use std::fmt::{self, Write as _};
use std::net::IpAddr;

use crate::support::reference::reference;
use crate::support::values::onefront_literal;

/// A generated source file.
#[derive(Debug, Clone)]
pub struct File {
    /// The name given to `onefront::check`, which generated headers repeat.
    pub name: String,
    pub deployments: Vec<Deployment>,
}

/// Which containers a deployment has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    AllInOne,
    Reference,
    Custom,
}

impl Layout {
    fn word(self) -> &'static str {
        match self {
            Layout::AllInOne => "all-in-one",
            Layout::Reference => "reference",
            Layout::Custom => "custom",
        }
    }

    /// The restart policy the layout gives when the file names none.
    pub fn restart(self) -> &'static str {
        match self {
            Layout::AllInOne => "unless-stopped",
            _ => "always",
        }
    }
}

/// An address as written, and what it means.
#[derive(Debug, Clone, PartialEq)]
pub struct Address {
    pub ip: IpAddr,
    pub text: String,
}

/// A value on the right of `PARAM =`.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    /// Digits, maybe with leading zeros: the container gets the number.
    Int(String),
    /// `yes`, `no`, `true`, `false`.
    Bool(&'static str),
    Word(String),
    Address(Address),
    Path(String),
    List(Vec<String>, bool),
    /// `secret` (`None`: the parameter's name) or `secret("VAR")`.
    Secret(Option<String>),
}

/// `PARAM = VALUE`.
#[derive(Debug, Clone, PartialEq)]
pub struct Assign {
    pub param: String,
    pub value: Value,
}

/// `publish ROLE ...`.
#[derive(Debug, Clone, PartialEq)]
pub enum Publish {
    Off,
    Port {
        address: Option<Address>,
        port: String,
        from: Option<&'static str>,
    },
}

/// What backs a `volume NAME ...`.
#[derive(Debug, Clone, PartialEq)]
pub enum Backing {
    Named(Option<String>),
    Bind(String, bool),
    Anonymous,
}

/// `volume NAME ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct VolumeStmt {
    pub name: String,
    pub backing: Backing,
}

/// `mount /HOST at /CONTAINER [readonly]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Mount {
    pub host: String,
    pub target: String,
    pub readonly: bool,
}

/// `container NAME [runs SERVICE] { ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub name: String,
    pub runs: Option<String>,
    pub env: Vec<Assign>,
    pub volumes: Vec<VolumeStmt>,
    pub mounts: Vec<Mount>,
    pub privileged: Option<bool>,
    pub capabilities: Option<Vec<&'static str>>,
}

/// A deployment block.
#[derive(Debug, Clone)]
pub struct Deployment {
    pub name: String,
    pub comment: Option<String>,
    pub image: Option<String>,
    pub layout: Layout,
    /// Whether `layout` is written (`all-in-one` is the default).
    pub layout_written: bool,
    pub bind: Option<Address>,
    pub bind_ssh: Option<Address>,
    pub restart: Option<&'static str>,
    pub maintenance: Option<bool>,
    /// The `env` blocks, in order.
    pub env: Vec<Vec<Assign>>,
    pub publish: Vec<(&'static str, Publish)>,
    pub volumes: Vec<VolumeStmt>,
    pub mounts: Vec<Mount>,
    pub without: Vec<String>,
    pub external: Vec<(String, Value)>,
    pub containers: Vec<Block>,
    /// `runtime docker|podman [rootless]`.
    pub runtime: Option<(&'static str, bool)>,
    pub compose: Option<&'static str>,
}

impl Deployment {
    /// Every deployment-level assignment, in file order.
    pub fn assignments(&self) -> impl Iterator<Item = &Assign> {
        self.env.iter().flatten()
    }

    /// Every assignment, the containers' too.
    pub fn all_assignments(&self) -> impl Iterator<Item = &Assign> {
        self.assignments()
            .chain(self.containers.iter().flat_map(|c| c.env.iter()))
    }

    pub fn is_podman(&self) -> bool {
        self.runtime.is_some_and(|(kind, _)| kind == "podman")
    }

    pub fn is_compose_v1(&self) -> bool {
        !self.is_podman() && self.compose == Some("v1")
    }

    /// The containers the layout gives: (compose service key, service run).
    pub fn expected_containers(&self) -> Vec<(String, String)> {
        match self.layout {
            Layout::AllInOne => vec![("opennebula".to_owned(), "all".to_owned())],
            Layout::Reference => {
                let gone: BTreeSet<&String> = self
                    .without
                    .iter()
                    .chain(self.external.iter().map(|(s, _)| s))
                    .collect();
                reference()
                    .containers
                    .iter()
                    .filter(|(service, _)| !gone.contains(service))
                    .map(|(service, container)| (container.clone(), service.clone()))
                    .collect()
            }
            Layout::Custom => self
                .containers
                .iter()
                .map(|b| (b.name.clone(), b.runs.clone().unwrap_or_default()))
                .collect(),
        }
    }

    /// The user's block for a container, if any.
    pub fn block(&self, container: &str) -> Option<&Block> {
        self.containers.iter().find(|b| b.name == container)
    }
}

/// The all-in-one container's volumes (the layout table).
pub const ALL_IN_ONE_VOLUMES: &[&str] = &[
    "opennebula_db",
    "opennebula_datastores",
    "opennebula_srv",
    "opennebula_oneadmin_auth",
    "opennebula_oneadmin_ssh",
    "opennebula_oneprovision_ssh",
    "opennebula_logs",
];

/// What each service needs run here or external (rule C8, errors only).
pub const NEEDS: &[(&str, &[&str])] = &[
    ("oned", &["mysqld"]),
    ("fireedge", &["guacd", "oned"]),
    ("sunstone", &["memcached", "oned"]),
    ("oneflow", &["oned"]),
    ("onegate", &["oned"]),
    ("oneprovision", &["oned"]),
    ("scheduler", &["oned"]),
];

/// Port roles: (role, service, container-side ports: plain, tls).
pub const ROLES: &[(&str, &str)] = &[
    ("ssh", "sshd"),
    ("sunstone.http", "sunstone"),
    ("sunstone.https", "sunstone"),
    ("sunstone.vnc", "sunstone"),
    ("oned.api", "oned"),
    ("oneflow.api", "oneflow"),
    ("onegate.api", "onegate"),
    ("monitord", "oned"),
];

pub const API_ROLES: &[&str] = &["oned.api", "oneflow.api", "onegate.api"];

/// Parameters that come in pairs (rule P6): one half alone is an error.
pub const PAIRS: &[(&str, &str)] = &[
    ("TLS_KEY_BASE64", "TLS_CERT_BASE64"),
    ("ONEADMIN_SSH_PRIVKEY_BASE64", "ONEADMIN_SSH_PUBKEY_BASE64"),
    ("TLS_KEY", "TLS_CERT"),
    ("ONEADMIN_SSH_PRIVKEY", "ONEADMIN_SSH_PUBKEY"),
];

/// Services a `*_HOST` locates, which may be `external`.
pub fn locatable() -> Vec<String> {
    reference()
        .params
        .values()
        .filter_map(|p| p.locates.clone())
        .collect()
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Str(s) => f.write_str(&onefront_literal(s)),
            Value::Int(s) | Value::Word(s) | Value::Path(s) => f.write_str(s),
            Value::Bool(s) => f.write_str(s),
            Value::Address(a) => f.write_str(&a.text),
            Value::List(items, trailing) => {
                let items: Vec<String> = items.iter().map(|i| onefront_literal(i)).collect();
                let comma = if *trailing && !items.is_empty() {
                    ","
                } else {
                    ""
                };
                write!(f, "[{}{comma}]", items.join(", "))
            }
            Value::Secret(None) => f.write_str("secret"),
            Value::Secret(Some(var)) => write!(f, "secret({})", onefront_literal(var)),
        }
    }
}

fn env_block(out: &mut String, indent: &str, assigns: &[Assign]) {
    out.push_str(&format!("{indent}env {{\n"));
    for a in assigns {
        out.push_str(&format!("{indent}  {} = {}\n", a.param, a.value));
    }
    out.push_str(&format!("{indent}}}\n"));
}

fn volume_line(v: &VolumeStmt) -> String {
    match &v.backing {
        Backing::Named(None) => format!("volume {} named", v.name),
        Backing::Named(Some(n)) => format!("volume {} named {}", v.name, onefront_literal(n)),
        Backing::Bind(path, ro) => format!(
            "volume {} bind {path}{}",
            v.name,
            if *ro { " readonly" } else { "" }
        ),
        Backing::Anonymous => format!("volume {} anonymous", v.name),
    }
}

fn mount_line(m: &Mount) -> String {
    format!(
        "mount {} at {}{}",
        m.host,
        m.target,
        if m.readonly { " readonly" } else { "" }
    )
}

impl fmt::Display for Deployment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        if let Some(comment) = &self.comment {
            out.push_str(&format!("# {comment}\n"));
        }
        out.push_str(&format!("deployment {} {{\n", self.name));
        if let Some(image) = &self.image {
            out.push_str(&format!("  image {}\n", onefront_literal(image)));
        }
        if self.layout_written {
            out.push_str(&format!("  layout {}\n", self.layout.word()));
        }
        if let Some((kind, rootless)) = self.runtime {
            out.push_str(&format!(
                "  runtime {kind}{}\n",
                if rootless { " rootless" } else { "" }
            ));
        }
        if let Some(compose) = self.compose {
            out.push_str(&format!("  compose {compose}\n"));
        }
        if let Some(bind) = &self.bind {
            out.push_str(&format!("  bind {}\n", bind.text));
        }
        if let Some(bind) = &self.bind_ssh {
            out.push_str(&format!("  bind ssh {}\n", bind.text));
        }
        if let Some(restart) = self.restart {
            out.push_str(&format!("  restart {restart}\n"));
        }
        if let Some(on) = self.maintenance {
            out.push_str(&format!(
                "  maintenance {}\n",
                if on { "yes" } else { "no" }
            ));
        }
        for block in &self.env {
            env_block(&mut out, "  ", block);
        }
        for (role, publish) in &self.publish {
            match publish {
                Publish::Off => out.push_str(&format!("  publish {role} off\n")),
                Publish::Port {
                    address,
                    port,
                    from,
                } => {
                    let address = address
                        .as_ref()
                        .map(|a| format!("{}:", a.text))
                        .unwrap_or_default();
                    let from = from.map(|s| format!(" from {s}")).unwrap_or_default();
                    out.push_str(&format!("  publish {role} {address}{port}{from}\n"));
                }
            }
        }
        for v in &self.volumes {
            out.push_str(&format!("  {}\n", volume_line(v)));
        }
        for m in &self.mounts {
            out.push_str(&format!("  {}\n", mount_line(m)));
        }
        if !self.without.is_empty() {
            out.push_str(&format!("  without {}\n", self.without.join(", ")));
        }
        for (service, host) in &self.external {
            out.push_str(&format!("  external {service} {host}\n"));
        }
        for block in &self.containers {
            let runs = block
                .runs
                .as_ref()
                .map(|s| format!(" runs {s}"))
                .unwrap_or_default();
            out.push_str(&format!("  container {}{runs} {{\n", block.name));
            if !block.env.is_empty() {
                env_block(&mut out, "    ", &block.env);
            }
            for v in &block.volumes {
                out.push_str(&format!("    {}\n", volume_line(v)));
            }
            for m in &block.mounts {
                out.push_str(&format!("    {}\n", mount_line(m)));
            }
            if let Some(on) = block.privileged {
                out.push_str(&format!(
                    "    privileged {}\n",
                    if on { "yes" } else { "no" }
                ));
            }
            if let Some(caps) = &block.capabilities {
                out.push_str(&format!("    capabilities [{}]\n", caps.join(", ")));
            }
            out.push_str("  }\n");
        }
        out.push_str("}\n");
        f.write_str(&out)
    }
}

impl fmt::Display for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "onefront {}", crate::support::reference::VERSION)?;
        for d in &self.deployments {
            f.write_char('\n')?;
            write!(f, "{d}")?;
        }
        Ok(())
    }
}
