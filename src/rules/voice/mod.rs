//! voice: word choice and tone against the brand's guide.

pub mod ai_tells;
pub mod avoid_term;
pub mod casing;
pub mod drift;
pub mod exclamation;
pub mod hedge;
pub mod inclusive;
pub mod jargon;
pub mod passive;
pub mod preferred_term;
pub mod readability;
pub mod sentence_length;
pub mod shouting;
pub mod spelling;
