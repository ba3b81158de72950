//! Every example compiles; its output is snapshotted whole, accepted by the
//! real Docker Compose v2 and `systemd-analyze verify`, read back the same by
//! a YAML 1.1 reader, and byte-identical from one run to the next.

use std::path::{Path, PathBuf};
use std::process::Command;

use onefront::emit::Artifact;
use onefront::kinds::ComposeTool;

use crate::support::tempdir::TempDir;
use crate::support::tools;

fn examples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "onefront"))
        .collect();
    found.sort();
    found
}

/// The diagnostics each example must give: the scenarios of the reference
/// (S1 all-in-one, S2 reference, S3 dedicated address, S4 SSH moved).
fn expected_codes(name: &str) -> Vec<&'static str> {
    match name {
        // S1 publishes 22 on every address, as the reference's docker run.
        "all-in-one.onefront" | "ssh-moved.onefront" => vec!["onefront::N6"],
        // Rootless Podman starts at boot only with lingering; SSH moved.
        "podman-rootless.onefront" => vec!["onefront::R2", "onefront::N6"],
        _ => vec![],
    }
}

fn compile(path: &Path) -> Vec<Artifact> {
    let text = std::fs::read_to_string(path).unwrap();
    let name = path.file_name().unwrap().to_str().unwrap();
    match onefront::compile(name, &text) {
        Ok((artifacts, warnings)) => {
            let codes: Vec<String> = warnings
                .iter()
                .map(onefront::diagnostic::Diagnostic::code_text)
                .collect();
            assert_eq!(codes, expected_codes(name), "warnings compiling {name}");
            artifacts
        }
        Err(diagnostics) => panic!("{name} does not compile: {diagnostics:#?}"),
    }
}

#[test]
fn s4_spells_out_the_node_ssh_config() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ssh-moved.onefront");
    let checked = onefront::check(
        "ssh-moved.onefront",
        &std::fs::read_to_string(path).unwrap(),
    );
    let help = miette::Diagnostic::help(&checked.diagnostics[0])
        .unwrap()
        .to_string();
    assert!(
        help.contains("Host one.example.com\n      Port 2222"),
        "{help}"
    );
}

/// A scratch directory holding one compile's output.
pub(crate) fn written(artifacts: &[Artifact]) -> TempDir {
    let dir = TempDir::new();
    onefront::output::write(dir.path(), artifacts, false).unwrap();
    dir
}

#[test]
fn examples_compile_to_their_snapshots() {
    let examples = examples();
    assert!(examples.len() >= 4, "examples/ holds {examples:?}");
    for path in examples {
        let stem = path.file_stem().unwrap().to_str().unwrap().to_owned();
        for artifact in compile(&path) {
            let name = format!("{stem}__{}", artifact.path.as_str().replace('/', "__"));
            insta::assert_snapshot!(name, artifact.contents);
        }
    }
}

#[test]
fn compiling_twice_gives_the_same_bytes() {
    for path in examples() {
        assert_eq!(compile(&path), compile(&path), "{}", path.display());
    }
}

