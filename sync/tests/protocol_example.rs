//! The worked examples of `docs/protocol.md`, produced by the real code.
//!
//! Two devices share one contact. Device A changes its stage; device B, which
//! has not seen that edit yet, adds a phone number and syncs: its request and
//! the server's answer are the first example. B's next sync, with nothing to
//! push and nothing new, is the second. Every id, actor and timestamp is fixed,
//! so the bytes are too. The test runs the requests through
//! [`relais_sync::service::sync`] on a fresh store, checks the bytes against
//! the constants below, and checks that `docs/protocol.md` shows exactly these
//! bytes with exactly this annotation: the document cannot drift from the code.
//!
//! After a deliberate change of the encoding, print the new bytes and dumps
//! with `RELAIS_SHOW_EXAMPLES=1 cargo test -p relais-sync --test
//! protocol_example -- --nocapture --test-threads 1`, then update the
//! constants and `docs/protocol.md` together.

use std::fmt::Write as _;
use std::path::Path;

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, AutoCommit, Change, ObjType, ROOT};
use relais_schema::{AgencyId, DeviceId, DocumentId, RecordType, UserId};
use relais_sync::protocol::{self, BatchId, DocStatus, Epoch, ItemKind, Pull, PushDoc, SyncRequest, SyncResponse};
use relais_sync::{meta, service, DeviceAuth, Store};

const AGENCY: &str = "ad000000-0000-4000-8000-000000000001";
const CONTACT: &str = "c0000000-0000-4000-8000-000000000001";
const USER_A: &str = "a1000000-0000-4000-8000-000000000001";
const USER_B: &str = "b1000000-0000-4000-8000-000000000001";
const DEVICE_A: &str = "da000000-0000-4000-8000-00000000000a";
const DEVICE_B: &str = "db000000-0000-4000-8000-00000000000b";
const EPOCH: [u8; 16] = [0xe0, 0, 0, 0, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0, 0, 0, 0x01];
const NOW: &str = "2026-03-02T09:30:00Z";
/// 1 MiB, the pull budget of both examples.
const BUDGET: u64 = 1 << 20;

/// Example 1, the request: B pushes its edit and pulls from cursor 1.
const PUSH_REQUEST_HEX: &str = concat!(
    "a66176016664657669636550db00000000004000800000000000000b65626174",
    "636850ba0000000000400080000000000000046565706f636850e00000000000",
    "40008000000000000001647075736881a462696450c000000000004000800000",
    "0000000001647479706567636f6e7461637465686561647381582048468ce028",
    "8caf5ebfafb27b3e07f5d3f4584f39dc8e70c5dfb276055bde32d2676368616e",
    "67657381586e856f4a8348468ce0016401d9b9a81cf7e5c0048c4b5dfdbb4d5d",
    "e982bd7531ff2e34bfdbe91961bc0aeadb10bbbbbbbbbbbbbbbbbbbbbbbbbbbb",
    "bbbb010a000000061507340142025603571170027f0570686f6e65017f017f96",
    "022b333320362031322033342035362037387f006470756c6ca266637572736f",
    "7201666275646765741a00100000",
);
/// Example 1, the answer: `ok` with the server's heads, and A's edit.
const PUSH_RESPONSE_HEX: &str = concat!(
    "a46176016565706f636850e00000000000400080000000000000016772657375",
    "6c747381a362696450c000000000004000800000000000000166737461747573",
    "626f6b65686561647382582048468ce0288caf5ebfafb27b3e07f5d3f4584f39",
    "dc8e70c5dfb276055bde32d25820c4290bcf391bc1eefe4a8e17c5bb72e6c504",
    "e1a602084cd34f8ff53401c31a3e6470756c6ca4656974656d7381a462696450",
    "c0000000000040008000000000000001646b696e64676368616e676573647479",
    "706567636f6e746163746464617461815865856f4a83c4290bcf015b01d9b9a8",
    "1cf7e5c0048c4b5dfdbb4d5de982bd7531ff2e34bfdbe91961bc0aeadb10aaaa",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaa020a00000006150734014202560357087002",
    "7f057374616765017f017f8601696e666f726d65647f0066637572736f720364",
    "6d6f7265f4657265736574f4",
);
/// Example 2, the request: nothing to push, pull from cursor 3.
const IDLE_REQUEST_HEX: &str = concat!(
    "a66176016664657669636550db00000000004000800000000000000b65626174",
    "636850ba0000000000400080000000000000056565706f636850e00000000000",
    "400080000000000000016470757368806470756c6ca266637572736f72036662",
    "75646765741a00100000",
);
/// Example 2, the answer: nothing new.
const IDLE_RESPONSE_HEX: &str = concat!(
    "a46176016565706f636850e00000000000400080000000000000016772657375",
    "6c7473806470756c6ca4656974656d738066637572736f7203646d6f7265f465",
    "7265736574f4",
);

