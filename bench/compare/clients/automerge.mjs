// automerge-repo devices syncing with an automerge-repo sync server over WebSocket.
//
//   node clients/automerge.mjs --workload FILE --server ws://… --through ws://…,ws://…
//
// One Automerge document per record, and one index document for the agency
// (record id -> document URL) through which devices discover records.
// Scalars are ImmutableString (ids, enums, dates, phones), `skills`, `notes`
// and a follow-up's `note` are Text, `reached` and `women_reached` are
// Counters: the layout of docs/records.md. Setup goes to --server directly:
// a seeding repo creates the base records and waits until the server holds
// them; devices load every record (unless the workload measures a device
// joining). Each device then disconnects, applies its operations, and
// reconnects through its own link; the phase ends when every device holds
// every record of the index at the same heads. A fresh repo then loads the
// server's copy to compare and to check the expectations.
//
// A device loads the records it does not hold with at most FINDS_IN_FLIGHT
// `repo.find` calls at once, and waits again for a record whose find failed
// (automerge-repo gives up on a document after 60 s without an answer), up
// to FIND_ATTEMPTS times; then the client fails. During setup the devices
// load the agency one after another, each disconnecting once it holds
// everything; in the measured phase they all reconnect at once.

import { Repo, parseAutomergeUrl } from "@automerge/automerge-repo";
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";
import { Counter, ImmutableString } from "@automerge/automerge";
import { check, finish, measure, options, readWorkload } from "./common.mjs";

const TEXT_FIELDS = new Set(["skills", "notes", "note"]);
const COUNTERS = new Set(["reached", "women_reached"]);
/** How long a phase may take before the run is declared stuck (ms). */
const PHASE_LIMIT_MS = Number(process.env.COMPARE_PHASE_LIMIT_MS ?? 30 * 60 * 1000);
const SERVER_PEER = "sync-server";
/** `repo.find` calls a device keeps waiting at once. */
const FINDS_IN_FLIGHT = 32;
/** How often a device asks for one record before the client fails. */
const FIND_ATTEMPTS = 5;
/**
 * Time without a message to or from any device after which an unconverged
 * measured phase counts as stalled (ms): automerge-repo sends a document's
 * changes again only when something changes or a peer reconnects, and now
 * and then a device misses a change of a document edited by several
 * devices at once. The devices then reconnect (another pass), as a phone
 * would at its next sync.
 */
const QUIET_MS = 5_000;
/** Passes (all devices reconnecting) before the client fails. */
const MAX_PASSES = 5;
/** The first failure of any device; every wait stops on it. */
let failure = null;

// The runner keeps the end of stderr: make the reason of a failure its last line.
process.on("uncaughtException", (error) => {
  process.stderr.write(`${error.stack}\nautomerge-repo client failed: ${error.message}\n`, () => process.exit(1));
});
process.on("unhandledRejection", (error) => {
  process.stderr.write(`${error?.stack ?? error}\nautomerge-repo client failed: ${error?.message ?? error}\n`, () => process.exit(1));
});

const opts = options();
const workload = await readWorkload(opts.workload);
const server = opts.server;
const links = (opts.through ?? server).split(",").map((l) => l.trim());
const devices = workload.devices;

/** A record (JSON of docs/records.md) as Automerge values. */
function toAutomerge(value, key) {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "string") return TEXT_FIELDS.has(key) ? value : new ImmutableString(value);
  if (typeof value === "number") return COUNTERS.has(key) ? new Counter(value) : value;
  if (Array.isArray(value)) return value.map((item) => toAutomerge(item, key));
  if (typeof value === "object") {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      const converted = toAutomerge(v, k);
      if (converted !== undefined) out[k] = converted;
    }
    return out;
  }
  return value;
}

