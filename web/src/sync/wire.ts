/**
 * The messages of `POST /api/v1/sync`, field for field as `sync/src/wire.rs`
 * names them, and their CBOR encoding.
 */
import { encodeCbor, decodeCbor, type CborValue } from "./cbor";
import { bytesToHex, bytesToUuid, hexToBytes, uuidToBytes } from "../bytes";
import { RecordType as RecordTypes, isOneOf, type RecordType } from "../model/vocabulary";
import type { PullData } from "./packed";

export const PROTOCOL_VERSION = 1;

export interface PushDoc {
  readonly id: string;
  readonly type: RecordType;
  /** Hex change hashes: the device's heads once `changes` are applied. */
  readonly heads: readonly string[];
  readonly changes: readonly Uint8Array[];
}

export interface PullPosition {
  readonly cursor: number;
  readonly snapshot: number | null;
  readonly budget: number;
  /** Read packed changes (docs/protocol.md, "Packed changes"). */
  readonly pack?: boolean;
}

export interface SyncRequest {
  /** Device id (uuid). */
  readonly device: string;
  /** Batch id, 16 bytes as hex. */
  readonly batch: string;
  /** Epoch as hex, absent before the first sync. */
  readonly epoch: string | null;
  readonly push: readonly PushDoc[];
  readonly pull: PullPosition | null;
}

export const DocStatus = {
  Ok: "ok",
  Need: "need",
  Quarantined: "quarantined",
  Rejected: "rejected",
  Erased: "erased",
} as const;
export type DocStatus = (typeof DocStatus)[keyof typeof DocStatus];

export interface DocResult {
  readonly id: string;
  readonly status: DocStatus;
  readonly heads: readonly string[];
  readonly reason: string | null;
}

export const ItemKind = { Changes: "changes", Snapshot: "snapshot", Erased: "erased" } as const;
export type ItemKind = (typeof ItemKind)[keyof typeof ItemKind];

export interface PullItem {
  readonly id: string;
  readonly kind: ItemKind;
  /** The record type, when the server sends it (absent for `erased`). */
  readonly type?: RecordType;
  /** Changes or a document as bytes; in a `changes` item, possibly packed changes. */
  readonly data: readonly PullData[];
}

export interface PullPage {
  readonly items: readonly PullItem[];
  readonly cursor: number;
  readonly snapshot: number | null;
  readonly more: boolean;
  readonly reset: boolean;
}

export interface SyncResponse {
  readonly epoch: string;
  readonly results: readonly DocResult[];
  readonly pull: PullPage | null;
}

export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WireError";
  }
}

export function encodeRequest(request: SyncRequest): Uint8Array {
  const message: { [key: string]: CborValue } = {
    v: PROTOCOL_VERSION,
    device: uuidToBytes(request.device),
    batch: hexToBytes(request.batch),
  };
  if (request.epoch !== null) message["epoch"] = hexToBytes(request.epoch);
  message["push"] = request.push.map((doc) => ({
    id: uuidToBytes(doc.id),
    type: doc.type,
    heads: doc.heads.map(hexToBytes),
    changes: [...doc.changes],
  }));
  if (request.pull) {
    const pull: { [key: string]: CborValue } = { cursor: request.pull.cursor };
    if (request.pull.snapshot !== null) pull["snapshot"] = request.pull.snapshot;
    pull["budget"] = request.pull.budget;
    if (request.pull.pack === true) pull["pack"] = 1;
    message["pull"] = pull;
  }
  return encodeCbor(message);
}

type CborMap = { [key: string]: CborValue };

function map(value: CborValue | undefined, field: string): CborMap {
  if (value && typeof value === "object" && !Array.isArray(value) && !(value instanceof Uint8Array)) return value;
  throw new WireError(`${field}: expected a map`);
}

function list(value: CborValue | undefined, field: string): CborValue[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  throw new WireError(`${field}: expected an array`);
}

function bytes(value: CborValue | undefined, field: string, size?: number): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new WireError(`${field}: expected bytes`);
  if (size !== undefined && value.length !== size) throw new WireError(`${field}: expected ${size} bytes, got ${value.length}`);
  return value;
}

function uint(value: CborValue | undefined, field: string): number {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
  throw new WireError(`${field}: expected an unsigned integer`);
}

function text(value: CborValue | undefined, field: string): string {
  if (typeof value === "string") return value;
  throw new WireError(`${field}: expected text`);
}

function optionalUint(value: CborValue | undefined, field: string): number | null {
  return value === undefined || value === null ? null : uint(value, field);
}

const STATUSES: readonly string[] = Object.values(DocStatus);
const KINDS: readonly string[] = Object.values(ItemKind);

