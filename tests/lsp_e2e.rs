//! `onefront lsp` end to end: the built binary, started by real clients
//! over its standard input and output, as an editor starts it. pytest-lsp's
//! client (`tests/lsp-e2e/test_protocol.py`) reads every message into
//! lsprotocol's types, the LSP specification as data; Neovim 0.7's
//! built-in client, headless (`tests/lsp-e2e/nvim_attach.lua`), shows that
//! a real editor gets diagnostics and hover and keeps its edits in step.
//! Each client runs with a home of its own and is killed if it overruns.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::tempdir::TempDir;
use crate::support::tools;

/// How long one client may run before it is killed and the test fails.
const LIMIT: Duration = Duration::from_secs(30);

fn suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("lsp-e2e")
}

fn example() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join("reference.onefront");
    std::fs::read_to_string(path).unwrap()
}

/// A command with nothing of the caller's environment but `PATH`, and
/// HOME, XDG_* and TMPDIR under `dir`: what the client and the server it
/// starts write (the stdlib files, logs, pytest's temporary folders) stays
/// there.
fn isolated(program: &Path, dir: &Path) -> Command {
    let home = dir.join("home");
    let tmp = dir.join("tmp");
    for folder in [&home, &tmp] {
        std::fs::create_dir_all(folder).unwrap();
    }
    let mut command = Command::new(program);
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("TMPDIR", &tmp)
        .env("ONEFRONT_BIN", env!("CARGO_BIN_EXE_onefront"))
        .current_dir(dir)
        .stdin(Stdio::null());
    command
}

/// Runs `command` until it ends or [`LIMIT`] passes (then kills it and
/// fails); its exit status and what it printed, both streams.
fn run(mut command: Command, dir: &Path) -> (ExitStatus, String) {
    let out = dir.join("output.txt");
    let file = std::fs::File::create(&out).unwrap();
    command.stdout(file.try_clone().unwrap()).stderr(file);
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{command:?} still ran after {LIMIT:?}, killed:\n{}",
                std::fs::read_to_string(&out).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    (status, std::fs::read_to_string(&out).unwrap_or_default())
}

#[test]
fn pytest_lsp_drives_the_server_within_the_protocol() {
    let dir = TempDir::new();
    let python = tools::python();
    let mut command = isolated(&python, dir.std_path());
    command
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .args(["-o", "asyncio_default_fixture_loop_scope=function"])
        // Test ids relative to the suite, wherever pytest runs.
        .arg("--rootdir")
        .arg(suite())
        .arg(suite())
        // No __pycache__ in the repository.
        .env("PYTHONDONTWRITEBYTECODE", "1");
    let (status, output) = run(command, dir.std_path());
    assert!(
        status.success(),
        "pytest-lsp suite failed ({status}; `{}` needs pytest-lsp: scripts/install-test-tools):\n{output}",
        python.display()
    );
    // It ran every test: once per client, none skipped.
    assert!(output.contains(" passed"), "{output}");
    assert!(!output.contains("skipped"), "{output}");
}

/// Neovim's report of `nvim_attach.lua` on the reference example with
/// `right` misspelt as `wrong`, hovering `hover`.
fn neovim(wrong: &str, right: &str, hover: &str) -> (String, Value) {
    let dir = TempDir::new();
    let folder = dir.std_path().join("work");
    std::fs::create_dir_all(&folder).unwrap();
    let example = example();
    let misspelt = example.replacen(&format!("{right} "), &format!("{wrong} "), 1);
    assert_ne!(misspelt, example);
    let file = folder.join("reference.onefront");
    std::fs::write(&file, &misspelt).unwrap();
    let report = dir.std_path().join("report.json");

    let mut command = isolated(&tools::nvim(), dir.std_path());
    command
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c"])
        .arg(format!(
            "luafile {}",
            suite().join("nvim_attach.lua").display()
        ))
        .env("ONEFRONT_NVIM_FILE", &file)
        .env("ONEFRONT_NVIM_WRONG", wrong)
        .env("ONEFRONT_NVIM_RIGHT", right)
        .env("ONEFRONT_NVIM_HOVER", hover)
        .env("ONEFRONT_NVIM_REPORT", &report);
    let (status, output) = run(command, dir.std_path());
    let text = std::fs::read_to_string(&report)
        .unwrap_or_else(|e| panic!("Neovim wrote no report ({e}), {status}:\n{output}"));
    let report: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        report["errors"],
        serde_json::json!([]),
        "{report:#}\n{output}"
    );
    assert!(status.success(), "Neovim {status}:\n{output}");
    (misspelt, report)
}

#[test]
fn neovim_gets_the_diagnostic_and_hover_and_the_correction_clears_it() {
    let (wrong, right) = ("OPENNEBULA_FRONTEND_HOTS", "OPENNEBULA_FRONTEND_HOST");
    let hover = "OPENNEBULA_FRONTEND_SSH_HOST";
    let (text, report) = neovim(wrong, right, hover);

    // One diagnostic, on the misspelt name (0-based line, byte columns).
    let offset = text.find(wrong).unwrap();
    let line = text[..offset].matches('\n').count();
    let col = offset - text[..offset].rfind('\n').map_or(0, |n| n + 1);
    let diagnostics = report["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{report:#}");
    let diagnostic = &diagnostics[0];
    assert_eq!(diagnostic["code"], "onefront::P1", "{diagnostic}");
    assert_eq!(diagnostic["severity"], 1, "an error: {diagnostic}");
    assert_eq!(diagnostic["lnum"], line, "{diagnostic}");
    assert_eq!(diagnostic["end_lnum"], line, "{diagnostic}");
    assert_eq!(diagnostic["col"], col, "{diagnostic}");
    assert_eq!(diagnostic["end_col"], col + wrong.len(), "{diagnostic}");
    let message = diagnostic["message"].as_str().unwrap();
    assert!(message.contains(&format!("`{wrong}`")), "{message}");
    assert!(
        message.contains(&format!("`{right}`")),
        "did you mean: {message}"
    );

    // Hover: Markdown about the parameter, with its default and its value.
    assert_eq!(report["hover"]["kind"], "markdown", "{report:#}");
    let markdown = report["hover"]["value"].as_str().unwrap();
    assert!(markdown.starts_with(&format!("**{hover} ")), "{markdown}");
    assert!(
        markdown
            .lines()
            .any(|l| l.trim_start().starts_with("default:")),
        "{markdown}"
    );
    assert!(
        markdown.contains("`192.168.1.1`, written in this file"),
        "{markdown}"
    );

    // The correction, sent by Neovim as an incremental change, clears it;
    // then shutdown and exit, with status 0.
    assert_eq!(report["diagnostics_corrected"], serde_json::json!([]));
    assert_eq!(report["exit"]["code"], 0, "{report:#}");
    assert_eq!(report["exit"]["signal"], 0, "{report:#}");
}