/** An Automerge document as plain JSON. */
function plain(value) {
  if (value instanceof ImmutableString) return value.val;
  if (value instanceof Counter) return value.value;
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

/** Poll `condition` until it holds; fail after PHASE_LIMIT_MS. */
async function until(condition, what) {
  const deadline = performance.now() + PHASE_LIMIT_MS;
  while (!(await condition())) {
    if (failure) throw failure;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A repo without storage (an in-memory device), connected to `url`, counting messages. */
function device(name) {
  const repo = new Repo({ network: [], peerId: name, sharePolicy: async () => true });
  const counter = { sent: 0, received: 0 };
  return { name, repo, counter, adapter: null, handles: new Map() };
}

function connect(phone, url) {
  const adapter = new WebSocketClientAdapter(url);
  const send = adapter.send.bind(adapter);
  adapter.send = (message) => {
    phone.counter.sent += 1;
    send(message);
  };
  adapter.on("message", () => {
    phone.counter.received += 1;
  });
  phone.repo.networkSubsystem.addNetworkAdapter(adapter);
  phone.adapter = adapter;
}

/** Wait until the server answered `phone`'s join. */
const joined = (phone) => until(() => phone.repo.peers.includes(SERVER_PEER), "the server to answer the join");

function disconnect(phone) {
  if (!phone.adapter) return;
  phone.repo.networkSubsystem.removeNetworkAdapter(phone.adapter);
  phone.adapter = null;
}

/** Close `phone`'s link, wait until the socket is closed, and connect again through `url`. */
async function reconnect(phone, url) {
  const socket = phone.adapter?.socket;
  disconnect(phone);
  if (socket) await until(() => socket.readyState === socket.CLOSED, `${phone.name}'s link to close`);
  connect(phone, url);
  await joined(phone);
}

/** Wait until the server holds every handle of `phone` at its heads. */
async function serverHolds(phone, handles) {
  await until(() => phone.repo.getStorageIdOfPeer(SERVER_PEER) !== undefined, "the server's storage id");
  const storage = phone.repo.getStorageIdOfPeer(SERVER_PEER);
  await until(
    () =>
      handles.every((h) => {
        const remote = h.getSyncInfo(storage)?.lastHeads;
        return remote && sameHeads(remote, h.heads());
      }),
    "the server to hold the records",
  );
}

const sameHeads = (a, b) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

/**
 * Load every record the index names that `phone` does not hold yet, at most
 * FINDS_IN_FLIGHT at once. A find that fails leaves its handle in the repo,
 * unavailable, and the repo answers "unavailable" to any later find of it;
 * the handle still becomes ready when the server's answer arrives (or when
 * the server receives the record from another device and passes it on), so
 * the record is queued again and its handle waited for, up to FIND_ATTEMPTS
 * times in all.
 */
function follow(phone, index) {
  const queue = [];
  const attempts = new Map();
  let inFlight = 0;
  const load = (url) => {
    const waiting = phone.repo.handles[parseAutomergeUrl(url).documentId];
    return waiting && attempts.has(url) ? waiting.whenReady().then(() => waiting) : phone.repo.find(url);
  };
  const pump = () => {
    while (inFlight < FINDS_IN_FLIGHT && queue.length > 0 && !failure) {
      const [key, url] = queue.shift();
      inFlight += 1;
      load(url)
        .then(
          (handle) => phone.handles.set(key, handle),
          (error) => {
            const tried = (attempts.get(url) ?? 0) + 1;
            attempts.set(url, tried);
            if (tried >= FIND_ATTEMPTS) {
              failure ??= new Error(`${phone.name} could not load ${key} (${url}) after ${tried} attempts: ${error.message}`);
              return;
            }
            process.stderr.write(`${phone.name}: loading ${key} failed (${error.message}); waiting again\n`);
            queue.push([key, url]);
          },
        )
        .finally(() => {
          inFlight -= 1;
          pump();
        });
    }
  };
  const discover = () => {
    const records = index.doc()?.records ?? {};
    for (const [key, url] of Object.entries(records)) {
      if (phone.handles.has(key)) continue;
      phone.handles.set(key, null);
      queue.push([key, String(url)]);
    }
    pump();
  };
  index.on("change", discover);
  discover();
}

// Setup: the base records on the server.
const seeder = device("seeder");
connect(seeder, server);
const index = seeder.repo.create({ type: new ImmutableString("index"), agency_id: new ImmutableString(workload.header.agency), records: {} });
const seeded = [index];
const entries = {};
for (const record of workload.base) {
  const handle = seeder.repo.create(toAutomerge(record));
  entries[record.id] = handle.url;
  seeded.push(handle);
}
index.change((d) => {
  for (const [key, url] of Object.entries(entries)) d.records[key] = new ImmutableString(url);
});
await serverHolds(seeder, seeded);
const indexUrl = index.url;
disconnect(seeder);

// Devices, fully loaded unless joining is what is measured.
const joining = workload.ops.length === 0;
const phones = Array.from({ length: devices }, (_, i) => device(`device-${i}`));
const expectedDocuments = workload.expects.find((e) => e.what === "documents")?.count ?? 0;
const holdsAll = (phone) =>
  phone.handles.size >= expectedDocuments && [...phone.handles.values()].every((h) => h && h.isReady());
if (!joining) {
  for (const phone of phones) {
    const loading = performance.now();
    connect(phone, server);
    await joined(phone);
    phone.index = await phone.repo.find(indexUrl);
    follow(phone, phone.index);
    await until(() => phone.handles.size >= workload.base.length && [...phone.handles.values()].every((h) => h?.isReady()), `${phone.name} to load the agency`);
    disconnect(phone);
    process.stderr.write(`${phone.name} loaded ${phone.handles.size} records in ${((performance.now() - loading) / 1000).toFixed(1)} s\n`);
  }
}

// Offline work.
for (const [i, phone] of phones.entries()) {
  const created = {};
  for (const op of workload.opsOf(i)) {
    if (op.op === "create") {
      const handle = phone.repo.create(toAutomerge(op.record));
      phone.handles.set(op.record.id, handle);
      created[op.record.id] = handle.url;
    } else if (op.op === "edit") {
      phone.handles.get(op.id).change((d) => {
        for (const [field, value] of Object.entries(op.fields)) d[field] = new ImmutableString(value);
      });
    } else if (op.op === "mark") {
      phone.handles.get(op.session).change((d) => {
        d.attendance[op.contact] = toAutomerge({ status: op.status, by: op.by, at: op.at });
      });
    }
  }
  if (Object.keys(created).length > 0) {
    phone.index.change((d) => {
      for (const [key, url] of Object.entries(created)) d.records[key] = new ImmutableString(url);
    });
  }
}

// Every device reconnects through its link; done when all hold the same.
const converged = () => {
  if (!phones.every(holdsAll)) return false;
  const first = phones[0];
  for (const [key, handle] of first.handles) {
    const heads = handle.heads();
    for (const other of phones.slice(1)) {
      const mine = other.handles.get(key);
      if (!mine || !sameHeads(mine.heads(), heads)) return false;
    }
  }
  return phones.every((p) => sameHeads(p.index.heads(), first.index.heads()));
};
await measure("start");
const started = performance.now();
for (const [i, phone] of phones.entries()) {
  connect(phone, links[i] ?? links[0]);
  if (joining) {
    await joined(phone);
    phone.index = await phone.repo.find(indexUrl);
    follow(phone, phone.index);
  }
}
let passes = 1;
const traffic = () => phones.reduce((sum, p) => sum + p.counter.sent + p.counter.received, 0);
let lastTraffic = traffic();
let lastMessageAt = performance.now();
const stalled = () => {
  const now = performance.now();
  if (traffic() !== lastTraffic) {
    lastTraffic = traffic();
    lastMessageAt = now;
  }
  return now - lastMessageAt > QUIET_MS;
};
await until(async () => {
  if (converged()) return true;
  if (!stalled()) return false;
  if (passes === MAX_PASSES) throw new Error(`the devices still differ after ${MAX_PASSES} passes`);
  passes += 1;
  process.stderr.write(`no message for ${QUIET_MS / 1000} s and the devices differ: pass ${passes}, every device reconnects\n`);
  await Promise.all(phones.map((phone, i) => reconnect(phone, links[i] ?? links[0])));
  lastMessageAt = performance.now();
  return false;
}, "the devices to converge");
// The last device's changes reach the server before the devices hear of them; wait for its acknowledgements too.
for (const phone of phones) await serverHolds(phone, [phone.index, ...phone.handles.values()]);
const seconds = (performance.now() - started) / 1000;
await measure("end");

// The server's copy, through a fresh device.
phones.forEach(disconnect);
const checker = device("checker");
connect(checker, server);
await joined(checker);
checker.index = await checker.repo.find(indexUrl);
follow(checker, checker.index);
await until(() => holdsAll(checker), "the server's copy");
let differingDevices = 0;
let firstDifference = null;
for (const [i, phone] of phones.entries()) {
  let differs = phone.handles.size !== checker.handles.size;
  for (const [key, handle] of checker.handles) {
    const mine = phone.handles.get(key);
    if (!mine || !sameHeads(mine.heads(), handle.heads())) {
      differs = true;
      firstDifference ??= `device ${i} holds ${key} at other heads than the server`;
    }
  }
  if (differs) differingDevices += 1;
}
const docs = new Map([...checker.handles].map(([key, handle]) => [key, plain(handle.doc())]));
const checked = check(workload.expects, (id) => docs.get(id), docs.size);
const sent = phones.reduce((sum, p) => sum + p.counter.sent, 0);
const received = phones.reduce((sum, p) => sum + p.counter.received, 0);
finish({
  system: "automerge-repo",
  workload: workload.header.workload,
  devices,
  documents: docs.size,
  documents_expected: checked.documents_expected,
  seconds,
  requests: sent + received,
  messages_sent: sent,
  messages_received: received,
  round_trips_max: null,
  passes,
  edits_checked: checked.edits_checked,
  lost_edits: checked.lost_edits,
  marks_checked: checked.marks_checked,
  lost_marks: checked.lost_marks,
  differing_devices: differingDevices,
  first_difference: firstDifference,
  correct:
    differingDevices === 0 && checked.lost_edits === 0 && checked.lost_marks === 0 && docs.size === checked.documents_expected,
});
