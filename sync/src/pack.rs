//! Packed changes: an Automerge change re-expressed operation by operation,
//! so that the answer's brotli finds what repeats from one change to the next.
//!
//! Automerge's change encoding stores operations in columns (every key, then
//! every value, …), each change with its own 16-byte actor, 32-byte
//! dependency hashes and 4-byte checksum. Over a page of hundreds of new
//! contacts a general-purpose compressor finds little to remove from those
//! columns; written as one row per operation, with a run of typed characters
//! as one string and op ids relative to the change's first op, the same
//! contact repeats the shape of the one before it. A device that asks for it
//! (`pull.pack`, `docs/protocol.md`, "Packed changes") receives changes in
//! this form; it rebuilds the exact Automerge bytes ([`unpack`]) and checks
//! them against the change's checksum, which travels with it.
//!
//! The server only sends a change packed when unpacking it gives back the
//! stored bytes exactly ([`pack`] checks); anything else travels as it is.

use std::collections::HashMap;
use std::num::NonZeroU64;
use std::sync::{Mutex, OnceLock};

use automerge::legacy::{ElementId, Key, ObjectId, Op, OpId, OpType, SortedVec};
use automerge::{ActorId, Change, ChangeHash, ExpandedChange, ObjType, ScalarValue};
use ciborium::Value;

/// Why a packed change could not be rebuilt.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("packed change: {0}")]
pub struct UnpackError(String);

fn bad(what: impl Into<String>) -> UnpackError {
    UnpackError(what.into())
}

/// Operation codes: Automerge's action number, plus [`INSERT`] for an insertion.
const INSERT: u64 = 8;
/// A run of inserted one-character strings, each after the one before.
const TEXT_RUN: u64 = 16;
/// Tags of the scalar values that are not plain CBOR values.
const TAG_UINT: u64 = 1;
const TAG_COUNTER: u64 = 2;
const TAG_TIMESTAMP: u64 = 3;
/// Floats are tagged too: a JavaScript CBOR reader cannot tell 2.0 from 2.
const TAG_F64: u64 = 4;

/// Bytes of a dependency hash sent when the change it names is not in the
/// item: the device holds that change (a page never carries a change whose
/// dependencies the device lacks), so it finds it by this prefix.
pub const DEP_PREFIX: usize = 8;

/// The `data` of a `changes` item: each change packed when it round-trips,
/// else as its bytes. A change's packed form is computed once and kept
/// ([`CACHE_BYTES`]): the phones of an agency pull the same changes.
pub fn pack_item(changes: &[Vec<u8>]) -> Vec<Value> {
    let mut earlier: Vec<ChangeHash> = Vec::with_capacity(changes.len());
    let mut data = Vec::with_capacity(changes.len());
    for raw in changes {
        let hash = change_hash(raw);
        let packed = hash.and_then(|hash| cached_pack(hash, raw));
        data.push(match packed {
            Some(mut packed) => {
                name_dependencies(&mut packed, &earlier);
                packed
            }
            None => Value::Bytes(raw.clone()),
        });
        // A change whose hash is unknown cannot be named by a later one.
        earlier.push(hash.unwrap_or(ChangeHash([0; 32])));
    }
    data
}

/// The magic bytes that open every Automerge chunk.
const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
/// Chunk type of an uncompressed change.
const CHANGE_CHUNK: u8 = 1;

/// The hash of an uncompressed change, without parsing it: SHA-256 of the
/// chunk after its magic bytes and checksum, whose first 4 bytes the
/// checksum repeats. `None` for anything else (a deflated change, garbage).
fn change_hash(raw: &[u8]) -> Option<ChangeHash> {
    use sha2::{Digest, Sha256};
    if raw.get(..4)? != MAGIC || *raw.get(8)? != CHANGE_CHUNK {
        return None;
    }
    let hash: [u8; 32] = Sha256::digest(&raw[8..]).into();
    (hash[..4] == raw[4..8]).then_some(ChangeHash(hash))
}

