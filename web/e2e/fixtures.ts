/**
 * The `phones` fixture: each call opens the app in a new browser context (a
 * separate phone: its own IndexedDB, service worker and network switch).
 * Every phone a test opened is closed when the test ends, so no app keeps
 * syncing in the background of the next test, and a failure's page snapshot
 * is taken from this test's phones, not from a leftover of an earlier one.
 */
import { test as base, type Browser } from "@playwright/test";
import { AgentApp } from "./pages/app";

export interface Phones {
  open(options?: Parameters<Browser["newContext"]>[0]): Promise<AgentApp>;
}

export const test = base.extend<{ phones: Phones }>({
  phones: async ({ browser }, use) => {
    const opened: AgentApp[] = [];
    await use({
      async open(options = {}) {
        const app = await AgentApp.open(browser, options);
        opened.push(app);
        return app;
      },
    });
    await Promise.all(opened.map((app) => app.context.close()));
  },
});

export { expect } from "@playwright/test";
