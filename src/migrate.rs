//! `onefront migrate`: a file written against one reference version,
//! rewritten for another. The stdlibs say what changed: a parameter of the
//! new version names the old one it replaces (`renamed-from`), and a
//! parameter the new version lacks is gone. What would otherwise behave
//! differently is written out: a default that changed (the restart policy,
//! a parameter's value) becomes an explicit statement with the old value.
//!
//! Edits go into the text at the concrete tree's token spans, so comments
//! and layout stay as they are; each change is reported with its line.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use crate::diagnostic::Diagnostic;
use crate::ir::model::Deployment;
use crate::kinds::Meaning;
use crate::reference::{Reference, types};
use crate::span::SourceId;
use crate::syntax::Rule;
use crate::syntax::concrete::{self, Element, Node, Token, TokenKind};

/// A migrated file and what changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    pub text: String,
    pub changes: Vec<Change>,
}

/// One change, on a line of the original file (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub line: usize,
    pub what: What,
}

/// What a change did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    Header {
        from: String,
        to: String,
    },
    Renamed {
        old: String,
        new: String,
    },
    Removed {
        name: String,
        version: String,
    },
    Restart {
        kept: String,
        version: String,
        now: String,
    },
    Default {
        param: String,
        value: String,
        version: String,
    },
    /// The old version's own image, replaced by the new version's.
    Image {
        old: String,
        new: String,
    },
    /// An image of the user's own, kept: it must be one of the new version.
    ImageKept {
        image: String,
        version: String,
    },
}

impl fmt::Display for What {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            What::Header { from, to } => write!(f, "header: reference {from} -> {to}"),
            What::Renamed { old, new } => write!(f, "renamed {old} -> {new}"),
            What::Removed { name, version } => write!(
                f,
                "removed {name} (reference {version} has no such parameter), kept as a comment"
            ),
            What::Restart { kept, version, now } => write!(
                f,
                "restart {kept} written out: reference {version} restarts `{now}` by default"
            ),
            What::Default {
                param,
                value,
                version,
            } => write!(
                f,
                "{param} = {value} written out: the default of reference {version}"
            ),
            What::Image { old, new } => write!(f, "image {old} -> {new}"),
            What::ImageKept { image, version } => write!(
                f,
                "image {image} kept: make sure it is an image of OpenNebula {version}"
            ),
        }
    }
}

/// Why a file cannot be migrated.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// It does not parse, or its version is unknown: its diagnostics.
    Unreadable(Vec<Diagnostic>),
    /// No stdlib of the target version.
    UnknownTarget(String),
}

/// A text edit: replace `start..end` with `text`.
struct Edit {
    start: usize,
    end: usize,
    text: String,
}

/// `text` (named `source_name` in messages) rewritten for reference `to`.
pub fn migrate(source_name: &str, text: &str, to: &str) -> Result<Migration, Refusal> {
    let tree = concrete::parse(SourceId(0), text).map_err(Refusal::Unreadable)?;
    let target = match Reference::load(to) {
        Some(Ok(reference)) => reference,
        Some(Err(fault)) => return Err(Refusal::Unreadable(vec![fault])),
        None => return Err(Refusal::UnknownTarget(to.to_owned())),
    };
    let header = header_version(&tree.root).ok_or_else(|| Refusal::Unreadable(Vec::new()))?;
    let Some(Ok(source)) = Reference::load(header.text) else {
        return Err(Refusal::Unreadable(
            crate::check(source_name, text).diagnostics,
        ));
    };
    if source.version == target.version {
        return Ok(Migration {
            text: text.to_owned(),
            changes: Vec::new(),
        });
    }
    let mut migrator = Migrator {
        text,
        source,
        target,
        renames: renames(source, target),
        edits: Vec::new(),
        changes: Vec::new(),
    };
    migrator.edit(
        header.span.start,
        header.span.end,
        target.version.clone(),
        What::Header {
            from: source.version.clone(),
            to: target.version.clone(),
        },
    );
    let mut images = Vec::new();
    collect(&tree.root, Rule::image_stmt, &mut images);
    for image in &images {
        migrator.image(image);
    }
    let mut assignments = Vec::new();
    collect(&tree.root, Rule::assignment, &mut assignments);
    for assignment in &assignments {
        migrator.assignment(assignment);
    }
    // What the renamed file does under the new reference, against what the
    // old one did: a changed default is written out.
    let before = crate::check(source_name, text);
    let after = crate::check(source_name, &apply(text, &migrator.edits));
    let mut deployments = Vec::new();
    collect(&tree.root, Rule::deployment, &mut deployments);
    for node in &deployments {
        let name = deployment_name(node);
        let old = before
            .deployments
            .iter()
            .find(|d| Some(&d.name) == name.as_ref());
        let new = after
            .deployments
            .iter()
            .find(|d| Some(&d.name) == name.as_ref());
        if let (Some(old), Some(new)) = (old, new) {
            migrator.keep_behaviour(node, old, new);
        }
    }
    let mut changes = migrator.changes;
    changes.sort_by_key(|c| c.line);
    Ok(Migration {
        text: apply(text, &migrator.edits),
        changes,
    })
}

