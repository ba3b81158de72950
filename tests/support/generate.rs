//! proptest strategies for whole `.onefront` files over the language of
//! `docs/language.md`: every statement and value form, several deployments a
//! file, odd but legal names and values. A generated [`File`] is data that
//! renders to source text (`Display`) and that knows what it asked for, so
//! that a test can compare the real tools' reading of the output with it.
//!
//! The strategies aim at files that compile (required parameters present,
//! pairs complete, dependencies run or external, one address range per
//! deployment so that ports cannot clash across deployments), while still
//! reaching every form; what does not compile is only counted. Values are
//! built from small parts so that proptest shrinks a failure to a small
//! file: vectors lose elements, options become `None`, strings get shorter.

use std::collections::BTreeSet;
use std::fmt::{self, Write as _};
use std::net::{IpAddr, Ipv6Addr};

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select, subsequence};

use crate::support::reference::reference;
use crate::support::values::{POOL, WORDS, onefront_literal};

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

// ---------------------------------------------------------------------------
// Facts of docs/language.md that `onefront params` does not print
// ---------------------------------------------------------------------------

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

const API_ROLES: &[&str] = &["oned.api", "oneflow.api", "onegate.api"];

/// Parameters that come in pairs (rule P6): one half alone is an error.
const PAIRS: &[(&str, &str)] = &[
    ("TLS_KEY_BASE64", "TLS_CERT_BASE64"),
    ("ONEADMIN_SSH_PRIVKEY_BASE64", "ONEADMIN_SSH_PUBKEY_BASE64"),
    ("TLS_KEY", "TLS_CERT"),
    ("ONEADMIN_SSH_PRIVKEY", "ONEADMIN_SSH_PUBKEY"),
];

/// Services a `*_HOST` locates, which may be `external`.
fn locatable() -> Vec<String> {
    reference()
        .params
        .values()
        .filter_map(|p| p.locates.clone())
        .collect()
}

// ---------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------

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
        f.write_str("onefront 5.13\n")?;
        for d in &self.deployments {
            f.write_char('\n')?;
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Strategies: values
// ---------------------------------------------------------------------------

/// Odd text: the words and characters that break naive emitters.
pub fn odd_text() -> BoxedStrategy<String> {
    // The plainest first: proptest shrinks a union towards its first arm.
    prop_oneof![
        2 => "[a-z]{0,6}",
        3 => select(WORDS).prop_map(str::to_owned),
        5 => vec(select(POOL), 0..24).prop_map(|cs| cs.into_iter().collect()),
        1 => (select(POOL), 200..3000usize).prop_map(|(c, n)| std::iter::repeat_n(c, n).collect()),
    ]
    .boxed()
}

fn dns_name() -> BoxedStrategy<String> {
    prop_oneof![
        select(
            &[
                "h",
                "one.example.com",
                "localhost",
                "xn--bcher-kva.example",
                "ONE.Example.COM",
                "h-1.x_y.z"
            ][..]
        )
        .prop_map(str::to_owned),
        "[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?(\\.[a-z0-9]{1,6}){0,3}",
    ]
    .boxed()
}

/// An IPv4 address, as written.
fn ipv4() -> BoxedStrategy<Address> {
    (any::<[u8; 4]>())
        .prop_map(|o| {
            let ip = IpAddr::from(o);
            Address {
                ip,
                text: ip.to_string(),
            }
        })
        .boxed()
}

/// An IPv6 address in one of the notations: compressed, full, upper case.
fn ipv6_text(ip: Ipv6Addr, form: u8) -> String {
    let text = match form % 3 {
        0 => ip.to_string(),
        1 => ip
            .segments()
            .iter()
            .map(|s| format!("{s:04x}"))
            .collect::<Vec<_>>()
            .join(":"),
        _ => ip.to_string().to_uppercase(),
    };
    format!("[{text}]")
}

fn ipv6() -> BoxedStrategy<Address> {
    (any::<[u16; 8]>(), any::<u8>(), any::<bool>())
        .prop_map(|(mut segments, form, sparse)| {
            if sparse {
                segments[2..7].fill(0);
            }
            let ip = Ipv6Addr::from(segments);
            Address {
                ip: IpAddr::V6(ip),
                text: ipv6_text(ip, form),
            }
        })
        .boxed()
}

const PORTS: &[u16] = &[
    1, 22, 80, 443, 1023, 1024, 2222, 2375, 2474, 2475, 2616, 2633, 2634, 3306, 4124, 4822, 5030,
    5031, 8080, 8443, 11211, 29876, 65535,
];

/// Digits of a number, maybe with leading zeros.
fn digits(n: u64, zeros: usize) -> String {
    format!("{}{n}", "0".repeat(zeros))
}

fn port_digits() -> BoxedStrategy<String> {
    (
        prop_oneof![select(PORTS), 1025..65535u16],
        prop_oneof![4 => Just(0usize), 1 => 1..3usize],
    )
        .prop_map(|(p, z)| digits(u64::from(p), z))
        .boxed()
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn path_text() -> BoxedStrategy<String> {
    prop_oneof![
        select(
            &[
                "/a",
                "/certs/cert.pem",
                "/hooks/pre.sh",
                "/x/y~z,1+2@3.d",
                "/",
                "/srv/one"
            ][..]
        )
        .prop_map(str::to_owned),
        "(/[a-zA-Z0-9._+@~,-]{1,8}){1,3}",
    ]
    .boxed()
}

/// Secret variable names: plain ones, lower case, and the names that
/// Compose, podman-compose, `.env` or a shell already define.
pub const SECRET_NAMES: &[&str] = &[
    "ONE_DB_PASSWORD",
    "S",
    "x",
    "_",
    "a_1",
    "Secret_Value",
    "COMPOSE_PROJECT_NAME",
    "COMPOSE_FILE",
    "COMPOSE_ENV_FILES",
    "COMPOSE_PROFILES",
    "COMPOSE_PATH_SEPARATOR",
    "COMPOSE_PROJECT_DIR",
    "PODMAN_USERNS",
    "DOCKER_HOST",
    "PATH",
    "HOME",
    "USER",
    "PWD",
    "SHELL",
    "LANG",
    "DEPLOY_BIND_ADDR",
    "DEPLOY_OPENNEBULA_IMAGE_TAG",
];

fn secret() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::Secret(None)),
        select(SECRET_NAMES).prop_map(|s| Value::Secret(Some(s.to_owned()))),
        "[A-Za-z_][A-Za-z0-9_]{0,12}".prop_map(|s| Value::Secret(Some(s))),
    ]
    .boxed()
}

