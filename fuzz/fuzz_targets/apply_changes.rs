//! The change-apply path: a stored contact, then a push of changes made from
//! the input (raw bytes read as Automerge changes, or a script of edits that
//! yields valid changes of any shape) through `apply_batch`. Never a panic;
//! whatever is stored loads again.
//!
//! The contact is stored once per process, in the [`Template`]; each input
//! gets a fresh copy of that store (`apply_batch` commits its own
//! transaction, so it cannot be rolled back instead).
#![no_main]

use std::cell::RefCell;

use automerge::{AutoCommit, Change, ChangeHash};
use libfuzzer_sys::fuzz_target;
use relais_fuzz::{actor, base_contact, build_edits, fuzz_device, fuzz_document, Template, NOW};
use relais_schema::RecordType;
use relais_sync::apply::{apply_batch, load_document};
use relais_sync::protocol::{BatchId, DocStatus, PushDoc};

thread_local! {
    /// The base contact, as the phone that wrote it holds it.
    static BASE: RefCell<AutoCommit> = {
        let who = fuzz_device();
        RefCell::new(base_contact(who.agency, who.user, fuzz_document()))
    };
    /// A store holding the base contact.
    static STORED: Template = Template::new(|conn, who| {
        let push = BASE.with_borrow_mut(|base| PushDoc {
            id: fuzz_document(),
            doc_type: RecordType::Contact,
            heads: base.get_heads(),
            changes: base.get_changes(&[]),
        });
        apply_batch(conn, who, BatchId::random(), &[push], NOW).expect("the base contact is stored");
    });
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let who = fuzz_device();
    let id = fuzz_document();
    let mut conn = STORED.with(Template::copy);

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
        let (before, mut fork) = BASE.with_borrow_mut(|base| (base.get_heads(), base.fork().with_actor(actor(1))));
        build_edits(&mut fork, who.agency, id, rest);
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
    if let Ok(results) = apply_batch(&mut conn, &who, BatchId::random(), &[push], NOW) {
        for result in results {
            if matches!(result.status, DocStatus::Ok | DocStatus::Quarantined(_)) {
                let snapshot: Vec<u8> = conn
                    .query_row("SELECT snapshot FROM documents WHERE id = ?1", [id.to_string()], |r| {
                        r.get(0)
                    })
                    .expect("a stored document has a row");
                load_document(id, &snapshot).expect("a stored document loads");
            }
        }
    }
});
