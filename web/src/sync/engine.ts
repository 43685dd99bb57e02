/**
 * The device side of the sync protocol (docs/protocol.md), following
 * `sync/src/device.rs`: what to send, and what to do with the answer.
 *
 * - A change stays pending until the server answers `ok` (or `quarantined`)
 *   for a push that carried it.
 * - The request is stored before it is sent; until an answer arrives it is
 *   sent again unchanged (same batch id), so a lost answer costs nothing.
 * - `need`: the server lacks dependencies; the next push sends the changes
 *   since the heads it reported. `erased`: the document is deleted here.
 * - Pull items are applied in order, and the cursor, the snapshot position
 *   and the applied documents are committed in one IndexedDB transaction.
 * - A new server epoch: every document is checked again.
 * - 401 with `wipe`: the device was revoked; everything local is deleted.
 */
import { A } from "../automerge";
import { randomBytes, bytesToHex } from "../bytes";
import { fromBase64, toBase64 } from "../base64";
import { recordTypeOf, summarize } from "../model/summary";
import { sameHeads } from "../store/documents";
import { INITIAL_SYNC_STATE, type Account, type IndexEntry, type SyncState } from "../store/types";
import type { Vault, VaultTx } from "../store/vault";
import { NetworkError, type Transport } from "./transport";
import { PackedChangeError, hasPacked, unpackItem } from "./packed";
import { DocStatus, ItemKind, decodeRequest, decodeResponse, encodeRequest, type PullItem, type PushDoc, type SyncResponse } from "./wire";

/** Bytes of changes put in one request at most (more waits for the next round). */
export const PUSH_BUDGET = 2 << 20;
/**
 * Bytes of document data asked for per page once up to date. The server
 * sends changes and documents uncompressed and gzips the whole answer, so a
 * page is about a quarter of this on the wire (some 8 s on a 2G link).
 */
export const PULL_BUDGET = 1 << 20;
/**
 * Bytes asked for per page during a first sync: the most the server sends.
 * A first sync follows enrolment on the agency's connection and moves the
 * whole agency: 8 MiB of documents is about 2 MB on the wire, 10,000
 * contacts in one page, and the page is applied one document at a time, so
 * a cheap phone holds the page's bytes and one document at once
 * (`docs/benchmarks.md`, (c)).
 */
export const FIRST_SYNC_PULL_BUDGET = 8 << 20;

/** What the browser tells of its link (the Network Information API, where there is one). */
export interface LinkHint {
  readonly effectiveType?: string;
  readonly saveData?: boolean;
}

/** Links on which a 2 MB answer takes more than about 20 seconds. */
const SLOW_LINKS: ReadonlySet<string> = new Set(["slow-2g", "2g", "3g"]);

/**
 * The first-sync page for `link`: ordinary pages on a slow link or when the
 * user asked to save data, so that a connection dropping after 20 seconds
 * still keeps the pages it completed; the largest page otherwise, and when
 * the browser says nothing (Firefox, Safari).
 */
export function firstSyncBudgetFor(link: LinkHint | undefined): number {
  if (link?.saveData === true || SLOW_LINKS.has(link?.effectiveType ?? "")) return PULL_BUDGET;
  return FIRST_SYNC_PULL_BUDGET;
}

/**
 * Whether to ask for packed changes (docs/protocol.md, "Packed changes"):
 * on a slow link, or when the user asked to save data. A packed change is
 * about 50 bytes smaller on the wire (some 2 ms on 2G) and costs the phone
 * about as much to rebuild (0.4 to 0.8 ms of a desktop core, several times
 * that on a cheap phone); on the agency's Wi-Fi, where most syncs happen,
 * the bytes cost nothing and plain changes spare the phone's processor.
 */
export function packChangesFor(link: LinkHint | undefined): boolean {
  return link?.saveData === true || SLOW_LINKS.has(link?.effectiveType ?? "");
}

export const SYNC_META_KEY = "sync";