/// A value for a parameter of type `kind`, mostly of that type.
pub fn value_for(kind: &str) -> BoxedStrategy<Value> {
    let typed: BoxedStrategy<Value> = match kind {
        "bool" => prop_oneof![
            select(&["yes", "no", "true", "false"][..]).prop_map(Value::Bool),
            select(&["1", "0"][..]).prop_map(|s| Value::Int(s.to_owned())),
            select(&["YES", "No", "TRUE", "False", "nO"][..])
                .prop_map(|s| Value::Word(s.to_owned())),
        ]
        .boxed(),
        "port" => port_digits().prop_map(Value::Int).boxed(),
        "uint" => (
            0..100_000u64,
            prop_oneof![3 => Just(0usize), 1 => 1..4usize],
        )
            .prop_map(|(n, z)| Value::Int(digits(n, z)))
            .boxed(),
        "host" => prop_oneof![
            3 => dns_name().prop_map(Value::Str),
            2 => ipv4().prop_map(Value::Address),
            1 => ipv6().prop_map(Value::Address),
        ]
        .boxed(),
        "path" => prop_oneof![
            path_text().prop_map(Value::Path),
            (path_text(), odd_text()).prop_map(|(p, t)| Value::Str(format!("{p}{t}"))),
        ]
        .boxed(),
        "base64" => vec(any::<u8>(), 1..40)
            .prop_map(|b| Value::Str(base64(&b)))
            .boxed(),
        "domains" => prop_oneof![
            vec(dns_name(), 1..4).prop_map(|d| Value::Str(d.join(" "))),
            (
                vec(
                    prop_oneof![
                        dns_name(),
                        Just("*".to_owned()),
                        dns_name().prop_map(|d| format!("*.{d}"))
                    ],
                    1..4
                ),
                any::<bool>()
            )
                .prop_map(|(d, t)| Value::List(d, t)),
        ]
        .boxed(),
        "string" => odd_text().prop_map(Value::Str).boxed(),
        other => {
            let members: Vec<String> = other
                .strip_prefix("enum:")
                .unwrap_or(other)
                .split('|')
                .map(str::to_owned)
                .collect();
            prop_oneof![
                select(members.clone()).prop_map(Value::Word),
                select(members).prop_map(Value::Str),
            ]
            .boxed()
        }
    };
    prop_oneof![5 => typed, 1 => secret()].boxed()
}

