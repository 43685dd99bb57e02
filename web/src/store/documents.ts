/**
 * Creating and editing record documents on the phone: load the latest saved
 * bytes, apply one change with this install's actor id, save, and commit the
 * document and its index line together. Each save is one Automerge change,
 * durable in IndexedDB when the promise resolves.
 */
import { A } from "../automerge";
import { recordTypeOf, summarize } from "../model/summary";
import type { RecordType } from "../model/vocabulary";
import type { IndexEntry } from "./types";
import type { Vault } from "./vault";

export class DocumentNotFoundError extends Error {
  constructor(id: string) {
    super(`document ${id} is not on this device`);
    this.name = "DocumentNotFoundError";
  }
}

export class Documents {
  constructor(
    private readonly vault: Vault,
    private readonly actor: string,
    private readonly onSaved: () => void = () => undefined,
  ) {}

  /** Stores a document made with {@link A.change} from `A.init({ actor })`. */
  async create<T>(id: string, type: RecordType, doc: A.Doc<T>): Promise<void> {
    const bytes = A.save(doc);
    const entry: IndexEntry = {
      id,
      type,
      sync: { heads: A.getHeads(doc), acked: [], dirty: true },
      summary: summarize(type, doc),
    };
    await this.vault.mutate((tx) => tx.putDoc(entry, bytes));
    this.onSaved();
  }

  /** The document as stored now (a copy to read; edits go through {@link edit}). */
  async load<T>(id: string): Promise<A.Doc<T> | undefined> {
    const bytes = await this.vault.docBytes(id);
    return bytes ? A.load<T>(bytes, { actor: this.actor }) : undefined;
  }

  /**
   * Applies `change` to the latest stored version; no write when it changes
   * nothing. Resolves with the new document once it is durable.
   */
  async edit<T>(id: string, change: (doc: A.Doc<T>) => A.Doc<T>): Promise<A.Doc<T>> {
    const result = await this.vault.mutate(async (tx) => {
      const bytes = await tx.docBytes(id);
      const current = tx.entry(id);
      if (!bytes || !current) throw new DocumentNotFoundError(id);
      const before = A.load<T>(bytes, { actor: this.actor });
      const after = change(before);
      const heads = A.getHeads(after);
      if (sameHeads(heads, current.sync.heads)) return { doc: after, changed: false };
      const type = current.type ?? recordTypeOf(after);
      tx.putDoc(
        { ...current, sync: { ...current.sync, heads, dirty: true }, summary: summarize(type, after) },
        A.save(after),
      );
      return { doc: after, changed: true };
    });
    if (result.changed) this.onSaved();
    return result.doc;
  }
}

export function sameHeads(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((h) => set.has(h));
}
