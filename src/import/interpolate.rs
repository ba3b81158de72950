//! Compose's `${VAR}` interpolation and its `.env` file format, as the
//! compose specification defines them: what `docker compose config` would
//! substitute, from the project's `.env` only. A variable that `.env` does
//! not set is left to the deploying environment: a value that is nothing
//! but such a reference becomes [`Text::Env`], as `secret("VAR")` says it.

use indexmap::IndexMap;

/// A value after interpolation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// Known text.
    Known(String),
    /// The whole value is `${VAR}` (or `$VAR`, `${VAR:?...}`, `${VAR?...}`)
    /// of a variable `.env` does not set: read when the deployment starts.
    Env(String),
    /// It needs these variables that `.env` does not set, inside other
    /// text: onefront cannot say that.
    Unset(Vec<String>),
}

/// The variables `.env` sets.
pub type Vars = IndexMap<String, String>;

/// Interpolates `text` with `vars`.
#[must_use]
pub fn interpolate(text: &str, vars: &Vars) -> Text {
    if let Some(name) = whole_reference(text)
        && !vars.contains_key(name)
    {
        return Text::Env(name.to_owned());
    }
    let mut unset = Vec::new();
    let out = substitute(text, vars, &mut unset, 0);
    if unset.is_empty() {
        Text::Known(out)
    } else {
        Text::Unset(unset)
    }
}

/// The variable of a value that is one reference and nothing else, with no
/// default (`${VAR}`, `$VAR`, `${VAR:?message}`, `${VAR?message}`).
fn whole_reference(text: &str) -> Option<&str> {
    if let Some(name) = text.strip_prefix('$').filter(|n| is_name(n)) {
        return Some(name);
    }
    let inner = text.strip_prefix("${")?.strip_suffix('}')?;
    let end = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    let (name, rest) = inner.split_at(end);
    let message = rest
        .strip_prefix(":?")
        .or_else(|| rest.strip_prefix('?'))
        .or_else(|| rest.is_empty().then_some(""));
    (is_name(name) && message.is_some_and(|m| !m.contains(['$', '}']))).then_some(name)
}