/// `PARAM = VALUE` for one of `params`.
fn assign_of(params: Vec<String>) -> BoxedStrategy<Assign> {
    select(params)
        .prop_flat_map(|param| {
            let kind = reference().params[&param].kind.clone();
            value_for(&kind).prop_map(move |value| Assign {
                param: param.clone(),
                value,
            })
        })
        .boxed()
}

/// The parameters users set (not the ones ports set, which must agree with
/// `publish` (D1), and not the service, which the layout sets (P5)), with a
/// few of those mixed in rarely.
fn settable() -> Vec<String> {
    reference().params.keys().cloned().collect()
}

const DERIVED_FROM_PORTS: &[&str] = &[
    "SUNSTONE_PORT",
    "SUNSTONE_TLS_PORT",
    "SUNSTONE_VNC_PORT",
    "ONEGATE_PORT",
    "MONITORD_PORT",
    "OPENNEBULA_FRONTEND_SERVICE",
];

fn assign() -> BoxedStrategy<Assign> {
    let common: Vec<String> = settable()
        .into_iter()
        .filter(|p| !DERIVED_FROM_PORTS.contains(&p.as_str()))
        .collect();
    let rare: Vec<String> = DERIVED_FROM_PORTS.iter().map(|s| (*s).to_owned()).collect();
    prop_oneof![100 => assign_of(common), 1 => assign_of(rare)].boxed()
}

/// Completes pairs (P6) and drops repeated parameters.
fn tidy(assigns: Vec<Assign>) -> Vec<Assign> {
    tidy_blocks(vec![assigns]).pop().unwrap_or_default()
}

/// [`tidy`] over several `env` blocks: each parameter once in all of
/// them, the missing halves of pairs added to the last.
fn tidy_blocks(blocks: Vec<Vec<Assign>>) -> Vec<Vec<Assign>> {
    let mut seen = BTreeSet::new();
    let mut blocks: Vec<Vec<Assign>> = blocks
        .into_iter()
        .map(|b| {
            b.into_iter()
                .filter(|a| seen.insert(a.param.clone()))
                .collect()
        })
        .collect();
    for (one, other) in PAIRS {
        for (have, want) in [(one, other), (other, one)] {
            if seen.contains(*have) && seen.insert((*want).to_owned()) {
                let value = match reference().params[*want].kind.as_str() {
                    "base64" => Value::Str("b25lZnJvbnQ=".to_owned()),
                    _ => Value::Path("/certs/other".to_owned()),
                };
                if let Some(last) = blocks.last_mut() {
                    last.push(Assign {
                        param: (*want).to_owned(),
                        value,
                    });
                }
            }
        }
    }
    blocks
}

// ---------------------------------------------------------------------------
// Strategies: statements
// ---------------------------------------------------------------------------

fn image() -> BoxedStrategy<String> {
    let registry = prop_oneof![
        4 => Just(String::new()),
        1 => select(&["registry.example.com/", "localhost:5000/", "r.io:443/", "[::1]:5000/", "Reg.Example.com/", "a//"][..])
            .prop_map(str::to_owned),
    ];
    let path = prop_oneof![
        select(
            &[
                "opennebula",
                "opennebula/opennebula",
                "one-",
                "OpenNebula",
                "a__b",
                "a.b-c/d_e",
                "x:y",
                "-one",
                "one..x",
                "a--b"
            ][..]
        )
        .prop_map(str::to_owned),
        "[a-z0-9]{1,6}([._-][a-z0-9]{1,4}){0,2}(/[a-z0-9]{1,6}){0,2}",
    ];
    let tag = prop_oneof![
        select(
            &[
                "5.13", "latest", "5.13.0-1", "_x", ".x", "-x", "v1_2.3-4", "A"
            ][..]
        )
        .prop_map(str::to_owned),
        "[A-Za-z0-9_][A-Za-z0-9_.-]{0,10}",
        Just("t".repeat(128)),
        Just("t".repeat(129)),
    ];
    (registry, path, tag)
        .prop_map(|(r, p, t)| format!("{r}{p}:{t}"))
        .boxed()
}

