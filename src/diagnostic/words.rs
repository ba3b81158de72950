//! The words of diagnostics that depend on their data: what a stage found
//! comes here as a small data enum, and its `Display` says it. Words that
//! do not depend on the data stand in the attributes of
//! [`Diagnostic`](super::Diagnostic).

use std::fmt;

use super::{join, one_of};

/// A value as messages quote it: its first 40 characters.
fn short(text: &str) -> String {
    let shown: String = text.chars().take(40).collect();
    let more = if text.chars().count() > 40 { "..." } else { "" };
    format!("{shown}{more}")
}

/// Backticked names, "`a`, `b` and `c`" ("nothing" for none).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AllOf(pub Vec<String>);

impl fmt::Display for AllOf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let quoted: Vec<String> = self.0.iter().map(|n| format!("`{n}`")).collect();
        f.write_str(&join(&quoted, "and", "nothing"))
    }
}

/// Plain names, "a, b, c".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Commas(pub Vec<String>);

impl fmt::Display for Commas {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(", "))
    }
}

fn one_of_owned(names: &[String]) -> String {
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    one_of(&names)
}

// -- syntax ------------------------------------------------------------------

/// What stands where the parser stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    End,
    EndOfLine,
    /// A word or one character.
    Text(String),
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Found::End => f.write_str("end of file"),
            Found::EndOfLine => f.write_str("end of line"),
            Found::Text(text) => write!(f, "`{text}`"),
        }
    }
}

/// What could have come instead, each in the grammar's user words
/// (`syntax::expected` names the rules): "a, b or c".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Alternatives(pub Vec<String>);

impl fmt::Display for Alternatives {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("a keyword")
        } else {
            f.write_str(&join(&self.0, "or", "something else"))
        }
    }
}

/// The likely fix of a syntax error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyntaxFix {
    /// The header is missing.
    Header,
    /// A parameter name in lower case: the name in capitals.
    Capitals(String),
    /// A port number in quotes.
    UnquotePort,
    /// A misspelt keyword.
    DidYouMean(String),
}

impl fmt::Display for SyntaxFix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SyntaxFix::Header => f.write_str(
                "every file starts with `onefront 5.13`, the version of the reference it is written against",
            ),
            SyntaxFix::Capitals(name) => write!(f, "parameter names are in capitals: `{name}`"),
            SyntaxFix::UnquotePort => f.write_str("write the port number without quotes"),
            SyntaxFix::DidYouMean(keyword) => write!(f, "did you mean `{keyword}`?"),
        }
    }
}

/// The block a statement belongs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Home {
    /// A parameter, inside a deployment or container block.
    Env,
    /// A parameter, outside every block.
    DeploymentEnv,
    /// A statement of a deployment, outside every block.
    Deployment,
    /// A statement of a container block.
    Container,
    /// A statement of a deployment, inside its `env`.
    AfterEnv,
}

impl fmt::Display for Home {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Home::Env => "an `env { ... }` block",
            Home::DeploymentEnv => "an `env { ... }` block of a `deployment NAME { ... }`",
            Home::Deployment => "a `deployment NAME { ... }` block",
            Home::Container => "a `container NAME { ... }` block",
            Home::AfterEnv => "the deployment block, after the `}` that closes `env`",
        })
    }
}

// -- file level ----------------------------------------------------------------

/// The fix of an unknown reference version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionFix {
    DidYouMean(String),
    /// Every version onefront knows.
    Known(Vec<String>),
}

impl fmt::Display for VersionFix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VersionFix::DidYouMean(near) => write!(f, "did you mean `onefront {near}`?"),
            VersionFix::Known(versions) => {
                write!(f, "this onefront knows {}", one_of_owned(versions))
            }
        }
    }
}

