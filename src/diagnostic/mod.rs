//! Every diagnostic onefront reports: data found by the stages, worded here
//! and only here. Codes are the rule ids of the reference (`onefront::P1`)
//! plus a few of the language's own (`onefront::syntax`).
//!
//! A variant carries data: names, spans, numbers, and the small data enums
//! of `words.rs` (re-exported here, such as [`Choice`]), whose `Display`
//! says what depends on the data: a did-you-mean or the list to choose
//! from, the fix that fits the case. Every other word stands in the
//! attributes of [`Diagnostic`]. `render.rs` shows a diagnostic with its
//! source. `tests/wording.rs` checks that no stage words a diagnostic.

mod render;
mod words;

pub use render::{plain_handler, render};

pub use words::{
    AllOf, Alternatives, CapabilityFix, Choice, Clash, Commas, Definition, DeploySetter, Downtime,
    Expected, Fault, Found, Home, ImageFault, Literal, MountFix, NameFault, Once, ParameterFix,
    Privilege, PrivilegeFix, Provide, Publisher, Sample, Separate, Side, SwitchFix, SyntaxFix,
    Thing, TypeFix, Unread, Unshared, VersionFix,
};

use miette::Diagnostic as MietteDiagnostic;
use thiserror::Error;

use crate::kinds::{Protocol, RestartPolicy as Policy};
use crate::span::{SourceId, Span};

/// One finding about a user's file, with the spans it is about.
#[derive(Debug, Clone, PartialEq, Eq, Error, MietteDiagnostic)]
pub enum Diagnostic {
    // -- syntax --------------------------------------------------------------
    #[error("expected {expected}, found {found}")]
    #[diagnostic(code(onefront::syntax))]
    Syntax {
        found: Found,
        expected: Alternatives,
        #[label("not expected here")]
        span: Span,
        #[help]
        fix: Option<SyntaxFix>,
    },

