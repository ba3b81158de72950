//! pest's errors -> user words. pest reports the grammar rules it tried at the
//! furthest position; rule names must never reach a user, so each one that can
//! show up has a phrase here (a unit test checks every rule of the grammar).

use pest::error::{Error, ErrorVariant, InputLocation};

use super::parse::Rule;
use crate::diagnostic::{Alternatives, Diagnostic, Found as FoundWords, SyntaxFix};
use crate::span::{SourceId, Span};
use crate::suggest;

/// Keywords are `kw_` rules; their text is the rule name with `-` for `_`.
pub(crate) fn is_keyword(rule: Rule) -> bool {
    format!("{rule:?}").starts_with("kw_")
}

/// What a grammar rule is, in a user's words; `None` for rules that are never
/// reported on their own.
pub(crate) fn describe(rule_name: &str) -> Option<String> {
    if rule_name == "kw_onefront" {
        return Some("the header `onefront 5.13`".to_owned());
    }
    if let Some(keyword) = rule_name.strip_prefix("kw_") {
        return Some(format!("`{}`", keyword.replace('_', "-")));
    }
    let words = match rule_name {
        "EOI" => "end of file",
        "header" => "the header `onefront 5.13`",
        "version" => "a version such as `5.13`",
        "name" | "ident" | "type_name" => "a name",
        "name_list" => "a name or a comma-separated list of names",
        "param_name" => "a parameter name in capitals, such as `MYSQL_PORT`",
        "role" => "a port role such as `sunstone.http`",
        "string" => "a string in double quotes",
        "content" | "plain_chars" | "escape" => "the rest of the string",
        "integer" => "a number",
        "host_port" => "a port number (or `address:port`)",
        "port_side" => "`tls` or `plain`",
        "port_proto" => "a port and protocol such as `4124/udp`",
        "protocol" => "`tcp` or `udp`",
        "ipv4" | "ipv6" => "an IP address",
        "path_value" => "an absolute path such as `/srv/one`",
        "boolean" => "`yes` or `no`",
        "secret_value" | "list" | "word" => "a value",
        "assignment" => "a parameter assignment such as `MYSQL_PORT = 3306`",
        "named_volume" => "`named`",
        "anonymous_volume" => "`anonymous`",
        "bind_volume" => "`bind`",
        "service_set" | "every" => "`*` or a list of services",
        "rule_id" => "a rule id such as `P3`",
        "severity" => "`error` or `warning`",
        "type_expr" => "a type",
        "applies_every" => "`every`",
        _ => return describe_statement(rule_name).map(str::to_owned),
    };
    Some(words.to_owned())
}

/// Rules that only group others: pest names them when several of their
/// parts fail at once, and the parts are named already.
const GROUPS: &[&str] = &["file", "deployment", "reference", "value", "address"];

/// Whether a rule is a statement, named by its opening keyword.
fn is_statement(rule_name: &str) -> bool {
    ["_stmt", "_def", "_block", "_container", "_volume"]
        .iter()
        .any(|suffix| rule_name.ends_with(suffix))
}

/// Statements are reported by the keyword that opens them.
fn describe_statement(rule_name: &str) -> Option<&'static str> {
    Some(match rule_name {
        "image_stmt" => "`image`",
        "layout_stmt" | "layout_def" => "`layout`",
        "bind_stmt" | "bind_def" => "`bind`",
        "restart_stmt" => "`restart`",
        "maintenance_stmt" => "`maintenance`",
        "env_block" => "`env`",
        "publish_stmt" | "publish_def" => "`publish`",
        "volume_stmt" | "volume_def" | "layout_volume" => "`volume`",
        "mount_stmt" | "mounted_stmt" => "`mount`",
        "without_stmt" => "`without`",
        "external_stmt" | "external_def" => "`external`",
        "container_block" | "layout_container" | "reference_container" => "`container`",
        "doc_stmt" => "`doc`",
        "service_def" => "`service`",
        "cap_stmt" => "`cap`",
        "param_def" => "`param`",
        "table_stmt" => "`table`",
        "reads_stmt" => "`reads`",
        "required_stmt" => "`required`",
        "secret_stmt" => "`secret`",
        "locates_stmt" => "`locates`",
        "listen_def" => "`listen`",
        "when_stmt" => "`when`",
        "internal_stmt" | "internal_def" => "`internal`",
        "published_stmt" => "`published`",
        "follows_stmt" => "`follows`",
        "implicit_stmt" => "`implicit`",
        "used_by_stmt" => "`used-by`",
        "directory_def" => "`directory`",
        "deploy_def" => "`deploy`",
        "applies_stmt" => "`applies`",
        "sets_stmt" => "`sets`",
        "plain_def" => "`plain`",
        "tls_def" => "`tls`",
        "protocols_def" => "`protocols`",
        "per_service_stmt" => "`per-service`",
        "rule_def" => "`rule`",
        "wrong_stmt" => "`wrong`",
        "right_stmt" => "`right`",
        "runtime_stmt" => "`runtime`",
        "compose_stmt" => "`compose`",
        "privileged_stmt" | "privileged_set" => "`privileged`",
        "capabilities_stmt" => "`capabilities`",
        "needs_stmt" => "`needs`",
        "wants_stmt" => "`wants`",
        "pairs_stmt" => "`pairs-with`",
        "alternative_stmt" => "`alternative-to`",
        "means_stmt" => "`means`",
        "unshared_stmt" => "`unshared`",
        "default_layout_stmt" => "`default-layout`",
        "default_restart_stmt" => "`default-restart`",
        "default_stmt" => "`default`",
        "runs_everything_stmt" => "`runs-everything`",
        "runs_nothing_stmt" => "`runs-nothing`",
        "clashes_def" => "`clashes-with-host`",
        "renamed_stmt" => "`renamed-from`",
        _ => return None,
    })
}

