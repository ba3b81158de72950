//! The language server in process: requests in, responses snapshotted
//! (as Nickel's and KCL's servers test theirs). Every feature, on files
//! with syntax errors, CRLF line ends and non-ASCII text before the cursor;
//! and the fuzz corpus through open, change, hover and completion.

use std::path::Path;

use lsp_server::{ErrorCode, Message, Notification, Request, Response};
use onefront::lsp::{Server, request_id};
use serde_json::{Value, json};

use crate::support::tempdir::TempDir;

/// A client talking to a server in process, over files in a folder of its
/// own (the files of one folder are checked together).
struct Client {
    server: Server,
    next: i32,
    folder: TempDir,
    stdlib: TempDir,
    /// Diagnostics published so far, by file name.
    diagnostics: std::collections::BTreeMap<String, Value>,
}

impl Client {
    fn new() -> Self {
        let stdlib = TempDir::new();
        let mut client = Client {
            server: Server::new(Some(stdlib.std_path().to_path_buf())),
            next: 0,
            folder: TempDir::new(),
            stdlib,
            diagnostics: std::collections::BTreeMap::new(),
        };
        let result = client.request("initialize", json!({ "capabilities": {} }));
        assert!(result["capabilities"]["hoverProvider"].as_bool().unwrap());
        client.notify("initialized", json!({}));
        client
    }

    fn uri(&self, name: &str) -> String {
        format!("file://{}/{name}", self.folder.path())
    }

    /// What the server sent, with the temporary folders' paths replaced.
    fn redact(&self, value: &Value) -> String {
        let text = serde_json::to_string_pretty(value).unwrap();
        let text = text.replace(self.folder.path().as_str(), "<folder>");
        text.replace(self.stdlib.path().as_str(), "<stdlib>")
    }

    fn send(&mut self, message: Message) -> Vec<Message> {
        let handled = self.server.handle(message);
        for message in &handled.messages {
            if let Message::Notification(n) = message
                && n.method == "textDocument/publishDiagnostics"
            {
                let uri = n.params["uri"].as_str().unwrap();
                let name = uri.rsplit('/').next().unwrap().to_owned();
                self.diagnostics
                    .insert(name, n.params["diagnostics"].clone());
            }
        }
        handled.messages
    }

    fn notify(&mut self, method: &str, params: Value) -> Vec<Message> {
        self.send(Notification::new(method.to_owned(), params).into())
    }

    fn respond(&mut self, method: &str, params: Value) -> Response {
        self.next += 1;
        let id = request_id(self.next);
        let messages = self.send(Request::new(id.clone(), method.to_owned(), params).into());
        messages
            .into_iter()
            .find_map(|m| match m {
                Message::Response(r) if r.id == id => Some(r),
                _ => None,
            })
            .expect("a response")
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        match self.respond(method, params).response_result {
            Ok(result) => result,
            Err(error) => panic!("{method}: {error:?}"),
        }
    }

    fn open(&mut self, name: &str, text: &str) {
        let uri = self.uri(name);
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "onefront", "version": 1, "text": text } }),
        );
    }

    fn change(&mut self, name: &str, text: &str) {
        let uri = self.uri(name);
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": text }] }),
        );
    }

    /// The position of the `nth` `needle` in `text`, `offset` characters
    /// into it, in UTF-16 units as the protocol counts.
    fn at(text: &str, needle: &str, nth: usize, offset: usize) -> Value {
        let start = text
            .match_indices(needle)
            .nth(nth)
            .unwrap_or_else(|| panic!("no {needle}"))
            .0;
        let byte = start
            + needle
                .char_indices()
                .nth(offset)
                .map_or(needle.len(), |(i, _)| i);
        let line = text[..byte].matches('\n').count();
        let line_start = text[..byte].rfind('\n').map_or(0, |i| i + 1);
        let character: usize = text[line_start..byte].chars().map(char::len_utf16).sum();
        json!({ "line": line, "character": character })
    }

    fn at_position(&mut self, method: &str, name: &str, position: &Value) -> Value {
        let uri = self.uri(name);
        self.request(
            method,
            json!({ "textDocument": { "uri": uri }, "position": position, "context": { "triggerKind": 1 } }),
        )
    }
}