/// Bytes of packed changes kept in memory at most (the cache is emptied
/// when it would hold more).
pub const CACHE_BYTES: usize = 32 << 20;

/// Packed changes (CBOR, dependencies in full) by change hash; `None` for
/// a change that travels as it is.
#[derive(Default)]
struct Cache {
    packed: HashMap<ChangeHash, Option<Vec<u8>>>,
    bytes: usize,
}

fn cache() -> &'static Mutex<Cache> {
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    CACHE.get_or_init(Mutex::default)
}

/// The packed form of the change `raw` (whose hash is `hash`), dependencies
/// in full, from the cache or packed now.
fn cached_pack(hash: ChangeHash, raw: &[u8]) -> Option<Value> {
    // A poisoned lock only means another answer panicked: the map is whole.
    let found = cache()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .packed
        .get(&hash)
        .cloned();
    let encoded = match found {
        Some(encoded) => encoded,
        None => {
            let encoded = Change::from_bytes(raw.to_vec())
                .ok()
                .and_then(|change| pack(&change, raw))
                .map(|packed| {
                    let mut out = Vec::with_capacity(raw.len());
                    // Writing a Value into memory cannot fail.
                    ciborium::into_writer(&packed, &mut out)
                        .map(|()| out)
                        .unwrap_or_default()
                });
            let mut cache = cache().lock().unwrap_or_else(|e| e.into_inner());
            let size = 64 + encoded.as_ref().map_or(0, Vec::len);
            if cache.bytes + size > CACHE_BYTES {
                cache.packed.clear();
                cache.bytes = 0;
            }
            cache.bytes += size;
            cache.packed.insert(hash, encoded.clone());
            encoded
        }
    };
    ciborium::from_reader(encoded?.as_slice()).ok()
}

/// Rewrite the full dependency hashes of a packed change for its place in
/// an item: the place of an earlier change of the item, or else the first
/// [`DEP_PREFIX`] bytes (the device holds that change).
fn name_dependencies(packed: &mut Value, earlier: &[ChangeHash]) {
    let Value::Array(fields) = packed else { return };
    let Some(Value::Array(deps)) = fields.get_mut(6) else {
        return;
    };
    for dep in deps {
        if let Value::Bytes(hash) = dep {
            *dep = match earlier.iter().position(|h| h.0.as_slice() == hash.as_slice()) {
                Some(i) => Value::Integer((i as u64).into()),
                None => Value::Bytes(hash[..DEP_PREFIX.min(hash.len())].to_vec()),
            };
        }
    }
}

/// The changes of a `changes` item, each rebuilt from its packed form or
/// taken as the bytes it travelled as. `known` finds the full hash of a
/// change the device holds from the first [`DEP_PREFIX`] bytes of it.
pub fn unpack_item(data: &[Value], known: &dyn Fn(&[u8]) -> Option<ChangeHash>) -> Result<Vec<Vec<u8>>, UnpackError> {
    let mut earlier: Vec<ChangeHash> = Vec::with_capacity(data.len());
    let mut changes = Vec::with_capacity(data.len());
    for value in data {
        let bytes = match value {
            Value::Bytes(bytes) => bytes.clone(),
            packed => unpack(packed, &earlier, known)?,
        };
        // Hashes are needed only when a later packed change names this one;
        // a deflated change must be parsed for its hash.
        let hash = if data.len() > 1 {
            change_hash(&bytes)
                .or_else(|| Change::from_bytes(bytes.clone()).ok().map(|c| c.hash()))
                .unwrap_or(ChangeHash([0; 32]))
        } else {
            ChangeHash([0; 32])
        };
        earlier.push(hash);
        changes.push(bytes);
    }
    Ok(changes)
}

/// Pack `change` (whose bytes are `raw`), its dependencies in full. `None`
/// when it must travel as it is: it holds something this form does not
/// carry (marks, values of unknown types), or would not be rebuilt byte for
/// byte.
pub fn pack(change: &Change, raw: &[u8]) -> Option<Value> {
    let packed = pack_expanded(&change.decode(), raw.get(4..8)?)?;
    let rebuilt = unpack(&packed, &[], &|_| None).ok()?;
    (rebuilt == raw).then_some(packed)
}

