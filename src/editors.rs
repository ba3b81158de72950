//! The words of the language, for editor grammars: the keywords of
//! `grammar/onefront.pest` and the names of every embedded stdlib. The
//! grammars under `editors/` are written from templates (`NAME.in` ->
//! `NAME`) whose placeholders `{{LIST:FORMAT}}` this module fills, so that
//! no grammar keeps a list of its own (`onefront editors` writes them, and a
//! test fails when one is stale).

use std::collections::BTreeSet;
use std::fmt;

use crate::kinds::{ComposeFlavour, Protocol, RestartPolicy, RuntimeKind, Word};
use crate::reference::{Reference, versions};

/// The booleans among the keywords, listed apart for highlighting.
const BOOLEANS: &[&str] = &["yes", "no", "true", "false"];

/// The lists a template can name, each sorted and without duplicates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vocabulary {
    lists: Vec<(&'static str, &'static str, BTreeSet<String>)>,
}

impl Vocabulary {
    /// The words of the grammar and of every stdlib this binary embeds.
    ///
    /// # Errors
    /// A stdlib that does not load (a fault of the build, caught by tests).
    pub fn new() -> Result<Self, String> {
        let mut references = Vec::new();
        for version in versions() {
            match Reference::load(version) {
                Some(Ok(reference)) => references.push(reference),
                Some(Err(fault)) => return Err(format!("stdlib {version}: {fault}")),
                None => return Err(format!("stdlib {version} is not embedded")),
            }
        }
        Ok(Self::of(&references))
    }

    /// The words of the grammar and of `references`.
    #[must_use]
    pub fn of(references: &[&Reference]) -> Self {
        let keywords = crate::syntax::keywords();
        let collect = |pick: &dyn Fn(&Reference) -> Vec<String>| -> BTreeSet<String> {
            references.iter().flat_map(|r| pick(r)).collect()
        };
        let words = |names: Vec<&'static str>| names.into_iter().map(str::to_owned).collect();
        let lists = vec![
            (
                "keywords",
                "the keywords of the grammar, booleans apart",
                keywords
                    .iter()
                    .filter(|k| !BOOLEANS.contains(k))
                    .map(|k| (*k).to_owned())
                    .collect(),
            ),
            (
                "booleans",
                "yes, no, true, false",
                keywords
                    .iter()
                    .filter(|k| BOOLEANS.contains(k))
                    .map(|k| (*k).to_owned())
                    .collect(),
            ),
            (
                "parameters",
                "image parameters (env blocks)",
                collect(&|r| r.params.keys().cloned().collect()),
            ),
            (
                "deploy-parameters",
                "deploy parameters (DEPLOY_*)",
                collect(&|r| r.deploys.keys().cloned().collect()),
            ),
            (
                "services",
                "services (the values of the service parameter)",
                collect(&|r| r.services.keys().cloned().collect()),
            ),
            (
                "containers",
                "container names of the services and layouts",
                collect(&containers),
            ),
            (
                "volumes",
                "volume names: the canonical ones and the layouts' own",
                collect(&volumes),
            ),
            (
                "roles",
                "port roles (`publish ROLE`)",
                collect(&|r| r.roles.keys().cloned().collect()),
            ),
            (
                "layouts",
                "layouts",
                collect(&|r| r.layouts.keys().cloned().collect()),
            ),
            (
                "rules",
                "rule ids",
                collect(&|r| r.rules.keys().cloned().collect()),
            ),
            (
                "restart-policies",
                "restart policies",
                words(RestartPolicy::names()),
            ),
            (
                "runtimes",
                "container runtimes",
                words(RuntimeKind::names()),
            ),
            (
                "compose-flavours",
                "Compose flavours",
                words(ComposeFlavour::names()),
            ),
            ("protocols", "protocols", words(Protocol::names())),
            (
                "versions",
                "reference versions (the header)",
                references.iter().map(|r| r.version.clone()).collect(),
            ),
        ];
        Vocabulary { lists }
    }

    /// The names of the lists, with what each holds.
    pub fn lists(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        self.lists.iter().map(|(name, about, _)| (*name, *about))
    }

