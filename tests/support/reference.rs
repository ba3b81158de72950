//! The reference as `onefront params --format json` prints it: the
//! parameters with their types and the services that read them, the
//! services with their containers, the ports each service listens on, and
//! the volumes. Read once, from the binary under test, so that tests know
//! what the user's manual says without reading onefront's own structures.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::Value;

/// One image parameter.
#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    /// `bool`, `port`, `uint`, `host`, `path`, `base64`, `string`,
    /// `domains` or `enum:a|b|...`.
    pub kind: String,
    /// The services that read it; `None` for every service (`*`).
    pub reads: Option<Vec<String>>,
    /// The service this `*_HOST` parameter locates.
    pub locates: Option<String>,
    pub default: Option<String>,
}

impl Param {
    /// Whether a container running `service` reads it (the all-in-one
    /// service `all` reads every parameter).
    pub fn read_by(&self, service: &str) -> bool {
        service == "all"
            || self
                .reads
                .as_ref()
                .is_none_or(|services| services.iter().any(|s| s == service))
    }
}

/// One port a service listens on.
#[derive(Debug, Clone)]
pub struct Listen {
    pub port: u16,
    pub proto: String,
    pub service: String,
    /// `PARAM=yes`: only while that bool is on.
    pub when: Option<String>,
    /// The parameter that moves it.
    pub follows: Option<String>,
}

/// One reference volume.
#[derive(Debug, Clone)]
pub struct Volume {
    /// `-` for a data directory that is no volume of its own.
    pub name: String,
    pub path: String,
    pub used_by: Vec<String>,
}

/// The whole reference.
#[derive(Debug)]
pub struct Reference {
    pub params: BTreeMap<String, Param>,
    /// Service name -> its reference container, for services that have one.
    pub containers: BTreeMap<String, String>,
    pub listens: Vec<Listen>,
    pub volumes: Vec<Volume>,
}

fn text(value: &Value, key: &str) -> String {
    value[key].as_str().unwrap_or_default().to_owned()
}

fn list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "-")
        .map(str::to_owned)
        .collect()
}

fn param(value: &Value) -> Param {
    let affects = text(value, "affects");
    let default = text(value, "default");
    Param {
        name: text(value, "name"),
        kind: text(value, "type"),
        reads: (affects != "*").then(|| list(&affects)),
        locates: value["locates"].as_str().map(str::to_owned),
        default: (default != "-").then_some(default),
    }
}

fn listen(value: &Value) -> Listen {
    let condition = text(value, "condition");
    Listen {
        port: u16::try_from(value["port"].as_u64().unwrap()).unwrap(),
        proto: text(value, "proto"),
        service: text(value, "service"),
        when: condition.strip_suffix("=yes").map(str::to_owned),
        follows: value["follows"].as_str().map(str::to_owned),
    }
}

/// The version the generated files are written against (`onefront 5.13`):
/// `params` lists the newest version unless told.
pub const VERSION: &str = "5.13";

/// The reference of the onefront binary under test, of [`VERSION`].
pub fn reference() -> &'static Reference {
    static REFERENCE: OnceLock<Reference> = OnceLock::new();
    REFERENCE.get_or_init(|| {
        let json = crate::support::tools::json_of(
            std::process::Command::new(env!("CARGO_BIN_EXE_onefront")).args([
                "params",
                "--version",
                VERSION,
                "--format",
                "json",
            ]),
        );
        Reference {
            params: json["params"]
                .as_array()
                .unwrap()
                .iter()
                .map(param)
                .map(|p| (p.name.clone(), p))
                .collect(),
            containers: json["services"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|s| s["reference_container"] != "-")
                .map(|s| (text(s, "service"), text(s, "reference_container")))
                .collect(),
            listens: json["ports"]
                .as_array()
                .unwrap()
                .iter()
                .map(listen)
                .collect(),
            volumes: json["volumes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| Volume {
                    name: text(v, "canonical_volume"),
                    path: text(v, "path"),
                    used_by: list(&text(v, "used_by")),
                })
                .collect(),
        }
    })
}
