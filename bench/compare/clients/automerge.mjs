// automerge-repo devices syncing with an automerge-repo sync server over WebSocket.
//
//   node clients/automerge.mjs --workload FILE --seed-out SEED      the agency, before the server starts
//   node clients/automerge.mjs --workload FILE --seed SEED --server ws://… --through ws://…,ws://…
//
// One Automerge document per record, and one index document for the agency
// (record id -> document URL) through which devices discover records.
// Scalars are ImmutableString (ids, enums, dates, phones), `skills`, `notes`
// and a follow-up's `note` are Text, `reached` and `women_reached` are
// Counters: the layout of docs/records.md.
//
// Setup is not measured. The seeding device creates the base records and
// writes them to SEED (`--seed-out`); the server imports SEED before it
// listens (servers/automerge.mjs). Each device is a process of its own
// (`--worker I`, started and asked over IPC by this script), which imports
// SEED too, unless the workload measures a device joining, and syncs it
// twice with the server: it then holds the documents the server holds, with
// the same ids and heads and a sync state on both sides, as a phone that
// synced before. Each device applies its operations offline and reconnects
// through its own link; the phase ends when every device holds every record
// of the index at the same heads and the server acknowledged them. A fresh
// repo then loads the server's copy to compare and to check the
// expectations.
//
// A device loads the records it does not hold (a device joining, and that
// fresh repo) with at most FINDS_IN_FLIGHT `repo.find` calls at once, and
// waits again for a record whose find failed (automerge-repo gives up on a
// document after 60 s without an answer), up to FIND_ATTEMPTS times; then
// the client fails.

import { fork } from "node:child_process";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Repo, encodeHeads, generateAutomergeUrl, parseAutomergeUrl, stringifyAutomergeUrl } from "@automerge/automerge-repo";
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";
import { Counter, ImmutableString, change, free, from, getHeads, save } from "@automerge/automerge";
import { check, finish, inParallel, measure, options, readWorkload } from "./common.mjs";
import { importSeeded, readSeed, reserveWasmMemory, sameHeads, writeSeed } from "../seed.mjs";

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
/** Quiet time after which a setup sync counts as done when the server did not answer every document (ms). */
const SETTLE_MS = 3_000;
/** Passes (all devices reconnecting) before the client fails. */
const MAX_PASSES = 5;
/** The first failure of any device; every wait stops on it. */
let failure = null;

// The runner keeps the end of stderr: make the reason of a failure its last line.
process.on("uncaughtException", (error) => {
  process.stderr.write(`${error.stack}\nautomerge-repo client failed: ${error.message}\n`, () => process.exit(1));
});
process.on("unhandledRejection", (error) => {
  // automerge-repo's own wait for a document it synchronises gives up after
  // 60 s without an answer and rejects a promise nobody holds; a browser only
  // logs that. The document stays in the repo and the wait for it in
  // `follow` goes on (up to FIND_ATTEMPTS), so it is noted, not fatal.
  if (error?.name === "TimeoutError") {
    process.stderr.write(`automerge-repo gave up waiting for a document (${error.message}); the client waits on\n`);
    return;
  }
  process.stderr.write(`${error?.stack ?? error}\nautomerge-repo client failed: ${error?.message ?? error}\n`, () => process.exit(1));
});

const opts = options();
const workload = await readWorkload(opts.workload);
const server = opts.server;
const links = (opts.through ?? server ?? "").split(",").map((l) => l.trim());
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
  // The adapter throws (in Node) on any socket error but a refused connection,
  // which ends the process; in a browser, as on a phone, it only retries.
  // Here it retries too: the error is noted and the socket's close follows.
  adapter.onError = (event) => {
    process.stderr.write(`${phone.name}: link error (${event.error?.message ?? event.message ?? "unknown"}); the adapter retries\n`);
  };
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
  // Closing a socket still opening (the adapter retries every 5 s while a
  // busy server has not accepted it) makes ws report an error after the
  // adapter removed its listener; that error is expected here.
  phone.adapter.socket?.on("error", () => {});
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

// Setup, first step (`--seed-out FILE`, run before the server starts): the
// seeding device creates the agency (the index and the base records) and
// writes every document's id, saved binary and heads to FILE, which the
// server imports before it listens (servers/automerge.mjs).
if (opts["seed-out"]) {
  // What `Repo.create` makes (a document from the value, `Automerge.from`,
  // under a fresh document id), without a repo, each document saved and freed
  // at once: a repo holding every record it created, or 20,000 documents kept
  // alive, left the process collecting garbage most of its time, and seeding
  // 20,000 records took longer than the run itself.
  const saved = (documentId, doc) => {
    const seeded = { documentId, binary: save(doc), heads: encodeHeads(getHeads(doc)) };
    free(doc);
    return seeded;
  };
  const newDocumentId = () => parseAutomergeUrl(generateAutomergeUrl()).documentId;
  const records = workload.base.map((record) => ({ key: record.id, ...saved(newDocumentId(), from(toAutomerge(record))) }));
  const indexId = newDocumentId();
  const index = change(from({ type: new ImmutableString("index"), agency_id: new ImmutableString(workload.header.agency), records: {} }), (d) => {
    for (const { key, documentId } of records) d.records[key] = new ImmutableString(stringifyAutomergeUrl({ documentId }));
  });
  writeSeed(opts["seed-out"], { index: saved(indexId, index), records });
  process.stderr.write(`seeded ${records.length + 1} documents\n`);
  process.exit(0);
}

