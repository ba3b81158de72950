//! Strategies for values: odd text, names, addresses, ports, paths,
//! base64, secrets, and a value of each parameter type.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv6Addr};

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

use crate::support::reference::reference;
use crate::support::spec::{Address, Assign, PAIRS, Value};
use crate::support::values::{POOL, WORDS};

/// Odd text: the words and characters that break naive emitters.
pub fn odd_text() -> BoxedStrategy<String> {
    // The plainest first: proptest shrinks a union towards its first arm.
    prop_oneof![
        2 => "[a-z]{0,6}",
        3 => select(WORDS).prop_map(str::to_owned),
        5 => vec(select(POOL), 0..24).prop_map(|cs| cs.into_iter().collect()),
        1 => (select(POOL), 200..3000usize).prop_map(|(c, n)| std::iter::repeat_n(c, n).collect()),
    ]
    .boxed()
}

pub(super) fn dns_name() -> BoxedStrategy<String> {
    prop_oneof![
        select(
            &[
                "h",
                "one.example.com",
                "localhost",
                "xn--bcher-kva.example",
                "ONE.Example.COM",
                "h-1.x_y.z"
            ][..]
        )
        .prop_map(str::to_owned),
        "[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?(\\.[a-z0-9]{1,6}){0,3}",
    ]
    .boxed()
}

/// An IPv4 address, as written.
pub(super) fn ipv4() -> BoxedStrategy<Address> {
    (any::<[u8; 4]>())
        .prop_map(|o| {
            let ip = IpAddr::from(o);
            Address {
                ip,
                text: ip.to_string(),
            }
        })
        .boxed()
}

/// An IPv6 address in one of the notations: compressed, full, upper case.
pub(super) fn ipv6_text(ip: Ipv6Addr, form: u8) -> String {
    let text = match form % 3 {
        0 => ip.to_string(),
        1 => ip
            .segments()
            .iter()
            .map(|s| format!("{s:04x}"))
            .collect::<Vec<_>>()
            .join(":"),
        _ => ip.to_string().to_uppercase(),
    };
    format!("[{text}]")
}

pub(super) fn ipv6() -> BoxedStrategy<Address> {
    (any::<[u16; 8]>(), any::<u8>(), any::<bool>())
        .prop_map(|(mut segments, form, sparse)| {
            if sparse {
                segments[2..7].fill(0);
            }
            let ip = Ipv6Addr::from(segments);
            Address {
                ip: IpAddr::V6(ip),
                text: ipv6_text(ip, form),
            }
        })
        .boxed()
}

const PORTS: &[u16] = &[
    1, 22, 80, 443, 1023, 1024, 2222, 2375, 2474, 2475, 2616, 2633, 2634, 3306, 4124, 4822, 5030,
    5031, 8080, 8443, 11211, 29876, 65535,
];

/// Digits of a number, maybe with leading zeros.
fn digits(n: u64, zeros: usize) -> String {
    format!("{}{n}", "0".repeat(zeros))
}

pub(super) fn port_digits() -> BoxedStrategy<String> {
    (
        prop_oneof![select(PORTS), 1025..65535u16],
        prop_oneof![4 => Just(0usize), 1 => 1..3usize],
    )
        .prop_map(|(p, z)| digits(u64::from(p), z))
        .boxed()
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

pub(super) fn path_text() -> BoxedStrategy<String> {
    prop_oneof![
        select(
            &[
                "/a",
                "/certs/cert.pem",
                "/hooks/pre.sh",
                "/x/y~z,1+2@3.d",
                "/",
                "/srv/one"
            ][..]
        )
        .prop_map(str::to_owned),
        "(/[a-zA-Z0-9._+@~,-]{1,8}){1,3}",
    ]
    .boxed()
}

/// Secret variable names: plain ones, lower case, and the names that
/// Compose, podman-compose, `.env` or a shell already define.
pub const SECRET_NAMES: &[&str] = &[
    "ONE_DB_PASSWORD",
    "S",
    "x",
    "_",
    "a_1",
    "Secret_Value",
    "COMPOSE_PROJECT_NAME",
    "COMPOSE_FILE",
    "COMPOSE_ENV_FILES",
    "COMPOSE_PROFILES",
    "COMPOSE_PATH_SEPARATOR",
    "COMPOSE_PROJECT_DIR",
    "PODMAN_USERNS",
    "DOCKER_HOST",
    "PATH",
    "HOME",
    "USER",
    "PWD",
    "SHELL",
    "LANG",
    "DEPLOY_BIND_ADDR",
    "DEPLOY_OPENNEBULA_IMAGE_TAG",
];

fn secret() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::Secret(None)),
        select(SECRET_NAMES).prop_map(|s| Value::Secret(Some(s.to_owned()))),
        "[A-Za-z_][A-Za-z0-9_]{0,12}".prop_map(|s| Value::Secret(Some(s))),
    ]
    .boxed()
}

