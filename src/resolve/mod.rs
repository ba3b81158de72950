//! Resolve: syntax tree + reference -> resolved deployments
//! ([`crate::ir::resolved`]): every name looked up in the stdlib (parameters
//! P1, services, roles, volumes, layouts, containers), every value checked
//! against its type (P2), every statement given once. Collects all
//! diagnostics instead of stopping at the first. `settings.rs` resolves
//! parameters and ports, `containers.rs` what runs where.

mod containers;
mod settings;

use indexmap::IndexMap;
use indexmap::map::Entry;

use crate::diagnostic::{Choice, Diagnostic, ImageFault, NameFault, Thing};
use crate::ir::resolved::{Gaps, Image, Resolved};
use crate::kinds::{ComposeFlavour, RestartPolicy, Runtime, RuntimeKind, Word};
use crate::reference::Reference;
use crate::span::{Ident, Span, Spanned};
use crate::suggest::closest;
use crate::syntax::ast::{self, Stmt};

/// Resolves every deployment of a file against `reference`.
#[must_use]
pub fn resolve(file: &ast::File, reference: &Reference) -> (Vec<Resolved>, Vec<Diagnostic>) {
    let mut resolver = Resolver {
        reference,
        diagnostics: Vec::new(),
        gaps: Gaps::default(),
    };
    let mut names: IndexMap<String, Span> = IndexMap::new();
    let mut deployments = Vec::new();
    for deployment in &file.deployments {
        resolver.once(&mut names, Thing::Deployment, &deployment.name);
        resolver.deployment_name(&deployment.name);
        deployments.push(resolver.deployment(deployment));
    }
    (deployments, resolver.diagnostics)
}

struct Resolver<'r> {
    reference: &'r Reference,
    diagnostics: Vec<Diagnostic>,
    /// What the deployment being resolved could not resolve.
    gaps: Gaps,
}

/// A name the environment can hold: letters, digits and `_`, not first a digit.
pub(super) fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// What makes an image reference one that Docker and Podman refuse when
/// they pull it (`docker compose config` lets them through): the grammar
/// of the distribution reference, `[domain[:port]/]path:tag`, where a
/// domain is a first component with `.` or `:` in it (or `localhost`, or
/// capitals), path components are lower case, and the tag is required
/// here, since the deploy parameters hold one.
fn image_fault(text: &str) -> Option<ImageFault> {
    if text.contains(char::is_whitespace) {
        return Some(ImageFault::Blank);
    }
    let Some((name, tag)) = text.rsplit_once(':').filter(|(_, tag)| !tag.contains('/')) else {
        return Some(ImageFault::NoTag);
    };
    let tag_ok = tag.len() <= 128
        && tag.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        && tag
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if !tag_ok {
        return Some(ImageFault::BadTag(tag.to_owned()));
    }
    if name.len() > 255 {
        return Some(ImageFault::TooLong);
    }
    let mut parts: Vec<&str> = name.split('/').collect();
    let first = parts.first().copied().unwrap_or_default();
    let is_domain = parts.len() > 1
        && (first.contains(['.', ':'])
            || first == "localhost"
            || first.chars().any(|c| c.is_ascii_uppercase()));
    if is_domain {
        if !is_registry(first) {
            return Some(ImageFault::BadRegistry(first.to_owned()));
        }
        parts.remove(0);
    }
    parts
        .iter()
        .find(|part| !is_path_component(part))
        .map(|part| {
            if part.is_empty() {
                ImageFault::EmptyComponent
            } else {
                ImageFault::BadComponent((*part).to_owned())
            }
        })
}

