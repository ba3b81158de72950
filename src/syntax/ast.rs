//! The syntax tree: what a file says, exactly as written, with a byte span on
//! every node. Nothing here is checked against the reference yet.

use std::net::{IpAddr, Ipv4Addr};

use crate::diagnostic::Literal;

pub use crate::span::{Ident, Span, Spanned};

/// A whole file: the header and its items.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    pub version: Ident,
    pub deployments: Vec<Deployment>,
    pub references: Vec<Reference>,
}

// ---------------------------------------------------------------------------
// Users' files
// ---------------------------------------------------------------------------

/// `deployment NAME { ... }`: one front-end.
#[derive(Debug, Clone, PartialEq)]
pub struct Deployment {
    pub name: Ident,
    pub stmts: Vec<Stmt>,
    pub span: Span,
}

/// A statement of a deployment block (some are also allowed in containers).
#[derive(Debug, Clone, PartialEq)]
pub enum Stmt {
    /// `image "registry/name:tag"`
    Image(Spanned<String>),
    /// `layout NAME`
    Layout(Ident),
    /// `bind [ssh] ADDRESS`
    Bind {
        ssh: bool,
        address: Spanned<IpAddr>,
    },
    /// `restart POLICY`
    Restart(Ident),
    /// `maintenance yes|no`
    Maintenance(Spanned<bool>),
    /// `env { NAME = value ... }`
    Env(Vec<Assignment>),
    Publish(Publish),
    Volume(VolumeStmt),
    Mount(Mount),
    /// `without SERVICE, ...`
    Without(Vec<Ident>),
    /// `external SERVICE HOST`
    External {
        service: Ident,
        host: Value,
    },
    Container(ContainerBlock),
    /// `compose v1|v2`
    Compose(Ident),
    /// `runtime NAME [rootless]`
    Runtime {
        name: Ident,
        rootless: bool,
    },
    /// `privileged yes|no` (in a container block)
    Privileged(Spanned<bool>),
    /// `capabilities [...]` (in a container block)
    Capabilities(Value),
}

/// `NAME = value` inside `env { }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub name: Ident,
    pub value: Value,
}

/// `publish ROLE [ADDRESS:]PORT [from tls|plain]` or `publish ROLE off`.
#[derive(Debug, Clone, PartialEq)]
pub struct Publish {
    pub role: Ident,
    /// `None` for `off`.
    pub target: Option<PublishTarget>,
    pub span: Span,
}

/// Where a role is published.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishTarget {
    pub address: Option<Spanned<IpAddr>>,
    pub port: Spanned<u64>,
    pub side: Option<Spanned<PortSide>>,
}

/// Which of a role's two container-side ports is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortSide {
    Plain,
    Tls,
}

/// `volume NAME named ["name"]` or `volume NAME bind PATH [readonly]`.
#[derive(Debug, Clone, PartialEq)]
pub struct VolumeStmt {
    pub name: Ident,
    pub source: VolumeSource,
    pub span: Span,
}

/// What backs a volume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VolumeSource {
    Named(Option<Spanned<String>>),
    /// Not kept when the container is removed (rule C4).
    Anonymous,
    Bind {
        host: Spanned<String>,
        readonly: bool,
    },
}

/// `mount HOST_PATH at CONTAINER_PATH [readonly]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Mount {
    pub host: Spanned<String>,
    pub target: Spanned<String>,
    pub readonly: bool,
    pub span: Span,
}

/// `container NAME [runs SERVICE] { ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct ContainerBlock {
    pub name: Ident,
    pub runs: Option<Ident>,
    pub stmts: Vec<Stmt>,
    pub span: Span,
}

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

/// The kinds of literal the language has.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind {
    Str(String),
    Int(u64),
    /// `yes`, `no`, `true` or `false`: the value, and the word as written,
    /// which is what reaches the container.
    Bool(bool, String),
    Address(IpAddr),
    Path(String),
    List(Vec<Value>),
    /// A bare word, such as an enum member: `oned`.
    Word(String),
    /// `secret` or `secret("ENV_NAME")`: read from the environment at deploy time.
    Secret(Option<String>),
}

impl ValueKind {
    /// This literal, as a diagnostic quotes it ("not ...").
    #[must_use]
    pub fn literal(&self) -> Literal {
        match self {
            ValueKind::Str(s) => Literal::Str(s.clone()),
            ValueKind::Int(n) => Literal::Int(*n),
            ValueKind::Word(w) => Literal::Word(w.clone()),
            ValueKind::Bool(..) => Literal::Bool,
            ValueKind::Address(_) => Literal::Address,
            ValueKind::Path(_) => Literal::Path,
            ValueKind::List(_) => Literal::List,
            ValueKind::Secret(_) => Literal::Secret,
        }
    }