fn is_name(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Nested defaults deeper than this are left as written.
const MAX_NESTING: usize = 16;

fn substitute(text: &str, vars: &Vars, unset: &mut Vec<String>, depth: usize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
        } else if let Some(after) = rest.strip_prefix('{') {
            let Some(close) = closing_brace(after) else {
                out.push_str("${");
                rest = after;
                continue;
            };
            out.push_str(&braced(&after[..close], vars, unset, depth));
            rest = &after[close + 1..];
        } else {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            if end == 0 || !is_name(&rest[..end]) {
                out.push('$');
                continue;
            }
            let name = &rest[..end];
            match vars.get(name) {
                Some(value) => out.push_str(value),
                None => unset.push(name.to_owned()),
            }
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    out
}

/// The index of the `}` closing a `${` whose content starts `text`.
fn closing_brace(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

/// `NAME`, `NAME:-default`, `NAME-default`, `NAME:?err`, `NAME?err`,
/// `NAME:+alt`, `NAME+alt`.
fn braced(inner: &str, vars: &Vars, unset: &mut Vec<String>, depth: usize) -> String {
    let end = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    let (name, op) = inner.split_at(end);
    let value = vars.get(name);
    let nested = |text: &str, unset: &mut Vec<String>| {
        if depth >= MAX_NESTING {
            text.to_owned()
        } else {
            substitute(text, vars, unset, depth + 1)
        }
    };
    if let Some(default) = op.strip_prefix(":-") {
        match value.filter(|v| !v.is_empty()) {
            Some(v) => v.clone(),
            None => nested(default, unset),
        }
    } else if let Some(default) = op.strip_prefix('-') {
        match value {
            Some(v) => v.clone(),
            None => nested(default, unset),
        }
    } else if let Some(alternative) = op.strip_prefix(":+") {
        match value.filter(|v| !v.is_empty()) {
            Some(_) => nested(alternative, unset),
            None => String::new(),
        }
    } else if let Some(alternative) = op.strip_prefix('+') {
        match value {
            Some(_) => nested(alternative, unset),
            None => String::new(),
        }
    } else {
        // `NAME`, `NAME:?err`, `NAME?err`: the value, or the deploying
        // environment must give it.
        match value {
            Some(v) if !(op.starts_with(":?") && v.is_empty()) => v.clone(),
            _ => {
                unset.push(name.to_owned());
                String::new()
            }
        }
    }
}

/// Reads a `.env` (or `env_file:`) text as compose does: `NAME=value` lines,
/// `#` comments, an optional `export `, values unquoted (trimmed, a ` #`
/// starts a comment), in single quotes (literal) or in double quotes (with
/// `\n`, `\t`, `\\`, `\"`, `\$` escapes); unquoted and double-quoted values
/// are interpolated with the variables set above them. A line `NAME` alone
/// takes NAME from the environment. Returns the variables and the names of
/// those taken from the environment.
#[must_use]
pub fn dotenv(text: &str, outer: &Vars) -> (Vars, Vec<String>) {
    let mut vars = Vars::new();
    let mut from_environment = Vec::new();
    for line in text.lines() {
        let line = line.trim_start_matches('\u{feff}').trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
        let Some((name, raw)) = line.split_once('=') else {
            if is_name(line) {
                from_environment.push(line.to_owned());
            }
            continue;
        };
        let name = name.trim();
        if !is_name(name) {
            continue;
        }
        let raw = raw.trim();
        let mut scope = outer.clone();
        scope.extend(vars.clone());
        let value = if let Some(quoted) = raw.strip_prefix('\'') {
            quoted.split('\'').next().unwrap_or_default().to_owned()
        } else if let Some(quoted) = raw.strip_prefix('"') {
            let mut out = String::new();
            let mut chars = quoted.chars();
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => match chars.next() {
                        Some('n') => out.push('\n'),
                        Some('r') => out.push('\r'),
                        Some('t') => out.push('\t'),
                        Some('$') => out.push_str("$$"),
                        Some(other) => out.push(other),
                        None => out.push('\\'),
                    },
                    '$' => out.push('$'),
                    c => out.push(c),
                }
            }
            substitute_known(&out, &scope)
        } else {
            let unquoted = match raw.find(" #") {
                Some(at) => raw[..at].trim_end(),
                None => raw,
            };
            substitute_known(unquoted, &scope)
        };
        vars.insert(name.to_owned(), value);
    }
    (vars, from_environment)
}

/// Interpolation inside an env file: unset variables become empty.
fn substitute_known(text: &str, vars: &Vars) -> String {
    substitute(text, vars, &mut Vec::new(), 0)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests panic to fail")]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vars {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn compose_forms() {
        let v = vars(&[("A", "1"), ("E", "")]);
        let known = |t: &str| match interpolate(t, &v) {
            Text::Known(s) => s,
            other => panic!("{t}: {other:?}"),
        };
        assert_eq!(known("${A}:$A:$$A"), "1:1:$A");
        assert_eq!(known("${B:-x}${E:-y}${E-z}"), "xy");
        assert_eq!(known("${A:+yes}${B:+no}"), "yes");
        assert_eq!(known("${B:-${A}}"), "1");
        assert_eq!(known("cost $5"), "cost $5");
        assert_eq!(
            interpolate("${PASS:?secret PASS is not set}", &v),
            Text::Env("PASS".to_owned())
        );
        assert_eq!(interpolate("$PASS", &v), Text::Env("PASS".to_owned()));
        assert_eq!(
            interpolate("x${PASS}", &v),
            Text::Unset(vec!["PASS".to_owned()])
        );
        assert_eq!(interpolate("${A}", &v), Text::Known("1".to_owned()));
    }

    #[test]
    fn env_files() {
        let (v, env) = dotenv(
            "# c\nexport A=1\nB = two words # note\nC='a $A'\nD=\"x\\n$A\\$\"\nE\nF=${A}${Z}\n",
            &Vars::new(),
        );
        assert_eq!(v["A"], "1");
        assert_eq!(v["B"], "two words");
        assert_eq!(v["C"], "a $A");
        assert_eq!(v["D"], "x\n1$");
        assert_eq!(v["F"], "1");
        assert_eq!(env, vec!["E".to_owned()]);
    }
}
