//! Source text -> syntax tree. The only file that sees pest's `Pair`s: one
//! small function per grammar rule. Literal errors (a bad escape, an address
//! octet over 255, an integer too large) are collected, not fatal, so that a
//! file reports all of them at once.

use std::cell::Cell;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::{PoisonError, RwLock};

use pest::Parser as _;
use pest::iterators::Pair;

use super::ast::{
    Applies, Assignment, ContainerBlock, Def, DeployDef, Deployment, DirectoryDef, File, Ident,
    InternalPort, LayoutContainer, LayoutDef, ListenDef, Mount, ParamDef, PortSide, Publish,
    PublishDef, PublishTarget, Reference, RuleDef, ServiceDef, ServiceSet, Span, Spanned, Stmt,
    TypeExpr, Value, ValueKind, VolumeDef, VolumeSource, VolumeStmt,
};
use super::{expected, slips};
use crate::diagnostic::Diagnostic;
use crate::span::SourceId;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/onefront.pest"]
pub(crate) struct Grammar;

/// Inputs larger than this are refused before parsing: no real deployment
/// comes near it, and pest's memory grows with the input.
pub const MAX_SOURCE_BYTES: usize = 8 * 1024 * 1024;

thread_local! {
    /// The source being parsed: [`span`] reads it, so that the many small
    /// builders of the tree need not pass it along.
    static PARSING: Cell<SourceId> = const { Cell::new(SourceId(0)) };
}

/// Parses one file, whose spans will say `id`. On failure, every syntax
/// diagnostic found.
pub fn parse(id: SourceId, source: &str) -> Result<File, Vec<Diagnostic>> {
    match parse_recovering(id, source) {
        (Some(file), errors) if errors.is_empty() => Ok(file),
        (_, errors) => Err(errors),
    }
}

/// After this many syntax errors in one file, the parser stops looking.
pub const MAX_SYNTAX_ERRORS: usize = 100;

/// Parses one file and goes on after a syntax error: the broken statement
/// is reported and left out (see `slips.rs`), and the rest is parsed. The
/// tree of what did parse (none if the file is beyond repair), and every
/// syntax diagnostic, in the order found.
#[must_use]
pub fn parse_recovering(id: SourceId, source: &str) -> (Option<File>, Vec<Diagnostic>) {
    PARSING.with(|current| current.set(id));
    if source.len() > MAX_SOURCE_BYTES {
        let too_large = Diagnostic::TooLarge {
            size: source.len(),
            limit: MAX_SOURCE_BYTES,
        };
        return (None, vec![too_large]);
    }
    if let Err(errors) = check_nesting(id, source) {
        return (None, errors);
    }
    // Most files parse: try without error detail first, which costs pest
    // a record of every literal it tries (several times the parse).
    {
        let _off = DETAIL.read().unwrap_or_else(PoisonError::into_inner);
        if let Ok(mut pairs) = Grammar::parse(Rule::file, source) {
            let mut parser = Parser::default();
            let file = pairs.next().map(|pair| parser.file(pair));
            return (file, parser.errors);
        }
    }
    // Error detail makes pest record the literals it expected (`{`, `}`,
    // `=`) and the furthest position reached, for messages in words.
    let _writing = DETAIL.write().unwrap_or_else(PoisonError::into_inner);
    let _on = DetailOn::new();
    let mut work = source.to_owned();
    let mut errors: Vec<Diagnostic> = Vec::new();
    while errors.len() < MAX_SYNTAX_ERRORS {
        let error = match Grammar::parse(Rule::file, &work) {
            Ok(mut pairs) => {
                let mut parser = Parser::default();
                let file = pairs.next().map(|pair| parser.file(pair));
                errors.extend(parser.errors);
                return (file, errors);
            }
            Err(error) => error,
        };
        let reported: Vec<usize> = errors
            .iter()
            .filter_map(|e| match e {
                Diagnostic::UnclosedBlock { span, .. } => Some(span.start),
                _ => None,
            })
            .collect();
        let diagnostic = expected::syntax_error(id, &work, &error, &reported);
        let at = diagnostic.position();
        let header_missing = matches!(&diagnostic, Diagnostic::Syntax { expected, .. } if expected.0.iter().any(|e| e.contains("header")));
        let again = errors
            .iter()
            .any(|e| e.position() == at && *e == diagnostic);
        if again {
            break;
        }
        let recovered = !header_missing && slips::recover(&mut work, at, &diagnostic);
        errors.push(diagnostic);
        if !recovered {
            break;
        }
    }
    (None, errors)
}

