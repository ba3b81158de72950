//! How long the language server takes to answer, in process: diagnostics
//! after a one-character change to a 500-line file (fourteen front-ends of
//! one host, checked against each other), hover and completion in it.
//!
//!     cargo bench --bench lsp
//!
//! Prints the median and the 95th percentile of each, over many runs. Not a
//! test: timings belong in a benchmark.

#![allow(
    clippy::unwrap_used,
    clippy::format_push_string,
    reason = "a benchmark fails by panicking, and builds its input as text"
)]

use std::time::{Duration, Instant};

use lsp_server::{Message, Notification, Request};
use onefront::lsp::{Server, request_id};
use serde_json::json;

/// Fourteen front-ends, each on an address of its own: about 500 lines.
fn file() -> String {
    let mut out =
        String::from("# A host of fourteen front-ends, for benches/lsp.rs.\nonefront 5.13\n");
    for i in 0..14 {
        out.push_str(&format!(
            "
deployment front-{i} {{
  layout reference
  bind 10.0.0.{n}
  publish sunstone.http 8080
  publish sunstone.vnc 5901
  publish oned.api 2633 from plain
  volume opennebula_datastores bind /srv/one-{i}/datastores

  env {{
    OPENNEBULA_FRONTEND_HOST     = \"front-{i}.example.com\"
    OPENNEBULA_FRONTEND_SSH_HOST = 10.0.0.{n}
    ONEADMIN_PASSWORD            = secret(\"ONEADMIN_PASSWORD_{i}\")
    MYSQL_PASSWORD               = secret(\"MYSQL_PASSWORD_{i}\")
    TLS_VALID_DAYS               = 730
    ONED_DB_BACKUP_ENABLED       = yes
  }}

  container opennebula-oned {{
    env {{
      MONITORD_PORT = 4124
    }}
    mount /srv/one-{i}/hooks at /hooks readonly
  }}

  container opennebula-sunstone {{
    env {{
      SUNSTONE_HTTPS_ENABLED = no
    }}
  }}

  container opennebula-flow {{
    env {{
      TLS_VALID_DAYS = 365
    }}
  }}
}}
",
            n = i + 1
        ));
    }
    out
}

fn percentiles(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    let at = |p: usize| times[(times.len() - 1) * p / 100];
    (at(50), at(95))
}

fn main() {
    let folder = std::env::temp_dir().join(format!("onefront-bench-lsp-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let uri = format!("file://{}/host.onefront", folder.display());
    let text = file();
    let lines = text.lines().count();
    let mut server = Server::new(Some(folder.join("stdlib")));
    server.handle(
        Request::new(
            request_id(0),
            "initialize".to_owned(),
            json!({ "capabilities": {} }),
        )
        .into(),
    );
    let opened = server.handle(
        Notification::new(
            "textDocument/didOpen".to_owned(),
            json!({ "textDocument": { "uri": uri, "languageId": "onefront", "version": 1, "text": text } }),
        )
        .into(),
    );
    // A file that checks clean: the time is that of a real file, not of
    // an early stop at the first error.
    assert!(
        opened.messages.is_empty(),
        "the bench file has diagnostics: {:?}",
        opened.messages
    );

    let runs = 200;
    let mut change = Vec::with_capacity(runs);
    let line = text
        .lines()
        .position(|l| l.contains("TLS_VALID_DAYS"))
        .unwrap();
    for i in 0..runs {
        // Type one digit into a value, as an editor sends it.
        let digit = char::from(b'0' + u8::try_from(i % 10).unwrap());
        let edit = json!({
            "textDocument": { "uri": uri, "version": i + 2 },
            "contentChanges": [{
                "range": { "start": { "line": line, "character": 35 }, "end": { "line": line, "character": 36 } },
                "text": digit.to_string(),
            }],
        });
        let start = Instant::now();
        let handled =
            server.handle(Notification::new("textDocument/didChange".to_owned(), edit).into());
        change.push(start.elapsed());
        assert!(
            handled
                .messages
                .iter()
                .all(|m| matches!(m, Message::Notification(_)))
        );
    }
    let mut hover = Vec::with_capacity(runs);
    let mut completion = Vec::with_capacity(runs);
    for i in 0..runs {
        let at =
            json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": 6 } });
        let start = Instant::now();
        server.handle(
            Request::new(
                request_id(1000 + i32::try_from(i).unwrap()),
                "textDocument/hover".to_owned(),
                at,
            )
            .into(),
        );
        hover.push(start.elapsed());
        let at = json!({ "textDocument": { "uri": uri }, "position": { "line": line + 1, "character": 4 } });
        let start = Instant::now();
        server.handle(
            Request::new(
                request_id(5000 + i32::try_from(i).unwrap()),
                "textDocument/completion".to_owned(),
                at,
            )
            .into(),
        );
        completion.push(start.elapsed());
    }
    let _ = std::fs::remove_dir_all(&folder);

    println!("onefront lsp, in process, a {lines}-line file of 14 front-ends, {runs} runs each");
    for (what, times) in [
        ("diagnostics after a change", change),
        ("hover", hover),
        ("completion", completion),
    ] {
        let (median, p95) = percentiles(times);
        println!(
            "{what:<28} median {:>8.2} ms   p95 {:>8.2} ms",
            median.as_secs_f64() * 1e3,
            p95.as_secs_f64() * 1e3
        );
    }
}
