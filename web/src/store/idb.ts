/**
 * The IndexedDB backend. Every promise rejects on a request error and on a
 * transaction error or abort: a quota error shows up only on the
 * transaction, and a write is reported done only on `complete`.
 */
import { ALL_STORES, checkWrites, type StorageBackend, type StoreName, type Write } from "./backend";

const DB_VERSION = 1;

function requestResult<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error("IndexedDB request failed"));
  });
}

/**
 * Runs `body` in one transaction and resolves with its result once the
 * transaction completes; rejects if any request fails or the transaction
 * errors or aborts (whatever the reason, including quota).
 */
export function runTransaction<T>(
  db: IDBDatabase,
  stores: readonly StoreName[],
  mode: IDBTransactionMode,
  body: (tx: IDBTransaction) => Promise<T> | T,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let tx: IDBTransaction;
    try {
      tx = db.transaction([...new Set(stores)], mode, { durability: "strict" });
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    let result: T | undefined;
    let failed = false;
    const fail = (error: unknown): void => {
      if (failed) return;
      failed = true;
      reject(error instanceof Error || error instanceof DOMException ? error : new Error(String(error)));
    };
    tx.oncomplete = () => {
      if (!failed) resolve(result as T);
    };
    tx.onerror = () => fail(tx.error ?? new Error("IndexedDB transaction failed"));
    tx.onabort = () => fail(tx.error ?? new DOMException("IndexedDB transaction aborted", "AbortError"));
    let started: Promise<T> | T;
    try {
      // Called synchronously: the transaction is active only until control returns to the event loop.
      started = body(tx);
    } catch (e) {
      started = Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    Promise.resolve(started).then(
        (value) => {
          result = value;
        },
        (error: unknown) => {
          fail(error);
          try {
            tx.abort();
          } catch {
            // Already finished: the rejection above stands.
          }
        },
      );
  });
}

/** How long one open request may stay unanswered, and how many are tried. */
const OPEN_WAIT_MS = 4_000;
const OPEN_ATTEMPTS = 3;

/** The browser answered none of the open requests: the store is there, but out of reach for now. */
export class IndexedDbStuck extends Error {
  constructor(attempts: number, wait: number) {
    super(`IndexedDB answered none of ${attempts} open requests within ${wait} ms each`);
    this.name = "IndexedDbStuck";
  }
}

/** One open request: the database, or undefined when it stayed unanswered for `wait` ms. */
function openOnce(factory: IDBFactory, name: string, wait: number): Promise<IDBDatabase | undefined> {
  const request = factory.open(name, DB_VERSION);
  request.onupgradeneeded = () => {
    const db = request.result;
    for (const store of ALL_STORES) {
      if (!db.objectStoreNames.contains(store)) db.createObjectStore(store);
    }
  };
  return new Promise<IDBDatabase | undefined>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      resolve(undefined);
    }, wait);
    const settle = (finish: () => void): void => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      finish();
    };
    request.onsuccess = () => {
      // An answer after the deadline: a later attempt owns the database now.
      if (settled) request.result.close();
      settle(() => resolve(request.result));
    };
    request.onerror = () => settle(() => reject(request.error ?? new Error("cannot open IndexedDB")));
    request.onblocked = () => settle(() => reject(new Error("IndexedDB is blocked by another tab of the app")));
  });
}

export class IndexedDbBackend implements StorageBackend {
  private constructor(private readonly db: IDBDatabase) {
    // Another tab upgrading or deleting the database: let it.
    db.onversionchange = () => db.close();
  }

  /**
   * Opens (and creates or upgrades) the database. Some browsers, right after
   * a reload, leave an open request with no answer at all; so a request
   * unanswered after `wait` ms is given up (its connection closed if it comes
   * late) and the open tried again, `attempts` times in all, before failing
   * with {@link IndexedDbStuck}.
   */
  static async open(name = "relais", factory: IDBFactory = indexedDB, { wait = OPEN_WAIT_MS, attempts = OPEN_ATTEMPTS } = {}): Promise<IndexedDbBackend> {
    for (let attempt = 1; ; attempt++) {
      const db = await openOnce(factory, name, wait);
      if (db) return new IndexedDbBackend(db);
      if (attempt >= attempts) throw new IndexedDbStuck(attempts, wait);
    }
  }

  get(store: StoreName, key: string): Promise<Uint8Array | undefined> {
    return runTransaction(this.db, [store], "readonly", (tx) =>
      requestResult(tx.objectStore(store).get(key)).then((v: unknown) => (v instanceof Uint8Array ? v : undefined)),
    );
  }

  entries(store: StoreName): Promise<Array<[string, Uint8Array]>> {
    return runTransaction(this.db, [store], "readonly", async (tx) => {
      const os = tx.objectStore(store);
      const [keys, values] = await Promise.all([requestResult(os.getAllKeys()), requestResult(os.getAll())]);
      return keys.map((k, i): [string, Uint8Array] => [String(k), values[i] as Uint8Array]);
    });
  }

  keys(store: StoreName): Promise<string[]> {
    return runTransaction(this.db, [store], "readonly", (tx) =>
      requestResult(tx.objectStore(store).getAllKeys()).then((keys) => keys.map(String)),
    );
  }

  async write(writes: readonly Write[]): Promise<void> {
    checkWrites(writes);
    if (writes.length === 0) return;
    await runTransaction(
      this.db,
      writes.map((w) => w.store),
      "readwrite",
      (tx) => {
        for (const w of writes) {
          const os = tx.objectStore(w.store);
          const request = w.op === "put" ? os.put(w.value, w.key) : os.delete(w.key);
          // A failing request aborts the transaction, whose handler rejects.
          request.onerror = () => undefined;
        }
      },
    );
  }

  async clear(): Promise<void> {
    await runTransaction(this.db, ALL_STORES, "readwrite", (tx) => {
      for (const store of ALL_STORES) tx.objectStore(store).clear();
    });
  }

  close(): void {
    this.db.close();
  }
}
