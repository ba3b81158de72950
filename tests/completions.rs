//! `onefront completions` and `onefront man` in the real shells and the real
//! `man`: the scripts load without a complaint, and the shell's own
//! completion machinery offers the subcommands, flags, flag values and every
//! name `explain` knows. The expected words come from the reference and
//! from `--help`, never from a list kept here.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use onefront::reference::{Reference, versions};

use crate::support::tempdir::TempDir;
use crate::support::tools;

fn onefront(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_onefront"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs a tool; its standard output. Fails unless it exits 0 with nothing
/// on standard error.
fn quietly(command: &mut Command) -> String {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(
        output.status.success() && output.stderr.is_empty(),
        "{command:?}: {}",
        stderr(&output)
    );
    stdout(&output)
}

/// `onefront completions SHELL`, written into `dir`.
fn script(dir: &TempDir, shell: &str, file: &str) -> std::path::PathBuf {
    let output = onefront(&["completions", shell]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).is_empty(), "{}", stderr(&output));
    let path = dir.std_path().join(file);
    std::fs::write(&path, &output.stdout).unwrap();
    path
}

/// The subcommands `onefront --help` lists: every one a user can see.
fn visible_subcommands() -> BTreeSet<String> {
    let help = stdout(&onefront(&["--help"]));
    let commands = help
        .split("Commands:\n")
        .nth(1)
        .expect("`onefront --help` lists its commands");
    let listed: BTreeSet<String> = commands
        .lines()
        .take_while(|line| line.starts_with("  "))
        .filter(|line| !line.starts_with("   "))
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect();
    assert!(listed.contains("compile") && listed.contains("completions"));
    assert!(!listed.contains("editors"), "a hidden command is listed");
    listed
}