    /// Whether this value is one that `onefront init` writes where the user
    /// must put their own (rule O6): a string `"<...>"` or an address of
    /// [`PLACEHOLDER_NETWORK`].
    #[must_use]
    pub fn is_placeholder(&self) -> bool {
        match self {
            ValueKind::Str(text) => is_placeholder_text(text),
            ValueKind::Address(ip) => is_placeholder_address(*ip),
            _ => false,
        }
    }
}

/// The address `onefront init` writes where the user must give an address
/// of their host: in [`PLACEHOLDER_NETWORK`].
pub const PLACEHOLDER_ADDRESS: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);

/// TEST-NET-1, 192.0.2.0/24, which RFC 5737 reserves for documentation: no
/// host has an address there, so one written in a file is a placeholder.
pub const PLACEHOLDER_NETWORK: (Ipv4Addr, u8) = (Ipv4Addr::new(192, 0, 2, 0), 24);

/// Whether `text` is a string placeholder: `<`, something, `>`, with no
/// other angle bracket (`"<host name or address>"`).
#[must_use]
pub fn is_placeholder_text(text: &str) -> bool {
    text.strip_prefix('<')
        .and_then(|rest| rest.strip_suffix('>'))
        .is_some_and(|inner| !inner.trim().is_empty() && !inner.contains(['<', '>']))
}

/// Whether `ip` lies in [`PLACEHOLDER_NETWORK`].
#[must_use]
pub fn is_placeholder_address(ip: IpAddr) -> bool {
    let (network, bits) = PLACEHOLDER_NETWORK;
    let IpAddr::V4(ip) = ip else {
        return false;
    };
    let mask = u32::MAX << (32 - u32::from(bits));
    u32::from(ip) & mask == u32::from(network) & mask
}

// ---------------------------------------------------------------------------
// The stdlib
// ---------------------------------------------------------------------------

/// `reference NAME VERSION { ... }`: the facts a deployment is checked against.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub span: Span,
    pub name: Ident,
    pub version: Ident,
    /// `extends VERSION`: the reference this one changes.
    pub extends: Option<Ident>,
    pub docs: Vec<Spanned<String>>,
    pub defs: Vec<Def>,
}

/// One definition of the reference.
#[derive(Debug, Clone, PartialEq)]
pub enum Def {
    Service(ServiceDef),
    Param(ParamDef),
    Listen(ListenDef),
    Volume(VolumeDef),
    Directory(DirectoryDef),
    Deploy(DeployDef),
    Publish(PublishDef),
    Layout(LayoutDef),
    Rule(RuleDef),
    /// `default-layout NAME`
    DefaultLayout(Ident),
    /// `default-restart POLICY`
    DefaultRestart(Ident),
    /// `default NAME = value`: a new default for a parameter of the
    /// extended reference.
    Default {
        name: Ident,
        value: Value,
    },
}

impl Def {
    /// Where the definition is named, for faults found when the stdlib loads.
    #[must_use]
    pub fn name_span(&self) -> Span {
        match self {
            Def::Service(d) => d.name.span,
            Def::Param(d) => d.name.span,
            Def::Listen(d) => d.port.span,
            Def::Volume(d) => d.name.span,
            Def::Directory(d) => d.path.span,
            Def::Deploy(d) => d.name.span,
            Def::Publish(d) => d.role.span,
            Def::Layout(d) => d.name.span,
            Def::Rule(d) => d.id.span,
            Def::DefaultLayout(name) | Def::DefaultRestart(name) | Def::Default { name, .. } => {
                name.span
            }
        }
    }
}

/// `service NAME { container C  privileged  cap X  doc "..." }`
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceDef {
    pub name: Ident,
    pub container: Option<Ident>,
    pub privileged: bool,
    pub caps: Vec<Ident>,
    /// Services it cannot work without (rule C8, error).
    pub needs: Vec<Ident>,
    /// Services it works badly without (rule C8, warning).
    pub wants: Vec<Ident>,
    /// `runs-everything` (the all-in-one value) or `runs-nothing`.
    pub runs_everything: bool,
    pub runs_nothing: bool,
    pub doc: String,
}

/// A type written in the stdlib: `port`, `enum(a, b)`.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeExpr {
    pub name: Ident,
    pub members: Vec<Ident>,
}

/// A set of services: `*` or a list.
#[derive(Debug, Clone, PartialEq)]
pub enum ServiceSet {
    Every,
    Some(Vec<Ident>),
}

