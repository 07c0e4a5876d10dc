// CPU time of other processes (the server, a worker, the embedded dynalite), read from Linux /proc, so
// a benchmark can report CPU per event: steadier than throughput on a machine shared with other work.
import { existsSync, readFileSync } from 'node:fs';

/** CPU seconds (user + system) process `pid` has used so far, or NaN where /proc is not available. */
export function cpuSeconds(pid: number | undefined): number {
  const file = `/proc/${pid}/stat`;
  if (pid === undefined || !existsSync(file)) return NaN;
  const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The median of `xs` (the lower middle for an even count). */
export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

/** Lowest and highest of `xs`. */
export const rangeOf = (xs: readonly number[]): [number, number] => [Math.min(...xs), Math.max(...xs)];

/** CPU milliseconds (user + system) this process has used so far. */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
