//! The demo agency.

use relais_sync::Store;

/// Logins created by the demo.
#[derive(Debug, Clone)]
pub struct DemoLogins(pub Vec<(String, String, String)>);

/// Seed the demo agency once.
pub fn seed(_store: &Store) -> anyhow::Result<DemoLogins> {
    Ok(DemoLogins(vec![]))
}

/// Print the logins.
pub fn print_logins(logins: &DemoLogins, port: u16) {
    for (user, password, role) in &logins.0 {
        println!("{role}: {user} / {password} on port {port}");
    }
}
