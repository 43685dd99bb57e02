import { expect, test } from "./fixtures";
import { AMINA } from "./pages/app";

test("Arabic lays the app out right to left", async ({ phones }) => {
  const app = await phones.open();
  await app.enrol(AMINA);
  await app.tab("Réglages");
  await app.page.getByRole("button", { name: "العربية" }).click();
  await expect(app.page.locator("html")).toHaveAttribute("dir", "rtl");
  await expect(app.page.locator("html")).toHaveAttribute("lang", "ar");
  await app.page.goto("/#/contacts");
  const nav = app.page.getByRole("navigation");
  const first = await nav.getByRole("link").first().boundingBox();
  const last = await nav.getByRole("link").last().boundingBox();
  expect(first && last && first.x > last.x).toBe(true);
  const noHorizontalScroll = await app.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  expect(noHorizontalScroll).toBe(true);
  await app.page.screenshot({ path: "test-results/rtl-contacts.png" });
});

test("the app is installable: a valid manifest, icons, and a service worker controlling the page", async ({ phones }) => {
  const app = await phones.open();
  const href = await app.page.locator('link[rel="manifest"]').getAttribute("href");
  expect(href).toBeTruthy();
  const manifest = (await (await app.page.request.get(href ?? "")).json()) as {
    name: string;
    short_name: string;
    start_url: string;
    display: string;
    icons: { src: string; sizes: string; type: string; purpose?: string }[];
  };
  expect(manifest.name).toBe("Relais");
  expect(manifest.display).toBe("standalone");
  expect(manifest.start_url).toBe("/");
  const sizes = manifest.icons.map((i) => i.sizes);
  expect(sizes).toContain("192x192");
  expect(sizes).toContain("512x512");
  expect(manifest.icons.some((i) => i.purpose === "maskable")).toBe(true);
  for (const icon of manifest.icons) {
    const response = await app.page.request.get(icon.src);
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toContain("image/png");
  }
  await app.waitForServiceWorker();
  await app.page.reload();
  expect(await app.page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? "")).toMatch(/\/sw\.js$/);
});
