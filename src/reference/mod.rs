//! The embedded `stdlib` -> typed tables of the reference. Every fact about the
//! OpenNebula image lives in `stdlib/*.onefront`; this module only gives it
//! types so that the later stages can look things up.

pub mod types;

use std::sync::OnceLock;

use indexmap::IndexMap;

use crate::diagnostic::{Definition, Diagnostic, Fault, Once};
use crate::kinds::{Meaning, Protocol, RestartPolicy, Word};
use crate::span::{Ident, SourceId, Span};
use crate::syntax::ast::{self, Applies, Def, InternalPort, ServiceSet};
use types::ParamType;

/// The stdlibs compiled into the binary: (version, pseudo-path, text).
pub const STDLIBS: &[(&str, &str, &str)] = &[
    (
        "5.13",
        "<stdlib/opennebula-5.13>",
        include_str!("../../stdlib/opennebula-5.13.onefront"),
    ),
    (
        "6.0",
        "<stdlib/opennebula-6.0>",
        include_str!("../../stdlib/opennebula-6.0.onefront"),
    ),
    (
        "6.2",
        "<stdlib/opennebula-6.2>",
        include_str!("../../stdlib/opennebula-6.2.onefront"),
    ),
];

/// The versions this binary knows, for messages.
#[must_use]
pub fn versions() -> Vec<&'static str> {
    STDLIBS.iter().map(|(version, _, _)| *version).collect()
}

/// Which services a parameter concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Services {
    Every,
    Some(Vec<String>),
}

impl Services {
    /// Whether `service` is in the set (`*` holds every service).
    #[must_use]
    pub fn contains(&self, service: &str) -> bool {
        match self {
            Services::Every => true,
            Services::Some(list) => list.iter().any(|s| s == service),
        }
    }

    /// `*` or `a,b,c`, as the reference tables write it.
    #[must_use]
    pub fn to_table(&self) -> String {
        match self {
            Services::Every => "*".to_owned(),
            Services::Some(list) if list.is_empty() => "-".to_owned(),
            Services::Some(list) => list.join(","),
        }
    }

    fn from_ast(set: Option<&ServiceSet>) -> Self {
        match set {
            Some(ServiceSet::Every) => Services::Every,
            Some(ServiceSet::Some(list)) => {
                Services::Some(list.iter().map(|i| i.text.clone()).collect())
            }
            None => Services::Some(Vec::new()),
        }
    }
}

/// A value of `OPENNEBULA_FRONTEND_SERVICE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub name: String,
    pub container: Option<String>,
    pub privileged: bool,
    pub caps: Vec<String>,
    /// Services it cannot work without (C8, error).
    pub needs: Vec<String>,
    /// Services it works badly without (C8, warning).
    pub wants: Vec<String>,
    /// Whether it is one service, or the value that runs every service or
    /// none.
    pub runs: Runs,
    pub doc: String,
}

/// What a value of the service parameter runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runs {
    One,
    Everything,
    Nothing,
}

/// An image parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: String,
    pub ty: ParamType,
    /// The default as the image's env files write it.
    pub default: Option<String>,
    pub multi: bool,
    pub reads: Services,
    pub required: Services,
    pub secret: bool,
    /// For `*_HOST` parameters: the service whose container they name.
    pub locates: Option<String>,
    /// The parameter that must come with this one (P6).
    pub pairs_with: Option<String>,
    /// The other form of the same thing (P6).
    pub alternative_to: Option<String>,
    /// The statement of the language that sets it.
    pub means: Option<Meaning>,
    /// The names earlier versions gave it (rule P9, `migrate`).
    pub renamed_from: Vec<String>,
    pub doc: String,
}

/// A port the image listens on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listen {
    pub port: u16,
    pub protocol: Protocol,
    pub service: String,
    pub when: Option<String>,
    pub internal: bool,
    pub published: bool,
    pub follows: Option<String>,
    pub doc: String,
}

/// A canonical volume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volume {
    pub name: String,
    pub path: String,
    pub implicit: bool,
    pub used_by: Vec<String>,
    /// Services that mount it at another path: (service, path).
    pub mounted: Vec<(String, String)>,
    pub doc: String,
}

