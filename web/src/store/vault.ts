/**
 * The encrypted store: every document, every bucket of the local index and
 * the account and sync state are sealed with the PIN key before they reach
 * the backend. The index lives decrypted in memory while unlocked, so lists
 * and search never open a document.
 *
 * Writes go through {@link Vault.mutate}: one at a time (an async lock),
 * prepared against the current state, then sealed (all values at once) and
 * written in one backend batch; the in-memory index changes only after the
 * batch is durable. A save rewrites only the index buckets it touches
 * (see {@link ./buckets}).
 *
 * {@link Vault.changePin} seals everything again under a new key in one
 * batch, so an interrupted change leaves the old PIN working, never a mix.
 */
import { checkVerifier, decrypt, deriveKey, encrypt, makeVerifier, newKeyParams, type KeyParams } from "./crypto";
import { StoreName, type StorageBackend, type Write } from "./backend";
import { bucketOf, decodeBucket, encodeBucket } from "./buckets";
import type { IndexEntry } from "./types";
import { bytesToHex, hexToBytes } from "../bytes";

const ConfigKey = { KeyParams: "key-params", Verifier: "pin-verifier" } as const;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function toJsonBytes(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

function fromJsonBytes(bytes: Uint8Array): unknown {
  return JSON.parse(decoder.decode(bytes));
}

/** A key for `pin` with a new salt, and the config writes that record it. */
async function newKey(pin: string): Promise<{ key: CryptoKey; writes: Write[] }> {
  const params = newKeyParams();
  const key = await deriveKey(pin, params);
  const verifier = await makeVerifier(key);
  const writes: Write[] = [
    {
      op: "put",
      store: StoreName.Config,
      key: ConfigKey.KeyParams,
      value: toJsonBytes({ salt: bytesToHex(params.salt), iterations: params.iterations }),
    },
    { op: "put", store: StoreName.Config, key: ConfigKey.Verifier, value: verifier },
  ];
  return { key, writes };
}

/** The key `pin` gives with the stored parameters, or undefined when it is not the PIN. */
async function keyFor(backend: StorageBackend, pin: string): Promise<CryptoKey | undefined> {
  const paramBytes = await backend.get(StoreName.Config, ConfigKey.KeyParams);
  const verifier = await backend.get(StoreName.Config, ConfigKey.Verifier);
  if (!paramBytes || !verifier) throw new Error("no PIN was set on this device");
  const raw = fromJsonBytes(paramBytes) as { salt: string; iterations: number };
  const params: KeyParams = { salt: hexToBytes(raw.salt), iterations: raw.iterations };
  const key = await deriveKey(pin, params);
  return (await checkVerifier(key, verifier)) ? key : undefined;
}

/** A User Timing mark, so scripts/bench.mjs can split the unlock time. */
function mark(name: string): void {
  globalThis.performance?.mark?.(name);
}

/** Reads a plain (unsealed) setting. */
export async function readConfig(backend: StorageBackend, key: string): Promise<string | undefined> {
  const bytes = await backend.get(StoreName.Config, key);
  return bytes ? decoder.decode(bytes) : undefined;
}

export async function writeConfig(backend: StorageBackend, key: string, value: string): Promise<void> {
  await backend.write([{ op: "put", store: StoreName.Config, key, value: encoder.encode(value) }]);
}

/** Whether a PIN was set on this device (a vault exists). */
export async function hasVault(backend: StorageBackend): Promise<boolean> {
  return (await backend.get(StoreName.Config, ConfigKey.KeyParams)) !== undefined;
}

/** The pending writes of one {@link Vault.mutate} call. */
export class VaultTx {
  private readonly docs = new Map<string, Uint8Array | null>();
  private readonly entries = new Map<string, IndexEntry | null>();
  private readonly meta = new Map<string, unknown>();

  constructor(private readonly vault: Vault) {}

  /** The entry as it will be after this transaction. */
  entry(id: string): IndexEntry | undefined {
    if (this.entries.has(id)) return this.entries.get(id) ?? undefined;
    return this.vault.entry(id);
  }

  async docBytes(id: string): Promise<Uint8Array | undefined> {
    if (this.docs.has(id)) return this.docs.get(id) ?? undefined;
    return this.vault.docBytes(id);
  }

  putDoc(entry: IndexEntry, bytes: Uint8Array): void {
    this.docs.set(entry.id, bytes);
    this.entries.set(entry.id, entry);
  }

  putEntry(entry: IndexEntry): void {
    this.entries.set(entry.id, entry);
  }

  deleteDoc(id: string): void {
    this.docs.set(id, null);
    this.entries.set(id, null);
  }

  putMeta(key: string, value: unknown): void {
    this.meta.set(key, value);
  }

  /** @internal */
  pending(): {
    docs: ReadonlyMap<string, Uint8Array | null>;
    entries: ReadonlyMap<string, IndexEntry | null>;
    meta: ReadonlyMap<string, unknown>;
  } {
    return { docs: this.docs, entries: this.entries, meta: this.meta };
  }
}

export class Vault {
  /** Changed in place, only once a commit is durable: copying 5,000 entries at every save costs a slow phone milliseconds. */
  private index = new Map<string, IndexEntry>();
  /** {@link snapshot}, until an entry changes. */
  private listed: readonly IndexEntry[] | null = null;
  /** The ids each stored index bucket holds; changed with {@link index}, after the write. */
  private buckets = new Map<string, ReadonlySet<string>>();
  private lock: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<() => void>();
  /** Set while a PIN change rewrites the store: reads wait for the new key. */
  private rekeying: Promise<void> | null = null;

  private constructor(
    readonly backend: StorageBackend,
    private key: CryptoKey,
  ) {}

  /** Sets a new PIN over an empty store. */
  static async create(backend: StorageBackend, pin: string): Promise<Vault> {
    const { key, writes } = await newKey(pin);
    await backend.write(writes);
    return new Vault(backend, key);
  }

  /** Opens the store with the PIN; undefined when the PIN is wrong. */
  static async unlock(backend: StorageBackend, pin: string): Promise<Vault | undefined> {
    const key = await keyFor(backend, pin);
    if (!key) return undefined;
    mark("relais:key");
    const vault = new Vault(backend, key);
    await vault.loadIndex();
    mark("relais:index");
    return vault;
  }

  private async loadIndex(): Promise<void> {
    const stored = await this.backend.entries(StoreName.Index);
    // Each entry is written to the bucket of its id, so a bucket's key says where its entries live.
    const opened = await Promise.all(stored.map(async ([bucket, sealed]) => ({ bucket, plain: await decrypt(this.key, sealed) })));
    const index = new Map<string, IndexEntry>();
    const members = new Map<string, ReadonlySet<string>>();
    for (const { bucket, plain } of opened) {
      const ids = new Set<string>();
      for (const entry of decodeBucket(plain)) {
        index.set(entry.id, entry);
        ids.add(entry.id);
      }
      members.set(bucket, ids);
    }
    this.index = index;
    this.listed = null;
    this.buckets = members;
  }

  /** Every entry, live: iterate without awaiting in between, or inside {@link mutate} (commits change the index in place). */
  entries(): IterableIterator<IndexEntry> {
    return this.index.values();
  }

  /**
   * Every entry as it is now: the same array until a commit changes an
   * entry, then a new one (the old one is left as it was).
   */
  snapshot(): readonly IndexEntry[] {
    this.listed ??= [...this.index.values()];
    return this.listed;
  }

  entry(id: string): IndexEntry | undefined {
    return this.index.get(id);
  }

  get size(): number {
    return this.index.size;
  }

  /** Called after every committed change. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async docBytes(id: string): Promise<Uint8Array | undefined> {
    await this.rekeying;
    const sealed = await this.backend.get(StoreName.Docs, id);
    return sealed ? decrypt(this.key, sealed) : undefined;
  }

  async readMeta<T>(key: string): Promise<T | undefined> {
    await this.rekeying;
    const sealed = await this.backend.get(StoreName.Meta, key);
    return sealed ? (fromJsonBytes(await decrypt(this.key, sealed)) as T) : undefined;
  }

  /** Whether `pin` is the one that opens this store (asked again before changing it). */
  async checkPin(pin: string): Promise<boolean> {
    return (await keyFor(this.backend, pin)) !== undefined;
  }

  /**
   * Seals every document, index bucket and meta value again under a key
   * derived from `pin` (with a new salt), in one atomic batch with the new
   * key parameters. Until the batch is durable the old PIN opens everything;
   * after it, only the new one. No other mutation runs meanwhile.
   */
  changePin(pin: string): Promise<void> {
    const run = this.lock.then(async () => {
      // Holding the lock, so no mutation is running: only reads from outside one wait.
      let done = (): void => undefined;
      this.rekeying = new Promise<void>((resolve) => (done = resolve));
      try {
        const { key, writes } = await newKey(pin);
        for (const store of [StoreName.Docs, StoreName.Index, StoreName.Meta]) {
          for (const [name, sealed] of await this.backend.entries(store)) {
            writes.push({ op: "put", store, key: name, value: await encrypt(key, await decrypt(this.key, sealed)) });
          }
        }
        await this.backend.write(writes);
        this.key = key;
      } finally {
        this.rekeying = null;
        done();
      }
    });
    this.lock = run.catch(() => undefined);
    return run;
  }

  /**
   * Runs `prepare` alone (no other mutation interleaves), then writes what it
   * staged in one atomic batch. Resolves after the batch is durable.
   */
  mutate<T>(prepare: (tx: VaultTx) => Promise<T> | T): Promise<T> {
    const run = this.lock.then(async () => {
      const tx = new VaultTx(this);
      const result = await prepare(tx);
      await this.commit(tx);
      return result;
    });
    this.lock = run.catch(() => undefined);
    return run;
  }

  private async commit(tx: VaultTx): Promise<void> {
    const { docs, entries, meta } = tx.pending();
    if (docs.size === 0 && entries.size === 0 && meta.size === 0) return;
    // The ids of each touched bucket after this commit: copies, applied once the batch is durable.
    const touched = new Map<string, Set<string>>();
    for (const [id, entry] of entries) {
      const bucket = bucketOf(id);
      let ids = touched.get(bucket);
      if (!ids) {
        ids = new Set(this.buckets.get(bucket));
        touched.set(bucket, ids);
      }
      if (entry) ids.add(id);
      else ids.delete(id);
    }
    const seal = async (store: StoreName, key: string, plain: Uint8Array): Promise<Write> => ({
      op: "put",
      store,
      key,
      value: await encrypt(this.key, plain),
    });
    // Every value is sealed at once: WebCrypto works off the main thread, so one wait instead of one per value.
    const writes = await Promise.all([
      ...[...docs].map(([id, bytes]): Promise<Write> | Write =>
        bytes ? seal(StoreName.Docs, id, bytes) : { op: "delete", store: StoreName.Docs, key: id },
      ),
      ...[...touched].map(([bucket, ids]): Promise<Write> | Write =>
        ids.size === 0 ? { op: "delete", store: StoreName.Index, key: bucket } : seal(StoreName.Index, bucket, encodeBucket(ids, (id) => tx.entry(id))),
      ),
      ...[...meta].map(([key, value]) => seal(StoreName.Meta, key, toJsonBytes(value))),
    ]);
    await this.backend.write(writes);
    for (const [id, entry] of entries) {
      if (entry) this.index.set(id, entry);
      else this.index.delete(id);
    }
    if (entries.size > 0) this.listed = null;
    for (const [bucket, ids] of touched) {
      if (ids.size === 0) this.buckets.delete(bucket);
      else this.buckets.set(bucket, ids);
    }
    for (const listener of this.listeners) listener();
  }

  /** Deletes everything on this device, PIN included. */
  async wipe(): Promise<void> {
    await this.lock.catch(() => undefined);
    await this.backend.clear();
    this.index = new Map();
    this.listed = null;
    this.buckets = new Map();
    for (const listener of this.listeners) listener();
  }
}