fn uuid_bytes(text: &str) -> [u8; 16] {
    *uuid::Uuid::parse_str(text).expect("a fixed id is a UUID").as_bytes()
}

fn device_auth(device: &str, user: &str) -> DeviceAuth {
    DeviceAuth {
        device: device.parse().expect("fixed device id"),
        user: user.parse::<UserId>().expect("fixed user id"),
        agency: AGENCY.parse::<AgencyId>().expect("fixed agency id"),
    }
}

fn commit(doc: &mut AutoCommit) -> Change {
    doc.commit_with(CommitOptions::default().with_time(0))
        .expect("the edit made a change");
    doc.get_last_local_change().expect("the change just committed")
}

/// A valid contact, created on device A (actor `aa…aa`).
fn create_contact() -> (AutoCommit, Change) {
    let mut doc = AutoCommit::new().with_actor(ActorId::from([0xaa; 16].as_slice()));
    doc.put(ROOT, "type", "contact").expect("put");
    doc.put(ROOT, "schema", 1_i64).expect("put");
    doc.put(ROOT, "id", CONTACT).expect("put");
    doc.put(ROOT, "agency_id", AGENCY).expect("put");
    doc.put(ROOT, "created_by", USER_A).expect("put");
    doc.put(ROOT, "created_at", NOW).expect("put");
    doc.put(ROOT, "alias", "Amina").expect("put");
    let consent = doc.put_object(ROOT, "consent", ObjType::Map).expect("put");
    doc.put(&consent, "given", true).expect("put");
    let change = commit(&mut doc);
    (doc, change)
}

fn request(device: &str, batch: u8, push: Vec<PushDoc>, cursor: u64, epoch: Option<Epoch>) -> SyncRequest {
    SyncRequest {
        device: device.parse::<DeviceId>().expect("fixed device id"),
        batch: batch_id(batch),
        epoch,
        push,
        pull: Some(Pull {
            cursor,
            snapshot: None,
            budget: BUDGET,
            pack: false,
        }),
    }
}

fn batch_id(n: u8) -> BatchId {
    // Batch ids have no public constructor from bytes: go through the wire.
    let mut bytes = uuid_bytes("ba000000-0000-4000-8000-000000000000");
    bytes[15] = n;
    let wire = relais_sync::wire::WireRequest {
        v: protocol::PROTOCOL_VERSION,
        device: serde_bytes::ByteBuf::from(vec![0; 16]),
        batch: serde_bytes::ByteBuf::from(bytes.to_vec()),
        ..Default::default()
    };
    let mut body = Vec::new();
    ciborium::into_writer(&wire, &mut body).expect("encodes");
    protocol::decode_request(&body).expect("decodes").batch
}

/// Send `request` as bytes through the server's code path; return both byte strings.
fn exchange(store: &Store, who: DeviceAuth, request: &SyncRequest) -> (Vec<u8>, Vec<u8>) {
    let body = protocol::encode_request(request);
    let parsed = protocol::decode_request(&body).expect("the server reads what a device sends");
    let response = service::sync(store, who, parsed, NOW.to_string()).expect("the sync succeeds");
    (body, protocol::encode_response(&response))
}

struct Scenario {
    push_request: Vec<u8>,
    push_response: Vec<u8>,
    idle_request: Vec<u8>,
    idle_response: Vec<u8>,
    /// Keeps the database alive until the scenario is dropped.
    _dir: tempfile::TempDir,
}

