//! `relais`: reads the command line, starts logging, runs the command.

use anyhow::Context;
use clap::Parser;
use relais_server::cli::{Cli, Command, ServeArgs};
use relais_server::settings::Settings;
use relais_server::startup::Application;
use relais_server::{commands, demo, simulate};

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("RELAIS_LOG").unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match cli.command {
        // No subcommand: `serve`, with its flags' defaults and environment variables.
        None => match Cli::parse_from(["relais", "serve"]).command {
            Some(Command::Serve(args)) => serve(args),
            _ => anyhow::bail!("cannot read the serve settings"),
        },
        Some(Command::Serve(args)) => serve(args),
        Some(Command::Demo(args)) => serve(ServeArgs { demo: true, ..args }),
        Some(Command::Agency { action }) => commands::agency(action),
        Some(Command::User { action }) => commands::user(action),
        Some(Command::Device { action }) => commands::device(action),
        Some(Command::Reproject(data)) => commands::reproject(data),
        Some(Command::Backup { data, out }) => commands::backup(data, &out),
        Some(Command::Restore { data, from }) => commands::restore(data, &from),
        Some(Command::Erase { data, doc }) => commands::erase(data, &doc),
        Some(Command::Simulate(args)) => simulate::run(args),
        Some(Command::Export(args)) => commands::export(args),
    }
}

fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let settings = Settings {
        data_dir: args.data.data,
        bind: args.bind,
        max_body: args.max_body,
        trust_forwarded_proto: args.trust_forwarded_proto,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the runtime")?;
    runtime.block_on(async move {
        survive_file_size_limit()?;
        let app = Application::build(&settings)?;
        if args.demo {
            let store = app.store().clone();
            let logins = tokio::task::spawn_blocking(move || demo::seed(&store))
                .await
                .context("demo seeding stopped")??;
            demo::print_logins(&logins, app.port());
        }
        tracing::info!(
            port = app.port(),
            data = %settings.data_dir.display(),
            app = relais_server::routes::app::is_embedded(),
            "relais is listening"
        );
        app.run_until_stopped()
            .await
            .context("the server stopped with an error")
    })
}

/// A write past a file-size limit (`RLIMIT_FSIZE`) raises `SIGXFSZ`, whose
/// default action kills the process. With a handler installed the write
/// fails with `EFBIG` instead, the transaction rolls back and the device is
/// answered `503 disk_full`. Tokio keeps the handler for the life of the
/// process, so the stream returned can be dropped.
#[cfg(unix)]
fn survive_file_size_limit() -> anyhow::Result<()> {
    use tokio::signal::unix::{signal, SignalKind};
    drop(signal(SignalKind::from_raw(libc::SIGXFSZ)).context("cannot handle SIGXFSZ")?);
    Ok(())
}

#[cfg(not(unix))]
fn survive_file_size_limit() -> anyhow::Result<()> {
    Ok(())
}
