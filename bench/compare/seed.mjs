// automerge-repo's agency as written by `clients/automerge.mjs --seed-out`
// and imported by its server and by each device, with the same ids, so that
// all hold the same documents at the same heads.

import { readFileSync, writeFileSync } from "node:fs";
import { deserialize, serialize } from "node:v8";

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
