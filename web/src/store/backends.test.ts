import { describe, expect, it } from "vitest";
import { storageConformance } from "./conformance";
import { MemoryBackend } from "./memory";
import { IndexedDbBackend, runTransaction } from "./idb";
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