/// `param NAME: TYPE [= default] { ... }`
#[derive(Debug, Clone, PartialEq)]
pub struct ParamDef {
    pub name: Ident,
    pub ty: TypeExpr,
    pub default: Option<Value>,
    pub table: Option<Ident>,
    pub reads: Option<ServiceSet>,
    pub required: Option<ServiceSet>,
    pub secret: bool,
    pub locates: Option<Ident>,
    /// The parameter that must come with this one (rule P6).
    pub pairs_with: Option<Ident>,
    /// The other form of the same thing (path or base64, rule P6).
    pub alternative_to: Option<Ident>,
    /// The statement of the language that sets it (`service`, `maintenance`).
    pub means: Option<Ident>,
    /// The names earlier versions gave it.
    pub renamed_from: Vec<Ident>,
    pub doc: String,
}

/// `listen PORT/PROTO on SERVICE { ... }`
#[derive(Debug, Clone, PartialEq)]
pub struct ListenDef {
    pub port: Spanned<u64>,
    pub protocol: Ident,
    pub service: Ident,
    pub when: Option<Ident>,
    pub internal: bool,
    pub published: bool,
    pub follows: Option<Ident>,
    pub doc: String,
}

/// `volume NAME at PATH { ... }`
#[derive(Debug, Clone, PartialEq)]
pub struct VolumeDef {
    pub name: Ident,
    pub path: Spanned<String>,
    pub implicit: bool,
    pub used_by: Vec<Ident>,
    /// `mount in SERVICE at PATH`: where one service mounts it instead.
    pub mounted: Vec<(Ident, Spanned<String>)>,
    pub doc: String,
}

/// `directory PATH { ... }`: a significant directory with no canonical volume.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectoryDef {
    pub path: Spanned<String>,
    pub implicit: bool,
    /// Must not be one volume shared between containers (rule C5).
    pub unshared: bool,
    pub doc: String,
}

/// Which containers of the reference layout a deploy parameter applies to.
#[derive(Debug, Clone, PartialEq)]
pub enum Applies {
    Every { except: Option<Ident> },
    Container(Ident),
}

/// `deploy NAME: TYPE [= default] { ... }`
#[derive(Debug, Clone, PartialEq)]
pub struct DeployDef {
    pub name: Ident,
    pub ty: TypeExpr,
    pub default: Option<Value>,
    pub applies: Option<Applies>,
    pub sets: Option<(Ident, Option<Ident>)>,
    /// What statement of the language sets it (`means image-tag`).
    pub means: Option<Ident>,
    /// The names earlier versions gave it.
    pub renamed_from: Vec<Ident>,
    pub doc: String,
}

/// The container side of a published role.
#[derive(Debug, Clone, PartialEq)]
pub enum InternalPort {
    /// Equal to the published port.
    Same,
    Fixed(Spanned<u64>),
    /// Chosen by a deploy parameter.
    Deploy(Ident),
}

/// `publish ROLE on SERVICE { ... }`
#[derive(Debug, Clone, PartialEq)]
pub struct PublishDef {
    pub role: Ident,
    pub service: Ident,
    pub external: Option<Ident>,
    pub internal: Option<InternalPort>,
    pub plain: Option<Spanned<u64>>,
    pub tls: Option<Spanned<u64>>,
    pub bind: Option<Ident>,
    pub protocols: Vec<Ident>,
    /// `clashes-with-host PORT`: the host's own service listens there.
    pub clashes_with_host: Option<Spanned<u64>>,
    pub doc: String,
}

/// `layout NAME { ... }`
#[derive(Debug, Clone, PartialEq)]
pub struct LayoutDef {
    pub name: Ident,
    pub restart: Option<Ident>,
    pub env: Vec<Assignment>,
    pub per_service: bool,
    pub containers: Vec<LayoutContainer>,
    pub doc: String,
}

/// `container NAME runs SERVICE { ... }` inside a layout.
#[derive(Debug, Clone, PartialEq)]
pub struct LayoutContainer {
    pub name: Ident,
    pub runs: Ident,
    pub privileged: bool,
    pub caps: Vec<Ident>,
    pub volumes: Vec<(Ident, Spanned<String>)>,
}

/// `rule ID SEVERITY "title" { ... }`
#[derive(Debug, Clone, PartialEq)]
pub struct RuleDef {
    pub id: Ident,
    /// Whether the rule's findings can be errors (`rule ID error ...`).
    pub error: bool,
    /// Whether they can be warnings (`rule ID warning` or `error, warning`).
    pub warning: bool,
    pub title: String,
    pub doc: String,
    pub wrong: Option<String>,
    pub right: Option<String>,
}
