//! `onefront init`: a reference version, a layout and a deployment name ->
//! the text of a new deployment file, commented and in `fmt`'s layout, that
//! validates but for its placeholders (rule O6), which the user replaces.
//!
//! Everything it writes comes from the stdlib of that version: the default
//! image, the layout and its description, the parameters that the services
//! of the layout require (as the validator finds them missing, so that the
//! template and rule P3 cannot disagree), secret ones as `secret`, the
//! containers of `layout custom` and the SSH port the host's sshd holds.

use std::fmt::Write as _;

use crate::diagnostic::Diagnostic;
use crate::kinds::Meaning;
use crate::reference::{Reference, Runs, types};
use crate::span::{Ident, SourceId, Span};
use crate::syntax::ast::PLACEHOLDER_ADDRESS;

/// What to write: each `None` takes the reference's choice (the newest
/// version, its name, its default layout).
#[derive(Debug, Clone, Copy, Default)]
pub struct Request<'a> {
    pub name: Option<&'a str>,
    pub layout: Option<&'a str>,
    pub version: Option<&'a str>,
}

/// A new deployment file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// The deployment's name, which names the file (`NAME.onefront`).
    pub name: String,
    pub text: String,
    /// How many placeholders the user has to replace.
    pub placeholders: usize,
}

/// Why no file can be written.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// No embedded reference has this version.
    UnknownVersion(String),
    /// The reference has no layout of this name.
    UnknownLayout { layout: String, known: Vec<String> },
    /// The name is one Compose or Docker refuses (rule O4).
    BadName(Box<Diagnostic>),
    /// The template does not validate but for its placeholders: a bug.
    Internal(Vec<Diagnostic>),
}

/// Comment lines are wrapped at this width, before indentation.
const WIDTH: usize = 72;

/// The new file a request asks for.
pub fn init(request: Request<'_>) -> Result<Template, Refusal> {
    let versions = crate::reference::versions();
    let version = request
        .version
        .or_else(|| versions.last().copied())
        .unwrap_or_default();
    let reference = match Reference::load(version) {
        Some(Ok(reference)) => reference,
        Some(Err(fault)) => return Err(Refusal::Internal(vec![fault])),
        None => return Err(Refusal::UnknownVersion(version.to_owned())),
    };
    let name = request.name.unwrap_or(&reference.name).to_owned();
    let ident = Ident {
        text: name.clone(),
        span: Span::new(SourceId(0), 0, name.len()),
    };
    if let Some(diagnostic) = crate::resolve::deployment_name(&ident) {
        return Err(Refusal::BadName(Box::new(diagnostic)));
    }
    let layout = request.layout.unwrap_or(&reference.default_layout);
    if !reference.layouts.contains_key(layout) {
        return Err(Refusal::UnknownLayout {
            layout: layout.to_owned(),
            known: reference.layouts.keys().cloned().collect(),
        });
    }
    let draft = Draft {
        reference,
        name: &name,
        layout,
    };
    draft.fill()
}

/// The template in `fmt`'s layout, when nothing but placeholders is left
/// to fix in it.
fn finish(name: String, text: &str, diagnostics: Vec<Diagnostic>) -> Result<Template, Refusal> {
    let (placeholders, others): (Vec<_>, Vec<_>) = diagnostics
        .into_iter()
        .partition(|d| d.code_text() == "onefront::O6");
    if !others.is_empty() {
        return Err(Refusal::Internal(others));
    }
    let text = crate::format::format(SourceId(0), text).map_err(Refusal::Internal)?;
    Ok(Template {
        name,
        text,
        placeholders: placeholders.len(),
    })
}

/// What the template is made of.
struct Draft<'a> {
    reference: &'a Reference,
    name: &'a str,
    layout: &'a str,
}

