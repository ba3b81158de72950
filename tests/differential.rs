//! Accepted means it runs (issue 10, point 8): generated files over the
//! whole language, each one that `onefront::check` accepts compiled and fed
//! to the real tools, which must accept every deployment and give every
//! container the environment the source asked for.
//!
//! For each generated file (`support::generate`, proptest strategies that
//! shrink a failure to a small file), every deployment folder goes to:
//!
//! - the tool its unit runs, called as the unit's `ExecStart=` calls it,
//!   with `config` for `up`: Docker Compose v2, docker-compose v1 (1.29)
//!   or podman-compose (1.6); started with a shell's environment and no
//!   secret, then given the secrets one at a time as its errors ask for
//!   them: every secret the source reads must be asked for, since one the
//!   tool fills from elsewhere (its own variables, `.env`, the shell) never
//!   fails when the user forgets it;
//! - Docker Compose v2 `config --format json`, whatever its runtime, for
//!   the structure: services, environment, images, ports, volumes, mounts;
//! - PyYAML (YAML 1.1), which must read every value as the string written;
//! - `systemd-analyze verify`, once for all the file's units.
//!
//! Then the oracles: the set of containers; each container's environment
//! against the source (a parameter reaches only the containers whose
//! service reads it, as `onefront params` says; parameters the compiler
//! derives are compared where they are predictable: the service, `*_HOST`,
//! maintenance, and otherwise only allowed, not compared: the ports'
//! `SUNSTONE_*PORT`, `ONEGATE_PORT`, `MONITORD_PORT` and the layout's
//! `DIND_*`); each image against the distribution reference grammar that
//! Docker and Podman pull with; each port a container's services listen on
//! taken once, and each published port landing on one; each volume name,
//! mount, restart policy, privilege and capability as written.
//!
//! Failures that are known and not yet fixed are listed in [`KNOWN`], each
//! with a minimal file; the generator steers clear of exactly what each
//! entry's predicate matches, so that deleting the entry brings the case
//! back. Any other failure fails the test with the shrunk file.
//!
//! `PROPTEST_CASES` sets the number of files (default [`CASES`]);
//! `PROPTEST_RNG_SEED` the seed (default fixed, so that CI is repeatable);
//! `scripts/soak-differential` runs many thousands with a fresh seed.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use proptest::test_runner::{Config, RngSeed, TestCaseError, TestError, TestRunner};
use serde_json::Value as Json;

use crate::support::generate::{
    self, ALL_IN_ONE_VOLUMES, Address, Assign, Backing, Block, Deployment, File, Layout, Mount,
    Publish, ROLES, Value, VolumeStmt,
};
use crate::support::reference::reference;
use crate::support::tempdir::TempDir;
use crate::support::tool_server::{self, Ran, Server};
use crate::support::tools;

/// Files per normal run.
const CASES: u32 = 250;
/// The normal run's seed.
const SEED: u64 = 0x0_D1FF_2026;

// ---------------------------------------------------------------------------
// Known failures
// ---------------------------------------------------------------------------

/// A failure class that is known and not yet fixed.
pub struct Known {
    /// Short name.
    pub id: &'static str,
    /// Which tool rejects it, or how the environment differs.
    pub symptom: &'static str,
    /// A minimal file that shows it, as text: `build` renders to it.
    pub minimal: &'static str,
    /// The minimal file as data, which `every_known_failure_still_fails`
    /// runs through the tools.
    pub build: fn() -> File,
    /// Whether a generated deployment has the construct: the generator
    /// makes none that does.
    pub deployment: fn(&Deployment) -> bool,
    /// The same for what belongs to the file (its name).
    pub file: fn(&File) -> bool,
}

fn no_deployment(_: &Deployment) -> bool {
    false
}

fn no_file(_: &File) -> bool {
    false
}

/// A file named `k.onefront` holding one all-in-one deployment `one` with
/// its two required parameters, changed by `change`.
fn minimal(change: fn(&mut Deployment)) -> File {
    let assign = |param: &str| Assign {
        param: param.to_owned(),
        value: Value::Str("h".to_owned()),
    };
    let mut d = Deployment {
        name: "one".to_owned(),
        comment: None,
        image: None,
        layout: Layout::AllInOne,
        layout_written: false,
        bind: None,
        bind_ssh: None,
        restart: None,
        maintenance: None,
        env: vec![vec![
            assign("OPENNEBULA_FRONTEND_HOST"),
            assign("OPENNEBULA_FRONTEND_SSH_HOST"),
        ]],
        publish: Vec::new(),
        volumes: Vec::new(),
        mounts: Vec::new(),
        without: Vec::new(),
        external: Vec::new(),
        containers: Vec::new(),
        runtime: None,
        compose: None,
    };
    change(&mut d);
    File {
        name: "k.onefront".to_owned(),
        deployments: vec![d],
    }
}

/// The secret variables a deployment reads.
fn secret_names(d: &Deployment) -> impl Iterator<Item = String> + '_ {
    expected_secrets(d).into_iter()
}

/// The service a user's container block is for.
fn block_service(d: &Deployment, block: &str) -> Option<String> {
    d.expected_containers()
        .into_iter()
        .find(|(key, _)| key == block)
        .map(|(_, service)| service)
}

fn has_secret(d: &Deployment, named: fn(&str) -> bool) -> bool {
    secret_names(d).any(|var| named(&var))
}

fn every_volume(d: &Deployment) -> impl Iterator<Item = &VolumeStmt> {
    d.volumes
        .iter()
        .chain(d.containers.iter().flat_map(|b| b.volumes.iter()))
}

/// Whether two of a container's services would listen on one port, as the
/// source sets the ports (the published ones that move a listener too).
fn listeners_collide(d: &Deployment) -> bool {
    d.expected_containers().iter().any(|(key, service)| {
        let mut env: serde_json::Map<String, Json> = expected_env(d, key, service)
            .into_iter()
            .filter_map(|(k, v)| match v {
                Seen::Text(t) => Some((k, Json::String(t))),
                Seen::Ip(_) | Seen::Secret(_) => None,
            })
            .collect();
        for (role, param) in [
            ("sunstone.vnc", "SUNSTONE_VNC_PORT"),
            ("monitord", "MONITORD_PORT"),
        ] {
            let port = d.publish.iter().find_map(|(r, p)| match p {
                Publish::Port { port, .. } if *r == role => port.parse::<u16>().ok(),
                _ => None,
            });
            if let Some(port) = port {
                env.insert(param.to_owned(), Json::String(port.to_string()));
            }
        }
        listening(service, &env).values().any(|n| *n > 1)
    })
}

/// Where a container of the layout mounts its volumes.
fn layout_targets(d: &Deployment, service: &str) -> Vec<String> {
    if d.layout == Layout::AllInOne {
        return ALL_IN_ONE_TARGETS.iter().map(|s| (*s).to_owned()).collect();
    }
    let mut targets: Vec<String> = reference()
        .volumes
        .iter()
        .filter(|v| v.name != "-" && v.used_by.iter().any(|s| s == service))
        .map(|v| v.path.clone())
        .collect();
    if service == "sshd" {
        // sshd mounts the copyback volume at oneadmin's SSH directory.
        targets.push("/var/lib/one/.ssh".to_owned());
    }
    targets.sort();
    targets.dedup();
    targets
}

