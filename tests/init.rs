//! `onefront init`: for every version and every layout of the stdlib, the
//! file it writes validates with exactly one O6 per placeholder and nothing
//! else; with each placeholder replaced it passes `validate --deny
//! warnings`, compiles, and Docker Compose v2 accepts the output, which
//! holds the values put in. It never overwrites a file, refuses a name
//! Compose refuses, and writes in `fmt`'s layout.

use std::process::{Command, Output};

use camino::Utf8Path;
use onefront::reference::{Reference, Runs};
use onefront::syntax::ast::PLACEHOLDER_ADDRESS;
use serde_json::Value;

use crate::support::tempdir::TempDir;
use crate::support::tools;

/// What a host-name placeholder is replaced with.
const HOST: &str = "one.example.com";
/// What the placeholder address is replaced with.
const ADDRESS: &str = "192.168.1.2";

fn onefront(dir: &Utf8Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_onefront"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn reference(version: &str) -> &'static Reference {
    Reference::load(version).unwrap().unwrap()
}

/// The code of a line: what comes before its comment.
fn code(line: &str) -> &str {
    line.split('#').next().unwrap_or_default()
}

/// The parameters the file sets to a `"<...>"` placeholder.
fn placeholder_params(text: &str) -> Vec<String> {
    text.lines()
        .map(code)
        .filter(|c| c.contains("\"<"))
        .map(|c| c.split('=').next().unwrap().trim().to_owned())
        .collect()
}

/// How many statements hold a placeholder: a `"<...>"` string or the
/// placeholder address.
fn placeholders(text: &str) -> usize {
    let address = PLACEHOLDER_ADDRESS.to_string();
    text.lines()
        .map(code)
        .filter(|c| c.contains("\"<") || c.contains(&address))
        .count()
}

/// The file with every placeholder replaced, as a user would: each
/// `"<...>"` by a host name, the placeholder address by one of the host.
fn replaced(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text.replace(&PLACEHOLDER_ADDRESS.to_string(), ADDRESS);
    while let Some(start) = rest.find("\"<") {
        let end = start + rest[start..].find(">\"").unwrap() + 2;
        out.push_str(&rest[..start]);
        out.push_str(&format!("\"{HOST}\""));
        rest = rest[end..].to_owned();
    }
    out.push_str(&rest);
    out
}

/// Dummy values for the variables of `secrets.env.template`.
fn secrets(folder: &Utf8Path) -> Vec<(String, String)> {
    std::fs::read_to_string(folder.join("secrets.env.template"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.strip_suffix('='))
        .map(|v| (v.to_owned(), format!("value-of-{v}")))
        .collect()
}

/// Whether some service of a compose config has `name` = `value` in its
/// environment.
fn some_service_has(config: &Value, name: &str, value: &str) -> bool {
    config["services"]
        .as_object()
        .unwrap()
        .values()
        .any(|s| s["environment"][name] == value)
}

#[test]
fn every_layout_of_every_version_validates_compiles_and_runs_once_filled_in() {
    for version in onefront::reference::versions() {
        let reference = reference(version);
        for layout in reference.layouts.keys() {
            let case = format!("{version} {layout}");
            let dir = TempDir::new();
            let init = onefront(
                dir.path(),
                &["init", "--version", version, "--layout", layout],
            );
            assert_eq!(init.status.code(), Some(0), "{case}: {}", stderr(&init));
            // The default name is the reference's.
            let file = dir.path().join(format!("{}.onefront", reference.name));
            let text = std::fs::read_to_string(&file).unwrap();
            assert!(text.contains(&format!("onefront {version}")), "{case}");
            assert!(text.contains(&format!("layout {layout}")), "{case}");

            // Only O6, once per placeholder.
            let codes: Vec<String> = onefront::check(file.as_str(), &text)
                .diagnostics
                .iter()
                .map(onefront::diagnostic::Diagnostic::code_text)
                .collect();
            let count = placeholders(&text);
            assert!(count >= 2, "{case}: {count} placeholders\n{text}");
            assert_eq!(codes, vec!["onefront::O6"; count], "{case}\n{text}");
            assert!(
                stderr(&init).contains(&format!("replace its {count} placeholders")),
                "{case}: {}",
                stderr(&init)
            );

            // Filled in: no diagnostic at all, warnings included.
            std::fs::write(&file, replaced(&text)).unwrap();
            let validate = onefront(
                dir.path(),
                &["validate", "--deny", "warnings", file.as_str()],
            );
            assert_eq!(
                (validate.status.code(), stderr(&validate)),
                (Some(0), String::new()),
                "{case}\n{}",
                replaced(&text)
            );
            let out = dir.path().join("out");
            let compile = onefront(dir.path(), &["compile", file.as_str(), "-o", out.as_str()]);
            assert_eq!(
                compile.status.code(),
                Some(0),
                "{case}: {}",
                stderr(&compile)
            );
            let folder = out.join(&reference.name);
            let config = tools::compose_config(folder.as_std_path(), &secrets(&folder));
            assert_runs_as_filled_in(reference, layout, &text, &config, &folder);
        }
    }
}

/// What the compose project holds, from the reference: the values put in
/// for the placeholders, every required secret, the port the host's own
/// sshd holds published on the address put in, and for `custom` a
/// container per service.
fn assert_runs_as_filled_in(
    reference: &Reference,
    layout: &str,
    text: &str,
    config: &Value,
    folder: &Utf8Path,
) {
    let case = format!("{} {layout}", reference.version);
    for param in placeholder_params(text) {
        assert!(
            some_service_has(config, &param, HOST),
            "{case}: no service has {param}={HOST}"
        );
    }
    for (variable, value) in secrets(folder) {
        assert!(
            text.contains(&format!("{variable} = secret")),
            "{case}: {variable}"
        );
        let param = &reference.params[&variable];
        assert!(param.secret, "{case}: {variable} is not a secret");
        assert!(
            some_service_has(config, &variable, &value),
            "{case}: {variable}"
        );
    }
    let (role, port) = reference
        .roles
        .values()
        .find_map(|r| Some((r, r.clashes_with_host?)))
        .unwrap();
    let published = config["services"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|s| s["ports"].as_array().cloned().unwrap_or_default())
        .any(|p| {
            p["host_ip"] == ADDRESS
                && p["published"].as_str().and_then(|s| s.parse().ok()) == Some(port)
        });
    assert!(published, "{case}: {} not on {ADDRESS}:{port}", role.name);
    let services = config["services"].as_object().unwrap().len();
    let per_service = reference
        .services
        .values()
        .filter(|s| s.runs == Runs::One)
        .count();
    let model = &reference.layouts[layout];
    if !model.per_service && model.containers.is_empty() {
        assert_eq!(services, per_service, "{case}: a container per service");
    }
}

#[test]
fn init_never_overwrites_a_file() {
    let dir = TempDir::new();
    for (args, file) in [
        (vec!["init"], "opennebula.onefront"),
        (vec!["init", "-o", "mine.onefront"], "mine.onefront"),
        (vec!["init", "site"], "site.onefront"),
    ] {
        let path = dir.path().join(file);
        std::fs::write(&path, "keep me\n").unwrap();
        let output = onefront(dir.path(), &args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&output).contains(&format!("{file} exists")),
            "{args:?}: {}",
            stderr(&output)
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "keep me\n");
    }
    // Nothing else was left behind, not even a partial file.
    let mut names: Vec<String> = std::fs::read_dir(dir.std_path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["mine.onefront", "opennebula.onefront", "site.onefront"]
    );
}

