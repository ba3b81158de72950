//! Documents as the protocol sees them: UTF-16 positions over UTF-8 text,
//! `file://` URIs over paths, and the word under a position.

use std::fmt::Write as _;

use line_index::{LineCol, LineIndex, TextSize, WideEncoding, WideLineCol};
use lsp_types::{Position, Range, Uri};

/// An open (or on-disk) document and its line table.
#[derive(Debug)]
pub struct Doc {
    pub text: String,
    lines: LineIndex,
}

impl Doc {
    pub fn new(text: String) -> Self {
        let lines = LineIndex::new(&text);
        Doc { text, lines }
    }

    /// The protocol position of byte `offset` (clamped to the text, moved
    /// back to a character boundary).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let at = self
            .lines
            .line_col(TextSize::try_from(offset).unwrap_or_default());
        let wide = self
            .lines
            .to_wide(WideEncoding::Utf16, at)
            .unwrap_or(WideLineCol {
                line: at.line,
                col: at.col,
            });
        Position::new(wide.line, wide.col)
    }

    pub fn range(&self, start: usize, end: usize) -> Range {
        Range::new(self.position(start), self.position(end.max(start)))
    }

    /// The byte offset of a protocol position; a column past the end of its
    /// line is the end of the line, a line past the end is the end.
    pub fn offset(&self, position: Position) -> usize {
        let line_start = |line: u32| self.lines.offset(LineCol { line, col: 0 }).map(usize::from);
        let Some(start) = line_start(position.line) else {
            return self.text.len();
        };
        // The line's end, before its `\n` (and the `\r` of a CRLF file).
        let end = line_start(position.line + 1).map_or(self.text.len(), |next| next - 1);
        let end = if end > start && self.text.as_bytes().get(end - 1) == Some(&b'\r') {
            end - 1
        } else {
            end
        };
        let wide = WideLineCol {
            line: position.line,
            col: position.character,
        };
        let within = self
            .lines
            .to_utf8(WideEncoding::Utf16, wide)
            .and_then(|at| self.lines.offset(at))
            .map_or(end, usize::from);
        within.clamp(start, end.max(start))
    }

    /// The whole text's range.
    pub fn all(&self) -> Range {
        self.range(0, self.text.len())
    }

    /// The word at `offset`: letters, digits, `_`, `-` and `.` (names such
    /// as `sunstone.http` and `all-in-one`), and its byte range.
    pub fn word_at(&self, offset: usize) -> Option<(&str, usize, usize)> {
        let is_word = |c: char| c.is_ascii_alphanumeric() || "_-.".contains(c);
        let offset = offset.min(self.text.len());
        let before = &self.text[..offset];
        let start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_word(*c))
            .last()
            .map_or(offset, |(i, _)| i);
        let end = self.text[offset..]
            .char_indices()
            .find(|(_, c)| !is_word(*c))
            .map_or(self.text.len(), |(i, _)| offset + i);
        let word = self.text[start..end].trim_matches('.');
        if word.is_empty() {
            return None;
        }
        let start = start + self.text[start..end].find(word).unwrap_or(0);
        Some((word, start, start + word.len()))
    }
}

/// The path of a `file://` URI, percent-decoded.
pub fn path_of(uri: &Uri) -> Option<String> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file:///p` has an empty host; `file://localhost/p` names this one.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = rest.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// The `file://` URI of an absolute path.
pub fn uri_of(path: &str) -> Option<Uri> {
    let mut uri = String::from("file://");
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            let _ = write!(uri, "%{byte:02X}");
        }
    }
    uri.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_and_survive_crlf() {
        let doc = Doc::new("a = \"é😀x\"\r\nb\r\n".to_owned());
        let x = doc.text.find('x').unwrap_or_default();
        // é is one UTF-16 unit, 😀 two.
        assert_eq!(doc.position(x), Position::new(0, 8));
        assert_eq!(doc.offset(Position::new(0, 8)), x);
        let b = doc.text.find('b').unwrap_or_default();
        assert_eq!(doc.position(b), Position::new(1, 0));
        assert_eq!(doc.offset(Position::new(1, 0)), b);
        // Past the end of a line: its end, before the CRLF; past the last
        // line: the end.
        assert_eq!(doc.offset(Position::new(1, 99)), b + 1);
        assert_eq!(
            doc.offset(Position::new(0, 99)),
            doc.text.find('\r').unwrap_or_default()
        );
        assert_eq!(doc.offset(Position::new(9, 0)), doc.text.len());
    }

    #[test]
    fn words_hold_dots_and_dashes() {
        let doc = Doc::new("publish sunstone.http 80\nlayout all-in-one.".to_owned());
        let at = doc.text.find("http").unwrap_or_default();
        assert_eq!(doc.word_at(at).map(|w| w.0), Some("sunstone.http"));
        let at = doc.text.find("in-one").unwrap_or_default();
        assert_eq!(doc.word_at(at).map(|w| w.0), Some("all-in-one"));
    }

    #[test]
    fn uris_round_trip_odd_paths() {
        let Some(uri) = uri_of("/srv/a b/é#1.onefront") else {
            panic!("no URI");
        };
        assert_eq!(uri.as_str(), "file:///srv/a%20b/%C3%A9%231.onefront");
        assert_eq!(path_of(&uri).as_deref(), Some("/srv/a b/é#1.onefront"));
    }
}
