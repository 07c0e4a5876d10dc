import { describe, expect, it } from 'vitest';
import { recoveryTime } from '../../../scenarios/gates/recovery-time.js';

const from = (first: number) => (s: number) => s >= first;

describe('recoveryTime', () => {
  it('is the time from the heal to the first bucket after which the probe keeps holding for `hold`', () => {
    expect(recoveryTime({ holdsAt: from(12), heal: 10_000, hold: 3000, end: 20_000 })).toBe(2000);
  });

  it('is zero when the probe already holds at the heal', () => {
    expect(recoveryTime({ holdsAt: () => true, heal: 10_400, hold: 3000, end: 20_000 })).toBe(0);
  });

  it('does not count a holding stretch shorter than `hold`', () => {
    const flaky = (s: number) => s === 11 || s === 12 || s >= 15;
    expect(recoveryTime({ holdsAt: flaky, heal: 10_000, hold: 3000, end: 20_000 })).toBe(5000);
    expect(recoveryTime({ holdsAt: flaky, heal: 10_000, hold: 2000, end: 20_000 })).toBe(1000);
  });

  it('measures from a heal inside a bucket to the next bucket’s start', () => {
    expect(recoveryTime({ holdsAt: from(11), heal: 10_300, hold: 2000, end: 20_000 })).toBe(700);
  });

  it('is never (null) when the holding does not fit before the recovery phase ends', () => {
    expect(recoveryTime({ holdsAt: from(18), heal: 10_000, hold: 3000, end: 20_000 })).toBeNull();
    expect(recoveryTime({ holdsAt: () => false, heal: 10_000, hold: 0, end: 20_000 })).toBeNull();
    expect(recoveryTime({ holdsAt: from(17), heal: 10_000, hold: 3000, end: 20_000 })).toBe(7000);
  });
});
