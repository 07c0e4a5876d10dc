// The run's clock: milliseconds since the run started, and abortable waits on it. Every time in the
// history, the buckets and the journal is read from here, so a test can read them the same way.
import { setTimeout as sleep } from 'node:timers/promises';

/** Time since the run started. */
export interface RunClock {
  /** Milliseconds since the run started (monotonic). */
  now(): number;
  /** Resolves at `at` ms since the start (at once if past); resolves early, without throwing, on abort. */
  until(at: number, signal?: AbortSignal): Promise<void>;
  /** The wall-clock time the run started, for the journal. */
  startedAt: Date;
}

/** A clock starting now, on `performance.now()` (monotonic, immune to wall-clock steps). */
export function startRunClock(): RunClock {
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  return {
    now,
    startedAt: new Date(),
    // A timer may fire a fraction of a millisecond before performance.now() has reached its time (it
    // counts whole milliseconds on another clock), so it waits again until the run's clock has.
    async until(at, signal) {
      for (let wait = at - now(); wait > 0 && !signal?.aborted; wait = at - now()) {
        await sleep(Math.ceil(wait), undefined, { signal }).catch(() => undefined);
      }
    },
  };
}