/// pest's error detail is one flag for the whole process, read when a parse
/// starts. A parse with detail holds this lock for writing, with the flag
/// on; every other parse holds it for reading, with the flag off (pest's
/// default). So no parse runs with another's setting: a file parsed in two
/// threads at once gets the same messages as alone.
static DETAIL: RwLock<()> = RwLock::new(());

/// Error detail on while it lives (under `DETAIL`'s write lock), off again
/// on every way out.
struct DetailOn;

impl DetailOn {
    fn new() -> Self {
        pest::set_error_detail(true);
        DetailOn
    }
}

impl Drop for DetailOn {
    fn drop(&mut self) {
        pest::set_error_detail(false);
    }
}

/// How deep lists may nest: no parameter takes nested lists, and pest's
/// recursion must stay far from the end of the stack.
pub const MAX_NESTING: usize = 16;

/// Refuses deeply nested brackets before pest recurses into them.
fn check_nesting(id: SourceId, source: &str) -> Result<(), Vec<Diagnostic>> {
    let mut depth = 0usize;
    let (mut in_string, mut in_comment, mut escaped) = (false, false, false);
    for (at, c) in source.char_indices() {
        match c {
            '\n' => (in_comment, in_string) = (false, false),
            _ if in_comment => {}
            '\\' if in_string && !escaped => {
                escaped = true;
                continue;
            }
            '"' if !escaped => in_string = !in_string,
            '#' if !in_string => in_comment = true,
            '[' if !in_string => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(vec![Diagnostic::TooDeep {
                        depth,
                        limit: MAX_NESTING,
                        span: Span::new(id, at, at + 1),
                    }]);
                }
            }
            ']' if !in_string => depth = depth.saturating_sub(1),
            _ => {}
        }
        escaped = false;
    }
    Ok(())
}

#[derive(Default)]
struct Parser {
    errors: Vec<Diagnostic>,
}

/// A pair's span without the blanks and comments that pest's implicit
/// whitespace takes in before a trailing optional that did not match
/// (`publish ROLE PORT` followed by a comment and `from` absent).
fn span(pair: &Pair<'_, Rule>) -> Span {
    let whole = pair.as_span();
    let last_child = pair
        .clone()
        .into_inner()
        .flatten()
        .map(|p| p.as_span().end())
        .max();
    let end = match last_child {
        Some(child_end) if child_end < whole.end() => {
            let tail = &whole.get_input()[child_end..whole.end()];
            if is_blank(tail) {
                child_end
            } else {
                whole.end()
            }
        }
        _ => whole.end(),
    };
    Span::new(PARSING.with(Cell::get), whole.start(), end)
}

/// Only whitespace and comments.
fn is_blank(text: &str) -> bool {
    text.lines().all(|line| {
        let line = line.trim_start();
        line.is_empty() || line.starts_with('#')
    })
}

fn ident(pair: &Pair<'_, Rule>) -> Ident {
    Ident {
        text: pair.as_str().to_owned(),
        span: span(pair),
    }
}

