// A minimal automerge-repo sync server, as automerge-repo's own sync server
// is built: a Repo with a WebSocket server adapter and file storage, which
// answers what clients ask and announces nothing itself.
//
//   node servers/automerge.mjs PORT DATA_DIR [SEED]     prints "ready PORT" when it listens
//
// SEED (written by `clients/automerge.mjs --seed-out`) holds the agency a
// seeding device put on the server: every document is imported with its id
// and written to storage before the server listens, so the server holds
// them in memory and on disk at the seed's heads, as after that device's
// sync.

import { Repo } from "@automerge/automerge-repo";
import { NodeWSServerAdapter } from "@automerge/automerge-repo-network-websocket";
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs";
import { WebSocketServer } from "ws";
import { importSeeded, readSeed, reserveWasmMemory } from "../seed.mjs";

/**
 * Keep-alive: the server pings every client at this interval and cuts off one
 * that has not answered the previous ping. automerge-repo's default, 5 s,
 * cuts off a device on the 2G profile (W3): its answer waits behind up to
 * half a minute of its own upload, and the device then reconnects and
 * announces every document again, without end. A minute lets it through.
 */
const KEEP_ALIVE_MS = 60_000;
/**
 * automerge-repo leaves some of its own waits unhandled (`DocHandle.whenReady`
 * rejects after 60 s): on 2026-11-30, with the machine loaded, one rejected
 * during W1's setup and Node ended the server. A sync server keeps serving
 * its other clients; the rejection is logged (in the run's log) instead.
 */
process.on("unhandledRejection", (error) => {
  console.error(`automerge-repo server: unhandled rejection: ${error instanceof Error ? error.message : String(error)}`);
});

const [port, dir, seedFile] = [Number(process.argv[2] ?? 0), process.argv[3] ?? "automerge-data", process.argv[4]];
const repo = new Repo({
  network: [],
  storage: new NodeFSStorageAdapter(dir),
  peerId: "sync-server",
  sharePolicy: async () => false,
});

/**
 * Documents written to storage at once while seeding: `repo.flush()` opens a
 * file for each document it is given, all at once, which at 20,000 documents
 * passed the process's limit of open files.
 */
const FLUSH_CHUNK = 1_000;

if (seedFile) {
  const seed = readSeed(seedFile);
  const docs = [seed.index, ...seed.records];
  const reserved = reserveWasmMemory(docs.length);
  if (reserved > 0) console.error(`server reserved ${Math.round(reserved / 2 ** 20)} MiB of WebAssembly memory for ${docs.length} documents`);
  for (let start = 0; start < docs.length; start += FLUSH_CHUNK) {
    const chunk = docs.slice(start, start + FLUSH_CHUNK);
    for (const doc of chunk) importSeeded(repo, doc, "the server");
    await repo.flush(chunk.map((doc) => doc.documentId));
  }
  console.error(`server holds ${docs.length} seeded documents`);
}

const wss = new WebSocketServer({ host: "127.0.0.1", port, maxPayload: 64 * 1024 * 1024 });
repo.networkSubsystem.addNetworkAdapter(new NodeWSServerAdapter(wss, KEEP_ALIVE_MS));
wss.on("listening", () => console.log(`ready ${wss.address().port}`));