fn pack_expanded(change: &ExpandedChange, checksum: &[u8]) -> Option<Value> {
    let start = change.start_op.get();
    let mut others: Vec<ActorId> = Vec::new();
    let mut opid = |id: &OpId| -> Value {
        if id.1 == change.actor_id {
            // Out of CBOR's range (never for real counters): a null, which
            // fails the round trip, so the change travels as it is.
            ciborium::value::Integer::try_from(i128::from(id.0) - i128::from(start)).map_or(Value::Null, Value::Integer)
        } else {
            let index = match others.iter().position(|a| a == &id.1) {
                Some(i) => i,
                None => {
                    others.push(id.1.clone());
                    others.len() - 1
                }
            };
            Value::Array(vec![Value::Integer(id.0.into()), Value::Integer((index as u64).into())])
        }
    };
    let mut ops = Vec::with_capacity(change.operations.len());
    let mut k = 0;
    while k < change.operations.len() {
        let op = &change.operations[k];
        let run = text_run(change, k);
        if run.len() > 1 {
            let text: String = run.iter().collect();
            ops.push(Value::Array(vec![
                Value::Integer(TEXT_RUN.into()),
                obj_value(&op.obj, &mut opid),
                key_value(&op.key, &mut opid),
                Value::Text(text),
            ]));
            k += run.len();
            continue;
        }
        let action = action_code(&op.action)?;
        let mut row = vec![
            Value::Integer((action + if op.insert { INSERT } else { 0 }).into()),
            obj_value(&op.obj, &mut opid),
            key_value(&op.key, &mut opid),
        ];
        match &op.action {
            OpType::Put(value) => row.push(scalar_value(value)?),
            OpType::Increment(by) => row.push(Value::Integer((*by).into())),
            _ => {}
        }
        if !op.pred.is_empty() {
            row.push(Value::Array(op.pred.iter().map(&mut opid).collect()));
        }
        ops.push(Value::Array(row));
        k += 1;
    }
    let deps = change.deps.iter().map(|dep| Value::Bytes(dep.0.to_vec())).collect();
    let mut packed = vec![
        Value::Bytes(checksum.to_vec()),
        Value::Bytes(change.actor_id.to_bytes().to_vec()),
        Value::Integer(change.seq.into()),
        Value::Integer(start.into()),
        Value::Integer(change.time.into()),
        change.message.clone().map_or(Value::Null, Value::Text),
        Value::Array(deps),
        Value::Array(others.iter().map(|a| Value::Bytes(a.to_bytes().to_vec())).collect()),
        Value::Array(ops),
    ];
    if !change.extra_bytes.is_empty() {
        packed.push(Value::Bytes(change.extra_bytes.clone()));
    }
    Some(Value::Array(packed))
}

/// The characters of the run of one-character insertions starting at op `k`:
/// each inserts a string of one character, without predecessors, right after
/// the op before it in the same object.
fn text_run(change: &ExpandedChange, k: usize) -> Vec<char> {
    let mut run = Vec::new();
    let ops = &change.operations;
    let mut i = k;
    while let Some(op) = ops.get(i) {
        let Some(c) = single_char_insert(op) else { break };
        if i > k {
            let previous = OpId(change.start_op.get() + i as u64 - 1, change.actor_id.clone());
            if op.obj != ops[k].obj || op.key != Key::Seq(ElementId::Id(previous)) {
                break;
            }
        }
        run.push(c);
        i += 1;
    }
    run
}

