import { describe, expect, it } from "vitest";
import { A } from "../automerge";
import { bytesToHex, hexToBytes, randomBytes, randomUuid } from "../bytes";
import { contactToForm, createContact, emptyContactForm, updateContact, type ContactDoc } from "../model/contact";
import type { SessionDoc } from "../model/session";
import { RecordType } from "../model/vocabulary";
import { MemoryBackend } from "../store/memory";
import type { Account } from "../store/types";
import { Vault } from "../store/vault";
import { FIRST_SYNC_PULL_BUDGET, PULL_BUDGET, SyncEngine, firstSyncBudgetFor, type LinkHint } from "./engine";
import type { Transport } from "./transport";
import { decodeRequest, encodeResponse, ItemKind, type PullItem } from "./wire";

/**
 * A session created as one change and deflated (chunk type 2), as the Rust
 * automerge crate writes changes over 256 bytes with `Change::bytes()`;
 * older clients may push such changes and the server may relay them.
 */
const DEFLATED_SESSION_ID = "e2871fc5-5fc3-43ed-858c-58a14fbcea4b";
const DEFLATED_SESSION_CHANGE = hexToBytes(
  "856f4a8360dad4ce0287034d90b1aed33018466d9386deea227500098925032396ecc46e9c8e9799890a2496ea8ffd07" +
  "2c52278aad8a3270671e03b1c0c2c80b2085376065ba3b1333e20a10dbb79c73a48face5ddabfd8fe371f7f5fda7b7d9" +
  "d587734a09214b9ab3fcce3baae8c5ad27f79e7ea7232339236449729693e57806cf31d8d3debb15a484c141b0b8b213" +
  "4242b787f46fb6a79b185cdc433aefc0fade2748c314578f0e585c6080dedf6fa5104a558aab061aae144ade1ab5e1d8" +
  "d655b931ba93ca32efb2973eb8451812c6c5d883c53cda177880b398604abf0b8b348cde66e934e2fa0d2537e825c9e8" +
  "65b6a0afe78ccc6cce6646187b35679f29f9496fcfec1b3b36adeed0e8863b5d0257503b6e8cecf8465bd44e0ad7d4b2" +
  "14e5864bc965b31366abcaad10cfb0319d2b013860855c4957f3b6c48edbd608289d30da567fb9b2d9c96a2bc435579a" +
  "5a765673ddd98aab0a1d37da58ae0d48d5b51641b53e74c37480e487f018fa1e0bf9a0b8fe1be9ff4af947f970faf211" +
  "a7220ea1c090261c271f31628c7e086bf20b" 
);

const AUTHOR = { userId: randomUuid(), agencyId: "7d2c1f4e-0000-4000-8000-000000000001" };
const EPOCH = "e0000000000040008000000000000001";

/** An engine whose server answers each request with the next of `pages` (then empty ones) and records the budgets asked for. */
async function phoneServedBy(pages: PullItem[][], link?: () => LinkHint | undefined) {
  const account: Account = {
    deviceId: randomUuid(),
    token: "token",
    userId: AUTHOR.userId,
    agencyId: AUTHOR.agencyId,
    displayName: "Test agent",
    role: "agent",
    username: "agent",
    actor: bytesToHex(randomBytes(16)),
    enrolledAt: new Date().toISOString(),
  };
  const vault = await Vault.create(new MemoryBackend(), "2468");
  await vault.mutate((tx) => tx.putMeta("account", account));
  const budgets: number[] = [];
  let served = 0;
  const transport: Transport = {
    postSync(body) {
      const request = decodeRequest(body);
      budgets.push(request.pull?.budget ?? 0);
      const items = pages[served] ?? [];
      served++;
      // Like a first sync: a snapshot position while pages remain.
      const more = served < pages.length;
      const pull = { items, cursor: served, snapshot: more ? served : null, more, reset: false };
      return Promise.resolve({ status: 200, body: encodeResponse({ epoch: EPOCH, results: [], pull }) });
    },
  };
  return { vault, engine: new SyncEngine(vault, transport, account, { link }), budgets };
}

