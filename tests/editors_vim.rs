//! The Vim package (`editors/vim`) in the real Vim 9, headless: the driver
//! `editors/vim/test/run.vim` loads files with the package and writes what
//! Vim made of them (filetype, syntax groups at given positions, options,
//! the file re-indented); these tests write its plan and assert on its report.
//! Positions are found by searching the text for a token, never written as
//! numbers.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::support::files;
use crate::support::tempdir::TempDir;
use crate::support::tools;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn package() -> PathBuf {
    root().join("editors").join("vim")
}

/// The examples and the stdlib: the files Vim users will open.
fn real_files() -> Vec<PathBuf> {
    let mut found = files::under(&root().join("examples"), "onefront");
    found.extend(files::under(&root().join("stdlib"), "onefront"));
    assert!(found.len() > 2, "no examples found");
    found
}

fn list(name: &str) -> BTreeSet<String> {
    let vocabulary = onefront::editors::Vocabulary::new().unwrap();
    vocabulary.get(name).cloned().unwrap()
}

/// One entry of the driver's plan: a file, the positions to report the
/// syntax group of, and whether to re-indent it.
fn plan_entry(path: &Path, probes: &[(usize, usize)], reindent: bool) -> Value {
    json!({
        "path": path.to_str().unwrap(),
        "probes": probes.iter().map(|&(l, c)| json!([l, c])).collect::<Vec<_>>(),
        "reindent": u8::from(reindent),
    })
}

/// Runs the driver in Vim on `entries` and returns its report of each file.
fn vim(entries: &[Value]) -> Vec<Value> {
    vim_files(entries, true)
}

/// The same with only the syntax file: no ftplugin, no indent plugin, so
/// that highlighting cannot lean on their options ('iskeyword').
fn vim_syntax(entries: &[Value]) -> Vec<Value> {
    vim_files(entries, false)
}

fn vim_files(entries: &[Value], plugins: bool) -> Vec<Value> {
    let count = entries.len();
    let report = vim_report(entries, plugins);
    let files = report["files"].as_array().unwrap().clone();
    assert_eq!(files.len(), count);
    files
}

/// The driver's whole report: `defaults` (the options of a buffer without
/// a filetype) and `files`.
fn vim_report(entries: &[Value], plugins: bool) -> Value {
    let dir = TempDir::new();
    let plan = dir.std_path().join("plan.json");
    let output = dir.std_path().join("report.json");
    let text = json!({
        "output": output.to_str().unwrap(),
        "plugins": u8::from(plugins),
        "files": entries,
    });
    std::fs::write(&plan, text.to_string()).unwrap();
    let home = dir.std_path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let run = Command::new(tools::vim())
        .args(["-Nu", "NONE", "-i", "NONE", "-n", "-es", "-S"])
        .arg(package().join("test").join("run.vim"))
        .env("ONEFRONT_VIM_PLAN", &plan)
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("VIMINIT", "")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("vim: {e}"));
    let report = std::fs::read_to_string(&output).unwrap_or_else(|e| {
        panic!(
            "vim wrote no report ({e}), exit {:?}: {}{}",
            run.status.code(),
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        )
    });
    assert!(run.status.success(), "vim exited {:?}", run.status.code());
    let report: Value = serde_json::from_str(&report).unwrap();
    assert_eq!(report.get("error"), None, "the driver failed");
    report
}

/// 1-based line and byte column of the `nth` (from 1) `token` in `text`.
fn locate(text: &str, token: &str, nth: usize) -> (usize, usize) {
    let offset = text
        .match_indices(token)
        .nth(nth - 1)
        .unwrap_or_else(|| panic!("`{token}` #{nth} is not in the text"))
        .0;
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = offset - before.rfind('\n').map_or(0, |n| n + 1) + 1;
    (line, col)
}

/// What a token must highlight as (a row of `TOKENS`).
struct Expect {
    file: String,
    token: String,
    nth: usize,
    group: String,
    standard: String,
}