fn single_char_insert(op: &Op) -> Option<char> {
    if !op.insert || !op.pred.is_empty() {
        return None;
    }
    let OpType::Put(ScalarValue::Str(s)) = &op.action else {
        return None;
    };
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

fn action_code(action: &OpType) -> Option<u64> {
    Some(match action {
        OpType::Make(ObjType::Map) => 0,
        OpType::Put(_) => 1,
        OpType::Make(ObjType::List) => 2,
        OpType::Delete => 3,
        OpType::Make(ObjType::Text) => 4,
        OpType::Increment(_) => 5,
        OpType::Make(ObjType::Table) => 6,
        OpType::MarkBegin(_) | OpType::MarkEnd(_) => return None,
    })
}

fn obj_value(obj: &ObjectId, opid: &mut impl FnMut(&OpId) -> Value) -> Value {
    match obj {
        ObjectId::Root => Value::Null,
        ObjectId::Id(id) => opid(id),
    }
}

fn key_value(key: &Key, opid: &mut impl FnMut(&OpId) -> Value) -> Value {
    match key {
        Key::Map(name) => Value::Text(name.to_string()),
        Key::Seq(ElementId::Head) => Value::Null,
        Key::Seq(ElementId::Id(id)) => opid(id),
    }
}

fn scalar_value(value: &ScalarValue) -> Option<Value> {
    let tagged = |tag: u64, n: Value| Value::Array(vec![Value::Integer(tag.into()), n]);
    Some(match value {
        ScalarValue::Str(s) => Value::Text(s.to_string()),
        ScalarValue::Int(n) => Value::Integer((*n).into()),
        ScalarValue::Uint(n) => tagged(TAG_UINT, Value::Integer((*n).into())),
        ScalarValue::F64(f) => tagged(TAG_F64, Value::Float(*f)),
        ScalarValue::Boolean(b) => Value::Bool(*b),
        ScalarValue::Null => Value::Null,
        ScalarValue::Bytes(b) => Value::Bytes(b.clone()),
        ScalarValue::Counter(c) => tagged(TAG_COUNTER, Value::Integer(i64::from(c).into())),
        ScalarValue::Timestamp(t) => tagged(TAG_TIMESTAMP, Value::Integer((*t).into())),
        ScalarValue::Unknown { .. } => return None,
    })
}

/// Rebuild the Automerge bytes of a packed change whose item carried
/// `earlier` before it, and check them against the change's checksum.
pub fn unpack(
    packed: &Value,
    earlier: &[ChangeHash],
    known: &dyn Fn(&[u8]) -> Option<ChangeHash>,
) -> Result<Vec<u8>, UnpackError> {
    let fields = as_array(packed, "a packed change")?;
    if fields.len() < 9 {
        return Err(bad(format!("{} fields, at least 9 expected", fields.len())));
    }
    let checksum = as_bytes(&fields[0], "checksum")?;
    let actor = ActorId::from(as_bytes(&fields[1], "actor")?);
    let seq = as_u64(&fields[2], "seq")?;
    let start = NonZeroU64::new(as_u64(&fields[3], "start_op")?).ok_or_else(|| bad("start_op is 0"))?;
    let time = as_i64(&fields[4], "time")?;
    let message = match &fields[5] {
        Value::Null => None,
        Value::Text(t) => Some(t.clone()),
        _ => return Err(bad("message is neither text nor null")),
    };
    let deps = as_array(&fields[6], "deps")?
        .iter()
        .map(|dep| match dep {
            Value::Bytes(b) if b.len() == 32 => {
                ChangeHash::try_from(b.as_slice()).map_err(|_| bad("a dependency is not 32 bytes"))
            }
            Value::Bytes(b) if b.len() == DEP_PREFIX => {
                known(b).ok_or_else(|| bad(format!("no change held starts with {}", hex::encode(b))))
            }
            Value::Bytes(b) => Err(bad(format!("a dependency of {} bytes", b.len()))),
            Value::Integer(_) => {
                let i = as_u64(dep, "a dependency")?;
                usize::try_from(i)
                    .ok()
                    .and_then(|i| earlier.get(i))
                    .copied()
                    .ok_or_else(|| bad(format!("dependency {i} names no earlier change of the item")))
            }
            _ => Err(bad("a dependency is neither bytes nor an index")),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let others = as_array(&fields[7], "others")?
        .iter()
        .map(|a| as_bytes(a, "an actor").map(ActorId::from))
        .collect::<Result<Vec<_>, _>>()?;
    let ids = Ids {
        actor: &actor,
        start: start.get(),
        others: &others,
    };
    let mut operations = Vec::new();
    for row in as_array(&fields[8], "ops")? {
        let row = as_array(row, "an op")?;
        if row.len() < 3 {
            return Err(bad("an op has fewer than 3 fields"));
        }
        let code = as_u64(&row[0], "an op's code")?;
        let obj = match &row[1] {
            Value::Null => ObjectId::Root,
            other => ObjectId::Id(ids.opid(other)?),
        };
        let key = match &row[2] {
            Value::Text(name) => Key::Map(name.as_str().into()),
            Value::Null => Key::Seq(ElementId::Head),
            other => Key::Seq(ElementId::Id(ids.opid(other)?)),
        };
        if code == TEXT_RUN {
            let Some(Value::Text(text)) = row.get(3) else {
                return Err(bad("a text run without its text"));
            };
            let mut key = key;
            for c in text.chars() {
                let id = OpId(start.get() + operations.len() as u64, actor.clone());
                operations.push(Op {
                    action: OpType::Put(ScalarValue::Str(c.to_string().into())),
                    obj: obj.clone(),
                    key,
                    pred: SortedVec::new(),
                    insert: true,
                });
                key = Key::Seq(ElementId::Id(id));
            }
            continue;
        }
        let insert = code & INSERT != 0;
        let (action, rest) = match code & !INSERT {
            0 => (OpType::Make(ObjType::Map), &row[3..]),
            2 => (OpType::Make(ObjType::List), &row[3..]),
            3 => (OpType::Delete, &row[3..]),
            4 => (OpType::Make(ObjType::Text), &row[3..]),
            6 => (OpType::Make(ObjType::Table), &row[3..]),
            1 => (
                OpType::Put(scalar(row.get(3).ok_or_else(|| bad("a put without its value"))?)?),
                row.get(4..).unwrap_or(&[]),
            ),
            5 => (
                OpType::Increment(as_i64(
                    row.get(3).ok_or_else(|| bad("an increment without its value"))?,
                    "an increment",
                )?),
                row.get(4..).unwrap_or(&[]),
            ),
            other => return Err(bad(format!("unknown op code {other}"))),
        };
        let pred = match rest {
            [] => SortedVec::new(),
            [list] => as_array(list, "pred")?
                .iter()
                .map(|p| ids.opid(p))
                .collect::<Result<Vec<_>, _>>()?
                .into(),
            _ => return Err(bad("an op has too many fields")),
        };
        operations.push(Op {
            action,
            obj,
            key,
            pred,
            insert,
        });
    }
    let extra_bytes = match fields.get(9) {
        None => Vec::new(),
        Some(v) => as_bytes(v, "extra bytes")?,
    };
    let expanded = ExpandedChange {
        operations,
        actor_id: actor,
        hash: None,
        seq,
        start_op: start,
        time,
        message,
        deps,
        extra_bytes,
        author: None,
    };
    let bytes = Change::from(expanded).raw_bytes().to_vec();
    if bytes.get(4..8) != Some(checksum.as_slice()) {
        return Err(bad("the rebuilt change does not match its checksum"));
    }
    Ok(bytes)
}

/// How op ids are written in a packed change.
struct Ids<'a> {
    actor: &'a ActorId,
    start: u64,
    others: &'a [ActorId],
}

impl Ids<'_> {
    fn opid(&self, value: &Value) -> Result<OpId, UnpackError> {
        match value {
            Value::Integer(n) => {
                let counter = i128::from(*n) + i128::from(self.start);
                let counter = u64::try_from(counter)
                    .ok()
                    .filter(|c| *c > 0)
                    .ok_or_else(|| bad("an op id's counter is out of range"))?;
                Ok(OpId(counter, self.actor.clone()))
            }
            Value::Array(pair) => match pair.as_slice() {
                [counter, index] => {
                    let counter = as_u64(counter, "an op id's counter")?;
                    let index = as_u64(index, "an op id's actor")?;
                    let actor = usize::try_from(index)
                        .ok()
                        .and_then(|i| self.others.get(i))
                        .ok_or_else(|| bad(format!("actor {index} is not in the change's list")))?;
                    Ok(OpId(counter, actor.clone()))
                }
                _ => Err(bad("an op id is not [counter, actor]")),
            },
            _ => Err(bad("an op id is neither an integer nor a pair")),
        }
    }
}

fn scalar(value: &Value) -> Result<ScalarValue, UnpackError> {
    Ok(match value {
        Value::Text(s) => ScalarValue::Str(s.as_str().into()),
        Value::Integer(_) => ScalarValue::Int(as_i64(value, "an integer value")?),
        Value::Bool(b) => ScalarValue::Boolean(*b),
        Value::Null => ScalarValue::Null,
        Value::Bytes(b) => ScalarValue::Bytes(b.clone()),
        Value::Array(pair) => match pair.as_slice() {
            [tag, n] => match as_u64(tag, "a value's tag")? {
                TAG_UINT => ScalarValue::Uint(as_u64(n, "an unsigned value")?),
                TAG_COUNTER => ScalarValue::counter(as_i64(n, "a counter")?),
                TAG_TIMESTAMP => ScalarValue::Timestamp(as_i64(n, "a timestamp")?),
                TAG_F64 => match n {
                    Value::Float(f) => ScalarValue::F64(*f),
                    _ => return Err(bad("a float that is not a float")),
                },
                other => return Err(bad(format!("unknown value tag {other}"))),
            },
            _ => return Err(bad("a tagged value is not [tag, value]")),
        },
        _ => return Err(bad("a value of an unknown kind")),
    })
}

fn as_array<'a>(value: &'a Value, what: &str) -> Result<&'a [Value], UnpackError> {
    match value {
        Value::Array(items) => Ok(items),
        _ => Err(bad(format!("{what} is not an array"))),
    }
}

