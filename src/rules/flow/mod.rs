//! flow: how sentences and paragraphs connect.

pub mod abrupt_transition;
pub mod repeated_opener;
