import { act } from "preact/test-utils";
import { describe, expect, it } from "vitest";
import { FakeConsoleServer, until } from "../testing/fake-console-server";
import { AGENCY, consoleRoot, openConsole, SUPERVISOR_SESSION as SESSION } from "../testing/mount";

function contact(id: string, name: string) {
  return {
    id,
    agencyId: AGENCY.id,
    name,
    sex: "female",
    birthYear: 1980,
    nationality: "GN",
    status: null,
    phone: "06 99 88 77 66",
    neighbourhood: null,
    stage: "contacted",
    createdAt: "2026-11-29T10:00:00Z",
    createdBy: "ag1",
  };
}

const FATOU = contact("c1", "Fatou Keita");
const IBRAHIMA = contact("c2", "Ibrahima Keita");
const PAIR = { score: 0.76, reasons: ["phone"], a: FATOU, b: IBRAHIMA };
const DISMISSAL = {
  a: FATOU,
  b: IBRAHIMA,
  agencyId: AGENCY.id,
  dismissedBy: "u1",
  dismissedByName: "Sophie Martin",
  dismissedAt: "2026-11-30T09:00:00Z",
};

const currentRoot = consoleRoot("en");

/** A server where the pair is listed until dismissed, and dismissed until undone. */
function serverWithOnePair(): FakeConsoleServer {
  let dismissed = false;
  return new FakeConsoleServer()
    .on("GET /api/v1/console/session", { status: 200, json: SESSION })
    .on("GET /api/v1/console/duplicates", () => ({ status: 200, json: dismissed ? [] : [PAIR] }))
    .on("GET /api/v1/console/merges", { status: 200, json: [] })
    .on("GET /api/v1/console/duplicates/dismissals", () => ({ status: 200, json: dismissed ? [DISMISSAL] : [] }))
    .on("POST /api/v1/console/duplicates/dismissals", () => {
      dismissed = true;
      return { status: 200, json: { dismissed: true } };
    })
    .on(`DELETE /api/v1/console/duplicates/dismissals/${FATOU.id}/${IBRAHIMA.id}`, () => {
      dismissed = false;
      return { status: 204 };
    });
}

function button(text: string): HTMLButtonElement | undefined {
  return [...currentRoot().querySelectorAll<HTMLButtonElement>("button")].find((b) => b.textContent === text);
}

describe("the duplicates page", () => {
  it("dismisses a pair as different people, then brings it back", async () => {
    const server = serverWithOnePair();
    const root = currentRoot();
    await openConsole(root, "/console/duplicates", server);
    await until(() => root.querySelector("[data-testid=dismiss-pair]") !== null);
    expect(root.textContent).toContain("No dismissed pairs.");

    await act(() => root.querySelector<HTMLButtonElement>("[data-testid=dismiss-pair]")!.click());
    await until(() => root.querySelector("[data-testid=dismissals]") !== null);

    const sent = server.last("POST", "/api/v1/console/duplicates/dismissals");
    expect(sent?.body).toEqual({ a: FATOU.id, b: IBRAHIMA.id });
    expect(sent?.headers["X-CSRF-Token"]).toBe("csrf-abc");
    expect(root.querySelector("[data-testid=duplicates]")).toBeNull();
    expect(root.textContent).toContain("Pair dismissed: it will not be suggested again.");
    const row = root.querySelector("[data-testid=dismissals] tbody tr")!;
    expect(row.textContent).toContain("Fatou Keita");
    expect(row.textContent).toContain("Ibrahima Keita");
    expect(row.textContent).toContain("Sophie Martin");

    await act(() => button("Undo: suggest again")!.click());
    await until(() => root.querySelector("[data-testid=dismiss-pair]") !== null);

    expect(server.last("DELETE", "/api/v1/console/duplicates/dismissals")?.url).toBe(
      `/api/v1/console/duplicates/dismissals/${FATOU.id}/${IBRAHIMA.id}`,
    );
    expect(root.querySelector("[data-testid=dismissals]")).toBeNull();
    expect(root.textContent).toContain("The pair is suggested again.");
  });

  it("says why when the server refuses the dismissal, and keeps the pair listed", async () => {
    const server = serverWithOnePair().on("POST /api/v1/console/duplicates/dismissals", {
      status: 404,
      json: { error: "not_found", message: "not found" },
    });
    const root = currentRoot();
    await openConsole(root, "/console/duplicates", server);
    await until(() => root.querySelector("[data-testid=dismiss-pair]") !== null);

    await act(() => root.querySelector<HTMLButtonElement>("[data-testid=dismiss-pair]")!.click());
    await until(() => root.textContent?.includes("This record does not exist or is not in your agencies.") ?? false);

    expect(root.querySelector("[data-testid=duplicates]")).not.toBeNull();
    expect(root.querySelector<HTMLButtonElement>("[data-testid=dismiss-pair]")!.disabled).toBe(false);
  });
});
