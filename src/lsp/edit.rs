//! What helps write a file: completion, code actions, formatting, and the
//! outline (symbols and folding ranges).

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CompletionItem, CompletionItemKind, Diagnostic, DocumentSymbol,
    FoldingRange, FoldingRangeKind, Range, SymbolKind, TextEdit, Uri, WorkspaceEdit,
};

use super::check::Checked;
use super::context::{Context, container_named, deployment_at};
use super::text::Doc;
use crate::kinds::{ComposeFlavour, RestartPolicy, RuntimeKind, Word};
use crate::reference::Reference;
use crate::reference::types::ParamType;

/// Statements of a container block.
const CONTAINER: &[&str] = &["env", "volume", "mount", "privileged", "capabilities"];

fn item(label: &str, kind: CompletionItemKind, detail: Option<String>) -> CompletionItem {
    CompletionItem {
        label: label.to_owned(),
        kind: Some(kind),
        detail,
        ..CompletionItem::default()
    }
}

fn words(
    names: impl IntoIterator<Item = impl AsRef<str>>,
    kind: CompletionItemKind,
) -> Vec<CompletionItem> {
    names
        .into_iter()
        .map(|n| item(n.as_ref(), kind, None))
        .collect()
}

/// The completions at `offset`.
pub fn complete(file: &Checked, reference: &Reference, offset: usize) -> Vec<CompletionItem> {
    let context = Context::at(&file.doc.text, offset);
    if context.prefix.starts_with('#') {
        return Vec::new();
    }
    let deployment = deployment_at(&file.result.deployments, offset);
    let keyword = CompletionItemKind::KEYWORD;
    let value = CompletionItemKind::VALUE;
    let words_before: Vec<&str> = context.words.iter().map(String::as_str).collect();
    let mut items = match (context.block(), words_before.as_slice()) {
        (None, []) if !file.doc.text[..offset].contains("onefront ") => {
            words(reference_headers(), keyword)
        }
        (None, []) => words(["deployment"], keyword),
        (Some("deployment"), []) => words(crate::syntax::DEPLOYMENT_STATEMENTS, keyword),
        (Some("container"), []) => words(CONTAINER, keyword),
        (Some("deployment"), ["layout"]) => reference
            .layouts
            .values()
            .map(|l| item(&l.name, value, Some(l.doc.clone())))
            .collect(),
        (Some("deployment"), ["restart"]) => words(RestartPolicy::names(), value),
        (Some("deployment"), ["runtime"]) => words(RuntimeKind::names(), value),
        (Some("deployment"), ["runtime", _]) => words(["rootless"], keyword),
        (Some("deployment"), ["compose"]) => words(ComposeFlavour::names(), value),
        (Some("deployment"), ["bind"]) => words(["ssh"], keyword),
        (Some("deployment"), ["publish"]) => reference
            .roles
            .values()
            .map(|r| {
                item(
                    &r.name,
                    CompletionItemKind::ENUM_MEMBER,
                    Some(r.doc.clone()),
                )
            })
            .collect(),
        (Some("deployment"), ["publish", _]) => words(["off"], keyword),
        (Some("deployment"), ["publish", _, _]) => words(["from"], keyword),
        (Some("deployment"), ["publish", _, _, "from"]) => words(["tls", "plain"], keyword),
        (Some("deployment"), ["without" | "external", ..]) if !words_before.contains(&"\"") => {
            reference
                .services
                .values()
                .map(|s| item(&s.name, CompletionItemKind::MODULE, Some(s.doc.clone())))
                .collect()
        }
        (Some("deployment"), ["container"]) => deployment
            .map(|d| {
                d.containers
                    .iter()
                    .map(|c| item(&c.name, CompletionItemKind::CLASS, Some(c.service.clone())))
                    .collect()
            })
            .unwrap_or_default(),
        (Some("deployment" | "container"), ["volume"]) => reference
            .volumes
            .values()
            .map(|v| item(&v.name, CompletionItemKind::FOLDER, Some(v.path.clone())))
            .collect(),
        (Some("deployment" | "container"), ["volume", _]) => {
            words(["named", "bind", "anonymous"], keyword)
        }
        (Some("deployment"), ["maintenance"]) | (Some("container"), ["privileged"]) => {
            words(["yes", "no"], value)
        }
        (Some("env"), []) => parameters(&context, deployment, reference),
        (Some("env"), [name, "="]) => values(reference, name),
        _ => Vec::new(),
    };
    items.retain(|i| i.label.starts_with(context.prefix.as_str()));
    items
}

/// The header of every reference this onefront knows, the newest first.
fn reference_headers() -> Vec<String> {
    crate::reference::versions()
        .iter()
        .rev()
        .map(|version| format!("onefront {version}"))
        .collect()
}

