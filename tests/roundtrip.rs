//! Nothing lost: 10,000 generated strings (seeded, the same every run) go
//! through the language and the emitters and come back byte for byte from
//! the real readers: the model from the parser, Docker Compose v2 (compose
//! file and `.env`), and PyYAML (YAML 1.1) from the compose file.

use std::collections::BTreeMap;

use onefront::ir::model::{EnvEntry, EnvValue, Origin, Setting};

use crate::support::tempdir::TempDir;
use crate::support::tools;
use crate::support::values::{onefront_literal, values};

const SEED: u64 = 0x0_5EED_2026;
const COUNT: usize = 10_000;

/// `.onefront` string literals reach the model exactly.
#[test]
fn source_strings_reach_the_model_exactly() {
    let values = values(SEED, COUNT);
    let mut source = String::from("onefront 5.13\n");
    for (i, value) in values.iter().enumerate() {
        let address = format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256);
        source.push_str(&format!(
            "deployment d{i} {{\n  bind {address}\n  env {{\n    OPENNEBULA_FRONTEND_HOST = \"h\"\n    OPENNEBULA_FRONTEND_SSH_HOST = \"h\"\n    MYSQL_DATABASE = {}\n  }}\n}}\n",
            onefront_literal(value)
        ));
    }
    let checked = onefront::check("values.onefront", &source);
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics.first());
    assert_eq!(checked.deployments.len(), COUNT);
    for (deployment, value) in checked.deployments.iter().zip(&values) {
        let entry = &deployment.containers[0].env["MYSQL_DATABASE"];
        assert_eq!(
            entry.value,
            EnvValue::Text(value.clone()),
            "in {}",
            deployment.name
        );
    }
}

/// A compiled deployment carrying every value twice: literally in the
/// compose file (`V…`) and, if asked, through `.env` (`E…` from the deploy
/// parameter `D…`).
fn loaded_model(values: &[String], through_env_file: bool) -> onefront::ir::model::Deployment {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/dedicated-address.onefront"
    ))
    .unwrap();
    let mut deployment = onefront::check("dedicated-address.onefront", &text)
        .deployments
        .remove(0);
    for (i, value) in values.iter().enumerate() {
        let entry = |value| EnvEntry {
            value,
            origin: Origin::Derived,
            secret: false,
        };
        let container = &mut deployment.containers[0];
        container
            .env
            .insert(format!("V{i:05}"), entry(EnvValue::Text(value.clone())));
        if !through_env_file {
            continue;
        }
        container.env.insert(
            format!("E{i:05}"),
            entry(EnvValue::Deploy(format!("D{i:05}"))),
        );
        deployment.deploy.insert(
            format!("D{i:05}"),
            Setting {
                value: value.clone(),
                origin: Origin::Derived,
            },
        );
    }
    deployment
}

/// Compose writes a literal `$` back as `$$` in `config` output.
fn as_compose_prints(value: &str) -> String {
    value.replace('$', "$$")
}

#[test]
fn docker_compose_and_yaml_1_1_read_back_every_value() {
    let values = values(SEED, COUNT);
    let deployment = loaded_model(&values, true);
    let artifacts = onefront::emit::emit(&deployment);
    let dir = TempDir::new();
    onefront::output::write(dir.path(), &artifacts, false).unwrap();
    let project = dir.path().join(&deployment.name);

    let secrets = [("ONEADMIN_PASSWORD".to_owned(), "x".to_owned())];
    let config = tools::compose_config(project.as_std_path(), &secrets);
    let environment = config["services"][&deployment.containers[0].name]["environment"]
        .as_object()
        .unwrap();
    let mut lost = Vec::new();
    for (i, value) in values.iter().enumerate() {
        for key in [format!("V{i:05}"), format!("E{i:05}")] {
            if environment.get(&key).and_then(|v| v.as_str())
                != Some(as_compose_prints(value).as_str())
            {
                lost.push(format!(
                    "{key}: {value:?} came back as {:?}",
                    environment.get(&key)
                ));
            }
        }
    }
    assert!(
        lost.is_empty(),
        "{} of {} values changed, first: {:?}",
        lost.len(),
        2 * COUNT,
        &lost[..lost.len().min(5)]
    );

    let compose = project.join("docker-compose.yml");
    let read = tools::pyyaml_load(compose.as_std_path());
    let environment: BTreeMap<String, serde_json::Value> = serde_json::from_value(
        read["services"][&deployment.containers[0].name]["environment"].clone(),
    )
    .unwrap();
    for (i, value) in values.iter().enumerate() {
        assert_eq!(
            environment[&format!("V{i:05}")],
            as_compose_prints(value),
            "PyYAML, value {i}"
        );
        assert_eq!(
            environment[&format!("E{i:05}")],
            format!("${{D{i:05}}}"),
            "PyYAML, value {i}"
        );
    }
}

