//! pest's errors -> user words. pest reports the grammar rules it tried at the
//! furthest position; rule names must never reach a user, so each one that can
//! show up has a phrase here (a unit test checks every rule of the grammar).

use pest::error::{Error, InputLocation};

use super::ast::Span;
use super::parse::Rule;
use crate::check::suggest;
use crate::diagnostic::Diagnostic;

/// Keywords are `kw_` rules; their text is the rule name with `-` for `_`.
pub(crate) fn is_keyword(rule: Rule) -> bool {
    format!("{rule:?}").starts_with("kw_")
}

/// What a grammar rule is, in a user's words; `None` for rules that are never
/// reported on their own.
pub(crate) fn describe(rule_name: &str) -> Option<String> {
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
        "host_port" => "a port number or `address:port`",
        "port_side" => "`tls` or `plain`",
        "port_proto" => "a port and protocol such as `4124/udp`",
        "protocol" => "`tcp` or `udp`",
        "ipv4" | "ipv6" => "an IP address",
        "path_value" => "an absolute path such as `/srv/one`",
        "boolean" => "`yes` or `no`",
        "secret_value" | "list" | "word" => "a value",
        "assignment" => "a parameter assignment such as `MYSQL_PORT = 3306`",
        "named_volume" => "`named`",
        "bind_volume" => "`bind`",
        "service_set" | "every" => "`*` or a list of services",
        "rule_id" => "a rule id such as `P3`",
        "severity" => "`error` or `warning`",
        "type_expr" => "a type",
        "applies_every" => "`every`",
        "deployment" => "`deployment`",
        "reference" => "`reference`",
        "file" => "a file",
        _ => return describe_statement(rule_name).map(str::to_owned),
    };
    Some(words.to_owned())
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
        "privileged_stmt" => "`privileged`",
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
        _ => return None,
    })
}

/// Turns a pest error into one syntax diagnostic in words.
pub(crate) fn syntax_error(source: &str, error: &Error<Rule>) -> Diagnostic {
    let at = match error.location {
        InputLocation::Pos(pos) | InputLocation::Span((pos, _)) => pos,
    };
    let mut expected: Vec<String> = Vec::new();
    if let pest::error::ErrorVariant::ParsingError { positives, .. } = &error.variant {
        for rule in positives {
            if let Some(words) = describe(&format!("{rule:?}")) {
                if !expected.contains(&words) {
                    expected.push(words);
                }
            }
        }
    }
    if let Some(attempts) = error.parse_attempts() {
        for token in attempts.expected_tokens() {
            let words = format!("`{token}`");
            if !expected.contains(&words) {
                expected.push(words);
            }
        }
    }
    let found = found_at(source, at);
    if let Some(diagnostic) = unterminated_string(source, at) {
        return diagnostic;
    }
    let help = suggestion(&found.text, &expected);
    Diagnostic::Syntax {
        found: found.describe(),
        expected: join_or(&expected),
        span: found.span,
        help,
    }
}

/// What stands at the error position: a word, one character, or the end.
struct Found {
    text: String,
    span: Span,
}

impl Found {
    fn describe(&self) -> String {
        match self.text.as_str() {
            "" => "end of file".to_owned(),
            "\n" => "end of line".to_owned(),
            text => format!("`{text}`"),
        }
    }
}

fn found_at(source: &str, at: usize) -> Found {
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
        span: Span::new(at, at + len),
    }
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while index > 0 && !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// A `"` that is not closed on its own line.
fn unterminated_string(source: &str, at: usize) -> Option<Diagnostic> {
    let rest = source.get(at..)?;
    let line = rest.split('\n').next().unwrap_or(rest);
    if !line.starts_with('"') {
        return None;
    }
    let mut escaped = false;
    for c in line.chars().skip(1) {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return None,
            _ => escaped = false,
        }
    }
    Some(Diagnostic::UnterminatedString {
        span: Span::new(at, at + line.trim_end_matches('\r').len()),
    })
}

/// "did you mean" for a misspelt keyword.
fn suggestion(found: &str, expected: &[String]) -> Option<String> {
    if found.is_empty() {
        return None;
    }
    let keywords: Vec<&str> = expected
        .iter()
        .filter_map(|words| words.strip_prefix('`')?.strip_suffix('`'))
        .collect();
    suggest::closest(found, keywords.iter().copied()).map(|k| format!("did you mean `{k}`?"))
}

/// "a, b or c".
pub(crate) fn join_or(items: &[String]) -> String {
    match items {
        [] => "something else".to_owned(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
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
            .filter(|name| describe(name).is_none())
            .collect();
        assert_eq!(missing, Vec::<&str>::new());
    }
}
