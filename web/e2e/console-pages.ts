/**
 * Page objects for the supervisors' console (desktop width). Labels are the
 * French defaults; the screenshot spec switches language through the header.
 */
import { expect, type Browser, type BrowserContext, type Locator, type Page } from "@playwright/test";

export interface Account {
  readonly username: string;
  readonly password: string;
}

/** The demo accounts that `relais serve --demo` creates. */
export const SUPERVISOR: Account = { username: "demo.superviseur", password: "superviseur-demo" };
export const ADMIN: Account = { username: "demo.admin", password: "admin-demo" };

export const DESKTOP = { width: 1280, height: 900 } as const;

export class ConsolePage {
  constructor(readonly page: Page) {}

  /** A fresh browser context at desktop width, on the console's sign-in screen. */
  static async open(browser: Browser, options: Parameters<Browser["newContext"]>[0] = {}): Promise<ConsolePage> {
    const context = await browser.newContext({ viewport: DESKTOP, isMobile: false, hasTouch: false, deviceScaleFactor: 1, locale: "fr-FR", acceptDownloads: true, ...options });
    const page = await context.newPage();
    await page.goto("/console");
    return new ConsolePage(page);
  }

  get context(): BrowserContext {
    return this.page.context();
  }

  async signIn(account: Account): Promise<void> {
    await this.fillSignIn(account);
    await expect(this.page.getByTestId("signed-in")).toBeVisible();
  }

  async fillSignIn(account: Account): Promise<void> {
    await this.page.locator('input[name="username"]').fill(account.username);
    await this.page.locator('input[name="password"]').fill(account.password);
    await this.page.locator('main.signin button[type="submit"]').click();
  }

  async signOut(): Promise<void> {
    await this.page.getByRole("button", { name: "Se déconnecter" }).click();
    await expect(this.page.locator('input[name="username"]')).toBeVisible();
  }

  async go(section: string): Promise<void> {
    await this.page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: section, exact: true }).click();
  }

  /** A number the dashboard shows, read from its `data-value` (the text is formatted per language). */
  async figure(testId: string): Promise<number> {
    const value = await this.page.getByTestId(testId).getAttribute("data-value");
    return Number(value);
  }

  /** The bars of a dashboard chart, key → value. */
  async bars(testId: string): Promise<Map<string, number>> {
    const rows = this.page.getByTestId(testId).locator(".bars__row");
    const out = new Map<string, number>();
    for (const row of await rows.all()) {
      out.set((await row.getAttribute("data-key")) ?? "", Number(await row.locator(".bars__value").getAttribute("data-value")));
    }
    return out;
  }

  async waitForDashboard(): Promise<void> {
    await expect(this.page.getByTestId("tiles")).toBeVisible();
  }

  /** Waits for the dashboard to answer for the current filters (the request that follows a filter change). */
  async dashboardAnswer(change: () => Promise<void>): Promise<void> {
    const answered = this.page.waitForResponse((r) => r.url().includes("/api/v1/console/dashboard") && r.ok());
    await change();
    await answered;
    await this.waitForDashboard();
  }

  filter(name: "from" | "to" | "agency" | "agent" | "stage" | "nationality" | "q"): Locator {
    return this.page.locator(`.console-filters [name="${name}"]`);
  }
}

/** A CSV as the exports write it (RFC 4180, UTF-8, maybe a byte-order mark), as header → value records. */
export function parseCsv(text: string): { header: string[]; rows: Record<string, string>[] } {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  const input = text.replace(/^\uFEFF/, "");
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (quoted) {
      if (ch === '"' && input[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      record.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && input[i + 1] === "\n") i++;
      record.push(field);
      records.push(record);
      record = [];
      field = "";
    } else field += ch;
  }
  if (field !== "" || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  const [header = [], ...body] = records;
  const rows = body.map((r) => {
    expect(r.length, `a CSV row has ${r.length} fields, the header ${header.length}`).toBe(header.length);
    return Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""]));
  });
  return { header, rows };
}

/** Counts of each value of `column` among `rows`. */
export function countBy(rows: readonly Record<string, string>[], column: string, { skipBlank = false } = {}): Map<string, number> {
  const out = new Map<string, number>();
  for (const row of rows) {
    const key = row[column] ?? "";
    if (skipBlank && key === "") continue;
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}
