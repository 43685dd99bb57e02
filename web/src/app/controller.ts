/**
 * The app's state outside the screens: which phase it is in (enrol, set a
 * PIN, locked, ready), the unlocked vault and the sync loop, and the status
 * bar's facts. Screens subscribe to it; it never holds a decrypted document.
 */
import { automergeReady } from "../automerge";
import { bytesToHex, randomBytes } from "../bytes";
import { IndexedDbBackend, IndexedDbStuck } from "../store/idb";
import { MemoryBackend } from "../store/memory";
import type { StorageBackend } from "../store/backend";
import { Documents } from "../store/documents";
import type { Account } from "../store/types";
import { Vault, hasVault, readConfig, writeConfig } from "../store/vault";
import { SYNC_META_KEY, SyncEngine, SyncError, SyncFailure, pendingCount, type LinkHint } from "../sync/engine";
import { HttpTransport } from "../sync/transport";
import { PERIOD_MS, SAVE_DELAY_MS, SyncScheduler, type RunOutcome } from "../sync/scheduler";
import { Language, isLanguage } from "../i18n";
import type { Author } from "../model/common";
import type { SyncState } from "../store/types";

export const Phase = {
  Loading: "loading",
  Enrol: "enrol",
  SetPin: "set_pin",
  Locked: "locked",
  Ready: "ready",
  Broken: "broken",
} as const;
export type Phase = (typeof Phase)[keyof typeof Phase];

export type StatusError = SyncFailure | "storage";

export interface SyncStatus {
  readonly online: boolean;
  readonly syncing: boolean;
  readonly pending: number;
  readonly lastSyncAt: string | null;
  readonly error: StatusError | null;
}

export interface Session {
  readonly vault: Vault;
  readonly docs: Documents;
  readonly account: Account;
  readonly author: Author;
}

export const EnrolFailure = { Wrong: "wrong", Offline: "offline", RateLimited: "rate_limited", Other: "other" } as const;
export type EnrolFailure = (typeof EnrolFailure)[keyof typeof EnrolFailure];

export class EnrolError extends Error {
  constructor(
    readonly failure: EnrolFailure,
    message: string,
  ) {
    super(message);
    this.name = "EnrolError";
  }
}

/** Minutes without a touch or key press before the app locks itself. */
export const INACTIVITY_LOCK_MS = 5 * 60_000;
const ACCOUNT_KEY = "account";
const LANGUAGE_KEY = "language";
const LAST_USER_KEY = "last-user";

/** The link as the browser tells it (`navigator.connection`: Chromium only). */
function browserLink(): LinkHint | undefined {
  return (navigator as Navigator & { connection?: LinkHint }).connection;
}

export class AppController {
  phase: Phase = Phase.Loading;
  language: Language = Language.French;
  status: SyncStatus = { online: navigator.onLine, syncing: false, pending: 0, lastSyncAt: null, error: null };
  session: Session | null = null;
  /** Shown on the lock screen before unlocking (not secret: the agent's own name). */
  lastUser = "";
  private backend: StorageBackend | null = null;
  private enrolled: Omit<Account, "actor"> | null = null;
  private engine: SyncEngine | null = null;
  private scheduler: SyncScheduler | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly phaseListeners = new Set<() => void>();
  private lockTimer: ReturnType<typeof setTimeout> | null = null;
  private periodTimer: ReturnType<typeof setInterval> | null = null;
  private unsubscribeVault: (() => void) | null = null;

  constructor(private readonly transport = new HttpTransport()) {}

  /** Called on every change, the sync status included. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Called when the phase, the language or the session change, not when
   * only the sync status does: the status changes at every save and every
   * sync page, and the screens need not be drawn again for it.
   */
  subscribeToPhase(listener: () => void): () => void {
    this.phaseListeners.add(listener);
    return () => this.phaseListeners.delete(listener);
  }

  private emit(): void {
    for (const l of this.phaseListeners) l();
    for (const l of this.listeners) l();
  }

  private setStatus(patch: Partial<SyncStatus>): void {
    this.status = { ...this.status, ...patch };
    for (const l of this.listeners) l();
  }

