//! proptest strategies for whole `.onefront` files over the language of
//! `docs/language.md`: every statement and value form, several deployments a
//! file, odd but legal names and values. A generated [`File`] is data that
//! renders to source text (`Display`) and that knows what it asked for, so
//! that a test can compare the real tools' reading of the output with it.
//!
//! The strategies aim at files that compile (required parameters present,
//! pairs complete, dependencies run or external, one address range per
//! deployment so that ports cannot clash across deployments), while still
//! reaching every form; what does not compile is only counted. Values are
//! built from small parts so that proptest shrinks a failure to a small
//! file: vectors lose elements, options become `None`, strings get shorter.

mod values;

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv6Addr};

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select, subsequence};

use crate::support::reference::reference;
use crate::support::spec::{
    ALL_IN_ONE_VOLUMES, API_ROLES, Address, Assign, Backing, Block, Deployment, File, Layout,
    Mount, NEEDS, Publish, ROLES, Value, VolumeStmt, locatable,
};

use values::{
    assign, dns_name, ipv4, ipv6, ipv6_text, odd_text, path_text, port_digits, tidy, tidy_blocks,
    value_for,
};

fn image() -> BoxedStrategy<String> {
    let registry = prop_oneof![
        4 => Just(String::new()),
        1 => select(&["registry.example.com/", "localhost:5000/", "r.io:443/", "[::1]:5000/", "Reg.Example.com/", "a//"][..])
            .prop_map(str::to_owned),
    ];
    let path = prop_oneof![
        select(
            &[
                "opennebula",
                "opennebula/opennebula",
                "one-",
                "OpenNebula",
                "a__b",
                "a.b-c/d_e",
                "x:y",
                "-one",
                "one..x",
                "a--b"
            ][..]
        )
        .prop_map(str::to_owned),
        "[a-z0-9]{1,6}([._-][a-z0-9]{1,4}){0,2}(/[a-z0-9]{1,6}){0,2}",
    ];
    let tag = prop_oneof![
        select(
            &[
                "5.13", "latest", "5.13.0-1", "_x", ".x", "-x", "v1_2.3-4", "A"
            ][..]
        )
        .prop_map(str::to_owned),
        "[A-Za-z0-9_][A-Za-z0-9_.-]{0,10}",
        Just("t".repeat(128)),
        Just("t".repeat(129)),
    ];
    (registry, path, tag)
        .prop_map(|(r, p, t)| format!("{r}{p}:{t}"))
        .boxed()
}

fn mount() -> BoxedStrategy<Mount> {
    (
        path_text(),
        prop_oneof![
            select(
                &[
                    "/certs",
                    "/hooks",
                    "/var/log",
                    "/srv/one",
                    "/var/lib/one/datastores",
                    "/x,y",
                    "/a@b~c"
                ][..]
            )
            .prop_map(str::to_owned),
            path_text(),
        ],
        any::<bool>(),
    )
        .prop_map(|(host, target, readonly)| Mount {
            host,
            target,
            readonly,
        })
        .boxed()
}

fn volume_name() -> BoxedStrategy<String> {
    prop_oneof![
        4 => select(&["one-mysql", "data", "a", "x_y-1"][..]).prop_map(str::to_owned),
        4 => "[a-z][a-z0-9_-]{1,20}",
        // Names Docker takes but onefront does not (it wants a letter
        // first and no dots), and names neither takes.
        1 => select(&["x.y", "0lead", "UPPER", "with space", "$x", "é"][..]).prop_map(str::to_owned),
    ]
    .boxed()
}

/// A volume statement whose name is chosen once the layout is known: an
/// index into the layout's volumes.
#[derive(Debug, Clone)]
struct VolumeDraft {
    name: Index,
    backing: Backing,
}

