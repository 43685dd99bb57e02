/**
 * The storage interface every backend implements: named stores of byte
 * values under string keys, and atomic batches of writes across stores.
 *
 * Backends know nothing of encryption or records; {@link ../store/vault} seals
 * values before they reach a backend. One conformance suite
 * (`conformance.ts`) runs over every backend.
 */

export const StoreName = {
  /** Plain settings needed before unlocking: key parameters, PIN check, language. */
  Config: "config",
  /** Sealed Automerge documents, by document id. */
  Docs: "docs",
  /** Sealed buckets of the local index, by bucket name. */
  Index: "index",
  /** Sealed account and sync state. */
  Meta: "meta",
} as const;
export type StoreName = (typeof StoreName)[keyof typeof StoreName];

export const ALL_STORES: readonly StoreName[] = Object.values(StoreName);

export type Write =
  | { readonly op: "put"; readonly store: StoreName; readonly key: string; readonly value: Uint8Array }
  | { readonly op: "delete"; readonly store: StoreName; readonly key: string };

export interface StorageBackend {
  /** The value under `key`, or undefined. */
  get(store: StoreName, key: string): Promise<Uint8Array | undefined>;
  /** Every key and value of a store, in key order. */
  entries(store: StoreName): Promise<Array<[string, Uint8Array]>>;
  /** Every key of a store, in key order. */
  keys(store: StoreName): Promise<string[]>;
  /** Applies all writes or none; resolves once they are durable. */
  write(writes: readonly Write[]): Promise<void>;
  /** Deletes everything in every store. */
  clear(): Promise<void>;
  close(): void;
}

/** Why a write batch was refused before touching anything. */
export class InvalidWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidWriteError";
  }
}

/** Checks a batch the same way in every backend, so they refuse the same things. */
export function checkWrites(writes: readonly Write[]): void {
  for (const [i, w] of writes.entries()) {
    if (!ALL_STORES.includes(w.store)) throw new InvalidWriteError(`writes[${i}]: unknown store ${String(w.store)}`);
    if (typeof w.key !== "string" || w.key.length === 0) {
      throw new InvalidWriteError(`writes[${i}]: a key must be a non-empty string`);
    }
    if (w.op === "put" && !(w.value instanceof Uint8Array)) {
      throw new InvalidWriteError(`writes[${i}]: a value must be bytes`);
    }
  }
}
