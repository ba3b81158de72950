//! The parameter types of the reference (rule P2): which literals fit which
//! type, and how a fitting literal is written into an env file.

use crate::diagnostic::{Expected, TypeFix};
use crate::syntax::ast::{self, ValueKind};
use std::fmt::Write as _;

/// A type from the reference tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamType {
    Bool,
    Port,
    Uint,
    Host,
    Path,
    Base64,
    Str,
    Domains,
    Enum(Vec<String>),
}

/// Why a literal does not fit a type: what was expected, and the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub expected: Expected,
    pub fix: TypeFix,
}

impl ParamType {
    /// The type named in the stdlib, `None` for an unknown name.
    #[must_use]
    pub fn from_ast(ty: &ast::TypeExpr) -> Option<Self> {
        Some(match ty.name.text.as_str() {
            "bool" => ParamType::Bool,
            "port" => ParamType::Port,
            "uint" => ParamType::Uint,
            "host" => ParamType::Host,
            "path" => ParamType::Path,
            "base64" => ParamType::Base64,
            "string" => ParamType::Str,
            "domains" => ParamType::Domains,
            "enum" => ParamType::Enum(ty.members.iter().map(|m| m.text.clone()).collect()),
            _ => return None,
        })
    }

    /// The type as the reference tables write it (`enum:a|b`).
    #[must_use]
    pub fn to_table(&self) -> String {
        match self {
            ParamType::Bool => "bool".into(),
            ParamType::Port => "port".into(),
            ParamType::Uint => "uint".into(),
            ParamType::Host => "host".into(),
            ParamType::Path => "path".into(),
            ParamType::Base64 => "base64".into(),
            ParamType::Str => "string".into(),
            ParamType::Domains => "domains".into(),
            ParamType::Enum(members) => format!("enum:{}", members.join("|")),
        }
    }

    /// What a value of this type is, for diagnostics to word.
    #[must_use]
    pub fn expected(&self) -> Expected {
        match self {
            ParamType::Bool => Expected::Bool,
            ParamType::Port => Expected::Port,
            ParamType::Uint => Expected::Uint,
            ParamType::Host => Expected::Host,
            ParamType::Path => Expected::Path,
            ParamType::Base64 => Expected::Base64,
            ParamType::Str => Expected::Str,
            ParamType::Domains => Expected::Domains,
            ParamType::Enum(members) => Expected::Enum(members.clone()),
        }
    }

    /// What a value of this type is, in words.
    #[must_use]
    pub fn describe(&self) -> String {
        self.expected().to_string()
    }
}

/// Checks a literal against a type and renders it as the image reads it.
/// Secrets are not rendered here: their value is not in the file.
pub fn check(ty: &ParamType, value: &ValueKind) -> Result<String, Mismatch> {
    let fail = |fix: TypeFix| Mismatch {
        expected: ty.expected(),
        fix,
    };
    match (ty, value) {
        // As written: the image reads yes/no and true/false alike.
        (ParamType::Bool, ValueKind::Bool(_, word)) => Ok(word.clone()),
        // The image takes yes/no, true/false and 1/0 in any case: as written.
        (ParamType::Bool, ValueKind::Word(w)) if is_bool_word(w) => Ok(w.clone()),
        (ParamType::Bool, ValueKind::Str(s)) if is_bool_word(s) || s == "0" || s == "1" => {
            Err(fail(TypeFix::UnquoteWord(s.clone())))
        }
        (ParamType::Bool, ValueKind::Str(_) | ValueKind::Word(_)) => Err(fail(TypeFix::YesOrNo)),
        (ParamType::Port, ValueKind::Int(n)) if (1..=65535).contains(n) => Ok(n.to_string()),
        (ParamType::Port, ValueKind::Int(_)) => Err(fail(TypeFix::PortRange)),
        (ParamType::Uint, ValueKind::Int(n)) | (ParamType::Bool, ValueKind::Int(n @ (0 | 1))) => {
            Ok(n.to_string())
        }
        (ParamType::Port | ParamType::Uint, ValueKind::Str(s)) if s.parse::<u64>().is_ok() => {
            Err(fail(TypeFix::UnquoteNumber(s.clone())))
        }
        (ParamType::Host, ValueKind::Address(ip)) => Ok(ip.to_string()),
        (ParamType::Host, ValueKind::Str(s)) if is_host(s) => Ok(s.clone()),
        (ParamType::Host, ValueKind::Str(s)) => Err(fail(TypeFix::NotDnsName(s.clone()))),
        (ParamType::Path, ValueKind::Path(p)) => Ok(p.clone()),
        (ParamType::Path, ValueKind::Str(s)) if s.starts_with('/') && !s.contains('\0') => {
            Ok(s.clone())
        }
        (ParamType::Path, ValueKind::Str(_)) => Err(fail(TypeFix::AbsolutePath)),
        (ParamType::Base64, ValueKind::Str(s)) if is_base64(s) => Ok(s.clone()),
        (ParamType::Base64, ValueKind::Str(_)) => Err(fail(TypeFix::Base64)),
        (ParamType::Str, ValueKind::Str(s)) if !s.contains('\0') => Ok(s.clone()),
        (ParamType::Str, ValueKind::Str(_)) => Err(fail(TypeFix::NoNul)),
        (ParamType::Str, ValueKind::Word(w)) => Err(fail(TypeFix::Quote(w.clone()))),
        (ParamType::Str, ValueKind::Int(n)) => Err(fail(TypeFix::Quote(n.to_string()))),
        (ParamType::Domains, ValueKind::Str(s)) if is_domains(s) => Ok(s.clone()),
        (ParamType::Domains, ValueKind::List(items)) => {
            domains_list(items).ok_or_else(|| fail(TypeFix::DomainList))
        }
        (ParamType::Domains, ValueKind::Str(_)) => Err(fail(TypeFix::DomainNames)),
        (ParamType::Enum(members), ValueKind::Word(w) | ValueKind::Str(w))
            if members.contains(w) =>
        {
            Ok(w.clone())
        }
        (ParamType::Enum(members), ValueKind::Word(w) | ValueKind::Str(w)) => Err(fail(
            crate::suggest::closest(w, members.iter().map(String::as_str)).map_or_else(
                || TypeFix::NotAMember(w.clone()),
                |m| TypeFix::DidYouMean(m.to_owned()),
            ),
        )),
        (_, _) => Err(fail(TypeFix::WriteAs(ty.expected()))),
    }
}

