//! The validator and the projection: any Automerge document (loaded from raw
//! bytes, or built by a script of edits) is either projected or quarantined
//! with a reason, never a panic.
//!
//! `project_document` writes inside the caller's transaction and never
//! commits: each input runs in a transaction on one store per process that
//! is rolled back afterwards, so every input starts from the same store.
#![no_main]

use automerge::{AutoCommit, Automerge};
use libfuzzer_sys::fuzz_target;
use relais_fuzz::{actor, build_edits, fuzz_device, fuzz_document, Template};
use relais_schema::{Record, RecordType};
use relais_sync::projection::project_document;

thread_local! {
    /// A store with the fuzz device's agency and nothing else.
    static EMPTY: Template = Template::new(|_, _| {});
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let who = fuzz_device();
    let id = fuzz_document();
    let doc: Automerge = if mode % 2 == 0 {
        let Ok(doc) = Automerge::load(rest) else {
            return;
        };
        doc
    } else {
        let mut doc = AutoCommit::new().with_actor(actor(1));
        build_edits(&mut doc, who.agency, id, rest);
        doc.document().clone()
    };
    let _ = Record::from_doc(&doc);
    let declared = [RecordType::Contact, RecordType::Session, RecordType::Visit][usize::from(mode / 2) % 3];
    EMPTY.with(|store| {
        let tx = store.rolled_back();
        project_document(&tx, id, who.agency, declared, &doc).expect("projection reports, never fails");
    });
});
