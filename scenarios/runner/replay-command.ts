// The command that replays a run: the same scenario file with the same seed.

/** `npx aftershock run <file> --seed <seed>` (or the programmatic form when there is no file). */
export function replayCommand(file: string | undefined, seed: number): string {
  if (!file) return `runScenario(scenario, { seed: ${seed} })`;
  const quoted = /^[\w./-]+$/.test(file) ? file : `'${file.replace(/'/g, `'\\''`)}'`;
  return `npx aftershock run ${quoted} --seed ${seed}`;
}
