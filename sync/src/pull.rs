//! The pull feed: what a device lacks, one bounded page at a time.
//!
//! Two phases. A first sync (cursor 0) walks the agency's documents by position (`documents.pos`)
//! and sends each as a saved snapshot; it records the log's high-water mark at
//! its start as the cursor to continue from. Then (and for every later sync)
//! the feed is the agency's log rows above the cursor: changes grouped per
//! document, compaction snapshots, and erasure tombstones, skipping the rows
//! the device sent itself. A page stops at the byte budget; the cursor it
//! returns is the last row it covered, so a dropped connection resumes there.
//!
//! Items carry the bytes as stored: changes in their uncompressed encoding
//! (chunk type 1) and documents saved without DEFLATE
//! ([`crate::merge::save_for_store`]; rows written by older versions may still
//! be deflated, and Automerge loads both). The answer is gzipped as a whole,
//! which sees what repeats across documents. The budget therefore counts
//! these uncompressed bytes: what a device holds in memory for one page,
//! about four times what crosses the wire.

use std::collections::HashMap;

use rusqlite::{params, Connection};

use crate::device_auth::DeviceAuth;
use crate::error::StoreError;
use crate::protocol::{ItemKind, Pull, PullItem, PullPage, MAX_PULL_BUDGET, MIN_PULL_BUDGET};
use relais_schema::DocumentId;

/// Rows read from SQLite per query while filling a page.
const CHUNK: i64 = 512;

/// Compute the next page of the feed for `who` from `pull`.
pub fn pull_page(conn: &Connection, who: &DeviceAuth, pull: Pull) -> Result<PullPage, StoreError> {
    let budget = pull.budget.clamp(MIN_PULL_BUDGET, MAX_PULL_BUDGET) as usize;
    let mut page = PullPage {
        cursor: pull.cursor,
        packed: pull.pack,
        ..PullPage::default()
    };
    let mut used = 0usize;

    let snapshot_from = match (pull.cursor, pull.snapshot) {
        (_, Some(position)) => Some(position),
        (0, None) => {
            page.cursor = high_water_mark(conn, who)?;
            Some(0)
        }
        _ => None,
    };
    if let Some(position) = snapshot_from {
        let (next, done) = snapshots(conn, who, position, budget, &mut used, &mut page.items)?;
        if !done {
            page.snapshot = Some(next);
            page.more = true;
            return Ok(page);
        }
    }
    page.more = changes(conn, who, budget, &mut used, &mut page)?;
    Ok(page)
}

fn high_water_mark(conn: &Connection, who: &DeviceAuth) -> Result<u64, StoreError> {
    let max: Option<i64> = conn.query_row(
        "SELECT MAX(seq) FROM log WHERE agency_id = ?1",
        [who.agency.to_string()],
        |r| r.get(0),
    )?;
    Ok(max.unwrap_or(0).max(0) as u64)
}

fn parse_type(text: &str) -> Option<relais_schema::RecordType> {
    text.parse().ok()
}

fn parse_id(text: &str) -> Result<DocumentId, StoreError> {
    text.parse()
        .map_err(|e: relais_schema::InvalidId| StoreError::Inconsistent(e.to_string()))
}

/// Snapshots of documents after `position`; returns the last position covered and
/// whether every document was sent.
fn snapshots(
    conn: &Connection,
    who: &DeviceAuth,
    mut position: u64,
    budget: usize,
    used: &mut usize,
    items: &mut Vec<PullItem>,
) -> Result<(u64, bool), StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT pos, id, doc_type, snapshot FROM documents WHERE agency_id = ?1 AND pos > ?2
         ORDER BY pos LIMIT ?3",
    )?;
    loop {
        let rows = stmt
            .query_map(params![who.agency.to_string(), position as i64, CHUNK], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Vec<u8>>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        if rows.is_empty() {
            return Ok((position, true));
        }
        for (rowid, id, doc_type, snapshot) in rows {
            if *used > 0 && *used + snapshot.len() > budget {
                return Ok((position, false));
            }
            *used += snapshot.len();
            items.push(PullItem {
                id: parse_id(&id)?,
                doc_type: parse_type(&doc_type),
                kind: ItemKind::Snapshot(snapshot),
            });
            position = rowid as u64;
        }
    }
}

/// Log rows after `page.cursor`; returns whether more remain.
fn changes(
    conn: &Connection,
    who: &DeviceAuth,
    budget: usize,
    used: &mut usize,
    page: &mut PullPage,
) -> Result<bool, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.seq, l.doc_id, l.kind, l.data, l.device_id, d.doc_type
         FROM log l LEFT JOIN documents d ON d.id = l.doc_id
         WHERE l.agency_id = ?1 AND l.seq > ?2 ORDER BY l.seq LIMIT ?3",
    )?;
    let device = who.device.to_string();
    // Index of each document's item in this page, so its changes stay together.
    let mut slots: HashMap<String, usize> = HashMap::new();
    loop {
        let rows = stmt
            .query_map(params![who.agency.to_string(), page.cursor as i64, CHUNK], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Vec<u8>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        if rows.is_empty() {
            return Ok(false);
        }
        for (seq, doc_id, kind, data, sender, doc_type) in rows {
            if sender.as_deref() == Some(device.as_str()) {
                page.cursor = seq as u64;
                continue;
            }
            if *used > 0 && *used + data.len() > budget {
                return Ok(true);
            }
            *used += data.len();
            page.cursor = seq as u64;
            let id = parse_id(&doc_id)?;
            let doc_type = doc_type.as_deref().and_then(parse_type);
            match kind.as_str() {
                "change" => match slots.get(&doc_id).map(|&i| &mut page.items[i].kind) {
                    Some(ItemKind::Changes(list)) => list.push(data),
                    _ => {
                        slots.insert(doc_id, page.items.len());
                        page.items.push(PullItem {
                            id,
                            doc_type,
                            kind: ItemKind::Changes(vec![data]),
                        });
                    }
                },
                "snapshot" => {
                    slots.remove(&doc_id);
                    page.items.push(PullItem {
                        id,
                        doc_type,
                        kind: ItemKind::Snapshot(data),
                    });
                }
                "erase" => {
                    slots.remove(&doc_id);
                    page.items.push(PullItem {
                        id,
                        doc_type: None,
                        kind: ItemKind::Erased,
                    });
                }
                other => return Err(StoreError::Inconsistent(format!("log row {seq} has kind {other:?}"))),
            }
        }
    }
}
