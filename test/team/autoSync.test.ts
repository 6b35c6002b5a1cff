import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AutoSyncScheduler } from '../../src/core/team/autoSync';

/** A manual clock: timers fire only when the test advances time. */
function manualClock() {
  let now = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  let next = 1;
  return {
    setTimer: (fn: () => void, ms: number) => {
      const id = next++;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimer: (id: unknown) => void timers.delete(id as number),
    async advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
        for (let i = 0; i < 5; i++) await Promise.resolve();
      }
      now = until;
    },
  };
}

describe('auto-sync scheduling', () => {
  test('a burst of ingests becomes one sync after the quiet time', async () => {
    const clock = manualClock();
    let runs = 0;
    const s = new AutoSyncScheduler({ debounceMs: 1000, run: async () => void runs++, ...clock });
    for (let i = 0; i < 5; i++) {
      s.trigger();
      await clock.advance(300);
    }
    assert.equal(runs, 0);
    await clock.advance(1000);
    assert.equal(runs, 1);
  });

  test('offline: failures are reported, retried with growing delays, and a success resets', async () => {
    const clock = manualClock();
    let online = false;
    let runs = 0;
    const delays: number[] = [];
    const s = new AutoSyncScheduler({
      debounceMs: 100,
      retryMs: 1000,
      maxRetryMs: 4000,
      run: async () => {
        runs++;
        if (!online) throw new Error('ECONNREFUSED');
      },
      onError: (_e, next) => delays.push(next),
      ...clock,
    });
    s.trigger();
    await clock.advance(100 + 1000 + 2000 + 4000 + 4000);
    assert.deepEqual(delays, [1000, 2000, 4000, 4000, 4000]);
    assert.equal(runs, 5);
    online = true;
    await clock.advance(4000);
    assert.equal(runs, 6);
    await clock.advance(60_000);
    assert.equal(runs, 6, 'no retries after a success');
  });

  test('a trigger during a run queues exactly one more run, never a concurrent one', async () => {
    const clock = manualClock();
    let release!: () => void;
    let concurrent = 0;
    let maxConcurrent = 0;
    let runs = 0;
    const s = new AutoSyncScheduler({
      debounceMs: 10,
      run: () => {
        runs++;
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        return new Promise<void>((r) => (release = () => {
          concurrent--;
          r();
        }));
      },
      ...clock,
    });
    s.trigger();
    await clock.advance(10);
    assert.equal(s.busy, true);
    s.trigger();
    s.trigger();
    await clock.advance(100);
    assert.equal(runs, 1);
    release();
    await clock.advance(0);
    await clock.advance(10);
    assert.equal(runs, 2);
    release();
    await clock.advance(100);
    assert.equal(runs, 2);
    assert.equal(maxConcurrent, 1);
  });
});
