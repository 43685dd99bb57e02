/**
 * A lost phone: whoever reads its IndexedDB without the PIN finds no name,
 * phone number or note. The test reads every database, store, key and value
 * the app wrote, raw, in Chromium, after the agent recorded a contact with a
 * follow-up note and the first sync brought the agency's records.
 */
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { AMINA, unique } from "./pages/app";

/** Every key and value of every IndexedDB database of the page's origin, as text. */
async function rawIndexedDb(page: Page): Promise<{ databases: string[]; values: number; text: string; automergeBlobs: number }> {
  return page.evaluate(async () => {
    const latin1 = (bytes: Uint8Array) => Array.from(bytes, (b) => String.fromCharCode(b)).join("");
    const utf8 = new TextDecoder("utf-8", { fatal: false });
    // Automerge's saved documents and changes start with these magic bytes.
    const magic = [0x85, 0x6f, 0x4a, 0x83];
    let automergeBlobs = 0;
    const asText = (value: unknown): string => {
      if (value instanceof ArrayBuffer) value = new Uint8Array(value);
      if (ArrayBuffer.isView(value)) {
        const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
        for (let i = 0; i + 4 <= bytes.length; i++) {
          if (magic.every((m, j) => bytes[i + j] === m)) {
            automergeBlobs++;
            break;
          }
        }
        return `${utf8.decode(bytes)}\n${latin1(bytes)}`;
      }
      if (value instanceof Blob) return "[blob]";
      if (value && typeof value === "object") return Object.entries(value).map(([k, v]) => `${k}=${asText(v)}`).join("\n");
      return String(value);
    };
    const request = <T>(r: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    const infos = await indexedDB.databases();
    const parts: string[] = [];
    let values = 0;
    for (const info of infos) {
      if (!info.name) continue;
      const db = await request(indexedDB.open(info.name));
      for (const storeName of Array.from(db.objectStoreNames)) {
        const store = db.transaction(storeName, "readonly").objectStore(storeName);
        const [keys, all] = await Promise.all([request(store.getAllKeys()), request(store.getAll())]);
        values += all.length;
        parts.push(storeName, ...keys.map(asText), ...all.map(asText));
      }
      db.close();
    }
    return { databases: infos.map((i) => i.name ?? ""), values, text: parts.join("\n"), automergeBlobs };
  });
}

test("a lost phone's IndexedDB holds no readable name, phone number or note without the PIN", async ({ phones }) => {
  // Arrange: an enrolled phone; a contact with a name, a phone and a follow-up note.
  const app = await phones.open({ serviceWorkers: "block" });
  await app.enrol(AMINA);
  const given = unique("Nadira");
  const family = unique("Ouazzani");
  const phone = "+33 6 47 58 69 70";
  const note = unique("Souhaite une formation de boulangerie");
  await app.contacts().open();
  const detail = await app.contacts().create({ givenName: given, familyName: family, phone });
  await detail.addFollowUp("Appel", note);
  await app.status.syncAndWait();

  // Act: read the raw storage, as someone holding the phone but not the PIN would.
  const raw = await rawIndexedDb(app.page);

  // Assert: there is data, and none of it is readable.
  expect(raw.databases.length).toBeGreaterThan(0);
  expect(raw.values).toBeGreaterThan(3);
  expect(raw.text.length, "the reader saw the stored bytes").toBeGreaterThan(2000);
  for (const secret of [given, family, note, phone, "47 58 69 70", "47586970", "Nadira", "Ouazzani", "boulangerie"]) {
    expect(raw.text.includes(secret), `${secret} readable in IndexedDB`).toBe(false);
  }
  // The agency's records pulled at the first sync are sealed too (no Automerge document in clear).
  expect(raw.automergeBlobs, "Automerge documents stored unencrypted").toBe(0);
});
