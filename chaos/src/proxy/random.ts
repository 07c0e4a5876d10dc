// Seeded pseudo-random streams for the proxy: every jitter, slice size and toxicity roll comes from a
// stream derived from (seed, proxy, connection, direction, toxic), so a seeded run repeats exactly.
import { randomInt } from 'node:crypto';

/** A deterministic source of numbers in [0, 1) that can spawn independent child streams. */
export interface Random {
  /** The next number in [0, 1). */
  next(): number;
  /** A uniform integer in [0, maxExclusive); 0 when maxExclusive ≤ 0. */
  int(maxExclusive: number): number;
  /** A child stream that depends only on this stream's seed and the labels, not on how far it has run. */
  derive(...labels: (string | number)[]): Random;
}

/** Hashes text to 32 bits (FNV-1a followed by a murmur finaliser, so close labels spread apart). */
function hash32(text: string, basis: number): number {
  let h = (0x811c9dc5 ^ basis) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Creates a seeded stream (mulberry32: small, fast, and good enough for fault decisions).
 *
 * @example
 * const rng = createRandom(42).derive('db', 3, 'downstream');
 * rng.int(10); // the same value on every run with seed 42
 */
export function createRandom(seed: number): Random {
  const base = hash32(String(seed), 0x9e3779b9);
  let state = base;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