fn mount() -> BoxedStrategy<Mount> {
    (
        path_text(),
        prop_oneof![
            select(
                &[
                    "/certs",
                    "/hooks",
                    "/var/log",
                    "/srv/one",
                    "/var/lib/one/datastores",
                    "/x,y",
                    "/a@b~c"
                ][..]
            )
            .prop_map(str::to_owned),
            path_text(),
        ],
        any::<bool>(),
    )
        .prop_map(|(host, target, readonly)| Mount {
            host,
            target,
            readonly,
        })
        .boxed()
}

fn volume_name() -> BoxedStrategy<String> {
    prop_oneof![
        4 => select(&["one-mysql", "data", "a", "x_y-1"][..]).prop_map(str::to_owned),
        4 => "[a-z][a-z0-9_-]{1,20}",
        // Names Docker takes but onefront does not (it wants a letter
        // first and no dots), and names neither takes.
        1 => select(&["x.y", "0lead", "UPPER", "with space", "$x", "é"][..]).prop_map(str::to_owned),
    ]
    .boxed()
}

/// A volume statement whose name is chosen once the layout is known: an
/// index into the layout's volumes.
#[derive(Debug, Clone)]
struct VolumeDraft {
    name: Index,
    backing: Backing,
}

fn volume_draft() -> BoxedStrategy<VolumeDraft> {
    (
        any::<Index>(),
        prop_oneof![
            4 => proptest::option::of(volume_name()).prop_map(Backing::Named),
            3 => (path_text(), any::<bool>()).prop_map(|(p, ro)| Backing::Bind(p, ro)),
            1 => Just(Backing::Anonymous),
        ],
    )
        .prop_map(|(name, backing)| VolumeDraft { name, backing })
        .boxed()
}

/// The volume statements of `drafts` in `layout`, each volume once.
fn volumes(drafts: Vec<VolumeDraft>, layout: Layout) -> Vec<VolumeStmt> {
    let names = volume_names(layout);
    let mut seen = BTreeSet::new();
    drafts
        .into_iter()
        .map(|v| VolumeStmt {
            name: v.name.get(&names).clone(),
            backing: v.backing,
        })
        .filter(|v| seen.insert(v.name.clone()))
        .collect()
}

fn volume_names(layout: Layout) -> Vec<String> {
    match layout {
        Layout::AllInOne => ALL_IN_ONE_VOLUMES.iter().map(|s| (*s).to_owned()).collect(),
        _ => reference()
            .volumes
            .iter()
            .filter(|v| v.name != "-")
            .map(|v| v.name.clone())
            .collect(),
    }
}

