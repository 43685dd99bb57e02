import { describe, expect, it, vi } from "vitest";
import { storageConformance } from "./conformance";
import { MemoryBackend } from "./memory";
import { IndexedDbBackend, IndexedDbStuck, runTransaction } from "./idb";
import { StoreName } from "./backend";

let dbCounter = 0;
const freshName = (): string => `relais-test-${++dbCounter}-${Math.random().toString(36).slice(2)}`;

storageConformance("in-memory", async () => new MemoryBackend());
storageConformance("IndexedDB", () => IndexedDbBackend.open(freshName()));

describe("IndexedDB transactions", () => {
  it("reject when the transaction is aborted after its requests succeeded", async () => {
    const request = indexedDB.open(freshName(), 1);
    request.onupgradeneeded = () => request.result.createObjectStore(StoreName.Docs);
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const aborted = runTransaction(db, [StoreName.Docs], "readwrite", (tx) => {
      tx.objectStore(StoreName.Docs).put(new Uint8Array([1]), "a");
      tx.abort();
    });
    await expect(aborted).rejects.toBeTruthy();
    const read = await runTransaction(db, [StoreName.Docs], "readonly", (tx) => {
      const r = tx.objectStore(StoreName.Docs).get("a");
      return new Promise((resolve) => {
        r.onsuccess = () => resolve(r.result);
      });
    });
    expect(read).toBeUndefined();
  });

  it("reject when a request fails inside the transaction", async () => {
    const request = indexedDB.open(freshName(), 1);
    request.onupgradeneeded = () => request.result.createObjectStore(StoreName.Docs);
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const failing = runTransaction(db, [StoreName.Docs], "readwrite", (tx) => {
      const os = tx.objectStore(StoreName.Docs);
      os.add(new Uint8Array([1]), "a");
      // A second add of the same key fails with ConstraintError and aborts the transaction.
      os.add(new Uint8Array([2]), "a");
    });
    await expect(failing).rejects.toBeTruthy();
  });
});

/** An open request the browser never answers, unless the test does. */
interface UnansweredOpen {
  onsuccess: (() => void) | null;
  onupgradeneeded: (() => void) | null;
  onerror: (() => void) | null;
  onblocked: (() => void) | null;
  result: { close: () => void };
}

/** The real IndexedDB, except that its first `stuck` open requests never answer. */
function factoryStuckFor(stuck: number): { factory: IDBFactory; unanswered: UnansweredOpen[] } {
  const unanswered: UnansweredOpen[] = [];
  const factory = {
    open(name: string, version?: number): IDBOpenDBRequest {
      if (unanswered.length < stuck) {
        const request: UnansweredOpen = { onsuccess: null, onupgradeneeded: null, onerror: null, onblocked: null, result: { close: vi.fn() } };
        unanswered.push(request);
        return request as unknown as IDBOpenDBRequest;
      }
      return indexedDB.open(name, version);
    },
  } as unknown as IDBFactory;
  return { factory, unanswered };
}

describe("opening IndexedDB", () => {
  it("tries again when the browser leaves an open request unanswered, and closes the late answer", async () => {
    const name = freshName();
    const { factory, unanswered } = factoryStuckFor(1);
    const backend = await IndexedDbBackend.open(name, factory, { wait: 5, attempts: 3 });
    await backend.write([{ op: "put", store: StoreName.Config, key: "k", value: new Uint8Array([7]) }]);
    expect(await backend.get(StoreName.Config, "k")).toEqual(new Uint8Array([7]));

    const late = unanswered[0];
    late?.onsuccess?.();
    expect(late?.result.close).toHaveBeenCalledTimes(1);
  });

  it("fails with IndexedDbStuck, not an empty store, when no open request is ever answered", async () => {
    const { factory, unanswered } = factoryStuckFor(3);
    await expect(IndexedDbBackend.open(freshName(), factory, { wait: 5, attempts: 3 })).rejects.toBeInstanceOf(IndexedDbStuck);
    expect(unanswered).toHaveLength(3);
  });
});
