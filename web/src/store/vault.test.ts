import { describe, expect, it } from "vitest";
import { MemoryBackend } from "./memory";
import { IndexedDbBackend } from "./idb";
import { StoreName, type StorageBackend, type Write } from "./backend";
import { Vault, hasVault } from "./vault";
import { bucketOf } from "./buckets";
import type { IndexEntry } from "./types";

const entry = (id: string, name: string): IndexEntry => ({
  id,
  type: "contact",
  sync: { heads: [], acked: [], dirty: true },
  summary: {
    kind: "contact",
    name,
    givenName: name,
    familyName: "",
    alias: "",
    phone: "",
    phoneDigits: "",
    neighbourhood: "",
    city: "",
    stage: null,
    birthYear: null,
    ageBand: null,
    nationality: "",
    createdAt: "",
    conflicts: 0,
  },
});

function contains(haystack: Uint8Array, needle: string): boolean {
  return new TextDecoder("latin1").decode(haystack).includes(needle);
}

/** A backend whose next write batch fails, as when the phone dies or storage is full mid-write. */
function failingNextWrite(backend: StorageBackend): StorageBackend & { failNext: boolean } {
  const wrapper = {
    failNext: false,
    get: backend.get.bind(backend),
    entries: backend.entries.bind(backend),
    keys: backend.keys.bind(backend),
    clear: backend.clear.bind(backend),
    close: backend.close.bind(backend),
    async write(writes: readonly Write[]): Promise<void> {
      if (wrapper.failNext) {
        wrapper.failNext = false;
        throw new Error("QuotaExceededError");
      }
      return backend.write(writes);
    },
  };
  return wrapper;
}

/** A backend that records every write batch it is given. */
function recordingWrites(backend: StorageBackend): StorageBackend & { batches: Write[][] } {
  const wrapper = {
    batches: [] as Write[][],
    get: backend.get.bind(backend),
    entries: backend.entries.bind(backend),
    keys: backend.keys.bind(backend),
    clear: backend.clear.bind(backend),
    close: backend.close.bind(backend),
    async write(writes: readonly Write[]): Promise<void> {
      wrapper.batches.push([...writes]);
      return backend.write(writes);
    },
  };
  return wrapper;
}

/** `count` ids that share one index bucket. */
function idsInOneBucket(count: number): string[] {
  const ids: string[] = [];
  const bucket = bucketOf("same-0");
  for (let i = 0; ids.length < count; i++) if (bucketOf(`same-${i}`) === bucket) ids.push(`same-${i}`);
  return ids;
}

async function everySealedValue(backend: StorageBackend): Promise<string[]> {
  const all: string[] = [];
  for (const store of [StoreName.Docs, StoreName.Index, StoreName.Meta]) {
    for (const [, value] of await backend.entries(store)) all.push(Array.from(value).join(","));
  }
  return all;
}

