//! Rule sets loaded at run time (Vale styles): the interface is defined in
//! `vale::rule_set`, below the guide that loads sets; these are its names
//! for the rules' side.

pub use crate::vale::rule_set::{ExternalRule, RuleSet, RuleState, SetContext};
