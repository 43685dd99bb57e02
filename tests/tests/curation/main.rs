//! Supervisor corrections end to end: history, conflicts, duplicates, merges.

mod conflicts;
mod dismissals;
mod duplicates;
mod history;
mod http;
mod merges;
mod support;