/// The same compose file under the `podman` runtime, read by podman-compose
/// (which prints values as the containers get them, `$$` already undone).
/// Only the literal values: podman-compose reads `.env` with python-dotenv,
/// whose quoting differs from compose-go's, and onefront's `.env` holds only
/// deploy parameters that validation keeps plain (addresses, ports, image
/// names), which both read alike; `env_files_hold_only_plain_values` checks
/// that.
#[test]
fn podman_compose_reads_back_every_value() {
    let values = values(SEED, COUNT);
    let deployment = loaded_model(&values, false);
    let dir = TempDir::new();
    onefront::output::write(dir.path(), &onefront::emit::emit(&deployment), false).unwrap();
    let compose = dir.path().join(&deployment.name).join("docker-compose.yml");
    let secrets = [("ONEADMIN_PASSWORD".to_owned(), "x".to_owned())];
    let config = tools::podman_compose_config(compose.as_std_path(), &secrets);
    let environment = config["services"][&deployment.containers[0].name]["environment"]
        .as_object()
        .unwrap();
    let mut lost = Vec::new();
    for (i, value) in values.iter().enumerate() {
        let key = format!("V{i:05}");
        if environment.get(&key).and_then(|v| v.as_str()) != Some(value.as_str()) {
            lost.push(format!(
                "{key}: {value:?} came back as {:?}",
                environment.get(&key)
            ));
        }
    }
    assert!(
        lost.is_empty(),
        "{} of {COUNT} values changed, first: {:?}",
        lost.len(),
        &lost[..lost.len().min(5)]
    );
}

/// Every `.env` onefront writes for the examples and the UI corpus holds
/// values that need no quoting in any env-file reader.
#[test]
fn env_files_hold_only_plain_values() {
    let mut sources: Vec<std::path::PathBuf> = Vec::new();
    for dir in ["examples", "tests/ui/compile", "tests/ui/rules"] {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        sources.extend(std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()));
    }
    let mut checked = 0;
    for source in sources
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "onefront"))
    {
        let text = std::fs::read_to_string(source).unwrap();
        for deployment in onefront::check("x.onefront", &text).deployments {
            for (name, setting) in &deployment.deploy {
                assert_eq!(
                    onefront::emit::env::quote(&setting.value),
                    setting.value,
                    "{name} in {}",
                    source.display()
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100);
}

/// Unit files carry no user string but deployment names (and paths made of
/// them). 10,000 generated names, each of every shape a name may take,
/// give units that `systemd-analyze verify` accepts and that hold the name
/// as written; names that would need systemd's escaping (`%`, `\`, quotes,
/// blanks) never get that far.
#[test]
fn systemd_units_carry_every_name() {
    let mut rng = crate::support::values::Rng::new(SEED);
    // What rule O4 lets through: a letter or digit, then letters, digits,
    // `-` and `_`, 2 to 63 characters in all.
    let first: Vec<char> = ('a'..='z').chain('0'..='9').collect();
    let rest: Vec<char> = first.iter().copied().chain(['-', '_']).collect();
    let mut names = std::collections::BTreeSet::new();
    while names.len() < COUNT {
        let len = 2 + rng.below(62);
        let name: String = std::iter::once(*rng.pick(&first))
            .chain((1..len).map(|_| *rng.pick(&rest)))
            .collect();
        names.insert(name);
    }
    let mut source = String::from("onefront 5.13\n");
    for (i, name) in names.iter().enumerate() {
        let address = format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256);
        source.push_str(&format!(
            "deployment {name} {{\n  bind {address}\n  env {{\n    OPENNEBULA_FRONTEND_HOST = \"h\"\n    OPENNEBULA_FRONTEND_SSH_HOST = \"h\"\n  }}\n}}\n"
        ));
    }
    let checked = onefront::check("names.onefront", &source);
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics.first());
    let dir = TempDir::new();
    std::fs::write(
        dir.path().join("docker.service"),
        "[Service]\nExecStart=/bin/true\n",
    )
    .unwrap();
    let mut units = Vec::new();
    for deployment in &checked.deployments {
        let unit = onefront::emit::emit(deployment)
            .into_iter()
            .find(|a| a.path.extension() == Some("service"))
            .unwrap();
        let description = format!(
            "Description=OpenNebula front-end {} (onefront, Docker Compose)",
            deployment.name
        );
        assert!(
            unit.contents.lines().any(|l| l == description),
            "{}",
            deployment.name
        );
        let file = dir.path().join(unit.path.file_name().unwrap());
        std::fs::write(&file, &unit.contents).unwrap();
        units.push(file);
    }
    for batch in units.chunks(1000) {
        let files: Vec<&std::path::Path> = batch.iter().map(|f| f.as_std_path()).collect();
        tools::systemd_verify(&files);
    }

    let mut rejected = 0;
    for value in values(SEED, COUNT) {
        let checked = onefront::check(
            "x.onefront",
            &format!("onefront 5.13\ndeployment {value} {{ }}\n"),
        );
        let reaches_a_unit = checked
            .deployments
            .iter()
            .any(|d| !checked.has_errors() && d.name == value);
        let needs_escaping = value
            .chars()
            .any(|c| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert!(
            !(reaches_a_unit && needs_escaping),
            "{value:?} would need escaping in a unit"
        );
        rejected += usize::from(!reaches_a_unit);
    }
    assert!(rejected > 0);
}
