/**
 * When to sync automatically (extension: after each ingest, `telemetryLens.team.autoSync`):
 * debounced (a burst of ingests is one sync), one at a time (a trigger during a run queues one
 * more run, never a second concurrent one), and offline-tolerant: a failed run is retried later
 * with a growing delay (capped), and its error is reported, never thrown — local ingest never
 * waits for or hears about the team database.
 */
export interface AutoSyncOptions {
  /** quiet time after the last trigger (ms) */
  debounceMs: number;
  /** first retry delay after a failure (ms), doubled per failure up to maxRetryMs */
  retryMs?: number;
  maxRetryMs?: number;
  run: () => Promise<void>;
  onError?: (e: unknown, nextRetryMs: number) => void;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export class AutoSyncScheduler {
  private timer: unknown;
  private running = false;
  private again = false;
  private failures = 0;
  private disposed = false;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly opts: AutoSyncOptions) {
    this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  /** Something changed locally: sync after the quiet time. */
  trigger(): void {
    if (this.disposed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(this.opts.debounceMs);
  }

  get busy(): boolean {
    return this.running;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = this.setTimer(() => {
      this.timer = undefined;
      void this.fire();
    }, ms);
  }

  private async fire(): Promise<void> {
    if (this.disposed || this.running) return;
    this.running = true;
    this.again = false;
    let failed = false;
    try {
      await this.opts.run();
      this.failures = 0;
    } catch (e) {
      failed = true;
      this.failures++;
      const delay = Math.min(this.opts.maxRetryMs ?? 15 * 60_000, (this.opts.retryMs ?? 30_000) * 2 ** (this.failures - 1));
      try {
        this.opts.onError?.(e, delay);
      } catch {
        /* a reporting problem must not stop retries */
      }
      if (!this.disposed) this.schedule(delay);
    } finally {
      this.running = false;
    }
    if (!failed && this.again && !this.disposed) this.schedule(this.opts.debounceMs);
  }
}
