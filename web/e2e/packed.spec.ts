import { gunzipSync } from "node:zlib";
import type { Page } from "@playwright/test";
import { decodeRequest, decodeResponse } from "../src/sync/wire";
import { expect, test } from "./fixtures";
import { AMINA, YOUSSEF, unique } from "./pages/app";

interface SyncSeen {
  /** The request asked for packed changes. */
  readonly asked: boolean;
  /** Packed changes in the answer. */
  readonly packed: number;
}

/**
 * Every sync of `page`, decoded from what went over the wire, added as its
 * answer is read (an answer still arriving when the page closes is left out).
 */
function watchSyncs(page: Page): SyncSeen[] {
  const seen: SyncSeen[] = [];
  page.on("response", (response) => {
    if (!response.url().endsWith("/api/v1/sync") || !response.ok()) return;
    void (async () => {
      const request = response.request();
      const sent = request.postDataBuffer() ?? Buffer.alloc(0);
      const gzipped = (await request.allHeaders())["content-encoding"] === "gzip";
      const asked = decodeRequest(new Uint8Array(gzipped ? gunzipSync(sent) : sent)).pull?.pack === true;
      const answer = decodeResponse(new Uint8Array(await response.body()));
      const packed = (answer.pull?.items ?? []).flatMap((item) => item.data).filter((d) => Array.isArray(d)).length;
      seen.push({ asked, packed });
    })().catch(() => undefined);
  });
  return seen;
}

test("a phone on a 2G link pulls another agent's new contacts and edits as packed changes, rebuilt without falling back", async ({ phones }) => {
  // Arrange: two phones up to date; Youssef's is on a 2G link (as the
  // browser's Network Information API reports it), and its syncs are watched.
  const amina = await phones.open();
  await amina.enrol(AMINA);
  const youssef = await phones.open();
  await youssef.enrol(YOUSSEF);
  await youssef.page.evaluate(() => {
    Object.defineProperty(navigator, "connection", { value: { effectiveType: "2g", saveData: false }, configurable: true });
  });
  const syncs = watchSyncs(youssef.page);
  const names = [unique("Mariam"), unique("Idriss")];
  const contacts = amina.contacts();
  for (const name of names) {
    await contacts.open();
    await contacts.create({ givenName: name });
  }
  await amina.status.syncAndWait();

  // Act: Youssef pulls them, then an edit of one of them.
  await youssef.status.syncAndWait();
  await contacts.open();
  const form = await (await contacts.openContact(names[0] ?? "")).edit();
  await form.setCity("Vénissieux");
  await form.save();
  await amina.status.syncAndWait();
  await youssef.status.syncAndWait();

  // Assert: packed changes came, every request asked for them (none had to
  // be pulled again plain), and Youssef's phone shows the contacts and the edit.
  await expect.poll(() => syncs.reduce((n, s) => n + s.packed, 0)).toBeGreaterThanOrEqual(3);
  // From its first request for packed changes on, the phone never asked
  // for plain ones: nothing had to be pulled again.
  const first = syncs.findIndex((s) => s.asked);
  expect(first).toBeGreaterThanOrEqual(0);
  expect(syncs.slice(first).every((s) => s.asked)).toBe(true);
  const theirs = youssef.contacts();
  for (const name of names) {
    await theirs.open();
    await theirs.search(name);
    await expect(theirs.results()).toHaveCount(1);
  }
  const detail = await theirs.openContact(names[0] ?? "");
  await expect(detail.page.getByText("Vénissieux")).toBeVisible();
});
