import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConsoleApi } from "../api";
import { ConsoleApp } from "../ConsoleApp";
import { FakeConsoleServer, until } from "../testing/fake-console-server";

const AGENCY = { id: "a1", name: "Lyon Est" };
const SESSION = {
  user: { id: "u1", username: "demo.superviseur", displayName: "Sophie Martin", role: "supervisor", agencies: [AGENCY] },
  csrf: "csrf-abc",
};
const AGENTS = [
  { id: "ag1", name: "Amina Diallo", count: 10 },
  { id: "ag2", name: "Youssef Benali", count: 4 },
];

let root: HTMLElement;

beforeEach(() => {
  root = document.createElement("div");
  document.body.append(root);
  localStorage.setItem("relais.console.language", "en");
});

afterEach(() => {
  render(null, root);
  root.remove();
});

function choose(name: string, value: string): void {
  const select = root.querySelector<HTMLSelectElement>(`select[name=${name}]`)!;
  select.value = value;
  select.dispatchEvent(new Event("change", { bubbles: true }));
}

function downloadLink(): string {
  return root.querySelector<HTMLAnchorElement>("[data-testid=export-download]")!.getAttribute("href") ?? "";
}

describe("the exports page", () => {
  it("offers the agents by name and sends the chosen one's id with the agency", async () => {
    const server = new FakeConsoleServer()
      .on("GET /api/v1/console/session", { status: 200, json: SESSION })
      .on("GET /api/v1/console/dashboard", { status: 200, json: { byAgent: AGENTS } });
    history.replaceState(null, "", "/console/exports");
    await act(() => {
      render(<ConsoleApp api={new ConsoleApi(server.fetch)} />, root);
    });
    await until(() => root.querySelectorAll("select[name=agent] option").length === 3);
    expect([...root.querySelectorAll("select[name=agent] option")].map((o) => o.textContent)).toEqual(["All agents", "Amina Diallo", "Youssef Benali"]);
    expect(downloadLink()).toBe("/api/v1/exports/contacts.csv");

    await act(() => choose("agent", "ag2"));
    await act(() => choose("agency", "a1"));

    expect(downloadLink()).toBe("/api/v1/exports/contacts.csv?agency=a1&agent=ag2");
  });
});
