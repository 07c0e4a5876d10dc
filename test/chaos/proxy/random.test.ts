// The seeded streams behind every random decision: same seed and labels, same numbers; derived
// streams do not depend on how far the parent has run.
import { expect, it } from 'vitest';
import { createRandom } from '../../../chaos/src/proxy/random.js';

const take = (next: () => number, n: number): number[] => Array.from({ length: n }, next);

it('produces the same sequence for the same seed and a different one for another seed', () => {
  const a = take(createRandom(5).next, 20);
  expect(take(createRandom(5).next, 20)).toEqual(a);
  expect(take(createRandom(6).next, 20)).not.toEqual(a);
  expect(a.every((x) => x >= 0 && x < 1)).toBe(true);
});

it('derives child streams from labels only, not from the parent position', () => {
  const fresh = createRandom(9);
  const used = createRandom(9);
  take(used.next, 100);
  expect(take(used.derive('db', 3, 'downstream').next, 10)).toEqual(take(fresh.derive('db', 3, 'downstream').next, 10));
  expect(take(fresh.derive('db', 4).next, 10)).not.toEqual(take(fresh.derive('db', 3).next, 10));
});

it('draws integers uniformly in range', () => {
  const random = createRandom(1);
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < 4000; i++) counts[random.int(4)]! += 1;
  for (const count of counts) expect(count).toBeGreaterThan(850);
  expect(random.int(0)).toBe(0);
});