export const SyncFailure = {
  /** No answer (offline, dropped): retried later with the same batch. */
  Network: "network",
  /** The server failed or is busy (5xx, 429): retried later. */
  Server: "server",
  /** The token is not valid: the device must be enrolled again. */
  Unauthorized: "unauthorized",
  /** The device was revoked; local data was wiped. */
  Revoked: "revoked",
  /** The server refused the request as malformed (4xx): a new batch is built next time. */
  Refused: "refused",
  /** The answer could not be read. */
  BadAnswer: "bad_answer",
} as const;
export type SyncFailure = (typeof SyncFailure)[keyof typeof SyncFailure];

export class SyncError extends Error {
  constructor(
    readonly failure: SyncFailure,
    message: string,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = "SyncError";
  }
}

export interface RoundReport {
  readonly pushed: number;
  readonly pulled: number;
  readonly erased: number;
  /** Whether another round would do something (feed not drained or changes pending). */
  readonly more: boolean;
}

export function pendingCount(entries: Iterable<IndexEntry>): number {
  let n = 0;
  for (const e of entries) if (e.sync.dirty && !e.sync.refused) n++;
  return n;
}

interface Options {
  /** Per page; alone, it applies to the first sync too. */
  readonly pullBudget?: number;
  /** Per page during the first sync (otherwise chosen by `link`). */
  readonly firstSyncPullBudget?: number;
  /** The link as the browser sees it at the time of a sync. */
  readonly link?: () => LinkHint | undefined;
  readonly pushBudget?: number;
  readonly now?: () => string;
}

export class SyncEngine {
  private readonly pullBudget: number;
  private readonly firstSyncPullBudget: () => number;
  private readonly pushBudget: number;
  private readonly packChanges: () => boolean;
  private readonly now: () => string;

  constructor(
    private readonly vault: Vault,
    private readonly transport: Transport,
    private readonly account: Account,
    options: Options = {},
  ) {
    this.pullBudget = options.pullBudget ?? PULL_BUDGET;
    const fixed = options.firstSyncPullBudget ?? options.pullBudget;
    const link = options.link ?? (() => undefined);
    this.firstSyncPullBudget = fixed === undefined ? () => firstSyncBudgetFor(link()) : () => fixed;
    this.pushBudget = options.pushBudget ?? PUSH_BUDGET;
    this.packChanges = () => packChangesFor(link());
    this.now = options.now ?? (() => new Date().toISOString());
  }

  async state(): Promise<SyncState> {
    return (await this.vault.readMeta<SyncState>(SYNC_META_KEY)) ?? INITIAL_SYNC_STATE;
  }

  pending(): number {
    return pendingCount(this.vault.entries());
  }

  /** Rounds until nothing is pending and the feed is drained, at most `maxRounds`. */
  async syncUntilIdle(maxRounds = 50): Promise<RoundReport> {
    let total: RoundReport = { pushed: 0, pulled: 0, erased: 0, more: true };
    for (let i = 0; i < maxRounds && total.more; i++) {
      const round = await this.syncOnce();
      total = { pushed: total.pushed + round.pushed, pulled: total.pulled + round.pulled, erased: total.erased + round.erased, more: round.more };
    }
    return total;
  }

  /** One round trip: push what is pending, pull one page. */
  async syncOnce(): Promise<RoundReport> {
    const state = await this.prepare();
    const inFlight = state.inFlight;
    if (!inFlight) throw new Error("no request was prepared");
    let answer;
    try {
      answer = await this.transport.postSync(fromBase64(inFlight.request), this.account.token);
    } catch (e) {
      if (e instanceof NetworkError) throw new SyncError(SyncFailure.Network, e.message);
      throw e;
    }
    if (answer.status < 200 || answer.status >= 300) return this.refused(answer.status, answer.body);
    let response: SyncResponse;
    try {
      response = decodeResponse(answer.body);
    } catch (e) {
      throw new SyncError(SyncFailure.BadAnswer, e instanceof Error ? e.message : String(e));
    }
    try {
      return await this.apply(response);
    } catch (e) {
      if (e instanceof PackedChangeError) return this.stopPacking();
      throw e;
    }
  }

