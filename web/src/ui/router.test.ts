import { describe, expect, it } from "vitest";
import { hashFlag, navigate, parseRoute } from "./router";

describe("navigating between screens", () => {
  it("adds a history entry, or replaces the current one, and tells the router each time", () => {
    const seen: string[] = [];
    const listener = (): void => void seen.push(location.hash);
    window.addEventListener("hashchange", listener);
    const depth = history.length;

    navigate("/contacts/c1?saved");
    expect(parseRoute(location.hash)).toEqual({ name: "contact", id: "c1" });
    expect(hashFlag("saved")).toBe(true);
    expect(history.length).toBe(depth + 1);

    navigate("/contacts/c1", true);
    expect(history.length).toBe(depth + 1);
    expect(seen).toEqual(["#/contacts/c1?saved", "#/contacts/c1"]);
    window.removeEventListener("hashchange", listener);
  });
});
