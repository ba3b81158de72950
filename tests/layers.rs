//! The tree shows the pipeline: no module of `src/` uses a module that comes
//! after it. `LAYERS` is the order of `src/lib.rs`'s table; a module may use
//! its own layer and the ones before it.

use std::path::Path;

/// The top-level modules of `src/`, earliest first. `migrate`, `import`,
/// `init`, `lsp` and `cli` are the clients of every stage and may use the
/// crate root (`check`, `compile`).
const LAYERS: &[&str] = &[
    "span",
    "kinds",
    "suggest",
    "diagnostic",
    "syntax",
    "reference",
    "ir",
    "resolve",
    "model",
    "validate",
    "emit",
    "output",
    "graph",
    "format",
    "migrate",
    "import",
    "init",
    "editors",
    "catalog",
    "lsp",
    "cli",
];

fn rank(module: &str) -> Option<usize> {
    LAYERS.iter().position(|m| *m == module)
}

/// The top-level module a file of `src/` belongs to (`None` for the crate
/// root, `lib.rs` and `main.rs`).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).unwrap();
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "lib" && name != "main").then(|| name.to_owned())
}

/// What a line of code names from the crate: the module after every
/// `crate::`, and `root` for an item of the crate root (`crate::check`) or a
/// top-level file's unindented `super::` (indented, it is in an inline
/// `mod tests` and names the file's own module).
fn used_modules(line: &str, top_level_file: bool) -> Vec<String> {
    let code = line.trim_start();
    if code.starts_with("//") {
        return Vec::new();
    }
    let mut used = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if rest.starts_with('{') {
            used.push("{".to_owned());
            continue;
        }
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        used.push(if rank(&name).is_some() {
            name
        } else {
            "root".to_owned()
        });
    }
    if top_level_file && line.starts_with("use super::") {
        used.push("root".to_owned());
    }
    used
}

#[test]
fn no_module_uses_a_later_stage() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    let mut seen_modules = Vec::new();
    for file in crate::support::files::under(&src, "rs") {
        let Some(module) = module_of(&src, &file) else {
            continue;
        };
        let Some(own) = rank(&module) else {
            wrong.push(format!(
                "{}: module `{module}` is not in LAYERS",
                file.display()
            ));
            continue;
        };
        seen_modules.push(module.clone());
        let top_level_file = file.parent() == Some(src.as_path());
        let text = std::fs::read_to_string(&file).unwrap();
        for (number, line) in text.lines().enumerate() {
            for used in used_modules(line, top_level_file) {
                let allowed = match used.as_str() {
                    "{" => false,
                    // The clients of the whole pipeline call it through the
                    // crate root (`check_files`), as a library user would.
                    "root" => matches!(
                        module.as_str(),
                        "cli" | "lsp" | "migrate" | "import" | "init"
                    ),
                    name => rank(name).is_some_and(|r| r <= own),
                };
                if !allowed {
                    wrong.push(format!(
                        "{}:{}: `{module}` uses `{used}`: {}",
                        file.display(),
                        number + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    for layer in LAYERS {
        assert!(
            seen_modules.iter().any(|m| m == layer),
            "LAYERS names `{layer}`, which src/ does not have"
        );
    }
    assert!(
        wrong.is_empty(),
        "imports against the pipeline order (`crate::{{...}}` is refused so that each path is checked):\n{}",
        wrong.join("\n")
    );
}

/// The checker itself: a later stage, the crate root and a grouped import
/// are caught; an earlier stage and a comment are not.
#[test]
fn the_layer_check_catches_a_backward_import() {
    assert_eq!(used_modules("use crate::emit::Artifact;", false), ["emit"]);
    assert_eq!(
        used_modules("    x: crate::MAX_DIAGNOSTICS,", false),
        ["root"]
    );
    assert_eq!(used_modules("use crate::{emit, span};", false), ["{"]);
    assert_eq!(used_modules("use super::header;", true), ["root"]);
    assert!(used_modules("    use super::closest;", true).is_empty());
    assert!(used_modules("//! built by [`crate::model`]", false).is_empty());
    assert!(rank("emit") > rank("model"));
}
