//! The stdlib against the reference tables: `onefront params --format json`
//! must list every row of `reference/5.13/*.tsv` with the same facts
//! (the summaries are our own words, so they are not compared).

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

/// The reference tables of 5.13, as the repository carries them.
fn reference_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("reference/5.13")
}

/// A TSV table as rows of (column, value), in file order.
fn table(name: &str) -> Vec<Vec<(String, String)>> {
    let path = reference_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            header
                .iter()
                .map(|h| (*h).to_owned())
                .zip(l.split('\t').map(str::to_owned))
                .collect()
        })
        .collect()
}

fn params_json() -> Value {
    crate::support::tools::json_of(
        Command::new(env!("CARGO_BIN_EXE_onefront")).args(["params", "--format", "json"]),
    )
}

/// Compares one table with the JSON rows, every column but `summary`.
fn compare(json: &Value, key: &str, tsv: &str) {
    let rows = json[key].as_array().unwrap();
    let expected = table(tsv);
    assert_eq!(rows.len(), expected.len(), "{tsv}: row count");
    for want in expected {
        let found = rows.iter().any(|row| {
            want.iter()
                .filter(|(column, _)| column != "summary")
                .all(|(column, value)| cell(&row[column.as_str()]) == *value)
        });
        assert!(found, "{tsv}: no row of `onefront params` matches {want:?}");
    }
}

fn cell(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[test]
fn params_lists_every_row_of_the_reference() {
    let json = params_json();
    assert_eq!(json["reference"], "5.13");
    compare(&json, "services", "services.tsv");
    compare(&json, "params", "params.tsv");
    compare(&json, "ports", "ports.tsv");
    compare(&json, "volumes", "volumes.tsv");
    compare(&json, "deploy", "deploy.tsv");
}

#[test]
fn every_rule_of_the_reference_is_in_the_stdlib() {
    let rules = std::fs::read_to_string(reference_dir().join("rules.md")).unwrap();
    let ids: Vec<&str> = rules
        .lines()
        .filter_map(|l| l.strip_prefix("- **")?.split_whitespace().next())
        .collect();
    assert!(ids.len() >= 28, "{ids:?}");
    for id in ids {
        let output = Command::new(env!("CARGO_BIN_EXE_onefront"))
            .args(["explain", id])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && text.contains(&format!("onefront::{id}")),
            "explain {id}: {text}"
        );
    }
}

/// `onefront explain ID` shows a wrong and a right example: the wrong one
/// must trigger the rule and the right one must not, inside a deployment
/// (or as one, for an example that opens with `deployment`).
#[test]
fn every_rule_example_shows_its_rule() {
    let reference = onefront::reference::Reference::load("5.13")
        .unwrap()
        .unwrap();
    let mut wrong_examples = Vec::new();
    for rule in reference.rules.values() {
        let code = format!("onefront::{}", rule.id);
        let codes = |snippet: &str| -> Vec<String> {
            let text = if snippet.starts_with("deployment ") {
                format!("onefront 5.13\n{snippet}\n")
            } else {
                format!("onefront 5.13\ndeployment example {{\n{snippet}\n}}\n")
            };
            onefront::check("example.onefront", &text)
                .diagnostics
                .iter()
                .map(onefront::diagnostic::Diagnostic::code_text)
                .collect()
        };
        let (Some(wrong), Some(right)) = (&rule.wrong, &rule.right) else {
            wrong_examples.push(format!("{}: no example", rule.id));
            continue;
        };
        let (wrong_codes, right_codes) = (codes(wrong), codes(right));
        if !wrong_codes.contains(&code) || right_codes.contains(&code) {
            wrong_examples.push(format!(
                "{}: wrong gives {wrong_codes:?}, right gives {right_codes:?}",
                rule.id
            ));
        }
    }
    assert_eq!(wrong_examples, Vec::<String>::new());
}

/// The levels (error, warning) each diagnostic of `src/diagnostic/mod.rs` can
/// have, per code: read from its `#[diagnostic(code(...), severity(...))]`
/// attributes, so that every variant counts, reported by a test or not.
fn levels_in_rust() -> std::collections::BTreeMap<String, (bool, bool)> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/diagnostic/mod.rs");
    let text = std::fs::read_to_string(path).unwrap();
    let mut levels = std::collections::BTreeMap::new();
    for attribute in text.split("#[diagnostic(").skip(1) {
        // The attribute runs to the variant it is on.
        let attribute = attribute.split(" {\n").next().unwrap_or_default();
        let Some(code) = attribute
            .split("code(onefront::")
            .nth(1)
            .and_then(|rest| rest.split(')').next())
        else {
            continue;
        };
        let warning = attribute.contains("severity(Warning)");
        let entry = levels.entry(code.to_owned()).or_insert((false, false));
        if warning {
            entry.1 = true;
        } else {
            entry.0 = true;
        }
    }
    levels
}

/// Severity has one source: the stdlib says which levels each rule's
/// findings can have (`rule P6 error, warning`), and the diagnostics of
/// that code have exactly those levels.
#[test]
fn every_rule_has_the_levels_the_stdlib_gives_it() {
    let reference = onefront::reference::Reference::load("5.13")
        .unwrap()
        .unwrap();
    let rust = levels_in_rust();
    let words = |(error, warning): (bool, bool)| match (error, warning) {
        (true, true) => "error, warning",
        (true, false) => "error",
        (false, true) => "warning",
        (false, false) => "none",
    };
    let mut wrong = Vec::new();
    for rule in reference.rules.values() {
        let stdlib = (rule.error, rule.warning);
        let found = rust.get(&rule.id).copied().unwrap_or((false, false));
        if found != stdlib {
            wrong.push(format!(
                "{}: the stdlib says {}, src/diagnostic/mod.rs has {}",
                rule.id,
                words(stdlib),
                words(found)
            ));
        }
    }
    for code in rust.keys() {
        let is_rule_id = code.len() > 1
            && code.starts_with(|c: char| c.is_ascii_uppercase())
            && code[1..].chars().all(|c| c.is_ascii_digit());
        if is_rule_id && !reference.rules.contains_key(code) {
            wrong.push(format!(
                "{code}: a diagnostic code that no stdlib rule defines"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
