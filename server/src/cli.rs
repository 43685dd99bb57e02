//! The command line of `relais`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Relais: the sync server and tools for community outreach records.
#[derive(Debug, Parser)]
#[command(name = "relais", version, about)]
pub struct Cli {
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Where the data lives.
#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// Folder holding the database.
    #[arg(long = "data", env = "RELAIS_DATA", default_value = "relais-data")]
    pub data: PathBuf,
}

/// Options of `serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    /// Data folder.
    pub data: DataArgs,
    /// Address to listen on.
    #[arg(long, env = "RELAIS_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Seed a demo agency (once) and print its logins.
    #[arg(long)]
    pub demo: bool,
    /// Largest request body accepted after decompression, in bytes.
    #[arg(long, env = "RELAIS_MAX_BODY", default_value_t = crate::settings::DEFAULT_MAX_BODY)]
    pub max_body: usize,
    /// Believe `X-Forwarded-Proto: https` from the reverse proxy in front
    /// (only when every request comes through it): console cookies get `Secure`.
    #[arg(long, env = "RELAIS_TRUST_FORWARDED_PROTO")]
    pub trust_forwarded_proto: bool,
}

/// Every subcommand.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server.
    Serve(ServeArgs),
    /// Run the server with the demo agency (same as `serve --demo`).
    Demo(ServeArgs),
    /// Manage agencies.
    Agency {
        /// What to do.
        #[command(subcommand)]
        action: AgencyAction,
    },
    /// Manage users.
    User {
        /// What to do.
        #[command(subcommand)]
        action: UserAction,
    },
    /// Manage devices.
    Device {
        /// What to do.
        #[command(subcommand)]
        action: DeviceAction,
    },
    /// Rebuild every projection table from the documents.
    Reproject(DataArgs),
    /// Copy the database consistently while the server runs (SQLite online backup).
    Backup {
        #[command(flatten)]
        /// Data folder.
        data: DataArgs,
        /// The copy to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Replace the database by a backup copy, with a new epoch (the server must be stopped).
    Restore {
        #[command(flatten)]
        /// Data folder.
        data: DataArgs,
        /// The backup file to restore.
        #[arg(long)]
        from: PathBuf,
    },
    /// Erase a record everywhere, for good.
    Erase {
        #[command(flatten)]
        /// Data folder.
        data: DataArgs,
        /// The document id.
        #[arg(long)]
        doc: String,
    },
    /// Act as N phones against a server and report bytes, requests, seconds and convergence.
    Simulate(crate::simulate::SimulateArgs),
    /// Export records (CSV, JSON or XLSX), filtered, optionally pseudonymised; logged.
    Export(ExportArgs),
}

/// Options of `export`.
#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    /// Data folder.
    pub data: DataArgs,
    /// contacts, follow_ups, sessions, attendance, visits or all (all: xlsx or json only).
    #[arg(long)]
    pub table: String,
    /// csv, json or xlsx.
    #[arg(long)]
    pub format: String,
    /// Only this agency, by name or id (repeat for several; default: all).
    #[arg(long)]
    pub agency: Vec<String>,
    /// First day included, YYYY-MM-DD.
    #[arg(long)]
    pub from: Option<String>,
    /// Last day included, YYYY-MM-DD.
    #[arg(long)]
    pub to: Option<String>,
    /// Only records created (attendance: marked) by this username.
    #[arg(long)]
    pub agent: Option<String>,
    /// Replace names and phones with stable keyed hashes and leave out free-text notes.
    #[arg(long)]
    pub pseudonymise: bool,
    /// The file to write (default: standard output; xlsx is refused on a terminal).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// `relais agency …`
#[derive(Debug, Subcommand)]
pub enum AgencyAction {
    /// Create an agency.
    Add {
        #[command(flatten)]
        /// Data folder.
        data: DataArgs,
        /// Its name.
        name: String,
    },
    /// List agencies.
    List(DataArgs),
}

/// `relais user …`
#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// Create a user; the password is read from standard input.
    Add {
        #[command(flatten)]
        /// Data folder.
        data: DataArgs,
        /// Login name.
        username: String,
        /// agent, supervisor or admin.
        #[arg(long)]
        role: String,
        /// Agency name or id (repeat for a supervisor of several).
        #[arg(long)]
        agency: Vec<String>,
        /// Name shown to others (default: the login name).
        #[arg(long)]
        display_name: Option<String>,
    },
}

/// `relais device …`
#[derive(Debug, Subcommand)]
pub enum DeviceAction {
    /// List devices.
    List(DataArgs),
    /// Revoke a device: its token is refused and the phone wipes itself.
    Revoke {
        #[command(flatten)]
        /// Data folder.
        data: DataArgs,
        /// The device id.
        id: String,
    },
}
