// Latency distributions: fixed values, uniform ranges and normal jitter stay within their bounds and
// have the expected centre.
import { expect, it } from 'vitest';
import { latencyDelayMs, latencySchema } from '../../../chaos/src/faults/latency.js';
import { createRandom } from '../../../chaos/src/random/seeded-random.js';

const draw = (injector: unknown, n = 2000) => {
  const parsed = latencySchema.parse(injector);
  const random = createRandom(11);
  return Array.from({ length: n }, () => latencyDelayMs(parsed, random));
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

it('returns the fixed delay every time', () => {
  expect(new Set(draw({ kind: 'latency', ms: 250 }, 50))).toEqual(new Set([250]));
});

it('spreads a range uniformly over its bounds', () => {
  const xs = draw({ kind: 'latency', min_ms: 100, max_ms: 500 });
  expect(Math.min(...xs)).toBeGreaterThanOrEqual(100);
  expect(Math.max(...xs)).toBeLessThanOrEqual(500);
  expect(mean(xs)).toBeGreaterThan(280);
  expect(mean(xs)).toBeLessThan(320);
  expect(xs.filter((x) => x < 200).length).toBeGreaterThan(400);
});

it('centres normal jitter on the mean and never goes negative', () => {
  const xs = draw({ kind: 'latency', mean_ms: 50, jitter_ms: 40 });
  expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
  expect(Math.max(...xs)).toBeLessThanOrEqual(50 + 4 * 40);
  const centred = draw({ kind: 'latency', mean_ms: 200, jitter_ms: 20 });
  expect(mean(centred)).toBeGreaterThan(195);
  expect(mean(centred)).toBeLessThan(205);
});
