//! `onefront lsp`: a language server over standard input and output. A
//! client of the stages like the command line: diagnostics are `validate`'s
//! (the files of one folder checked together), hover is `explain` plus the
//! model's values, formatting is `fmt`.
//!
//! [`Server::handle`] takes one message and returns the messages to send,
//! with no I/O of its own, so that tests drive it in process; [`run`] only
//! moves messages between it and standard input and output. `lsp-server`
//! (rust-analyzer's) does the framing: it is maintained with rust-analyzer
//! and is only transport, where tower-lsp-server would bring an async
//! runtime that nothing here needs. `line-index` (also rust-analyzer's)
//! turns UTF-16 positions into byte offsets.

mod check;
mod context;
mod edit;
mod know;
mod text;

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentSymbolRequest, FoldingRangeRequest, Formatting,
    GotoDefinition, HoverRequest, InlayHintRequest, Request as _,
};
use lsp_types::{
    CodeActionOrCommand, CodeActionProviderCapability, CompletionOptions, Hover, HoverContents,
    HoverProviderCapability, InitializeResult, MarkupContent, MarkupKind, OneOf,
    PositionEncodingKind, PublishDiagnosticsParams, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, Uri,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::reference::{Reference, STDLIBS};
use text::Doc;

/// The server's state: the open documents and the stdlib documents.
pub struct Server {
    open: BTreeMap<String, Doc>,
    /// Where the stdlibs are written, read-only, for go to definition.
    stdlib_dir: Option<PathBuf>,
    stdlibs: Vec<(Uri, Doc)>,
    /// The documents that have diagnostics published, to clear them.
    published: BTreeSet<String>,
    /// Each document's deployments as last lowered: while a statement is
    /// half typed (a syntax error), completion and hover use these.
    models: BTreeMap<String, Vec<crate::ir::model::Deployment>>,
    initialized: bool,
    shut_down: bool,
}

/// What [`Server::handle`] made of a message.
pub struct Handled {
    pub messages: Vec<Message>,
    /// The client said `exit`: the exit status to end with (0 after a
    /// `shutdown`, 1 without).
    pub exit: Option<u8>,
}

impl Server {
    /// A server that writes the stdlibs under `stdlib_dir` (by default the
    /// user's cache folder, `onefront/stdlib`).
    #[must_use]
    pub fn new(stdlib_dir: Option<PathBuf>) -> Self {
        let stdlib_dir = stdlib_dir.or_else(|| {
            let cache = std::env::var_os("XDG_CACHE_HOME")
                .filter(|c| !c.is_empty())
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
            Some(cache.join("onefront").join("stdlib"))
        });
        Server {
            open: BTreeMap::new(),
            stdlib_dir,
            stdlibs: Vec::new(),
            published: BTreeSet::new(),
            models: BTreeMap::new(),
            initialized: false,
            shut_down: false,
        }
    }

    /// Handles one message from the client.
    pub fn handle(&mut self, message: Message) -> Handled {
        let mut handled = Handled {
            messages: Vec::new(),
            exit: None,
        };
        match message {
            Message::Request(request) => {
                let id = request.id.clone();
                let response = catch_unwind(AssertUnwindSafe(|| self.request(request)))
                    .unwrap_or_else(|_| {
                        Err((
                            ErrorCode::InternalError,
                            "onefront failed on this request".to_owned(),
                        ))
                    });
                handled.messages.push(
                    match response {
                        Ok(result) => Response::new_ok(id, result),
                        Err((code, text)) => Response::new_err(id, code as i32, text),
                    }
                    .into(),
                );
            }
            Message::Notification(notification) => {
                if notification.method == "exit" {
                    handled.exit = Some(u8::from(!self.shut_down));
                } else if let Ok(messages) =
                    catch_unwind(AssertUnwindSafe(|| self.notification(notification)))
                {
                    handled.messages = messages;
                }
            }
            Message::Response(_) => {}
        }
        handled
    }

    fn request(&mut self, request: Request) -> Result<Value, (ErrorCode, String)> {
        if request.method == "initialize" {
            self.initialized = true;
            self.write_stdlibs();
            return to_value(&initialize_result());
        }
        if !self.initialized {
            return Err((
                ErrorCode::ServerNotInitialized,
                "initialize first".to_owned(),
            ));
        }
        if self.shut_down {
            return Err((
                ErrorCode::InvalidRequest,
                "the server is shut down".to_owned(),
            ));
        }
        match request.method.as_str() {
            "shutdown" => {
                self.shut_down = true;
                Ok(Value::Null)
            }
            HoverRequest::METHOD => {
                let p: lsp_types::HoverParams = params(request.params)?;
                let at = &p.text_document_position_params;
                self.with_file(&at.text_document.uri, |file, reference, _| {
                    let offset = file.doc.offset(at.position);
                    know::hover(file, reference, offset).map(|(markdown, range)| Hover {
                        contents: HoverContents::Markup(MarkupContent {
                            kind: MarkupKind::Markdown,
                            value: markdown,
                        }),
                        range: Some(range),
                    })
                })
            }
            Completion::METHOD => {
                let p: lsp_types::CompletionParams = params(request.params)?;
                let at = &p.text_document_position;
                self.with_file(&at.text_document.uri, |file, reference, _| {
                    let offset = file.doc.offset(at.position);
                    Some(edit::complete(file, reference, offset))
                })
            }
            GotoDefinition::METHOD => {
                let p: lsp_types::GotoDefinitionParams = params(request.params)?;
                let at = &p.text_document_position_params;
                self.with_file(&at.text_document.uri, |file, reference, stdlib| {
                    let offset = file.doc.offset(at.position);
                    know::definition(&file.doc, offset, reference, stdlib)
                })
            }
            InlayHintRequest::METHOD => {
                let p: lsp_types::InlayHintParams = params(request.params)?;
                self.with_file(&p.text_document.uri, |file, reference, _| {
                    Some(know::inlay_hints(file, reference, p.range))
                })
            }
            CodeActionRequest::METHOD => {
                let p: lsp_types::CodeActionParams = params(request.params)?;
                self.with_file(&p.text_document.uri, |file, reference, _| {
                    let actions = edit::actions(file, reference, p.range, &p.context.diagnostics);
                    Some(
                        actions
                            .into_iter()
                            .map(CodeActionOrCommand::CodeAction)
                            .collect::<Vec<_>>(),
                    )
                })
            }
            Formatting::METHOD => {
                let p: lsp_types::DocumentFormattingParams = params(request.params)?;
                to_value(&self.doc(&p.text_document.uri).and_then(edit::format))
            }
            FoldingRangeRequest::METHOD => {
                let p: lsp_types::FoldingRangeParams = params(request.params)?;
                to_value(&self.doc(&p.text_document.uri).map(edit::folding))
            }
            DocumentSymbolRequest::METHOD => {
                let p: lsp_types::DocumentSymbolParams = params(request.params)?;
                to_value(&self.doc(&p.text_document.uri).map(edit::symbols))
            }
            other => Err((ErrorCode::MethodNotFound, format!("no method `{other}`"))),
        }
    }

    fn notification(&mut self, notification: Notification) -> Vec<Message> {
        let uri = match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(
                    notification.params,
                ) else {
                    return Vec::new();
                };
                self.open.insert(
                    p.text_document.uri.as_str().to_owned(),
                    Doc::new(p.text_document.text),
                );
                p.text_document.uri
            }
            DidChangeTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(
                    notification.params,
                ) else {
                    return Vec::new();
                };
                let key = p.text_document.uri.as_str().to_owned();
                for change in p.content_changes {
                    let text = match (change.range, self.open.get(&key)) {
                        (Some(range), Some(doc)) => {
                            let (start, end) = (doc.offset(range.start), doc.offset(range.end));
                            let mut text = doc.text.clone();
                            text.replace_range(start..end.max(start), &change.text);
                            text
                        }
                        _ => change.text,
                    };
                    self.open.insert(key.clone(), Doc::new(text));
                }
                p.text_document.uri
            }
            DidSaveTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp_types::DidSaveTextDocumentParams>(
                    notification.params,
                ) else {
                    return Vec::new();
                };
                p.text_document.uri
            }
            DidCloseTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(
                    notification.params,
                ) else {
                    return Vec::new();
                };
                self.open.remove(p.text_document.uri.as_str());
                self.models.remove(p.text_document.uri.as_str());
                let mut messages = vec![publish(&p.text_document.uri, Vec::new())];
                self.published.remove(p.text_document.uri.as_str());
                // The files it was checked with see it as on disk now.
                if let Some(other) = self.open.keys().next().cloned()
                    && let Ok(other) = other.parse::<Uri>()
                {
                    messages.extend(self.diagnose(&other));
                }
                return messages;
            }
            DidChangeWatchedFiles::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp_types::DidChangeWatchedFilesParams>(
                    notification.params,
                ) else {
                    return Vec::new();
                };
                return self.files_changed(&p.changes);
            }
            _ => return Vec::new(),
        };
        self.diagnose(&uri)
    }

    /// `.onefront` files changed on disk (a checkout, another editor): the
    /// open documents of their folders are checked again, and a deleted
    /// file's diagnostics are cleared.
    fn files_changed(&mut self, changes: &[lsp_types::FileEvent]) -> Vec<Message> {
        let mut messages = Vec::new();
        let mut folders = BTreeSet::new();
        for change in changes {
            if change.typ == lsp_types::FileChangeType::DELETED
                && self.published.remove(change.uri.as_str())
            {
                messages.push(publish(&change.uri, Vec::new()));
            }
            if let Some(path) = text::path_of(&change.uri)
                && let Some((folder, _)) = path.rsplit_once('/')
            {
                folders.insert(folder.to_owned());
            }
        }
        let in_folders: Vec<Uri> = self
            .open
            .keys()
            .filter_map(|u| u.parse::<Uri>().ok())
            .filter(|u| {
                text::path_of(u)
                    .and_then(|p| p.rsplit_once('/').map(|(dir, _)| dir.to_owned()))
                    .is_some_and(|dir| folders.contains(&dir))
            })
            .collect();
        // One open document per folder checks the whole folder.
        let mut done = BTreeSet::new();
        for uri in in_folders {
            let folder =
                text::path_of(&uri).and_then(|p| p.rsplit_once('/').map(|(d, _)| d.to_owned()));
            if done.insert(folder) {
                messages.extend(self.diagnose(&uri));
            }
        }
        messages
    }

    /// Checks the group of `uri` and publishes the diagnostics of every
    /// file in it.
    fn diagnose(&mut self, uri: &Uri) -> Vec<Message> {
        let group = check::check(check::group(uri, &self.open));
        let found: Vec<Vec<lsp_types::Diagnostic>> = {
            let stdlib = |id: crate::span::SourceId| self.stdlib_doc(id);
            (0..group.len())
                .map(|index| check::diagnostics(&group, index, &stdlib))
                .collect()
        };
        let mut messages = Vec::new();
        for (file, diagnostics) in group.iter().zip(found) {
            let file_uri = &file.uri;
            if self.open.contains_key(file_uri.as_str()) && !file.result.deployments.is_empty() {
                self.models.insert(
                    file_uri.as_str().to_owned(),
                    file.result.deployments.clone(),
                );
            }
            if diagnostics.is_empty() && !self.published.contains(file_uri.as_str()) {
                continue;
            }
            messages.push(publish(file_uri, diagnostics.clone()));
            if diagnostics.is_empty() {
                self.published.remove(file_uri.as_str());
            } else {
                self.published.insert(file_uri.as_str().to_owned());
            }
        }
        messages
    }

    fn doc(&self, uri: &Uri) -> Option<&Doc> {
        self.open.get(uri.as_str())
    }

    /// Runs `body` on the checked form of an open document, with the
    /// reference of its header and that reference's stdlib document.
    fn with_file<T: Serialize>(
        &mut self,
        uri: &Uri,
        body: impl FnOnce(&check::Checked, &Reference, &[&(Uri, Doc)]) -> Option<T>,
    ) -> Result<Value, (ErrorCode, String)> {
        if !self.open.contains_key(uri.as_str()) {
            return Ok(Value::Null);
        }
        let group = check::check(check::group(uri, &self.open));
        let Some(mut file) = group.into_iter().find(|f| f.uri == *uri) else {
            return Ok(Value::Null);
        };
        if file.result.deployments.is_empty() {
            if let Some(last) = self.models.get(uri.as_str()) {
                file.result.deployments.clone_from(last);
            }
        } else {
            self.models
                .insert(uri.as_str().to_owned(), file.result.deployments.clone());
        }
        let file = &file;
        let (_, reference) = reference_of(&file.doc.text);
        // The reference's stdlib document, then those of the references it
        // extends (6.2's file defines only what differs from 6.0).
        let mut stdlibs = Vec::new();
        let mut version = Some(reference.version.as_str());
        while let Some(v) = version {
            let index = STDLIBS.iter().position(|(known, _, _)| *known == v);
            stdlibs.extend(index.and_then(|i| self.stdlibs.get(i)));
            version = Reference::load(v)
                .and_then(Result::ok)
                .and_then(|r| r.extends.as_deref());
        }
        to_value(&body(file, reference, &stdlibs))
    }

    /// The stdlib document of a stdlib source id.
    fn stdlib_doc(&self, id: crate::span::SourceId) -> Option<(Uri, Doc)> {
        let index = usize::try_from(u32::MAX - id.0).ok()?;
        let (uri, doc) = self.stdlibs.get(index)?;
        Some((uri.clone(), Doc::new(doc.text.clone())))
    }

    /// Writes each stdlib as a read-only file, so that clients can open
    /// what go to definition points at.
    fn write_stdlibs(&mut self) {
        let Some(dir) = &self.stdlib_dir else {
            return;
        };
        self.stdlibs.clear();
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        for (version, _, text) in STDLIBS {
            let path = dir.join(format!("opennebula-{version}.onefront"));
            let current = std::fs::read_to_string(&path).ok();
            if current.as_deref() != Some(*text) {
                let _ = set_writable(&path);
                if std::fs::write(&path, text).is_err() {
                    return;
                }
            }
            let _ = set_read_only(&path);
            let Some(uri) = path.to_str().and_then(text::uri_of) else {
                return;
            };
            self.stdlibs.push((uri, Doc::new((*text).to_owned())));
        }
    }
}

