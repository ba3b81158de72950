//! `onefront editors`: writes (or checks) the editor grammars under
//! `ROOT/editors` from their templates, `NAME.in` -> `NAME`.

use camino::{Utf8Path, Utf8PathBuf};

use super::{INVALID, OK, USAGE};
use crate::editors::Vocabulary;

/// Folders below `editors/` that hold no templates of ours.
const SKIPPED: &[&str] = &["node_modules", "target", "build"];

pub(super) fn run(root: &Utf8Path, check: bool, lists: bool) -> u8 {
    let vocabulary = match Vocabulary::new() {
        Ok(vocabulary) => vocabulary,
        Err(fault) => {
            eprintln!("error: {fault}");
            return USAGE;
        }
    };
    if lists {
        for (name, about) in vocabulary.lists() {
            let words = vocabulary.get(name).into_iter().flatten();
            let words: Vec<&str> = words.map(String::as_str).collect();
            println!("{name} ({about}):\n  {}", words.join(" "));
        }
        return OK;
    }
    let editors = root.join("editors");
    let mut templates = Vec::new();
    if let Err(error) = find_templates(&editors, &mut templates) {
        eprintln!("error: cannot read `{editors}`: {error}");
        return USAGE;
    }
    if templates.is_empty() {
        eprintln!("error: no templates (`*.in`) under `{editors}`");
        return USAGE;
    }
    templates.sort();
    let mut code = OK;
    for template in &templates {
        let output = Utf8PathBuf::from(template.as_str().trim_end_matches(".in"));
        let text = match std::fs::read_to_string(template) {
            Ok(text) => text,
            Err(error) => {
                eprintln!("error: cannot read `{template}`: {error}");
                code = USAGE;
                continue;
            }
        };
        let rendered = match vocabulary.render(&text) {
            Ok(rendered) => rendered,
            Err(error) => {
                eprintln!("error: {template}:{error}");
                code = USAGE;
                continue;
            }
        };
        let current = std::fs::read_to_string(&output).ok();
        if current.as_deref() == Some(rendered.as_str()) {
            continue;
        }
        if check {
            eprintln!(
                "stale: `{output}` differs from its template `{template}` and the stdlib; \
                 run `onefront editors --root {root}`"
            );
            code = code.max(INVALID);
        } else if let Err(error) = super::replace_file(&output, &rendered) {
            eprintln!("error: cannot write `{output}`: {error}");
            code = USAGE;
        } else {
            eprintln!("wrote {output}");
        }
    }
    code
}

/// Every `*.in` file below `dir`.
fn find_templates(dir: &Utf8Path, found: &mut Vec<Utf8PathBuf>) -> std::io::Result<()> {
    for entry in dir.read_dir_utf8()? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            let name = entry.file_name();
            if !name.starts_with('.') && !SKIPPED.contains(&name) {
                find_templates(path, found)?;
            }
        } else if path.extension() == Some("in") {
            found.push(path.to_owned());
        }
    }
    Ok(())
}
