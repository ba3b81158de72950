//! The failures known and not yet fixed, as data: each [`Known`] names a
//! class, says which tool rejects it or how the environment differs, holds
//! a minimal file (as text, and as data that renders to that text), and a
//! predicate over a generated deployment or file.
//!
//! The generator keeps no file that any predicate matches, so the normal
//! run stays green while the bugs are open; `every_known_failure_still_fails`
//! runs each minimal file through the tools and fails once one passes.
//! When onefront fixes a class: delete its entry (that test says so), and
//! the generator makes such files again. When the test finds a new class:
//! add an entry with the shrunk file, and a predicate that matches exactly
//! the construct, no wider, so that the rest of the language stays covered.

use std::path::Path;

use serde_json::Value as Json;

use crate::support::reference::reference;
use crate::support::spec::{
    Assign, Backing, Block, Deployment, File, Layout, Mount, Publish, Value, VolumeStmt,
};

use super::image::image_reference_error;
use super::oracles::{Seen, clean, expected_env, expected_secrets, listening, mounts_volume};
use super::run::{secret_value, shell_env};

use super::{Stats, check_file};

/// A failure class that is known and not yet fixed.
pub(super) struct Known {
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

pub(super) fn no_deployment(_: &Deployment) -> bool {
    false
}

pub(super) fn no_file(_: &File) -> bool {
    false
}

/// A file named `k.onefront` holding one all-in-one deployment `one` with
/// its two required parameters, changed by `change`.
pub(super) fn minimal(change: fn(&mut Deployment)) -> File {
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
pub(super) fn secret_names(d: &Deployment) -> impl Iterator<Item = String> + '_ {
    expected_secrets(d).into_iter()
}

/// The service a user's container block is for.
pub(super) fn block_service(d: &Deployment, block: &str) -> Option<String> {
    d.expected_containers()
        .into_iter()
        .find(|(key, _)| key == block)
        .map(|(_, service)| service)
}

pub(super) fn has_secret(d: &Deployment, named: fn(&str) -> bool) -> bool {
    secret_names(d).any(|var| named(&var))
}

pub(super) fn every_volume(d: &Deployment) -> impl Iterator<Item = &VolumeStmt> {
    d.volumes
        .iter()
        .chain(d.containers.iter().flat_map(|b| b.volumes.iter()))
}

/// Whether two of a container's services would listen on one port, as the
/// source sets the ports (the published ones that move a listener too).
pub(super) fn listeners_collide(d: &Deployment) -> bool {
    d.expected_containers().iter().any(|(key, service)| {
        let mut env: serde_json::Map<String, Json> = expected_env(d, key, service)
            .into_iter()
            .filter_map(|(k, v)| match v {
                Seen::Text(t) => Some((k, Json::String(t))),
                Seen::Secret(var) => Some((k, Json::String(secret_value(d, &var)))),
                Seen::Ip(_) => None,
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
pub(super) fn layout_targets(d: &Deployment, service: &str) -> Vec<String> {
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
pub(super) const ALL_IN_ONE_TARGETS: &[&str] = &[
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
pub(super) fn mounts_collide(d: &Deployment) -> bool {
    d.expected_containers().iter().any(|(key, service)| {
        let mut targets = layout_targets(d, service);
        targets.extend(d.mounts.iter().map(|m| clean(&m.target)));
        if let Some(block) = d.block(key) {
            targets.extend(block.mounts.iter().map(|m| clean(&m.target)));
        }
        let count = targets.len();
        targets.sort();
        targets.dedup();
        targets.len() != count
    })
}

pub(super) const LINE_BREAKS: &[char] = &['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'];

/// The known failures, each with its minimal file (see the module
/// documentation for how the list works). None is open.
pub(super) const KNOWN: &[Known] = &[];

/// The classes this test found and onefront has fixed, kept as regression
/// cases: each minimal file is now refused by onefront with a diagnostic,
/// or accepted and run by every tool as written.
pub(super) const FIXED: &[Known] = &[
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
        id: "mount-on-root",
        symptom: "a `mount` whose target is `/` (or cleans to it, `/a/..`): Compose accepts it, Docker refuses to create the container (destination can't be '/')",
        minimal: "onefront 5.13\n\ndeployment one {\n  env {\n    OPENNEBULA_FRONTEND_HOST = \"h\"\n    OPENNEBULA_FRONTEND_SSH_HOST = \"h\"\n  }\n  mount /a at /\n}\n",
        build: || {
            minimal(|d| {
                d.mounts.push(Mount {
                    host: "/a".to_owned(),
                    target: "/".to_owned(),
                    readonly: false,
                });
            })
        },
        deployment: |d| {
            d.mounts
                .iter()
                .chain(d.containers.iter().flat_map(|b| b.mounts.iter()))
                .any(|m| clean(&m.target) == "/")
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

/// What the generator leaves out: the open classes, and the fixed ones that
/// onefront now refuses (a file it refuses tests nothing downstream; their
/// minimal files are run by `every_fixed_class_stays_fixed`).
fn avoided() -> &'static [&'static Known] {
    static AVOIDED: std::sync::OnceLock<Vec<&'static Known>> = std::sync::OnceLock::new();
    AVOIDED.get_or_init(|| {
        let refused = FIXED.iter().filter(|k| {
            let file = (k.build)();
            onefront::check(&file.name, &file.to_string()).has_errors()
        });
        KNOWN.iter().chain(refused).collect()
    })
}

pub(super) fn keep_deployment(d: &Deployment) -> bool {
    !avoided().iter().any(|k| (k.deployment)(d))
}

pub(super) fn keep_file(f: &File) -> bool {
    !avoided().iter().any(|k| (k.file)(f))
}

/// A known failure's file as text, with the name to compile it under when
/// that matters.
pub(super) fn known_text(file: &File) -> String {
    if file.name == "k.onefront" {
        file.to_string()
    } else {
        format!("# compile as {:?}\n{file}", file.name)
    }
}

/// Each entry of [`FIXED`] stays fixed: onefront refuses its file, or the
/// tools accept what onefront writes for it.
#[test]
fn every_fixed_class_stays_fixed() {
    let stats = Stats::default();
    let mut broken = Vec::new();
    for fixed in FIXED {
        let file = (fixed.build)();
        assert_eq!(
            known_text(&file),
            fixed.minimal,
            "{}: text and file differ",
            fixed.id
        );
        let checked = onefront::check(&file.name, &file.to_string());
        if checked.has_errors() {
            continue;
        }
        if let Err(e) = check_file(&file, &stats) {
            broken.push(format!("{} ({}):\n{e}", fixed.id, fixed.symptom));
        }
    }
    assert!(
        broken.is_empty(),
        "fixed classes that fail again:\n{}",
        broken.join("\n\n")
    );
}

/// Each entry of [`KNOWN`]: its text is its file, its predicate matches
/// its file, and the file still fails (when it passes, the bug is fixed:
/// move the entry to [`FIXED`], and the generator makes such files again).
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
            Ok(()) => panic!("{}: passes now; move it to FIXED", known.id),
            Err(e) => eprintln!("known {} ({}):\n{e}\n", known.id, known.symptom),
        }
    }
}