fn scenario() -> Scenario {
    let dir = tempfile::tempdir().expect("temporary folder");
    let store = Store::open(&dir.path().join("relais.sqlite")).expect("store opens");
    store
        .write(|conn| {
            meta::set_epoch(conn, Epoch::from_bytes(EPOCH))?;
            conn.execute(
                "INSERT INTO agencies (id, name, created_at) VALUES (?1, 'Agence Belleville', ?2)",
                [AGENCY, NOW],
            )?;
            Ok(())
        })
        .expect("fixed epoch and agency");
    let epoch = Some(Epoch::from_bytes(EPOCH));
    let a = device_auth(DEVICE_A, USER_A);
    let b = device_auth(DEVICE_B, USER_B);
    let contact: DocumentId = CONTACT.parse().expect("fixed document id");

    // A creates the contact (log row 1); B syncs for the first time and gets it.
    let (mut on_a, created) = create_contact();
    let push = |change: &Change, heads| PushDoc {
        id: contact,
        doc_type: RecordType::Contact,
        heads,
        changes: vec![change.clone()],
    };
    exchange(
        &store,
        a,
        &request(DEVICE_A, 1, vec![push(&created, on_a.get_heads())], 0, None),
    );
    exchange(&store, b, &request(DEVICE_B, 2, vec![], 0, None));
    let mut on_b = on_a.fork().with_actor(ActorId::from([0xbb; 16].as_slice()));

    // A moves the contact to "informed" (log row 2).
    on_a.put(ROOT, "stage", "informed").expect("put");
    let informed = commit(&mut on_a);
    exchange(
        &store,
        a,
        &request(DEVICE_A, 3, vec![push(&informed, on_a.get_heads())], 1, epoch),
    );

    // Example 1: B adds a phone number (log row 3) and pulls from row 1.
    on_b.put(ROOT, "phone", "+33 6 12 34 56 78").expect("put");
    let phoned = commit(&mut on_b);
    let (push_request, push_response) = exchange(
        &store,
        b,
        &request(DEVICE_B, 4, vec![push(&phoned, on_b.get_heads())], 1, epoch),
    );

    // Example 2: B's next sync, with nothing to push and nothing new.
    let (idle_request, idle_response) = exchange(&store, b, &request(DEVICE_B, 5, vec![], 3, epoch));
    Scenario {
        push_request,
        push_response,
        idle_request,
        idle_response,
        _dir: dir,
    }
}

fn protocol_md() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/protocol.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Hex in lines of 32 bytes, as `docs/protocol.md` shows it.
fn wrapped_hex(bytes: &[u8]) -> String {
    bytes.chunks(32).map(hex::encode).collect::<Vec<_>>().join("\n")
}

/// Check bytes against their constant and the document against both.
fn assert_documented(name: &str, bytes: &[u8], constant: &str, doc: &str) {
    let dump = annotate(bytes);
    let wrapped = wrapped_hex(bytes);
    let shown = format!("{name}: {} bytes\n\nhex:\n{wrapped}\n\nannotated:\n{dump}", bytes.len());
    if std::env::var_os("RELAIS_SHOW_EXAMPLES").is_some() {
        // To update the document after a deliberate change of the protocol.
        println!("{shown}");
        return;
    }
    assert_eq!(hex::encode(bytes), constant, "{shown}");
    assert!(
        doc.contains(&wrapped),
        "docs/protocol.md lacks the hex of {name}:\n{shown}"
    );
    assert!(
        doc.contains(&dump),
        "docs/protocol.md lacks the annotated dump of {name}:\n{shown}"
    );
}

#[test]
fn the_documented_push_and_pull_example_is_what_the_code_sends_and_answers() {
    let scenario = scenario();
    let doc = protocol_md();

    let response = protocol::decode_response(&scenario.push_response).expect("decodes");
    assert_eq!(response.results.len(), 1);
    assert_eq!(response.results[0].status, DocStatus::Ok);
    assert_eq!(response.results[0].heads.len(), 2, "A's edit and B's edit");
    let page = response.pull.as_ref().expect("a pull page");
    assert_eq!(page.items.len(), 1, "A's edit only: B's own row is skipped");
    assert!(matches!(&page.items[0].kind, ItemKind::Changes(c) if c.len() == 1));
    assert_eq!((page.cursor, page.more, page.reset), (3, false, false));

    assert_documented("example 1 request", &scenario.push_request, PUSH_REQUEST_HEX, &doc);
    assert_documented("example 1 response", &scenario.push_response, PUSH_RESPONSE_HEX, &doc);
}

