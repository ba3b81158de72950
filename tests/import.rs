//! `onefront import`, proved by equivalence: `compile(import(X))` runs, for
//! every container, the same image, environment, published ports, volumes,
//! capabilities, privileges and restart policy as X. Compose projects are
//! compared on `docker compose config --format json` of both (the real
//! Compose v2, secrets filled from one environment); `docker run` lines on
//! the words the real bash passes to `docker`.
//!
//! Inputs: every example compiled (a fixed point: nothing to review, and
//! importing the recompiled project gives the same file again); the S1
//! `docker run` lines of the reference (tests/import/*.sh); a hand-written
//! compose project in the shape of the reference bundle, with env files
//! (tests/import/bundle/); and one with what the language cannot say
//! (tests/import/unsayable/).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::support::reference::reference;
use crate::support::tempdir::TempDir;
use crate::support::tools;

fn onefront() -> Command {
    Command::new(env!("CARGO_BIN_EXE_onefront"))
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// `onefront import INPUT`: the file, and standard error.
fn import(input: &Path, args: &[&str]) -> (String, String) {
    let output = onefront()
        .arg("import")
        .arg(input)
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        output.status.success(),
        "import {} failed: {stderr}",
        input.display()
    );
    (String::from_utf8(output.stdout).unwrap(), stderr)
}

/// Compiles `text` into a new folder; (folder, deployment names).
fn compile(text: &str) -> (TempDir, Vec<String>) {
    let dir = TempDir::new();
    let source = dir.path().join("imported.onefront");
    std::fs::write(&source, text).unwrap();
    let output = onefront()
        .args(["compile", source.as_str(), "-o"])
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the imported file does not compile:\n{text}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    (dir, names)
}

/// The secrets every compose file here interpolates, with made-up values.
fn secrets() -> Vec<(String, String)> {
    ["ONEADMIN_PASSWORD", "MYSQL_PASSWORD", "ONE_DB_PASSWORD"]
        .iter()
        .map(|v| ((*v).to_owned(), format!("value-of-{v}")))
        .collect()
}