impl Volume {
    /// Where a container running `service` mounts this volume.
    #[must_use]
    pub fn path_in(&self, service: &str) -> &str {
        self.mounted
            .iter()
            .find(|(s, _)| s == service)
            .map_or(self.path.as_str(), |(_, path)| path.as_str())
    }
}

/// A significant directory without a canonical volume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directory {
    pub path: String,
    pub implicit: bool,
    pub unshared: bool,
    pub doc: String,
}

/// Where a deploy parameter applies in the reference layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeployScope {
    Every { except: Option<String> },
    Container(String),
}

impl DeployScope {
    /// Whether the deploy parameter applies to the container `name`.
    #[must_use]
    pub fn covers(&self, name: &str) -> bool {
        match self {
            DeployScope::Every { except } => except.as_deref() != Some(name),
            DeployScope::Container(container) => container == name,
        }
    }
}

/// A deploy parameter of the reference compose layout (`.env`).
#[derive(Debug, Clone, PartialEq)]
pub struct Deploy {
    pub name: String,
    pub ty: ParamType,
    pub default: Option<String>,
    pub scope: DeployScope,
    /// The image parameter it sets, and the container that parameter is set in.
    pub sets: Option<(String, Option<String>)>,
    /// The statement of the language that sets it.
    pub means: Option<Meaning>,
    /// The names earlier versions gave it (rule P9, `migrate`).
    pub renamed_from: Vec<String>,
    pub doc: String,
}

/// The container side of a published role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Internal {
    Same,
    Fixed(u16),
    Deploy(String),
}

/// A published port role, such as `sunstone.http`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub name: String,
    pub service: String,
    /// The deploy parameter holding the published port.
    pub external: String,
    pub internal: Internal,
    pub plain: Option<u16>,
    pub tls: Option<u16>,
    /// The deploy parameter holding the host address.
    pub bind: String,
    pub protocols: Vec<Protocol>,
    /// The port on which the host runs its own service (sshd on 22, N6).
    pub clashes_with_host: Option<u16>,
    pub doc: String,
}

/// A container that a layout defines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayoutContainer {
    pub name: String,
    pub runs: String,
    pub privileged: bool,
    pub caps: Vec<String>,
    pub volumes: Vec<(String, String)>,
}

/// A layout: how services are spread over containers.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub name: String,
    pub restart: RestartPolicy,
    /// Image parameters the layout sets: (name, value as the env file writes it).
    pub env: Vec<(String, String)>,
    pub per_service: bool,
    pub containers: Vec<LayoutContainer>,
    pub doc: String,
}

/// A rule of the reference, with its explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleInfo {
    pub id: String,
    /// Whether its findings can be errors.
    pub error: bool,
    /// Whether its findings can be warnings.
    pub warning: bool,
    pub title: String,
    pub doc: String,
    pub wrong: Option<String>,
    pub right: Option<String>,
}

/// The whole reference, typed.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub name: String,
    pub version: String,
    /// The version this reference extends, if any.
    pub extends: Option<String>,
    pub doc: String,
    /// The service value that runs every service in one container (`all`).
    pub everything: String,
    /// The service value that runs none (`none`).
    pub nothing: Option<String>,
    /// The layout of a deployment that names none.
    pub default_layout: String,
    /// The restart policy of a layout that names none.
    pub default_restart: RestartPolicy,
    pub services: IndexMap<String, Service>,
    pub params: IndexMap<String, Param>,
    pub listens: Vec<Listen>,
    pub volumes: IndexMap<String, Volume>,
    pub directories: Vec<Directory>,
    pub deploys: IndexMap<String, Deploy>,
    pub roles: IndexMap<String, Role>,
    pub layouts: IndexMap<String, Layout>,
    pub rules: IndexMap<String, RuleInfo>,
}

