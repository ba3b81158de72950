//! `onefront fmt`: idempotent, the same syntax tree and the same comments
//! after formatting as before, over every file of the repository that
//! parses and over generated files with comments and line breaks thrown in;
//! snapshots of its decisions; the command line's `--check`, `-` and
//! in-place modes.

use std::io::Write as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::{Command, Stdio};

use onefront::format::format;
use onefront::span::SourceId;
use onefront::syntax::concrete::{self, Element, Node, TokenKind};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};

use crate::support::files::under;
use crate::support::generate;
use crate::support::tempdir::TempDir;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The tree without comments and layout: each node's rule around its
/// children, each token's text.
fn shape(node: &Node<'_>, out: &mut Vec<String>) {
    out.push(format!("({:?}", node.rule));
    for child in &node.children {
        match child {
            Element::Node(inner) => shape(inner, out),
            Element::Token(token) if token.kind != TokenKind::Comment => {
                out.push(token.text.to_owned());
            }
            Element::Token(_) => {}
        }
    }
    out.push(")".to_owned());
}

/// The comments, in order, without the blanks at their ends.
fn comments(node: &Node<'_>) -> Vec<String> {
    node.tokens()
        .iter()
        .filter(|t| t.kind == TokenKind::Comment)
        .map(|t| t.text.trim_end().to_owned())
        .collect()
}

/// Formats `text` and checks the formatted file: it parses to the same tree
/// with the same comments, and formatting it again changes nothing.
fn formats_faithfully(text: &str) -> Result<String, String> {
    let before = concrete::parse(SourceId(0), text).map_err(|e| format!("input: {e:?}"))?;
    let formatted = format(SourceId(0), text).map_err(|e| format!("format: {e:?}"))?;
    let after = concrete::parse(SourceId(0), &formatted)
        .map_err(|e| format!("the formatted file does not parse: {e:?}\n{formatted}"))?;
    let (mut a, mut b) = (Vec::new(), Vec::new());
    shape(&before.root, &mut a);
    shape(&after.root, &mut b);
    if a != b {
        let at = a
            .iter()
            .zip(&b)
            .position(|(x, y)| x != y)
            .unwrap_or(a.len().min(b.len()));
        return Err(format!(
            "another tree after formatting, from {at}: {:?} vs {:?}\n{formatted}",
            &a[at..a.len().min(at + 8)],
            &b[at..b.len().min(at + 8)]
        ));
    }
    if comments(&before.root) != comments(&after.root) {
        return Err(format!(
            "comments changed: {:?} vs {:?}",
            comments(&before.root),
            comments(&after.root)
        ));
    }
    let again = format(SourceId(0), &formatted).map_err(|e| format!("second format: {e:?}"))?;
    if again != formatted {
        return Err(format!("not idempotent:\n{formatted}\n---\n{again}"));
    }
    Ok(formatted)
}

/// Every example, the stdlib, every UI case and every fmt case that parses.
#[test]
fn every_file_of_the_repository_that_parses_formats_faithfully() {
    let mut files = Vec::new();
    for dir in [
        "examples",
        "stdlib",
        "tests/ui",
        "tests/fmt",
        "fuzz/regressions",
    ] {
        files.extend(under(&repo().join(dir), "onefront"));
    }
    let (mut formatted, mut failures) = (0, Vec::new());
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        if onefront::syntax::parse(SourceId(0), &text).is_err() {
            continue;
        }
        match formats_faithfully(&text) {
            Ok(_) => formatted += 1,
            Err(e) => failures.push(format!("{}: {e}", file.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(formatted > 150, "only {formatted} files parsed");
}

/// The examples and the stdlib are kept formatted.
#[test]
fn examples_and_stdlib_are_formatted() {
    let mut files = under(&repo().join("examples"), "onefront");
    files.extend(under(&repo().join("stdlib"), "onefront"));
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let formatted = format(SourceId(0), &text).unwrap();
        assert!(
            formatted == text,
            "{} is not formatted: run `onefront fmt {}`",
            file.display(),
            file.display()
        );
    }
}

/// The formatting decisions, comments in every position: reviewed
/// snapshots of `tests/fmt/*.onefront`.
#[test]
fn formatting_decisions() {
    insta::glob!("fmt/*.onefront", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let formatted = formats_faithfully(&text).unwrap_or_else(|e| panic!("{e}"));
        insta::assert_snapshot!(formatted);
    });
}

// ---------------------------------------------------------------------------
// Generated files
// ---------------------------------------------------------------------------

/// What goes between two tokens of a generated file.
fn separator() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => Just(" ".to_owned()),
        2 => Just("\n".to_owned()),
        1 => Just("\n\n\n".to_owned()),
        1 => Just("\t ".to_owned()),
        1 => Just(String::new()),
        1 => "[a-z #]{0,8}".prop_map(|c| format!(" #{c}\n")),
        1 => "[a-z ]{0,8}".prop_map(|c| format!("\n  # {c}\n\n")),
    ]
}

