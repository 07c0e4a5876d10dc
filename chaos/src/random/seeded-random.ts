// Seeded pseudo-random generators. Every chaos decision draws from one of these, derived from
// (run seed, rule id, point), so a run replays exactly from its seed whatever else happens in parallel.

/** A generator of uniform numbers in [0, 1). */
export interface Random {
  next(): number;
}

/** Hashes strings into a 32-bit seed (FNV-1a with a final avalanche, so near-equal inputs diverge). */
export function hashSeed(...parts: readonly string[]): number {
  let h = 0x811c9dc5;
  const text = parts.join('\u0000');
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32: tiny, fast and good enough for fault decisions (not for secrets). */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return {
    next() {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
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
