/**
 * The console's HTTP client: `/api/v1/console` with the session cookie, and
 * the `X-CSRF-Token` header (from the sign-in answer) on every unsafe request.
 * A failed answer becomes an `ApiFailure` carrying the server's code and
 * message, so screens can say what went wrong.
 */
import type {
  AccountChange,
  AccountRow,
  AgencyRef,
  Conflict,
  ContactDetail,
  ContactRow,
  Dashboard,
  DeviceRow,
  Duplicate,
  ExportFormat,
  ExportLogRow,
  ExportTable,
  FieldValue,
  Filters,
  HistoryEntry,
  Merge,
  NewAccount,
  Page,
  SessionDetail,
  SessionRow,
  SignedIn,
  VisitRow,
} from "./types";

/** A pair of possible duplicates a supervisor said are different people. */
export interface Dismissal {
  readonly a: ContactRow;
  readonly b: ContactRow;
  readonly agencyId: string;
  readonly dismissedBy: string;
  readonly dismissedByName: string;
  readonly dismissedAt: string;
}

export const CONSOLE_API = "/api/v1/console";
export const EXPORT_API = "/api/v1/exports";

/** The ways a console request fails that a screen treats differently. */
export const FailureKind = {
  /** No valid session: show the sign-in screen. */
  SignedOut: "signed_out",
  /** An agent's account, a missing CSRF token, or an action this role may not do. */
  Forbidden: "forbidden",
  NotFound: "not_found",
  Invalid: "invalid",
  RateLimited: "rate_limited",
  Server: "server",
  Network: "network",
} as const;
export type FailureKind = (typeof FailureKind)[keyof typeof FailureKind];

export class ApiFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiFailure";
  }
}

function kindOf(status: number): FailureKind {
  if (status === 401) return FailureKind.SignedOut;
  if (status === 403) return FailureKind.Forbidden;
  if (status === 404) return FailureKind.NotFound;
  if (status === 429) return FailureKind.RateLimited;
  if (status >= 500) return FailureKind.Server;
  return FailureKind.Invalid;
}

export type Query = Record<string, string | number | null | undefined>;

/** `?a=1&b=2` without the empty values, or "" when nothing is left. */
export function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === null || value === undefined || value === "") continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

export function filterQuery(filters: Filters): Query {
  return { from: filters.from, to: filters.to, agency: filters.agency, agent: filters.agent };
}

export const ContactSort = { Name: "name", NameDesc: "-name", Created: "created", CreatedDesc: "-created" } as const;
export type ContactSort = (typeof ContactSort)[keyof typeof ContactSort];

export interface ContactQuery extends Filters {
  readonly q: string;
  readonly stage: string;
  readonly nationality: string;
  readonly sort: ContactSort;
}

export interface RecordQuery extends Filters {
  readonly q: string;
}

export interface ExportChoice {
  readonly table: ExportTable;
  readonly format: ExportFormat;
  readonly agency: string;
  readonly from: string;
  readonly to: string;
  /** A user id (the export routes also take a username). */
  readonly agent: string;
  readonly pseudonymise: boolean;
}