/// The children of a pair that are not keywords.
fn parts(pair: Pair<'_, Rule>) -> impl Iterator<Item = Pair<'_, Rule>> {
    pair.into_inner()
        .filter(|p| !expected::is_keyword(p.as_rule()))
}

fn has(pair: &Pair<'_, Rule>, rule: Rule) -> bool {
    pair.clone().into_inner().any(|p| p.as_rule() == rule)
}

impl Parser {
    fn file(&mut self, pair: Pair<'_, Rule>) -> File {
        let mut file = File {
            version: Ident {
                text: String::new(),
                span: Span::default(),
            },
            deployments: Vec::new(),
            references: Vec::new(),
        };
        for item in pair.into_inner() {
            match item.as_rule() {
                Rule::header => {
                    if let Some(version) = parts(item).next() {
                        file.version = ident(&version);
                    }
                }
                Rule::deployment => file.deployments.push(self.deployment(item)),
                Rule::reference => file.references.push(self.reference(item)),
                _ => {}
            }
        }
        file
    }

    fn deployment(&mut self, pair: Pair<'_, Rule>) -> Deployment {
        let whole = span(&pair);
        let mut inner = parts(pair);
        let name = ident_or_missing(inner.next(), whole);
        let stmts = inner.filter_map(|p| self.stmt(p)).collect();
        Deployment {
            name,
            stmts,
            span: whole,
        }
    }

    fn stmt(&mut self, pair: Pair<'_, Rule>) -> Option<Stmt> {
        Some(match pair.as_rule() {
            Rule::image_stmt => Stmt::Image(self.string(parts(pair).next()?)),
            Rule::layout_stmt => Stmt::Layout(ident(&parts(pair).next()?)),
            Rule::bind_stmt => self.bind_stmt(pair)?,
            Rule::restart_stmt => Stmt::Restart(ident(&parts(pair).next()?)),
            Rule::maintenance_stmt => {
                let value = parts(pair).next()?;
                Stmt::Maintenance(Spanned {
                    node: boolean(&value),
                    span: span(&value),
                })
            }
            Rule::env_block => Stmt::Env(self.env_block(pair)),
            Rule::publish_stmt => Stmt::Publish(self.publish_stmt(pair)?),
            Rule::volume_stmt => Stmt::Volume(self.volume_stmt(pair)?),
            Rule::mount_stmt => Stmt::Mount(Self::mount_stmt(pair)?),
            Rule::without_stmt => Stmt::Without(names(parts(pair).next()?)),
            Rule::external_stmt => {
                let mut inner = parts(pair);
                let service = ident(&inner.next()?);
                let host = self.value(inner.next()?);
                Stmt::External { service, host }
            }
            Rule::container_block => Stmt::Container(self.container_block(pair)),
            Rule::runtime_stmt => Stmt::Runtime {
                rootless: has(&pair, Rule::kw_rootless),
                name: ident(&parts(pair).next()?),
            },
            Rule::compose_stmt => Stmt::Compose(ident(&parts(pair).next()?)),
            Rule::privileged_set => {
                let value = parts(pair).next()?;
                Stmt::Privileged(Spanned {
                    node: boolean(&value),
                    span: span(&value),
                })
            }
            Rule::capabilities_stmt => Stmt::Capabilities(self.value(parts(pair).next()?)),
            _ => return None,
        })
    }

    fn bind_stmt(&mut self, pair: Pair<'_, Rule>) -> Option<Stmt> {
        let ssh = has(&pair, Rule::kw_ssh);
        let address = self.address(&parts(pair).next()?);
        Some(Stmt::Bind { ssh, address })
    }

    fn env_block(&mut self, pair: Pair<'_, Rule>) -> Vec<Assignment> {
        parts(pair).filter_map(|p| self.assignment(p)).collect()
    }

    fn assignment(&mut self, pair: Pair<'_, Rule>) -> Option<Assignment> {
        let mut inner = parts(pair);
        let name = ident(&inner.next()?);
        let value = self.value(inner.next()?);
        Some(Assignment { name, value })
    }

    fn publish_stmt(&mut self, pair: Pair<'_, Rule>) -> Option<Publish> {
        let whole = span(&pair);
        let mut role = None;
        let mut address = None;
        let mut port = None;
        let mut side = None;
        for part in parts(pair) {
            match part.as_rule() {
                Rule::role => role = Some(ident(&part)),
                Rule::host_port => {
                    for piece in part.into_inner() {
                        if piece.as_rule() == Rule::integer {
                            port = Some(self.integer(&piece));
                        } else {
                            address = Some(self.address(&piece));
                        }
                    }
                }
                Rule::port_side => {
                    let node = if has(&part, Rule::kw_tls) {
                        PortSide::Tls
                    } else {
                        PortSide::Plain
                    };
                    side = Some(Spanned {
                        node,
                        span: span(&part),
                    });
                }
                _ => {}
            }
        }
        let target = port.map(|port| PublishTarget {
            address,
            port,
            side,
        });
        Some(Publish {
            role: role?,
            target,
            span: whole,
        })
    }

    fn volume_stmt(&mut self, pair: Pair<'_, Rule>) -> Option<VolumeStmt> {
        let whole = span(&pair);
        let mut inner = parts(pair);
        let name = ident(&inner.next()?);
        let source_pair = inner.next()?;
        let source = if source_pair.as_rule() == Rule::named_volume {
            VolumeSource::Named(parts(source_pair).next().map(|p| self.string(p)))
        } else if source_pair.as_rule() == Rule::anonymous_volume {
            VolumeSource::Anonymous
        } else {
            let readonly = has(&source_pair, Rule::kw_readonly);
            let host = path(&parts(source_pair).next()?);
            VolumeSource::Bind { host, readonly }
        };
        Some(VolumeStmt {
            name,
            source,
            span: whole,
        })
    }

    fn mount_stmt(pair: Pair<'_, Rule>) -> Option<Mount> {
        let whole = span(&pair);
        let readonly = has(&pair, Rule::kw_readonly);
        let mut inner = parts(pair);
        let host = path(&inner.next()?);
        let target = path(&inner.next()?);
        Some(Mount {
            host,
            target,
            readonly,
            span: whole,
        })
    }

    fn container_block(&mut self, pair: Pair<'_, Rule>) -> ContainerBlock {
        let whole = span(&pair);
        let runs_given = has(&pair, Rule::kw_runs);
        let mut inner = parts(pair).peekable();
        let name = ident_or_missing(inner.next(), whole);
        let runs = if runs_given {
            inner.next().map(|p| ident(&p))
        } else {
            None
        };
        let stmts = inner.filter_map(|p| self.stmt(p)).collect();
        ContainerBlock {
            name,
            runs,
            stmts,
            span: whole,
        }
    }

    // -----------------------------------------------------------------------
    // Values
    // -----------------------------------------------------------------------

    fn value(&mut self, pair: Pair<'_, Rule>) -> Value {
        let whole = span(&pair);
        let kind = match pair.as_rule() {
            Rule::secret_value => {
                ValueKind::Secret(parts(pair).next().map(|p| self.string(p).node))
            }
            Rule::boolean => ValueKind::Bool(boolean(&pair), pair.as_str().to_owned()),
            Rule::list => ValueKind::List(parts(pair).map(|p| self.value(p)).collect()),
            Rule::string => ValueKind::Str(self.string(pair).node),
            Rule::ipv4 | Rule::ipv6 => ValueKind::Address(self.address(&pair).node),
            Rule::path_value => ValueKind::Path(pair.as_str().to_owned()),
            Rule::integer => ValueKind::Int(self.integer(&pair).node),
            _ => ValueKind::Word(pair.as_str().to_owned()),
        };
        Value { kind, span: whole }
    }

    fn string(&mut self, pair: Pair<'_, Rule>) -> Spanned<String> {
        let whole = span(&pair);
        let mut text = String::new();
        for piece in pair.into_inner().flat_map(Pair::into_inner) {
            match piece.as_rule() {
                Rule::escape => match unescape(piece.as_str()) {
                    Some(c) => text.push(c),
                    None if piece.as_str().starts_with("\\u{") => {
                        self.errors.push(Diagnostic::BadCodePoint {
                            escape: piece.as_str().to_owned(),
                            span: span(&piece),
                        });
                    }
                    None => self.errors.push(Diagnostic::BadEscape {
                        escape: piece.as_str().to_owned(),
                        span: span(&piece),
                    }),
                },
                _ => text.push_str(piece.as_str()),
            }
        }
        Spanned {
            node: text,
            span: whole,
        }
    }

    fn integer(&mut self, pair: &Pair<'_, Rule>) -> Spanned<u64> {
        let node = pair.as_str().parse().unwrap_or_else(|_| {
            self.errors
                .push(Diagnostic::IntegerTooLarge { span: span(pair) });
            0
        });
        Spanned {
            node,
            span: span(pair),
        }
    }

    fn address(&mut self, pair: &Pair<'_, Rule>) -> Spanned<IpAddr> {
        let text = pair.as_str();
        let parsed = match pair.as_rule() {
            Rule::ipv6 => text
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<Ipv6Addr>()
                .map(IpAddr::V6),
            _ => text.parse::<Ipv4Addr>().map(IpAddr::V4),
        };
        let node = parsed.unwrap_or_else(|_| {
            self.errors.push(Diagnostic::BadAddress {
                text: text.to_owned(),
                span: span(pair),
            });
            IpAddr::V4(Ipv4Addr::UNSPECIFIED)
        });
        Spanned {
            node,
            span: span(pair),
        }
    }

    // -----------------------------------------------------------------------
    // The stdlib
    // -----------------------------------------------------------------------

    fn reference(&mut self, pair: Pair<'_, Rule>) -> Reference {
        let whole = span(&pair);
        let mut inner = parts(pair);
        let name = ident_or_missing(inner.next(), whole);
        let version = ident_or_missing(inner.next(), whole);
        let mut reference = Reference {
            span: whole,
            name,
            version,
            extends: None,
            docs: Vec::new(),
            defs: Vec::new(),
        };
        for def in inner {
            if def.as_rule() == Rule::version {
                reference.extends = Some(ident(&def));
            } else if def.as_rule() == Rule::doc_stmt {
                reference.docs.push(self.doc(def));
            } else if let Some(def) = self.def(def) {
                reference.defs.push(def);
            }
        }
        reference
    }

    fn def(&mut self, pair: Pair<'_, Rule>) -> Option<Def> {
        Some(match pair.as_rule() {
            Rule::service_def => Def::Service(self.service_def(pair)?),
            Rule::param_def => Def::Param(self.param_def(pair)?),
            Rule::listen_def => Def::Listen(self.listen_def(pair)?),
            Rule::volume_def => Def::Volume(self.volume_def(pair)?),
            Rule::directory_def => Def::Directory(self.directory_def(pair)?),
            Rule::deploy_def => Def::Deploy(self.deploy_def(pair)?),
            Rule::publish_def => Def::Publish(self.publish_def(pair)?),
            Rule::layout_def => Def::Layout(self.layout_def(pair)?),
            Rule::rule_def => Def::Rule(self.rule_def(pair)?),
            Rule::default_layout_stmt => Def::DefaultLayout(first_ident(pair)?),
            Rule::default_restart_stmt => Def::DefaultRestart(first_ident(pair)?),
            Rule::default_stmt => {
                let mut inner = parts(pair);
                let name = ident(&inner.next()?);
                let value = self.value(inner.next()?);
                Def::Default { name, value }
            }
            _ => return None,
        })
    }

    fn doc(&mut self, pair: Pair<'_, Rule>) -> Spanned<String> {
        let whole = span(&pair);
        parts(pair).next().map_or_else(
            || Spanned {
                node: String::new(),
                span: whole,
            },
            |p| self.string(p),
        )
    }

    fn service_def(&mut self, pair: Pair<'_, Rule>) -> Option<ServiceDef> {
        let mut inner = parts(pair);
        let mut def = ServiceDef {
            name: ident(&inner.next()?),
            container: None,
            privileged: false,
            caps: Vec::new(),
            needs: Vec::new(),
            wants: Vec::new(),
            runs_everything: false,
            runs_nothing: false,
            doc: String::new(),
        };
        for stmt in inner {
            match stmt.as_rule() {
                Rule::doc_stmt => def.doc = self.doc(stmt).node,
                Rule::needs_stmt => def
                    .needs
                    .extend(parts(stmt).next().map(names).unwrap_or_default()),
                Rule::wants_stmt => def
                    .wants
                    .extend(parts(stmt).next().map(names).unwrap_or_default()),
                Rule::reference_container => def.container = first_ident(stmt),
                Rule::privileged_stmt => def.privileged = true,
                Rule::cap_stmt => def.caps.extend(first_ident(stmt)),
                Rule::runs_everything_stmt => def.runs_everything = true,
                Rule::runs_nothing_stmt => def.runs_nothing = true,
                _ => {}
            }
        }
        Some(def)
    }

    fn param_def(&mut self, pair: Pair<'_, Rule>) -> Option<ParamDef> {
        let mut inner = parts(pair);
        let (name, ty, default, stmts) = typed_head(self, &mut inner)?;
        let mut def = ParamDef {
            name,
            ty,
            default,
            table: None,
            reads: None,
            required: None,
            secret: false,
            locates: None,
            pairs_with: None,
            alternative_to: None,
            means: None,
            renamed_from: Vec::new(),
            doc: String::new(),
        };
        for stmt in stmts {
            match stmt.as_rule() {
                Rule::doc_stmt => def.doc = self.doc(stmt).node,
                Rule::table_stmt => def.table = first_ident(stmt),
                Rule::reads_stmt => def.reads = service_set(stmt),
                Rule::required_stmt => def.required = service_set(stmt),
                Rule::secret_stmt => def.secret = true,
                Rule::locates_stmt => def.locates = first_ident(stmt),
                Rule::pairs_stmt => def.pairs_with = first_ident(stmt),
                Rule::renamed_stmt => def.renamed_from.extend(first_ident(stmt)),
                Rule::alternative_stmt => def.alternative_to = first_ident(stmt),
                Rule::means_stmt => def.means = first_ident(stmt),
                _ => {}
            }
        }
        Some(def)
    }

    fn listen_def(&mut self, pair: Pair<'_, Rule>) -> Option<ListenDef> {
        let mut inner = parts(pair);
        let mut port_proto = inner.next()?.into_inner();
        let port = self.integer(&port_proto.next()?);
        let protocol = ident(&port_proto.next()?);
        let mut def = ListenDef {
            port,
            protocol,
            service: ident(&inner.next()?),
            when: None,
            internal: false,
            published: false,
            follows: None,
            doc: String::new(),
        };
        for stmt in inner {
            match stmt.as_rule() {
                Rule::doc_stmt => def.doc = self.doc(stmt).node,
                Rule::when_stmt => def.when = first_ident(stmt),
                Rule::internal_stmt => def.internal = true,
                Rule::published_stmt => def.published = true,
                Rule::follows_stmt => def.follows = first_ident(stmt),
                _ => {}
            }
        }
        Some(def)
    }

    fn volume_def(&mut self, pair: Pair<'_, Rule>) -> Option<VolumeDef> {
        let mut inner = parts(pair);
        let mut def = VolumeDef {
            name: ident(&inner.next()?),
            path: path(&inner.next()?),
            implicit: false,
            used_by: Vec::new(),
            mounted: Vec::new(),
            doc: String::new(),
        };
        for stmt in inner {
            match stmt.as_rule() {
                Rule::doc_stmt => def.doc = self.doc(stmt).node,
                Rule::implicit_stmt => def.implicit = true,
                Rule::used_by_stmt => def.used_by = parts(stmt).next().map(names)?,
                Rule::mounted_stmt => {
                    let mut p = parts(stmt);
                    let service = ident(&p.next()?);
                    def.mounted.push((service, path(&p.next()?)));
                }
                _ => {}
            }
        }
        Some(def)
    }

    fn directory_def(&mut self, pair: Pair<'_, Rule>) -> Option<DirectoryDef> {
        let mut inner = parts(pair);
        let mut def = DirectoryDef {
            path: path(&inner.next()?),
            implicit: false,
            unshared: false,
            doc: String::new(),
        };
        for stmt in inner {
            match stmt.as_rule() {
                Rule::doc_stmt => def.doc = self.doc(stmt).node,
                Rule::implicit_stmt => def.implicit = true,
                Rule::unshared_stmt => def.unshared = true,
                _ => {}
            }
        }
        Some(def)
    }

    fn deploy_def(&mut self, pair: Pair<'_, Rule>) -> Option<DeployDef> {
        let mut inner = parts(pair);
        let (name, ty, default, stmts) = typed_head(self, &mut inner)?;
        let mut def = DeployDef {
            name,
            ty,
            default,
            applies: None,
            sets: None,
            means: None,
            renamed_from: Vec::new(),
            doc: String::new(),
        };
        for stmt in stmts {
            match stmt.as_rule() {
                Rule::doc_stmt => def.doc = self.doc(stmt).node,
                Rule::applies_stmt => def.applies = applies(stmt),
                Rule::means_stmt => def.means = first_ident(stmt),
                Rule::renamed_stmt => def.renamed_from.extend(first_ident(stmt)),
                Rule::sets_stmt => {
                    let mut p = parts(stmt);
                    let param = ident(&p.next()?);
                    def.sets = Some((param, p.next().map(|c| ident(&c))));
                }
                _ => {}
            }
        }
        Some(def)
    }

    fn publish_def(&mut self, pair: Pair<'_, Rule>) -> Option<PublishDef> {
        let mut inner = parts(pair);
        let mut def = PublishDef {
            role: ident(&inner.next()?),
            service: ident(&inner.next()?),
            external: None,
            internal: None,
            plain: None,
            tls: None,
            bind: None,
            protocols: Vec::new(),
            clashes_with_host: None,
            doc: String::new(),
        };
        for stmt in inner {
            match stmt.as_rule() {
                Rule::doc_stmt => def.doc = self.doc(stmt).node,
                Rule::external_def => def.external = first_ident(stmt),
                Rule::internal_def => def.internal = self.internal_port(stmt),
                Rule::plain_def => def.plain = parts(stmt).next().map(|p| self.integer(&p)),
                Rule::tls_def => def.tls = parts(stmt).next().map(|p| self.integer(&p)),
                Rule::bind_def => def.bind = first_ident(stmt),
                Rule::protocols_def => def.protocols = parts(stmt).map(|p| ident(&p)).collect(),
                Rule::clashes_def => {
                    def.clashes_with_host = parts(stmt).next().map(|p| self.integer(&p));
                }
                _ => {}
            }
        }
        Some(def)
    }

    fn internal_port(&mut self, pair: Pair<'_, Rule>) -> Option<InternalPort> {
        if has(&pair, Rule::kw_same) {
            return Some(InternalPort::Same);
        }
        let part = parts(pair).next()?;
        Some(match part.as_rule() {
            Rule::integer => InternalPort::Fixed(self.integer(&part)),
            _ => InternalPort::Deploy(ident(&part)),
        })
    }

    fn layout_def(&mut self, pair: Pair<'_, Rule>) -> Option<LayoutDef> {
        let mut inner = parts(pair);
        let mut def = LayoutDef {
            name: ident(&inner.next()?),
            restart: None,
            env: Vec::new(),
            per_service: false,
            containers: Vec::new(),
            doc: String::new(),
        };
        for stmt in inner {
            match stmt.as_rule() {
                Rule::doc_stmt => def.doc = self.doc(stmt).node,
                Rule::restart_stmt => def.restart = first_ident(stmt),
                Rule::env_block => def.env.extend(self.env_block(stmt)),
                Rule::per_service_stmt => def.per_service = true,
                Rule::layout_container => def.containers.extend(layout_container(stmt)),
                _ => {}
            }
        }
        Some(def)
    }

    fn rule_def(&mut self, pair: Pair<'_, Rule>) -> Option<RuleDef> {
        let mut inner = parts(pair).peekable();
        let id = ident(&inner.next()?);
        let (mut error, mut warning) = (false, false);
        while let Some(severity) = inner.next_if(|p| p.as_rule() == Rule::severity) {
            let is_warning = has(&severity, Rule::kw_warning);
            warning |= is_warning;
            error |= !is_warning;
        }
        let title = self.string(inner.next()?).node;
        let mut def = RuleDef {
            id,
            error,
            warning,
            title,
            doc: String::new(),
            wrong: None,
            right: None,
        };
        for stmt in inner {
            match stmt.as_rule() {
                Rule::doc_stmt => def.doc = self.doc(stmt).node,
                Rule::wrong_stmt => def.wrong = Some(self.doc(stmt).node),
                Rule::right_stmt => def.right = Some(self.doc(stmt).node),
                _ => {}
            }
        }
        Some(def)
    }
}

/// `NAME: TYPE [= default]` and the statements after it.
type TypedHead<'a> = (Ident, TypeExpr, Option<Value>, Vec<Pair<'a, Rule>>);

