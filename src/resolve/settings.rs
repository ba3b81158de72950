//! Resolving parameter settings and published ports: names against the
//! reference (P1), values against their types (P2).

use indexmap::IndexMap;

use super::{Resolver, is_variable_name};
use crate::diagnostic::Diagnostic;
use crate::ir::resolved::{Publish, Setting, SettingValue};
use crate::reference::types;
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
            if !self.once(seen, "parameter", &assignment.name) {
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
        let value = match &assignment.value.kind {
            ValueKind::Secret(variable) => {
                let variable = variable.clone().unwrap_or_else(|| name.text.clone());
                if !is_variable_name(&variable) {
                    self.report(Diagnostic::BadName {
                        kind: "environment variable",
                        name: variable,
                        span: assignment.value.span,
                        help: "a secret is read from an environment variable: letters, digits and `_`, not starting with a digit, such as `secret(\"DB_PASSWORD\")`".to_owned(),
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

    pub(super) fn wrong_type(&mut self, name: &str, value: &ast::Value, mismatch: types::Mismatch) {
        self.report(Diagnostic::WrongType {
            name: name.to_owned(),
            found: types::found(&value.kind),
            expected_short: format!("expected {}", mismatch.short),
            expected: mismatch.expected,
            span: value.span,
            help: mismatch.help,
        });
    }

    pub(super) fn unknown_parameter(&mut self, name: &Ident) {
        let params = self.reference.params.keys().map(String::as_str);
        let help = if self.reference.deploys.contains_key(&name.text) {
            "deploy parameters are not set in `env`: use `image`, `bind` or `publish`, which set them".to_owned()
        } else {
            match closest(&name.text, params) {
                Some(near) => {
                    self.gaps.params.insert(near.to_owned());
                    format!("did you mean `{near}`?")
                }
                None => "`onefront params` lists the parameters of the reference".to_owned(),
            }
        };
        self.report(Diagnostic::UnknownParameter {
            name: name.text.clone(),
            span: name.span,
            help,
        });
    }

    pub(super) fn publish(
        &mut self,
        publish: &ast::Publish,
        publishes: &mut IndexMap<String, Publish>,
    ) {
        let Some(role) = self.reference.roles.get(&publish.role.text) else {
            let known: Vec<&str> = self.reference.roles.keys().map(String::as_str).collect();
            self.unknown("port role", &publish.role, &known);
            return;
        };
        if let Some(first) = publishes.get(&publish.role.text) {
            let first = first.role.span;
            self.report(Diagnostic::Duplicate {
                kind: "publish",
                name: publish.role.text.clone(),
                span: publish.role.span,
                first,
            });
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
            if let Some(side) = &target.side {
                let (available, word) = match side.node {
                    PortSide::Tls => (role.tls.is_some(), "TLS"),
                    PortSide::Plain => (role.plain.is_some(), "plain"),
                };
                if !available {
                    self.report(Diagnostic::NoSuchSide {
                        role: role.name.clone(),
                        side: word,
                        span: side.span,
                        help: format!(
                            "remove `from ...`: `{}` always publishes its one container-side port",
                            role.name
                        ),
                    });
                }
                resolved.side = Some(side.clone());
            }
        }
        publishes.insert(publish.role.text.clone(), resolved);
    }

    pub(super) fn port(&mut self, what: &str, port: &Spanned<u64>) -> Option<Spanned<u16>> {
        if let Some(node) = u16::try_from(port.node).ok().filter(|p| *p > 0) {
            return Some(Spanned {
                node,
                span: port.span,
            });
        }
        self.report(Diagnostic::WrongType {
            name: what.to_owned(),
            expected: "a port number from 1 to 65535".to_owned(),
            expected_short: "not a port".to_owned(),
            found: port.node.to_string(),
            span: port.span,
            help: "ports go from 1 to 65535".to_owned(),
        });
        None
    }
}