/// `value` written as the language writes a value of type `ty`, so that it
/// reads back as that value (the inverse of [`check`] for a default):
/// numbers, booleans and enum members bare, an IP address bare (IPv6 in
/// brackets), anything else quoted with its escapes. A value that does not
/// fit its type (`80a` for a port, from an imported file) is quoted too, so
/// that the file still parses and P2 says what is wrong.
#[must_use]
pub fn source_literal(ty: &ParamType, value: &str) -> String {
    let word = !value.is_empty()
        && value.starts_with(|c: char| c.is_ascii_alphabetic())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let digits = !value.is_empty() && value.chars().all(|c| c.is_ascii_digit());
    match ty {
        ParamType::Port | ParamType::Uint if digits => return value.to_owned(),
        ParamType::Bool if digits || word => return value.to_owned(),
        ParamType::Enum(_) if word => return value.to_owned(),
        ParamType::Host => match value.parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V4(v4)) => return v4.to_string(),
            Ok(std::net::IpAddr::V6(v6)) => return format!("[{v6}]"),
            Err(_) => {}
        },
        _ => {}
    }
    let mut quoted = String::with_capacity(value.len() + 2);
    quoted.push('"');
    for c in value.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '\t' => quoted.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(quoted, "\\u{{{:x}}}", u32::from(c));
            }
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// A literal as an env file writes it, whatever its type.
#[must_use]
pub fn render_literal(value: &ValueKind) -> Option<String> {
    Some(match value {
        ValueKind::Bool(_, word) => word.clone(),
        ValueKind::Int(n) => n.to_string(),
        ValueKind::Address(ip) => ip.to_string(),
        ValueKind::Str(s) | ValueKind::Path(s) | ValueKind::Word(s) => s.clone(),
        ValueKind::List(_) | ValueKind::Secret(_) => return None,
    })
}

fn is_bool_word(word: &str) -> bool {
    matches!(
        word.to_ascii_lowercase().as_str(),
        "yes" | "no" | "true" | "false"
    )
}

/// A DNS name (or a container name, which may hold `_`).
#[must_use]
pub fn is_host(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

fn is_domain(s: &str) -> bool {
    s == "*" || s.strip_prefix("*.").map_or_else(|| is_host(s), is_host)
}

fn is_domains(s: &str) -> bool {
    let mut names = s.split(' ').filter(|n| !n.is_empty()).peekable();
    names.peek().is_some() && names.all(is_domain)
}

fn domains_list(items: &[ast::Value]) -> Option<String> {
    let names: Option<Vec<&str>> = items
        .iter()
        .map(|item| match &item.kind {
            ValueKind::Str(s) if is_domain(s) => Some(s.as_str()),
            _ => None,
        })
        .collect();
    names.filter(|n| !n.is_empty()).map(|n| n.join(" "))
}

fn is_base64(s: &str) -> bool {
    let body = s.trim_end_matches('=');
    let padding = s.len() - body.len();
    !s.is_empty()
        && s.len() % 4 == 0
        && padding <= 2
        && body
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '/')
}

