// `--fail-fast`: judges each phase's gates as soon as the phase ends, and stops the run at the first
// that fails (the rollbacks still run) instead of waiting for the end.
import { evaluatePhaseGate } from '../gates/phase-gate.js';
import { phaseWindows } from '../gates/phases.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import type { Phases } from './judge-run.js';
import { probeEvidence } from './judge-run.js';
import type { RunClock } from './run-clock.js';
import type { RunEvent } from './run-events.js';
import type { RunRecorder } from './run-recorder.js';

/** Outstanding requests finish within this after a phase ends, before its gates are read. */
const SETTLE_MS = 1_000;

/** Watches the phase ends; `stop()` ends the watch. `onFail` is called at most once. */
export function failFastWatch(input: {
  scenario: Scenario;
  phases: Phases;
  recorder: RunRecorder;
  clock: RunClock;
  signal: AbortSignal;
  enabled: boolean;
  emit: (e: RunEvent) => void;
  onFail: (gate: string) => void;
}): { stop(): Promise<void> } {
  const { scenario, phases, recorder, clock, signal } = input;
  const watch = async () => {
    for (const phase of ['baseline', 'fault', 'recovery'] as const) {
      await clock.until(phases[phase].start, signal);
      if (signal.aborted) return;
      input.emit({ type: 'phase', phase, time: clock.now() });
      if (!input.enabled) continue;
      await clock.until(phases[phase].end + SETTLE_MS, signal);
      if (signal.aborted) return;
      for (const gate of scenario.gates) {
        if (!('phase' in gate) || gate.phase !== phase) continue;
        const result = evaluatePhaseGate(gate, probeEvidence(scenario, recorder), phaseWindows(scenario.phases));
        if (!result.passed) return input.onFail(result.name);
      }
    }
  };
  const done = watch();
  return { stop: () => done };
}