/// The all-in-one container's volume targets (docs/language.md).
const ALL_IN_ONE_TARGETS: &[&str] = &[
    "/var/lib/mysql",
    "/var/lib/one/datastores",
    "/srv/one",
    "/var/lib/one/.one",
    "/var/lib/one/.ssh",
    "/var/lib/one/.ssh-oneprovision",
    "/var/log",
];

/// Whether two mounts of one container land on one target: a `mount` on a
/// volume's target, or two `mount`s (the deployment's and the container's
/// too) on one.
fn mounts_collide(d: &Deployment) -> bool {
    d.expected_containers().iter().any(|(key, service)| {
        let mut targets = layout_targets(d, service);
        targets.extend(d.mounts.iter().map(|m| m.target.clone()));
        if let Some(block) = d.block(key) {
            targets.extend(block.mounts.iter().map(|m| m.target.clone()));
        }
        let count = targets.len();
        targets.sort();
        targets.dedup();
        targets.len() != count
    })
}

const LINE_BREAKS: &[char] = &['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'];

/// The known failures, each with its minimal file; see the module
/// documentation.
pub const KNOWN: &[Known] = &[
    Known {
        id: "image-not-pullable",
        symptom: "Compose `config` accepts an image reference that Docker and Podman refuse at pull time (upper case in the repository, `x:y:z`, `a//b:c`, `one-:1`, a tag starting with `.` or `-`)",
        minimal: "onefront 5.13\n\ndeployment one {\n  image \"OpenNebula:5.13\"\n  env {\n    OPENNEBULA_FRONTEND_HOST = \"h\"\n    OPENNEBULA_FRONTEND_SSH_HOST = \"h\"\n  }\n}\n",
        build: || minimal(|d| d.image = Some("OpenNebula:5.13".to_owned())),
        deployment: |d| {
            d.image
                .as_deref()
                .is_some_and(|i| image_reference_error(i).is_some())
        },
        file: no_file,
    },
    Known {
        id: "secret-named-like-a-tool-variable",
        symptom: "a secret named like a variable Compose or podman-compose reads itself (`COMPOSE_PROJECT_NAME`, `COMPOSE_FILE`, `PATH`, ...): the tool takes it over, or fills it itself and never asks for it",
        minimal: "onefront 5.13\n\ndeployment one {\n  env {\n    OPENNEBULA_FRONTEND_HOST = \"h\"\n    OPENNEBULA_FRONTEND_SSH_HOST = \"h\"\n    ONEADMIN_PASSWORD = secret(\"COMPOSE_PROJECT_NAME\")\n  }\n}\n",
        build: || {
            minimal(|d| {
                d.env[0].push(Assign {
                    param: "ONEADMIN_PASSWORD".to_owned(),
                    value: Value::Secret(Some("COMPOSE_PROJECT_NAME".to_owned())),
                });
            })
        },
        deployment: |d| {
            has_secret(d, |v| {
                v.starts_with("COMPOSE_")
                    || v.starts_with("PODMAN_")
                    || v.starts_with("DOCKER_")
                    || v == "PATH"
            })
        },
        file: no_file,
    },
    Known {
        id: "secret-named-like-an-env-file-key",
        symptom: "a secret named like a key of `.env` (`DEPLOY_BIND_ADDR`): Compose fills it from `.env`, so it never fails when the secret is missing",
        minimal: "onefront 5.13\n\ndeployment one {\n  env {\n    OPENNEBULA_FRONTEND_HOST = \"h\"\n    OPENNEBULA_FRONTEND_SSH_HOST = \"h\"\n    ONEADMIN_PASSWORD = secret(\"DEPLOY_BIND_ADDR\")\n  }\n}\n",
        build: || {
            minimal(|d| {
                d.env[0].push(Assign {
                    param: "ONEADMIN_PASSWORD".to_owned(),
                    value: Value::Secret(Some("DEPLOY_BIND_ADDR".to_owned())),
                });
            })
        },
        deployment: |d| has_secret(d, |v| v.starts_with("DEPLOY_")),
        file: no_file,
    },
    Known {
        id: "secret-named-like-a-shell-variable",
        symptom: "a secret named like a variable every shell has (`HOME`, `USER`, `PWD`): Compose fills it from the shell, so it never fails when the secret is missing",
        minimal: "onefront 5.13\n\ndeployment one {\n  env {\n    OPENNEBULA_FRONTEND_HOST = \"h\"\n    OPENNEBULA_FRONTEND_SSH_HOST = \"h\"\n    ONEADMIN_PASSWORD = secret(\"HOME\")\n  }\n}\n",
        build: || {
            minimal(|d| {
                d.env[0].push(Assign {
                    param: "ONEADMIN_PASSWORD".to_owned(),
                    value: Value::Secret(Some("HOME".to_owned())),
                });
            })
        },
        deployment: |d| has_secret(d, |v| shell_env(Path::new("/")).contains_key(v)),
        file: no_file,
    },
    Known {
        id: "two-listeners-on-one-port",
        symptom: "two services of one container end up on one container port (`publish sunstone.vnc 80` next to Sunstone's HTTP port 80; `MYSQL_PORT = 4124` next to monitord in all-in-one): Compose accepts it, one of them cannot listen",
        minimal: "onefront 5.13\n\ndeployment one {\n  env {\n    OPENNEBULA_FRONTEND_HOST = \"h\"\n    OPENNEBULA_FRONTEND_SSH_HOST = \"h\"\n  }\n  publish sunstone.http 8080\n  publish sunstone.vnc 80\n}\n",
        build: || {
            minimal(|d| {
                d.publish.push((
                    "sunstone.http",
                    Publish::Port {
                        address: None,
                        port: "8080".to_owned(),
                        from: None,
                    },
                ));
                d.publish.push((
                    "sunstone.vnc",
                    Publish::Port {
                        address: None,
                        port: "80".to_owned(),
                        from: None,
                    },
                ));
            })
        },
        deployment: listeners_collide,
        file: no_file,
    },
    Known {
        id: "line-break-in-source-name",
        symptom: "a source file name with a line break is pasted into every generated header: the line after it is no comment any more",
        minimal: "# compile as \"x\\ny.onefront\"\nonefront 5.13\n\ndeployment one {\n  env {\n    OPENNEBULA_FRONTEND_HOST = \"h\"\n    OPENNEBULA_FRONTEND_SSH_HOST = \"h\"\n  }\n}\n",
        build: || {
            let mut file = minimal(|_| {});
            "x\ny.onefront".clone_into(&mut file.name);
            file
        },
        deployment: no_deployment,
        file: |f| f.name.contains(LINE_BREAKS),
    },
    Known {
        id: "control-character-in-source-name",
        symptom: "a source file name with a control character is pasted into every generated header: YAML readers refuse the compose file (`control characters are not allowed`)",
        minimal: "# compile as \"x\\u{1b}y.onefront\"\nonefront 5.13\n\ndeployment one {\n  env {\n    OPENNEBULA_FRONTEND_HOST = \"h\"\n    OPENNEBULA_FRONTEND_SSH_HOST = \"h\"\n  }\n}\n",
        build: || {
            let mut file = minimal(|_| {});
            "x\u{1b}y.onefront".clone_into(&mut file.name);
            file
        },
        deployment: no_deployment,
        file: |f| {
            f.name
                .chars()
                .any(|c| c.is_control() && !LINE_BREAKS.contains(&c))
        },
    },
    Known {
        id: "mount-on-a-taken-target",
        symptom: "a `mount` on the target of a volume or of another `mount` of the container (the deployment's or its own): the compose file holds two mounts on one target; docker-compose v1 rejects it (`Duplicate mount points`), Compose v2 silently keeps only the last",
        minimal: "onefront 5.13\n\ndeployment one {\n  env {\n    OPENNEBULA_FRONTEND_HOST = \"h\"\n    OPENNEBULA_FRONTEND_SSH_HOST = \"h\"\n  }\n  mount /a at /srv/one\n}\n",
        build: || {
            minimal(|d| {
                d.mounts.push(Mount {
                    host: "/a".to_owned(),
                    target: "/srv/one".to_owned(),
                    readonly: false,
                });
            })
        },
        deployment: mounts_collide,
        file: no_file,
    },
    Known {
        id: "anonymous-volume-under-podman",
        symptom: "podman-compose 1.6.0 fails on an anonymous volume (`type: volume` without `source`): KeyError: 'source'",
        minimal: "onefront 5.13\n\ndeployment one {\n  runtime podman\n  env {\n    OPENNEBULA_FRONTEND_HOST = \"h\"\n    OPENNEBULA_FRONTEND_SSH_HOST = \"h\"\n  }\n  volume opennebula_logs anonymous\n}\n",
        build: || {
            minimal(|d| {
                d.runtime = Some(("podman", false));
                d.volumes.push(VolumeStmt {
                    name: "opennebula_logs".to_owned(),
                    backing: Backing::Anonymous,
                });
            })
        },
        deployment: |d| d.is_podman() && every_volume(d).any(|v| v.backing == Backing::Anonymous),
        file: no_file,
    },
    Known {
        id: "container-volume-renames-it-everywhere",
        symptom: "`volume X named \"n\"` in a container that does not mount X names X `n` for the whole deployment",
        minimal: "onefront 5.13\n\ndeployment one {\n  layout reference\n  env {\n    OPENNEBULA_FRONTEND_HOST = \"h\"\n    OPENNEBULA_FRONTEND_SSH_HOST = \"h\"\n    MYSQL_PASSWORD = \"p\"\n  }\n  container opennebula-guacd {\n    volume opennebula_mysql named \"n\"\n  }\n}\n",
        build: || {
            minimal(|d| {
                d.layout = Layout::Reference;
                d.layout_written = true;
                d.env[0].push(Assign {
                    param: "MYSQL_PASSWORD".to_owned(),
                    value: Value::Str("p".to_owned()),
                });
                d.containers.push(Block {
                    name: "opennebula-guacd".to_owned(),
                    runs: None,
                    env: Vec::new(),
                    volumes: vec![VolumeStmt {
                        name: "opennebula_mysql".to_owned(),
                        backing: Backing::Named(Some("n".to_owned())),
                    }],
                    mounts: Vec::new(),
                    privileged: None,
                    capabilities: None,
                });
            })
        },
        deployment: |d| {
            d.containers.iter().any(|b| {
                let service = block_service(d, &b.name).unwrap_or_default();
                b.volumes.iter().any(|v| {
                    matches!(v.backing, Backing::Named(Some(_)))
                        && !mounts_volume(d, &service, &v.name)
                })
            })
        },
        file: no_file,
    },
    Known {
        id: "container-named-volume-ignored",
        symptom: "a container's `volume X named [\"n\"]` next to a deployment-level `volume X ...` is ignored: the container keeps the deployment's name, or, next to `bind`, gets neither the bind nor the name (the default named volume)",
        minimal: "onefront 5.13\n\ndeployment one {\n  env {\n    OPENNEBULA_FRONTEND_HOST = \"h\"\n    OPENNEBULA_FRONTEND_SSH_HOST = \"h\"\n  }\n  volume opennebula_oneadmin_auth bind /h\n  container opennebula {\n    volume opennebula_oneadmin_auth named \"n\"\n  }\n}\n",
        build: || {
            minimal(|d| {
                d.volumes.push(VolumeStmt {
                    name: "opennebula_oneadmin_auth".to_owned(),
                    backing: Backing::Bind("/h".to_owned(), false),
                });
                d.containers.push(Block {
                    name: "opennebula".to_owned(),
                    runs: None,
                    env: Vec::new(),
                    volumes: vec![VolumeStmt {
                        name: "opennebula_oneadmin_auth".to_owned(),
                        backing: Backing::Named(Some("n".to_owned())),
                    }],
                    mounts: Vec::new(),
                    privileged: None,
                    capabilities: None,
                });
            })
        },
        deployment: |d| {
            d.containers.iter().any(|b| {
                b.volumes.iter().any(|v| {
                    matches!(v.backing, Backing::Named(_))
                        && d.volumes.iter().any(|w| w.name == v.name)
                })
            })
        },
        file: no_file,
    },
    Known {
        id: "one-character-deployment-name",
        symptom: "a one-container deployment (all-in-one, or custom with one block) named with one character: its container_name is that name, and Compose wants two characters",
        minimal: "onefront 5.13\n\ndeployment a {\n  env {\n    OPENNEBULA_FRONTEND_HOST = \"h\"\n    OPENNEBULA_FRONTEND_SSH_HOST = \"h\"\n  }\n}\n",
        build: || minimal(|d| "a".clone_into(&mut d.name)),
        deployment: |d| d.expected_containers().len() == 1 && d.name.chars().count() == 1,
        file: no_file,
    },
];

