//! The tree-sitter grammar (`editors/tree-sitter-onefront`), run by the real
//! `tree-sitter` CLI: its generated parser is current, its corpus and
//! highlight tests pass, it parses every file onefront's own parser accepts
//! without an error node, and marks an error in every file onefront refuses.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use onefront::span::SourceId;

use crate::support::files;
use crate::support::tempdir::TempDir;
use crate::support::tools;

/// The grammar folder in the repository.
fn grammar_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/tree-sitter-onefront")
}

/// The captures the highlight queries use: the CLI's highlighter knows only
/// the names of its theme, so each must be listed in the configuration.
const CAPTURES: &[&str] = &[
    "comment",
    "comment.error",
    "constant",
    "constant.builtin",
    "constant.builtin.boolean",
    "keyword",
    "number",
    "operator",
    "punctuation.bracket",
    "punctuation.delimiter",
    "string",
    "string.escape",
    "string.special",
    "string.special.path",
    "type",
    "variable",
];

/// A `tree-sitter` with its home, cache (where it compiles the parser) and
/// configuration in a temporary folder, so that nothing is written into the
/// repository or the user's home.
struct TreeSitter {
    dir: TempDir,
}

impl TreeSitter {
    fn new() -> Self {
        let dir = TempDir::new();
        let theme: serde_json::Map<String, serde_json::Value> = CAPTURES
            .iter()
            .map(|name| ((*name).to_owned(), serde_json::Value::from("red")))
            .collect();
        let config = serde_json::json!({ "parser-directories": [], "theme": theme });
        std::fs::write(dir.std_path().join("config.json"), config.to_string()).unwrap();
        Self { dir }
    }

    /// `tree-sitter SUBCOMMAND ARGS` run in `cwd`, with `--config-path` when
    /// the subcommand reads the configuration.
    fn run(&self, cwd: &Path, subcommand: &str, args: &[&str]) -> Output {
        let root = self.dir.std_path();
        let mut command = Command::new(tools::tree_sitter());
        command.current_dir(cwd).arg(subcommand);
        if subcommand != "generate" {
            command.arg("--config-path").arg(root.join("config.json"));
        }
        command
            .args(args)
            .env("HOME", root)
            .env("XDG_CACHE_HOME", root.join("cache"))
            .env("XDG_CONFIG_HOME", root.join("config"))
            .env("TREE_SITTER_JS_RUNTIME", "native")
            .env("NO_COLOR", "1");
        command
            .output()
            .unwrap_or_else(|e| panic!("{command:?}: {e}"))
    }
}