// Setup, second step: the server holds the seed. Each device runs in a
// process of its own (a worker, `--worker I`: a phone is one process; 30
// repos in one Node process grew slower with every repo added), imports the
// same documents (same ids, same binaries, so the same heads as the
// server's) instead of loading them over the network (not measured, and
// minutes per device), then syncs twice directly with the server and
// disconnects. That is the state of a phone that synced before: the
// agency's documents at the server's heads, and on both sides a sync state
// that knows it. (After one sync of documents both sides already held, the
// server still answers every document at the next connection; after a
// second it answers none, as after loading the documents over the network.)
// A device joining imports nothing.
const seed = readSeed(opts.seed);
const indexUrl = stringifyAutomergeUrl({ documentId: seed.index.documentId });
const joining = workload.ops.length === 0;
const expectedDocuments = workload.expects.find((e) => e.what === "documents")?.count ?? 0;
const holdsAll = (phone) =>
  phone.handles.size >= expectedDocuments && [...phone.handles.values()].every((h) => h && h.isReady());

/** Reserve WebAssembly memory for every document of the agency (seed.mjs, `reserveWasmMemory`). */
function reserve(who) {
  const reserved = reserveWasmMemory(expectedDocuments);
  if (reserved > 0) process.stderr.write(`${who} reserved ${Math.round(reserved / 2 ** 20)} MiB of WebAssembly memory for ${expectedDocuments} documents\n`);
}

if (opts.worker !== undefined) await worker(Number(opts.worker));
else await orchestrate();

/** One device in this process, driven by the orchestrator's requests over IPC. */
async function worker(i) {
  const phone = device(`device-${i}`);
  const link = links[i] ?? links[0];
  const imported = (doc) => importSeeded(phone.repo, doc, phone.name);
  /**
   * Connect directly to the server and disconnect once it holds `handles`
   * at this device's heads (`first`), or, at a later sync, once it answered
   * every one of them or, everything sent, said nothing for SETTLE_MS (it
   * answers no document whose state it already shares).
   */
  const syncOnce = async (handles, first) => {
    const answered = new Set();
    let lastMessageAt = performance.now();
    connect(phone, server);
    phone.adapter.on("message", (message) => {
      lastMessageAt = performance.now();
      if (message.type === "sync") answered.add(message.documentId);
    });
    await joined(phone);
    if (first) await serverHolds(phone, handles);
    else {
      await until(
        () =>
          handles.every((h) => answered.has(h.documentId)) ||
          (phone.adapter.socket.bufferedAmount === 0 && performance.now() - lastMessageAt > SETTLE_MS),
        `the server to answer ${phone.name}'s documents`,
      );
    }
    const socket = phone.adapter.socket;
    disconnect(phone);
    await until(() => socket.readyState === socket.CLOSED, `${phone.name}'s link to close`);
  };
  const all = () => [phone.index, ...phone.handles.values()];
  const requests = {
    async setUp() {
      reserve(phone.name);
      if (joining) return {};
      const loading = performance.now();
      phone.index = imported(seed.index);
      for (const doc of seed.records) phone.handles.set(doc.key, imported(doc));
      follow(phone, phone.index);
      const importedAt = performance.now();
      await syncOnce(all(), true);
      await syncOnce(all(), false);
      process.stderr.write(
        `${phone.name} imported ${phone.handles.size} records in ${((importedAt - loading) / 1000).toFixed(1)} s, ` +
          `synced them twice with the server in ${((performance.now() - importedAt) / 1000).toFixed(1)} s\n`,
      );
      workOffline(phone, i);
      phone.counter = { sent: 0, received: 0 };
      return {};
    },
    async connect() {
      connect(phone, link);
      if (joining) {
        await joined(phone);
        phone.index = await phone.repo.find(indexUrl);
        follow(phone, phone.index);
      }
      return {};
    },
    /** Whether it holds everything, and if so a digest of every document's heads; and its message count. */
    async state() {
      const traffic = phone.counter.sent + phone.counter.received;
      if (!phone.index || !holdsAll(phone)) return { holdsAll: false, traffic };
      const digest = createHash("sha256");
      for (const key of [...phone.handles.keys()].sort()) digest.update(`${key}:${[...phone.handles.get(key).heads()].sort().join()};`);
      digest.update(`index:${[...phone.index.heads()].sort().join()}`);
      return { holdsAll: true, digest: digest.digest("hex"), traffic };
    },
    async reconnect() {
      await reconnect(phone, link);
      return {};
    },
    async acknowledged() {
      await serverHolds(phone, all());
      return {};
    },
    async finish() {
      disconnect(phone);
      const heads = Object.fromEntries([...phone.handles].map(([key, handle]) => [key, handle.heads()]));
      return { heads, sent: phone.counter.sent, received: phone.counter.received };
    },
  };
  process.on("disconnect", () => process.exit(1));
  process.on("message", async ({ id, request }) => {
    const answer = await requests[request]();
    process.send({ id, ...answer }, () => request === "finish" && process.exit(0));
  });
  process.send({ ready: true });
}

