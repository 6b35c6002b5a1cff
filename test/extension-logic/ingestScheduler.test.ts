import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { IngestScheduler, type SchedulerClock } from '../../src/extension/ingest/scheduler';

/** A manual clock: timers fire only when the test advances time. */
class FakeClock implements SchedulerClock {
  private t = 0;
  private nextId = 1;
  private timers = new Map<number, { at: number; fn: () => void }>();
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  get pendingTimers(): number {
    return this.timers.size;
  }
  /** Advances time, firing due timers in order, letting promise callbacks run in between. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.timers].filter(([, v]) => v.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
      await flush();
    }
    this.t = end;
    await flush();
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
}

/** A run whose end the test controls. */
function controllableRun() {
  const calls: { finish: () => void; fail: (e: Error) => void }[] = [];
  let active = 0;
  let maxActive = 0;
  const run = () =>
    new Promise<void>((resolve, reject) => {
      active++;
      maxActive = Math.max(maxActive, active);
      calls.push({
        finish: () => {
          active--;
          resolve();
        },
        fail: (e) => {
          active--;
          reject(e);
        },
      });
    });
  return { run, calls, get maxActive() { return maxActive; } };
}

describe('IngestScheduler (debounce + serialisation)', () => {
  test('a burst of 50 changes becomes exactly one run after the quiet period', async () => {
    const clock = new FakeClock();
    const r = controllableRun();
    const s = new IngestScheduler(r.run, { debounceMs: 500, clock });
    for (let i = 0; i < 50; i++) {
      s.trigger();
      await clock.advance(20);
    }
    assert.equal(r.calls.length, 0, 'no run while changes keep arriving within the debounce');
    // the last change came at t=980 ms; the clock is at 1000 ms
    await clock.advance(479);
    assert.equal(r.calls.length, 0);
    await clock.advance(1);
    assert.equal(r.calls.length, 1);
    r.calls[0].finish();
    await flush();
    await clock.advance(5000);
    assert.equal(r.calls.length, 1, 'nothing more without new changes');
    assert.equal(s.isPending, false);
  });

  test('changes during a run schedule exactly one more run, never overlapping', async () => {
    const clock = new FakeClock();
    const r = controllableRun();
    const s = new IngestScheduler(r.run, { debounceMs: 100, clock });
    s.trigger();
    await clock.advance(100);
    assert.equal(r.calls.length, 1);
    for (let i = 0; i < 30; i++) {
      s.trigger();
      await clock.advance(50);
    }
    await clock.advance(1000);
    assert.equal(r.calls.length, 1, 'second run waits for the first');
    r.calls[0].finish();
    await flush();
    assert.equal(r.calls.length, 2, 'exactly one follow-up run starts once the first ends');
    r.calls[1].finish();
    await flush();
    await clock.advance(1000);
    assert.equal(r.calls.length, 2);
    assert.equal(r.maxActive, 1);
  });

  test('a change during a run that is still inside its debounce when the run ends waits for the debounce', async () => {
    const clock = new FakeClock();
    const r = controllableRun();
    const s = new IngestScheduler(r.run, { debounceMs: 100, clock });
    s.trigger();
    await clock.advance(100);
    s.trigger();
    await clock.advance(10);
    r.calls[0].finish();
    await flush();
    assert.equal(r.calls.length, 1);
    await clock.advance(90);
    assert.equal(r.calls.length, 2);
    r.calls[1].finish();
    await s.whenIdle();
  });

  test('maxWait bounds how long a steady stream of changes postpones the run', async () => {
    const clock = new FakeClock();
    const r = controllableRun();
    const s = new IngestScheduler(r.run, { debounceMs: 100, maxWaitMs: 1000, clock });
    for (let i = 0; i < 25; i++) {
      s.trigger();
      await clock.advance(50);
    }
    // 25 × 50 ms = 1250 ms of uninterrupted changes: one run must have started at 1000 ms.
    assert.equal(r.calls.length, 1);
    r.calls[0].finish();
    await flush();
    await clock.advance(100);
    assert.equal(r.calls.length, 2, 'the changes after the forced run get their own run');
    r.calls[1].finish();
    await s.whenIdle();
  });

  test('manual runs share the queue: an automatic run never overlaps runExclusive work', async () => {
    const clock = new FakeClock();
    const r = controllableRun();
    const s = new IngestScheduler(r.run, { debounceMs: 10, clock });
    let releaseManual!: () => void;
    const order: string[] = [];
    const manual = s.runExclusive(async () => {
      order.push('manual start');
      await new Promise<void>((res) => (releaseManual = res));
      order.push('manual end');
      return 42;
    });
    await flush();
    s.trigger();
    await clock.advance(10);
    assert.equal(r.calls.length, 0, 'automatic run waits for the manual one');
    releaseManual();
    assert.equal(await manual, 42);
    await flush();
    assert.equal(r.calls.length, 1);
    assert.deepEqual(order, ['manual start', 'manual end']);
    r.calls[0].finish();
    await s.whenIdle();
  });

  test('a failing run is reported and the scheduler keeps working', async () => {
    const clock = new FakeClock();
    const r = controllableRun();
    const errors: unknown[] = [];
    const s = new IngestScheduler(r.run, { debounceMs: 10, clock, onError: (e) => errors.push(e) });
    s.trigger();
    await clock.advance(10);
    r.calls[0].fail(new Error('disk full'));
    await flush();
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /disk full/);
    s.trigger();
    await clock.advance(10);
    assert.equal(r.calls.length, 2);
    r.calls[1].finish();
    await s.whenIdle();
  });

  test('dispose cancels a scheduled run and ignores later changes', async () => {
    const clock = new FakeClock();
    const r = controllableRun();
    const s = new IngestScheduler(r.run, { debounceMs: 100, clock });
    s.trigger();
    s.dispose();
    assert.equal(clock.pendingTimers, 0);
    s.trigger();
    await clock.advance(1000);
    assert.equal(r.calls.length, 0);
    await s.whenIdle();
  });

  test('with real timers: appends in a burst produce one run', async () => {
    let runs = 0;
    const s = new IngestScheduler(async () => {
      runs++;
    }, { debounceMs: 40 });
    for (let i = 0; i < 10; i++) {
      s.trigger();
      await new Promise((res) => setTimeout(res, 5));
    }
    await new Promise((res) => setTimeout(res, 120));
    await s.whenIdle();
    assert.equal(runs, 1);
    s.dispose();
  });
});