fn keep_deployment(d: &Deployment) -> bool {
    !KNOWN.iter().any(|k| (k.deployment)(d))
}

fn keep_file(f: &File) -> bool {
    !KNOWN.iter().any(|k| (k.file)(f))
}

/// A known failure's file as text, with the name to compile it under when
/// that matters.
fn known_text(file: &File) -> String {
    if file.name == "k.onefront" {
        file.to_string()
    } else {
        format!("# compile as {:?}\n{file}", file.name)
    }
}

/// Each entry of [`KNOWN`]: its text is its file, its predicate matches
/// its file, and the file still fails (when it passes, the bug is fixed:
/// delete the entry, and the generator makes such files again).
#[test]
fn every_known_failure_still_fails() {
    let stats = Stats::default();
    for known in KNOWN {
        let file = (known.build)();
        assert_eq!(
            known_text(&file),
            known.minimal,
            "{}: text and file differ",
            known.id
        );
        assert!(
            (known.file)(&file) || file.deployments.iter().any(known.deployment),
            "{}: the predicate does not match the minimal file",
            known.id
        );
        let checked = onefront::check(&file.name, &file.to_string());
        assert!(
            !checked.has_errors(),
            "{}: onefront rejects it now: {:?}",
            known.id,
            checked.diagnostics
        );
        match check_file(&file, &stats) {
            Ok(()) => panic!("{}: passes now; delete it from KNOWN", known.id),
            Err(e) => eprintln!("known {} ({}):\n{e}\n", known.id, known.symptom),
        }
    }
}

// ---------------------------------------------------------------------------
// The runner
// ---------------------------------------------------------------------------

#[derive(Default)]
struct Stats {
    files: AtomicUsize,
    compiled: AtomicUsize,
    deployments: AtomicUsize,
    tool_runs: AtomicUsize,
    rejected: Mutex<BTreeMap<String, usize>>,
    /// For each code, the shortest rejected file and its message.
    rejected_example: Mutex<BTreeMap<String, String>>,
}

