/** What the vault keeps besides documents: the local index, the account and the sync state. */
import type { AgeBand, AttendanceStatus, RecordType, SessionKind, Stage } from "../model/vocabulary";

/** Where a document stands with the server (the device side of docs/protocol.md). */
export interface DocSync {
  /** The document's heads (hex change hashes). */
  readonly heads: readonly string[];
  /** Heads the server is known to have. */
  readonly acked: readonly string[];
  /** Changes exist that the server has not acknowledged (or must be checked). */
  readonly dirty: boolean;
  /** The server refused the document; it is not pushed again. */
  readonly refused?: string;
  /** The server stored the document but could not project it. */
  readonly quarantined?: string;
}

export interface ContactSummary {
  readonly kind: "contact";
  readonly name: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly alias: string;
  readonly phoneDigits: string;
  readonly phone: string;
  readonly neighbourhood: string;
  readonly city: string;
  readonly stage: Stage | null;
  readonly birthYear: number | null;
  readonly ageBand: AgeBand | null;
  readonly nationality: string;
  readonly createdAt: string;
  readonly conflicts: number;
  /** The contact a supervisor merged this one into (it is then hidden, a redirect). */
  readonly mergedInto?: string;
}

export interface SessionSummary {
  readonly kind: "session";
  readonly sessionKind: SessionKind | null;
  readonly topic: string;
  readonly startsAt: string;
  readonly place: string;
  readonly marks: Readonly<Record<string, AttendanceStatus>>;
}

export interface VisitSummary {
  readonly kind: "visit";
  readonly date: string;
  readonly neighbourhood: string;
  readonly place: string;
  readonly reached: number;
  readonly womenReached: number;
}

export type Summary = ContactSummary | SessionSummary | VisitSummary;

/** One line of the local index: enough to list, search and sync without loading the document. */
export interface IndexEntry {
  readonly id: string;
  readonly type: RecordType;
  readonly sync: DocSync;
  readonly summary: Summary;
}

/** The enrolled device and its user. */
export interface Account {
  readonly deviceId: string;
  readonly token: string;
  readonly userId: string;
  readonly agencyId: string;
  readonly displayName: string;
  readonly role: string;
  readonly username: string;
  /** This install's Automerge actor id (hex); a re-enrolment gets a new one. */
  readonly actor: string;
  readonly enrolledAt: string;
}

/** A request sent without an answer yet: resent as is (same batch id) until one comes. */
export interface InFlight {
  /** The encoded CBOR request, base64. */
  readonly request: string;
  /** For each pushed document, the heads it had when sent. */
  readonly sentHeads: Readonly<Record<string, readonly string[]>>;
}

export interface SyncState {
  readonly cursor: number;
  readonly snapshot: number | null;
  /** The server epoch last seen, hex. */
  readonly epoch: string | null;
  /** The feed said more remains. */
  readonly pullMore: boolean;
  readonly inFlight: InFlight | null;
  readonly lastSyncAt: string | null;
  /** A packed change could not be rebuilt once: ask for plain changes from then on. */
  readonly plainChanges?: boolean;
}

export const INITIAL_SYNC_STATE: SyncState = {
  cursor: 0,
  snapshot: null,
  epoch: null,
  pullMore: true,
  inFlight: null,
  lastSyncAt: null,
};