fn set_read_only(path: &std::path::Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o444))
}

fn set_writable(path: &std::path::Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644))
}

/// The reference a text's header names (the first known one when it names
/// none), and its index among the stdlibs.
fn reference_of(text: &str) -> (usize, &'static Reference) {
    let version = text
        .lines()
        .map(|l| l.trim_start_matches('\u{FEFF}').trim())
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .and_then(|l| l.strip_prefix("onefront "))
        .and_then(|rest| rest.split_whitespace().next());
    let index = version
        .and_then(|v| STDLIBS.iter().position(|(known, _, _)| *known == v))
        .unwrap_or(0);
    let loaded = STDLIBS
        .get(index)
        .and_then(|(v, _, _)| Reference::load(v))
        .and_then(Result::ok);
    match loaded {
        Some(reference) => (index, reference),
        // The embedded stdlibs load (a test checks each); this is a build
        // fault, answered with the first one that does.
        None => (
            0,
            STDLIBS
                .iter()
                .find_map(|(v, _, _)| Reference::load(v)?.ok())
                .unwrap_or_else(|| unreachable_reference()),
        ),
    }
}

#[allow(clippy::panic, reason = "no stdlib at all is a broken build")]
fn unreachable_reference() -> &'static Reference {
    panic!("no embedded stdlib loads")
}

