/**
 * A `fetch` for unit tests only: answers the console routes from a table of
 * canned JSON and records every request (method, path, headers, body), so a
 * test can check what the screens sent. The browser tests use the real server.
 */
export interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

export type Answer = { readonly status: number; readonly json?: unknown } | ((request: Recorded) => { readonly status: number; readonly json?: unknown });

export class FakeConsoleServer {
  readonly requests: Recorded[] = [];
  private readonly routes = new Map<string, Answer>();

  /** `key` is "METHOD /path" without the query string. */
  on(key: string, answer: Answer): this {
    this.routes.set(key, answer);
    return this;
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const method = (init?.method ?? "GET").toUpperCase();
    const headers = { ...(init?.headers as Record<string, string> | undefined) };
    const body = typeof init?.body === "string" ? (JSON.parse(init.body) as unknown) : undefined;
    const request: Recorded = { method, url, headers, body };
    this.requests.push(request);
    const path = url.split("?")[0] ?? url;
    const answer = this.routes.get(`${method} ${path}`);
    const found = typeof answer === "function" ? answer(request) : (answer ?? { status: 404, json: { error: "not_found", message: "no such endpoint" } });
    return new Response(found.json === undefined ? null : JSON.stringify(found.json), {
      status: found.status,
      headers: { "Content-Type": "application/json" },
    });
  };

  last(method: string, pathPrefix: string): Recorded | undefined {
    return [...this.requests].reverse().find((r) => r.method === method && r.url.startsWith(pathPrefix));
  }
}

/** Resolves once `check` holds, or fails after `ms`: no fixed sleeps. */
export async function until(check: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}
