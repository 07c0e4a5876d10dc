// Announces each phase at its boundary, and with `--fail-fast` judges each phase's gates once the phase
// has ended and settled, stopping the run at the first that fails (the rollbacks still run) instead of
// waiting for the end.
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

const PHASES = ['baseline', 'fault', 'recovery'] as const;

/** Watches the phase boundaries; `stop()` resolves when the watch has ended. `onFail` is called at most once. */
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
  // Apart from the judging: a phase's gates are read a settling time after it ends, which must not
  // hold back the next phase's announcement (nor drop it when that judging stops the run).
  const announce = async () => {
    for (const phase of PHASES) {
      await clock.until(phases[phase].start, signal);
      if (signal.aborted) return;
      input.emit({ type: 'phase', phase, time: clock.now() });
    }
  };
  const judge = async () => {
    if (!input.enabled) return;
    for (const phase of PHASES) {
      await clock.until(phases[phase].end + SETTLE_MS, signal);
      if (signal.aborted) return;
      for (const gate of scenario.gates) {
        if (!('phase' in gate) || gate.phase !== phase) continue;
        const result = evaluatePhaseGate(gate, probeEvidence(scenario, recorder), phaseWindows(scenario.phases));
        if (!result.passed) return input.onFail(result.name);
      }
    }
  };
  const done = Promise.all([announce(), judge()]).then(() => undefined);
  return { stop: () => done };
}