impl Reference {
    /// The embedded stdlib for `version`, `None` if there is none. Each is
    /// parsed once per process, when first asked for (with the stdlibs it
    /// extends): a file of one version does not pay for the others.
    #[must_use]
    pub fn load(version: &str) -> Option<Result<&'static Reference, Diagnostic>> {
        static LOADED: [OnceLock<Result<Reference, Diagnostic>>; STDLIBS.len()] =
            [const { OnceLock::new() }; STDLIBS.len()];
        let index = STDLIBS.iter().position(|(v, _, _)| *v == version)?;
        let loaded = LOADED[index].get_or_init(|| {
            // Only an earlier stdlib can be a base: no cycle can form.
            let base = |wanted: &str| {
                STDLIBS[..index]
                    .iter()
                    .any(|(v, _, _)| *v == wanted)
                    .then(|| Reference::load(wanted)?.ok())
                    .flatten()
            };
            Self::from_source(SourceId::stdlib(index), STDLIBS[index].2, &base)
        });
        Some(loaded.as_ref().map_err(Clone::clone))
    }

    /// Parses and types a stdlib text. Any problem is a fault of the stdlib,
    /// which ships with the binary and is tested: its diagnostic points into
    /// the stdlib's text (source `id`).
    /// A reference that `extends` a version builds on the one `base`
    /// gives for that version.
    pub fn from_source(
        id: SourceId,
        text: &str,
        base: &dyn Fn(&str) -> Option<&'static Reference>,
    ) -> Result<Reference, Diagnostic> {
        let file = crate::syntax::parse(id, text).map_err(|errors| {
            let first = errors.into_iter().next();
            let at = first.as_ref().map_or(0, Diagnostic::position);
            Diagnostic::StdlibFault {
                fault: Fault::Unparsable(first.map(Box::new)),
                span: Span::new(id, at, at),
            }
        })?;
        let reference = file
            .references
            .into_iter()
            .next()
            .ok_or(Diagnostic::StdlibFault {
                fault: Fault::NoReference,
                span: Span::new(id, 0, 0),
            })?;
        let base = match &reference.extends {
            Some(version) => {
                Some(
                    base(&version.text)
                        .cloned()
                        .ok_or_else(|| Diagnostic::StdlibFault {
                            fault: Fault::UnknownBase(version.text.clone()),
                            span: version.span,
                        })?,
                )
            }
            None => None,
        };
        build(reference, base)
    }

    /// The container of a stdlib layout that runs every service.
    #[must_use]
    pub fn all_in_one_container(&self) -> Option<&LayoutContainer> {
        self.layouts
            .values()
            .flat_map(|l| l.containers.iter())
            .find(|c| c.runs == self.everything)
    }

    /// Whether a container running `service` runs every service.
    #[must_use]
    pub fn runs_everything(&self, service: &str) -> bool {
        service == self.everything
    }

    /// Whether a container running `container_service` runs `service`.
    #[must_use]
    pub fn runs(&self, container_service: &str, service: &str) -> bool {
        container_service == service || self.runs_everything(container_service)
    }

    /// Whether a container running `service` reads `param`: the services
    /// its `reads` names, and the one that runs every service.
    #[must_use]
    pub fn reads(&self, param: &Param, service: &str) -> bool {
        self.runs_everything(service) || param.reads.contains(service)
    }

    /// The bool parameter under which `service` listens on `port` (`when X`).
    #[must_use]
    pub fn switch_of(&self, service: &str, port: Option<u16>) -> Option<&str> {
        let port = port?;
        self.listens
            .iter()
            .find(|l| l.service == service && l.port == port && l.when.is_some())
            .and_then(|l| l.when.as_deref())
    }

    /// The parameter a statement of the language sets (`means NAME`).
    #[must_use]
    pub fn param_meaning(&self, meaning: Meaning) -> Option<&Param> {
        self.params.values().find(|p| p.means == Some(meaning))
    }

    /// The deploy parameter a statement of the language sets.
    #[must_use]
    pub fn deploy_meaning(&self, meaning: Meaning) -> Option<&Deploy> {
        self.deploys.values().find(|d| d.means == Some(meaning))
    }

    /// The reference container name of a service, if it has one.
    #[must_use]
    pub fn container_of(&self, service: &str) -> Option<&str> {
        self.services.get(service)?.container.as_deref()
    }
}