const DEPLOYMENT: &str = "\
onefront 5.13

deployment opennebula {
  layout reference
  bind 192.168.1.1
  publish sunstone.http 8080

  env {
    OPENNEBULA_FRONTEND_HOST     = \"one.example.com\"
    OPENNEBULA_FRONTEND_SSH_HOST = 192.168.1.1
    ONEADMIN_PASSWORD            = secret(\"ONE_PASS\")
    MYSQL_PASSWORD               = secret
    TLS_VALID_DAYS               = 30
  }

  container opennebula-oned {
    env {
      ONED_DB_BACKUP_ENABLED = no
    }
  }
}
";

fn hover_text(client: &mut Client, name: &str, text: &str, needle: &str, nth: usize) -> String {
    let position = Client::at(text, needle, nth, 1);
    let hover = client.at_position("textDocument/hover", name, &position);
    hover["contents"]["value"]
        .as_str()
        .unwrap_or("(no hover)")
        .to_owned()
}

#[test]
fn hover_explains_names_and_gives_each_parameter_its_value_and_origin() {
    let mut client = Client::new();
    client.open("a.onefront", DEPLOYMENT);
    let mut out = String::new();
    for (needle, nth) in [
        ("TLS_VALID_DAYS", 0),
        ("ONED_DB_BACKUP_ENABLED", 0),
        ("OPENNEBULA_FRONTEND_HOST", 0),
        ("sunstone.http", 0),
        ("reference", 0),
        ("secret(", 0),
        ("secret\n", 0),
    ] {
        out.push_str(&format!("=== {needle:?} #{nth}\n"));
        out.push_str(&hover_text(
            &mut client,
            "a.onefront",
            DEPLOYMENT,
            needle,
            nth,
        ));
        out.push('\n');
    }
    insta::assert_snapshot!(out);
}

#[test]
fn hover_counts_utf16_columns_after_non_ascii_text_and_crlf() {
    let mut client = Client::new();
    let text = "onefront 5.13\r\ndeployment x {\r\n  env {\r\n    OPENNEBULA_FRONTEND_HOST = \"é😀\" ; ONEADMIN_PASSWORD = secret\r\n  }\r\n}\r\n"
        .replace(" ; ", " ");
    client.open("crlf.onefront", &text);
    // After "é😀" (three UTF-16 units, six bytes): a column counted in bytes
    // or in characters lands elsewhere.
    let hover = hover_text(&mut client, "crlf.onefront", &text, "ONEADMIN_PASSWORD", 0);
    assert!(hover.starts_with("**ONEADMIN_PASSWORD"), "{hover}");
    let position = Client::at(&text, "ONEADMIN_PASSWORD", 0, 0);
    // 4 + 24 + 3 columns, then `"é😀" `: é is one UTF-16 unit, 😀 two.
    assert_eq!(position["character"], 37);
    let hover = client.at_position("textDocument/hover", "crlf.onefront", &position.clone());
    assert_eq!(hover["range"]["start"], position);
}

#[test]
fn diagnostics_as_you_type_with_codes_and_both_sides_of_a_collision() {
    let mut client = Client::new();
    let broken = DEPLOYMENT.replace("TLS_VALID_DAYS", "TLS_VALID_DAYZ");
    client.open("a.onefront", &broken);
    // A second front-end of the same host, on disk and open, publishing the
    // same port on the same address: rule N5 on both.
    let other = "onefront 5.13\n\ndeployment other {\n  layout all-in-one\n  bind 192.168.1.2\n  publish sunstone.http 192.168.1.1:8080\n  env {\n    OPENNEBULA_FRONTEND_HOST = \"o.example.com\"\n    OPENNEBULA_FRONTEND_SSH_HOST = \"o.example.com\"\n    ONEADMIN_PASSWORD = secret\n  }\n}\n";
    std::fs::write(client.folder.std_path().join("b.onefront"), other).unwrap();
    client.change("a.onefront", &broken);
    let published = client.redact(&json!(client.diagnostics));
    insta::assert_snapshot!(published);
    // Fixing the file clears its diagnostics but the collision.
    client.change("a.onefront", DEPLOYMENT);
    let codes: Vec<&str> = client.diagnostics["a.onefront"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["onefront::N5"]);
}

#[test]
fn a_file_with_a_syntax_error_gets_its_diagnostic_and_still_hovers_and_completes() {
    let mut client = Client::new();
    let text = DEPLOYMENT.replace("layout reference", "layout: reference");
    client.open("a.onefront", &text);
    let diagnostics = client.diagnostics["a.onefront"].as_array().unwrap().clone();
    assert_eq!(
        diagnostics[0]["code"], "onefront::syntax",
        "{diagnostics:?}"
    );
    assert_eq!(diagnostics[0]["range"]["start"]["line"], 3);
    let hover = hover_text(&mut client, "a.onefront", &text, "TLS_VALID_DAYS", 0);
    assert!(hover.starts_with("**TLS_VALID_DAYS"), "{hover}");
    let completion = client.at_position(
        "textDocument/completion",
        "a.onefront",
        &Client::at(&text, "    TLS_VALID_DAYS", 0, 4),
    );
    assert!(!completion.as_array().unwrap().is_empty());
}

fn labels(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn completion_offers_what_fits_where_the_cursor_is() {
    let mut client = Client::new();
    let mut out = String::new();
    // `|` marks the cursor in the replacement.
    let cases = [
        (
            "statement",
            "  layout reference\n",
            "  |\n  layout reference\n",
        ),
        ("layout", "  layout reference\n", "  layout |\n"),
        ("layout, typed", "  layout reference\n", "  layout al|\n"),
        ("role", "  publish sunstone.http 8080\n", "  publish |\n"),
        (
            "without",
            "  bind 192.168.1.1\n",
            "  bind 192.168.1.1\n  without |\n",
        ),
        (
            "container",
            "  bind 192.168.1.1\n",
            "  bind 192.168.1.1\n  container |\n",
        ),
        (
            "in a container",
            "    env {\n      ONED",
            "    |\n    env {\n      ONED",
        ),
        (
            "env of a container",
            "      ONED_DB_BACKUP_ENABLED = no\n",
            "      ONED_DB_BACKUP_ENABLED = no\n      |\n",
        ),
        (
            "bool value",
            "      ONED_DB_BACKUP_ENABLED = no\n",
            "      ONED_DB_BACKUP_ENABLED = |\n",
        ),
        (
            "prefix",
            "    TLS_VALID_DAYS               = 30\n",
            "    TLS_VALID_DAYS               = 30\n    ONEADMIN_|\n",
        ),
        (
            "in a comment",
            "  layout reference\n",
            "  layout reference # lay|\n",
        ),
    ];
    for (what, from, to) in cases {
        let text = DEPLOYMENT.replacen(from, &to.replace('|', ""), 1);
        client.open("c.onefront", &text);
        let byte = text.find(&to.replace('|', "")).unwrap() + to.find('|').unwrap();
        let line = text[..byte].matches('\n').count();
        let character = byte - text[..byte].rfind('\n').map_or(0, |i| i + 1);
        let items = client.at_position(
            "textDocument/completion",
            "c.onefront",
            &json!({ "line": line, "character": character }),
        );
        out.push_str(&format!("=== {what}\n{}\n", labels(&items).join(" ")));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn the_deployment_env_completes_only_what_some_container_reads() {
    let mut client = Client::new();
    let text = DEPLOYMENT.replacen(
        "    TLS_VALID_DAYS               = 30\n",
        "    TLS_VALID_DAYS               = 30\n    \n",
        1,
    );
    client.open("c.onefront", &text);
    let position = Client::at(&text, "30\n    \n", 0, 7);
    let items = client.at_position("textDocument/completion", "c.onefront", &position);
    let names = labels(&items);
    let reference = onefront::reference::Reference::load("5.13")
        .unwrap()
        .unwrap();
    assert!(
        names.len() > 20 && names.len() < reference.params.len() + 1,
        "{names:?}"
    );
    // Every container of the reference layout is there: each name is read
    // by one of them; the item carries its type and default.
    let first = &items.as_array().unwrap()[0];
    assert!(first["detail"].as_str().unwrap().contains(" = "), "{first}");
}

#[test]
fn inlay_hints_show_derived_values_and_readers() {
    let mut client = Client::new();
    client.open("a.onefront", DEPLOYMENT);
    let uri = client.uri("a.onefront");
    let hints = client.request(
        "textDocument/inlayHint",
        json!({ "textDocument": { "uri": uri }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 99, "character": 0 } } }),
    );
    let lines: Vec<String> = hints
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            format!(
                "{}: {}",
                h["position"]["line"],
                h["label"].as_str().unwrap()
            )
        })
        .collect();
    insta::assert_snapshot!(lines.join("\n"));
}

