// node --test bench/compare/seed.test.mjs (run by bench/compare.sh)
import assert from "node:assert/strict";
import test from "node:test";
import { ImmutableString, free, from } from "@automerge/automerge";
import { reserveWasmMemory, wasmMemory } from "./seed.mjs";

/** A page of WebAssembly memory (bytes): the memory grows by whole pages; other external memory moves by less. */
const PAGE = 64 * 1024;

/** Make and free `count` contact-sized documents; what the module's memory grew by while they lived. */
function growthFor(count) {
  const before = wasmMemory();
  const docs = [];
  for (let i = 0; i < count; i++) {
    docs.push(from({ id: new ImmutableString(`c-${i}`), given_name: `Amina ${i}`, notes: "x".repeat(200) }));
  }
  const grown = wasmMemory() - before;
  for (const doc of docs) free(doc);
  return grown;
}

test("no memory is reserved for an agency of at most the threshold's documents", () => {
  const before = wasmMemory();
  assert.equal(reserveWasmMemory(1_000, { above: 1_000 }), 0);
  assert.ok(Math.abs(wasmMemory() - before) < PAGE);
});

test("documents made after the reserve fit in it without growing the module's memory", () => {
  const unreserved = growthFor(2_000);
  assert.ok(unreserved >= 16 * PAGE, `without a reserve, 2,000 documents grew the memory by ${unreserved} bytes`);
  const reserved = reserveWasmMemory(2_000, { above: 0, perDocument: 32 * 1024 });
  assert.ok(reserved >= 2_000 * 32 * 1024, `reserved ${reserved} bytes`);
  const grown = growthFor(2_000);
  assert.ok(grown < PAGE, `with the reserve, 2,000 documents grew the memory by ${grown} bytes`);
});