fn build(ast: ast::Reference, base: Option<Reference>) -> Result<Reference, Diagnostic> {
    let doc = ast
        .docs
        .into_iter()
        .map(|d| d.node)
        .collect::<Vec<_>>()
        .join(" ");
    let mut reference = match base {
        Some(base) => Reference {
            name: ast.name.text,
            version: ast.version.text,
            extends: Some(base.version.clone()),
            doc: if doc.is_empty() {
                base.doc.clone()
            } else {
                doc
            },
            ..base
        },
        None => Reference {
            name: ast.name.text,
            version: ast.version.text,
            extends: None,
            doc,
            everything: String::new(),
            nothing: None,
            default_layout: String::new(),
            default_restart: RestartPolicy::Always,
            services: IndexMap::new(),
            params: IndexMap::new(),
            listens: Vec::new(),
            volumes: IndexMap::new(),
            directories: Vec::new(),
            deploys: IndexMap::new(),
            roles: IndexMap::new(),
            layouts: IndexMap::new(),
            rules: IndexMap::new(),
        },
    };
    let whole = ast.span;
    let fault = |fault| Diagnostic::StdlibFault { fault, span: whole };
    // The default restart first: layouts that name none take it.
    let restarts: Vec<&Ident> = ast
        .defs
        .iter()
        .filter_map(|d| match d {
            Def::DefaultRestart(policy) => Some(policy),
            _ => None,
        })
        .collect();
    match restarts.as_slice() {
        [policy] => {
            reference.default_restart = word(policy).map_err(|fault| Diagnostic::StdlibFault {
                fault,
                span: policy.span,
            })?;
        }
        [] if reference.extends.is_some() => {}
        _ => {
            return Err(fault(Fault::NotOnce {
                what: Once::DefaultRestart,
                count: restarts.len(),
            }));
        }
    }
    for def in ast.defs {
        let span = def.name_span();
        add(&mut reference, def).map_err(|fault| Diagnostic::StdlibFault { fault, span })?;
    }
    complete(&mut reference).map_err(fault)?;
    Ok(reference)
}

/// Checks what every reference must say, and records the services that run
/// every service or none.
fn complete(reference: &mut Reference) -> Result<(), Fault> {
    let everything: Vec<&Service> = reference
        .services
        .values()
        .filter(|s| s.runs == Runs::Everything)
        .collect();
    let [everything] = everything.as_slice() else {
        return Err(Fault::NotOnce {
            what: Once::RunsEverything,
            count: everything.len(),
        });
    };
    reference.everything = everything.name.clone();
    reference.nothing = reference
        .services
        .values()
        .find(|s| s.runs == Runs::Nothing)
        .map(|s| s.name.clone());
    if !reference.layouts.contains_key(&reference.default_layout) {
        return Err(Fault::Undefined {
            what: Definition::DefaultLayout,
            name: reference.default_layout.clone(),
        });
    }
    for meaning in Meaning::ALL {
        let count = reference
            .params
            .values()
            .filter(|p| p.means == Some(*meaning))
            .count()
            + reference
                .deploys
                .values()
                .filter(|d| d.means == Some(*meaning))
                .count();
        if count > 1 {
            return Err(Fault::NotOnce {
                what: Once::Meaning(*meaning),
                count,
            });
        }
    }
    for role in reference.roles.values() {
        if !reference.deploys.contains_key(&role.bind) {
            return Err(Fault::Undefined {
                what: Definition::DeployParameter,
                name: role.bind.clone(),
            });
        }
    }
    Ok(())
}

