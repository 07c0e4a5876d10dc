// The summary `aftershock run` prints after each scenario: a gate with a number shows it against its
// tolerance, a checker shows the counts it judged by, and a failure says why.
import { expect, it } from 'vitest';
import { summaryLines } from '../../../scenarios/cli/summary.js';
import type { Journal } from '../../../scenarios/runner/journal.js';

const journal = (gates: Journal['gates']) =>
  ({
    status: gates.every((g) => g.passed) ? 'completed' : 'failed',
    title: 'Receiver outage',
    deviated: false,
    seed: 7,
    duration_ms: 11_085,
    load: { intended: 200, dropped: 0 },
    gates,
    recovery: [{ probe: 'ingest ok', recovery_ms: 607 }],
    errors: [],
    outputs: { dir: '/runs/r', report: '/runs/r/report.html' },
    replay: 'npx tsx bin/aftershock.ts run r.yaml --seed 7',
  }) as unknown as Journal;

it('shows a checker by the counts it judged, and a number against its tolerance', () => {
  const lines = summaryLines(
    journal([
      { name: 'ingest ok', kind: 'recovery_time', measured: 607, tolerance: '<= 2s', passed: true, detail: '' },
      // As the runner judges a checker (counts), and as evaluateGates does (its name first).
      { name: 'no_lost_events', kind: 'invariant', measured: null, tolerance: 'valid', passed: true, detail: 'ok=151 lost=0 pending=0' },
      { name: 'same_id_on_retry', kind: 'invariant', measured: null, tolerance: 'valid', passed: true, detail: 'same_id_on_retry held: pairs=151 changed_id=0' },
    ]),
  );
  expect(lines[0]).toBe('PASS  Receiver outage');
  expect(lines).toContain('  ok   ingest ok: 607ms (needs <= 2s)');
  expect(lines).toContain('  ok   no_lost_events: ok=151 lost=0 pending=0');
  expect(lines).toContain('  ok   same_id_on_retry held: pairs=151 changed_id=0');
  expect(lines.some((l) => l.includes('—'))).toBe(false);
});

it('says why a gate failed', () => {
  const lines = summaryLines(
    journal([
      { name: 'fault: success_rate', kind: 'phase', measured: 0.8, tolerance: '>= 0.9', passed: false, detail: 'success_rate over 2s–6s was 0.8' },
      { name: 'no_lost_events', kind: 'invariant', measured: null, tolerance: 'valid', passed: false, detail: 'no_lost_events found violations: ok=150 lost=1 pending=0' },
      // The runner's failures end with an example.
      { name: 'deliveries_complete', kind: 'invariant', measured: null, tolerance: 'valid', passed: false, detail: 'missing=1; e.g. evt_1 never delivered' },
    ]),
  );
  expect(lines[0]).toBe('FAIL  Receiver outage');
  expect(lines).toContain('  FAIL fault: success_rate: 0.8 (needs >= 0.9) — success_rate over 2s–6s was 0.8');
  expect(lines).toContain('  FAIL no_lost_events found violations: ok=150 lost=1 pending=0');
  expect(lines).toContain('  FAIL deliveries_complete: missing=1; e.g. evt_1 never delivered');
});

it('says what made a run deviate: a broken steady state, a step that was not applied, or both', () => {
  const reading = (holds: boolean) => ({ name: 'ingest ok', value: holds ? 1 : 0.5, tolerance: '>= 0.99', holds });
  const step = (name: string, status: string) => ({ name, type: 'fault', kind: 'chaos:dynamodb', planned: { start: 1000, end: 2000 }, status });
  const deviated = (before: boolean, after: boolean, activities: unknown[]) =>
    summaryLines({ ...journal([]), deviated: true, steady_states: { before: [reading(before)], during: [], after: [reading(after)] }, activities } as unknown as Journal)[0];
  expect(deviated(true, true, [step('slow store', 'failed'), step('store down', 'healed')])).toBe('PASS  Receiver outage  (deviated: step "slow store" was not applied)');
  expect(deviated(true, false, [step('a', 'failed'), step('b', 'failed')])).toBe('PASS  Receiver outage  (deviated: steady state did not hold before or after; 2 steps were not applied)');
  expect(deviated(false, true, [])).toBe('PASS  Receiver outage  (deviated: steady state did not hold before or after)');
  expect(deviated(true, true, [step('a', 'healed')])).toBe('PASS  Receiver outage  (deviated: steady state deviated)');
  // A reading the run stopped before it could take (the window after, never reached) is no cause.
  const unread = { name: 'ingest ok', value: null, tolerance: '>= 0.99', holds: false, judged: false };
  const stopped = summaryLines({ ...journal([]), deviated: true, steady_states: { before: [reading(false)], during: [], after: [unread] }, activities: [] } as unknown as Journal)[0];
  expect(stopped).toBe('PASS  Receiver outage  (deviated: steady state did not hold before or after)');
  const notRead = summaryLines({ ...journal([]), deviated: true, steady_states: { before: [reading(true)], during: [], after: [unread] }, activities: [step('a', 'failed')] } as unknown as Journal)[0];
  expect(notRead).toBe('PASS  Receiver outage  (deviated: step "a" was not applied)');
});

it('reads a duration tolerance in minutes as a duration', () => {
  const lines = summaryLines(journal([{ name: 'fault: latency_max', kind: 'phase', measured: 1234.567, tolerance: '<= 1m', passed: true, detail: '' }]));
  expect(lines).toContain('  ok   fault: latency_max: 1.235s (needs <= 1m)');
});

it('shows a gate the run stopped before judging as not judged, neither held nor failed', () => {
  const stopped = (detail: string) => ({ measured: null, passed: false, judged: false as const, detail });
  const lines = summaryLines({
    ...journal([
      { name: 'baseline: latency_p99', kind: 'phase', measured: 78, tolerance: '<= 1ms', passed: false, detail: 'phase baseline: latency_p99 over 0ms–2s was 78ms' },
      { name: 'fault: error_rate', kind: 'phase', tolerance: '== 0', ...stopped('not judged (the run stopped at 2.003s: --fail-fast, after a baseline gate failed)') },
      { name: 'recovery_time: ingest ok', kind: 'recovery_time', tolerance: '<= 2s', ...stopped('not judged (the run stopped at 2.003s: --fail-fast, after a baseline gate failed, before the recovery phase from 6s, and no fault was healed)') },
      { name: 'no_lost_events', kind: 'invariant', tolerance: 'valid', ...stopped('not judged (the run stopped at 2.003s: --fail-fast, after a baseline gate failed, before the read-back)') },
    ]),
    status: 'aborted',
    recovery: [{ probe: 'ingest ok', recovery_ms: null, judged: false }],
  } as Journal);
  expect(lines[0]).toBe('ABORTED  Receiver outage');
  expect(lines.slice(2, 6)).toEqual([
    '  FAIL baseline: latency_p99: 78ms (needs <= 1ms) — phase baseline: latency_p99 over 0ms–2s was 78ms',
    '  skip fault: error_rate: not judged (the run stopped at 2.003s: --fail-fast, after a baseline gate failed)',
    '  skip recovery_time: ingest ok: not judged (the run stopped at 2.003s: --fail-fast, after a baseline gate failed, before the recovery phase from 6s, and no fault was healed)',
    '  skip no_lost_events: not judged (the run stopped at 2.003s: --fail-fast, after a baseline gate failed, before the read-back)',
  ]);
  expect(lines).toContain('  recovery: ingest ok not judged');
  expect(lines.join('\n')).not.toMatch(/never/);
});
