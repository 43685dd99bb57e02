import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { AMINA, RollCallPage, YOUSSEF, createSession, createVisit } from "./pages/app";

/** The agents' guides (docs/guide-agents.*.md) show these files. */
const OUT = "../docs/screenshots";
const LANGUAGES = [
  { code: "fr", name: "Français", dir: "ltr" },
  { code: "ar", name: "العربية", dir: "rtl" },
  { code: "en", name: "English", dir: "ltr" },
] as const;

async function shoot(page: Page, lang: string, name: string): Promise<void> {
  const noHorizontalScroll = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  expect(noHorizontalScroll, `${lang}/${name} scrolls sideways`).toBe(true);
  await page.screenshot({ path: `${OUT}/${lang}-${name}.png` });
}

/** A random French mobile number, so a second run on the same server is not a duplicate. */
function phone(): string {
  const pair = (): string => String(Math.floor(Math.random() * 100)).padStart(2, "0");
  return `06 ${pair()} ${pair()} ${pair()} ${pair()}`;
}

test("every main screen renders at 360 px in French, Arabic and English (screenshots in docs/screenshots)", async ({ phones }) => {
  test.setTimeout(300_000);

  // The enrolment screens, in each language (a phone per language, logged in but without a PIN).
  for (const { code, name } of LANGUAGES) {
    const fresh = await phones.open({ serviceWorkers: "block" });
    if (code !== "fr") await fresh.page.getByRole("button", { name, exact: true }).click();
    await shoot(fresh.page, code, "01-enrol");
    await fresh.logIn(YOUSSEF);
    await shoot(fresh.page, code, "02-pin");
    await fresh.context.close();
  }

  // Amina's phone: a contact with a follow-up, a session with a mark, a visit.
  const app = await phones.open();
  await app.enrol(AMINA);
  const contacts = app.contacts();
  await contacts.open();
  const detail = await contacts.create({ givenName: "Aïssata", familyName: "Koné", phone: phone(), neighbourhood: "La Duchère", birthYear: "1994" });
  await detail.addFollowUp("Appel", "Intéressée par la formation d’aide-soignante");
  await contacts.open();
  await contacts.create({ givenName: "Rokia", familyName: "Sangaré", phone: phone(), neighbourhood: "Mermoz" });
  const topic = "Formation d’aide-soignant·e : réunion d’information";
  await createSession(app.page, topic);
  await new RollCallPage(app.page).mark("Aïssata Koné", "Présent·e");
  await createVisit(app.page, { neighbourhood: "Les Minguettes", place: "Marché du samedi", reached: 14, women: 6 });
  await app.status.syncAndWait();

  // A conflict: Youssef's phone and Amina's record different cities for Rokia while offline.
  const other = await phones.open({ serviceWorkers: "block" });
  await other.enrol(YOUSSEF);
  await other.goOffline();
  await app.goOffline();
  let form = await (await contacts.openContact("Rokia Sangaré")).edit();
  await form.setCity("Vénissieux");
  await form.save();
  form = await (await other.contacts().openContact("Rokia Sangaré")).edit();
  await form.setCity("Villeurbanne");
  await form.save();
  await other.goOnline();
  await other.status.syncAndWait();
  await app.goOnline();
  await app.status.syncAndWait();
  await expect((await contacts.openContact("Rokia Sangaré")).conflicts()).toContainText("Villeurbanne");

  for (const { code, name, dir } of LANGUAGES) {
    await app.setLanguage(name);
    await expect(app.page.locator("html")).toHaveAttribute("dir", dir);
    await app.page.goto("/#/contacts");
    await expect(app.page.getByTestId("contacts-list").getByRole("link").first()).toBeVisible();
    await shoot(app.page, code, "03-contacts");
    await app.page.goto("/#/contacts/new");
    await app.page.locator('input[name="consent"]').check();
    await shoot(app.page, code, "04-contact-form");
    for (const [person, shot] of [
      ["Aïssata Koné", "05-contact-detail"],
      ["Rokia Sangaré", "07-conflict"],
    ] as const) {
      await app.page.goto("/#/contacts");
      await app.page.locator('input[type="search"]').fill(person);
      await expect(app.page.getByTestId("contacts-list").getByRole("link")).toHaveCount(1);
      await app.page.getByTestId("contacts-list").getByRole("link").click();
      await expect(app.page.getByTestId("follow-ups")).toBeVisible();
      await shoot(app.page, code, shot);
      if (shot === "05-contact-detail") {
        await app.page.getByTestId("follow-ups").scrollIntoViewIfNeeded();
        await shoot(app.page, code, "06-follow-ups");
      }
    }
    await app.page.goto("/#/sessions");
    await shoot(app.page, code, "08-sessions");
    await app.page.getByRole("link", { name: topic }).first().click();
    await expect(app.page.getByTestId("roll-counts")).toBeVisible();
    await shoot(app.page, code, "09-roll-call");
    await app.page.goto("/#/visits/new");
    await shoot(app.page, code, "10-visit-form");
    await app.page.goto("/#/visits");
    await shoot(app.page, code, "11-visits");
    await app.page.goto("/#/settings");
    await shoot(app.page, code, "12-settings");
    await app.page.getByTestId("lock").click();
    await expect(app.page.locator('input[name="unlock-pin"]')).toBeVisible();
    await shoot(app.page, code, "13-unlock");
    await app.unlockAnyLanguage();
  }

  // Offline with a change waiting: the status bar says so in each language.
  await app.setLanguage("Français");
  await app.goOffline();
  await createVisit(app.page, { neighbourhood: "La Guillotière", place: "Foyer de la rue Paul-Bert", reached: 9, women: 4 });
  await expect(app.status.pending).toHaveAttribute("data-count", "1");
  for (const { code, name } of LANGUAGES) {
    await app.setLanguage(name);
    await app.page.goto("/#/visits");
    await shoot(app.page, code, "14-offline");
  }
});
