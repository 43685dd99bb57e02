import { describe, expect, it } from "vitest";
import { CborError, decodeCbor, encodeCbor } from "./cbor";
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse, WireError } from "./wire";

describe("the CBOR codec", () => {
  it("round-trips every value kind the protocol uses", () => {
    const value = { v: 1, big: 2 ** 40, neg: -500, t: "é", b: new Uint8Array([0, 255]), l: [true, false, null], m: { x: 24, y: 256, z: 65536 } };
    expect(decodeCbor(encodeCbor(value))).toEqual(value);
  });

  it("encodes small maps exactly as ciborium does", () => {
    expect([...encodeCbor({ v: 1 })]).toEqual([0xa1, 0x61, 0x76, 0x01]);
    expect([...encodeCbor(new Uint8Array([7]))]).toEqual([0x41, 0x07]);
  });

  it("refuses truncated or trailing bytes instead of guessing", () => {
    const bytes = encodeCbor({ a: "hello" });
    expect(() => decodeCbor(bytes.slice(0, -1))).toThrow(CborError);
    expect(() => decodeCbor(new Uint8Array([...bytes, 0]))).toThrow(CborError);
  });
});

describe("the sync messages", () => {
  it("round-trip a request with pushes and a pull position", () => {
    const request = {
      device: "0f8fad5b-d9cb-469f-a165-70867728950e",
      batch: "00112233445566778899aabbccddeeff",
      epoch: null,
      push: [{ id: "7c9e6679-7425-40de-944b-e07fc1f90ae7", type: "contact" as const, heads: ["ab".repeat(32)], changes: [new Uint8Array([1, 2, 3])] }],
      pull: { cursor: 42, snapshot: null, budget: 1 << 20 },
    };
    expect(decodeRequest(encodeRequest(request))).toEqual(request);
  });

  it("round-trip a response and name a bad field", () => {
    const response = {
      epoch: "ff".repeat(16),
      results: [{ id: "7c9e6679-7425-40de-944b-e07fc1f90ae7", status: "need" as const, heads: [], reason: null }],
      pull: { items: [{ id: "7c9e6679-7425-40de-944b-e07fc1f90ae7", kind: "erased" as const, data: [] }], cursor: 9, snapshot: 3, more: true, reset: false },
    };
    expect(decodeResponse(encodeResponse(response))).toEqual(response);
    expect(() => decodeResponse(encodeCbor({ v: 1, epoch: new Uint8Array(3) }))).toThrow(WireError);
  });
});
