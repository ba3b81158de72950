//! Deployments -> diagnostics of the rules of the reference, one function per
//! rule id (`p3_required`, `n5_collisions`, ...). A rule reads the model (what
//! will be deployed, after everything onefront derives) and the resolved file
//! (where the user said it). The validator never writes anything.

mod containers;
mod deploy;
mod own;
mod params;
mod ports;

pub use own::o2_volume_names;
pub use ports::n5_collisions;

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Thing};
use crate::ir::model::{Container, Deployment};
use crate::ir::resolved::{ContainerSpec, Resolved, Setting};
use crate::reference::Reference;
use crate::syntax::Span;

/// Checks one deployment against the rules (collisions between deployments
/// are [`n5_collisions`]).
#[must_use]
pub fn validate(
    resolved: &Resolved,
    deployment: &Deployment,
    reference: &Reference,
) -> Vec<Diagnostic> {
    let context = Context {
        resolved,
        deployment,
        reference,
    };
    let mut out = Vec::new();
    params::check(&context, &mut out);
    ports::check(&context, &mut out);
    containers::check(&context, &mut out);
    deploy::check(&context, &mut out);
    own::check(&context, &mut out);
    out.retain(|d| context.applies(&d.code_text()));
    out
}

/// Deployments of files checked together that share a name: they would be
/// one compose project and write one output folder. Reported in each later
/// file, pointing at the first; the result is (file index, diagnostic).
#[must_use]
pub fn same_names(deployments: &[(usize, &str, &Deployment)]) -> Vec<(usize, Diagnostic)> {
    let mut first: HashMap<&str, (usize, Span)> = HashMap::new();
    let mut out = Vec::new();
    for (file, _, deployment) in deployments {
        match first.get(deployment.name.as_str()) {
            // Within one file, resolve reports it.
            Some((at, _)) if at == file => {}
            Some((_, span)) => out.push((
                *file,
                Diagnostic::Duplicate {
                    kind: Thing::Deployment,
                    name: deployment.name.clone(),
                    span: deployment.name_span,
                    first: *span,
                },
            )),
            None => {
                first.insert(&deployment.name, (*file, deployment.name_span));
            }
        }
    }
    out
}

/// What every rule reads.
struct Context<'a> {
    resolved: &'a Resolved,
    deployment: &'a Deployment,
    reference: &'a Reference,
}

impl<'a> Context<'a> {
    /// Whether the reference states the rule a diagnostic code stands for:
    /// a rule runs only for the references that define it (5.13's R1 is
    /// not a rule of 6.0). Codes that are not rule ids (`onefront::name`,
    /// `onefront::secret`) always apply.
    fn applies(&self, code: &str) -> bool {
        let id = code.strip_prefix("onefront::").unwrap_or(code);
        let is_rule_id = id.len() > 1
            && id.starts_with(|c: char| c.is_ascii_uppercase())
            && id[1..].chars().all(|c| c.is_ascii_digit());
        !is_rule_id || self.reference.rules.contains_key(id)
    }

    /// The user's block for a container, as lowering paired them.
    fn spec(&self, container: &Container) -> Option<&'a ContainerSpec> {
        container.spec_in(self.resolved)
    }

    /// Where to point for a container: its block, else the deployment name.
    fn container_span(&self, container: &Container) -> Span {
        self.spec(container)
            .map_or(self.resolved.name.span, |s| s.name.span)
    }

    /// Every parameter the user set, with the index of the container block
    /// it is in (`None` for the deployment's own `env`).
    fn settings(&self) -> impl Iterator<Item = (Option<usize>, &'a Setting)> + 'a {
        let top = self.resolved.env.iter().map(|s| (None, s));
        let blocks = self
            .resolved
            .containers
            .iter()
            .enumerate()
            .flat_map(|(i, c)| c.env.iter().map(move |s| (Some(i), s)));
        top.chain(blocks)
    }

    /// The containers a setting reaches: its block's, or every one.
    fn reached_by(&self, block: Option<usize>) -> Vec<&'a Container> {
        self.deployment
            .containers
            .iter()
            .filter(|c| block.is_none() || c.spec == block)
            .collect()
    }

    /// Where the user set a parameter, for a container.
    fn setting_for(&self, container: &Container, param: &str) -> Option<&'a Setting> {
        let own = self
            .spec(container)
            .and_then(|s| s.env.iter().find(|e| e.name.text == param));
        own.or_else(|| self.resolved.env.iter().find(|e| e.name.text == param))
    }
}
