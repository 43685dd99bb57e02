/** The console API's JSON shapes (docs/console.md), as the browser reads them. */

export const ConsoleRole = { Supervisor: "supervisor", Admin: "admin" } as const;
export type ConsoleRole = (typeof ConsoleRole)[keyof typeof ConsoleRole];

export const AccountRole = { Agent: "agent", Supervisor: "supervisor", Admin: "admin" } as const;
export type AccountRole = (typeof AccountRole)[keyof typeof AccountRole];

export interface AgencyRef {
  readonly id: string;
  readonly name: string;
}

export interface ConsoleUser {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: ConsoleRole;
  readonly agencies: readonly AgencyRef[];
}

export interface SignedIn {
  readonly user: ConsoleUser;
  readonly csrf: string;
}

export interface Counted {
  readonly count: number;
}
export interface PeriodCount extends Counted {
  readonly period: string;
}
export interface NamedCount extends Counted {
  readonly id: string;
  readonly name: string;
}
export interface CodeCount extends Counted {
  readonly code: string;
}
export interface StageCount extends Counted {
  readonly stage: string;
}

export interface Dashboard {
  readonly reached: { readonly weekly: readonly PeriodCount[]; readonly monthly: readonly PeriodCount[] };
  readonly byAgency: readonly NamedCount[];
  readonly byAgent: readonly NamedCount[];
  readonly women: { readonly women: number; readonly total: number };
  readonly nationalities: readonly CodeCount[];
  readonly statuses: readonly CodeCount[];
  readonly interests: readonly CodeCount[];
  readonly funnel: readonly StageCount[];
  readonly sessions: {
    readonly held: number;
    readonly registered: number;
    readonly present: number;
    readonly absent: number;
    readonly attendanceRate: number;
  };
  readonly visits: { readonly count: number; readonly reached: number; readonly womenReached: number };
}

/** Filters shared by the dashboard, the tables and the exports; empty means "all". */
export interface Filters {
  readonly from: string;
  readonly to: string;
  readonly agency: string;
  readonly agent: string;
}
export const NO_FILTERS: Filters = { from: "", to: "", agency: "", agent: "" };

export interface Page<Row> {
  readonly rows: readonly Row[];
  readonly total: number;
  readonly next: string | null;
}

export interface ContactRow {
  readonly id: string;
  readonly agencyId: string;
  readonly name: string;
  readonly sex: string | null;
  readonly birthYear: number | null;
  readonly nationality: string | null;
  readonly status: string | null;
  readonly phone: string | null;
  readonly neighbourhood: string | null;
  readonly stage: string | null;
  readonly createdAt: string;
  readonly createdBy: string | null;
}

export interface SessionRow {
  readonly id: string;
  readonly agencyId: string;
  readonly kind: string;
  readonly topic: string;
  readonly startsAt: string;
  readonly place: string | null;
  readonly present: number;
  readonly absent: number;
  readonly registered: number;
}

export interface VisitRow {
  readonly id: string;
  readonly agencyId: string;
  readonly date: string;
  readonly neighbourhood: string | null;
  readonly place: string | null;
  readonly reached: number;
  readonly womenReached: number;
  readonly topics: readonly string[] | string | null;
}

/** A projected field's value: the server sends whatever the projection holds. */
export type FieldValue = string | number | boolean | null | readonly unknown[] | { readonly [key: string]: unknown };

export interface ContactDetail {
  readonly contact: { readonly [field: string]: FieldValue };
  readonly followUps: readonly { readonly [field: string]: FieldValue }[];
  readonly attendance: readonly { readonly sessionId: string; readonly topic: string; readonly startsAt: string; readonly status: string }[];
  readonly conflicts: readonly { readonly [field: string]: FieldValue }[];
}

export interface SessionDetail {
  readonly session: { readonly [field: string]: FieldValue };
  readonly attendance: readonly {
    readonly contactId: string;
    readonly name: string;
    readonly status: string;
    readonly markedBy: string | null;
    readonly markedAt: string | null;
  }[];
}

export interface HistoryEntry {
  /** When the change says it was made (the device's clock), if it says so. */
  readonly at: string | null;
  /** When the server received it. */
  readonly receivedAt?: string | null;
  readonly actor: string;
  readonly deviceId: string | null;
  readonly userId: string | null;
  readonly username: string | null;
  readonly changes: readonly { readonly field: string; readonly value: FieldValue }[];
}

export interface ConflictValue {
  readonly value: FieldValue;
  readonly winner: boolean;
  readonly actor: string;
  readonly deviceId: string | null;
  readonly userId: string | null;
  readonly username: string | null;
}

export interface Conflict {
  readonly docId: string;
  readonly type: string;
  readonly label: string;
  readonly field: string;
  readonly values: readonly ConflictValue[];
}

export const DuplicateReason = { Phone: "phone", NameBirthYearNationality: "name_birth_year_nationality" } as const;
export type DuplicateReason = (typeof DuplicateReason)[keyof typeof DuplicateReason];

export interface Duplicate {
  readonly score: number;
  readonly reasons: readonly string[];
  readonly a: ContactRow;
  readonly b: ContactRow;
}

/** A merge as listed; only `id` is fixed by the contract, the rest is shown when present. */
export interface Merge {
  readonly id: string;
  readonly [field: string]: FieldValue;
}

export interface AccountRow {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: AccountRole;
  readonly agencies: readonly (AgencyRef | string)[];
  readonly disabled?: boolean;
}

export interface NewAccount {
  readonly username: string;
  readonly displayName: string;
  readonly password: string;
  readonly role: AccountRole;
  readonly agencies: readonly string[];
}

export interface AccountChange {
  readonly displayName?: string;
  readonly password?: string;
  readonly role?: AccountRole;
  readonly agencies?: readonly string[];
  readonly disabled?: boolean;
}

export interface DeviceRow {
  readonly id: string;
  readonly userId: string;
  readonly username: string;
  readonly agencyId: string;
  readonly label: string | null;
  readonly enrolledAt: string;
  readonly lastSyncAt: string | null;
  readonly lastChanges: number | null;
  readonly revoked: boolean;
}

/** A line of the export log; the server may spell keys in camelCase or snake_case. */
export interface ExportLogRow {
  readonly [field: string]: FieldValue;
}

export const ExportTable = {
  Contacts: "contacts",
  FollowUps: "follow_ups",
  Sessions: "sessions",
  Attendance: "attendance",
  Visits: "visits",
  All: "all",
} as const;
export type ExportTable = (typeof ExportTable)[keyof typeof ExportTable];

export const ExportFormat = { Csv: "csv", Xlsx: "xlsx", Json: "json" } as const;
export type ExportFormat = (typeof ExportFormat)[keyof typeof ExportFormat];
