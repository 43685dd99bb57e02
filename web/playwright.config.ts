import { defineConfig, devices } from "@playwright/test";

const baseURL = process.env["BASE_URL"];
if (!baseURL) throw new Error("BASE_URL must name the running app, e.g. BASE_URL=http://127.0.0.1:4173 (scripts/e2e-local.sh starts one)");

export default defineConfig({
  testDir: "e2e",
  timeout: 120_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL,
    ...devices["Pixel 5"],
    viewport: { width: 360, height: 640 },
    locale: "fr-FR",
    serviceWorkers: "allow",
    launchOptions: {
      executablePath: process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
});
