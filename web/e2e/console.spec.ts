import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { ADMIN, ConsolePage, SUPERVISOR, countBy, parseCsv } from "./console-pages";

/** Lower-case letters no demo record and no other run has. */
function letters(): string {
  return Array.from({ length: 6 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join("");
}

/** An export read through the API with the page's session cookie: the independent count the dashboard is checked against. */
async function exported(console_: ConsolePage, table: string, query = ""): Promise<Record<string, string>[]> {
  const response = await console_.page.request.get(`/api/v1/exports/${table}.csv${query}`);
  expect(response.ok(), `export of ${table}: ${response.status()}`).toBe(true);
  return parseCsv(await response.text()).rows;
}

test.describe("the supervisors' console", () => {
  test("an agent's account is sent to the phone app", async ({ browser }) => {
    const console_ = await ConsolePage.open(browser);
    await console_.fillSignIn({ username: "demo.amina", password: "amina-demo" });
    await expect(console_.page.getByRole("alert")).toHaveText("Ce compte est un compte d’agent : utilisez l’application sur le téléphone.");
    await console_.context.close();
  });

  test("the agents' enrolment screen links to the console", async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto("/");
    await page.getByRole("link", { name: "Superviseur ou administrateur ? Ouvrir la console" }).click();
    await expect(page).toHaveURL(/\/console$/);
    await expect(page.getByRole("heading", { name: "Console des superviseurs" })).toBeVisible();
    await context.close();
  });

  test("the dashboard's numbers match the seeded records, for everyone and for one agent", async ({ browser }) => {
    const console_ = await ConsolePage.open(browser);
    await console_.signIn(SUPERVISOR);
    await console_.waitForDashboard();

    // Independent counts: the demo agency's records as the export writes them.
    const contacts = await exported(console_, "contacts");
    const visits = await exported(console_, "visits");
    const attendance = await exported(console_, "attendance");
    const sessions = await exported(console_, "sessions");
    expect(contacts.length).toBeGreaterThan(0);

    expect(await console_.figure("tile-reached")).toBe(contacts.length);
    await expect(console_.page.getByTestId("dashboard-women")).toHaveAttribute("data-women", String(contacts.filter((c) => c.sex === "female").length));
    expect(await console_.bars("by-agent")).toEqual(countBy(contacts, "created_by"));
    // The breakdowns count what was recorded; a blank field is not a nationality or a status.
    expect(await console_.bars("nationalities")).toEqual(countBy(contacts, "nationality", { skipBlank: true }));
    expect(await console_.bars("statuses")).toEqual(countBy(contacts, "status", { skipBlank: true }));
    expect(await console_.figure("visits-count")).toBe(visits.length);
    expect(await console_.figure("visits-reached")).toBe(visits.reduce((n, v) => n + Number(v.reached || 0), 0));
    expect(await console_.figure("visits-women")).toBe(visits.reduce((n, v) => n + Number(v.women_reached || 0), 0));
    expect(await console_.figure("sessions-held")).toBe(sessions.length);
    expect(await console_.figure("sessions-registered")).toBe(attendance.length);
    expect(await console_.figure("sessions-present")).toBe(attendance.filter((a) => a.status === "present").length);
    expect(await console_.figure("sessions-absent")).toBe(attendance.filter((a) => a.status === "absent").length);

    // One agent: every contact figure narrows to the contacts that agent created.
    const byAgent = countBy(contacts, "created_by");
    const [agent] = [...byAgent.entries()].sort((a, b) => b[1] - a[1]);
    expect(agent).toBeDefined();
    const [agentId, agentCount] = agent!;
    await console_.dashboardAnswer(async () => {
      await console_.filter("agent").selectOption(agentId);
    });
    await expect(console_.page.getByTestId("tile-reached")).toHaveAttribute("data-value", String(agentCount));
    const mine = contacts.filter((c) => c.created_by === agentId);
    expect(await console_.bars("by-agent")).toEqual(new Map([[agentId, agentCount]]));
    expect(await console_.bars("nationalities")).toEqual(countBy(mine, "nationality", { skipBlank: true }));
    await expect(console_.page.getByTestId("dashboard-women")).toHaveAttribute("data-women", String(mine.filter((c) => c.sex === "female").length));
    await console_.context.close();
  });

  test("a CSV downloaded from the exports page reads back with one row per contact", async ({ browser }) => {
    const console_ = await ConsolePage.open(browser);
    await console_.signIn(SUPERVISOR);
    await console_.go("Contacts");
    const total = Number((await console_.page.getByTestId("table-total").textContent())?.replace(/\D/g, ""));
    expect(total).toBeGreaterThan(0);

    await console_.go("Exports");
    await console_.page.getByLabel("Contacts", { exact: true }).check();
    await console_.page.getByLabel("CSV (Excel, LibreOffice)").check();
    const download = console_.page.waitForEvent("download");
    await console_.page.getByTestId("export-download").click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.csv$/);
    const { header, rows } = parseCsv(await readFile(await file.path(), "utf8"));

    expect(header).toEqual(expect.arrayContaining(["id", "given_name", "family_name", "sex", "nationality", "created_at"]));
    expect(rows).toHaveLength(total);
    expect(new Set(rows.map((r) => r["id"])).size).toBe(total);
    for (const row of rows) expect(row["created_at"]).toMatch(/^\d{4}-\d{2}-\d{2}/);
    await console_.context.close();
  });

  test("the sessions and visits tables list every record, and a session opens with its attendance", async ({ browser }) => {
    const console_ = await ConsolePage.open(browser);
    await console_.signIn(SUPERVISOR);
    const sessions = await exported(console_, "sessions");
    const visits = await exported(console_, "visits");
    const total = async (): Promise<number> => Number((await console_.page.getByTestId("table-total").textContent())?.replace(/\D/g, ""));

    await console_.go("Séances");
    await expect(console_.page.getByTestId("table-total")).toBeVisible();
    expect(await total()).toBe(sessions.length);
    await console_.page.locator(".console-table tbody a").first().click();
    await expect(console_.page.getByRole("heading", { name: "Présences" })).toBeVisible();
    await expect(console_.page.getByRole("heading", { name: "Historique" })).toBeVisible();

    await console_.go("Sorties");
    await expect(console_.page.getByTestId("table-total")).toBeVisible();
    expect(await total()).toBe(visits.length);
    await console_.context.close();
  });

  test("an administrator creates an agency and its supervisor, who then sees that agency only; the export log lists exports", async ({ browser }) => {
    const admin = await ConsolePage.open(browser);
    await admin.signIn(ADMIN);
    const suffix = letters();
    const agency = `Agence ${suffix}`;

    await admin.go("Agences");
    await admin.page.getByLabel("Nom de l’agence").fill(agency);
    await admin.page.getByRole("button", { name: "Créer l’agence" }).click();
    await expect(admin.page.getByTestId("agencies")).toContainText(agency);

    await admin.go("Comptes");
    const form = admin.page.locator("form", { has: admin.page.getByRole("heading", { name: "Nouveau compte" }) });
    const username = `sup.${suffix}`;
    await form.locator('[name="username"]').fill(username);
    await form.locator('[name="displayName"]').fill(`Superviseure ${suffix}`);
    await form.locator('[name="password"]').fill("une-phrase-de-passe-assez-longue");
    await form.locator('[name="role"]').selectOption("supervisor");
    await form.locator('[name="agencies"]').selectOption({ label: agency });
    await form.getByRole("button", { name: "Créer le compte" }).click();
    await expect(admin.page.getByRole("status").filter({ hasText: "Compte créé." })).toBeVisible();
    await expect(admin.page.locator(`tr[data-username="${username}"] select`).first()).toHaveValue("supervisor");

    const exportedNow = await admin.page.request.get("/api/v1/exports/visits.csv");
    expect(exportedNow.ok()).toBe(true);
    await exportedNow.body();
    await admin.go("Journal des exports");
    await expect(admin.page.getByTestId("export-log").locator("tbody tr").first()).toContainText("demo.admin");
    await expect(admin.page.getByTestId("export-log").locator("tbody tr").first()).toContainText("visits");
    await admin.context.close();

    const supervisor = await ConsolePage.open(browser);
    await supervisor.signIn({ username, password: "une-phrase-de-passe-assez-longue" });
    await expect(supervisor.page.getByTestId("signed-in")).toHaveText(`Superviseure ${suffix} · Superviseur`);
    await expect(supervisor.filter("agency").locator("option")).toHaveText(["Toutes mes agences", agency]);
    await expect(supervisor.page.getByTestId("tile-reached")).toHaveAttribute("data-value", "0");
    await supervisor.context.close();
  });

  test("signing out ends the session on the server", async ({ browser }) => {
    const console_ = await ConsolePage.open(browser);
    await console_.signIn(SUPERVISOR);
    const session = (await console_.context.cookies()).find((c) => c.name === "relais_session");
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe("Strict");
    await console_.signOut();
    // The old cookie, replayed by hand, no longer opens anything.
    const replay = await console_.page.request.get("/api/v1/console/session", { headers: { Cookie: `relais_session=${session?.value ?? ""}` } });
    expect(replay.status()).toBe(401);
    await console_.page.reload();
    await expect(console_.page.locator('input[name="username"]')).toBeVisible();
    await console_.context.close();
  });
});
