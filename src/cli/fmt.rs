//! `onefront fmt`: files in place (whole or not at all), `-` through a pipe,
//! `--check` as a unified diff.

use std::io::{Read as _, Write as _};

use camino::{Utf8Path, Utf8PathBuf};

use super::{INVALID, Input, OK, Printer, USAGE, read};
use crate::span::SourceId;

pub(super) fn run(printer: &Printer, paths: &[Utf8PathBuf], check: bool) -> u8 {
    let mut code = OK;
    let mut files = Vec::new();
    for path in paths {
        if path.as_str() == "-" {
            files.push(None);
        } else if path.is_dir() {
            let before = files.len();
            if let Err(error) = onefront_files(path, &mut files) {
                printer.error(&super::IoError {
                    path: path.clone(),
                    source: error,
                });
                code = USAGE;
            }
            files[before..].sort();
        } else {
            files.push(Some(path.clone()));
        }
    }
    let (mut changed, mut unchanged) = (0, 0);
    for file in &files {
        let input = match file {
            None => match stdin() {
                Ok(input) => input,
                Err(error) => {
                    eprintln!("error: cannot read standard input: {error}");
                    code = USAGE;
                    continue;
                }
            },
            Some(path) => match read(printer, path) {
                Ok(input) => input,
                Err(failed) => {
                    code = code.max(failed);
                    continue;
                }
            },
        };
        let formatted = match crate::format::format(SourceId(0), &input.text) {
            Ok(formatted) => formatted,
            Err(diagnostics) => {
                let sources = crate::sources(&[(input.path.as_str(), input.text.as_str())]);
                printer.diagnostics(&sources, SourceId(0), &diagnostics);
                eprintln!("{}: not formatted: fix the syntax error first", input.path);
                code = code.max(INVALID);
                continue;
            }
        };
        let differs = formatted != input.text;
        if differs {
            changed += 1;
        } else {
            unchanged += 1;
        }
        if check {
            if differs {
                print!("{}", diff(&input.path, &input.text, &formatted));
                code = code.max(INVALID);
            }
        } else if file.is_none() {
            let mut stdout = std::io::stdout().lock();
            if let Err(error) = stdout.write_all(formatted.as_bytes()) {
                eprintln!("error: cannot write standard output: {error}");
                code = USAGE;
            }
        } else if differs && let Err(error) = super::replace_file(&input.path, &formatted) {
            printer.error(&super::IoError {
                path: input.path.clone(),
                source: error,
            });
            code = USAGE;
        }
    }
    if files.iter().any(Option::is_some) {
        let verb = if check {
            "would be reformatted"
        } else {
            "reformatted"
        };
        eprintln!(
            "{changed} {} {verb}, {unchanged} unchanged",
            if changed == 1 { "file" } else { "files" }
        );
    }
    code
}

fn stdin() -> std::io::Result<Input> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .take(crate::syntax::MAX_SOURCE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() > crate::syntax::MAX_SOURCE_BYTES {
        return Err(std::io::Error::other(format!(
            "more than {} bytes",
            crate::syntax::MAX_SOURCE_BYTES
        )));
    }
    let text = String::from_utf8(bytes).map_err(|_| std::io::Error::other("not UTF-8 text"))?;
    Ok(Input {
        path: Utf8PathBuf::from("<stdin>"),
        text,
    })
}

/// Every `.onefront` file below `dir`, hidden folders and `target` aside.
fn onefront_files(dir: &Utf8Path, found: &mut Vec<Option<Utf8PathBuf>>) -> std::io::Result<()> {
    for entry in dir.read_dir_utf8()? {
        let entry = entry?;
        let name = entry.file_name();
        if entry.file_type()?.is_dir() {
            if !name.starts_with('.') && name != "target" && name != "node_modules" {
                onefront_files(entry.path(), found)?;
            }
        } else if entry.path().extension() == Some("onefront") {
            found.push(Some(entry.path().to_owned()));
        }
    }
    Ok(())
}

/// A unified diff from `before` to `after`, with three lines of context.
fn diff(path: &Utf8Path, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("{path}"), &format!("{path} (formatted)"))
        .to_string()
}