    #[error("`:` after `{word}`: onefront is not YAML")]
    #[diagnostic(
        code(onefront::syntax),
        help(
            "write `{fixed}`: a keyword and its value are separated by a space, a parameter and its value by `=`"
        )
    )]
    YamlColon {
        word: String,
        fixed: String,
        #[label("no `:` here")]
        span: Span,
    },

    #[error("`{name} =` has no value")]
    #[diagnostic(
        code(onefront::syntax),
        help("write the value after `=`, on the same line, or remove the line")
    )]
    MissingValue {
        name: String,
        #[label("a value belongs after this")]
        span: Span,
    },

    #[error("`{{` is missing after `{head}`")]
    #[diagnostic(
        code(onefront::syntax),
        help("write `{head} {{` and close the block with `}}`")
    )]
    MissingOpenBrace {
        head: String,
        #[label("expected `{{` here")]
        span: Span,
    },

    #[error("a name is written without quotes")]
    #[diagnostic(code(onefront::syntax), help("write `{keyword} {name}`"))]
    QuotedName {
        keyword: String,
        name: String,
        #[label("no quotes here")]
        span: Span,
    },

    #[error("`=` is missing after `{name}`")]
    #[diagnostic(code(onefront::syntax), help("write `{name} = VALUE`"))]
    MissingEquals {
        name: String,
        #[label("expected `=` before this")]
        span: Span,
    },

    #[error("`{text}` needs quotes")]
    #[diagnostic(
        code(onefront::syntax),
        help(
            "write \"{text}\": text with dots, spaces or other signs goes in double quotes; addresses, numbers, `yes`/`no` and paths do not"
        )
    )]
    UnquotedText {
        text: String,
        #[label("a host name or text, unquoted")]
        span: Span,
    },

    #[error("`{block}` is never closed")]
    #[diagnostic(
        code(onefront::syntax),
        help("add the `}}` that closes it where the block ends")
    )]
    UnclosedBlock {
        block: String,
        #[label("this `{{` has no `}}`")]
        span: Span,
        #[label("still open here")]
        at: Span,
    },

    #[error("`{statement}` cannot stand here: it belongs in {home}")]
    #[diagnostic(code(onefront::syntax), help("move it into {home}"))]
    OutsideBlock {
        statement: String,
        home: Home,
        #[label("outside its block")]
        span: Span,
    },

    #[error("unterminated string")]
    #[diagnostic(
        code(onefront::syntax),
        help("close the string with `\"` on the same line; write a line break as `\\n`")
    )]
    UnterminatedString {
        #[label("this string has no closing quote")]
        span: Span,
    },

    #[error("`{escape}` is not a Unicode character")]
    #[diagnostic(
        code(onefront::syntax),
        help("`\\u{{HEX}}` takes a Unicode scalar value: 0 to D7FF or E000 to 10FFFF")
    )]
    BadCodePoint {
        escape: String,
        #[label("no such character")]
        span: Span,
    },

    #[error("unknown escape `{escape}` in a string")]
    #[diagnostic(
        code(onefront::syntax),
        help("the escapes are `\\\"`, `\\\\`, `\\n`, `\\r`, `\\t`, `\\$` and `\\u{{HEX}}`")
    )]
    BadEscape {
        escape: String,
        #[label("not an escape")]
        span: Span,
    },

    #[error("number too large")]
    #[diagnostic(code(onefront::syntax), help("numbers go up to 18446744073709551615"))]
    IntegerTooLarge {
        #[label("does not fit")]
        span: Span,
    },

    #[error("`{text}` is not an IP address")]
    #[diagnostic(
        code(onefront::syntax),
        help(
            "write an IPv4 address with four numbers from 0 to 255, such as `192.168.1.1`, or an IPv6 address in brackets, such as `[::1]`"
        )
    )]
    BadAddress {
        text: String,
        #[label("not an address")]
        span: Span,
    },

    #[error("input is {size} bytes, more than the {limit} bytes onefront reads")]
    #[diagnostic(
        code(onefront::syntax),
        help("a deployment file is a few kilobytes; is this the right file?")
    )]
    TooLarge { size: usize, limit: usize },

    #[error("lists nest {depth} deep here; onefront reads {limit} levels at most")]
    #[diagnostic(
        code(onefront::syntax),
        help(
            "no parameter takes nested lists; write a flat list such as `[\"a.example.com\", \"b.example.com\"]`"
        )
    )]
    TooDeep {
        depth: usize,
        limit: usize,
        #[label("too deep")]
        span: Span,
    },

    #[error("this file declares more than {limit} deployments")]
    #[diagnostic(
        code(onefront::limit),
        help(
            "one host runs a handful of front-ends; split the file, or check that it is the right one"
        )
    )]
    TooManyDeployments {
        limit: usize,
        #[label("deployment number {}", limit + 1)]
        span: Span,
    },

    #[error("{omitted} more diagnostics are not shown")]
    #[diagnostic(
        code(onefront::limit),
        help("fix the ones above and run onefront again")
    )]
    TooManyDiagnostics { omitted: usize, errors: bool },

    #[error("the file is not valid UTF-8")]
    #[diagnostic(code(onefront::syntax), help("save the file as UTF-8"))]
    NotUtf8,

    // -- file level ----------------------------------------------------------
    #[error("onefront knows no reference `{found}`")]
    #[diagnostic(code(onefront::version))]
    UnknownVersion {
        found: String,
        #[label("unknown version")]
        span: Span,
        #[help]
        fix: VersionFix,
    },

    #[error("this file declares no deployment")]
    #[diagnostic(
        code(onefront::empty),
        help("add one: `deployment opennebula {{ layout all-in-one }}`")
    )]
    NoDeployment {
        #[label("only a header")]
        span: Span,
    },

    #[error("a `reference` block in a deployment file is not supported yet")]
    #[diagnostic(
        code(onefront::unsupported),
        help("the reference comes with onefront (`onefront params` lists it); remove this block")
    )]
    ReferenceInFile {
        #[label("not supported")]
        span: Span,
    },

    // -- names ---------------------------------------------------------------
    #[error("unknown parameter `{name}`")]
    #[diagnostic(code(onefront::P1))]
    UnknownParameter {
        name: String,
        #[label("not a parameter of the reference")]
        span: Span,
        #[help]
        fix: ParameterFix,
    },

    #[error("`{old}` is the name of an earlier version: reference {version} calls it `{new}`")]
    #[diagnostic(
        code(onefront::P9),
        help(
            "write `{new}`; `onefront migrate FILE --to {version}` renames every such name of a file"
        )
    )]
    RenamedParameter {
        old: String,
        new: String,
        version: String,
        #[label("renamed to `{new}`")]
        span: Span,
    },

    #[error("`{name}` is a deploy parameter: Compose reads it from .env, and no container sees it")]
    #[diagnostic(code(onefront::D3))]
    DeployInEnv {
        name: String,
        #[label("not for `env`")]
        span: Span,
        #[help]
        fix: DeploySetter,
    },

    #[error("unknown {kind} `{name}`")]
    #[diagnostic(code(onefront::name))]
    UnknownName {
        kind: Thing,
        name: String,
        #[label("no such {kind}")]
        span: Span,
        #[help]
        choice: Choice,
    },

    #[error("`{container}` does not mount volume `{volume}`")]
    #[diagnostic(
        code(onefront::name),
        help(
            "`{container}` mounts {mounted}; set `{volume}` for the deployment, or in the block of a container that mounts it"
        )
    )]
    VolumeNotMounted {
        volume: String,
        container: String,
        mounted: AllOf,
        #[label("not a volume of this container")]
        span: Span,
    },

    #[error("{kind} `{name}` is given twice")]
    #[diagnostic(code(onefront::duplicate), help("keep one of the two"))]
    Duplicate {
        kind: Thing,
        name: String,
        #[label("given again here")]
        span: Span,
        /// Labelled by [`render`], in its own file when it is in another.
        first: Span,
    },

    #[error("`{name}` cannot name a {kind}")]
    #[diagnostic(
        code(onefront::name),
        help(
            "a {kind} name is lower-case letters, digits, `_` and `-`, starting with a letter, at most 63 long, such as `{suggestion}`"
        )
    )]
    BadName {
        kind: Thing,
        name: String,
        #[label("not allowed")]
        span: Span,
        /// The name made lower case and plain.
        suggestion: String,
    },

    #[error("`{name}` cannot name an environment variable")]
    #[diagnostic(
        code(onefront::name),
        help(
            "a secret is read from an environment variable: letters, digits and `_`, not starting with a digit, such as `secret(\"DB_PASSWORD\")`"
        )
    )]
    BadVariable {
        name: String,
        #[label("not allowed")]
        span: Span,
    },

    #[error("`{text}` is not an image reference: {fault}")]
    #[diagnostic(
        code(onefront::image),
        help(
            "write `[registry[:port]/]name:tag` with a lower-case name, such as `\"opennebula:5.13\"` or `\"registry.example.com:5000/opennebula:5.13\"`"
        )
    )]
    BadImage {
        text: String,
        fault: ImageFault,
        #[label("not `[registry/]name:tag`")]
        span: Span,
    },

    // -- types (P2) ----------------------------------------------------------
    #[error("`{name}` must be {expected}, not {found}")]
    #[diagnostic(code(onefront::P2))]
    WrongType {
        name: String,
        expected: Expected,
        found: Literal,
        #[label("expected {}", expected.short())]
        span: Span,
        #[help]
        fix: TypeFix,
    },

    #[error("`{role}` must be a port number from 1 to 65535, not {port}")]
    #[diagnostic(code(onefront::P2), help("ports go from 1 to 65535"))]
    PortOutOfRange {
        role: String,
        port: u64,
        #[label("not a port")]
        span: Span,
    },

    #[error(
        "`capabilities` must be a capability name in capitals, such as `SYS_ADMIN`, not {found}"
    )]
    #[diagnostic(
        code(onefront::P2),
        help(
            "write the names of `man 7 capabilities` without `CAP_`: `capabilities [SYS_ADMIN, NET_ADMIN]`"
        )
    )]
    NotACapability {
        found: Literal,
        #[label("not a capability")]
        span: Span,
    },

    // -- layout and publishing ------------------------------------------------
    #[error("`layout custom` lists no container")]
    #[diagnostic(
        code(onefront::layout),
        help(
            "add a block per container, such as `container one runs all {{ }}`, or use `layout all-in-one`"
        )
    )]
    EmptyCustomLayout {
        #[label("no `container NAME runs SERVICE` follows")]
        span: Span,
    },

    #[error("`{statement}` needs services in containers of their own")]
    #[diagnostic(
        code(onefront::layout),
        help("write `layout reference` (or `layout custom`) to run services apart")
    )]
    NeedsSeparateContainers {
        /// `without` or `external`.
        statement: &'static str,
        #[label("the `{layout}` layout runs every service in one container")]
        span: Span,
        layout: String,
    },

    #[error("layout `{layout}` already decides what each container runs")]
    #[diagnostic(
        code(onefront::layout),
        help("write `layout custom` to list the containers yourself, or drop `runs ...`")
    )]
    RunsInStdlibLayout {
        layout: String,
        #[label("`runs` is for `layout custom`")]
        span: Span,
    },

    #[error("`{service}` cannot run outside the deployment")]
    #[diagnostic(
        code(onefront::layout),
        help(
            "only services that a `*_HOST` parameter names can be external; leave `{service}` out with `without {service}` instead"
        )
    )]
    NotExternal {
        service: String,
        #[label("no parameter points at this service")]
        span: Span,
    },

    #[error("`{role}` has no {side} port to publish")]
    #[diagnostic(
        code(onefront::N1),
        help("remove `from ...`: `{role}` always publishes its one container-side port")
    )]
    NoSuchSide {
        role: String,
        side: Side,
        #[label("only one container-side port")]
        span: Span,
    },

    #[error("`{param}` is derived from `publish {role}` and cannot differ from it")]
    #[diagnostic(
        code(onefront::D1),
        help(
            "remove `{param}` from `env` and write `publish {role} {written}`: onefront sets `{param}` from the published port"
        )
    )]
    DerivedMismatch {
        param: String,
        role: String,
        derived: String,
        #[label("this says {written}")]
        span: Span,
        written: String,
        #[label("published as {derived} here")]
        published: Option<Span>,
    },

    // -- rules of the reference ----------------------------------------------
    #[error("`{param}` is not set in `{container}`, which runs every service")]
    #[diagnostic(
        code(onefront::P3),
        severity(Warning),
        help(
            "add `{param} = {sample}` to `env`, as every all-in-one example of the reference does: {doc}"
        )
    )]
    RequiredAllInOne {
        param: String,
        container: String,
        #[label("no `{param}` here")]
        span: Span,
        sample: Sample,
        /// What the parameter is, from the reference.
        doc: String,
    },

    #[error("`{param}` is required in {containers} ({services}) but not set")]
    #[diagnostic(code(onefront::P3), help("add `{param} = {sample}` to `env`: {doc}"))]
    Required {
        param: String,
        containers: AllOf,
        services: Commas,
        #[label("no `{param}` here")]
        span: Span,
        sample: Sample,
        /// What the parameter is, from the reference.
        doc: String,
    },

    #[error("`{param}` has no effect here: {unread}")]
    #[diagnostic(
        code(onefront::P4),
        severity(Warning),
        help("it is read by {readers} only: {}", unread.fix())
    )]
    OutOfScope {
        param: String,
        unread: Unread,
        #[label("read by no container it reaches")]
        span: Span,
        readers: Commas,
    },

    #[error("container `{container}` does not say which service it runs")]
    #[diagnostic(
        code(onefront::P5),
        help("write `container {container} runs SERVICE {{ ... }}`")
    )]
    NoRuns {
        container: String,
        #[label("no `runs`: it would start every service")]
        span: Span,
    },

    #[error("`{param}` is set by the layout, not in `env`")]
    #[diagnostic(
        code(onefront::P5),
        help(
            "to choose what each container runs, write `layout custom` and `container NAME runs SERVICE {{ }}`"
        )
    )]
    ServiceByHand {
        param: String,
        #[label("set by hand here")]
        span: Span,
    },

    #[error("`{param}` is set without `{partner}`")]
    #[diagnostic(
        code(onefront::P6),
        help("add `{partner}` beside it, or remove `{param}`")
    )]
    Unpaired {
        param: String,
        partner: String,
        #[label("needs `{partner}` too")]
        span: Span,
    },

    #[error("`{param}` and `{other}` give the same thing twice")]
    #[diagnostic(
        code(onefront::P6),
        severity(Warning),
        help("keep one: `{other}` (a file in the container) or `{param}` (the content)")
    )]
    BothForms {
        param: String,
        other: String,
        #[label("one form")]
        span: Span,
        #[label("the other form")]
        other_span: Span,
    },

    #[error("`{param}` points at `{path}`, which nothing mounts in {containers}")]
    #[diagnostic(
        code(onefront::P7),
        severity(Warning),
        help(
            "mount the host directory that holds it: `mount /etc/opennebula{dir} at {dir} readonly`"
        )
    )]
    FileNotMounted {
        param: String,
        path: String,
        containers: AllOf,
        #[label("no mount or volume holds this path")]
        span: Span,
        /// The directory of `path`.
        dir: String,
    },

    #[error("`{param}` names a container by its address `{address}`")]
    #[diagnostic(
        code(onefront::P8),
        severity(Warning),
        help(
            "container addresses change at every start; leave `{param}` out (onefront points it at the container by name) or write the container's name"
        )
    )]
    AddressForContainer {
        param: String,
        address: String,
        #[label("an IP address")]
        span: Span,
    },

    #[error("`{param}` repeats `{fallback}`, which it takes when unset")]
    #[diagnostic(
        code(onefront::P10),
        severity(Warning),
        help(
            "remove `{param}`: set it only where it must differ from `{fallback}`, for nodes or VMs that reach the front-end under another name"
        )
    )]
    RepeatsFallback {
        param: String,
        fallback: String,
        #[label("the value of `{fallback}`")]
        span: Span,
        #[label("`{fallback}` set here")]
        fallback_span: Option<Span>,
    },

    #[error(
        "`{param}` must equal the port `publish {role}` publishes: both sides use the same number"
    )]
    #[diagnostic(
        code(onefront::N2),
        help("remove `{param}` from `env`: `publish {role}` sets it to {published_port}")
    )]
    FollowMismatch {
        param: String,
        role: String,
        #[label("this says {written}")]
        span: Span,
        written: String,
        #[label("published as {published_port} here")]
        published: Span,
        published_port: String,
    },

    #[error("`{param}` advertises another port than `publish {role}` publishes")]
    #[diagnostic(
        code(onefront::N3),
        help("remove `{param}` from `env`: `publish {role}` sets it to {published_port}")
    )]
    AdvertisedMismatch {
        param: String,
        role: String,
        #[label("this says {written}")]
        span: Span,
        written: String,
        #[label("published as {published_port} here")]
        published: Span,
        published_port: String,
    },

    #[error("`{role}` is published, but nothing listens on its port while `{switch}` is off")]
    #[diagnostic(
        code(onefront::N4),
        help("turn `{switch}` on, or write `publish {role} off`")
    )]
    NothingListens {
        role: String,
        switch: String,
        #[label("published here")]
        span: Span,
        #[label("`{switch}` turned off here")]
        switch_span: Option<Span>,
    },

    #[error("`{role}` publishes its TLS port, but the TLS proxy is off")]
    #[diagnostic(
        code(onefront::D2),
        help(
            "write `from plain` (or nothing: onefront picks the plain port while `{switch}` is off), or turn `{switch}` on"
        )
    )]
    TlsSideWithoutProxy {
        role: String,
        switch: String,
        #[label("TLS port chosen here")]
        span: Span,
        #[label("`{switch}` turned off here")]
        switch_span: Option<Span>,
    },

    #[error("{address}:{port}/{protocol} is published twice: {first_publisher} and {publisher}")]
    #[diagnostic(code(onefront::N5))]
    Collision {
        address: String,
        port: u16,
        protocol: Protocol,
        publisher: Publisher,
        first_publisher: Publisher,
        #[label("{publisher} publishes it here")]
        span: Span,
        /// Labelled by [`render`], in its own file when it is in another.
        first: Option<Span>,
        #[help]
        fix: Separate,
    },

    #[error("SSH is published on port 22 of every address, where the host's own sshd listens")]
    #[diagnostic(
        code(onefront::N6),
        severity(Warning),
        help(
            "choose one: give the front-end an address of its own (`bind 192.168.1.2`) so that 22 is free there; move the host's sshd to another port; or publish SSH elsewhere (`publish ssh 2222`) and configure the nodes for it"
        )
    )]
    HostSsh {
        #[label("0.0.0.0:22")]
        span: Span,
    },

    #[error(
        "SSH is published on port {port}: every hypervisor node needs an SSH config entry for the front-end"
    )]
    #[diagnostic(
        code(onefront::N6),
        severity(Warning),
        help(
            "add this to ~/.ssh/config of oneadmin on every node:\n    Host {host}\n      Port {port}"
        )
    )]
    SshPortMoved {
        port: u16,
        /// The SSH endpoint advertised to the nodes.
        host: String,
        #[label("not 22")]
        span: Span,
    },

    #[error("port {port} is below 1024: rootless Podman cannot publish it")]
    #[diagnostic(
        code(onefront::N7),
        severity(Warning),
        help(
            "publish it at 1024 or above (`publish {role} {}`), run Podman as root, or lower net.ipv4.ip_unprivileged_port_start",
            8000 + u32::from(*port)
        )
    )]
    PrivilegedPort {
        port: u16,
        role: String,
        #[label("{role} on {port}")]
        span: Span,
    },

    #[error("`{container}` runs {need} and must be privileged")]
    #[diagnostic(code(onefront::C1))]
    NeedsPrivileged {
        container: String,
        need: Privilege,
        #[label("not privileged")]
        span: Span,
        #[help]
        fix: PrivilegeFix,
    },

    #[error("`{container}` runs {service}, which needs the `{cap}` capability")]
    #[diagnostic(code(onefront::C2))]
    NeedsCapability {
        container: String,
        service: String,
        cap: String,
        #[label("no `{cap}` and not privileged")]
        span: Span,
        #[help]
        fix: CapabilityFix,
    },

    #[error("{client_service} in `{client}` cannot reach {server_service} in `{server}`")]
    #[diagnostic(code(onefront::C3))]
    Unreachable {
        client: String,
        client_service: String,
        server: String,
        server_service: String,
        #[label("`{switch}` is off")]
        span: Span,
        switch: String,
        #[help]
        fix: SwitchFix,
    },

    #[error(
        "`{volume}` at {path} is an anonymous volume: its data is lost when the container is removed"
    )]
    #[diagnostic(
        code(onefront::C4),
        severity(Warning),
        help(
            "keep it in a named volume (`volume {volume} named`) or on the host (`volume {volume} bind /srv/one/...`)"
        )
    )]
    AnonymousData {
        volume: String,
        path: String,
        #[label("anonymous")]
        span: Span,
    },

    #[error("{path} is shared by several containers")]
    #[diagnostic(code(onefront::C5))]
    SharedUnshareable {
        path: String,
        #[label("mounted in {count} containers")]
        span: Span,
        count: usize,
        #[help]
        fix: Unshared,
    },

    #[error("`{volume}` must be the same in every container that uses it")]
    #[diagnostic(
        code(onefront::C6),
        help(
            "set `volume {volume}` once for the whole deployment, not in one container: {users} share it"
        )
    )]
    VolumeDiffers {
        volume: String,
        #[label("`{container}` gets another `{volume}`")]
        span: Span,
        container: String,
        /// The services that share the volume.
        users: Commas,
    },

    #[error("{service} runs in two containers")]
    #[diagnostic(code(onefront::C7), help("keep one of the two containers"))]
    ServiceTwice {
        service: String,
        #[label("`{container}` runs it again")]
        span: Span,
        container: String,
        #[label("first here")]
        first: Span,
    },

    #[error("`{container}` runs {service} beside other containers")]
    #[diagnostic(
        code(onefront::C7),
        help(
            "`{service}` cannot share a deployment with other services: use `layout all-in-one`, or give this container one service"
        )
    )]
    RunsAlone {
        container: String,
        service: String,
        #[label("{service} stands alone")]
        span: Span,
    },

    #[error("{service} needs {needed}, which this deployment neither runs nor names")]
    #[diagnostic(code(onefront::C8))]
    MissingService {
        service: String,
        needed: String,
        #[label("{needed} left out")]
        span: Span,
        #[help]
        fix: Provide,
    },

    #[error("{service} works badly without {needed}, which this deployment neither runs nor names")]
    #[diagnostic(
        code(onefront::C8),
        severity(Warning),
        help("{needed} is the {doc}; {fix}")
    )]
    MissingHelper {
        service: String,
        needed: String,
        #[label("{needed} left out")]
        span: Span,
        /// What the needed service is, from the reference.
        doc: String,
        fix: Provide,
    },

    #[error(
        "`{container}` runs {service} under Docker's default AppArmor profile, which stops its FUSE mounts"
    )]
    #[diagnostic(
        code(onefront::C9),
        severity(Warning),
        help(
            "on hosts with AppArmor (Ubuntu, Debian) the Docker Hub, Linux Containers and TurnKey Linux marketplaces then fail; `{param}={profile}` applies to `{unconfined}` only: run {service} there (`layout reference`), or write `privileged yes`, which Docker runs unconfined"
        )
    )]
    DefaultApparmor {
        container: String,
        service: String,
        param: String,
        profile: String,
        unconfined: String,
        #[label("neither `{unconfined}` nor privileged")]
        span: Span,
    },

    #[error(
        "no container of this deployment is privileged: marketplace exports and image builds will fail"
    )]
    #[diagnostic(
        code(onefront::C10),
        severity(Warning),
        help(
            "exports from the Docker Hub, Linux Containers and TurnKey Linux marketplaces and images built from a Dockerfile need a privileged container: run {service} (it runs privileged), here or external, if you need them"
        )
    )]
    Unprivileged {
        service: String,
        #[label("nothing privileged")]
        span: Span,
    },

    #[error(
        "`{volume}` at {path} is an anonymous volume: the state and secrets generated there are lost when the container is re-created"
    )]
    #[diagnostic(
        code(onefront::C11),
        severity(Warning),
        help(
            "keep it in a named volume (`volume {volume} named`) or on the host (`volume {volume} bind /srv/...`), as the all-in-one examples of the reference do"
        )
    )]
    AnonymousState {
        volume: String,
        path: String,
        #[label("anonymous")]
        span: Span,
    },

    #[error("restart `{policy}`: {downtime}")]
    #[diagnostic(
        code(onefront::R1),
        severity(Warning),
        help("remove `restart {policy}` to get `{expected}`")
    )]
    RestartPolicy {
        policy: Policy,
        downtime: Downtime,
        #[label("the `{layout}` layout restarts `{expected}`")]
        span: Span,
        layout: String,
        expected: Policy,
    },

    #[error("restart `{policy}`: {downtime}")]
    #[diagnostic(
        code(onefront::R4),
        severity(Warning),
        help(
            "remove `restart {policy}` to get `{expected}`, the default of `{param}`: Docker then brings the deployment back after a reboot"
        )
    )]
    NoRestartAfterReboot {
        policy: Policy,
        downtime: Downtime,
        #[label("the `{layout}` layout restarts `{expected}`")]
        span: Span,
        layout: String,
        expected: Policy,
        /// The deploy parameter that holds every container's policy.
        param: String,
    },

    #[error("`{param}` tells VMs {host}, but `{role}` is published on {bound} only")]
    #[diagnostic(
        code(onefront::D4),
        severity(Warning),
        help(
            "publish `{role}` where VMs look for it (`publish {role} {host}:PORT`), or tell them {bound} in `{param}`"
        )
    )]
    OnegateElsewhere {
        param: String,
        host: String,
        role: String,
        bound: String,
        #[label("VMs are told {host}")]
        span: Span,
        #[label("published on {bound}")]
        bind_span: Option<Span>,
    },

    #[error(
        "image `{name}` has no registry or namespace: it would be pulled from Docker Hub's official images"
    )]
    #[diagnostic(
        code(onefront::D7),
        help(
            "reference {version} keeps the registry in `{param}`: write `image \"{default}:{tag}\"`, or the Enterprise registry's name"
        )
    )]
    ImageWithoutRegistry {
        name: String,
        param: String,
        version: String,
        /// The reference's image name, registry and namespace included.
        default: String,
        tag: String,
        #[label("no `REGISTRY/` or `NAMESPACE/` in front")]
        span: Span,
    },

    #[error("rootless Podman: the containers come back after a reboot only if the user lingers")]
    #[diagnostic(
        code(onefront::R2),
        severity(Warning),
        help(
            "the generated unit is a user unit: run `loginctl enable-linger USER` once so that it starts at boot, or run Podman as root"
        )
    )]
    NoBootUnit {
        #[label("podman")]
        span: Span,
    },

    #[error("maintenance mode: the containers start, but none of their services do")]
    #[diagnostic(
        code(onefront::R3),
        severity(Warning),
        help(
            "this is for a short repair run on the same volumes; remove the setting to run the front-end again"
        )
    )]
    Maintenance {
        #[label("maintenance on")]
        span: Span,
    },

    #[error(
        "`{param}` is a secret written in the file: its value will stand in clear text in docker-compose.yml and custom.env"
    )]
    #[diagnostic(
        code(onefront::secret),
        severity(Warning),
        help(
            "write `{param} = secret` and give the value at deploy time: in secrets.env beside the unit, or in the environment of `docker compose`"
        )
    )]
    InlineSecret {
        param: String,
        #[label("a secret, inline")]
        span: Span,
    },

    #[error("`{name}` cannot be a secret: which ports are published follows from its value")]
    #[diagnostic(
        code(onefront::P2),
        help("write its value in the file: onefront needs it to publish the right ports")
    )]
    SecretShapesPorts {
        name: String,
        #[label("known only at deploy time")]
        span: Span,
    },

    // -- onefront's own rules ---------------------------------------------------
    #[error("`{path}` is the root of the container: nothing can be mounted there")]
    #[diagnostic(
        code(onefront::O1),
        help("mount it at a folder inside the container, such as `/srv/data`")
    )]
    MountOnRoot {
        path: String,
        #[label("this is the container's whole file system")]
        span: Span,
    },

    #[error("`{path}` is mounted twice in `{container}`")]
    #[diagnostic(code(onefront::O1))]
    MountedTwice {
        path: String,
        container: String,
        #[label("mounted again here")]
        span: Span,
        #[label("first mounted here")]
        other: Option<Span>,
        #[help]
        fix: MountFix,
    },

    #[error(
        "the Docker volume name `{name}` is given to two volumes: they would share one directory"
    )]
    #[diagnostic(
        code(onefront::O2),
        help(
            "give each volume a name of its own, or drop `named \"...\"` so that Compose prefixes the volume with the deployment's name"
        )
    )]
    VolumeNameTwice {
        name: String,
        #[label("named here")]
        span: Span,
        /// Labelled by [`render`], in its own file when it is in another.
        first: Span,
    },

    #[error("secret variable `{variable}` would be filled from elsewhere: {clash}")]
    #[diagnostic(
        code(onefront::O3),
        help("read it from a variable of its own: `{param} = secret(\"{proposal}\")`")
    )]
    SecretVariable {
        variable: String,
        clash: Clash,
        #[label("not the password you mean")]
        span: Span,
        param: String,
        /// A variable no one else fills.
        proposal: String,
    },

    #[error(
        "{service}'s port {moved} moves to {port}/{protocol} in `{container}`, where {first}'s port {first_port} listens"
    )]
    #[diagnostic(
        code(onefront::O5),
        help(
            "give one of them another port: a published port moves with `publish ROLE PORT`, a port parameter with its value"
        )
    )]
    PortTaken {
        port: u16,
        protocol: Protocol,
        container: String,
        service: String,
        /// The reference's port of the listener that moved.
        moved: u16,
        first: String,
        first_port: u16,
        #[label("moves a port onto one already taken")]
        span: Span,
    },

    #[error("`{name}` cannot name a deployment: {fault}")]
    #[diagnostic(
        code(onefront::O4),
        help(
            "name it `{fixed}`: lower-case letters, digits, `_` and `-`, starting with a letter or digit, 2 to 63 characters"
        )
    )]
    DeploymentName {
        name: String,
        fault: NameFault,
        #[label("Docker Compose refuses this name")]
        span: Span,
        /// The name made acceptable.
        fixed: String,
    },

    #[error("`{param}` is still the placeholder `onefront init` wrote")]
    #[diagnostic(
        code(onefront::O6),
        help("write {expected} in its place, such as `{}`: {doc}", expected.sample())
    )]
    Placeholder {
        param: String,
        expected: Expected,
        #[label("replace this placeholder")]
        span: Span,
        /// What the parameter is, from the reference.
        doc: String,
    },

    #[error("`{statement}` is still the placeholder address `onefront init` wrote")]
    #[diagnostic(
        code(onefront::O6),
        help(
            "write an IP address of this host in its place: {network} is reserved for documentation (RFC 5737), so no host has an address there"
        )
    )]
    PlaceholderAddress {
        /// `bind`, `bind ssh` or `publish ROLE`.
        statement: String,
        /// The reserved network, such as `192.0.2.0/24`.
        network: String,
        #[label("replace this placeholder")]
        span: Span,
    },

    #[error("the embedded stdlib is faulty: {fault}")]
    #[diagnostic(
        code(onefront::internal),
        help("this is a bug in onefront's stdlib; please report it")
    )]
    StdlibFault {
        fault: Fault,
        #[label("here")]
        span: Span,
    },

    #[error("internal error: {0}")]
    #[diagnostic(
        code(onefront::internal),
        help("this is a bug in onefront; please report it with the input that caused it")
    )]
    Internal(String),
}