fn config() -> Config {
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = CASES;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(SEED);
    }
    config.failure_persistence = None;
    config.max_global_rejects = 100_000;
    config.max_shrink_iters = 4_000;
    config.max_shrink_time = 120_000;
    config
}

#[test]
fn accepted_means_it_runs() {
    let start = Instant::now();
    let stats = Stats::default();
    let mut runner = TestRunner::new(config());
    let cases = runner.config().cases;
    let survey = std::env::var_os("DIFFERENTIAL_SURVEY").is_some();
    let found: Mutex<BTreeMap<String, (usize, String)>> = Mutex::new(BTreeMap::new());
    let result = runner.run(&generate::file(keep_deployment, keep_file), |file| {
        let checked = check_file(&file, &stats);
        match checked {
            Err(e) if survey => {
                record(&found, &file, &e.to_string());
                Ok(())
            }
            other => other,
        }
    });
    let files = stats.files.load(Ordering::Relaxed);
    let compiled = stats.compiled.load(Ordering::Relaxed);
    eprintln!(
        "differential: {cases} cases, {files} files tried, {compiled} compiled, {} deployments, {} tool runs, {:.1?}; rejected by onefront: {:?}",
        stats.deployments.load(Ordering::Relaxed),
        stats.tool_runs.load(Ordering::Relaxed),
        start.elapsed(),
        stats.rejected.lock().unwrap(),
    );
    if survey {
        for (code, example) in stats.rejected_example.lock().unwrap().iter() {
            eprintln!("rejected: {code}: {example}");
        }
    }
    let found = found.into_inner().unwrap();
    for (signature, (count, example)) in &found {
        eprintln!("survey: {count} files: {signature}\n{example}\n");
    }
    assert!(
        found.is_empty(),
        "the survey found {} kinds of failure",
        found.len()
    );
    match result {
        Ok(()) => {}
        Err(TestError::Fail(reason, file)) => {
            panic!("{reason}\n\nminimal file (name {:?}):\n{file}", file.name)
        }
        Err(TestError::Abort(reason)) => panic!("aborted: {reason}"),
    }
    // A generator whose files onefront mostly rejects tests nothing.
    assert!(
        compiled * 2 >= files,
        "only {compiled} of {files} generated files compiled: the generator drifted from the language"
    );
}

/// Survey mode (`DIFFERENTIAL_SURVEY=1`, for soaks): instead of stopping at
/// the first failure and shrinking it, counts failures by the shape of
/// each problem (names, numbers and quoted text blanked) and keeps the
/// shortest file of each.
fn record(found: &Mutex<BTreeMap<String, (usize, String)>>, file: &File, problems: &str) {
    let text = format!("(name {:?})\n{file}", file.name);
    let mut found = found.lock().unwrap();
    for line in problems.lines().filter(|l| !l.trim().is_empty()) {
        let entry = found.entry(signature(line)).or_insert((0, text.clone()));
        entry.0 += 1;
        if text.len() < entry.1.len() {
            entry.1.clone_from(&text);
        }
    }
}

fn signature(line: &str) -> String {
    let mut out = String::new();
    let mut quote = None;
    for c in line.chars().take(160) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if matches!(c, '`' | '"') => {
                quote = Some(c);
                out.push('_');
            }
            None if c.is_ascii_digit() => {
                if !out.ends_with('#') {
                    out.push('#');
                }
            }
            None => out.push(c),
        }
    }
    out
}

/// Feeds one file through onefront and the tools; `Err` names every problem.
fn check_file(file: &File, stats: &Stats) -> Result<(), TestCaseError> {
    stats.files.fetch_add(1, Ordering::Relaxed);
    let text = file.to_string();
    let checked = onefront::check(&file.name, &text);
    if checked.has_errors() {
        let mut rejected = stats.rejected.lock().unwrap();
        let mut examples = stats.rejected_example.lock().unwrap();
        for d in checked.diagnostics.iter().filter(|d| d.is_error()) {
            *rejected.entry(d.code_text()).or_default() += 1;
            let example = format!("{d}\n{text}");
            let key = format!("{} {}", d.code_text(), signature(&d.to_string()));
            let slot = examples.entry(key).or_insert_with(|| example.clone());
            if example.len() < slot.len() {
                *slot = example;
            }
        }
        return Ok(());
    }
    stats.compiled.fetch_add(1, Ordering::Relaxed);
    let (artifacts, _) = onefront::compile(&file.name, &text)
        .map_err(|e| TestCaseError::fail(format!("check passed but compile failed: {e:?}")))?;
    let dir = TempDir::new();
    onefront::output::write(dir.path(), &artifacts, false)
        .map_err(|e| TestCaseError::fail(format!("writing the artifacts: {e:?}")))?;
    let mut problems = Vec::new();
    std::thread::scope(|scope| {
        let runs: Vec<_> = file
            .deployments
            .iter()
            .map(|d| {
                let folder = dir.std_path().join(&d.name);
                scope.spawn(move || check_deployment(d, &folder, stats))
            })
            .collect();
        for run in runs {
            problems.extend(run.join().unwrap());
        }
    });
    stats
        .deployments
        .fetch_add(file.deployments.len(), Ordering::Relaxed);
    problems.extend(systemd_problems(file, dir.std_path()));
    if problems.is_empty() {
        Ok(())
    } else {
        Err(TestCaseError::fail(problems.join("\n")))
    }
}

// ---------------------------------------------------------------------------
// Running the tools
// ---------------------------------------------------------------------------

static V1_SERVER: Mutex<Option<Server>> = Mutex::new(None);
static PODMAN_SERVER: Mutex<Option<Server>> = Mutex::new(None);

/// Which program reads a deployment's compose file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tool {
    V2,
    V1,
    Podman,
}

impl Tool {
    fn of(d: &Deployment) -> Tool {
        if d.is_podman() {
            Tool::Podman
        } else if d.is_compose_v1() {
            Tool::V1
        } else {
            Tool::V2
        }
    }
}