/// The parameters a container here reads, each with its type and default:
/// in a container's `env`, that container's; in the deployment's, any of
/// its containers'.
fn parameters(
    context: &Context,
    deployment: Option<&crate::ir::model::Deployment>,
    reference: &Reference,
) -> Vec<CompletionItem> {
    let services: Option<Vec<&str>> = deployment.map(|d| {
        match context
            .container()
            .and_then(|name| container_named(d, name))
        {
            Some(container) => vec![container.service.as_str()],
            None => d.containers.iter().map(|c| c.service.as_str()).collect(),
        }
    });
    reference
        .params
        .values()
        .filter(|p| {
            services
                .as_ref()
                .is_none_or(|services| services.iter().any(|s| reference.reads(p, s)))
        })
        .map(|p| {
            let default = p.default.as_deref().unwrap_or("-");
            let mut item = item(
                &p.name,
                CompletionItemKind::PROPERTY,
                Some(format!("{} = {default}", p.ty.to_table())),
            );
            item.documentation = Some(lsp_types::Documentation::String(p.doc.clone()));
            item.insert_text = Some(format!("{} = ", p.name));
            item
        })
        .collect()
}

/// The values a parameter takes: its enum's members, booleans, `secret`.
fn values(reference: &Reference, name: &str) -> Vec<CompletionItem> {
    let Some(param) = reference.params.get(name) else {
        return Vec::new();
    };
    let mut items = match &param.ty {
        ParamType::Enum(members) => words(members, CompletionItemKind::ENUM_MEMBER),
        ParamType::Bool => words(["yes", "no"], CompletionItemKind::VALUE),
        _ => Vec::new(),
    };
    if let Some(default) = &param.default
        && !items.iter().any(|i| &i.label == default)
        && !default.is_empty()
    {
        items.push(item(
            default,
            CompletionItemKind::VALUE,
            Some("the default".to_owned()),
        ));
    }
    let mut secret = item(
        "secret",
        CompletionItemKind::KEYWORD,
        Some(format!("read from ${name} when the deployment starts")),
    );
    secret.sort_text = Some(if param.secret { "0" } else { "z" }.to_owned());
    items.push(secret);
    items
}

/// Code actions at `range`: the fixes of the diagnostics there, "make this
/// value a secret" and "write the default explicitly" on an assignment.
pub fn actions(
    file: &Checked,
    reference: &Reference,
    range: Range,
    diagnostics: &[Diagnostic],
) -> Vec<CodeAction> {
    let uri = &file.uri;
    let mut actions = Vec::new();
    let touches = |r: &Range| r.start <= range.end && range.start <= r.end;
    for diagnostic in diagnostics.iter().filter(|d| touches(&d.range)) {
        let replacement = diagnostic
            .data
            .as_ref()
            .and_then(|d| d.get("replace"))
            .and_then(|r| r.as_str());
        if let Some(replacement) = replacement {
            let mut action = edit_action(
                format!("Replace with `{replacement}`"),
                uri,
                diagnostic.range,
                replacement,
            );
            action.kind = Some(CodeActionKind::QUICKFIX);
            action.diagnostics = Some(vec![diagnostic.clone()]);
            action.is_preferred = Some(true);
            actions.push(action);
        }
    }
    let doc = &file.doc;
    let start = doc.offset(range.start);
    let line_start = doc.text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = doc.text[start..]
        .find('\n')
        .map_or(doc.text.len(), |i| start + i);
    let line = &doc.text[line_start..line_end];
    let code = line.split('#').next().unwrap_or("").trim_end();
    let Some((name, value)) = code.split_once('=') else {
        return actions;
    };
    let (name, value) = (name.trim(), value.trim());
    if Context::at(&doc.text, line_start).block() != Some("env") {
        return actions;
    }
    let Some(param) = reference.params.get(name) else {
        return actions;
    };
    let value_start = line_start + code.rfind(value).unwrap_or(code.len());
    let value_range = doc.range(value_start, value_start + value.len());
    if !value.starts_with("secret") {
        actions.push(edit_action(
            format!("Make `{name}` a secret (read from ${name} when it starts)"),
            uri,
            value_range,
            "secret",
        ));
    }
    if let Some(default) = &param.default {
        let written = crate::reference::types::source_literal(&param.ty, default);
        if value != written {
            actions.push(edit_action(
                format!("Write the default of `{name}` explicitly ({written})"),
                uri,
                value_range,
                &written,
            ));
        }
    }
    actions
}

#[allow(
    clippy::mutable_key_type,
    reason = "lsp-types keys WorkspaceEdit::changes by Uri"
)]
fn edit_action(title: String, uri: &Uri, range: Range, text: &str) -> CodeAction {
    let mut changes = HashMap::new();
    changes.insert(uri.clone(), vec![TextEdit::new(range, text.to_owned())]);
    CodeAction {
        title,
        kind: Some(CodeActionKind::REFACTOR_REWRITE),
        edit: Some(WorkspaceEdit {
            changes: Some(changes),
            ..WorkspaceEdit::default()
        }),
        ..CodeAction::default()
    }
}

