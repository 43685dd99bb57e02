import type { Page } from "@playwright/test";
import { expect, test } from "@playwright/test";
import { ADMIN, ConsolePage, SUPERVISOR } from "./console-pages";

/** The supervisors' guides (docs/guide-supervisors.*.md) show these files. */
const OUT = "../docs/screenshots";
const LANGUAGES = [
  { code: "fr", name: "Français", dir: "ltr", locale: "fr-FR" },
  { code: "ar", name: "العربية", dir: "rtl", locale: "ar" },
  { code: "en", name: "English", dir: "ltr", locale: "en-GB" },
] as const;

/** Menu entries per language, in the order of the screenshots. */
const MENU = {
  fr: { contacts: "Contacts", conflicts: "Conflits", duplicates: "Doublons", exports: "Exports", users: "Comptes", devices: "Appareils" },
  ar: { contacts: "الأشخاص", conflicts: "التعارضات", duplicates: "التكرارات", exports: "التصدير", users: "الحسابات", devices: "الأجهزة" },
  en: { contacts: "Contacts", conflicts: "Conflicts", duplicates: "Duplicates", exports: "Exports", users: "Accounts", devices: "Devices" },
} as const;

async function shoot(page: Page, lang: string, name: string, fullPage = false): Promise<void> {
  await expect(page.locator(".console-loading")).toHaveCount(0);
  const noHorizontalScroll = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  expect(noHorizontalScroll, `${lang}/${name} scrolls sideways`).toBe(true);
  await page.screenshot({ path: `${OUT}/console-${lang}-${name}.png`, fullPage });
}

async function go(console_: ConsolePage, entry: string): Promise<void> {
  await console_.page.locator(".console__nav").getByRole("link", { name: entry, exact: true }).click();
}

test("the console's main screens render at 1280 px in French, Arabic and English (screenshots in docs/screenshots)", async ({ browser }) => {
  test.skip(process.env["RELAIS_SCREENSHOTS"] !== "1", "writes docs/screenshots/: run with RELAIS_SCREENSHOTS=1");
  test.setTimeout(300_000);

  // The browser's locale too, so that date fields show the language's own format.
  for (const { code, name, dir, locale } of LANGUAGES) {
    const console_ = await ConsolePage.open(browser, { locale });
    const { page } = console_;
    const menu = MENU[code];
    if (code !== "fr") await page.getByRole("button", { name, exact: true }).click();
    await expect(page.locator("html")).toHaveAttribute("dir", dir);
    await shoot(page, code, "01-sign-in");

    await console_.signIn(SUPERVISOR);
    await console_.waitForDashboard();
    await shoot(page, code, "02-dashboard", true);

    await go(console_, menu.contacts);
    await expect(page.getByTestId("table-total")).toBeVisible();
    await shoot(page, code, "03-contacts");

    await page.locator(".console-table tbody a").first().click();
    await expect(page.getByTestId("contact-fields")).toBeVisible();
    await expect(page.getByTestId("history").or(page.locator("#history-title ~ .muted")).first()).toBeVisible();
    await shoot(page, code, "04-contact");

    await go(console_, menu.conflicts);
    await expect(page.locator("#conflicts-title")).toBeVisible();
    await shoot(page, code, "05-conflicts");

    await go(console_, menu.duplicates);
    await expect(page.locator("#duplicates-title")).toBeVisible();
    await shoot(page, code, "06-duplicates");

    await go(console_, menu.exports);
    await shoot(page, code, "07-exports");
    await console_.context.close();

    // The administration pages, as the demo administrator.
    const admin = await ConsolePage.open(browser, { locale });
    if (code !== "fr") await admin.page.getByRole("button", { name, exact: true }).click();
    await admin.signIn(ADMIN);
    await go(admin, menu.users);
    await expect(admin.page.getByTestId("users")).toBeVisible();
    await shoot(admin.page, code, "08-users");
    await go(admin, menu.devices);
    await expect(admin.page.getByTestId("devices")).toBeVisible();
    await shoot(admin.page, code, "09-devices");
    await admin.context.close();
  }
});
