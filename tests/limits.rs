//! Absurd inputs end with an error, not a crash, a hang or a flood: a 50 MB
//! file, 100,000 deployments, lists nested 10,000 deep.

use std::process::Command;

use crate::support::tempdir::TempDir;

fn validate(text: &str) -> (Option<i32>, String) {
    let dir = TempDir::new();
    let file = dir.path().join("absurd.onefront");
    std::fs::write(&file, text).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_onefront"))
        .args(["validate", "--format", "json", file.as_str()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    (
        output.status.code(),
        stdout + &String::from_utf8_lossy(&output.stderr),
    )
}

#[test]
fn a_fifty_megabyte_file_is_refused_unread() {
    let mut text = String::from("onefront 5.13\n");
    while text.len() < 50 * 1024 * 1024 {
        text.push_str("# padding padding padding padding padding padding padding padding\n");
    }
    let (code, output) = validate(&text);
    assert_eq!(code, Some(1));
    assert!(
        output.contains("more than the 8388608 bytes onefront reads"),
        "{output}"
    );
}

#[test]
fn a_hundred_thousand_deployments_are_refused() {
    let mut text = String::from("onefront 5.13\n");
    for i in 0..100_000 {
        text.push_str(&format!("deployment d{i} {{ }}\n"));
    }
    let (code, output) = validate(&text);
    assert_eq!(code, Some(1));
    assert!(
        output.contains("more than 10000 deployments"),
        "{}",
        &output[..output.len().min(500)]
    );
}

#[test]
fn many_diagnostics_are_capped() {
    let mut text = String::from("onefront 5.13\n");
    for i in 0..2_000 {
        text.push_str(&format!("deployment d{i} {{ }}\n"));
    }
    let checked = onefront::check("many.onefront", &text);
    assert_eq!(checked.diagnostics.len(), onefront::MAX_DIAGNOSTICS + 1);
    let last = checked.diagnostics.last().unwrap();
    assert_eq!(last.code_text(), "onefront::limit");
    assert!(last.is_error());
}

#[test]
fn deep_nesting_is_refused_before_parsing() {
    let text = format!(
        "onefront 5.13\ndeployment a {{\n  env {{\n    TLS_DOMAIN_LIST = {}{}\n  }}\n}}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let (code, output) = validate(&text);
    assert_eq!(code, Some(1));
    assert!(
        output.contains("lists nest 17 deep here"),
        "{}",
        &output[..output.len().min(500)]
    );
}
