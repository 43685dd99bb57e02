import { expect, test } from "./fixtures";
import { AMINA, YOUSSEF, createVisit, unique } from "./pages/app";

test("what an agent records offline survives a reload and reaches the server once online", async ({ phones }) => {
  // Arrange: an enrolled phone whose service worker holds the app shell.
  const amina = await phones.open();
  await amina.enrol(AMINA);
  await amina.waitForServiceWorker();
  const names = [unique("Awa"), unique("Mamadou"), unique("Hiba")];
  const neighbourhood = unique("Quartier");

  // Act: offline, three contacts, a follow-up and a visit; reload while still offline.
  await amina.goOffline();
  const contacts = amina.contacts();
  for (const [i, name] of names.entries()) {
    await contacts.open();
    await contacts.create({ givenName: name, phone: `06 12 34 5${i} 0${i}`, neighbourhood: "La Duchère" });
  }
  await contacts.open();
  const first = await contacts.openContact(names[0] ?? "");
  await first.addFollowUp("Appel", "Rappeler lundi pour la formation");
  await createVisit(amina.page, { neighbourhood, place: "Marché", reached: 12, women: 5 });
  await expect(amina.status.pending).toHaveAttribute("data-count", "4");

  await amina.page.reload();
  await amina.unlock();
  await expect(amina.status.pending).toHaveAttribute("data-count", "4");
  await contacts.open();
  for (const name of names) {
    await contacts.search(name);
    await expect(contacts.results()).toHaveCount(1);
  }

  await amina.goOnline();
  await amina.status.waitUntilSynced();

  // Assert: a second phone's first sync gets exactly what was typed.
  const youssef = await phones.open();
  await youssef.enrol(YOUSSEF);
  const theirs = youssef.contacts();
  await theirs.open();
  for (const name of names) {
    await theirs.search(name);
    await expect(theirs.results()).toHaveCount(1);
  }
  const detail = await theirs.openContact(names[0] ?? "");
  await expect(detail.followUps()).toHaveCount(1);
  await expect(detail.followUps().first()).toContainText("Rappeler lundi pour la formation");
  await youssef.page.goto("/#/visits");
  await expect(youssef.page.getByTestId("visits-list").getByRole("link").filter({ hasText: neighbourhood })).toContainText("12 personnes, dont 5 femmes");
});