/// A migration under way: the edits so far and what they change.
struct Migrator<'a> {
    text: &'a str,
    source: &'a Reference,
    target: &'a Reference,
    renames: BTreeMap<String, String>,
    edits: Vec<Edit>,
    changes: Vec<Change>,
}

impl Migrator<'_> {
    fn line_of(&self, offset: usize) -> usize {
        self.text[..offset.min(self.text.len())]
            .matches('\n')
            .count()
            + 1
    }

    fn edit(&mut self, start: usize, end: usize, text: String, what: What) {
        let line = self.line_of(start);
        self.edits.push(Edit { start, end, text });
        self.changes.push(Change { line, what });
    }

    /// The old version's default image becomes the new version's; any
    /// other is kept, with a note.
    fn image(&mut self, node: &Node<'_>) {
        let Some(token) = node
            .tokens()
            .into_iter()
            .find(|t| t.kind == TokenKind::Word(Rule::string))
        else {
            return;
        };
        let written = token.text.trim_matches('"');
        if Some(written) == default_image(self.source).as_deref() {
            if let Some(new) = default_image(self.target) {
                let what = What::Image {
                    old: written.to_owned(),
                    new: new.clone(),
                };
                self.edit(token.span.start, token.span.end, format!("\"{new}\""), what);
            }
        } else {
            let line = self.line_of(token.span.start);
            self.changes.push(Change {
                line,
                what: What::ImageKept {
                    image: written.to_owned(),
                    version: self.target.version.clone(),
                },
            });
        }
    }

    /// A renamed parameter gets its new name; a removed one becomes a
    /// comment that says why.
    fn assignment(&mut self, assignment: &Node<'_>) {
        let tokens = assignment.tokens();
        let Some(name) = tokens
            .iter()
            .find(|t| t.kind == TokenKind::Word(Rule::param_name))
        else {
            return;
        };
        if let Some(new) = self.renames.get(name.text).cloned() {
            let what = What::Renamed {
                old: name.text.to_owned(),
                new: new.clone(),
            };
            // Keep the column of `=` where the name was padded to it.
            let blanks = self.text[name.span.end..]
                .chars()
                .take_while(|c| *c == ' ')
                .count();
            let (end, text) = if new.len() < name.text.len() && blanks > 0 {
                (
                    name.span.end,
                    format!("{new}{}", " ".repeat(name.text.len() - new.len())),
                )
            } else if new.len() > name.text.len() && blanks > 1 {
                let eaten = (new.len() - name.text.len()).min(blanks - 1);
                (name.span.end + eaten, new)
            } else {
                (name.span.end, new)
            };
            self.edit(name.span.start, end, text, what);
            return;
        }
        if !self.source.params.contains_key(name.text) || self.target.params.contains_key(name.text)
        {
            return;
        }
        let text = self.text;
        let written = &text[assignment.span.start..assignment.span.end];
        let why = format!(
            "removed by onefront migrate: reference {} has no {}",
            self.target.version, name.text
        );
        let what = What::Removed {
            name: name.text.to_owned(),
            version: self.target.version.clone(),
        };
        let (start, end) = line_span(text, assignment.span.start, assignment.span.end);
        let line = &text[start..end];
        if line.split('#').next().unwrap_or("").trim() == written.trim() {
            let indent = &line[..line.len() - line.trim_start().len()];
            let comment = format!("{indent}# {why}\n{indent}# {}", line.trim_start());
            self.edit(start, end, comment, what);
        } else {
            // Other statements share the line: the assignment goes, and the
            // line ends with the comment.
            self.edit(
                assignment.span.start,
                assignment.span.end,
                String::new(),
                what,
            );
            self.edits.push(Edit {
                start: end,
                end,
                text: format!("  # {why} (was: {})", written.trim()),
            });
        }
    }

    /// Writes out, at the top of a deployment block, what the new reference
    /// would otherwise change: the restart policy, and parameters whose
    /// default changed.
    fn keep_behaviour(&mut self, node: &Node<'_>, old: &Deployment, new: &Deployment) {
        let Some(open) = brace(node) else {
            return;
        };
        let (line_start, _) = line_span(self.text, node.span.start, node.span.start);
        let indent: String = self.text[line_start..]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        let inner = format!("{indent}  ");
        let line = self.line_of(node.span.start);
        let mut block = String::new();
        if old.restart != new.restart && !writes(node, Rule::restart_stmt) {
            let _ = write!(block, "\n{inner}restart {}", old.restart);
            self.changes.push(Change {
                line,
                what: What::Restart {
                    kept: old.restart.to_string(),
                    version: self.target.version.clone(),
                    now: new.restart.to_string(),
                },
            });
        }
        let defaults = changed_defaults(old, new, &self.renames);
        if !defaults.is_empty() {
            let _ = write!(
                block,
                "\n{inner}env {{  # defaults of reference {} that {} changed",
                self.source.version, self.target.version
            );
            for (param, value) in &defaults {
                let written = match self.target.params.get(param) {
                    Some(p) => types::source_literal(&p.ty, value),
                    None => types::source_literal(&types::ParamType::Str, value),
                };
                let _ = write!(block, "\n{inner}  {param} = {written}");
                self.changes.push(Change {
                    line,
                    what: What::Default {
                        param: param.clone(),
                        value: value.clone(),
                        version: self.source.version.clone(),
                    },
                });
            }
            let _ = write!(block, "\n{inner}}}");
        }
        if !block.is_empty() {
            self.edits.push(Edit {
                start: open.span.end,
                end: open.span.end,
                text: block,
            });
        }
    }
}

