//! Agents with phones, ready to sync against a [`TestApp`].

use relais_sync::accounts::Role;

use crate::app::{TestApp, PASSWORD};
use crate::phone::Phone;

/// When test records are made.
pub const AT: &str = "2026-11-29T10:00:00Z";

impl TestApp {
    /// A new agent of the test agency with an enrolled phone.
    pub fn agent_phone(&self, username: &str) -> Phone {
        self.add_user(username, Role::Agent, &[self.agency]);
        Phone::enrol(&self.address, username, PASSWORD).expect("the agent enrols")
    }

    /// A new agent of the other agency with an enrolled phone.
    pub fn foreign_agent_phone(&self, username: &str) -> Phone {
        self.add_user(username, Role::Agent, &[self.other_agency]);
        Phone::enrol(&self.address, username, PASSWORD).expect("the agent enrols")
    }

    /// The heads the server holds for a document, if any.
    pub fn server_heads(&self, id: relais_schema::DocumentId) -> Option<Vec<automerge::ChangeHash>> {
        self.store
            .read(move |conn| {
                use rusqlite::OptionalExtension;
                Ok(conn
                    .query_row("SELECT heads FROM documents WHERE id = ?1", [id.to_string()], |r| {
                        r.get::<_, Vec<u8>>(0)
                    })
                    .optional()?)
            })
            .expect("heads query")
            .map(|blob| relais_sync::apply::heads_from_blob(&blob))
    }
}

/// A document's content as JSON, to compare replicas (saved bytes may order
/// concurrent changes differently even when the content is identical).
pub fn content(doc: &automerge::Automerge) -> serde_json::Value {
    serde_json::to_value(automerge::AutoSerde::from(doc)).expect("a document serialises")
}