/// Everything a run printed, for failure messages.
fn printed(output: &Output) -> String {
    format!(
        "exit: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The corpus files onefront refuses that tree-sitter parses without an
/// error node, each with the reason: the compiler checks more than the
/// grammar, and a highlighter may be more lenient, never stricter.
const LENIENT: &[(&str, &str)] = &[
    (
        "tests/ui/syntax/bad_escape_in_string.onefront",
        "`\\q` parses, as in pest, as an `invalid_escape` node (highlighted as an error); \
         the compiler refuses the escape once the string is parsed",
    ),
    (
        "tests/ui/syntax/escape_not_a_code_point.onefront",
        "`\\u{D800}` has the shape of an escape; that it names no character is checked \
         after parsing",
    ),
    (
        "tests/ui/syntax/integer_too_large.onefront",
        "digits are digits, as in pest; the 64-bit bound is checked after parsing",
    ),
    (
        "tests/ui/syntax/ipv4_octet_over_255.onefront",
        "`300.1.1.1` has the shape of an IPv4 address, as in pest; the octets are \
         checked after parsing",
    ),
    (
        "tests/ui/syntax/several_bad_literals.onefront",
        "a bad escape, an octet over 255 and a too large number, each as above",
    ),
];

/// Every `.onefront` file of the examples, the stdlib and the UI corpus,
/// relative to the repository.
fn corpus() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    ["examples", "stdlib", "tests/ui"]
        .iter()
        .flat_map(|dir| files::under(&root.join(dir), "onefront"))
        .map(|path| {
            path.strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

#[test]
fn tree_sitter_agrees_with_the_parser_on_every_corpus_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = corpus();
    assert!(files.len() > 100, "the corpus is missing: {files:?}");
    let tree_sitter = TreeSitter::new();
    let list = tree_sitter.dir.std_path().join("paths");
    std::fs::write(&list, files.join("\n")).unwrap();
    let grammar = grammar_dir();
    // One run over every file; `--quiet` prints only the files whose tree
    // has an ERROR or MISSING node, one a line, the path first.
    let output = tree_sitter.run(
        root,
        "parse",
        &[
            "--grammar-path",
            grammar.to_str().unwrap(),
            "--paths",
            list.to_str().unwrap(),
            "--quiet",
        ],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let flagged: BTreeSet<&str> = stdout
        .lines()
        .filter(|line| line.contains("(ERROR") || line.contains("(MISSING"))
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    assert!(
        flagged.iter().all(|path| files.iter().any(|f| f == path)),
        "unexpected output of tree-sitter parse:\n{}",
        printed(&output)
    );
    let mut wrong = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        let accepted = onefront::syntax::parse(SourceId(0), &text).is_ok();
        let marked = flagged.contains(file.as_str());
        let lenient = LENIENT.iter().any(|(path, _)| path == file);
        match (accepted, marked, lenient) {
            (true, true, _) => wrong.push(format!(
                "{file}: onefront parses it, tree-sitter finds an error"
            )),
            (false, false, false) => wrong.push(format!(
                "{file}: onefront refuses it, tree-sitter finds no error (list it in LENIENT with the reason if that is right)"
            )),
            (_, true, true) | (true, false, true) => wrong.push(format!(
                "{file}: listed in LENIENT but tree-sitter finds an error or onefront parses it"
            )),
            _ => {}
        }
    }
    assert!(
        wrong.is_empty(),
        "{}\n\ntree-sitter parse --quiet:\n{}",
        wrong.join("\n"),
        printed(&output)
    );
}

/// The files `tree-sitter generate` writes, which are committed.
const GENERATED: &[&str] = &[
    "src/parser.c",
    "src/grammar.json",
    "src/node-types.json",
    "src/tree_sitter/parser.h",
    "src/tree_sitter/alloc.h",
    "src/tree_sitter/array.h",
];

#[test]
fn the_committed_parser_is_generated_from_grammar_js() {
    let tree_sitter = TreeSitter::new();
    let copy = tree_sitter.dir.std_path().join("grammar");
    std::fs::create_dir_all(&copy).unwrap();
    for file in ["grammar.js", "tree-sitter.json"] {
        std::fs::copy(grammar_dir().join(file), copy.join(file)).unwrap();
    }
    let output = tree_sitter.run(&copy, "generate", &[]);
    assert!(
        output.status.success(),
        "tree-sitter generate failed:\n{}",
        printed(&output)
    );
    let stale: Vec<&str> = GENERATED
        .iter()
        .copied()
        .filter(|file| {
            let fresh = std::fs::read(copy.join(file))
                .unwrap_or_else(|e| panic!("tree-sitter generate wrote no {file}: {e}"));
            std::fs::read(grammar_dir().join(file)).ok() != Some(fresh)
        })
        .collect();
    assert!(
        stale.is_empty(),
        "{stale:?} differ from what `tree-sitter generate` makes of grammar.js: \
         run it in editors/tree-sitter-onefront and commit the result"
    );
}

#[test]
fn the_corpus_and_highlight_tests_pass() {
    let tree_sitter = TreeSitter::new();
    let grammar = grammar_dir();
    let output = tree_sitter.run(
        tree_sitter.dir.std_path(),
        "test",
        &["--grammar-path", grammar.to_str().unwrap()],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "tree-sitter test failed:\n{}",
        printed(&output)
    );
    // A folder the CLI did not find would pass with nothing run.
    for part in ["parses: ", "highlight"] {
        assert!(
            stdout.contains(part),
            "tree-sitter test ran no {part} tests:\n{}",
            printed(&output)
        );
    }
}

/// The words of the generated list `name` (keywords, booleans, ...).
fn vocabulary(name: &str) -> BTreeSet<String> {
    let words = onefront::editors::Vocabulary::new().unwrap();
    words
        .get(name)
        .unwrap_or_else(|| panic!("no list `{name}`"))
        .clone()
}

/// Every literal word (`"deployment"`, `"used-by"`) of the generated
/// `src/grammar.json`.
fn grammar_words() -> BTreeSet<String> {
    fn walk(value: &serde_json::Value, words: &mut BTreeSet<String>) {
        match value {
            serde_json::Value::Object(map) => {
                if map.get("type").and_then(|t| t.as_str()) == Some("STRING") {
                    if let Some(word) = map.get("value").and_then(|v| v.as_str()) {
                        if word.starts_with(|c: char| c.is_ascii_lowercase()) {
                            words.insert(word.to_owned());
                        }
                    }
                }
                map.values().for_each(|v| walk(v, words));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, words)),
            _ => {}
        }
    }
    let text = std::fs::read_to_string(grammar_dir().join("src/grammar.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut words = BTreeSet::new();
    walk(&json["rules"], &mut words);
    words
}

#[test]
fn the_grammar_has_every_keyword_of_the_pest_grammar_and_no_other() {
    let mut expected = vocabulary("keywords");
    expected.extend(vocabulary("booleans"));
    let found = grammar_words();
    let missing: Vec<_> = expected.difference(&found).collect();
    let extra: Vec<_> = found.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "grammar.js must have the keywords of grammar/onefront.pest:\n  \
         missing from grammar.js: {missing:?}\n  not keywords of the pest grammar: {extra:?}"
    );
}

/// `(word, capture)` for every assertion of the highlight tests: the word of
/// the code line above that a `^` or `<-` points at, and the capture named.
fn highlight_assertions() -> Vec<(String, String)> {
    let mut found = Vec::new();
    for path in files::under(&grammar_dir().join("test/highlight"), "onefront") {
        let text = std::fs::read_to_string(&path).unwrap();
        let mut code = "";
        for line in text.lines() {
            let marker = line
                .strip_prefix('#')
                .and_then(|rest| rest.find('^').map(|at| (at + 1, &rest[at + 1..])))
                .or_else(|| line.strip_prefix("# <-").map(|rest| (0, rest)));
            let Some((column, capture)) = marker else {
                code = line;
                continue;
            };
            let word: String = code
                .get(column..)
                .unwrap_or_default()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            found.push((word, capture.trim().to_owned()));
        }
    }
    found
}

#[test]
fn the_highlight_tests_check_every_keyword_and_boolean() {
    let assertions = highlight_assertions();
    for (list, capture) in [
        ("keywords", "keyword"),
        ("booleans", "constant.builtin.boolean"),
    ] {
        let checked: BTreeSet<&str> = assertions
            .iter()
            .filter(|(_, c)| c == capture)
            .map(|(word, _)| word.as_str())
            .collect();
        let unchecked: Vec<String> = vocabulary(list)
            .into_iter()
            .filter(|word| !checked.contains(word.as_str()))
            .collect();
        assert!(
            unchecked.is_empty(),
            "no `{capture}` assertion in editors/tree-sitter-onefront/test/highlight \
             for {unchecked:?}"
        );
    }
}

/// One capture of `tree-sitter query`'s output: file, name, start and end.
type Capture = (String, String, String);

/// The captures `tree-sitter query QUERY` finds in `paths`: (file, capture
/// name, `start-end` of the node).
fn query(tree_sitter: &TreeSitter, query: &str, paths: &[String]) -> Vec<Capture> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let list = tree_sitter.dir.std_path().join("query-paths");
    std::fs::write(&list, paths.join("\n")).unwrap();
    let grammar = grammar_dir();
    let query_path = grammar.join("queries").join(query);
    let output = tree_sitter.run(
        root,
        "query",
        &[
            "--grammar-path",
            grammar.to_str().unwrap(),
            query_path.to_str().unwrap(),
            "--paths",
            list.to_str().unwrap(),
        ],
    );
    assert!(
        output.status.success(),
        "tree-sitter query {query} failed:\n{}",
        printed(&output)
    );
    let mut captures = Vec::new();
    let mut file = String::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        if !line.starts_with(' ') {
            line.trim().clone_into(&mut file);
        } else if let Some(capture) = line.trim().strip_prefix("capture: ") {
            // `3 - keyword, start: (4, 0), end: (4, 10), text: ...` or, for a
            // node over several lines, `fold, start: (4, 0), end: (13, 1)`.
            let capture = capture.split_once(" - ").map_or(capture, |(_, rest)| rest);
            let (name, rest) = capture.split_once(", start: ").unwrap();
            let range = rest.split(", text: ").next().unwrap();
            captures.push((file.clone(), name.to_owned(), range.to_owned()));
        }
    }
    captures
}

#[test]
fn highlights_give_each_node_one_capture_and_folds_and_indents_compile() {
    let tree_sitter = TreeSitter::new();
    let files = corpus();
    let captures = query(&tree_sitter, "highlights.scm", &files);
    assert!(
        captures.len() > 5_000,
        "too few captures: {}",
        captures.len()
    );
    let unknown: BTreeSet<&str> = captures
        .iter()
        .map(|(_, name, _)| name.as_str())
        .filter(|name| !CAPTURES.contains(name))
        .collect();
    assert!(
        unknown.is_empty(),
        "captures missing from CAPTURES (the highlight tests' theme): {unknown:?}"
    );
    // Two captures on one node would make the highlight depend on the
    // editor's precedence (Neovim: the last pattern; Helix: the first).
    let mut seen: BTreeMap<(&str, &str), &str> = BTreeMap::new();
    let mut twice = Vec::new();
    for (file, name, range) in &captures {
        if let Some(first) = seen.insert((file.as_str(), range.as_str()), name.as_str()) {
            twice.push(format!("{file} {range}: {first} and {name}"));
        }
    }
    assert!(
        twice.is_empty(),
        "nodes with two captures:\n{}",
        twice.join("\n")
    );
    let examples: Vec<String> = files
        .into_iter()
        .filter(|f| f.starts_with("examples/") || f.starts_with("stdlib/"))
        .collect();
    for (query_file, wanted) in [
        ("folds.scm", &["fold"][..]),
        (
            "indents.scm",
            &["indent.begin", "indent", "indent.branch", "outdent"][..],
        ),
    ] {
        let names: BTreeSet<String> = query(&tree_sitter, query_file, &examples)
            .into_iter()
            .map(|(_, name, _)| name)
            .collect();
        for name in wanted {
            assert!(
                names.contains(*name),
                "{query_file} captured no `{name}` in the examples and the stdlib: {names:?}"
            );
        }
    }
}