fn as_bytes(value: &Value, what: &str) -> Result<Vec<u8>, UnpackError> {
    match value {
        Value::Bytes(b) => Ok(b.clone()),
        _ => Err(bad(format!("{what} is not a byte string"))),
    }
}

fn as_u64(value: &Value, what: &str) -> Result<u64, UnpackError> {
    match value {
        Value::Integer(n) => u64::try_from(*n).map_err(|_| bad(format!("{what} is not an unsigned integer"))),
        _ => Err(bad(format!("{what} is not an integer"))),
    }
}

fn as_i64(value: &Value, what: &str) -> Result<i64, UnpackError> {
    match value {
        Value::Integer(n) => i64::try_from(*n).map_err(|_| bad(format!("{what} is out of range"))),
        _ => Err(bad(format!("{what} is not an integer"))),
    }
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ReadDoc, ROOT};
    use proptest::prelude::*;

    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    /// A device that holds nothing outside the item.
    fn none(_: &[u8]) -> Option<ChangeHash> {
        None
    }

    fn actor(byte: u8) -> ActorId {
        ActorId::from([byte; 16].as_slice())
    }

    /// A document with every kind of value and object a record uses, in two
    /// changes by one phone and one by another.
    fn history() -> Result<Vec<Vec<u8>>, Box<dyn std::error::Error>> {
        let mut doc = AutoCommit::new().with_actor(actor(1));
        doc.put(ROOT, "type", "contact")?;
        doc.put(ROOT, "birth_year", 1994_i64)?;
        doc.put(ROOT, "visits", ScalarValue::Uint(3))?;
        doc.put(ROOT, "score", 0.5_f64)?;
        doc.put(ROOT, "photo", ScalarValue::Bytes(vec![0, 1, 2]))?;
        doc.put(ROOT, "nothing", ScalarValue::Null)?;
        doc.put(ROOT, "at", ScalarValue::Timestamp(1_764_410_400_000))?;
        doc.put(ROOT, "reached", ScalarValue::counter(4))?;
        let consent = doc.put_object(ROOT, "consent", ObjType::Map)?;
        doc.put(&consent, "given", true)?;
        let notes = doc.put_object(ROOT, "notes", ObjType::Text)?;
        doc.splice_text(&notes, 0, 0, "Pas de réponse, rappeler. مرحبا 👋🏽")?;
        let list = doc.put_object(ROOT, "follow_ups", ObjType::List)?;
        let item = doc.insert_object(&list, 0, ObjType::Map)?;
        doc.put(&item, "kind", "call")?;
        doc.insert(&list, 1, "second")?;
        doc.commit();
        doc.put(ROOT, "city", "Lyon")?;
        doc.increment(ROOT, "reached", 2)?;
        doc.splice_text(&notes, 3, 2, "x")?;
        doc.delete(&list, 1)?;
        doc.delete(ROOT, "nothing")?;
        doc.commit();
        let mut other = doc.fork().with_actor(actor(2));
        other.put(ROOT, "city", "Bron")?;
        other.splice_text(&notes, 0, 0, "ab")?;
        other.commit();
        doc.merge(&mut other)?;
        Ok(doc.get_changes(&[]).iter().map(|c| c.raw_bytes().to_vec()).collect())
    }

    #[test]
    fn every_kind_of_operation_is_rebuilt_byte_for_byte() -> TestResult {
        let changes = history()?;
        let data = pack_item(&changes);
        assert!(
            data.iter().all(|v| matches!(v, Value::Array(_))),
            "every change travels packed"
        );
        assert_eq!(unpack_item(&data, &none)?, changes);
        Ok(())
    }

    #[test]
    fn a_change_that_depends_on_one_before_it_in_the_item_names_it_by_its_place() -> TestResult {
        let changes = history()?;
        let data = pack_item(&changes);
        let Value::Array(fields) = &data[1] else {
            panic!("packed")
        };
        assert_eq!(fields[6], Value::Array(vec![Value::Integer(0.into())]));
        // Alone, the second change names its dependency by a prefix, which
        // the device finds among the changes it holds.
        let first = Change::from_bytes(changes[0].clone())?.hash();
        let held = move |prefix: &[u8]| first.0.starts_with(prefix).then_some(first);
        let alone = pack_item(&changes[1..]);
        let Value::Array(fields) = &alone[0] else {
            panic!("packed")
        };
        assert_eq!(
            fields[6],
            Value::Array(vec![Value::Bytes(first.0[..DEP_PREFIX].to_vec())])
        );
        let error = unpack_item(&alone, &none)
            .err()
            .ok_or("rebuilt without the dependency")?;
        assert!(error.to_string().contains("no change held"), "{error}");
        assert_eq!(unpack_item(&alone, &held)?, changes[1..].to_vec());
        Ok(())
    }

    #[test]
    fn a_run_of_typed_characters_travels_as_one_string() -> TestResult {
        let changes = history()?;
        let Value::Array(fields) = &pack_item(&changes)[0] else {
            panic!("packed")
        };
        let Value::Array(ops) = &fields[8] else { panic!("ops") };
        let runs: Vec<&Value> = ops
            .iter()
            .filter_map(|op| match op {
                Value::Array(row) if row[0] == Value::Integer(TEXT_RUN.into()) => row.get(3),
                _ => None,
            })
            .collect();
        assert_eq!(runs, vec![&Value::Text("Pas de réponse, rappeler. مرحبا 👋🏽".into())]);
        Ok(())
    }

    #[test]
    fn a_change_with_marks_travels_as_its_bytes() -> TestResult {
        let mut doc = AutoCommit::new().with_actor(actor(3));
        let notes = doc.put_object(ROOT, "notes", ObjType::Text)?;
        doc.splice_text(&notes, 0, 0, "urgent")?;
        doc.mark(
            &notes,
            automerge::marks::Mark::new("bold".into(), true, 0, 3),
            automerge::marks::ExpandMark::After,
        )?;
        doc.commit();
        let changes: Vec<Vec<u8>> = doc.get_changes(&[]).iter().map(|c| c.raw_bytes().to_vec()).collect();
        let data = pack_item(&changes);
        assert_eq!(data, vec![Value::Bytes(changes[0].clone())]);
        assert_eq!(unpack_item(&data, &none)?, changes);
        Ok(())
    }

    #[test]
    fn a_changes_hash_is_read_from_its_bytes_and_a_deflated_change_travels_as_it_is() -> TestResult {
        for raw in history()? {
            assert_eq!(change_hash(&raw), Some(Change::from_bytes(raw.clone())?.hash()));
        }
        let mut doc = AutoCommit::new().with_actor(actor(4));
        let notes = doc.put_object(ROOT, "notes", ObjType::Text)?;
        doc.splice_text(&notes, 0, 0, &"Rencontrée au marché. ".repeat(20))?;
        doc.commit();
        let deflated = doc.get_last_local_change().ok_or("a change")?.bytes().into_owned();
        assert_eq!(deflated[8], 2, "a deflated change");
        assert_eq!(change_hash(&deflated), None);
        assert_eq!(
            pack_item(std::slice::from_ref(&deflated)),
            vec![Value::Bytes(deflated.clone())]
        );
        assert_eq!(change_hash(b"garbage, not a change"), None);
        Ok(())
    }

    #[test]
    fn a_change_packed_again_from_the_cache_is_the_same() -> TestResult {
        let changes = history()?;
        let first = pack_item(&changes);
        let again = pack_item(&changes);
        assert_eq!(first, again);
        let hash = Change::from_bytes(changes[0].clone())?.hash();
        let cached = cache().lock().map_err(|e| e.to_string())?.packed.contains_key(&hash);
        assert!(cached, "the packed form is kept");
        Ok(())
    }

    #[test]
    fn a_packed_change_altered_on_the_way_fails_its_checksum() -> TestResult {
        let changes = history()?;
        let mut data = pack_item(&changes);
        let Value::Array(fields) = &mut data[0] else {
            panic!("packed")
        };
        fields[4] = Value::Integer(12_345.into()); // another time
        let error = unpack_item(&data, &none).err().ok_or("accepted")?;
        assert!(error.to_string().contains("checksum"), "{error}");
        Ok(())
    }

    #[test]
    fn the_rebuilt_changes_make_the_same_document() -> TestResult {
        let changes = history()?;
        let mut doc = automerge::Automerge::new();
        for bytes in unpack_item(&pack_item(&changes), &none)? {
            doc.apply_changes([Change::from_bytes(bytes)?])?;
        }
        assert_eq!(
            doc.get(ROOT, "city")?.map(|(v, _)| v.to_string()),
            Some("\"Bron\"".into())
        );
        Ok(())
    }

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| Value::Integer(n.into())),
            any::<u64>().prop_map(|n| Value::Integer(n.into())),
            ".{0,8}".prop_map(Value::Text),
            proptest::collection::vec(any::<u8>(), 0..40).prop_map(Value::Bytes),
        ];
        leaf.prop_recursive(4, 64, 10, |inner| {
            proptest::collection::vec(inner, 0..12).prop_map(Value::Array)
        })
    }

    proptest! {
        /// Whatever an answer holds where a packed change should be, reading
        /// it ends in a change or an error, never a panic.
        #[test]
        fn any_value_in_place_of_a_packed_change_is_an_error_not_a_panic(values in proptest::collection::vec(value(), 1..4)) {
            let _ = unpack_item(&values, &none);
        }

        /// A real packed change with one field replaced: rebuilt exactly or refused.
        #[test]
        fn a_packed_change_with_any_field_replaced_is_rebuilt_or_refused(field in 0usize..10, replacement in value()) {
            let changes = history().map_err(|e| TestCaseError::fail(e.to_string()))?;
            let mut data = pack_item(&changes[..1]);
            if let Value::Array(fields) = &mut data[0] {
                if field < fields.len() { fields[field] = replacement; } else { fields.push(replacement); }
            }
            if let Ok(rebuilt) = unpack_item(&data, &none) {
                prop_assert_eq!(rebuilt, changes[..1].to_vec());
            }
        }
    }
}
