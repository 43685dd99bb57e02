import { describe, expect, it } from "vitest";
import { A } from "../automerge";
import { FakeServer } from "../testing/fake-server";
import { addContact, enrolPhone, reopenPhone } from "../testing/phone";
import { MemoryBackend } from "../store/memory";
import { SyncError, SyncFailure } from "./engine";
import { contactConflicts, contactToForm, updateContact, type ContactDoc } from "../model/contact";
import { markAttendance, createSession, readMarks, type SessionDoc } from "../model/session";
import { AttendanceStatus, RecordType, SessionKind } from "../model/vocabulary";
import { randomUuid } from "../bytes";

function failureOf(promise: Promise<unknown>): Promise<SyncFailure> {
  return promise.then(
    () => {
      throw new Error("expected the sync to fail");
    },
    (e: unknown) => {
      if (e instanceof SyncError) return e.failure;
      throw e;
    },
  );
}

describe("the sync client", () => {
  it("keeps a change pending until the server acknowledges it", async () => {
    const server = new FakeServer();
    const phone = await enrolPhone(server);
    const id = await addContact(phone);
    expect(phone.engine.pending()).toBe(1);

    server.failBefore = 1;
    expect(await failureOf(phone.engine.syncOnce())).toBe(SyncFailure.Network);
    expect(phone.engine.pending()).toBe(1);

    await phone.engine.syncUntilIdle();
    expect(phone.engine.pending()).toBe(0);
    expect(server.document(id)).toBeDefined();
  });

  it("retries a request whose answer was lost with the same batch id and stores nothing twice", async () => {
    const server = new FakeServer();
    const phone = await enrolPhone(server);
    const id = await addContact(phone);
    server.loseAnswers = 1;
    expect(await failureOf(phone.engine.syncOnce())).toBe(SyncFailure.Network);
    expect(phone.engine.pending()).toBe(1);

    await phone.engine.syncOnce();
    expect(server.batches[0]).toBe(server.batches[1]);
    expect(server.log.filter((r) => r.docId === id)).toHaveLength(1);
    expect(phone.engine.pending()).toBe(0);
  });

  it("resends the same batch after the page was closed mid-sync", async () => {
    const server = new FakeServer();
    const backend = new MemoryBackend();
    const phone = await enrolPhone(server, backend);
    const id = await addContact(phone);
    server.loseAnswers = 1;
    await failureOf(phone.engine.syncOnce());

    const reopened = await reopenPhone(server, backend);
    await reopened.engine.syncUntilIdle();
    expect(server.batches[0]).toBe(server.batches[1]);
    expect(server.log.filter((r) => r.docId === id)).toHaveLength(1);
    expect(reopened.engine.pending()).toBe(0);
  });

  it("sends everything again when the server answers need", async () => {
    const server = new FakeServer();
    const phone = await enrolPhone(server);
    const id = await addContact(phone);
    await phone.engine.syncUntilIdle();
    server.forget(id);
    await phone.docs.edit<ContactDoc>(id, (d) => updateContact(d, { ...contactToForm(d), city: "Lyon" }, phone.author, new Date().toISOString()));

    const first = await phone.engine.syncOnce();
    expect(first.more).toBe(true);
    expect(phone.engine.pending()).toBe(1);
    await phone.engine.syncUntilIdle();
    expect(phone.engine.pending()).toBe(0);
    expect(contactToForm(server.document<ContactDoc>(id) as ContactDoc).city).toBe("Lyon");
  });

  it("pulls a large feed in pages and resumes after a dropped connection", async () => {
    const server = new FakeServer();
    const author = await enrolPhone(server);
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(await addContact(author, { givenName: `Person ${i}` }));
    await author.engine.syncUntilIdle();

    const backend = new MemoryBackend();
    const reader = await enrolPhone(server, backend, { pullBudget: 2_000 });
    const first = await reader.engine.syncOnce();
    expect(first.more).toBe(true);
    const got = reader.vault.size;
    expect(got).toBeGreaterThan(0);
    expect(got).toBeLessThan(30);

    server.failBefore = 1;
    await failureOf(reader.engine.syncOnce());
    const reopened = await reopenPhone(server, backend, { pullBudget: 2_000 });
    expect(reopened.vault.size).toBe(got);
    await reopened.engine.syncUntilIdle();
    expect(reopened.vault.size).toBe(30);
    expect(new Set([...reopened.vault.entries()].map((e) => e.id))).toEqual(new Set(ids));
  });

  it("deletes a document the server erased, from the feed or in answer to a push", async () => {
    const server = new FakeServer();
    const phone = await enrolPhone(server);
    const other = await enrolPhone(server);
    const fromFeed = await addContact(phone);
    const pushed = await addContact(phone);
    await phone.engine.syncUntilIdle();
    await other.engine.syncUntilIdle();
    expect(other.vault.entry(fromFeed)).toBeDefined();

    server.erase(fromFeed);
    server.erase(pushed);
    await other.engine.syncUntilIdle();
    expect(other.vault.entry(fromFeed)).toBeUndefined();
    expect(await other.vault.docBytes(fromFeed)).toBeUndefined();

    await phone.docs.edit<ContactDoc>(pushed, (d) => updateContact(d, { ...contactToForm(d), city: "Lille" }, phone.author, new Date().toISOString()));
    await phone.engine.syncUntilIdle();
    expect(phone.vault.entry(pushed)).toBeUndefined();
    expect(server.docs.has(pushed)).toBe(false);
  });

  it("wipes local data when the server says the device was revoked", async () => {
    const server = new FakeServer();
    const phone = await enrolPhone(server);
    await addContact(phone);
    server.revoke(phone.account.token);
    expect(await failureOf(phone.engine.syncOnce())).toBe(SyncFailure.Revoked);
    expect(phone.vault.size).toBe(0);
    expect(await phone.backend.keys("config")).toEqual([]);
  });

  it("checks every document again when the server epoch changes", async () => {
    const server = new FakeServer();
    const phone = await enrolPhone(server);
    const id = await addContact(phone);
    await phone.engine.syncUntilIdle();
    server.forget(id);
    server.restoreFromBackup();
    await phone.engine.syncOnce();
    expect(phone.engine.pending()).toBe(1);
    await phone.engine.syncUntilIdle();
    expect(server.document(id)).toBeDefined();
  });

  it("merges two phones' offline edits of one contact and offers the losing value", async () => {
    const server = new FakeServer();
    const amina = await enrolPhone(server);
    const youssef = await enrolPhone(server);
    const id = await addContact(amina, { givenName: "Fatou", city: "Lyon" });
    await amina.engine.syncUntilIdle();
    await youssef.engine.syncUntilIdle();

    const at = new Date().toISOString();
    await amina.docs.edit<ContactDoc>(id, (d) => updateContact(d, { ...contactToForm(d), city: "Vénissieux", notes: "a" }, amina.author, at));
    await youssef.docs.edit<ContactDoc>(id, (d) => updateContact(d, { ...contactToForm(d), city: "Villeurbanne", phone: "+33 6 12 34 56 78" }, youssef.author, at));
    await amina.engine.syncUntilIdle();
    await youssef.engine.syncUntilIdle();
    await amina.engine.syncUntilIdle();

    const a = (await amina.docs.load<ContactDoc>(id)) as A.Doc<ContactDoc>;
    const y = (await youssef.docs.load<ContactDoc>(id)) as A.Doc<ContactDoc>;
    expect(A.getHeads(a).sort()).toEqual(A.getHeads(y).sort());
    expect(contactToForm(a).phone).toBe("+33 6 12 34 56 78");
    const conflicts = contactConflicts(a);
    expect(conflicts.map((c) => c.field)).toEqual(["city"]);
    expect([conflicts[0]?.current, ...(conflicts[0]?.others ?? [])].sort()).toEqual(["Villeurbanne", "Vénissieux"]);
    expect(amina.vault.entry(id)?.summary).toMatchObject({ conflicts: 1 });
  });

  it("keeps both agents' attendance marks on one session", async () => {
    const server = new FakeServer();
    const amina = await enrolPhone(server);
    const youssef = await enrolPhone(server);
    const session = randomUuid();
    const at = new Date().toISOString();
    await amina.docs.create(
      session,
      RecordType.Session,
      createSession(session, { kind: SessionKind.Information, topic: "CV", startsAt: at, endsAt: "", place: "", facilitators: [], notes: "" }, amina.author, amina.account.actor, at),
    );
    await amina.engine.syncUntilIdle();
    await youssef.engine.syncUntilIdle();
    const [c1, c2] = [randomUuid(), randomUuid()];
    await amina.docs.edit<SessionDoc>(session, (d) => markAttendance(d, c1, AttendanceStatus.Present, amina.author, at));
    await youssef.docs.edit<SessionDoc>(session, (d) => markAttendance(d, c2, AttendanceStatus.Absent, youssef.author, at));
    await amina.engine.syncUntilIdle();
    await youssef.engine.syncUntilIdle();
    await amina.engine.syncUntilIdle();
    const marks = readMarks((await amina.docs.load<SessionDoc>(session)) as SessionDoc);
    expect(marks).toEqual({ [c1]: AttendanceStatus.Present, [c2]: AttendanceStatus.Absent });
  });

  it("asks to enrol again when the token is unknown, without wiping", async () => {
    const server = new FakeServer();
    const phone = await enrolPhone(server);
    await addContact(phone);
    server.tokens.clear();
    expect(await failureOf(phone.engine.syncOnce())).toBe(SyncFailure.Unauthorized);
    expect(phone.vault.size).toBe(1);
  });
});