/// A fault of the embedded stdlib (a bug of onefront, not of the user).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// It does not parse: the first syntax error.
    Unparsable(Option<Box<super::Diagnostic>>),
    NoReference,
    NotAPort(u64),
    UnknownType(String),
    /// The default of a parameter does not fit its type.
    BadDefault {
        name: String,
        expected: Expected,
    },
    AppliesNowhere(String),
    /// A word of a closed set that is none of its words.
    NoneOf {
        word: String,
        words: Vec<&'static str>,
    },
    /// A role without one of its statements.
    RoleLacks {
        role: String,
        statement: &'static str,
    },
    /// A layout's parameter set to a secret or a list.
    NotLiteral {
        layout: String,
        param: String,
    },
    /// `extends` names a version not embedded before this one.
    UnknownBase(String),
    /// Something every reference must say once, said never or twice.
    NotOnce {
        what: Once,
        count: usize,
    },
    /// A name that the reference does not define.
    Undefined {
        what: Definition,
        name: String,
    },
}

/// What a reference must say exactly once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Once {
    DefaultRestart,
    RunsEverything,
    Meaning(crate::kinds::Meaning),
}

impl fmt::Display for Once {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Once::DefaultRestart => f.write_str("`default-restart`"),
            Once::RunsEverything => f.write_str("a service that `runs-everything`"),
            Once::Meaning(meaning) => write!(f, "`means {meaning}`"),
        }
    }
}

/// What kind of definition a name should have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Definition {
    DefaultLayout,
    Parameter,
    DeployParameter,
}

impl fmt::Display for Definition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Definition::DefaultLayout => "the default layout",
            Definition::Parameter => "parameter",
            Definition::DeployParameter => "deploy parameter",
        })
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Unparsable(first) => {
                f.write_str("it does not parse: ")?;
                first.as_ref().map_or(Ok(()), |e| e.fmt(f))
            }
            Fault::NoReference => f.write_str("it holds no `reference` block"),
            Fault::NotAPort(value) => write!(f, "{value} is not a port"),
            Fault::UnknownType(name) => write!(f, "`{name}` has an unknown type"),
            Fault::BadDefault { name, expected } => {
                write!(f, "default of `{name}`: expected {expected}")
            }
            Fault::AppliesNowhere(name) => write!(f, "`{name}` applies nowhere"),
            Fault::NoneOf { word, words } => write!(f, "`{word}` is none of {}", one_of(words)),
            Fault::RoleLacks { role, statement } => {
                write!(f, "role `{role}` has no `{statement}`")
            }
            Fault::NotLiteral { layout, param } => {
                write!(f, "layout `{layout}` sets `{param}` to a non-literal")
            }
            Fault::UnknownBase(version) => write!(
                f,
                "it extends `{version}`, which no stdlib embedded before it defines"
            ),
            Fault::NotOnce { what, count } => {
                write!(f, "{what} must be given exactly once, not {count} times")
            }
            Fault::Undefined { what, name } => write!(f, "{what} `{name}` is not defined"),
        }
    }
}

// -- names -------------------------------------------------------------------

/// What a name names: "unknown {thing}", "{thing} `x` is given twice".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Thing {
    Deployment,
    Statement,
    Parameter,
    Publish,
    Volume,
    LeftOutService,
    ExternalService,
    Container,
    Service,
    Layout,
    PortRole,
    RestartPolicy,
    Runtime,
    ComposeFlavour,
}

impl fmt::Display for Thing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Thing::Deployment => "deployment",
            Thing::Statement => "statement",
            Thing::Parameter => "parameter",
            Thing::Publish => "publish",
            Thing::Volume => "volume",
            Thing::LeftOutService => "left-out service",
            Thing::ExternalService => "external service",
            Thing::Container => "container",
            Thing::Service => "service",
            Thing::Layout => "layout",
            Thing::PortRole => "port role",
            Thing::RestartPolicy => "restart policy",
            Thing::Runtime => "runtime",
            Thing::ComposeFlavour => "Compose flavour",
        })
    }
}

/// The fix of an unknown name: the near one, or the ones to choose from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    DidYouMean(String),
    OneOf(Vec<String>),
    /// A volume the layout calls otherwise: its name there.
    AtSamePath(String),
}