for (const [name, open] of [
  ["in-memory", async (): Promise<StorageBackend> => new MemoryBackend()],
  ["IndexedDB", (): Promise<StorageBackend> => IndexedDbBackend.open(`vault-${Math.random()}`)],
] as const) {
  describe(`the vault over the ${name} backend`, () => {
    it("stores documents and the index only in sealed form", async () => {
      const backend = await open();
      const vault = await Vault.create(backend, "1357");
      await vault.mutate((tx) => tx.putDoc(entry("d1", "Mariam Konaté"), new TextEncoder().encode("Mariam Konaté's document")));
      for (const store of [StoreName.Docs, StoreName.Index]) {
        for (const [, value] of await backend.entries(store)) expect(contains(value, "Mariam")).toBe(false);
      }
      expect(new TextDecoder().decode(await vault.docBytes("d1"))).toBe("Mariam Konaté's document");
    });

    it("opens with the right PIN and not with a wrong one", async () => {
      const backend = await open();
      const vault = await Vault.create(backend, "1357");
      await vault.mutate((tx) => tx.putDoc(entry("d1", "Mariam"), new Uint8Array([1])));
      expect(await hasVault(backend)).toBe(true);
      expect(await Vault.unlock(backend, "0000")).toBeUndefined();
      const again = await Vault.unlock(backend, "1357");
      expect(again?.entry("d1")?.summary).toMatchObject({ name: "Mariam" });
    });

    it("leaves the index unchanged when a write fails", async () => {
      const backend = await open();
      const vault = await Vault.create(backend, "1357");
      const failing = vault.mutate(async (tx) => {
        tx.putDoc(entry("d1", "Mariam"), new Uint8Array([1]));
        throw new Error("the save was interrupted");
      });
      await expect(failing).rejects.toThrow("interrupted");
      expect(vault.entry("d1")).toBeUndefined();
      await vault.mutate((tx) => tx.putDoc(entry("d2", "Awa"), new Uint8Array([2])));
      expect(vault.entry("d2")).toBeDefined();
    });

    it("keeps the same index snapshot when a commit changes no entry, and replaces it when one does", async () => {
      const backend = await open();
      const vault = await Vault.create(backend, "1357");
      await vault.mutate((tx) => tx.putDoc(entry("d1", "Mariam"), new Uint8Array([1])));
      const before = vault.snapshot();

      await vault.mutate((tx) => tx.putMeta("sync", { cursor: 1 }));
      expect(vault.snapshot()).toBe(before);

      await vault.mutate((tx) => tx.putEntry(entry("d1", "Mariam Konaté")));
      expect(vault.snapshot()).not.toBe(before);
      expect(vault.snapshot().find((e) => e.id === "d1")?.summary).toMatchObject({ name: "Mariam Konaté" });
      expect(before.find((e) => e.id === "d1")?.summary).toMatchObject({ name: "Mariam" });
    });

    it("rewrites only the index bucket of the entry it saves", async () => {
      const backend = recordingWrites(await open());
      const vault = await Vault.create(backend, "1357");
      await vault.mutate((tx) => {
        for (let i = 0; i < 300; i++) tx.putDoc(entry(`d${i}`, `P${i}`), new Uint8Array([1]));
      });
      backend.batches.length = 0;

      await vault.mutate((tx) => tx.putDoc(entry("new", "Awa"), new Uint8Array([2])));

      expect(backend.batches).toHaveLength(1);
      const written = (backend.batches[0] ?? []).map((w) => `${w.op} ${w.store} ${w.key}`);
      expect(written.sort()).toEqual([`put docs new`, `put index ${bucketOf("new")}`]);
      const reopened = await Vault.unlock(backend, "1357");
      expect(reopened?.size).toBe(301);
    });

    it("reads back a bucket whose entries were added, changed and deleted one save at a time", async () => {
      const backend = await open();
      const vault = await Vault.create(backend, "1357");
      const [a, b, c] = idsInOneBucket(3) as [string, string, string];
      for (const id of [a, b, c]) await vault.mutate((tx) => tx.putDoc(entry(id, `first ${id}`), new Uint8Array([1])));
      await vault.mutate((tx) => tx.deleteDoc(b));
      await vault.mutate((tx) => tx.putEntry(entry(a, "changed")));

      const reopened = await Vault.unlock(backend, "1357");
      expect([...(reopened?.entries() ?? [])].map((e) => `${e.id} ${e.summary.kind === "contact" ? e.summary.name : ""}`).sort()).toEqual(
        [`${a} changed`, `${c} first ${c}`].sort(),
      );
      await vault.mutate((tx) => tx.deleteDoc(a));
      await vault.mutate((tx) => tx.deleteDoc(c));
      expect(await backend.keys(StoreName.Index)).not.toContain(bucketOf(a));
      expect((await Vault.unlock(backend, "1357"))?.size).toBe(0);
    });

    it("keeps a bucket whole when a save into it could not be written", async () => {
      const backend = failingNextWrite(await open());
      const vault = await Vault.create(backend, "1357");
      const [a, b, c] = idsInOneBucket(3) as [string, string, string];
      await vault.mutate((tx) => tx.putDoc(entry(a, "Awa"), new Uint8Array([1])));

      backend.failNext = true;
      await expect(vault.mutate((tx) => tx.putDoc(entry(b, "Binta"), new Uint8Array([2])))).rejects.toThrow("QuotaExceededError");
      await vault.mutate((tx) => tx.putDoc(entry(c, "Chloé"), new Uint8Array([3])));

      const reopened = await Vault.unlock(backend, "1357");
      expect([...(reopened?.entries() ?? [])].map((e) => e.id).sort()).toEqual([a, c].sort());
    });

    it("runs mutations one at a time so none is lost", async () => {
      const backend = await open();
      const vault = await Vault.create(backend, "1357");
      await Promise.all(Array.from({ length: 20 }, (_, i) => vault.mutate((tx) => tx.putDoc(entry(`d${i}`, `P${i}`), new Uint8Array([i])))));
      const reopened = await Vault.unlock(backend, "1357");
      expect(reopened?.size).toBe(20);
    });

    it("changes the PIN: everything is sealed again, the new PIN opens it and the old one no longer does", async () => {
      const backend = await open();
      const vault = await Vault.create(backend, "1357");
      await vault.mutate((tx) => {
        tx.putDoc(entry("d1", "Mariam"), new TextEncoder().encode("Mariam's document"));
        tx.putMeta("sync", { cursor: 42 });
      });
      const before = await everySealedValue(backend);

      await vault.changePin("864200");

      const after = await everySealedValue(backend);
      expect(after).toHaveLength(before.length);
      expect(after.filter((v) => before.includes(v))).toEqual([]);
      expect(await Vault.unlock(backend, "1357")).toBeUndefined();
      const reopened = await Vault.unlock(backend, "864200");
      expect(reopened?.entry("d1")?.summary).toMatchObject({ name: "Mariam" });
      expect(new TextDecoder().decode(await reopened?.docBytes("d1"))).toBe("Mariam's document");
      expect(await reopened?.readMeta("sync")).toEqual({ cursor: 42 });
      // The open vault goes on with the new key.
      expect(new TextDecoder().decode(await vault.docBytes("d1"))).toBe("Mariam's document");
      expect(await vault.checkPin("864200")).toBe(true);
      expect(await vault.checkPin("1357")).toBe(false);
    });

    it("keeps the old PIN working when the PIN change cannot be written", async () => {
      const backend = failingNextWrite(await open());
      const vault = await Vault.create(backend, "1357");
      await vault.mutate((tx) => tx.putDoc(entry("d1", "Mariam"), new Uint8Array([7])));

      backend.failNext = true;
      await expect(vault.changePin("864200")).rejects.toThrow("QuotaExceededError");

      expect(await Vault.unlock(backend, "864200")).toBeUndefined();
      const reopened = await Vault.unlock(backend, "1357");
      expect(await reopened?.docBytes("d1")).toEqual(new Uint8Array([7]));
      expect(await vault.docBytes("d1")).toEqual(new Uint8Array([7]));
      await vault.mutate((tx) => tx.putDoc(entry("d2", "Awa"), new Uint8Array([8])));
      expect((await Vault.unlock(backend, "1357"))?.size).toBe(2);
    });

    it("seals a save made during a PIN change with the new key", async () => {
      const backend = await open();
      const vault = await Vault.create(backend, "1357");
      await vault.mutate((tx) => tx.putDoc(entry("d1", "Mariam"), new Uint8Array([1])));

      await Promise.all([vault.changePin("2580"), vault.mutate((tx) => tx.putDoc(entry("d2", "Awa"), new Uint8Array([2])))]);

      const reopened = await Vault.unlock(backend, "2580");
      expect(reopened?.size).toBe(2);
      expect(await reopened?.docBytes("d2")).toEqual(new Uint8Array([2]));
    });
  });
}