#[test]
fn the_documented_idle_sync_example_is_what_the_code_sends_and_answers() {
    let scenario = scenario();
    let doc = protocol_md();

    let response: SyncResponse = protocol::decode_response(&scenario.idle_response).expect("decodes");
    assert!(response.results.is_empty());
    let page = response.pull.as_ref().expect("a pull page");
    assert!(page.items.is_empty());
    assert_eq!((page.cursor, page.more), (3, false));

    assert_documented("example 2 request", &scenario.idle_request, IDLE_REQUEST_HEX, &doc);
    assert_documented("example 2 response", &scenario.idle_response, IDLE_RESPONSE_HEX, &doc);
}

// ---------------------------------------------------------------------------
// An annotated hex dump of a sync message: CBOR items, and inside byte strings
// the fields of Automerge changes.

/// Column of the `#` comments.
const COMMENT_AT: usize = 64;

struct Dump<'a> {
    bytes: &'a [u8],
    pos: usize,
    out: String,
}

fn annotate(bytes: &[u8]) -> String {
    let mut dump = Dump {
        bytes,
        pos: 0,
        out: String::new(),
    };
    dump.item(0, None);
    assert_eq!(dump.pos, bytes.len(), "trailing bytes after the message");
    dump.out
}

impl Dump<'_> {
    fn line(&mut self, depth: usize, bytes: &[u8], comment: &str) {
        let hex: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let text = format!("{}{}", "  ".repeat(depth), hex.join(" "));
        if comment.is_empty() {
            writeln!(self.out, "{text}").expect("writing to a String");
        } else {
            let width = COMMENT_AT.max(text.len() + 1);
            writeln!(self.out, "{text:width$}# {comment}").expect("writing to a String");
        }
    }

    /// Lines of at most 16 bytes, the comment on the first.
    fn rows(&mut self, depth: usize, bytes: &[u8], comment: &str) {
        for (i, row) in bytes.chunks(16).enumerate() {
            self.line(depth, row, if i == 0 { comment } else { "" });
        }
    }

    fn take(&mut self, n: usize) -> &[u8] {
        let slice = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        slice
    }

    /// A CBOR head: major type and argument.
    fn head(&mut self) -> (u8, u64) {
        let first = self.take(1)[0];
        let (major, info) = (first >> 5, first & 0x1f);
        let arg = match info {
            0..=23 => u64::from(info),
            24 => u64::from(self.take(1)[0]),
            25 => u64::from(u16::from_be_bytes(self.take(2).try_into().expect("2"))),
            26 => u64::from(u32::from_be_bytes(self.take(4).try_into().expect("4"))),
            27 => u64::from_be_bytes(self.take(8).try_into().expect("8")),
            _ => panic!("indefinite lengths are not used by the encoder"),
        };
        (major, arg)
    }

    fn item(&mut self, depth: usize, key: Option<&str>) {
        let start = self.pos;
        let (major, arg) = self.head();
        let head = self.bytes[start..self.pos].to_vec();
        match major {
            0 => {
                let meaning = match key {
                    Some("v") => " (protocol version)",
                    Some("cursor") => " (change-log position)",
                    Some("budget") => " (bytes)",
                    Some("snapshot") => " (snapshot position)",
                    _ => "",
                };
                self.line(depth, &head, &format!("unsigned {arg}{meaning}"));
            }
            2 => {
                let data = self.take(arg as usize).to_vec();
                self.byte_string(depth, &head, &data, key);
            }
            3 => {
                let text = self.take(arg as usize).to_vec();
                let mut all = head;
                all.extend_from_slice(&text);
                let text = String::from_utf8(text).expect("CBOR text is UTF-8");
                self.line(depth, &all, &format!("text {text:?}"));
            }
            4 => {
                let what = match key {
                    Some("push") => "documents pushed",
                    Some("heads") => "change hashes",
                    Some("changes") => "Automerge changes",
                    Some("results") => "one result per pushed document",
                    Some("items") => "documents to apply, in order",
                    Some("data") => "document data",
                    _ => "",
                };
                let sep = if what.is_empty() { "" } else { ": " };
                self.line(depth, &head, &format!("array({arg}){sep}{what}"));
                for _ in 0..arg {
                    self.item(depth + 1, key);
                }
            }
            5 => {
                let what = match key {
                    None => "",
                    Some("push") => "a pushed document",
                    Some("pull") => "pull",
                    Some("results") => "a document result",
                    Some("items") => "an item",
                    Some(_) => "",
                };
                let sep = if what.is_empty() { "" } else { ": " };
                self.line(depth, &head, &format!("map({arg}){sep}{what}"));
                for _ in 0..arg {
                    let start = self.pos;
                    let (major, len) = self.head();
                    assert_eq!(major, 3, "map keys are text");
                    let name = String::from_utf8(self.take(len as usize).to_vec()).expect("CBOR text is UTF-8");
                    let all = self.bytes[start..self.pos].to_vec();
                    self.line(depth + 1, &all, &format!("key {name:?}"));
                    self.item(depth + 1, Some(&name));
                }
            }
            7 => {
                let value = match arg {
                    20 => "false",
                    21 => "true",
                    22 => "null",
                    other => panic!("unexpected simple value {other}"),
                };
                self.line(depth, &head, value);
            }
            other => panic!("unexpected CBOR major type {other}"),
        }
    }

    fn byte_string(&mut self, depth: usize, head: &[u8], data: &[u8], key: Option<&str>) {
        let n = data.len();
        let uuid = |what: &str| {
            let id = uuid::Uuid::from_slice(data).expect("16 bytes");
            (format!("bytes({n}): {what}"), id.hyphenated().to_string())
        };
        let (head_note, data_note) = match key {
            Some("device") => uuid("device id"),
            Some("batch") => uuid("batch id"),
            Some("epoch") => uuid("server epoch"),
            Some("id") => uuid("document id"),
            Some("heads") => (format!("bytes({n}): change hash"), String::new()),
            Some("changes" | "data") if data.starts_with(&MAGIC) => {
                self.line(depth, head, &format!("bytes({n}): Automerge change"));
                annotate_change(self, depth + 1, data);
                return;
            }
            _ => (format!("bytes({n})"), String::new()),
        };
        self.line(depth, head, &head_note);
        self.rows(depth + 1, data, &data_note);
    }
}