  /**
   * A packed change could not be rebuilt, and nothing of the answer was
   * applied: the request in flight is kept (same batch, so its push is not
   * applied twice) but asks for plain changes, now and from then on.
   */
  private async stopPacking(): Promise<RoundReport> {
    await this.vault.mutate(async (tx) => {
      const state = await this.state();
      let inFlight = state.inFlight;
      if (inFlight) {
        const request = decodeRequest(fromBase64(inFlight.request));
        const pull = request.pull ? { ...request.pull, pack: false } : null;
        inFlight = { ...inFlight, request: toBase64(encodeRequest({ ...request, pull })) };
      }
      tx.putMeta(SYNC_META_KEY, { ...state, inFlight, plainChanges: true });
    });
    return { pushed: 0, pulled: 0, erased: 0, more: true };
  }

  /** The pull budget: larger during a first sync (nothing pulled yet, or documents still coming). */
  private budgetFor(state: SyncState): number {
    return state.cursor === 0 || state.snapshot !== null ? this.firstSyncPullBudget() : this.pullBudget;
  }

  /** The stored unanswered request, or a new one stored before it is sent. */
  private async prepare(): Promise<SyncState> {
    const state = await this.state();
    if (state.inFlight) return state;
    return this.vault.mutate(async (tx) => {
      const push: PushDoc[] = [];
      const sentHeads: Record<string, readonly string[]> = {};
      let bytes = 0;
      for (const entry of this.vault.entries()) {
        if (!entry.sync.dirty || entry.sync.refused) continue;
        if (bytes >= this.pushBudget) break;
        const saved = await tx.docBytes(entry.id);
        if (!saved) continue;
        const doc = A.load(saved);
        const known = entry.sync.acked.filter((h) => A.hasHeads(doc, [h]));
        const changes = A.getChangesSince(doc, known);
        A.free(doc);
        bytes += changes.reduce((n, c) => n + c.length, 0);
        sentHeads[entry.id] = entry.sync.heads;
        push.push({ id: entry.id, type: entry.type, heads: entry.sync.heads, changes });
      }
      const request = encodeRequest({
        device: this.account.deviceId,
        batch: bytesToHex(randomBytes(16)),
        epoch: state.epoch,
        push,
        pull: { cursor: state.cursor, snapshot: state.snapshot, budget: this.budgetFor(state), pack: state.plainChanges !== true && this.packChanges() },
      });
      const next: SyncState = { ...state, inFlight: { request: toBase64(request), sentHeads } };
      tx.putMeta(SYNC_META_KEY, next);
      return next;
    });
  }

  private async refused(status: number, body: Uint8Array): Promise<never> {
    let json: { error?: string; message?: string; wipe?: boolean } = {};
    try {
      json = JSON.parse(new TextDecoder().decode(body)) as typeof json;
    } catch {
      // Not JSON (a proxy's page): the status says enough.
    }
    const message = json.message ?? `the server answered ${status}`;
    if (status === 401 && json.wipe === true) {
      await this.vault.wipe();
      throw new SyncError(SyncFailure.Revoked, message);
    }
    if (status === 401) throw new SyncError(SyncFailure.Unauthorized, message);
    if (status === 429 || status >= 500) throw new SyncError(SyncFailure.Server, message);
    // The server will refuse these bytes again: build a new batch next time.
    await this.vault.mutate(async (tx) => tx.putMeta(SYNC_META_KEY, { ...(await this.state()), inFlight: null }));
    throw new SyncError(SyncFailure.Refused, message);
  }

