/**
 * An in-memory server that speaks the sync protocol the way the Rust server
 * does (sync/src/apply.rs and pull.rs): a change log with a cursor, `need`
 * on missing dependencies, stored answers per batch, paged snapshots for a
 * first sync, erasure tombstones, revocation and epochs. For unit tests of
 * the device side; faults are injected through its public switches.
 */
import { A } from "../automerge";
import { bytesToHex, randomBytes } from "../bytes";
import { NetworkError, type Transport, type TransportAnswer } from "../sync/transport";
import type { PullData } from "../sync/packed";
import {
  DocStatus,
  ItemKind,
  decodeRequest,
  encodeResponse,
  type DocResult,
  type PullItem,
  type SyncResponse,
} from "../sync/wire";

interface LogRow {
  readonly seq: number;
  readonly docId: string;
  readonly kind: "change" | "erase";
  readonly data: Uint8Array;
  readonly device: string | null;
}

interface StoredDoc {
  readonly type: string;
  bytes: Uint8Array;
  readonly row: number;
}

export class FakeServer {
  epoch = bytesToHex(randomBytes(16));
  private seq = 0;
  private rowCounter = 0;
  readonly log: LogRow[] = [];
  readonly docs = new Map<string, StoredDoc>();
  readonly erased = new Set<string>();
  private readonly answers = new Map<string, DocResult[]>();
  readonly tokens = new Map<string, { device: string; revoked: boolean }>();
  /** Batch ids as received, in order. */
  readonly batches: string[] = [];
  /** Fail the next N requests before they reach the server (connection refused). */
  failBefore = 0;
  /** Commit the next N requests, then lose their answers. */
  loseAnswers = 0;
  /** Whether each request asked for packed changes, in order. */
  readonly packAsked: boolean[] = [];
  /** Rewrites a page's `changes` items for a device that asked for packed changes. */
  packItem: ((data: readonly PullData[]) => PullData[]) | null = null;

  enrol(device: string): string {
    const token = `token-${device}`;
    this.tokens.set(token, { device, revoked: false });
    return token;
  }

  revoke(token: string): void {
    const t = this.tokens.get(token);
    if (t) t.revoked = true;
  }

  /** A document the server has, as a loaded Automerge document. */
  document<T>(id: string): A.Doc<T> | undefined {
    const stored = this.docs.get(id);
    return stored ? A.load<T>(stored.bytes) : undefined;
  }

  /** Store changes made elsewhere (as another device's push would). */
  receive(id: string, type: string, changes: Uint8Array[], device: string | null = null): DocStatus {
    return this.applyDocument(id, type, [], changes, device).status;
  }

  erase(id: string): void {
    this.docs.delete(id);
    this.erased.add(id);
    for (let i = this.log.length - 1; i >= 0; i--) if (this.log[i]?.docId === id) this.log.splice(i, 1);
    this.log.push({ seq: ++this.seq, docId: id, kind: "erase", data: new Uint8Array(), device: null });
  }

  /** Forget a document entirely (a server restored from a backup older than it). */
  forget(id: string): void {
    this.docs.delete(id);
    for (let i = this.log.length - 1; i >= 0; i--) if (this.log[i]?.docId === id) this.log.splice(i, 1);
  }

  restoreFromBackup(): void {
    this.epoch = bytesToHex(randomBytes(16));
  }

  transport(): Transport {
    return {
      postSync: async (body: Uint8Array, token: string): Promise<TransportAnswer> => {
        if (this.failBefore > 0) {
          this.failBefore--;
          throw new NetworkError("connection refused");
        }
        const answer = this.handle(body, token);
        if (this.loseAnswers > 0) {
          this.loseAnswers--;
          throw new NetworkError("the connection dropped before the answer");
        }
        return answer;
      },
    };
  }

  private json(status: number, value: unknown): TransportAnswer {
    return { status, body: new TextEncoder().encode(JSON.stringify(value)) };
  }

