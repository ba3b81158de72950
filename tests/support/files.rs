//! The files of a folder that tests walk.

use std::path::{Path, PathBuf};

/// Every file below `dir` whose name ends in `.EXTENSION`, sorted.
///
/// # Panics
///
/// If `dir` cannot be read.
#[must_use]
pub fn under(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(under(&path, extension));
        } else if path.extension().is_some_and(|e| e == extension) {
            found.push(path);
        }
    }
    found.sort();
    found
}