impl Diagnostic {
    /// Where the diagnostic points first, for sorting (files without a span
    /// sort first).
    #[must_use]
    pub fn position(&self) -> usize {
        self.labels()
            .and_then(|mut labels| labels.next())
            .map_or(0, |label| label.offset())
    }

    /// Whether this diagnostic fails a run (errors do, warnings do not).
    #[must_use]
    pub fn is_error(&self) -> bool {
        if let Diagnostic::TooManyDiagnostics { errors, .. } = self {
            return *errors;
        }
        !matches!(
            self.severity(),
            Some(miette::Severity::Warning | miette::Severity::Advice)
        )
    }

    /// The text that replaces what the primary label points at, when the
    /// help proposes one (`did you mean `X`?`): an editor's quick fix.
    #[must_use]
    pub fn replacement(&self) -> Option<String> {
        if let Diagnostic::RenamedParameter { new, .. } = self {
            return Some(new.clone());
        }
        let help = self.help()?.to_string();
        let rest = &help[help.find("did you mean `")? + "did you mean `".len()..];
        let word = &rest[..rest.find('`')?];
        // The header's fix names the whole header; the label, the version.
        let word = word.strip_prefix("onefront ").unwrap_or(word);
        (!word.is_empty()).then(|| word.to_owned())
    }