impl fmt::Display for Choice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Choice::DidYouMean(near) => write!(f, "did you mean `{near}`?"),
            Choice::OneOf(known) => write!(f, "choose one of {}", one_of_owned(known)),
            Choice::AtSamePath(volume) => {
                write!(f, "in this layout the volume at that path is `{volume}`")
            }
        }
    }
}

/// The fix of an unknown parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParameterFix {
    /// A deploy parameter, which a statement sets.
    DeployParameter,
    DidYouMean(String),
    /// Nothing near: where the parameters are listed.
    SeeParams,
}

impl fmt::Display for ParameterFix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParameterFix::DeployParameter => f.write_str(
                "deploy parameters are not set in `env`: use `image`, `bind` or `publish`, which set them",
            ),
            ParameterFix::DidYouMean(near) => write!(f, "did you mean `{near}`?"),
            ParameterFix::SeeParams => {
                f.write_str("`onefront params` lists the parameters of the reference")
            }
        }
    }
}

/// Why Compose or Docker refuses a deployment name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameFault {
    Empty,
    StartsWith(char),
    Holds(char),
    OneCharacter,
    TooLong(usize),
}

impl fmt::Display for NameFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameFault::Empty => f.write_str("it is empty"),
            NameFault::StartsWith(c) => write!(f, "it starts with `{c}`"),
            NameFault::Holds(c) => write!(f, "`{c}` is not allowed in it"),
            NameFault::OneCharacter => {
                f.write_str("it is one character long; container names need two")
            }
            NameFault::TooLong(n) => write!(f, "it is {n} characters long, more than 63"),
        }
    }
}

/// Why an image reference is one Docker and Podman refuse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageFault {
    Blank,
    NoTag,
    BadTag(String),
    TooLong,
    BadRegistry(String),
    EmptyComponent,
    BadComponent(String),
}

impl fmt::Display for ImageFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageFault::Blank => f.write_str("it holds a blank"),
            ImageFault::NoTag => f.write_str("it has no `:tag`"),
            ImageFault::BadTag(tag) => write!(
                f,
                "the tag `{tag}` is not letters, digits, `_`, `.` and `-` (up to 128, not starting with `.` or `-`)"
            ),
            ImageFault::TooLong => f.write_str("the name is longer than 255 characters"),
            ImageFault::BadRegistry(host) => {
                write!(f, "`{host}` is not a registry host (`host` or `host:port`)")
            }
            ImageFault::EmptyComponent => {
                f.write_str("it has an empty path component (`//` or a leading or trailing `/`)")
            }
            ImageFault::BadComponent(part) => write!(
                f,
                "`{part}` is not lower-case letters and digits joined by `.`, `_`, `__` or `-`"
            ),
        }
    }
}

// -- types (P2) ----------------------------------------------------------------

/// What a parameter's value must be: the types of the reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    Bool,
    Port,
    Uint,
    Host,
    Path,
    Base64,
    Str,
    Domains,
    Enum(Vec<String>),
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Expected::Bool => "`yes` or `no`",
            Expected::Port => "a port number from 1 to 65535",
            Expected::Uint => "a whole number",
            Expected::Host => "a host name or IP address",
            Expected::Path => "an absolute path",
            Expected::Base64 => "base64 text in a string",
            Expected::Str => "a string",
            Expected::Domains => "DNS names (a string or a list of strings)",
            Expected::Enum(members) => return write!(f, "one of {}", one_of_owned(members)),
        })
    }
}

impl Expected {
    /// The same, short enough for a label.
    #[must_use]
    pub fn short(&self) -> String {
        match self {
            Expected::Enum(_) => "one of the values above".to_owned(),
            other => other.to_string(),
        }
    }

    /// A value of this type, as written in a file.
    #[must_use]
    pub fn example(&self) -> String {
        match self {
            Expected::Bool => "`yes`".into(),
            Expected::Port => "`4124`".into(),
            Expected::Uint => "`365`".into(),
            Expected::Host => "`\"one.example.com\"` or `192.168.1.1`".into(),
            Expected::Path => "`/srv/one/file`".into(),
            Expected::Base64 => "`\"aGVsbG8=\"`".into(),
            Expected::Str => "`\"text\"`".into(),
            Expected::Domains => "`\"one.example.com *.example.com\"`".into(),
            Expected::Enum(members) => members
                .first()
                .map_or_else(String::new, |m| format!("`{m}`")),
        }
    }

