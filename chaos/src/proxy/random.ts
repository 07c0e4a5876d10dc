// Seeded pseudo-random streams for the proxy: every jitter, slice size and toxicity roll comes from a
// stream derived from (seed, proxy, connection, direction, toxic), so a seeded run repeats exactly.
// The generator and hash are the package's one seeded PRNG (random/seeded-random.ts).
import { randomInt } from 'node:crypto';
import { hash32, mulberry32 } from '../random/seeded-random.js';

/** A deterministic source of numbers in [0, 1) that can spawn independent child streams. */
export interface Random {
  /** The next number in [0, 1). */
  next(): number;
  /** A uniform integer in [0, maxExclusive); 0 when maxExclusive ≤ 0. */
  int(maxExclusive: number): number;
  /** A child stream that depends only on this stream's seed and the labels, not on how far it has run. */
  derive(...labels: (string | number)[]): Random;
}

/**
 * Creates a seeded stream.
 *
 * @example
 * const rng = createRandom(42).derive('db', 3, 'downstream');
 * rng.int(10); // the same value on every run with seed 42
 */
export function createRandom(seed: number): Random {
  const base = hash32(String(seed), 0x9e3779b9);
  const next = mulberry32(base);
  return {
    next,
    int: (maxExclusive) => (maxExclusive <= 0 ? 0 : Math.floor(next() * maxExclusive)),
    derive: (...labels) => createRandom(hash32(labels.join('\u0000'), base)),
  };
}

/** A seed for runs that did not ask for one: still a single number, so it can be logged and replayed. */
export function freshSeed(): number {
  return randomInt(2 ** 31);
}