/// A value for a parameter of type `kind`, mostly of that type.
pub fn value_for(kind: &str) -> BoxedStrategy<Value> {
    let typed: BoxedStrategy<Value> = match kind {
        "bool" => prop_oneof![
            select(&["yes", "no", "true", "false"][..]).prop_map(Value::Bool),
            select(&["1", "0"][..]).prop_map(|s| Value::Int(s.to_owned())),
            select(&["YES", "No", "TRUE", "False", "nO"][..])
                .prop_map(|s| Value::Word(s.to_owned())),
        ]
        .boxed(),
        "port" => port_digits().prop_map(Value::Int).boxed(),
        "uint" => (
            0..100_000u64,
            prop_oneof![3 => Just(0usize), 1 => 1..4usize],
        )
            .prop_map(|(n, z)| Value::Int(digits(n, z)))
            .boxed(),
        "host" => prop_oneof![
            3 => dns_name().prop_map(Value::Str),
            2 => ipv4().prop_map(Value::Address),
            1 => ipv6().prop_map(Value::Address),
        ]
        .boxed(),
        "path" => prop_oneof![
            path_text().prop_map(Value::Path),
            (path_text(), odd_text()).prop_map(|(p, t)| Value::Str(format!("{p}{t}"))),
        ]
        .boxed(),
        "base64" => vec(any::<u8>(), 1..40)
            .prop_map(|b| Value::Str(base64(&b)))
            .boxed(),
        "domains" => prop_oneof![
            vec(dns_name(), 1..4).prop_map(|d| Value::Str(d.join(" "))),
            (
                vec(
                    prop_oneof![
                        dns_name(),
                        Just("*".to_owned()),
                        dns_name().prop_map(|d| format!("*.{d}"))
                    ],
                    1..4
                ),
                any::<bool>()
            )
                .prop_map(|(d, t)| Value::List(d, t)),
        ]
        .boxed(),
        "string" => odd_text().prop_map(Value::Str).boxed(),
        other => {
            let members: Vec<String> = other
                .strip_prefix("enum:")
                .unwrap_or(other)
                .split('|')
                .map(str::to_owned)
                .collect();
            prop_oneof![
                select(members.clone()).prop_map(Value::Word),
                select(members).prop_map(Value::Str),
            ]
            .boxed()
        }
    };
    prop_oneof![5 => typed, 1 => secret()].boxed()
}

/// `PARAM = VALUE` for one of `params`.
fn assign_of(params: Vec<String>) -> BoxedStrategy<Assign> {
    select(params)
        .prop_flat_map(|param| {
            let kind = reference().params[&param].kind.clone();
            value_for(&kind).prop_map(move |value| Assign {
                param: param.clone(),
                value,
            })
        })
        .boxed()
}

/// The parameters users set (not the ones ports set, which must agree with
/// `publish` (D1), and not the service, which the layout sets (P5)), with a
/// few of those mixed in rarely.
fn settable() -> Vec<String> {
    reference().params.keys().cloned().collect()
}

const DERIVED_FROM_PORTS: &[&str] = &[
    "SUNSTONE_PORT",
    "SUNSTONE_TLS_PORT",
    "SUNSTONE_VNC_PORT",
    "ONEGATE_PORT",
    "MONITORD_PORT",
    "OPENNEBULA_FRONTEND_SERVICE",
];

pub(super) fn assign() -> BoxedStrategy<Assign> {
    let common: Vec<String> = settable()
        .into_iter()
        .filter(|p| !DERIVED_FROM_PORTS.contains(&p.as_str()))
        .collect();
    let rare: Vec<String> = DERIVED_FROM_PORTS.iter().map(|s| (*s).to_owned()).collect();
    prop_oneof![100 => assign_of(common), 1 => assign_of(rare)].boxed()
}

/// Completes pairs (P6) and drops repeated parameters.
pub(super) fn tidy(assigns: Vec<Assign>) -> Vec<Assign> {
    tidy_blocks(vec![assigns]).pop().unwrap_or_default()
}

/// [`tidy`] over several `env` blocks: each parameter once in all of
/// them, the missing halves of pairs added to the last.
pub(super) fn tidy_blocks(blocks: Vec<Vec<Assign>>) -> Vec<Vec<Assign>> {
    let mut seen = BTreeSet::new();
    let mut blocks: Vec<Vec<Assign>> = blocks
        .into_iter()
        .map(|b| {
            b.into_iter()
                .filter(|a| seen.insert(a.param.clone()))
                .collect()
        })
        .collect();
    for (one, other) in PAIRS {
        for (have, want) in [(one, other), (other, one)] {
            if seen.contains(*have) && seen.insert((*want).to_owned()) {
                let value = match reference().params[*want].kind.as_str() {
                    "base64" => Value::Str("b25lZnJvbnQ=".to_owned()),
                    _ => Value::Path("/certs/other".to_owned()),
                };
                if let Some(last) = blocks.last_mut() {
                    last.push(Assign {
                        param: (*want).to_owned(),
                        value,
                    });
                }
            }
        }
    }
    blocks
}
