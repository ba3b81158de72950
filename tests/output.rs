//! Nothing leaked, nothing half-written: secrets stay out of generated files
//! (or in files made 0600 from their creation), a failed write leaves the
//! old output as it was, files onefront did not write are not overwritten.

use std::os::unix::fs::PermissionsExt as _;
use std::process::{Command, Output};

use camino::Utf8Path;
use onefront::emit::Artifact;

use crate::support::tempdir::TempDir;
use crate::support::tools;

fn onefront(args: &[&str], envs: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_onefront"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .envs(envs.iter().copied())
        .output()
        .unwrap()
}

fn files_under(dir: &Utf8Path) -> Vec<camino::Utf8PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = camino::Utf8PathBuf::from_path_buf(entry.unwrap().path()).unwrap();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found.sort();
    found
}

fn mode(path: &Utf8Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// A `secret` must reach the containers through the deploy-time environment
/// only. onefront runs with the values in its own environment, so an emitter
/// that read them could write them into `.env`, the compose file, a comment
/// or the unit: no byte of any generated file may hold them. Docker Compose
/// then proves the other half: the values do reach the containers that read
/// them when set at deploy time, and without them the project is refused.
#[test]
fn a_secret_reaches_the_containers_at_deploy_time_and_no_generated_file() {
    const ADMIN: &str = "canary-oneadmin-5e1f0c";
    const DB: &str = "canary-db-9a27d4";
    const HOST: &str = "visible-host.example"; // not a secret: must come through
    let out = TempDir::new();
    let source = out.path().join("leak.onefront");
    let mut text = String::from("onefront 5.13\n");
    for (name, runtime, bind) in [
        ("leak-docker", "", "192.168.1.1"),
        ("leak-podman", "runtime podman", "192.168.1.2"),
        ("leak-v1", "compose v1", "192.168.1.3"),
    ] {
        text += &format!(
            "deployment {name} {{\n  layout reference\n  {runtime}\n  bind {bind}\n  env {{\n    OPENNEBULA_FRONTEND_HOST = \"{HOST}\"\n    OPENNEBULA_FRONTEND_SSH_HOST = {bind}\n    ONEADMIN_PASSWORD = secret\n    MYSQL_PASSWORD = secret(\"DB_PASSWORD\")\n  }}\n}}\n"
        );
    }
    std::fs::write(&source, text).unwrap();
    let target = out.path().join("out");
    let secrets = [("ONEADMIN_PASSWORD", ADMIN), ("DB_PASSWORD", DB)];
    let result = onefront(
        &["compile", source.as_str(), "-o", target.as_str()],
        &secrets,
    );
    assert_eq!(
        result.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );

    let files = files_under(&target);
    let holding = |value: &str| -> Vec<String> {
        files
            .iter()
            .filter(|f| {
                std::fs::read(f)
                    .unwrap()
                    .windows(value.len())
                    .any(|w| w == value.as_bytes())
            })
            .filter_map(|f| f.strip_prefix(&target).ok().map(ToString::to_string))
            .collect()
    };
    for secret in [ADMIN, DB] {
        assert_eq!(holding(secret), Vec::<String>::new(), "{secret} leaked");
    }
    // The scan sees what the emitters write: the non-secret value, in each
    // deployment's compose file.
    for deployment in ["leak-docker", "leak-podman", "leak-v1"] {
        let compose = format!("{deployment}/docker-compose.yml");
        assert!(holding(HOST).contains(&compose), "{HOST} not in {compose}");
    }
    for file in &files {
        assert_eq!(mode(file), 0o644, "{file}");
    }

    // Deploy time, with Docker Compose v2 and only the secrets in its
    // environment (the `.env` beside the compose file is read too).
    let project = target.join("leak-docker");
    let env: Vec<(String, String)> = secrets
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let config = tools::compose_config(project.as_std_path(), &env);
    let oned = &config["services"]["opennebula-oned"]["environment"];
    assert_eq!(oned["ONEADMIN_PASSWORD"], ADMIN);
    assert_eq!(oned["MYSQL_PASSWORD"], DB);
    assert_eq!(oned["OPENNEBULA_FRONTEND_HOST"], HOST);
    let mysql = &config["services"]["opennebula-mysql"]["environment"];
    assert_eq!(mysql["MYSQL_PASSWORD"], DB);
    // Each secret comes from there alone: left out, Compose refuses, naming it.
    for (left_out, _) in secrets {
        let output = Command::new(tools::docker_compose())
            .arg("--project-directory")
            .arg(project.as_str())
            .args(["config", "--format", "json"])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(secrets.iter().filter(|(k, _)| *k != left_out).copied())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            !output.status.success() && stderr.contains(&format!("required variable {left_out}")),
            "without {left_out}: {stderr}"
        );
    }
}