const CAPS: &[&str] = &["SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "NET_RAW", "CHOWN"];

/// The body of a container block, before it knows its container.
#[derive(Debug, Clone)]
struct BlockDraft {
    env: Vec<Assign>,
    volumes: Vec<VolumeDraft>,
    mounts: Vec<Mount>,
    privileged: Option<bool>,
    capabilities: Option<Vec<&'static str>>,
}

fn block_draft() -> BoxedStrategy<BlockDraft> {
    (
        vec(assign(), 0..3),
        // Mostly none: a container's own volumes often break C6.
        prop_oneof![3 => Just(Vec::new()), 1 => vec(volume_draft(), 1..2)],
        vec(mount(), 0..2),
        proptest::option::of(any::<bool>()),
        proptest::option::of(subsequence(CAPS, 0..3)),
    )
        .prop_map(
            |(env, volumes, mounts, privileged, capabilities)| BlockDraft {
                env,
                volumes,
                mounts,
                privileged,
                capabilities,
            },
        )
        .boxed()
}

/// The block for a container running `service`: the Docker and
/// all-in-one containers stay privileged (C1), oned keeps `SYS_ADMIN` (C2).
fn block(
    name: String,
    runs: Option<String>,
    service: &str,
    layout: Layout,
    draft: BlockDraft,
) -> Block {
    let privileged = if service == "docker" || service == "all" {
        draft.privileged.map(|_| true)
    } else {
        draft.privileged
    };
    let capabilities = draft.capabilities.map(|mut caps| {
        if service == "oned" && !caps.contains(&"SYS_ADMIN") {
            caps.insert(0, "SYS_ADMIN");
        }
        caps
    });
    Block {
        name,
        runs,
        env: tidy(draft.env),
        volumes: volumes(draft.volumes, layout),
        mounts: draft.mounts,
        privileged,
        capabilities,
    }
}

/// Services other than `all` and `none` that have a reference container.
fn split_services() -> Vec<String> {
    reference().containers.keys().cloned().collect()
}

/// The services a split layout runs and the ones it declares external,
/// from the ones the strategy chose to leave out: whatever a remaining
/// service needs becomes external.
fn close(present: &[String], absent: &[String]) -> (Vec<String>, Vec<String>) {
    let mut external = Vec::new();
    let mut without = Vec::new();
    for service in absent {
        let needed = NEEDS
            .iter()
            .any(|(s, needs)| present.iter().any(|p| p == s) && needs.contains(&service.as_str()));
        if needed && locatable().contains(service) {
            external.push(service.clone());
        } else {
            without.push(service.clone());
        }
    }
    (without, external)
}

fn external_host() -> BoxedStrategy<Value> {
    prop_oneof![
        dns_name().prop_map(Value::Str),
        ipv4().prop_map(Value::Address),
        ipv6().prop_map(Value::Address),
    ]
    .boxed()
}

fn container_name() -> BoxedStrategy<String> {
    prop_oneof![
        select(&["db", "one", "x-1", "a_b", "web", "s"][..]).prop_map(str::to_owned),
        "[a-z][a-z0-9_-]{1,12}",
    ]
    .boxed()
}

/// What the layout decides: containers, blocks, without and external.
#[derive(Debug, Clone)]
struct Shape {
    layout: Layout,
    layout_written: bool,
    without: Vec<String>,
    external: Vec<(String, Value)>,
    containers: Vec<Block>,
}

/// No `prop_flat_map` here or above: its shrinking regenerates what
/// depends on the outer value, so failures would not shrink to a small
/// file. Choices that depend on the layout are indices resolved in
/// `prop_map`.
fn shape() -> BoxedStrategy<Shape> {
    prop_oneof![
        2 => all_in_one_shape(),
        2 => reference_shape(),
        2 => custom_shape(),
    ]
    .boxed()
}

fn all_in_one_shape() -> BoxedStrategy<Shape> {
    (any::<bool>(), proptest::option::of(block_draft()))
        .prop_map(|(layout_written, draft)| Shape {
            layout: Layout::AllInOne,
            layout_written,
            without: Vec::new(),
            external: Vec::new(),
            containers: draft
                .map(|d| block("opennebula".to_owned(), None, "all", Layout::AllInOne, d))
                .into_iter()
                .collect(),
        })
        .boxed()
}

fn reference_shape() -> BoxedStrategy<Shape> {
    let services = split_services();
    (
        subsequence(services.clone(), 0..4),
        vec(external_host(), 4),
        vec((select(services), block_draft()), 0..3),
    )
        .prop_map(|(absent, hosts, adjusted)| {
            let present: Vec<String> = split_services()
                .into_iter()
                .filter(|s| !absent.contains(s))
                .collect();
            let (without, external) = close(&present, &absent);
            let external = external.into_iter().zip(hosts).collect();
            let mut seen = BTreeSet::new();
            let containers = adjusted
                .into_iter()
                .filter(|(s, _)| present.contains(s) && seen.insert(s.clone()))
                .map(|(s, draft)| {
                    let container = reference().containers[&s].clone();
                    block(container, None, &s, Layout::Reference, draft)
                })
                .collect();
            Shape {
                layout: Layout::Reference,
                layout_written: true,
                without,
                external,
                containers,
            }
        })
        .boxed()
}

fn custom_shape() -> BoxedStrategy<Shape> {
    let mut services = split_services();
    services.push("none".to_owned());
    (
        vec((select(services), container_name(), block_draft()), 1..6),
        vec(external_host(), 6),
    )
        .prop_map(|(chosen, hosts)| {
            let mut services = BTreeSet::new();
            let mut names = BTreeSet::new();
            let mut containers = Vec::new();
            let alone = chosen.len() == 1;
            for (service, name, draft) in chosen {
                // `none` shares a deployment with no other service (C7).
                if (service == "none" && !alone) || !services.insert(service.clone()) {
                    continue;
                }
                let mut name = name;
                while !names.insert(name.clone()) {
                    name.push('x');
                }
                containers.push(block(
                    name,
                    Some(service.clone()),
                    &service,
                    Layout::Custom,
                    draft,
                ));
            }
            let present: Vec<String> = services.into_iter().collect();
            let absent: Vec<String> = split_services()
                .into_iter()
                .filter(|s| !present.contains(s))
                .collect();
            let (_, external) = close(&present, &absent);
            Shape {
                layout: Layout::Custom,
                layout_written: true,
                without: Vec::new(),
                external: external.into_iter().zip(hosts).collect(),
                containers,
            }
        })
        .boxed()
}

fn publish() -> BoxedStrategy<(&'static str, Publish)> {
    (
        select(ROLES.iter().map(|(r, _)| *r).collect::<Vec<_>>()),
        prop_oneof![1 => Just(None), 4 => Just(Some(()))],
        any::<bool>(),
        port_digits(),
        prop_oneof![2 => Just(None), 1 => Just(Some("tls")), 1 => Just(Some("plain"))],
    )
        .prop_map(|(role, on, own_address, port, from)| {
            let publish = match on {
                None => Publish::Off,
                // The address is filled in per deployment (`place`).
                Some(()) => Publish::Port {
                    address: own_address.then(|| Address {
                        ip: IpAddr::from([0, 0, 0, 0]),
                        text: String::new(),
                    }),
                    port,
                    from: from.filter(|_| API_ROLES.contains(&role)),
                },
            };
            (role, publish)
        })
        .boxed()
}

/// Required parameters in the value forms their types take:
/// `MYSQL_PASSWORD` for split layouts only (`draft` drops it).
fn required() -> BoxedStrategy<Vec<Assign>> {
    let host = |name: &'static str| {
        value_for("host").prop_map(move |value| Assign {
            param: name.to_owned(),
            value,
        })
    };
    let mysql = value_for("string").prop_map(|value| Assign {
        param: "MYSQL_PASSWORD".to_owned(),
        value,
    });
    (
        host("OPENNEBULA_FRONTEND_HOST"),
        host("OPENNEBULA_FRONTEND_SSH_HOST"),
        mysql,
    )
        .prop_map(|(a, b, c)| vec![a, b, c])
        .boxed()
}

