/** The session record and its attendance (a map keyed by contact id, so marks of different people never collide). */
import { A } from "../automerge";
import type { SessionSummary } from "../store/types";
import { commonFields, putSet, putStr, putText, readEnum, readSet, readStr, str, type Author, type CommonDoc, type SetMap, type Str } from "./common";
import { AttendanceStatus, RecordType, SessionKind } from "./vocabulary";

export interface MarkDoc {
  status: Str;
  by?: Str;
  at?: Str;
}

export interface SessionDoc extends CommonDoc {
  kind: Str;
  topic: Str;
  starts_at: Str;
  ends_at?: Str;
  place?: Str;
  facilitators: SetMap;
  attendance: Record<string, MarkDoc>;
  notes?: string;
}

export interface SessionForm {
  kind: SessionKind;
  topic: string;
  /** UTC datetimes (RFC 3339). */
  startsAt: string;
  endsAt: string;
  place: string;
  facilitators: string[];
  notes: string;
}

export const SessionProblem = {
  TopicMissing: "topic_missing",
  StartMissing: "start_missing",
  EndBeforeStart: "end_before_start",
} as const;
export type SessionProblem = (typeof SessionProblem)[keyof typeof SessionProblem];

export function validateSession(form: SessionForm): Partial<Record<keyof SessionForm, SessionProblem>> {
  const problems: Partial<Record<keyof SessionForm, SessionProblem>> = {};
  if (form.topic.trim() === "") problems.topic = SessionProblem.TopicMissing;
  if (form.startsAt === "") problems.startsAt = SessionProblem.StartMissing;
  if (form.endsAt !== "" && form.startsAt !== "" && Date.parse(form.endsAt) < Date.parse(form.startsAt)) {
    problems.endsAt = SessionProblem.EndBeforeStart;
  }
  return problems;
}

function writeForm(d: SessionDoc, form: SessionForm): void {
  const root = d as unknown as Record<string, unknown>;
  putStr(root, "kind", form.kind);
  putStr(root, "topic", form.topic);
  putStr(root, "starts_at", form.startsAt);
  putStr(root, "ends_at", form.endsAt);
  putStr(root, "place", form.place);
  putSet(root, "facilitators", form.facilitators.map((f) => f.trim()).filter((f) => f !== ""));
  putText(root, "notes", form.notes);
}

export function createSession(id: string, form: SessionForm, author: Author, actor: string, at: string): A.Doc<SessionDoc> {
  return A.change(A.init<SessionDoc>({ actor }), (d) => {
    Object.assign(d, commonFields(RecordType.Session, id, author, at));
    d.facilitators = {};
    d.attendance = {};
    writeForm(d, form);
  });
}

export function updateSession(doc: A.Doc<SessionDoc>, form: SessionForm): A.Doc<SessionDoc> {
  return A.change(doc, (d) => writeForm(d, form));
}

export function sessionToForm(doc: SessionDoc): SessionForm {
  return {
    kind: readEnum(SessionKind, doc.kind) ?? SessionKind.Information,
    topic: readStr(doc.topic),
    startsAt: readStr(doc.starts_at),
    endsAt: readStr(doc.ends_at),
    place: readStr(doc.place),
    facilitators: readSet(doc.facilitators),
    notes: readStr(doc.notes),
  };
}

/**
 * Marks a contact. An existing mark is edited field by field, so two agents
 * marking the same person converge to one status; a new one is a fresh key.
 */
export function markAttendance(
  doc: A.Doc<SessionDoc>,
  contactId: string,
  status: AttendanceStatus,
  author: Author,
  at: string,
): A.Doc<SessionDoc> {
  return A.change(doc, (d) => {
    if (!d.attendance || typeof d.attendance !== "object") d.attendance = {};
    const existing = d.attendance[contactId];
    if (existing && typeof existing === "object") {
      existing.status = str(status);
      existing.by = str(author.userId);
      existing.at = str(at);
    } else {
      d.attendance[contactId] = { status: str(status), by: str(author.userId), at: str(at) };
    }
  });
}

export function readMarks(doc: SessionDoc): Record<string, AttendanceStatus> {
  const marks: Record<string, AttendanceStatus> = {};
  const attendance = doc.attendance && typeof doc.attendance === "object" ? doc.attendance : {};
  for (const [contactId, mark] of Object.entries(attendance)) {
    if (!mark || typeof mark !== "object") continue;
    const status = readEnum(AttendanceStatus, mark.status);
    if (status) marks[contactId] = status;
  }
  return marks;
}

export function summarizeSession(doc: A.Doc<SessionDoc>): SessionSummary {
  return {
    kind: "session",
    sessionKind: readEnum(SessionKind, doc.kind),
    topic: readStr(doc.topic),
    startsAt: readStr(doc.starts_at),
    place: readStr(doc.place),
    marks: readMarks(doc),
  };
}