/// `host[:port]`, a host being DNS labels joined by `.` or an IPv6
/// address in brackets.
fn is_registry(text: &str) -> bool {
    if let Some(rest) = text.strip_prefix('[') {
        let Some((address, port)) = rest.split_once(']') else {
            return false;
        };
        let port_ok = port.is_empty()
            || port
                .strip_prefix(':')
                .is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
        return address.parse::<std::net::Ipv6Addr>().is_ok() && port_ok;
    }
    let (host, port) = text.split_once(':').unwrap_or((text, "1"));
    let label = |l: &str| {
        !l.is_empty()
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    host.split('.').all(label) && !port.is_empty() && port.chars().all(|c| c.is_ascii_digit())
}

/// `[a-z0-9]+` joined by `.`, `_`, `__` or a run of `-`.
fn is_path_component(part: &str) -> bool {
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    let mut previous_separator: Option<char> = None;
    let mut run = 0;
    if !part.starts_with(alnum) || !part.ends_with(alnum) {
        return false;
    }
    for c in part.chars() {
        if alnum(c) {
            previous_separator = None;
            run = 0;
            continue;
        }
        run += 1;
        let allowed = match (c, previous_separator) {
            ('-', None | Some('-')) | ('_' | '.', None) => true,
            ('_', Some('_')) => run == 2,
            _ => false,
        };
        if !allowed {
            return false;
        }
        previous_separator = Some(c);
    }
    true
}

/// What makes a deployment name one that Compose or Docker refuses: a
/// project name is `[a-z0-9][a-z0-9_-]*` and a container name at least two
/// characters; units and DNS names stop at 63.
fn deployment_name_fault(name: &str) -> Option<NameFault> {
    let Some(first) = name.chars().next() else {
        return Some(NameFault::Empty);
    };
    if !(first.is_ascii_lowercase() || first.is_ascii_digit()) {
        return Some(NameFault::StartsWith(first));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == '-'))
    {
        return Some(NameFault::Holds(bad));
    }
    match name.len() {
        1 => Some(NameFault::OneCharacter),
        n if n > 63 => Some(NameFault::TooLong(n)),
        _ => None,
    }
}

/// O4: a deployment's name is its Compose project's, its single
/// container's, its folder's and its unit's: what Compose and Docker
/// accept for all of them. The diagnostic of a name they refuse, if it is.
#[must_use]
pub fn deployment_name(ident: &Ident) -> Option<Diagnostic> {
    let fault = deployment_name_fault(&ident.text)?;
    let mut fixed: String = ident
        .text
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    fixed = fixed
        .trim_start_matches(['-', '_'])
        .chars()
        .take(63)
        .collect();
    while fixed.len() < 2 {
        fixed.push_str("-1");
        let dashes = fixed.len() - fixed.trim_start_matches('-').len();
        fixed.drain(..dashes);
    }
    Some(Diagnostic::DeploymentName {
        name: ident.text.clone(),
        fault,
        span: ident.span,
        fixed,
    })
}

/// Compose project, service and volume names: lower case, digits, `_` and `-`.
fn is_plain_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        && name.len() <= 63
}