/// The environment of a shell in `folder`, without any secret.
fn shell_env(folder: &Path) -> BTreeMap<String, String> {
    [
        ("PATH", std::env::var("PATH").unwrap_or_default()),
        ("HOME", "/root".to_owned()),
        ("USER", "root".to_owned()),
        ("LOGNAME", "root".to_owned()),
        ("SHELL", "/bin/sh".to_owned()),
        ("LANG", "C.UTF-8".to_owned()),
        ("PWD", folder.display().to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// The value the test gives secret `var`: one of the type of the first
/// parameter that reads it (a user puts a bool in a bool's secret), else
/// text naming it.
fn secret_value(d: &Deployment, var: &str) -> String {
    let param = d.all_assignments().find_map(|a| match &a.value {
        Value::Secret(v) if v.as_deref().unwrap_or(&a.param) == var => Some(a.param.as_str()),
        _ => None,
    });
    match param
        .and_then(|p| reference().params.get(p))
        .map(|p| p.kind.as_str())
    {
        Some("bool") => "yes".to_owned(),
        Some("port" | "uint") => "31337".to_owned(),
        _ => format!("value-of-{var}"),
    }
}

/// The unit's `ExecStart=` with `up ...` replaced by `config`, the install
/// folder by `folder`: (program words, arguments).
fn unit_command(folder: &Path, name: &str) -> Result<(Vec<String>, Vec<String>), String> {
    let unit = std::fs::read_to_string(folder.join(format!("onefront-{name}.service")))
        .map_err(|e| format!("no unit: {e}"))?;
    let value = |key: &str| {
        unit.lines()
            .find_map(|l| l.strip_prefix(key))
            .map(str::to_owned)
            .ok_or_else(|| format!("the unit has no {key}"))
    };
    let install = value("WorkingDirectory=")?;
    let exec = value("ExecStart=")?;
    let words: Vec<String> = exec
        .split_whitespace()
        .map(|w| w.replace(&install, &folder.display().to_string()))
        .collect();
    let up = words
        .iter()
        .position(|w| w == "up")
        .ok_or_else(|| format!("ExecStart has no `up`: {exec}"))?;
    let program_len = if words[0] == "docker" { 2 } else { 1 };
    Ok((
        words[..program_len].to_vec(),
        words[program_len..up].to_vec(),
    ))
}

/// Runs `tool` as the unit would, with `config` instead of `up`.
fn run_tool(tool: Tool, folder: &Path, args: &[String], env: &BTreeMap<String, String>) -> Ran {
    let mut args = args.to_vec();
    args.push("config".to_owned());
    match tool {
        Tool::V2 => {
            args.extend(["--format".to_owned(), "json".to_owned()]);
            let output = std::process::Command::new(tools::docker_compose())
                .args(&args)
                .current_dir(folder)
                .env_clear()
                .envs(env)
                .output()
                .unwrap();
            Ran {
                code: output.status.code().unwrap_or(-1),
                stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            }
        }
        Tool::V1 => {
            let script = tools::docker_compose_v1();
            let mut server = tool_server::server(&V1_SERVER, &script, &["compose.cli.main"]);
            server.as_mut().unwrap().run(&script, &args, folder, env)
        }
        Tool::Podman => {
            let script = tools::podman_compose();
            let mut server = tool_server::server(&PODMAN_SERVER, &script, &["podman_compose"]);
            server.as_mut().unwrap().run(&script, &args, folder, env)
        }
    }
}

/// YAML output of a tool, read by PyYAML; JSON output as it is.
fn parse_output(tool: Tool, folder: &Path, stdout: &str) -> Result<Json, String> {
    if tool == Tool::V2 {
        return serde_json::from_str(stdout).map_err(|e| format!("not JSON: {e}"));
    }
    let file = folder.join(".config-output.yml");
    std::fs::write(&file, stdout).unwrap();
    yaml(&file)
}

fn yaml(file: &Path) -> Result<Json, String> {
    let script = tools::podman_compose();
    let mut server = tool_server::server(&PODMAN_SERVER, &script, &["podman_compose"]);
    server.as_mut().unwrap().yaml(file)
}

/// The secret a tool's error asks for, as onefront words the guard:
/// `secret VAR [(for PARAM)] is not set in the environment`.
fn asked_secret(stderr: &str) -> Option<String> {
    // The last: docker-compose v1 first prints every guard of the service.
    stderr
        .match_indices("secret ")
        .filter_map(|(i, _)| {
            let rest = &stderr[i + "secret ".len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let (var, mut tail) = rest.split_at(end);
            if let Some(after) = tail.strip_prefix(" (for ") {
                tail = after.split_once(')').map_or("", |(_, t)| t);
            }
            (!var.is_empty() && tail.starts_with(" is not set in the environment"))
                .then(|| var.to_owned())
        })
        .last()
}

/// Runs the deployment's own tool with the secrets given one at a time, as
/// it asks for them. Returns its configuration, or the problems.
fn run_with_secrets(
    d: &Deployment,
    folder: &Path,
    tool: Tool,
    args: &[String],
    secrets: &BTreeSet<String>,
    stats: &Stats,
) -> Result<Json, Vec<String>> {
    let mut env = shell_env(folder);
    let mut asked = BTreeSet::new();
    let ran = loop {
        stats.tool_runs.fetch_add(1, Ordering::Relaxed);
        let ran = run_tool(tool, folder, args, &env);
        if ran.ok() {
            break ran;
        }
        match asked_secret(&ran.stderr) {
            Some(var) if asked.insert(var.clone()) => {
                env.insert(var.clone(), secret_value(d, &var));
            }
            _ => {
                return Err(vec![format!(
                    "{tool:?} rejects deployment `{}` (exit {}): {}",
                    d.name,
                    ran.code,
                    last_lines(&ran.stderr)
                )]);
            }
        }
    };
    let mut problems = Vec::new();
    for var in secrets.difference(&asked) {
        problems.push(format!(
            "{tool:?} never asked for secret `{var}` of deployment `{}`: it fills it from elsewhere, so a missing secret goes unnoticed",
            d.name
        ));
    }
    for var in asked.difference(secrets) {
        problems.push(format!(
            "{tool:?} asked for `{var}`, which deployment `{}` does not read as a secret",
            d.name
        ));
    }
    match parse_output(tool, folder, &ran.stdout) {
        Ok(config) if problems.is_empty() => Ok(config),
        Ok(_) => Err(problems),
        Err(e) => {
            problems.push(format!("{tool:?} config output of `{}`: {e}", d.name));
            Err(problems)
        }
    }
}

fn last_lines(text: &str) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(4)..].join(" | ")
}

/// The secrets `secrets.env.template` lists.
fn template_secrets(folder: &Path) -> BTreeSet<String> {
    std::fs::read_to_string(folder.join("secrets.env.template"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.strip_suffix('='))
        .map(str::to_owned)
        .collect()
}

/// All checks of one deployment folder.
fn check_deployment(d: &Deployment, folder: &Path, stats: &Stats) -> Vec<String> {
    let mut problems = Vec::new();
    let tool = Tool::of(d);
    let secrets = template_secrets(folder);
    let expected_secrets = expected_secrets(d);
    if !secrets.is_subset(&expected_secrets) {
        problems.push(format!(
            "`{}`: secrets.env.template lists {secrets:?}, the source reads {expected_secrets:?}",
            d.name
        ));
    }
    let (_, args) = match unit_command(folder, &d.name) {
        Ok(command) => command,
        Err(e) => return vec![format!("`{}`: {e}", d.name)],
    };
    let own = run_with_secrets(d, folder, tool, &args, &secrets, stats);
    let v2_config = match (tool, own) {
        (Tool::V2, Ok(config)) => Some(config),
        (_, Err(found)) => {
            problems.extend(found);
            None
        }
        (_, Ok(config)) => {
            problems.extend(environment_problems(d, tool, &config));
            None
        }
    };
    // The structure, through Docker Compose v2 in every case.
    let v2_config = v2_config.or_else(|| {
        let mut env = shell_env(folder);
        env.extend(secrets.iter().map(|s| (s.clone(), secret_value(d, s))));
        stats.tool_runs.fetch_add(1, Ordering::Relaxed);
        let args = vec![
            "--project-directory".to_owned(),
            folder.display().to_string(),
        ];
        let ran = run_tool(Tool::V2, folder, &args, &env);
        if !ran.ok() {
            if tool != Tool::V2 {
                problems.push(format!(
                    "Compose v2 rejects deployment `{}` (exit {}): {}",
                    d.name,
                    ran.code,
                    last_lines(&ran.stderr)
                ));
            }
            return None;
        }
        serde_json::from_str(&ran.stdout)
            .map_err(|e| problems.push(format!("Compose v2 printed no JSON: {e}")))
            .ok()
    });
    if let Some(config) = v2_config {
        problems.extend(structure_problems(d, &config));
    }
    problems.extend(yaml_problems(d, &folder.join("docker-compose.yml")));
    problems
}

// ---------------------------------------------------------------------------
// Oracles
// ---------------------------------------------------------------------------

/// Every secret variable the source names.
fn expected_secrets(d: &Deployment) -> BTreeSet<String> {
    d.all_assignments()
        .filter_map(|a| match &a.value {
            Value::Secret(var) => Some(var.clone().unwrap_or_else(|| a.param.clone())),
            _ => None,
        })
        .collect()
}

/// What a container sees for a value: text, or an address to compare as one.
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    Text(String),
    Ip(IpAddr),
    /// The value of this secret variable.
    Secret(String),
}

fn seen(param: &str, value: &Value) -> Seen {
    match value {
        Value::Str(s) | Value::Word(s) | Value::Path(s) => Seen::Text(s.clone()),
        // The language writes its boolean words as `yes` and `no`.
        Value::Bool(s) => Seen::Text(
            if matches!(*s, "yes" | "true") {
                "yes"
            } else {
                "no"
            }
            .to_owned(),
        ),
        Value::Int(digits) => {
            let trimmed = digits.trim_start_matches('0');
            Seen::Text(if trimmed.is_empty() { "0" } else { trimmed }.to_owned())
        }
        Value::Address(a) => Seen::Ip(a.ip),
        Value::List(items, _) => Seen::Text(items.join(" ")),
        Value::Secret(var) => Seen::Secret(var.clone().unwrap_or_else(|| param.to_owned())),
    }
}

/// How a tool prints a value the container gets: Compose (v1 and v2)
/// doubles `$` in `config` output, podman-compose prints it as it is.
fn printed(tool: Tool, text: &str) -> String {
    match tool {
        Tool::Podman => text.to_owned(),
        Tool::V2 | Tool::V1 => text.replace('$', "$$"),
    }
}

/// Parameters the compiler sets that the source need not mention.
fn derived(param: &str) -> bool {
    matches!(
        param,
        "OPENNEBULA_FRONTEND_SERVICE"
            | "SUNSTONE_PORT"
            | "SUNSTONE_TLS_PORT"
            | "SUNSTONE_VNC_PORT"
            | "ONEGATE_PORT"
            | "MONITORD_PORT"
            | "DIND_ENABLED"
            | "DIND_TCP_ENABLED"
            | "MAINTENANCE_MODE"
    ) || reference()
        .params
        .get(param)
        .is_some_and(|p| p.locates.is_some())
}

/// The environment the source gives a container running `service`, with
/// the derived values that are predictable.
fn expected_env(d: &Deployment, key: &str, service: &str) -> BTreeMap<String, Seen> {
    let params = &reference().params;
    let reads = |param: &str| params.get(param).is_some_and(|p| p.read_by(service));
    let mut env = BTreeMap::new();
    if service != "all" {
        env.insert(
            "OPENNEBULA_FRONTEND_SERVICE".to_owned(),
            Seen::Text(service.to_owned()),
        );
    }
    if d.maintenance == Some(true) {
        env.insert("MAINTENANCE_MODE".to_owned(), Seen::Text("yes".to_owned()));
    }
    if d.layout != Layout::AllInOne {
        let running: BTreeMap<String, String> = d
            .expected_containers()
            .into_iter()
            .map(|(k, s)| (s, k))
            .collect();
        for p in params.values().filter(|p| p.read_by(service)) {
            let Some(located) = p.locates.as_ref().filter(|l| *l != service) else {
                continue;
            };
            if let Some((_, host)) = d.external.iter().find(|(s, _)| s == located) {
                env.insert(p.name.clone(), seen(&p.name, host));
            } else if let Some(container) = running.get(located) {
                env.insert(p.name.clone(), Seen::Text(container.clone()));
            }
        }
    }
    for a in d.assignments().filter(|a| reads(&a.param)) {
        env.insert(a.param.clone(), seen(&a.param, &a.value));
    }
    if let Some(block) = d.block(key) {
        for a in block.env.iter().filter(|a| reads(&a.param)) {
            env.insert(a.param.clone(), seen(&a.param, &a.value));
        }
    }
    env
}

/// Each container's environment in a tool's configuration against the source.
fn environment_problems(d: &Deployment, tool: Tool, config: &Json) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(services) = config["services"].as_object() else {
        return vec![format!("{tool:?}: `{}` has no services", d.name)];
    };
    let expected = d.expected_containers();
    let keys: BTreeSet<&String> = services.keys().collect();
    let want: BTreeSet<&String> = expected.iter().map(|(k, _)| k).collect();
    if keys != want {
        problems.push(format!(
            "{tool:?}: `{}` has containers {keys:?}, the source asks for {want:?}",
            d.name
        ));
    }
    for (key, service) in &expected {
        let Some(actual) = services.get(key) else {
            continue;
        };
        let actual = actual["environment"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let expected = expected_env(d, key, service);
        for (param, value) in &expected {
            let got = actual.get(param).and_then(Json::as_str);
            let same = match (value, got) {
                // docker-compose v1 prints these line breaks raw inside
                // single-quoted scalars, where a YAML reader folds them:
                // its `config` output cannot show them (Compose v2 checks them).
                (Seen::Text(want), Some(_))
                    if tool == Tool::V1 && want.contains(['\u{85}', '\u{2028}', '\u{2029}']) =>
                {
                    true
                }
                (Seen::Text(want), Some(got)) => printed(tool, want) == got,
                (Seen::Secret(var), Some(got)) => secret_value(d, var) == got,
                (Seen::Ip(want), Some(got)) => got
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<IpAddr>()
                    .is_ok_and(|ip| ip == *want),
                (_, None) => false,
            };
            if !same {
                problems.push(format!(
                    "{tool:?}: `{}` container `{key}` ({service}) has {param}={got:?}, the source says {value:?}",
                    d.name
                ));
            }
        }
        for (param, got) in &actual {
            if !expected.contains_key(param) && !derived(param) {
                problems.push(format!(
                    "{tool:?}: `{}` container `{key}` ({service}) has {param}={got}, which the source does not give it",
                    d.name
                ));
            }
        }
    }
    problems
}

/// Whether Docker and Podman can pull `image`: the distribution
/// `reference` grammar (docker/distribution, with the normalisation of
/// `ParseNormalizedNamed`).
pub fn image_reference_error(image: &str) -> Option<String> {
    fn alnum(s: &str) -> bool {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    }
    fn path_component(c: &str) -> bool {
        // alnum (separator alnum)*, separator = [._] | __ | -+
        let mut rest = c;
        let Some(end) = rest.find(|ch: char| !(ch.is_ascii_lowercase() || ch.is_ascii_digit()))
        else {
            return alnum(rest);
        };
        if !alnum(&rest[..end]) {
            return false;
        }
        rest = &rest[end..];
        let sep_len = if rest.starts_with("__") {
            2
        } else if rest.starts_with(['.', '_']) {
            1
        } else {
            rest.len() - rest.trim_start_matches('-').len()
        };
        sep_len > 0 && path_component(&rest[sep_len..])
    }
    // host[:port], host a dotted DNS name or a bracketed IPv6 address.
    fn domain(d: &str) -> bool {
        let label = |l: &str| {
            !l.is_empty()
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        };
        let (host_ok, port) = if let Some(rest) = d.strip_prefix('[') {
            let Some((ip, after)) = rest.split_once(']') else {
                return false;
            };
            let port = match after {
                "" => None,
                after => match after.strip_prefix(':') {
                    Some(port) => Some(port),
                    None => return false,
                },
            };
            let ip_ok = !ip.is_empty() && ip.bytes().all(|b| b.is_ascii_hexdigit() || b == b':');
            (ip_ok, port)
        } else {
            let (host, port) = match d.split_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (d, None),
            };
            (host.split('.').all(label), port)
        };
        host_ok && port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    }
    let last_slash = image.rfind('/');
    let (name, tag) = match image.rfind(':') {
        Some(i) if last_slash.is_none_or(|s| i > s) => (&image[..i], Some(&image[i + 1..])),
        _ => (image, None),
    };
    if let Some(tag) = tag {
        let ok = tag.len() <= 128
            && tag
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            && tag
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !ok {
            return Some(format!("bad tag {tag:?}"));
        }
    }
    if name.len() > 255 {
        return Some("name longer than 255".to_owned());
    }
    let (host, remote) = match name.split_once('/') {
        Some((first, rest))
            if first.contains(['.', ':'])
                || first == "localhost"
                || first.to_lowercase() != first =>
        {
            (Some(first), rest)
        }
        _ => (None, name),
    };
    if host.is_some_and(|h| !domain(h)) {
        return Some(format!("bad domain {:?}", host.unwrap_or_default()));
    }
    if remote.to_lowercase() != remote {
        return Some("repository name must be lowercase".to_owned());
    }
    if !remote.split('/').all(path_component) {
        return Some(format!("bad repository path {remote:?}"));
    }
    None
}

/// Where a container's services listen: (port, protocol) -> how many.
fn listening(service: &str, env: &serde_json::Map<String, Json>) -> BTreeMap<(u16, String), usize> {
    let params = &reference().params;
    let lookup = |param: &str| {
        env.get(param)
            .and_then(Json::as_str)
            .map(str::to_owned)
            .or_else(|| params.get(param).and_then(|p| p.default.clone()))
    };
    let mut ports = BTreeMap::new();
    for l in reference()
        .listens
        .iter()
        .filter(|l| service == "all" || l.service == service)
    {
        let on = l.when.as_ref().is_none_or(|p| {
            lookup(p)
                .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "yes" | "true" | "1"))
        });
        if !on {
            continue;
        }
        let port = l
            .follows
            .as_ref()
            .and_then(|p| lookup(p))
            .and_then(|v| v.parse().ok())
            .unwrap_or(l.port);
        *ports.entry((port, l.proto.clone())).or_default() += 1;
    }
    ports
}