/// Splits `NAME: TYPE [= default] { stmts }` shared by `param` and `deploy`.
fn typed_head<'a>(
    parser: &mut Parser,
    inner: &mut impl Iterator<Item = Pair<'a, Rule>>,
) -> Option<TypedHead<'a>> {
    let name = ident(&inner.next()?);
    let ty_pair = inner.next()?;
    let mut ty_parts = parts(ty_pair);
    let ty = TypeExpr {
        name: ident(&ty_parts.next()?),
        members: ty_parts.next().map(names).unwrap_or_default(),
    };
    let mut rest: Vec<_> = inner.collect();
    let default = match rest.first() {
        Some(first) if is_value(first.as_rule()) => Some(parser.value(rest.remove(0))),
        _ => None,
    };
    Some((name, ty, default, rest))
}

fn is_value(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::secret_value
            | Rule::boolean
            | Rule::list
            | Rule::string
            | Rule::ipv4
            | Rule::ipv6
            | Rule::path_value
            | Rule::integer
            | Rule::word
    )
}

fn layout_container(pair: Pair<'_, Rule>) -> Option<LayoutContainer> {
    let mut inner = parts(pair);
    let mut container = LayoutContainer {
        name: ident(&inner.next()?),
        runs: ident(&inner.next()?),
        privileged: false,
        caps: Vec::new(),
        volumes: Vec::new(),
    };
    for stmt in inner {
        match stmt.as_rule() {
            Rule::privileged_stmt => container.privileged = true,
            Rule::cap_stmt => container.caps.extend(first_ident(stmt)),
            Rule::layout_volume => {
                let mut p = parts(stmt);
                let name = ident(&p.next()?);
                container.volumes.push((name, path(&p.next()?)));
            }
            _ => {}
        }
    }
    Some(container)
}