  handle(body: Uint8Array, token: string): TransportAnswer {
    const auth = this.tokens.get(token);
    if (!auth) return this.json(401, { error: "unauthorized", message: "the device token is not valid" });
    if (auth.revoked) return this.json(401, { error: "device_revoked", message: "this device was revoked", wipe: true });
    const request = decodeRequest(body);
    this.batches.push(request.batch);
    const key = `${auth.device}/${request.batch}`;
    let results = this.answers.get(key);
    if (!results) {
      results = request.push.map((doc) => this.applyDocument(doc.id, doc.type, doc.heads, [...doc.changes], auth.device));
      this.answers.set(key, results);
    }
    this.packAsked.push(request.pull?.pack === true);
    let pull = request.pull ? this.page(auth.device, request.pull.cursor, request.pull.snapshot, request.pull.budget, request.epoch) : null;
    const pack = this.packItem;
    if (pull && pack && request.pull?.pack === true) {
      pull = { ...pull, items: pull.items.map((item) => (item.kind === ItemKind.Changes ? { ...item, data: pack(item.data) } : item)) };
    }
    const response: SyncResponse = { epoch: this.epoch, results, pull };
    return { status: 200, body: encodeResponse(response) };
  }

  private applyDocument(id: string, type: string, heads: readonly string[], changes: Uint8Array[], device: string | null): DocResult {
    if (this.erased.has(id)) return { id, status: DocStatus.Erased, heads: [], reason: null };
    const stored = this.docs.get(id);
    if (stored && stored.type !== type) {
      return { id, status: DocStatus.Rejected, heads: A.getHeads(A.load(stored.bytes)), reason: `the document is a ${stored.type}` };
    }
    let doc = stored ? A.load(stored.bytes) : A.init();
    const before = A.getHeads(doc);
    const fresh = changes.filter((c) => !A.hasHeads(doc, [A.decodeChange(c).hash]));
    [doc] = A.applyChanges(doc, fresh);
    const gaps = A.getMissingDeps(doc, []).length > 0 || heads.some((h) => !A.hasHeads(doc, [h]));
    if (gaps) return { id, status: DocStatus.Need, heads: before, reason: null };
    if (fresh.length === 0) return { id, status: DocStatus.Ok, heads: before, reason: null };
    for (const change of fresh) this.log.push({ seq: ++this.seq, docId: id, kind: "change", data: change, device });
    this.docs.set(id, { type, bytes: A.save(doc), row: stored?.row ?? ++this.rowCounter });
    return { id, status: DocStatus.Ok, heads: A.getHeads(doc), reason: null };
  }

  private page(device: string, cursor: number, snapshot: number | null, budget: number, epochSeen: string | null) {
    const items: PullItem[] = [];
    let used = 0;
    let nextCursor = cursor;
    let snapshotFrom = snapshot;
    if (cursor === 0 && snapshot === null) {
      nextCursor = this.seq;
      snapshotFrom = 0;
    }
    if (snapshotFrom !== null) {
      const docs = [...this.docs.entries()].sort((a, b) => a[1].row - b[1].row).filter(([, d]) => d.row > (snapshotFrom ?? 0));
      let position = snapshotFrom;
      for (const [id, d] of docs) {
        if (used > 0 && used + d.bytes.length > budget) {
          return { items, cursor: nextCursor, snapshot: position, more: true, reset: epochSeen !== null && epochSeen !== this.epoch };
        }
        used += d.bytes.length;
        items.push({ id, kind: ItemKind.Snapshot, data: [d.bytes] });
        position = d.row;
      }
    }
    let more = false;
    for (const row of this.log.filter((r) => r.seq > nextCursor)) {
      if (row.device === device) {
        nextCursor = row.seq;
        continue;
      }
      if (used > 0 && used + row.data.length > budget) {
        more = true;
        break;
      }
      used += row.data.length;
      nextCursor = row.seq;
      const last = items[items.length - 1];
      if (row.kind === "erase") items.push({ id: row.docId, kind: ItemKind.Erased, data: [] });
      else if (last && last.id === row.docId && last.kind === ItemKind.Changes) {
        items[items.length - 1] = { ...last, data: [...last.data, row.data] };
      } else items.push({ id: row.docId, kind: ItemKind.Changes, data: [row.data] });
    }
    return { items, cursor: nextCursor, snapshot: null, more, reset: epochSeen !== null && epochSeen !== this.epoch };
  }
}