fn ip_text(a: Option<&Address>) -> IpAddr {
    a.map_or(IpAddr::from([0, 0, 0, 0]), |a| a.ip)
}

fn number(v: &Json) -> Option<u64> {
    v.as_u64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

/// Which containers mount volume `name` in the layout.
fn mounts_volume(d: &Deployment, service: &str, name: &str) -> bool {
    match d.layout {
        Layout::AllInOne => ALL_IN_ONE_VOLUMES.contains(&name),
        _ => reference()
            .volumes
            .iter()
            .any(|v| v.name == name && v.used_by.iter().any(|s| s == service)),
    }
}

/// Images, ports, volumes, mounts, restart and privileges, from Compose v2.
fn structure_problems(d: &Deployment, config: &Json) -> Vec<String> {
    let mut problems = Vec::new();
    problems.extend(environment_problems(d, Tool::V2, config));
    let empty = serde_json::Map::new();
    let services = config["services"].as_object().unwrap_or(&empty);
    let expected = d.expected_containers();
    for (key, service) in &expected {
        let Some(s) = services.get(key) else { continue };
        let at = format!("`{}` container `{key}`", d.name);
        if let Some(e) = s["image"].as_str().and_then(image_reference_error) {
            problems.push(format!("{at}: image {} cannot be pulled: {e}", s["image"]));
        }
        let restart = d.restart.unwrap_or(d.layout.restart());
        if s["restart"].as_str() != Some(restart) {
            problems.push(format!(
                "{at}: restart {}, the source says {restart}",
                s["restart"]
            ));
        }
        let env = s["environment"].as_object().unwrap_or(&empty);
        let listens = listening(service, env);
        for ((port, proto), n) in &listens {
            if *n > 1 {
                problems.push(format!(
                    "{at}: {n} services listen on {port}/{proto} in one container"
                ));
            }
        }
        for p in s["ports"].as_array().into_iter().flatten() {
            let target = number(&p["target"])
                .and_then(|t| u16::try_from(t).ok())
                .unwrap_or(0);
            let proto = p["protocol"].as_str().unwrap_or("tcp").to_owned();
            if !listens.contains_key(&(target, proto.clone())) {
                problems.push(format!(
                    "{at}: publishes {}:{} onto {target}/{proto}, where nothing listens",
                    p["host_ip"], p["published"]
                ));
            }
        }
        problems.extend(published_problems(d, &at, key, service, s));
        problems.extend(mount_problems(d, &at, key, s));
        problems.extend(volume_mount_problems(d, &at, key, service, s));
        if let Some(block) = d.block(key) {
            if let Some(on) = block.privileged {
                if s["privileged"].as_bool().unwrap_or(false) != on {
                    problems.push(format!(
                        "{at}: privileged {}, the source says {on}",
                        s["privileged"]
                    ));
                }
            }
            if let Some(caps) = &block.capabilities {
                let got: BTreeSet<&str> = s["cap_add"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Json::as_str)
                    .collect();
                let want: BTreeSet<&str> = caps.iter().copied().collect();
                if got != want {
                    problems.push(format!("{at}: cap_add {got:?}, the source says {want:?}"));
                }
            }
        }
    }
    problems.extend(volume_name_problems(d, config, &expected));
    problems
}

/// Each published role on its address and port.
fn published_problems(
    d: &Deployment,
    at: &str,
    _key: &str,
    service: &str,
    s: &Json,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (role, publish) in &d.publish {
        let Publish::Port { address, port, .. } = publish else {
            continue;
        };
        let role_service = ROLES.iter().find(|(r, _)| r == role).map(|(_, s)| *s);
        if service != "all" && role_service != Some(service) {
            continue;
        }
        let default_address = if *role == "ssh" {
            d.bind_ssh.as_ref().or(d.bind.as_ref())
        } else {
            d.bind.as_ref()
        };
        let ip = address.as_ref().map_or(ip_text(default_address), |a| a.ip);
        let port: u64 = port.parse().unwrap_or(0);
        let found = s["ports"].as_array().into_iter().flatten().any(|p| {
            number(&p["published"]) == Some(port)
                && p["host_ip"]
                    .as_str()
                    .and_then(|h| h.trim_matches(['[', ']']).parse::<IpAddr>().ok())
                    == Some(ip)
        });
        if !found {
            problems.push(format!(
                "{at}: `publish {role}` asks for {ip} port {port}, the container publishes {}",
                s["ports"]
            ));
        }
    }
    problems
}

/// Mounts as written.
fn mount_problems(d: &Deployment, at: &str, key: &str, s: &Json) -> Vec<String> {
    let mut problems = Vec::new();
    let mounts: Vec<&Json> = s["volumes"].as_array().into_iter().flatten().collect();
    let wanted = d
        .mounts
        .iter()
        .chain(d.block(key).into_iter().flat_map(|b| b.mounts.iter()));
    for m in wanted {
        let found = mounts.iter().any(|v| {
            v["type"] == "bind"
                && v["source"].as_str() == Some(m.host.as_str())
                && v["target"].as_str() == Some(m.target.as_str())
                && v["read_only"].as_bool().unwrap_or(false) == m.readonly
        });
        if !found {
            problems.push(format!(
                "{at}: `mount {} at {}{}` is not among its mounts {:?}",
                m.host,
                m.target,
                if m.readonly { " readonly" } else { "" },
                s["volumes"]
            ));
        }
    }
    problems
}

/// Each volume the container mounts backed as the source says: its own
/// block's `volume` statement, else the deployment's.
fn volume_mount_problems(
    d: &Deployment,
    at: &str,
    key: &str,
    service: &str,
    s: &Json,
) -> Vec<String> {
    let mounts: Vec<&Json> = s["volumes"].as_array().into_iter().flatten().collect();
    let own = d
        .block(key)
        .map(|b| b.volumes.as_slice())
        .unwrap_or_default();
    let mut problems = Vec::new();
    for v in own.iter().chain(&d.volumes) {
        if !mounts_volume(d, service, &v.name)
            || own.iter().any(|o| o.name == v.name && !std::ptr::eq(o, v))
        {
            continue;
        }
        let found = mounts.iter().any(|m| match &v.backing {
            Backing::Bind(path, ro) => {
                m["type"] == "bind"
                    && m["source"].as_str() == Some(path.as_str())
                    && m["read_only"].as_bool().unwrap_or(false) == *ro
            }
            Backing::Named(_) => {
                m["type"] == "volume" && m["source"].as_str() == Some(v.name.as_str())
            }
            Backing::Anonymous => {
                m["type"] == "volume" && m.get("source").is_none_or(Json::is_null)
            }
        });
        if !found {
            problems.push(format!(
                "{at}: `volume {} {:?}` is not among its mounts {:?}",
                v.name, v.backing, s["volumes"]
            ));
        }
    }
    problems
}

/// Each named volume's name: the deployment's `named "x"`, or a
/// container's for a volume that container mounts, or Compose's default.
fn volume_name_problems(
    d: &Deployment,
    config: &Json,
    expected: &[(String, String)],
) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(volumes) = config["volumes"].as_object() else {
        return problems;
    };
    for (volume, spec) in volumes {
        let mut names = BTreeSet::new();
        for v in d.volumes.iter().filter(|v| &v.name == volume) {
            if let Backing::Named(Some(n)) = &v.backing {
                names.insert(n.clone());
            }
        }
        for (key, service) in expected {
            let Some(block) = d.block(key) else { continue };
            for v in block.volumes.iter().filter(|v| &v.name == volume) {
                if let Backing::Named(Some(n)) = &v.backing {
                    if mounts_volume(d, service, volume) {
                        names.insert(n.clone());
                    }
                }
            }
        }
        let want = match names.len() {
            0 => format!("{}_{volume}", d.name),
            1 => names.into_iter().next().unwrap(),
            _ => continue,
        };
        if spec["name"].as_str() != Some(want.as_str()) {
            problems.push(format!(
                "`{}`: volume {volume} is named {}, the source says {want:?}",
                d.name, spec["name"]
            ));
        }
    }
    problems
}

