//! Deployments -> diagnostics of the rules of the reference, one function per
//! rule id. The validator reads the model (what will be deployed) and the
//! resolved file (where the user said it); it never writes anything.

use crate::check::resolve::{Resolved, SettingValue};
use crate::diagnostic::Diagnostic;
use crate::model::Deployment;
use crate::reference::Reference;

/// Checks one deployment against the rules.
#[must_use]
pub fn validate(
    resolved: &Resolved,
    deployment: &Deployment,
    reference: &Reference,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    d1_coupling(resolved, deployment, reference, &mut diagnostics);
    diagnostics
}

/// D1: a parameter derived from a deploy parameter (the advertised and
/// monitord/VNC ports) cannot say something else than the published port.
fn d1_coupling(
    resolved: &Resolved,
    deployment: &Deployment,
    reference: &Reference,
    out: &mut Vec<Diagnostic>,
) {
    let user = resolved
        .env
        .iter()
        .chain(resolved.containers.iter().flat_map(|c| c.env.iter()));
    for setting in user {
        let Some(deploy) = reference.deploys.values().find(|d| {
            d.sets
                .as_ref()
                .is_some_and(|(param, _)| *param == setting.name.text)
        }) else {
            continue;
        };
        let Some(derived) = deployment.deploy.get(&deploy.name) else {
            continue;
        };
        let written = match &setting.value {
            SettingValue::Text(text) if *text != derived.value => text.clone(),
            SettingValue::Secret(variable) => format!("secret({variable})"),
            SettingValue::Text(_) => continue,
        };
        let role = reference
            .roles
            .values()
            .find(|r| r.external == deploy.name)
            .map_or_else(|| deploy.name.clone(), |r| r.name.clone());
        out.push(Diagnostic::DerivedMismatch {
            param: setting.name.text.clone(),
            help: format!(
                "remove `{}` from `env`: onefront sets it from the published port; to change the port, write `publish {role} {written}`",
                setting.name.text
            ),
            role,
            derived: derived.value.clone(),
            written,
            span: setting.value_span,
            published: derived.origin.span(),
        });
    }
}
