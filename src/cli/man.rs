//! `onefront man [-o DIR]`: the manual pages, generated from the command
//! line's own definition. Without `-o`, onefront(1) on standard output;
//! with it, `onefront.1` and a page for each subcommand (`onefront-compile.1`,
//! ...) written into DIR.

use std::io::Write as _;

use camino::Utf8Path;
use clap::Command;
use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, roman};

use super::{EXAMPLES, OK, USAGE, replace_file};

/// The exit codes, as `EXIT STATUS` lists them.
const EXIT_STATUS: &[(&str, &str)] = &[
    ("0", "success"),
    ("1", "invalid input, or drift under --check"),
    ("2", "a usage or I/O error"),
];

/// Prints or writes the pages of `command`, the command line as users see it.
pub(super) fn run(command: Command, out: Option<&Utf8Path>) -> u8 {
    // `onefront help` is clap's and repeats `--help`: no page of its own.
    let mut command = command.disable_help_subcommand(true);
    command.build();
    let Some(dir) = out else {
        let page = page(&command, None);
        let _ = std::io::stdout().lock().write_all(page.as_bytes());
        return OK;
    };
    let mut pages = Vec::new();
    collect(&command, None, &mut pages);
    let written = std::fs::create_dir_all(dir).and_then(|()| {
        pages
            .iter()
            .try_for_each(|(name, text)| replace_file(&dir.join(name), text))
    });
    match written {
        Ok(()) => {
            eprintln!("wrote {} manual pages under {dir}", pages.len());
            OK
        }
        Err(error) => {
            eprintln!("error: cannot write the manual pages under `{dir}`: {error}");
            USAGE
        }
    }
}

/// The pages of `command` and of each of its subcommands, with their file
/// names (`onefront-compile.1`); hidden subcommands have none.
fn collect(command: &Command, parent: Option<&str>, pages: &mut Vec<(String, String)>) {
    let man = Man::new(command.clone());
    pages.push((man.get_filename(), page(command, parent)));
    let name = command.get_display_name().unwrap_or(command.get_name());
    for subcommand in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect(subcommand, Some(name), pages);
    }
}

/// The page of one command, in roff: `clap_mangen`'s sections, then the
/// examples and exit status on the top page, the top page's name on the
/// others.
fn page(command: &Command, parent: Option<&str>) -> String {
    // Every page's footer names the program and its version, as the top
    // page's does.
    let source = format!("{} {}", super::EXE, env!("CARGO_PKG_VERSION"));
    let man = Man::new(command.clone()).source(source);
    let mut text = Vec::new();
    // Rendering into memory cannot fail.
    let _ = man.render_title(&mut text);
    let _ = man.render_name_section(&mut text);
    let _ = man.render_synopsis_section(&mut text);
    let _ = man.render_description_section(&mut text);
    if command.get_arguments().any(|a| !a.is_hide_set()) {
        let _ = man.render_options_section(&mut text);
    }
    if command.get_subcommands().any(|s| !s.is_hide_set()) {
        let _ = man.render_subcommands_section(&mut text);
    }
    let mut roff = Roff::new();
    match parent {
        None => {
            examples(&mut roff);
            exit_status(&mut roff);
        }
        Some(parent) => {
            roff.control("SH", ["SEE ALSO"]);
            roff.text([bold(parent), roman("(1)")]);
        }
    }
    let _ = roff.to_writer(&mut text);
    if command.get_version().is_some() {
        let _ = man.render_version_section(&mut text);
    }
    String::from_utf8_lossy(&text).into_owned()
}

/// The examples of `--help`, one command a line as written.
fn examples(roff: &mut Roff) {
    roff.control("SH", ["EXAMPLES"]);
    roff.control("nf", []);
    // The first line of `--help`'s examples is their heading.
    for line in EXAMPLES.lines().skip(1) {
        roff.text([roman(line)]);
    }
    roff.control("fi", []);
}

fn exit_status(roff: &mut Roff) {
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in EXIT_STATUS {
        roff.control("TP", []);
        roff.text([bold(*code)]);
        roff.text([roman(*meaning)]);
    }
}