    /// The stable code, such as `onefront::P1`.
    #[must_use]
    pub fn code_text(&self) -> String {
        self.code().map(|c| c.to_string()).unwrap_or_default()
    }
}

/// At most this many diagnostics per file are kept: enough for any real
/// file, and output stays bounded for absurd ones.
pub const MAX_DIAGNOSTICS: usize = 1000;

/// "a, b or c" for lists of alternatives in messages.
#[must_use]
pub fn one_of(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    join_or(&quoted)
}

/// "`a`, `b` and `c`" for lists of everything in messages.
#[must_use]
pub fn all_of(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    join_and(&quoted)
}

/// "a, b or c".
#[must_use]
pub fn join_or(items: &[String]) -> String {
    join(items, "or", "something else")
}

/// "a, b and c".
#[must_use]
pub fn join_and(items: &[String]) -> String {
    join(items, "and", "nothing")
}

fn join(items: &[String], word: &str, none: &str) -> String {
    match items {
        [] => none.to_owned(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {word} {last}", init.join(", ")),
    }
}

/// The texts spans point into, by source id: the files checked together
/// and the embedded stdlibs.
#[derive(Debug, Clone, Default)]
pub struct Sources<'a> {
    entries: Vec<(SourceId, &'a str, &'a str)>,
}

