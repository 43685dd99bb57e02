import { describe, expect, it } from "vitest";
import { MemoryBackend } from "./memory";
import { IndexedDbBackend } from "./idb";
import { StoreName, type StorageBackend } from "./backend";
import { Vault, hasVault } from "./vault";
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

    it("runs mutations one at a time so none is lost", async () => {
      const backend = await open();
      const vault = await Vault.create(backend, "1357");
      await Promise.all(Array.from({ length: 20 }, (_, i) => vault.mutate((tx) => tx.putDoc(entry(`d${i}`, `P${i}`), new Uint8Array([i])))));
      const reopened = await Vault.unlock(backend, "1357");
      expect(reopened?.size).toBe(20);
    });
  });
}
