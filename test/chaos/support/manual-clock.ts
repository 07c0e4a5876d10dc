// A clock tests move by hand, so rule lifecycles are checked at exact instants without waiting.
import type { Clock } from '../../../chaos/src/clock.js';

/** A settable clock starting at `start` (ms). */
export function manualClock(start = Date.UTC(2026, 0, 1)): Clock & { advance(ms: number): void; set(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    set: (ms) => {
      now = ms;
    },
  };
}
