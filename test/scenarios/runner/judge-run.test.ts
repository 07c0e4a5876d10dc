// Judging a run: a failed checker's gate line, the one a summary and a CI log show, names the event
// or delivery its example is about, so the line alone says what to go and look for; phases are
// judged on their own outcomes, whole seconds or not; and a run stopped early (SIGINT, --fail-fast)
// judges what it went through and leaves the rest "not judged", which is no failure.
import { describe, expect, it } from 'vitest';
import { noLostEvents } from '../../../scenarios/checkers/no-lost-events.js';
import { sameIdOnRetry } from '../../../scenarios/checkers/same-id-on-retry.js';
import type { JournalGate } from '../../../scenarios/runner/journal.js';
import { judgeRun, measurementCuts, phaseWindows } from '../../../scenarios/runner/judge-run.js';
import { RunRecorder } from '../../../scenarios/runner/run-recorder.js';
import { parseScenario } from '../../../scenarios/scenario/parse-scenario.js';
import type { ScenarioInput } from '../../../scenarios/scenario/scenario-schema.js';
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

describe('a run stopped early', () => {
  // As the reviewer's scenarios: a baseline, a fault phase, a long recovery, and gates in each.
  const input = {
    title: 'stopped',
    load: { rate: 10 },
    phases: { baseline: '2s', fault: '4s', recovery: '6s' },
    steady_state: [
      { name: 'ingest ok', metric: 'success_rate', tolerance: '>= 0.95' },
      { name: 'ingest p99', metric: 'latency_p99', tolerance: '<= 1ms' },
    ],
    gates: [
      { phase: 'baseline', metric: 'latency_p99', tolerance: '<= 1ms' },
      { phase: 'fault', metric: 'success_rate', tolerance: '>= 0.95' },
      { recovery_time: '<= 2s', probes: ['ingest ok'], hold: '1s' },
      { invariants: ['no_lost_events'] },
    ],
  } as const satisfies ScenarioInput;
  const stopped = parseScenario(input);
  /** Every request answered 201 in 20 ms, from 0 to `until`. */
  const recorded = (until: number) => {
    const recorder = new RunRecorder(measurementCuts(stopped));
    for (let t = 0; t < until; t += 100) recorder.measurements.recordOp({ op: 'create_event', intended: t, end: t + 20, ok: true, status: 201 });
    return recorder;
  };
  const judged = (gates: JournalGate[]) => gates.map((g) => [g.name, g.judged === false ? 'not judged' : g.passed ? 'pass' : 'FAIL', g.detail]);

  it('with --fail-fast, judges the failed phase and leaves every later gate and checker not judged', () => {
    const verdicts = judgeRun({ scenario: stopped, recorder: recorded(2003), phases: phaseWindows(stopped), lastHeal: null, stoppedAt: 2003, failedPhase: 'baseline', checkers: {} });
    const ff = 'not judged (the run stopped at 2.003s: --fail-fast, after a baseline gate failed';
    expect(judged(verdicts.gates)).toEqual([
      ['baseline: latency_p99', 'FAIL', 'phase baseline: latency_p99 of create_event over 0ms–2s was 20ms; tolerance <= 1ms'],
      // A request was answered in the fault phase's first 3 ms: still not judged, the run stopped for the baseline.
      ['fault: success_rate', 'not judged', `${ff})`],
      ['recovery_time: ingest ok', 'not judged', `${ff}, before the recovery phase from 6s, and no fault was healed)`],
      ['no_lost_events', 'not judged', `${ff}, before the read-back)`],
    ]);
    expect(verdicts.gates.filter((g) => g.judged === false).every((g) => !g.passed && g.measured === null)).toBe(true);
    expect(verdicts.recovery).toEqual([{ probe: 'ingest ok', recovery_ms: null, judged: false }]);
    // The baseline broke its p99 steady state: that deviates; the window after, never reached, does not.
    expect(verdicts.steady_states.after.every((r) => r.judged === false && r.value === null)).toBe(true);
    expect(verdicts.steady_states.before.map((r) => [r.name, r.holds, r.judged])).toEqual([
      ['ingest ok', true, undefined],
      ['ingest p99', false, undefined],
    ]);
    expect(verdicts.deviated).toBe(true);
  });

  it('on an interrupt, judges the phase it stopped in on the part it ran, says where it ended, and deviates on nothing unseen', () => {
    const lenient = parseScenario({ ...input, steady_state: [input.steady_state[0]] });
    const recorder = recorded(4892);
    // Six requests in flight at the stop, cancelled by the runner: no failures of the service's.
    for (let t = 4300; t < 4892; t += 100) recorder.measurements.recordOp({ op: 'create_event', intended: t + 50, end: 4900, ok: false, status: 0, cancelled: true });
    const verdicts = judgeRun({ scenario: lenient, recorder, phases: phaseWindows(lenient), lastHeal: 4902, stoppedAt: 4892, checkers: {} });
    expect(judged(verdicts.gates)).toEqual([
      ['baseline: latency_p99', 'FAIL', 'phase baseline: latency_p99 of create_event over 0ms–2s was 20ms; tolerance <= 1ms'],
      ['fault: success_rate', 'pass', 'phase fault: success_rate of create_event over 2s–4.892s was 1; tolerance >= 0.95 (the run stopped at 4.892s, cancelling 6 requests still unanswered, the longest after 550ms)'],
      ['recovery_time: ingest ok', 'not judged', 'not judged (the run stopped at 4.892s, before its last heal at 4.902s in the rollback)'],
      ['no_lost_events', 'not judged', 'not judged (the run stopped at 4.892s, before the read-back)'],
    ]);
    expect(verdicts.steady_states.during[0]).toMatchObject({ value: 1, holds: true, held_share: 1 });
    expect(verdicts.steady_states.after[0]).toMatchObject({ value: null, holds: false, judged: false });
    expect(verdicts.deviated).toBe(false);
  });

  it('does not judge a phase the run stopped in before anything of it was measured, nor one it never reached', () => {
    const verdicts = judgeRun({ scenario: stopped, recorder: recorded(1500), phases: phaseWindows(stopped), lastHeal: null, stoppedAt: 2040, checkers: {} });
    expect(judged(verdicts.gates).slice(1, 2)).toEqual([['fault: success_rate', 'not judged', 'not judged (the run stopped at 2.04s, before anything of phase fault was measured)']]);
    const early = judgeRun({ scenario: stopped, recorder: recorded(1500), phases: phaseWindows(stopped), lastHeal: null, stoppedAt: 1500, checkers: {} });
    expect(judged(early.gates).slice(0, 2)).toEqual([
      ['baseline: latency_p99', 'FAIL', 'phase baseline: latency_p99 of create_event over 0ms–1.5s was 20ms; tolerance <= 1ms (the run stopped at 1.5s)'],
      ['fault: success_rate', 'not judged', 'not judged (the run stopped at 1.5s, before phase fault from 2s)'],
    ]);
  });

  it('judges every gate of a run that ran to its end as before, whatever it measured', () => {
    const verdicts = judgeRun({ scenario: stopped, recorder: recorded(1500), phases: phaseWindows(stopped), lastHeal: null, checkers: {} });
    expect(verdicts.gates.some((g) => g.judged === false)).toBe(false);
    expect(judged(verdicts.gates).slice(1)).toEqual([
      ['fault: success_rate', 'FAIL', 'phase fault: success_rate of create_event over 2s–6s was nothing measured; tolerance >= 0.95'],
      ['recovery_time: ingest ok', 'FAIL', '"ingest ok" never held for 1s from the recovery phase\'s start at 6s (no fault was healed) before the recovery phase ended at 12s'],
      ['no_lost_events', 'FAIL', 'checker no_lost_events did not run'],
    ]);
    expect(verdicts.deviated).toBe(true);
  });
});