#[cfg(test)]
mod tests {
    use super::{ParamType, check, source_literal};
    use crate::diagnostic::TypeFix;
    use crate::syntax::ast::{Stmt, ValueKind};

    /// `value` written for `ty`, in an `env` block, as the parser reads it.
    fn read_back(ty: &ParamType, value: &str) -> Result<String, String> {
        let text = format!(
            "onefront 5.13\ndeployment x {{\n  env {{\n    X = {}\n  }}\n}}\n",
            source_literal(ty, value)
        );
        let file = crate::syntax::parse(crate::span::SourceId(0), &text)
            .map_err(|e| format!("{text}: {e:?}"))?;
        let Some(Stmt::Env(env)) = file.deployments[0].stmts.first() else {
            return Err(format!("{text}: no env"));
        };
        check(ty, &env[0].value.kind).map_err(|m| format!("{text}: {m:?}"))
    }

    /// Every default of every stdlib, written out (the language server's
    /// "write the default" and `migrate` do), reads back as itself.
    #[test]
    fn every_default_written_out_reads_back_as_itself() {
        let mut checked = 0;
        for version in crate::reference::versions() {
            let Some(Ok(reference)) = crate::reference::Reference::load(version) else {
                panic!("stdlib {version} does not load");
            };
            let defaults = reference
                .params
                .values()
                .map(|p| (&p.ty, &p.default))
                .chain(reference.deploys.values().map(|d| (&d.ty, &d.default)));
            for (ty, default) in defaults {
                let Some(default) = default.as_deref().filter(|d| !d.is_empty()) else {
                    continue;
                };
                assert_eq!(read_back(ty, default).as_deref(), Ok(default), "{version}");
                checked += 1;
            }
        }
        assert!(checked > 60, "{checked}");
    }

    #[test]
    fn values_that_need_it_are_quoted_and_escaped() {
        let odd = "a \"b\" \\ c\td";
        assert_eq!(read_back(&ParamType::Str, odd).as_deref(), Ok(odd));
        assert_eq!(read_back(&ParamType::Host, "::1").as_deref(), Ok("::1"));
        assert_eq!(source_literal(&ParamType::Host, "::1"), "[::1]");
        // A value that does not fit its type is quoted, never written as
        // something that does not parse.
        assert_eq!(source_literal(&ParamType::Port, "80a"), "\"80a\"");
        assert_eq!(source_literal(&ParamType::Bool, "o n"), "\"o n\"");
        assert_eq!(source_literal(&ParamType::Uint, "730"), "730");
        assert_eq!(
            source_literal(&ParamType::Str, "opennebula/opennebula"),
            "\"opennebula/opennebula\""
        );
        assert_eq!(source_literal(&ParamType::Bool, "yes"), "yes");
    }

    #[test]
    fn literals_fit_their_types() {
        assert_eq!(
            check(&ParamType::Bool, &ValueKind::Bool(true, "true".into())),
            Ok("true".into())
        );
        assert_eq!(
            check(&ParamType::Port, &ValueKind::Int(4124)),
            Ok("4124".into())
        );
        assert!(check(&ParamType::Port, &ValueKind::Int(0)).is_err());
        assert!(check(&ParamType::Port, &ValueKind::Int(65536)).is_err());
        assert!(check(&ParamType::Base64, &ValueKind::Str("aGVsbG8=".into())).is_ok());
        assert!(check(&ParamType::Base64, &ValueKind::Str("aGVsbG8".into())).is_err());
        assert!(check(&ParamType::Host, &ValueKind::Str("one.example.com".into())).is_ok());
        assert!(check(&ParamType::Host, &ValueKind::Str("no spaces".into())).is_err());
        assert!(check(&ParamType::Path, &ValueKind::Str("relative/x".into())).is_err());
        assert_eq!(
            check(
                &ParamType::Domains,
                &ValueKind::Str("*.example.com one".into())
            ),
            Ok("*.example.com one".into())
        );
    }

    #[test]
    fn quoted_numbers_get_a_concrete_fix() {
        let mismatch = check(&ParamType::Port, &ValueKind::Str("4124".into()));
        assert_eq!(
            mismatch.map_err(|m| m.fix),
            Err(TypeFix::UnquoteNumber("4124".to_owned()))
        );
    }
}
