import { describe, expect, it } from "vitest";
import { consolePath, isConsolePath, parseConsolePath, type ConsoleRoute } from "./routes";

describe("console addresses", () => {
  it("read back every route they write", () => {
    const routes: ConsoleRoute[] = [
      { name: "dashboard" },
      { name: "contacts" },
      { name: "contact", id: "0b6e5f00-1111-4222-8333-444455556666" },
      { name: "sessions" },
      { name: "session", id: "s/1" },
      { name: "visits" },
      { name: "conflicts" },
      { name: "duplicates" },
      { name: "exports" },
      { name: "agencies" },
      { name: "users" },
      { name: "devices" },
      { name: "export-log" },
    ];
    for (const route of routes) expect(parseConsolePath(consolePath(route))).toEqual(route);
  });

  it("send unknown or malformed addresses to the dashboard", () => {
    for (const path of ["/console/nowhere", "/console/visits/1", "/console/contacts/1/2", "/console/users/x"]) {
      expect(parseConsolePath(path)).toEqual({ name: "dashboard" });
    }
  });

  it("belong to the console only below /console", () => {
    expect(isConsolePath("/console")).toBe(true);
    expect(isConsolePath("/console/contacts")).toBe(true);
    expect(isConsolePath("/consoles")).toBe(false);
    expect(isConsolePath("/")).toBe(false);
  });
});