impl Draft<'_> {
    /// The file with every parameter the validator finds required: each
    /// round adds the first one missing, one at a time, because setting one
    /// can make another optional (rule P10).
    fn fill(&self) -> Result<Template, Refusal> {
        let r = self.reference;
        let file = format!("{}.onefront", self.name);
        let mut required: Vec<&str> = Vec::new();
        for _ in 0..=r.params.len() {
            let text = self.render(&required);
            let checked = crate::check(&file, &text);
            let missing = checked.diagnostics.iter().find_map(|d| match d {
                Diagnostic::Required { param, .. } | Diagnostic::RequiredAllInOne { param, .. } => {
                    r.params.get_key_value(param).map(|(k, _)| k)
                }
                _ => None,
            });
            match missing {
                Some(param) if !required.contains(&param.as_str()) => required.push(param),
                _ => return finish(self.name.to_owned(), &text, checked.diagnostics),
            }
        }
        Err(Refusal::Internal(Vec::new()))
    }

    /// The file, with `required` set in its `env`.
    fn render(&self, required: &[&str]) -> String {
        let r = self.reference;
        let mut out = String::new();
        comment(
            &mut out,
            0,
            &format!(
                "A front-end of OpenNebula {}, deployed as containers by onefront. \
                 Replace every placeholder, a \"<...>\" string or the address \
                 {PLACEHOLDER_ADDRESS} (`onefront explain O6`): `onefront validate \
                 {name}.onefront` lists those left. Then `onefront compile \
                 {name}.onefront -o out` writes the compose project, its env files and \
                 a systemd unit under out/{name}/. `onefront explain NAME` explains \
                 any name below; `onefront params` lists every parameter.",
                r.version,
                name = self.name
            ),
        );
        let _ = writeln!(
            out,
            "onefront {}  # the reference this file is written against\n",
            r.version
        );
        let _ = writeln!(
            out,
            "deployment {} {{  # names the compose project, its folder and its systemd unit",
            self.name
        );
        self.image(&mut out);
        self.layout(&mut out);
        self.ssh(&mut out);
        self.env(&mut out, required);
        self.containers(&mut out);
        out.push_str("}\n");
        out
    }

    fn image(&self, out: &mut String) {
        let default = |meaning| {
            self.reference
                .deploy_meaning(meaning)
                .and_then(|d| d.default.clone())
                .unwrap_or_default()
        };
        let registry = default(Meaning::ImageRegistry);
        let name = default(Meaning::ImageName);
        let tag = default(Meaning::ImageTag);
        let image = if registry.is_empty() {
            format!("{name}:{tag}")
        } else {
            format!("{}/{name}:{tag}", registry.trim_end_matches('/'))
        };
        let _ = writeln!(
            out,
            "\n  image \"{image}\"  # [registry/]name:tag; the reference's image"
        );
    }

    fn layout(&self, out: &mut String) {
        let layouts = &self.reference.layouts;
        let doc = layouts.get(self.layout).map_or("", |l| l.doc.as_str());
        out.push('\n');
        comment(out, 1, &format!("{}.", sentence(doc)));
        let others: Vec<&str> = layouts
            .keys()
            .map(String::as_str)
            .filter(|l| *l != self.layout)
            .collect();
        let _ = writeln!(
            out,
            "  layout {}  # or {} (`onefront explain LAYOUT`)",
            self.layout,
            others.join(" | ")
        );
    }

    /// The role that the host's own service holds a port of (SSH on 22,
    /// rule N6) gets an address of its own, a placeholder: the template
    /// keeps the reference's port, which every node expects.
    fn ssh(&self, out: &mut String) {
        let r = self.reference;
        let Some(role) = r
            .roles
            .values()
            .find(|role| role.clashes_with_host.is_some())
        else {
            return;
        };
        let port = role.clashes_with_host.unwrap_or_default();
        let own_bind = r
            .deploy_meaning(Meaning::BindSsh)
            .is_some_and(|d| d.name == role.bind);
        let statement = if own_bind { "bind ssh" } else { "bind" };
        let host = r
            .param_meaning(Meaning::SshHost)
            .map_or_else(String::new, |p| {
                format!(
                    " (the SSH host of the nodes, {}, must resolve to it)",
                    p.name
                )
            });
        out.push('\n');
        comment(
            out,
            1,
            &format!(
                "The host's own sshd listens on port {port} of every address (rule N6), \
                 where `{}` ({}) is published: give it an address of its own. \
                 Replace {PLACEHOLDER_ADDRESS} with an address of this host on which \
                 its sshd does not listen{host}; `onefront explain N6` has the other \
                 ways.",
                role.name, role.doc
            ),
        );
        let _ = writeln!(out, "  {statement} {PLACEHOLDER_ADDRESS}");
    }

    fn env(&self, out: &mut String, required: &[&str]) {
        let r = self.reference;
        out.push_str("\n  env {  # image parameters, by their reference names\n");
        let mut first = true;
        for name in required {
            let Some(param) = r.params.get(*name) else {
                continue;
            };
            if !first {
                out.push('\n');
            }
            first = false;
            comment(
                out,
                2,
                &format!("{}; see `onefront explain {name}`.", sentence(&param.doc)),
            );
            if param.secret {
                let _ = writeln!(
                    out,
                    "    {name} = secret  # read from ${name} at deploy time: put it in secrets.env"
                );
            } else {
                let _ = writeln!(out, "    {name} = \"<{}>\"", param.ty.expected());
            }
        }
        self.custom_env(out, first);
        out.push_str("  }\n");
    }

    /// Under `layout custom`: what the layout of a container per service
    /// sets for its containers (Docker-in-Docker reachable from oned), which
    /// a custom layout of the same containers needs too.
    fn custom_env(&self, out: &mut String, first: bool) {
        let r = self.reference;
        let per_service = r.layouts.values().find(|l| l.per_service);
        let Some(model) = per_service.filter(|_| self.is_custom()) else {
            return;
        };
        if model.env.is_empty() {
            return;
        }
        if !first {
            out.push('\n');
        }
        comment(
            out,
            2,
            &format!("As layout {} sets them for its containers.", model.name),
        );
        for (name, value) in &model.env {
            let literal = r
                .params
                .get(name)
                .map_or_else(|| value.clone(), |p| types::source_literal(&p.ty, value));
            let _ = writeln!(out, "    {name} = {literal}");
        }
    }

    /// Whether the layout is the one whose containers the file lists: it
    /// neither runs everything in one container nor one per service.
    fn is_custom(&self) -> bool {
        self.reference
            .layouts
            .get(self.layout)
            .is_some_and(|l| !l.per_service && l.containers.is_empty())
    }

    /// Under `layout custom`: a container per service, named as the
    /// reference names it.
    fn containers(&self, out: &mut String) {
        if !self.is_custom() {
            return;
        }
        let r = self.reference;
        out.push('\n');
        comment(
            out,
            1,
            "A container per service, named as the reference names them: rename \
             or drop one as you need (`onefront explain C8` says which services \
             need which).",
        );
        for service in r.services.values().filter(|s| s.runs == Runs::One) {
            let container = service
                .container
                .clone()
                .unwrap_or_else(|| format!("{}-{}", r.name, service.name));
            out.push('\n');
            comment(out, 1, &format!("{}: {}.", service.name, service.doc));
            let _ = writeln!(out, "  container {container} runs {} {{ }}", service.name);
        }
    }
}

