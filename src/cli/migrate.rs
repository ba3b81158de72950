//! `onefront migrate`: each file in place (whole or not at all), or
//! `--check`.

use camino::Utf8PathBuf;

use super::{INVALID, OK, Printer, USAGE, read};
use crate::migrate::{Refusal, migrate};
use crate::span::SourceId;

pub(super) fn run(printer: &Printer, files: &[Utf8PathBuf], to: &str, check: bool) -> u8 {
    let mut code = OK;
    let mut pending = 0;
    for path in files {
        let input = match read(printer, path) {
            Ok(input) => input,
            Err(failed) => {
                code = code.max(failed);
                continue;
            }
        };
        let migration = match migrate(path.as_str(), &input.text, to) {
            Ok(migration) => migration,
            Err(Refusal::UnknownTarget(version)) => {
                let known = crate::reference::versions().join(", ");
                eprintln!(
                    "error: no reference `{version}` to migrate to; this onefront knows {known}"
                );
                return USAGE;
            }
            Err(Refusal::Unreadable(diagnostics)) => {
                let sources = crate::sources(&[(path.as_str(), input.text.as_str())]);
                printer.diagnostics(&sources, SourceId(0), &diagnostics);
                eprintln!("{path}: not migrated: fix the errors above first");
                code = code.max(INVALID);
                continue;
            }
        };
        if migration.text == input.text {
            continue;
        }
        pending += 1;
        for change in &migration.changes {
            eprintln!("{path}:{}: {}", change.line, change.what);
        }
        if check {
            code = code.max(INVALID);
        } else if let Err(error) = super::replace_file(path, &migration.text) {
            printer.error(&super::IoError {
                path: path.clone(),
                source: error,
            });
            code = USAGE;
        }
    }
    let verb = if check {
        "would be migrated"
    } else {
        "migrated"
    };
    eprintln!(
        "{pending} {} {verb} to reference {to}",
        if pending == 1 { "file" } else { "files" }
    );
    code
}
