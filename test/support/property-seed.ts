// Seeds for property tests: every run prints its seed, and FC_SEED=<n> replays that run exactly.
// (FC_RUNS overrides the number of runs, e.g. for a longer local soak.)

/** fast-check parameters for the property named `name`; logs the seed and how to replay it. */
export function propertyParams(name: string, defaultRuns: number): { seed: number; numRuns: number } {
  const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : Date.now() % 2 ** 31;
  const numRuns = process.env.FC_RUNS !== undefined ? Number(process.env.FC_RUNS) : defaultRuns;
  console.log(`[property] ${name}: seed=${seed} runs=${numRuns} (replay: FC_SEED=${seed} npx vitest run -t "${name}")`);
  return { seed, numRuns };
}
