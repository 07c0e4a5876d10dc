// Upper bounds on timings measured through the in-process proxy: its toxics' timers, the echo server
// and the client's polls all run on the test's own event loop, so a loaded machine makes each of them
// late by as much as that loop stalls. Measured rather than guessed, like the bandwidth test's bound.
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** Runs `fn` and resolves with its value and the worst event-loop delay seen meanwhile, in ms. */
export async function withLoopDelay<T>(fn: () => Promise<T>): Promise<{ value: T; lostMs: number }> {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  try {
    const value = await fn();
    return { value, lostMs: delay.max / 1e6 };
  } finally {
    delay.disable();
  }
}
