//! The VS Code extension (`editors/vscode`), through the real tools: its
//! `TextMate` grammar under `vscode-tmgrammar-test` (the unit tests) and
//! `vscode-tmgrammar-snap` (snapshots of the examples, the stdlib and some UI
//! files), the extension packaged by `vsce` with its language client,
//! `extension.js` run in Node.js against stand-ins of the VS Code API (no VS
//! Code can run here), alone and with the real language client talking to
//! `onefront lsp`, and the grammar loaded by shiki, which renders the
//! pictures of the documentation.

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::support::files;
use crate::support::tempdir::TempDir;
use crate::support::tools;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn extension() -> PathBuf {
    repo().join("editors/vscode")
}

/// `node PROGRAM ARGS...` in `dir`, with a home and caches of its own in
/// `home` and no terminal; panics with everything it printed when it fails,
/// and returns that otherwise.
fn node<S: AsRef<OsStr>>(program: &Path, args: &[S], dir: &Path, home: &Path) -> String {
    let output = Command::new(tools::node())
        .arg(program)
        .args(args)
        .current_dir(dir)
        .env("HOME", home)
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", program.display()));
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "{} {:?} failed ({}):\n{printed}",
        program.display(),
        args.iter().map(AsRef::as_ref).collect::<Vec<_>>(),
        output.status
    );
    printed
}

/// `path` relative to `base`, with `/` separators.
fn relative(path: &Path, base: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or_else(|_| panic!("{} is not under {}", path.display(), base.display()))
        .to_string_lossy()
        .into_owned()
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::copy(from, to)
        .unwrap_or_else(|e| panic!("{} -> {}: {e}", from.display(), to.display()));
}

#[test]
fn the_grammar_passes_its_unit_tests() {
    let home = TempDir::new();
    let units = files::under(&extension().join("tests/unit"), "onefront");
    assert!(units.len() >= 5, "unit tests missing: {units:?}");
    let printed = node(
        &tools::npm_bin("vscode-tmgrammar-test"),
        &["--config", "package.json", "tests/unit/*.onefront"],
        &extension(),
        home.std_path(),
    );
    for unit in &units {
        // The runner's own wording (sic).
        let ran = format!("{} run successfuly", relative(unit, &extension()));
        assert!(printed.contains(&ran), "`{ran}` not reported:\n{printed}");
    }
}

/// The text under each assertion of a `vscode-tmgrammar-test` file, with
/// the scopes the assertion requires (before any ` - ` exclusion).
fn assertions(test: &str) -> Vec<(String, String)> {
    let mut source = "";
    let mut found = Vec::new();
    for line in test.lines() {
        let Some(rest) = line.strip_prefix('#') else {
            source = line;
            continue;
        };
        let marks = rest.trim_start();
        let ranges: Vec<(usize, usize)> = if marks.starts_with('^') {
            let mut runs = Vec::new();
            let mut start = None;
            for (column, c) in line.char_indices().chain([(line.len(), ' ')]) {
                match (c == '^', start) {
                    (true, None) => start = Some(column),
                    (false, Some(from)) => {
                        runs.push((from, column));
                        start = None;
                    }
                    _ => {}
                }
            }
            runs
        } else if let Some(arrow) = marks.strip_prefix('<') {
            let tildes = arrow.chars().take_while(|c| *c == '~').count();
            let dashes = arrow[tildes..].chars().take_while(|c| *c == '-').count();
            vec![(tildes, tildes + dashes)]
        } else {
            source = line;
            continue;
        };
        let scopes = marks.trim_start_matches(['^', '<', '~', '-', ' ']);
        let required = scopes.split(" - ").next().unwrap_or_default().trim();
        for (from, to) in ranges {
            let marked = source.get(from..to).unwrap_or_default();
            found.push((marked.to_owned(), required.to_owned()));
        }
    }
    found
}

