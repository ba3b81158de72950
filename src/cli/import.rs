//! `onefront import`: reads a compose project or `docker run` lines, prints
//! (or writes) the `.onefront` file, and reports on standard error what the
//! file does not say, the secrets it leaves to the environment, and what
//! `validate` says of it.

use std::io::{Read as _, Write as _};

use camino::{Utf8Path, Utf8PathBuf};

use super::{INVALID, IoError, OK, Printer, USAGE};
use crate::import::{self, Options, Project, Refusal};
use crate::span::SourceId;

/// The file names Compose looks for in a folder, in its order.
const COMPOSE_FILES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];

/// What to import from, and how.
pub(super) struct Request<'a> {
    pub input: &'a Utf8Path,
    pub out: Option<&'a Utf8Path>,
    pub version: Option<String>,
    pub name: Option<String>,
}

pub(super) fn run(printer: &Printer, request: &Request<'_>) -> u8 {
    let (project, source) = match read(request.input) {
        Ok(read) => read,
        Err(code) => return code,
    };
    let options = Options {
        version: request.version.clone(),
        name: request.name.clone(),
        source: source.clone(),
    };
    let imported = match import::import(&project, &options) {
        Ok(imported) => imported,
        Err(Refusal::UnknownVersion(version)) => {
            let known = crate::reference::versions().join(", ");
            eprintln!("error: no reference `{version}`; this onefront knows {known}");
            return USAGE;
        }
        Err(Refusal::NoContainer(findings)) => {
            for finding in &findings {
                eprintln!("{}", shown(&source, finding));
            }
            eprintln!(
                "error: {}: no container runs a service of the reference, so there is nothing to import\n  \
                 help: a container runs the service its service parameter names (all services when unset); \
                 `onefront explain all` and `onefront params` list them",
                crate::emit::one_line(&source)
            );
            return INVALID;
        }
    };
    for finding in &imported.findings {
        eprintln!(
            "warning: {} (kept as a REVIEW comment)",
            shown(&source, finding)
        );
    }
    for (param, variable) in &imported.secrets {
        eprintln!(
            "note: {param} is secret: its value is not written in the file; set ${variable} where the deployment starts"
        );
    }
    let shown = request.out.map_or("(imported)", Utf8Path::as_str);
    let sources = crate::sources(&[(shown, imported.text.as_str())]);
    printer.diagnostics(&sources, SourceId(0), &imported.diagnostics);
    let errors = imported
        .diagnostics
        .iter()
        .any(crate::diagnostic::Diagnostic::is_error);
    if errors {
        eprintln!("the imported file does not validate: see the errors above");
    }
    let written = match request.out {
        None => {
            let _ = std::io::stdout().lock().write_all(imported.text.as_bytes());
            OK
        }
        Some(path) => write_new(printer, path, &imported.text),
    };
    if written != OK {
        return written;
    }
    if let Some(path) = request.out {
        eprintln!(
            "wrote {path}: {} to review",
            count(imported.findings.len(), "finding")
        );
    }
    if errors { INVALID } else { OK }
}

/// `FILE:LINE: what`, kept on one line.
fn shown(source: &str, finding: &import::Finding) -> String {
    let line = if finding.line > 0 {
        format!(":{}", finding.line)
    } else {
        String::new()
    };
    format!(
        "{}{line}: {}",
        crate::emit::one_line(source),
        crate::emit::one_line(&finding.to_string())
    )
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// Writes a new file; an existing one is left alone.
fn write_new(printer: &Printer, path: &Utf8Path, text: &str) -> u8 {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path);
    let written = file.and_then(|mut f| {
        f.write_all(text.as_bytes())?;
        f.sync_all()
    });
    match written {
        Ok(()) => OK,
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            eprintln!("error: {path} exists: onefront import does not overwrite a file");
            USAGE
        }
        Err(source) => {
            let _ = std::fs::remove_file(path);
            printer.error(&IoError {
                path: path.to_owned(),
                source,
            });
            USAGE
        }
    }
}

