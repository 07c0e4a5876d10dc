// The retry schedule as a pure function: each failed attempt's delay from the schedule, jitter within
// its band, Retry-After raising (never lowering) the delay up to the cap, and the end of the schedule.
import { describe, expect, it } from 'vitest';
import { nextAttemptAt, parseRetryAfter, parseSchedule, type RetryTiming } from '../../../reference-server/src/domain/retry-schedule.js';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const timing: RetryTiming = { schedule: [1_000, 5_000, 25_000], jitter: 0, maxRetryAfterMs: 60_000 };
const middle = () => 0.5;

describe('nextAttemptAt', () => {
  it('waits the scheduled delay after each failed attempt and gives up after the last', () => {
    expect([1, 2, 3].map((n) => nextAttemptAt(n, NOW, middle, timing)! - NOW)).toEqual([1_000, 5_000, 25_000]);
    expect(nextAttemptAt(4, NOW, middle, timing)).toBeUndefined();
  });

  it('keeps jitter within ± the fraction, at its edges for the extreme draws', () => {
    const jittered = { ...timing, jitter: 0.2 };
    expect(nextAttemptAt(2, NOW, () => 0, jittered)! - NOW).toBe(4_000);
    expect(nextAttemptAt(2, NOW, () => 0.999999, jittered)! - NOW).toBe(6_000);
    expect(nextAttemptAt(2, NOW, middle, jittered)! - NOW).toBe(5_000);
  });

  it('honours a longer Retry-After, ignores a shorter one and caps it', () => {
    expect(nextAttemptAt(1, NOW, middle, timing, 30_000)! - NOW).toBe(30_000);
    expect(nextAttemptAt(2, NOW, middle, timing, 100)! - NOW).toBe(5_000);
    expect(nextAttemptAt(1, NOW, middle, timing, 3_600_000)! - NOW).toBe(60_000);
  });
});

describe('parseSchedule and parseRetryAfter', () => {
  it('reads presets and lists, and refuses what is not a list of delays', () => {
    expect(parseSchedule('100, 200,300')).toEqual([100, 200, 300]);
    expect(parseSchedule('default')).toEqual([1_000, 5_000, 25_000]);
    expect(parseSchedule('soon')).toBeUndefined();
    expect(parseSchedule('-1')).toBeUndefined();
  });

  it('reads seconds and HTTP dates, and nothing else', () => {
    expect(parseRetryAfter('7', NOW)).toBe(7_000);
    expect(parseRetryAfter(new Date(NOW + 90_000).toUTCString(), NOW)).toBe(90_000);
    expect(parseRetryAfter('later', NOW)).toBeUndefined();
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
  });
});
