//! flow: how sentences and paragraphs connect.

// The rules: every file here that declares `pub const FACTORY` (build.rs).
include!(concat!(env!("OUT_DIR"), "/rules/flow.rs"));