fn publish(uri: &Uri, diagnostics: Vec<lsp_types::Diagnostic>) -> Message {
    Notification::new(
        PublishDiagnostics::METHOD.to_owned(),
        PublishDiagnosticsParams {
            uri: uri.clone(),
            diagnostics,
            version: None,
        },
    )
    .into()
}

fn params<T: DeserializeOwned>(value: Value) -> Result<T, (ErrorCode, String)> {
    serde_json::from_value(value).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

fn to_value<T: Serialize>(value: &T) -> Result<Value, (ErrorCode, String)> {
    serde_json::to_value(value).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}

fn initialize_result() -> InitializeResult {
    InitializeResult {
        capabilities: ServerCapabilities {
            position_encoding: Some(PositionEncodingKind::UTF16),
            text_document_sync: Some(TextDocumentSyncCapability::Kind(
                TextDocumentSyncKind::INCREMENTAL,
            )),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            completion_provider: Some(CompletionOptions {
                trigger_characters: Some(vec![" ".to_owned(), "=".to_owned()]),
                ..CompletionOptions::default()
            }),
            definition_provider: Some(OneOf::Left(true)),
            document_symbol_provider: Some(OneOf::Left(true)),
            folding_range_provider: Some(lsp_types::FoldingRangeProviderCapability::Simple(true)),
            document_formatting_provider: Some(OneOf::Left(true)),
            code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
            inlay_hint_provider: Some(OneOf::Left(true)),
            ..ServerCapabilities::default()
        },
        server_info: Some(ServerInfo {
            name: "onefront".to_owned(),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        }),
    }
}

/// Serves the protocol on standard input and output until the client says
/// `exit`; the exit status the protocol asks for.
#[must_use]
pub fn run() -> u8 {
    let (connection, io_threads) = Connection::stdio();
    let mut server = Server::new(None);
    let mut status = 1;
    for message in &connection.receiver {
        let handled = server.handle(message);
        for out in handled.messages {
            if connection.sender.send(out).is_err() {
                return 1;
            }
        }
        if let Some(exit) = handled.exit {
            status = exit;
            break;
        }
    }
    drop(connection);
    let _ = io_threads.join();
    status
}

/// A request id, for tests that build requests.
#[must_use]
pub fn request_id(n: i32) -> RequestId {
    RequestId::from(n)
}
