import { expect, test, type Page } from "@playwright/test";
import { AMINA, AgentApp, RollCallPage, createSession, createVisit, unique } from "./pages/app";

const OUT = "../docs/screenshots";

async function shoot(page: Page, lang: string, name: string): Promise<void> {
  const noHorizontalScroll = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  expect(noHorizontalScroll, `${lang}/${name} scrolls sideways`).toBe(true);
  await page.screenshot({ path: `${OUT}/${lang}-${name}.png` });
}

test("every main screen renders at 360 px in French and Arabic (screenshots in docs/screenshots)", async ({ browser }) => {
  const app = await AgentApp.open(browser);
  await shoot(app.page, "fr", "01-enrol");
  await app.enrol(AMINA);
  const name = unique("Aïssata");
  const contacts = app.contacts();
  await contacts.open();
  const detail = await contacts.create({ givenName: name, familyName: "Koné", phone: "06 45 67 89 10", neighbourhood: "La Duchère", birthYear: "1994" });
  await detail.addFollowUp("Appel", "Intéressée par la formation d’aide-soignante");
  const topic = unique("Information formation");
  await createSession(app.page, topic);
  await new RollCallPage(app.page).mark(name, "Présent·e");
  await createVisit(app.page, { neighbourhood: "Les Minguettes", place: "Marché du samedi", reached: 14, women: 6 });

  for (const lang of ["fr", "ar"] as const) {
    if (lang === "ar") {
      await app.page.goto("/#/settings");
      await app.page.getByRole("button", { name: "العربية" }).click();
      await expect(app.page.locator("html")).toHaveAttribute("dir", "rtl");
    }
    await contacts.open();
    await shoot(app.page, lang, "02-contacts");
    await app.page.goto("/#/contacts/new");
    await app.page.locator('input[name="consent"]').check();
    await shoot(app.page, lang, "03-contact-form");
    await app.page.goto("/#/contacts");
    await app.page.locator('input[type="search"]').fill(name);
    await app.page.getByTestId("contacts-list").getByRole("link").first().click();
    await expect(app.page.getByTestId("follow-ups")).toBeVisible();
    await shoot(app.page, lang, "04-contact-detail");
    await app.page.goto("/#/sessions");
    await shoot(app.page, lang, "05-sessions");
    await app.page.getByRole("link", { name: topic }).first().click();
    await expect(app.page.getByTestId("roll-counts")).toBeVisible();
    await shoot(app.page, lang, "06-roll-call");
    await app.page.goto("/#/visits/new");
    await shoot(app.page, lang, "07-visit-form");
    await app.page.goto("/#/visits");
    await shoot(app.page, lang, "08-visits");
    await app.page.goto("/#/settings");
    await shoot(app.page, lang, "09-settings");
  }
  await app.page.getByTestId("lock").click();
  await shoot(app.page, "ar", "10-unlock");
});