  private apply(response: SyncResponse): Promise<RoundReport> {
    return this.vault.mutate(async (tx) => {
      const state = await this.state();
      const sentHeads = state.inFlight?.sentHeads ?? {};
      let erased = 0;
      for (const result of response.results) {
        const entry = tx.entry(result.id);
        if (!entry) continue;
        switch (result.status) {
          case DocStatus.Ok:
          case DocStatus.Quarantined: {
            const sent = sentHeads[result.id];
            const sync = { ...entry.sync };
            if (result.status === DocStatus.Quarantined) sync.quarantined = result.reason ?? "";
            else delete sync.quarantined;
            if (sent) {
              sync.acked = sent;
              sync.dirty = !sameHeads(entry.sync.heads, sent);
            }
            tx.putEntry({ ...entry, sync });
            break;
          }
          case DocStatus.Need:
            tx.putEntry({ ...entry, sync: { ...entry.sync, acked: result.heads, dirty: true } });
            break;
          case DocStatus.Rejected:
            tx.putEntry({ ...entry, sync: { ...entry.sync, refused: result.reason ?? "rejected" } });
            break;
          case DocStatus.Erased:
            tx.deleteDoc(result.id);
            erased++;
            break;
        }
      }
      if (state.epoch !== null && state.epoch !== response.epoch) {
        // The server was restored from a backup: check every document again.
        for (const entry of this.vault.entries()) {
          const current = tx.entry(entry.id);
          if (current) tx.putEntry({ ...current, sync: { ...current.sync, acked: [], dirty: true } });
        }
      }
      let pulled = 0;
      let next: SyncState = { ...state, epoch: response.epoch, inFlight: null, lastSyncAt: this.now() };
      if (response.pull) {
        for (const item of response.pull.items) {
          if (item.kind === ItemKind.Erased) {
            if (tx.entry(item.id)) {
              tx.deleteDoc(item.id);
              erased++;
            }
          } else if (await this.applyItem(tx, item)) {
            pulled++;
          }
        }
        next = { ...next, cursor: response.pull.cursor, snapshot: response.pull.snapshot, pullMore: response.pull.more };
      }
      tx.putMeta(SYNC_META_KEY, next);
      let pending = 0;
      for (const entry of this.vault.entries()) {
        const current = tx.entry(entry.id);
        if (current && current.sync.dirty && !current.sync.refused) pending++;
      }
      return { pushed: response.results.length, pulled, erased, more: next.pullMore || pending > 0 };
    });
  }

  /**
   * Merges one pulled document into the local copy; false when it cannot be read.
   * `loadIncremental` takes every encoding the server may send: changes
   * deflated or not (chunk type 2 or 1), documents with or without deflated
   * columns. Packed changes are rebuilt first, against the local copy; one
   * that cannot be throws {@link PackedChangeError}, which applies nothing of
   * the answer.
   */
  private async applyItem(tx: VaultTx, item: PullItem): Promise<boolean> {
    const entry = tx.entry(item.id);
    const saved = await tx.docBytes(item.id);
    let doc = saved ? A.load<unknown>(saved) : A.init<unknown>();
    let chunks: Uint8Array[];
    try {
      chunks = hasPacked(item.data) ? unpackItem(item.data, (prefix) => heldChange(doc, prefix)) : (item.data as Uint8Array[]);
    } catch (e) {
      A.free(doc);
      throw e instanceof PackedChangeError ? e : new PackedChangeError(e instanceof Error ? e.message : String(e));
    }
    try {
      for (const chunk of chunks) doc = A.loadIncremental(doc, chunk);
    } catch {
      A.free(doc);
      return false;
    }
    const type = entry?.type ?? item.type ?? recordTypeOf(doc);
    if (!type) {
      A.free(doc);
      return false;
    }
    const heads = A.getHeads(doc);
    const wasClean = !entry || !entry.sync.dirty;
    const complete = A.getMissingDeps(doc, []).length === 0;
    const acked = wasClean && complete ? heads : (entry?.sync.acked ?? []);
    const next: IndexEntry = {
      id: item.id,
      type,
      sync: { ...(entry?.sync ?? { dirty: false }), heads, acked },
      summary: summarize(type, doc),
    };
    tx.putDoc(next, A.save(doc));
    A.free(doc);
    return true;
  }
}

/** The hash (hex) of the change of `doc` starting with `prefix`: a head, usually. */
function heldChange(doc: A.Doc<unknown>, prefix: string): string | undefined {
  const head = A.getHeads(doc).find((h) => h.startsWith(prefix));
  if (head) return head;
  for (const change of A.getAllChanges(doc)) {
    const hash = A.decodeChange(change).hash;
    if (hash?.startsWith(prefix)) return hash;
  }
  return undefined;
}
