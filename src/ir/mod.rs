//! The forms that pass between stages, kept apart from the passes that
//! build them: `resolved` (resolve -> model) and `model` (model -> validate,
//! emit). Only data and accessors.

pub mod model;
pub mod resolved;
