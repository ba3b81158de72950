//! Source text -> syntax tree with spans. `parse.rs` drives pest over
//! `grammar/onefront.pest`; `expected.rs` words pest's errors; `ast.rs` is the
//! tree.

pub mod ast;
pub mod concrete;
mod expected;
mod parse;
mod slips;

pub use slips::DEPLOYMENT_WORDS as DEPLOYMENT_STATEMENTS;

pub use ast::{Ident, Span, Spanned};
pub use expected::all_keywords as keywords;
pub use parse::{MAX_SOURCE_BYTES, Rule, parse, parse_recovering};
