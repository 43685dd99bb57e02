//! The administration subcommands, run directly against the database file.

use std::io::Read;
use std::path::Path;

use anyhow::{bail, Context};
use relais_schema::{DeviceId, DocumentId};
use relais_sync::accounts::{self, NewUser, Role};
use relais_sync::{erase, projection, Store};

use crate::cli::{AgencyAction, DataArgs, DeviceAction, UserAction};
use crate::clock;

/// Open the existing database of a data folder (a typo in `--data` must not
/// create an empty one and report success).
fn open(data: &DataArgs) -> anyhow::Result<ClosingStore> {
    let path = data.data.join("relais.sqlite");
    if !path.exists() {
        bail!(
            "no database at {}: check --data (or RELAIS_DATA); `relais serve` or `relais agency add` creates one",
            path.display()
        );
    }
    Store::open(&path)
        .map(ClosingStore)
        .with_context(|| format!("cannot open the database {}", path.display()))
}

/// A store closed when the command ends, so that its write-ahead log is
/// checkpointed into `relais.sqlite` before the process exits.
struct ClosingStore(Store);

impl std::ops::Deref for ClosingStore {
    type Target = Store;
    fn deref(&self) -> &Store {
        &self.0
    }
}

impl Drop for ClosingStore {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// Open the database of a data folder, creating both if needed (first setup).
fn open_or_create(data: &DataArgs) -> anyhow::Result<ClosingStore> {
    std::fs::create_dir_all(&data.data)
        .with_context(|| format!("cannot create the data folder {}", data.data.display()))?;
    let path = data.data.join("relais.sqlite");
    Store::open(&path)
        .map(ClosingStore)
        .with_context(|| format!("cannot open the database {}", path.display()))
}

/// `relais agency …`
pub fn agency(action: AgencyAction) -> anyhow::Result<()> {
    match action {
        AgencyAction::Add { data, name } => {
            let store = open_or_create(&data)?;
            let id = store
                .write(move |conn| accounts::create_agency(conn, &name, &clock::now()))
                .context("cannot create the agency")?;
            println!("{id}");
        }
        AgencyAction::List(data) => {
            for (id, name) in open(&data)?.read(accounts::list_agencies)? {
                println!("{id}\t{name}");
            }
        }
    }
    Ok(())
}

/// `relais user …`
pub fn user(action: UserAction) -> anyhow::Result<()> {
    let UserAction::Add {
        data,
        username,
        role,
        agency,
        display_name,
    } = action;
    let role: Role = role.parse()?;
    let mut password = String::new();
    std::io::stdin()
        .read_to_string(&mut password)
        .context("cannot read the password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']).to_string();
    let store = open(&data)?;
    let agencies = agency
        .iter()
        .map(|a| store.read(|conn| accounts::find_agency(conn, a)))
        .collect::<Result<Vec<_>, _>>()?;
    let display_name = display_name.unwrap_or_else(|| username.clone());
    let id = store
        .write(move |conn| {
            accounts::create_user(
                conn,
                &NewUser {
                    username: &username,
                    display_name: &display_name,
                    role,
                    password: &password,
                    agencies: &agencies,
                },
                &clock::now(),
            )
        })
        .context("cannot create the user")?;
    println!("{id}");
    Ok(())
}

/// `relais device …`
pub fn device(action: DeviceAction) -> anyhow::Result<()> {
    match action {
        DeviceAction::List(data) => {
            println!("id\tuser\tagency\tname\tcreated\trevoked\tlast sync\tlast changes");
            for d in open(&data)?.read(accounts::list_devices)? {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    d.id,
                    d.username,
                    d.agency,
                    d.name,
                    d.created_at,
                    d.revoked_at.as_deref().unwrap_or("-"),
                    d.last_sync_at.as_deref().unwrap_or("-"),
                    d.last_changes
                );
            }
        }
        DeviceAction::Revoke { data, id } => {
            let id: DeviceId = id.parse()?;
            open(&data)?.write(move |conn| accounts::revoke_device(conn, id, &clock::now()))?;
            println!("device {id} revoked");
        }
    }
    Ok(())
}

/// `relais reproject`
pub fn reproject(data: DataArgs) -> anyhow::Result<()> {
    let store = open(&data)?;
    let report = store.write(projection::reproject_all).context("reprojection failed")?;
    println!(
        "{} documents projected, {} quarantined",
        report.projected, report.quarantined
    );
    Ok(())
}

/// `relais backup --out FILE`
pub fn backup(data: DataArgs, out: &Path) -> anyhow::Result<()> {
    if out.exists() {
        bail!("{} exists already; choose a new file", out.display());
    }
    let store = open(&data)?;
    relais_sync::backup::backup_to(&store, out).context("backup failed")?;
    println!(
        "backup written to {} (it carries a new epoch: devices re-check after a restore)",
        out.display()
    );
    Ok(())
}

/// `relais erase --doc ID`
pub fn erase(data: DataArgs, doc: &str) -> anyhow::Result<()> {
    let id: DocumentId = doc.parse()?;
    open(&data)?
        .write(move |conn| erase::erase_document(conn, id, None, None, &clock::now()))
        .context("erasure failed")?;
    println!("document {id} erased");
    Ok(())
}

/// `relais restore --from FILE`: copy a backup into place with a fresh epoch,
/// so that devices re-check their documents and resend what it lacks.
pub fn restore(data: DataArgs, from: &Path) -> anyhow::Result<()> {
    let check = rusqlite::Connection::open_with_flags(from, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("cannot open the backup {}", from.display()))?;
    let verdict: String = check
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .context("cannot check the backup")?;
    if verdict != "ok" {
        bail!("the backup {} is damaged: {verdict}", from.display());
    }
    drop(check);
    std::fs::create_dir_all(&data.data)
        .with_context(|| format!("cannot create the data folder {}", data.data.display()))?;
    let target = data.data.join("relais.sqlite");
    let staging = data.data.join("relais.sqlite.restoring");
    std::fs::copy(from, &staging).with_context(|| format!("cannot copy {}", from.display()))?;
    let epoch = relais_sync::protocol::Epoch::random();
    {
        let conn = rusqlite::Connection::open(&staging).context("cannot open the copy")?;
        relais_sync::meta::set_epoch(&conn, epoch).context("cannot set the new epoch")?;
    }
    for suffix in ["-wal", "-shm"] {
        let stale = data.data.join(format!("relais.sqlite{suffix}"));
        if stale.exists() {
            std::fs::remove_file(&stale).with_context(|| format!("cannot remove {}", stale.display()))?;
        }
    }
    std::fs::rename(&staging, &target).context("cannot move the restored database into place")?;
    println!(
        "restored {} into {} with a new epoch {}",
        from.display(),
        target.display(),
        epoch.to_hex()
    );
    Ok(())
}

/// `relais export …`: write an export to `--out` or standard output, logged as `cli`.
pub fn export(args: crate::cli::ExportArgs) -> anyhow::Result<()> {
    use std::io::IsTerminal;

    use relais_sync::export::{self as exports, ExportFilter, ExportFormat, ExportRequest, Requester};

    let store = open(&args.data)?;
    let agencies = if args.agency.is_empty() {
        None
    } else {
        Some(
            args.agency
                .iter()
                .map(|a| store.read(|conn| accounts::find_agency(conn, a)))
                .collect::<Result<Vec<_>, _>>()?,
        )
    };
    let agent = match &args.agent {
        None => None,
        Some(username) => Some(store.read(|conn| Ok(exports::filter::find_user(conn, username)))??),
    };
    let request = ExportRequest {
        selection: args.table.parse()?,
        format: args.format.parse()?,
        filter: ExportFilter {
            agencies,
            from: args.from.as_deref().map(str::parse).transpose()?,
            to: args.to.as_deref().map(str::parse).transpose()?,
            agent,
        },
        pseudonymise: args.pseudonymise,
    };
    request.check()?;
    let requester = Requester {
        user_id: None,
        who: "cli".into(),
    };
    let rows = match &args.out {
        Some(path) => {
            if path.exists() {
                bail!("{} exists already; choose a new file", path.display());
            }
            let file = std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
            match exports::export_logged(&store, &request, &requester, &clock::now, file) {
                Ok(rows) => rows,
                Err(e) => {
                    // A partial file must not pass for an export.
                    let _ = std::fs::remove_file(path);
                    return Err(e).with_context(|| format!("the export to {} failed", path.display()));
                }
            }
        }
        None => {
            let stdout = std::io::stdout();
            if request.format == ExportFormat::Xlsx && stdout.is_terminal() {
                bail!("an XLSX workbook is binary: give --out FILE or redirect standard output to a file");
            }
            exports::export_logged(&store, &request, &requester, &clock::now, stdout.lock())
                .context("the export failed")?
        }
    };
    eprintln!("{rows} rows exported");
    Ok(())
}
