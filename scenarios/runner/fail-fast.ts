// Announces each phase at its boundary, and with `--fail-fast` judges each phase's gates once the phase
// has ended and settled, stopping the run at the first that fails (the rollbacks still run) instead of
// waiting for the end. The last phase ends with the run, so its gates are judged with the rest, after
// the read-back: stopping then would save nothing and lose the checkers.
import { evaluatePhaseGate } from '../gates/phase-gate.js';
import { phaseWindows } from '../gates/phases.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import type { Phases } from './judge-run.js';
import { probeEvidence } from './judge-run.js';
import type { RunClock } from './run-clock.js';
import type { RunEvent } from './run-events.js';
import type { RunRecorder } from './run-recorder.js';

/**
 * A phase's gates are read once every request due in it has answered: judged earlier, its slow
 * successes would be missing while its quick failures counted. Bounded by the longest an adapter
 * waits for an answer (10 s), and a little more.
 */
const SETTLE_BOUND_MS = 11_000;
const SETTLE_POLL_MS = 50;

const PHASES = ['baseline', 'fault', 'recovery'] as const;

/**
 * Watches the phase boundaries; `stop()` resolves when the watch has ended. `onFail` is called at most
 * once, with the failed gate and its phase (the phases after it go unjudged).
 */
export function failFastWatch(input: {
  scenario: Scenario;
  phases: Phases;
  recorder: RunRecorder;
  clock: RunClock;
  signal: AbortSignal;
  enabled: boolean;
  emit: (e: RunEvent) => void;
  onFail: (gate: string, phase: string) => void;
}): { stop(): Promise<void> } {
  const { scenario, phases, recorder, clock, signal } = input;
  // Apart from the judging: a phase's gates are read a settling time after it ends, which must not
  // hold back the next phase's announcement (nor drop it when that judging stops the run).
  let announced = 0;
  const announce = async () => {
    for (const phase of PHASES) {
      await clock.until(phases[phase].start, signal);
      if (signal.aborted) return;
      input.emit({ type: 'phase', phase, time: clock.now() });
      announced++;
    }
  };
  const judge = async () => {
    if (!input.enabled) return;
    const last = Math.max(...PHASES.map((p) => phases[p].end));
    for (const phase of PHASES.filter((p) => phases[p].end < last)) {
      const { end } = phases[phase];
      await clock.until(end, signal);
      // The next phase is announced before this one's verdict can stop the run.
      const next = PHASES.indexOf(phase) + 2;
      const settled = () => announced >= next && recorder.openBefore(end) === 0;
      while (!settled() && clock.now() < end + SETTLE_BOUND_MS && !signal.aborted) await clock.until(clock.now() + SETTLE_POLL_MS, signal);
      if (signal.aborted) return;
      for (const gate of scenario.gates) {
        if (!('phase' in gate) || gate.phase !== phase) continue;
        const result = evaluatePhaseGate(gate, probeEvidence(scenario, recorder), phaseWindows(scenario.phases));
        if (!result.passed) return input.onFail(result.name, phase);
      }
    }
  };
  const done = Promise.all([announce(), judge()]).then(() => undefined);
  return { stop: () => done };
}
