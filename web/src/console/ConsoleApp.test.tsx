import { render } from "preact";
import { act } from "preact/test-utils";
import { describe, expect, it } from "vitest";
import { ConsoleApp } from "./ConsoleApp";
import { FakeConsoleServer, until } from "./testing/fake-console-server";
import { consoleRoot, openConsole, SUPERVISOR_SESSION as SESSION } from "./testing/mount";
import type { Dashboard } from "./types";

const FIGURES: Dashboard = {
  reached: { weekly: [{ period: "2026-W47", count: 12 }], monthly: [{ period: "2026-11", count: 1234 }] },
  byAgency: [{ id: "a1", name: "Lyon Est", count: 1234 }],
  byAgent: [
    { id: "ag1", name: "Amina Diallo", count: 1000 },
    { id: "ag2", name: "Youssef Benali", count: 234 },
  ],
  women: { women: 617, total: 1234 },
  nationalities: [{ code: "SN", count: 9 }],
  statuses: [{ code: "asylum_seeker", count: 3 }],
  interests: [{ code: "job_search", count: 7 }],
  funnel: [
    { stage: "contacted", count: 1234 },
    { stage: "informed", count: 30 },
    { stage: "registered", count: 20 },
    { stage: "in_training_or_accompanied", count: 10 },
    { stage: "employed_or_self_employed", count: 3 },
  ],
  sessions: { held: 5, registered: 60, present: 45, absent: 10, attendanceRate: 0.75 },
  visits: { count: 8, reached: 120, womenReached: 50 },
};

const currentRoot = consoleRoot("fr");

const open = (path: string, server: FakeConsoleServer): Promise<void> => openConsole(currentRoot(), path, server);

const text = (selector: string): string => currentRoot().querySelector(selector)?.textContent ?? "";

function type(input: HTMLInputElement, value: string): void {
  input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
}

function signedIn(): FakeConsoleServer {
  return new FakeConsoleServer().on("GET /api/v1/console/session", { status: 200, json: SESSION }).on("GET /api/v1/console/dashboard", { status: 200, json: FIGURES });
}