/// A doc line of the stdlib as the start of a sentence: capitalised.
fn sentence(doc: &str) -> String {
    let mut chars = doc.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// `text` as comment lines at `depth`, wrapped at [`WIDTH`] but never
/// inside backticks, so that a command stays whole.
fn comment(out: &mut String, depth: usize, text: &str) {
    let indent = "  ".repeat(depth);
    let mut words: Vec<String> = Vec::new();
    let mut quoted = false;
    for word in text.split_whitespace() {
        match words.last_mut() {
            Some(last) if quoted => {
                last.push(' ');
                last.push_str(word);
            }
            _ => words.push(word.to_owned()),
        }
        if word.matches('`').count() % 2 == 1 {
            quoted = !quoted;
        }
    }
    let mut line = String::new();
    for word in words {
        if !line.is_empty() && line.len() + 1 + word.len() > WIDTH {
            let _ = writeln!(out, "{indent}# {line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{indent}# {line}");
    }
}

#[cfg(test)]
mod tests {
    use super::comment;

    #[test]
    fn comments_wrap_at_the_width() {
        let mut out = String::new();
        comment(&mut out, 1, &"word ".repeat(30));
        assert!(out.lines().all(|l| l.len() <= 2 + 2 + super::WIDTH));
        assert_eq!(out.lines().count(), 3);
        assert!(out.lines().all(|l| l.starts_with("  # word")));
    }

    #[test]
    fn a_command_in_backticks_stays_on_one_line() {
        let mut out = String::new();
        let text = format!("{} see `onefront explain SOMETHING_LONG`.", "x".repeat(60));
        comment(&mut out, 0, &text);
        assert_eq!(
            out,
            format!(
                "# {} see\n# `onefront explain SOMETHING_LONG`.\n",
                "x".repeat(60)
            )
        );
    }
}
