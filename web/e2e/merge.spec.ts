import { expect, test } from "./fixtures";
import { AMINA, RollCallPage, YOUSSEF, createSession, unique } from "./pages/app";

test("two agents editing offline are merged, and the conflicting field is offered for one-tap resolution", async ({ phones }) => {
  // Arrange: two phones sharing a contact, two people to mark and a session.
  const amina = await phones.open();
  await amina.enrol(AMINA);
  const youssef = await phones.open();
  await youssef.enrol(YOUSSEF);
  const shared = unique("Fatou");
  const [p1, p2] = [unique("Karim"), unique("Salma")];
  const topic = unique("Atelier CV");
  const contacts = amina.contacts();
  for (const name of [shared, p1, p2]) {
    await contacts.open();
    await contacts.create({ givenName: name });
  }
  await createSession(amina.page, topic);
  await amina.status.syncAndWait();
  await youssef.status.syncAndWait();
  const theirs = youssef.contacts();
  await theirs.open();
  await theirs.search(shared);
  await expect(theirs.results()).toHaveCount(1);

  // Act: both offline, the same field edited differently, different people marked.
  await amina.goOffline();
  await youssef.goOffline();
  await contacts.open();
  let form = await (await contacts.openContact(shared)).edit();
  await form.setCity("Vénissieux");
  await form.save();
  await theirs.open();
  form = await (await theirs.openContact(shared)).edit();
  await form.setCity("Villeurbanne");
  await form.save();
  const aminaRoll = new RollCallPage(amina.page);
  await aminaRoll.open(topic);
  await aminaRoll.mark(p1, "Présent·e");
  const youssefRoll = new RollCallPage(youssef.page);
  await youssefRoll.open(topic);
  await youssefRoll.mark(p2, "Présent·e");

  await amina.goOnline();
  await youssef.goOnline();
  await amina.status.syncAndWait();
  await youssef.status.syncAndWait();
  await amina.status.syncAndWait();

  // Assert: both marks on both phones; the city conflict is offered on both.
  for (const app of [amina, youssef]) {
    const roll = new RollCallPage(app.page);
    await roll.open(topic);
    await expect(app.page.getByTestId("roll-counts")).toHaveText("2 présent·e·s, 0 absent·e");
    const detail = await app.contacts().openContact(shared);
    await expect(detail.conflicts()).toContainText("Vénissieux");
    await expect(detail.conflicts()).toContainText("Villeurbanne");
  }

  // One tap on Amina's phone resolves it everywhere.
  const detail = await amina.contacts().openContact(shared);
  await detail.conflicts().getByRole("button", { name: "Garder « Villeurbanne »" }).click();
  await expect(detail.conflicts()).toHaveCount(0);
  await amina.status.syncAndWait();
  await youssef.status.syncAndWait();
  const after = await youssef.contacts().openContact(shared);
  await expect(after.conflicts()).toHaveCount(0);
  await expect(youssef.page.locator(".facts")).toContainText("Villeurbanne");
});
