import type { IDisposable } from '../../core/lifecycle';

/** The clock the scheduler uses; injectable so tests can drive time. */
export interface SchedulerClock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export const realClock: SchedulerClock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  now: () => Date.now(),
};

export interface IngestSchedulerOptions {
  /** Quiet time after the last change before a run starts. */
  debounceMs: number;
  /**
   * Upper bound on how long a steady stream of changes may postpone a run; without it a
   * hook appending every 100 ms would starve the ingest forever. Default: 10 × debounce.
   */
  maxWaitMs?: number;
  clock?: SchedulerClock;
  /** A failed run is reported here; the scheduler keeps working. */
  onError?: (error: unknown) => void;
}

/**
 * Turns a burst of file-change notifications into ONE ingest run, and never runs two
 * ingests at once: a change during a run schedules exactly one more run after it.
 * Manual runs (`runExclusive`) share the same queue, so a "Migrate JSONL" and a live
 * ingest never overlap either. Knows nothing about VS Code.
 */
export class IngestScheduler implements IDisposable {
  private readonly clock: SchedulerClock;
  private debounceMs: number;
  private maxWaitMs: number;
  private timer: unknown;
  /** When the first change of the current, not yet run, burst arrived. */
  private burstStartedAt: number | undefined;
  /** The debounce elapsed while a run was busy: start again as soon as it ends. */
  private due = false;
  private busy = false;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  private idleWaiters: (() => void)[] = [];
  private autoRuns = 0;

  constructor(
    private readonly run: () => Promise<void>,
    private readonly options: IngestSchedulerOptions,
  ) {
    this.clock = options.clock ?? realClock;
    this.debounceMs = Math.max(0, options.debounceMs);
    this.maxWaitMs = options.maxWaitMs ?? this.debounceMs * 10;
  }

  /** How many automatic runs have started (for logs and tests). */
  get runCount(): number {
    return this.autoRuns;
  }

  /** True while an automatic run is in progress (or queued behind a manual one). */
  get isRunning(): boolean {
    return this.busy;
  }

  /** True while a change is waiting for its run or a run is in progress. */
  get isPending(): boolean {
    return this.timer !== undefined || this.due || this.busy;
  }

  setDebounce(debounceMs: number, maxWaitMs?: number): void {
    this.debounceMs = Math.max(0, debounceMs);
    this.maxWaitMs = maxWaitMs ?? this.debounceMs * 10;
  }

  /** A watched file changed. Cheap; call it for every notification. */
  trigger(): void {
    if (this.disposed) return;
    const now = this.clock.now();
    this.burstStartedAt ??= now;
    const waitedSoFar = now - this.burstStartedAt;
    const delay = Math.max(0, Math.min(this.debounceMs, this.maxWaitMs - waitedSoFar));
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => this.onQuiet(), delay);
  }

  /**
   * Runs `work` (e.g. a manual migration) in the same queue as the automatic runs, so it
   * waits for a live ingest in progress and holds the next one back until it is done.
   */
  runExclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Resolves once nothing is scheduled or running (tests, orderly shutdown). */
  whenIdle(): Promise<void> {
    if (!this.isPending) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.due = false;
    if (!this.busy) this.notifyIdle();
  }

  private onQuiet(): void {
    this.timer = undefined;
    if (this.disposed) return;
    if (this.busy) {
      this.due = true;
      return;
    }
    void this.startRun();
  }

  private async startRun(): Promise<void> {
    this.busy = true;
    this.due = false;
    this.burstStartedAt = undefined;
    this.autoRuns++;
    try {
      await this.runExclusive(this.run);
    } catch (e) {
      this.options.onError?.(e);
    } finally {
      this.busy = false;
    }
    if (this.due && !this.disposed) {
      void this.startRun();
    } else if (!this.isPending) {
      this.notifyIdle();
    }
  }

  private notifyIdle(): void {
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
