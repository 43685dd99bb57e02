//! Convergence under random offline edits, delivery orders, duplicated,
//! replayed and dropped batches: every replica ends identical to the server,
//! and nothing the server acknowledged is lost.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use automerge::{ChangeHash, ReadDoc};
use proptest::prelude::*;
use relais_schema::{AttendanceStatus, DocumentId};
use relais_server::phone::Phone;
use relais_server::records::{create_contact, create_session, mark, set_field};
use relais_sync::protocol::{self, DocStatus};
use relais_tests::app::{spawn_app, TestApp};
use relais_tests::world::{content, AT};

fn app() -> &'static TestApp {
    static APP: OnceLock<TestApp> = OnceLock::new();
    APP.get_or_init(spawn_app)
}

#[derive(Debug, Clone)]
enum Op {
    Create {
        phone: usize,
    },
    Edit {
        phone: usize,
        doc: usize,
        field: usize,
        value: u8,
    },
    Mark {
        phone: usize,
        contact: usize,
        present: bool,
    },
    Sync {
        phone: usize,
        fault: Fault,
    },
}

#[derive(Debug, Clone, Copy)]
enum Fault {
    None,
    /// The server committed but the answer never arrived.
    LostAnswer,
    /// The request never left the phone.
    Dropped,
    /// The request arrived twice.
    Duplicated,
    /// An earlier request of this phone is replayed late.
    Replayed,
}

fn op(phones: usize) -> impl Strategy<Value = Op> {
    let fault = prop_oneof![
        3 => Just(Fault::None),
        1 => Just(Fault::LostAnswer),
        1 => Just(Fault::Dropped),
        1 => Just(Fault::Duplicated),
        1 => Just(Fault::Replayed),
    ];
    prop_oneof![
        2 => (0..phones).prop_map(|phone| Op::Create { phone }),
        4 => (0..phones, 0..8usize, 0..3usize, any::<u8>()).prop_map(|(phone, doc, field, value)| Op::Edit { phone, doc, field, value }),
        2 => (0..phones, 0..8usize, any::<bool>()).prop_map(|(phone, contact, present)| Op::Mark { phone, contact, present }),
        4 => (0..phones, fault).prop_map(|(phone, fault)| Op::Sync { phone, fault }),
    ]
}

const FIELDS: [&str; 3] = ["city", "neighbourhood", "phone"];

/// Heads the server acknowledged with `ok`, per document.
type Acked = Vec<(DocumentId, Vec<ChangeHash>)>;

fn sync(phone: &mut Phone, fault: Fault, replay: &mut Option<Vec<u8>>, acked: &mut Acked) {
    let request = phone.device.next_request(1 << 20).expect("request");
    let body = protocol::encode_request(&request);
    let sent: BTreeMap<_, _> = request.push.iter().map(|d| (d.id, d.heads.clone())).collect();
    let old = replay.replace(body.clone());
    let answer = match fault {
        Fault::Dropped => return,
        Fault::LostAnswer => {
            phone.post_sync(body).expect("committed");
            return;
        }
        Fault::Duplicated => {
            phone.post_sync(body.clone()).expect("first copy");
            phone.post_sync(body).expect("second copy")
        }
        Fault::Replayed => {
            if let Some(old) = old {
                // An old batch arriving late changes nothing.
                phone.post_sync(old).expect("replay answered");
            }
            phone.post_sync(body).expect("answered")
        }
        Fault::None => phone.post_sync(body).expect("answered"),
    };
    let response = protocol::decode_response(&answer).expect("decodes");
    for result in &response.results {
        if result.status == DocStatus::Ok {
            if let Some(heads) = sent.get(&result.id) {
                acked.push((result.id, heads.clone()));
            }
        }
    }
    phone.device.handle_response(response).expect("applies");
}

fn run(phone_count: usize, ops: Vec<Op>) {
    static CASE: AtomicUsize = AtomicUsize::new(0);
    let app = app();
    let case = CASE.fetch_add(1, Ordering::Relaxed);
    let mut phones: Vec<Phone> = (0..phone_count)
        .map(|i| app.agent_phone(&format!("p{case}x{i}")))
        .collect();
    // Each case works in its own session so that cases do not see each other's marks.
    let author = phones[0].author();
    let session = create_session(&mut phones[0].device, author, AT, &format!("Session {case}")).expect("session");
    let mut replays = vec![None; phone_count];
    let mut acked = Acked::new();
    let mut known: Vec<DocumentId> = Vec::new();

    for op in ops {
        match op {
            Op::Create { phone } => {
                let author = phones[phone].author();
                let id = create_contact(
                    &mut phones[phone].device,
                    author,
                    AT,
                    "Prop",
                    &format!("Case{case}"),
                    |_| {},
                )
                .expect("create");
                known.push(id);
            }
            Op::Edit {
                phone,
                doc,
                field,
                value,
            } => {
                let held: Vec<_> = known
                    .iter()
                    .filter(|id| phones[phone].device.heads(**id).is_some())
                    .copied()
                    .collect();
                if let Some(id) = held.get(doc % held.len().max(1)) {
                    let value = if FIELDS[field] == "phone" {
                        format!("+33 6 00 00 00 {value:02}")
                    } else {
                        format!("v{value}")
                    };
                    set_field(&mut phones[phone].device, *id, FIELDS[field], &value).expect("edit");
                }
            }
            Op::Mark {
                phone,
                contact,
                present,
            } => {
                if phones[phone].device.heads(session).is_some() && !known.is_empty() {
                    let author = phones[phone].author();
                    let status = if present {
                        AttendanceStatus::Present
                    } else {
                        AttendanceStatus::Absent
                    };
                    let contact = known[contact % known.len()];
                    mark(&mut phones[phone].device, author, session, contact, status, AT).expect("mark");
                }
            }
            Op::Sync { phone, fault } => sync(&mut phones[phone], fault, &mut replays[phone], &mut acked),
        }
    }

    // Everyone comes back to the agency and syncs until quiet.
    for _ in 0..3 {
        for phone in &mut phones {
            phone.sync_until_idle(50).expect("final sync");
        }
    }

    // Every replica holds every document of the case, identical to the server's heads.
    let mut ids = known.clone();
    ids.push(session);
    for id in ids {
        let server = app.server_heads(id).expect("the server holds every document");
        let reference = content(&phones[0].device.load(id).expect("phone 0 holds it"));
        for phone in &phones {
            assert_eq!(
                phone.device.heads(id).as_ref(),
                Some(&server),
                "replica {} of {id}",
                phone.device.id()
            );
            assert_eq!(content(&phone.device.load(id).expect("held")), reference);
        }
    }
    // Nothing acknowledged is lost.
    for (id, heads) in acked {
        let doc = phones[0].device.load(id).expect("held");
        for head in heads {
            assert!(
                doc.get_change_by_hash(&head).is_some(),
                "acknowledged change {head} of {id} is lost"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, max_shrink_iters: 64, ..ProptestConfig::default() })]

    #[test]
    fn replicas_converge_and_keep_every_acknowledged_change(
        (phones, ops) in (2usize..5).prop_flat_map(|n| (Just(n), proptest::collection::vec(op(n), 1..40)))
    ) {
        run(phones, ops);
    }
}
