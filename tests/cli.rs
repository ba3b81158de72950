//! The command line as users and CI drive it: exit codes, `--check`, help.

use std::process::{Command, Output};

use crate::support::tempdir::TempDir;

fn onefront(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_onefront"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn exit_codes_say_ok_invalid_and_usage() {
    assert_eq!(
        onefront(&["validate", "examples/reference.onefront"])
            .status
            .code(),
        Some(0)
    );
    let bad = TempDir::new();
    let file = bad.path().join("bad.onefront");
    std::fs::write(&file, "onefront 5.13\ndeployment x { layot all-in-one }\n").unwrap();
    let invalid = onefront(&["validate", file.as_str()]);
    assert_eq!(invalid.status.code(), Some(1));
    assert!(
        stderr(&invalid).contains("did you mean `layout`?"),
        "{}",
        stderr(&invalid)
    );
    assert!(
        !stderr(&invalid).contains('\u{1b}'),
        "NO_COLOR output has escape codes"
    );
    assert_eq!(
        onefront(&["validate", "no/such/file.onefront"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(onefront(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(onefront(&["--version"]).status.code(), Some(0));
}

#[test]
fn help_shows_examples() {
    let help = onefront(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&help.stdout)
            .contains("onefront compile examples/reference.onefront -o out")
    );
}

#[test]
fn check_reports_drift_and_writes_nothing() {
    let out = TempDir::new();
    let dir = out.path().as_str();
    let check = onefront(&[
        "compile",
        "--check",
        "examples/reference.onefront",
        "-o",
        dir,
    ]);
    assert_eq!(check.status.code(), Some(1), "missing files are drift");
    assert_eq!(
        std::fs::read_dir(out.std_path()).unwrap().count(),
        0,
        "--check wrote something"
    );
    assert_eq!(
        onefront(&["compile", "examples/reference.onefront", "-o", dir])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        onefront(&[
            "compile",
            "--check",
            "examples/reference.onefront",
            "-o",
            dir
        ])
        .status
        .code(),
        Some(0)
    );
    let compose = out.path().join("opennebula/docker-compose.yml");
    let edited = std::fs::read_to_string(&compose).unwrap() + "# edited by hand\n";
    std::fs::write(&compose, edited).unwrap();
    let drift = onefront(&[
        "compile",
        "--check",
        "examples/reference.onefront",
        "-o",
        dir,
    ]);
    assert_eq!(drift.status.code(), Some(1));
    assert!(stderr(&drift).contains("differs: "), "{}", stderr(&drift));
}

#[test]
fn invalid_input_writes_nothing() {
    let out = TempDir::new();
    let bad = out.path().join("bad.onefront");
    std::fs::write(&bad, "onefront 5.13\ndeployment x { env { NOPE = 1 } }\n").unwrap();
    let target = out.path().join("out");
    let result = onefront(&["compile", bad.as_str(), "-o", target.as_str()]);
    assert_eq!(result.status.code(), Some(1));
    assert!(!target.exists());
}

#[test]
fn the_maintenance_variant_keeps_project_and_volumes() {
    let normal = TempDir::new();
    let repair = TempDir::new();
    assert_eq!(
        onefront(&[
            "compile",
            "examples/reference.onefront",
            "-o",
            normal.path().as_str()
        ])
        .status
        .code(),
        Some(0)
    );
    let result = onefront(&[
        "compile",
        "--maintenance",
        "examples/reference.onefront",
        "-o",
        repair.path().as_str(),
    ]);
    assert_eq!(result.status.code(), Some(0));
    let read = |dir: &TempDir| {
        std::fs::read_to_string(dir.path().join("opennebula/docker-compose.yml")).unwrap()
    };
    let (normal, repair) = (read(&normal), read(&repair));
    let top = |text: &str, key: &str| -> Vec<String> {
        let mut lines = text.lines().skip_while(|l| !l.starts_with(key));
        let first = lines.next().map(str::to_owned);
        first
            .into_iter()
            .chain(lines.take_while(|l| l.starts_with(' ')).map(str::to_owned))
            .collect()
    };
    assert_eq!(top(&normal, "name:"), top(&repair, "name:"), "same project");
    assert_eq!(
        top(&normal, "volumes:"),
        top(&repair, "volumes:"),
        "same named volumes"
    );
    assert_eq!(
        repair.matches("MAINTENANCE_MODE: \"yes\"").count(),
        12,
        "every container"
    );
    assert!(!normal.contains("MAINTENANCE_MODE"));
}

/// Two files of one host: a port both publish and a deployment name both
/// use are reported in both commands, each diagnostic showing the place in
/// its own file and the other place in the other file's text.
#[test]
fn mistakes_between_two_files_show_both_files_in_both_commands() {
    let dir = TempDir::new();
    let front = |name: &str, host: &str| {
        format!(
            "onefront 5.13\n\ndeployment {name} {{\n  bind 192.168.1.1\n  env {{\n    OPENNEBULA_FRONTEND_HOST     = \"{host}\"\n    OPENNEBULA_FRONTEND_SSH_HOST = \"{host}\"\n  }}\n}}\n"
        )
    };
    let first = dir.path().join("first.onefront");
    let second = dir.path().join("second.onefront");
    std::fs::write(&first, front("alpha", "first.example.com")).unwrap();
    std::fs::write(&second, front("alpha", "second.example.com")).unwrap();
    let out = dir.path().join("out");
    for args in [
        vec!["validate", first.as_str(), second.as_str()],
        vec![
            "compile",
            first.as_str(),
            second.as_str(),
            "-o",
            out.as_str(),
        ],
    ] {
        let result = onefront(&args);
        let text = stderr(&result);
        assert_eq!(result.status.code(), Some(1), "{text}");
        assert!(text.contains("deployment `alpha` is given twice"), "{text}");
        assert!(text.contains("onefront::N5"), "{text}");
        // The diagnostic is reported on the second file, and its note
        // shows the first file's line, with that file's name.
        assert!(
            text.contains(&format!("[{}:3:12]", second.as_str())),
            "{text}"
        );
        assert!(text.contains(&format!("see {}", first.as_str())), "{text}");
        assert!(
            text.contains(&format!("[{}:3:12]", first.as_str())),
            "{text}"
        );
        assert!(text.contains("first given here"), "{text}");
        assert!(!out.exists(), "nothing written");
    }
}

/// A file saved with a UTF-8 byte order mark (as some Windows editors do)
/// reads like one without.
#[test]
fn a_byte_order_mark_is_accepted() {
    let dir = TempDir::new();
    let file = dir.path().join("bom.onefront");
    let text = "\u{feff}onefront 5.13\ndeployment ab {\n  bind 192.168.1.1\n  env {\n    OPENNEBULA_FRONTEND_HOST = \"h.example.com\"\n    OPENNEBULA_FRONTEND_SSH_HOST = \"h.example.com\"\n  }\n}\n";
    std::fs::write(&file, text).unwrap();
    let result = onefront(&["validate", file.as_str()]);
    assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
}

/// `explain` without a version takes the newest reference that knows the
/// name: a 5.13 name that 6.0 renamed is still explained, and says from
/// which version; `--version` pins it.
#[test]
fn explain_finds_a_name_of_an_older_version() {
    let old = onefront(&["explain", "OPENNEBULA_FRONTEND_HOST"]);
    assert_eq!(old.status.code(), Some(0), "{}", stderr(&old));
    assert!(String::from_utf8_lossy(&old.stdout).starts_with("OPENNEBULA_FRONTEND_HOST ("));
    assert!(
        stderr(&old).contains("from reference 5.13"),
        "{}",
        stderr(&old)
    );
    let new = onefront(&["explain", "OPENNEBULA_HOST"]);
    assert_eq!(new.status.code(), Some(0));
    assert!(stderr(&new).is_empty(), "the newest has it: no note");
    let pinned = onefront(&["explain", "--version", "6.0", "OPENNEBULA_FRONTEND_HOST"]);
    assert_eq!(pinned.status.code(), Some(1), "6.0 has no such name");
}
