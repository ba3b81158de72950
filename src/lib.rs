//! `onefront`: a compiler from `.onefront` files to an OpenNebula front-end
//! deployed as containers.
//!
//! | stage    | module          | input -> output                                            |
//! |----------|-----------------|------------------------------------------------------------|
//! | parse    | [`syntax`]      | source text -> [`syntax::ast::File`], spans on every node  |
//! | load     | [`reference`]   | embedded stdlib -> typed [`reference::Reference`]          |
//! | resolve  | [`resolve`]     | syntax tree + reference -> [`ir::resolved::Resolved`] (P1, P2) |
//! | model    | [`model`]       | resolved deployment -> [`ir::ir::model::Deployment`], all derived |
//! | validate | [`validate`]    | model + where the user said it -> rule diagnostics         |
//! | emit     | [`emit`]        | model -> [`emit::Artifact`]s                               |
//! | write    | [`output`]      | artifacts -> files, all or nothing                         |
//! | graph    | [`graph`]       | model -> a picture of it: Mermaid, DOT or SVG              |
//! | format   | [`format`]      | concrete syntax tree (comments kept) -> canonical layout   |
//! | migrate  | [`migrate`]     | a file of one reference version -> the same for another    |
//! | import   | [`import`]      | a compose project or `docker run` lines -> a `.onefront` file |
//! | init     | [`init`]        | version, layout, name -> a new file with placeholders (O6) |
//! | catalog  | [`catalog`]     | reference -> `params` tables, `explain` texts              |
//! | lsp      | [`lsp`]         | open documents -> diagnostics, hover, completion, ...      |
//! | editors  | [`editors`]     | grammar keywords + stdlib names -> editor grammars' lists  |
//!
//! The forms passed between stages live in [`ir`], apart from the passes
//! that build them. Below every stage: [`span`] (where things are written),
//! [`kinds`] (closed sets of words), [`suggest`] (did-you-mean) and
//! [`diagnostic`] (every diagnostic and all its wording). A module imports
//! only from modules above it in this list and the table (`tests/layers.rs`
//! checks it); `cli` is a client of the stages.
//!
//! The validator reads the model so that a rule checks what will really be
//! deployed; the emitters never check anything and run only on a model that
//! validated without errors.

pub mod catalog;
mod cli;
pub mod diagnostic;
pub mod editors;
pub mod emit;
pub mod format;
pub mod graph;
pub mod import;
pub mod init;
pub mod ir;
pub mod kinds;
pub mod lsp;
pub mod migrate;
pub mod model;
pub mod output;
pub mod reference;
pub mod resolve;
pub mod span;
pub mod suggest;
pub mod syntax;
pub mod validate;

pub use cli::run;

use diagnostic::Diagnostic;
use reference::Reference;

/// What checking one file found: its deployments' models and every
/// diagnostic, sorted by position.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    /// The models of the deployments whose shape resolved (an unknown layout
    /// leaves one out), lowered whatever else the file got wrong.
    pub deployments: Vec<ir::model::Deployment>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    /// Whether any diagnostic is an error.
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// What a check lowers: the deployment as written, or a variant of it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// The maintenance variant (rule R3): the same project and volumes, with
    /// maintenance mode on in every container. Validated like any model.
    pub maintenance: bool,
}

/// Parses, resolves, models and validates one file. `source_name` is the
/// file's name as generated files should mention it.
#[must_use]
pub fn check(source_name: &str, text: &str) -> Checked {
    check_files(&[(source_name, text)], Options::default())
        .pop()
        .unwrap_or_default()
}

/// Checks files that deploy onto one host together: each on its own (file
/// `i` is source `SourceId(i)`), then against each other: published ports
/// (rule N5) and deployment names. One result per file, in order.
#[must_use]
pub fn check_files(files: &[(&str, &str)], options: Options) -> Vec<Checked> {
    let mut results: Vec<Checked> = files
        .iter()
        .zip(0..)
        .map(|((name, text), id)| check_one(span::SourceId(id), name, text, options))
        .collect();
    let all: Vec<(usize, &str, &ir::model::Deployment)> = results
        .iter()
        .enumerate()
        .zip(files)
        .flat_map(|((i, checked), (name, _))| {
            checked.deployments.iter().map(move |d| (i, *name, d))
        })
        .collect();
    let mut across = validate::n5_collisions(&all);
    across.extend(validate::same_names(&all));
    across.extend(validate::o2_volume_names(&all));
    for (file, diagnostic) in across {
        results[file].diagnostics.push(diagnostic);
    }
    results.into_iter().map(sorted).map(capped).collect()
}

