//! The VS Code extension (`editors/vscode`), through the real tools: its
//! `TextMate` grammar under `vscode-tmgrammar-test` (the unit tests) and
//! `vscode-tmgrammar-snap` (snapshots of the examples, the stdlib and some UI
//! files), the extension packaged by `vsce`, and the grammar loaded by shiki,
//! which renders the pictures of the documentation.

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

/// `vsce package` builds the `.vsix` offline and without a question; it
/// holds the grammar as generated, the language configuration, the manifest
/// and the icon, and neither the template nor the tests.
#[test]
fn vsce_packages_the_extension() {
    let work = TempDir::new();
    let home = TempDir::new();
    let copied = work.std_path().join("onefront");
    let status = Command::new("cp")
        .arg("-R")
        .arg(extension())
        .arg(&copied)
        .status()
        .unwrap();
    assert!(status.success(), "copying {}", extension().display());
    let vsix = work.std_path().join("onefront.vsix");
    node(
        &tools::npm_bin("vsce"),
        &[
            OsStr::new("package"),
            OsStr::new("--no-dependencies"),
            // The project has no public repository URL yet; none is made up.
            OsStr::new("--allow-missing-repository"),
            OsStr::new("--out"),
            vsix.as_os_str(),
        ],
        &copied,
        home.std_path(),
    );
    let unzipped = work.std_path().join("unzipped");
    let list = "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); z.extractall(sys.argv[2]); print('\\n'.join(sorted(z.namelist())))";
    let output = Command::new(tools::python())
        .args(["-c", list])
        .arg(&vsix)
        .arg(&unzipped)
        .output()
        .unwrap();
    assert!(output.status.success(), "{} is no zip file", vsix.display());
    let listed = String::from_utf8(output.stdout).unwrap();
    let extension_files: Vec<&str> = listed
        .lines()
        .filter_map(|name| name.strip_prefix("extension/"))
        .collect();
    assert_eq!(
        extension_files,
        [
            "CHANGELOG.md",
            "LICENSE.txt",
            "README.md",
            "images/onefront.png",
            "language-configuration.json",
            "package.json",
            "syntaxes/onefront.tmLanguage.json",
        ],
        "what the .vsix holds"
    );
    let packaged = unzipped.join("extension");
    for same in [
        "syntaxes/onefront.tmLanguage.json",
        "language-configuration.json",
    ] {
        assert_eq!(
            std::fs::read(packaged.join(same)).unwrap(),
            std::fs::read(extension().join(same)).unwrap(),
            "{same} in the .vsix differs from the repository's"
        );
    }
    let manifest = |dir: &Path| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join("package.json")).unwrap()).unwrap()
    };
    assert_eq!(manifest(&packaged), manifest(&extension()));
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
