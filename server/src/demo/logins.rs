//! The demo's fixed accounts, and how they are shown at start.

use relais_sync::accounts::Role;

/// The demo agency's name; its existence means the demo is seeded.
pub const AGENCY_NAME: &str = "Agence de démonstration";

/// (username, password, display name, role). Fixed so that a newcomer can
/// log in from the printed table and `relais simulate` needs no flags.
const ACCOUNTS: [(&str, &str, &str, Role); 4] = [
    (
        "demo.admin",
        "admin-demo",
        "Administratrice de démonstration",
        Role::Admin,
    ),
    (
        "demo.superviseur",
        "superviseur-demo",
        "Claire Martin",
        Role::Supervisor,
    ),
    ("demo.amina", "amina-demo", "Amina Diallo", Role::Agent),
    ("demo.youssef", "youssef-demo", "Youssef El Amrani", Role::Agent),
];

/// One demo account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogin {
    /// Login name.
    pub username: String,
    /// Password (a demo: printed on purpose).
    pub password: String,
    /// Name shown to others.
    pub display_name: String,
    /// What it may do.
    pub role: Role,
}

/// The demo agency and its accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogins {
    /// The agency's name.
    pub agency: String,
    /// Admin, supervisor, then the agents.
    pub logins: Vec<DemoLogin>,
}

impl DemoLogins {
    /// The fixed demo accounts.
    pub fn fixed() -> Self {
        Self {
            agency: AGENCY_NAME.to_owned(),
            logins: ACCOUNTS
                .iter()
                .map(|(username, password, display_name, role)| DemoLogin {
                    username: (*username).to_owned(),
                    password: (*password).to_owned(),
                    display_name: (*display_name).to_owned(),
                    role: *role,
                })
                .collect(),
        }
    }

    /// The agents, whose phones sync records.
    pub fn agents(&self) -> impl Iterator<Item = &DemoLogin> {
        self.logins.iter().filter(|l| l.role == Role::Agent)
    }
}

/// The logins as a table, with the address to open.
pub fn logins_table(logins: &DemoLogins, port: u16) -> String {
    let mut out = format!(
        "Demo agency \"{}\" is ready at http://localhost:{port}\n\n  {:<11} {:<18} {:<18} {}\n",
        logins.agency, "role", "username", "password", "name"
    );
    for login in &logins.logins {
        out.push_str(&format!(
            "  {:<11} {:<18} {:<18} {}\n",
            login.role.as_str(),
            login.username,
            login.password,
            login.display_name
        ));
    }
    out.push_str(&format!(
        "\nSimulate phones against it: relais simulate --server http://127.0.0.1:{port} --devices 10\n"
    ));
    out
}

/// Print the logins (username, password, role) and the URL on standard output.
pub fn print_logins(logins: &DemoLogins, port: u16) {
    println!("{}", logins_table(logins, port));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_printed_table_names_every_login_with_its_password_and_the_address() {
        let logins = DemoLogins::fixed();
        let table = logins_table(&logins, 8080);
        assert!(table.contains("http://localhost:8080"));
        for login in &logins.logins {
            assert!(table.contains(&login.username));
            assert!(table.contains(&login.password));
            assert!(table.contains(login.role.as_str()));
        }
        assert_eq!(logins.agents().count(), 2);
    }
}
