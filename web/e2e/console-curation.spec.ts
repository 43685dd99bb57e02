import { expect, test } from "./fixtures";
import { ConsolePage, SUPERVISOR } from "./console-pages";
import { AMINA, ContactFormPage, YOUSSEF, unique, type AgentApp } from "./pages/app";

/** A random French mobile number, so that only this test's two records share it. */
function phone(): string {
  const pair = (): string => String(Math.floor(Math.random() * 100)).padStart(2, "0");
  return `06 ${pair()} ${pair()} ${pair()} ${pair()}`;
}

/** Creates a contact on the phone, saying "someone else" if the phone suspects a duplicate. */
async function createAnyway(app: AgentApp, givenName: string, familyName: string, number: string): Promise<void> {
  const contacts = app.contacts();
  await contacts.open();
  await app.page.getByTestId("new-contact").click();
  const form = new ContactFormPage(app.page);
  await form.giveConsent();
  await form.fill({ givenName, familyName, phone: number, birthYear: "1991" });
  await app.page.getByTestId("save-contact").click();
  const anyway = app.page.getByRole("button", { name: "C’est une autre personne, enregistrer" });
  const saved = app.page.getByText("Enregistré sur le téléphone");
  await expect(anyway.or(saved).first()).toBeVisible();
  if (await anyway.isVisible()) await anyway.click();
  await expect(saved).toBeVisible();
}

test("a conflict settled in the console reaches the phones at their next sync", async ({ phones, browser }) => {
  // Arrange: two phones record different cities for the same person while offline.
  const amina = await phones.open();
  await amina.enrol(AMINA);
  const youssef = await phones.open();
  await youssef.enrol(YOUSSEF);
  const shared = unique("Fatou");
  await amina.contacts().open();
  await amina.contacts().create({ givenName: shared });
  await amina.status.syncAndWait();
  await youssef.status.syncAndWait();
  await amina.goOffline();
  await youssef.goOffline();
  let form = await (await amina.contacts().openContact(shared)).edit();
  await form.setCity("Vénissieux");
  await form.save();
  form = await (await youssef.contacts().openContact(shared)).edit();
  await form.setCity("Villeurbanne");
  await form.save();
  await amina.goOnline();
  await youssef.goOnline();
  await amina.status.syncAndWait();
  await youssef.status.syncAndWait();

  // Act: the supervisor keeps Youssef's value.
  const console_ = await ConsolePage.open(browser);
  await console_.signIn(SUPERVISOR);
  await console_.go("Conflits");
  const card = console_.page.locator(".conflict").filter({ hasText: shared }).filter({ hasText: "Ville" });
  await expect(card).toHaveCount(1);
  await card.getByRole("button", { name: "Garder « Villeurbanne »" }).click();
  await expect(console_.page.getByRole("status").filter({ hasText: "Conflit réglé." })).toBeVisible();
  await expect(card).toHaveCount(0);

  // Assert: after their next sync, both phones show Villeurbanne and no conflict.
  for (const app of [amina, youssef]) {
    await app.status.syncAndWait();
    const detail = await app.contacts().openContact(shared);
    await expect(detail.conflicts()).toHaveCount(0);
    await expect(app.page.locator(".facts")).toContainText("Villeurbanne");
  }
  await console_.context.close();
});

test("two records of one person are merged from the console, and the merge is undone", async ({ phones, browser }) => {
  // Arrange: the same person recorded twice with the same phone number.
  const amina = await phones.open();
  await amina.enrol(AMINA);
  const number = phone();
  const family = unique("Traoré");
  await createAnyway(amina, "Mariam", family, number);
  await createAnyway(amina, "Mariama", family, number);
  await amina.status.syncAndWait();

  const console_ = await ConsolePage.open(browser);
  await console_.signIn(SUPERVISOR);
  await console_.go("Doublons");
  const pair = console_.page.locator(".pair").filter({ hasText: `Mariam ${family}` }).filter({ hasText: `Mariama ${family}` });
  await expect(pair).toHaveCount(1);
  await expect(pair).toContainText("Même téléphone");

  // Act: keep "Mariam".
  const merged = console_.page.waitForResponse((r) => r.url().endsWith("/api/v1/console/merges") && r.request().method() === "POST");
  await pair.locator(".pair__side").filter({ hasText: `Mariam ${family}` }).filter({ hasNotText: `Mariama ${family}` }).getByRole("button", { name: "Garder cette fiche et fusionner" }).click();
  const answer = await merged;
  expect(answer.status()).toBe(200);
  const { id } = (await answer.json()) as { id: string };

  // Assert: the pair is gone and the merge is listed; undoing it brings the pair back.
  await expect(pair).toHaveCount(0);
  const row = console_.page.getByTestId("merges").locator(`tr[data-id="${id}"]`);
  await expect(row).toBeVisible();
  await row.getByRole("button", { name: "Annuler la fusion" }).click();
  await expect(console_.page.getByRole("status").filter({ hasText: "Fusion annulée." })).toBeVisible();
  await expect(row.getByRole("button", { name: "Annuler la fusion" })).toHaveCount(0);
  await expect(pair).toHaveCount(1);
  await console_.context.close();
});
