// Reading a run's journal into the Runs page's facts: the SPEC's shape, and any other shape without
// throwing (the runner and the dashboard may be of different versions).
import { expect, it } from 'vitest';
import { summarizeJournal } from '../../reference-server/src/web/journal-summary.js';

it('reads the verdict, title, seed, times and gate and checker counts from a journal', () => {
  const summary = summarizeJournal(
    'run-1',
    {
      status: 'failed',
      deviated: true,
      seed: 42,
      start: '2026-12-04T10:00:00Z',
      end: '2026-12-04T10:01:00Z',
      scenario: { title: 'Receiver outage' },
      gates: [{ ok: true }, { ok: false }, { status: 'failed' }],
      checkers: { no_lost_events: { valid: true }, analytics_exact: { 'valid?': false } },
      errors: ['step "throttle": the chaos rule never fired', 'x'.repeat(500), 'third', 'fourth', 7],
    },
    true,
  );
  expect(summary).toEqual({
    name: 'run-1',
    title: 'Receiver outage',
    status: 'failed',
    deviated: true,
    problems: ['step "throttle": the chaos rule never fired', `${'x'.repeat(239)}…`, 'third'],
    problem_count: 4,
    seed: 42,
    started_at: '2026-12-04T10:00:00Z',
    ended_at: '2026-12-04T10:01:00Z',
    gates: { total: 3, failed: 2 },
    checkers: { total: 2, failed: 1 },
    has_report: true,
  });
});

it('gives nulls, unknown and zero counts for shapes it does not know, never throwing', () => {
  for (const journal of [null, 'text', [], { status: 'exploded', gates: 'many', scenario: 'x', seed: {} }]) {
    expect(summarizeJournal('r', journal, false)).toMatchObject({ title: null, status: 'unknown', deviated: null, problems: [], problem_count: 0, seed: null, gates: { total: 0, failed: 0 } });
  }
});
