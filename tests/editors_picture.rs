//! The picture in the README: `examples/reference.onefront` rendered by the
//! VS Code grammar through shiki (`scripts/render-picture`). The committed
//! HTML must be what the grammar gives today, and carry the scopes each
//! token should have; the screenshot of it is in the README.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::tempdir::TempDir;
use crate::support::tools;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Renders `input` with the extension's grammar into an HTML file of `dir`.
fn render(input: &Path, dir: &Path) -> String {
    let html = dir.join("out.html");
    let output = Command::new(tools::node())
        .arg(repo().join("scripts/render-picture.mjs"))
        .arg(repo().join("editors/vscode/syntaxes/onefront.tmLanguage.json"))
        .arg(input)
        .arg(&html)
        .env("NODE_PATH", tools::npm_modules())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "render-picture.mjs failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::read_to_string(&html).unwrap()
}

/// Each token's text and its scopes, in order.
fn tokens(html: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for part in html.split("data-scopes=\"").skip(1) {
        let (scopes, rest) = part.split_once("\">").unwrap();
        let text = rest.split("</span>").next().unwrap();
        let text = text
            .replace("&quot;", "\"")
            .replace("&#x22;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        found.push((text.trim().to_owned(), scopes.to_owned()));
    }
    found
}

/// The scopes of the `nth` token whose text is `text`.
fn scopes_of<'a>(tokens: &'a [(String, String)], text: &str, nth: usize) -> &'a str {
    tokens
        .iter()
        .filter(|(t, _)| t == text)
        .nth(nth)
        .map_or_else(
            || panic!("no token #{nth} `{text}` in the picture"),
            |(_, scopes)| scopes.as_str(),
        )
}

fn example() -> PathBuf {
    repo().join("examples/reference.onefront")
}

#[test]
fn the_committed_picture_is_what_the_grammar_gives() {
    let temp = TempDir::new();
    let fresh = render(&example(), temp.std_path());
    let committed = std::fs::read_to_string(repo().join("docs/editors/reference.html")).unwrap();
    assert!(
        fresh == committed,
        "docs/editors/reference.html is stale: run scripts/render-picture"
    );
}

#[test]
fn the_picture_carries_the_scopes_of_each_kind_of_token() {
    let html = std::fs::read_to_string(repo().join("docs/editors/reference.html")).unwrap();
    let tokens = tokens(&html);
    let expected = [
        ("onefront", 0, "keyword.other.onefront"),
        ("5.13", 0, "constant.numeric.version.onefront"),
        ("deployment", 0, "keyword.other.onefront"),
        ("opennebula", 0, "entity.name.section.deployment.onefront"),
        ("image", 0, "keyword.other.onefront"),
        ("\"opennebula:5.13\"", 0, "string.quoted.double.onefront"),
        ("reference", 0, "support.constant.layout.onefront"),
        ("192.168.1.1", 0, "constant.other.address.ipv4.onefront"),
        ("env", 0, "keyword.other.onefront"),
        (
            "OPENNEBULA_FRONTEND_HOST",
            0,
            "support.variable.parameter.onefront",
        ),
        (
            "ONEADMIN_PASSWORD",
            0,
            "support.variable.parameter.onefront",
        ),
        ("=", 0, "keyword.operator.assignment.onefront"),
        ("secret", 0, "keyword.other.secret.onefront"),
        ("\"MYSQL_PASSWORD\"", 0, "string.quoted.double.onefront"),
        ("}", 0, "punctuation.section.block.end.onefront"),
    ];
    for (text, nth, scope) in expected {
        let scopes = scopes_of(&tokens, text, nth);
        assert!(
            scopes.split(' ').any(|s| s == scope),
            "`{text}` has {scopes}, not {scope}"
        );
    }
    let comments = tokens.iter().filter(|(t, _)| t.starts_with('#'));
    assert!(
        comments
            .clone()
            .all(|(_, s)| s.contains("comment.line.number-sign.onefront")),
        "a comment without its scope"
    );
    assert!(
        comments.count() >= 3,
        "the example's comments are in the picture"
    );
    assert!(
        !html.contains("invalid"),
        "the example is valid: nothing is invalid"
    );
}

/// The same example with a parameter misspelt: the picture shows it.
#[test]
fn a_misspelt_parameter_is_invalid_in_the_picture() {
    let temp = TempDir::new();
    let text = std::fs::read_to_string(example()).unwrap();
    let misspelt = text.replacen("ONEADMIN_PASSWORD ", "ONEADMIN_PASWORD  ", 1);
    assert_ne!(misspelt, text);
    let input = temp.std_path().join("misspelt.onefront");
    std::fs::write(&input, misspelt).unwrap();
    let tokens = tokens(&render(&input, temp.std_path()));
    let scopes = scopes_of(&tokens, "ONEADMIN_PASWORD", 0);
    assert!(
        scopes.contains("invalid.illegal.unknown-parameter.onefront"),
        "{scopes}"
    );
}

#[test]
fn the_readme_shows_the_screenshot() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    assert!(readme.contains("](docs/editors/reference.png)"));
    let png = std::fs::read(repo().join("docs/editors/reference.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    // The IHDR chunk: width and height, big-endian, after the signature,
    // the chunk's length and its type.
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert!(width >= 600 && height >= 300, "{width}x{height}");
}
