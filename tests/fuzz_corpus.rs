//! The fuzz corpus and its crash regressions, through the stages the fuzz
//! target drives (check, render every diagnostic, emit), in the regular test
//! run: an input that once broke onefront keeps being tried.

use std::path::Path;

#[test]
fn corpus_and_regressions_run_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut count = 0;
    for dir in ["corpus/compile", "regressions"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            if let Ok(text) = std::str::from_utf8(&bytes) {
                onefront::exercise(text);
                count += 1;
            }
        }
    }
    assert!(count > 100, "the corpus is there ({count} inputs)");
}
