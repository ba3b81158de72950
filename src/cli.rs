//! The command line: the only place that reads arguments, prints, or decides
//! the exit code (0 ok, 1 invalid input or drift, 2 usage or I/O error).

use std::io::{IsTerminal as _, Write as _};
use std::process::ExitCode;

use camino::{Utf8Path, Utf8PathBuf};
use clap::builder::{Resettable, StyledStr};
use clap::{CommandFactory as _, Parser, Subcommand, ValueEnum, ValueHint};
use miette::{GraphicalReportHandler, GraphicalTheme};

use crate::diagnostic::{Diagnostic, Sources, render};
use crate::reference::{Reference, STDLIBS};
use crate::span::SourceId;

mod completions;
mod editors;
mod fmt;
mod graph;
mod import;
mod init;
mod man;
mod migrate;
mod report;

use completions::Completed;

/// The name of the program, as users type it.
const EXE: &str = "onefront";

const EXAMPLES: &str = "\
Examples:
  onefront init                                               # writes opennebula.onefront
  onefront compile examples/reference.onefront -o out
  onefront compile --check examples/reference.onefront -o out   # CI: fail on drift
  onefront validate deploy/*.onefront
  onefront fmt --check deploy/                                # CI: fail on layout drift
  onefront import ./docker-compose.yml -o opennebula.onefront   # an existing deployment
  onefront params --format json
  onefront graph examples/reference.onefront -o reference.svg
  onefront explain sunstone.http
  onefront completions bash > ~/.local/share/bash-completion/completions/onefront";

/// Compiles `.onefront` files into an OpenNebula front-end deployed as
/// containers.
///
/// Each deployment of a file becomes `docker-compose` files, env files and
/// a systemd unit, once the file checks against the whole deployment
/// reference.
#[derive(Debug, Parser)]
#[command(name = EXE, version, after_help = EXAMPLES)]
struct Cli {
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true)]
    color: Color,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write a new deployment file, NAME.onefront, commented and ready to
    /// fill in: a placeholder wherever a value of yours belongs (rule O6).
    /// Never overwrites a file.
    Init {
        /// The deployment's name (default: the reference's, `opennebula`).
        name: Option<String>,
        /// How services are spread over containers: a layout of the
        /// reference, such as all-in-one, reference or custom (default: the
        /// reference's default).
        #[arg(long, value_name = "LAYOUT")]
        layout: Option<String>,
        /// The reference version (default: the newest this onefront knows).
        #[arg(
            long = "version",
            visible_alias = "reference",
            value_name = "VERSION",
            value_parser = Completed::versions()
        )]
        reference: Option<String>,
        /// Where to write it (default: NAME.onefront in the current
        /// directory); `-` writes to standard output.
        #[arg(short, long, value_name = "FILE")]
        out: Option<Utf8PathBuf>,
    },
    /// Check files and write each deployment's files under DIR/NAME/.
    Compile {
        /// The `.onefront` files.
        #[arg(required = true, value_hint = ValueHint::FilePath)]
        files: Vec<Utf8PathBuf>,
        /// The output directory.
        #[arg(short, long, value_name = "DIR", value_hint = ValueHint::DirPath)]
        out: Utf8PathBuf,
        /// Write nothing; exit 1 when the files on disk differ from what
        /// compile would write.
        #[arg(long)]
        check: bool,
        /// Overwrite files that onefront did not generate.
        #[arg(long)]
        force: bool,
        /// Write the maintenance variant: the same project and volumes, with
        /// every service configured but none started (rule R3).
        #[arg(long)]
        maintenance: bool,
    },
    /// Check files against the reference and report every problem; files
    /// given together are front-ends of one host (their ports must not
    /// collide).
    Validate {
        /// The `.onefront` files.
        #[arg(required = true, value_hint = ValueHint::FilePath)]
        files: Vec<Utf8PathBuf>,
        /// How to report: for people, or JSON, GitHub annotations, SARIF.
        #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
        format: ReportFormat,
        /// Fail (exit 1) on warnings too: `--deny warnings`.
        #[arg(long, value_name = "warnings", value_parser = ["warnings"])]
        deny: Option<String>,
    },
    /// Draw each deployment: its containers, published ports, volumes (and
    /// who shares them), `*_HOST` links and external servers.
    Graph {
        /// The `.onefront` files.
        #[arg(required = true)]
        files: Vec<Utf8PathBuf>,
        /// Mermaid (for Markdown), DOT (for Graphviz) or SVG. Default: what
        /// the extension of `-o` says (`.svg`, `.dot`, `.gv`, `.mmd`), else
        /// Mermaid.
        #[arg(long, value_enum)]
        format: Option<graph::GraphFormat>,
        /// Write the picture to this file instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        out: Option<Utf8PathBuf>,
    },
    /// List every parameter, service, port, volume and deploy parameter of
    /// the reference.
    Params {
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// The reference version (default: the newest this onefront knows).
        #[arg(
            long = "version",
            visible_alias = "reference",
            value_name = "VERSION",
            value_parser = Completed::versions()
        )]
        reference: Option<String>,
    },
    /// Rewrite files in the canonical layout, comments kept; a directory
    /// stands for every `.onefront` file below it, `-` for standard input
    /// (formatted to standard output).
    Fmt {
        /// Files, directories, or `-`.
        #[arg(required = true, value_hint = ValueHint::AnyPath)]
        files: Vec<Utf8PathBuf>,
        /// Write nothing; print a diff of what would change and exit 1 if
        /// any file would.
        #[arg(long)]
        check: bool,
    },
    /// Rewrite files for another reference version: renamed parameters,
    /// removed ones kept as comments, changed defaults written out with
    /// their old value. Reports each change with its line.
    Migrate {
        /// The `.onefront` files.
        #[arg(required = true, value_hint = ValueHint::FilePath)]
        files: Vec<Utf8PathBuf>,
        /// The reference version to migrate to, such as `6.0`.
        #[arg(long, value_name = "VERSION", value_parser = Completed::versions())]
        to: String,
        /// Write nothing; exit 1 when a file would change.
        #[arg(long)]
        check: bool,
    },
    /// Turn an existing deployment into a `.onefront` file: a compose
    /// project (a folder or its compose file, with `.env` and `env_file:`)
    /// or `docker run` / `podman run` lines. What the language cannot say
    /// is kept as REVIEW comments and reported; secrets are left to the
    /// environment.
    Import {
        /// A folder holding a compose file, a compose file, a file of
        /// `docker run` lines, or `-` for standard input.
        #[arg(value_hint = ValueHint::AnyPath)]
        input: Utf8PathBuf,
        /// Write the file here (never over an existing file) instead of
        /// standard output.
        #[arg(short, long, value_name = "FILE", value_hint = ValueHint::FilePath)]
        out: Option<Utf8PathBuf>,
        /// The reference version (default: the one the image tag names,
        /// else the newest).
        #[arg(
            long = "version",
            visible_alias = "reference",
            value_name = "VERSION",
            value_parser = Completed::versions()
        )]
        reference: Option<String>,
        /// The deployment name (default: the compose project's or the
        /// container's name).
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
    },
    /// Explain a parameter, deploy parameter, service, volume, port role,
    /// layout or rule id.
    Explain {
        /// A name such as `MONITORD_PORT`, `oned`, `sunstone.http` or `P3`.
        #[arg(value_parser = Completed::explain_names(), hide_possible_values = true)]
        name: String,
        /// The reference version (default: the newest that has the name).
        #[arg(
            long = "version",
            visible_alias = "reference",
            value_name = "VERSION",
            value_parser = Completed::versions()
        )]
        reference: Option<String>,
    },
    /// Serve the Language Server Protocol on standard input and output, for
    /// editors: diagnostics as you type, hover, completion, formatting.
    Lsp {
        /// Accepted for clients that pass it; standard input and output is
        /// the only transport.
        #[arg(long)]
        stdio: bool,
    },
    /// For developers: write the editor grammars under DIR/editors from
    /// their templates (`NAME.in` -> `NAME`), filling in the keywords of
    /// the grammar and the names of the stdlib.
    #[command(hide = true)]
    Editors {
        /// Write nothing; exit 1 when a grammar differs from its template.
        #[arg(long)]
        check: bool,
        /// Print the lists a template can name, with their words.
        #[arg(long)]
        lists: bool,
        /// The repository root.
        #[arg(long, value_name = "DIR", default_value = ".", value_hint = ValueHint::DirPath)]
        root: Utf8PathBuf,
    },
    /// Print the completion script of a shell: subcommands, flags, their
    /// values and every name `explain` knows.
    ///
    /// bash: `onefront completions bash >
    /// ~/.local/share/bash-completion/completions/onefront`
    ///
    /// zsh: `onefront completions zsh > ~/.zfunc/_onefront`, with
    /// `fpath=(~/.zfunc $fpath)` before `compinit` in ~/.zshrc
    ///
    /// fish: `onefront completions fish >
    /// ~/.config/fish/completions/onefront.fish`
    Completions {
        /// The shell: bash, zsh or fish.
        shell: completions::Shell,
    },
    /// Print the manual page onefront(1), or write it and a page for each
    /// subcommand (onefront-compile.1, ...) into DIR.
    Man {
        /// Write the pages into DIR (created if missing) instead.
        #[arg(short, long, value_name = "DIR", value_hint = ValueHint::DirPath)]
        out: Option<Utf8PathBuf>,
    },
}

/// Output formats of `validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReportFormat {
    Human,
    Json,
    Github,
    Sarif,
}

/// Output formats of `params`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
}

const OK: u8 = 0;
const INVALID: u8 = 1;
const USAGE: u8 = 2;

/// Runs the command line and returns the exit code.
#[must_use]
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { USAGE } else { OK });
        }
    };
    let printer = Printer::new(cli.color);
    let code = match cli.command {
        Command::Init {
            name,
            layout,
            reference,
            out,
        } => init::run(
            &printer,
            crate::init::Request {
                name: name.as_deref(),
                layout: layout.as_deref(),
                version: reference.as_deref(),
            },
            out.as_deref(),
        ),
        Command::Compile {
            files,
            out,
            check,
            force,
            maintenance,
        } => compile(
            &printer,
            &files,
            &out,
            Mode {
                check,
                force,
                maintenance,
            },
        ),
        Command::Validate {
            files,
            format,
            deny,
        } => validate(&printer, &files, format, deny.is_some()),
        Command::Graph { files, format, out } => {
            graph::run(&printer, &files, format, out.as_deref())
        }
        Command::Params { format, reference } => with_reference(&printer, reference, |r| {
            crate::catalog::params(r, format == Format::Json)
        }),
        Command::Explain { name, reference } => {
            // Without a version: the newest that knows the name (a 5.13 name
            // that 6.0 renamed is still explained, with its version).
            let reference = reference.or_else(|| {
                let found = crate::reference::versions()
                    .iter()
                    .rev()
                    .find(|v| {
                        Reference::load(v)
                            .and_then(Result::ok)
                            .is_some_and(|r| crate::catalog::explain(r, &name).is_ok())
                    })
                    .map(|v| (*v).to_owned());
                if let Some(version) = found.as_deref().filter(|v| *v != newest()) {
                    eprintln!(
                        "(from reference {version}; the newest, {}, has no `{name}`)",
                        newest()
                    );
                }
                found
            });
            with_reference(&printer, reference, |r| crate::catalog::explain(r, &name))
        }
        Command::Fmt { files, check } => fmt::run(&printer, &files, check),
        Command::Migrate { files, to, check } => migrate::run(&printer, &files, &to, check),
        Command::Import {
            input,
            out,
            reference,
            name,
        } => import::run(
            &printer,
            &import::Request {
                input: &input,
                out: out.as_deref(),
                version: reference,
                name,
            },
        ),
        Command::Lsp { stdio: _ } => crate::lsp::run(),
        Command::Editors { check, lists, root } => editors::run(&root, check, lists),
        Command::Completions { shell } => completions::run(public_command(), shell),
        Command::Man { out } => man::run(public_command(), out.as_deref()),
    };
    ExitCode::from(code)
}

/// The command line as users see it, for completion scripts and manual
/// pages: without the hidden developer subcommands, which `clap_complete`
/// would otherwise offer.
fn public_command() -> clap::Command {
    let full = Cli::command();
    let text =
        |text: Option<&StyledStr>| text.cloned().map_or(Resettable::Reset, Resettable::Value);
    clap::Command::new(EXE)
        .version(env!("CARGO_PKG_VERSION"))
        .about(text(full.get_about()))
        .long_about(text(full.get_long_about()))
        .after_help(text(full.get_after_help()))
        .subcommand_required(true)
        .args(full.get_arguments().cloned())
        .subcommands(full.get_subcommands().filter(|s| !s.is_hide_set()).cloned())
}

/// Renders diagnostics for people.
struct Printer {
    handler: GraphicalReportHandler,
}

impl Printer {
    fn new(color: Color) -> Self {
        let colored = match color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::io::stderr().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
        let theme = if colored {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        Printer {
            handler: GraphicalReportHandler::new_themed(theme),
        }
    }

    /// The diagnostics reported on file `file` of `sources`.
    fn diagnostics(&self, sources: &Sources<'_>, file: SourceId, diagnostics: &[Diagnostic]) {
        let mut stderr = std::io::stderr().lock();
        for diagnostic in diagnostics {
            let _ = stderr.write_all(render(&self.handler, sources, file, diagnostic).as_bytes());
        }
    }

    /// The diagnostics of a file that could not be read as text.
    fn unread(&self, path: &Utf8Path, diagnostic: &Diagnostic) {
        let mut sources = Sources::default();
        sources.add(SourceId(0), path.as_str(), "");
        self.diagnostics(&sources, SourceId(0), std::slice::from_ref(diagnostic));
    }

    /// The closing line of a human report: `2 errors, 1 warning in 3 files`.
    fn summary(results: &[crate::Checked]) {
        let all = results.iter().flat_map(|r| r.diagnostics.iter());
        let (errors, warnings) =
            all.fold(
                (0, 0),
                |(e, w), d| {
                    if d.is_error() { (e + 1, w) } else { (e, w + 1) }
                },
            );
        if errors + warnings > 0 {
            let files = results.len();
            eprintln!(
                "{}, {} in {}",
                count(errors, "error"),
                count(warnings, "warning"),
                count(files, "file")
            );
        }
    }

    fn error(&self, error: &dyn miette::Diagnostic) {
        let mut out = String::new();
        let _ = self.handler.render_report(&mut out, error);
        eprint!("{out}");
    }
}

/// A file read for checking.
struct Input {
    path: Utf8PathBuf,
    text: String,
}

/// Reads a file; on failure, reports it and gives the exit code it earns.
fn read(printer: &Printer, path: &Utf8Path) -> Result<Input, u8> {
    // Refuse an absurd file before reading it into memory.
    if let Ok(meta) = std::fs::metadata(path) {
        let size = usize::try_from(meta.len()).unwrap_or(usize::MAX);
        if meta.is_file() && size > crate::syntax::MAX_SOURCE_BYTES {
            let too_large = Diagnostic::TooLarge {
                size,
                limit: crate::syntax::MAX_SOURCE_BYTES,
            };
            printer.unread(path, &too_large);
            return Err(INVALID);
        }
    }
    let bytes = std::fs::read(path).map_err(|source| {
        printer.error(&IoError {
            path: path.to_owned(),
            source,
        });
        USAGE
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        printer.unread(path, &Diagnostic::NotUtf8);
        INVALID
    })?;
    Ok(Input {
        path: path.to_owned(),
        text,
    })
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("cannot read `{path}`: {source}")]
#[diagnostic(code(onefront::io))]
struct IoError {
    path: Utf8PathBuf,
    #[source]
    source: std::io::Error,
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("cannot write `{path}`: {source}")]
#[diagnostic(code(onefront::io))]
struct WriteError {
    path: Utf8PathBuf,
    #[source]
    source: std::io::Error,
}

/// Reads every file; the exit code earned by those that cannot be read.
fn read_all(printer: &Printer, files: &[Utf8PathBuf]) -> (Vec<Input>, u8) {
    let mut inputs = Vec::new();
    let mut code = OK;
    for path in files {
        match read(printer, path) {
            Ok(input) => inputs.push(input),
            Err(failed) => code = code.max(failed),
        }
    }
    (inputs, code)
}

/// Checks the inputs together (rule N5 and deployment names across files):
/// what `validate` and `compile` both do, with the texts to render with.
fn check_inputs(inputs: &[Input], options: crate::Options) -> (Vec<crate::Checked>, Sources<'_>) {
    let files: Vec<(&str, &str)> = inputs
        .iter()
        .map(|i| (i.path.as_str(), i.text.as_str()))
        .collect();
    (crate::check_files(&files, options), crate::sources(&files))
}

/// Prints every file's diagnostics for people, then the summary line.
fn print_all(printer: &Printer, sources: &Sources<'_>, results: &[crate::Checked]) {
    for (checked, id) in results.iter().zip(0..) {
        printer.diagnostics(sources, SourceId(id), &checked.diagnostics);
    }
    Printer::summary(results);
}

/// `1 error`, `2 errors`.
fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn validate(
    printer: &Printer,
    files: &[Utf8PathBuf],
    format: ReportFormat,
    deny_warnings: bool,
) -> u8 {
    let (inputs, mut code) = read_all(printer, files);
    let (results, sources) = check_inputs(&inputs, crate::Options::default());
    let lines: Vec<report::Lines<'_>> =
        inputs.iter().map(|i| report::Lines::new(&i.text)).collect();
    let entries: Vec<report::Entry<'_>> = inputs
        .iter()
        .zip(&results)
        .zip(&lines)
        .flat_map(|((input, checked), lines)| {
            checked
                .diagnostics
                .iter()
                .map(move |diagnostic| report::Entry {
                    file: input.path.as_str(),
                    lines,
                    diagnostic,
                })
        })
        .collect();
    let rendered = match format {
        ReportFormat::Human => {
            print_all(printer, &sources, &results);
            None
        }
        ReportFormat::Json => Some(report::json(&entries)),
        ReportFormat::Github => Some(report::github(&entries)),
        ReportFormat::Sarif => Some(report::sarif(&entries, &rules())),
    };
    if let Some(text) = rendered {
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
    }
    let errors = entries.iter().any(|e| e.diagnostic.is_error());
    let warnings = entries.iter().any(|e| !e.diagnostic.is_error());
    if errors || (deny_warnings && warnings) {
        code = code.max(INVALID);
    }
    code
}

/// The newest reference version this onefront knows.
fn newest() -> String {
    crate::reference::versions()
        .last()
        .map_or_else(String::new, |v| (*v).to_owned())
}

/// The rules of every reference, the newest's wording first: (id, title,
/// explanation).
fn rules() -> Vec<(String, String, String)> {
    let mut rules: Vec<(String, String, String)> = Vec::new();
    for version in crate::reference::versions().iter().rev() {
        let Some(Ok(reference)) = Reference::load(version) else {
            continue;
        };
        for rule in reference.rules.values() {
            if !rules.iter().any(|(id, _, _)| *id == rule.id) {
                rules.push((rule.id.clone(), rule.title.clone(), rule.doc.clone()));
            }
        }
    }
    rules
}

/// How `compile` writes.
#[derive(Debug, Clone, Copy)]
struct Mode {
    check: bool,
    force: bool,
    maintenance: bool,
}

fn compile(printer: &Printer, files: &[Utf8PathBuf], out: &Utf8Path, mode: Mode) -> u8 {
    let (inputs, mut code) = read_all(printer, files);
    let options = crate::Options {
        maintenance: mode.maintenance,
    };
    let (results, sources) = check_inputs(&inputs, options);
    print_all(printer, &sources, &results);
    let mut artifacts = Vec::new();
    for checked in &results {
        if checked.has_errors() {
            code = code.max(INVALID);
        } else {
            artifacts.extend(checked.deployments.iter().flat_map(crate::emit::emit));
        }
    }
    if code != OK {
        eprintln!("nothing written: fix the errors above first");
        return code;
    }
    if mode.check {
        return report_drift(out, &artifacts);
    }
    match crate::output::write(out, &artifacts, mode.force) {
        Ok(()) => {
            let count = artifacts.len();
            eprintln!("wrote {count} files under {out}");
            OK
        }
        Err(error) => {
            printer.error(&error);
            USAGE
        }
    }
}

fn report_drift(out: &Utf8Path, artifacts: &[crate::emit::Artifact]) -> u8 {
    let drift = crate::output::drift(out, artifacts);
    for file in &drift {
        let what = if file.missing { "missing" } else { "differs" };
        eprintln!("{what}: {}", file.path);
    }
    if drift.is_empty() {
        eprintln!("up to date: {} files under {out}", artifacts.len());
        OK
    } else {
        eprintln!(
            "{} of {} files are not what `onefront compile` would write",
            drift.len(),
            artifacts.len()
        );
        INVALID
    }
}

fn with_reference(
    printer: &Printer,
    version: Option<String>,
    body: impl FnOnce(&Reference) -> Result<String, String>,
) -> u8 {
    let version = version.unwrap_or_else(newest);
    let loaded = Reference::load(&version);
    let reference = match loaded {
        Some(Ok(reference)) => reference,
        Some(Err(diagnostic)) => {
            printer.error(&diagnostic);
            return USAGE;
        }
        None => {
            let known: Vec<&str> = STDLIBS.iter().map(|(v, _, _)| *v).collect();
            eprintln!(
                "error: no reference `{version}`; this onefront knows {}",
                known.join(", ")
            );
            return USAGE;
        }
    };
    match body(reference) {
        Ok(text) => {
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            OK
        }
        Err(message) => {
            eprintln!("{message}");
            INVALID
        }
    }
}

/// Replaces `path` with `text` whole: a file beside it, then a rename, so
/// that an interrupted run leaves the old file, never half a new one. An
/// existing file keeps its permissions. For `fmt`, `migrate` and `editors`.
fn replace_file(path: &Utf8Path, text: &str) -> std::io::Result<()> {
    let permissions = std::fs::metadata(path).ok().map(|m| m.permissions());
    let name = path.file_name().unwrap_or("file");
    let partial = path.with_file_name(format!(".{name}.onefront-partial"));
    let written = std::fs::write(&partial, text)
        .and_then(|()| match permissions {
            Some(permissions) => std::fs::set_permissions(&partial, permissions),
            None => Ok(()),
        })
        .and_then(|()| std::fs::File::open(&partial)?.sync_all())
        .and_then(|()| std::fs::rename(&partial, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written
}