fn volume_draft() -> BoxedStrategy<VolumeDraft> {
    (
        any::<Index>(),
        prop_oneof![
            4 => proptest::option::of(volume_name()).prop_map(Backing::Named),
            3 => (path_text(), any::<bool>()).prop_map(|(p, ro)| Backing::Bind(p, ro)),
            1 => Just(Backing::Anonymous),
        ],
    )
        .prop_map(|(name, backing)| VolumeDraft { name, backing })
        .boxed()
}

/// The volume statements of `drafts` in `layout`, each volume once.
fn volumes(drafts: Vec<VolumeDraft>, layout: Layout) -> Vec<VolumeStmt> {
    let names = volume_names(layout);
    let mut seen = BTreeSet::new();
    drafts
        .into_iter()
        .map(|v| VolumeStmt {
            name: v.name.get(&names).clone(),
            backing: v.backing,
        })
        .filter(|v| seen.insert(v.name.clone()))
        .collect()
}

fn volume_names(layout: Layout) -> Vec<String> {
    match layout {
        Layout::AllInOne => ALL_IN_ONE_VOLUMES.iter().map(|s| (*s).to_owned()).collect(),
        _ => reference()
            .volumes
            .iter()
            .filter(|v| v.name != "-")
            .map(|v| v.name.clone())
            .collect(),
    }
}