/// How the deployment's addresses are written; the numbers are chosen per
/// deployment (`place`) so that deployments of one file never share one.
#[derive(Debug, Clone, Copy)]
struct AddressForm {
    v6: bool,
    form: u8,
}

fn address_form() -> BoxedStrategy<AddressForm> {
    (prop_oneof![3 => Just(false), 1 => Just(true)], any::<u8>())
        .prop_map(|(v6, form)| AddressForm { v6, form })
        .boxed()
}

/// The `n`-th address of deployment `index` in `form`.
fn address(index: usize, n: u8, form: AddressForm) -> Address {
    let i = u8::try_from(index).unwrap();
    if form.v6 {
        let ip = Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, u16::from(i) + 1, u16::from(n));
        Address {
            ip: IpAddr::V6(ip),
            text: ipv6_text(ip, form.form),
        }
    } else {
        let ip = IpAddr::from([10, i + 1, 0, n]);
        Address {
            ip,
            text: ip.to_string(),
        }
    }
}

/// A deployment before it is placed in its file.
#[derive(Debug, Clone)]
struct Draft {
    deployment: Deployment,
    bind: Option<AddressForm>,
    bind_ssh: Option<AddressForm>,
}

fn deployment_name() -> BoxedStrategy<String> {
    prop_oneof![
        4 => "[a-z][a-z0-9]{1,8}",
        2 => "[a-z][a-z0-9_-]{1,20}",
        1 => select(&["a", "0", "x-", "opennebula", "one_front-2", "9lives"][..]).prop_map(str::to_owned),
        1 => "[a-z][a-z0-9]{62}",
    ]
    .boxed()
}