fn add(reference: &mut Reference, def: Def) -> Result<(), Fault> {
    match def {
        Def::Service(s) => {
            let service = Service {
                name: s.name.text.clone(),
                container: s.container.map(|c| c.text),
                privileged: s.privileged,
                caps: s.caps.into_iter().map(|c| c.text).collect(),
                needs: s.needs.into_iter().map(|c| c.text).collect(),
                wants: s.wants.into_iter().map(|c| c.text).collect(),
                runs: match (s.runs_everything, s.runs_nothing) {
                    (true, _) => Runs::Everything,
                    (false, true) => Runs::Nothing,
                    (false, false) => Runs::One,
                },
                doc: s.doc,
            };
            reference.services.insert(s.name.text, service);
        }
        Def::Param(p) => {
            let param = param(p)?;
            reference.params.insert(param.name.clone(), param);
        }
        Def::Listen(l) => reference.listens.push(Listen {
            port: port(l.port.node)?,
            protocol: word(&l.protocol)?,
            service: l.service.text,
            when: l.when.map(|w| w.text),
            internal: l.internal,
            published: l.published,
            follows: l.follows.map(|f| f.text),
            doc: l.doc,
        }),
        Def::Volume(v) => {
            let volume = Volume {
                name: v.name.text.clone(),
                path: v.path.node,
                implicit: v.implicit,
                used_by: v.used_by.into_iter().map(|u| u.text).collect(),
                mounted: v
                    .mounted
                    .into_iter()
                    .map(|(s, p)| (s.text, p.node))
                    .collect(),
                doc: v.doc,
            };
            reference.volumes.insert(v.name.text, volume);
        }
        Def::Directory(d) => reference.directories.push(Directory {
            path: d.path.node,
            implicit: d.implicit,
            unshared: d.unshared,
            doc: d.doc,
        }),
        Def::Deploy(d) => {
            let deploy = deploy(d)?;
            reference.deploys.insert(deploy.name.clone(), deploy);
        }
        Def::Publish(p) => {
            let role = role(p)?;
            reference.roles.insert(role.name.clone(), role);
        }
        Def::Layout(l) => {
            let layout = layout(l, reference.default_restart)?;
            reference.layouts.insert(layout.name.clone(), layout);
        }
        Def::DefaultLayout(name) => reference.default_layout = name.text,
        // Read before the other definitions (see `build`).
        Def::DefaultRestart(_) => {}
        Def::Default { name, value } => {
            if let Some(param) = reference.params.get_mut(&name.text) {
                param.default = typed_default(&param.ty, &value, &name.text)?;
            } else if let Some(deploy) = reference.deploys.get_mut(&name.text) {
                deploy.default = typed_default(&deploy.ty, &value, &name.text)?;
            } else {
                return Err(Fault::Undefined {
                    what: Definition::Parameter,
                    name: name.text,
                });
            }
        }
        Def::Rule(r) => {
            let rule = RuleInfo {
                id: r.id.text.clone(),
                error: r.error,
                warning: r.warning,
                title: r.title,
                doc: r.doc,
                wrong: r.wrong,
                right: r.right,
            };
            reference.rules.insert(r.id.text, rule);
        }
    }
    Ok(())
}

fn port(value: u64) -> Result<u16, Fault> {
    u16::try_from(value)
        .ok()
        .filter(|p| *p > 0)
        .ok_or(Fault::NotAPort(value))
}

fn typed(
    ty: &ast::TypeExpr,
    default: Option<&ast::Value>,
    name: &str,
) -> Result<(ParamType, Option<String>), Fault> {
    let ty = ParamType::from_ast(ty).ok_or_else(|| Fault::UnknownType(name.to_owned()))?;
    let default = match default {
        Some(value) => typed_default(&ty, value, name)?,
        None => None,
    };
    Ok((ty, default))
}

/// A default checked against its parameter's type.
fn typed_default(ty: &ParamType, value: &ast::Value, name: &str) -> Result<Option<String>, Fault> {
    types::check(ty, &value.kind)
        .map(Some)
        .map_err(|m| Fault::BadDefault {
            name: name.to_owned(),
            expected: m.expected,
        })
}

/// A `means` word of the closed set.
fn meaning(means: Option<&Ident>) -> Result<Option<Meaning>, Fault> {
    means.map(word).transpose()
}

