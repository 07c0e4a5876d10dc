// The project's one seeded pseudo-random generator (mulberry32) and seed hash (FNV-1a with a murmur
// finaliser). Every chaos decision, proxy toxic and seeded test draws from here, derived from (run seed,
// labels), so a run replays exactly from its seed whatever else happens in parallel. Not for secrets.

/** A generator of uniform numbers in [0, 1). */
export interface Random {
  next(): number;
}

/** Hashes text to 32 bits from `basis` (FNV-1a, then a murmur finaliser so near-equal inputs diverge). */
export function hash32(text: string, basis = 0): number {
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

/** Hashes strings into a 32-bit seed; the parts are joined with NUL so ('ab','c') ≠ ('a','bc'). */
export function hashSeed(...parts: readonly string[]): number {
  return hash32(parts.join('\u0000'));
}

/**
 * mulberry32 as a bare function: tiny, fast, and good enough for faults, jitter and ids in tests.
 * @example const next = mulberry32(42); next(); // the same value on every run
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A {@link Random} over {@link mulberry32}. */
export function createRandom(seed: number): Random {
  return { next: mulberry32(seed) };
}

/**
 * The generator for one rule at one point of one run.
 *
 * @example
 * const r = deriveRandom('run-42', 'slow-db', 'dynamodb'); r.next(); // same value on every replay
 */
export function deriveRandom(seed: string | number, ruleId: string, point: string): Random {
  return createRandom(hashSeed(String(seed), ruleId, point));
}

/** A standard normal draw (Box–Muller), consuming exactly two uniforms so replays stay aligned. */
export function standardNormal(random: Random): number {
  const u1 = 1 - random.next(); // (0, 1]: log(0) would be -Infinity
  const u2 = random.next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