/// One container as it runs, from `docker compose config --format json`:
/// what the import must keep. The environment leaves out a parameter at its
/// reference default and one the container's service does not read: the
/// image behaves the same with or without it (reference tables).
fn containers(config: &Value) -> BTreeMap<String, Value> {
    let volume_names = &config["volumes"];
    let params = &reference().params;
    config["services"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(key, s)| {
            let service = s["environment"]["OPENNEBULA_FRONTEND_SERVICE"]
                .as_str()
                .unwrap_or("all")
                .to_owned();
            let environment: BTreeMap<String, Value> = s["environment"]
                .as_object()
                .map(|e| {
                    e.iter()
                        .filter(|(name, value)| {
                            params.get(*name).is_none_or(|p| {
                                p.read_by(&service) && value.as_str() != p.default.as_deref()
                            })
                        })
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect()
                })
                .unwrap_or_default();
            let mut ports: Vec<String> = s["ports"]
                .as_array()
                .map(|ports| {
                    ports
                        .iter()
                        .map(|p| {
                            let ip = p["host_ip"].as_str().unwrap_or("");
                            let ip = if ip.is_empty() { "0.0.0.0" } else { ip };
                            format!(
                                "{ip}:{}:{}/{}",
                                p["published"].as_str().unwrap_or(""),
                                p["target"],
                                p["protocol"].as_str().unwrap_or("tcp")
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            ports.sort();
            let mut mounts: Vec<String> = s["volumes"]
                .as_array()
                .map(|mounts| {
                    mounts
                        .iter()
                        .map(|m| {
                            let source = m["source"].as_str().unwrap_or("");
                            let source = if m["type"] == "volume" {
                                volume_names[source]["name"].as_str().unwrap_or(source)
                            } else {
                                source
                            };
                            format!(
                                "{}:{source}:{}:{}",
                                m["type"].as_str().unwrap(),
                                m["target"].as_str().unwrap(),
                                if m["read_only"] == true { "ro" } else { "rw" }
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            mounts.sort();
            let mut caps: Vec<String> = s["cap_add"]
                .as_array()
                .map(|c| c.iter().map(|c| c.as_str().unwrap().to_owned()).collect())
                .unwrap_or_default();
            caps.sort();
            let name = s["container_name"].as_str().unwrap_or(key).to_owned();
            let container = json!({
                "image": s["image"],
                "environment": environment,
                "ports": ports,
                "volumes": mounts,
                "cap_add": caps,
                "privileged": s["privileged"] == true,
                "restart": s["restart"].as_str().unwrap_or("no"),
                "security_opt": s["security_opt"],
            });
            (name, container)
        })
        .collect()
}

fn config_of(dir: &Path) -> Value {
    tools::compose_config(dir, &secrets())
}

fn examples() -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(repo("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "onefront"))
        .collect();
    found.sort();
    found
}

#[test]
fn every_example_compiled_imports_back_to_itself() {
    for example in examples() {
        let (first, names) = compile(&std::fs::read_to_string(&example).unwrap());
        for name in names {
            let project = first.std_path().join("out").join(&name);
            let (text, stderr) = import(&project, &[]);
            assert!(
                !stderr.contains("warning:") && !text.contains("REVIEW"),
                "{}: the import of {name} has findings:\n{stderr}\n{text}",
                example.display()
            );
            let (second, again) = compile(&text);
            assert_eq!(again, vec![name.clone()]);
            let recompiled = second.std_path().join("out").join(&name);
            assert_eq!(
                config_of(&project),
                config_of(&recompiled),
                "{}: compose config differs after import:\n{text}",
                example.display()
            );
            // A fixed point: importing the recompiled project gives the
            // same file (its header names its source).
            let (text_again, _) = import(&recompiled, &[]);
            let body = |t: &str| t.lines().skip(1).collect::<Vec<_>>().join("\n");
            assert_eq!(body(&text), body(&text_again), "{}", example.display());
        }
    }
}

/// The words bash passes to `docker` (or `podman`) for each command line of
/// a script, with the secrets of [`secrets`] in the environment.
fn run_words(script: &Path) -> Vec<Vec<String>> {
    let output = Command::new("bash")
        .arg("-c")
        .arg(r#"docker() { printf '%s\0' "$@"; printf '\n'; }; podman() { docker "$@"; }; sudo() { "$@"; }; . "$1""#)
        .arg("bash")
        .arg(script)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(secrets())
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout)
        .unwrap()
        .split_terminator('\n')
        .map(|line| {
            line.split_terminator('\0')
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A `docker run`'s words as the container it runs, in the form of
/// [`containers`]; named volumes are Docker's names as given.
fn run_container(words: &[String]) -> (String, Value) {
    assert_eq!(words[0], "run");
    let params = &reference().params;
    let mut env = BTreeMap::new();
    let (mut ports, mut mounts, mut caps) = (Vec::new(), Vec::new(), Vec::new());
    let (mut name, mut restart, mut privileged, mut image) = (None, "no".to_owned(), false, None);
    let mut i = 1;
    while i < words.len() {
        let word = words[i].as_str();
        let value = words.get(i + 1).cloned().unwrap_or_default();
        i += 2;
        match word {
            "-e" => {
                let (k, v) = value.split_once('=').unwrap();
                env.insert(k.to_owned(), v.to_owned());
            }
            "-p" => {
                let (spec, proto) = value.split_once('/').unwrap_or((&value, "tcp"));
                let fields: Vec<&str> = spec.split(':').collect();
                let (ip, host, target) = match fields.as_slice() {
                    [host, target] => ("0.0.0.0", *host, *target),
                    [ip, host, target] => (*ip, *host, *target),
                    _ => panic!("{value}"),
                };
                ports.push(format!("{ip}:{host}:{target}/{proto}"));
            }
            "-v" => {
                let sides: Vec<&str> = value.split(':').collect();
                let kind = if sides[0].starts_with('/') {
                    "bind"
                } else {
                    "volume"
                };
                let mode = if sides.get(2) == Some(&"ro") {
                    "ro"
                } else {
                    "rw"
                };
                mounts.push(format!("{kind}:{}:{}:{mode}", sides[0], sides[1]));
            }
            "--cap-add" => caps.push(value),
            "--name" => name = Some(value),
            "--restart" => restart = value,
            "--privileged" => {
                privileged = true;
                i -= 1;
            }
            "-d" => i -= 1,
            other => {
                image = Some(other.to_owned());
                break;
            }
        }
    }
    let service = env
        .get("OPENNEBULA_FRONTEND_SERVICE")
        .cloned()
        .unwrap_or_else(|| "all".to_owned());
    env.retain(|k, v| {
        params
            .get(k)
            .is_none_or(|p| p.read_by(&service) && Some(v.as_str()) != p.default.as_deref())
    });
    ports.sort();
    mounts.sort();
    caps.sort();
    let container = json!({
        "image": image,
        "environment": env,
        "ports": ports,
        "volumes": mounts,
        "cap_add": caps,
        "privileged": privileged,
        "restart": restart,
        "security_opt": Value::Null,
    });
    (name.unwrap(), container)
}

#[test]
fn the_reference_docker_run_lines_compile_to_the_same_flags() {
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(repo("tests/import"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sh"))
        .collect();
    scripts.sort();
    assert!(scripts.len() >= 3, "{scripts:?}");
    for script in scripts {
        let (text, stderr) = import(&script, &[]);
        assert!(
            !text.contains("REVIEW") && !stderr.contains("warning: "),
            "{}: {stderr}\n{text}",
            script.display()
        );
        let (dir, names) = compile(&text);
        let commands = run_words(&script);
        // Secrets left to the environment get the line's values there.
        let mut env = secrets();
        for words in &commands {
            for pair in words.windows(2).filter(|w| w[0] == "-e") {
                let (name, value) = pair[1].split_once('=').unwrap();
                env.push((name.to_owned(), value.to_owned()));
            }
        }
        let mut compiled = BTreeMap::new();
        for name in names {
            compiled.extend(containers(&tools::compose_config(
                &dir.std_path().join("out").join(name),
                &env,
            )));
        }
        let expected: BTreeMap<String, Value> = commands.iter().map(|w| run_container(w)).collect();
        assert_eq!(
            compiled,
            expected,
            "{}: compiled import differs from the command line:\n{text}",
            script.display()
        );
    }
}

#[test]
fn a_hand_made_compose_project_with_env_files_runs_the_same() {
    let project = repo("tests/import/bundle");
    let (text, stderr) = import(&project, &[]);
    assert!(
        !text.contains("REVIEW") && !stderr.contains("warning: "),
        "{stderr}\n{text}"
    );
    // Secrets written in the env files are left to the environment, and
    // said so; their values are not in the file.
    assert!(stderr.contains("MYSQL_PASSWORD is secret"), "{stderr}");
    assert!(!text.contains("bundle-db-secret"), "{text}");
    // The first line names the input as given, here an absolute path, and
    // the certificates are in the project folder: both are the checkout's.
    let folder = project.canonicalize().unwrap();
    let shown = text
        .split_once('\n')
        .unwrap()
        .1
        .replace(folder.to_str().unwrap(), "[bundle]");
    insta::assert_snapshot!("import_bundle", shown);
    let (dir, names) = compile(&text);
    assert_eq!(names, vec!["opennebula".to_owned()]);
    let mut env = secrets();
    env.retain(|(k, _)| k != "MYSQL_PASSWORD");
    env.push(("MYSQL_PASSWORD".to_owned(), "bundle-db-secret".to_owned()));
    let compiled = tools::compose_config(&dir.std_path().join("out/opennebula"), &env);
    let original = tools::compose_config(&project, &env);
    assert_eq!(containers(&compiled), containers(&original), "{text}");
}

#[test]
fn what_the_language_cannot_say_is_a_warning_and_a_review_comment() {
    let (text, stderr) = import(&repo("tests/import/unsayable"), &[]);
    for what in [
        "`healthcheck:` has no onefront statement",
        "`EXTRA_DEBUG` is not a parameter of the reference",
        "port `0.0.0.0:9999:9999/tcp` is not one of the reference's published ports",
        "mount `lab_cache:/var/cache/one` is neither a bind mount nor a volume of the reference",
    ] {
        assert!(stderr.contains(what), "{what} not reported:\n{stderr}");
        assert!(
            text.lines()
                .any(|l| l.contains("# REVIEW:") && l.contains(what)),
            "{what} not kept:\n{text}"
        );
    }
    // The rest is said, and the file validates (the REVIEW comments are
    // comments).
    let status = {
        let dir = TempDir::new();
        let file = dir.path().join("unsayable.onefront");
        std::fs::write(&file, &text).unwrap();
        onefront()
            .args(["validate", file.as_str()])
            .output()
            .unwrap()
            .status
    };
    assert!(status.success(), "{text}");
}

#[test]
fn import_refuses_what_it_cannot_read_and_never_overwrites() {
    let dir = TempDir::new();
    let broken = dir.path().join("docker-compose.yml");
    std::fs::write(&broken, "services: [oops\n").unwrap();
    let output = onefront().arg("import").arg(&broken).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("not YAML"),
        "{output:?}"
    );
    // No container of the reference: each one says why, and what to read.
    let stranger = dir.path().join("compose.yaml");
    std::fs::write(
        &stranger,
        "services:\n  one:\n    image: opennebula:5.13\n    environment:\n      OPENNEBULA_FRONTEND_SERVICE: onedd\n",
    )
    .unwrap();
    let output = onefront().arg("import").arg(&stranger).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("service `onedd` is not a service of the reference")
            && stderr.contains("onefront params"),
        "{stderr}"
    );
    let existing = dir.path().join("kept.onefront");
    std::fs::write(&existing, "mine").unwrap();
    let output = onefront()
        .arg("import")
        .arg(repo("tests/import/s1-all-in-one.sh"))
        .arg("-o")
        .arg(&existing)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "mine");
}

/// Imports `text` in process, as a compose file or as command lines.
fn import_in_process(text: &str) -> Option<onefront::import::Imported> {
    use onefront::import::{Options, compose, import, run};
    let project = if run::looks_like_run(text) {
        run::read(text, &|_| Ok("B=2\n".to_owned())).ok()?
    } else {
        compose::read(text, "A=1\n", "/srv/lab", &|_| Ok("B=2\n".to_owned())).ok()?
    };
    import(&project, &Options::default()).ok()
}

/// Mangled inputs (fixtures with bytes cut, doubled and replaced by the
/// characters YAML, shells and compose give meaning to) never panic, and
/// what import writes always parses: a name the language cannot take is
/// reported, not written into a broken file.
#[test]
fn mangled_inputs_never_panic_and_give_a_file_that_parses() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, RngSeed, TestRunner};
    let fixtures: Vec<String> = [
        "tests/import/bundle/docker-compose.yml",
        "tests/import/unsayable/docker-compose.yml",
        "tests/import/s1-custom-key-and-certificate.sh",
    ]
    .iter()
    .map(|p| std::fs::read_to_string(repo(p)).unwrap())
    .collect();
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 200;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(0x1a9_0001);
    }
    config.failure_persistence = None;
    let mut runner = TestRunner::new(config);
    let edit = (
        any::<prop::sample::Index>(),
        0usize..8,
        prop::sample::select(vec![
            "", ":", "$", "${", "}", "'", "\"", "\\", "-", "\n", " ", "[", "]", "{", "#", "&a",
            "*a", "<<", "é", "0", "~", "/", "=", "\t",
        ]),
    );
    let strategy = (
        prop::sample::select(fixtures),
        prop::collection::vec(edit, 1..12),
    );
    runner
        .run(&strategy, |(mut text, edits)| {
            for (at, cut, insert) in edits {
                let mut start = at.index(text.len().max(1)).min(text.len());
                while !text.is_char_boundary(start) {
                    start -= 1;
                }
                let mut end = (start + cut).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                text.replace_range(start..end, insert);
            }
            if let Some(imported) = import_in_process(&text) {
                let parsed = onefront::syntax::parse(onefront::span::SourceId(0), &imported.text);
                prop_assert!(parsed.is_ok(), "{text}\n---\n{}", imported.text);
            }
            Ok(())
        })
        .unwrap();
}

/// What a finding quotes from the input (a YAML key with a line break in
/// it) stays inside its comment: it cannot add a statement to the file.
#[test]
fn a_line_break_in_the_input_stays_in_its_review_comment() {
    let text = "services:\n  one:\n    image: opennebula:5.13\n    \"health\\nlayout custom\": 1\n";
    let imported = import_in_process(text).unwrap();
    assert!(
        imported
            .text
            .contains("# REVIEW: one: `health\\u{a}layout custom:` has no onefront statement"),
        "{}",
        imported.text
    );
    assert!(
        !imported
            .text
            .lines()
            .any(|l| l.trim() == "layout custom:` has no onefront statement"),
        "{}",
        imported.text
    );
    assert!(onefront::check("x.onefront", &imported.text).deployments[0].layout != "custom");
}

/// A relative bind mount is relative to the project folder, as Compose
/// reads it: the file names the absolute path, which stays right wherever
/// the compiled project is put.
#[test]
fn a_relative_bind_mount_is_the_project_folders() {
    let text = "services:\n  one:\n    image: opennebula:5.13\n    volumes:\n      - ./certs:/certs:ro\n      - type: bind\n        source: ../keys/./ssh\n        target: /ssh\n";
    let imported = import_in_process(text).unwrap();
    assert!(
        imported
            .text
            .contains("mount /srv/lab/certs at /certs readonly")
            && imported.text.contains("mount /srv/keys/ssh at /ssh"),
        "{}",
        imported.text
    );
}
