// Randomness as a parameter: production uses the OS CSPRNG, tests and replays a seeded generator.

/** Fills and returns `n` random bytes. */
export type RandomBytes = (n: number) => Uint8Array;

/**
 * A small seeded PRNG (mulberry32). Not for secrets: only for ids, jitter and test replays,
 * where one seed must give one sequence.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random bytes drawn from a seeded generator (for deterministic tests only). */
export function seededBytes(seed: number): RandomBytes {
  const next = seededRandom(seed);
  return (n) => Uint8Array.from({ length: n }, () => Math.floor(next() * 256));
}
