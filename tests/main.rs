#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::format_push_string,
    reason = "tests panic to fail, and build their inputs as text"
)]

//! The integration tests, one binary: the UI corpus, the examples through
//! the real tools, the stdlib against the reference tables, the command line.

mod support {
    pub mod files;
    pub mod generate;
    pub mod output_directive;
    pub mod reference;
    pub mod spec;
    pub mod tempdir;
    pub mod tool_server;
    pub mod tools;
    pub mod values;
}

mod as_written;
mod cli;
mod completions;
mod differential;
mod editors_names;
mod editors_picture;
mod editors_tree_sitter;
mod editors_vim;
mod editors_vscode;
mod examples;
mod fmt;
mod formats;
mod fuzz_corpus;
mod graph;
mod import;
mod init;
mod layers;
mod limits;
mod lsp;
mod lsp_e2e;
mod migrate;
mod no_facts_in_rust;
mod output;
mod reference_tables;
mod roundtrip;
mod ui;
mod wording;
