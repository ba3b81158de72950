//! A long-lived `tool_server.py` per Python interpreter: runs Python
//! command-line tools (docker-compose v1, podman-compose) thousands of times
//! without their half-second start-up, each run in a forked child with its
//! own argv, directory and environment, and reads YAML with PyYAML.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Mutex;

use serde_json::{Value, json};

/// What one run of a tool did.
#[derive(Debug, Clone)]
pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Ran {
    pub fn ok(&self) -> bool {
        self.code == 0
    }
}

/// A running server.
pub struct Server {
    _child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

impl Server {
    /// Starts `python tool_server.py MODULES...`.
    fn start(python: &Path, modules: &[&str]) -> Server {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/tool_server.py");
        let mut child = Command::new(python)
            .arg(script)
            .args(modules)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{}: {e}", python.display()));
        let input = child.stdin.take().unwrap();
        let output = BufReader::new(child.stdout.take().unwrap());
        Server {
            _child: child,
            input,
            output,
        }
    }

    fn ask(&mut self, request: &Value) -> Value {
        writeln!(self.input, "{request}").unwrap();
        self.input.flush().unwrap();
        let mut line = String::new();
        self.output.read_line(&mut line).unwrap();
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("tool server said {line:?}: {e}"))
    }

    /// Runs the console script `script` with `args` in `dir`, with exactly
    /// `env` as its environment.
    pub fn run(
        &mut self,
        script: &Path,
        args: &[String],
        dir: &Path,
        env: &BTreeMap<String, String>,
    ) -> Ran {
        let answer = self.ask(&json!({
            "script": script, "argv": args, "cwd": dir, "env": env,
        }));
        Ran {
            code: i32::try_from(answer["code"].as_i64().unwrap()).unwrap(),
            stdout: answer["stdout"].as_str().unwrap().to_owned(),
            stderr: answer["stderr"].as_str().unwrap().to_owned(),
        }
    }

    /// PyYAML's `safe_load` of a file: the value, or the reader's error.
    pub fn yaml(&mut self, file: &Path) -> Result<Value, String> {
        let answer = self.ask(&json!({ "yaml": file }));
        match answer.get("error") {
            Some(error) => Err(error.as_str().unwrap_or_default().to_owned()),
            None => Ok(answer["value"].clone()),
        }
    }
}

/// The interpreter a console script runs with (its `#!` line).
pub fn interpreter(script: &Path) -> PathBuf {
    let text =
        std::fs::read_to_string(script).unwrap_or_else(|e| panic!("{}: {e}", script.display()));
    let line = text.lines().next().unwrap_or_default();
    let program = line
        .strip_prefix("#!")
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or_else(|| panic!("{} has no #! line", script.display()));
    PathBuf::from(program)
}

/// A server for `script`'s interpreter with `modules` imported, started on
/// first use.
pub fn server<'a>(
    slot: &'a Mutex<Option<Server>>,
    script: &Path,
    modules: &[&str],
) -> std::sync::MutexGuard<'a, Option<Server>> {
    let mut guard = slot
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if guard.is_none() {
        *guard = Some(Server::start(&interpreter(script), modules));
    }
    guard
}
