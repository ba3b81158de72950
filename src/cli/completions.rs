//! `onefront completions SHELL`: the completion script of bash, zsh or fish
//! on standard output, generated from the command line's own definition.
//! The values a shell offers come from the embedded stdlibs: every name
//! `explain` accepts and every reference version, so that a new reference
//! is completed without a change here.

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::fmt::Write as _;
use std::io::Write as _;

use clap::builder::{PossibleValue, StringValueParser, TypedValueParser};
use clap::{Arg, Command, ValueEnum};

use super::OK;
use crate::reference::{Reference, versions};

/// The shells `completions` writes a script for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum Shell {
    Bash,
    Zsh,
    Fish,
}

/// Prints the script of `shell` for `command`, the command line as users
/// see it.
pub(super) fn run(mut command: Command, shell: Shell) -> u8 {
    let generator = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    if shell == Shell::Zsh {
        // zsh's `_arguments` takes a top-level option wherever it stands on
        // the line, so the top `--version` would swallow the `--version
        // VERSION` of `params` and `explain`: zsh completes only theirs.
        command = command.disable_version_flag(true);
    }
    let name = command.get_name().to_owned();
    let mut script = Vec::new();
    clap_complete::generate(generator, &mut command, name.as_str(), &mut script);
    if shell == Shell::Fish {
        script.extend(fish_positionals(&command, &name).bytes());
    }
    let _ = std::io::stdout().lock().write_all(&script);
    OK
}

/// The values of the subcommands' positional arguments, which
/// `clap_complete`'s fish script leaves out (clap issue 6295): one `complete`
/// line a value, under the condition function that script defines.
fn fish_positionals(command: &Command, name: &str) -> String {
    let quote = |text: &str| format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"));
    let mut lines = String::new();
    for subcommand in command.get_subcommands() {
        let values = subcommand
            .get_positionals()
            .filter(|arg| !arg.is_hide_set())
            .flat_map(Arg::get_possible_values)
            .filter(|value| !value.is_hide_set());
        for value in values {
            let _ = write!(
                lines,
                "complete -c {name} -n \"__fish_{name}_using_subcommand {}\" -f -a {}",
                subcommand.get_name(),
                quote(value.get_name())
            );
            if let Some(help) = value.get_help() {
                let _ = write!(lines, " -d {}", quote(&help.to_string()));
            }
            lines.push('\n');
        }
    }
    lines
}

/// A value that may be anything, since the command explains what is wrong
/// with an unknown one (with did-you-mean), but that shells complete from
/// a list: `clap_complete`'s scripts offer an argument's possible values.
#[derive(Clone)]
pub(super) struct Completed {
    values: fn() -> Vec<PossibleValue>,
}

impl Completed {
    /// Every name `explain` accepts, of every embedded reference, each with
    /// its line from the newest reference that has it.
    pub(super) fn explain_names() -> Self {
        Completed {
            values: explain_names,
        }
    }

    /// The reference versions this onefront embeds.
    pub(super) fn versions() -> Self {
        Completed {
            values: || versions().into_iter().map(PossibleValue::new).collect(),
        }
    }
}

impl TypedValueParser for Completed {
    type Value = String;

    fn parse_ref(
        &self,
        command: &Command,
        arg: Option<&Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        StringValueParser::new().parse_ref(command, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new((self.values)().into_iter()))
    }
}

fn explain_names() -> Vec<PossibleValue> {
    let mut seen = BTreeSet::new();
    let mut values = Vec::new();
    for version in versions().iter().rev() {
        let Some(Ok(reference)) = Reference::load(version) else {
            continue;
        };
        for (name, about) in crate::catalog::names(reference) {
            if seen.insert(name) {
                values.push(PossibleValue::new(name).help(about));
            }
        }
    }
    values
}
