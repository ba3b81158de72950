#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failing test panics"
)]

//! The integration tests, one binary: the UI corpus, the examples through
//! the real tools, the stdlib against the reference tables, the command line.

mod support {
    pub mod tempdir;
    pub mod tools;
}

mod cli;
mod examples;
mod formats;
mod reference_tables;
mod ui;