fn param(p: ast::ParamDef) -> Result<Param, Fault> {
    let (ty, default) = typed(&p.ty, p.default.as_ref(), &p.name.text)?;
    Ok(Param {
        name: p.name.text,
        ty,
        default,
        multi: p.table.is_some_and(|t| t.text == "multi"),
        reads: Services::from_ast(p.reads.as_ref()),
        required: Services::from_ast(p.required.as_ref()),
        secret: p.secret,
        locates: p.locates.map(|l| l.text),
        pairs_with: p.pairs_with.map(|l| l.text),
        alternative_to: p.alternative_to.map(|l| l.text),
        means: meaning(p.means.as_ref())?,
        renamed_from: p.renamed_from.into_iter().map(|n| n.text).collect(),
        doc: p.doc,
    })
}

fn deploy(d: ast::DeployDef) -> Result<Deploy, Fault> {
    let (ty, default) = typed(&d.ty, d.default.as_ref(), &d.name.text)?;
    let scope = match d.applies {
        Some(Applies::Every { except }) => DeployScope::Every {
            except: except.map(|e| e.text),
        },
        Some(Applies::Container(c)) => DeployScope::Container(c.text),
        None => return Err(Fault::AppliesNowhere(d.name.text)),
    };
    Ok(Deploy {
        name: d.name.text,
        ty,
        default,
        scope,
        sets: d
            .sets
            .map(|(param, container)| (param.text, container.map(|c| c.text))),
        means: meaning(d.means.as_ref())?,
        renamed_from: d.renamed_from.into_iter().map(|n| n.text).collect(),
        doc: d.doc,
    })
}

/// A word of a closed set, such as a protocol or a restart policy.
fn word<K: Word>(ident: &Ident) -> Result<K, Fault> {
    K::parse(&ident.text).ok_or_else(|| Fault::NoneOf {
        word: ident.text.clone(),
        words: K::names(),
    })
}

fn role(p: ast::PublishDef) -> Result<Role, Fault> {
    let name = p.role.text;
    let missing = |statement: &'static str| Fault::RoleLacks {
        role: name.clone(),
        statement,
    };
    let internal = match p.internal.ok_or_else(|| missing("internal"))? {
        InternalPort::Same => Internal::Same,
        InternalPort::Fixed(n) => Internal::Fixed(port(n.node)?),
        InternalPort::Deploy(d) => Internal::Deploy(d.text),
    };
    let mut protocols: Vec<Protocol> = p.protocols.iter().map(word).collect::<Result<_, _>>()?;
    if protocols.is_empty() {
        protocols.push(Protocol::Tcp);
    }
    Ok(Role {
        service: p.service.text,
        external: p.external.ok_or_else(|| missing("external"))?.text,
        internal,
        plain: p.plain.map(|n| port(n.node)).transpose()?,
        tls: p.tls.map(|n| port(n.node)).transpose()?,
        bind: p.bind.ok_or_else(|| missing("bind"))?.text,
        protocols,
        clashes_with_host: p.clashes_with_host.map(|n| port(n.node)).transpose()?,
        doc: p.doc,
        name,
    })
}

fn layout(l: ast::LayoutDef, default_restart: RestartPolicy) -> Result<Layout, Fault> {
    let mut env = Vec::new();
    for assignment in l.env {
        let value =
            types::render_literal(&assignment.value.kind).ok_or_else(|| Fault::NotLiteral {
                layout: l.name.text.clone(),
                param: assignment.name.text.clone(),
            })?;
        env.push((assignment.name.text, value));
    }
    Ok(Layout {
        restart: l.restart.as_ref().map_or(Ok(default_restart), word)?,
        env,
        per_service: l.per_service,
        containers: l
            .containers
            .into_iter()
            .map(|c| LayoutContainer {
                name: c.name.text,
                runs: c.runs.text,
                privileged: c.privileged,
                caps: c.caps.into_iter().map(|c| c.text).collect(),
                volumes: c
                    .volumes
                    .into_iter()
                    .map(|(n, p)| (n.text, p.node))
                    .collect(),
            })
            .collect(),
        doc: l.doc,
        name: l.name.text,
    })
}
