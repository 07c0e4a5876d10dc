// The phase watch: each phase is announced at its boundary whether or not --fail-fast is judging, and a
// failed phase gate stops the run once the phase has settled.
import { expect, it } from 'vitest';
import { failFastWatch } from '../../../scenarios/runner/fail-fast.js';
import { phaseWindows } from '../../../scenarios/runner/judge-run.js';
import { startRunClock } from '../../../scenarios/runner/run-clock.js';
import type { RunEvent } from '../../../scenarios/runner/run-events.js';
import { RunRecorder } from '../../../scenarios/runner/run-recorder.js';
import { parseScenario } from '../../../scenarios/scenario/parse-scenario.js';

const scenario = parseScenario({
  title: 'fail fast',
  load: { rate: 10 },
  phases: { baseline: '500ms', fault: '500ms', recovery: '3s' },
  gates: [{ phase: 'fault', metric: 'success_rate', tolerance: '>= 0.99' }],
});

it('announces every phase at its start with --fail-fast, the recovery too when the fault phase then fails', async () => {
  const recorder = new RunRecorder();
  // Every create of the fault phase failed: its gate fails when it is judged.
  for (let t = 500; t < 1000; t += 100) recorder.measurements.recordOp({ op: 'create_event', intended: t, end: t + 5, ok: false, status: 503 });
  const events: RunEvent[] = [];
  const abort = new AbortController();
  const failed: string[] = [];
  const clock = startRunClock();
  const watch = failFastWatch({
    scenario,
    phases: phaseWindows(scenario),
    recorder,
    clock,
    signal: abort.signal,
    enabled: true,
    emit: (e) => events.push(e),
    onFail: (gate) => {
      failed.push(gate);
      abort.abort();
    },
  });
  await watch.stop();
  expect(failed).toHaveLength(1);
  const phases = events.flatMap((e) => (e.type === 'phase' ? [e] : []));
  expect(phases.map((e) => e.phase)).toEqual(['baseline', 'fault', 'recovery']);
  for (const e of phases) {
    const start = { baseline: 0, fault: 500, recovery: 1000 }[e.phase as 'baseline' | 'fault' | 'recovery'];
    expect(e.time - start, `${e.phase} announced at ${e.time} ms`).toBeLessThan(200);
  }
});
