/** An in-memory backend: for tests, and for a browser without IndexedDB (nothing survives a reload). */
import { ALL_STORES, checkWrites, type StorageBackend, type StoreName, type Write } from "./backend";

export class MemoryBackend implements StorageBackend {
  private readonly stores = new Map<StoreName, Map<string, Uint8Array>>(ALL_STORES.map((s) => [s, new Map()]));

  private store(name: StoreName): Map<string, Uint8Array> {
    const store = this.stores.get(name);
    if (!store) throw new Error(`unknown store ${name}`);
    return store;
  }

  async get(store: StoreName, key: string): Promise<Uint8Array | undefined> {
    const value = this.store(store).get(key);
    return value?.slice();
  }

  async entries(store: StoreName): Promise<Array<[string, Uint8Array]>> {
    return [...this.store(store).entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, v.slice()]);
  }

  async keys(store: StoreName): Promise<string[]> {
    return [...this.store(store).keys()].sort();
  }

  async write(writes: readonly Write[]): Promise<void> {
    checkWrites(writes);
    for (const w of writes) {
      if (w.op === "put") this.store(w.store).set(w.key, w.value.slice());
      else this.store(w.store).delete(w.key);
    }
  }

  async clear(): Promise<void> {
    for (const store of this.stores.values()) store.clear();
  }

  close(): void {}
}