const CAPS: &[&str] = &["SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "NET_RAW", "CHOWN"];

/// The body of a container block, before it knows its container.
#[derive(Debug, Clone)]
struct BlockDraft {
    env: Vec<Assign>,
    volumes: Vec<VolumeDraft>,
    mounts: Vec<Mount>,
    privileged: Option<bool>,
    capabilities: Option<Vec<&'static str>>,
}

fn block_draft() -> BoxedStrategy<BlockDraft> {
    (
        vec(assign(), 0..3),
        // Mostly none: a container's own volumes often break C6.
        prop_oneof![3 => Just(Vec::new()), 1 => vec(volume_draft(), 1..2)],
        vec(mount(), 0..2),
        proptest::option::of(any::<bool>()),
        proptest::option::of(subsequence(CAPS, 0..3)),
    )
        .prop_map(
            |(env, volumes, mounts, privileged, capabilities)| BlockDraft {
                env,
                volumes,
                mounts,
                privileged,
                capabilities,
            },
        )
        .boxed()
}

/// The block for a container running `service`: the Docker and
/// all-in-one containers stay privileged (C1), oned keeps `SYS_ADMIN` (C2).
fn block(
    name: String,
    runs: Option<String>,
    service: &str,
    layout: Layout,
    draft: BlockDraft,
) -> Block {
    let privileged = if service == "docker" || service == "all" {
        draft.privileged.map(|_| true)
    } else {
        draft.privileged
    };
    let capabilities = draft.capabilities.map(|mut caps| {
        if service == "oned" && !caps.contains(&"SYS_ADMIN") {
            caps.insert(0, "SYS_ADMIN");
        }
        caps
    });
    Block {
        name,
        runs,
        env: tidy(draft.env),
        volumes: volumes(draft.volumes, layout),
        mounts: draft.mounts,
        privileged,
        capabilities,
    }
}

/// Services other than `all` and `none` that have a reference container.
fn split_services() -> Vec<String> {
    reference().containers.keys().cloned().collect()
}

/// The services a split layout runs and the ones it declares external,
/// from the ones the strategy chose to leave out: whatever a remaining
/// service needs becomes external.
fn close(present: &[String], absent: &[String]) -> (Vec<String>, Vec<String>) {
    let mut external = Vec::new();
    let mut without = Vec::new();
    for service in absent {
        let needed = NEEDS
            .iter()
            .any(|(s, needs)| present.iter().any(|p| p == s) && needs.contains(&service.as_str()));
        if needed && locatable().contains(service) {
            external.push(service.clone());
        } else {
            without.push(service.clone());
        }
    }
    (without, external)
}

fn external_host() -> BoxedStrategy<Value> {
    prop_oneof![
        dns_name().prop_map(Value::Str),
        ipv4().prop_map(Value::Address),
        ipv6().prop_map(Value::Address),
    ]
    .boxed()
}

fn container_name() -> BoxedStrategy<String> {
    prop_oneof![
        select(&["db", "one", "x-1", "a_b", "web", "s"][..]).prop_map(str::to_owned),
        "[a-z][a-z0-9_-]{1,12}",
    ]
    .boxed()
}

/// What the layout decides: containers, blocks, without and external.
#[derive(Debug, Clone)]
struct Shape {
    layout: Layout,
    layout_written: bool,
    without: Vec<String>,
    external: Vec<(String, Value)>,
    containers: Vec<Block>,
}

/// No `prop_flat_map` here or above: its shrinking regenerates what
/// depends on the outer value, so failures would not shrink to a small
/// file. Choices that depend on the layout are indices resolved in
/// `prop_map`.
fn shape() -> BoxedStrategy<Shape> {
    prop_oneof![
        2 => all_in_one_shape(),
        2 => reference_shape(),
        2 => custom_shape(),
    ]
    .boxed()
}

fn all_in_one_shape() -> BoxedStrategy<Shape> {
    (any::<bool>(), proptest::option::of(block_draft()))
        .prop_map(|(layout_written, draft)| Shape {
            layout: Layout::AllInOne,
            layout_written,
            without: Vec::new(),
            external: Vec::new(),
            containers: draft
                .map(|d| block("opennebula".to_owned(), None, "all", Layout::AllInOne, d))
                .into_iter()
                .collect(),
        })
        .boxed()
}

fn reference_shape() -> BoxedStrategy<Shape> {
    let services = split_services();
    (
        subsequence(services.clone(), 0..4),
        vec(external_host(), 4),
        vec((select(services), block_draft()), 0..3),
    )
        .prop_map(|(absent, hosts, adjusted)| {
            let present: Vec<String> = split_services()
                .into_iter()
                .filter(|s| !absent.contains(s))
                .collect();
            let (without, external) = close(&present, &absent);
            let external = external.into_iter().zip(hosts).collect();
            let mut seen = BTreeSet::new();
            let containers = adjusted
                .into_iter()
                .filter(|(s, _)| present.contains(s) && seen.insert(s.clone()))
                .map(|(s, draft)| {
                    let container = reference().containers[&s].clone();
                    block(container, None, &s, Layout::Reference, draft)
                })
                .collect();
            Shape {
                layout: Layout::Reference,
                layout_written: true,
                without,
                external,
                containers,
            }
        })
        .boxed()
}

fn custom_shape() -> BoxedStrategy<Shape> {
    let mut services = split_services();
    services.push("none".to_owned());
    (
        vec((select(services), container_name(), block_draft()), 1..6),
        vec(external_host(), 6),
    )
        .prop_map(|(chosen, hosts)| {
            let mut services = BTreeSet::new();
            let mut names = BTreeSet::new();
            let mut containers = Vec::new();
            let alone = chosen.len() == 1;
            for (service, name, draft) in chosen {
                // `none` shares a deployment with no other service (C7).
                if (service == "none" && !alone) || !services.insert(service.clone()) {
                    continue;
                }
                let mut name = name;
                while !names.insert(name.clone()) {
                    name.push('x');
                }
                containers.push(block(
                    name,
                    Some(service.clone()),
                    &service,
                    Layout::Custom,
                    draft,
                ));
            }
            let present: Vec<String> = services.into_iter().collect();
            let absent: Vec<String> = split_services()
                .into_iter()
                .filter(|s| !present.contains(s))
                .collect();
            let (_, external) = close(&present, &absent);
            Shape {
                layout: Layout::Custom,
                layout_written: true,
                without: Vec::new(),
                external: external.into_iter().zip(hosts).collect(),
                containers,
            }
        })
        .boxed()
}

fn publish() -> BoxedStrategy<(&'static str, Publish)> {
    (
        select(ROLES.iter().map(|(r, _)| *r).collect::<Vec<_>>()),
        prop_oneof![1 => Just(None), 4 => Just(Some(()))],
        any::<bool>(),
        port_digits(),
        prop_oneof![2 => Just(None), 1 => Just(Some("tls")), 1 => Just(Some("plain"))],
    )
        .prop_map(|(role, on, own_address, port, from)| {
            let publish = match on {
                None => Publish::Off,
                // The address is filled in per deployment (`place`).
                Some(()) => Publish::Port {
                    address: own_address.then(|| Address {
                        ip: IpAddr::from([0, 0, 0, 0]),
                        text: String::new(),
                    }),
                    port,
                    from: from.filter(|_| API_ROLES.contains(&role)),
                },
            };
            (role, publish)
        })
        .boxed()
}

/// Required parameters in the value forms their types take:
/// `MYSQL_PASSWORD` for split layouts only (`draft` drops it).
fn required() -> BoxedStrategy<Vec<Assign>> {
    let host = |name: &'static str| {
        value_for("host").prop_map(move |value| Assign {
            param: name.to_owned(),
            value,
        })
    };
    let mysql = value_for("string").prop_map(|value| Assign {
        param: "MYSQL_PASSWORD".to_owned(),
        value,
    });
    (
        host("OPENNEBULA_FRONTEND_HOST"),
        host("OPENNEBULA_FRONTEND_SSH_HOST"),
        mysql,
    )
        .prop_map(|(a, b, c)| vec![a, b, c])
        .boxed()
}

