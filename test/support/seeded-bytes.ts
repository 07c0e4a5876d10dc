// Deterministic "random" bytes for tests that need a fixed secret or nonce, drawn from the project's
// one seeded PRNG. Never for real secrets.
import { mulberry32 } from '../../chaos/src/random/seeded-random.js';
import type { RandomBytes } from '../../reference-server/src/domain/random.js';

/** Random bytes drawn from a generator seeded with `seed`: one seed, one byte sequence. */
export function seededBytes(seed: number): RandomBytes {
  const next = mulberry32(seed);
  return (n) => Uint8Array.from({ length: n }, () => Math.floor(next() * 256));
}
