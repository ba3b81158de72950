//! Resolving parameter settings and published ports: names against the
//! reference (P1), values against their types (P2).

use indexmap::IndexMap;

use super::{Resolver, is_variable_name};
use crate::diagnostic::{DeploySetter, Diagnostic, ParameterFix, Side, Thing};
use crate::ir::resolved::{Publish, Setting, SettingValue};
use crate::kinds::Meaning;
use crate::reference::{Deploy, Internal, Reference, types};
use crate::span::{Ident, Span, Spanned};
use crate::suggest::closest;
use crate::syntax::ast::{self, Assignment, PortSide, ValueKind};

impl Resolver<'_> {
    pub(super) fn env(
        &mut self,
        assignments: &[Assignment],
        seen: &mut IndexMap<String, Span>,
    ) -> Vec<Setting> {
        let mut settings = Vec::new();
        for assignment in assignments {
            if !self.once(seen, Thing::Parameter, &assignment.name) {
                continue;
            }
            if let Some(setting) = self.assignment(assignment) {
                settings.push(setting);
            }
        }
        settings
    }

    pub(super) fn assignment(&mut self, assignment: &Assignment) -> Option<Setting> {
        let name = &assignment.name;
        let Some(param) = self.reference.params.get(&name.text) else {
            self.unknown_parameter(name);
            return None;
        };
        if assignment.value.kind.is_placeholder() {
            // One finding, not also P2 for a string where a host belongs.
            self.report(Diagnostic::Placeholder {
                param: name.text.clone(),
                expected: param.ty.expected(),
                span: assignment.value.span,
                doc: param.doc.clone(),
            });
            self.gaps.params.insert(name.text.clone());
            return None;
        }
        let value = match &assignment.value.kind {
            ValueKind::Secret(variable) => {
                let variable = variable.clone().unwrap_or_else(|| name.text.clone());
                if !is_variable_name(&variable) {
                    self.report(Diagnostic::BadVariable {
                        name: variable,
                        span: assignment.value.span,
                    });
                    self.gaps.params.insert(name.text.clone());
                    return None;
                }
                if self.shapes_ports(&name.text) {
                    // Which ports are published follows from its value, so
                    // the value must be known when onefront compiles.
                    self.report(Diagnostic::SecretShapesPorts {
                        name: name.text.clone(),
                        span: assignment.value.span,
                    });
                    self.gaps.params.insert(name.text.clone());
                    return None;
                }
                SettingValue::Secret(variable)
            }
            kind => match types::check(&param.ty, kind) {
                Ok(text) => SettingValue::Text(text),
                Err(mismatch) => {
                    self.wrong_type(&name.text, &assignment.value, mismatch);
                    self.gaps.params.insert(name.text.clone());
                    return None;
                }
            },
        };
        Some(Setting {
            name: name.clone(),
            value,
            value_span: assignment.value.span,
        })
    }

    /// Whether a parameter decides a port: a switch a port listens under, or
    /// the number a port follows.
    fn shapes_ports(&self, name: &str) -> bool {
        self.reference
            .listens
            .iter()
            .any(|l| l.when.as_deref() == Some(name) || l.follows.as_deref() == Some(name))
    }

    /// O6: an address `onefront init` wrote for the user to replace. The
    /// address is kept, so that no rule reports what it would change.
    pub(super) fn placeholder_address(
        &mut self,
        statement: &str,
        address: &Spanned<std::net::IpAddr>,
    ) {
        if !ast::is_placeholder_address(address.node) {
            return;
        }
        let (network, bits) = ast::PLACEHOLDER_NETWORK;
        let network = format!("{network}/{bits}");
        self.report(Diagnostic::PlaceholderAddress {
            statement: statement.to_owned(),
            network,
            span: address.span,
        });
    }

    pub(super) fn wrong_type(&mut self, name: &str, value: &ast::Value, mismatch: types::Mismatch) {
        self.report(Diagnostic::WrongType {
            name: name.to_owned(),
            found: value.kind.literal(),
            expected: mismatch.expected,
            span: value.span,
            fix: mismatch.fix,
        });
    }

    pub(super) fn unknown_parameter(&mut self, name: &Ident) {
        let renamed = self
            .reference
            .params
            .values()
            .find(|p| p.renamed_from.contains(&name.text))
            .map(|p| p.name.clone());
        if let Some(new) = renamed {
            // As for a misspelling: what the new name requires is not
            // missing as well.
            self.gaps.params.insert(new.clone());
            self.report(Diagnostic::RenamedParameter {
                old: name.text.clone(),
                new,
                version: self.reference.version.clone(),
                span: name.span,
            });
            return;
        }
        // D3: where the reference states it, a deploy parameter never
        // reaches a container; the statement that sets it is the fix.
        if self.reference.rules.contains_key("D3")
            && let Some(deploy) = self.reference.deploys.get(&name.text)
        {
            self.report(Diagnostic::DeployInEnv {
                name: name.text.clone(),
                span: name.span,
                fix: setter(self.reference, deploy),
            });
            return;
        }
        let params = self.reference.params.keys().map(String::as_str);
        let fix = if self.reference.deploys.contains_key(&name.text) {
            ParameterFix::DeployParameter
        } else {
            match closest(&name.text, params) {
                Some(near) => {
                    self.gaps.params.insert(near.to_owned());
                    ParameterFix::DidYouMean(near.to_owned())
                }
                None => ParameterFix::SeeParams,
            }
        };
        self.report(Diagnostic::UnknownParameter {
            name: name.text.clone(),
            span: name.span,
            fix,
        });
    }

    pub(super) fn publish(
        &mut self,
        publish: &ast::Publish,
        publishes: &mut IndexMap<String, Publish>,
    ) {
        let Some(role) = self.reference.roles.get(&publish.role.text) else {
            let known: Vec<&str> = self.reference.roles.keys().map(String::as_str).collect();
            self.unknown(Thing::PortRole, &publish.role, &known);
            return;
        };
        if let Some(first) = publishes.get(&publish.role.text) {
            self.duplicate(Thing::Publish, &publish.role, first.role.span);
            return;
        }
        let mut resolved = Publish {
            role: publish.role.clone(),
            port: None,
            address: None,
            side: None,
            span: publish.span,
        };
        if let Some(target) = &publish.target {
            resolved.port = self.port(&publish.role.text, &target.port);
            resolved.address.clone_from(&target.address);
            if let Some(address) = &target.address {
                let statement = format!("publish {}", role.name);
                self.placeholder_address(&statement, address);
            }
            if let Some(side) = &target.side {
                let (available, word) = match side.node {
                    PortSide::Tls => (role.tls.is_some(), Side::Tls),
                    PortSide::Plain => (role.plain.is_some(), Side::Plain),
                };
                if !available {
                    self.report(Diagnostic::NoSuchSide {
                        role: role.name.clone(),
                        side: word,
                        span: side.span,
                    });
                }
                resolved.side = Some(side.clone());
            }
        }
        publishes.insert(publish.role.text.clone(), resolved);
    }

    pub(super) fn port(&mut self, role: &str, port: &Spanned<u64>) -> Option<Spanned<u16>> {
        if let Some(node) = u16::try_from(port.node).ok().filter(|p| *p > 0) {
            return Some(Spanned {
                node,
                span: port.span,
            });
        }
        self.report(Diagnostic::PortOutOfRange {
            role: role.to_owned(),
            port: port.node,
            span: port.span,
        });
        None
    }
}

/// The statement of the language that sets a deploy parameter.
fn setter(reference: &Reference, deploy: &Deploy) -> DeploySetter {
    match deploy.means {
        Some(Meaning::Restart) => return DeploySetter::Restart,
        Some(Meaning::ImageRegistry | Meaning::ImageName | Meaning::ImageTag) => {
            return DeploySetter::Image;
        }
        Some(Meaning::BindSsh) => return DeploySetter::BindSsh,
        _ => {}
    }
    for role in reference.roles.values() {
        if role.external == deploy.name {
            return DeploySetter::Publish(role.name.clone());
        }
        if role.internal == Internal::Deploy(deploy.name.clone()) {
            return DeploySetter::PublishSide(role.name.clone());
        }
        if role.bind == deploy.name {
            return DeploySetter::Bind;
        }
    }
    DeploySetter::Nothing
}
