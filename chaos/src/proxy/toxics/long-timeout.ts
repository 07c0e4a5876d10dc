// A setTimeout that honours any delay. Node's timers take at most 2^31 − 1 ms (about 24.8 days) and
// silently turn a longer delay into 1 ms; toxic attributes are int64 milliseconds (or microseconds),
// so a `latency` of 3,000,000,000 must hold data for the full 34.7 days, as Toxiproxy does.

/** Node's largest timer delay; anything above it fires after 1 ms. */
export const maxTimerDelayMs = 2 ** 31 - 1;

/** A pending long timeout; `clear()` cancels it (safe to call more than once). */
export interface LongTimeout {
  clear(): void;
}

/**
 * Calls `callback` after `ms` milliseconds, however large, by chaining timers of at most
 * `maxTimerDelayMs`. Written by hand: the few small packages for this are unmaintained, and the
 * chaining is the whole idea.
 *
 * @example
 * const held = setLongTimeout(() => release(), 3_000_000_000); // ~34.7 days, not 1 ms
 * held.clear();
 */
export function setLongTimeout(callback: () => void, ms: number): LongTimeout {
  let remaining = Math.max(ms, 0);
  let timer: NodeJS.Timeout;
  const arm = (): void => {
    const step = Math.min(remaining, maxTimerDelayMs);
    remaining -= step;
    timer = setTimeout(() => (remaining > 0 ? arm() : callback()), step);
  };
  arm();
  return { clear: () => clearTimeout(timer) };
}
