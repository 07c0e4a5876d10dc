// The verdict on one gate or probe, as the journal, the summary and junit.xml show it.

/** What sort of gate produced a result. */
export type GateKind = 'probe' | 'phase' | 'recovery_time' | 'invariant';

/**
 * One gate's outcome.
 * - `measured`: the number compared (ms for durations), or null when nothing could be measured
 *   (no data, or recovery that never happened).
 * - `tolerance`: the tolerance as written, e.g. `<= 5s`.
 * - `detail`: one line a person reads: what was measured, over which window, why it failed.
 */
export interface GateResult {
  name: string;
  kind: GateKind;
  measured: number | null;
  tolerance: string;
  passed: boolean;
  detail: string;
}