/// PyYAML reads the compose file: every environment value and restart
/// policy a string, the literal ones as written, and no two mounts of a
/// container on one target (Compose v2's `config` shows only one of them).
fn yaml_problems(d: &Deployment, file: &Path) -> Vec<String> {
    let read = match yaml(file) {
        Ok(read) => read,
        Err(e) => {
            return vec![format!(
                "PyYAML cannot read `{}`'s compose file: {e}",
                d.name
            )];
        }
    };
    let mut problems = Vec::new();
    for (key, service) in d.expected_containers() {
        let s = &read["services"][&key];
        if !s["restart"].is_string() {
            problems.push(format!(
                "PyYAML: `{}` `{key}` restart is {}",
                d.name, s["restart"]
            ));
        }
        let mut targets = BTreeMap::new();
        for v in s["volumes"].as_array().into_iter().flatten() {
            *targets
                .entry(v["target"].as_str().unwrap_or_default())
                .or_insert(0) += 1;
        }
        for (target, n) in targets.into_iter().filter(|(_, n)| *n > 1) {
            problems.push(format!(
                "`{}` `{key}`: {n} mounts on {target}, which docker-compose v1 refuses and Compose v2 merges into one",
                d.name
            ));
        }
        let env = s["environment"].as_object().cloned().unwrap_or_default();
        for (param, got) in &env {
            if !got.is_string() {
                problems.push(format!(
                    "PyYAML: `{}` `{key}` {param} reads as {got}",
                    d.name
                ));
            }
        }
        for (param, want) in expected_env(d, &key, &service) {
            let Some(got) = env.get(&param).and_then(Json::as_str) else {
                continue;
            };
            let same = match &want {
                Seen::Text(want) => derived(&param) || got == printed(Tool::V2, want),
                Seen::Secret(var) => got.starts_with(&format!("${{{var}:?")),
                Seen::Ip(_) => true,
            };
            if !same {
                problems.push(format!(
                    "PyYAML: `{}` `{key}` {param} reads as {got:?}, the source says {want:?}",
                    d.name
                ));
            }
        }
    }
    problems
}