describe("the console", () => {
  it("tells an agent who signs in to use the phone app", async () => {
    const server = new FakeConsoleServer()
      .on("GET /api/v1/console/session", { status: 401, json: { error: "unauthorized", message: "" } })
      .on("POST /api/v1/console/session", { status: 403, json: { error: "forbidden", message: "agents use the phone app" } });
    await open("/console", server);
    await until(() => currentRoot().querySelector("form input[name=username]") !== null);
    await act(() => {
      type(currentRoot().querySelector<HTMLInputElement>("input[name=username]")!, "demo.amina");
      type(currentRoot().querySelector<HTMLInputElement>("input[name=password]")!, "amina-demo");
    });
    await act(() => currentRoot().querySelector<HTMLButtonElement>("button[type=submit]")!.click());
    await until(() => text("[role=alert]") !== "");
    expect(text("[role=alert]")).toBe("Ce compte est un compte d’agent : utilisez l’application sur le téléphone.");
  });

  it("shows every dashboard figure the server sent, formatted for the language", async () => {
    await open("/console", signedIn());
    await until(() => currentRoot().querySelector("[data-testid=tiles]") !== null);
    const nbsp = /[\u00a0\u202f]/g;
    expect(text("[data-testid=tile-reached] .tile__value").replace(nbsp, " ")).toBe("1 234");
    expect(text("[data-testid=tile-women-share] .tile__value").replace(nbsp, " ")).toBe("50 %");
    expect(text("[data-testid=tile-attendance-rate] .tile__value").replace(nbsp, " ")).toBe("75 %");
    expect(currentRoot().querySelector("[data-testid=by-agent] [data-key=ag2] .bars__value")?.getAttribute("data-value")).toBe("234");
    expect(currentRoot().querySelector("[data-testid=funnel] [data-key=employed_or_self_employed] strong")?.textContent).toBe("3");
    expect(text("[data-testid=sessions-registered]")).toBe("60");
    expect(text("[data-testid=visits-women]")).toBe("50");
    expect(text("[data-testid=statuses]")).toContain("Demandeur");
    expect(text("[data-testid=signed-in]")).toBe("Sophie Martin · Superviseur");
  });

  it("asks the dashboard again for one agent when that agent is chosen", async () => {
    const server = signedIn();
    await open("/console", server);
    await until(() => currentRoot().querySelectorAll("select[name=agent] option").length === 3);
    const agent = currentRoot().querySelector<HTMLSelectElement>("select[name=agent]")!;
    agent.value = "ag2";
    await act(() => {
      agent.dispatchEvent(new Event("change", { bubbles: true }));
    });
    await until(() => server.requests.some((r) => r.url.includes("agent=ag2")));
    expect(server.last("GET", "/api/v1/console/dashboard")?.url).toBe("/api/v1/console/dashboard?agent=ag2");
  });

  it("settles a conflict with the picked value, sending the CSRF token, and reloads the queue", async () => {
    let open_ = true;
    const conflict = {
      docId: "c1",
      type: "contact",
      label: "Fatou Ndiaye",
      field: "city",
      values: [
        { value: "Vénissieux", winner: true, actor: "aa", deviceId: "d1", userId: "ag1", username: "demo.amina" },
        { value: "Villeurbanne", winner: false, actor: "bb", deviceId: "d2", userId: "ag2", username: "demo.youssef" },
      ],
    };
    const server = signedIn()
      .on("GET /api/v1/console/conflicts", () => ({ status: 200, json: open_ ? [conflict] : [] }))
      .on("POST /api/v1/console/conflicts/resolve", () => {
        open_ = false;
        return { status: 200, json: { resolved: true } };
      });
    await open("/console/conflicts", server);
    await until(() => currentRoot().querySelectorAll(".choice button").length === 2);
    const keep = [...currentRoot().querySelectorAll<HTMLButtonElement>(".choice button")].find((b) => b.textContent === "Garder « Villeurbanne »")!;
    await act(() => keep.click());
    await until(() => text(".console-empty") === "Aucun conflit à trancher.");
    const post = server.last("POST", "/api/v1/console/conflicts/resolve");
    expect(post?.body).toEqual({ docId: "c1", field: "city", value: "Villeurbanne" });
    expect(post?.headers["X-CSRF-Token"]).toBe("csrf-abc");
    expect(text(".console-notice")).toBe("Conflit réglé.");
  });

  it("merges a pair keeping the side chosen, then undoes the merge", async () => {
    const row = (id: string, name: string) => ({
      id,
      agencyId: "a1",
      name,
      sex: "female",
      birthYear: 1990,
      nationality: "SN",
      status: "migrant",
      phone: "+33 6 12 34 56 78",
      neighbourhood: "Les Minguettes",
      stage: "informed",
      createdAt: "2026-11-02T10:00:00Z",
      createdBy: "ag1",
    });
    let merged = false;
    const server = signedIn()
      .on("GET /api/v1/console/duplicates", () => ({
        status: 200,
        json: merged ? [] : [{ score: 0.9, reasons: ["phone"], a: row("c1", "Fatou Ndiaye"), b: row("c2", "Fatou Ndiay") }],
      }))
      .on("GET /api/v1/console/merges", () => ({ status: 200, json: merged ? [{ id: "m1", survivor: "Fatou Ndiay", other: "Fatou Ndiaye" }] : [] }))
      .on("POST /api/v1/console/merges", () => {
        merged = true;
        return { status: 200, json: { id: "m1" } };
      })
      .on("DELETE /api/v1/console/merges/m1", () => {
        merged = false;
        return { status: 204 };
      });
    await open("/console/duplicates", server);
    await until(() => currentRoot().querySelectorAll(".pair__side button").length === 2);
    expect(text(".pair .muted")).toBe("Même téléphone");
    await act(() => currentRoot().querySelector<HTMLButtonElement>(".pair__side[data-id=c2] button")!.click());
    await until(() => currentRoot().querySelector("[data-testid=merges] button") !== null);
    expect(server.last("POST", "/api/v1/console/merges")?.body).toEqual({ survivor: "c2", other: "c1" });
    await act(() => currentRoot().querySelector<HTMLButtonElement>("[data-testid=merges] button")!.click());
    await until(() => text(".console-notice") === "Fusion annulée.");
    expect(server.last("DELETE", "/api/v1/console/merges/m1")?.headers["X-CSRF-Token"]).toBe("csrf-abc");
  });

  it("pages through contacts with the server's cursor and comes back", async () => {
    const page = (n: number, next: string | null) => ({
      rows: [{ id: `c${n}`, agencyId: "a1", name: `Personne ${n}`, sex: null, birthYear: null, nationality: null, status: null, phone: null, neighbourhood: null, stage: null, createdAt: "2026-11-02T10:00:00Z", createdBy: null }],
      total: 2,
      next,
    });
    const server = signedIn().on("GET /api/v1/console/contacts", (r) => ({ status: 200, json: r.url.includes("cursor=k2") ? page(2, null) : page(1, "k2") }));
    await open("/console/contacts", server);
    await until(() => text(".console-table tbody") === "Personne 1" || text(".console-table tbody").startsWith("Personne 1"));
    const next = () => [...currentRoot().querySelectorAll<HTMLButtonElement>(".console-pager button")][1]!;
    const previous = () => [...currentRoot().querySelectorAll<HTMLButtonElement>(".console-pager button")][0]!;
    expect(previous().disabled).toBe(true);
    await act(() => next().click());
    await until(() => text(".console-table tbody").startsWith("Personne 2"));
    expect(next().disabled).toBe(true);
    await act(() => previous().click());
    await until(() => text(".console-table tbody").startsWith("Personne 1"));
    expect(text("[data-testid=table-total]")).toBe("2 lignes");
  });

  it("keeps the CSRF token of the sign-in for the actions that follow, across re-renders", async () => {
    let signedIn_ = false;
    const server = new FakeConsoleServer()
      .on("GET /api/v1/console/session", () => (signedIn_ ? { status: 200, json: SESSION } : { status: 401, json: { error: "unauthorized", message: "" } }))
      .on("POST /api/v1/console/session", () => {
        signedIn_ = true;
        return { status: 200, json: SESSION };
      })
      .on("GET /api/v1/console/dashboard", { status: 200, json: FIGURES })
      .on("DELETE /api/v1/console/session", (r) => (r.headers["X-CSRF-Token"] === "csrf-abc" ? { status: 204 } : { status: 403, json: { error: "csrf", message: "" } }));
    const real = globalThis.fetch;
    globalThis.fetch = server.fetch;
    try {
      history.replaceState(null, "", "/console");
      await act(() => {
        render(<ConsoleApp />, currentRoot());
      });
      await until(() => currentRoot().querySelector("input[name=username]") !== null);
      await act(() => {
        type(currentRoot().querySelector<HTMLInputElement>("input[name=username]")!, "demo.superviseur");
        type(currentRoot().querySelector<HTMLInputElement>("input[name=password]")!, "superviseur-demo");
      });
      await act(() => currentRoot().querySelector<HTMLButtonElement>("button[type=submit]")!.click());
      await until(() => currentRoot().querySelector("[data-testid=tiles]") !== null);
      const signOut = [...currentRoot().querySelectorAll<HTMLButtonElement>(".console__bar button")].find((b) => b.textContent === "Se déconnecter")!;
      await act(() => signOut.click());
      await until(() => server.last("DELETE", "/api/v1/console/session") !== undefined);
      expect(server.last("DELETE", "/api/v1/console/session")?.headers["X-CSRF-Token"]).toBe("csrf-abc");
    } finally {
      globalThis.fetch = real;
    }
  });

  it("keeps the administration pages from a supervisor", async () => {
    await open("/console/devices", signedIn());
    await until(() => text("[role=alert]") !== "");
    expect(text("[role=alert]")).toBe("Cette page est réservée aux administrateurs.");
    expect(currentRoot().querySelector(".console__nav")?.textContent).not.toContain("Appareils");
  });

  it("mirrors the page in Arabic", async () => {
    localStorage.setItem("relais.console.language", "ar");
    await open("/console", signedIn());
    await until(() => currentRoot().querySelector("[data-testid=tiles]") !== null);
    expect(document.documentElement.dir).toBe("rtl");
    expect(text("#dashboard-title")).toBe("المؤشرات");
  });
});