/** What device `i` does offline: creates, edits and marks, and the new records in its index. */
function workOffline(phone, i) {
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

/** A worker process per device, asked over IPC; a worker that fails fails the client. */
function startWorker(i) {
  const child = fork(fileURLToPath(import.meta.url), [...process.argv.slice(2), "--worker", String(i)], {
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const pending = new Map();
  let next = 0;
  let finished = false;
  const ready = new Promise((resolve, reject) => {
    child.on("message", (message) => {
      if (message.ready) return resolve();
      pending.get(message.id)?.(message);
      pending.delete(message.id);
    });
    child.on("exit", (code) => {
      if (finished) return;
      failure ??= new Error(`device-${i}'s process ended (${code}) before the run did`);
      reject(failure);
    });
  });
  const ask = async (request) => {
    const id = next++;
    const answer = new Promise((resolve) => pending.set(id, resolve));
    if (request === "finish") finished = true;
    child.send({ id, request });
    let result;
    answer.then((r) => (result = r));
    await until(() => result !== undefined, `device-${i} to answer ${request}`);
    return result;
  };
  return { ready, ask };
}

async function orchestrate() {
  const workers = Array.from({ length: devices }, (_, i) => startWorker(i));
  await Promise.all(workers.map((w) => w.ready));
  // Two devices set up at a time (two cores); the server answers each in turn.
  await inParallel(workers, 2, (w) => w.ask("setUp"));

  // Every device reconnects through its link; done when all hold the same.
  await measure("start");
  const started = performance.now();
  await Promise.all(workers.map((w) => w.ask("connect")));
  let passes = 1;
  let lastTraffic = -1;
  let lastMessageAt = performance.now();
  await until(async () => {
    const states = await Promise.all(workers.map((w) => w.ask("state")));
    if (states.every((s) => s.holdsAll && s.digest === states[0].digest)) return true;
    const traffic = states.reduce((sum, s) => sum + s.traffic, 0);
    const now = performance.now();
    if (traffic !== lastTraffic) {
      lastTraffic = traffic;
      lastMessageAt = now;
    }
    if (now - lastMessageAt <= QUIET_MS) return false;
    if (passes === MAX_PASSES) throw new Error(`the devices still differ after ${MAX_PASSES} passes`);
    passes += 1;
    process.stderr.write(`no message for ${QUIET_MS / 1000} s and the devices differ: pass ${passes}, every device reconnects\n`);
    await Promise.all(workers.map((w) => w.ask("reconnect")));
    lastMessageAt = performance.now();
    return false;
  }, "the devices to converge");
  // The last device's changes reach the server before the devices hear of them; wait for its acknowledgements too.
  await Promise.all(workers.map((w) => w.ask("acknowledged")));
  const seconds = (performance.now() - started) / 1000;
  await measure("end");
  const finals = await Promise.all(workers.map((w) => w.ask("finish")));

  // The server's copy, through a fresh device.
  reserve("checker");
  const checker = device("checker");
  connect(checker, server);
  await joined(checker);
  checker.index = await checker.repo.find(indexUrl);
  follow(checker, checker.index);
  await until(() => holdsAll(checker), "the server's copy");
  let differingDevices = 0;
  let firstDifference = null;
  for (const [i, final] of finals.entries()) {
    let differs = Object.keys(final.heads).length !== checker.handles.size;
    for (const [key, handle] of checker.handles) {
      const mine = final.heads[key];
      if (!mine || !sameHeads(mine, handle.heads())) {
        differs = true;
        firstDifference ??= `device ${i} holds ${key} at other heads than the server`;
      }
    }
    if (differs) differingDevices += 1;
  }
  const docs = new Map([...checker.handles].map(([key, handle]) => [key, plain(handle.doc())]));
  const checked = check(workload.expects, (id) => docs.get(id), docs.size);
  const sent = finals.reduce((sum, f) => sum + f.sent, 0);
  const received = finals.reduce((sum, f) => sum + f.received, 0);
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
}