const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];

/// A LEB128 reader over one Automerge chunk.
struct Leb<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Leb<'_> {
    fn take(&mut self, n: usize) -> Vec<u8> {
        let slice = self.bytes[self.pos..self.pos + n].to_vec();
        self.pos += n;
        slice
    }

    /// An unsigned LEB128 value and its bytes.
    fn uleb(&mut self) -> (u64, Vec<u8>) {
        let start = self.pos;
        let mut value = 0u64;
        let mut shift = 0;
        loop {
            let byte = self.bytes[self.pos];
            self.pos += 1;
            value |= u64::from(byte & 0x7f) << shift;
            shift += 7;
            if byte & 0x80 == 0 {
                break;
            }
        }
        (value, self.bytes[start..self.pos].to_vec())
    }

    /// A signed LEB128 value and its bytes.
    fn sleb(&mut self) -> (i64, Vec<u8>) {
        let start = self.pos;
        let mut value = 0i64;
        let mut shift = 0;
        let mut byte;
        loop {
            byte = self.bytes[self.pos];
            self.pos += 1;
            value |= i64::from(byte & 0x7f) << shift;
            shift += 7;
            if byte & 0x80 == 0 {
                break;
            }
        }
        if shift < 64 && byte & 0x40 != 0 {
            value |= -1 << shift;
        }
        (value, self.bytes[start..self.pos].to_vec())
    }
}