  async start(): Promise<void> {
    try {
      this.backend = await IndexedDbBackend.open();
    } catch (e) {
      // The records are there but the browser does not answer: say so (the
      // start's caller shows the storage error) rather than an empty app.
      if (e instanceof IndexedDbStuck) throw e;
      // Private mode of some browsers: work in memory rather than not at all.
      this.backend = new MemoryBackend();
    }
    const lang = await readConfig(this.backend, LANGUAGE_KEY);
    if (isLanguage(lang)) this.language = lang;
    this.lastUser = (await readConfig(this.backend, LAST_USER_KEY)) ?? "";
    this.phase = (await hasVault(this.backend)) ? Phase.Locked : Phase.Enrol;
    performance.mark?.("relais:started");
    window.addEventListener("online", () => {
      this.setStatus({ online: true });
      this.scheduler?.request(0);
    });
    window.addEventListener("offline", () => this.setStatus({ online: false }));
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.scheduler?.request(0);
    });
    for (const event of ["pointerdown", "keydown"]) window.addEventListener(event, () => this.touch(), { passive: true });
    navigator.serviceWorker?.addEventListener("message", (event: MessageEvent<unknown>) => {
      if (event.data === "relais-sync") this.scheduler?.request(0);
    });
    this.emit();
  }

  async setLanguage(lang: Language): Promise<void> {
    this.language = lang;
    this.emit();
    if (this.backend) await writeConfig(this.backend, LANGUAGE_KEY, lang);
  }

  /** Logs in once with the server and keeps the device token until a PIN is set. */
  async enrol(username: string, password: string): Promise<void> {
    let response: Response;
    try {
      response = await fetch("/api/v1/devices", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ username, password, name: `${username} — ${navigator.userAgent.slice(0, 60)}` }),
        credentials: "omit",
        cache: "no-store",
      });
    } catch (e) {
      throw new EnrolError(EnrolFailure.Offline, e instanceof Error ? e.message : String(e));
    }
    const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.status === 401) throw new EnrolError(EnrolFailure.Wrong, String(json["message"] ?? ""));
    if (response.status === 429) throw new EnrolError(EnrolFailure.RateLimited, String(json["message"] ?? ""));
    if (!response.ok) throw new EnrolError(EnrolFailure.Other, String(json["message"] ?? response.statusText));
    const text = (key: string): string => (typeof json[key] === "string" ? (json[key] as string) : "");
    this.enrolled = {
      deviceId: text("device_id"),
      token: text("token"),
      userId: text("user_id"),
      agencyId: text("agency_id"),
      displayName: text("display_name") || username,
      role: text("role"),
      username,
      enrolledAt: new Date().toISOString(),
    };
    this.phase = Phase.SetPin;
    this.emit();
  }

  /** Creates the encrypted store for the enrolled account; a fresh actor id, never reused. */
  async setPin(pin: string): Promise<void> {
    const backend = this.requireBackend();
    if (!this.enrolled) throw new Error("no enrolment to protect");
    const language = this.language;
    await backend.clear();
    await writeConfig(backend, LANGUAGE_KEY, language);
    const vault = await Vault.create(backend, pin);
    const account: Account = { ...this.enrolled, actor: bytesToHex(randomBytes(16)) };
    await vault.mutate((tx) => tx.putMeta(ACCOUNT_KEY, account));
    await writeConfig(backend, LAST_USER_KEY, account.displayName);
    this.lastUser = account.displayName;
    this.enrolled = null;
    await this.open(vault, account);
  }

  /** False when the PIN is wrong. */
  async unlock(pin: string): Promise<boolean> {
    const vault = await Vault.unlock(this.requireBackend(), pin);
    if (!vault) return false;
    const account = await vault.readMeta<Account>(ACCOUNT_KEY);
    if (!account) return false;
    await this.open(vault, account);
    return true;
  }

  private async open(vault: Vault, account: Account): Promise<void> {
    const docs = new Documents(vault, account.actor, () => {
      this.scheduler?.request(SAVE_DELAY_MS);
      void registerBackgroundSync();
    });
    this.session = { vault, docs, account, author: { userId: account.userId, agencyId: account.agencyId } };
    this.engine = new SyncEngine(vault, this.transport, account, { link: browserLink });
    const state = await vault.readMeta<SyncState>(SYNC_META_KEY);
    this.unsubscribeVault = vault.subscribe(() => this.setStatus({ pending: pendingCount(vault.entries()) }));
    this.status = { ...this.status, pending: pendingCount(vault.entries()), lastSyncAt: state?.lastSyncAt ?? null, error: null };
    this.scheduler = new SyncScheduler(() => this.runSync());
    this.periodTimer = setInterval(() => {
      if (document.visibilityState === "visible") this.scheduler?.request(0);
    }, PERIOD_MS);
    this.phase = Phase.Ready;
    this.touch();
    this.emit();
    this.scheduler.request(0);
    void registerBackgroundSync();
  }

  /**
   * Seals the local data again under a new PIN, once the current one is
   * typed again (an unlocked phone left on a table must not be enough).
   * False when the current PIN is wrong.
   */
  async changePin(current: string, next: string): Promise<boolean> {
    const vault = this.session?.vault;
    if (!vault) throw new Error("the app is locked");
    if (!(await vault.checkPin(current))) return false;
    await vault.changePin(next);
    return true;
  }

  /** Locks: the key and the decrypted index are dropped; the sync loop stops until unlocked. */
  lock(): void {
    if (this.phase !== Phase.Ready) return;
    this.close();
    this.phase = Phase.Locked;
    this.emit();
  }

  private close(): void {
    this.scheduler?.stop();
    this.scheduler = null;
    this.engine = null;
    this.unsubscribeVault?.();
    this.unsubscribeVault = null;
    this.session = null;
    if (this.periodTimer) clearInterval(this.periodTimer);
    if (this.lockTimer) clearTimeout(this.lockTimer);
  }

  private touch(): void {
    if (this.phase !== Phase.Ready) return;
    if (this.lockTimer) clearTimeout(this.lockTimer);
    this.lockTimer = setTimeout(() => this.lock(), INACTIVITY_LOCK_MS);
  }

  /** Erases everything on this device and goes back to enrolment. */
  async wipe(): Promise<void> {
    this.close();
    await this.requireBackend().clear();
    await writeConfig(this.requireBackend(), LANGUAGE_KEY, this.language);
    this.lastUser = "";
    this.status = { ...this.status, pending: 0, lastSyncAt: null, error: null };
    this.phase = Phase.Enrol;
    this.emit();
  }

  syncNow(): void {
    this.scheduler?.syncNow();
  }

  /** Resolves when a sync has finished (used before logging out). */
  async syncAndWait(): Promise<void> {
    await this.runSync();
  }

  private syncing: Promise<RunOutcome> | null = null;

  private runSync(): Promise<RunOutcome> {
    if (!this.syncing) {
      this.syncing = this.syncRound().finally(() => {
        this.syncing = null;
      });
    }
    return this.syncing;
  }

  private async syncRound(): Promise<RunOutcome> {
    const engine = this.engine;
    const session = this.session;
    if (!engine || !session) return "stop";
    this.setStatus({ syncing: true });
    try {
      await automergeReady;
      await withLock(() => engine.syncUntilIdle());
      const state = await engine.state();
      if (this.session === session) this.setStatus({ syncing: false, error: null, lastSyncAt: state.lastSyncAt, online: true });
      return "done";
    } catch (e) {
      if (e instanceof SyncError) {
        if (e.failure === SyncFailure.Revoked) {
          await this.wipe();
          this.setStatus({ syncing: false, error: SyncFailure.Revoked });
          return "stop";
        }
        this.setStatus({ syncing: false, error: e.failure, ...(e.failure === SyncFailure.Network ? { online: navigator.onLine } : {}) });
        return e.failure === SyncFailure.Unauthorized ? "stop" : "retry";
      }
      this.setStatus({ syncing: false, error: "storage" });
      return "retry";
    }
  }

  private requireBackend(): StorageBackend {
    if (!this.backend) throw new Error("the store is not open yet");
    return this.backend;
  }
}

/** One sync at a time across tabs of the app (Web Locks where the browser has them). */
async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = navigator.locks;
  if (!locks) return fn();
  return locks.request("relais-sync", fn);
}

interface SyncManager {
  register(tag: string): Promise<void>;
}

/** Asks the browser to wake the service worker when the network returns (Chromium's Background Sync). */
async function registerBackgroundSync(): Promise<void> {
  try {
    const registration = await navigator.serviceWorker?.ready;
    const sync = (registration as (ServiceWorkerRegistration & { sync?: SyncManager }) | undefined)?.sync;
    await sync?.register("relais-sync");
  } catch {
    // Not supported or not allowed: the online event and the timer still sync.
  }
}
