import { describe, expect, it } from "vitest";
import { newRecordId, randomUuid } from "./bytes";

describe("record ids", () => {
  it("are version 7 UUIDs carrying the time they were made", () => {
    const id = newRecordId(Date.UTC(2026, 10, 29, 10, 0, 0));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const millis = parseInt(id.replace(/-/g, "").slice(0, 12), 16);
    expect(millis).toBeGreaterThanOrEqual(Date.UTC(2026, 10, 29, 10, 0, 0));
  });

  it("sort in the order they were made, even within one millisecond or when the clock steps back", () => {
    const at = Date.UTC(2026, 10, 29, 11, 0, 0);
    const made = [
      ...Array.from({ length: 5000 }, () => newRecordId(at)),
      ...Array.from({ length: 10 }, () => newRecordId(at - 60_000)),
      ...Array.from({ length: 10 }, (_, i) => newRecordId(at + 10_000 + i)),
    ];
    const sorted = [...made].sort();
    expect(sorted).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
  });

  it("differ from random ids only in their first bits", () => {
    expect(randomUuid()[14]).toBe("4");
    expect(newRecordId()[14]).toBe("7");
  });
});