/// `systemd-analyze verify` on every unit of the file at once, with the
/// units they depend on stubbed.
fn systemd_problems(file: &File, dir: &Path) -> Vec<String> {
    let mut units = Vec::new();
    for d in &file.deployments {
        let folder = dir.join(&d.name);
        std::fs::write(
            folder.join("docker.service"),
            "[Service]\nExecStart=/bin/true\n",
        )
        .unwrap();
        units.push(folder.join(format!("onefront-{}.service", d.name)));
    }
    let output = std::process::Command::new(tools::systemd_analyze())
        .arg("verify")
        .args(&units)
        .env("SYSTEMD_LOG_COLOR", "0")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.success() && stderr.trim().is_empty() {
        Vec::new()
    } else {
        vec![format!("systemd-analyze verify: {}", last_lines(&stderr))]
    }
}

#[test]
fn the_image_oracle_knows_the_distribution_grammar() {
    for good in [
        "opennebula:5.13",
        "registry.example.com:5000/opennebula/opennebula:5.13",
        "localhost/x:y",
        "OpenNebula/x:1",
        "[::1]:5000/a__b.c-d--e:_x",
        "a:t-",
    ] {
        assert_eq!(image_reference_error(good), None, "{good}");
    }
    for bad in [
        "OpenNebula:5.13",
        "x:y:z",
        "a//b:c",
        "one-:1",
        "a:.x",
        "a:-x",
        "-a:1",
        "a..b:1",
        "a___b:1",
    ] {
        assert!(image_reference_error(bad).is_some(), "{bad}");
    }
}
