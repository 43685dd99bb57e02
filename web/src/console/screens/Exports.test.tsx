import { act } from "preact/test-utils";
import { describe, expect, it } from "vitest";
import { FakeConsoleServer, until } from "../testing/fake-console-server";
import { consoleRoot, openConsole, SUPERVISOR_SESSION } from "../testing/mount";

const AGENTS = [
  { id: "ag1", name: "Amina Diallo", count: 10 },
  { id: "ag2", name: "Youssef Benali", count: 4 },
];

const currentRoot = consoleRoot("en");

function choose(name: string, value: string): void {
  const select = currentRoot().querySelector<HTMLSelectElement>(`select[name=${name}]`)!;
  select.value = value;
  select.dispatchEvent(new Event("change", { bubbles: true }));
}

function downloadLink(): string {
  return currentRoot().querySelector<HTMLAnchorElement>("[data-testid=export-download]")!.getAttribute("href") ?? "";
}

describe("the exports page", () => {
  it("offers the agents by name and sends the chosen one's id with the agency", async () => {
    const server = new FakeConsoleServer()
      .on("GET /api/v1/console/session", { status: 200, json: SUPERVISOR_SESSION })
      .on("GET /api/v1/console/dashboard", { status: 200, json: { byAgent: AGENTS } });
    await openConsole(currentRoot(), "/console/exports", server);
    await until(() => currentRoot().querySelectorAll("select[name=agent] option").length === 3);
    expect([...currentRoot().querySelectorAll("select[name=agent] option")].map((o) => o.textContent)).toEqual(["All agents", "Amina Diallo", "Youssef Benali"]);
    expect(downloadLink()).toBe("/api/v1/exports/contacts.csv");

    await act(() => choose("agent", "ag2"));
    await act(() => choose("agency", "a1"));

    expect(downloadLink()).toBe("/api/v1/exports/contacts.csv?agency=a1&agent=ag2");
  });
});
