//! What the curation tests share: a supervisor, calls on the real store, and
//! reads of the projection.

use relais_curation::CurationError;
use relais_schema::{AgencyId, UserId};
use relais_sync::accounts::Role;
use relais_tests::app::TestApp;
use rusqlite::{Connection, OptionalExtension};

/// When supervisors act in these tests.
pub const NOW: &str = "2026-11-30T09:00:00Z";

/// A supervisor of the test agency; returns their user id.
pub fn supervisor(app: &TestApp, username: &str) -> UserId {
    supervisor_of(app, username, app.agency)
}

/// A supervisor of `agency`.
pub fn supervisor_of(app: &TestApp, username: &str, agency: AgencyId) -> UserId {
    app.add_user(username, Role::Supervisor, &[agency]);
    let name = username.to_owned();
    let id: String = app
        .store
        .read(move |conn| Ok(conn.query_row("SELECT id FROM users WHERE username = ?1", [name], |r| r.get(0))?))
        .expect("the user exists");
    id.parse().expect("a user id")
}

/// Run a correction on the writer thread, as the routes do.
pub fn write<T, F>(app: &TestApp, f: F) -> Result<T, CurationError>
where
    T: Send + 'static,
    F: FnOnce(&mut Connection) -> Result<T, CurationError> + Send + 'static,
{
    app.store.write(move |conn| Ok(f(conn))).expect("the writer runs")
}

/// Run a query on a reader, as the routes do.
pub fn read<T>(app: &TestApp, f: impl FnOnce(&Connection) -> Result<T, CurationError>) -> Result<T, CurationError> {
    app.store.read(|conn| Ok(f(conn))).expect("a reader runs")
}

/// One text value from the database (`None` for no row or NULL).
pub fn text(app: &TestApp, sql: &'static str, param: String) -> Option<String> {
    app.store
        .read(move |conn| {
            Ok(conn
                .query_row(sql, [param], |r| r.get::<_, Option<String>>(0))
                .optional()?)
        })
        .expect("query")
        .flatten()
}

/// Every value of a one-column query, in order.
pub fn texts(app: &TestApp, sql: &'static str, param: String) -> Vec<String> {
    app.store
        .read(move |conn| {
            let mut statement = conn.prepare(sql)?;
            let rows = statement.query_map([param], |r| r.get::<_, String>(0))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .expect("query")
}