#[test]
fn definition_outline_folding_and_formatting() {
    let mut client = Client::new();
    client.open("a.onefront", DEPLOYMENT);
    let uri = client.uri("a.onefront");
    let mut out = String::new();
    let definition = client.at_position(
        "textDocument/definition",
        "a.onefront",
        &Client::at(DEPLOYMENT, "TLS_VALID_DAYS", 0, 2),
    );
    out.push_str(&format!(
        "=== definition of TLS_VALID_DAYS\n{}\n",
        client.redact(&definition)
    ));
    let stdlib = definition["uri"]
        .as_str()
        .unwrap()
        .strip_prefix("file://")
        .unwrap();
    let line = definition["range"]["start"]["line"].as_u64().unwrap();
    let text = std::fs::read_to_string(stdlib).unwrap();
    let defined = text.lines().nth(usize::try_from(line).unwrap()).unwrap();
    assert!(
        defined.trim_start().starts_with("param TLS_VALID_DAYS:"),
        "{defined}"
    );
    let mode = std::fs::metadata(stdlib).unwrap().permissions();
    assert!(mode.readonly(), "the stdlib is served read-only");

    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri } }),
    );
    let names = |s: &Value, depth: usize, out: &mut String| {
        fn walk(s: &Value, depth: usize, out: &mut String) {
            for symbol in s.as_array().into_iter().flatten() {
                out.push_str(&format!(
                    "{}{} ({})\n",
                    "  ".repeat(depth),
                    symbol["name"].as_str().unwrap(),
                    symbol["kind"]
                ));
                walk(&symbol["children"], depth + 1, out);
            }
        }
        walk(s, depth, out);
    };
    out.push_str("=== symbols\n");
    names(&symbols, 0, &mut out);

    let folds = client.request(
        "textDocument/foldingRange",
        json!({ "textDocument": { "uri": uri } }),
    );
    out.push_str("=== folding\n");
    for fold in folds.as_array().unwrap() {
        out.push_str(&format!("{}-{}\n", fold["startLine"], fold["endLine"]));
    }

    let messy = DEPLOYMENT.replace("  layout reference\n", "layout    reference # here\n");
    client.change("a.onefront", &messy);
    let edits = client.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    let formatted = edits[0]["newText"].as_str().unwrap();
    out.push_str(&format!(
        "=== formatting: {} edit, range {}\n",
        edits.as_array().unwrap().len(),
        edits[0]["range"]
    ));
    assert!(
        formatted.contains("\n  layout reference  # here\n"),
        "{formatted}"
    );
    client.change(
        "a.onefront",
        "onefront 5.13\ndeployment x {\n  layout: reference\n}\n",
    );
    let none = client.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    out.push_str(&format!("=== formatting an unparsable file: {none}\n"));
    insta::assert_snapshot!(out);
}

