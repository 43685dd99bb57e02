/** The index summary of any record document, from its `type`. */
import { A } from "../automerge";
import type { Summary } from "../store/types";
import { readStr } from "./common";
import { summarizeContact, type ContactDoc } from "./contact";
import { summarizeSession, type SessionDoc } from "./session";
import { summarizeVisit, type VisitDoc } from "./visit";
import { RecordType, isOneOf } from "./vocabulary";

export function recordTypeOf(doc: A.Doc<unknown>): RecordType | null {
  const type = readStr((doc as Record<string, unknown>)["type"]);
  return isOneOf(RecordType, type) ? type : null;
}

export function summarize(type: RecordType, doc: A.Doc<unknown>): Summary {
  switch (type) {
    case RecordType.Contact:
      return summarizeContact(doc as A.Doc<ContactDoc>);
    case RecordType.Session:
      return summarizeSession(doc as A.Doc<SessionDoc>);
    case RecordType.Visit:
      return summarizeVisit(doc as A.Doc<VisitDoc>);
  }
}
