//! concise: wording that takes more words than it needs.

// The rules: every file here that declares `pub const FACTORY` (build.rs).
include!(concat!(env!("OUT_DIR"), "/rules/concise.rs"));