    /// One value of this type as the file writes it, for helps.
    #[must_use]
    pub fn sample(&self) -> String {
        match self {
            Expected::Host => "\"one.example.com\"".into(),
            other => other.example().trim_matches('`').to_owned(),
        }
    }
}

/// A literal as written, for "not ..." of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Literal {
    Str(String),
    Int(u64),
    Word(String),
    Bool,
    Address,
    Path,
    List,
    Secret,
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Str(s) => write!(f, "\"{}\"", short(s).escape_debug()),
            Literal::Int(n) => write!(f, "{n}"),
            Literal::Word(w) => write!(f, "`{}`", short(w)),
            Literal::Bool => f.write_str("a boolean"),
            Literal::Address => f.write_str("an IP address"),
            Literal::Path => f.write_str("a path"),
            Literal::List => f.write_str("a list"),
            Literal::Secret => f.write_str("a secret"),
        }
    }
}

/// The fix of a value of the wrong type, as concrete as the value allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeFix {
    /// A `yes`/`no` word in quotes.
    UnquoteWord(String),
    YesOrNo,
    PortRange,
    /// A number in quotes.
    UnquoteNumber(String),
    NotDnsName(String),
    AbsolutePath,
    Base64,
    NoNul,
    /// A word or number that is a string: in quotes.
    Quote(String),
    DomainList,
    DomainNames,
    DidYouMean(String),
    /// A word of no enum member, none near.
    NotAMember(String),
    /// Any other literal: an example of the type.
    WriteAs(Expected),
}

impl fmt::Display for TypeFix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeFix::UnquoteWord(s) => write!(f, "write `{s}` without quotes"),
            TypeFix::YesOrNo => f.write_str("write `yes` or `no`"),
            TypeFix::PortRange => f.write_str("ports go from 1 to 65535"),
            TypeFix::UnquoteNumber(s) => write!(f, "write {s} without quotes"),
            TypeFix::NotDnsName(s) => write!(
                f,
                "`{}` is not a DNS name: use letters, digits, `-` and `.`, such as \"one.example.com\"",
                short(s).escape_debug()
            ),
            TypeFix::AbsolutePath => f.write_str("a path inside the container starts with `/`"),
            TypeFix::Base64 => f.write_str(
                "base64 uses `A-Z a-z 0-9 + /` with `=` padding to a multiple of 4 characters; encode with `base64 -w0 FILE`",
            ),
            TypeFix::NoNul => f.write_str("a NUL character cannot reach a container's environment"),
            TypeFix::Quote(text) => write!(f, "write \"{}\" in quotes", short(text)),
            TypeFix::DomainList => f.write_str(
                "each item is a DNS name in quotes, `*` allowed: [\"one.example.com\", \"*.example.com\"]",
            ),
            TypeFix::DomainNames => f.write_str(
                "separate DNS names with spaces; each is letters, digits, `-`, `.` and `*`",
            ),
            TypeFix::DidYouMean(member) => write!(f, "did you mean `{member}`?"),
            TypeFix::NotAMember(w) => write!(f, "`{}` is not one of them", short(w)),
            TypeFix::WriteAs(expected) => write!(f, "write it as {}", expected.example()),
        }
    }
}

// -- layout and publishing -----------------------------------------------------

/// The container-side ports of a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Tls,
    Plain,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Tls => "TLS",
            Side::Plain => "plain",
        })
    }
}

/// Who publishes a port: a role of a deployment, of another file if
/// `file` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publisher {
    pub role: String,
    pub deployment: String,
    pub file: Option<String>,
}

