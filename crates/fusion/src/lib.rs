//! placeholder
pub mod assign;
pub mod gospa;