pub use diagnostic::MAX_DIAGNOSTICS;

/// At most this many deployments per file.
pub const MAX_DEPLOYMENTS: usize = 10_000;

/// Keeps the first [`MAX_DIAGNOSTICS`] and says how many more there were.
fn capped(mut checked: Checked) -> Checked {
    if checked.diagnostics.len() > MAX_DIAGNOSTICS {
        let rest = checked.diagnostics.split_off(MAX_DIAGNOSTICS);
        checked.diagnostics.push(Diagnostic::TooManyDiagnostics {
            omitted: rest.len(),
            errors: rest.iter().any(Diagnostic::is_error),
        });
    }
    checked
}

/// One file through every stage. A mistake drops only what it is about:
/// every deployment whose shape resolved is lowered and validated, whatever
/// else is wrong in the file.
fn check_one(id: span::SourceId, path: &str, text: &str, options: Options) -> Checked {
    // Generated files name their source without its folder, so that output
    // does not depend on where the compile ran.
    let source = model::Source {
        name: camino::Utf8Path::new(path)
            .file_name()
            .unwrap_or(path)
            .to_owned(),
        text: std::sync::Arc::from(text),
    };
    let mut checked = Checked::default();
    let (file, syntax_errors) = syntax::parse_recovering(id, text);
    // A deployment with a syntax error is left out of the later stages (a
    // statement the parser skipped would only cause follow-on errors);
    // the others are checked in full.
    let broken: Vec<usize> = syntax_errors.iter().map(Diagnostic::position).collect();
    checked.diagnostics = syntax_errors;
    let Some(mut file) = file else {
        return checked;
    };
    let (whole, partial): (Vec<_>, Vec<_>) = std::mem::take(&mut file.deployments)
        .into_iter()
        .partition(|d| {
            !broken
                .iter()
                .any(|at| (d.span.start..=d.span.end).contains(at))
        });
    file.deployments = whole;
    let reference = match load(&file.version) {
        Ok(reference) => reference,
        Err(diagnostic) => {
            checked.diagnostics.push(diagnostic);
            return checked;
        }
    };
    if let Some(extra) = file.deployments.get(MAX_DEPLOYMENTS) {
        checked.diagnostics.push(Diagnostic::TooManyDeployments {
            limit: MAX_DEPLOYMENTS,
            span: extra.name.span,
        });
        return checked;
    }
    if file.deployments.is_empty() && broken.is_empty() {
        checked.diagnostics.push(Diagnostic::NoDeployment {
            span: file.version.span,
        });
    }
    for extension in &file.references {
        checked.diagnostics.push(Diagnostic::ReferenceInFile {
            span: extension.name.span,
        });
    }
    let (resolved, diagnostics) = resolve::resolve(&file, reference);
    checked.diagnostics.extend(diagnostics);
    checked
        .diagnostics
        .extend(local_mistakes(&file, partial, reference));
    for deployment in resolved.iter().filter(|d| d.gaps.shape_known()) {
        let model = model::lower(deployment, reference, &source, options.maintenance);
        checked
            .diagnostics
            .extend(validate::validate(deployment, &model, reference));
        checked.deployments.push(model);
    }
    checked
}

/// The mistakes of deployments with a syntax error that no skipped
/// statement can cause: unknown parameter names (P1) and values of the
/// wrong type (P2). The rest of such a deployment is checked once it parses.
fn local_mistakes(
    file: &syntax::ast::File,
    partial: Vec<syntax::ast::Deployment>,
    reference: &Reference,
) -> Vec<Diagnostic> {
    if partial.is_empty() {
        return Vec::new();
    }
    let partial = syntax::ast::File {
        version: file.version.clone(),
        deployments: partial,
        references: Vec::new(),
    };
    let (_, diagnostics) = resolve::resolve(&partial, reference);
    diagnostics
        .into_iter()
        .filter(|d| matches!(d.code_text().as_str(), "onefront::P1" | "onefront::P2"))
        .collect()
}

