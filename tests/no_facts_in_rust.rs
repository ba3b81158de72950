//! Every reference fact lives in the stdlib: no Rust file under `src/`
//! spells the name of a parameter, deploy parameter, service or volume of
//! any embedded version. A new OpenNebula version is a stdlib file, not
//! Rust. (Unit tests at the end of a file, after `#[cfg(test)]`, may name
//! them: they test against the stdlib.)

use std::collections::BTreeSet;
use std::path::Path;

use onefront::editors::Vocabulary;

/// Words that are also something other than a reference name, where the
/// Rust means the other thing: (word, file, why).
const OTHER_MEANING: &[(&str, &str, &str)] = &[
    (
        "docker",
        "kinds.rs",
        "the container engine (`runtime docker`), not the service",
    ),
    (
        "all",
        "catalog.rs",
        "the deploy table's word for every container (`applies every`)",
    ),
    (
        "MYSQL_PORT",
        "syntax/expected.rs",
        "an example of the shape of a name, in the words of a syntax error",
    ),
];

/// The string literals of a Rust source, with their line numbers.
fn literals(source: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut chars = source.char_indices().peekable();
    let mut line = 1;
    while let Some((_, c)) = chars.next() {
        match c {
            '\n' => line += 1,
            '/' if chars.peek().is_some_and(|(_, n)| *n == '/') => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        line += 1;
                        break;
                    }
                }
            }
            '\'' => {
                // A char literal ('"' included) or a lifetime: skip a char
                // literal whole so that its quote opens no string.
                let rest: String = chars.clone().take(3).map(|(_, c)| c).collect();
                if rest.starts_with('\\') {
                    chars.next();
                    chars.next();
                    chars.next();
                } else if rest.chars().nth(1) == Some('\'') {
                    chars.next();
                    chars.next();
                }
            }
            '"' => {
                let start_line = line;
                let mut text = String::new();
                let mut escaped = false;
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        line += 1;
                    }
                    if escaped {
                        escaped = false;
                        text.push(c);
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        break;
                    } else {
                        text.push(c);
                    }
                }
                found.push((start_line, text));
            }
            _ => {}
        }
    }
    found
}

#[test]
fn no_rust_file_spells_a_reference_name() {
    let vocabulary = Vocabulary::new().unwrap();
    let mut names: BTreeSet<String> = BTreeSet::new();
    for list in ["parameters", "deploy-parameters", "services", "volumes"] {
        names.extend(vocabulary.get(list).unwrap().iter().cloned());
    }
    assert!(names.contains("OPENNEBULA_FRONTEND_SSH_HOST") && names.contains("all"));
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    for file in crate::support::files::under(&src, "rs") {
        let source = std::fs::read_to_string(&file).unwrap();
        let code = source.split("#[cfg(test)]").next().unwrap_or("");
        let relative = file.strip_prefix(&src).unwrap().display().to_string();
        for (line, literal) in literals(code) {
            // A whole literal, or a word of a longer one for the names no
            // English word looks like (`${DEPLOY_BIND_ADDR}`; not `docker`
            // in `docker compose`).
            let spelled = names.iter().find(|name| {
                literal == **name
                    || (name.contains('_')
                        && literal
                            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                            .any(|word| word == name.as_str()))
            });
            let Some(name) = spelled else {
                continue;
            };
            let excused = OTHER_MEANING
                .iter()
                .any(|(word, file, _)| word == name && relative == *file);
            if !excused {
                wrong.push(format!("src/{relative}:{line}: {literal:?} names `{name}`"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "reference facts belong in the stdlib (a `means`, a statement of the reference), not in Rust:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_scanner_finds_names_in_literals_and_skips_comments_and_chars() {
    let source =
        "// \"MYSQL_HOST\" in a comment\nlet a = '\"'; let b = \"x ${DEPLOY_BIND_ADDR} y\";\n";
    let found = literals(source);
    assert_eq!(found, vec![(2, "x ${DEPLOY_BIND_ADDR} y".to_owned())]);
}