#[test]
fn code_actions_fix_a_misspelling_make_a_secret_and_write_a_default() {
    let mut client = Client::new();
    let text = DEPLOYMENT
        .replace("TLS_VALID_DAYS", "TLS_VALID_DAYZ")
        .replace("layout reference", "layout referense");
    client.open("a.onefront", &text);
    let uri = client.uri("a.onefront");
    let diagnostics = client.diagnostics["a.onefront"].clone();
    let mut out = String::new();
    for needle in ["TLS_VALID_DAYZ", "referense", "one.example.com", "= no"] {
        let position = Client::at(&text, needle, 0, 1);
        let actions = client.request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": uri }, "range": { "start": position, "end": position }, "context": { "diagnostics": diagnostics } }),
        );
        out.push_str(&format!("=== at {needle}\n"));
        for action in actions.as_array().unwrap() {
            let edit = &action["edit"]["changes"][&uri][0];
            out.push_str(&format!(
                "{} [{}]: line {} {}-{} -> {}\n",
                action["title"].as_str().unwrap(),
                action["kind"].as_str().unwrap_or("-"),
                edit["range"]["start"]["line"],
                edit["range"]["start"]["character"],
                edit["range"]["end"]["character"],
                edit["newText"]
            ));
        }
    }
    insta::assert_snapshot!(out);
}

