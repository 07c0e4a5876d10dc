// Randomness as a parameter: production uses the OS CSPRNG, tests and replays a seeded generator
// (the project's one seeded PRNG lives in chaos/src/random/seeded-random.ts).

/** Fills and returns `n` random bytes. */
export type RandomBytes = (n: number) => Uint8Array;
