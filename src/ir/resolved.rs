//! The resolved form of a deployment: what resolve hands to lowering. Every
//! name here was found in the stdlib and every value type-checked; a setting
//! that did not resolve is left out (its diagnostic is already reported), so
//! nothing downstream reports a follow-on error about it. Only data: the pass
//! that builds it is `crate::resolve`.

use std::collections::BTreeSet;
use std::net::IpAddr;

use indexmap::IndexMap;

use crate::kinds::{ComposeFlavour, RestartPolicy, Runtime};
use crate::span::{Ident, Span, Spanned};
use crate::syntax::ast::{Mount, PortSide, VolumeSource};

/// A deployment whose names all resolve and whose values all type-check.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    pub name: Ident,
    /// The whole `deployment NAME { ... }` block.
    pub span: Span,
    pub layout: Option<Ident>,
    /// The layout in effect (`all-in-one` when none is given).
    pub layout_name: String,
    pub image: Option<Spanned<Image>>,
    pub bind: Option<Spanned<IpAddr>>,
    pub bind_ssh: Option<Spanned<IpAddr>>,
    pub restart: Option<Spanned<RestartPolicy>>,
    pub maintenance: Option<Spanned<bool>>,
    pub env: Vec<Setting>,
    pub publishes: IndexMap<String, Publish>,
    pub volumes: IndexMap<String, Volume>,
    pub mounts: Vec<Mount>,
    pub without: IndexMap<String, Span>,
    pub externals: IndexMap<String, Spanned<String>>,
    pub containers: Vec<ContainerSpec>,
    pub runtime: Option<Spanned<Runtime>>,
    pub compose: Option<Spanned<ComposeFlavour>>,
    /// What did not resolve, so that no rule reports a follow-on of it.
    pub gaps: Gaps,
}

/// The holes a deployment's mistakes left: each was reported by resolve.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gaps {
    /// The layout is unknown, or a container runs an unknown service: what
    /// runs where is not known, so the deployment is neither lowered nor
    /// checked against the rules.
    pub shape: bool,
    /// Parameters the user meant to set but that did not resolve: a value
    /// of the wrong type, or the closest name to an unknown one. Rules
    /// treat them as set (a missing required parameter is not reported).
    pub params: BTreeSet<String>,
}

impl Gaps {
    /// Whether what runs where is known, so that the deployment can be
    /// lowered and validated.
    #[must_use]
    pub fn shape_known(&self) -> bool {
        !self.shape
    }
}

/// An image reference split the way the deploy parameters hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    pub registry: String,
    pub name: String,
    pub tag: String,
}

/// A parameter assignment that resolved and type-checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub name: Ident,
    pub value: SettingValue,
    pub value_span: Span,
}

/// A checked value: text as the image reads it, or a secret's variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingValue {
    Text(String),
    Secret(String),
}

/// `publish ROLE ...`, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publish {
    pub role: Ident,
    /// `None` for `off`.
    pub port: Option<Spanned<u16>>,
    pub address: Option<Spanned<IpAddr>>,
    pub side: Option<Spanned<PortSide>>,
    pub span: Span,
}

/// `volume NAME ...`, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volume {
    pub name: Ident,
    pub source: VolumeSource,
    pub span: Span,
}

/// A container block of the user's file.
#[derive(Debug, Clone, PartialEq)]
pub struct ContainerSpec {
    pub name: Ident,
    pub runs: Option<Ident>,
    pub env: Vec<Setting>,
    pub volumes: IndexMap<String, Volume>,
    pub mounts: Vec<Mount>,
    pub privileged: Option<Spanned<bool>>,
    pub capabilities: Option<Spanned<Vec<String>>>,
    pub span: Span,
}