fn draft() -> BoxedStrategy<Draft> {
    let head = (
        deployment_name(),
        proptest::option::of(
            odd_text().prop_map(|t| t.replace(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'], " ")),
        ),
        proptest::option::of(image()),
        proptest::option::of(select(
            &["always", "unless-stopped", "on-failure", "no"][..],
        )),
        proptest::option::of(any::<bool>()),
        proptest::option::of(prop_oneof![
            2 => Just(("docker", false)),
            2 => Just(("podman", false)),
            1 => Just(("podman", true)),
        ]),
        proptest::option::of(select(&["v1", "v2"][..])),
    );
    let body = (
        required(),
        vec(vec(assign(), 0..4), 0..3),
        vec(publish(), 0..4),
        vec(volume_draft(), 0..3),
        vec(mount(), 0..2),
        proptest::option::of(address_form()),
        proptest::option::of(address_form()),
    );
    (shape(), head, body)
        .prop_map(|(shape, head, body)| {
            let (name, comment, image, restart, maintenance, runtime, compose) = head;
            let (mut required, mut env, publish, volume_drafts, mounts, bind, bind_ssh) = body;
            if shape.layout == Layout::AllInOne {
                required.retain(|a| a.param != "MYSQL_PASSWORD");
            }
            if env.is_empty() {
                env.push(Vec::new());
            }
            required.append(&mut env[0]);
            env[0] = required;
            let mut seen = BTreeSet::new();
            let publish = publish
                .into_iter()
                .filter(|(role, _)| seen.insert(*role))
                .collect();
            Draft {
                deployment: Deployment {
                    name,
                    comment,
                    image,
                    layout: shape.layout,
                    layout_written: shape.layout_written,
                    bind: None,
                    bind_ssh: None,
                    restart,
                    maintenance,
                    env: tidy_blocks(env),
                    publish,
                    volumes: volumes(volume_drafts, shape.layout),
                    mounts,
                    without: shape.without,
                    external: shape.external,
                    containers: shape.containers,
                    runtime,
                    compose,
                },
                bind,
                bind_ssh,
            }
        })
        .boxed()
}

/// Gives deployment `index` of `count` its addresses and a name unique in
/// the file.
fn place(index: usize, count: usize, draft: Draft, names: &mut BTreeSet<String>) -> Deployment {
    let mut d = draft.deployment;
    // 0.0.0.0 clashes with every address (N5): only a file's single
    // deployment may keep the default.
    let bind = match (draft.bind, count) {
        (None, 1) => None,
        (form, _) => Some(form.unwrap_or(AddressForm { v6: false, form: 0 })),
    };
    d.bind = bind.map(|form| address(index, 2, form));
    d.bind_ssh = draft.bind_ssh.map(|form| address(index, 3, form));
    let mut n = 10;
    for (_, publish) in &mut d.publish {
        if let Publish::Port {
            address: Some(a), ..
        } = publish
        {
            let form = AddressForm {
                v6: a.ip.is_ipv6() || bind.is_some_and(|b| b.v6),
                form: n,
            };
            // Unbound deployments publish on 0.0.0.0, which clashes with
            // any own address of the same port: keep them on it.
            *a = if bind.is_none() {
                Address {
                    ip: IpAddr::from([0, 0, 0, 0]),
                    text: "0.0.0.0".to_owned(),
                }
            } else {
                address(index, n, form)
            };
            n += 1;
        }
    }
    while !names.insert(d.name.clone()) {
        d.name = format!("{}{index}", d.name.chars().take(60).collect::<String>());
    }
    d
}

fn source_name() -> BoxedStrategy<String> {
    prop_oneof![
        6 => Just("generated.onefront".to_owned()),
        1 => select(&["my file.onefront", "é.onefront", "$HOME.onefront", "#x%.onefront", "x\ny.onefront", "a\"b.onefront", "noext"][..])
            .prop_map(str::to_owned),
        1 => odd_text().prop_map(|t| format!("{t}.onefront")),
    ]
    .boxed()
}

/// A whole file: a source name and one to four deployments, each kept by
/// `keep` (the test's list of known failures to steer clear of).
pub fn file(keep: fn(&Deployment) -> bool, keep_file: fn(&File) -> bool) -> BoxedStrategy<File> {
    (source_name(), vec(draft(), 1..=5))
        .prop_map(|(name, drafts)| {
            let count = drafts.len();
            let mut names = BTreeSet::new();
            let deployments = drafts
                .into_iter()
                .enumerate()
                .map(|(i, d)| place(i, count, d, &mut names))
                .collect();
            File { name, deployments }
        })
        .prop_filter("a known failure", move |f| {
            f.deployments.iter().all(keep) && keep_file(f)
        })
        .boxed()
}
