//! The validator and the projection: any Automerge document (loaded from raw
//! bytes, or built by a script of edits) is either projected or quarantined
//! with a reason, never a panic.
#![no_main]

use automerge::{AutoCommit, Automerge};
use libfuzzer_sys::fuzz_target;
use relais_fuzz::{build_edits, scratch};
use relais_schema::{DocumentId, Record, RecordType};
use relais_sync::projection::project_document;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let mut scratch = scratch();
    let id = DocumentId::random();
    let doc: Automerge = if mode % 2 == 0 {
        let Ok(doc) = Automerge::load(rest) else {
            return;
        };
        doc
    } else {
        let mut doc = AutoCommit::new();
        build_edits(&mut doc, scratch.who.agency, id, rest);
        doc.document().clone()
    };
    let _ = Record::from_doc(&doc);
    let declared = [RecordType::Contact, RecordType::Session, RecordType::Visit][usize::from(mode / 2) % 3];
    let tx = scratch.conn.transaction().expect("transaction");
    project_document(&tx, id, scratch.who.agency, declared, &doc).expect("projection reports, never fails");
});