/// Turns a pest error into one syntax diagnostic in words. With pest's
/// error detail on (see `parse.rs`), the position is the furthest one any
/// rule or literal reached, and the expected set names the literals too.
/// `reported`: the `{` of blocks already reported unclosed.
pub(crate) fn syntax_error(
    id: SourceId,
    source: &str,
    error: &Error<Rule>,
    reported: &[usize],
) -> Diagnostic {
    let location = match error.location {
        InputLocation::Pos(pos) | InputLocation::Span((pos, _)) => pos,
    };
    let attempts = error.parse_attempts();
    let furthest = attempts.as_ref().map_or(location, |a| a.max_position);
    // Stopped inside a word (`enviroment` after `env`): the word is reported
    // whole, with what could start there.
    let at = word_start(source, furthest);
    let mut rules: Vec<Rule> = Vec::new();
    let mut tokens: Vec<String> = Vec::new();
    if let Some(attempts) = attempts.filter(|_| at == furthest) {
        rules.extend(
            attempts
                .call_stacks()
                .iter()
                .filter_map(|s| s.deepest.get_rule().copied()),
        );
        tokens.extend(attempts.expected_tokens().iter().map(ToString::to_string));
    }
    // pest's own expected set names what the attempts fold into a parent
    // once too many children failed (statement keywords, kinds of value).
    if let ErrorVariant::ParsingError { positives, .. } = &error.variant {
        if location == at {
            rules.extend(positives.iter().copied());
        }
    }
    let expected = expected_words(source, at, &rules, &tokens);
    if let Some(diagnostic) = unterminated_string(id, source, at) {
        return diagnostic;
    }
    let found = found_at(id, source, at);
    let expects_equals = expected.iter().any(|e| e == "`=`");
    if let Some(diagnostic) =
        super::slips::slip(id, source, at, &found.text, expects_equals, reported)
    {
        return diagnostic;
    }
    Diagnostic::Syntax {
        found: found.words(),
        fix: fix(&found.text, &expected),
        expected: Alternatives(expected),
        span: found.span,
    }
}

/// What could have come at `at`, in words.
fn expected_words(source: &str, at: usize, rules: &[Rule], tokens: &[String]) -> Vec<String> {
    let mut expected: Vec<String> = Vec::new();
    let line_start = source[..at].rfind('\n').map_or(0, |i| i + 1);
    let statement_start = source[line_start..at].trim().is_empty();
    let mut add = |words: String| {
        if !expected.contains(&words) {
            expected.push(words);
        }
    };
    let names: Vec<String> = rules.iter().map(|r| format!("{r:?}")).collect();
    // Where any value may go, one phrase says it better than eight.
    let any_value = names
        .iter()
        .filter(|n| VALUE_RULES.contains(&n.as_str()))
        .count()
        >= 3;
    if any_value {
        add(
            "a value: a string, a number, `yes` or `no`, an address, a path, a list or `secret`"
                .to_owned(),
        );
    }
    for name in names {
        if any_value && VALUE_RULES.contains(&name.as_str()) {
            continue;
        }
        if GROUPS.contains(&name.as_str()) || (is_statement(&name) && !statement_start) {
            continue;
        }
        if let Some(words) = describe(&name) {
            add(words);
        }
    }
    for token in tokens {
        if PUNCTUATION.contains(&token.as_str()) {
            add(format!("`{token}`"));
        }
    }
    expected
}