fn column_name(spec: u64) -> String {
    let name = match spec & !0x08 {
        0x01 => "obj actor",
        0x02 => "obj counter",
        0x11 => "key actor",
        0x13 => "key counter",
        0x15 => "key string",
        0x34 => "insert",
        0x42 => "action",
        0x56 => "value metadata",
        0x57 => "value",
        0x70 => "pred count",
        0x71 => "pred actor",
        0x73 => "pred counter",
        0x94 => "expand",
        0xa5 => "mark name",
        _ => "column",
    };
    let deflated = if spec & 0x08 != 0 { ", deflated" } else { "" };
    format!("{name} (spec 0x{spec:02x}{deflated})")
}

/// The fields of an uncompressed Automerge change chunk.
fn annotate_change(dump: &mut Dump<'_>, depth: usize, chunk: &[u8]) {
    let mut r = Leb { bytes: chunk, pos: 0 };
    let magic = r.take(4);
    dump.line(depth, &magic, "magic");
    let checksum = r.take(4);
    dump.line(depth, &checksum, "checksum: first 4 bytes of the change hash");
    let kind = r.take(1);
    let kind_note = match kind[0] {
        1 => "chunk type 1: change",
        2 => "chunk type 2: compressed change",
        _ => "chunk type",
    };
    dump.line(depth, &kind, kind_note);
    let (len, bytes) = r.uleb();
    dump.line(depth, &bytes, &format!("length of the rest: {len}"));
    if kind[0] != 1 {
        let rest = r.take(chunk.len() - r.pos);
        dump.rows(depth, &rest, "deflated body");
        return;
    }
    let (deps, bytes) = r.uleb();
    let plural = if deps == 1 { "dependency" } else { "dependencies" };
    dump.line(depth, &bytes, &format!("{deps} {plural}"));
    for _ in 0..deps {
        let hash = r.take(32);
        dump.rows(depth + 1, &hash, "hash of a change this one follows");
    }
    let (actor_len, bytes) = r.uleb();
    dump.line(depth, &bytes, &format!("actor id: {actor_len} bytes"));
    let actor = r.take(actor_len as usize);
    dump.rows(depth + 1, &actor, "");
    let (seq, bytes) = r.uleb();
    dump.line(depth, &bytes, &format!("seq {seq}: counts this actor's changes"));
    let (start_op, bytes) = r.uleb();
    dump.line(depth, &bytes, &format!("start op {start_op}"));
    let (time, bytes) = r.sleb();
    dump.line(depth, &bytes, &format!("time {time}"));
    let (message_len, bytes) = r.uleb();
    let message = r.take(message_len as usize);
    let mut all = bytes;
    all.extend_from_slice(&message);
    let note = if message_len == 0 {
        "message: none".to_string()
    } else {
        format!("message {:?}", String::from_utf8_lossy(&message))
    };
    dump.line(depth, &all, &note);
    let (others, bytes) = r.uleb();
    dump.line(depth, &bytes, &format!("{others} other actors"));
    for _ in 0..others {
        let (len, bytes) = r.uleb();
        let mut all = bytes;
        all.extend(r.take(len as usize));
        dump.rows(depth + 1, &all, "other actor");
    }
    let (columns, bytes) = r.uleb();
    dump.line(depth, &bytes, &format!("{columns} op columns: spec, length"));
    let mut specs = Vec::new();
    for _ in 0..columns {
        let (spec, mut bytes) = r.uleb();
        let (len, len_bytes) = r.uleb();
        bytes.extend(len_bytes);
        dump.line(
            depth + 1,
            &bytes,
            &format!("{}: {len} byte{}", column_name(spec), if len == 1 { "" } else { "s" }),
        );
        specs.push((spec, len));
    }
    for (spec, len) in specs {
        if len == 0 {
            continue;
        }
        let data = r.take(len as usize);
        let note = column_name(spec);
        let note = format!(
            "{} column, run-length encoded",
            note.split(" (").next().unwrap_or_default()
        );
        dump.rows(depth, &data, &note);
    }
    if r.pos < chunk.len() {
        let extra = r.take(chunk.len() - r.pos);
        dump.rows(depth, &extra, "extra bytes");
    }
}
