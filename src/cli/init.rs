//! `onefront init`: a new deployment file, written only where no file is.

use std::io::Write as _;

use camino::{Utf8Path, Utf8PathBuf};

use super::{INVALID, IoError, OK, Printer, USAGE};
use crate::init::{Refusal, Request, init};

pub(super) fn run(printer: &Printer, request: Request<'_>, out: Option<&Utf8Path>) -> u8 {
    let template = match init(request) {
        Ok(template) => template,
        Err(refusal) => return refused(printer, refusal),
    };
    let path = out.map_or_else(
        || Utf8PathBuf::from(format!("{}.onefront", template.name)),
        Utf8Path::to_owned,
    );
    if path == "-" {
        let _ = std::io::stdout().lock().write_all(template.text.as_bytes());
        return OK;
    }
    match create_file(&path, &template.text) {
        Ok(()) => {
            eprintln!(
                "wrote {path}: replace its {} placeholders (`onefront validate {path}` lists them), then `onefront compile {path} -o out`",
                template.placeholders
            );
            OK
        }
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            eprintln!(
                "error: {path} exists; onefront init never overwrites a file: give another name or `-o FILE`"
            );
            USAGE
        }
        Err(source) => {
            printer.error(&IoError { path, source });
            USAGE
        }
    }
}

fn refused(printer: &Printer, refusal: Refusal) -> u8 {
    match refusal {
        Refusal::UnknownVersion(version) => {
            let known = crate::reference::versions().join(", ");
            eprintln!("error: no reference `{version}`; this onefront knows {known}");
        }
        Refusal::UnknownLayout { layout, known } => {
            eprintln!(
                "error: no layout `{layout}` in this reference; it has {}",
                known.join(", ")
            );
        }
        Refusal::BadName(diagnostic) => printer.error(diagnostic.as_ref()),
        Refusal::Internal(diagnostics) => {
            for diagnostic in &diagnostics {
                printer.error(diagnostic);
            }
            eprintln!("internal error: the template does not validate; please report it");
            return INVALID;
        }
    }
    USAGE
}

/// Writes `text` to `path`, which must not exist: into a file beside it,
/// then linked into place, which fails if `path` appeared meanwhile. An
/// existing file is never opened for writing, and an interrupted run
/// leaves no half file at `path`. Where the file system has no hard links,
/// `path` is created, only if it does not exist, and written.
fn create_file(path: &Utf8Path, text: &str) -> std::io::Result<()> {
    use std::io::ErrorKind;
    if path.symlink_metadata().is_ok() {
        return Err(ErrorKind::AlreadyExists.into());
    }
    let name = path.file_name().unwrap_or("file");
    let partial = path.with_file_name(format!(".{name}.onefront-partial"));
    let written = std::fs::write(&partial, text)
        .and_then(|()| std::fs::File::open(&partial)?.sync_all())
        .and_then(|()| std::fs::hard_link(&partial, path));
    let _ = std::fs::remove_file(&partial);
    match written {
        Err(error)
            if matches!(
                error.kind(),
                ErrorKind::Unsupported | ErrorKind::PermissionDenied
            ) =>
        {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)?;
            file.write_all(text.as_bytes())?;
            file.sync_all()
        }
        other => other,
    }
}