/// The rules of the kinds of value, said together.
const VALUE_RULES: &[&str] = &[
    "secret_value",
    "boolean",
    "list",
    "string",
    "ipv4",
    "ipv6",
    "path_value",
    "integer",
    "word",
    "kw_yes",
    "kw_no",
    "kw_true",
    "kw_false",
    "kw_secret",
];

/// The literals worth naming: the punctuation of the language.
const PUNCTUATION: &[&str] = &["{", "}", "=", ",", "(", ")", ":", "]"];

/// The start of the word `at` is in (or `at` itself).
fn word_start(source: &str, at: usize) -> usize {
    let at = floor_char_boundary(source, at.min(source.len()));
    source[..at]
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || matches!(c, '_' | '-'))
        .last()
        .map_or(at, |(i, _)| i)
}

/// What stands at the error position: a word, one character, or the end.
struct Found {
    text: String,
    span: Span,
}

impl Found {
    fn words(&self) -> FoundWords {
        match self.text.as_str() {
            "" => FoundWords::End,
            "\n" => FoundWords::EndOfLine,
            text => FoundWords::Text(text.to_owned()),
        }
    }
}

fn found_at(id: SourceId, source: &str, at: usize) -> Found {
    let rest = source.get(at..).unwrap_or("");
    let word_len = rest
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.')))
        .map_or(rest.len(), |(i, _)| i);
    let len = if word_len > 0 {
        word_len.min(60)
    } else {
        rest.chars().next().map_or(0, char::len_utf8)
    };
    let len = floor_char_boundary(rest, len);
    Found {
        text: rest[..len].to_owned(),
        span: Span::new(id, at, at + len),
    }
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while index > 0 && !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// A `"` opened before `at` on the same line and never closed on it.
fn unterminated_string(id: SourceId, source: &str, at: usize) -> Option<Diagnostic> {
    let at = floor_char_boundary(source, at.min(source.len()));
    let line_start = source[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[at..].find('\n').map_or(source.len(), |i| at + i);
    let line = &source[line_start..line_end];
    let mut open: Option<usize> = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match (open, c) {
            (None, '#') => break,
            (None, '"') => open = Some(i),
            (Some(_), '\\') if !escaped => {
                escaped = true;
                continue;
            }
            (Some(_), '"') if !escaped => open = None,
            _ => {}
        }
        escaped = false;
    }
    let start = line_start + open?;
    if start > at {
        return None;
    }
    Some(Diagnostic::UnterminatedString {
        span: Span::new(id, start, line_start + line.trim_end_matches('\r').len()),
    })
}

/// A concrete fix, when the found text makes one likely.
fn fix(found: &str, expected: &[String]) -> Option<SyntaxFix> {
    if found.is_empty() {
        return None;
    }
    if expected.iter().any(|e| e.starts_with("the header")) {
        return Some(SyntaxFix::Header);
    }
    if expected.iter().any(|e| e.starts_with("a parameter name"))
        && found.chars().any(|c| c.is_ascii_lowercase())
    {
        return Some(SyntaxFix::Capitals(found.to_ascii_uppercase()));
    }
    if found == "\"" && expected.iter().any(|e| e.contains("port number")) {
        return Some(SyntaxFix::UnquotePort);
    }
    let keywords: Vec<&str> = expected
        .iter()
        .filter_map(|words| words.strip_prefix('`')?.strip_suffix('`'))
        .filter(|k| k.chars().all(|c| c.is_alphanumeric() || c == '-'))
        .collect();
    let candidates = if keywords.is_empty() {
        all_keywords()
    } else {
        keywords
    };
    suggest::closest(found, candidates.iter().copied()).map(|k| SyntaxFix::DidYouMean(k.to_owned()))
}

/// Every keyword of the grammar, in the grammar's order.
#[must_use]
pub fn all_keywords() -> Vec<&'static str> {
    include_str!("../../grammar/onefront.pest")
        .lines()
        .filter_map(|line| line.strip_prefix("kw_"))
        .filter_map(|rest| rest.split('"').nth(1))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::describe;

    /// Every rule of the grammar that pest can report has words.
    #[test]
    fn every_reported_rule_has_words() {
        let grammar = include_str!("../../grammar/onefront.pest");
        let missing: Vec<&str> = grammar
            .lines()
            .filter_map(|line| {
                let (name, rest) = line.split_once('=')?;
                let name = name.trim();
                let silent = rest.trim_start().starts_with('_');
                let valid =
                    !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_');
                (valid && !silent && !matches!(name, "WHITESPACE" | "COMMENT")).then_some(name)
            })
            .filter(|name| !super::GROUPS.contains(name) && describe(name).is_none())
            .collect();
        assert_eq!(missing, Vec::<&str>::new());
    }
}
