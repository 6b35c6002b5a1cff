import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Max event-loop delay (ms) of this thread while `run` runs — the side-by-side measure of the
 * worker tests (in-process vs through a worker). The histogram's first tick only starts its
 * clock, and a blocked stretch is recorded by the tick after it: both are let happen around the
 * work (work that ends in resolved promises alone would otherwise never be measured).
 */
export async function maxLagDuring<T>(run: () => Promise<T>): Promise<{ result: T; maxMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  await new Promise((resolve) => setTimeout(resolve, 30));
  try {
    const result = await run();
    await new Promise((resolve) => setTimeout(resolve, 30));
    return { result, maxMs: h.max / 1e6 };
  } finally {
    h.disable();
  }
}
