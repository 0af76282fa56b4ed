//! concise: wording that takes more words than it needs.

pub mod filler;
pub mod nominalization;
pub mod redundancy;
pub mod throat_clearing;
pub mod wordy_phrase;
