// Retry timing as a pure function of (attempt, clock, seeded randomness): exponential schedules with
// jitter, Retry-After honoured within bounds. The worker applies the decision; tests check it directly.

/** Delays before each retry, in ms: entry i is the wait after attempt i+1 failed. */
export type RetrySchedule = readonly number[];

/** Default: 1 attempt + 3 retries, quick enough to watch in a playground. */
export const DEFAULT_SCHEDULE: RetrySchedule = [1_000, 5_000, 25_000];

/** A production preset in the spirit of common webhook providers: about a day and a half in all. */
export const PRODUCTION_SCHEDULE: RetrySchedule = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

/** Parses `"1000,5000,25000"` or a preset name (`default`, `production`). */
export function parseSchedule(text: string): RetrySchedule | undefined {
  if (text === 'default') return DEFAULT_SCHEDULE;
  if (text === 'production') return PRODUCTION_SCHEDULE;
  const parts = text.split(',').map((p) => Number(p.trim()));
  return parts.length > 0 && parts.length <= 20 && parts.every((n) => Number.isInteger(n) && n >= 0 && n <= 7 * 86_400_000)
    ? parts
    : undefined;
}

export interface RetryTiming {
  schedule: RetrySchedule;
  /** ± fraction of the delay drawn at random (0.2 = ±20 %). */
  jitter: number;
  /** Largest Retry-After the worker will honour, in ms; longer asks are capped. */
  maxRetryAfterMs: number;
}

/**
 * When to try again after failed attempt number `attempt` (1-based), or `undefined` when the schedule
 * is exhausted. A `Retry-After` from the receiver raises the delay (never lowers it) up to the cap.
 */
export function nextAttemptAt(
  attempt: number,
  nowMs: number,
  random: () => number,
  timing: RetryTiming,
  retryAfterMs?: number,
): number | undefined {
  const base = timing.schedule[attempt - 1];
  if (base === undefined) return undefined;
  const jittered = base * (1 + timing.jitter * (2 * random() - 1));
  const asked = retryAfterMs === undefined ? 0 : Math.min(retryAfterMs, timing.maxRetryAfterMs);
  return nowMs + Math.round(Math.max(jittered, asked));
}

/** Parses a Retry-After header (seconds or an HTTP date) into ms from `nowMs`. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