/// The whole document in the canonical layout, as one edit; none when it
/// is formatted already or does not parse.
pub fn format(doc: &Doc) -> Option<Vec<TextEdit>> {
    let formatted = crate::format::format(crate::span::SourceId(0), &doc.text).ok()?;
    Some(if formatted == doc.text {
        Vec::new()
    } else {
        vec![TextEdit::new(doc.all(), formatted)]
    })
}

/// Braces that open and close on different lines, and runs of comment
/// lines, read from the text so that a file being typed folds too.
pub fn folding(doc: &Doc) -> Vec<FoldingRange> {
    let mut ranges = Vec::new();
    let mut open: Vec<u32> = Vec::new();
    let mut comments: Option<(u32, u32)> = None;
    for (number, line) in (0u32..).zip(doc.text.lines()) {
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') {
            comments = Some(comments.map_or((number, number), |(first, _)| (first, number)));
            continue;
        }
        if let Some((first, last)) = comments.take()
            && last > first
        {
            ranges.push(fold(first, last, Some(FoldingRangeKind::Comment)));
        }
        let (mut in_string, mut escaped) = (false, false);
        for c in line.chars() {
            match c {
                '\\' if in_string && !escaped => {
                    escaped = true;
                    continue;
                }
                '"' if !escaped => in_string = !in_string,
                '#' if !in_string => break,
                '{' if !in_string => open.push(number),
                '}' if !in_string => {
                    if let Some(first) = open.pop()
                        && number > first
                    {
                        ranges.push(fold(first, number, None));
                    }
                }
                _ => {}
            }
            escaped = false;
        }
    }
    if let Some((first, last)) = comments
        && last > first
    {
        ranges.push(fold(first, last, Some(FoldingRangeKind::Comment)));
    }
    ranges.sort_by_key(|r| (r.start_line, r.end_line));
    ranges
}

fn fold(start: u32, end: u32, kind: Option<FoldingRangeKind>) -> FoldingRange {
    FoldingRange {
        start_line: start,
        end_line: end,
        kind,
        ..FoldingRange::default()
    }
}

/// Deployments, their containers and blocks, the parameters written: the
/// outline, from the concrete tree (none while the file does not parse).
pub fn symbols(doc: &Doc) -> Vec<DocumentSymbol> {
    use crate::syntax::Rule;
    use crate::syntax::concrete::{Element, Node};

    fn walk(node: &Node<'_>, doc: &Doc, out: &mut Vec<DocumentSymbol>) {
        for child in &node.children {
            let Element::Node(inner) = child else {
                continue;
            };
            let kind = match inner.rule {
                Rule::deployment | Rule::reference => Some(SymbolKind::MODULE),
                Rule::container_block | Rule::layout_container | Rule::service_def => {
                    Some(SymbolKind::CLASS)
                }
                Rule::env_block => Some(SymbolKind::NAMESPACE),
                Rule::assignment | Rule::param_def | Rule::deploy_def => Some(SymbolKind::PROPERTY),
                Rule::publish_stmt | Rule::publish_def | Rule::listen_def => {
                    Some(SymbolKind::EVENT)
                }
                Rule::volume_stmt | Rule::volume_def => Some(SymbolKind::FILE),
                Rule::layout_def => Some(SymbolKind::STRUCT),
                Rule::rule_def => Some(SymbolKind::CONSTANT),
                _ => None,
            };
            let Some(kind) = kind else {
                walk(inner, doc, out);
                continue;
            };
            let tokens = inner.tokens();
            let words: Vec<&str> = tokens
                .iter()
                .filter(|t| matches!(t.kind, crate::syntax::concrete::TokenKind::Word(_)))
                .map(|t| t.text)
                .take(if inner.rule == Rule::assignment { 1 } else { 2 })
                .collect();
            let name = match (inner.rule, words.as_slice()) {
                (Rule::env_block, _) => "env".to_owned(),
                (Rule::assignment, [name]) => (*name).to_owned(),
                (_, [keyword, name]) => format!("{keyword} {name}"),
                _ => words.join(" "),
            };
            let selection = tokens
                .iter()
                .find(|t| matches!(t.kind, crate::syntax::concrete::TokenKind::Word(_)))
                .map_or(inner.span, |t| t.span);
            let mut children = Vec::new();
            walk(inner, doc, &mut children);
            #[allow(deprecated, reason = "the field is deprecated but required")]
            out.push(DocumentSymbol {
                name,
                detail: None,
                kind,
                tags: None,
                deprecated: None,
                range: doc.range(inner.span.start, inner.span.end),
                selection_range: doc.range(selection.start, selection.end),
                children: (!children.is_empty()).then_some(children),
            });
        }
    }

    let Ok(tree) = crate::syntax::concrete::parse(crate::span::SourceId(0), &doc.text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    walk(&tree.root, doc, &mut out);
    out
}
