//! Where a position is, read from the text alone so that it works in a file
//! being typed, which often does not parse: the blocks around it, the words
//! of the statement before it, and the deployment and container of the
//! model it falls in.

use crate::ir::model::{Container, Deployment};

/// The blocks open at a position and the statement being written there.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Context {
    /// The heads of the open blocks, outermost first: the words before each
    /// `{` (`["deployment", "x"]`, `["container", "opennebula-oned"]`).
    pub blocks: Vec<Vec<String>>,
    /// The words of the statement before the position, on its line, the
    /// word being typed excluded.
    pub words: Vec<String>,
    /// The part of the word being typed before the position.
    pub prefix: String,
}

impl Context {
    /// The keyword of the innermost block: `deployment`, `env`, ...
    pub fn block(&self) -> Option<&str> {
        self.blocks.last()?.first().map(String::as_str)
    }

    /// The container block the position is in, if any: its name.
    pub fn container(&self) -> Option<&str> {
        self.blocks
            .iter()
            .rev()
            .find(|head| head.first().is_some_and(|w| w == "container"))
            .and_then(|head| head.get(1))
            .map(String::as_str)
    }

    /// Reads the text before `offset`.
    pub fn at(text: &str, offset: usize) -> Self {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let mut context = Context::default();
        let mut word = String::new();
        let (mut in_string, mut in_comment, mut escaped) = (false, false, false);
        let end_word = |word: &mut String, words: &mut Vec<String>| {
            if !word.is_empty() {
                words.push(std::mem::take(word));
            }
        };
        for c in before.chars() {
            if in_comment {
                if c == '\n' {
                    in_comment = false;
                    context.words.clear();
                }
                continue;
            }
            if in_string {
                match c {
                    '\\' if !escaped => escaped = true,
                    '"' if !escaped => in_string = false,
                    '\n' => in_string = false,
                    _ => escaped = false,
                }
                continue;
            }
            match c {
                '"' => {
                    end_word(&mut word, &mut context.words);
                    in_string = true;
                    context.words.push("\"".to_owned());
                }
                '#' => {
                    end_word(&mut word, &mut context.words);
                    in_comment = true;
                }
                '{' => {
                    end_word(&mut word, &mut context.words);
                    context.blocks.push(std::mem::take(&mut context.words));
                }
                '}' => {
                    word.clear();
                    context.blocks.pop();
                    context.words.clear();
                }
                '\n' => {
                    end_word(&mut word, &mut context.words);
                    context.words.clear();
                }
                c if c.is_whitespace() => end_word(&mut word, &mut context.words),
                '=' | '[' | ']' | '(' | ')' | ',' | ':' => {
                    end_word(&mut word, &mut context.words);
                    context.words.push(c.to_string());
                }
                c => word.push(c),
            }
        }
        if in_comment || in_string {
            "#".clone_into(&mut context.prefix);
        } else {
            context.prefix = word;
        }
        context
    }
}

/// The deployment of a model whose block holds `offset`: the last one named
/// before it.
pub fn deployment_at(deployments: &[Deployment], offset: usize) -> Option<&Deployment> {
    deployments
        .iter()
        .filter(|d| d.name_span.start <= offset)
        .max_by_key(|d| d.name_span.start)
}

/// The model's container of a `container NAME` block.
pub fn container_named<'a>(deployment: &'a Deployment, name: &str) -> Option<&'a Container> {
    deployment
        .containers
        .iter()
        .find(|c| c.name == name || c.container_name.as_deref() == Some(name))
}

#[cfg(test)]
mod tests {
    use super::Context;

    #[test]
    fn blocks_words_and_prefix_before_a_position() {
        let text = "onefront 5.13\ndeployment x {\n  container one runs oned {\n    env { A = \"}\" # {\n      MON";
        let context = Context::at(text, text.len());
        let heads: Vec<&str> = context
            .blocks
            .iter()
            .filter_map(|b| b.first())
            .map(String::as_str)
            .collect();
        assert_eq!(heads, ["deployment", "container", "env"]);
        assert_eq!(context.container(), Some("one"));
        assert_eq!(context.prefix, "MON");
        assert!(context.words.is_empty());

        let text = "deployment x {\n  layout all";
        let context = Context::at(text, text.len());
        assert_eq!(context.words, ["layout"]);
        assert_eq!(context.prefix, "all");
    }
}
