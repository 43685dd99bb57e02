// automerge-repo's agency as written by `clients/automerge.mjs --seed-out`
// and imported by its server and by each device, with the same ids, so that
// all hold the same documents at the same heads.

import { readFileSync, writeFileSync } from "node:fs";
import { deserialize, serialize } from "node:v8";
import { free, from } from "@automerge/automerge";

/**
 * A process that will hold more documents than this reserves Automerge's
 * WebAssembly memory for them first (`reserveWasmMemory`).
 */
export const RESERVE_ABOVE = 50_000;
/** WebAssembly memory reserved per document: a record took about 25 KB in tries with 100,000 (bytes). */
const RESERVE_PER_DOCUMENT = 32 * 1024;
/** WebAssembly memory is at most 4 GiB; what is reserved stays below it, with room for the rest (bytes). */
const RESERVE_MOST = 3.2e9;
/** The reserve is taken in documents of this size (bytes): one allocation of Automerge's may not pass 2 GiB. */
const RESERVE_STEP = 100e6;

/** Automerge's WebAssembly memory (bytes): Node counts it as external memory that is no ArrayBuffer of JavaScript's. */
export function wasmMemory() {
  const { external, arrayBuffers } = process.memoryUsage();
  return external - arrayBuffers;
}

/**
 * Grow Automerge's WebAssembly memory once, for `documents` documents, when
 * there are more than RESERVE_ABOVE: documents of large byte values are
 * made and freed, and the memory they took stays with the module's
 * allocator for the documents that follow.
 *
 * Without it, Node spends most of its time collecting garbage: each time
 * the module's memory grows (a few pages at a time), V8 counts the whole
 * memory again as new external memory and starts a full collection of the
 * JavaScript heap ("external memory pressure" in `--trace-gc`). Importing
 * documents into a repo went from 1.2 ms a document to 8 ms after the first
 * 2,000 and kept slowing (40,000 after 28 minutes on the server); with the
 * memory reserved it stays at 1.1 to 1.9 ms a document up to 100,000. It
 * changes no byte or message, only how much work V8 does, and the memory
 * it reserves is resident from then on (counted in the server's peak RSS).
 */
export function reserveWasmMemory(documents, { above = RESERVE_ABOVE, perDocument = RESERVE_PER_DOCUMENT } = {}) {
  if (documents <= above) return 0;
  const wanted = Math.min(RESERVE_MOST, documents * perDocument);
  const start = wasmMemory();
  const blob = new Uint8Array(RESERVE_STEP);
  const held = [];
  while (wasmMemory() - start < wanted) held.push(from({ blob }));
  for (const doc of held) free(doc);
  return wasmMemory() - start;
}

/** Whether two lists of heads name the same changes. */
export const sameHeads = (a, b) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

/** Write `seed` to `file`. */
export const writeSeed = (file, seed) => writeFileSync(file, serialize(seed));

/** The seed in `file`: `{ index, records: [{ key, documentId, binary, heads }] }`. */
export const readSeed = (file) => deserialize(readFileSync(file));

/** Import one seeded document into `repo` (held by `who`); fails unless it has the seed's heads. */
export function importSeeded(repo, doc, who) {
  const handle = repo.import(doc.binary, { docId: doc.documentId });
  if (!handle.isReady() || !sameHeads(handle.heads(), doc.heads)) {
    throw new Error(`${who} imported ${doc.documentId} at other heads than the seed's`);
  }
  return handle;
}