impl fmt::Display for Publisher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} of `{}`", self.role, self.deployment)?;
        match &self.file {
            Some(file) => write!(f, " (deployment `{}` in {file})", self.deployment),
            None => Ok(()),
        }
    }
}

/// The fix of two ports published at one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Separate {
    /// Within one deployment: move the role's port.
    Port(String),
    /// Across deployments: another port, or another address.
    PortOrAddress,
}

impl fmt::Display for Separate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Separate::Port(role) => write!(
                f,
                "publish one of them on another port: `publish {role} PORT`"
            ),
            Separate::PortOrAddress => f.write_str(
                "publish one of them on another port (`publish ROLE PORT`), or give each front-end an address of its own (`bind ADDRESS`)",
            ),
        }
    }
}

// -- rules of the reference ----------------------------------------------------

/// A value to write for a parameter, in a help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sample {
    Secret,
    Of(Expected),
}

impl fmt::Display for Sample {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Sample::Secret => f.write_str("secret"),
            Sample::Of(expected) => f.write_str(&expected.sample()),
        }
    }
}

/// Why a parameter reaches no container that reads it (rule P4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unread {
    /// Set in a container's block, whose service does not read it.
    Container { name: String, service: String },
    /// Set for the deployment, whose services none read it.
    Deployment,
}

impl fmt::Display for Unread {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unread::Container { name, service } => {
                write!(f, "`{name}` runs {service}, which does not read it")
            }
            Unread::Deployment => {
                f.write_str("no container of this deployment runs a service that reads it")
            }
        }
    }
}

impl Unread {
    /// What to do with the parameter.
    #[must_use]
    pub fn fix(&self) -> &'static str {
        match self {
            Unread::Container { .. } => {
                "move it to the `env` of a container that runs one of them, or to the deployment's `env`"
            }
            Unread::Deployment => "remove it, or run one of them",
        }
    }
}

/// What makes a container need to be privileged (rule C1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Privilege {
    /// A service that needs it.
    Service(String),
    /// Docker-in-Docker, turned on by a parameter.
    DockerInDocker(String),
}

impl fmt::Display for Privilege {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Privilege::Service(service) => write!(f, "the `{service}` service"),
            Privilege::DockerInDocker(param) => write!(f, "Docker-in-Docker (`{param}` is on)"),
        }
    }
}

/// The fix of a container that must be privileged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrivilegeFix {
    /// The block says `privileged no`.
    DropPrivilegedNo,
    /// The block of this container says nothing.
    WritePrivileged(String),
}

impl fmt::Display for PrivilegeFix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrivilegeFix::DropPrivilegedNo => {
                f.write_str("remove `privileged no` from this container")
            }
            PrivilegeFix::WritePrivileged(container) => {
                write!(f, "write `privileged yes` in `container {container} {{ }}`")
            }
        }
    }
}

/// The fix of a capability a container lacks (rule C2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CapabilityFix {
    /// The block lists capabilities without it.
    AddToList { cap: String },
    /// The block of this container lists none.
    Write { cap: String, container: String },
}

impl fmt::Display for CapabilityFix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CapabilityFix::AddToList { cap } => write!(
                f,
                "add `{cap}` to `capabilities [...]`, or remove that line to keep onefront's"
            ),
            CapabilityFix::Write { cap, container } => write!(
                f,
                "write `privileged yes` or `capabilities [{cap}]` in `container {container} {{ }}`"
            ),
        }
    }
}

/// The fix of a server that listens for its clients only under a switch
/// that is off (rule C3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SwitchFix {
    /// The user turned it off.
    RemoveOff {
        switch: String,
        server_service: String,
        client_service: String,
    },
    /// Off by default.
    TurnOn {
        switch: String,
        server: String,
        server_service: String,
        client_service: String,
    },
}

impl fmt::Display for SwitchFix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SwitchFix::RemoveOff {
                switch,
                server_service,
                client_service,
            } => write!(
                f,
                "remove `{switch} = no`: {server_service} listens for {client_service} only with `{switch} = yes`"
            ),
            SwitchFix::TurnOn {
                switch,
                server,
                server_service,
                client_service,
            } => write!(
                f,
                "add `{switch} = yes` to the `env` of `{server}`: {server_service} listens for {client_service} only then"
            ),
        }
    }
}