#[test]
fn an_inline_secret_lands_only_in_files_made_private() {
    let out = TempDir::new();
    let source = out.path().join("inline.onefront");
    std::fs::write(
        &source,
        "onefront 5.13\ndeployment one {\n  bind 192.168.1.1\n  env {\n    OPENNEBULA_FRONTEND_HOST = \"h\"\n    OPENNEBULA_FRONTEND_SSH_HOST = \"h\"\n    ONEADMIN_PASSWORD = \"hunter2\"\n  }\n}\n",
    )
    .unwrap();
    let target = out.path().join("out");
    let result = onefront(&["compile", source.as_str(), "-o", target.as_str()], &[]);
    assert_eq!(result.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&result.stderr).contains("onefront::secret"),
        "warned"
    );
    for file in files_under(&target) {
        let holds = std::fs::read_to_string(&file).unwrap().contains("hunter2");
        let private = mode(&file) == 0o600;
        assert_eq!(
            holds,
            private,
            "{file}: holds the secret {holds}, mode {:o}",
            mode(&file)
        );
    }
}

fn artifact(path: &str, contents: &str) -> Artifact {
    Artifact {
        path: path.into(),
        contents: format!("# Generated by onefront (test)\n{contents}"),
        mode: 0o644,
    }
}

#[test]
fn a_failure_while_writing_leaves_the_old_output_unchanged() {
    let dir = TempDir::new();
    let old = [
        artifact("d/a", "old a"),
        artifact("d/b", "old b"),
        artifact("d/c", "old c"),
    ];
    onefront::output::write(dir.path(), &old, false).unwrap();
    let before: Vec<(camino::Utf8PathBuf, Vec<u8>)> = files_under(dir.path())
        .into_iter()
        .map(|f| (f.clone(), std::fs::read(&f).unwrap()))
        .collect();

    let new = [
        artifact("d/a", "new a"),
        artifact("d/b", "new b"),
        artifact("d/c", "new c"),
        artifact("e/d", "new d"),
    ];
    let fail_on_c = |path: &Utf8Path| path.as_str() == "d/c";
    let error = onefront::output::write_with(dir.path(), &new, false, Some(&fail_on_c));
    assert!(error.is_err(), "the injected failure is reported");

    let after: Vec<(camino::Utf8PathBuf, Vec<u8>)> = files_under(dir.path())
        .into_iter()
        .map(|f| (f.clone(), std::fs::read(&f).unwrap()))
        .collect();
    assert_eq!(
        before, after,
        "old output unchanged, no temporary file left"
    );
}

#[test]
fn files_onefront_did_not_write_are_kept_unless_forced() {
    let out = TempDir::new();
    let mine = out.path().join("opennebula/docker-compose.yml");
    std::fs::create_dir_all(mine.parent().unwrap()).unwrap();
    std::fs::write(&mine, "services: {} # written by hand\n").unwrap();
    let refused = onefront(
        &[
            "compile",
            "examples/reference.onefront",
            "-o",
            out.path().as_str(),
        ],
        &[],
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("was not generated by onefront"));
    assert_eq!(
        std::fs::read_to_string(&mine).unwrap(),
        "services: {} # written by hand\n"
    );
    assert_eq!(
        files_under(out.path()),
        vec![mine.clone()],
        "nothing else was written"
    );

    let forced = onefront(
        &[
            "compile",
            "--force",
            "examples/reference.onefront",
            "-o",
            out.path().as_str(),
        ],
        &[],
    );
    assert_eq!(forced.status.code(), Some(0));
    assert!(
        std::fs::read_to_string(&mine)
            .unwrap()
            .starts_with("# Generated by onefront")
    );
}

#[test]
fn output_paths_stay_inside_the_output_directory() {
    let dir = TempDir::new();
    let escaping = [artifact("../escaped", "x")];
    assert!(onefront::output::write(dir.path(), &escaping, false).is_err());
    assert!(!dir.path().join("../escaped").exists());
    let checked = onefront::check("x.onefront", "onefront 5.13\ndeployment ../x { }\n");
    assert!(checked.has_errors(), "a deployment name cannot hold a path");
}