/// How the deployment's addresses are written; the numbers are chosen per
/// deployment (`place`) so that deployments of one file never share one.
#[derive(Debug, Clone, Copy)]
struct AddressForm {
    v6: bool,
    form: u8,
}

fn address_form() -> BoxedStrategy<AddressForm> {
    (prop_oneof![3 => Just(false), 1 => Just(true)], any::<u8>())
        .prop_map(|(v6, form)| AddressForm { v6, form })
        .boxed()
}

/// The `n`-th address of deployment `index` in `form`.
fn address(index: usize, n: u8, form: AddressForm) -> Address {
    let i = u8::try_from(index).unwrap();
    if form.v6 {
        let ip = Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, u16::from(i) + 1, u16::from(n));
        Address {
            ip: IpAddr::V6(ip),
            text: ipv6_text(ip, form.form),
        }
    } else {
        let ip = IpAddr::from([10, i + 1, 0, n]);
        Address {
            ip,
            text: ip.to_string(),
        }
    }
}

/// A deployment before it is placed in its file.
#[derive(Debug, Clone)]
struct Draft {
    deployment: Deployment,
    bind: Option<AddressForm>,
    bind_ssh: Option<AddressForm>,
}

fn deployment_name() -> BoxedStrategy<String> {
    prop_oneof![
        4 => "[a-z][a-z0-9]{1,8}",
        2 => "[a-z][a-z0-9_-]{1,20}",
        1 => select(&["a", "0", "x-", "opennebula", "one_front-2", "9lives"][..]).prop_map(str::to_owned),
        1 => "[a-z][a-z0-9]{62}",
    ]
    .boxed()
}

