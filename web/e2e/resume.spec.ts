import { expect, test } from "./fixtures";
import { AMINA, AgentApp, YOUSSEF, unique } from "./pages/app";

test("a page closed in the middle of a sync loses nothing and duplicates nothing", async ({ phones }) => {
  // Arrange: a contact waiting to be sent. No service worker, so the route below sees every request.
  const amina = await phones.open({ serviceWorkers: "block" });
  await amina.enrol(AMINA);
  const name = unique("Yasmine");
  await amina.goOffline();
  await amina.contacts().open();
  await amina.contacts().create({ givenName: name, phone: "07 11 22 33 44" });
  await expect(amina.status.pending).toHaveAttribute("data-count", "1");

  // Act: the server commits the push, then the page dies before reading the answer.
  let committed = false;
  await amina.context.route("**/api/v1/sync", async (route) => {
    await route.fetch();
    committed = true;
    await amina.page.close();
  });
  await amina.context.setOffline(false);
  await expect.poll(() => committed, { timeout: 60_000 }).toBe(true);
  await amina.context.unroute("**/api/v1/sync");

  const reopened = new AgentApp(await amina.context.newPage());
  await reopened.page.goto("/");
  await reopened.unlock();
  await reopened.status.waitUntilSynced();

  // Assert: another phone sees the contact exactly once.
  const youssef = await phones.open();
  await youssef.enrol(YOUSSEF);
  await youssef.contacts().open();
  await youssef.contacts().search(name);
  await expect(youssef.contacts().results()).toHaveCount(1);
});