/// The fix of a directory that must not be shared (rule C5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unshared {
    /// A volume below it that may be shared.
    ShareVolume {
        volume: String,
        path: String,
    },
    OwnEach,
}

impl fmt::Display for Unshared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unshared::ShareVolume { volume, path } => write!(
                f,
                "share `{volume}` at {path} instead; onefront does so by default"
            ),
            Unshared::OwnEach => f.write_str("give each container its own"),
        }
    }
}

/// How to provide a service a deployment lacks (rule C8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provide {
    /// Only by running it.
    Run(String),
    /// By running it or naming a server (a `*_HOST` parameter locates it).
    RunOrExternal(String),
}

impl fmt::Display for Provide {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Provide::Run(needed) => write!(
                f,
                "run {needed} too (remove it from `without`, or add a container that runs it)"
            ),
            Provide::RunOrExternal(needed) => write!(
                f,
                "run {needed} too (remove it from `without`, or add a container that runs it), or name a server of your own: `external {needed} \"HOST\"`"
            ),
        }
    }
}

/// What a restart policy other than the layout's leaves down (rule R1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Downtime {
    /// `no`.
    CrashOrReboot,
    /// `on-failure`.
    RebootOrCleanExit,
}

impl fmt::Display for Downtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Downtime::CrashOrReboot => "the containers stay down after a crash or a reboot",
            Downtime::RebootOrCleanExit => {
                "the containers stay down after a reboot or a clean exit"
            }
        })
    }
}

// -- onefront's own rules ------------------------------------------------------

/// The fix of two mounts at one path (rule O1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MountFix {
    /// A mount over a volume of the layout: bind the volume instead.
    BindVolume {
        volume: String,
        path: String,
    },
    MoveOrDrop,
}

impl fmt::Display for MountFix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MountFix::BindVolume { volume, path } => write!(
                f,
                "the layout keeps volume `{volume}` at `{path}`: to put it on the host, bind the volume itself (`volume {volume} bind /HOST/PATH`) instead of mounting over it"
            ),
            MountFix::MoveOrDrop => f.write_str("mount one of them at another path, or drop one"),
        }
    }
}

/// Who else fills a secret's variable (rule O3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clash {
    /// A deploy parameter of the generated `.env`.
    DotEnv,
    /// A variable of the container tools, by its prefix.
    ToolPrefix(&'static str),
    /// A variable every shell sets.
    Shell,
}

impl fmt::Display for Clash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Clash::DotEnv => f.write_str("the generated `.env` sets it"),
            Clash::ToolPrefix(prefix) => write!(
                f,
                "variables `{prefix}*` are read or set by the container tools and the session"
            ),
            Clash::Shell => f.write_str("every shell (and systemd) sets it"),
        }
    }
}

/// The statement that sets a deploy parameter (rule D3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeploySetter {
    Restart,
    Image,
    Bind,
    BindSsh,
    /// The host-side port of a role.
    Publish(String),
    /// The container-side port of a role.
    PublishSide(String),
    /// None: onefront writes the reference's default.
    Nothing,
}

impl fmt::Display for DeploySetter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeploySetter::Restart => f.write_str("write `restart POLICY`, which sets it"),
            DeploySetter::Image => f.write_str("write `image \"NAME:TAG\"`, which sets it"),
            DeploySetter::Bind => f.write_str("write `bind ADDRESS`, which sets it"),
            DeploySetter::BindSsh => f.write_str("write `bind ssh ADDRESS`, which sets it"),
            DeploySetter::Publish(role) => write!(f, "write `publish {role} PORT`, which sets it"),
            DeploySetter::PublishSide(role) => write!(
                f,
                "write `publish {role} PORT from tls` or `from plain`, which sets it"
            ),
            DeploySetter::Nothing => f.write_str(
                "no statement sets it: onefront writes the reference's default into .env",
            ),
        }
    }
}