/// A generated file's tokens laid out anew: random line breaks, blank
/// lines, tabs and comments between them (nothing where two words would
/// run together, a line break after every comment).
fn relaid(text: &str, separators: &[String]) -> String {
    let tree = concrete::parse(SourceId(0), text).unwrap();
    let tokens = tree.root.tokens();
    let mut out = String::new();
    for (i, token) in tokens.iter().enumerate() {
        if i > 0 {
            let mut gap = separators[i % separators.len()].clone();
            let word = |k: TokenKind| matches!(k, TokenKind::Word(_));
            if gap.is_empty() && word(tokens[i - 1].kind) && word(token.kind) {
                gap.push(' ');
            }
            // A comment runs to the end of its line.
            if tokens[i - 1].kind == TokenKind::Comment && !gap.contains('\n') {
                gap.push('\n');
            }
            out.push_str(&gap);
        }
        out.push_str(token.text);
    }
    out
}

#[test]
fn generated_files_with_comments_anywhere_format_faithfully() {
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 200;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(0x0f0f_0001);
    }
    config.failure_persistence = None;
    let mut runner = TestRunner::new(config);
    let strategy = (
        generate::file(|_| true, |_| true),
        prop::collection::vec(separator(), 1..64),
    );
    let result = runner.run(&strategy, |(file, separators)| {
        let text = relaid(&file.to_string(), &separators);
        formats_faithfully(&text)
            .map_err(|e| TestCaseError::fail(format!("{e}\n--- input:\n{text}")))?;
        Ok(())
    });
    if let Err(error) = result {
        panic!("{error}");
    }
}

// ---------------------------------------------------------------------------
// The command line
// ---------------------------------------------------------------------------

fn onefront() -> Command {
    Command::new(env!("CARGO_BIN_EXE_onefront"))
}

const MISFORMATTED: &str = "onefront 5.13\ndeployment x {\nlayout all-in-one # here\n  env { ONEADMIN_PASSWORD = secret }\n}\n";
const FORMATTED: &str = "onefront 5.13\ndeployment x {\n  layout all-in-one  # here\n  env {\n    ONEADMIN_PASSWORD = secret\n  }\n}\n";

#[test]
fn check_passes_on_the_repository_and_fails_with_a_diff_on_a_misformatted_file() {
    let clean = onefront()
        .args(["fmt", "--check", "examples", "stdlib"])
        .current_dir(repo())
        .output()
        .unwrap();
    assert_eq!(
        clean.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&clean.stderr)
    );
    assert!(clean.stdout.is_empty());

    let temp = TempDir::new();
    let file = temp.std_path().join("x.onefront");
    std::fs::write(&file, MISFORMATTED).unwrap();
    let check = onefront()
        .args(["fmt", "--check"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1));
    let diff = String::from_utf8(check.stdout).unwrap();
    assert!(diff.contains("\n-layout all-in-one # here\n"), "{diff}");
    assert!(diff.contains("\n+  layout all-in-one  # here\n"), "{diff}");
    assert!(diff.starts_with("--- "), "{diff}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        MISFORMATTED,
        "--check wrote"
    );
}

#[test]
fn fmt_rewrites_in_place_keeping_the_mode_and_only_what_changed() {
    let temp = TempDir::new();
    let file = temp.std_path().join("x.onefront");
    std::fs::write(&file, MISFORMATTED).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    let run = onefront().arg("fmt").arg(temp.std_path()).output().unwrap();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), FORMATTED);
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    let names: Vec<_> = std::fs::read_dir(temp.std_path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "left beside it: {names:?}");
}

/// `onefront fmt -` with `input` on standard input.
fn fmt_dash(input: &str) -> std::process::Output {
    let mut child = onefront()
        .args(["fmt", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input.as_bytes()).unwrap();
    drop(stdin);
    child.wait_with_output().unwrap()
}

#[test]
fn fmt_dash_round_trips_through_a_pipe() {
    let output = fmt_dash(MISFORMATTED);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8(output.stdout).unwrap(), FORMATTED);
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn an_unparsable_file_is_left_untouched_with_its_diagnostic() {
    let temp = TempDir::new();
    let file = temp.std_path().join("broken.onefront");
    let broken = "onefront 5.13\ndeployment x {\n  layout: all-in-one\n}\n";
    std::fs::write(&file, broken).unwrap();
    let run = onefront().arg("fmt").arg(&file).output().unwrap();
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("onefront::syntax"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), broken);

    let output = fmt_dash(broken);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        output.stdout.is_empty(),
        "an editor would replace the buffer with this"
    );
}

/// The whole files shown in the README and the docs (code blocks that start
/// with the header) are shown formatted, as `onefront fmt` would leave them.
#[test]
fn whole_files_in_the_docs_are_formatted() {
    let mut docs = vec![repo().join("README.md")];
    docs.extend(under(&repo().join("docs"), "md"));
    let mut checked = 0;
    for doc in docs {
        let text = std::fs::read_to_string(&doc).unwrap();
        for block in text.split("```onefront\n").skip(1) {
            let block = &block[..block.find("```").unwrap()];
            let whole_file = block
                .lines()
                .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
                .is_some_and(|l| l.starts_with("onefront "));
            if whole_file {
                let formatted = format(SourceId(0), block).unwrap();
                assert!(
                    formatted == block,
                    "{}: a block is not formatted; it should read:\n{formatted}",
                    doc.display()
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 2, "only {checked} blocks");
}