/// The long flags `onefront SUBCOMMAND --help` lists.
fn flags_of(subcommand: &str) -> BTreeSet<String> {
    let help = stdout(&onefront(&[subcommand, "--help"]));
    help.lines()
        .map(str::trim_start)
        .filter(|line| line.starts_with('-'))
        .flat_map(|line| {
            line.split([' ', ',', '['])
                .filter(|word| word.starts_with("--") && word.len() > 2)
                .map(|word| word.trim_end_matches(']').to_owned())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Every name `onefront explain` accepts, of every embedded reference,
/// read from the references' own tables.
fn explain_names() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for version in versions() {
        let reference = Reference::load(version).unwrap().unwrap();
        names.extend(reference.params.keys().cloned());
        names.extend(reference.deploys.keys().cloned());
        names.extend(reference.services.keys().cloned());
        names.extend(reference.roles.keys().cloned());
        names.extend(reference.volumes.keys().cloned());
        names.extend(reference.layouts.keys().cloned());
        names.extend(reference.rules.keys().cloned());
    }
    names
}

fn starting_with(names: &BTreeSet<String>, prefix: &str) -> BTreeSet<String> {
    names
        .iter()
        .filter(|n| n.starts_with(prefix))
        .cloned()
        .collect()
}

fn set(words: &[&str]) -> BTreeSet<String> {
    words.iter().map(|w| (*w).to_owned()).collect()
}

fn version_set() -> BTreeSet<String> {
    versions().into_iter().map(str::to_owned).collect()
}

/// What bash's completion function for onefront offers at the end of each
/// line, in one bash.
fn bash_complete(script: &Path, lines: &[&str]) -> Vec<BTreeSet<String>> {
    let driver = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/completions/complete.bash");
    let output = quietly(
        Command::new(tools::bash())
            .arg(driver)
            .arg(script)
            .args(lines),
    );
    let mut offered: Vec<BTreeSet<String>> = vec![BTreeSet::new()];
    for word in output.lines() {
        if word == "<end>" {
            offered.push(BTreeSet::new());
        } else if let Some(last) = offered.last_mut() {
            last.insert(word.to_owned());
        }
    }
    offered.pop();
    assert_eq!(offered.len(), lines.len(), "{output}");
    offered
}

#[test]
fn bash_completes_subcommands_flags_values_and_explain_names() {
    let dir = TempDir::new();
    let script = script(&dir, "bash", "onefront.bash");
    // As a user's shell loads it.
    let sourced = quietly(
        Command::new(tools::bash())
            .arg("-c")
            .arg(r#"source <("$1" completions bash) && complete -p onefront"#)
            .arg("bash")
            .arg(env!("CARGO_BIN_EXE_onefront")),
    );
    // Words without candidates (the files of `compile`) fall back to
    // readline's file names.
    assert!(sourced.contains("-o default"), "{sourced}");

    let names = explain_names();
    let lines = [
        "onefront ",
        "onefront compile --",
        "onefront explain ",
        "onefront explain SUNST",
        "onefront explain sunstone.",
        "onefront explain P",
        "onefront params --version ",
        "onefront explain --reference ",
        "onefront migrate --to ",
        "onefront validate --format ",
        "onefront completions ",
    ];
    let offered = bash_complete(&script, &lines);
    let words = |i: usize| -> BTreeSet<String> {
        offered[i]
            .iter()
            .filter(|w| !w.starts_with('-'))
            .cloned()
            .collect()
    };
    assert_eq!(words(0), visible_subcommands(), "after `onefront `");
    let compile_flags = flags_of("compile");
    assert!(compile_flags.contains("--out") && compile_flags.contains("--check"));
    assert!(
        offered[1].is_superset(&compile_flags),
        "`onefront compile --` offers {:?}, not all of {compile_flags:?}",
        offered[1]
    );
    assert_eq!(words(2), names, "every name `explain` accepts");
    let sunstone = starting_with(&names, "SUNST");
    assert!(sunstone.contains("SUNSTONE_PORT"));
    assert_eq!(offered[3], sunstone);
    let port_roles = starting_with(&names, "sunstone.");
    assert!(port_roles.contains("sunstone.http"));
    assert_eq!(offered[4], port_roles);
    let rules = starting_with(&names, "P");
    assert!(rules.contains("P3"), "{rules:?}");
    assert_eq!(offered[5], rules);
    for i in 6..=8 {
        assert_eq!(offered[i], version_set(), "after `{}`", lines[i]);
    }
    assert_eq!(words(9), set(&["human", "json", "github", "sarif"]));
    assert_eq!(words(10), set(&["bash", "zsh", "fish"]));
}

/// What fish offers for `line` (`complete -C`), the words without their
/// descriptions.
fn fish_complete(script: &Path, line: &str) -> BTreeSet<String> {
    let output = quietly(
        Command::new(tools::fish())
            .arg("--no-config")
            .arg("-c")
            .arg("source $argv[1]; and complete -C $argv[2]")
            .arg(script)
            .arg(line),
    );
    output
        .lines()
        .filter_map(|l| l.split('\t').next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn fish_completes_subcommands_values_and_explain_names() {
    let dir = TempDir::new();
    let script = script(&dir, "fish", "onefront.fish");
    let names = explain_names();
    assert_eq!(
        fish_complete(&script, "onefront explain SUNST"),
        starting_with(&names, "SUNST")
    );
    assert_eq!(
        fish_complete(&script, "onefront explain sunstone."),
        starting_with(&names, "sunstone.")
    );
    assert_eq!(fish_complete(&script, "onefront "), visible_subcommands());
    assert_eq!(
        fish_complete(&script, "onefront params --version "),
        version_set()
    );
    assert_eq!(
        fish_complete(&script, "onefront completions "),
        set(&["bash", "zsh", "fish"])
    );
    let flags = fish_complete(&script, "onefront compile --");
    assert!(flags.is_superset(&flags_of("compile")), "{flags:?}");
}

/// What zsh's completion system offers at the end of `line`, in an
/// interactive zsh on a pseudo-terminal with the script as `_onefront`.
fn zsh_complete(functions: &Path, line: &str) -> BTreeSet<String> {
    let driver = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/completions/complete.zsh");
    let output = quietly(
        Command::new(tools::zsh())
            .arg("-f")
            .arg(driver)
            .arg(functions)
            .arg(line),
    );
    output.lines().map(str::to_owned).collect()
}

#[test]
fn zsh_script_parses_and_completes() {
    let dir = TempDir::new();
    let script = script(&dir, "zsh", "_onefront");
    quietly(Command::new(tools::zsh()).arg("-n").arg(&script));
    let names = explain_names();
    assert_eq!(
        zsh_complete(dir.std_path(), "onefront explain SUNST"),
        starting_with(&names, "SUNST")
    );
    assert_eq!(
        zsh_complete(dir.std_path(), "onefront "),
        visible_subcommands()
    );
    // Not the top `--version`: the one of `params`, with its values.
    assert_eq!(
        zsh_complete(dir.std_path(), "onefront params --version "),
        version_set()
    );
    let flags = zsh_complete(dir.std_path(), "onefront compile --");
    assert!(flags.is_superset(&flags_of("compile")), "{flags:?}");
}

#[test]
fn completions_of_another_shell_is_a_usage_error() {
    for args in [&["completions", "powershell"][..], &["completions"]] {
        let output = onefront(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&output).contains("bash, zsh, fish") || stderr(&output).contains("<SHELL>"),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn explain_help_does_not_list_every_name() {
    let help = stdout(&onefront(&["explain", "--help"]));
    let arguments = help
        .split("Arguments:")
        .nth(1)
        .and_then(|rest| rest.split("Options:").next())
        .unwrap_or_else(|| panic!("{help}"));
    assert!(arguments.contains("<NAME>"), "{help}");
    assert!(!arguments.contains("possible values"), "{help}");
    assert!(!arguments.contains("SUNSTONE_PORT"), "{help}");
}

/// `man -l --warnings` of a page: its text; fails on any warning.
fn render(page: &Path) -> String {
    quietly(
        Command::new(tools::man())
            .args(["-l", "--warnings"])
            .arg(page)
            .env("MANWIDTH", "80")
            .env("MANPAGER", "cat")
            .env("LC_ALL", "C.UTF-8"),
    )
}

/// The subcommands a page is written for: the visible ones less clap's
/// `help`, which repeats `--help`.
fn paged_subcommands() -> BTreeSet<String> {
    let mut subcommands = visible_subcommands();
    subcommands.remove("help");
    subcommands
}

#[test]
fn man_page_renders_without_warnings_and_names_every_subcommand() {
    let dir = TempDir::new();
    let output = onefront(&["man"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let page = dir.std_path().join("onefront.1");
    std::fs::write(&page, &output.stdout).unwrap();
    let text = render(&page);
    for subcommand in paged_subcommands() {
        assert!(
            text.contains(&format!("onefront-{subcommand}(1)")),
            "onefront(1) does not name `{subcommand}`:\n{text}"
        );
    }
    assert!(!text.contains("onefront-editors"), "{text}");
    for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "EXAMPLES", "EXIT STATUS"] {
        assert!(text.lines().any(|l| l == section), "no {section}:\n{text}");
    }
}

#[test]
fn man_writes_a_page_per_subcommand() {
    let dir = TempDir::new();
    let out = dir.path().join("man1");
    let output = onefront(&["man", "-o", out.as_str()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let written: BTreeSet<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut expected: BTreeSet<String> = paged_subcommands()
        .iter()
        .map(|s| format!("onefront-{s}.1"))
        .collect();
    expected.insert("onefront.1".to_owned());
    assert_eq!(written, expected);
    for page in &written {
        let text = render(&out.join(page).into_std_path_buf());
        assert!(text.contains("onefront"), "{page}:\n{text}");
    }
    let explain = render(&out.join("onefront-explain.1").into_std_path_buf());
    assert!(explain.contains("--version"), "{explain}");
    assert!(explain.contains("onefront(1)"), "no SEE ALSO:\n{explain}");
}