#[test]
fn init_names_the_file_and_the_deployment_and_writes_to_stdout() {
    let dir = TempDir::new();
    let named = onefront(dir.path(), &["init", "site-1"]);
    assert_eq!(named.status.code(), Some(0), "{}", stderr(&named));
    let text = std::fs::read_to_string(dir.path().join("site-1.onefront")).unwrap();
    assert!(text.contains("\ndeployment site-1 {"), "{text}");
    let stdout = onefront(dir.path(), &["init", "site-1", "-o", "-"]);
    assert_eq!(stdout.status.code(), Some(0), "{}", stderr(&stdout));
    assert_eq!(String::from_utf8(stdout.stdout).unwrap(), text);
    assert_eq!(std::fs::read_dir(dir.std_path()).unwrap().count(), 1);
    // The newest version and its default layout, when not asked.
    let newest = onefront::reference::versions().last().copied().unwrap();
    let reference = reference(newest);
    assert!(text.contains(&format!("onefront {newest} ")), "{text}");
    assert!(
        text.contains(&format!("layout {} ", reference.default_layout)),
        "{text}"
    );
}

#[test]
fn init_refuses_a_name_compose_refuses_and_writes_nothing() {
    let dir = TempDir::new();
    for name in ["X", "a", "one front", "-x", "", "a/b", &"x".repeat(64)] {
        let output = onefront(dir.path(), &["init", "--", name]);
        assert_eq!(output.status.code(), Some(2), "{name:?}");
        let message = stderr(&output);
        assert!(
            message.contains("onefront::O4") && message.contains("cannot name a deployment"),
            "{name:?}: {message}"
        );
    }
    assert_eq!(std::fs::read_dir(dir.std_path()).unwrap().count(), 0);
}

#[test]
fn init_refuses_an_unknown_layout_or_version() {
    let dir = TempDir::new();
    let layout = onefront(dir.path(), &["init", "--layout", "everything"]);
    assert_eq!(layout.status.code(), Some(2));
    let newest = onefront::reference::versions().last().copied().unwrap();
    for known in reference(newest).layouts.keys() {
        assert!(
            stderr(&layout).contains(known.as_str()),
            "{}",
            stderr(&layout)
        );
    }
    let version = onefront(dir.path(), &["init", "--version", "4.0"]);
    assert_eq!(version.status.code(), Some(2));
    assert!(
        stderr(&version).contains("no reference `4.0`"),
        "{}",
        stderr(&version)
    );
    assert_eq!(std::fs::read_dir(dir.std_path()).unwrap().count(), 0);
}

/// `fmt --check` passes on every file init writes, and formatting it again
/// changes nothing.
#[test]
fn init_writes_in_the_layout_of_fmt() {
    for version in onefront::reference::versions() {
        for layout in reference(version).layouts.keys() {
            let dir = TempDir::new();
            let file = dir.path().join("f.onefront");
            let init = onefront(
                dir.path(),
                &[
                    "init",
                    "-o",
                    file.as_str(),
                    "--version",
                    version,
                    "--layout",
                    layout,
                ],
            );
            assert_eq!(init.status.code(), Some(0), "{}", stderr(&init));
            let check = onefront(dir.path(), &["fmt", "--check", file.as_str()]);
            assert_eq!(
                check.status.code(),
                Some(0),
                "{version} {layout}: {}",
                stderr(&check)
            );
            let text = std::fs::read_to_string(&file).unwrap();
            let again = onefront::format::format(onefront::span::SourceId(0), &text).unwrap();
            assert_eq!(again, text, "{version} {layout}");
        }
    }
}

/// One file as users get it, for review: the reference layout of 6.2.
#[test]
fn init_file_of_the_reference_layout() {
    let dir = TempDir::new();
    let output = onefront(
        dir.path(),
        &[
            "init",
            "--version",
            "6.2",
            "--layout",
            "reference",
            "-o",
            "-",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!(String::from_utf8(output.stdout).unwrap());
}