/// A position (1-based line and byte column), what stands there, and the
/// groups it must highlight as (see `Expect`).
struct Probe {
    line: usize,
    col: usize,
    what: String,
    group: String,
    standard: String,
}

/// Finds each expected token of the file at `path`.
fn probes_of(path: &Path, expects: &[&Expect]) -> Vec<Probe> {
    let text = std::fs::read_to_string(path).unwrap();
    expects
        .iter()
        .map(|e| {
            let (line, col) = locate(&text, &e.token, e.nth);
            let what = format!("`{}` #{}", e.token.escape_debug(), e.nth);
            Probe {
                line,
                col,
                what,
                group: e.group.clone(),
                standard: e.standard.clone(),
            }
        })
        .collect()
}

/// Writes `text` as `name` in `dir` and returns its path.
fn write(dir: &TempDir, name: &str, text: &str) -> PathBuf {
    let path = dir.std_path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Loads each file in one Vim (the syntax file alone) and checks every probe.
fn check_groups(cases: &[(PathBuf, Vec<Probe>)]) {
    let entries: Vec<Value> = cases
        .iter()
        .map(|(path, probes)| {
            let at: Vec<_> = probes.iter().map(|p| (p.line, p.col)).collect();
            plan_entry(path, &at, false)
        })
        .collect();
    let mut wrong = Vec::new();
    for ((path, probes), report) in cases.iter().zip(vim_syntax(&entries)) {
        for (probe, got) in probes.iter().zip(report["groups"].as_array().unwrap()) {
            let chain: Vec<&str> = got[2]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| g.as_str().unwrap())
                .collect();
            let links = if probe.standard.is_empty() {
                chain.len() == 1
            } else {
                chain.contains(&probe.standard.as_str())
            };
            if chain.first() != Some(&probe.group.as_str()) || !links {
                wrong.push(format!(
                    "{} line {}: {}: want {} -> {}, got {}",
                    path.file_name().unwrap().to_string_lossy(),
                    probe.line,
                    probe.what,
                    probe.group,
                    probe.standard,
                    chain.join(" -> ")
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The examples, the stdlib and the UI corpus (many with deliberate
/// syntax errors) load, highlighted to their last line, without an error.
#[test]
fn every_example_the_stdlib_and_the_ui_corpus_load_as_onefront_without_an_error() {
    let mut paths = real_files();
    paths.extend(files::under(&root().join("tests").join("ui"), "onefront"));
    assert!(paths.len() > 100, "the UI corpus was not found");
    let reports = vim(&paths
        .iter()
        .map(|p| plan_entry(p, &[], false))
        .collect::<Vec<_>>());
    for (path, report) in paths.iter().zip(reports) {
        let name = path.display();
        assert_eq!(report["filetype"], "onefront", "{name}");
        assert_eq!(report["current_syntax"], "onefront", "{name}");
        assert_eq!(report["errmsg"], "", "{name}");
        let messages = report["messages"].as_str().unwrap();
        let error = first_error_number(messages);
        assert!(error.is_none(), "{name}: {messages}");
    }
}

/// The first `E123:` of Vim's message history.
fn first_error_number(messages: &str) -> Option<&str> {
    messages.split_whitespace().find(|word| {
        word.strip_prefix('E')
            .and_then(|rest| rest.strip_suffix(':'))
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    })
}

/// A file of everything the stdlib does not show, mistakes included.
const SAMPLE: &str = r#"onefront 5.13
# TODO check
deployment opennebula {
  image  "registry.example.com:5000/opennebula:5.13"
  layout reference
  bind   192.168.10.2
  bind ssh [2001:db8::2]
  restart unless-stopped
  maintenance yes
  env {
    ONEADMIN_PASWORD = "x"
    DEPLOY_BIND_ADDR = 1.2.3.4
    oneadmin_password = secret
    ONEADMIN_PASSWORD = secret("ONE\u{41} \q \u{D800} \" \\ \$")
    TLS_CERT = /certs/cert.pem
    TLS_DOMAIN_LIST = [one, "b", SUNSTONE_PORT]
    MYSQL_HOST = "unterminated { [
    MYSQL_PORT = 3306
    DIND_HOST =
    TLS_VALID_DAYS = 730
  }
  publish sunstone.http  127.0.0.1:8080
  publish sunstone.vnc   [::1]:5900
  publish oned.api       2633 from plain
  publish oneflow.api    off
  volume opennebula_datastores bind /srv/one/datastores readonly
  mount  /etc/one-certs at /certs readonly
  without docker, mysqld
  external mysqld "db.example.com"
  runtime docker
  compose v2
  container one runs oned {
    capabilities [SYS_ADMIN, NET_ADMIN]
  }
}
"#;

/// What each token must highlight as: the file (an example by name,
/// `stdlib`, or `sample` for `SAMPLE`), the token as a JSON string, which of
/// its occurrences (from 1), its group, and a standard group it links to
/// (`-`: it links to none). `#` starts a comment.
const TOKENS: &str = r##"
reference.onefront       "# Scenario"                 1 onefrontComment            Comment
reference.onefront       "onefront 5.13"              1 onefrontKeyword            Keyword
reference.onefront       "5.13\n"                     1 onefrontVersion            Float
reference.onefront       "deployment"                 1 onefrontKeyword            Keyword
reference.onefront       "opennebula {"               1 onefrontDeploymentName     Function
reference.onefront       "{"                          1 onefrontDelimiter          Delimiter
reference.onefront       "\"opennebula:5.13\""        1 onefrontString             String
reference.onefront       "reference  #"               1 onefrontLayoutName         Constant
reference.onefront       "192.168.1.1"                1 onefrontAddress            Constant
reference.onefront       "env {"                      1 onefrontKeyword            Keyword
reference.onefront       "OPENNEBULA_FRONTEND_HOST"   1 onefrontParameter          Identifier
reference.onefront       "="                          1 onefrontOperator           Operator
reference.onefront       "secret("                    1 onefrontSecret             Special
reference.onefront       "\"MYSQL_PASSWORD\""         1 onefrontString             String
podman-rootless.onefront "all-in-one"                 1 onefrontLayoutName         Constant
podman-rootless.onefront "podman rootless"            1 onefrontRuntime            Constant
podman-rootless.onefront "rootless\n"                 1 onefrontKeyword            Keyword
podman-rootless.onefront "ssh "                       1 onefrontRole               Tag
podman-rootless.onefront "2222"                       1 onefrontPort               Number
podman-rootless.onefront "sunstone.https"             1 onefrontRole               Tag
compose-v1.onefront      "v1\n"                       1 onefrontComposeFlavour     Constant
stdlib                   "opennebula 5.13"            1 onefrontReferenceName      Function
stdlib                   "5.13 {"                     1 onefrontVersion            Float
stdlib                   "fireedge {"                 1 onefrontServiceName        Type
stdlib                   "opennebula-docker"          1 onefrontContainerName      Function
stdlib                   "guacd, oned"                1 onefrontServiceName        Type
stdlib                   ", oned"                     1 onefrontDelimiter          Delimiter
stdlib                   "MAINTENANCE_MODE:"          1 onefrontParameter          Identifier
stdlib                   ": bool"                     1 onefrontOperator           Operator
stdlib                   "bool"                       1 onefrontType               Type
stdlib                   "*\n"                        1 onefrontEvery              Operator
stdlib                   "TLS_CERT_BASE64\n"          1 onefrontParameter          Identifier
stdlib                   "secret\n"                   1 onefrontKeyword            Keyword
stdlib                   "22/tcp"                     1 onefrontPort               Number
stdlib                   "/tcp"                       1 onefrontProtoSlash         Delimiter
stdlib                   "tcp on"                     1 onefrontProtocol           Constant
stdlib                   "sshd {"                     1 onefrontServiceName        Type
stdlib                   "/var/lib/one/backups {"     1 onefrontPath               String
stdlib                   "opennebula_mysql"           1 onefrontVolumeName         StorageClass
stdlib                   "DEPLOY_BIND_ADDR:"          1 onefrontDeployParameter    Identifier
stdlib                   "opennebula-sshd\n"          1 onefrontContainerName      Function
stdlib                   "DEPLOY_BIND_ADDR\n"         1 onefrontDeployParameter    Identifier
stdlib                   "sunstone.vnc"               1 onefrontRole               Tag
stdlib                   "same\n"                     1 onefrontKeyword            Keyword
stdlib                   "udp\n"                      1 onefrontProtocol           Constant
stdlib                   "unless-stopped"             1 onefrontRestartPolicy      Constant
stdlib                   "DIND_ENABLED ="             1 onefrontParameter          Identifier
stdlib                   "P1"                         1 onefrontRuleName           Label
stdlib                   "\\n"                        1 onefrontEscape             SpecialChar
stdlib                   "\\\""                       1 onefrontEscape             SpecialChar
sample                   "TODO"                       1 onefrontTodo               Todo
sample                   "\"registry"                 1 onefrontString             String
sample                   "[2001:db8::2]"              1 onefrontAddress            Constant
sample                   "ssh ["                      1 onefrontKeyword            Keyword
sample                   "yes"                        1 onefrontBoolean            Boolean
sample                   "ONEADMIN_PASWORD"           1 onefrontUnknownParameter   Error
sample                   "DEPLOY_BIND_ADDR"           1 onefrontUnknownParameter   Error
sample                   "1.2.3.4"                    1 onefrontAddress            Constant
sample                   "oneadmin_password"          1 onefrontEnvBadName         Error
sample                   "secret\n"                   1 onefrontSecret             Special
sample                   "\\u{41}"                    1 onefrontEscape             SpecialChar
sample                   "\\q"                        1 onefrontBadEscape          Error
sample                   "\\u{D800}"                  1 onefrontBadEscape          Error
sample                   "\\\""                       1 onefrontEscape             SpecialChar
sample                   "\\\\"                       1 onefrontEscape             SpecialChar
sample                   "\\$"                        1 onefrontEscape             SpecialChar
sample                   "/certs/cert.pem"            1 onefrontPath               String
sample                   "[one"                       1 onefrontDelimiter          Delimiter
sample                   "one,"                       1 onefrontWord               -
sample                   "SUNSTONE_PORT]"             1 onefrontWord               -
sample                   "\"b\""                      1 onefrontString             String
# The unterminated string ends with its line: the next line
# is a parameter, and its braces do not close the env block.
sample                   "[\n"                        1 onefrontString             String
sample                   "MYSQL_PORT"                 1 onefrontParameter          Identifier
sample                   "3306"                       1 onefrontNumber             Number
# `=` with no value: the next name is no value.
sample                   "TLS_VALID_DAYS"             1 onefrontParameter          Identifier
sample                   "127.0.0.1"                  1 onefrontAddress            Constant
sample                   ":8080"                      1 onefrontPortColon          Delimiter
sample                   "8080"                       1 onefrontPort               Number
sample                   "[::1]"                      1 onefrontAddress            Constant
sample                   "5900"                       1 onefrontPort               Number
sample                   "plain"                      1 onefrontKeyword            Keyword
sample                   "off"                        1 onefrontKeyword            Keyword
sample                   "opennebula_datastores"      1 onefrontVolumeName         StorageClass
sample                   "/srv/one/datastores"        1 onefrontPath               String
sample                   "readonly"                   1 onefrontKeyword            Keyword
sample                   "docker,"                    1 onefrontServiceName        Type
sample                   "mysqld \""                  1 onefrontServiceName        Type
sample                   "docker\n"                   1 onefrontRuntime            Constant
sample                   "v2"                         1 onefrontComposeFlavour     Constant
sample                   "one runs"                   1 onefrontContainerName      Function
sample                   "oned {"                     1 onefrontServiceName        Type
sample                   "SYS_ADMIN"                  1 onefrontWord               -
"##;

/// The rows of `TOKENS`.
fn tokens() -> Vec<Expect> {
    let mut expects = Vec::new();
    for row in TOKENS.lines().map(str::trim) {
        if row.is_empty() || row.starts_with('#') {
            continue;
        }
        let (file, rest) = row.split_once(' ').unwrap();
        let mut strings = serde_json::Deserializer::from_str(rest).into_iter::<String>();
        let token = strings.next().unwrap().unwrap();
        let fields: Vec<&str> = rest[strings.byte_offset()..].split_whitespace().collect();
        let [nth, group, standard] = fields[..] else {
            panic!("bad row: {row}");
        };
        expects.push(Expect {
            file: file.to_owned(),
            token,
            nth: nth.parse().unwrap(),
            group: group.to_owned(),
            standard: standard.trim_start_matches('-').to_owned(),
        });
    }
    expects
}

/// The file of a `TOKENS` entry.
fn token_file(file: &str, dir: &TempDir) -> PathBuf {
    match file {
        "stdlib" => root().join("stdlib").join("opennebula-5.13.onefront"),
        "sample" => write(dir, "sample.onefront", SAMPLE),
        example => root().join("examples").join(example),
    }
}

#[test]
fn tokens_get_their_groups() {
    let dir = TempDir::new();
    let tokens = tokens();
    let mut files: Vec<&str> = tokens.iter().map(|e| e.file.as_str()).collect();
    files.dedup();
    let cases: Vec<_> = files
        .into_iter()
        .map(|file| {
            let path = token_file(file, &dir);
            let expects: Vec<&Expect> = tokens.iter().filter(|e| e.file == file).collect();
            let probes = probes_of(&path, &expects);
            (path, probes)
        })
        .collect();
    check_groups(&cases);
}

/// The words of the hand-written `syn keyword onefrontKeyword` lines of the
/// template (those that add a `nextgroup`): all must be keywords of the
/// grammar, or a renamed keyword would leave a stale one behind.
#[test]
fn hand_written_keywords_of_the_template_are_keywords_of_the_grammar() {
    let template =
        std::fs::read_to_string(package().join("syntax").join("onefront.vim.in")).unwrap();
    let keywords = list("keywords");
    let mut seen = 0;
    for line in template.lines() {
        let Some(rest) = line.strip_prefix("syn keyword onefrontKeyword ") else {
            continue;
        };
        for word in rest.split_whitespace() {
            if word.contains('=') || word.starts_with("skip") || word.starts_with("{{") {
                continue;
            }
            seen += 1;
            assert!(
                keywords.contains(word),
                "`{word}` is no keyword of the grammar"
            );
        }
    }
    assert!(seen > 20, "the template's keyword lines were not found");
}

#[test]
fn every_keyword_and_boolean_highlights() {
    let mut text = String::new();
    let mut probes = Vec::new();
    for (name, group, standard) in [
        ("keywords", "onefrontKeyword", "Keyword"),
        ("booleans", "onefrontBoolean", "Boolean"),
    ] {
        for word in list(name) {
            // `{ }` after it: nothing that a keyword names follows.
            text.push_str(&format!("{word} {{ }}\n"));
            probes.push(Probe {
                line: text.lines().count(),
                col: 1,
                what: format!("`{word}`"),
                group: group.to_owned(),
                standard: standard.to_owned(),
            });
        }
    }
    let dir = TempDir::new();
    check_groups(&[(write(&dir, "keywords.onefront", &text), probes)]);
}

/// Every parameter of the stdlib is known as the name of an env entry;
/// deploy parameters are errors there, and known where the stdlib defines
/// them.
#[test]
fn every_parameter_is_known_in_env_and_deploy_parameters_only_in_the_stdlib() {
    let parameters = list("parameters");
    let deploys = list("deploy-parameters");
    assert!(parameters.len() > 30 && deploys.len() > 10);
    let mut text = String::from("onefront 5.13\ndeployment d {\n  env {\n");
    let mut probes = Vec::new();
    // `before NAME after` on a line of its own; NAME must show as `want`.
    let mut add = |text: &mut String,
                   name: &str,
                   (before, after): (&str, &str),
                   want: (&'static str, &'static str)| {
        text.push_str(&format!("{before}{name}{after}\n"));
        probes.push(Probe {
            line: text.lines().count(),
            col: before.len() + 1,
            what: format!("`{name}`"),
            group: want.0.to_owned(),
            standard: want.1.to_owned(),
        });
    };
    let entry = ("    ", " = 1");
    for name in &parameters {
        add(&mut text, name, entry, ("onefrontParameter", "Identifier"));
    }
    for name in &deploys {
        add(
            &mut text,
            name,
            entry,
            ("onefrontUnknownParameter", "Error"),
        );
    }
    text.push_str("  }\n}\nreference r 5.13 {\n");
    for name in &deploys {
        let definition = ("  deploy ", ": port = 1 { }");
        add(
            &mut text,
            name,
            definition,
            ("onefrontDeployParameter", "Identifier"),
        );
    }
    text.push_str("}\n");
    let dir = TempDir::new();
    check_groups(&[(write(&dir, "parameters.onefront", &text), probes)]);
}

/// Braces and brackets in strings and comments, a list over several lines,
/// a closing brace after a value: each line's indent is its nesting.
const NESTING: &str = r#"onefront 5.13

deployment d {
  env {
    TLS_DOMAIN_LIST = [
      "a{",
      "b]",
    ]
    ONEADMIN_PASSWORD = "}}" # }
    MYSQL_HOST = "x\"{" }
  # {
  container c {
    env { TLS_VALID_DAYS = 1 }
    capabilities [A,
      B]
  }
}
"#;

/// Each example, the stdlib and `NESTING` with all leading white space
/// removed come back as written after `gg=G`: every line of them is
/// indented by its nesting alone, so no line needs an exception.
#[test]
fn reindenting_gives_back_every_file_as_written() {
    let dir = TempDir::new();
    let nesting = write(&dir, "nesting.onefront", NESTING);
    let mut paths = real_files();
    paths.push(nesting);
    let reports = vim(&paths
        .iter()
        .map(|p| plan_entry(p, &[], true))
        .collect::<Vec<_>>());
    for (path, report) in paths.iter().zip(reports) {
        let text = std::fs::read_to_string(path).unwrap();
        let want: Vec<&str> = text.lines().collect();
        let got: Vec<&str> = report["reindented"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        let first = want.iter().zip(&got).position(|(w, g)| w != g);
        assert!(
            first.is_none() && want.len() == got.len(),
            "{}: line {:?} re-indents as {:?}",
            path.display(),
            first.map(|n| want[n]),
            first.map(|n| got[n])
        );
    }
}

#[test]
fn ftplugin_sets_the_house_style_and_undo_restores_every_option() {
    let path = root().join("examples").join("reference.onefront");
    let whole = vim_report(&[plan_entry(&path, &[], false)], true);
    let report = &whole["files"][0];
    let options = &report["options"];
    assert_eq!(options["commentstring"], "# %s");
    assert_eq!(options["comments"], ":#");
    let iskeyword = options["iskeyword"].as_str().unwrap();
    assert!(iskeyword.split(',').any(|part| part == "-"), "{iskeyword}");
    assert_eq!(report["dash_is_keyword"], 1, "`per-service` is one word");
    let formatoptions = options["formatoptions"].as_str().unwrap();
    assert!(
        "cqro".chars().all(|c| formatoptions.contains(c)) && !formatoptions.contains('t'),
        "{formatoptions}"
    );
    assert_eq!(
        (
            &options["shiftwidth"],
            &options["softtabstop"],
            &options["expandtab"]
        ),
        (&json!(2), &json!(2), &json!(1))
    );
    assert_eq!(options["indentexpr"], "GetOnefrontIndent(v:lnum)");
    // Every option the plugins set differs from Vim's default, so that
    // getting the defaults back after `:set filetype=` means the undo
    // commands restored each one.
    let (Value::Object(set), Value::Object(defaults)) = (options, &whole["defaults"]) else {
        panic!("no options in the report");
    };
    for (name, value) in set {
        assert_ne!(Some(value), defaults.get(name), "`{name}` is not set");
    }
    assert_eq!(&report["undone"], &Value::Object(defaults.clone()));
}
