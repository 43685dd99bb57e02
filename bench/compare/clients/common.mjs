// What every peer client shares: reading a workload file, the handshake
// that lets the runner measure the server around the measured phase only,
// checking the expectations, and printing the result.

import { createReadStream } from "node:fs";
import readline from "node:readline";

/** The workload file (generate.mjs), read whole. */
export async function readWorkload(path) {
  const workload = { header: null, base: [], ops: [], expects: [] };
  const lines = readline.createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const item = JSON.parse(line);
    if (item.kind === "header") workload.header = item;
    else if (item.kind === "base") workload.base.push(item.record);
    else if (item.kind === "op") workload.ops.push(item);
    else if (item.kind === "expect") workload.expects.push(item);
  }
  if (!workload.header) throw new Error(`${path}: no header`);
  workload.devices = workload.header.users.length;
  workload.opsOf = (device) => workload.ops.filter((op) => op.device === device);
  return workload;
}

/** `--name value` pairs. */
export function options() {
  const out = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith("--")) out[argv[i].slice(2)] = argv[i + 1];
  }
  return out;
}

let stdinLines = null;
let stdinClosed = false;
/** Tell the runner a measured phase starts or ends (stderr) and wait for its go (a line on stdin, or its end). */
export async function measure(marker) {
  if (!stdinLines) {
    stdinLines = readline.createInterface({ input: process.stdin });
    stdinLines.on("close", () => {
      stdinClosed = true;
    });
  }
  const go = new Promise((resolve) => {
    if (stdinClosed) return resolve();
    const done = () => {
      stdinLines.off("line", done);
      stdinLines.off("close", done);
      resolve();
    };
    stdinLines.on("line", done);
    stdinLines.on("close", done);
  });
  process.stderr.write(`@@measure ${marker}\n`);
  await go;
}

/**
 * Check a replica against the expectations. `read(id)` gives a record as a
 * plain object (or undefined); `count` is how many documents it holds.
 */
export function check(expects, read, count) {
  const result = { edits_checked: 0, lost_edits: 0, marks_checked: 0, lost_marks: 0, documents_expected: 0 };
  for (const e of expects) {
    if (e.what === "field") {
      result.edits_checked += 1;
      const value = read(e.id)?.[e.field];
      if (!e.values.includes(String(value))) result.lost_edits += 1;
    } else if (e.what === "mark") {
      result.marks_checked += 1;
      const status = read(e.session)?.attendance?.[e.contact]?.status;
      if (!e.values.includes(String(status))) result.lost_marks += 1;
    } else if (e.what === "documents") {
      result.documents_expected = e.count;
    }
  }
  result.documents = count;
  return result;
}

/** Print the result as JSON. Whether a peer lost data is a finding, not a failure of the client. */
export function finish(result) {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`, () => process.exit(0));
}

/** Run `task` on every item, at most `limit` at once. */
export async function inParallel(items, limit, task) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
