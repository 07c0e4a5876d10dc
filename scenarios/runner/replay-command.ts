// The command that replays a run: the same scenario file with the same seed, through the CLI as it
// runs now (a source checkout runs bin/aftershock.ts with tsx, where `npx aftershock` finds nothing).
import { relative } from 'node:path';

/**
 * How to run this CLI again from the current directory: `npx tsx bin/aftershock.ts` when this process
 * is the CLI's TypeScript entry (a source checkout, as `npm run catalog` runs it), else `npx aftershock`
 * (an installed package, or a program calling the runner itself).
 */
export function cliCommand(entry: string | undefined = process.argv[1], cwd = process.cwd()): string {
  if (!entry || !/(^|[\\/])aftershock\.ts$/.test(entry)) return 'npx aftershock';
  return `npx tsx ${quote(relative(cwd, entry) || entry)}`;
}

/**
 * `<cli> run <file> --seed <seed>` and `args`, the run's other options that change what it does (its
 * target, receiver, proxy), each a shell word; or the programmatic form when there is no file.
 */
export function replayCommand(file: string | undefined, seed: number, cli = cliCommand(), args: readonly string[] = []): string {
  if (!file) return `runScenario(scenario, { seed: ${seed} })`;
  return [`${cli} run ${quote(file)} --seed ${seed}`, ...args.map(quote)].join(' ');
}

/** A path or option as one shell word. */
export function quote(path: string): string {
  return /^[\w./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}