export function decodeResponse(body: Uint8Array): SyncResponse {
  const root = map(decodeCbor(body), "response");
  const v = uint(root["v"], "v");
  if (v !== PROTOCOL_VERSION) throw new WireError(`protocol version ${v} is not supported by this app`);
  const results = list(root["results"], "results").map((raw, i): DocResult => {
    const r = map(raw, `results[${i}]`);
    const status = text(r["status"], `results[${i}].status`);
    if (!STATUSES.includes(status)) throw new WireError(`results[${i}].status: unknown status ${status}`);
    const reason = r["reason"];
    return {
      id: bytesToUuid(bytes(r["id"], `results[${i}].id`, 16)),
      status: status as DocStatus,
      heads: list(r["heads"], `results[${i}].heads`).map((h, j) => bytesToHex(bytes(h, `results[${i}].heads[${j}]`, 32))),
      reason: typeof reason === "string" ? reason : null,
    };
  });
  let pull: PullPage | null = null;
  if (root["pull"] !== undefined && root["pull"] !== null) {
    const p = map(root["pull"], "pull");
    pull = {
      items: list(p["items"], "pull.items").map((raw, i): PullItem => {
        const item = map(raw, `pull.items[${i}]`);
        const kind = text(item["kind"], `pull.items[${i}].kind`);
        if (!KINDS.includes(kind)) throw new WireError(`pull.items[${i}].kind: unknown kind ${kind}`);
        const data = list(item["data"], `pull.items[${i}].data`).map((d, j): PullData =>
          kind === ItemKind.Changes && Array.isArray(d) ? d : bytes(d, `pull.items[${i}].data[${j}]`),
        );
        if (kind === ItemKind.Snapshot && data.length === 0) throw new WireError(`pull.items[${i}].data: a snapshot item carries no data`);
        const type = item["type"];
        const parsed: PullItem = { id: bytesToUuid(bytes(item["id"], `pull.items[${i}].id`, 16)), kind: kind as ItemKind, data };
        return isOneOf(RecordTypes, type) ? { ...parsed, type } : parsed;
      }),
      cursor: uint(p["cursor"], "pull.cursor"),
      snapshot: optionalUint(p["snapshot"], "pull.snapshot"),
      more: p["more"] === true,
      reset: p["reset"] === true,
    };
  }
  return { epoch: bytesToHex(bytes(root["epoch"], "epoch", 16)), results, pull };
}

/** The inverse of {@link encodeRequest}, for the fake server in tests. */
export function decodeRequest(body: Uint8Array): SyncRequest {
  const root = map(decodeCbor(body), "request");
  const pullRaw = root["pull"];
  const epoch = root["epoch"];
  return {
    device: bytesToUuid(bytes(root["device"], "device", 16)),
    batch: bytesToHex(bytes(root["batch"], "batch", 16)),
    epoch: epoch === undefined || epoch === null ? null : bytesToHex(bytes(epoch, "epoch", 16)),
    push: list(root["push"], "push").map((raw, i) => {
      const d = map(raw, `push[${i}]`);
      return {
        id: bytesToUuid(bytes(d["id"], `push[${i}].id`, 16)),
        type: text(d["type"], `push[${i}].type`) as RecordType,
        heads: list(d["heads"], `push[${i}].heads`).map((h, j) => bytesToHex(bytes(h, `push[${i}].heads[${j}]`, 32))),
        changes: list(d["changes"], `push[${i}].changes`).map((c, j) => bytes(c, `push[${i}].changes[${j}]`)),
      };
    }),
    pull:
      pullRaw === undefined || pullRaw === null
        ? null
        : (() => {
            const p = map(pullRaw, "pull");
            return {
              cursor: uint(p["cursor"], "pull.cursor"),
              snapshot: optionalUint(p["snapshot"], "pull.snapshot"),
              budget: uint(p["budget"], "pull.budget"),
              ...(p["pack"] === 1 ? { pack: true } : {}),
            };
          })(),
  };
}

/** For the fake server in tests. */
export function encodeResponse(response: SyncResponse): Uint8Array {
  const message: CborMap = {
    v: PROTOCOL_VERSION,
    epoch: hexToBytes(response.epoch),
    results: response.results.map((r) => {
      const out: CborMap = { id: uuidToBytes(r.id), status: r.status, heads: r.heads.map(hexToBytes) };
      if (r.reason !== null) out["reason"] = r.reason;
      return out;
    }),
  };
  if (response.pull) {
    const page: CborMap = {
      items: response.pull.items.map((item) => {
        const out: CborMap = { id: uuidToBytes(item.id), kind: item.kind, data: [...item.data] };
        if (item.type) out["type"] = item.type;
        return out;
      }),
      cursor: response.pull.cursor,
    };
    if (response.pull.snapshot !== null) page["snapshot"] = response.pull.snapshot;
    page["more"] = response.pull.more;
    page["reset"] = response.pull.reset;
    message["pull"] = page;
  }
  return encodeCbor(message);
}
