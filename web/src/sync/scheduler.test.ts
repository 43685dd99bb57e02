import { describe, expect, it } from "vitest";
import { BACKOFF_MAX_MS, BACKOFF_START_MS, SyncScheduler, type RunOutcome, type SchedulerClock } from "./scheduler";

/** A clock driven by the test: timers fire only when time is advanced. */
class ManualClock implements SchedulerClock {
  time = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private next = 1;
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.set(id, { at: this.time + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  random(): number {
    return 0.5;
  }
  pendingDelays(): number[] {
    return [...this.timers.values()].map((t) => t.at - this.time);
  }
  /** Advances to the next timer and runs it (and the promises it starts). */
  async advance(): Promise<void> {
    const [id, timer] = [...this.timers.entries()].sort((a, b) => a[1].at - b[1].at)[0] ?? [];
    if (id === undefined || !timer) throw new Error("no timer is set");
    this.timers.delete(id);
    this.time = timer.at;
    timer.fn();
    for (let i = 0; i < 10; i++) await Promise.resolve();
  }
}

describe("the sync scheduler", () => {
  it("backs off exponentially after failures and resets after a success", async () => {
    const clock = new ManualClock();
    const outcomes: RunOutcome[] = ["retry", "retry", "retry", "done"];
    let runs = 0;
    const scheduler = new SyncScheduler(async () => outcomes[runs++] ?? "done", clock, () => clock.time);
    scheduler.request(0);
    await clock.advance();
    expect(clock.pendingDelays()).toEqual([BACKOFF_START_MS]);
    await clock.advance();
    expect(clock.pendingDelays()).toEqual([BACKOFF_START_MS * 2]);
    await clock.advance();
    expect(clock.pendingDelays()).toEqual([BACKOFF_START_MS * 4]);
    await clock.advance();
    expect(runs).toBe(4);
    expect(scheduler.backoffFailures).toBe(0);
    expect(clock.pendingDelays()).toEqual([]);
  });

  it("never waits longer than the ceiling between attempts", async () => {
    const clock = new ManualClock();
    const scheduler = new SyncScheduler(async () => "retry", clock, () => clock.time);
    scheduler.request(0);
    for (let i = 0; i < 12; i++) await clock.advance();
    expect(clock.pendingDelays()).toEqual([BACKOFF_MAX_MS]);
  });

  it("runs once more when asked during a sync, and collapses repeated requests", async () => {
    const clock = new ManualClock();
    let release: () => void = () => undefined;
    let runs = 0;
    const scheduler = new SyncScheduler(
      () =>
        new Promise<RunOutcome>((resolve) => {
          runs++;
          release = () => resolve("done");
        }),
      clock,
      () => clock.time,
    );
    scheduler.request(1_000);
    scheduler.request(500);
    scheduler.request(2_000);
    expect(clock.pendingDelays()).toEqual([500]);
    await clock.advance();
    scheduler.request(0);
    scheduler.request(0);
    release();
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(clock.pendingDelays()).toEqual([0]);
    await clock.advance();
    expect(runs).toBe(2);
  });
});
