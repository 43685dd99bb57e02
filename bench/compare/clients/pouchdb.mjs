// PouchDB devices replicating with a CouchDB-compatible server.
//
//   node clients/pouchdb.mjs --workload FILE --server URL --through URL,URL,...
//
// One database per agency; one in-memory PouchDB per device; a record is a
// JSON document whose _id is the record id. Setup goes to --server
// directly: the base records are written in bulk, and devices replicate them
// (unless the workload measures a device joining). Each device then applies
// its operations offline and syncs (push and pull, as PouchDB.sync does)
// through its own link, all at once, pass after pass until no device
// pushes. The server's winning revisions are then checked: every device
// must hold the same, every edit and mark must win, and documents left with
// `_conflicts` are data a person must sort out by hand.

import http from "node:http";
import PouchDB from "pouchdb-core";
import memory from "pouchdb-adapter-memory";
import httpAdapter from "pouchdb-adapter-http";
import replication from "pouchdb-replication";
import { check, finish, inParallel, measure, options, readWorkload } from "./common.mjs";

const Pouch = PouchDB.plugin(memory).plugin(httpAdapter).plugin(replication);
const DATABASE = "agency";
/** Passes after which a fleet still pushing is a bug. */
const MAX_PASSES = 50;
/** Documents per request while setting up (not measured). */
const SETUP_BATCH = 1000;

const opts = options();
const workload = await readWorkload(opts.workload);
const server = opts.server.replace(/\/$/, "");
const links = (opts.through ?? server).split(",").map((l) => l.trim().replace(/\/$/, ""));
const devices = workload.devices;

/**
 * A remote database whose requests are counted into `counter`. Connections
 * are kept alive, at most 6 at once, as a browser does for one host.
 */
function remote(base, counter) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 6 });
  return new Pouch(`${base}/${DATABASE}`, {
    fetch: (url, init) => {
      counter.requests += 1;
      return Pouch.fetch(url, { ...init, agent });
    },
  });
}

const setupCounter = { requests: 0 };
const direct = remote(server, setupCounter);
await direct.info();
for (let i = 0; i < workload.base.length; i += SETUP_BATCH) {
  const docs = workload.base.slice(i, i + SETUP_BATCH).map((r) => ({ ...r, _id: r.id }));
  await direct.bulkDocs(docs);
}

const joining = workload.ops.length === 0;
const phones = Array.from({ length: devices }, (_, i) => ({
  db: new Pouch(`device-${i}`, { adapter: "memory" }),
  counter: { requests: 0 },
}));
// Each device replicates through its own link from the start: PouchDB keys
// its checkpoints by the remote's address, so the measured sync then starts
// from warm checkpoints, as on a phone that has synced before. The runner
// resets the link's counters when the measured phase starts.
phones.forEach((phone, i) => {
  phone.link = remote(links[i] ?? links[0], phone.counter);
});

/** Setup sync (not measured), resumed from its checkpoints when a large response is cut. */
async function loadAgency(phone) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await phone.db.sync(phone.link, { batch_size: SETUP_BATCH / 2 });
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}
if (!joining) {
  await inParallel(phones, 2, loadAgency);
}

// Offline work.
for (const [index, phone] of phones.entries()) {
  for (const op of workload.opsOf(index)) {
    if (op.op === "create") {
      await phone.db.put({ ...op.record, _id: op.record.id });
    } else if (op.op === "edit") {
      const doc = await phone.db.get(op.id);
      await phone.db.put({ ...doc, ...op.fields });
    } else if (op.op === "mark") {
      const doc = await phone.db.get(op.session);
      doc.attendance = { ...doc.attendance, [op.contact]: { status: op.status, by: op.by, at: op.at } };
      await phone.db.put(doc);
    }
  }
}

// Every device syncs through its link, all at once, until nobody pushes.
for (const phone of phones) phone.counter.requests = 0;
await measure("start");
const started = performance.now();
let passes = 0;
for (;;) {
  if (passes === MAX_PASSES) throw new Error(`still pushing after ${MAX_PASSES} passes`);
  passes += 1;
  const outcomes = await Promise.all(phones.map((phone) => phone.db.sync(phone.link)));
  const pushed = outcomes.reduce((sum, o) => sum + (o.push?.docs_written ?? 0), 0);
  // A lone device has nobody's changes to fetch: one pass is its whole sync.
  if (pushed === 0 || joining || devices === 1) break;
}
const seconds = (performance.now() - started) / 1000;
await measure("end");

// The server's winners against every device and the expectations.
const all = await direct.allDocs({ include_docs: true, conflicts: true });
const docs = new Map(all.rows.map((row) => [row.id, row.doc]));
const conflictsLeft = all.rows.filter((row) => row.doc._conflicts?.length > 0).length;
let differingDevices = 0;
let firstDifference = null;
for (const [index, phone] of phones.entries()) {
  const mine = await phone.db.allDocs();
  const revs = new Map(mine.rows.map((row) => [row.id, row.value.rev]));
  let differs = revs.size !== docs.size;
  for (const [id, doc] of docs) {
    if (revs.get(id) !== doc._rev) {
      differs = true;
      firstDifference ??= `device ${index} holds ${id} at ${revs.get(id)} where the server has ${doc._rev}`;
    }
  }
  if (differs) differingDevices += 1;
}
const checked = check(workload.expects, (id) => docs.get(id), docs.size);
const requests = phones.reduce((sum, p) => sum + p.counter.requests, 0);
finish({
  system: "pouchdb",
  workload: workload.header.workload,
  devices,
  documents: docs.size,
  documents_expected: checked.documents_expected,
  seconds,
  requests,
  round_trips_max: Math.max(...phones.map((p) => p.counter.requests)),
  passes,
  edits_checked: checked.edits_checked,
  lost_edits: checked.lost_edits,
  marks_checked: checked.marks_checked,
  lost_marks: checked.lost_marks,
  conflicts_left: conflictsLeft,
  differing_devices: differingDevices,
  first_difference: firstDifference,
  correct:
    differingDevices === 0 &&
    checked.lost_edits === 0 &&
    checked.lost_marks === 0 &&
    conflictsLeft === 0 &&
    docs.size === checked.documents_expected,
});