/// Each keyword of the pest grammar, each boolean, port role and layout is
/// asserted in the unit tests, so that a word the grammar loses (or a new
/// keyword nobody tested) fails a test.
#[test]
fn the_unit_tests_assert_every_keyword_role_and_layout() {
    let vocabulary = onefront::editors::Vocabulary::new().unwrap();
    let asserted: Vec<(String, String)> = files::under(&extension().join("tests/unit"), "onefront")
        .iter()
        .flat_map(|unit| assertions(&std::fs::read_to_string(unit).unwrap()))
        .collect();
    let lists = [
        ("keywords", "keyword.other"),
        ("booleans", "constant.language.boolean.onefront"),
        ("roles", "support.constant.role.onefront"),
        ("layouts", "support.constant.layout.onefront"),
    ];
    let mut missing = Vec::new();
    for (list, scope) in lists {
        for word in vocabulary.get(list).unwrap() {
            let tested = asserted.iter().any(|(text, scopes)| {
                text == word && scopes.split(' ').any(|s| s.starts_with(scope))
            });
            if !tested {
                missing.push(format!("{word} ({scope})"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "no assertion in editors/vscode/tests/unit gives these words their scope: {missing:?}"
    );
}

/// The snapshot inputs: every `tests/snap/PATH.snap` is the snapshot of
/// `PATH` in the repository.
fn snapshot_inputs() -> Vec<(PathBuf, String)> {
    let dir = extension().join("tests/snap");
    files::under(&dir, "snap")
        .into_iter()
        .map(|snap| {
            let source = relative(&snap, &dir)
                .strip_suffix(".snap")
                .unwrap()
                .to_owned();
            (snap, source)
        })
        .collect()
}

#[test]
fn snapshots_of_the_examples_the_stdlib_and_ui_files_are_unchanged() {
    let inputs = snapshot_inputs();
    let sources: BTreeSet<&str> = inputs.iter().map(|(_, s)| s.as_str()).collect();
    for folder in ["examples", "stdlib"] {
        for file in files::under(&repo().join(folder), "onefront") {
            let name = relative(&file, repo());
            assert!(
                sources.contains(name.as_str()),
                "{name} has no snapshot: run editors/vscode/tests/update-snapshots.sh"
            );
        }
    }
    assert!(
        sources.iter().any(|s| s.starts_with("tests/ui/")),
        "no UI file is snapshotted"
    );
    let work = TempDir::new();
    let home = TempDir::new();
    for (snap, source) in &inputs {
        let original = repo().join(source);
        assert!(
            original.is_file(),
            "{} has no input {source}",
            snap.display()
        );
        let copied = work.std_path().join(source);
        copy(&original, &copied);
        copy(snap, &copied.with_file_name(snap.file_name().unwrap()));
    }
    let config = extension().join("package.json");
    let printed = node(
        &tools::npm_bin("vscode-tmgrammar-snap"),
        &[
            OsStr::new("--config"),
            config.as_os_str(),
            OsStr::new("**/*.onefront"),
        ],
        work.std_path(),
        home.std_path(),
    );
    // Without its snapshot the runner would write one and pass.
    assert!(
        !printed.contains("Generating snapshot"),
        "a snapshot was missing:\n{printed}"
    );
    for (_, source) in &inputs {
        let ran = format!("{source} run successfully");
        assert!(printed.contains(&ran), "`{ran}` not reported:\n{printed}");
    }
}

/// The extension's runtime dependencies, `vscode-languageclient` and what it
/// needs, as `scripts/install-test-tools` installs them from
/// `editors/vscode/package-lock.json` (`npm ci --omit=dev`) into
/// `$ONEFRONT_TOOLS/vscode-extension`, beside the npm tools.
fn extension_modules() -> PathBuf {
    let modules = tools::npm_modules()
        .parent()
        .and_then(Path::parent)
        .unwrap()
        .join("vscode-extension/node_modules");
    assert!(
        modules.join("vscode-languageclient/package.json").is_file(),
        "{} has no vscode-languageclient: run scripts/install-test-tools",
        modules.display()
    );
    modules
}

fn json_file(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The packages of `editors/vscode/package-lock.json`, by folder under
/// `node_modules`, with their versions.
fn locked_packages() -> Vec<(String, String)> {
    let lock = json_file(&extension().join("package-lock.json"));
    lock["packages"]
        .as_object()
        .unwrap()
        .iter()
        .filter_map(|(key, package)| {
            let folder = key.strip_prefix("node_modules/")?;
            Some((folder.to_owned(), package["version"].as_str()?.to_owned()))
        })
        .collect()
}

/// `^1.82.0` as `(1, 82, 0)`.
fn minimum_version(range: &str) -> (u32, u32, u32) {
    let numbers: Vec<u32> = range
        .trim_start_matches('^')
        .split('.')
        .map(|n| {
            n.parse()
                .unwrap_or_else(|_| panic!("version range {range}"))
        })
        .collect();
    assert_eq!(numbers.len(), 3, "version range {range}");
    (numbers[0], numbers[1], numbers[2])
}

/// The manifest pins the language client exactly, as the lockfile has it;
/// the lockfile is npm's version 3 and the VS Code the extension asks for
/// is one the pinned client supports.
#[test]
fn the_extension_pins_a_language_client_its_vs_code_runs() {
    let manifest = json_file(&extension().join("package.json"));
    let lock = json_file(&extension().join("package-lock.json"));
    assert_eq!(lock["lockfileVersion"], 3);
    let dependencies = manifest["dependencies"].as_object().unwrap();
    assert_eq!(
        dependencies.keys().collect::<Vec<_>>(),
        ["vscode-languageclient"]
    );
    assert_eq!(
        lock["packages"][""]["dependencies"], manifest["dependencies"],
        "package-lock.json is stale: run `npm install --package-lock-only --ignore-scripts` in editors/vscode"
    );
    let pinned = dependencies["vscode-languageclient"].as_str().unwrap();
    assert!(
        pinned.chars().all(|c| c.is_ascii_digit() || c == '.'),
        "vscode-languageclient {pinned} is not an exact version"
    );
    let client = &lock["packages"]["node_modules/vscode-languageclient"];
    assert_eq!(client["version"], pinned);
    assert!(pinned.starts_with("9."), "vscode-languageclient {pinned}");
    let ours = manifest["engines"]["vscode"].as_str().unwrap();
    let theirs = client["engines"]["vscode"].as_str().unwrap();
    assert!(
        minimum_version(ours) >= minimum_version(theirs),
        "engines.vscode {ours} is older than vscode-languageclient {pinned} supports ({theirs})"
    );
    assert!(
        !manifest["devDependencies"].is_object(),
        "a dev dependency would need npm install in the test"
    );
    assert_eq!(manifest["main"], "./extension.js");
    assert_eq!(
        manifest["activationEvents"],
        serde_json::json!(["onLanguage:onefront"])
    );
}

/// `node --check`: the extension and its test driver parse, as the Node.js
/// of VS Code runs them (plain `CommonJS`, no build step).
#[test]
fn node_parses_the_extension() {
    for script in ["extension.js", "tests/activate.js", "tests/client.js"] {
        let output = Command::new(tools::node())
            .arg("--check")
            .arg(extension().join(script))
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "node --check {script}:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// `vsce package` (offline, asking nothing) of a copy of the extension with
/// the pinned runtime dependencies installed in it, where `npm list
/// --production` finds them; the `.vsix` is unzipped in `work/unzipped`,
/// and each file of it is returned with its Unix mode.
fn package_with_dependencies(work: &Path) -> Vec<(String, u32)> {
    let home = TempDir::new();
    let copied = work.join("onefront");
    let copy_tree = |from: &Path, to: &Path| {
        let status = Command::new("cp")
            .arg("-R")
            .arg(from)
            .arg(to)
            .status()
            .unwrap();
        assert!(status.success(), "copying {}", from.display());
    };
    copy_tree(&extension(), &copied);
    // A node_modules left in editors/vscode (git-ignored) is not the pinned one.
    let modules = copied.join("node_modules");
    if modules.exists() {
        std::fs::remove_dir_all(&modules).unwrap();
    }
    copy_tree(&extension_modules(), &modules);
    let vsix = work.join("onefront.vsix");
    node(
        &tools::npm_bin("vsce"),
        &[
            OsStr::new("package"),
            // The project has no public repository URL yet; none is made up.
            OsStr::new("--allow-missing-repository"),
            OsStr::new("--out"),
            vsix.as_os_str(),
        ],
        &copied,
        home.std_path(),
    );
    let list = "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nz.extractall(sys.argv[2])\nfor i in sorted(z.infolist(), key=lambda i: i.filename): print(i.filename, i.external_attr >> 16 & 0o777)";
    let output = Command::new(tools::python())
        .args(["-c", list])
        .arg(&vsix)
        .arg(work.join("unzipped"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{} is no zip file", vsix.display());
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter_map(|line| {
            let (name, mode) = line.rsplit_once(' ')?;
            Some((
                name.strip_prefix("extension/")?.to_owned(),
                mode.parse().ok()?,
            ))
        })
        .collect()
}

/// The `.vsix` holds the lockfile's packages at its versions and nothing
/// else under `node_modules`, without their TypeScript declarations, and
/// the client's `terminateProcess.sh` (run to stop a server that does not
/// exit) stays executable.
fn assert_packaged_dependencies(files: &[(String, u32)], packaged: &Path) {
    let locked = locked_packages();
    let folders: BTreeSet<&str> = files
        .iter()
        .filter_map(|(name, _)| {
            let rest = name.strip_prefix("node_modules/")?;
            let (first, more) = rest.split_once('/')?;
            Some(if first.starts_with('@') {
                &rest[..=first.len() + more.split_once('/')?.0.len()]
            } else {
                first
            })
        })
        .collect();
    assert_eq!(
        folders,
        locked.iter().map(|(f, _)| f.as_str()).collect(),
        "the packages of the .vsix"
    );
    for (folder, version) in &locked {
        let manifest = json_file(
            &packaged
                .join("node_modules")
                .join(folder)
                .join("package.json"),
        );
        assert_eq!(
            manifest["version"],
            version.as_str(),
            "{folder} in the .vsix is not the locked one: run scripts/install-test-tools"
        );
    }
    let mode = |file: &str| {
        files
            .iter()
            .find(|(name, _)| name == file)
            .unwrap_or_else(|| panic!("the .vsix has no {file}"))
            .1
    };
    mode("node_modules/vscode-languageclient/lib/node/main.js");
    assert_eq!(
        mode("node_modules/vscode-languageclient/lib/node/terminateProcess.sh"),
        0o755
    );
    assert!(
        !files
            .iter()
            .any(|(f, _)| f.to_ascii_lowercase().ends_with(".d.ts")),
        "TypeScript declarations in the .vsix"
    );
}

/// `vsce package` builds the `.vsix` with the language client: it holds
/// `extension.js`, the grammar as generated, the language configuration,
/// the manifest, the icon and exactly the packages of the lockfile, and
/// neither the template nor the tests.
#[test]
fn vsce_packages_the_extension_with_its_language_client() {
    let work = TempDir::new();
    let files = package_with_dependencies(work.std_path());
    let own: Vec<&str> = files
        .iter()
        .map(|(name, _)| name.as_str())
        .filter(|name| !name.starts_with("node_modules/"))
        .collect();
    assert_eq!(
        own,
        [
            "CHANGELOG.md",
            "LICENSE.txt",
            "README.md",
            "extension.js",
            "images/onefront.png",
            "language-configuration.json",
            "package.json",
            "syntaxes/onefront.tmLanguage.json",
        ],
        "what the .vsix holds besides node_modules"
    );
    let packaged = work.std_path().join("unzipped/extension");
    for same in [
        "extension.js",
        "syntaxes/onefront.tmLanguage.json",
        "language-configuration.json",
    ] {
        assert_eq!(
            std::fs::read(packaged.join(same)).unwrap(),
            std::fs::read(extension().join(same)).unwrap(),
            "{same} in the .vsix differs from the repository's"
        );
    }
    assert_eq!(
        json_file(&packaged.join("package.json")),
        json_file(&extension().join("package.json"))
    );
    assert_packaged_dependencies(&files, &packaged);
}

/// The JSON that the driver `tests/SCRIPT` of the extension printed, run
/// as `node tests/SCRIPT EXTENSION_DIR MODULES ARGS...` with only `PATH`
/// and a home folder in its environment; panics with what it printed when
/// it fails (the drivers fail on anything VS Code would refuse).
fn run_driver<S: AsRef<OsStr>>(
    script: &str,
    args: &[S],
    path: &[&Path],
    home: &Path,
) -> serde_json::Value {
    let output = Command::new(tools::node())
        .arg(extension().join("tests").join(script))
        .arg(extension())
        .arg(extension_modules())
        .args(args)
        .env_clear()
        .env("PATH", std::env::join_paths(path).unwrap())
        .env("HOME", home)
        .env("XDG_CACHE_HOME", home.join("cache"))
        .current_dir(home)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "tests/{script} failed ({}):\n{stdout}{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("tests/{script} printed no JSON ({e}):\n{stdout}"))
}

/// What `extension.js` did under `tests/activate.js` (stand-ins for
/// `vscode` and `vscode-languageclient`) in `scenario`: its events.
fn run_extension(
    scenario: &serde_json::Value,
    path: &[&Path],
    home: &Path,
) -> Vec<serde_json::Value> {
    let report = run_driver("activate.js", &[scenario.to_string()], path, home);
    report["events"].as_array().unwrap().clone()
}

/// An executable `onefront` that does nothing, in `dir`.
fn fake_onefront(dir: &Path, name: &str, mode: u32) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(dir).unwrap();
    let program = dir.join(name);
    std::fs::write(&program, "#!/bin/sh\nexit 0\n").unwrap();
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(mode)).unwrap();
    program
}

fn kinds(events: &[serde_json::Value]) -> Vec<&str> {
    events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect()
}

/// The servers the clients were told to run, in order.
fn servers(events: &[serde_json::Value]) -> Vec<(String, serde_json::Value)> {
    events
        .iter()
        .filter(|e| e["event"] == "client")
        .map(|e| {
            (
                e["server"]["command"].as_str().unwrap().to_owned(),
                e["server"]["args"].clone(),
            )
        })
        .collect()
}

fn messages(events: &[serde_json::Value]) -> Vec<&str> {
    events
        .iter()
        .filter(|e| ["information", "warning", "error"].contains(&e["event"].as_str().unwrap()))
        .map(|e| e["text"].as_str().unwrap())
        .collect()
}

/// With `onefront` on `PATH` (after a folder whose `onefront` is not
/// executable), activation starts one client of `onefront lsp` for the
/// language's files and untitled documents, watching `**/*.onefront`;
/// the restart command stops it and starts another; deactivation stops
/// that one; nothing is shown.
#[test]
fn activation_starts_onefront_lsp_found_on_path() {
    let work = TempDir::new();
    let t = work.std_path();
    fake_onefront(&t.join("noexec"), "onefront", 0o644);
    let onefront = fake_onefront(&t.join("bin"), "onefront", 0o755);
    let events = run_extension(
        &serde_json::json!({ "restart": true }),
        &[&t.join("noexec"), &t.join("bin")],
        t,
    );
    assert_eq!(
        kinds(&events),
        [
            "output channel",
            "watch",
            "client",
            "start",
            "activated",
            "execute",
            "stop",
            "dispose",
            "watch",
            "client",
            "start",
            "restarted",
            "stop",
            "dispose",
            "deactivated",
            "dispose",
            "dispose",
            "dispose"
        ],
        "{events:#?}"
    );
    let client = events.iter().find(|e| e["event"] == "client").unwrap();
    assert_eq!(
        *client,
        serde_json::json!({
            "event": "client",
            "index": 0,
            "id": "onefront",
            "name": "onefront language server",
            "server": { "command": onefront, "args": ["lsp"] },
            "documentSelector": [
                { "scheme": "file", "language": "onefront" },
                { "scheme": "untitled", "language": "onefront" }
            ],
            "fileEvents": ["**/*.onefront"],
            "outputChannel": "onefront"
        })
    );
    assert_eq!(servers(&events).len(), 2);
    assert!(messages(&events).is_empty(), "{events:#?}");
}

/// Without `onefront` anywhere: exactly one information message, which
/// says highlighting works and how to install onefront, and no client;
/// its button opens the setting, and setting it then starts the server
/// without a reload.
#[test]
fn without_onefront_one_message_and_no_client() {
    let work = TempDir::new();
    let t = work.std_path();
    let empty = t.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let events = run_extension(&serde_json::json!({}), &[&empty], t);
    let shown = messages(&events);
    assert_eq!(shown.len(), 1, "{events:#?}");
    for said in [
        "`onefront` is not on PATH",
        "Highlighting works without it",
        "cargo install --locked --path .",
        "onefront.server.path",
    ] {
        assert!(shown[0].contains(said), "`{said}` not in: {}", shown[0]);
    }
    assert!(
        !kinds(&events)
            .iter()
            .any(|k| ["client", "start", "watch"].contains(k)),
        "{events:#?}"
    );

    let onefront = fake_onefront(&t.join("elsewhere"), "onefront", 0o755);
    let events = run_extension(
        &serde_json::json!({
            "choice": "Open Settings",
            "change": { "onefront.server.path": onefront },
        }),
        &[&empty],
        t,
    );
    let opened = events.iter().find(|e| e["event"] == "execute").unwrap();
    assert_eq!(opened["command"], "workbench.action.openSettings");
    assert_eq!(opened["args"], serde_json::json!(["onefront.server.path"]));
    assert_eq!(messages(&events).len(), 1, "{events:#?}");
    assert_eq!(
        servers(&events),
        [(onefront.display().to_string(), serde_json::json!(["lsp"]))]
    );
    let changed = kinds(&events).iter().position(|k| *k == "changed").unwrap();
    assert!(kinds(&events)[changed..].contains(&"start"), "{events:#?}");
}

/// `onefront.server.path` wins over `PATH`: an absolute path, `~/`, a path
/// relative to the workspace folder; naming a file that is not executable
/// shows the one message with that path and starts nothing.
#[test]
fn the_setting_names_the_server() {
    let work = TempDir::new();
    let t = work.std_path();
    let on_path = t.join("bin");
    fake_onefront(&on_path, "onefront", 0o755);
    let absolute = fake_onefront(&t.join("opt"), "onefront-dev", 0o755);
    let in_home = fake_onefront(&t.join("bin"), "onefront-home", 0o755);
    let in_folder = fake_onefront(&t.join("folder/target/debug"), "onefront", 0o755);
    for (setting, folder, expected) in [
        (absolute.display().to_string(), None, &absolute),
        ("~/bin/onefront-home".to_owned(), None, &in_home),
        (
            "./target/debug/onefront".to_owned(),
            Some(t.join("folder")),
            &in_folder,
        ),
    ] {
        let events = run_extension(
            &serde_json::json!({
                "settings": { "onefront.server.path": setting },
                "workspaceFolder": folder,
            }),
            &[&on_path],
            t,
        );
        assert_eq!(
            servers(&events),
            [(expected.display().to_string(), serde_json::json!(["lsp"]))],
            "setting {setting}"
        );
        assert!(messages(&events).is_empty(), "{events:#?}");
    }

    let not_executable = fake_onefront(&t.join("opt"), "onefront-text", 0o644);
    let events = run_extension(
        &serde_json::json!({ "settings": { "onefront.server.path": not_executable } }),
        &[&on_path],
        t,
    );
    let shown = messages(&events);
    assert_eq!(shown.len(), 1, "{events:#?}");
    assert!(
        shown[0].contains(&format!(
            "`{}` is not an executable file",
            not_executable.display()
        )),
        "{}",
        shown[0]
    );
    assert!(servers(&events).is_empty(), "{events:#?}");
}

/// Prints `TEXT<tab>COLOUR` for each token shiki gives each file (arguments:
/// the npm modules folder, the grammar, the files).
const SHIKI: &str = r"
import fs from 'fs';
import { pathToFileURL } from 'url';
const [modules, grammarPath, ...files] = process.argv.slice(2);
const { createHighlighter } = await import(pathToFileURL(modules + '/shiki/dist/index.mjs').href);
const grammar = JSON.parse(fs.readFileSync(grammarPath, 'utf8'));
const highlighter = await createHighlighter({ langs: [{ ...grammar, name: 'onefront' }], themes: ['github-light'] });
for (const file of files) {
  const lines = highlighter.codeToTokensBase(fs.readFileSync(file, 'utf8'), { lang: 'onefront', theme: 'github-light' });
  for (const token of lines.flat()) console.log(`${token.content.trim()}\t${token.color}`);
}
";

/// shiki (Oniguruma engine, as the documentation's pictures use it) loads
/// the grammar, and colours a known parameter apart from a misspelt one.
#[test]
fn shiki_loads_the_grammar() {
    let work = TempDir::new();
    let script = work.std_path().join("colours.mjs");
    std::fs::write(&script, SHIKI).unwrap();
    let printed = node(
        &script,
        &[
            tools::npm_modules(),
            extension().join("syntaxes/onefront.tmLanguage.json"),
            repo().join("examples/reference.onefront"),
            repo().join("tests/ui/resolve/misspelt_parameter.onefront"),
        ],
        work.std_path(),
        work.std_path(),
    );
    let colour = |text: &str| -> &str {
        printed
            .lines()
            .find_map(|line| line.strip_prefix(text)?.strip_prefix('\t'))
            .unwrap_or_else(|| panic!("shiki gave no token `{text}`:\n{printed}"))
    };
    let plain = colour("{");
    for coloured in [
        "deployment",
        "opennebula",
        "OPENNEBULA_FRONTEND_HOST",
        "192.168.1.1",
    ] {
        assert_ne!(colour(coloured), plain, "`{coloured}` is not coloured");
    }
    assert_ne!(
        colour("ONEADMIN_PASWORD"),
        colour("ONEADMIN_PASSWORD"),
        "a misspelt parameter looks like a known one"
    );
}

/// Checks the language configuration as VS Code reads its patterns
/// (JavaScript regular expressions); prints what fails.
const CONFIGURATION: &str = r"
const fs = require('fs');
const configuration = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const failures = [];
const words = new RegExp(configuration.wordPattern, 'g');
const line = 'publish sunstone.http 192.168.1.1:8080 layout all-in-one ONEADMIN_PASSWORD = /srv/one/x, listen 2633/tcp';
const found = line.match(words);
for (const word of ['sunstone.http', '192.168.1.1', '8080', 'all-in-one', 'ONEADMIN_PASSWORD', '/srv/one/x', '2633', 'tcp'])
  if (!found.includes(word)) failures.push(`${word} is not one word: ${found}`);
const indent = new RegExp(configuration.indentationRules.increaseIndentPattern);
const dedent = new RegExp(configuration.indentationRules.decreaseIndentPattern);
for (const [text, more] of [['deployment x {', true], ['  env {  # c', true], ['  env { X = 1 }', false], ['  doc \'a { b\'', true], ['  doc \x22a { b\x22', false], ['# {', false]])
  if (indent.test(text) !== more) failures.push(`indent after ${text}: ${!more}`);
if (!dedent.test('  }') || dedent.test('  x')) failures.push('dedent at }');
if (configuration.comments.lineComment !== '#') failures.push('line comment');
const closes = configuration.autoClosingPairs.find(p => p.open === '\x22');
if (!closes || !closes.notIn.includes('string')) failures.push('a quote closes inside strings');
console.log(failures.join('\n'));
process.exit(failures.length ? 1 : 0);
";

#[test]
fn the_language_configuration_keeps_names_as_words() {
    let work = TempDir::new();
    let script = work.std_path().join("configuration.js");
    std::fs::write(&script, CONFIGURATION).unwrap();
    node(
        &script,
        &[extension().join("language-configuration.json")],
        work.std_path(),
        work.std_path(),
    );
}

/// `extension.js` with the real, pinned `vscode-languageclient` and the
/// real `onefront lsp` found on `PATH` (`tests/client.js`; only `vscode` is
/// a stand-in): the client starts the server, opens a file with a
/// misspelt parameter, hands VS Code the server's diagnostic, gets a hover
/// of Markdown, and stops the server without an error.
#[test]
fn the_real_language_client_talks_to_onefront_lsp() {
    let work = TempDir::new();
    let t = work.std_path();
    let bin = t.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_onefront"), bin.join("onefront")).unwrap();
    let site = t.join("folder/site.onefront");
    copy(
        &repo().join("tests/ui/resolve/misspelt_parameter.onefront"),
        &site,
    );
    let text = std::fs::read_to_string(&site).unwrap();
    let (line, row) = text
        .lines()
        .enumerate()
        .find(|(_, row)| row.trim_start().starts_with("OPENNEBULA_FRONTEND_HOST "))
        .unwrap();
    let character = row.find("OPENNEBULA").unwrap() + 3;
    let report = run_driver(
        "client.js",
        &[
            site.clone().into_os_string(),
            line.to_string().into(),
            character.to_string().into(),
        ],
        &[&bin],
        t,
    );
    let diagnostics: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap_or_else(|| panic!("no diagnostics: {report:#}"))
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert!(
        diagnostics
            .iter()
            .any(|d| d.contains("unknown parameter `ONEADMIN_PASWORD`")
                && d.contains("did you mean `ONEADMIN_PASSWORD`?")),
        "{report:#}"
    );
    let hover = report["hover"].as_str().unwrap_or_default();
    assert!(
        hover.contains("**OPENNEBULA_FRONTEND_HOST") && hover.contains("`one.example.com`"),
        "{report:#}"
    );
    assert_eq!(
        report["logged"][0],
        format!("onefront: starting {} lsp", bin.join("onefront").display()),
        "{report:#}"
    );
}
