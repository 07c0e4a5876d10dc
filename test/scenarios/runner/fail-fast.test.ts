// The phase watch: each phase is announced at its boundary whether or not --fail-fast is judging, and a
// failed phase gate stops the run once the phase has settled.
import { expect, it } from 'vitest';
import { failFastWatch } from '../../../scenarios/runner/fail-fast.js';
import { measurementCuts, phaseWindows } from '../../../scenarios/runner/judge-run.js';
import { startRunClock } from '../../../scenarios/runner/run-clock.js';
import type { RunEvent } from '../../../scenarios/runner/run-events.js';
import { RunRecorder } from '../../../scenarios/runner/run-recorder.js';
import { parseScenario } from '../../../scenarios/scenario/parse-scenario.js';

const base = { title: 'fail fast', load: { rate: 10 }, phases: { baseline: '500ms', fault: '500ms', recovery: '3s' } };
const scenario = parseScenario({ ...base, gates: [{ phase: 'fault', metric: 'success_rate', tolerance: '>= 0.99' }] });

it('announces every phase at its start with --fail-fast, the recovery too when the fault phase then fails', async () => {
  const recorder = new RunRecorder(measurementCuts(scenario));
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
    onFail: (gate, phase) => {
      failed.push(`${phase}: ${gate}`);
      abort.abort();
    },
  });
  await watch.stop();
  // The phase goes with it: the run judges nothing after it.
  expect(failed).toEqual(['fault: fault: success_rate']);
  const phases = events.flatMap((e) => (e.type === 'phase' ? [e] : []));
  expect(phases.map((e) => e.phase)).toEqual(['baseline', 'fault', 'recovery']);
  for (const e of phases) {
    const start = { baseline: 0, fault: 500, recovery: 1000 }[e.phase as 'baseline' | 'fault' | 'recovery'];
    expect(e.time - start, `${e.phase} announced at ${e.time} ms`).toBeLessThan(200);
  }
});

it('judges a phase once every request due in it has answered, not a fixed time after it ends', async () => {
  const slow = parseScenario({ ...base, gates: [{ phase: 'fault', metric: 'success_rate', tolerance: '>= 0.8' }] });
  const recorder = new RunRecorder(measurementCuts(slow));
  const clock = startRunClock();
  // Ten creates due in the fault phase (500–1000 ms): one refused at once, nine answered 201 at 2.3 s,
  // well past the phase's end and the second after it. The phase is 90 % successful: the gate holds.
  for (let i = 0; i < 10; i++) recorder.op({ kind: 'op', process: i, type: 'invoke', f: 'create_event', value: {}, time: 500 + i * 50, intended: 500 + i * 50 });
  recorder.op({ kind: 'op', process: 0, type: 'fail', f: 'create_event', value: { status: 503 }, time: 505 });
  recorder.measurements.recordOp({ op: 'create_event', intended: 500, end: 505, ok: false, status: 503 });
  const answer = setTimeout(() => {
    for (let i = 1; i < 10; i++) {
      recorder.measurements.recordOp({ op: 'create_event', intended: 500 + i * 50, end: clock.now(), ok: true, status: 201 });
      recorder.op({ kind: 'op', process: i, type: 'ok', f: 'create_event', value: { status: 201 }, time: clock.now() });
    }
  }, 2_300);
  const failed: string[] = [];
  try {
    const watch = failFastWatch({ scenario: slow, phases: phaseWindows(slow), recorder, clock, signal: new AbortController().signal, enabled: true, emit: () => {}, onFail: (gate) => failed.push(gate) });
    await watch.stop();
  } finally {
    clearTimeout(answer);
  }
  expect(failed).toEqual([]);
  expect(recorder.openBefore(1_000)).toBe(0);
});

it('leaves the last phase to the end of the run: a failed recovery gate does not stop a run that has ended', async () => {
  const recovery = parseScenario({ ...base, gates: [{ phase: 'recovery', metric: 'success_rate', tolerance: '>= 0.99' }] });
  const recorder = new RunRecorder(measurementCuts(recovery));
  // Every create of the recovery phase failed.
  for (let t = 1000; t < 4000; t += 100) recorder.measurements.recordOp({ op: 'create_event', intended: t, end: t + 5, ok: false, status: 503 });
  const failed: string[] = [];
  const clock = startRunClock();
  const watch = failFastWatch({ scenario: recovery, phases: phaseWindows(recovery), recorder, clock, signal: new AbortController().signal, enabled: true, emit: () => {}, onFail: (gate) => failed.push(gate) });
  await watch.stop();
  expect(failed).toEqual([]);
  // The watch ended once the last phase was announced, not at the run's end.
  expect(clock.now()).toBeLessThan(4_000);
});
