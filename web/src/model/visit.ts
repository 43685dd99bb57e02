/** The outreach visit record; people reached are counters, so two agents' additions add up. */
import { A } from "../automerge";
import type { VisitSummary } from "../store/types";
import { commonFields, putSet, putStr, putText, readInt, readSet, readStr, type Author, type CommonDoc, type SetMap, type Str } from "./common";
import { Interest, RecordType } from "./vocabulary";

export interface VisitDoc extends CommonDoc {
  date: Str;
  agents: SetMap;
  neighbourhood: Str;
  place?: Str;
  reached: A.Counter;
  women_reached: A.Counter;
  topics: SetMap;
  notes?: string;
}

export interface VisitForm {
  /** YYYY-MM-DD */
  date: string;
  neighbourhood: string;
  place: string;
  reached: number;
  womenReached: number;
  topics: Interest[];
  notes: string;
}

export const VisitProblem = {
  DateMissing: "date_missing",
  NeighbourhoodMissing: "neighbourhood_missing",
  CountInvalid: "count_invalid",
  MoreWomenThanPeople: "more_women_than_people",
} as const;
export type VisitProblem = (typeof VisitProblem)[keyof typeof VisitProblem];

export function validateVisit(form: VisitForm): Partial<Record<keyof VisitForm, VisitProblem>> {
  const problems: Partial<Record<keyof VisitForm, VisitProblem>> = {};
  if (!/^\d{4}-\d{2}-\d{2}$/.test(form.date)) problems.date = VisitProblem.DateMissing;
  if (form.neighbourhood.trim() === "") problems.neighbourhood = VisitProblem.NeighbourhoodMissing;
  if (!Number.isInteger(form.reached) || form.reached < 0) problems.reached = VisitProblem.CountInvalid;
  if (!Number.isInteger(form.womenReached) || form.womenReached < 0) problems.womenReached = VisitProblem.CountInvalid;
  else if (form.womenReached > form.reached) problems.womenReached = VisitProblem.MoreWomenThanPeople;
  return problems;
}

function writeFields(d: VisitDoc, form: VisitForm): void {
  const root = d as unknown as Record<string, unknown>;
  putStr(root, "date", form.date);
  putStr(root, "neighbourhood", form.neighbourhood);
  putStr(root, "place", form.place);
  putSet(root, "topics", form.topics);
  putText(root, "notes", form.notes);
}

/** Moves a counter to `target` by incrementing it (an increment merges with others'; a put would not). */
function moveCounter(d: VisitDoc, key: "reached" | "women_reached", target: number): void {
  const current = d[key] as unknown;
  if (A.isCounter(current)) {
    const delta = target - current.value;
    if (delta !== 0) current.increment(delta);
  } else {
    d[key] = new A.Counter(target);
  }
}

export function createVisit(id: string, form: VisitForm, author: Author, actor: string, at: string): A.Doc<VisitDoc> {
  return A.change(A.init<VisitDoc>({ actor }), (d) => {
    Object.assign(d, commonFields(RecordType.Visit, id, author, at));
    d.agents = { [author.userId]: true };
    d.topics = {};
    d.reached = new A.Counter(form.reached);
    d.women_reached = new A.Counter(form.womenReached);
    writeFields(d, form);
  });
}

export function updateVisit(doc: A.Doc<VisitDoc>, form: VisitForm, author: Author): A.Doc<VisitDoc> {
  return A.change(doc, (d) => {
    writeFields(d, form);
    moveCounter(d, "reached", form.reached);
    moveCounter(d, "women_reached", form.womenReached);
    if (!d.agents || typeof d.agents !== "object") d.agents = {};
    if (d.agents[author.userId] !== true) d.agents[author.userId] = true;
  });
}

export function visitToForm(doc: VisitDoc): VisitForm {
  return {
    date: readStr(doc.date),
    neighbourhood: readStr(doc.neighbourhood),
    place: readStr(doc.place),
    reached: readInt(doc.reached) ?? 0,
    womenReached: readInt(doc.women_reached) ?? 0,
    topics: readSet(doc.topics).filter((s): s is Interest => (Object.values(Interest) as string[]).includes(s)),
    notes: readStr(doc.notes),
  };
}

export function summarizeVisit(doc: A.Doc<VisitDoc>): VisitSummary {
  return {
    kind: "visit",
    date: readStr(doc.date),
    neighbourhood: readStr(doc.neighbourhood),
    place: readStr(doc.place),
    reached: readInt(doc.reached) ?? 0,
    womenReached: readInt(doc.women_reached) ?? 0,
  };
}
