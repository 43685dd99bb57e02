import { describe, expect, it } from "vitest";
import { BUCKETS, bucketOf, decodeBucket, encodeBucket } from "./buckets";
import type { IndexEntry } from "./types";

const visit = (id: string, reached: number): IndexEntry => ({
  id,
  type: "visit",
  sync: { heads: ["ab"], acked: [], dirty: true },
  summary: { kind: "visit", date: "2026-11-29", neighbourhood: "Mermoz", place: "Marché", reached, womenReached: 0 },
});

describe("index buckets", () => {
  it("spreads ids over a fixed number of buckets, always the same one for an id", () => {
    const names = new Set(Array.from({ length: 2_000 }, (_, i) => bucketOf(`id-${i}`)));
    expect(names.size).toBe(BUCKETS);
    expect(bucketOf("4f1c2a")).toBe(bucketOf("4f1c2a"));
  });

  it("encodes the entries the index holds, as JSON, and decodes them back", () => {
    const a = visit("a", 3);
    const b = visit("b", 5);
    const index = new Map([
      ["a", a],
      ["b", b],
    ]);
    const bytes = encodeBucket(["a", "gone", "b"], (id) => index.get(id));
    expect(JSON.parse(new TextDecoder().decode(bytes))).toEqual([a, b]);
    expect(decodeBucket(bytes)).toEqual([a, b]);
  });

  it("encodes a changed entry as it is now, not as it was", () => {
    const index = new Map([["a", visit("a", 3)]]);
    encodeBucket(["a"], (id) => index.get(id));
    index.set("a", visit("a", 9));
    expect(decodeBucket(encodeBucket(["a"], (id) => index.get(id)))).toEqual([visit("a", 9)]);
  });
});
