//! The UI corpus: every `tests/ui/<stage>/<case>.onefront` names its expected
//! outcome in its first line (`# expect: onefront::P1, onefront::P2` or
//! `# expect: ok`). The runner asserts the codes first, then snapshots the
//! rendered report, then checks a compiling case's `# output:` lines against
//! the files it generates.

use onefront::diagnostic::{plain_handler, render};
use onefront::span::SourceId;

use crate::support::output_directive::{self, Directive};

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
    // Output failures are gathered, so that one failing case hides none of
    // the others.
    let mut output_failures = Vec::new();
    let mut code_failures = Vec::new();
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
        let expected = expected_codes(&text);
        if codes != expected {
            code_failures.push(format!(
                "{name}:\n  expected {expected:?}\n  found    {codes:?}"
            ));
        }
        let handler = plain_handler();
        let sources = onefront::sources(&[(&name, &text)]);
        let report: String = checked
            .diagnostics
            .iter()
            .map(|d| render(&handler, &sources, SourceId(0), d))
            .collect();
        insta::assert_snapshot!(report);
        output_failures.extend(output_failures_of(&name, &text));
    });
    assert!(
        code_failures.is_empty(),
        "{} case(s) report other codes than their header says:\n{}",
        code_failures.len(),
        code_failures.join("\n")
    );
    assert!(
        output_failures.is_empty(),
        "{} failure(s) of `# output:` lines (tests/ui/README.md):\n\n{}",
        output_failures.len(),
        output_failures.join("\n\n")
    );
}

/// The directives of a case, or why they cannot be read.
fn directives(name: &str, text: &str) -> Result<Vec<Directive>, String> {
    output_directive::parse_all(text).map_err(|e| format!("{name}: {e}"))
}

/// What is wrong with a case's `# output:` lines: a case that compiles
/// proves its point with at least one, and each holds; one that does not
/// compile has none, as they could never be checked.
fn output_failures_of(name: &str, text: &str) -> Vec<String> {
    let directives = match directives(name, text) {
        Ok(directives) => directives,
        Err(e) => return vec![e],
    };
    let Ok((artifacts, _)) = onefront::compile(name, text) else {
        if directives.is_empty() {
            return Vec::new();
        }
        return vec![format!(
            "{name} does not compile, so its `# output:` lines are never checked: remove them"
        )];
    };
    if directives.is_empty() {
        return vec![format!(
            "{name} compiles but asserts nothing about its output: add `# output:` lines"
        )];
    }
    directives
        .iter()
        .filter_map(|d| {
            d.check(&artifacts)
                .err()
                .map(|e| format!("{name}: `{}`\n{e}", d.raw))
        })
        .collect()
}

/// Every case that compiles has `# output:` lines: listed all at once, so that
/// a new case without them is named even when other cases fail.
#[test]
fn every_compiling_case_asserts_its_output() {
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/ui"));
    let mut silent: Vec<String> = walk(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "onefront"))
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let name = p.strip_prefix(env!("CARGO_MANIFEST_DIR")).ok()?;
            let name = name.to_string_lossy().into_owned();
            let compiles = onefront::compile(&name, &text).is_ok();
            let silent = directives(&name, &text).is_ok_and(|d| d.is_empty());
            (compiles && silent).then_some(name)
        })
        .collect();
    silent.sort();
    assert_eq!(
        silent,
        Vec::<String>::new(),
        "cases that compile without an `# output:` line"
    );
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

/// Every rule id of the stdlib (those of the reference, which a test of
/// `reference_tables.rs` checks are all there, and onefront's own) has, in
/// `tests/ui/rules/`, a case that triggers it (`ID_....onefront`, its code
/// in the header) and a close variant that does not (`ID_ok_....onefront`).
#[test]
fn every_rule_has_a_trigger_and_a_near_miss() {
    // The rules of every version, each once; those no statement of the
    // language can break are listed, with the reason, in reference_tables.
    let mut ids: Vec<String> = Vec::new();
    for version in onefront::reference::versions() {
        let reference = onefront::reference::Reference::load(version)
            .unwrap()
            .unwrap();
        for id in reference.rules.keys() {
            if !ids.contains(id) && !crate::reference_tables::NOT_CHECKED_YET.contains(&id.as_str())
            {
                ids.push(id.clone());
            }
        }
    }
    assert!(ids.len() >= 40, "{ids:?}");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui/rules");
    let cases: Vec<(String, Vec<String>)> = walk(&dir)
        .into_iter()
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?.to_owned();
            Some((name, expected_codes(&std::fs::read_to_string(&p).ok()?)))
        })
        .collect();
    let mut missing = Vec::new();
    for id in &ids {
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

/// A file's diagnostics do not depend on what other threads parse at the
/// same time (pest's error detail is one flag for the process): broken and
/// valid files checked in eight threads at once give what each gives alone.
#[test]
fn diagnostics_are_the_same_when_files_are_checked_in_parallel() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let files: Vec<(String, String)> = [
        "tests/ui/syntax/three_slips_then_a_misspelt_parameter.onefront",
        "examples/reference.onefront",
        "examples/all-in-one.onefront",
    ]
    .iter()
    .map(|f| {
        (
            (*f).to_owned(),
            std::fs::read_to_string(root.join(f)).unwrap(),
        )
    })
    .collect();
    let alone: Vec<String> = files
        .iter()
        .map(|(name, text)| format!("{:?}", onefront::check(name, text).diagnostics))
        .collect();
    assert!(
        alone[0].contains("Syntax") || alone[0].contains("Missing"),
        "{}",
        alone[0]
    );
    std::thread::scope(|scope| {
        for thread in 0..8 {
            let (files, alone) = (&files, &alone);
            scope.spawn(move || {
                for round in 0..40 {
                    let i = (thread + round) % files.len();
                    let (name, text) = &files[i];
                    let got = format!("{:?}", onefront::check(name, text).diagnostics);
                    assert_eq!(got, alone[i], "{name} in thread {thread}, round {round}");
                }
            });
        }
    });
}
