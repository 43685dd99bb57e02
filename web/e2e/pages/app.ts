/**
 * Page objects for the agents' app. Tests speak to screens through these, so
 * a change of markup is fixed in one place. Labels are the French defaults.
 */
import { expect, type Browser, type BrowserContext, type Locator, type Page } from "@playwright/test";

export const PIN = "2468";

export interface Agent {
  readonly username: string;
  readonly password: string;
}

/** The demo agents that `relais serve --demo` creates. */
export const AMINA: Agent = { username: "demo.amina", password: "amina-demo" };
export const YOUSSEF: Agent = { username: "demo.youssef", password: "youssef-demo" };

/** `prefix` and a random word of letters: a name no demo record and no other run has. */
export function unique(prefix: string): string {
  const letters = Array.from({ length: 6 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join("");
  return `${prefix} ${letters}`;
}

export class StatusBar {
  constructor(private readonly page: Page) {}

  get pending(): Locator {
    return this.page.getByTestId("status-pending");
  }

  async syncNow(): Promise<void> {
    await this.page.getByTestId("sync-now").click();
  }

  /** Waits until nothing is pending and a sync has succeeded. */
  async waitUntilSynced(): Promise<void> {
    await expect(this.pending).toHaveAttribute("data-count", "0", { timeout: 60_000 });
    await expect(this.page.getByTestId("status-last")).not.toHaveText(/Jamais|Never|لم تتم/, { timeout: 60_000 });
    await expect(this.page.getByTestId("sync-now")).toBeEnabled({ timeout: 60_000 });
  }

  /** A sync that starts now and ends with nothing pending. */
  async syncAndWait(): Promise<void> {
    await expect(this.page.getByTestId("sync-now")).toBeEnabled({ timeout: 60_000 });
    const before = await this.page.getByTestId("status-last").textContent();
    await this.syncNow();
    await this.waitUntilSynced();
    await expect(this.page.getByTestId("status-error")).toHaveCount(0);
    return void before;
  }
}

export class AgentApp {
  readonly status: StatusBar;

  constructor(readonly page: Page) {
    this.status = new StatusBar(page);
  }

  static async open(browser: Browser, options: Parameters<Browser["newContext"]>[0] = {}): Promise<AgentApp> {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    await page.goto("/");
    return new AgentApp(page);
  }

  get context(): BrowserContext {
    return this.page.context();
  }

  /** Logs in, sets the PIN and waits for the first sync to finish. */
  async enrol(agent: Agent): Promise<void> {
    await this.logIn(agent);
    await this.setPin();
    await this.status.waitUntilSynced();
  }

  /** The first step of enrolment, in whatever language the screen is; the PIN screen follows. */
  async logIn(agent: Agent): Promise<void> {
    await this.page.locator('input[name="username"]').fill(agent.username);
    await this.page.locator('input[name="password"]').fill(agent.password);
    await this.page.locator('main.gate button[type="submit"]').click();
    await expect(this.page.locator('input[name="pin"]')).toBeVisible();
  }

  async setPin(): Promise<void> {
    await this.page.getByLabel("Code (4 à 8 chiffres)").fill(PIN);
    await this.page.getByLabel("Retapez le code").fill(PIN);
    await this.page.getByRole("button", { name: "Enregistrer le code" }).click();
  }

  async unlock(): Promise<void> {
    await this.page.getByLabel("Code", { exact: true }).fill(PIN);
    await this.page.getByRole("button", { name: "Déverrouiller" }).click();
    await expect(this.page.getByTestId("status")).toBeVisible();
  }

  /** Unlocks whatever the language (the PIN field and the form's only submit button). */
  async unlockAnyLanguage(): Promise<void> {
    await this.page.locator('input[name="unlock-pin"]').fill(PIN);
    await this.page.locator('main.gate button[type="submit"]').click();
    await expect(this.page.getByTestId("status")).toBeVisible();
  }

  /** Settings → language; the language names are written in themselves. */
  async setLanguage(name: "Français" | "العربية" | "English"): Promise<void> {
    await this.page.goto("/#/settings");
    await this.page.getByRole("button", { name, exact: true }).click();
    await expect(this.page.getByRole("button", { name, exact: true })).toHaveAttribute("aria-pressed", "true");
  }

  /** Waits until the service worker controls the page (the shell then loads offline). */
  async waitForServiceWorker(): Promise<void> {
    await this.page.waitForFunction(async () => {
      await navigator.serviceWorker.ready;
      return navigator.serviceWorker.controller !== null;
    });
  }

  async goOffline(): Promise<void> {
    await this.context.setOffline(true);
    await expect(this.page.getByTestId("status-online")).toHaveText("Hors ligne");
  }

  async goOnline(): Promise<void> {
    await this.context.setOffline(false);
    await expect(this.page.getByTestId("status-online")).toHaveText("En ligne");
  }

  async tab(name: "Contacts" | "Séances" | "Sorties" | "Réglages"): Promise<void> {
    await this.page.getByRole("navigation").getByRole("link", { name }).click();
  }

  contacts(): ContactsPage {
    return new ContactsPage(this.page);
  }
}

export interface NewContact {
  readonly givenName: string;
  readonly familyName?: string;
  readonly phone?: string;
  readonly neighbourhood?: string;
  readonly birthYear?: string;
}

export class ContactsPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto("/#/contacts");
  }

  async search(query: string): Promise<void> {
    await this.page.getByRole("searchbox", { name: "Chercher un nom, un téléphone, un quartier" }).fill(query);
  }

  results(): Locator {
    return this.page.getByTestId("contacts-list").getByRole("link");
  }

  async openContact(name: string): Promise<ContactDetailPage> {
    await this.open();
    await this.search(name);
    await this.results().filter({ hasText: name }).first().click();
    return new ContactDetailPage(this.page);
  }

  async create(contact: NewContact): Promise<ContactDetailPage> {
    await this.page.getByTestId("new-contact").click();
    const form = new ContactFormPage(this.page);
    await form.giveConsent();
    await form.fill(contact);
    await form.save();
    return new ContactDetailPage(this.page);
  }
}

