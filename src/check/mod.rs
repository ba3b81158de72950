//! Checking a syntax tree against the reference: `resolve.rs` names and types,
//! `validate.rs` the rules of the reference, `suggest.rs` did-you-mean.

pub mod resolve;
pub mod suggest;
pub mod types;
pub mod validate;