#[test]
fn the_lifecycle_errors_and_exit_status() {
    let stdlib = TempDir::new();
    let mut server = Server::new(Some(stdlib.std_path().to_path_buf()));
    let early = server
        .handle(Request::new(request_id(1), "textDocument/hover".to_owned(), json!({})).into());
    let Message::Response(response) = &early.messages[0] else {
        panic!()
    };
    assert_eq!(
        response.response_result.as_ref().unwrap_err().code,
        ErrorCode::ServerNotInitialized as i32
    );
    server.handle(
        Request::new(
            request_id(2),
            "initialize".to_owned(),
            json!({ "capabilities": {} }),
        )
        .into(),
    );
    let unknown =
        server.handle(Request::new(request_id(3), "onefront/nothing".to_owned(), json!({})).into());
    let Message::Response(response) = &unknown.messages[0] else {
        panic!()
    };
    assert_eq!(
        response.response_result.as_ref().unwrap_err().code,
        ErrorCode::MethodNotFound as i32
    );
    let bad = server.handle(
        Request::new(
            request_id(4),
            "textDocument/hover".to_owned(),
            json!({ "x": 1 }),
        )
        .into(),
    );
    let Message::Response(response) = &bad.messages[0] else {
        panic!()
    };
    assert_eq!(
        response.response_result.as_ref().unwrap_err().code,
        ErrorCode::InvalidParams as i32
    );
    server.handle(Request::new(request_id(5), "shutdown".to_owned(), Value::Null).into());
    let exit = server.handle(Notification::new("exit".to_owned(), Value::Null).into());
    assert_eq!(exit.exit, Some(0));
}

/// Every input of the fuzz corpus, opened, changed to its halves and
/// hovered and completed at many positions: every request is answered, and
/// none with an internal error (a panic caught by the server).
#[test]
fn the_fuzz_corpus_never_breaks_a_request() {
    let mut client = Client::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut files = crate::support::files::under(&root.join("corpus/compile"), "onefront");
    files.extend(crate::support::files::under(
        &root.join("regressions"),
        "onefront",
    ));
    for entry in std::fs::read_dir(root.join("corpus/compile")).unwrap() {
        files.push(entry.unwrap().path());
    }
    files.sort();
    files.dedup();
    let mut seed: u64 = 0x5eed;
    let mut requests = 0;
    for file in files.iter().step_by(3) {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        client.open("f.onefront", &text);
        let half = text.len() / 2;
        let half = (0..=half)
            .rev()
            .find(|i| text.is_char_boundary(*i))
            .unwrap();
        client.change("f.onefront", &text[..half]);
        client.change("f.onefront", &text);
        let lines = text.lines().count().max(1);
        for method in [
            "textDocument/hover",
            "textDocument/completion",
            "textDocument/definition",
            "textDocument/codeAction",
        ] {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let line = (seed >> 33) as usize % (lines + 1);
            let character = (seed >> 17) as usize % 120;
            let position = json!({ "line": line, "character": character });
            let uri = client.uri("f.onefront");
            let context = if method.ends_with("completion") {
                json!({ "triggerKind": 1 })
            } else {
                json!({ "diagnostics": [] })
            };
            let response = client.respond(
                method,
                json!({ "textDocument": { "uri": uri }, "position": position, "range": { "start": position, "end": position }, "context": context }),
            );
            assert!(
                response.response_result.is_ok(),
                "{}: {method} at {position}: {:?}",
                file.display(),
                response.response_result
            );
            requests += 1;
        }
        for method in [
            "textDocument/formatting",
            "textDocument/documentSymbol",
            "textDocument/foldingRange",
            "textDocument/inlayHint",
        ] {
            let uri = client.uri("f.onefront");
            let response = client.respond(
                method,
                json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": lines, "character": 0 } } }),
            );
            assert!(
                response.response_result.is_ok(),
                "{}: {method}: {:?}",
                file.display(),
                response.response_result
            );
            requests += 1;
        }
        client.notify(
            "textDocument/didClose",
            json!({ "textDocument": { "uri": client.uri("f.onefront") } }),
        );
    }
    assert!(requests > 1000, "{requests}");
}

