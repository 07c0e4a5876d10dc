// Seeded generators: deterministic per (seed, rule, point), distinct across any of them, uniform.
import { expect, it } from 'vitest';
import { createRandom, deriveRandom, hashSeed } from '../../../chaos/src/random/seeded-random.js';

const take = (r: { next(): number }, n = 10) => Array.from({ length: n }, () => r.next());

it('repeats the same sequence for the same seed, rule and point', () => {
  expect(take(deriveRandom(42, 'rule', 'dynamodb'))).toEqual(take(deriveRandom(42, 'rule', 'dynamodb')));
});

it('gives different sequences when seed, rule or point differ', () => {
  const base = take(deriveRandom(42, 'rule', 'dynamodb'));
  expect(take(deriveRandom(43, 'rule', 'dynamodb'))).not.toEqual(base);
  expect(take(deriveRandom(42, 'rule2', 'dynamodb'))).not.toEqual(base);
  expect(take(deriveRandom(42, 'rule', 'worker'))).not.toEqual(base);
});

it('does not confuse part boundaries ("ab","c" vs "a","bc")', () => {
  expect(hashSeed('ab', 'c')).not.toBe(hashSeed('a', 'bc'));
});

it('draws uniformly in [0, 1)', () => {
  const xs = take(createRandom(1), 10_000);
  expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
  expect(Math.max(...xs)).toBeLessThan(1);
  const buckets = [0, 0, 0, 0];
  for (const x of xs) buckets[Math.floor(x * 4)] = (buckets[Math.floor(x * 4)] ?? 0) + 1;
  for (const b of buckets) expect(Math.abs(b - 2500)).toBeLessThan(200);
});