function contact(givenName: string): { id: string; doc: A.Doc<ContactDoc> } {
  const id = randomUuid();
  const form = { ...emptyContactForm(), givenName, familyName: "Haddad", notes: "Cherche une formation ".repeat(20) };
  return { id, doc: createContact(id, form, AUTHOR, bytesToHex(randomBytes(16)), "2026-11-29T09:00:00Z") };
}

async function loaded<T>(vault: Vault, id: string): Promise<A.Doc<T>> {
  const bytes = await vault.docBytes(id);
  if (!bytes) throw new Error(`document ${id} was not stored`);
  return A.load<T>(bytes);
}

describe("pulled document encodings", () => {
  it("loads documents saved without deflate and changes deflated or not", async () => {
    const saved = contact("Rim");
    const plainSnapshot = A.getBackend(saved.doc).saveNoCompress();
    expect(plainSnapshot.length).toBeGreaterThan(A.save(saved.doc).length);
    const edited = contact("Yasmine");
    const later = updateContact(A.clone(edited.doc), { ...contactToForm(edited.doc), city: "Lyon" }, AUTHOR, "2026-11-29T10:00:00Z");
    const plainChanges = A.getChanges(A.init(), later);
    expect(plainChanges.map((c) => c[8])).toEqual([1, 1]);
    expect(DEFLATED_SESSION_CHANGE[8]).toBe(2);
    const { vault, engine } = await phoneServedBy([
      [
        { id: saved.id, kind: ItemKind.Snapshot, type: RecordType.Contact, data: [plainSnapshot] },
        { id: edited.id, kind: ItemKind.Changes, type: RecordType.Contact, data: plainChanges },
        { id: DEFLATED_SESSION_ID, kind: ItemKind.Changes, type: RecordType.Session, data: [DEFLATED_SESSION_CHANGE] },
      ],
    ]);

    await engine.syncUntilIdle();

    const rim = await loaded<ContactDoc>(vault, saved.id);
    expect(contactToForm(rim).givenName).toBe("Rim");
    expect(A.getHeads(rim)).toEqual(A.getHeads(saved.doc));
    const yasmine = await loaded<ContactDoc>(vault, edited.id);
    expect(contactToForm(yasmine).city).toBe("Lyon");
    expect(A.getHeads(yasmine)).toEqual(A.getHeads(later));
    const session = await loaded<SessionDoc>(vault, DEFLATED_SESSION_ID);
    expect(session.topic.toString()).toBe("Créer son entreprise");
    expect(vault.size).toBe(3);
  });

  it("asks for first-sync pages until the feed is drained, then for ordinary ones", async () => {
    const { engine, budgets } = await phoneServedBy([[], []]);

    await engine.syncUntilIdle();
    await engine.syncOnce();

    expect(budgets).toEqual([FIRST_SYNC_PULL_BUDGET, FIRST_SYNC_PULL_BUDGET, PULL_BUDGET]);
  });

  it("asks for ordinary pages during a first sync on a slow link, looking at the link at each sync", async () => {
    let link: LinkHint | undefined = { effectiveType: "2g" };
    const { engine, budgets } = await phoneServedBy([[], [], []], () => link);

    await engine.syncOnce();
    link = { effectiveType: "4g" };
    await engine.syncOnce();
    await engine.syncOnce();
    await engine.syncOnce();

    expect(budgets).toEqual([PULL_BUDGET, FIRST_SYNC_PULL_BUDGET, FIRST_SYNC_PULL_BUDGET, PULL_BUDGET]);
  });

  it("keeps the largest first-sync page for fast links and browsers that say nothing, and ordinary ones to save data", () => {
    expect(firstSyncBudgetFor(undefined)).toBe(FIRST_SYNC_PULL_BUDGET);
    expect(firstSyncBudgetFor({})).toBe(FIRST_SYNC_PULL_BUDGET);
    expect(firstSyncBudgetFor({ effectiveType: "4g" })).toBe(FIRST_SYNC_PULL_BUDGET);
    expect(firstSyncBudgetFor({ effectiveType: "4g", saveData: true })).toBe(PULL_BUDGET);
    for (const slow of ["slow-2g", "2g", "3g"]) expect(firstSyncBudgetFor({ effectiveType: slow })).toBe(PULL_BUDGET);
    expect(FIRST_SYNC_PULL_BUDGET).toBe(8 << 20);
  });
});
