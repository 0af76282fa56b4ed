//! Wording: what a check may ask about the words around a match
//! ([`context`]: inside an identifier? what comes next? a sentence start?)
//! and how a fix rewords it ([`replace`]: case kept, spaces and commas
//! tidied). Shared by the built-in rules and Vale styles, so it sits below
//! both: it knows blocks and fixes, never a guide or a rule.

pub mod context;
pub mod replace;