/** The download address of an export; a GET, so the session cookie is enough. */
export function exportUrl(choice: ExportChoice): string {
  return `${EXPORT_API}/${choice.table}.${choice.format}${queryString({
    agency: choice.agency,
    from: choice.from,
    to: choice.to,
    agent: choice.agent,
    pseudonymise: choice.pseudonymise ? "true" : "",
  })}`;
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export class ConsoleApi {
  private csrf = "";
  /** Called when a request finds the session gone (expired, or signed out elsewhere). */
  onSignedOut: () => void = () => {};

  constructor(private readonly fetcher: typeof fetch = (input, init) => fetch(input, init)) {}

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (UNSAFE.has(method) && this.csrf) headers["X-CSRF-Token"] = this.csrf;
    let response: Response;
    try {
      response = await this.fetcher(`${CONSOLE_API}${path}`, {
        method,
        headers,
        credentials: "same-origin",
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (err) {
      throw new ApiFailure(FailureKind.Network, 0, "network", err instanceof Error ? err.message : String(err));
    }
    if (!response.ok) {
      let code = "http_" + response.status;
      let message = response.statusText;
      try {
        const parsed = (await response.json()) as { error?: unknown; message?: unknown };
        if (typeof parsed.error === "string") code = parsed.error;
        if (typeof parsed.message === "string") message = parsed.message;
      } catch {
        // A body that is not JSON (a proxy's page): the status says enough.
      }
      const failure = new ApiFailure(kindOf(response.status), response.status, code, message);
      if (failure.kind === FailureKind.SignedOut && path !== "/session") this.onSignedOut();
      throw failure;
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text === "" ? undefined : JSON.parse(text)) as T;
  }

  private remember(session: SignedIn): SignedIn {
    this.csrf = session.csrf;
    return session;
  }

  /** The current session, or null when signed out. */
  async session(): Promise<SignedIn | null> {
    try {
      return this.remember(await this.request<SignedIn>("GET", "/session"));
    } catch (err) {
      if (err instanceof ApiFailure && err.kind === FailureKind.SignedOut) return null;
      throw err;
    }
  }

  async signIn(username: string, password: string): Promise<SignedIn> {
    return this.remember(await this.request<SignedIn>("POST", "/session", { username, password }));
  }

  async signOut(): Promise<void> {
    try {
      await this.request<void>("DELETE", "/session");
    } finally {
      this.csrf = "";
    }
  }

  dashboard(filters: Filters): Promise<Dashboard> {
    return this.request("GET", `/dashboard${queryString(filterQuery(filters))}`);
  }

  contacts(query: ContactQuery, cursor: string | null, limit = 50): Promise<Page<ContactRow>> {
    const { q, stage, nationality, sort } = query;
    return this.request("GET", `/contacts${queryString({ ...filterQuery(query), q, stage, nationality, sort, limit, cursor })}`);
  }

  contact(id: string): Promise<ContactDetail> {
    return this.request("GET", `/contacts/${encodeURIComponent(id)}`);
  }

  contactHistory(id: string): Promise<readonly HistoryEntry[]> {
    return this.request("GET", `/contacts/${encodeURIComponent(id)}/history`);
  }

  recordHistory(id: string): Promise<readonly HistoryEntry[]> {
    return this.request("GET", `/records/${encodeURIComponent(id)}/history`);
  }

  sessions(query: RecordQuery, cursor: string | null, limit = 50): Promise<Page<SessionRow>> {
    return this.request("GET", `/sessions${queryString({ ...filterQuery(query), q: query.q, limit, cursor })}`);
  }

  sessionDetail(id: string): Promise<SessionDetail> {
    return this.request("GET", `/sessions/${encodeURIComponent(id)}`);
  }

  visits(query: RecordQuery, cursor: string | null, limit = 50): Promise<Page<VisitRow>> {
    return this.request("GET", `/visits${queryString({ ...filterQuery(query), q: query.q, limit, cursor })}`);
  }

  conflicts(agency: string): Promise<readonly Conflict[]> {
    return this.request("GET", `/conflicts${queryString({ agency })}`);
  }

  resolveConflict(docId: string, field: string, value: FieldValue): Promise<{ resolved: boolean }> {
    return this.request("POST", "/conflicts/resolve", { docId, field, value });
  }

  duplicates(agency: string): Promise<readonly Duplicate[]> {
    return this.request("GET", `/duplicates${queryString({ agency })}`);
  }

  /** The two contacts are different people: the pair leaves the duplicates list. */
  dismissDuplicate(a: string, b: string): Promise<{ dismissed: boolean }> {
    return this.request("POST", "/duplicates/dismissals", { a, b });
  }

  dismissals(agency: string): Promise<readonly Dismissal[]> {
    return this.request("GET", `/duplicates/dismissals${queryString({ agency })}`);
  }

  undoDismissal(a: string, b: string): Promise<void> {
    return this.request("DELETE", `/duplicates/dismissals/${encodeURIComponent(a)}/${encodeURIComponent(b)}`);
  }

  merge(survivor: string, other: string): Promise<{ id: string }> {
    return this.request("POST", "/merges", { survivor, other });
  }

  merges(agency: string): Promise<readonly Merge[]> {
    return this.request("GET", `/merges${queryString({ agency })}`);
  }

  undoMerge(id: string): Promise<void> {
    return this.request("DELETE", `/merges/${encodeURIComponent(id)}`);
  }

  agencies(): Promise<readonly AgencyRef[]> {
    return this.request("GET", "/agencies");
  }

  createAgency(name: string): Promise<AgencyRef> {
    return this.request("POST", "/agencies", { name });
  }

  accounts(): Promise<readonly AccountRow[]> {
    return this.request("GET", "/users");
  }

  createAccount(account: NewAccount): Promise<AccountRow> {
    return this.request("POST", "/users", account);
  }

  changeAccount(id: string, change: AccountChange): Promise<AccountRow> {
    return this.request("PATCH", `/users/${encodeURIComponent(id)}`, change);
  }

  devices(): Promise<readonly DeviceRow[]> {
    return this.request("GET", "/devices");
  }

  revokeDevice(id: string): Promise<void> {
    return this.request("POST", `/devices/${encodeURIComponent(id)}/revoke`);
  }

  exportLog(): Promise<readonly ExportLogRow[]> {
    return this.request("GET", "/exports/log");
  }
}
