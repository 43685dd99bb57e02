/**
 * When to sync: at start, when the network comes back, shortly after each
 * save, every few minutes while the app is visible, and when Background Sync
 * wakes the service worker. One sync at a time; a request during a sync runs
 * another right after. Failures back off exponentially (with jitter) up to a
 * ceiling; success resets the delay. Nothing here blocks the UI thread for
 * long: each round is a few awaited steps.
 */

export interface SchedulerClock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  random(): number;
}

export const browserClock: SchedulerClock = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
  random: () => Math.random(),
};

export const SAVE_DELAY_MS = 1_500;
export const PERIOD_MS = 3 * 60_000;
export const BACKOFF_START_MS = 5_000;
export const BACKOFF_MAX_MS = 5 * 60_000;

export type RunOutcome = "done" | "retry" | "stop";

export class SyncScheduler {
  private timer: unknown = null;
  private dueAt = Infinity;
  private running = false;
  private again = false;
  private failures = 0;
  private stopped = false;

  constructor(
    /** One full sync; "retry" backs off, "stop" waits for an explicit request. */
    private readonly run: () => Promise<RunOutcome>,
    private readonly clock: SchedulerClock = browserClock,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Sync within `delayMs` (an earlier request wins; a later one never postpones it). */
  request(delayMs = 0): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    const at = this.now() + delayMs;
    if (at >= this.dueAt) return;
    this.schedule(delayMs);
  }

  /** A user's "sync now": forget the backoff. */
  syncNow(): void {
    this.failures = 0;
    this.request(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  get backoffFailures(): number {
    return this.failures;
  }

  private schedule(delayMs: number): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.dueAt = this.now() + delayMs;
    this.timer = this.clock.setTimeout(() => void this.fire(), delayMs);
  }

  private async fire(): Promise<void> {
    this.timer = null;
    this.dueAt = Infinity;
    if (this.stopped) return;
    this.running = true;
    this.again = false;
    let outcome: RunOutcome;
    try {
      outcome = await this.run();
    } catch {
      outcome = "retry";
    }
    this.running = false;
    if (this.stopped) return;
    if (outcome === "retry") {
      this.failures++;
      const base = Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** (this.failures - 1));
      this.schedule(Math.round(base * (0.75 + 0.5 * this.clock.random())));
    } else {
      this.failures = 0;
      if (this.again && outcome === "done") this.schedule(0);
    }
  }
}
