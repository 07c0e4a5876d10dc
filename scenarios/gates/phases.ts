// Phases are named, consecutive windows of the run (`baseline`, `fault`, `recovery`, …) that gates
// refer to. A scenario lists them in order with a length each; here they become time windows.
import type { Window } from '../measure/measurements.js';

/** A named window of the run, in ms since run start (half-open). */
export interface PhaseWindow extends Window {
  name: string;
}

/**
 * Lays phases end to end from the run's start, in the order given.
 * @param phases name → length in ms, in the scenario's order (object key order is kept).
 * @example phaseWindows({ baseline: 10_000, fault: 20_000 }) // [{ name: 'baseline', start: 0, end: 10000 }, { name: 'fault', start: 10000, end: 30000 }]
 */
export function phaseWindows(phases: Readonly<Record<string, number>>): PhaseWindow[] {
  const windows: PhaseWindow[] = [];
  let start = 0;
  for (const [name, length] of Object.entries(phases)) {
    windows.push({ name, start, end: start + length });
    start += length;
  }
  return windows;
}

/** The window named `name`, or undefined. */
export function findPhase(windows: readonly PhaseWindow[], name: string): PhaseWindow | undefined {
  return windows.find((w) => w.name === name);
}
