//! `# output:` lines of a UI case: what a case that compiles claims about the
//! files it generates. Syntax and meaning are in `tests/ui/README.md`:
//!
//! ```text
//! # output: FILE [under ANCHOR > ANCHOR ...] contains LINE [| LINE ...]
//! # output: FILE [under ANCHOR > ANCHOR ...] lacks TEXT
//! ```

use onefront::emit::Artifact;

/// The prefix of a directive line.
const PREFIX: &str = "# output:";

/// One `# output:` line, parsed.
#[derive(Debug, PartialEq, Eq)]
pub struct Directive {
    /// The line as written, for messages.
    pub raw: String,
    /// The artifact's path, as `compile` names it: `opennebula/.env`.
    file: String,
    /// Anchors, outermost first: the claim holds inside their blocks.
    scope: Vec<String>,
    claim: Claim,
}

#[derive(Debug, PartialEq, Eq)]
enum Claim {
    /// Consecutive lines, each equal to one of these once trimmed.
    Contains(Vec<String>),
    /// No line holds this text anywhere.
    Lacks(String),
}

/// The directives of a case: the `# output:` lines that close the file,
/// after the input. One anywhere else is an error, as it would be easy to
/// miss; at the end they shift no line of the input, so the snapshotted
/// reports keep their line numbers.
pub fn parse_all(text: &str) -> Result<Vec<Directive>, String> {
    let lines: Vec<&str> = text.lines().collect();
    let footer = lines
        .iter()
        .rposition(|l| !l.trim().is_empty() && !l.starts_with(PREFIX))
        .map_or(0, |last_input| last_input + 1);
    let mut directives = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        if !line.starts_with(PREFIX) {
            continue;
        }
        if index < footer {
            return Err(format!(
                "line {}: `# output:` lines go at the end of the file, after the input",
                index + 1
            ));
        }
        directives.push(parse(line).map_err(|e| format!("line {}: {e}", index + 1))?);
    }
    Ok(directives)
}

fn parse(line: &str) -> Result<Directive, String> {
    let rest = line[PREFIX.len()..].trim();
    let (file, rest) = rest
        .split_once(' ')
        .ok_or_else(|| format!("expected `FILE contains ...` or `FILE lacks ...`: {line:?}"))?;
    let rest = rest.trim_start();
    let (scope, claim) = match rest.strip_prefix("under ") {
        Some(under) => {
            let verb = [" contains ", " lacks "]
                .iter()
                .filter_map(|verb| under.find(verb))
                .min()
                .ok_or_else(|| format!("`under` without `contains` or `lacks`: {line:?}"))?;
            let anchors = under[..verb]
                .split(" > ")
                .map(|a| a.trim().to_owned())
                .collect::<Vec<_>>();
            if anchors.iter().any(String::is_empty) {
                return Err(format!("empty anchor after `under`: {line:?}"));
            }
            (anchors, &under[verb + 1..])
        }
        None => (Vec::new(), rest),
    };
    let claim = if let Some(lines) = claim.strip_prefix("contains ") {
        let lines: Vec<String> = lines.split(" | ").map(|l| l.trim().to_owned()).collect();
        if lines.iter().any(String::is_empty) {
            return Err(format!("empty line after `contains`: {line:?}"));
        }
        Claim::Contains(lines)
    } else if let Some(text) = claim.strip_prefix("lacks ") {
        let text = text.trim();
        if text.is_empty() {
            return Err(format!("empty text after `lacks`: {line:?}"));
        }
        Claim::Lacks(text.to_owned())
    } else {
        return Err(format!(
            "expected `contains` or `lacks` after the file: {line:?}"
        ));
    };
    Ok(Directive {
        raw: line.to_owned(),
        file: file.to_owned(),
        scope,
        claim,
    })
}

impl Directive {
    /// Checks the claim against the generated files; the error says what is
    /// wrong and shows the file.
    pub fn check(&self, artifacts: &[Artifact]) -> Result<(), String> {
        let Some(artifact) = artifacts.iter().find(|a| a.path == self.file) else {
            let generated: Vec<&str> = artifacts.iter().map(|a| a.path.as_str()).collect();
            return Err(format!(
                "`{}` was not generated; these were: {}",
                self.file,
                generated.join(", ")
            ));
        };
        let lines: Vec<&str> = artifact.contents.lines().collect();
        let whole_file = 0..lines.len();
        let blocks = self.scope.iter().fold(vec![whole_file], |blocks, anchor| {
            blocks
                .into_iter()
                .flat_map(|block| blocks_under(&lines, block, anchor))
                .collect()
        });
        let shown = || format!("--- {} ---\n{}", self.file, artifact.contents);
        if blocks.is_empty() {
            return Err(format!(
                "`{}` has no block under `{}`\n{}",
                self.file,
                self.scope.join(" > "),
                shown()
            ));
        }
        let holds = match &self.claim {
            Claim::Contains(run) => blocks.iter().any(|b| holds_run(&lines[b.clone()], run)),
            Claim::Lacks(text) => blocks
                .iter()
                .all(|b| lines[b.clone()].iter().all(|l| !l.contains(text.as_str()))),
        };
        if holds {
            Ok(())
        } else {
            let what = match &self.claim {
                Claim::Contains(run) => {
                    format!("no line (trimmed) reads `{}`", run.join("` then `"))
                }
                Claim::Lacks(text) => format!("a line holds `{text}`"),
            };
            let place = if self.scope.is_empty() {
                String::new()
            } else {
                format!(" under `{}`", self.scope.join(" > "))
            };
            Err(format!("in `{}`{place}, {what}\n{}", self.file, shown()))
        }
    }
}