/// Reads the input: a folder holding a compose file, a compose file, a file
/// of `docker run` lines, or `-` (standard input, either kind).
fn read(input: &Utf8Path) -> Result<(Project, String), u8> {
    let (text, file, folder) = if input.as_str() == "-" {
        let mut text = String::new();
        if std::io::stdin().read_to_string(&mut text).is_err() {
            eprintln!("error: standard input is not UTF-8 text");
            return Err(USAGE);
        }
        (
            text,
            Utf8PathBuf::from("standard input"),
            Utf8PathBuf::from("."),
        )
    } else if input.is_dir() {
        let Some(file) = COMPOSE_FILES
            .iter()
            .map(|name| input.join(name))
            .find(|path| path.is_file())
        else {
            eprintln!(
                "error: {input} holds no compose file ({})",
                COMPOSE_FILES.join(", ")
            );
            return Err(USAGE);
        };
        (read_text(&file)?, file, input.to_owned())
    } else {
        let folder = input
            .parent()
            .filter(|p| !p.as_str().is_empty())
            .unwrap_or(Utf8Path::new("."))
            .to_owned();
        (read_text(input)?, input.to_owned(), folder)
    };
    let source = file.to_string();
    let base = file
        .parent()
        .filter(|p| !p.as_str().is_empty())
        .unwrap_or(Utf8Path::new("."))
        .to_owned();
    let env_file = |path: &str| std::fs::read_to_string(base.join(path)).map_err(|e| e.to_string());
    if import::run::looks_like_run(&text) {
        return match import::run::read(&text, &env_file) {
            Ok(project) => Ok((project, source)),
            Err(error) => {
                let why = match error {
                    import::run::Unreadable::Quotes(line) => {
                        format!("line {line}: a quote is not closed")
                    }
                    import::run::Unreadable::NoImage(line) => {
                        format!("line {line}: the command names no image")
                    }
                    import::run::Unreadable::NoCommand => {
                        "no `docker run` or `podman run` command".to_owned()
                    }
                    import::run::Unreadable::EnvFile(path, error) => {
                        format!("--env-file {path}: {error}")
                    }
                };
                eprintln!("error: {source}: {why}");
                Err(INVALID)
            }
        };
    }
    let dotenv = std::fs::read_to_string(folder.join(".env")).unwrap_or_default();
    let absolute = std::fs::canonicalize(&folder)
        .ok()
        .and_then(|p| Utf8PathBuf::from_path_buf(p).ok());
    let folder = absolute.unwrap_or(folder);
    match import::compose::read(&text, &dotenv, folder.as_str(), &env_file) {
        Ok(project) => Ok((project, source)),
        Err(error) => {
            let why = match error {
                import::compose::Unreadable::Yaml(yaml) => {
                    let what = match yaml.fault {
                        import::yaml::YamlFault::Syntax(message) => message,
                        import::yaml::YamlFault::TooDeep => "nested too deeply".to_owned(),
                        import::yaml::YamlFault::ComplexKey => {
                            "a mapping key that is not a scalar".to_owned()
                        }
                        import::yaml::YamlFault::Unresolved => {
                            "an alias that cannot be resolved".to_owned()
                        }
                    };
                    format!("line {}: not YAML: {what}", yaml.line)
                }
                import::compose::Unreadable::NoServices => {
                    "neither a compose file (no `services:`) nor `docker run` lines".to_owned()
                }
                import::compose::Unreadable::EnvFile(path, error) => {
                    format!("env_file {path}: {error}")
                }
            };
            eprintln!("error: {source}: {why}");
            Err(INVALID)
        }
    }
}

fn read_text(path: &Utf8Path) -> Result<String, u8> {
    match std::fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|_| {
            eprintln!("error: {path} is not UTF-8 text");
            INVALID
        }),
        Err(error) => {
            eprintln!("error: cannot read `{path}`: {error}");
            Err(USAGE)
        }
    }
}