/// A sibling file changed on disk (a checkout, another editor): the open
/// documents of the folder are checked again; a deleted one's diagnostics
/// are cleared.
#[test]
fn a_file_changed_on_disk_rechecks_its_folder() {
    let mut client = Client::new();
    client.open("a.onefront", DEPLOYMENT);
    assert!(
        !client.diagnostics.contains_key("a.onefront"),
        "a clean file"
    );
    let other = "onefront 5.13\n\ndeployment other {\n  layout all-in-one\n  bind 192.168.1.2\n  publish sunstone.http 192.168.1.1:8080\n  env {\n    OPENNEBULA_FRONTEND_HOST = \"o.example.com\"\n    OPENNEBULA_FRONTEND_SSH_HOST = \"o.example.com\"\n    ONEADMIN_PASSWORD = secret\n  }\n}\n";
    let b = client.folder.std_path().join("b.onefront");
    std::fs::write(&b, other).unwrap();
    let created = json!({ "changes": [{ "uri": client.uri("b.onefront"), "type": 1 }] });
    client.notify("workspace/didChangeWatchedFiles", created);
    let codes = |client: &Client, file: &str| -> Vec<String> {
        client
            .diagnostics
            .get(file)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|d| d["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(codes(&client, "a.onefront"), ["onefront::N5"]);
    assert_eq!(codes(&client, "b.onefront"), ["onefront::N5"]);
    std::fs::remove_file(&b).unwrap();
    let deleted = json!({ "changes": [{ "uri": client.uri("b.onefront"), "type": 3 }] });
    client.notify("workspace/didChangeWatchedFiles", deleted);
    assert!(codes(&client, "a.onefront").is_empty());
    assert!(codes(&client, "b.onefront").is_empty());
}

/// In an empty file, the header of every version this onefront knows.
#[test]
fn an_empty_file_completes_the_header_of_each_version() {
    let mut client = Client::new();
    client.open("new.onefront", "");
    let items = client.at_position(
        "textDocument/completion",
        "new.onefront",
        &json!({ "line": 0, "character": 0 }),
    );
    let expected: Vec<String> = onefront::reference::versions()
        .iter()
        .rev()
        .map(|v| format!("onefront {v}"))
        .collect();
    assert_eq!(labels(&items), expected);
    assert!(expected.len() >= 3, "5.13, 6.0, 6.2");
}

/// In a 6.2 file, a name 6.2's stdlib inherits from 6.0 is found in the
/// 6.0 stdlib document: the definitions of the chain it extends.
#[test]
fn definition_follows_the_reference_a_version_extends() {
    let mut client = Client::new();
    let text = "onefront 6.2\n\ndeployment x {\n  env {\n    OPENNEBULA_HOST = \"one.example.com\"\n  }\n}\n";
    client.open("a.onefront", text);
    let definition = client.at_position(
        "textDocument/definition",
        "a.onefront",
        &Client::at(text, "OPENNEBULA_HOST", 0, 2),
    );
    let uri = definition["uri"]
        .as_str()
        .unwrap_or_else(|| panic!("{definition}"));
    assert!(uri.ends_with("/opennebula-6.0.onefront"), "{uri}");
    let path = uri.strip_prefix("file://").unwrap();
    let line = usize::try_from(definition["range"]["start"]["line"].as_u64().unwrap()).unwrap();
    let defined = std::fs::read_to_string(path).unwrap();
    assert!(
        defined
            .lines()
            .nth(line)
            .unwrap()
            .trim_start()
            .starts_with("param OPENNEBULA_HOST:"),
        "{line}"
    );
}
