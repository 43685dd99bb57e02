/**
 * Packed changes (docs/protocol.md, "Packed changes"): the server may send a
 * change one operation per row, which compresses far better over a page;
 * the app rebuilds the exact Automerge bytes with `encodeChange` and checks
 * them against the checksum that travels with it. The same rules as
 * `sync/src/pack.rs`.
 */
import { A } from "../automerge";
import { bytesToHex } from "../bytes";
import type { CborValue } from "./cbor";

/** Bytes of a dependency named by prefix (a change the device holds). */
export const DEP_PREFIX = 8;

const INSERT = 8;
const TEXT_RUN = 16;
const ACTIONS: Record<number, string> = { 0: "makeMap", 1: "set", 2: "makeList", 3: "del", 4: "makeText", 5: "inc", 6: "makeTable" };
const TAGS: Record<number, string> = { 1: "uint", 2: "counter", 3: "timestamp", 4: "float64" };

export class PackedChangeError extends Error {
  constructor(message: string) {
    super(`packed change: ${message}`);
    this.name = "PackedChangeError";
  }
}

/** One element of an item's `data`: a change's bytes, or a packed change. */
export type PullData = Uint8Array | CborValue[];

/** Whether an item carries packed changes. */
export function hasPacked(data: readonly PullData[]): boolean {
  return data.some((d) => !(d instanceof Uint8Array));
}

type Op = Parameters<typeof A.encodeChange>[0]["ops"][number];

function fail(message: string): never {
  throw new PackedChangeError(message);
}

function array(v: CborValue | undefined, what: string): CborValue[] {
  return Array.isArray(v) ? v : fail(`${what} is not an array`);
}

function bytes(v: CborValue | undefined, what: string): Uint8Array {
  return v instanceof Uint8Array ? v : fail(`${what} is not a byte string`);
}

function int(v: CborValue | undefined, what: string): number {
  return typeof v === "number" && Number.isSafeInteger(v) ? v : fail(`${what} is not an integer`);
}

/**
 * The changes of a `changes` item as bytes: each packed one rebuilt (and
 * checked against its checksum), the others as they came. `known` finds the
 * full hash (hex) of a change the device holds from its first 8 bytes (hex).
 */
export function unpackItem(data: readonly PullData[], known: (prefixHex: string) => string | undefined): Uint8Array[] {
  const earlier: string[] = [];
  const out: Uint8Array[] = [];
  for (const d of data) {
    const change = d instanceof Uint8Array ? d : unpack(d, earlier, known);
    earlier.push(data.length > 1 ? A.decodeChange(change).hash ?? "" : "");
    out.push(change);
  }
  return out;
}

function unpack(fields: CborValue[], earlier: readonly string[], known: (prefixHex: string) => string | undefined): Uint8Array {
  if (fields.length < 9) fail(`${fields.length} fields, at least 9 expected`);
  if (fields.length > 9 && bytes(fields[9], "extra bytes").length > 0) fail("extra bytes are not rebuilt here");
  const checksum = bytesToHex(bytes(fields[0], "checksum"));
  const actor = bytesToHex(bytes(fields[1], "actor"));
  const start = int(fields[3], "start_op");
  if (start < 1) fail("start_op is 0");
  const message = fields[5];
  if (message !== null && typeof message !== "string") fail("message is neither text nor null");
  const deps = array(fields[6], "deps").map((dep) => {
    if (typeof dep === "number") return earlier[int(dep, "a dependency")] ?? fail(`dependency ${dep} names no earlier change of the item`);
    const b = bytes(dep, "a dependency");
    if (b.length === 32) return bytesToHex(b);
    if (b.length === DEP_PREFIX) return known(bytesToHex(b)) ?? fail(`no change held starts with ${bytesToHex(b)}`);
    return fail(`a dependency of ${b.length} bytes`);
  });
  const others = array(fields[7], "others").map((a) => bytesToHex(bytes(a, "an actor")));
  const opid = (v: CborValue | undefined): string => {
    if (typeof v === "number") {
      const counter = start + int(v, "an op id");
      return counter > 0 ? `${counter}@${actor}` : fail("an op id's counter is out of range");
    }
    const pair = array(v, "an op id");
    if (pair.length !== 2) fail("an op id is not [counter, actor]");
    const other = others[int(pair[1], "an op id's actor")] ?? fail("an op id names an actor not in the list");
    return `${int(pair[0], "an op id's counter")}@${other}`;
  };
  const ops: Op[] = [];
  for (const raw of array(fields[8], "ops")) {
    const row = array(raw, "an op");
    if (row.length < 3) fail("an op has fewer than 3 fields");
    const code = int(row[0], "an op's code");
    const obj = row[1] === null ? "_root" : opid(row[1]);
    const place = (key: CborValue | undefined): { key: string } | { elemId: string } =>
      typeof key === "string" ? { key } : { elemId: key === null ? "_head" : opid(key) };
    if (code === TEXT_RUN) {
      const text = row[3];
      if (typeof text !== "string") fail("a text run without its text");
      let at = place(row[2]);
      for (const c of text) {
        ops.push({ action: "set", obj, ...at, insert: true, value: c, pred: [] } as unknown as Op);
        at = { elemId: `${start + ops.length - 1}@${actor}` };
      }
      continue;
    }
    const action = ACTIONS[code & ~INSERT] ?? fail(`unknown op code ${code}`);
    const op: Record<string, unknown> = { action, obj, ...place(row[2]) };
    if (code & INSERT) op["insert"] = true;
    let rest = row.slice(3);
    if (action === "set") {
      Object.assign(op, scalar(rest[0]));
      rest = rest.slice(1);
    } else if (action === "inc") {
      op["value"] = int(rest[0], "an increment");
      rest = rest.slice(1);
    }
    if (rest.length > 1) fail("an op has too many fields");
    op["pred"] = rest.length === 0 ? [] : array(rest[0], "pred").map(opid);
    ops.push(op as unknown as Op);
  }
  const change = A.encodeChange({
    actor,
    author: null,
    seq: int(fields[2], "seq"),
    startOp: start,
    time: int(fields[4], "time"),
    message,
    deps,
    ops,
  });
  if (bytesToHex(change.subarray(4, 8)) !== checksum) fail("the rebuilt change does not match its checksum");
  return change;
}

function scalar(v: CborValue | undefined): { value: unknown; datatype?: string } {
  if (v === undefined) return fail("a put without its value");
  if (typeof v === "string" || typeof v === "boolean" || v === null) return { value: v };
  if (typeof v === "number") return { value: int(v, "an integer value"), datatype: "int" };
  if (v instanceof Uint8Array) return { value: v, datatype: "bytes" };
  const pair = array(v, "a value");
  const datatype = pair.length === 2 ? TAGS[int(pair[0], "a value's tag")] : undefined;
  if (!datatype || typeof pair[1] !== "number") return fail("an unknown tagged value");
  return { value: pair[1], datatype };
}
