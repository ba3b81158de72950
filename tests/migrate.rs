//! `onefront migrate`: every example, migrated from 5.13 to 6.0, validates
//! and runs in the real tools; the migrated reference layout keeps what
//! 5.13 did (compared on `docker compose config` of both); comments and
//! layout stay; the command's `--check` and report.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use onefront::emit::Artifact;
use onefront::migrate::{Migration, migrate};
use serde_json::Value;

use crate::examples::{secret_env, verify_units, written};
use crate::support::tempdir::TempDir;
use crate::support::tools;

const TO: &str = "6.0";

fn examples() -> Vec<PathBuf> {
    crate::support::files::under(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples"),
        "onefront",
    )
}

fn migrated(path: &Path) -> Migration {
    let text = std::fs::read_to_string(path).unwrap();
    let name = path.file_name().unwrap().to_str().unwrap();
    migrate(name, &text, TO).unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

fn compile(name: &str, text: &str) -> Vec<Artifact> {
    match onefront::compile(name, text) {
        Ok((artifacts, _)) => artifacts,
        Err(diagnostics) => panic!("{name} does not compile:\n{text}\n{diagnostics:#?}"),
    }
}

/// `docker compose config --format json` of a compile's only deployment.
fn compose_config(artifacts: &[Artifact]) -> Value {
    let dir = written(artifacts);
    let deployment = artifacts[0].path.as_str().split('/').next().unwrap();
    tools::compose_config(
        dir.path().join(deployment).as_std_path(),
        &secret_env(artifacts),
    )
}

#[test]
fn every_example_migrated_to_6_0_validates_and_runs_in_the_real_tools() {
    for path in examples() {
        let migration = migrated(&path);
        let name = path.file_name().unwrap().to_str().unwrap();
        assert!(migration.text.starts_with('#') || migration.text.starts_with("onefront"));
        assert!(
            migration.text.contains(&format!("onefront {TO}")),
            "{name}: the header names {TO}"
        );
        let checked = onefront::check(name, &migration.text);
        assert!(
            !checked.has_errors(),
            "{name} migrated does not validate:\n{}\n{:#?}",
            migration.text,
            checked.diagnostics
        );
        let artifacts = compile(name, &migration.text);
        let config = compose_config(&artifacts);
        assert!(
            config["services"]
                .as_object()
                .is_some_and(|s| !s.is_empty())
        );
        verify_units(&artifacts);
    }
}

/// What a compose service does, with the names 6.0 renamed mapped back.
fn behaviour(service: &Value, renamed: &BTreeMap<String, String>) -> Value {
    let mut environment = serde_json::Map::new();
    for (name, value) in service["environment"].as_object().into_iter().flatten() {
        let name = renamed.get(name).cloned().unwrap_or_else(|| name.clone());
        environment.insert(name, value.clone());
    }
    serde_json::json!({
        "ports": service["ports"],
        "volumes": service["volumes"],
        "restart": service["restart"],
        "privileged": service["privileged"],
        "cap_add": service["cap_add"],
        "container_name": service["container_name"],
        "environment": environment,
    })
}

#[test]
fn the_migrated_reference_layout_keeps_what_5_13_did() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/reference.onefront");
    let old_text = std::fs::read_to_string(&path).unwrap();
    let migration = migrated(&path);
    let old = compose_config(&compile("reference.onefront", &old_text));
    let new = compose_config(&compile("reference.onefront", &migration.text));
    // new name -> old name, from the stdlib of the new version.
    let target = onefront::reference::Reference::load(TO).unwrap().unwrap();
    let renamed: BTreeMap<String, String> = target
        .params
        .values()
        .flat_map(|p| {
            p.renamed_from
                .iter()
                .map(|old| (p.name.clone(), old.clone()))
        })
        .collect();
    // The volumes the migration table says 6.0 dropped or left unnamed.
    let table = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("reference/migration-5.13-6.0.tsv"),
    )
    .unwrap();
    let dropped: Vec<String> = table
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            let gone = matches!(cells.get(3), Some(&"removed" | &"renamed"));
            (cells.first() == Some(&"volume") && gone)
                .then(|| cells[1].split(':').next().unwrap_or_default().to_owned())
        })
        .collect();
    assert!(dropped.len() >= 4, "{dropped:?}");
    let services = |config: &Value| -> Vec<String> {
        config["services"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    };
    assert_eq!(services(&old), services(&new), "the same containers");
    for name in services(&old) {
        let before = behaviour(&old["services"][&name], &BTreeMap::new());
        let after = behaviour(&new["services"][&name], &renamed);
        for key in [
            "ports",
            "restart",
            "privileged",
            "cap_add",
            "container_name",
        ] {
            assert_eq!(before[key], after[key], "{name}: {key}");
        }
        // Every volume 5.13 mounted is mounted the same way, unless 6.0
        // dropped it (the migration table says so); 6.0 may add its own.
        let mounts = |service: &Value| -> Vec<Value> {
            service["volumes"].as_array().cloned().unwrap_or_default()
        };
        for mount in mounts(&before) {
            let volume = mount["source"].as_str().unwrap_or_default();
            if dropped.iter().any(|d| d == volume) {
                continue;
            }
            assert!(
                mounts(&after).contains(&mount),
                "{name}: 5.13 mounted {mount}, the migrated file does not"
            );
        }
        // Every variable 5.13 gave the container, 6.0 gives it under its
        // new name with the same value (6.0 may add its own).
        for (variable, value) in before["environment"].as_object().unwrap() {
            assert_eq!(
                after["environment"].get(variable),
                Some(value),
                "{name}: {variable}"
            );
        }
    }
    // Each named volume 5.13 kept data in is the same one after the
    // migration (the same project, so the same names), unless dropped.
    for (volume, definition) in old["volumes"].as_object().unwrap() {
        if !dropped.iter().any(|d| d == volume) {
            assert_eq!(
                new["volumes"].get(volume),
                Some(definition),
                "volume {volume}"
            );
        }
    }
}