/// The blocks, inside `block`, of each line equal to `anchor` once trimmed:
/// the lines after it that are indented deeper.
fn blocks_under(
    lines: &[&str],
    block: std::ops::Range<usize>,
    anchor: &str,
) -> Vec<std::ops::Range<usize>> {
    let indent = |line: &str| line.len() - line.trim_start().len();
    block
        .clone()
        .filter(|&i| lines[i].trim() == anchor)
        .map(|i| {
            let end = (i + 1..block.end)
                .find(|&j| indent(lines[j]) <= indent(lines[i]) && !lines[j].trim().is_empty())
                .unwrap_or(block.end);
            i + 1..end
        })
        .collect()
}

fn holds_run(lines: &[&str], run: &[String]) -> bool {
    lines.windows(run.len()).any(|window| {
        window
            .iter()
            .zip(run)
            .all(|(line, want)| line.trim() == want)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMPOSE: &str = "\
services:
  web:
    environment:
      PORT: \"80\"
    volumes:
      - type: \"bind\"
        source: \"/srv\"
        read_only: true
  db:
    environment:
      PORT: \"3306\"
";

    fn artifacts() -> Vec<Artifact> {
        vec![Artifact {
            path: "one/docker-compose.yml".into(),
            contents: COMPOSE.to_owned(),
            mode: 0o644,
        }]
    }

    fn check(line: &str) -> Result<(), String> {
        parse(line).unwrap().check(&artifacts())
    }

    #[test]
    fn contains_matches_a_whole_trimmed_line() {
        assert!(check("# output: one/docker-compose.yml contains read_only: true").is_ok());
        assert!(check("# output: one/docker-compose.yml contains read_only: tru").is_err());
        assert!(check("# output: one/docker-compose.yml contains read_only").is_err());
    }

    #[test]
    fn a_run_must_be_consecutive() {
        let ok = "# output: one/docker-compose.yml contains source: \"/srv\" | read_only: true";
        assert!(check(ok).is_ok());
        let apart = "# output: one/docker-compose.yml contains type: \"bind\" | read_only: true";
        assert!(check(apart).is_err());
    }

    #[test]
    fn under_keeps_to_the_block() {
        assert!(check("# output: one/docker-compose.yml under web: contains PORT: \"80\"").is_ok());
        assert!(check("# output: one/docker-compose.yml under db: contains PORT: \"80\"").is_err());
        let nested =
            "# output: one/docker-compose.yml under web: > environment: contains PORT: \"80\"";
        assert!(check(nested).is_ok());
        let outside =
            "# output: one/docker-compose.yml under web: > environment: contains read_only: true";
        assert!(check(outside).is_err());
    }

    #[test]
    fn lacks_fails_on_any_fragment_and_needs_its_block() {
        assert!(check("# output: one/docker-compose.yml under db: lacks read_only").is_ok());
        assert!(check("# output: one/docker-compose.yml under web: lacks read_only").is_err());
        assert!(check("# output: one/docker-compose.yml lacks \"80").is_err());
        assert!(check("# output: one/docker-compose.yml under cache: lacks PORT").is_err());
    }

    #[test]
    fn a_file_that_was_not_generated_fails() {
        let error = check("# output: one/.env contains PORT=80").unwrap_err();
        assert!(error.contains("one/docker-compose.yml"), "{error}");
    }

    #[test]
    fn malformed_lines_are_refused() {
        for line in [
            "# output: one/.env",
            "# output: one/.env has PORT=80",
            "# output: one/.env contains ",
            "# output: one/.env under web: PORT=80",
            "# output: one/.env under  > web: contains PORT=80",
        ] {
            assert!(parse(line).is_err(), "{line}");
        }
    }

    #[test]
    fn directives_close_the_file() {
        let text =
            "# expect: ok\n# what\nonefront 5.13\n\n# output: a contains b\n# output: a lacks c\n";
        assert_eq!(parse_all(text).unwrap().len(), 2);
        let early = "# expect: ok\n# what\n# output: a contains b\nonefront 5.13\n";
        assert!(parse_all(early).is_err());
    }
}
