import { describe, expect, it } from "vitest";
import { ApiFailure, ConsoleApi, ContactSort, FailureKind, exportUrl, queryString } from "./api";
import { FakeConsoleServer } from "./testing/fake-console-server";
import { NO_FILTERS } from "./types";

const SESSION = {
  user: { id: "u1", username: "demo.superviseur", displayName: "Sophie", role: "supervisor", agencies: [{ id: "a1", name: "Lyon" }] },
  csrf: "token-123",
};

describe("the console API client", () => {
  it("sends the CSRF token from the sign-in answer on every unsafe request and never on reads", async () => {
    const server = new FakeConsoleServer()
      .on("POST /api/v1/console/session", { status: 200, json: SESSION })
      .on("GET /api/v1/console/conflicts", { status: 200, json: [] })
      .on("POST /api/v1/console/conflicts/resolve", { status: 200, json: { resolved: true } })
      .on("DELETE /api/v1/console/merges/m1", { status: 204 })
      .on("PATCH /api/v1/console/users/u2", { status: 200, json: {} })
      .on("POST /api/v1/console/devices/d1/revoke", { status: 204 });
    const api = new ConsoleApi(server.fetch);

    await api.signIn("demo.superviseur", "superviseur-demo");
    await api.conflicts("");
    await api.resolveConflict("doc1", "city", "Villeurbanne");
    await api.undoMerge("m1");
    await api.changeAccount("u2", { disabled: true });
    await api.revokeDevice("d1");

    const [signIn, read, ...unsafe] = server.requests;
    expect(signIn?.headers["X-CSRF-Token"]).toBeUndefined();
    expect(read?.headers["X-CSRF-Token"]).toBeUndefined();
    expect(unsafe.map((r) => r.headers["X-CSRF-Token"])).toEqual(["token-123", "token-123", "token-123", "token-123"]);
    expect(unsafe[0]?.body).toEqual({ docId: "doc1", field: "city", value: "Villeurbanne" });
  });

  it("reports a missing session as signed out, not as an error", async () => {
    const server = new FakeConsoleServer().on("GET /api/v1/console/session", { status: 401, json: { error: "unauthorized", message: "sign in" } });
    expect(await new ConsoleApi(server.fetch).session()).toBeNull();
  });

  it("turns an agent's refusal into a forbidden failure carrying the server's message", async () => {
    const server = new FakeConsoleServer().on("POST /api/v1/console/session", {
      status: 403,
      json: { error: "forbidden", message: "agents use the phone app" },
    });
    const failure = await new ConsoleApi(server.fetch).signIn("demo.amina", "amina-demo").catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiFailure);
    expect((failure as ApiFailure).kind).toBe(FailureKind.Forbidden);
    expect((failure as ApiFailure).message).toBe("agents use the phone app");
  });

  it("calls back when a request finds the session expired", async () => {
    const server = new FakeConsoleServer().on("GET /api/v1/console/dashboard", { status: 401, json: { error: "unauthorized", message: "expired" } });
    const api = new ConsoleApi(server.fetch);
    let signedOut = 0;
    api.onSignedOut = () => signedOut++;
    await expect(api.dashboard(NO_FILTERS)).rejects.toBeInstanceOf(ApiFailure);
    expect(signedOut).toBe(1);
  });

  it("forgets the CSRF token on sign-out even when the server cannot be reached", async () => {
    const server = new FakeConsoleServer()
      .on("POST /api/v1/console/session", { status: 200, json: SESSION })
      .on("DELETE /api/v1/console/session", { status: 500, json: { error: "internal", message: "" } })
      .on("POST /api/v1/console/agencies", { status: 403, json: { error: "csrf", message: "" } });
    const api = new ConsoleApi(server.fetch);
    await api.signIn("demo.superviseur", "superviseur-demo");
    await expect(api.signOut()).rejects.toBeInstanceOf(ApiFailure);
    await api.createAgency("Nouvelle").catch(() => undefined);
    expect(server.last("POST", "/api/v1/console/agencies")?.headers["X-CSRF-Token"]).toBeUndefined();
  });

  it("puts only the filters that are set in the query, with the cursor and sort", async () => {
    const server = new FakeConsoleServer().on("GET /api/v1/console/contacts", { status: 200, json: { rows: [], total: 0, next: null } });
    await new ConsoleApi(server.fetch).contacts(
      { from: "2026-01-01", to: "", agency: "a1", agent: "", q: "Fatou B", stage: "", nationality: "SN", sort: ContactSort.NameDesc },
      "opaque/cursor=",
      50,
    );
    const url = new URL(server.requests[0]?.url ?? "", "http://x");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      from: "2026-01-01",
      agency: "a1",
      q: "Fatou B",
      nationality: "SN",
      sort: "-name",
      limit: "50",
      cursor: "opaque/cursor=",
    });
  });

  it("builds export addresses for the existing export routes, pseudonymised only when asked", () => {
    const base = { table: "attendance", format: "csv", agency: "", from: "", to: "", agent: "", pseudonymise: false } as const;
    expect(exportUrl(base)).toBe("/api/v1/exports/attendance.csv");
    expect(exportUrl({ ...base, format: "xlsx", table: "all", agency: "a1", from: "2026-01-01", agent: "demo.amina", pseudonymise: true })).toBe(
      "/api/v1/exports/all.xlsx?agency=a1&from=2026-01-01&agent=demo.amina&pseudonymise=true",
    );
    expect(queryString({ a: "", b: null, c: undefined })).toBe("");
  });

  it("reports an unreachable server as a network failure", async () => {
    const api = new ConsoleApi(() => Promise.reject(new TypeError("Failed to fetch")));
    const failure = await api.dashboard(NO_FILTERS).catch((e: unknown) => e);
    expect((failure as ApiFailure).kind).toBe(FailureKind.Network);
  });
});
