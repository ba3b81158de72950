//! The stdlibs against the reference tables: for every version that has a
//! folder `reference/<version>/`, `onefront params --version <version>
//! --format json` must list every row of its `*.tsv` with the same facts
//! (the summaries are our own words, so they are not compared), and every
//! rule of its `rules.md` must be in that stdlib.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

/// Cells of a table that the language cannot state as the table writes
/// them, with the value the stdlib gives instead: (versions, table, the
/// row's key column and value, column, the table's value, the stdlib's
/// value, why). Each must still be in the table as written here, so that a
/// change of the table is seen.
const GAPS: &[Gap] = &[
    Gap {
        versions: &["6.0", "6.2"],
        file: "services.tsv",
        row: ("service", "etcd"),
        column: "reference_container",
        table: "?",
        stdlib: "-",
        why: "upstream names no container for etcd; a service without `container` has none",
    },
    Gap {
        versions: &["6.0", "6.2"],
        file: "deploy.tsv",
        row: ("name", "DEPLOY_OPENNEBULA_IMAGE_NAME"),
        column: "default",
        table: "opennebula/opennebula (CE) or enterprise.opennebula.io/opennebula (EE)",
        stdlib: "opennebula/opennebula",
        why: "a default is one value: the stdlib takes the Community Edition's",
    },
    Gap {
        versions: &["6.0", "6.2"],
        file: "deploy.tsv",
        row: ("name", "DEPLOY_VOLUME_DATASTORES"),
        column: "container",
        table: "opennebula-oned,opennebula-sshd",
        stdlib: "opennebula-oned",
        why: "`applies` names one container or every container",
    },
    Gap {
        versions: &["6.0", "6.2"],
        file: "volumes.tsv",
        row: ("path", "/var/lib/one/.ssh-oneprovision"),
        column: "used_by",
        table: "oneprovision",
        stdlib: "-",
        why: "a directory without a volume name has no `used-by`",
    },
    Gap {
        versions: &["6.0", "6.2"],
        file: "volumes.tsv",
        row: ("path", "/srv/one/secret-tls"),
        column: "used_by",
        table: "oned,sshd,oneflow,onegate,sunstone",
        stdlib: "-",
        why: "a directory without a volume name has no `used-by`",
    },
];

struct Gap {
    versions: &'static [&'static str],
    file: &'static str,
    row: (&'static str, &'static str),
    column: &'static str,
    table: &'static str,
    stdlib: &'static str,
    why: &'static str,
}

/// Rules of the 6.0 reference that onefront does not check, each with why
/// (no statement of the language can break them): the stdlib has them for
/// `explain`, no diagnostic has their code, and their examples are not run.
/// Checking one means taking it off this list.
pub(crate) const NOT_CHECKED_YET: &[&str] = &[
    // onefront writes no DEPLOY_VOLUME_DATASTORES of its own: `volume
    // opennebula_datastores named "x"` becomes a volume that Compose creates
    // (nothing must exist beforehand), and the same one in oned and sshd is C6.
    "D5",
    // No statement sets the AppArmor profile (in `env` it is D3): it keeps
    // its default, on opennebula-oned only; oned elsewhere is C9.
    "D6", // No statement names the host's architecture or the runtime's version.
    "R5",
    // No statement says what a front-end is part of (federation, HA) or
    // where a datastore lives (NFS, Ceph, ...).
    "R6",
];

/// Levels that a stdlib gives a rule and no diagnostic has yet: (rule,
/// level). 6.0's P3 warns about `OPENNEBULA_HOST` in an all-in-one
/// container; 5.13's P3 has no warning, and this test compares the levels
/// of every version with those of the one code.
const LEVELS_NOT_YET: &[(&str, &str)] = &[];

fn reference_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("reference")
}

/// The versions that have reference tables: the folders of `reference/`
/// with a `params.tsv`, oldest first.
fn versions() -> Vec<String> {
    let mut versions: Vec<String> = std::fs::read_dir(reference_root())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.join("params.tsv").is_file())
        .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    versions.sort_by_key(|v| {
        v.split('.')
            .map(|n| n.parse::<u32>().unwrap())
            .collect::<Vec<_>>()
    });
    versions
}