fn draft() -> BoxedStrategy<Draft> {
    let head = (
        deployment_name(),
        proptest::option::of(
            odd_text().prop_map(|t| t.replace(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'], " ")),
        ),
        proptest::option::of(image()),
        proptest::option::of(select(
            &["always", "unless-stopped", "on-failure", "no"][..],
        )),
        proptest::option::of(any::<bool>()),
        proptest::option::of(prop_oneof![
            2 => Just(("docker", false)),
            2 => Just(("podman", false)),
            1 => Just(("podman", true)),
        ]),
        proptest::option::of(select(&["v1", "v2"][..])),
    );
    let body = (
        required(),
        vec(vec(assign(), 0..4), 0..3),
        vec(publish(), 0..4),
        vec(volume_draft(), 0..3),
        vec(mount(), 0..2),
        proptest::option::of(address_form()),
        proptest::option::of(address_form()),
    );
    (shape(), head, body)
        .prop_map(|(shape, head, body)| {
            let (name, comment, image, restart, maintenance, runtime, compose) = head;
            let (mut required, mut env, publish, volume_drafts, mounts, bind, bind_ssh) = body;
            if shape.layout == Layout::AllInOne {
                required.retain(|a| a.param != "MYSQL_PASSWORD");
            }
            if env.is_empty() {
                env.push(Vec::new());
            }
            required.append(&mut env[0]);
            env[0] = required;
            let mut seen = BTreeSet::new();
            let publish = publish
                .into_iter()
                .filter(|(role, _)| seen.insert(*role))
                .collect();
            Draft {
                deployment: Deployment {
                    name,
                    comment,
                    image,
                    layout: shape.layout,
                    layout_written: shape.layout_written,
                    bind: None,
                    bind_ssh: None,
                    restart,
                    maintenance,
                    env: tidy_blocks(env),
                    publish,
                    volumes: volumes(volume_drafts, shape.layout),
                    mounts,
                    without: shape.without,
                    external: shape.external,
                    containers: shape.containers,
                    runtime,
                    compose,
                },
                bind,
                bind_ssh,
            }
        })
        .boxed()
}

/// Gives deployment `index` of `count` its addresses and a name unique in
/// the file.
fn place(index: usize, count: usize, draft: Draft, names: &mut BTreeSet<String>) -> Deployment {
    let mut d = draft.deployment;
    // 0.0.0.0 clashes with every address (N5): only a file's single
    // deployment may keep the default.
    let bind = match (draft.bind, count) {
        (None, 1) => None,
        (form, _) => Some(form.unwrap_or(AddressForm { v6: false, form: 0 })),
    };
    d.bind = bind.map(|form| address(index, 2, form));
    d.bind_ssh = draft.bind_ssh.map(|form| address(index, 3, form));
    let mut n = 10;
    for (_, publish) in &mut d.publish {
        if let Publish::Port {
            address: Some(a), ..
        } = publish
        {
            let form = AddressForm {
                v6: a.ip.is_ipv6() || bind.is_some_and(|b| b.v6),
                form: n,
            };
            // Unbound deployments publish on 0.0.0.0, which clashes with
            // any own address of the same port: keep them on it.
            *a = if bind.is_none() {
                Address {
                    ip: IpAddr::from([0, 0, 0, 0]),
                    text: "0.0.0.0".to_owned(),
                }
            } else {
                address(index, n, form)
            };
            n += 1;
        }
    }
    while !names.insert(d.name.clone()) {
        d.name = format!("{}{index}", d.name.chars().take(60).collect::<String>());
    }
    d
}

fn source_name() -> BoxedStrategy<String> {
    prop_oneof![
        6 => Just("generated.onefront".to_owned()),
        1 => select(&["my file.onefront", "é.onefront", "$HOME.onefront", "#x%.onefront", "x\ny.onefront", "a\"b.onefront", "noext"][..])
            .prop_map(str::to_owned),
        1 => odd_text().prop_map(|t| format!("{t}.onefront")),
    ]
    .boxed()
}

/// A whole file: a source name and one to four deployments, each kept by
/// `keep` (the test's list of known failures to steer clear of).
pub fn file(keep: fn(&Deployment) -> bool, keep_file: fn(&File) -> bool) -> BoxedStrategy<File> {
    (source_name(), vec(draft(), 1..=5))
        .prop_map(|(name, drafts)| {
            let count = drafts.len();
            let mut names = BTreeSet::new();
            let deployments = drafts
                .into_iter()
                .enumerate()
                .map(|(i, d)| place(i, count, d, &mut names))
                .collect();
            File { name, deployments }
        })
        .prop_filter("a known failure", move |f| {
            f.deployments.iter().all(keep) && keep_file(f)
        })
        .boxed()
}
