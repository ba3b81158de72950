//! Resolving what runs where: volumes, left-out and external services, and
//! the user's container blocks against the layout.

use indexmap::IndexMap;

use super::Resolver;
use crate::diagnostic::{Choice, Diagnostic, Thing};
use crate::ir::resolved::{ContainerSpec, Resolved, Volume};
use crate::reference::types;
use crate::span::{Ident, Span, Spanned};
use crate::syntax::ast::{self, ContainerBlock, Stmt, ValueKind, VolumeSource};

impl Resolver<'_> {
    /// The volume names a layout knows.
    pub(super) fn layout_volumes(&self, layout: &str) -> Vec<String> {
        match self.reference.layouts.get(layout) {
            Some(l) if !l.containers.is_empty() => l
                .containers
                .iter()
                .flat_map(|c| c.volumes.iter().map(|(name, _)| name.clone()))
                .collect(),
            _ => self.reference.volumes.keys().cloned().collect(),
        }
    }

    pub(super) fn volume(
        &mut self,
        volume: &ast::VolumeStmt,
        known: &[String],
        volumes: &mut IndexMap<String, Volume>,
    ) {
        if !known.contains(&volume.name.text) {
            if let Some(same_place) = self.volume_at_same_path(&volume.name.text, known) {
                self.report(Diagnostic::UnknownName {
                    kind: Thing::Volume,
                    name: volume.name.text.clone(),
                    span: volume.name.span,
                    choice: Choice::AtSamePath(same_place),
                });
                return;
            }
            let known: Vec<&str> = known.iter().map(String::as_str).collect();
            self.unknown(Thing::Volume, &volume.name, &known);
            return;
        }
        if let VolumeSource::Named(Some(name)) = &volume.source {
            let ident = Ident {
                text: name.node.clone(),
                span: name.span,
            };
            self.check_name(Thing::Volume, &ident);
        }
        if let Some(first) = volumes.get(&volume.name.text) {
            self.duplicate(Thing::Volume, &volume.name, first.span);
            return;
        }
        volumes.insert(
            volume.name.text.clone(),
            Volume {
                name: volume.name.clone(),
                source: volume.source.clone(),
                span: volume.span,
            },
        );
    }

    /// For a canonical volume that a layout names otherwise (the all-in-one
    /// `opennebula_db` for `opennebula_mysql`): the layout's name for the
    /// volume at the same path.
    pub(super) fn volume_at_same_path(&self, name: &str, known: &[String]) -> Option<String> {
        let path = &self.reference.volumes.get(name)?.path;
        self.reference
            .layouts
            .values()
            .flat_map(|l| l.containers.iter().flat_map(|c| c.volumes.iter()))
            .find(|(other, at)| at == path && known.contains(other))
            .map(|(other, _)| other.clone())
    }

    /// A service that can be left out or run in a container of its own.
    pub(super) fn deployable_service(&mut self, service: &Ident) -> bool {
        if self.reference.services.contains_key(&service.text)
            && !self.reference.runs_everything(&service.text)
            && self.reference.container_of(&service.text).is_some()
        {
            return true;
        }
        let known: Vec<&str> = self
            .reference
            .services
            .values()
            .filter(|s| s.container.is_some())
            .map(|s| s.name.as_str())
            .collect();
        self.unknown(Thing::Service, service, &known);
        false
    }

    pub(super) fn external(&mut self, service: &Ident, host: &ast::Value, resolved: &mut Resolved) {
        if !self.deployable_service(service) {
            return;
        }
        let locator = self
            .reference
            .params
            .values()
            .find(|p| p.locates.as_deref() == Some(&service.text));
        let Some(locator) = locator else {
            self.report(Diagnostic::NotExternal {
                service: service.text.clone(),
                span: service.span,
            });
            return;
        };
        let text = match types::check(&locator.ty, &host.kind) {
            // O6, alone: kept as the external host, so that no rule reports
            // the service as missing.
            _ if host.kind.is_placeholder() => {
                let statement = format!("external {service}");
                self.report(Diagnostic::Placeholder {
                    param: statement,
                    expected: locator.ty.expected(),
                    span: host.span,
                    doc: locator.doc.clone(),
                });
                types::render_literal(&host.kind).unwrap_or_default()
            }
            Ok(text) => text,
            Err(mismatch) => {
                self.wrong_type(&format!("external {service}"), host, mismatch);
                return;
            }
        };
        if let Some(first) = resolved.externals.get(&service.text) {
            self.duplicate(Thing::ExternalService, service, first.span);
            return;
        }
        resolved.externals.insert(
            service.text.clone(),
            Spanned {
                node: text,
                span: service.span.to(host.span),
            },
        );
    }

    pub(super) fn container(
        &mut self,
        block: &ContainerBlock,
        resolved: &Resolved,
    ) -> ContainerSpec {
        let custom = self
            .reference
            .layouts
            .get(&resolved.layout_name)
            .is_some_and(|l| !l.per_service && l.containers.is_empty());
        let mut seen: IndexMap<String, Span> = resolved
            .containers
            .iter()
            .map(|c| (c.name.text.clone(), c.name.span))
            .collect();
        self.once(&mut seen, Thing::Container, &block.name);
        if !self.reference.layouts.contains_key(&resolved.layout_name) {
            // An unknown layout (reported): its containers are unknown too.
        } else if custom {
            self.check_name(Thing::Container, &block.name);
            self.custom_container(block);
        } else {
            self.layout_container(block, resolved);
        }
        let mut spec = ContainerSpec {
            name: block.name.clone(),
            runs: block.runs.clone(),
            env: Vec::new(),
            volumes: IndexMap::new(),
            mounts: Vec::new(),
            privileged: None,
            capabilities: None,
            span: block.span,
        };
        let runs_all = block
            .runs
            .as_ref()
            .is_some_and(|r| self.reference.runs_everything(&r.text));
        let known = if custom && runs_all {
            self.reference
                .all_in_one_container()
                .map(|c| c.volumes.iter().map(|(name, _)| name.clone()).collect())
                .unwrap_or_default()
        } else if custom {
            self.reference.volumes.keys().cloned().collect()
        } else {
            self.layout_volumes(&resolved.layout_name)
        };
        let mut env_seen = IndexMap::new();
        for stmt in &block.stmts {
            match stmt {
                Stmt::Env(assignments) => {
                    let settings = self.env(assignments, &mut env_seen);
                    spec.env.extend(settings);
                }
                Stmt::Volume(volume) => self.volume(volume, &known, &mut spec.volumes),
                Stmt::Mount(mount) => spec.mounts.push(mount.clone()),
                Stmt::Privileged(on) => spec.privileged = Some(on.clone()),
                Stmt::Capabilities(list) => spec.capabilities = self.capabilities(list),
                _ => {}
            }
        }
        spec
    }

    /// `capabilities [...]`: Linux capability names, such as `SYS_ADMIN`.
    pub(super) fn capabilities(&mut self, list: &ast::Value) -> Option<Spanned<Vec<String>>> {
        let ValueKind::List(items) = &list.kind else {
            return None;
        };
        let mut names = Vec::new();
        for item in items {
            match &item.kind {
                ValueKind::Word(w) | ValueKind::Str(w)
                    if !w.is_empty() && w.chars().all(|c| c.is_ascii_uppercase() || c == '_') =>
                {
                    names.push(w.trim_start_matches("CAP_").to_owned());
                }
                _ => self.report(Diagnostic::NotACapability {
                    found: item.kind.literal(),
                    span: item.span,
                }),
            }
        }
        Some(Spanned {
            node: names,
            span: list.span,
        })
    }

    pub(super) fn custom_container(&mut self, block: &ContainerBlock) {
        let Some(runs) = &block.runs else {
            self.report(Diagnostic::NoRuns {
                container: block.name.text.clone(),
                span: block.name.span,
            });
            self.gaps.shape = true;
            return;
        };
        if !self.reference.services.contains_key(&runs.text) {
            let known: Vec<&str> = self.reference.services.keys().map(String::as_str).collect();
            self.unknown(Thing::Service, runs, &known);
            self.gaps.shape = true;
        }
    }

    /// A container block that adjusts a container of a stdlib layout.
    pub(super) fn layout_container(&mut self, block: &ContainerBlock, resolved: &Resolved) {
        let names = self.layout_container_names(&resolved.layout_name);
        if let Some(runs) = &block.runs {
            self.report(Diagnostic::RunsInStdlibLayout {
                layout: resolved.layout_name.clone(),
                span: runs.span,
            });
        }
        if !names.contains(&block.name.text) {
            let known: Vec<&str> = names.iter().map(String::as_str).collect();
            self.unknown(Thing::Container, &block.name, &known);
        }
    }

    pub(super) fn layout_container_names(&self, layout: &str) -> Vec<String> {
        match self.reference.layouts.get(layout) {
            Some(l) if l.per_service => self
                .reference
                .services
                .values()
                .filter_map(|s| s.container.clone())
                .collect(),
            Some(l) => l.containers.iter().map(|c| c.name.clone()).collect(),
            None => Vec::new(),
        }
    }
}