/// Dummy values for the secrets a compose file interpolates.
pub(crate) fn secret_env(artifacts: &[Artifact]) -> Vec<(String, String)> {
    artifacts
        .iter()
        .filter(|a| a.path.as_str().ends_with("secrets.env.template"))
        .flat_map(|a| {
            a.contents
                .lines()
                .filter_map(|l| l.strip_suffix('='))
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .map(|variable| (variable.clone(), format!("value-of-{variable}")))
        .collect()
}

/// `docker-compose config --format json` of one deployment's folder.
fn compose_config(
    dir: &camino::Utf8Path,
    deployment: &str,
    env: &[(String, String)],
) -> serde_json::Value {
    tools::compose_config(dir.join(deployment).as_std_path(), env)
}

fn deployments(artifacts: &[Artifact]) -> Vec<String> {
    let mut names: Vec<String> = artifacts
        .iter()
        .filter_map(|a| a.path.components().next().map(|c| c.as_str().to_owned()))
        .collect();
    names.dedup();
    names
}

/// Each deployment's compose file, read by the tool its runtime runs it
/// with: Docker Compose v2, docker-compose v1, or podman-compose.
#[test]
fn the_runtime_tool_accepts_every_example() {
    for path in examples() {
        let text = std::fs::read_to_string(&path).unwrap();
        let artifacts = compile(&path);
        let dir = written(&artifacts);
        let env = secret_env(&artifacts);
        for deployment in onefront::check("x.onefront", &text).deployments {
            let project = dir.path().join(&deployment.name);
            let file = project.join("docker-compose.yml");
            let services = match deployment.compose_tool() {
                ComposeTool::Podman => {
                    tools::podman_compose_config(file.as_std_path(), &env)["services"].clone()
                }
                ComposeTool::DockerV1 => compose_v1_config(&file, &env)["services"].clone(),
                ComposeTool::DockerV2 => {
                    let config = compose_config(dir.path(), &deployment.name, &env);
                    assert_eq!(config["name"], deployment.name.as_str());
                    config["services"].clone()
                }
            };
            let names: Vec<&String> = services.as_object().unwrap().keys().collect();
            let expected: Vec<&String> = deployment.containers.iter().map(|c| &c.name).collect();
            assert_eq!(names.len(), expected.len(), "{}: {names:?}", path.display());
        }
    }
}

/// docker-compose v1 `config` (YAML), read with PyYAML.
fn compose_v1_config(file: &camino::Utf8Path, env: &[(String, String)]) -> serde_json::Value {
    let output = Command::new(tools::docker_compose_v1())
        .arg("--file")
        .arg(file.as_str())
        .arg("config")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "docker-compose v1 rejected {file}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let yaml = file.with_extension("v1-config.yml");
    std::fs::write(&yaml, &output.stdout).unwrap();
    tools::pyyaml_load(yaml.as_std_path())
}

/// Docker and Podman run the same containers: the compose files of S2 and
/// of S2 under Podman differ only in their header.
#[test]
fn podman_runs_the_same_deployment_as_docker() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let body = |name: &str| -> String {
        let artifacts = compile(&root.join(name));
        let compose = artifacts
            .iter()
            .find(|a| a.path.as_str().ends_with("docker-compose.yml"))
            .unwrap();
        compose
            .contents
            .lines()
            .filter(|l| !l.starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(body("reference.onefront"), body("podman.onefront"));
}

#[test]
fn reference_layout_reads_back_as_the_reference_bundle() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/reference.onefront");
    let artifacts = compile(&path);
    let dir = written(&artifacts);
    let config = compose_config(dir.path(), "opennebula", &secret_env(&artifacts));
    let services = config["services"].as_object().unwrap();
    assert_eq!(services.len(), 12, "one container per service");
    let oned = &services["opennebula-oned"];
    assert_eq!(oned["cap_add"], serde_json::json!(["SYS_ADMIN"]));
    assert_eq!(oned["environment"]["MYSQL_HOST"], "opennebula-mysql");
    assert_eq!(oned["environment"]["DIND_HOST"], "opennebula-docker");
    assert_eq!(oned["environment"]["MONITORD_PORT"], "4124");
    assert_eq!(oned["environment"]["ONEGATE_PORT"], "5030");
    assert_eq!(
        oned["environment"]["ONEADMIN_PASSWORD"],
        "value-of-ONEADMIN_PASSWORD"
    );
    assert_eq!(services["opennebula-docker"]["privileged"], true);
    assert_eq!(
        services["opennebula-docker"]["environment"]["DIND_TCP_ENABLED"],
        "yes"
    );
    let sunstone = &services["opennebula-sunstone"];
    assert_eq!(sunstone["environment"]["SUNSTONE_PORT"], "80");
    assert!(
        sunstone["environment"].get("ONEADMIN_PASSWORD").is_none(),
        "P4: sunstone does not read it"
    );
    assert!(
        sunstone["environment"].get("MYSQL_PASSWORD").is_none(),
        "P4: no secret where it is not read"
    );
    let published: Vec<(String, String, String, String)> = services
        .values()
        .flat_map(|s| s["ports"].as_array().cloned().unwrap_or_default())
        .map(|p| {
            (
                p["host_ip"].as_str().unwrap().to_owned(),
                p["published"].as_str().unwrap().to_owned(),
                p["target"].to_string(),
                p["protocol"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for (host, container, proto) in [
        ("22", "22", "tcp"),
        ("80", "80", "tcp"),
        ("443", "443", "tcp"),
        ("29876", "29876", "tcp"),
        ("2633", "2634", "tcp"),
        ("5030", "5031", "tcp"),
        ("2474", "2475", "tcp"),
        ("4124", "4124", "tcp"),
        ("4124", "4124", "udp"),
    ] {
        let want = (
            "192.168.1.1".to_owned(),
            host.to_owned(),
            container.to_owned(),
            proto.to_owned(),
        );
        assert!(published.contains(&want), "{want:?} not in {published:?}");
    }
    assert_eq!(published.len(), 9);
    for (service, volume, target) in [
        (
            "opennebula-oned",
            "opennebula_oneadmin_ssh_copyback",
            "/var/lib/one/.ssh-copyback",
        ),
        (
            "opennebula-sshd",
            "opennebula_oneadmin_ssh_copyback",
            "/var/lib/one/.ssh",
        ),
        (
            "opennebula-sshd",
            "opennebula_datastores",
            "/var/lib/one/datastores",
        ),
        (
            "opennebula-oned",
            "opennebula_datastores",
            "/var/lib/one/datastores",
        ),
    ] {
        let mounts = services[service]["volumes"].as_array().unwrap();
        assert!(
            mounts
                .iter()
                .any(|m| m["source"] == volume && m["target"] == target),
            "{service} mounts {volume} at {target}"
        );
    }
}

#[test]
fn all_in_one_is_the_reference_docker_run() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/all-in-one.onefront");
    let artifacts = compile(&path);
    let dir = written(&artifacts);
    let config = compose_config(dir.path(), "opennebula", &secret_env(&artifacts));
    let services = config["services"].as_object().unwrap();
    assert_eq!(services.len(), 1);
    let one = services.values().next().unwrap();
    assert_eq!(one["privileged"], true);
    assert_eq!(one["restart"], "unless-stopped");
    assert_eq!(one["container_name"], "opennebula");
    assert_eq!(one["environment"]["DIND_ENABLED"], "yes");
    let targets: Vec<String> = one["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["target"].as_str().unwrap().to_owned())
        .collect();
    for target in [
        "/var/lib/mysql",
        "/var/lib/one/datastores",
        "/srv/one",
        "/var/lib/one/.one",
        "/var/lib/one/.ssh",
        "/var/lib/one/.ssh-oneprovision",
        "/var/log",
    ] {
        assert!(
            targets.contains(&target.to_owned()),
            "{target} in {targets:?}"
        );
    }
    let ports = one["ports"].as_array().unwrap();
    assert_eq!(ports.len(), 9, "{ports:?}");
}

#[test]
fn yaml_1_1_reads_the_compose_files_as_compose_does() {
    for path in examples() {
        let artifacts = compile(&path);
        let dir = written(&artifacts);
        for deployment in deployments(&artifacts) {
            let file = dir.path().join(&deployment).join("docker-compose.yml");
            let read = tools::pyyaml_load(file.as_std_path());
            for service in read["services"].as_object().unwrap().values() {
                for value in service["environment"]
                    .as_object()
                    .into_iter()
                    .flat_map(|e| e.values())
                {
                    assert!(value.is_string(), "PyYAML reads {value} as a non-string");
                }
                assert!(service["restart"].is_string());
            }
        }
    }
}

/// `systemd-analyze verify` of every unit of a compile.
pub(crate) fn verify_units(artifacts: &[Artifact]) {
    let dir = written(artifacts);
    for unit in artifacts
        .iter()
        .filter(|a| a.path.extension() == Some("service"))
    {
        let unit_dir = dir.path().join(unit.path.parent().unwrap());
        // The units the generated one depends on, stubbed: only they.
        std::fs::write(
            unit_dir.join("docker.service"),
            "[Service]\nExecStart=/bin/true\n",
        )
        .unwrap();
        tools::systemd_verify(&[dir.path().join(&unit.path).as_std_path()]);
    }
}

#[test]
fn systemd_accepts_every_unit() {
    for path in examples() {
        verify_units(&compile(&path));
    }
}

/// Each deployment's `source.onefront` holds its own block, not the whole
/// file (so that a fleet compiles in linear time and space), and that block
/// alone compiles to the very same files: nothing the deployment needs is
/// left behind in the rest of the source.
#[test]
fn each_deployment_keeps_its_own_block_as_a_file_that_compiles_alone() {
    let fleet = "onefront 5.13\n\n# the first\ndeployment one {\n  layout reference\n  bind 127.0.0.2\n  env {\n    OPENNEBULA_FRONTEND_HOST = \"one.example.com\"\n    OPENNEBULA_FRONTEND_SSH_HOST = 127.0.0.2\n    ONEADMIN_PASSWORD = secret\n    MYSQL_PASSWORD = secret\n  }\n}\n\ndeployment two {\n  bind 127.0.0.3\n  publish sunstone.http 8080\n  env {\n    OPENNEBULA_FRONTEND_HOST = \"two.example.com\"\n    OPENNEBULA_FRONTEND_SSH_HOST = 127.0.0.3\n  }\n}\n";
    let (artifacts, _) = onefront::compile("fleet.onefront", fleet).unwrap();
    let without_header = |text: &str| {
        text.lines()
            .filter(|l| !l.starts_with("# Generated by onefront"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    for name in ["one", "two"] {
        let own = artifacts
            .iter()
            .find(|a| a.path == format!("{name}/source.onefront"))
            .unwrap();
        let other = if name == "one" { "two" } else { "one" };
        assert!(
            !own.contents.contains(&format!("deployment {other}")),
            "{name}'s source holds the other deployment:\n{}",
            own.contents
        );
        let (alone, _) = onefront::compile("source.onefront", &own.contents)
            .unwrap_or_else(|e| panic!("{name}/source.onefront does not compile: {e:?}"));
        let mine: Vec<&Artifact> = artifacts
            .iter()
            .filter(|a| a.path.starts_with(name))
            .collect();
        assert_eq!(alone.len(), mine.len(), "{name}");
        for (a, b) in alone.iter().zip(mine) {
            assert_eq!(a.path, b.path);
            assert_eq!(
                without_header(&a.contents),
                without_header(&b.contents),
                "{}",
                a.path
            );
        }
    }
}

/// What the reference tables (not the model) say a container running
/// `service` needs: the parameters of `params.tsv` whose `required_for`
/// names it (or `*`), those of the `multi` table only when services run in
/// separate containers. A parameter whose default is the service itself
/// (`OPENNEBULA_FRONTEND_SERVICE=all`) needs no entry.
fn required_by_the_tables(service: &str, split: bool) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("reference/5.13/params.tsv");
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (name, table, default, required) = (
        column("name"),
        column("table"),
        column("default"),
        column("required_for"),
    );
    lines
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|row| {
            let needed_by = row[required] == "*" || row[required].split(',').any(|s| s == service);
            needed_by && (split || row[table] == "main") && row[default] != service
        })
        .map(|row| row[name].to_owned())
        .collect()
}

/// Every container of every example gets every parameter the reference
/// marks required for the service it runs, in the environment Docker
/// Compose reads back (S1 to S4 among them).
#[test]
fn every_container_gets_what_the_reference_requires() {
    let mut missing = Vec::new();
    for path in examples() {
        let artifacts = compile(&path);
        let dir = written(&artifacts);
        let env = secret_env(&artifacts);
        for deployment in deployments(&artifacts) {
            let file = dir.path().join(&deployment).join("docker-compose.yml");
            let services = match std::fs::read_to_string(&file) {
                Ok(text) if text.contains("\nversion: ") => {
                    compose_v1_config(&file, &env)["services"].clone()
                }
                _ => compose_config(dir.path(), &deployment, &env)["services"].clone(),
            };
            let services = services.as_object().unwrap();
            let split = services.len() > 1;
            for (container, service) in services {
                let environment = &service["environment"];
                let runs = environment["OPENNEBULA_FRONTEND_SERVICE"]
                    .as_str()
                    .unwrap_or("all");
                for param in required_by_the_tables(runs, split) {
                    if environment
                        .get(&param)
                        .is_none_or(serde_json::Value::is_null)
                    {
                        missing.push(format!(
                            "{}: {deployment}/{container} ({runs}) lacks {param}",
                            path.display()
                        ));
                    }
                }
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// Docker's rule for container names (`[a-zA-Z0-9][a-zA-Z0-9_.-]+`), which
/// `docker compose config` does not check: the daemon refuses the rest when
/// it creates the container.
fn docker_accepts_container_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && name.len() >= 2
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// Whether the real Docker Compose takes `name` as a project name as it is
/// (it lower-cases some names silently: a renamed project is refused here).
fn compose_accepts_project(dir: &camino::Utf8Path, name: &str) -> bool {
    let project = dir.join("project-name");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(
        project.join("docker-compose.yml"),
        format!("name: \"{name}\"\nservices:\n  s:\n    image: \"busybox:1\"\n"),
    )
    .unwrap();
    let output = std::process::Command::new(tools::docker_compose())
        .arg("--project-directory")
        .arg(project.as_std_path())
        .args(["config", "--format", "json"])
        .output()
        .unwrap();
    output.status.success()
        && serde_json::from_slice::<serde_json::Value>(&output.stdout)
            .is_ok_and(|config| config["name"] == name)
}

/// O4 at its edges: every deployment name onefront accepts is a project
/// name the real Docker Compose accepts and a container name Docker
/// accepts; each name it refuses, Compose or Docker refuses too (past 63
/// characters, it is the DNS limit of a container's name). Names are
/// Compose's rules, written once, in resolve.
#[test]
fn deployment_names_are_the_ones_compose_and_docker_accept() {
    let long = "a".repeat(63);
    let too_long = "a".repeat(64);
    let cases: [(&str, bool); 10] = [
        ("ab", true),
        ("1f", true),
        ("a_b", true),
        ("a-b", true),
        ("a-", true),
        (&long, true),
        ("x", false),
        ("_ab", false),
        ("Ab", false),
        (&too_long, false),
    ];
    let dir = crate::support::tempdir::TempDir::new();
    for (name, valid) in cases {
        let text = format!(
            "onefront 5.13\ndeployment {name} {{\n  bind 192.168.1.1\n  env {{\n    OPENNEBULA_FRONTEND_HOST = \"h.example.com\"\n    OPENNEBULA_FRONTEND_SSH_HOST = \"h.example.com\"\n  }}\n}}\n"
        );
        let checked = onefront::check("names.onefront", &text);
        let codes: Vec<String> = checked
            .diagnostics
            .iter()
            .map(onefront::diagnostic::Diagnostic::code_text)
            .collect();
        assert_eq!(codes.is_empty(), valid, "{name}: {codes:?}");
        let tools_accept =
            compose_accepts_project(dir.path(), name) && docker_accepts_container_name(name);
        if !valid {
            assert_eq!(codes, ["onefront::O4"], "{name}");
            assert!(
                !tools_accept || name.len() > 63,
                "{name}: onefront refuses it, but Compose and Docker take it"
            );
            continue;
        }
        assert!(
            tools_accept,
            "{name}: onefront accepts it, Compose or Docker does not"
        );
        let (artifacts, _) = onefront::compile("names.onefront", &text).unwrap();
        for artifact in &artifacts {
            let path = dir.path().join(&artifact.path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, &artifact.contents).unwrap();
        }
        let config = compose_config(dir.path(), name, &[]);
        assert_eq!(config["name"], name, "Compose renamed the project");
        assert_eq!(config["services"]["opennebula"]["container_name"], name);
    }
}
