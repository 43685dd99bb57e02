//! Building and running the HTTP application.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, DefaultHeaders};
use actix_web::{web, App, HttpServer};
use anyhow::Context;
use relais_sync::Store;

use crate::api_error::ApiError;
use crate::rate_limit::{LoginLimiter, MAX_FAILURES, MAX_FAILURES_PER_USER};
use crate::routes;
use crate::settings::Settings;
use crate::state::{AppState, Metrics};

/// A bound, ready-to-run server.
pub struct Application {
    port: u16,
    server: Server,
    store: Store,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl Application {
    /// Open the store and bind the listener (port 0 picks a free port).
    pub fn build(settings: &Settings) -> anyhow::Result<Application> {
        std::fs::create_dir_all(&settings.data_dir)
            .with_context(|| format!("cannot create the data folder {}", settings.data_dir.display()))?;
        let store = Store::open(&settings.database_path())
            .with_context(|| format!("cannot open the database {}", settings.database_path().display()))?;
        Self::build_with_store(settings, store)
    }

    /// Bind the listener over an already opened store.
    pub fn build_with_store(settings: &Settings, store: Store) -> anyhow::Result<Application> {
        let listener =
            TcpListener::bind(settings.bind).with_context(|| format!("cannot listen on {}", settings.bind))?;
        let port = listener.local_addr().context("the listener has no address")?.port();
        let state = web::Data::new(AppState {
            store: store.clone(),
            logins: LoginLimiter::new(MAX_FAILURES),
            user_logins: LoginLimiter::new(MAX_FAILURES_PER_USER),
            metrics: Metrics::default(),
            max_body: settings.max_body,
            trust_forwarded_proto: settings.trust_forwarded_proto,
        });
        let server =
            HttpServer::new(move || {
                App::new()
                    .app_data(state.clone())
                    .app_data(web::JsonConfig::default().limit(64 << 10).error_handler(|err, _| {
                        ApiError::BadRequest(format!("the JSON body is not valid: {err}")).into()
                    }))
                    .wrap(Compress::default())
                    .wrap(security_headers())
                    .service(routes::health::healthz)
                    .service(routes::health::metrics)
                    .service(routes::devices::enrol)
                    .service(routes::sync::sync)
                    .service(routes::admin::erase_document)
                    .service(routes::admin::list_devices)
                    .service(routes::admin::revoke_device)
                    .service(routes::export::scope())
                    .configure(routes::console::configure)
                    .configure(routes::curation::configure)
                    .default_service(web::to(routes::app::serve))
            })
            .listen(listener)
            .context("cannot start the HTTP server")?
            .shutdown_timeout(5)
            .run();
        Ok(Application { port, server, store })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A handle to stop the server.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// The store behind the server.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Serve until stopped.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add(("Content-Security-Policy", "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Cache-Control", "no-store"))
}
