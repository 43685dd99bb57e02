/** A phone for unit tests: a vault over a backend, its documents and a sync engine against a fake server. */
import { bytesToHex, randomBytes, randomUuid } from "../bytes";
import type { StorageBackend } from "../store/backend";
import { Documents } from "../store/documents";
import { MemoryBackend } from "../store/memory";
import type { Account } from "../store/types";
import { Vault } from "../store/vault";
import { SyncEngine, type LinkHint } from "../sync/engine";
import type { FakeServer } from "./fake-server";
import { createContact, emptyContactForm, type ContactForm } from "../model/contact";
import type { Author } from "../model/common";
import { RecordType } from "../model/vocabulary";

export const AGENCY = "7d2c1f4e-0000-4000-8000-000000000001";
export const PIN = "2468";

export interface TestPhone {
  readonly backend: StorageBackend;
  readonly vault: Vault;
  readonly docs: Documents;
  readonly engine: SyncEngine;
  readonly account: Account;
  readonly author: Author;
}

/** What a test phone's sync engine is told: its page size, its link. */
export interface PhoneOptions {
  readonly pullBudget?: number;
  readonly link?: () => LinkHint | undefined;
}

export async function enrolPhone(server: FakeServer, backend: StorageBackend = new MemoryBackend(), options: PhoneOptions = {}): Promise<TestPhone> {
  const deviceId = randomUuid();
  const account: Account = {
    deviceId,
    token: server.enrol(deviceId),
    userId: randomUuid(),
    agencyId: AGENCY,
    displayName: "Test agent",
    role: "agent",
    username: "agent",
    actor: bytesToHex(randomBytes(16)),
    enrolledAt: new Date().toISOString(),
  };
  const vault = await Vault.create(backend, PIN);
  await vault.mutate((tx) => tx.putMeta("account", account));
  return assemble(server, backend, vault, account, options);
}

/** The same phone after a restart: the vault unlocked again from what the backend holds. */
export async function reopenPhone(server: FakeServer, backend: StorageBackend, options: PhoneOptions = {}): Promise<TestPhone> {
  const vault = await Vault.unlock(backend, PIN);
  if (!vault) throw new Error("the test PIN did not unlock the vault");
  const account = await vault.readMeta<Account>("account");
  if (!account) throw new Error("no account in the vault");
  return assemble(server, backend, vault, account, options);
}

function assemble(server: FakeServer, backend: StorageBackend, vault: Vault, account: Account, options: PhoneOptions): TestPhone {
  const engine = new SyncEngine(vault, server.transport(), account, options);
  const docs = new Documents(vault, account.actor);
  return { backend, vault, docs, engine, account, author: { userId: account.userId, agencyId: account.agencyId } };
}

export async function addContact(phone: TestPhone, fill: Partial<ContactForm> = {}): Promise<string> {
  const id = randomUuid();
  const form = { ...emptyContactForm(), consentGiven: true, givenName: "Amina", ...fill };
  await phone.docs.create(id, RecordType.Contact, createContact(id, form, phone.author, phone.account.actor, new Date().toISOString()));
  return id;
}