fn applies(pair: Pair<'_, Rule>) -> Option<Applies> {
    let part = parts(pair).next()?;
    Some(match part.as_rule() {
        Rule::applies_every => Applies::Every {
            except: first_ident(part),
        },
        _ => Applies::Container(ident(&part)),
    })
}

fn service_set(pair: Pair<'_, Rule>) -> Option<ServiceSet> {
    let set = parts(pair).next()?.into_inner().next()?;
    Some(match set.as_rule() {
        Rule::every => ServiceSet::Every,
        _ => ServiceSet::Some(names(set)),
    })
}

fn first_ident(pair: Pair<'_, Rule>) -> Option<Ident> {
    parts(pair).next().map(|p| ident(&p))
}

fn names(pair: Pair<'_, Rule>) -> Vec<Ident> {
    pair.into_inner().map(|p| ident(&p)).collect()
}

fn path(pair: &Pair<'_, Rule>) -> Spanned<String> {
    Spanned {
        node: pair.as_str().to_owned(),
        span: span(pair),
    }
}

fn boolean(pair: &Pair<'_, Rule>) -> bool {
    matches!(pair.as_str(), "yes" | "true")
}

/// The name a rule must have; pest guarantees it, but a tree without it
/// still gets an (empty) name rather than a panic.
fn ident_or_missing(pair: Option<Pair<'_, Rule>>, at: Span) -> Ident {
    pair.map_or_else(
        || Ident {
            text: String::new(),
            span: at,
        },
        |p| ident(&p),
    )
}

/// Decodes one escape sequence, `None` when it is not one the language has.
fn unescape(escape: &str) -> Option<char> {
    let body = escape.strip_prefix('\\')?;
    Some(match body {
        "\"" => '"',
        "\\" => '\\',
        "n" => '\n',
        "r" => '\r',
        "t" => '\t',
        "$" => '$',
        _ => {
            let hex = body.strip_prefix("u{")?.strip_suffix('}')?;
            char::from_u32(u32::from_str_radix(hex, 16).ok()?)?
        }
    })
}