/// Every stage a user can reach, on any text, keeping nothing: check,
/// render each diagnostic, emit and draw when valid, format. For the fuzzer and its
/// corpus test: whatever the input, this must return.
///
/// # Panics
///
/// When formatting a formatted file changes it: the formatter's promise,
/// checked on every input the fuzzer makes.
#[doc(hidden)]
pub fn exercise(text: &str) {
    if let Ok(formatted) = format::format(span::SourceId(0), text) {
        let again = format::format(span::SourceId(0), &formatted);
        assert!(
            again.as_deref() == Ok(formatted.as_str()),
            "onefront fmt is not idempotent on this input"
        );
    }
    let checked = check("input.onefront", text);
    let handler = diagnostic::plain_handler();
    let sources = sources(&[("input.onefront", text)]);
    for found in &checked.diagnostics {
        let _ = diagnostic::render(&handler, &sources, span::SourceId(0), found);
    }
    if !checked.has_errors() {
        for deployment in &checked.deployments {
            let _ = emit::emit(deployment);
            if let Some(Ok(reference)) = Reference::load(&deployment.reference_version) {
                let graphs = [graph::Graph::of(deployment, reference)];
                let _ = graph::mermaid::render(&graphs);
                let _ = graph::dot::render(&graphs);
                let _ = graph::svg::render(&graphs);
            }
        }
    }
}

/// The texts diagnostics may point into: the files checked together (file
/// `i` is source `SourceId(i)`, as [`check_files`] numbers them) and every
/// embedded stdlib.
#[must_use]
pub fn sources<'a>(files: &[(&'a str, &'a str)]) -> diagnostic::Sources<'a> {
    let mut sources = diagnostic::Sources::default();
    for ((name, text), id) in files.iter().zip(0..) {
        sources.add(span::SourceId(id), name, text);
    }
    for (index, (_, name, text)) in reference::STDLIBS.iter().enumerate() {
        sources.add(span::SourceId::stdlib(index), name, text);
    }
    sources
}

/// Checks a file and, when it has no errors, emits every deployment's files.
/// Warnings come back with the artifacts.
pub fn compile(
    source_name: &str,
    text: &str,
) -> Result<(Vec<emit::Artifact>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let checked = check(source_name, text);
    if checked.has_errors() {
        return Err(checked.diagnostics);
    }
    let artifacts = checked.deployments.iter().flat_map(emit::emit).collect();
    Ok((artifacts, checked.diagnostics))
}

/// The reference a file's header names.
fn load(version: &span::Ident) -> Result<&'static Reference, Diagnostic> {
    if let Some(loaded) = Reference::load(&version.text) {
        return loaded;
    }
    let known = reference::versions();
    let fix = match suggest::closest(&version.text, known.iter().copied()) {
        Some(near) => diagnostic::VersionFix::DidYouMean(near.to_owned()),
        None => diagnostic::VersionFix::Known(known.iter().map(|v| (*v).to_owned()).collect()),
    };
    Err(Diagnostic::UnknownVersion {
        found: version.text.clone(),
        span: version.span,
        fix,
    })
}

/// Sorted by position, each diagnostic once: two rules (or two deployments
/// of one file) that find the very same thing say it once.
fn sorted(mut checked: Checked) -> Checked {
    checked.diagnostics.sort_by_key(Diagnostic::position);
    let mut kept: Vec<Diagnostic> = Vec::with_capacity(checked.diagnostics.len());
    for diagnostic in checked.diagnostics {
        let position = diagnostic.position();
        let seen = kept
            .iter()
            .rev()
            .take_while(|k| k.position() == position)
            .any(|k| *k == diagnostic);
        if !seen {
            kept.push(diagnostic);
        }
    }
    checked.diagnostics = kept;
    checked
}
