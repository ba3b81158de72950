//! Seeded generation of the strings users write that break naive emitters:
//! quotes, `$` and `${...}`, `%`, `#`, backslashes, line breaks, leading and
//! trailing blanks, control characters, Unicode line separators, YAML 1.1
//! words (`yes`, `on`, `~`), octal-, float- and time-like text, very long
//! values. No NUL: no target can carry it, and validation rejects it.

/// `SplitMix64`: small, seeded, the same sequence on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap()
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

pub const WORDS: &[&str] = &[
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "Y",
    "N",
    "YES",
    "No",
    "On",
    "OFF",
    "true",
    "false",
    "True",
    "FALSE",
    "~",
    "null",
    "Null",
    "NULL",
    "",
    "0755",
    "0o17",
    "0x1F",
    "1e3",
    "1_000",
    ".inf",
    "-.5",
    "+12",
    "9022:22",
    "12:30:00",
    "2001-12-14",
    "=",
    "<<",
    "*a",
    "&a",
    "!t",
    "@x",
    "`x",
    "| x",
    "> x",
    "%x",
    "- x",
    "? x",
    "[a]",
    "{a: b}",
    "a: b",
    "#x",
    "x #y",
    "'",
    "\"",
    "$",
    "$$",
    "$HOME",
    "${HOME}",
    "${X:-y}",
    "${X:?boom}",
    "$$HOME",
    "%%",
    "%n",
    "%i",
    "\\",
    "\\n",
    "\\$",
    "\\\\",
];

pub const POOL: &[char] = &[
    'a', 'Z', '0', '9', ' ', ' ', '$', '{', '}', '%', '#', '\\', '"', '\'', ':', '-', '?', ',',
    '[', ']', '&', '*', '!', '|', '>', '@', '`', '=', '~', '\n', '\r', '\t', '\u{1}', '\u{1b}',
    '\u{7f}', '\u{85}', '\u{a0}', '\u{2028}', '\u{2029}', '\u{feff}', 'é', 'ß', '中', '😀',
];

/// One generated value.
pub fn value(rng: &mut Rng) -> String {
    match rng.below(10) {
        0 | 1 => (*rng.pick(WORDS)).to_owned(),
        2 => {
            let word = *rng.pick(WORDS);
            let pad = [" ", "  ", "\t", "\n", ""];
            format!("{}{word}{}", rng.pick(&pad), rng.pick(&pad))
        }
        3 if rng.below(20) == 0 => {
            let len = 2000 + rng.below(18_000);
            (0..len).map(|_| *rng.pick(POOL)).collect()
        }
        _ => {
            let len = rng.below(40);
            (0..len).map(|_| *rng.pick(POOL)).collect()
        }
    }
}

/// `count` values from `seed`.
pub fn values(seed: u64, count: usize) -> Vec<String> {
    let mut rng = Rng::new(seed);
    (0..count).map(|_| value(&mut rng)).collect()
}

/// A value as a `.onefront` string literal.
pub fn onefront_literal(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