impl<'a> Sources<'a> {
    /// Registers source `id`, called `name`, holding `text`.
    pub fn add(&mut self, id: SourceId, name: &'a str, text: &'a str) {
        self.entries.push((id, name, text));
    }

    /// The name and text of source `id`.
    #[must_use]
    pub fn get(&self, id: SourceId) -> Option<(&'a str, &'a str)> {
        self.entries
            .iter()
            .find(|(at, _, _)| *at == id)
            .map(|(_, name, text)| (*name, *text))
    }
}

impl Diagnostic {
    /// The places a diagnostic names besides its labels, which may lie in
    /// another file than the one it is reported on (a port published by a
    /// front-end of another file): each with its label.
    #[must_use]
    pub fn elsewhere(&self) -> Vec<(Span, String)> {
        match self {
            Diagnostic::Duplicate { first, .. } => vec![(*first, "first given here".to_owned())],
            Diagnostic::VolumeNameTwice { first, .. } => {
                vec![(*first, "first given here".to_owned())]
            }
            Diagnostic::Collision {
                first: Some(first),
                first_publisher,
                ..
            } => vec![(*first, format!("{first_publisher} publishes it here"))],
            _ => Vec::new(),
        }
    }

    /// The source a diagnostic is about when it is not the file it is
    /// reported on: a fault of the stdlib points into the stdlib.
    #[must_use]
    pub fn home(&self) -> Option<SourceId> {
        match self {
            Diagnostic::StdlibFault { span, .. } => Some(span.source),
            _ => None,
        }
    }
}
