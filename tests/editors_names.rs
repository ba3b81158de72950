//! The editor grammars take their names from one source: the keywords of
//! `grammar/onefront.pest` and the names of the stdlib, filled into each
//! grammar's template by `onefront editors`. These tests fail when a grammar
//! is stale against either, or loses a word.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use onefront::editors::Vocabulary;
use onefront::reference::Reference;
use onefront::span::SourceId;

use crate::support::tempdir::TempDir;

/// The templates of the three editors; each must exist and name lists.
const TEMPLATES: &[&str] = &[
    "editors/vscode/syntaxes/onefront.tmLanguage.json.in",
    "editors/tree-sitter-onefront/queries/highlights.scm.in",
    "editors/vim/syntax/onefront.vim.in",
];

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn editors_check(root: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_onefront"))
        .args(["editors", "--check", "--root"])
        .arg(root)
        .output()
        .unwrap()
}

fn output_of(template: &str) -> PathBuf {
    repo().join(template.strip_suffix(".in").unwrap())
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_grammar_is_current_with_the_pest_grammar_and_the_stdlib() {
    let output = editors_check(repo());
    assert!(
        output.status.success(),
        "a grammar is stale; run `cargo run -- editors`:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn every_editor_grammar_is_written_from_a_template_with_lists() {
    for template in TEMPLATES {
        let text = read(&repo().join(template));
        assert!(
            text.contains("{{keywords:") && text.contains("{{parameters:"),
            "{template} names no keywords or no parameters"
        );
    }
}

/// Removing one keyword or one parameter name from any generated grammar
/// makes the check fail, naming the file.
#[test]
fn a_word_removed_from_a_grammar_is_caught() {
    for template in TEMPLATES {
        for word in ["maintenance", "ONEADMIN_PASSWORD"] {
            let temp = TempDir::new();
            copy_tree(&repo().join("editors"), &temp.std_path().join("editors"));
            let generated = temp.std_path().join(template.strip_suffix(".in").unwrap());
            let text = read(&generated);
            assert!(text.contains(word), "{template}'s grammar lacks `{word}`");
            std::fs::write(&generated, text.replacen(word, "", 1)).unwrap();

            let output = editors_check(temp.std_path());
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(
                output.status.code(),
                Some(1),
                "{template} without {word}: {stderr}"
            );
            assert!(
                stderr.contains("stale") && stderr.contains(template.strip_suffix(".in").unwrap()),
                "{stderr}"
            );
        }
    }
}

/// A parameter added to the stdlib, grammars not regenerated: every grammar
/// differs from what its template now renders.
#[test]
fn a_parameter_added_to_the_stdlib_makes_every_grammar_stale() {
    let stdlib = read(&repo().join("stdlib/opennebula-5.13.onefront"));
    let end = stdlib.trim_end().rfind('}').unwrap();
    let added = format!(
        "{}  param ONEFRONT_ADDED_PARAM: string {{\n    table main\n    reads oned\n    doc \"added by a test\"\n  }}\n{}",
        &stdlib[..end],
        &stdlib[end..]
    );
    let reference = Reference::from_source(SourceId::stdlib(0), &added, &|_| None).unwrap();
    assert!(reference.params.contains_key("ONEFRONT_ADDED_PARAM"));
    let vocabulary = Vocabulary::of(&[&reference]);
    for template in TEMPLATES {
        let rendered = vocabulary.render(&read(&repo().join(template))).unwrap();
        assert!(rendered.contains("ONEFRONT_ADDED_PARAM"), "{template}");
        assert_ne!(rendered, read(&output_of(template)), "{template}");
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "node_modules" || name == "target" {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            copy_tree(&path, &to.join(&name));
        } else {
            std::fs::copy(&path, to.join(&name)).unwrap();
        }
    }
}
