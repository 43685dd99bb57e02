//! Fault tests: the server process killed while phones sync.

mod kill;