const COMMENTED: &str = "\
# A front-end, with comments everywhere.
onefront 5.13   # the header

deployment one {
  layout all-in-one   # one container
  env {
    OPENNEBULA_FRONTEND_HOST     = \"one.example.com\"   # announced
    # the SSH host, the same
    OPENNEBULA_FRONTEND_SSH_HOST = \"one.example.com\"
    ONEADMIN_PASSWORD            = secret
  }
}
";

#[test]
fn comments_and_layout_stay_and_each_change_is_reported_on_its_line() {
    let migration = migrate("one.onefront", COMMENTED, TO).unwrap();
    let before: Vec<&str> = COMMENTED.lines().collect();
    // Every comment of the file is still there, in order.
    let comments = |text: &str| -> Vec<String> {
        text.lines()
            .filter_map(|l| l.find('#').map(|i| l[i..].to_owned()))
            .filter(|c| !c.contains("onefront migrate") && !c.contains("defaults of reference"))
            .collect()
    };
    assert_eq!(comments(COMMENTED), comments(&migration.text));
    // A line that no change names is kept byte for byte.
    let changed: Vec<usize> = migration.changes.iter().map(|c| c.line).collect();
    for (number, line) in before.iter().enumerate() {
        if !changed.contains(&(number + 1)) {
            assert!(
                migration.text.lines().any(|l| l == *line),
                "line {} changed without a report: {line:?}\n{}",
                number + 1,
                migration.text
            );
        }
    }
    let report: Vec<String> = migration
        .changes
        .iter()
        .map(|c| format!("{}: {}", c.line, c.what))
        .collect();
    insta::assert_snapshot!(format!("{}\n---\n{}", report.join("\n"), migration.text));
    // Migrating the result again changes nothing.
    let again = migrate("one.onefront", &migration.text, TO).unwrap();
    assert_eq!(again.text, migration.text);
    assert!(again.changes.is_empty());
}

#[test]
fn the_command_reports_and_check_writes_nothing() {
    let temp = TempDir::new();
    let file = temp.std_path().join("one.onefront");
    std::fs::write(&file, COMMENTED).unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_onefront"))
            .args(args)
            .arg(&file)
            .output()
            .unwrap()
    };
    let check = run(&["migrate", "--to", TO, "--check"]);
    assert_eq!(check.status.code(), Some(1));
    let report = String::from_utf8_lossy(&check.stderr);
    assert!(
        report.contains("one.onefront:2: header: reference 5.13 -> 6.0"),
        "{report}"
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        COMMENTED,
        "--check wrote"
    );

    let done = run(&["migrate", "--to", TO]);
    assert_eq!(
        done.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("onefront 6.0"), "{text}");
    let again = run(&["migrate", "--to", TO, "--check"]);
    assert_eq!(again.status.code(), Some(0), "migrated already");

    let unknown = run(&["migrate", "--to", "9.9"]);
    assert_eq!(unknown.status.code(), Some(2));
}
