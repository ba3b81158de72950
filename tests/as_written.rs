//! Accepted means it runs, as written: every example and every UI case that
//! compiles gives compose files that the real Docker Compose v2 accepts
//! with every secret set, and in which each container holds exactly the
//! values the source writes for the parameters its service reads.
//!
//! The expectations come from the syntax tree and the reference tables of
//! the file's version (`reference/VERSION/params.tsv`: which services read a
//! parameter), not from onefront's model, so that a wrong lowering cannot
//! agree with itself.

use std::collections::BTreeMap;
use std::path::Path;

use onefront::span::SourceId;
use onefront::syntax::ast::{Stmt, Value, ValueKind};
use serde_json::Value as Json;

use crate::support::tempdir::TempDir;
use crate::support::tools;

/// The parameter that says which service a container runs, in each
/// version's tables (6.0 dropped the `FRONTEND_` infix).
fn service_parameter(version: &str) -> &'static str {
    if version == "5.13" {
        "OPENNEBULA_FRONTEND_SERVICE"
    } else {
        "OPENNEBULA_SERVICE"
    }
}

/// The version a file's header names.
fn version_of(text: &str) -> String {
    text.lines()
        .map(|l| l.trim_start_matches('\u{feff}').trim())
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .and_then(|l| l.strip_prefix("onefront "))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or("5.13")
        .to_owned()
}

/// Which services read each parameter, from the reference table of a version.
fn readers(version: &str) -> BTreeMap<String, Vec<String>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("reference")
        .join(version)
        .join("params.tsv");
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (name, affects) = (column("name"), column("affects"));
    lines
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .map(|row| {
            let services = row[affects].split(',').map(str::to_owned).collect();
            (row[name].to_owned(), services)
        })
        .collect()
}

/// What the container must see for a value the source writes.
fn expected(value: &Value, secrets: &BTreeMap<String, String>, param: &str) -> String {
    match &value.kind {
        ValueKind::Str(s) | ValueKind::Path(s) | ValueKind::Word(s) | ValueKind::Bool(_, s) => {
            s.clone()
        }
        ValueKind::Int(n) => n.to_string(),
        ValueKind::Address(ip) => ip.to_string(),
        ValueKind::Secret(variable) => secrets[variable.as_deref().unwrap_or(param)].clone(),
        ValueKind::List(items) => items
            .iter()
            .map(|item| match &item.kind {
                ValueKind::Str(s) | ValueKind::Word(s) => s.clone(),
                other => format!("{other:?}"),
            })
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// `(deployment, container block or None, parameter, value)` for every
/// assignment of the file.
fn assignments(text: &str) -> Vec<(String, Option<String>, String, Value)> {
    let file = onefront::syntax::parse(SourceId(0), text).unwrap();
    let mut found = Vec::new();
    for deployment in &file.deployments {
        for stmt in &deployment.stmts {
            match stmt {
                Stmt::Env(list) => found.extend(list.iter().map(|a| {
                    let (name, value) = (a.name.text.clone(), a.value.clone());
                    (deployment.name.text.clone(), None, name, value)
                })),
                Stmt::Container(block) => {
                    for inner in &block.stmts {
                        if let Stmt::Env(list) = inner {
                            found.extend(list.iter().map(|a| {
                                (
                                    deployment.name.text.clone(),
                                    Some(block.name.text.clone()),
                                    a.name.text.clone(),
                                    a.value.clone(),
                                )
                            }));
                        }
                    }
                }
                _ => {}
            }
        }
    }
    found
}

/// The value set for each secret variable of a deployment folder.
fn secrets_of(folder: &Path) -> BTreeMap<String, String> {
    std::fs::read_to_string(folder.join("secrets.env.template"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.strip_suffix('='))
        .map(|v| {
            (
                v.to_owned(),
                format!("secret value of {v} with $ and 'quotes'"),
            )
        })
        .collect()
}

#[test]
fn every_compiling_input_runs_as_written() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut tables: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    let mut inputs = crate::support::files::under(&root.join("examples"), "onefront");
    inputs.extend(crate::support::files::under(
        &root.join("tests/ui"),
        "onefront",
    ));
    let mut wrong = Vec::new();
    let mut compiled = 0;
    for path in inputs {
        let text = std::fs::read_to_string(&path).unwrap();
        let Ok((artifacts, _)) = onefront::compile("input.onefront", &text) else {
            continue;
        };
        compiled += 1;
        let version = version_of(&text);
        let readers = tables
            .entry(version.clone())
            .or_insert_with(|| readers(&version));
        let dir = TempDir::new();
        for artifact in &artifacts {
            let file = dir.path().join(&artifact.path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, &artifact.contents).unwrap();
        }
        let mut configs: BTreeMap<String, (Json, BTreeMap<String, String>)> = BTreeMap::new();
        let name = path.strip_prefix(root).unwrap().display().to_string();
        for (deployment, block, param, value) in assignments(&text) {
            let (config, secrets) = configs.entry(deployment.clone()).or_insert_with(|| {
                let folder = dir.path().join(&deployment);
                let secrets = secrets_of(folder.as_std_path());
                let env: Vec<(String, String)> = secrets.clone().into_iter().collect();
                (tools::compose_config(folder.as_std_path(), &env), secrets)
            });
            let want = expected(&value, secrets, &param);
            let services = config["services"].as_object().unwrap();
            for (container, service) in services {
                if block.as_ref().is_some_and(|b| b != container) {
                    continue;
                }
                let environment = &service["environment"];
                let runs = environment[service_parameter(&version)]
                    .as_str()
                    .unwrap_or("all");
                let reads = readers.get(&param).is_some_and(|services| {
                    runs == "all" || services.iter().any(|s| s == "*" || s == runs)
                });
                // A container's own setting wins over the deployment's.
                let overridden = block.is_none()
                    && assignments(&text).iter().any(|(d, b, p, _)| {
                        *d == deployment && b.as_deref() == Some(container.as_str()) && *p == param
                    });
                if !reads || overridden {
                    continue;
                }
                // `config` writes a compose file back, so a `$` of a value
                // comes out as `$$`: the container sees one.
                let got = environment[&param].as_str().map(|v| v.replace("$$", "$"));
                if got.as_deref() != Some(want.as_str()) {
                    wrong.push(format!(
                        "{name}: {deployment}/{container} {param}: the source says {want:?}, Compose reads {got:?}"
                    ));
                }
            }
        }
    }
    assert!(compiled > 60, "only {compiled} inputs compiled");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
