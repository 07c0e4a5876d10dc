import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recoveryTime } from '../../../scenarios/gates/recovery-time.js';
import { propertyParams } from '../../support/property-seed.js';

/**
 * The definition, read literally at 1 ms resolution: the least t ≥ heal, t < end, t + hold ≤ end,
 * such that the probe holds at every millisecond of [t, t + hold) (or at t when hold is 0).
 */
function bruteForce(buckets: boolean[], heal: number, hold: number, end: number): number | null {
  const at = (ms: number) => buckets[Math.floor(ms / 1000)] ?? false;
  // nextFailure[ms]: the first millisecond ≥ ms where the probe does not hold.
  const nextFailure = new Array<number>(end + 1).fill(end);
  for (let ms = end - 1; ms >= 0; ms--) nextFailure[ms] = at(ms) ? (nextFailure[ms + 1] ?? end) : ms;
  for (let t = heal; t < end && t + hold <= end; t++) {
    const ok = hold === 0 ? at(t) : (nextFailure[t] ?? end) >= t + hold;
    if (ok) return t - heal;
  }
  return null;
}

describe('recoveryTime (property)', () => {
  it('agrees with the millisecond-by-millisecond definition', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 30 }),
        fc.nat({ max: 29_999 }),
        fc.nat({ max: 8000 }),
        fc.nat({ max: 30_000 }),
        (buckets, healAt, hold, endAt) => {
          const end = Math.min(endAt, buckets.length * 1000);
          const heal = Math.min(healAt, end);
          const holdsAt = (s: number) => buckets[s] ?? false;
          expect(recoveryTime({ holdsAt, heal, hold, end })).toBe(bruteForce(buckets, heal, hold, end));
        },
      ),
      propertyParams('recoveryTime agrees with the millisecond-by-millisecond definition', 300),
    );
  });
});
