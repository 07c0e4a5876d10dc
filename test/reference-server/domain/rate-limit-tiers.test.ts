// Tier limits and the fixed-window decision behind the X-RateLimit-* headers.
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIER_LIMITS, decideRate, tierLimits, windowAt } from '../../../reference-server/src/domain/rate-limit-tiers.js';

const NOW = Date.parse('2026-01-01T10:20:30Z');

describe('rate-limit tiers', () => {
  it('ships the production-readiness tiers', () => {
    expect(DEFAULT_TIER_LIMITS).toEqual({
      free: { minute: 10, hour: 100, day: 1000 },
      startup: { minute: 30, hour: 500, day: 5000 },
      business: { minute: 100, hour: 2000, day: 20000 },
      enterprise: { minute: 500, hour: 10000, day: 100000 },
    });
    expect(tierLimits({ free: { minute: 1, hour: 2, day: 3 } }).free).toEqual({ minute: 1, hour: 2, day: 3 });
    expect(tierLimits({ free: { minute: 1, hour: 2, day: 3 } }).startup.minute).toBe(30);
  });

  it('aligns windows to UTC minute, hour and day boundaries', () => {
    expect(windowAt('minute', NOW).resetMs).toBe(Date.parse('2026-01-01T10:21:00Z'));
    expect(windowAt('hour', NOW).resetMs).toBe(Date.parse('2026-01-01T11:00:00Z'));
    expect(windowAt('day', NOW).resetMs).toBe(Date.parse('2026-01-02T00:00:00Z'));
  });

  it('allows the limit-th request and reports the window with the fewest remaining', () => {
    const d = decideRate({ minute: 10, hour: 10, day: 10 }, DEFAULT_TIER_LIMITS.free, NOW);
    expect(d).toMatchObject({ allowed: true, window: 'minute', limit: 10, remaining: 0, retryAfterS: 0 });
    const hourly = decideRate({ minute: 1, hour: 95, day: 95 }, DEFAULT_TIER_LIMITS.free, NOW);
    expect(hourly).toMatchObject({ allowed: true, window: 'hour', remaining: 5 });
  });

  it('refuses past a limit and waits for the longest exceeded window', () => {
    const minute = decideRate({ minute: 11, hour: 11, day: 11 }, DEFAULT_TIER_LIMITS.free, NOW);
    expect(minute).toMatchObject({ allowed: false, window: 'minute', remaining: 0, retryAfterS: 30 });
    const day = decideRate({ minute: 11, hour: 101, day: 1001 }, DEFAULT_TIER_LIMITS.free, NOW);
    expect(day).toMatchObject({ allowed: false, window: 'day', retryAfterS: Math.ceil((Date.parse('2026-01-02T00:00:00Z') - NOW) / 1000) });
  });
});
