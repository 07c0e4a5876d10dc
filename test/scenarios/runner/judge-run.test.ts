// Judging a run: a failed checker's gate line, the one a summary and a CI log show, names the event
// or delivery its example is about, so the line alone says what to go and look for; and phases are
// judged on their own outcomes, whole seconds or not.
import { expect, it } from 'vitest';
import { noLostEvents } from '../../../scenarios/checkers/no-lost-events.js';
import { sameIdOnRetry } from '../../../scenarios/checkers/same-id-on-retry.js';
import { judgeRun, measurementCuts, phaseWindows } from '../../../scenarios/runner/judge-run.js';
import { RunRecorder } from '../../../scenarios/runner/run-recorder.js';
import { parseScenario } from '../../../scenarios/scenario/parse-scenario.js';
import { create, final, readable, receipt } from '../checkers/histories.js';

const scenario = parseScenario({
  title: 'judged',
  load: { rate: 10 },
  phases: { baseline: '1s', fault: '1s', recovery: '1s' },
  gates: [{ invariants: ['no_lost_events', 'same_id_on_retry'] }],
});

it("names the lost event and the reused delivery id in a failed checker's gate detail", () => {
  const recorder = new RunRecorder();
  for (const record of [...create(1, 100, 'ok', { event_id: 'evt-kept' }), ...create(2, 200, 'ok', { event_id: 'evt-lost' })]) recorder.op(record);
  recorder.receipt(receipt('dlv-7', 'evt-kept', 300));
  recorder.receipt(receipt('dlv-7', 'evt-other', 400));
  recorder.record(final({ 'evt-kept': readable() }));
  const verdicts = judgeRun({ scenario, recorder, phases: phaseWindows(scenario), lastHeal: null, checkers: { no_lost_events: noLostEvents, same_id_on_retry: sameIdOnRetry } });
  const detail = Object.fromEntries(verdicts.gates.map((g) => [g.name, g.detail]));
  expect(detail.no_lost_events).toMatch(/; e\.g\. event evt-lost: expected readable at the final read-back \(the create was acknowledged\), saw missing from the read-back$/);
  expect(detail.same_id_on_retry).toMatch(/; e\.g\. delivery dlv-7: expected one \(event, webhook\) pair per delivery id, saw used for /);
});

it('judges phases that do not end on a whole second on their own outcomes', () => {
  // The service fails from 1.5 s to 2 s, the first quarter of the fault phase; the baseline is clean.
  const halves = parseScenario({
    title: 'half seconds',
    load: { rate: 10 },
    phases: { baseline: '1500ms', fault: '2s', recovery: '3s' },
    gates: [
      { phase: 'baseline', metric: 'success_rate', tolerance: '>= 0.95' },
      { phase: 'fault', metric: 'success_rate', tolerance: '>= 0.9' },
    ],
  });
  expect(measurementCuts(halves)).toEqual([1500, 3500, 6500, 5500]);
  const recorder = new RunRecorder(measurementCuts(halves));
  for (let t = 0; t < 6500; t += 100) {
    const ok = !(t >= 1500 && t < 2000);
    recorder.measurements.recordOp({ op: 'create_event', intended: t, end: t + 5, ok, status: ok ? 201 : 503 });
  }
  const verdicts = judgeRun({ scenario: halves, recorder, phases: phaseWindows(halves), lastHeal: null, checkers: {} });
  expect(verdicts.gates.map((g) => [g.name, g.measured, g.passed])).toEqual([
    ['baseline: success_rate', 1, true],
    ['fault: success_rate', 0.75, false],
  ]);
});