/// A reference's own image, `[REGISTRY]NAME:TAG` of the defaults of the
/// deploy parameters that `image` sets.
fn default_image(reference: &Reference) -> Option<String> {
    let default = |meaning| {
        reference
            .deploy_meaning(meaning)
            .and_then(|d| d.default.clone())
    };
    let registry = default(Meaning::ImageRegistry).unwrap_or_default();
    Some(format!(
        "{registry}{}:{}",
        default(Meaning::ImageName)?,
        default(Meaning::ImageTag)?
    ))
}

/// The header's version token.
fn header_version<'a>(root: &Node<'a>) -> Option<Token<'a>> {
    root.children.iter().find_map(|child| match child {
        Element::Node(node) if node.rule == Rule::header => node
            .tokens()
            .into_iter()
            .find(|t| t.kind == TokenKind::Word(Rule::version)),
        _ => None,
    })
}

/// Old name -> new name, for every parameter of `target` that replaces one
/// of `source`.
fn renames(source: &Reference, target: &Reference) -> BTreeMap<String, String> {
    target
        .params
        .values()
        .flat_map(|p| p.renamed_from.iter().map(move |old| (old, &p.name)))
        .filter(|(old, _)| source.params.contains_key(*old))
        .map(|(old, new)| (old.clone(), new.clone()))
        .collect()
}

/// Parameters left to their default whose default differs between the two
/// models: the old default, by the new name.
fn changed_defaults(
    old: &Deployment,
    new: &Deployment,
    renames: &BTreeMap<String, String>,
) -> Vec<(String, String)> {
    let set = |deployment: &Deployment, name: &str| {
        deployment
            .containers
            .iter()
            .any(|c| c.env.contains_key(name))
    };
    let mut found = Vec::new();
    for (name, before, _) in &old.defaults {
        if set(old, name) {
            continue;
        }
        let new_name = renames.get(name).unwrap_or(name);
        let read_now = new.containers.iter().any(|c| c.env.contains_key(new_name))
            || new.defaults.iter().any(|(n, _, _)| n == new_name);
        let now = new
            .defaults
            .iter()
            .find(|(n, _, _)| n == new_name)
            .map(|(_, value, _)| value);
        if read_now && !set(new, new_name) && now != Some(before) {
            found.push((new_name.clone(), before.clone()));
        }
    }
    found
}

/// Every node of `rule` below `node`.
fn collect<'a, 't>(node: &'t Node<'a>, rule: Rule, out: &mut Vec<&'t Node<'a>>) {
    for child in &node.children {
        if let Element::Node(inner) = child {
            if inner.rule == rule {
                out.push(inner);
            }
            collect(inner, rule, out);
        }
    }
}

fn deployment_name(node: &Node<'_>) -> Option<String> {
    node.children.iter().find_map(|child| match child {
        Element::Node(inner) if inner.rule == Rule::name => {
            inner.first_token().map(|t| t.text.to_owned())
        }
        _ => None,
    })
}

/// Whether the block has a statement of `rule` of its own.
fn writes(node: &Node<'_>, rule: Rule) -> bool {
    node.children
        .iter()
        .any(|child| matches!(child, Element::Node(inner) if inner.rule == rule))
}

/// The block's opening brace.
fn brace<'a>(node: &Node<'a>) -> Option<Token<'a>> {
    node.children.iter().find_map(|child| match child {
        Element::Token(token) if token.kind == TokenKind::Punct && token.text == "{" => {
            Some(*token)
        }
        _ => None,
    })
}

/// The whole lines holding `start..end`, without the final line break.
fn line_span(text: &str, start: usize, end: usize) -> (usize, usize) {
    let first = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let last = text[end..].find('\n').map_or(text.len(), |i| end + i);
    (first, last)
}

/// `text` with the edits applied (they do not overlap).
fn apply(text: &str, edits: &[Edit]) -> String {
    let mut edits: Vec<&Edit> = edits.iter().collect();
    edits.sort_by_key(|e| (e.start, e.end));
    let mut out = String::with_capacity(text.len() + 256);
    let mut at = 0;
    for edit in edits {
        if edit.start < at {
            continue;
        }
        out.push_str(&text[at..edit.start]);
        out.push_str(&edit.text);
        at = edit.end;
    }
    out.push_str(&text[at..]);
    out
}