export class ContactFormPage {
  constructor(private readonly page: Page) {}

  async giveConsent(): Promise<void> {
    await this.page.getByLabel("Oui, elle accepte").check();
  }

  async fill(contact: NewContact): Promise<void> {
    await this.page.getByLabel("Prénom", { exact: true }).fill(contact.givenName);
    if (contact.familyName) await this.page.getByLabel("Nom", { exact: true }).fill(contact.familyName);
    if (contact.phone) await this.page.getByLabel("Téléphone").fill(contact.phone);
    if (contact.birthYear) await this.page.getByLabel("Année de naissance").fill(contact.birthYear);
    if (contact.neighbourhood) await this.page.getByLabel("Quartier").fill(contact.neighbourhood);
  }

  async setCity(city: string): Promise<void> {
    await this.page.getByLabel("Ville").fill(city);
  }

  async save(): Promise<void> {
    await this.page.getByTestId("save-contact").click();
    await expect(this.page.getByText("Enregistré sur le téléphone")).toBeVisible();
  }
}

export class ContactDetailPage {
  constructor(readonly page: Page) {}

  async addFollowUp(kind: "Appel" | "Visite" | "Rendez-vous" | "Message", note: string): Promise<void> {
    const section = this.page.getByTestId("follow-ups");
    await section.getByRole("button", { name: kind, exact: true }).click();
    await section.getByLabel("Note (facultatif)").fill(note);
    await this.page.getByTestId("save-follow-up").click();
    await expect(this.page.getByText("Suivi enregistré")).toBeVisible();
  }

  followUps(): Locator {
    return this.page.getByTestId("follow-ups").locator(".timeline__item");
  }

  async edit(): Promise<ContactFormPage> {
    await this.page.getByRole("link", { name: "Modifier" }).click();
    return new ContactFormPage(this.page);
  }

  conflicts(): Locator {
    return this.page.getByTestId("conflicts");
  }
}

export interface NewVisit {
  readonly neighbourhood: string;
  readonly place: string;
  readonly reached: number;
  readonly women: number;
}

export async function createVisit(page: Page, visit: NewVisit): Promise<void> {
  await page.goto("/#/visits");
  await page.getByTestId("new-visit").click();
  await page.getByLabel("Quartier").fill(visit.neighbourhood);
  await page.getByLabel("Lieu (marché, foyer, association…)").fill(visit.place);
  await page.getByLabel("Personnes touchées", { exact: true }).fill(String(visit.reached));
  await page.getByLabel("Dont femmes", { exact: true }).fill(String(visit.women));
  await page.getByRole("button", { name: "Recherche d’emploi" }).click();
  await page.getByTestId("save-visit").click();
  await expect(page.getByTestId("visits-list")).toContainText(visit.neighbourhood);
}

export async function createSession(page: Page, topic: string): Promise<void> {
  await page.goto("/#/sessions");
  await page.getByTestId("new-session").click();
  await page.getByLabel(/^Thème/).fill(topic);
  await page.getByLabel("Lieu").fill("Agence, salle 2");
  await page.getByTestId("save-session").click();
  await expect(page.getByTestId("roll-counts")).toBeVisible();
}

export class RollCallPage {
  constructor(private readonly page: Page) {}

  async open(topic: string): Promise<void> {
    await this.page.goto("/#/sessions");
    await this.page.getByRole("link", { name: topic }).first().click();
    await expect(this.page.getByTestId("roll-counts")).toBeVisible();
  }

  row(name: string): Locator {
    return this.page.getByTestId("roll-list").locator("li").filter({ hasText: name });
  }

  async mark(name: string, status: "Présent·e" | "Absent·e"): Promise<void> {
    await this.page.getByRole("searchbox", { name: "Chercher un contact" }).fill(name);
    const button = this.row(name).getByRole("button", { name: status });
    await button.click();
    await expect(button).toHaveAttribute("aria-pressed", "true");
  }
}