    /// The words of list `name`, sorted.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&BTreeSet<String>> {
        self.lists
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, _, words)| words)
    }

    /// `template` with every `{{LIST:FORMAT}}` filled in.
    ///
    /// # Errors
    /// An unknown list or format, an unclosed placeholder, or a word the
    /// format cannot write.
    pub fn render(&self, template: &str) -> Result<String, TemplateError> {
        let mut out = String::with_capacity(template.len() * 2);
        let mut rest = template;
        while let Some(open) = rest.find("{{") {
            out.push_str(&rest[..open]);
            let inner = &rest[open + 2..];
            let offset = template.len() - rest.len() + open;
            let line = template[..offset].matches('\n').count() + 1;
            let close = inner.find("}}").ok_or(TemplateError {
                line,
                problem: "`{{` without `}}`".to_owned(),
            })?;
            let placeholder = &inner[..close];
            let fail = |problem: String| TemplateError { line, problem };
            let (list, format) = placeholder.split_once(':').ok_or_else(|| {
                fail(format!(
                    "`{{{{{placeholder}}}}}`: want `{{{{LIST:FORMAT}}}}`"
                ))
            })?;
            let words = self.get(list).ok_or_else(|| {
                let known: Vec<&str> = self.lists().map(|(n, _)| n).collect();
                fail(format!(
                    "unknown list `{list}`; lists: {}",
                    known.join(", ")
                ))
            })?;
            let format = Format::parse(format).ok_or_else(|| {
                fail(format!(
                    "unknown format `{format}`; formats: {}",
                    Format::ALL.join(", ")
                ))
            })?;
            out.push_str(&format.write(words).map_err(fail)?);
            rest = &inner[close + 2..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

/// The container names of the services and of the layouts.
fn containers(reference: &Reference) -> Vec<String> {
    let of_services = reference
        .services
        .values()
        .filter_map(|s| s.container.clone());
    let of_layouts = reference
        .layouts
        .values()
        .flat_map(|l| l.containers.iter().map(|c| c.name.clone()));
    of_services.chain(of_layouts).collect()
}

/// The canonical volumes and the layouts' own (all-in-one's database).
fn volumes(reference: &Reference) -> Vec<String> {
    let of_layouts = reference.layouts.values().flat_map(|l| {
        l.containers
            .iter()
            .flat_map(|c| c.volumes.iter().map(|(name, _)| name.clone()))
    });
    reference
        .volumes
        .keys()
        .cloned()
        .chain(of_layouts)
        .collect()
}

/// How a placeholder writes its list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// An Oniguruma / JavaScript alternation, longest first: `a[.]b|c`.
    Regex,
    /// A Vim (magic) alternation, longest first: `a[.]b\|c`.
    Vim,
    /// Space-separated bare words (Vim `syn keyword`); only words of letters,
    /// digits, `_` and `-`.
    Words,
    /// Space-separated double-quoted strings (tree-sitter queries).
    Quoted,
}

impl Format {
    const ALL: &'static [&'static str] = &["regex", "vim", "words", "quoted"];

    fn parse(text: &str) -> Option<Self> {
        match text {
            "regex" => Some(Format::Regex),
            "vim" => Some(Format::Vim),
            "words" => Some(Format::Words),
            "quoted" => Some(Format::Quoted),
            _ => None,
        }
    }

    fn write(self, words: &BTreeSet<String>) -> Result<String, String> {
        if let Some(bad) = words.iter().find(|w| {
            w.is_empty()
                || !w
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
        }) {
            return Err(format!(
                "`{bad}` has a character other than letters, digits, `_`, `-` and `.`"
            ));
        }
        // Longest first, so that an alternation never stops at a prefix. A
        // `.` is written `[.]`: the same in Oniguruma, JavaScript and Vim,
        // and no backslash for the JSON or Vim script around it to escape.
        let mut longest_first: Vec<&str> = words.iter().map(String::as_str).collect();
        longest_first.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        let alternation = |bar: &str| {
            longest_first
                .iter()
                .map(|w| w.replace('.', "[.]"))
                .collect::<Vec<_>>()
                .join(bar)
        };
        Ok(match self {
            Format::Regex => alternation("|"),
            Format::Vim => alternation("\\|"),
            Format::Words => {
                if let Some(dotted) = words.iter().find(|w| w.contains('.')) {
                    return Err(format!(
                        "`{dotted}` cannot be a bare word; use the vim format"
                    ));
                }
                words.iter().cloned().collect::<Vec<_>>().join(" ")
            }
            Format::Quoted => words
                .iter()
                .map(|w| format!("\"{w}\""))
                .collect::<Vec<_>>()
                .join(" "),
        })
    }
}

/// A template that cannot be filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub line: usize,
    pub problem: String,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.problem)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocabulary() -> Vocabulary {
        Vocabulary::new().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn keywords_come_from_the_grammar_and_names_from_the_stdlib() {
        let v = vocabulary();
        let keywords = v.get("keywords").cloned().unwrap_or_default();
        assert!(keywords.contains("deployment") && keywords.contains("per-service"));
        assert!(!keywords.contains("yes"), "booleans are apart");
        let params = v.get("parameters").cloned().unwrap_or_default();
        assert!(params.contains("ONEADMIN_PASSWORD") && params.contains("MONITORD_PORT"));
        assert!(v.get("roles").is_some_and(|r| r.contains("sunstone.http")));
        assert!(v.get("rules").is_some_and(|r| r.contains("P3")));
    }

    #[test]
    fn formats_escape_what_their_reader_would_misread() {
        let words: BTreeSet<String> = ["a.b", "ab", "a-b-c"].map(str::to_owned).into();
        assert_eq!(Format::Regex.write(&words), Ok("a-b-c|a[.]b|ab".to_owned()));
        assert_eq!(
            Format::Vim.write(&words),
            Ok(r"a-b-c\|a[.]b\|ab".to_owned())
        );
        assert_eq!(
            Format::Quoted.write(&words),
            Ok(r#""a-b-c" "a.b" "ab""#.to_owned())
        );
        assert!(
            Format::Words.write(&words).is_err(),
            "a.b is no Vim keyword"
        );
        let quote: BTreeSet<String> = ["a\"b".to_owned()].into();
        assert!(
            Format::Quoted.write(&quote).is_err(),
            "no word needs quoting"
        );
    }

    #[test]
    fn render_fills_placeholders_and_names_a_bad_one() {
        let v = vocabulary();
        let out = v.render("x {{protocols:regex}} y").unwrap_or_default();
        assert_eq!(out, "x tcp|udp y");
        let error = v.render("a\n{{nope:regex}}").err();
        assert_eq!(error.map(|e| e.line), Some(2));
        assert!(v.render("{{protocols:nope}}").is_err());
        assert!(v.render("{{protocols").is_err());
    }
}
