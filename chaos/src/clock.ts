// The clock every chaos decision reads: injected so tests and replays control time exactly.

/** A source of wall-clock time in milliseconds since the epoch. */
export interface Clock {
  now(): number;
}

/** The real clock (`Date.now`). Tests pass their own `{ now }` instead. */
export const systemClock: Clock = { now: () => Date.now() };