impl Resolver<'_> {
    pub(super) fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Reports `ident` given again, `first` where it was first given.
    pub(super) fn duplicate(&mut self, kind: Thing, ident: &Ident, first: Span) {
        self.report(Diagnostic::Duplicate {
            kind,
            name: ident.text.clone(),
            span: ident.span,
            first,
        });
    }

    /// Records `ident` in `seen`, reporting a duplicate.
    pub(super) fn once(
        &mut self,
        seen: &mut IndexMap<String, Span>,
        kind: Thing,
        ident: &Ident,
    ) -> bool {
        match seen.entry(ident.text.clone()) {
            Entry::Occupied(first) => {
                self.duplicate(kind, ident, *first.get());
                false
            }
            Entry::Vacant(slot) => {
                slot.insert(ident.span);
                true
            }
        }
    }

    /// O4 (see [`deployment_name`]).
    fn deployment_name(&mut self, ident: &Ident) {
        if let Some(diagnostic) = deployment_name(ident) {
            self.report(diagnostic);
        }
    }

    pub(super) fn check_name(&mut self, kind: Thing, ident: &Ident) {
        if !is_plain_name(&ident.text) {
            let lower = ident.text.to_lowercase().replace(
                |c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'),
                "-",
            );
            self.report(Diagnostic::BadName {
                kind,
                name: ident.text.clone(),
                span: ident.span,
                suggestion: lower.trim_start_matches(['-', '_']).to_owned(),
            });
        }
    }

    pub(super) fn unknown(&mut self, kind: Thing, ident: &Ident, known: &[&str]) {
        let choice = match closest(&ident.text, known.iter().copied()) {
            Some(near) => Choice::DidYouMean(near.to_owned()),
            None => Choice::OneOf(known.iter().map(|k| (*k).to_owned()).collect()),
        };
        self.report(Diagnostic::UnknownName {
            kind,
            name: ident.text.clone(),
            span: ident.span,
            choice,
        });
    }

    /// A word of a closed set ([`crate::kinds`]); reports one it is not.
    pub(super) fn kind<K: Word>(&mut self, what: Thing, word: &Ident) -> Option<Spanned<K>> {
        let Some(node) = K::parse(&word.text) else {
            self.unknown(what, word, &K::names());
            return None;
        };
        Some(Spanned {
            node,
            span: word.span,
        })
    }

    fn deployment(&mut self, deployment: &ast::Deployment) -> Resolved {
        let layout = deployment.stmts.iter().find_map(|s| match s {
            Stmt::Layout(layout) => Some(layout.clone()),
            _ => None,
        });
        let layout_name = self.layout(layout.as_ref());
        let mut resolved = Resolved {
            name: deployment.name.clone(),
            span: deployment.span,
            layout,
            layout_name,
            image: None,
            bind: None,
            bind_ssh: None,
            restart: None,
            maintenance: None,
            env: Vec::new(),
            publishes: IndexMap::new(),
            volumes: IndexMap::new(),
            mounts: Vec::new(),
            without: IndexMap::new(),
            externals: IndexMap::new(),
            containers: Vec::new(),
            runtime: None,
            compose: None,
            gaps: Gaps::default(),
        };
        let mut singles: IndexMap<String, Span> = IndexMap::new();
        let mut env_seen = IndexMap::new();
        for stmt in &deployment.stmts {
            self.stmt(stmt, &mut resolved, &mut singles, &mut env_seen);
        }
        self.layout_fits(&resolved);
        resolved.gaps = std::mem::take(&mut self.gaps);
        resolved
    }

    /// Statements that only make sense with several containers, or a custom
    /// layout that lists none.
    fn layout_fits(&mut self, resolved: &Resolved) {
        let Some(layout) = self.reference.layouts.get(&resolved.layout_name) else {
            return;
        };
        let single = layout.containers.len() == 1;
        let custom = !layout.per_service && layout.containers.is_empty();
        let at = resolved
            .layout
            .as_ref()
            .map_or(resolved.name.span, |l| l.span);
        if custom && resolved.containers.is_empty() {
            self.report(Diagnostic::EmptyCustomLayout { span: at });
            self.gaps.shape = true;
        }
        if !single {
            return;
        }
        let misplaced = resolved
            .without
            .values()
            .map(|span| (*span, "without"))
            .chain(resolved.externals.values().map(|e| (e.span, "external")));
        for (span, statement) in misplaced.collect::<Vec<_>>() {
            self.report(Diagnostic::NeedsSeparateContainers {
                statement,
                span,
                layout: resolved.layout_name.clone(),
            });
        }
    }

    /// The layout in effect; reports an unknown one.
    fn layout(&mut self, layout: Option<&Ident>) -> String {
        let Some(layout) = layout else {
            return self.reference.default_layout.clone();
        };
        if !self.reference.layouts.contains_key(&layout.text) {
            let known: Vec<&str> = self.reference.layouts.keys().map(String::as_str).collect();
            self.unknown(Thing::Layout, layout, &known);
            self.gaps.shape = true;
        }
        layout.text.clone()
    }

    fn stmt(
        &mut self,
        stmt: &Stmt,
        resolved: &mut Resolved,
        singles: &mut IndexMap<String, Span>,
        env_seen: &mut IndexMap<String, Span>,
    ) {
        let mut single = |this: &mut Self, what: &str, span: Span| {
            let ident = Ident {
                text: what.to_owned(),
                span,
            };
            this.once(singles, Thing::Statement, &ident)
        };
        match stmt {
            Stmt::Image(image) => {
                if single(self, "image", image.span) {
                    resolved.image = self.image(image);
                }
            }
            Stmt::Layout(layout) => {
                single(self, "layout", layout.span);
            }
            Stmt::Bind { ssh, address } => {
                let what = if *ssh { "bind ssh" } else { "bind" };
                if single(self, what, address.span) {
                    self.placeholder_address(what, address);
                    let slot = if *ssh {
                        &mut resolved.bind_ssh
                    } else {
                        &mut resolved.bind
                    };
                    *slot = Some(address.clone());
                }
            }
            Stmt::Restart(policy) => {
                if single(self, "restart", policy.span) {
                    resolved.restart = self.kind::<RestartPolicy>(Thing::RestartPolicy, policy);
                }
            }
            Stmt::Maintenance(on) => {
                if single(self, "maintenance", on.span) {
                    resolved.maintenance = Some(on.clone());
                }
            }
            Stmt::Env(assignments) => {
                let settings = self.env(assignments, env_seen);
                resolved.env.extend(settings);
            }
            Stmt::Publish(publish) => self.publish(publish, &mut resolved.publishes),
            Stmt::Volume(volume) => {
                let volumes = self.layout_volumes(&resolved.layout_name);
                self.volume(volume, &volumes, &mut resolved.volumes);
            }
            Stmt::Mount(mount) => resolved.mounts.push(mount.clone()),
            Stmt::Without(services) => {
                for service in services {
                    if self.deployable_service(service) {
                        self.once(&mut resolved.without, Thing::LeftOutService, service);
                    }
                }
            }
            Stmt::External { service, host } => self.external(service, host, resolved),
            Stmt::Container(block) => {
                let spec = self.container(block, resolved);
                resolved.containers.push(spec);
            }
            Stmt::Runtime { name, rootless } => {
                if single(self, "runtime", name.span) {
                    let kind = self.kind::<RuntimeKind>(Thing::Runtime, name);
                    resolved.runtime = kind.map(|kind| Spanned {
                        node: Runtime {
                            kind: kind.node,
                            rootless: *rootless,
                        },
                        span: name.span,
                    });
                }
            }
            Stmt::Compose(flavour) => {
                if single(self, "compose", flavour.span) {
                    resolved.compose = self.kind::<ComposeFlavour>(Thing::ComposeFlavour, flavour);
                }
            }
            // Only in container blocks (the grammar sees to it).
            Stmt::Privileged(_) | Stmt::Capabilities(_) => {}
        }
    }

    fn image(&mut self, image: &Spanned<String>) -> Option<Spanned<Image>> {
        let text = &image.node;
        let split = text
            .rsplit_once(':')
            .filter(|(_, tag)| !tag.contains('/'))
            .map(|(path, tag)| match path.rsplit_once('/') {
                Some((registry, name)) => (format!("{registry}/"), name, tag),
                None => (String::new(), path, tag),
            });
        let fault = image_fault(text);
        let (Some((registry, name, tag)), None) = (split, &fault) else {
            self.report(Diagnostic::BadImage {
                text: text.clone(),
                fault: fault.unwrap_or(ImageFault::NoTag),
                span: image.span,
            });
            return None;
        };
        Some(Spanned {
            node: Image {
                registry,
                name: name.to_owned(),
                tag: tag.to_owned(),
            },
            span: image.span,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::image_fault;

    /// Docker and Podman refuse these at pull time; `config` does not.
    #[test]
    fn image_references_follow_the_distribution_grammar() {
        for bad in [
            "OpenNebula:5.13",
            "x:y:z",
            "a//b:c",
            "one-:1",
            "a___b:1",
            "x:-1",
            "ab",
            "/a:1",
        ] {
            assert!(image_fault(bad).is_some(), "{bad}");
        }
        for good in [
            "opennebula:5.13",
            "registry.example.com:5000/one/opennebula:5.13",
            "localhost/one:1",
            "a__b:1",
            "a--b:1",
            "a.b/c:d",
            "one/two-three_four.five:6.0_beta-1",
            "[::1]:5000/x:y",
        ] {
            assert_eq!(image_fault(good), None, "{good}");
        }
    }
}