/// The reference tables of `version`, as the repository carries them.
fn reference_dir(version: &str) -> PathBuf {
    reference_root().join(version)
}

/// A TSV table as rows of (column, value), in file order.
fn table(version: &str, name: &str) -> Vec<Vec<(String, String)>> {
    let path = reference_dir(version).join(name);
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

fn params_json(version: &str) -> Value {
    crate::support::tools::json_of(Command::new(env!("CARGO_BIN_EXE_onefront")).args([
        "params",
        "--version",
        version,
        "--format",
        "json",
    ]))
}

/// Compares one table with the JSON rows, every column but `summary`; the
/// cells of `GAPS` must have the stdlib's value instead. Returns the gaps
/// used.
fn compare(json: &Value, version: &str, key: &str, tsv: &str) -> Vec<usize> {
    let rows = json[key].as_array().unwrap();
    let expected = table(version, tsv);
    assert_eq!(rows.len(), expected.len(), "{version} {tsv}: row count");
    let mut used = Vec::new();
    for mut want in expected {
        for (index, gap) in GAPS.iter().enumerate() {
            if !gap.versions.contains(&version) || gap.file != tsv {
                continue;
            }
            let (key_column, key_value) = gap.row;
            if !want.iter().any(|(c, v)| c == key_column && v == key_value) {
                continue;
            }
            let cell = want
                .iter_mut()
                .find(|(c, _)| c == gap.column)
                .unwrap_or_else(|| panic!("{version} {tsv}: no column {}", gap.column));
            assert_eq!(
                cell.1, gap.table,
                "{version} {tsv} {key_value}: the table changed; update GAPS (the gap: {})",
                gap.why
            );
            gap.stdlib.clone_into(&mut cell.1);
            used.push(index);
        }
        let found = rows.iter().any(|row| {
            want.iter()
                .filter(|(column, _)| column != "summary")
                .all(|(column, value)| cell(&row[column.as_str()]) == *value)
        });
        assert!(
            found,
            "{version} {tsv}: no row of `onefront params` matches {want:?}"
        );
    }
    used
}

fn cell(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Every version with tables has a stdlib, and every stdlib has tables.
#[test]
fn every_version_has_tables_and_a_stdlib() {
    assert_eq!(versions(), onefront::reference::versions());
}

#[test]
fn params_lists_every_row_of_the_reference() {
    let mut used = Vec::new();
    for version in versions() {
        let json = params_json(&version);
        assert_eq!(json["reference"], version.as_str());
        used.extend(compare(&json, &version, "services", "services.tsv"));
        used.extend(compare(&json, &version, "params", "params.tsv"));
        used.extend(compare(&json, &version, "ports", "ports.tsv"));
        used.extend(compare(&json, &version, "volumes", "volumes.tsv"));
        used.extend(compare(&json, &version, "deploy", "deploy.tsv"));
    }
    for (index, gap) in GAPS.iter().enumerate() {
        let count = used.iter().filter(|u| **u == index).count();
        assert_eq!(
            count,
            gap.versions.len(),
            "GAPS: {} {:?} of {:?} is not a cell of every version it names",
            gap.file,
            gap.row,
            gap.versions
        );
    }
}

/// The rule ids a `rules.md` states, and those it lists as removed (under
/// a heading that says so).
fn rule_ids(version: &str) -> (Vec<String>, Vec<String>) {
    let rules = std::fs::read_to_string(reference_dir(version).join("rules.md")).unwrap();
    let (mut stated, mut removed) = (Vec::new(), Vec::new());
    let mut in_removed = false;
    for line in rules.lines() {
        if line.starts_with("## ") {
            in_removed = line.to_ascii_lowercase().contains("removed");
        }
        let Some(id) = line
            .strip_prefix("- **")
            .and_then(|l| l.split_whitespace().next())
        else {
            continue;
        };
        if in_removed {
            removed.push(id.to_owned());
        } else {
            stated.push(id.to_owned());
        }
    }
    (stated, removed)
}

fn explain(version: &str, id: &str) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_onefront"))
        .args(["explain", "--version", version, id])
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[test]
fn every_rule_of_the_reference_is_in_the_stdlib() {
    for version in versions() {
        let (ids, removed) = rule_ids(&version);
        assert!(ids.len() >= 28, "{version}: {ids:?}");
        for id in ids {
            let (ok, text) = explain(&version, &id);
            assert!(
                ok && text.contains(&format!("onefront::{id}")),
                "explain --version {version} {id}: {text}"
            );
        }
        for id in removed {
            let (ok, text) = explain(&version, &id);
            assert!(
                !ok,
                "explain --version {version} {id}: a removed rule is in the stdlib: {text}"
            );
        }
    }
}

/// `onefront explain ID` shows a wrong and a right example: the wrong one
/// must trigger the rule and the right one must not, inside a deployment
/// (or as one, for an example that opens with `deployment`) of the rule's
/// version.
#[test]
fn every_rule_example_shows_its_rule() {
    let mut wrong_examples = Vec::new();
    for version in versions() {
        let reference = onefront::reference::Reference::load(&version)
            .unwrap()
            .unwrap();
        for rule in reference.rules.values() {
            if NOT_CHECKED_YET.contains(&rule.id.as_str()) {
                continue;
            }
            let code = format!("onefront::{}", rule.id);
            let codes = |snippet: &str| -> Vec<String> {
                let text = if snippet.starts_with("deployment ") {
                    format!("onefront {version}\n{snippet}\n")
                } else {
                    format!("onefront {version}\ndeployment example {{\n{snippet}\n}}\n")
                };
                onefront::check("example.onefront", &text)
                    .diagnostics
                    .iter()
                    .map(onefront::diagnostic::Diagnostic::code_text)
                    .collect()
            };
            let (Some(wrong), Some(right)) = (&rule.wrong, &rule.right) else {
                wrong_examples.push(format!("{version} {}: no example", rule.id));
                continue;
            };
            let (wrong_codes, right_codes) = (codes(wrong), codes(right));
            if !wrong_codes.contains(&code) || right_codes.contains(&code) {
                wrong_examples.push(format!(
                    "{version} {}: wrong gives {wrong_codes:?}, right gives {right_codes:?}",
                    rule.id
                ));
            }
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
/// that code have exactly those levels, in every version (but for the
/// rules and levels not checked yet, which no diagnostic may have).
#[test]
fn every_rule_has_the_levels_the_stdlib_gives_it() {
    let rust = levels_in_rust();
    let words = |(error, warning): (bool, bool)| match (error, warning) {
        (true, true) => "error, warning",
        (true, false) => "error",
        (false, true) => "warning",
        (false, false) => "none",
    };
    let mut wrong = Vec::new();
    let mut defined = std::collections::BTreeSet::new();
    // The levels any version's stdlib gives each code: a level of a code is
    // one diagnostic of Rust, which a version may not state (5.13's P3 is
    // an error only; 6.0's warns too, about all-in-one).
    let mut union: std::collections::BTreeMap<String, (bool, bool)> =
        std::collections::BTreeMap::new();
    for version in versions() {
        let reference = onefront::reference::Reference::load(&version)
            .unwrap()
            .unwrap();
        for rule in reference.rules.values() {
            defined.insert(rule.id.clone());
            let found = rust.get(&rule.id).copied().unwrap_or((false, false));
            if NOT_CHECKED_YET.contains(&rule.id.as_str()) {
                if found != (false, false) {
                    wrong.push(format!(
                        "{}: src/diagnostic/mod.rs has it ({}); take it off NOT_CHECKED_YET",
                        rule.id,
                        words(found)
                    ));
                }
                continue;
            }
            let not_yet = |level: &str| LEVELS_NOT_YET.contains(&(rule.id.as_str(), level));
            let stdlib = (
                rule.error && !not_yet("error"),
                rule.warning && !not_yet("warning"),
            );
            for (level, (in_stdlib, in_rust)) in [
                ("error", (rule.error, found.0)),
                ("warning", (rule.warning, found.1)),
            ] {
                if not_yet(level) && in_stdlib && in_rust {
                    wrong.push(format!(
                        "{}: src/diagnostic/mod.rs has the {level}; take it off LEVELS_NOT_YET",
                        rule.id
                    ));
                }
            }
            let levels = union.entry(rule.id.clone()).or_default();
            *levels = (levels.0 || stdlib.0, levels.1 || stdlib.1);
            // What this version states, Rust must have.
            if (stdlib.0 && !found.0) || (stdlib.1 && !found.1) {
                wrong.push(format!(
                    "{version} {}: the stdlib says {}, src/diagnostic/mod.rs has {}",
                    rule.id,
                    words(stdlib),
                    words(found)
                ));
            }
        }
    }
    // What Rust has, some version must state.
    for (code, levels) in &union {
        let found = rust.get(code).copied().unwrap_or((false, false));
        if found != *levels {
            wrong.push(format!(
                "{code}: the stdlibs say {} at most, src/diagnostic/mod.rs has {}",
                words(*levels),
                words(found)
            ));
        }
    }
    for code in rust.keys() {
        let is_rule_id = code.len() > 1
            && code.starts_with(|c: char| c.is_ascii_uppercase())
            && code[1..].chars().all(|c| c.is_ascii_digit());
        if is_rule_id && !defined.contains(code) {
            wrong.push(format!(
                "{code}: a diagnostic code that no stdlib rule defines"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// `reference/migration-5.13-6.0.tsv` and the two stdlibs agree: a renamed
/// parameter has its 5.13 name as `renamed-from` (and no other has one), a
/// removed name is gone, an added one is there.
#[test]
fn the_migration_table_matches_the_stdlibs() {
    let load = |version: &str| {
        onefront::reference::Reference::load(version)
            .unwrap()
            .unwrap()
    };
    let (old, new) = (load("5.13"), load("6.0"));
    let path = reference_root().join("migration-5.13-6.0.tsv");
    let text = std::fs::read_to_string(&path).unwrap();
    // A volume is `canonical_volume:path`, `-` for a nameless one.
    let has = |r: &onefront::reference::Reference, kind: &str, name: &str| match kind {
        "param" => r.params.contains_key(name),
        "deploy" => r.deploys.contains_key(name),
        "service" => r.services.contains_key(name),
        "volume" => match name.split_once(':').unwrap() {
            ("-", at) => r.directories.iter().any(|d| d.path == at),
            (volume, at) => r.volumes.get(volume).is_some_and(|v| v.path == at),
        },
        other => panic!("{}: unknown kind {other}", path.display()),
    };
    let mut wrong = Vec::new();
    let mut renamed = Vec::new();
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let columns: Vec<&str> = line.split('\t').collect();
        let [kind, before, after, change, _note] = columns[..] else {
            panic!("{}: {line}", path.display());
        };
        let was = before != "-" && has(old, kind, before);
        let is = after != "-" && has(new, kind, after);
        let gone = before == "-" || !has(new, kind, before) || before == after;
        let fine = match change {
            "added" => !was && is,
            "removed" => was && gone,
            "renamed" => {
                if kind == "param" {
                    renamed.push((after, before));
                }
                was && is && gone
            }
            _ => was && is,
        };
        if !fine {
            wrong.push(format!("{line} (5.13 has it: {was}, 6.0 has it: {is})"));
        }
    }
    let mut stated: Vec<(&str, &str)> = new
        .params
        .values()
        .flat_map(|p| p.renamed_from.iter().map(|r| (p.name.as_str(), r.as_str())))
        .collect();
    stated.sort_unstable();
    renamed.sort_unstable();
    assert_eq!(stated, renamed, "renamed-from against the migration table");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
