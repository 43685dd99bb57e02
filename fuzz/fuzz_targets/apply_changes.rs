//! The change-apply path: a stored contact, then a push of changes made from
//! the input (raw bytes read as Automerge changes, or a script of edits that
//! yields valid changes of any shape) through `apply_batch`. Never a panic;
//! whatever is stored loads again.
#![no_main]

use automerge::{Change, ChangeHash};
use libfuzzer_sys::fuzz_target;
use relais_fuzz::{base_contact, build_edits, scratch, NOW};
use relais_schema::{DocumentId, RecordType};
use relais_sync::apply::{apply_batch, load_document};
use relais_sync::protocol::{BatchId, DocStatus, PushDoc};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let mut scratch = scratch();
    let id = DocumentId::random();
    let mut base = base_contact(scratch.who.agency, scratch.who.user, id);
    let push = PushDoc {
        id,
        doc_type: RecordType::Contact,
        heads: base.get_heads(),
        changes: base.get_changes(&[]),
    };
    apply_batch(&mut scratch.conn, &scratch.who, BatchId::random(), &[push], NOW).expect("the base contact is stored");

    let (changes, heads): (Vec<Change>, Vec<ChangeHash>) = if mode % 2 == 0 {
        // Raw bytes, split by one-byte lengths, each read as a change.
        let mut changes = Vec::new();
        let mut rest = rest;
        while let Some((&len, tail)) = rest.split_first() {
            let len = usize::from(len).min(tail.len());
            if let Ok(change) = Change::try_from(&tail[..len]) {
                changes.push(change);
            }
            rest = &tail[len..];
        }
        let heads = changes.last().map(|c| vec![c.hash()]).unwrap_or_default();
        (changes, heads)
    } else {
        // A script of edits on a fork; some changes may be left out (a gap).
        let before = base.get_heads();
        let mut fork = base.fork();
        build_edits(&mut fork, scratch.who.agency, id, rest);
        let heads = fork.get_heads();
        let mut changes: Vec<Change> = fork.get_changes(&before);
        if mode % 4 == 3 && !changes.is_empty() {
            changes.remove(0);
        }
        (changes, heads)
    };
    let doc_type = if mode % 8 < 6 {
        RecordType::Contact
    } else {
        RecordType::Session
    };
    let push = PushDoc {
        id,
        doc_type,
        heads,
        changes,
    };
    if let Ok(results) = apply_batch(&mut scratch.conn, &scratch.who, BatchId::random(), &[push], NOW) {
        for result in results {
            if matches!(result.status, DocStatus::Ok | DocStatus::Quarantined(_)) {
                let snapshot: Vec<u8> = scratch
                    .conn
                    .query_row("SELECT snapshot FROM documents WHERE id = ?1", [id.to_string()], |r| {
                        r.get(0)
                    })
                    .expect("a stored document has a row");
                load_document(id, &snapshot).expect("a stored document loads");
            }
        }
    }
});
