//! The UI corpus: every `tests/ui/<stage>/<case>.onefront` names its expected
//! outcome in its first line (`# expect: onefront::P1, onefront::P2` or
//! `# expect: ok`). The runner asserts the codes first, then snapshots the
//! rendered report.

use onefront::diagnostic::{plain_handler, render};

/// The codes a case's header expects, in order; empty for `ok`.
fn expected_codes(text: &str) -> Vec<String> {
    let header = text.lines().next().unwrap_or_default();
    let Some(expect) = header.strip_prefix("# expect:") else {
        panic!("the first line must be `# expect: ...`, found {header:?}");
    };
    let expect = expect.trim();
    if expect == "ok" {
        return Vec::new();
    }
    expect
        .split(',')
        .map(|code| code.trim().to_owned())
        .collect()
}

#[test]
fn ui_corpus() {
    insta::glob!("ui/**/*.onefront", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(path);
        let name = name.to_string_lossy().replace('\\', "/");
        let checked = onefront::check(&name, &text);
        let codes: Vec<String> = checked
            .diagnostics
            .iter()
            .map(onefront::diagnostic::Diagnostic::code_text)
            .collect();
        assert_eq!(codes, expected_codes(&text), "codes of {name}");
        let handler = plain_handler();
        let report: String = checked
            .diagnostics
            .iter()
            .map(|d| render(&handler, &name, &text, d))
            .collect();
        insta::assert_snapshot!(report);
    });
}

#[test]
fn corpus_is_large_enough() {
    let bad = walk(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/ui"
    )))
    .into_iter()
    .filter(|p| p.extension().is_some_and(|e| e == "onefront"))
    .filter(|p| !expected_codes(&std::fs::read_to_string(p).unwrap()).is_empty())
    .count();
    assert!(
        bad >= 25,
        "the corpus has {bad} bad inputs; the acceptance asks for 25"
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// Every rule id of the reference has, in `tests/ui/rules/`, a case that
/// triggers it (`ID_....onefront`, its code in the header) and a close
/// variant that does not (`ID_ok_....onefront`).
#[test]
fn every_rule_has_a_trigger_and_a_near_miss() {
    let rules_md = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("reference/5.13/rules.md");
    let rules = std::fs::read_to_string(&rules_md).unwrap();
    let ids: Vec<&str> = rules
        .lines()
        .filter_map(|l| l.strip_prefix("- **")?.split_whitespace().next())
        .collect();
    assert!(ids.len() >= 28, "{ids:?}");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui/rules");
    let cases: Vec<(String, Vec<String>)> = walk(&dir)
        .into_iter()
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?.to_owned();
            Some((name, expected_codes(&std::fs::read_to_string(&p).ok()?)))
        })
        .collect();
    let mut missing = Vec::new();
    for id in ids {
        let code = format!("onefront::{id}");
        let trigger = cases.iter().any(|(name, codes)| {
            name.starts_with(&format!("{id}_"))
                && !name.starts_with(&format!("{id}_ok_"))
                && codes.contains(&code)
        });
        let near_miss = cases
            .iter()
            .any(|(name, codes)| name.starts_with(&format!("{id}_ok_")) && !codes.contains(&code));
        if !trigger || !near_miss {
            missing.push(format!("{id} (trigger: {trigger}, near miss: {near_miss})"));
        }
    }
    assert_eq!(
        missing,
        Vec::<String>::new(),
        "rules without a pair of cases"
    );
}
