// The one source of time for the server: injected everywhere so tests and chaos runs can move it.

/** Milliseconds since the Unix epoch, as `Date.now()` gives them. */
export interface Clock {
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to; for tests and replayed runs. */
export class ManualClock implements Clock {
  constructor(private current = Date.parse('2026-01-01T00:00:00Z')) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(ms: number): void {
    this.current = ms;
  }
}

let last = { ms: Number.NaN, text: '' };

/**
 * ISO-8601 UTC text for a clock reading. The last reading's text is kept: a worker formats several
 * times per delivery, thousands of deliveries a second, mostly within the same millisecond, and
 * formatting costs ~0.6 µs where the kept text costs ~0.16 µs (four readings per millisecond).
 */
export function iso(ms: number): string {
  if (ms !== last.ms) last = { ms, text: new Date(ms).toISOString() };
  return last.text;
}
