/**
 * The behaviour every storage backend must have, as a Vitest suite run once
 * per backend (see `backends.test.ts`).
 */
import { describe, expect, it } from "vitest";
import { InvalidWriteError, StoreName, type StorageBackend, type Write } from "./backend";

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

export function storageConformance(name: string, open: () => Promise<StorageBackend>): void {
  describe(`${name} storage backend`, () => {
    it("returns undefined for a key never written", async () => {
      const backend = await open();
      expect(await backend.get(StoreName.Docs, "missing")).toBeUndefined();
    });

    it("reads back exactly the bytes it was given", async () => {
      const backend = await open();
      await backend.write([{ op: "put", store: StoreName.Docs, key: "a", value: bytes(1, 2, 3) }]);
      expect(await backend.get(StoreName.Docs, "a")).toEqual(bytes(1, 2, 3));
    });

    it("keeps stores apart under the same key", async () => {
      const backend = await open();
      await backend.write([
        { op: "put", store: StoreName.Docs, key: "k", value: bytes(1) },
        { op: "put", store: StoreName.Meta, key: "k", value: bytes(2) },
      ]);
      expect(await backend.get(StoreName.Docs, "k")).toEqual(bytes(1));
      expect(await backend.get(StoreName.Meta, "k")).toEqual(bytes(2));
    });

    it("lists entries and keys in key order", async () => {
      const backend = await open();
      await backend.write([
        { op: "put", store: StoreName.Index, key: "b", value: bytes(2) },
        { op: "put", store: StoreName.Index, key: "a", value: bytes(1) },
      ]);
      expect(await backend.keys(StoreName.Index)).toEqual(["a", "b"]);
      expect(await backend.entries(StoreName.Index)).toEqual([
        ["a", bytes(1)],
        ["b", bytes(2)],
      ]);
    });

    it("deletes a key and overwrites a value", async () => {
      const backend = await open();
      await backend.write([
        { op: "put", store: StoreName.Docs, key: "a", value: bytes(1) },
        { op: "put", store: StoreName.Docs, key: "b", value: bytes(1) },
      ]);
      await backend.write([
        { op: "delete", store: StoreName.Docs, key: "a" },
        { op: "put", store: StoreName.Docs, key: "b", value: bytes(9) },
      ]);
      expect(await backend.get(StoreName.Docs, "a")).toBeUndefined();
      expect(await backend.get(StoreName.Docs, "b")).toEqual(bytes(9));
    });

    it("refuses a whole batch that holds one invalid write and changes nothing", async () => {
      const backend = await open();
      await backend.write([{ op: "put", store: StoreName.Docs, key: "a", value: bytes(1) }]);
      const batch = [
        { op: "put", store: StoreName.Docs, key: "a", value: bytes(2) },
        { op: "put", store: StoreName.Meta, key: "", value: bytes(3) },
      ] as const satisfies readonly Write[];
      await expect(backend.write(batch)).rejects.toBeInstanceOf(InvalidWriteError);
      expect(await backend.get(StoreName.Docs, "a")).toEqual(bytes(1));
    });

    it("is not changed by later mutation of the bytes it was given or returned", async () => {
      const backend = await open();
      const value = bytes(1, 2);
      await backend.write([{ op: "put", store: StoreName.Docs, key: "a", value }]);
      value[0] = 7;
      const read = await backend.get(StoreName.Docs, "a");
      if (read) read[1] = 7;
      expect(await backend.get(StoreName.Docs, "a")).toEqual(bytes(1, 2));
    });

    it("forgets everything on clear", async () => {
      const backend = await open();
      await backend.write([
        { op: "put", store: StoreName.Docs, key: "a", value: bytes(1) },
        { op: "put", store: StoreName.Config, key: "c", value: bytes(1) },
      ]);
      await backend.clear();
      expect(await backend.keys(StoreName.Docs)).toEqual([]);
      expect(await backend.keys(StoreName.Config)).toEqual([]);
    });

    it("accepts an empty batch", async () => {
      const backend = await open();
      await expect(backend.write([])).resolves.toBeUndefined();
    });
  });
}
